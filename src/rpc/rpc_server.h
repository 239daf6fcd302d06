/*
 * rpc_server.h: vmmd's transport: listening sockets, clients, framing,
 * keepalive and a worker pool.  It knows packets, not procedures: every
 * CALL of the REMOTE program goes to the dispatch function given at
 * creation, on a worker thread.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Threads: one GMainLoop thread (the one running vmm_rpc_server_run())
 * owns all socket I/O.  Workers run dispatch; they hand replies back with
 * vmm_rpc_client_send(), which is thread-safe, as are all vmm_rpc_client_*
 * calls.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "rpc/rpc_packet.h"

G_BEGIN_DECLS

typedef struct _VmmRpcServer VmmRpcServer;
typedef struct _VmmRpcClient VmmRpcClient;

typedef struct {
    guint max_clients;          /* further connections are accepted and closed */
    guint max_workers;          /* worker threads running calls */
    guint prio_workers;         /* extra threads for priority calls when all are busy */
    guint max_client_requests;  /* calls in flight per client; reading pauses beyond */
    guint keepalive_interval;   /* seconds of silence before we PING; 0 = never */
    guint keepalive_count;      /* unanswered PINGs before we drop the client */
} VmmRpcServerConfig;

/*
 * Runs on a worker for each CALL of the REMOTE program.  @payload (@size
 * bytes) is the packet body after the header; both are owned by the
 * server and valid for the call.  Returns the whole reply packet (see
 * rpc_packet.h), or NULL to send none.
 */
typedef GBytes *(*VmmRpcDispatchFunc)(VmmRpcClient *client, const VmmRpcHeader *hdr,
                                      const guint8 *payload, gsize size,
                                      gpointer opaque);

typedef struct {
    VmmRpcDispatchFunc dispatch;
    /* Optional, main thread: may this call (a query or destroy that never
     * waits on a guest) use the priority workers when every ordinary
     * worker is busy, e.g. stuck on a hung guest? */
    gboolean (*is_priority)(const VmmRpcHeader *hdr, gpointer opaque);
    /* Per-client state of the dispatcher (vmm_rpc_client_get_priv()):
     * made on accept, on the main thread. */
    gpointer (*client_init)(VmmRpcClient *client, gpointer opaque);
    /* The connection is gone (main thread); calls may still be running.
     * Drop whatever holds a reference on the client (event callbacks). */
    void (*client_close)(VmmRpcClient *client, gpointer opaque);
    /* Free the state once the last reference is gone (any thread). */
    void (*client_free)(gpointer priv);
    /* Optional, main thread: a STREAM packet of the REMOTE program
     * (rpc_stream.h); @payload (@size bytes) is valid for the call.  NULL:
     * stream packets are dropped. */
    void (*stream)(VmmRpcClient *client, const VmmRpcHeader *hdr,
                   const guint8 *payload, gsize size, gpointer opaque);
    /* Optional, main thread: run a call right here instead of on a worker
     * (saving two thread hand-offs).  Only for calls that never wait:
     * return FALSE, before or after trying, to have it run on a worker;
     * TRUE with *@reply set as dispatch() would (NULL: no reply). */
    gboolean (*dispatch_inline)(VmmRpcClient *client, const VmmRpcHeader *hdr,
                                const guint8 *payload, gsize size, GBytes **reply,
                                gpointer opaque);
} VmmRpcServerCallbacks;

VmmRpcServer *vmm_rpc_server_new(const VmmRpcServerConfig *config,
                                 const VmmRpcServerCallbacks *cb,
                                 gpointer opaque);
void vmm_rpc_server_free(VmmRpcServer *srv);

/*
 * Listen on the unix socket @path (a stale socket file is replaced: the
 * daemon's pidfile lock guarantees nobody else serves it), chmod'ed to
 * @mode.  Calls from clients of a @readonly socket are flagged read-only.
 */
gboolean vmm_rpc_server_add_unix(VmmRpcServer *srv, const char *path, guint mode,
                                 gboolean readonly, GError **error);

/* Listen on TCP @addr:@port (NULL addr: all). */
gboolean vmm_rpc_server_add_tcp(VmmRpcServer *srv, const char *addr, guint port,
                                GError **error);

/* Serve until vmm_rpc_server_quit() (from any thread or a signal
 * source).  On return, listeners and clients are closed and running
 * calls have finished. */
void vmm_rpc_server_run(VmmRpcServer *srv);
void vmm_rpc_server_quit(VmmRpcServer *srv);
GMainContext *vmm_rpc_server_get_context(VmmRpcServer *srv);
guint vmm_rpc_server_client_count(VmmRpcServer *srv);

VmmRpcClient *vmm_rpc_client_ref(VmmRpcClient *client);
void vmm_rpc_client_unref(VmmRpcClient *client);
/* Queue a whole packet for sending (takes a reference on @pkt); dropped
 * silently once the client is closed. */
void vmm_rpc_client_send(VmmRpcClient *client, GBytes *pkt);
/* Close the connection after what is queued has been written. */
void vmm_rpc_client_close(VmmRpcClient *client);
/* Bytes queued for sending to @client and not yet written. */
gsize vmm_rpc_client_get_queued(VmmRpcClient *client);
/* Worker places currently lent by calls blocked in a
 * vmm_blocking_enter() section (tests). */
guint vmm_rpc_server_get_lent(VmmRpcServer *srv);
/* Flow control of a producer (a stream): call @func(@data) once, on the
 * main loop, when at most @below bytes are queued for @client; @notify
 * frees @data after the call, or when the client closes first. */
void vmm_rpc_client_when_drained(VmmRpcClient *client, gsize below, GSourceFunc func,
                                 gpointer data, GDestroyNotify notify);
/* Flow control of a consumer (a stream whose sink is full): while holds
 * are taken, nothing more is read from @client (after the packet being
 * handled).  Each hold (TRUE) is released by one call with FALSE. */
void vmm_rpc_client_hold_input(VmmRpcClient *client, gboolean hold);
gboolean vmm_rpc_client_is_readonly(VmmRpcClient *client);
gboolean vmm_rpc_client_is_closed(VmmRpcClient *client);
/* Peer credentials of a unix-socket client (SO_PEERCRED); FALSE for TCP. */
gboolean vmm_rpc_client_get_peer(VmmRpcClient *client, uid_t *uid, gid_t *gid, pid_t *pid);
gpointer vmm_rpc_client_get_priv(VmmRpcClient *client);
/* Start server-side keepalive for this client (after it said it knows the
 * keepalive program). */
void vmm_rpc_client_start_keepalive(VmmRpcClient *client);

G_END_DECLS
