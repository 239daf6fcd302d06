/*
 * domain_device.c: the <devices> of a domain: dispatch of each device
 * element to its kind, defaults, whole-list checks, and formatting in
 * libvirt's order.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_device_priv.h"
#include "conf/domain_def.h"

#include <string.h>

static const char *const device_kinds[] = {
    "disk", "controller", "interface", "chr", "graphics", "video", "input", "sound",
    "audio", "memballoon", "rng", "watchdog", "tpm", "redirdev", "hostdev", "filesystem",
    "panic", "vsock", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(device_kinds) == VMM_DOMAIN_DEVICE_LAST + 1);

const char *
vmm_domain_device_kind_to_string(VmmDomainDeviceKind kind)
{
    return vmm_enum_to_string(device_kinds, kind);
}

typedef gpointer (*DevParseFunc)(const xmlNode *node, GError **error);
typedef void (*DevFormatFunc)(GString *buf, int indent, gconstpointer def,
                              unsigned int flags);

/* Where each element goes; the list field is found by offset so that one
 * loop handles every kind. */
static const struct {
    const char *element;
    DevParseFunc parse;
    GDestroyNotify free_func;
    DevFormatFunc format;
    size_t list;
} device_table[] = {
#define DEV(el, kind, field) \
    { el, (DevParseFunc)dev_##kind##_parse, (GDestroyNotify)dev_##kind##_free, \
      (DevFormatFunc)dev_##kind##_format, G_STRUCT_OFFSET(VmmDomainDevices, field) }
    DEV("disk", disk, disks),
    DEV("controller", controller, controllers),
    DEV("interface", net, interfaces),
    DEV("graphics", graphics, graphics),
    DEV("video", video, videos),
    DEV("input", input, inputs),
    DEV("sound", sound, sounds),
    DEV("audio", audio, audios),
    DEV("memballoon", memballoon, memballoons),
    DEV("rng", rng, rngs),
    DEV("watchdog", watchdog, watchdogs),
    DEV("tpm", tpm, tpms),
    DEV("redirdev", redirdev, redirdevs),
    DEV("hostdev", hostdev, hostdevs),
    DEV("filesystem", fs, filesystems),
    DEV("panic", panic, panics),
    DEV("vsock", vsock, vsocks),
#undef DEV
};

static GPtrArray **
devs_list(VmmDomainDevices *devs, size_t offset)
{
    return G_STRUCT_MEMBER_P(devs, offset);
}

static void
devs_init(VmmDomainDevices *devs)
{
    for (size_t i = 0; i < G_N_ELEMENTS(device_table); i++) {
        GPtrArray **list = devs_list(devs, device_table[i].list);
        if (!*list)
            *list = g_ptr_array_new_with_free_func(device_table[i].free_func);
    }
    if (!devs->chardevs)
        devs->chardevs = g_ptr_array_new_with_free_func((GDestroyNotify)dev_chr_free);
}

gboolean
vmm_domain_devices_parse(xmlXPathContext *ctxt, VmmDomainDevices *devs, GError **error)
{
    devs_init(devs);
    for (xmlNode *c = ctxt->node->children; c; c = c->next) {
        const char *name = (const char *)c->name;
        gpointer dev;
        int chr;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp(name, "emulator") == 0) {
            xmlChar *txt = xmlNodeGetContent(c);
            g_free(devs->emulator);
            devs->emulator = txt && *txt ? g_strdup((const char *)txt) : NULL;
            xmlFree(txt);
            continue;
        }
        chr = vmm_enum_from_string((const char *const[]){ "serial", "parallel", "console",
                                                          "channel", NULL }, name);
        if (chr >= 0) {
            if (!(dev = dev_chr_parse(c, chr, error)))
                return FALSE;
            g_ptr_array_add(devs->chardevs, dev);
            continue;
        }
        for (size_t i = 0; i < G_N_ELEMENTS(device_table); i++) {
            if (strcmp(name, device_table[i].element) != 0)
                continue;
            if (!(dev = device_table[i].parse(c, error)))
                return FALSE;
            g_ptr_array_add(*devs_list(devs, device_table[i].list), dev);
            break;
        }
        /* Other device kinds (lease, smartcard, shmem...) are not modelled
         * yet and are dropped, as an older libvirt would. */
    }
    return TRUE;
}

gboolean
vmm_domain_devices_post_parse(VmmDomainDevices *devs, const char *virt_type,
                              const char *arch, const char *machine, GError **error)
{
    devs_init(devs);
    for (guint i = 0; i < devs->interfaces->len; i++) {
        VmmDomainNetDef *net = devs->interfaces->pdata[i];
        if (!net->mac_set) {
            vmm_mac_generate(net->mac);
            net->mac_set = TRUE;
        }
    }
    for (guint i = 0; i < devs->disks->len; i++)
        dev_disk_post_parse(devs->disks->pdata[i]);
    dev_controllers_post_parse(devs->controllers);
    dev_chrs_post_parse(devs->chardevs);
    dev_misc_post_parse(devs, arch);
    return TRUE;
}

/* Call @fn on the info of every device. */
static void
devs_foreach_info(const VmmDomainDevices *devs,
                  void (*fn)(const VmmDeviceInfo *info, const char *kind, gpointer data),
                  gpointer data)
{
#define EACH(list, type, kind) \
    for (guint i = 0; devs->list && i < devs->list->len; i++) \
        fn(&((const type *)devs->list->pdata[i])->info, kind, data)
    EACH(disks, VmmDomainDiskDef, "disk");
    EACH(controllers, VmmDomainControllerDef, "controller");
    EACH(interfaces, VmmDomainNetDef, "interface");
    EACH(chardevs, VmmDomainChrDef, "chardev");
    EACH(videos, VmmDomainVideoDef, "video");
    EACH(inputs, VmmDomainInputDef, "input");
    EACH(sounds, VmmDomainSoundDef, "sound");
    EACH(memballoons, VmmDomainMemballoonDef, "memballoon");
    EACH(rngs, VmmDomainRngDef, "rng");
    EACH(watchdogs, VmmDomainWatchdogDef, "watchdog");
    EACH(tpms, VmmDomainTpmDef, "tpm");
    EACH(redirdevs, VmmDomainRedirdevDef, "redirdev");
    EACH(hostdevs, VmmDomainHostdevDef, "hostdev");
    EACH(filesystems, VmmDomainFsDef, "filesystem");
    EACH(panics, VmmDomainPanicDef, "panic");
    EACH(vsocks, VmmDomainVsockDef, "vsock");
#undef EACH
}

static void
info_has_boot(const VmmDeviceInfo *info, const char *kind, gpointer data)
{
    if (info->boot_order > 0)
        *(gboolean *)data = TRUE;
}

gboolean
vmm_domain_devices_have_boot_order(const VmmDomainDevices *devs)
{
    gboolean found = FALSE;

    devs_foreach_info(devs, info_has_boot, &found);
    return found;
}

typedef struct {
    GHashTable *aliases;
    GHashTable *boots;
    GHashTable *pci;
    GError *error;
} InfoCheck;

static void
info_check(const VmmDeviceInfo *info, const char *kind, gpointer data)
{
    InfoCheck *st = data;

    if (st->error)
        return;
    if (info->alias && !g_hash_table_add(st->aliases, info->alias)) {
        vmm_error_set(&st->error, VMM_ERR_XML_ERROR, _("non unique alias detected: %s"),
                      info->alias);
        return;
    }
    if (info->boot_order > 0 &&
        !g_hash_table_add(st->boots, GINT_TO_POINTER(info->boot_order))) {
        vmm_error_set(&st->error, VMM_ERR_XML_ERROR,
                      _("boot order '%d' used for more than one device"), info->boot_order);
        return;
    }
    if (info->addr.type == VMM_DEVICE_ADDRESS_PCI) {
        const VmmDeviceAddress *a = &info->addr;
        char *key = g_strdup_printf("%04x:%02x:%02x.%x", a->domain, a->bus, a->slot,
                                    a->function);
        if (!g_hash_table_add(st->pci, key)) {
            vmm_error_set(&st->error, VMM_ERR_XML_ERROR,
                          _("PCI address %s of %s is used by more than one device"),
                          key, kind);
        }
    }
}

gboolean
vmm_domain_devices_validate(const VmmDomainDevices *devs, GError **error)
{
    InfoCheck st = { 0 };

    if (!dev_disks_validate(devs->disks, error) ||
        !dev_controllers_validate(devs->controllers, error) ||
        !dev_fss_validate(devs->filesystems, error))
        return FALSE;
    for (guint i = 0; devs->hostdevs && i < devs->hostdevs->len; i++) {
        const VmmDomainHostdevDef *a = devs->hostdevs->pdata[i];

        for (guint j = 0; a->type == VMM_HOSTDEV_TYPE_PCI && j < i; j++) {
            const VmmDomainHostdevDef *b = devs->hostdevs->pdata[j];
            if (b->type == a->type && a->src_domain == b->src_domain &&
                a->src_bus == b->src_bus && a->src_slot == b->src_slot &&
                a->src_function == b->src_function) {
                vmm_error_set(error, VMM_ERR_XML_ERROR,
                              _("PCI host device %04x:%02x:%02x.%x is assigned twice"),
                              a->src_domain, a->src_bus, a->src_slot, a->src_function);
                return FALSE;
            }
        }
    }
    if (devs->vsocks && devs->vsocks->len > 1) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                      _("only one vsock device is supported, not %u"), devs->vsocks->len);
        return FALSE;
    }

    st.aliases = g_hash_table_new(g_str_hash, g_str_equal);
    st.boots = g_hash_table_new(NULL, NULL);
    st.pci = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    devs_foreach_info(devs, info_check, &st);
    g_hash_table_unref(st.aliases);
    g_hash_table_unref(st.boots);
    g_hash_table_unref(st.pci);
    if (st.error) {
        g_propagate_error(error, st.error);
        return FALSE;
    }
    return TRUE;
}

typedef void (*DevFormatFunc)(GString *buf, int indent, gconstpointer def,
                              unsigned int flags);

static void
format_list(GString *buf, int indent, GPtrArray *list, DevFormatFunc fn, unsigned int flags)
{
    for (guint i = 0; list && i < list->len; i++)
        fn(buf, indent, list->pdata[i], flags);
}

static void
format_chrs(GString *buf, int indent, GPtrArray *list, VmmChrDeviceType devtype,
            unsigned int flags)
{
    for (guint i = 0; list && i < list->len; i++) {
        const VmmDomainChrDef *chr = list->pdata[i];
        if (chr->devtype == devtype)
            dev_chr_format(buf, indent, chr, flags);
    }
}

void
vmm_domain_devices_format(GString *buf, int indent, const VmmDomainDevices *devs,
                          unsigned int flags)
{
    int in = indent + 2;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<devices>\n");
    vmm_buf_text_elem(buf, in, "emulator", devs->emulator);
#define LIST(field, kind) \
    format_list(buf, in, devs->field, (DevFormatFunc)dev_##kind##_format, flags)
    /* libvirt's order: kinds grouped, document order within a kind. */
    LIST(disks, disk);
    LIST(controllers, controller);
    LIST(filesystems, fs);
    LIST(interfaces, net);
    format_chrs(buf, in, devs->chardevs, VMM_CHR_DEVICE_SERIAL, flags);
    format_chrs(buf, in, devs->chardevs, VMM_CHR_DEVICE_PARALLEL, flags);
    format_chrs(buf, in, devs->chardevs, VMM_CHR_DEVICE_CONSOLE, flags);
    format_chrs(buf, in, devs->chardevs, VMM_CHR_DEVICE_CHANNEL, flags);
    LIST(inputs, input);
    LIST(tpms, tpm);
    LIST(graphics, graphics);
    LIST(sounds, sound);
    LIST(audios, audio);
    LIST(videos, video);
    LIST(hostdevs, hostdev);
    LIST(redirdevs, redirdev);
    LIST(watchdogs, watchdog);
    LIST(memballoons, memballoon);
    LIST(rngs, rng);
    LIST(panics, panic);
    LIST(vsocks, vsock);
#undef LIST
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</devices>\n");
}

void
vmm_domain_devices_clear(VmmDomainDevices *devs)
{
    g_clear_pointer(&devs->emulator, g_free);
    for (size_t i = 0; i < G_N_ELEMENTS(device_table); i++)
        g_clear_pointer(devs_list(devs, device_table[i].list), g_ptr_array_unref);
    g_clear_pointer(&devs->chardevs, g_ptr_array_unref);
}

int
vmm_domain_devices_find_disk(const VmmDomainDevices *devs, const char *name)
{
    for (guint i = 0; devs->disks && i < devs->disks->len; i++) {
        const VmmDomainDiskDef *disk = devs->disks->pdata[i];

        if (g_strcmp0(disk->dst, name) == 0 || g_strcmp0(disk->src_path, name) == 0)
            return (int)i;
    }
    return -1;
}

int
vmm_domain_devices_find_net(const VmmDomainDevices *devs, const char *device)
{
    unsigned char mac[VMM_MAC_BUFLEN];
    gboolean is_mac = vmm_mac_parse(device, mac);

    for (guint i = 0; devs->interfaces && i < devs->interfaces->len; i++) {
        const VmmDomainNetDef *net = devs->interfaces->pdata[i];

        if (g_strcmp0(net->target_dev, device) == 0 ||
            (is_mac && memcmp(net->mac, mac, VMM_MAC_BUFLEN) == 0))
            return (int)i;
    }
    return -1;
}

/* ------------------------------------------------------------------ */
/* One device at a time                                                */

/* The row of @kind in device_table, or NULL (chardevs). */
static const typeof(device_table[0]) *
kind_row(VmmDomainDeviceKind kind)
{
    const char *el = vmm_domain_device_kind_to_string(kind);

    for (size_t i = 0; el && i < G_N_ELEMENTS(device_table); i++) {
        if (strcmp(device_table[i].element, el) == 0)
            return &device_table[i];
    }
    return NULL;
}

gpointer
vmm_domain_device_parse(const char *xml, VmmDomainDeviceKind *kind, GError **error)
{
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autofree char *wrapped = NULL;
    const char *p = xml;
    xmlNode *node = NULL;
    int k;

    /* The element goes inside <devices>: skip an XML declaration. */
    while (g_ascii_isspace(*p))
        p++;
    if (g_str_has_prefix(p, "<?xml") && (p = strstr(p, "?>")))
        p += 2;
    else if (!p)
        p = xml;
    wrapped = g_strdup_printf("<devices>%s</devices>", p);
    if (!(doc = vmm_xml_parse(wrapped, "(device)", "devices", &ctxt, error)))
        return NULL;
    for (xmlNode *c = xmlDocGetRootElement(doc)->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        if (node) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, "%s",
                          _("expected one device element, found several"));
            return NULL;
        }
        node = c;
    }
    if (!node) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, "%s", _("no device element found"));
        return NULL;
    }
    k = vmm_enum_from_string(device_kinds, (const char *)node->name);
    if (k < 0 || !kind_row(k)) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                      _("unsupported configuration: unknown or unsupported device type '%s'"),
                      (const char *)node->name);
        return NULL;
    }
    *kind = k;
    return kind_row(k)->parse(node, error);
}

void
vmm_domain_device_free(VmmDomainDeviceKind kind, gpointer dev)
{
    if (dev && kind_row(kind))
        kind_row(kind)->free_func(dev);
}

static char *device_xml(VmmDomainDeviceKind kind, gconstpointer dev);

char *
vmm_domain_device_xml_fixed(const char *xml, GError **error)
{
    VmmDomainDeviceKind kind;
    gpointer dev = vmm_domain_device_parse(xml, &kind, error);
    char *ret;

    if (!dev)
        return NULL;
    if (kind == VMM_DOMAIN_DEVICE_INTERFACE && !((VmmDomainNetDef *)dev)->mac_set) {
        vmm_mac_generate(((VmmDomainNetDef *)dev)->mac);
        ((VmmDomainNetDef *)dev)->mac_set = TRUE;
        ret = device_xml(kind, dev);
    } else {
        ret = g_strdup(xml);
    }
    vmm_domain_device_free(kind, dev);
    return ret;
}

GPtrArray *
vmm_domain_devices_list(const VmmDomainDevices *devs, VmmDomainDeviceKind kind)
{
    const typeof(device_table[0]) *row = kind_row(kind);

    return row ? *devs_list((VmmDomainDevices *)devs, row->list) : NULL;
}

VmmDeviceInfo *
vmm_domain_device_info(VmmDomainDeviceKind kind, gpointer dev)
{
    switch (kind) {
#define INFO(k, type) case k: return &((type *)dev)->info
    INFO(VMM_DOMAIN_DEVICE_DISK, VmmDomainDiskDef);
    INFO(VMM_DOMAIN_DEVICE_CONTROLLER, VmmDomainControllerDef);
    INFO(VMM_DOMAIN_DEVICE_INTERFACE, VmmDomainNetDef);
    INFO(VMM_DOMAIN_DEVICE_CHR, VmmDomainChrDef);
    INFO(VMM_DOMAIN_DEVICE_VIDEO, VmmDomainVideoDef);
    INFO(VMM_DOMAIN_DEVICE_INPUT, VmmDomainInputDef);
    INFO(VMM_DOMAIN_DEVICE_SOUND, VmmDomainSoundDef);
    INFO(VMM_DOMAIN_DEVICE_MEMBALLOON, VmmDomainMemballoonDef);
    INFO(VMM_DOMAIN_DEVICE_RNG, VmmDomainRngDef);
    INFO(VMM_DOMAIN_DEVICE_WATCHDOG, VmmDomainWatchdogDef);
    INFO(VMM_DOMAIN_DEVICE_TPM, VmmDomainTpmDef);
    INFO(VMM_DOMAIN_DEVICE_REDIRDEV, VmmDomainRedirdevDef);
    INFO(VMM_DOMAIN_DEVICE_HOSTDEV, VmmDomainHostdevDef);
    INFO(VMM_DOMAIN_DEVICE_FILESYSTEM, VmmDomainFsDef);
    INFO(VMM_DOMAIN_DEVICE_PANIC, VmmDomainPanicDef);
    INFO(VMM_DOMAIN_DEVICE_VSOCK, VmmDomainVsockDef);
#undef INFO
    default:
        return NULL;
    }
}

void
vmm_domain_device_drop_system_alias(VmmDomainDeviceKind kind, gpointer dev)
{
    VmmDeviceInfo *info = vmm_domain_device_info(kind, dev);

    if (info && info->alias && !g_str_has_prefix(info->alias, "ua-"))
        g_clear_pointer(&info->alias, g_free);
}

gboolean
vmm_domain_devices_add(VmmDomainDevices *devs, VmmDomainDeviceKind kind, gpointer dev,
                       const char *virt_type, const char *arch, const char *machine,
                       GError **error)
{
    devs_init(devs);
    g_ptr_array_add(vmm_domain_devices_list(devs, kind), dev);
    return vmm_domain_devices_post_parse(devs, virt_type, arch, machine, error) &&
           vmm_domain_devices_validate(devs, error);
}

int
vmm_domain_devices_find_alias(const VmmDomainDevices *devs, VmmDomainDeviceKind kind,
                              const char *alias)
{
    GPtrArray *list = vmm_domain_devices_list(devs, kind);

    for (guint i = 0; alias && list && i < list->len; i++) {
        const VmmDeviceInfo *info = vmm_domain_device_info(kind, list->pdata[i]);

        if (g_strcmp0(info->alias, alias) == 0)
            return (int)i;
    }
    return -1;
}

static char *
device_xml(VmmDomainDeviceKind kind, gconstpointer dev)
{
    GString *buf = g_string_new(NULL);

    kind_row(kind)->format(buf, 0, dev, VMM_DOMAIN_DEF_FORMAT_INACTIVE |
                           VMM_DOMAIN_DEF_FORMAT_SECURE);
    return g_string_free(buf, FALSE);
}

int
vmm_domain_devices_find(const VmmDomainDevices *devs, VmmDomainDeviceKind kind,
                        gconstpointer dev, GError **error)
{
    GPtrArray *list = vmm_domain_devices_list(devs, kind);
    const VmmDeviceInfo *want = vmm_domain_device_info(kind, (gpointer)dev);
    g_autofree char *xml = NULL;
    int found = -1;

    /* Disks by target and NICs by MAC first: what virsh sends is the live
     * XML of the device, whose alias the persistent definition lacks. */
    if (kind == VMM_DOMAIN_DEVICE_DISK) {
        const VmmDomainDiskDef *disk = dev;

        for (guint i = 0; disk->dst && list && i < list->len && found < 0; i++) {
            if (g_strcmp0(((VmmDomainDiskDef *)list->pdata[i])->dst, disk->dst) == 0)
                found = (int)i;
        }
        if (found < 0) {
            vmm_error_set(error, VMM_ERR_DEVICE_MISSING, _("no target device %s"),
                          disk->dst ? disk->dst : "");
            return -1;
        }
        return found;
    } else if (kind == VMM_DOMAIN_DEVICE_INTERFACE) {
        const VmmDomainNetDef *net = dev;
        char mac[VMM_MAC_STRING_BUFLEN];
        guint n = 0;

        if (!net->mac_set && want->alias &&
            (found = vmm_domain_devices_find_alias(devs, kind, want->alias)) >= 0)
            return found;
        for (guint i = 0; list && i < list->len; i++) {
            const VmmDomainNetDef *cand = list->pdata[i];

            if (net->mac_set && memcmp(cand->mac, net->mac, VMM_MAC_BUFLEN) != 0)
                continue;
            if (found < 0)
                found = (int)i;
            n++;
        }
        if (n > 1) {
            vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                          net->mac_set ? _("multiple devices matching MAC address %s found")
                                       : _("multiple interfaces found%s; give the MAC address"),
                          net->mac_set ? vmm_mac_format(net->mac, mac) : "");
            return -1;
        }
        if (found < 0) {
            if (net->mac_set)
                vmm_error_set(error, VMM_ERR_DEVICE_MISSING,
                              _("no device matching MAC address %s found"),
                              vmm_mac_format(net->mac, mac));
            else
                vmm_error_set(error, VMM_ERR_DEVICE_MISSING, "%s",
                              _("no interface to detach"));
        }
        return found;
    } else if (want->alias &&
               (found = vmm_domain_devices_find_alias(devs, kind, want->alias)) >= 0) {
        return found;
    } else {
        xml = device_xml(kind, dev);
        for (guint i = 0; list && i < list->len && found < 0; i++) {
            g_autofree char *other = device_xml(kind, list->pdata[i]);

            if (g_str_equal(xml, other))
                found = (int)i;
        }
    }
    if (found < 0)
        vmm_error_set(error, VMM_ERR_DEVICE_MISSING, _("matching %s device not found%s%s"),
                      vmm_domain_device_kind_to_string(kind), want->alias ? ": alias " : "",
                      want->alias ? want->alias : "");
    return found;
}
