/*
 * remote_dispatch.c: one table row per procedure: number, argument and
 * result XDR routines, handler, and whether it changes anything (then a
 * read-only client is refused).  Handlers unpack, call the public API of
 * vmm.h on the connection the client opened, and pack.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Connections: CONNECT_OPEN names a URI ("test:///default").  All clients
 * naming the same URI share one in-process VmmConnect, released when the
 * last of them goes, as libvirtd does for its test driver.
 *
 * Object handles in arguments are rebuilt from the name/UUID/id the client
 * sends back; drivers look objects up again (by UUID) on every call, so a
 * stale handle gets the driver's "not found" error.
 */
#include "remote_dispatch.h"
#include "remote_stream.h"

#include <string.h>

#include "conf/object_list.h"
#include "driver.h"
#include "events.h"

/* libvirt's feature numbers for CONNECT_SUPPORTS_FEATURE. */
enum {
    FEATURE_FD_PASSING = 8,
    FEATURE_TYPED_PARAM_STRING = 9,
    FEATURE_PROGRAM_KEEPALIVE = 10,
    FEATURE_REMOTE_EVENT_CALLBACK = 14,
    FEATURE_REMOTE_CLOSE_CALLBACK = 15,
};

/* ------------------------------------------------------------------ */
/* Shared in-process connections                                       */

typedef struct {
    char *uri;
    VmmConnect *conn;
    guint users;
} SharedConn;

static GMutex shared_lock;
static GHashTable *shared_conns;   /* uri -> SharedConn* */

static SharedConn *
shared_conn_acquire(const char *uri, GError **error)
{
    SharedConn *sc;

    g_mutex_lock(&shared_lock);
    if (!shared_conns)
        shared_conns = g_hash_table_new(g_str_hash, g_str_equal);
    sc = g_hash_table_lookup(shared_conns, uri);
    if (!sc) {
        VmmConnect *conn = vmm_connect_open(uri, 0, error);
        if (!conn) {
            g_mutex_unlock(&shared_lock);
            return NULL;
        }
        sc = g_new0(SharedConn, 1);
        sc->uri = g_strdup(uri);
        sc->conn = conn;
        g_hash_table_insert(shared_conns, sc->uri, sc);
    }
    sc->users++;
    g_mutex_unlock(&shared_lock);
    return sc;
}

static void
shared_conn_release(SharedConn *sc)
{
    g_mutex_lock(&shared_lock);
    if (--sc->users == 0) {
        g_hash_table_remove(shared_conns, sc->uri);
        vmm_connect_unref(sc->conn);
        g_free(sc->uri);
        g_free(sc);
    }
    g_mutex_unlock(&shared_lock);
}

/*
 * The driver URI a client's CONNECT_OPEN name maps to, or NULL.  virsh
 * already strips the transport and query; tolerate clients that don't.
 * The shared mock driver and the QEMU driver are served; a test:///PATH
 * would make the daemon read files named by the client.
 */
static char *
map_uri(const char *name)
{
    g_autofree char *scheme = NULL;
    const char *sep = name ? strstr(name, "://") : NULL;
    const char *rest;
    const char *q;
    char *plus;

    if (!sep)
        return NULL;
    scheme = g_strndup(name, sep - name);
    if ((plus = strchr(scheme, '+')))
        *plus = '\0';
    rest = sep + 3;
    /* Drop a host part: "test+tcp://host/default". */
    rest = strchr(rest, '/') ? strchr(rest, '/') : "";
    q = strchr(rest, '?');
    g_autofree char *path = q ? g_strndup(rest, q - rest) : g_strdup(rest);

    if (g_str_equal(scheme, "test") && g_str_equal(path, "/default"))
        return g_strdup("test:///default");
    /* One QEMU driver state per vmmd serves both paths. */
    if (g_str_equal(scheme, "qemu") &&
        (g_str_equal(path, "/system") || g_str_equal(path, "/session")))
        return g_strdup_printf("qemu://%s", path);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Per-client state                                                    */

typedef struct {
    VmmRpcClient *client;        /* reference */
    VmmEventKind kind;
    int callback_id;             /* the id the client knows; legacy: -1 */
    int local_id;                /* vmm registry id */
    gboolean has_filter;
    unsigned char uuid[VMM_UUID_BUFLEN];
} EventReg;

typedef struct {
    VmmRpcClient *client;        /* borrowed: the client owns us */
    GMutex lock;
    SharedConn *shared;          /* NULL until CONNECT_OPEN */
    gboolean conn_ro;            /* opened with VMM_CONNECT_RO */
    gboolean closed;
    GPtrArray *events;           /* EventReg*, owned by the vmm registry */
    int next_callback_id;
} ClientPriv;

typedef struct {
    ClientPriv *priv;
    VmmRpcClient *client;
    VmmConnect *conn;            /* NULL before open */
    VmmStream *stream;           /* connected by the call: served after its reply */
} Call;

static void
event_reg_free(gpointer data)
{
    EventReg *reg = data;

    vmm_rpc_client_unref(reg->client);
    g_free(reg);
}

static gpointer
client_init(VmmRpcClient *client, gpointer opaque)
{
    ClientPriv *priv = g_new0(ClientPriv, 1);

    priv->client = client;
    g_mutex_init(&priv->lock);
    priv->events = g_ptr_array_new();
    priv->next_callback_id = 1;
    return priv;
}

static void
event_reg_drop(VmmConnect *conn, EventReg *reg)
{
    switch (reg->kind) {
    case VMM_EVENT_KIND_DOMAIN_LIFECYCLE:
        vmm_connect_domain_event_deregister(conn, reg->local_id, NULL);
        break;
    case VMM_EVENT_KIND_NETWORK_LIFECYCLE:
        vmm_connect_network_event_deregister(conn, reg->local_id, NULL);
        break;
    case VMM_EVENT_KIND_STORAGE_POOL_LIFECYCLE:
        vmm_connect_storage_pool_event_deregister(conn, reg->local_id, NULL);
        break;
    case VMM_EVENT_KIND_LAST:
        g_assert_not_reached();
    }
}

/* Main thread, on disconnect: event registrations hold client references,
 * so they go now; the connection goes with the last reference. */
static void
client_close(VmmRpcClient *client, gpointer opaque)
{
    ClientPriv *priv = vmm_rpc_client_get_priv(client);
    g_autoptr(GPtrArray) events = NULL;

    g_mutex_lock(&priv->lock);
    priv->closed = TRUE;
    events = g_steal_pointer(&priv->events);
    priv->events = g_ptr_array_new();
    g_mutex_unlock(&priv->lock);

    vmm_rpc_server_stream_client_closed(client);
    /* Registrations exist only on an open connection. */
    for (guint i = 0; i < events->len; i++)
        event_reg_drop(priv->shared->conn, g_ptr_array_index(events, i));
}

static void
client_free(gpointer data)
{
    ClientPriv *priv = data;

    if (priv->shared)
        shared_conn_release(priv->shared);
    g_ptr_array_unref(priv->events);
    g_mutex_clear(&priv->lock);
    g_free(priv);
}

/* ------------------------------------------------------------------ */
/* Packing helpers                                                     */

static void
make_dom(remote_nonnull_domain *out, VmmDomain *dom)
{
    out->name = g_strdup(vmm_domain_get_name(dom));
    memcpy(out->uuid, vmm_domain_get_uuid(dom), VMM_UUID_BUFLEN);
    out->id = vmm_domain_get_id(dom);
}

static void
make_net(remote_nonnull_network *out, VmmNetwork *net)
{
    out->name = g_strdup(vmm_network_get_name(net));
    memcpy(out->uuid, vmm_network_get_uuid(net), VMM_UUID_BUFLEN);
}

static void
make_pool(remote_nonnull_storage_pool *out, VmmStoragePool *pool)
{
    out->name = g_strdup(vmm_storage_pool_get_name(pool));
    memcpy(out->uuid, vmm_storage_pool_get_uuid(pool), VMM_UUID_BUFLEN);
}

static void
make_vol(remote_nonnull_storage_vol *out, VmmStorageVol *vol)
{
    out->pool = g_strdup(vmm_storage_vol_get_pool_name(vol));
    out->name = g_strdup(vmm_storage_vol_get_name(vol));
    out->key = g_strdup(vmm_storage_vol_get_key(vol));
}

static VmmDomain *
get_dom(Call *c, const remote_nonnull_domain *d)
{
    return vmm_domain_new_handle(c->conn, d->name, (const unsigned char *)d->uuid, d->id);
}

static VmmNetwork *
get_net(Call *c, const remote_nonnull_network *n)
{
    return vmm_network_new_handle(c->conn, n->name, (const unsigned char *)n->uuid);
}

static VmmStoragePool *
get_pool(Call *c, const remote_nonnull_storage_pool *p)
{
    return vmm_storage_pool_new_handle(c->conn, p->name, (const unsigned char *)p->uuid);
}

static VmmStorageVol *
get_vol(Call *c, const remote_nonnull_storage_vol *v)
{
    return vmm_storage_vol_new_handle(c->conn, v->pool, v->name, v->key);
}

static gboolean
check_list_len(guint len, guint max, const char *what, GError **error)
{
    if (len > max) {
        vmm_error_set(error, VMM_ERR_RPC, _("too many %s: %u for limit %u"), what, len, max);
        return FALSE;
    }
    return TRUE;
}

/* char<N> arrays travel as 4-byte XDR chars; the count includes the NUL. */
static void
make_char_array(u_int *len, char **val, const char *s)
{
    if (!s || !*s) {
        *len = 0;
        *val = NULL;
        return;
    }
    *len = strlen(s) + 1;
    *val = g_strdup(s);
}

/* ------------------------------------------------------------------ */
/* Handlers                                                            */

/* Declares a handler taking typed pointers; the table stores the
 * void-pointer wrapper, so no function-pointer casts are needed. */
#define HANDLER(name, argt, rett) \
    static gboolean name##_impl(Call *c, argt *args, rett *ret, GError **error); \
    static gboolean name(Call *c, void *a, void *r, GError **error) \
    { \
        return name##_impl(c, a, r, error); \
    } \
    static gboolean name##_impl(Call *c, argt *args, rett *ret, GError **error)

/* --- connection --- */

HANDLER(h_connect_open, remote_connect_open_args, void)
{
    const char *name = args->name ? *args->name : NULL;
    g_autofree char *uri = map_uri(name);
    SharedConn *sc;

    if (c->priv->shared) {
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR, _("connection already open"));
        return FALSE;
    }
    if (!uri) {
        vmm_error_set(error, VMM_ERR_NO_CONNECT,
                      _("no connection driver available for URI '%s'"), name ? name : "");
        return FALSE;
    }
    if (!(sc = shared_conn_acquire(uri, error)))
        return FALSE;
    g_mutex_lock(&c->priv->lock);
    if (c->priv->shared) {
        /* Two OPEN calls in flight at once: the first one won. */
        g_mutex_unlock(&c->priv->lock);
        shared_conn_release(sc);
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR, _("connection already open"));
        return FALSE;
    }
    c->priv->shared = sc;
    c->priv->conn_ro = (args->flags & VMM_CONNECT_RO) != 0;
    g_mutex_unlock(&c->priv->lock);
    return TRUE;
}

HANDLER(h_connect_close, void, void)
{
    /* The client closes the socket next; everything goes then. */
    return TRUE;
}

HANDLER(h_noop, void, void)
{
    return TRUE;
}

HANDLER(h_connect_get_type, void, remote_connect_get_type_ret)
{
    const char *type = vmm_connect_get_type(c->conn, error);

    if (!type)
        return FALSE;
    ret->type = g_strdup(type);
    return TRUE;
}

HANDLER(h_connect_get_version, void, remote_connect_get_version_ret)
{
    unsigned long v;

    if (!vmm_connect_get_version(c->conn, &v, error))
        return FALSE;
    ret->hv_ver = v;
    return TRUE;
}

HANDLER(h_connect_get_lib_version, void, remote_connect_get_lib_version_ret)
{
    ret->lib_ver = vmm_get_lib_version();
    return TRUE;
}

HANDLER(h_connect_get_hostname, void, remote_connect_get_hostname_ret)
{
    return (ret->hostname = vmm_connect_get_hostname(c->conn, error)) != NULL;
}

HANDLER(h_connect_get_uri, void, remote_connect_get_uri_ret)
{
    return (ret->uri = vmm_connect_get_uri(c->conn, error)) != NULL;
}

HANDLER(h_connect_get_domain_capabilities, remote_connect_get_domain_capabilities_args,
        remote_connect_get_domain_capabilities_ret)
{
#define OPT(s) ((s) ? *(s) : NULL)
    ret->capabilities = vmm_connect_get_domain_capabilities(c->conn, OPT(args->emulatorbin),
                                                            OPT(args->arch),
                                                            OPT(args->machine),
                                                            OPT(args->virttype),
                                                            args->flags, error);
#undef OPT
    return ret->capabilities != NULL;
}

HANDLER(h_connect_get_capabilities, void, remote_connect_get_capabilities_ret)
{
    return (ret->capabilities = vmm_connect_get_capabilities(c->conn, error)) != NULL;
}

HANDLER(h_connect_is_secure, void, remote_connect_is_secure_ret)
{
    /* Unix sockets, and TCP only where the admin enabled it knowingly. */
    ret->secure = 1;
    return TRUE;
}

HANDLER(h_node_get_info, void, remote_node_get_info_ret)
{
    VmmNodeInfo info;

    if (!vmm_node_get_info(c->conn, &info, error))
        return FALSE;
    memcpy(ret->model, info.model, sizeof(ret->model));
    ret->model[sizeof(ret->model) - 1] = '\0';
    ret->memory = info.memory;
    ret->cpus = info.cpus;
    ret->mhz = info.mhz;
    ret->nodes = info.nodes;
    ret->sockets = info.sockets;
    ret->cores = info.cores;
    ret->threads = info.threads;
    return TRUE;
}

static gboolean
conn_is_test(Call *c)
{
    const char *type = vmm_connect_get_type(c->conn, NULL);
    return g_strcmp0(type, "TEST") == 0;
}

/* vmm has no security drivers.  The mock driver reports the fixed model
 * of libvirt's test driver so dominfo prints the same lines; anything
 * else reports none, which makes virsh skip the label call. */
HANDLER(h_node_get_security_model, void, remote_node_get_security_model_ret)
{
    if (conn_is_test(c))
        make_char_array(&ret->model.model_len, &ret->model.model_val, "testSecurity");
    return TRUE;
}

HANDLER(h_domain_get_security_label, remote_domain_get_security_label_args,
        remote_domain_get_security_label_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);
    int active = vmm_domain_is_active(dom, error);

    if (active < 0)
        return FALSE;
    if (conn_is_test(c) && active) {
        make_char_array(&ret->label.label_len, &ret->label.label_val, "libvirt-test");
        ret->enforcing = 1;
    }
    return TRUE;
}

HANDLER(h_connect_supports_feature, remote_connect_supports_feature_args,
        remote_connect_supports_feature_ret)
{
    switch (args->feature) {
    case FEATURE_PROGRAM_KEEPALIVE:
        vmm_rpc_client_start_keepalive(c->client);
        ret->supported = 1;
        break;
    case FEATURE_REMOTE_EVENT_CALLBACK:
    case FEATURE_REMOTE_CLOSE_CALLBACK:
        ret->supported = 1;
        break;
    default:
        ret->supported = 0;
    }
    return TRUE;
}

HANDLER(h_auth_list, void, remote_auth_list_ret)
{
    /* Peer credentials decide access (socket permissions); no auth step. */
    ret->types.types_len = 1;
    ret->types.types_val = g_new0(remote_auth_type, 1);
    ret->types.types_val[0] = REMOTE_AUTH_NONE;
    return TRUE;
}

HANDLER(h_auth_polkit, void, remote_auth_polkit_ret)
{
    ret->complete = 1;
    return TRUE;
}

/* --- domain lists --- */

HANDLER(h_connect_list_all_domains, remote_connect_list_all_domains_args,
        remote_connect_list_all_domains_ret)
{
    g_autoptr(GPtrArray) doms = vmm_connect_list_all_domains(c->conn, args->flags, error);

    if (!doms || !check_list_len(doms->len, REMOTE_DOMAIN_LIST_MAX, "domains", error))
        return FALSE;
    if (args->need_results) {
        ret->domains.domains_len = doms->len;
        ret->domains.domains_val = g_new0(remote_nonnull_domain, doms->len);
        for (guint i = 0; i < doms->len; i++)
            make_dom(&ret->domains.domains_val[i], g_ptr_array_index(doms, i));
    }
    ret->ret = doms->len;
    return TRUE;
}

/* One typed parameter onto the wire. */
static gboolean
typed_param_to_wire(remote_typed_param *w, const VmmTypedParameter *p, GError **error)
{
    remote_typed_param_value *v = &w->value;

    w->field = g_strdup(p->field);
    v->type = p->type;
    switch (p->type) {
    case VMM_TYPED_PARAM_INT: v->remote_typed_param_value_u.i = p->value.i; break;
    case VMM_TYPED_PARAM_UINT: v->remote_typed_param_value_u.ui = p->value.ui; break;
    case VMM_TYPED_PARAM_LLONG: v->remote_typed_param_value_u.l = p->value.l; break;
    case VMM_TYPED_PARAM_ULLONG: v->remote_typed_param_value_u.ul = p->value.ul; break;
    case VMM_TYPED_PARAM_DOUBLE: v->remote_typed_param_value_u.d = p->value.d; break;
    case VMM_TYPED_PARAM_BOOLEAN: v->remote_typed_param_value_u.b = p->value.b; break;
    case VMM_TYPED_PARAM_STRING:
        v->remote_typed_param_value_u.s = g_strdup(p->value.s ? p->value.s : "");
        break;
    default:
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR, _("unknown parameter type %d of '%s'"),
                      p->type, p->field);
        return FALSE;
    }
    return TRUE;
}

/* virConnectGetAllDomainStats (no doms) and virDomainListGetStats. */
HANDLER(h_connect_get_all_domain_stats, remote_connect_get_all_domain_stats_args,
        remote_connect_get_all_domain_stats_ret)
{
    g_autoptr(GPtrArray) recs = NULL;
    remote_domain_stats_record *out;

    if (args->doms.doms_len) {
        g_autoptr(GPtrArray) doms = g_ptr_array_new_full(args->doms.doms_len,
                                                         (GDestroyNotify)vmm_domain_unref);

        for (u_int i = 0; i < args->doms.doms_len; i++)
            g_ptr_array_add(doms, get_dom(c, &args->doms.doms_val[i]));
        recs = vmm_domain_list_get_stats((VmmDomain *const *)doms->pdata, doms->len,
                                         args->stats, args->flags, error);
    } else {
        recs = vmm_connect_get_all_domain_stats(c->conn, args->stats, args->flags, error);
    }
    if (!recs || !check_list_len(recs->len, REMOTE_DOMAIN_LIST_MAX, "domains", error))
        return FALSE;
    ret->retStats.retStats_len = recs->len;
    ret->retStats.retStats_val = out = g_new0(remote_domain_stats_record, recs->len);
    for (guint i = 0; i < recs->len; i++) {
        const VmmDomainStatsRecord *rec = g_ptr_array_index(recs, i);

        make_dom(&out[i].dom, rec->dom);
        if (!check_list_len(rec->nparams, REMOTE_CONNECT_GET_ALL_DOMAIN_STATS_MAX,
                            "parameters", error))
            return FALSE;
        out[i].params.params_len = rec->nparams;
        out[i].params.params_val = g_new0(remote_typed_param, rec->nparams);
        for (int j = 0; j < rec->nparams; j++) {
            if (!typed_param_to_wire(&out[i].params.params_val[j], &rec->params[j], error))
                return FALSE;
        }
    }
    return TRUE;
}

HANDLER(h_connect_num_of_domains, void, remote_connect_num_of_domains_ret)
{
    return (ret->num = vmm_connect_num_of_domains(c->conn, error)) >= 0;
}

HANDLER(h_connect_num_of_defined_domains, void, remote_connect_num_of_defined_domains_ret)
{
    return (ret->num = vmm_connect_num_of_defined_domains(c->conn, error)) >= 0;
}

HANDLER(h_connect_list_domains, remote_connect_list_domains_args,
        remote_connect_list_domains_ret)
{
    g_autoptr(GPtrArray) doms = NULL;
    guint n;

    if (args->maxids < 0 || args->maxids > REMOTE_DOMAIN_ID_LIST_MAX) {
        vmm_error_set(error, VMM_ERR_RPC, _("maxids %d out of range"), args->maxids);
        return FALSE;
    }
    doms = vmm_connect_list_all_domains(c->conn, VMM_CONNECT_LIST_DOMAINS_ACTIVE, error);
    if (!doms)
        return FALSE;
    n = MIN(doms->len, (guint)args->maxids);
    ret->ids.ids_len = n;
    ret->ids.ids_val = g_new0(int, MAX(n, 1));
    for (guint i = 0; i < n; i++)
        ret->ids.ids_val[i] = vmm_domain_get_id(g_ptr_array_index(doms, i));
    return TRUE;
}

HANDLER(h_connect_list_defined_domains, remote_connect_list_defined_domains_args,
        remote_connect_list_defined_domains_ret)
{
    g_autoptr(GPtrArray) doms = NULL;
    guint n;

    if (args->maxnames < 0 || args->maxnames > REMOTE_DOMAIN_NAME_LIST_MAX) {
        vmm_error_set(error, VMM_ERR_RPC, _("maxnames %d out of range"), args->maxnames);
        return FALSE;
    }
    doms = vmm_connect_list_all_domains(c->conn, VMM_CONNECT_LIST_DOMAINS_INACTIVE, error);
    if (!doms)
        return FALSE;
    n = MIN(doms->len, (guint)args->maxnames);
    ret->names.names_len = n;
    ret->names.names_val = g_new0(char *, MAX(n, 1));
    for (guint i = 0; i < n; i++)
        ret->names.names_val[i] = g_strdup(vmm_domain_get_name(g_ptr_array_index(doms, i)));
    return TRUE;
}

/* --- domains --- */

#define RETURN_DOM(expr) \
    do { \
        g_autoptr(VmmDomain) d_ = (expr); \
        if (!d_) \
            return FALSE; \
        make_dom(&ret->dom, d_); \
        return TRUE; \
    } while (0)

HANDLER(h_domain_lookup_by_name, remote_domain_lookup_by_name_args,
        remote_domain_lookup_by_name_ret)
{
    RETURN_DOM(vmm_domain_lookup_by_name(c->conn, args->name, error));
}

HANDLER(h_domain_lookup_by_uuid, remote_domain_lookup_by_uuid_args,
        remote_domain_lookup_by_uuid_ret)
{
    RETURN_DOM(vmm_domain_lookup_by_uuid(c->conn, (const unsigned char *)args->uuid, error));
}

HANDLER(h_domain_lookup_by_id, remote_domain_lookup_by_id_args,
        remote_domain_lookup_by_id_ret)
{
    RETURN_DOM(vmm_domain_lookup_by_id(c->conn, args->id, error));
}

HANDLER(h_domain_define_xml, remote_domain_define_xml_args, remote_domain_define_xml_ret)
{
    RETURN_DOM(vmm_domain_define_xml(c->conn, args->xml, 0, error));
}

HANDLER(h_domain_define_xml_flags, remote_domain_define_xml_flags_args,
        remote_domain_define_xml_flags_ret)
{
    RETURN_DOM(vmm_domain_define_xml(c->conn, args->xml, args->flags, error));
}

HANDLER(h_domain_create_xml, remote_domain_create_xml_args, remote_domain_create_xml_ret)
{
    RETURN_DOM(vmm_domain_create_xml(c->conn, args->xml_desc, args->flags, error));
}

HANDLER(h_domain_create_with_flags, remote_domain_create_with_flags_args,
        remote_domain_create_with_flags_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);

    if (!vmm_domain_create(dom, args->flags, error))
        return FALSE;
    /* The reply carries the new id. */
    RETURN_DOM(vmm_domain_lookup_by_uuid(c->conn, vmm_domain_get_uuid(dom), error));
}

/* Calls taking a domain and returning nothing. */
#define DOM_VOID(name, argt, call) \
    HANDLER(name, argt, void) \
    { \
        g_autoptr(VmmDomain) dom = get_dom(c, &args->dom); \
        return call; \
    }

DOM_VOID(h_domain_create, remote_domain_create_args, vmm_domain_create(dom, 0, error))
DOM_VOID(h_domain_destroy, remote_domain_destroy_args, vmm_domain_destroy(dom, 0, error))
DOM_VOID(h_domain_destroy_flags, remote_domain_destroy_flags_args,
         vmm_domain_destroy(dom, args->flags, error))
DOM_VOID(h_domain_shutdown, remote_domain_shutdown_args, vmm_domain_shutdown(dom, 0, error))
DOM_VOID(h_domain_shutdown_flags, remote_domain_shutdown_flags_args,
         vmm_domain_shutdown(dom, args->flags, error))
DOM_VOID(h_domain_reboot, remote_domain_reboot_args,
         vmm_domain_reboot(dom, args->flags, error))
DOM_VOID(h_domain_reset, remote_domain_reset_args, vmm_domain_reset(dom, args->flags, error))
DOM_VOID(h_domain_suspend, remote_domain_suspend_args, vmm_domain_suspend(dom, error))
DOM_VOID(h_domain_resume, remote_domain_resume_args, vmm_domain_resume(dom, error))
DOM_VOID(h_domain_undefine, remote_domain_undefine_args, vmm_domain_undefine(dom, 0, error))
DOM_VOID(h_domain_undefine_flags, remote_domain_undefine_flags_args,
         vmm_domain_undefine(dom, args->flags, error))
DOM_VOID(h_domain_set_autostart, remote_domain_set_autostart_args,
         vmm_domain_set_autostart(dom, args->autostart != 0, error))
DOM_VOID(h_domain_attach_device, remote_domain_attach_device_args,
         vmm_domain_attach_device(dom, args->xml, error))
DOM_VOID(h_domain_attach_device_flags, remote_domain_attach_device_flags_args,
         vmm_domain_attach_device_flags(dom, args->xml, args->flags, error))
DOM_VOID(h_domain_detach_device, remote_domain_detach_device_args,
         vmm_domain_detach_device(dom, args->xml, error))
DOM_VOID(h_domain_detach_device_flags, remote_domain_detach_device_flags_args,
         vmm_domain_detach_device_flags(dom, args->xml, args->flags, error))
DOM_VOID(h_domain_update_device_flags, remote_domain_update_device_flags_args,
         vmm_domain_update_device_flags(dom, args->xml, args->flags, error))

HANDLER(h_domain_set_metadata, remote_domain_set_metadata_args, void)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);

    return vmm_domain_set_metadata(dom, args->type,
                                   args->metadata ? *args->metadata : NULL,
                                   args->key ? *args->key : NULL,
                                   args->uri ? *args->uri : NULL, args->flags, error);
}

HANDLER(h_domain_get_info, remote_domain_get_info_args, remote_domain_get_info_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);
    VmmDomainInfo info;

    if (!vmm_domain_get_info(dom, &info, error))
        return FALSE;
    ret->state = info.state;
    ret->maxMem = info.max_mem;
    ret->memory = info.memory;
    ret->nrVirtCpu = info.nr_virt_cpu;
    ret->cpuTime = info.cpu_time;
    return TRUE;
}

HANDLER(h_domain_get_state, remote_domain_get_state_args, remote_domain_get_state_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);

    return vmm_domain_get_state(dom, &ret->state, &ret->reason, args->flags, error);
}

HANDLER(h_domain_get_xml_desc, remote_domain_get_xml_desc_args,
        remote_domain_get_xml_desc_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);

    return (ret->xml = vmm_domain_get_xml_desc(dom, args->flags, error)) != NULL;
}

HANDLER(h_domain_get_os_type, remote_domain_get_os_type_args,
        remote_domain_get_os_type_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);

    return (ret->type = vmm_domain_get_os_type(dom, error)) != NULL;
}

HANDLER(h_domain_get_max_memory, remote_domain_get_max_memory_args,
        remote_domain_get_max_memory_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);
    VmmDomainInfo info;

    if (!vmm_domain_get_info(dom, &info, error))
        return FALSE;
    ret->memory = info.max_mem;
    return TRUE;
}

/* vmm has no separate maximum vCPU count yet: the configured count is it. */
HANDLER(h_domain_get_max_vcpus, remote_domain_get_max_vcpus_args,
        remote_domain_get_max_vcpus_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);
    VmmDomainInfo info;

    if (!vmm_domain_get_info(dom, &info, error))
        return FALSE;
    ret->num = info.nr_virt_cpu;
    return TRUE;
}

HANDLER(h_domain_get_vcpus_flags, remote_domain_get_vcpus_flags_args,
        remote_domain_get_vcpus_flags_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);
    VmmDomainInfo info;

    if (!vmm_domain_get_info(dom, &info, error))
        return FALSE;
    ret->num = info.nr_virt_cpu;
    return TRUE;
}

/* --- per-domain statistics --- */

HANDLER(h_domain_memory_stats, remote_domain_memory_stats_args,
        remote_domain_memory_stats_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);
    g_autofree VmmDomainMemoryStat *stats = NULL;
    int n;

    if (!check_list_len(args->maxStats, REMOTE_DOMAIN_MEMORY_STATS_MAX, "memory stats", error))
        return FALSE;
    stats = g_new0(VmmDomainMemoryStat, MAX(args->maxStats, 1));
    if ((n = vmm_domain_memory_stats(dom, stats, args->maxStats, args->flags, error)) < 0)
        return FALSE;
    ret->stats.stats_len = n;
    ret->stats.stats_val = g_new0(remote_domain_memory_stat, MAX(n, 1));
    for (int i = 0; i < n; i++) {
        ret->stats.stats_val[i].tag = stats[i].tag;
        ret->stats.stats_val[i].val = stats[i].val;
    }
    return TRUE;
}

/* The fixed five of the old call; -1 for what the driver does not count. */
HANDLER(h_domain_block_stats, remote_domain_block_stats_args, remote_domain_block_stats_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);
    VmmTypedParameter *params = NULL;
    int n = 0;
    const struct {
        const char *name;
        int64_t *out;
    } map[] = {
        { VMM_DOMAIN_BLOCK_STATS_READ_REQ, &ret->rd_req },
        { VMM_DOMAIN_BLOCK_STATS_READ_BYTES, &ret->rd_bytes },
        { VMM_DOMAIN_BLOCK_STATS_WRITE_REQ, &ret->wr_req },
        { VMM_DOMAIN_BLOCK_STATS_WRITE_BYTES, &ret->wr_bytes },
        { VMM_DOMAIN_BLOCK_STATS_ERRS, &ret->errs },
    };

    if (!vmm_domain_block_stats(dom, args->path, &params, &n, 0, error))
        return FALSE;
    for (guint i = 0; i < G_N_ELEMENTS(map); i++) {
        gint64 v;

        *map[i].out = vmm_typed_params_get_llong(params, n, map[i].name, &v) ? v : -1;
    }
    vmm_typed_params_free(params, n);
    return TRUE;
}

/* Asked with nparams 0, only the count goes back, as libvirtd does. */
HANDLER(h_domain_block_stats_flags, remote_domain_block_stats_flags_args,
        remote_domain_block_stats_flags_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);
    VmmTypedParameter *params = NULL;
    int n = 0;
    gboolean ok = TRUE;

    if (args->nparams < 0 || args->nparams > REMOTE_DOMAIN_BLOCK_STATS_PARAMETERS_MAX) {
        vmm_error_set(error, VMM_ERR_RPC, _("nparams %d out of range"), args->nparams);
        return FALSE;
    }
    if (!vmm_domain_block_stats(dom, args->path, &params, &n, args->flags, error))
        return FALSE;
    if (args->nparams == 0) {
        ret->nparams = n;
    } else {
        int sent = MIN(n, args->nparams);

        ret->nparams = sent;
        ret->params.params_len = sent;
        ret->params.params_val = g_new0(remote_typed_param, MAX(sent, 1));
        for (int i = 0; ok && i < sent; i++)
            ok = typed_param_to_wire(&ret->params.params_val[i], &params[i], error);
    }
    vmm_typed_params_free(params, n);
    return ok;
}

HANDLER(h_domain_interface_stats, remote_domain_interface_stats_args,
        remote_domain_interface_stats_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);
    VmmDomainInterfaceStats st;

    if (!vmm_domain_interface_stats(dom, args->path, &st, error))
        return FALSE;
    ret->rx_bytes = st.rx_bytes;
    ret->rx_packets = st.rx_packets;
    ret->rx_errs = st.rx_errs;
    ret->rx_drop = st.rx_drop;
    ret->tx_bytes = st.tx_bytes;
    ret->tx_packets = st.tx_packets;
    ret->tx_errs = st.tx_errs;
    ret->tx_drop = st.tx_drop;
    return TRUE;
}

HANDLER(h_domain_get_vcpus, remote_domain_get_vcpus_args, remote_domain_get_vcpus_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);
    g_autofree VmmVcpuInfo *info = NULL;
    int n;

    if (args->maxinfo <= 0 || args->maxinfo > REMOTE_VCPUINFO_MAX || args->maplen < 0 ||
        (gint64)args->maxinfo * args->maplen > REMOTE_CPUMAPS_MAX) {
        vmm_error_set(error, VMM_ERR_RPC, _("maxinfo %d or maplen %d out of range"),
                      args->maxinfo, args->maplen);
        return FALSE;
    }
    info = g_new0(VmmVcpuInfo, args->maxinfo);
    ret->cpumaps.cpumaps_len = args->maxinfo * args->maplen;
    ret->cpumaps.cpumaps_val = g_malloc0(MAX(ret->cpumaps.cpumaps_len, 1));
    n = vmm_domain_get_vcpus(dom, info, args->maxinfo,
                             args->maplen ? (unsigned char *)ret->cpumaps.cpumaps_val : NULL,
                             args->maplen, error);
    if (n < 0)
        return FALSE;
    ret->info.info_len = n;
    ret->info.info_val = g_new0(remote_vcpu_info, MAX(n, 1));
    for (int i = 0; i < n; i++) {
        ret->info.info_val[i].number = info[i].number;
        ret->info.info_val[i].state = info[i].state;
        ret->info.info_val[i].cpu_time = info[i].cpu_time;
        ret->info.info_val[i].cpu = info[i].cpu;
    }
    return TRUE;
}

HANDLER(h_domain_get_vcpu_pin_info, remote_domain_get_vcpu_pin_info_args,
        remote_domain_get_vcpu_pin_info_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);

    if (args->ncpumaps <= 0 || args->maplen <= 0 ||
        (gint64)args->ncpumaps * args->maplen > REMOTE_CPUMAPS_MAX) {
        vmm_error_set(error, VMM_ERR_RPC, _("ncpumaps %d or maplen %d out of range"),
                      args->ncpumaps, args->maplen);
        return FALSE;
    }
    ret->cpumaps.cpumaps_len = args->ncpumaps * args->maplen;
    ret->cpumaps.cpumaps_val = g_malloc0(ret->cpumaps.cpumaps_len);
    ret->num = vmm_domain_get_vcpu_pin_info(dom, args->ncpumaps,
                                            (unsigned char *)ret->cpumaps.cpumaps_val,
                                            args->maplen, args->flags, error);
    return ret->num >= 0;
}

HANDLER(h_node_get_cpu_map, remote_node_get_cpu_map_args, remote_node_get_cpu_map_ret)
{
    g_autofree unsigned char *map = NULL;
    unsigned int online = 0;
    int n = vmm_node_get_cpu_map(c->conn, args->need_map ? &map : NULL,
                                 args->need_online ? &online : NULL, args->flags, error);

    if (n < 0)
        return FALSE;
    if (map) {
        ret->cpumap.cpumap_len = MIN(VMM_CPU_MAPLEN(n), REMOTE_CPUMAP_MAX);
        ret->cpumap.cpumap_val = (char *)g_steal_pointer(&map);
    }
    ret->online = online;
    ret->ret = n;
    return TRUE;
}

HANDLER(h_domain_get_autostart, remote_domain_get_autostart_args,
        remote_domain_get_autostart_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);
    gboolean autostart;

    if (!vmm_domain_get_autostart(dom, &autostart, error))
        return FALSE;
    ret->autostart = autostart;
    return TRUE;
}

HANDLER(h_domain_is_active, remote_domain_is_active_args, remote_domain_is_active_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);

    return (ret->active = vmm_domain_is_active(dom, error)) >= 0;
}

HANDLER(h_domain_is_persistent, remote_domain_is_persistent_args,
        remote_domain_is_persistent_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);

    return (ret->persistent = vmm_domain_is_persistent(dom, error)) >= 0;
}

/* No managed save, snapshots or domain messages in vmm: report none,
 * after checking the domain exists. */
HANDLER(h_domain_has_managed_save_image, remote_domain_has_managed_save_image_args,
        remote_domain_has_managed_save_image_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);

    ret->result = 0;
    return vmm_domain_is_active(dom, error) >= 0;
}

HANDLER(h_domain_snapshot_num, remote_domain_snapshot_num_args,
        remote_domain_snapshot_num_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);

    ret->num = 0;
    return vmm_domain_is_active(dom, error) >= 0;
}

HANDLER(h_domain_get_messages, remote_domain_get_messages_args,
        remote_domain_get_messages_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);

    return vmm_domain_is_active(dom, error) >= 0;
}

HANDLER(h_domain_get_metadata, remote_domain_get_metadata_args,
        remote_domain_get_metadata_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);

    ret->metadata = vmm_domain_get_metadata(dom, args->type, args->uri ? *args->uri : NULL,
                                            args->flags, error);
    return ret->metadata != NULL;
}

/* Procedures with a wire form whose feature vmm lacks: the explicit "not
 * supported" libvirt's drivers give, naming the API, rather than the
 * generic unknown-procedure reply. */
#define NOT_SUPPORTED(name, argt, rett, api) \
    HANDLER(name, argt, rett) \
    { \
        vmm_error_set(error, VMM_ERR_NO_SUPPORT, "%s", api); \
        return FALSE; \
    }

/* The console stream is served once the reply is out (dispatch()). */
HANDLER(h_domain_open_console, remote_domain_open_console_args, void)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);
    g_autoptr(VmmStream) st = vmm_stream_new(c->conn, VMM_STREAM_NONBLOCK);

    if (!vmm_domain_open_console(dom, args->dev_name ? *args->dev_name : NULL, st,
                                 args->flags, error))
        return FALSE;
    c->stream = g_steal_pointer(&st);
    return TRUE;
}

/* Volume data streams are served once the reply is out, as consoles. */
HANDLER(h_storage_vol_upload, remote_storage_vol_upload_args, void)
{
    g_autoptr(VmmStorageVol) vol = get_vol(c, &args->vol);
    g_autoptr(VmmStream) st = vmm_stream_new(c->conn, VMM_STREAM_NONBLOCK);

    if (!vmm_storage_vol_upload(vol, st, args->offset, args->length, args->flags, error))
        return FALSE;
    c->stream = g_steal_pointer(&st);
    return TRUE;
}

HANDLER(h_storage_vol_download, remote_storage_vol_download_args, void)
{
    g_autoptr(VmmStorageVol) vol = get_vol(c, &args->vol);
    g_autoptr(VmmStream) st = vmm_stream_new(c->conn, VMM_STREAM_NONBLOCK);

    if (!vmm_storage_vol_download(vol, st, args->offset, args->length, args->flags, error))
        return FALSE;
    c->stream = g_steal_pointer(&st);
    return TRUE;
}

static remote_string
opt_string(const char *s)
{
    char **p;

    if (!s)
        return NULL;
    p = g_new(char *, 1);
    *p = g_strdup(s);
    return p;
}

HANDLER(h_network_get_dhcp_leases, remote_network_get_dhcp_leases_args,
        remote_network_get_dhcp_leases_ret)
{
    g_autoptr(VmmNetwork) net = get_net(c, &args->net);
    g_autoptr(GPtrArray) leases = vmm_network_get_dhcp_leases(net, args->mac ? *args->mac
                                                                              : NULL,
                                                              args->flags, error);

    if (!leases ||
        !check_list_len(leases->len, REMOTE_NETWORK_DHCP_LEASES_MAX, "leases", error))
        return FALSE;
    if (args->need_results && leases->len) {
        ret->leases.leases_val = g_new0(remote_network_dhcp_lease, leases->len);
        ret->leases.leases_len = leases->len;
        for (guint i = 0; i < leases->len; i++) {
            const VmmNetworkLease *l = leases->pdata[i];
            remote_network_dhcp_lease *o = &ret->leases.leases_val[i];

            o->iface = g_strdup(l->iface ? l->iface : "");
            o->expirytime = l->expirytime;
            o->type = l->type;
            o->mac = opt_string(l->mac);
            o->iaid = opt_string(l->iaid);
            o->ipaddr = g_strdup(l->ipaddr);
            o->prefix = l->prefix;
            o->hostname = opt_string(l->hostname);
            o->clientid = opt_string(l->clientid);
        }
    }
    ret->ret = leases->len;
    return TRUE;
}

HANDLER(h_network_get_messages, remote_network_get_messages_args,
        remote_network_get_messages_ret)
{
    g_autoptr(VmmNetwork) net = get_net(c, &args->net);
    g_auto(GStrv) msgs = vmm_network_get_messages(net, args->flags, error);
    guint n;

    if (!msgs)
        return FALSE;
    n = g_strv_length(msgs);
    if (!check_list_len(n, REMOTE_DOMAIN_MESSAGES_MAX, "messages", error))
        return FALSE;
    ret->msgs.msgs_len = n;
    ret->msgs.msgs_val = (char **)g_steal_pointer(&msgs);
    /* The vector's terminating NULL stays, beyond msgs_len: xdr_free
     * frees msgs_len strings and then the array itself. */
    return TRUE;
}

HANDLER(h_domain_interface_addresses, remote_domain_interface_addresses_args,
        remote_domain_interface_addresses_ret)
{
    g_autoptr(VmmDomain) dom = get_dom(c, &args->dom);
    g_autoptr(GPtrArray) ifaces = vmm_domain_interface_addresses(dom, args->source,
                                                                 args->flags, error);

    if (!ifaces ||
        !check_list_len(ifaces->len, REMOTE_DOMAIN_INTERFACE_MAX, "interfaces", error))
        return FALSE;
    ret->ifaces.ifaces_len = ifaces->len;
    ret->ifaces.ifaces_val = g_new0(remote_domain_interface, ifaces->len);
    for (guint i = 0; i < ifaces->len; i++) {
        const VmmDomainInterface *in = ifaces->pdata[i];
        remote_domain_interface *o = &ret->ifaces.ifaces_val[i];

        o->name = g_strdup(in->name);
        o->hwaddr = opt_string(in->hwaddr);
        if (!check_list_len(in->naddrs, REMOTE_DOMAIN_IP_ADDR_MAX, "addresses", error))
            return FALSE;
        o->addrs.addrs_len = in->naddrs;
        o->addrs.addrs_val = g_new0(remote_domain_ip_addr, in->naddrs);
        for (guint j = 0; j < in->naddrs; j++) {
            o->addrs.addrs_val[j].type = in->addrs[j].type;
            o->addrs.addrs_val[j].addr = g_strdup(in->addrs[j].addr);
            o->addrs.addrs_val[j].prefix = in->addrs[j].prefix;
        }
    }
    return TRUE;
}

/* --- networks --- */

#define RETURN_NET(expr) \
    do { \
        g_autoptr(VmmNetwork) n_ = (expr); \
        if (!n_) \
            return FALSE; \
        make_net(&ret->net, n_); \
        return TRUE; \
    } while (0)

HANDLER(h_connect_list_all_networks, remote_connect_list_all_networks_args,
        remote_connect_list_all_networks_ret)
{
    g_autoptr(GPtrArray) nets = vmm_connect_list_all_networks(c->conn, args->flags, error);

    if (!nets || !check_list_len(nets->len, REMOTE_NETWORK_LIST_MAX, "networks", error))
        return FALSE;
    if (args->need_results) {
        ret->nets.nets_len = nets->len;
        ret->nets.nets_val = g_new0(remote_nonnull_network, nets->len);
        for (guint i = 0; i < nets->len; i++)
            make_net(&ret->nets.nets_val[i], g_ptr_array_index(nets, i));
    }
    ret->ret = nets->len;
    return TRUE;
}

/* The old count/name-list calls, over the list-all call. */
static GPtrArray *
list_networks(Call *c, gboolean active, GError **error)
{
    return vmm_connect_list_all_networks(c->conn, active ? VMM_CONNECT_LIST_NETWORKS_ACTIVE
                                                         : VMM_CONNECT_LIST_NETWORKS_INACTIVE,
                                         error);
}

static gboolean
fill_names(GPtrArray *objs, int maxnames, const char *(*get_name)(gpointer),
           u_int *len, char ***val, GError **error)
{
    guint n;

    if (!objs)
        return FALSE;
    if (maxnames < 0 || maxnames > REMOTE_STRING_MAX) {
        vmm_error_set(error, VMM_ERR_RPC, _("maxnames %d out of range"), maxnames);
        return FALSE;
    }
    n = MIN(objs->len, MIN((guint)maxnames, REMOTE_NETWORK_NAME_LIST_MAX));
    *len = n;
    *val = g_new0(char *, MAX(n, 1));
    for (guint i = 0; i < n; i++)
        (*val)[i] = g_strdup(get_name(g_ptr_array_index(objs, i)));
    return TRUE;
}

HANDLER(h_connect_num_of_networks, void, remote_connect_num_of_networks_ret)
{
    g_autoptr(GPtrArray) nets = list_networks(c, TRUE, error);

    return nets && (ret->num = nets->len) >= 0;
}

HANDLER(h_connect_num_of_defined_networks, void, remote_connect_num_of_defined_networks_ret)
{
    g_autoptr(GPtrArray) nets = list_networks(c, FALSE, error);

    return nets && (ret->num = nets->len) >= 0;
}

HANDLER(h_connect_list_networks, remote_connect_list_networks_args,
        remote_connect_list_networks_ret)
{
    g_autoptr(GPtrArray) nets = list_networks(c, TRUE, error);

    return fill_names(nets, args->maxnames, (const char *(*)(gpointer))vmm_network_get_name,
                      &ret->names.names_len, &ret->names.names_val, error);
}

HANDLER(h_connect_list_defined_networks, remote_connect_list_defined_networks_args,
        remote_connect_list_defined_networks_ret)
{
    g_autoptr(GPtrArray) nets = list_networks(c, FALSE, error);

    return fill_names(nets, args->maxnames, (const char *(*)(gpointer))vmm_network_get_name,
                      &ret->names.names_len, &ret->names.names_val, error);
}

HANDLER(h_network_lookup_by_name, remote_network_lookup_by_name_args,
        remote_network_lookup_by_name_ret)
{
    RETURN_NET(vmm_network_lookup_by_name(c->conn, args->name, error));
}

HANDLER(h_network_lookup_by_uuid, remote_network_lookup_by_uuid_args,
        remote_network_lookup_by_uuid_ret)
{
    RETURN_NET(vmm_network_lookup_by_uuid(c->conn, (const unsigned char *)args->uuid, error));
}

HANDLER(h_network_define_xml, remote_network_define_xml_args, remote_network_define_xml_ret)
{
    RETURN_NET(vmm_network_define_xml(c->conn, args->xml, 0, error));
}

HANDLER(h_network_define_xml_flags, remote_network_define_xml_flags_args,
        remote_network_define_xml_flags_ret)
{
    RETURN_NET(vmm_network_define_xml(c->conn, args->xml, args->flags, error));
}

HANDLER(h_network_create_xml, remote_network_create_xml_args, remote_network_create_xml_ret)
{
    RETURN_NET(vmm_network_create_xml(c->conn, args->xml, 0, error));
}

#define NET_VOID(name, argt, call) \
    HANDLER(name, argt, void) \
    { \
        g_autoptr(VmmNetwork) net = get_net(c, &args->net); \
        return call; \
    }

NET_VOID(h_network_undefine, remote_network_undefine_args, vmm_network_undefine(net, error))
NET_VOID(h_network_create, remote_network_create_args, vmm_network_create(net, error))
NET_VOID(h_network_destroy, remote_network_destroy_args, vmm_network_destroy(net, error))
NET_VOID(h_network_set_autostart, remote_network_set_autostart_args,
         vmm_network_set_autostart(net, args->autostart != 0, error))
/* libvirt's clients put the section in the wire's "command" field and the
 * command in "section" (an ABI slip of libvirt's kept for compatibility,
 * unless the server claims NETWORK_UPDATE_HAS_CORRECT_ORDER, which vmmd
 * does not). */
NET_VOID(h_network_update, remote_network_update_args,
         vmm_network_update(net, args->section, args->command, args->parentIndex, args->xml,
                            args->flags, error))

HANDLER(h_network_get_xml_desc, remote_network_get_xml_desc_args,
        remote_network_get_xml_desc_ret)
{
    g_autoptr(VmmNetwork) net = get_net(c, &args->net);

    return (ret->xml = vmm_network_get_xml_desc(net, args->flags, error)) != NULL;
}

HANDLER(h_network_get_bridge_name, remote_network_get_bridge_name_args,
        remote_network_get_bridge_name_ret)
{
    g_autoptr(VmmNetwork) net = get_net(c, &args->net);

    return (ret->name = vmm_network_get_bridge_name(net, error)) != NULL;
}

HANDLER(h_network_get_autostart, remote_network_get_autostart_args,
        remote_network_get_autostart_ret)
{
    g_autoptr(VmmNetwork) net = get_net(c, &args->net);
    gboolean autostart;

    if (!vmm_network_get_autostart(net, &autostart, error))
        return FALSE;
    ret->autostart = autostart;
    return TRUE;
}

HANDLER(h_network_is_active, remote_network_is_active_args, remote_network_is_active_ret)
{
    g_autoptr(VmmNetwork) net = get_net(c, &args->net);

    return (ret->active = vmm_network_is_active(net, error)) >= 0;
}

HANDLER(h_network_is_persistent, remote_network_is_persistent_args,
        remote_network_is_persistent_ret)
{
    g_autoptr(VmmNetwork) net = get_net(c, &args->net);

    return (ret->persistent = vmm_network_is_persistent(net, error)) >= 0;
}

/* --- storage pools --- */

#define RETURN_POOL(expr) \
    do { \
        g_autoptr(VmmStoragePool) p_ = (expr); \
        if (!p_) \
            return FALSE; \
        make_pool(&ret->pool, p_); \
        return TRUE; \
    } while (0)

HANDLER(h_connect_list_all_storage_pools, remote_connect_list_all_storage_pools_args,
        remote_connect_list_all_storage_pools_ret)
{
    g_autoptr(GPtrArray) pools = vmm_connect_list_all_storage_pools(c->conn, args->flags, error);

    if (!pools || !check_list_len(pools->len, REMOTE_STORAGE_POOL_LIST_MAX, "pools", error))
        return FALSE;
    if (args->need_results) {
        ret->pools.pools_len = pools->len;
        ret->pools.pools_val = g_new0(remote_nonnull_storage_pool, pools->len);
        for (guint i = 0; i < pools->len; i++)
            make_pool(&ret->pools.pools_val[i], g_ptr_array_index(pools, i));
    }
    ret->ret = pools->len;
    return TRUE;
}

static GPtrArray *
list_pools(Call *c, gboolean active, GError **error)
{
    return vmm_connect_list_all_storage_pools(
        c->conn, active ? VMM_CONNECT_LIST_STORAGE_POOLS_ACTIVE
                        : VMM_CONNECT_LIST_STORAGE_POOLS_INACTIVE, error);
}

HANDLER(h_connect_num_of_storage_pools, void, remote_connect_num_of_storage_pools_ret)
{
    g_autoptr(GPtrArray) pools = list_pools(c, TRUE, error);

    return pools && (ret->num = pools->len) >= 0;
}

HANDLER(h_connect_num_of_defined_storage_pools, void,
        remote_connect_num_of_defined_storage_pools_ret)
{
    g_autoptr(GPtrArray) pools = list_pools(c, FALSE, error);

    return pools && (ret->num = pools->len) >= 0;
}

HANDLER(h_connect_list_storage_pools, remote_connect_list_storage_pools_args,
        remote_connect_list_storage_pools_ret)
{
    g_autoptr(GPtrArray) pools = list_pools(c, TRUE, error);

    return fill_names(pools, args->maxnames,
                      (const char *(*)(gpointer))vmm_storage_pool_get_name,
                      &ret->names.names_len, &ret->names.names_val, error);
}

HANDLER(h_connect_list_defined_storage_pools, remote_connect_list_defined_storage_pools_args,
        remote_connect_list_defined_storage_pools_ret)
{
    g_autoptr(GPtrArray) pools = list_pools(c, FALSE, error);

    return fill_names(pools, args->maxnames,
                      (const char *(*)(gpointer))vmm_storage_pool_get_name,
                      &ret->names.names_len, &ret->names.names_val, error);
}

HANDLER(h_storage_pool_lookup_by_name, remote_storage_pool_lookup_by_name_args,
        remote_storage_pool_lookup_by_name_ret)
{
    RETURN_POOL(vmm_storage_pool_lookup_by_name(c->conn, args->name, error));
}

HANDLER(h_storage_pool_lookup_by_uuid, remote_storage_pool_lookup_by_uuid_args,
        remote_storage_pool_lookup_by_uuid_ret)
{
    RETURN_POOL(vmm_storage_pool_lookup_by_uuid(c->conn, (const unsigned char *)args->uuid,
                                                error));
}

HANDLER(h_storage_pool_lookup_by_volume, remote_storage_pool_lookup_by_volume_args,
        remote_storage_pool_lookup_by_volume_ret)
{
    g_autoptr(VmmStorageVol) vol = get_vol(c, &args->vol);

    RETURN_POOL(vmm_storage_pool_lookup_by_volume(vol, error));
}

HANDLER(h_storage_pool_define_xml, remote_storage_pool_define_xml_args,
        remote_storage_pool_define_xml_ret)
{
    RETURN_POOL(vmm_storage_pool_define_xml(c->conn, args->xml, args->flags, error));
}

HANDLER(h_storage_pool_create_xml, remote_storage_pool_create_xml_args,
        remote_storage_pool_create_xml_ret)
{
    RETURN_POOL(vmm_storage_pool_create_xml(c->conn, args->xml, args->flags, error));
}

#define POOL_VOID(name, argt, call) \
    HANDLER(name, argt, void) \
    { \
        g_autoptr(VmmStoragePool) pool = get_pool(c, &args->pool); \
        return call; \
    }

POOL_VOID(h_storage_pool_undefine, remote_storage_pool_undefine_args,
          vmm_storage_pool_undefine(pool, error))
POOL_VOID(h_storage_pool_create, remote_storage_pool_create_args,
          vmm_storage_pool_create(pool, args->flags, error))
POOL_VOID(h_storage_pool_destroy, remote_storage_pool_destroy_args,
          vmm_storage_pool_destroy(pool, error))
POOL_VOID(h_storage_pool_delete, remote_storage_pool_delete_args,
          vmm_storage_pool_delete(pool, args->flags, error))
POOL_VOID(h_storage_pool_build, remote_storage_pool_build_args,
          vmm_storage_pool_build(pool, args->flags, error))
POOL_VOID(h_storage_pool_refresh, remote_storage_pool_refresh_args,
          vmm_storage_pool_refresh(pool, args->flags, error))
POOL_VOID(h_storage_pool_set_autostart, remote_storage_pool_set_autostart_args,
          vmm_storage_pool_set_autostart(pool, args->autostart != 0, error))

HANDLER(h_storage_pool_get_info, remote_storage_pool_get_info_args,
        remote_storage_pool_get_info_ret)
{
    g_autoptr(VmmStoragePool) pool = get_pool(c, &args->pool);
    VmmStoragePoolInfo info;

    if (!vmm_storage_pool_get_info(pool, &info, error))
        return FALSE;
    ret->state = info.state;
    ret->capacity = info.capacity;
    ret->allocation = info.allocation;
    ret->available = info.available;
    return TRUE;
}

HANDLER(h_storage_pool_get_xml_desc, remote_storage_pool_get_xml_desc_args,
        remote_storage_pool_get_xml_desc_ret)
{
    g_autoptr(VmmStoragePool) pool = get_pool(c, &args->pool);

    return (ret->xml = vmm_storage_pool_get_xml_desc(pool, args->flags, error)) != NULL;
}

HANDLER(h_storage_pool_get_autostart, remote_storage_pool_get_autostart_args,
        remote_storage_pool_get_autostart_ret)
{
    g_autoptr(VmmStoragePool) pool = get_pool(c, &args->pool);
    gboolean autostart;

    if (!vmm_storage_pool_get_autostart(pool, &autostart, error))
        return FALSE;
    ret->autostart = autostart;
    return TRUE;
}

HANDLER(h_storage_pool_is_active, remote_storage_pool_is_active_args,
        remote_storage_pool_is_active_ret)
{
    g_autoptr(VmmStoragePool) pool = get_pool(c, &args->pool);

    return (ret->active = vmm_storage_pool_is_active(pool, error)) >= 0;
}

HANDLER(h_storage_pool_is_persistent, remote_storage_pool_is_persistent_args,
        remote_storage_pool_is_persistent_ret)
{
    g_autoptr(VmmStoragePool) pool = get_pool(c, &args->pool);

    return (ret->persistent = vmm_storage_pool_is_persistent(pool, error)) >= 0;
}

HANDLER(h_storage_pool_list_all_volumes, remote_storage_pool_list_all_volumes_args,
        remote_storage_pool_list_all_volumes_ret)
{
    g_autoptr(VmmStoragePool) pool = get_pool(c, &args->pool);
    g_autoptr(GPtrArray) vols = vmm_storage_pool_list_all_volumes(pool, args->flags, error);

    if (!vols || !check_list_len(vols->len, REMOTE_STORAGE_VOL_LIST_MAX, "volumes", error))
        return FALSE;
    if (args->need_results) {
        ret->vols.vols_len = vols->len;
        ret->vols.vols_val = g_new0(remote_nonnull_storage_vol, vols->len);
        for (guint i = 0; i < vols->len; i++)
            make_vol(&ret->vols.vols_val[i], g_ptr_array_index(vols, i));
    }
    ret->ret = vols->len;
    return TRUE;
}

HANDLER(h_storage_pool_num_of_volumes, remote_storage_pool_num_of_volumes_args,
        remote_storage_pool_num_of_volumes_ret)
{
    g_autoptr(VmmStoragePool) pool = get_pool(c, &args->pool);
    g_autoptr(GPtrArray) vols = vmm_storage_pool_list_all_volumes(pool, 0, error);

    return vols && (ret->num = vols->len) >= 0;
}

HANDLER(h_storage_pool_list_volumes, remote_storage_pool_list_volumes_args,
        remote_storage_pool_list_volumes_ret)
{
    g_autoptr(VmmStoragePool) pool = get_pool(c, &args->pool);
    g_autoptr(GPtrArray) vols = vmm_storage_pool_list_all_volumes(pool, 0, error);

    return fill_names(vols, args->maxnames, (const char *(*)(gpointer))vmm_storage_vol_get_name,
                      &ret->names.names_len, &ret->names.names_val, error);
}

/* --- storage volumes --- */

#define RETURN_VOL(expr) \
    do { \
        g_autoptr(VmmStorageVol) v_ = (expr); \
        if (!v_) \
            return FALSE; \
        make_vol(&ret->vol, v_); \
        return TRUE; \
    } while (0)

HANDLER(h_storage_vol_lookup_by_name, remote_storage_vol_lookup_by_name_args,
        remote_storage_vol_lookup_by_name_ret)
{
    g_autoptr(VmmStoragePool) pool = get_pool(c, &args->pool);

    RETURN_VOL(vmm_storage_vol_lookup_by_name(pool, args->name, error));
}

HANDLER(h_storage_vol_lookup_by_key, remote_storage_vol_lookup_by_key_args,
        remote_storage_vol_lookup_by_key_ret)
{
    RETURN_VOL(vmm_storage_vol_lookup_by_key(c->conn, args->key, error));
}

HANDLER(h_storage_vol_lookup_by_path, remote_storage_vol_lookup_by_path_args,
        remote_storage_vol_lookup_by_path_ret)
{
    RETURN_VOL(vmm_storage_vol_lookup_by_path(c->conn, args->path, error));
}

HANDLER(h_storage_vol_create_xml, remote_storage_vol_create_xml_args,
        remote_storage_vol_create_xml_ret)
{
    g_autoptr(VmmStoragePool) pool = get_pool(c, &args->pool);

    RETURN_VOL(vmm_storage_vol_create_xml(pool, args->xml, args->flags, error));
}

HANDLER(h_storage_vol_delete, remote_storage_vol_delete_args, void)
{
    g_autoptr(VmmStorageVol) vol = get_vol(c, &args->vol);

    return vmm_storage_vol_delete(vol, args->flags, error);
}

static gboolean
vol_info(Call *c, const remote_nonnull_storage_vol *v, char *type, u_quad_t *capacity,
         u_quad_t *allocation, GError **error)
{
    g_autoptr(VmmStorageVol) vol = get_vol(c, v);
    VmmStorageVolInfo info;

    if (!vmm_storage_vol_get_info(vol, &info, error))
        return FALSE;
    *type = info.type;
    *capacity = info.capacity;
    *allocation = info.allocation;
    return TRUE;
}

HANDLER(h_storage_vol_get_info, remote_storage_vol_get_info_args,
        remote_storage_vol_get_info_ret)
{
    return vol_info(c, &args->vol, &ret->type, &ret->capacity, &ret->allocation, error);
}

HANDLER(h_storage_vol_get_info_flags, remote_storage_vol_get_info_flags_args,
        remote_storage_vol_get_info_flags_ret)
{
    return vol_info(c, &args->vol, &ret->type, &ret->capacity, &ret->allocation, error);
}

HANDLER(h_storage_vol_get_xml_desc, remote_storage_vol_get_xml_desc_args,
        remote_storage_vol_get_xml_desc_ret)
{
    g_autoptr(VmmStorageVol) vol = get_vol(c, &args->vol);

    return (ret->xml = vmm_storage_vol_get_xml_desc(vol, args->flags, error)) != NULL;
}

HANDLER(h_storage_vol_get_path, remote_storage_vol_get_path_args,
        remote_storage_vol_get_path_ret)
{
    g_autoptr(VmmStorageVol) vol = get_vol(c, &args->vol);

    return (ret->name = vmm_storage_vol_get_path(vol, error)) != NULL;
}

/* --- events --- */

static void
send_message(VmmRpcClient *client, int proc, xdrproc_t xdr, void *msg)
{
    VmmRpcHeader hdr = {
        .prog = REMOTE_PROGRAM, .vers = REMOTE_PROTOCOL_VERSION, .proc = proc,
        .type = VMM_RPC_MESSAGE, .serial = 1, .status = VMM_RPC_OK,
    };
    g_autoptr(GError) err = NULL;
    g_autoptr(GBytes) pkt = vmm_rpc_packet_encode(&hdr, xdr, msg, &err);

    if (!pkt) {
        g_warning("cannot encode event %d: %s", proc, err->message);
        return;
    }
    vmm_rpc_client_send(client, pkt);
}

static void
domain_event_cb(VmmConnect *conn, VmmDomain *dom, int event, int detail, gpointer opaque)
{
    EventReg *reg = opaque;
    remote_domain_event_callback_lifecycle_msg msg = { 0 };

    if (reg->has_filter && memcmp(reg->uuid, vmm_domain_get_uuid(dom), VMM_UUID_BUFLEN) != 0)
        return;
    /* Borrowed strings: encoding only reads them. */
    msg.msg.dom.name = (char *)vmm_domain_get_name(dom);
    memcpy(msg.msg.dom.uuid, vmm_domain_get_uuid(dom), VMM_UUID_BUFLEN);
    msg.msg.dom.id = vmm_domain_get_id(dom);
    msg.msg.event = event;
    msg.msg.detail = detail;
    if (reg->callback_id < 0) {
        send_message(reg->client, REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE,
                     (xdrproc_t)xdr_remote_domain_event_lifecycle_msg, &msg.msg);
    } else {
        msg.callbackID = reg->callback_id;
        send_message(reg->client, REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
                     (xdrproc_t)xdr_remote_domain_event_callback_lifecycle_msg, &msg);
    }
}

static void
network_event_cb(VmmConnect *conn, VmmNetwork *net, int event, int detail, gpointer opaque)
{
    EventReg *reg = opaque;
    remote_network_event_lifecycle_msg msg = { 0 };

    if (reg->has_filter && memcmp(reg->uuid, vmm_network_get_uuid(net), VMM_UUID_BUFLEN) != 0)
        return;
    msg.callbackID = reg->callback_id;
    msg.net.name = (char *)vmm_network_get_name(net);
    memcpy(msg.net.uuid, vmm_network_get_uuid(net), VMM_UUID_BUFLEN);
    msg.event = event;
    msg.detail = detail;
    send_message(reg->client, REMOTE_PROC_NETWORK_EVENT_LIFECYCLE,
                 (xdrproc_t)xdr_remote_network_event_lifecycle_msg, &msg);
}

static void
pool_event_cb(VmmConnect *conn, VmmStoragePool *pool, int event, int detail, gpointer opaque)
{
    EventReg *reg = opaque;
    remote_storage_pool_event_lifecycle_msg msg = { 0 };

    if (reg->has_filter &&
        memcmp(reg->uuid, vmm_storage_pool_get_uuid(pool), VMM_UUID_BUFLEN) != 0)
        return;
    msg.callbackID = reg->callback_id;
    msg.pool.name = (char *)vmm_storage_pool_get_name(pool);
    memcpy(msg.pool.uuid, vmm_storage_pool_get_uuid(pool), VMM_UUID_BUFLEN);
    msg.event = event;
    msg.detail = detail;
    send_message(reg->client, REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE,
                 (xdrproc_t)xdr_remote_storage_pool_event_lifecycle_msg, &msg);
}

/* Only lifecycle events exist in vmm (event id 0 of each object type). */
static gboolean
check_event_id(int event_id, GError **error)
{
    if (event_id != 0) {
        vmm_error_set(error, VMM_ERR_NO_SUPPORT, _("event ID %d"), event_id);
        return FALSE;
    }
    return TRUE;
}

/*
 * Register @kind on the client's connection, for the domain/network/pool
 * with UUID @filter only when non-NULL.  @legacy registrations have no
 * callback id on the wire (-1 here).  Returns the wire callback id (0 for
 * legacy ones), or -1 with @error set.
 */
static int
event_add(Call *c, VmmEventKind kind, gboolean legacy, const unsigned char *filter,
          GError **error)
{
    ClientPriv *priv = c->priv;
    EventReg *reg = g_new0(EventReg, 1);
    int local_id = -1;
    int cb_id;

    reg->client = vmm_rpc_client_ref(c->client);
    reg->kind = kind;
    if (filter) {
        reg->has_filter = TRUE;
        memcpy(reg->uuid, filter, VMM_UUID_BUFLEN);
    }

    /* Under the client lock: a concurrent disconnect must not miss it. */
    g_mutex_lock(&priv->lock);
    if (priv->closed) {
        g_mutex_unlock(&priv->lock);
        event_reg_free(reg);
        vmm_error_set(error, VMM_ERR_RPC, _("client is closed"));
        return -1;
    }
    cb_id = reg->callback_id = legacy ? -1 : priv->next_callback_id++;
    switch (kind) {
    case VMM_EVENT_KIND_DOMAIN_LIFECYCLE:
        local_id = vmm_connect_domain_event_register(c->conn, domain_event_cb, reg,
                                                     event_reg_free, error);
        break;
    case VMM_EVENT_KIND_NETWORK_LIFECYCLE:
        local_id = vmm_connect_network_event_register(c->conn, network_event_cb, reg,
                                                      event_reg_free, error);
        break;
    case VMM_EVENT_KIND_STORAGE_POOL_LIFECYCLE:
        local_id = vmm_connect_storage_pool_event_register(c->conn, pool_event_cb, reg,
                                                           event_reg_free, error);
        break;
    case VMM_EVENT_KIND_LAST:
        g_assert_not_reached();
    }
    if (local_id < 0) {
        g_mutex_unlock(&priv->lock);
        event_reg_free(reg);
        return -1;
    }
    reg->local_id = local_id;
    g_ptr_array_add(priv->events, reg);
    g_mutex_unlock(&priv->lock);
    return legacy ? 0 : cb_id;
}

static gboolean
event_remove(Call *c, VmmEventKind kind, int callback_id, GError **error)
{
    ClientPriv *priv = c->priv;
    EventReg *found = NULL;

    g_mutex_lock(&priv->lock);
    for (guint i = 0; i < priv->events->len; i++) {
        EventReg *reg = g_ptr_array_index(priv->events, i);
        if (reg->kind == kind && reg->callback_id == callback_id) {
            found = g_ptr_array_steal_index(priv->events, i);
            break;
        }
    }
    g_mutex_unlock(&priv->lock);
    if (!found) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("callback %d is not registered"), callback_id);
        return FALSE;
    }
    event_reg_drop(c->conn, found);
    return TRUE;
}

HANDLER(h_domain_event_register_any, remote_connect_domain_event_register_any_args, void)
{
    gboolean dup = FALSE;

    /* Legacy registrations: at most one per event id and client. */
    if (!check_event_id(args->eventID, error))
        return FALSE;
    g_mutex_lock(&c->priv->lock);
    for (guint i = 0; i < c->priv->events->len; i++) {
        EventReg *reg = g_ptr_array_index(c->priv->events, i);
        if (reg->kind == VMM_EVENT_KIND_DOMAIN_LIFECYCLE && reg->callback_id < 0)
            dup = TRUE;
    }
    g_mutex_unlock(&c->priv->lock);
    if (dup) {
        vmm_error_set(error, VMM_ERR_RPC, _("domain event %d already registered"),
                      args->eventID);
        return FALSE;
    }
    return event_add(c, VMM_EVENT_KIND_DOMAIN_LIFECYCLE, TRUE, NULL, error) >= 0;
}

HANDLER(h_domain_event_deregister_any, remote_connect_domain_event_deregister_any_args, void)
{
    if (!check_event_id(args->eventID, error))
        return FALSE;
    return event_remove(c, VMM_EVENT_KIND_DOMAIN_LIFECYCLE, -1, error);
}

HANDLER(h_domain_event_callback_register_any,
        remote_connect_domain_event_callback_register_any_args,
        remote_connect_domain_event_callback_register_any_ret)
{
    if (!check_event_id(args->eventID, error))
        return FALSE;
    ret->callbackID = event_add(c, VMM_EVENT_KIND_DOMAIN_LIFECYCLE, FALSE,
                                args->dom ? (const unsigned char *)args->dom->uuid : NULL,
                                error);
    return ret->callbackID >= 0;
}

HANDLER(h_domain_event_callback_deregister_any,
        remote_connect_domain_event_callback_deregister_any_args, void)
{
    return event_remove(c, VMM_EVENT_KIND_DOMAIN_LIFECYCLE, args->callbackID, error);
}

HANDLER(h_network_event_register_any, remote_connect_network_event_register_any_args,
        remote_connect_network_event_register_any_ret)
{
    if (!check_event_id(args->eventID, error))
        return FALSE;
    ret->callbackID = event_add(c, VMM_EVENT_KIND_NETWORK_LIFECYCLE, FALSE,
                                args->net ? (const unsigned char *)args->net->uuid : NULL,
                                error);
    return ret->callbackID >= 0;
}

HANDLER(h_network_event_deregister_any, remote_connect_network_event_deregister_any_args,
        void)
{
    return event_remove(c, VMM_EVENT_KIND_NETWORK_LIFECYCLE, args->callbackID, error);
}

HANDLER(h_storage_pool_event_register_any,
        remote_connect_storage_pool_event_register_any_args,
        remote_connect_storage_pool_event_register_any_ret)
{
    if (!check_event_id(args->eventID, error))
        return FALSE;
    ret->callbackID = event_add(c, VMM_EVENT_KIND_STORAGE_POOL_LIFECYCLE, FALSE,
                                args->pool ? (const unsigned char *)args->pool->uuid : NULL,
                                error);
    return ret->callbackID >= 0;
}

HANDLER(h_storage_pool_event_deregister_any,
        remote_connect_storage_pool_event_deregister_any_args, void)
{
    return event_remove(c, VMM_EVENT_KIND_STORAGE_POOL_LIFECYCLE, args->callbackID, error);
}

/* ------------------------------------------------------------------ */
/* The table                                                           */

typedef gboolean (*Handler)(Call *c, void *args, void *ret, GError **error);

enum {
    PROC_WRITES = 1 << 0,      /* refused on read-only sockets and connections */
    PROC_NO_CONN = 1 << 1,     /* allowed before CONNECT_OPEN */
    PROC_PRIORITY = 1 << 2,    /* never waits on a guest: may use the priority workers */
    /* Runs on the I/O loop itself (dispatch_inline()): takes no object
     * lock but through the list lookups, which then never wait. */
    PROC_INLINE = 1 << 3,
};

typedef struct {
    int proc;
    const char *api;           /* named in "read only access prevents ..." */
    Handler handler;
    xdrproc_t args_xdr;        /* NULL: no arguments */
    gsize args_size;
    xdrproc_t ret_xdr;         /* NULL: empty reply */
    gsize ret_size;
    unsigned int flags;
} ProcRow;

#define XDR_OF(t) ((xdrproc_t)xdr_##t)
/* Rows: arguments and result, arguments only, result only, neither. */
#define ROW_AR(p, api, h, at, rt, f) \
    { REMOTE_PROC_##p, api, h, XDR_OF(at), sizeof(at), XDR_OF(rt), sizeof(rt), f }
#define ROW_A(p, api, h, at, f) \
    { REMOTE_PROC_##p, api, h, XDR_OF(at), sizeof(at), NULL, 0, f }
#define ROW_R(p, api, h, rt, f) \
    { REMOTE_PROC_##p, api, h, NULL, 0, XDR_OF(rt), sizeof(rt), f }
#define ROW_V(p, api, h, f) \
    { REMOTE_PROC_##p, api, h, NULL, 0, NULL, 0, f }

#define W PROC_WRITES
#define P PROC_PRIORITY
#define I PROC_INLINE

static const ProcRow proc_table[] = {
    /* connection, node, auth */
    ROW_A(CONNECT_OPEN, "virConnectOpen", h_connect_open, remote_connect_open_args, PROC_NO_CONN),
    ROW_V(CONNECT_CLOSE, "virConnectClose", h_connect_close, PROC_NO_CONN | I),
    ROW_R(CONNECT_GET_TYPE, "virConnectGetType", h_connect_get_type,
          remote_connect_get_type_ret, 0),
    ROW_R(CONNECT_GET_VERSION, "virConnectGetVersion", h_connect_get_version,
          remote_connect_get_version_ret, 0),
    ROW_R(CONNECT_GET_LIB_VERSION, "virConnectGetLibVersion", h_connect_get_lib_version,
          remote_connect_get_lib_version_ret, I),
    ROW_R(CONNECT_GET_HOSTNAME, "virConnectGetHostname", h_connect_get_hostname,
          remote_connect_get_hostname_ret, 0),
    ROW_R(CONNECT_GET_URI, "virConnectGetURI", h_connect_get_uri,
          remote_connect_get_uri_ret, I),
    ROW_R(CONNECT_GET_CAPABILITIES, "virConnectGetCapabilities", h_connect_get_capabilities,
          remote_connect_get_capabilities_ret, 0),
    ROW_AR(CONNECT_GET_DOMAIN_CAPABILITIES, "virConnectGetDomainCapabilities",
           h_connect_get_domain_capabilities, remote_connect_get_domain_capabilities_args,
           remote_connect_get_domain_capabilities_ret, 0),
    ROW_AR(DOMAIN_INTERFACE_ADDRESSES, "virDomainInterfaceAddresses",
           h_domain_interface_addresses, remote_domain_interface_addresses_args,
           remote_domain_interface_addresses_ret, 0),
    ROW_R(CONNECT_IS_SECURE, "virConnectIsSecure", h_connect_is_secure,
          remote_connect_is_secure_ret, I),
    ROW_R(NODE_GET_INFO, "virNodeGetInfo", h_node_get_info, remote_node_get_info_ret, 0),
    ROW_R(NODE_GET_SECURITY_MODEL, "virNodeGetSecurityModel", h_node_get_security_model,
          remote_node_get_security_model_ret, 0),
    /* Feature 10 works before open; dispatch() checks the others. */
    ROW_AR(CONNECT_SUPPORTS_FEATURE, "virConnectSupportsFeature", h_connect_supports_feature,
           remote_connect_supports_feature_args, remote_connect_supports_feature_ret,
           PROC_NO_CONN | I),
    ROW_R(AUTH_LIST, "virConnectAuthList", h_auth_list, remote_auth_list_ret, PROC_NO_CONN | I),
    ROW_R(AUTH_POLKIT, "virConnectAuthPolkit", h_auth_polkit, remote_auth_polkit_ret,
          PROC_NO_CONN),
    ROW_V(CONNECT_REGISTER_CLOSE_CALLBACK, "virConnectRegisterCloseCallback", h_noop, I),
    ROW_V(CONNECT_UNREGISTER_CLOSE_CALLBACK, "virConnectUnregisterCloseCallback", h_noop, I),

    /* domain lists */
    ROW_AR(CONNECT_LIST_ALL_DOMAINS, "virConnectListAllDomains", h_connect_list_all_domains,
           remote_connect_list_all_domains_args, remote_connect_list_all_domains_ret, P),
    ROW_AR(CONNECT_GET_ALL_DOMAIN_STATS, "virConnectGetAllDomainStats",
           h_connect_get_all_domain_stats, remote_connect_get_all_domain_stats_args,
           remote_connect_get_all_domain_stats_ret, P),
    ROW_R(CONNECT_NUM_OF_DOMAINS, "virConnectNumOfDomains", h_connect_num_of_domains,
          remote_connect_num_of_domains_ret, 0),
    ROW_R(CONNECT_NUM_OF_DEFINED_DOMAINS, "virConnectNumOfDefinedDomains",
          h_connect_num_of_defined_domains, remote_connect_num_of_defined_domains_ret, 0),
    ROW_AR(CONNECT_LIST_DOMAINS, "virConnectListDomains", h_connect_list_domains,
           remote_connect_list_domains_args, remote_connect_list_domains_ret, 0),
    ROW_AR(CONNECT_LIST_DEFINED_DOMAINS, "virConnectListDefinedDomains",
           h_connect_list_defined_domains, remote_connect_list_defined_domains_args,
           remote_connect_list_defined_domains_ret, 0),

    /* domains */
    ROW_AR(DOMAIN_LOOKUP_BY_NAME, "virDomainLookupByName", h_domain_lookup_by_name,
           remote_domain_lookup_by_name_args, remote_domain_lookup_by_name_ret, P | I),
    ROW_AR(DOMAIN_LOOKUP_BY_UUID, "virDomainLookupByUUID", h_domain_lookup_by_uuid,
           remote_domain_lookup_by_uuid_args, remote_domain_lookup_by_uuid_ret, P | I),
    ROW_AR(DOMAIN_LOOKUP_BY_ID, "virDomainLookupByID", h_domain_lookup_by_id,
           remote_domain_lookup_by_id_args, remote_domain_lookup_by_id_ret, P | I),
    ROW_AR(DOMAIN_DEFINE_XML, "virDomainDefineXML", h_domain_define_xml,
           remote_domain_define_xml_args, remote_domain_define_xml_ret, W),
    ROW_AR(DOMAIN_DEFINE_XML_FLAGS, "virDomainDefineXMLFlags", h_domain_define_xml_flags,
           remote_domain_define_xml_flags_args, remote_domain_define_xml_flags_ret, W),
    ROW_AR(DOMAIN_CREATE_XML, "virDomainCreateXML", h_domain_create_xml,
           remote_domain_create_xml_args, remote_domain_create_xml_ret, W),
    ROW_A(DOMAIN_CREATE, "virDomainCreate", h_domain_create, remote_domain_create_args, W),
    ROW_AR(DOMAIN_CREATE_WITH_FLAGS, "virDomainCreateWithFlags", h_domain_create_with_flags,
           remote_domain_create_with_flags_args, remote_domain_create_with_flags_ret, W),
    ROW_A(DOMAIN_DESTROY, "virDomainDestroy", h_domain_destroy, remote_domain_destroy_args, W | P),
    ROW_A(DOMAIN_DESTROY_FLAGS, "virDomainDestroyFlags", h_domain_destroy_flags,
          remote_domain_destroy_flags_args, W | P),
    ROW_A(DOMAIN_SHUTDOWN, "virDomainShutdown", h_domain_shutdown,
          remote_domain_shutdown_args, W),
    ROW_A(DOMAIN_SHUTDOWN_FLAGS, "virDomainShutdownFlags", h_domain_shutdown_flags,
          remote_domain_shutdown_flags_args, W),
    ROW_A(DOMAIN_REBOOT, "virDomainReboot", h_domain_reboot, remote_domain_reboot_args, W),
    ROW_A(DOMAIN_RESET, "virDomainReset", h_domain_reset, remote_domain_reset_args, W),
    ROW_A(DOMAIN_SUSPEND, "virDomainSuspend", h_domain_suspend, remote_domain_suspend_args, W),
    ROW_A(DOMAIN_RESUME, "virDomainResume", h_domain_resume, remote_domain_resume_args, W),
    ROW_A(DOMAIN_UNDEFINE, "virDomainUndefine", h_domain_undefine,
          remote_domain_undefine_args, W),
    ROW_A(DOMAIN_UNDEFINE_FLAGS, "virDomainUndefineFlags", h_domain_undefine_flags,
          remote_domain_undefine_flags_args, W),
    ROW_A(DOMAIN_SET_AUTOSTART, "virDomainSetAutostart", h_domain_set_autostart,
          remote_domain_set_autostart_args, W),
    ROW_A(DOMAIN_SET_METADATA, "virDomainSetMetadata", h_domain_set_metadata,
          remote_domain_set_metadata_args, W),
    ROW_A(DOMAIN_ATTACH_DEVICE, "virDomainAttachDevice", h_domain_attach_device,
          remote_domain_attach_device_args, W),
    ROW_A(DOMAIN_ATTACH_DEVICE_FLAGS, "virDomainAttachDeviceFlags",
          h_domain_attach_device_flags, remote_domain_attach_device_flags_args, W),
    ROW_A(DOMAIN_DETACH_DEVICE, "virDomainDetachDevice", h_domain_detach_device,
          remote_domain_detach_device_args, W),
    ROW_A(DOMAIN_DETACH_DEVICE_FLAGS, "virDomainDetachDeviceFlags",
          h_domain_detach_device_flags, remote_domain_detach_device_flags_args, W),
    ROW_A(DOMAIN_UPDATE_DEVICE_FLAGS, "virDomainUpdateDeviceFlags",
          h_domain_update_device_flags, remote_domain_update_device_flags_args, W),
    ROW_AR(DOMAIN_GET_INFO, "virDomainGetInfo", h_domain_get_info,
           remote_domain_get_info_args, remote_domain_get_info_ret, P | I),
    ROW_AR(DOMAIN_GET_STATE, "virDomainGetState", h_domain_get_state,
           remote_domain_get_state_args, remote_domain_get_state_ret, P | I),
    ROW_AR(DOMAIN_GET_XML_DESC, "virDomainGetXMLDesc", h_domain_get_xml_desc,
           remote_domain_get_xml_desc_args, remote_domain_get_xml_desc_ret, 0),
    ROW_AR(DOMAIN_GET_OS_TYPE, "virDomainGetOSType", h_domain_get_os_type,
           remote_domain_get_os_type_args, remote_domain_get_os_type_ret, 0),
    ROW_AR(DOMAIN_MEMORY_STATS, "virDomainMemoryStats", h_domain_memory_stats,
           remote_domain_memory_stats_args, remote_domain_memory_stats_ret, 0),
    ROW_AR(DOMAIN_BLOCK_STATS, "virDomainBlockStats", h_domain_block_stats,
           remote_domain_block_stats_args, remote_domain_block_stats_ret, 0),
    ROW_AR(DOMAIN_BLOCK_STATS_FLAGS, "virDomainBlockStatsFlags", h_domain_block_stats_flags,
           remote_domain_block_stats_flags_args, remote_domain_block_stats_flags_ret, 0),
    ROW_AR(DOMAIN_INTERFACE_STATS, "virDomainInterfaceStats", h_domain_interface_stats,
           remote_domain_interface_stats_args, remote_domain_interface_stats_ret, 0),
    ROW_AR(DOMAIN_GET_VCPUS, "virDomainGetVcpus", h_domain_get_vcpus,
           remote_domain_get_vcpus_args, remote_domain_get_vcpus_ret, 0),
    ROW_AR(DOMAIN_GET_VCPU_PIN_INFO, "virDomainGetVcpuPinInfo", h_domain_get_vcpu_pin_info,
           remote_domain_get_vcpu_pin_info_args, remote_domain_get_vcpu_pin_info_ret, 0),
    ROW_AR(NODE_GET_CPU_MAP, "virNodeGetCPUMap", h_node_get_cpu_map,
           remote_node_get_cpu_map_args, remote_node_get_cpu_map_ret, 0),
    ROW_AR(DOMAIN_GET_MAX_MEMORY, "virDomainGetMaxMemory", h_domain_get_max_memory,
           remote_domain_get_max_memory_args, remote_domain_get_max_memory_ret, 0),
    ROW_AR(DOMAIN_GET_MAX_VCPUS, "virDomainGetMaxVcpus", h_domain_get_max_vcpus,
           remote_domain_get_max_vcpus_args, remote_domain_get_max_vcpus_ret, 0),
    ROW_AR(DOMAIN_GET_VCPUS_FLAGS, "virDomainGetVcpusFlags", h_domain_get_vcpus_flags,
           remote_domain_get_vcpus_flags_args, remote_domain_get_vcpus_flags_ret, 0),
    ROW_AR(DOMAIN_GET_AUTOSTART, "virDomainGetAutostart", h_domain_get_autostart,
           remote_domain_get_autostart_args, remote_domain_get_autostart_ret, 0),
    ROW_AR(DOMAIN_IS_ACTIVE, "virDomainIsActive", h_domain_is_active,
           remote_domain_is_active_args, remote_domain_is_active_ret, P | I),
    ROW_AR(DOMAIN_IS_PERSISTENT, "virDomainIsPersistent", h_domain_is_persistent,
           remote_domain_is_persistent_args, remote_domain_is_persistent_ret, P | I),
    ROW_AR(DOMAIN_HAS_MANAGED_SAVE_IMAGE, "virDomainHasManagedSaveImage",
           h_domain_has_managed_save_image, remote_domain_has_managed_save_image_args,
           remote_domain_has_managed_save_image_ret, 0),
    ROW_AR(DOMAIN_SNAPSHOT_NUM, "virDomainSnapshotNum", h_domain_snapshot_num,
           remote_domain_snapshot_num_args, remote_domain_snapshot_num_ret, 0),
    ROW_AR(DOMAIN_GET_MESSAGES, "virDomainGetMessages", h_domain_get_messages,
           remote_domain_get_messages_args, remote_domain_get_messages_ret, 0),
    ROW_AR(DOMAIN_GET_METADATA, "virDomainGetMetadata", h_domain_get_metadata,
           remote_domain_get_metadata_args, remote_domain_get_metadata_ret, 0),
    ROW_A(DOMAIN_OPEN_CONSOLE, "virDomainOpenConsole", h_domain_open_console,
          remote_domain_open_console_args, W),
    ROW_AR(DOMAIN_GET_SECURITY_LABEL, "virDomainGetSecurityLabel", h_domain_get_security_label,
           remote_domain_get_security_label_args, remote_domain_get_security_label_ret, 0),

    /* networks */
    ROW_AR(CONNECT_LIST_ALL_NETWORKS, "virConnectListAllNetworks", h_connect_list_all_networks,
           remote_connect_list_all_networks_args, remote_connect_list_all_networks_ret, P),
    ROW_R(CONNECT_NUM_OF_NETWORKS, "virConnectNumOfNetworks", h_connect_num_of_networks,
          remote_connect_num_of_networks_ret, 0),
    ROW_R(CONNECT_NUM_OF_DEFINED_NETWORKS, "virConnectNumOfDefinedNetworks",
          h_connect_num_of_defined_networks, remote_connect_num_of_defined_networks_ret, 0),
    ROW_AR(CONNECT_LIST_NETWORKS, "virConnectListNetworks", h_connect_list_networks,
           remote_connect_list_networks_args, remote_connect_list_networks_ret, 0),
    ROW_AR(CONNECT_LIST_DEFINED_NETWORKS, "virConnectListDefinedNetworks",
           h_connect_list_defined_networks, remote_connect_list_defined_networks_args,
           remote_connect_list_defined_networks_ret, 0),
    ROW_AR(NETWORK_LOOKUP_BY_NAME, "virNetworkLookupByName", h_network_lookup_by_name,
           remote_network_lookup_by_name_args, remote_network_lookup_by_name_ret, P),
    ROW_AR(NETWORK_LOOKUP_BY_UUID, "virNetworkLookupByUUID", h_network_lookup_by_uuid,
           remote_network_lookup_by_uuid_args, remote_network_lookup_by_uuid_ret, 0),
    ROW_AR(NETWORK_DEFINE_XML, "virNetworkDefineXML", h_network_define_xml,
           remote_network_define_xml_args, remote_network_define_xml_ret, W),
    ROW_AR(NETWORK_DEFINE_XML_FLAGS, "virNetworkDefineXMLFlags", h_network_define_xml_flags,
           remote_network_define_xml_flags_args, remote_network_define_xml_flags_ret, W),
    ROW_AR(NETWORK_CREATE_XML, "virNetworkCreateXML", h_network_create_xml,
           remote_network_create_xml_args, remote_network_create_xml_ret, W),
    ROW_A(NETWORK_UNDEFINE, "virNetworkUndefine", h_network_undefine,
          remote_network_undefine_args, W),
    ROW_A(NETWORK_CREATE, "virNetworkCreate", h_network_create, remote_network_create_args, W),
    ROW_A(NETWORK_DESTROY, "virNetworkDestroy", h_network_destroy,
          remote_network_destroy_args, W),
    ROW_A(NETWORK_SET_AUTOSTART, "virNetworkSetAutostart", h_network_set_autostart,
          remote_network_set_autostart_args, W),
    ROW_A(NETWORK_UPDATE, "virNetworkUpdate", h_network_update, remote_network_update_args, W),
    ROW_AR(NETWORK_GET_XML_DESC, "virNetworkGetXMLDesc", h_network_get_xml_desc,
           remote_network_get_xml_desc_args, remote_network_get_xml_desc_ret, 0),
    ROW_AR(NETWORK_GET_BRIDGE_NAME, "virNetworkGetBridgeName", h_network_get_bridge_name,
           remote_network_get_bridge_name_args, remote_network_get_bridge_name_ret, 0),
    ROW_AR(NETWORK_GET_AUTOSTART, "virNetworkGetAutostart", h_network_get_autostart,
           remote_network_get_autostart_args, remote_network_get_autostart_ret, 0),
    ROW_AR(NETWORK_IS_ACTIVE, "virNetworkIsActive", h_network_is_active,
           remote_network_is_active_args, remote_network_is_active_ret, 0),
    ROW_AR(NETWORK_IS_PERSISTENT, "virNetworkIsPersistent", h_network_is_persistent,
           remote_network_is_persistent_args, remote_network_is_persistent_ret, 0),
    ROW_AR(NETWORK_GET_DHCP_LEASES, "virNetworkGetDHCPLeases", h_network_get_dhcp_leases,
           remote_network_get_dhcp_leases_args, remote_network_get_dhcp_leases_ret, 0),
    ROW_AR(VMM_NETWORK_GET_MESSAGES, "vmm_network_get_messages", h_network_get_messages,
           remote_network_get_messages_args, remote_network_get_messages_ret, 0),

    /* storage pools */
    ROW_AR(CONNECT_LIST_ALL_STORAGE_POOLS, "virConnectListAllStoragePools",
           h_connect_list_all_storage_pools, remote_connect_list_all_storage_pools_args,
           remote_connect_list_all_storage_pools_ret, P),
    ROW_R(CONNECT_NUM_OF_STORAGE_POOLS, "virConnectNumOfStoragePools",
          h_connect_num_of_storage_pools, remote_connect_num_of_storage_pools_ret, 0),
    ROW_R(CONNECT_NUM_OF_DEFINED_STORAGE_POOLS, "virConnectNumOfDefinedStoragePools",
          h_connect_num_of_defined_storage_pools,
          remote_connect_num_of_defined_storage_pools_ret, 0),
    ROW_AR(CONNECT_LIST_STORAGE_POOLS, "virConnectListStoragePools",
           h_connect_list_storage_pools, remote_connect_list_storage_pools_args,
           remote_connect_list_storage_pools_ret, 0),
    ROW_AR(CONNECT_LIST_DEFINED_STORAGE_POOLS, "virConnectListDefinedStoragePools",
           h_connect_list_defined_storage_pools, remote_connect_list_defined_storage_pools_args,
           remote_connect_list_defined_storage_pools_ret, 0),
    ROW_AR(STORAGE_POOL_LOOKUP_BY_NAME, "virStoragePoolLookupByName",
           h_storage_pool_lookup_by_name, remote_storage_pool_lookup_by_name_args,
           remote_storage_pool_lookup_by_name_ret, P),
    ROW_AR(STORAGE_POOL_LOOKUP_BY_UUID, "virStoragePoolLookupByUUID",
           h_storage_pool_lookup_by_uuid, remote_storage_pool_lookup_by_uuid_args,
           remote_storage_pool_lookup_by_uuid_ret, 0),
    ROW_AR(STORAGE_POOL_LOOKUP_BY_VOLUME, "virStoragePoolLookupByVolume",
           h_storage_pool_lookup_by_volume, remote_storage_pool_lookup_by_volume_args,
           remote_storage_pool_lookup_by_volume_ret, 0),
    ROW_AR(STORAGE_POOL_DEFINE_XML, "virStoragePoolDefineXML", h_storage_pool_define_xml,
           remote_storage_pool_define_xml_args, remote_storage_pool_define_xml_ret, W),
    ROW_AR(STORAGE_POOL_CREATE_XML, "virStoragePoolCreateXML", h_storage_pool_create_xml,
           remote_storage_pool_create_xml_args, remote_storage_pool_create_xml_ret, W),
    ROW_A(STORAGE_POOL_UNDEFINE, "virStoragePoolUndefine", h_storage_pool_undefine,
          remote_storage_pool_undefine_args, W),
    ROW_A(STORAGE_POOL_CREATE, "virStoragePoolCreate", h_storage_pool_create,
          remote_storage_pool_create_args, W),
    ROW_A(STORAGE_POOL_DESTROY, "virStoragePoolDestroy", h_storage_pool_destroy,
          remote_storage_pool_destroy_args, W),
    ROW_A(STORAGE_POOL_DELETE, "virStoragePoolDelete", h_storage_pool_delete,
          remote_storage_pool_delete_args, W),
    ROW_A(STORAGE_POOL_BUILD, "virStoragePoolBuild", h_storage_pool_build,
          remote_storage_pool_build_args, W),
    ROW_A(STORAGE_POOL_REFRESH, "virStoragePoolRefresh", h_storage_pool_refresh,
          remote_storage_pool_refresh_args, W),
    ROW_A(STORAGE_POOL_SET_AUTOSTART, "virStoragePoolSetAutostart",
          h_storage_pool_set_autostart, remote_storage_pool_set_autostart_args, W),
    ROW_AR(STORAGE_POOL_GET_INFO, "virStoragePoolGetInfo", h_storage_pool_get_info,
           remote_storage_pool_get_info_args, remote_storage_pool_get_info_ret, 0),
    ROW_AR(STORAGE_POOL_GET_XML_DESC, "virStoragePoolGetXMLDesc", h_storage_pool_get_xml_desc,
           remote_storage_pool_get_xml_desc_args, remote_storage_pool_get_xml_desc_ret, 0),
    ROW_AR(STORAGE_POOL_GET_AUTOSTART, "virStoragePoolGetAutostart",
           h_storage_pool_get_autostart, remote_storage_pool_get_autostart_args,
           remote_storage_pool_get_autostart_ret, 0),
    ROW_AR(STORAGE_POOL_IS_ACTIVE, "virStoragePoolIsActive", h_storage_pool_is_active,
           remote_storage_pool_is_active_args, remote_storage_pool_is_active_ret, 0),
    ROW_AR(STORAGE_POOL_IS_PERSISTENT, "virStoragePoolIsPersistent",
           h_storage_pool_is_persistent, remote_storage_pool_is_persistent_args,
           remote_storage_pool_is_persistent_ret, 0),
    ROW_AR(STORAGE_POOL_LIST_ALL_VOLUMES, "virStoragePoolListAllVolumes",
           h_storage_pool_list_all_volumes, remote_storage_pool_list_all_volumes_args,
           remote_storage_pool_list_all_volumes_ret, 0),
    ROW_AR(STORAGE_POOL_NUM_OF_VOLUMES, "virStoragePoolNumOfVolumes",
           h_storage_pool_num_of_volumes, remote_storage_pool_num_of_volumes_args,
           remote_storage_pool_num_of_volumes_ret, 0),
    ROW_AR(STORAGE_POOL_LIST_VOLUMES, "virStoragePoolListVolumes",
           h_storage_pool_list_volumes, remote_storage_pool_list_volumes_args,
           remote_storage_pool_list_volumes_ret, 0),

    /* storage volumes */
    ROW_AR(STORAGE_VOL_LOOKUP_BY_NAME, "virStorageVolLookupByName",
           h_storage_vol_lookup_by_name, remote_storage_vol_lookup_by_name_args,
           remote_storage_vol_lookup_by_name_ret, 0),
    ROW_AR(STORAGE_VOL_LOOKUP_BY_KEY, "virStorageVolLookupByKey", h_storage_vol_lookup_by_key,
           remote_storage_vol_lookup_by_key_args, remote_storage_vol_lookup_by_key_ret, 0),
    ROW_AR(STORAGE_VOL_LOOKUP_BY_PATH, "virStorageVolLookupByPath",
           h_storage_vol_lookup_by_path, remote_storage_vol_lookup_by_path_args,
           remote_storage_vol_lookup_by_path_ret, 0),
    ROW_AR(STORAGE_VOL_CREATE_XML, "virStorageVolCreateXML", h_storage_vol_create_xml,
           remote_storage_vol_create_xml_args, remote_storage_vol_create_xml_ret, W),
    ROW_A(STORAGE_VOL_DELETE, "virStorageVolDelete", h_storage_vol_delete,
          remote_storage_vol_delete_args, W),
    ROW_AR(STORAGE_VOL_GET_INFO, "virStorageVolGetInfo", h_storage_vol_get_info,
           remote_storage_vol_get_info_args, remote_storage_vol_get_info_ret, 0),
    ROW_AR(STORAGE_VOL_GET_INFO_FLAGS, "virStorageVolGetInfoFlags",
           h_storage_vol_get_info_flags, remote_storage_vol_get_info_flags_args,
           remote_storage_vol_get_info_flags_ret, 0),
    ROW_AR(STORAGE_VOL_GET_XML_DESC, "virStorageVolGetXMLDesc", h_storage_vol_get_xml_desc,
           remote_storage_vol_get_xml_desc_args, remote_storage_vol_get_xml_desc_ret, 0),
    ROW_A(STORAGE_VOL_UPLOAD, "virStorageVolUpload", h_storage_vol_upload,
          remote_storage_vol_upload_args, W),
    ROW_A(STORAGE_VOL_DOWNLOAD, "virStorageVolDownload", h_storage_vol_download,
          remote_storage_vol_download_args, W),
    ROW_AR(STORAGE_VOL_GET_PATH, "virStorageVolGetPath", h_storage_vol_get_path,
           remote_storage_vol_get_path_args, remote_storage_vol_get_path_ret, 0),

    /* events: registering only reads, as in libvirtd */
    ROW_A(CONNECT_DOMAIN_EVENT_REGISTER_ANY, "virConnectDomainEventRegisterAny",
          h_domain_event_register_any, remote_connect_domain_event_register_any_args, 0),
    ROW_A(CONNECT_DOMAIN_EVENT_DEREGISTER_ANY, "virConnectDomainEventDeregisterAny",
          h_domain_event_deregister_any, remote_connect_domain_event_deregister_any_args, 0),
    ROW_AR(CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, "virConnectDomainEventRegisterAny",
           h_domain_event_callback_register_any,
           remote_connect_domain_event_callback_register_any_args,
           remote_connect_domain_event_callback_register_any_ret, 0),
    ROW_A(CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, "virConnectDomainEventDeregisterAny",
          h_domain_event_callback_deregister_any,
          remote_connect_domain_event_callback_deregister_any_args, 0),
    ROW_AR(CONNECT_NETWORK_EVENT_REGISTER_ANY, "virConnectNetworkEventRegisterAny",
           h_network_event_register_any, remote_connect_network_event_register_any_args,
           remote_connect_network_event_register_any_ret, 0),
    ROW_A(CONNECT_NETWORK_EVENT_DEREGISTER_ANY, "virConnectNetworkEventDeregisterAny",
          h_network_event_deregister_any, remote_connect_network_event_deregister_any_args, 0),
    ROW_AR(CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY, "virConnectStoragePoolEventRegisterAny",
           h_storage_pool_event_register_any,
           remote_connect_storage_pool_event_register_any_args,
           remote_connect_storage_pool_event_register_any_ret, 0),
    ROW_A(CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY, "virConnectStoragePoolEventDeregisterAny",
          h_storage_pool_event_deregister_any,
          remote_connect_storage_pool_event_deregister_any_args, 0),
};

#undef W
#undef P
#undef I

/* libvirt's procedure numbers are small: index them directly.  vmm's own
 * (REMOTE_PROC_VMM_*, from 0x40000001 up) take the slots from
 * PROC_INDEX_LIBVIRT on. */
#define PROC_INDEX_LIBVIRT 512
#define PROC_VMM_FIRST REMOTE_PROC_VMM_NETWORK_GET_MESSAGES
#define PROC_INDEX_MAX (PROC_INDEX_LIBVIRT + 16)
static const ProcRow *proc_index[PROC_INDEX_MAX];
static GOnce proc_index_once = G_ONCE_INIT;

static int
proc_slot(int proc)
{
    if (proc > 0 && proc < PROC_INDEX_LIBVIRT)
        return proc;
    if (proc >= PROC_VMM_FIRST && proc - PROC_VMM_FIRST < PROC_INDEX_MAX - PROC_INDEX_LIBVIRT)
        return PROC_INDEX_LIBVIRT + (proc - PROC_VMM_FIRST);
    return -1;
}

static gpointer
proc_index_build(gpointer data)
{
    for (size_t i = 0; i < G_N_ELEMENTS(proc_table); i++) {
        int slot = proc_slot(proc_table[i].proc);

        g_assert(slot > 0);
        g_assert(!proc_index[slot]);
        proc_index[slot] = &proc_table[i];
    }
    return NULL;
}

guint
vmmd_dispatch_count(void)
{
    return G_N_ELEMENTS(proc_table);
}

static const ProcRow *
proc_lookup(int proc)
{
    int slot = proc_slot(proc);

    g_once(&proc_index_once, proc_index_build, NULL);
    return slot > 0 ? proc_index[slot] : NULL;
}

/* Which virErrorDomain an error reply names: only changes how clients
 * print it when they have no message. */
static VmmRpcErrorDomain
error_domain(Call *c, const GError *err)
{
    if (err->domain == VMM_ERROR && err->code == VMM_ERR_RPC)
        return VMM_RPC_FROM_RPC;
    if (!c->conn)
        return VMM_RPC_FROM_RPC;
    return conn_is_test(c) ? VMM_RPC_FROM_TEST : VMM_RPC_FROM_QEMU;
}

static GBytes *
dispatch(VmmRpcClient *client, const VmmRpcHeader *call, const guint8 *payload, gsize size,
         gpointer opaque)
{
    ClientPriv *priv = vmm_rpc_client_get_priv(client);
    const ProcRow *row = proc_lookup(call->proc);
    VmmRpcHeader hdr = *call;
    g_autoptr(GError) err = NULL;
    g_autofree void *args = NULL;
    g_autofree void *ret = NULL;
    GBytes *reply = NULL;
    Call c = { .priv = priv, .client = client };

    hdr.type = VMM_RPC_REPLY;
    hdr.status = VMM_RPC_OK;

    g_mutex_lock(&priv->lock);
    if (priv->shared)
        c.conn = priv->shared->conn;
    g_mutex_unlock(&priv->lock);

    if (!row) {
        /* The form libvirt's client turns into "not supported". */
        err = g_error_new(VMM_ERROR, VMM_ERR_RPC, "unknown procedure: %d", call->proc);
        return vmm_rpc_packet_encode_error(&hdr, err, VMM_RPC_FROM_RPC);
    }
    if (!(row->flags & PROC_NO_CONN) && !c.conn) {
        vmm_error_set(&err, VMM_ERR_INTERNAL_ERROR, _("hypervisor connection not open"));
        return vmm_rpc_packet_encode_error(&hdr, err, VMM_RPC_FROM_RPC);
    }
    if ((row->flags & PROC_WRITES) && (vmm_rpc_client_is_readonly(client) || priv->conn_ro)) {
        vmm_error_set(&err, VMM_ERR_OPERATION_DENIED, _("read only access prevents %s"),
                      row->api);
        return vmm_rpc_packet_encode_error(&hdr, err, error_domain(&c, err));
    }

    if (row->args_xdr) {
        args = g_malloc0(row->args_size);
        if (!vmm_rpc_payload_decode(payload, size, row->args_xdr, args, &err)) {
            return vmm_rpc_packet_encode_error(&hdr, err, VMM_RPC_FROM_RPC);
        }
    }
    /* Before open, only the keepalive feature may be asked about. */
    if (call->proc == REMOTE_PROC_CONNECT_SUPPORTS_FEATURE && !c.conn &&
        ((remote_connect_supports_feature_args *)args)->feature != FEATURE_PROGRAM_KEEPALIVE) {
        vmm_error_set(&err, VMM_ERR_INTERNAL_ERROR, _("hypervisor connection not open"));
        reply = vmm_rpc_packet_encode_error(&hdr, err, VMM_RPC_FROM_RPC);
        goto out;
    }
    if (row->ret_xdr)
        ret = g_malloc0(row->ret_size);

    if (!row->handler(&c, args, ret, &err)) {
        if (!err)
            vmm_error_set(&err, VMM_ERR_INTERNAL_ERROR, _("%s failed"), row->api);
        reply = vmm_rpc_packet_encode_error(&hdr, err, error_domain(&c, err));
        /* A failed handler may have filled part of @ret. */
        if (ret)
            vmm_rpc_payload_free(row->ret_xdr, ret);
        goto out;
    }

    reply = vmm_rpc_packet_encode(&hdr, row->ret_xdr, ret, &err);
    if (ret)
        vmm_rpc_payload_free(row->ret_xdr, ret);
    if (!reply)
        reply = vmm_rpc_packet_encode_error(&hdr, err, VMM_RPC_FROM_RPC);
    else if (c.stream)
        vmmd_stream_start(client, call, c.stream, g_steal_pointer(&reply));

out:
    if (c.stream)
        vmm_stream_unref(c.stream);
    if (args)
        vmm_rpc_payload_free(row->args_xdr, args);
    return reply;
}

static gboolean
is_priority(const VmmRpcHeader *hdr, gpointer opaque)
{
    const ProcRow *row = proc_lookup(hdr->proc);

    return row && (row->flags & PROC_PRIORITY);
}

/* Queries that never wait run on the I/O loop: virsh list's one state call
 * per domain then costs no thread hand-off.  A lookup that would wait for
 * an object's lock (a define saving it, say) makes the call start over on
 * a worker, so a slow call on one object still delays no other. */
static gboolean
dispatch_inline(VmmRpcClient *client, const VmmRpcHeader *hdr, const guint8 *payload,
                gsize size, GBytes **reply, gpointer opaque)
{
    const ProcRow *row = proc_lookup(hdr->proc);

    if (!row || !(row->flags & PROC_INLINE))
        return FALSE;
    vmm_obj_nowait_begin();
    *reply = dispatch(client, hdr, payload, size, opaque);
    if (vmm_obj_nowait_end()) {
        g_clear_pointer(reply, g_bytes_unref);
        return FALSE;
    }
    return TRUE;
}

const VmmRpcServerCallbacks vmmd_dispatch_callbacks = {
    .dispatch = dispatch,
    .is_priority = is_priority,
    .client_init = client_init,
    .client_close = client_close,
    .client_free = client_free,
    .dispatch_inline = dispatch_inline,
    .stream = vmm_rpc_server_stream_packet,
};
