/*
 * network_subnet_test.c: tests of drivers/network/network_subnet.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "testutils.h"
#include "drivers/network/network_subnet.h"

#include <sys/socket.h>

static GArray *
subnets(const char *const *strs)
{
    GArray *a = g_array_new(FALSE, TRUE, sizeof(VmmSubnet));

    for (; *strs; strs++) {
        VmmSubnet s;

        g_assert_true(vmm_subnet_parse(*strs, &s));
        g_array_append_val(a, s);
    }
    return a;
}

static void
test_parse_format(void)
{
    static const struct { const char *in, *out; } cases[] = {
        { "192.168.122.1/24", "192.168.122.0/24" },
        { "10.1.2.3/8", "10.0.0.0/8" },
        { "10.1.2.3", "10.1.2.3/32" },
        { "0.0.0.0/0", "0.0.0.0/0" },
        { "172.16.5.77/20", "172.16.0.0/20" },
        { "2001:db8:ca2:2::1/64", "2001:db8:ca2:2::/64" },
        { "fd00::1234/121", "fd00::1200/121" },
        { "::1", "::1/128" },
    };
    static const char *const bad[] = { "", "300.1.1.1/24", "10.0.0.0/33", "::/129",
                                       "10.0.0.0/x", "fe80::1%eth0/64", "10.0.0.0/-1" };
    guint i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        VmmSubnet s;
        g_autofree char *str = NULL;

        g_assert_true(vmm_subnet_parse(cases[i].in, &s));
        str = vmm_subnet_format(&s);
        g_assert_cmpstr(str, ==, cases[i].out);
    }
    for (i = 0; i < G_N_ELEMENTS(bad); i++) {
        VmmSubnet s;

        g_assert_false(vmm_subnet_parse(bad[i], &s));
    }
}

static void
test_overlaps(void)
{
    static const struct { const char *a, *b; gboolean overlap; } cases[] = {
        { "192.168.122.0/24", "192.168.122.0/24", TRUE },
        { "192.168.122.0/24", "192.168.0.0/16", TRUE },
        { "192.168.0.0/16", "192.168.122.7/32", TRUE },
        { "192.168.122.0/24", "192.168.123.0/24", FALSE },
        { "192.168.122.0/25", "192.168.122.128/25", FALSE },
        { "192.168.122.0/23", "192.168.123.5/32", TRUE },
        { "10.0.0.0/8", "192.168.122.0/24", FALSE },
        { "2001:db8::/32", "2001:db8:1::/48", TRUE },
        { "2001:db8::/32", "2001:db9::/32", FALSE },
        { "0.0.0.0/0", "192.168.122.0/24", TRUE },
        { "::/0", "192.168.122.0/24", FALSE },       /* families differ */
    };
    guint i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        VmmSubnet a, b;

        g_assert_true(vmm_subnet_parse(cases[i].a, &a));
        g_assert_true(vmm_subnet_parse(cases[i].b, &b));
        g_assert_cmpint(vmm_subnet_overlaps(&a, &b), ==, cases[i].overlap);
        g_assert_cmpint(vmm_subnet_overlaps(&b, &a), ==, cases[i].overlap);
    }
}

static void
test_conflict(void)
{
    static const char *const host[] = {
        "0.0.0.0/0",            /* default route: claims nothing */
        "10.0.2.0/24",
        "192.168.122.0/24",     /* e.g. a libvirt on the same host */
        "192.168.123.45/32",    /* a host route */
        "192.168.124.0/22",     /* covers 124..127 */
        "fd00::/8",
        NULL
    };
    g_autoptr(GArray) used = subnets(host);
    VmmSubnet s;

    g_assert_true(vmm_subnet_parse("192.168.122.1/24", &s));
    g_assert_cmpint(vmm_subnet_find_conflict(&s, used), ==, 2);
    g_assert_true(vmm_subnet_parse("172.16.0.1/24", &s));
    g_assert_cmpint(vmm_subnet_find_conflict(&s, used), ==, -1);
    g_assert_true(vmm_subnet_parse("10.0.0.0/16", &s));
    g_assert_cmpint(vmm_subnet_find_conflict(&s, used), ==, 1);
    g_assert_true(vmm_subnet_parse("fd00:dead:beef:7::1/64", &s));
    g_assert_cmpint(vmm_subnet_find_conflict(&s, used), ==, 5);
    g_assert_cmpint(vmm_subnet_find_conflict(&s, NULL), ==, -1);

    g_assert_cmpint(vmm_subnet_find_free_192_168(122, used), ==, 128);
    g_assert_cmpint(vmm_subnet_find_free_192_168(129, used), ==, 129);
}

static void
test_free_default(void)
{
    static const char *const none[] = { "0.0.0.0/0", "::/0", NULL };
    static const char *const all[] = { "192.168.0.0/16", NULL };
    g_autoptr(GArray) empty = subnets(none);
    g_autoptr(GArray) full = subnets(all);
    g_autoptr(GArray) nothing = g_array_new(FALSE, TRUE, sizeof(VmmSubnet));

    g_assert_cmpint(vmm_subnet_find_free_192_168(122, empty), ==, 122);
    g_assert_cmpint(vmm_subnet_find_free_192_168(122, nothing), ==, 122);
    g_assert_cmpint(vmm_subnet_find_free_192_168(122, full), ==, -1);
}

static void
test_move(void)
{
    g_autofree char *path = test_data_path("../conf/networks/default.xml");
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmNetworkDef) def = NULL;
    g_autofree char *out = NULL;
    VmmNetworkIPDef *ip;
    VmmNetworkDHCPRange *r;
    VmmNetworkDHCPHost *h;
    VmmSubnet from, to;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    def = vmm_network_def_parse_string(xml, path, 0, &err);
    g_assert_no_error(err);
    ip = g_ptr_array_index(def->ips, 0);
    h = g_new0(VmmNetworkDHCPHost, 1);
    h->mac = g_strdup("52:54:00:00:00:01");
    h->ip = g_strdup("192.168.122.77");
    g_ptr_array_add(ip->hosts, h);

    vmm_subnet_from_ip_def(ip, &from);
    g_assert_true(vmm_subnet_parse("192.168.130.0/24", &to));
    g_assert_cmpuint(vmm_subnet_move_network_def(def, &from, &to), ==, 1);
    r = g_ptr_array_index(ip->ranges, 0);
    g_assert_cmpstr(ip->address, ==, "192.168.130.1");
    g_assert_cmpstr(ip->netmask, ==, "255.255.255.0");
    g_assert_cmpstr(r->start, ==, "192.168.130.2");
    g_assert_cmpstr(r->end, ==, "192.168.130.254");
    g_assert_cmpstr(h->ip, ==, "192.168.130.77");
    /* The moved definition still validates, and nothing else moves. */
    g_assert_true(vmm_network_def_validate(def, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(vmm_subnet_move_network_def(def, &from, &to), ==, 0);
}

static void
test_host_used(void)
{
    g_autoptr(GArray) routes = g_array_new(FALSE, TRUE, sizeof(VmmNetlinkPrefix));
    g_autoptr(GArray) addrs = g_array_new(FALSE, TRUE, sizeof(VmmNetlinkPrefix));
    g_autoptr(GArray) all = NULL, mine = NULL;
    VmmNetlinkPrefix p = { .family = AF_INET, .addr = { 192, 168, 122, 0 }, .prefix = 24,
                           .ifindex = 7 };
    VmmNetlinkPrefix a = { .family = AF_INET, .addr = { 10, 0, 2, 15 }, .prefix = 24,
                           .ifindex = 2 };
    VmmNetlinkPrefix v6 = { .family = AF_INET6, .addr = { 0xfd }, .prefix = 8, .ifindex = 2 };
    g_autofree char *s0 = NULL, *s1 = NULL;

    g_array_append_val(routes, p);
    g_array_append_val(addrs, a);
    g_array_append_val(addrs, v6);
    all = vmm_subnet_host_used(routes, addrs, 0);
    g_assert_cmpuint(all->len, ==, 3);
    s0 = vmm_subnet_format(&g_array_index(all, VmmSubnet, 0));
    s1 = vmm_subnet_format(&g_array_index(all, VmmSubnet, 1));
    g_assert_cmpstr(s0, ==, "192.168.122.0/24");
    g_assert_cmpstr(s1, ==, "10.0.2.0/24");
    g_assert_cmpint(vmm_subnet_find_free_192_168(122, all), ==, 123);
    /* A network's own bridge (ifindex 7) does not collide with itself. */
    mine = vmm_subnet_host_used(routes, addrs, 7);
    g_assert_cmpuint(mine->len, ==, 2);
    g_assert_cmpint(vmm_subnet_find_free_192_168(122, mine), ==, 122);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/network/subnet/parse-format", test_parse_format);
    g_test_add_func("/network/subnet/overlaps", test_overlaps);
    g_test_add_func("/network/subnet/conflict", test_conflict);
    g_test_add_func("/network/subnet/free-default", test_free_default);
    g_test_add_func("/network/subnet/move", test_move);
    g_test_add_func("/network/subnet/host-used", test_host_used);
    return g_test_run();
}
