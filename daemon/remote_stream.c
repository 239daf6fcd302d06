/*
 * remote_stream.c: a VmmStream served as an RPC stream.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "remote_stream.h"

static int
io_get_fd(gpointer io)
{
    return vmm_stream_get_fd(io);
}

static gssize
io_read(gpointer io, char *buf, gsize len, GError **error)
{
    gssize n = vmm_stream_recv(io, buf, len, error);

    return n == VMM_STREAM_AGAIN ? -2 : n;
}

static gssize
io_write(gpointer io, const char *buf, gsize len, GError **error)
{
    gssize n = vmm_stream_send(io, buf, len, error);

    return n == VMM_STREAM_AGAIN ? -2 : n;
}

static gboolean
io_finish(gpointer io, GError **error)
{
    return vmm_stream_finish(io, error);
}

static void
io_abort(gpointer io)
{
    vmm_stream_abort(io, NULL);
}

static void
io_free(gpointer io)
{
    vmm_stream_unref(io);
}

static const VmmRpcStreamIO stream_io = {
    .get_fd = io_get_fd,
    .read = io_read,
    .write = io_write,
    .finish = io_finish,
    .abort = io_abort,
    .free = io_free,
};

void
vmmd_stream_start(VmmRpcClient *client, const VmmRpcHeader *call, VmmStream *st,
                  GBytes *reply)
{
    VmmRpcServerStream *ss = vmm_rpc_server_stream_new(client, call, &stream_io,
                                                       vmm_stream_ref(st));

    /* The REPLY goes before any data of the stream. */
    vmm_rpc_client_send(client, reply);
    g_bytes_unref(reply);
    vmm_rpc_server_stream_run(ss, g_main_context_default());
}
