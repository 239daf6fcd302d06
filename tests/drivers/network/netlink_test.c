/*
 * netlink_test.c: the network driver's host-facing parts against the real
 * kernel, nft and dnsmasq, inside a private network namespace.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The test process moves itself into a fresh network namespace before
 * anything else (unshare(CLONE_NEWNET)), so every bridge, tap, address,
 * route and nft rule it makes lives and dies with it; the host's own
 * network is never touched.  The DHCP clients run in a second, nested
 * namespace (`unshare -n`) joined to the bridge by a veth pair.  Children
 * are killed by pid at the end of each test and on abort.
 * Needs root; skips (exit 77) without it or without netns support.
 */
#define _GNU_SOURCE   /* unshare */
#include "testutils.h"
#include "nstest.h"
#include "util/netlink.h"
#include "util/command.h"
#include "util/vmm_error.h"
#include "drivers/network/network_dnsmasq.h"
#include "drivers/network/network_nft.h"
#include "drivers/network/network_subnet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <glib-unix.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void
on_abort(int sig)
{
    children_kill();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* ---- bridges, addresses, links ---- */

static void
test_bridge(void)
{
    static const unsigned char mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };
    VmmNetlinkBridge br = { .name = "vmmtbr0", .mac = mac, .mtu = 1400,
                            .stp = TRUE, .forward_delay = 0 };
    VmmNetlinkBridge br2 = { .name = "vmmtbr1", .stp = FALSE, .forward_delay = 3 };
    g_autoptr(GError) err = NULL;
    g_autofree char *link = NULL, *link2 = NULL, *addr = NULL;
    g_autofree char *idxname = NULL;

    g_assert_true(vmm_netlink_bridge_create(&br, &err));
    g_assert_no_error(err);
    g_assert_true(vmm_netlink_bridge_create(&br2, &err));
    g_assert_no_error(err);
    g_assert_true(vmm_netlink_link_exists("vmmtbr0"));
    idxname = vmm_netlink_ifname(vmm_netlink_ifindex("vmmtbr0"));
    g_assert_cmpstr(idxname, ==, "vmmtbr0");

    g_assert_true(vmm_netlink_addr_add("vmmtbr0", "192.168.150.1", 24, &err));
    g_assert_no_error(err);
    g_assert_true(vmm_netlink_addr_add("vmmtbr0", "fd00:150::1", 64, &err));
    g_assert_no_error(err);
    g_assert_true(vmm_netlink_link_set_up("vmmtbr0", TRUE, &err));
    g_assert_no_error(err);

    link = RUN("ip", "-d", "link", "show", "vmmtbr0");
    assert_contains(link, "mtu 1400");
    assert_contains(link, "link/ether 52:54:00:12:34:56");
    assert_contains(link, "stp_state 1");
    /* Kernel STP raises delay 0 to its 2 s minimum (as under libvirt). */
    assert_contains(link, "forward_delay 200 ");
    assert_contains(link, "bridge ");
    link2 = RUN("ip", "-d", "link", "show", "vmmtbr1");
    assert_contains(link2, "stp_state 0");
    assert_contains(link2, "forward_delay 300");
    assert_contains(link2, "state DOWN");
    addr = RUN("ip", "addr", "show", "dev", "vmmtbr0");
    assert_contains(addr, "inet 192.168.150.1/24 brd 192.168.150.255");
    assert_contains(addr, "inet6 fd00:150::1/64");
    assert_lacks(addr, "tentative");

    /* Errors name the interface and quote errno. */
    g_assert_false(vmm_netlink_bridge_create(&br, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_SYSTEM_ERROR);
    assert_contains(err->message, "cannot create bridge 'vmmtbr0'");
    assert_contains(err->message, g_strerror(EEXIST));
    g_clear_error(&err);
    g_assert_false(vmm_netlink_addr_add("vmmtbr0", "192.168.150.1", 24, &err));
    assert_contains(err->message, "192.168.150.1/24");
    assert_contains(err->message, "'vmmtbr0'");
    g_clear_error(&err);
    g_assert_false(vmm_netlink_link_set_up("nosuchdev0", TRUE, &err));
    assert_contains(err->message, "'nosuchdev0'");
    assert_contains(err->message, g_strerror(ENODEV));
    g_clear_error(&err);
    /* The kernel's extended-ack text comes along. */
    g_assert_false(vmm_netlink_link_set_mtu("vmmtbr0", 10, &err));
    g_test_message("%s", err->message);
    assert_contains(err->message, "cannot set the MTU of 'vmmtbr0': ");
    assert_contains(err->message, "mtu less than device minimum");
    g_clear_error(&err);
    g_assert_false(vmm_netlink_bridge_create(&(VmmNetlinkBridge){ .name = "bad name" }, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_INVALID_ARG);
    g_clear_error(&err);

    g_assert_true(vmm_netlink_link_delete("vmmtbr0", &err));
    g_assert_true(vmm_netlink_link_delete("vmmtbr1", &err));
    g_assert_no_error(err);
    g_assert_false(vmm_netlink_link_exists("vmmtbr0"));
    g_assert_false(vmm_netlink_link_exists("vmmtbr1"));
}

static void
test_free_name(void)
{
    VmmNetlinkBridge br = { .name = "vmmfree0" };
    const char *const reserved[] = { "vmmfree1", NULL };
    g_autoptr(GError) err = NULL;
    g_autofree char *a = NULL, *b = NULL;

    a = vmm_netlink_free_name("vmmfree%d", NULL);
    g_assert_cmpstr(a, ==, "vmmfree0");
    g_assert_true(vmm_netlink_bridge_create(&br, &err));
    g_assert_no_error(err);
    b = vmm_netlink_free_name("vmmfree%d", reserved);
    g_assert_cmpstr(b, ==, "vmmfree2");
    g_assert_true(vmm_netlink_link_delete("vmmfree0", &err));
}

static void
test_tap(void)
{
    VmmNetlinkBridge br = { .name = "vmmtbr2", .mtu = 1450 };
    static const unsigned char mac[6] = { 0xfe, 0x54, 0x00, 0x00, 0x00, 0x07 };
    g_autoptr(GError) err = NULL;
    g_autofree char *name = NULL, *name2 = NULL, *link = NULL, *link2 = NULL;
    int fd, fd2;

    g_assert_true(vmm_netlink_bridge_create(&br, &err));
    g_assert_no_error(err);

    fd = vmm_netlink_tap_create("vmmtap%d", TRUE, &name, &err);
    g_assert_no_error(err);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpstr(name, ==, "vmmtap0");
    g_assert_true(vmm_netlink_link_set_mtu(name, 1450, &err));
    g_assert_true(vmm_netlink_link_set_mac(name, mac, &err));
    g_assert_true(vmm_netlink_link_set_master(name, "vmmtbr2", &err));
    g_assert_true(vmm_netlink_link_set_up(name, TRUE, &err));
    g_assert_no_error(err);
    link = RUN("ip", "-d", "link", "show", "vmmtap0");
    assert_contains(link, "master vmmtbr2");
    assert_contains(link, "mtu 1450");
    assert_contains(link, "fe:54:00:00:00:07");
    assert_contains(link, "tun type tap");
    assert_contains(link, "vnet_hdr on");
    /* Persistent: it outlives the fd, until deleted. */
    close(fd);
    g_assert_true(vmm_netlink_link_exists("vmmtap0"));
    g_assert_true(vmm_netlink_link_set_master("vmmtap0", NULL, &err));
    g_assert_no_error(err);
    link2 = RUN("ip", "link", "show", "vmmtap0");
    assert_lacks(link2, "master");
    g_assert_true(vmm_netlink_link_delete("vmmtap0", &err));
    g_assert_no_error(err);
    g_assert_false(vmm_netlink_link_exists("vmmtap0"));

    /* Not persistent: gone with its fd. */
    fd2 = vmm_netlink_tap_create("vmmtap9", FALSE, &name2, &err);
    g_assert_no_error(err);
    g_assert_true(vmm_netlink_link_exists("vmmtap9"));
    close(fd2);
    g_assert_false(vmm_netlink_link_exists("vmmtap9"));

    g_assert_cmpint(vmm_netlink_tap_create("vmmtap9-way-too-long", FALSE, NULL, &err), ==, -1);
    g_assert_error(err, VMM_ERROR, VMM_ERR_INVALID_ARG);
    g_clear_error(&err);
    g_assert_true(vmm_netlink_link_delete("vmmtbr2", &err));
}

static gboolean
has_prefix(const GArray *a, const char *str, int ifindex)
{
    VmmSubnet want;
    guint i;

    g_assert_true(vmm_subnet_parse(str, &want));
    for (i = 0; i < a->len; i++) {
        const VmmNetlinkPrefix *p = &g_array_index(a, VmmNetlinkPrefix, i);
        VmmSubnet got;

        vmm_subnet_init(&got, p->family == AF_INET6 ? VMM_NETWORK_IP_FAMILY_IPV6 :
                        VMM_NETWORK_IP_FAMILY_IPV4, p->addr, p->prefix);
        if (got.family == want.family && got.prefix == want.prefix &&
            memcmp(got.addr, want.addr, 16) == 0 && (ifindex < 0 || p->ifindex == ifindex))
            return TRUE;
    }
    return FALSE;
}

static void
test_dump(void)
{
    VmmNetlinkBridge br = { .name = "vmmtbr3" };
    g_autoptr(GError) err = NULL;
    g_autoptr(GArray) routes = NULL, addrs = NULL, v6 = NULL, used = NULL;
    g_autofree char *o1 = NULL, *o2 = NULL, *o3 = NULL;
    int idx;

    g_assert_true(vmm_netlink_bridge_create(&br, &err));
    g_assert_true(vmm_netlink_addr_add("vmmtbr3", "10.98.0.1", 16, &err));
    g_assert_true(vmm_netlink_addr_add("vmmtbr3", "fd00:98::1", 64, &err));
    g_assert_true(vmm_netlink_link_set_up("vmmtbr3", TRUE, &err));
    g_assert_no_error(err);
    idx = vmm_netlink_ifindex("vmmtbr3");
    o1 = RUN("ip", "route", "add", "192.168.122.0/24", "dev", "vmmtbr3");
    o2 = RUN("ip", "route", "add", "172.31.7.0/24", "via", "10.98.0.254");
    o3 = RUN("ip", "route", "add", "unreachable", "198.51.100.0/24");

    routes = vmm_netlink_route_dump(AF_UNSPEC, &err);
    g_assert_no_error(err);
    g_assert_true(has_prefix(routes, "10.98.0.0/16", idx));
    g_assert_true(has_prefix(routes, "192.168.122.0/24", idx));
    g_assert_true(has_prefix(routes, "172.31.7.0/24", idx));
    g_assert_true(has_prefix(routes, "198.51.100.0/24", 0));
    g_assert_true(has_prefix(routes, "fd00:98::/64", idx));
    addrs = vmm_netlink_addr_dump(AF_INET, &err);
    g_assert_no_error(err);
    g_assert_true(has_prefix(addrs, "10.98.0.1/16", -1));
    g_assert_true(has_prefix(addrs, "127.0.0.1/8", vmm_netlink_ifindex("lo")));
    g_assert_false(has_prefix(addrs, "fd00:98::1/64", -1));
    v6 = vmm_netlink_addr_dump(AF_INET6, &err);
    g_assert_no_error(err);
    g_assert_true(has_prefix(v6, "fd00:98::1/64", idx));

    /* The default network's subnet is routed here: the next one is free. */
    used = vmm_subnet_host_used(routes, addrs, 0);
    g_assert_cmpint(vmm_subnet_find_free_192_168(122, used), ==, 123);

    g_assert_true(vmm_netlink_link_delete("vmmtbr3", &err));
    g_assert_no_error(err);
}

/* ---- nftables ---- */

static VmmNetworkDef *
load_def(const char *name)
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
nft_apply(const char *script)
{
    g_autoptr(GError) err = NULL;

    if (!vmm_nft_apply(script, &err))
        g_error("%s\nscript:\n%s", err->message, script);
}

static void
test_nft(void)
{
    g_autoptr(VmmNetworkDef) nat = load_def("nat-default");
    g_autoptr(VmmNetworkDef) iso = load_def("isolated");
    g_autoptr(VmmNetworkDef) route = load_def("route");
    g_autoptr(GError) err = NULL;
    g_autofree char *add_nat = vmm_nft_build_network_add(nat, &err);
    g_autofree char *add_iso = vmm_nft_build_network_add(iso, &err);
    g_autofree char *add_route = vmm_nft_build_network_add(route, &err);
    g_autofree char *del_nat = vmm_nft_build_network_remove(nat, &err);
    g_autofree char *del_iso = vmm_nft_build_network_remove(iso, &err);
    g_autofree char *del_route = vmm_nft_build_network_remove(route, &err);
    g_autofree char *table = vmm_nft_build_table();
    g_autofree char *drop_table = vmm_nft_build_table_delete();
    g_autofree char *rs1 = NULL, *rs2 = NULL, *rs3 = NULL, *rs4 = NULL, *rs5 = NULL;
    g_autofree char *warn = NULL, *warn2 = NULL;

    g_assert_no_error(err);
    /* Removing a network that never started is fine (a failed start). */
    nft_apply(del_route);
    nft_apply(add_nat);
    nft_apply(add_iso);
    nft_apply(add_route);
    /* Starting again, and vmmd's start-up table script, change nothing. */
    nft_apply(add_nat);
    nft_apply(table);
    rs1 = vmm_nft_list_ruleset(&err);
    g_assert_no_error(err);
    assert_contains(rs1, "table inet vmm");
    assert_contains(rs1, "ip saddr 192.168.122.0/24 masquerade");
    assert_contains(rs1, "ip saddr 192.168.122.0/24 meta l4proto tcp masquerade to :1024-65535");
    assert_contains(rs1, "ip daddr 224.0.0.0/24 return");
    assert_contains(rs1, "ip daddr 192.168.122.0/24 ct state established,related accept");
    assert_contains(rs1, "ip saddr 192.168.122.0/24 accept");
    assert_contains(rs1, "\"virbr0\" : jump net_virbr0_in");
    assert_contains(rs1, "chain net_virbr2_in");
    assert_contains(rs1, "ip daddr 10.10.0.0/16 accept");
    {
        /* One plain masquerade: only the nat network has any. */
        g_auto(GStrv) parts = g_strsplit(rs1, "masquerade\n", -1);

        g_assert_cmpuint(g_strv_length(parts), ==, 2);
    }

    /* Destroying one network leaves the others' rules intact. */
    nft_apply(del_nat);
    rs2 = vmm_nft_list_ruleset(&err);
    g_assert_no_error(err);
    assert_lacks(rs2, "virbr0");
    assert_lacks(rs2, "masquerade");
    assert_contains(rs2, "\"virbr2\" : jump net_virbr2_in");
    assert_contains(rs2, "chain net_virbr1_out");
    assert_contains(rs2, "oifname \"eth1\" ip saddr 10.10.0.0/16 accept");
    nft_apply(del_iso);
    nft_apply(del_route);
    rs3 = vmm_nft_list_ruleset(&err);
    assert_lacks(rs3, "net_");
    assert_contains(rs3, "table inet vmm");

    /* A foreign drop policy on the forward hook is found in the live
     * ruleset, and vmm's own table is never blamed. */
    nft_apply(add_nat);
    rs4 = vmm_nft_list_ruleset(&err);
    warn = vmm_nft_check_foreign_forward(rs4, "default", "virbr0");
    g_assert_null(warn);
    nft_apply("add table ip filter\n"
              "add chain ip filter FORWARD { type filter hook forward priority filter; policy drop; }\n"
              "add chain ip filter DOCKER-USER\n"
              "add rule ip filter FORWARD counter jump DOCKER-USER\n"
              "add rule ip filter DOCKER-USER counter return\n");
    rs5 = vmm_nft_list_ruleset(&err);
    warn2 = vmm_nft_check_foreign_forward(rs5, "default", "virbr0");
    g_assert_nonnull(warn2);
    assert_contains(warn2, "chain 'ip filter FORWARD' (Docker) has policy drop");
    nft_apply("delete table ip filter\n");
    nft_apply(drop_table);
    {
        g_autofree char *rs6 = vmm_nft_list_ruleset(&err);

        assert_lacks(rs6, "vmm");
    }
}

/* ---- dnsmasq and real DHCP ---- */

typedef struct {
    char *dir;
    VmmDnsmasqPaths *paths;
    GPid dnsmasq;
} DhcpFixture;

static gboolean
wait_for_file(const char *path, int ms)
{
    for (; ms > 0; ms -= 50) {
        if (g_file_test(path, G_FILE_TEST_EXISTS))
            return TRUE;
        g_usleep(50 * 1000);
    }
    return FALSE;
}

/* ---- real NAT: client namespace → bridge → uplink → upstream namespace ---- */

/* The HTTP answer of the upstream web server: the client address it saw
 * ("[::ffff:10.200.0.1]"), or nc's complaint when nothing came back.  (busybox nc,
 * as the static busybox's wget crashes; its -w bounds only the connect.) */
static char *
fetch_remote_addr(const char *server)
{
    g_autofree char *far = veth_add("vmmcl0", NULL, "vmmnat0");
    g_autofree char *out = NULL, *sh = NULL;
    const char *links[] = { far, NULL };
    GPid pid;
    int fd = -1;

    sh = g_strdup_printf("busybox ip addr add 192.168.170.5/24 dev vmmcl0c && "
                         "busybox ip route add default via 192.168.170.1 && "
                         "printf 'GET /cgi-bin/addr HTTP/1.0\\r\\n\\r\\n' | "
                         "busybox timeout 10 busybox nc -w 3 %s 8080; exit 0", server);
    pid = ns_spawn(sh, links, &fd);
    out = read_child(pid, fd, 30000);
    close(fd);
    veth_gone("vmmcl0");
    return g_strstrip(g_steal_pointer(&out));
}

/* A namespace on a veth from @bridge (NULL: none) with @addr/24, default
 * route via @gw (NULL: none), serving @dir over HTTP on port 8080. */
static GPid
web_server(const char *veth, const char *bridge, const char *addr, const char *gw,
           const char *dir, int *fd)
{
    g_autofree char *far = veth_add(veth, NULL, bridge);
    g_autofree char *sh = NULL, *route = NULL;
    const char *links[] = { far, NULL };

    route = gw ? g_strdup_printf("busybox ip route add default via %s && ", gw) : g_strdup("");
    sh = g_strdup_printf("busybox ip addr add %s/24 dev %s && %s"
                         "exec busybox httpd -f -p 8080 -h %s", addr, far, route, dir);
    return ns_spawn(sh, links, fd);
}

static void
test_nat(void)
{
    g_autoptr(VmmNetworkDef) def = NULL;
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("vmm-nat-XXXXXX", NULL);
    g_autofree char *cgi_dir = g_build_filename(dir, "cgi-bin", NULL);
    g_autofree char *cgi = g_build_filename(cgi_dir, "addr", NULL);
    g_autofree char *rm = NULL, *add = NULL, *del = NULL, *seen = NULL, *blocked = NULL;
    g_autofree char *add_b = NULL, *del_b = NULL, *cross = NULL, *open_path = NULL;
    g_autoptr(VmmNetworkDef) def_b = NULL;
    VmmNetlinkBridge br = { .name = "vmmnat0" };
    VmmNetlinkBridge br_b = { .name = "vmmnat1" };
    GPid upstream, server_b;
    int up_fd = -1, b_fd = -1;

    def = vmm_network_def_parse_string(
        "<network><name>nattest</name><forward mode='nat'/>"
        "<bridge name='vmmnat0' stp='off'/>"
        "<ip address='192.168.170.1' prefix='24'/></network>", NULL, 0, &err);
    g_assert_no_error(err);

    /* The upstream network: it has no route back to 192.168.170.0/24, so
     * only masqueraded traffic gets an answer; its web server echoes the
     * client address it sees. */
    g_assert_true(g_mkdir_with_parents(cgi_dir, 0755) == 0);
    g_assert_true(g_file_set_contents(cgi, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n"
                                      "echo \"$REMOTE_ADDR\"\n", -1, NULL));
    g_assert_cmpint(chmod(cgi, 0755), ==, 0);
    upstream = web_server("vmmup0", NULL, "10.200.0.2", NULL, dir, &up_fd);
    g_assert_true(vmm_netlink_addr_add("vmmup0", "10.200.0.1", 24, &err));

    g_assert_true(vmm_netlink_bridge_create(&br, &err));
    g_assert_true(vmm_netlink_addr_add("vmmnat0", "192.168.170.1", 24, &err));
    g_assert_true(vmm_netlink_link_set_up("vmmnat0", TRUE, &err));
    g_assert_true(vmm_netlink_enable_forwarding(AF_INET, &err));
    g_assert_no_error(err);
    add = vmm_nft_build_network_add(def, &err);
    del = vmm_nft_build_network_remove(def, &err);
    g_assert_no_error(err);
    nft_apply(add);
    g_usleep(300 * 1000);    /* httpd listening */

    seen = fetch_remote_addr("10.200.0.2");
    assert_contains(seen, "200 OK");
    assert_contains(seen, ":10.200.0.1]");

    /* A second network: its guests are out of reach of the first's... */
    def_b = vmm_network_def_parse_string(
        "<network><name>nattest2</name><forward mode='nat'/>"
        "<bridge name='vmmnat1' stp='off'/>"
        "<ip address='192.168.171.1' prefix='24'/></network>", NULL, 0, &err);
    g_assert_no_error(err);
    g_assert_true(vmm_netlink_bridge_create(&br_b, &err));
    g_assert_true(vmm_netlink_addr_add("vmmnat1", "192.168.171.1", 24, &err));
    g_assert_true(vmm_netlink_link_set_up("vmmnat1", TRUE, &err));
    g_assert_no_error(err);
    server_b = web_server("vmmsv0", "vmmnat1", "192.168.171.5", "192.168.171.1", dir, &b_fd);
    add_b = vmm_nft_build_network_add(def_b, &err);
    del_b = vmm_nft_build_network_remove(def_b, &err);
    g_assert_no_error(err);
    nft_apply(add_b);
    g_usleep(300 * 1000);
    cross = fetch_remote_addr("192.168.171.5");
    assert_lacks(cross, "200 OK");
    /* ...because of its rules: without them the path is open. */
    nft_apply(del_b);
    open_path = fetch_remote_addr("192.168.171.5");
    /* (masqueraded on the way, like all traffic leaving the first network
     * for another subnet, as under libvirt) */
    assert_contains(open_path, "200 OK");
    child_stop(server_b);
    close(b_fd);
    veth_gone("vmmsv0");
    g_assert_true(vmm_netlink_link_delete("vmmnat1", &err));

    /* Without the network's rules nothing is masqueraded, and the forward
     * path stays open (no policy of ours), so the reply has no way back. */
    nft_apply(del);
    blocked = fetch_remote_addr("10.200.0.2");
    assert_lacks(blocked, "200 OK");

    child_stop(upstream);
    close(up_fd);
    g_assert_true(vmm_netlink_link_delete("vmmnat0", &err));
    veth_gone("vmmup0");
    g_assert_no_error(err);
    rm = RUN("rm", "-rf", dir);
}

static void
dhcp_setup(DhcpFixture *f, gconstpointer data)
{
    f->dir = g_dir_make_tmp("vmm-dnsmasq-XXXXXX", NULL);
    g_assert_nonnull(f->dir);
    /* dnsmasq drops root; it must still read its host files. */
    g_assert_cmpint(chmod(f->dir, 0755), ==, 0);
}

static void
dhcp_teardown(DhcpFixture *f, gconstpointer data)
{
    g_autofree char *o = NULL;

    child_stop(f->dnsmasq);
    if (vmm_netlink_link_exists("vmmdhcp0"))
        vmm_netlink_link_delete("vmmdhcp0", NULL);
    vmm_dnsmasq_paths_free(f->paths);
    o = RUN("rm", "-rf", f->dir);
    g_free(f->dir);
}

static void
write_file(const char *path, const char *content)
{
    g_autoptr(GError) err = NULL;

    if (!g_file_set_contents(path, content, -1, &err))
        g_error("%s", err->message);
}

static void
test_dhcp(DhcpFixture *f, gconstpointer data)
{
    g_autoptr(VmmNetworkDef) def = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmCommand) cmd = NULL;
    g_autofree char *conf = NULL, *hosts = NULL, *addn = NULL, *pid = NULL;
    g_autofree char *ss = NULL, *dyn = NULL, *fixed = NULL, *leases = NULL;
    g_autofree char *add = NULL, *dig = NULL;
    const VmmNetworkIPDef *ip;
    VmmNetlinkBridge br = { 0 };
    unsigned char mac[6];

    def = vmm_network_def_parse_string(
        "<network>"
        "  <name>dhcptest</name>"
        "  <forward mode='nat'/>"
        "  <bridge name='vmmdhcp0' stp='on' delay='0'/>"
        "  <mac address='52:54:00:00:d0:01'/>"
        "  <dns><host ip='192.168.160.77'><hostname>box</hostname></host></dns>"
        "  <ip address='192.168.160.1' netmask='255.255.255.0'>"
        "    <dhcp>"
        "      <range start='192.168.160.100' end='192.168.160.110'/>"
        "      <host mac='52:54:00:aa:00:02' name='fixed' ip='192.168.160.50'/>"
        "    </dhcp>"
        "  </ip>"
        "</network>", NULL, 0, &err);
    g_assert_no_error(err);
    ip = vmm_network_def_get_ip(def, VMM_NETWORK_IP_FAMILY_IPV4, 0);

    /* The bridge, as net-start makes it. */
    g_assert_true(vmm_mac_parse("52:54:00:00:d0:01", mac));
    br.name = def->bridge_name;
    br.mac = mac;
    br.stp = def->stp;
    br.forward_delay = (unsigned int)def->delay;
    g_assert_true(vmm_netlink_bridge_create(&br, &err));
    g_assert_true(vmm_netlink_addr_add(br.name, ip->address,
                                       vmm_network_ip_def_get_prefix(ip), &err));
    g_assert_true(vmm_netlink_link_set_up(br.name, TRUE, &err));
    g_assert_no_error(err);
    add = vmm_nft_build_network_add(def, &err);
    nft_apply(add);

    f->paths = vmm_dnsmasq_paths_new(f->dir, f->dir, def->name);
    conf = vmm_dnsmasq_build_config(def, f->paths, &err);
    g_assert_no_error(err);
    hosts = vmm_dnsmasq_build_hostsfile(def, &err);
    addn = vmm_dnsmasq_build_addnhosts(def, &err);
    g_assert_no_error(err);
    write_file(f->paths->conf_file, conf);
    write_file(f->paths->hosts_file, hosts);
    write_file(f->paths->addn_hosts_file, addn);

    cmd = vmm_dnsmasq_build_command(f->paths, NULL);
    vmm_command_set_stderr_fd(cmd, 2);
    g_assert_true(vmm_command_spawn(cmd, &f->dnsmasq, NULL, NULL, NULL, &err));
    g_assert_no_error(err);
    children_add(f->dnsmasq);
    g_assert_true(wait_for_file(f->paths->pid_file, 10000));
    g_usleep(200 * 1000);
    g_assert_true(g_file_get_contents(f->paths->pid_file, &pid, NULL, NULL));
    g_assert_cmpint(atoi(pid), ==, f->dnsmasq);

    /* Bound to the bridge's address only: no wildcard, no loopback. */
    ss = RUN("ss", "-lntup");
    assert_contains(ss, "192.168.160.1:53 ");
    assert_lacks(ss, "0.0.0.0:53 ");
    assert_lacks(ss, "127.0.0.1:53 ");
    assert_lacks(ss, "[::]:53 ");

    /* A client with an unknown MAC gets an address from the range... */
    dyn = dhcp_client(f->dir, br.name, "vmmve0", "52:54:00:aa:00:01");
    assert_contains(dyn, "BOUND vmmve0c 192.168.160.1");
    {
        g_auto(GStrv) w = g_strsplit(strstr(dyn, "BOUND"), " ", 4);
        int last = atoi(strrchr(w[2], '.') + 1);

        g_assert_cmpint(last, >=, 100);
        g_assert_cmpint(last, <=, 110);
    }
    /* ...and the static host its fixed address. */
    fixed = dhcp_client(f->dir, br.name, "vmmve1", "52:54:00:aa:00:02");
    assert_contains(fixed, "BOUND vmmve1c 192.168.160.50 24");

    /* The lease file lists both (dnsmasq writes it on each lease). */
    g_assert_true(g_file_get_contents(f->paths->lease_file, &leases, NULL, NULL));
    assert_contains(leases, "52:54:00:aa:00:01 192.168.160.1");
    assert_contains(leases, "52:54:00:aa:00:02 192.168.160.50 fixed");
    {
        g_autoptr(GPtrArray) parsed = vmm_dnsmasq_parse_leases(leases);
        const VmmDnsmasqLease *fl = NULL;
        guint k;

        g_assert_cmpuint(parsed->len, ==, 2);
        for (k = 0; k < parsed->len; k++) {
            const VmmDnsmasqLease *l = g_ptr_array_index(parsed, k);

            if (g_strcmp0(l->mac, "52:54:00:aa:00:02") == 0)
                fl = l;
        }
        g_assert_nonnull(fl);
        g_assert_cmpstr(fl->ip, ==, "192.168.160.50");
        g_assert_cmpstr(fl->hostname, ==, "fixed");
        g_assert_cmpint(fl->expiry, >, g_get_real_time() / G_USEC_PER_SEC);
    }

    /* net-update of a static host takes effect live: rewrite the hosts
     * file, SIGHUP dnsmasq. */
    {
        VmmNetworkIPDef *wip = g_ptr_array_index(def->ips, 0);
        VmmNetworkDHCPHost *h = g_new0(VmmNetworkDHCPHost, 1);
        g_autofree char *hosts2 = NULL, *late = NULL;

        h->mac = g_strdup("52:54:00:aa:00:03");
        h->name = g_strdup("late");
        h->ip = g_strdup("192.168.160.60");
        g_ptr_array_add(wip->hosts, h);
        hosts2 = vmm_dnsmasq_build_hostsfile(def, &err);
        g_assert_no_error(err);
        write_file(f->paths->hosts_file, hosts2);
        g_assert_cmpint(kill(f->dnsmasq, SIGHUP), ==, 0);
        g_usleep(200 * 1000);
        late = dhcp_client(f->dir, br.name, "vmmve2", "52:54:00:aa:00:03");
        assert_contains(late, "BOUND vmmve2c 192.168.160.60 24");
    }

    /* DNS answers from addn-hosts, on the bridge address. */
    {
        g_autoptr(VmmCommand) q = vmm_command_new("busybox");
        g_autoptr(GError) qerr = NULL;
        char *qout = NULL;
        int status = -1;

        vmm_command_add_args(q, "nslookup", "box", "192.168.160.1", NULL);
        g_assert_true(vmm_command_run(q, 10000, &status, &qout, NULL, &qerr));
        dig = qout;
        assert_contains(dig, "192.168.160.77");
    }

    child_stop(f->dnsmasq);
    f->dnsmasq = 0;
    {
        g_autofree char *del = vmm_nft_build_network_remove(def, &err);

        nft_apply(del);
    }
}

static gboolean
have_program(const char *name)
{
    g_autofree char *path = g_find_program_in_path(name);

    return path != NULL;
}

/*
 * Every golden case's config, with real paths, is accepted by the real
 * dnsmasq: it starts on the case's bridge (made with the case's addresses)
 * and writes its pid-file, where `dnsmasq --test` would only check syntax.
 */
static void
test_dnsmasq_configs(void)
{
    g_autofree char *dir = test_data_path("drivers/network/data");
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *ent;
    guint started = 0;

    g_assert_nonnull(d);
    while ((ent = g_dir_read_name(d))) {
        g_autofree char *name = NULL, *tmp = NULL, *conf = NULL, *hosts = NULL;
        g_autofree char *addn = NULL, *rm = NULL;
        g_autoptr(VmmNetworkDef) def = NULL;
        g_autoptr(VmmDnsmasqPaths) paths = NULL;
        g_autoptr(VmmCommand) cmd = NULL;
        g_autoptr(GError) err = NULL;
        VmmNetlinkBridge br = { 0 };
        GPid pid;
        int i, status;
        gboolean exited = FALSE;
        guint k;

        if (!g_str_has_suffix(ent, ".xml"))
            continue;
        name = g_strndup(ent, strlen(ent) - 4);
        def = load_def(name);
        tmp = g_dir_make_tmp("vmm-dnsmasq-XXXXXX", NULL);
        g_assert_cmpint(chmod(tmp, 0755), ==, 0);
        for (k = 0; k < def->ips->len; k++) {
            VmmNetworkIPDef *ip = g_ptr_array_index(def->ips, k);

            if (ip->tftp_root) {
                g_free(ip->tftp_root);
                ip->tftp_root = g_strdup(tmp);
            }
        }
        br.name = def->bridge_name;
        br.mac = def->mac_set ? def->mac : NULL;
        br.mtu = def->mtu;
        g_assert_true(vmm_netlink_bridge_create(&br, &err));
        for (k = 0; k < def->ips->len; k++) {
            const VmmNetworkIPDef *ip = g_ptr_array_index(def->ips, k);

            g_assert_true(vmm_netlink_addr_add(br.name, ip->address,
                                               vmm_network_ip_def_get_prefix(ip), &err));
        }
        g_assert_true(vmm_netlink_link_set_up(br.name, TRUE, &err));
        g_assert_no_error(err);

        paths = vmm_dnsmasq_paths_new(tmp, tmp, def->name);
        conf = vmm_dnsmasq_build_config(def, paths, &err);
        hosts = vmm_dnsmasq_build_hostsfile(def, &err);
        addn = vmm_dnsmasq_build_addnhosts(def, &err);
        g_assert_no_error(err);
        write_file(paths->conf_file, conf);
        write_file(paths->hosts_file, hosts);
        write_file(paths->addn_hosts_file, addn);
        cmd = vmm_dnsmasq_build_command(paths, NULL);
        vmm_command_set_stderr_fd(cmd, 2);
        g_assert_true(vmm_command_spawn(cmd, &pid, NULL, NULL, NULL, &err));
        g_assert_no_error(err);
        children_add(pid);
        for (i = 0; i < 200 && !g_file_test(paths->pid_file, G_FILE_TEST_EXISTS); i++) {
            if (waitpid(pid, &status, WNOHANG) == pid) {
                exited = TRUE;
                break;
            }
            g_usleep(25 * 1000);
        }
        if (exited)
            g_error("dnsmasq refused the config of case '%s' (status %d):\n%s", name,
                    status, conf);
        g_assert_true(g_file_test(paths->pid_file, G_FILE_TEST_EXISTS));
        g_assert_cmpint(waitpid(pid, &status, WNOHANG), ==, 0);
        child_stop(pid);
        g_assert_true(vmm_netlink_link_delete(br.name, &err));
        g_assert_no_error(err);
        rm = RUN("rm", "-rf", tmp);
        started++;
    }
    g_assert_cmpuint(started, >=, 15);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    if (!ns_enter(on_abort))
        return 77;

    g_test_add_func("/network/netlink/bridge", test_bridge);
    g_test_add_func("/network/netlink/free-name", test_free_name);
    g_test_add_func("/network/netlink/tap", test_tap);
    g_test_add_func("/network/netlink/dump", test_dump);
    if (have_program("nft"))
        g_test_add_func("/network/nft/apply", test_nft);
    else
        g_test_message("nft not installed: nft tests skipped");
    if (have_program("nft") && have_program("busybox") && have_program("unshare"))
        g_test_add_func("/network/nft/nat", test_nat);
    else
        g_test_message("nft, busybox or unshare missing: NAT test skipped");
    if (have_program("dnsmasq") && have_program("busybox") && have_program("unshare"))
        g_test_add("/network/dnsmasq/dhcp", DhcpFixture, NULL, dhcp_setup, test_dhcp,
                   dhcp_teardown);
    if (have_program("dnsmasq"))
        g_test_add_func("/network/dnsmasq/configs", test_dnsmasq_configs);
    else
        g_test_message("dnsmasq, busybox or unshare missing: DHCP test skipped");
    return g_test_run();
}
