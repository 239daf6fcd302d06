/*
 * domain_def_os.c: the <os> element of a domain (guest type, firmware,
 * boot order, direct kernel boot).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_def_priv.h"
#include "util/vmm_error.h"

#include <string.h>

/* libvirt keeps at most this many <boot dev=''> entries. */
#define VMM_DOMAIN_BOOT_MAX 4

static const char *const os_type_table[] = { "hvm", NULL };
static const char *const os_arch_table[] = {
    "i686", "x86_64", "aarch64", "armv7l", "ppc64", "ppc64le", "s390x",
    "riscv64", "loongarch64", "mips64el", NULL
};
static const char *const firmware_table[] = { "bios", "efi", NULL };
static const char *const loader_type_table[] = { "rom", "pflash", NULL };
static const char *const boot_dev_table[] = { "fd", "hd", "cdrom", "network", NULL };
static const char *const smbios_table[] = { "emulate", "host", "sysinfo", NULL };

static void
firmware_feature_free(gpointer p)
{
    VmmDomainFirmwareFeature *f = p;
    g_free(f->name);
    g_free(f);
}

void
vmm_domain_os_clear(VmmDomainDef *def)
{
    VmmDomainOsDef *os = &def->os;

    g_free(os->firmware);
    g_clear_pointer(&os->firmware_features, g_ptr_array_unref);
    g_free(os->loader);
    g_free(os->loader_type);
    g_free(os->nvram);
    g_free(os->nvram_template);
    g_clear_pointer(&os->boot_devs, g_ptr_array_unref);
    g_free(os->kernel);
    g_free(os->initrd);
    g_free(os->cmdline);
    g_free(os->dtb);
    g_free(os->smbios_mode);
}

static gboolean
parse_type(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    xmlNode *type = vmm_xml_node(ctxt, "./os/type[1]");
    int v;

    if (!type)
        return TRUE;
    def->os_type = vmm_xml_string(ctxt, "./os/type[1]");
    if (def->os_type && vmm_enum_from_string(os_type_table, def->os_type) < 0) {
        vmm_error_set(error, VMM_ERR_OS_TYPE, _("unknown OS type '%s'"), def->os_type);
        return FALSE;
    }
    def->os_arch = vmm_xml_prop(type, "arch");
    if (!vmm_xml_enum(def->os_arch, os_arch_table, _("architecture"), 0, &v, error))
        return FALSE;
    def->os_machine = vmm_xml_prop(type, "machine");
    return TRUE;
}

static gboolean
parse_firmware(xmlXPathContext *ctxt, VmmDomainOsDef *os, GError **error)
{
    g_autofree xmlNode **nodes = NULL;
    int n;

    if (!vmm_domain_parse_enum_str(vmm_xml_node(ctxt, "./os[1]"), "firmware", firmware_table,
                                   _("firmware"), &os->firmware, error))
        return FALSE;

    n = vmm_xml_nodes(ctxt, "./os/firmware/feature", &nodes);
    os->firmware_features = g_ptr_array_new_with_free_func(firmware_feature_free);
    for (int i = 0; i < n; i++) {
        VmmDomainFirmwareFeature *f = g_new0(VmmDomainFirmwareFeature, 1);

        g_ptr_array_add(os->firmware_features, f);
        f->name = vmm_xml_prop(nodes[i], "name");
        if (!f->name) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing firmware feature name"));
            return FALSE;
        }
        if (!vmm_domain_parse_tristate_attr(nodes[i], "enabled",
                                            "firmware feature enabled", &f->enabled,
                                            error))
            return FALSE;
        if (!f->enabled) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("missing 'enabled' of firmware feature '%s'"), f->name);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
parse_loader(xmlXPathContext *ctxt, VmmDomainOsDef *os, GError **error)
{
    xmlNode *loader = vmm_xml_node(ctxt, "./os/loader[1]");
    xmlNode *nvram = vmm_xml_node(ctxt, "./os/nvram[1]");

    if (loader) {
        os->loader = vmm_xml_string(ctxt, "./os/loader[1]");
        if (!vmm_domain_parse_tristate_attr(loader, "readonly", "loader readonly",
                                            &os->loader_readonly, error) ||
            !vmm_domain_parse_tristate_attr(loader, "secure", "loader secure",
                                            &os->loader_secure, error) ||
            !vmm_domain_parse_enum_str(loader, "type", loader_type_table, _("loader type"),
                                       &os->loader_type, error))
            return FALSE;
    }
    if (nvram) {
        os->nvram = vmm_xml_string(ctxt, "./os/nvram[1]");
        os->nvram_template = vmm_xml_prop(nvram, "template");
    }
    return TRUE;
}

static gboolean
parse_boot(xmlXPathContext *ctxt, VmmDomainOsDef *os, GError **error)
{
    g_autofree xmlNode **nodes = NULL;
    xmlNode *menu, *bios;
    int n = vmm_xml_nodes(ctxt, "./os/boot", &nodes);

    os->boot_devs = g_ptr_array_new_with_free_func(g_free);
    for (int i = 0; i < n && i < VMM_DOMAIN_BOOT_MAX; i++) {
        g_autofree char *dev = vmm_xml_prop(nodes[i], "dev");
        int v;

        if (!dev) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing boot device"));
            return FALSE;
        }
        if (!vmm_xml_enum(dev, boot_dev_table, _("boot device"), 0, &v, error))
            return FALSE;
        g_ptr_array_add(os->boot_devs, g_steal_pointer(&dev));
    }

    if ((menu = vmm_xml_node(ctxt, "./os/bootmenu[1]"))) {
        g_autofree char *timeout = vmm_xml_prop(menu, "timeout");

        if (!vmm_domain_parse_tristate_attr(menu, "enable", "bootmenu enable",
                                            &os->bootmenu, error))
            return FALSE;
        if (timeout) {
            if (!vmm_xml_parse_uint(timeout, "bootmenu timeout", 65535,
                                    &os->bootmenu_timeout, error))
                return FALSE;
            os->has_bootmenu_timeout = TRUE;
        }
    }

    if ((bios = vmm_xml_node(ctxt, "./os/bios[1]"))) {
        g_autofree char *rt = vmm_xml_prop(bios, "rebootTimeout");

        if (!vmm_domain_parse_tristate_attr(bios, "useserial", "bios useserial",
                                            &os->bios_useserial, error))
            return FALSE;
        if (rt) {
            if (!vmm_xml_parse_int(rt, "bios rebootTimeout", &os->bios_reboot_timeout,
                                   error))
                return FALSE;
            if (os->bios_reboot_timeout < -1 || os->bios_reboot_timeout > 65535) {
                vmm_error_set(error, VMM_ERR_XML_ERROR,
                              _("invalid value '%s' for bios rebootTimeout"), rt);
                return FALSE;
            }
            os->has_bios_reboot_timeout = TRUE;
        }
    }
    return TRUE;
}

gboolean
vmm_domain_os_parse(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    VmmDomainOsDef *os = &def->os;

    if (!vmm_xml_node(ctxt, "./os[1]"))
        return TRUE;
    if (!parse_type(ctxt, def, error) ||
        !parse_firmware(ctxt, os, error) ||
        !parse_loader(ctxt, os, error))
        return FALSE;
    os->kernel = vmm_xml_string(ctxt, "./os/kernel[1]");
    os->initrd = vmm_xml_string(ctxt, "./os/initrd[1]");
    os->cmdline = vmm_xml_string(ctxt, "./os/cmdline[1]");
    os->dtb = vmm_xml_string(ctxt, "./os/dtb[1]");
    return parse_boot(ctxt, os, error) &&
           vmm_domain_parse_enum_str(vmm_xml_node(ctxt, "./os/smbios[1]"), "mode", smbios_table,
                                     _("smbios mode"), &os->smbios_mode, error);
}

static void
format_firmware_loader(GString *buf, int indent, const VmmDomainOsDef *os)
{
    if (os->firmware_features && os->firmware_features->len > 0) {
        vmm_buf_indent(buf, indent);
        g_string_append(buf, "<firmware>\n");
        for (guint i = 0; i < os->firmware_features->len; i++) {
            const VmmDomainFirmwareFeature *f = os->firmware_features->pdata[i];
            vmm_buf_indent(buf, indent + 2);
            g_string_append(buf, "<feature");
            vmm_buf_attr(buf, "enabled", vmm_tristate_yesno(f->enabled));
            vmm_buf_attr(buf, "name", f->name);
            g_string_append(buf, "/>\n");
        }
        vmm_buf_indent(buf, indent);
        g_string_append(buf, "</firmware>\n");
    }
    if (os->loader || os->loader_readonly || os->loader_secure || os->loader_type) {
        vmm_buf_indent(buf, indent);
        g_string_append(buf, "<loader");
        vmm_buf_attr(buf, "readonly", vmm_tristate_yesno(os->loader_readonly));
        vmm_buf_attr(buf, "secure", vmm_tristate_yesno(os->loader_secure));
        vmm_buf_attr(buf, "type", os->loader_type);
        if (os->loader) {
            g_string_append_c(buf, '>');
            vmm_buf_escape(buf, os->loader);
            g_string_append(buf, "</loader>\n");
        } else {
            g_string_append(buf, "/>\n");
        }
    }
    if (os->nvram || os->nvram_template) {
        vmm_buf_indent(buf, indent);
        g_string_append(buf, "<nvram");
        vmm_buf_attr(buf, "template", os->nvram_template);
        if (os->nvram) {
            g_string_append_c(buf, '>');
            vmm_buf_escape(buf, os->nvram);
            g_string_append(buf, "</nvram>\n");
        } else {
            g_string_append(buf, "/>\n");
        }
    }
}

void
vmm_domain_os_format(GString *buf, int indent, const VmmDomainDef *def)
{
    const VmmDomainOsDef *os = &def->os;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<os");
    vmm_buf_attr(buf, "firmware", os->firmware);
    g_string_append(buf, ">\n");

    vmm_buf_indent(buf, indent + 2);
    g_string_append(buf, "<type");
    vmm_buf_attr(buf, "arch", def->os_arch);
    vmm_buf_attr(buf, "machine", def->os_machine);
    g_string_append_c(buf, '>');
    vmm_buf_escape(buf, def->os_type ? def->os_type : "hvm");
    g_string_append(buf, "</type>\n");

    format_firmware_loader(buf, indent + 2, os);
    vmm_buf_text_elem(buf, indent + 2, "kernel", os->kernel);
    vmm_buf_text_elem(buf, indent + 2, "initrd", os->initrd);
    vmm_buf_text_elem(buf, indent + 2, "cmdline", os->cmdline);
    vmm_buf_text_elem(buf, indent + 2, "dtb", os->dtb);
    for (guint i = 0; os->boot_devs && i < os->boot_devs->len; i++) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<boot");
        vmm_buf_attr(buf, "dev", os->boot_devs->pdata[i]);
        g_string_append(buf, "/>\n");
    }
    if (os->bootmenu || os->has_bootmenu_timeout) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<bootmenu");
        vmm_buf_attr(buf, "enable", vmm_tristate_yesno(os->bootmenu));
        if (os->has_bootmenu_timeout)
            vmm_buf_attr_printf(buf, "timeout", "%" G_GUINT64_FORMAT,
                                os->bootmenu_timeout);
        g_string_append(buf, "/>\n");
    }
    if (os->bios_useserial || os->has_bios_reboot_timeout) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<bios");
        vmm_buf_attr(buf, "useserial", vmm_tristate_yesno(os->bios_useserial));
        if (os->has_bios_reboot_timeout)
            vmm_buf_attr_printf(buf, "rebootTimeout", "%" G_GINT64_FORMAT,
                                os->bios_reboot_timeout);
        g_string_append(buf, "/>\n");
    }
    if (os->smbios_mode) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<smbios");
        vmm_buf_attr(buf, "mode", os->smbios_mode);
        g_string_append(buf, "/>\n");
    }
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</os>\n");
}
