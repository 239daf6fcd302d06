/*
 * qemu_process.c: starting, watching, stopping and re-adopting QEMU.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include "drivers/qemu/qemu_process.h"
#include "conf/xml_util.h"
#include "util/vmm_error.h"
#include "util/vmm_file.h"
#include "util/vmm_uuid.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* How much of the log a start error quotes. */
#define LOG_TAIL_LINES 10
#define LOG_TAIL_BYTES 4096

struct _VmmQemuProcess {
    char *name;
    pid_t pid;
    guint64 start_time;
    gboolean own_child;           /* we started it: our child watch reaps it */
    int id;
    char *monitor_path;
    char *log_path;
    char *status_path;
    VmmDomainDef *def;
    char *state;
    char *reason;                 /* the domain's state reason ("booted") */
    int monitor_timeout_ms;
    GMainContext *ctx;
    VmmQemuMonitor *mon;
    GSource *child_src;
    VmmQemuProcessCallbacks cb;
    gpointer opaque;
    gint exited;
};

/* ---- /proc ---- */

/* Fields of /proc/PID/stat after "pid (comm) ": comm may hold spaces and
 * parentheses, so split after the last ')'.  Index 0 is field 3 (state). */
static char **
read_stat_fields(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *text = NULL;
    char *rp;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return NULL;
    if (!(rp = strrchr(text, ')')))
        return NULL;
    return g_strsplit(g_strstrip(rp + 1), " ", -1);
}

guint64
vmm_qemu_process_read_start_time(pid_t pid)
{
    g_auto(GStrv) f = read_stat_fields(pid);

    /* A zombie has no identity left worth checking: it is dead. */
    if (!f || g_strv_length(f) < 20 || strcmp(f[0], "Z") == 0)
        return 0;
    return g_ascii_strtoull(f[19], NULL, 10);
}

static gboolean
cmdline_contains(pid_t pid, const char *needle)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", (int)pid);
    g_autofree char *text = NULL;
    gsize len = 0;

    if (!g_file_get_contents(path, &text, &len, NULL))
        return FALSE;
    for (gsize i = 0; i < len; i++) {
        if (text[i] == '\0')
            text[i] = ' ';
    }
    return strstr(text, needle) != NULL;
}

/* TRUE while our child @pid has not exited.  WNOWAIT leaves the zombie for
 * the child watch; ECHILD means the watch already reaped it. */
static gboolean
child_alive(pid_t pid)
{
    siginfo_t info = { 0 };

    if (waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0)
        return errno == EINTR;
    return info.si_pid == 0;
}

/* Whether @pid, a child of ours, has already been reaped. */
static gboolean
child_reaped(pid_t pid)
{
    siginfo_t info = { 0 };

    return waitid(P_PID, pid, &info, WEXITED | WNOHANG | WNOWAIT) < 0 && errno == ECHILD;
}

/* ---- log ---- */

static char *
log_tail(const char *path, goffset from)
{
    g_autofree char *text = NULL;
    gsize len = 0;
    const char *start;
    int lines = 0;

    if (!path || !g_file_get_contents(path, &text, &len, NULL) || (gsize)from >= len)
        return g_strdup("");
    start = text + from;
    if (text + len - start > LOG_TAIL_BYTES)
        start = text + len - LOG_TAIL_BYTES;
    for (const char *p = text + len - 1; p > start; p--) {
        if (*p == '\n' && p != text + len - 1 && ++lines == LOG_TAIL_LINES) {
            start = p + 1;
            break;
        }
    }
    return g_strstrip(g_strdup(start));
}

/* Open the log for appending and write the header; returns the offset at
 * which this run's output starts. */
static gboolean
log_start(const char *path, const char *cmdline, goffset *offset, GError **error)
{
    g_autoptr(GDateTime) now = g_date_time_new_now_utc();
    g_autofree char *stamp = g_date_time_format(now, "%Y-%m-%d %H:%M:%S.%f");
    g_autofree char *header = g_strdup_printf("%.23s+0000: starting up\n%s\n", stamp, cmdline);
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
    struct stat st;

    if (fd < 0) {
        vmm_error_set_errno(error, errno, _("cannot open QEMU log '%s'"), path);
        return FALSE;
    }
    if (write(fd, header, strlen(header)) < 0 || fstat(fd, &st) < 0) {
        vmm_error_set_errno(error, errno, _("cannot write QEMU log '%s'"), path);
        close(fd);
        return FALSE;
    }
    *offset = st.st_size;
    close(fd);
    return TRUE;
}

/* ---- exit ---- */

static void
report_exit(VmmQemuProcess *proc, int wait_status)
{
    if (!g_atomic_int_compare_and_exchange(&proc->exited, 0, 1))
        return;
    if (proc->mon)
        vmm_qemu_monitor_close(proc->mon);
    if (proc->cb.exited)
        proc->cb.exited(proc, wait_status, proc->opaque);
}

static void
child_exited_cb(GPid pid, int status, gpointer opaque)
{
    VmmQemuProcess *proc = opaque;

    g_source_unref(proc->child_src);
    proc->child_src = NULL;
    report_exit(proc, status);
}

/* ---- monitor callbacks, forwarded with the caller's opaque ---- */

#define PROC_OF(opaque) ((VmmQemuProcess *)(opaque))

static void fw_shutdown(VmmQemuMonitor *m, gboolean guest, const char *reason, gpointer o)
{ if (PROC_OF(o)->cb.monitor.shutdown) PROC_OF(o)->cb.monitor.shutdown(m, guest, reason, PROC_OF(o)->opaque); }
static void fw_powerdown(VmmQemuMonitor *m, gpointer o)
{ if (PROC_OF(o)->cb.monitor.powerdown) PROC_OF(o)->cb.monitor.powerdown(m, PROC_OF(o)->opaque); }
static void fw_reset(VmmQemuMonitor *m, gboolean guest, const char *reason, gpointer o)
{ if (PROC_OF(o)->cb.monitor.reset) PROC_OF(o)->cb.monitor.reset(m, guest, reason, PROC_OF(o)->opaque); }
static void fw_stop(VmmQemuMonitor *m, gpointer o)
{ if (PROC_OF(o)->cb.monitor.stop) PROC_OF(o)->cb.monitor.stop(m, PROC_OF(o)->opaque); }
static void fw_resume(VmmQemuMonitor *m, gpointer o)
{ if (PROC_OF(o)->cb.monitor.resume) PROC_OF(o)->cb.monitor.resume(m, PROC_OF(o)->opaque); }
static void fw_guest_panicked(VmmQemuMonitor *m, const char *action, const VmmJsonNode *d, gpointer o)
{ if (PROC_OF(o)->cb.monitor.guest_panicked) PROC_OF(o)->cb.monitor.guest_panicked(m, action, d, PROC_OF(o)->opaque); }
static void fw_device_deleted(VmmQemuMonitor *m, const char *dev, const char *path, gpointer o)
{ if (PROC_OF(o)->cb.monitor.device_deleted) PROC_OF(o)->cb.monitor.device_deleted(m, dev, path, PROC_OF(o)->opaque); }
static void fw_event(VmmQemuMonitor *m, const char *name, const VmmJsonNode *d, gpointer o)
{ if (PROC_OF(o)->cb.monitor.event) PROC_OF(o)->cb.monitor.event(m, name, d, PROC_OF(o)->opaque); }

static void
fw_eof(VmmQemuMonitor *m, const GError *error, gpointer o)
{
    VmmQemuProcess *proc = o;

    /* Our own child's exit comes with its status from the child watch;
     * for a re-adopted QEMU, EOF is all we get. */
    if (!proc->own_child)
        report_exit(proc, -1);
}

static const VmmQemuMonitorCallbacks forward_callbacks = {
    .shutdown = fw_shutdown,
    .powerdown = fw_powerdown,
    .reset = fw_reset,
    .stop = fw_stop,
    .resume = fw_resume,
    .guest_panicked = fw_guest_panicked,
    .device_deleted = fw_device_deleted,
    .event = fw_event,
    .eof = fw_eof,
};

/* ---- status file ---- */

void
vmm_qemu_process_set_def(VmmQemuProcess *proc, const VmmDomainDef *def)
{
    vmm_domain_def_free(proc->def);
    proc->def = vmm_domain_def_copy(def);
}

gboolean
vmm_qemu_process_save_status(VmmQemuProcess *proc, const char *state, GError **error)
{
    g_autoptr(GString) buf = g_string_new("<domstatus");
    g_autofree char *domain = NULL;

    if (state && state != proc->state) {
        g_free(proc->state);
        proc->state = g_strdup(state);
    }
    vmm_buf_attr(buf, "state", proc->state);
    if (proc->reason)
        vmm_buf_attr(buf, "reason", proc->reason);
    vmm_buf_attr_printf(buf, "pid", "%d", (int)proc->pid);
    vmm_buf_attr_printf(buf, "starttime", "%" G_GUINT64_FORMAT, proc->start_time);
    g_string_append(buf, ">\n");
    vmm_buf_indent(buf, 2);
    g_string_append(buf, "<monitor");
    vmm_buf_attr(buf, "path", proc->monitor_path);
    g_string_append(buf, " type='unix'/>\n");
    if (proc->def) {
        domain = vmm_domain_def_format(proc->def, proc->id, VMM_DOMAIN_DEF_FORMAT_SECURE);
        vmm_buf_fragment(buf, 2, domain);
    }
    g_string_append(buf, "</domstatus>\n");
    return vmm_file_write_atomic(proc->status_path, buf->str, buf->len, 0600, error);
}

void
vmm_qemu_process_remove_status(VmmQemuProcess *proc)
{
    if (unlink(proc->status_path) < 0 && errno != ENOENT)
        g_warning("cannot remove '%s': %s", proc->status_path, g_strerror(errno));
}

/* ---- start ---- */

VmmCommand *
vmm_qemu_process_command_new(const VmmQemuCommand *qc)
{
    VmmCommand *cmd = vmm_command_new_argv((const char *const *)qc->argv->pdata);

    for (guint i = 0; qc->fds && i < qc->fds->len; i++) {
        int fd = g_array_index(qc->fds, int, i);
        vmm_command_pass_fd(cmd, fd, -1,
                            fd == qc->monitor_fd ? VMM_COMMAND_FD_CLOSE_PARENT : 0);
    }
    return cmd;
}

static VmmQemuProcess *
process_new(const char *name, GMainContext *ctx, const VmmQemuProcessCallbacks *cb,
            gpointer opaque)
{
    VmmQemuProcess *proc = g_new0(VmmQemuProcess, 1);

    proc->name = g_strdup(name);
    proc->ctx = g_main_context_ref(ctx ? ctx : g_main_context_default());
    proc->monitor_timeout_ms = VMM_QEMU_MONITOR_TIMEOUT_MS;
    proc->pid = -1;
    if (cb)
        proc->cb = *cb;
    proc->opaque = opaque;
    return proc;
}

static gboolean
has_arg(VmmCommand *cmd, const char *arg)
{
    for (const char *const *a = vmm_command_get_argv(cmd); *a; a++) {
        if (strcmp(*a, arg) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Steps after the spawn: QMP, state, cont, status file. */
static gboolean
start_monitor(VmmQemuProcess *proc, gboolean start_paused, GError **error)
{
    int fd;
    gboolean running = FALSE;
    g_autofree char *status = NULL;

    /* The socket listened before the spawn and vmmd's copy is closed:
     * this succeeds at once while QEMU lives; its greeting follows when it
     * is ready, or a reset when it dies first. */
    if ((fd = vmm_qemu_monitor_connect_unix(proc->monitor_path, error)) < 0)
        return FALSE;
    proc->mon = vmm_qemu_monitor_open(fd, proc->name, proc->ctx, &forward_callbacks, proc);
    if (!vmm_qemu_monitor_query_status(proc->mon, proc->monitor_timeout_ms, "job start",
                                       &status, &running, error))
        return FALSE;
    if (!start_paused) {
        g_autoptr(VmmJsonNode) ret = vmm_qemu_monitor_command(proc->mon, "cont", NULL,
                                                              proc->monitor_timeout_ms,
                                                              "job start", error);
        if (!ret)
            return FALSE;
        g_free(status);
        status = g_strdup("running");
    }
    proc->state = g_steal_pointer(&status);
    return vmm_qemu_process_save_status(proc, NULL, error);
}

VmmQemuProcess *
vmm_qemu_process_start(const VmmQemuProcessConfig *cfg, VmmCommand *cmd_in,
                       const VmmQemuProcessCallbacks *cb, gpointer opaque,
                       GError **error)
{
    g_autoptr(VmmCommand) cmd = cmd_in;
    g_autoptr(VmmQemuProcess) proc = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *cmdline = NULL;
    goffset log_offset = 0;
    GPid pid;

    g_return_val_if_fail(cfg && cfg->name && cfg->monitor_path && cfg->run_dir, NULL);

    proc = process_new(cfg->name, cfg->ctx, cb, opaque);
    proc->own_child = TRUE;
    proc->id = cfg->id;
    proc->def = cfg->def ? vmm_domain_def_copy(cfg->def) : NULL;
    proc->monitor_path = g_strdup(cfg->monitor_path);
    proc->status_path = g_strdup_printf("%s/%s.xml", cfg->run_dir, cfg->name);
    if (cfg->monitor_timeout_ms > 0)
        proc->monitor_timeout_ms = cfg->monitor_timeout_ms;

    if (!vmm_file_mkdir_p(cfg->run_dir, 0755, error))
        return NULL;
    if (!has_arg(cmd, "-S"))
        vmm_command_add_arg(cmd, "-S");
    cmdline = vmm_command_to_string(cmd);
    if (cfg->log_dir) {
        if (!vmm_file_mkdir_p(cfg->log_dir, 0755, error))
            return NULL;
        proc->log_path = g_strdup_printf("%s/%s.log", cfg->log_dir, cfg->name);
        if (!log_start(proc->log_path, cmdline, &log_offset, error))
            return NULL;
        vmm_command_set_output_file(cmd, proc->log_path);
    }
    if (!vmm_command_spawn(cmd, &pid, NULL, NULL, NULL, error))
        return NULL;
    proc->pid = pid;
    /* Set at fork and kept across exec: the identity reconnect checks. */
    proc->start_time = vmm_qemu_process_read_start_time(pid);

    if (!start_monitor(proc, cfg->start_paused, &err)) {
        g_autofree char *tail = NULL;
        gint64 grace = g_get_monotonic_time() + 200 * 1000;
        /* A monitor that closed on us usually means QEMU is on its way
         * out: give it a moment to finish, then say so. */
        while (child_alive(pid) && g_get_monotonic_time() < grace)
            g_usleep(1000);
        if (!child_alive(pid)) {
            /* The monitor's own error (reset, EOF) says less than this. */
            g_clear_error(&err);
            vmm_error_set(&err, VMM_ERR_INTERNAL_ERROR,
                          _("QEMU of domain '%s' exited during start-up"), proc->name);
        }
        if (proc->mon)
            vmm_qemu_monitor_close(proc->mon);
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
        unlink(proc->status_path);
        tail = log_tail(proc->log_path, log_offset);
        if (*tail) {
            char *msg = g_strdup_printf(_("%s; QEMU log: %s"), err->message, tail);
            g_free(err->message);
            err->message = msg;
        }
        g_propagate_error(error, g_steal_pointer(&err));
        proc->pid = -1;
        return NULL;
    }

    proc->child_src = g_child_watch_source_new(pid);
    g_source_set_callback(proc->child_src, G_SOURCE_FUNC(child_exited_cb), proc, NULL);
    g_source_attach(proc->child_src, proc->ctx);
    return g_steal_pointer(&proc);
}

/* ---- reconnect ---- */

VmmQemuProcess *
vmm_qemu_process_reconnect(const char *status_path, const char *log_dir,
                           GMainContext *ctx, const VmmQemuProcessCallbacks *cb,
                           gpointer opaque, VmmDomainDef **def_out, gboolean *dead,
                           GError **error)
{
    g_autofree char *xml = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autofree char *pid_str = NULL, *start_str = NULL, *mon_path = NULL, *state = NULL;
    g_autofree char *reason = NULL;
    g_autofree char *domain_xml = NULL;
    g_autoptr(VmmDomainDef) def = NULL;
    g_autoptr(VmmQemuProcess) proc = NULL;
    g_autofree char *status = NULL;
    char uuid[VMM_UUID_STRING_BUFLEN];
    xmlNode *domain;
    guint64 pid = 0, start_time = 0;
    gboolean running = FALSE;
    int fd;

    *dead = FALSE;
    if (def_out)
        *def_out = NULL;
    if (!(xml = vmm_file_read_all(status_path, 64 * 1024 * 1024, error)))
        return NULL;
    if (!(doc = vmm_xml_parse(xml, status_path, "domstatus", &ctxt, error)))
        return NULL;
    pid_str = vmm_xml_string(ctxt, "string(./@pid)");
    start_str = vmm_xml_string(ctxt, "string(./@starttime)");
    mon_path = vmm_xml_string(ctxt, "string(./monitor/@path)");
    state = vmm_xml_string(ctxt, "string(./@state)");
    reason = vmm_xml_string(ctxt, "string(./@reason)");
    if (!pid_str || !start_str || !mon_path ||
        !(domain = vmm_xml_node(ctxt, "./domain"))) {
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("status file '%s' lacks pid, starttime, monitor or domain"),
                      status_path);
        return NULL;
    }
    if (!vmm_xml_parse_uint(pid_str, "pid", G_MAXINT, &pid, error) ||
        !vmm_xml_parse_uint(start_str, "starttime", G_MAXUINT64, &start_time, error))
        return NULL;
    domain_xml = vmm_xml_node_dump(domain);
    if (!(def = vmm_domain_def_parse_string(domain_xml, status_path, 0, error)))
        return NULL;
    if (def_out)
        *def_out = vmm_domain_def_copy(def);

    /* The pid may have been reused: the same start time and our UUID on its
     * command line make sure it is still the QEMU we started. */
    vmm_uuid_format(def->uuid, uuid);
    if (pid <= 1 || vmm_qemu_process_read_start_time(pid) != start_time ||
        !cmdline_contains(pid, uuid)) {
        *dead = TRUE;
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                      _("QEMU of domain '%s' (pid %d) is no longer running"),
                      def->name, (int)pid);
        return NULL;
    }

    proc = process_new(def->name, ctx, cb, opaque);
    proc->pid = pid;
    proc->start_time = start_time;
    proc->monitor_path = g_steal_pointer(&mon_path);
    proc->status_path = g_strdup(status_path);
    proc->state = g_steal_pointer(&state);
    if (reason && *reason)
        proc->reason = g_steal_pointer(&reason);
    if (log_dir)
        proc->log_path = g_strdup_printf("%s/%s.log", log_dir, def->name);
    {
        g_autofree char *id = vmm_xml_string(ctxt, "string(./domain/@id)");
        proc->id = id ? atoi(id) : -1;
    }
    proc->def = g_steal_pointer(&def);

    if ((fd = vmm_qemu_monitor_connect_unix(proc->monitor_path, error)) < 0)
        return NULL;
    proc->mon = vmm_qemu_monitor_open(fd, proc->name, proc->ctx, &forward_callbacks, proc);
    if (!vmm_qemu_monitor_query_status(proc->mon, proc->monitor_timeout_ms, "job reconnect",
                                       &status, &running, error)) {
        vmm_qemu_monitor_close(proc->mon);
        return NULL;
    }
    g_free(proc->state);
    proc->state = g_steal_pointer(&status);
    return g_steal_pointer(&proc);
}

/* ---- stop ---- */

static gboolean
process_gone(VmmQemuProcess *proc)
{
    if (g_atomic_int_get(&proc->exited))
        return TRUE;
    if (proc->own_child)
        return !child_alive(proc->pid);
    /* Not our child: a zombie or a different process means gone. */
    return vmm_qemu_process_read_start_time(proc->pid) != proc->start_time;
}

static gboolean
wait_gone(VmmQemuProcess *proc, int ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;

    while (!process_gone(proc)) {
        if (g_get_monotonic_time() >= deadline)
            return FALSE;
        g_usleep(1000);
    }
    return TRUE;
}

gboolean
vmm_qemu_process_kill(VmmQemuProcess *proc, gboolean graceful, int grace_ms,
                      GError **error)
{
    if (proc->pid <= 0 || process_gone(proc))
        return TRUE;
    if (kill(proc->pid, SIGTERM) < 0 && errno != ESRCH) {
        vmm_error_set_errno(error, errno, _("cannot stop QEMU of domain '%s'"), proc->name);
        return FALSE;
    }
    if (wait_gone(proc, grace_ms))
        return TRUE;
    if (graceful) {
        vmm_error_set(error, VMM_ERR_OPERATION_TIMEOUT,
                      _("QEMU of domain '%s' did not stop within %d ms of SIGTERM"),
                      proc->name, grace_ms);
        return FALSE;
    }
    if (kill(proc->pid, SIGKILL) < 0 && errno != ESRCH) {
        vmm_error_set_errno(error, errno, _("cannot kill QEMU of domain '%s'"), proc->name);
        return FALSE;
    }
    /* SIGKILL cannot be refused; a process in uninterruptible sleep still
     * needs a moment. */
    if (!wait_gone(proc, 10000)) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                      _("QEMU of domain '%s' survived SIGKILL"), proc->name);
        return FALSE;
    }
    return TRUE;
}

/* ---- the rest ---- */

static void
reap_only_cb(GPid pid, int status, gpointer opaque)
{
}

void
vmm_qemu_process_free(VmmQemuProcess *proc)
{
    if (!proc)
        return;
    if (proc->mon) {
        vmm_qemu_monitor_close(proc->mon);
        vmm_qemu_monitor_unref(proc->mon);
    }
    if (proc->child_src) {
        g_source_destroy(proc->child_src);
        g_source_unref(proc->child_src);
        /* Still our child: keep reaping it, or it stays a zombie.  GLib
         * may already have reaped it without dispatching the callback
         * (reaping happens in its worker thread, before dispatch): a
         * watch on a reaped pid would only get ECHILD. */
        if (proc->pid > 0 && !child_reaped(proc->pid)) {
            GSource *s = g_child_watch_source_new(proc->pid);
            g_source_set_callback(s, G_SOURCE_FUNC(reap_only_cb), NULL, NULL);
            g_source_attach(s, proc->ctx);
            g_source_unref(s);
        }
    }
    g_main_context_unref(proc->ctx);
    vmm_domain_def_free(proc->def);
    g_free(proc->name);
    g_free(proc->monitor_path);
    g_free(proc->log_path);
    g_free(proc->status_path);
    g_free(proc->state);
    g_free(proc->reason);
    g_free(proc);
}

pid_t vmm_qemu_process_get_pid(VmmQemuProcess *proc) { return proc->pid; }
VmmQemuMonitor *vmm_qemu_process_get_monitor(VmmQemuProcess *proc) { return proc->mon; }
const char *vmm_qemu_process_get_log_path(VmmQemuProcess *proc) { return proc->log_path; }
const char *vmm_qemu_process_get_status_path(VmmQemuProcess *proc) { return proc->status_path; }
const char *vmm_qemu_process_get_state(VmmQemuProcess *proc) { return proc->state; }
const char *vmm_qemu_process_get_reason(VmmQemuProcess *proc) { return proc->reason; }

void
vmm_qemu_process_set_reason(VmmQemuProcess *proc, const char *reason)
{
    if (g_strcmp0(reason, proc->reason) != 0) {
        g_free(proc->reason);
        proc->reason = g_strdup(reason);
    }
}
gboolean vmm_qemu_process_has_exited(VmmQemuProcess *proc) { return g_atomic_int_get(&proc->exited); }
