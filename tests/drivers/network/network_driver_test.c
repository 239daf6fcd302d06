/*
 * network_driver_test.c: the network driver against the real kernel, nft
 * and dnsmasq, inside a private network namespace.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The test unshares its network namespace before anything else (root
 * only; exit 77 otherwise), so every bridge, address, rule and dnsmasq it
 * makes lives and dies there.  DHCP clients and the "upstream" web server
 * run in further namespaces (`unshare -n`) joined by veth pairs.  The
 * driver state lives under a temporary root; the steps run in order and
 * share it: first start (default network on a moved subnet), DHCP, a
 * static host added live, NAT, guest ports, errors, dnsmasq dying, state
 * re-init (adoption), destroy, undefine.
 */
#define _GNU_SOURCE   /* unshare */
#include "testutils.h"
#include "nstest.h"
#include "driver.h"
#include "drivers/network/network_driver.h"
#include "drivers/network/network_port.h"
#include "util/command.h"
#include "util/netlink.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <glib-unix.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char *root;
static VmmConnect *conn;

static GPid dnsmasq_seen;

static void
on_abort(int sig)
{
    children_kill();
    /* dnsmasq outlives us otherwise (it is made to survive vmmd). */
    if (dnsmasq_seen > 0)
        kill(dnsmasq_seen, SIGKILL);
    if (root) {
        g_autofree char *dir = g_build_filename(root, "run/vmm/network/pid", NULL);
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *e;

        while (d && (e = g_dir_read_name(d))) {
            g_autofree char *path = g_build_filename(dir, e, NULL);
            g_autofree char *text = NULL;

            if (g_file_get_contents(path, &text, NULL, NULL) && atoi(text) > 0)
                kill(atoi(text), SIGKILL);
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static char *
root_path(const char *rel)
{
    return g_build_filename(root, rel, NULL);
}

static GPid
dnsmasq_pid(const char *net)
{
    g_autofree char *rel = g_strdup_printf("run/vmm/network/pid/%s.pid", net);
    g_autofree char *path = root_path(rel);
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    return atoi(text);
}

static gboolean
pid_alive(GPid pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", pid);
    g_autofree char *cmdline = NULL;

    /* A zombie has an empty cmdline. */
    return pid > 0 && g_file_get_contents(path, &cmdline, NULL, NULL) && *cmdline;
}

static VmmNetwork *
lookup(const char *name)
{
    g_autoptr(GError) err = NULL;
    VmmNetwork *net = vmm_network_lookup_by_name(conn, name, &err);

    g_assert_no_error(err);
    return net;
}

static void
state_init(void)
{
    VmmNetworkDriverConfig cfg = { .root = root, .default_network = TRUE, .autostart = TRUE };
    g_autoptr(GError) err = NULL;

    g_assert_true(vmm_network_driver_state_init(&cfg, &err));
    g_assert_no_error(err);
}

/* ---- the steps ---- */

/* 192.168.122.0/24 is taken on the host: default comes up on .123. */
static void
test_first_start(void)
{
    g_autofree char *addr = NULL, *rules = NULL;
    g_autofree char *ss = NULL, *conf = NULL, *link = NULL, *xml = NULL, *live = NULL;
    g_autoptr(VmmNetwork) net = NULL;
    g_autoptr(GError) err = NULL;
    gboolean autostart = FALSE;

    /* A host interface on 192.168.122.0/24 (a bridge: the dummy module
     * may be missing). */
    {
        VmmNetlinkBridge host = { .name = "vmmdummy0" };

        g_assert_true(vmm_netlink_bridge_create(&host, &err));
        g_assert_true(vmm_netlink_addr_add("vmmdummy0", "192.168.122.7", 24, &err));
        g_assert_true(vmm_netlink_link_set_up("vmmdummy0", TRUE, &err));
        g_assert_no_error(err);
    }

    state_init();
    net = lookup("default");
    g_assert_cmpint(vmm_network_is_active(net, &err), ==, 1);
    g_assert_cmpint(vmm_network_is_persistent(net, &err), ==, 1);
    g_assert_true(vmm_network_get_autostart(net, &autostart, &err));
    g_assert_true(autostart);
    conf = root_path("etc/vmm/networks/default.xml");
    g_assert_true(g_file_test(conf, G_FILE_TEST_EXISTS));
    link = root_path("etc/vmm/networks/autostart/default.xml");
    g_assert_true(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    xml = vmm_network_get_xml_desc(net, VMM_NETWORK_XML_INACTIVE, &err);
    assert_contains(xml, "192.168.123.1");
    assert_contains(xml, "192.168.123.254");
    live = root_path("run/vmm/network/default.xml");
    g_assert_true(g_file_test(live, G_FILE_TEST_EXISTS));

    addr = RUN("ip", "-4", "addr", "show", "virbr0");
    assert_contains(addr, "inet 192.168.123.1/24");
    assert_contains(addr, ",UP>");
    rules = RUN("nft", "list", "ruleset");
    assert_contains(rules, "table inet vmm");
    assert_contains(rules, "masquerade");
    assert_contains(rules, "192.168.123.0/24");
    assert_contains(rules, "virbr0");

    dnsmasq_seen = dnsmasq_pid("default");
    g_assert_true(pid_alive(dnsmasq_seen));
    ss = RUN("ss", "-lnup");
    assert_contains(ss, "192.168.123.1:53 ");
    assert_contains(ss, "dnsmasq");
    assert_lacks(ss, "0.0.0.0:53 ");
    assert_lacks(ss, "127.0.0.1:53 ");
}

static void
test_dhcp(void)
{
    g_autoptr(VmmNetwork) net = lookup("default");
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) leases = NULL;
    g_autofree char *dyn = NULL, *fixed = NULL, *xml = NULL, *inactive = NULL;
    const VmmNetworkLease *l;

    dyn = dhcp_client(root, "virbr0", "vmmve0", "52:54:00:aa:00:01");
    assert_contains(dyn, "BOUND vmmve0c 192.168.123.");
    leases = vmm_network_get_dhcp_leases(net, "52:54:00:aa:00:01", 0, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(leases->len, ==, 1);
    l = leases->pdata[0];
    g_assert_cmpstr(l->iface, ==, "virbr0");
    g_assert_cmpstr(l->mac, ==, "52:54:00:aa:00:01");
    g_assert_cmpint(l->type, ==, VMM_IP_ADDR_TYPE_IPV4);
    g_assert_cmpuint(l->prefix, ==, 24);
    g_assert_true(g_str_has_prefix(l->ipaddr, "192.168.123."));
    g_assert_cmpint(l->expirytime, >, (gint64)time(NULL));
    assert_contains(dyn, l->ipaddr);

    /* A static host, live only: dnsmasq re-reads its hosts file. */
    g_assert_true(vmm_network_update(net, VMM_NETWORK_UPDATE_COMMAND_ADD_LAST,
                                     VMM_NETWORK_SECTION_IP_DHCP_HOST, -1,
                                     "<host mac='52:54:00:aa:00:02' name='fixed' "
                                     "ip='192.168.123.50'/>",
                                     VMM_NETWORK_UPDATE_AFFECT_LIVE, &err));
    g_assert_no_error(err);
    xml = vmm_network_get_xml_desc(net, 0, &err);
    assert_contains(xml, "192.168.123.50");
    inactive = vmm_network_get_xml_desc(net, VMM_NETWORK_XML_INACTIVE, &err);
    assert_lacks(inactive, "192.168.123.50");
    fixed = dhcp_client(root, "virbr0", "vmmve1", "52:54:00:aa:00:02");
    assert_contains(fixed, "BOUND vmmve1c 192.168.123.50 ");

    /* The same again is refused; a DNS host goes to config and live. */
    g_assert_false(vmm_network_update(net, VMM_NETWORK_UPDATE_COMMAND_ADD_LAST,
                                      VMM_NETWORK_SECTION_IP_DHCP_HOST, -1,
                                      "<host mac='52:54:00:aa:00:02' ip='192.168.123.51'/>",
                                      VMM_NETWORK_UPDATE_AFFECT_LIVE, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    g_assert_true(vmm_network_update(net, VMM_NETWORK_UPDATE_COMMAND_ADD_LAST,
                                     VMM_NETWORK_SECTION_DNS_HOST, -1,
                                     "<host ip='192.168.123.60'><hostname>box</hostname></host>",
                                     VMM_NETWORK_UPDATE_AFFECT_LIVE |
                                     VMM_NETWORK_UPDATE_AFFECT_CONFIG, &err));
    g_assert_no_error(err);
    g_free(inactive);
    inactive = vmm_network_get_xml_desc(net, VMM_NETWORK_XML_INACTIVE, &err);
    assert_contains(inactive, "box");
    {
        g_autofree char *path = root_path("var/lib/vmm/dnsmasq/default.addnhosts");
        g_autofree char *text = NULL;

        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        assert_contains(text, "192.168.123.60");
    }
    /* Delete the DNS host again (both). */
    g_assert_true(vmm_network_update(net, VMM_NETWORK_UPDATE_COMMAND_DELETE,
                                     VMM_NETWORK_SECTION_DNS_HOST, -1,
                                     "<host ip='192.168.123.60'><hostname>box</hostname></host>",
                                     VMM_NETWORK_UPDATE_AFFECT_LIVE |
                                     VMM_NETWORK_UPDATE_AFFECT_CONFIG, &err));
    g_assert_no_error(err);
}

/* The answer of the upstream web server to a client behind virbr0. */
static char *
fetch_from_guest(void)
{
    g_autofree char *far = veth_add("vmmcl0", NULL, "virbr0");
    g_autofree char *out = NULL;
    const char *links[] = { far, NULL };
    GPid pid;
    int fd = -1;

    pid = ns_spawn("busybox ip addr add 192.168.123.5/24 dev vmmcl0c && "
                   "busybox ip route add default via 192.168.123.1 && "
                   "for i in 1 2 3 4 5 6 7 8 9 10; do "
                   "  printf 'GET /cgi-bin/addr HTTP/1.0\\r\\n\\r\\n' | "
                   "  busybox timeout 5 busybox nc -w 3 10.200.0.2 8080 && exit 0; "
                   "  busybox sleep 0.3; "
                   "done; exit 0", links, &fd);
    out = read_child(pid, fd, 60000);
    close(fd);
    veth_gone("vmmcl0");
    return g_strstrip(g_steal_pointer(&out));
}

/* Real NAT: the upstream namespace has no route back to the guests'
 * subnet; it answers only because the traffic is masqueraded. */
static void
test_nat(void)
{
    g_autofree char *dir = g_build_filename(root, "www", NULL);
    g_autofree char *cgi_dir = g_build_filename(dir, "cgi-bin", NULL);
    g_autofree char *cgi = g_build_filename(cgi_dir, "addr", NULL);
    g_autofree char *far = NULL, *sh = NULL, *seen = NULL;
    g_autoptr(GError) err = NULL;
    const char *links[2] = { NULL, NULL };
    GPid upstream;
    int fd = -1;

    g_assert_cmpint(g_mkdir_with_parents(cgi_dir, 0755), ==, 0);
    g_assert_true(g_file_set_contents(cgi, "#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n"
                                      "echo \"$REMOTE_ADDR\"\n", -1, NULL));
    g_assert_cmpint(chmod(cgi, 0755), ==, 0);
    far = veth_add("vmmup0", NULL, NULL);
    links[0] = far;
    sh = g_strdup_printf("busybox ip addr add 10.200.0.2/24 dev %s && "
                         "exec busybox httpd -f -p 8080 -h %s", far, dir);
    upstream = ns_spawn(sh, links, &fd);
    g_assert_true(vmm_netlink_addr_add("vmmup0", "10.200.0.1", 24, &err));
    g_assert_no_error(err);

    seen = fetch_from_guest();
    assert_contains(seen, "200 OK");
    assert_contains(seen, "10.200.0.1");
    assert_lacks(seen, "192.168.123.5");

    child_stop(upstream);
    close(fd);
    veth_gone("vmmup0");
}

static void
test_ports(void)
{
    static const unsigned char mac[6] = { 0x52, 0x54, 0x00, 0x01, 0x02, 0x03 };
    g_autoptr(GError) err = NULL;
    g_autofree char *name = NULL, *name2 = NULL, *master = NULL, *lnk = NULL;
    int fd, fd2;

    fd = vmm_network_port_create("default", mac, NULL, 0, &name, &err);
    g_assert_no_error(err);
    g_assert_cmpint(fd, >=, 0);
    g_assert_true(g_str_has_prefix(name, "vnet"));
    lnk = RUN("ip", "-d", "link", "show", name);
    assert_contains(lnk, "master virbr0");
    assert_contains(lnk, "fe:54:00:01:02:03");
    assert_contains(lnk, ",UP");

    fd2 = vmm_network_port_create_bridge("virbr0", mac, "vmmtap7", 1400, &name2, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(name2, ==, "vmmtap7");
    g_free(lnk);
    lnk = RUN("ip", "-d", "link", "show", "vmmtap7");
    assert_contains(lnk, "mtu 1400");
    assert_contains(lnk, "master virbr0");

    g_assert_cmpint(vmm_network_port_create("default", mac, "vmmtap7", 0, NULL, &err), ==, -1);
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_FAILED);
    g_clear_error(&err);
    g_assert_cmpint(vmm_network_port_create("nosuch", mac, NULL, 0, NULL, &err), ==, -1);
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_NETWORK);
    g_clear_error(&err);

    g_assert_true(vmm_network_port_delete(name, &err));
    g_assert_true(vmm_network_port_delete(name2, &err));
    g_assert_no_error(err);
    g_assert_false(vmm_netlink_link_exists(name));
    g_assert_false(vmm_netlink_link_exists("vmmtap7"));
    close(fd);
    close(fd2);
}

/* Under --root in what it takes for the host's namespace, the driver
 * refuses to touch networking (the test is in a private namespace, so
 * pointing the reference at our own namespace makes it "the host"). */
static void
test_host_namespace_refused(void)
{
    static const unsigned char mac[6] = { 0x52, 0x54, 0x00, 0x01, 0x02, 0x09 };
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmNetwork) net = NULL;
    g_autofree char *ifname = NULL;

    net = vmm_network_define_xml(conn,
        "<network><name>hostguard</name><bridge name='vmmguard0'/>"
        "<ip address='10.99.0.1' prefix='24'/></network>", 0, &err);
    g_assert_no_error(err);
    g_setenv("VMM_HOST_NETNS_PATH", "/proc/self/ns/net", TRUE);
    g_assert_false(vmm_network_create(net, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_DENIED);
    assert_contains(err->message, "refusing to change the host's networking");
    g_clear_error(&err);
    g_assert_cmpint(vmm_network_port_create("default", mac, NULL, 0, &ifname, &err), ==, -1);
    assert_contains(err->message, "refusing to change the host's networking");
    g_clear_error(&err);
    g_unsetenv("VMM_HOST_NETNS_PATH");
    g_assert_false(g_file_test("/sys/class/net/vmmguard0", G_FILE_TEST_EXISTS));
    g_assert_true(vmm_network_undefine(net, &err));
}

static void
test_errors(void)
{
    static const unsigned char mac[6] = { 0x52, 0x54, 0x00, 0x01, 0x02, 0x04 };
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmNetwork) a = NULL, b = NULL, c = NULL, d = NULL;
    g_autofree char *rules = NULL;

    /* Overlapping the active default network. */
    a = vmm_network_define_xml(conn,
        "<network><name>overlap</name><forward mode='nat'/>"
        "<ip address='192.168.123.129' prefix='25'/></network>", 0, &err);
    g_assert_no_error(err);
    g_assert_false(vmm_network_create(a, &err));
    g_assert_nonnull(err);
    assert_contains(err->message, "subnet 192.168.123.128/25 of network 'overlap' overlaps active "
                    "network 'default'");
    g_clear_error(&err);
    /* Overlapping the host's address on vmmdummy0. */
    b = vmm_network_define_xml(conn,
        "<network><name>hostnet</name>"
        "<ip address='192.168.122.200' prefix='24'/></network>", 0, &err);
    g_assert_no_error(err);
    g_assert_false(vmm_network_create(b, &err));
    assert_contains(err->message, "subnet 192.168.122.0/24 of network 'hostnet' overlaps the host's route "
                    "or address 192.168.122.0/24");
    g_clear_error(&err);
    /* A bridge name in use. */
    c = vmm_network_define_xml(conn,
        "<network><name>brbusy</name><bridge name='vmmdummy0'/>"
        "<ip address='192.168.180.1' prefix='24'/></network>", 0, &err);
    g_assert_no_error(err);
    g_assert_false(vmm_network_create(c, &err));
    assert_contains(err->message, "bridge name 'vmmdummy0' already in use.");
    g_clear_error(&err);
    /* Nothing half-applied: no new bridge, no rules of theirs. */
    g_assert_false(vmm_netlink_link_exists("virbr1"));
    rules = RUN("nft", "list", "ruleset");
    assert_lacks(rules, "192.168.180.");

    /* A port on an inactive network names the command that starts it. */
    g_assert_cmpint(vmm_network_port_create("brbusy", mac, NULL, 0, NULL, &err), ==, -1);
    assert_contains(err->message, "network 'brbusy' is not active; start it with 'vshell net-start brbusy'");
    g_clear_error(&err);

    /* An isolated network gets the next bridge and a dnsmasq; destroy
     * leaves nothing. */
    d = vmm_network_create_xml(conn,
        "<network><name>iso</name>"
        "<ip address='192.168.181.1' prefix='24'>"
        "<dhcp><range start='192.168.181.10' end='192.168.181.20'/></dhcp></ip>"
        "</network>", 0, &err);
    g_assert_no_error(err);
    {
        g_autofree char *br = vmm_network_get_bridge_name(d, &err);
        GPid pid = dnsmasq_pid("iso");

        g_assert_cmpstr(br, ==, "virbr1");
        g_assert_true(pid_alive(pid));
        g_assert_cmpint(vmm_network_is_persistent(d, &err), ==, 0);
        g_assert_true(vmm_network_destroy(d, &err));
        g_assert_no_error(err);
        g_assert_false(vmm_netlink_link_exists("virbr1"));
        g_assert_false(pid_alive(pid));
    }
    g_assert_null(vmm_network_lookup_by_name(conn, "iso", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_NETWORK);
    g_clear_error(&err);

    g_assert_true(vmm_network_undefine(a, &err));
    g_assert_true(vmm_network_undefine(b, &err));
    g_assert_true(vmm_network_undefine(c, &err));
    g_assert_no_error(err);
}

static GString *warnings;

static void
capture_warning(const gchar *domain, GLogLevelFlags level, const gchar *message,
                gpointer data)
{
    g_string_append_printf(warnings, "%s\n", message);
}

/* IPv6 next to IPv4; a foreign forward drop policy named in the log;
 * dnsmasq missing or failing (with its stderr), leaving nothing behind. */
static void
test_more(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmNetwork) v6 = NULL, busy = NULL;
    g_autofree char *addr = NULL, *fwd = NULL, *o = NULL, *rules = NULL;
    g_autofree char *fw = g_build_filename(root, "fw.nft", NULL);
    g_autofree char *empty = g_build_filename(root, "empty-path", NULL);
    g_autofree char *old_path = g_strdup(g_getenv("PATH"));
    g_autofree char *leases = g_build_filename(root, "var/lib/vmm/dnsmasq/nodns.leases", NULL);
    guint handler;

    /* A firewall of someone else's dropping forwarded traffic. */
    g_assert_true(g_file_set_contents(fw, "table inet otherfw {\n"
                                      "  chain forward {\n"
                                      "    type filter hook forward priority 0; policy drop;\n"
                                      "  }\n}\n", -1, NULL));
    o = RUN("nft", "-f", fw);
    warnings = g_string_new(NULL);
    handler = g_log_set_handler("vmm", G_LOG_LEVEL_WARNING, capture_warning, NULL);
    v6 = vmm_network_create_xml(conn,
        "<network><name>dual</name><forward mode='nat'/>"
        "<ip address='192.168.183.1' prefix='24'>"
        "<dhcp><range start='192.168.183.10' end='192.168.183.20'/></dhcp></ip>"
        "<ip family='ipv6' address='fd00:183::1' prefix='64'>"
        "<dhcp><range start='fd00:183::10' end='fd00:183::20'/></dhcp></ip>"
        "</network>", 0, &err);
    g_log_remove_handler("vmm", handler);
    g_assert_no_error(err);
    assert_contains(warnings->str, "otherfw");
    g_string_free(warnings, TRUE);
    /* ... and handed to the client that started it (vshell prints it
     * after "Network dual started"), asked afresh each time. */
    {
        g_auto(GStrv) msgs = vmm_network_get_messages(v6, 0, &err);

        g_assert_no_error(err);
        g_assert_cmpuint(g_strv_length(msgs), ==, 1);
        assert_contains(msgs[0], "otherfw");
        assert_contains(msgs[0], "dual");
        g_assert_null(vmm_network_get_messages(v6, 1, &err));
        g_assert_error(err, VMM_ERROR, VMM_ERR_INVALID_ARG);
        g_clear_error(&err);
    }
    o = (g_free(o), RUN("nft", "delete", "table", "inet", "otherfw"));
    {
        g_auto(GStrv) msgs = vmm_network_get_messages(v6, 0, &err);

        g_assert_no_error(err);
        g_assert_cmpuint(g_strv_length(msgs), ==, 0);
    }
    {
        g_autofree char *br = vmm_network_get_bridge_name(v6, &err);

        addr = RUN("ip", "addr", "show", br);
        assert_contains(addr, "inet 192.168.183.1/24");
        assert_contains(addr, "inet6 fd00:183::1/64");
    }
    fwd = RUN("sysctl", "-n", "net.ipv6.conf.all.forwarding");
    g_assert_cmpstr(g_strstrip(fwd), ==, "1");
    g_assert_true(pid_alive(dnsmasq_pid("dual")));
    g_assert_true(vmm_network_destroy(v6, &err));
    g_assert_no_error(err);

    /* dnsmasq missing. */
    busy = vmm_network_define_xml(conn,
        "<network><name>nodns</name><bridge name='vmmnodns0'/>"
        "<ip address='192.168.184.1' prefix='24'>"
        "<dhcp><range start='192.168.184.10' end='192.168.184.20'/></dhcp></ip>"
        "</network>", 0, &err);
    g_assert_no_error(err);
    g_assert_cmpint(g_mkdir_with_parents(empty, 0755), ==, 0);
    g_setenv("PATH", empty, TRUE);
    g_assert_false(vmm_network_create(busy, &err));
    g_setenv("PATH", old_path, TRUE);
    g_assert_nonnull(err);
    assert_contains(err->message, "cannot start network 'nodns': dnsmasq is not installed");
    g_clear_error(&err);
    g_assert_false(vmm_netlink_link_exists("vmmnodns0"));

    /* dnsmasq failing: its lease file cannot be created.  Its own words. */
    g_assert_cmpint(g_mkdir_with_parents(leases, 0755), ==, 0);
    g_assert_false(vmm_network_create(busy, &err));
    g_assert_cmpint(rmdir(leases), ==, 0);
    g_assert_nonnull(err);
    assert_contains(err->message, "dnsmasq of network 'nodns' failed to start: ");
    assert_contains(err->message, "nodns.leases");
    g_test_message("%s", err->message);
    g_clear_error(&err);
    g_assert_false(vmm_netlink_link_exists("vmmnodns0"));
    rules = RUN("nft", "list", "ruleset");
    assert_lacks(rules, "vmmnodns0");
    g_assert_cmpint(vmm_network_is_active(busy, &err), ==, 0);
    g_assert_true(vmm_network_undefine(busy, &err));
    g_assert_no_error(err);
}

/* dnsmasq killed behind our back comes back (after a 1 s backoff). */
static void
test_dnsmasq_restart(void)
{
    GPid old = dnsmasq_pid("default");
    GPid now = 0;

    g_assert_true(pid_alive(old));
    kill(old, SIGKILL);
    for (int ms = 15000; ms > 0; ms -= 50) {
        now = dnsmasq_pid("default");
        if (now > 0 && now != old && pid_alive(now))
            break;
        g_usleep(50 * 1000);
    }
    g_assert_cmpint(now, !=, old);
    g_assert_true(pid_alive(now));
    dnsmasq_seen = now;
}

/* A restart of the driver (vmmd) adopts the running network untouched. */
static void
test_adopt(void)
{
    GPid before = dnsmasq_pid("default");
    g_autofree char *rules_before = RUN("nft", "list", "ruleset");
    g_autofree char *rules_after = NULL, *dyn = NULL;
    g_autoptr(VmmNetwork) net = NULL;
    g_autoptr(GError) err = NULL;

    vmm_network_driver_state_cleanup();
    g_assert_true(pid_alive(before));
    g_assert_true(vmm_netlink_link_exists("virbr0"));
    state_init();
    net = lookup("default");
    g_assert_cmpint(vmm_network_is_active(net, &err), ==, 1);
    g_assert_cmpint(dnsmasq_pid("default"), ==, before);
    g_assert_true(pid_alive(before));
    rules_after = RUN("nft", "list", "ruleset");
    g_assert_cmpstr(rules_before, ==, rules_after);
    /* Still serving. */
    dyn = dhcp_client(root, "virbr0", "vmmve2", "52:54:00:aa:00:03");
    assert_contains(dyn, "BOUND vmmve2c 192.168.123.");
}

/* dnsmasq died while no vmmd ran: the next one keeps the bridge (guests
 * hang on it) and starts dnsmasq again. */
static void
test_adopt_dead_dnsmasq(void)
{
    GPid old = dnsmasq_pid("default");
    GPid now;
    g_autoptr(VmmNetwork) net = NULL;
    g_autoptr(GError) err = NULL;
    int ifindex = vmm_netlink_ifindex("virbr0");

    vmm_network_driver_state_cleanup();
    kill(old, SIGKILL);
    waitpid(old, NULL, 0);
    state_init();
    net = lookup("default");
    g_assert_cmpint(vmm_network_is_active(net, &err), ==, 1);
    g_assert_cmpint(vmm_netlink_ifindex("virbr0"), ==, ifindex);
    now = dnsmasq_pid("default");
    g_assert_cmpint(now, !=, old);
    g_assert_true(pid_alive(now));
    dnsmasq_seen = now;
}

static void
test_destroy_undefine(void)
{
    g_autoptr(VmmNetwork) net = lookup("default");
    g_autoptr(GError) err = NULL;
    g_autofree char *rules = NULL, *marker = NULL, *conf = NULL, *status = NULL, *ps = NULL;
    GPid pid = dnsmasq_pid("default");

    g_assert_true(vmm_network_destroy(net, &err));
    g_assert_no_error(err);
    g_assert_false(vmm_netlink_link_exists("virbr0"));
    g_assert_false(pid_alive(pid));
    rules = RUN("nft", "list", "ruleset");
    assert_lacks(rules, "virbr0");
    assert_lacks(rules, "192.168.123.");
    status = root_path("run/vmm/network/default.xml");
    g_assert_false(g_file_test(status, G_FILE_TEST_EXISTS));
    g_assert_cmpint(vmm_network_is_active(net, &err), ==, 0);

    g_assert_true(vmm_network_undefine(net, &err));
    g_assert_no_error(err);
    conf = root_path("etc/vmm/networks/default.xml");
    g_assert_false(g_file_test(conf, G_FILE_TEST_EXISTS));
    marker = root_path("var/lib/vmm/network/default-removed");
    g_assert_true(g_file_test(marker, G_FILE_TEST_EXISTS));

    /* A later start does not bring it back. */
    vmm_network_driver_state_cleanup();
    state_init();
    g_assert_null(vmm_network_lookup_by_name(conn, "default", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_NETWORK);
    g_assert_false(vmm_netlink_link_exists("virbr0"));
    dnsmasq_seen = 0;
}

int
main(int argc, char **argv)
{
    g_autofree char *rm = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    /* The driver warns about what it repairs (a dnsmasq restarted), as
     * these tests make it do. */
    g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
    if (!ns_enter(on_abort))
        return 77;
    for (const char *const *p = (const char *const[]){ "nft", "dnsmasq", "busybox", "unshare",
                                                      "ip", "ss", NULL }; *p; p++) {
        g_autofree char *path = g_find_program_in_path(*p);

        if (!path) {
            g_test_message("SKIP: %s is not installed", *p);
            return 77;
        }
    }
    root = g_dir_make_tmp("vmm-netdrv-XXXXXX", NULL);
    g_assert_nonnull(root);
    /* dnsmasq drops root; it must still reach its files. */
    g_assert_cmpint(chmod(root, 0755), ==, 0);
    g_setenv("VMM_DEFAULT_NETWORK_XML", VMM_SOURCE_ROOT "/conf/networks/default.xml", TRUE);

    conn = g_new0(VmmConnect, 1);
    conn->ref = 1;
    conn->uri = g_strdup("qemu:///system");
    conn->driver = &vmm_network_driver;

    g_test_add_func("/network/driver/first-start", test_first_start);
    g_test_add_func("/network/driver/dhcp", test_dhcp);
    g_test_add_func("/network/driver/nat", test_nat);
    g_test_add_func("/network/driver/ports", test_ports);
    g_test_add_func("/network/driver/errors", test_errors);
    g_test_add_func("/network/driver/host-namespace-refused", test_host_namespace_refused);
    g_test_add_func("/network/driver/more", test_more);
    g_test_add_func("/network/driver/dnsmasq-restart", test_dnsmasq_restart);
    g_test_add_func("/network/driver/adopt", test_adopt);
    g_test_add_func("/network/driver/adopt-dead-dnsmasq", test_adopt_dead_dnsmasq);
    g_test_add_func("/network/driver/destroy-undefine", test_destroy_undefine);
    ret = g_test_run();

    vmm_network_driver_state_cleanup();
    if (dnsmasq_seen > 0)
        kill(dnsmasq_seen, SIGKILL);
    vmm_connect_unref(conn);
    rm = RUN("rm", "-rf", root);
    g_free(root);
    return ret;
}
