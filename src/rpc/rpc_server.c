/*
 * rpc_server.c: listening sockets, per-client framing and write queues,
 * keepalive, and the worker pool that runs calls.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Life of a packet: the main loop reads the length word, checks it, reads
 * the body (growing the buffer as data arrives, so a large announced
 * length costs nothing until the bytes exist), decodes the header, then
 * answers keepalive itself and pushes REMOTE calls to the worker pool.
 * Workers hand replies to vmm_rpc_client_send().  When nothing is queued
 * ahead of a reply it is written at once, non-blocking, by the sending
 * thread under the client lock (a worker's reply then costs no wake-up of
 * the main loop); whatever the socket does not take is queued, and the main
 * loop, woken, writes the queue.  While the queue is not empty (the loop is
 * writing), every packet joins it, so packets never interleave or reorder.
 */
#define _GNU_SOURCE   /* struct ucred */
#include "rpc/rpc_server.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>

#include "util/vmm_blocking.h"
#include "util/vmm_error.h"

/* Connections the kernel queues before we accept them: bursts of clients
 * (a benchmark, many virsh runs) must not see EAGAIN on connect. */
#define LISTEN_BACKLOG 1024

/* Unsent bytes one client may have queued: two maximal messages. */
#define VMM_RPC_QUEUE_MAX (2 * (VMM_RPC_MESSAGE_MAX + VMM_RPC_LEN_SIZE))

/* Packets read from one client per wake-up, so a client streaming
 * keepalives (which need no worker) cannot monopolise the loop. */
#define PACKETS_PER_WAKEUP 64

typedef struct {
    VmmRpcServer *srv;
    GSocket *sock;
    GSource *src;
    char *path;          /* unix socket file to unlink on shutdown */
    gboolean readonly;
} Listener;

struct _VmmRpcServer {
    VmmRpcServerConfig cfg;
    VmmRpcServerCallbacks cb;
    gpointer opaque;
    GMainContext *ctx;
    GMainLoop *loop;
    GThreadPool *pool;
    GThreadPool *prio_pool;     /* NULL without prio_workers */
    gint busy;                  /* ordinary workers running a call (atomic) */
    GMutex lend_lock;
    gint lent;                  /* places lent by blocked calls (changed under
                                 * lend_lock, read atomically) */
    gboolean pool_closing;      /* under lend_lock: the pool is being freed */
    GPtrArray *listeners;       /* Listener*, main thread */
    GHashTable *clients;        /* VmmRpcClient* set, main thread */
    gint nclients;              /* atomic, for vmm_rpc_server_client_count() */
};

struct _VmmRpcClient {
    gint ref;
    VmmRpcServer *srv;
    GSocket *sock;
    gboolean readonly;
    gboolean has_peer;
    uid_t uid;
    gid_t gid;
    pid_t pid;
    gpointer priv;

    /* Main thread only. */
    GSource *in_src;
    GSource *out_src;
    GSource *ka_src;
    guint8 lenbuf[VMM_RPC_LEN_SIZE];
    guint8 *body;
    gsize body_cap;
    gsize got;              /* bytes of the current packet, length word included */
    guint32 want;           /* whole packet length; 0 until the length word is in */
    GQueue wq;              /* GBytes* being written */
    gsize woff;             /* offset into the head of wq */
    gint64 last_rx;
    guint ka_unanswered;
    gboolean reading;       /* in client_in_cb() */

    /* Under lock. */
    GMutex lock;
    GQueue pending;         /* GBytes* queued by any thread */
    gsize queued;           /* bytes in pending and wq */
    gboolean overflow;      /* queued would have exceeded VMM_RPC_QUEUE_MAX */
    guint inflight;
    gboolean closed;
    gboolean close_requested;
    gboolean wake_pending;
    gboolean keepalive;
    gboolean loop_writing;  /* wq is not empty: only the main loop writes */
    guint input_holds;      /* reading paused while > 0 (a stream's sink is full) */
    GSList *drain_waiters;  /* DrainWaiter*, called once queued is low enough */
};

typedef struct {
    gsize below;
    GSourceFunc func;
    gpointer data;
    GDestroyNotify notify;
} DrainWaiter;

typedef struct {
    VmmRpcClient *client;
    VmmRpcHeader hdr;
    guint8 *payload;
    gsize size;
    gboolean prio;          /* runs on the priority pool */
} Job;

static void client_close_now(VmmRpcClient *client);

static void
drain_waiter_free(gpointer data)
{
    DrainWaiter *w = data;

    if (w->notify)
        w->notify(w->data);
    g_free(w);
}
static void listener_free(Listener *l);
static void client_update_sources(VmmRpcClient *client);

/* ------------------------------------------------------------------ */
/* Clients                                                             */

VmmRpcClient *
vmm_rpc_client_ref(VmmRpcClient *client)
{
    g_atomic_int_inc(&client->ref);
    return client;
}

void
vmm_rpc_client_unref(VmmRpcClient *client)
{
    if (!client || !g_atomic_int_dec_and_test(&client->ref))
        return;
    if (client->srv->cb.client_free && client->priv)
        client->srv->cb.client_free(client->priv);
    g_queue_clear_full(&client->pending, (GDestroyNotify)g_bytes_unref);
    g_queue_clear_full(&client->wq, (GDestroyNotify)g_bytes_unref);
    g_clear_object(&client->sock);
    g_free(client->body);
    g_mutex_clear(&client->lock);
    g_free(client);
}

gboolean
vmm_rpc_client_is_readonly(VmmRpcClient *client)
{
    return client->readonly;
}

gboolean
vmm_rpc_client_is_closed(VmmRpcClient *client)
{
    gboolean closed;

    g_mutex_lock(&client->lock);
    closed = client->closed;
    g_mutex_unlock(&client->lock);
    return closed;
}

gboolean
vmm_rpc_client_get_peer(VmmRpcClient *client, uid_t *uid, gid_t *gid, pid_t *pid)
{
    if (!client->has_peer)
        return FALSE;
    if (uid)
        *uid = client->uid;
    if (gid)
        *gid = client->gid;
    if (pid)
        *pid = client->pid;
    return TRUE;
}

gpointer
vmm_rpc_client_get_priv(VmmRpcClient *client)
{
    return client->priv;
}

static gboolean
client_wake_cb(gpointer data)
{
    VmmRpcClient *client = data;
    gboolean close_now;

    g_mutex_lock(&client->lock);
    client->wake_pending = FALSE;
    if (client->closed) {
        g_mutex_unlock(&client->lock);
        return G_SOURCE_REMOVE;
    }
    while (!g_queue_is_empty(&client->pending))
        g_queue_push_tail(&client->wq, g_queue_pop_head(&client->pending));
    if (!g_queue_is_empty(&client->wq))
        client->loop_writing = TRUE;
    close_now = (client->close_requested && g_queue_is_empty(&client->wq)) ||
                client->overflow;
    if (client->overflow)
        g_warning("client %p: over %u bytes of replies unread, disconnecting",
                  client, VMM_RPC_QUEUE_MAX);
    g_mutex_unlock(&client->lock);

    if (close_now)
        client_close_now(client);
    else
        client_update_sources(client);
    return G_SOURCE_REMOVE;
}

/* Any thread: have the main loop look at the client again. */
static void
client_wake_locked(VmmRpcClient *client)
{
    GSource *src;

    if (client->wake_pending || client->closed)
        return;
    client->wake_pending = TRUE;
    src = g_idle_source_new();
    g_source_set_priority(src, G_PRIORITY_DEFAULT);
    g_source_set_callback(src, client_wake_cb, vmm_rpc_client_ref(client),
                          (GDestroyNotify)vmm_rpc_client_unref);
    g_source_attach(src, client->srv->ctx);
    g_source_unref(src);
}

/*
 * Under the lock, nothing queued: write @pkt from this thread.  Returns
 * what is left to queue (NULL: all of it went out).  A failed write is left
 * to the main loop to discover when it writes the rest.
 */
static GBytes *
client_send_direct_locked(VmmRpcClient *client, GBytes *pkt)
{
    gsize len;
    const guint8 *data = g_bytes_get_data(pkt, &len);
    g_autoptr(GError) err = NULL;
    gssize n = g_socket_send(client->sock, (const char *)data, len, NULL, &err);

    if (n == (gssize)len)
        return NULL;
    if (n <= 0)
        return g_bytes_ref(pkt);
    return g_bytes_new_from_bytes(pkt, n, len - n);
}

void
vmm_rpc_client_send(VmmRpcClient *client, GBytes *pkt)
{
    gsize len;
    g_autoptr(GBytes) rest = NULL;

    g_mutex_lock(&client->lock);
    if (!client->closed && !client->overflow) {
        if (!client->loop_writing && g_queue_is_empty(&client->pending)) {
            if (!(rest = client_send_direct_locked(client, pkt))) {
                g_mutex_unlock(&client->lock);
                return;
            }
            pkt = rest;
        }
        len = g_bytes_get_size(pkt);
        if (client->queued + len > VMM_RPC_QUEUE_MAX) {
            /* A client that does not read (events piling up) is cut off
             * rather than allowed to eat the daemon's memory. */
            client->overflow = TRUE;
        } else {
            g_queue_push_tail(&client->pending, g_bytes_ref(pkt));
            client->queued += len;
        }
        client_wake_locked(client);
    }
    g_mutex_unlock(&client->lock);
}

void
vmm_rpc_client_close(VmmRpcClient *client)
{
    g_mutex_lock(&client->lock);
    client->close_requested = TRUE;
    client_wake_locked(client);
    g_mutex_unlock(&client->lock);
}

gsize
vmm_rpc_client_get_queued(VmmRpcClient *client)
{
    gsize queued;

    g_mutex_lock(&client->lock);
    queued = client->queued;
    g_mutex_unlock(&client->lock);
    return queued;
}

void
vmm_rpc_client_when_drained(VmmRpcClient *client, gsize below, GSourceFunc func,
                            gpointer data, GDestroyNotify notify)
{
    DrainWaiter *w = g_new0(DrainWaiter, 1);

    w->below = below;
    w->func = func;
    w->data = data;
    w->notify = notify;
    g_mutex_lock(&client->lock);
    if (client->closed) {
        g_mutex_unlock(&client->lock);
        drain_waiter_free(w);
        return;
    }
    client->drain_waiters = g_slist_append(client->drain_waiters, w);
    /* The queue may be low already: the main loop checks at once. */
    client_wake_locked(client);
    g_mutex_unlock(&client->lock);
}

void
vmm_rpc_client_hold_input(VmmRpcClient *client, gboolean hold)
{
    g_mutex_lock(&client->lock);
    if (hold) {
        client->input_holds++;
    } else if (client->input_holds > 0 && --client->input_holds == 0) {
        /* Resume on the main loop: the caller may hold locks that closing
         * the client would take. */
        client_wake_locked(client);
    }
    g_mutex_unlock(&client->lock);
}

static void
send_keepalive(VmmRpcClient *client, int proc)
{
    VmmRpcHeader hdr = {
        .prog = KEEPALIVE_PROGRAM, .vers = KEEPALIVE_PROTOCOL_VERSION,
        .proc = proc, .type = VMM_RPC_MESSAGE, .serial = 0, .status = VMM_RPC_OK,
    };
    g_autoptr(GBytes) pkt = vmm_rpc_packet_encode(&hdr, NULL, NULL, NULL);

    vmm_rpc_client_send(client, pkt);
}

static gboolean
keepalive_cb(gpointer data)
{
    VmmRpcClient *client = data;
    gint64 idle = g_get_monotonic_time() - client->last_rx;

    if (idle < (gint64)client->srv->cfg.keepalive_interval * G_USEC_PER_SEC)
        return G_SOURCE_CONTINUE;
    if (client->ka_unanswered >= client->srv->cfg.keepalive_count) {
        g_debug("client %p: keepalive timeout", client);
        client_close_now(client);   /* destroys this source too */
        return G_SOURCE_REMOVE;
    }
    client->ka_unanswered++;
    send_keepalive(client, KEEPALIVE_PROC_PING);
    return G_SOURCE_CONTINUE;
}

static gboolean
client_start_keepalive_cb(gpointer data)
{
    VmmRpcClient *client = data;
    guint interval = client->srv->cfg.keepalive_interval;

    if (client->ka_src || interval == 0 || vmm_rpc_client_is_closed(client))
        return G_SOURCE_REMOVE;
    client->ka_src = g_timeout_source_new_seconds(interval);
    g_source_set_callback(client->ka_src, keepalive_cb, client, NULL);
    g_source_attach(client->ka_src, client->srv->ctx);
    return G_SOURCE_REMOVE;
}

void
vmm_rpc_client_start_keepalive(VmmRpcClient *client)
{
    GSource *src = g_idle_source_new();

    g_source_set_callback(src, client_start_keepalive_cb, vmm_rpc_client_ref(client),
                          (GDestroyNotify)vmm_rpc_client_unref);
    g_source_attach(src, client->srv->ctx);
    g_source_unref(src);
}

static void
source_drop(GSource **src)
{
    if (*src) {
        g_source_destroy(*src);
        g_source_unref(*src);
        *src = NULL;
    }
}

/* Main thread.  Idempotent. */
static void
client_close_now(VmmRpcClient *client)
{
    VmmRpcServer *srv = client->srv;
    GSList *waiters;

    g_mutex_lock(&client->lock);
    if (client->closed) {
        g_mutex_unlock(&client->lock);
        return;
    }
    client->closed = TRUE;
    g_queue_clear_full(&client->pending, (GDestroyNotify)g_bytes_unref);
    waiters = g_steal_pointer(&client->drain_waiters);
    g_mutex_unlock(&client->lock);
    g_slist_free_full(waiters, drain_waiter_free);

    source_drop(&client->in_src);
    source_drop(&client->out_src);
    source_drop(&client->ka_src);
    g_queue_clear_full(&client->wq, (GDestroyNotify)g_bytes_unref);
    g_socket_close(client->sock, NULL);
    if (srv->cb.client_close)
        srv->cb.client_close(client, srv->opaque);
    g_atomic_int_dec_and_test(&srv->nclients);
    /* Drops the table's reference. */
    g_hash_table_remove(srv->clients, client);
}

/* Main thread: write what we can.  FALSE when the client was closed. */
static gboolean
client_flush(VmmRpcClient *client)
{
    while (!g_queue_is_empty(&client->wq)) {
        GBytes *head = g_queue_peek_head(&client->wq);
        gsize len;
        const guint8 *data = g_bytes_get_data(head, &len);
        g_autoptr(GError) err = NULL;
        gssize n = g_socket_send(client->sock, (const char *)data + client->woff,
                                 len - client->woff, NULL, &err);

        if (n < 0) {
            if (g_error_matches(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
                return TRUE;
            g_debug("client %p: write failed: %s", client, err->message);
            client_close_now(client);
            return FALSE;
        }
        client->woff += n;
        if (client->woff == len) {
            g_bytes_unref(g_queue_pop_head(&client->wq));
            client->woff = 0;
            g_mutex_lock(&client->lock);
            client->queued -= len;
            /* Drained: what was queued meanwhile goes next, in order; with
             * nothing left, senders may write directly again. */
            if (g_queue_is_empty(&client->wq)) {
                while (!g_queue_is_empty(&client->pending))
                    g_queue_push_tail(&client->wq, g_queue_pop_head(&client->pending));
                client->loop_writing = !g_queue_is_empty(&client->wq);
            }
            g_mutex_unlock(&client->lock);
        }
    }
    return TRUE;
}

static gboolean client_in_cb(GSocket *sock, GIOCondition cond, gpointer data);
static gboolean client_out_cb(GSocket *sock, GIOCondition cond, gpointer data);

/* Main thread: call the drain waiters whose threshold the queue is down
 * to.  FALSE when the client was closed meanwhile. */
static gboolean
client_run_drain_waiters(VmmRpcClient *client)
{
    GSList *due = NULL;
    gboolean closed;

    g_mutex_lock(&client->lock);
    for (GSList *l = client->drain_waiters; l;) {
        DrainWaiter *w = l->data;
        GSList *next = l->next;

        if (client->queued <= w->below) {
            client->drain_waiters = g_slist_delete_link(client->drain_waiters, l);
            due = g_slist_prepend(due, w);
        }
        l = next;
    }
    closed = client->closed;
    g_mutex_unlock(&client->lock);
    if (!due)
        return !closed;
    /* Oldest first; the callbacks run without the client's lock (they
     * send). */
    due = g_slist_reverse(due);
    for (GSList *l = due; l; l = l->next) {
        DrainWaiter *w = l->data;

        w->func(w->data);
    }
    g_slist_free_full(due, drain_waiter_free);
    return !vmm_rpc_client_is_closed(client);
}

/*
 * Main thread: a source watching the client's socket.  glib takes the fds
 * of a source that may not recurse out of the poll set while it is
 * dispatched and puts them back after, each time waking the loop through
 * its eventfd: two writes, a read and a poll more for every call served.
 * These may recurse instead: nothing they run iterates the loop (calls run
 * on it never wait), and client_in_cb() refuses to nest all the same.
 */
static GSource *
client_source_new(VmmRpcClient *client, GIOCondition cond, GSocketSourceFunc func)
{
    GSource *src = g_socket_create_source(client->sock, cond, NULL);

    g_source_set_can_recurse(src, TRUE);
    g_source_set_callback(src, (GSourceFunc)(void (*)(void))func, client, NULL);
    g_source_attach(src, client->srv->ctx);
    return src;
}

/* Main thread: attach the read source unless too many calls are in
 * flight, and the write source while there is something to write. */
static void
client_update_sources(VmmRpcClient *client)
{
    gboolean want_read;
    gboolean close_now;

    if (!client_flush(client) || !client_run_drain_waiters(client))
        return;

    g_mutex_lock(&client->lock);
    want_read = client->inflight < client->srv->cfg.max_client_requests &&
                !client->close_requested && client->input_holds == 0;
    close_now = client->close_requested && g_queue_is_empty(&client->wq) &&
                g_queue_is_empty(&client->pending);
    g_mutex_unlock(&client->lock);
    if (close_now) {
        client_close_now(client);
        return;
    }

    if (want_read && !client->in_src) {
        client->in_src = client_source_new(client, G_IO_IN | G_IO_HUP | G_IO_ERR,
                                           client_in_cb);
    } else if (!want_read) {
        source_drop(&client->in_src);
    }

    if (!g_queue_is_empty(&client->wq) && !client->out_src) {
        client->out_src = client_source_new(client, G_IO_OUT, client_out_cb);
    } else if (g_queue_is_empty(&client->wq)) {
        source_drop(&client->out_src);
    }
}

static gboolean
client_out_cb(GSocket *sock, GIOCondition cond, gpointer data)
{
    VmmRpcClient *client = data;

    vmm_rpc_client_ref(client);
    client_update_sources(client);
    vmm_rpc_client_unref(client);
    return G_SOURCE_CONTINUE;   /* client_update_sources() drops it when done */
}

static void
send_error(VmmRpcClient *client, const VmmRpcHeader *call, VmmErrorCode code,
           const char *msg)
{
    g_autoptr(GError) err = g_error_new_literal(VMM_ERROR, code, msg);
    VmmRpcHeader hdr = *call;
    g_autoptr(GBytes) pkt = NULL;

    hdr.type = VMM_RPC_REPLY;
    pkt = vmm_rpc_packet_encode_error(&hdr, err, VMM_RPC_FROM_RPC);
    vmm_rpc_client_send(client, pkt);
}

/*
 * Blocked calls lend their worker's place.  A call that waits on one
 * domain (its job held by another call, its monitor silent) would
 * otherwise keep a worker for as long as the deadline, and enough of them
 * would starve calls on every other domain.  While it waits, the pool may
 * run one more thread; the place is taken back when the wait ends.  At
 * most LEND_FACTOR x max_workers places are lent at once: beyond that,
 * waiting calls keep their workers.
 */
#define LEND_FACTOR 8

typedef struct {
    VmmRpcServer *srv;
    guint depth;
    gboolean lent;
} WorkerState;

static GPrivate worker_state;      /* WorkerState* of an ordinary worker's call */

static void
worker_blocking(gboolean entering)
{
    WorkerState *ws = g_private_get(&worker_state);
    VmmRpcServer *srv;

    if (!ws)
        return;
    srv = ws->srv;
    if (entering ? ws->depth++ > 0 : --ws->depth > 0)
        return;
    g_mutex_lock(&srv->lend_lock);
    if (entering && !srv->pool_closing &&
        (guint)srv->lent < LEND_FACTOR * srv->cfg.max_workers) {
        ws->lent = TRUE;
        g_atomic_int_inc(&srv->lent);
        g_atomic_int_add(&srv->busy, -1);
    } else if (!entering && ws->lent) {
        ws->lent = FALSE;
        g_atomic_int_add(&srv->lent, -1);
        g_atomic_int_inc(&srv->busy);
    } else {
        g_mutex_unlock(&srv->lend_lock);
        return;
    }
    /* A pool being freed takes no new limit: the counters still balance. */
    if (!srv->pool_closing)
        g_thread_pool_set_max_threads(srv->pool, (gint)(srv->cfg.max_workers + srv->lent),
                                      NULL);
    g_mutex_unlock(&srv->lend_lock);
}

guint
vmm_rpc_server_get_lent(VmmRpcServer *srv)
{
    return (guint)g_atomic_int_get(&srv->lent);
}

static void
job_run(gpointer data, gpointer user_data)
{
    Job *job = data;
    VmmRpcClient *client = job->client;
    VmmRpcServer *srv = client->srv;
    g_autoptr(GBytes) reply = NULL;
    WorkerState ws = { .srv = srv };

    if (!job->prio) {
        g_atomic_int_inc(&srv->busy);
        g_private_set(&worker_state, &ws);
    }
    if (!vmm_rpc_client_is_closed(client))
        reply = srv->cb.dispatch(client, &job->hdr, job->payload, job->size, srv->opaque);
    if (!job->prio) {
        g_private_set(&worker_state, NULL);
        g_atomic_int_dec_and_test(&srv->busy);
    }
    if (reply)
        vmm_rpc_client_send(client, reply);

    g_mutex_lock(&client->lock);
    /* Reading paused at the request limit resumes now; otherwise the main
     * loop need not hear of this call again. */
    if (client->inflight-- >= client->srv->cfg.max_client_requests)
        client_wake_locked(client);
    g_mutex_unlock(&client->lock);

    g_free(job->payload);
    g_free(job);
    vmm_rpc_client_unref(client);
}

/*
 * Main thread: one whole packet is in client->body (header + payload).
 * Returns FALSE when the client must be dropped.
 */
static gboolean
client_handle_packet(VmmRpcClient *client, guint8 *buf, gsize size)
{
    VmmRpcHeader hdr;
    g_autoptr(GError) err = NULL;

    if (!vmm_rpc_header_decode(buf, size, &hdr, &err))
        return FALSE;
    /* Values outside the enums mean we lost the framing or the peer is
     * not speaking the protocol: nothing sensible can be answered. */
    if (hdr.type < VMM_RPC_CALL || hdr.type > VMM_RPC_STREAM_HOLE ||
        hdr.status < VMM_RPC_OK || hdr.status > VMM_RPC_CONTINUE) {
        g_debug("client %p: bad packet type %d / status %d", client, hdr.type, hdr.status);
        return FALSE;
    }

    if (hdr.prog == KEEPALIVE_PROGRAM) {
        if (hdr.vers != KEEPALIVE_PROTOCOL_VERSION || hdr.type != VMM_RPC_MESSAGE)
            return FALSE;
        if (hdr.proc == KEEPALIVE_PROC_PING)
            send_keepalive(client, KEEPALIVE_PROC_PONG);
        /* A PONG needs nothing more: any traffic resets the counter. */
        return TRUE;
    }

    if (hdr.type != VMM_RPC_CALL) {
        if (hdr.type == VMM_RPC_CALL_WITH_FDS) {
            /* The fds would follow as ancillary data we never read: the
             * stream could not be resynchronised. */
            send_error(client, &hdr, VMM_ERR_RPC, _("file descriptor passing is not supported"));
            vmm_rpc_client_close(client);
            return TRUE;
        }
        if (hdr.type == VMM_RPC_STREAM && hdr.prog == REMOTE_PROGRAM &&
            client->srv->cb.stream) {
            client->srv->cb.stream(client, &hdr, buf + VMM_RPC_HEADER_SIZE,
                                   size - VMM_RPC_HEADER_SIZE, client->srv->opaque);
            return TRUE;
        }
        /* Stray replies, messages or stream packets of no stream: nothing
         * waits for them. */
        g_debug("client %p: ignoring packet type %d proc %d", client, hdr.type, hdr.proc);
        return TRUE;
    }

    if (hdr.prog != REMOTE_PROGRAM || hdr.vers != REMOTE_PROTOCOL_VERSION) {
        g_autofree char *msg = g_strdup_printf(_("Cannot find program %d version %d"),
                                               (int)hdr.prog, (int)hdr.vers);
        send_error(client, &hdr, VMM_ERR_RPC, msg);
        return TRUE;
    }
    if (hdr.status != VMM_RPC_OK)
        return FALSE;

    if (client->srv->cb.dispatch_inline) {
        g_autoptr(GBytes) reply = NULL;

        if (client->srv->cb.dispatch_inline(client, &hdr, buf + VMM_RPC_HEADER_SIZE,
                                            size - VMM_RPC_HEADER_SIZE, &reply,
                                            client->srv->opaque)) {
            if (reply)
                vmm_rpc_client_send(client, reply);
            return TRUE;
        }
    }

    GThreadPool *pool;
    Job *job = g_new0(Job, 1);

    job->client = vmm_rpc_client_ref(client);
    job->hdr = hdr;
    job->size = size - VMM_RPC_HEADER_SIZE;
    job->payload = g_memdup2(buf + VMM_RPC_HEADER_SIZE, job->size);
    g_mutex_lock(&client->lock);
    client->inflight++;
    g_mutex_unlock(&client->lock);
    pool = client->srv->pool;
    /* Priority calls jump a saturated pool, as libvirtd's do. */
    if (client->srv->prio_pool &&
        (guint)g_atomic_int_get(&client->srv->busy) >= client->srv->cfg.max_workers &&
        client->srv->cb.is_priority && client->srv->cb.is_priority(&hdr, client->srv->opaque))
        pool = client->srv->prio_pool;
    job->prio = pool == client->srv->prio_pool;
    g_thread_pool_push(pool, job, NULL);
    return TRUE;
}

/* Main thread: read what is there; FALSE when the client is gone. */
static gboolean
client_read(VmmRpcClient *client)
{
    guint packets = 0;

    for (;;) {
        g_autoptr(GError) err = NULL;
        guint8 *dst;
        gsize room;
        gssize n;

        if (client->want == 0) {
            dst = client->lenbuf + client->got;
            room = VMM_RPC_LEN_SIZE - client->got;
        } else {
            gsize need = client->want - VMM_RPC_LEN_SIZE;
            gsize have = client->got - VMM_RPC_LEN_SIZE;

            /* Grow with the data that arrives, not with the announced
             * length: a liar costs no memory. */
            if (have == client->body_cap) {
                client->body_cap = MIN(MAX(client->body_cap * 2, VMM_RPC_BUFFER_INITIAL), need);
                client->body = g_realloc(client->body, client->body_cap);
            }
            dst = client->body + have;
            room = MIN(client->body_cap, need) - have;
        }

        /* recv() itself: g_socket_receive() builds a GError for the
         * EAGAIN that ends every batch. */
        n = recv(g_socket_get_fd(client->sock), dst, room, MSG_DONTWAIT);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return TRUE;
            g_debug("client %p: read failed: %s", client, g_strerror(errno));
            return FALSE;
        }
        if (n == 0)
            return FALSE;   /* EOF, possibly mid-packet: nothing to answer */

        client->got += n;
        client->last_rx = g_get_monotonic_time();
        client->ka_unanswered = 0;

        if (client->want == 0) {
            if (client->got < VMM_RPC_LEN_SIZE)
                continue;
            if (!vmm_rpc_length_decode(client->lenbuf, &client->want, &err)) {
                g_debug("client %p: %s", client, err->message);
                return FALSE;
            }
        }
        if (client->got == client->want) {
            gsize size = client->want - VMM_RPC_LEN_SIZE;

            client->got = 0;
            client->want = 0;
            if (!client_handle_packet(client, client->body, size))
                return FALSE;
            /* Large buffers are not kept around between packets. */
            if (client->body_cap > VMM_RPC_BUFFER_INITIAL) {
                g_clear_pointer(&client->body, g_free);
                client->body_cap = 0;
            }
            g_mutex_lock(&client->lock);
            gboolean full = client->inflight >= client->srv->cfg.max_client_requests ||
                            client->input_holds > 0;
            g_mutex_unlock(&client->lock);
            /* The source stays armed: the rest is read next time round. */
            if (full || ++packets >= PACKETS_PER_WAKEUP)
                return TRUE;
        }
    }
}

static gboolean
client_in_cb(GSocket *sock, GIOCondition cond, gpointer data)
{
    VmmRpcClient *client = data;

    if (client->reading)
        return G_SOURCE_CONTINUE;   /* a loop iterated inside a call: not here */
    vmm_rpc_client_ref(client);
    client->reading = TRUE;
    if (!client_read(client)) {
        client->reading = FALSE;
        client_close_now(client);
    } else {
        client->reading = FALSE;
        client_update_sources(client);
    }
    vmm_rpc_client_unref(client);
    return G_SOURCE_CONTINUE;
}

static void
client_accept(Listener *l, GSocket *sock)
{
    VmmRpcServer *srv = l->srv;
    VmmRpcClient *client;
    g_autoptr(GCredentials) creds = NULL;

    if (g_hash_table_size(srv->clients) >= srv->cfg.max_clients) {
        g_warning("too many clients (max_clients = %u): connection refused",
                  srv->cfg.max_clients);
        g_socket_close(sock, NULL);
        return;
    }

    g_socket_set_blocking(sock, FALSE);
    client = g_new0(VmmRpcClient, 1);
    client->ref = 1;
    client->srv = srv;
    client->sock = g_object_ref(sock);
    client->readonly = l->readonly;
    client->last_rx = g_get_monotonic_time();
    g_mutex_init(&client->lock);
    g_queue_init(&client->pending);
    g_queue_init(&client->wq);

    /* Identity comes from the kernel, never from the payload. */
    if (l->path && (creds = g_socket_get_credentials(sock, NULL))) {
        const struct ucred *uc = g_credentials_get_native(creds, G_CREDENTIALS_TYPE_LINUX_UCRED);
        if (uc) {
            client->has_peer = TRUE;
            client->uid = uc->uid;
            client->gid = uc->gid;
            client->pid = uc->pid;
        }
    }

    if (srv->cb.client_init)
        client->priv = srv->cb.client_init(client, srv->opaque);
    g_hash_table_add(srv->clients, client);
    g_atomic_int_inc(&srv->nclients);
    g_debug("client %p connected (uid %d pid %d%s)", client, (int)client->uid,
            (int)client->pid, client->readonly ? ", read-only" : "");
    client_update_sources(client);
}

static gboolean
listener_cb(GSocket *lsock, GIOCondition cond, gpointer data)
{
    Listener *l = data;

    /* Drain the backlog: a burst of connections is accepted in one go. */
    for (;;) {
        g_autoptr(GError) err = NULL;
        g_autoptr(GSocket) sock = g_socket_accept(lsock, NULL, &err);

        if (!sock) {
            if (!g_error_matches(err, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
                g_warning("accept failed: %s", err->message);
            return G_SOURCE_CONTINUE;
        }
        client_accept(l, sock);
    }
}

/* ------------------------------------------------------------------ */
/* Server                                                              */

VmmRpcServer *
vmm_rpc_server_new(const VmmRpcServerConfig *config, const VmmRpcServerCallbacks *cb,
                   gpointer opaque)
{
    VmmRpcServer *srv = g_new0(VmmRpcServer, 1);

    srv->cfg = *config;
    if (srv->cfg.max_client_requests == 0)
        srv->cfg.max_client_requests = 1;
    if (srv->cfg.max_workers == 0)
        srv->cfg.max_workers = 1;
    srv->cb = *cb;
    srv->opaque = opaque;
    /* The default context: g_unix_signal_add() sources live there. */
    srv->ctx = g_main_context_ref(g_main_context_default());
    srv->loop = g_main_loop_new(srv->ctx, FALSE);
    srv->pool = g_thread_pool_new(job_run, srv, srv->cfg.max_workers, FALSE, NULL);
    g_mutex_init(&srv->lend_lock);
    vmm_blocking_set_hook(worker_blocking);
    if (srv->cfg.prio_workers > 0)
        srv->prio_pool = g_thread_pool_new(job_run, srv, srv->cfg.prio_workers, FALSE, NULL);
    srv->listeners = g_ptr_array_new_with_free_func((GDestroyNotify)listener_free);
    srv->clients = g_hash_table_new_full(NULL, NULL, (GDestroyNotify)vmm_rpc_client_unref,
                                         NULL);
    return srv;
}

static void
listener_free(Listener *l)
{
    source_drop(&l->src);
    g_socket_close(l->sock, NULL);
    g_object_unref(l->sock);
    if (l->path)
        unlink(l->path);
    g_free(l->path);
    g_free(l);
}

static gboolean
server_listen(VmmRpcServer *srv, GSocket *sock, const char *path, gboolean readonly)
{
    Listener *l = g_new0(Listener, 1);

    g_socket_set_blocking(sock, FALSE);
    l->srv = srv;
    l->sock = g_object_ref(sock);
    l->path = g_strdup(path);
    l->readonly = readonly;
    l->src = g_socket_create_source(sock, G_IO_IN, NULL);
    g_source_set_callback(l->src, (GSourceFunc)(void (*)(void))listener_cb, l, NULL);
    g_source_attach(l->src, srv->ctx);
    g_ptr_array_add(srv->listeners, l);
    return TRUE;
}

gboolean
vmm_rpc_server_add_unix(VmmRpcServer *srv, const char *path, guint mode,
                        gboolean readonly, GError **error)
{
    g_autoptr(GSocket) sock = NULL;
    g_autoptr(GSocketAddress) addr = NULL;
    g_autoptr(GError) err = NULL;
    mode_t old;
    gboolean ok;

    sock = g_socket_new(G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, 0, &err);
    if (!sock) {
        vmm_error_set(error, VMM_ERR_SYSTEM_ERROR, _("cannot create socket '%s': %s"),
                      path, err->message);
        return FALSE;
    }
    if (unlink(path) < 0 && errno != ENOENT) {
        vmm_error_set_errno(error, errno, _("cannot remove stale socket '%s'"), path);
        return FALSE;
    }
    addr = g_unix_socket_address_new(path);
    g_socket_set_listen_backlog(sock, LISTEN_BACKLOG);
    /* No window in which the socket is more open than @mode. */
    old = umask(~mode & 0777);
    ok = g_socket_bind(sock, addr, FALSE, &err);
    umask(old);
    if (!ok || chmod(path, mode) < 0 || !g_socket_listen(sock, &err)) {
        vmm_error_set(error, VMM_ERR_SYSTEM_ERROR, _("cannot listen on '%s': %s"), path,
                      err ? err->message : g_strerror(errno));
        return FALSE;
    }
    return server_listen(srv, sock, path, readonly);
}

gboolean
vmm_rpc_server_add_tcp(VmmRpcServer *srv, const char *addr, guint port, GError **error)
{
    g_autoptr(GSocket) sock = NULL;
    g_autoptr(GSocketAddress) sa = NULL;
    g_autoptr(GInetAddress) ia = NULL;
    g_autoptr(GError) err = NULL;

    ia = addr && *addr ? g_inet_address_new_from_string(addr)
                       : g_inet_address_new_any(G_SOCKET_FAMILY_IPV4);
    if (!ia) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid listen address '%s'"), addr);
        return FALSE;
    }
    sa = g_inet_socket_address_new(ia, port);
    sock = g_socket_new(g_inet_address_get_family(ia), G_SOCKET_TYPE_STREAM, 0, &err);
    if (sock)
        g_socket_set_listen_backlog(sock, LISTEN_BACKLOG);
    if (!sock || !g_socket_bind(sock, sa, TRUE, &err) || !g_socket_listen(sock, &err)) {
        vmm_error_set(error, VMM_ERR_SYSTEM_ERROR, _("cannot listen on %s:%u: %s"),
                      addr ? addr : "*", port, err->message);
        return FALSE;
    }
    return server_listen(srv, sock, NULL, FALSE);
}

void
vmm_rpc_server_run(VmmRpcServer *srv)
{
    g_main_loop_run(srv->loop);
}

void
vmm_rpc_server_quit(VmmRpcServer *srv)
{
    g_main_loop_quit(srv->loop);
}

GMainContext *
vmm_rpc_server_get_context(VmmRpcServer *srv)
{
    return srv->ctx;
}

guint
vmm_rpc_server_client_count(VmmRpcServer *srv)
{
    return g_atomic_int_get(&srv->nclients);
}

void
vmm_rpc_server_free(VmmRpcServer *srv)
{
    GHashTableIter it;
    gpointer key;

    if (!srv)
        return;
    g_ptr_array_free(srv->listeners, TRUE);

    /* Close every client, then let running calls finish: their replies
     * are dropped on the closed clients. */
    while (g_hash_table_size(srv->clients) > 0) {
        g_hash_table_iter_init(&it, srv->clients);
        g_hash_table_iter_next(&it, &key, NULL);
        client_close_now(key);
    }
    g_mutex_lock(&srv->lend_lock);
    srv->pool_closing = TRUE;
    g_mutex_unlock(&srv->lend_lock);
    g_thread_pool_free(srv->pool, FALSE, TRUE);
    g_mutex_clear(&srv->lend_lock);
    if (srv->prio_pool)
        g_thread_pool_free(srv->prio_pool, FALSE, TRUE);
    /* Wake-ups the workers queued still hold client references. */
    while (g_main_context_iteration(srv->ctx, FALSE))
        ;
    g_hash_table_unref(srv->clients);
    g_main_loop_unref(srv->loop);
    g_main_context_unref(srv->ctx);
    g_free(srv);
}
