/*
 * remote_uri.h: from a client URI to "how to reach vmmd, and what to ask it".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A remote URI is DRIVER[+TRANSPORT]://[USER@][HOST][:PORT]/PATH[?QUERY].
 * The transport part and the query parameters the client consumes (socket,
 * command, no_tty, ...) are stripped; what is left is the name sent in
 * CONNECT_OPEN, exactly as libvirt's remote driver does it:
 *   test+unix:///default?socket=/x  ->  "test:///default"
 *   qemu+ssh://root@host/system     ->  "qemu:///system"
 *   remote+unix:///system           ->  ""  (the server picks)
 * `?name=` overrides the name outright.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    REMOTE_TRANSPORT_UNIX,
    REMOTE_TRANSPORT_TCP,
    REMOTE_TRANSPORT_SSH,
    REMOTE_TRANSPORT_LAST
} RemoteTransport;

/* Default socket paths of a system-mode vmmd. */
#define REMOTE_SYSTEM_SOCKET "/run/vmm/vmmd-sock"
#define REMOTE_SYSTEM_SOCKET_RO "/run/vmm/vmmd-sock-ro"
/* libvirtd's TCP port, kept so that habits carry over. */
#define REMOTE_DEFAULT_TCP_PORT 16509

typedef struct {
    RemoteTransport transport;
    char *name;          /* sent in CONNECT_OPEN; "" lets the server pick */
    /* unix: the local socket.  ssh: the socket on the far side, or NULL
     * for the proxy's default there. */
    char *socket_path;
    char *host;          /* tcp, ssh */
    int port;            /* tcp, ssh; 0 = default */
    char *user;          /* ssh */
    char *command;       /* ssh: the ssh binary ("ssh" unless ?command=) */
    gboolean no_tty;     /* ssh: ?no_tty=1, adds BatchMode */
} RemoteTarget;

/* TRUE when @uri (by its scheme) is served through vmmd rather than by an
 * in-process driver: any "X+transport" scheme, "remote", and "qemu". */
gboolean remote_uri_is_remote(const char *uri);

/*
 * Parse @uri into a new RemoteTarget.  @readonly picks the read-only socket
 * when no ?socket= is given.  Returns NULL with @error (VMM_ERR_INVALID_ARG)
 * for a malformed URI, an unknown transport or a bad parameter.
 */
RemoteTarget *remote_target_parse(const char *uri, gboolean readonly, GError **error);
void remote_target_free(RemoteTarget *target);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(RemoteTarget, remote_target_free)

/* The argv (NULL-terminated) that reaches vmmd over ssh:
 * COMMAND [-p PORT] -T -e none [-o BatchMode=yes] -- [USER@]HOST
 *         vmmd --stdio-proxy ['SOCKET']
 * (the socket path shell-quoted, since ssh joins the remote command into one
 * string for the far side's shell). */
GStrv remote_target_ssh_argv(const RemoteTarget *target);

/* Human description of where the target points, for error messages:
 * the socket path, "HOST:PORT" or "ssh HOST". */
char *remote_target_describe(const RemoteTarget *target);

G_END_DECLS
