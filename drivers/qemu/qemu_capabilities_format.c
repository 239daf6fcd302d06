/*
 * qemu_capabilities_format.c: libvirt's <capabilities> and
 * <domainCapabilities> documents from probed QEMU capabilities.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The shapes follow libvirt's so that virsh and virt-install read them
 * unchanged.  The enums list what vmm's command-line builder accepts, not
 * everything QEMU could do: a value offered here must start.
 */
#include "drivers/qemu/qemu_capabilities.h"

#include <string.h>

#include "conf/xml_util.h"
#include "util/vmm_error.h"

static gboolean
machine_is_q35(const char *name)
{
    return g_str_has_prefix(name, "pc-q35") || g_str_equal(name, "q35");
}

static void
format_machines(GString *buf, const VmmQemuCaps *caps)
{
    GPtrArray *machines = vmm_qemu_caps_get_machines(caps);

    /* The default machine goes first, as libvirt's preferred machine. */
    for (int pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < machines->len; i++) {
            const VmmQemuMachine *m = machines->pdata[i];
            if ((pass == 0) != m->is_default)
                continue;
            g_string_append_printf(buf, "      <machine maxCpus='%u'", m->max_cpus);
            if (m->deprecated)
                g_string_append(buf, " deprecated='yes'");
            g_string_append(buf, ">");
            vmm_buf_escape(buf, m->name);
            g_string_append(buf, "</machine>\n");
            if (m->alias) {
                g_string_append(buf, "      <machine");
                vmm_buf_attr(buf, "canonical", m->name);
                g_string_append_printf(buf, " maxCpus='%u'>", m->max_cpus);
                vmm_buf_escape(buf, m->alias);
                g_string_append(buf, "</machine>\n");
            }
        }
    }
}

static unsigned int
arch_wordsize(const char *arch)
{
    return g_str_equal(arch, "i386") || g_str_equal(arch, "i686") ||
           g_str_equal(arch, "arm") ? 32 : 64;
}

char *
vmm_qemu_caps_format_capabilities(const VmmQemuHostInfo *host, GPtrArray *caps_list,
                                  gboolean kvm_usable)
{
    g_autoptr(GString) buf = g_string_new("<capabilities>\n\n  <host>\n");

    vmm_buf_text_elem(buf, 4, "uuid", host->uuid);
    g_string_append(buf, "    <cpu>\n");
    vmm_buf_text_elem(buf, 6, "arch", host->arch);
    vmm_buf_text_elem(buf, 6, "vendor", host->vendor);
    g_string_append_printf(buf, "      <topology sockets='%u' dies='%u' cores='%u' "
                           "threads='%u'/>\n", host->sockets, host->dies, host->cores,
                           host->threads);
    g_string_append(buf, "    </cpu>\n");
    g_string_append(buf, "    <power_management/>\n");
    g_string_append(buf, "    <iommu support='no'/>\n");
    g_string_append(buf, "    <secmodel>\n      <model>none</model>\n      <doi>0</doi>\n"
                    "    </secmodel>\n");
    g_string_append(buf, "  </host>\n\n");

    for (guint i = 0; caps_list && i < caps_list->len; i++) {
        const VmmQemuCaps *caps = caps_list->pdata[i];
        const char *arch = vmm_qemu_caps_get_arch(caps);
        gboolean x86 = g_str_equal(arch, "x86_64") || g_str_equal(arch, "i386");

        g_string_append(buf, "  <guest>\n    <os_type>hvm</os_type>\n    <arch");
        vmm_buf_attr(buf, "name", arch);
        g_string_append(buf, ">\n");
        g_string_append_printf(buf, "      <wordsize>%u</wordsize>\n", arch_wordsize(arch));
        vmm_buf_text_elem(buf, 6, "emulator", vmm_qemu_caps_get_binary(caps));
        format_machines(buf, caps);
        g_string_append(buf, "      <domain type='qemu'/>\n");
        if (kvm_usable && vmm_qemu_caps_has_flag(caps, "kvm") &&
            g_str_equal(arch, host->arch))
            g_string_append(buf, "      <domain type='kvm'/>\n");
        g_string_append(buf, "    </arch>\n    <features>\n");
        if (x86) {
            g_string_append(buf, "      <acpi default='on' toggle='yes'/>\n"
                                 "      <apic default='on' toggle='no'/>\n");
        }
        g_string_append(buf, "      <cpuselection/>\n      <deviceboot/>\n"
                             "      <disksnapshot default='on' toggle='no'/>\n");
        if (x86 && arch_wordsize(arch) == 32)
            g_string_append(buf, "      <pae/>\n      <nonpae/>\n");
        g_string_append(buf, "    </features>\n  </guest>\n\n");
    }
    g_string_append(buf, "</capabilities>\n");
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

/* <enum name='NAME'> with @values (NULL-terminated); empty enums collapse. */
static void
format_enum(GString *buf, int indent, const char *name, const char *const *values)
{
    vmm_buf_indent(buf, indent);
    if (!values || !values[0]) {
        g_string_append_printf(buf, "<enum name='%s'/>\n", name);
        return;
    }
    g_string_append_printf(buf, "<enum name='%s'>\n", name);
    for (; *values; values++)
        vmm_buf_text_elem(buf, indent + 2, "value", *values);
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</enum>\n");
}

static void
format_os(GString *buf, const VmmQemuCaps *caps, gboolean q35, GPtrArray *firmware)
{
    g_autoptr(GPtrArray) loaders = g_ptr_array_new();
    gboolean have_secure = FALSE;
    const char *const efi[] = { "efi", NULL };
    const char *const types[] = { "rom", "pflash", NULL };
    const char *const yesno[] = { "yes", "no", NULL };
    const char *const secure_no[] = { "no", NULL };
    const char *const secure_both[] = { "yes", "no", NULL };

    for (guint i = 0; firmware && i < firmware->len; i++) {
        const VmmQemuFirmware *fw = firmware->pdata[i];
        /* Secure-boot builds need SMM, which only q35 offers. */
        if (fw->secure && !q35)
            continue;
        have_secure |= fw->secure;
        g_ptr_array_add(loaders, fw->code);
    }
    g_ptr_array_add(loaders, NULL);

    g_string_append(buf, "  <os supported='yes'>\n");
    format_enum(buf, 4, "firmware", loaders->len > 1 ? efi : NULL);
    g_string_append(buf, "    <loader supported='yes'>\n");
    for (guint i = 0; loaders->pdata[i]; i++)
        vmm_buf_text_elem(buf, 6, "value", loaders->pdata[i]);
    format_enum(buf, 6, "type", types);
    format_enum(buf, 6, "readonly", yesno);
    format_enum(buf, 6, "secure", have_secure ? secure_both : secure_no);
    g_string_append(buf, "    </loader>\n  </os>\n");
}

static void
format_cpu(GString *buf, const VmmQemuCaps *caps, gboolean kvm)
{
    GPtrArray *models = vmm_qemu_caps_get_cpu_models(caps);
    const char *const onoff[] = { "on", "off", NULL };

    g_string_append(buf, "  <cpu>\n");
    g_string_append_printf(buf, "    <mode name='host-passthrough' supported='%s'",
                           kvm ? "yes" : "no");
    if (kvm) {
        g_string_append(buf, ">\n");
        format_enum(buf, 6, "hostPassthroughMigratable", onoff);
        g_string_append(buf, "    </mode>\n");
    } else {
        g_string_append(buf, "/>\n");
    }
    g_string_append(buf, "    <mode name='maximum' supported='yes'>\n");
    format_enum(buf, 6, "maximumMigratable", onoff);
    g_string_append(buf, "    </mode>\n");
    /* host-model runs as "-cpu host" under KVM and "-cpu max" under TCG: no
     * named model is computed, so none is offered. */
    g_string_append(buf, "    <mode name='host-model' supported='no'/>\n");
    g_string_append(buf, "    <mode name='custom' supported='yes'>\n");
    for (guint i = 0; i < models->len; i++) {
        const VmmQemuCpuModel *m = models->pdata[i];
        /* host and max are modes, not models. */
        if (g_str_equal(m->name, "host") || g_str_equal(m->name, "max") ||
            g_str_equal(m->name, "base"))
            continue;
        g_string_append_printf(buf, "      <model usable='%s'",
                               m->usable ? "yes" : "no");
        if (m->deprecated)
            g_string_append(buf, " deprecated='yes'");
        g_string_append(buf, ">");
        vmm_buf_escape(buf, m->name);
        g_string_append(buf, "</model>\n");
    }
    g_string_append(buf, "    </mode>\n  </cpu>\n");
}

static void
format_devices(GString *buf, const VmmQemuCaps *caps, gboolean q35)
{
    const char *const disk_devices[] = { "disk", "cdrom", NULL };
    const char *const disk_bus_pc[] = { "ide", "scsi", "virtio", "sata", NULL };
    const char *const disk_bus_q35[] = { "scsi", "virtio", "sata", NULL };
    const char *graphics[3] = { "vnc", NULL, NULL };
    const char *videos[8] = { NULL };
    const char *const rng_models[] = { "virtio", NULL };
    const char *const rng_backends[] = { "random", "egd", "builtin", NULL };
    static const struct { const char *model, *device; } video_devices[] = {
        { "vga", "VGA" }, { "cirrus", "cirrus-vga" }, { "vmvga", "vmware-svga" },
        { "qxl", "qxl-vga" }, { "virtio", "virtio-vga" }, { "bochs", "bochs-display" },
    };
    int nv = 0;

    if (vmm_qemu_caps_has_flag(caps, "spice"))
        graphics[1] = "spice";
    for (size_t i = 0; i < G_N_ELEMENTS(video_devices); i++) {
        if (vmm_qemu_caps_has_device(caps, video_devices[i].device))
            videos[nv++] = video_devices[i].model;
    }
    videos[nv++] = "none";

    g_string_append(buf, "  <devices>\n    <disk supported='yes'>\n");
    format_enum(buf, 6, "diskDevice", disk_devices);
    format_enum(buf, 6, "bus", q35 ? disk_bus_q35 : disk_bus_pc);
    g_string_append(buf, "    </disk>\n    <graphics supported='yes'>\n");
    format_enum(buf, 6, "type", graphics);
    g_string_append(buf, "    </graphics>\n    <video supported='yes'>\n");
    format_enum(buf, 6, "modelType", videos);
    /* PCI and USB passthrough need device ownership and VFIO set-up that
     * vmm does not do yet. */
    g_string_append(buf, "    </video>\n    <hostdev supported='no'/>\n");
    g_string_append(buf, "    <rng supported='yes'>\n");
    format_enum(buf, 6, "model", rng_models);
    format_enum(buf, 6, "backendModel", rng_backends);
    g_string_append(buf, "    </rng>\n");
    g_string_append(buf, "    <filesystem supported='no'/>\n");
    g_string_append(buf, "    <tpm supported='no'/>\n");
    g_string_append(buf, "    <redirdev supported='no'/>\n");
    g_string_append(buf, "  </devices>\n");
}

char *
vmm_qemu_caps_format_domcapabilities(const VmmQemuCaps *caps, const char *machine,
                                     const char *virt_type, GPtrArray *firmware,
                                     gboolean kvm_usable, GError **error)
{
    g_autoptr(GString) buf = g_string_new("<domainCapabilities>\n");
    const VmmQemuMachine *m = vmm_qemu_caps_get_machine(caps, machine);
    gboolean kvm;
    gboolean q35;

    if (!virt_type)
        virt_type = kvm_usable && vmm_qemu_caps_has_flag(caps, "kvm") ? "kvm" : "qemu";
    kvm = g_str_equal(virt_type, "kvm");
    if (!kvm && !g_str_equal(virt_type, "qemu")) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("virttype '%s' is not supported by the QEMU driver"), virt_type);
        return NULL;
    }
    if (kvm && !(kvm_usable && vmm_qemu_caps_has_flag(caps, "kvm"))) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("KVM is not supported by '%s' on this host"),
                      vmm_qemu_caps_get_binary(caps));
        return NULL;
    }
    if (!m) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("Emulator '%s' does not support machine type '%s'"),
                      vmm_qemu_caps_get_binary(caps), machine ? machine : "(default)");
        return NULL;
    }
    q35 = machine_is_q35(m->name);

    vmm_buf_text_elem(buf, 2, "path", vmm_qemu_caps_get_binary(caps));
    vmm_buf_text_elem(buf, 2, "domain", virt_type);
    vmm_buf_text_elem(buf, 2, "machine", m->name);
    vmm_buf_text_elem(buf, 2, "arch", vmm_qemu_caps_get_arch(caps));
    g_string_append_printf(buf, "  <vcpu max='%u'/>\n", m->max_cpus);
    g_string_append(buf, "  <iothreads supported='no'/>\n");
    format_os(buf, caps, q35, firmware);
    format_cpu(buf, caps, kvm);
    g_string_append(buf, "  <memoryBacking supported='yes'>\n");
    {
        const char *const sources[] = { "file", "anonymous", "memfd", NULL };
        format_enum(buf, 4, "sourceType", sources);
    }
    g_string_append(buf, "  </memoryBacking>\n");
    format_devices(buf, caps, q35);
    g_string_append(buf, "  <features>\n");
    g_string_append(buf, "    <gic supported='no'/>\n");
    g_string_append_printf(buf, "    <vmcoreinfo supported='%s'/>\n",
                           vmm_qemu_caps_has_device(caps, "vmcoreinfo") ? "yes" : "no");
    g_string_append(buf, "    <genid supported='no'/>\n");
    g_string_append(buf, "    <backingStoreInput supported='no'/>\n");
    g_string_append(buf, "    <backup supported='no'/>\n");
    g_string_append(buf, "    <sev supported='no'/>\n");
    g_string_append(buf, "    <sgx supported='no'/>\n");
    g_string_append(buf, "  </features>\n</domainCapabilities>\n");
    return g_string_free(g_steal_pointer(&buf), FALSE);
}
