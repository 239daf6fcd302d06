/*
 * replay_responder.c: the fastest any server could answer one client
 * session, for the "zero-work responder" row of run-daemon-bench.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: replay_responder record REPLIES UPSTREAM_SOCK LISTEN_SOCK
 *        replay_responder replay REPLIES LISTEN_SOCK
 *
 * record: accepts one client on LISTEN_SOCK, relays its session to the
 * daemon at UPSTREAM_SOCK and back, saves the daemon's REPLY packets (in
 * order, whole, as received) to REPLIES and exits when the client hangs up.
 *
 * replay: serves clients on LISTEN_SOCK one after the other; the Nth call
 * of a session gets the Nth recorded reply with the call's serial copied
 * in, and a keepalive PING gets a PONG.  Nothing is decoded beyond the
 * header and no reply is built at run time, so a client's time against it
 * is its own plus the socket's.  A call whose procedure differs from the
 * recorded reply's ends the session (the client then fails loudly).
 *
 * Both print "ready" on stdout once LISTEN_SOCK accepts connections.
 */
#include "rpc/rpc_packet.h"
#include "util/vmm_error.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* Calls in the sessions we replay are small; a bigger one is refused. */
#define CALL_MAX 65536

typedef struct {
    gsize offset;   /* into the replies file */
    guint32 len;
    gint32 proc;
} Reply;

static int
unix_socket(const char *path, gboolean listening, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (strlen(path) >= sizeof(addr.sun_path)) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, "socket path '%s' is too long", path);
        return -1;
    }
    strcpy(addr.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        vmm_error_set_errno(error, errno, "cannot create a socket");
        return -1;
    }
    if (listening) {
        unlink(path);
        if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 16) < 0) {
            vmm_error_set_errno(error, errno, "cannot listen on '%s'", path);
            close(fd);
            return -1;
        }
    } else if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        vmm_error_set_errno(error, errno, "cannot connect to '%s'", path);
        close(fd);
        return -1;
    }
    return fd;
}

/* A blocking UNIX stream socket takes the whole buffer in one write unless
 * a signal interrupts it, and we catch none: a short write is a failure. */
static gboolean
write_whole(int fd, const guint8 *buf, gsize len)
{
    return write(fd, buf, len) == (ssize_t)len;
}

/*
 * The length of the whole packet at the start of @buf (@have bytes), 0
 * when it is not all there yet, -1 (with @error set) when it is malformed
 * or larger than @max.  On success *@hdr holds its header.
 */
static gssize
packet_peek(const guint8 *buf, gsize have, guint32 max, VmmRpcHeader *hdr, GError **error)
{
    guint32 len;

    if (have < VMM_RPC_LEN_SIZE)
        return 0;
    if (!vmm_rpc_length_decode(buf, &len, error))
        return -1;
    if (len > max) {
        vmm_error_set(error, VMM_ERR_RPC, "packet of %u bytes is larger than %u", len, max);
        return -1;
    }
    if (have < len)
        return 0;
    if (!vmm_rpc_header_decode(buf + VMM_RPC_LEN_SIZE, len - VMM_RPC_LEN_SIZE, hdr, error))
        return -1;
    return len;
}

/*
 * Relay one session between @client and @upstream until either hangs up,
 * appending each REMOTE-program REPLY from @upstream to @out.
 */
static gboolean
record_session(int client, int upstream, GByteArray *out, GError **error)
{
    struct pollfd fds[2] = { { .fd = client, .events = POLLIN },
                             { .fd = upstream, .events = POLLIN } };
    g_autoptr(GByteArray) in = g_byte_array_new();   /* upstream's, unparsed */
    guint8 buf[65536];

    for (;;) {
        VmmRpcHeader hdr;
        gssize len;
        ssize_t n;

        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            vmm_error_set_errno(error, errno, "poll failed");
            return FALSE;
        }
        if (fds[0].revents) {
            n = read(client, buf, sizeof(buf));
            if (n <= 0)
                return TRUE;    /* the client is done */
            if (!write_whole(upstream, buf, n)) {
                vmm_error_set_errno(error, errno, "cannot write to the daemon");
                return FALSE;
            }
        }
        if (!fds[1].revents)
            continue;
        n = read(upstream, buf, sizeof(buf));
        if (n <= 0)
            return TRUE;
        if (!write_whole(client, buf, n)) {
            vmm_error_set_errno(error, errno, "cannot write to the client");
            return FALSE;
        }
        g_byte_array_append(in, buf, n);
        while ((len = packet_peek(in->data, in->len, G_MAXUINT32, &hdr, error)) > 0) {
            if (hdr.prog == REMOTE_PROGRAM && hdr.type == VMM_RPC_REPLY)
                g_byte_array_append(out, in->data, len);
            g_byte_array_remove_range(in, 0, len);
        }
        if (len < 0)
            return FALSE;
    }
}

static gboolean
record(const char *file, const char *upstream_path, const char *listen_path, GError **error)
{
    g_autoptr(GByteArray) out = g_byte_array_new();
    int lfd, client = -1, upstream = -1;
    gboolean ok = FALSE;

    if ((lfd = unix_socket(listen_path, TRUE, error)) < 0)
        return FALSE;
    printf("ready\n");
    fflush(stdout);
    client = accept(lfd, NULL, NULL);
    if (client < 0) {
        vmm_error_set_errno(error, errno, "accept failed");
        goto out;
    }
    if ((upstream = unix_socket(upstream_path, FALSE, error)) < 0)
        goto out;
    ok = record_session(client, upstream, out, error) &&
         g_file_set_contents(file, (const char *)out->data, out->len, error);

 out:
    if (upstream >= 0)
        close(upstream);
    if (client >= 0)
        close(client);
    close(lfd);
    return ok;
}

/* Index the packets of the replies file @data (@size bytes). */
static GArray *
replies_index(const guint8 *data, gsize size, GError **error)
{
    g_autoptr(GArray) replies = g_array_new(FALSE, FALSE, sizeof(Reply));
    gsize off = 0;

    while (off < size) {
        VmmRpcHeader hdr;
        gssize len = packet_peek(data + off, size - off, G_MAXUINT32, &hdr, error);
        Reply r;

        if (len < 0)
            return NULL;
        if (len == 0) {
            vmm_error_set(error, VMM_ERR_PARSE_FAILED, "truncated packet at offset %zu", off);
            return NULL;
        }
        r = (Reply){ .offset = off, .len = len, .proc = hdr.proc };
        g_array_append_val(replies, r);
        off += len;
    }
    return g_steal_pointer(&replies);
}

/*
 * Answer one session on @fd from @data/@replies: one read for however
 * many calls arrived, one write per answer.  Returns when the client hangs
 * up or strays from the recording (said on stderr).
 */
static void
replay_session(int fd, guint8 *data, const GArray *replies)
{
    const VmmRpcHeader pong_hdr = {
        .prog = KEEPALIVE_PROGRAM, .vers = KEEPALIVE_PROTOCOL_VERSION,
        .proc = KEEPALIVE_PROC_PONG, .type = VMM_RPC_MESSAGE, .status = VMM_RPC_OK,
    };
    g_autoptr(GBytes) pong = vmm_rpc_packet_encode(&pong_hdr, NULL, NULL, NULL);
    guint8 buf[CALL_MAX];
    gsize have = 0;
    guint next = 0;
    guint32 serial;

    for (;;) {
        g_autoptr(GError) err = NULL;
        VmmRpcHeader hdr;
        gssize len;
        gsize off = 0;
        ssize_t n = read(fd, buf + have, sizeof(buf) - have);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        have += n;
        while ((len = packet_peek(buf + off, have - off, sizeof(buf), &hdr, &err)) > 0) {
            off += len;
            if (hdr.prog == KEEPALIVE_PROGRAM) {
                if (hdr.proc == KEEPALIVE_PROC_PING &&
                    !write_whole(fd, g_bytes_get_data(pong, NULL), g_bytes_get_size(pong)))
                    return;
                continue;
            }
            if (next >= replies->len) {
                fprintf(stderr, "replay_responder: call %u (proc %d) is past the recording\n",
                        next, hdr.proc);
                return;
            }
            const Reply *r = &g_array_index(replies, Reply, next);
            if (r->proc != hdr.proc) {
                fprintf(stderr, "replay_responder: call %u is proc %d, recorded reply is "
                        "proc %d\n", next, hdr.proc, r->proc);
                return;
            }
            /* The serial is the header's fifth word. */
            serial = GUINT32_TO_BE(hdr.serial);
            memcpy(data + r->offset + VMM_RPC_LEN_SIZE + 16, &serial, sizeof(serial));
            if (!write_whole(fd, data + r->offset, r->len))
                return;
            next++;
        }
        if (len < 0) {
            fprintf(stderr, "replay_responder: %s\n", err->message);
            return;
        }
        memmove(buf, buf + off, have - off);
        have -= off;
    }
}

static gboolean
replay(const char *file, const char *listen_path, GError **error)
{
    g_autofree guint8 *data = NULL;
    g_autoptr(GArray) replies = NULL;
    gsize size;
    int lfd;

    if (!g_file_get_contents(file, (char **)&data, &size, error))
        return FALSE;
    if (!(replies = replies_index(data, size, error)))
        return FALSE;
    if ((lfd = unix_socket(listen_path, TRUE, error)) < 0)
        return FALSE;
    printf("ready\n");
    fflush(stdout);
    /* One client at a time, blocking I/O: the benchmark runs one client
     * at a time, and this is the fewest system calls per call. */
    for (;;) {
        int fd = accept(lfd, NULL, NULL);

        if (fd < 0) {
            if (errno == EINTR)
                continue;
            vmm_error_set_errno(error, errno, "accept failed");
            close(lfd);
            return FALSE;
        }
        replay_session(fd, data, replies);
        close(fd);
    }
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    gboolean ok;

    /* A client that goes away mid-write ends its session, not us. */
    signal(SIGPIPE, SIG_IGN);
    if (argc == 5 && strcmp(argv[1], "record") == 0) {
        ok = record(argv[2], argv[3], argv[4], &err);
    } else if (argc == 4 && strcmp(argv[1], "replay") == 0) {
        ok = replay(argv[2], argv[3], &err);
    } else {
        fprintf(stderr, "usage: %s record REPLIES UPSTREAM_SOCK LISTEN_SOCK\n"
                "       %s replay REPLIES LISTEN_SOCK\n", argv[0], argv[0]);
        return 2;
    }
    if (!ok) {
        fprintf(stderr, "replay_responder: %s\n", err->message);
        return 1;
    }
    return 0;
}
