/*
 * nstest.h: plumbing shared by the tests that run inside a private network
 * namespace (netlink_test.c, network_driver_test.c): their children, host
 * commands, veth pairs and clients in further namespaces.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* Move the test process into a network namespace of its own, with lo up,
 * and install @on_abort for SIGABRT and SIGTRAP.  Call it before any
 * thread exists, so all of them (and every child) share the namespace.
 * FALSE, with the reason given as a test message, when not root or
 * without namespace support: the test then exits 77 (skipped). */
gboolean ns_enter(void (*on_abort)(int sig));

/* Remember @pid as a child to kill if an assertion aborts the test. */
void children_add(GPid pid);

/* SIGTERM @pid (<= 0: nothing), reap it and forget it. */
void child_stop(GPid pid);

/* SIGKILL every remembered child; for the tests' abort handlers. */
void children_kill(void);

/* Run argv (test scaffolding: `ip`, checks) and return its stdout; a
 * failure ends the test. */
char *run(const char *const *argv);

#define RUN(...) run((const char *const[]){ __VA_ARGS__, NULL })

void assert_contains(const char *haystack, const char *needle);
void assert_lacks(const char *haystack, const char *needle);

/* Read all of @fd until the child @pid exits (it is reaped and forgotten)
 * or @ms pass (the test fails). */
char *read_child(GPid pid, int fd, int ms);

/*
 * Start `busybox sh -c @sh` in a new network namespace (`unshare -n`) with
 * stdout piped to *@out_fd, and move @links into it: the script first waits
 * for them to arrive and brings them and lo up.
 */
GPid ns_spawn(const char *sh, const char *const *links, int *out_fd);

/* A veth pair @name / @name"c" (@mac on the latter, NULL: random), @name
 * on @bridge (NULL: none) and up; returns the far end's name. */
char *veth_add(const char *name, const char *mac, const char *bridge);

/* Wait for the veth pair @name to go with its far end's namespace (the
 * kernel cleans it up a little after the last process left); delete the
 * pair only if it stays. */
void veth_gone(const char *name);

/*
 * A DHCP client in its own namespace: a veth pair @peer with @mac on the
 * client end, the other end on @bridge; udhcpc runs in `unshare -n` with
 * its script written to @dir.  Returns udhcpc's output ("BOUND IFACE IP
 * MASK" from its script).
 */
char *dhcp_client(const char *dir, const char *bridge, const char *peer, const char *mac);
