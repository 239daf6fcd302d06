/*
 * test_stats.c: statistics of the mock driver's domains.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Nothing runs, so the figures are made up, as libvirt's test driver makes
 * them up: plausible, derived from the definition and the fake CPU time
 * (which grows with the wall time of a running domain).  The host has the
 * eight online CPUs libvirt's test driver reports.
 */
#include "test_driver_priv.h"

#include <string.h>

#define TEST_HOST_CPUS 8

/* The locked object of the running @dom, or NULL. */
static VmmDomainObj *
running_find(VmmDomain *dom, GError **error)
{
    return vmm_domain_obj_find_active(test_driver_of(dom->conn)->domains, dom->uuid, dom->name,
                                      error);
}

int
test_domain_memory_stats(VmmDomain *dom, VmmDomainMemoryStat *stats, unsigned int nr_stats,
                         unsigned int flags, GError **error)
{
    VmmDomainObj *obj;
    guint64 cur;
    unsigned int n;

    TEST_CHECK_FLAGS(flags, 0, -1);
    if (!(obj = running_find(dom, error)))
        return -1;
    cur = vmm_domain_obj_def(obj)->current_memory_kib;
    vmm_obj_end(obj);

    /* libvirt's test driver's order: the balloon first, the RSS last. */
    const VmmDomainMemoryStat all[] = {
        { VMM_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON, cur },
        { VMM_DOMAIN_MEMORY_STAT_SWAP_IN, 0 },
        { VMM_DOMAIN_MEMORY_STAT_SWAP_OUT, 0 },
        { VMM_DOMAIN_MEMORY_STAT_MAJOR_FAULT, 0 },
        { VMM_DOMAIN_MEMORY_STAT_MINOR_FAULT, 0 },
        { VMM_DOMAIN_MEMORY_STAT_UNUSED, cur / 2 },
        { VMM_DOMAIN_MEMORY_STAT_AVAILABLE, cur },
        { VMM_DOMAIN_MEMORY_STAT_USABLE, cur / 2 },
        { VMM_DOMAIN_MEMORY_STAT_LAST_UPDATE, (guint64)(g_get_real_time() / G_USEC_PER_SEC) },
        { VMM_DOMAIN_MEMORY_STAT_DISK_CACHES, cur / 8 },
        { VMM_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC, 0 },
        { VMM_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL, 0 },
        { VMM_DOMAIN_MEMORY_STAT_RSS, cur / 2 },
    };
    n = MIN(nr_stats, G_N_ELEMENTS(all));
    memcpy(stats, all, n * sizeof(*stats));
    return (int)n;
}

/* A counter that grows while the domain runs: its CPU time in µs over
 * @div. */
static gint64
fake_counter(guint64 cpu_time_ns, guint64 div)
{
    return (gint64)(cpu_time_ns / 1000 / div);
}

/* The five counters of libvirt's old block stats call, as its test driver
 * has: no sum over all disks. */
gboolean
test_domain_block_stats(VmmDomain *dom, const char *disk, VmmTypedParameter **params,
                        int *nparams, unsigned int flags, GError **error)
{
    g_autoptr(GArray) out = vmm_typed_params_new();
    VmmDomainObj *obj;
    guint64 t;
    int idx;

    TEST_CHECK_FLAGS(flags, 0, FALSE);
    if (!*disk) {
        vmm_error_set(error, VMM_ERR_OPERATION_UNSUPPORTED, "%s",
                      _("summary statistics are not supported yet"));
        return FALSE;
    }
    if (!(obj = running_find(dom, error)))
        return FALSE;
    idx = vmm_domain_devices_find_disk(&vmm_domain_obj_def(obj)->devices, disk);
    t = vmm_domain_obj_cpu_time(obj);
    vmm_obj_end(obj);
    if (idx < 0) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid path: %s"), disk);
        return FALSE;
    }
    vmm_typed_params_add_llong(out, fake_counter(t, 10), VMM_DOMAIN_BLOCK_STATS_READ_REQ);
    vmm_typed_params_add_llong(out, fake_counter(t, 20), VMM_DOMAIN_BLOCK_STATS_READ_BYTES);
    vmm_typed_params_add_llong(out, fake_counter(t, 30), VMM_DOMAIN_BLOCK_STATS_WRITE_REQ);
    vmm_typed_params_add_llong(out, fake_counter(t, 40), VMM_DOMAIN_BLOCK_STATS_WRITE_BYTES);
    vmm_typed_params_add_llong(out, fake_counter(t, 200000), VMM_DOMAIN_BLOCK_STATS_ERRS);
    *params = vmm_typed_params_steal(out, nparams);
    return TRUE;
}

gboolean
test_domain_interface_stats(VmmDomain *dom, const char *device, VmmDomainInterfaceStats *stats,
                            GError **error)
{
    VmmDomainObj *obj;
    guint64 t;
    int idx;

    if (!(obj = running_find(dom, error)))
        return FALSE;
    idx = vmm_domain_devices_find_net(&vmm_domain_obj_def(obj)->devices, device);
    t = vmm_domain_obj_cpu_time(obj);
    vmm_obj_end(obj);
    if (idx < 0) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("'%s' is not a known interface"), device);
        return FALSE;
    }
    stats->rx_bytes = fake_counter(t, 10);
    stats->rx_packets = fake_counter(t, 100);
    stats->rx_errs = fake_counter(t, 100000);
    stats->rx_drop = fake_counter(t, 200000);
    stats->tx_bytes = fake_counter(t, 20);
    stats->tx_packets = fake_counter(t, 110);
    stats->tx_errs = fake_counter(t, 300000);
    stats->tx_drop = fake_counter(t, 400000);
    return TRUE;
}

/* Mark every host CPU in the @maplen bytes at @map. */
static void
map_all_cpus(unsigned char *map, int maplen)
{
    memset(map, 0, maplen);
    for (int c = 0; c < TEST_HOST_CPUS && c / 8 < maplen; c++)
        map[c / 8] |= 1 << (c % 8);
}

/* Every vCPU running, each on its own host CPU, free to run on all. */
int
test_domain_get_vcpus(VmmDomain *dom, VmmVcpuInfo *info, int maxinfo, unsigned char *cpumaps,
                      int maplen, GError **error)
{
    VmmDomainObj *obj;
    VmmDomainInfo dinfo;
    int n;

    if (!test_domain_get_info(dom, &dinfo, error) || !(obj = running_find(dom, error)))
        return -1;
    vmm_obj_end(obj);
    n = MIN(maxinfo, (int)dinfo.nr_virt_cpu);
    for (int i = 0; i < n; i++) {
        info[i].number = i;
        info[i].state = VMM_VCPU_RUNNING;
        info[i].cpu_time = dinfo.cpu_time / MAX(dinfo.nr_virt_cpu, 1);
        info[i].cpu = i % TEST_HOST_CPUS;
        if (cpumaps)
            map_all_cpus(cpumaps + (gsize)i * maplen, maplen);
    }
    return n;
}

int
test_node_get_cpu_map(VmmConnect *conn, unsigned char **cpumap, unsigned int *online,
                      unsigned int flags, GError **error)
{
    TEST_CHECK_FLAGS(flags, 0, -1);
    if (cpumap) {
        *cpumap = g_malloc0(VMM_CPU_MAPLEN(TEST_HOST_CPUS));
        map_all_cpus(*cpumap, VMM_CPU_MAPLEN(TEST_HOST_CPUS));
    }
    if (online)
        *online = TEST_HOST_CPUS;
    return TEST_HOST_CPUS;
}
