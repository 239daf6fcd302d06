/*
 * qemu_process.h: starting, watching, stopping and re-adopting QEMU.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A VmmQemuProcess is one running QEMU: its pid, its QMP monitor and its
 * status file RUNDIR/NAME.xml.  QEMU always starts paused (-S); start then
 * negotiates QMP and sends `cont` unless asked to stay paused.  The exit is
 * seen through our own child watch (for QEMUs we started) or QMP EOF (for
 * ones re-adopted after a vmmd restart), never through kill(pid, 0): a dead
 * QEMU reparented to PID 1 may stay a zombie for seconds.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

#include "conf/domain_def.h"
#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qemu_monitor.h"
#include "util/command.h"

G_BEGIN_DECLS

typedef struct _VmmQemuProcess VmmQemuProcess;

/* The default deadline of each monitor command during start. */
#define VMM_QEMU_MONITOR_TIMEOUT_MS 30000

typedef struct {
    /* QMP events, forwarded as they are (mon->eof is not: see exited). */
    VmmQemuMonitorCallbacks monitor;
    /* QEMU is gone; called once on the context.  @wait_status is the
     * waitpid() status for a QEMU we started, -1 when unknown (a re-adopted
     * QEMU whose monitor reached EOF). */
    void (*exited)(VmmQemuProcess *proc, int wait_status, gpointer opaque);
} VmmQemuProcessCallbacks;

typedef struct {
    const char *name;             /* domain name: log, status and messages */
    const VmmDomainDef *def;      /* live definition (status XML, identity) */
    int id;                       /* domain id written in the status XML */
    const char *monitor_path;     /* the listening socket QEMU inherited */
    const char *log_dir;          /* LOGDIR/NAME.log */
    const char *run_dir;          /* RUNDIR/NAME.xml */
    gboolean start_paused;        /* stay paused after start */
    int monitor_timeout_ms;       /* per command; 0: VMM_QEMU_MONITOR_TIMEOUT_MS */
    GMainContext *ctx;            /* where the monitor and watches live; NULL: default */
} VmmQemuProcessConfig;

/* A command running @qc's argv, with each of its fds kept open in QEMU
 * under the same number (the argv names them).  The command takes the
 * monitor's listening fd: it is closed in vmmd right after the spawn (or
 * when the command is freed unrun), so that QEMU alone holds the socket and
 * its death resets our connection.  The other fds stay the caller's: close
 * them once the start returned. */
VmmCommand *vmm_qemu_process_command_new(const VmmQemuCommand *qc);

/*
 * Start QEMU from @cmd (taken; built by qemu_build_command(), "-S" is added
 * when missing).  Steps: open LOGDIR/NAME.log (append) with a header line
 * holding the command, spawn with the log as stdout/stderr, connect QMP
 * (once, no polling: the socket already listens; QEMU accepts when ready),
 * query-status, `cont` unless start_paused, write the status XML.  On any
 * failure QEMU is killed and reaped, and the error ends with the tail of
 * the log.  Blocks the calling thread (a worker), never the context.
 */
VmmQemuProcess *vmm_qemu_process_start(const VmmQemuProcessConfig *cfg, VmmCommand *cmd,
                                       const VmmQemuProcessCallbacks *cb,
                                       gpointer opaque, GError **error);

/*
 * Re-adopt the QEMU described by the status file @status_path (after a
 * vmmd restart): the pid must be alive and be the same process (its start
 * time matches and its command line holds the domain's UUID), then QMP is
 * reopened and query-status re-read (see vmm_qemu_process_get_state()).
 * *def gets the live definition whenever the file could be read, even when
 * QEMU is dead.  A dead or replaced QEMU returns NULL with *dead = TRUE
 * (the caller cleans up); other failures set *dead = FALSE.
 */
VmmQemuProcess *vmm_qemu_process_reconnect(const char *status_path, const char *log_dir,
                                           GMainContext *ctx,
                                           const VmmQemuProcessCallbacks *cb,
                                           gpointer opaque, VmmDomainDef **def,
                                           gboolean *dead, GError **error);

/*
 * Stop QEMU: SIGTERM, then (unless @graceful) SIGKILL once @grace_ms passed.
 * Returns when the process is gone (TRUE), or FALSE with
 * VMM_ERR_OPERATION_TIMEOUT when a graceful stop found it still running.
 * The exited callback still follows from the context.
 */
gboolean vmm_qemu_process_kill(VmmQemuProcess *proc, gboolean graceful, int grace_ms,
                               GError **error);

/* Free the handle: the monitor is closed, no more callbacks.  A QEMU still
 * running keeps running (vmmd shutting down); one of ours still gets
 * reaped. */
void vmm_qemu_process_free(VmmQemuProcess *proc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmQemuProcess, vmm_qemu_process_free)

/* The state reason written with the next status file (libvirt's names:
 * "booted", "user"...); the one the file held after a reconnect, or NULL. */
void vmm_qemu_process_set_reason(VmmQemuProcess *proc, const char *reason);
const char *vmm_qemu_process_get_reason(VmmQemuProcess *proc);

/* The live definition the status file holds from now on (copied): after
 * a device was plugged or unplugged. */
void vmm_qemu_process_set_def(VmmQemuProcess *proc, const VmmDomainDef *def);
/* Rewrite the status file with @state ("running", "paused"...). */
gboolean vmm_qemu_process_save_status(VmmQemuProcess *proc, const char *state,
                                      GError **error);
/* Remove the status file (after the exit was handled). */
void vmm_qemu_process_remove_status(VmmQemuProcess *proc);

pid_t vmm_qemu_process_get_pid(VmmQemuProcess *proc);
VmmQemuMonitor *vmm_qemu_process_get_monitor(VmmQemuProcess *proc);
const char *vmm_qemu_process_get_log_path(VmmQemuProcess *proc);
const char *vmm_qemu_process_get_status_path(VmmQemuProcess *proc);
/* QMP's RunState as last read at start or reconnect ("running", "paused"). */
const char *vmm_qemu_process_get_state(VmmQemuProcess *proc);
/* TRUE once the exited callback ran. */
gboolean vmm_qemu_process_has_exited(VmmQemuProcess *proc);

/* Field 22 of /proc/PID/stat (start time in clock ticks since boot), 0 when
 * the process is gone or a zombie. */
guint64 vmm_qemu_process_read_start_time(pid_t pid);

G_END_DECLS
