/*
 * network_driver.c: the network driver's state and its table.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * State init steps:
 *  1. directories (relocated under a root, or the system ones);
 *  2. persistent definitions from CONFIG_DIR/networks;
 *  3. adoption of the networks still running (RUN_DIR/network/NAME.xml);
 *  4. the default network on the first start (system mode);
 *  5. autostart.
 * Errors wording follows the mock driver (drivers/test/test_network.c).
 */
#include "network_driver_priv.h"
#include "network_port.h"
#include "network_driver.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "events.h"
#include "drivers/network/network_subnet.h"
#include "util/netlink.h"
#include "util/vmm_file.h"

NetDriver *net_driver;

#define DEFAULT_NAME "default"
#define DEFAULT_REMOVED_MARKER "default-removed"

static gboolean
check_state(GError **error)
{
    if (!net_driver) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s",
                      _("the network driver is not running"));
        return FALSE;
    }
    return TRUE;
}

#define CHECK_STATE(fail) \
    do { \
        if (!check_state(error)) \
            return fail; \
    } while (0)

static gboolean
check_flags(unsigned int flags, unsigned int allowed, const char *func, GError **error)
{
    if (flags & ~allowed) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                      flags & ~allowed, func);
        return FALSE;
    }
    return TRUE;
}

#define CHECK_FLAGS(flags, allowed, fail) \
    do { \
        if (!check_flags((flags), (allowed), G_STRFUNC, error)) \
            return fail; \
    } while (0)

static VmmNetworkObj *
network_find(VmmNetwork *net, GError **error)
{
    if (!check_state(error))
        return NULL;
    return vmm_network_obj_find(net_driver->networks, net->uuid, net->name, error);
}

static VmmNetwork *
network_handle_end(VmmConnect *conn, VmmNetworkObj *obj)
{
    VmmNetwork *net = vmm_network_new_handle(conn, obj->name, obj->uuid);

    vmm_obj_end(obj);
    return net;
}

static void
emit(VmmConnect *conn, const char *name, const unsigned char *uuid, int event)
{
    g_autoptr(VmmNetwork) net = NULL;

    if (!conn)
        return;
    net = vmm_network_new_handle(conn, name, uuid);
    vmm_event_emit_network_lifecycle(conn, net, event, 0);
}

static char *
marker_path(void)
{
    return g_build_filename(net_driver->state_dir, DEFAULT_REMOVED_MARKER, NULL);
}

/* ------------------------------------------------------------------ */
/* The table                                                           */

static gint
compare_net_names(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(vmm_network_get_name(*(VmmNetwork **)a),
                     vmm_network_get_name(*(VmmNetwork **)b));
}

static GPtrArray *
net_list_all(VmmConnect *conn, unsigned int flags, GError **error)
{
    g_autoptr(GPtrArray) all = NULL;
    GPtrArray *out;

    CHECK_FLAGS(flags, (VMM_CONNECT_LIST_NETWORKS_NO_AUTOSTART << 1) - 1, NULL);
    CHECK_STATE(NULL);
    all = vmm_obj_list_collect(net_driver->networks);
    out = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_network_unref);
    for (guint i = 0; i < all->len; i++) {
        VmmObj *obj = all->pdata[i];

        vmm_obj_lock(obj);
        if (!obj->removed && vmm_obj_matches_list_flags(obj, flags))
            g_ptr_array_add(out, vmm_network_new_handle(conn, obj->name, obj->uuid));
        vmm_obj_unlock(obj);
    }
    g_ptr_array_sort(out, compare_net_names);
    return out;
}

static VmmNetwork *
net_lookup_by_name(VmmConnect *conn, const char *name, GError **error)
{
    VmmNetworkObj *obj;

    CHECK_STATE(NULL);
    if (!(obj = vmm_network_obj_find_by_name(net_driver->networks, name, error)))
        return NULL;
    return network_handle_end(conn, obj);
}

static VmmNetwork *
net_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error)
{
    VmmNetworkObj *obj;

    CHECK_STATE(NULL);
    if (!(obj = vmm_network_obj_find_by_uuid(net_driver->networks, uuid, error)))
        return NULL;
    return network_handle_end(conn, obj);
}

static VmmNetwork *
net_define_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    VmmNetworkDef *def;
    VmmNetworkObj *obj;
    gboolean created;
    g_autofree char *marker = NULL;

    CHECK_FLAGS(flags, VMM_NETWORK_DEFINE_VALIDATE, NULL);
    CHECK_STATE(NULL);
    if (!(def = vmm_network_obj_parse_define(xml, flags, error)) ||
        !(obj = vmm_obj_list_define(net_driver->networks, net_driver->store, def,
                                    &created, error)))
        return NULL;
    /* A default network defined by hand again lifts the marker. */
    if (g_strcmp0(obj->name, DEFAULT_NAME) == 0) {
        marker = marker_path();
        unlink(marker);
    }
    emit(conn, obj->name, obj->uuid, VMM_NETWORK_EVENT_DEFINED);
    return network_handle_end(conn, obj);
}

static VmmNetwork *
net_create_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    VmmNetworkDef *def;
    VmmNetworkObj *obj;
    gboolean created;
    VmmNetwork *net;

    CHECK_FLAGS(flags, VMM_NETWORK_DEFINE_VALIDATE, NULL);
    CHECK_STATE(NULL);
    if (!(def = vmm_network_obj_parse_define(xml, flags, error)))
        return NULL;
    g_mutex_lock(&net_driver->op_lock);
    if (!(obj = vmm_obj_list_create(net_driver->networks, def, &created, error))) {
        g_mutex_unlock(&net_driver->op_lock);
        return NULL;
    }
    if (!net_start(obj, error)) {
        if (!obj->persistent)
            vmm_obj_list_remove(net_driver->networks, obj);
        vmm_obj_end(obj);
        g_mutex_unlock(&net_driver->op_lock);
        return NULL;
    }
    g_mutex_unlock(&net_driver->op_lock);
    net = network_handle_end(conn, obj);
    emit(conn, net->name, net->uuid, VMM_NETWORK_EVENT_STARTED);
    return net;
}

static gboolean
net_undefine(VmmNetwork *net, GError **error)
{
    VmmNetworkObj *obj;
    gboolean ok;

    if (!(obj = network_find(net, error)))
        return FALSE;
    ok = vmm_obj_list_undefine(net_driver->networks, net_driver->store, obj, error);
    if (ok && g_strcmp0(net->name, DEFAULT_NAME) == 0) {
        g_autofree char *marker = marker_path();
        g_autoptr(GError) err = NULL;

        /* The user removed it: later starts must not bring it back. */
        if (!vmm_file_write_atomic(marker, "", 0, 0644, &err))
            g_warning("%s", err->message);
    }
    vmm_obj_end(obj);
    if (ok)
        emit(net->conn, net->name, net->uuid, VMM_NETWORK_EVENT_UNDEFINED);
    return ok;
}

/* Start the network of handle-less @name (autostart, default) or @net. */
static gboolean
start_obj(VmmNetworkObj *obj, GError **error)
{
    if (obj->active) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("network is already active"));
        return FALSE;
    }
    return net_start(obj, error);
}

static gboolean
net_create(VmmNetwork *net, GError **error)
{
    VmmNetworkObj *obj;
    gboolean ok;

    CHECK_STATE(FALSE);
    g_mutex_lock(&net_driver->op_lock);
    if (!(obj = network_find(net, error))) {
        g_mutex_unlock(&net_driver->op_lock);
        return FALSE;
    }
    ok = start_obj(obj, error);
    vmm_obj_end(obj);
    g_mutex_unlock(&net_driver->op_lock);
    if (ok)
        emit(net->conn, net->name, net->uuid, VMM_NETWORK_EVENT_STARTED);
    return ok;
}

static gboolean
net_destroy(VmmNetwork *net, GError **error)
{
    VmmNetworkObj *obj;
    gboolean ok = TRUE;

    CHECK_STATE(FALSE);
    g_mutex_lock(&net_driver->op_lock);
    if (!(obj = network_find(net, error))) {
        g_mutex_unlock(&net_driver->op_lock);
        return FALSE;
    }
    if (!obj->active) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("network is not active"));
        ok = FALSE;
    } else {
        ok = net_stop(obj, error);
        if (!obj->persistent)
            vmm_obj_list_remove(net_driver->networks, obj);
    }
    vmm_obj_end(obj);
    g_mutex_unlock(&net_driver->op_lock);
    if (ok)
        emit(net->conn, net->name, net->uuid, VMM_NETWORK_EVENT_STOPPED);
    return ok;
}

static char *
net_get_xml_desc(VmmNetwork *net, unsigned int flags, GError **error)
{
    VmmNetworkObj *obj;
    char *xml;

    CHECK_FLAGS(flags, VMM_NETWORK_XML_INACTIVE, NULL);
    if (!(obj = network_find(net, error)))
        return NULL;
    xml = vmm_network_obj_format_xml(obj, flags);
    vmm_obj_end(obj);
    return xml;
}

static char *
net_get_bridge_name(VmmNetwork *net, GError **error)
{
    VmmNetworkObj *obj;
    char *bridge;

    if (!(obj = network_find(net, error)))
        return NULL;
    bridge = vmm_network_obj_bridge_name(obj, error);
    vmm_obj_end(obj);
    return bridge;
}

static gboolean
net_get_autostart(VmmNetwork *net, gboolean *autostart, GError **error)
{
    VmmNetworkObj *obj;

    if (!(obj = network_find(net, error)))
        return FALSE;
    *autostart = obj->autostart;
    vmm_obj_end(obj);
    return TRUE;
}

static gboolean
net_set_autostart(VmmNetwork *net, gboolean autostart, GError **error)
{
    VmmNetworkObj *obj;
    gboolean ok;

    if (!(obj = network_find(net, error)))
        return FALSE;
    ok = vmm_obj_set_autostart(obj, net_driver->store, autostart, error);
    vmm_obj_end(obj);
    return ok;
}

static int
net_is_active(VmmNetwork *net, GError **error)
{
    VmmNetworkObj *obj;
    int ret;

    if (!(obj = network_find(net, error)))
        return -1;
    ret = obj->active ? 1 : 0;
    vmm_obj_end(obj);
    return ret;
}

static int
net_is_persistent(VmmNetwork *net, GError **error)
{
    VmmNetworkObj *obj;
    int ret;

    if (!(obj = network_find(net, error)))
        return -1;
    ret = obj->persistent ? 1 : 0;
    vmm_obj_end(obj);
    return ret;
}

static GStrv
net_get_messages(VmmNetwork *net, unsigned int flags, GError **error)
{
    g_autoptr(GStrvBuilder) b = g_strv_builder_new();
    g_autoptr(VmmNetworkDef) def = NULL;
    g_autofree char *w = NULL;
    VmmNetworkObj *obj;

    if (!(obj = network_find(net, error)))
        return NULL;
    if (obj->active)
        def = vmm_network_def_copy(obj->def);
    vmm_obj_end(obj);
    /* Asked afresh each time (a firewall installed after net-start, by
     * Docker starting later say, is named too), and without the object's
     * lock: reading the ruleset runs nft. */
    if (def && (w = net_foreign_firewall_warning(def)))
        g_strv_builder_add(b, w);
    return g_strv_builder_end(b);
}

/* ------------------------------------------------------------------ */
/* DHCP leases                                                         */

/* The current leases of the network @def, all or those of @mac. */
static GPtrArray *
leases_of(const VmmNetworkDef *def, const char *mac)
{
    g_autoptr(VmmDnsmasqPaths) paths = NULL;
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) parsed = NULL;
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_network_lease_free);
    gint64 now = g_get_real_time() / G_USEC_PER_SEC;

    paths = net_dnsmasq_paths(def->name);
    if (!g_file_get_contents(paths->lease_file, &text, NULL, NULL))
        return out;    /* no lease yet */
    parsed = vmm_dnsmasq_parse_leases(text);
    for (guint i = 0; i < parsed->len; i++) {
        VmmDnsmasqLease *l = parsed->pdata[i];
        VmmNetworkLease *lease;

        if (mac && (!l->mac || g_ascii_strcasecmp(mac, l->mac) != 0))
            continue;
        if (l->expiry > 0 && l->expiry < now)
            continue;
        lease = g_new0(VmmNetworkLease, 1);
        lease->iface = g_strdup(def->bridge_name);
        lease->expirytime = l->expiry;
        lease->type = l->family == VMM_NETWORK_IP_FAMILY_IPV6 ? VMM_IP_ADDR_TYPE_IPV6
                                                              : VMM_IP_ADDR_TYPE_IPV4;
        lease->mac = g_strdup(l->mac);
        lease->iaid = g_strdup(l->iaid);
        lease->ipaddr = g_strdup(l->ip);
        for (guint j = 0; def->ips && j < def->ips->len; j++) {
            const VmmNetworkIPDef *ip = def->ips->pdata[j];

            if (vmm_network_ip_def_contains(ip, l->ip)) {
                lease->prefix = vmm_network_ip_def_get_prefix(ip);
                break;
            }
        }
        lease->hostname = g_strdup(l->hostname);
        lease->clientid = g_strdup(l->client_id);
        g_ptr_array_add(out, lease);
    }
    return out;
}

static GPtrArray *
net_get_dhcp_leases(VmmNetwork *net, const char *mac, unsigned int flags, GError **error)
{
    VmmNetworkObj *obj;
    g_autoptr(VmmNetworkDef) def = NULL;

    CHECK_FLAGS(flags, 0, NULL);
    if (!(obj = network_find(net, error)))
        return NULL;
    def = vmm_network_def_copy(obj->def);
    vmm_obj_end(obj);
    return leases_of(def, mac);
}

GPtrArray *
vmm_network_port_get_leases(const char *network, const char *mac, GError **error)
{
    VmmNetworkObj *obj;
    g_autoptr(VmmNetworkDef) def = NULL;

    if (!net_driver) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s",
                      _("the network driver is not running"));
        return NULL;
    }
    if (!(obj = vmm_network_obj_find_by_name(net_driver->networks, network, error)))
        return NULL;
    def = vmm_network_def_copy(obj->def);
    vmm_obj_end(obj);
    return leases_of(def, mac);
}

/* ------------------------------------------------------------------ */
/* net-update: ip-dhcp-host and dns-host                               */

/* Parse a <host> fragment by wrapping it into a whole network, so that it
 * gets the same checks as in a definition. */
static VmmNetworkDef *
parse_fragment(const VmmNetworkDef *def, unsigned int section, int parent_index,
               const char *xml, GError **error)
{
    g_autofree char *doc = NULL;
    g_autoptr(VmmNetworkDef) tmp = NULL;
    const VmmNetworkIPDef *ip;

    if (!g_str_has_prefix(xml + strspn(xml, " \t\r\n"), "<host")) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("unexpected element in '%s', "
                                                  "expected <host>"), xml);
        return NULL;
    }
    if (section == VMM_NETWORK_SECTION_IP_DHCP_HOST) {
        if (parent_index < 0)
            parent_index = 0;
        ip = vmm_network_def_get_ip(def, -1, (guint)parent_index);
        if (!ip) {
            vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                          _("network '%s' has no <ip> element with index %d"),
                          def->name, parent_index);
            return NULL;
        }
        doc = g_strdup_printf("<network><name>update</name><bridge name='x'/>"
                              "<ip address='%s' prefix='%u'><dhcp>%s</dhcp></ip></network>",
                              ip->address, vmm_network_ip_def_get_prefix(ip), xml);
    } else {
        doc = g_strdup_printf("<network><name>update</name><bridge name='x'/>"
                              "<dns>%s</dns></network>", xml);
    }
    if (!(tmp = vmm_network_def_parse_string(doc, NULL, 0, error)))
        return NULL;
    if ((section == VMM_NETWORK_SECTION_IP_DHCP_HOST &&
         (tmp->ips->len != 1 ||
          ((VmmNetworkIPDef *)tmp->ips->pdata[0])->hosts->len != 1)) ||
        (section == VMM_NETWORK_SECTION_DNS_HOST && tmp->dns.hosts->len != 1)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("expected one <host> element in '%s'"), xml);
        return NULL;
    }
    return g_steal_pointer(&tmp);
}

static gboolean
dhcp_host_same(const VmmNetworkDHCPHost *a, const VmmNetworkDHCPHost *b)
{
    if (a->mac || b->mac)
        return a->mac && b->mac && g_ascii_strcasecmp(a->mac, b->mac) == 0;
    if (a->id || b->id)
        return g_strcmp0(a->id, b->id) == 0;
    return g_strcmp0(a->ip, b->ip) == 0;
}

/* Apply one update to @def (a copy the caller owns). */
static gboolean
apply_update(VmmNetworkDef *def, unsigned int command, unsigned int section,
             int parent_index, const char *xml, GError **error)
{
    g_autoptr(VmmNetworkDef) frag = parse_fragment(def, section, parent_index, xml, error);
    GPtrArray *list, *from;
    gint found = -1;

    if (!frag)
        return FALSE;
    if (section == VMM_NETWORK_SECTION_IP_DHCP_HOST) {
        const VmmNetworkIPDef *ip = vmm_network_def_get_ip(
            def, -1, parent_index < 0 ? 0 : (guint)parent_index);
        VmmNetworkDHCPHost *item;

        from = ((VmmNetworkIPDef *)frag->ips->pdata[0])->hosts;
        item = from->pdata[0];
        list = ip->hosts;
        for (guint i = 0; i < list->len && found < 0; i++) {
            if (dhcp_host_same(list->pdata[i], item))
                found = (gint)i;
        }
    } else {
        VmmNetworkDNSHost *item;

        from = frag->dns.hosts;
        item = from->pdata[0];
        list = def->dns.hosts;
        for (guint i = 0; i < list->len && found < 0; i++) {
            if (g_strcmp0(((VmmNetworkDNSHost *)list->pdata[i])->ip, item->ip) == 0)
                found = (gint)i;
        }
    }

    switch (command) {
    case VMM_NETWORK_UPDATE_COMMAND_ADD_FIRST:
    case VMM_NETWORK_UPDATE_COMMAND_ADD_LAST:
        if (found >= 0) {
            vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                          _("there is already a matching <host> in network '%s'"), def->name);
            return FALSE;
        }
        if (command == VMM_NETWORK_UPDATE_COMMAND_ADD_FIRST)
            g_ptr_array_insert(list, 0, g_ptr_array_steal_index(from, 0));
        else
            g_ptr_array_add(list, g_ptr_array_steal_index(from, 0));
        return TRUE;
    case VMM_NETWORK_UPDATE_COMMAND_DELETE:
    case VMM_NETWORK_UPDATE_COMMAND_MODIFY:
        if (found < 0) {
            vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                          _("couldn't locate a matching <host> in network '%s'"), def->name);
            return FALSE;
        }
        if (command == VMM_NETWORK_UPDATE_COMMAND_MODIFY) {
            /* The new entry takes the old one's place. */
            g_ptr_array_add(list, g_ptr_array_steal_index(from, 0));
            g_ptr_array_remove_index_fast(list, (guint)found);
        } else {
            g_ptr_array_remove_index(list, (guint)found);
        }
        return TRUE;
    default:
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("unknown network update command %u"),
                      command);
        return FALSE;
    }
}

static gboolean
net_update(VmmNetwork *net, unsigned int command, unsigned int section, int parent_index,
           const char *xml, unsigned int flags, GError **error)
{
    VmmNetworkObj *obj;
    gboolean live, config, ok = FALSE;
    g_autoptr(VmmNetworkDef) new_live = NULL;
    g_autoptr(VmmNetworkDef) new_conf = NULL;

    CHECK_FLAGS(flags, VMM_NETWORK_UPDATE_AFFECT_LIVE | VMM_NETWORK_UPDATE_AFFECT_CONFIG,
                FALSE);
    CHECK_STATE(FALSE);
    if (section != VMM_NETWORK_SECTION_IP_DHCP_HOST &&
        section != VMM_NETWORK_SECTION_DNS_HOST) {
        vmm_error_set(error, VMM_ERR_NO_SUPPORT,
                      _("can't update network section %u (only ip-dhcp-host and dns-host)"),
                      section);
        return FALSE;
    }
    g_mutex_lock(&net_driver->op_lock);
    if (!(obj = network_find(net, error)))
        goto out_unlocked;
    live = (flags & VMM_NETWORK_UPDATE_AFFECT_LIVE) != 0;
    config = (flags & VMM_NETWORK_UPDATE_AFFECT_CONFIG) != 0;
    if (!live && !config) {
        /* current: the live definition of an active network, else the config */
        live = obj->active;
        config = !obj->active;
    }
    if (live && !obj->active) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("network is not running"));
        goto out;
    }
    if (config && !obj->persistent) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s",
                      _("cannot change persistent config of a transient network"));
        goto out;
    }
    if (live) {
        new_live = vmm_network_def_copy(obj->def);
        if (!apply_update(new_live, command, section, parent_index, xml, error))
            goto out;
    }
    if (config) {
        new_conf = vmm_network_def_copy(vmm_obj_persistent_def(obj));
        if (!apply_update(new_conf, command, section, parent_index, xml, error))
            goto out;
    }
    /* Save the config first: nothing changes when that fails. */
    if (config) {
        g_autofree char *conf_xml = vmm_network_def_format(new_conf, 0);

        if (!vmm_config_store_save(net_driver->store, obj->name, conf_xml, error))
            goto out;
    }
    if (live) {
        vmm_obj_prepare_live_change(obj);
        vmm_network_def_free(obj->def);
        obj->def = g_steal_pointer(&new_live);
        if (!net_save_status(obj, error) || !net_reload_hosts(obj, error))
            goto out;
    }
    if (config) {
        if (obj->active) {
            /* new_def, when set, is the persistent definition. */
            if (obj->new_def)
                vmm_network_def_free(obj->new_def);
            obj->new_def = g_steal_pointer(&new_conf);
        } else {
            vmm_network_def_free(obj->def);
            obj->def = g_steal_pointer(&new_conf);
        }
    }
    ok = TRUE;
out:
    vmm_obj_end(obj);
out_unlocked:
    g_mutex_unlock(&net_driver->op_lock);
    return ok;
}

const VmmDriver vmm_network_driver = {
    .name = "network",
    .hosted_by = "qemu",
    .connect_list_all_networks = net_list_all,
    .network_lookup_by_name = net_lookup_by_name,
    .network_lookup_by_uuid = net_lookup_by_uuid,
    .network_define_xml = net_define_xml,
    .network_create_xml = net_create_xml,
    .network_undefine = net_undefine,
    .network_create = net_create,
    .network_destroy = net_destroy,
    .network_get_xml_desc = net_get_xml_desc,
    .network_get_bridge_name = net_get_bridge_name,
    .network_get_autostart = net_get_autostart,
    .network_set_autostart = net_set_autostart,
    .network_is_active = net_is_active,
    .network_is_persistent = net_is_persistent,
    .network_get_dhcp_leases = net_get_dhcp_leases,
    .network_update = net_update,
    .network_get_messages = net_get_messages,
};

/* ------------------------------------------------------------------ */
/* State                                                               */

static void
dirs_init(NetDriver *d, const char *root)
{
    const char *r = root ? root : "/";

    d->relocated = root != NULL;

    d->config_dir = g_build_filename(r, "etc", "vmm", "networks", NULL);
    d->run_dir = g_build_filename(r, "run", "vmm", "network", NULL);
    d->pid_dir = g_build_filename(r, "run", "vmm", "network", "pid", NULL);
    d->dnsmasq_dir = g_build_filename(r, "var", "lib", "vmm", "dnsmasq", NULL);
    d->state_dir = g_build_filename(r, "var", "lib", "vmm", "network", NULL);
    d->privileged = geteuid() == 0;
}

static gboolean
quit_loop(gpointer loop)
{
    g_main_loop_quit(loop);
    return G_SOURCE_REMOVE;
}

static void
driver_free(NetDriver *d)
{
    if (!d)
        return;
    if (d->loop) {
        /* From inside the loop: a quit before the thread reaches
         * g_main_loop_run() would be lost. */
        GSource *quit = g_idle_source_new();

        g_source_set_callback(quit, quit_loop, d->loop, NULL);
        g_source_attach(quit, d->ctx);
        g_source_unref(quit);
        g_thread_join(d->thread);
        g_main_loop_unref(d->loop);
    }
    if (d->ctx)
        g_main_context_unref(d->ctx);
    if (d->dnsmasq)
        g_hash_table_unref(d->dnsmasq);
    vmm_obj_list_free(d->networks);
    vmm_config_store_free(d->store);
    g_mutex_clear(&d->lock);
    g_mutex_clear(&d->op_lock);
    g_free(d->config_dir);
    g_free(d->run_dir);
    g_free(d->pid_dir);
    g_free(d->dnsmasq_dir);
    g_free(d->state_dir);
    g_free(d);
}

static gpointer
loop_thread(gpointer data)
{
    NetDriver *d = data;

    g_main_context_push_thread_default(d->ctx);
    g_main_loop_run(d->loop);
    g_main_context_pop_thread_default(d->ctx);
    return NULL;
}

static void
adopt_all(void)
{
    g_autoptr(GDir) dir = g_dir_open(net_driver->run_dir, 0, NULL);
    const char *entry;

    while (dir && (entry = g_dir_read_name(dir))) {
        g_autofree char *path = NULL;
        g_autofree char *xml = NULL;
        g_autofree char *name = NULL;
        g_autoptr(GError) err = NULL;

        if (!g_str_has_suffix(entry, ".xml"))
            continue;
        path = g_build_filename(net_driver->run_dir, entry, NULL);
        name = g_strndup(entry, strlen(entry) - 4);
        if (!(xml = vmm_file_read_all(path, 1 << 20, &err))) {
            g_warning("%s", err->message);
            continue;
        }
        net_adopt(name, xml);
    }
}

/* The default network's XML: $VMM_DEFAULT_NETWORK_XML, the installed copy,
 * or the source tree's (uninstalled runs and tests). */
static char *
default_xml(GError **error)
{
    const char *env = g_getenv("VMM_DEFAULT_NETWORK_XML");
    const char *candidates[] = {
        env,
        VMM_DATADIR "/vmm/networks/default.xml",
        VMM_SOURCE_ROOT "/conf/networks/default.xml",
    };

    for (guint i = 0; i < G_N_ELEMENTS(candidates); i++) {
        if (candidates[i] && g_file_test(candidates[i], G_FILE_TEST_EXISTS))
            return vmm_file_read_all(candidates[i], 1 << 20, error);
    }
    vmm_error_set(error, VMM_ERR_OPERATION_FAILED, "%s",
                  _("cannot find the default network definition (default.xml)"));
    return NULL;
}

/* The subnets in use: the host's routes and addresses and the active
 * networks' subnets. */
static GArray *
used_subnets(GError **error)
{
    g_autoptr(GArray) routes = vmm_netlink_route_dump(AF_INET, error);
    g_autoptr(GArray) addrs = NULL;
    g_autoptr(GPtrArray) all = NULL;
    GArray *used;

    if (!routes || !(addrs = vmm_netlink_addr_dump(AF_INET, error)))
        return NULL;
    used = vmm_subnet_host_used(routes, addrs, 0);
    all = vmm_obj_list_collect(net_driver->networks);
    for (guint i = 0; i < all->len; i++) {
        VmmNetworkObj *o = all->pdata[i];
        VmmNetworkDef *def;

        vmm_obj_lock(o);
        def = o->def;
        for (guint j = 0; o->active && def->ips && j < def->ips->len; j++) {
            VmmSubnet s;

            vmm_subnet_from_ip_def(def->ips->pdata[j], &s);
            g_array_append_val(used, s);
        }
        vmm_obj_unlock(o);
    }
    return used;
}

/*
 * Define, autostart and start `default` unless it exists or the user
 * removed it.  Its 192.168.122.0/24 moves to the next free 192.168.N.0/24
 * when the host or an active network uses it; virbr0 likewise gives way
 * to the next free virbrN.
 */
static gboolean
provision_default(GError **error)
{
    g_autofree char *marker = marker_path();
    g_autofree char *xml = NULL, *text = NULL;
    g_autoptr(VmmNetworkDef) def = NULL;
    g_autoptr(GArray) used = NULL;
    VmmNetworkObj *obj;
    const VmmNetworkIPDef *ip;
    gboolean created, ok;

    if ((obj = vmm_obj_list_find_by_name(net_driver->networks, DEFAULT_NAME))) {
        vmm_obj_end(obj);
        return TRUE;
    }
    if (g_file_test(marker, G_FILE_TEST_EXISTS)) {
        g_debug("the default network was removed by the user (%s)", marker);
        return TRUE;
    }
    if (!(xml = default_xml(error)) ||
        !(def = vmm_network_def_parse_string(xml, "default.xml", 0, error)) ||
        !(used = used_subnets(error)))
        return FALSE;

    if ((ip = vmm_network_def_get_ip(def, VMM_NETWORK_IP_FAMILY_IPV4, 0))) {
        VmmSubnet from, to;
        int n;

        vmm_subnet_from_ip_def(ip, &from);
        if ((n = vmm_subnet_find_conflict(&from, used)) >= 0) {
            g_autofree char *was = vmm_subnet_format(&from);
            g_autofree char *other = vmm_subnet_format(&g_array_index(used, VmmSubnet, n));
            g_autofree char *now = NULL;
            int third = vmm_subnet_find_free_192_168(from.addr[2] + 1, used);

            if (third < 0) {
                vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                              _("no free 192.168.N.0/24 subnet for the default network"));
                return FALSE;
            }
            to = from;
            to.addr[2] = (guint8)third;
            vmm_subnet_move_network_def(def, &from, &to);
            now = vmm_subnet_format(&to);
            g_message("default network: %s overlaps %s in use on the host; using %s",
                      was, other, now);
        }
    }
    if (def->bridge_name && vmm_netlink_link_exists(def->bridge_name)) {
        g_autofree char *br = vmm_netlink_free_name("virbr%d", NULL);

        g_message("default network: bridge %s exists already; using %s",
                  def->bridge_name, br);
        g_free(def->bridge_name);
        def->bridge_name = g_steal_pointer(&br);
    }

    /* op_lock before any object lock. */
    g_mutex_lock(&net_driver->op_lock);
    if (!(obj = vmm_obj_list_define(net_driver->networks, net_driver->store,
                                    g_steal_pointer(&def), &created, error))) {
        g_mutex_unlock(&net_driver->op_lock);
        return FALSE;
    }
    ok = vmm_obj_set_autostart(obj, net_driver->store, TRUE, error) &&
         (obj->active || net_start(obj, error));
    g_mutex_unlock(&net_driver->op_lock);
    if (ok)
        g_message("default network defined and started on bridge %s",
                  ((VmmNetworkDef *)obj->def)->bridge_name);
    vmm_obj_end(obj);
    return ok;
}

static void
autostart_all(void)
{
    g_autoptr(GPtrArray) all = vmm_obj_list_collect(net_driver->networks);

    for (guint i = 0; i < all->len; i++) {
        VmmNetworkObj *o = all->pdata[i];
        g_autoptr(GError) err = NULL;

        g_mutex_lock(&net_driver->op_lock);
        vmm_obj_lock(o);
        if (!o->removed && o->autostart && !o->active && !net_start(o, &err))
            g_warning("cannot autostart network '%s': %s", o->name, err->message);
        vmm_obj_unlock(o);
        g_mutex_unlock(&net_driver->op_lock);
    }
}

gboolean
vmm_network_driver_state_init(const VmmNetworkDriverConfig *cfg, GError **error)
{
    NetDriver *d;
    g_autoptr(GError) err = NULL;

    if (net_driver) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s",
                      _("the network driver is already initialised"));
        return FALSE;
    }
    d = g_new0(NetDriver, 1);
    g_mutex_init(&d->lock);
    g_mutex_init(&d->op_lock);
    dirs_init(d, cfg ? cfg->root : NULL);
    if (!vmm_file_mkdir_p(d->run_dir, 0755, error) ||
        !vmm_file_mkdir_p(d->pid_dir, 0755, error) ||
        !vmm_file_mkdir_p(d->dnsmasq_dir, 0755, error) ||
        !vmm_file_mkdir_p(d->state_dir, 0755, error) ||
        !(d->store = vmm_config_store_new(d->config_dir, error))) {
        driver_free(d);
        return FALSE;
    }
    d->networks = vmm_network_obj_list_new();
    d->dnsmasq = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                       net_dnsmasq_unref);
    d->ctx = g_main_context_new();
    d->loop = g_main_loop_new(d->ctx, FALSE);
    d->thread = g_thread_new("vmm-network", loop_thread, d);
    net_driver = d;

    vmm_obj_list_load(d->networks, d->store);
    adopt_all();
    if (cfg && cfg->default_network && d->privileged && !provision_default(&err)) {
        g_warning("cannot set up the default network: %s", err->message);
        g_clear_error(&err);
    }
    if (cfg && cfg->autostart)
        autostart_all();
    return TRUE;
}

void
vmm_network_driver_state_cleanup(void)
{
    NetDriver *d = net_driver;

    if (!d)
        return;
    net_supervisors_forget();
    net_driver = NULL;
    driver_free(d);
}

gboolean
vmm_network_driver_state_active(void)
{
    return net_driver != NULL;
}
