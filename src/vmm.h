/*
 * vmm.h: the public API of libvmm.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * One entry per operation.  Every call that can fail takes a GError ** last
 * and returns FALSE/NULL/-1 on failure; error codes are VmmErrorCode values
 * (numerically libvirt's virErrorNumber).  Flag and enum values equal
 * libvirt's, so they pass through the wire protocol unchanged.
 *
 * Object handles (VmmDomain, VmmNetwork, ...) are reference counted,
 * immutable snapshots of an object's identity (name, UUID, id at lookup
 * time); the driver looks the object up again on every call.
 */
#pragma once

#include <glib.h>
#include "util/vmm_error.h"
#include "util/vmm_uuid.h"

G_BEGIN_DECLS

typedef struct _VmmConnect VmmConnect;
typedef struct _VmmDomain VmmDomain;
typedef struct _VmmNetwork VmmNetwork;
typedef struct _VmmStoragePool VmmStoragePool;
typedef struct _VmmStorageVol VmmStorageVol;

/* ------------------------------------------------------------------ */
/* Connections                                                         */

typedef enum {
    VMM_CONNECT_RO = 1 << 0,
} VmmConnectFlags;

/*
 * Open @uri (NULL: $VMM_DEFAULT_URI, else "test:///default" until the
 * daemon exists).  Supported now: test:///default, test:///ABS/PATH.xml.
 */
VmmConnect *vmm_connect_open(const char *uri, unsigned int flags, GError **error);
VmmConnect *vmm_connect_ref(VmmConnect *conn);
void vmm_connect_unref(VmmConnect *conn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmConnect, vmm_connect_unref)

char *vmm_connect_get_uri(VmmConnect *conn, GError **error);
/* Hypervisor type, e.g. "TEST" or "QEMU". */
const char *vmm_connect_get_type(VmmConnect *conn, GError **error);
/* Hypervisor version as major*1000000 + minor*1000 + micro. */
gboolean vmm_connect_get_version(VmmConnect *conn, unsigned long *hv_ver, GError **error);
/* libvmm's own version in the same encoding. */
unsigned long vmm_get_lib_version(void);
char *vmm_connect_get_hostname(VmmConnect *conn, GError **error);
char *vmm_connect_get_capabilities(VmmConnect *conn, GError **error);
gboolean vmm_connect_is_readonly(VmmConnect *conn);

typedef struct {
    char model[32];
    guint64 memory;        /* KiB */
    unsigned int cpus;
    unsigned int mhz;
    unsigned int nodes;
    unsigned int sockets;  /* per node */
    unsigned int cores;    /* per socket */
    unsigned int threads;  /* per core */
} VmmNodeInfo;

gboolean vmm_node_get_info(VmmConnect *conn, VmmNodeInfo *info, GError **error);

/* ------------------------------------------------------------------ */
/* Domains                                                             */

typedef enum {
    VMM_DOMAIN_NOSTATE = 0,
    VMM_DOMAIN_RUNNING = 1,
    VMM_DOMAIN_BLOCKED = 2,
    VMM_DOMAIN_PAUSED = 3,
    VMM_DOMAIN_SHUTDOWN = 4,
    VMM_DOMAIN_SHUTOFF = 5,
    VMM_DOMAIN_CRASHED = 6,
    VMM_DOMAIN_PMSUSPENDED = 7,
    VMM_DOMAIN_STATE_LAST
} VmmDomainState;

typedef enum {
    VMM_DOMAIN_RUNNING_UNKNOWN = 0,
    VMM_DOMAIN_RUNNING_BOOTED = 1,
    VMM_DOMAIN_RUNNING_MIGRATED = 2,
    VMM_DOMAIN_RUNNING_RESTORED = 3,
    VMM_DOMAIN_RUNNING_FROM_SNAPSHOT = 4,
    VMM_DOMAIN_RUNNING_UNPAUSED = 5,
    VMM_DOMAIN_RUNNING_CRASHED = 9,
} VmmDomainRunningReason;

typedef enum {
    VMM_DOMAIN_PAUSED_UNKNOWN = 0,
    VMM_DOMAIN_PAUSED_USER = 1,
} VmmDomainPausedReason;

typedef enum {
    VMM_DOMAIN_SHUTDOWN_UNKNOWN = 0,
    VMM_DOMAIN_SHUTDOWN_USER = 1,
} VmmDomainShutdownReason;

typedef enum {
    VMM_DOMAIN_SHUTOFF_UNKNOWN = 0,
    VMM_DOMAIN_SHUTOFF_SHUTDOWN = 1,
    VMM_DOMAIN_SHUTOFF_DESTROYED = 2,
    VMM_DOMAIN_SHUTOFF_CRASHED = 3,
    VMM_DOMAIN_SHUTOFF_MIGRATED = 4,
    VMM_DOMAIN_SHUTOFF_SAVED = 5,
    VMM_DOMAIN_SHUTOFF_FAILED = 6,
    VMM_DOMAIN_SHUTOFF_FROM_SNAPSHOT = 7,
    VMM_DOMAIN_SHUTOFF_DAEMON = 8,
} VmmDomainShutoffReason;

/* English names as virsh prints them ("running", "shut off"). */
const char *vmm_domain_state_to_string(int state);
/* Reason names as virsh's "domstate --reason" prints them ("booted"). */
const char *vmm_domain_reason_to_string(int state, int reason);

typedef struct {
    unsigned char state;     /* VmmDomainState */
    guint64 max_mem;         /* KiB */
    guint64 memory;          /* KiB */
    unsigned short nr_virt_cpu;
    guint64 cpu_time;        /* ns */
} VmmDomainInfo;

typedef enum {
    VMM_CONNECT_LIST_DOMAINS_ACTIVE = 1 << 0,
    VMM_CONNECT_LIST_DOMAINS_INACTIVE = 1 << 1,
    VMM_CONNECT_LIST_DOMAINS_PERSISTENT = 1 << 2,
    VMM_CONNECT_LIST_DOMAINS_TRANSIENT = 1 << 3,
    VMM_CONNECT_LIST_DOMAINS_RUNNING = 1 << 4,
    VMM_CONNECT_LIST_DOMAINS_PAUSED = 1 << 5,
    VMM_CONNECT_LIST_DOMAINS_SHUTOFF = 1 << 6,
    VMM_CONNECT_LIST_DOMAINS_OTHER = 1 << 7,
    VMM_CONNECT_LIST_DOMAINS_MANAGEDSAVE = 1 << 8,
    VMM_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE = 1 << 9,
    VMM_CONNECT_LIST_DOMAINS_AUTOSTART = 1 << 10,
    VMM_CONNECT_LIST_DOMAINS_NO_AUTOSTART = 1 << 11,
    VMM_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT = 1 << 12,
    VMM_CONNECT_LIST_DOMAINS_NO_SNAPSHOT = 1 << 13,
} VmmConnectListAllDomainsFlags;

typedef enum {
    VMM_DOMAIN_DEFINE_VALIDATE = 1 << 0,   /* check against schemas/domain.rng */
} VmmDomainDefineFlags;

typedef enum {
    VMM_DOMAIN_START_PAUSED = 1 << 0,
    VMM_DOMAIN_START_AUTODESTROY = 1 << 1,
    VMM_DOMAIN_START_BYPASS_CACHE = 1 << 2,
    VMM_DOMAIN_START_FORCE_BOOT = 1 << 3,
    VMM_DOMAIN_START_VALIDATE = 1 << 4,
} VmmDomainCreateFlags;

typedef enum {
    VMM_DOMAIN_XML_SECURE = 1 << 0,
    VMM_DOMAIN_XML_INACTIVE = 1 << 1,
    VMM_DOMAIN_XML_UPDATE_CPU = 1 << 2,
    VMM_DOMAIN_XML_MIGRATABLE = 1 << 3,
} VmmDomainXMLFlags;

typedef enum {
    VMM_DOMAIN_DESTROY_GRACEFUL = 1 << 0,
} VmmDomainDestroyFlags;

typedef enum {
    VMM_DOMAIN_AFFECT_CURRENT = 0,
    VMM_DOMAIN_AFFECT_LIVE = 1 << 0,
    VMM_DOMAIN_AFFECT_CONFIG = 1 << 1,
} VmmDomainModificationImpact;

/* libvirt's virDomainDeviceModifyFlags beyond the AFFECT ones. */
#define VMM_DOMAIN_DEVICE_MODIFY_FORCE (1 << 2)

typedef enum {
    VMM_DOMAIN_METADATA_DESCRIPTION = 0,
    VMM_DOMAIN_METADATA_TITLE = 1,
    VMM_DOMAIN_METADATA_ELEMENT = 2,
} VmmDomainMetadataType;

/* Returns a GPtrArray of VmmDomain* (free func set: unref), sorted as the
 * driver keeps them (running by id, then inactive by name). */
GPtrArray *vmm_connect_list_all_domains(VmmConnect *conn, unsigned int flags,
                                        GError **error);
int vmm_connect_num_of_domains(VmmConnect *conn, GError **error);          /* active */
int vmm_connect_num_of_defined_domains(VmmConnect *conn, GError **error);  /* inactive */

VmmDomain *vmm_domain_lookup_by_name(VmmConnect *conn, const char *name, GError **error);
VmmDomain *vmm_domain_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error);
VmmDomain *vmm_domain_lookup_by_uuid_string(VmmConnect *conn, const char *uuid, GError **error);
VmmDomain *vmm_domain_lookup_by_id(VmmConnect *conn, int id, GError **error);

VmmDomain *vmm_domain_define_xml(VmmConnect *conn, const char *xml, unsigned int flags,
                                 GError **error);
gboolean vmm_domain_undefine(VmmDomain *dom, unsigned int flags, GError **error);
/* Define-and-start a transient domain. */
VmmDomain *vmm_domain_create_xml(VmmConnect *conn, const char *xml, unsigned int flags,
                                 GError **error);
/* Start a defined domain. */
gboolean vmm_domain_create(VmmDomain *dom, unsigned int flags, GError **error);
/* How vmm_domain_shutdown() and vmm_domain_reboot() reach the guest
 * (libvirt's virDomainShutdownFlagValues); none: the driver's choice. */
typedef enum {
    VMM_DOMAIN_SHUTDOWN_ACPI_POWER_BTN = 1 << 0,
    VMM_DOMAIN_SHUTDOWN_GUEST_AGENT = 1 << 1,
    VMM_DOMAIN_SHUTDOWN_INITCTL = 1 << 2,
    VMM_DOMAIN_SHUTDOWN_SIGNAL = 1 << 3,
    VMM_DOMAIN_SHUTDOWN_PARAVIRT = 1 << 4,
} VmmDomainShutdownFlags;
gboolean vmm_domain_shutdown(VmmDomain *dom, unsigned int flags, GError **error);
gboolean vmm_domain_reboot(VmmDomain *dom, unsigned int flags, GError **error);
gboolean vmm_domain_reset(VmmDomain *dom, unsigned int flags, GError **error);
gboolean vmm_domain_destroy(VmmDomain *dom, unsigned int flags, GError **error);
gboolean vmm_domain_suspend(VmmDomain *dom, GError **error);
gboolean vmm_domain_resume(VmmDomain *dom, GError **error);

gboolean vmm_domain_get_info(VmmDomain *dom, VmmDomainInfo *info, GError **error);
gboolean vmm_domain_get_state(VmmDomain *dom, int *state, int *reason,
                              unsigned int flags, GError **error);
char *vmm_domain_get_xml_desc(VmmDomain *dom, unsigned int flags, GError **error);
char *vmm_domain_get_os_type(VmmDomain *dom, GError **error);
gboolean vmm_domain_get_autostart(VmmDomain *dom, gboolean *autostart, GError **error);
gboolean vmm_domain_set_autostart(VmmDomain *dom, gboolean autostart, GError **error);
/* 1 active, 0 inactive, -1 error. */
int vmm_domain_is_active(VmmDomain *dom, GError **error);
int vmm_domain_is_persistent(VmmDomain *dom, GError **error);
/* Title/description (@type METADATA_TITLE/DESCRIPTION; @uri/@key unused
 * then) or a foreign-namespace element (METADATA_ELEMENT, keyed by @uri).
 * Missing metadata fails with VMM_ERR_NO_DOMAIN_METADATA. */
char *vmm_domain_get_metadata(VmmDomain *dom, int type, const char *uri,
                              unsigned int flags, GError **error);
gboolean vmm_domain_set_metadata(VmmDomain *dom, int type, const char *metadata,
                                 const char *key, const char *uri,
                                 unsigned int flags, GError **error);

/* Device hotplug and config edits (libvirt's virDomainAttachDeviceFlags
 * etc.).  @xml is one device element; @flags are VmmDomainModificationImpact
 * (CURRENT: live when running, else config).  Without flags, as libvirt's
 * virDomainAttachDevice: the running domain only.  A live detach returns
 * once QEMU reported the device gone (VMM_ERR_OPERATION_TIMEOUT when the
 * guest did not release it in time). */
gboolean vmm_domain_attach_device(VmmDomain *dom, const char *xml, GError **error);
gboolean vmm_domain_attach_device_flags(VmmDomain *dom, const char *xml, unsigned int flags,
                                        GError **error);
gboolean vmm_domain_detach_device(VmmDomain *dom, const char *xml, GError **error);
gboolean vmm_domain_detach_device_flags(VmmDomain *dom, const char *xml, unsigned int flags,
                                        GError **error);
/* Replace the device @xml describes (libvirt's virDomainUpdateDeviceFlags;
 * @flags may add VMM_DOMAIN_DEVICE_MODIFY_FORCE). */
gboolean vmm_domain_update_device_flags(VmmDomain *dom, const char *xml, unsigned int flags,
                                        GError **error);

/* Handle accessors; never fail. */
VmmDomain *vmm_domain_ref(VmmDomain *dom);
void vmm_domain_unref(VmmDomain *dom);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomain, vmm_domain_unref)
const char *vmm_domain_get_name(VmmDomain *dom);
const unsigned char *vmm_domain_get_uuid(VmmDomain *dom);
/* Writes into @buf (VMM_UUID_STRING_BUFLEN) and returns it. */
char *vmm_domain_get_uuid_string(VmmDomain *dom, char *buf);
/* The id at lookup time, -1 when inactive. */
int vmm_domain_get_id(VmmDomain *dom);
VmmConnect *vmm_domain_get_connect(VmmDomain *dom);

/* ------------------------------------------------------------------ */
/* Networks                                                            */

typedef enum {
    VMM_CONNECT_LIST_NETWORKS_INACTIVE = 1 << 0,
    VMM_CONNECT_LIST_NETWORKS_ACTIVE = 1 << 1,
    VMM_CONNECT_LIST_NETWORKS_PERSISTENT = 1 << 2,
    VMM_CONNECT_LIST_NETWORKS_TRANSIENT = 1 << 3,
    VMM_CONNECT_LIST_NETWORKS_AUTOSTART = 1 << 4,
    VMM_CONNECT_LIST_NETWORKS_NO_AUTOSTART = 1 << 5,
} VmmConnectListAllNetworksFlags;

typedef enum {
    VMM_NETWORK_XML_INACTIVE = 1 << 0,
} VmmNetworkXMLFlags;

typedef enum {
    VMM_NETWORK_DEFINE_VALIDATE = 1 << 0,
} VmmNetworkDefineFlags;

GPtrArray *vmm_connect_list_all_networks(VmmConnect *conn, unsigned int flags, GError **error);
VmmNetwork *vmm_network_lookup_by_name(VmmConnect *conn, const char *name, GError **error);
VmmNetwork *vmm_network_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error);
VmmNetwork *vmm_network_lookup_by_uuid_string(VmmConnect *conn, const char *uuid, GError **error);
VmmNetwork *vmm_network_define_xml(VmmConnect *conn, const char *xml, unsigned int flags,
                                   GError **error);
VmmNetwork *vmm_network_create_xml(VmmConnect *conn, const char *xml, unsigned int flags,
                                   GError **error);
gboolean vmm_network_undefine(VmmNetwork *net, GError **error);
gboolean vmm_network_create(VmmNetwork *net, GError **error);     /* start */
gboolean vmm_network_destroy(VmmNetwork *net, GError **error);
char *vmm_network_get_xml_desc(VmmNetwork *net, unsigned int flags, GError **error);
char *vmm_network_get_bridge_name(VmmNetwork *net, GError **error);
gboolean vmm_network_get_autostart(VmmNetwork *net, gboolean *autostart, GError **error);
gboolean vmm_network_set_autostart(VmmNetwork *net, gboolean autostart, GError **error);
int vmm_network_is_active(VmmNetwork *net, GError **error);
int vmm_network_is_persistent(VmmNetwork *net, GError **error);

VmmNetwork *vmm_network_ref(VmmNetwork *net);
void vmm_network_unref(VmmNetwork *net);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmNetwork, vmm_network_unref)
const char *vmm_network_get_name(VmmNetwork *net);
const unsigned char *vmm_network_get_uuid(VmmNetwork *net);
char *vmm_network_get_uuid_string(VmmNetwork *net, char *buf);
VmmConnect *vmm_network_get_connect(VmmNetwork *net);

/* ------------------------------------------------------------------ */
/* Storage pools and volumes                                           */

typedef enum {
    VMM_STORAGE_POOL_INACTIVE = 0,
    VMM_STORAGE_POOL_BUILDING = 1,
    VMM_STORAGE_POOL_RUNNING = 2,
    VMM_STORAGE_POOL_DEGRADED = 3,
    VMM_STORAGE_POOL_INACCESSIBLE = 4,
} VmmStoragePoolState;

typedef struct {
    int state;            /* VmmStoragePoolState */
    guint64 capacity;     /* bytes */
    guint64 allocation;
    guint64 available;
} VmmStoragePoolInfo;

typedef enum {
    VMM_STORAGE_VOL_FILE = 0,
    VMM_STORAGE_VOL_BLOCK = 1,
    VMM_STORAGE_VOL_DIR = 2,
    VMM_STORAGE_VOL_NETWORK = 3,
    VMM_STORAGE_VOL_NETDIR = 4,
    VMM_STORAGE_VOL_PLOOP = 5,
} VmmStorageVolType;

typedef struct {
    int type;             /* VmmStorageVolType */
    guint64 capacity;     /* bytes */
    guint64 allocation;
} VmmStorageVolInfo;

typedef enum {
    VMM_CONNECT_LIST_STORAGE_POOLS_INACTIVE = 1 << 0,
    VMM_CONNECT_LIST_STORAGE_POOLS_ACTIVE = 1 << 1,
    VMM_CONNECT_LIST_STORAGE_POOLS_PERSISTENT = 1 << 2,
    VMM_CONNECT_LIST_STORAGE_POOLS_TRANSIENT = 1 << 3,
    VMM_CONNECT_LIST_STORAGE_POOLS_AUTOSTART = 1 << 4,
    VMM_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART = 1 << 5,
    VMM_CONNECT_LIST_STORAGE_POOLS_DIR = 1 << 6,
    VMM_CONNECT_LIST_STORAGE_POOLS_FS = 1 << 7,
    VMM_CONNECT_LIST_STORAGE_POOLS_NETFS = 1 << 8,
    VMM_CONNECT_LIST_STORAGE_POOLS_LOGICAL = 1 << 9,
} VmmConnectListAllStoragePoolsFlags;

typedef enum {
    VMM_STORAGE_POOL_DEFINE_VALIDATE = 1 << 0,
} VmmStoragePoolDefineFlags;

typedef enum {
    VMM_STORAGE_XML_INACTIVE = 1 << 0,
} VmmStorageXMLFlags;

GPtrArray *vmm_connect_list_all_storage_pools(VmmConnect *conn, unsigned int flags,
                                              GError **error);
VmmStoragePool *vmm_storage_pool_lookup_by_name(VmmConnect *conn, const char *name,
                                                GError **error);
VmmStoragePool *vmm_storage_pool_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid,
                                                GError **error);
VmmStoragePool *vmm_storage_pool_lookup_by_uuid_string(VmmConnect *conn, const char *uuid,
                                                       GError **error);
VmmStoragePool *vmm_storage_pool_lookup_by_volume(VmmStorageVol *vol, GError **error);
VmmStoragePool *vmm_storage_pool_define_xml(VmmConnect *conn, const char *xml,
                                            unsigned int flags, GError **error);
VmmStoragePool *vmm_storage_pool_create_xml(VmmConnect *conn, const char *xml,
                                            unsigned int flags, GError **error);
gboolean vmm_storage_pool_build(VmmStoragePool *pool, unsigned int flags, GError **error);
gboolean vmm_storage_pool_undefine(VmmStoragePool *pool, GError **error);
gboolean vmm_storage_pool_create(VmmStoragePool *pool, unsigned int flags, GError **error);
gboolean vmm_storage_pool_destroy(VmmStoragePool *pool, GError **error);
gboolean vmm_storage_pool_delete(VmmStoragePool *pool, unsigned int flags, GError **error);
gboolean vmm_storage_pool_refresh(VmmStoragePool *pool, unsigned int flags, GError **error);
gboolean vmm_storage_pool_get_info(VmmStoragePool *pool, VmmStoragePoolInfo *info,
                                   GError **error);
char *vmm_storage_pool_get_xml_desc(VmmStoragePool *pool, unsigned int flags, GError **error);
gboolean vmm_storage_pool_get_autostart(VmmStoragePool *pool, gboolean *autostart,
                                        GError **error);
gboolean vmm_storage_pool_set_autostart(VmmStoragePool *pool, gboolean autostart,
                                        GError **error);
int vmm_storage_pool_is_active(VmmStoragePool *pool, GError **error);
int vmm_storage_pool_is_persistent(VmmStoragePool *pool, GError **error);
/* GPtrArray of VmmStorageVol*, sorted by name. */
GPtrArray *vmm_storage_pool_list_all_volumes(VmmStoragePool *pool, unsigned int flags,
                                             GError **error);

VmmStoragePool *vmm_storage_pool_ref(VmmStoragePool *pool);
void vmm_storage_pool_unref(VmmStoragePool *pool);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmStoragePool, vmm_storage_pool_unref)
const char *vmm_storage_pool_get_name(VmmStoragePool *pool);
const unsigned char *vmm_storage_pool_get_uuid(VmmStoragePool *pool);
char *vmm_storage_pool_get_uuid_string(VmmStoragePool *pool, char *buf);
VmmConnect *vmm_storage_pool_get_connect(VmmStoragePool *pool);

VmmStorageVol *vmm_storage_vol_lookup_by_name(VmmStoragePool *pool, const char *name,
                                              GError **error);
VmmStorageVol *vmm_storage_vol_lookup_by_key(VmmConnect *conn, const char *key,
                                             GError **error);
VmmStorageVol *vmm_storage_vol_lookup_by_path(VmmConnect *conn, const char *path,
                                              GError **error);
VmmStorageVol *vmm_storage_vol_create_xml(VmmStoragePool *pool, const char *xml,
                                          unsigned int flags, GError **error);
gboolean vmm_storage_vol_delete(VmmStorageVol *vol, unsigned int flags, GError **error);
gboolean vmm_storage_vol_get_info(VmmStorageVol *vol, VmmStorageVolInfo *info,
                                  GError **error);
char *vmm_storage_vol_get_xml_desc(VmmStorageVol *vol, unsigned int flags, GError **error);
char *vmm_storage_vol_get_path(VmmStorageVol *vol, GError **error);

VmmStorageVol *vmm_storage_vol_ref(VmmStorageVol *vol);
void vmm_storage_vol_unref(VmmStorageVol *vol);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmStorageVol, vmm_storage_vol_unref)
const char *vmm_storage_vol_get_name(VmmStorageVol *vol);
const char *vmm_storage_vol_get_key(VmmStorageVol *vol);
/* Name of the pool holding the volume. */
const char *vmm_storage_vol_get_pool_name(VmmStorageVol *vol);
VmmConnect *vmm_storage_vol_get_connect(VmmStorageVol *vol);

G_END_DECLS

/* ------------------------------------------------------------------ */
/* Lifecycle events                                                    */
/*
 * Callbacks run in the thread that caused the event (a driver call, or
 * the remote client's event thread), after the change, without driver
 * locks held.  They must not block.  Deregister every callback before the
 * last vmm_connect_unref() of its connection; a handle passed to a callback
 * may still hold the connection, which then closes when it is released.
 */
G_BEGIN_DECLS

typedef enum {
    VMM_DOMAIN_EVENT_DEFINED = 0,
    VMM_DOMAIN_EVENT_UNDEFINED = 1,
    VMM_DOMAIN_EVENT_STARTED = 2,
    VMM_DOMAIN_EVENT_SUSPENDED = 3,
    VMM_DOMAIN_EVENT_RESUMED = 4,
    VMM_DOMAIN_EVENT_STOPPED = 5,
    VMM_DOMAIN_EVENT_SHUTDOWN = 6,
    VMM_DOMAIN_EVENT_PMSUSPENDED = 7,
    VMM_DOMAIN_EVENT_CRASHED = 8,
    VMM_DOMAIN_EVENT_LAST
} VmmDomainEventType;

/* Details, per event (libvirt's values). */
typedef enum {
    VMM_DOMAIN_EVENT_DEFINED_ADDED = 0,
    VMM_DOMAIN_EVENT_DEFINED_UPDATED = 1,
    VMM_DOMAIN_EVENT_DEFINED_RENAMED = 2,
} VmmDomainEventDefinedDetail;

typedef enum {
    VMM_DOMAIN_EVENT_UNDEFINED_REMOVED = 0,
    VMM_DOMAIN_EVENT_UNDEFINED_RENAMED = 1,
} VmmDomainEventUndefinedDetail;

typedef enum {
    VMM_DOMAIN_EVENT_STARTED_BOOTED = 0,
    VMM_DOMAIN_EVENT_STARTED_MIGRATED = 1,
    VMM_DOMAIN_EVENT_STARTED_RESTORED = 2,
    VMM_DOMAIN_EVENT_STARTED_FROM_SNAPSHOT = 3,
    VMM_DOMAIN_EVENT_STARTED_WAKEUP = 4,
} VmmDomainEventStartedDetail;

typedef enum {
    VMM_DOMAIN_EVENT_SUSPENDED_PAUSED = 0,
    VMM_DOMAIN_EVENT_SUSPENDED_MIGRATED = 1,
    VMM_DOMAIN_EVENT_SUSPENDED_IOERROR = 2,
    VMM_DOMAIN_EVENT_SUSPENDED_WATCHDOG = 3,
    VMM_DOMAIN_EVENT_SUSPENDED_RESTORED = 4,
    VMM_DOMAIN_EVENT_SUSPENDED_FROM_SNAPSHOT = 5,
    VMM_DOMAIN_EVENT_SUSPENDED_API_ERROR = 6,
} VmmDomainEventSuspendedDetail;

typedef enum {
    VMM_DOMAIN_EVENT_RESUMED_UNPAUSED = 0,
    VMM_DOMAIN_EVENT_RESUMED_MIGRATED = 1,
    VMM_DOMAIN_EVENT_RESUMED_FROM_SNAPSHOT = 2,
} VmmDomainEventResumedDetail;

typedef enum {
    VMM_DOMAIN_EVENT_STOPPED_SHUTDOWN = 0,
    VMM_DOMAIN_EVENT_STOPPED_DESTROYED = 1,
    VMM_DOMAIN_EVENT_STOPPED_CRASHED = 2,
    VMM_DOMAIN_EVENT_STOPPED_MIGRATED = 3,
    VMM_DOMAIN_EVENT_STOPPED_SAVED = 4,
    VMM_DOMAIN_EVENT_STOPPED_FAILED = 5,
    VMM_DOMAIN_EVENT_STOPPED_FROM_SNAPSHOT = 6,
} VmmDomainEventStoppedDetail;

typedef enum {
    VMM_DOMAIN_EVENT_SHUTDOWN_FINISHED = 0,
    VMM_DOMAIN_EVENT_SHUTDOWN_GUEST = 1,
    VMM_DOMAIN_EVENT_SHUTDOWN_HOST = 2,
} VmmDomainEventShutdownDetail;

typedef enum {
    VMM_NETWORK_EVENT_DEFINED = 0,
    VMM_NETWORK_EVENT_UNDEFINED = 1,
    VMM_NETWORK_EVENT_STARTED = 2,
    VMM_NETWORK_EVENT_STOPPED = 3,
    VMM_NETWORK_EVENT_LAST
} VmmNetworkEventType;

typedef enum {
    VMM_STORAGE_POOL_EVENT_DEFINED = 0,
    VMM_STORAGE_POOL_EVENT_UNDEFINED = 1,
    VMM_STORAGE_POOL_EVENT_STARTED = 2,
    VMM_STORAGE_POOL_EVENT_STOPPED = 3,
    VMM_STORAGE_POOL_EVENT_CREATED = 4,
    VMM_STORAGE_POOL_EVENT_DELETED = 5,
    VMM_STORAGE_POOL_EVENT_LAST
} VmmStoragePoolEventType;

/* "Started", "Booted"...: the words virsh's event command prints. */
const char *vmm_domain_event_to_string(int event);
const char *vmm_domain_event_detail_to_string(int event, int detail);

typedef void (*VmmDomainEventCallback)(VmmConnect *conn, VmmDomain *dom, int event,
                                       int detail, gpointer opaque);
typedef void (*VmmNetworkEventCallback)(VmmConnect *conn, VmmNetwork *net, int event,
                                        int detail, gpointer opaque);
typedef void (*VmmStoragePoolEventCallback)(VmmConnect *conn, VmmStoragePool *pool,
                                            int event, int detail, gpointer opaque);

/*
 * Call @cb for every lifecycle event of every domain on @conn until
 * deregistered.  @free_opaque (may be NULL) releases @opaque then.
 * Returns a callback id (>= 0), or -1 with @error set.
 */
int vmm_connect_domain_event_register(VmmConnect *conn, VmmDomainEventCallback cb,
                                      gpointer opaque, GDestroyNotify free_opaque,
                                      GError **error);
gboolean vmm_connect_domain_event_deregister(VmmConnect *conn, int callback_id,
                                             GError **error);
int vmm_connect_network_event_register(VmmConnect *conn, VmmNetworkEventCallback cb,
                                       gpointer opaque, GDestroyNotify free_opaque,
                                       GError **error);
gboolean vmm_connect_network_event_deregister(VmmConnect *conn, int callback_id,
                                              GError **error);
int vmm_connect_storage_pool_event_register(VmmConnect *conn,
                                            VmmStoragePoolEventCallback cb,
                                            gpointer opaque, GDestroyNotify free_opaque,
                                            GError **error);
gboolean vmm_connect_storage_pool_event_deregister(VmmConnect *conn, int callback_id,
                                                   GError **error);

/*
 * libvirt's <domainCapabilities> for @emulator (or the binary of @arch),
 * @machine and @virttype ("kvm", "qemu"); each may be NULL for the default.
 * Returns a new string, or NULL with @error set.
 */
char *vmm_connect_get_domain_capabilities(VmmConnect *conn, const char *emulator,
                                          const char *arch, const char *machine,
                                          const char *virttype, unsigned int flags,
                                          GError **error);

G_END_DECLS

/* ------------------------------------------------------------------ */
/* Network DHCP leases and live updates                                */
G_BEGIN_DECLS

typedef enum {
    VMM_IP_ADDR_TYPE_IPV4 = 0,
    VMM_IP_ADDR_TYPE_IPV6 = 1,
} VmmIPAddrType;

/* One lease of a network's DHCP server (libvirt's virNetworkDHCPLease). */
typedef struct {
    char *iface;          /* the network's bridge */
    gint64 expirytime;    /* seconds since the epoch; 0: never */
    int type;             /* VmmIPAddrType */
    char *mac;            /* NULL for DHCPv6 */
    char *iaid;           /* DHCPv6 only */
    char *ipaddr;
    unsigned int prefix;
    char *hostname;       /* may be NULL */
    char *clientid;       /* may be NULL */
} VmmNetworkLease;

void vmm_network_lease_free(VmmNetworkLease *lease);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmNetworkLease, vmm_network_lease_free)

/* The current leases of @net, all or those of @mac (may be NULL).
 * Returns a GPtrArray of VmmNetworkLease* (free func set), or NULL. */
GPtrArray *vmm_network_get_dhcp_leases(VmmNetwork *net, const char *mac, unsigned int flags,
                                       GError **error);

/* libvirt's virNetworkUpdateCommand, virNetworkUpdateSection and
 * virNetworkUpdateFlags values. */
typedef enum {
    VMM_NETWORK_UPDATE_COMMAND_NONE = 0,
    VMM_NETWORK_UPDATE_COMMAND_MODIFY = 1,
    VMM_NETWORK_UPDATE_COMMAND_DELETE = 2,
    VMM_NETWORK_UPDATE_COMMAND_ADD_LAST = 3,
    VMM_NETWORK_UPDATE_COMMAND_ADD_FIRST = 4,
} VmmNetworkUpdateCommand;

typedef enum {
    VMM_NETWORK_SECTION_NONE = 0,
    VMM_NETWORK_SECTION_BRIDGE = 1,
    VMM_NETWORK_SECTION_DOMAIN = 2,
    VMM_NETWORK_SECTION_IP = 3,
    VMM_NETWORK_SECTION_IP_DHCP_HOST = 4,
    VMM_NETWORK_SECTION_IP_DHCP_RANGE = 5,
    VMM_NETWORK_SECTION_FORWARD = 6,
    VMM_NETWORK_SECTION_FORWARD_INTERFACE = 7,
    VMM_NETWORK_SECTION_FORWARD_PF = 8,
    VMM_NETWORK_SECTION_PORTGROUP = 9,
    VMM_NETWORK_SECTION_DNS_HOST = 10,
    VMM_NETWORK_SECTION_DNS_TXT = 11,
    VMM_NETWORK_SECTION_DNS_SRV = 12,
} VmmNetworkUpdateSection;

typedef enum {
    VMM_NETWORK_UPDATE_AFFECT_CURRENT = 0,
    VMM_NETWORK_UPDATE_AFFECT_LIVE = 1 << 0,
    VMM_NETWORK_UPDATE_AFFECT_CONFIG = 1 << 1,
} VmmNetworkUpdateFlags;

/*
 * Add, delete or modify one element (@xml, e.g. "<host mac=... ip=.../>")
 * of @section (the network driver supports IP_DHCP_HOST and DNS_HOST) in
 * the live definition, the persistent one, or both (@flags).  @parent_index
 * picks the <ip> of a DHCP host (-1: the first).  Live changes to static
 * hosts take effect at once.
 */
gboolean vmm_network_update(VmmNetwork *net, unsigned int command, unsigned int section,
                            int parent_index, const char *xml, unsigned int flags,
                            GError **error);

/*
 * What the driver has to tell about @net now, one human-readable line per
 * message: for an active forwarding network, a host firewall outside vmm's
 * tables that drops its traffic (naming the rule and the fix).  An empty
 * vector when all is well; NULL with @error set on failure, including
 * VMM_ERR_NO_SUPPORT from drivers (and daemons) that have no messages.
 * A vmm extension: libvirt has no such call.  @flags: 0.
 */
GStrv vmm_network_get_messages(VmmNetwork *net, unsigned int flags, GError **error);

G_END_DECLS

/* ------------------------------------------------------------------ */
/* Typed parameters and bulk domain statistics                         */
G_BEGIN_DECLS

/* libvirt's virTypedParameterType values. */
typedef enum {
    VMM_TYPED_PARAM_INT = 1,
    VMM_TYPED_PARAM_UINT = 2,
    VMM_TYPED_PARAM_LLONG = 3,
    VMM_TYPED_PARAM_ULLONG = 4,
    VMM_TYPED_PARAM_DOUBLE = 5,
    VMM_TYPED_PARAM_BOOLEAN = 6,
    VMM_TYPED_PARAM_STRING = 7,
} VmmTypedParameterType;

/* Longest field name, NUL included (libvirt's VIR_TYPED_PARAM_FIELD_LENGTH). */
#define VMM_TYPED_PARAM_FIELD_LENGTH 80

typedef struct {
    char field[VMM_TYPED_PARAM_FIELD_LENGTH];   /* "state.state" */
    int type;                                   /* VmmTypedParameterType */
    union {
        int i;
        unsigned int ui;
        gint64 l;
        guint64 ul;
        double d;
        gboolean b;
        char *s;                                /* owned by the parameter */
    } value;
} VmmTypedParameter;

/* The value of the INT parameter @name; FALSE when absent or not an INT. */
gboolean vmm_typed_params_get_int(const VmmTypedParameter *params, int nparams,
                                  const char *name, int *value);

/* Groups of statistics (libvirt's virDomainStatsTypes, field names as
 * libvirt's).  STATE: "state.state" and "state.reason" (INT,
 * VmmDomainState and its reason); the others for running domains of
 * drivers that report them. */
typedef enum {
    VMM_DOMAIN_STATS_STATE = 1 << 0,
    VMM_DOMAIN_STATS_CPU_TOTAL = 1 << 1,   /* cpu.time (ULLONG, ns) */
    VMM_DOMAIN_STATS_BALLOON = 1 << 2,     /* balloon.current, .maximum (KiB), memory stats */
    VMM_DOMAIN_STATS_VCPU = 1 << 3,        /* vcpu.current, .maximum, vcpu.N.state, .time */
    VMM_DOMAIN_STATS_INTERFACE = 1 << 4,   /* net.count, net.N.name, .rx.bytes, ... */
    VMM_DOMAIN_STATS_BLOCK = 1 << 5,       /* block.count, block.N.name, .path, .rd.reqs, ... */
    /* libvirt's other groups: vmm reports none of them. */
    VMM_DOMAIN_STATS_PERF = 1 << 6,
    VMM_DOMAIN_STATS_IOTHREAD = 1 << 7,
    VMM_DOMAIN_STATS_MEMORY = 1 << 8,
    VMM_DOMAIN_STATS_DIRTYRATE = 1 << 9,
    VMM_DOMAIN_STATS_VM = 1 << 10,
} VmmDomainStatsTypes;

/* Flags of the bulk calls: the first eight filter like
 * VMM_CONNECT_LIST_DOMAINS_* (vmm_connect_get_all_domain_stats() only). */
typedef enum {
    VMM_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE = VMM_CONNECT_LIST_DOMAINS_ACTIVE,
    VMM_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE = VMM_CONNECT_LIST_DOMAINS_INACTIVE,
    VMM_CONNECT_GET_ALL_DOMAINS_STATS_PERSISTENT = VMM_CONNECT_LIST_DOMAINS_PERSISTENT,
    VMM_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT = VMM_CONNECT_LIST_DOMAINS_TRANSIENT,
    VMM_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING = VMM_CONNECT_LIST_DOMAINS_RUNNING,
    VMM_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED = VMM_CONNECT_LIST_DOMAINS_PAUSED,
    VMM_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF = VMM_CONNECT_LIST_DOMAINS_SHUTOFF,
    VMM_CONNECT_GET_ALL_DOMAINS_STATS_OTHER = VMM_CONNECT_LIST_DOMAINS_OTHER,
    VMM_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT = 1 << 29,
    VMM_CONNECT_GET_ALL_DOMAINS_STATS_BACKING = 1 << 30,
} VmmConnectGetAllDomainStatsFlags;
/* Fail on a requested group vmm cannot report instead of skipping it (bit
 * 31: outside what an enum constant may portably hold). */
#define VMM_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS (1U << 31)

/* One domain's statistics. */
typedef struct {
    VmmDomain *dom;
    VmmTypedParameter *params;
    int nparams;
} VmmDomainStatsRecord;

void vmm_domain_stats_record_free(VmmDomainStatsRecord *rec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainStatsRecord, vmm_domain_stats_record_free)

/*
 * The statistics groups @stats (0: every group vmm has) of every domain
 * matching the filters in @flags, in one call (one round trip through
 * vmmd), as libvirt's virConnectGetAllDomainStats.  Returns a GPtrArray of
 * VmmDomainStatsRecord* (free func set) in vmm_connect_list_all_domains()
 * order, or NULL with @error set.
 */
GPtrArray *vmm_connect_get_all_domain_stats(VmmConnect *conn, unsigned int stats,
                                            unsigned int flags, GError **error);

/* The same for the @ndoms domains @doms, all of one connection (libvirt's
 * virDomainListGetStats); filter flags are refused.  Domains that vanished
 * meanwhile are left out. */
GPtrArray *vmm_domain_list_get_stats(VmmDomain *const *doms, guint ndoms, unsigned int stats,
                                     unsigned int flags, GError **error);

G_END_DECLS

/* ------------------------------------------------------------------ */
/* Guest interface addresses                                           */
G_BEGIN_DECLS

/* Where the addresses come from (libvirt's
 * virDomainInterfaceAddressesSource). */
typedef enum {
    VMM_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE = 0,   /* the networks' DHCP leases */
    VMM_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT = 1,   /* the guest agent */
    VMM_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP = 2,     /* the host's ARP table */
} VmmDomainInterfaceAddressesSource;

typedef struct {
    int type;                 /* VmmIPAddrType */
    char *addr;
    unsigned int prefix;
} VmmDomainIPAddress;

/* One guest interface and its addresses (libvirt's virDomainInterface). */
typedef struct {
    char *name;               /* the host side (vnet0) for leases and ARP */
    char *hwaddr;             /* may be NULL */
    VmmDomainIPAddress *addrs;
    guint naddrs;
} VmmDomainInterface;

void vmm_domain_interface_free(VmmDomainInterface *iface);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainInterface, vmm_domain_interface_free)

/*
 * The IP addresses of the running domain @dom's interfaces, from @source
 * (a VmmDomainInterfaceAddressesSource), as libvirt's
 * virDomainInterfaceAddresses.  Returns a GPtrArray of VmmDomainInterface*
 * (free func set; interfaces without an address are left out), or NULL.
 */
GPtrArray *vmm_domain_interface_addresses(VmmDomain *dom, unsigned int source,
                                          unsigned int flags, GError **error);

G_END_DECLS

/* ------------------------------------------------------------------ */
/* Per-domain statistics: memory, block, interface, vCPUs              */
G_BEGIN_DECLS

/* libvirt's virDomainMemoryStatTags. */
typedef enum {
    VMM_DOMAIN_MEMORY_STAT_SWAP_IN = 0,
    VMM_DOMAIN_MEMORY_STAT_SWAP_OUT = 1,
    VMM_DOMAIN_MEMORY_STAT_MAJOR_FAULT = 2,
    VMM_DOMAIN_MEMORY_STAT_MINOR_FAULT = 3,
    VMM_DOMAIN_MEMORY_STAT_UNUSED = 4,
    VMM_DOMAIN_MEMORY_STAT_AVAILABLE = 5,
    VMM_DOMAIN_MEMORY_STAT_ACTUAL_BALLOON = 6,
    VMM_DOMAIN_MEMORY_STAT_RSS = 7,
    VMM_DOMAIN_MEMORY_STAT_USABLE = 8,
    VMM_DOMAIN_MEMORY_STAT_LAST_UPDATE = 9,
    VMM_DOMAIN_MEMORY_STAT_DISK_CACHES = 10,
    VMM_DOMAIN_MEMORY_STAT_HUGETLB_PGALLOC = 11,
    VMM_DOMAIN_MEMORY_STAT_HUGETLB_PGFAIL = 12,
    VMM_DOMAIN_MEMORY_STAT_NR = 13,
} VmmDomainMemoryStatTags;

typedef struct {
    int tag;              /* VmmDomainMemoryStatTags */
    guint64 val;          /* KiB, except the counters and LAST_UPDATE (s) */
} VmmDomainMemoryStat;

/* The name of @tag as virsh's dommemstat prints it ("actual"), NULL for an
 * unknown tag.  @bulk: the spelling of the bulk "balloon." group instead
 * ("last-update" for "last_update"). */
const char *vmm_domain_memory_stat_name(int tag, gboolean bulk);

/* The memory statistics of the running @dom, at most @nr_stats of them, in
 * the driver's order (libvirt's virDomainMemoryStats).  Returns how many
 * were filled, or -1 with @error set. */
int vmm_domain_memory_stats(VmmDomain *dom, VmmDomainMemoryStat *stats, unsigned int nr_stats,
                            unsigned int flags, GError **error);

/* Names of the block statistics (libvirt's VIR_DOMAIN_BLOCK_STATS_*); all
 * LLONG. */
#define VMM_DOMAIN_BLOCK_STATS_READ_REQ "rd_operations"
#define VMM_DOMAIN_BLOCK_STATS_READ_BYTES "rd_bytes"
#define VMM_DOMAIN_BLOCK_STATS_WRITE_REQ "wr_operations"
#define VMM_DOMAIN_BLOCK_STATS_WRITE_BYTES "wr_bytes"
#define VMM_DOMAIN_BLOCK_STATS_ERRS "errs"
#define VMM_DOMAIN_BLOCK_STATS_FLUSH_REQ "flush_operations"
#define VMM_DOMAIN_BLOCK_STATS_READ_TOTAL_TIMES "rd_total_times"
#define VMM_DOMAIN_BLOCK_STATS_WRITE_TOTAL_TIMES "wr_total_times"
#define VMM_DOMAIN_BLOCK_STATS_FLUSH_TOTAL_TIMES "flush_total_times"

/* Free @nparams parameters (their strings too) and the array. */
void vmm_typed_params_free(VmmTypedParameter *params, int nparams);
/* The LLONG parameter @name; FALSE when absent or of another type. */
gboolean vmm_typed_params_get_llong(const VmmTypedParameter *params, int nparams,
                                    const char *name, gint64 *value);

/*
 * The I/O statistics of @disk (its target "vda" or source path; "" for the
 * sum over all disks) of the running @dom, as LLONG parameters named
 * VMM_DOMAIN_BLOCK_STATS_* (libvirt's virDomainBlockStatsFlags); the
 * driver leaves out what it cannot count.  *@params (free with
 * vmm_typed_params_free()) and *@nparams are set on success.
 */
gboolean vmm_domain_block_stats(VmmDomain *dom, const char *disk, VmmTypedParameter **params,
                                int *nparams, unsigned int flags, GError **error);

/* Traffic of one guest NIC as the guest sees it (libvirt's
 * virDomainInterfaceStatsStruct); -1: not known. */
typedef struct {
    gint64 rx_bytes;
    gint64 rx_packets;
    gint64 rx_errs;
    gint64 rx_drop;
    gint64 tx_bytes;
    gint64 tx_packets;
    gint64 tx_errs;
    gint64 tx_drop;
} VmmDomainInterfaceStats;

/* The statistics of the interface @device (host-side name "vnet0" or MAC)
 * of the running @dom (libvirt's virDomainInterfaceStats). */
gboolean vmm_domain_interface_stats(VmmDomain *dom, const char *device,
                                    VmmDomainInterfaceStats *stats, GError **error);

/* libvirt's virVcpuState. */
typedef enum {
    VMM_VCPU_OFFLINE = 0,
    VMM_VCPU_RUNNING = 1,
    VMM_VCPU_BLOCKED = 2,
} VmmVcpuState;

/* One vCPU (libvirt's virVcpuInfo). */
typedef struct {
    unsigned int number;
    int state;            /* VmmVcpuState */
    guint64 cpu_time;     /* ns */
    int cpu;              /* host CPU it last ran on, -1 unknown */
} VmmVcpuInfo;

/* Bytes of a map of @ncpus host CPUs (libvirt's VIR_CPU_MAPLEN). */
#define VMM_CPU_MAPLEN(ncpus) (((ncpus) + 7) / 8)

/*
 * The vCPUs of the running @dom, at most @maxinfo into @info, and, when
 * @cpumaps is not NULL, the affinity of each in @maplen bytes at
 * @cpumaps + i * @maplen (libvirt's virDomainGetVcpus).  Returns the count
 * filled, or -1.
 */
int vmm_domain_get_vcpus(VmmDomain *dom, VmmVcpuInfo *info, int maxinfo,
                         unsigned char *cpumaps, int maplen, GError **error);

/*
 * The affinity of each vCPU of @dom as its definition sets it (<vcpupin>,
 * <vcpu cpuset>, else every online host CPU): at most @ncpumaps maps of
 * @maplen bytes into @cpumaps; @flags VMM_DOMAIN_AFFECT_CONFIG reads the
 * persistent definition, LIVE the running one (libvirt's
 * virDomainGetVcpuPinInfo).  Returns the count filled, or -1.
 */
int vmm_domain_get_vcpu_pin_info(VmmDomain *dom, int ncpumaps, unsigned char *cpumaps,
                                 int maplen, unsigned int flags, GError **error);

/*
 * The host CPUs: returns how many there are and, when wanted, a new map
 * of the online ones (*@cpumap, VMM_CPU_MAPLEN bytes, g_free) and their
 * count (libvirt's virNodeGetCPUMap).  -1 on error.
 */
int vmm_node_get_cpu_map(VmmConnect *conn, unsigned char **cpumap, unsigned int *online,
                         unsigned int flags, GError **error);

G_END_DECLS
