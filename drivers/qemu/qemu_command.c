/*
 * qemu_command.c: turn a domain definition into a QEMU command line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Steps, in the order the options appear:
 *   1. refuse what the driver cannot run, naming the device;
 *   2. identity, machine, CPU, memory, SMP, UUID;
 *   3. defaults off (-no-user-config -nodefaults), the QMP monitor, clock,
 *      lifecycle, boot and direct kernel boot;
 *   4. controllers (explicit ones, then the ones devices need), disks,
 *      NICs, character devices, input, graphics, video and the rest;
 *   5. -sandbox and -msg.
 *
 * Options use QEMU's key=value syntax; values have their commas doubled.
 *
 * PCI addresses: devices with a PCI address in the definition keep it.  The
 * rest get the lowest free slot of the root bus, in the order the devices
 * are emitted, after slots taken by explicit addresses are reserved; so the
 * same definition always gives the same addresses.  On "pc", slot 1 is the
 * PIIX3 (ISA, IDE, the default UHCI at 1.2) and slot 2 the primary video;
 * on "q35", slot 1 is the primary video and slot 0x1f the LPC/SATA block.
 * Devices plug into the root bus directly (integrated endpoints on q35).
 */
#include "drivers/qemu/qemu_command.h"

#include <string.h>

#include "util/vmm_error.h"

#define PCI_SLOTS 32

typedef struct {
    const VmmDomainDef *def;
    const VmmQemuCaps *caps;
    const VmmQemuBuildParams *params;
    GPtrArray *argv;
    GArray *fds;
    gboolean kvm;
    gboolean q35;
    const char *root_bus;            /* "pci.0" or "pcie.0" */
    guint32 used_slots;              /* root bus slots taken */
    int first_free_slot;
    /* controllers the devices need and the definition lacks */
    gboolean need_usb, need_scsi, need_sata, need_vserial;
    char usb_bus[32];                /* bus of the first USB controller */
    const char *fw_code;             /* pflash code, NULL: BIOS or rom */
    const char *fw_nvram;
    int *disk_boot;                  /* bootindex per disk, 0 none */
    int *net_boot;
    /* hotplug: the one device's bootindex (0 none); the arrays stay NULL */
    gboolean hotplug;
    int hotplug_boot;
    /* What the last device got: its id and its allocated root slot (-1:
     * none allocated), recorded per disk and NIC in the result. */
    char *last_id;
    int last_slot;
    VmmQemuCommand *out;
    const char *tap_fdname;          /* hotplug: the tap fd passed by getfd */
} Build;

static void
build_clear(Build *b)
{
    g_free(b->disk_boot);
    g_free(b->net_boot);
    g_free(b->last_id);
}

/* The bootindex of the device at @pos of its list: @per_pos (sized by
 * the definition) at start, the one hotplugged device's own otherwise. */
static int
boot_index(const Build *b, const int *per_pos, guint pos)
{
    return b->hotplug ? b->hotplug_boot : per_pos[pos];
}

/* Note the id and slot the device just built got, as the live
 * definition's alias and address (see VmmQemuCommand). */
static void
record_device(Build *b, GPtrArray *ids, GArray *slots)
{
    if (!b->out)
        return;
    g_ptr_array_add(ids, g_strdup(b->last_id));
    g_array_append_val(slots, b->last_slot);
}

/* ---- small helpers ---- */

static void
add(Build *b, const char *arg)
{
    g_ptr_array_add(b->argv, g_strdup(arg));
}

static void
add2(Build *b, const char *opt, const char *val)
{
    add(b, opt);
    add(b, val);
}

/* Append ",key=value" with the value's commas doubled (QEMU's escaping). */
static void
prop(GString *s, const char *key, const char *val)
{
    if (s->len)
        g_string_append_c(s, ',');
    g_string_append_printf(s, "%s=", key);
    for (const char *p = val; *p; p++) {
        if (*p == ',')
            g_string_append_c(s, ',');
        g_string_append_c(s, *p);
    }
}

static void G_GNUC_PRINTF(3, 4)
propf(GString *s, const char *key, const char *fmt, ...)
{
    g_autofree char *val = NULL;
    va_list ap;

    va_start(ap, fmt);
    val = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    prop(s, key, val);
}

/* "-OPT" followed by the finished property string. */
static void
add_props(Build *b, const char *opt, GString *s)
{
    add2(b, opt, s->str);
}

static gboolean
unsupported(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

static gboolean
unsupported(GError **error, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED, "%s", msg);
    return FALSE;
}

/* The index a disk target name encodes: vda -> 0, sdb -> 1, hdaa -> 26. */
static int
disk_index(const char *dst)
{
    const char *p = dst;
    int idx = 0;

    while (*p && !(g_ascii_islower(*p) && p > dst && p - dst >= 2))
        p++;
    if (!*p)
        return -1;
    for (; *p; p++) {
        if (!g_ascii_islower(*p))
            return -1;
        idx = idx * 26 + (*p - 'a' + 1);
    }
    return idx - 1;
}

/* ---- PCI addresses ---- */

static void
reserve_info(Build *b, const VmmDeviceInfo *info)
{
    if (info->addr.type == VMM_DEVICE_ADDRESS_PCI && info->addr.bus == 0 &&
        info->addr.slot < PCI_SLOTS)
        b->used_slots |= 1u << info->addr.slot;
}

#define RESERVE_LIST(b, list, type)                                  \
    for (guint i_ = 0; (list) && i_ < (list)->len; i_++)             \
        reserve_info((b), &((const type *)(list)->pdata[i_])->info)

static void
reserve_explicit(Build *b)
{
    const VmmDomainDevices *d = &b->def->devices;

    b->used_slots = 1u << 0;
    if (b->q35) {
        b->used_slots |= 1u << 1 | 1u << 0x1f;
        b->first_free_slot = 2;
    } else {
        b->used_slots |= 1u << 1 | 1u << 2;
        b->first_free_slot = 3;
    }
    RESERVE_LIST(b, d->disks, VmmDomainDiskDef);
    RESERVE_LIST(b, d->controllers, VmmDomainControllerDef);
    RESERVE_LIST(b, d->interfaces, VmmDomainNetDef);
    RESERVE_LIST(b, d->videos, VmmDomainVideoDef);
    RESERVE_LIST(b, d->inputs, VmmDomainInputDef);
    RESERVE_LIST(b, d->memballoons, VmmDomainMemballoonDef);
    RESERVE_LIST(b, d->rngs, VmmDomainRngDef);
    RESERVE_LIST(b, d->watchdogs, VmmDomainWatchdogDef);
}

static const VmmDomainControllerDef *
find_controller(const VmmDomainDef *def, VmmControllerType type, int index)
{
    for (guint i = 0; i < def->devices.controllers->len; i++) {
        const VmmDomainControllerDef *c = def->devices.controllers->pdata[i];
        if (c->type == type && (index < 0 || c->index == index))
            return c;
    }
    return NULL;
}

static void
pci_at(Build *b, GString *s, unsigned int bus, unsigned int slot, unsigned int function,
       gboolean multifunction)
{
    if (bus == 0)
        prop(s, "bus", b->root_bus);
    else
        propf(s, "bus", "pci.%u", bus);
    if (function)
        propf(s, "addr", "0x%x.0x%x", slot, function);
    else
        propf(s, "addr", "0x%x", slot);
    if (multifunction)
        prop(s, "multifunction", "on");
}

/* The lowest free root slot, now taken; -1 when the bus is full. */
static int
alloc_slot(Build *b, const char *what, GError **error)
{
    for (int slot = b->first_free_slot; slot < PCI_SLOTS; slot++) {
        if (!(b->used_slots & (1u << slot))) {
            b->used_slots |= 1u << slot;
            return slot;
        }
    }
    unsupported(error, _("no free PCI slot for %s"), what);
    return -1;
}

/* Append bus= and addr= for a PCI device: its own address, or the next
 * free root slot.  @what names the device in errors. */
static gboolean
pci_address(Build *b, const VmmDeviceInfo *info, GString *s, const char *what,
            GError **error)
{
    const VmmDeviceAddress *a = &info->addr;
    int slot;

    if (a->type == VMM_DEVICE_ADDRESS_PCI) {
        if (a->domain != 0)
            return unsupported(error, _("PCI domain %u of %s is not supported"),
                               a->domain, what);
        if (a->bus != 0 && !find_controller(b->def, VMM_CONTROLLER_TYPE_PCI, a->bus))
            return unsupported(error, _("PCI bus %u of %s has no controller"), a->bus, what);
        pci_at(b, s, a->bus, a->slot, a->function, a->multifunction == VMM_TRISTATE_YES);
        return TRUE;
    }
    if (a->type != VMM_DEVICE_ADDRESS_NONE)
        return unsupported(error, _("address type '%s' of %s is not supported"),
                           vmm_device_address_type_to_string(a->type), what);
    if ((slot = alloc_slot(b, what, error)) < 0)
        return FALSE;
    b->last_slot = slot;
    pci_at(b, s, 0, slot, 0, FALSE);
    return TRUE;
}

/* A device's id: the user's alias when given, else @fmt. */
static void G_GNUC_PRINTF(4, 5)
device_id(Build *b, GString *s, const VmmDeviceInfo *info, const char *fmt, ...)
{
    va_list ap;

    g_free(b->last_id);
    if (info->alias) {
        b->last_id = g_strdup(info->alias);
    } else {
        va_start(ap, fmt);
        b->last_id = g_strdup_vprintf(fmt, ap);
        va_end(ap);
    }
    prop(s, "id", b->last_id);
}

/* ---- 1. what the driver refuses ---- */

static gboolean
check_unsupported(Build *b, GError **error)
{
    const VmmDomainDef *def = b->def;
    const VmmDomainDevices *d = &def->devices;
    static const struct {
        VmmDomainDeviceKind kind;
        gsize offset;
    } refused[] = {
        { VMM_DOMAIN_DEVICE_SOUND, G_STRUCT_OFFSET(VmmDomainDevices, sounds) },
        { VMM_DOMAIN_DEVICE_AUDIO, G_STRUCT_OFFSET(VmmDomainDevices, audios) },
        { VMM_DOMAIN_DEVICE_TPM, G_STRUCT_OFFSET(VmmDomainDevices, tpms) },
        { VMM_DOMAIN_DEVICE_REDIRDEV, G_STRUCT_OFFSET(VmmDomainDevices, redirdevs) },
        { VMM_DOMAIN_DEVICE_HOSTDEV, G_STRUCT_OFFSET(VmmDomainDevices, hostdevs) },
        { VMM_DOMAIN_DEVICE_FILESYSTEM, G_STRUCT_OFFSET(VmmDomainDevices, filesystems) },
        { VMM_DOMAIN_DEVICE_VSOCK, G_STRUCT_OFFSET(VmmDomainDevices, vsocks) },
    };

    if (g_strcmp0(def->os_type, "hvm") != 0)
        return unsupported(error, _("OS type '%s' is not supported by the QEMU driver"),
                           def->os_type ? def->os_type : "");
    if (def->os_arch && g_strcmp0(def->os_arch, vmm_qemu_caps_get_arch(b->caps)) != 0)
        return unsupported(error, _("architecture '%s' is not supported by '%s'"),
                           def->os_arch, vmm_qemu_caps_get_binary(b->caps));
    for (size_t i = 0; i < G_N_ELEMENTS(refused); i++) {
        GPtrArray *list = G_STRUCT_MEMBER(GPtrArray *, d, refused[i].offset);
        if (list && list->len > 0)
            return unsupported(error, _("device '%s' is not supported by the QEMU driver"),
                               vmm_domain_device_kind_to_string(refused[i].kind));
    }
    for (guint i = 0; i < d->panics->len; i++) {
        const VmmDomainPanicDef *p = d->panics->pdata[i];
        if (p->model != VMM_PANIC_MODEL_ISA && p->model != VMM_PANIC_MODEL_NONE_SET)
            return unsupported(error, _("panic model '%s' is not supported"),
                               vmm_panic_model_to_string(p->model));
    }
    if (def->cpu.numa_cells && def->cpu.numa_cells->len > 0)
        return unsupported(error, _("guest NUMA topology is not supported"));
    if (def->has_numatune)
        return unsupported(error, _("<numatune> is not supported"));
    if (def->iothreads > 0)
        return unsupported(error, _("<iothreads> is not supported"));
    if (def->clock_offset != VMM_DOMAIN_CLOCK_UTC &&
        def->clock_offset != VMM_DOMAIN_CLOCK_LOCALTIME)
        return unsupported(error, _("clock offset '%s' is not supported"),
                           def->clock_offset == VMM_DOMAIN_CLOCK_VARIABLE ? "variable"
                                                                          : "timezone");
    if (def->features.ioapic_driver)
        return unsupported(error, _("ioapic driver '%s' is not supported"),
                           def->features.ioapic_driver);
    return TRUE;
}

/* ---- 2. identity, machine, CPU, memory ---- */

/* The memory backend object type the domain needs: "" for none (plain
 * -m), NULL with @error when the backing is refused. */
static const char *
memory_backend_type(Build *b, GError **error)
{
    const VmmDomainDef *def = b->def;
    guint npages = def->hugepages ? def->hugepages->len : 0;

    if (npages > 1) {
        unsupported(error, _("more than one <hugepages> <page> is not supported"));
        return NULL;
    }
    if (npages == 1 && ((VmmDomainHugepage *)def->hugepages->pdata[0])->nodeset) {
        unsupported(error, _("hugepages with a nodeset are not supported"));
        return NULL;
    }
    if (g_strcmp0(def->mem_source_type, "memfd") == 0)
        return "memory-backend-memfd";
    if (def->has_hugepages)
        return "memory-backend-file";
    if (g_strcmp0(def->mem_source_type, "file") == 0) {
        unsupported(error, _("memory source type 'file' without hugepages is not "
                             "supported"));
        return NULL;
    }
    if (g_strcmp0(def->mem_access_mode, "shared") == 0 ||
        g_strcmp0(def->mem_allocation_mode, "immediate") == 0 || def->mem_discard)
        return "memory-backend-ram";
    return "";
}

static gboolean
build_machine(Build *b, const char *machine, const char *backend, GError **error)
{
    const VmmDomainDef *def = b->def;
    const VmmDomainFeaturesDef *f = &def->features;
    g_autoptr(GString) s = g_string_new(machine);
    gboolean x86 = g_str_equal(vmm_qemu_caps_get_arch(b->caps), "x86_64") ||
                   g_str_equal(vmm_qemu_caps_get_arch(b->caps), "i386");

    prop(s, "accel", b->kvm ? "kvm" : "tcg");
    prop(s, "usb", "off");
    prop(s, "dump-guest-core", "off");
    if (x86 && f->state[VMM_DOMAIN_FEATURE_ACPI] != VMM_TRISTATE_YES)
        prop(s, "acpi", "off");
    if (f->state[VMM_DOMAIN_FEATURE_SMM] != VMM_TRISTATE_ABSENT)
        prop(s, "smm", vmm_tristate_onoff(f->state[VMM_DOMAIN_FEATURE_SMM]));
    else if (def->os.loader_secure == VMM_TRISTATE_YES)
        prop(s, "smm", "on");
    if (f->state[VMM_DOMAIN_FEATURE_VMPORT] != VMM_TRISTATE_ABSENT)
        prop(s, "vmport", vmm_tristate_onoff(f->state[VMM_DOMAIN_FEATURE_VMPORT]));
    if (def->nosharepages)
        prop(s, "mem-merge", "off");
    for (guint i = 0; def->timers && i < def->timers->len; i++) {
        const VmmDomainTimer *t = def->timers->pdata[i];
        if (g_strcmp0(t->name, "hpet") == 0 && t->present != VMM_TRISTATE_ABSENT)
            prop(s, "hpet", vmm_tristate_onoff(t->present));
    }
    if (*backend)
        prop(s, "memory-backend", "pc.ram");
    if (b->fw_code) {
        prop(s, "pflash0", "vmm-pflash0-format");
        prop(s, "pflash1", "vmm-pflash1-format");
    }
    add_props(b, "-machine", s);
    return TRUE;
}

/* CPU properties from <cpu><feature>, Hyper-V and KVM features. */
static void
cpu_feature_props(Build *b, GString *s)
{
    const VmmDomainDef *def = b->def;
    const VmmDomainFeaturesDef *f = &def->features;
    static const char *const hv_props[VMM_DOMAIN_HYPERV_LAST] = {
        [VMM_DOMAIN_HYPERV_RELAXED] = "hv-relaxed",
        [VMM_DOMAIN_HYPERV_VAPIC] = "hv-vapic",
        [VMM_DOMAIN_HYPERV_VPINDEX] = "hv-vpindex",
        [VMM_DOMAIN_HYPERV_RUNTIME] = "hv-runtime",
        [VMM_DOMAIN_HYPERV_SYNIC] = "hv-synic",
        [VMM_DOMAIN_HYPERV_STIMER] = "hv-stimer",
        [VMM_DOMAIN_HYPERV_RESET] = "hv-reset",
        [VMM_DOMAIN_HYPERV_FREQUENCIES] = "hv-frequencies",
        [VMM_DOMAIN_HYPERV_REENLIGHTENMENT] = "hv-reenlightenment",
        [VMM_DOMAIN_HYPERV_TLBFLUSH] = "hv-tlbflush",
        [VMM_DOMAIN_HYPERV_IPI] = "hv-ipi",
        [VMM_DOMAIN_HYPERV_EVMCS] = "hv-evmcs",
        [VMM_DOMAIN_HYPERV_AVIC] = "hv-avic",
    };

    for (guint i = 0; def->cpu.features && i < def->cpu.features->len; i++) {
        const VmmDomainCpuFeatureDef *feat = def->cpu.features->pdata[i];
        const char *policy = feat->policy ? feat->policy : "require";
        if (g_str_equal(policy, "require") || g_str_equal(policy, "force"))
            prop(s, feat->name, "on");
        else if (g_str_equal(policy, "disable") || g_str_equal(policy, "forbid"))
            prop(s, feat->name, "off");
    }
    if (f->state[VMM_DOMAIN_FEATURE_HYPERV] == VMM_TRISTATE_YES) {
        for (int i = 0; i < VMM_DOMAIN_HYPERV_LAST; i++) {
            if (f->hyperv[i] != VMM_TRISTATE_YES)
                continue;
            if (i == VMM_DOMAIN_HYPERV_SPINLOCKS)
                propf(s, "hv-spinlocks", "0x%" G_GINT64_MODIFIER "x",
                      f->hyperv_spinlock_retries);
            else if (i == VMM_DOMAIN_HYPERV_VENDOR_ID && f->hyperv_vendor_id)
                prop(s, "hv-vendor-id", f->hyperv_vendor_id);
            else if (hv_props[i])
                prop(s, hv_props[i], "on");
        }
    }
    if (f->state[VMM_DOMAIN_FEATURE_KVM] == VMM_TRISTATE_YES &&
        f->kvm[VMM_DOMAIN_KVM_HIDDEN] == VMM_TRISTATE_YES)
        prop(s, "kvm", "off");
    if (f->state[VMM_DOMAIN_FEATURE_PMU] != VMM_TRISTATE_ABSENT)
        prop(s, "pmu", vmm_tristate_onoff(f->state[VMM_DOMAIN_FEATURE_PMU]));
    if (f->state[VMM_DOMAIN_FEATURE_PVSPINLOCK] != VMM_TRISTATE_ABSENT)
        prop(s, "kvm-pv-unhalt", vmm_tristate_onoff(f->state[VMM_DOMAIN_FEATURE_PVSPINLOCK]));
}

static gboolean
build_cpu(Build *b, GError **error)
{
    const VmmDomainCpuDef *cpu = &b->def->cpu;
    g_autoptr(GString) s = g_string_new(NULL);
    g_autoptr(GString) feats = g_string_new(NULL);
    const char *model = NULL;

    if (cpu->present) {
        switch (cpu->mode) {
        case VMM_DOMAIN_CPU_MODE_HOST_PASSTHROUGH:
            if (!b->kvm)
                return unsupported(error, _("CPU mode 'host-passthrough' needs KVM "
                                            "(domain type 'kvm')"));
            model = "host";
            break;
        case VMM_DOMAIN_CPU_MODE_HOST_MODEL:
            /* No named model is computed: KVM passes the host through, TCG
             * offers everything it emulates. */
            model = b->kvm ? "host" : "max";
            break;
        case VMM_DOMAIN_CPU_MODE_MAXIMUM:
            model = "max";
            break;
        case VMM_DOMAIN_CPU_MODE_CUSTOM:
        case VMM_DOMAIN_CPU_MODE_LAST:
            model = cpu->model;
            if (model && !vmm_qemu_caps_has_cpu_model(b->caps, model))
                return unsupported(error, _("CPU model '%s' is not supported by '%s'"),
                                   model, vmm_qemu_caps_get_binary(b->caps));
            break;
        }
    }
    cpu_feature_props(b, feats);
    if (!model && !feats->len)
        return TRUE;
    g_string_append(s, model ? model : "qemu64");
    if (feats->len)
        g_string_append_printf(s, ",%s", feats->str);
    if (cpu->migratable != VMM_TRISTATE_ABSENT && model && g_str_equal(model, "host"))
        g_string_append_printf(s, ",migratable=%s", vmm_tristate_onoff(cpu->migratable));
    add2(b, "-cpu", s->str);
    return TRUE;
}

/* A hugetlbfs "pagesize=" option value (2M, 1G, 2048K or bytes) in KiB,
 * 0 when it is none. */
static guint64
pagesize_kib(const char *value)
{
    char *end = NULL;
    guint64 n = g_ascii_strtoull(value, &end, 10);

    if (end == value)
        return 0;
    switch (g_ascii_toupper(*end)) {
    case 'K': return n;
    case 'M': return n * 1024;
    case 'G': return n * 1024 * 1024;
    case '\0': return n / 1024;
    default: return 0;
    }
}

/* The directory hugetlbfs is mounted on with pages of @size_kib, from the
 * mount table @mounts_path (/proc/mounts format: its octal escapes
 * undone), or NULL with @error. */
static char *
hugetlbfs_dir(guint64 size_kib, const char *mounts_path, GError **error)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(mounts_path, &text, NULL, &err)) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED, _("cannot read mount table: %s"),
                      err->message);
        return NULL;
    }
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit(lines[i], " ", 5);
        g_auto(GStrv) opts = NULL;

        if (g_strv_length(f) < 4 || !g_str_equal(f[2], "hugetlbfs"))
            continue;
        opts = g_strsplit(f[3], ",", -1);
        for (guint j = 0; opts[j]; j++) {
            if (g_str_has_prefix(opts[j], "pagesize=") &&
                pagesize_kib(opts[j] + strlen("pagesize=")) == size_kib)
                return g_strcompress(f[1]);
        }
    }
    unsupported(error, _("hugepages of %" G_GUINT64_FORMAT " KiB: no hugetlbfs is mounted "
                         "with that page size"), size_kib);
    return NULL;
}

static gboolean
build_memory(Build *b, const char *backend, GError **error)
{
    const VmmDomainDef *def = b->def;
    g_autoptr(GString) s = g_string_new(NULL);

    propf(s, "size", "%" G_GUINT64_FORMAT "k", def->memory_kib);
    if (def->max_memory_kib) {
        propf(s, "slots", "%u", def->max_memory_slots);
        propf(s, "maxmem", "%" G_GUINT64_FORMAT "k", def->max_memory_kib);
    }
    add_props(b, "-m", s);

    if (*backend) {
        g_autoptr(GString) o = g_string_new(backend);
        const VmmDomainHugepage *hp = def->hugepages && def->hugepages->len ?
                                      def->hugepages->pdata[0] : NULL;

        prop(o, "id", "pc.ram");
        if (g_str_equal(backend, "memory-backend-file") && hp && hp->size_kib) {
            g_autofree char *dir = hugetlbfs_dir(hp->size_kib,
                                                 b->params->mounts_path ?
                                                 b->params->mounts_path : "/proc/mounts",
                                                 error);

            if (!dir)
                return FALSE;
            prop(o, "mem-path", dir);
        } else if (g_str_equal(backend, "memory-backend-file")) {
            prop(o, "mem-path", b->params->hugepage_dir ? b->params->hugepage_dir
                                                        : "/dev/hugepages");
        } else if (g_str_equal(backend, "memory-backend-memfd") && def->has_hugepages) {
            prop(o, "hugetlb", "on");
            if (hp && hp->size_kib)
                propf(o, "hugetlbsize", "%" G_GUINT64_FORMAT, hp->size_kib * 1024);
        }
        if (g_strcmp0(def->mem_access_mode, "shared") == 0)
            prop(o, "share", "on");
        if (def->has_hugepages || g_strcmp0(def->mem_allocation_mode, "immediate") == 0)
            prop(o, "prealloc", "on");
        if (def->mem_discard)
            prop(o, "discard-data", "on");
        propf(o, "size", "%" G_GUINT64_FORMAT, def->memory_kib * 1024);
        add_props(b, "-object", o);
    }
    if (def->locked)
        add2(b, "-overcommit", "mem-lock=on");
    return TRUE;
}

static gboolean
build_smp(Build *b, unsigned int max_cpus, GError **error)
{
    const VmmDomainDef *def = b->def;
    const VmmDomainCpuDef *cpu = &def->cpu;
    g_autoptr(GString) s = g_string_new(NULL);
    unsigned int sockets = cpu->sockets, dies = cpu->dies ? cpu->dies : 1;
    unsigned int cores = cpu->cores, threads = cpu->threads;

    if (def->vcpus > max_cpus)
        return unsupported(error, _("%u vCPUs exceed the maximum of %u for this machine"),
                           def->vcpus, max_cpus);
    if (!sockets) {
        sockets = def->vcpus;
        cores = threads = 1;
    }
    if (!cores)
        cores = 1;
    if (!threads)
        threads = 1;
    if (sockets * dies * cores * threads != def->vcpus)
        return unsupported(error, _("CPU topology %u sockets, %u dies, %u cores, %u "
                                    "threads does not match %u vCPUs"),
                           sockets, dies, cores, threads, def->vcpus);
    g_string_append_printf(s, "%u", def->vcpus_current);
    if (def->vcpus_current != def->vcpus)
        propf(s, "maxcpus", "%u", def->vcpus);
    propf(s, "sockets", "%u", sockets);
    propf(s, "dies", "%u", dies);
    propf(s, "cores", "%u", cores);
    propf(s, "threads", "%u", threads);
    add_props(b, "-smp", s);
    return TRUE;
}

/* ---- firmware ---- */

gboolean
vmm_qemu_firmware_select(const VmmDomainDef *def, GPtrArray *firmware, const char **code,
                         const char **vars_template, GError **error)
{
    gboolean secure = def->os.loader_secure == VMM_TRISTATE_YES;

    *code = NULL;
    *vars_template = NULL;
    if (def->os.loader) {
        *code = def->os.loader;
        *vars_template = def->os.nvram_template;
        /* A known build gets its own template when none is named. */
        for (guint i = 0; !*vars_template && firmware && i < firmware->len; i++) {
            const VmmQemuFirmware *fw = firmware->pdata[i];
            if (g_str_equal(fw->code, def->os.loader))
                *vars_template = fw->vars;
        }
        return TRUE;
    }
    if (g_strcmp0(def->os.firmware, "efi") != 0)
        return TRUE;
    for (guint i = 0; firmware && i < firmware->len; i++) {
        const VmmQemuFirmware *fw = firmware->pdata[i];
        if (fw->secure == secure) {
            *code = fw->code;
            *vars_template = def->os.nvram_template ? def->os.nvram_template : fw->vars;
            return TRUE;
        }
    }
    return unsupported(error, _("no %sUEFI firmware found for firmware='efi'"),
                       secure ? _("secure-boot ") : "");
}

/* A pflash drive: the file node and the raw format node over it. */
static void
pflash_blockdev(Build *b, int unit, const char *path, gboolean readonly)
{
    g_autoptr(GString) s = g_string_new(NULL);
    g_autoptr(GString) f = g_string_new(NULL);
    g_autofree char *storage = g_strdup_printf("vmm-pflash%d-storage", unit);

    prop(s, "driver", "file");
    prop(s, "filename", path);
    prop(s, "node-name", storage);
    prop(s, "auto-read-only", "on");
    prop(s, "discard", "unmap");
    add_props(b, "-blockdev", s);
    propf(f, "node-name", "vmm-pflash%d-format", unit);
    prop(f, "read-only", readonly ? "on" : "off");
    prop(f, "driver", "raw");
    prop(f, "file", storage);
    add_props(b, "-blockdev", f);
}

static gboolean
build_firmware(Build *b, GError **error)
{
    const VmmDomainDef *def = b->def;
    const char *code = NULL, *vars = NULL;

    if (!vmm_qemu_firmware_select(def, b->params->firmware, &code, &vars, error))
        return FALSE;
    if (!code)
        return TRUE;
    if (g_strcmp0(def->os.loader_type, "rom") == 0) {
        add2(b, "-bios", code);
        return TRUE;
    }
    if (def->os.loader_readonly == VMM_TRISTATE_NO)
        return unsupported(error, _("a writable pflash loader is not supported"));
    b->fw_code = code;
    b->fw_nvram = def->os.nvram ? def->os.nvram : b->params->nvram_path;
    if (!b->fw_nvram) {
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("no NVRAM path for the UEFI variables of domain '%s'"), def->name);
        return FALSE;
    }
    if (def->os.loader_secure == VMM_TRISTATE_YES) {
        if (!b->q35)
            return unsupported(error, _("secure boot needs a q35 machine"));
        if (def->features.state[VMM_DOMAIN_FEATURE_SMM] == VMM_TRISTATE_NO)
            return unsupported(error, _("secure boot needs <smm state='on'/>"));
    }
    pflash_blockdev(b, 0, code, TRUE);
    pflash_blockdev(b, 1, b->fw_nvram, FALSE);
    return TRUE;
}

/* ---- 3. monitor, clock, lifecycle, boot ---- */

static void
build_monitor(Build *b)
{
    const VmmQemuBuildParams *p = b->params;
    g_autoptr(GString) s = g_string_new("socket");

    prop(s, "id", "charmonitor");
    propf(s, "fd", "%d", p->monitor_fd);
    prop(s, "server", "on");
    prop(s, "wait", "off");
    add_props(b, "-chardev", s);
    g_array_append_val(b->fds, p->monitor_fd);
    add2(b, "-mon", "chardev=charmonitor,id=monitor,mode=control");
}

static gboolean
build_clock(Build *b, GError **error)
{
    const VmmDomainDef *def = b->def;
    g_autoptr(GString) s = g_string_new(NULL);

    prop(s, "base", def->clock_offset == VMM_DOMAIN_CLOCK_LOCALTIME ? "localtime" : "utc");
    for (guint i = 0; def->timers && i < def->timers->len; i++) {
        const VmmDomainTimer *t = def->timers->pdata[i];
        if (g_strcmp0(t->name, "rtc") != 0)
            continue;
        if (t->track) {
            if (g_str_equal(t->track, "guest"))
                prop(s, "clock", "vm");
            else if (g_str_equal(t->track, "wall") || g_str_equal(t->track, "realtime"))
                prop(s, "clock", "rt");
            else
                prop(s, "clock", "host");
        }
        if (t->tickpolicy) {
            if (g_str_equal(t->tickpolicy, "catchup"))
                prop(s, "driftfix", "slew");
            else if (!g_str_equal(t->tickpolicy, "delay"))
                return unsupported(error, _("rtc timer tickpolicy '%s' is not supported"),
                                   t->tickpolicy);
        }
    }
    add_props(b, "-rtc", s);
    for (guint i = 0; def->timers && i < def->timers->len; i++) {
        const VmmDomainTimer *t = def->timers->pdata[i];
        if (g_strcmp0(t->name, "pit") != 0 || !t->tickpolicy)
            continue;
        if (g_str_equal(t->tickpolicy, "delay")) {
            if (b->kvm)
                add2(b, "-global", "kvm-pit.lost_tick_policy=delay");
        } else if (g_str_equal(t->tickpolicy, "discard")) {
            add2(b, "-global", b->kvm ? "kvm-pit.lost_tick_policy=discard"
                                      : "isa-pit.lost_tick_policy=discard");
        } else {
            return unsupported(error, _("pit timer tickpolicy '%s' is not supported"),
                               t->tickpolicy);
        }
    }
    return TRUE;
}

static void
build_lifecycle(Build *b)
{
    const VmmDomainDef *def = b->def;
    const char *lpc = b->q35 ? "ICH9-LPC" : "PIIX4_PM";

    /* QEMU never exits on a guest power-off by itself: vmmd restarts the
     * guest (a reboot through the power button, on_poweroff restart),
     * keeps it (preserve) or tells QEMU to quit. */
    add(b, "-no-shutdown");
    if (def->on_reboot == VMM_DOMAIN_LIFECYCLE_DESTROY)
        add(b, "-no-reboot");
    if (def->pm_suspend_to_mem != VMM_TRISTATE_ABSENT) {
        g_autofree char *g = g_strdup_printf("%s.disable_s3=%d", lpc,
                                             def->pm_suspend_to_mem == VMM_TRISTATE_NO);
        add2(b, "-global", g);
    }
    if (def->pm_suspend_to_disk != VMM_TRISTATE_ABSENT) {
        g_autofree char *g = g_strdup_printf("%s.disable_s4=%d", lpc,
                                             def->pm_suspend_to_disk == VMM_TRISTATE_NO);
        add2(b, "-global", g);
    }
}

/*
 * Boot order becomes bootindex= on devices: per-device <boot order=''>
 * when given, else each <os><boot dev=''> in turn names the first device of
 * its class (hd: disk, cdrom, network).  Without either, the first disk
 * boots, as libvirt's default <boot dev='hd'/> does.
 */
static void
assign_boot(Build *b)
{
    const VmmDomainDef *def = b->def;
    const VmmDomainDevices *d = &def->devices;
    GPtrArray *devs = def->os.boot_devs;
    int order = 1;

    b->disk_boot = g_new0(int, d->disks->len + 1);
    b->net_boot = g_new0(int, d->interfaces->len + 1);
    if (vmm_domain_devices_have_boot_order(d)) {
        for (guint i = 0; i < d->disks->len; i++)
            b->disk_boot[i] = MAX(((VmmDomainDiskDef *)d->disks->pdata[i])->info.boot_order, 0);
        for (guint i = 0; i < d->interfaces->len; i++)
            b->net_boot[i] = MAX(((VmmDomainNetDef *)d->interfaces->pdata[i])->info.boot_order, 0);
        return;
    }
    if ((!devs || devs->len == 0) && def->os.kernel)
        return;
    for (guint k = 0; k < (devs && devs->len ? devs->len : 1); k++) {
        const char *dev = devs && devs->len ? devs->pdata[k] : "hd";
        if (g_str_equal(dev, "network")) {
            if (d->interfaces->len > 0 && !b->net_boot[0])
                b->net_boot[0] = order++;
            continue;
        }
        for (guint i = 0; i < d->disks->len; i++) {
            const VmmDomainDiskDef *disk = d->disks->pdata[i];
            if ((g_str_equal(dev, "hd") && disk->device == VMM_DISK_DEVICE_DISK) ||
                (g_str_equal(dev, "cdrom") && disk->device == VMM_DISK_DEVICE_CDROM)) {
                if (!b->disk_boot[i])
                    b->disk_boot[i] = order++;
                break;
            }
        }
    }
}

static void
build_boot(Build *b)
{
    const VmmDomainOsDef *os = &b->def->os;
    g_autoptr(GString) s = g_string_new(NULL);

    if (os->bootmenu == VMM_TRISTATE_YES) {
        prop(s, "menu", "on");
        if (os->has_bootmenu_timeout)
            propf(s, "splash-time", "%" G_GUINT64_FORMAT, os->bootmenu_timeout);
    }
    if (os->has_bios_reboot_timeout)
        propf(s, "reboot-timeout", "%" G_GINT64_FORMAT, os->bios_reboot_timeout);
    prop(s, "strict", "on");
    add_props(b, "-boot", s);
    if (os->kernel)
        add2(b, "-kernel", os->kernel);
    if (os->initrd)
        add2(b, "-initrd", os->initrd);
    if (os->cmdline)
        add2(b, "-append", os->cmdline);
    if (os->dtb)
        add2(b, "-dtb", os->dtb);
}

/* ---- 4a. controllers ---- */

static const VmmDomainControllerDef *
first_usb_controller(const VmmDomainDef *def)
{
    return find_controller(def, VMM_CONTROLLER_TYPE_USB, -1);
}

/* Which controllers devices need that the definition does not have. */
static gboolean
find_needs(Build *b, GError **error)
{
    const VmmDomainDevices *d = &b->def->devices;
    const VmmDomainControllerDef *usb = first_usb_controller(b->def);
    gboolean usb_none = usb && g_strcmp0(usb->model, "none") == 0;
    gboolean wants_usb = FALSE;

    for (guint i = 0; i < d->disks->len; i++) {
        const VmmDomainDiskDef *disk = d->disks->pdata[i];
        if (disk->bus == VMM_DISK_BUS_SCSI &&
            !find_controller(b->def, VMM_CONTROLLER_TYPE_SCSI, -1))
            b->need_scsi = TRUE;
        if (disk->bus == VMM_DISK_BUS_SATA && !b->q35 &&
            !find_controller(b->def, VMM_CONTROLLER_TYPE_SATA, -1))
            b->need_sata = TRUE;
    }
    for (guint i = 0; i < d->inputs->len; i++) {
        const VmmDomainInputDef *in = d->inputs->pdata[i];
        if (in->bus == VMM_INPUT_BUS_USB)
            wants_usb = TRUE;
    }
    for (guint i = 0; i < d->chardevs->len; i++) {
        const VmmDomainChrDef *c = d->chardevs->pdata[i];
        const char *tt = vmm_chr_target_type_to_string(c->devtype, c->target_type);
        if ((c->devtype == VMM_CHR_DEVICE_CHANNEL || c->devtype == VMM_CHR_DEVICE_CONSOLE) &&
            g_strcmp0(tt, "virtio") == 0 &&
            !find_controller(b->def, VMM_CONTROLLER_TYPE_VIRTIO_SERIAL, -1))
            b->need_vserial = TRUE;
    }
    if (wants_usb && usb_none)
        return unsupported(error, _("USB input devices need a USB controller, and the "
                                    "domain has <controller type='usb' model='none'/>"));
    b->need_usb = wants_usb && !usb;
    if (usb && !usb_none && usb->index != 0)
        g_snprintf(b->usb_bus, sizeof(b->usb_bus), "usb%d.0", usb->index);
    else
        g_strlcpy(b->usb_bus, "usb.0", sizeof(b->usb_bus));
    return TRUE;
}

static char *
usb_controller_id(int index)
{
    return index == 0 ? g_strdup("usb") : g_strdup_printf("usb%d", index);
}

static gboolean
build_usb_controller(Build *b, const VmmDomainControllerDef *c, int *group_slot,
                     GError **error)
{
    static const struct {
        const char *model, *device;
        int function;                /* in an ICH9 EHCI+UHCI group, else -1 */
    } models[] = {
        { "piix3-uhci", "piix3-usb-uhci", -1 },
        { "piix4-uhci", "piix4-usb-uhci", -1 },
        { "ehci", "usb-ehci", -1 },
        { "ich9-ehci1", "ich9-usb-ehci1", 7 },
        { "ich9-uhci1", "ich9-usb-uhci1", 0 },
        { "ich9-uhci2", "ich9-usb-uhci2", 1 },
        { "ich9-uhci3", "ich9-usb-uhci3", 2 },
        { "nec-xhci", "nec-usb-xhci", -1 },
        { "qemu-xhci", "qemu-xhci", -1 },
    };
    const char *model = c->model ? c->model : (b->q35 ? "qemu-xhci" : "piix3-uhci");
    g_autoptr(GString) s = NULL;
    g_autofree char *id = usb_controller_id(c->index);
    size_t m;

    if (g_str_equal(model, "none"))
        return TRUE;
    for (m = 0; m < G_N_ELEMENTS(models); m++) {
        if (g_str_equal(models[m].model, model))
            break;
    }
    if (m == G_N_ELEMENTS(models) || !vmm_qemu_caps_has_device(b->caps, models[m].device))
        return unsupported(error, _("USB controller model '%s' is not supported"), model);
    s = g_string_new(models[m].device);
    if (c->info.master_startport >= 0) {
        propf(s, "masterbus", "%s.0", id);
        propf(s, "firstport", "%d", c->info.master_startport);
    } else {
        prop(s, "id", c->info.alias ? c->info.alias : id);
    }
    if (c->ports > 0 && strstr(models[m].device, "xhci")) {
        propf(s, "p2", "%d", c->ports);
        propf(s, "p3", "%d", c->ports);
    }
    if (c->info.addr.type == VMM_DEVICE_ADDRESS_NONE && models[m].function >= 0) {
        /* The EHCI and its UHCI companions share one slot. */
        if (*group_slot < 0 && (*group_slot = alloc_slot(b, "USB controller", error)) < 0)
            return FALSE;
        pci_at(b, s, 0, *group_slot, models[m].function, models[m].function == 0);
    } else if (c->info.addr.type == VMM_DEVICE_ADDRESS_NONE && !b->q35 &&
               g_str_equal(model, "piix3-uhci") && c->index == 0) {
        /* Function 2 of the PIIX3, where the chipset has it. */
        pci_at(b, s, 0, 1, 2, FALSE);
    } else if (!pci_address(b, &c->info, s, "USB controller", error)) {
        return FALSE;
    }
    add_props(b, "-device", s);
    return TRUE;
}

static gboolean
build_pci_controller(Build *b, const VmmDomainControllerDef *c, GError **error)
{
    const char *model = c->model ? c->model : (b->q35 ? "pcie-root" : "pci-root");
    g_autoptr(GString) s = NULL;

    if (c->index == 0) {
        if (g_str_equal(model, b->q35 ? "pcie-root" : "pci-root"))
            return TRUE;
        return unsupported(error, _("PCI controller model '%s' does not fit machine '%s'"),
                           model, b->q35 ? "q35" : "pc");
    }
    if (g_str_equal(model, "pcie-root-port") && b->q35) {
        s = g_string_new("pcie-root-port");
        propf(s, "port", "0x%x", c->target_port >= 0 ? c->target_port : 0x10 + c->index - 1);
        propf(s, "chassis", "%d", c->chassis >= 0 ? c->chassis : c->index);
    } else if (g_str_equal(model, "pci-bridge") && !b->q35) {
        s = g_string_new("pci-bridge");
        propf(s, "chassis_nr", "%d", c->chassis_nr >= 0 ? c->chassis_nr : c->index);
    } else {
        return unsupported(error, _("PCI controller model '%s' is not supported"), model);
    }
    propf(s, "id", "pci.%d", c->index);
    if (!pci_address(b, &c->info, s, "PCI controller", error))
        return FALSE;
    add_props(b, "-device", s);
    return TRUE;
}

static gboolean
build_controller(Build *b, const VmmDomainControllerDef *c, int *usb_slots, GError **error)
{
    g_autoptr(GString) s = NULL;
    const char *what = vmm_controller_type_to_string(c->type);

    switch (c->type) {
    case VMM_CONTROLLER_TYPE_USB:
        return build_usb_controller(b, c, &usb_slots[MIN(c->index, 7)], error);
    case VMM_CONTROLLER_TYPE_PCI:
        return build_pci_controller(b, c, error);
    case VMM_CONTROLLER_TYPE_IDE:
        if (b->q35)
            return unsupported(error, _("IDE controllers are not supported on q35 machines; "
                                        "use bus 'sata'"));
        if (c->index != 0)
            return unsupported(error, _("only one IDE controller is supported"));
        return TRUE;                 /* the PIIX3's own */
    case VMM_CONTROLLER_TYPE_SATA:
        if (b->q35 && c->index == 0)
            return TRUE;             /* the ICH9's own AHCI */
        s = g_string_new("ich9-ahci");
        propf(s, "id", "sata%d", c->index);
        break;
    case VMM_CONTROLLER_TYPE_SCSI:
        if (c->model && !g_str_equal(c->model, "virtio-scsi") && !g_str_equal(c->model, "auto"))
            return unsupported(error, _("SCSI controller model '%s' is not supported"),
                               c->model);
        s = g_string_new("virtio-scsi-pci");
        propf(s, "id", "scsi%d", c->index);
        break;
    case VMM_CONTROLLER_TYPE_VIRTIO_SERIAL:
        if (c->model && !g_str_equal(c->model, "virtio"))
            return unsupported(error, _("virtio-serial controller model '%s' is not "
                                        "supported"), c->model);
        s = g_string_new("virtio-serial-pci");
        propf(s, "id", "virtio-serial%d", c->index);
        if (c->ports > 0)
            propf(s, "max_ports", "%d", c->ports);
        if (c->vectors > 0)
            propf(s, "vectors", "%d", c->vectors);
        break;
    default:
        return unsupported(error, _("controller type '%s' is not supported"), what);
    }
    if (!pci_address(b, &c->info, s, what, error))
        return FALSE;
    add_props(b, "-device", s);
    return TRUE;
}

static gboolean
build_controllers(Build *b, GError **error)
{
    const VmmDomainDevices *d = &b->def->devices;
    int usb_slots[8] = { -1, -1, -1, -1, -1, -1, -1, -1 };
    VmmDomainControllerDef implicit_def = { 0 };
    VmmDomainControllerDef *implicit = &implicit_def;

    /* PCI controllers first: other devices' bus= names them. */
    for (int pass = 0; pass < 2; pass++) {
        for (guint i = 0; i < d->controllers->len; i++) {
            const VmmDomainControllerDef *c = d->controllers->pdata[i];
            if ((c->type == VMM_CONTROLLER_TYPE_PCI) != (pass == 0))
                continue;
            if (!build_controller(b, c, usb_slots, error))
                return FALSE;
        }
    }
    implicit->ports = implicit->vectors = -1;
    implicit->info.master_startport = -1;
    if (b->need_usb) {
        implicit->type = VMM_CONTROLLER_TYPE_USB;
        if (!build_controller(b, implicit, usb_slots, error))
            return FALSE;
    }
    if (b->need_scsi) {
        implicit->type = VMM_CONTROLLER_TYPE_SCSI;
        if (!build_controller(b, implicit, usb_slots, error))
            return FALSE;
    }
    if (b->need_sata) {
        implicit->type = VMM_CONTROLLER_TYPE_SATA;
        if (!build_controller(b, implicit, usb_slots, error))
            return FALSE;
    }
    if (b->need_vserial) {
        implicit->type = VMM_CONTROLLER_TYPE_VIRTIO_SERIAL;
        if (!build_controller(b, implicit, usb_slots, error))
            return FALSE;
    }
    return TRUE;
}

/* ---- 4b. disks ---- */

/* Where a disk sits on its controller: libvirt's drive address, from the
 * definition or from the target name's index. */
static gboolean
disk_drive_address(const VmmDomainDiskDef *disk, unsigned int *controller,
                   unsigned int *bus, unsigned int *target, unsigned int *unit,
                   GError **error)
{
    int idx;

    if (disk->info.addr.type == VMM_DEVICE_ADDRESS_DRIVE) {
        *controller = disk->info.addr.controller;
        *bus = disk->info.addr.bus;
        *target = disk->info.addr.target;
        *unit = disk->info.addr.unit;
        return TRUE;
    }
    if ((idx = disk_index(disk->dst)) < 0)
        return unsupported(error, _("cannot place disk '%s' on its bus"), disk->dst);
    *controller = *bus = *target = *unit = 0;
    switch (disk->bus) {
    case VMM_DISK_BUS_IDE:
        *bus = idx / 2;
        *unit = idx % 2;
        break;
    case VMM_DISK_BUS_SATA:
        *controller = idx / 6;
        *unit = idx % 6;
        break;
    case VMM_DISK_BUS_SCSI:
        *controller = idx / 7;
        *unit = idx % 7;
        break;
    default:
        break;
    }
    return TRUE;
}

static gboolean
check_disk(Build *b, const VmmDomainDiskDef *disk, GError **error)
{
    const char *fmt = disk->driver_type ? disk->driver_type : "raw";

    if (disk->device != VMM_DISK_DEVICE_DISK && disk->device != VMM_DISK_DEVICE_CDROM)
        return unsupported(error, _("disk device '%s' is not supported"),
                           vmm_disk_device_to_string(disk->device));
    if (disk->bus != VMM_DISK_BUS_IDE && disk->bus != VMM_DISK_BUS_SCSI &&
        disk->bus != VMM_DISK_BUS_VIRTIO && disk->bus != VMM_DISK_BUS_SATA)
        return unsupported(error, _("disk bus '%s' is not supported"),
                           vmm_disk_bus_to_string(disk->bus));
    if (disk->bus == VMM_DISK_BUS_IDE && b->q35)
        return unsupported(error, _("disk bus 'ide' of disk '%s' is not supported on q35 "
                                    "machines; use bus 'sata'"), disk->dst);
    if (disk->bus == VMM_DISK_BUS_VIRTIO && disk->device == VMM_DISK_DEVICE_CDROM)
        return unsupported(error, _("disk bus 'virtio' of disk '%s' cannot be a cdrom"),
                           disk->dst);
    if (disk->type != VMM_DISK_TYPE_FILE && disk->type != VMM_DISK_TYPE_BLOCK)
        return unsupported(error, _("disk type '%s' of disk '%s' is not supported"),
                           vmm_disk_type_to_string(disk->type), disk->dst);
    if (disk->driver_name && !g_str_equal(disk->driver_name, "qemu"))
        return unsupported(error, _("disk driver '%s' of disk '%s' is not supported"),
                           disk->driver_name, disk->dst);
    if (!g_str_equal(fmt, "raw") && !g_str_equal(fmt, "qcow2"))
        return unsupported(error, _("disk format '%s' of disk '%s' is not supported"),
                           fmt, disk->dst);
    /* QEMU's ide-hd cannot run on a read-only block node. */
    if (disk->readonly && disk->device == VMM_DISK_DEVICE_DISK &&
        (disk->bus == VMM_DISK_BUS_IDE || disk->bus == VMM_DISK_BUS_SATA))
        return unsupported(error, _("readonly %s disk '%s' is not supported"),
                           vmm_disk_bus_to_string(disk->bus), disk->dst);
    if (disk->transient)
        return unsupported(error, _("transient disk '%s' is not supported"), disk->dst);
    if (!disk->src_path && disk->device == VMM_DISK_DEVICE_DISK)
        return unsupported(error, _("disk '%s' has no source"), disk->dst);
    if (disk->io == VMM_DISK_IO_NATIVE && disk->cache != VMM_DISK_CACHE_DISABLE &&
        disk->cache != VMM_DISK_CACHE_DIRECTSYNC)
        return unsupported(error, _("disk '%s': io='native' needs cache='none' or "
                                    "cache='directsync'"), disk->dst);
    return TRUE;
}

/* Host cache flags per cache mode: libvirt's table. */
static const struct {
    gboolean set, writeback, direct, no_flush;
} cache_modes[VMM_DISK_CACHE_LAST] = {
    [VMM_DISK_CACHE_DISABLE] = { TRUE, TRUE, TRUE, FALSE },
    [VMM_DISK_CACHE_WRITETHRU] = { TRUE, FALSE, FALSE, FALSE },
    [VMM_DISK_CACHE_WRITEBACK] = { TRUE, TRUE, FALSE, FALSE },
    [VMM_DISK_CACHE_DIRECTSYNC] = { TRUE, FALSE, TRUE, FALSE },
    [VMM_DISK_CACHE_UNSAFE] = { TRUE, TRUE, FALSE, TRUE },
};

static void
cache_props(GString *s, const VmmDomainDiskDef *disk)
{
    if (!cache_modes[disk->cache].set)
        return;
    prop(s, "cache.direct", cache_modes[disk->cache].direct ? "on" : "off");
    prop(s, "cache.no-flush", cache_modes[disk->cache].no_flush ? "on" : "off");
}

static void
disk_blockdevs(Build *b, const VmmDomainDiskDef *disk, guint n)
{
    static const char *const aio[VMM_DISK_IO_LAST] = {
        NULL, "native", "threads", "io_uring",
    };
    static const char *const zeroes[VMM_DISK_DETECT_ZEROES_LAST] = {
        NULL, "off", "on", "unmap",
    };
    g_autoptr(GString) s = g_string_new(NULL);
    g_autoptr(GString) f = g_string_new(NULL);
    g_autofree char *storage = g_strdup_printf("vmm-%u-storage", n);
    gboolean readonly = disk->readonly || disk->device == VMM_DISK_DEVICE_CDROM;

    if (disk->type == VMM_DISK_TYPE_BLOCK)
        prop(s, "driver", disk->device == VMM_DISK_DEVICE_CDROM ? "host_cdrom"
                                                                : "host_device");
    else
        prop(s, "driver", "file");
    prop(s, "filename", disk->src_path);
    prop(s, "node-name", storage);
    prop(s, "auto-read-only", "on");
    if (disk->discard == VMM_DISK_DISCARD_UNMAP)
        prop(s, "discard", "unmap");
    if (aio[disk->io])
        prop(s, "aio", aio[disk->io]);
    cache_props(s, disk);
    add_props(b, "-blockdev", s);

    g_autofree char *format = vmm_qemu_disk_format_node(n - 1);
    prop(f, "node-name", format);
    prop(f, "read-only", readonly ? "on" : "off");
    if (disk->discard == VMM_DISK_DISCARD_UNMAP)
        prop(f, "discard", "unmap");
    if (zeroes[disk->detect_zeroes])
        prop(f, "detect-zeroes", zeroes[disk->detect_zeroes]);
    cache_props(f, disk);
    prop(f, "driver", disk->driver_type ? disk->driver_type : "raw");
    prop(f, "file", storage);
    add_props(b, "-blockdev", f);
}

char *
vmm_qemu_disk_format_node(guint pos)
{
    return g_strdup_printf("vmm-%u-format", pos + 1);
}

static gboolean
build_disk(Build *b, const VmmDomainDiskDef *disk, guint pos, GError **error)
{
    g_autoptr(GString) s = NULL;
    unsigned int ctrl = 0, bus = 0, target = 0, unit = 0;
    gboolean cdrom = disk->device == VMM_DISK_DEVICE_CDROM;
    guint n = pos + 1;

    b->last_slot = -1;
    if (!check_disk(b, disk, error) ||
        !disk_drive_address(disk, &ctrl, &bus, &target, &unit, error))
        return FALSE;
    if (disk->src_path)
        disk_blockdevs(b, disk, n);

    switch (disk->bus) {
    case VMM_DISK_BUS_VIRTIO:
        s = g_string_new("virtio-blk-pci");
        if (!pci_address(b, &disk->info, s, disk->dst, error))
            return FALSE;
        break;
    case VMM_DISK_BUS_IDE:
        s = g_string_new(cdrom ? "ide-cd" : "ide-hd");
        propf(s, "bus", "ide.%u", bus);
        propf(s, "unit", "%u", unit);
        break;
    case VMM_DISK_BUS_SATA:
        s = g_string_new(cdrom ? "ide-cd" : "ide-hd");
        if (b->q35 && ctrl == 0)
            propf(s, "bus", "ide.%u", unit);
        else
            propf(s, "bus", "sata%u.%u", ctrl, unit);
        break;
    case VMM_DISK_BUS_SCSI:
        s = g_string_new(cdrom ? "scsi-cd" : "scsi-hd");
        propf(s, "bus", "scsi%u.0", ctrl);
        propf(s, "channel", "%u", bus);
        propf(s, "scsi-id", "%u", target);
        propf(s, "lun", "%u", unit);
        break;
    default:
        g_assert_not_reached();
    }
    if (disk->src_path) {
        g_autofree char *format = vmm_qemu_disk_format_node(pos);
        prop(s, "drive", format);
    }
    switch (disk->bus) {
    case VMM_DISK_BUS_VIRTIO:
        device_id(b, s, &disk->info, "virtio-disk%d", disk_index(disk->dst));
        break;
    case VMM_DISK_BUS_IDE:
        device_id(b, s, &disk->info, "ide%u-%u-%u", ctrl, bus, unit);
        break;
    case VMM_DISK_BUS_SATA:
        device_id(b, s, &disk->info, "sata%u-0-%u", ctrl, unit);
        break;
    default:
        device_id(b, s, &disk->info, "scsi%u-%u-%u-%u", ctrl, bus, target, unit);
        break;
    }
    if (boot_index(b, b->disk_boot, pos))
        propf(s, "bootindex", "%d", boot_index(b, b->disk_boot, pos));
    if (cache_modes[disk->cache].set && !cdrom)
        prop(s, "write-cache", cache_modes[disk->cache].writeback ? "on" : "off");
    if (disk->serial)
        prop(s, "serial", disk->serial);
    add_props(b, "-device", s);
    if (b->out)
        record_device(b, b->out->disk_ids, b->out->disk_slots);
    return TRUE;
}

/* ---- 4c. network interfaces ---- */

static int
param_fd(const int *fds, guint n, guint pos)
{
    return fds && pos < n ? fds[pos] : -1;
}

static gboolean
build_net(Build *b, const VmmDomainNetDef *net, guint pos, GError **error)
{
    static const struct { const char *model, *device; } models[] = {
        { "virtio", "virtio-net-pci" },
        { "e1000", "e1000" },
        { "e1000e", "e1000e" },
        { "rtl8139", "rtl8139" },
    };
    const VmmQemuBuildParams *p = b->params;
    const char *model = net->model ? net->model : "rtl8139";
    g_autoptr(GString) nd = NULL;
    g_autoptr(GString) s = NULL;
    char mac[VMM_MAC_STRING_BUFLEN];
    int fd = param_fd(p->tap_fds, p->n_tap_fds, pos);
    size_t m;

    for (m = 0; m < G_N_ELEMENTS(models); m++) {
        if (g_str_equal(models[m].model, model))
            break;
    }
    if (m == G_N_ELEMENTS(models) || !vmm_qemu_caps_has_device(b->caps, models[m].device))
        return unsupported(error, _("interface model '%s' is not supported"), model);
    if (net->driver_queues > 1)
        return unsupported(error, _("multiqueue interface (queues='%d') is not supported"),
                           net->driver_queues);
    if (net->link == VMM_NET_LINK_DOWN)
        return unsupported(error, _("interface link state 'down' is not supported"));

    switch (net->type) {
    case VMM_NET_TYPE_USER:
        nd = g_string_new("user");
        break;
    case VMM_NET_TYPE_NETWORK:
    case VMM_NET_TYPE_BRIDGE:
    case VMM_NET_TYPE_ETHERNET:
        if (b->tap_fdname) {
            nd = g_string_new("tap");
            prop(nd, "fd", b->tap_fdname);
        } else if (fd >= 0) {
            int vhost = param_fd(p->vhost_fds, p->n_vhost_fds, pos);
            nd = g_string_new("tap");
            propf(nd, "fd", "%d", fd);
            g_array_append_val(b->fds, fd);
            if (vhost >= 0) {
                prop(nd, "vhost", "on");
                propf(nd, "vhostfd", "%d", vhost);
                g_array_append_val(b->fds, vhost);
            }
        } else if (p->session && net->type == VMM_NET_TYPE_NETWORK) {
            /* A session daemon cannot create taps: user-mode networking. */
            nd = g_string_new("user");
        } else {
            vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                          _("no tap device was opened for interface %u (type '%s')"),
                          pos, vmm_net_type_to_string(net->type));
            return FALSE;
        }
        break;
    default:
        return unsupported(error, _("interface type '%s' is not supported"),
                           vmm_net_type_to_string(net->type));
    }
    propf(nd, "id", "hostnet%u", pos);
    add_props(b, "-netdev", nd);

    b->last_slot = -1;
    s = g_string_new(models[m].device);
    propf(s, "netdev", "hostnet%u", pos);
    device_id(b, s, &net->info, "net%u", pos);
    prop(s, "mac", vmm_mac_format(net->mac, mac));
    if (net->mtu > 0 && g_str_equal(model, "virtio"))
        propf(s, "host_mtu", "%d", net->mtu);
    if (!pci_address(b, &net->info, s, "interface", error))
        return FALSE;
    if (boot_index(b, b->net_boot, pos))
        propf(s, "bootindex", "%d", boot_index(b, b->net_boot, pos));
    add_props(b, "-device", s);
    if (b->out)
        record_device(b, b->out->net_ids, b->out->net_slots);
    return TRUE;
}

/* ---- 4d. character devices ---- */

/* -chardev for @src with @id; unix sources without a path use @auto_path. */
static gboolean
build_chardev(Build *b, const VmmChrSource *src, const char *id, const char *auto_path,
              const char *spice_name, const char *what, GError **error)
{
    g_autoptr(GString) s = NULL;
    const char *path = src->path ? src->path : auto_path;

    switch (src->type) {
    case VMM_CHR_TYPE_NULL:
        s = g_string_new("null");
        prop(s, "id", id);
        break;
    case VMM_CHR_TYPE_PTY:
        s = g_string_new("pty");
        prop(s, "id", id);
        break;
    case VMM_CHR_TYPE_FILE:
        if (!src->path)
            return unsupported(error, _("%s: a file backend needs a path"), what);
        s = g_string_new("file");
        prop(s, "id", id);
        prop(s, "path", src->path);
        if (src->append != VMM_TRISTATE_ABSENT)
            prop(s, "append", vmm_tristate_onoff(src->append));
        break;
    case VMM_CHR_TYPE_UNIX:
        if (!path)
            return unsupported(error, _("%s: a unix backend needs a path"), what);
        s = g_string_new("socket");
        prop(s, "id", id);
        prop(s, "path", path);
        if (src->mode != VMM_CHR_MODE_CONNECT) {
            prop(s, "server", "on");
            prop(s, "wait", "off");
        }
        break;
    case VMM_CHR_TYPE_TCP:
        if (!src->service)
            return unsupported(error, _("%s: a tcp backend needs a port"), what);
        s = g_string_new("socket");
        prop(s, "id", id);
        prop(s, "host", src->host ? src->host : "127.0.0.1");
        prop(s, "port", src->service);
        if (src->protocol == VMM_CHR_PROTOCOL_TELNET)
            prop(s, "telnet", "on");
        if (src->mode == VMM_CHR_MODE_BIND) {
            prop(s, "server", "on");
            prop(s, "wait", "off");
        }
        break;
    case VMM_CHR_TYPE_SPICEVMC:
        if (!spice_name || !vmm_qemu_caps_has_flag(b->caps, "spice"))
            return unsupported(error, _("%s: backend 'spicevmc' is not supported here"),
                               what);
        s = g_string_new("spicevmc");
        prop(s, "id", id);
        prop(s, "name", spice_name);
        break;
    default:
        return unsupported(error, _("%s: character device backend '%s' is not supported"),
                           what, vmm_chr_type_to_string(src->type));
    }
    add_props(b, "-chardev", s);
    return TRUE;
}

/* The virtio-serial port numbers given out so far (bit per port). */
typedef struct {
    guint64 used;
} VserialPorts;

static int
vserial_port(VserialPorts *ports, const VmmDomainChrDef *c, gboolean console)
{
    int nr;

    if (c->info.addr.type == VMM_DEVICE_ADDRESS_VIRTIO_SERIAL && c->info.addr.port < 64)
        nr = c->info.addr.port;
    else if (console && !(ports->used & 1))
        nr = 0;                      /* port 0 is meant for a console */
    else
        for (nr = 1; nr < 63 && (ports->used & ((guint64)1 << nr)); nr++)
            ;
    ports->used |= (guint64)1 << nr;
    return nr;
}

static gboolean
build_chr(Build *b, const VmmDomainChrDef *c, int nth, VserialPorts *ports, GError **error)
{
    const char *tt = vmm_chr_target_type_to_string(c->devtype, c->target_type);
    const char *kind = vmm_chr_device_type_to_string(c->devtype);
    g_autofree char *alias = c->info.alias ? g_strdup(c->info.alias)
                                           : g_strdup_printf("%s%d", kind, nth);
    g_autofree char *id = g_strdup_printf("char%s", alias);
    g_autofree char *auto_path = NULL;
    g_autoptr(GString) s = NULL;
    unsigned int vs_ctrl = c->info.addr.type == VMM_DEVICE_ADDRESS_VIRTIO_SERIAL ?
                           c->info.addr.controller : 0;

    switch (c->devtype) {
    case VMM_CHR_DEVICE_SERIAL:
        if (tt && !g_str_equal(tt, "isa-serial"))
            return unsupported(error, _("serial target type '%s' is not supported"), tt);
        if (!build_chardev(b, &c->src, id, NULL, NULL, alias, error))
            return FALSE;
        s = g_string_new("isa-serial");
        prop(s, "chardev", id);
        prop(s, "id", alias);
        propf(s, "index", "%d", c->target_port);
        break;
    case VMM_CHR_DEVICE_CONSOLE:
        /* A serial console is the <serial> it duplicates. */
        if (!tt || g_str_equal(tt, "serial"))
            return TRUE;
        if (!g_str_equal(tt, "virtio"))
            return unsupported(error, _("console target type '%s' is not supported"), tt);
        if (!build_chardev(b, &c->src, id, NULL, NULL, alias, error))
            return FALSE;
        s = g_string_new("virtconsole");
        propf(s, "bus", "virtio-serial%u.0", vs_ctrl);
        propf(s, "nr", "%d", vserial_port(ports, c, TRUE));
        prop(s, "chardev", id);
        prop(s, "id", alias);
        break;
    case VMM_CHR_DEVICE_CHANNEL:
        if (g_strcmp0(tt, "virtio") != 0)
            return unsupported(error, _("channel target type '%s' is not supported"),
                               tt ? tt : "");
        if (c->target_name && b->params->channel_dir)
            auto_path = g_build_filename(b->params->channel_dir, c->target_name, NULL);
        if (!build_chardev(b, &c->src, id, auto_path,
                           g_strcmp0(c->target_name, "com.redhat.spice.0") == 0 ?
                           "vdagent" : NULL, alias, error))
            return FALSE;
        s = g_string_new("virtserialport");
        propf(s, "bus", "virtio-serial%u.0", vs_ctrl);
        propf(s, "nr", "%d", vserial_port(ports, c, FALSE));
        prop(s, "chardev", id);
        prop(s, "id", alias);
        if (c->target_name)
            prop(s, "name", c->target_name);
        break;
    default:
        return unsupported(error, _("character device '%s' is not supported"), kind);
    }
    add_props(b, "-device", s);
    return TRUE;
}

static gboolean
build_chrs(Build *b, GError **error)
{
    GPtrArray *chrs = b->def->devices.chardevs;
    int nth[VMM_CHR_DEVICE_LAST] = { 0 };
    VserialPorts ports = { 0 };

    for (guint i = 0; i < chrs->len; i++) {
        const VmmDomainChrDef *c = chrs->pdata[i];
        if (!build_chr(b, c, nth[c->devtype]++, &ports, error))
            return FALSE;
    }
    return TRUE;
}

/* ---- 4e. input, graphics, video ---- */

static gboolean
build_input(Build *b, const VmmDomainInputDef *in, guint pos, GError **error)
{
    static const char *const usb_devs[] = { "usb-mouse", "usb-tablet", "usb-kbd" };
    static const char *const virtio_devs[] = {
        "virtio-mouse-pci", "virtio-tablet-pci", "virtio-keyboard-pci",
    };
    g_autoptr(GString) s = NULL;

    if (in->type > VMM_INPUT_TYPE_KEYBOARD ||
        (in->bus != VMM_INPUT_BUS_PS2 && in->bus != VMM_INPUT_BUS_USB &&
         in->bus != VMM_INPUT_BUS_VIRTIO) ||
        (in->bus == VMM_INPUT_BUS_PS2 && in->type == VMM_INPUT_TYPE_TABLET))
        return unsupported(error, _("input device '%s' on bus '%s' is not supported"),
                           vmm_input_type_to_string(in->type),
                           vmm_input_bus_to_string(in->bus));
    if (in->bus == VMM_INPUT_BUS_PS2)
        return TRUE;                 /* the i8042 the machine has */
    if (in->bus == VMM_INPUT_BUS_USB) {
        s = g_string_new(usb_devs[in->type]);
        device_id(b, s, &in->info, "input%u", pos);
        if (in->info.addr.type == VMM_DEVICE_ADDRESS_USB) {
            g_autofree char *id = usb_controller_id(in->info.addr.bus);
            propf(s, "bus", "%s.0", id);
            if (in->info.addr.usb_port)
                prop(s, "port", in->info.addr.usb_port);
        } else {
            prop(s, "bus", b->usb_bus);
        }
    } else {
        s = g_string_new(virtio_devs[in->type]);
        device_id(b, s, &in->info, "input%u", pos);
        if (!pci_address(b, &in->info, s, "input device", error))
            return FALSE;
    }
    add_props(b, "-device", s);
    return TRUE;
}

/* The first listen of @g: its address (NULL for the default), socket or
 * none.  Network listens must have been resolved to an address. */
static gboolean
graphics_listen(const VmmDomainGraphicsDef *g, const VmmGraphicsListen **out,
                GError **error)
{
    const VmmGraphicsListen *l = g->listens && g->listens->len ? g->listens->pdata[0]
                                                              : NULL;

    if (l && l->type == VMM_GRAPHICS_LISTEN_NETWORK && !l->address)
        return unsupported(error, _("%s listen on network '%s' is not supported"),
                           vmm_graphics_type_to_string(g->type), l->network);
    *out = l;
    return TRUE;
}

static gboolean
build_vnc(Build *b, const VmmDomainGraphicsDef *g, GError **error)
{
    g_autoptr(GString) s = g_string_new(NULL);
    const VmmGraphicsListen *l;
    int port = g->autoport ? b->params->vnc_port : g->port;

    if (!graphics_listen(g, &l, error))
        return FALSE;
    if (l && l->type == VMM_GRAPHICS_LISTEN_SOCKET) {
        if (!l->socket)
            return unsupported(error, _("VNC socket listen needs a socket path"));
        g_string_append(s, "unix:");
        for (const char *p = l->socket; *p; p++) {
            if (*p == ',')
                g_string_append_c(s, ',');
            g_string_append_c(s, *p);
        }
    } else if (l && l->type == VMM_GRAPHICS_LISTEN_NONE) {
        g_string_append(s, "none");
    } else {
        const char *addr = l && l->address ? l->address : "127.0.0.1";
        if (port < 5900) {
            vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                          _("no usable VNC port (%d) for domain '%s'"), port, b->def->name);
            return FALSE;
        }
        if (strchr(addr, ':'))
            g_string_append_printf(s, "[%s]:%d", addr, port - 5900);
        else
            g_string_append_printf(s, "%s:%d", addr, port - 5900);
    }
    if (g->websocket > 0)
        propf(s, "websocket", "%d", g->websocket);
    /* The password is set over QMP (set_password) once QEMU runs: it never
     * appears on the command line. */
    if (g->passwd)
        prop(s, "password", "on");
    add_props(b, "-vnc", s);
    if (g->keymap)
        add2(b, "-k", g->keymap);
    return TRUE;
}

static gboolean
build_spice(Build *b, const VmmDomainGraphicsDef *g, GError **error)
{
    g_autoptr(GString) s = g_string_new(NULL);
    const VmmGraphicsListen *l;
    int port = g->autoport ? b->params->spice_port : g->port;

    if (!vmm_qemu_caps_has_flag(b->caps, "spice"))
        return unsupported(error, _("spice graphics are not supported by '%s'"),
                           vmm_qemu_caps_get_binary(b->caps));
    if (g->tls_port > 0)
        return unsupported(error, _("spice TLS port is not supported"));
    if (!graphics_listen(g, &l, error))
        return FALSE;
    if (l && l->type == VMM_GRAPHICS_LISTEN_SOCKET) {
        prop(s, "unix", "on");
        prop(s, "addr", l->socket ? l->socket : "");
    } else if (l && l->type == VMM_GRAPHICS_LISTEN_NONE) {
        /* no port at all: only reachable through QMP */
    } else {
        if (port <= 0) {
            vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                          _("no usable SPICE port (%d) for domain '%s'"), port, b->def->name);
            return FALSE;
        }
        propf(s, "port", "%d", port);
        prop(s, "addr", l && l->address ? l->address : "127.0.0.1");
    }
    /* As for VNC, a password is set over QMP after start. */
    if (!g->passwd)
        prop(s, "disable-ticketing", "on");
    if (g->image_compression)
        prop(s, "image-compression", g->image_compression);
    prop(s, "seamless-migration", "on");
    add_props(b, "-spice", s);
    return TRUE;
}

static gboolean
build_graphics(Build *b, GError **error)
{
    GPtrArray *list = b->def->devices.graphics;
    gboolean seen[VMM_GRAPHICS_TYPE_LAST] = { FALSE };

    for (guint i = 0; i < list->len; i++) {
        const VmmDomainGraphicsDef *g = list->pdata[i];
        gboolean ok;

        if (seen[g->type])
            return unsupported(error, _("more than one '%s' graphics device is not "
                                        "supported"), vmm_graphics_type_to_string(g->type));
        seen[g->type] = TRUE;
        if (g->type == VMM_GRAPHICS_TYPE_VNC)
            ok = build_vnc(b, g, error);
        else if (g->type == VMM_GRAPHICS_TYPE_SPICE)
            ok = build_spice(b, g, error);
        else
            ok = unsupported(error, _("graphics type '%s' is not supported"),
                             vmm_graphics_type_to_string(g->type));
        if (!ok)
            return FALSE;
    }
    return TRUE;
}

static gboolean
build_video(Build *b, const VmmDomainVideoDef *v, guint pos, gboolean primary,
            GError **error)
{
    static const struct {
        VmmVideoType type;
        const char *primary, *secondary;
    } models[] = {
        { VMM_VIDEO_TYPE_VGA, "VGA", NULL },
        { VMM_VIDEO_TYPE_CIRRUS, "cirrus-vga", NULL },
        { VMM_VIDEO_TYPE_VMVGA, "vmware-svga", NULL },
        { VMM_VIDEO_TYPE_QXL, "qxl-vga", "qxl" },
        { VMM_VIDEO_TYPE_VIRTIO, "virtio-vga", "virtio-gpu-pci" },
        { VMM_VIDEO_TYPE_BOCHS, "bochs-display", NULL },
    };
    g_autoptr(GString) s = NULL;
    const char *dev = NULL;

    if (v->type == VMM_VIDEO_TYPE_NONE)
        return TRUE;
    for (size_t i = 0; i < G_N_ELEMENTS(models); i++) {
        if (models[i].type == v->type)
            dev = primary ? models[i].primary : models[i].secondary;
    }
    if (!dev || !vmm_qemu_caps_has_device(b->caps, dev))
        return unsupported(error, _("%svideo model '%s' is not supported"),
                           primary ? "" : _("secondary "), vmm_video_type_to_string(v->type));
    s = g_string_new(dev);
    device_id(b, s, &v->info, "video%u", pos);
    if (v->type == VMM_VIDEO_TYPE_QXL) {
        if (v->ram > 0)
            propf(s, "ram_size", "%d", v->ram * 1024);
        if (v->vram > 0)
            propf(s, "vram_size", "%d", v->vram * 1024);
    }
    if (v->vgamem > 0 && (v->type == VMM_VIDEO_TYPE_QXL || v->type == VMM_VIDEO_TYPE_VGA ||
                          v->type == VMM_VIDEO_TYPE_CIRRUS || v->type == VMM_VIDEO_TYPE_VMVGA))
        propf(s, "vgamem_mb", "%d", v->vgamem / 1024);
    if (v->heads > 1 && (v->type == VMM_VIDEO_TYPE_QXL || v->type == VMM_VIDEO_TYPE_VIRTIO))
        propf(s, "max_outputs", "%d", v->heads);
    if (primary && v->info.addr.type == VMM_DEVICE_ADDRESS_NONE)
        pci_at(b, s, 0, b->q35 ? 1 : 2, 0, FALSE);   /* the slot kept for it */
    else if (!pci_address(b, &v->info, s, "video device", error))
        return FALSE;
    add_props(b, "-device", s);
    return TRUE;
}

static gboolean
build_videos(Build *b, GError **error)
{
    GPtrArray *videos = b->def->devices.videos;
    int primary = -1;

    for (guint i = 0; i < videos->len && primary < 0; i++) {
        if (((VmmDomainVideoDef *)videos->pdata[i])->primary)
            primary = i;
    }
    if (primary < 0 && videos->len)
        primary = 0;
    if (primary >= 0 && !build_video(b, videos->pdata[primary], primary, TRUE, error))
        return FALSE;
    for (guint i = 0; i < videos->len; i++) {
        if ((int)i != primary && !build_video(b, videos->pdata[i], i, FALSE, error))
            return FALSE;
    }
    return TRUE;
}

/* ---- 4f. watchdog, balloon, rng, panic ---- */

static gboolean
build_watchdog(Build *b, GError **error)
{
    static const char *const actions[VMM_WATCHDOG_ACTION_LAST] = {
        [VMM_WATCHDOG_ACTION_RESET] = "reset",
        [VMM_WATCHDOG_ACTION_SHUTDOWN] = "shutdown",
        [VMM_WATCHDOG_ACTION_POWEROFF] = "poweroff",
        [VMM_WATCHDOG_ACTION_PAUSE] = "pause",
        [VMM_WATCHDOG_ACTION_NONE] = "none",
        [VMM_WATCHDOG_ACTION_INJECT_NMI] = "inject-nmi",
    };
    GPtrArray *list = b->def->devices.watchdogs;
    const VmmDomainWatchdogDef *w;
    g_autoptr(GString) s = NULL;

    if (list->len == 0)
        return TRUE;
    if (list->len > 1)
        return unsupported(error, _("more than one watchdog is not supported"));
    w = list->pdata[0];
    if (w->model == VMM_WATCHDOG_MODEL_I6300ESB) {
        s = g_string_new("i6300esb");
        device_id(b, s, &w->info, "watchdog0");
        if (!pci_address(b, &w->info, s, "watchdog", error))
            return FALSE;
    } else if (w->model == VMM_WATCHDOG_MODEL_IB700) {
        s = g_string_new("ib700");
        device_id(b, s, &w->info, "watchdog0");
    } else {
        return unsupported(error, _("watchdog model '%s' is not supported"),
                           vmm_watchdog_model_to_string(w->model));
    }
    if (w->action != VMM_WATCHDOG_ACTION_NONE_SET && !actions[w->action])
        return unsupported(error, _("watchdog action '%s' is not supported"),
                           vmm_watchdog_action_to_string(w->action));
    add_props(b, "-device", s);
    if (w->action != VMM_WATCHDOG_ACTION_NONE_SET)
        add2(b, "-watchdog-action", actions[w->action]);
    return TRUE;
}

static gboolean
build_balloon(Build *b, GError **error)
{
    GPtrArray *list = b->def->devices.memballoons;
    const VmmDomainMemballoonDef *m;
    g_autoptr(GString) s = NULL;

    if (list->len == 0)
        return TRUE;
    m = list->pdata[0];
    switch (m->model) {
    case VMM_MEMBALLOON_MODEL_NONE:
        return TRUE;
    case VMM_MEMBALLOON_MODEL_VIRTIO:
        s = g_string_new("virtio-balloon-pci");
        break;
    case VMM_MEMBALLOON_MODEL_VIRTIO_TRANSITIONAL:
        s = g_string_new("virtio-balloon-pci-transitional");
        break;
    case VMM_MEMBALLOON_MODEL_VIRTIO_NON_TRANSITIONAL:
        s = g_string_new("virtio-balloon-pci-non-transitional");
        break;
    default:
        return unsupported(error, _("memballoon model '%s' is not supported"),
                           vmm_memballoon_model_to_string(m->model));
    }
    device_id(b, s, &m->info, "balloon0");
    if (!pci_address(b, &m->info, s, "memballoon", error))
        return FALSE;
    if (m->autodeflate != VMM_TRISTATE_ABSENT)
        prop(s, "deflate-on-oom", vmm_tristate_onoff(m->autodeflate));
    if (m->free_page_reporting != VMM_TRISTATE_ABSENT)
        prop(s, "free-page-reporting", vmm_tristate_onoff(m->free_page_reporting));
    add_props(b, "-device", s);
    return TRUE;
}

static gboolean
build_rng(Build *b, const VmmDomainRngDef *rng, guint pos, GError **error)
{
    static const char *const devices[VMM_RNG_MODEL_LAST] = {
        "virtio-rng-pci", "virtio-rng-pci-transitional", "virtio-rng-pci-non-transitional",
    };
    g_autoptr(GString) o = NULL;
    g_autoptr(GString) s = NULL;
    g_autofree char *obj = g_strdup_printf("objrng%u", pos);

    switch (rng->backend) {
    case VMM_RNG_BACKEND_RANDOM:
        o = g_string_new("rng-random");
        prop(o, "id", obj);
        prop(o, "filename", rng->random_path ? rng->random_path : "/dev/urandom");
        break;
    case VMM_RNG_BACKEND_BUILTIN:
        o = g_string_new("rng-builtin");
        prop(o, "id", obj);
        break;
    case VMM_RNG_BACKEND_EGD: {
        g_autofree char *chr = g_strdup_printf("charrng%u", pos);
        if (!build_chardev(b, &rng->egd, chr, NULL, NULL, "rng egd backend", error))
            return FALSE;
        o = g_string_new("rng-egd");
        prop(o, "id", obj);
        prop(o, "chardev", chr);
        break;
    }
    default:
        return unsupported(error, _("rng backend '%s' is not supported"),
                           vmm_rng_backend_to_string(rng->backend));
    }
    add_props(b, "-object", o);
    s = g_string_new(devices[rng->model]);
    prop(s, "rng", obj);
    device_id(b, s, &rng->info, "rng%u", pos);
    if (rng->rate_bytes > 0) {
        propf(s, "max-bytes", "%d", rng->rate_bytes);
        propf(s, "period", "%d", rng->rate_period > 0 ? rng->rate_period : 1000);
    }
    if (!pci_address(b, &rng->info, s, "rng", error))
        return FALSE;
    add_props(b, "-device", s);
    return TRUE;
}

static gboolean
build_misc(Build *b, GError **error)
{
    const VmmDomainDevices *d = &b->def->devices;

    if (!build_watchdog(b, error) || !build_balloon(b, error))
        return FALSE;
    for (guint i = 0; i < d->rngs->len; i++) {
        if (!build_rng(b, d->rngs->pdata[i], i, error))
            return FALSE;
    }
    for (guint i = 0; i < d->panics->len; i++) {
        const VmmDomainPanicDef *p = d->panics->pdata[i];
        g_autoptr(GString) s = g_string_new("pvpanic");
        if (p->info.addr.type == VMM_DEVICE_ADDRESS_ISA && p->info.addr.iobase > 0)
            propf(s, "ioport", "0x%x", (unsigned int)p->info.addr.iobase);
        add_props(b, "-device", s);
    }
    if (b->def->features.state[VMM_DOMAIN_FEATURE_VMCOREINFO] == VMM_TRISTATE_YES)
        add2(b, "-device", "vmcoreinfo");
    return TRUE;
}

/* ---- the whole command ---- */

/* The domain type, architecture and machine: b->kvm, q35 and root_bus. */
static const VmmQemuMachine *
build_machine_kind(Build *b, GError **error)
{
    const VmmDomainDef *def = b->def;
    const char *arch = vmm_qemu_caps_get_arch(b->caps);
    const VmmQemuMachine *m;

    if (g_strcmp0(def->virt_type, "kvm") != 0 && g_strcmp0(def->virt_type, "qemu") != 0) {
        unsupported(error, _("domain type '%s' is not supported by the QEMU driver"),
                    def->virt_type ? def->virt_type : "");
        return NULL;
    }
    b->kvm = g_str_equal(def->virt_type, "kvm");
    if (!g_str_equal(arch, "x86_64") && !g_str_equal(arch, "i386")) {
        unsupported(error, _("architecture '%s' is not supported by the QEMU driver"), arch);
        return NULL;
    }
    if (!(m = vmm_qemu_caps_get_machine(b->caps, def->os_machine))) {
        unsupported(error, _("Emulator '%s' does not support machine type '%s'"),
                    vmm_qemu_caps_get_binary(b->caps),
                    def->os_machine ? def->os_machine : "(default)");
        return NULL;
    }
    if (!g_str_has_prefix(m->name, "pc-i440fx-") && !g_str_has_prefix(m->name, "pc-q35-")) {
        unsupported(error, _("machine type '%s' is not supported by the QEMU driver"),
                    m->name);
        return NULL;
    }
    b->q35 = g_str_has_prefix(m->name, "pc-q35-");
    b->root_bus = b->q35 ? "pcie.0" : "pci.0";
    return m;
}

static gboolean
build_all(Build *b, GError **error)
{
    const VmmDomainDef *def = b->def;
    const VmmDomainDevices *d = &def->devices;
    const VmmQemuMachine *m;
    g_autoptr(GString) s = g_string_new(NULL);
    char uuid[VMM_UUID_STRING_BUFLEN];
    const char *backend;

    if (b->params->monitor_fd <= 2) {
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR, _("no monitor socket for domain '%s'"),
                      def->name);
        return FALSE;
    }
    if (!(m = build_machine_kind(b, error)))
        return FALSE;
    if (!check_unsupported(b, error) || !find_needs(b, error))
        return FALSE;
    reserve_explicit(b);
    assign_boot(b);
    if (!(backend = memory_backend_type(b, error)))
        return FALSE;

    add(b, vmm_qemu_caps_get_binary(b->caps));
    prop(s, "guest", def->name);
    prop(s, "debug-threads", "on");
    add_props(b, "-name", s);
    if (b->params->start_paused)
        add(b, "-S");
    if (!build_firmware(b, error) ||
        !build_machine(b, m->name, backend, error) ||
        !build_cpu(b, error) ||
        !build_memory(b, backend, error) ||
        !build_smp(b, m->max_cpus, error))
        return FALSE;
    add2(b, "-uuid", vmm_uuid_format(def->uuid, uuid));
    if (d->graphics->len == 0)
        add2(b, "-display", "none");
    add(b, "-no-user-config");
    add(b, "-nodefaults");
    build_monitor(b);
    if (!build_clock(b, error))
        return FALSE;
    build_lifecycle(b);
    build_boot(b);

    if (!build_controllers(b, error))
        return FALSE;
    for (guint i = 0; i < d->disks->len; i++) {
        if (!build_disk(b, d->disks->pdata[i], i, error))
            return FALSE;
    }
    for (guint i = 0; i < d->interfaces->len; i++) {
        if (!build_net(b, d->interfaces->pdata[i], i, error))
            return FALSE;
    }
    if (!build_chrs(b, error))
        return FALSE;
    for (guint i = 0; i < d->inputs->len; i++) {
        if (!build_input(b, d->inputs->pdata[i], i, error))
            return FALSE;
    }
    if (!build_graphics(b, error) || !build_videos(b, error) || !build_misc(b, error))
        return FALSE;
    if (vmm_qemu_caps_has_flag(b->caps, "sandbox"))
        add2(b, "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,"
                            "resourcecontrol=deny");
    add2(b, "-msg", "timestamp=on");
    return TRUE;
}

VmmQemuCommand *
vmm_qemu_build_command(const VmmDomainDef *def, const VmmQemuCaps *caps,
                       const VmmQemuBuildParams *params, GError **error)
{
    g_autoptr(VmmQemuCommand) cmd = g_new0(VmmQemuCommand, 1);
    Build b = { 0 };
    gboolean ok;

    g_return_val_if_fail(def && caps && params, NULL);
    cmd->argv = g_ptr_array_new_with_free_func(g_free);
    cmd->fds = g_array_new(FALSE, FALSE, sizeof(int));
    cmd->monitor_fd = params->monitor_fd;
    cmd->disk_ids = g_ptr_array_new_with_free_func(g_free);
    cmd->net_ids = g_ptr_array_new_with_free_func(g_free);
    cmd->disk_slots = g_array_new(FALSE, FALSE, sizeof(int));
    cmd->net_slots = g_array_new(FALSE, FALSE, sizeof(int));
    b.out = cmd;
    b.def = def;
    b.caps = caps;
    b.params = params;
    b.argv = cmd->argv;
    b.fds = cmd->fds;
    ok = build_all(&b, error);
    build_clear(&b);
    if (!ok)
        return NULL;
    g_ptr_array_add(cmd->argv, NULL);
    return g_steal_pointer(&cmd);
}

void
vmm_qemu_command_free(VmmQemuCommand *cmd)
{
    if (!cmd)
        return;
    if (cmd->argv)
        g_ptr_array_unref(cmd->argv);
    if (cmd->fds)
        g_array_unref(cmd->fds);
    g_clear_pointer(&cmd->disk_ids, g_ptr_array_unref);
    g_clear_pointer(&cmd->net_ids, g_ptr_array_unref);
    g_clear_pointer(&cmd->disk_slots, g_array_unref);
    g_clear_pointer(&cmd->net_slots, g_array_unref);
    g_free(cmd);
}

void
vmm_qemu_device_info_apply(VmmDeviceInfo *info, const char *id, int slot)
{
    if (!info->alias)
        info->alias = g_strdup(id);
    if (info->addr.type == VMM_DEVICE_ADDRESS_NONE && slot >= 0) {
        info->addr.type = VMM_DEVICE_ADDRESS_PCI;
        info->addr.domain = info->addr.bus = info->addr.function = 0;
        info->addr.slot = (unsigned int)slot;
    }
}

void
vmm_qemu_command_apply_ids(const VmmQemuCommand *cmd, VmmDomainDef *def)
{
    for (int k = 0; k < 2; k++) {
        GPtrArray *list = k == 0 ? def->devices.disks : def->devices.interfaces;
        GPtrArray *ids = k == 0 ? cmd->disk_ids : cmd->net_ids;
        GArray *slots = k == 0 ? cmd->disk_slots : cmd->net_slots;

        for (guint i = 0; list && i < list->len && i < ids->len; i++)
            vmm_qemu_device_info_apply(
                vmm_domain_device_info(k == 0 ? VMM_DOMAIN_DEVICE_DISK
                                              : VMM_DOMAIN_DEVICE_INTERFACE, list->pdata[i]),
                ids->pdata[i], g_array_index(slots, int, i));
    }
}

/* ---- hotplug ---- */

gboolean
vmm_qemu_free_net_number(const VmmDomainDef *def, guint *number, GError **error)
{
    guint n = def->devices.interfaces->len;

    for (guint i = 0; i < def->devices.interfaces->len; i++) {
        const char *alias = ((VmmDomainNetDef *)def->devices.interfaces->pdata[i])->info.alias;
        guint64 v;

        if (!alias || !g_str_has_prefix(alias, "net") ||
            !g_ascii_string_to_unsigned(alias + 3, 10, 0, G_MAXUINT64, &v, NULL) || v < n)
            continue;
        if (v >= VMM_QEMU_HOTPLUG_MAX_NUMBER) {
            vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                          _("no interface number is free after alias '%s' (at most %u)"),
                          alias, VMM_QEMU_HOTPLUG_MAX_NUMBER);
            return FALSE;
        }
        n = (guint)v + 1;
    }
    if (n > VMM_QEMU_HOTPLUG_MAX_NUMBER) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                      _("too many interfaces: %u (at most %u)"), n, VMM_QEMU_HOTPLUG_MAX_NUMBER);
        return FALSE;
    }
    *number = n;
    return TRUE;
}

VmmQemuHotplug *
vmm_qemu_build_hotplug(const VmmDomainDef *def, const VmmQemuCaps *caps,
                       VmmDomainDeviceKind kind, gconstpointer dev, guint node,
                       guint32 used_slots, const char *tap_fdname, gboolean session,
                       GError **error)
{
    g_autoptr(VmmQemuHotplug) hp = g_new0(VmmQemuHotplug, 1);
    VmmQemuBuildParams params = { .session = session };
    const VmmDeviceInfo *info;
    g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GArray) fds = g_array_new(FALSE, FALSE, sizeof(int));
    Build b = { 0 };
    gboolean ok = FALSE;

    g_return_val_if_fail(node > 0, NULL);
    if (node > VMM_QEMU_HOTPLUG_MAX_NUMBER) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                      _("device number %u is out of range (at most %u)"), node,
                      VMM_QEMU_HOTPLUG_MAX_NUMBER);
        return NULL;
    }
    b.def = def;
    b.caps = caps;
    b.params = &params;
    b.argv = argv;
    b.fds = fds;
    b.tap_fdname = tap_fdname;
    /* Only the one device is built: no per-position arrays (@node can be
     * large, an alias number). */
    b.hotplug = TRUE;
    if (!build_machine_kind(&b, error))
        goto out;
    /* QEMU's own view of the root bus decides, plus the fixed slots. */
    reserve_explicit(&b);
    b.used_slots |= used_slots;
    switch (kind) {
    case VMM_DOMAIN_DEVICE_DISK: {
        const VmmDomainDiskDef *disk = dev;

        info = &disk->info;
        if (disk->bus != VMM_DISK_BUS_VIRTIO && disk->bus != VMM_DISK_BUS_SCSI) {
            unsupported(error, _("disk bus '%s' of disk '%s' cannot be hotplugged"),
                        vmm_disk_bus_to_string(disk->bus), disk->dst);
            goto out;
        }
        if (disk->device != VMM_DISK_DEVICE_DISK) {
            unsupported(error, _("disk device '%s' of disk '%s' cannot be hotplugged"),
                        vmm_disk_device_to_string(disk->device), disk->dst);
            goto out;
        }
        b.hotplug_boot = info->boot_order > 0 ? info->boot_order : 0;
        ok = build_disk(&b, disk, node - 1, error);
        break;
    }
    case VMM_DOMAIN_DEVICE_INTERFACE:
        info = &((const VmmDomainNetDef *)dev)->info;
        b.hotplug_boot = info->boot_order > 0 ? info->boot_order : 0;
        ok = build_net(&b, dev, node, error);
        break;
    default:
        unsupported(error, _("device type '%s' cannot be hotplugged"),
                    vmm_domain_device_kind_to_string(kind));
        goto out;
    }
    if (!ok)
        goto out;
    hp->blockdevs = g_ptr_array_new_with_free_func(g_free);
    for (guint i = 0; i + 1 < argv->len; i += 2) {
        const char *opt = argv->pdata[i];
        char *val = g_strdup(argv->pdata[i + 1]);

        if (g_str_equal(opt, "-blockdev"))
            g_ptr_array_add(hp->blockdevs, val);
        else if (g_str_equal(opt, "-netdev"))
            hp->netdev = val;
        else {
            g_free(hp->device);
            hp->device = val;
        }
    }
    hp->id = g_steal_pointer(&b.last_id);
    hp->slot = b.last_slot;
out:
    build_clear(&b);
    return ok ? g_steal_pointer(&hp) : NULL;
}

void
vmm_qemu_hotplug_free(VmmQemuHotplug *hp)
{
    if (!hp)
        return;
    if (hp->blockdevs)
        g_ptr_array_unref(hp->blockdevs);
    g_free(hp->netdev);
    g_free(hp->device);
    g_free(hp->id);
    g_free(hp);
}

/* Properties QMP wants typed; every other value is a string. */
static const char *const bool_props[] = {
    "auto-read-only", "read-only", "cache.direct", "cache.no-flush", "multifunction",
    "vhost", NULL
};
static const char *const int_props[] = {
    "bootindex", "unit", "channel", "scsi-id", "lun", "host_mtu", NULL
};

/* Set @value at the dotted @key of @obj, nesting objects. */
static void
json_set_path(VmmJsonNode *obj, const char *key, VmmJsonNode *value)
{
    const char *dot = strchr(key, '.');
    g_autofree char *head = NULL;
    VmmJsonNode *child;

    if (!dot) {
        vmm_json_node_object_set(obj, key, value);
        return;
    }
    head = g_strndup(key, dot - key);
    if (!(child = vmm_json_node_object_get(obj, head)) ||
        vmm_json_node_get_type(child) != VMM_JSON_NODE_OBJECT) {
        child = vmm_json_node_new_object();
        vmm_json_node_object_set(obj, head, child);
    }
    json_set_path(child, dot + 1, value);
}

VmmJsonNode *
vmm_qemu_props_to_json(const char *props, const char *first_key)
{
    VmmJsonNode *obj = vmm_json_node_new_object();
    g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GString) cur = g_string_new(NULL);

    /* Split at single commas; ",," is a literal comma. */
    for (const char *p = props; ; p++) {
        if (*p == ',' && p[1] == ',') {
            g_string_append_c(cur, ',');
            p++;
            continue;
        }
        if (*p == ',' || !*p) {
            g_ptr_array_add(items, g_strdup(cur->str));
            g_string_truncate(cur, 0);
            if (!*p)
                break;
            continue;
        }
        g_string_append_c(cur, *p);
    }
    for (guint i = 0; i < items->len; i++) {
        const char *item = items->pdata[i];
        const char *eq = strchr(item, '=');
        g_autofree char *key = NULL;
        const char *val;
        VmmJsonNode *v;

        if (i == 0 && first_key && !eq) {
            vmm_json_node_object_set_string(obj, first_key, item);
            continue;
        }
        key = eq ? g_strndup(item, eq - item) : g_strdup(item);
        val = eq ? eq + 1 : "on";
        if (g_strv_contains(bool_props, key))
            v = vmm_json_node_new_bool(g_str_equal(val, "on") || g_str_equal(val, "true"));
        else if (g_strv_contains(int_props, key))
            v = vmm_json_node_new_int(g_ascii_strtoll(val, NULL, 0));
        else
            v = vmm_json_node_new_string(val);
        json_set_path(obj, key, v);
    }
    return obj;
}

/* ---- to string ---- */

static void
append_quoted(GString *buf, const char *arg)
{
    gboolean plain = *arg != '\0';

    for (const char *p = arg; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr("_-=,./:+@%[]", *p)) {
            plain = FALSE;
            break;
        }
    }
    if (plain) {
        g_string_append(buf, arg);
        return;
    }
    g_string_append_c(buf, '\'');
    for (const char *p = arg; *p; p++) {
        if (*p == '\'')
            g_string_append(buf, "'\\''");
        else
            g_string_append_c(buf, *p);
    }
    g_string_append_c(buf, '\'');
}

char *
vmm_qemu_command_to_string(const char *const *argv)
{
    g_autoptr(GString) buf = g_string_new(NULL);

    for (guint i = 0; argv && argv[i]; i++) {
        if (i > 0)
            g_string_append(buf, " \\\n");
        append_quoted(buf, argv[i]);
        /* An option and its value share a line. */
        if (i > 0 && argv[i][0] == '-' && argv[i + 1] && argv[i + 1][0] != '-') {
            g_string_append_c(buf, ' ');
            append_quoted(buf, argv[++i]);
        }
    }
    g_string_append_c(buf, '\n');
    return g_string_free(g_steal_pointer(&buf), FALSE);
}
