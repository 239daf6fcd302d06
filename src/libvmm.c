/*
 * libvmm.c: the public entry points.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each entry checks its handle, finds the connection's driver function,
 * reports "not supported" when the driver left it NULL and refuses writes on
 * read-only connections, all in entry_check(), then hands off.
 */
#include "driver.h"
#include "events.h"
#include "remote/remote_driver.h"
#include "remote/remote_uri.h"
#include "drivers/network/network_driver.h"
#include "drivers/qemu/qemu_driver.h"

#include <string.h>

#define VMM_DEFAULT_URI_FALLBACK "test:///default"

/* In-process drivers, picked by URI scheme.  Remote URIs (X+transport://,
 * qemu://) go to vmm_remote_driver instead, except inside vmmd. */
static const VmmDriver *const drivers[] = {
    &vmm_test_driver,
    &vmm_qemu_driver,
};

/* Secondary drivers (networks, storage) joining primary ones by scheme;
 * NULL-terminated. */
static const VmmDriver *const secondary_drivers[] = {
    &vmm_network_driver,
    NULL,
};

unsigned long
vmm_get_lib_version(void)
{
    return 0 * 1000000 + 1 * 1000 + 0;
}

static const VmmDriver *
entry_check(VmmConnect *conn, gsize offset, const char *func,
            gboolean writes, GError **error)
{
    const VmmDriver *drv;

    if (!conn || !conn->driver) {
        vmm_error_set(error, VMM_ERR_INVALID_CONN, _("invalid connection pointer in %s"), func);
        return NULL;
    }
    drv = conn->driver;
    for (size_t i = 0; G_STRUCT_MEMBER(gpointer, drv, offset) == NULL; i++) {
        if (i >= G_N_ELEMENTS(conn->secondary) || !conn->secondary[i]) {
            vmm_error_set(error, VMM_ERR_NO_SUPPORT, "%s", func);
            return NULL;
        }
        drv = conn->secondary[i];
    }
    if (writes && (conn->flags & VMM_CONNECT_RO)) {
        vmm_error_set(error, VMM_ERR_OPERATION_DENIED,
                      _("read only access prevents %s"), func);
        return NULL;
    }
    return drv;
}

/* Attach the secondary drivers that serve alongside conn->driver. */
static void
attach_secondary_drivers(VmmConnect *conn)
{
    size_t n = 0;

    for (size_t i = 0; secondary_drivers[i]; i++) {
        if (n < G_N_ELEMENTS(conn->secondary) &&
            g_strcmp0(secondary_drivers[i]->hosted_by, conn->driver->scheme) == 0)
            conn->secondary[n++] = secondary_drivers[i];
    }
}

/* Declares `drv` for the rest of the function, or returns @fail. */
#define ENTRY_AS(conn, member, api, writes, fail) \
    const VmmDriver *drv = entry_check((conn), G_STRUCT_OFFSET(VmmDriver, member), \
                                       (api), (writes), error); \
    if (!drv) \
        return fail
#define ENTRY(conn, member, writes, fail) ENTRY_AS(conn, member, G_STRFUNC, writes, fail)

#define CHECK_HANDLE(h, code, what, fail) \
    do { \
        if (!(h)) { \
            vmm_error_set(error, (code), _("invalid %s pointer in %s"), (what), G_STRFUNC); \
            return fail; \
        } \
    } while (0)

/* ------------------------------------------------------------------ */
/* Connections                                                         */

VmmConnect *
vmm_connect_open(const char *uri, unsigned int flags, GError **error)
{
    g_autoptr(VmmConnect) conn = NULL;
    const char *sep;
    g_autofree char *scheme = NULL;

    if (!uri || !*uri)
        uri = g_getenv("VMM_DEFAULT_URI");
    if (!uri || !*uri)
        uri = VMM_DEFAULT_URI_FALLBACK;

    sep = strstr(uri, "://");
    if (!sep) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid URI '%s'"), uri);
        return NULL;
    }
    scheme = g_strndup(uri, sep - uri);

    conn = g_new0(VmmConnect, 1);
    conn->ref = 1;
    conn->uri = g_strdup(uri);
    conn->flags = flags;

    if (!vmm_remote_driver_is_inside_daemon() && remote_uri_is_remote(uri))
        conn->driver = &vmm_remote_driver;
    for (size_t i = 0; !conn->driver && i < G_N_ELEMENTS(drivers); i++) {
        if (g_strcmp0(drivers[i]->scheme, scheme) == 0) {
            conn->driver = drivers[i];
            break;
        }
    }
    if (!conn->driver) {
        vmm_error_set(error, VMM_ERR_NO_CONNECT,
                      _("no connection driver available for URI '%s'"), uri);
        return NULL;
    }
    if (!conn->driver->connect_open(conn, error)) {
        conn->driver = NULL;   /* nothing to close */
        return NULL;
    }
    attach_secondary_drivers(conn);
    return g_steal_pointer(&conn);
}

VmmConnect *
vmm_connect_ref(VmmConnect *conn)
{
    g_atomic_int_inc(&conn->ref);
    return conn;
}

void
vmm_connect_unref(VmmConnect *conn)
{
    if (!conn || !g_atomic_int_dec_and_test(&conn->ref))
        return;
    /* Registrations are keyed by the pointer: none may outlive it (a new
     * connection at the same address would inherit them). */
    vmm_event_forget_conn(conn);
    if (conn->driver && conn->driver->connect_close)
        conn->driver->connect_close(conn);
    g_free(conn->uri);
    g_free(conn);
}

char *
vmm_connect_get_uri(VmmConnect *conn, GError **error)
{
    CHECK_HANDLE(conn, VMM_ERR_INVALID_CONN, "connection", NULL);
    return g_strdup(conn->uri);
}

gboolean
vmm_connect_is_readonly(VmmConnect *conn)
{
    return conn && (conn->flags & VMM_CONNECT_RO);
}

const char *
vmm_connect_get_type(VmmConnect *conn, GError **error)
{
    ENTRY(conn, connect_get_type, FALSE, NULL);
    return drv->connect_get_type(conn, error);
}

gboolean
vmm_connect_get_version(VmmConnect *conn, unsigned long *hv_ver, GError **error)
{
    ENTRY(conn, connect_get_version, FALSE, FALSE);
    return drv->connect_get_version(conn, hv_ver, error);
}

char *
vmm_connect_get_hostname(VmmConnect *conn, GError **error)
{
    ENTRY(conn, connect_get_hostname, FALSE, NULL);
    return drv->connect_get_hostname(conn, error);
}

char *
vmm_connect_get_capabilities(VmmConnect *conn, GError **error)
{
    ENTRY(conn, connect_get_capabilities, FALSE, NULL);
    return drv->connect_get_capabilities(conn, error);
}

gboolean
vmm_node_get_info(VmmConnect *conn, VmmNodeInfo *info, GError **error)
{
    ENTRY(conn, node_get_info, FALSE, FALSE);
    memset(info, 0, sizeof(*info));
    return drv->node_get_info(conn, info, error);
}

/* ------------------------------------------------------------------ */
/* Domains                                                             */

static const char *const domain_state_names[] = {
    N_("no state"), N_("running"), N_("idle"), N_("paused"),
    N_("in shutdown"), N_("shut off"), N_("crashed"), N_("pmsuspended"),
};

const char *
vmm_domain_state_to_string(int state)
{
    if (state < 0 || state >= (int)G_N_ELEMENTS(domain_state_names))
        return _("no state");
    return _(domain_state_names[state]);
}

const char *
vmm_domain_reason_to_string(int state, int reason)
{
    static const char *const running[] = {
        "unknown", "booted", "migrated", "restored", "from snapshot", "unpaused",
        "migration canceled", "save canceled", "event wakeup", "crashed",
        "post-copy", "post-copy failed",
    };
    static const char *const paused[] = {
        "unknown", "user", "migrating", "saving", "dumping", "I/O error",
        "watchdog", "from snapshot", "shutting down", "creating snapshot",
        "crashed", "starting up", "post-copy", "post-copy failed", "api error",
    };
    static const char *const shutdown[] = { "unknown", "user" };
    static const char *const shutoff[] = {
        "unknown", "shutdown", "destroyed", "crashed", "migrated", "saved",
        "failed", "from snapshot", "daemon",
    };
    static const char *const crashed[] = { "unknown", "panicked" };
    const char *const *table = NULL;
    int n = 0;

    switch (state) {
    case VMM_DOMAIN_RUNNING: table = running; n = G_N_ELEMENTS(running); break;
    case VMM_DOMAIN_PAUSED: table = paused; n = G_N_ELEMENTS(paused); break;
    case VMM_DOMAIN_SHUTDOWN: table = shutdown; n = G_N_ELEMENTS(shutdown); break;
    case VMM_DOMAIN_SHUTOFF: table = shutoff; n = G_N_ELEMENTS(shutoff); break;
    case VMM_DOMAIN_CRASHED: table = crashed; n = G_N_ELEMENTS(crashed); break;
    default: break;
    }
    if (!table || reason < 0 || reason >= n)
        return "unknown";
    return table[reason];
}

GPtrArray *
vmm_connect_list_all_domains(VmmConnect *conn, unsigned int flags, GError **error)
{
    ENTRY(conn, connect_list_all_domains, FALSE, NULL);
    return drv->connect_list_all_domains(conn, flags, error);
}

int
vmm_connect_num_of_domains(VmmConnect *conn, GError **error)
{
    ENTRY(conn, connect_num_of_domains, FALSE, -1);
    return drv->connect_num_of_domains(conn, error);
}

int
vmm_connect_num_of_defined_domains(VmmConnect *conn, GError **error)
{
    ENTRY(conn, connect_num_of_defined_domains, FALSE, -1);
    return drv->connect_num_of_defined_domains(conn, error);
}

VmmDomain *
vmm_domain_lookup_by_name(VmmConnect *conn, const char *name, GError **error)
{
    ENTRY(conn, domain_lookup_by_name, FALSE, NULL);
    CHECK_HANDLE(name, VMM_ERR_INVALID_ARG, "name", NULL);
    return drv->domain_lookup_by_name(conn, name, error);
}

VmmDomain *
vmm_domain_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error)
{
    ENTRY(conn, domain_lookup_by_uuid, FALSE, NULL);
    CHECK_HANDLE(uuid, VMM_ERR_INVALID_ARG, "uuid", NULL);
    return drv->domain_lookup_by_uuid(conn, uuid, error);
}

VmmDomain *
vmm_domain_lookup_by_uuid_string(VmmConnect *conn, const char *uuidstr, GError **error)
{
    unsigned char uuid[VMM_UUID_BUFLEN];

    if (!vmm_uuid_parse(uuidstr, uuid)) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid UUID '%s'"),
                      uuidstr ? uuidstr : "");
        return NULL;
    }
    return vmm_domain_lookup_by_uuid(conn, uuid, error);
}

VmmDomain *
vmm_domain_lookup_by_id(VmmConnect *conn, int id, GError **error)
{
    ENTRY(conn, domain_lookup_by_id, FALSE, NULL);
    return drv->domain_lookup_by_id(conn, id, error);
}

VmmDomain *
vmm_domain_define_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    ENTRY(conn, domain_define_xml, TRUE, NULL);
    CHECK_HANDLE(xml, VMM_ERR_INVALID_ARG, "xml", NULL);
    return drv->domain_define_xml(conn, xml, flags, error);
}

VmmDomain *
vmm_domain_create_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    ENTRY(conn, domain_create_xml, TRUE, NULL);
    CHECK_HANDLE(xml, VMM_ERR_INVALID_ARG, "xml", NULL);
    return drv->domain_create_xml(conn, xml, flags, error);
}

/* Domain operations: one shape, generated. */
#define DOMAIN_OP_FLAGS(fn, member, writes) \
    gboolean fn(VmmDomain *dom, unsigned int flags, GError **error) \
    { \
        CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", FALSE); \
        ENTRY(dom->conn, member, writes, FALSE); \
        return drv->member(dom, flags, error); \
    }

DOMAIN_OP_FLAGS(vmm_domain_undefine, domain_undefine, TRUE)
DOMAIN_OP_FLAGS(vmm_domain_create, domain_create, TRUE)
DOMAIN_OP_FLAGS(vmm_domain_shutdown, domain_shutdown, TRUE)
DOMAIN_OP_FLAGS(vmm_domain_reboot, domain_reboot, TRUE)
DOMAIN_OP_FLAGS(vmm_domain_reset, domain_reset, TRUE)
DOMAIN_OP_FLAGS(vmm_domain_destroy, domain_destroy, TRUE)

gboolean
vmm_domain_suspend(VmmDomain *dom, GError **error)
{
    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", FALSE);
    ENTRY(dom->conn, domain_suspend, TRUE, FALSE);
    return drv->domain_suspend(dom, error);
}

gboolean
vmm_domain_resume(VmmDomain *dom, GError **error)
{
    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", FALSE);
    ENTRY(dom->conn, domain_resume, TRUE, FALSE);
    return drv->domain_resume(dom, error);
}

gboolean
vmm_domain_get_info(VmmDomain *dom, VmmDomainInfo *info, GError **error)
{
    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", FALSE);
    ENTRY(dom->conn, domain_get_info, FALSE, FALSE);
    memset(info, 0, sizeof(*info));
    return drv->domain_get_info(dom, info, error);
}

gboolean
vmm_domain_get_state(VmmDomain *dom, int *state, int *reason, unsigned int flags,
                     GError **error)
{
    int dummy;

    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", FALSE);
    ENTRY(dom->conn, domain_get_state, FALSE, FALSE);
    return drv->domain_get_state(dom, state, reason ? reason : &dummy, flags, error);
}

char *
vmm_domain_get_xml_desc(VmmDomain *dom, unsigned int flags, GError **error)
{
    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", NULL);
    ENTRY(dom->conn, domain_get_xml_desc, FALSE, NULL);
    return drv->domain_get_xml_desc(dom, flags, error);
}

char *
vmm_domain_get_os_type(VmmDomain *dom, GError **error)
{
    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", NULL);
    ENTRY(dom->conn, domain_get_os_type, FALSE, NULL);
    return drv->domain_get_os_type(dom, error);
}

gboolean
vmm_domain_get_autostart(VmmDomain *dom, gboolean *autostart, GError **error)
{
    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", FALSE);
    ENTRY(dom->conn, domain_get_autostart, FALSE, FALSE);
    return drv->domain_get_autostart(dom, autostart, error);
}

gboolean
vmm_domain_set_autostart(VmmDomain *dom, gboolean autostart, GError **error)
{
    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", FALSE);
    ENTRY(dom->conn, domain_set_autostart, TRUE, FALSE);
    return drv->domain_set_autostart(dom, autostart, error);
}

int
vmm_domain_is_active(VmmDomain *dom, GError **error)
{
    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", -1);
    ENTRY(dom->conn, domain_is_active, FALSE, -1);
    return drv->domain_is_active(dom, error);
}

int
vmm_domain_is_persistent(VmmDomain *dom, GError **error)
{
    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", -1);
    ENTRY(dom->conn, domain_is_persistent, FALSE, -1);
    return drv->domain_is_persistent(dom, error);
}

/* Device changes: the plain calls are the flags ones on the running
 * domain, as libvirt's drivers have them. */
#define DOMAIN_DEVICE_OP(fn, member) \
    gboolean fn(VmmDomain *dom, const char *xml, unsigned int flags, GError **error) \
    { \
        CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", FALSE); \
        ENTRY(dom->conn, member, TRUE, FALSE); \
        CHECK_HANDLE(xml, VMM_ERR_INVALID_ARG, "xml", FALSE); \
        return drv->member(dom, xml, flags, error); \
    }

DOMAIN_DEVICE_OP(vmm_domain_attach_device_flags, domain_attach_device)
DOMAIN_DEVICE_OP(vmm_domain_detach_device_flags, domain_detach_device)
DOMAIN_DEVICE_OP(vmm_domain_update_device_flags, domain_update_device)

gboolean
vmm_domain_attach_device(VmmDomain *dom, const char *xml, GError **error)
{
    return vmm_domain_attach_device_flags(dom, xml, VMM_DOMAIN_AFFECT_LIVE, error);
}

gboolean
vmm_domain_detach_device(VmmDomain *dom, const char *xml, GError **error)
{
    return vmm_domain_detach_device_flags(dom, xml, VMM_DOMAIN_AFFECT_LIVE, error);
}

char *
vmm_domain_get_metadata(VmmDomain *dom, int type, const char *uri, unsigned int flags,
                        GError **error)
{
    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", NULL);
    ENTRY(dom->conn, domain_get_metadata, FALSE, NULL);
    return drv->domain_get_metadata(dom, type, uri, flags, error);
}

gboolean
vmm_domain_set_metadata(VmmDomain *dom, int type, const char *metadata, const char *key,
                        const char *uri, unsigned int flags, GError **error)
{
    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", FALSE);
    ENTRY(dom->conn, domain_set_metadata, TRUE, FALSE);
    return drv->domain_set_metadata(dom, type, metadata, key, uri, flags, error);
}

/* ------------------------------------------------------------------ */
/* Networks                                                            */

GPtrArray *
vmm_connect_list_all_networks(VmmConnect *conn, unsigned int flags, GError **error)
{
    ENTRY(conn, connect_list_all_networks, FALSE, NULL);
    return drv->connect_list_all_networks(conn, flags, error);
}

VmmNetwork *
vmm_network_lookup_by_name(VmmConnect *conn, const char *name, GError **error)
{
    ENTRY(conn, network_lookup_by_name, FALSE, NULL);
    CHECK_HANDLE(name, VMM_ERR_INVALID_ARG, "name", NULL);
    return drv->network_lookup_by_name(conn, name, error);
}

VmmNetwork *
vmm_network_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error)
{
    ENTRY(conn, network_lookup_by_uuid, FALSE, NULL);
    CHECK_HANDLE(uuid, VMM_ERR_INVALID_ARG, "uuid", NULL);
    return drv->network_lookup_by_uuid(conn, uuid, error);
}

VmmNetwork *
vmm_network_lookup_by_uuid_string(VmmConnect *conn, const char *uuidstr, GError **error)
{
    unsigned char uuid[VMM_UUID_BUFLEN];

    if (!vmm_uuid_parse(uuidstr, uuid)) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid UUID '%s'"),
                      uuidstr ? uuidstr : "");
        return NULL;
    }
    return vmm_network_lookup_by_uuid(conn, uuid, error);
}

VmmNetwork *
vmm_network_define_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    ENTRY(conn, network_define_xml, TRUE, NULL);
    CHECK_HANDLE(xml, VMM_ERR_INVALID_ARG, "xml", NULL);
    return drv->network_define_xml(conn, xml, flags, error);
}

VmmNetwork *
vmm_network_create_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    ENTRY(conn, network_create_xml, TRUE, NULL);
    CHECK_HANDLE(xml, VMM_ERR_INVALID_ARG, "xml", NULL);
    return drv->network_create_xml(conn, xml, flags, error);
}

#define NETWORK_OP(fn, member, writes) \
    gboolean fn(VmmNetwork *net, GError **error) \
    { \
        CHECK_HANDLE(net, VMM_ERR_INVALID_NETWORK, "network", FALSE); \
        ENTRY(net->conn, member, writes, FALSE); \
        return drv->member(net, error); \
    }

NETWORK_OP(vmm_network_undefine, network_undefine, TRUE)
NETWORK_OP(vmm_network_create, network_create, TRUE)
NETWORK_OP(vmm_network_destroy, network_destroy, TRUE)

char *
vmm_network_get_xml_desc(VmmNetwork *net, unsigned int flags, GError **error)
{
    CHECK_HANDLE(net, VMM_ERR_INVALID_NETWORK, "network", NULL);
    ENTRY(net->conn, network_get_xml_desc, FALSE, NULL);
    return drv->network_get_xml_desc(net, flags, error);
}

char *
vmm_network_get_bridge_name(VmmNetwork *net, GError **error)
{
    CHECK_HANDLE(net, VMM_ERR_INVALID_NETWORK, "network", NULL);
    ENTRY(net->conn, network_get_bridge_name, FALSE, NULL);
    return drv->network_get_bridge_name(net, error);
}

gboolean
vmm_network_get_autostart(VmmNetwork *net, gboolean *autostart, GError **error)
{
    CHECK_HANDLE(net, VMM_ERR_INVALID_NETWORK, "network", FALSE);
    ENTRY(net->conn, network_get_autostart, FALSE, FALSE);
    return drv->network_get_autostart(net, autostart, error);
}

gboolean
vmm_network_set_autostart(VmmNetwork *net, gboolean autostart, GError **error)
{
    CHECK_HANDLE(net, VMM_ERR_INVALID_NETWORK, "network", FALSE);
    ENTRY(net->conn, network_set_autostart, TRUE, FALSE);
    return drv->network_set_autostart(net, autostart, error);
}

int
vmm_network_is_active(VmmNetwork *net, GError **error)
{
    CHECK_HANDLE(net, VMM_ERR_INVALID_NETWORK, "network", -1);
    ENTRY(net->conn, network_is_active, FALSE, -1);
    return drv->network_is_active(net, error);
}

int
vmm_network_is_persistent(VmmNetwork *net, GError **error)
{
    CHECK_HANDLE(net, VMM_ERR_INVALID_NETWORK, "network", -1);
    ENTRY(net->conn, network_is_persistent, FALSE, -1);
    return drv->network_is_persistent(net, error);
}

/* ------------------------------------------------------------------ */
/* Storage pools                                                       */

GPtrArray *
vmm_connect_list_all_storage_pools(VmmConnect *conn, unsigned int flags, GError **error)
{
    ENTRY(conn, connect_list_all_storage_pools, FALSE, NULL);
    return drv->connect_list_all_storage_pools(conn, flags, error);
}

VmmStoragePool *
vmm_storage_pool_lookup_by_name(VmmConnect *conn, const char *name, GError **error)
{
    ENTRY(conn, storage_pool_lookup_by_name, FALSE, NULL);
    CHECK_HANDLE(name, VMM_ERR_INVALID_ARG, "name", NULL);
    return drv->storage_pool_lookup_by_name(conn, name, error);
}

VmmStoragePool *
vmm_storage_pool_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error)
{
    ENTRY(conn, storage_pool_lookup_by_uuid, FALSE, NULL);
    CHECK_HANDLE(uuid, VMM_ERR_INVALID_ARG, "uuid", NULL);
    return drv->storage_pool_lookup_by_uuid(conn, uuid, error);
}

VmmStoragePool *
vmm_storage_pool_lookup_by_uuid_string(VmmConnect *conn, const char *uuidstr, GError **error)
{
    unsigned char uuid[VMM_UUID_BUFLEN];

    if (!vmm_uuid_parse(uuidstr, uuid)) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid UUID '%s'"),
                      uuidstr ? uuidstr : "");
        return NULL;
    }
    return vmm_storage_pool_lookup_by_uuid(conn, uuid, error);
}

VmmStoragePool *
vmm_storage_pool_lookup_by_volume(VmmStorageVol *vol, GError **error)
{
    CHECK_HANDLE(vol, VMM_ERR_INVALID_STORAGE_VOL, "storage volume", NULL);
    ENTRY(vol->conn, storage_pool_lookup_by_volume, FALSE, NULL);
    return drv->storage_pool_lookup_by_volume(vol, error);
}

VmmStoragePool *
vmm_storage_pool_define_xml(VmmConnect *conn, const char *xml, unsigned int flags,
                            GError **error)
{
    ENTRY(conn, storage_pool_define_xml, TRUE, NULL);
    CHECK_HANDLE(xml, VMM_ERR_INVALID_ARG, "xml", NULL);
    return drv->storage_pool_define_xml(conn, xml, flags, error);
}

VmmStoragePool *
vmm_storage_pool_create_xml(VmmConnect *conn, const char *xml, unsigned int flags,
                            GError **error)
{
    ENTRY(conn, storage_pool_create_xml, TRUE, NULL);
    CHECK_HANDLE(xml, VMM_ERR_INVALID_ARG, "xml", NULL);
    return drv->storage_pool_create_xml(conn, xml, flags, error);
}

#define POOL_OP_FLAGS(fn, member) \
    gboolean fn(VmmStoragePool *pool, unsigned int flags, GError **error) \
    { \
        CHECK_HANDLE(pool, VMM_ERR_INVALID_STORAGE_POOL, "storage pool", FALSE); \
        ENTRY(pool->conn, member, TRUE, FALSE); \
        return drv->member(pool, flags, error); \
    }

#define POOL_OP(fn, member) \
    gboolean fn(VmmStoragePool *pool, GError **error) \
    { \
        CHECK_HANDLE(pool, VMM_ERR_INVALID_STORAGE_POOL, "storage pool", FALSE); \
        ENTRY(pool->conn, member, TRUE, FALSE); \
        return drv->member(pool, error); \
    }

POOL_OP_FLAGS(vmm_storage_pool_build, storage_pool_build)
POOL_OP_FLAGS(vmm_storage_pool_create, storage_pool_create)
POOL_OP_FLAGS(vmm_storage_pool_delete, storage_pool_delete)
POOL_OP_FLAGS(vmm_storage_pool_refresh, storage_pool_refresh)
POOL_OP(vmm_storage_pool_undefine, storage_pool_undefine)
POOL_OP(vmm_storage_pool_destroy, storage_pool_destroy)

gboolean
vmm_storage_pool_get_info(VmmStoragePool *pool, VmmStoragePoolInfo *info, GError **error)
{
    CHECK_HANDLE(pool, VMM_ERR_INVALID_STORAGE_POOL, "storage pool", FALSE);
    ENTRY(pool->conn, storage_pool_get_info, FALSE, FALSE);
    memset(info, 0, sizeof(*info));
    return drv->storage_pool_get_info(pool, info, error);
}

char *
vmm_storage_pool_get_xml_desc(VmmStoragePool *pool, unsigned int flags, GError **error)
{
    CHECK_HANDLE(pool, VMM_ERR_INVALID_STORAGE_POOL, "storage pool", NULL);
    ENTRY(pool->conn, storage_pool_get_xml_desc, FALSE, NULL);
    return drv->storage_pool_get_xml_desc(pool, flags, error);
}

gboolean
vmm_storage_pool_get_autostart(VmmStoragePool *pool, gboolean *autostart, GError **error)
{
    CHECK_HANDLE(pool, VMM_ERR_INVALID_STORAGE_POOL, "storage pool", FALSE);
    ENTRY(pool->conn, storage_pool_get_autostart, FALSE, FALSE);
    return drv->storage_pool_get_autostart(pool, autostart, error);
}

gboolean
vmm_storage_pool_set_autostart(VmmStoragePool *pool, gboolean autostart, GError **error)
{
    CHECK_HANDLE(pool, VMM_ERR_INVALID_STORAGE_POOL, "storage pool", FALSE);
    ENTRY(pool->conn, storage_pool_set_autostart, TRUE, FALSE);
    return drv->storage_pool_set_autostart(pool, autostart, error);
}

int
vmm_storage_pool_is_active(VmmStoragePool *pool, GError **error)
{
    CHECK_HANDLE(pool, VMM_ERR_INVALID_STORAGE_POOL, "storage pool", -1);
    ENTRY(pool->conn, storage_pool_is_active, FALSE, -1);
    return drv->storage_pool_is_active(pool, error);
}

int
vmm_storage_pool_is_persistent(VmmStoragePool *pool, GError **error)
{
    CHECK_HANDLE(pool, VMM_ERR_INVALID_STORAGE_POOL, "storage pool", -1);
    ENTRY(pool->conn, storage_pool_is_persistent, FALSE, -1);
    return drv->storage_pool_is_persistent(pool, error);
}

GPtrArray *
vmm_storage_pool_list_all_volumes(VmmStoragePool *pool, unsigned int flags, GError **error)
{
    CHECK_HANDLE(pool, VMM_ERR_INVALID_STORAGE_POOL, "storage pool", NULL);
    ENTRY(pool->conn, storage_pool_list_all_volumes, FALSE, NULL);
    return drv->storage_pool_list_all_volumes(pool, flags, error);
}

/* ------------------------------------------------------------------ */
/* Storage volumes                                                     */

VmmStorageVol *
vmm_storage_vol_lookup_by_name(VmmStoragePool *pool, const char *name, GError **error)
{
    CHECK_HANDLE(pool, VMM_ERR_INVALID_STORAGE_POOL, "storage pool", NULL);
    ENTRY(pool->conn, storage_vol_lookup_by_name, FALSE, NULL);
    CHECK_HANDLE(name, VMM_ERR_INVALID_ARG, "name", NULL);
    return drv->storage_vol_lookup_by_name(pool, name, error);
}

VmmStorageVol *
vmm_storage_vol_lookup_by_key(VmmConnect *conn, const char *key, GError **error)
{
    ENTRY(conn, storage_vol_lookup_by_key, FALSE, NULL);
    CHECK_HANDLE(key, VMM_ERR_INVALID_ARG, "key", NULL);
    return drv->storage_vol_lookup_by_key(conn, key, error);
}

VmmStorageVol *
vmm_storage_vol_lookup_by_path(VmmConnect *conn, const char *path, GError **error)
{
    ENTRY(conn, storage_vol_lookup_by_path, FALSE, NULL);
    CHECK_HANDLE(path, VMM_ERR_INVALID_ARG, "path", NULL);
    return drv->storage_vol_lookup_by_path(conn, path, error);
}

VmmStorageVol *
vmm_storage_vol_create_xml(VmmStoragePool *pool, const char *xml, unsigned int flags,
                           GError **error)
{
    CHECK_HANDLE(pool, VMM_ERR_INVALID_STORAGE_POOL, "storage pool", NULL);
    ENTRY(pool->conn, storage_vol_create_xml, TRUE, NULL);
    CHECK_HANDLE(xml, VMM_ERR_INVALID_ARG, "xml", NULL);
    return drv->storage_vol_create_xml(pool, xml, flags, error);
}

gboolean
vmm_storage_vol_delete(VmmStorageVol *vol, unsigned int flags, GError **error)
{
    CHECK_HANDLE(vol, VMM_ERR_INVALID_STORAGE_VOL, "storage volume", FALSE);
    ENTRY(vol->conn, storage_vol_delete, TRUE, FALSE);
    return drv->storage_vol_delete(vol, flags, error);
}

gboolean
vmm_storage_vol_get_info(VmmStorageVol *vol, VmmStorageVolInfo *info, GError **error)
{
    CHECK_HANDLE(vol, VMM_ERR_INVALID_STORAGE_VOL, "storage volume", FALSE);
    ENTRY(vol->conn, storage_vol_get_info, FALSE, FALSE);
    memset(info, 0, sizeof(*info));
    return drv->storage_vol_get_info(vol, info, error);
}

char *
vmm_storage_vol_get_xml_desc(VmmStorageVol *vol, unsigned int flags, GError **error)
{
    CHECK_HANDLE(vol, VMM_ERR_INVALID_STORAGE_VOL, "storage volume", NULL);
    ENTRY(vol->conn, storage_vol_get_xml_desc, FALSE, NULL);
    return drv->storage_vol_get_xml_desc(vol, flags, error);
}

char *
vmm_storage_vol_get_path(VmmStorageVol *vol, GError **error)
{
    CHECK_HANDLE(vol, VMM_ERR_INVALID_STORAGE_VOL, "storage volume", NULL);
    ENTRY(vol->conn, storage_vol_get_path, FALSE, NULL);
    return drv->storage_vol_get_path(vol, error);
}

gboolean
vmm_storage_vol_upload(VmmStorageVol *vol, VmmStream *st, guint64 offset, guint64 length,
                       unsigned int flags, GError **error)
{
    CHECK_HANDLE(vol, VMM_ERR_INVALID_STORAGE_VOL, "storage volume", FALSE);
    CHECK_HANDLE(st, VMM_ERR_INVALID_ARG, "stream", FALSE);
    ENTRY(vol->conn, storage_vol_upload, TRUE, FALSE);
    return drv->storage_vol_upload(vol, st, offset, length, flags, error);
}

gboolean
vmm_storage_vol_download(VmmStorageVol *vol, VmmStream *st, guint64 offset, guint64 length,
                         unsigned int flags, GError **error)
{
    CHECK_HANDLE(vol, VMM_ERR_INVALID_STORAGE_VOL, "storage volume", FALSE);
    CHECK_HANDLE(st, VMM_ERR_INVALID_ARG, "stream", FALSE);
    /* Reading a volume's data needs a read-write connection, as in
     * libvirt. */
    ENTRY(vol->conn, storage_vol_download, TRUE, FALSE);
    return drv->storage_vol_download(vol, st, offset, length, flags, error);
}

char *
vmm_connect_get_domain_capabilities(VmmConnect *conn, const char *emulator, const char *arch,
                                    const char *machine, const char *virttype,
                                    unsigned int flags, GError **error)
{
    ENTRY(conn, connect_get_domain_capabilities, FALSE, NULL);
    return drv->connect_get_domain_capabilities(conn, emulator, arch, machine, virttype,
                                                flags, error);
}

void
vmm_network_lease_free(VmmNetworkLease *lease)
{
    if (!lease)
        return;
    g_free(lease->iface);
    g_free(lease->mac);
    g_free(lease->iaid);
    g_free(lease->ipaddr);
    g_free(lease->hostname);
    g_free(lease->clientid);
    g_free(lease);
}

GPtrArray *
vmm_network_get_dhcp_leases(VmmNetwork *net, const char *mac, unsigned int flags,
                            GError **error)
{
    const VmmDriver *drv;

    CHECK_HANDLE(net, VMM_ERR_INVALID_NETWORK, "network", NULL);
    /* libvirt's name: virsh prints it, e.g. for the mock driver that has
     * no leases. */
    if (!(drv = entry_check(net->conn, G_STRUCT_OFFSET(VmmDriver, network_get_dhcp_leases),
                            "virNetworkGetDHCPLeases", FALSE, error)))
        return NULL;
    return drv->network_get_dhcp_leases(net, mac, flags, error);
}

gboolean
vmm_network_update(VmmNetwork *net, unsigned int command, unsigned int section,
                   int parent_index, const char *xml, unsigned int flags, GError **error)
{
    const VmmDriver *drv;

    CHECK_HANDLE(net, VMM_ERR_INVALID_NETWORK, "network", FALSE);
    if (!(drv = entry_check(net->conn, G_STRUCT_OFFSET(VmmDriver, network_update),
                            "virNetworkUpdate", TRUE, error)))
        return FALSE;
    return drv->network_update(net, command, section, parent_index, xml, flags, error);
}

GStrv
vmm_network_get_messages(VmmNetwork *net, unsigned int flags, GError **error)
{
    CHECK_HANDLE(net, VMM_ERR_INVALID_NETWORK, "network", NULL);
    ENTRY(net->conn, network_get_messages, FALSE, NULL);
    if (flags) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                      flags, G_STRFUNC);
        return NULL;
    }
    return drv->network_get_messages(net, flags, error);
}

/* ------------------------------------------------------------------ */
/* Typed parameters and bulk domain statistics                         */

void
vmm_domain_stats_record_free(VmmDomainStatsRecord *rec)
{
    if (!rec)
        return;
    vmm_typed_params_free(rec->params, rec->nparams);
    vmm_domain_unref(rec->dom);
    g_free(rec);
}

/* The groups libvmm can build without the driver's help. */
#define DOMAIN_STATS_SUPPORTED VMM_DOMAIN_STATS_STATE
#define DOMAIN_STATS_FILTERS 0xffU
#define DOMAIN_STATS_FLAGS (VMM_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT | \
                            VMM_CONNECT_GET_ALL_DOMAINS_STATS_BACKING | \
                            VMM_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS)

static GPtrArray *
domain_stats(VmmConnect *conn, VmmDomain *const *doms, guint ndoms, unsigned int stats,
             unsigned int flags, GError **error)
{
    const VmmDriver *drv;
    g_autoptr(GError) err = NULL;
    unsigned int supported;
    GPtrArray *ret;

    if (!conn || !conn->driver) {
        vmm_error_set(error, VMM_ERR_INVALID_CONN, _("invalid connection pointer in %s"),
                      "vmm_connect_get_all_domain_stats");
        return NULL;
    }
    drv = conn->driver;
    if (drv->connect_get_all_domain_stats) {
        /* The driver sees the request as made: a remote one passes it on. */
        ret = drv->connect_get_all_domain_stats(conn, doms, ndoms, stats, flags, &err);
        if (ret || !g_error_matches(err, VMM_ERROR, VMM_ERR_NO_SUPPORT)) {
            if (!ret)
                g_propagate_error(error, g_steal_pointer(&err));
            return ret;
        }
        g_clear_error(&err);   /* an older server: build them here */
    }
    supported = DOMAIN_STATS_SUPPORTED | drv->domain_stats_groups;
    if ((flags & VMM_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS) &&
        (stats & ~supported)) {
        vmm_error_set(error, VMM_ERR_ARGUMENT_UNSUPPORTED,
                      _("Stats types bits 0x%x are not supported by this daemon"),
                      stats & ~supported);
        return NULL;
    }
    stats = stats ? stats & supported : supported;
    return vmm_domain_stats_build(conn, doms, ndoms, stats, flags, error);
}

GPtrArray *
vmm_connect_get_all_domain_stats(VmmConnect *conn, unsigned int stats, unsigned int flags,
                                 GError **error)
{
    if (flags & ~(DOMAIN_STATS_FILTERS | DOMAIN_STATS_FLAGS)) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                      flags & ~(DOMAIN_STATS_FILTERS | DOMAIN_STATS_FLAGS), G_STRFUNC);
        return NULL;
    }
    return domain_stats(conn, NULL, 0, stats, flags, error);
}

GPtrArray *
vmm_domain_list_get_stats(VmmDomain *const *doms, guint ndoms, unsigned int stats,
                          unsigned int flags, GError **error)
{
    if (ndoms == 0 || !doms || !doms[0]) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("domain list must not be empty in %s"),
                      G_STRFUNC);
        return NULL;
    }
    for (guint i = 1; i < ndoms; i++) {
        if (!doms[i] || doms[i]->conn != doms[0]->conn) {
            vmm_error_set(error, VMM_ERR_INVALID_ARG,
                          _("domains from different connections in %s"), G_STRFUNC);
            return NULL;
        }
    }
    if (flags & ~DOMAIN_STATS_FLAGS) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                      flags & ~DOMAIN_STATS_FLAGS, G_STRFUNC);
        return NULL;
    }
    return domain_stats(doms[0]->conn, doms, ndoms, stats, flags, error);
}

void
vmm_domain_interface_free(VmmDomainInterface *iface)
{
    if (!iface)
        return;
    for (guint i = 0; i < iface->naddrs; i++)
        g_free(iface->addrs[i].addr);
    g_free(iface->addrs);
    g_free(iface->name);
    g_free(iface->hwaddr);
    g_free(iface);
}

GPtrArray *
vmm_domain_interface_addresses(VmmDomain *dom, unsigned int source, unsigned int flags,
                               GError **error)
{
    const VmmDriver *drv;

    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", NULL);
    if (!(drv = entry_check(dom->conn, G_STRUCT_OFFSET(VmmDriver, domain_interface_addresses),
                            "virDomainInterfaceAddresses", FALSE, error)))
        return NULL;
    return drv->domain_interface_addresses(dom, source, flags, error);
}

/* ------------------------------------------------------------------ */
/* Per-domain statistics                                               */

/* Looks up the driver entry @member under libvirt's API name @api. */
#define DOM_ENTRY(dom, member, api, fail) \
    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", fail); \
    ENTRY_AS((dom)->conn, member, (api), FALSE, fail)

int
vmm_domain_memory_stats(VmmDomain *dom, VmmDomainMemoryStat *stats, unsigned int nr_stats,
                        unsigned int flags, GError **error)
{
    DOM_ENTRY(dom, domain_memory_stats, "virDomainMemoryStats", -1);
    if (!stats && nr_stats) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("stats must not be NULL in %s"),
                      G_STRFUNC);
        return -1;
    }
    return drv->domain_memory_stats(dom, stats, nr_stats, flags, error);
}

gboolean
vmm_domain_block_stats(VmmDomain *dom, const char *disk, VmmTypedParameter **params,
                       int *nparams, unsigned int flags, GError **error)
{
    DOM_ENTRY(dom, domain_block_stats, "virDomainBlockStatsFlags", FALSE);
    if (!disk || !params || !nparams) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("disk, params and nparams must not be "
                                                    "NULL in %s"), G_STRFUNC);
        return FALSE;
    }
    return drv->domain_block_stats(dom, disk, params, nparams, flags, error);
}

gboolean
vmm_domain_interface_stats(VmmDomain *dom, const char *device, VmmDomainInterfaceStats *stats,
                           GError **error)
{
    DOM_ENTRY(dom, domain_interface_stats, "virDomainInterfaceStats", FALSE);
    if (!device || !stats) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("device and stats must not be NULL in %s"),
                      G_STRFUNC);
        return FALSE;
    }
    return drv->domain_interface_stats(dom, device, stats, error);
}

int
vmm_domain_get_vcpus(VmmDomain *dom, VmmVcpuInfo *info, int maxinfo, unsigned char *cpumaps,
                     int maplen, GError **error)
{
    DOM_ENTRY(dom, domain_get_vcpus, "virDomainGetVcpus", -1);
    if (maxinfo < 0 || (maxinfo && !info) || (cpumaps && maplen <= 0)) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("bad vCPU info buffer (maxinfo %d, maplen %d) in %s"), maxinfo, maplen,
                      G_STRFUNC);
        return -1;
    }
    return drv->domain_get_vcpus(dom, info, maxinfo, cpumaps, cpumaps ? maplen : 0, error);
}

int
vmm_domain_get_vcpu_pin_info(VmmDomain *dom, int ncpumaps, unsigned char *cpumaps, int maplen,
                             unsigned int flags, GError **error)
{
    CHECK_HANDLE(dom, VMM_ERR_INVALID_DOMAIN, "domain", -1);
    if (ncpumaps <= 0 || maplen <= 0 || !cpumaps) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("bad vCPU map buffer (ncpumaps %d, maplen %d) in %s"), ncpumaps,
                      maplen, G_STRFUNC);
        return -1;
    }
    if (flags & ~(unsigned int)(VMM_DOMAIN_AFFECT_LIVE | VMM_DOMAIN_AFFECT_CONFIG)) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                      flags, G_STRFUNC);
        return -1;
    }
    if (dom->conn && dom->conn->driver && dom->conn->driver->domain_get_vcpu_pin_info)
        return dom->conn->driver->domain_get_vcpu_pin_info(dom, ncpumaps, cpumaps, maplen,
                                                           flags, error);
    return vmm_domain_vcpu_pin_info_build(dom, ncpumaps, cpumaps, maplen, flags, error);
}

int
vmm_node_get_cpu_map(VmmConnect *conn, unsigned char **cpumap, unsigned int *online,
                     unsigned int flags, GError **error)
{
    ENTRY_AS(conn, node_get_cpu_map, "virNodeGetCPUMap", FALSE, -1);
    return drv->node_get_cpu_map(conn, cpumap, online, flags, error);
}
