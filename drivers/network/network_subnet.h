/*
 * network_subnet.h: subnet arithmetic and collision checks for networks.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pure functions: the caller gathers the host's routes and addresses
 * (util/netlink.h) and the active networks' subnets, this file decides.
 */
#pragma once

#include <glib.h>
#include "conf/network_def.h"
#include "util/netlink.h"

G_BEGIN_DECLS

typedef struct {
    int family;                 /* VmmNetworkIPFamily */
    guint8 addr[16];            /* network address, host bits cleared */
    unsigned int prefix;
} VmmSubnet;

/* Parse "ADDR/PREFIX" or a bare address (full-length prefix) into @out,
 * clearing the host bits.  FALSE when @str is not one. */
gboolean vmm_subnet_parse(const char *str, VmmSubnet *out);

/* Build from raw bytes (4 or 16 of them, by @family). */
void vmm_subnet_init(VmmSubnet *out, int family, const guint8 *addr, unsigned int prefix);

/* "192.168.122.0/24"; the caller frees it. */
char *vmm_subnet_format(const VmmSubnet *s);

/* TRUE when @a and @b share an address (same family, one contains the other). */
gboolean vmm_subnet_overlaps(const VmmSubnet *a, const VmmSubnet *b);

/* The subnet of one <ip> of a network. */
void vmm_subnet_from_ip_def(const VmmNetworkIPDef *ip, VmmSubnet *out);

/*
 * The subnets the host uses, from vmm_netlink_route_dump() and
 * vmm_netlink_addr_dump() output (either may be NULL), leaving out those on
 * interface @skip_ifindex (> 0: a network's own bridge, when its subnet is
 * checked again).  Returns a GArray of VmmSubnet.
 */
GArray *vmm_subnet_host_used(const GArray *routes, const GArray *addrs, int skip_ifindex);

/*
 * The first entry of @used (an array of VmmSubnet) that overlaps @cand, or
 * -1 when @cand is free.  Entries with prefix 0 (default routes) claim no
 * subnet and are skipped.
 */
int vmm_subnet_find_conflict(const VmmSubnet *cand, const GArray *used);

/*
 * The first 192.168.N.0/24, N counting up from @first to 254, that overlaps
 * nothing in @used.  Returns N, or -1 when all are taken.
 */
int vmm_subnet_find_free_192_168(guint first, const GArray *used);

/*
 * Move every IPv4 <ip> of @def that lies in @from to the same place in @to
 * (which must have the same prefix): the address, DHCP ranges and static
 * hosts are rewritten, host bits kept.  Returns the number of <ip>s moved.
 */
guint vmm_subnet_move_network_def(VmmNetworkDef *def, const VmmSubnet *from,
                                  const VmmSubnet *to);

G_END_DECLS
