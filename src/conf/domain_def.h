/*
 * domain_def.h: the domain definition (libvirt's <domain> XML).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parsing runs in three steps: parse (read and check each field), post-parse
 * (fill defaults: UUID, MACs, controllers...), validate (whole-object
 * checks).  vmm_domain_def_parse_string() runs all three.
 * Fields named below are used by drivers; more are added as the XML grows.
 */
#pragma once

#include <glib.h>
#include "conf/xml_util.h"
#include "conf/domain_device.h"
#include "util/vmm_uuid.h"

G_BEGIN_DECLS

typedef struct _VmmDomainDef VmmDomainDef;

typedef enum {
    VMM_DOMAIN_DEF_PARSE_VALIDATE = 1 << 0,   /* also check schemas/domain.rng */
} VmmDomainDefParseFlags;

typedef enum {
    VMM_DOMAIN_DEF_FORMAT_INACTIVE = 1 << 0,  /* omit live-only data (id) */
    VMM_DOMAIN_DEF_FORMAT_SECURE = 1 << 1,    /* include passwords */
} VmmDomainDefFormatFlags;

/* Parse, fill defaults and validate @xml; @url names it in errors
 * (NULL: "(domain_definition)"). */
VmmDomainDef *vmm_domain_def_parse_string(const char *xml, const char *url,
                                          unsigned int flags, GError **error);
/* Read a <domain> whose node is ctxt->node (no defaults, no validation). */
VmmDomainDef *vmm_domain_def_parse_node(xmlXPathContext *ctxt, GError **error);
gboolean vmm_domain_def_post_parse(VmmDomainDef *def, GError **error);
gboolean vmm_domain_def_validate(const VmmDomainDef *def, GError **error);

/* Format as XML; @id >= 0 is written as id='N' unless FORMAT_INACTIVE. */
char *vmm_domain_def_format(const VmmDomainDef *def, int id, unsigned int flags);
VmmDomainDef *vmm_domain_def_copy(const VmmDomainDef *def);
void vmm_domain_def_free(VmmDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainDef, vmm_domain_def_free)

/* Check a domain/network/pool name as libvirt does (non-empty, no '/'). */
gboolean vmm_def_check_name(const char *name, const char *what, GError **error);

/* ---- enums (string tables in domain_def*.c, indexed by value) ---- */

typedef enum {
    VMM_DOMAIN_LIFECYCLE_DESTROY,
    VMM_DOMAIN_LIFECYCLE_RESTART,
    VMM_DOMAIN_LIFECYCLE_RENAME_RESTART,
    VMM_DOMAIN_LIFECYCLE_PRESERVE,
    VMM_DOMAIN_LIFECYCLE_COREDUMP_DESTROY,   /* on_crash only */
    VMM_DOMAIN_LIFECYCLE_COREDUMP_RESTART,   /* on_crash only */
    VMM_DOMAIN_LIFECYCLE_LAST
} VmmDomainLifecycleAction;
extern const char *const vmm_domain_lifecycle_table[];

typedef enum {
    VMM_DOMAIN_LOCKFAILURE_DEFAULT,          /* absent */
    VMM_DOMAIN_LOCKFAILURE_POWEROFF,
    VMM_DOMAIN_LOCKFAILURE_RESTART,
    VMM_DOMAIN_LOCKFAILURE_PAUSE,
    VMM_DOMAIN_LOCKFAILURE_IGNORE,
    VMM_DOMAIN_LOCKFAILURE_LAST
} VmmDomainLockFailureAction;

typedef enum {
    VMM_DOMAIN_CPU_MODE_CUSTOM,
    VMM_DOMAIN_CPU_MODE_HOST_MODEL,
    VMM_DOMAIN_CPU_MODE_HOST_PASSTHROUGH,
    VMM_DOMAIN_CPU_MODE_MAXIMUM,
    VMM_DOMAIN_CPU_MODE_LAST
} VmmDomainCpuMode;

typedef enum {
    VMM_DOMAIN_CLOCK_UTC,
    VMM_DOMAIN_CLOCK_LOCALTIME,
    VMM_DOMAIN_CLOCK_VARIABLE,
    VMM_DOMAIN_CLOCK_TIMEZONE,
    VMM_DOMAIN_CLOCK_LAST
} VmmDomainClockOffset;

/* Features in libvirt's output order. */
typedef enum {
    VMM_DOMAIN_FEATURE_ACPI,
    VMM_DOMAIN_FEATURE_APIC,
    VMM_DOMAIN_FEATURE_PAE,
    VMM_DOMAIN_FEATURE_HAP,
    VMM_DOMAIN_FEATURE_VIRIDIAN,
    VMM_DOMAIN_FEATURE_PRIVNET,
    VMM_DOMAIN_FEATURE_HYPERV,
    VMM_DOMAIN_FEATURE_KVM,
    VMM_DOMAIN_FEATURE_PVSPINLOCK,
    VMM_DOMAIN_FEATURE_PMU,
    VMM_DOMAIN_FEATURE_VMPORT,
    VMM_DOMAIN_FEATURE_SMM,
    VMM_DOMAIN_FEATURE_IOAPIC,
    VMM_DOMAIN_FEATURE_VMCOREINFO,
    VMM_DOMAIN_FEATURE_LAST
} VmmDomainFeature;
extern const char *const vmm_domain_feature_table[];

/* Hyper-V enlightenments in libvirt's output order. */
typedef enum {
    VMM_DOMAIN_HYPERV_RELAXED,
    VMM_DOMAIN_HYPERV_VAPIC,
    VMM_DOMAIN_HYPERV_SPINLOCKS,
    VMM_DOMAIN_HYPERV_VPINDEX,
    VMM_DOMAIN_HYPERV_RUNTIME,
    VMM_DOMAIN_HYPERV_SYNIC,
    VMM_DOMAIN_HYPERV_STIMER,
    VMM_DOMAIN_HYPERV_RESET,
    VMM_DOMAIN_HYPERV_VENDOR_ID,
    VMM_DOMAIN_HYPERV_FREQUENCIES,
    VMM_DOMAIN_HYPERV_REENLIGHTENMENT,
    VMM_DOMAIN_HYPERV_TLBFLUSH,
    VMM_DOMAIN_HYPERV_IPI,
    VMM_DOMAIN_HYPERV_EVMCS,
    VMM_DOMAIN_HYPERV_AVIC,
    VMM_DOMAIN_HYPERV_LAST
} VmmDomainHyperv;
extern const char *const vmm_domain_hyperv_table[];

typedef enum {
    VMM_DOMAIN_KVM_HIDDEN,
    VMM_DOMAIN_KVM_HINT_DEDICATED,
    VMM_DOMAIN_KVM_POLL_CONTROL,
    VMM_DOMAIN_KVM_PV_IPI,
    VMM_DOMAIN_KVM_LAST
} VmmDomainKvmFeature;
extern const char *const vmm_domain_kvm_feature_table[];

typedef struct {
    char *name;
    char *policy;                   /* force, require, optional, disable, forbid */
} VmmDomainCpuFeatureDef;

typedef struct {
    unsigned int id;
    char *cpus;
    guint64 memory_kib;
    char *mem_access;               /* shared, private */
    VmmTristate discard;
} VmmDomainNumaCell;

typedef struct {
    guint64 size_kib;               /* 0: the host default */
    char *nodeset;
} VmmDomainHugepage;

typedef struct {
    unsigned int cellid;
    char *mode;
    char *nodeset;
} VmmDomainMemnode;

typedef struct {
    char *name;                     /* platform, pit, rtc, hpet, tsc, kvmclock... */
    VmmTristate present;
    char *tickpolicy;
    char *track;
    guint64 frequency;
    char *mode;
} VmmDomainTimer;

typedef struct {
    char *name;
    VmmTristate enabled;
} VmmDomainFirmwareFeature;

typedef struct {
    /* <cpu> */
    gboolean present;
    VmmDomainCpuMode mode;
    char *match;                    /* minimum, exact, strict */
    char *check;                    /* none, partial, full */
    VmmTristate migratable;
    char *model;
    char *model_fallback;           /* allow, forbid */
    char *vendor;
    unsigned int sockets, dies, clusters, cores, threads;   /* 0: absent */
    GPtrArray *features;            /* VmmDomainCpuFeatureDef* */
    GPtrArray *numa_cells;          /* VmmDomainNumaCell* */
} VmmDomainCpuDef;

typedef struct {
    char *firmware;                 /* <os firmware=''>: bios, efi */
    GPtrArray *firmware_features;   /* VmmDomainFirmwareFeature* */
    char *loader;
    VmmTristate loader_readonly;
    VmmTristate loader_secure;
    char *loader_type;              /* rom, pflash */
    char *nvram;
    char *nvram_template;
    GPtrArray *boot_devs;           /* char*: fd, hd, cdrom, network (in order) */
    VmmTristate bootmenu;
    guint64 bootmenu_timeout;
    gboolean has_bootmenu_timeout;
    char *kernel;
    char *initrd;
    char *cmdline;
    char *dtb;
    char *smbios_mode;              /* emulate, host, sysinfo */
    VmmTristate bios_useserial;
    gint64 bios_reboot_timeout;
    gboolean has_bios_reboot_timeout;
} VmmDomainOsDef;

typedef struct {
    VmmTristate state[VMM_DOMAIN_FEATURE_LAST];
    VmmTristate apic_eoi;
    char *ioapic_driver;            /* kvm, qemu */
    char *hyperv_mode;              /* custom, passthrough */
    VmmTristate hyperv[VMM_DOMAIN_HYPERV_LAST];
    guint64 hyperv_spinlock_retries;
    char *hyperv_vendor_id;
    VmmTristate hyperv_stimer_direct;
    VmmTristate kvm[VMM_DOMAIN_KVM_LAST];
} VmmDomainFeaturesDef;

typedef struct {
    unsigned int id;                /* vcpu or iothread id */
    char *cpuset;
} VmmDomainPin;

typedef struct {
    gboolean present;
    guint64 shares;
    gboolean has_shares;
    /* period/quota pairs: 0 means absent */
    guint64 period, global_period, emulator_period, iothread_period;
    gint64 quota, global_quota, emulator_quota, iothread_quota;
    GPtrArray *vcpupins;            /* VmmDomainPin* */
    char *emulatorpin;
    GPtrArray *iothreadpins;        /* VmmDomainPin* */
} VmmDomainCputuneDef;

/* Where a verbatim element goes in the output (libvirt's order). */
typedef enum {
    VMM_DOMAIN_VERBATIM_BEFORE_MEMBACKING,   /* blkiotune, memtune */
    VMM_DOMAIN_VERBATIM_AFTER_RESOURCE,      /* sysinfo */
    VMM_DOMAIN_VERBATIM_AFTER_OS,            /* idmap */
    VMM_DOMAIN_VERBATIM_AFTER_PM,            /* perf */
    VMM_DOMAIN_VERBATIM_AFTER_DEVICES,       /* seclabel, keywrap, launchSecurity */
    VMM_DOMAIN_VERBATIM_LAST
} VmmDomainVerbatimSlot;

struct _VmmDomainDef {
    char *virt_type;                 /* <domain type='kvm'>: kvm, qemu, test */
    char *name;
    unsigned char uuid[VMM_UUID_BUFLEN];
    char *title;
    char *description;
    GPtrArray *metadata;             /* char*: each child of <metadata>, verbatim */

    guint64 memory_kib;              /* <memory> */
    guint64 current_memory_kib;      /* <currentMemory>; defaults to memory */
    guint64 max_memory_kib;          /* <maxMemory>, 0 when absent */
    unsigned int max_memory_slots;
    unsigned int vcpus;              /* <vcpu> */
    unsigned int vcpus_current;      /* current='', defaults to vcpus */
    char *vcpu_placement;

    char *os_type;                   /* hvm */
    char *os_arch;
    char *os_machine;

    VmmDomainDevices devices;

    /* Elements owned by the domain XML code follow. */
    gboolean has_genid;              /* <genid> present */
    gboolean genid_set;              /* ... with a value in genid */
    unsigned char genid[VMM_UUID_BUFLEN];
    char *vcpu_cpuset;
    unsigned int iothreads;
    char *resource_partition;
    VmmDomainCputuneDef cputune;
    /* libvirt elements vmm carries without modelling them (sysinfo,
     * seclabel, memtune...): serialized verbatim, one array per slot. */
    GPtrArray *verbatim[VMM_DOMAIN_VERBATIM_LAST];

    /* <memoryBacking> */
    gboolean has_mem_backing;
    gboolean has_hugepages;
    GPtrArray *hugepages;            /* VmmDomainHugepage* */
    gboolean nosharepages;
    gboolean locked;
    char *mem_source_type;           /* file, anonymous, memfd */
    char *mem_access_mode;           /* shared, private */
    char *mem_allocation_mode;       /* immediate, ondemand */
    gboolean mem_discard;

    /* <numatune> */
    gboolean has_numatune;
    char *numa_mode;                 /* strict, preferred, interleave, restrictive */
    char *numa_nodeset;
    char *numa_placement;            /* static, auto */
    GPtrArray *memnodes;             /* VmmDomainMemnode* */

    VmmDomainOsDef os;
    VmmDomainFeaturesDef features;
    VmmDomainCpuDef cpu;

    /* <clock> */
    VmmDomainClockOffset clock_offset;
    gint64 clock_adjustment;
    gboolean has_clock_adjustment;
    char *clock_basis;               /* utc, localtime */
    char *clock_timezone;
    GPtrArray *timers;               /* VmmDomainTimer* */

    VmmDomainLifecycleAction on_poweroff;
    VmmDomainLifecycleAction on_reboot;
    VmmDomainLifecycleAction on_crash;
    VmmDomainLockFailureAction on_lockfailure;

    gboolean has_pm;
    VmmTristate pm_suspend_to_mem;
    VmmTristate pm_suspend_to_disk;
};

G_END_DECLS
