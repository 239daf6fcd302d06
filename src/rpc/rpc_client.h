/*
 * rpc_client.h: one client connection speaking libvirt's framing to vmmd.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The client owns a byte stream (unix or TCP socket, or the stdin/stdout of
 * an `ssh ... vmmd --stdio-proxy` child) and a private I/O thread that reads
 * every packet.  Callers send a CALL from any thread and block until the
 * matching REPLY arrives or a deadline passes; several calls may be in
 * flight at once.  The I/O thread also answers keepalive PINGs, sends PINGs
 * when the link is idle (once enabled), and queues event MESSAGEs for a
 * callback that runs, in order, on an event thread of its own.  Malformed input, EOF and keepalive timeouts close the
 * connection: every waiting and later call then fails with the reason.
 */
#pragma once

#include <gio/gio.h>
#include <rpc/rpc.h>

G_BEGIN_DECLS

typedef struct _RpcClient RpcClient;

/* Called on the client's event thread for every MESSAGE of the REMOTE
 * program, in arrival order.  It may make calls on @client.  @payload (@len
 * bytes) is the XDR body; it is only valid during the call. */
typedef void (*RpcClientEventFunc)(RpcClient *client, int proc, const char *payload,
                                   gsize len, gpointer opaque);
/* Called once, on the I/O thread, when the connection closes for any reason
 * other than rpc_client_free(). */
typedef void (*RpcClientCloseFunc)(RpcClient *client, const GError *reason, gpointer opaque);

/* Default deadline of one call. */
#define RPC_CLIENT_CALL_TIMEOUT_MS (120 * 1000)

/* Connect a new socket to @path and return its fd (close-on-exec), or -1
 * with the error below. */
int rpc_client_connect_unix(const char *path, GError **error);
/* Connect to a unix socket.  Errors read "cannot connect to vmmd at PATH:
 * REASON (is vmmd running?)" with code VMM_ERR_NO_CONNECT. */
RpcClient *rpc_client_new_unix(const char *path, GError **error);
/* Connect to HOST:PORT over plain TCP. */
RpcClient *rpc_client_new_tcp(const char *host, int port, GError **error);
/* Spawn @argv and talk over its stdin/stdout; its stderr is inherited so
 * that ssh can ask for passwords and report its own errors. */
RpcClient *rpc_client_new_command(const char *const *argv, GError **error);
/* Use @stream (a ref is taken).  Its input stream must be pollable.
 * @peer names the other end in error messages. */
RpcClient *rpc_client_new_stream(GIOStream *stream, const char *peer);

/* Set before the first call; they are read from the I/O thread. */
void rpc_client_set_event_func(RpcClient *client, RpcClientEventFunc func, gpointer opaque);
void rpc_client_set_close_func(RpcClient *client, RpcClientCloseFunc func, gpointer opaque);
void rpc_client_set_call_timeout(RpcClient *client, guint timeout_ms);

/* Ping after @interval_s seconds without incoming traffic, then every
 * @interval_s; close the connection after @count unanswered pings. */
void rpc_client_start_keepalive(RpcClient *client, guint interval_s, guint count);

/*
 * Send CALL @proc of program @prog (version 1) with @args encoded by
 * @args_proc (NULL: no payload), wait for the REPLY and decode it into
 * @ret with @ret_proc (NULL: ignore the payload; free @ret with xdr_free()
 * after a success).  A REPLY with status ERROR becomes a GError with the server's
 * code and message.  Returns FALSE with @error set on any failure.
 */
gboolean rpc_client_call(RpcClient *client, guint32 prog, int proc,
                         xdrproc_t args_proc, const void *args,
                         xdrproc_t ret_proc, void *ret, GError **error);

/*
 * Streams (libvirt's, see rpc_stream.h for the server half).  Called on the
 * I/O thread for each STREAM packet of the call: @status CONTINUE (data,
 * empty = EOF), OK (the server's answer to our finish) or ERROR (@data is
 * the remote_error); -1 when the connection closed (@data is the reason's
 * message, NUL-terminated).  It must not call into @client.
 */
typedef void (*RpcClientStreamFunc)(RpcClient *client, int status, const guint8 *data,
                                    gsize len, gpointer opaque);

/* rpc_client_call() for a call that opens a stream: @func gets the stream's
 * packets from before the CALL goes out (the server may send data right
 * after the REPLY) until rpc_client_stream_remove(); *@serial is the call's.
 * On failure nothing stays registered. */
gboolean rpc_client_call_stream(RpcClient *client, guint32 prog, int proc,
                                xdrproc_t args_proc, const void *args,
                                RpcClientStreamFunc func, gpointer opaque,
                                guint32 *serial, GError **error);
/* Send a STREAM packet of the call @proc/@serial (data: CONTINUE; empty
 * OK: finish; empty ERROR: abort). */
gboolean rpc_client_stream_send(RpcClient *client, guint32 prog, int proc, guint32 serial,
                                int status, const void *data, gsize len, GError **error);
/* Stop delivering the stream's packets; once this returns, its func is not
 * running and will not run again. */
void rpc_client_stream_remove(RpcClient *client, guint32 serial);

/* TRUE until the connection closed. */
gboolean rpc_client_is_open(RpcClient *client);

/* Fail pending and later calls, stop both threads (after the event
 * callback in progress returns), close the transport and free.  From the
 * event callback (e.g. when it drops a remote connection's last
 * reference), the transport is closed and the client freed on the event
 * thread once the callback returns.  Must not be called from the close
 * callback.  NULL is fine. */
void rpc_client_free(RpcClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RpcClient, rpc_client_free)

G_END_DECLS
