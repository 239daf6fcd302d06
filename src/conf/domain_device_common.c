/*
 * domain_device_common.c: what all devices share: attribute readers, the
 * <boot>/<alias>/<address> info, and character device backends.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_device_priv.h"
#include "conf/domain_def.h"

#include <errno.h>
#include <string.h>

/* ---- readers ---- */

xmlNode *
dev_child(const xmlNode *node, const char *name)
{
    for (xmlNode *c = node->children; c; c = c->next) {
        if (dev_is(c, name))
            return c;
    }
    return NULL;
}

gboolean
dev_is(const xmlNode *node, const char *name)
{
    return node->type == XML_ELEMENT_NODE && strcmp((const char *)node->name, name) == 0;
}

gboolean
dev_check_enum(const char *str, const char *const *table, const char *what,
               GError **error)
{
    if (str && vmm_enum_from_string(table, str) < 0) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED, _("unknown %s '%s'"), what, str);
        return FALSE;
    }
    return TRUE;
}

gboolean
dev_enum_attr(const xmlNode *node, const char *attr, const char *const *table,
              const char *what, int dflt, int *out, GError **error)
{
    g_autofree char *str = vmm_xml_prop(node, attr);

    /* Tables use "" for "absent"; an empty attribute is not that. */
    if (str && !*str) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED, _("unknown %s '%s'"), what, str);
        return FALSE;
    }
    return vmm_xml_enum(str, table, what, dflt, out, error);
}

/* Decimal, or hexadecimal with 0x (PCI addresses); never octal. */
static gboolean
parse_number(const char *str, gint64 *out)
{
    const char *p = str;
    gboolean neg = FALSE;
    guint64 v;
    char *end = NULL;

    if (*p == '-') {
        neg = TRUE;
        p++;
    }
    if (!g_ascii_isdigit(*p))
        return FALSE;
    errno = 0;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        if (!g_ascii_isxdigit(p[2]))
            return FALSE;
        v = g_ascii_strtoull(p + 2, &end, 16);
    } else {
        v = g_ascii_strtoull(p, &end, 10);
    }
    if (errno != 0 || *end != '\0' || v > G_MAXINT32)
        return FALSE;
    *out = neg ? -(gint64)v : (gint64)v;
    return TRUE;
}

gboolean
dev_int_attr(const xmlNode *node, const char *attr, const char *what,
             gint64 min, gint64 max, int dflt, int *out, GError **error)
{
    g_autofree char *str = vmm_xml_prop(node, attr);
    gint64 v;

    if (!str) {
        *out = dflt;
        return TRUE;
    }
    if (!parse_number(str, &v) || v < min || v > max) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '%s' for %s"), str, what);
        return FALSE;
    }
    *out = (int)v;
    return TRUE;
}

gboolean
dev_tristate_attr(const xmlNode *node, const char *attr, const char *what,
                  VmmTristate *out, GError **error)
{
    g_autofree char *str = vmm_xml_prop(node, attr);

    return vmm_xml_tristate(str, what, out, error);
}

void
dev_buf_int(GString *buf, const char *name, int value)
{
    if (value >= 0)
        g_string_append_printf(buf, " %s='%d'", name, value);
}

void
dev_buf_enum(GString *buf, const char *name, const char *const *table, int value)
{
    vmm_buf_attr(buf, name, vmm_enum_to_string(table, value));
}

void
dev_buf_close(GString *buf, int indent, const char *name, const GString *body)
{
    if (!body || body->len == 0) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    g_string_append_len(buf, body->str, body->len);
    vmm_buf_indent(buf, indent);
    g_string_append_printf(buf, "</%s>\n", name);
}

/* ---- addresses ---- */

static const char *const address_types[] = {
    "none", "pci", "drive", "virtio-serial", "ccid", "usb", "isa", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(address_types) == VMM_DEVICE_ADDRESS_LAST + 1);

const char *
vmm_device_address_type_to_string(VmmDeviceAddressType type)
{
    return vmm_enum_to_string(address_types, type);
}

static gboolean
uint_attr(const xmlNode *node, const char *attr, const char *what, gint64 max,
          unsigned int *out, GError **error)
{
    int v;

    if (!dev_int_attr(node, attr, what, 0, max, 0, &v, error))
        return FALSE;
    *out = (unsigned int)v;
    return TRUE;
}

gboolean
dev_pci_fields_parse(const xmlNode *node, unsigned int *domain, unsigned int *bus,
                     unsigned int *slot, unsigned int *function, GError **error)
{
    return uint_attr(node, "domain", _("PCI address domain"), 0xffff, domain, error) &&
           uint_attr(node, "bus", _("PCI address bus"), 0xff, bus, error) &&
           uint_attr(node, "slot", _("PCI address slot"), 0x1f, slot, error) &&
           uint_attr(node, "function", _("PCI address function"), 7, function, error);
}

void
dev_pci_fields_format(GString *buf, unsigned int domain, unsigned int bus,
                      unsigned int slot, unsigned int function)
{
    g_string_append_printf(buf, " domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'",
                           domain, bus, slot, function);
}

gboolean
dev_address_parse(const xmlNode *node, VmmDeviceAddress *addr, GError **error)
{
    g_autofree char *type = vmm_xml_prop(node, "type");
    int t;

    if (!type) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("no type specified for device address"));
        return FALSE;
    }
    if (!vmm_xml_enum(type, address_types, _("address type"), 0, &t, error))
        return FALSE;
    addr->type = t;
    switch (addr->type) {
    case VMM_DEVICE_ADDRESS_PCI:
        return dev_pci_fields_parse(node, &addr->domain, &addr->bus, &addr->slot,
                                    &addr->function, error) &&
               dev_tristate_attr(node, "multifunction", _("PCI address multifunction"),
                                 &addr->multifunction, error);
    case VMM_DEVICE_ADDRESS_DRIVE:
        return uint_attr(node, "controller", _("drive address controller"), G_MAXINT32,
                         &addr->controller, error) &&
               uint_attr(node, "bus", _("drive address bus"), G_MAXINT32, &addr->bus, error) &&
               uint_attr(node, "target", _("drive address target"), G_MAXINT32,
                         &addr->target, error) &&
               uint_attr(node, "unit", _("drive address unit"), G_MAXINT32, &addr->unit, error);
    case VMM_DEVICE_ADDRESS_VIRTIO_SERIAL:
        return uint_attr(node, "controller", _("virtio-serial address controller"),
                         G_MAXINT32, &addr->controller, error) &&
               uint_attr(node, "bus", _("virtio-serial address bus"), G_MAXINT32,
                         &addr->bus, error) &&
               uint_attr(node, "port", _("virtio-serial address port"), G_MAXINT32,
                         &addr->port, error);
    case VMM_DEVICE_ADDRESS_CCID:
        return uint_attr(node, "controller", _("ccid address controller"), G_MAXINT32,
                         &addr->controller, error) &&
               uint_attr(node, "slot", _("ccid address slot"), G_MAXINT32, &addr->slot, error);
    case VMM_DEVICE_ADDRESS_USB:
        addr->usb_port = vmm_xml_prop(node, "port");
        if (addr->usb_port &&
            !g_regex_match_simple("^[0-9]{1,3}(\\.[0-9]{1,3}){0,4}$", addr->usb_port, 0, 0)) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '%s' for %s"),
                          addr->usb_port, _("USB address port"));
            return FALSE;
        }
        return uint_attr(node, "bus", _("USB address bus"), G_MAXINT32, &addr->bus, error);
    case VMM_DEVICE_ADDRESS_ISA:
        return dev_int_attr(node, "iobase", _("ISA address iobase"), 0, 0xffff, -1,
                            &addr->iobase, error) &&
               dev_int_attr(node, "irq", _("ISA address irq"), 0, 0xff, -1, &addr->irq, error);
    case VMM_DEVICE_ADDRESS_NONE:
    case VMM_DEVICE_ADDRESS_LAST:
        break;
    }
    return TRUE;
}

static void
address_format(GString *buf, int indent, const VmmDeviceAddress *addr)
{
    if (addr->type == VMM_DEVICE_ADDRESS_NONE)
        return;
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<address");
    vmm_buf_attr(buf, "type", vmm_device_address_type_to_string(addr->type));
    switch (addr->type) {
    case VMM_DEVICE_ADDRESS_PCI:
        dev_pci_fields_format(buf, addr->domain, addr->bus, addr->slot, addr->function);
        vmm_buf_attr(buf, "multifunction", vmm_tristate_onoff(addr->multifunction));
        break;
    case VMM_DEVICE_ADDRESS_DRIVE:
        g_string_append_printf(buf, " controller='%u' bus='%u' target='%u' unit='%u'",
                               addr->controller, addr->bus, addr->target, addr->unit);
        break;
    case VMM_DEVICE_ADDRESS_VIRTIO_SERIAL:
        g_string_append_printf(buf, " controller='%u' bus='%u' port='%u'",
                               addr->controller, addr->bus, addr->port);
        break;
    case VMM_DEVICE_ADDRESS_CCID:
        g_string_append_printf(buf, " controller='%u' slot='%u'", addr->controller, addr->slot);
        break;
    case VMM_DEVICE_ADDRESS_USB:
        g_string_append_printf(buf, " bus='%u'", addr->bus);
        vmm_buf_attr(buf, "port", addr->usb_port);
        break;
    case VMM_DEVICE_ADDRESS_ISA:
        if (addr->iobase >= 0)
            g_string_append_printf(buf, " iobase='0x%x'", addr->iobase);
        if (addr->irq >= 0)
            g_string_append_printf(buf, " irq='0x%x'", addr->irq);
        break;
    case VMM_DEVICE_ADDRESS_NONE:
    case VMM_DEVICE_ADDRESS_LAST:
        break;
    }
    g_string_append(buf, "/>\n");
}

/* ---- info ---- */

gboolean
dev_info_parse(const xmlNode *node, VmmDeviceInfo *info, gboolean boot_ok,
               GError **error)
{
    xmlNode *c;

    info->boot_order = -1;
    info->master_startport = -1;
    info->acpi_index = -1;
    if (boot_ok && (c = dev_child(node, "boot"))) {
        g_autofree char *order = vmm_xml_prop(c, "order");
        if (!order) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing boot order attribute"));
            return FALSE;
        }
        if (!dev_int_attr(c, "order", _("boot order"), 1, G_MAXINT32, -1,
                          &info->boot_order, error))
            return FALSE;
    }
    if ((c = dev_child(node, "alias")))
        info->alias = vmm_xml_prop(c, "name");
    info->master_startport = -1;
    if ((c = dev_child(node, "master")) &&
        !dev_int_attr(c, "startport", _("master startport"), 0, G_MAXINT32, -1,
                      &info->master_startport, error))
        return FALSE;
    if ((c = dev_child(node, "acpi")) &&
        !dev_int_attr(c, "index", _("acpi index"), 1, 16383, -1, &info->acpi_index, error))
        return FALSE;
    if ((c = dev_child(node, "address")) && !dev_address_parse(c, &info->addr, error))
        return FALSE;
    return TRUE;
}

/* libvirt keeps only user aliases ("ua-" prefix) in inactive XML. */
static gboolean
alias_shown(const VmmDeviceInfo *info, unsigned int flags)
{
    return info->alias &&
           (!(flags & VMM_DOMAIN_DEF_FORMAT_INACTIVE) || g_str_has_prefix(info->alias, "ua-"));
}

gboolean
dev_info_is_empty(const VmmDeviceInfo *info, unsigned int flags)
{
    return info->boot_order < 0 && !alias_shown(info, flags) &&
           info->master_startport < 0 && info->acpi_index < 0 && info->addr.type == VMM_DEVICE_ADDRESS_NONE;
}

void
dev_info_format(GString *buf, int indent, const VmmDeviceInfo *info, unsigned int flags)
{
    if (info->boot_order >= 0) {
        vmm_buf_indent(buf, indent);
        g_string_append_printf(buf, "<boot order='%d'/>\n", info->boot_order);
    }
    if (alias_shown(info, flags)) {
        vmm_buf_indent(buf, indent);
        g_string_append(buf, "<alias");
        vmm_buf_attr(buf, "name", info->alias);
        g_string_append(buf, "/>\n");
    }
    if (info->master_startport >= 0) {
        vmm_buf_indent(buf, indent);
        g_string_append_printf(buf, "<master startport='%d'/>\n", info->master_startport);
    }
    if (info->acpi_index >= 0) {
        vmm_buf_indent(buf, indent);
        g_string_append_printf(buf, "<acpi index='%d'/>\n", info->acpi_index);
    }
    address_format(buf, indent, &info->addr);
}

void
dev_info_clear(VmmDeviceInfo *info)
{
    g_clear_pointer(&info->alias, g_free);
    g_clear_pointer(&info->addr.usb_port, g_free);
}

/* ---- character device backends ---- */

static const char *const chr_types[] = {
    "null", "vc", "pty", "dev", "file", "pipe", "stdio", "tcp", "unix",
    "spicevmc", "spiceport", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(chr_types) == VMM_CHR_TYPE_LAST + 1);

static const char *const chr_modes[] = { "", "bind", "connect", NULL };
static const char *const chr_protocols[] = { "", "raw", "telnet", "telnets", "tls", NULL };

const char *
vmm_chr_type_to_string(VmmChrType v)
{
    return vmm_enum_to_string(chr_types, v);
}

/* @node is the element carrying type= (serial, channel, redirdev, backend). */
gboolean
dev_chr_source_parse(const xmlNode *node, VmmChrSource *src, GError **error)
{
    g_autofree char *type = vmm_xml_prop(node, "type");
    xmlNode *s, *p;
    int v;

    /* libvirt takes a missing type as a pty. */
    if (!vmm_xml_enum(type, chr_types, _("character device type"), VMM_CHR_TYPE_PTY, &v,
                      error))
        return FALSE;
    src->type = v;

    if ((s = dev_child(node, "source"))) {
        src->has_source = TRUE;
        if (!dev_enum_attr(s, "mode", chr_modes, _("character device source mode"), 0,
                           &v, error))
            return FALSE;
        src->mode = v;
        src->path = vmm_xml_prop(s, "path");
        src->host = vmm_xml_prop(s, "host");
        src->service = vmm_xml_prop(s, "service");
        src->channel = vmm_xml_prop(s, "channel");
        if (!dev_tristate_attr(s, "append", _("character device source append"),
                               &src->append, error))
            return FALSE;
    }
    if ((p = dev_child(node, "protocol"))) {
        if (!dev_enum_attr(p, "type", chr_protocols, _("character device protocol"), 0,
                           &v, error))
            return FALSE;
        src->protocol = v;
    }

    switch (src->type) {
    case VMM_CHR_TYPE_DEV:
    case VMM_CHR_TYPE_FILE:
    case VMM_CHR_TYPE_PIPE:
        if (!src->path) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("missing source path for character device type '%s'"),
                          vmm_chr_type_to_string(src->type));
            return FALSE;
        }
        break;
    case VMM_CHR_TYPE_TCP:
        if (!src->host && !src->service) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("missing source host or service for character device type '%s'"),
                          vmm_chr_type_to_string(src->type));
            return FALSE;
        }
        break;
    default:
        break;
    }
    return TRUE;
}

void
dev_chr_source_format(GString *buf, int indent, const VmmChrSource *src,
                      unsigned int flags)
{
    /* A pty's path is chosen at start-up, so it is live XML only. */
    if (src->has_source &&
        !(src->type == VMM_CHR_TYPE_PTY && (flags & VMM_DOMAIN_DEF_FORMAT_INACTIVE))) {
        vmm_buf_indent(buf, indent);
        g_string_append(buf, "<source");
        if (src->mode != VMM_CHR_MODE_NONE)
            dev_buf_enum(buf, "mode", chr_modes, src->mode);
        vmm_buf_attr(buf, "host", src->host);
        vmm_buf_attr(buf, "service", src->service);
        vmm_buf_attr(buf, "path", src->path);
        vmm_buf_attr(buf, "append", vmm_tristate_onoff(src->append));
        vmm_buf_attr(buf, "channel", src->channel);
        g_string_append(buf, "/>\n");
    }
    if (src->protocol != VMM_CHR_PROTOCOL_NONE) {
        vmm_buf_indent(buf, indent);
        g_string_append(buf, "<protocol");
        dev_buf_enum(buf, "type", chr_protocols, src->protocol);
        g_string_append(buf, "/>\n");
    }
}

void
dev_chr_source_clear(VmmChrSource *src)
{
    g_clear_pointer(&src->path, g_free);
    g_clear_pointer(&src->host, g_free);
    g_clear_pointer(&src->service, g_free);
    g_clear_pointer(&src->channel, g_free);
}
