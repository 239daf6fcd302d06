/*
 * rpc_packet.h: framing of libvirt-protocol packets (header, length word,
 * XDR payloads, the error payload) for both vmmd and the client side.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A packet is: u32 len (whole packet, the word itself included), then the
 * 24-byte header, then the payload.  Everything is big-endian XDR.
 */
#pragma once

#include <glib.h>
#include <rpc/rpc.h>

#include "rpc/remote_protocol.h"

G_BEGIN_DECLS

#define VMM_RPC_LEN_SIZE 4
#define VMM_RPC_HEADER_SIZE 24
/* Largest message, not counting the length word (libvirt 9.0's limit: a
 * peer sending more is dropped by virsh, so we never send more either). */
#define VMM_RPC_MESSAGE_MAX 33554432u
/* Receive buffers start at this size and grow to the announced length. */
#define VMM_RPC_BUFFER_INITIAL 65536u

typedef enum {
    VMM_RPC_CALL = 0,
    VMM_RPC_REPLY = 1,
    VMM_RPC_MESSAGE = 2,           /* events, keepalive */
    VMM_RPC_STREAM = 3,
    VMM_RPC_CALL_WITH_FDS = 4,
    VMM_RPC_REPLY_WITH_FDS = 5,
    VMM_RPC_STREAM_HOLE = 6,
} VmmRpcType;

typedef enum {
    VMM_RPC_OK = 0,
    VMM_RPC_ERROR = 1,
    VMM_RPC_CONTINUE = 2,
} VmmRpcStatus;

/* libvirt's virErrorDomain values we send in remote_error.domain. */
typedef enum {
    VMM_RPC_FROM_NONE = 0,
    VMM_RPC_FROM_RPC = 7,
    VMM_RPC_FROM_QEMU = 10,
    VMM_RPC_FROM_TEST = 12,
    VMM_RPC_FROM_REMOTE = 13,
} VmmRpcErrorDomain;

typedef struct {
    guint32 prog;
    guint32 vers;
    gint32 proc;
    gint32 type;      /* VmmRpcType */
    guint32 serial;
    gint32 status;    /* VmmRpcStatus */
} VmmRpcHeader;

/*
 * Check the length word at @buf (4 bytes) and store the packet length
 * (length word included) in *@len.  Fails when the packet could not even
 * hold a header or is larger than VMM_RPC_MESSAGE_MAX + 4: callers check
 * this before reading (or allocating for) the body.
 */
gboolean vmm_rpc_length_decode(const guint8 *buf, guint32 *len, GError **error);

/* Decode the 24-byte header at @buf (just after the length word). */
gboolean vmm_rpc_header_decode(const guint8 *buf, gsize size, VmmRpcHeader *hdr,
                               GError **error);

/*
 * Build a whole packet (length word, @hdr, then @body encoded by @proc; a
 * NULL @proc means no payload).  Fails when encoding fails or the packet
 * would exceed the limit.  Returns a new GBytes.
 */
GBytes *vmm_rpc_packet_encode(const VmmRpcHeader *hdr, xdrproc_t proc,
                              const void *body, GError **error);

/* A packet whose payload is @len raw bytes (stream data; no XDR). */
GBytes *vmm_rpc_packet_encode_raw(const VmmRpcHeader *hdr, const void *data,
                                  gsize len, GError **error);

/*
 * A packet carrying @err as remote_error, with hdr->status forced to
 * ERROR.  @err's code goes out unchanged when it is ours (VMM_ERROR),
 * VMM_ERR_INTERNAL_ERROR otherwise; @from is the virErrorDomain.
 * Never fails (an over-long message is truncated).
 */
GBytes *vmm_rpc_packet_encode_error(const VmmRpcHeader *hdr, const GError *err,
                                    VmmRpcErrorDomain from);

/*
 * Decode @size bytes at @payload into @out with @proc.  @out must be
 * zeroed; on success the caller frees it with vmm_rpc_payload_free().
 * String and array limits of the .x file apply; on failure nothing is
 * left allocated.
 */
gboolean vmm_rpc_payload_decode(const guint8 *payload, gsize size, xdrproc_t proc,
                                void *out, GError **error);
void vmm_rpc_payload_free(xdrproc_t proc, void *obj);

/*
 * The GError for a remote_error received from a peer.  Like libvirt's
 * client, the "unknown procedure" RPC error becomes VMM_ERR_NO_SUPPORT.
 */
GError *vmm_rpc_error_to_gerror(const remote_error *rerr);

/* Fill @rerr (caller frees with xdr_free(xdr_remote_error)) from @err. */
void vmm_rpc_error_from_gerror(const GError *err, VmmRpcErrorDomain from,
                               remote_error *rerr);

G_END_DECLS
