/*
 * qemu_process_test.c: the QMP monitor and QEMU process handling against
 * real QEMU (no mocks): a halting firmware under TCG and KVM, events,
 * deadlines with a SIGSTOPped QEMU, kill -9, reconnect from the status
 * file, identity checks, and the tiny Linux guest booting under TCG and
 * powering off on ACPI shutdown.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "drivers/qemu/qemu_capabilities.h"
#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qemu_monitor.h"
#include "drivers/qemu/qemu_process.h"
#include "util/command.h"
#include "util/vmm_error.h"
#include "util/vmm_uuid.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define QEMU "qemu-system-x86_64"

static char *qemu_path;
static char *tmpdir;
static char *hlt_rom;
static char *panic_rom;
static gboolean kvm_ok;
static char *kvm_reason;

typedef struct {
    int stops, resumes, powerdowns, shutdowns, resets, eofs, exits, panics, deleted;
    gboolean shutdown_guest;
    gboolean reset_guest;
    char *reset_reason;
    char *panic_action;
    char *deleted_device;
    char *deleted_path;
    char *shutdown_reason;
    int exit_status;
    GPtrArray *events;
} Seen;

static void
seen_clear(Seen *s)
{
    g_free(s->shutdown_reason);
    g_free(s->reset_reason);
    g_free(s->panic_action);
    g_free(s->deleted_device);
    g_free(s->deleted_path);
    if (s->events)
        g_ptr_array_unref(s->events);
    memset(s, 0, sizeof(*s));
}

static void on_stop(VmmQemuMonitor *m, gpointer o) { ((Seen *)o)->stops++; }
static void on_resume(VmmQemuMonitor *m, gpointer o) { ((Seen *)o)->resumes++; }
static void on_powerdown(VmmQemuMonitor *m, gpointer o) { ((Seen *)o)->powerdowns++; }

static void
on_reset(VmmQemuMonitor *m, gboolean guest, const char *reason, gpointer o)
{
    Seen *s = o;

    s->resets++;
    s->reset_guest = guest;
    g_free(s->reset_reason);
    s->reset_reason = g_strdup(reason);
}

static void
on_panic(VmmQemuMonitor *m, const char *action, const VmmJsonNode *data, gpointer o)
{
    Seen *s = o;

    s->panics++;
    g_free(s->panic_action);
    s->panic_action = g_strdup(action);
}

static void
on_deleted(VmmQemuMonitor *m, const char *device, const char *path, gpointer o)
{
    Seen *s = o;

    s->deleted++;
    g_free(s->deleted_device);
    s->deleted_device = g_strdup(device);
    g_free(s->deleted_path);
    s->deleted_path = g_strdup(path);
}

static void
on_shutdown(VmmQemuMonitor *m, gboolean guest, const char *reason, gpointer o)
{
    Seen *s = o;

    s->shutdowns++;
    s->shutdown_guest = guest;
    g_free(s->shutdown_reason);
    s->shutdown_reason = g_strdup(reason);
}

static void
on_event(VmmQemuMonitor *m, const char *name, const VmmJsonNode *data, gpointer o)
{
    Seen *s = o;

    if (!s->events)
        s->events = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(s->events, g_strdup(name));
}

static void on_eof(VmmQemuMonitor *m, const GError *e, gpointer o) { ((Seen *)o)->eofs++; }

static void
on_exited(VmmQemuProcess *p, int status, gpointer o)
{
    Seen *s = o;

    s->exits++;
    s->exit_status = status;
}

static const VmmQemuMonitorCallbacks monitor_cb = {
    .shutdown = on_shutdown, .powerdown = on_powerdown, .reset = on_reset,
    .stop = on_stop, .resume = on_resume, .guest_panicked = on_panic,
    .device_deleted = on_deleted, .event = on_event, .eof = on_eof,
};

static const VmmQemuProcessCallbacks process_cb = {
    .monitor = {
        .shutdown = on_shutdown, .powerdown = on_powerdown, .reset = on_reset,
        .stop = on_stop, .resume = on_resume, .guest_panicked = on_panic,
        .device_deleted = on_deleted, .event = on_event,
    },
    .exited = on_exited,
};

/* Run the default context until *@counter reaches @want, at most @ms. */
static gboolean
wait_for(int *counter, int want, int ms)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)ms * 1000;

    while (*counter < want) {
        if (g_get_monotonic_time() > deadline)
            return FALSE;
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(1000);
    }
    return TRUE;
}

static VmmDomainDef *
make_def(const char *name, char uuid[VMM_UUID_STRING_BUFLEN])
{
    unsigned char raw[VMM_UUID_BUFLEN];
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    VmmDomainDef *def;

    vmm_uuid_generate(raw);
    vmm_uuid_format(raw, uuid);
    xml = g_strdup_printf("<domain type='qemu'><name>%s</name><uuid>%s</uuid>"
                          "<memory unit='MiB'>16</memory><os><type>hvm</type></os>"
                          "</domain>", name, uuid);
    def = vmm_domain_def_parse_string(xml, NULL, 0, &err);
    g_assert_no_error(err);
    return def;
}

static char *
monitor_path(const char *name)
{
    return g_strdup_printf("%s/%s.monitor", tmpdir, name);
}

/* The QMP monitor as vmmd sets it up: a socket listening at @path before
 * QEMU runs, inherited by QEMU (the command closes our copy at the spawn). */
static void
add_monitor(VmmCommand *cmd, const char *path)
{
    g_autoptr(GError) err = NULL;
    int fd = vmm_qemu_monitor_listen_unix(path, (uid_t)-1, (gid_t)-1, &err);

    g_assert_no_error(err);
    vmm_command_add_arg(cmd, "-chardev");
    vmm_command_add_arg_format(cmd, "socket,id=charmonitor,fd=%d,server=on,wait=off", fd);
    vmm_command_add_args(cmd, "-mon", "chardev=charmonitor,id=monitor,mode=control", NULL);
    vmm_command_pass_fd(cmd, fd, -1, VMM_COMMAND_FD_CLOSE_PARENT);
}

/* A QEMU that runs a firmware which only halts. */
static VmmCommand *
hlt_command(const char *name, const char *uuid, const char *accel)
{
    VmmCommand *cmd = vmm_command_new(qemu_path);
    g_autofree char *mon = monitor_path(name);

    vmm_command_add_arg_pair(cmd, "-name", name);
    vmm_command_add_arg_pair(cmd, "-uuid", uuid);
    vmm_command_add_arg_format(cmd, "-machine");
    vmm_command_add_arg_format(cmd, "pc,accel=%s", accel);
    vmm_command_add_args(cmd, "-m", "16", "-bios", hlt_rom, "-nodefaults",
                         "-no-user-config", "-display", "none", NULL);
    add_monitor(cmd, mon);
    return cmd;
}

static VmmQemuProcess *
start_hlt(const char *name, const char *accel, gboolean paused, Seen *seen,
          VmmDomainDef **def_out)
{
    char uuid[VMM_UUID_STRING_BUFLEN];
    g_autoptr(VmmDomainDef) def = make_def(name, uuid);
    g_autofree char *mon = monitor_path(name);
    g_autofree char *rundir = g_build_filename(tmpdir, "run", NULL);
    g_autofree char *logdir = g_build_filename(tmpdir, "log", NULL);
    g_autoptr(GError) err = NULL;
    VmmQemuProcessConfig cfg = {
        .name = name, .def = def, .id = 1, .monitor_path = mon, .log_dir = logdir,
        .run_dir = rundir, .start_paused = paused, .monitor_timeout_ms = 10000,
    };
    VmmQemuProcess *proc = vmm_qemu_process_start(&cfg, hlt_command(name, uuid, accel),
                                                  &process_cb, seen, &err);

    g_assert_no_error(err);
    g_assert_nonnull(proc);
    if (def_out)
        *def_out = g_steal_pointer(&def);
    return proc;
}

/* Run @command, which must succeed. */
static void
run_ok(VmmQemuMonitor *mon, const char *command)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmJsonNode) ret = vmm_qemu_monitor_command(mon, command, NULL, 5000, NULL, &err);

    g_assert_no_error(err);
    g_assert_nonnull(ret);
}

static void
assert_status(VmmQemuMonitor *mon, const char *want)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *status = NULL;
    gboolean running = FALSE;

    g_assert_true(vmm_qemu_monitor_query_status(mon, 5000, NULL, &status, &running, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(status, ==, want);
    g_assert_cmpint(running, ==, strcmp(want, "running") == 0);
}

static gboolean
need_accel(const char *accel)
{
    if (strcmp(accel, "kvm") == 0 && !kvm_ok) {
        g_test_skip(kvm_reason);
        return FALSE;
    }
    return TRUE;
}

/* Start, QMP negotiated, query-status, stop/cont events, status file,
 * destroy with SIGTERM and the exit seen through our child watch. */
static void
test_lifecycle(gconstpointer data)
{
    const char *accel = data;
    g_autofree char *name = g_strdup_printf("life-%s", accel);
    g_autoptr(VmmQemuProcess) proc = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *status_xml = NULL;
    VmmQemuMonitor *mon;
    Seen seen = { 0 };
    gint64 t0;

    if (!need_accel(accel))
        return;
    t0 = g_get_monotonic_time();
    proc = start_hlt(name, accel, FALSE, &seen, NULL);
    g_test_message("%s: started and running in %.1f ms", accel,
                   (g_get_monotonic_time() - t0) / 1000.0);
    mon = vmm_qemu_process_get_monitor(proc);
    g_assert_cmpstr(vmm_qemu_process_get_state(proc), ==, "running");
    g_assert_cmpuint(vmm_qemu_monitor_get_version(mon), >=, 7000000);
    assert_status(mon, "running");

    /* The status file: pid, start time, monitor and the live definition. */
    g_assert_true(g_file_get_contents(vmm_qemu_process_get_status_path(proc),
                                      &status_xml, NULL, NULL));
    {
        g_autofree char *pid = g_strdup_printf("pid='%d'", vmm_qemu_process_get_pid(proc));
        g_assert_nonnull(strstr(status_xml, pid));
        g_assert_nonnull(strstr(status_xml, "state='running'"));
        g_assert_nonnull(strstr(status_xml, "starttime='"));
        g_assert_null(strstr(status_xml, "starttime='0'"));
        g_assert_nonnull(strstr(status_xml, "<monitor path='"));
        g_assert_nonnull(strstr(status_xml, "<domain type='qemu' id='1'>"));
    }
    /* The log starts with the command line. */
    {
        g_autofree char *log = NULL;
        g_assert_true(g_file_get_contents(vmm_qemu_process_get_log_path(proc), &log, NULL, NULL));
        g_assert_nonnull(strstr(log, ": starting up\nPATH=/usr/sbin:/usr/bin:/sbin:/bin "));
        g_assert_nonnull(strstr(log, " -S\n"));
    }

    run_ok(mon, "stop");
    g_assert_true(wait_for(&seen.stops, 1, 5000));
    assert_status(mon, "paused");
    run_ok(mon, "cont");
    g_assert_true(wait_for(&seen.resumes, 1, 5000));
    assert_status(mon, "running");

    /* A QMP error is reported with QEMU's description. */
    g_assert_null(vmm_qemu_monitor_command(mon, "no-such-command", NULL, 5000, NULL, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_INTERNAL_ERROR);
    g_assert_nonnull(strstr(err->message, "unable to execute QEMU command 'no-such-command'"));
    g_clear_error(&err);

    t0 = g_get_monotonic_time();
    g_assert_true(vmm_qemu_process_kill(proc, FALSE, 5000, &err));
    g_assert_no_error(err);
    g_assert_true(wait_for(&seen.exits, 1, 5000));
    g_test_message("%s: destroyed in %.1f ms", accel, (g_get_monotonic_time() - t0) / 1000.0);
    /* QEMU exits 0 on SIGTERM after a SHUTDOWN event (host-signal). */
    g_assert_true(WIFEXITED(seen.exit_status));
    g_assert_true(vmm_qemu_process_has_exited(proc));
    g_assert_false(vmm_qemu_monitor_is_open(mon));
    vmm_qemu_process_remove_status(proc);
    g_assert_false(g_file_test(vmm_qemu_process_get_status_path(proc), G_FILE_TEST_EXISTS));
    seen_clear(&seen);
}

/* The monitor alone: kill -9 of QEMU ends in the EOF callback, and pending
 * and later commands fail instead of hanging. */
static void
test_kill9_eof(gconstpointer data)
{
    const char *accel = data;
    g_autofree char *name = g_strdup_printf("eof-%s", accel);
    g_autofree char *mon_path = monitor_path(name);
    g_autoptr(VmmCommand) cmd = NULL;
    g_autoptr(VmmQemuMonitor) mon = NULL;
    g_autoptr(GError) err = NULL;
    Seen seen = { 0 };
    GPid pid;
    int fd;
    int status;

    if (!need_accel(accel))
        return;
    cmd = hlt_command(name, "00000000-0000-4000-8000-000000000001", accel);
    vmm_command_add_arg(cmd, "-S");
    g_assert_true(vmm_command_spawn(cmd, &pid, NULL, NULL, NULL, &err));
    fd = vmm_qemu_monitor_connect_unix(mon_path, &err);
    g_assert_no_error(err);
    mon = vmm_qemu_monitor_open(fd, name, NULL, &monitor_cb, &seen);
    assert_status(mon, "prelaunch");

    kill(pid, SIGKILL);
    g_assert_true(wait_for(&seen.eofs, 1, 5000));
    g_assert_false(vmm_qemu_monitor_is_open(mon));
    g_assert_null(vmm_qemu_monitor_command(mon, "query-status", NULL, 1000, NULL, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(err->message, "closed"));
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_assert_true(WIFSIGNALED(status));
    g_assert_cmpint(seen.eofs, ==, 1);
    seen_clear(&seen);
}

typedef struct {
    VmmQemuMonitor *mon;
    GError *error;
    gint64 took_us;
    gboolean done;
} WorkerCall;

static gpointer
worker_call(gpointer opaque)
{
    WorkerCall *w = opaque;
    gint64 t0 = g_get_monotonic_time();
    VmmJsonNode *ret = vmm_qemu_monitor_command(w->mon, "query-status", NULL, 300,
                                                "job start", &w->error);

    vmm_json_node_free(ret);
    w->took_us = g_get_monotonic_time() - t0;
    g_atomic_int_set(&w->done, TRUE);
    return NULL;
}

/* A SIGSTOPped QEMU: commands fail at their deadline with the wording,
 * from the loop's thread and from a worker thread while the loop runs,
 * and destroy still works. */
static void
test_stopped_qemu(gconstpointer data)
{
    const char *accel = data;
    g_autofree char *name = g_strdup_printf("stalled-%s", accel);
    g_autoptr(VmmQemuProcess) proc = NULL;
    g_autoptr(GError) err = NULL;
    VmmQemuMonitor *mon;
    Seen seen = { 0 };
    WorkerCall w = { 0 };
    GThread *thread;
    gint64 t0;

    if (!need_accel(accel))
        return;
    proc = start_hlt(name, accel, FALSE, &seen, NULL);
    mon = vmm_qemu_process_get_monitor(proc);
    g_assert_cmpint(kill(vmm_qemu_process_get_pid(proc), SIGSTOP), ==, 0);

    t0 = g_get_monotonic_time();
    g_assert_null(vmm_qemu_monitor_command(mon, "query-status", NULL, 250, "job start", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_TIMEOUT);
    {
        g_autofree char *want = g_strdup_printf(
            "Timed out during operation: monitor of domain '%s' not responding "
            "(job start, waited 250 ms)", name);
        g_assert_cmpstr(err->message, ==, want);
    }
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 2 * G_USEC_PER_SEC);
    g_clear_error(&err);

    vmm_qemu_monitor_set_timeout_format(mon, "QEMU '{domain}' stalled in {command} ({waited})");
    g_assert_null(vmm_qemu_monitor_command(mon, "query-status", NULL, 2000, NULL, &err));
    {
        g_autofree char *want = g_strdup_printf(
            "Timed out during operation: QEMU '%s' stalled in query-status (2 s)", name);
        g_assert_cmpstr(err->message, ==, want);
    }
    g_clear_error(&err);
    vmm_qemu_monitor_set_timeout_format(mon, NULL);

    /* A worker thread waits while this thread runs the loop. */
    w.mon = mon;
    thread = g_thread_new("worker", worker_call, &w);
    while (!g_atomic_int_get(&w.done)) {
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(1000);
    }
    g_thread_join(thread);
    g_assert_error(w.error, VMM_ERROR, VMM_ERR_OPERATION_TIMEOUT);
    g_assert_nonnull(strstr(w.error->message, "(job start, waited 300 ms)"));
    g_assert_cmpint(w.took_us, <, 2 * G_USEC_PER_SEC);
    g_clear_error(&w.error);

    /* Destroy: SIGTERM stays pending on a stopped process, SIGKILL does not. */
    t0 = g_get_monotonic_time();
    g_assert_false(vmm_qemu_process_kill(proc, TRUE, 100, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_TIMEOUT);
    g_clear_error(&err);
    g_assert_true(vmm_qemu_process_kill(proc, FALSE, 100, &err));
    g_assert_no_error(err);
    g_assert_true(wait_for(&seen.exits, 1, 5000));
    g_assert_true(WIFSIGNALED(seen.exit_status));
    g_assert_cmpint(WTERMSIG(seen.exit_status), ==, SIGKILL);
    vmm_qemu_process_remove_status(proc);
    seen_clear(&seen);
}

/* Drop the handle (as a vmmd restart does), re-adopt QEMU from its status
 * file, and see its exit through QMP EOF. */
static void
test_reconnect(void)
{
    const char *name = "reconnect";
    g_autoptr(VmmQemuProcess) proc = NULL;
    g_autoptr(VmmQemuProcess) again = NULL;
    g_autoptr(VmmDomainDef) def = NULL;
    g_autoptr(VmmDomainDef) def2 = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *status_path = NULL;
    Seen seen = { 0 };
    Seen seen2 = { 0 };
    gboolean dead = TRUE;
    pid_t pid;

    proc = start_hlt(name, "tcg", TRUE, &seen, &def);
    g_assert_cmpstr(vmm_qemu_process_get_state(proc), ==, "prelaunch");
    pid = vmm_qemu_process_get_pid(proc);
    status_path = g_strdup(vmm_qemu_process_get_status_path(proc));
    g_clear_pointer(&proc, vmm_qemu_process_free);
    g_assert_cmpint(seen.exits, ==, 0);

    again = vmm_qemu_process_reconnect(status_path, NULL, NULL, &process_cb, &seen2,
                                       &def2, &dead, &err);
    g_assert_no_error(err);
    g_assert_nonnull(again);
    g_assert_false(dead);
    g_assert_cmpint(vmm_qemu_process_get_pid(again), ==, pid);
    g_assert_cmpstr(vmm_qemu_process_get_state(again), ==, "prelaunch");
    g_assert_nonnull(def2);
    g_assert_cmpmem(def2->uuid, VMM_UUID_BUFLEN, def->uuid, VMM_UUID_BUFLEN);
    assert_status(vmm_qemu_process_get_monitor(again), "prelaunch");
    run_ok(vmm_qemu_process_get_monitor(again), "cont");
    g_assert_true(wait_for(&seen2.resumes, 1, 5000));

    g_assert_true(vmm_qemu_process_kill(again, FALSE, 5000, &err));
    g_assert_no_error(err);
    g_assert_true(wait_for(&seen2.exits, 1, 5000));
    g_assert_cmpint(seen2.exit_status, ==, -1);
    seen_clear(&seen);
    seen_clear(&seen2);
    g_unlink(status_path);
}

static void
write_status(const char *path, pid_t pid, guint64 start_time, const char *uuid)
{
    g_autofree char *xml = g_strdup_printf(
        "<domstatus state='running' pid='%d' starttime='%" G_GUINT64_FORMAT "'>\n"
        "  <monitor path='%s/nowhere.monitor' type='unix'/>\n"
        "  <domain type='qemu' id='3'>\n"
        "    <name>impostor</name>\n"
        "    <uuid>%s</uuid>\n"
        "    <memory unit='KiB'>16384</memory>\n"
        "    <os><type>hvm</type></os>\n"
        "  </domain>\n"
        "</domstatus>\n", (int)pid, start_time, tmpdir, uuid);

    g_assert_true(g_file_set_contents(path, xml, -1, NULL));
}

/* A pid that was reused by another process, or a gone one, is dead. */
static void
test_identity(void)
{
    g_autofree char *path = g_build_filename(tmpdir, "impostor.xml", NULL);
    const char *uuid = "8f3a4e1c-2d9b-4c7e-9a51-0b6d2e7f1c34";
    g_autoptr(VmmCommand) sleeper = vmm_command_new("sleep");
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) def = NULL;
    gboolean dead = FALSE;
    GPid pid;

    /* A live process with the right start time but not our UUID. */
    vmm_command_add_arg(sleeper, "30");
    g_assert_true(vmm_command_spawn(sleeper, &pid, NULL, NULL, NULL, &err));
    write_status(path, pid, vmm_qemu_process_read_start_time(pid), uuid);
    g_assert_null(vmm_qemu_process_reconnect(path, NULL, NULL, &process_cb, NULL,
                                             &def, &dead, &err));
    g_assert_true(dead);
    g_assert_nonnull(def);
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(err->message, "QEMU of domain 'impostor'"));
    g_assert_nonnull(strstr(err->message, "is no longer running"));
    g_clear_error(&err);
    g_clear_pointer(&def, vmm_domain_def_free);

    /* The right UUID on the command line but another start time. */
    {
        g_autoptr(VmmCommand) named = vmm_command_new("sleep");
        GPid pid2;
        g_autofree char *arg = g_strdup_printf("30 %s", uuid);
        vmm_command_add_args(named, "30", NULL);
        vmm_command_set_env(named, "X", arg);   /* env is not the command line */
        g_assert_true(vmm_command_spawn(named, &pid2, NULL, NULL, NULL, &err));
        write_status(path, pid2, vmm_qemu_process_read_start_time(pid2) + 1, uuid);
        dead = FALSE;
        g_assert_null(vmm_qemu_process_reconnect(path, NULL, NULL, &process_cb, NULL,
                                                 NULL, &dead, &err));
        g_assert_true(dead);
        g_clear_error(&err);
        kill(pid2, SIGKILL);
        waitpid(pid2, NULL, 0);
    }

    /* A zombie (exited, not yet reaped) is dead even though kill -0 works. */
    kill(pid, SIGKILL);
    {
        siginfo_t info = { 0 };
        waitid(P_PID, pid, &info, WEXITED | WNOWAIT);
    }
    g_assert_cmpint(kill(pid, 0), ==, 0);
    g_assert_cmpuint(vmm_qemu_process_read_start_time(pid), ==, 0);
    write_status(path, pid, 12345, uuid);
    dead = FALSE;
    g_assert_null(vmm_qemu_process_reconnect(path, NULL, NULL, &process_cb, NULL,
                                             NULL, &dead, &err));
    g_assert_true(dead);
    g_clear_error(&err);
    waitpid(pid, NULL, 0);

    /* An unreadable status file is an error, not a dead domain. */
    g_assert_true(g_file_set_contents(path, "<domstatus/>", -1, NULL));
    dead = TRUE;
    g_assert_null(vmm_qemu_process_reconnect(path, NULL, NULL, &process_cb, NULL,
                                             NULL, &dead, &err));
    g_assert_false(dead);
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_unlink(path);
}

/* A start that fails quotes QEMU's log. */
static void
test_start_failure(void)
{
    char uuid[VMM_UUID_STRING_BUFLEN];
    g_autoptr(VmmDomainDef) def = make_def("broken", uuid);
    g_autofree char *mon = monitor_path("broken");
    g_autofree char *rundir = g_build_filename(tmpdir, "run", NULL);
    g_autofree char *logdir = g_build_filename(tmpdir, "log", NULL);
    g_autoptr(VmmCommand) cmd = hlt_command("broken", uuid, "tcg");
    g_autoptr(GError) err = NULL;
    VmmQemuProcessConfig cfg = {
        .name = "broken", .def = def, .monitor_path = mon, .log_dir = logdir,
        .run_dir = rundir, .monitor_timeout_ms = 10000,
    };
    VmmQemuProcess *proc;

    vmm_command_add_args(cmd, "-device", "no-such-device", NULL);
    proc = vmm_qemu_process_start(&cfg, g_steal_pointer(&cmd), &process_cb, NULL, &err);
    g_assert_null(proc);
    g_assert_nonnull(err);
    g_test_message("start failure: %s", err->message);
    g_assert_nonnull(strstr(err->message, "QEMU of domain 'broken' exited during start-up; QEMU log: "));
    g_assert_nonnull(strstr(err->message, "no-such-device"));
    {
        g_autofree char *status = g_build_filename(rundir, "broken.xml", NULL);
        g_assert_false(g_file_test(status, G_FILE_TEST_EXISTS));
    }
}

/* Events QEMU raises without a guest OS: DEVICE_DELETED of a USB device,
 * RESET and POWERDOWN from QMP, and GUEST_PANICKED from a firmware that
 * writes to the pvpanic port, followed by SHUTDOWN and the exit. */
static void
test_events(void)
{
    const char *name = "events";
    char uuid[VMM_UUID_STRING_BUFLEN];
    g_autoptr(VmmDomainDef) def = make_def(name, uuid);
    g_autofree char *mon_path = monitor_path(name);
    g_autofree char *rundir = g_build_filename(tmpdir, "run", NULL);
    g_autoptr(VmmQemuProcess) proc = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmJsonNode) args = vmm_json_node_new_object();
    g_autoptr(VmmJsonNode) ret = NULL;
    VmmCommand *cmd = vmm_command_new(qemu_path);
    VmmQemuMonitor *mon;
    Seen seen = { 0 };
    VmmQemuProcessConfig cfg = {
        .name = name, .def = def, .monitor_path = mon_path, .run_dir = rundir,
        .start_paused = TRUE, .monitor_timeout_ms = 10000,
    };

    vmm_command_add_args(cmd, "-uuid", uuid, "-machine", "pc,accel=tcg", "-m", "16",
                         "-bios", panic_rom, "-nodefaults", "-display", "none",
                         "-device", "pvpanic", "-device", "piix3-usb-uhci,id=usb", NULL);
    add_monitor(cmd, mon_path);
    proc = vmm_qemu_process_start(&cfg, cmd, &process_cb, &seen, &err);
    g_assert_no_error(err);
    mon = vmm_qemu_process_get_monitor(proc);

    vmm_json_node_object_set_string(args, "driver", "usb-tablet");
    vmm_json_node_object_set_string(args, "id", "tab0");
    vmm_json_node_object_set_string(args, "bus", "usb.0");
    ret = vmm_qemu_monitor_command(mon, "device_add", g_steal_pointer(&args), 5000, NULL, &err);
    g_assert_no_error(err);
    g_clear_pointer(&ret, vmm_json_node_free);
    args = vmm_json_node_new_object();
    vmm_json_node_object_set_string(args, "id", "tab0");
    ret = vmm_qemu_monitor_command(mon, "device_del", g_steal_pointer(&args), 5000, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(wait_for(&seen.deleted, 1, 5000));
    g_assert_cmpstr(seen.deleted_device, ==, "tab0");
    g_assert_cmpstr(seen.deleted_path, ==, "/machine/peripheral/tab0");

    run_ok(mon, "system_reset");
    g_assert_true(wait_for(&seen.resets, 1, 5000));
    g_assert_false(seen.reset_guest);
    g_assert_cmpstr(seen.reset_reason, ==, "host-qmp-system-reset");
    run_ok(mon, "system_powerdown");
    g_assert_true(wait_for(&seen.powerdowns, 1, 5000));

    run_ok(mon, "cont");
    g_assert_true(wait_for(&seen.exits, 1, 10000));
    g_assert_cmpint(seen.resumes, ==, 1);
    g_assert_cmpint(seen.panics, ==, 1);
    g_assert_cmpstr(seen.panic_action, ==, "poweroff");
    g_assert_cmpint(seen.shutdowns, ==, 1);
    g_assert_true(seen.shutdown_guest);
    g_assert_cmpstr(seen.shutdown_reason, ==, "guest-panic");
    /* Every event also went through the generic handler, in order. */
    g_assert_cmpstr(g_ptr_array_index(seen.events, 0), ==, "DEVICE_DELETED");
    g_assert_cmpstr(g_ptr_array_index(seen.events, seen.events->len - 1), ==, "SHUTDOWN");
    vmm_qemu_process_remove_status(proc);
    seen_clear(&seen);
}

typedef struct {
    int calls;
    GError *error;
    char *status;
} ReplySeen;

static void
on_reply(VmmQemuMonitor *mon, const VmmJsonNode *ret, const GError *error, gpointer opaque)
{
    ReplySeen *r = opaque;

    r->calls++;
    if (error)
        r->error = g_error_copy(error);
    else
        r->status = g_strdup(vmm_json_node_object_get_string(ret, "status"));
}

static char *
peer_read_line(int fd)
{
    GString *s = g_string_new(NULL);
    char c;

    while (read(fd, &c, 1) == 1 && c != '\n')
        g_string_append_c(s, c);
    return g_string_free(s, FALSE);
}

static void
peer_write(int fd, const char *text)
{
    g_assert_cmpint(write(fd, text, strlen(text)), ==, (gssize)strlen(text));
}

/* The protocol against a scripted peer: capabilities go first, a reply
 * arriving after its command timed out is dropped rather than answering
 * the next command, malformed lines are skipped, and EOF is reported. */
static void
test_protocol(void)
{
    int sv[2];
    g_autoptr(VmmQemuMonitor) mon = NULL;
    g_autofree char *l1 = NULL, *l2 = NULL, *l3 = NULL;
    ReplySeen late = { 0 }, next = { 0 };
    Seen seen = { 0 };

    g_assert_cmpint(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
    mon = vmm_qemu_monitor_open(sv[0], "fake", NULL, &monitor_cb, &seen);
    peer_write(sv[1], "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 3, \"minor\": 2, "
                      "\"major\": 9}}, \"capabilities\": []}}\r\n");
    l1 = peer_read_line(sv[1]);
    g_assert_cmpstr(l1, ==, "{\"execute\":\"qmp_capabilities\",\"id\":\"vmm-1\"}\r");
    peer_write(sv[1], "{\"return\": {}, \"id\": \"vmm-1\"}\r\n");

    vmm_qemu_monitor_send(mon, "query-status", NULL, 100, on_reply, &late);
    l2 = peer_read_line(sv[1]);
    g_assert_cmpstr(l2, ==, "{\"execute\":\"query-status\",\"id\":\"vmm-2\"}\r");
    g_assert_true(wait_for(&late.calls, 1, 5000));
    g_assert_error(late.error, VMM_ERROR, VMM_ERR_OPERATION_TIMEOUT);
    g_assert_nonnull(strstr(late.error->message,
                            "monitor of domain 'fake' not responding (command 'query-status', waited 100 ms)"));
    g_assert_cmpuint(vmm_qemu_monitor_get_version(mon), ==, 9002003);

    vmm_qemu_monitor_send(mon, "query-status", NULL, 5000, on_reply, &next);
    l3 = peer_read_line(sv[1]);
    g_assert_cmpstr(l3, ==, "{\"execute\":\"query-status\",\"id\":\"vmm-3\"}\r");
    peer_write(sv[1], "{\"return\": {\"status\": \"late\"}, \"id\": \"vmm-2\"}\n"
                      "this is not json\n"
                      "{\"event\": \"STOP\", \"timestamp\": {}}\n"
                      "{\"return\": {\"status\": \"paused\"}, \"id\": \"vmm-3\"}\n");
    g_assert_true(wait_for(&next.calls, 1, 5000));
    g_assert_no_error(next.error);
    g_assert_cmpstr(next.status, ==, "paused");
    g_assert_cmpint(late.calls, ==, 1);
    g_assert_cmpint(seen.stops, ==, 1);

    /* A command pending at EOF fails; EOF is reported once. */
    g_clear_error(&late.error);
    late.calls = 0;
    vmm_qemu_monitor_send(mon, "cont", NULL, 0, on_reply, &late);
    close(sv[1]);
    g_assert_true(wait_for(&seen.eofs, 1, 5000));
    g_assert_true(wait_for(&late.calls, 1, 5000));
    g_assert_error(late.error, VMM_ERROR, VMM_ERR_OPERATION_FAILED);
    g_test_message("at EOF: %s", late.error->message);
    g_assert_nonnull(strstr(late.error->message, "monitor of domain 'fake' closed (QEMU exited)"));
    g_clear_error(&late.error);

    /* Commands on a closed monitor fail from the loop, not inline. */
    late.calls = 0;
    vmm_qemu_monitor_send(mon, "cont", NULL, 0, on_reply, &late);
    g_assert_cmpint(late.calls, ==, 0);
    g_assert_true(wait_for(&late.calls, 1, 5000));
    g_assert_nonnull(late.error);
    g_clear_error(&late.error);
    g_assert_cmpint(seen.eofs, ==, 1);
    g_free(next.status);
    seen_clear(&seen);
}

/* ---- the tiny guest ---- */

static gboolean
build_guest(char **kernel, char **initrd, char **why)
{
    g_autofree char *script = g_build_filename(VMM_SOURCE_ROOT, "tests", "guest",
                                               "build-tiny-guest", NULL);
    g_autoptr(VmmCommand) cmd = vmm_command_new(script);
    g_autofree char *out = NULL, *errtext = NULL;
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) lines = NULL;
    int status = -1;

    vmm_command_pass_env(cmd, "HOME");
    vmm_command_pass_env(cmd, "XDG_CACHE_HOME");
    vmm_command_pass_env(cmd, "VMM_GUEST_CACHE");
    vmm_command_pass_env(cmd, "http_proxy");
    vmm_command_pass_env(cmd, "https_proxy");
    if (!vmm_command_run(cmd, 600000, &status, &out, &errtext, &err)) {
        *why = g_strdup(err->message);
        return FALSE;
    }
    if (status != 0) {
        *why = g_strdup_printf("build-tiny-guest exited %d: %s", status, g_strstrip(errtext));
        return FALSE;
    }
    lines = g_strsplit(out, "\n", -1);
    for (char **l = lines; *l; l++) {
        if (g_str_has_prefix(*l, "KERNEL="))
            *kernel = g_strdup(*l + 7);
        else if (g_str_has_prefix(*l, "INITRD="))
            *initrd = g_strdup(*l + 7);
    }
    return *kernel && *initrd;
}

static gboolean
file_contains(const char *path, const char *needle)
{
    g_autofree char *text = NULL;

    return g_file_get_contents(path, &text, NULL, NULL) && strstr(text, needle);
}

static void
test_guest_boot(void)
{
    const char *name = "tinyguest";
    g_autofree char *kernel = NULL, *initrd = NULL, *why = NULL;
    g_autofree char *serial = g_build_filename(tmpdir, "tinyguest.serial", NULL);
    g_autofree char *mon = monitor_path(name);
    g_autofree char *rundir = g_build_filename(tmpdir, "run", NULL);
    g_autofree char *logdir = g_build_filename(tmpdir, "log", NULL);
    g_autoptr(VmmQemuProcess) proc = NULL;
    g_autoptr(VmmDomainDef) def = NULL;
    g_autoptr(GError) err = NULL;
    char uuid[VMM_UUID_STRING_BUFLEN];
    VmmCommand *cmd;
    Seen seen = { 0 };
    gint64 t0, t_marker, t1;
    VmmQemuProcessConfig cfg = {
        .name = name, .monitor_path = mon, .log_dir = logdir, .run_dir = rundir,
        .monitor_timeout_ms = 10000,
    };

    if (!build_guest(&kernel, &initrd, &why)) {
        g_test_skip(why);
        return;
    }
    def = make_def(name, uuid);
    cfg.def = def;
    cmd = vmm_command_new(qemu_path);
    vmm_command_add_args(cmd, "-name", name, "-uuid", uuid, "-machine", "pc,accel=tcg",
                         "-m", "128", "-nodefaults", "-no-user-config", "-display", "none",
                         "-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0 no_timer_check",
                         NULL);
    vmm_command_add_arg(cmd, "-chardev");
    vmm_command_add_arg_format(cmd, "file,id=serial0,path=%s", serial);
    vmm_command_add_args(cmd, "-serial", "chardev:serial0", NULL);
    add_monitor(cmd, mon);

    t0 = g_get_monotonic_time();
    proc = vmm_qemu_process_start(&cfg, cmd, &process_cb, &seen, &err);
    g_assert_no_error(err);
    while (!file_contains(serial, "VMM-GUEST-READY")) {
        g_assert_cmpint(seen.exits, ==, 0);
        g_assert_cmpint(g_get_monotonic_time() - t0, <, 120 * G_USEC_PER_SEC);
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(5000);
    }
    t_marker = g_get_monotonic_time();
    g_test_message("tiny guest: marker after %.2f s under TCG", (t_marker - t0) / 1e6);

    run_ok(vmm_qemu_process_get_monitor(proc), "system_powerdown");
    g_assert_true(wait_for(&seen.exits, 1, 30000));
    t1 = g_get_monotonic_time();
    g_test_message("tiny guest: powerdown to exit %.1f ms", (t1 - t_marker) / 1000.0);
    g_assert_cmpint(seen.powerdowns, ==, 1);
    g_assert_cmpint(seen.shutdowns, ==, 1);
    g_assert_true(seen.shutdown_guest);
    g_assert_cmpstr(seen.shutdown_reason, ==, "guest-shutdown");
    g_assert_true(WIFEXITED(seen.exit_status));
    g_assert_cmpint(WEXITSTATUS(seen.exit_status), ==, 0);
    vmm_qemu_process_remove_status(proc);
    seen_clear(&seen);
}

/* Both halves together: a domain XML through the capabilities probe and
 * the command-line builder, started by vmm_qemu_process_start(), booting
 * the tiny guest to its marker, then powered off over ACPI. */
static void
test_guest_built(void)
{
    const char *name = "tiny-built";
    g_autofree char *kernel = NULL, *initrd = NULL, *why = NULL;
    g_autofree char *serial = g_build_filename(tmpdir, "tiny-built.serial", NULL);
    g_autofree char *mon = monitor_path(name);
    g_autofree char *rundir = g_build_filename(tmpdir, "run", NULL);
    g_autofree char *logdir = g_build_filename(tmpdir, "log", NULL);
    g_autofree char *xml = NULL;
    g_autoptr(VmmQemuCaps) caps = NULL;
    g_autoptr(VmmDomainDef) def = NULL;
    g_autoptr(VmmQemuCommand) qc = NULL;
    g_autoptr(VmmQemuProcess) proc = NULL;
    g_autoptr(GError) err = NULL;
    VmmQemuBuildParams params = { 0 };
    Seen seen = { 0 };
    gint64 t0;
    VmmQemuProcessConfig cfg = {
        .name = name, .monitor_path = mon, .log_dir = logdir, .run_dir = rundir,
        .id = 7, .monitor_timeout_ms = 10000,
    };

    if (!build_guest(&kernel, &initrd, &why)) {
        g_test_skip(why);
        return;
    }
    caps = vmm_qemu_caps_probe(qemu_path, &err);
    g_assert_no_error(err);
    xml = g_strdup_printf(
        "<domain type='qemu'>\n"
        "  <name>%s</name>\n"
        "  <uuid>5b0c3a1e-7d2f-4e6a-9c81-2f4d6b8a0e13</uuid>\n"
        "  <memory unit='MiB'>128</memory>\n"
        "  <vcpu>1</vcpu>\n"
        "  <os>\n"
        "    <type arch='x86_64' machine='pc'>hvm</type>\n"
        "    <kernel>%s</kernel>\n"
        "    <initrd>%s</initrd>\n"
        "    <cmdline>console=ttyS0 no_timer_check</cmdline>\n"
        "  </os>\n"
        "  <features><acpi/></features>\n"
        "  <devices>\n"
        "    <serial type='file'>\n"
        "      <source path='%s'/>\n"
        "      <target port='0'/>\n"
        "    </serial>\n"
        "  </devices>\n"
        "</domain>\n", name, kernel, initrd, serial);
    def = vmm_domain_def_parse_string(xml, NULL, 0, &err);
    g_assert_no_error(err);
    params.monitor_fd = vmm_qemu_monitor_listen_unix(mon, (uid_t)-1, (gid_t)-1, &err);
    g_assert_no_error(err);
    qc = vmm_qemu_build_command(def, caps, &params, &err);
    g_assert_no_error(err);
    cfg.def = def;

    t0 = g_get_monotonic_time();
    proc = vmm_qemu_process_start(&cfg, vmm_qemu_process_command_new(qc), &process_cb,
                                  &seen, &err);
    g_assert_no_error(err);
    g_test_message("built guest: running after %.1f ms", (g_get_monotonic_time() - t0) / 1000.0);
    while (!file_contains(serial, "VMM-GUEST-READY")) {
        g_assert_cmpint(seen.exits, ==, 0);
        g_assert_cmpint(g_get_monotonic_time() - t0, <, 120 * G_USEC_PER_SEC);
        if (!g_main_context_iteration(NULL, FALSE))
            g_usleep(5000);
    }
    g_test_message("built guest: marker after %.2f s", (g_get_monotonic_time() - t0) / 1e6);
    run_ok(vmm_qemu_process_get_monitor(proc), "system_powerdown");
    /* The builder's QEMU waits after the guest's power-off (-no-shutdown)
     * until told to quit, as vmmd does. */
    g_assert_true(wait_for(&seen.shutdowns, 1, 30000));
    g_assert_true(seen.shutdown_guest);
    g_assert_cmpint(seen.exits, ==, 0);
    vmm_qemu_monitor_send(vmm_qemu_process_get_monitor(proc), "quit", NULL, 0, NULL, NULL);
    g_assert_true(wait_for(&seen.exits, 1, 30000));
    vmm_qemu_process_remove_status(proc);
    seen_clear(&seen);
}

/* ---- setup ---- */

static void
rm_rf(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *n;

    while (d && (n = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(path, n, NULL);
        if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
            rm_rf(p);
        else
            g_unlink(p);
    }
    g_rmdir(path);
}

static void
check_kvm(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        kvm_reason = g_strdup_printf("/dev/kvm is not usable: %s", g_strerror(errno));
        return;
    }
    close(fd);
    kvm_ok = TRUE;
}

static void
skip_no_qemu(void)
{
    g_test_skip(QEMU " is not installed");
}

int
main(int argc, char **argv)
{
    g_autofree char *rom = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    signal(SIGPIPE, SIG_IGN);
    g_test_add_func("/qemu-monitor/protocol", test_protocol);

    qemu_path = g_find_program_in_path(QEMU);
    tmpdir = g_dir_make_tmp("vmm-qemu-XXXXXX", NULL);
    hlt_rom = g_build_filename(tmpdir, "hlt.rom", NULL);
    rom = g_malloc(64 * 1024);
    memset(rom, 0xf4, 64 * 1024);    /* HLT, everywhere, reset vector included */
    g_assert_true(g_file_set_contents(hlt_rom, rom, 64 * 1024, NULL));
    /* At the reset vector: mov dx,0x505; mov al,1; out dx,al; hlt -- a
     * panic reported to the pvpanic device. */
    {
        static const unsigned char panic_code[] = { 0xba, 0x05, 0x05, 0xb0, 0x01, 0xee, 0xf4 };
        panic_rom = g_build_filename(tmpdir, "panic.rom", NULL);
        memcpy(rom + 0xfff0, panic_code, sizeof(panic_code));
        g_assert_true(g_file_set_contents(panic_rom, rom, 64 * 1024, NULL));
    }
    check_kvm();

    if (!qemu_path) {
        g_test_add_func("/qemu-process/skipped", skip_no_qemu);
    } else {
        g_test_add_data_func("/qemu-process/lifecycle/tcg", "tcg", test_lifecycle);
        g_test_add_data_func("/qemu-process/lifecycle/kvm", "kvm", test_lifecycle);
        g_test_add_data_func("/qemu-process/kill9-eof/tcg", "tcg", test_kill9_eof);
        g_test_add_data_func("/qemu-process/kill9-eof/kvm", "kvm", test_kill9_eof);
        g_test_add_data_func("/qemu-process/stopped/tcg", "tcg", test_stopped_qemu);
        g_test_add_data_func("/qemu-process/stopped/kvm", "kvm", test_stopped_qemu);
        g_test_add_func("/qemu-process/reconnect", test_reconnect);
        g_test_add_func("/qemu-process/identity", test_identity);
        g_test_add_func("/qemu-process/start-failure", test_start_failure);
        g_test_add_func("/qemu-process/events", test_events);
        g_test_add_func("/qemu-process/guest-boot/tcg", test_guest_boot);
        g_test_add_func("/qemu-process/guest-built/tcg", test_guest_built);
    }
    ret = g_test_run();
    rm_rf(tmpdir);
    g_free(tmpdir);
    g_free(hlt_rom);
    g_free(panic_rom);
    g_free(qemu_path);
    g_free(kvm_reason);
    return ret;
}
