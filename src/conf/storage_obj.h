/*
 * storage_obj.h: storage pool objects (with their volumes) and their list.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A pool object is a VmmObj (see object_list.h) holding VmmStoragePoolDefs
 * plus the pool's volumes, which its lock guards too.
 */
#pragma once

#include "conf/object_list.h"
#include "conf/storage_def.h"

G_BEGIN_DECLS

typedef struct {
    VmmObj parent;
    GHashTable *volumes;     /* name -> VmmStorageVolDef* (owned) */
} VmmStoragePoolObj;

extern const VmmObjKind vmm_storage_pool_obj_kind;

/* A list of pools ("pool" in messages). */
VmmObjList *vmm_storage_pool_obj_list_new(void);

static inline VmmStoragePoolDef *
vmm_storage_pool_obj_def(VmmStoragePoolObj *pool)
{
    return pool->parent.def;
}

/* Borrowed volume of the locked @pool, or NULL. */
VmmStorageVolDef *vmm_storage_pool_obj_find_vol(VmmStoragePoolObj *pool, const char *name);
/* The volume whose key (@by_key) or target path equals @str, or NULL. */
VmmStorageVolDef *vmm_storage_pool_obj_find_vol_by(VmmStoragePoolObj *pool,
                                                   const char *str, gboolean by_key);
/* Add @vol (taken over); fails with VMM_ERR_STORAGE_VOL_EXIST on a name
 * clash ("storage volume already exists: 'NAME'", as libvirt says). */
gboolean vmm_storage_pool_obj_add_vol(VmmStoragePoolObj *pool, VmmStorageVolDef *vol,
                                      GError **error);
void vmm_storage_pool_obj_remove_vol(VmmStoragePoolObj *pool, const char *name);
void vmm_storage_pool_obj_clear_vols(VmmStoragePoolObj *pool);
/* Borrowed volume definitions sorted by name (free only the array). */
GPtrArray *vmm_storage_pool_obj_list_vols(VmmStoragePoolObj *pool);

G_END_DECLS
