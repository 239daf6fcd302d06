/*
 * qemu_command.h: turn a domain definition into a QEMU command line.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The builder is pure: the same definition, capabilities and parameters give
 * the same argv, and nothing is opened, created or run.  Everything that
 * depends on the host at start time (the monitor socket's fd, tap fds, the VNC
 * port, the NVRAM copy) is chosen by the caller and handed in through
 * VmmQemuBuildParams.
 */
#pragma once

#include <glib.h>
#include "conf/domain_def.h"
#include "drivers/qemu/qemu_capabilities.h"
#include "util/json.h"

G_BEGIN_DECLS

typedef struct {
    /* The listening QMP socket vmmd created (vmm_qemu_monitor_listen_unix());
     * required, above 2.  It appears in the result's fds and monitor_fd. */
    int monitor_fd;
    gboolean start_paused;           /* add -S; the caller sends "cont" */
    gboolean session;                /* qemu:///session: network NICs use
                                      * user-mode networking */
    /* Per <interface>, in definition order: the tap fd vmmd opened, or -1.
     * Missing entries count as -1.  The fds appear in the result's fds. */
    const int *tap_fds;
    guint n_tap_fds;
    const int *vhost_fds;            /* likewise, optional vhost-net fds */
    guint n_vhost_fds;
    int vnc_port;                    /* for autoport VNC: the port vmmd chose */
    int spice_port;                  /* for autoport SPICE */
    const char *nvram_path;          /* UEFI variables when <nvram> has none */
    const char *channel_dir;         /* where unix channels without a path go */
    const char *hugepage_dir;        /* default page size; NULL: /dev/hugepages */
    /* The mount table that names the hugetlbfs mount of an explicit
     * <page size=''>; NULL: /proc/mounts. */
    const char *mounts_path;
    GPtrArray *firmware;             /* VmmQemuFirmware* for firmware='efi' */
} VmmQemuBuildParams;

typedef struct {
    GPtrArray *argv;                 /* char*, NULL-terminated: a GStrv */
    GArray *fds;                     /* int: fds the child must inherit */
    int monitor_fd;                  /* the one of them QEMU's QMP listens on */
    /* Per disk and per <interface>, in definition order: the id (alias)
     * the device got and the root PCI slot allocated to it (-1: none). */
    GPtrArray *disk_ids, *net_ids;   /* char* */
    GArray *disk_slots, *net_slots;  /* int */
} VmmQemuCommand;

/* The node name of the format layer of the disk at @pos in a domain's
 * disks: -blockdev's node-name, which query-blockstats reports back. */
char *vmm_qemu_disk_format_node(guint pos);

/*
 * Build the QEMU command line of @def for the binary described by @caps.
 * Devices or options the driver cannot run fail with
 * VMM_ERR_CONFIG_UNSUPPORTED naming them ("unsupported configuration: disk
 * bus 'usb' is not supported").  Returns a new command, or NULL.
 */
VmmQemuCommand *vmm_qemu_build_command(const VmmDomainDef *def, const VmmQemuCaps *caps,
                                       const VmmQemuBuildParams *params, GError **error);
void vmm_qemu_command_free(VmmQemuCommand *cmd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmQemuCommand, vmm_qemu_command_free)

/* Write what the command chose into the live definition @def (the one it
 * was built from): each disk's and NIC's alias and allocated PCI address,
 * unless the definition gave them, as libvirt's live XML shows them.
 * Detach finds a device by this alias. */
void vmm_qemu_command_apply_ids(const VmmQemuCommand *cmd, VmmDomainDef *def);

/* A device that has none takes QEMU id @id as its alias and, when @slot is
 * 0 or more, PCI slot @slot as its address (bus, domain and function 0). */
void vmm_qemu_device_info_apply(VmmDeviceInfo *info, const char *id, int slot);

/*
 * Hotplug: the options the command line would carry for @dev (a disk or
 * an <interface> of @kind, already in the live definition @def), built by
 * the same code as at start.  @node numbers what the device brings along
 * and must be unused in the running QEMU: a disk's block nodes
 * vmm-N-storage/vmm-N-format (N = @node), a NIC's netdev hostnetN and
 * default id netN.  @used_slots has bit S set for each root-bus slot
 * QEMU uses (query-pci).  @tap_fdname: for a tap NIC, the fd name given
 * with getfd.  Refuses what cannot be hotplugged (IDE/SATA disks, cdroms,
 * other kinds) with VMM_ERR_CONFIG_UNSUPPORTED.
 */
typedef struct {
    GPtrArray *blockdevs;            /* char*: -blockdev values, storage first */
    char *netdev;                    /* the -netdev value, or NULL */
    char *device;                    /* the -device value */
    char *id;                        /* the device's id: alias in the live XML */
    int slot;                        /* the root PCI slot allocated, or -1 */
} VmmQemuHotplug;

/* The highest @node (block node or NIC number) a hotplug may use: the
 * numbers come from existing names (vmm-N-*, netN), which must not push
 * them without bound. */
#define VMM_QEMU_HOTPLUG_MAX_NUMBER 65535

/* The number N for hostnetN/netN of a NIC about to be hotplugged into a
 * domain running @def: past every NIC position and netN alias.  Fails when
 * that would exceed VMM_QEMU_HOTPLUG_MAX_NUMBER, naming the alias. */
gboolean vmm_qemu_free_net_number(const VmmDomainDef *def, guint *number, GError **error);

VmmQemuHotplug *vmm_qemu_build_hotplug(const VmmDomainDef *def, const VmmQemuCaps *caps,
                                       VmmDomainDeviceKind kind, gconstpointer dev,
                                       guint node, guint32 used_slots,
                                       const char *tap_fdname, gboolean session,
                                       GError **error);
void vmm_qemu_hotplug_free(VmmQemuHotplug *hp);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmQemuHotplug, vmm_qemu_hotplug_free)

/* A -blockdev/-device/-netdev value as QMP arguments (blockdev-add,
 * device_add, netdev_add): ",," unescaped, dotted keys nested
 * ("cache.direct" -> {"cache": {"direct": ...}}), booleans and integers
 * typed as QMP wants them.  @first_key names a leading bare word
 * ("driver" for -device, "type" for -netdev; NULL: none). */
VmmJsonNode *vmm_qemu_props_to_json(const char *props, const char *first_key);

/* The argv as shell words, each option and its value on one line ending
 * in " \", as in libvirt's .args golden files. */
char *vmm_qemu_command_to_string(const char *const *argv);

/*
 * The UEFI code and variables template @def boots with: <loader> and
 * <nvram template=''> when given, else (firmware='efi') the first build of
 * @firmware that fits (secure when <loader secure='yes'>).  *@code and
 * *@vars_template are NULL when the domain boots BIOS.  The caller copies
 * the template to the per-domain NVRAM path before starting.
 */
gboolean vmm_qemu_firmware_select(const VmmDomainDef *def, GPtrArray *firmware,
                                  const char **code, const char **vars_template,
                                  GError **error);

G_END_DECLS
