/*
 * driver.h: the table a driver fills, and the handle internals.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Drivers fill a VmmDriver with designated initializers.  NULL means
 * unsupported; the public entry points in libvmm.c report that, and refuse
 * write operations on read-only connections, in one place.  Driver functions
 * get already-checked, non-NULL handles.
 */
#pragma once

#include "vmm.h"
#include "streams.h"

G_BEGIN_DECLS

struct _VmmConnect {
    gint ref;
    char *uri;
    unsigned int flags;                /* VmmConnectFlags */
    const struct _VmmDriver *driver;
    gpointer priv;                     /* the driver's per-connection state */
    /* Drivers serving the rest of the table alongside @driver (networks and
     * storage on a qemu:// connection), asked in order for any entry that
     * @driver leaves NULL.  They keep process-wide state, not conn->priv. */
    const struct _VmmDriver *secondary[4];
};

struct _VmmDomain {
    gint ref;
    VmmConnect *conn;
    char *name;
    unsigned char uuid[VMM_UUID_BUFLEN];
    int id;
};

struct _VmmNetwork {
    gint ref;
    VmmConnect *conn;
    char *name;
    unsigned char uuid[VMM_UUID_BUFLEN];
};

struct _VmmStoragePool {
    gint ref;
    VmmConnect *conn;
    char *name;
    unsigned char uuid[VMM_UUID_BUFLEN];
};

struct _VmmStorageVol {
    gint ref;
    VmmConnect *conn;
    char *pool;
    char *name;
    char *key;
};

/* Handle constructors for drivers (and the RPC client later). */
VmmDomain *vmm_domain_new_handle(VmmConnect *conn, const char *name,
                                 const unsigned char *uuid, int id);
VmmNetwork *vmm_network_new_handle(VmmConnect *conn, const char *name,
                                   const unsigned char *uuid);
VmmStoragePool *vmm_storage_pool_new_handle(VmmConnect *conn, const char *name,
                                            const unsigned char *uuid);
VmmStorageVol *vmm_storage_vol_new_handle(VmmConnect *conn, const char *pool,
                                          const char *name, const char *key);

typedef struct _VmmDriver VmmDriver;
struct _VmmDriver {
    const char *name;    /* "test" */
    /* URI scheme(s) this driver serves without a transport, e.g. "test". */
    const char *scheme;
    /* For a secondary driver (network, storage): the scheme of the primary
     * drivers it joins, e.g. "qemu".  NULL for primary drivers. */
    const char *hosted_by;

    /* Open: set conn->priv.  Close: release it. */
    gboolean (*connect_open)(VmmConnect *conn, GError **error);
    void (*connect_close)(VmmConnect *conn);
    const char *(*connect_get_type)(VmmConnect *conn, GError **error);
    gboolean (*connect_get_version)(VmmConnect *conn, unsigned long *hv_ver, GError **error);
    char *(*connect_get_hostname)(VmmConnect *conn, GError **error);
    char *(*connect_get_capabilities)(VmmConnect *conn, GError **error);
    gboolean (*node_get_info)(VmmConnect *conn, VmmNodeInfo *info, GError **error);

    GPtrArray *(*connect_list_all_domains)(VmmConnect *conn, unsigned int flags, GError **error);
    int (*connect_num_of_domains)(VmmConnect *conn, GError **error);
    int (*connect_num_of_defined_domains)(VmmConnect *conn, GError **error);
    VmmDomain *(*domain_lookup_by_name)(VmmConnect *conn, const char *name, GError **error);
    VmmDomain *(*domain_lookup_by_uuid)(VmmConnect *conn, const unsigned char *uuid, GError **error);
    VmmDomain *(*domain_lookup_by_id)(VmmConnect *conn, int id, GError **error);
    VmmDomain *(*domain_define_xml)(VmmConnect *conn, const char *xml, unsigned int flags, GError **error);
    gboolean (*domain_undefine)(VmmDomain *dom, unsigned int flags, GError **error);
    VmmDomain *(*domain_create_xml)(VmmConnect *conn, const char *xml, unsigned int flags, GError **error);
    gboolean (*domain_create)(VmmDomain *dom, unsigned int flags, GError **error);
    gboolean (*domain_shutdown)(VmmDomain *dom, unsigned int flags, GError **error);
    gboolean (*domain_reboot)(VmmDomain *dom, unsigned int flags, GError **error);
    gboolean (*domain_reset)(VmmDomain *dom, unsigned int flags, GError **error);
    gboolean (*domain_destroy)(VmmDomain *dom, unsigned int flags, GError **error);
    gboolean (*domain_suspend)(VmmDomain *dom, GError **error);
    gboolean (*domain_resume)(VmmDomain *dom, GError **error);
    gboolean (*domain_get_info)(VmmDomain *dom, VmmDomainInfo *info, GError **error);
    gboolean (*domain_get_state)(VmmDomain *dom, int *state, int *reason, unsigned int flags, GError **error);
    char *(*domain_get_xml_desc)(VmmDomain *dom, unsigned int flags, GError **error);
    char *(*domain_get_os_type)(VmmDomain *dom, GError **error);
    gboolean (*domain_get_autostart)(VmmDomain *dom, gboolean *autostart, GError **error);
    gboolean (*domain_set_autostart)(VmmDomain *dom, gboolean autostart, GError **error);
    int (*domain_is_active)(VmmDomain *dom, GError **error);
    int (*domain_is_persistent)(VmmDomain *dom, GError **error);
    char *(*domain_get_metadata)(VmmDomain *dom, int type, const char *uri, unsigned int flags, GError **error);
    gboolean (*domain_set_metadata)(VmmDomain *dom, int type, const char *metadata, const char *key,
                                    const char *uri, unsigned int flags, GError **error);

    GPtrArray *(*connect_list_all_networks)(VmmConnect *conn, unsigned int flags, GError **error);
    VmmNetwork *(*network_lookup_by_name)(VmmConnect *conn, const char *name, GError **error);
    VmmNetwork *(*network_lookup_by_uuid)(VmmConnect *conn, const unsigned char *uuid, GError **error);
    VmmNetwork *(*network_define_xml)(VmmConnect *conn, const char *xml, unsigned int flags, GError **error);
    VmmNetwork *(*network_create_xml)(VmmConnect *conn, const char *xml, unsigned int flags, GError **error);
    gboolean (*network_undefine)(VmmNetwork *net, GError **error);
    gboolean (*network_create)(VmmNetwork *net, GError **error);
    gboolean (*network_destroy)(VmmNetwork *net, GError **error);
    char *(*network_get_xml_desc)(VmmNetwork *net, unsigned int flags, GError **error);
    char *(*network_get_bridge_name)(VmmNetwork *net, GError **error);
    gboolean (*network_get_autostart)(VmmNetwork *net, gboolean *autostart, GError **error);
    gboolean (*network_set_autostart)(VmmNetwork *net, gboolean autostart, GError **error);
    int (*network_is_active)(VmmNetwork *net, GError **error);
    int (*network_is_persistent)(VmmNetwork *net, GError **error);

    GPtrArray *(*connect_list_all_storage_pools)(VmmConnect *conn, unsigned int flags, GError **error);
    VmmStoragePool *(*storage_pool_lookup_by_name)(VmmConnect *conn, const char *name, GError **error);
    VmmStoragePool *(*storage_pool_lookup_by_uuid)(VmmConnect *conn, const unsigned char *uuid, GError **error);
    VmmStoragePool *(*storage_pool_lookup_by_volume)(VmmStorageVol *vol, GError **error);
    VmmStoragePool *(*storage_pool_define_xml)(VmmConnect *conn, const char *xml, unsigned int flags, GError **error);
    VmmStoragePool *(*storage_pool_create_xml)(VmmConnect *conn, const char *xml, unsigned int flags, GError **error);
    gboolean (*storage_pool_build)(VmmStoragePool *pool, unsigned int flags, GError **error);
    gboolean (*storage_pool_undefine)(VmmStoragePool *pool, GError **error);
    gboolean (*storage_pool_create)(VmmStoragePool *pool, unsigned int flags, GError **error);
    gboolean (*storage_pool_destroy)(VmmStoragePool *pool, GError **error);
    gboolean (*storage_pool_delete)(VmmStoragePool *pool, unsigned int flags, GError **error);
    gboolean (*storage_pool_refresh)(VmmStoragePool *pool, unsigned int flags, GError **error);
    gboolean (*storage_pool_get_info)(VmmStoragePool *pool, VmmStoragePoolInfo *info, GError **error);
    char *(*storage_pool_get_xml_desc)(VmmStoragePool *pool, unsigned int flags, GError **error);
    gboolean (*storage_pool_get_autostart)(VmmStoragePool *pool, gboolean *autostart, GError **error);
    gboolean (*storage_pool_set_autostart)(VmmStoragePool *pool, gboolean autostart, GError **error);
    int (*storage_pool_is_active)(VmmStoragePool *pool, GError **error);
    int (*storage_pool_is_persistent)(VmmStoragePool *pool, GError **error);
    GPtrArray *(*storage_pool_list_all_volumes)(VmmStoragePool *pool, unsigned int flags, GError **error);

    VmmStorageVol *(*storage_vol_lookup_by_name)(VmmStoragePool *pool, const char *name, GError **error);
    VmmStorageVol *(*storage_vol_lookup_by_key)(VmmConnect *conn, const char *key, GError **error);
    VmmStorageVol *(*storage_vol_lookup_by_path)(VmmConnect *conn, const char *path, GError **error);
    VmmStorageVol *(*storage_vol_create_xml)(VmmStoragePool *pool, const char *xml, unsigned int flags, GError **error);
    gboolean (*storage_vol_delete)(VmmStorageVol *vol, unsigned int flags, GError **error);
    gboolean (*storage_vol_get_info)(VmmStorageVol *vol, VmmStorageVolInfo *info, GError **error);
    char *(*storage_vol_get_xml_desc)(VmmStorageVol *vol, unsigned int flags, GError **error);
    char *(*storage_vol_get_path)(VmmStorageVol *vol, GError **error);
    gboolean (*storage_vol_upload)(VmmStorageVol *vol, VmmStream *st, guint64 offset, guint64 length, unsigned int flags, GError **error);
    gboolean (*storage_vol_download)(VmmStorageVol *vol, VmmStream *st, guint64 offset, guint64 length, unsigned int flags, GError **error);

    /* Events (src/events.c).  Called when a connection gets its first
     * callback of @kind (a VmmEventKind) and when it loses its last one;
     * the remote driver (un)registers with the daemon here.  Embedded
     * drivers leave them NULL and just call vmm_event_emit_*(). */
    gboolean (*connect_event_register)(VmmConnect *conn, int kind, GError **error);
    void (*connect_event_deregister)(VmmConnect *conn, int kind);

    char *(*connect_get_domain_capabilities)(VmmConnect *conn, const char *emulator,
                                             const char *arch, const char *machine,
                                             const char *virttype, unsigned int flags,
                                             GError **error);

    GPtrArray *(*network_get_dhcp_leases)(VmmNetwork *net, const char *mac, unsigned int flags,
                                          GError **error);
    gboolean (*network_update)(VmmNetwork *net, unsigned int command, unsigned int section,
                               int parent_index, const char *xml, unsigned int flags,
                               GError **error);
    GStrv (*network_get_messages)(VmmNetwork *net, unsigned int flags, GError **error);

    /* Bulk statistics: @doms (@ndoms of them) or, with @ndoms 0, every
     * domain matching @flags.  NULL: libvmm builds them from list +
     * get_state.  Returns VmmDomainStatsRecord*s (free func set). */
    GPtrArray *(*connect_get_all_domain_stats)(VmmConnect *conn, VmmDomain *const *doms,
                                               guint ndoms, unsigned int stats,
                                               unsigned int flags, GError **error);

    /* VmmDomainInterface*s (free func set). */
    GPtrArray *(*domain_interface_addresses)(VmmDomain *dom, unsigned int source,
                                             unsigned int flags, GError **error);

    /* The bulk statistics groups (VmmDomainStatsTypes) the generic
     * builder may ask this driver for, beyond STATE (always there). */
    unsigned int domain_stats_groups;
    int (*domain_memory_stats)(VmmDomain *dom, VmmDomainMemoryStat *stats,
                               unsigned int nr_stats, unsigned int flags, GError **error);
    /* @disk never NULL ("": all disks).  Sets *@params (g_new) and *@nparams. */
    gboolean (*domain_block_stats)(VmmDomain *dom, const char *disk, VmmTypedParameter **params,
                                   int *nparams, unsigned int flags, GError **error);
    gboolean (*domain_interface_stats)(VmmDomain *dom, const char *device,
                                       VmmDomainInterfaceStats *stats, GError **error);
    /* @cpumaps may be NULL. */
    int (*domain_get_vcpus)(VmmDomain *dom, VmmVcpuInfo *info, int maxinfo,
                            unsigned char *cpumaps, int maplen, GError **error);
    /* NULL: libvmm reads the definitions (vmm_domain_vcpu_pin_info_build()). */
    int (*domain_get_vcpu_pin_info)(VmmDomain *dom, int ncpumaps, unsigned char *cpumaps,
                                    int maplen, unsigned int flags, GError **error);
    /* @cpumap and @online may be NULL. */
    int (*node_get_cpu_map)(VmmConnect *conn, unsigned char **cpumap, unsigned int *online,
                            unsigned int flags, GError **error);
    /* One device element; @flags VmmDomainModificationImpact. */
    gboolean (*domain_attach_device)(VmmDomain *dom, const char *xml, unsigned int flags,
                                     GError **error);
    gboolean (*domain_detach_device)(VmmDomain *dom, const char *xml, unsigned int flags,
                                     GError **error);
    gboolean (*domain_update_device)(VmmDomain *dom, const char *xml, unsigned int flags,
                                     GError **error);
};

/* Append a parameter to @params (a GArray of VmmTypedParameter); @field
 * is printf-style.  The STRING one copies @value. */
void vmm_typed_params_add_llong(GArray *params, gint64 value, const char *field, ...)
    G_GNUC_PRINTF(3, 4);
void vmm_typed_params_add_ullong(GArray *params, guint64 value, const char *field, ...)
    G_GNUC_PRINTF(3, 4);
void vmm_typed_params_add_uint(GArray *params, unsigned int value, const char *field, ...)
    G_GNUC_PRINTF(3, 4);
void vmm_typed_params_add_int(GArray *params, int value, const char *field, ...)
    G_GNUC_PRINTF(3, 4);
void vmm_typed_params_add_string(GArray *params, const char *value, const char *field, ...)
    G_GNUC_PRINTF(3, 4);
/* A new GArray for the adders; vmm_typed_params_steal() hands its
 * contents over as a plain array. */
GArray *vmm_typed_params_new(void);
VmmTypedParameter *vmm_typed_params_steal(GArray *params, int *nparams);

/* Parse a libvirt CPU list ("0-3,^2,6") into @map (@ncpus bits; CPUs
 * beyond are dropped); *@count (may be NULL) gets the highest CPU named
 * + 1.  FALSE on malformed text. */
gboolean vmm_cpuset_parse(const char *text, unsigned char *map, int ncpus, int *count);

/* vmm_domain_get_vcpu_pin_info() from the domain's XML and the host's CPU
 * map, for drivers without their own. */
int vmm_domain_vcpu_pin_info_build(VmmDomain *dom, int ncpumaps, unsigned char *cpumaps,
                                   int maplen, unsigned int flags, GError **error);

/* The statistics groups of @stats for @doms (@ndoms; NULL: all domains
 * matching the filters in @flags), built from per-domain calls; groups
 * beyond STATE come from the driver's domain_stats_groups. */
GPtrArray *vmm_domain_stats_build(VmmConnect *conn, VmmDomain *const *doms, guint ndoms,
                                  unsigned int stats, unsigned int flags, GError **error);

/* The drivers linked into libvmm. */
extern const VmmDriver vmm_test_driver;

G_END_DECLS
