/*
 * domain_device_test.c: tests for src/conf/domain_device*.c that the
 * golden files can't express: generated MACs, whole-list checks (which no
 * schema can catch), format flags, and the device schema on its own.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "testutils.h"
#include "conf/domain_def.h"
#include "conf/domain_device.h"
#include "util/vmm_error.h"

#include <string.h>
#include <glib/gstdio.h>

/* Parse a <devices> fragment through all three steps. */
static gboolean
devices_parse(const char *xml, VmmDomainDevices *devs, GError **error)
{
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlDoc) doc = vmm_xml_parse(xml, "(devices)", "devices", &ctxt, error);

    if (!doc)
        return FALSE;
    return vmm_domain_devices_parse(ctxt, devs, error) &&
           vmm_domain_devices_post_parse(devs, "kvm", "x86_64", NULL, error) &&
           vmm_domain_devices_validate(devs, error);
}

static char *
devices_format(const VmmDomainDevices *devs, unsigned int flags)
{
    GString *buf = g_string_new(NULL);

    vmm_domain_devices_format(buf, 0, devs, flags);
    return g_string_free(buf, FALSE);
}

/* The whole parse must fail with exactly @message. */
static void
assert_rejected(const char *xml, const char *message)
{
    VmmDomainDevices devs = { 0 };
    g_autoptr(GError) err = NULL;

    g_assert_false(devices_parse(xml, &devs, &err));
    g_assert_nonnull(err);
    g_assert_cmpstr(err->message, ==, message);
    vmm_domain_devices_clear(&devs);
}

static void
test_mac_generated(void)
{
    const char *xml =
        "<devices>\n"
        "  <interface type='network'><source network='default'/></interface>\n"
        "  <interface type='user'/>\n"
        "</devices>\n";
    VmmDomainDevices devs = { 0 };
    VmmDomainDevices again = { 0 };
    g_autoptr(GError) err = NULL;
    g_autofree char *out = NULL;
    g_autofree char *out2 = NULL;
    VmmDomainNetDef *a, *b;

    g_assert_true(devices_parse(xml, &devs, &err));
    g_assert_no_error(err);
    g_assert_false(vmm_domain_devices_have_boot_order(&devs));
    g_assert_cmpuint(devs.interfaces->len, ==, 2);
    a = devs.interfaces->pdata[0];
    b = devs.interfaces->pdata[1];
    g_assert_true(a->mac_set && b->mac_set);
    g_assert_cmpmem(a->mac, 3, "\x52\x54\x00", 3);
    g_assert_cmpmem(b->mac, 3, "\x52\x54\x00", 3);
    g_assert_false(vmm_mac_is_multicast(a->mac));
    /* 24 random bits: two equal MACs would be a broken generator. */
    g_assert_true(memcmp(a->mac, b->mac, VMM_MAC_BUFLEN) != 0);

    /* Once written, a generated MAC stays. */
    out = devices_format(&devs, 0);
    g_assert_nonnull(strstr(out, "<mac address='52:54:00:"));
    g_assert_true(devices_parse(out, &again, &err));
    out2 = devices_format(&again, 0);
    g_assert_cmpstr(out, ==, out2);
    vmm_domain_devices_clear(&devs);
    vmm_domain_devices_clear(&again);
}

static void
test_duplicate_disk_target(void)
{
    assert_rejected("<devices>\n"
                    "  <disk type='file'><source file='/a.img'/><target dev='vda'/></disk>\n"
                    "  <disk type='block'><source dev='/dev/sdb'/>"
                    "<target dev='vda' bus='virtio'/></disk>\n"
                    "</devices>\n",
                    "XML error: target 'vda' duplicated for disk sources '/a.img' and '/dev/sdb'");
    assert_rejected("<devices>\n"
                    "  <disk type='file' device='cdrom'><target dev='hdc'/></disk>\n"
                    "  <disk type='file' device='cdrom'><target dev='hdc'/></disk>\n"
                    "</devices>\n",
                    "XML error: target 'hdc' duplicated for disk sources '<null>' and '<null>'");
}

static void
test_whole_list_checks(void)
{
    assert_rejected("<devices>\n"
                    "  <controller type='usb' index='0'/>\n"
                    "  <controller type='usb' index='0' model='qemu-xhci'/>\n"
                    "</devices>\n",
                    "XML error: multiple 'usb' controllers with index '0'");
    assert_rejected("<devices>\n"
                    "  <disk type='file'><source file='/a.img'/><target dev='vda'/>"
                    "<boot order='1'/></disk>\n"
                    "  <interface type='user'><mac address='52:54:00:00:00:01'/>"
                    "<boot order='1'/></interface>\n"
                    "</devices>\n",
                    "XML error: boot order '1' used for more than one device");
    assert_rejected("<devices>\n"
                    "  <video><model type='vga'/><alias name='ua-x'/></video>\n"
                    "  <memballoon model='virtio'><alias name='ua-x'/></memballoon>\n"
                    "</devices>\n",
                    "XML error: non unique alias detected: ua-x");
    assert_rejected("<devices>\n"
                    "  <video><model type='vga'/>"
                    "<address type='pci' bus='0x00' slot='0x02'/></video>\n"
                    "  <memballoon model='virtio'>"
                    "<address type='pci' domain='0x0000' bus='0x00' slot='0x02' "
                    "function='0x0'/></memballoon>\n"
                    "</devices>\n",
                    "XML error: PCI address 0000:00:02.0 of memballoon is used by more than one device");
    assert_rejected("<devices>\n"
                    "  <disk type='file' device='lun'><source file='/a.img'/>"
                    "<target dev='sda' bus='scsi'/></disk>\n"
                    "</devices>\n",
                    "XML error: disk device 'lun' is only valid for block or network disk sources, not 'file'");
    assert_rejected("<devices>\n"
                    "  <graphics type='vnc' listen='127.0.0.1'>"
                    "<listen type='address' address='0.0.0.0'/></graphics>\n"
                    "</devices>\n",
                    "XML error: graphics listen attribute '127.0.0.1' must match the address "
                    "of the first listen element (found '0.0.0.0')");
    assert_rejected("<devices>\n"
                    "  <interface type='bridge'><mac address='52:54:00:00:00:01'/></interface>\n"
                    "</devices>\n",
                    "XML error: missing source bridge for interface type 'bridge'");
    assert_rejected("<devices>\n"
                    "  <filesystem><source dir='/a'/><target dir='t'/></filesystem>\n"
                    "  <filesystem><source dir='/b'/><target dir='t'/></filesystem>\n"
                    "</devices>\n",
                    "XML error: filesystem target 't' specified twice");
    assert_rejected("<devices>\n"
                    "  <filesystem accessmode='mapped'><driver type='virtiofs'/>"
                    "<source dir='/a'/><target dir='t'/></filesystem>\n"
                    "</devices>\n",
                    "unsupported configuration: virtiofs supports only accessmode "
                    "'passthrough', not 'mapped'");
    assert_rejected("<devices>\n"
                    "  <hostdev type='pci'><source><address bus='0x06' slot='0x02'/>"
                    "</source></hostdev>\n"
                    "  <hostdev type='pci' managed='yes'><source><address domain='0x0000' "
                    "bus='0x06' slot='0x02' function='0x0'/></source></hostdev>\n"
                    "</devices>\n",
                    "XML error: PCI host device 0000:06:02.0 is assigned twice");
    assert_rejected("<devices>\n"
                    "  <vsock model='virtio'/>\n"
                    "  <vsock model='virtio'/>\n"
                    "</devices>\n",
                    "unsupported configuration: only one vsock device is supported, not 2");
    assert_rejected("<devices>\n"
                    "  <interface type='user'><link state=''/></interface>\n"
                    "</devices>\n",
                    "unsupported configuration: unknown interface link state ''");
}

static void
test_boot_order(void)
{
    const char *xml =
        "<devices>\n"
        "  <hostdev type='usb'><source><vendor id='0x1'/><product id='0x2'/></source>"
        "<boot order='3'/></hostdev>\n"
        "</devices>\n";
    VmmDomainDevices devs = { 0 };
    g_autoptr(GError) err = NULL;

    g_assert_true(devices_parse(xml, &devs, &err));
    g_assert_true(vmm_domain_devices_have_boot_order(&devs));
    g_assert_cmpint(((VmmDomainHostdevDef *)devs.hostdevs->pdata[0])->info.boot_order, ==, 3);
    vmm_domain_devices_clear(&devs);
}

static void
test_format_flags(void)
{
    const char *xml =
        "<devices>\n"
        "  <graphics type='vnc' port='5900' autoport='yes' passwd='pw'/>\n"
        "  <serial type='pty'><source path='/dev/pts/3'/><target port='0'/>"
        "<alias name='serial0'/></serial>\n"
        "  <video><model type='vga'/><alias name='ua-video'/></video>\n"
        "  <console type='pty'><source path='/dev/pts/3'/><target type='serial'/></console>\n"
        "</devices>\n";
    VmmDomainDevices devs = { 0 };
    g_autoptr(GError) err = NULL;
    g_autofree char *live = NULL;
    g_autofree char *secure = NULL;
    g_autofree char *inactive = NULL;

    g_assert_true(devices_parse(xml, &devs, &err));
    g_assert_false(vmm_domain_devices_have_boot_order(&devs));
    live = devices_format(&devs, 0);
    secure = devices_format(&devs, VMM_DOMAIN_DEF_FORMAT_SECURE);
    inactive = devices_format(&devs, VMM_DOMAIN_DEF_FORMAT_INACTIVE);

    /* Passwords only with SECURE. */
    g_assert_null(strstr(live, "passwd="));
    g_assert_nonnull(strstr(secure, " passwd='pw'"));
    /* A live port is shown unless the definition is the inactive one. */
    g_assert_nonnull(strstr(live, "<graphics type='vnc' port='5900' autoport='yes'>"));
    g_assert_nonnull(strstr(inactive, "<graphics type='vnc' port='-1' autoport='yes'>"));
    /* Inactive XML keeps user aliases only. */
    g_assert_nonnull(strstr(live, "<alias name='serial0'/>"));
    g_assert_null(strstr(inactive, "serial0"));
    g_assert_nonnull(strstr(inactive, "<alias name='ua-video'/>"));
    /* A pty's path is live only; a console repeats it as tty=. */
    g_assert_nonnull(strstr(live, "<console type='pty' tty='/dev/pts/3'>\n"
                                  "    <source path='/dev/pts/3'/>\n"));
    g_assert_nonnull(strstr(inactive, "<console type='pty'>\n"
                                      "    <target type='serial' port='0'/>\n"));
    g_assert_null(strstr(inactive, "/dev/pts/3"));
    vmm_domain_devices_clear(&devs);
}

static void
test_unmodelled_ignored(void)
{
    const char *xml =
        "<devices>\n"
        "  <smartcard mode='passthrough' type='spicevmc'/>\n"
        "  <shmem name='s0'><size unit='M'>4</size></shmem>\n"
        "  <watchdog model='ib700'/>\n"
        "</devices>\n";
    VmmDomainDevices devs = { 0 };
    g_autoptr(GError) err = NULL;
    g_autofree char *out = NULL;

    g_assert_true(devices_parse(xml, &devs, &err));
    out = devices_format(&devs, 0);
    g_assert_cmpstr(out, ==,
                    "<devices>\n"
                    "  <watchdog model='ib700' action='reset'/>\n"
                    "</devices>\n");
    vmm_domain_devices_clear(&devs);
}

static void
test_empty(void)
{
    VmmDomainDevices devs = { 0 };
    g_autoptr(GError) err = NULL;
    g_autofree char *out = NULL;

    /* post-parse and format work on devices that were never parsed (a
     * domain without <devices>). */
    g_assert_true(vmm_domain_devices_post_parse(&devs, "kvm", NULL, NULL, &err));
    g_assert_true(vmm_domain_devices_validate(&devs, &err));
    g_assert_cmpuint(devs.disks->len, ==, 0);
    out = devices_format(&devs, 0);
    g_assert_cmpstr(out, ==, "<devices>\n</devices>\n");
    vmm_domain_devices_clear(&devs);
    vmm_domain_devices_clear(&devs);
}

/* Drivers name what they refuse with these tables. */
/* Names the parser checks the shape of, quoted when refused. */
static void
test_name_shapes(void)
{
    const char *ok =
        "<devices>\n"
        "  <disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
        "<source file='/a.img'/><target dev='vda' bus='virtio'/></disk>\n"
        "  <interface type='user'><model type='virtio-net_1'/></interface>\n"
        "  <controller type='pci' index='0' model='pcie-root'/>\n"
        "  <controller type='pci' index='1' model='pcie-root-port'>"
        "<model name='pcie-root-port.v2'/></controller>\n"
        "</devices>\n";
    VmmDomainDevices devs = { 0 };
    g_autoptr(GError) err = NULL;

    g_assert_true(devices_parse(ok, &devs, &err));
    g_assert_no_error(err);
    vmm_domain_devices_clear(&devs);

    assert_rejected("<devices><disk type='file' device='disk'><driver type='qcow2!'/>"
                    "<source file='/a.img'/><target dev='vda'/></disk></devices>",
                    "unsupported configuration: unknown disk format 'qcow2!'");
    assert_rejected("<devices><disk type='file' device='disk'><driver type='-raw'/>"
                    "<source file='/a.img'/><target dev='vda'/></disk></devices>",
                    "unsupported configuration: unknown disk format '-raw'");
    assert_rejected("<devices><disk type='file' device='disk'><driver type='Raw'/>"
                    "<source file='/a.img'/><target dev='vda'/></disk></devices>",
                    "unsupported configuration: unknown disk format 'Raw'");
    assert_rejected("<devices><interface type='user'><model type='virtio net'/>"
                    "</interface></devices>",
                    "XML error: invalid interface model type 'virtio net'");
    assert_rejected("<devices><controller type='pci' index='0' model='pcie-root'/>"
                    "<controller type='pci' index='1' model='pcie-root-port'>"
                    "<model name='port/1'/></controller></devices>",
                    "unsupported configuration: unknown PCI controller model name 'port/1'");
}

static void
test_names(void)
{
    g_assert_cmpstr(vmm_domain_device_kind_to_string(VMM_DOMAIN_DEVICE_HOSTDEV), ==, "hostdev");
    g_assert_cmpstr(vmm_disk_bus_to_string(VMM_DISK_BUS_VIRTIO), ==, "virtio");
    g_assert_cmpstr(vmm_disk_type_to_string(VMM_DISK_TYPE_NETWORK), ==, "network");
    g_assert_cmpstr(vmm_disk_protocol_to_string(VMM_DISK_PROTOCOL_NBD), ==, "nbd");
    g_assert_cmpstr(vmm_controller_type_to_string(VMM_CONTROLLER_TYPE_VIRTIO_SERIAL), ==,
                    "virtio-serial");
    g_assert_cmpstr(vmm_net_type_to_string(VMM_NET_TYPE_DIRECT), ==, "direct");
    g_assert_cmpstr(vmm_chr_type_to_string(VMM_CHR_TYPE_SPICEVMC), ==, "spicevmc");
    g_assert_cmpstr(vmm_chr_target_type_to_string(VMM_CHR_DEVICE_CHANNEL, 0), ==, "guestfwd");
    g_assert_cmpstr(vmm_graphics_type_to_string(VMM_GRAPHICS_TYPE_EGL_HEADLESS), ==,
                    "egl-headless");
    g_assert_cmpstr(vmm_video_type_to_string(VMM_VIDEO_TYPE_QXL), ==, "qxl");
    g_assert_cmpstr(vmm_sound_model_to_string(VMM_SOUND_MODEL_ICH9), ==, "ich9");
    g_assert_cmpstr(vmm_tpm_backend_to_string(VMM_TPM_BACKEND_EMULATOR), ==, "emulator");
    g_assert_cmpstr(vmm_hostdev_type_to_string(VMM_HOSTDEV_TYPE_PCI), ==, "pci");
    g_assert_cmpstr(vmm_fs_driver_to_string(VMM_FS_DRIVER_VIRTIOFS), ==, "virtiofs");
    g_assert_cmpstr(vmm_panic_model_to_string(VMM_PANIC_MODEL_PVPANIC), ==, "pvpanic");
    g_assert_cmpstr(vmm_domain_device_kind_to_string(VMM_DOMAIN_DEVICE_VSOCK), ==, "vsock");
    g_assert_cmpstr(vmm_device_address_type_to_string(VMM_DEVICE_ADDRESS_DRIVE), ==, "drive");
    g_assert_null(vmm_disk_bus_to_string(VMM_DISK_BUS_LAST));
}

/* domain-devices.rng also works on its own, through a two-line wrapper
 * grammar (domain.rng is another file's business). */
static void
test_schema_standalone(void)
{
    g_autofree char *dir = g_dir_make_tmp("vmm-devschema-XXXXXX", NULL);
    g_autofree char *wrapper = g_build_filename(dir, "devices-only.rng", NULL);
    g_autofree char *devrng = g_build_filename(VMM_SOURCE_ROOT, "schemas",
                                               "domain-devices.rng", NULL);
    g_autofree char *grammar = g_strdup_printf(
        "<grammar xmlns='http://relaxng.org/ns/structure/1.0'>\n"
        "  <start><ref name='devices'/></start>\n"
        "  <include href='%s'/>\n"
        "</grammar>\n", devrng);
    const char *good =
        "<devices><disk type='file'><source file='/a'/><target dev='vda'/></disk>"
        "<panic model='isa'/></devices>";
    const char *bad =
        "<devices><interface type='network'><mac address='53:54:00:00:00:01'/>"
        "</interface></devices>";
    g_autoptr(GError) err = NULL;
    g_autoptr(xmlDoc) gdoc = NULL;
    g_autoptr(xmlDoc) bdoc = NULL;
    g_autofree char *old = g_strdup(g_getenv("VMM_SCHEMA_DIR"));

    g_assert_nonnull(dir);
    g_assert_true(g_file_set_contents(wrapper, grammar, -1, NULL));
    g_setenv("VMM_SCHEMA_DIR", dir, TRUE);
    gdoc = xmlReadMemory(good, strlen(good), "good", NULL, 0);
    bdoc = xmlReadMemory(bad, strlen(bad), "bad", NULL, 0);
    g_assert_true(vmm_xml_validate(gdoc, "devices-only", &err));
    g_assert_no_error(err);
    /* 0x53 has the multicast bit set. */
    g_assert_false(vmm_xml_validate(bdoc, "devices-only", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_XML_INVALID_SCHEMA);
    if (old)
        g_setenv("VMM_SCHEMA_DIR", old, TRUE);
    else
        g_unsetenv("VMM_SCHEMA_DIR");
    g_unlink(wrapper);
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/conf/domain_device/mac-generated", test_mac_generated);
    g_test_add_func("/conf/domain_device/duplicate-disk-target", test_duplicate_disk_target);
    g_test_add_func("/conf/domain_device/whole-list-checks", test_whole_list_checks);
    g_test_add_func("/conf/domain_device/boot-order", test_boot_order);
    g_test_add_func("/conf/domain_device/format-flags", test_format_flags);
    g_test_add_func("/conf/domain_device/unmodelled-ignored", test_unmodelled_ignored);
    g_test_add_func("/conf/domain_device/empty", test_empty);
    g_test_add_func("/conf/domain_device/names", test_names);
    g_test_add_func("/conf/domain_device/name-shapes", test_name_shapes);
    g_test_add_func("/conf/domain_device/schema-standalone", test_schema_standalone);
    return g_test_run();
}
