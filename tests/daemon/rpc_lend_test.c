/*
 * rpc_lend_test.c: calls blocked on one object lend their worker's place
 * (src/rpc/rpc_server.c with src/util/vmm_blocking.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One worker only.  Three calls block inside a vmm_blocking_enter()
 * section until the test releases them; a fourth, quick call must still
 * be answered meanwhile.  Without lending it would wait for ever behind
 * them: the test's deadline, not a timing threshold, would fail it.
 */
#include "rpc/rpc_server.h"
#include "util/vmm_blocking.h"

#include <glib/gstdio.h>

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define PROC_BLOCK 1
#define PROC_QUICK 2
#define NBLOCK 3

static GMutex gate_lock;
static GCond gate_cond;
static gboolean gate_open;
static guint blocked;

static GBytes *
dispatch(VmmRpcClient *client, const VmmRpcHeader *hdr, const guint8 *payload, gsize size,
         gpointer opaque)
{
    VmmRpcHeader rh = *hdr;

    if (hdr->proc == PROC_BLOCK) {
        vmm_blocking_enter();
        g_mutex_lock(&gate_lock);
        blocked++;
        while (!gate_open)
            g_cond_wait(&gate_cond, &gate_lock);
        blocked--;
        g_mutex_unlock(&gate_lock);
        vmm_blocking_leave();
    }
    rh.type = VMM_RPC_REPLY;
    rh.status = VMM_RPC_OK;
    return vmm_rpc_packet_encode(&rh, NULL, NULL, NULL);
}

static void
send_call(int fd, int proc, guint serial)
{
    VmmRpcHeader call = {
        .prog = REMOTE_PROGRAM, .vers = REMOTE_PROTOCOL_VERSION, .proc = proc,
        .type = VMM_RPC_CALL, .serial = serial, .status = VMM_RPC_OK,
    };
    g_autoptr(GBytes) pkt = vmm_rpc_packet_encode(&call, NULL, NULL, NULL);

    g_assert_cmpint(write(fd, g_bytes_get_data(pkt, NULL), g_bytes_get_size(pkt)), ==,
                    (gssize)g_bytes_get_size(pkt));
}

/* The next reply's header, running the server's loop meanwhile; fails
 * the test at @deadline. */
static VmmRpcHeader
recv_reply(int fd, GByteArray *in, gint64 deadline)
{
    VmmRpcHeader hdr;

    for (;;) {
        guint8 buf[4096];
        struct pollfd p = { .fd = fd, .events = POLLIN };
        guint32 len;
        gssize n;

        while ((n = read(fd, buf, sizeof(buf))) > 0)
            g_byte_array_append(in, buf, n);
        if (in->len >= 4) {
            g_assert_true(vmm_rpc_length_decode(in->data, &len, NULL));
            if (in->len >= len) {
                g_assert_true(vmm_rpc_header_decode(in->data + 4, len - 4, &hdr, NULL));
                g_byte_array_remove_range(in, 0, len);
                return hdr;
            }
        }
        if (g_get_monotonic_time() >= deadline)
            g_error("no reply before the deadline (%u calls blocked)", blocked);
        while (g_main_context_iteration(NULL, FALSE))
            ;
        poll(&p, 1, 10);
    }
}

static void
test_lend(void)
{
    VmmRpcServerConfig cfg = { .max_clients = 4, .max_workers = 1, .max_client_requests = 16 };
    VmmRpcServerCallbacks cb = { .dispatch = dispatch };
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp("vmm-rpc-lend-XXXXXX", &error);
    g_autofree char *path = g_build_filename(dir, "sock", NULL);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autoptr(GByteArray) in = g_byte_array_new();
    VmmRpcServer *srv = vmm_rpc_server_new(&cfg, &cb, NULL);
    gint64 deadline = g_get_monotonic_time() + 30 * G_USEC_PER_SEC;
    VmmRpcHeader hdr;
    int fd;

    g_assert_no_error(error);
    g_assert_true(vmm_rpc_server_add_unix(srv, path, 0600, FALSE, &error));
    g_assert_no_error(error);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    g_assert_cmpint(connect(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);

    for (guint i = 1; i <= NBLOCK; i++)
        send_call(fd, PROC_BLOCK, i);
    /* Every blocked call has lent its place: each got a thread. */
    for (;;) {
        guint n;

        g_mutex_lock(&gate_lock);
        n = blocked;
        g_mutex_unlock(&gate_lock);
        if (n == NBLOCK && vmm_rpc_server_get_lent(srv) == NBLOCK)
            break;
        if (g_get_monotonic_time() >= deadline)
            g_error("%u of %u calls blocked, %u places lent", n, NBLOCK,
                    vmm_rpc_server_get_lent(srv));
        while (g_main_context_iteration(NULL, FALSE))
            ;
        g_usleep(1000);
    }

    /* The quick call is answered while the others still wait. */
    send_call(fd, PROC_QUICK, 100);
    hdr = recv_reply(fd, in, deadline);
    g_assert_cmpuint(hdr.serial, ==, 100);
    g_assert_cmpuint(blocked, ==, NBLOCK);

    g_mutex_lock(&gate_lock);
    gate_open = TRUE;
    g_cond_broadcast(&gate_cond);
    g_mutex_unlock(&gate_lock);
    for (guint i = 0; i < NBLOCK; i++) {
        hdr = recv_reply(fd, in, deadline);
        g_assert_cmpuint(hdr.serial, >=, 1);
        g_assert_cmpuint(hdr.serial, <=, NBLOCK);
    }
    /* Every place was taken back. */
    while (vmm_rpc_server_get_lent(srv) != 0) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_usleep(1000);
    }

    close(fd);
    vmm_rpc_server_free(srv);
    g_unlink(path);
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/rpc/server/lend-blocked-workers", test_lend);
    return g_test_run();
}
