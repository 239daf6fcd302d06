/*
 * network_port.h: guest NICs on virtual networks and host bridges.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For the QEMU driver: a tap device per guest NIC, on the bridge of a
 * network (<interface type='network'>) or on a host bridge (type='bridge').
 * The caller passes the returned fd to QEMU and closes its own copy; the
 * tap is not persistent, so it vanishes with the last fd (QEMU exiting).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Create a tap for a NIC with guest MAC @mac (6 bytes) on the bridge of
 * the active network @network: named @target_dev, or the first free vnetN
 * when that is NULL; MTU @mtu (0: the bridge's); enslaved and up.  The tap's
 * own MAC is @mac with the first byte 0xfe, so the bridge never takes the
 * guest's address.  Returns the tap fd (close-on-exec) and its name in
 * *@ifname_out (may be NULL), or -1 with @error: an inactive network fails
 * with "network 'x' is not active; start it with 'vshell net-start x'".
 * Needs the network driver's state (vmm_network_driver_state_init()).
 */
int vmm_network_port_create(const char *network, const unsigned char *mac,
                            const char *target_dev, unsigned int mtu, char **ifname_out,
                            GError **error);

/* The same on the existing host bridge @bridge (<interface type='bridge'>);
 * needs no driver state. */
int vmm_network_port_create_bridge(const char *bridge, const unsigned char *mac,
                                   const char *target_dev, unsigned int mtu,
                                   char **ifname_out, GError **error);

/* Remove tap @ifname if it still exists (the domain stopped). */
gboolean vmm_network_port_delete(const char *ifname, GError **error);

/* The current DHCP leases (VmmNetworkLease*, free func set) of the network
 * @network, all or those of the MAC @mac ("52:54:00:..."): domifaddr's
 * lease source.  Needs the network driver's state. */
GPtrArray *vmm_network_port_get_leases(const char *network, const char *mac,
                                       GError **error);

G_END_DECLS
