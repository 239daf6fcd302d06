/*
 * qemu_driver.h: the QEMU/KVM driver (qemu:///system, qemu:///session).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The driver keeps one state per process: vmmd initialises it at start-up
 * (tests embedding the driver do the same), then every connection opened
 * on qemu:///system or qemu:///session shares it.  Shutting the state down
 * leaves running guests alone: the next start re-adopts them from their
 * status files.
 */
#pragma once

#include "driver.h"

G_BEGIN_DECLS

extern const VmmDriver vmm_qemu_driver;

typedef struct {
    /* Relocate /etc, /run and /var under @root (vmmd --root); NULL: the
     * system directories as root, the XDG ones otherwise (session). */
    const char *root;
    /* Where QMP monitors and child watches live (vmmd's main loop).
     * NULL: the driver runs a context of its own in a thread. */
    GMainContext *ctx;
    /* Start the autostart domains (in a thread, after the reconnects). */
    gboolean autostart;
} VmmQemuDriverConfig;

/*
 * Set up the driver state: directories, qemu.conf (CONFIG_DIR/qemu.conf:
 * user, group, job_timeout, destroy_grace, device_detach_timeout: seconds
 * a detach waits for the guest to release the device, 10 by default),
 * persistent definitions, re-adoption of running QEMUs from their status
 * files (dead ones become shut off and are reported), then autostart.  A
 * second call fails.
 */
gboolean vmm_qemu_driver_state_init(const VmmQemuDriverConfig *cfg, GError **error);

/* Drop the state without stopping any guest (vmmd exiting).  Call once no
 * connection uses the driver any more. */
void vmm_qemu_driver_state_cleanup(void);

/* TRUE between init and cleanup. */
gboolean vmm_qemu_driver_state_active(void);

G_END_DECLS
