/*
 * streams.c: data streams (libvirt's virStream) and the fd backend.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE   /* dup3 */
#include "streams.h"
#include "driver.h"
#include "remote/remote_driver.h"
#include "remote/remote_stream.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct _VmmStream {
    gint ref;
    VmmConnect *conn;        /* not referenced: backends keep what they need */
    unsigned int flags;
    GMutex lock;
    const VmmStreamBackend *be;
    gpointer priv;
    gboolean closed;         /* finished or aborted: backend freed */
    GError *killed;          /* ended from outside */
};

VmmStream *
vmm_stream_new(VmmConnect *conn, unsigned int flags)
{
    VmmStream *st = g_new0(VmmStream, 1);

    st->ref = 1;
    st->conn = conn;
    st->flags = flags;
    g_mutex_init(&st->lock);
    return st;
}

VmmStream *
vmm_stream_ref(VmmStream *st)
{
    g_atomic_int_inc(&st->ref);
    return st;
}

/* Under the lock: drop the backend. */
static void
stream_close_locked(VmmStream *st, gboolean abort)
{
    if (st->be && !st->closed) {
        if (abort && st->be->abort)
            st->be->abort(st->priv);
        if (st->be->free)
            st->be->free(st->priv);
        st->priv = NULL;
    }
    st->closed = TRUE;
}

void
vmm_stream_unref(VmmStream *st)
{
    if (!st || !g_atomic_int_dec_and_test(&st->ref))
        return;
    stream_close_locked(st, TRUE);
    g_clear_error(&st->killed);
    g_mutex_clear(&st->lock);
    g_free(st);
}

/* Under the lock: FALSE with @error unless data may flow. */
static gboolean
stream_check_locked(VmmStream *st, GError **error)
{
    if (st->killed) {
        g_propagate_error(error, g_error_copy(st->killed));
        return FALSE;
    }
    if (!st->be) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("stream is not open"));
        return FALSE;
    }
    if (st->closed) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("stream is closed"));
        return FALSE;
    }
    return TRUE;
}

/* Wait until the backend's fd polls @events or @timeout_ms passes. */
static gboolean
stream_wait(VmmStream *st, short events, int timeout_ms)
{
    struct pollfd pfd = { .events = events };
    int r;

    g_mutex_lock(&st->lock);
    pfd.fd = st->be && !st->closed && st->be->get_fd ? st->be->get_fd(st->priv) : -1;
    g_mutex_unlock(&st->lock);
    if (pfd.fd < 0)
        return TRUE;
    do
        r = poll(&pfd, 1, timeout_ms);
    while (r < 0 && errno == EINTR);
    return r != 0;
}

gssize
vmm_stream_send(VmmStream *st, const char *data, gsize len, GError **error)
{
    gsize done = 0;

    while (done < len || len == 0) {
        gssize n;

        g_mutex_lock(&st->lock);
        if (!stream_check_locked(st, error)) {
            g_mutex_unlock(&st->lock);
            return -1;
        }
        n = st->be->send(st->priv, data + done, len - done, error);
        g_mutex_unlock(&st->lock);
        if (n < 0 && n != VMM_STREAM_AGAIN)
            return -1;
        if (n > 0)
            done += n;
        if (len == 0 || (st->flags & VMM_STREAM_NONBLOCK))
            return done > 0 || len == 0 ? (gssize)done : VMM_STREAM_AGAIN;
        if (n == VMM_STREAM_AGAIN)
            stream_wait(st, POLLOUT, -1);
    }
    return done;
}

gssize
vmm_stream_recv(VmmStream *st, char *data, gsize len, GError **error)
{
    if (!(st->flags & VMM_STREAM_NONBLOCK))
        return vmm_stream_recv_timeout(st, data, len, -1, error);
    return vmm_stream_recv_timeout(st, data, len, 0, error);
}

gssize
vmm_stream_recv_timeout(VmmStream *st, char *data, gsize len, int timeout_ms,
                        GError **error)
{
    gint64 deadline = timeout_ms < 0 ? -1 :
                      g_get_monotonic_time() + (gint64)timeout_ms * 1000;

    for (;;) {
        gssize n;
        int left;

        g_mutex_lock(&st->lock);
        if (!stream_check_locked(st, error)) {
            g_mutex_unlock(&st->lock);
            return -1;
        }
        n = st->be->recv(st->priv, data, len, error);
        g_mutex_unlock(&st->lock);
        if (n != VMM_STREAM_AGAIN)
            return n;
        if (deadline < 0)
            left = -1;
        else if ((left = (int)((deadline - g_get_monotonic_time()) / 1000)) <= 0)
            return VMM_STREAM_AGAIN;
        stream_wait(st, POLLIN, left);
    }
}

int
vmm_stream_get_fd(VmmStream *st)
{
    int fd = -1;

    g_mutex_lock(&st->lock);
    if (st->be && !st->closed && st->be->get_fd)
        fd = st->be->get_fd(st->priv);
    g_mutex_unlock(&st->lock);
    return fd;
}

gboolean
vmm_stream_finish(VmmStream *st, GError **error)
{
    gboolean ok = TRUE;

    g_mutex_lock(&st->lock);
    if (!stream_check_locked(st, error)) {
        stream_close_locked(st, TRUE);
        g_mutex_unlock(&st->lock);
        return FALSE;
    }
    if (st->be->finish)
        ok = st->be->finish(st->priv, error);
    stream_close_locked(st, !ok);
    g_mutex_unlock(&st->lock);
    return ok;
}

gboolean
vmm_stream_abort(VmmStream *st, GError **error)
{
    g_mutex_lock(&st->lock);
    if (!st->be) {
        g_mutex_unlock(&st->lock);
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("stream is not open"));
        return FALSE;
    }
    stream_close_locked(st, TRUE);
    g_mutex_unlock(&st->lock);
    return TRUE;
}

gboolean
vmm_stream_is_open(VmmStream *st)
{
    gboolean open;

    g_mutex_lock(&st->lock);
    open = st->be && !st->closed && !st->killed;
    g_mutex_unlock(&st->lock);
    return open;
}

gboolean
vmm_stream_set_backend(VmmStream *st, const VmmStreamBackend *backend, gpointer priv,
                       GError **error)
{
    g_mutex_lock(&st->lock);
    if (st->be || st->closed) {
        g_mutex_unlock(&st->lock);
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s",
                      _("stream is already in use"));
        return FALSE;
    }
    st->be = backend;
    st->priv = priv;
    g_mutex_unlock(&st->lock);
    return TRUE;
}

void
vmm_stream_kill(VmmStream *st, const GError *reason)
{
    g_mutex_lock(&st->lock);
    if (!st->killed && st->be && !st->closed) {
        st->killed = g_error_copy(reason);
        if (st->be->kill)
            st->be->kill(st->priv);
    }
    g_mutex_unlock(&st->lock);
}

/* ------------------------------------------------------------------ */
/* The fd backend                                                      */

typedef struct {
    int fd;
} FdStream;

static gssize
fd_send(gpointer priv, const char *data, gsize len, GError **error)
{
    FdStream *fs = priv;
    gssize n;

    if (len == 0)
        return 0;
    do
        n = write(fs->fd, data, len);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return VMM_STREAM_AGAIN;
    if (n < 0) {
        vmm_error_set_errno(error, errno, "%s", _("cannot write to stream"));
        return -1;
    }
    return n;
}

static gssize
fd_recv(gpointer priv, char *data, gsize len, GError **error)
{
    FdStream *fs = priv;
    gssize n;

    do
        n = read(fs->fd, data, len);
    while (n < 0 && errno == EINTR);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return VMM_STREAM_AGAIN;
    /* A PTY whose other side closed (QEMU exited) reads EIO: that is EOF. */
    if (n < 0 && errno == EIO)
        return 0;
    if (n < 0) {
        vmm_error_set_errno(error, errno, "%s", _("cannot read from stream"));
        return -1;
    }
    return n;
}

static int
fd_get_fd(gpointer priv)
{
    return ((FdStream *)priv)->fd;
}

static void
fd_kill(gpointer priv)
{
    FdStream *fs = priv;
    /* Replace the fd under the same number by one that always polls
     * readable: whoever polls it wakes up and finds the stream killed. */
    int efd = eventfd(1, EFD_CLOEXEC | EFD_NONBLOCK);

    if (efd >= 0) {
        dup3(efd, fs->fd, O_CLOEXEC);
        close(efd);
    }
}

static void
fd_free(gpointer priv)
{
    FdStream *fs = priv;

    if (fs->fd >= 0)
        close(fs->fd);
    g_free(fs);
}

static const VmmStreamBackend fd_backend = {
    .send = fd_send,
    .recv = fd_recv,
    .get_fd = fd_get_fd,
    .kill = fd_kill,
    .free = fd_free,
};

gboolean
vmm_stream_open_fd(VmmStream *st, int fd, GError **error)
{
    FdStream *fs = g_new0(FdStream, 1);
    int fl = fcntl(fd, F_GETFL);

    if (fl >= 0)
        fcntl(fd, F_SETFL, fl | O_NONBLOCK);
    fs->fd = fd;
    if (!vmm_stream_set_backend(st, &fd_backend, fs, error)) {
        fd_free(fs);
        return FALSE;
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Consoles                                                            */

static GMutex console_lock;
static GHashTable *console_funcs;   /* driver name -> VmmDomainOpenConsoleFunc */

void
vmm_stream_register_console(const char *driver_name, VmmDomainOpenConsoleFunc func)
{
    g_mutex_lock(&console_lock);
    if (!console_funcs)
        console_funcs = g_hash_table_new(g_str_hash, g_str_equal);
    g_hash_table_insert(console_funcs, (gpointer)driver_name, (gpointer)func);
    g_mutex_unlock(&console_lock);
}

gboolean
vmm_domain_open_console(VmmDomain *dom, const char *dev_name, VmmStream *st,
                        unsigned int flags, GError **error)
{
    VmmDomainOpenConsoleFunc func = NULL;

    if (!dom || !st) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, "%s", _("no domain or stream given"));
        return FALSE;
    }
    if (dom->conn->flags & VMM_CONNECT_RO) {
        vmm_error_set(error, VMM_ERR_OPERATION_DENIED, _("read only access prevents %s"),
                      "virDomainOpenConsole");
        return FALSE;
    }
    if (flags & ~(unsigned int)(VMM_DOMAIN_CONSOLE_FORCE | VMM_DOMAIN_CONSOLE_SAFE)) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("unsupported flags (0x%x) in function %s"),
                      flags & ~(unsigned int)(VMM_DOMAIN_CONSOLE_FORCE |
                                              VMM_DOMAIN_CONSOLE_SAFE), G_STRFUNC);
        return FALSE;
    }
    if (dom->conn->driver == &vmm_remote_driver)
        return vmm_remote_domain_open_console(dom, dev_name, st, flags, error);
    g_mutex_lock(&console_lock);
    if (console_funcs)
        func = g_hash_table_lookup(console_funcs, dom->conn->driver->name);
    g_mutex_unlock(&console_lock);
    if (!func) {
        vmm_error_set(error, VMM_ERR_NO_SUPPORT, "%s", "virDomainOpenConsole");
        return FALSE;
    }
    return func(dom, dev_name, st, flags, error);
}
