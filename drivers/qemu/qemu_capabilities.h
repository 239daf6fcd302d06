/*
 * qemu_capabilities.h: what a QEMU binary can do, probed once over QMP and
 * cached on disk; the <capabilities> and <domainCapabilities> documents.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VmmQemuCaps VmmQemuCaps;

typedef struct {
    char *name;                      /* canonical: pc-i440fx-7.2 */
    char *alias;                     /* pc, q35 or NULL */
    gboolean is_default;
    unsigned int max_cpus;
    gboolean deprecated;
} VmmQemuMachine;

typedef struct {
    char *name;
    gboolean usable;                 /* no unavailable features */
    gboolean deprecated;
} VmmQemuCpuModel;

/* One UEFI firmware found on disk: the code and its variables template. */
typedef struct {
    char *code;
    char *vars;
    gboolean secure;                 /* a secure-boot build (needs SMM) */
} VmmQemuFirmware;

/* What the host looks like, for <capabilities>'s <host>. */
typedef struct {
    char *arch;
    char *vendor;                    /* Intel, AMD or NULL */
    char *model_name;                /* /proc/cpuinfo "model name" */
    unsigned int sockets, dies, cores, threads;
    char *uuid;
} VmmQemuHostInfo;

/* Find qemu-system-* binaries: $VMM_QEMU_BINARY_DIR alone when set, else
 * every directory of $PATH and /usr/bin.  Returns full paths, one per
 * architecture (the first found wins), sorted by name. */
GStrv vmm_qemu_caps_find_binaries(void);

/* The architecture a binary's name implies ("x86_64"), or NULL. */
const char *vmm_qemu_caps_arch_from_binary(const char *binary);

/*
 * Capabilities of @binary: read from @cache_dir when a cache file exists
 * whose recorded mtime and size match the binary's, else probe QEMU over
 * QMP and write the cache (when @cache_dir is non-NULL).  Loading from the
 * cache never runs QEMU.
 */
VmmQemuCaps *vmm_qemu_caps_new_for_binary(const char *binary, const char *cache_dir,
                                          GError **error);
/* Run @binary once and ask it over QMP; no cache involved. */
VmmQemuCaps *vmm_qemu_caps_probe(const char *binary, GError **error);

/* The cache document: parse and format.  format(parse(x)) == x. */
VmmQemuCaps *vmm_qemu_caps_parse_xml(const char *xml, const char *url, GError **error);
char *vmm_qemu_caps_format_xml(const VmmQemuCaps *caps);

void vmm_qemu_caps_free(VmmQemuCaps *caps);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmQemuCaps, vmm_qemu_caps_free)

/* Accessors (borrowed). */
const char *vmm_qemu_caps_get_binary(const VmmQemuCaps *caps);
const char *vmm_qemu_caps_get_arch(const VmmQemuCaps *caps);
/* major * 1000000 + minor * 1000 + micro */
unsigned int vmm_qemu_caps_get_version(const VmmQemuCaps *caps);
GPtrArray *vmm_qemu_caps_get_machines(const VmmQemuCaps *caps);   /* VmmQemuMachine* */
GPtrArray *vmm_qemu_caps_get_cpu_models(const VmmQemuCaps *caps); /* VmmQemuCpuModel* */
gboolean vmm_qemu_caps_has_device(const VmmQemuCaps *caps, const char *type);
gboolean vmm_qemu_caps_has_cpu_model(const VmmQemuCaps *caps, const char *name);
/* Feature flags found by probing: "spice", "sandbox", "kvm". */
gboolean vmm_qemu_caps_has_flag(const VmmQemuCaps *caps, const char *flag);
/* The machine named @name (canonical or alias); NULL for the default. */
const VmmQemuMachine *vmm_qemu_caps_get_machine(const VmmQemuCaps *caps, const char *name);

/*
 * Whether KVM can be used: /dev/kvm (or $VMM_KVM_DEVICE, for tests) opens
 * read-write.  On failure sets VMM_ERR_CONFIG_UNSUPPORTED "KVM is not
 * available: cannot open /dev/kvm: <strerror>".
 */
gboolean vmm_qemu_kvm_check(GError **error);

/*
 * The check the driver makes before starting a domain of @virt_type:
 * "kvm" needs vmm_qemu_kvm_check() and a QEMU with KVM support; "qemu" runs
 * under TCG; anything else is refused.
 */
gboolean vmm_qemu_caps_check_virt_type(const VmmQemuCaps *caps, const char *virt_type,
                                       GError **error);

/* UEFI firmware in @dir (NULL: /usr/share/OVMF), best first: 4M builds,
 * then 2M; plain before secure-boot.  Missing files are skipped. */
GPtrArray *vmm_qemu_firmware_find(const char *dir);    /* VmmQemuFirmware* */
void vmm_qemu_firmware_free(VmmQemuFirmware *fw);

/* The running host, from uname, /proc/cpuinfo and sysfs. */
VmmQemuHostInfo *vmm_qemu_host_info_new(void);
void vmm_qemu_host_info_free(VmmQemuHostInfo *host);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmQemuHostInfo, vmm_qemu_host_info_free)

/*
 * libvirt's <capabilities>: the host, then one <guest> per binary in
 * @caps_list (VmmQemuCaps*), with domain types qemu and, when @kvm_usable,
 * kvm.
 */
char *vmm_qemu_caps_format_capabilities(const VmmQemuHostInfo *host, GPtrArray *caps_list,
                                        gboolean kvm_usable);

/*
 * libvirt's <domainCapabilities> for @caps, @machine (NULL: the default
 * one) and @virt_type ("kvm" or "qemu"); @firmware lists the UEFI builds
 * (VmmQemuFirmware*, may be NULL).  Fails for an unknown machine or a
 * virt type that can't run.
 */
char *vmm_qemu_caps_format_domcapabilities(const VmmQemuCaps *caps, const char *machine,
                                           const char *virt_type, GPtrArray *firmware,
                                           gboolean kvm_usable, GError **error);

G_END_DECLS
