/*
 * qemu_monitor.h: an asynchronous QMP client living on a GMainContext.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One monitor per running QEMU.  All socket I/O, replies, events and the
 * EOF notification run on the monitor's GMainContext (vmmd's main loop).
 * Commands may be sent from any thread: asynchronously with a callback, or
 * through the synchronous wrapper that worker threads use, which waits for
 * the reply with a deadline.  A stalled QEMU (SIGSTOP) therefore fails
 * commands after their deadline and never blocks the loop.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>
#include "util/json.h"

G_BEGIN_DECLS

typedef struct _VmmQemuMonitor VmmQemuMonitor;

/* Event handlers, all called on the monitor's context; any may be NULL.
 * @data is borrowed for the call. */
typedef struct {
    /* guest: the guest asked for it (ACPI poweroff), reason: QMP's
     * ShutdownCause ("guest-shutdown", "host-qmp-quit", "host-signal"...). */
    void (*shutdown)(VmmQemuMonitor *mon, gboolean guest, const char *reason,
                     gpointer opaque);
    void (*powerdown)(VmmQemuMonitor *mon, gpointer opaque);
    void (*reset)(VmmQemuMonitor *mon, gboolean guest, const char *reason,
                  gpointer opaque);
    void (*stop)(VmmQemuMonitor *mon, gpointer opaque);
    void (*resume)(VmmQemuMonitor *mon, gpointer opaque);
    /* action: "pause", "poweroff" or "run"; @data is the whole event data. */
    void (*guest_panicked)(VmmQemuMonitor *mon, const char *action,
                           const VmmJsonNode *data, gpointer opaque);
    /* device: the device id (may be NULL), path: its QOM path. */
    void (*device_deleted)(VmmQemuMonitor *mon, const char *device,
                           const char *path, gpointer opaque);
    /* Every event, the ones above included, after their own handler. */
    void (*event)(VmmQemuMonitor *mon, const char *name, const VmmJsonNode *data,
                  gpointer opaque);
    /* The connection ended (QEMU died or closed it): called once, never
     * after vmm_qemu_monitor_close().  @error says why. */
    void (*eof)(VmmQemuMonitor *mon, const GError *error, gpointer opaque);
} VmmQemuMonitorCallbacks;

/*
 * The QMP socket vmmd creates for a QEMU: @path (a stale file there is
 * replaced) bound and listening, mode 0600, owned by @uid:@gid unless they
 * are -1 (QEMU running as another user).  QEMU inherits the fd (-chardev
 * socket,fd=N,server=on,wait=off); the socket file stays for reconnecting
 * after a vmmd restart.  Returns the close-on-exec listening fd or -1.
 */
int vmm_qemu_monitor_listen_unix(const char *path, uid_t uid, gid_t gid, GError **error);

/*
 * Connect to the unix socket @path, once: the socket listens from before
 * QEMU was spawned (vmm_qemu_monitor_listen_unix()), so there is nothing to
 * wait for; QEMU accepts and greets once it is ready.  Refused means no
 * QEMU holds the socket any more.  Returns a connected, non-blocking,
 * close-on-exec fd or -1 with @error.
 */
int vmm_qemu_monitor_connect_unix(const char *path, GError **error);

/*
 * Take over the connected QMP socket @fd (closed by the monitor) and
 * negotiate capabilities: qmp_capabilities is queued as the first command,
 * so commands may be sent at once.  @name is the domain's name, used in
 * messages.  @cb (copied) and @opaque receive the events.  Never NULL.
 */
VmmQemuMonitor *vmm_qemu_monitor_open(int fd, const char *name, GMainContext *ctx,
                                      const VmmQemuMonitorCallbacks *cb,
                                      gpointer opaque);
VmmQemuMonitor *vmm_qemu_monitor_ref(VmmQemuMonitor *mon);
void vmm_qemu_monitor_unref(VmmQemuMonitor *mon);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmQemuMonitor, vmm_qemu_monitor_unref)

/* Close the connection: pending commands fail, no more callbacks (eof
 * included) are made.  Idempotent; the caller keeps its reference. */
void vmm_qemu_monitor_close(VmmQemuMonitor *mon);
/* FALSE once EOF was seen or the monitor was closed. */
gboolean vmm_qemu_monitor_is_open(VmmQemuMonitor *mon);

/*
 * The wording of a command deadline error.  Placeholders: {domain},
 * {command}, {job} and {waited} ("30 s", "250 ms").  Default:
 * "monitor of domain '{domain}' not responding ({job}, waited {waited})";
 * {job} is the job given to vmm_qemu_monitor_command(), or "command
 * '<name>'" when none was given.
 */
void vmm_qemu_monitor_set_timeout_format(VmmQemuMonitor *mon, const char *format);

/* The greeting's QEMU version (major*1000000 + minor*1000 + micro), 0 until
 * the greeting arrived. */
unsigned int vmm_qemu_monitor_get_version(VmmQemuMonitor *mon);

/*
 * Called on the monitor's context with the reply: @ret is the "return"
 * value (borrowed) on success, or NULL with @error set (QMP error,
 * deadline, EOF or close).
 */
typedef void (*VmmQemuMonitorReplyFunc)(VmmQemuMonitor *mon, const VmmJsonNode *ret,
                                        const GError *error, gpointer opaque);

/*
 * Send @command with @args (taken; NULL for none) and call @func (may be
 * NULL) with the reply, or with a timeout error after @timeout_ms (<= 0:
 * no deadline).  Thread-safe.  On a closed monitor @func is still called,
 * from the context, with the error.
 */
void vmm_qemu_monitor_send(VmmQemuMonitor *mon, const char *command, VmmJsonNode *args,
                           int timeout_ms, VmmQemuMonitorReplyFunc func,
                           gpointer opaque);
/* Like vmm_qemu_monitor_send(), passing @fd (taken: closed once sent or
 * dropped) with the command (SCM_RIGHTS). */
void vmm_qemu_monitor_send_with_fd(VmmQemuMonitor *mon, const char *command,
                                   VmmJsonNode *args, int fd, int timeout_ms,
                                   VmmQemuMonitorReplyFunc func, gpointer opaque);

/*
 * Synchronous wrapper: send and wait for the reply at most @timeout_ms.
 * Returns the "return" value (a new node, {} for an empty return) or NULL
 * with @error: VMM_ERR_OPERATION_TIMEOUT with the timeout wording, or
 * VMM_ERR_INTERNAL_ERROR "unable to execute QEMU command 'X': desc", or
 * VMM_ERR_OPERATION_FAILED when the monitor is closed.  Callable from
 * worker threads while another thread runs the context, and from the
 * context's own thread (it then iterates the context itself), but not
 * from inside a monitor callback: the reply could not be read until that
 * callback returns, so it would only end at the deadline.  @job names the
 * job for the deadline message (NULL: the command).
 */
VmmJsonNode *vmm_qemu_monitor_command(VmmQemuMonitor *mon, const char *command,
                                      VmmJsonNode *args, int timeout_ms,
                                      const char *job, GError **error);

/* Like vmm_qemu_monitor_command(), passing a copy of @fd with the command
 * (SCM_RIGHTS), as getfd and add-fd want it; @fd stays the caller's. */
VmmJsonNode *vmm_qemu_monitor_command_with_fd(VmmQemuMonitor *mon, const char *command,
                                              VmmJsonNode *args, int fd, int timeout_ms,
                                              const char *job, GError **error);

/* Helpers over vmm_qemu_monitor_command(). */
/* query-status: *status gets QMP's RunState ("running", "paused",
 * "prelaunch", "shutdown"...), *running the "running" flag. */
gboolean vmm_qemu_monitor_query_status(VmmQemuMonitor *mon, int timeout_ms,
                                       const char *job, char **status,
                                       gboolean *running, GError **error);

G_END_DECLS
