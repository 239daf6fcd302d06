/*
 * network_dnsmasq.h: a network definition → dnsmasq's config and host files.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pure builders: no file is written and nothing is started here; the driver
 * writes the strings atomically and starts dnsmasq through util/command.h.
 */
#pragma once

#include <glib.h>
#include "conf/network_def.h"
#include "util/command.h"

G_BEGIN_DECLS

/* Where dnsmasq keeps its files for one network; NULL fields are left out. */
typedef struct {
    char *conf_file;        /* DIR/NET.conf (what --conf-file= points at) */
    char *pid_file;         /* pid-file= */
    char *lease_file;       /* dhcp-leasefile= */
    char *hosts_file;       /* dhcp-hostsfile= (static DHCP hosts) */
    char *addn_hosts_file;  /* addn-hosts= (<dns><host>) */
    char *user;             /* user= (dnsmasq drops root to it), NULL: omit */
} VmmDnsmasqPaths;

/* The usual layout: @dir/NAME.{conf,leases,hostsfile,addnhosts} and
 * @pid_dir/NAME.pid.  Free with vmm_dnsmasq_paths_free(). */
VmmDnsmasqPaths *vmm_dnsmasq_paths_new(const char *dir, const char *pid_dir,
                                       const char *name);
void vmm_dnsmasq_paths_free(VmmDnsmasqPaths *paths);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDnsmasqPaths, vmm_dnsmasq_paths_free)

/*
 * The dnsmasq configuration of @def.  dnsmasq binds only to the bridge's
 * addresses.  Returns a newly allocated string, or NULL with @error set when
 * @def has no bridge of its own (forward mode bridge) or carries a value
 * that cannot be written safely (a newline in a name, say).
 */
char *vmm_dnsmasq_build_config(const VmmNetworkDef *def, const VmmDnsmasqPaths *paths,
                               GError **error);

/* The dhcp-hostsfile: one line per static DHCP host (all <ip>s).  dnsmasq
 * re-reads it on SIGHUP, so static hosts change live.  NULL with @error on
 * a value that would break the file's syntax. */
char *vmm_dnsmasq_build_hostsfile(const VmmNetworkDef *def, GError **error);

/* The addn-hosts file: "IP<TAB>name name…" per <dns><host>; NULL with
 * @error as above. */
char *vmm_dnsmasq_build_addnhosts(const VmmNetworkDef *def, GError **error);

/*
 * The command that runs dnsmasq on @paths->conf_file, in the foreground
 * (-k) so that vmmd can watch it as its child; it still writes the
 * pid-file, by which a restarted vmmd adopts it.  @binary NULL: "dnsmasq".
 */
VmmCommand *vmm_dnsmasq_build_command(const VmmDnsmasqPaths *paths, const char *binary);

/* The number of addresses dnsmasq may lease (dhcp-lease-max): the sizes of
 * all ranges plus the static hosts, capped at G_MAXINT. */
guint64 vmm_dnsmasq_lease_max(const VmmNetworkDef *def);

/* One line of dnsmasq's lease file. */
typedef struct {
    int family;             /* VmmNetworkIPFamily, from the address */
    gint64 expiry;          /* seconds since the epoch; 0: never */
    char *mac;              /* DHCPv4: "52:54:00:…"; NULL for DHCPv6 */
    char *iaid;             /* DHCPv6: the IAID; NULL for DHCPv4 */
    char *ip;
    char *hostname;         /* NULL when the client sent none */
    char *client_id;        /* DHCPv4 client id or DHCPv6 DUID; NULL if none */
} VmmDnsmasqLease;

void vmm_dnsmasq_lease_free(VmmDnsmasqLease *lease);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDnsmasqLease, vmm_dnsmasq_lease_free)

/*
 * The leases in @text, the content of a dhcp-leasefile (for
 * net-dhcp-leases and domifaddr).  Lines that don't parse, and the
 * "duid SERVER-DUID" line, are skipped: dnsmasq rewrites the file as a
 * whole, but a reader may catch it half-written.  Returns a GPtrArray of
 * VmmDnsmasqLease* (owning), never NULL.
 */
GPtrArray *vmm_dnsmasq_parse_leases(const char *text);

G_END_DECLS
