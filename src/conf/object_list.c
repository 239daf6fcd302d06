/*
 * object_list.c: a generic list of named, UUID-keyed objects.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/object_list.h"
#include "conf/config_store.h"
#include "util/vmm_error.h"
#include "vmm.h"

#include <string.h>

struct _VmmObjList {
    const VmmObjKind *kind;
    GRWLock lock;
    GHashTable *by_name;   /* borrowed obj->name -> obj (one ref per entry set) */
    GHashTable *by_uuid;   /* borrowed obj->uuid -> obj */
    GHashTable *by_id;     /* GINT_TO_POINTER(id) -> obj */
};

static VmmObj *
obj_new(const VmmObjKind *kind, const char *name, const unsigned char *uuid)
{
    VmmObj *obj = g_malloc0(kind->obj_size);

    obj->ref = 1;
    g_mutex_init(&obj->lock);
    obj->kind = kind;
    obj->name = g_strdup(name);
    memcpy(obj->uuid, uuid, VMM_UUID_BUFLEN);
    obj->id = -1;
    if (kind->init)
        kind->init(obj);
    return obj;
}

gpointer
vmm_obj_ref(gpointer ptr)
{
    VmmObj *obj = ptr;

    g_atomic_int_inc(&obj->ref);
    return obj;
}

void
vmm_obj_unref(gpointer ptr)
{
    VmmObj *obj = ptr;

    if (!obj || !g_atomic_int_dec_and_test(&obj->ref))
        return;
    if (obj->kind->dispose)
        obj->kind->dispose(obj);
    if (obj->def)
        obj->kind->def_free(obj->def);
    if (obj->new_def)
        obj->kind->def_free(obj->new_def);
    g_mutex_clear(&obj->lock);
    g_free(obj->name);
    g_free(obj);
}

void
vmm_obj_lock(gpointer obj)
{
    g_mutex_lock(&((VmmObj *)obj)->lock);
}

void
vmm_obj_unlock(gpointer obj)
{
    g_mutex_unlock(&((VmmObj *)obj)->lock);
}

void
vmm_obj_end(gpointer obj)
{
    if (!obj)
        return;
    vmm_obj_unlock(obj);
    vmm_obj_unref(obj);
}

static guint
uuid_hash(gconstpointer key)
{
    const unsigned char *u = key;
    guint h = 0;

    for (int i = 0; i < VMM_UUID_BUFLEN; i++)
        h = h * 31 + u[i];
    return h;
}

static gboolean
uuid_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, VMM_UUID_BUFLEN) == 0;
}

gpointer
vmm_obj_persistent_def(gpointer ptr)
{
    VmmObj *obj = ptr;

    return obj->new_def ? obj->new_def : obj->def;
}

void
vmm_obj_set_active(gpointer ptr)
{
    VmmObj *obj = ptr;

    obj->active = TRUE;
}

void
vmm_obj_prepare_live_change(gpointer ptr)
{
    VmmObj *obj = ptr;

    if (obj->active && obj->persistent && !obj->new_def)
        obj->new_def = obj->kind->def_copy(obj->def);
}

void
vmm_obj_set_inactive(gpointer ptr)
{
    VmmObj *obj = ptr;

    if (obj->new_def) {
        obj->kind->def_free(obj->def);
        obj->def = g_steal_pointer(&obj->new_def);
    }
    obj->active = FALSE;
}

VmmObjList *
vmm_obj_list_new(const VmmObjKind *kind)
{
    VmmObjList *list = g_new0(VmmObjList, 1);

    list->kind = kind;
    g_rw_lock_init(&list->lock);
    /* by_name holds the list's reference on each object. */
    list->by_name = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, vmm_obj_unref);
    list->by_uuid = g_hash_table_new(uuid_hash, uuid_equal);
    list->by_id = g_hash_table_new(g_direct_hash, g_direct_equal);
    return list;
}

void
vmm_obj_list_free(VmmObjList *list)
{
    if (!list)
        return;
    g_hash_table_destroy(list->by_id);
    g_hash_table_destroy(list->by_uuid);
    g_hash_table_destroy(list->by_name);
    g_rw_lock_clear(&list->lock);
    g_free(list);
}

const VmmObjKind *
vmm_obj_list_kind(const VmmObjList *list)
{
    return list->kind;
}

/* Lock a referenced object found in an index; drop it when it was removed
 * in between. */
/* 0: lookups wait; 1: they only try; 2: one would have waited. */
static __thread int nowait_state;

void
vmm_obj_nowait_begin(void)
{
    nowait_state = 1;
}

gboolean
vmm_obj_nowait_end(void)
{
    gboolean would_block = nowait_state == 2;

    nowait_state = 0;
    return would_block;
}

static gpointer
lock_found(VmmObj *obj)
{
    if (!obj)
        return NULL;
    if (nowait_state) {
        if (!g_mutex_trylock(&obj->lock)) {
            nowait_state = 2;
            vmm_obj_unref(obj);
            return NULL;
        }
    } else {
        vmm_obj_lock(obj);
    }
    if (obj->removed) {
        vmm_obj_end(obj);
        return NULL;
    }
    return obj;
}

static gpointer
find_in(VmmObjList *list, GHashTable *table, gconstpointer key)
{
    VmmObj *obj;

    g_rw_lock_reader_lock(&list->lock);
    obj = g_hash_table_lookup(table, key);
    if (obj)
        vmm_obj_ref(obj);
    g_rw_lock_reader_unlock(&list->lock);
    return lock_found(obj);
}

gpointer
vmm_obj_list_find_by_name(VmmObjList *list, const char *name)
{
    return find_in(list, list->by_name, name);
}

gpointer
vmm_obj_list_find_by_uuid(VmmObjList *list, const unsigned char *uuid)
{
    return find_in(list, list->by_uuid, uuid);
}

gpointer
vmm_obj_list_find_by_id(VmmObjList *list, int id)
{
    if (id < 0)
        return NULL;
    return find_in(list, list->by_id, GINT_TO_POINTER(id));
}

gpointer
vmm_obj_list_add(VmmObjList *list, const char *name, const unsigned char *uuid,
                 gboolean *created, GError **error)
{
    char uuidstr[VMM_UUID_STRING_BUFLEN];

    for (;;) {
        VmmObj *obj;

        g_rw_lock_writer_lock(&list->lock);
        obj = g_hash_table_lookup(list->by_name, name);
        if (obj) {
            if (memcmp(obj->uuid, uuid, VMM_UUID_BUFLEN) != 0) {
                vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                              _("%s '%s' already exists with uuid %s"), list->kind->name,
                              name, vmm_uuid_format(obj->uuid, uuidstr));
                g_rw_lock_writer_unlock(&list->lock);
                return NULL;
            }
            vmm_obj_ref(obj);
            g_rw_lock_writer_unlock(&list->lock);
            /* Lock outside the list lock (see the locking order); retry
             * if the object was removed meanwhile. */
            if ((obj = lock_found(obj))) {
                *created = FALSE;
                return obj;
            }
            continue;
        }
        obj = g_hash_table_lookup(list->by_uuid, uuid);
        if (obj) {
            vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                          _("%s '%s' is already defined with uuid %s"), list->kind->name,
                          obj->name, vmm_uuid_format(uuid, uuidstr));
            g_rw_lock_writer_unlock(&list->lock);
            return NULL;
        }
        obj = obj_new(list->kind, name, uuid);
        /* Nobody else can see the new object yet: locking it here cannot
         * wait. */
        vmm_obj_lock(obj);
        g_hash_table_insert(list->by_name, obj->name, obj);
        g_hash_table_insert(list->by_uuid, obj->uuid, obj);
        if (obj->id >= 0)
            g_hash_table_insert(list->by_id, GINT_TO_POINTER(obj->id), obj);
        vmm_obj_ref(obj);   /* the caller's reference */
        g_rw_lock_writer_unlock(&list->lock);
        *created = TRUE;
        return obj;
    }
}

void
vmm_obj_list_remove(VmmObjList *list, gpointer ptr)
{
    VmmObj *obj = ptr;

    if (obj->removed)
        return;
    g_rw_lock_writer_lock(&list->lock);
    obj->removed = TRUE;
    if (obj->id >= 0 && g_hash_table_lookup(list->by_id, GINT_TO_POINTER(obj->id)) == obj)
        g_hash_table_remove(list->by_id, GINT_TO_POINTER(obj->id));
    g_hash_table_remove(list->by_uuid, obj->uuid);
    /* Last: this drops the list's reference; the caller still holds one. */
    g_hash_table_remove(list->by_name, obj->name);
    g_rw_lock_writer_unlock(&list->lock);
}

void
vmm_obj_list_set_id(VmmObjList *list, gpointer ptr, int id)
{
    VmmObj *obj = ptr;

    if (obj->id == id)
        return;
    g_rw_lock_writer_lock(&list->lock);
    if (!obj->removed) {
        if (obj->id >= 0)
            g_hash_table_remove(list->by_id, GINT_TO_POINTER(obj->id));
        if (id >= 0)
            g_hash_table_insert(list->by_id, GINT_TO_POINTER(id), obj);
    }
    obj->id = id;
    g_rw_lock_writer_unlock(&list->lock);
}

GPtrArray *
vmm_obj_list_collect(VmmObjList *list)
{
    GPtrArray *all;
    GHashTableIter iter;
    gpointer value;

    g_rw_lock_reader_lock(&list->lock);
    all = g_ptr_array_new_full(g_hash_table_size(list->by_name), vmm_obj_unref);
    g_hash_table_iter_init(&iter, list->by_name);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(all, vmm_obj_ref(value));
    g_rw_lock_reader_unlock(&list->lock);
    return all;
}

guint
vmm_obj_list_count(VmmObjList *list)
{
    guint n;

    g_rw_lock_reader_lock(&list->lock);
    n = g_hash_table_size(list->by_name);
    g_rw_lock_reader_unlock(&list->lock);
    return n;
}

/* Drop a just-created object again after a failure. */
static void
discard_new(VmmObjList *list, VmmObj *obj)
{
    vmm_obj_list_remove(list, obj);
    vmm_obj_end(obj);
}

gpointer
vmm_obj_list_define(VmmObjList *list, VmmConfigStore *store, gpointer def,
                    gboolean *created, GError **error)
{
    const VmmObjKind *kind = list->kind;
    VmmObj *obj;

    if (!(obj = vmm_obj_list_add(list, kind->def_name(def), kind->def_uuid(def),
                                 created, error))) {
        kind->def_free(def);
        return NULL;
    }
    if (store) {
        g_autofree char *xml = kind->def_format(def);

        if (!vmm_config_store_save(store, obj->name, xml, error)) {
            kind->def_free(def);
            if (*created)
                discard_new(list, obj);
            else
                vmm_obj_end(obj);
            return NULL;
        }
    }
    /* Only now, with the file written, does memory change. */
    if (obj->active) {
        if (obj->new_def)
            kind->def_free(obj->new_def);
        obj->new_def = def;
    } else {
        if (obj->def)
            kind->def_free(obj->def);
        obj->def = def;
    }
    obj->persistent = TRUE;
    return obj;
}

gpointer
vmm_obj_list_create(VmmObjList *list, gpointer def, gboolean *created, GError **error)
{
    const VmmObjKind *kind = list->kind;
    VmmObj *obj;

    if (!(obj = vmm_obj_list_add(list, kind->def_name(def), kind->def_uuid(def),
                                 created, error))) {
        kind->def_free(def);
        return NULL;
    }
    if (obj->active) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, _("%s '%s' is already active"),
                      kind->name, obj->name);
        kind->def_free(def);
        vmm_obj_end(obj);
        return NULL;
    }
    if (obj->def) {
        /* The persistent definition waits for the next stop. */
        if (obj->new_def)
            kind->def_free(obj->new_def);
        obj->new_def = obj->def;
    }
    obj->def = def;
    return obj;
}

gboolean
vmm_obj_list_undefine(VmmObjList *list, VmmConfigStore *store, gpointer ptr,
                      GError **error)
{
    VmmObj *obj = ptr;

    if (!obj->persistent) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, _("cannot undefine transient %s"),
                      obj->kind->name);
        return FALSE;
    }
    if (store && !vmm_config_store_delete(store, obj->name, error))
        return FALSE;
    obj->persistent = FALSE;
    obj->autostart = FALSE;
    if (obj->active) {
        if (obj->new_def)
            obj->kind->def_free(g_steal_pointer(&obj->new_def));
    } else {
        vmm_obj_list_remove(list, obj);
    }
    return TRUE;
}

gboolean
vmm_obj_set_autostart(gpointer ptr, VmmConfigStore *store, gboolean autostart,
                      GError **error)
{
    VmmObj *obj = ptr;

    if (!obj->persistent) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                      _("cannot set autostart for transient %s"), obj->kind->name);
        return FALSE;
    }
    autostart = !!autostart;
    if (obj->autostart == autostart)
        return TRUE;
    if (store && !vmm_config_store_set_autostart(store, obj->name, autostart, error))
        return FALSE;
    obj->autostart = autostart;
    return TRUE;
}

static gboolean
load_one(const char *name, const char *path, const char *xml, gboolean autostart,
         gpointer data, GError **error)
{
    VmmObjList *list = data;
    const VmmObjKind *kind = list->kind;
    gpointer def;
    VmmObj *obj;
    gboolean created;

    if (!(def = kind->def_parse(xml, path, error)))
        return FALSE;
    if (g_strcmp0(kind->def_name(def), name) != 0) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                      _("config file name '%s' does not match %s name '%s'"),
                      name, kind->name, kind->def_name(def));
        kind->def_free(def);
        return FALSE;
    }
    if (!(obj = vmm_obj_list_define(list, NULL, def, &created, error)))
        return FALSE;
    obj->autostart = autostart;
    vmm_obj_end(obj);
    return TRUE;
}

guint
vmm_obj_list_load(VmmObjList *list, VmmConfigStore *store)
{
    return vmm_config_store_load(store, load_one, list);
}

G_STATIC_ASSERT((int)VMM_CONNECT_LIST_NETWORKS_ACTIVE ==
                (int)VMM_CONNECT_LIST_STORAGE_POOLS_ACTIVE);
G_STATIC_ASSERT((int)VMM_CONNECT_LIST_NETWORKS_INACTIVE ==
                (int)VMM_CONNECT_LIST_STORAGE_POOLS_INACTIVE);
G_STATIC_ASSERT((int)VMM_CONNECT_LIST_NETWORKS_PERSISTENT ==
                (int)VMM_CONNECT_LIST_STORAGE_POOLS_PERSISTENT);
G_STATIC_ASSERT((int)VMM_CONNECT_LIST_NETWORKS_TRANSIENT ==
                (int)VMM_CONNECT_LIST_STORAGE_POOLS_TRANSIENT);
G_STATIC_ASSERT((int)VMM_CONNECT_LIST_NETWORKS_AUTOSTART ==
                (int)VMM_CONNECT_LIST_STORAGE_POOLS_AUTOSTART);
G_STATIC_ASSERT((int)VMM_CONNECT_LIST_NETWORKS_NO_AUTOSTART ==
                (int)VMM_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART);

gboolean
vmm_obj_matches_list_flags(const VmmObj *obj, unsigned int flags)
{
    return vmm_obj_list_flag_pair(flags, VMM_CONNECT_LIST_NETWORKS_ACTIVE,
                                  VMM_CONNECT_LIST_NETWORKS_INACTIVE, obj->active) &&
           vmm_obj_list_flag_pair(flags, VMM_CONNECT_LIST_NETWORKS_PERSISTENT,
                                  VMM_CONNECT_LIST_NETWORKS_TRANSIENT, obj->persistent) &&
           vmm_obj_list_flag_pair(flags, VMM_CONNECT_LIST_NETWORKS_AUTOSTART,
                                  VMM_CONNECT_LIST_NETWORKS_NO_AUTOSTART, obj->autostart);
}

int
vmm_obj_list_order(int id_a, const char *name_a, int id_b, const char *name_b)
{
    if ((id_a >= 0) != (id_b >= 0))
        return id_a >= 0 ? -1 : 1;
    if (id_a >= 0 && id_a != id_b)
        return id_a < id_b ? -1 : 1;
    return g_strcmp0(name_a, name_b);
}
