/*
 * storage_def.h: storage pool and volume definitions (libvirt's <pool> and
 * <volume> XML).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include "conf/xml_util.h"
#include "util/vmm_uuid.h"

G_BEGIN_DECLS

typedef enum {
    VMM_STORAGE_POOL_DIR = 0,
    VMM_STORAGE_POOL_FS,
    VMM_STORAGE_POOL_NETFS,
    VMM_STORAGE_POOL_LOGICAL,
    VMM_STORAGE_POOL_TYPE_LAST
} VmmStoragePoolType;

typedef struct _VmmStoragePoolDef VmmStoragePoolDef;
typedef struct _VmmStorageVolDef VmmStorageVolDef;

typedef enum {
    VMM_STORAGE_DEF_PARSE_VALIDATE = 1 << 0,   /* also check the RELAX NG schema */
} VmmStorageDefParseFlags;

VmmStoragePoolDef *vmm_storage_pool_def_parse_string(const char *xml, const char *url,
                                                     unsigned int flags, GError **error);
/* An empty pool definition (lists allocated, permissions unset). */
VmmStoragePoolDef *vmm_storage_pool_def_new(void);
VmmStoragePoolDef *vmm_storage_pool_def_parse_node(xmlXPathContext *ctxt, GError **error);
gboolean vmm_storage_pool_def_post_parse(VmmStoragePoolDef *def, GError **error);
gboolean vmm_storage_pool_def_validate(const VmmStoragePoolDef *def, GError **error);
char *vmm_storage_pool_def_format(const VmmStoragePoolDef *def, unsigned int flags);
VmmStoragePoolDef *vmm_storage_pool_def_copy(const VmmStoragePoolDef *def);
void vmm_storage_pool_def_free(VmmStoragePoolDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmStoragePoolDef, vmm_storage_pool_def_free)
const char *vmm_storage_pool_type_to_string(int type);
int vmm_storage_pool_type_from_string(const char *str);

/* Parse a volume; @pool (may be NULL) supplies defaults such as the target
 * path (pool target path + "/" + name) and key (the path).  Volumes of a
 * NULL or file-based pool default to format raw. */
/* An empty volume definition (type file, permissions unset). */
VmmStorageVolDef *vmm_storage_vol_def_new(void);
VmmStorageVolDef *vmm_storage_vol_def_parse_string(const VmmStoragePoolDef *pool,
                                                   const char *xml, const char *url,
                                                   unsigned int flags, GError **error);
char *vmm_storage_vol_def_format(const VmmStoragePoolDef *pool,
                                 const VmmStorageVolDef *def, unsigned int flags);
VmmStorageVolDef *vmm_storage_vol_def_copy(const VmmStorageVolDef *def);
void vmm_storage_vol_def_free(VmmStorageVolDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmStorageVolDef, vmm_storage_vol_def_free)

/* <permissions>: mode -1, owner -1 and group -1 mean "not given". */
typedef struct {
    int mode;                     /* e.g. 0755 */
    gint64 owner;                 /* uid */
    gint64 group;                 /* gid */
    char *label;                  /* security label */
} VmmStoragePerms;

struct _VmmStoragePoolDef {
    char *name;
    unsigned char uuid[VMM_UUID_BUFLEN];
    int type;                     /* VmmStoragePoolType */
    guint64 capacity;             /* bytes */
    guint64 allocation;
    guint64 available;
    char *target_path;            /* dir/fs/netfs: required; logical: /dev/NAME */
    VmmStoragePerms target_perms;

    /* <source>; which parts a type uses: fs: device + format; netfs: host +
     * dir + format; logical: devices + name + format; dir: nothing. */
    char *source_host;            /* <host name=''> */
    unsigned int source_host_port;   /* 0: absent */
    GPtrArray *source_devices;    /* char*: <device path=''> */
    char *source_dir;             /* <dir path=''> */
    char *source_name;            /* <name>, logical: the VG (default: pool name) */
    char *source_format;          /* <format type=''>; filled with the type's default */
};

struct _VmmStorageVolDef {
    char *name;
    char *key;
    int type;                     /* VmmStorageVolType from vmm.h (file=0) */
    guint64 capacity;             /* bytes */
    guint64 allocation;           /* defaults to capacity */
    char *target_path;
    char *target_format;          /* raw, qcow2...; NULL for logical volumes */
    VmmStoragePerms target_perms;
    char *backing_path;           /* <backingStore><path> */
    char *backing_format;
};

G_END_DECLS
