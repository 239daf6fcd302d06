/*
 * remote_driver.c: the driver that forwards every call to vmmd.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Each entry packs its arguments into the .x file's *_args struct, makes
 * one call and unpacks the *_ret struct.  Handles travel as the wire's
 * dom/net/pool/vol structs and come back as fresh handles on this
 * connection.  Server errors arrive with their code and text unchanged.
 */
#include "remote/remote_driver.h"
#include "remote/remote_stream.h"
#include "remote/remote_uri.h"
#include "events.h"
#include "rpc/rpc_client.h"
#include "rpc/rpc_packet.h"

#include <string.h>

/* libvirt's client defaults: ping after 5 s idle, give up after 5 more. */
#define REMOTE_KEEPALIVE_INTERVAL 5
#define REMOTE_KEEPALIVE_COUNT 5

typedef struct {
    RpcClient *client;
    GMutex lock;              /* type, callback_id */
    char *type;               /* connect_get_type's answer, kept for the
                               * connection's lifetime (it returns const) */
    gboolean server_event_callbacks;   /* feature 14 */
    /* The server's callbackID per VmmEventKind while registered, else -1. */
    int callback_id[VMM_EVENT_KIND_LAST];
    /* A registration call is in flight: its first events may arrive on the
     * event thread before the caller has stored the id from the reply. */
    gboolean registering[VMM_EVENT_KIND_LAST];
} RemotePriv;

static gboolean inside_daemon;

void
vmm_remote_driver_set_inside_daemon(gboolean inside)
{
    inside_daemon = inside;
}

gboolean
vmm_remote_driver_is_inside_daemon(void)
{
    return inside_daemon;
}

RpcClient *
vmm_remote_driver_get_client(VmmConnect *conn)
{
    return ((RemotePriv *)conn->priv)->client;
}

static gboolean
remote_call(VmmConnect *conn, int proc, xdrproc_t args_proc, const void *args,
            xdrproc_t ret_proc, void *ret, GError **error)
{
    RemotePriv *priv = conn->priv;

    return rpc_client_call(priv->client, REMOTE_PROGRAM, proc, args_proc, args,
                           ret_proc, ret, error);
}

/* CALL(conn, PROC_SUFFIX, args_type, &args, ret_type, &ret); "none" for no
 * payload (libtirpc's xdr_void has the wrong type to pass around). */
#define xdr_none NULL
#define CALL(conn, proc, argt, args, rett, ret) \
    remote_call((conn), REMOTE_PROC_##proc, (xdrproc_t)xdr_##argt, (args), \
                (xdrproc_t)xdr_##rett, (ret), error)

#define FREE_RET(rett, ret) xdr_free((xdrproc_t)xdr_##rett, (char *)(ret))

/* ------------------------------------------------------------------ */
/* Handles <-> wire                                                    */

/* The wire structs borrow the handle's strings: they are only encoded. */
static void
dom_to_wire(remote_nonnull_domain *w, VmmDomain *dom)
{
    w->name = dom->name;
    memcpy(w->uuid, dom->uuid, VMM_UUID_BUFLEN);
    w->id = dom->id;
}

static void
net_to_wire(remote_nonnull_network *w, VmmNetwork *net)
{
    w->name = net->name;
    memcpy(w->uuid, net->uuid, VMM_UUID_BUFLEN);
}

static void
pool_to_wire(remote_nonnull_storage_pool *w, VmmStoragePool *pool)
{
    w->name = pool->name;
    memcpy(w->uuid, pool->uuid, VMM_UUID_BUFLEN);
}

static void
vol_to_wire(remote_nonnull_storage_vol *w, VmmStorageVol *vol)
{
    w->pool = vol->pool;
    w->name = vol->name;
    w->key = vol->key;
}

static VmmDomain *
dom_from_wire(VmmConnect *conn, const remote_nonnull_domain *w)
{
    return vmm_domain_new_handle(conn, w->name, (const unsigned char *)w->uuid, w->id);
}

static VmmNetwork *
net_from_wire(VmmConnect *conn, const remote_nonnull_network *w)
{
    return vmm_network_new_handle(conn, w->name, (const unsigned char *)w->uuid);
}

static VmmStoragePool *
pool_from_wire(VmmConnect *conn, const remote_nonnull_storage_pool *w)
{
    return vmm_storage_pool_new_handle(conn, w->name, (const unsigned char *)w->uuid);
}

static VmmStorageVol *
vol_from_wire(VmmConnect *conn, const remote_nonnull_storage_vol *w)
{
    return vmm_storage_vol_new_handle(conn, w->pool, w->name, w->key);
}

/* ------------------------------------------------------------------ */
/* Connection                                                          */

static RpcClient *
remote_client_new(const RemoteTarget *target, GError **error)
{
    g_auto(GStrv) argv = NULL;

    switch (target->transport) {
    case REMOTE_TRANSPORT_UNIX:
        return rpc_client_new_unix(target->socket_path, error);
    case REMOTE_TRANSPORT_TCP:
        return rpc_client_new_tcp(target->host, target->port, error);
    case REMOTE_TRANSPORT_SSH:
        argv = remote_target_ssh_argv(target);
        return rpc_client_new_command((const char *const *)argv, error);
    case REMOTE_TRANSPORT_LAST:
        break;
    }
    g_assert_not_reached();
}

static int
remote_supports_feature(VmmConnect *conn, int feature)
{
    remote_connect_supports_feature_args args = { feature };
    remote_connect_supports_feature_ret ret = { 0 };

    /* Any failure means "no", as in libvirt's client. */
    if (!remote_call(conn, REMOTE_PROC_CONNECT_SUPPORTS_FEATURE,
                     (xdrproc_t)xdr_remote_connect_supports_feature_args, &args,
                     (xdrproc_t)xdr_remote_connect_supports_feature_ret, &ret, NULL))
        return 0;
    return ret.supported;
}

/* AUTH_LIST, then the server's first method, as libvirt's client picks it.
 * An error from AUTH_LIST itself means "no auth", as libvirt takes it. */
static gboolean
remote_authenticate(VmmConnect *conn, const char *where, GError **error)
{
    remote_auth_list_ret ret = { 0 };
    remote_auth_type first = REMOTE_AUTH_NONE;

    if (!remote_call(conn, REMOTE_PROC_AUTH_LIST, NULL, NULL,
                     (xdrproc_t)xdr_remote_auth_list_ret, &ret, NULL))
        return TRUE;
    if (ret.types.types_len > 0)
        first = ret.types.types_val[0];
    FREE_RET(remote_auth_list_ret, &ret);

    switch (first) {
    case REMOTE_AUTH_NONE:
        return TRUE;
    case REMOTE_AUTH_POLKIT: {
        remote_auth_polkit_ret pret = { 0 };

        return CALL(conn, AUTH_POLKIT, none, NULL, remote_auth_polkit_ret, &pret);
    }
    default:
        vmm_error_set(error, VMM_ERR_AUTH_FAILED,
                      _("vmmd at %s wants SASL authentication, which this client does not support"),
                      where);
        return FALSE;
    }
}

static void remote_on_event(RpcClient *client, int proc, const char *payload, gsize len,
                            gpointer opaque);

static void
remote_priv_free(RemotePriv *priv)
{
    rpc_client_free(priv->client);
    g_mutex_clear(&priv->lock);
    g_free(priv->type);
    g_free(priv);
}

/*
 * Open, in libvirt's order: connect the transport, AUTH_LIST, ask whether
 * the server does keepalive, CONNECT_OPEN with the stripped name, then ask
 * about event callbacks.
 */
static gboolean
remote_connect_open(VmmConnect *conn, GError **error)
{
    g_autoptr(RemoteTarget) target = NULL;
    g_autofree char *where = NULL;
    RemotePriv *priv;
    remote_connect_open_args args = { 0 };
    gboolean keepalive;

    target = remote_target_parse(conn->uri, (conn->flags & VMM_CONNECT_RO) != 0, error);
    if (!target)
        return FALSE;
    where = remote_target_describe(target);

    priv = g_new0(RemotePriv, 1);
    g_mutex_init(&priv->lock);
    for (int k = 0; k < VMM_EVENT_KIND_LAST; k++)
        priv->callback_id[k] = -1;
    priv->client = remote_client_new(target, error);
    if (!priv->client) {
        remote_priv_free(priv);
        return FALSE;
    }
    /* @conn outlives the client: connect_close frees the client first. */
    rpc_client_set_event_func(priv->client, remote_on_event, conn);
    conn->priv = priv;

    if (!remote_authenticate(conn, where, error))
        goto fail;
    keepalive = remote_supports_feature(conn, REMOTE_FEATURE_PROGRAM_KEEPALIVE);

    args.name = &target->name;
    args.flags = conn->flags & VMM_CONNECT_RO;
    if (!CALL(conn, CONNECT_OPEN, remote_connect_open_args, &args, none, NULL))
        goto fail;

    priv->server_event_callbacks =
        remote_supports_feature(conn, REMOTE_FEATURE_REMOTE_EVENT_CALLBACK);
    if (keepalive)
        rpc_client_start_keepalive(priv->client, REMOTE_KEEPALIVE_INTERVAL,
                                   REMOTE_KEEPALIVE_COUNT);
    return TRUE;

 fail:
    conn->priv = NULL;
    remote_priv_free(priv);
    return FALSE;
}

static void
remote_connect_close(VmmConnect *conn)
{
    RemotePriv *priv = conn->priv;

    if (!priv)
        return;
    /* The server may already be gone; closing is best effort. */
    if (rpc_client_is_open(priv->client))
        remote_call(conn, REMOTE_PROC_CONNECT_CLOSE, NULL, NULL,
                    NULL, NULL, NULL);
    remote_priv_free(priv);
    conn->priv = NULL;
}

static const char *
remote_connect_get_type(VmmConnect *conn, GError **error)
{
    RemotePriv *priv = conn->priv;
    remote_connect_get_type_ret ret = { 0 };
    const char *type;

    g_mutex_lock(&priv->lock);
    type = priv->type;
    g_mutex_unlock(&priv->lock);
    if (type)
        return type;

    if (!CALL(conn, CONNECT_GET_TYPE, none, NULL, remote_connect_get_type_ret, &ret))
        return NULL;
    g_mutex_lock(&priv->lock);
    if (!priv->type)
        priv->type = g_strdup(ret.type);
    type = priv->type;
    g_mutex_unlock(&priv->lock);
    FREE_RET(remote_connect_get_type_ret, &ret);
    return type;
}

static gboolean
remote_connect_get_version(VmmConnect *conn, unsigned long *hv_ver, GError **error)
{
    remote_connect_get_version_ret ret = { 0 };

    if (!CALL(conn, CONNECT_GET_VERSION, none, NULL, remote_connect_get_version_ret, &ret))
        return FALSE;
    *hv_ver = ret.hv_ver;
    return TRUE;
}

/* Calls returning one string: the string is stolen from the reply. */
#define STRING_RET(rett, field, call) \
    do { \
        rett ret = { 0 }; \
        char *s; \
        if (!(call)) \
            return NULL; \
        s = g_strdup(ret.field); \
        FREE_RET(rett, &ret); \
        return s; \
    } while (0)

static char *
remote_connect_get_hostname(VmmConnect *conn, GError **error)
{
    STRING_RET(remote_connect_get_hostname_ret, hostname,
               CALL(conn, CONNECT_GET_HOSTNAME, none, NULL,
                    remote_connect_get_hostname_ret, &ret));
}

static char *
remote_connect_get_capabilities(VmmConnect *conn, GError **error)
{
    STRING_RET(remote_connect_get_capabilities_ret, capabilities,
               CALL(conn, CONNECT_GET_CAPABILITIES, none, NULL,
                    remote_connect_get_capabilities_ret, &ret));
}

static char *
remote_connect_get_domain_capabilities(VmmConnect *conn, const char *emulator,
                                       const char *arch, const char *machine,
                                       const char *virttype, unsigned int flags,
                                       GError **error)
{
    char *e = (char *)emulator, *a = (char *)arch, *m = (char *)machine;
    char *v = (char *)virttype;
    remote_connect_get_domain_capabilities_args args = {
        .emulatorbin = e ? &e : NULL, .arch = a ? &a : NULL,
        .machine = m ? &m : NULL, .virttype = v ? &v : NULL, .flags = flags,
    };

    STRING_RET(remote_connect_get_domain_capabilities_ret, capabilities,
               CALL(conn, CONNECT_GET_DOMAIN_CAPABILITIES,
                    remote_connect_get_domain_capabilities_args, &args,
                    remote_connect_get_domain_capabilities_ret, &ret));
}

static gboolean
remote_node_get_info(VmmConnect *conn, VmmNodeInfo *info, GError **error)
{
    remote_node_get_info_ret ret = { 0 };

    if (!CALL(conn, NODE_GET_INFO, none, NULL, remote_node_get_info_ret, &ret))
        return FALSE;
    /* The wire's model is NUL-padded, not necessarily NUL-terminated. */
    memcpy(info->model, ret.model, MIN(sizeof(info->model), sizeof(ret.model)));
    info->model[sizeof(info->model) - 1] = '\0';
    info->memory = ret.memory;
    info->cpus = ret.cpus;
    info->mhz = ret.mhz;
    info->nodes = ret.nodes;
    info->sockets = ret.sockets;
    info->cores = ret.cores;
    info->threads = ret.threads;
    return TRUE;
}

/* Calls returning one int. */
#define INT_RET(rett, field, call) \
    do { \
        rett ret = { 0 }; \
        if (!(call)) \
            return -1; \
        return ret.field; \
    } while (0)

static int
remote_connect_num_of_domains(VmmConnect *conn, GError **error)
{
    INT_RET(remote_connect_num_of_domains_ret, num,
            CALL(conn, CONNECT_NUM_OF_DOMAINS, none, NULL,
                 remote_connect_num_of_domains_ret, &ret));
}

static int
remote_connect_num_of_defined_domains(VmmConnect *conn, GError **error)
{
    INT_RET(remote_connect_num_of_defined_domains_ret, num,
            CALL(conn, CONNECT_NUM_OF_DEFINED_DOMAINS, none, NULL,
                 remote_connect_num_of_defined_domains_ret, &ret));
}

/* ------------------------------------------------------------------ */
/* Lists: need_results=1, then one handle per wire struct.             */

#define LIST_ALL(conn, PROC, argt, args, rett, field, from_wire, unref) \
    do { \
        rett ret = { 0 }; \
        GPtrArray *list; \
        if (!CALL(conn, PROC, argt, args, rett, &ret)) \
            return NULL; \
        list = g_ptr_array_new_full(ret.field.field##_len, (GDestroyNotify)unref); \
        for (u_int i = 0; i < ret.field.field##_len; i++) \
            g_ptr_array_add(list, from_wire(conn, &ret.field.field##_val[i])); \
        FREE_RET(rett, &ret); \
        return list; \
    } while (0)

static GPtrArray *
remote_connect_list_all_domains(VmmConnect *conn, unsigned int flags, GError **error)
{
    remote_connect_list_all_domains_args args = { 1, flags };

    LIST_ALL(conn, CONNECT_LIST_ALL_DOMAINS, remote_connect_list_all_domains_args, &args,
             remote_connect_list_all_domains_ret, domains, dom_from_wire,
             vmm_domain_unref);
}

static GPtrArray *
remote_connect_list_all_networks(VmmConnect *conn, unsigned int flags, GError **error)
{
    remote_connect_list_all_networks_args args = { 1, flags };

    LIST_ALL(conn, CONNECT_LIST_ALL_NETWORKS, remote_connect_list_all_networks_args, &args,
             remote_connect_list_all_networks_ret, nets, net_from_wire,
             vmm_network_unref);
}

static GPtrArray *
remote_connect_list_all_storage_pools(VmmConnect *conn, unsigned int flags, GError **error)
{
    remote_connect_list_all_storage_pools_args args = { 1, flags };

    LIST_ALL(conn, CONNECT_LIST_ALL_STORAGE_POOLS, remote_connect_list_all_storage_pools_args,
             &args, remote_connect_list_all_storage_pools_ret, pools, pool_from_wire,
             vmm_storage_pool_unref);
}

static GPtrArray *
remote_storage_pool_list_all_volumes(VmmStoragePool *pool, unsigned int flags, GError **error)
{
    remote_storage_pool_list_all_volumes_args args = { .need_results = 1, .flags = flags };

    pool_to_wire(&args.pool, pool);
    LIST_ALL(pool->conn, STORAGE_POOL_LIST_ALL_VOLUMES, remote_storage_pool_list_all_volumes_args,
             &args, remote_storage_pool_list_all_volumes_ret, vols, vol_from_wire,
             vmm_storage_vol_unref);
}

/* ------------------------------------------------------------------ */
/* Calls returning one handle                                          */

#define HANDLE_RET(conn, PROC, argt, args, rett, field, from_wire) \
    do { \
        rett ret = { 0 }; \
        typeof(from_wire(conn, &ret.field)) h; \
        if (!CALL(conn, PROC, argt, args, rett, &ret)) \
            return NULL; \
        h = from_wire(conn, &ret.field); \
        FREE_RET(rett, &ret); \
        return h; \
    } while (0)

static VmmDomain *
remote_domain_lookup_by_name(VmmConnect *conn, const char *name, GError **error)
{
    remote_domain_lookup_by_name_args args = { (char *)name };

    HANDLE_RET(conn, DOMAIN_LOOKUP_BY_NAME, remote_domain_lookup_by_name_args, &args,
               remote_domain_lookup_by_name_ret, dom, dom_from_wire);
}

static VmmDomain *
remote_domain_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error)
{
    remote_domain_lookup_by_uuid_args args;

    memcpy(args.uuid, uuid, VMM_UUID_BUFLEN);
    HANDLE_RET(conn, DOMAIN_LOOKUP_BY_UUID, remote_domain_lookup_by_uuid_args, &args,
               remote_domain_lookup_by_uuid_ret, dom, dom_from_wire);
}

static VmmDomain *
remote_domain_lookup_by_id(VmmConnect *conn, int id, GError **error)
{
    remote_domain_lookup_by_id_args args = { id };

    HANDLE_RET(conn, DOMAIN_LOOKUP_BY_ID, remote_domain_lookup_by_id_args, &args,
               remote_domain_lookup_by_id_ret, dom, dom_from_wire);
}

static VmmDomain *
remote_domain_define_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    /* Without flags, the original procedure, as virsh sends it. */
    if (flags == 0) {
        remote_domain_define_xml_args args = { (char *)xml };

        HANDLE_RET(conn, DOMAIN_DEFINE_XML, remote_domain_define_xml_args, &args,
                   remote_domain_define_xml_ret, dom, dom_from_wire);
    } else {
        remote_domain_define_xml_flags_args args = { (char *)xml, flags };

        HANDLE_RET(conn, DOMAIN_DEFINE_XML_FLAGS, remote_domain_define_xml_flags_args, &args,
                   remote_domain_define_xml_flags_ret, dom, dom_from_wire);
    }
}

static VmmDomain *
remote_domain_create_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    remote_domain_create_xml_args args = { (char *)xml, flags };

    HANDLE_RET(conn, DOMAIN_CREATE_XML, remote_domain_create_xml_args, &args,
               remote_domain_create_xml_ret, dom, dom_from_wire);
}

static VmmNetwork *
remote_network_lookup_by_name(VmmConnect *conn, const char *name, GError **error)
{
    remote_network_lookup_by_name_args args = { (char *)name };

    HANDLE_RET(conn, NETWORK_LOOKUP_BY_NAME, remote_network_lookup_by_name_args, &args,
               remote_network_lookup_by_name_ret, net, net_from_wire);
}

static VmmNetwork *
remote_network_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error)
{
    remote_network_lookup_by_uuid_args args;

    memcpy(args.uuid, uuid, VMM_UUID_BUFLEN);
    HANDLE_RET(conn, NETWORK_LOOKUP_BY_UUID, remote_network_lookup_by_uuid_args, &args,
               remote_network_lookup_by_uuid_ret, net, net_from_wire);
}

static VmmNetwork *
remote_network_define_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    if (flags == 0) {
        remote_network_define_xml_args args = { (char *)xml };

        HANDLE_RET(conn, NETWORK_DEFINE_XML, remote_network_define_xml_args, &args,
                   remote_network_define_xml_ret, net, net_from_wire);
    } else {
        remote_network_define_xml_flags_args args = { (char *)xml, flags };

        HANDLE_RET(conn, NETWORK_DEFINE_XML_FLAGS, remote_network_define_xml_flags_args, &args,
                   remote_network_define_xml_flags_ret, net, net_from_wire);
    }
}

static VmmNetwork *
remote_network_create_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    remote_network_create_xml_args args = { (char *)xml };

    /* The procedure has no flags (libvirt's neither, before 7.8). */
    if (flags) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("unsupported flags (0x%x) in function %s"), flags, G_STRFUNC);
        return NULL;
    }
    HANDLE_RET(conn, NETWORK_CREATE_XML, remote_network_create_xml_args, &args,
               remote_network_create_xml_ret, net, net_from_wire);
}

static VmmStoragePool *
remote_storage_pool_lookup_by_name(VmmConnect *conn, const char *name, GError **error)
{
    remote_storage_pool_lookup_by_name_args args = { (char *)name };

    HANDLE_RET(conn, STORAGE_POOL_LOOKUP_BY_NAME, remote_storage_pool_lookup_by_name_args,
               &args, remote_storage_pool_lookup_by_name_ret, pool, pool_from_wire);
}

static VmmStoragePool *
remote_storage_pool_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error)
{
    remote_storage_pool_lookup_by_uuid_args args;

    memcpy(args.uuid, uuid, VMM_UUID_BUFLEN);
    HANDLE_RET(conn, STORAGE_POOL_LOOKUP_BY_UUID, remote_storage_pool_lookup_by_uuid_args,
               &args, remote_storage_pool_lookup_by_uuid_ret, pool, pool_from_wire);
}

static VmmStoragePool *
remote_storage_pool_lookup_by_volume(VmmStorageVol *vol, GError **error)
{
    remote_storage_pool_lookup_by_volume_args args;

    vol_to_wire(&args.vol, vol);
    HANDLE_RET(vol->conn, STORAGE_POOL_LOOKUP_BY_VOLUME, remote_storage_pool_lookup_by_volume_args,
               &args, remote_storage_pool_lookup_by_volume_ret, pool, pool_from_wire);
}

static VmmStoragePool *
remote_storage_pool_define_xml(VmmConnect *conn, const char *xml, unsigned int flags,
                               GError **error)
{
    remote_storage_pool_define_xml_args args = { (char *)xml, flags };

    HANDLE_RET(conn, STORAGE_POOL_DEFINE_XML, remote_storage_pool_define_xml_args, &args,
               remote_storage_pool_define_xml_ret, pool, pool_from_wire);
}

static VmmStoragePool *
remote_storage_pool_create_xml(VmmConnect *conn, const char *xml, unsigned int flags,
                               GError **error)
{
    remote_storage_pool_create_xml_args args = { (char *)xml, flags };

    HANDLE_RET(conn, STORAGE_POOL_CREATE_XML, remote_storage_pool_create_xml_args, &args,
               remote_storage_pool_create_xml_ret, pool, pool_from_wire);
}

static VmmStorageVol *
remote_storage_vol_lookup_by_name(VmmStoragePool *pool, const char *name, GError **error)
{
    remote_storage_vol_lookup_by_name_args args = { .name = (char *)name };

    pool_to_wire(&args.pool, pool);
    HANDLE_RET(pool->conn, STORAGE_VOL_LOOKUP_BY_NAME, remote_storage_vol_lookup_by_name_args,
               &args, remote_storage_vol_lookup_by_name_ret, vol, vol_from_wire);
}

static VmmStorageVol *
remote_storage_vol_lookup_by_key(VmmConnect *conn, const char *key, GError **error)
{
    remote_storage_vol_lookup_by_key_args args = { (char *)key };

    HANDLE_RET(conn, STORAGE_VOL_LOOKUP_BY_KEY, remote_storage_vol_lookup_by_key_args, &args,
               remote_storage_vol_lookup_by_key_ret, vol, vol_from_wire);
}

static VmmStorageVol *
remote_storage_vol_lookup_by_path(VmmConnect *conn, const char *path, GError **error)
{
    remote_storage_vol_lookup_by_path_args args = { (char *)path };

    HANDLE_RET(conn, STORAGE_VOL_LOOKUP_BY_PATH, remote_storage_vol_lookup_by_path_args, &args,
               remote_storage_vol_lookup_by_path_ret, vol, vol_from_wire);
}

static VmmStorageVol *
remote_storage_vol_create_xml(VmmStoragePool *pool, const char *xml, unsigned int flags,
                              GError **error)
{
    remote_storage_vol_create_xml_args args = { .xml = (char *)xml, .flags = flags };

    pool_to_wire(&args.pool, pool);
    HANDLE_RET(pool->conn, STORAGE_VOL_CREATE_XML, remote_storage_vol_create_xml_args, &args,
               remote_storage_vol_create_xml_ret, vol, vol_from_wire);
}

/* ------------------------------------------------------------------ */
/* Calls on one object.  OBJ_*(fn, Type, obj, to_wire, name, PROC):    */
/* `name` is the args/ret struct stem, e.g. domain_destroy_flags.      */

/* obj [+ flags] -> void */
#define OBJ_VOID(fn, Type, obj, to_wire, name, PROC) \
    static gboolean fn(Type *obj, GError **error) \
    { \
        remote_##name##_args args; \
        to_wire(&args.obj, obj); \
        return CALL(obj->conn, PROC, remote_##name##_args, &args, none, NULL); \
    }

#define OBJ_FLAGS_VOID(fn, Type, obj, to_wire, name, PROC) \
    static gboolean fn(Type *obj, unsigned int flags, GError **error) \
    { \
        remote_##name##_args args = { .flags = flags }; \
        to_wire(&args.obj, obj); \
        return CALL(obj->conn, PROC, remote_##name##_args, &args, none, NULL); \
    }

/* obj -> int (is_active, is_persistent) */
#define OBJ_INT(fn, Type, obj, to_wire, name, PROC, field) \
    static int fn(Type *obj, GError **error) \
    { \
        remote_##name##_args args; \
        to_wire(&args.obj, obj); \
        INT_RET(remote_##name##_ret, field, \
                CALL(obj->conn, PROC, remote_##name##_args, &args, remote_##name##_ret, &ret)); \
    }

/* obj -> autostart; obj + autostart -> void */
#define OBJ_AUTOSTART(get_fn, set_fn, Type, obj, to_wire, name, GET_PROC, SET_PROC) \
    static gboolean get_fn(Type *obj, gboolean *autostart, GError **error) \
    { \
        remote_##name##_get_autostart_args args; \
        remote_##name##_get_autostart_ret ret = { 0 }; \
        to_wire(&args.obj, obj); \
        if (!CALL(obj->conn, GET_PROC, remote_##name##_get_autostart_args, &args, \
                  remote_##name##_get_autostart_ret, &ret)) \
            return FALSE; \
        *autostart = ret.autostart != 0; \
        return TRUE; \
    } \
    static gboolean set_fn(Type *obj, gboolean autostart, GError **error) \
    { \
        remote_##name##_set_autostart_args args = { .autostart = autostart ? 1 : 0 }; \
        to_wire(&args.obj, obj); \
        return CALL(obj->conn, SET_PROC, remote_##name##_set_autostart_args, &args, none, NULL); \
    }

/* obj [+ flags] -> string */
#define OBJ_STRING(fn, Type, obj, to_wire, name, PROC, field) \
    static char *fn(Type *obj, GError **error) \
    { \
        remote_##name##_args args; \
        to_wire(&args.obj, obj); \
        STRING_RET(remote_##name##_ret, field, \
                   CALL(obj->conn, PROC, remote_##name##_args, &args, remote_##name##_ret, &ret)); \
    }

#define OBJ_FLAGS_STRING(fn, Type, obj, to_wire, name, PROC, field) \
    static char *fn(Type *obj, unsigned int flags, GError **error) \
    { \
        remote_##name##_args args = { .flags = flags }; \
        to_wire(&args.obj, obj); \
        STRING_RET(remote_##name##_ret, field, \
                   CALL(obj->conn, PROC, remote_##name##_args, &args, remote_##name##_ret, &ret)); \
    }

/* Domains */
OBJ_FLAGS_VOID(remote_domain_undefine, VmmDomain, dom, dom_to_wire,
               domain_undefine_flags, DOMAIN_UNDEFINE_FLAGS)
OBJ_FLAGS_VOID(remote_domain_shutdown, VmmDomain, dom, dom_to_wire,
               domain_shutdown_flags, DOMAIN_SHUTDOWN_FLAGS)
OBJ_FLAGS_VOID(remote_domain_reboot, VmmDomain, dom, dom_to_wire, domain_reboot, DOMAIN_REBOOT)
OBJ_FLAGS_VOID(remote_domain_reset, VmmDomain, dom, dom_to_wire, domain_reset, DOMAIN_RESET)
OBJ_FLAGS_VOID(remote_domain_destroy, VmmDomain, dom, dom_to_wire,
               domain_destroy_flags, DOMAIN_DESTROY_FLAGS)
OBJ_VOID(remote_domain_suspend, VmmDomain, dom, dom_to_wire, domain_suspend, DOMAIN_SUSPEND)
OBJ_VOID(remote_domain_resume, VmmDomain, dom, dom_to_wire, domain_resume, DOMAIN_RESUME)
OBJ_INT(remote_domain_is_active, VmmDomain, dom, dom_to_wire,
        domain_is_active, DOMAIN_IS_ACTIVE, active)
OBJ_INT(remote_domain_is_persistent, VmmDomain, dom, dom_to_wire,
        domain_is_persistent, DOMAIN_IS_PERSISTENT, persistent)
OBJ_AUTOSTART(remote_domain_get_autostart, remote_domain_set_autostart, VmmDomain, dom,
              dom_to_wire, domain, DOMAIN_GET_AUTOSTART, DOMAIN_SET_AUTOSTART)
OBJ_FLAGS_STRING(remote_domain_get_xml_desc, VmmDomain, dom, dom_to_wire,
                 domain_get_xml_desc, DOMAIN_GET_XML_DESC, xml)
OBJ_STRING(remote_domain_get_os_type, VmmDomain, dom, dom_to_wire,
           domain_get_os_type, DOMAIN_GET_OS_TYPE, type)

/* Start a defined domain.  Handles are snapshots (vmm.h): the new id in
 * CREATE_WITH_FLAGS's reply is not written back; callers look it up. */
static gboolean
remote_domain_create(VmmDomain *dom, unsigned int flags, GError **error)
{
    remote_domain_create_with_flags_args args = { .flags = flags };
    remote_domain_create_with_flags_ret ret = { 0 };

    dom_to_wire(&args.dom, dom);
    if (!CALL(dom->conn, DOMAIN_CREATE_WITH_FLAGS, remote_domain_create_with_flags_args, &args,
              remote_domain_create_with_flags_ret, &ret))
        return FALSE;
    FREE_RET(remote_domain_create_with_flags_ret, &ret);
    return TRUE;
}

static gboolean
remote_domain_get_info(VmmDomain *dom, VmmDomainInfo *info, GError **error)
{
    remote_domain_get_info_args args;
    remote_domain_get_info_ret ret = { 0 };

    dom_to_wire(&args.dom, dom);
    if (!CALL(dom->conn, DOMAIN_GET_INFO, remote_domain_get_info_args, &args,
              remote_domain_get_info_ret, &ret))
        return FALSE;
    info->state = ret.state;
    info->max_mem = ret.maxMem;
    info->memory = ret.memory;
    info->nr_virt_cpu = ret.nrVirtCpu;
    info->cpu_time = ret.cpuTime;
    return TRUE;
}

static gboolean
remote_domain_get_state(VmmDomain *dom, int *state, int *reason, unsigned int flags,
                        GError **error)
{
    remote_domain_get_state_args args = { .flags = flags };
    remote_domain_get_state_ret ret = { 0 };

    dom_to_wire(&args.dom, dom);
    if (!CALL(dom->conn, DOMAIN_GET_STATE, remote_domain_get_state_args, &args,
              remote_domain_get_state_ret, &ret))
        return FALSE;
    *state = ret.state;
    if (reason)
        *reason = ret.reason;
    return TRUE;
}

static char *
remote_domain_get_metadata(VmmDomain *dom, int type, const char *uri, unsigned int flags,
                           GError **error)
{
    remote_domain_get_metadata_args args = {
        .type = type, .uri = uri ? (char **)&uri : NULL, .flags = flags,
    };

    dom_to_wire(&args.dom, dom);
    STRING_RET(remote_domain_get_metadata_ret, metadata,
               CALL(dom->conn, DOMAIN_GET_METADATA, remote_domain_get_metadata_args, &args,
                    remote_domain_get_metadata_ret, &ret));
}

static gboolean
remote_domain_set_metadata(VmmDomain *dom, int type, const char *metadata, const char *key,
                           const char *uri, unsigned int flags, GError **error)
{
    remote_domain_set_metadata_args args = {
        .type = type,
        .metadata = metadata ? (char **)&metadata : NULL,
        .key = key ? (char **)&key : NULL,
        .uri = uri ? (char **)&uri : NULL,
        .flags = flags,
    };

    dom_to_wire(&args.dom, dom);
    return CALL(dom->conn, DOMAIN_SET_METADATA, remote_domain_set_metadata_args, &args,
                none, NULL);
}

/* dom + device XML + flags -> void */
#define DOMAIN_DEVICE_CALL(fn, name, PROC) \
    static gboolean fn(VmmDomain *dom, const char *xml, unsigned int flags, GError **error) \
    { \
        remote_##name##_args args = { .xml = (char *)xml, .flags = flags }; \
        dom_to_wire(&args.dom, dom); \
        return CALL(dom->conn, PROC, remote_##name##_args, &args, none, NULL); \
    }

DOMAIN_DEVICE_CALL(remote_domain_attach_device, domain_attach_device_flags,
                   DOMAIN_ATTACH_DEVICE_FLAGS)
DOMAIN_DEVICE_CALL(remote_domain_detach_device, domain_detach_device_flags,
                   DOMAIN_DETACH_DEVICE_FLAGS)
DOMAIN_DEVICE_CALL(remote_domain_update_device, domain_update_device_flags,
                   DOMAIN_UPDATE_DEVICE_FLAGS)

/* Networks */
OBJ_VOID(remote_network_undefine, VmmNetwork, net, net_to_wire, network_undefine, NETWORK_UNDEFINE)
OBJ_VOID(remote_network_create, VmmNetwork, net, net_to_wire, network_create, NETWORK_CREATE)
OBJ_VOID(remote_network_destroy, VmmNetwork, net, net_to_wire, network_destroy, NETWORK_DESTROY)
OBJ_FLAGS_STRING(remote_network_get_xml_desc, VmmNetwork, net, net_to_wire,
                 network_get_xml_desc, NETWORK_GET_XML_DESC, xml)
OBJ_STRING(remote_network_get_bridge_name, VmmNetwork, net, net_to_wire,
           network_get_bridge_name, NETWORK_GET_BRIDGE_NAME, name)
OBJ_AUTOSTART(remote_network_get_autostart, remote_network_set_autostart, VmmNetwork, net,
              net_to_wire, network, NETWORK_GET_AUTOSTART, NETWORK_SET_AUTOSTART)
OBJ_INT(remote_network_is_active, VmmNetwork, net, net_to_wire,
        network_is_active, NETWORK_IS_ACTIVE, active)
OBJ_INT(remote_network_is_persistent, VmmNetwork, net, net_to_wire,
        network_is_persistent, NETWORK_IS_PERSISTENT, persistent)

static GPtrArray *
remote_network_get_dhcp_leases(VmmNetwork *net, const char *mac, unsigned int flags,
                               GError **error)
{
    char *mac_ = (char *)mac;
    remote_network_get_dhcp_leases_args args = { .mac = mac ? &mac_ : NULL,
                                                 .need_results = 1, .flags = flags };
    remote_network_get_dhcp_leases_ret ret = { 0 };
    GPtrArray *leases;

    net_to_wire(&args.net, net);
    if (!CALL(net->conn, NETWORK_GET_DHCP_LEASES, remote_network_get_dhcp_leases_args, &args,
              remote_network_get_dhcp_leases_ret, &ret))
        return NULL;
    leases = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_network_lease_free);
    for (guint i = 0; i < ret.leases.leases_len; i++) {
        const remote_network_dhcp_lease *w = &ret.leases.leases_val[i];
        VmmNetworkLease *l = g_new0(VmmNetworkLease, 1);

        l->iface = g_strdup(w->iface);
        l->expirytime = w->expirytime;
        l->type = w->type;
        l->mac = w->mac ? g_strdup(*w->mac) : NULL;
        l->iaid = w->iaid ? g_strdup(*w->iaid) : NULL;
        l->ipaddr = g_strdup(w->ipaddr);
        l->prefix = w->prefix;
        l->hostname = w->hostname ? g_strdup(*w->hostname) : NULL;
        l->clientid = w->clientid ? g_strdup(*w->clientid) : NULL;
        g_ptr_array_add(leases, l);
    }
    FREE_RET(remote_network_get_dhcp_leases_ret, &ret);
    return leases;
}

static gboolean
remote_network_update(VmmNetwork *net, unsigned int command, unsigned int section,
                      int parent_index, const char *xml, unsigned int flags, GError **error)
{
    /* Swapped on the wire, as libvirt's clients do (see vmmd's dispatch). */
    remote_network_update_args args = { .command = section, .section = command,
                                        .parentIndex = parent_index, .xml = (char *)xml,
                                        .flags = flags };

    net_to_wire(&args.net, net);
    return CALL(net->conn, NETWORK_UPDATE, remote_network_update_args, &args, none, NULL);
}

static GStrv
remote_network_get_messages(VmmNetwork *net, unsigned int flags, GError **error)
{
    remote_network_get_messages_args args = { .flags = flags };
    remote_network_get_messages_ret ret = { 0 };
    GStrv msgs;

    net_to_wire(&args.net, net);
    if (!CALL(net->conn, VMM_NETWORK_GET_MESSAGES, remote_network_get_messages_args, &args,
              remote_network_get_messages_ret, &ret))
        return NULL;
    msgs = g_new0(char *, ret.msgs.msgs_len + 1);
    for (guint i = 0; i < ret.msgs.msgs_len; i++)
        msgs[i] = g_strdup(ret.msgs.msgs_val[i]);
    FREE_RET(remote_network_get_messages_ret, &ret);
    return msgs;
}

/* Storage pools */
OBJ_FLAGS_VOID(remote_storage_pool_build, VmmStoragePool, pool, pool_to_wire,
               storage_pool_build, STORAGE_POOL_BUILD)
OBJ_VOID(remote_storage_pool_undefine, VmmStoragePool, pool, pool_to_wire,
         storage_pool_undefine, STORAGE_POOL_UNDEFINE)
OBJ_FLAGS_VOID(remote_storage_pool_create, VmmStoragePool, pool, pool_to_wire,
               storage_pool_create, STORAGE_POOL_CREATE)
OBJ_VOID(remote_storage_pool_destroy, VmmStoragePool, pool, pool_to_wire,
         storage_pool_destroy, STORAGE_POOL_DESTROY)
OBJ_FLAGS_VOID(remote_storage_pool_delete, VmmStoragePool, pool, pool_to_wire,
               storage_pool_delete, STORAGE_POOL_DELETE)
OBJ_FLAGS_VOID(remote_storage_pool_refresh, VmmStoragePool, pool, pool_to_wire,
               storage_pool_refresh, STORAGE_POOL_REFRESH)
OBJ_FLAGS_STRING(remote_storage_pool_get_xml_desc, VmmStoragePool, pool, pool_to_wire,
                 storage_pool_get_xml_desc, STORAGE_POOL_GET_XML_DESC, xml)
OBJ_AUTOSTART(remote_storage_pool_get_autostart, remote_storage_pool_set_autostart,
              VmmStoragePool, pool, pool_to_wire, storage_pool,
              STORAGE_POOL_GET_AUTOSTART, STORAGE_POOL_SET_AUTOSTART)
OBJ_INT(remote_storage_pool_is_active, VmmStoragePool, pool, pool_to_wire,
        storage_pool_is_active, STORAGE_POOL_IS_ACTIVE, active)
OBJ_INT(remote_storage_pool_is_persistent, VmmStoragePool, pool, pool_to_wire,
        storage_pool_is_persistent, STORAGE_POOL_IS_PERSISTENT, persistent)

static gboolean
remote_storage_pool_get_info(VmmStoragePool *pool, VmmStoragePoolInfo *info, GError **error)
{
    remote_storage_pool_get_info_args args;
    remote_storage_pool_get_info_ret ret = { 0 };

    pool_to_wire(&args.pool, pool);
    if (!CALL(pool->conn, STORAGE_POOL_GET_INFO, remote_storage_pool_get_info_args, &args,
              remote_storage_pool_get_info_ret, &ret))
        return FALSE;
    info->state = ret.state;
    info->capacity = ret.capacity;
    info->allocation = ret.allocation;
    info->available = ret.available;
    return TRUE;
}

/* Storage volumes */
OBJ_FLAGS_VOID(remote_storage_vol_delete, VmmStorageVol, vol, vol_to_wire,
               storage_vol_delete, STORAGE_VOL_DELETE)
OBJ_FLAGS_STRING(remote_storage_vol_get_xml_desc, VmmStorageVol, vol, vol_to_wire,
                 storage_vol_get_xml_desc, STORAGE_VOL_GET_XML_DESC, xml)
OBJ_STRING(remote_storage_vol_get_path, VmmStorageVol, vol, vol_to_wire,
           storage_vol_get_path, STORAGE_VOL_GET_PATH, name)

static gboolean
remote_storage_vol_get_info(VmmStorageVol *vol, VmmStorageVolInfo *info, GError **error)
{
    remote_storage_vol_get_info_args args;
    remote_storage_vol_get_info_ret ret = { 0 };

    vol_to_wire(&args.vol, vol);
    if (!CALL(vol->conn, STORAGE_VOL_GET_INFO, remote_storage_vol_get_info_args, &args,
              remote_storage_vol_get_info_ret, &ret))
        return FALSE;
    info->type = ret.type;
    info->capacity = ret.capacity;
    info->allocation = ret.allocation;
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Events                                                              */

/* Whether an event of @kind for the server's @callback_id is ours. */
static gboolean
remote_event_wanted(VmmConnect *conn, VmmEventKind kind, int callback_id)
{
    RemotePriv *priv = conn->priv;
    gboolean wanted;

    g_mutex_lock(&priv->lock);
    wanted = priv->registering[kind] ||
             (priv->callback_id[kind] >= 0 && priv->callback_id[kind] == callback_id);
    g_mutex_unlock(&priv->lock);
    return wanted;
}

static void
remote_set_registering(RemotePriv *priv, VmmEventKind kind, gboolean registering, int id)
{
    g_mutex_lock(&priv->lock);
    priv->registering[kind] = registering;
    priv->callback_id[kind] = id;
    g_mutex_unlock(&priv->lock);
}

/*
 * On the client's event thread: one lifecycle MESSAGE.  Each is decoded,
 * checked against the registration it claims to belong to, and handed to
 * events.c, which runs the local callbacks of this connection.
 */
static void
remote_on_event(RpcClient *client, int proc, const char *payload, gsize len, gpointer opaque)
{
    VmmConnect *conn = opaque;
    const guint8 *data = (const guint8 *)payload;
    g_autoptr(GError) error = NULL;

    switch (proc) {
    case REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE: {
        remote_domain_event_callback_lifecycle_msg msg = { 0 };
        xdrproc_t proc_ = (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg;

        if (!vmm_rpc_payload_decode(data, len, proc_, &msg, &error))
            break;
        if (remote_event_wanted(conn, VMM_EVENT_KIND_DOMAIN_LIFECYCLE, msg.callbackID)) {
            g_autoptr(VmmDomain) dom = dom_from_wire(conn, &msg.msg.dom);

            vmm_event_emit_domain_lifecycle(conn, dom, msg.msg.event, msg.msg.detail);
        }
        vmm_rpc_payload_free(proc_, &msg);
        return;
    }
    case REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE: {
        /* Legacy form, from servers without feature 14. */
        remote_domain_event_lifecycle_msg msg = { 0 };
        xdrproc_t proc_ = (xdrproc_t)xdr_remote_domain_event_lifecycle_msg;

        if (!vmm_rpc_payload_decode(data, len, proc_, &msg, &error))
            break;
        if (remote_event_wanted(conn, VMM_EVENT_KIND_DOMAIN_LIFECYCLE, 0)) {
            g_autoptr(VmmDomain) dom = dom_from_wire(conn, &msg.dom);

            vmm_event_emit_domain_lifecycle(conn, dom, msg.event, msg.detail);
        }
        vmm_rpc_payload_free(proc_, &msg);
        return;
    }
    case REMOTE_PROC_NETWORK_EVENT_LIFECYCLE: {
        remote_network_event_lifecycle_msg msg = { 0 };
        xdrproc_t proc_ = (xdrproc_t)xdr_remote_network_event_lifecycle_msg;

        if (!vmm_rpc_payload_decode(data, len, proc_, &msg, &error))
            break;
        if (remote_event_wanted(conn, VMM_EVENT_KIND_NETWORK_LIFECYCLE, msg.callbackID)) {
            g_autoptr(VmmNetwork) net = net_from_wire(conn, &msg.net);

            vmm_event_emit_network_lifecycle(conn, net, msg.event, msg.detail);
        }
        vmm_rpc_payload_free(proc_, &msg);
        return;
    }
    case REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE: {
        remote_storage_pool_event_lifecycle_msg msg = { 0 };
        xdrproc_t proc_ = (xdrproc_t)xdr_remote_storage_pool_event_lifecycle_msg;

        if (!vmm_rpc_payload_decode(data, len, proc_, &msg, &error))
            break;
        if (remote_event_wanted(conn, VMM_EVENT_KIND_STORAGE_POOL_LIFECYCLE, msg.callbackID)) {
            g_autoptr(VmmStoragePool) pool = pool_from_wire(conn, &msg.pool);

            vmm_event_emit_storage_pool_lifecycle(conn, pool, msg.event, msg.detail);
        }
        vmm_rpc_payload_free(proc_, &msg);
        return;
    }
    default:
        /* As libvirt's client: an event we do not know is dropped, and
         * the connection carries on. */
        g_debug("ignoring event procedure %d", proc);
        return;
    }
    g_debug("dropping malformed event %d: %s", proc, error->message);
}

/* The registration call for @kind; the server's callbackID in *@id. */
static gboolean
remote_event_register_call(VmmConnect *conn, VmmEventKind kind, int *id, GError **error)
{
    RemotePriv *priv = conn->priv;

    switch (kind) {
    case VMM_EVENT_KIND_DOMAIN_LIFECYCLE:
        if (priv->server_event_callbacks) {
            remote_connect_domain_event_callback_register_any_args args = { 0, NULL };
            remote_connect_domain_event_callback_register_any_ret ret = { 0 };

            if (!CALL(conn, CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
                      remote_connect_domain_event_callback_register_any_args, &args,
                      remote_connect_domain_event_callback_register_any_ret, &ret))
                return FALSE;
            *id = ret.callbackID;
        } else {
            remote_connect_domain_event_register_any_args args = { 0 };

            if (!CALL(conn, CONNECT_DOMAIN_EVENT_REGISTER_ANY,
                      remote_connect_domain_event_register_any_args, &args, none, NULL))
                return FALSE;
            *id = 0;    /* legacy messages carry no id */
        }
        return TRUE;
    case VMM_EVENT_KIND_NETWORK_LIFECYCLE: {
        remote_connect_network_event_register_any_args args = { 0, NULL };
        remote_connect_network_event_register_any_ret ret = { 0 };

        if (!CALL(conn, CONNECT_NETWORK_EVENT_REGISTER_ANY,
                  remote_connect_network_event_register_any_args, &args,
                  remote_connect_network_event_register_any_ret, &ret))
            return FALSE;
        *id = ret.callbackID;
        return TRUE;
    }
    case VMM_EVENT_KIND_STORAGE_POOL_LIFECYCLE: {
        remote_connect_storage_pool_event_register_any_args args = { 0, NULL };
        remote_connect_storage_pool_event_register_any_ret ret = { 0 };

        if (!CALL(conn, CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY,
                  remote_connect_storage_pool_event_register_any_args, &args,
                  remote_connect_storage_pool_event_register_any_ret, &ret))
            return FALSE;
        *id = ret.callbackID;
        return TRUE;
    }
    case VMM_EVENT_KIND_LAST:
        break;
    }
    g_return_val_if_reached(FALSE);
}

/* Called by events.c when @conn gets its first callback of @kind. */
static gboolean
remote_connect_event_register(VmmConnect *conn, int kind, GError **error)
{
    int id = -1;
    gboolean ok;

    g_return_val_if_fail(kind >= 0 && kind < VMM_EVENT_KIND_LAST, FALSE);
    remote_set_registering(conn->priv, kind, TRUE, -1);
    ok = remote_event_register_call(conn, kind, &id, error);
    remote_set_registering(conn->priv, kind, FALSE, ok ? id : -1);
    return ok;
}

/* Called by events.c when @conn loses its last callback of @kind. */
static void
remote_connect_event_deregister(VmmConnect *conn, int kind)
{
    RemotePriv *priv = conn->priv;
    GError **error = NULL;     /* best effort: the server drops them at close anyway */
    int id;

    g_return_if_fail(kind >= 0 && kind < VMM_EVENT_KIND_LAST);
    g_mutex_lock(&priv->lock);
    id = priv->callback_id[kind];
    priv->callback_id[kind] = -1;
    g_mutex_unlock(&priv->lock);
    if (id < 0 || !rpc_client_is_open(priv->client))
        return;

    switch ((VmmEventKind)kind) {
    case VMM_EVENT_KIND_DOMAIN_LIFECYCLE:
        if (priv->server_event_callbacks) {
            remote_connect_domain_event_callback_deregister_any_args args = { id };

            CALL(conn, CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
                 remote_connect_domain_event_callback_deregister_any_args, &args, none, NULL);
        } else {
            remote_connect_domain_event_deregister_any_args args = { 0 };

            CALL(conn, CONNECT_DOMAIN_EVENT_DEREGISTER_ANY,
                 remote_connect_domain_event_deregister_any_args, &args, none, NULL);
        }
        break;
    case VMM_EVENT_KIND_NETWORK_LIFECYCLE: {
        remote_connect_network_event_deregister_any_args args = { id };

        CALL(conn, CONNECT_NETWORK_EVENT_DEREGISTER_ANY,
             remote_connect_network_event_deregister_any_args, &args, none, NULL);
        break;
    }
    case VMM_EVENT_KIND_STORAGE_POOL_LIFECYCLE: {
        remote_connect_storage_pool_event_deregister_any_args args = { id };

        CALL(conn, CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY,
             remote_connect_storage_pool_event_deregister_any_args, &args, none, NULL);
        break;
    }
    case VMM_EVENT_KIND_LAST:
        break;
    }
}

/* ------------------------------------------------------------------ */
/* Bulk statistics: one CONNECT_GET_ALL_DOMAIN_STATS call.             */

static gboolean
typed_param_from_wire(VmmTypedParameter *p, const remote_typed_param *w, GError **error)
{
    const remote_typed_param_value *v = &w->value;

    if (g_strlcpy(p->field, w->field, sizeof(p->field)) >= sizeof(p->field)) {
        vmm_error_set(error, VMM_ERR_RPC, _("parameter name '%s' too long"), w->field);
        return FALSE;
    }
    p->type = v->type;
    switch (v->type) {
    case VIR_TYPED_PARAM_INT: p->value.i = v->remote_typed_param_value_u.i; break;
    case VIR_TYPED_PARAM_UINT: p->value.ui = v->remote_typed_param_value_u.ui; break;
    case VIR_TYPED_PARAM_LLONG: p->value.l = v->remote_typed_param_value_u.l; break;
    case VIR_TYPED_PARAM_ULLONG: p->value.ul = v->remote_typed_param_value_u.ul; break;
    case VIR_TYPED_PARAM_DOUBLE: p->value.d = v->remote_typed_param_value_u.d; break;
    case VIR_TYPED_PARAM_BOOLEAN: p->value.b = v->remote_typed_param_value_u.b != 0; break;
    case VIR_TYPED_PARAM_STRING:
        p->value.s = g_strdup(v->remote_typed_param_value_u.s);
        break;
    default:
        /* The XDR union refuses other types already. */
        vmm_error_set(error, VMM_ERR_RPC, _("unknown parameter type %d"), v->type);
        return FALSE;
    }
    return TRUE;
}

static GPtrArray *
remote_connect_get_all_domain_stats(VmmConnect *conn, VmmDomain *const *doms, guint ndoms,
                                    unsigned int stats, unsigned int flags, GError **error)
{
    remote_connect_get_all_domain_stats_args args = { 0 };
    remote_connect_get_all_domain_stats_ret ret = { 0 };
    g_autofree remote_nonnull_domain *wdoms = NULL;
    g_autoptr(GPtrArray) list = NULL;
    gboolean ok = TRUE;

    if (ndoms > REMOTE_DOMAIN_LIST_MAX) {
        vmm_error_set(error, VMM_ERR_RPC, _("too many domains: %u for limit %u"), ndoms,
                      (guint)REMOTE_DOMAIN_LIST_MAX);
        return NULL;
    }
    if (ndoms) {
        wdoms = g_new0(remote_nonnull_domain, ndoms);
        for (guint i = 0; i < ndoms; i++)
            dom_to_wire(&wdoms[i], doms[i]);
    }
    args.doms.doms_len = ndoms;
    args.doms.doms_val = wdoms;
    args.stats = stats;
    args.flags = flags;
    if (!CALL(conn, CONNECT_GET_ALL_DOMAIN_STATS, remote_connect_get_all_domain_stats_args,
              &args, remote_connect_get_all_domain_stats_ret, &ret))
        return NULL;

    list = g_ptr_array_new_full(ret.retStats.retStats_len,
                                (GDestroyNotify)vmm_domain_stats_record_free);
    for (u_int i = 0; ok && i < ret.retStats.retStats_len; i++) {
        const remote_domain_stats_record *w = &ret.retStats.retStats_val[i];
        VmmDomainStatsRecord *rec = g_new0(VmmDomainStatsRecord, 1);

        rec->dom = dom_from_wire(conn, &w->dom);
        rec->params = g_new0(VmmTypedParameter, w->params.params_len);
        for (u_int j = 0; ok && j < w->params.params_len; j++) {
            ok = typed_param_from_wire(&rec->params[j], &w->params.params_val[j], error);
            if (ok)
                rec->nparams++;
        }
        g_ptr_array_add(list, rec);
    }
    FREE_RET(remote_connect_get_all_domain_stats_ret, &ret);
    return ok ? g_steal_pointer(&list) : NULL;
}

static GPtrArray *
remote_domain_interface_addresses(VmmDomain *dom, unsigned int source, unsigned int flags,
                                  GError **error)
{
    remote_domain_interface_addresses_args args = { .source = source, .flags = flags };
    remote_domain_interface_addresses_ret ret = { 0 };
    GPtrArray *out;

    dom_to_wire(&args.dom, dom);
    if (!CALL(dom->conn, DOMAIN_INTERFACE_ADDRESSES, remote_domain_interface_addresses_args,
              &args, remote_domain_interface_addresses_ret, &ret))
        return NULL;
    out = g_ptr_array_new_full(ret.ifaces.ifaces_len,
                               (GDestroyNotify)vmm_domain_interface_free);
    for (u_int i = 0; i < ret.ifaces.ifaces_len; i++) {
        const remote_domain_interface *w = &ret.ifaces.ifaces_val[i];
        VmmDomainInterface *iface = g_new0(VmmDomainInterface, 1);

        iface->name = g_strdup(w->name);
        iface->hwaddr = w->hwaddr ? g_strdup(*w->hwaddr) : NULL;
        iface->addrs = g_new0(VmmDomainIPAddress, w->addrs.addrs_len);
        iface->naddrs = w->addrs.addrs_len;
        for (u_int j = 0; j < w->addrs.addrs_len; j++) {
            iface->addrs[j].type = w->addrs.addrs_val[j].type;
            iface->addrs[j].addr = g_strdup(w->addrs.addrs_val[j].addr);
            iface->addrs[j].prefix = w->addrs.addrs_val[j].prefix;
        }
        g_ptr_array_add(out, iface);
    }
    FREE_RET(remote_domain_interface_addresses_ret, &ret);
    return out;
}

/* ------------------------------------------------------------------ */

/* ------------------------------------------------------------------ */
/* Per-domain statistics                                               */

static int
remote_domain_memory_stats(VmmDomain *dom, VmmDomainMemoryStat *stats, unsigned int nr_stats,
                           unsigned int flags, GError **error)
{
    remote_domain_memory_stats_args args = { 0 };
    remote_domain_memory_stats_ret ret = { 0 };
    int n;

    if (nr_stats > REMOTE_DOMAIN_MEMORY_STATS_MAX) {
        vmm_error_set(error, VMM_ERR_RPC, _("too many memory stats: %u for limit %u"),
                      nr_stats, (guint)REMOTE_DOMAIN_MEMORY_STATS_MAX);
        return -1;
    }
    dom_to_wire(&args.dom, dom);
    args.maxStats = nr_stats;
    args.flags = flags;
    if (!CALL(dom->conn, DOMAIN_MEMORY_STATS, remote_domain_memory_stats_args, &args,
              remote_domain_memory_stats_ret, &ret))
        return -1;
    n = (int)MIN(ret.stats.stats_len, nr_stats);
    for (int i = 0; i < n; i++) {
        stats[i].tag = ret.stats.stats_val[i].tag;
        stats[i].val = ret.stats.stats_val[i].val;
    }
    FREE_RET(remote_domain_memory_stats_ret, &ret);
    return n;
}

/* One call asking for as many as the protocol carries. */
static gboolean
remote_domain_block_stats(VmmDomain *dom, const char *disk, VmmTypedParameter **params,
                          int *nparams, unsigned int flags, GError **error)
{
    remote_domain_block_stats_flags_args args = { 0 };
    remote_domain_block_stats_flags_ret ret = { 0 };
    g_autoptr(GArray) out = vmm_typed_params_new();
    gboolean ok = TRUE;

    dom_to_wire(&args.dom, dom);
    args.path = (char *)disk;
    args.nparams = REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX;
    args.flags = flags;
    if (!CALL(dom->conn, DOMAIN_BLOCK_STATS_FLAGS, remote_domain_block_stats_flags_args, &args,
              remote_domain_block_stats_flags_ret, &ret))
        return FALSE;
    g_array_set_size(out, ret.params.params_len);
    for (u_int i = 0; ok && i < ret.params.params_len; i++)
        ok = typed_param_from_wire(&g_array_index(out, VmmTypedParameter, i),
                                   &ret.params.params_val[i], error);
    FREE_RET(remote_domain_block_stats_flags_ret, &ret);
    if (!ok)
        return FALSE;
    *params = vmm_typed_params_steal(out, nparams);
    return TRUE;
}

static gboolean
remote_domain_interface_stats(VmmDomain *dom, const char *device,
                              VmmDomainInterfaceStats *stats, GError **error)
{
    remote_domain_interface_stats_args args = { 0 };
    remote_domain_interface_stats_ret ret = { 0 };

    dom_to_wire(&args.dom, dom);
    args.path = (char *)device;
    if (!CALL(dom->conn, DOMAIN_INTERFACE_STATS, remote_domain_interface_stats_args, &args,
              remote_domain_interface_stats_ret, &ret))
        return FALSE;
    stats->rx_bytes = ret.rx_bytes;
    stats->rx_packets = ret.rx_packets;
    stats->rx_errs = ret.rx_errs;
    stats->rx_drop = ret.rx_drop;
    stats->tx_bytes = ret.tx_bytes;
    stats->tx_packets = ret.tx_packets;
    stats->tx_errs = ret.tx_errs;
    stats->tx_drop = ret.tx_drop;
    return TRUE;
}

/* @n maps of @maplen bytes within what the protocol carries. */
static gboolean
cpumaps_fit(int n, int maplen, GError **error)
{
    if ((gint64)n * maplen > REMOTE_CPUMAPS_MAX) {
        vmm_error_set(error, VMM_ERR_RPC, _("vCPU map request too large: %d x %d bytes"), n,
                      maplen);
        return FALSE;
    }
    return TRUE;
}

static int
remote_domain_get_vcpus(VmmDomain *dom, VmmVcpuInfo *info, int maxinfo, unsigned char *cpumaps,
                        int maplen, GError **error)
{
    remote_domain_get_vcpus_args args = { 0 };
    remote_domain_get_vcpus_ret ret = { 0 };
    int n = -1;

    if (maxinfo > REMOTE_VCPUINFO_MAX) {
        vmm_error_set(error, VMM_ERR_RPC, _("too many vCPUs asked for: %d for limit %d"),
                      maxinfo, REMOTE_VCPUINFO_MAX);
        return -1;
    }
    if (!cpumaps_fit(maxinfo, maplen, error))
        return -1;
    dom_to_wire(&args.dom, dom);
    args.maxinfo = maxinfo;
    args.maplen = maplen;
    if (!CALL(dom->conn, DOMAIN_GET_VCPUS, remote_domain_get_vcpus_args, &args,
              remote_domain_get_vcpus_ret, &ret))
        return -1;
    if (ret.info.info_len > (u_int)maxinfo ||
        ret.cpumaps.cpumaps_len > (u_int)(maxinfo * maplen)) {
        vmm_error_set(error, VMM_ERR_RPC, "%s", _("vCPU info reply larger than asked for"));
    } else {
        n = ret.info.info_len;
        for (int i = 0; i < n; i++) {
            info[i].number = ret.info.info_val[i].number;
            info[i].state = ret.info.info_val[i].state;
            info[i].cpu_time = ret.info.info_val[i].cpu_time;
            info[i].cpu = ret.info.info_val[i].cpu;
        }
        if (cpumaps)
            memcpy(cpumaps, ret.cpumaps.cpumaps_val, ret.cpumaps.cpumaps_len);
    }
    FREE_RET(remote_domain_get_vcpus_ret, &ret);
    return n;
}

static int
remote_domain_get_vcpu_pin_info(VmmDomain *dom, int ncpumaps, unsigned char *cpumaps,
                                int maplen, unsigned int flags, GError **error)
{
    remote_domain_get_vcpu_pin_info_args args = { 0 };
    remote_domain_get_vcpu_pin_info_ret ret = { 0 };
    int n = -1;

    if (!cpumaps_fit(ncpumaps, maplen, error))
        return -1;
    dom_to_wire(&args.dom, dom);
    args.ncpumaps = ncpumaps;
    args.maplen = maplen;
    args.flags = flags;
    if (!CALL(dom->conn, DOMAIN_GET_VCPU_PIN_INFO, remote_domain_get_vcpu_pin_info_args, &args,
              remote_domain_get_vcpu_pin_info_ret, &ret))
        return -1;
    if (ret.num > ncpumaps || ret.cpumaps.cpumaps_len > (u_int)(ncpumaps * maplen)) {
        vmm_error_set(error, VMM_ERR_RPC, "%s", _("vCPU map reply larger than asked for"));
    } else {
        memcpy(cpumaps, ret.cpumaps.cpumaps_val, ret.cpumaps.cpumaps_len);
        n = ret.num;
    }
    FREE_RET(remote_domain_get_vcpu_pin_info_ret, &ret);
    return n;
}

static int
remote_node_get_cpu_map(VmmConnect *conn, unsigned char **cpumap, unsigned int *online,
                        unsigned int flags, GError **error)
{
    remote_node_get_cpu_map_args args = { cpumap != NULL, online != NULL, flags };
    remote_node_get_cpu_map_ret ret = { 0 };
    int n;

    if (!CALL(conn, NODE_GET_CPU_MAP, remote_node_get_cpu_map_args, &args,
              remote_node_get_cpu_map_ret, &ret))
        return -1;
    n = ret.ret;
    if (cpumap) {
        *cpumap = g_malloc0(MAX(VMM_CPU_MAPLEN(n), 1));
        memcpy(*cpumap, ret.cpumap.cpumap_val,
               MIN(ret.cpumap.cpumap_len, (u_int)VMM_CPU_MAPLEN(n)));
    }
    if (online)
        *online = ret.online;
    FREE_RET(remote_node_get_cpu_map_ret, &ret);
    return n;
}

const VmmDriver vmm_remote_driver = {
    .name = "remote",
    .scheme = NULL,       /* chosen by remote_uri_is_remote(), not by scheme */

    .connect_open = remote_connect_open,
    .connect_close = remote_connect_close,
    .connect_get_type = remote_connect_get_type,
    .connect_get_version = remote_connect_get_version,
    .connect_get_hostname = remote_connect_get_hostname,
    .connect_get_capabilities = remote_connect_get_capabilities,
    .node_get_info = remote_node_get_info,

    .connect_list_all_domains = remote_connect_list_all_domains,
    .connect_num_of_domains = remote_connect_num_of_domains,
    .connect_num_of_defined_domains = remote_connect_num_of_defined_domains,
    .domain_lookup_by_name = remote_domain_lookup_by_name,
    .domain_lookup_by_uuid = remote_domain_lookup_by_uuid,
    .domain_lookup_by_id = remote_domain_lookup_by_id,
    .domain_define_xml = remote_domain_define_xml,
    .domain_undefine = remote_domain_undefine,
    .domain_create_xml = remote_domain_create_xml,
    .domain_create = remote_domain_create,
    .domain_shutdown = remote_domain_shutdown,
    .domain_reboot = remote_domain_reboot,
    .domain_reset = remote_domain_reset,
    .domain_destroy = remote_domain_destroy,
    .domain_suspend = remote_domain_suspend,
    .domain_resume = remote_domain_resume,
    .domain_get_info = remote_domain_get_info,
    .domain_get_state = remote_domain_get_state,
    .domain_get_xml_desc = remote_domain_get_xml_desc,
    .domain_get_os_type = remote_domain_get_os_type,
    .domain_get_autostart = remote_domain_get_autostart,
    .domain_set_autostart = remote_domain_set_autostart,
    .domain_is_active = remote_domain_is_active,
    .domain_is_persistent = remote_domain_is_persistent,
    .domain_get_metadata = remote_domain_get_metadata,
    .domain_set_metadata = remote_domain_set_metadata,
    .domain_attach_device = remote_domain_attach_device,
    .domain_detach_device = remote_domain_detach_device,
    .domain_update_device = remote_domain_update_device,

    .connect_list_all_networks = remote_connect_list_all_networks,
    .network_lookup_by_name = remote_network_lookup_by_name,
    .network_lookup_by_uuid = remote_network_lookup_by_uuid,
    .network_define_xml = remote_network_define_xml,
    .network_create_xml = remote_network_create_xml,
    .network_undefine = remote_network_undefine,
    .network_create = remote_network_create,
    .network_destroy = remote_network_destroy,
    .network_get_xml_desc = remote_network_get_xml_desc,
    .network_get_bridge_name = remote_network_get_bridge_name,
    .network_get_autostart = remote_network_get_autostart,
    .network_set_autostart = remote_network_set_autostart,
    .network_is_active = remote_network_is_active,
    .network_is_persistent = remote_network_is_persistent,
    .network_get_dhcp_leases = remote_network_get_dhcp_leases,
    .network_get_messages = remote_network_get_messages,
    .network_update = remote_network_update,

    .connect_list_all_storage_pools = remote_connect_list_all_storage_pools,
    .storage_pool_lookup_by_name = remote_storage_pool_lookup_by_name,
    .storage_pool_lookup_by_uuid = remote_storage_pool_lookup_by_uuid,
    .storage_pool_lookup_by_volume = remote_storage_pool_lookup_by_volume,
    .storage_pool_define_xml = remote_storage_pool_define_xml,
    .storage_pool_create_xml = remote_storage_pool_create_xml,
    .storage_pool_build = remote_storage_pool_build,
    .storage_pool_undefine = remote_storage_pool_undefine,
    .storage_pool_create = remote_storage_pool_create,
    .storage_pool_destroy = remote_storage_pool_destroy,
    .storage_pool_delete = remote_storage_pool_delete,
    .storage_pool_refresh = remote_storage_pool_refresh,
    .storage_pool_get_info = remote_storage_pool_get_info,
    .storage_pool_get_xml_desc = remote_storage_pool_get_xml_desc,
    .storage_pool_get_autostart = remote_storage_pool_get_autostart,
    .storage_pool_set_autostart = remote_storage_pool_set_autostart,
    .storage_pool_is_active = remote_storage_pool_is_active,
    .storage_pool_is_persistent = remote_storage_pool_is_persistent,
    .storage_pool_list_all_volumes = remote_storage_pool_list_all_volumes,

    .storage_vol_lookup_by_name = remote_storage_vol_lookup_by_name,
    .storage_vol_lookup_by_key = remote_storage_vol_lookup_by_key,
    .storage_vol_lookup_by_path = remote_storage_vol_lookup_by_path,
    .storage_vol_create_xml = remote_storage_vol_create_xml,
    .storage_vol_delete = remote_storage_vol_delete,
    .storage_vol_get_info = remote_storage_vol_get_info,
    .storage_vol_get_xml_desc = remote_storage_vol_get_xml_desc,
    .storage_vol_get_path = remote_storage_vol_get_path,
    .storage_vol_upload = vmm_remote_storage_vol_upload,
    .storage_vol_download = vmm_remote_storage_vol_download,

    .connect_event_register = remote_connect_event_register,
    .connect_event_deregister = remote_connect_event_deregister,

    .connect_get_all_domain_stats = remote_connect_get_all_domain_stats,
    .connect_get_domain_capabilities = remote_connect_get_domain_capabilities,
    .domain_interface_addresses = remote_domain_interface_addresses,
    .domain_memory_stats = remote_domain_memory_stats,
    .domain_block_stats = remote_domain_block_stats,
    .domain_interface_stats = remote_domain_interface_stats,
    .domain_get_vcpus = remote_domain_get_vcpus,
    .domain_get_vcpu_pin_info = remote_domain_get_vcpu_pin_info,
    .node_get_cpu_map = remote_node_get_cpu_map,
};
