/*
 * vshell-netdhcp.c: net-dhcp-leases and net-update, rows of the network
 * group (vshell-network.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vshell.h"

#include "conf/xml_util.h"

/* ------------------------------------------------------------------ */
/* net-dhcp-leases                                                     */

const VshOptDef vsh_net_dhcp_leases_opts[] = {
    { "network", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("network name or uuid") },
    { "mac", VSH_OT_STRING, 0, N_("MAC address") },
    { NULL },
};

/* virsh sorts by MAC address, case-insensitively, a missing one first. */
static gint
lease_cmp(gconstpointer a, gconstpointer b)
{
    const VmmNetworkLease *l1 = *(VmmNetworkLease *const *)a;
    const VmmNetworkLease *l2 = *(VmmNetworkLease *const *)b;

    if (!l1->mac || !l2->mac)
        return (l1->mac != NULL) - (l2->mac != NULL);
    return g_ascii_strcasecmp(l1->mac, l2->mac);
}

#define NULLSTR_MINUS(s) ((s) ? (s) : "-")

gboolean
vsh_cmd_net_dhcp_leases(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmNetwork) net = vsh_lookup_network(ctl, cmd, "network");
    g_autoptr(GPtrArray) leases = NULL;
    VshTable *table;

    if (!net)
        return FALSE;
    leases = vmm_network_get_dhcp_leases(net, vsh_cmd_string(cmd, "mac"), 0, &error);
    if (!leases) {
        vsh_error(ctl, _("Failed to get leases info for %s"), vsh_cmd_string(cmd, "network"));
        vsh_report(ctl, &error);
        return FALSE;
    }
    g_ptr_array_sort(leases, lease_cmp);

    table = vsh_table_new(_("Expiry Time"), _("MAC address"), _("Protocol"), _("IP address"),
                          _("Hostname"), _("Client ID or DUID"), NULL);
    for (guint i = 0; i < leases->len; i++) {
        const VmmNetworkLease *l = g_ptr_array_index(leases, i);
        g_autoptr(GDateTime) then = g_date_time_new_from_unix_local(l->expirytime);
        g_autofree char *when = then ? g_date_time_format(then, "%Y-%m-%d %H:%M:%S") : NULL;
        g_autofree char *cidr = g_strdup_printf("%s/%u", l->ipaddr, l->prefix);
        const char *proto = l->type == VMM_IP_ADDR_TYPE_IPV4 ? "ipv4"
                          : l->type == VMM_IP_ADDR_TYPE_IPV6 ? "ipv6" : NULL;

        vsh_table_add_row(table, NULLSTR_MINUS(when), NULLSTR_MINUS(l->mac),
                          NULLSTR_MINUS(proto), cidr, NULLSTR_MINUS(l->hostname),
                          NULLSTR_MINUS(l->clientid), NULL);
    }
    vsh_table_print(ctl, table);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* net-update                                                          */

const VshOptDef vsh_net_update_opts[] = {
    { "network", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("network name or uuid") },
    { "command", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("type of update (add-first, add-last (add), delete, or modify)") },
    { "section", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("which section of network configuration to update") },
    { "xml", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("name of file containing xml (or, if it starts with '<', the complete xml element itself) to add/modify, or to be matched for search") },
    { "parent-index", VSH_OT_INT, 0, N_("which parent object to search through") },
    { "config", VSH_OT_BOOL, 0, N_("affect next network startup") },
    { "live", VSH_OT_BOOL, 0, N_("affect running network") },
    { "current", VSH_OT_BOOL, 0, N_("affect current state of network") },
    { NULL },
};

/* virsh's names, indexed by the libvirt enum values. */
static const char *const update_commands[] = {
    "none", "modify", "delete", "add-last", "add-first", NULL,
};

static const char *const update_sections[] = {
    "none", "bridge", "domain", "ip", "ip-dhcp-host", "ip-dhcp-range", "forward",
    "forward-interface", "forward-pf", "portgroup", "dns-host", "dns-txt", "dns-srv", NULL,
};

gboolean
vsh_cmd_net_update(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmNetwork) net = NULL;
    g_autofree char *xml_file = NULL;
    const char *command_str = vsh_cmd_string(cmd, "command");
    const char *section_str = vsh_cmd_string(cmd, "section");
    const char *xml = vsh_cmd_string(cmd, "xml");
    gboolean config = vsh_cmd_has(cmd, "config");
    gboolean live = vsh_cmd_has(cmd, "live");
    unsigned int flags = VMM_NETWORK_UPDATE_AFFECT_CURRENT;
    int command, section;
    int parent_index = -1;
    const char *name;

    if (vsh_cmd_has(cmd, "current") && live) {
        vsh_error(ctl, _("Options --%s and --%s are mutually exclusive"), "current", "live");
        return FALSE;
    }
    if (vsh_cmd_has(cmd, "current") && config) {
        vsh_error(ctl, _("Options --%s and --%s are mutually exclusive"), "current", "config");
        return FALSE;
    }
    if (!(net = vsh_lookup_network(ctl, cmd, "network")))
        return FALSE;
    name = vmm_network_get_name(net);

    if (g_str_equal(command_str, "add"))
        command = VMM_NETWORK_UPDATE_COMMAND_ADD_LAST;
    else
        command = vmm_enum_from_string(update_commands, command_str);
    if (command <= 0) {
        vsh_error(ctl, _("unrecognized command name '%s'"), command_str);
        return FALSE;
    }
    section = vmm_enum_from_string(update_sections, section_str);
    if (section <= 0) {
        vsh_error(ctl, _("unrecognized section name '%s'"), section_str);
        return FALSE;
    }
    if (vsh_cmd_int(cmd, "parent-index", &parent_index) < 0)
        return FALSE;
    if (*xml != '<') {
        if (!(xml_file = vsh_read_file(ctl, xml)))
            return FALSE;
        xml = xml_file;
    }
    if (config)
        flags |= VMM_NETWORK_UPDATE_AFFECT_CONFIG;
    if (live)
        flags |= VMM_NETWORK_UPDATE_AFFECT_LIVE;

    if (!vmm_network_update(net, command, section, parent_index, xml, flags, &error)) {
        vsh_error(ctl, _("Failed to update network %s"), name);
        vsh_report(ctl, &error);
        return FALSE;
    }
    if (config) {
        if (live)
            vsh_print_extra(ctl, _("Updated network %s persistent config and live state"), name);
        else
            vsh_print_extra(ctl, _("Updated network %s persistent config"), name);
    } else if (live || vmm_network_is_active(net, NULL) == 1) {
        vsh_print_extra(ctl, _("Updated network %s live state"), name);
    } else {
        vsh_print_extra(ctl, _("Updated network %s persistent config"), name);
    }
    printf("\n");
    return TRUE;
}
