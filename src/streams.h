/*
 * streams.h: data streams (libvirt's virStream), used for consoles.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A stream is made empty with vmm_stream_new() and connected by an
 * operation such as vmm_domain_open_console().  Data then flows both ways
 * with vmm_stream_send()/vmm_stream_recv(); vmm_stream_get_fd() is an fd
 * that polls readable whenever recv would not block (data, EOF or an
 * error).  A stream ends with vmm_stream_finish() (orderly) or
 * vmm_stream_abort().  All calls are thread-safe.
 */
#pragma once

#include "vmm.h"

G_BEGIN_DECLS

typedef struct _VmmStream VmmStream;

typedef enum {
    VMM_STREAM_NONBLOCK = 1 << 0,
} VmmStreamFlags;

/* libvirt's virDomainConsoleFlags. */
typedef enum {
    VMM_DOMAIN_CONSOLE_FORCE = 1 << 0,   /* take the console over */
    VMM_DOMAIN_CONSOLE_SAFE = 1 << 1,    /* only with safe console handling */
} VmmDomainConsoleFlags;

/* recv/send result when a non-blocking stream has nothing to give/take. */
#define VMM_STREAM_AGAIN (-2)

/* @conn is the connection the stream will serve (as with libvirt, it must
 * stay open while the stream is used). */
VmmStream *vmm_stream_new(VmmConnect *conn, unsigned int flags);
VmmStream *vmm_stream_ref(VmmStream *st);
/* The last reference aborts a stream still open. */
void vmm_stream_unref(VmmStream *st);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmStream, vmm_stream_unref)

/* Bytes taken, VMM_STREAM_AGAIN (non-blocking only), or -1 with @error. */
gssize vmm_stream_send(VmmStream *st, const char *data, gsize len, GError **error);
/* Bytes read, 0 at EOF, VMM_STREAM_AGAIN (non-blocking only), -1 with
 * @error. */
gssize vmm_stream_recv(VmmStream *st, char *data, gsize len, GError **error);
/* Wait at most @timeout_ms (< 0: no deadline) for something to read, then
 * like vmm_stream_recv(); VMM_STREAM_AGAIN when the deadline passed. */
gssize vmm_stream_recv_timeout(VmmStream *st, char *data, gsize len, int timeout_ms,
                               GError **error);
/* Polls readable when recv would not block; -1 before the stream is
 * connected.  Owned by the stream. */
int vmm_stream_get_fd(VmmStream *st);
/* Orderly end (all sent data delivered); the stream is closed after. */
gboolean vmm_stream_finish(VmmStream *st, GError **error);
gboolean vmm_stream_abort(VmmStream *st, GError **error);
/* TRUE while connected and neither finished, aborted nor killed. */
gboolean vmm_stream_is_open(VmmStream *st);

/*
 * Connect @st to the console or serial device @dev_name (its alias such
 * as "serial0", or NULL for the first console) of the running @dom.
 * Another session holding it makes this fail, unless
 * VMM_DOMAIN_CONSOLE_FORCE, which ends that session with an error.
 */
gboolean vmm_domain_open_console(VmmDomain *dom, const char *dev_name, VmmStream *st,
                                 unsigned int flags, GError **error);

/*
 * Connect @st to the content of @vol from byte @offset, for @length bytes
 * (0: up to the volume's capacity).  Upload: what is sent on @st is
 * written to the volume when the stream is finished; sending past the
 * range fails.  Download: @st reads the range, then EOF.  No @flags are
 * supported yet (libvirt's SPARSE_STREAM is 1).
 */
gboolean vmm_storage_vol_upload(VmmStorageVol *vol, VmmStream *st, guint64 offset,
                                guint64 length, unsigned int flags, GError **error);
gboolean vmm_storage_vol_download(VmmStorageVol *vol, VmmStream *st, guint64 offset,
                                  guint64 length, unsigned int flags, GError **error);

/* ---- for drivers ---- */

typedef struct {
    /* Non-blocking; VMM_STREAM_AGAIN when it would block. */
    gssize (*send)(gpointer priv, const char *data, gsize len, GError **error);
    gssize (*recv)(gpointer priv, char *data, gsize len, GError **error);
    int (*get_fd)(gpointer priv);
    gboolean (*finish)(gpointer priv, GError **error);
    void (*abort)(gpointer priv);
    /* Make get_fd() poll readable for good (the stream was killed). */
    void (*kill)(gpointer priv);
    void (*free)(gpointer priv);
} VmmStreamBackend;

/* Connect @st to @backend (once). */
gboolean vmm_stream_set_backend(VmmStream *st, const VmmStreamBackend *backend,
                                gpointer priv, GError **error);
/* Connect @st to the file descriptor @fd (taken, made non-blocking): a
 * PTY, pipe or socket. */
gboolean vmm_stream_open_fd(VmmStream *st, int fd, GError **error);
/* End @st from outside (console takeover): its user's next recv/send
 * fails with @reason (copied). */
void vmm_stream_kill(VmmStream *st, const GError *reason);

/* Console support of a driver table (registered at driver init). */
typedef gboolean (*VmmDomainOpenConsoleFunc)(VmmDomain *dom, const char *dev_name,
                                             VmmStream *st, unsigned int flags,
                                             GError **error);
void vmm_stream_register_console(const char *driver_name, VmmDomainOpenConsoleFunc func);

G_END_DECLS
