/*
 * vshell-event.c: the event, net-event and pool-event commands.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Callbacks run wherever the connection delivers them: on the remote
 * client's event thread, or in-process in the thread that caused the
 * change.  They only format a line, queue it and write a byte to a pipe;
 * the command's own thread waits on that pipe (and on SIGINT, which writes
 * to the same pipe) and does all the printing, so output stays in order
 * and nothing is printed after the command has returned.
 */
#include "vshell.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

/* virsh 9.0's event type names, in their event-id order; vmm delivers only
 * "lifecycle" (id 0) for each object kind. */
static const char *const domain_event_names[] = {
    "lifecycle", "reboot", "rtc-change", "watchdog", "io-error", "graphics",
    "io-error-reason", "control-error", "block-job", "disk-change", "tray-change",
    "pm-wakeup", "pm-suspend", "balloon-change", "pm-suspend-disk", "device-removed",
    "block-job-2", "tunable", "agent-lifecycle", "device-added", "migration-iteration",
    "job-completed", "device-removal-failed", "metadata-change", "block-threshold",
    "memory-failure", "memory-device-size-change", NULL,
};
static const char *const network_event_names[] = { "lifecycle", NULL };
static const char *const pool_event_names[] = { "lifecycle", "refresh", NULL };

typedef enum {
    EVENT_OBJ_DOMAIN,
    EVENT_OBJ_NETWORK,
    EVENT_OBJ_POOL,
} EventObj;

/* ------------------------------------------------------------------ */
/* The sink: shared between the callbacks and the waiting command.     */

typedef struct {
    gint refs;
    GMutex lock;
    GQueue lines;            /* of char *, ready to print */
    int pipefd[2];           /* a byte per queued line; 'i' for SIGINT */
    gboolean closed;         /* the command is done: drop further events */
    gboolean timestamp;
    gboolean filter;         /* only events of the object with @uuid */
    unsigned char uuid[VMM_UUID_BUFLEN];
} EventSink;

static EventSink *
sink_new(gboolean timestamp, GError **error)
{
    EventSink *sink;
    int fds[2];

    if (!g_unix_open_pipe(fds, FD_CLOEXEC, error))
        return NULL;
    sink = g_new0(EventSink, 1);
    sink->refs = 1;
    g_mutex_init(&sink->lock);
    g_queue_init(&sink->lines);
    sink->pipefd[0] = fds[0];
    sink->pipefd[1] = fds[1];
    sink->timestamp = timestamp;
    g_unix_set_fd_nonblocking(fds[0], TRUE, NULL);
    g_unix_set_fd_nonblocking(fds[1], TRUE, NULL);
    return sink;
}

static gpointer
sink_ref(EventSink *sink)
{
    g_atomic_int_inc(&sink->refs);
    return sink;
}

static void
sink_unref(gpointer data)
{
    EventSink *sink = data;

    if (!sink || !g_atomic_int_dec_and_test(&sink->refs))
        return;
    g_queue_clear_full(&sink->lines, g_free);
    g_mutex_clear(&sink->lock);
    close(sink->pipefd[0]);
    close(sink->pipefd[1]);
    g_free(sink);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(EventSink, sink_unref)

/* virsh's timestamp: UTC with milliseconds, "2024-01-31 12:00:00.123+0000". */
static char *
event_timestamp(void)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *secs = g_date_time_format(now, "%Y-%m-%d %H:%M:%S");

    return g_strdup_printf("%s.%03d+0000", secs, g_date_time_get_microsecond(now) / 1000);
}

/* Queues @text (a line without its timestamp) unless @uuid is filtered out. */
static void
sink_push(EventSink *sink, const unsigned char *uuid, const char *text)
{
    char *line;

    if (sink->filter && memcmp(uuid, sink->uuid, VMM_UUID_BUFLEN) != 0)
        return;
    if (sink->timestamp) {
        g_autofree char *ts = event_timestamp();
        line = g_strdup_printf("%s: %s", ts, text);
    } else {
        line = g_strdup(text);
    }
    g_mutex_lock(&sink->lock);
    if (sink->closed) {
        g_free(line);
    } else {
        g_queue_push_tail(&sink->lines, line);
        /* A full pipe already wakes the reader; the line is queued anyway. */
        if (write(sink->pipefd[1], "e", 1) < 0) {
            /* nothing to do */
        }
    }
    g_mutex_unlock(&sink->lock);
}

static void
domain_event_cb(VmmConnect *conn, VmmDomain *dom, int event, int detail, gpointer opaque)
{
    g_autofree char *text =
        g_strdup_printf(_("event 'lifecycle' for domain '%s': %s %s\n"),
                        vmm_domain_get_name(dom), vmm_domain_event_to_string(event),
                        vmm_domain_event_detail_to_string(event, detail));

    sink_push(opaque, vmm_domain_get_uuid(dom), text);
}

static const char *
network_event_string(int event)
{
    switch (event) {
    case VMM_NETWORK_EVENT_DEFINED: return _("Defined");
    case VMM_NETWORK_EVENT_UNDEFINED: return _("Undefined");
    case VMM_NETWORK_EVENT_STARTED: return _("Started");
    case VMM_NETWORK_EVENT_STOPPED: return _("Stopped");
    default: return _("unknown");
    }
}

static void
network_event_cb(VmmConnect *conn, VmmNetwork *net, int event, int detail, gpointer opaque)
{
    g_autofree char *text =
        g_strdup_printf(_("event 'lifecycle' for network %s: %s\n"),
                        vmm_network_get_name(net), network_event_string(event));

    sink_push(opaque, vmm_network_get_uuid(net), text);
}

static const char *
pool_event_string(int event)
{
    switch (event) {
    case VMM_STORAGE_POOL_EVENT_DEFINED: return _("Defined");
    case VMM_STORAGE_POOL_EVENT_UNDEFINED: return _("Undefined");
    case VMM_STORAGE_POOL_EVENT_STARTED: return _("Started");
    case VMM_STORAGE_POOL_EVENT_STOPPED: return _("Stopped");
    case VMM_STORAGE_POOL_EVENT_CREATED: return _("Created");
    case VMM_STORAGE_POOL_EVENT_DELETED: return _("Deleted");
    default: return _("unknown");
    }
}

static void
pool_event_cb(VmmConnect *conn, VmmStoragePool *pool, int event, int detail,
              gpointer opaque)
{
    g_autofree char *text =
        g_strdup_printf(_("event 'lifecycle' for storage pool %s: %s\n"),
                        vmm_storage_pool_get_name(pool), pool_event_string(event));

    sink_push(opaque, vmm_storage_pool_get_uuid(pool), text);
}

/* ------------------------------------------------------------------ */
/* Waiting                                                             */

typedef enum {
    EVENT_WAIT_DONE,
    EVENT_WAIT_TIMEOUT,
    EVENT_WAIT_INTERRUPT,
} EventWaitEnd;

/* The write end of the waiting sink's pipe, for the SIGINT handler. */
static volatile int event_sigint_fd = -1;

static void
event_sigint(int sig)
{
    int saved = errno;

    if (event_sigint_fd >= 0 && write(event_sigint_fd, "i", 1) < 0) {
        /* nothing to do */
    }
    errno = saved;
}

/* Prints queued lines until the first one (without @loop), @timeout_ms
 * (0: none) or SIGINT; counts the printed lines in @count. */
static EventWaitEnd
sink_wait(EventSink *sink, gboolean loop, int timeout_ms, guint *count)
{
    gint64 deadline = timeout_ms > 0 ? g_get_monotonic_time() + (gint64)timeout_ms * 1000 : -1;
    struct sigaction sa = { 0 }, old;
    EventWaitEnd end;

    event_sigint_fd = sink->pipefd[1];
    sa.sa_handler = event_sigint;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old);

    for (;;) {
        struct pollfd pfd = { .fd = sink->pipefd[0], .events = POLLIN };
        gboolean interrupted = FALSE;
        char buf[64];
        ssize_t n;
        int wait_ms = -1;
        char *line;

        for (;;) {
            g_mutex_lock(&sink->lock);
            line = g_queue_pop_head(&sink->lines);
            g_mutex_unlock(&sink->lock);
            if (!line)
                break;
            printf("%s", line);
            fflush(stdout);
            g_free(line);
            (*count)++;
            if (!loop) {
                end = EVENT_WAIT_DONE;
                goto out;
            }
        }

        if (deadline >= 0) {
            gint64 left = deadline - g_get_monotonic_time();
            if (left <= 0) {
                end = EVENT_WAIT_TIMEOUT;
                goto out;
            }
            wait_ms = (int)((left + 999) / 1000);
        }
        if (poll(&pfd, 1, wait_ms) < 0 && errno != EINTR) {
            end = EVENT_WAIT_INTERRUPT;
            goto out;
        }
        while ((n = read(sink->pipefd[0], buf, sizeof(buf))) > 0) {
            if (memchr(buf, 'i', n))
                interrupted = TRUE;
        }
        if (interrupted) {
            end = EVENT_WAIT_INTERRUPT;
            goto out;
        }
    }

 out:
    sigaction(SIGINT, &old, NULL);
    event_sigint_fd = -1;
    g_mutex_lock(&sink->lock);
    sink->closed = TRUE;
    g_mutex_unlock(&sink->lock);
    return end;
}

/* ------------------------------------------------------------------ */
/* The commands                                                        */

static int
register_kind(VmmConnect *conn, EventObj obj, EventSink *sink, GError **error)
{
    int id = -1;

    switch (obj) {
    case EVENT_OBJ_DOMAIN:
        id = vmm_connect_domain_event_register(conn, domain_event_cb, sink_ref(sink),
                                               sink_unref, error);
        break;
    case EVENT_OBJ_NETWORK:
        id = vmm_connect_network_event_register(conn, network_event_cb, sink_ref(sink),
                                                sink_unref, error);
        break;
    case EVENT_OBJ_POOL:
        id = vmm_connect_storage_pool_event_register(conn, pool_event_cb, sink_ref(sink),
                                                     sink_unref, error);
        break;
    }
    if (id < 0)
        sink_unref(sink);   /* the reference the registration did not take */
    return id;
}

static void
deregister_kind(VmmConnect *conn, EventObj obj, int id)
{
    switch (obj) {
    case EVENT_OBJ_DOMAIN:
        vmm_connect_domain_event_deregister(conn, id, NULL);
        break;
    case EVENT_OBJ_NETWORK:
        vmm_connect_network_event_deregister(conn, id, NULL);
        break;
    case EVENT_OBJ_POOL:
        vmm_connect_storage_pool_event_deregister(conn, id, NULL);
        break;
    }
}

/* Looks up the object named by the filter option into @sink; FALSE (error
 * printed) when it does not exist. */
static gboolean
event_filter(Vsh *ctl, const VshCmd *cmd, EventObj obj, EventSink *sink)
{
    switch (obj) {
    case EVENT_OBJ_DOMAIN: {
        g_autoptr(VmmDomain) dom = NULL;

        if (!vsh_cmd_has(cmd, "domain"))
            return TRUE;
        if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")))
            return FALSE;
        memcpy(sink->uuid, vmm_domain_get_uuid(dom), VMM_UUID_BUFLEN);
        break;
    }
    case EVENT_OBJ_NETWORK: {
        g_autoptr(VmmNetwork) net = NULL;

        if (!vsh_cmd_has(cmd, "network"))
            return TRUE;
        if (!(net = vsh_lookup_network(ctl, cmd, "network")))
            return FALSE;
        memcpy(sink->uuid, vmm_network_get_uuid(net), VMM_UUID_BUFLEN);
        break;
    }
    case EVENT_OBJ_POOL: {
        g_autoptr(VmmStoragePool) pool = NULL;

        if (!vsh_cmd_has(cmd, "pool"))
            return TRUE;
        if (!(pool = vsh_lookup_pool(ctl, cmd, "pool")))
            return FALSE;
        memcpy(sink->uuid, vmm_storage_pool_get_uuid(pool), VMM_UUID_BUFLEN);
        break;
    }
    }
    sink->filter = TRUE;
    return TRUE;
}

/*
 * The shared body, in virsh 9.0's order of checks and words:
 *  1. --list prints the event type names;
 *  2. the event type (or --all, domains only) is required and must be known;
 *  3. --timeout, then the filter object, are checked;
 *  4. the callback is registered, events are printed until the first one
 *     (or, with --loop, until the timeout or SIGINT);
 *  5. "events received: N"; the command fails when N is 0.
 */
static gboolean
event_run(Vsh *ctl, const VshCmd *cmd, EventObj obj, const char *const *names)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(EventSink) sink = NULL;
    gboolean all = obj == EVENT_OBJ_DOMAIN && vsh_cmd_has(cmd, "all");
    const char *name = vsh_cmd_string(cmd, "event");
    int timeout = 0;
    int event = 0;
    guint count = 0;
    int id;

    if (all && vsh_cmd_has(cmd, "list")) {
        vsh_error(ctl, _("Options --%s and --%s are mutually exclusive"), "list", "all");
        return FALSE;
    }
    if (vsh_cmd_has(cmd, "list")) {
        for (guint i = 0; names[i]; i++)
            printf("%s\n", names[i]);
        return TRUE;
    }
    if (name) {
        while (names[event] && !g_str_equal(names[event], name))
            event++;
        if (!names[event]) {
            vsh_error(ctl, _("unknown event type %s"), name);
            return FALSE;
        }
    } else if (!all) {
        vsh_error(ctl, "%s", obj == EVENT_OBJ_DOMAIN ?
                  _("one of --list, --all, or --event <type> is required") :
                  _("either --list or --event <type> is required"));
        return FALSE;
    }
    if (vsh_cmd_has(cmd, "timeout")) {
        const char *str = vsh_cmd_string(cmd, "timeout");
        guint64 secs;

        if (!g_ascii_string_to_unsigned(str, 10, 1, G_MAXINT / 1000, &secs, NULL)) {
            vsh_error(ctl, _("Numeric value '%s' for <%s> option is malformed or out of range"),
                      str, "timeout");
            return FALSE;
        }
        timeout = (int)secs * 1000;
    }
    if (!(sink = sink_new(vsh_cmd_has(cmd, "timestamp"), &error))) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    if (!event_filter(ctl, cmd, obj, sink))
        return FALSE;
    /* Only lifecycle events exist in vmm; --all means just those. */
    if (event != 0) {
        vsh_error(ctl, _("this function is not supported by the connection driver: event ID %d"),
                  event);
        return FALSE;
    }
    if ((id = register_kind(ctl->conn, obj, sink, &error)) < 0) {
        vsh_report(ctl, &error);
        return FALSE;
    }

    switch (sink_wait(sink, vsh_cmd_has(cmd, "loop"), timeout, &count)) {
    case EVENT_WAIT_INTERRUPT:
        printf("%s", _("event loop interrupted\n"));
        break;
    case EVENT_WAIT_TIMEOUT:
        printf("%s", _("event loop timed out\n"));
        break;
    case EVENT_WAIT_DONE:
        break;
    }
    deregister_kind(ctl->conn, obj, id);
    printf(_("events received: %u\n"), count);
    return count > 0;
}

static gboolean
cmd_event(Vsh *ctl, const VshCmd *cmd)
{
    return event_run(ctl, cmd, EVENT_OBJ_DOMAIN, domain_event_names);
}

gboolean
vsh_cmd_net_event(Vsh *ctl, const VshCmd *cmd)
{
    return event_run(ctl, cmd, EVENT_OBJ_NETWORK, network_event_names);
}

gboolean
vsh_cmd_pool_event(Vsh *ctl, const VshCmd *cmd)
{
    return event_run(ctl, cmd, EVENT_OBJ_POOL, pool_event_names);
}

#define EVENT_COMMON_OPTS \
    { "event", VSH_OT_STRING, 0, N_("which event type to wait for") }

#define EVENT_WAIT_OPTS \
    { "loop", VSH_OT_BOOL, 0, N_("loop until timeout or interrupt, rather than one-shot") }, \
    { "timeout", VSH_OT_INT, 0, N_("timeout seconds") }, \
    { "list", VSH_OT_BOOL, 0, N_("list valid event types") }, \
    { "timestamp", VSH_OT_BOOL, 0, N_("show timestamp for each printed event") }

static const VshOptDef event_opts[] = {
    { "domain", VSH_OT_STRING, 0, N_("filter by domain name, id or uuid") },
    EVENT_COMMON_OPTS,
    { "all", VSH_OT_BOOL, 0, N_("wait for all events instead of just one type") },
    EVENT_WAIT_OPTS,
    { NULL },
};

const VshOptDef vsh_net_event_opts[] = {
    { "network", VSH_OT_STRING, 0, N_("filter by network name or uuid") },
    EVENT_COMMON_OPTS,
    EVENT_WAIT_OPTS,
    { NULL },
};

const VshOptDef vsh_pool_event_opts[] = {
    { "pool", VSH_OT_STRING, 0, N_("filter by storage pool name or uuid") },
    EVENT_COMMON_OPTS,
    EVENT_WAIT_OPTS,
    { NULL },
};

const VshCmdDef vsh_event_cmds[] = {
    { "event", cmd_event, event_opts, N_("Domain Events"),
      N_("List event types, or wait for domain events to occur"), 0 },
    { NULL },
};
