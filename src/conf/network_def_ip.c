/*
 * network_def_ip.c: the <ip> element of a network (addresses, DHCP, TFTP).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/network_def_priv.h"
#include "util/vmm_error.h"

#include <gio/gio.h>
#include <string.h>

static const char *const family_names[] = { "ipv4", "ipv6", NULL };
static const char *const lease_unit_names[] = { "seconds", "minutes", "hours", NULL };

/* ---- addresses ---- */

static GInetAddress *
addr_new(const char *str)
{
    /* GInetAddress also takes scope ids ("fe80::1%eth0"); libvirt's XML
     * does not, so refuse them here. */
    if (!str || strchr(str, '%'))
        return NULL;
    return g_inet_address_new_from_string(str);
}

static int
addr_family(GInetAddress *addr)
{
    return g_inet_address_get_family(addr) == G_SOCKET_FAMILY_IPV6 ?
        VMM_NETWORK_IP_FAMILY_IPV6 : VMM_NETWORK_IP_FAMILY_IPV4;
}

char *
vmm_network_addr_parse(const char *str, int family, int *family_out, GError **error)
{
    g_autoptr(GInetAddress) addr = addr_new(str);

    if (!addr) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid IP address '%s'"),
                      str ? str : "");
        return NULL;
    }
    if (family >= 0 && addr_family(addr) != family) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("'%s' is not an %s address"), str,
                      family == VMM_NETWORK_IP_FAMILY_IPV6 ? "IPv6" : "IPv4");
        return NULL;
    }
    if (family_out)
        *family_out = addr_family(addr);
    return g_inet_address_to_string(addr);
}

int
vmm_network_addr_compare(const char *a, const char *b)
{
    g_autoptr(GInetAddress) aa = addr_new(a);
    g_autoptr(GInetAddress) bb = addr_new(b);
    gsize len;

    g_return_val_if_fail(aa && bb, 0);
    len = g_inet_address_get_native_size(aa);
    g_return_val_if_fail(len == g_inet_address_get_native_size(bb), 0);
    return memcmp(g_inet_address_to_bytes(aa), g_inet_address_to_bytes(bb), len);
}

/* Prefix length of a contiguous IPv4 netmask, or -1. */
static int
netmask_to_prefix(const char *netmask)
{
    g_autoptr(GInetAddress) addr = addr_new(netmask);
    const guint8 *b;
    guint32 v;
    int prefix = 0;

    if (!addr || addr_family(addr) != VMM_NETWORK_IP_FAMILY_IPV4)
        return -1;
    b = g_inet_address_to_bytes(addr);
    v = ((guint32)b[0] << 24) | ((guint32)b[1] << 16) | ((guint32)b[2] << 8) | b[3];
    while (prefix < 32 && (v & (1u << (31 - prefix))))
        prefix++;
    /* Any bit set after the first zero makes the mask non-contiguous. */
    if (prefix < 32 && (v & (((1u << (31 - prefix)) << 1) - 1)) != 0)
        return -1;
    return prefix;
}

/* The classful prefix of an IPv4 address without netmask or prefix, as
 * libvirt computes it; 0 when there is none (class D and E). */
static unsigned int
classful_prefix(const char *address)
{
    g_autoptr(GInetAddress) addr = addr_new(address);
    guint8 first;

    if (!addr)
        return 0;
    first = g_inet_address_to_bytes(addr)[0];
    if (first < 128)
        return 8;
    if (first < 192)
        return 16;
    if (first < 224)
        return 24;
    return 0;
}

unsigned int
vmm_network_ip_def_get_prefix(const VmmNetworkIPDef *ip)
{
    if (ip->prefix > 0)
        return ip->prefix;
    if (ip->netmask)
        return MAX(netmask_to_prefix(ip->netmask), 0);
    if (ip->family == VMM_NETWORK_IP_FAMILY_IPV6)
        return 64;
    return classful_prefix(ip->address);
}

gboolean
vmm_network_ip_def_contains(const VmmNetworkIPDef *ip, const char *address)
{
    g_autoptr(GInetAddress) net = addr_new(ip->address);
    g_autoptr(GInetAddress) addr = addr_new(address);
    unsigned int prefix = vmm_network_ip_def_get_prefix(ip);
    const guint8 *a, *b;
    unsigned int i;

    if (!net || !addr || addr_family(net) != addr_family(addr))
        return FALSE;
    /* GInetAddressMask wants the network address itself, while <ip> holds
     * the host's address in it, so compare the prefix bits here. */
    a = g_inet_address_to_bytes(net);
    b = g_inet_address_to_bytes(addr);
    for (i = 0; i < prefix / 8; i++) {
        if (a[i] != b[i])
            return FALSE;
    }
    if (prefix % 8) {
        guint8 mask = 0xff << (8 - prefix % 8);

        if ((a[i] & mask) != (b[i] & mask))
            return FALSE;
    }
    return TRUE;
}

/* ---- free ---- */

static void
dhcp_range_free(gpointer p)
{
    VmmNetworkDHCPRange *r = p;

    g_free(r->start);
    g_free(r->end);
    g_free(r);
}

static void
dhcp_host_free(gpointer p)
{
    VmmNetworkDHCPHost *h = p;

    g_free(h->mac);
    g_free(h->id);
    g_free(h->name);
    g_free(h->ip);
    g_free(h);
}

void
vmm_network_ip_def_free(VmmNetworkIPDef *ip)
{
    if (!ip)
        return;
    g_free(ip->address);
    g_free(ip->netmask);
    g_free(ip->tftp_root);
    g_ptr_array_unref(ip->ranges);
    g_ptr_array_unref(ip->hosts);
    g_free(ip->bootp_file);
    g_free(ip->bootp_server);
    g_free(ip);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmNetworkIPDef, vmm_network_ip_def_free)

/* ---- parse ---- */

static gboolean
lease_parse(xmlNode *parent, VmmNetworkDHCPLease *lease, GError **error)
{
    g_autofree char *expiry = NULL;
    g_autofree char *unit = NULL;
    xmlNode *node;

    for (node = parent->children; node; node = node->next) {
        if (node->type == XML_ELEMENT_NODE && xmlStrEqual(node->name, BAD_CAST "lease"))
            break;
    }
    if (!node)
        return TRUE;

    expiry = vmm_xml_prop(node, "expiry");
    unit = vmm_xml_prop(node, "unit");
    if (!vmm_xml_parse_uint(expiry, "lease expiry", 0, &lease->expiry, error))
        return FALSE;
    if (!vmm_xml_enum(unit, lease_unit_names, "lease unit",
                      VMM_NETWORK_LEASE_UNIT_MINUTES, &lease->unit, error))
        return FALSE;
    lease->set = TRUE;
    return TRUE;
}

static gboolean
dhcp_range_parse(VmmNetworkIPDef *ip, xmlNode *node, GError **error)
{
    g_autofree char *start = vmm_xml_prop(node, "start");
    g_autofree char *end = vmm_xml_prop(node, "end");
    VmmNetworkDHCPRange *range = g_new0(VmmNetworkDHCPRange, 1);

    g_ptr_array_add(ip->ranges, range);
    if (!(range->start = vmm_network_addr_parse(start, ip->family, NULL, error)) ||
        !(range->end = vmm_network_addr_parse(end, ip->family, NULL, error)))
        return FALSE;
    return lease_parse(node, &range->lease, error);
}

static gboolean
dhcp_host_parse(VmmNetworkIPDef *ip, xmlNode *node, GError **error)
{
    g_autofree char *mac = vmm_xml_prop(node, "mac");
    g_autofree char *addr = vmm_xml_prop(node, "ip");
    VmmNetworkDHCPHost *host = g_new0(VmmNetworkDHCPHost, 1);

    g_ptr_array_add(ip->hosts, host);
    host->id = vmm_xml_prop(node, "id");
    host->name = vmm_xml_prop(node, "name");

    if (mac) {
        unsigned char bytes[VMM_MAC_BUFLEN];
        char buf[VMM_MAC_STRING_BUFLEN];

        if (!vmm_mac_parse(mac, bytes)) {
            vmm_error_set(error, VMM_ERR_INVALID_MAC, _("invalid MAC address '%s'"), mac);
            return FALSE;
        }
        if (ip->family == VMM_NETWORK_IP_FAMILY_IPV6) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("DHCP host with MAC address '%s' is not allowed in IPv6 network "
                            "address '%s'; use id or name"), mac, ip->address);
            return FALSE;
        }
        host->mac = g_strdup(vmm_mac_format(bytes, buf));
    }
    if (host->name && !g_ascii_isalnum(host->name[0])) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid DHCP host name '%s'"),
                      host->name);
        return FALSE;
    }
    if (ip->family == VMM_NETWORK_IP_FAMILY_IPV6 && !host->id && !host->name) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("DHCP host in IPv6 network address '%s' needs an id or a name"),
                      ip->address);
        return FALSE;
    }
    if (ip->family == VMM_NETWORK_IP_FAMILY_IPV4 && !host->mac && !host->name) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("DHCP host in IPv4 network address '%s' needs a mac or a name"),
                      ip->address);
        return FALSE;
    }
    if (!addr) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("DHCP host '%s' has no IP address"),
                      host->name ? host->name : host->mac ? host->mac : host->id);
        return FALSE;
    }
    if (!(host->ip = vmm_network_addr_parse(addr, ip->family, NULL, error)))
        return FALSE;
    return lease_parse(node, &host->lease, error);
}

static gboolean
dhcp_parse(VmmNetworkIPDef *ip, xmlNode *dhcp, GError **error)
{
    for (xmlNode *node = dhcp->children; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(node->name, BAD_CAST "range")) {
            if (!dhcp_range_parse(ip, node, error))
                return FALSE;
        } else if (xmlStrEqual(node->name, BAD_CAST "host")) {
            if (!dhcp_host_parse(ip, node, error))
                return FALSE;
        } else if (xmlStrEqual(node->name, BAD_CAST "bootp")) {
            g_autofree char *server = vmm_xml_prop(node, "server");

            if (ip->family != VMM_NETWORK_IP_FAMILY_IPV4) {
                vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                              _("bootp is supported only for IPv4, not on '%s'"),
                              ip->address);
                return FALSE;
            }
            g_free(ip->bootp_file);
            if (!(ip->bootp_file = vmm_xml_prop(node, "file"))) {
                vmm_error_set(error, VMM_ERR_XML_ERROR, _("bootp needs a file attribute"));
                return FALSE;
            }
            g_clear_pointer(&ip->bootp_server, g_free);
            if (server &&
                !(ip->bootp_server = vmm_network_addr_parse(server, -1, NULL, error)))
                return FALSE;
        }
    }
    return TRUE;
}

static gboolean
ip_parse_mask(VmmNetworkIPDef *ip, const char *netmask, const char *prefix,
              GError **error)
{
    if (netmask && prefix) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("both netmask '%s' and prefix '%s' given for address '%s'"),
                      netmask, prefix, ip->address);
        return FALSE;
    }
    if (netmask) {
        if (ip->family != VMM_NETWORK_IP_FAMILY_IPV4) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("netmask is supported only for IPv4, not on '%s'"), ip->address);
            return FALSE;
        }
        if (!(ip->netmask = vmm_network_addr_parse(netmask, VMM_NETWORK_IP_FAMILY_IPV4,
                                                   NULL, error)))
            return FALSE;
        if (netmask_to_prefix(ip->netmask) <= 0) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid netmask '%s'"), netmask);
            return FALSE;
        }
    }
    if (prefix) {
        guint64 v;
        guint64 max = ip->family == VMM_NETWORK_IP_FAMILY_IPV6 ? 128 : 32;

        if (!vmm_xml_parse_uint(prefix, "prefix", 0, &v, NULL) || v == 0 || v > max) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("invalid prefix '%s' for address '%s'"), prefix, ip->address);
            return FALSE;
        }
        ip->prefix = v;
    }
    if (vmm_network_ip_def_get_prefix(ip) == 0) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("cannot determine the prefix of address '%s'; give a netmask or prefix"),
                      ip->address);
        return FALSE;
    }
    return TRUE;
}

VmmNetworkIPDef *
vmm_network_ip_def_parse(xmlXPathContext *ctxt, GError **error)
{
    xmlNode *node = ctxt->node;
    g_autoptr(VmmNetworkIPDef) ip = g_new0(VmmNetworkIPDef, 1);
    g_autofree char *family = vmm_xml_prop(node, "family");
    g_autofree char *address = vmm_xml_prop(node, "address");
    g_autofree char *netmask = vmm_xml_prop(node, "netmask");
    g_autofree char *prefix = vmm_xml_prop(node, "prefix");
    g_autofree char *local_ptr = vmm_xml_prop(node, "localPtr");

    ip->ranges = g_ptr_array_new_with_free_func(dhcp_range_free);
    ip->hosts = g_ptr_array_new_with_free_func(dhcp_host_free);

    if (!vmm_xml_enum(family, family_names, "IP address family",
                      VMM_NETWORK_IP_FAMILY_IPV4, &ip->family, error))
        return NULL;
    ip->family_explicit = family != NULL;
    if (!address) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing address in network <ip>"));
        return NULL;
    }
    if (!(ip->address = vmm_network_addr_parse(address, ip->family, NULL, error)))
        return NULL;
    if (!ip_parse_mask(ip, netmask, prefix, error))
        return NULL;
    if (!vmm_xml_tristate(local_ptr, "localPtr", &ip->local_ptr, error))
        return NULL;

    for (xmlNode *child = node->children; child; child = child->next) {
        if (child->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(child->name, BAD_CAST "tftp")) {
            if (ip->family != VMM_NETWORK_IP_FAMILY_IPV4) {
                vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                              _("tftp is supported only for IPv4, not on '%s'"),
                              ip->address);
                return NULL;
            }
            g_free(ip->tftp_root);
            if (!(ip->tftp_root = vmm_xml_prop(child, "root"))) {
                vmm_error_set(error, VMM_ERR_XML_ERROR, _("tftp needs a root attribute"));
                return NULL;
            }
        } else if (xmlStrEqual(child->name, BAD_CAST "dhcp")) {
            if (!dhcp_parse(ip, child, error))
                return NULL;
        }
    }
    return g_steal_pointer(&ip);
}

/* ---- validate ---- */

gboolean
vmm_network_ip_def_validate(const VmmNetworkIPDef *ip, GError **error)
{
    unsigned int prefix = vmm_network_ip_def_get_prefix(ip);

    for (guint i = 0; i < ip->ranges->len; i++) {
        const VmmNetworkDHCPRange *r = ip->ranges->pdata[i];

        if (!vmm_network_ip_def_contains(ip, r->start) ||
            !vmm_network_ip_def_contains(ip, r->end)) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("DHCP range '%s' - '%s' is not within network '%s/%u'"),
                          r->start, r->end, ip->address, prefix);
            return FALSE;
        }
        if (vmm_network_addr_compare(r->start, r->end) > 0) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("DHCP range start '%s' is after its end '%s'"),
                          r->start, r->end);
            return FALSE;
        }
    }
    for (guint i = 0; i < ip->hosts->len; i++) {
        const VmmNetworkDHCPHost *h = ip->hosts->pdata[i];

        if (!vmm_network_ip_def_contains(ip, h->ip)) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("DHCP host IP '%s' is not within network '%s/%u'"),
                          h->ip, ip->address, prefix);
            return FALSE;
        }
    }
    return TRUE;
}

/* ---- format ---- */

static void
lease_format(GString *buf, int indent, const VmmNetworkDHCPLease *lease)
{
    vmm_buf_indent(buf, indent);
    g_string_append_printf(buf, "<lease expiry='%" G_GUINT64_FORMAT "'", lease->expiry);
    /* An expiry of 0 (infinite) has no unit, as libvirt writes it. */
    if (lease->expiry)
        vmm_buf_attr(buf, "unit", vmm_enum_to_string(lease_unit_names, lease->unit));
    g_string_append(buf, "/>\n");
}

static void
dhcp_format(GString *buf, int indent, const VmmNetworkIPDef *ip)
{
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<dhcp>\n");
    for (guint i = 0; i < ip->ranges->len; i++) {
        const VmmNetworkDHCPRange *r = ip->ranges->pdata[i];

        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<range");
        vmm_buf_attr(buf, "start", r->start);
        vmm_buf_attr(buf, "end", r->end);
        if (r->lease.set) {
            g_string_append(buf, ">\n");
            lease_format(buf, indent + 4, &r->lease);
            vmm_buf_indent(buf, indent + 2);
            g_string_append(buf, "</range>\n");
        } else {
            g_string_append(buf, "/>\n");
        }
    }
    for (guint i = 0; i < ip->hosts->len; i++) {
        const VmmNetworkDHCPHost *h = ip->hosts->pdata[i];

        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<host");
        vmm_buf_attr(buf, "mac", h->mac);
        vmm_buf_attr(buf, "id", h->id);
        vmm_buf_attr(buf, "name", h->name);
        vmm_buf_attr(buf, "ip", h->ip);
        if (h->lease.set) {
            g_string_append(buf, ">\n");
            lease_format(buf, indent + 4, &h->lease);
            vmm_buf_indent(buf, indent + 2);
            g_string_append(buf, "</host>\n");
        } else {
            g_string_append(buf, "/>\n");
        }
    }
    if (ip->bootp_file) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<bootp");
        vmm_buf_attr(buf, "file", ip->bootp_file);
        vmm_buf_attr(buf, "server", ip->bootp_server);
        g_string_append(buf, "/>\n");
    }
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</dhcp>\n");
}

void
vmm_network_ip_def_format(GString *buf, int indent, const VmmNetworkIPDef *ip)
{
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<ip");
    if (ip->family_explicit)
        vmm_buf_attr(buf, "family", vmm_enum_to_string(family_names, ip->family));
    vmm_buf_attr(buf, "address", ip->address);
    vmm_buf_attr(buf, "netmask", ip->netmask);
    if (ip->prefix)
        vmm_buf_attr_printf(buf, "prefix", "%u", ip->prefix);
    vmm_buf_attr(buf, "localPtr", vmm_tristate_yesno(ip->local_ptr));

    if (!ip->tftp_root && !ip->ranges->len && !ip->hosts->len && !ip->bootp_file) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    if (ip->tftp_root) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<tftp");
        vmm_buf_attr(buf, "root", ip->tftp_root);
        g_string_append(buf, "/>\n");
    }
    if (ip->ranges->len || ip->hosts->len || ip->bootp_file)
        dhcp_format(buf, indent + 2, ip);
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</ip>\n");
}
