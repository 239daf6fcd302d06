/*
 * stdio_proxy.c: `vmmd --stdio-proxy [SOCKET]`, the far end of +ssh URIs.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A plain poll() loop: two directions, one buffer each.  When the client
 * side (stdin) ends, the socket's write side is shut down so vmmd sees EOF
 * while its last replies still flow back; when vmmd closes, we are done.
 */
#include "remote/stdio_proxy.h"
#include "remote/remote_uri.h"
#include "rpc/rpc_client.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROXY_BUFFER 65536

typedef struct {
    int from;
    int to;
    char buf[PROXY_BUFFER];
    size_t len;           /* bytes waiting in buf */
    gboolean eof;         /* `from` ended */
} ProxyPipe;

/* pipe_read() fills the (empty) buffer from `from`, noting EOF;
 * pipe_write() empties it into `to`.  Both return -1 with errno set. */
static int
pipe_read(ProxyPipe *p)
{
    ssize_t n;

    do {
        n = read(p->from, p->buf, sizeof(p->buf));
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return -1;
    if (n == 0)
        p->eof = TRUE;
    p->len = n;
    return 0;
}

static int
pipe_write(ProxyPipe *p)
{
    size_t off = 0;

    while (off < p->len) {
        ssize_t n = write(p->to, p->buf + off, p->len - off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        off += n;
    }
    p->len = 0;
    return 0;
}

int
vmm_stdio_proxy_relay(int in, int out, const char *socket_path)
{
    g_autoptr(GError) error = NULL;
    g_autofree ProxyPipe *up = g_new0(ProxyPipe, 1);     /* client -> vmmd */
    g_autofree ProxyPipe *down = g_new0(ProxyPipe, 1);   /* vmmd -> client */
    int sock;
    int ret = 1;

    if (!socket_path)
        socket_path = REMOTE_SYSTEM_SOCKET;
    sock = rpc_client_connect_unix(socket_path, &error);
    if (sock < 0) {
        fprintf(stderr, "vmmd --stdio-proxy: %s\n", error->message);
        return 1;
    }
    up->from = in;
    up->to = sock;
    down->from = sock;
    down->to = out;

    while (!down->eof) {
        struct pollfd fds[2] = {
            { .fd = up->eof ? -1 : in, .events = POLLIN },
            { .fd = sock, .events = POLLIN },
        };

        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            goto fail;
        }
        if (fds[0].revents) {
            if (pipe_read(up) < 0 || pipe_write(up) < 0)
                goto fail;
            /* The client is done sending; let vmmd see EOF but keep
             * reading its answers. */
            if (up->eof)
                shutdown(sock, SHUT_WR);
        }
        if (fds[1].revents) {
            if (pipe_read(down) < 0 || pipe_write(down) < 0)
                goto fail;
        }
    }
    ret = 0;
    goto out;

 fail:
    /* EPIPE/ECONNRESET: one side vanished; that ends the session too. */
    if (errno == EPIPE || errno == ECONNRESET) {
        ret = 0;
    } else {
        fprintf(stderr, "vmmd --stdio-proxy: relaying to %s: %s\n",
                socket_path, g_strerror(errno));
    }
 out:
    close(sock);
    return ret;
}

int
vmm_stdio_proxy_run(const char *socket_path)
{
    /* A vanished reader must show up as EPIPE, not kill the proxy midway. */
    signal(SIGPIPE, SIG_IGN);
    return vmm_stdio_proxy_relay(STDIN_FILENO, STDOUT_FILENO, socket_path);
}
