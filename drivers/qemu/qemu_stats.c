/*
 * qemu_stats.c: statistics of running QEMU guests: memory (QMP
 * query-balloon, the RSS from /proc), disks (query-blockstats), NICs
 * (/proc/net/dev of vmmd's network namespace), vCPUs (query-cpus-fast and
 * the threads' /proc entries) and the host's CPU map (/sys).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * These are queries: they take no job and hold no lock while QEMU answers
 * (qemu_domain_query()), and fail with the monitor's deadline message when
 * QEMU is stalled.
 */
#define _GNU_SOURCE
#include "qemu_driver_priv.h"
#include "qemu_stats.h"
#include "qemu_command.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ------------------------------------------------------------------ */
/* Parsers                                                             */

gboolean
qemu_parse_proc_stat(const char *text, guint64 *ticks, int *cpu)
{
    const char *p = text ? strrchr(text, ')') : NULL;
    g_auto(GStrv) fields = NULL;
    guint64 utime, stime, last;

    /* After "pid (comm) ": field 3 (state) is at index 0, so field N is at
     * N - 3: utime 14, stime 15, processor 39. */
    if (!p || p[1] != ' ')
        return FALSE;
    fields = g_strsplit(p + 2, " ", 40);
    if (g_strv_length(fields) < 13 ||
        !g_ascii_string_to_unsigned(fields[11], 10, 0, G_MAXUINT64, &utime, NULL) ||
        !g_ascii_string_to_unsigned(fields[12], 10, 0, G_MAXUINT64, &stime, NULL))
        return FALSE;
    *ticks = utime + stime;
    if (cpu) {
        if (g_strv_length(fields) < 37 ||
            !g_ascii_string_to_unsigned(fields[36], 10, 0, G_MAXINT, &last, NULL))
            return FALSE;
        *cpu = (int)last;
    }
    return TRUE;
}

guint64
qemu_ticks_to_ns(guint64 ticks)
{
    return ticks * (G_GUINT64_CONSTANT(1000000000) / (guint64)sysconf(_SC_CLK_TCK));
}

gboolean
qemu_parse_proc_status_rss(const char *text, guint64 *rss_kib)
{
    for (const char *line = text; line && *line; line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        if (g_str_has_prefix(line, "VmRSS:")) {
            char *end = NULL;
            guint64 v = g_ascii_strtoull(line + 6, &end, 10);

            if (end == line + 6)
                return FALSE;
            *rss_kib = v;
            return TRUE;
        }
    }
    return FALSE;
}

gboolean
qemu_parse_proc_net_dev(const char *text, const char *dev, VmmDomainInterfaceStats *stats)
{
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);

    for (guint i = 0; lines[i]; i++) {
        const char *colon = strchr(lines[i], ':');
        g_autofree char *name = NULL;
        g_auto(GStrv) f = NULL;
        guint64 v[16];
        guint n = 0;

        if (!colon)
            continue;
        name = g_strstrip(g_strndup(lines[i], colon - lines[i]));
        if (!g_str_equal(name, dev))
            continue;
        f = g_strsplit_set(colon + 1, " \t", -1);
        for (guint k = 0; f[k] && n < G_N_ELEMENTS(v); k++) {
            if (!*f[k])
                continue;
            if (!g_ascii_string_to_unsigned(f[k], 10, 0, G_MAXINT64, &v[n], NULL))
                return FALSE;
            n++;
        }
        if (n < 12)
            return FALSE;
        /* Receive: bytes packets errs drop fifo frame compressed multicast;
         * transmit: bytes packets errs drop ... */
        stats->rx_bytes = v[8];
        stats->rx_packets = v[9];
        stats->rx_errs = v[10];
        stats->rx_drop = v[11];
        stats->tx_bytes = v[0];
        stats->tx_packets = v[1];
        stats->tx_errs = v[2];
        stats->tx_drop = v[3];
        return TRUE;
    }
    return FALSE;
}

/* ------------------------------------------------------------------ */
/* Driver entries                                                      */

static gboolean
has_balloon(const VmmDomainDef *def)
{
    GPtrArray *b = def->devices.memballoons;

    return b && b->len &&
           ((const VmmDomainMemballoonDef *)b->pdata[0])->model != VMM_MEMBALLOON_MODEL_NONE;
}

/* The balloon's size (QMP, when the guest has one, else the definition's
 * current memory) and QEMU's resident memory. */
int
qemu_domain_memory_stats(VmmDomain *dom, VmmDomainMemoryStat *stats, unsigned int nr_stats,
                         unsigned int flags, GError **error)
{
    VmmDomainObj *obj;
    const VmmDomainDef *def;
    guint64 actual, rss;
    g_autoptr(VmmJsonNode) ret = NULL;
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;
    gboolean balloon;
    gint64 bytes;
    unsigned int n = 0;
    pid_t pid;

    QEMU_CHECK_FLAGS(flags, 0, -1);
    if (!(obj = vmm_domain_obj_find_active(qemu_driver->domains, dom->uuid, dom->name,
                                           error)))
        return -1;
    def = vmm_domain_obj_def(obj);
    actual = def->current_memory_kib ? def->current_memory_kib : def->memory_kib;
    balloon = has_balloon(def);
    pid = qemu_domain_pid(obj);
    if (balloon && !(ret = qemu_domain_query(obj, "query-balloon", NULL, error))) {
        vmm_obj_end(obj);
        return -1;
    }
    vmm_obj_end(obj);
    if (ret && vmm_json_node_get_int(vmm_json_node_object_get(ret, "actual"), &bytes))
        actual = (guint64)bytes / 1024;

    if (n < nr_stats) {
        stats[n].tag = VMM_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON;
        stats[n++].val = actual;
    }
    path = g_strdup_printf("/proc/%d/status", (int)pid);
    if (n < nr_stats && g_file_get_contents(path, &text, NULL, NULL) &&
        qemu_parse_proc_status_rss(text, &rss)) {
        stats[n].tag = VMM_DOMAIN_MEMORY_STAT_RSS;
        stats[n++].val = rss;
    }
    return (int)n;
}

/* QMP's name of each block counter, in virsh's order. */
static const struct {
    const char *qmp;
    const char *param;
} blockstat_names[] = {
    { "rd_operations", VMM_DOMAIN_BLOCK_STATS_READ_REQ },
    { "rd_bytes", VMM_DOMAIN_BLOCK_STATS_READ_BYTES },
    { "wr_operations", VMM_DOMAIN_BLOCK_STATS_WRITE_REQ },
    { "wr_bytes", VMM_DOMAIN_BLOCK_STATS_WRITE_BYTES },
    { "flush_operations", VMM_DOMAIN_BLOCK_STATS_FLUSH_REQ },
    { "rd_total_time_ns", VMM_DOMAIN_BLOCK_STATS_READ_TOTAL_TIMES },
    { "wr_total_time_ns", VMM_DOMAIN_BLOCK_STATS_WRITE_TOTAL_TIMES },
    { "flush_total_time_ns", VMM_DOMAIN_BLOCK_STATS_FLUSH_TOTAL_TIMES },
};

/* The position of the disk the query-blockstats entry @e is about: by its
 * device (qdev: the alias, or the QOM path under it) when the disk has an
 * alias (@aliases, "" for none: hotplugged disks have nodes of their own
 * numbering), else by its format node name, or -1. */
static int
disk_of_entry(const VmmJsonNode *e, GStrv aliases)
{
    const char *qdev = vmm_json_node_object_get_string(e, "qdev");
    const char *node = vmm_json_node_object_get_string(e, "node-name");
    guint ndisks = g_strv_length(aliases);

    for (guint i = 0; qdev && i < ndisks; i++) {
        g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", aliases[i]);

        if (*aliases[i] && (g_str_equal(qdev, aliases[i]) || g_str_equal(qdev, path) ||
                            (g_str_has_prefix(qdev, path) && qdev[strlen(path)] == '/')))
            return (int)i;
    }
    for (guint i = 0; node && i < ndisks; i++) {
        g_autofree char *name = vmm_qemu_disk_format_node(i);

        if (g_str_equal(name, node))
            return (int)i;
    }
    return -1;
}

/* One disk's counters, or ("") the sum over all, from query-blockstats;
 * the backends are matched to disks by device, else by format node. */
gboolean
qemu_domain_block_stats(VmmDomain *dom, const char *disk, VmmTypedParameter **params,
                        int *nparams, unsigned int flags, GError **error)
{
    VmmDomainObj *obj;
    g_autoptr(VmmJsonNode) ret = NULL;
    g_autoptr(GArray) out = NULL;
    gint64 totals[G_N_ELEMENTS(blockstat_names)] = { 0 };
    g_auto(GStrv) aliases = NULL;
    gboolean found = FALSE;
    int want = -1;

    QEMU_CHECK_FLAGS(flags, 0, FALSE);
    if (!(obj = vmm_domain_obj_find_active(qemu_driver->domains, dom->uuid, dom->name,
                                           error)))
        return FALSE;
    {
        GPtrArray *disks = vmm_domain_obj_def(obj)->devices.disks;

        aliases = g_new0(char *, disks->len + 1);
        for (guint i = 0; i < disks->len; i++) {
            const char *a = ((const VmmDomainDiskDef *)disks->pdata[i])->info.alias;

            aliases[i] = g_strdup(a ? a : "");
        }
    }
    if (*disk &&
        (want = vmm_domain_devices_find_disk(&vmm_domain_obj_def(obj)->devices, disk)) < 0) {
        vmm_obj_end(obj);
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid path: %s"), disk);
        return FALSE;
    }
    ret = qemu_domain_query(obj, "query-blockstats", NULL, error);
    vmm_obj_end(obj);
    if (!ret)
        return FALSE;

    for (guint i = 0; i < vmm_json_node_array_len(ret); i++) {
        const VmmJsonNode *e = vmm_json_node_array_get(ret, i);
        const VmmJsonNode *st = vmm_json_node_object_get(e, "stats");
        int pos = disk_of_entry(e, aliases);

        if (pos < 0 || (want >= 0 && pos != want) || !st)
            continue;
        found = TRUE;
        for (guint k = 0; k < G_N_ELEMENTS(blockstat_names); k++) {
            gint64 v;

            if (vmm_json_node_get_int(vmm_json_node_object_get(st, blockstat_names[k].qmp), &v))
                totals[k] += v;
        }
    }
    if (!found && want >= 0) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                      _("cannot find statistics for device '%s'"), disk);
        return FALSE;
    }
    out = vmm_typed_params_new();
    for (guint k = 0; k < G_N_ELEMENTS(blockstat_names); k++)
        vmm_typed_params_add_llong(out, totals[k], "%s", blockstat_names[k].param);
    *params = vmm_typed_params_steal(out, nparams);
    return TRUE;
}

/* The tap's counters in vmmd's network namespace, where vmmd made it. */
gboolean
qemu_domain_interface_stats(VmmDomain *dom, const char *device, VmmDomainInterfaceStats *stats,
                            GError **error)
{
    VmmDomainObj *obj;
    g_autofree char *dev = NULL;
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;
    int idx;

    if (!(obj = vmm_domain_obj_find_active(qemu_driver->domains, dom->uuid, dom->name,
                                           error)))
        return FALSE;
    idx = vmm_domain_devices_find_net(&vmm_domain_obj_def(obj)->devices, device);
    if (idx >= 0)
        dev = g_strdup(((const VmmDomainNetDef *)
                        vmm_domain_obj_def(obj)->devices.interfaces->pdata[idx])->target_dev);
    vmm_obj_end(obj);
    if (idx < 0) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("'%s' is not a known interface"), device);
        return FALSE;
    }
    if (!dev) {
        vmm_error_set(error, VMM_ERR_OPERATION_UNSUPPORTED,
                      _("interface '%s' has no host-side device to count its traffic"),
                      device);
        return FALSE;
    }
    if (!g_file_get_contents("/proc/net/dev", &text, NULL, &err)) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED, _("cannot read '%s': %s"),
                      "/proc/net/dev", err->message);
        return FALSE;
    }
    if (!qemu_parse_proc_net_dev(text, dev, stats)) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                      _("no statistics for interface '%s' in /proc/net/dev"), dev);
        return FALSE;
    }
    return TRUE;
}

/* Each vCPU thread (query-cpus-fast): its CPU time and last CPU from
 * /proc, its affinity from the scheduler. */
int
qemu_domain_get_vcpus(VmmDomain *dom, VmmVcpuInfo *info, int maxinfo, unsigned char *cpumaps,
                      int maplen, GError **error)
{
    VmmDomainObj *obj;
    g_autoptr(VmmJsonNode) ret = NULL;
    pid_t pid;
    int n;

    if (!(obj = vmm_domain_obj_find_active(qemu_driver->domains, dom->uuid, dom->name,
                                           error)))
        return -1;
    pid = qemu_domain_pid(obj);
    ret = qemu_domain_query(obj, "query-cpus-fast", NULL, error);
    vmm_obj_end(obj);
    if (!ret)
        return -1;

    n = MIN(maxinfo, (int)vmm_json_node_array_len(ret));
    for (int i = 0; i < n; i++) {
        const VmmJsonNode *e = vmm_json_node_array_get(ret, i);
        g_autofree char *path = NULL;
        g_autofree char *text = NULL;
        gint64 index = i, tid = 0;
        guint64 ticks = 0;
        int cpu = -1;

        vmm_json_node_get_int(vmm_json_node_object_get(e, "cpu-index"), &index);
        vmm_json_node_get_int(vmm_json_node_object_get(e, "thread-id"), &tid);
        path = g_strdup_printf("/proc/%d/task/%d/stat", (int)pid, (int)tid);
        if (!g_file_get_contents(path, &text, NULL, NULL) ||
            !qemu_parse_proc_stat(text, &ticks, &cpu)) {
            ticks = 0;
            cpu = -1;
        }
        info[i].number = (unsigned int)index;
        info[i].state = VMM_VCPU_RUNNING;
        info[i].cpu_time = qemu_ticks_to_ns(ticks);
        info[i].cpu = cpu;
        if (cpumaps) {
            unsigned char *map = cpumaps + (gsize)i * maplen;
            cpu_set_t set;

            memset(map, 0, maplen);
            CPU_ZERO(&set);
            if (sched_getaffinity((pid_t)tid, sizeof(set), &set) < 0) {
                vmm_error_set_errno(error, errno, _("cannot get the affinity of vCPU %u"),
                                    info[i].number);
                return -1;
            }
            for (int c = 0; c < maplen * 8 && c < CPU_SETSIZE; c++) {
                if (CPU_ISSET(c, &set))
                    map[c / 8] |= 1 << (c % 8);
            }
        }
    }
    return n;
}

/* Present CPUs count; the online ones make the map. */
int
qemu_node_get_cpu_map(VmmConnect *conn, unsigned char **cpumap, unsigned int *online,
                      unsigned int flags, GError **error)
{
    g_autofree char *present = NULL;
    g_autofree char *onl = NULL;
    g_autofree unsigned char *map = NULL;
    int count = 0;

    QEMU_CHECK_FLAGS(flags, 0, -1);
    if (!g_file_get_contents("/sys/devices/system/cpu/present", &present, NULL, NULL) ||
        !g_file_get_contents("/sys/devices/system/cpu/online", &onl, NULL, NULL) ||
        !vmm_cpuset_parse(present, NULL, 0, &count)) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED, "%s",
                      _("cannot read the host's CPU lists in /sys/devices/system/cpu"));
        return -1;
    }
    map = g_malloc0(MAX(VMM_CPU_MAPLEN(count), 1));
    if (!vmm_cpuset_parse(onl, map, count, NULL)) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED, _("bad CPU list '%s'"), g_strstrip(onl));
        return -1;
    }
    if (online) {
        *online = 0;
        for (int c = 0; c < count; c++)
            *online += (map[c / 8] >> (c % 8)) & 1;
    }
    if (cpumap)
        *cpumap = g_steal_pointer(&map);
    return count;
}
