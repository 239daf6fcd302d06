/*
 * storage_obj.c: storage pool objects and their list.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/storage_obj.h"
#include "util/vmm_error.h"

#include <string.h>

static const char *
def_name(gconstpointer def)
{
    return ((const VmmStoragePoolDef *)def)->name;
}

static const unsigned char *
def_uuid(gconstpointer def)
{
    return ((const VmmStoragePoolDef *)def)->uuid;
}

static gpointer
def_copy(gconstpointer def)
{
    return vmm_storage_pool_def_copy(def);
}

static char *
def_format(gconstpointer def)
{
    return vmm_storage_pool_def_format(def, 0);
}

static gpointer
def_parse(const char *xml, const char *url, GError **error)
{
    return vmm_storage_pool_def_parse_string(xml, url, 0, error);
}

static void
init(VmmObj *obj)
{
    VmmStoragePoolObj *pool = (VmmStoragePoolObj *)obj;

    pool->volumes = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify)vmm_storage_vol_def_free);
}

static void
dispose(VmmObj *obj)
{
    g_hash_table_destroy(((VmmStoragePoolObj *)obj)->volumes);
}

const VmmObjKind vmm_storage_pool_obj_kind = {
    .name = "pool",
    .obj_size = sizeof(VmmStoragePoolObj),
    .init = init,
    .dispose = dispose,
    .def_name = def_name,
    .def_uuid = def_uuid,
    .def_copy = def_copy,
    .def_free = (GDestroyNotify)vmm_storage_pool_def_free,
    .def_format = def_format,
    .def_parse = def_parse,
};

VmmObjList *
vmm_storage_pool_obj_list_new(void)
{
    return vmm_obj_list_new(&vmm_storage_pool_obj_kind);
}

VmmStorageVolDef *
vmm_storage_pool_obj_find_vol(VmmStoragePoolObj *pool, const char *name)
{
    return g_hash_table_lookup(pool->volumes, name);
}

VmmStorageVolDef *
vmm_storage_pool_obj_find_vol_by(VmmStoragePoolObj *pool, const char *str, gboolean by_key)
{
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, pool->volumes);
    while (g_hash_table_iter_next(&iter, NULL, &value)) {
        VmmStorageVolDef *vol = value;

        if (g_strcmp0(by_key ? vol->key : vol->target_path, str) == 0)
            return vol;
    }
    return NULL;
}

gboolean
vmm_storage_pool_obj_add_vol(VmmStoragePoolObj *pool, VmmStorageVolDef *vol,
                             GError **error)
{
    if (g_hash_table_contains(pool->volumes, vol->name)) {
        vmm_error_set(error, VMM_ERR_STORAGE_VOL_EXIST,
                      _("'%s'"), vol->name);
        vmm_storage_vol_def_free(vol);
        return FALSE;
    }
    g_hash_table_insert(pool->volumes, vol->name, vol);
    return TRUE;
}

void
vmm_storage_pool_obj_remove_vol(VmmStoragePoolObj *pool, const char *name)
{
    g_hash_table_remove(pool->volumes, name);
}

void
vmm_storage_pool_obj_clear_vols(VmmStoragePoolObj *pool)
{
    g_hash_table_remove_all(pool->volumes);
}

static gint
compare_vols(gconstpointer a, gconstpointer b)
{
    const VmmStorageVolDef *va = *(VmmStorageVolDef *const *)a;
    const VmmStorageVolDef *vb = *(VmmStorageVolDef *const *)b;

    return strcmp(va->name, vb->name);
}

GPtrArray *
vmm_storage_pool_obj_list_vols(VmmStoragePoolObj *pool)
{
    GPtrArray *vols = g_ptr_array_new_full(g_hash_table_size(pool->volumes), NULL);
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init(&iter, pool->volumes);
    while (g_hash_table_iter_next(&iter, NULL, &value))
        g_ptr_array_add(vols, value);
    g_ptr_array_sort(vols, compare_vols);
    return vols;
}
