/*
 * domain_device_controller.c: <controller> and <hostdev> (the devices that
 * are about buses).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_device_priv.h"

#include <string.h>

static const char *const controller_types[] = {
    "ide", "fdc", "scsi", "sata", "virtio-serial", "ccid", "xenbus", "usb", "pci", "isa",
    NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(controller_types) == VMM_CONTROLLER_TYPE_LAST + 1);

static const char *const ide_models[] = { "piix3", "piix4", "ich6", NULL };
static const char *const scsi_models[] = {
    "auto", "buslogic", "lsilogic", "lsisas1068", "vmpvscsi", "ibmvscsi", "virtio-scsi",
    "lsisas1078", "virtio-transitional", "virtio-non-transitional", "ncr53c90",
    "am53c974", "dc390", NULL
};
static const char *const virtio_serial_models[] = {
    "virtio", "virtio-transitional", "virtio-non-transitional", NULL
};
static const char *const usb_models[] = {
    "piix3-uhci", "piix4-uhci", "ehci", "ich9-ehci1", "ich9-uhci1", "ich9-uhci2",
    "ich9-uhci3", "vt82c686b-uhci", "pci-ohci", "nec-xhci", "qusb1", "qusb2",
    "qemu-xhci", "none", NULL
};
static const char *const pci_models[] = {
    "pci-root", "pcie-root", "pci-bridge", "dmi-to-pci-bridge", "pcie-root-port",
    "pcie-switch-upstream-port", "pcie-switch-downstream-port", "pci-expander-bus",
    "pcie-expander-bus", "pcie-to-pci-bridge", NULL
};
static const char *const no_models[] = { NULL };

static const char *const *const controller_models[] = {
    [VMM_CONTROLLER_TYPE_IDE] = ide_models,
    [VMM_CONTROLLER_TYPE_FDC] = no_models,
    [VMM_CONTROLLER_TYPE_SCSI] = scsi_models,
    [VMM_CONTROLLER_TYPE_SATA] = no_models,
    [VMM_CONTROLLER_TYPE_VIRTIO_SERIAL] = virtio_serial_models,
    [VMM_CONTROLLER_TYPE_CCID] = no_models,
    [VMM_CONTROLLER_TYPE_XENBUS] = no_models,
    [VMM_CONTROLLER_TYPE_USB] = usb_models,
    [VMM_CONTROLLER_TYPE_PCI] = pci_models,
    [VMM_CONTROLLER_TYPE_ISA] = no_models,
};
G_STATIC_ASSERT(G_N_ELEMENTS(controller_models) == VMM_CONTROLLER_TYPE_LAST);

const char *
vmm_controller_type_to_string(VmmControllerType v)
{
    return vmm_enum_to_string(controller_types, v);
}

static gboolean
controller_pci_parse(const xmlNode *node, VmmDomainControllerDef *def, GError **error)
{
    xmlNode *c;

    if ((c = dev_child(node, "model"))) {
        def->pci_model_name = vmm_xml_prop(c, "name");
        if (def->pci_model_name &&
            !vmm_str_is_word(def->pci_model_name, FALSE, "_.-")) {
            vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                          _("unknown PCI controller model name '%s'"), def->pci_model_name);
            return FALSE;
        }
    }
    if (!(c = dev_child(node, "target")))
        return TRUE;
    return dev_int_attr(c, "chassisNr", _("PCI controller chassisNr"), 1, 255, -1,
                        &def->chassis_nr, error) &&
           dev_int_attr(c, "chassis", _("PCI controller chassis"), 0, 255, -1,
                        &def->chassis, error) &&
           dev_int_attr(c, "port", _("PCI controller port"), 0, 255, -1,
                        &def->target_port, error) &&
           dev_int_attr(c, "busNr", _("PCI controller busNr"), 1, 254, -1,
                        &def->bus_nr, error);
}

VmmDomainControllerDef *
dev_controller_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainControllerDef) def = g_new0(VmmDomainControllerDef, 1);
    g_autofree char *type = vmm_xml_prop(node, "type");
    int v;

    def->ports = def->vectors = -1;
    def->chassis_nr = def->chassis = def->target_port = def->bus_nr = -1;
    if (!type) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing controller type"));
        return NULL;
    }
    if (!vmm_xml_enum(type, controller_types, _("controller type"), 0, &v, error))
        return NULL;
    def->type = v;
    if (!dev_int_attr(node, "index", _("controller index"), 0, G_MAXINT32, -1,
                      &def->index, error))
        return NULL;

    def->model = vmm_xml_prop(node, "model");
    if (def->model) {
        g_autofree char *what = g_strdup_printf(_("%s controller model"), type);
        if (!dev_check_enum(def->model, controller_models[def->type], what, error))
            return NULL;
    }
    if (def->type == VMM_CONTROLLER_TYPE_USB ||
        def->type == VMM_CONTROLLER_TYPE_VIRTIO_SERIAL) {
        if (!dev_int_attr(node, "ports", _("controller ports"), 0, G_MAXINT32, -1,
                          &def->ports, error))
            return NULL;
    }
    if (def->type == VMM_CONTROLLER_TYPE_VIRTIO_SERIAL &&
        !dev_int_attr(node, "vectors", _("controller vectors"), 0, G_MAXINT32, -1,
                      &def->vectors, error))
        return NULL;
    if (def->type == VMM_CONTROLLER_TYPE_PCI && !controller_pci_parse(node, def, error))
        return NULL;
    if (!dev_info_parse(node, &def->info, FALSE, error))
        return NULL;
    if (def->info.master_startport >= 0 && def->type != VMM_CONTROLLER_TYPE_USB) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("master is only valid for usb controllers, not '%s'"), type);
        return NULL;
    }
    return g_steal_pointer(&def);
}

static gboolean
controller_is_companion(const VmmDomainControllerDef *c)
{
    return c->info.master_startport >= 0;
}

static gboolean
controller_index_used(GPtrArray *controllers, VmmControllerType type, int index)
{
    for (guint i = 0; i < controllers->len; i++) {
        const VmmDomainControllerDef *c = controllers->pdata[i];
        if (c->type == type && c->index == index && !controller_is_companion(c))
            return TRUE;
    }
    return FALSE;
}

/*
 * Controllers without index= take the lowest free index of their type; USB
 * companion controllers (those with <master>) share the index of the
 * controller they follow, as virt-install's ich9 ehci+uhci sets expect.
 */
void
dev_controllers_post_parse(GPtrArray *controllers)
{
    int last_usb = 0;

    for (guint i = 0; i < controllers->len; i++) {
        VmmDomainControllerDef *c = controllers->pdata[i];

        if (c->index < 0) {
            if (controller_is_companion(c)) {
                c->index = last_usb;
            } else {
                int idx = 0;
                while (controller_index_used(controllers, c->type, idx))
                    idx++;
                c->index = idx;
            }
        }
        if (c->type == VMM_CONTROLLER_TYPE_USB && !controller_is_companion(c))
            last_usb = c->index;
    }
}

gboolean
dev_controllers_validate(GPtrArray *controllers, GError **error)
{
    for (guint i = 0; controllers && i < controllers->len; i++) {
        const VmmDomainControllerDef *a = controllers->pdata[i];

        if (controller_is_companion(a))
            continue;
        for (guint j = 0; j < i; j++) {
            const VmmDomainControllerDef *b = controllers->pdata[j];
            if (b->type == a->type && b->index == a->index && !controller_is_companion(b)) {
                vmm_error_set(error, VMM_ERR_XML_ERROR,
                              _("multiple '%s' controllers with index '%d'"),
                              vmm_controller_type_to_string(a->type), a->index);
                return FALSE;
            }
        }
    }
    return TRUE;
}

void
dev_controller_format(GString *buf, int indent, const VmmDomainControllerDef *def,
                      unsigned int flags)
{
    g_autoptr(GString) body = g_string_new(NULL);
    int in = indent + 2;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<controller");
    dev_buf_enum(buf, "type", controller_types, def->type);
    dev_buf_int(buf, "index", def->index);
    vmm_buf_attr(buf, "model", def->model);
    dev_buf_int(buf, "ports", def->ports);
    dev_buf_int(buf, "vectors", def->vectors);

    if (def->pci_model_name) {
        vmm_buf_indent(body, in);
        g_string_append(body, "<model");
        vmm_buf_attr(body, "name", def->pci_model_name);
        g_string_append(body, "/>\n");
    }
    if (def->chassis_nr >= 0 || def->chassis >= 0 || def->target_port >= 0 ||
        def->bus_nr >= 0) {
        vmm_buf_indent(body, in);
        g_string_append(body, "<target");
        dev_buf_int(body, "chassisNr", def->chassis_nr);
        dev_buf_int(body, "chassis", def->chassis);
        if (def->target_port >= 0)
            g_string_append_printf(body, " port='0x%x'", def->target_port);
        dev_buf_int(body, "busNr", def->bus_nr);
        g_string_append(body, "/>\n");
    }
    dev_info_format(body, in, &def->info, flags);
    dev_buf_close(buf, indent, "controller", body);
}

void
dev_controller_free(VmmDomainControllerDef *def)
{
    if (!def)
        return;
    g_free(def->model);
    g_free(def->pci_model_name);
    dev_info_clear(&def->info);
    g_free(def);
}

/* ---- hostdev ---- */

static const char *const hostdev_types[] = { "usb", "pci", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(hostdev_types) == VMM_HOSTDEV_TYPE_LAST + 1);

const char *
vmm_hostdev_type_to_string(VmmHostdevType v)
{
    return vmm_enum_to_string(hostdev_types, v);
}

static gboolean
hostdev_usb_source_parse(const xmlNode *src, VmmDomainHostdevDef *def, GError **error)
{
    xmlNode *c;

    if ((c = dev_child(src, "vendor")) &&
        !dev_int_attr(c, "id", _("USB vendor id"), 0, 0xffff, -1, &def->usb_vendor, error))
        return FALSE;
    if ((c = dev_child(src, "product")) &&
        !dev_int_attr(c, "id", _("USB product id"), 0, 0xffff, -1, &def->usb_product,
                      error))
        return FALSE;
    if ((c = dev_child(src, "address")) &&
        (!dev_int_attr(c, "bus", _("USB source bus"), 0, G_MAXINT32, -1, &def->usb_bus,
                       error) ||
         !dev_int_attr(c, "device", _("USB source device"), 0, G_MAXINT32, -1,
                       &def->usb_device, error)))
        return FALSE;
    if ((def->usb_vendor < 0) != (def->usb_product < 0)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("USB hostdev source needs both vendor and product ids"));
        return FALSE;
    }
    if (def->usb_vendor < 0 && (def->usb_bus < 0 || def->usb_device < 0)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("USB hostdev source needs vendor and product ids or a bus and device address"));
        return FALSE;
    }
    return TRUE;
}

VmmDomainHostdevDef *
dev_hostdev_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainHostdevDef) def = g_new0(VmmDomainHostdevDef, 1);
    g_autofree char *type = vmm_xml_prop(node, "type");
    xmlNode *src, *c;
    int v;

    def->usb_vendor = def->usb_product = def->usb_bus = def->usb_device = -1;
    def->mode = vmm_xml_prop(node, "mode");
    if (!def->mode)
        def->mode = g_strdup("subsystem");
    if (!dev_check_enum(def->mode, (const char *const[]){ "subsystem", NULL },
                        _("hostdev mode"), error))
        return NULL;
    if (!type) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing type for hostdev"));
        return NULL;
    }
    if (!vmm_xml_enum(type, hostdev_types, _("hostdev type"), 0, &v, error))
        return NULL;
    def->type = v;
    if (!dev_tristate_attr(node, "managed", _("hostdev managed"), &def->managed, error))
        return NULL;
    if ((c = dev_child(node, "driver"))) {
        def->driver_name = vmm_xml_prop(c, "name");
        if (!dev_check_enum(def->driver_name,
                            (const char *const[]){ "default", "kvm", "vfio", "xen", NULL },
                            _("hostdev driver name"), error))
            return NULL;
    }

    src = dev_child(node, "source");
    if (def->type == VMM_HOSTDEV_TYPE_PCI) {
        if (!src || !(c = dev_child(src, "address"))) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing PCI source address for hostdev"));
            return NULL;
        }
        if (!dev_pci_fields_parse(c, &def->src_domain, &def->src_bus, &def->src_slot,
                                  &def->src_function, error))
            return NULL;
    } else {
        if (!src) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing source for USB hostdev"));
            return NULL;
        }
        if (!hostdev_usb_source_parse(src, def, error))
            return NULL;
    }
    if (!dev_info_parse(node, &def->info, TRUE, error))
        return NULL;
    return g_steal_pointer(&def);
}

void
dev_hostdev_format(GString *buf, int indent, const VmmDomainHostdevDef *def,
                   unsigned int flags)
{
    int in = indent + 2;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<hostdev");
    vmm_buf_attr(buf, "mode", def->mode);
    dev_buf_enum(buf, "type", hostdev_types, def->type);
    vmm_buf_attr(buf, "managed", vmm_tristate_yesno(def->managed));
    g_string_append(buf, ">\n");
    if (def->driver_name) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<driver");
        vmm_buf_attr(buf, "name", def->driver_name);
        g_string_append(buf, "/>\n");
    }
    vmm_buf_indent(buf, in);
    g_string_append(buf, "<source>\n");
    if (def->type == VMM_HOSTDEV_TYPE_PCI) {
        vmm_buf_indent(buf, in + 2);
        g_string_append(buf, "<address");
        dev_pci_fields_format(buf, def->src_domain, def->src_bus, def->src_slot,
                              def->src_function);
        g_string_append(buf, "/>\n");
    } else {
        if (def->usb_vendor >= 0) {
            vmm_buf_indent(buf, in + 2);
            g_string_append_printf(buf, "<vendor id='0x%04x'/>\n", def->usb_vendor);
            vmm_buf_indent(buf, in + 2);
            g_string_append_printf(buf, "<product id='0x%04x'/>\n", def->usb_product);
        }
        if (def->usb_bus >= 0) {
            vmm_buf_indent(buf, in + 2);
            g_string_append_printf(buf, "<address bus='%d' device='%d'/>\n", def->usb_bus,
                                   def->usb_device);
        }
    }
    vmm_buf_indent(buf, in);
    g_string_append(buf, "</source>\n");
    dev_info_format(buf, in, &def->info, flags);
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</hostdev>\n");
}

void
dev_hostdev_free(VmmDomainHostdevDef *def)
{
    if (!def)
        return;
    g_free(def->mode);
    g_free(def->driver_name);
    dev_info_clear(&def->info);
    g_free(def);
}
