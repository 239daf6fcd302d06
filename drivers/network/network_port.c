/*
 * network_port.c: guest taps on network bridges.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "network_driver_priv.h"
#include "network_port.h"

#include <string.h>
#include <unistd.h>

#include "util/netlink.h"

/* A tap name the caller may ask for: a plain interface name, and not one
 * of the names vmm gives bridges. */
static gboolean
check_target_dev(const char *name, GError **error)
{
    if (!*name || strlen(name) > VMM_NETLINK_IFNAME_MAX || strchr(name, '/') ||
        strchr(name, '%') || strspn(name, " \t\n") || strchr(name, ':') ||
        g_str_has_prefix(name, "virbr")) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid target device name '%s'"), name);
        return FALSE;
    }
    return TRUE;
}

static int
port_create(const char *bridge, const unsigned char *mac, const char *target_dev,
            unsigned int mtu, char **ifname_out, GError **error)
{
    g_autofree char *name = NULL;
    unsigned char tap_mac[6];
    int fd;

    if (net_driver && !net_check_namespace(error))
        return -1;
    if (target_dev && !check_target_dev(target_dev, error))
        return -1;
    if (target_dev && vmm_netlink_link_exists(target_dev)) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED, _("target device '%s' already exists"),
                      target_dev);
        return -1;
    }
    if ((fd = vmm_netlink_tap_create(target_dev ? target_dev : "vnet%d", FALSE, &name,
                                     error)) < 0)
        return -1;
    /* The bridge takes the lowest MAC of its ports; 0xfe keeps the tap's
     * above any guest's. */
    memcpy(tap_mac, mac, 6);
    tap_mac[0] = 0xfe;
    if (!vmm_netlink_link_set_mac(name, tap_mac, error) ||
        (mtu && !vmm_netlink_link_set_mtu(name, mtu, error)) ||
        !vmm_netlink_link_set_master(name, bridge, error) ||
        !vmm_netlink_link_set_up(name, TRUE, error)) {
        close(fd);
        vmm_netlink_link_delete(name, NULL);
        return -1;
    }
    if (ifname_out)
        *ifname_out = g_steal_pointer(&name);
    return fd;
}

int
vmm_network_port_create(const char *network, const unsigned char *mac,
                        const char *target_dev, unsigned int mtu, char **ifname_out,
                        GError **error)
{
    VmmNetworkObj *obj;
    g_autofree char *bridge = NULL;
    gboolean active;

    if (!net_driver) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s",
                      _("the network driver is not running"));
        return -1;
    }
    if (!(obj = vmm_network_obj_find_by_name(net_driver->networks, network, error)))
        return -1;
    active = obj->active;
    bridge = g_strdup(vmm_network_obj_def(obj)->bridge_name);
    vmm_obj_end(obj);
    if (!active) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                      _("network '%s' is not active; start it with 'vshell net-start %s'"),
                      network, network);
        return -1;
    }
    if (!bridge) {
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("network '%s' does not have a bridge name."), network);
        return -1;
    }
    return port_create(bridge, mac, target_dev, mtu, ifname_out, error);
}

int
vmm_network_port_create_bridge(const char *bridge, const unsigned char *mac,
                               const char *target_dev, unsigned int mtu, char **ifname_out,
                               GError **error)
{
    if (!vmm_netlink_link_exists(bridge)) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED, _("bridge '%s' does not exist"), bridge);
        return -1;
    }
    return port_create(bridge, mac, target_dev, mtu, ifname_out, error);
}

gboolean
vmm_network_port_delete(const char *ifname, GError **error)
{
    if (!vmm_netlink_link_exists(ifname))
        return TRUE;
    return vmm_netlink_link_delete(ifname, error);
}
