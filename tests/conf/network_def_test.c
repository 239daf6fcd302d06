/*
 * network_def_test.c: tests for src/conf/network_def*.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "testutils.h"
#include "conf/network_def.h"
#include "util/vmm_error.h"

#include <string.h>

static gpointer
golden_parse(const char *xml, const char *url, GError **error)
{
    return vmm_network_def_parse_string(xml, url, 0, error);
}

static char *
golden_format(gconstpointer obj)
{
    return vmm_network_def_format(obj, 0);
}

#define NET(body) "<network><name>t</name>" body "</network>"

static VmmNetworkDef *
parse_ok(const char *xml, unsigned int flags)
{
    g_autoptr(GError) err = NULL;
    VmmNetworkDef *def = vmm_network_def_parse_string(xml, NULL, flags, &err);

    g_assert_no_error(err);
    g_assert_nonnull(def);
    return def;
}

static void
test_defaults(void)
{
    g_autoptr(VmmNetworkDef) nat = parse_ok(NET("<forward mode='nat'/>"), 0);
    g_autoptr(VmmNetworkDef) nat2 = parse_ok(NET("<forward mode='nat'/>"), 0);
    g_autoptr(VmmNetworkDef) br = parse_ok(NET("<forward mode='bridge'/><bridge name='br0'/>"), 0);
    g_autoptr(VmmNetworkDef) iso = parse_ok(NET(""), 0);

    /* A UUID is made up when absent, and differs between parses. */
    g_assert_false(vmm_uuid_is_null(nat->uuid));
    g_assert_cmpmem(nat->uuid, VMM_UUID_BUFLEN, nat->uuid, VMM_UUID_BUFLEN);
    g_assert_true(memcmp(nat->uuid, nat2->uuid, VMM_UUID_BUFLEN) != 0);

    /* Bridges we own get a 52:54:00 MAC; host bridges don't. */
    g_assert_true(nat->mac_set);
    g_assert_cmpint(nat->mac[0], ==, 0x52);
    g_assert_cmpint(nat->mac[1], ==, 0x54);
    g_assert_cmpint(nat->mac[2], ==, 0x00);
    g_assert_true(iso->mac_set);
    g_assert_cmpint(iso->forward_mode, ==, VMM_NETWORK_FORWARD_NONE);
    g_assert_false(br->mac_set);

    /* stp defaults to on, delay to 0. */
    g_assert_true(nat->stp);
    g_assert_cmpuint(nat->delay, ==, 0);
}

static void
test_given_ids_kept(void)
{
    g_autoptr(VmmNetworkDef) def =
        parse_ok(NET("<uuid>8b7c5a2e-3c1f-4f5e-9a1d-1e2f3a4b5c6d</uuid>"
                     "<mac address='52:54:00:AB:CD:EF'/>"), 0);
    char buf[VMM_UUID_STRING_BUFLEN];
    char mac[VMM_MAC_STRING_BUFLEN];

    g_assert_cmpstr(vmm_uuid_format(def->uuid, buf), ==, "8b7c5a2e-3c1f-4f5e-9a1d-1e2f3a4b5c6d");
    g_assert_cmpstr(vmm_mac_format(def->mac, mac), ==, "52:54:00:ab:cd:ef");
}

static void
test_copy(void)
{
    g_autofree char *path = test_data_path("conf/data/network/dns-records.in.xml");
    g_autofree char *xml = NULL;
    g_autoptr(VmmNetworkDef) def = NULL;
    g_autoptr(VmmNetworkDef) copy = NULL;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    def = parse_ok(xml, 0);
    copy = vmm_network_def_copy(def);
    g_assert_true(copy != def);
    g_assert_true(copy->dns.hosts != def->dns.hosts);
    a = vmm_network_def_format(def, 0);
    b = vmm_network_def_format(copy, 0);
    g_assert_cmpstr(a, ==, b);
}

static void
test_validate_flag(void)
{
    /* Unknown elements are ignored by the parser but refused by the schema. */
    const char *xml = NET("<bogus/>");
    g_autoptr(VmmNetworkDef) def = parse_ok(xml, 0);
    g_autoptr(GError) err = NULL;

    g_assert_null(vmm_network_def_parse_string(xml, NULL, VMM_NETWORK_DEF_PARSE_VALIDATE, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_XML_INVALID_SCHEMA);
}

static void
test_default_conf(void)
{
    g_autofree char *path = g_build_filename(VMM_SOURCE_ROOT, "conf", "networks",
                                             "default.xml", NULL);
    g_autofree char *xml = NULL;
    g_autoptr(VmmNetworkDef) def = NULL;
    const VmmNetworkIPDef *ip;
    const VmmNetworkDHCPRange *range;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    def = parse_ok(xml, VMM_NETWORK_DEF_PARSE_VALIDATE);
    g_assert_cmpstr(def->name, ==, "default");
    g_assert_cmpint(def->forward_mode, ==, VMM_NETWORK_FORWARD_NAT);
    g_assert_null(vmm_network_def_forward_dev(def));
    g_assert_cmpstr(def->bridge_name, ==, "virbr0");
    g_assert_true(def->stp);
    g_assert_cmpuint(def->delay, ==, 0);
    g_assert_true(def->mac_set);

    ip = vmm_network_def_get_ip(def, VMM_NETWORK_IP_FAMILY_IPV4, 0);
    g_assert_nonnull(ip);
    g_assert_null(vmm_network_def_get_ip(def, VMM_NETWORK_IP_FAMILY_IPV6, 0));
    g_assert_cmpstr(ip->address, ==, "192.168.122.1");
    g_assert_cmpuint(vmm_network_ip_def_get_prefix(ip), ==, 24);
    g_assert_cmpuint(ip->ranges->len, ==, 1);
    range = ip->ranges->pdata[0];
    g_assert_cmpstr(range->start, ==, "192.168.122.2");
    g_assert_cmpstr(range->end, ==, "192.168.122.254");
    g_assert_true(vmm_network_ip_def_contains(ip, "192.168.122.77"));
    g_assert_false(vmm_network_ip_def_contains(ip, "192.168.123.1"));
    g_assert_false(vmm_network_ip_def_contains(ip, "fe80::1"));
}

static void
test_accessors(void)
{
    g_autoptr(VmmNetworkDef) def =
        parse_ok(NET("<forward mode='nat' dev='eth0'/>"
                     "<ip address='10.1.2.3'/>"
                     "<ip family='ipv6' address='2001:db8::1'/>"
                     "<ip address='172.20.0.1' netmask='255.255.240.0'/>"), 0);

    g_assert_cmpstr(vmm_network_def_forward_dev(def), ==, "eth0");
    g_assert_cmpuint(vmm_network_ip_def_get_prefix(vmm_network_def_get_ip(def, 0, 0)), ==, 8);
    g_assert_cmpuint(vmm_network_ip_def_get_prefix(vmm_network_def_get_ip(def, 1, 0)), ==, 64);
    g_assert_cmpuint(vmm_network_ip_def_get_prefix(vmm_network_def_get_ip(def, 0, 1)), ==, 20);
    g_assert_cmpstr(vmm_network_def_get_ip(def, -1, 1)->address, ==, "2001:db8::1");
    g_assert_null(vmm_network_def_get_ip(def, 0, 2));
    g_assert_cmpstr(vmm_network_forward_mode_to_string(def->forward_mode), ==, "nat");
}

static void
test_new(void)
{
    g_autoptr(VmmNetworkDef) def = vmm_network_def_new();
    g_autofree char *xml = NULL;

    def->name = g_strdup("built");
    g_assert_true(vmm_network_def_post_parse(def, NULL));
    g_assert_true(vmm_network_def_validate(def, NULL));
    xml = vmm_network_def_format(def, 0);
    g_assert_nonnull(strstr(xml, "<bridge stp='on' delay='0'/>"));
    g_assert_nonnull(strstr(xml, "<mac address='52:54:00:"));
}

/* Checks that need the whole definition, which the schema can't express. */
static const struct {
    const char *name;
    const char *xml;
    int code;
    const char *message;
} semantic_cases[] = {
    { "range-outside",
      NET("<ip address='192.168.1.1' netmask='255.255.255.0'><dhcp>"
          "<range start='192.168.1.10' end='192.168.2.20'/></dhcp></ip>"),
      VMM_ERR_XML_ERROR,
      "XML error: DHCP range '192.168.1.10' - '192.168.2.20' is not within network "
      "'192.168.1.1/24'" },
    { "range-reversed",
      NET("<ip address='192.168.1.1' prefix='24'><dhcp>"
          "<range start='192.168.1.20' end='192.168.1.10'/></dhcp></ip>"),
      VMM_ERR_XML_ERROR,
      "XML error: DHCP range start '192.168.1.20' is after its end '192.168.1.10'" },
    { "host-outside",
      NET("<ip address='192.168.1.1' prefix='24'><dhcp>"
          "<host mac='52:54:00:00:00:01' ip='10.0.0.5'/></dhcp></ip>"),
      VMM_ERR_XML_ERROR,
      "XML error: DHCP host IP '10.0.0.5' is not within network '192.168.1.1/24'" },
    { "two-ipv4-dhcp",
      NET("<ip address='192.168.1.1' prefix='24'><dhcp>"
          "<range start='192.168.1.2' end='192.168.1.9'/></dhcp></ip>"
          "<ip address='192.168.2.1' prefix='24'><dhcp>"
          "<range start='192.168.2.2' end='192.168.2.9'/></dhcp></ip>"),
      VMM_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: DHCP is supported on only one IPv4 address in network 't'" },
    { "bridge-mode-ip",
      NET("<forward mode='bridge'/><bridge name='br0'/><ip address='10.0.0.1'/>"),
      VMM_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: <ip> is not supported in network 't' with forward "
      "mode 'bridge'" },
    { "bridge-mode-nothing",
      NET("<forward mode='bridge'/>"),
      VMM_ERR_XML_ERROR,
      "XML error: network 't' with forward mode 'bridge' needs either a bridge name or a "
      "forward dev, and not both" },
    { "classless",
      NET("<ip address='230.0.0.1'/>"),
      VMM_ERR_XML_ERROR,
      "XML error: cannot determine the prefix of address '230.0.0.1'; give a netmask or "
      "prefix" },
    { "bad-netmask",
      NET("<ip address='10.0.0.1' netmask='255.0.255.0'/>"),
      VMM_ERR_XML_ERROR, "XML error: invalid netmask '255.0.255.0'" },
    { "family-mismatch",
      NET("<ip family='ipv6' address='10.0.0.1'/>"),
      VMM_ERR_XML_ERROR, "XML error: '10.0.0.1' is not an IPv6 address" },
    { "nat-in-route",
      NET("<forward mode='route'><nat><port start='1'/></nat></forward>"),
      VMM_ERR_XML_ERROR,
      "XML error: <nat> is allowed only with forward mode 'nat', not 'route'" },
    { "nat-ports-reversed",
      NET("<forward mode='nat'><nat><port start='2000' end='1000'/></nat></forward>"),
      VMM_ERR_XML_ERROR,
      "XML error: NAT port range start '2000' is after its end '1000'" },
    { "forward-dev-mismatch",
      NET("<forward mode='nat' dev='eth0'><interface dev='eth1'/></forward>"),
      VMM_ERR_XML_ERROR,
      "XML error: forward dev 'eth0' does not match the first forward interface 'eth1'" },
    { "multicast-mac",
      NET("<mac address='01:00:5e:00:00:01'/>"),
      VMM_ERR_INVALID_MAC,
      "invalid MAC address '01:00:5e:00:00:01': a bridge can't use a multicast address" },
    { "dns-disabled-records",
      NET("<dns enable='no'><txt name='a' value='b'/></dns>"),
      VMM_ERR_XML_ERROR, "XML error: DNS records are not allowed when dns enable='no'" },
    { "srv-port-no-target",
      NET("<dns><srv service='http' protocol='tcp' port='80'/></dns>"),
      VMM_ERR_XML_ERROR,
      "XML error: DNS SRV port is not allowed without a target (service 'http')" },
    { "ipv6-host-mac",
      NET("<ip family='ipv6' address='2001:db8::1' prefix='64'><dhcp>"
          "<host mac='52:54:00:00:00:01' ip='2001:db8::5'/></dhcp></ip>"),
      VMM_ERR_XML_ERROR,
      "XML error: DHCP host with MAC address '52:54:00:00:00:01' is not allowed in IPv6 "
      "network address '2001:db8::1'; use id or name" },
    { "tftp-ipv6",
      NET("<ip family='ipv6' address='2001:db8::1'><tftp root='/srv'/></ip>"),
      VMM_ERR_CONFIG_UNSUPPORTED,
      "unsupported configuration: tftp is supported only for IPv4, not on '2001:db8::1'" },
};

static void
test_semantic(gconstpointer data)
{
    guint i = GPOINTER_TO_UINT(data);
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmNetworkDef) def =
        vmm_network_def_parse_string(semantic_cases[i].xml, NULL, 0, &err);

    g_assert_null(def);
    g_assert_error(err, VMM_ERROR, semantic_cases[i].code);
    g_assert_cmpstr(err->message, ==, semantic_cases[i].message);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    test_golden_add("network/golden", "conf/data/network", "network",
                    golden_parse, golden_format, (GDestroyNotify)vmm_network_def_free);
    g_test_add_func("/network/defaults", test_defaults);
    g_test_add_func("/network/given-ids-kept", test_given_ids_kept);
    g_test_add_func("/network/copy", test_copy);
    g_test_add_func("/network/validate-flag", test_validate_flag);
    g_test_add_func("/network/default-conf", test_default_conf);
    g_test_add_func("/network/accessors", test_accessors);
    g_test_add_func("/network/new", test_new);
    for (guint i = 0; i < G_N_ELEMENTS(semantic_cases); i++) {
        g_autofree char *path = g_strdup_printf("/network/semantic/%s", semantic_cases[i].name);
        g_test_add_data_func(path, GUINT_TO_POINTER(i), test_semantic);
    }
    return g_test_run();
}
