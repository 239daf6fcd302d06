/*
 * domain_device.h: the <devices> of a domain.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every device kind has a struct holding the parsed XML and a type enum with
 * its string table (vmm_domain_*_type_to_string), so that drivers can name
 * exactly what they refuse: "unsupported configuration: ... 'X'".
 * Integer fields that may be absent hold -1 when they are; strings are NULL.
 * Parsing, defaults, validation and formatting live in domain_device*.c,
 * one file per concern (disk, net, chr, misc).
 */
#pragma once

#include <glib.h>
#include "conf/xml_util.h"
#include "util/vmm_uuid.h"

G_BEGIN_DECLS

/* ---- device kinds ---- */

typedef enum {
    VMM_DOMAIN_DEVICE_DISK,
    VMM_DOMAIN_DEVICE_CONTROLLER,
    VMM_DOMAIN_DEVICE_INTERFACE,
    VMM_DOMAIN_DEVICE_CHR,
    VMM_DOMAIN_DEVICE_GRAPHICS,
    VMM_DOMAIN_DEVICE_VIDEO,
    VMM_DOMAIN_DEVICE_INPUT,
    VMM_DOMAIN_DEVICE_SOUND,
    VMM_DOMAIN_DEVICE_AUDIO,
    VMM_DOMAIN_DEVICE_MEMBALLOON,
    VMM_DOMAIN_DEVICE_RNG,
    VMM_DOMAIN_DEVICE_WATCHDOG,
    VMM_DOMAIN_DEVICE_TPM,
    VMM_DOMAIN_DEVICE_REDIRDEV,
    VMM_DOMAIN_DEVICE_HOSTDEV,
    VMM_DOMAIN_DEVICE_FILESYSTEM,
    VMM_DOMAIN_DEVICE_PANIC,
    VMM_DOMAIN_DEVICE_VSOCK,
    VMM_DOMAIN_DEVICE_LAST
} VmmDomainDeviceKind;
const char *vmm_domain_device_kind_to_string(VmmDomainDeviceKind kind);

/* ---- what every device may carry: <boot>, <alias>, <address> ---- */

typedef enum {
    VMM_DEVICE_ADDRESS_NONE,
    VMM_DEVICE_ADDRESS_PCI,
    VMM_DEVICE_ADDRESS_DRIVE,
    VMM_DEVICE_ADDRESS_VIRTIO_SERIAL,
    VMM_DEVICE_ADDRESS_CCID,
    VMM_DEVICE_ADDRESS_USB,
    VMM_DEVICE_ADDRESS_ISA,
    VMM_DEVICE_ADDRESS_LAST
} VmmDeviceAddressType;
const char *vmm_device_address_type_to_string(VmmDeviceAddressType type);

typedef struct {
    VmmDeviceAddressType type;
    /* pci */
    unsigned int domain, bus, slot, function;
    VmmTristate multifunction;
    /* drive (controller/bus/target/unit), virtio-serial (controller/bus/port),
     * ccid (controller/slot), usb (bus/port) */
    unsigned int controller, target, unit, port;
    char *usb_port;                  /* usb: "1" or "1.2" (hub path) */
    /* isa; -1 when absent */
    int iobase, irq;
} VmmDeviceAddress;

typedef struct {
    int boot_order;                  /* <boot order=''>, -1 when absent */
    char *alias;                     /* <alias name=''> */
    int master_startport;            /* usb companion <master startport=''>, -1 */
    int acpi_index;                  /* <acpi index=''>, -1 absent */
    VmmDeviceAddress addr;
} VmmDeviceInfo;

/* ---- disk ---- */

typedef enum {
    VMM_DISK_TYPE_FILE,
    VMM_DISK_TYPE_BLOCK,
    VMM_DISK_TYPE_DIR,
    VMM_DISK_TYPE_NETWORK,
    VMM_DISK_TYPE_VOLUME,
    VMM_DISK_TYPE_LAST
} VmmDiskType;
const char *vmm_disk_type_to_string(VmmDiskType v);

typedef enum {
    VMM_DISK_DEVICE_DISK,
    VMM_DISK_DEVICE_CDROM,
    VMM_DISK_DEVICE_FLOPPY,
    VMM_DISK_DEVICE_LUN,
    VMM_DISK_DEVICE_LAST
} VmmDiskDevice;
const char *vmm_disk_device_to_string(VmmDiskDevice v);

typedef enum {
    VMM_DISK_BUS_NONE,               /* absent: derived from the target name */
    VMM_DISK_BUS_IDE,
    VMM_DISK_BUS_FDC,
    VMM_DISK_BUS_SCSI,
    VMM_DISK_BUS_VIRTIO,
    VMM_DISK_BUS_XEN,
    VMM_DISK_BUS_USB,
    VMM_DISK_BUS_SATA,
    VMM_DISK_BUS_SD,
    VMM_DISK_BUS_LAST
} VmmDiskBus;
const char *vmm_disk_bus_to_string(VmmDiskBus v);

typedef enum {
    VMM_DISK_CACHE_NONE_SET,
    VMM_DISK_CACHE_DEFAULT,
    VMM_DISK_CACHE_DISABLE,          /* "none" */
    VMM_DISK_CACHE_WRITETHRU,
    VMM_DISK_CACHE_WRITEBACK,
    VMM_DISK_CACHE_DIRECTSYNC,
    VMM_DISK_CACHE_UNSAFE,
    VMM_DISK_CACHE_LAST
} VmmDiskCache;

typedef enum {
    VMM_DISK_IO_NONE_SET,
    VMM_DISK_IO_NATIVE,
    VMM_DISK_IO_THREADS,
    VMM_DISK_IO_URING,
    VMM_DISK_IO_LAST
} VmmDiskIo;

typedef enum {
    VMM_DISK_DISCARD_NONE_SET,
    VMM_DISK_DISCARD_UNMAP,
    VMM_DISK_DISCARD_IGNORE,
    VMM_DISK_DISCARD_LAST
} VmmDiskDiscard;

typedef enum {
    VMM_DISK_DETECT_ZEROES_NONE_SET,
    VMM_DISK_DETECT_ZEROES_OFF,
    VMM_DISK_DETECT_ZEROES_ON,
    VMM_DISK_DETECT_ZEROES_UNMAP,
    VMM_DISK_DETECT_ZEROES_LAST
} VmmDiskDetectZeroes;

typedef enum {
    VMM_DISK_PROTOCOL_NONE,
    VMM_DISK_PROTOCOL_NBD,
    VMM_DISK_PROTOCOL_RBD,
    VMM_DISK_PROTOCOL_GLUSTER,
    VMM_DISK_PROTOCOL_ISCSI,
    VMM_DISK_PROTOCOL_HTTP,
    VMM_DISK_PROTOCOL_HTTPS,
    VMM_DISK_PROTOCOL_FTP,
    VMM_DISK_PROTOCOL_FTPS,
    VMM_DISK_PROTOCOL_TFTP,
    VMM_DISK_PROTOCOL_SSH,
    VMM_DISK_PROTOCOL_NFS,
    VMM_DISK_PROTOCOL_LAST
} VmmDiskProtocol;
const char *vmm_disk_protocol_to_string(VmmDiskProtocol v);

typedef enum {
    VMM_DISK_TRANSPORT_NONE,
    VMM_DISK_TRANSPORT_TCP,
    VMM_DISK_TRANSPORT_UNIX,
    VMM_DISK_TRANSPORT_RDMA,
    VMM_DISK_TRANSPORT_LAST
} VmmDiskTransport;

typedef struct {
    char *name;
    int port;                        /* -1 when absent */
    VmmDiskTransport transport;
    char *socket;
} VmmDiskHost;

typedef struct {
    VmmDiskType type;
    VmmDiskDevice device;
    /* <driver> */
    char *driver_name;
    char *driver_type;               /* image format: raw, qcow2... */
    VmmDiskCache cache;
    VmmDiskIo io;
    VmmDiskDiscard discard;
    VmmDiskDetectZeroes detect_zeroes;
    /* <source>; all unset for an empty cdrom */
    char *src_path;                  /* file=, dev= or dir= depending on type */
    char *src_pool, *src_volume;
    VmmDiskProtocol src_protocol;
    char *src_name;
    GPtrArray *src_hosts;            /* VmmDiskHost*, NULL when none */
    /* <target> */
    char *dst;
    VmmDiskBus bus;
    char *tray;                      /* open/closed, cdrom and floppy only */
    gboolean readonly, shareable, transient;
    char *serial;
    VmmDeviceInfo info;
} VmmDomainDiskDef;

/* ---- controller ---- */

typedef enum {
    VMM_CONTROLLER_TYPE_IDE,
    VMM_CONTROLLER_TYPE_FDC,
    VMM_CONTROLLER_TYPE_SCSI,
    VMM_CONTROLLER_TYPE_SATA,
    VMM_CONTROLLER_TYPE_VIRTIO_SERIAL,
    VMM_CONTROLLER_TYPE_CCID,
    VMM_CONTROLLER_TYPE_XENBUS,
    VMM_CONTROLLER_TYPE_USB,
    VMM_CONTROLLER_TYPE_PCI,
    VMM_CONTROLLER_TYPE_ISA,
    VMM_CONTROLLER_TYPE_LAST
} VmmControllerType;
const char *vmm_controller_type_to_string(VmmControllerType v);

typedef struct {
    VmmControllerType type;
    int index;                       /* -1 until post-parse assigns one */
    char *model;                     /* checked against the type's models */
    int ports, vectors;              /* usb, virtio-serial; -1 absent */
    char *pci_model_name;            /* pci <model name=''> */
    int chassis_nr, chassis, target_port, bus_nr;   /* pci <target>; -1 */
    VmmDeviceInfo info;
} VmmDomainControllerDef;

/* ---- interface ---- */

typedef enum {
    VMM_NET_TYPE_NETWORK,
    VMM_NET_TYPE_BRIDGE,
    VMM_NET_TYPE_USER,
    VMM_NET_TYPE_DIRECT,
    VMM_NET_TYPE_ETHERNET,
    VMM_NET_TYPE_LAST
} VmmNetType;
const char *vmm_net_type_to_string(VmmNetType v);

typedef enum {
    VMM_NET_DIRECT_MODE_NONE,
    VMM_NET_DIRECT_MODE_VEPA,
    VMM_NET_DIRECT_MODE_PRIVATE,
    VMM_NET_DIRECT_MODE_BRIDGE,
    VMM_NET_DIRECT_MODE_PASSTHROUGH,
    VMM_NET_DIRECT_MODE_LAST
} VmmNetDirectMode;

typedef enum {
    VMM_NET_LINK_NONE,
    VMM_NET_LINK_UP,
    VMM_NET_LINK_DOWN,
    VMM_NET_LINK_LAST
} VmmNetLinkState;

typedef struct {
    unsigned int id;                 /* 0-4095 */
    int native_mode;                 /* 0 absent, 1 tagged, 2 untagged */
} VmmNetVlanTag;

typedef struct {
    VmmNetType type;
    unsigned char mac[VMM_MAC_BUFLEN];
    gboolean mac_set;                /* FALSE until post-parse generates one */
    char *src_network;
    char *src_portgroup;
    char *src_bridge;
    char *src_dev;                   /* direct */
    VmmNetDirectMode src_mode;
    GArray *vlan_tags;               /* VmmNetVlanTag; NULL without <vlan> */
    VmmTristate vlan_trunk;
    char *virtualport_type;          /* openvswitch, 802.1Qbh, 802.1Qbg, midonet */
    char *vp_interfaceid;
    char *vp_profileid;
    char *target_dev;
    char *model;                     /* virtio, e1000, ... (any token) */
    char *driver_name;               /* vhost / qemu */
    int driver_queues;               /* -1 absent */
    VmmNetLinkState link;
    int mtu;                         /* -1 absent */
    VmmDeviceInfo info;
} VmmDomainNetDef;

/* ---- serial, parallel, console, channel ---- */

typedef enum {
    VMM_CHR_DEVICE_SERIAL,
    VMM_CHR_DEVICE_PARALLEL,
    VMM_CHR_DEVICE_CONSOLE,
    VMM_CHR_DEVICE_CHANNEL,
    VMM_CHR_DEVICE_LAST
} VmmChrDeviceType;
const char *vmm_chr_device_type_to_string(VmmChrDeviceType v);

typedef enum {
    VMM_CHR_TYPE_NULL,
    VMM_CHR_TYPE_VC,
    VMM_CHR_TYPE_PTY,
    VMM_CHR_TYPE_DEV,
    VMM_CHR_TYPE_FILE,
    VMM_CHR_TYPE_PIPE,
    VMM_CHR_TYPE_STDIO,
    VMM_CHR_TYPE_TCP,
    VMM_CHR_TYPE_UNIX,
    VMM_CHR_TYPE_SPICEVMC,
    VMM_CHR_TYPE_SPICEPORT,
    VMM_CHR_TYPE_LAST
} VmmChrType;
const char *vmm_chr_type_to_string(VmmChrType v);

typedef enum {
    VMM_CHR_MODE_NONE,
    VMM_CHR_MODE_BIND,
    VMM_CHR_MODE_CONNECT,
    VMM_CHR_MODE_LAST
} VmmChrSourceMode;

typedef enum {
    VMM_CHR_PROTOCOL_NONE,
    VMM_CHR_PROTOCOL_RAW,
    VMM_CHR_PROTOCOL_TELNET,
    VMM_CHR_PROTOCOL_TELNETS,
    VMM_CHR_PROTOCOL_TLS,
    VMM_CHR_PROTOCOL_LAST
} VmmChrProtocol;

/* A character device backend: shared by chardevs, redirdev and rng egd. */
typedef struct {
    VmmChrType type;
    gboolean has_source;             /* a <source> element was present */
    VmmChrSourceMode mode;
    char *path;                      /* dev, file, pipe, unix, pty (live) */
    char *host, *service;            /* tcp */
    VmmTristate append;              /* file */
    char *channel;                   /* spiceport */
    VmmChrProtocol protocol;         /* tcp <protocol type=''> */
} VmmChrSource;

typedef struct {
    VmmChrDeviceType devtype;
    VmmChrSource src;
    /* <target>; target_type indexes the devtype's own table (-1 absent) */
    int target_type;
    int target_port;                 /* serial/parallel/console port, guestfwd port */
    char *target_name;               /* channel virtio name */
    char *target_state;              /* channel virtio state (connected/disconnected) */
    char *target_address;            /* guestfwd address */
    int target_model;                /* serial <model name=''>, -1 absent */
    VmmDeviceInfo info;
} VmmDomainChrDef;

/* Target type names per chardev kind ("isa-serial", "virtio", "guestfwd"). */
const char *vmm_chr_target_type_to_string(VmmChrDeviceType devtype, int target_type);

/* ---- graphics ---- */

typedef enum {
    VMM_GRAPHICS_TYPE_SDL,
    VMM_GRAPHICS_TYPE_VNC,
    VMM_GRAPHICS_TYPE_RDP,
    VMM_GRAPHICS_TYPE_DESKTOP,
    VMM_GRAPHICS_TYPE_SPICE,
    VMM_GRAPHICS_TYPE_EGL_HEADLESS,
    VMM_GRAPHICS_TYPE_DBUS,
    VMM_GRAPHICS_TYPE_LAST
} VmmGraphicsType;
const char *vmm_graphics_type_to_string(VmmGraphicsType v);

typedef enum {
    VMM_GRAPHICS_LISTEN_NONE_SET,
    VMM_GRAPHICS_LISTEN_ADDRESS,
    VMM_GRAPHICS_LISTEN_NETWORK,
    VMM_GRAPHICS_LISTEN_SOCKET,
    VMM_GRAPHICS_LISTEN_NONE,
    VMM_GRAPHICS_LISTEN_LAST
} VmmGraphicsListenType;

typedef struct {
    VmmGraphicsListenType type;
    char *address;
    char *network;
    char *socket;
} VmmGraphicsListen;

typedef struct {
    VmmGraphicsType type;
    int port;                        /* 0 absent; -1 written when autoport */
    int tls_port;                    /* spice; 0 absent */
    int websocket;                   /* vnc; 0 absent */
    gboolean autoport;
    char *keymap;
    char *passwd;                    /* formatted only with FORMAT_SECURE */
    char *image_compression;         /* spice <image compression=''> */
    GPtrArray *listens;              /* VmmGraphicsListen* */
} VmmDomainGraphicsDef;

/* ---- video, input, sound, audio ---- */

typedef enum {
    VMM_VIDEO_TYPE_NONE_SET,
    VMM_VIDEO_TYPE_VGA,
    VMM_VIDEO_TYPE_CIRRUS,
    VMM_VIDEO_TYPE_VMVGA,
    VMM_VIDEO_TYPE_XEN,
    VMM_VIDEO_TYPE_VBOX,
    VMM_VIDEO_TYPE_QXL,
    VMM_VIDEO_TYPE_PARALLELS,
    VMM_VIDEO_TYPE_VIRTIO,
    VMM_VIDEO_TYPE_GOP,
    VMM_VIDEO_TYPE_NONE,
    VMM_VIDEO_TYPE_BOCHS,
    VMM_VIDEO_TYPE_RAMFB,
    VMM_VIDEO_TYPE_LAST
} VmmVideoType;
const char *vmm_video_type_to_string(VmmVideoType v);

typedef struct {
    VmmVideoType type;
    int ram, vram, vgamem, heads;    /* -1 absent */
    gboolean primary;
    VmmDeviceInfo info;
} VmmDomainVideoDef;

typedef enum {
    VMM_INPUT_TYPE_MOUSE,
    VMM_INPUT_TYPE_TABLET,
    VMM_INPUT_TYPE_KEYBOARD,
    VMM_INPUT_TYPE_PASSTHROUGH,
    VMM_INPUT_TYPE_EVDEV,
    VMM_INPUT_TYPE_LAST
} VmmInputType;
const char *vmm_input_type_to_string(VmmInputType v);

typedef enum {
    VMM_INPUT_BUS_NONE_SET,
    VMM_INPUT_BUS_PS2,
    VMM_INPUT_BUS_USB,
    VMM_INPUT_BUS_XEN,
    VMM_INPUT_BUS_VIRTIO,
    VMM_INPUT_BUS_NONE,
    VMM_INPUT_BUS_LAST
} VmmInputBus;
const char *vmm_input_bus_to_string(VmmInputBus v);

typedef struct {
    VmmInputType type;
    VmmInputBus bus;
    char *evdev;                     /* passthrough/evdev <source evdev|dev=''> */
    VmmDeviceInfo info;
} VmmDomainInputDef;

typedef enum {
    VMM_SOUND_MODEL_SB16,
    VMM_SOUND_MODEL_ES1370,
    VMM_SOUND_MODEL_PCSPK,
    VMM_SOUND_MODEL_AC97,
    VMM_SOUND_MODEL_ICH6,
    VMM_SOUND_MODEL_ICH9,
    VMM_SOUND_MODEL_USB,
    VMM_SOUND_MODEL_ICH7,
    VMM_SOUND_MODEL_VIRTIO,
    VMM_SOUND_MODEL_LAST
} VmmSoundModel;
const char *vmm_sound_model_to_string(VmmSoundModel v);

typedef struct {
    VmmSoundModel model;
    GArray *codecs;                  /* int: index in the codec type table */
    int audio_id;                    /* <audio id=''>, -1 absent */
    VmmDeviceInfo info;
} VmmDomainSoundDef;

typedef enum {
    VMM_AUDIO_TYPE_NONE,
    VMM_AUDIO_TYPE_ALSA,
    VMM_AUDIO_TYPE_COREAUDIO,
    VMM_AUDIO_TYPE_JACK,
    VMM_AUDIO_TYPE_OSS,
    VMM_AUDIO_TYPE_PULSEAUDIO,
    VMM_AUDIO_TYPE_SDL,
    VMM_AUDIO_TYPE_SPICE,
    VMM_AUDIO_TYPE_FILE,
    VMM_AUDIO_TYPE_DBUS,
    VMM_AUDIO_TYPE_PIPEWIRE,
    VMM_AUDIO_TYPE_LAST
} VmmAudioType;
const char *vmm_audio_type_to_string(VmmAudioType v);

typedef struct {
    int id;                          /* -1 absent */
    VmmAudioType type;
    char *path;                      /* file: path= */
} VmmDomainAudioDef;

/* ---- memballoon, rng, watchdog, tpm ---- */

typedef enum {
    VMM_MEMBALLOON_MODEL_VIRTIO,
    VMM_MEMBALLOON_MODEL_XEN,
    VMM_MEMBALLOON_MODEL_NONE,
    VMM_MEMBALLOON_MODEL_VIRTIO_TRANSITIONAL,
    VMM_MEMBALLOON_MODEL_VIRTIO_NON_TRANSITIONAL,
    VMM_MEMBALLOON_MODEL_LAST
} VmmMemballoonModel;
const char *vmm_memballoon_model_to_string(VmmMemballoonModel v);

typedef struct {
    VmmMemballoonModel model;
    VmmTristate autodeflate;
    VmmTristate free_page_reporting;
    int stats_period;                /* -1 absent */
    VmmDeviceInfo info;
} VmmDomainMemballoonDef;

typedef enum {
    VMM_RNG_MODEL_VIRTIO,
    VMM_RNG_MODEL_VIRTIO_TRANSITIONAL,
    VMM_RNG_MODEL_VIRTIO_NON_TRANSITIONAL,
    VMM_RNG_MODEL_LAST
} VmmRngModel;
const char *vmm_rng_model_to_string(VmmRngModel v);

typedef enum {
    VMM_RNG_BACKEND_RANDOM,
    VMM_RNG_BACKEND_EGD,
    VMM_RNG_BACKEND_BUILTIN,
    VMM_RNG_BACKEND_LAST
} VmmRngBackend;
const char *vmm_rng_backend_to_string(VmmRngBackend v);

typedef struct {
    VmmRngModel model;
    int rate_bytes, rate_period;     /* <rate>; -1 absent */
    VmmRngBackend backend;
    char *random_path;               /* random: the file, NULL = default */
    VmmChrSource egd;                /* egd: the chardev */
    VmmDeviceInfo info;
} VmmDomainRngDef;

typedef enum {
    VMM_WATCHDOG_MODEL_I6300ESB,
    VMM_WATCHDOG_MODEL_IB700,
    VMM_WATCHDOG_MODEL_DIAG288,
    VMM_WATCHDOG_MODEL_ITCO,
    VMM_WATCHDOG_MODEL_LAST
} VmmWatchdogModel;
const char *vmm_watchdog_model_to_string(VmmWatchdogModel v);

typedef enum {
    VMM_WATCHDOG_ACTION_NONE_SET,
    VMM_WATCHDOG_ACTION_RESET,
    VMM_WATCHDOG_ACTION_SHUTDOWN,
    VMM_WATCHDOG_ACTION_POWEROFF,
    VMM_WATCHDOG_ACTION_PAUSE,
    VMM_WATCHDOG_ACTION_NONE,
    VMM_WATCHDOG_ACTION_DUMP,
    VMM_WATCHDOG_ACTION_INJECT_NMI,
    VMM_WATCHDOG_ACTION_LAST
} VmmWatchdogAction;
const char *vmm_watchdog_action_to_string(VmmWatchdogAction v);

typedef struct {
    VmmWatchdogModel model;
    VmmWatchdogAction action;
    VmmDeviceInfo info;
} VmmDomainWatchdogDef;

typedef enum {
    VMM_TPM_MODEL_NONE_SET,
    VMM_TPM_MODEL_TIS,
    VMM_TPM_MODEL_CRB,
    VMM_TPM_MODEL_SPAPR,
    VMM_TPM_MODEL_SPAPR_PROXY,
    VMM_TPM_MODEL_LAST
} VmmTpmModel;
const char *vmm_tpm_model_to_string(VmmTpmModel v);

typedef enum {
    VMM_TPM_BACKEND_PASSTHROUGH,
    VMM_TPM_BACKEND_EMULATOR,
    VMM_TPM_BACKEND_LAST
} VmmTpmBackend;
const char *vmm_tpm_backend_to_string(VmmTpmBackend v);

typedef struct {
    VmmTpmModel model;
    VmmTpmBackend backend;
    char *version;                   /* emulator: 1.2 / 2.0 */
    char *device_path;               /* passthrough <device path=''> */
    VmmDeviceInfo info;
} VmmDomainTpmDef;

/* ---- redirdev, hostdev ---- */

typedef struct {
    char *bus;                       /* usb */
    VmmChrSource src;                /* spicevmc or tcp */
    VmmDeviceInfo info;
} VmmDomainRedirdevDef;

typedef enum {
    VMM_HOSTDEV_TYPE_USB,
    VMM_HOSTDEV_TYPE_PCI,
    VMM_HOSTDEV_TYPE_LAST
} VmmHostdevType;
const char *vmm_hostdev_type_to_string(VmmHostdevType v);

typedef struct {
    char *mode;                      /* subsystem */
    VmmHostdevType type;
    VmmTristate managed;
    char *driver_name;               /* pci: vfio/kvm/xen */
    /* pci source */
    unsigned int src_domain, src_bus, src_slot, src_function;
    /* usb source: vendor/product ids, or bus/device; -1 absent */
    int usb_vendor, usb_product, usb_bus, usb_device;
    VmmDeviceInfo info;
} VmmDomainHostdevDef;

/* ---- filesystem, panic, vsock ---- */

typedef enum {
    VMM_FS_TYPE_MOUNT,
    VMM_FS_TYPE_BLOCK,
    VMM_FS_TYPE_FILE,
    VMM_FS_TYPE_LAST
} VmmFsType;
const char *vmm_fs_type_to_string(VmmFsType v);

typedef enum {
    VMM_FS_ACCESS_NONE_SET,
    VMM_FS_ACCESS_PASSTHROUGH,
    VMM_FS_ACCESS_MAPPED,
    VMM_FS_ACCESS_SQUASH,
    VMM_FS_ACCESS_LAST
} VmmFsAccessMode;

typedef enum {
    VMM_FS_DRIVER_NONE_SET,
    VMM_FS_DRIVER_PATH,
    VMM_FS_DRIVER_HANDLE,
    VMM_FS_DRIVER_VIRTIOFS,
    VMM_FS_DRIVER_LAST
} VmmFsDriver;
const char *vmm_fs_driver_to_string(VmmFsDriver v);

typedef struct {
    VmmFsType type;
    VmmFsAccessMode accessmode;
    VmmFsDriver driver;
    int queue;                       /* virtiofs <driver queue=''>, -1 absent */
    char *src;                       /* dir=, dev= or file= depending on type */
    char *dst;                       /* <target dir=''>: the mount tag */
    gboolean readonly;
    VmmDeviceInfo info;
} VmmDomainFsDef;

typedef enum {
    VMM_PANIC_MODEL_NONE_SET,
    VMM_PANIC_MODEL_ISA,
    VMM_PANIC_MODEL_PSERIES,
    VMM_PANIC_MODEL_HYPERV,
    VMM_PANIC_MODEL_S390,
    VMM_PANIC_MODEL_PVPANIC,
    VMM_PANIC_MODEL_LAST
} VmmPanicModel;
const char *vmm_panic_model_to_string(VmmPanicModel v);

typedef struct {
    VmmPanicModel model;
    VmmDeviceInfo info;
} VmmDomainPanicDef;

typedef struct {
    char *model;                     /* virtio, virtio-(non-)transitional */
    VmmTristate cid_auto;
    int cid;                         /* <cid address=''>, -1 absent */
    VmmDeviceInfo info;
} VmmDomainVsockDef;

/* ---- the container ---- */

typedef struct _VmmDomainDevices VmmDomainDevices;

struct _VmmDomainDevices {
    char *emulator;
    GPtrArray *disks;          /* VmmDomainDiskDef* */
    GPtrArray *controllers;    /* VmmDomainControllerDef* */
    GPtrArray *interfaces;     /* VmmDomainNetDef* */
    GPtrArray *chardevs;       /* VmmDomainChrDef*: serial, parallel, console,
                                * channel (in document order) */
    GPtrArray *graphics;       /* VmmDomainGraphicsDef* */
    GPtrArray *videos;         /* VmmDomainVideoDef* */
    GPtrArray *inputs;         /* VmmDomainInputDef* */
    GPtrArray *sounds;         /* VmmDomainSoundDef* */
    GPtrArray *audios;         /* VmmDomainAudioDef* */
    GPtrArray *memballoons;    /* VmmDomainMemballoonDef* */
    GPtrArray *rngs;           /* VmmDomainRngDef* */
    GPtrArray *watchdogs;      /* VmmDomainWatchdogDef* */
    GPtrArray *tpms;           /* VmmDomainTpmDef* */
    GPtrArray *redirdevs;      /* VmmDomainRedirdevDef* */
    GPtrArray *hostdevs;       /* VmmDomainHostdevDef* */
    GPtrArray *filesystems;    /* VmmDomainFsDef* */
    GPtrArray *panics;         /* VmmDomainPanicDef* */
    GPtrArray *vsocks;         /* VmmDomainVsockDef* */
};

/* Read <devices> (ctxt->node is the <devices> element) into @devs, which
 * must be zeroed.  Elements of unknown device kinds are ignored.  On failure
 * @devs may be partly filled; vmm_domain_devices_clear() frees it. */
gboolean vmm_domain_devices_parse(xmlXPathContext *ctxt, VmmDomainDevices *devs,
                                  GError **error);
/* Defaults that do not depend on a driver: generated MACs (52:54:00),
 * controller indexes, disk buses from target names, chardev ports,
 * graphics listens. */
gboolean vmm_domain_devices_post_parse(VmmDomainDevices *devs, const char *virt_type,
                                       const char *arch, const char *machine,
                                       GError **error);
/* Whole-list checks: duplicate disk targets, controller indexes, aliases,
 * boot orders; address ranges. */
gboolean vmm_domain_devices_validate(const VmmDomainDevices *devs, GError **error);
/* Append <devices>...</devices> at @indent; @flags are VmmDomainDefFormatFlags
 * (INACTIVE drops non-user aliases, SECURE keeps passwords). */
void vmm_domain_devices_format(GString *buf, int indent, const VmmDomainDevices *devs,
                               unsigned int flags);
void vmm_domain_devices_clear(VmmDomainDevices *devs);

/* ---- one device at a time (attach, detach) ---- */

/* Parse the single device element @xml (<disk>, <interface>, <controller>...)
 * on its own: *@kind gets its kind; free the result with
 * vmm_domain_device_free().  Defaults are not filled in (see
 * vmm_domain_devices_add()), so that a detach can tell what was given. */
gpointer vmm_domain_device_parse(const char *xml, VmmDomainDeviceKind *kind, GError **error);
void vmm_domain_device_free(VmmDomainDeviceKind kind, gpointer dev);
/* @xml again, with what must be the same in the live and the persistent
 * definition filled in (an interface's MAC), for a change applied to both. */
char *vmm_domain_device_xml_fixed(const char *xml, GError **error);
/* The list of @kind in @devs (NULL for VMM_DOMAIN_DEVICE_CHR). */
GPtrArray *vmm_domain_devices_list(const VmmDomainDevices *devs, VmmDomainDeviceKind kind);
/* The <info> of @dev of @kind. */
VmmDeviceInfo *vmm_domain_device_info(VmmDomainDeviceKind kind, gpointer dev);
/* Forget @dev's alias unless it is a user alias ("ua-" prefix): as
 * libvirt, other aliases are the driver's to give, not the user's. */
void vmm_domain_device_drop_system_alias(VmmDomainDeviceKind kind, gpointer dev);
/* Append @dev (taken) to @devs, fill the defaults and validate the whole
 * list (duplicate targets, aliases, addresses).  On failure @devs holds
 * the device anyway: edit a copy of the definition. */
gboolean vmm_domain_devices_add(VmmDomainDevices *devs, VmmDomainDeviceKind kind,
                                gpointer dev, const char *virt_type, const char *arch,
                                const char *machine, GError **error);
/* The index in @devs of the device @dev describes (as parsed, without
 * defaults): disks by target, interfaces by MAC (or the only one), any
 * kind by alias or else by equal XML.  -1 with VMM_ERR_DEVICE_MISSING. */
int vmm_domain_devices_find(const VmmDomainDevices *devs, VmmDomainDeviceKind kind,
                            gconstpointer dev, GError **error);
/* The index of the device of @kind whose alias is @alias, or -1. */
int vmm_domain_devices_find_alias(const VmmDomainDevices *devs, VmmDomainDeviceKind kind,
                                  const char *alias);

/* TRUE when some device has <boot order=''> (which libvirt does not allow
 * together with <os><boot dev=''>). */
gboolean vmm_domain_devices_have_boot_order(const VmmDomainDevices *devs);

G_END_DECLS

G_BEGIN_DECLS
/* The index of the disk named by its target ("vda") or source path in
 * @devs, -1 when none, as libvirt's stats calls accept either. */
int vmm_domain_devices_find_disk(const VmmDomainDevices *devs, const char *name);
/* The index of the interface named by its host-side device ("vnet0") or
 * its MAC (any case), -1 when none. */
int vmm_domain_devices_find_net(const VmmDomainDevices *devs, const char *device);
G_END_DECLS
