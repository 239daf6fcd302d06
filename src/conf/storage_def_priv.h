/*
 * storage_def_priv.h: pieces shared by storage_def.c and storage_vol_def.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "conf/storage_def.h"

G_BEGIN_DECLS

/* Read <permissions> under ctxt->node's @xpath into @perms (unset fields
 * stay -1/NULL). */
gboolean vmm_storage_perms_parse(xmlXPathContext *ctxt, const char *xpath,
                                 VmmStoragePerms *perms, GError **error);
void vmm_storage_perms_format(GString *buf, int indent, const VmmStoragePerms *perms);
void vmm_storage_perms_init(VmmStoragePerms *perms);
void vmm_storage_perms_copy(VmmStoragePerms *dst, const VmmStoragePerms *src);
void vmm_storage_perms_clear(VmmStoragePerms *perms);

/* Read the scaled integer element @xpath (<capacity unit='G'>10</capacity>)
 * into bytes; absent leaves *@bytes and returns TRUE with *@found FALSE. */
gboolean vmm_storage_size_parse(xmlXPathContext *ctxt, const char *name,
                                guint64 *bytes, gboolean *found, GError **error);

G_END_DECLS
