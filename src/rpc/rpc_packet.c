/*
 * rpc_packet.c: packet framing, XDR payloads and the error payload.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "rpc/rpc_packet.h"

#include <string.h>

#include "util/vmm_error.h"

static guint32
get_be32(const guint8 *p)
{
    return ((guint32)p[0] << 24) | ((guint32)p[1] << 16) | ((guint32)p[2] << 8) | p[3];
}

static void
put_be32(guint8 *p, guint32 v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

gboolean
vmm_rpc_length_decode(const guint8 *buf, guint32 *len, GError **error)
{
    guint32 l = get_be32(buf);

    if (l < VMM_RPC_LEN_SIZE + VMM_RPC_HEADER_SIZE) {
        vmm_error_set(error, VMM_ERR_RPC, _("packet %u bytes received is too small"), l);
        return FALSE;
    }
    /* The limit is on the message without its length word. */
    if (l - VMM_RPC_LEN_SIZE > VMM_RPC_MESSAGE_MAX) {
        vmm_error_set(error, VMM_ERR_RPC, _("packet %u bytes received too large, want %u"),
                      l - VMM_RPC_LEN_SIZE, VMM_RPC_MESSAGE_MAX);
        return FALSE;
    }
    *len = l;
    return TRUE;
}

gboolean
vmm_rpc_header_decode(const guint8 *buf, gsize size, VmmRpcHeader *hdr, GError **error)
{
    if (size < VMM_RPC_HEADER_SIZE) {
        vmm_error_set(error, VMM_ERR_RPC, _("truncated packet header (%zu bytes)"), size);
        return FALSE;
    }
    hdr->prog = get_be32(buf);
    hdr->vers = get_be32(buf + 4);
    hdr->proc = (gint32)get_be32(buf + 8);
    hdr->type = (gint32)get_be32(buf + 12);
    hdr->serial = get_be32(buf + 16);
    hdr->status = (gint32)get_be32(buf + 20);
    return TRUE;
}

static void
header_encode(guint8 *p, guint32 len, const VmmRpcHeader *hdr)
{
    put_be32(p, len);
    put_be32(p + 4, hdr->prog);
    put_be32(p + 8, hdr->vers);
    put_be32(p + 12, (guint32)hdr->proc);
    put_be32(p + 16, (guint32)hdr->type);
    put_be32(p + 20, hdr->serial);
    put_be32(p + 24, (guint32)hdr->status);
}

#define PACKET_PREFIX (VMM_RPC_LEN_SIZE + VMM_RPC_HEADER_SIZE)

GBytes *
vmm_rpc_packet_encode(const VmmRpcHeader *hdr, xdrproc_t proc, const void *body,
                      GError **error)
{
    gsize body_len = 0;
    guint8 *buf;
    XDR xdr;

    if (proc) {
        /* xdr_sizeof() walks the value once without writing: exact size,
         * so the buffer is allocated once and the limit checked first. */
        body_len = xdr_sizeof(proc, (void *)body);
    }
    if (body_len > VMM_RPC_MESSAGE_MAX - VMM_RPC_HEADER_SIZE) {
        vmm_error_set(error, VMM_ERR_RPC, _("message payload of %zu bytes is too large"),
                      body_len);
        return NULL;
    }

    buf = g_malloc(PACKET_PREFIX + body_len);
    header_encode(buf, PACKET_PREFIX + body_len, hdr);
    if (body_len > 0) {
        xdrmem_create(&xdr, (char *)buf + PACKET_PREFIX, body_len, XDR_ENCODE);
        if (!proc(&xdr, (void *)body, 0)) {
            xdr_destroy(&xdr);
            g_free(buf);
            vmm_error_set(error, VMM_ERR_RPC, _("unable to encode message payload"));
            return NULL;
        }
        xdr_destroy(&xdr);
    }
    return g_bytes_new_take(buf, PACKET_PREFIX + body_len);
}

GBytes *
vmm_rpc_packet_encode_raw(const VmmRpcHeader *hdr, const void *data, gsize len,
                          GError **error)
{
    guint8 *buf;

    if (len > VMM_RPC_MESSAGE_MAX - VMM_RPC_HEADER_SIZE) {
        vmm_error_set(error, VMM_ERR_RPC, _("stream packet of %zu bytes is too large"), len);
        return NULL;
    }
    buf = g_malloc(PACKET_PREFIX + len);
    header_encode(buf, PACKET_PREFIX + len, hdr);
    if (len)
        memcpy(buf + PACKET_PREFIX, data, len);
    return g_bytes_new_take(buf, PACKET_PREFIX + len);
}

/* Messages longer than this are cut: an error must always fit. */
#define ERROR_MESSAGE_MAX 65536

void
vmm_rpc_error_from_gerror(const GError *err, VmmRpcErrorDomain from, remote_error *rerr)
{
    const char *msg = err && err->message ? err->message : _("unknown error");

    memset(rerr, 0, sizeof(*rerr));
    rerr->code = err && err->domain == VMM_ERROR ? err->code : VMM_ERR_INTERNAL_ERROR;
    rerr->domain = from;
    rerr->message = g_new0(char *, 1);
    *rerr->message = g_strndup(msg, ERROR_MESSAGE_MAX);
    rerr->level = 2;
    rerr->int1 = -1;
    rerr->int2 = -1;
}

/* Frees what vmm_rpc_error_from_gerror() allocated (g_malloc'ed, so not
 * xdr_free, which would use free(): the same allocator under glibc, but
 * keep the pairs matched). */
static void
rerr_clear(remote_error *rerr)
{
    if (rerr->message)
        g_free(*rerr->message);
    g_free(rerr->message);
}

GBytes *
vmm_rpc_packet_encode_error(const VmmRpcHeader *hdr, const GError *err,
                            VmmRpcErrorDomain from)
{
    VmmRpcHeader h = *hdr;
    remote_error rerr;
    GBytes *pkt;

    h.status = VMM_RPC_ERROR;
    vmm_rpc_error_from_gerror(err, from, &rerr);
    pkt = vmm_rpc_packet_encode(&h, (xdrproc_t)xdr_remote_error, &rerr, NULL);
    rerr_clear(&rerr);
    g_assert(pkt);   /* bounded message: cannot fail */
    return pkt;
}

gboolean
vmm_rpc_payload_decode(const guint8 *payload, gsize size, xdrproc_t proc, void *out,
                       GError **error)
{
    XDR xdr;
    gboolean ok;

    if (size > VMM_RPC_MESSAGE_MAX) {
        vmm_error_set(error, VMM_ERR_RPC, _("message payload of %zu bytes is too large"), size);
        return FALSE;
    }
    xdrmem_create(&xdr, (char *)payload, size, XDR_DECODE);
    ok = proc(&xdr, out, 0);
    xdr_destroy(&xdr);
    if (!ok) {
        /* xdr_free copes with a partly decoded value. */
        xdr_free(proc, out);
        vmm_error_set(error, VMM_ERR_RPC, _("Unable to decode message payload"));
        return FALSE;
    }
    return TRUE;
}

void
vmm_rpc_payload_free(xdrproc_t proc, void *obj)
{
    if (proc && obj)
        xdr_free(proc, obj);
}

GError *
vmm_rpc_error_to_gerror(const remote_error *rerr)
{
    const char *msg = rerr->message && *rerr->message ? *rerr->message : NULL;
    int code = rerr->code;

    if (!msg)
        msg = _("unknown error");
    /* libvirtd's answer to a procedure it lacks; libvirt's client turns it
     * into "not supported" so callers can fall back, and so do we. */
    if (code == VMM_ERR_RPC && g_str_has_prefix(msg, "unknown procedure"))
        code = VMM_ERR_NO_SUPPORT;
    if (code <= 0)
        code = VMM_ERR_INTERNAL_ERROR;
    return g_error_new_literal(VMM_ERROR, code, msg);
}
