/*
 * events.c: lifecycle-event registry.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One process-wide table maps a connection to its registrations; VmmConnect
 * itself carries no event state.  Emitting copies the matching entries
 * (with a reference each) under the lock and calls them outside it, so a
 * callback may register or deregister, and a deregistration racing with an
 * emit frees the opaque only after that emit's call returns.
 */
#include "events.h"

#include "driver.h"

typedef struct {
    gint ref;
    int id;
    VmmEventKind kind;
    gpointer cb;            /* the kind's callback type */
    gpointer opaque;
    GDestroyNotify free_opaque;
} Registration;

static GMutex lock;
static GHashTable *by_conn;   /* VmmConnect* -> GPtrArray of Registration* */
static int next_id;

static Registration *
reg_ref(Registration *r)
{
    g_atomic_int_inc(&r->ref);
    return r;
}

static void
reg_unref(Registration *r)
{
    if (!g_atomic_int_dec_and_test(&r->ref))
        return;
    if (r->free_opaque)
        r->free_opaque(r->opaque);
    g_free(r);
}

guint
vmm_event_count(VmmConnect *conn, VmmEventKind kind)
{
    GPtrArray *regs;
    guint n = 0;

    g_mutex_lock(&lock);
    regs = by_conn ? g_hash_table_lookup(by_conn, conn) : NULL;
    for (guint i = 0; regs && i < regs->len; i++) {
        Registration *r = g_ptr_array_index(regs, i);
        if (r->kind == kind)
            n++;
    }
    g_mutex_unlock(&lock);
    return n;
}

static int
event_register(VmmConnect *conn, VmmEventKind kind, gpointer cb, gpointer opaque,
               GDestroyNotify free_opaque, GError **error)
{
    Registration *r;
    GPtrArray *regs;
    int id;

    if (!conn || !conn->driver) {
        vmm_error_set(error, VMM_ERR_INVALID_CONN, _("invalid connection pointer"));
        return -1;
    }
    if (!cb) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("event callback must not be NULL"));
        return -1;
    }
    /* The first callback of a kind tells the driver (the remote driver
     * registers with the daemon); done outside the lock, it may block. */
    if (vmm_event_count(conn, kind) == 0 && conn->driver->connect_event_register &&
        !conn->driver->connect_event_register(conn, kind, error))
        return -1;

    r = g_new0(Registration, 1);
    r->ref = 1;
    r->kind = kind;
    r->cb = cb;
    r->opaque = opaque;
    r->free_opaque = free_opaque;

    g_mutex_lock(&lock);
    if (!by_conn)
        by_conn = g_hash_table_new_full(NULL, NULL, NULL, (GDestroyNotify)g_ptr_array_unref);
    regs = g_hash_table_lookup(by_conn, conn);
    if (!regs) {
        regs = g_ptr_array_new_with_free_func((GDestroyNotify)reg_unref);
        g_hash_table_insert(by_conn, conn, regs);
    }
    id = r->id = next_id++;
    g_ptr_array_add(regs, r);
    g_mutex_unlock(&lock);
    return id;
}

static gboolean
event_deregister(VmmConnect *conn, VmmEventKind kind, int id, GError **error)
{
    GPtrArray *regs;
    gboolean found = FALSE;
    gboolean last = TRUE;

    g_mutex_lock(&lock);
    regs = by_conn ? g_hash_table_lookup(by_conn, conn) : NULL;
    for (guint i = 0; regs && i < regs->len; i++) {
        Registration *r = g_ptr_array_index(regs, i);
        if (r->id == id && r->kind == kind) {
            g_ptr_array_remove_index(regs, i);
            found = TRUE;
            break;
        }
    }
    for (guint i = 0; regs && i < regs->len; i++) {
        if (((Registration *)g_ptr_array_index(regs, i))->kind == kind)
            last = FALSE;
    }
    if (regs && regs->len == 0)
        g_hash_table_remove(by_conn, conn);
    g_mutex_unlock(&lock);

    if (!found) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("event callback %d is not registered"), id);
        return FALSE;
    }
    if (last && conn->driver && conn->driver->connect_event_deregister)
        conn->driver->connect_event_deregister(conn, kind);
    return TRUE;
}

void
vmm_event_forget_conn(VmmConnect *conn)
{
    GPtrArray *regs = NULL;

    g_mutex_lock(&lock);
    if (by_conn)
        g_hash_table_steal_extended(by_conn, conn, NULL, (gpointer *)&regs);
    g_mutex_unlock(&lock);
    /* Outside the lock: a free_opaque may call back into the registry. */
    if (regs)
        g_ptr_array_unref(regs);
}

/* The registrations of @kind on @conn, referenced, or NULL. */
static GPtrArray *
event_collect(VmmConnect *conn, VmmEventKind kind)
{
    GPtrArray *regs;
    GPtrArray *out = NULL;

    g_mutex_lock(&lock);
    regs = by_conn ? g_hash_table_lookup(by_conn, conn) : NULL;
    for (guint i = 0; regs && i < regs->len; i++) {
        Registration *r = g_ptr_array_index(regs, i);
        if (r->kind != kind)
            continue;
        if (!out)
            out = g_ptr_array_new_with_free_func((GDestroyNotify)reg_unref);
        g_ptr_array_add(out, reg_ref(r));
    }
    g_mutex_unlock(&lock);
    return out;
}

void
vmm_event_emit_domain_lifecycle(VmmConnect *conn, VmmDomain *dom, int event, int detail)
{
    g_autoptr(GPtrArray) regs = event_collect(conn, VMM_EVENT_KIND_DOMAIN_LIFECYCLE);

    for (guint i = 0; regs && i < regs->len; i++) {
        Registration *r = g_ptr_array_index(regs, i);
        ((VmmDomainEventCallback)r->cb)(conn, dom, event, detail, r->opaque);
    }
}

void
vmm_event_emit_network_lifecycle(VmmConnect *conn, VmmNetwork *net, int event, int detail)
{
    g_autoptr(GPtrArray) regs = event_collect(conn, VMM_EVENT_KIND_NETWORK_LIFECYCLE);

    for (guint i = 0; regs && i < regs->len; i++) {
        Registration *r = g_ptr_array_index(regs, i);
        ((VmmNetworkEventCallback)r->cb)(conn, net, event, detail, r->opaque);
    }
}

void
vmm_event_emit_storage_pool_lifecycle(VmmConnect *conn, VmmStoragePool *pool, int event,
                                      int detail)
{
    g_autoptr(GPtrArray) regs = event_collect(conn, VMM_EVENT_KIND_STORAGE_POOL_LIFECYCLE);

    for (guint i = 0; regs && i < regs->len; i++) {
        Registration *r = g_ptr_array_index(regs, i);
        ((VmmStoragePoolEventCallback)r->cb)(conn, pool, event, detail, r->opaque);
    }
}

int
vmm_connect_domain_event_register(VmmConnect *conn, VmmDomainEventCallback cb,
                                  gpointer opaque, GDestroyNotify free_opaque,
                                  GError **error)
{
    return event_register(conn, VMM_EVENT_KIND_DOMAIN_LIFECYCLE, (gpointer)cb, opaque,
                          free_opaque, error);
}

gboolean
vmm_connect_domain_event_deregister(VmmConnect *conn, int callback_id, GError **error)
{
    return event_deregister(conn, VMM_EVENT_KIND_DOMAIN_LIFECYCLE, callback_id, error);
}

int
vmm_connect_network_event_register(VmmConnect *conn, VmmNetworkEventCallback cb,
                                   gpointer opaque, GDestroyNotify free_opaque,
                                   GError **error)
{
    return event_register(conn, VMM_EVENT_KIND_NETWORK_LIFECYCLE, (gpointer)cb, opaque,
                          free_opaque, error);
}

gboolean
vmm_connect_network_event_deregister(VmmConnect *conn, int callback_id, GError **error)
{
    return event_deregister(conn, VMM_EVENT_KIND_NETWORK_LIFECYCLE, callback_id, error);
}

int
vmm_connect_storage_pool_event_register(VmmConnect *conn, VmmStoragePoolEventCallback cb,
                                        gpointer opaque, GDestroyNotify free_opaque,
                                        GError **error)
{
    return event_register(conn, VMM_EVENT_KIND_STORAGE_POOL_LIFECYCLE, (gpointer)cb,
                          opaque, free_opaque, error);
}

gboolean
vmm_connect_storage_pool_event_deregister(VmmConnect *conn, int callback_id,
                                          GError **error)
{
    return event_deregister(conn, VMM_EVENT_KIND_STORAGE_POOL_LIFECYCLE, callback_id,
                            error);
}

static const char *const event_names[] = {
    "Defined", "Undefined", "Started", "Suspended", "Resumed", "Stopped", "Shutdown",
    "PMSuspended", "Crashed",
};

const char *
vmm_domain_event_to_string(int event)
{
    if (event < 0 || event >= (int)G_N_ELEMENTS(event_names))
        return "unknown";
    return event_names[event];
}

const char *
vmm_domain_event_detail_to_string(int event, int detail)
{
    static const char *const defined[] = { "Added", "Updated", "Renamed", "Snapshot" };
    static const char *const undefined[] = { "Removed", "Renamed" };
    static const char *const started[] = { "Booted", "Migrated", "Restored", "Snapshot",
                                           "Event wakeup" };
    static const char *const suspended[] = { "Paused", "Migrated", "I/O Error", "Watchdog",
                                             "Restored", "Snapshot", "API error",
                                             "Post-copy", "Post-copy Error" };
    static const char *const resumed[] = { "Unpaused", "Migrated", "Snapshot",
                                           "Post-copy", "Post-copy Error" };
    static const char *const stopped[] = { "Shutdown", "Destroyed", "Crashed", "Migrated",
                                           "Saved", "Failed", "Snapshot" };
    static const char *const shutdown[] = { "Finished", "Finished after guest request",
                                            "Finished after host request" };
    static const char *const pmsuspended[] = { "Memory", "Disk" };
    static const char *const crashed[] = { "Panicked", "Crashloaded" };
    static const struct { const char *const *names; size_t n; } tables[] = {
        { defined, G_N_ELEMENTS(defined) },
        { undefined, G_N_ELEMENTS(undefined) },
        { started, G_N_ELEMENTS(started) },
        { suspended, G_N_ELEMENTS(suspended) },
        { resumed, G_N_ELEMENTS(resumed) },
        { stopped, G_N_ELEMENTS(stopped) },
        { shutdown, G_N_ELEMENTS(shutdown) },
        { pmsuspended, G_N_ELEMENTS(pmsuspended) },
        { crashed, G_N_ELEMENTS(crashed) },
    };

    if (event < 0 || event >= (int)G_N_ELEMENTS(tables) || detail < 0 ||
        (size_t)detail >= tables[event].n)
        return "Unknown";
    return tables[event].names[detail];
}
