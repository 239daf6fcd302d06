/*
 * rpc_stream.h: the server half of libvirt's stream protocol.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A stream belongs to one CALL (procedure and serial) of one client.
 * After the CALL's REPLY, data flows as STREAM packets with the call's
 * serial: status CONTINUE with raw bytes both ways; an empty CONTINUE from
 * us is EOF.  The client ends the stream with STREAM OK (finish: we answer
 * OK, and never send OK otherwise) or STREAM ERROR (abort: no answer); we
 * end it on failure with STREAM ERROR carrying a remote_error.
 *
 * The local end is an fd-pollable I/O object (VmmRpcStreamIO), read on the
 * main loop whenever its fd polls readable and written without blocking.
 */
#pragma once

#include "rpc/rpc_server.h"

G_BEGIN_DECLS

typedef struct {
    /* Polls readable when read would not block. */
    int (*get_fd)(gpointer io);
    /* Bytes, 0 at EOF, -2 when it would block, -1 with @error. */
    gssize (*read)(gpointer io, char *buf, gsize len, GError **error);
    /* Bytes taken, -2 when it would block, -1 with @error. */
    gssize (*write)(gpointer io, const char *buf, gsize len, GError **error);
    gboolean (*finish)(gpointer io, GError **error);
    void (*abort)(gpointer io);
    void (*free)(gpointer io);
} VmmRpcStreamIO;

typedef struct _VmmRpcServerStream VmmRpcServerStream;

/*
 * A stream for @call of @client over @io (@opaque is taken: freed with
 * io->free).  Packets of the client for it are handled from now on; call
 * this before sending the CALL's REPLY, then vmm_rpc_server_stream_run()
 * after it, which starts reading @io on @ctx's loop.  Any thread.
 */
VmmRpcServerStream *vmm_rpc_server_stream_new(VmmRpcClient *client,
                                              const VmmRpcHeader *call,
                                              const VmmRpcStreamIO *io, gpointer opaque);
/* Start reading; drops the caller's reference. */
void vmm_rpc_server_stream_run(VmmRpcServerStream *ss, GMainContext *ctx);
/* The call failed after all: forget the stream (aborting @io). */
void vmm_rpc_server_stream_cancel(VmmRpcServerStream *ss);

/* Main thread: a STREAM packet from @client (VmmRpcServerCallbacks.stream). */
void vmm_rpc_server_stream_packet(VmmRpcClient *client, const VmmRpcHeader *hdr,
                                  const guint8 *payload, gsize size, gpointer opaque);
/* @client is gone: abort its streams. */
void vmm_rpc_server_stream_client_closed(VmmRpcClient *client);
/* Streams open (all clients); for tests. */
guint vmm_rpc_server_stream_count(void);
/* How long a stream may hold its client's input while its local end takes
 * no data before the stream fails (tests; 0: the default, 10 s). */
void vmm_rpc_server_stream_set_hold_idle(guint ms);

G_END_DECLS
