/*
 * rpc_test_peer.c: the fake server's side of a connection, for the client
 * tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "rpc_test_peer.h"
#include "util/vmm_error.h"

#include <unistd.h>

/* FALSE when the peer closed before @len bytes came. */
static gboolean
read_full(int fd, void *buf, size_t len)
{
    size_t off = 0;

    while (off < len) {
        ssize_t n = read(fd, (char *)buf + off, len - off);

        if (n <= 0)
            return FALSE;
        off += n;
    }
    return TRUE;
}

GBytes *
test_peer_recv(int fd, VmmRpcHeader *hdr)
{
    guint8 lenbuf[VMM_RPC_LEN_SIZE];
    g_autofree guint8 *rest = NULL;
    guint32 len;

    if (!read_full(fd, lenbuf, sizeof(lenbuf)))
        return NULL;
    g_assert_true(vmm_rpc_length_decode(lenbuf, &len, NULL));
    rest = g_malloc(len - VMM_RPC_LEN_SIZE);
    g_assert_true(read_full(fd, rest, len - VMM_RPC_LEN_SIZE));
    g_assert_true(vmm_rpc_header_decode(rest, len - VMM_RPC_LEN_SIZE, hdr, NULL));
    return g_bytes_new(rest + VMM_RPC_HEADER_SIZE,
                       len - VMM_RPC_LEN_SIZE - VMM_RPC_HEADER_SIZE);
}

void
test_peer_send(int fd, GBytes *pkt)
{
    gsize len;
    const void *data = g_bytes_get_data(pkt, &len);

    g_assert_cmpint(write(fd, data, len), ==, (gssize)len);
}

void
test_peer_reply(int fd, const VmmRpcHeader *call, xdrproc_t proc, const void *body)
{
    VmmRpcHeader hdr = *call;
    g_autoptr(GBytes) pkt = NULL;

    hdr.type = VMM_RPC_REPLY;
    hdr.status = VMM_RPC_OK;
    pkt = vmm_rpc_packet_encode(&hdr, proc, body, NULL);
    g_assert_nonnull(pkt);
    test_peer_send(fd, pkt);
}

void
test_peer_reply_error(int fd, const VmmRpcHeader *call, int code, const char *msg)
{
    VmmRpcHeader hdr = *call;
    g_autoptr(GError) err = g_error_new_literal(VMM_ERROR, code, msg);
    g_autoptr(GBytes) pkt = NULL;

    hdr.type = VMM_RPC_REPLY;
    pkt = vmm_rpc_packet_encode_error(&hdr, err, VMM_RPC_FROM_TEST);
    test_peer_send(fd, pkt);
}
