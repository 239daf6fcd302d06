/*
 * storage_vol_def.c: the storage volume definition (libvirt's <volume> XML).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/storage_def_priv.h"
#include "conf/domain_def.h"
#include "util/vmm_error.h"

#include <string.h>

/* Same order as VmmStorageVolType in vmm.h. */
static const char *const vol_type_names[] = {
    "file", "block", "dir", "network", "netdir", "ploop", NULL,
};

/* Image formats a file-based pool can hold (qemu-img's names). */
static const char *const vol_file_formats[] = {
    "raw", "dir", "bochs", "cloop", "dmg", "iso", "vpc", "vdi", "fat", "vhd", "ploop",
    "cow", "qcow", "qcow2", "qed", "vmdk", NULL,
};

/* Logical volumes are raw block devices and show no <format>. */
static gboolean
pool_has_formats(const VmmStoragePoolDef *pool)
{
    return !pool || pool->type != VMM_STORAGE_POOL_LOGICAL;
}

void
vmm_storage_vol_def_free(VmmStorageVolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->key);
    g_free(def->target_path);
    g_free(def->target_format);
    vmm_storage_perms_clear(&def->target_perms);
    g_free(def->backing_path);
    g_free(def->backing_format);
    g_free(def);
}

VmmStorageVolDef *
vmm_storage_vol_def_new(void)
{
    VmmStorageVolDef *def = g_new0(VmmStorageVolDef, 1);

    vmm_storage_perms_init(&def->target_perms);
    return def;
}

static gboolean
vol_format_parse(const VmmStoragePoolDef *pool, xmlXPathContext *ctxt, const char *xpath,
                 char **out, GError **error)
{
    g_autofree char *format = vmm_xml_string(ctxt, xpath);

    if (!pool_has_formats(pool))
        return TRUE;
    if (!format) {
        *out = g_strdup(vol_file_formats[0]);
        return TRUE;
    }
    if (vmm_enum_from_string(vol_file_formats, format) < 0) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                      _("unknown volume format type '%s'"), format);
        return FALSE;
    }
    *out = g_steal_pointer(&format);
    return TRUE;
}

static VmmStorageVolDef *
vol_def_parse_node(const VmmStoragePoolDef *pool, xmlXPathContext *ctxt, GError **error)
{
    g_autoptr(VmmStorageVolDef) def = vmm_storage_vol_def_new();
    g_autofree char *type = vmm_xml_prop(ctxt->node, "type");
    gboolean found;

    if (!(def->name = vmm_xml_string(ctxt, "./name"))) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing volume name"));
        return NULL;
    }
    if (!vmm_def_check_name(def->name, "volume", error))
        return NULL;
    def->key = vmm_xml_string(ctxt, "./key");
    if (!vmm_xml_enum(type, vol_type_names, "volume type", 0, &def->type, error))
        return NULL;

    if (!vmm_storage_size_parse(ctxt, "capacity", &def->capacity, &found, error))
        return NULL;
    if (!found) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing capacity for volume '%s'"),
                      def->name);
        return NULL;
    }
    if (!vmm_storage_size_parse(ctxt, "allocation", &def->allocation, &found, error))
        return NULL;
    if (!found)
        def->allocation = def->capacity;

    def->target_path = vmm_xml_string(ctxt, "./target/path");
    if (!vol_format_parse(pool, ctxt, "./target/format/@type", &def->target_format, error))
        return NULL;
    if (!vmm_storage_perms_parse(ctxt, "./target/permissions", &def->target_perms, error))
        return NULL;

    if ((def->backing_path = vmm_xml_string(ctxt, "./backingStore/path")) &&
        !vol_format_parse(pool, ctxt, "./backingStore/format/@type", &def->backing_format,
                          error))
        return NULL;
    return g_steal_pointer(&def);
}

VmmStorageVolDef *
vmm_storage_vol_def_parse_string(const VmmStoragePoolDef *pool, const char *xml,
                                 const char *url, unsigned int flags, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(VmmStorageVolDef) def = NULL;

    if (!url)
        url = "(storage_volume_definition)";
    if (!(doc = vmm_xml_parse(xml, url, "volume", &ctxt, error)))
        return NULL;
    if ((flags & VMM_STORAGE_DEF_PARSE_VALIDATE) &&
        !vmm_xml_validate(doc, "storagevol", error))
        return NULL;
    if (!(def = vol_def_parse_node(pool, ctxt, error)))
        return NULL;

    /* Volumes of a pool live in its target directory and are keyed by
     * their path, as libvirt's dir/fs/netfs/logical backends do. */
    if (pool && pool->target_path && !def->target_path)
        def->target_path = g_build_filename(pool->target_path, def->name, NULL);
    if (!def->key && def->target_path)
        def->key = g_strdup(def->target_path);
    return g_steal_pointer(&def);
}

static void
vol_target_format(GString *buf, const char *elem, const char *path, const char *format,
                  const VmmStoragePerms *perms)
{
    g_string_append_printf(buf, "  <%s>\n", elem);
    vmm_buf_text_elem(buf, 4, "path", path);
    if (format) {
        g_string_append(buf, "    <format");
        vmm_buf_attr(buf, "type", format);
        g_string_append(buf, "/>\n");
    }
    if (perms)
        vmm_storage_perms_format(buf, 4, perms);
    g_string_append_printf(buf, "  </%s>\n", elem);
}

char *
vmm_storage_vol_def_format(const VmmStoragePoolDef *pool, const VmmStorageVolDef *def,
                           unsigned int flags)
{
    g_autoptr(GString) buf = g_string_new(NULL);

    g_string_append_printf(buf, "<volume type='%s'>\n",
                           vmm_enum_to_string(vol_type_names, def->type));
    vmm_buf_text_elem(buf, 2, "name", def->name);
    vmm_buf_text_elem(buf, 2, "key", def->key);
    g_string_append_printf(buf, "  <capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>\n",
                           def->capacity);
    g_string_append_printf(buf, "  <allocation unit='bytes'>%" G_GUINT64_FORMAT
                           "</allocation>\n", def->allocation);
    vol_target_format(buf, "target", def->target_path, def->target_format,
                      &def->target_perms);
    if (def->backing_path)
        vol_target_format(buf, "backingStore", def->backing_path, def->backing_format, NULL);
    g_string_append(buf, "</volume>\n");
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

VmmStorageVolDef *
vmm_storage_vol_def_copy(const VmmStorageVolDef *def)
{
    VmmStorageVolDef *copy = vmm_storage_vol_def_new();

    copy->name = g_strdup(def->name);
    copy->key = g_strdup(def->key);
    copy->type = def->type;
    copy->capacity = def->capacity;
    copy->allocation = def->allocation;
    copy->target_path = g_strdup(def->target_path);
    copy->target_format = g_strdup(def->target_format);
    vmm_storage_perms_copy(&copy->target_perms, &def->target_perms);
    copy->backing_path = g_strdup(def->backing_path);
    copy->backing_format = g_strdup(def->backing_format);
    return copy;
}
