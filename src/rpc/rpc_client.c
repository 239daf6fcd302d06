/*
 * rpc_client.c: one client connection speaking libvirt's framing to vmmd.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Threads: callers write CALLs under write_lock and then sleep on `cond`
 * until the I/O thread files the matching REPLY in their RpcPending.  The
 * I/O thread runs a private GMainContext: a pollable-read source that frames
 * packets, and (once enabled) the keepalive timer.  It never blocks on
 * write_lock: a PONG or PING that finds the lock busy is retried shortly.
 * Events go through a queue to a third thread, so that an event callback
 * may itself make calls on the connection (the I/O thread stays free to
 * read their replies).
 */
#include "rpc/rpc_client.h"
#include "rpc/rpc_packet.h"
#include "util/vmm_error.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

/* How soon a PING/PONG that found the write lock busy is retried. */
#define RPC_WRITE_RETRY_MS 10
/* How long a transport command (ssh) may take to exit after its stdin
 * closed, before it is killed. */
#define RPC_CHILD_EXIT_TIMEOUT_US (2 * G_USEC_PER_SEC)

typedef struct {
    guint32 serial;
    int proc;
    gboolean done;
    int status;
    GBytes *body;
} RpcPending;

/* A stream opened by a call (rpc_client_call_stream()). */
typedef struct {
    int proc;
    RpcClientStreamFunc func;
    gpointer opaque;
} RpcStreamReg;

/* One MESSAGE on its way to the event thread; proc < 0 stops the thread. */
typedef struct {
    int proc;
    GBytes *payload;
} RpcEvent;

struct _RpcClient {
    GIOStream *stream;
    GSubprocess *child;           /* the ssh (or other) command, if any */
    char *peer;

    GThread *thread;
    GMainContext *ctx;
    GMainLoop *loop;
    GSource *read_source;
    GSource *keepalive_source;

    GMutex lock;                  /* pending, next_serial, closed */
    GCond cond;
    GHashTable *pending;          /* serial -> RpcPending (owned by the caller) */
    guint32 next_serial;
    GError *closed;               /* set once, when the connection is gone */

    GMutex write_lock;            /* one writer of the output stream at a time */
    GMutex stream_lock;           /* streams; held while a stream func runs */
    GHashTable *streams;          /* serial -> RpcStreamReg* */
    gint pong_owed;               /* atomic: PINGs not yet answered */

    GByteArray *rx;               /* bytes read but not yet framed */
    gint64 last_rx;               /* monotonic µs; I/O thread only */
    guint keepalive_interval;     /* seconds; I/O thread only after start */
    guint keepalive_count;
    guint keepalive_unanswered;

    guint timeout_ms;
    RpcClientEventFunc event_func;
    gpointer event_opaque;
    GThread *event_thread;        /* started by the first event */
    gboolean release_on_event_thread;   /* freed from an event callback */
    GAsyncQueue *events;          /* RpcEvent */
    RpcClientCloseFunc close_func;
    gpointer close_opaque;
};

/* ------------------------------------------------------------------ */
/* Closing                                                             */

/* Tell every stream that the connection is gone. */
static void
client_streams_closed(RpcClient *client, const GError *reason)
{
    GHashTableIter it;
    gpointer value;

    g_mutex_lock(&client->stream_lock);
    g_hash_table_iter_init(&it, client->streams);
    while (g_hash_table_iter_next(&it, NULL, &value)) {
        RpcStreamReg *reg = value;

        reg->func(client, -1, (const guint8 *)reason->message, strlen(reason->message),
                  reg->opaque);
    }
    g_mutex_unlock(&client->stream_lock);
}

/* Record why the connection ended (the first reason wins), wake every
 * waiting caller and tell the owner.  Takes ownership of @reason. */
static void
client_mark_closed(RpcClient *client, GError *reason)
{
    gboolean first;

    g_mutex_lock(&client->lock);
    first = client->closed == NULL;
    if (first)
        client->closed = reason;
    g_cond_broadcast(&client->cond);
    g_mutex_unlock(&client->lock);

    if (!first) {
        g_error_free(reason);
        return;
    }
    g_debug("connection to %s closed: %s", client->peer, reason->message);
    client_streams_closed(client, reason);
    if (client->close_func)
        client->close_func(client, reason, client->close_opaque);
}

/* On the I/O thread: stop reading and pinging, then mark closed. */
static void
client_fail(RpcClient *client, VmmErrorCode code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void
client_fail(RpcClient *client, VmmErrorCode code, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);

    if (client->read_source) {
        g_source_destroy(client->read_source);
        g_clear_pointer(&client->read_source, g_source_unref);
    }
    if (client->keepalive_source) {
        g_source_destroy(client->keepalive_source);
        g_clear_pointer(&client->keepalive_source, g_source_unref);
    }
    client_mark_closed(client, g_error_new_literal(VMM_ERROR, code, msg));
}

/* ------------------------------------------------------------------ */
/* Writing                                                             */

/* Write a whole packet; the caller holds write_lock. */
static gboolean
client_write_locked(RpcClient *client, GBytes *packet, GError **error)
{
    g_autoptr(GError) local = NULL;
    gsize len;
    const void *data = g_bytes_get_data(packet, &len);

    if (!g_output_stream_write_all(g_io_stream_get_output_stream(client->stream),
                                   data, len, NULL, NULL, &local) ||
        !g_output_stream_flush(g_io_stream_get_output_stream(client->stream),
                               NULL, &local)) {
        vmm_error_set(error, VMM_ERR_RPC, _("cannot send to vmmd at %s: %s"),
                      client->peer, local->message);
        return FALSE;
    }
    return TRUE;
}

static void
client_send_keepalive_locked(RpcClient *client, int proc)
{
    VmmRpcHeader hdr = {
        .prog = KEEPALIVE_PROGRAM, .vers = KEEPALIVE_PROTOCOL_VERSION, .proc = proc,
        .type = VMM_RPC_MESSAGE, .serial = 0, .status = VMM_RPC_OK,
    };
    g_autoptr(GBytes) packet = vmm_rpc_packet_encode(&hdr, NULL, NULL, NULL);

    /* A failed write shows up as EOF or an error on the read side. */
    client_write_locked(client, packet, NULL);
}

/* Send the PONGs owed, if the write lock is free.  FALSE: try again. */
static gboolean
client_try_pay_pongs(RpcClient *client)
{
    if (!g_mutex_trylock(&client->write_lock))
        return FALSE;
    while (g_atomic_int_get(&client->pong_owed) > 0) {
        g_atomic_int_add(&client->pong_owed, -1);
        client_send_keepalive_locked(client, KEEPALIVE_PROC_PONG);
    }
    g_mutex_unlock(&client->write_lock);
    return TRUE;
}

static gboolean
client_retry_pongs(gpointer opaque)
{
    return client_try_pay_pongs(opaque) ? G_SOURCE_REMOVE : G_SOURCE_CONTINUE;
}

static void
client_owe_pong(RpcClient *client)
{
    g_atomic_int_inc(&client->pong_owed);
    if (!client_try_pay_pongs(client)) {
        g_autoptr(GSource) retry = g_timeout_source_new(RPC_WRITE_RETRY_MS);

        g_source_set_callback(retry, client_retry_pongs, client, NULL);
        g_source_attach(retry, client->ctx);
    }
}

/* ------------------------------------------------------------------ */
/* Events (their own thread)                                           */

static void
rpc_event_free(RpcEvent *ev)
{
    g_clear_pointer(&ev->payload, g_bytes_unref);
    g_free(ev);
}

static void client_release(RpcClient *client);

static gpointer
client_event_thread(gpointer opaque)
{
    RpcClient *client = opaque;
    RpcEvent *ev;

    while ((ev = g_async_queue_pop(client->events))->proc >= 0) {
        gsize len;
        const char *data = g_bytes_get_data(ev->payload, &len);

        client->event_func(client, ev->proc, data, len, client->event_opaque);
        rpc_event_free(ev);
        if (client->release_on_event_thread) {
            /* rpc_client_free() ran inside the callback and left the rest
             * to this thread, which nobody joins. */
            g_thread_unref(client->event_thread);
            client_release(client);
            return NULL;
        }
    }
    rpc_event_free(ev);
    return NULL;
}

/* On the I/O thread: hand one MESSAGE to the event thread, in order. */
static void
client_queue_event(RpcClient *client, int proc, const guint8 *body, gsize len)
{
    RpcEvent *ev = g_new0(RpcEvent, 1);

    ev->proc = proc;
    ev->payload = g_bytes_new(body, len);
    if (!client->event_thread)
        client->event_thread = g_thread_new("vmm-rpc-events", client_event_thread, client);
    g_async_queue_push(client->events, ev);
}

/* ------------------------------------------------------------------ */
/* Reading (I/O thread)                                                */

static void
client_handle_reply(RpcClient *client, int proc, guint32 serial, int status,
                    const guint8 *body, gsize len)
{
    RpcPending *p;
    gboolean stale;

    g_mutex_lock(&client->lock);
    p = g_hash_table_lookup(client->pending, GUINT_TO_POINTER(serial));
    stale = !p && serial < client->next_serial;
    if (p && p->proc == proc && (status == VMM_RPC_OK || status == VMM_RPC_ERROR)) {
        p->status = status;
        p->body = g_bytes_new(body, len);
        p->done = TRUE;
        g_cond_broadcast(&client->cond);
        g_mutex_unlock(&client->lock);
        return;
    }
    g_mutex_unlock(&client->lock);
    /* A late reply to a call that timed out is harmless; anything else means
     * we no longer understand the stream. */
    if (stale)
        return;
    client_fail(client, VMM_ERR_RPC,
                _("malformed reply from vmmd at %s (procedure %d, serial %u, status %d)"),
                client->peer, proc, serial, status);
}

/* One complete packet of @len bytes (length word included).  FALSE when the
 * connection was closed because of it. */
static gboolean
client_handle_packet(RpcClient *client, const guint8 *data, gsize len)
{
    const gsize prefix = VMM_RPC_LEN_SIZE + VMM_RPC_HEADER_SIZE;
    const guint8 *body = data + prefix;
    gsize body_len = len - prefix;
    VmmRpcHeader hdr;
    guint32 prog, vers;
    int proc, type, status;

    /* The length word was checked: the header is there. */
    vmm_rpc_header_decode(data + VMM_RPC_LEN_SIZE, len - VMM_RPC_LEN_SIZE, &hdr, NULL);
    prog = hdr.prog;
    vers = hdr.vers;
    proc = hdr.proc;
    type = hdr.type;
    status = hdr.status;

    if (prog == KEEPALIVE_PROGRAM && vers == KEEPALIVE_PROTOCOL_VERSION &&
        type == VMM_RPC_MESSAGE) {
        if (proc == KEEPALIVE_PROC_PING)
            client_owe_pong(client);
        /* A PONG needs nothing: any traffic already reset the counter. */
        return TRUE;
    }
    if (prog != REMOTE_PROGRAM || vers != REMOTE_PROTOCOL_VERSION) {
        client_fail(client, VMM_ERR_RPC,
                    _("unexpected program %#x version %u from vmmd at %s"),
                    prog, vers, client->peer);
        return FALSE;
    }
    switch (type) {
    case VMM_RPC_REPLY:
        client_handle_reply(client, proc, hdr.serial, status, body, body_len);
        return client->read_source != NULL;
    case VMM_RPC_MESSAGE:
        if (status != VMM_RPC_OK) {
            client_fail(client, VMM_ERR_RPC,
                        _("event %d with status %d from vmmd at %s"),
                        proc, status, client->peer);
            return FALSE;
        }
        if (client->event_func)
            client_queue_event(client, proc, body, body_len);
        return TRUE;
    case VMM_RPC_STREAM: {
        RpcStreamReg *reg;

        g_mutex_lock(&client->stream_lock);
        reg = g_hash_table_lookup(client->streams, GUINT_TO_POINTER(hdr.serial));
        if (reg && reg->proc == proc)
            reg->func(client, status, body, body_len, reg->opaque);
        else
            g_debug("ignoring stream packet for procedure %d from %s", proc, client->peer);
        g_mutex_unlock(&client->stream_lock);
        return TRUE;
    }
    default:
        client_fail(client, VMM_ERR_RPC, _("unexpected packet type %d from vmmd at %s"),
                    type, client->peer);
        return FALSE;
    }
}

/* Frame and handle every complete packet in client->rx.  The length word
 * is checked as soon as it arrives, before any of the body is buffered. */
static gboolean
client_drain_rx(RpcClient *client)
{
    gsize off = 0;
    gboolean alive = TRUE;

    while (alive && client->rx->len - off >= 4) {
        g_autoptr(GError) local = NULL;
        guint32 len;

        if (!vmm_rpc_length_decode(client->rx->data + off, &len, &local)) {
            client_fail(client, VMM_ERR_RPC, _("malformed data from vmmd at %s: %s"),
                        client->peer, local->message);
            return FALSE;
        }
        if (client->rx->len - off < len)
            break;
        alive = client_handle_packet(client, client->rx->data + off, len);
        off += len;
    }
    if (off)
        g_byte_array_remove_range(client->rx, 0, off);
    return alive;
}

static gboolean
client_on_readable(GObject *stream, gpointer opaque)
{
    RpcClient *client = opaque;
    guint8 buf[65536];

    for (;;) {
        g_autoptr(GError) local = NULL;
        gssize n = g_pollable_input_stream_read_nonblocking(G_POLLABLE_INPUT_STREAM(stream),
                                                            buf, sizeof(buf), NULL, &local);

        if (n < 0 && g_error_matches(local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            return G_SOURCE_CONTINUE;
        if (n < 0) {
            client_fail(client, VMM_ERR_RPC, _("cannot read from vmmd at %s: %s"),
                        client->peer, local->message);
            return G_SOURCE_REMOVE;
        }
        if (n == 0) {
            client_fail(client, VMM_ERR_RPC,
                        client->rx->len ? _("vmmd at %s closed the connection mid-packet")
                                        : _("vmmd at %s closed the connection"),
                        client->peer);
            return G_SOURCE_REMOVE;
        }
        client->last_rx = g_get_monotonic_time();
        client->keepalive_unanswered = 0;
        g_byte_array_append(client->rx, buf, n);
        if (!client_drain_rx(client))
            return G_SOURCE_REMOVE;
    }
}

static gboolean
client_on_keepalive(gpointer opaque)
{
    RpcClient *client = opaque;
    gint64 idle = g_get_monotonic_time() - client->last_rx;

    if (idle < (gint64)client->keepalive_interval * G_USEC_PER_SEC)
        return G_SOURCE_CONTINUE;
    if (client->keepalive_unanswered >= client->keepalive_count) {
        client_fail(client, VMM_ERR_RPC,
                    _("no keepalive response from vmmd at %s for %u seconds"),
                    client->peer, (guint)(idle / G_USEC_PER_SEC));
        return G_SOURCE_REMOVE;
    }
    if (g_mutex_trylock(&client->write_lock)) {
        client_send_keepalive_locked(client, KEEPALIVE_PROC_PING);
        g_mutex_unlock(&client->write_lock);
        client->keepalive_unanswered++;
    }
    /* else a call is being written: the link is not idle after all. */
    return G_SOURCE_CONTINUE;
}

static gpointer
client_thread(gpointer opaque)
{
    RpcClient *client = opaque;

    g_main_context_push_thread_default(client->ctx);
    g_main_loop_run(client->loop);
    g_main_context_pop_thread_default(client->ctx);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Construction                                                        */

RpcClient *
rpc_client_new_stream(GIOStream *stream, const char *peer)
{
    RpcClient *client = g_new0(RpcClient, 1);
    GInputStream *in = g_io_stream_get_input_stream(stream);

    g_return_val_if_fail(G_IS_POLLABLE_INPUT_STREAM(in), NULL);

    client->stream = g_object_ref(stream);
    client->peer = g_strdup(peer);
    g_mutex_init(&client->lock);
    g_cond_init(&client->cond);
    g_mutex_init(&client->write_lock);
    g_mutex_init(&client->stream_lock);
    client->streams = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    client->pending = g_hash_table_new(NULL, NULL);
    client->rx = g_byte_array_new();
    client->events = g_async_queue_new_full((GDestroyNotify)rpc_event_free);
    client->timeout_ms = RPC_CLIENT_CALL_TIMEOUT_MS;
    client->last_rx = g_get_monotonic_time();

    client->ctx = g_main_context_new();
    client->loop = g_main_loop_new(client->ctx, FALSE);
    client->read_source = g_pollable_input_stream_create_source(G_POLLABLE_INPUT_STREAM(in),
                                                                NULL);
    g_source_set_callback(client->read_source, G_SOURCE_FUNC(client_on_readable),
                          client, NULL);
    g_source_attach(client->read_source, client->ctx);
    client->thread = g_thread_new("vmm-rpc-client", client_thread, client);
    return client;
}

int
rpc_client_connect_unix(const char *path, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        vmm_error_set(error, VMM_ERR_NO_CONNECT,
                      _("cannot connect to vmmd at %s: socket path too long"), path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        int err = errno;

        if (fd >= 0)
            close(fd);
        vmm_error_set(error, VMM_ERR_NO_CONNECT,
                      _("cannot connect to vmmd at %s: %s (is vmmd running?)"),
                      path, g_strerror(err));
        return -1;
    }
    return fd;
}

RpcClient *
rpc_client_new_unix(const char *path, GError **error)
{
    g_autoptr(GSocket) sock = NULL;
    g_autoptr(GSocketConnection) conn = NULL;
    int fd = rpc_client_connect_unix(path, error);

    if (fd < 0)
        return NULL;
    sock = g_socket_new_from_fd(fd, error);
    if (!sock) {
        close(fd);
        return NULL;
    }
    conn = g_socket_connection_factory_create_connection(sock);
    return rpc_client_new_stream(G_IO_STREAM(conn), path);
}

RpcClient *
rpc_client_new_tcp(const char *host, int port, GError **error)
{
    g_autoptr(GSocketClient) sc = g_socket_client_new();
    g_autoptr(GSocketConnection) conn = NULL;
    g_autoptr(GError) local = NULL;
    g_autofree char *peer = g_strdup_printf("%s:%d", host, port);

    conn = g_socket_client_connect_to_host(sc, host, port, NULL, &local);
    if (!conn) {
        vmm_error_set(error, VMM_ERR_NO_CONNECT,
                      _("cannot connect to vmmd at %s: %s (is vmmd listening on TCP?)"),
                      peer, local->message);
        return NULL;
    }
    g_socket_set_option(g_socket_connection_get_socket(conn), IPPROTO_TCP, TCP_NODELAY, 1, NULL);
    return rpc_client_new_stream(G_IO_STREAM(conn), peer);
}

RpcClient *
rpc_client_new_command(const char *const *argv, GError **error)
{
    g_autoptr(GSubprocess) child = NULL;
    g_autoptr(GIOStream) stream = NULL;
    g_autoptr(GError) local = NULL;
    g_autofree char *peer = NULL;
    struct sigaction old;
    RpcClient *client;

    /* Writing to a dead child's pipe must fail with EPIPE, not kill us. */
    if (sigaction(SIGPIPE, NULL, &old) == 0 && old.sa_handler == SIG_DFL)
        signal(SIGPIPE, SIG_IGN);

    child = g_subprocess_newv(argv, G_SUBPROCESS_FLAGS_STDIN_PIPE |
                              G_SUBPROCESS_FLAGS_STDOUT_PIPE, &local);
    if (!child) {
        vmm_error_set(error, VMM_ERR_NO_CONNECT, _("cannot run '%s': %s"),
                      argv[0], local->message);
        return NULL;
    }
    stream = g_simple_io_stream_new(g_subprocess_get_stdout_pipe(child),
                                    g_subprocess_get_stdin_pipe(child));
    peer = g_strjoinv(" ", (char **)argv);
    client = rpc_client_new_stream(stream, peer);
    client->child = g_steal_pointer(&child);
    return client;
}

void
rpc_client_set_event_func(RpcClient *client, RpcClientEventFunc func, gpointer opaque)
{
    client->event_func = func;
    client->event_opaque = opaque;
}

void
rpc_client_set_close_func(RpcClient *client, RpcClientCloseFunc func, gpointer opaque)
{
    client->close_func = func;
    client->close_opaque = opaque;
}

void
rpc_client_set_call_timeout(RpcClient *client, guint timeout_ms)
{
    client->timeout_ms = timeout_ms;
}

typedef struct {
    RpcClient *client;
    guint interval;
    guint count;
} KeepaliveStart;

static gboolean
client_start_keepalive_cb(gpointer opaque)
{
    KeepaliveStart *ks = opaque;
    RpcClient *client = ks->client;

    if (client->keepalive_source || !client->read_source)
        return G_SOURCE_REMOVE;
    client->keepalive_interval = ks->interval;
    client->keepalive_count = ks->count;
    client->keepalive_source = g_timeout_source_new_seconds(ks->interval);
    g_source_set_callback(client->keepalive_source, client_on_keepalive, client, NULL);
    g_source_attach(client->keepalive_source, client->ctx);
    return G_SOURCE_REMOVE;
}

void
rpc_client_start_keepalive(RpcClient *client, guint interval_s, guint count)
{
    KeepaliveStart *ks = g_new0(KeepaliveStart, 1);

    g_return_if_fail(interval_s > 0);
    ks->client = client;
    ks->interval = interval_s;
    ks->count = count;
    /* The keepalive state belongs to the I/O thread. */
    g_main_context_invoke_full(client->ctx, G_PRIORITY_DEFAULT,
                               client_start_keepalive_cb, ks, g_free);
}

gboolean
rpc_client_is_open(RpcClient *client)
{
    gboolean open;

    g_mutex_lock(&client->lock);
    open = client->closed == NULL;
    g_mutex_unlock(&client->lock);
    return open;
}

/* ------------------------------------------------------------------ */
/* Calls                                                               */

/* The REPLY body: @ret decoded, or the server's remote_error as @error. */
static gboolean
client_decode_reply(RpcClient *client, const RpcPending *p, xdrproc_t ret_proc, void *ret,
                    GError **error)
{
    gsize len;
    const guint8 *data = g_bytes_get_data(p->body, &len);
    g_autoptr(GError) local = NULL;
    remote_error rerr = { 0 };

    if (p->status == VMM_RPC_OK) {
        if (!ret_proc || vmm_rpc_payload_decode(data, len, ret_proc, ret, &local))
            return TRUE;
    } else if (vmm_rpc_payload_decode(data, len, (xdrproc_t)xdr_remote_error, &rerr, &local)) {
        g_propagate_error(error, vmm_rpc_error_to_gerror(&rerr));
        vmm_rpc_payload_free((xdrproc_t)xdr_remote_error, &rerr);
        return FALSE;
    }
    vmm_error_set(error, VMM_ERR_RPC, _("bad reply to procedure %d from vmmd at %s: %s"),
                  p->proc, client->peer, local->message);
    return FALSE;
}

static void
set_closed_error(RpcClient *client, GError **error)
{
    g_set_error_literal(error, VMM_ERROR, client->closed->code, client->closed->message);
}

static gboolean
client_call(RpcClient *client, guint32 prog, int proc,
            xdrproc_t args_proc, const void *args,
            xdrproc_t ret_proc, void *ret, RpcStreamReg *reg, guint32 *serial,
            GError **error);

gboolean
rpc_client_call(RpcClient *client, guint32 prog, int proc,
                xdrproc_t args_proc, const void *args,
                xdrproc_t ret_proc, void *ret, GError **error)
{
    return client_call(client, prog, proc, args_proc, args, ret_proc, ret, NULL, NULL,
                       error);
}

gboolean
rpc_client_call_stream(RpcClient *client, guint32 prog, int proc,
                       xdrproc_t args_proc, const void *args,
                       RpcClientStreamFunc func, gpointer opaque,
                       guint32 *serial, GError **error)
{
    RpcStreamReg *reg = g_new0(RpcStreamReg, 1);

    reg->proc = proc;
    reg->func = func;
    reg->opaque = opaque;
    return client_call(client, prog, proc, args_proc, args, NULL, NULL, reg, serial, error);
}

gboolean
rpc_client_stream_send(RpcClient *client, guint32 prog, int proc, guint32 serial,
                       int status, const void *data, gsize len, GError **error)
{
    VmmRpcHeader hdr = {
        .prog = prog, .vers = 1, .proc = proc, .type = VMM_RPC_STREAM,
        .serial = serial, .status = status,
    };
    g_autoptr(GBytes) packet = NULL;
    gboolean ok;

    g_mutex_lock(&client->lock);
    if (client->closed) {
        set_closed_error(client, error);
        g_mutex_unlock(&client->lock);
        return FALSE;
    }
    g_mutex_unlock(&client->lock);
    if (!(packet = vmm_rpc_packet_encode_raw(&hdr, data, len, error)))
        return FALSE;
    g_mutex_lock(&client->write_lock);
    ok = client_write_locked(client, packet, error);
    g_mutex_unlock(&client->write_lock);
    return ok;
}

void
rpc_client_stream_remove(RpcClient *client, guint32 serial)
{
    g_mutex_lock(&client->stream_lock);
    g_hash_table_remove(client->streams, GUINT_TO_POINTER(serial));
    g_mutex_unlock(&client->stream_lock);
}

static gboolean
client_call(RpcClient *client, guint32 prog, int proc,
            xdrproc_t args_proc, const void *args,
            xdrproc_t ret_proc, void *ret, RpcStreamReg *reg, guint32 *serial,
            GError **error)
{
    RpcPending p = { .proc = proc };
    VmmRpcHeader hdr = {
        .prog = prog, .vers = 1, .proc = proc, .type = VMM_RPC_CALL, .status = VMM_RPC_OK,
    };
    g_autoptr(GBytes) packet = NULL;
    gint64 deadline;
    gboolean sent;

    g_mutex_lock(&client->lock);
    if (client->closed) {
        set_closed_error(client, error);
        g_mutex_unlock(&client->lock);
        g_free(reg);
        return FALSE;
    }
    p.serial = client->next_serial++;
    g_hash_table_insert(client->pending, GUINT_TO_POINTER(p.serial), &p);
    g_mutex_unlock(&client->lock);
    if (serial)
        *serial = p.serial;
    if (reg) {
        g_mutex_lock(&client->stream_lock);
        g_hash_table_insert(client->streams, GUINT_TO_POINTER(p.serial), reg);
        g_mutex_unlock(&client->stream_lock);
    }

    hdr.serial = p.serial;
    packet = vmm_rpc_packet_encode(&hdr, args_proc, args, error);
    if (!packet) {
        sent = FALSE;
    } else {
        g_mutex_lock(&client->write_lock);
        sent = client_write_locked(client, packet, error);
        g_mutex_unlock(&client->write_lock);
    }

    g_mutex_lock(&client->lock);
    deadline = g_get_monotonic_time() + (gint64)client->timeout_ms * G_TIME_SPAN_MILLISECOND;
    while (sent && !p.done && !client->closed) {
        if (!g_cond_wait_until(&client->cond, &client->lock, deadline)) {
            vmm_error_set(error, VMM_ERR_OPERATION_TIMEOUT,
                          _("no reply from vmmd at %s to procedure %d within %u ms"),
                          client->peer, proc, client->timeout_ms);
            sent = FALSE;
        }
    }
    g_hash_table_remove(client->pending, GUINT_TO_POINTER(p.serial));
    if (sent && !p.done)
        set_closed_error(client, error);
    g_mutex_unlock(&client->lock);

    if (!sent || !p.done) {
        g_clear_pointer(&p.body, g_bytes_unref);
        if (reg)
            rpc_client_stream_remove(client, p.serial);
        return FALSE;
    }
    sent = client_decode_reply(client, &p, ret_proc, ret, error);
    g_bytes_unref(p.body);
    if (!sent && reg)
        rpc_client_stream_remove(client, p.serial);
    return sent;
}

/* ------------------------------------------------------------------ */
/* Teardown                                                            */

static gboolean
client_stop_cb(gpointer opaque)
{
    RpcClient *client = opaque;

    if (client->read_source)
        g_source_destroy(client->read_source);
    if (client->keepalive_source)
        g_source_destroy(client->keepalive_source);
    g_main_loop_quit(client->loop);
    return G_SOURCE_REMOVE;
}

void
rpc_client_free(RpcClient *client)
{
    if (!client)
        return;
    /* Calls still made from event callbacks fail at once from here on. */
    g_mutex_lock(&client->lock);
    if (!client->closed)
        client->closed = g_error_new_literal(VMM_ERROR, VMM_ERR_INVALID_CONN,
                                             _("the connection is being closed"));
    g_cond_broadcast(&client->cond);
    g_mutex_unlock(&client->lock);

    g_main_context_invoke(client->ctx, client_stop_cb, client);
    g_thread_join(client->thread);
    /* The I/O thread is gone: nothing queues events any more. */
    if (client->event_thread) {
        RpcEvent *stop;

        if (client->event_thread == g_thread_self()) {
            /* Freed from an event callback, e.g. when the object handed to
             * it held the connection's last reference: a thread cannot
             * join itself, so it releases the rest once the callback
             * returns. */
            client->release_on_event_thread = TRUE;
            return;
        }
        stop = g_new0(RpcEvent, 1);
        stop->proc = -1;
        g_async_queue_push(client->events, stop);
        g_thread_join(client->event_thread);
    }
    client_release(client);
}

/* The rest of rpc_client_free(), once both threads are gone. */
static void
client_release(RpcClient *client)
{
    g_io_stream_close(client->stream, NULL, NULL);
    if (client->child) {
        /* Closing its stdin ends an ssh session; give ssh a moment to shut
         * the channel down cleanly, then kill it, so freeing never hangs.
         * GLib reaps children on its worker thread: no loop needed here. */
        gint64 deadline = g_get_monotonic_time() + RPC_CHILD_EXIT_TIMEOUT_US;

        while (g_subprocess_get_identifier(client->child) &&
               g_get_monotonic_time() < deadline)
            g_usleep(RPC_WRITE_RETRY_MS * G_TIME_SPAN_MILLISECOND);
        g_subprocess_force_exit(client->child);
        g_subprocess_wait(client->child, NULL, NULL);
        g_object_unref(client->child);
    }
    g_clear_pointer(&client->read_source, g_source_unref);
    g_clear_pointer(&client->keepalive_source, g_source_unref);
    g_main_loop_unref(client->loop);
    g_main_context_unref(client->ctx);
    g_object_unref(client->stream);
    g_hash_table_unref(client->pending);
    g_byte_array_unref(client->rx);
    g_async_queue_unref(client->events);
    g_clear_error(&client->closed);
    g_mutex_clear(&client->lock);
    g_cond_clear(&client->cond);
    g_mutex_clear(&client->write_lock);
    g_hash_table_unref(client->streams);
    g_mutex_clear(&client->stream_lock);
    g_free(client->peer);
    g_free(client);
}
