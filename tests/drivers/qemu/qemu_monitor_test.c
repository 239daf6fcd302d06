/*
 * qemu_monitor_test.c: the QMP monitor's fd passing against a local peer
 * standing in for QEMU (vmm_qemu_monitor_send_with_fd(),
 * vmm_qemu_monitor_command_with_fd()).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <dirent.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutils.h"
#include "drivers/qemu/qemu_monitor.h"
#include "util/json.h"
#include "util/vmm_error.h"

static guint
count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    guint n = 0;

    g_assert_nonnull(d);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* A closed monitor drops the fd it was to pass. */
static void
test_closed_fd(void)
{
    int sv[2], p[2];
    g_autoptr(GError) err = NULL;
    g_autoptr(GMainContext) ctx = g_main_context_new();
    VmmQemuMonitor *mon;
    guint before;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    g_assert_cmpint(pipe(p), ==, 0);
    mon = vmm_qemu_monitor_open(sv[0], "closed", ctx, NULL, NULL);
    vmm_qemu_monitor_close(mon);
    before = count_fds();
    g_assert_null(vmm_qemu_monitor_command_with_fd(mon, "getfd", NULL, p[0], 1000, NULL,
                                                   &err));
    g_assert_nonnull(err);
    g_assert_cmpuint(count_fds(), ==, before);
    vmm_qemu_monitor_send_with_fd(mon, "getfd", NULL, p[1], 1000, NULL, NULL);
    g_assert_cmpuint(count_fds(), ==, before - 1);
    while (g_main_context_iteration(ctx, FALSE))
        ;
    vmm_qemu_monitor_unref(mon);
    close(p[0]);
    close(sv[1]);
}

/* The peer: QEMU's side of getfd.  A read returns at most one fd, with
 * the data up to the end of the write that carried it, so the fd belongs
 * to the last line that starts before that end.  getfd gets an error
 * unless it got the expected fd, any other command unless it got none. */
typedef struct {
    int fd;
    ino_t want_a, want_b;
} Peer;

static void
peer_reply(int fd, const char *line, int got_fd, const Peer *peer)
{
    g_autoptr(VmmJsonNode) msg = vmm_json_node_parse(line, -1, NULL);
    const char *cmd, *id, *name;
    g_autofree char *reply = NULL;
    struct stat st;
    gboolean ok = TRUE;

    g_assert_nonnull(msg);
    cmd = vmm_json_node_object_get_string(msg, "execute");
    id = vmm_json_node_object_get_string(msg, "id");
    if (g_strcmp0(cmd, "getfd") == 0) {
        name = vmm_json_node_object_get_string(vmm_json_node_object_get(msg, "arguments"),
                                               "fdname");
        ok = got_fd >= 0 && fstat(got_fd, &st) == 0 &&
             st.st_ino == (g_strcmp0(name, "a") == 0 ? peer->want_a : peer->want_b);
    } else {
        ok = got_fd < 0;
    }
    if (got_fd >= 0)
        close(got_fd);
    reply = ok ? g_strdup_printf("{\"return\": {}, \"id\": \"%s\"}\r\n", id)
               : g_strdup_printf("{\"error\": {\"class\": \"GenericError\", \"desc\": "
                                 "\"wrong fd for %s\"}, \"id\": \"%s\"}\r\n", cmd, id);
    g_assert_cmpint(send(fd, reply, strlen(reply), MSG_NOSIGNAL), ==, (ssize_t)strlen(reply));
}

static gpointer
peer_thread(gpointer data)
{
    Peer *peer = data;
    g_autoptr(GString) in = g_string_new(NULL);
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int) * 2);   /* fd, end */
    gsize start = 0;   /* stream offset of in->str */
    const char *greeting = "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, "
                           "\"major\": 7}, \"package\": \"\"}, \"capabilities\": []}}\r\n";

    g_assert_cmpint(send(peer->fd, greeting, strlen(greeting), MSG_NOSIGNAL), >, 0);
    for (;;) {
        char buf[65536];
        union {
            char buf[CMSG_SPACE(sizeof(int))];
            struct cmsghdr align;
        } ctl;
        struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
        struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                              .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
        ssize_t n = recvmsg(peer->fd, &msg, MSG_CMSG_CLOEXEC);
        struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
        char *nl;

        if (n <= 0)
            break;
        if (cm && cm->cmsg_type == SCM_RIGHTS) {

            int pair[2];

            memcpy(&pair[0], CMSG_DATA(cm), sizeof(int));
            pair[1] = (int)(start + in->len + n);
            g_array_append_val(fds, pair);
        }
        g_string_append_len(in, buf, n);
        while ((nl = strstr(in->str, "\r\n"))) {
            gsize len = nl - in->str;
            g_autofree char *line = g_strndup(in->str, len);
            int *head = fds->len ? &g_array_index(fds, int, 0) : NULL;
            int got = -1;

            /* Not before this line: the fd came with no line at all. */
            g_assert_true(!head || (gsize)head[1] > start);
            if (head && (gsize)head[1] <= start + len + 2) {
                got = head[0];
                g_array_remove_index(fds, 0);
            }
            peer_reply(peer->fd, line, got, peer);
            g_string_erase(in, 0, len + 2);
            start += len + 2;
        }
    }
    /* An fd that came with no command is one too many. */
    g_assert_cmpuint(fds->len, ==, 0);
    return NULL;
}

typedef struct {
    guint done;
    guint failed;
} Replies;

static void
reply_cb(VmmQemuMonitor *mon, const VmmJsonNode *ret, const GError *error, gpointer opaque)
{
    Replies *r = opaque;

    if (error) {
        g_test_message("reply error: %s", error->message);
        r->failed++;
    }
    r->done++;
}

static VmmJsonNode *
getfd_args(const char *name)
{
    VmmJsonNode *args = vmm_json_node_new_object();

    vmm_json_node_object_set_string(args, "fdname", name);
    return args;
}

/* Two fds queued behind a full socket each ride on their own command. */
static void
test_two_queued_fds(void)
{
    g_autoptr(GMainContext) ctx = g_main_context_new();
    g_autoptr(GString) big = g_string_new(NULL);
    VmmJsonNode *args = vmm_json_node_new_object();
    Replies r = { 0 };
    int sv[2], pa[2], pb[2];
    struct stat st;
    VmmQemuMonitor *mon;
    GThread *thread;
    Peer peer;

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    g_assert_cmpint(pipe(pa), ==, 0);
    g_assert_cmpint(pipe(pb), ==, 0);
    peer.fd = sv[1];
    g_assert_cmpint(fstat(pa[0], &st), ==, 0);
    peer.want_a = st.st_ino;
    g_assert_cmpint(fstat(pb[0], &st), ==, 0);
    peer.want_b = st.st_ino;

    /* Nobody reads yet: the filler leaves the socket full, so both
     * getfd commands wait in the output buffer, one right after the other. */
    mon = vmm_qemu_monitor_open(sv[0], "fds", ctx, NULL, NULL);
    while (big->len < 4 * 1024 * 1024)
        g_string_append(big, "0123456789abcdef");
    vmm_json_node_object_set_string(args, "data", big->str);
    vmm_qemu_monitor_send(mon, "fill", args, 0, reply_cb, &r);
    vmm_qemu_monitor_send_with_fd(mon, "getfd", getfd_args("a"), pa[0], 0, reply_cb, &r);
    vmm_qemu_monitor_send_with_fd(mon, "getfd", getfd_args("b"), pb[0], 0, reply_cb, &r);

    thread = g_thread_new("peer", peer_thread, &peer);
    while (r.done < 3)
        g_main_context_iteration(ctx, TRUE);
    g_assert_cmpuint(r.failed, ==, 0);
    vmm_qemu_monitor_close(mon);
    shutdown(sv[1], SHUT_RDWR);
    g_thread_join(thread);
    vmm_qemu_monitor_unref(mon);
    close(sv[1]);
    close(pa[1]);
    close(pb[1]);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu/monitor/closed-fd", test_closed_fd);
    g_test_add_func("/qemu/monitor/two-queued-fds", test_two_queued_fds);
    return g_test_run();
}
