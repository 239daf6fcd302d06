/*
 * network_dnsmasq.c: a network definition → dnsmasq's config and host files.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "drivers/network/network_dnsmasq.h"
#include "drivers/network/network_subnet.h"
#include "util/vmm_error.h"

#include <gio/gio.h>
#include <string.h>

VmmDnsmasqPaths *
vmm_dnsmasq_paths_new(const char *dir, const char *pid_dir, const char *name)
{
    VmmDnsmasqPaths *p = g_new0(VmmDnsmasqPaths, 1);
    g_autofree char *conf = g_strdup_printf("%s.conf", name);
    g_autofree char *pid = g_strdup_printf("%s.pid", name);
    g_autofree char *leases = g_strdup_printf("%s.leases", name);
    g_autofree char *hosts = g_strdup_printf("%s.hostsfile", name);
    g_autofree char *addn = g_strdup_printf("%s.addnhosts", name);

    p->conf_file = g_build_filename(dir, conf, NULL);
    p->pid_file = g_build_filename(pid_dir, pid, NULL);
    p->lease_file = g_build_filename(dir, leases, NULL);
    p->hosts_file = g_build_filename(dir, hosts, NULL);
    p->addn_hosts_file = g_build_filename(dir, addn, NULL);
    return p;
}

void
vmm_dnsmasq_paths_free(VmmDnsmasqPaths *p)
{
    if (!p)
        return;
    g_free(p->conf_file);
    g_free(p->pid_file);
    g_free(p->lease_file);
    g_free(p->hosts_file);
    g_free(p->addn_hosts_file);
    g_free(p->user);
    g_free(p);
}

VmmCommand *
vmm_dnsmasq_build_command(const VmmDnsmasqPaths *paths, const char *binary)
{
    VmmCommand *cmd = vmm_command_new(binary ? binary : "dnsmasq");

    vmm_command_add_arg_format(cmd, "--conf-file=%s", paths->conf_file);
    vmm_command_add_arg(cmd, "--keep-in-foreground");
    return cmd;
}

/*
 * dnsmasq reads one option per line and splits values at commas, so a
 * newline in any value would smuggle in an option of the caller's choice,
 * and a comma would shift the fields.  Refuse both (commas only where the
 * field is a list element).
 */
static gboolean
check_value(const char *what, const char *value, gboolean comma_ok, GError **error)
{
    const char *p;

    if (!value)
        return TRUE;
    for (p = value; *p; p++) {
        if ((guchar)*p < 0x20 || *p == 0x7f || (!comma_ok && *p == ',')) {
            vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                          _("%s '%s' cannot be passed to dnsmasq"), what, value);
            return FALSE;
        }
    }
    return TRUE;
}

/* ",1h" style suffix for a lease, or "" when none is set. */
static char *
lease_suffix(const VmmNetworkDHCPLease *lease)
{
    static const char units[] = { 's', 'm', 'h' };

    if (!lease->set)
        return g_strdup("");
    if (lease->expiry == 0)
        return g_strdup(",infinite");
    if (lease->unit == VMM_NETWORK_LEASE_UNIT_SECONDS)
        return g_strdup_printf(",%" G_GUINT64_FORMAT, lease->expiry);
    return g_strdup_printf(",%" G_GUINT64_FORMAT "%c", lease->expiry,
                           units[CLAMP(lease->unit, 0, 2)]);
}

static char *
ipv4_netmask(unsigned int prefix)
{
    guint32 m = prefix ? 0xffffffffu << (32 - prefix) : 0;

    return g_strdup_printf("%u.%u.%u.%u", m >> 24, (m >> 16) & 0xff, (m >> 8) & 0xff,
                           m & 0xff);
}

static char *
subnet_address(const VmmNetworkIPDef *ip)
{
    VmmSubnet s;
    g_autofree char *str = NULL;

    vmm_subnet_from_ip_def(ip, &s);
    str = vmm_subnet_format(&s);
    *strchr(str, '/') = '\0';
    return g_steal_pointer(&str);
}

/* Addresses in [start, end], saturating; both must be of one family. */
static guint64
range_size(const char *start, const char *end)
{
    g_autoptr(GInetAddress) a = g_inet_address_new_from_string(start);
    g_autoptr(GInetAddress) b = g_inet_address_new_from_string(end);
    const guint8 *x, *y;
    gsize len, i;
    guint64 va = 0, vb = 0;

    if (!a || !b || g_inet_address_get_family(a) != g_inet_address_get_family(b))
        return 0;
    len = g_inet_address_get_native_size(a);
    x = g_inet_address_to_bytes(a);
    y = g_inet_address_to_bytes(b);
    /* A v6 range wider than 2^64 only needs to saturate. */
    for (i = 0; i + 8 < len; i++) {
        if (x[i] != y[i])
            return G_MAXINT;
    }
    for (i = len > 8 ? len - 8 : 0; i < len; i++) {
        va = va << 8 | x[i];
        vb = vb << 8 | y[i];
    }
    return vb >= va ? MIN(vb - va + 1, (guint64)G_MAXINT) : 0;
}

guint64
vmm_dnsmasq_lease_max(const VmmNetworkDef *def)
{
    guint64 total = 0;
    guint i, j;

    for (i = 0; i < def->ips->len; i++) {
        const VmmNetworkIPDef *ip = g_ptr_array_index(def->ips, i);

        for (j = 0; j < ip->ranges->len; j++) {
            const VmmNetworkDHCPRange *r = g_ptr_array_index(ip->ranges, j);

            total += range_size(r->start, r->end);
        }
        total += ip->hosts->len;
    }
    return MIN(total, (guint64)G_MAXINT);
}

/* local=/…in-addr.arpa/ for an <ip localPtr='yes'>: dnsmasq then answers
 * reverse lookups of the subnet itself instead of forwarding them.  Only
 * prefixes on a label boundary (octet for IPv4, nibble for IPv6) have one
 * such zone. */
static void
append_local_ptr(GString *buf, const VmmNetworkIPDef *ip)
{
    VmmSubnet s;
    int i;

    vmm_subnet_from_ip_def(ip, &s);
    if (ip->family == VMM_NETWORK_IP_FAMILY_IPV4) {
        if (s.prefix % 8 || s.prefix == 0)
            return;
        g_string_append(buf, "local=/");
        for (i = (int)s.prefix / 8 - 1; i >= 0; i--)
            g_string_append_printf(buf, "%u.", s.addr[i]);
        g_string_append(buf, "in-addr.arpa/\n");
    } else {
        if (s.prefix % 4 || s.prefix == 0)
            return;
        g_string_append(buf, "local=/");
        for (i = (int)s.prefix / 4 - 1; i >= 0; i--)
            g_string_append_printf(buf, "%x.", i % 2 ? s.addr[i / 2] & 0xf : s.addr[i / 2] >> 4);
        g_string_append(buf, "ip6.arpa/\n");
    }
}

static gboolean
append_dns(GString *buf, const VmmNetworkDef *def, GError **error)
{
    const VmmNetworkDNSDef *dns = &def->dns;
    gboolean no_resolv = FALSE;
    guint i;

    if (dns->forward_plain_names == VMM_TRISTATE_NO)
        g_string_append(buf, "domain-needed\nlocal=//\n");
    if (def->domain_name) {
        if (!check_value("domain name", def->domain_name, FALSE, error))
            return FALSE;
        if (def->domain_local_only == VMM_TRISTATE_YES)
            g_string_append_printf(buf, "local=/%s/\n", def->domain_name);
        g_string_append_printf(buf, "domain=%s\nexpand-hosts\n", def->domain_name);
    }
    /* Forwarders for all names replace resolv.conf's servers. */
    for (i = 0; i < dns->forwarders->len; i++) {
        const VmmNetworkDNSForwarder *f = g_ptr_array_index(dns->forwarders, i);

        if (f->addr && !f->domain)
            no_resolv = TRUE;
    }
    if (no_resolv)
        g_string_append(buf, "no-resolv\n");
    for (i = 0; i < dns->forwarders->len; i++) {
        const VmmNetworkDNSForwarder *f = g_ptr_array_index(dns->forwarders, i);

        if (!check_value("DNS forwarder domain", f->domain, FALSE, error) ||
            !check_value("DNS forwarder address", f->addr, FALSE, error))
            return FALSE;
        if (f->domain && f->addr)
            g_string_append_printf(buf, "server=/%s/%s\n", f->domain, f->addr);
        else if (f->domain)
            g_string_append_printf(buf, "local=/%s/\n", f->domain);
        else if (f->addr)
            g_string_append_printf(buf, "server=%s\n", f->addr);
    }
    for (i = 0; i < dns->srvs->len; i++) {
        const VmmNetworkDNSSrv *s = g_ptr_array_index(dns->srvs, i);

        if (!check_value("SRV service", s->service, FALSE, error) ||
            !check_value("SRV protocol", s->protocol, FALSE, error) ||
            !check_value("SRV domain", s->domain, FALSE, error) ||
            !check_value("SRV target", s->target, FALSE, error))
            return FALSE;
        g_string_append_printf(buf, "srv-host=_%s._%s", s->service, s->protocol);
        if (s->domain)
            g_string_append_printf(buf, ".%s", s->domain);
        /* Fields are positional: a later one needs the earlier ones. */
        if (s->target || s->port || s->priority || s->weight)
            g_string_append_printf(buf, ",%s", s->target ? s->target : "");
        if (s->port || s->priority || s->weight)
            g_string_append_printf(buf, ",%u", s->port);
        if (s->priority || s->weight)
            g_string_append_printf(buf, ",%u", s->priority);
        if (s->weight)
            g_string_append_printf(buf, ",%u", s->weight);
        g_string_append_c(buf, '\n');
    }
    for (i = 0; i < dns->txts->len; i++) {
        const VmmNetworkDNSTxt *t = g_ptr_array_index(dns->txts, i);
        const char *p;

        if (!check_value("TXT record name", t->name, FALSE, error) ||
            !check_value("TXT record value", t->value, TRUE, error))
            return FALSE;
        /* Quoted, so that a comma in the value stays in one string. */
        g_string_append_printf(buf, "txt-record=%s,\"", t->name);
        for (p = t->value ? t->value : ""; *p; p++) {
            if (*p == '"' || *p == '\\')
                g_string_append_c(buf, '\\');
            g_string_append_c(buf, *p);
        }
        g_string_append(buf, "\"\n");
    }
    for (i = 0; i < def->ips->len; i++) {
        const VmmNetworkIPDef *ip = g_ptr_array_index(def->ips, i);

        if (ip->local_ptr == VMM_TRISTATE_YES)
            append_local_ptr(buf, ip);
    }
    return TRUE;
}

/* dhcp-range lines of one <ip>; sets *@v4/@v6 when it serves DHCP. */
static void
append_dhcp_ranges(GString *buf, const VmmNetworkIPDef *ip, gboolean *v4, gboolean *v6)
{
    unsigned int prefix = vmm_network_ip_def_get_prefix(ip);
    gboolean is_v6 = ip->family == VMM_NETWORK_IP_FAMILY_IPV6;
    g_autofree char *mask = is_v6 ? g_strdup_printf("%u", prefix) : ipv4_netmask(prefix);
    guint i;

    for (i = 0; i < ip->ranges->len; i++) {
        const VmmNetworkDHCPRange *r = g_ptr_array_index(ip->ranges, i);
        g_autofree char *lease = lease_suffix(&r->lease);

        g_string_append_printf(buf, "dhcp-range=%s,%s,%s%s\n", r->start, r->end, mask, lease);
    }
    /* Static hosts without a range: dnsmasq serves only them. */
    if (ip->ranges->len == 0 && ip->hosts->len > 0) {
        g_autofree char *net = subnet_address(ip);

        g_string_append_printf(buf, "dhcp-range=%s,static,%s\n", net, mask);
    }
    if (ip->ranges->len == 0 && ip->hosts->len == 0 && is_v6) {
        /* Router advertisements only, so that SLAAC works.  SLAAC needs a
         * /64 (dnsmasq refuses less), so a wider subnet announces the /64
         * that holds the bridge's address. */
        g_autofree char *net = subnet_address(ip);

        g_string_append_printf(buf, "dhcp-range=%s,ra-only,%u\n", net, MAX(prefix, 64));
    }
    if (ip->ranges->len > 0 || ip->hosts->len > 0) {
        if (is_v6)
            *v6 = TRUE;
        else
            *v4 = TRUE;
    }
}

char *
vmm_dnsmasq_build_config(const VmmNetworkDef *def, const VmmDnsmasqPaths *paths,
                         GError **error)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    gboolean dns = def->dns.enable != VMM_TRISTATE_NO;
    gboolean dhcp4 = FALSE, dhcp6 = FALSE, any_v6 = FALSE;
    const VmmNetworkIPDef *boot_ip = NULL;
    guint64 lease_max;
    guint i;

    if (!vmm_network_def_has_own_bridge(def)) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                      _("network '%s' in forward mode '%s' runs no dnsmasq"),
                      def->name, vmm_network_forward_mode_to_string(def->forward_mode));
        return NULL;
    }
    if (!check_value("network name", def->name, FALSE, error))
        return NULL;

    /* Steps: who and where; what to listen on; DNS; DHCP; files. */
    g_string_append_printf(buf,
                           "# dnsmasq configuration of network '%s', generated by vmm.\n"
                           "# Edits are overwritten: change the network with"
                           " `vshell net-edit %s` instead.\n",
                           def->name, def->name);
    g_string_append(buf, "strict-order\n");
    if (paths->user)
        g_string_append_printf(buf, "user=%s\n", paths->user);
    if (paths->pid_file)
        g_string_append_printf(buf, "pid-file=%s\n", paths->pid_file);

    /* Only the bridge's own addresses: never the host's other interfaces,
     * and never loopback, where the host's resolver may listen. */
    g_string_append(buf, "except-interface=lo\nbind-interfaces\n");
    for (i = 0; i < def->ips->len; i++) {
        const VmmNetworkIPDef *ip = g_ptr_array_index(def->ips, i);

        g_string_append_printf(buf, "listen-address=%s\n", ip->address);
        if (ip->family == VMM_NETWORK_IP_FAMILY_IPV6)
            any_v6 = TRUE;
    }
    /* dnsmasq sends router advertisements, and answers solicitations, only
     * on interfaces named by interface=: on one matched by listen-address
     * alone it stays silent, and SLAAC never happens.  Naming the bridge
     * adds no address but the bridge's own link-local one. */
    if (any_v6 && def->bridge_name) {
        if (!check_value("bridge name", def->bridge_name, FALSE, error))
            return NULL;
        g_string_append_printf(buf, "interface=%s\n", def->bridge_name);
    }

    if (!dns)
        g_string_append(buf, "port=0\n");
    else if (!append_dns(buf, def, error))
        return NULL;

    for (i = 0; i < def->ips->len; i++) {
        const VmmNetworkIPDef *ip = g_ptr_array_index(def->ips, i);

        append_dhcp_ranges(buf, ip, &dhcp4, &dhcp6);
        if (!boot_ip && (ip->tftp_root || ip->bootp_file))
            boot_ip = ip;
    }
    if (dhcp4) {
        /* We are the only DHCP server on this bridge: answer clients that
         * ask for a lease we don't know at once, and keep the BOOTP file
         * and server fields for booting. */
        g_string_append(buf, "dhcp-no-override\ndhcp-authoritative\n");
        if (def->mtu)
            g_string_append_printf(buf, "dhcp-option=option:mtu,%u\n", def->mtu);
    }
    if (dhcp4 || dhcp6) {
        lease_max = vmm_dnsmasq_lease_max(def);
        if (lease_max)
            g_string_append_printf(buf, "dhcp-lease-max=%" G_GUINT64_FORMAT "\n", lease_max);
        if (paths->lease_file)
            g_string_append_printf(buf, "dhcp-leasefile=%s\n", paths->lease_file);
        /* Always named, even when empty: net-update adds hosts live. */
        if (paths->hosts_file)
            g_string_append_printf(buf, "dhcp-hostsfile=%s\n", paths->hosts_file);
    }
    if (boot_ip) {
        if (!check_value("TFTP root", boot_ip->tftp_root, FALSE, error) ||
            !check_value("BOOTP file", boot_ip->bootp_file, FALSE, error) ||
            !check_value("BOOTP server", boot_ip->bootp_server, FALSE, error))
            return NULL;
        if (boot_ip->tftp_root)
            g_string_append_printf(buf, "enable-tftp\ntftp-root=%s\n", boot_ip->tftp_root);
        if (boot_ip->bootp_file && boot_ip->bootp_server)
            g_string_append_printf(buf, "dhcp-boot=%s,,%s\n", boot_ip->bootp_file,
                                   boot_ip->bootp_server);
        else if (boot_ip->bootp_file)
            g_string_append_printf(buf, "dhcp-boot=%s\n", boot_ip->bootp_file);
    }
    if (any_v6)
        g_string_append(buf, "enable-ra\n");
    if (dns && paths->addn_hosts_file)
        g_string_append_printf(buf, "addn-hosts=%s\n", paths->addn_hosts_file);
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

char *
vmm_dnsmasq_build_hostsfile(const VmmNetworkDef *def, GError **error)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    guint i, j;

    for (i = 0; i < def->ips->len; i++) {
        const VmmNetworkIPDef *ip = g_ptr_array_index(def->ips, i);
        gboolean v6 = ip->family == VMM_NETWORK_IP_FAMILY_IPV6;

        for (j = 0; j < ip->hosts->len; j++) {
            const VmmNetworkDHCPHost *h = g_ptr_array_index(ip->hosts, j);
            g_autofree char *lease = lease_suffix(&h->lease);
            g_autoptr(GPtrArray) fields = g_ptr_array_new_with_free_func(g_free);
            g_autofree char *line = NULL;

            if (!check_value("DHCP host name", h->name, FALSE, error) ||
                !check_value("DHCP host id", h->id, TRUE, error))
                return NULL;
            /* dnsmasq tells dhcp-host fields apart by their form (MAC,
             * id:DUID, address, name), IPv6 addresses go in brackets. */
            if (h->mac)
                g_ptr_array_add(fields, g_strdup(h->mac));
            if (h->id)
                g_ptr_array_add(fields, g_strdup_printf("id:%s", h->id));
            if (h->ip)
                g_ptr_array_add(fields, g_strdup_printf(v6 ? "[%s]" : "%s", h->ip));
            if (h->name)
                g_ptr_array_add(fields, g_strdup(h->name));
            g_ptr_array_add(fields, NULL);
            line = g_strjoinv(",", (char **)fields->pdata);
            g_string_append(buf, line);
            g_string_append_printf(buf, "%s\n", lease);
        }
    }
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

char *
vmm_dnsmasq_build_addnhosts(const VmmNetworkDef *def, GError **error)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    guint i, j;

    for (i = 0; i < def->dns.hosts->len; i++) {
        const VmmNetworkDNSHost *h = g_ptr_array_index(def->dns.hosts, i);

        if (!h->ip || !h->hostnames || !h->hostnames[0])
            continue;
        g_string_append(buf, h->ip);
        for (j = 0; h->hostnames[j]; j++) {
            if (!check_value("DNS host name", h->hostnames[j], FALSE, error))
                return NULL;
            if (strpbrk(h->hostnames[j], " \t#")) {
                vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                              _("DNS host name '%s' cannot be passed to dnsmasq"),
                              h->hostnames[j]);
                return NULL;
            }
            g_string_append_printf(buf, "%s%s", j ? " " : "\t", h->hostnames[j]);
        }
        g_string_append_c(buf, '\n');
    }
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

/* ---- the lease file ---- */

void
vmm_dnsmasq_lease_free(VmmDnsmasqLease *lease)
{
    if (!lease)
        return;
    g_free(lease->mac);
    g_free(lease->iaid);
    g_free(lease->ip);
    g_free(lease->hostname);
    g_free(lease->client_id);
    g_free(lease);
}

static char *
field_or_null(const char *s)
{
    return strcmp(s, "*") == 0 ? NULL : g_strdup(s);
}

GPtrArray *
vmm_dnsmasq_parse_leases(const char *text)
{
    GPtrArray *out = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_dnsmasq_lease_free);
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
    guint i;

    /* "EXPIRY MAC|IAID IP HOSTNAME|* CLIENTID|*" per lease. */
    for (i = 0; lines[i]; i++) {
        g_auto(GStrv) f = g_strsplit_set(g_strstrip(lines[i]), " \t", -1);
        g_autoptr(VmmDnsmasqLease) l = NULL;
        g_autoptr(GInetAddress) addr = NULL;
        guint64 expiry;

        if (g_strv_length(f) < 4 || strcmp(f[0], "duid") == 0 ||
            !g_ascii_string_to_unsigned(f[0], 10, 0, G_MAXINT64, &expiry, NULL) ||
            !(addr = g_inet_address_new_from_string(f[2])))
            continue;
        l = g_new0(VmmDnsmasqLease, 1);
        l->expiry = (gint64)expiry;
        l->ip = g_strdup(f[2]);
        if (g_inet_address_get_family(addr) == G_SOCKET_FAMILY_IPV6) {
            l->family = VMM_NETWORK_IP_FAMILY_IPV6;
            l->iaid = g_strdup(f[1]);
        } else {
            l->family = VMM_NETWORK_IP_FAMILY_IPV4;
            l->mac = g_ascii_strdown(f[1], -1);
        }
        l->hostname = field_or_null(f[3]);
        l->client_id = f[4] ? field_or_null(f[4]) : NULL;
        g_ptr_array_add(out, g_steal_pointer(&l));
    }
    return out;
}
