/*
 * test_network.c: virtual networks of the mock driver (nothing touches the
 * host: starting a network only marks it active).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "test_driver_priv.h"

static VmmNetworkObj *
network_find(VmmNetwork *net, GError **error)
{
    return vmm_network_obj_find(test_driver_of(net->conn)->networks, net->uuid, net->name,
                                error);
}

static gpointer network_handle(VmmConnect *conn, gpointer ptr);

static VmmNetwork *
network_handle_end(VmmConnect *conn, VmmNetworkObj *obj)
{
    VmmNetwork *net = network_handle(conn, obj);

    vmm_obj_end(obj);
    return net;
}

static gboolean
network_matches(gpointer ptr, unsigned int flags)
{
    return vmm_obj_matches_list_flags(ptr, flags);
}

static gpointer
network_handle(VmmConnect *conn, gpointer ptr)
{
    VmmObj *obj = ptr;

    return vmm_network_new_handle(conn, obj->name, obj->uuid);
}

GPtrArray *
test_connect_list_all_networks(VmmConnect *conn, unsigned int flags, GError **error)
{
    TEST_CHECK_FLAGS(flags, (VMM_CONNECT_LIST_NETWORKS_NO_AUTOSTART << 1) - 1, NULL);
    return test_list_objects(conn, test_driver_of(conn)->networks, flags,
                             network_matches, network_handle,
                             (GDestroyNotify)vmm_network_unref);
}

VmmNetwork *
test_network_lookup_by_name(VmmConnect *conn, const char *name, GError **error)
{
    VmmNetworkObj *obj = vmm_network_obj_find_by_name(test_driver_of(conn)->networks, name,
                                                      error);

    return obj ? network_handle_end(conn, obj) : NULL;
}

VmmNetwork *
test_network_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error)
{
    VmmNetworkObj *obj = vmm_network_obj_find_by_uuid(test_driver_of(conn)->networks, uuid,
                                                      error);

    return obj ? network_handle_end(conn, obj) : NULL;
}

/* Emit @event for @net (no lock held) and return it. */
static VmmNetwork *
network_event(VmmNetwork *net, int event)
{
    vmm_event_emit_network_lifecycle(net->conn, net, event, 0);
    return net;
}

VmmNetwork *
test_network_define_xml(VmmConnect *conn, const char *xml, unsigned int flags,
                        GError **error)
{
    VmmNetworkDef *def;
    VmmNetworkObj *obj;
    gboolean created;

    TEST_CHECK_FLAGS(flags, VMM_NETWORK_DEFINE_VALIDATE, NULL);
    if (!(def = vmm_network_obj_parse_define(xml, flags, error)) ||
        !(obj = vmm_obj_list_define(test_driver_of(conn)->networks, NULL, def,
                                    &created, error)))
        return NULL;
    return network_event(network_handle_end(conn, obj), VMM_NETWORK_EVENT_DEFINED);
}

VmmNetwork *
test_network_create_xml(VmmConnect *conn, const char *xml, unsigned int flags,
                        GError **error)
{
    VmmNetworkDef *def;
    VmmNetworkObj *obj;
    gboolean created;

    TEST_CHECK_FLAGS(flags, VMM_NETWORK_DEFINE_VALIDATE, NULL);
    if (!(def = vmm_network_obj_parse_define(xml, flags, error)) ||
        !(obj = vmm_obj_list_create(test_driver_of(conn)->networks, def, &created, error)))
        return NULL;
    vmm_obj_set_active(obj);
    return network_event(network_handle_end(conn, obj), VMM_NETWORK_EVENT_STARTED);
}

gboolean
test_network_undefine(VmmNetwork *net, GError **error)
{
    VmmNetworkObj *obj;
    gboolean ok;

    if (!(obj = network_find(net, error)))
        return FALSE;
    ok = vmm_obj_list_undefine(test_driver_of(net->conn)->networks, NULL, obj, error);
    vmm_obj_end(obj);
    if (ok)
        network_event(net, VMM_NETWORK_EVENT_UNDEFINED);
    return ok;
}

gboolean
test_network_create(VmmNetwork *net, GError **error)
{
    VmmNetworkObj *obj;
    gboolean ok = TRUE;

    if (!(obj = network_find(net, error)))
        return FALSE;
    if (obj->active) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("network is already active"));
        ok = FALSE;
    } else {
        vmm_obj_set_active(obj);
    }
    vmm_obj_end(obj);
    if (ok)
        network_event(net, VMM_NETWORK_EVENT_STARTED);
    return ok;
}

gboolean
test_network_destroy(VmmNetwork *net, GError **error)
{
    VmmNetworkObj *obj;
    gboolean ok = TRUE;

    if (!(obj = network_find(net, error)))
        return FALSE;
    if (!obj->active) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("network is not active"));
        ok = FALSE;
    } else {
        vmm_obj_set_inactive(obj);
        if (!obj->persistent)
            vmm_obj_list_remove(test_driver_of(net->conn)->networks, obj);
    }
    vmm_obj_end(obj);
    if (ok)
        network_event(net, VMM_NETWORK_EVENT_STOPPED);
    return ok;
}

char *
test_network_get_xml_desc(VmmNetwork *net, unsigned int flags, GError **error)
{
    VmmNetworkObj *obj;
    char *xml;

    TEST_CHECK_FLAGS(flags, VMM_NETWORK_XML_INACTIVE, NULL);
    if (!(obj = network_find(net, error)))
        return NULL;
    xml = vmm_network_obj_format_xml(obj, flags);
    vmm_obj_end(obj);
    return xml;
}

char *
test_network_get_bridge_name(VmmNetwork *net, GError **error)
{
    VmmNetworkObj *obj;
    char *bridge;

    if (!(obj = network_find(net, error)))
        return NULL;
    bridge = vmm_network_obj_bridge_name(obj, error);
    vmm_obj_end(obj);
    return bridge;
}

gboolean
test_network_get_autostart(VmmNetwork *net, gboolean *autostart, GError **error)
{
    return test_obj_get_autostart(network_find(net, error), autostart);
}

gboolean
test_network_set_autostart(VmmNetwork *net, gboolean autostart, GError **error)
{
    return test_obj_set_autostart(network_find(net, error), autostart, error);
}

int
test_network_is_active(VmmNetwork *net, GError **error)
{
    return test_obj_flag(network_find(net, error), G_STRUCT_OFFSET(VmmObj, active));
}

int
test_network_is_persistent(VmmNetwork *net, GError **error)
{
    return test_obj_flag(network_find(net, error), G_STRUCT_OFFSET(VmmObj, persistent));
}
