/*
 * network_def.c: the virtual network definition (libvirt's <network> XML):
 * top-level elements, defaults, whole-object checks, format.  <ip> lives in
 * network_def_ip.c and <dns> in network_def_dns.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/network_def_priv.h"
#include "conf/domain_def.h"
#include "util/vmm_error.h"

#include <string.h>

/* Linux limits interface names to IFNAMSIZ - 1 characters. */
#define BRIDGE_NAME_MAX 15

/* "none" is accepted as libvirt does and means isolated (no <forward>). */
static const char *const forward_mode_names[] = {
    "none", "nat", "route", "open", "bridge", NULL,
};
G_STATIC_ASSERT(G_N_ELEMENTS(forward_mode_names) == VMM_NETWORK_FORWARD_LAST + 1);

const char *
vmm_network_forward_mode_to_string(int mode)
{
    return vmm_enum_to_string(forward_mode_names, mode);
}

const char *
vmm_network_def_forward_dev(const VmmNetworkDef *def)
{
    if (!def->forward_interfaces || def->forward_interfaces->len == 0)
        return NULL;
    return def->forward_interfaces->pdata[0];
}

gboolean
vmm_network_def_has_own_bridge(const VmmNetworkDef *def)
{
    return def->forward_mode != VMM_NETWORK_FORWARD_BRIDGE;
}

const VmmNetworkIPDef *
vmm_network_def_get_ip(const VmmNetworkDef *def, int family, guint n)
{
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const VmmNetworkIPDef *ip = def->ips->pdata[i];

        if (family >= 0 && ip->family != family)
            continue;
        if (n-- == 0)
            return ip;
    }
    return NULL;
}

void
vmm_network_def_free(VmmNetworkDef *def)
{
    if (!def)
        return;
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    g_clear_pointer(&def->metadata, g_ptr_array_unref);
    g_clear_pointer(&def->forward_interfaces, g_ptr_array_unref);
    g_free(def->nat_addr_start);
    g_free(def->nat_addr_end);
    g_free(def->bridge_name);
    g_free(def->domain_name);
    vmm_network_dns_def_clear(&def->dns);
    g_clear_pointer(&def->ips, g_ptr_array_unref);
    g_free(def);
}

VmmNetworkDef *
vmm_network_def_new(void)
{
    VmmNetworkDef *def = g_new0(VmmNetworkDef, 1);

    def->metadata = g_ptr_array_new_with_free_func(g_free);
    def->forward_interfaces = g_ptr_array_new_with_free_func(g_free);
    def->ips = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_network_ip_def_free);
    vmm_network_dns_def_init(&def->dns);
    def->stp = TRUE;
    return def;
}

/* ---- parse ---- */

static gboolean
check_bridge_name(const char *name, GError **error)
{
    if (!*name || strlen(name) > BRIDGE_NAME_MAX || strchr(name, '/') ||
        strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
        strpbrk(name, " \t\n\r")) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid bridge name '%s'"), name);
        return FALSE;
    }
    return TRUE;
}

static gboolean
parse_port(const char *str, const char *what, unsigned int *out, GError **error)
{
    guint64 v;

    if (!str)
        return TRUE;
    if (!vmm_xml_parse_uint(str, what, 0, &v, NULL) || v > 65535) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid %s '%s'"), what, str);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

static gboolean
nat_parse(VmmNetworkDef *def, xmlNode *nat, GError **error)
{
    for (xmlNode *node = nat->children; node; node = node->next) {
        g_autofree char *start = NULL;
        g_autofree char *end = NULL;

        if (node->type != XML_ELEMENT_NODE)
            continue;
        start = vmm_xml_prop(node, "start");
        end = vmm_xml_prop(node, "end");
        if (xmlStrEqual(node->name, BAD_CAST "address")) {
            if (!start) {
                vmm_error_set(error, VMM_ERR_XML_ERROR,
                              _("NAT address range needs a start attribute"));
                return FALSE;
            }
            g_clear_pointer(&def->nat_addr_start, g_free);
            g_clear_pointer(&def->nat_addr_end, g_free);
            if (!(def->nat_addr_start = vmm_network_addr_parse(start, VMM_NETWORK_IP_FAMILY_IPV4,
                                                               NULL, error)))
                return FALSE;
            if (end &&
                !(def->nat_addr_end = vmm_network_addr_parse(end, VMM_NETWORK_IP_FAMILY_IPV4,
                                                             NULL, error)))
                return FALSE;
            if (def->nat_addr_end &&
                vmm_network_addr_compare(def->nat_addr_start, def->nat_addr_end) > 0) {
                vmm_error_set(error, VMM_ERR_XML_ERROR,
                              _("NAT address range start '%s' is after its end '%s'"),
                              start, end);
                return FALSE;
            }
        } else if (xmlStrEqual(node->name, BAD_CAST "port")) {
            if (!start) {
                vmm_error_set(error, VMM_ERR_XML_ERROR,
                              _("NAT port range needs a start attribute"));
                return FALSE;
            }
            def->nat_port_end = 0;
            if (!parse_port(start, "NAT port", &def->nat_port_start, error) ||
                !parse_port(end, "NAT port", &def->nat_port_end, error))
                return FALSE;
            if (def->nat_port_end && def->nat_port_start > def->nat_port_end) {
                vmm_error_set(error, VMM_ERR_XML_ERROR,
                              _("NAT port range start '%s' is after its end '%s'"),
                              start, end);
                return FALSE;
            }
        }
    }
    return TRUE;
}

static gboolean
forward_parse(VmmNetworkDef *def, xmlNode *fwd, GError **error)
{
    g_autofree char *mode = vmm_xml_prop(fwd, "mode");
    g_autofree char *dev = vmm_xml_prop(fwd, "dev");

    /* <forward/> without a mode means NAT. */
    if (!vmm_xml_enum(mode, forward_mode_names, "forward mode", VMM_NETWORK_FORWARD_NAT,
                      &def->forward_mode, error))
        return FALSE;

    for (xmlNode *node = fwd->children; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(node->name, BAD_CAST "nat")) {
            if (def->forward_mode != VMM_NETWORK_FORWARD_NAT) {
                vmm_error_set(error, VMM_ERR_XML_ERROR,
                              _("<nat> is allowed only with forward mode 'nat', not '%s'"),
                              mode);
                return FALSE;
            }
            if (!nat_parse(def, node, error))
                return FALSE;
        } else if (xmlStrEqual(node->name, BAD_CAST "interface")) {
            char *ifdev = vmm_xml_prop(node, "dev");

            if (!ifdev) {
                vmm_error_set(error, VMM_ERR_XML_ERROR,
                              _("forward <interface> needs a dev attribute"));
                return FALSE;
            }
            g_ptr_array_add(def->forward_interfaces, ifdev);
        }
    }

    /* As in libvirt, dev='' is the first forward interface. */
    if (dev) {
        const char *first = vmm_network_def_forward_dev(def);

        if (!first)
            g_ptr_array_add(def->forward_interfaces, g_strdup(dev));
        else if (strcmp(first, dev) != 0) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("forward dev '%s' does not match the first forward interface '%s'"),
                          dev, first);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
bridge_parse(VmmNetworkDef *def, xmlNode *node, GError **error)
{
    g_autofree char *stp = vmm_xml_prop(node, "stp");
    g_autofree char *delay = vmm_xml_prop(node, "delay");
    VmmTristate t;

    def->bridge_name = vmm_xml_prop(node, "name");
    if (def->bridge_name && !check_bridge_name(def->bridge_name, error))
        return FALSE;
    if (!vmm_xml_tristate(stp, "stp", &t, error))
        return FALSE;
    def->stp = t != VMM_TRISTATE_NO;
    if (delay) {
        guint64 v;

        if (!vmm_xml_parse_uint(delay, "bridge delay", G_MAXUINT32, &v, error))
            return FALSE;
        def->delay = v;
    }
    return TRUE;
}

static gboolean
mac_parse(VmmNetworkDef *def, xmlNode *node, GError **error)
{
    g_autofree char *addr = vmm_xml_prop(node, "address");

    if (!addr || !vmm_mac_parse(addr, def->mac)) {
        vmm_error_set(error, VMM_ERR_INVALID_MAC, _("invalid MAC address '%s'"),
                      addr ? addr : "");
        return FALSE;
    }
    if (vmm_mac_is_multicast(def->mac)) {
        vmm_error_set(error, VMM_ERR_INVALID_MAC,
                      _("invalid MAC address '%s': a bridge can't use a multicast address"),
                      addr);
        return FALSE;
    }
    def->mac_set = TRUE;
    return TRUE;
}

static gboolean
domain_parse(VmmNetworkDef *def, xmlNode *node, GError **error)
{
    g_autofree char *local = vmm_xml_prop(node, "localOnly");

    if (!(def->domain_name = vmm_xml_prop(node, "name"))) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("<domain> needs a name attribute"));
        return FALSE;
    }
    return vmm_xml_tristate(local, "localOnly", &def->domain_local_only, error);
}

static gboolean
mtu_parse(VmmNetworkDef *def, xmlNode *node, GError **error)
{
    g_autofree char *size = vmm_xml_prop(node, "size");
    guint64 v;

    if (!vmm_xml_parse_uint(size, "mtu size", G_MAXUINT32, &v, error))
        return FALSE;
    if (v == 0) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '%s' for mtu size"), size);
        return FALSE;
    }
    def->mtu = v;
    return TRUE;
}

static gboolean
root_parse(VmmNetworkDef *def, xmlNode *root, GError **error)
{
    g_autofree char *ipv6 = vmm_xml_prop(root, "ipv6");
    VmmTristate t;

    if (!vmm_xml_tristate(ipv6, "ipv6", &t, error))
        return FALSE;
    def->ipv6_nogw = t == VMM_TRISTATE_YES;
    return TRUE;
}

VmmNetworkDef *
vmm_network_def_parse_node(xmlXPathContext *ctxt, GError **error)
{
    g_autoptr(VmmNetworkDef) def = vmm_network_def_new();
    xmlNode *root = ctxt->node;
    g_autofree char *uuid = NULL;
    gboolean ok = TRUE;

    if (!root_parse(def, root, error))
        return NULL;
    if (!(def->name = vmm_xml_string(ctxt, "./name"))) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing network name"));
        return NULL;
    }
    if ((uuid = vmm_xml_string(ctxt, "./uuid")) && !vmm_uuid_parse(uuid, def->uuid)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid UUID '%s'"), uuid);
        return NULL;
    }
    def->title = vmm_xml_string(ctxt, "./title");
    def->description = vmm_xml_string(ctxt, "./description");

    /* Children in document order; each element is read once. */
    for (xmlNode *node = root->children; node && ok; node = node->next) {
        const char *name = (const char *)node->name;

        if (node->type != XML_ELEMENT_NODE)
            continue;
        if (strcmp(name, "metadata") == 0) {
            for (xmlNode *m = node->children; m; m = m->next) {
                if (m->type == XML_ELEMENT_NODE)
                    g_ptr_array_add(def->metadata, vmm_xml_node_dump(m));
            }
        } else if (strcmp(name, "forward") == 0) {
            ok = forward_parse(def, node, error);
        } else if (strcmp(name, "bridge") == 0) {
            ok = bridge_parse(def, node, error);
        } else if (strcmp(name, "mtu") == 0) {
            ok = mtu_parse(def, node, error);
        } else if (strcmp(name, "mac") == 0) {
            ok = mac_parse(def, node, error);
        } else if (strcmp(name, "domain") == 0) {
            ok = domain_parse(def, node, error);
        } else if (strcmp(name, "dns") == 0) {
            ctxt->node = node;
            ok = vmm_network_dns_def_parse(ctxt, &def->dns, error);
            ctxt->node = root;
        } else if (strcmp(name, "ip") == 0) {
            VmmNetworkIPDef *ip;

            ctxt->node = node;
            ip = vmm_network_ip_def_parse(ctxt, error);
            ctxt->node = root;
            if (ip)
                g_ptr_array_add(def->ips, ip);
            ok = ip != NULL;
        }
    }
    if (!ok)
        return NULL;
    return g_steal_pointer(&def);
}

gboolean
vmm_network_def_post_parse(VmmNetworkDef *def, GError **error)
{
    if (vmm_uuid_is_null(def->uuid))
        vmm_uuid_generate(def->uuid);
    /* Bridges we create get a stable MAC so that the bridge's address (and
     * the guests' view of the gateway) survives restarts. */
    if (vmm_network_def_has_own_bridge(def) && !def->mac_set) {
        vmm_mac_generate(def->mac);
        def->mac_set = TRUE;
    }
    return TRUE;
}

/* ---- validate ---- */

static gboolean
validate_bridge_mode(const VmmNetworkDef *def, GError **error)
{
    const char *what = NULL;

    if (def->ips->len)
        what = "<ip>";
    else if (def->dns.enable || def->dns.forward_plain_names || def->dns.forwarders->len ||
             def->dns.txts->len || def->dns.srvs->len || def->dns.hosts->len)
        what = "<dns>";
    else if (def->domain_name)
        what = "<domain>";
    else if (def->mac_set)
        what = "<mac>";
    else if (def->mtu)
        what = "<mtu>";
    if (what) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                      _("%s is not supported in network '%s' with forward mode 'bridge'"),
                      what, def->name);
        return FALSE;
    }
    if (!def->bridge_name == !def->forward_interfaces->len) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("network '%s' with forward mode 'bridge' needs either a bridge "
                        "name or a forward dev, and not both"), def->name);
        return FALSE;
    }
    return TRUE;
}

gboolean
vmm_network_def_validate(const VmmNetworkDef *def, GError **error)
{
    gboolean dhcp_seen[VMM_NETWORK_IP_FAMILY_LAST] = { FALSE, FALSE };

    if (!vmm_def_check_name(def->name, "network", error))
        return FALSE;

    if (def->forward_mode == VMM_NETWORK_FORWARD_BRIDGE) {
        if (!validate_bridge_mode(def, error))
            return FALSE;
    } else if (def->forward_mode == VMM_NETWORK_FORWARD_OPEN &&
               def->forward_interfaces->len) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                      _("forward dev is not supported in network '%s' with forward mode 'open'"),
                      def->name);
        return FALSE;
    }

    for (guint i = 0; i < def->ips->len; i++) {
        const VmmNetworkIPDef *ip = def->ips->pdata[i];

        if (!vmm_network_ip_def_validate(ip, error))
            return FALSE;
        if (!ip->ranges->len && !ip->hosts->len)
            continue;
        /* One dnsmasq DHCP scope per family: libvirt's rule too. */
        if (dhcp_seen[ip->family]) {
            vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                          _("DHCP is supported on only one %s address in network '%s'"),
                          ip->family == VMM_NETWORK_IP_FAMILY_IPV6 ? "IPv6" : "IPv4",
                          def->name);
            return FALSE;
        }
        dhcp_seen[ip->family] = TRUE;
    }
    return TRUE;
}

VmmNetworkDef *
vmm_network_def_parse_string(const char *xml, const char *url, unsigned int flags,
                             GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(VmmNetworkDef) def = NULL;

    if (!url)
        url = "(network_definition)";
    if (!(doc = vmm_xml_parse(xml, url, "network", &ctxt, error)))
        return NULL;
    if ((flags & VMM_NETWORK_DEF_PARSE_VALIDATE) && !vmm_xml_validate(doc, "network", error))
        return NULL;
    if (!(def = vmm_network_def_parse_node(ctxt, error)) ||
        !vmm_network_def_post_parse(def, error) ||
        !vmm_network_def_validate(def, error))
        return NULL;
    return g_steal_pointer(&def);
}

/* ---- format ---- */

static void
forward_format(GString *buf, const VmmNetworkDef *def)
{
    gboolean nat = def->nat_addr_start || def->nat_port_start || def->nat_port_end;

    if (def->forward_mode == VMM_NETWORK_FORWARD_NONE)
        return;

    g_string_append(buf, "  <forward");
    vmm_buf_attr(buf, "dev", vmm_network_def_forward_dev(def));
    vmm_buf_attr(buf, "mode", vmm_network_forward_mode_to_string(def->forward_mode));
    if (!nat && !def->forward_interfaces->len) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    if (nat) {
        g_string_append(buf, "    <nat>\n");
        if (def->nat_addr_start) {
            g_string_append(buf, "      <address");
            vmm_buf_attr(buf, "start", def->nat_addr_start);
            vmm_buf_attr(buf, "end", def->nat_addr_end);
            g_string_append(buf, "/>\n");
        }
        if (def->nat_port_start || def->nat_port_end) {
            g_string_append_printf(buf, "      <port start='%u'", def->nat_port_start);
            if (def->nat_port_end)
                g_string_append_printf(buf, " end='%u'", def->nat_port_end);
            g_string_append(buf, "/>\n");
        }
        g_string_append(buf, "    </nat>\n");
    }
    for (guint i = 0; i < def->forward_interfaces->len; i++) {
        g_string_append(buf, "    <interface");
        vmm_buf_attr(buf, "dev", def->forward_interfaces->pdata[i]);
        g_string_append(buf, "/>\n");
    }
    g_string_append(buf, "  </forward>\n");
}

char *
vmm_network_def_format(const VmmNetworkDef *def, unsigned int flags)
{
    g_autoptr(GString) buf = g_string_new("<network");
    char uuid[VMM_UUID_STRING_BUFLEN];
    gboolean own_bridge = vmm_network_def_has_own_bridge(def);

    if (def->ipv6_nogw)
        g_string_append(buf, " ipv6='yes'");
    g_string_append(buf, ">\n");
    vmm_buf_text_elem(buf, 2, "name", def->name);
    vmm_buf_text_elem(buf, 2, "uuid", vmm_uuid_format(def->uuid, uuid));
    vmm_buf_text_elem(buf, 2, "title", def->title);
    vmm_buf_text_elem(buf, 2, "description", def->description);
    if (def->metadata->len) {
        g_string_append(buf, "  <metadata>\n");
        for (guint i = 0; i < def->metadata->len; i++)
            vmm_buf_fragment(buf, 4, def->metadata->pdata[i]);
        g_string_append(buf, "  </metadata>\n");
    }

    forward_format(buf, def);

    /* Our own bridges always show stp and delay, as libvirt writes them. */
    if (own_bridge || def->bridge_name) {
        g_string_append(buf, "  <bridge");
        vmm_buf_attr(buf, "name", def->bridge_name);
        if (own_bridge)
            g_string_append_printf(buf, " stp='%s' delay='%lu'", def->stp ? "on" : "off",
                                   def->delay);
        g_string_append(buf, "/>\n");
    }
    if (def->mtu)
        g_string_append_printf(buf, "  <mtu size='%u'/>\n", def->mtu);
    if (def->mac_set) {
        char mac[VMM_MAC_STRING_BUFLEN];

        g_string_append_printf(buf, "  <mac address='%s'/>\n", vmm_mac_format(def->mac, mac));
    }
    if (def->domain_name) {
        g_string_append(buf, "  <domain");
        vmm_buf_attr(buf, "name", def->domain_name);
        vmm_buf_attr(buf, "localOnly", vmm_tristate_yesno(def->domain_local_only));
        g_string_append(buf, "/>\n");
    }
    vmm_network_dns_def_format(buf, 2, &def->dns);
    for (guint i = 0; i < def->ips->len; i++)
        vmm_network_ip_def_format(buf, 2, def->ips->pdata[i]);
    g_string_append(buf, "</network>\n");
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

VmmNetworkDef *
vmm_network_def_copy(const VmmNetworkDef *def)
{
    g_autofree char *xml = vmm_network_def_format(def, 0);
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(GError) err = NULL;
    VmmNetworkDef *copy;

    /* The format is a complete, stable image of the definition (the golden
     * tests hold it to a fixed point), so a copy is a re-parse of it. */
    doc = vmm_xml_parse(xml, "(network_copy)", "network", &ctxt, &err);
    copy = doc ? vmm_network_def_parse_node(ctxt, &err) : NULL;
    if (!copy)
        g_error("cannot re-read a formatted network: %s", err->message);
    return copy;
}
