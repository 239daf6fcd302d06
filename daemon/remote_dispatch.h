/*
 * remote_dispatch.h: the REMOTE program's procedures, served by calling
 * libvmm's public API on the daemon's own in-process connections.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "rpc/rpc_server.h"

G_BEGIN_DECLS

/* The callbacks to hand to vmm_rpc_server_new(). */
extern const VmmRpcServerCallbacks vmmd_dispatch_callbacks;

/* Number of procedures in the table (tests). */
guint vmmd_dispatch_count(void);

G_END_DECLS
