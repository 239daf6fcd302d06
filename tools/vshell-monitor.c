/*
 * vshell-monitor.c: domain monitoring commands (domifaddr).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vshell.h"

static const VshOptDef domifaddr_opts[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid") },
    { "interface", VSH_OT_STRING, 0, N_("network interface name") },
    { "full", VSH_OT_BOOL, 0, N_("always display names and MACs of interfaces") },
    { "source", VSH_OT_STRING, 0, N_("address source: 'lease', 'agent', or 'arp'") },
    { NULL },
};

/* virsh's layout: a header, then one line per address; the name and MAC
 * of an interface only on its first line unless --full. */
static gboolean
cmd_domifaddr(Vsh *ctl, const VshCmd *cmd)
{
    static const char *const sources[] = { "lease", "agent", "arp" };
    const char *ifname = vsh_cmd_string(cmd, "interface");
    const char *source_str = vsh_cmd_string(cmd, "source");
    gboolean full = vsh_cmd_has(cmd, "full");
    unsigned int source = VMM_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE;
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(GPtrArray) ifaces = NULL;
    g_autoptr(GError) error = NULL;

    if (source_str) {
        for (source = 0; source < G_N_ELEMENTS(sources); source++) {
            if (g_str_equal(source_str, sources[source]))
                break;
        }
        if (source == G_N_ELEMENTS(sources)) {
            vsh_error(ctl, _("Unknown data source '%s'"), source_str);
            return FALSE;
        }
    }
    if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")))
        return FALSE;
    if (!(ifaces = vmm_domain_interface_addresses(dom, source, 0, &error))) {
        vsh_error(ctl, "%s", _("Failed to query for interfaces addresses"));
        vsh_report(ctl, &error);
        return FALSE;
    }

    vsh_print_extra(ctl, " %-10s %-20s %-8s     %s\n%s%s\n", _("Name"), _("MAC address"),
                    _("Protocol"), _("Address"),
                    "-------------------------------------------------",
                    "------------------------------");
    for (guint i = 0; i < ifaces->len; i++) {
        const VmmDomainInterface *iface = ifaces->pdata[i];

        if (ifname && !g_str_equal(ifname, iface->name))
            continue;
        if (iface->naddrs == 0) {
            printf(" %-10s %-17s    %-12s %s\n", iface->name,
                   iface->hwaddr ? iface->hwaddr : "N/A", "N/A", "N/A");
            continue;
        }
        for (guint j = 0; j < iface->naddrs; j++) {
            const VmmDomainIPAddress *a = &iface->addrs[j];
            g_autofree char *addr = g_strdup_printf(
                "%-12s %s/%u", a->type == VMM_IP_ADDR_TYPE_IPV6 ? "ipv6" : "ipv4", a->addr,
                a->prefix);

            if (full || j == 0)
                printf(" %-10s %-17s    %s\n", iface->name,
                       iface->hwaddr ? iface->hwaddr : "", addr);
            else
                printf(" %-10s %-17s    %s\n", "-", "-", addr);
        }
    }
    return TRUE;
}

const VshCmdDef vsh_monitor_cmds[] = {
    { "domifaddr", cmd_domifaddr, domifaddr_opts,
      N_("Get network interfaces' addresses for a running domain"),
      N_("Get network interfaces' addresses for a running domain"), 0 },
    { NULL },
};
