/*
 * domain_device_disk.c: <disk>.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_device_priv.h"

#include <string.h>

static const char *const disk_types[] = {
    "file", "block", "dir", "network", "volume", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(disk_types) == VMM_DISK_TYPE_LAST + 1);

static const char *const disk_devices[] = { "disk", "cdrom", "floppy", "lun", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(disk_devices) == VMM_DISK_DEVICE_LAST + 1);

static const char *const disk_buses[] = {
    "", "ide", "fdc", "scsi", "virtio", "xen", "usb", "sata", "sd", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(disk_buses) == VMM_DISK_BUS_LAST + 1);

static const char *const disk_caches[] = {
    "", "default", "none", "writethrough", "writeback", "directsync", "unsafe", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(disk_caches) == VMM_DISK_CACHE_LAST + 1);

static const char *const disk_ios[] = { "", "native", "threads", "io_uring", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(disk_ios) == VMM_DISK_IO_LAST + 1);

static const char *const disk_discards[] = { "", "unmap", "ignore", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(disk_discards) == VMM_DISK_DISCARD_LAST + 1);

static const char *const disk_detect_zeroes[] = { "", "off", "on", "unmap", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(disk_detect_zeroes) == VMM_DISK_DETECT_ZEROES_LAST + 1);

static const char *const disk_protocols[] = {
    "", "nbd", "rbd", "gluster", "iscsi", "http", "https", "ftp", "ftps", "tftp",
    "ssh", "nfs", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(disk_protocols) == VMM_DISK_PROTOCOL_LAST + 1);

static const char *const disk_transports[] = { "", "tcp", "unix", "rdma", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(disk_transports) == VMM_DISK_TRANSPORT_LAST + 1);

static const char *const disk_trays[] = { "open", "closed", NULL };

const char *vmm_disk_type_to_string(VmmDiskType v) { return vmm_enum_to_string(disk_types, v); }
const char *vmm_disk_device_to_string(VmmDiskDevice v) { return vmm_enum_to_string(disk_devices, v); }
const char *vmm_disk_bus_to_string(VmmDiskBus v) { return vmm_enum_to_string(disk_buses, v); }
const char *vmm_disk_protocol_to_string(VmmDiskProtocol v) { return vmm_enum_to_string(disk_protocols, v); }

static void
disk_host_free(gpointer data)
{
    VmmDiskHost *h = data;

    g_free(h->name);
    g_free(h->socket);
    g_free(h);
}

static gboolean
disk_driver_parse(const xmlNode *node, VmmDomainDiskDef *def, GError **error)
{
    int v;

    def->driver_name = vmm_xml_prop(node, "name");
    def->driver_type = vmm_xml_prop(node, "type");
    if (def->driver_type &&
        (!vmm_str_is_word(def->driver_type, TRUE, "_-") ||
         !g_ascii_isalnum(def->driver_type[0]))) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED, _("unknown disk format '%s'"),
                      def->driver_type);
        return FALSE;
    }
    if (!dev_enum_attr(node, "cache", disk_caches, _("disk cache mode"), 0, &v, error))
        return FALSE;
    def->cache = v;
    if (!dev_enum_attr(node, "io", disk_ios, _("disk io mode"), 0, &v, error))
        return FALSE;
    def->io = v;
    if (!dev_enum_attr(node, "discard", disk_discards, _("disk discard mode"), 0, &v, error))
        return FALSE;
    def->discard = v;
    if (!dev_enum_attr(node, "detect_zeroes", disk_detect_zeroes,
                       _("disk detect_zeroes mode"), 0, &v, error))
        return FALSE;
    def->detect_zeroes = v;
    return TRUE;
}

static gboolean
disk_source_parse(const xmlNode *node, VmmDomainDiskDef *def, GError **error)
{
    int v;

    switch (def->type) {
    case VMM_DISK_TYPE_FILE:
        def->src_path = vmm_xml_prop(node, "file");
        break;
    case VMM_DISK_TYPE_BLOCK:
        def->src_path = vmm_xml_prop(node, "dev");
        break;
    case VMM_DISK_TYPE_DIR:
        def->src_path = vmm_xml_prop(node, "dir");
        break;
    case VMM_DISK_TYPE_VOLUME:
        def->src_pool = vmm_xml_prop(node, "pool");
        def->src_volume = vmm_xml_prop(node, "volume");
        if (!def->src_pool || !def->src_volume) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("'pool' and 'volume' must be specified together for a volume disk source"));
            return FALSE;
        }
        break;
    case VMM_DISK_TYPE_NETWORK:
        if (!xmlHasProp(node, (const xmlChar *)"protocol")) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing network source protocol type"));
            return FALSE;
        }
        if (!dev_enum_attr(node, "protocol", disk_protocols, _("disk source protocol"),
                           0, &v, error))
            return FALSE;
        def->src_protocol = v;
        def->src_name = vmm_xml_prop(node, "name");
        for (xmlNode *c = node->children; c; c = c->next) {
            g_autofree char *tr = NULL;
            VmmDiskHost *h;

            if (!dev_is(c, "host"))
                continue;
            if (!def->src_hosts)
                def->src_hosts = g_ptr_array_new_with_free_func(disk_host_free);
            h = g_new0(VmmDiskHost, 1);
            g_ptr_array_add(def->src_hosts, h);
            h->name = vmm_xml_prop(c, "name");
            h->socket = vmm_xml_prop(c, "socket");
            if (!dev_int_attr(c, "port", _("disk source host port"), 0, 65535, -1,
                              &h->port, error) ||
                !dev_enum_attr(c, "transport", disk_transports, _("disk source host transport"),
                               0, &v, error))
                return FALSE;
            h->transport = v;
        }
        break;
    case VMM_DISK_TYPE_LAST:
        break;
    }
    return TRUE;
}

VmmDomainDiskDef *
dev_disk_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainDiskDef) def = g_new0(VmmDomainDiskDef, 1);
    xmlNode *c;
    int v;

    if (!dev_enum_attr(node, "type", disk_types, _("disk type"), VMM_DISK_TYPE_FILE,
                       &v, error))
        return NULL;
    def->type = v;
    if (!dev_enum_attr(node, "device", disk_devices, _("disk device"),
                       VMM_DISK_DEVICE_DISK, &v, error))
        return NULL;
    def->device = v;

    if ((c = dev_child(node, "driver")) && !disk_driver_parse(c, def, error))
        return NULL;
    if ((c = dev_child(node, "source")) && !disk_source_parse(c, def, error))
        return NULL;

    if (!(c = dev_child(node, "target")) || !(def->dst = vmm_xml_prop(c, "dev"))) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing target dev for disk source '%s'"),
                      def->src_path ? def->src_path : def->src_volume ? def->src_volume :
                      def->src_name ? def->src_name : "");
        return NULL;
    }
    if (!dev_enum_attr(c, "bus", disk_buses, _("disk bus"), 0, &v, error))
        return NULL;
    def->bus = v;
    def->tray = vmm_xml_prop(c, "tray");
    if (!dev_check_enum(def->tray, disk_trays, _("disk tray status"), error))
        return NULL;

    def->readonly = dev_child(node, "readonly") != NULL;
    def->shareable = dev_child(node, "shareable") != NULL;
    def->transient = dev_child(node, "transient") != NULL;
    if ((c = dev_child(node, "serial"))) {
        xmlChar *txt = xmlNodeGetContent(c);
        if (txt && *txt)
            def->serial = g_strdup((const char *)txt);
        xmlFree(txt);
    }
    if (!dev_info_parse(node, &def->info, TRUE, error))
        return NULL;
    return g_steal_pointer(&def);
}

/* The bus a target name implies, as libvirt does when bus= is absent. */
void
dev_disk_post_parse(VmmDomainDiskDef *def)
{
    static const struct {
        const char *prefix;
        VmmDiskBus bus;
    } prefixes[] = {
        { "hd", VMM_DISK_BUS_IDE },
        { "sd", VMM_DISK_BUS_SCSI },
        { "vd", VMM_DISK_BUS_VIRTIO },
        { "xvd", VMM_DISK_BUS_XEN },
        { "fd", VMM_DISK_BUS_FDC },
    };

    if (def->bus != VMM_DISK_BUS_NONE)
        return;
    if (def->device == VMM_DISK_DEVICE_FLOPPY) {
        def->bus = VMM_DISK_BUS_FDC;
        return;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(prefixes); i++) {
        if (g_str_has_prefix(def->dst, prefixes[i].prefix)) {
            def->bus = prefixes[i].bus;
            return;
        }
    }
}

static const char *
disk_source_desc(const VmmDomainDiskDef *def)
{
    if (def->src_path)
        return def->src_path;
    if (def->src_volume)
        return def->src_volume;
    if (def->src_name)
        return def->src_name;
    return "<null>";
}

gboolean
dev_disks_validate(GPtrArray *disks, GError **error)
{
    for (guint i = 0; disks && i < disks->len; i++) {
        const VmmDomainDiskDef *a = disks->pdata[i];

        if (a->device == VMM_DISK_DEVICE_LUN && a->type != VMM_DISK_TYPE_BLOCK &&
            a->type != VMM_DISK_TYPE_NETWORK) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("disk device 'lun' is only valid for block or network disk sources, not '%s'"),
                          vmm_disk_type_to_string(a->type));
            return FALSE;
        }
        if (a->tray && a->device != VMM_DISK_DEVICE_CDROM &&
            a->device != VMM_DISK_DEVICE_FLOPPY) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("tray is only valid for cdrom and floppy, not for disk target '%s'"),
                          a->dst);
            return FALSE;
        }
        for (guint j = 0; j < i; j++) {
            const VmmDomainDiskDef *b = disks->pdata[j];
            if (strcmp(a->dst, b->dst) == 0) {
                vmm_error_set(error, VMM_ERR_XML_ERROR,
                              _("target '%s' duplicated for disk sources '%s' and '%s'"),
                              a->dst, disk_source_desc(b), disk_source_desc(a));
                return FALSE;
            }
        }
    }
    return TRUE;
}

static void
disk_source_format(GString *buf, int indent, const VmmDomainDiskDef *def)
{
    if (!def->src_path && !def->src_pool && def->src_protocol == VMM_DISK_PROTOCOL_NONE)
        return;
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<source");
    switch (def->type) {
    case VMM_DISK_TYPE_FILE:
        vmm_buf_attr(buf, "file", def->src_path);
        break;
    case VMM_DISK_TYPE_BLOCK:
        vmm_buf_attr(buf, "dev", def->src_path);
        break;
    case VMM_DISK_TYPE_DIR:
        vmm_buf_attr(buf, "dir", def->src_path);
        break;
    case VMM_DISK_TYPE_VOLUME:
        vmm_buf_attr(buf, "pool", def->src_pool);
        vmm_buf_attr(buf, "volume", def->src_volume);
        break;
    case VMM_DISK_TYPE_NETWORK:
        dev_buf_enum(buf, "protocol", disk_protocols, def->src_protocol);
        vmm_buf_attr(buf, "name", def->src_name);
        break;
    case VMM_DISK_TYPE_LAST:
        break;
    }
    if (!def->src_hosts || def->src_hosts->len == 0) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    for (guint i = 0; i < def->src_hosts->len; i++) {
        const VmmDiskHost *h = def->src_hosts->pdata[i];
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<host");
        vmm_buf_attr(buf, "name", h->name);
        dev_buf_int(buf, "port", h->port);
        if (h->transport != VMM_DISK_TRANSPORT_NONE)
            dev_buf_enum(buf, "transport", disk_transports, h->transport);
        vmm_buf_attr(buf, "socket", h->socket);
        g_string_append(buf, "/>\n");
    }
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</source>\n");
}

void
dev_disk_format(GString *buf, int indent, const VmmDomainDiskDef *def, unsigned int flags)
{
    int in = indent + 2;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<disk");
    dev_buf_enum(buf, "type", disk_types, def->type);
    dev_buf_enum(buf, "device", disk_devices, def->device);
    g_string_append(buf, ">\n");

    if (def->driver_name || def->driver_type || def->cache || def->io || def->discard ||
        def->detect_zeroes) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<driver");
        vmm_buf_attr(buf, "name", def->driver_name);
        vmm_buf_attr(buf, "type", def->driver_type);
        if (def->cache)
            dev_buf_enum(buf, "cache", disk_caches, def->cache);
        if (def->io)
            dev_buf_enum(buf, "io", disk_ios, def->io);
        if (def->discard)
            dev_buf_enum(buf, "discard", disk_discards, def->discard);
        if (def->detect_zeroes)
            dev_buf_enum(buf, "detect_zeroes", disk_detect_zeroes, def->detect_zeroes);
        g_string_append(buf, "/>\n");
    }
    disk_source_format(buf, in, def);

    vmm_buf_indent(buf, in);
    g_string_append(buf, "<target");
    vmm_buf_attr(buf, "dev", def->dst);
    if (def->bus)
        dev_buf_enum(buf, "bus", disk_buses, def->bus);
    vmm_buf_attr(buf, "tray", def->tray);
    g_string_append(buf, "/>\n");

    if (def->readonly) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<readonly/>\n");
    }
    if (def->shareable) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<shareable/>\n");
    }
    if (def->transient) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<transient/>\n");
    }
    vmm_buf_text_elem(buf, in, "serial", def->serial);
    dev_info_format(buf, in, &def->info, flags);
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</disk>\n");
}

void
dev_disk_free(VmmDomainDiskDef *def)
{
    if (!def)
        return;
    g_free(def->driver_name);
    g_free(def->driver_type);
    g_free(def->src_path);
    g_free(def->src_pool);
    g_free(def->src_volume);
    g_free(def->src_name);
    if (def->src_hosts)
        g_ptr_array_unref(def->src_hosts);
    g_free(def->dst);
    g_free(def->tray);
    g_free(def->serial);
    dev_info_clear(&def->info);
    g_free(def);
}
