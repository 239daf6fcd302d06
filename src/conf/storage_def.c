/*
 * storage_def.c: the storage pool definition (libvirt's <pool> XML) and
 * the pieces pools and volumes share (sizes, permissions).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/storage_def_priv.h"
#include "conf/domain_def.h"
#include "util/vmm_error.h"
#include "util/vmm_units.h"

#include <string.h>

static const char *const pool_type_names[] = { "dir", "fs", "netfs", "logical", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(pool_type_names) == VMM_STORAGE_POOL_TYPE_LAST + 1);

/* <source><format type=''> per pool type; the first entry is the default. */
static const char *const fs_formats[] = {
    "auto", "ext2", "ext3", "ext4", "ufs", "iso9660", "udf", "gfs", "gfs2", "vfat",
    "hfs+", "xfs", "ocfs2", "vmfs", NULL,
};
static const char *const netfs_formats[] = { "auto", "nfs", "glusterfs", "cifs", NULL };
static const char *const logical_formats[] = { "lvm2", NULL };

static const char *const *
pool_formats(int type)
{
    switch (type) {
    case VMM_STORAGE_POOL_FS: return fs_formats;
    case VMM_STORAGE_POOL_NETFS: return netfs_formats;
    case VMM_STORAGE_POOL_LOGICAL: return logical_formats;
    default: return NULL;
    }
}

const char *
vmm_storage_pool_type_to_string(int type)
{
    return vmm_enum_to_string(pool_type_names, type);
}

int
vmm_storage_pool_type_from_string(const char *str)
{
    return vmm_enum_from_string(pool_type_names, str);
}

/* ---- shared: sizes and permissions ---- */

gboolean
vmm_storage_size_parse(xmlXPathContext *ctxt, const char *name, guint64 *bytes,
                       gboolean *found, GError **error)
{
    g_autofree char *unit_xpath = g_strdup_printf("./%s/@unit", name);
    g_autofree char *xpath = g_strdup_printf("./%s", name);
    g_autofree char *value = vmm_xml_string(ctxt, xpath);
    g_autofree char *unit = vmm_xml_string(ctxt, unit_xpath);
    guint64 v;

    *found = FALSE;
    if (!value) {
        if (vmm_xml_node(ctxt, xpath)) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '' for %s"), name);
            return FALSE;
        }
        return TRUE;
    }
    if (!vmm_xml_parse_uint(value, name, 0, &v, error))
        return FALSE;
    /* Files are addressed with a signed off_t, so sizes stop at 2^63 - 1. */
    if (!vmm_units_scale(v, unit, 1, G_MAXINT64, bytes, error))
        return FALSE;
    *found = TRUE;
    return TRUE;
}

void
vmm_storage_perms_init(VmmStoragePerms *perms)
{
    perms->mode = -1;
    perms->owner = -1;
    perms->group = -1;
    perms->label = NULL;
}

void
vmm_storage_perms_clear(VmmStoragePerms *perms)
{
    g_clear_pointer(&perms->label, g_free);
    vmm_storage_perms_init(perms);
}

void
vmm_storage_perms_copy(VmmStoragePerms *dst, const VmmStoragePerms *src)
{
    *dst = *src;
    dst->label = g_strdup(src->label);
}

static gboolean
perms_id(xmlXPathContext *ctxt, const char *xpath, const char *what, gint64 *out,
         GError **error)
{
    g_autofree char *str = vmm_xml_string(ctxt, xpath);
    gint64 v;

    if (!str)
        return TRUE;
    /* -1 is libvirt's "leave as is". */
    if (!vmm_xml_parse_int(str, what, &v, error))
        return FALSE;
    if (v < -1 || v > G_MAXUINT32 - 1) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '%s' for %s"), str, what);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

gboolean
vmm_storage_perms_parse(xmlXPathContext *ctxt, const char *xpath, VmmStoragePerms *perms,
                        GError **error)
{
    xmlNode *save = ctxt->node;
    xmlNode *node = vmm_xml_node(ctxt, xpath);
    g_autofree char *mode = NULL;
    gboolean ok;

    if (!node)
        return TRUE;
    ctxt->node = node;
    mode = vmm_xml_string(ctxt, "./mode");
    if (mode) {
        char *end = NULL;
        guint64 v = g_ascii_strtoull(mode, &end, 8);

        if (!g_ascii_isdigit(*mode) || *end || v > 07777) {
            ctxt->node = save;
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid permissions mode '%s'"), mode);
            return FALSE;
        }
        perms->mode = v;
    }
    ok = perms_id(ctxt, "./owner", "permissions owner", &perms->owner, error) &&
        perms_id(ctxt, "./group", "permissions group", &perms->group, error);
    if (ok) {
        g_free(perms->label);
        perms->label = vmm_xml_string(ctxt, "./label");
    }
    ctxt->node = save;
    return ok;
}

void
vmm_storage_perms_format(GString *buf, int indent, const VmmStoragePerms *perms)
{
    if (perms->mode < 0 && perms->owner < 0 && perms->group < 0 && !perms->label)
        return;
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<permissions>\n");
    if (perms->mode >= 0) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append_printf(buf, "<mode>0%o</mode>\n", (unsigned int)perms->mode);
    }
    if (perms->owner >= 0) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append_printf(buf, "<owner>%" G_GINT64_FORMAT "</owner>\n", perms->owner);
    }
    if (perms->group >= 0) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append_printf(buf, "<group>%" G_GINT64_FORMAT "</group>\n", perms->group);
    }
    vmm_buf_text_elem(buf, indent + 2, "label", perms->label);
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</permissions>\n");
}

/* ---- pool ---- */

void
vmm_storage_pool_def_free(VmmStoragePoolDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->target_path);
    vmm_storage_perms_clear(&def->target_perms);
    g_free(def->source_host);
    g_clear_pointer(&def->source_devices, g_ptr_array_unref);
    g_free(def->source_dir);
    g_free(def->source_name);
    g_free(def->source_format);
    g_free(def);
}

VmmStoragePoolDef *
vmm_storage_pool_def_new(void)
{
    VmmStoragePoolDef *def = g_new0(VmmStoragePoolDef, 1);

    vmm_storage_perms_init(&def->target_perms);
    def->source_devices = g_ptr_array_new_with_free_func(g_free);
    return def;
}

static gboolean
pool_source_parse(xmlXPathContext *ctxt, VmmStoragePoolDef *def, GError **error)
{
    g_autofree xmlNode **devices = NULL;
    g_autofree char *port = NULL;
    g_autofree char *format = NULL;
    int n;

    def->source_host = vmm_xml_string(ctxt, "./source/host/@name");
    if ((port = vmm_xml_string(ctxt, "./source/host/@port"))) {
        guint64 v;

        if (!vmm_xml_parse_uint(port, "source host port", 65535, &v, error))
            return FALSE;
        def->source_host_port = v;
    }
    n = vmm_xml_nodes(ctxt, "./source/device", &devices);
    for (int i = 0; i < n; i++) {
        char *path = vmm_xml_prop(devices[i], "path");

        if (!path) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("missing storage pool source device path"));
            return FALSE;
        }
        g_ptr_array_add(def->source_devices, path);
    }
    def->source_dir = vmm_xml_string(ctxt, "./source/dir/@path");
    def->source_name = vmm_xml_string(ctxt, "./source/name");

    format = vmm_xml_string(ctxt, "./source/format/@type");
    if (format) {
        const char *const *formats = pool_formats(def->type);

        if (!formats || vmm_enum_from_string(formats, format) < 0) {
            vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                          _("unknown %s pool format type '%s'"),
                          vmm_storage_pool_type_to_string(def->type), format);
            return FALSE;
        }
        def->source_format = g_steal_pointer(&format);
    }
    return TRUE;
}

VmmStoragePoolDef *
vmm_storage_pool_def_parse_node(xmlXPathContext *ctxt, GError **error)
{
    g_autoptr(VmmStoragePoolDef) def = vmm_storage_pool_def_new();
    g_autofree char *type = vmm_xml_prop(ctxt->node, "type");
    g_autofree char *uuid = NULL;
    gboolean found;

    if (!type) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing storage pool type"));
        return NULL;
    }
    if (!vmm_xml_enum(type, pool_type_names, "pool type", 0, &def->type, error))
        return NULL;
    if (!(def->name = vmm_xml_string(ctxt, "./name"))) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing storage pool name"));
        return NULL;
    }
    if ((uuid = vmm_xml_string(ctxt, "./uuid")) && !vmm_uuid_parse(uuid, def->uuid)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid UUID '%s'"), uuid);
        return NULL;
    }
    if (!vmm_storage_size_parse(ctxt, "capacity", &def->capacity, &found, error) ||
        !vmm_storage_size_parse(ctxt, "allocation", &def->allocation, &found, error) ||
        !vmm_storage_size_parse(ctxt, "available", &def->available, &found, error))
        return NULL;
    if (!pool_source_parse(ctxt, def, error))
        return NULL;
    def->target_path = vmm_xml_string(ctxt, "./target/path");
    if (!vmm_storage_perms_parse(ctxt, "./target/permissions", &def->target_perms, error))
        return NULL;
    return g_steal_pointer(&def);
}

gboolean
vmm_storage_pool_def_post_parse(VmmStoragePoolDef *def, GError **error)
{
    const char *const *formats = pool_formats(def->type);

    if (vmm_uuid_is_null(def->uuid))
        vmm_uuid_generate(def->uuid);
    if (formats && !def->source_format)
        def->source_format = g_strdup(formats[0]);
    /* A volume group is named after its pool unless told otherwise, and
     * its volumes appear under /dev/VG. */
    if (def->type == VMM_STORAGE_POOL_LOGICAL) {
        if (!def->source_name)
            def->source_name = g_strdup(def->name);
        if (!def->target_path)
            def->target_path = g_strdup_printf("/dev/%s", def->source_name);
    }
    return TRUE;
}

gboolean
vmm_storage_pool_def_validate(const VmmStoragePoolDef *def, GError **error)
{
    const char *type = vmm_storage_pool_type_to_string(def->type);

    if (!vmm_def_check_name(def->name, "storage pool", error))
        return FALSE;
    if (!def->target_path) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("missing target path for %s storage pool '%s'"), type, def->name);
        return FALSE;
    }
    if (def->target_path[0] != '/') {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("storage pool target path '%s' is not absolute"), def->target_path);
        return FALSE;
    }
    switch (def->type) {
    case VMM_STORAGE_POOL_FS:
        if (def->source_devices->len != 1) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("fs storage pool '%s' needs exactly one source device"),
                          def->name);
            return FALSE;
        }
        break;
    case VMM_STORAGE_POOL_NETFS:
        if (!def->source_host) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("missing source host name for netfs storage pool '%s'"),
                          def->name);
            return FALSE;
        }
        if (!def->source_dir) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("missing source dir path for netfs storage pool '%s'"),
                          def->name);
            return FALSE;
        }
        break;
    default:
        break;
    }
    return TRUE;
}

VmmStoragePoolDef *
vmm_storage_pool_def_parse_string(const char *xml, const char *url, unsigned int flags,
                                  GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(VmmStoragePoolDef) def = NULL;

    if (!url)
        url = "(storage_pool_definition)";
    if (!(doc = vmm_xml_parse(xml, url, "pool", &ctxt, error)))
        return NULL;
    if ((flags & VMM_STORAGE_DEF_PARSE_VALIDATE) &&
        !vmm_xml_validate(doc, "storagepool", error))
        return NULL;
    if (!(def = vmm_storage_pool_def_parse_node(ctxt, error)) ||
        !vmm_storage_pool_def_post_parse(def, error) ||
        !vmm_storage_pool_def_validate(def, error))
        return NULL;
    return g_steal_pointer(&def);
}

static void
pool_source_format(GString *buf, const VmmStoragePoolDef *def)
{
    /* Each type shows the parts it uses, in libvirt's order: host, device,
     * dir, name, format. */
    gboolean netfs = def->type == VMM_STORAGE_POOL_NETFS;
    gboolean devices = def->type == VMM_STORAGE_POOL_FS ||
        def->type == VMM_STORAGE_POOL_LOGICAL;

    g_string_append(buf, "  <source>\n");
    if (netfs && def->source_host) {
        g_string_append(buf, "    <host");
        vmm_buf_attr(buf, "name", def->source_host);
        if (def->source_host_port)
            g_string_append_printf(buf, " port='%u'", def->source_host_port);
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; devices && i < def->source_devices->len; i++) {
        g_string_append(buf, "    <device");
        vmm_buf_attr(buf, "path", def->source_devices->pdata[i]);
        g_string_append(buf, "/>\n");
    }
    if (netfs && def->source_dir) {
        g_string_append(buf, "    <dir");
        vmm_buf_attr(buf, "path", def->source_dir);
        g_string_append(buf, "/>\n");
    }
    if (def->type == VMM_STORAGE_POOL_LOGICAL)
        vmm_buf_text_elem(buf, 4, "name", def->source_name);
    if (pool_formats(def->type) && def->source_format) {
        g_string_append(buf, "    <format");
        vmm_buf_attr(buf, "type", def->source_format);
        g_string_append(buf, "/>\n");
    }
    g_string_append(buf, "  </source>\n");
}

char *
vmm_storage_pool_def_format(const VmmStoragePoolDef *def, unsigned int flags)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    char uuid[VMM_UUID_STRING_BUFLEN];

    g_string_append_printf(buf, "<pool type='%s'>\n",
                           vmm_storage_pool_type_to_string(def->type));
    vmm_buf_text_elem(buf, 2, "name", def->name);
    vmm_buf_text_elem(buf, 2, "uuid", vmm_uuid_format(def->uuid, uuid));
    g_string_append_printf(buf, "  <capacity unit='bytes'>%" G_GUINT64_FORMAT "</capacity>\n",
                           def->capacity);
    g_string_append_printf(buf, "  <allocation unit='bytes'>%" G_GUINT64_FORMAT
                           "</allocation>\n", def->allocation);
    g_string_append_printf(buf, "  <available unit='bytes'>%" G_GUINT64_FORMAT
                           "</available>\n", def->available);
    pool_source_format(buf, def);
    g_string_append(buf, "  <target>\n");
    vmm_buf_text_elem(buf, 4, "path", def->target_path);
    vmm_storage_perms_format(buf, 4, &def->target_perms);
    g_string_append(buf, "  </target>\n");
    g_string_append(buf, "</pool>\n");
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

VmmStoragePoolDef *
vmm_storage_pool_def_copy(const VmmStoragePoolDef *def)
{
    VmmStoragePoolDef *copy = vmm_storage_pool_def_new();

    copy->name = g_strdup(def->name);
    memcpy(copy->uuid, def->uuid, VMM_UUID_BUFLEN);
    copy->type = def->type;
    copy->capacity = def->capacity;
    copy->allocation = def->allocation;
    copy->available = def->available;
    copy->target_path = g_strdup(def->target_path);
    vmm_storage_perms_copy(&copy->target_perms, &def->target_perms);
    copy->source_host = g_strdup(def->source_host);
    copy->source_host_port = def->source_host_port;
    for (guint i = 0; i < def->source_devices->len; i++)
        g_ptr_array_add(copy->source_devices, g_strdup(def->source_devices->pdata[i]));
    copy->source_dir = g_strdup(def->source_dir);
    copy->source_name = g_strdup(def->source_name);
    copy->source_format = g_strdup(def->source_format);
    return copy;
}
