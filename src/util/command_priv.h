/*
 * command_priv.h: the dry-run hook of the command builder, for tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "util/command.h"

G_BEGIN_DECLS

/*
 * Called instead of running a command while dry-run is on.  It may fill
 * *exit_status (0 by default), *out and *err (newly allocated, may stay
 * NULL) to fake the outcome of vmm_command_run().
 */
typedef void (*VmmCommandDryRunFunc)(const VmmCommand *cmd, int *exit_status,
                                     char **out, char **err, gpointer opaque);

/*
 * Turn dry-run on (@buf non-NULL) or off (@buf NULL) for the whole process.
 * While on, vmm_command_run() and vmm_command_spawn() append
 * vmm_command_to_string() and "\n" to @buf, call @func when non-NULL and
 * start nothing; vmm_command_spawn() then returns the pid 0, which must not
 * be watched.  @buf stays the caller's.
 */
void vmm_command_set_dry_run(GString *buf, VmmCommandDryRunFunc func,
                             gpointer opaque);

G_END_DECLS
