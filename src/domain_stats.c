/*
 * domain_stats.c: typed parameter helpers and the bulk statistics of
 * domains (virConnectGetAllDomainStats) built from per-domain calls.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The builder asks the public API for each group, so it serves every
 * driver alike: an embedded one (the QEMU driver inside vmmd, the mock
 * driver) and a remote one whose server lacks the bulk procedure.  Field
 * names and types are libvirt's, so virsh domstats prints the same lines.
 */
#include "driver.h"

#include <stdarg.h>
#include <string.h>

#include "conf/domain_def.h"

/* ------------------------------------------------------------------ */
/* Typed parameters                                                    */

static void
params_clear(gpointer p)
{
    VmmTypedParameter *param = p;

    if (param->type == VMM_TYPED_PARAM_STRING)
        g_free(param->value.s);
}

void
vmm_typed_params_free(VmmTypedParameter *params, int nparams)
{
    for (int i = 0; params && i < nparams; i++)
        params_clear(&params[i]);
    g_free(params);
}

/* The parameter @name of @type, or NULL. */
static const VmmTypedParameter *
params_find(const VmmTypedParameter *params, int nparams, const char *name, int type)
{
    for (int i = 0; params && i < nparams; i++) {
        if (params[i].type == type && g_str_equal(params[i].field, name))
            return &params[i];
    }
    return NULL;
}

gboolean
vmm_typed_params_get_int(const VmmTypedParameter *params, int nparams, const char *name,
                         int *value)
{
    const VmmTypedParameter *p = params_find(params, nparams, name, VMM_TYPED_PARAM_INT);

    if (p)
        *value = p->value.i;
    return p != NULL;
}

gboolean
vmm_typed_params_get_llong(const VmmTypedParameter *params, int nparams, const char *name,
                           gint64 *value)
{
    const VmmTypedParameter *p = params_find(params, nparams, name, VMM_TYPED_PARAM_LLONG);

    if (p)
        *value = p->value.l;
    return p != NULL;
}

GArray *
vmm_typed_params_new(void)
{
    GArray *params = g_array_new(FALSE, TRUE, sizeof(VmmTypedParameter));

    g_array_set_clear_func(params, params_clear);
    return params;
}

VmmTypedParameter *
vmm_typed_params_steal(GArray *params, int *nparams)
{
    gsize len = 0;

    /* The strings move with the array: no clearing. */
    g_array_set_clear_func(params, NULL);
    VmmTypedParameter *out = g_array_steal(params, &len);
    *nparams = (int)len;
    return out;
}

/* A new, zeroed parameter named by @fmt at the end of @params. */
static VmmTypedParameter *
param_append(GArray *params, int type, const char *fmt, va_list ap)
{
    VmmTypedParameter *p;

    g_array_set_size(params, params->len + 1);
    p = &g_array_index(params, VmmTypedParameter, params->len - 1);
    g_vsnprintf(p->field, sizeof(p->field), fmt, ap);
    p->type = type;
    return p;
}

#define PARAM_ADDER(name, ctype, TYPE, member, expr) \
    void \
    name(GArray *params, ctype value, const char *field, ...) \
    { \
        va_list ap; \
        va_start(ap, field); \
        param_append(params, VMM_TYPED_PARAM_##TYPE, field, ap)->value.member = (expr); \
        va_end(ap); \
    }

PARAM_ADDER(vmm_typed_params_add_llong, gint64, LLONG, l, value)
PARAM_ADDER(vmm_typed_params_add_ullong, guint64, ULLONG, ul, value)
PARAM_ADDER(vmm_typed_params_add_uint, unsigned int, UINT, ui, value)
PARAM_ADDER(vmm_typed_params_add_int, int, INT, i, value)
PARAM_ADDER(vmm_typed_params_add_string, const char *, STRING, s, g_strdup(value))

/* ------------------------------------------------------------------ */
/* CPU lists and vCPU pinning                                          */

gboolean
vmm_cpuset_parse(const char *text, unsigned char *map, int ncpus, int *count)
{
    g_autofree char *copy = g_strstrip(g_strdup(text ? text : ""));
    g_auto(GStrv) parts = g_strsplit(copy, ",", -1);
    int max = -1;

    if (map)
        memset(map, 0, VMM_CPU_MAPLEN(ncpus));
    for (guint i = 0; parts[i]; i++) {
        const char *p = parts[i];
        gboolean exclude = *p == '^';
        g_auto(GStrv) range = g_strsplit(exclude ? p + 1 : p, "-", 2);
        guint64 lo, hi;

        if (!*copy)
            break;
        if (!g_ascii_string_to_unsigned(range[0], 10, 0, 65535, &lo, NULL))
            return FALSE;
        hi = lo;
        if (range[1] && (exclude ||
                         !g_ascii_string_to_unsigned(range[1], 10, lo, 65535, &hi, NULL)))
            return FALSE;
        for (guint64 c = lo; map && c <= hi && c < (guint64)ncpus; c++) {
            if (exclude)
                map[c / 8] &= ~(1 << (c % 8));
            else
                map[c / 8] |= 1 << (c % 8);
        }
        if (!exclude)
            max = MAX(max, (int)hi);
    }
    if (count)
        *count = max + 1;
    return TRUE;
}

int
vmm_domain_vcpu_pin_info_build(VmmDomain *dom, int ncpumaps, unsigned char *cpumaps,
                               int maplen, unsigned int flags, GError **error)
{
    g_autofree unsigned char *online = NULL;
    g_autofree char *xml = NULL;
    g_autoptr(VmmDomainDef) def = NULL;
    unsigned int xml_flags = 0;
    int hostcpus, n;

    if ((flags & VMM_DOMAIN_AFFECT_LIVE) && (flags & VMM_DOMAIN_AFFECT_CONFIG)) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, "%s",
                      _("live and config are mutually exclusive here"));
        return -1;
    }
    if (flags & VMM_DOMAIN_AFFECT_CONFIG)
        xml_flags = VMM_DOMAIN_XML_INACTIVE;
    else if ((flags & VMM_DOMAIN_AFFECT_LIVE) && vmm_domain_is_active(dom, error) != 1) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
        return -1;
    }
    if ((hostcpus = vmm_node_get_cpu_map(dom->conn, &online, NULL, 0, error)) < 0 ||
        !(xml = vmm_domain_get_xml_desc(dom, xml_flags, error)) ||
        !(def = vmm_domain_def_parse_string(xml, NULL, 0, error)))
        return -1;
    n = MIN(ncpumaps, (int)def->vcpus);
    for (int i = 0; i < n; i++) {
        unsigned char *map = cpumaps + (gsize)i * maplen;
        const char *cpuset = def->vcpu_cpuset;
        g_autofree unsigned char *pinned = g_malloc0(VMM_CPU_MAPLEN(hostcpus) + 1);
        const unsigned char *from = online;

        for (guint j = 0; def->cputune.vcpupins && j < def->cputune.vcpupins->len; j++) {
            const VmmDomainPin *pin = def->cputune.vcpupins->pdata[j];

            if (pin->id == (unsigned int)i)
                cpuset = pin->cpuset;
        }
        if (cpuset) {
            if (!vmm_cpuset_parse(cpuset, pinned, hostcpus, NULL)) {
                vmm_error_set(error, VMM_ERR_INTERNAL_ERROR, _("bad CPU list '%s'"), cpuset);
                return -1;
            }
            from = pinned;
        }
        memset(map, 0, maplen);
        for (int c = 0; c < hostcpus && c < maplen * 8; c++) {
            if (from[c / 8] & (1 << (c % 8)))
                map[c / 8] |= 1 << (c % 8);
        }
    }
    return n;
}

/* ------------------------------------------------------------------ */
/* Memory statistic names                                              */

/* dommemstat's words; the bulk group spells one differently. */
static const char *const memory_stat_names[VMM_DOMAIN_MEMORY_STAT_NR] = {
    "swap_in", "swap_out", "major_fault", "minor_fault", "unused", "available",
    "actual", "rss", "usable", "last_update", "disk_caches", "hugetlb_pgalloc",
    "hugetlb_pgfail",
};

const char *
vmm_domain_memory_stat_name(int tag, gboolean bulk)
{
    if (tag < 0 || tag >= VMM_DOMAIN_MEMORY_STAT_NR)
        return NULL;
    if (bulk && tag == VMM_DOMAIN_MEMORY_STAT_LAST_UPDATE)
        return "last-update";
    return memory_stat_names[tag];
}

/* ------------------------------------------------------------------ */
/* The groups                                                          */

/* One domain's groups: each adds its fields for the running @dom; a group
 * whose query fails is left out, as libvirt does.  Once a call missed its
 * deadline (a stalled QEMU), the domain is asked nothing more: one
 * deadline per domain, not one per group. */
typedef struct {
    VmmDomain *dom;
    const VmmDomainDef *def;   /* live */
    VmmDomainInfo info;
    GArray *out;
    gboolean stalled;
} Group;

/* TRUE when @ok; else notes a missed deadline and frees @err. */
static gboolean
group_call(Group *g, gboolean ok, GError *err)
{
    if (!ok && g_error_matches(err, VMM_ERROR, VMM_ERR_OPERATION_TIMEOUT))
        g->stalled = TRUE;
    if (err)
        g_error_free(err);
    return ok;
}

static void
group_cpu_total(Group *g)
{
    vmm_typed_params_add_ullong(g->out, g->info.cpu_time, "cpu.time");
}

static void
group_balloon(Group *g)
{
    VmmDomainMemoryStat stats[VMM_DOMAIN_MEMORY_STAT_NR];
    guint64 current = g->info.memory;
    GError *err = NULL;
    int n = g->stalled ? -1 : vmm_domain_memory_stats(g->dom, stats, G_N_ELEMENTS(stats), 0,
                                                      &err);

    if (!group_call(g, n >= 0, err))
        n = 0;
    for (int i = 0; i < n; i++) {
        if (stats[i].tag == VMM_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON)
            current = stats[i].val;
    }
    vmm_typed_params_add_ullong(g->out, current, "balloon.current");
    vmm_typed_params_add_ullong(g->out, g->info.max_mem, "balloon.maximum");
    for (int i = 0; i < n; i++) {
        const char *name = vmm_domain_memory_stat_name(stats[i].tag, TRUE);

        if (name && stats[i].tag != VMM_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON)
            vmm_typed_params_add_ullong(g->out, stats[i].val, "balloon.%s", name);
    }
}

static void
group_vcpu(Group *g)
{
    guint nr = g->info.nr_virt_cpu;
    g_autofree VmmVcpuInfo *vcpus = g_new0(VmmVcpuInfo, MAX(nr, 1));
    GError *err = NULL;
    int n = g->stalled ? -1 : vmm_domain_get_vcpus(g->dom, vcpus, nr, NULL, 0, &err);

    if (!group_call(g, n >= 0, err))
        n = 0;
    vmm_typed_params_add_uint(g->out, nr, "vcpu.current");
    vmm_typed_params_add_uint(g->out, MAX(g->def->vcpus, nr), "vcpu.maximum");
    for (int i = 0; i < n; i++) {
        vmm_typed_params_add_int(g->out, vcpus[i].state, "vcpu.%u.state", vcpus[i].number);
        vmm_typed_params_add_ullong(g->out, vcpus[i].cpu_time, "vcpu.%u.time",
                                    vcpus[i].number);
    }
}

static void
group_interface(Group *g)
{
    static const char *const names[] = {
        "rx.bytes", "rx.pkts", "rx.errs", "rx.drop",
        "tx.bytes", "tx.pkts", "tx.errs", "tx.drop",
    };
    GPtrArray *nics = g->def->devices.interfaces;
    guint count = 0;
    guint at = g->out->len;

    vmm_typed_params_add_uint(g->out, 0, "net.count");
    for (guint i = 0; nics && i < nics->len; i++) {
        const VmmDomainNetDef *net = nics->pdata[i];
        VmmDomainInterfaceStats st;
        GError *err = NULL;

        if (!net->target_dev || g->stalled ||
            !group_call(g, vmm_domain_interface_stats(g->dom, net->target_dev, &st, &err),
                        err))
            continue;
        const gint64 v[] = {
            st.rx_bytes, st.rx_packets, st.rx_errs, st.rx_drop,
            st.tx_bytes, st.tx_packets, st.tx_errs, st.tx_drop,
        };
        vmm_typed_params_add_string(g->out, net->target_dev, "net.%u.name", count);
        for (guint j = 0; j < G_N_ELEMENTS(names); j++) {
            if (v[j] >= 0)
                vmm_typed_params_add_ullong(g->out, v[j], "net.%u.%s", count, names[j]);
        }
        count++;
    }
    g_array_index(g->out, VmmTypedParameter, at).value.ui = count;
}

static void
group_block(Group *g)
{
    /* libvirt's bulk names of the per-disk counters. */
    static const struct {
        const char *field;
        const char *bulk;
    } names[] = {
        { VMM_DOMAIN_BLOCK_STATS_READ_REQ, "rd.reqs" },
        { VMM_DOMAIN_BLOCK_STATS_READ_BYTES, "rd.bytes" },
        { VMM_DOMAIN_BLOCK_STATS_READ_TOTAL_TIMES, "rd.times" },
        { VMM_DOMAIN_BLOCK_STATS_WRITE_REQ, "wr.reqs" },
        { VMM_DOMAIN_BLOCK_STATS_WRITE_BYTES, "wr.bytes" },
        { VMM_DOMAIN_BLOCK_STATS_WRITE_TOTAL_TIMES, "wr.times" },
        { VMM_DOMAIN_BLOCK_STATS_FLUSH_REQ, "fl.reqs" },
        { VMM_DOMAIN_BLOCK_STATS_FLUSH_TOTAL_TIMES, "fl.times" },
    };
    GPtrArray *disks = g->def->devices.disks;
    guint count = disks ? disks->len : 0;

    vmm_typed_params_add_uint(g->out, count, "block.count");
    for (guint i = 0; i < count; i++) {
        const VmmDomainDiskDef *disk = disks->pdata[i];
        VmmTypedParameter *params = NULL;
        GError *err = NULL;
        int nparams = 0;
        gint64 v;

        vmm_typed_params_add_string(g->out, disk->dst, "block.%u.name", i);
        if (disk->src_path)
            vmm_typed_params_add_string(g->out, disk->src_path, "block.%u.path", i);
        if (g->stalled ||
            !group_call(g, vmm_domain_block_stats(g->dom, disk->dst, &params, &nparams, 0,
                                                  &err), err))
            continue;
        for (guint j = 0; j < G_N_ELEMENTS(names); j++) {
            if (vmm_typed_params_get_llong(params, nparams, names[j].field, &v) && v >= 0)
                vmm_typed_params_add_ullong(g->out, v, "block.%u.%s", i, names[j].bulk);
        }
        vmm_typed_params_free(params, nparams);
    }
}

static const struct {
    unsigned int group;
    void (*func)(Group *g);
} groups[] = {
    { VMM_DOMAIN_STATS_CPU_TOTAL, group_cpu_total },
    { VMM_DOMAIN_STATS_BALLOON, group_balloon },
    { VMM_DOMAIN_STATS_VCPU, group_vcpu },
    { VMM_DOMAIN_STATS_INTERFACE, group_interface },
    { VMM_DOMAIN_STATS_BLOCK, group_block },
};

/* The groups beyond STATE of the running @dom.  The live definition names
 * its disks and NICs; a domain that stopped meanwhile gets none. */
static void
running_groups(VmmDomain *dom, unsigned int stats, GArray *out)
{
    g_autoptr(VmmDomainDef) def = NULL;
    g_autofree char *xml = NULL;
    Group g = { .dom = dom, .out = out };

    if (!(stats & ~(unsigned int)VMM_DOMAIN_STATS_STATE) ||
        !vmm_domain_get_info(dom, &g.info, NULL) || g.info.state == VMM_DOMAIN_SHUTOFF ||
        !(xml = vmm_domain_get_xml_desc(dom, 0, NULL)) ||
        !(def = vmm_domain_def_parse_string(xml, NULL, 0, NULL)))
        return;
    g.def = def;
    for (guint i = 0; i < G_N_ELEMENTS(groups); i++) {
        if (stats & groups[i].group)
            groups[i].func(&g);
    }
}

GPtrArray *
vmm_domain_stats_build(VmmConnect *conn, VmmDomain *const *doms, guint ndoms,
                       unsigned int stats, unsigned int flags, GError **error)
{
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(GPtrArray) ret = NULL;

    if (!doms) {
        if (!(list = vmm_connect_list_all_domains(conn, flags & 0xffU, error)))
            return NULL;
        doms = (VmmDomain *const *)list->pdata;
        ndoms = list->len;
    }
    ret = g_ptr_array_new_full(ndoms, (GDestroyNotify)vmm_domain_stats_record_free);
    for (guint i = 0; i < ndoms; i++) {
        g_autoptr(VmmDomainStatsRecord) rec = g_new0(VmmDomainStatsRecord, 1);
        g_autoptr(GArray) params = vmm_typed_params_new();
        g_autoptr(GError) err = NULL;
        int state, reason;

        /* The state tells whether the domain still exists. */
        if (!vmm_domain_get_state(doms[i], &state, &reason, 0, &err)) {
            /* Gone since the list was made: libvirt leaves it out. */
            if (g_error_matches(err, VMM_ERROR, VMM_ERR_NO_DOMAIN))
                continue;
            g_propagate_error(error, g_steal_pointer(&err));
            return NULL;
        }
        if (stats & VMM_DOMAIN_STATS_STATE) {
            vmm_typed_params_add_int(params, state, "state.state");
            vmm_typed_params_add_int(params, reason, "state.reason");
        }
        if (state != VMM_DOMAIN_SHUTOFF)
            running_groups(doms[i], stats, params);
        rec->dom = vmm_domain_ref(doms[i]);
        rec->params = vmm_typed_params_steal(params, &rec->nparams);
        g_ptr_array_add(ret, g_steal_pointer(&rec));
    }
    return g_steal_pointer(&ret);
}
