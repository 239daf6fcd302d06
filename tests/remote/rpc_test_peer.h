/*
 * rpc_test_peer.h: the fake server's side of a connection, for the client
 * tests: blocking reads and writes of whole packets on a plain fd.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "rpc/rpc_packet.h"

/* Read one packet: fills @hdr and returns the payload, or NULL when the
 * peer closed before a packet began.  A malformed packet fails the test. */
GBytes *test_peer_recv(int fd, VmmRpcHeader *hdr);

void test_peer_send(int fd, GBytes *pkt);

/* REPLY OK to @call with @body encoded by @proc (NULL: empty). */
void test_peer_reply(int fd, const VmmRpcHeader *call, xdrproc_t proc, const void *body);

/* REPLY ERROR to @call carrying @code and @msg as remote_error. */
void test_peer_reply_error(int fd, const VmmRpcHeader *call, int code, const char *msg);
