/*
 * test_storage.c: storage pools and volumes of the mock driver, all in
 * memory (a pool has a fixed 100 GiB capacity, as in libvirt's test driver).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test_driver_priv.h"

static VmmStoragePoolObj *
pool_find_by_name(VmmConnect *conn, const char *name, GError **error)
{
    VmmStoragePoolObj *obj = vmm_obj_list_find_by_name(test_driver_of(conn)->pools, name);

    if (!obj)
        vmm_error_set(error, VMM_ERR_NO_STORAGE_POOL,
                      _("no storage pool with matching name '%s'"), name);
    return obj;
}

static VmmStoragePoolObj *
pool_find(VmmStoragePool *pool, GError **error)
{
    VmmStoragePoolObj *obj = vmm_obj_list_find_by_uuid(test_driver_of(pool->conn)->pools,
                                                       pool->uuid);

    if (!obj)
        vmm_error_set(error, VMM_ERR_NO_STORAGE_POOL,
                      _("no storage pool with matching name '%s'"), pool->name);
    return obj;
}

/* The pool, locked, only when it is active. */
static VmmStoragePoolObj *
pool_find_active(VmmConnect *conn, const char *name, GError **error)
{
    VmmStoragePoolObj *obj = pool_find_by_name(conn, name, error);

    if (obj && !obj->parent.active) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                      _("storage pool '%s' is not active"), name);
        vmm_obj_end(obj);
        return NULL;
    }
    return obj;
}

static gpointer pool_handle(VmmConnect *conn, gpointer ptr);

static VmmStoragePool *
pool_handle_end(VmmConnect *conn, VmmStoragePoolObj *obj)
{
    VmmStoragePool *pool = pool_handle(conn, obj);

    vmm_obj_end(obj);
    return pool;
}

void
test_pool_set_defaults(VmmStoragePoolDef *def)
{
    def->capacity = TEST_POOL_CAPACITY;
    def->allocation = TEST_POOL_ALLOCATION;
    def->available = TEST_POOL_CAPACITY - TEST_POOL_ALLOCATION;
}

gboolean
test_pool_add_volume(VmmStoragePoolObj *pool, VmmStorageVolDef *vol, GError **error)
{
    VmmStoragePoolDef *def = vmm_storage_pool_obj_def(pool);
    guint64 allocation = vol->allocation;

    /* A name clash is reported before a lack of space. */
    if (vmm_storage_pool_obj_find_vol(pool, vol->name))
        return vmm_storage_pool_obj_add_vol(pool, vol, error);
    if (def->allocation + allocation > def->capacity) {
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("Not enough free space in pool for volume '%s'"), vol->name);
        vmm_storage_vol_def_free(vol);
        return FALSE;
    }
    /* As libvirt's test driver: path and key are POOLPATH/NAME. */
    g_free(vol->target_path);
    vol->target_path = g_strdup_printf("%s/%s", def->target_path ? def->target_path : "",
                                       vol->name);
    g_free(vol->key);
    vol->key = g_strdup(vol->target_path);
    if (!vmm_storage_pool_obj_add_vol(pool, vol, error))
        return FALSE;
    def->allocation += allocation;
    def->available = def->capacity - def->allocation;
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Pools                                                               */

static const struct {
    unsigned int flag;
    int type;
} pool_type_flags[] = {
    { VMM_CONNECT_LIST_STORAGE_POOLS_DIR, VMM_STORAGE_POOL_DIR },
    { VMM_CONNECT_LIST_STORAGE_POOLS_FS, VMM_STORAGE_POOL_FS },
    { VMM_CONNECT_LIST_STORAGE_POOLS_NETFS, VMM_STORAGE_POOL_NETFS },
    { VMM_CONNECT_LIST_STORAGE_POOLS_LOGICAL, VMM_STORAGE_POOL_LOGICAL },
};

static gboolean
pool_matches(gpointer ptr, unsigned int flags)
{
    VmmStoragePoolObj *obj = ptr;
    gboolean any = FALSE;

    if (!vmm_obj_matches_list_flags(&obj->parent, flags))
        return FALSE;
    for (size_t i = 0; i < G_N_ELEMENTS(pool_type_flags); i++) {
        if (!(flags & pool_type_flags[i].flag))
            continue;
        any = TRUE;
        if (vmm_storage_pool_obj_def(obj)->type == pool_type_flags[i].type)
            return TRUE;
    }
    return !any;
}

static gpointer
pool_handle(VmmConnect *conn, gpointer ptr)
{
    VmmObj *obj = ptr;

    return vmm_storage_pool_new_handle(conn, obj->name, obj->uuid);
}

GPtrArray *
test_connect_list_all_storage_pools(VmmConnect *conn, unsigned int flags, GError **error)
{
    TEST_CHECK_FLAGS(flags, (VMM_CONNECT_LIST_STORAGE_POOLS_LOGICAL << 1) - 1, NULL);
    return test_list_objects(conn, test_driver_of(conn)->pools, flags, pool_matches,
                             pool_handle, (GDestroyNotify)vmm_storage_pool_unref);
}

VmmStoragePool *
test_storage_pool_lookup_by_name(VmmConnect *conn, const char *name, GError **error)
{
    VmmStoragePoolObj *obj = pool_find_by_name(conn, name, error);

    return obj ? pool_handle_end(conn, obj) : NULL;
}

VmmStoragePool *
test_storage_pool_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid,
                                 GError **error)
{
    VmmStoragePoolObj *obj = vmm_obj_list_find_by_uuid(test_driver_of(conn)->pools, uuid);
    char uuidstr[VMM_UUID_STRING_BUFLEN];

    if (!obj) {
        vmm_error_set(error, VMM_ERR_NO_STORAGE_POOL,
                      _("no storage pool with matching uuid '%s'"),
                      vmm_uuid_format(uuid, uuidstr));
        return NULL;
    }
    return pool_handle_end(conn, obj);
}

VmmStoragePool *
test_storage_pool_lookup_by_volume(VmmStorageVol *vol, GError **error)
{
    VmmStoragePoolObj *obj = pool_find_by_name(vol->conn, vol->pool, error);

    return obj ? pool_handle_end(vol->conn, obj) : NULL;
}

static VmmStoragePoolDef *
pool_parse(const char *xml, unsigned int flags, GError **error)
{
    VmmStoragePoolDef *def = vmm_storage_pool_def_parse_string(
        xml, NULL, (flags & VMM_STORAGE_POOL_DEFINE_VALIDATE) ?
        VMM_STORAGE_DEF_PARSE_VALIDATE : 0, error);

    if (def)
        test_pool_set_defaults(def);
    return def;
}

/* Emit @event for @pool (no lock held) and return it. */
static VmmStoragePool *
pool_event(VmmStoragePool *pool, int event)
{
    vmm_event_emit_storage_pool_lifecycle(pool->conn, pool, event, 0);
    return pool;
}

VmmStoragePool *
test_storage_pool_define_xml(VmmConnect *conn, const char *xml, unsigned int flags,
                             GError **error)
{
    VmmStoragePoolDef *def;
    VmmStoragePoolObj *obj;
    gboolean created;

    TEST_CHECK_FLAGS(flags, VMM_STORAGE_POOL_DEFINE_VALIDATE, NULL);
    if (!(def = pool_parse(xml, flags, error)) ||
        !(obj = vmm_obj_list_define(test_driver_of(conn)->pools, NULL, def, &created, error)))
        return NULL;
    return pool_event(pool_handle_end(conn, obj), VMM_STORAGE_POOL_EVENT_DEFINED);
}

VmmStoragePool *
test_storage_pool_create_xml(VmmConnect *conn, const char *xml, unsigned int flags,
                             GError **error)
{
    VmmStoragePoolDef *def;
    VmmStoragePoolObj *obj;
    gboolean created;

    /* Build flags (1..4) are accepted and mean nothing in memory. */
    TEST_CHECK_FLAGS(flags, 0x7, NULL);
    if (!(def = pool_parse(xml, 0, error)) ||
        !(obj = vmm_obj_list_create(test_driver_of(conn)->pools, def, &created, error)))
        return NULL;
    vmm_obj_set_active(obj);
    return pool_event(pool_handle_end(conn, obj), VMM_STORAGE_POOL_EVENT_STARTED);
}

/* Run a state change on the locked pool when its active flag is @active;
 * otherwise fail with "storage pool 'NAME' is MSG". */
static VmmStoragePoolObj *
pool_find_state(VmmStoragePool *pool, gboolean active, const char *msg, GError **error)
{
    VmmStoragePoolObj *obj = pool_find(pool, error);

    if (obj && obj->parent.active != active) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, _("storage pool '%s' is %s"),
                      obj->parent.name, msg);
        vmm_obj_end(obj);
        return NULL;
    }
    return obj;
}

gboolean
test_storage_pool_build(VmmStoragePool *pool, unsigned int flags, GError **error)
{
    VmmStoragePoolObj *obj;

    TEST_CHECK_FLAGS(flags, 0x7, FALSE);
    if (!(obj = pool_find_state(pool, FALSE, _("already active"), error)))
        return FALSE;
    vmm_obj_end(obj);
    pool_event(pool, VMM_STORAGE_POOL_EVENT_CREATED);
    return TRUE;
}

gboolean
test_storage_pool_undefine(VmmStoragePool *pool, GError **error)
{
    VmmStoragePoolObj *obj;
    gboolean ok;

    if (!(obj = pool_find_state(pool, FALSE, _("still active"), error)))
        return FALSE;
    ok = vmm_obj_list_undefine(test_driver_of(pool->conn)->pools, NULL, obj, error);
    vmm_obj_end(obj);
    if (ok)
        pool_event(pool, VMM_STORAGE_POOL_EVENT_UNDEFINED);
    return ok;
}

gboolean
test_storage_pool_create(VmmStoragePool *pool, unsigned int flags, GError **error)
{
    VmmStoragePoolObj *obj;

    TEST_CHECK_FLAGS(flags, 0x7, FALSE);
    if (!(obj = pool_find_state(pool, FALSE, _("already active"), error)))
        return FALSE;
    vmm_obj_set_active(obj);
    vmm_obj_end(obj);
    pool_event(pool, VMM_STORAGE_POOL_EVENT_STARTED);
    return TRUE;
}

gboolean
test_storage_pool_destroy(VmmStoragePool *pool, GError **error)
{
    VmmStoragePoolObj *obj;

    if (!(obj = pool_find_state(pool, TRUE, _("not active"), error)))
        return FALSE;
    vmm_obj_set_inactive(obj);
    if (!obj->parent.persistent)
        vmm_obj_list_remove(test_driver_of(pool->conn)->pools, obj);
    vmm_obj_end(obj);
    pool_event(pool, VMM_STORAGE_POOL_EVENT_STOPPED);
    return TRUE;
}

gboolean
test_storage_pool_delete(VmmStoragePool *pool, unsigned int flags, GError **error)
{
    VmmStoragePoolObj *obj;

    TEST_CHECK_FLAGS(flags, 0x1, FALSE);
    if (!(obj = pool_find_state(pool, FALSE, _("still active"), error)))
        return FALSE;
    vmm_obj_end(obj);
    pool_event(pool, VMM_STORAGE_POOL_EVENT_DELETED);
    return TRUE;
}

gboolean
test_storage_pool_refresh(VmmStoragePool *pool, unsigned int flags, GError **error)
{
    VmmStoragePoolObj *obj;

    TEST_CHECK_FLAGS(flags, 0, FALSE);
    if (!(obj = pool_find_state(pool, TRUE, _("not active"), error)))
        return FALSE;
    vmm_obj_end(obj);
    return TRUE;
}

gboolean
test_storage_pool_get_info(VmmStoragePool *pool, VmmStoragePoolInfo *info, GError **error)
{
    VmmStoragePoolObj *obj;
    VmmStoragePoolDef *def;

    if (!(obj = pool_find(pool, error)))
        return FALSE;
    def = vmm_storage_pool_obj_def(obj);
    info->state = obj->parent.active ? VMM_STORAGE_POOL_RUNNING : VMM_STORAGE_POOL_INACTIVE;
    info->capacity = def->capacity;
    info->allocation = def->allocation;
    info->available = def->available;
    vmm_obj_end(obj);
    return TRUE;
}

char *
test_storage_pool_get_xml_desc(VmmStoragePool *pool, unsigned int flags, GError **error)
{
    VmmStoragePoolObj *obj;
    char *xml;

    TEST_CHECK_FLAGS(flags, VMM_STORAGE_XML_INACTIVE, NULL);
    if (!(obj = pool_find(pool, error)))
        return NULL;
    xml = vmm_storage_pool_def_format((flags & VMM_STORAGE_XML_INACTIVE) ?
                                      vmm_obj_persistent_def(obj) :
                                      vmm_storage_pool_obj_def(obj), 0);
    vmm_obj_end(obj);
    return xml;
}

gboolean
test_storage_pool_get_autostart(VmmStoragePool *pool, gboolean *autostart, GError **error)
{
    return test_obj_get_autostart(pool_find(pool, error), autostart);
}

gboolean
test_storage_pool_set_autostart(VmmStoragePool *pool, gboolean autostart, GError **error)
{
    return test_obj_set_autostart(pool_find(pool, error), autostart, error);
}

int
test_storage_pool_is_active(VmmStoragePool *pool, GError **error)
{
    return test_obj_flag(pool_find(pool, error), G_STRUCT_OFFSET(VmmObj, active));
}

int
test_storage_pool_is_persistent(VmmStoragePool *pool, GError **error)
{
    return test_obj_flag(pool_find(pool, error), G_STRUCT_OFFSET(VmmObj, persistent));
}

GPtrArray *
test_storage_pool_list_all_volumes(VmmStoragePool *pool, unsigned int flags, GError **error)
{
    VmmStoragePoolObj *obj;
    g_autoptr(GPtrArray) vols = NULL;
    GPtrArray *ret;

    TEST_CHECK_FLAGS(flags, 0, NULL);
    if (!(obj = pool_find_active(pool->conn, pool->name, error)))
        return NULL;
    vols = vmm_storage_pool_obj_list_vols(obj);
    ret = g_ptr_array_new_full(vols->len, (GDestroyNotify)vmm_storage_vol_unref);
    for (guint i = 0; i < vols->len; i++) {
        VmmStorageVolDef *vol = vols->pdata[i];

        g_ptr_array_add(ret, vmm_storage_vol_new_handle(pool->conn, obj->parent.name,
                                                        vol->name, vol->key));
    }
    vmm_obj_end(obj);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Volumes                                                             */

VmmStorageVol *
test_storage_vol_lookup_by_name(VmmStoragePool *pool, const char *name, GError **error)
{
    VmmStoragePoolObj *obj;
    VmmStorageVolDef *vol;
    VmmStorageVol *ret = NULL;

    if (!(obj = pool_find_active(pool->conn, pool->name, error)))
        return NULL;
    if ((vol = vmm_storage_pool_obj_find_vol(obj, name)))
        ret = vmm_storage_vol_new_handle(pool->conn, obj->parent.name, vol->name, vol->key);
    else
        vmm_error_set(error, VMM_ERR_NO_STORAGE_VOL,
                      _("no storage vol with matching name '%s'"), name);
    vmm_obj_end(obj);
    return ret;
}

/* Search the active pools for a volume by key or path. */
static VmmStorageVol *
vol_lookup_by(VmmConnect *conn, const char *str, gboolean by_key, GError **error)
{
    g_autoptr(GPtrArray) all = vmm_obj_list_collect(test_driver_of(conn)->pools);

    for (guint i = 0; i < all->len; i++) {
        VmmStoragePoolObj *obj = all->pdata[i];
        VmmStorageVolDef *vol;
        VmmStorageVol *ret = NULL;

        vmm_obj_lock(obj);
        if (!obj->parent.removed && obj->parent.active &&
            (vol = vmm_storage_pool_obj_find_vol_by(obj, str, by_key)))
            ret = vmm_storage_vol_new_handle(conn, obj->parent.name, vol->name, vol->key);
        vmm_obj_unlock(obj);
        if (ret)
            return ret;
    }
    vmm_error_set(error, VMM_ERR_NO_STORAGE_VOL, _("no storage vol with matching %s '%s'"),
                  by_key ? "key" : "path", str);
    return NULL;
}

VmmStorageVol *
test_storage_vol_lookup_by_key(VmmConnect *conn, const char *key, GError **error)
{
    return vol_lookup_by(conn, key, TRUE, error);
}

VmmStorageVol *
test_storage_vol_lookup_by_path(VmmConnect *conn, const char *path, GError **error)
{
    return vol_lookup_by(conn, path, FALSE, error);
}

VmmStorageVol *
test_storage_vol_create_xml(VmmStoragePool *pool, const char *xml, unsigned int flags,
                            GError **error)
{
    VmmStoragePoolObj *obj;
    VmmStorageVolDef *vol;
    VmmStorageVol *ret = NULL;

    /* PREALLOC_METADATA (1) and VALIDATE (4) change nothing in memory. */
    TEST_CHECK_FLAGS(flags, 0x5, NULL);
    if (!(obj = pool_find_active(pool->conn, pool->name, error)))
        return NULL;
    vol = vmm_storage_vol_def_parse_string(vmm_storage_pool_obj_def(obj), xml, NULL,
                                           (flags & 0x4) ? VMM_STORAGE_DEF_PARSE_VALIDATE : 0,
                                           error);
    if (vol) {
        g_autofree char *name = g_strdup(vol->name);

        if (test_pool_add_volume(obj, vol, error)) {
            vol = vmm_storage_pool_obj_find_vol(obj, name);
            ret = vmm_storage_vol_new_handle(pool->conn, obj->parent.name, vol->name,
                                             vol->key);
        }
    }
    vmm_obj_end(obj);
    return ret;
}

/* The active pool of @vol, locked, and the volume in it; NULL with @error
 * when either is gone. */
static VmmStoragePoolObj *
vol_find(VmmStorageVol *vol, VmmStorageVolDef **def, GError **error)
{
    VmmStoragePoolObj *obj = pool_find_active(vol->conn, vol->pool, error);

    if (!obj)
        return NULL;
    if (!(*def = vmm_storage_pool_obj_find_vol(obj, vol->name))) {
        vmm_error_set(error, VMM_ERR_NO_STORAGE_VOL,
                      _("no storage vol with matching name '%s'"), vol->name);
        vmm_obj_end(obj);
        return NULL;
    }
    return obj;
}

gboolean
test_storage_vol_delete(VmmStorageVol *vol, unsigned int flags, GError **error)
{
    VmmStoragePoolObj *obj;
    VmmStorageVolDef *def;
    VmmStoragePoolDef *pooldef;

    TEST_CHECK_FLAGS(flags, 0x3, FALSE);
    if (!(obj = vol_find(vol, &def, error)))
        return FALSE;
    pooldef = vmm_storage_pool_obj_def(obj);
    pooldef->allocation -= MIN(pooldef->allocation, def->allocation);
    pooldef->available = pooldef->capacity - pooldef->allocation;
    vmm_storage_pool_obj_remove_vol(obj, vol->name);
    vmm_obj_end(obj);
    test_vol_data_forget(test_driver_of(vol->conn), vol->pool, vol->name);
    return TRUE;
}

gboolean
test_storage_vol_get_info(VmmStorageVol *vol, VmmStorageVolInfo *info, GError **error)
{
    VmmStoragePoolObj *obj;
    VmmStorageVolDef *def;

    if (!(obj = vol_find(vol, &def, error)))
        return FALSE;
    info->type = def->type;
    info->capacity = def->capacity;
    info->allocation = def->allocation;
    vmm_obj_end(obj);
    return TRUE;
}

char *
test_storage_vol_get_xml_desc(VmmStorageVol *vol, unsigned int flags, GError **error)
{
    VmmStoragePoolObj *obj;
    VmmStorageVolDef *def;
    char *xml;

    TEST_CHECK_FLAGS(flags, 0, NULL);
    if (!(obj = vol_find(vol, &def, error)))
        return NULL;
    xml = vmm_storage_vol_def_format(vmm_storage_pool_obj_def(obj), def, 0);
    vmm_obj_end(obj);
    return xml;
}

char *
test_storage_vol_get_path(VmmStorageVol *vol, GError **error)
{
    VmmStoragePoolObj *obj;
    VmmStorageVolDef *def;
    char *path;

    if (!(obj = vol_find(vol, &def, error)))
        return NULL;
    path = g_strdup(def->target_path);
    vmm_obj_end(obj);
    return path;
}

/* Upload (@upload) or download of @vol's content. */
static gboolean
vol_transfer(VmmStorageVol *vol, VmmStream *st, guint64 offset, guint64 length,
             gboolean upload, GError **error)
{
    VmmStoragePoolObj *obj;
    VmmStorageVolDef *def;
    guint64 capacity;

    if (!(obj = vol_find(vol, &def, error)))
        return FALSE;
    capacity = def->capacity;
    vmm_obj_end(obj);
    return test_vol_stream_open(vol, capacity, st, offset, length, upload, error);
}

gboolean
test_storage_vol_upload(VmmStorageVol *vol, VmmStream *st, guint64 offset, guint64 length,
                        unsigned int flags, GError **error)
{
    /* No sparse streams (flag 1): they need STREAM_HOLE packets. */
    TEST_CHECK_FLAGS(flags, 0, FALSE);
    return vol_transfer(vol, st, offset, length, TRUE, error);
}

gboolean
test_storage_vol_download(VmmStorageVol *vol, VmmStream *st, guint64 offset,
                          guint64 length, unsigned int flags, GError **error)
{
    TEST_CHECK_FLAGS(flags, 0, FALSE);
    return vol_transfer(vol, st, offset, length, FALSE, error);
}
