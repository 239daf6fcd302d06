/*
 * stdio_proxy.h: `vmmd --stdio-proxy [SOCKET]`, the far end of +ssh URIs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A client reaching qemu+ssh://host/system runs
 * `ssh host vmmd --stdio-proxy [SOCKET]`; this copies bytes between the
 * process's stdin/stdout and vmmd's unix socket until either side ends.
 * It never interprets the stream: authentication and access checks stay
 * with the daemon, which sees the ssh user's peer credentials.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Relay stdin/stdout <-> @socket_path (NULL: /run/vmm/vmmd-sock).
 * Returns the process exit status: 0 when either side closed cleanly, 1
 * after printing the reason (e.g. "cannot connect to vmmd at PATH: ...")
 * to stderr.
 */
int vmm_stdio_proxy_run(const char *socket_path);

/* The same between two arbitrary fds (for tests); @in/@out are not closed. */
int vmm_stdio_proxy_relay(int in, int out, const char *socket_path);

G_END_DECLS
