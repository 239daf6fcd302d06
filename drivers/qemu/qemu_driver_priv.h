/*
 * qemu_driver_priv.h: state shared by the files of the QEMU driver.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * qemu_driver_state.c holds the process-wide state (directories, qemu.conf,
 * capabilities, connections for events); qemu_domain.c the per-domain run
 * state (the QEMU process, jobs, QMP event handling, start and stop);
 * qemu_driver.c the entries of the driver table.
 *
 * Locking: the driver lock (QemuDriver.lock) guards the tables below it and
 * is never held while taking an object lock.  Per-domain run state
 * (QemuDomainPriv) is guarded by its domain object's lock.
 */
#pragma once

#include <sys/types.h>

#include "driver.h"
#include "events.h"
#include "conf/config_store.h"
#include "conf/domain_obj.h"
#include "drivers/qemu/qemu_capabilities.h"
#include "drivers/qemu/qemu_process.h"

G_BEGIN_DECLS

typedef struct {
    char *config_dir;        /* persistent definitions; autostart/ below */
    char *run_dir;           /* status XML, per-domain monitor dirs */
    char *log_dir;           /* NAME.log */
    char *lib_dir;           /* nvram/, channel/ */
    char *cache_dir;         /* capabilities cache */
    gboolean privileged;     /* qemu:///system */

    /* qemu.conf */
    char *user, *group;
    int job_timeout_ms;      /* deadline of a job and of its monitor commands */
    int destroy_grace_ms;    /* SIGTERM to SIGKILL */
    int detach_timeout_ms;   /* device_del to DEVICE_DELETED */

    GMainContext *ctx;
    GMainLoop *own_loop;     /* when the driver runs its own context */
    GThread *own_thread;
    GThread *autostart_thread;

    VmmObjList *domains;
    VmmConfigStore *store;
    gint next_id;            /* g_atomic */

    GMutex lock;
    GPtrArray *conns;        /* VmmConnect*, not referenced: events go there */
    GHashTable *caps;        /* binary -> VmmQemuCaps* */
    GHashTable *vnc_ports;   /* GINT_TO_POINTER(port) in use by our guests */
    GPtrArray *firmware;     /* VmmQemuFirmware* */
} QemuDriver;

extern QemuDriver *qemu_driver;

/* Fail with VMM_ERR_INVALID_ARG "unsupported flags (0x..) in function F". */
gboolean qemu_check_flags(unsigned int flags, unsigned int allowed, const char *func,
                          GError **error);
#define QEMU_CHECK_FLAGS(flags, allowed, fail) \
    do { \
        if (!qemu_check_flags((flags), (allowed), G_STRFUNC, error)) \
            return fail; \
    } while (0)

/* qemu_driver_state.c */
void qemu_driver_add_conn(VmmConnect *conn);
void qemu_driver_remove_conn(VmmConnect *conn);
/* Emit a domain lifecycle event on every open connection.  Call with no
 * lock held. */
void qemu_driver_emit(const char *name, const unsigned char *uuid, int id, int event,
                      int detail);
/* Capabilities of @binary (probed once, cached on disk); borrowed, valid
 * until cleanup. */
const VmmQemuCaps *qemu_driver_get_caps(const char *binary, GError **error);
/* The binary for @def: <emulator> or the one for its architecture. */
char *qemu_driver_find_binary(const char *arch, GError **error);
/* Every binary's capabilities (VmmQemuCaps*, borrowed). */
GPtrArray *qemu_driver_all_caps(void);
/* Reserve a free VNC or SPICE port from 5900 up (-1 with @error). */
int qemu_driver_alloc_port(GError **error);
void qemu_driver_release_port(int port);

/* qemu_domain.c: per-domain run state. */
typedef struct _QemuDomainPriv QemuDomainPriv;

/* Set up the run state of every domain at state init: re-adopt the QEMUs
 * of RUNDIR/NAME.xml. */
void qemu_domain_reconnect_all(void);
/* Start every autostart domain that isn't running. */
void qemu_domain_autostart_all(void);
/* Forget every run state without stopping QEMU (cleanup). */
void qemu_domain_forget_all(void);

/* The jobs.  All take the locked @obj; start/stop may drop and retake the
 * lock while they wait on QEMU. */
gboolean qemu_domain_start(VmmDomainObj *obj, unsigned int flags, GError **error);
gboolean qemu_domain_destroy(VmmDomainObj *obj, unsigned int flags, GError **error);
gboolean qemu_domain_shutdown(VmmDomainObj *obj, unsigned int flags, GError **error);
gboolean qemu_domain_reboot(VmmDomainObj *obj, unsigned int flags, GError **error);
gboolean qemu_domain_reset(VmmDomainObj *obj, GError **error);
gboolean qemu_domain_suspend(VmmDomainObj *obj, GError **error);
gboolean qemu_domain_resume(VmmDomainObj *obj, GError **error);
/* Attach, detach or update (@op) the device element @xml: live (hotplug,
 * hot-unplug waiting for DEVICE_DELETED; no live update) and/or in the
 * persistent definition, per @flags (VmmDomainModificationImpact). */
gboolean qemu_domain_device_change(VmmDomainObj *obj, const char *xml, unsigned int flags,
                                   VmmDeviceChange op, GError **error);
/* CPU time of the running QEMU (ns), from /proc. */
guint64 qemu_domain_cpu_time(VmmDomainObj *obj);
/* Run the query @command (@args taken, may be NULL) on the running QEMU of
 * the locked @obj, unlocked while waiting; no job.  The reply or NULL. */
VmmJsonNode *qemu_domain_query(VmmDomainObj *obj, const char *command, VmmJsonNode *args,
                               GError **error);
/* The pid of the locked @obj's QEMU, 0 when not running. */
pid_t qemu_domain_pid(VmmDomainObj *obj);
/* Drop the run state of a domain taken out of the list. */
void qemu_domain_priv_drop(VmmDomainObj *obj);

G_END_DECLS
