/*
 * vshell-network.c: the net-* commands.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vshell.h"

/* By UUID, then name; on failure virsh's two lines: ours, then the
 * driver's error from the name lookup. */
static VmmNetwork *
lookup_network_string(Vsh *ctl, const char *n)
{
    g_autoptr(GError) error = NULL;
    unsigned char uuid[VMM_UUID_BUFLEN];
    VmmNetwork *net = NULL;

    if (vmm_uuid_parse(n, uuid))
        net = vmm_network_lookup_by_uuid(ctl->conn, uuid, NULL);
    if (!net)
        net = vmm_network_lookup_by_name(ctl->conn, n, &error);
    if (!net) {
        vsh_error(ctl, _("failed to get network '%s'"), n);
        vsh_report(ctl, &error);
    }
    return net;
}

VmmNetwork *
vsh_lookup_network(Vsh *ctl, const VshCmd *cmd, const char *optname)
{
    const char *n = vsh_cmd_string(cmd, optname);

    return n ? lookup_network_string(ctl, n) : NULL;
}

#define NETWORK_OPT { "network", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("network name or uuid") }

static const VshOptDef network_only_opts[] = {
    NETWORK_OPT,
    { NULL },
};

/* ------------------------------------------------------------------ */
/* net-list                                                            */

static const VshOptDef net_list_opts[] = {
    { "inactive", VSH_OT_BOOL, 0, N_("list inactive networks") },
    { "all", VSH_OT_BOOL, 0, N_("list inactive & active networks") },
    { "persistent", VSH_OT_BOOL, 0, N_("list persistent networks") },
    { "transient", VSH_OT_BOOL, 0, N_("list transient networks") },
    { "autostart", VSH_OT_BOOL, 0, N_("list networks with autostart enabled") },
    { "no-autostart", VSH_OT_BOOL, 0, N_("list networks with autostart disabled") },
    { "uuid", VSH_OT_BOOL, 0, N_("list uuid's only") },
    { "name", VSH_OT_BOOL, 0, N_("list network names only") },
    { "table", VSH_OT_BOOL, 0, N_("list table (default)") },
    { "json", VSH_OT_BOOL, 0, N_("list as JSON") },
    { NULL },
};

/*
 * net-list --json: an array, one object per network, keys in this order:
 *   {"name":"default","uuid":"...","active":true,"persistent":true,
 *    "autostart":false}
 */
static gboolean
cmd_net_list(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) nets = NULL;
    unsigned int flags = VMM_CONNECT_LIST_NETWORKS_ACTIVE;
    gboolean opt_name = vsh_cmd_has(cmd, "name");
    gboolean opt_uuid = vsh_cmd_has(cmd, "uuid");
    VshTable *table;

    if (vsh_cmd_has(cmd, "inactive"))
        flags = VMM_CONNECT_LIST_NETWORKS_INACTIVE;
    if (vsh_cmd_has(cmd, "all"))
        flags = VMM_CONNECT_LIST_NETWORKS_ACTIVE | VMM_CONNECT_LIST_NETWORKS_INACTIVE;
    if (vsh_cmd_has(cmd, "persistent"))
        flags |= VMM_CONNECT_LIST_NETWORKS_PERSISTENT;
    if (vsh_cmd_has(cmd, "transient"))
        flags |= VMM_CONNECT_LIST_NETWORKS_TRANSIENT;
    if (vsh_cmd_has(cmd, "autostart"))
        flags |= VMM_CONNECT_LIST_NETWORKS_AUTOSTART;
    if (vsh_cmd_has(cmd, "no-autostart"))
        flags |= VMM_CONNECT_LIST_NETWORKS_NO_AUTOSTART;
    if (vsh_cmd_has(cmd, "table") && (opt_name || opt_uuid)) {
        vsh_error(ctl, "%s", _("Option --table is incompatible with --name and --uuid"));
        return FALSE;
    }

    if (!(nets = vmm_connect_list_all_networks(ctl->conn, flags, &error))) {
        vsh_error(ctl, "%s", _("Failed to list networks"));
        vsh_report(ctl, &error);
        return FALSE;
    }

    if (vsh_cmd_has(cmd, "json")) {
        VshJson *j = vsh_json_new();

        vsh_json_begin_array(j);
        for (guint i = 0; i < nets->len; i++) {
            VmmNetwork *net = g_ptr_array_index(nets, i);
            char uuid[VMM_UUID_STRING_BUFLEN];
            gboolean autostart = FALSE;

            vmm_network_get_autostart(net, &autostart, NULL);
            vsh_json_begin_object(j);
            vsh_json_key(j, "name");
            vsh_json_string(j, vmm_network_get_name(net));
            vsh_json_key(j, "uuid");
            vsh_json_string(j, vmm_network_get_uuid_string(net, uuid));
            vsh_json_key(j, "active");
            vsh_json_bool(j, vmm_network_is_active(net, NULL) == 1);
            vsh_json_key(j, "persistent");
            vsh_json_bool(j, vmm_network_is_persistent(net, NULL) == 1);
            vsh_json_key(j, "autostart");
            vsh_json_bool(j, autostart);
            vsh_json_end_object(j);
        }
        vsh_json_end_array(j);
        vsh_json_print(ctl, j);
        return TRUE;
    }

    if (opt_name || opt_uuid) {
        for (guint i = 0; i < nets->len; i++) {
            VmmNetwork *net = g_ptr_array_index(nets, i);
            char uuid[VMM_UUID_STRING_BUFLEN];

            if (opt_uuid && opt_name)
                printf("%s %s\n", vmm_network_get_uuid_string(net, uuid),
                       vmm_network_get_name(net));
            else if (opt_uuid)
                printf("%s\n", vmm_network_get_uuid_string(net, uuid));
            else
                printf("%s\n", vmm_network_get_name(net));
        }
        return TRUE;
    }

    table = vsh_table_new(_("Name"), _("State"), _("Autostart"), _("Persistent"), NULL);
    for (guint i = 0; i < nets->len; i++) {
        VmmNetwork *net = g_ptr_array_index(nets, i);
        gboolean autostart = FALSE;
        const char *as = vmm_network_get_autostart(net, &autostart, NULL)
            ? (autostart ? _("yes") : _("no")) : _("no autostart");

        vsh_table_add_row(table, vmm_network_get_name(net),
                          vmm_network_is_active(net, NULL) == 1 ? _("active") : _("inactive"),
                          as, vsh_yes_no(vmm_network_is_persistent(net, NULL)), NULL);
    }
    vsh_table_print(ctl, table);
    return TRUE;
}

/* What vmmd has to say about the network just started, e.g. a host
 * firewall dropping its traffic, as warnings after the result line.  Best
 * effort: a daemon or driver without the call has nothing to say. */
static void
net_print_messages(Vsh *ctl, VmmNetwork *net)
{
    g_auto(GStrv) msgs = vmm_network_get_messages(net, 0, NULL);

    fflush(stdout);
    for (guint i = 0; msgs && msgs[i]; i++)
        fprintf(stderr, _("warning: %s\n"), msgs[i]);
    fflush(stderr);
}

/* ------------------------------------------------------------------ */
/* net-define, net-create                                              */

static const VshOptDef net_define_opts[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("file containing an XML network description") },
    { "validate", VSH_OT_BOOL, 0, N_("validate the XML against the schema") },
    { NULL },
};

static gboolean
net_define_or_create(Vsh *ctl, const VshCmd *cmd, gboolean create)
{
    g_autoptr(GError) error = NULL;
    const char *file = vsh_cmd_string(cmd, "file");
    g_autofree char *xml = vsh_read_file(ctl, file);
    unsigned int flags = vsh_cmd_has(cmd, "validate") ? VMM_NETWORK_DEFINE_VALIDATE : 0;
    g_autoptr(VmmNetwork) net = NULL;

    if (!xml)
        return FALSE;
    if (create)
        net = vmm_network_create_xml(ctl->conn, xml, flags, &error);
    else
        net = vmm_network_define_xml(ctl->conn, xml, flags, &error);
    if (!net) {
        vsh_error(ctl, create ? _("Failed to create network from %s")
                              : _("Failed to define network from %s"), file);
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_extra(ctl, create ? _("Network %s created from %s\n")
                                : _("Network %s defined from %s\n"),
                    vmm_network_get_name(net), file);
    if (create)
        net_print_messages(ctl, net);
    return TRUE;
}

static gboolean cmd_net_define(Vsh *ctl, const VshCmd *cmd) { return net_define_or_create(ctl, cmd, FALSE); }
static gboolean cmd_net_create(Vsh *ctl, const VshCmd *cmd) { return net_define_or_create(ctl, cmd, TRUE); }

/* ------------------------------------------------------------------ */
/* net-start, net-destroy, net-undefine                                */

typedef enum { NET_START, NET_DESTROY, NET_UNDEFINE } NetOp;

static gboolean
net_op(Vsh *ctl, const VshCmd *cmd, NetOp op)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmNetwork) net = vsh_lookup_network(ctl, cmd, "network");
    const char *done = NULL, *failed = NULL;
    gboolean ok = FALSE;

    if (!net)
        return FALSE;
    switch (op) {
    case NET_START:
        ok = vmm_network_create(net, &error);
        done = _("Network %s started\n");
        failed = _("Failed to start network %s");
        break;
    case NET_DESTROY:
        ok = vmm_network_destroy(net, &error);
        done = _("Network %s destroyed\n");
        failed = _("Failed to destroy network %s");
        break;
    case NET_UNDEFINE:
        ok = vmm_network_undefine(net, &error);
        done = _("Network %s has been undefined\n");
        failed = _("Failed to undefine network %s");
        break;
    }
    if (!vsh_outcome(ctl, ok, &error, vmm_network_get_name(net), done, failed))
        return FALSE;
    if (op == NET_START)
        net_print_messages(ctl, net);
    return TRUE;
}

static gboolean cmd_net_start(Vsh *ctl, const VshCmd *cmd) { return net_op(ctl, cmd, NET_START); }
static gboolean cmd_net_destroy(Vsh *ctl, const VshCmd *cmd) { return net_op(ctl, cmd, NET_DESTROY); }
static gboolean cmd_net_undefine(Vsh *ctl, const VshCmd *cmd) { return net_op(ctl, cmd, NET_UNDEFINE); }

static const VshOptDef net_autostart_opts[] = {
    NETWORK_OPT,
    { "disable", VSH_OT_BOOL, 0, N_("disable autostarting") },
    { NULL },
};

static gboolean
cmd_net_autostart(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmNetwork) net = vsh_lookup_network(ctl, cmd, "network");
    gboolean enable = !vsh_cmd_has(cmd, "disable");

    if (!net)
        return FALSE;
    return vsh_outcome(ctl, vmm_network_set_autostart(net, enable, &error), &error,
                       vmm_network_get_name(net),
                       enable ? _("Network %s marked as autostarted\n")
                              : _("Network %s unmarked as autostarted\n"),
                       enable ? _("failed to mark network %s as autostarted")
                              : _("failed to unmark network %s as autostarted"));
}

/* ------------------------------------------------------------------ */
/* Queries                                                             */

static const VshOptDef net_info_opts[] = {
    NETWORK_OPT,
    { "json", VSH_OT_BOOL, 0, N_("print the information as JSON") },
    { NULL },
};

/*
 * net-info --json: one object, keys in this order:
 *   {"name":"default","uuid":"...","active":true,"persistent":true,
 *    "autostart":false,"bridge":"virbr0"}
 * "bridge" is null when the network has none.
 */
static gboolean
cmd_net_info(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(VmmNetwork) net = vsh_lookup_network(ctl, cmd, "network");
    g_autofree char *bridge = NULL;
    char uuid[VMM_UUID_STRING_BUFLEN];
    gboolean autostart = FALSE;
    gboolean have_autostart;
    int active, persistent;

    if (!net)
        return FALSE;
    vmm_network_get_uuid_string(net, uuid);
    active = vmm_network_is_active(net, NULL);
    persistent = vmm_network_is_persistent(net, NULL);
    have_autostart = vmm_network_get_autostart(net, &autostart, NULL);
    bridge = vmm_network_get_bridge_name(net, NULL);

    if (vsh_cmd_has(cmd, "json")) {
        VshJson *j = vsh_json_new();

        vsh_json_begin_object(j);
        vsh_json_key(j, "name");
        vsh_json_string(j, vmm_network_get_name(net));
        vsh_json_key(j, "uuid");
        vsh_json_string(j, uuid);
        vsh_json_key(j, "active");
        vsh_json_bool(j, active == 1);
        vsh_json_key(j, "persistent");
        vsh_json_bool(j, persistent == 1);
        vsh_json_key(j, "autostart");
        vsh_json_bool(j, autostart);
        vsh_json_key(j, "bridge");
        vsh_json_string(j, bridge);
        vsh_json_end_object(j);
        vsh_json_print(ctl, j);
        return TRUE;
    }

    printf("%-15s %s\n", _("Name:"), vmm_network_get_name(net));
    printf("%-15s %s\n", _("UUID:"), uuid);
    if (active >= 0)
        printf("%-15s %s\n", _("Active:"), active ? _("yes") : _("no"));
    if (persistent >= 0)
        printf("%-15s %s\n", _("Persistent:"), persistent ? _("yes") : _("no"));
    if (have_autostart)
        printf("%-15s %s\n", _("Autostart:"), autostart ? _("yes") : _("no"));
    else
        printf("%-15s %s\n", _("Autostart:"), _("no autostart"));
    if (bridge)
        printf("%-15s %s\n", _("Bridge:"), bridge);
    return TRUE;
}

static const VshOptDef net_dumpxml_opts[] = {
    NETWORK_OPT,
    { "inactive", VSH_OT_BOOL, 0, N_("show inactive defined XML") },
    { NULL },
};

static gboolean
cmd_net_dumpxml(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmNetwork) net = vsh_lookup_network(ctl, cmd, "network");
    g_autofree char *xml = NULL;

    if (!net)
        return FALSE;
    xml = vmm_network_get_xml_desc(net, vsh_cmd_has(cmd, "inactive")
                                   ? VMM_NETWORK_XML_INACTIVE : 0, &error);
    if (!xml) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_xml(xml);
    return TRUE;
}

static gboolean
cmd_net_uuid(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(VmmNetwork) net = vsh_lookup_network(ctl, cmd, "network");
    char uuid[VMM_UUID_STRING_BUFLEN];

    if (!net)
        return FALSE;
    printf("%s\n", vmm_network_get_uuid_string(net, uuid));
    return TRUE;
}

static gboolean
cmd_net_name(Vsh *ctl, const VshCmd *cmd)
{
    const char *n = vsh_cmd_string(cmd, "network");
    g_autoptr(VmmNetwork) net = vmm_network_lookup_by_uuid_string(ctl->conn, n, NULL);

    if (!net) {
        vsh_error(ctl, _("failed to get network '%s'"), n);
        return FALSE;
    }
    printf("%s\n", vmm_network_get_name(net));
    return TRUE;
}

static const VshOptDef net_name_opts[] = {
    { "network", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("network uuid") },
    { NULL },
};

/* ------------------------------------------------------------------ */
/* net-edit                                                            */

static gboolean
net_edit_define(Vsh *ctl, const char *xml, gboolean validate, gpointer data, GError **error)
{
    char **name = data;
    g_autoptr(VmmNetwork) net =
        vmm_network_define_xml(ctl->conn, xml, validate ? VMM_NETWORK_DEFINE_VALIDATE : 0, error);

    if (!net)
        return FALSE;
    g_free(*name);
    *name = g_strdup(vmm_network_get_name(net));
    return TRUE;
}

static gboolean
cmd_net_edit(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmNetwork) net = vsh_lookup_network(ctl, cmd, "network");
    g_autofree char *xml = NULL;

    if (!net)
        return FALSE;
    if (!(xml = vmm_network_get_xml_desc(net, VMM_NETWORK_XML_INACTIVE, &error))) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    return vsh_edit_object(ctl, xml, vmm_network_get_name(net), net_edit_define, FALSE,
                           _("Network %s XML configuration not changed.\n"),
                           _("Network %s XML configuration edited.\n"));
}

/* ------------------------------------------------------------------ */

const VshCmdDef vsh_network_cmds[] = {
    { "net-autostart", cmd_net_autostart, net_autostart_opts, N_("autostart a network"),
      N_("Configure a network to be automatically started at boot."), 0 },
    { "net-create", cmd_net_create, net_define_opts, N_("create a network from an XML file"),
      N_("Create a network."), 0 },
    { "net-define", cmd_net_define, net_define_opts,
      N_("define an inactive persistent virtual network or modify an existing persistent one from an XML file"),
      N_("Define or modify a persistent virtual network."), 0 },
    { "net-destroy", cmd_net_destroy, network_only_opts, N_("destroy (stop) a network"),
      N_("Forcefully stop a given network."), 0 },
    { "net-dhcp-leases", vsh_cmd_net_dhcp_leases, vsh_net_dhcp_leases_opts,
      N_("print lease info for a given network"),
      N_("Print lease info for a given network"), 0 },
    { "net-dumpxml", cmd_net_dumpxml, net_dumpxml_opts, N_("network information in XML"),
      N_("Output the network information as an XML dump to stdout."), 0 },
    { "net-edit", cmd_net_edit, network_only_opts, N_("edit XML configuration for a network"),
      N_("Edit the XML configuration for a network."), 0 },
    { "net-event", vsh_cmd_net_event, vsh_net_event_opts, N_("Network Events"),
      N_("List event types, or wait for network events to occur"), 0 },
    { "net-info", cmd_net_info, net_info_opts, N_("network information"),
      N_("Returns basic information about the network"), 0 },
    { "net-list", cmd_net_list, net_list_opts, N_("list networks"),
      N_("Returns list of networks."), 0 },
    { "net-name", cmd_net_name, net_name_opts, N_("convert a network UUID to network name"),
      NULL, 0 },
    { "net-start", cmd_net_start, network_only_opts, N_("start a (previously defined) inactive network"),
      N_("Start a network."), 0 },
    { "net-undefine", cmd_net_undefine, network_only_opts,
      N_("undefine a persistent network"),
      N_("Undefine the configuration for a persistent network."), 0 },
    { "net-update", vsh_cmd_net_update, vsh_net_update_opts,
      N_("update parts of an existing network's configuration"), NULL, 0 },
    { "net-uuid", cmd_net_uuid, network_only_opts, N_("convert a network name to network UUID"),
      NULL, 0 },
    { NULL },
};
