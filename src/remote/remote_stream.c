/*
 * remote_stream.c: the client half of streams over the remote driver.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The RPC client's I/O thread files what the server sends into a queue
 * (data, EOF, the finish answer, an error); an eventfd polls readable
 * while the queue has something for recv.  Sending writes STREAM packets
 * at once.  Finish sends OK and waits (with a deadline) for the server's
 * OK; abort sends an empty ERROR.
 */
#include "remote/remote_stream.h"
#include "remote/remote_driver.h"
#include "rpc/rpc_client.h"
#include "rpc/rpc_packet.h"

#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* How long finish waits for the server's answer. */
#define REMOTE_STREAM_FINISH_TIMEOUT_US (30 * G_USEC_PER_SEC)

typedef struct {
    VmmConnect *conn;           /* referenced: it owns @client */
    RpcClient *client;
    int proc;
    guint32 serial;
    gboolean serial_set;        /* the call went out: the client knows the stream */
    GMutex lock;
    GCond cond;
    GByteArray *in;
    gboolean eof;
    gboolean finished;          /* the server answered our finish */
    GError *error;              /* server error or lost connection */
    int efd;
    gboolean signaled;
} RemoteStream;

/* Under the lock: the eventfd polls readable iff recv would not block. */
static void
rs_update_locked(RemoteStream *rs)
{
    gboolean want = rs->in->len > 0 || rs->eof || rs->error;
    guint64 v = 1;

    if (want && !rs->signaled) {
        if (write(rs->efd, &v, sizeof(v)) == sizeof(v))
            rs->signaled = TRUE;
    } else if (!want && rs->signaled) {
        if (read(rs->efd, &v, sizeof(v)) == sizeof(v))
            rs->signaled = FALSE;
    }
}

/* The RPC client's I/O thread. */
static void
rs_packet(RpcClient *client, int status, const guint8 *data, gsize len, gpointer opaque)
{
    RemoteStream *rs = opaque;

    g_mutex_lock(&rs->lock);
    switch (status) {
    case VMM_RPC_CONTINUE:
        if (len)
            g_byte_array_append(rs->in, data, len);
        else
            rs->eof = TRUE;
        break;
    case VMM_RPC_OK:
        rs->finished = TRUE;
        break;
    case VMM_RPC_ERROR: {
        remote_error rerr = { 0 };

        if (!rs->error) {
            if (vmm_rpc_payload_decode(data, len, (xdrproc_t)xdr_remote_error, &rerr, NULL)) {
                rs->error = vmm_rpc_error_to_gerror(&rerr);
                vmm_rpc_payload_free((xdrproc_t)xdr_remote_error, &rerr);
            } else {
                vmm_error_set(&rs->error, VMM_ERR_RPC, "%s", _("stream aborted by the server"));
            }
        }
        break;
    }
    default:
        if (!rs->error)
            vmm_error_set(&rs->error, VMM_ERR_RPC, "%.*s", (int)len, (const char *)data);
        break;
    }
    rs_update_locked(rs);
    g_cond_broadcast(&rs->cond);
    g_mutex_unlock(&rs->lock);
}

static gssize
rs_send(gpointer priv, const char *data, gsize len, GError **error)
{
    RemoteStream *rs = priv;

    if (len == 0)
        return 0;
    g_mutex_lock(&rs->lock);
    if (rs->error) {
        g_propagate_error(error, g_error_copy(rs->error));
        g_mutex_unlock(&rs->lock);
        return -1;
    }
    g_mutex_unlock(&rs->lock);
    if (!rpc_client_stream_send(rs->client, REMOTE_PROGRAM, rs->proc, rs->serial,
                                VMM_RPC_CONTINUE, data, len, error))
        return -1;
    return len;
}

static gssize
rs_recv(gpointer priv, char *data, gsize len, GError **error)
{
    RemoteStream *rs = priv;
    gssize n;

    g_mutex_lock(&rs->lock);
    if (rs->in->len) {
        n = MIN(len, rs->in->len);
        memcpy(data, rs->in->data, n);
        g_byte_array_remove_range(rs->in, 0, n);
    } else if (rs->error) {
        g_propagate_error(error, g_error_copy(rs->error));
        n = -1;
    } else if (rs->eof) {
        n = 0;
    } else {
        n = VMM_STREAM_AGAIN;
    }
    rs_update_locked(rs);
    g_mutex_unlock(&rs->lock);
    return n;
}

static int
rs_get_fd(gpointer priv)
{
    return ((RemoteStream *)priv)->efd;
}

static gboolean
rs_finish(gpointer priv, GError **error)
{
    RemoteStream *rs = priv;
    gint64 deadline = g_get_monotonic_time() + REMOTE_STREAM_FINISH_TIMEOUT_US;
    gboolean ok;

    if (!rpc_client_stream_send(rs->client, REMOTE_PROGRAM, rs->proc, rs->serial,
                                VMM_RPC_OK, NULL, 0, error))
        return FALSE;
    g_mutex_lock(&rs->lock);
    while (!rs->finished && !rs->error)
        if (!g_cond_wait_until(&rs->cond, &rs->lock, deadline))
            break;
    ok = rs->finished;
    if (!ok && rs->error)
        g_propagate_error(error, g_error_copy(rs->error));
    else if (!ok)
        vmm_error_set(error, VMM_ERR_OPERATION_TIMEOUT, "%s",
                      _("no answer from the server to the end of the stream"));
    g_mutex_unlock(&rs->lock);
    return ok;
}

static void
rs_abort(gpointer priv)
{
    RemoteStream *rs = priv;

    rpc_client_stream_send(rs->client, REMOTE_PROGRAM, rs->proc, rs->serial,
                           VMM_RPC_ERROR, NULL, 0, NULL);
}

static void
rs_free(gpointer priv)
{
    RemoteStream *rs = priv;

    if (rs->serial_set)
        rpc_client_stream_remove(rs->client, rs->serial);
    vmm_connect_unref(rs->conn);
    if (rs->efd >= 0)
        close(rs->efd);
    g_byte_array_unref(rs->in);
    g_clear_error(&rs->error);
    g_mutex_clear(&rs->lock);
    g_cond_clear(&rs->cond);
    g_free(rs);
}

static const VmmStreamBackend remote_backend = {
    .send = rs_send,
    .recv = rs_recv,
    .get_fd = rs_get_fd,
    .finish = rs_finish,
    .abort = rs_abort,
    .free = rs_free,
};

/* Make the call @proc (args @args) that opens a stream on @conn, and
 * connect @st to that stream. */
static gboolean
remote_stream_open(VmmConnect *conn, int proc, xdrproc_t args_xdr, const void *args,
                   VmmStream *st, GError **error)
{
    RpcClient *client = vmm_remote_driver_get_client(conn);
    RemoteStream *rs;

    rs = g_new0(RemoteStream, 1);
    rs->client = client;
    rs->conn = vmm_connect_ref(conn);
    rs->proc = proc;
    g_mutex_init(&rs->lock);
    g_cond_init(&rs->cond);
    rs->in = g_byte_array_new();
    if ((rs->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        vmm_error_set_errno(error, errno, "%s", _("cannot create an eventfd"));
        rs->efd = -1;
        rs_free(rs);
        return FALSE;
    }
    if (!rpc_client_call_stream(client, REMOTE_PROGRAM, proc, args_xdr, args,
                                rs_packet, rs, &rs->serial, error)) {
        rs_free(rs);
        return FALSE;
    }
    rs->serial_set = TRUE;
    if (!vmm_stream_set_backend(st, &remote_backend, rs, error)) {
        rs_abort(rs);
        rs_free(rs);
        return FALSE;
    }
    return TRUE;
}

gboolean
vmm_remote_domain_open_console(VmmDomain *dom, const char *dev_name, VmmStream *st,
                               unsigned int flags, GError **error)
{
    remote_domain_open_console_args args = { 0 };

    args.dom.name = dom->name;
    memcpy(args.dom.uuid, dom->uuid, VMM_UUID_BUFLEN);
    args.dom.id = dom->id;
    args.dev_name = dev_name ? (char **)&dev_name : NULL;
    args.flags = flags;
    return remote_stream_open(dom->conn, REMOTE_PROC_DOMAIN_OPEN_CONSOLE,
                              (xdrproc_t)xdr_remote_domain_open_console_args, &args, st,
                              error);
}

gboolean
vmm_remote_storage_vol_upload(VmmStorageVol *vol, VmmStream *st, guint64 offset,
                              guint64 length, unsigned int flags, GError **error)
{
    remote_storage_vol_upload_args args = {
        .vol = { .pool = vol->pool, .name = vol->name, .key = vol->key },
        .offset = offset, .length = length, .flags = flags,
    };

    return remote_stream_open(vol->conn, REMOTE_PROC_STORAGE_VOL_UPLOAD,
                              (xdrproc_t)xdr_remote_storage_vol_upload_args, &args, st,
                              error);
}

gboolean
vmm_remote_storage_vol_download(VmmStorageVol *vol, VmmStream *st, guint64 offset,
                                guint64 length, unsigned int flags, GError **error)
{
    remote_storage_vol_download_args args = {
        .vol = { .pool = vol->pool, .name = vol->name, .key = vol->key },
        .offset = offset, .length = length, .flags = flags,
    };

    return remote_stream_open(vol->conn, REMOTE_PROC_STORAGE_VOL_DOWNLOAD,
                              (xdrproc_t)xdr_remote_storage_vol_download_args, &args, st,
                              error);
}
