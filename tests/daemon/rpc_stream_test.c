/*
 * rpc_stream_test.c: flow control of an upload stream in the RPC server
 * (src/rpc/rpc_stream.c with rpc_server.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The test runs the server's main loop itself, one batch of ready sources
 * at a time, so "the server stopped reading" is a state it can check
 * rather than a time it waits: a round is "the client sends until its
 * socket is full, then the loop runs until nothing is ready".  The sink of
 * the stream is one end of a socketpair the test reads only when it wants.
 */
#include "rpc/rpc_server.h"
#include "rpc/rpc_stream.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define UPLOAD_PROC 208
#define PACKET_DATA (256 * 1024)
#define TOTAL (16 * 1024 * 1024)
#define STALL_ROUNDS 300
/* What the client can push with the sink stalled: the server's 1 MiB sink
 * queue plus a packet, and the sockets' buffers.  Without the pause on
 * input it would be everything the client offers (the stream failing at
 * 40 MiB). */
#define STALLED_MAX (8 * 1024 * 1024)

typedef struct {
    int fd;                  /* the server's end of the sink socketpair */
    gsize written;           /* bytes taken by the sink */
    gboolean finished;
    gsize written_at_finish;
    gboolean aborted;
} Sink;

static Sink sink;

static int
sink_get_fd(gpointer io)
{
    return ((Sink *)io)->fd;
}

static gssize
sink_read(gpointer io, char *buf, gsize len, GError **error)
{
    return -2;     /* an upload: nothing comes back */
}

static gssize
sink_write(gpointer io, const char *buf, gsize len, GError **error)
{
    Sink *s = io;
    gssize n = write(s->fd, buf, len);

    if (n < 0 && errno == EAGAIN)
        return -2;
    g_assert_cmpint(n, >, 0);
    s->written += n;
    return n;
}

static gboolean
sink_finish(gpointer io, GError **error)
{
    Sink *s = io;

    s->finished = TRUE;
    s->written_at_finish = s->written;
    return TRUE;
}

static void
sink_abort(gpointer io)
{
    ((Sink *)io)->aborted = TRUE;
}

static void
sink_free(gpointer io)
{
    close(((Sink *)io)->fd);
}

static const VmmRpcStreamIO sink_io = {
    .get_fd = sink_get_fd,
    .read = sink_read,
    .write = sink_write,
    .finish = sink_finish,
    .abort = sink_abort,
    .free = sink_free,
};

/* Worker: every call opens the upload stream into the sink. */
static GBytes *
dispatch(VmmRpcClient *client, const VmmRpcHeader *hdr, const guint8 *payload, gsize size,
         gpointer opaque)
{
    VmmRpcServerStream *ss = vmm_rpc_server_stream_new(client, hdr, &sink_io, &sink);
    VmmRpcHeader rh = *hdr;
    g_autoptr(GBytes) reply = NULL;

    rh.type = VMM_RPC_REPLY;
    rh.status = VMM_RPC_OK;
    reply = vmm_rpc_packet_encode(&rh, NULL, NULL, NULL);
    vmm_rpc_client_send(client, reply);
    vmm_rpc_server_stream_run(ss, g_main_context_default());
    return NULL;
}

static void
client_close(VmmRpcClient *client, gpointer opaque)
{
    vmm_rpc_server_stream_client_closed(client);
}

/* Run the server's loop until nothing is ready. */
static void
run_loop(void)
{
    for (guint i = 0; i < 10000 && g_main_context_iteration(NULL, FALSE); i++)
        ;
}

static guint8
pattern(gsize i)
{
    return (guint8)(i * 7 + i / 65521);
}

/* The test's client: packets go out without blocking, in order. */
typedef struct {
    int fd;
    GByteArray *out;         /* encoded, not yet written */
    gsize data_queued;       /* stream bytes encoded so far */
    GByteArray *in;          /* received, not yet parsed */
} Client;

static void
client_queue(Client *c, int type, int status, const void *data, gsize len)
{
    VmmRpcHeader hdr = {
        .prog = REMOTE_PROGRAM, .vers = REMOTE_PROTOCOL_VERSION, .proc = UPLOAD_PROC,
        .type = type, .serial = 1, .status = status,
    };
    g_autoptr(GBytes) pkt = vmm_rpc_packet_encode_raw(&hdr, data, len, NULL);
    gsize size;
    const guint8 *p = g_bytes_get_data(pkt, &size);

    g_byte_array_append(c->out, p, size);
}

/* Write what the socket takes; queue the next data packet whenever the
 * previous one went out, up to @limit bytes of data. */
static void
client_push(Client *c, gsize limit)
{
    for (;;) {
        gssize n;

        if (c->out->len == 0) {
            guint8 buf[PACKET_DATA];
            gsize len = MIN(PACKET_DATA, limit - c->data_queued);

            if (len == 0)
                return;
            for (gsize i = 0; i < len; i++)
                buf[i] = pattern(c->data_queued + i);
            client_queue(c, VMM_RPC_STREAM, VMM_RPC_CONTINUE, buf, len);
            c->data_queued += len;
        }
        n = write(c->fd, c->out->data, c->out->len);
        if (n < 0 && errno == EAGAIN)
            return;
        g_assert_cmpint(n, >, 0);
        g_byte_array_remove_range(c->out, 0, n);
    }
}

/* A whole packet from the server when one is there: its header. */
static gboolean
client_recv(Client *c, VmmRpcHeader *hdr)
{
    guint8 buf[4096];
    gssize n;
    guint32 len;

    while ((n = read(c->fd, buf, sizeof(buf))) > 0)
        g_byte_array_append(c->in, buf, n);
    if (c->in->len < 4)
        return FALSE;
    g_assert_true(vmm_rpc_length_decode(c->in->data, &len, NULL));
    if (c->in->len < len)
        return FALSE;
    g_assert_true(vmm_rpc_header_decode(c->in->data + 4, len - 4, hdr, NULL));
    g_byte_array_remove_range(c->in, 0, len);
    return TRUE;
}

/* Read what the sink has, checking it is the next part of the data. */
static gsize
sink_drain(int fd, gsize got)
{
    guint8 buf[65536];
    gssize n;

    while ((n = read(fd, buf, sizeof(buf))) > 0) {
        for (gssize i = 0; i < n; i++)
            if (buf[i] != pattern(got + i))
                g_error("byte %" G_GSIZE_FORMAT " differs", got + i);
        got += n;
    }
    return got;
}

/* A server whose every call opens an upload into the sink (one end of
 * @sv, small buffers), a client connected to it, the call made and its
 * reply read. */
static VmmRpcServer *
stream_setup(Client *c, int sv[2], char **dir)
{
    VmmRpcServerConfig cfg = {
        .max_clients = 4, .max_workers = 2, .max_client_requests = 4,
    };
    VmmRpcServerCallbacks cb = {
        .dispatch = dispatch,
        .client_close = client_close,
        .stream = vmm_rpc_server_stream_packet,
    };
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    VmmRpcServer *srv = vmm_rpc_server_new(&cfg, &cb, NULL);
    VmmRpcHeader hdr;
    gint64 deadline;
    int small = 64 * 1024;

    memset(&sink, 0, sizeof(sink));
    *dir = g_dir_make_tmp("vmm-rpc-stream-XXXXXX", &error);
    path = g_build_filename(*dir, "sock", NULL);
    c->out = g_byte_array_new();
    c->in = g_byte_array_new();
    c->data_queued = 0;
    g_assert_no_error(error);
    g_assert_true(vmm_rpc_server_add_unix(srv, path, 0600, FALSE, &error));
    g_assert_no_error(error);
    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv),
                    ==, 0);
    setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
    setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    sink.fd = sv[0];

    c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    g_assert_cmpint(connect(c->fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);

    /* The call, and its reply (a worker sends it). */
    {
        VmmRpcHeader call = {
            .prog = REMOTE_PROGRAM, .vers = REMOTE_PROTOCOL_VERSION, .proc = UPLOAD_PROC,
            .type = VMM_RPC_CALL, .serial = 1, .status = VMM_RPC_OK,
        };
        g_autoptr(GBytes) pkt = vmm_rpc_packet_encode(&call, NULL, NULL, NULL);

        g_assert_cmpint(write(c->fd, g_bytes_get_data(pkt, NULL), g_bytes_get_size(pkt)), ==,
                        (gssize)g_bytes_get_size(pkt));
    }
    deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    while (!client_recv(c, &hdr)) {
        struct pollfd p = { .fd = c->fd, .events = POLLIN };

        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        run_loop();
        poll(&p, 1, 10);
    }
    g_assert_cmpint(hdr.type, ==, VMM_RPC_REPLY);
    g_assert_cmpint(hdr.status, ==, VMM_RPC_OK);
    /* The stream is registered before the reply goes out. */
    g_assert_cmpuint(vmm_rpc_server_stream_count(), ==, 1);
    return srv;
}

static void
stream_teardown(VmmRpcServer *srv, Client *c, int sv[2], char *dir)
{
    g_autofree char *path = g_build_filename(dir, "sock", NULL);

    close(c->fd);
    close(sv[1]);
    vmm_rpc_server_free(srv);
    g_byte_array_unref(c->out);
    g_byte_array_unref(c->in);
    g_unlink(path);
    g_rmdir(dir);
    g_free(dir);
}

static void
test_upload_flow_control(void)
{
    Client c = { 0 };
    char *dir = NULL;
    int sv[2];
    VmmRpcServer *srv = stream_setup(&c, sv, &dir);
    VmmRpcHeader hdr;
    gint64 deadline;
    gsize got = 0;

    /* The sink takes nothing: the server must stop reading the client. */
    for (guint r = 0; r < STALL_ROUNDS; r++) {
        client_push(&c, TOTAL);
        run_loop();
    }
    g_test_message("with the sink stalled, the client got %" G_GSIZE_FORMAT
                   " bytes of data out", c.data_queued - c.out->len);
    g_assert_cmpuint(c.data_queued, <, STALLED_MAX);
    g_assert_false(client_recv(&c, &hdr));     /* no STREAM ERROR */
    g_assert_false(sink.aborted);

    /* Now the sink drains; the client sends the rest, then finishes while
     * the server may still hold data for the sink: the OK must wait for
     * it. */
    deadline = g_get_monotonic_time() + 60 * G_USEC_PER_SEC;
    while (c.data_queued < TOTAL || c.out->len) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        client_push(&c, TOTAL);
        run_loop();
        got = sink_drain(sv[1], got);
        g_assert_false(client_recv(&c, &hdr));
    }
    client_queue(&c, VMM_RPC_STREAM, VMM_RPC_OK, NULL, 0);
    while (!client_recv(&c, &hdr)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        client_push(&c, TOTAL);
        run_loop();
        got = sink_drain(sv[1], got);
    }
    got = sink_drain(sv[1], got);
    g_assert_cmpint(hdr.type, ==, VMM_RPC_STREAM);
    g_assert_cmpint(hdr.status, ==, VMM_RPC_OK);
    g_assert_true(sink.finished);
    g_assert_cmpuint(sink.written_at_finish, ==, TOTAL);
    g_assert_cmpuint(got, ==, TOTAL);
    g_assert_cmpuint(vmm_rpc_server_stream_count(), ==, 0);
    stream_teardown(srv, &c, sv, dir);
}

/* Data after the client's own finish, while the sink still holds what came
 * before: a stream error and an abort, never bytes written into the upload
 * after its finish (nor, once the sink drains, a stream used after the
 * finish freed it). */
static void
test_data_after_finish(void)
{
    Client c = { 0 };
    char *dir = NULL;
    int sv[2];
    VmmRpcServer *srv = stream_setup(&c, sv, &dir);
    VmmRpcHeader hdr;
    gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    guint8 one = 1;

    /* Fill the sink: the server keeps the rest queued. */
    for (guint r = 0; r < 20; r++) {
        client_push(&c, 200 * 1024);
        run_loop();
    }
    g_assert_cmpuint(c.out->len, ==, 0);
    client_queue(&c, VMM_RPC_STREAM, VMM_RPC_OK, NULL, 0);
    client_queue(&c, VMM_RPC_STREAM, VMM_RPC_CONTINUE, &one, 1);
    while (!client_recv(&c, &hdr)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        client_push(&c, 200 * 1024);
        run_loop();
        sink_drain(sv[1], 0);
    }
    g_assert_cmpint(hdr.type, ==, VMM_RPC_STREAM);
    g_assert_cmpint(hdr.status, ==, VMM_RPC_ERROR);
    g_assert_true(sink.aborted);
    g_assert_false(sink.finished);
    g_assert_cmpuint(vmm_rpc_server_stream_count(), ==, 0);
    stream_teardown(srv, &c, sv, dir);
}

/* A sink that takes nothing at all: the hold on the client's input is
 * bounded, the stream fails with a clear error and the client is read
 * again (its keepalive replies and abort would otherwise wait for ever). */
static void
test_hold_idle(void)
{
    Client c = { 0 };
    char *dir = NULL;
    int sv[2];
    VmmRpcServer *srv;
    VmmRpcHeader hdr;
    gint64 deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    struct pollfd p;

    vmm_rpc_server_stream_set_hold_idle(200);
    srv = stream_setup(&c, sv, &dir);
    while (!client_recv(&c, &hdr)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        client_push(&c, TOTAL);
        run_loop();
        p = (struct pollfd){ .fd = c.fd, .events = POLLIN };
        poll(&p, 1, 10);
    }
    g_assert_cmpint(hdr.type, ==, VMM_RPC_STREAM);
    g_assert_cmpint(hdr.status, ==, VMM_RPC_ERROR);
    g_assert_true(sink.aborted);
    g_assert_cmpuint(vmm_rpc_server_stream_count(), ==, 0);
    vmm_rpc_server_stream_set_hold_idle(0);
    stream_teardown(srv, &c, sv, dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/rpc/stream/upload-flow-control", test_upload_flow_control);
    g_test_add_func("/rpc/stream/data-after-finish", test_data_after_finish);
    g_test_add_func("/rpc/stream/hold-idle", test_hold_idle);
    return g_test_run();
}
