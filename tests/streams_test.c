/*
 * streams_test.c: VmmStream over its fd backend (a socketpair), and
 * consoles where a driver has none.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "streams.h"

#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static VmmStream *
pair_stream(unsigned int flags, int *peer)
{
    int sv[2];
    VmmStream *st = vmm_stream_new(NULL, flags);
    g_autoptr(GError) err = NULL;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    g_assert_true(vmm_stream_open_fd(st, sv[0], &err));
    g_assert_no_error(err);
    *peer = sv[1];
    return st;
}

static gboolean
polls_readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };

    return poll(&p, 1, 0) == 1;
}

static void
test_fd_data(void)
{
    int peer;
    g_autoptr(VmmStream) st = pair_stream(VMM_STREAM_NONBLOCK, &peer);
    g_autoptr(GError) err = NULL;
    char buf[16];
    gint64 t0;

    g_assert_cmpint(vmm_stream_recv(st, buf, sizeof(buf), &err), ==, VMM_STREAM_AGAIN);
    g_assert_false(polls_readable(vmm_stream_get_fd(st)));
    /* The deadline is kept. */
    t0 = g_get_monotonic_time();
    g_assert_cmpint(vmm_stream_recv_timeout(st, buf, sizeof(buf), 100, &err), ==,
                    VMM_STREAM_AGAIN);
    g_assert_cmpint(g_get_monotonic_time() - t0, >=, 90 * 1000);
    g_assert_no_error(err);

    g_assert_cmpint(vmm_stream_send(st, "ping", 4, &err), ==, 4);
    g_assert_cmpint(read(peer, buf, sizeof(buf)), ==, 4);
    g_assert_cmpint(write(peer, "pong", 4), ==, 4);
    g_assert_true(polls_readable(vmm_stream_get_fd(st)));
    g_assert_cmpint(vmm_stream_recv_timeout(st, buf, sizeof(buf), 1000, &err), ==, 4);
    g_assert_cmpmem(buf, 4, "pong", 4);
    /* EOF */
    close(peer);
    g_assert_cmpint(vmm_stream_recv_timeout(st, buf, sizeof(buf), 1000, &err), ==, 0);
    g_assert_true(vmm_stream_finish(st, &err));
    g_assert_no_error(err);
    g_assert_false(vmm_stream_is_open(st));
    g_assert_cmpint(vmm_stream_send(st, "x", 1, &err), ==, -1);
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
}

static void
test_fd_kill(void)
{
    int peer;
    g_autoptr(VmmStream) st = pair_stream(0, &peer);
    g_autoptr(GError) why = NULL;
    g_autoptr(GError) err = NULL;
    char buf[16];

    vmm_error_set(&why, VMM_ERR_OPERATION_FAILED, "%s", "taken over");
    vmm_stream_kill(st, why);
    g_assert_false(vmm_stream_is_open(st));
    /* Whoever polls the stream wakes up and reads the reason. */
    g_assert_true(polls_readable(vmm_stream_get_fd(st)));
    g_assert_cmpint(vmm_stream_recv(st, buf, sizeof(buf), &err), ==, -1);
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(err->message, "taken over"));
    g_clear_error(&err);
    g_assert_true(vmm_stream_abort(st, &err));
    /* The PTY (here: the socket) went with the kill. */
    g_assert_cmpint(read(peer, buf, sizeof(buf)), ==, 0);
    close(peer);
}

static void
test_console_unsupported(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmConnect) conn = vmm_connect_open("test:///default", 0, &err);
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(VmmStream) st = NULL;

    g_assert_no_error(err);
    dom = vmm_domain_lookup_by_name(conn, "test", &err);
    g_assert_no_error(err);
    st = vmm_stream_new(conn, 0);
    /* libvirt's test driver has no consoles either. */
    g_assert_false(vmm_domain_open_console(dom, NULL, st, 0, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_SUPPORT);
    g_clear_error(&err);
    g_assert_false(vmm_domain_open_console(dom, NULL, st, 4, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_INVALID_ARG);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/streams/fd/data", test_fd_data);
    g_test_add_func("/streams/fd/kill", test_fd_kill);
    g_test_add_func("/streams/console/unsupported", test_console_unsupported);
    return g_test_run();
}
