/*
 * qemu_domain.c: the run state of QEMU domains, jobs and QMP events.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each domain has a QemuDomainPriv (kept by UUID for the driver's life,
 * guarded by the domain object's lock) holding the modifying job in
 * progress and the QemuRun of its running QEMU.
 *
 * Jobs: one modifying job per domain at a time, waited for at most the job
 * deadline.  A job drops the object lock while it talks to QEMU, so queries
 * (state, info, XML, lists) never wait for it.  destroy takes no job: it
 * kills QEMU, which ends whatever job was talking to it.
 *
 * A QemuRun lives as long as someone needs its process: the domain (while
 * running) and any call talking to it hold a reference.  The process is
 * freed on the driver's context only, in an idle callback, so no process
 * callback can run on a freed process.  The one that detaches a run from
 * its domain (exit handler or destroy) does the stop bookkeeping.
 */
#include "qemu_driver_priv.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/vmm_blocking.h"
#include "util/vmm_file.h"
#include "drivers/network/network_port.h"
#include "drivers/qemu/qemu_agent.h"
#include "drivers/qemu/qemu_console.h"
#include "drivers/qemu/qemu_stats.h"

typedef struct {
    char *path;
    uid_t uid;
    gid_t gid;
} OwnedFile;

typedef struct {
    gint ref;
    VmmDomainObj *obj;          /* referenced */
    char *name;
    unsigned char uuid[VMM_UUID_BUFLEN];
    int id;
    VmmQemuProcess *proc;
    VmmQemuMonitor *mon;        /* referenced */
    VmmQemuAgent *agent;        /* the guest agent, once used */
    int vnc_port;               /* allocated by us, or 0 */
    int spice_port;             /* likewise */
    GPtrArray *owned;           /* OwnedFile*: chowned for the run */
    char *dom_dir;              /* RUNDIR/NAME.d: monitor, channels */
    gboolean got_shutdown;      /* SHUTDOWN seen: an exit is a shutdown */
    gboolean fake_reboot;       /* reboot asked: the next SHUTDOWN resets */
    gboolean restarting;        /* reset and cont sent: STOP is no pause */
    int restart_reason;         /* the running reason once restarted */
    gboolean restart_on_stop;   /* panicked, QEMU pausing: restart once stopped */
    gboolean destroying;
    gboolean starting;          /* not yet the domain's run: see run_lock_early() */
    gboolean early_panic;       /* panicked while starting */
    char *early_panic_action;   /* QEMU's action then */
    gboolean early_panic_stopped; /* ... and QEMU's pause for it came */
    int stop_reason;            /* forced by on_crash, else -1 */
    int stop_event;
    /* Unplug: ids QEMU reported deleted (DEVICE_DELETED) since their
     * device_del, and per id what to remove after it (backend nodes,
     * netdevs): a GPtrArray of {"execute", "arguments"} objects. */
    GHashTable *deleted;
    GHashTable *unplug_cleanup;
} QemuRun;

struct _QemuDomainPriv {
    QemuRun *run;               /* the running QEMU, or NULL */
    const char *job;            /* the modifying job running, or NULL */
    GCond job_cond;
    GCond unplug_cond;          /* a DEVICE_DELETED arrived, or the run ended */
};

static GMutex privs_lock;
static GHashTable *privs;        /* uuid string -> QemuDomainPriv* */

static void
priv_free(QemuDomainPriv *priv)
{
    g_cond_clear(&priv->job_cond);
    g_cond_clear(&priv->unplug_cond);
    g_free(priv);
}

/* The run state of @obj (locked), created on first use. */
static QemuDomainPriv *
priv_get(VmmDomainObj *obj)
{
    char uuid[VMM_UUID_STRING_BUFLEN];
    QemuDomainPriv *priv;

    vmm_uuid_format(obj->parent.uuid, uuid);
    g_mutex_lock(&privs_lock);
    if (!privs)
        privs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify)priv_free);
    if (!(priv = g_hash_table_lookup(privs, uuid))) {
        priv = g_new0(QemuDomainPriv, 1);
        g_cond_init(&priv->job_cond);
        g_cond_init(&priv->unplug_cond);
        g_hash_table_insert(privs, g_strdup(uuid), priv);
    }
    g_mutex_unlock(&privs_lock);
    return priv;
}

void
qemu_domain_priv_drop(VmmDomainObj *obj)
{
    /* Privs stay until cleanup: a waiter may still sleep on the job
     * condition of one.  They are small and keyed by UUID, so a domain
     * defined again reuses its own. */
}

/* ------------------------------------------------------------------ */
/* Runs                                                                */

static QemuRun *
run_ref(QemuRun *run)
{
    g_atomic_int_inc(&run->ref);
    return run;
}

static void
owned_restore(GPtrArray *owned)
{
    for (guint i = 0; owned && i < owned->len; i++) {
        OwnedFile *f = owned->pdata[i];

        if (chown(f->path, f->uid, f->gid) < 0 && errno != ENOENT)
            g_warning("cannot give '%s' back to %u:%u: %s", f->path, (unsigned)f->uid,
                      (unsigned)f->gid, g_strerror(errno));
    }
}

static void
owned_file_free(OwnedFile *f)
{
    g_free(f->path);
    g_free(f);
}

static void
run_free_now(QemuRun *run)
{
    vmm_qemu_process_free(run->proc);
    vmm_qemu_agent_free(run->agent);
    if (run->mon)
        vmm_qemu_monitor_unref(run->mon);
    if (run->obj)
        vmm_obj_unref(run->obj);
    if (run->owned)
        g_ptr_array_unref(run->owned);
    g_clear_pointer(&run->deleted, g_hash_table_unref);
    g_clear_pointer(&run->unplug_cleanup, g_hash_table_unref);
    g_free(run->early_panic_action);
    g_free(run->dom_dir);
    g_free(run->name);
    g_free(run);
}

static gboolean
run_free_idle(gpointer data)
{
    run_free_now(data);
    return G_SOURCE_REMOVE;
}

static void
run_unref(QemuRun *run)
{
    GSource *src;

    if (!run || !g_atomic_int_dec_and_test(&run->ref))
        return;
    if (!run->proc || !qemu_driver) {
        run_free_now(run);
        return;
    }
    /* Never inline: we may be inside one of the process's callbacks. */
    src = g_idle_source_new();
    g_source_set_callback(src, run_free_idle, run, NULL);
    g_source_attach(src, qemu_driver->ctx);
    g_source_unref(src);
}

static void
run_init_unplug(QemuRun *run)
{
    run->deleted = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    run->unplug_cleanup = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                (GDestroyNotify)g_ptr_array_unref);
}

static QemuRun *
run_new(VmmDomainObj *obj, const VmmDomainDef *def, int id)
{
    QemuRun *run = g_new0(QemuRun, 1);

    run->ref = 1;
    run->obj = vmm_obj_ref(obj);
    run->name = g_strdup(def->name);
    memcpy(run->uuid, def->uuid, VMM_UUID_BUFLEN);
    run->id = id;
    run->stop_reason = -1;
    run->starting = TRUE;
    run->owned = g_ptr_array_new_with_free_func((GDestroyNotify)owned_file_free);
    run->dom_dir = g_strdup_printf("%s/%s.d", qemu_driver->run_dir, def->name);
    run_init_unplug(run);
    return run;
}

/*
 * The files a run chowned are listed in RUNDIR/NAME.owned ("UID GID PATH"
 * lines), so that a vmmd restarted meanwhile still gives them back.
 */
static char *
owned_list_path(const char *name)
{
    return g_strdup_printf("%s/%s.owned", qemu_driver->run_dir, name);
}

static gboolean
owned_save(QemuRun *run, GError **error)
{
    g_autoptr(GString) text = g_string_new(NULL);
    g_autofree char *path = owned_list_path(run->name);

    if (run->owned->len == 0)
        return TRUE;
    for (guint i = 0; i < run->owned->len; i++) {
        OwnedFile *f = run->owned->pdata[i];

        g_string_append_printf(text, "%u %u %s\n", (unsigned)f->uid, (unsigned)f->gid, f->path);
    }
    return vmm_file_write_atomic(path, text->str, text->len, 0600, error);
}

static void
owned_load(GPtrArray *owned, const char *name)
{
    g_autofree char *path = owned_list_path(name);
    g_autofree char *text = vmm_file_read_all(path, 1 << 20, NULL);
    g_auto(GStrv) lines = text ? g_strsplit(text, "\n", -1) : NULL;

    for (guint i = 0; lines && lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(lines[i], " ", 3);
        OwnedFile *o;

        if (g_strv_length(f) != 3)
            continue;
        o = g_new0(OwnedFile, 1);
        o->uid = (uid_t)g_ascii_strtoull(f[0], NULL, 10);
        o->gid = (gid_t)g_ascii_strtoull(f[1], NULL, 10);
        o->path = g_strdup(f[2]);
        g_ptr_array_add(owned, o);
    }
}

/* Remove the per-run directory RUNDIR/NAME.d: the monitor socket and the
 * channel sockets QEMU made there.  Nothing in it outlives a run. */
static void
remove_dom_dir(const char *dir)
{
    g_autoptr(GDir) d = dir ? g_dir_open(dir, 0, NULL) : NULL;
    const char *f;

    while (d && (f = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(dir, f, NULL);

        if (unlink(path) < 0 && errno != ENOENT)
            g_warning("cannot remove '%s': %s", path, g_strerror(errno));
    }
    if (d && rmdir(dir) < 0 && errno != ENOENT)
        g_warning("cannot remove '%s': %s", dir, g_strerror(errno));
}

/* Give back what the run borrowed (files, port, status file, its
 * directory); once. */
static void
run_release(QemuRun *run)
{
    owned_restore(run->owned);
    if (run->owned->len > 0 && run->name) {
        g_autofree char *path = owned_list_path(run->name);

        unlink(path);
    }
    g_ptr_array_set_size(run->owned, 0);
    qemu_driver_release_port(run->vnc_port);
    qemu_driver_release_port(run->spice_port);
    run->vnc_port = 0;
    run->spice_port = 0;
    if (run->proc)
        vmm_qemu_process_remove_status(run->proc);
    remove_dom_dir(run->dom_dir);
}

/* ------------------------------------------------------------------ */
/* Events out                                                          */

typedef struct {
    char *name;
    unsigned char uuid[VMM_UUID_BUFLEN];
    int id;
    int event, detail;
} PendingEvent;

/* Events are queued under the object lock and sent once it is dropped. */
static void
pending_add(GArray *q, VmmDomainObj *obj, int event, int detail)
{
    PendingEvent ev = { .name = g_strdup(obj->parent.name), .id = obj->parent.id,
                        .event = event, .detail = detail };

    memcpy(ev.uuid, obj->parent.uuid, VMM_UUID_BUFLEN);
    g_array_append_val(q, ev);
}

static void
pending_clear(gpointer p)
{
    g_free(((PendingEvent *)p)->name);
}

static GArray *
pending_new(void)
{
    GArray *q = g_array_new(FALSE, TRUE, sizeof(PendingEvent));

    g_array_set_clear_func(q, pending_clear);
    return q;
}

static void
pending_send(GArray *q)
{
    for (guint i = 0; i < q->len; i++) {
        PendingEvent *ev = &g_array_index(q, PendingEvent, i);

        qemu_driver_emit(ev->name, ev->uuid, ev->id, ev->event, ev->detail);
    }
    g_array_unref(q);
}

/* ------------------------------------------------------------------ */
/* Stopping                                                            */

static const char *
state_word(int state)
{
    return state == VMM_DOMAIN_PAUSED ? "paused" :
           state == VMM_DOMAIN_SHUTDOWN ? "shutdown" : "running";
}

/* Rewrite the status file with the state and reason, which a restarted
 * vmmd reads back. */
static void
save_status(QemuRun *run, int state, int reason)
{
    g_autoptr(GError) err = NULL;

    if (!run->proc)
        return;
    vmm_qemu_process_set_reason(run->proc, vmm_domain_reason_to_string(state, reason));
    if (!vmm_qemu_process_save_status(run->proc, state_word(state), &err))
        g_warning("%s", err->message);
}

/* The reason named @word for @state (the status file's), 0 (unknown) when
 * it names none. */
static int
reason_from_word(int state, const char *word)
{
    for (int r = 1; word && r < 32; r++) {
        if (g_str_equal(vmm_domain_reason_to_string(state, r), word))
            return r;
    }
    return 0;
}

/*
 * The locked @obj's QEMU (@run, its current run) is gone: detach it, mark
 * the domain shut off with @reason and queue the STOPPED/@detail event.
 * Drops the domain's reference on @run.
 */
static void
finish_stop(VmmDomainObj *obj, QemuDomainPriv *priv, QemuRun *run, int reason,
            int detail, GArray *events)
{
    priv->run = NULL;
    g_cond_broadcast(&priv->unplug_cond);
    run_release(run);
    pending_add(events, obj, VMM_DOMAIN_EVENT_STOPPED, detail);
    vmm_domain_obj_stop(qemu_driver->domains, obj, reason);
    run_unref(run);
}

/* Lock the domain of @run and return its priv when @run is still its
 * current run; else unlock and return NULL. */
static QemuDomainPriv *
run_lock_current(QemuRun *run)
{
    QemuDomainPriv *priv;

    if (!run->obj)
        return NULL;
    vmm_obj_lock(run->obj);
    priv = priv_get(run->obj);
    if (priv->run != run) {
        vmm_obj_unlock(run->obj);
        return NULL;
    }
    return priv;
}

/* Like run_lock_current(), but also for a run still starting: QEMU may
 * shut down or panic right after `cont`, before the start finished.
 * *@current tells whether @run is already the domain's run. */
static QemuDomainPriv *
run_lock_early(QemuRun *run, gboolean *current)
{
    QemuDomainPriv *priv;

    if (!run->obj)
        return NULL;
    vmm_obj_lock(run->obj);
    priv = priv_get(run->obj);
    *current = priv->run == run;
    if (!*current && !run->starting) {
        vmm_obj_unlock(run->obj);
        return NULL;
    }
    return priv;
}

/* How the exit of @run is to be read, from what QEMU said before. */
static void
exit_reason(QemuRun *run, int *reason, int *detail)
{
    if (run->stop_reason >= 0) {
        *reason = run->stop_reason;
        *detail = run->stop_event;
    } else if (run->got_shutdown) {
        *reason = VMM_DOMAIN_SHUTOFF_SHUTDOWN;
        *detail = VMM_DOMAIN_EVENT_STOPPED_SHUTDOWN;
    } else {
        /* As libvirt: QEMU went away without a SHUTDOWN first. */
        g_message("QEMU of domain '%s' died unexpectedly", run->name);
        *reason = VMM_DOMAIN_SHUTOFF_CRASHED;
        *detail = VMM_DOMAIN_EVENT_STOPPED_FAILED;
    }
}

static void
handle_exit(QemuRun *run, int wait_status)
{
    QemuDomainPriv *priv;
    GArray *events;
    int reason, detail;

    if (!qemu_driver || !(priv = run_lock_current(run)))
        return;
    if (run->destroying) {
        /* destroy does the bookkeeping once its kill returned, so that
         * the STOPPED event precedes its reply. */
        vmm_obj_unlock(run->obj);
        return;
    }
    events = pending_new();
    exit_reason(run, &reason, &detail);
    finish_stop(run->obj, priv, run, reason, detail, events);
    vmm_obj_unlock(run->obj);
    pending_send(events);
}

typedef struct {
    QemuRun *run;            /* referenced */
    int wait_status;
    int tries;
} ExitWait;

static gboolean
exit_wait_cb(gpointer data)
{
    ExitWait *w = data;

    /* Up to half a second for the monitor to read what QEMU said last. */
    if (vmm_qemu_monitor_is_open(w->run->mon) && ++w->tries < 50)
        return G_SOURCE_CONTINUE;
    handle_exit(w->run, w->wait_status);
    run_unref(w->run);
    g_free(w);
    return G_SOURCE_REMOVE;
}

static void
on_exited(VmmQemuProcess *proc, int wait_status, gpointer opaque)
{
    QemuRun *run = opaque;
    ExitWait *w;
    GSource *src;

    /* SIGCHLD may come before the monitor read QEMU's last events
     * (SHUTDOWN, GUEST_PANICKED), which say how the exit is to be read:
     * wait for the monitor's EOF first. */
    if (!run->mon || !vmm_qemu_monitor_is_open(run->mon)) {
        handle_exit(run, wait_status);
        return;
    }
    w = g_new0(ExitWait, 1);
    w->run = run_ref(run);
    w->wait_status = wait_status;
    src = g_timeout_source_new(10);
    g_source_set_callback(src, exit_wait_cb, w, NULL);
    g_source_attach(src, qemu_driver->ctx);
    g_source_unref(src);
}

/* ------------------------------------------------------------------ */
/* QMP events in (on the driver's context)                             */

/* The status file follows a changed live definition of @obj. */
static void
save_live_def(QemuRun *run, VmmDomainObj *obj)
{
    if (!run->proc)
        return;
    vmm_qemu_process_set_def(run->proc, vmm_domain_obj_def(obj));
    save_status(run, obj->state, obj->reason);
}

static void
set_state(VmmDomainObj *obj, QemuRun *run, int state, int reason)
{
    vmm_domain_obj_set_state(obj, state, reason);
    save_status(run, state, reason);
}

static void restart_guest(QemuRun *run, int reason);

static void
on_stop(VmmQemuMonitor *mon, gpointer opaque)
{
    QemuRun *run = opaque;
    GArray *events;
    gboolean current;

    if (!run_lock_early(run, &current))
        return;
    if (!current) {
        /* Still starting: only a panic's pause matters, to its restart. */
        if (run->early_panic)
            run->early_panic_stopped = TRUE;
        vmm_obj_unlock(run->obj);
        return;
    }
    if (run->restart_on_stop) {
        /* The panic's pause is done: a `cont` sent before it would have
         * been undone by it. */
        run->restart_on_stop = FALSE;
        restart_guest(run, VMM_DOMAIN_RUNNING_CRASHED);
        vmm_obj_unlock(run->obj);
        return;
    }
    events = pending_new();
    /* After SHUTDOWN, QEMU (-no-shutdown) stops: that is no pause, nor
     * on the way to a guest restarted. */
    if (run->obj->state == VMM_DOMAIN_RUNNING && !run->got_shutdown && !run->restarting) {
        set_state(run->obj, run, VMM_DOMAIN_PAUSED, VMM_DOMAIN_PAUSED_USER);
        pending_add(events, run->obj, VMM_DOMAIN_EVENT_SUSPENDED,
                    VMM_DOMAIN_EVENT_SUSPENDED_PAUSED);
    }
    vmm_obj_unlock(run->obj);
    pending_send(events);
}

static void
on_resume(VmmQemuMonitor *mon, gpointer opaque)
{
    QemuRun *run = opaque;
    GArray *events;

    if (!run_lock_current(run))
        return;
    events = pending_new();
    if (run->restarting) {
        /* The guest restarted runs again (as libvirt: booted, or crashed
         * after a panic; the event says unpaused). */
        run->restarting = FALSE;
        set_state(run->obj, run, VMM_DOMAIN_RUNNING, run->restart_reason);
        pending_add(events, run->obj, VMM_DOMAIN_EVENT_RESUMED,
                    VMM_DOMAIN_EVENT_RESUMED_UNPAUSED);
    } else if (run->obj->state == VMM_DOMAIN_PAUSED) {
        set_state(run->obj, run, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_UNPAUSED);
        pending_add(events, run->obj, VMM_DOMAIN_EVENT_RESUMED,
                    VMM_DOMAIN_EVENT_RESUMED_UNPAUSED);
    }
    vmm_obj_unlock(run->obj);
    pending_send(events);
}

/* Reset the guest and let it run: on_poweroff/on_reboot/on_crash
 * 'restart' with a QEMU kept alive (-no-shutdown); it then runs with
 * @reason. */
static void
restart_guest(QemuRun *run, int reason)
{
    run->restarting = TRUE;
    run->restart_reason = reason;
    vmm_qemu_monitor_send(run->mon, "system_reset", NULL, qemu_driver->job_timeout_ms,
                          NULL, NULL);
    vmm_qemu_monitor_send(run->mon, "cont", NULL, qemu_driver->job_timeout_ms, NULL, NULL);
}

/* QEMU runs with -no-shutdown, so that a reboot can restart a guest that
 * powered off: once the guest is down for good, ask QEMU to quit. */
static void
stop_after_shutdown(VmmQemuMonitor *mon)
{
    vmm_qemu_monitor_send(mon, "quit", NULL, qemu_driver->job_timeout_ms, NULL, NULL);
}

static void
on_shutdown(VmmQemuMonitor *mon, gboolean guest, const char *reason, gpointer opaque)
{
    QemuRun *run = opaque;
    VmmDomainDef *def;
    GArray *events;
    gboolean current, reboot;

    if (!run_lock_early(run, &current))
        return;
    /* Our own `quit` after a shutdown makes a second SHUTDOWN. */
    if (run->got_shutdown || run->destroying) {
        vmm_obj_unlock(run->obj);
        return;
    }
    def = vmm_domain_obj_def(run->obj);
    /* A guest reset under -no-reboot (on_reboot destroy) ends the domain
     * whatever on_poweroff says. */
    reboot = reason && g_str_has_suffix(reason, "-reset");
    if (!current) {
        /* Still starting: the start reads the exit as a shutdown. */
        run->got_shutdown = TRUE;
        if (def->on_poweroff == VMM_DOMAIN_LIFECYCLE_DESTROY || reboot)
            stop_after_shutdown(mon);
        vmm_obj_unlock(run->obj);
        return;
    }
    events = pending_new();
    if (run->fake_reboot) {
        /* The guest powered off on the reboot's power button: a transient
         * shutdown, no state change nor event until it runs again. */
        run->fake_reboot = FALSE;
        restart_guest(run, VMM_DOMAIN_RUNNING_BOOTED);
    } else if ((def->on_poweroff == VMM_DOMAIN_LIFECYCLE_RESTART ||
                def->on_poweroff == VMM_DOMAIN_LIFECYCLE_RENAME_RESTART) && !reboot) {
        pending_add(events, run->obj, VMM_DOMAIN_EVENT_SHUTDOWN,
                    guest ? VMM_DOMAIN_EVENT_SHUTDOWN_GUEST : VMM_DOMAIN_EVENT_SHUTDOWN_HOST);
        /* QEMU stays (-no-shutdown): boot the guest again. */
        restart_guest(run, VMM_DOMAIN_RUNNING_BOOTED);
        set_state(run->obj, run, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_BOOTED);
    } else {
        pending_add(events, run->obj, VMM_DOMAIN_EVENT_SHUTDOWN,
                    guest ? VMM_DOMAIN_EVENT_SHUTDOWN_GUEST : VMM_DOMAIN_EVENT_SHUTDOWN_HOST);
        run->got_shutdown = TRUE;
        set_state(run->obj, run, VMM_DOMAIN_SHUTDOWN, VMM_DOMAIN_SHUTDOWN_USER);
        /* destroy: QEMU (-no-shutdown) waits, stopped: end it, its exit
         * then reads as a shutdown; preserve: it stays. */
        if (def->on_poweroff == VMM_DOMAIN_LIFECYCLE_DESTROY || reboot)
            stop_after_shutdown(mon);
    }
    vmm_obj_unlock(run->obj);
    pending_send(events);
}

static void panic_action(QemuRun *run, const char *action, GArray *events);

static void
on_panicked(VmmQemuMonitor *mon, const char *action, const VmmJsonNode *data,
            gpointer opaque)
{
    QemuRun *run = opaque;
    GArray *events;
    gboolean current;

    if (!run_lock_early(run, &current))
        return;
    if (!current) {
        /* The start acts on it once the run is the domain's. */
        run->early_panic = TRUE;
        g_free(run->early_panic_action);
        run->early_panic_action = g_strdup(action);
        vmm_obj_unlock(run->obj);
        return;
    }
    events = pending_new();
    panic_action(run, action, events);
    vmm_obj_unlock(run->obj);
    pending_send(events);
}

/* on_crash for the locked domain of its current @run; QEMU's own
 * @action: "pause" (QEMU stops the guest), "poweroff", "none". */
static void
panic_action(QemuRun *run, const char *action, GArray *events)
{
    VmmDomainDef *def = vmm_domain_obj_def(run->obj);

    pending_add(events, run->obj, VMM_DOMAIN_EVENT_CRASHED, 0 /* panicked */);
    switch (def->on_crash) {
    case VMM_DOMAIN_LIFECYCLE_DESTROY:
    case VMM_DOMAIN_LIFECYCLE_COREDUMP_DESTROY:
        /* The exit handler finishes: shut off (crashed). */
        run->stop_reason = VMM_DOMAIN_SHUTOFF_CRASHED;
        run->stop_event = VMM_DOMAIN_EVENT_STOPPED_CRASHED;
        if (!vmm_qemu_process_has_exited(run->proc))
            kill(vmm_qemu_process_get_pid(run->proc), SIGKILL);
        break;
    case VMM_DOMAIN_LIFECYCLE_RESTART:
    case VMM_DOMAIN_LIFECYCLE_RENAME_RESTART:
    case VMM_DOMAIN_LIFECYCLE_COREDUMP_RESTART:
        /* As libvirt: crashed until the reset guest runs again, then
         * running (crashed), in the same QEMU. */
        set_state(run->obj, run, VMM_DOMAIN_CRASHED, 1 /* panicked */);
        if (g_strcmp0(action, "pause") == 0 && !run->early_panic_stopped)
            run->restart_on_stop = TRUE;
        else
            restart_guest(run, VMM_DOMAIN_RUNNING_CRASHED);
        break;
    default:
        set_state(run->obj, run, VMM_DOMAIN_CRASHED, 1 /* panicked */);
        break;
    }
}

/* Send the commands queued for after the removal of @id. */
static void
unplug_cleanup_run(QemuRun *run, const char *id)
{
    GPtrArray *cmds = g_hash_table_lookup(run->unplug_cleanup, id);

    for (guint i = 0; cmds && i < cmds->len; i++) {
        const VmmJsonNode *c = cmds->pdata[i];
        VmmJsonNode *args = vmm_json_node_object_get((VmmJsonNode *)c, "arguments");

        vmm_qemu_monitor_send(run->mon, vmm_json_node_object_get_string(c, "execute"),
                              args ? vmm_json_node_copy(args) : NULL,
                              qemu_driver->job_timeout_ms, NULL, NULL);
    }
    g_hash_table_remove(run->unplug_cleanup, id);
}

/* QEMU removed device @device: the guest released it (or a detach timed
 * out before it did).  Whoever waits or not, the live definition loses
 * it, its backend goes, and a waiting detach wakes up. */
static void
on_device_deleted(VmmQemuMonitor *mon, const char *device, const char *path,
                  gpointer opaque)
{
    QemuRun *run = opaque;
    QemuDomainPriv *priv;
    static const VmmDomainDeviceKind kinds[] = {
        VMM_DOMAIN_DEVICE_DISK, VMM_DOMAIN_DEVICE_INTERFACE,
    };
    gboolean changed = FALSE;

    if (!device || !(priv = run_lock_current(run)))
        return;
    for (size_t k = 0; k < G_N_ELEMENTS(kinds); k++) {
        VmmDomainDevices *devs = &vmm_domain_obj_def(run->obj)->devices;
        int idx = vmm_domain_devices_find_alias(devs, kinds[k], device);

        if (idx < 0)
            continue;
        vmm_obj_prepare_live_change(run->obj);
        devs = &vmm_domain_obj_def(run->obj)->devices;
        g_ptr_array_remove_index(vmm_domain_devices_list(devs, kinds[k]), idx);
        changed = TRUE;
    }
    unplug_cleanup_run(run, device);
    g_hash_table_add(run->deleted, g_strdup(device));
    if (changed)
        save_live_def(run, run->obj);
    g_cond_broadcast(&priv->unplug_cond);
    vmm_obj_unlock(run->obj);
}

static const VmmQemuProcessCallbacks process_callbacks = {
    .monitor = {
        .shutdown = on_shutdown,
        .stop = on_stop,
        .resume = on_resume,
        .guest_panicked = on_panicked,
        .device_deleted = on_device_deleted,
    },
    .exited = on_exited,
};

/* ------------------------------------------------------------------ */
/* Jobs                                                                */

static gboolean
job_begin(VmmDomainObj *obj, QemuDomainPriv *priv, const char *job, GError **error)
{
    gint64 deadline = g_get_monotonic_time() + (gint64)qemu_driver->job_timeout_ms * 1000;
    gboolean ok = TRUE;

    if (!priv->job) {
        priv->job = job;
        return TRUE;
    }
    /* Waiting on another call: lend this worker meanwhile, so calls on
     * other domains never queue behind a stuck one. */
    g_debug("job-wait: domain '%s': %s waits for %s", obj->parent.name, job, priv->job);
    vmm_blocking_enter();
    while (priv->job) {
        if (!g_cond_wait_until(&priv->job_cond, &obj->parent.lock, deadline) && priv->job) {
            vmm_error_set(error, VMM_ERR_OPERATION_TIMEOUT,
                          _("cannot acquire state change lock of domain '%s' "
                            "(held by %s, waited %d s)"),
                          obj->parent.name, priv->job, qemu_driver->job_timeout_ms / 1000);
            ok = FALSE;
            break;
        }
    }
    vmm_blocking_leave();
    if (ok)
        priv->job = job;
    return ok;
}

static void
job_end(QemuDomainPriv *priv)
{
    priv->job = NULL;
    g_cond_broadcast(&priv->job_cond);
}

static gboolean
check_running(VmmDomainObj *obj, QemuDomainPriv *priv, GError **error)
{
    if (!obj->parent.active || !priv->run) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
        return FALSE;
    }
    return TRUE;
}

/* Run @command (@args taken) on the locked @obj's QEMU within the job
 * deadline, the object unlocked meanwhile; @job names it in the deadline
 * message (NULL: a query).  Fails when the domain stopped meanwhile. */
static VmmJsonNode *
monitor_call(VmmDomainObj *obj, QemuDomainPriv *priv, const char *command, VmmJsonNode *args,
             const char *job, GError **error)
{
    QemuRun *run = priv->run;
    VmmJsonNode *ret;

    if (!check_running(obj, priv, error)) {
        vmm_json_node_free(args);
        return NULL;
    }
    run_ref(run);
    vmm_obj_unlock(obj);
    ret = vmm_qemu_monitor_command(run->mon, command, args, qemu_driver->job_timeout_ms,
                                   job, error);
    vmm_obj_lock(obj);
    if (ret && priv->run != run) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s",
                      _("domain is not running"));
        g_clear_pointer(&ret, vmm_json_node_free);
    }
    run_unref(run);
    return ret;
}

static gboolean
job_command(VmmDomainObj *obj, QemuDomainPriv *priv, const char *command,
            const char *job, GError **error)
{
    g_autoptr(VmmJsonNode) ret = monitor_call(obj, priv, command, NULL, job, error);

    return ret != NULL;
}

/* Queries take no job: they never wait on one. */
VmmJsonNode *
qemu_domain_query(VmmDomainObj *obj, const char *command, VmmJsonNode *args, GError **error)
{
    return monitor_call(obj, priv_get(obj), command, args, NULL, error);
}

pid_t
qemu_domain_pid(VmmDomainObj *obj)
{
    QemuDomainPriv *priv = priv_get(obj);

    return priv->run && priv->run->proc ? vmm_qemu_process_get_pid(priv->run->proc) : 0;
}

/* ------------------------------------------------------------------ */
/* Start                                                               */

/* chown @path to @uid:@gid for the run, remembering its owner. */
static gboolean
own_file(QemuRun *run, const char *path, uid_t uid, gid_t gid, GError **error)
{
    struct stat st;
    OwnedFile *f;

    if (!path || stat(path, &st) < 0)
        return TRUE;    /* QEMU will say what is missing */
    if (st.st_uid == uid && st.st_gid == gid)
        return TRUE;
    if (chown(path, uid, gid) < 0) {
        vmm_error_set_errno(error, errno, _("cannot hand '%s' to the QEMU user"), path);
        return FALSE;
    }
    f = g_new0(OwnedFile, 1);
    f->path = g_strdup(path);
    f->uid = st.st_uid;
    f->gid = st.st_gid;
    g_ptr_array_add(run->owned, f);
    return TRUE;
}

/* The user QEMU runs as: *@switch_user FALSE when it runs as we do. */
static gboolean
qemu_user(uid_t *uid, gid_t *gid, gboolean *switch_user, GError **error)
{
    QemuDriver *d = qemu_driver;
    struct passwd *pw;
    struct group *gr;

    *switch_user = FALSE;
    if (!d->privileged || !d->user || g_str_equal(d->user, "root") ||
        g_str_equal(d->user, "+0"))
        return TRUE;
    if (!(pw = getpwnam(d->user))) {
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("QEMU user '%s' (qemu.conf) does not exist"), d->user);
        return FALSE;
    }
    *uid = pw->pw_uid;
    *gid = pw->pw_gid;
    if (d->group && !g_str_equal(d->group, d->user)) {
        if (!(gr = getgrnam(d->group))) {
            vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                          _("QEMU group '%s' (qemu.conf) does not exist"), d->group);
            return FALSE;
        }
        *gid = gr->gr_gid;
    }
    *switch_user = TRUE;
    return TRUE;
}

/* The NVRAM of a UEFI domain: copied from its template on first start. */
static gboolean
prepare_nvram(VmmDomainDef *def, GError **error)
{
    const char *code = NULL, *vars = NULL;
    g_autofree char *path = NULL;
    g_autofree char *data = NULL;
    gsize len;
    GError *err = NULL;

    if (!vmm_qemu_firmware_select(def, qemu_driver->firmware, &code, &vars, error))
        return FALSE;
    if (!code || !vars)
        return TRUE;
    path = def->os.nvram ? g_strdup(def->os.nvram) :
           g_strdup_printf("%s/nvram/%s_VARS.fd", qemu_driver->lib_dir, def->name);
    if (!g_file_test(path, G_FILE_TEST_EXISTS)) {
        g_autofree char *dir = g_path_get_dirname(path);

        if (!vmm_file_mkdir_p(dir, 0755, error))
            return FALSE;
        if (!g_file_get_contents(vars, &data, &len, &err) ||
            !vmm_file_write_atomic(path, data, len, 0600, error)) {
            if (err) {
                vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                              _("cannot copy NVRAM template '%s': %s"), vars, err->message);
                g_error_free(err);
            }
            return FALSE;
        }
    }
    if (!def->os.nvram)
        def->os.nvram = g_steal_pointer(&path);
    return TRUE;
}

/* The port of an autoport VNC or SPICE display @g, reserved for the run
 * in *@slot (one display of each type); the live definition names it. */
static gboolean
graphics_port(VmmDomainGraphicsDef *g, int *slot, GError **error)
{
    if (!(g->autoport || g->port < 0) || *slot)
        return TRUE;
    if ((*slot = qemu_driver_alloc_port(error)) < 0) {
        *slot = 0;
        return FALSE;
    }
    g->port = *slot;
    return TRUE;
}

/*
 * Start QEMU for @def (the live definition, completed here with the VNC
 * port and NVRAM path).  Blocks; called with no lock held.
 */
static gboolean
start_qemu_taps(QemuRun *run, VmmDomainDef *def, gboolean paused, GArray *taps,
                GError **error)
{
    QemuDriver *d = qemu_driver;
    g_autofree char *binary = NULL;
    const VmmQemuCaps *caps;
    g_autoptr(VmmQemuCommand) qc = NULL;
    VmmQemuBuildParams params = { 0 };
    VmmQemuProcessConfig cfg = { 0 };
    g_autofree char *mon_path = NULL;
    g_autoptr(VmmCommand) cmd = NULL;
    uid_t uid = 0;
    gid_t gid = 0;
    gboolean switch_user;

    binary = def->devices.emulator ? g_strdup(def->devices.emulator) :
             qemu_driver_find_binary(def->os_arch, error);
    if (!binary || !(caps = qemu_driver_get_caps(binary, error)) ||
        !vmm_qemu_caps_check_virt_type(caps, def->virt_type, error) ||
        !qemu_user(&uid, &gid, &switch_user, error))
        return FALSE;

    for (guint i = 0; def->devices.graphics && i < def->devices.graphics->len; i++) {
        VmmDomainGraphicsDef *g = def->devices.graphics->pdata[i];
        VmmGraphicsListen *l = g->listens && g->listens->len ? g->listens->pdata[0] : NULL;

        /* The live definition names the address QEMU listens on, the
         * default one too (libvirt's vnc_listen), as vncdisplay reads it. */
        if ((g->type == VMM_GRAPHICS_TYPE_VNC || g->type == VMM_GRAPHICS_TYPE_SPICE) && l &&
            l->type == VMM_GRAPHICS_LISTEN_ADDRESS && !l->address)
            l->address = g_strdup("127.0.0.1");

        if ((g->type == VMM_GRAPHICS_TYPE_VNC && !graphics_port(g, &run->vnc_port, error)) ||
            (g->type == VMM_GRAPHICS_TYPE_SPICE &&
             !graphics_port(g, &run->spice_port, error)))
            return FALSE;
    }
    if (!prepare_nvram(def, error))
        return FALSE;
    if (!vmm_file_mkdir_p(run->dom_dir, 0750, error))
        return FALSE;
    mon_path = g_strdup_printf("%s/monitor.sock", run->dom_dir);
    /* vmmd creates the QMP socket and QEMU inherits it listening: no
     * waiting for QEMU to create it. */
    if ((params.monitor_fd = vmm_qemu_monitor_listen_unix(mon_path,
                                                          switch_user ? uid : (uid_t)-1,
                                                          switch_user ? gid : (gid_t)-1,
                                                          error)) < 0)
        return FALSE;
    params.start_paused = TRUE;
    params.session = !d->privileged;
    params.vnc_port = run->vnc_port;
    params.spice_port = run->spice_port;
    params.nvram_path = def->os.nvram;
    params.channel_dir = run->dom_dir;
    params.firmware = d->firmware;
    params.tap_fds = taps ? (const int *)(gpointer)taps->data : NULL;
    params.n_tap_fds = taps ? taps->len : 0;
    if (!(qc = vmm_qemu_build_command(def, caps, &params, error))) {
        close(params.monitor_fd);
        return FALSE;
    }
    /* The live XML shows the aliases and addresses QEMU got. */
    vmm_qemu_command_apply_ids(qc, def);
    /* From here the command owns the monitor's fd. */
    cmd = vmm_qemu_process_command_new(qc);

    if (switch_user) {
        if (!own_file(run, run->dom_dir, uid, gid, error) ||
            !own_file(run, def->os.nvram, uid, gid, error) ||
            !own_file(run, def->os.kernel, uid, gid, error) ||
            !own_file(run, def->os.initrd, uid, gid, error) ||
            !own_file(run, def->os.loader, uid, gid, error))
            return FALSE;
        for (guint i = 0; def->devices.disks && i < def->devices.disks->len; i++) {
            VmmDomainDiskDef *disk = def->devices.disks->pdata[i];

            if ((disk->type == VMM_DISK_TYPE_FILE || disk->type == VMM_DISK_TYPE_BLOCK) &&
                !own_file(run, disk->src_path, uid, gid, error))
                return FALSE;
        }
    }

    if (!owned_save(run, error))
        return FALSE;
    if (switch_user)
        vmm_command_set_user(cmd, uid, gid);
    cfg.name = def->name;
    cfg.def = def;
    cfg.id = run->id;
    cfg.monitor_path = mon_path;
    cfg.log_dir = d->log_dir;
    cfg.run_dir = d->run_dir;
    cfg.start_paused = paused;
    cfg.monitor_timeout_ms = d->job_timeout_ms;
    cfg.ctx = d->ctx;
    if (!(run->proc = vmm_qemu_process_start(&cfg, g_steal_pointer(&cmd), &process_callbacks,
                                             run, error)))
        return FALSE;
    run->mon = vmm_qemu_monitor_ref(vmm_qemu_process_get_monitor(run->proc));
    qemu_console_fill_ptys(run->mon, def, d->job_timeout_ms);
    return TRUE;
}

static void
close_taps(GArray *taps)
{
    for (guint i = 0; taps && i < taps->len; i++) {
        if (g_array_index(taps, int, i) >= 0)
            close(g_array_index(taps, int, i));
    }
}

/*
 * A tap per <interface type='network'|'bridge'> (network driver), -1 for
 * the others; the names made go into the live definition's target dev.
 * The taps are not persistent: they vanish with QEMU, the last fd holder.
 */
static GArray *
open_taps(VmmDomainDef *def, GError **error)
{
    GArray *taps = g_array_new(FALSE, FALSE, sizeof(int));

    for (guint i = 0; def->devices.interfaces && i < def->devices.interfaces->len; i++) {
        VmmDomainNetDef *net = def->devices.interfaces->pdata[i];
        unsigned int mtu = net->mtu > 0 ? (unsigned int)net->mtu : 0;
        char *ifname = NULL;
        int fd = -1;

        if (net->type == VMM_NET_TYPE_NETWORK)
            fd = vmm_network_port_create(net->src_network, net->mac, net->target_dev, mtu,
                                         &ifname, error);
        else if (net->type == VMM_NET_TYPE_BRIDGE)
            fd = vmm_network_port_create_bridge(net->src_bridge, net->mac, net->target_dev,
                                                mtu, &ifname, error);
        else {
            g_array_append_val(taps, fd);
            continue;
        }
        if (fd < 0) {
            close_taps(taps);
            g_array_unref(taps);
            return NULL;
        }
        g_free(net->target_dev);
        net->target_dev = ifname;
        g_array_append_val(taps, fd);
    }
    return taps;
}

static gboolean
start_qemu(QemuRun *run, VmmDomainDef *def, gboolean paused, GError **error)
{
    gboolean ok;
    g_autoptr(GArray) taps = NULL;

    if (qemu_driver->privileged && !(taps = open_taps(def, error)))
        return FALSE;
    ok = start_qemu_taps(run, def, paused, taps, error);
    /* QEMU holds its copies now (or never will). */
    close_taps(taps);
    return ok;
}

gboolean
qemu_domain_start(VmmDomainObj *obj, unsigned int flags, GError **error)
{
    QemuDomainPriv *priv = priv_get(obj);
    g_autoptr(VmmDomainDef) def = NULL;
    gboolean paused = (flags & VMM_DOMAIN_START_PAUSED) != 0;
    QemuRun *run;
    GArray *events;
    int id;

    if (!job_begin(obj, priv, "job start", error))
        return FALSE;
    if (obj->parent.active) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("domain is already running"));
        job_end(priv);
        return FALSE;
    }
    def = vmm_domain_def_copy(vmm_domain_obj_def(obj));
    id = g_atomic_int_add(&qemu_driver->next_id, 1);
    run = run_new(obj, def, id);

    vmm_obj_unlock(obj);
    if (!start_qemu(run, def, paused, error)) {
        vmm_obj_lock(obj);
        run_release(run);
        run_unref(run);
        job_end(priv);
        return FALSE;
    }
    /* QEMU gone already (it shut down or panicked at once): let the
     * monitor read its last words first, they say how to read the exit. */
    if (vmm_qemu_process_has_exited(run->proc)) {
        gint64 deadline = g_get_monotonic_time() + 500 * 1000;

        while (vmm_qemu_monitor_is_open(run->mon) && g_get_monotonic_time() < deadline)
            g_usleep(2000);
    }
    vmm_obj_lock(obj);

    events = pending_new();
    run->starting = FALSE;
    vmm_domain_obj_start(qemu_driver->domains, obj, id, VMM_DOMAIN_RUNNING_BOOTED);
    /* The live definition is the one QEMU runs (VNC port, NVRAM). */
    vmm_obj_prepare_live_change(obj);
    vmm_domain_def_free(obj->parent.def);
    obj->parent.def = g_steal_pointer(&def);
    priv->run = run;
    pending_add(events, obj, VMM_DOMAIN_EVENT_STARTED, VMM_DOMAIN_EVENT_STARTED_BOOTED);
    if (paused) {
        vmm_domain_obj_set_state(obj, VMM_DOMAIN_PAUSED, VMM_DOMAIN_PAUSED_USER);
        pending_add(events, obj, VMM_DOMAIN_EVENT_SUSPENDED, VMM_DOMAIN_EVENT_SUSPENDED_PAUSED);
    }
    save_status(run, obj->state, obj->reason);
    if (run->early_panic)
        panic_action(run, run->early_panic_action, events);
    /* An exit before priv->run was set went unhandled. */
    if (priv->run == run && vmm_qemu_process_has_exited(run->proc)) {
        int reason, detail;

        exit_reason(run, &reason, &detail);
        finish_stop(obj, priv, run, reason, detail, events);
    }
    job_end(priv);
    vmm_obj_unlock(obj);
    pending_send(events);
    vmm_obj_lock(obj);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Stop and the others                                                 */

/* A SIGSTOPped process would sit on SIGTERM for the whole grace. */
static gboolean
process_is_stopped(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *text = NULL;
    const char *p;

    if (!g_file_get_contents(path, &text, NULL, NULL) || !(p = strrchr(text, ')')))
        return FALSE;
    return p[1] == ' ' && (p[2] == 'T' || p[2] == 't');
}

gboolean
qemu_domain_destroy(VmmDomainObj *obj, unsigned int flags, GError **error)
{
    QemuDomainPriv *priv = priv_get(obj);
    gboolean graceful = (flags & VMM_DOMAIN_DESTROY_GRACEFUL) != 0;
    QemuRun *run;
    gboolean ok;
    GArray *events;

    if (!check_running(obj, priv, error))
        return FALSE;
    run = run_ref(priv->run);
    run->destroying = TRUE;
    vmm_obj_unlock(obj);

    if (!graceful && process_is_stopped(vmm_qemu_process_get_pid(run->proc)))
        kill(vmm_qemu_process_get_pid(run->proc), SIGKILL);
    ok = vmm_qemu_process_kill(run->proc, graceful, qemu_driver->destroy_grace_ms, error);

    vmm_obj_lock(obj);
    if (!ok) {
        run->destroying = FALSE;
        run_unref(run);
        return FALSE;
    }
    events = pending_new();
    if (priv->run == run)
        finish_stop(obj, priv, run, VMM_DOMAIN_SHUTOFF_DESTROYED,
                    VMM_DOMAIN_EVENT_STOPPED_DESTROYED, events);
    run_unref(run);
    vmm_obj_unlock(obj);
    pending_send(events);
    vmm_obj_lock(obj);
    return TRUE;
}

/* guest-shutdown (@reboot: mode reboot) through the guest agent of the
 * locked, running @obj, the object unlocked meanwhile. */
static gboolean
agent_shutdown(VmmDomainObj *obj, QemuDomainPriv *priv, gboolean reboot, GError **error)
{
    QemuRun *run = priv->run;
    g_autoptr(VmmJsonNode) ret = NULL;
    VmmJsonNode *args;

    if (!run->agent) {
        g_autofree char *path = vmm_qemu_agent_socket_path(vmm_domain_obj_def(obj),
                                                           run->dom_dir);

        if (!path) {
            vmm_error_set(error, VMM_ERR_ARGUMENT_UNSUPPORTED, "%s",
                          _("QEMU guest agent is not configured"));
            return FALSE;
        }
        run->agent = vmm_qemu_agent_new(path, run->name);
    }
    if (obj->state != VMM_DOMAIN_RUNNING) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
        return FALSE;
    }
    run->fake_reboot = FALSE;
    args = vmm_json_node_new_object();
    vmm_json_node_object_set_string(args, "mode", reboot ? "reboot" : "powerdown");
    run_ref(run);
    vmm_obj_unlock(obj);
    /* The agent does not answer guest-shutdown: QEMU's events tell the
     * rest, as for the power button. */
    vmm_blocking_enter();
    ret = vmm_qemu_agent_command(run->agent, "guest-shutdown", args, FALSE,
                                 qemu_driver->job_timeout_ms, error);
    vmm_blocking_leave();
    vmm_obj_lock(obj);
    run_unref(run);
    return ret != NULL;
}

/* Press the power button of the locked, running @obj's guest; @reboot:
 * restart the guest once it powered off (libvirt's fake reboot). */
static gboolean
power_button(VmmDomainObj *obj, QemuDomainPriv *priv, gboolean reboot, const char *job,
             GError **error)
{
    gboolean ok;

    /* The agent tried first may have let the domain stop meanwhile. */
    if (!check_running(obj, priv, error))
        return FALSE;
    priv->run->fake_reboot = reboot;
    ok = job_command(obj, priv, "system_powerdown", job, error);
    if (!ok && priv->run)
        priv->run->fake_reboot = FALSE;
    return ok;
}

/* shutdown and reboot: through the guest agent or the ACPI power button
 * (both flags: the agent first, the button when the agent fails). */
static gboolean
shutdown_or_reboot(VmmDomainObj *obj, unsigned int flags, gboolean reboot, GError **error)
{
    QemuDomainPriv *priv = priv_get(obj);
    const char *job = reboot ? "job reboot" : "job shutdown";
    gboolean use_agent = (flags & VMM_DOMAIN_SHUTDOWN_GUEST_AGENT) != 0;
    gboolean use_acpi = (flags & VMM_DOMAIN_SHUTDOWN_ACPI_POWER_BTN) || !flags;
    g_autoptr(GError) agent_err = NULL;
    VmmDomainDef *def;
    gboolean ok;

    if (flags & ~(VMM_DOMAIN_SHUTDOWN_ACPI_POWER_BTN | VMM_DOMAIN_SHUTDOWN_GUEST_AGENT)) {
        vmm_error_set(error, VMM_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      reboot ? _("only the ACPI and agent reboot modes are supported") :
                      _("only the ACPI and agent shutdown modes are supported"));
        return FALSE;
    }
    if (!check_running(obj, priv, error) || !job_begin(obj, priv, job, error))
        return FALSE;
    if (!check_running(obj, priv, error)) {
        job_end(priv);
        return FALSE;
    }
    def = vmm_domain_obj_def(obj);
    /* As libvirt: on_reboot destroy or preserve turn a reboot into a
     * shutdown. */
    if (reboot && (def->on_reboot == VMM_DOMAIN_LIFECYCLE_DESTROY ||
                   def->on_reboot == VMM_DOMAIN_LIFECYCLE_PRESERVE))
        reboot = FALSE;
    if (use_agent) {
        ok = agent_shutdown(obj, priv, reboot, use_acpi ? &agent_err : error);
        if (ok || !use_acpi) {
            job_end(priv);
            return ok;
        }
        g_message("domain '%s': %s; using the ACPI power button", obj->parent.name,
                  agent_err->message);
    }
    ok = power_button(obj, priv, reboot, job, error);
    job_end(priv);
    return ok;
}

gboolean
qemu_domain_shutdown(VmmDomainObj *obj, unsigned int flags, GError **error)
{
    return shutdown_or_reboot(obj, flags, FALSE, error);
}

gboolean
qemu_domain_reboot(VmmDomainObj *obj, unsigned int flags, GError **error)
{
    return shutdown_or_reboot(obj, flags, TRUE, error);
}

gboolean
qemu_domain_reset(VmmDomainObj *obj, GError **error)
{
    QemuDomainPriv *priv = priv_get(obj);
    gboolean ok;

    if (!check_running(obj, priv, error) || !job_begin(obj, priv, "job reset", error))
        return FALSE;
    ok = job_command(obj, priv, "system_reset", "job reset", error);
    job_end(priv);
    return ok;
}

/* suspend/resume: @command, then the state QMP's STOP/RESUME would set. */
static gboolean
pause_change(VmmDomainObj *obj, const char *command, const char *job, int from, int to,
             int reason, int event, int detail, GError **error)
{
    QemuDomainPriv *priv = priv_get(obj);
    GArray *events;
    gboolean ok;

    if (!check_running(obj, priv, error) || !job_begin(obj, priv, job, error))
        return FALSE;
    if (!check_running(obj, priv, error)) {
        job_end(priv);
        return FALSE;
    }
    if (obj->state == to) {
        /* Already there: nothing to do, as libvirt. */
        job_end(priv);
        return TRUE;
    }
    if (obj->state != from) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, _("domain is %s"),
                      vmm_domain_state_to_string(obj->state));
        job_end(priv);
        return FALSE;
    }
    ok = job_command(obj, priv, command, job, error);
    events = pending_new();
    if (ok && priv->run && obj->state != to) {
        set_state(obj, priv->run, to, reason);
        pending_add(events, obj, event, detail);
    }
    job_end(priv);
    vmm_obj_unlock(obj);
    pending_send(events);
    vmm_obj_lock(obj);
    return ok;
}

gboolean
qemu_domain_suspend(VmmDomainObj *obj, GError **error)
{
    return pause_change(obj, "stop", "job suspend", VMM_DOMAIN_RUNNING, VMM_DOMAIN_PAUSED,
                        VMM_DOMAIN_PAUSED_USER, VMM_DOMAIN_EVENT_SUSPENDED,
                        VMM_DOMAIN_EVENT_SUSPENDED_PAUSED, error);
}

gboolean
qemu_domain_resume(VmmDomainObj *obj, GError **error)
{
    return pause_change(obj, "cont", "job resume", VMM_DOMAIN_PAUSED, VMM_DOMAIN_RUNNING,
                        VMM_DOMAIN_RUNNING_UNPAUSED, VMM_DOMAIN_EVENT_RESUMED,
                        VMM_DOMAIN_EVENT_RESUMED_UNPAUSED, error);
}

guint64
qemu_domain_cpu_time(VmmDomainObj *obj)
{
    pid_t pid = qemu_domain_pid(obj);
    g_autofree char *path = NULL;
    g_autofree char *text = NULL;
    guint64 ticks;

    if (!pid)
        return 0;
    path = g_strdup_printf("/proc/%d/stat", (int)pid);
    if (!g_file_get_contents(path, &text, NULL, NULL) ||
        !qemu_parse_proc_stat(text, &ticks, NULL))
        return 0;
    return qemu_ticks_to_ns(ticks);
}

/* ------------------------------------------------------------------ */
/* Reconnect, autostart, forget                                        */

static int
status_file_id(const char *path)
{
    g_autofree char *xml = vmm_file_read_all(path, 16 << 20, NULL);
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autofree char *id = NULL;

    if (!xml || !(doc = vmm_xml_parse(xml, path, "domstatus", &ctxt, NULL)))
        return -1;
    id = vmm_xml_string(ctxt, "string(./domain/@id)");
    return id && *id ? atoi(id) : -1;
}

/* The guest of a re-adopted QEMU powered off while vmmd was away (QEMU
 * waits, -no-shutdown): do what its SHUTDOWN event would have done. */
static void
adopt_shutdown(VmmDomainObj *obj, QemuRun *run, const VmmDomainDef *def)
{
    if (def->on_poweroff == VMM_DOMAIN_LIFECYCLE_RESTART ||
        def->on_poweroff == VMM_DOMAIN_LIFECYCLE_RENAME_RESTART) {
        restart_guest(run, VMM_DOMAIN_RUNNING_BOOTED);
        return;
    }
    run->got_shutdown = TRUE;
    vmm_domain_obj_set_state(obj, VMM_DOMAIN_SHUTDOWN, VMM_DOMAIN_SHUTDOWN_USER);
    if (def->on_poweroff == VMM_DOMAIN_LIFECYCLE_DESTROY)
        stop_after_shutdown(run->mon);
}

/* The guest of a re-adopted QEMU panicked (QMP status guest-panicked:
 * on_crash preserve, or a panic while vmmd was away): on_crash as its
 * GUEST_PANICKED event would have applied it. */
static void
adopt_panicked(VmmDomainObj *obj, QemuRun *run, const VmmDomainDef *def)
{
    vmm_domain_obj_set_state(obj, VMM_DOMAIN_CRASHED, 1 /* panicked */);
    switch (def->on_crash) {
    case VMM_DOMAIN_LIFECYCLE_DESTROY:
    case VMM_DOMAIN_LIFECYCLE_COREDUMP_DESTROY:
        run->stop_reason = VMM_DOMAIN_SHUTOFF_CRASHED;
        run->stop_event = VMM_DOMAIN_EVENT_STOPPED_CRASHED;
        stop_after_shutdown(run->mon);
        break;
    case VMM_DOMAIN_LIFECYCLE_RESTART:
    case VMM_DOMAIN_LIFECYCLE_RENAME_RESTART:
    case VMM_DOMAIN_LIFECYCLE_COREDUMP_RESTART:
        restart_guest(run, VMM_DOMAIN_RUNNING_CRASHED);
        break;
    default:
        break;
    }
}

static void
reconnect_one(const char *path)
{
    QemuDriver *d = qemu_driver;
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) def = NULL;
    VmmDomainDef *read_def = NULL;
    gboolean dead = FALSE, created;
    VmmQemuProcess *proc;
    VmmDomainObj *obj;
    QemuRun *run;
    int id = status_file_id(path);
    const char *state, *reason;

    /* The run is the callbacks' opaque before its object is known; its
     * callbacks ignore it until run->obj is set (the loop does not run
     * yet at daemon start-up). */
    run = g_new0(QemuRun, 1);
    run->ref = 1;
    run->id = id;
    run->stop_reason = -1;
    run->owned = g_ptr_array_new_with_free_func((GDestroyNotify)owned_file_free);
    run_init_unplug(run);
    proc = vmm_qemu_process_reconnect(path, d->log_dir, d->ctx, &process_callbacks, run,
                                      &read_def, &dead, &err);
    def = read_def;
    run->proc = proc;
    if (!proc) {
        if (!def) {
            g_warning("cannot read status file '%s': %s", path, err ? err->message : "?");
        } else {
            if (!dead)
                g_warning("cannot re-adopt QEMU of domain '%s': %s", def->name,
                          err ? err->message : "?");
            if (dead) {
                g_autofree char *list = owned_list_path(def->name);

                owned_load(run->owned, def->name);
                owned_restore(run->owned);
                unlink(list);
            }
            if ((obj = vmm_obj_list_find_by_uuid(d->domains, def->uuid))) {
                /* As libvirt: a QEMU lost while vmmd was away crashed. */
                vmm_domain_obj_set_state(obj, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_CRASHED);
                vmm_obj_end(obj);
            }
            if (dead) {
                g_autofree char *dir = g_strdup_printf("%s/%s.d", d->run_dir, def->name);

                unlink(path);
                remove_dom_dir(dir);
                /* Nobody is connected yet to get an event: the log says
                 * it, at a level a default vmmd log shows. */
                g_warning("domain '%s' stopped while vmmd was away: its QEMU is gone; "
                          "shut off (crashed)", def->name);
            }
        }
        run_unref(run);
        return;
    }
    if (!(obj = vmm_obj_list_create(d->domains, vmm_domain_def_copy(def), &created, &err))) {
        g_warning("cannot re-adopt domain '%s': %s", def->name, err->message);
        run_free_now(run);
        return;
    }
    run->name = g_strdup(def->name);
    memcpy(run->uuid, def->uuid, VMM_UUID_BUFLEN);
    run->dom_dir = g_strdup_printf("%s/%s.d", d->run_dir, def->name);
    owned_load(run->owned, def->name);
    run->mon = vmm_qemu_monitor_ref(vmm_qemu_process_get_monitor(proc));
    state = vmm_qemu_process_get_state(proc);
    /* The state is QEMU's (query-status), the reason the one the status
     * file kept when it fits that state. */
    reason = vmm_qemu_process_get_reason(proc);
    vmm_domain_obj_start(d->domains, obj, id, reason_from_word(VMM_DOMAIN_RUNNING, reason));
    if (g_strcmp0(state, "paused") == 0)
        vmm_domain_obj_set_state(obj, VMM_DOMAIN_PAUSED,
                                 reason_from_word(VMM_DOMAIN_PAUSED, reason));
    else if (g_strcmp0(state, "shutdown") == 0)
        adopt_shutdown(obj, run, def);
    else if (g_strcmp0(state, "guest-panicked") == 0)
        adopt_panicked(obj, run, def);
    priv_get(obj)->run = run;
    if (id >= g_atomic_int_get(&d->next_id))
        g_atomic_int_set(&d->next_id, id + 1);
    run->obj = vmm_obj_ref(obj);
    vmm_obj_end(obj);
}

void
qemu_domain_reconnect_all(void)
{
    g_autoptr(GDir) dir = g_dir_open(qemu_driver->run_dir, 0, NULL);
    const char *name;

    while (dir && (name = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;

        if (!g_str_has_suffix(name, ".xml"))
            continue;
        path = g_build_filename(qemu_driver->run_dir, name, NULL);
        reconnect_one(path);
    }
}

void
qemu_domain_autostart_all(void)
{
    g_autoptr(GPtrArray) all = NULL;

    if (!qemu_driver)
        return;
    all = vmm_obj_list_collect(qemu_driver->domains);
    for (guint i = 0; i < all->len; i++) {
        VmmDomainObj *obj = all->pdata[i];
        g_autoptr(GError) err = NULL;

        vmm_obj_lock(obj);
        if (!obj->parent.removed && obj->parent.autostart && !obj->parent.active &&
            !qemu_domain_start(obj, 0, &err))
            g_warning("cannot autostart domain '%s': %s", obj->parent.name, err->message);
        vmm_obj_unlock(obj);
    }
}

void
qemu_domain_forget_all(void)
{
    g_autoptr(GPtrArray) all = vmm_obj_list_collect(qemu_driver->domains);

    for (guint i = 0; i < all->len; i++) {
        VmmDomainObj *obj = all->pdata[i];
        QemuDomainPriv *priv;
        QemuRun *run;

        vmm_obj_lock(obj);
        priv = priv_get(obj);
        run = g_steal_pointer(&priv->run);
        vmm_obj_unlock(obj);
        /* The loop no longer runs: free at once; QEMU keeps running. */
        if (run && g_atomic_int_dec_and_test(&run->ref))
            run_free_now(run);
    }
    g_mutex_lock(&privs_lock);
    g_clear_pointer(&privs, g_hash_table_unref);
    g_mutex_unlock(&privs_lock);
}

/* ------------------------------------------------------------------ */
/* Devices: attach and detach                                          */

/* Run @command on @run's monitor within the job deadline (no lock held). */
static VmmJsonNode *
run_command(QemuRun *run, const char *command, VmmJsonNode *args, const char *job,
            GError **error)
{
    return vmm_qemu_monitor_command(run->mon, command, args, qemu_driver->job_timeout_ms,
                                    job, error);
}

/* Fire a command whose outcome changes nothing (rollback, cleanup). */
static void
run_command_quiet(QemuRun *run, const char *command, const char *key, const char *value)
{
    VmmJsonNode *args = vmm_json_node_new_object();
    g_autoptr(VmmJsonNode) ret = NULL;

    vmm_json_node_object_set_string(args, key, value);
    ret = run_command(run, command, args, NULL, NULL);
}

/* The root bus slots QEMU has in use (query-pci), one bit per slot. */
static gboolean
used_root_slots(QemuRun *run, const char *job, guint32 *slots, GError **error)
{
    g_autoptr(VmmJsonNode) ret = run_command(run, "query-pci", NULL, job, error);

    *slots = 0;
    if (!ret)
        return FALSE;
    for (guint b = 0; b < vmm_json_node_array_len(ret); b++) {
        VmmJsonNode *bus = vmm_json_node_array_get(ret, b);
        VmmJsonNode *devs = vmm_json_node_object_get(bus, "devices");
        gint64 nr = -1;

        vmm_json_node_get_int(vmm_json_node_object_get(bus, "bus"), &nr);
        for (guint i = 0; nr == 0 && devs && i < vmm_json_node_array_len(devs); i++) {
            gint64 slot = -1;

            vmm_json_node_get_int(vmm_json_node_object_get(vmm_json_node_array_get(devs, i),
                                                           "slot"), &slot);
            if (slot >= 0 && slot < 32)
                *slots |= 1u << slot;
        }
    }
    return TRUE;
}

/* A number N for the block nodes vmm-N-* of a new disk that no node of
 * the running QEMU uses yet. */
static gboolean
free_node_number(QemuRun *run, const char *job, guint ndisks, guint *node, GError **error)
{
    g_autoptr(VmmJsonNode) args = vmm_json_node_new_object();
    g_autoptr(VmmJsonNode) ret = NULL;
    /* The new disk's position + 1 when free, as a disk there at start. */
    guint max = ndisks > 0 ? ndisks - 1 : 0;

    vmm_json_node_object_set_bool(args, "flat", TRUE);
    if (!(ret = run_command(run, "query-named-block-nodes", g_steal_pointer(&args), job,
                            error)))
        return FALSE;
    for (guint i = 0; i < vmm_json_node_array_len(ret); i++) {
        const char *name = vmm_json_node_object_get_string(vmm_json_node_array_get(ret, i),
                                                           "node-name");
        guint64 n;

        if (name && g_str_has_prefix(name, "vmm-") &&
            (n = g_ascii_strtoull(name + 4, NULL, 10)) > max) {
            if (n >= VMM_QEMU_HOTPLUG_MAX_NUMBER) {
                vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                              _("no block node number is free after node '%s' (at most %u)"),
                              name, VMM_QEMU_HOTPLUG_MAX_NUMBER);
                return FALSE;
            }
            max = (guint)n;
        }
    }
    *node = max + 1;
    return TRUE;
}

/* The tap of a new <interface type='network'|'bridge'> (vmmd opens it as
 * at start; its name goes into @net), or -1 with *@needed FALSE for
 * types that need none. */
static int
hotplug_tap(VmmDomainNetDef *net, gboolean *needed, GError **error)
{
    unsigned int mtu = net->mtu > 0 ? (unsigned int)net->mtu : 0;
    char *ifname = NULL;
    int fd;

    *needed = qemu_driver->privileged &&
              (net->type == VMM_NET_TYPE_NETWORK || net->type == VMM_NET_TYPE_BRIDGE);
    if (!*needed)
        return -1;
    if (net->type == VMM_NET_TYPE_NETWORK)
        fd = vmm_network_port_create(net->src_network, net->mac, net->target_dev, mtu,
                                     &ifname, error);
    else
        fd = vmm_network_port_create_bridge(net->src_bridge, net->mac, net->target_dev, mtu,
                                            &ifname, error);
    if (fd >= 0) {
        g_free(net->target_dev);
        net->target_dev = ifname;
    }
    return fd;
}

/*
 * Plug @dev (of @kind, the last of its list in @live, a copy of the live
 * definition) into the locked @obj's QEMU: block nodes or netdev first,
 * then the device; whatever was added is taken out again on failure.  On
 * success @dev has the alias and PCI address it got.  Drops the lock
 * meanwhile.
 */
static gboolean
hotplug_attach(VmmDomainObj *obj, QemuDomainPriv *priv, VmmDomainDef *live,
               VmmDomainDeviceKind kind, gpointer dev, const char *job, GError **error)
{
    QemuRun *run = priv->run;
    g_autofree char *binary = NULL;
    const VmmQemuCaps *caps;
    g_autoptr(VmmQemuHotplug) hp = NULL;
    g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *fdname = NULL;
    g_autoptr(VmmJsonNode) ret = NULL;
    gboolean netdev_added = FALSE, ok = FALSE, tap_needed = FALSE;
    guint32 slots = 0;
    guint node = 0;
    int tap = -1;

    binary = live->devices.emulator ? g_strdup(live->devices.emulator) :
             qemu_driver_find_binary(live->os_arch, error);
    if (!binary || !(caps = qemu_driver_get_caps(binary, error)))
        return FALSE;
    if (kind == VMM_DOMAIN_DEVICE_DISK) {
        VmmDomainDiskDef *disk = dev;
        uid_t uid = 0;
        gid_t gid = 0;
        gboolean switch_user;

        if (!qemu_user(&uid, &gid, &switch_user, error))
            return FALSE;
        if (switch_user && disk->src_path &&
            (!own_file(run, disk->src_path, uid, gid, error) || !owned_save(run, error)))
            return FALSE;
    } else if (kind == VMM_DOMAIN_DEVICE_INTERFACE) {
        if (!vmm_qemu_free_net_number(live, &node, error))
            return FALSE;
        if ((tap = hotplug_tap(dev, &tap_needed, error)) < 0 && tap_needed)
            return FALSE;
    }

    run_ref(run);
    vmm_obj_unlock(obj);
    if (!used_root_slots(run, job, &slots, error) ||
        (kind == VMM_DOMAIN_DEVICE_DISK &&
         !free_node_number(run, job, live->devices.disks->len, &node, error)))
        goto out;
    if (tap >= 0) {
        g_autoptr(VmmJsonNode) args = vmm_json_node_new_object();

        fdname = g_strdup_printf("vmm-tap%u", node);
        vmm_json_node_object_set_string(args, "fdname", fdname);
        if (!(ret = vmm_qemu_monitor_command_with_fd(run->mon, "getfd",
                                                     g_steal_pointer(&args), tap,
                                                     qemu_driver->job_timeout_ms, job,
                                                     error)))
            goto out;
        g_clear_pointer(&ret, vmm_json_node_free);
    }
    if (!(hp = vmm_qemu_build_hotplug(live, caps, kind, dev, node, slots, fdname,
                                      !qemu_driver->privileged, error)))
        goto out;
    for (guint i = 0; i < hp->blockdevs->len; i++) {
        VmmJsonNode *args = vmm_qemu_props_to_json(hp->blockdevs->pdata[i], NULL);
        g_autofree char *name = g_strdup(vmm_json_node_object_get_string(args, "node-name"));

        if (!(ret = run_command(run, "blockdev-add", args, job, error)))
            goto out;
        g_clear_pointer(&ret, vmm_json_node_free);
        g_ptr_array_add(added, g_steal_pointer(&name));
    }
    if (hp->netdev) {
        if (!(ret = run_command(run, "netdev_add", vmm_qemu_props_to_json(hp->netdev, "type"),
                                job, error)))
            goto out;
        g_clear_pointer(&ret, vmm_json_node_free);
        netdev_added = TRUE;
    }
    if (!(ret = run_command(run, "device_add", vmm_qemu_props_to_json(hp->device, "driver"),
                            job, error)))
        goto out;
    ok = TRUE;
out:
    if (!ok) {
        /* Nothing half-applied: the backends go again, newest first. */
        if (netdev_added) {
            g_autoptr(VmmJsonNode) nd = vmm_qemu_props_to_json(hp->netdev, "type");

            run_command_quiet(run, "netdev_del", "id", vmm_json_node_object_get_string(nd, "id"));
        }
        for (guint i = added->len; i > 0; i--)
            run_command_quiet(run, "blockdev-del", "node-name", added->pdata[i - 1]);
    }
    if (fdname)
        run_command_quiet(run, "closefd", "fdname", fdname);
    if (tap >= 0)
        close(tap);
    vmm_obj_lock(obj);
    if (ok && priv->run != run) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
        ok = FALSE;
    }
    if (ok)
        vmm_qemu_device_info_apply(vmm_domain_device_info(kind, dev), hp->id, hp->slot);
    run_unref(run);
    return ok;
}

/* What goes after the removal of device @alias: its block nodes or its
 * netdev, as QEMU names them (qom-get of the device's property). */
static GPtrArray *
unplug_cleanup_for(QemuRun *run, VmmDomainDeviceKind kind, const char *alias,
                   const char *job, GError **error)
{
    g_autoptr(VmmJsonNode) args = vmm_json_node_new_object();
    g_autoptr(VmmJsonNode) ret = NULL;
    g_autofree char *path = g_strdup_printf("/machine/peripheral/%s", alias);
    GPtrArray *cmds = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_json_node_free);
    const char *backend;

    vmm_json_node_object_set_string(args, "path", path);
    vmm_json_node_object_set_string(args, "property",
                                    kind == VMM_DOMAIN_DEVICE_DISK ? "drive" : "netdev");
    if (!(ret = run_command(run, "qom-get", g_steal_pointer(&args), job, error))) {
        g_ptr_array_unref(cmds);
        return NULL;
    }
    backend = vmm_json_node_get_string(ret);
    if (backend && *backend) {
        g_autofree char *storage = NULL;

        if (kind == VMM_DOMAIN_DEVICE_DISK && g_str_has_suffix(backend, "-format"))
            storage = g_strdup_printf("%.*s-storage", (int)(strlen(backend) - 7), backend);
        for (int i = 0; i < 2; i++) {
            const char *name = i == 0 ? backend : storage;
            VmmJsonNode *c, *a;

            if (!name)
                continue;
            c = vmm_json_node_new_object();
            a = vmm_json_node_new_object();
            vmm_json_node_object_set_string(c, "execute", kind == VMM_DOMAIN_DEVICE_DISK ?
                                            "blockdev-del" : "netdev_del");
            vmm_json_node_object_set_string(a, kind == VMM_DOMAIN_DEVICE_DISK ? "node-name" :
                                            "id", name);
            vmm_json_node_object_set(c, "arguments", a);
            g_ptr_array_add(cmds, c);
        }
    }
    return cmds;
}

/*
 * Unplug the device of @kind at @idx of the locked @obj's live definition:
 * device_del, then wait for QEMU's DEVICE_DELETED (on_device_deleted()
 * takes it out of the live definition and removes its backend) at most
 * the detach deadline.  Drops the lock meanwhile.
 */
static gboolean
hotplug_detach(VmmDomainObj *obj, QemuDomainPriv *priv, VmmDomainDeviceKind kind, guint idx,
               const char *job, GError **error)
{
    QemuRun *run = priv->run;
    gpointer dev = vmm_domain_devices_list(&vmm_domain_obj_def(obj)->devices, kind)->pdata[idx];
    g_autofree char *alias = g_strdup(vmm_domain_device_info(kind, dev)->alias);
    g_autofree char *what = NULL;
    g_autoptr(VmmJsonNode) args = NULL;
    g_autoptr(VmmJsonNode) ret = NULL;
    GPtrArray *cleanup;
    gint64 deadline;
    gboolean ok = FALSE, pending;

    if (kind == VMM_DOMAIN_DEVICE_DISK) {
        const VmmDomainDiskDef *disk = dev;

        what = g_strdup_printf("disk '%s'", disk->dst);
        if (disk->bus != VMM_DISK_BUS_VIRTIO && disk->bus != VMM_DISK_BUS_SCSI) {
            vmm_error_set(error, VMM_ERR_OPERATION_UNSUPPORTED,
                          _("disk bus '%s' cannot be hotunplugged"),
                          vmm_disk_bus_to_string(disk->bus));
            return FALSE;
        }
    } else {
        char mac[VMM_MAC_STRING_BUFLEN];

        what = g_strdup_printf("interface '%s'",
                               vmm_mac_format(((VmmDomainNetDef *)dev)->mac, mac));
    }
    if (!alias) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                      _("%s has no alias in the live definition; cannot unplug it"), what);
        return FALSE;
    }
    g_hash_table_remove(run->deleted, alias);
    run_ref(run);
    vmm_obj_unlock(obj);
    cleanup = unplug_cleanup_for(run, kind, alias, job, error);
    vmm_obj_lock(obj);
    if (!cleanup)
        goto out;
    /* A detach retried after a timeout: the earlier request may still
     * end in DEVICE_DELETED, whose cleanup must stay should this fail. */
    pending = g_hash_table_contains(run->unplug_cleanup, alias);
    g_hash_table_insert(run->unplug_cleanup, g_strdup(alias), cleanup);
    vmm_obj_unlock(obj);
    args = vmm_json_node_new_object();
    vmm_json_node_object_set_string(args, "id", alias);
    ret = run_command(run, "device_del", g_steal_pointer(&args), job, error);
    vmm_obj_lock(obj);
    if (!ret) {
        if (!pending)
            g_hash_table_remove(run->unplug_cleanup, alias);
        goto out;
    }
    /* Only the guest's release ends it: no success before DEVICE_DELETED.
     * Possibly long: the worker is lent meanwhile. */
    deadline = g_get_monotonic_time() + (gint64)qemu_driver->detach_timeout_ms * 1000;
    vmm_blocking_enter();
    while (priv->run == run && !g_hash_table_contains(run->deleted, alias)) {
        if (!g_cond_wait_until(&priv->unplug_cond, &obj->parent.lock, deadline))
            break;
    }
    vmm_blocking_leave();
    if (priv->run != run) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                      _("domain stopped while waiting for %s (%s) to be removed"), what, alias);
    } else if (!g_hash_table_contains(run->deleted, alias)) {
        /* The request stays: should the guest release the device later,
         * on_device_deleted() still removes it. */
        vmm_error_set(error, VMM_ERR_OPERATION_TIMEOUT,
                      _("device %s (%s) not removed within %d s: the guest did not release it"),
                      what, alias, qemu_driver->detach_timeout_ms / 1000);
    } else {
        ok = TRUE;
    }
out:
    run_unref(run);
    return ok;
}

static gboolean
live_kind_supported(VmmDomainDeviceKind kind, VmmDeviceChange op, GError **error)
{
    if (op != VMM_DEVICE_UPDATE &&
        (kind == VMM_DOMAIN_DEVICE_DISK || kind == VMM_DOMAIN_DEVICE_INTERFACE))
        return TRUE;
    vmm_error_set(error, VMM_ERR_OPERATION_UNSUPPORTED,
                  op == VMM_DEVICE_ATTACH ? _("live attach of device '%s' is not supported") :
                  op == VMM_DEVICE_DETACH ? _("live detach of device '%s' is not supported") :
                  _("live update of device '%s' is not supported"),
                  vmm_domain_device_kind_to_string(kind));
    return FALSE;
}

gboolean
qemu_domain_device_change(VmmDomainObj *obj, const char *xml, unsigned int flags,
                          VmmDeviceChange op, GError **error)
{
    static const char *const jobs[] = {
        "job attach-device", "job detach-device", "job update-device",
    };
    QemuDomainPriv *priv = priv_get(obj);
    const char *job = jobs[op];
    gboolean attach = op == VMM_DEVICE_ATTACH;
    g_autofree char *fixed = NULL;
    g_autoptr(VmmDomainDef) config = NULL;
    g_autoptr(VmmDomainDef) live = NULL;
    VmmDomainDeviceKind kind;
    gpointer dev = NULL;
    gboolean ok = FALSE;

    if (!job_begin(obj, priv, job, error))
        return FALSE;
    if (!vmm_domain_obj_resolve_affect(obj, &flags, error) ||
        ((flags & VMM_DOMAIN_AFFECT_LIVE) && !check_running(obj, priv, error)))
        goto out;
    /* Both definitions get the same device (a generated MAC too). */
    if ((flags & VMM_DOMAIN_AFFECT_LIVE) && (flags & VMM_DOMAIN_AFFECT_CONFIG) && attach &&
        !(xml = fixed = vmm_domain_device_xml_fixed(xml, error)))
        goto out;
    /* The config change is checked in full before QEMU is touched and
     * saved only once the live part succeeded. */
    if ((flags & VMM_DOMAIN_AFFECT_CONFIG) &&
        !(config = vmm_domain_obj_config_with_device(obj, xml, op, error)))
        goto out;
    if (flags & VMM_DOMAIN_AFFECT_LIVE) {
        if (!(dev = vmm_domain_device_parse(xml, &kind, error)))
            goto out;
        if (!live_kind_supported(kind, op, error)) {
            vmm_domain_device_free(kind, dev);
            goto out;
        }
        if (attach) {
            /* The driver names what it plugs (netN, virtio-diskN...). */
            vmm_domain_device_drop_system_alias(kind, dev);
            live = vmm_domain_def_copy(vmm_domain_obj_def(obj));
            if (!vmm_domain_def_attach_device(live, kind, dev, error) ||
                !hotplug_attach(obj, priv, live, kind, dev, job, error))
                goto out;
            /* The live definition may have changed while the lock was
             * dropped (a DEVICE_DELETED, a balloon change): the new device
             * joins it as it is now, not the copy taken before.  (A
             * successful hotplug_attach() found the same run, locked.) */
            {
                GPtrArray *list = vmm_domain_devices_list(&live->devices, kind);
                g_autoptr(VmmDomainDef) now = vmm_domain_def_copy(vmm_domain_obj_def(obj));
                guint idx = 0;
                gboolean found = g_ptr_array_find(list, dev, &idx);

                g_assert(found);
                g_ptr_array_steal_index(list, idx);
                if (!vmm_domain_def_attach_device(now, kind, dev, error))
                    goto out;
                vmm_obj_prepare_live_change(obj);
                vmm_domain_def_free(obj->parent.def);
                obj->parent.def = g_steal_pointer(&now);
                save_live_def(priv->run, obj);
            }
        } else {
            int idx = vmm_domain_devices_find(&vmm_domain_obj_def(obj)->devices, kind, dev,
                                              error);

            vmm_domain_device_free(kind, dev);
            if (idx < 0 || !hotplug_detach(obj, priv, kind, (guint)idx, job, error))
                goto out;
        }
    }
    if (config && !vmm_domain_obj_set_config(obj, qemu_driver->store, g_steal_pointer(&config),
                                             error))
        goto out;
    ok = TRUE;
out:
    job_end(priv);
    return ok;
}
