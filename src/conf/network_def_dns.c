/*
 * network_def_dns.c: the <dns> element of a network.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/network_def_priv.h"
#include "util/vmm_error.h"

#include <string.h>

/* SRV service and protocol names end up in dnsmasq's "_service._proto.domain"
 * form, so '.' (the separator) and anything unusual are refused. */
#define SRV_PROTOCOL_CHARS \
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-+/"
#define SRV_SERVICE_CHARS SRV_PROTOCOL_CHARS "_*"
/* dnsmasq limits a SRV service name to 15 characters (as RFC 6335 does). */
#define SRV_SERVICE_MAX 15

static void
forwarder_free(gpointer p)
{
    VmmNetworkDNSForwarder *f = p;

    g_free(f->domain);
    g_free(f->addr);
    g_free(f);
}

static void
txt_free(gpointer p)
{
    VmmNetworkDNSTxt *t = p;

    g_free(t->name);
    g_free(t->value);
    g_free(t);
}

static void
srv_free(gpointer p)
{
    VmmNetworkDNSSrv *s = p;

    g_free(s->service);
    g_free(s->protocol);
    g_free(s->domain);
    g_free(s->target);
    g_free(s);
}

static void
host_free(gpointer p)
{
    VmmNetworkDNSHost *h = p;

    g_free(h->ip);
    g_strfreev(h->hostnames);
    g_free(h);
}

void
vmm_network_dns_def_clear(VmmNetworkDNSDef *dns)
{
    g_clear_pointer(&dns->forwarders, g_ptr_array_unref);
    g_clear_pointer(&dns->txts, g_ptr_array_unref);
    g_clear_pointer(&dns->srvs, g_ptr_array_unref);
    g_clear_pointer(&dns->hosts, g_ptr_array_unref);
    dns->enable = VMM_TRISTATE_ABSENT;
    dns->forward_plain_names = VMM_TRISTATE_ABSENT;
}

static gboolean
forwarder_parse(xmlNode *node, VmmNetworkDNSForwarder *fwd, GError **error)
{
    g_autofree char *addr = vmm_xml_prop(node, "addr");

    fwd->domain = vmm_xml_prop(node, "domain");
    if (addr && !(fwd->addr = vmm_network_addr_parse(addr, -1, NULL, error)))
        return FALSE;
    if (!fwd->addr && !fwd->domain) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("DNS forwarder needs an addr or a domain attribute"));
        return FALSE;
    }
    return TRUE;
}

static gboolean
txt_parse(xmlNode *node, VmmNetworkDNSTxt *txt, GError **error)
{
    txt->name = vmm_xml_prop(node, "name");
    txt->value = vmm_xml_prop(node, "value");
    if (!txt->name || !txt->value) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("DNS TXT record needs a name and a value"));
        return FALSE;
    }
    if (strpbrk(txt->name, " ,")) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid DNS TXT record name '%s'"),
                      txt->name);
        return FALSE;
    }
    return TRUE;
}

static gboolean
srv_uint(xmlNode *node, const char *attr, const VmmNetworkDNSSrv *srv, guint64 min,
         unsigned int *out, GError **error)
{
    g_autofree char *str = vmm_xml_prop(node, attr);
    guint64 v;

    if (!str)
        return TRUE;
    if (!srv->target) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("DNS SRV %s is not allowed without a target (service '%s')"),
                      attr, srv->service);
        return FALSE;
    }
    if (!vmm_xml_parse_uint(str, attr, 0, &v, NULL) || v < min || v > 65535) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("invalid DNS SRV %s '%s' for service '%s'"), attr, str, srv->service);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

static gboolean
srv_parse(xmlNode *node, VmmNetworkDNSSrv *srv, GError **error)
{
    srv->service = vmm_xml_prop(node, "service");
    srv->protocol = vmm_xml_prop(node, "protocol");
    srv->domain = vmm_xml_prop(node, "domain");
    srv->target = vmm_xml_prop(node, "target");

    if (!srv->service || !srv->protocol) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("DNS SRV record needs a service and a protocol"));
        return FALSE;
    }
    if (strlen(srv->service) > SRV_SERVICE_MAX ||
        strspn(srv->service, SRV_SERVICE_CHARS) != strlen(srv->service)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid DNS SRV service '%s'"),
                      srv->service);
        return FALSE;
    }
    if (strspn(srv->protocol, SRV_PROTOCOL_CHARS) != strlen(srv->protocol)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid DNS SRV protocol '%s'"),
                      srv->protocol);
        return FALSE;
    }
    return srv_uint(node, "port", srv, 1, &srv->port, error) &&
        srv_uint(node, "priority", srv, 0, &srv->priority, error) &&
        srv_uint(node, "weight", srv, 0, &srv->weight, error);
}

static gboolean
host_parse(xmlNode *node, VmmNetworkDNSHost *host, GError **error)
{
    g_autofree char *ip = vmm_xml_prop(node, "ip");
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);

    if (!ip) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("DNS host record needs an ip attribute"));
        return FALSE;
    }
    if (!(host->ip = vmm_network_addr_parse(ip, -1, NULL, error)))
        return FALSE;
    for (xmlNode *child = node->children; child; child = child->next) {
        xmlChar *content;

        if (child->type != XML_ELEMENT_NODE ||
            !xmlStrEqual(child->name, BAD_CAST "hostname"))
            continue;
        content = xmlNodeGetContent(child);
        if (!content || !*content) {
            xmlFree(content);
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("empty hostname in DNS host record '%s'"), host->ip);
            return FALSE;
        }
        g_ptr_array_add(names, g_strdup((const char *)content));
        xmlFree(content);
    }
    if (names->len == 0) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("DNS host record '%s' has no hostname"), host->ip);
        return FALSE;
    }
    g_ptr_array_add(names, NULL);
    host->hostnames = (GStrv)g_ptr_array_free(g_steal_pointer(&names), FALSE);
    return TRUE;
}

gboolean
vmm_network_dns_def_parse(xmlXPathContext *ctxt, VmmNetworkDNSDef *dns, GError **error)
{
    xmlNode *node = ctxt->node;
    g_autofree char *enable = vmm_xml_prop(node, "enable");
    g_autofree char *plain = vmm_xml_prop(node, "forwardPlainNames");

    if (!vmm_xml_tristate(enable, "dns enable", &dns->enable, error) ||
        !vmm_xml_tristate(plain, "forwardPlainNames", &dns->forward_plain_names, error))
        return FALSE;

    for (xmlNode *child = node->children; child; child = child->next) {
        gboolean ok = TRUE;

        if (child->type != XML_ELEMENT_NODE)
            continue;
        if (xmlStrEqual(child->name, BAD_CAST "forwarder")) {
            VmmNetworkDNSForwarder *f = g_new0(VmmNetworkDNSForwarder, 1);
            g_ptr_array_add(dns->forwarders, f);
            ok = forwarder_parse(child, f, error);
        } else if (xmlStrEqual(child->name, BAD_CAST "txt")) {
            VmmNetworkDNSTxt *t = g_new0(VmmNetworkDNSTxt, 1);
            g_ptr_array_add(dns->txts, t);
            ok = txt_parse(child, t, error);
        } else if (xmlStrEqual(child->name, BAD_CAST "srv")) {
            VmmNetworkDNSSrv *s = g_new0(VmmNetworkDNSSrv, 1);
            g_ptr_array_add(dns->srvs, s);
            ok = srv_parse(child, s, error);
        } else if (xmlStrEqual(child->name, BAD_CAST "host")) {
            VmmNetworkDNSHost *h = g_new0(VmmNetworkDNSHost, 1);
            g_ptr_array_add(dns->hosts, h);
            ok = host_parse(child, h, error);
        }
        if (!ok)
            return FALSE;
    }

    if (dns->enable == VMM_TRISTATE_NO &&
        (dns->forwarders->len || dns->txts->len || dns->srvs->len || dns->hosts->len)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("DNS records are not allowed when dns enable='no'"));
        return FALSE;
    }
    return TRUE;
}

void
vmm_network_dns_def_init(VmmNetworkDNSDef *dns)
{
    dns->forwarders = g_ptr_array_new_with_free_func(forwarder_free);
    dns->txts = g_ptr_array_new_with_free_func(txt_free);
    dns->srvs = g_ptr_array_new_with_free_func(srv_free);
    dns->hosts = g_ptr_array_new_with_free_func(host_free);
}

void
vmm_network_dns_def_format(GString *buf, int indent, const VmmNetworkDNSDef *dns)
{
    gboolean children = dns->forwarders->len || dns->txts->len || dns->srvs->len ||
        dns->hosts->len;

    if (!children && !dns->enable && !dns->forward_plain_names)
        return;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<dns");
    vmm_buf_attr(buf, "enable", vmm_tristate_yesno(dns->enable));
    vmm_buf_attr(buf, "forwardPlainNames", vmm_tristate_yesno(dns->forward_plain_names));
    if (!children) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");

    /* libvirt's order: forwarders, txt, srv, host. */
    for (guint i = 0; i < dns->forwarders->len; i++) {
        const VmmNetworkDNSForwarder *f = dns->forwarders->pdata[i];

        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<forwarder");
        vmm_buf_attr(buf, "domain", f->domain);
        vmm_buf_attr(buf, "addr", f->addr);
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; i < dns->txts->len; i++) {
        const VmmNetworkDNSTxt *t = dns->txts->pdata[i];

        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<txt");
        vmm_buf_attr(buf, "name", t->name);
        vmm_buf_attr(buf, "value", t->value);
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; i < dns->srvs->len; i++) {
        const VmmNetworkDNSSrv *s = dns->srvs->pdata[i];

        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<srv");
        vmm_buf_attr(buf, "service", s->service);
        vmm_buf_attr(buf, "protocol", s->protocol);
        vmm_buf_attr(buf, "domain", s->domain);
        vmm_buf_attr(buf, "target", s->target);
        if (s->port)
            vmm_buf_attr_printf(buf, "port", "%u", s->port);
        if (s->priority)
            vmm_buf_attr_printf(buf, "priority", "%u", s->priority);
        if (s->weight)
            vmm_buf_attr_printf(buf, "weight", "%u", s->weight);
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; i < dns->hosts->len; i++) {
        const VmmNetworkDNSHost *h = dns->hosts->pdata[i];

        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<host");
        vmm_buf_attr(buf, "ip", h->ip);
        g_string_append(buf, ">\n");
        for (guint j = 0; h->hostnames[j]; j++)
            vmm_buf_text_elem(buf, indent + 4, "hostname", h->hostnames[j]);
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "</host>\n");
    }
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</dns>\n");
}
