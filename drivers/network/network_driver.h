/*
 * network_driver.h: the network driver (networks of qemu:///system).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A secondary driver: it serves the network entries of every qemu://
 * connection from one process-wide state.  vmmd initialises that state at
 * start-up (tests embedding the driver do the same) and drops it at exit;
 * running networks (bridges, nft rules, dnsmasq) outlive the daemon and are
 * adopted again by the next start.
 */
#pragma once

#include "driver.h"

G_BEGIN_DECLS

extern const VmmDriver vmm_network_driver;

typedef struct {
    /* Relocate /etc, /run and /var under @root (vmmd --root); NULL: the
     * system directories. */
    const char *root;
    /* Define the `default` network on the first start (system mode). */
    gboolean default_network;
    /* Start the autostart networks. */
    gboolean autostart;
} VmmNetworkDriverConfig;

/*
 * Set up the state: directories, persistent definitions, adoption of the
 * running networks from their status files (a network whose bridge or
 * dnsmasq is gone is cleaned up instead), the default network, autostart.
 * A second call fails.
 */
gboolean vmm_network_driver_state_init(const VmmNetworkDriverConfig *cfg, GError **error);

/* Drop the state, leaving every network running. */
void vmm_network_driver_state_cleanup(void);

/* TRUE between init and cleanup. */
gboolean vmm_network_driver_state_active(void);

G_END_DECLS
