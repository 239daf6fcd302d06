/*
 * rpc_stream.c: the server half of libvirt's stream protocol.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every stream is in one list under one lock (streams are few); the lock
 * also guards each stream's state.  Reading and writing the local end
 * happen on the main loop (fd sources), packets from the client arrive on
 * the main loop too; only _new/_run/_cancel come from workers.
 */
#include "rpc/rpc_stream.h"
#include "util/vmm_error.h"

#include <glib-unix.h>

/* Data per STREAM packet we send (libvirt uses 256 KiB at most). */
#define STREAM_CHUNK (256 * 1024)
/*
 * Flow control, so a stream costs a bounded amount of memory whatever the
 * speed of either end:
 * - towards the client: reading the local end pauses while more than
 *   SEND_HIGH bytes wait to be written to the client, and resumes once
 *   they are down to SEND_LOW;
 * - from the client: reading the client's socket pauses while more than
 *   SINK_HIGH bytes wait for the local end, and resumes once they are
 *   down to SINK_LOW.  STREAM_OUT_MAX only guards against a bug: with the
 *   pause, at most one packet (32 MiB at worst, 256 KiB from libvirt)
 *   lands beyond SINK_HIGH.
 */
#define STREAM_SEND_HIGH (2 * 1024 * 1024)
#define STREAM_SEND_LOW (512 * 1024)
#define STREAM_SINK_HIGH (1024 * 1024)
#define STREAM_SINK_LOW (256 * 1024)
#define STREAM_OUT_MAX (40 * 1024 * 1024)
/* While input is held nothing else from that client is read, its
 * keepalive replies and its abort included: a local end that takes no
 * data for this long fails the stream, which releases the hold. */
#define STREAM_HOLD_IDLE_MS 10000

static guint hold_idle_ms = STREAM_HOLD_IDLE_MS;

struct _VmmRpcServerStream {
    gint ref;
    VmmRpcClient *client;          /* referenced */
    VmmRpcHeader hdr;              /* the call's prog/vers/proc/serial */
    const VmmRpcStreamIO *io;
    gpointer opaque;               /* NULL once closed */
    GMainContext *ctx;
    GSource *in_src, *out_src;
    GByteArray *out;               /* from the client, not yet written */
    gboolean running;
    gboolean eof_sent;
    gboolean draining;             /* in_src paused until the client reads */
    gboolean holding;              /* holds the client's input (sink full) */
    GSource *hold_src;             /* while holding: the idle check */
    guint64 written;               /* bytes the local end took */
    guint64 written_at_check;
    gboolean finish_pending;       /* the client finished; @out still has data */
};

static GMutex streams_lock;
static GPtrArray *streams;         /* VmmRpcServerStream* (a reference each) */

static VmmRpcServerStream *
ss_ref(VmmRpcServerStream *ss)
{
    g_atomic_int_inc(&ss->ref);
    return ss;
}

static void
ss_unref(gpointer data)
{
    VmmRpcServerStream *ss = data;

    if (!g_atomic_int_dec_and_test(&ss->ref))
        return;
    vmm_rpc_client_unref(ss->client);
    if (ss->ctx)
        g_main_context_unref(ss->ctx);
    g_byte_array_unref(ss->out);
    g_free(ss);
}

static void
source_drop(GSource **src)
{
    if (*src) {
        g_source_destroy(*src);
        g_clear_pointer(src, g_source_unref);
    }
}

static void ss_hold_locked(VmmRpcServerStream *ss, gboolean on);

/* Under the lock: close the local end (abort unless finished) and forget
 * the stream. */
static void
ss_close_locked(VmmRpcServerStream *ss, gboolean abort)
{
    if (!ss->opaque)
        return;
    source_drop(&ss->in_src);
    source_drop(&ss->out_src);
    ss_hold_locked(ss, FALSE);
    if (abort && ss->io->abort)
        ss->io->abort(ss->opaque);
    ss->io->free(ss->opaque);
    ss->opaque = NULL;
    if (g_ptr_array_remove(streams, ss))
        ss_unref(ss);
}

static void
ss_send(VmmRpcServerStream *ss, int status, const void *data, gsize len)
{
    VmmRpcHeader hdr = ss->hdr;
    g_autoptr(GBytes) pkt = NULL;

    hdr.type = VMM_RPC_STREAM;
    hdr.status = status;
    if ((pkt = vmm_rpc_packet_encode_raw(&hdr, data, len, NULL)))
        vmm_rpc_client_send(ss->client, pkt);
}

static void
ss_send_error(VmmRpcServerStream *ss, const GError *err)
{
    VmmRpcHeader hdr = ss->hdr;
    g_autoptr(GBytes) pkt = NULL;

    hdr.type = VMM_RPC_STREAM;
    pkt = vmm_rpc_packet_encode_error(&hdr, err, VMM_RPC_FROM_NONE);
    vmm_rpc_client_send(ss->client, pkt);
}

static void ss_watch_out_locked(VmmRpcServerStream *ss);

/* Under the lock: the client's finish, once everything it sent is
 * written.  OK is the only time we send OK. */
static void
ss_finish_locked(VmmRpcServerStream *ss)
{
    g_autoptr(GError) err = NULL;
    gboolean ok = TRUE;

    ss->finish_pending = FALSE;
    if (ss->opaque && ss->io->finish)
        ok = ss->io->finish(ss->opaque, &err);
    if (ok)
        ss_send(ss, VMM_RPC_OK, NULL, 0);
    else
        ss_send_error(ss, err);
    ss_close_locked(ss, !ok);
}

/* Under the lock: write what the client sent; FALSE when the stream
 * failed (and was closed). */
static gboolean
ss_flush_locked(VmmRpcServerStream *ss)
{
    while (ss->opaque && ss->out->len) {
        g_autoptr(GError) err = NULL;
        gssize n = ss->io->write(ss->opaque, (const char *)ss->out->data, ss->out->len, &err);

        if (n == -2) {
            ss_watch_out_locked(ss);
            break;
        }
        if (n < 0) {
            ss_send_error(ss, err);
            ss_close_locked(ss, TRUE);
            return FALSE;
        }
        g_byte_array_remove_range(ss->out, 0, n);
        ss->written += n;
    }
    if (ss->out->len <= STREAM_SINK_LOW)
        ss_hold_locked(ss, FALSE);
    if (ss->out->len)
        return TRUE;
    source_drop(&ss->out_src);
    if (ss->finish_pending)
        ss_finish_locked(ss);
    return TRUE;
}

static gboolean
ss_out_cb(gint fd, GIOCondition cond, gpointer data)
{
    VmmRpcServerStream *ss = data;

    g_mutex_lock(&streams_lock);
    g_clear_pointer(&ss->out_src, g_source_unref);
    ss_flush_locked(ss);
    g_mutex_unlock(&streams_lock);
    return G_SOURCE_REMOVE;
}

static void
ss_watch_out_locked(VmmRpcServerStream *ss)
{
    int fd;

    if (ss->out_src || !ss->ctx || (fd = ss->io->get_fd(ss->opaque)) < 0)
        return;
    ss->out_src = g_unix_fd_source_new(fd, G_IO_OUT | G_IO_ERR | G_IO_HUP);
    g_source_set_callback(ss->out_src, (GSourceFunc)(void (*)(void))ss_out_cb, ss_ref(ss),
                          ss_unref);
    g_source_attach(ss->out_src, ss->ctx);
}

static void ss_watch_in_locked(VmmRpcServerStream *ss);

/* Main thread: a hold's idle check. */
static gboolean
ss_hold_cb(gpointer data)
{
    VmmRpcServerStream *ss = data;
    g_autoptr(GError) err = NULL;

    g_mutex_lock(&streams_lock);
    if (!ss->opaque || !ss->holding) {
        g_mutex_unlock(&streams_lock);
        return G_SOURCE_REMOVE;
    }
    if (ss->written != ss->written_at_check) {
        ss->written_at_check = ss->written;
        g_mutex_unlock(&streams_lock);
        return G_SOURCE_CONTINUE;
    }
    vmm_error_set(&err, VMM_ERR_RPC, _("the stream's local end took no data for %u ms"),
                  hold_idle_ms);
    ss_send_error(ss, err);
    ss_close_locked(ss, TRUE);
    g_mutex_unlock(&streams_lock);
    return G_SOURCE_REMOVE;
}

/* Under the lock: hold the client's input (or let it go), with the idle
 * check that bounds the hold. */
static void
ss_hold_locked(VmmRpcServerStream *ss, gboolean on)
{
    if (on == ss->holding)
        return;
    ss->holding = on;
    vmm_rpc_client_hold_input(ss->client, on);
    if (on && ss->ctx) {
        ss->written_at_check = ss->written;
        ss->hold_src = g_timeout_source_new(hold_idle_ms);
        g_source_set_callback(ss->hold_src, ss_hold_cb, ss_ref(ss), ss_unref);
        g_source_attach(ss->hold_src, ss->ctx);
    } else if (!on) {
        source_drop(&ss->hold_src);
    }
}

void
vmm_rpc_server_stream_set_hold_idle(guint ms)
{
    hold_idle_ms = ms ? ms : STREAM_HOLD_IDLE_MS;
}

/* Main thread: the client has read enough of what we sent. */
static gboolean
ss_drained_cb(gpointer data)
{
    VmmRpcServerStream *ss = data;

    g_mutex_lock(&streams_lock);
    ss->draining = FALSE;
    ss_watch_in_locked(ss);
    g_mutex_unlock(&streams_lock);
    return G_SOURCE_REMOVE;
}

static gboolean
ss_in_cb(gint fd, GIOCondition cond, gpointer data)
{
    VmmRpcServerStream *ss = data;
    g_autofree char *buf = g_malloc(STREAM_CHUNK);
    g_autoptr(GError) err = NULL;
    gboolean keep = G_SOURCE_CONTINUE;
    gssize n;

    g_mutex_lock(&streams_lock);
    if (!ss->opaque || !ss->in_src) {
        g_mutex_unlock(&streams_lock);
        return G_SOURCE_REMOVE;
    }
    n = ss->io->read(ss->opaque, buf, STREAM_CHUNK, &err);
    if (n > 0) {
        ss_send(ss, VMM_RPC_CONTINUE, buf, n);
        /* A client that reads slower than we produce: wait for it rather
         * than queue without bound. */
        if (vmm_rpc_client_get_queued(ss->client) > STREAM_SEND_HIGH) {
            ss->draining = TRUE;
            g_clear_pointer(&ss->in_src, g_source_unref);
            keep = G_SOURCE_REMOVE;
            vmm_rpc_client_when_drained(ss->client, STREAM_SEND_LOW, ss_drained_cb,
                                        ss_ref(ss), ss_unref);
        }
    } else if (n == 0) {
        /* EOF is an empty CONTINUE; the client then finishes with OK. */
        ss_send(ss, VMM_RPC_CONTINUE, NULL, 0);
        ss->eof_sent = TRUE;
        g_clear_pointer(&ss->in_src, g_source_unref);
        keep = G_SOURCE_REMOVE;
    } else if (n != -2) {
        ss_send_error(ss, err);
        g_clear_pointer(&ss->in_src, g_source_unref);
        ss_close_locked(ss, TRUE);
        keep = G_SOURCE_REMOVE;
    }
    g_mutex_unlock(&streams_lock);
    return keep;
}

VmmRpcServerStream *
vmm_rpc_server_stream_new(VmmRpcClient *client, const VmmRpcHeader *call,
                          const VmmRpcStreamIO *io, gpointer opaque)
{
    VmmRpcServerStream *ss = g_new0(VmmRpcServerStream, 1);

    ss->ref = 1;
    ss->client = vmm_rpc_client_ref(client);
    ss->hdr = *call;
    ss->io = io;
    ss->opaque = opaque;
    ss->out = g_byte_array_new();
    g_mutex_lock(&streams_lock);
    if (!streams)
        streams = g_ptr_array_new();
    g_ptr_array_add(streams, ss_ref(ss));
    g_mutex_unlock(&streams_lock);
    /* A client that vanished meanwhile has had its close handled. */
    if (vmm_rpc_client_is_closed(client)) {
        g_mutex_lock(&streams_lock);
        ss_close_locked(ss, TRUE);
        g_mutex_unlock(&streams_lock);
    }
    return ss;
}

/* Under the lock: read the local end whenever it has something. */
static void
ss_watch_in_locked(VmmRpcServerStream *ss)
{
    int fd;

    if (!ss->opaque || ss->in_src || ss->eof_sent || ss->draining ||
        (fd = ss->io->get_fd(ss->opaque)) < 0)
        return;
    ss->in_src = g_unix_fd_source_new(fd, G_IO_IN | G_IO_ERR | G_IO_HUP);
    g_source_set_callback(ss->in_src, (GSourceFunc)(void (*)(void))ss_in_cb, ss_ref(ss),
                          ss_unref);
    g_source_attach(ss->in_src, ss->ctx);
}

void
vmm_rpc_server_stream_run(VmmRpcServerStream *ss, GMainContext *ctx)
{
    g_mutex_lock(&streams_lock);
    ss->ctx = g_main_context_ref(ctx);
    ss->running = TRUE;
    ss_watch_in_locked(ss);
    if (ss->opaque && (ss->out->len || ss->finish_pending))
        ss_flush_locked(ss);
    g_mutex_unlock(&streams_lock);
    ss_unref(ss);
}

void
vmm_rpc_server_stream_cancel(VmmRpcServerStream *ss)
{
    g_mutex_lock(&streams_lock);
    ss_close_locked(ss, TRUE);
    g_mutex_unlock(&streams_lock);
    ss_unref(ss);
}

static VmmRpcServerStream *
ss_find_locked(VmmRpcClient *client, const VmmRpcHeader *hdr)
{
    for (guint i = 0; streams && i < streams->len; i++) {
        VmmRpcServerStream *ss = streams->pdata[i];

        if (ss->client == client && ss->hdr.serial == hdr->serial &&
            ss->hdr.proc == hdr->proc && ss->hdr.prog == hdr->prog)
            return ss;
    }
    return NULL;
}

void
vmm_rpc_server_stream_packet(VmmRpcClient *client, const VmmRpcHeader *hdr,
                             const guint8 *payload, gsize size, gpointer opaque)
{
    VmmRpcServerStream *ss;

    g_mutex_lock(&streams_lock);
    if (!(ss = ss_find_locked(client, hdr))) {
        g_mutex_unlock(&streams_lock);
        g_debug("client %p: stream packet for no stream (proc %d serial %u)",
                client, hdr->proc, hdr->serial);
        return;
    }
    /* Flushing may finish and close the stream, dropping the list's
     * reference: keep one of our own until the end. */
    ss_ref(ss);
    if (ss->finish_pending && hdr->status == VMM_RPC_CONTINUE && size > 0) {
        g_autoptr(GError) err = NULL;

        /* Data after the client's own finish: a protocol error. */
        vmm_error_set(&err, VMM_ERR_RPC, "%s", _("stream data after the stream's finish"));
        ss_send_error(ss, err);
        ss_close_locked(ss, TRUE);
        goto out;
    }
    switch (hdr->status) {
    case VMM_RPC_CONTINUE:
        if (size == 0)
            break;     /* the client's EOF: a console has nothing to do */
        if (ss->out->len + size > STREAM_OUT_MAX) {
            g_autoptr(GError) err = NULL;

            vmm_error_set(&err, VMM_ERR_RPC, "%s", _("stream data arrives faster than "
                                                      "it can be written"));
            ss_send_error(ss, err);
            ss_close_locked(ss, TRUE);
            break;
        }
        g_byte_array_append(ss->out, payload, size);
        if (ss->running && !ss_flush_locked(ss))
            break;
        /* The local end is slower than the client: stop reading the
         * client until it catches up (ss_flush_locked() resumes). */
        if (ss->opaque && ss->out->len > STREAM_SINK_HIGH)
            ss_hold_locked(ss, TRUE);
        break;
    case VMM_RPC_OK:
        /* Finish, once what the client sent before is written (a second
         * finish changes nothing). */
        ss->finish_pending = TRUE;
        if (ss->running)
            ss_flush_locked(ss);
        break;
    default:
        /* Abort: no answer. */
        ss_close_locked(ss, TRUE);
        break;
    }
out:
    g_mutex_unlock(&streams_lock);
    ss_unref(ss);
}

void
vmm_rpc_server_stream_client_closed(VmmRpcClient *client)
{
    g_mutex_lock(&streams_lock);
    for (guint i = streams ? streams->len : 0; i > 0; i--) {
        VmmRpcServerStream *ss = streams->pdata[i - 1];

        if (ss->client == client)
            ss_close_locked(ss, TRUE);
    }
    g_mutex_unlock(&streams_lock);
}

guint
vmm_rpc_server_stream_count(void)
{
    guint n;

    g_mutex_lock(&streams_lock);
    n = streams ? streams->len : 0;
    g_mutex_unlock(&streams_lock);
    return n;
}
