/*
 * qemu_console.h: consoles of running QEMU guests (PTY chardevs).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "streams.h"
#include "conf/domain_def.h"
#include "drivers/qemu/qemu_monitor.h"

G_BEGIN_DECLS

/* After start: put the PTY path of every pty chardev of @def (the live
 * definition) into its <source path=''/>, from QMP query-chardev.  A
 * failure (QEMU gone already) is only logged: the guest runs without a console. */
void qemu_console_fill_ptys(VmmQemuMonitor *mon, VmmDomainDef *def, int timeout_ms);

/* Register vmm_domain_open_console() for the QEMU driver. */
void qemu_console_init(void);

G_END_DECLS
