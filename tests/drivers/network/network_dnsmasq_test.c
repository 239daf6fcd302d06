/*
 * network_dnsmasq_test.c: golden tests of drivers/network/network_dnsmasq.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For every data/CASE.xml: CASE.dnsmasq.conf, CASE.hostsfile and
 * CASE.addnhosts (VMM_REGENERATE=1 rewrites them).
 */
#include "testutils.h"
#include "drivers/network/network_dnsmasq.h"
#include "util/vmm_error.h"

#include <string.h>

static VmmNetworkDef *
load_case(const char *name)
{
    g_autofree char *rel = g_strdup_printf("drivers/network/data/%s.xml", name);
    g_autofree char *path = test_data_path(rel);
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    VmmNetworkDef *def;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    def = vmm_network_def_parse_string(xml, path, 0, &err);
    g_assert_no_error(err);
    return def;
}

static void
golden(const char *name, const char *ext, const char *actual)
{
    g_autofree char *rel = g_strdup_printf("drivers/network/data/%s.%s", name, ext);
    g_autofree char *path = test_data_path(rel);

    test_assert_golden(path, actual);
}

static void
test_case(gconstpointer data)
{
    const char *name = data;
    g_autoptr(VmmNetworkDef) def = load_case(name);
    g_autoptr(VmmDnsmasqPaths) paths =
        vmm_dnsmasq_paths_new("/var/lib/vmm/dnsmasq", "/run/vmm/network", def->name);
    g_autoptr(GError) err = NULL;
    g_autofree char *conf = NULL, *hosts = NULL, *addn = NULL;

    paths->user = g_strdup("dnsmasq");
    conf = vmm_dnsmasq_build_config(def, paths, &err);
    if (def->forward_mode == VMM_NETWORK_FORWARD_BRIDGE) {
        g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        return;
    }
    g_assert_no_error(err);
    hosts = vmm_dnsmasq_build_hostsfile(def, &err);
    g_assert_no_error(err);
    addn = vmm_dnsmasq_build_addnhosts(def, &err);
    g_assert_no_error(err);
    golden(name, "dnsmasq.conf", conf);
    golden(name, "hostsfile", hosts);
    golden(name, "addnhosts", addn);
}

/* A newline in any value would inject dnsmasq options of the writer's
 * choice; such values are refused, naming them. */
static void
test_injection(void)
{
    g_autoptr(VmmNetworkDef) def = load_case("dns-records");
    g_autoptr(VmmDnsmasqPaths) paths = vmm_dnsmasq_paths_new("/d", "/r", def->name);
    VmmNetworkDNSTxt *txt = g_ptr_array_index(def->dns.txts, 0);
    VmmNetworkDNSHost *host = g_ptr_array_index(def->dns.hosts, 0);
    g_autoptr(GError) err = NULL;
    g_autofree char *conf = NULL, *addn = NULL;

    g_free(txt->value);
    txt->value = g_strdup("x\ndhcp-script=/tmp/evil");
    conf = vmm_dnsmasq_build_config(def, paths, &err);
    g_assert_null(conf);
    g_assert_error(err, VMM_ERROR, VMM_ERR_CONFIG_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "TXT record value"));
    g_clear_error(&err);

    g_free(host->hostnames[0]);
    host->hostnames[0] = g_strdup("a b");
    addn = vmm_dnsmasq_build_addnhosts(def, &err);
    g_assert_null(addn);
    g_assert_error(err, VMM_ERROR, VMM_ERR_CONFIG_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "'a b'"));
}

static void
test_bridge_mode(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmNetworkDef) def = vmm_network_def_parse_string(
        "<network><name>br</name><forward mode='bridge'/><bridge name='br0'/></network>",
        NULL, 0, &err);
    g_autoptr(VmmDnsmasqPaths) paths = vmm_dnsmasq_paths_new("/d", "/r", "br");
    g_autofree char *conf = NULL;

    g_assert_no_error(err);
    conf = vmm_dnsmasq_build_config(def, paths, &err);
    g_assert_null(conf);
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
}

static void
test_lease_max(void)
{
    g_autoptr(VmmNetworkDef) def = load_case("nat-default");
    g_autoptr(VmmNetworkDef) hosts = load_case("dhcp-hosts");
    g_autoptr(VmmNetworkDef) v6 = load_case("ipv6");

    g_assert_cmpuint(vmm_dnsmasq_lease_max(def), ==, 253);
    g_assert_cmpuint(vmm_dnsmasq_lease_max(hosts), ==, 51 + 11 + 3);
    g_assert_cmpuint(vmm_dnsmasq_lease_max(v6), ==, 256 + 2);
}

static int
cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
test_leases(void)
{
    g_autofree char *path = test_data_path("drivers/network/data/leases/dnsmasq.leases");
    g_autofree char *text = NULL;
    g_autoptr(GPtrArray) leases = NULL;
    g_autoptr(GPtrArray) none = vmm_dnsmasq_parse_leases(NULL);
    const VmmDnsmasqLease *l;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    leases = vmm_dnsmasq_parse_leases(text);
    g_assert_cmpuint(leases->len, ==, 4);
    l = g_ptr_array_index(leases, 0);
    g_assert_cmpint(l->family, ==, VMM_NETWORK_IP_FAMILY_IPV4);
    g_assert_cmpint(l->expiry, ==, 1763748000);
    g_assert_cmpstr(l->mac, ==, "52:54:00:aa:00:01");
    g_assert_cmpstr(l->ip, ==, "192.168.122.101");
    g_assert_null(l->hostname);
    g_assert_cmpstr(l->client_id, ==, "01:52:54:00:aa:00:01");
    l = g_ptr_array_index(leases, 1);
    g_assert_cmpstr(l->mac, ==, "52:54:00:aa:00:02");
    g_assert_cmpstr(l->hostname, ==, "fixed");
    g_assert_null(l->client_id);
    l = g_ptr_array_index(leases, 2);
    g_assert_cmpint(l->expiry, ==, 0);
    g_assert_null(l->client_id);
    l = g_ptr_array_index(leases, 3);
    g_assert_cmpint(l->family, ==, VMM_NETWORK_IP_FAMILY_IPV6);
    g_assert_null(l->mac);
    g_assert_cmpstr(l->iaid, ==, "2847023");
    g_assert_cmpstr(l->ip, ==, "2001:db8:ca2:2::150");
    g_assert_cmpstr(l->client_id, ==, "00:04:7e:b1:97:dc:2f:a4:c7:1a");
    g_assert_cmpuint(none->len, ==, 0);
}

int
main(int argc, char **argv)
{
    g_autofree char *dir = test_data_path("drivers/network/data");
    g_autoptr(GDir) d = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *ent;
    guint i;

    g_test_init(&argc, &argv, NULL);
    d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    while ((ent = g_dir_read_name(d))) {
        if (g_str_has_suffix(ent, ".xml"))
            g_ptr_array_add(names, g_strndup(ent, strlen(ent) - 4));
    }
    g_ptr_array_sort(names, cmp_names);
    for (i = 0; i < names->len; i++) {
        g_autofree char *tp = g_strdup_printf("/network/dnsmasq/%s",
                                              (char *)g_ptr_array_index(names, i));
        g_test_add_data_func(tp, g_ptr_array_index(names, i), test_case);
    }
    g_test_add_func("/network/dnsmasq/injection", test_injection);
    g_test_add_func("/network/dnsmasq/bridge-mode", test_bridge_mode);
    g_test_add_func("/network/dnsmasq/lease-max", test_lease_max);
    g_test_add_func("/network/dnsmasq/leases", test_leases);
    return g_test_run();
}
