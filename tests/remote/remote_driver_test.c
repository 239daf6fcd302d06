/*
 * remote_driver_test.c: libvmm over the remote driver against a fake vmmd.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A thread listens on a unix socket in a temporary directory and answers
 * from a small table, recording every procedure number and the
 * CONNECT_OPEN arguments.  This pins what the client sends (handshake
 * order, the stripped URI name, the read-only flag, handles on the wire)
 * and how it maps replies and errors, independently of the real daemon
 * (tests/remote/remote_e2e_test.c covers that).
 */
#include "vmm.h"
#include "rpc/rpc_packet.h"
#include "rpc_test_peer.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const unsigned char test_uuid[16] = {
    0x66, 0x95, 0xeb, 0x01, 0xf6, 0xa4, 0x83, 0x04,
    0x79, 0xaa, 0x97, 0xf2, 0x50, 0x2e, 0x19, 0x3f,
};

typedef struct {
    char *dir;
    char *sock_path;
    int listen_fd;
    GThread *thread;
    GMutex lock;
    GString *procs;          /* "66,60,1,..." of the current connection */
    char *open_name;         /* CONNECT_OPEN's name ("(null)" for NULL) */
    guint open_flags;
} FakeDaemon;

static void
fill_dom(remote_nonnull_domain *d, const char *name, int id)
{
    d->name = (char *)name;
    memcpy(d->uuid, test_uuid, 16);
    d->id = id;
}

/* What a daemon sends to a client registered as callback 5 when "test"
 * starts, plus one for a callback id the client never got. */
static void
send_started_events(int fd)
{
    remote_domain_event_callback_lifecycle_msg msg = { .callbackID = 5 };
    VmmRpcHeader ev = {
        .prog = REMOTE_PROGRAM, .vers = 1, .type = VMM_RPC_MESSAGE, .serial = 1,
        .proc = REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, .status = VMM_RPC_OK,
    };
    g_autoptr(GBytes) pkt = NULL;

    fill_dom(&msg.msg.dom, "test", 7);
    msg.msg.event = 2;
    msg.msg.detail = 0;
    pkt = vmm_rpc_packet_encode(&ev, (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg,
                                &msg, NULL);
    test_peer_send(fd, pkt);
    msg.callbackID = 6;
    g_clear_pointer(&pkt, g_bytes_unref);
    pkt = vmm_rpc_packet_encode(&ev, (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg,
                                &msg, NULL);
    test_peer_send(fd, pkt);
}

/* Answer one call; FALSE once the client said CONNECT_CLOSE. */
static gboolean
handle_call(FakeDaemon *fd_, int fd, const VmmRpcHeader *hdr, const guint8 *body, gsize len)
{
    g_mutex_lock(&fd_->lock);
    g_string_append_printf(fd_->procs, "%s%d", fd_->procs->len ? "," : "", hdr->proc);
    g_mutex_unlock(&fd_->lock);

    switch (hdr->proc) {
    case REMOTE_PROC_AUTH_LIST: {
        remote_auth_type none = REMOTE_AUTH_NONE;
        remote_auth_list_ret ret = { { 1, &none } };

        test_peer_reply(fd, hdr, (xdrproc_t)xdr_remote_auth_list_ret, &ret);
        return TRUE;
    }
    case REMOTE_PROC_CONNECT_SUPPORTS_FEATURE: {
        remote_connect_supports_feature_args args = { 0 };
        remote_connect_supports_feature_ret ret = { 0 };

        /* Event callbacks yes, keepalive no (no pings to script). */
        g_assert_true(vmm_rpc_payload_decode(body, len,
                                             (xdrproc_t)xdr_remote_connect_supports_feature_args,
                                             &args, NULL));
        ret.supported = args.feature == REMOTE_FEATURE_REMOTE_EVENT_CALLBACK;

        test_peer_reply(fd, hdr, (xdrproc_t)xdr_remote_connect_supports_feature_ret, &ret);
        return TRUE;
    }
    case REMOTE_PROC_CONNECT_OPEN: {
        remote_connect_open_args args = { 0 };

        g_assert_true(vmm_rpc_payload_decode(body, len, (xdrproc_t)xdr_remote_connect_open_args,
                                             &args, NULL));
        g_mutex_lock(&fd_->lock);
        g_free(fd_->open_name);
        fd_->open_name = g_strdup(args.name ? *args.name : "(null)");
        fd_->open_flags = args.flags;
        g_mutex_unlock(&fd_->lock);
        vmm_rpc_payload_free((xdrproc_t)xdr_remote_connect_open_args, &args);
        test_peer_reply(fd, hdr, NULL, NULL);
        return TRUE;
    }
    case REMOTE_PROC_CONNECT_CLOSE:
        test_peer_reply(fd, hdr, NULL, NULL);
        return FALSE;
    case REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME: {
        remote_domain_lookup_by_name_args args = { 0 };
        remote_domain_lookup_by_name_ret ret;

        g_assert_true(vmm_rpc_payload_decode(body, len,
                                             (xdrproc_t)xdr_remote_domain_lookup_by_name_args,
                                             &args, NULL));
        if (g_str_equal(args.name, "test")) {
            fill_dom(&ret.dom, "test", 1);
            test_peer_reply(fd, hdr, (xdrproc_t)xdr_remote_domain_lookup_by_name_ret, &ret);
        } else {
            g_autofree char *msg = g_strdup_printf(
                "Domain not found: no domain with matching name '%s'", args.name);

            test_peer_reply_error(fd, hdr, VMM_ERR_NO_DOMAIN, msg);
        }
        vmm_rpc_payload_free((xdrproc_t)xdr_remote_domain_lookup_by_name_args, &args);
        return TRUE;
    }
    case REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS: {
        remote_domain_create_with_flags_args args = { 0 };
        remote_domain_create_with_flags_ret ret;

        g_assert_true(vmm_rpc_payload_decode(body, len,
                                             (xdrproc_t)xdr_remote_domain_create_with_flags_args,
                                             &args, NULL));
        /* The handle travels back as it was given, id included. */
        g_assert_cmpstr(args.dom.name, ==, "test");
        g_assert_cmpmem(args.dom.uuid, 16, test_uuid, 16);
        g_assert_cmpint(args.dom.id, ==, 1);
        g_assert_cmpuint(args.flags, ==, 1);
        fill_dom(&ret.dom, "test", 7);
        test_peer_reply(fd, hdr, (xdrproc_t)xdr_remote_domain_create_with_flags_ret, &ret);
        vmm_rpc_payload_free((xdrproc_t)xdr_remote_domain_create_with_flags_args, &args);
        send_started_events(fd);
        return TRUE;
    }
    case REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS: {
        remote_nonnull_domain doms[2];
        remote_connect_list_all_domains_ret ret = { { 2, doms }, 2 };

        fill_dom(&doms[0], "test", 1);
        fill_dom(&doms[1], "idle", -1);
        test_peer_reply(fd, hdr, (xdrproc_t)xdr_remote_connect_list_all_domains_ret, &ret);
        return TRUE;
    }
    case REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY: {
        remote_connect_domain_event_callback_register_any_ret ret = { 5 };

        test_peer_reply(fd, hdr,
                        (xdrproc_t)xdr_remote_connect_domain_event_callback_register_any_ret,
                        &ret);
        return TRUE;
    }
    case REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY: {
        remote_connect_domain_event_callback_deregister_any_args args = { 0 };

        g_assert_true(vmm_rpc_payload_decode(
            body, len, (xdrproc_t)xdr_remote_connect_domain_event_callback_deregister_any_args,
            &args, NULL));
        g_assert_cmpint(args.callbackID, ==, 5);
        test_peer_reply(fd, hdr, NULL, NULL);
        return TRUE;
    }
    case REMOTE_PROC_NODE_GET_INFO: {
        remote_node_get_info_ret ret = {
            .memory = 3145728, .cpus = 16, .mhz = 1400, .nodes = 2,
            .sockets = 2, .cores = 2, .threads = 2,
        };

        /* All 32 model bytes used: the client must still terminate it. */
        memset(ret.model, 'x', sizeof(ret.model));
        memcpy(ret.model, "i686", 4);
        test_peer_reply(fd, hdr, (xdrproc_t)xdr_remote_node_get_info_ret, &ret);
        return TRUE;
    }
    default: {
        g_autofree char *msg = g_strdup_printf("unknown procedure: %d", hdr->proc);

        test_peer_reply_error(fd, hdr, VMM_ERR_RPC, msg);
        return TRUE;
    }
    }
}

static gpointer
fake_daemon_thread(gpointer opaque)
{
    FakeDaemon *fd_ = opaque;
    int fd;

    while ((fd = accept(fd_->listen_fd, NULL, NULL)) >= 0) {
        gboolean more = TRUE;

        g_mutex_lock(&fd_->lock);
        g_string_truncate(fd_->procs, 0);
        g_mutex_unlock(&fd_->lock);
        while (more) {
            VmmRpcHeader hdr;
            g_autoptr(GBytes) body = test_peer_recv(fd, &hdr);
            gsize len;
            const guint8 *data;

            if (!body)
                break;
            data = g_bytes_get_data(body, &len);
            g_assert_cmpint(hdr.type, ==, VMM_RPC_CALL);
            more = handle_call(fd_, fd, &hdr, data, len);
        }
        close(fd);
    }
    return NULL;
}

static void
fake_daemon_start(FakeDaemon *fd_, gconstpointer data)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };

    fd_->dir = g_dir_make_tmp("vmm-remote-XXXXXX", NULL);
    fd_->sock_path = g_build_filename(fd_->dir, "vmmd-sock", NULL);
    g_strlcpy(addr.sun_path, fd_->sock_path, sizeof(addr.sun_path));
    fd_->listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(bind(fd_->listen_fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(fd_->listen_fd, 4), ==, 0);
    g_mutex_init(&fd_->lock);
    fd_->procs = g_string_new(NULL);
    fd_->thread = g_thread_new("fake-vmmd", fake_daemon_thread, fd_);
}

static void
fake_daemon_stop(FakeDaemon *fd_, gconstpointer data)
{
    /* shutdown() wakes the accept() so the thread ends. */
    shutdown(fd_->listen_fd, SHUT_RDWR);
    g_thread_join(fd_->thread);
    close(fd_->listen_fd);
    g_unlink(fd_->sock_path);
    g_rmdir(fd_->dir);
    g_free(fd_->sock_path);
    g_free(fd_->dir);
    g_free(fd_->open_name);
    g_string_free(fd_->procs, TRUE);
    g_mutex_clear(&fd_->lock);
}

static char *
fake_procs(FakeDaemon *fd_)
{
    char *s;

    g_mutex_lock(&fd_->lock);
    s = g_strdup(fd_->procs->str);
    g_mutex_unlock(&fd_->lock);
    return s;
}

/* The fake ends its loop at CONNECT_CLOSE: wait up to @ms for it to
 * record that call (proc 2). */
static void
wait_close_recorded(FakeDaemon *fd_, int ms)
{
    for (; ms > 0; ms -= 10) {
        g_autofree char *now = fake_procs(fd_);

        if (g_str_has_suffix(now, ",2"))
            return;
        g_usleep(10000);
    }
    g_assert_not_reached();
}

static VmmConnect *
open_fake(FakeDaemon *fd_, const char *uri_fmt, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *uri = g_strdup_printf(uri_fmt, fd_->sock_path);
    VmmConnect *conn = vmm_connect_open(uri, flags, &error);

    g_assert_no_error(error);
    g_assert_nonnull(conn);
    return conn;
}

/* ---- tests ---- */

static void
test_open_close(FakeDaemon *fd_, gconstpointer data)
{
    VmmConnect *conn = open_fake(fd_, "test+unix:///default?socket=%s&foo=bar", 0);
    g_autofree char *procs = fake_procs(fd_);
    g_autofree char *uri = vmm_connect_get_uri(conn, NULL);
    g_autofree char *expect_uri = g_strdup_printf("test+unix:///default?socket=%s&foo=bar",
                                                  fd_->sock_path);

    /* libvirt's order: AUTH_LIST, keepalive?, OPEN, event callbacks? */
    g_assert_cmpstr(procs, ==, "66,60,1,60");
    g_assert_cmpstr(fd_->open_name, ==, "test:///default?foo=bar");
    g_assert_cmpuint(fd_->open_flags, ==, 0);
    g_assert_cmpstr(uri, ==, expect_uri);
    vmm_connect_unref(conn);
    wait_close_recorded(fd_, 5000);
}

static void
test_open_readonly(FakeDaemon *fd_, gconstpointer data)
{
    g_autoptr(VmmConnect) conn = open_fake(fd_, "qemu+unix:///system?socket=%s", VMM_CONNECT_RO);
    g_autoptr(GError) error = NULL;

    g_assert_cmpstr(fd_->open_name, ==, "qemu:///system");
    g_assert_cmpuint(fd_->open_flags, ==, 1);
    g_assert_true(vmm_connect_is_readonly(conn));
    /* libvmm refuses writes on read-only connections before any call. */
    g_assert_null(vmm_domain_define_xml(conn, "<domain/>", 0, &error));
    g_assert_error(error, VMM_ERROR, VMM_ERR_OPERATION_DENIED);
}

static void
test_lookup(FakeDaemon *fd_, gconstpointer data)
{
    g_autoptr(VmmConnect) conn = open_fake(fd_, "test+unix:///default?socket=%s", 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmDomain) dom = NULL;

    g_assert_null(vmm_domain_lookup_by_name(conn, "nope", &error));
    g_assert_error(error, VMM_ERROR, VMM_ERR_NO_DOMAIN);
    g_assert_cmpstr(error->message, ==, "Domain not found: no domain with matching name 'nope'");
    g_clear_error(&error);

    dom = vmm_domain_lookup_by_name(conn, "test", &error);
    g_assert_no_error(error);
    g_assert_cmpstr(vmm_domain_get_name(dom), ==, "test");
    g_assert_cmpmem(vmm_domain_get_uuid(dom), 16, test_uuid, 16);
    g_assert_cmpint(vmm_domain_get_id(dom), ==, 1);
    g_assert_true(vmm_domain_get_connect(dom) == conn);

    /* Start sends the handle as given, with the flags; the handle stays a
     * snapshot (vmm.h), as in-process ones do. */
    g_assert_true(vmm_domain_create(dom, VMM_DOMAIN_START_PAUSED, &error));
    g_assert_no_error(error);
    g_assert_cmpint(vmm_domain_get_id(dom), ==, 1);
}

static void
test_list(FakeDaemon *fd_, gconstpointer data)
{
    g_autoptr(VmmConnect) conn = open_fake(fd_, "test+unix:///default?socket=%s", 0);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = vmm_connect_list_all_domains(conn, 0, &error);

    g_assert_no_error(error);
    g_assert_cmpuint(list->len, ==, 2);
    g_assert_cmpstr(vmm_domain_get_name(list->pdata[0]), ==, "test");
    g_assert_cmpint(vmm_domain_get_id(list->pdata[0]), ==, 1);
    g_assert_cmpstr(vmm_domain_get_name(list->pdata[1]), ==, "idle");
    g_assert_cmpint(vmm_domain_get_id(list->pdata[1]), ==, -1);
}

static void
test_node_info(FakeDaemon *fd_, gconstpointer data)
{
    g_autoptr(VmmConnect) conn = open_fake(fd_, "test+unix:///default?socket=%s", 0);
    VmmNodeInfo info;

    g_assert_true(vmm_node_get_info(conn, &info, NULL));
    g_assert_cmpuint(strlen(info.model), ==, 31);
    g_assert_true(g_str_has_prefix(info.model, "i686"));
    g_assert_cmpuint(info.memory, ==, 3145728);
    g_assert_cmpuint(info.cpus, ==, 16);
    g_assert_cmpuint(info.mhz, ==, 1400);
    g_assert_cmpuint(info.threads, ==, 2);
}

/* A procedure the server lacks reads as "not supported". */
static void
test_unsupported(FakeDaemon *fd_, gconstpointer data)
{
    g_autoptr(VmmConnect) conn = open_fake(fd_, "test+unix:///default?socket=%s", 0);
    g_autoptr(GError) error = NULL;
    g_autofree char *caps = vmm_connect_get_capabilities(conn, &error);

    g_assert_null(caps);
    g_assert_error(error, VMM_ERROR, VMM_ERR_NO_SUPPORT);
    g_assert_cmpstr(error->message, ==, "unknown procedure: 7");
}

static void
on_domain_event(VmmConnect *conn, VmmDomain *dom, int event, int detail, gpointer opaque)
{
    g_async_queue_push(opaque, g_strdup_printf("%s %d/%d id %d", vmm_domain_get_name(dom),
                                               event, detail, vmm_domain_get_id(dom)));
}

/* Registration goes to the server as 316, its messages come back to the
 * local callback (only for the id it handed out), and the last
 * deregistration sends 317 with that id. */
static void
test_events(FakeDaemon *fd_, gconstpointer data)
{
    g_autoptr(VmmConnect) conn = open_fake(fd_, "test+unix:///default?socket=%s", 0);
    g_autoptr(GAsyncQueue) queue = g_async_queue_new_full(g_free);
    g_autoptr(GError) error = NULL;
    g_autofree char *got = NULL;
    g_autofree char *procs = NULL;
    g_autoptr(VmmDomain) dom = NULL;
    int id;

    id = vmm_connect_domain_event_register(conn, on_domain_event, g_async_queue_ref(queue),
                                           (GDestroyNotify)g_async_queue_unref, &error);
    g_assert_no_error(error);
    dom = vmm_domain_lookup_by_name(conn, "test", &error);
    g_assert_true(vmm_domain_create(dom, VMM_DOMAIN_START_PAUSED, &error));
    got = g_async_queue_timeout_pop(queue, 10 * G_USEC_PER_SEC);
    g_assert_cmpstr(got, ==, "test 2/0 id 7");
    g_assert_true(vmm_connect_domain_event_deregister(conn, id, &error));
    g_assert_no_error(error);
    /* The stray event for callback 6 never reached us. */
    g_assert_null(g_async_queue_try_pop(queue));
    procs = fake_procs(fd_);
    g_assert_cmpstr(procs, ==, "66,60,1,60,316,23,196,317");
}

typedef struct {
    GAsyncQueue *got;        /* the callback's domain name */
    GAsyncQueue *go;         /* lets the callback return */
} Handoff;

static void
on_domain_event_hold(VmmConnect *conn, VmmDomain *dom, int event, int detail, gpointer opaque)
{
    Handoff *h = opaque;

    g_async_queue_push(h->got, g_strdup(vmm_domain_get_name(dom)));
    g_free(g_async_queue_timeout_pop(h->go, 30 * G_USEC_PER_SEC));
}

/* The domain handed to a callback holds a reference on the connection: when
 * the application lets go of everything else while the callback runs, the
 * connection closes on the client's event thread once the callback returns
 * (that thread must not join itself). */
static void
test_last_ref_in_event(FakeDaemon *fd_, gconstpointer data)
{
    VmmConnect *conn = open_fake(fd_, "test+unix:///default?socket=%s", 0);
    g_autoptr(GAsyncQueue) got = g_async_queue_new_full(g_free);
    g_autoptr(GAsyncQueue) go = g_async_queue_new_full(g_free);
    Handoff h = { got, go };
    g_autoptr(GError) error = NULL;
    g_autofree char *name = NULL;
    g_autofree char *procs = NULL;
    VmmDomain *dom;
    int id;

    id = vmm_connect_domain_event_register(conn, on_domain_event_hold, &h, NULL, &error);
    g_assert_no_error(error);
    dom = vmm_domain_lookup_by_name(conn, "test", &error);
    g_assert_no_error(error);
    g_assert_true(vmm_domain_create(dom, VMM_DOMAIN_START_PAUSED, &error));
    name = g_async_queue_timeout_pop(got, 30 * G_USEC_PER_SEC);
    g_assert_cmpstr(name, ==, "test");
    g_assert_true(vmm_connect_domain_event_deregister(conn, id, &error));
    g_assert_no_error(error);
    vmm_domain_unref(dom);
    vmm_connect_unref(conn);
    /* The callback's domain keeps the connection open. */
    procs = fake_procs(fd_);
    g_assert_cmpstr(procs, ==, "66,60,1,60,316,23,196,317");
    g_async_queue_push(go, g_strdup("go"));
    wait_close_recorded(fd_, 30000);
}

static void
test_no_daemon(void)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("vmm-remote-XXXXXX", NULL);
    g_autofree char *uri = g_strdup_printf("test+unix:///default?socket=%s/run/vmm/vmmd-sock",
                                           dir);
    g_autofree char *expect = g_strdup_printf(
        "cannot connect to vmmd at %s/run/vmm/vmmd-sock: No such file or directory "
        "(is vmmd running?)", dir);

    g_assert_null(vmm_connect_open(uri, 0, &error));
    g_assert_error(error, VMM_ERROR, VMM_ERR_NO_CONNECT);
    g_assert_cmpstr(error->message, ==, expect);
    g_rmdir(dir);
}

/* The example, on the default system socket. */
static void
test_no_system_daemon(void)
{
    g_autoptr(GError) error = NULL;

    if (g_file_test("/run/vmm/vmmd-sock", G_FILE_TEST_EXISTS)) {
        g_test_skip("a system vmmd socket exists on this host");
        return;
    }
    g_assert_null(vmm_connect_open("qemu:///system", 0, &error));
    g_assert_error(error, VMM_ERROR, VMM_ERR_NO_CONNECT);
    g_assert_cmpstr(error->message, ==,
                    "cannot connect to vmmd at /run/vmm/vmmd-sock: No such file or directory "
                    "(is vmmd running?)");
}

static void
test_bad_uri(void)
{
    g_autoptr(GError) error = NULL;

    g_assert_null(vmm_connect_open("test+pigeon:///default", 0, &error));
    g_assert_error(error, VMM_ERROR, VMM_ERR_INVALID_ARG);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

#define ADD(path, fn) \
    g_test_add(path, FakeDaemon, NULL, fake_daemon_start, fn, fake_daemon_stop)
    ADD("/remote-driver/open-close", test_open_close);
    ADD("/remote-driver/open-readonly", test_open_readonly);
    ADD("/remote-driver/lookup", test_lookup);
    ADD("/remote-driver/list", test_list);
    ADD("/remote-driver/node-info", test_node_info);
    ADD("/remote-driver/unsupported", test_unsupported);
    ADD("/remote-driver/events", test_events);
    ADD("/remote-driver/last-ref-in-event", test_last_ref_in_event);
#undef ADD
    g_test_add_func("/remote-driver/no-daemon", test_no_daemon);
    g_test_add_func("/remote-driver/no-system-daemon", test_no_system_daemon);
    g_test_add_func("/remote-driver/bad-uri", test_bad_uri);
    return g_test_run();
}
