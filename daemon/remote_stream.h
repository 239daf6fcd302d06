/*
 * remote_stream.h: vmmd's streams: a VmmStream of the daemon's own
 * connection served to a client as an RPC stream (rpc/rpc_stream.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "rpc/rpc_stream.h"
#include "streams.h"

G_BEGIN_DECLS

/*
 * Worker: @call succeeded with @reply (taken) and connected @st (a
 * reference is taken): register the stream, send @reply, then start
 * moving data on the default main context.
 */
void vmmd_stream_start(VmmRpcClient *client, const VmmRpcHeader *call, VmmStream *st,
                       GBytes *reply);

G_END_DECLS
