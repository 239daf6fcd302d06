/*
 * nstest.c: plumbing shared by the network namespace tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE   /* unshare */
#include "nstest.h"
#include "util/command.h"
#include "util/netlink.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <glib-unix.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* Children to kill if an assertion aborts the test. */
static GPid children[8];

gboolean
ns_enter(void (*on_abort)(int sig))
{
    g_autoptr(GError) err = NULL;

    if (getuid() != 0) {
        g_test_message("SKIP: needs root to create network namespaces");
        return FALSE;
    }
    if (unshare(CLONE_NEWNET) < 0) {
        g_test_message("SKIP: no network namespace support: %s", g_strerror(errno));
        return FALSE;
    }
    signal(SIGABRT, on_abort);
    signal(SIGTRAP, on_abort);
    if (!vmm_netlink_link_set_up("lo", TRUE, &err))
        g_error("%s", err->message);
    return TRUE;
}

void
children_add(GPid pid)
{
    for (guint i = 0; i < G_N_ELEMENTS(children); i++) {
        if (!children[i]) {
            children[i] = pid;
            return;
        }
    }
    g_assert_not_reached();
}

static void
child_forget(GPid pid)
{
    for (guint i = 0; i < G_N_ELEMENTS(children); i++) {
        if (children[i] == pid)
            children[i] = 0;
    }
}

void
child_stop(GPid pid)
{
    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    child_forget(pid);
}

void
children_kill(void)
{
    for (guint i = 0; i < G_N_ELEMENTS(children); i++) {
        if (children[i] > 0)
            kill(children[i], SIGKILL);
    }
}

char *
run(const char *const *argv)
{
    g_autoptr(VmmCommand) cmd = vmm_command_new_argv(argv);
    g_autoptr(GError) err = NULL;
    char *out = NULL;

    if (!vmm_command_run(cmd, 20000, NULL, &out, NULL, &err))
        g_error("%s", err->message);
    return out;
}

void
assert_contains(const char *haystack, const char *needle)
{
    if (!strstr(haystack, needle))
        g_error("'%s' not found in:\n%s", needle, haystack);
}

void
assert_lacks(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle))
        g_error("'%s' unexpectedly found in:\n%s", needle, haystack);
}

char *
read_child(GPid pid, int fd, int ms)
{
    g_autoptr(GString) out = g_string_new(NULL);
    int status;

    for (; ms > 0; ms -= 50) {
        char buf[1024];
        ssize_t n;

        while ((n = read(fd, buf, sizeof(buf))) > 0)
            g_string_append_len(out, buf, n);
        if (waitpid(pid, &status, WNOHANG) == pid) {
            while ((n = read(fd, buf, sizeof(buf))) > 0)
                g_string_append_len(out, buf, n);
            child_forget(pid);
            return g_string_free(g_steal_pointer(&out), FALSE);
        }
        g_usleep(50 * 1000);
    }
    child_stop(pid);
    g_error("namespace child timed out; output so far:\n%s", out->str);
    return NULL;
}

/* Wait until the child @pid has a network namespace of its own. */
static void
wait_for_new_netns(GPid pid)
{
    g_autofree char *self = g_file_read_link("/proc/self/ns/net", NULL);
    g_autofree char *path = g_strdup_printf("/proc/%d/ns/net", pid);
    int ms;

    for (ms = 10000; ms > 0; ms -= 10) {
        g_autofree char *theirs = g_file_read_link(path, NULL);

        if (theirs && g_strcmp0(theirs, self) != 0)
            break;
        g_usleep(10 * 1000);
    }
    g_assert_cmpint(ms, >, 0);
}

GPid
ns_spawn(const char *sh, const char *const *links, int *out_fd)
{
    g_autoptr(GString) full = g_string_new("exec 2>&1; ");
    g_autoptr(VmmCommand) cmd = vmm_command_new("unshare");
    g_autoptr(GError) err = NULL;
    g_autofree char *pidstr = NULL;
    GPid pid;

    for (const char *const *l = links; *l; l++)
        g_string_append_printf(full,
                               "i=0; while ! busybox ip link show %s >/dev/null 2>&1; do "
                               "i=$((i+1)); [ $i -gt 200 ] && exit 3; busybox sleep 0.05; done; "
                               "busybox ip link set %s up; ", *l, *l);
    g_string_append_printf(full, "busybox ip link set lo up; %s", sh);
    vmm_command_add_args(cmd, "-n", "--", "busybox", "sh", "-c", full->str, NULL);
    vmm_command_set_stdout_pipe(cmd);
    vmm_command_set_stderr_fd(cmd, 2);
    g_assert_true(vmm_command_spawn(cmd, &pid, NULL, out_fd, NULL, &err));
    g_assert_no_error(err);
    children_add(pid);
    g_unix_set_fd_nonblocking(*out_fd, TRUE, NULL);
    pidstr = g_strdup_printf("%d", pid);
    /* Move the links only once unshare has made the new namespace: moved
     * earlier, they would stay in ours. */
    wait_for_new_netns(pid);
    for (const char *const *l = links; *l; l++) {
        for (int tries = 0; tries < 100; tries++) {
            g_autoptr(VmmCommand) mv = vmm_command_new("ip");
            int status = -1;

            vmm_command_add_args(mv, "link", "set", *l, "netns", pidstr, NULL);
            if (vmm_command_run(mv, 5000, &status, NULL, NULL, NULL) && status == 0)
                break;
            g_usleep(20 * 1000);
        }
    }
    return pid;
}

char *
veth_add(const char *name, const char *mac, const char *bridge)
{
    g_autofree char *far = g_strdup_printf("%sc", name);
    g_autofree char *o = NULL;
    g_autoptr(GError) err = NULL;

    if (mac)
        o = RUN("ip", "link", "add", name, "type", "veth", "peer", "name", far,
                "address", mac);
    else
        o = RUN("ip", "link", "add", name, "type", "veth", "peer", "name", far);
    if (bridge)
        g_assert_true(vmm_netlink_link_set_master(name, bridge, &err));
    g_assert_true(vmm_netlink_link_set_up(name, TRUE, &err));
    g_assert_no_error(err);
    return g_steal_pointer(&far);
}

void
veth_gone(const char *name)
{
    for (int i = 0; i < 100 && vmm_netlink_link_exists(name); i++)
        g_usleep(20 * 1000);
    if (vmm_netlink_link_exists(name))
        vmm_netlink_link_delete(name, NULL);
    g_assert_false(vmm_netlink_link_exists(name));
}

char *
dhcp_client(const char *dir, const char *bridge, const char *peer, const char *mac)
{
    g_autofree char *script = g_build_filename(dir, "udhcpc.sh", NULL);
    g_autofree char *client = veth_add(peer, mac, bridge);
    g_autofree char *sh = NULL, *out = NULL;
    const char *links[] = { client, NULL };
    GPid pid;
    int out_fd = -1;

    g_assert_true(g_file_set_contents(script,
        "#!/bin/sh\n"
        "[ \"$1\" = bound ] && echo \"BOUND $interface $ip $mask\"\n"
        "exit 0\n", -1, NULL));
    g_assert_cmpint(chmod(script, 0755), ==, 0);
    sh = g_strdup_printf("exec busybox udhcpc -i %s -f -q -n -t 10 -T 1 -s %s",
                         client, script);
    pid = ns_spawn(sh, links, &out_fd);
    out = read_child(pid, out_fd, 30000);
    close(out_fd);
    veth_gone(peer);
    return g_steal_pointer(&out);
}
