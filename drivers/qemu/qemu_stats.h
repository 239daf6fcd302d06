/*
 * qemu_stats.h: statistics of running QEMU guests, and the pure parsers
 * of /proc and /sys text they use (unit-tested on their own).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include "driver.h"

G_BEGIN_DECLS

/* Parsers.  Each returns FALSE on malformed input. */

/* /proc/PID/stat or /proc/PID/task/TID/stat: *@ticks = utime + stime
 * (clock ticks); *@cpu (may be NULL) the CPU it last ran on. */
gboolean qemu_parse_proc_stat(const char *text, guint64 *ticks, int *cpu);
/* Clock ticks to nanoseconds. */
guint64 qemu_ticks_to_ns(guint64 ticks);
/* /proc/PID/status: the "VmRSS:" line in KiB. */
gboolean qemu_parse_proc_status_rss(const char *text, guint64 *rss_kib);
/* /proc/net/dev (of vmmd's network namespace): the traffic of the
 * host-side NIC @dev turned to the guest's view, as libvirt reports it:
 * what the host sends, the guest receives.  FALSE when @dev is absent. */
gboolean qemu_parse_proc_net_dev(const char *text, const char *dev,
                                 VmmDomainInterfaceStats *stats);

/* Driver entries. */
int qemu_domain_memory_stats(VmmDomain *dom, VmmDomainMemoryStat *stats, unsigned int nr_stats,
                             unsigned int flags, GError **error);
gboolean qemu_domain_block_stats(VmmDomain *dom, const char *disk, VmmTypedParameter **params,
                                 int *nparams, unsigned int flags, GError **error);
gboolean qemu_domain_interface_stats(VmmDomain *dom, const char *device,
                                     VmmDomainInterfaceStats *stats, GError **error);
int qemu_domain_get_vcpus(VmmDomain *dom, VmmVcpuInfo *info, int maxinfo,
                          unsigned char *cpumaps, int maplen, GError **error);
int qemu_node_get_cpu_map(VmmConnect *conn, unsigned char **cpumap, unsigned int *online,
                          unsigned int flags, GError **error);

G_END_DECLS
