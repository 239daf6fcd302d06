/*
 * rpc_client_test.c: tests for src/rpc/rpc_client.c against a scripted peer.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The client gets one end of a socketpair; the test thread plays vmmd on
 * the other end with blocking reads and writes, while the call under test
 * runs on a helper thread.  This pins what the client does with replies
 * out of order, errors, keepalive, events and malformed input.
 */
#include "rpc/rpc_client.h"
#include "rpc/rpc_packet.h"
#include "rpc_test_peer.h"
#include "util/vmm_error.h"

#include <glib/gstdio.h>

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef struct {
    RpcClient *client;
    int peer;                  /* the fake server's end */
    GAsyncQueue *events;       /* proc numbers seen by the event callback */
    GAsyncQueue *closes;       /* close reasons (char *) */
    gboolean call_from_event;  /* the event callback makes a call */
    gboolean free_from_event;  /* the event callback frees the client */
} Fixture;

static void
on_event(RpcClient *client, int proc, const char *payload, gsize len, gpointer opaque)
{
    Fixture *fx = opaque;
    remote_domain_event_callback_lifecycle_msg msg = { 0 };

    if (proc == REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE &&
        vmm_rpc_payload_decode((const guint8 *)payload, len,
                               (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg,
                               &msg, NULL)) {
        g_async_queue_push(fx->events, g_strdup_printf("%d %s %d/%d", msg.callbackID,
                                                       msg.msg.dom.name, msg.msg.event,
                                                       msg.msg.detail));
        vmm_rpc_payload_free((xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &msg);
        return;
    }
    if (fx->free_from_event) {
        rpc_client_free(client);
        fx->client = NULL;
        g_async_queue_push(fx->events, g_strdup("freed"));
        return;
    }
    if (fx->call_from_event) {
        remote_connect_get_hostname_ret ret = { 0 };
        g_autoptr(GError) error = NULL;

        /* Served while the event thread waits: the I/O thread is free. */
        if (rpc_client_call(client, REMOTE_PROGRAM, REMOTE_PROC_CONNECT_GET_HOSTNAME, NULL,
                            NULL, (xdrproc_t)xdr_remote_connect_get_hostname_ret, &ret,
                            &error)) {
            g_async_queue_push(fx->events, g_strdup_printf("proc %d, then %s", proc,
                                                           ret.hostname));
            xdr_free((xdrproc_t)xdr_remote_connect_get_hostname_ret, (char *)&ret);
        } else {
            g_async_queue_push(fx->events, g_strdup(error->message));
        }
        return;
    }
    g_async_queue_push(fx->events, g_strdup_printf("proc %d", proc));
}

static void
on_close(RpcClient *client, const GError *reason, gpointer opaque)
{
    Fixture *fx = opaque;

    g_async_queue_push(fx->closes, g_strdup(reason->message));
}

static void
fixture_setup(Fixture *fx, gconstpointer data)
{
    int sv[2];
    g_autoptr(GSocket) sock = NULL;
    g_autoptr(GSocketConnection) conn = NULL;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    sock = g_socket_new_from_fd(sv[0], NULL);
    conn = g_socket_connection_factory_create_connection(sock);
    fx->peer = sv[1];
    fx->events = g_async_queue_new_full(g_free);
    fx->closes = g_async_queue_new_full(g_free);
    fx->client = rpc_client_new_stream(G_IO_STREAM(conn), "test-peer");
    rpc_client_set_event_func(fx->client, on_event, fx);
    rpc_client_set_close_func(fx->client, on_close, fx);
    rpc_client_set_call_timeout(fx->client, 10000);
}

static void
fixture_teardown(Fixture *fx, gconstpointer data)
{
    rpc_client_free(fx->client);
    if (fx->peer >= 0)
        close(fx->peer);
    g_async_queue_unref(fx->events);
    g_async_queue_unref(fx->closes);
}

/* ---- the fake server's side ---- */

static GBytes *
peer_recv(Fixture *fx, VmmRpcHeader *hdr)
{
    GBytes *body = test_peer_recv(fx->peer, hdr);

    g_assert_nonnull(body);
    return body;
}

/* ---- calls on a helper thread ---- */

typedef struct {
    RpcClient *client;
    int proc;
    gboolean ok;
    GError *error;
    char *hostname;
} AsyncCall;

static gpointer
call_thread(gpointer opaque)
{
    AsyncCall *c = opaque;
    remote_connect_get_hostname_ret ret = { 0 };

    c->ok = rpc_client_call(c->client, REMOTE_PROGRAM, c->proc, NULL, NULL,
                            (xdrproc_t)xdr_remote_connect_get_hostname_ret, &ret, &c->error);
    if (c->ok) {
        c->hostname = g_strdup(ret.hostname);
        xdr_free((xdrproc_t)xdr_remote_connect_get_hostname_ret, (char *)&ret);
    }
    return c;
}

static GThread *
call_start(Fixture *fx, AsyncCall *c, int proc)
{
    memset(c, 0, sizeof(*c));
    c->client = fx->client;
    c->proc = proc;
    return g_thread_new("call", call_thread, c);
}

static void
call_clear(AsyncCall *c)
{
    g_clear_error(&c->error);
    g_clear_pointer(&c->hostname, g_free);
}

static void
reply_hostname(Fixture *fx, const VmmRpcHeader *hdr, const char *name)
{
    remote_connect_get_hostname_ret ret = { (char *)name };

    test_peer_reply(fx->peer, hdr, (xdrproc_t)xdr_remote_connect_get_hostname_ret, &ret);
}

/* ---- tests ---- */

static void
test_call_reply(Fixture *fx, gconstpointer data)
{
    AsyncCall c;
    GThread *t = call_start(fx, &c, REMOTE_PROC_CONNECT_GET_HOSTNAME);
    VmmRpcHeader hdr;
    g_autoptr(GBytes) body = peer_recv(fx, &hdr);

    g_assert_cmpuint(hdr.prog, ==, REMOTE_PROGRAM);
    g_assert_cmpuint(hdr.vers, ==, 1);
    g_assert_cmpint(hdr.proc, ==, REMOTE_PROC_CONNECT_GET_HOSTNAME);
    g_assert_cmpint(hdr.type, ==, VMM_RPC_CALL);
    g_assert_cmpuint(hdr.serial, ==, 0);     /* the first call uses serial 0, as virsh's */
    g_assert_cmpuint(g_bytes_get_size(body), ==, 0);
    reply_hostname(fx, &hdr, "node1");
    g_thread_join(t);
    g_assert_no_error(c.error);
    g_assert_true(c.ok);
    g_assert_cmpstr(c.hostname, ==, "node1");
    call_clear(&c);
}

/* Two calls in flight; the replies come back in the opposite order. */
static void
test_out_of_order(Fixture *fx, gconstpointer data)
{
    AsyncCall a, b;
    GThread *ta = call_start(fx, &a, REMOTE_PROC_CONNECT_GET_HOSTNAME);
    VmmRpcHeader ha, hb;
    g_autoptr(GBytes) ba = peer_recv(fx, &ha);
    GThread *tb = call_start(fx, &b, REMOTE_PROC_CONNECT_GET_HOSTNAME);
    g_autoptr(GBytes) bb = peer_recv(fx, &hb);

    g_assert_cmpuint(ha.serial + 1, ==, hb.serial);
    reply_hostname(fx, &hb, "second");
    g_thread_join(tb);
    reply_hostname(fx, &ha, "first");
    g_thread_join(ta);
    g_assert_cmpstr(a.hostname, ==, "first");
    g_assert_cmpstr(b.hostname, ==, "second");
    call_clear(&a);
    call_clear(&b);
}

static void
test_error_reply(Fixture *fx, gconstpointer data)
{
    AsyncCall c;
    GThread *t = call_start(fx, &c, REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME);
    VmmRpcHeader hdr;
    g_autoptr(GBytes) body = peer_recv(fx, &hdr);

    test_peer_reply_error(fx->peer, &hdr, VMM_ERR_NO_DOMAIN,
                     "Domain not found: no domain with matching name 'x'");
    g_thread_join(t);
    g_assert_false(c.ok);
    g_assert_error(c.error, VMM_ERROR, VMM_ERR_NO_DOMAIN);
    g_assert_cmpstr(c.error->message, ==, "Domain not found: no domain with matching name 'x'");
    call_clear(&c);

    /* libvirtd's "unknown procedure" means "not supported" to callers. */
    t = call_start(fx, &c, 999);
    g_clear_pointer(&body, g_bytes_unref);
    body = peer_recv(fx, &hdr);
    test_peer_reply_error(fx->peer, &hdr, VMM_ERR_RPC, "unknown procedure: 999");
    g_thread_join(t);
    g_assert_error(c.error, VMM_ERROR, VMM_ERR_NO_SUPPORT);
    call_clear(&c);
    g_assert_true(rpc_client_is_open(fx->client));
}

static void
test_pong(Fixture *fx, gconstpointer data)
{
    VmmRpcHeader ping = {
        .prog = KEEPALIVE_PROGRAM, .vers = 1, .proc = KEEPALIVE_PROC_PING,
        .type = VMM_RPC_MESSAGE, .status = VMM_RPC_OK,
    };
    g_autoptr(GBytes) pkt = vmm_rpc_packet_encode(&ping, NULL, NULL, NULL);
    VmmRpcHeader hdr;
    g_autoptr(GBytes) body = NULL;

    test_peer_send(fx->peer, pkt);
    body = peer_recv(fx, &hdr);
    g_assert_cmpuint(hdr.prog, ==, KEEPALIVE_PROGRAM);
    g_assert_cmpint(hdr.proc, ==, KEEPALIVE_PROC_PONG);
    g_assert_cmpint(hdr.type, ==, VMM_RPC_MESSAGE);
    g_assert_cmpuint(hdr.serial, ==, 0);
    g_assert_cmpuint(g_bytes_get_size(body), ==, 0);
}

/* Idle: the client pings; unanswered, it gives up and closes. */
static void
test_keepalive_timeout(Fixture *fx, gconstpointer data)
{
    g_autofree char *reason = NULL;
    g_autoptr(GError) error = NULL;
    VmmRpcHeader hdr;

    rpc_client_start_keepalive(fx->client, 1, 2);
    for (int i = 0; i < 2; i++) {
        g_autoptr(GBytes) body = peer_recv(fx, &hdr);

        g_assert_cmpuint(hdr.prog, ==, KEEPALIVE_PROGRAM);
        g_assert_cmpint(hdr.proc, ==, KEEPALIVE_PROC_PING);
    }
    reason = g_async_queue_timeout_pop(fx->closes, 10 * G_USEC_PER_SEC);
    g_assert_nonnull(reason);
    g_assert_true(g_str_has_prefix(reason, "no keepalive response from vmmd at test-peer"));
    g_assert_false(rpc_client_is_open(fx->client));
    g_assert_false(rpc_client_call(fx->client, REMOTE_PROGRAM, REMOTE_PROC_CONNECT_GET_HOSTNAME,
                                   NULL, NULL, NULL, NULL, &error));
    g_assert_error(error, VMM_ERROR, VMM_ERR_RPC);
    g_assert_cmpstr(error->message, ==, reason);
}

/* Answered pings keep the connection up. */
static void
test_keepalive_answered(Fixture *fx, gconstpointer data)
{
    VmmRpcHeader pong = {
        .prog = KEEPALIVE_PROGRAM, .vers = 1, .proc = KEEPALIVE_PROC_PONG,
        .type = VMM_RPC_MESSAGE, .status = VMM_RPC_OK,
    };
    g_autoptr(GBytes) pkt = vmm_rpc_packet_encode(&pong, NULL, NULL, NULL);

    /* Two unanswered pings close the connection, so six answered ones prove
     * the answers count, while one late answer (a loaded machine) is still
     * tolerated. */
    rpc_client_start_keepalive(fx->client, 1, 2);
    for (int i = 0; i < 6; i++) {
        VmmRpcHeader hdr;
        g_autoptr(GBytes) body = peer_recv(fx, &hdr);

        g_assert_cmpint(hdr.proc, ==, KEEPALIVE_PROC_PING);
        test_peer_send(fx->peer, pkt);
    }
    g_assert_true(rpc_client_is_open(fx->client));
}

static void
test_event(Fixture *fx, gconstpointer data)
{
    VmmRpcHeader hdr = {
        .prog = REMOTE_PROGRAM, .vers = 1, .proc = REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
        .type = VMM_RPC_MESSAGE, .serial = 1, .status = VMM_RPC_OK,
    };
    remote_domain_event_callback_lifecycle_msg msg = {
        .callbackID = 7,
        .msg = { .dom = { .name = (char *)"vm1", .id = 3 }, .event = 2, .detail = 0 },
    };
    g_autoptr(GBytes) pkt = vmm_rpc_packet_encode(
        &hdr, (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &msg, NULL);
    g_autofree char *seen = NULL;

    test_peer_send(fx->peer, pkt);
    seen = g_async_queue_timeout_pop(fx->events, 10 * G_USEC_PER_SEC);
    g_assert_cmpstr(seen, ==, "7 vm1 2/0");
    g_assert_true(rpc_client_is_open(fx->client));
}

/* A CONNECT_EVENT_CONNECTION_CLOSED message from the server. */
static GBytes *
connection_closed_event(void)
{
    VmmRpcHeader ev = {
        .prog = REMOTE_PROGRAM, .vers = 1, .proc = REMOTE_PROC_CONNECT_EVENT_CONNECTION_CLOSED,
        .type = VMM_RPC_MESSAGE, .serial = 1, .status = VMM_RPC_OK,
    };
    remote_connect_event_connection_closed_msg msg = { 0 };

    return vmm_rpc_packet_encode(&ev, (xdrproc_t)xdr_remote_connect_event_connection_closed_msg,
                                 &msg, NULL);
}

/* An event callback may call back into the connection. */
static void
test_call_from_event(Fixture *fx, gconstpointer data)
{
    g_autoptr(GBytes) pkt = connection_closed_event();
    g_autoptr(GBytes) body = NULL;
    g_autofree char *seen = NULL;
    VmmRpcHeader hdr;

    fx->call_from_event = TRUE;
    test_peer_send(fx->peer, pkt);
    body = peer_recv(fx, &hdr);
    g_assert_cmpint(hdr.proc, ==, REMOTE_PROC_CONNECT_GET_HOSTNAME);
    reply_hostname(fx, &hdr, "from-event");
    seen = g_async_queue_timeout_pop(fx->events, 10 * G_USEC_PER_SEC);
    g_assert_cmpstr(seen, ==, "proc 362, then from-event");
}

/* The last reference may go on the event thread (a remote connection held
 * only by the domain an event callback was handed): freeing from a callback
 * neither joins the event thread from itself nor leaks. */
static void
test_free_from_event(Fixture *fx, gconstpointer data)
{
    g_autoptr(GBytes) pkt = connection_closed_event();
    g_autofree char *seen = NULL;

    fx->free_from_event = TRUE;
    test_peer_send(fx->peer, pkt);
    seen = g_async_queue_timeout_pop(fx->events, 10 * G_USEC_PER_SEC);
    g_assert_cmpstr(seen, ==, "freed");
    g_assert_null(fx->client);
}

/* An oversize length word closes the connection and fails the pending call. */
static void
test_oversize(Fixture *fx, gconstpointer data)
{
    AsyncCall c;
    GThread *t = call_start(fx, &c, REMOTE_PROC_CONNECT_GET_HOSTNAME);
    VmmRpcHeader hdr;
    g_autoptr(GBytes) body = peer_recv(fx, &hdr);
    guint32 huge = GUINT32_TO_BE(33554432 + 5);
    g_autofree char *reason = NULL;

    g_assert_cmpint(write(fx->peer, &huge, 4), ==, 4);
    g_thread_join(t);
    g_assert_false(c.ok);
    g_assert_error(c.error, VMM_ERROR, VMM_ERR_RPC);
    g_assert_cmpstr(c.error->message, ==,
                    "malformed data from vmmd at test-peer: packet 33554433 bytes received "
                    "too large, want 33554432");
    reason = g_async_queue_timeout_pop(fx->closes, 10 * G_USEC_PER_SEC);
    g_assert_cmpstr(reason, ==, c.error->message);
    call_clear(&c);
}

/* A reply nobody asked for means the stream is out of step: close. */
static void
test_unexpected_reply(Fixture *fx, gconstpointer data)
{
    VmmRpcHeader hdr = {
        .prog = REMOTE_PROGRAM, .vers = 1, .proc = 3, .type = VMM_RPC_REPLY,
        .serial = 42, .status = VMM_RPC_OK,
    };
    g_autoptr(GBytes) pkt = vmm_rpc_packet_encode(&hdr, NULL, NULL, NULL);
    g_autofree char *reason = NULL;

    test_peer_send(fx->peer, pkt);
    reason = g_async_queue_timeout_pop(fx->closes, 10 * G_USEC_PER_SEC);
    g_assert_cmpstr(reason, ==,
                    "malformed reply from vmmd at test-peer (procedure 3, serial 42, status 0)");
}

static void
test_eof_mid_call(Fixture *fx, gconstpointer data)
{
    AsyncCall c;
    GThread *t = call_start(fx, &c, REMOTE_PROC_CONNECT_GET_HOSTNAME);
    VmmRpcHeader hdr;
    g_autoptr(GBytes) body = peer_recv(fx, &hdr);

    close(fx->peer);
    fx->peer = -1;
    g_thread_join(t);
    g_assert_error(c.error, VMM_ERROR, VMM_ERR_RPC);
    g_assert_cmpstr(c.error->message, ==, "vmmd at test-peer closed the connection");
    call_clear(&c);
}

static void
test_call_timeout(Fixture *fx, gconstpointer data)
{
    AsyncCall c;
    GThread *t;
    VmmRpcHeader hdr;
    g_autoptr(GBytes) body = NULL;

    rpc_client_set_call_timeout(fx->client, 200);
    t = call_start(fx, &c, REMOTE_PROC_CONNECT_GET_HOSTNAME);
    body = peer_recv(fx, &hdr);
    g_thread_join(t);
    g_assert_error(c.error, VMM_ERROR, VMM_ERR_OPERATION_TIMEOUT);
    g_assert_cmpstr(c.error->message, ==,
                    "Timed out during operation: no reply from vmmd at test-peer to "
                    "procedure 59 within 200 ms");
    call_clear(&c);
    /* The late reply is dropped quietly; the connection stays usable. */
    reply_hostname(fx, &hdr, "late");
    rpc_client_set_call_timeout(fx->client, 10000);
    t = call_start(fx, &c, REMOTE_PROC_CONNECT_GET_HOSTNAME);
    g_clear_pointer(&body, g_bytes_unref);
    body = peer_recv(fx, &hdr);
    reply_hostname(fx, &hdr, "on time");
    g_thread_join(t);
    g_assert_cmpstr(c.hostname, ==, "on time");
    call_clear(&c);
}

static void
test_unix_no_daemon(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("vmm-remote-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "vmmd-sock", NULL);
    g_autofree char *expect = g_strdup_printf(
        "cannot connect to vmmd at %s: No such file or directory (is vmmd running?)", path);

    g_assert_null(rpc_client_new_unix(path, &error));
    g_assert_error(error, VMM_ERROR, VMM_ERR_NO_CONNECT);
    g_assert_cmpstr(error->message, ==, expect);
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

#define ADD(path, fn) g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    ADD("/rpc-client/call-reply", test_call_reply);
    ADD("/rpc-client/out-of-order", test_out_of_order);
    ADD("/rpc-client/error-reply", test_error_reply);
    ADD("/rpc-client/pong", test_pong);
    ADD("/rpc-client/keepalive-timeout", test_keepalive_timeout);
    ADD("/rpc-client/keepalive-answered", test_keepalive_answered);
    ADD("/rpc-client/event", test_event);
    ADD("/rpc-client/call-from-event", test_call_from_event);
    ADD("/rpc-client/free-from-event", test_free_from_event);
    ADD("/rpc-client/oversize", test_oversize);
    ADD("/rpc-client/unexpected-reply", test_unexpected_reply);
    ADD("/rpc-client/eof-mid-call", test_eof_mid_call);
    ADD("/rpc-client/call-timeout", test_call_timeout);
#undef ADD
    g_test_add_func("/rpc-client/unix-no-daemon", test_unix_no_daemon);
    return g_test_run();
}
