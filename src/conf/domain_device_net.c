/*
 * domain_device_net.c: <interface>.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_device_priv.h"

static const char *const net_types[] = {
    "network", "bridge", "user", "direct", "ethernet", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(net_types) == VMM_NET_TYPE_LAST + 1);

static const char *const net_direct_modes[] = {
    "", "vepa", "private", "bridge", "passthrough", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(net_direct_modes) == VMM_NET_DIRECT_MODE_LAST + 1);

static const char *const net_link_states[] = { "", "up", "down", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(net_link_states) == VMM_NET_LINK_LAST + 1);

const char *
vmm_net_type_to_string(VmmNetType v)
{
    return vmm_enum_to_string(net_types, v);
}

static gboolean
net_mac_parse(const xmlNode *node, VmmDomainNetDef *def, GError **error)
{
    g_autofree char *addr = vmm_xml_prop(node, "address");

    if (!addr)
        return TRUE;
    if (!g_regex_match_simple("^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$", addr, 0, 0) ||
        !vmm_mac_parse(addr, def->mac)) {
        vmm_error_set(error, VMM_ERR_INVALID_MAC, _("invalid MAC address '%s'"), addr);
        return FALSE;
    }
    if (vmm_mac_is_multicast(def->mac)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("expected unicast MAC address, found multicast '%s'"), addr);
        return FALSE;
    }
    def->mac_set = TRUE;
    return TRUE;
}

static gboolean
net_source_parse(const xmlNode *node, VmmDomainNetDef *def, GError **error)
{
    const char *missing = NULL;
    int v;

    switch (def->type) {
    case VMM_NET_TYPE_NETWORK:
        if (node) {
            def->src_network = vmm_xml_prop(node, "network");
            def->src_portgroup = vmm_xml_prop(node, "portgroup");
            /* Live XML also names the network's bridge. */
            def->src_bridge = vmm_xml_prop(node, "bridge");
        }
        if (!def->src_network)
            missing = "network";
        break;
    case VMM_NET_TYPE_BRIDGE:
        if (node)
            def->src_bridge = vmm_xml_prop(node, "bridge");
        if (!def->src_bridge)
            missing = "bridge";
        break;
    case VMM_NET_TYPE_DIRECT:
        if (node) {
            def->src_dev = vmm_xml_prop(node, "dev");
            if (!dev_enum_attr(node, "mode", net_direct_modes, _("direct interface mode"),
                               VMM_NET_DIRECT_MODE_VEPA, &v, error))
                return FALSE;
            /* The empty entry means "absent" and is not accepted. */
            def->src_mode = v ? v : VMM_NET_DIRECT_MODE_VEPA;
        }
        if (!def->src_dev)
            missing = "dev";
        break;
    case VMM_NET_TYPE_USER:
    case VMM_NET_TYPE_ETHERNET:
    case VMM_NET_TYPE_LAST:
        break;
    }
    if (missing) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("missing source %s for interface type '%s'"), missing,
                      vmm_net_type_to_string(def->type));
        return FALSE;
    }
    return TRUE;
}

static const char *const vlan_native_modes[] = { "", "tagged", "untagged", NULL };
static const char *const virtualport_types[] = {
    "openvswitch", "802.1Qbg", "802.1Qbh", "midonet", NULL
};

static gboolean
net_vlan_parse(const xmlNode *node, VmmDomainNetDef *def, GError **error)
{
    def->vlan_tags = g_array_new(FALSE, TRUE, sizeof(VmmNetVlanTag));
    if (!dev_tristate_attr(node, "trunk", _("vlan trunk"), &def->vlan_trunk, error))
        return FALSE;
    for (xmlNode *c = node->children; c; c = c->next) {
        VmmNetVlanTag tag = { 0 };
        int v;

        if (!dev_is(c, "tag"))
            continue;
        if (!xmlHasProp(c, (const xmlChar *)"id")) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing id for vlan tag"));
            return FALSE;
        }
        if (!dev_int_attr(c, "id", _("vlan tag id"), 0, 4095, -1, &v, error))
            return FALSE;
        tag.id = v;
        if (!dev_enum_attr(c, "nativeMode", vlan_native_modes, _("vlan tag nativeMode"), 0,
                           &tag.native_mode, error))
            return FALSE;
        g_array_append_val(def->vlan_tags, tag);
    }
    if (def->vlan_tags->len == 0) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing tag for vlan"));
        return FALSE;
    }
    if (def->vlan_tags->len > 1 && def->vlan_trunk == VMM_TRISTATE_NO) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("vlan with several tags must not have trunk='no'"));
        return FALSE;
    }
    return TRUE;
}

static gboolean
net_virtualport_parse(const xmlNode *node, VmmDomainNetDef *def, GError **error)
{
    xmlNode *p;

    def->virtualport_type = vmm_xml_prop(node, "type");
    if (!def->virtualport_type) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing virtualport type"));
        return FALSE;
    }
    if (!dev_check_enum(def->virtualport_type, virtualport_types, _("virtualport type"),
                        error))
        return FALSE;
    if ((p = dev_child(node, "parameters"))) {
        def->vp_interfaceid = vmm_xml_prop(p, "interfaceid");
        def->vp_profileid = vmm_xml_prop(p, "profileid");
    }
    return TRUE;
}

VmmDomainNetDef *
dev_net_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainNetDef) def = g_new0(VmmDomainNetDef, 1);
    xmlNode *c;
    int v;

    def->driver_queues = -1;
    def->mtu = -1;
    /* libvirt takes a missing type as user-mode networking. */
    if (!dev_enum_attr(node, "type", net_types, _("interface type"), VMM_NET_TYPE_USER,
                       &v, error))
        return NULL;
    def->type = v;

    if ((c = dev_child(node, "mac")) && !net_mac_parse(c, def, error))
        return NULL;
    if (!net_source_parse(dev_child(node, "source"), def, error))
        return NULL;
    if ((c = dev_child(node, "vlan")) && !net_vlan_parse(c, def, error))
        return NULL;
    if ((c = dev_child(node, "virtualport")) && !net_virtualport_parse(c, def, error))
        return NULL;
    if ((c = dev_child(node, "target")))
        def->target_dev = vmm_xml_prop(c, "dev");
    if ((c = dev_child(node, "model"))) {
        def->model = vmm_xml_prop(c, "type");
        if (def->model && !vmm_str_is_word(def->model, FALSE, "_-")) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid interface model type '%s'"),
                          def->model);
            return NULL;
        }
    }
    if ((c = dev_child(node, "driver"))) {
        def->driver_name = vmm_xml_prop(c, "name");
        if (!dev_check_enum(def->driver_name, (const char *const[]){ "qemu", "vhost", NULL },
                            _("interface driver name"), error) ||
            !dev_int_attr(c, "queues", _("interface driver queues"), 1, 65535, -1,
                          &def->driver_queues, error))
            return NULL;
    }
    if ((c = dev_child(node, "link"))) {
        if (!dev_enum_attr(c, "state", net_link_states, _("interface link state"), 0, &v,
                           error))
            return NULL;
        def->link = v;
    }
    if ((c = dev_child(node, "mtu")) &&
        !dev_int_attr(c, "size", _("interface mtu size"), 1, G_MAXINT32, -1, &def->mtu,
                      error))
        return NULL;
    if (!dev_info_parse(node, &def->info, TRUE, error))
        return NULL;
    return g_steal_pointer(&def);
}

void
dev_net_format(GString *buf, int indent, const VmmDomainNetDef *def, unsigned int flags)
{
    int in = indent + 2;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<interface");
    dev_buf_enum(buf, "type", net_types, def->type);
    g_string_append(buf, ">\n");

    if (def->mac_set) {
        char mac[VMM_MAC_STRING_BUFLEN];
        vmm_buf_indent(buf, in);
        g_string_append_printf(buf, "<mac address='%s'/>\n", vmm_mac_format(def->mac, mac));
    }
    if (def->src_network || def->src_bridge || def->src_dev) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<source");
        vmm_buf_attr(buf, "network", def->src_network);
        vmm_buf_attr(buf, "portgroup", def->src_portgroup);
        vmm_buf_attr(buf, "bridge", def->src_bridge);
        vmm_buf_attr(buf, "dev", def->src_dev);
        if (def->src_mode)
            dev_buf_enum(buf, "mode", net_direct_modes, def->src_mode);
        g_string_append(buf, "/>\n");
    }
    if (def->vlan_tags) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<vlan");
        vmm_buf_attr(buf, "trunk", vmm_tristate_yesno(def->vlan_trunk));
        g_string_append(buf, ">\n");
        for (guint i = 0; i < def->vlan_tags->len; i++) {
            const VmmNetVlanTag *tag = &g_array_index(def->vlan_tags, VmmNetVlanTag, i);
            vmm_buf_indent(buf, in + 2);
            g_string_append_printf(buf, "<tag id='%u'", tag->id);
            if (tag->native_mode)
                dev_buf_enum(buf, "nativeMode", vlan_native_modes, tag->native_mode);
            g_string_append(buf, "/>\n");
        }
        vmm_buf_indent(buf, in);
        g_string_append(buf, "</vlan>\n");
    }
    if (def->virtualport_type) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<virtualport");
        vmm_buf_attr(buf, "type", def->virtualport_type);
        if (def->vp_interfaceid || def->vp_profileid) {
            g_string_append(buf, ">\n");
            vmm_buf_indent(buf, in + 2);
            g_string_append(buf, "<parameters");
            vmm_buf_attr(buf, "interfaceid", def->vp_interfaceid);
            vmm_buf_attr(buf, "profileid", def->vp_profileid);
            g_string_append(buf, "/>\n");
            vmm_buf_indent(buf, in);
            g_string_append(buf, "</virtualport>\n");
        } else {
            g_string_append(buf, "/>\n");
        }
    }
    if (def->target_dev) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<target");
        vmm_buf_attr(buf, "dev", def->target_dev);
        g_string_append(buf, "/>\n");
    }
    if (def->model) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<model");
        vmm_buf_attr(buf, "type", def->model);
        g_string_append(buf, "/>\n");
    }
    if (def->driver_name || def->driver_queues >= 0) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<driver");
        vmm_buf_attr(buf, "name", def->driver_name);
        dev_buf_int(buf, "queues", def->driver_queues);
        g_string_append(buf, "/>\n");
    }
    if (def->link) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<link");
        dev_buf_enum(buf, "state", net_link_states, def->link);
        g_string_append(buf, "/>\n");
    }
    if (def->mtu >= 0) {
        vmm_buf_indent(buf, in);
        g_string_append_printf(buf, "<mtu size='%d'/>\n", def->mtu);
    }
    dev_info_format(buf, in, &def->info, flags);
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</interface>\n");
}

void
dev_net_free(VmmDomainNetDef *def)
{
    if (!def)
        return;
    g_free(def->src_network);
    g_free(def->src_portgroup);
    g_free(def->src_bridge);
    g_free(def->src_dev);
    if (def->vlan_tags)
        g_array_unref(def->vlan_tags);
    g_free(def->virtualport_type);
    g_free(def->vp_interfaceid);
    g_free(def->vp_profileid);
    g_free(def->target_dev);
    g_free(def->model);
    g_free(def->driver_name);
    dev_info_clear(&def->info);
    g_free(def);
}
