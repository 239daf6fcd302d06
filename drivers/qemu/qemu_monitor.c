/*
 * qemu_monitor.c: an asynchronous QMP client living on a GMainContext.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Wire format: QMP sends one JSON object per line: first a greeting
 * {"QMP": {...}}, then replies {"return"|"error": ..., "id": ...} in
 * command order and events {"event": NAME, "data": {...}} at any time.
 * Every command carries our own "id" so that a reply arriving after its
 * command timed out is recognised and dropped instead of answering the
 * next command.
 *
 * Locking: mon->lock guards the fd, the buffers, the pending list and the
 * state; it is never held while calling out (replies, events, EOF).
 */
#include "drivers/qemu/qemu_monitor.h"
#include "util/vmm_blocking.h"
#include "util/vmm_error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_FORMAT "monitor of domain '{domain}' not responding ({job}, waited {waited})"
/* A single QMP message larger than this is treated as a broken peer. */
#define MAX_LINE (16 * 1024 * 1024)

typedef struct {
    gsize offset;
    int fd;
} OutFd;

/* An fd waiting to be passed is closed once it leaves the queue (sent,
 * or dropped with what was never sent). */
static void
out_fd_clear(gpointer p)
{
    close(((OutFd *)p)->fd);
}

typedef struct {
    gint ref;
    char *id;
    char *name;
    char *job;
    int timeout_ms;
    VmmQemuMonitorReplyFunc func;
    gpointer opaque;
    GSource *timer;
    gboolean completed;
} MonCmd;

struct _VmmQemuMonitor {
    gint ref;
    GMutex lock;
    GMainContext *ctx;
    char *name;
    int fd;
    gboolean closed;             /* EOF seen or closed by the owner */
    GSource *in_src;
    GSource *out_src;
    GString *inbuf;
    GString *outbuf;
    /* fds to pass (SCM_RIGHTS) with the byte at their offset in outbuf:
     * OutFd, oldest first; owned until sent. */
    GArray *out_fds;
    GQueue pending;              /* MonCmd*, oldest first */
    guint64 next_id;
    VmmQemuMonitorCallbacks cb;
    gpointer opaque;
    char *timeout_format;
    unsigned int version;
};

static MonCmd *
cmd_ref(MonCmd *c)
{
    g_atomic_int_inc(&c->ref);
    return c;
}

static void
cmd_unref(MonCmd *c)
{
    if (!c || !g_atomic_int_dec_and_test(&c->ref))
        return;
    g_free(c->id);
    g_free(c->name);
    g_free(c->job);
    g_free(c);
}

VmmQemuMonitor *
vmm_qemu_monitor_ref(VmmQemuMonitor *mon)
{
    g_atomic_int_inc(&mon->ref);
    return mon;
}

void
vmm_qemu_monitor_unref(VmmQemuMonitor *mon)
{
    if (!mon || !g_atomic_int_dec_and_test(&mon->ref))
        return;
    /* Sources hold references: none is left here, the pending list is
     * empty (close or EOF drained it). */
    if (mon->fd >= 0)
        close(mon->fd);
    g_string_free(mon->inbuf, TRUE);
    g_string_free(mon->outbuf, TRUE);
    if (mon->out_fds)
        g_array_unref(mon->out_fds);        /* closes the fds never sent */
    g_main_context_unref(mon->ctx);
    g_free(mon->name);
    g_free(mon->timeout_format);
    g_mutex_clear(&mon->lock);
    g_free(mon);
}

/* ---- connecting ---- */

static gboolean
unix_address(const char *path, struct sockaddr_un *addr, GError **error)
{
    memset(addr, 0, sizeof(*addr));
    addr->sun_family = AF_UNIX;
    if (strlen(path) >= sizeof(addr->sun_path)) {
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("monitor socket path '%s' is too long"), path);
        return FALSE;
    }
    strcpy(addr->sun_path, path);
    return TRUE;
}

int
vmm_qemu_monitor_listen_unix(const char *path, uid_t uid, gid_t gid, GError **error)
{
    struct sockaddr_un addr;
    int fd;

    if (!unix_address(path, &addr, error))
        return -1;
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        vmm_error_set_errno(error, errno, _("cannot create a socket"));
        return -1;
    }
    /* Linux gives the socket file the mode of the socket's inode: 0600
     * from the start, no window with the umask's mode. */
    if (fchmod(fd, 0600) < 0 ||
        (unlink(path) < 0 && errno != ENOENT) ||
        bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        vmm_error_set_errno(error, errno, _("cannot create monitor socket '%s'"), path);
        close(fd);
        return -1;
    }
    if (chmod(path, 0600) < 0 ||
        ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0) ||
        listen(fd, 1) < 0) {
        vmm_error_set_errno(error, errno, _("cannot set up monitor socket '%s'"), path);
        close(fd);
        unlink(path);
        return -1;
    }
    return fd;
}

int
vmm_qemu_monitor_connect_unix(const char *path, GError **error)
{
    struct sockaddr_un addr;
    int fd;

    if (!unix_address(path, &addr, error))
        return -1;
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
        vmm_error_set_errno(error, errno, _("cannot create a socket"));
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        vmm_error_set_errno(error, errno, _("cannot connect to monitor socket '%s'"), path);
        close(fd);
        return -1;
    }
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);
    return fd;
}

/* ---- completing commands ---- */

static void
cmd_complete(VmmQemuMonitor *mon, MonCmd *c, const VmmJsonNode *ret, const GError *err)
{
    if (c->func)
        c->func(mon, ret, err, c->opaque);
}

/* Take @c off the pending list; FALSE when something completed it first.
 * Called with the lock held. */
static gboolean
cmd_take_locked(VmmQemuMonitor *mon, MonCmd *c)
{
    if (c->completed)
        return FALSE;
    c->completed = TRUE;
    if (g_queue_remove(&mon->pending, c))
        cmd_unref(c);    /* the list's reference; the caller holds one */
    if (c->timer) {
        g_source_destroy(c->timer);
        g_source_unref(c->timer);
        c->timer = NULL;
    }
    return TRUE;
}

typedef struct {
    VmmQemuMonitor *mon;
    MonCmd *cmd;
    GError *error;
} DeferredFail;

static gboolean
deferred_fail_cb(gpointer opaque)
{
    DeferredFail *d = opaque;

    cmd_complete(d->mon, d->cmd, NULL, d->error);
    return G_SOURCE_REMOVE;
}

static void
deferred_fail_free(gpointer opaque)
{
    DeferredFail *d = opaque;

    cmd_unref(d->cmd);
    g_error_free(d->error);
    vmm_qemu_monitor_unref(d->mon);
    g_free(d);
}

/* Fail @c from the context, whichever thread we are on.  Takes @error. */
static void
cmd_fail_deferred(VmmQemuMonitor *mon, MonCmd *c, GError *error)
{
    DeferredFail *d = g_new0(DeferredFail, 1);
    GSource *idle = g_idle_source_new();

    d->mon = vmm_qemu_monitor_ref(mon);
    d->cmd = cmd_ref(c);
    d->error = error;
    g_source_set_callback(idle, deferred_fail_cb, d, deferred_fail_free);
    g_source_attach(idle, mon->ctx);
    g_source_unref(idle);
}

static GError *
closed_error(VmmQemuMonitor *mon, const char *why)
{
    GError *err = NULL;

    vmm_error_set(&err, VMM_ERR_OPERATION_FAILED,
                  _("monitor of domain '%s' closed (%s)"), mon->name, why);
    return err;
}

/* Mark closed and take the pending list; called with the lock held. */
static GList *
close_locked(VmmQemuMonitor *mon)
{
    GList *cmds;

    mon->closed = TRUE;
    if (mon->in_src) {
        g_source_destroy(mon->in_src);
        g_source_unref(mon->in_src);
        mon->in_src = NULL;
    }
    if (mon->out_src) {
        g_source_destroy(mon->out_src);
        g_source_unref(mon->out_src);
        mon->out_src = NULL;
    }
    /* The fd itself is closed by the last unref, so that a callback still
     * running on the context never reads a recycled descriptor. */
    if (mon->fd >= 0)
        shutdown(mon->fd, SHUT_RDWR);
    /* What was never sent is dropped, with the fds it would have passed. */
    g_string_truncate(mon->outbuf, 0);
    g_array_set_size(mon->out_fds, 0);
    cmds = mon->pending.head;
    g_queue_init(&mon->pending);
    for (GList *l = cmds; l; l = l->next) {
        MonCmd *c = l->data;
        c->completed = TRUE;
        if (c->timer) {
            g_source_destroy(c->timer);
            g_source_unref(c->timer);
            c->timer = NULL;
        }
    }
    return cmds;
}

void
vmm_qemu_monitor_close(VmmQemuMonitor *mon)
{
    GList *cmds;

    g_mutex_lock(&mon->lock);
    if (mon->closed) {
        g_mutex_unlock(&mon->lock);
        return;
    }
    cmds = close_locked(mon);
    g_mutex_unlock(&mon->lock);

    for (GList *l = cmds; l; l = l->next) {
        cmd_fail_deferred(mon, l->data, closed_error(mon, _("monitor closed")));
        cmd_unref(l->data);
    }
    g_list_free(cmds);
}

gboolean
vmm_qemu_monitor_is_open(VmmQemuMonitor *mon)
{
    gboolean open;

    g_mutex_lock(&mon->lock);
    open = !mon->closed;
    g_mutex_unlock(&mon->lock);
    return open;
}

/* EOF or a read error: on the context thread. */
static void
monitor_eof(VmmQemuMonitor *mon, const char *why)
{
    GList *cmds;
    GError *err;

    g_mutex_lock(&mon->lock);
    if (mon->closed) {
        g_mutex_unlock(&mon->lock);
        return;
    }
    cmds = close_locked(mon);
    g_mutex_unlock(&mon->lock);

    err = closed_error(mon, why);
    for (GList *l = cmds; l; l = l->next) {
        cmd_complete(mon, l->data, NULL, err);
        cmd_unref(l->data);
    }
    g_list_free(cmds);
    if (mon->cb.eof)
        mon->cb.eof(mon, err, mon->opaque);
    g_error_free(err);
}

/* ---- writing ---- */

static gboolean monitor_writable_cb(int fd, GIOCondition cond, gpointer opaque);

/* Write what we can; watch for writability when the socket is full.
 * Called with the lock held. */
static void
flush_locked(VmmQemuMonitor *mon)
{
    while (mon->outbuf->len > 0) {
        OutFd *of = mon->out_fds->len ? &g_array_index(mon->out_fds, OutFd, 0) : NULL;
        gsize len = mon->outbuf->len;

        /* Each write ends where the next fd rides: at the first fd, or
         * (sending that one now) at the second. */
        if (of && of->offset > 0)
            len = of->offset;
        else if (of && mon->out_fds->len > 1)
            len = g_array_index(mon->out_fds, OutFd, 1).offset;
        ssize_t n;

        if (of && of->offset == 0) {
            /* The fd rides on the first byte of its command. */
            union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
            } ctl;
            struct iovec iov = { .iov_base = mon->outbuf->str, .iov_len = len };
            struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
                                  .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
            struct cmsghdr *cm;

            memset(&ctl, 0, sizeof(ctl));
            cm = CMSG_FIRSTHDR(&msg);
            cm->cmsg_level = SOL_SOCKET;
            cm->cmsg_type = SCM_RIGHTS;
            cm->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(cm), &of->fd, sizeof(int));
            n = sendmsg(mon->fd, &msg, MSG_NOSIGNAL);
            if (n > 0)
                g_array_remove_index(mon->out_fds, 0);      /* closes it */
        } else {
            n = send(mon->fd, mon->outbuf->str, len, MSG_NOSIGNAL);
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        if (n < 0) {
            /* The reader sees the same failure as EOF and cleans up. */
            g_string_truncate(mon->outbuf, 0);
            g_array_set_size(mon->out_fds, 0);
            return;
        }
        g_string_erase(mon->outbuf, 0, n);
        for (guint i = 0; i < mon->out_fds->len; i++)
            g_array_index(mon->out_fds, OutFd, i).offset -= (gsize)n;
    }
    if (mon->outbuf->len > 0 && !mon->out_src) {
        mon->out_src = g_unix_fd_source_new(mon->fd, G_IO_OUT);
        g_source_set_callback(mon->out_src, G_SOURCE_FUNC(monitor_writable_cb),
                              vmm_qemu_monitor_ref(mon),
                              (GDestroyNotify)vmm_qemu_monitor_unref);
        g_source_attach(mon->out_src, mon->ctx);
    }
}

static gboolean
monitor_writable_cb(int fd, GIOCondition cond, gpointer opaque)
{
    VmmQemuMonitor *mon = opaque;

    g_mutex_lock(&mon->lock);
    if (mon->closed) {
        g_mutex_unlock(&mon->lock);
        return G_SOURCE_REMOVE;
    }
    g_source_unref(mon->out_src);
    mon->out_src = NULL;
    /* flush_locked() attaches a fresh source if still blocked. */
    flush_locked(mon);
    g_mutex_unlock(&mon->lock);
    return G_SOURCE_REMOVE;
}

/* ---- reading ---- */

static void
dispatch_reply(VmmQemuMonitor *mon, VmmJsonNode *msg)
{
    const char *id = vmm_json_node_object_get_string(msg, "id");
    MonCmd *c = NULL;
    VmmJsonNode *ret;
    VmmJsonNode *qerr;

    if (!id)
        return;
    g_mutex_lock(&mon->lock);
    for (GList *l = mon->pending.head; l; l = l->next) {
        MonCmd *p = l->data;
        if (strcmp(p->id, id) == 0) {
            c = cmd_ref(p);
            cmd_take_locked(mon, c);
            break;
        }
    }
    g_mutex_unlock(&mon->lock);
    if (!c)
        return;   /* a late reply to a command that timed out */

    ret = vmm_json_node_object_get(msg, "return");
    qerr = vmm_json_node_object_get(msg, "error");
    if (qerr || !ret) {
        g_autoptr(GError) err = NULL;
        const char *desc = vmm_json_node_object_get_string(qerr, "desc");
        vmm_error_set(&err, VMM_ERR_INTERNAL_ERROR,
                      _("unable to execute QEMU command '%s': %s"),
                      c->name, desc ? desc : _("malformed reply"));
        cmd_complete(mon, c, NULL, err);
    } else {
        cmd_complete(mon, c, ret, NULL);
    }
    cmd_unref(c);
}

static gboolean
data_bool(const VmmJsonNode *data, const char *key)
{
    gboolean b = FALSE;

    vmm_json_node_get_bool(vmm_json_node_object_get(data, key), &b);
    return b;
}

static void ev_shutdown(VmmQemuMonitor *mon, const VmmJsonNode *data)
{
    if (mon->cb.shutdown)
        mon->cb.shutdown(mon, data_bool(data, "guest"),
                         vmm_json_node_object_get_string(data, "reason"), mon->opaque);
}

static void ev_powerdown(VmmQemuMonitor *mon, const VmmJsonNode *data)
{
    if (mon->cb.powerdown)
        mon->cb.powerdown(mon, mon->opaque);
}

static void ev_reset(VmmQemuMonitor *mon, const VmmJsonNode *data)
{
    if (mon->cb.reset)
        mon->cb.reset(mon, data_bool(data, "guest"),
                      vmm_json_node_object_get_string(data, "reason"), mon->opaque);
}

static void ev_stop(VmmQemuMonitor *mon, const VmmJsonNode *data)
{
    if (mon->cb.stop)
        mon->cb.stop(mon, mon->opaque);
}

static void ev_resume(VmmQemuMonitor *mon, const VmmJsonNode *data)
{
    if (mon->cb.resume)
        mon->cb.resume(mon, mon->opaque);
}

static void ev_guest_panicked(VmmQemuMonitor *mon, const VmmJsonNode *data)
{
    if (mon->cb.guest_panicked)
        mon->cb.guest_panicked(mon, vmm_json_node_object_get_string(data, "action"),
                               data, mon->opaque);
}

static void ev_device_deleted(VmmQemuMonitor *mon, const VmmJsonNode *data)
{
    if (mon->cb.device_deleted)
        mon->cb.device_deleted(mon, vmm_json_node_object_get_string(data, "device"),
                               vmm_json_node_object_get_string(data, "path"),
                               mon->opaque);
}

static const struct {
    const char *name;
    void (*handle)(VmmQemuMonitor *mon, const VmmJsonNode *data);
} event_handlers[] = {
    { "SHUTDOWN", ev_shutdown },
    { "POWERDOWN", ev_powerdown },
    { "RESET", ev_reset },
    { "STOP", ev_stop },
    { "RESUME", ev_resume },
    { "GUEST_PANICKED", ev_guest_panicked },
    { "DEVICE_DELETED", ev_device_deleted },
};

static void
dispatch_event(VmmQemuMonitor *mon, const char *name, const VmmJsonNode *msg)
{
    const VmmJsonNode *data = vmm_json_node_object_get(msg, "data");

    for (gsize i = 0; i < G_N_ELEMENTS(event_handlers); i++) {
        if (strcmp(event_handlers[i].name, name) == 0) {
            event_handlers[i].handle(mon, data);
            break;
        }
    }
    if (mon->cb.event)
        mon->cb.event(mon, name, data, mon->opaque);
}

static void
handle_greeting(VmmQemuMonitor *mon, const VmmJsonNode *qmp)
{
    const VmmJsonNode *ver = vmm_json_node_object_get(
        vmm_json_node_object_get(qmp, "version"), "qemu");
    gint64 major = 0, minor = 0, micro = 0;

    vmm_json_node_get_int(vmm_json_node_object_get(ver, "major"), &major);
    vmm_json_node_get_int(vmm_json_node_object_get(ver, "minor"), &minor);
    vmm_json_node_get_int(vmm_json_node_object_get(ver, "micro"), &micro);
    g_mutex_lock(&mon->lock);
    mon->version = major * 1000000 + minor * 1000 + micro;
    g_mutex_unlock(&mon->lock);
}

static void
handle_line(VmmQemuMonitor *mon, const char *line, gsize len)
{
    g_autoptr(VmmJsonNode) msg = NULL;
    const char *event;
    VmmJsonNode *qmp;

    if (len == 0)
        return;
    /* A line we cannot parse is logged and skipped: QEMU's own output is
     * well-formed, so this only protects against a confused peer. */
    msg = vmm_json_node_parse(line, len, NULL);
    if (!msg || vmm_json_node_get_type(msg) != VMM_JSON_NODE_OBJECT) {
        g_debug("monitor of domain '%s': ignoring malformed message", mon->name);
        return;
    }
    if ((event = vmm_json_node_object_get_string(msg, "event")))
        dispatch_event(mon, event, msg);
    else if ((qmp = vmm_json_node_object_get(msg, "QMP")))
        handle_greeting(mon, qmp);
    else
        dispatch_reply(mon, msg);
}

static gboolean
monitor_readable_cb(int fd, GIOCondition cond, gpointer opaque)
{
    VmmQemuMonitor *mon = opaque;
    g_autoptr(VmmQemuMonitor) hold = vmm_qemu_monitor_ref(mon);
    char chunk[8192];
    const char *eof_why = NULL;
    gsize start = 0;

    g_mutex_lock(&mon->lock);
    if (mon->closed) {
        g_mutex_unlock(&mon->lock);
        return G_SOURCE_REMOVE;
    }
    for (;;) {
        ssize_t n = recv(mon->fd, chunk, sizeof(chunk), 0);
        if (n > 0) {
            g_string_append_len(mon->inbuf, chunk, n);
            if (mon->inbuf->len > MAX_LINE) {
                eof_why = _("message too long");
                break;
            }
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN)
            break;
        /* A reset is QEMU dying with our command unread: the same EOF. */
        eof_why = n == 0 || errno == ECONNRESET ? _("QEMU exited") : g_strerror(errno);
        break;
    }
    g_mutex_unlock(&mon->lock);

    /* Only this callback touches inbuf, so it is read without the lock. */
    for (;;) {
        char *nl = memchr(mon->inbuf->str + start, '\n', mon->inbuf->len - start);
        gsize len;
        if (!nl)
            break;
        len = nl - (mon->inbuf->str + start);
        if (len > 0 && mon->inbuf->str[start + len - 1] == '\r')
            len--;
        handle_line(mon, mon->inbuf->str + start, len);
        start = nl - mon->inbuf->str + 1;
        if (!vmm_qemu_monitor_is_open(mon))
            return G_SOURCE_REMOVE;
    }
    g_string_erase(mon->inbuf, 0, start);

    if (eof_why) {
        monitor_eof(mon, eof_why);
        return G_SOURCE_REMOVE;
    }
    return G_SOURCE_CONTINUE;
}

/* ---- sending ---- */

static char *
format_waited(int timeout_ms)
{
    if (timeout_ms % 1000 == 0)
        return g_strdup_printf("%d s", timeout_ms / 1000);
    if (timeout_ms > 1000)
        return g_strdup_printf("%.1f s", timeout_ms / 1000.0);
    return g_strdup_printf("%d ms", timeout_ms);
}

static GError *
timeout_error(VmmQemuMonitor *mon, MonCmd *c)
{
    g_autofree char *waited = format_waited(c->timeout_ms);
    g_autofree char *job = c->job ? g_strdup(c->job)
                                  : g_strdup_printf("command '%s'", c->name);
    g_autoptr(GString) msg = NULL;
    GError *err = NULL;

    g_mutex_lock(&mon->lock);
    msg = g_string_new(mon->timeout_format ? mon->timeout_format : DEFAULT_TIMEOUT_FORMAT);
    g_mutex_unlock(&mon->lock);
    g_string_replace(msg, "{domain}", mon->name, 0);
    g_string_replace(msg, "{command}", c->name, 0);
    g_string_replace(msg, "{job}", job, 0);
    g_string_replace(msg, "{waited}", waited, 0);
    vmm_error_set(&err, VMM_ERR_OPERATION_TIMEOUT, "%s", msg->str);
    return err;
}

typedef struct {
    VmmQemuMonitor *mon;
    MonCmd *cmd;
} TimerData;

static gboolean
timer_cb(gpointer opaque)
{
    TimerData *t = opaque;
    gboolean mine;

    g_mutex_lock(&t->mon->lock);
    mine = cmd_take_locked(t->mon, t->cmd);
    g_mutex_unlock(&t->mon->lock);
    if (mine) {
        g_autoptr(GError) err = timeout_error(t->mon, t->cmd);
        cmd_complete(t->mon, t->cmd, NULL, err);
    }
    return G_SOURCE_REMOVE;
}

static void
timer_data_free(gpointer opaque)
{
    TimerData *t = opaque;

    cmd_unref(t->cmd);
    vmm_qemu_monitor_unref(t->mon);
    g_free(t);
}

void
vmm_qemu_monitor_set_timeout_format(VmmQemuMonitor *mon, const char *format)
{
    g_mutex_lock(&mon->lock);
    g_free(mon->timeout_format);
    mon->timeout_format = g_strdup(format);
    g_mutex_unlock(&mon->lock);
}

unsigned int
vmm_qemu_monitor_get_version(VmmQemuMonitor *mon)
{
    unsigned int v;

    g_mutex_lock(&mon->lock);
    v = mon->version;
    g_mutex_unlock(&mon->lock);
    return v;
}

static void
send_full(VmmQemuMonitor *mon, const char *command, VmmJsonNode *args, int pass_fd,
          int timeout_ms, const char *job, VmmQemuMonitorReplyFunc func,
          gpointer opaque)
{
    g_autoptr(VmmJsonNode) msg = vmm_json_node_new_object();
    g_autofree char *text = NULL;
    MonCmd *c = g_new0(MonCmd, 1);

    c->ref = 1;
    c->name = g_strdup(command);
    c->job = g_strdup(job);
    c->timeout_ms = timeout_ms;
    c->func = func;
    c->opaque = opaque;

    g_mutex_lock(&mon->lock);
    if (mon->closed) {
        g_mutex_unlock(&mon->lock);
        if (args)
            vmm_json_node_free(args);
        if (pass_fd >= 0)
            close(pass_fd);
        c->completed = TRUE;
        cmd_fail_deferred(mon, c, closed_error(mon, _("QEMU exited")));
        cmd_unref(c);
        return;
    }
    c->id = g_strdup_printf("vmm-%" G_GUINT64_FORMAT, ++mon->next_id);
    vmm_json_node_object_set_string(msg, "execute", command);
    if (args)
        vmm_json_node_object_set(msg, "arguments", args);
    vmm_json_node_object_set_string(msg, "id", c->id);
    text = vmm_json_node_format(msg);
    if (pass_fd >= 0) {
        OutFd of = { .offset = mon->outbuf->len, .fd = pass_fd };

        g_array_append_val(mon->out_fds, of);
    }
    g_string_append(mon->outbuf, text);
    g_string_append(mon->outbuf, "\r\n");
    g_queue_push_tail(&mon->pending, c);   /* the list's reference */

    if (timeout_ms > 0) {
        TimerData *t = g_new0(TimerData, 1);
        t->mon = vmm_qemu_monitor_ref(mon);
        t->cmd = cmd_ref(c);
        c->timer = g_timeout_source_new(timeout_ms);
        g_source_set_callback(c->timer, timer_cb, t, timer_data_free);
        g_source_attach(c->timer, mon->ctx);
    }
    flush_locked(mon);
    g_mutex_unlock(&mon->lock);
}

void
vmm_qemu_monitor_send(VmmQemuMonitor *mon, const char *command, VmmJsonNode *args,
                      int timeout_ms, VmmQemuMonitorReplyFunc func, gpointer opaque)
{
    send_full(mon, command, args, -1, timeout_ms, NULL, func, opaque);
}

void
vmm_qemu_monitor_send_with_fd(VmmQemuMonitor *mon, const char *command, VmmJsonNode *args,
                              int fd, int timeout_ms, VmmQemuMonitorReplyFunc func,
                              gpointer opaque)
{
    send_full(mon, command, args, fd, timeout_ms, NULL, func, opaque);
}

VmmQemuMonitor *
vmm_qemu_monitor_open(int fd, const char *name, GMainContext *ctx,
                      const VmmQemuMonitorCallbacks *cb, gpointer opaque)
{
    VmmQemuMonitor *mon = g_new0(VmmQemuMonitor, 1);

    mon->ref = 1;
    g_mutex_init(&mon->lock);
    mon->ctx = g_main_context_ref(ctx ? ctx : g_main_context_default());
    mon->name = g_strdup(name);
    mon->fd = fd;
    mon->inbuf = g_string_new(NULL);
    mon->outbuf = g_string_new(NULL);
    mon->out_fds = g_array_new(FALSE, FALSE, sizeof(OutFd));
    g_array_set_clear_func(mon->out_fds, out_fd_clear);
    g_queue_init(&mon->pending);
    if (cb)
        mon->cb = *cb;
    mon->opaque = opaque;
    g_unix_set_fd_nonblocking(fd, TRUE, NULL);

    g_mutex_lock(&mon->lock);
    mon->in_src = g_unix_fd_source_new(fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
    g_source_set_callback(mon->in_src, G_SOURCE_FUNC(monitor_readable_cb),
                          vmm_qemu_monitor_ref(mon),
                          (GDestroyNotify)vmm_qemu_monitor_unref);
    g_source_attach(mon->in_src, mon->ctx);
    g_mutex_unlock(&mon->lock);

    /* QEMU answers nothing but qmp_capabilities until it is negotiated;
     * sending it first lets callers queue commands right away. */
    send_full(mon, "qmp_capabilities", NULL, -1, 0, NULL, NULL, NULL);
    return mon;
}

/* ---- the synchronous wrapper ---- */

typedef struct {
    gint ref;
    GMutex lock;
    GCond cond;
    gboolean done;
    VmmJsonNode *ret;
    GError *error;
} SyncWait;

static void
sync_wait_unref(SyncWait *w)
{
    if (!g_atomic_int_dec_and_test(&w->ref))
        return;
    vmm_json_node_free(w->ret);
    g_clear_error(&w->error);
    g_mutex_clear(&w->lock);
    g_cond_clear(&w->cond);
    g_free(w);
}

static void
sync_reply_cb(VmmQemuMonitor *mon, const VmmJsonNode *ret, const GError *error,
              gpointer opaque)
{
    SyncWait *w = opaque;

    g_mutex_lock(&w->lock);
    w->ret = ret ? vmm_json_node_copy(ret) : NULL;
    w->error = error ? g_error_copy(error) : NULL;
    w->done = TRUE;
    g_cond_broadcast(&w->cond);
    g_mutex_unlock(&w->lock);
    sync_wait_unref(w);
}

static VmmJsonNode *
command_sync(VmmQemuMonitor *mon, const char *command, VmmJsonNode *args, int pass_fd,
             int timeout_ms, const char *job, GError **error)
{
    SyncWait *w = g_new0(SyncWait, 1);
    VmmJsonNode *ret = NULL;
    gboolean done;

    w->ref = 2;    /* ours and the reply callback's */
    g_mutex_init(&w->lock);
    g_cond_init(&w->cond);
    send_full(mon, command, args, pass_fd, timeout_ms, job, sync_reply_cb, w);

    if (g_main_context_acquire(mon->ctx)) {
        /* Nobody else runs the context (or we are its thread): run it. */
        for (;;) {
            g_mutex_lock(&w->lock);
            done = w->done;
            g_mutex_unlock(&w->lock);
            if (done)
                break;
            g_main_context_iteration(mon->ctx, TRUE);
        }
        g_main_context_release(mon->ctx);
    } else {
        /* The context's own timer completes the command at its deadline;
         * the extra margin only guards against a stuck main loop. */
        gint64 until = g_get_monotonic_time() +
                       (timeout_ms > 0 ? (gint64)timeout_ms * 1000 + 5 * G_USEC_PER_SEC
                                       : G_MAXINT64 / 2);
        /* QEMU may not answer before the deadline: lend this worker. */
        vmm_blocking_enter();
        g_mutex_lock(&w->lock);
        while (!w->done) {
            if (!g_cond_wait_until(&w->cond, &w->lock, until))
                break;
        }
        g_mutex_unlock(&w->lock);
        vmm_blocking_leave();
    }

    g_mutex_lock(&w->lock);
    if (!w->done) {
        vmm_error_set(error, VMM_ERR_OPERATION_TIMEOUT,
                      _("monitor of domain '%s' not responding (main loop stalled)"),
                      mon->name);
    } else if (w->error) {
        g_propagate_error(error, g_steal_pointer(&w->error));
    } else {
        ret = g_steal_pointer(&w->ret);
    }
    g_mutex_unlock(&w->lock);
    sync_wait_unref(w);
    return ret;
}

VmmJsonNode *
vmm_qemu_monitor_command(VmmQemuMonitor *mon, const char *command, VmmJsonNode *args,
                         int timeout_ms, const char *job, GError **error)
{
    return command_sync(mon, command, args, -1, timeout_ms, job, error);
}

VmmJsonNode *
vmm_qemu_monitor_command_with_fd(VmmQemuMonitor *mon, const char *command, VmmJsonNode *args,
                                 int fd, int timeout_ms, const char *job, GError **error)
{
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, 3);

    if (copy < 0) {
        if (args)
            vmm_json_node_free(args);
        vmm_error_set_errno(error, errno, _("cannot pass fd %d to QEMU"), fd);
        return NULL;
    }
    return command_sync(mon, command, args, copy, timeout_ms, job, error);
}

gboolean
vmm_qemu_monitor_query_status(VmmQemuMonitor *mon, int timeout_ms, const char *job,
                              char **status, gboolean *running, GError **error)
{
    g_autoptr(VmmJsonNode) ret = vmm_qemu_monitor_command(mon, "query-status", NULL,
                                                          timeout_ms, job, error);
    const char *st;

    if (!ret)
        return FALSE;
    st = vmm_json_node_object_get_string(ret, "status");
    if (!st) {
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("query-status of domain '%s' returned no status"), mon->name);
        return FALSE;
    }
    if (status)
        *status = g_strdup(st);
    if (running)
        vmm_json_node_get_bool(vmm_json_node_object_get(ret, "running"), running);
    return TRUE;
}
