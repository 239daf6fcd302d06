/*
 * qemu_agent_test.c: the guest agent client against a local socket
 * standing in for a misbehaving guest (vmm_qemu_agent_command()).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The "guest" accepts the connection and sends the same chunk over and
 * over without reading; the command must end with the agent declared
 * unresponsive, at the latest at its deadline, and never loop on.
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "testutils.h"
#include "drivers/qemu/qemu_agent.h"
#include "util/vmm_error.h"

typedef struct {
    int listen_fd;
    const char *chunk;
} Flood;

/* Accept one connection and send @chunk until the client hangs up. */
static gpointer
flood_thread(gpointer data)
{
    Flood *f = data;
    int fd = accept(f->listen_fd, NULL, NULL);
    gsize len = strlen(f->chunk);
    g_autoptr(GString) block = g_string_new(NULL);

    g_assert_cmpint(fd, >=, 0);
    while (block->len < 64 * 1024)
        g_string_append_len(block, f->chunk, len);
    while (send(fd, block->str, block->len, MSG_NOSIGNAL) > 0)
        ;
    close(fd);
    return NULL;
}

static void
run_flood(const char *chunk, int timeout_ms, const char *expect)
{
    g_autofree char *dir = g_dir_make_tmp("vmm-agent-XXXXXX", NULL);
    g_autofree char *path = g_build_filename(dir, "agent.sock", NULL);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    g_autoptr(GError) err = NULL;
    Flood f = { .chunk = chunk };
    VmmQemuAgent *agent;
    VmmJsonNode *ret;
    GThread *thread;

    g_assert_nonnull(dir);
    g_assert_cmpuint(strlen(path), <, sizeof(addr.sun_path));
    strcpy(addr.sun_path, path);
    f.listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    g_assert_cmpint(f.listen_fd, >=, 0);
    g_assert_cmpint(bind(f.listen_fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(listen(f.listen_fd, 1), ==, 0);
    thread = g_thread_new("flood", flood_thread, &f);

    agent = vmm_qemu_agent_new(path, "flooded");
    ret = vmm_qemu_agent_command(agent, "guest-ping", NULL, TRUE, timeout_ms, &err);
    g_assert_null(ret);
    g_assert_error(err, VMM_ERROR, VMM_ERR_AGENT_UNRESPONSIVE);
    g_assert_nonnull(strstr(err->message, expect));
    /* Unresponsive: the connection was dropped, so the guest side ends. */
    g_thread_join(thread);
    vmm_qemu_agent_free(agent);
    close(f.listen_fd);
    unlink(path);
    rmdir(dir);
}

/* Valid replies that are never guest-sync's echo: capped, not endless. */
static void
test_stale_replies(void)
{
    run_flood("{}\n", 60 * 1000, "guest-sync");
}

/* Lines that are no JSON object, skipped: the deadline still ends it. */
static void
test_junk_lines(void)
{
    run_flood("[]\n", 200, "within 200 ms");
}

/* One line without end: refused past its limit, the buffer dropped. */
static void
test_endless_line(void)
{
    run_flood("x", 60 * 1000, "more than");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu/agent/stale-replies", test_stale_replies);
    g_test_add_func("/qemu/agent/junk-lines", test_junk_lines);
    g_test_add_func("/qemu/agent/endless-line", test_endless_line);
    return g_test_run();
}
