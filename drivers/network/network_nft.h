/*
 * network_nft.h: nftables scripts for virtual networks, and a check for
 * other firewalls that would drop the networks' traffic.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pure builders: each returns a script for `nft -f -`; nothing runs here.
 *
 * vmm owns one table, `inet vmm`, and never touches any other.  Its base
 * chains (forward, input, postrouting) dispatch through verdict maps keyed
 * by bridge name into per-network chains named after the bridge
 * (net_virbr0_in, _out, _input, _nat).  So starting a network adds map elements and its own
 * chains, and destroying it deletes exactly those: no rule handles, no
 * flush of anything shared, and a vmmd restart that re-runs the table
 * script leaves running networks alone.
 */
#pragma once

#include <glib.h>
#include "conf/network_def.h"

G_BEGIN_DECLS

#define VMM_NFT_TABLE "vmm"            /* table inet vmm */

/* Create the table, its maps and base chains if missing, and (re)write the
 * base chains' fixed rules.  Idempotent; per-network state is kept. */
char *vmm_nft_build_table(void);

/* Delete the whole table (all networks' rules). */
char *vmm_nft_build_table_delete(void);

/*
 * Add (or replace) the rules of @def: forward filtering by mode
 * (nat, route: out of the subnet and back in; isolated: reject; open: no
 * rules at all), masquerade for nat, input accept for DHCP and DNS on the
 * bridge, and rejection of traffic between networks.  The script starts
 * with vmm_nft_build_table(), so it runs on its own.  NULL with @error when @def
 * has no bridge of its own, no bridge name, or a name nft can't quote.
 */
char *vmm_nft_build_network_add(const VmmNetworkDef *def, GError **error);

/* Remove the rules of @def and nothing else.  Succeeds also when they are
 * (partly) absent, e.g. after a failed start. */
char *vmm_nft_build_network_remove(const VmmNetworkDef *def, GError **error);

/*
 * Look at the host's firewall as printed by `nft list ruleset` (@ruleset)
 * for base chains on the forward hook, outside vmm's table, that would drop
 * forwarded traffic of network @network on bridge @bridge: a drop policy,
 * or a final unconditional drop/reject rule (firewalld's way), unless the
 * chain or one it jumps to already accepts the bridge.  Returns NULL when
 * nothing is in the way, else a one-paragraph warning naming each chain,
 * its likely owner (Docker, firewalld, ufw) and the fix.
 */
char *vmm_nft_check_foreign_forward(const char *ruleset, const char *network,
                                    const char *bridge);

/* ---- running nft (the only impure part; through util/command.h) ---- */

/* Run @script with `nft -f -` in one transaction: all of it or nothing.
 * A failure quotes nft's stderr. */
gboolean vmm_nft_apply(const char *script, GError **error);

/* `nft list ruleset`, for vmm_nft_check_foreign_forward(). */
char *vmm_nft_list_ruleset(GError **error);

G_END_DECLS
