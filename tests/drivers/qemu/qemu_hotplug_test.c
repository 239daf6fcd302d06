/*
 * qemu_hotplug_test.c: device XML -> QMP arguments of a hotplug
 * (vmm_qemu_build_hotplug(), vmm_qemu_props_to_json()).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every tests/drivers/qemu/data/hotplug/CASE.xml is one device element,
 * attached to a small running domain (pc machine, a virtio disk vda, a
 * SCSI controller and one NIC, slots 0-4 in use).  It gives exactly the
 * QMP commands of CASE.qmp, one "command {json}" per line, or, for CASE
 * ending in "-unsupported", the error of CASE.err.  Uses the committed
 * capabilities of QEMU 7.2; VMM_REGENERATE=1 rewrites the golden files.
 */
#include <string.h>

#include "testutils.h"
#include "qemutest.h"
#include "conf/domain_obj.h"
#include "drivers/qemu/qemu_command.h"
#include "util/vmm_error.h"

static const char base_xml[] =
    "<domain type='qemu'>\n"
    "  <name>hp</name>\n"
    "  <uuid>c7a5fdbd-edaf-9455-926a-d65c16db1809</uuid>\n"
    "  <memory unit='MiB'>128</memory>\n"
    "  <os><type arch='x86_64' machine='pc'>hvm</type></os>\n"
    "  <devices>\n"
    "    <disk type='file' device='disk'>\n"
    "      <source file='/var/lib/vmm/images/root.img'/>\n"
    "      <target dev='vda' bus='virtio'/>\n"
    "      <alias name='virtio-disk0'/>\n"
    "    </disk>\n"
    "    <controller type='scsi' index='0' model='virtio-scsi'/>\n"
    "    <interface type='user'>\n"
    "      <mac address='52:54:00:00:00:01'/>\n"
    "      <model type='virtio'/>\n"
    "      <alias name='net0'/>\n"
    "    </interface>\n"
    "  </devices>\n"
    "</domain>\n";

static char *caps_xml;

static void
test_case(gconstpointer data)
{
    const char *name = data;
    g_autofree char *dir = test_data_path("drivers/qemu/data/hotplug");
    g_autofree char *in = g_strdup_printf("%s/%s.xml", dir, name);
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) def = NULL;
    g_autoptr(VmmQemuCaps) caps = NULL;
    g_autoptr(VmmQemuHotplug) hp = NULL;
    g_autoptr(GString) out = g_string_new(NULL);
    VmmDomainDeviceKind kind;
    gpointer dev;

    caps = vmm_qemu_caps_parse_xml(caps_xml, "x86_64.xml", &err);
    g_assert_no_error(err);
    def = vmm_domain_def_parse_string(base_xml, "base", 0, &err);
    g_assert_no_error(err);
    g_assert_true(g_file_get_contents(in, &xml, NULL, NULL));
    dev = vmm_domain_device_parse(xml, &kind, &err);
    g_assert_no_error(err);
    g_assert_true(vmm_domain_def_attach_device(def, kind, dev, &err));
    g_assert_no_error(err);
    /* Slots 0-4 used: host bridge, PIIX3, VGA, vda, the SCSI controller. */
    hp = vmm_qemu_build_hotplug(def, caps, kind, dev, 5, 0x1f,
                                kind == VMM_DOMAIN_DEVICE_INTERFACE &&
                                ((VmmDomainNetDef *)dev)->type == VMM_NET_TYPE_NETWORK ?
                                "vmm-tap5" : NULL,
                                FALSE, &err);
    if (g_str_has_suffix(name, "-unsupported")) {
        g_autofree char *errfile = g_strdup_printf("%s/%s.err", dir, name);
        g_autofree char *msg = NULL;

        g_assert_null(hp);
        g_assert_nonnull(err);
        msg = g_strdup_printf("%s\n", err->message);
        test_assert_golden(errfile, msg);
        return;
    }
    g_assert_no_error(err);
    for (guint i = 0; i < hp->blockdevs->len; i++) {
        g_autoptr(VmmJsonNode) j = vmm_qemu_props_to_json(hp->blockdevs->pdata[i], NULL);
        g_autofree char *s = vmm_json_node_format(j);

        g_string_append_printf(out, "blockdev-add %s\n", s);
    }
    if (hp->netdev) {
        g_autoptr(VmmJsonNode) j = vmm_qemu_props_to_json(hp->netdev, "type");
        g_autofree char *s = vmm_json_node_format(j);

        g_string_append_printf(out, "netdev_add %s\n", s);
    }
    {
        g_autoptr(VmmJsonNode) j = vmm_qemu_props_to_json(hp->device, "driver");
        g_autofree char *s = vmm_json_node_format(j);

        g_string_append_printf(out, "device_add %s\n", s);
    }
    g_string_append_printf(out, "# id %s, slot %d\n", hp->id, hp->slot);
    {
        g_autofree char *golden = g_strdup_printf("%s/%s.qmp", dir, name);

        test_assert_golden(golden, out->str);
    }
}

/* The conversion itself: escaped commas, nesting, types, a bare first word. */
static void
test_props_to_json(void)
{
    g_autoptr(VmmJsonNode) a = vmm_qemu_props_to_json(
        "driver=file,filename=/a,,b,,,node-name=n1,auto-read-only=on,cache.direct=off,"
        "cache.no-flush=on", NULL);
    g_autoptr(VmmJsonNode) b = vmm_qemu_props_to_json(
        "virtio-blk-pci,bus=pci.0,addr=0x5,drive=n2,id=virtio-disk1,bootindex=2,"
        "write-cache=on", "driver");
    g_autofree char *sa = vmm_json_node_format(a);
    g_autofree char *sb = vmm_json_node_format(b);

    g_assert_cmpstr(sa, ==, "{\"driver\":\"file\",\"filename\":\"/a,b,\",\"node-name\":\"n1\","
                    "\"auto-read-only\":true,\"cache\":{\"direct\":false,\"no-flush\":true}}");
    g_assert_cmpstr(sb, ==, "{\"driver\":\"virtio-blk-pci\",\"bus\":\"pci.0\",\"addr\":\"0x5\","
                    "\"drive\":\"n2\",\"id\":\"virtio-disk1\",\"bootindex\":2,"
                    "\"write-cache\":\"on\"}");
}

/* Finding what to detach: disks by target, NICs by MAC, aliases. */
static void
test_find(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) def = vmm_domain_def_parse_string(base_xml, "base", 0, &err);
    VmmDomainDeviceKind kind;
    gpointer dev;

    g_assert_no_error(err);
    dev = vmm_domain_device_parse("<disk type='file'><source file='/x'/>"
                                  "<target dev='vda'/><alias name='ua-other'/></disk>",
                                  &kind, &err);
    g_assert_no_error(err);
    g_assert_cmpint(vmm_domain_devices_find(&def->devices, kind, dev, &err), ==, 0);
    vmm_domain_device_free(kind, dev);

    dev = vmm_domain_device_parse("<interface type='user'><mac address='52:54:00:00:00:09'/>"
                                  "</interface>", &kind, &err);
    g_assert_cmpint(vmm_domain_devices_find(&def->devices, kind, dev, &err), ==, -1);
    g_assert_error(err, VMM_ERROR, VMM_ERR_DEVICE_MISSING);
    g_assert_nonnull(strstr(err->message, "52:54:00:00:00:09"));
    g_clear_error(&err);
    vmm_domain_device_free(kind, dev);

    /* Without a MAC, the only NIC. */
    dev = vmm_domain_device_parse("<interface type='user'/>", &kind, &err);
    g_assert_cmpint(vmm_domain_devices_find(&def->devices, kind, dev, &err), ==, 0);
    vmm_domain_device_free(kind, dev);

    g_assert_null(vmm_domain_device_parse("<disk/><disk/>", &kind, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_XML_ERROR);
    g_clear_error(&err);
    g_assert_null(vmm_domain_device_parse("<?xml version='1.0'?>\n<gizmo/>", &kind, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_CONFIG_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "'gizmo'"));
}

/* A NIC alias with a huge number (netN as the driver names NICs) cannot
 * push the hotplug number out of range: a clear error, no allocation by
 * it; device XML from the user keeps only "ua-" aliases. */
static void
test_net_number(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) def = vmm_domain_def_parse_string(base_xml, "base", 0, &err);
    g_autoptr(VmmQemuCaps) caps = vmm_qemu_caps_parse_xml(caps_xml, "x86_64.xml", &err);
    g_autoptr(VmmQemuHotplug) hp = NULL;
    VmmDomainNetDef *net0;
    VmmDomainDeviceKind kind;
    gpointer dev;
    guint n = 0;

    g_assert_no_error(err);
    net0 = def->devices.interfaces->pdata[0];
    g_assert_true(vmm_qemu_free_net_number(def, &n, &err));
    g_assert_cmpuint(n, ==, 1);
    g_free(net0->info.alias);
    net0->info.alias = g_strdup("net7");
    g_assert_true(vmm_qemu_free_net_number(def, &n, &err));
    g_assert_cmpuint(n, ==, 8);
    g_free(net0->info.alias);
    net0->info.alias = g_strdup_printf("net%u", G_MAXUINT - 1);
    g_assert_false(vmm_qemu_free_net_number(def, &n, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_FAILED);
    g_assert_nonnull(strstr(err->message, net0->info.alias));
    g_clear_error(&err);
    g_free(net0->info.alias);
    net0->info.alias = g_strdup("net65535");
    g_assert_false(vmm_qemu_free_net_number(def, &n, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    g_free(net0->info.alias);
    net0->info.alias = g_strdup("net65534");
    g_assert_true(vmm_qemu_free_net_number(def, &n, &err));
    g_assert_cmpuint(n, ==, 65535);

    dev = vmm_domain_device_parse("<interface type='user'><mac address='52:54:00:00:00:09'/>"
                                  "<boot order='1'/><alias name='net4294967294'/></interface>",
                                  &kind, &err);
    g_assert_no_error(err);
    vmm_domain_device_drop_system_alias(kind, dev);
    g_assert_null(((VmmDomainNetDef *)dev)->info.alias);
    g_assert_true(vmm_domain_def_attach_device(def, kind, dev, &err));
    g_assert_no_error(err);
    /* The number itself is refused by the builder too, never used as a size. */
    for (guint node = G_MAXUINT; node > VMM_QEMU_HOTPLUG_MAX_NUMBER; node = node / 2) {
        hp = vmm_qemu_build_hotplug(def, caps, kind, dev, node, 0x1f, NULL, FALSE, &err);
        g_assert_null(hp);
        g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_FAILED);
        g_clear_error(&err);
    }
    /* The highest allowed number builds, with the device's own bootindex. */
    hp = vmm_qemu_build_hotplug(def, caps, kind, dev, VMM_QEMU_HOTPLUG_MAX_NUMBER, 0x1f, NULL,
                                FALSE, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(hp->id, ==, "net65535");
    g_assert_nonnull(strstr(hp->device, "bootindex=1"));

    dev = vmm_domain_device_parse("<disk type='file'><source file='/x'/>"
                                  "<target dev='vdb'/><alias name='ua-mine'/></disk>",
                                  &kind, &err);
    g_assert_no_error(err);
    vmm_domain_device_drop_system_alias(kind, dev);
    g_assert_cmpstr(((VmmDomainDiskDef *)dev)->info.alias, ==, "ua-mine");
    vmm_domain_device_free(kind, dev);
}

int
main(int argc, char **argv)
{
    g_autofree char *caps_path = test_data_path("drivers/qemu/data/caps/x86_64.xml");
    g_autoptr(GPtrArray) names = NULL;

    g_test_init(&argc, &argv, NULL);
    g_assert_true(g_file_get_contents(caps_path, &caps_xml, NULL, NULL));
    names = qemutest_case_names("drivers/qemu/data/hotplug");
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path = g_strdup_printf("/qemu/hotplug/%s", (char *)names->pdata[i]);

        g_test_add_data_func(path, names->pdata[i], test_case);
    }
    g_test_add_func("/qemu/hotplug/props-to-json", test_props_to_json);
    g_test_add_func("/qemu/hotplug/find", test_find);
    g_test_add_func("/qemu/hotplug/net-number", test_net_number);
    return g_test_run();
}
