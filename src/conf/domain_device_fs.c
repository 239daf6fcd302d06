/*
 * domain_device_fs.c: <filesystem> (host directories and images shared
 * with the guest, through 9p or virtiofs).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_device_priv.h"

#include <string.h>

static const char *const fs_types[] = { "mount", "block", "file", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(fs_types) == VMM_FS_TYPE_LAST + 1);

static const char *const fs_accessmodes[] = { "", "passthrough", "mapped", "squash", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(fs_accessmodes) == VMM_FS_ACCESS_LAST + 1);

static const char *const fs_drivers[] = { "", "path", "handle", "virtiofs", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(fs_drivers) == VMM_FS_DRIVER_LAST + 1);

/* The <source> attribute holding the path, per type. */
static const char *const fs_source_attrs[] = { "dir", "dev", "file", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(fs_source_attrs) == VMM_FS_TYPE_LAST + 1);

const char *vmm_fs_type_to_string(VmmFsType v) { return vmm_enum_to_string(fs_types, v); }
const char *vmm_fs_driver_to_string(VmmFsDriver v) { return vmm_enum_to_string(fs_drivers, v); }

VmmDomainFsDef *
dev_fs_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainFsDef) def = g_new0(VmmDomainFsDef, 1);
    xmlNode *c;
    int v;

    def->queue = -1;
    if (!dev_enum_attr(node, "type", fs_types, _("filesystem type"), VMM_FS_TYPE_MOUNT,
                       &v, error))
        return NULL;
    def->type = v;
    if (!dev_enum_attr(node, "accessmode", fs_accessmodes, _("filesystem accessmode"), 0,
                       &v, error))
        return NULL;
    def->accessmode = v;
    if ((c = dev_child(node, "driver"))) {
        if (!dev_enum_attr(c, "type", fs_drivers, _("filesystem driver type"), 0, &v,
                           error) ||
            !dev_int_attr(c, "queue", _("filesystem driver queue"), 1, G_MAXINT32, -1,
                          &def->queue, error))
            return NULL;
        def->driver = v;
    }
    if ((c = dev_child(node, "source")))
        def->src = vmm_xml_prop(c, fs_source_attrs[def->type]);
    if (!def->src) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing source %s for filesystem type '%s'"),
                      fs_source_attrs[def->type], vmm_fs_type_to_string(def->type));
        return NULL;
    }
    if ((c = dev_child(node, "target")))
        def->dst = vmm_xml_prop(c, "dir");
    if (!def->dst) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("missing target dir for filesystem source '%s'"), def->src);
        return NULL;
    }
    def->readonly = dev_child(node, "readonly") != NULL;
    if (!dev_info_parse(node, &def->info, FALSE, error))
        return NULL;
    return g_steal_pointer(&def);
}

gboolean
dev_fss_validate(GPtrArray *fss, GError **error)
{
    for (guint i = 0; fss && i < fss->len; i++) {
        const VmmDomainFsDef *a = fss->pdata[i];

        if (a->driver == VMM_FS_DRIVER_VIRTIOFS && a->accessmode != VMM_FS_ACCESS_NONE_SET &&
            a->accessmode != VMM_FS_ACCESS_PASSTHROUGH) {
            vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                          _("virtiofs supports only accessmode 'passthrough', not '%s'"),
                          vmm_enum_to_string(fs_accessmodes, a->accessmode));
            return FALSE;
        }
        for (guint j = 0; j < i; j++) {
            const VmmDomainFsDef *b = fss->pdata[j];
            if (strcmp(a->dst, b->dst) == 0) {
                vmm_error_set(error, VMM_ERR_XML_ERROR,
                              _("filesystem target '%s' specified twice"), a->dst);
                return FALSE;
            }
        }
    }
    return TRUE;
}

void
dev_fs_format(GString *buf, int indent, const VmmDomainFsDef *def, unsigned int flags)
{
    int in = indent + 2;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<filesystem");
    dev_buf_enum(buf, "type", fs_types, def->type);
    if (def->accessmode)
        dev_buf_enum(buf, "accessmode", fs_accessmodes, def->accessmode);
    g_string_append(buf, ">\n");
    if (def->driver || def->queue >= 0) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<driver");
        if (def->driver)
            dev_buf_enum(buf, "type", fs_drivers, def->driver);
        dev_buf_int(buf, "queue", def->queue);
        g_string_append(buf, "/>\n");
    }
    vmm_buf_indent(buf, in);
    g_string_append(buf, "<source");
    vmm_buf_attr(buf, fs_source_attrs[def->type], def->src);
    g_string_append(buf, "/>\n");
    vmm_buf_indent(buf, in);
    g_string_append(buf, "<target");
    vmm_buf_attr(buf, "dir", def->dst);
    g_string_append(buf, "/>\n");
    if (def->readonly) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<readonly/>\n");
    }
    dev_info_format(buf, in, &def->info, flags);
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</filesystem>\n");
}

void
dev_fs_free(VmmDomainFsDef *def)
{
    if (!def)
        return;
    g_free(def->src);
    g_free(def->dst);
    dev_info_clear(&def->info);
    g_free(def);
}
