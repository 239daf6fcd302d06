/*
 * domain_device_chr.c: <serial>, <parallel>, <console>, <channel> and
 * <redirdev> (which all sit on a character device backend).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_device_priv.h"
#include "conf/domain_def.h"

#include <string.h>

static const char *const chr_device_types[] = {
    "serial", "parallel", "console", "channel", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(chr_device_types) == VMM_CHR_DEVICE_LAST + 1);

static const char *const serial_target_types[] = {
    "isa-serial", "usb-serial", "pci-serial", "spapr-vio-serial", "system-serial",
    "sclp-serial", "isa-debug", NULL
};
static const char *const parallel_target_types[] = { NULL };
static const char *const console_target_types[] = {
    "serial", "virtio", "xen", "lxc", "openvz", "sclp", "sclplm", NULL
};
static const char *const channel_target_types[] = { "guestfwd", "virtio", "xen", NULL };
static const char *const *const target_tables[] = {
    serial_target_types, parallel_target_types, console_target_types,
    channel_target_types,
};
G_STATIC_ASSERT(G_N_ELEMENTS(target_tables) == VMM_CHR_DEVICE_LAST);

static const char *const serial_models[] = {
    "isa-serial", "usb-serial", "pci-serial", "spapr-vty", "pl011", "sclpconsole",
    "sclplmconsole", "16550a", "isa-debugcon", NULL
};

enum { CHANNEL_TARGET_GUESTFWD = 0, CHANNEL_TARGET_VIRTIO = 1 };
enum { CONSOLE_TARGET_SERIAL = 0 };

const char *
vmm_chr_device_type_to_string(VmmChrDeviceType v)
{
    return vmm_enum_to_string(chr_device_types, v);
}

const char *
vmm_chr_target_type_to_string(VmmChrDeviceType devtype, int target_type)
{
    if (devtype >= VMM_CHR_DEVICE_LAST)
        return NULL;
    return vmm_enum_to_string(target_tables[devtype], target_type);
}

static gboolean
chr_target_parse(const xmlNode *node, VmmDomainChrDef *def, GError **error)
{
    const char *kind = vmm_chr_device_type_to_string(def->devtype);
    g_autofree char *what = g_strdup_printf(_("%s target type"), kind);
    g_autofree char *ttype = node ? vmm_xml_prop(node, "type") : NULL;
    xmlNode *m;
    int v;

    if (!node) {
        if (def->devtype == VMM_CHR_DEVICE_CHANNEL) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing target for channel"));
            return FALSE;
        }
        return TRUE;
    }
    if (def->devtype == VMM_CHR_DEVICE_CHANNEL && !ttype) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing target type for channel"));
        return FALSE;
    }
    if (ttype && def->devtype == VMM_CHR_DEVICE_PARALLEL) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED, _("unknown %s '%s'"), what, ttype);
        return FALSE;
    }
    if (!vmm_xml_enum(ttype, target_tables[def->devtype], what, -1, &v, error))
        return FALSE;
    def->target_type = v;

    if (def->devtype == VMM_CHR_DEVICE_CHANNEL) {
        def->target_name = vmm_xml_prop(node, "name");
        def->target_state = vmm_xml_prop(node, "state");
        if (!dev_check_enum(def->target_state,
                            (const char *const[]){ "connected", "disconnected", NULL },
                            _("channel target state"), error))
            return FALSE;
        if (def->target_type == CHANNEL_TARGET_GUESTFWD) {
            def->target_address = vmm_xml_prop(node, "address");
            if (!def->target_address || !xmlHasProp(node, (const xmlChar *)"port")) {
                vmm_error_set(error, VMM_ERR_XML_ERROR,
                              _("guestfwd channel needs a target address and port"));
                return FALSE;
            }
            return dev_int_attr(node, "port", _("guestfwd channel port"), 0, 65535, -1,
                                &def->target_port, error);
        }
        return TRUE;
    }

    if (!dev_int_attr(node, "port", _("character device target port"), 0, G_MAXINT32, -1,
                      &def->target_port, error))
        return FALSE;
    if (def->devtype == VMM_CHR_DEVICE_SERIAL && (m = dev_child(node, "model")) &&
        !dev_enum_attr(m, "name", serial_models, _("serial target model"), -1,
                       &def->target_model, error))
        return FALSE;
    return TRUE;
}

VmmDomainChrDef *
dev_chr_parse(const xmlNode *node, VmmChrDeviceType devtype, GError **error)
{
    g_autoptr(VmmDomainChrDef) def = g_new0(VmmDomainChrDef, 1);

    def->devtype = devtype;
    def->target_type = -1;
    def->target_port = -1;
    def->target_model = -1;
    if (!dev_chr_source_parse(node, &def->src, error))
        return NULL;
    if (!chr_target_parse(dev_child(node, "target"), def, error))
        return NULL;
    if (!dev_info_parse(node, &def->info, FALSE, error))
        return NULL;
    return g_steal_pointer(&def);
}

static int
chr_free_port(GPtrArray *chrs, VmmChrDeviceType devtype)
{
    for (int port = 0;; port++) {
        gboolean used = FALSE;
        for (guint i = 0; i < chrs->len && !used; i++) {
            const VmmDomainChrDef *c = chrs->pdata[i];
            used = c->devtype == devtype && c->target_port == port;
        }
        if (!used)
            return port;
    }
}

static VmmDomainChrDef *
chr_first(GPtrArray *chrs, VmmChrDeviceType devtype)
{
    for (guint i = 0; i < chrs->len; i++) {
        VmmDomainChrDef *c = chrs->pdata[i];
        if (c->devtype == devtype)
            return c;
    }
    return NULL;
}

/*
 * Defaults, in libvirt's way:
 *  1. The first console, when it is (or may be) a serial console and there
 *     is no <serial>, gets a serial port of its own with the same backend,
 *     so that it also shows as <serial> (what "virsh console" opens).
 *  2. Serial and parallel ports without a port number take the lowest
 *     free one; consoles take their position.
 */
void
dev_chrs_post_parse(GPtrArray *chrs)
{
    VmmDomainChrDef *con = chr_first(chrs, VMM_CHR_DEVICE_CONSOLE);
    int ncons = 0;

    if (con && (con->target_type < 0 || con->target_type == CONSOLE_TARGET_SERIAL)) {
        con->target_type = CONSOLE_TARGET_SERIAL;
        if (!chr_first(chrs, VMM_CHR_DEVICE_SERIAL)) {
            VmmDomainChrDef *ser = g_new0(VmmDomainChrDef, 1);
            ser->devtype = VMM_CHR_DEVICE_SERIAL;
            ser->src = con->src;
            ser->src.path = g_strdup(con->src.path);
            ser->src.host = g_strdup(con->src.host);
            ser->src.service = g_strdup(con->src.service);
            ser->src.channel = g_strdup(con->src.channel);
            ser->target_type = -1;
            ser->target_port = 0;
            ser->target_model = -1;
            ser->info.boot_order = -1;
            ser->info.master_startport = -1;
            ser->info.acpi_index = -1;
            g_ptr_array_insert(chrs, 0, ser);
        }
        if (con->target_port < 0)
            con->target_port = 0;
    }

    for (guint i = 0; i < chrs->len; i++) {
        VmmDomainChrDef *c = chrs->pdata[i];

        if (c->devtype == VMM_CHR_DEVICE_CONSOLE) {
            if (c->target_port < 0)
                c->target_port = ncons;
            ncons++;
        } else if ((c->devtype == VMM_CHR_DEVICE_SERIAL ||
                    c->devtype == VMM_CHR_DEVICE_PARALLEL) && c->target_port < 0) {
            c->target_port = chr_free_port(chrs, c->devtype);
        }
    }
}

void
dev_chr_format(GString *buf, int indent, const VmmDomainChrDef *def, unsigned int flags)
{
    const char *name = vmm_chr_device_type_to_string(def->devtype);
    int in = indent + 2;

    vmm_buf_indent(buf, indent);
    g_string_append_printf(buf, "<%s", name);
    vmm_buf_attr(buf, "type", vmm_chr_type_to_string(def->src.type));
    /* libvirt repeats a console pty's path as tty= in live XML. */
    if (def->devtype == VMM_CHR_DEVICE_CONSOLE && def->src.type == VMM_CHR_TYPE_PTY &&
        !(flags & VMM_DOMAIN_DEF_FORMAT_INACTIVE))
        vmm_buf_attr(buf, "tty", def->src.path);
    g_string_append(buf, ">\n");
    dev_chr_source_format(buf, in, &def->src, flags);

    vmm_buf_indent(buf, in);
    g_string_append(buf, "<target");
    vmm_buf_attr(buf, "type", vmm_chr_target_type_to_string(def->devtype, def->target_type));
    if (def->devtype == VMM_CHR_DEVICE_CHANNEL) {
        vmm_buf_attr(buf, "name", def->target_name);
        vmm_buf_attr(buf, "state", def->target_state);
        vmm_buf_attr(buf, "address", def->target_address);
    }
    dev_buf_int(buf, "port", def->target_port);
    if (def->target_model >= 0) {
        g_string_append(buf, ">\n");
        vmm_buf_indent(buf, in + 2);
        g_string_append(buf, "<model");
        dev_buf_enum(buf, "name", serial_models, def->target_model);
        g_string_append(buf, "/>\n");
        vmm_buf_indent(buf, in);
        g_string_append(buf, "</target>\n");
    } else {
        g_string_append(buf, "/>\n");
    }
    dev_info_format(buf, in, &def->info, flags);
    vmm_buf_indent(buf, indent);
    g_string_append_printf(buf, "</%s>\n", name);
}

void
dev_chr_free(VmmDomainChrDef *def)
{
    if (!def)
        return;
    dev_chr_source_clear(&def->src);
    g_free(def->target_name);
    g_free(def->target_state);
    g_free(def->target_address);
    dev_info_clear(&def->info);
    g_free(def);
}

/* ---- redirdev ---- */

VmmDomainRedirdevDef *
dev_redirdev_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainRedirdevDef) def = g_new0(VmmDomainRedirdevDef, 1);

    def->bus = vmm_xml_prop(node, "bus");
    if (!def->bus)
        def->bus = g_strdup("usb");
    if (!dev_check_enum(def->bus, (const char *const[]){ "usb", NULL },
                        _("redirdev bus"), error) ||
        !dev_chr_source_parse(node, &def->src, error))
        return NULL;
    if (def->src.type != VMM_CHR_TYPE_SPICEVMC && def->src.type != VMM_CHR_TYPE_TCP) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                      _("unsupported redirdev type '%s'"),
                      vmm_chr_type_to_string(def->src.type));
        return NULL;
    }
    if (!dev_info_parse(node, &def->info, TRUE, error))
        return NULL;
    return g_steal_pointer(&def);
}

void
dev_redirdev_format(GString *buf, int indent, const VmmDomainRedirdevDef *def,
                    unsigned int flags)
{
    g_autoptr(GString) body = g_string_new(NULL);

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<redirdev");
    vmm_buf_attr(buf, "bus", def->bus);
    vmm_buf_attr(buf, "type", vmm_chr_type_to_string(def->src.type));
    dev_chr_source_format(body, indent + 2, &def->src, flags);
    dev_info_format(body, indent + 2, &def->info, flags);
    dev_buf_close(buf, indent, "redirdev", body);
}

void
dev_redirdev_free(VmmDomainRedirdevDef *def)
{
    if (!def)
        return;
    g_free(def->bus);
    dev_chr_source_clear(&def->src);
    dev_info_clear(&def->info);
    g_free(def);
}
