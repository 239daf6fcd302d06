/*
 * remote_e2e_test.c: libvmm through a real vmmd, over every transport.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: remote_e2e_test VMMD [PROXY_HELPER]  (meson passes both).
 *
 * Each test starts `vmmd --root TMP` (TCP listening on a free loopback
 * port), waits for its socket with a deadline, and runs one functional
 * sequence (define, start, list, info, dumpxml, destroy, undefine,
 * networks, pools, volumes).  The same sequence also runs in-process on
 * test:///default, so the two paths are held to the same results.
 *
 * +ssh: no sshd may be started on this host, so a fake `ssh` on PATH
 * drops ssh's options and runs the remote command with sh, as sshd would.
 * The `vmmd` it finds on PATH is the proxy helper, a two-line main around
 * vmm_stdio_proxy_run(): the real proxy code path, fed the socket argument
 * that the client puts on the ssh command line.
 */
#include "vmm.h"

#include <gio/gio.h>

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static char *vmmd_path;
static char *proxy_helper_path;
static char *fake_bin;

#define DAEMON_START_TIMEOUT_US (20 * G_USEC_PER_SEC)
#define EVENT_TIMEOUT_US (10 * G_USEC_PER_SEC)

typedef struct {
    char *root;
    char *sock;
    char *sock_ro;
    int tcp_port;
    GSubprocess *daemon;
} Daemon;

static int
free_tcp_port(void)
{
    struct sockaddr_in addr = { .sin_family = AF_INET };
    socklen_t len = sizeof(addr);
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    int port;

    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g_assert_cmpint(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), ==, 0);
    g_assert_cmpint(getsockname(fd, (struct sockaddr *)&addr, &len), ==, 0);
    port = ntohs(addr.sin_port);
    close(fd);
    return port;
}

static gboolean
socket_accepts(const char *path)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    gboolean ok;

    g_strlcpy(addr.sun_path, path, sizeof(addr.sun_path));
    ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
    close(fd);
    return ok;
}

static void
die_with_parent(gpointer data)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static void
daemon_start(Daemon *d, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *etc = NULL;
    g_autofree char *conf = NULL;
    g_autofree char *conf_text = NULL;
    g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_NONE);
    gint64 deadline;

    d->root = g_dir_make_tmp("vmm-e2e-XXXXXX", &error);
    g_assert_no_error(error);
    d->sock = g_build_filename(d->root, "run", "vmm", "vmmd-sock", NULL);
    d->sock_ro = g_build_filename(d->root, "run", "vmm", "vmmd-sock-ro", NULL);
    d->tcp_port = free_tcp_port();

    etc = g_build_filename(d->root, "etc", "vmm", NULL);
    g_assert_cmpint(g_mkdir_with_parents(etc, 0755), ==, 0);
    conf = g_build_filename(etc, "vmmd.conf", NULL);
    /* @data: extra vmmd.conf lines for this test. */
    conf_text = g_strdup_printf("listen_tcp = 1\nlisten_addr = \"127.0.0.1\"\ntcp_port = %d\n%s",
                                d->tcp_port, data ? (const char *)data : "");
    g_assert_true(g_file_set_contents(conf, conf_text, -1, NULL));

    /* A failed assertion must not leave the daemon behind. */
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    d->daemon = g_subprocess_launcher_spawn(launcher, &error, vmmd_path, "--root", d->root, NULL);
    g_assert_no_error(error);

    /* Ready once the socket accepts; give up at the deadline or if the
     * daemon died. */
    deadline = g_get_monotonic_time() + DAEMON_START_TIMEOUT_US;
    while (!socket_accepts(d->sock)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        g_assert_nonnull(g_subprocess_get_identifier(d->daemon));   /* still running */
        g_usleep(10000);
    }
}

static void
daemon_stop(Daemon *d, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    const char *rm[] = { "rm", "-rf", d->root, NULL };
    g_autoptr(GSubprocess) p = NULL;

    g_subprocess_send_signal(d->daemon, SIGTERM);
    g_assert_true(g_subprocess_wait(d->daemon, NULL, &error));
    g_assert_true(g_subprocess_get_if_exited(d->daemon));
    g_assert_cmpint(g_subprocess_get_exit_status(d->daemon), ==, 0);
    g_object_unref(d->daemon);

    /* Everything the test made lives under root. */
    p = g_subprocess_newv(rm, G_SUBPROCESS_FLAGS_NONE, &error);
    g_assert_no_error(error);
    g_assert_true(g_subprocess_wait_check(p, NULL, &error));
    g_free(d->root);
    g_free(d->sock);
    g_free(d->sock_ro);
}

static VmmConnect *
open_uri(const char *uri, unsigned int flags)
{
    g_autoptr(GError) error = NULL;
    VmmConnect *conn = vmm_connect_open(uri, flags, &error);

    g_assert_no_error(error);
    g_assert_nonnull(conn);
    return conn;
}

/* ---- the functional sequence ---- */

#define E2E_UUID "0b5a1fa3-7cf4-4c0e-9b1e-5d4e7d1e2e01"
#define E2E_DOMAIN \
    "<domain type='test'>" \
    "  <name>e2e</name>" \
    "  <uuid>" E2E_UUID "</uuid>" \
    "  <memory>1048576</memory>" \
    "  <currentMemory>524288</currentMemory>" \
    "  <vcpu>2</vcpu>" \
    "  <os><type>hvm</type></os>" \
    "</domain>"
#define E2E_NETWORK \
    "<network><name>e2e-net</name><uuid>0b5a1fa3-7cf4-4c0e-9b1e-5d4e7d1e2e02</uuid>" \
    "<bridge name='virbr42'/></network>"
#define E2E_VOLUME "<volume><name>e2e.img</name><capacity>1048576</capacity></volume>"

static int
compare_names(gconstpointer a, gconstpointer b)
{
    return g_strcmp0(*(const char *const *)a, *(const char *const *)b);
}

/* The names, sorted: libvirtd lists in hash order, vmm sorted. */
static char *
list_names(GPtrArray *list, const char *(*get_name)(gpointer))
{
    g_autoptr(GPtrArray) names = g_ptr_array_new();

    for (guint i = 0; i < list->len; i++)
        g_ptr_array_add(names, (gpointer)get_name(list->pdata[i]));
    g_ptr_array_sort(names, compare_names);
    g_ptr_array_add(names, NULL);
    return g_strjoinv(" ", (char **)names->pdata);
}

#define NAMES(list, fn) list_names((list), (const char *(*)(gpointer))(fn))

static void
check_connection(VmmConnect *conn)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *hostname = vmm_connect_get_hostname(conn, &error);
    g_autofree char *caps = NULL;
    unsigned long ver = 0;
    VmmNodeInfo info;

    g_assert_no_error(error);
    g_assert_cmpstr(hostname, ==, g_get_host_name());
    g_assert_cmpstr(vmm_connect_get_type(conn, &error), ==, "TEST");
    g_assert_true(vmm_connect_get_version(conn, &ver, &error));
    g_assert_cmpuint(ver, ==, 2);
    g_assert_true(vmm_node_get_info(conn, &info, &error));
    g_assert_cmpstr(info.model, ==, "i686");
    g_assert_cmpuint(info.memory, ==, 3145728);
    g_assert_cmpuint(info.cpus, ==, 16);
    caps = vmm_connect_get_capabilities(conn, &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(caps, "<capabilities>"));
}

/* The bulk call (CONNECT_GET_ALL_DOMAIN_STATS over the wire), all domains
 * and a list of one: "test" runs, @dom ("e2e") is shut off. */
static void
check_domain_stats(VmmConnect *conn, VmmDomain *dom)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) recs = NULL;
    VmmDomainStatsRecord *rec;
    gboolean seen_test = FALSE, seen_e2e = FALSE;
    int state;

    recs = vmm_connect_get_all_domain_stats(conn, VMM_DOMAIN_STATS_STATE, 0, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(recs->len, ==, 2);
    for (guint i = 0; i < recs->len; i++) {
        rec = recs->pdata[i];
        g_assert_true(vmm_typed_params_get_int(rec->params, rec->nparams, "state.state",
                                               &state));
        if (g_str_equal(vmm_domain_get_name(rec->dom), "test")) {
            seen_test = TRUE;
            g_assert_cmpint(state, ==, VMM_DOMAIN_RUNNING);
            g_assert_cmpint(vmm_domain_get_id(rec->dom), ==, 1);
        } else {
            seen_e2e = TRUE;
            g_assert_cmpstr(vmm_domain_get_name(rec->dom), ==, "e2e");
            g_assert_cmpint(state, ==, VMM_DOMAIN_SHUTOFF);
        }
    }
    g_assert_true(seen_test && seen_e2e);
    g_clear_pointer(&recs, g_ptr_array_unref);

    recs = vmm_connect_get_all_domain_stats(conn, VMM_DOMAIN_STATS_STATE,
                                            VMM_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(recs->len, ==, 1);
    g_clear_pointer(&recs, g_ptr_array_unref);

    recs = vmm_domain_list_get_stats(&dom, 1, VMM_DOMAIN_STATS_STATE, 0, &error);
    g_assert_no_error(error);
    g_assert_cmpuint(recs->len, ==, 1);
    rec = recs->pdata[0];
    g_assert_cmpstr(vmm_domain_get_name(rec->dom), ==, "e2e");
    g_assert_true(vmm_typed_params_get_int(rec->params, rec->nparams, "state.reason",
                                           &state));
}

static void
check_domains(VmmConnect *conn)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(VmmDomain) again = NULL;
    g_autofree char *names = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *os = NULL;
    VmmDomainInfo info;
    int state = -1, reason = -1, id;
    gboolean autostart = TRUE;

    list = vmm_connect_list_all_domains(conn, 0, &error);
    g_assert_no_error(error);
    names = NAMES(list, vmm_domain_get_name);
    g_assert_cmpstr(names, ==, "test");
    g_assert_cmpint(vmm_domain_get_id(list->pdata[0]), ==, 1);
    g_clear_pointer(&list, g_ptr_array_unref);
    g_clear_pointer(&names, g_free);

    dom = vmm_domain_define_xml(conn, E2E_DOMAIN, 0, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(vmm_domain_get_name(dom), ==, "e2e");
    g_assert_cmpint(vmm_domain_get_id(dom), ==, -1);
    g_assert_cmpint(vmm_connect_num_of_defined_domains(conn, &error), ==, 1);
    g_assert_true(vmm_domain_get_state(dom, &state, &reason, 0, &error));
    g_assert_cmpint(state, ==, VMM_DOMAIN_SHUTOFF);
    g_assert_cmpint(vmm_domain_is_active(dom, &error), ==, 0);
    g_assert_cmpint(vmm_domain_is_persistent(dom, &error), ==, 1);
    check_domain_stats(conn, dom);

    g_assert_true(vmm_domain_create(dom, 0, &error));
    g_assert_no_error(error);
    /* Handles are snapshots: the running id comes from a new lookup. */
    again = vmm_domain_lookup_by_uuid_string(conn, E2E_UUID, &error);
    g_assert_no_error(error);
    g_assert_cmpint(vmm_domain_get_id(again), >, 1);
    id = vmm_domain_get_id(again);
    g_clear_pointer(&again, vmm_domain_unref);
    again = vmm_domain_lookup_by_id(conn, id, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(vmm_domain_get_name(again), ==, "e2e");

    g_assert_true(vmm_domain_get_state(dom, &state, &reason, 0, &error));
    g_assert_cmpint(state, ==, VMM_DOMAIN_RUNNING);
    g_assert_cmpint(reason, ==, VMM_DOMAIN_RUNNING_BOOTED);
    g_assert_true(vmm_domain_get_info(dom, &info, &error));
    g_assert_cmpint(info.state, ==, VMM_DOMAIN_RUNNING);
    g_assert_cmpuint(info.max_mem, ==, 1048576);
    g_assert_cmpuint(info.memory, ==, 524288);
    g_assert_cmpuint(info.nr_virt_cpu, ==, 2);
    os = vmm_domain_get_os_type(dom, &error);
    g_assert_no_error(error);
    g_assert_nonnull(os);
    xml = vmm_domain_get_xml_desc(dom, 0, &error);
    g_assert_no_error(error);
    g_assert_nonnull(strstr(xml, "<name>e2e</name>"));
    g_assert_nonnull(strstr(xml, E2E_UUID));

    list = vmm_connect_list_all_domains(conn, VMM_CONNECT_LIST_DOMAINS_ACTIVE, &error);
    names = NAMES(list, vmm_domain_get_name);
    g_assert_cmpstr(names, ==, "e2e test");
    g_assert_cmpint(vmm_connect_num_of_domains(conn, &error), ==, 2);

    g_assert_true(vmm_domain_suspend(dom, &error));
    g_assert_true(vmm_domain_get_state(dom, &state, &reason, 0, &error));
    g_assert_cmpint(state, ==, VMM_DOMAIN_PAUSED);
    g_assert_true(vmm_domain_resume(dom, &error));
    g_assert_true(vmm_domain_set_autostart(dom, TRUE, &error));
    g_assert_true(vmm_domain_get_autostart(dom, &autostart, &error));
    g_assert_true(autostart);
    g_assert_true(vmm_domain_set_autostart(dom, FALSE, &error));

    g_assert_true(vmm_domain_destroy(dom, 0, &error));
    g_assert_no_error(error);
    g_assert_true(vmm_domain_get_state(dom, &state, &reason, 0, &error));
    g_assert_cmpint(state, ==, VMM_DOMAIN_SHUTOFF);
    g_assert_cmpint(reason, ==, VMM_DOMAIN_SHUTOFF_DESTROYED);

    /* Errors carry the driver's code and text across the wire. */
    g_assert_false(vmm_domain_destroy(dom, 0, &error));
    g_assert_error(error, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
    g_assert_cmpstr(error->message, ==, "Requested operation is not valid: domain is not running");
    g_clear_error(&error);

    g_assert_true(vmm_domain_undefine(dom, 0, &error));
    g_assert_no_error(error);
    g_assert_null(vmm_domain_lookup_by_name(conn, "e2e", &error));
    g_assert_error(error, VMM_ERROR, VMM_ERR_NO_DOMAIN);
    g_clear_error(&error);
    g_assert_null(vmm_domain_define_xml(conn, "<domain type='test'><name>x</name>", 0, &error));
    g_assert_error(error, VMM_ERROR, VMM_ERR_XML_DETAIL);
}

static void
check_networks(VmmConnect *conn)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(VmmNetwork) net = NULL;
    g_autofree char *names = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *bridge = NULL;
    gboolean autostart = TRUE;

    list = vmm_connect_list_all_networks(conn, 0, &error);
    g_assert_no_error(error);
    names = NAMES(list, vmm_network_get_name);
    g_assert_cmpstr(names, ==, "default");
    g_clear_pointer(&names, g_free);
    g_clear_pointer(&list, g_ptr_array_unref);

    net = vmm_network_define_xml(conn, E2E_NETWORK, 0, &error);
    g_assert_no_error(error);
    g_assert_cmpint(vmm_network_is_active(net, &error), ==, 0);
    g_assert_true(vmm_network_create(net, &error));
    g_assert_cmpint(vmm_network_is_active(net, &error), ==, 1);
    g_assert_cmpint(vmm_network_is_persistent(net, &error), ==, 1);
    bridge = vmm_network_get_bridge_name(net, &error);
    g_assert_cmpstr(bridge, ==, "virbr42");
    xml = vmm_network_get_xml_desc(net, 0, &error);
    g_assert_nonnull(strstr(xml, "<name>e2e-net</name>"));
    g_assert_true(vmm_network_set_autostart(net, TRUE, &error));
    g_assert_true(vmm_network_get_autostart(net, &autostart, &error));
    g_assert_true(autostart);
    list = vmm_connect_list_all_networks(conn, VMM_CONNECT_LIST_NETWORKS_ACTIVE, &error);
    names = NAMES(list, vmm_network_get_name);
    g_assert_cmpstr(names, ==, "default e2e-net");
    g_assert_true(vmm_network_destroy(net, &error));
    g_assert_true(vmm_network_undefine(net, &error));
    g_assert_no_error(error);
    g_assert_null(vmm_network_lookup_by_name(conn, "e2e-net", &error));
    g_assert_error(error, VMM_ERROR, VMM_ERR_NO_NETWORK);
    g_assert_cmpstr(error->message, ==,
                    "Network not found: no network with matching name 'e2e-net'");
}

static void
check_storage(VmmConnect *conn)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autoptr(VmmStoragePool) pool = NULL;
    g_autoptr(VmmStoragePool) owner = NULL;
    g_autoptr(VmmStorageVol) vol = NULL;
    g_autoptr(VmmStorageVol) by_path = NULL;
    g_autofree char *names = NULL;
    g_autofree char *path = NULL;
    g_autofree char *xml = NULL;
    VmmStoragePoolInfo pinfo;
    VmmStorageVolInfo vinfo;

    list = vmm_connect_list_all_storage_pools(conn, 0, &error);
    g_assert_no_error(error);
    names = NAMES(list, vmm_storage_pool_get_name);
    g_assert_cmpstr(names, ==, "default-pool");
    g_clear_pointer(&names, g_free);
    g_clear_pointer(&list, g_ptr_array_unref);

    pool = vmm_storage_pool_lookup_by_name(conn, "default-pool", &error);
    g_assert_no_error(error);
    g_assert_true(vmm_storage_pool_get_info(pool, &pinfo, &error));
    g_assert_cmpint(pinfo.state, ==, VMM_STORAGE_POOL_RUNNING);
    g_assert_cmpuint(pinfo.capacity, ==, 107374182400);
    xml = vmm_storage_pool_get_xml_desc(pool, 0, &error);
    g_assert_nonnull(strstr(xml, "<path>/default-pool</path>"));

    vol = vmm_storage_vol_create_xml(pool, E2E_VOLUME, 0, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(vmm_storage_vol_get_key(vol), ==, "/default-pool/e2e.img");
    g_assert_cmpstr(vmm_storage_vol_get_pool_name(vol), ==, "default-pool");
    list = vmm_storage_pool_list_all_volumes(pool, 0, &error);
    names = NAMES(list, vmm_storage_vol_get_name);
    g_assert_cmpstr(names, ==, "e2e.img");
    g_assert_true(vmm_storage_vol_get_info(vol, &vinfo, &error));
    g_assert_cmpint(vinfo.type, ==, VMM_STORAGE_VOL_FILE);
    g_assert_cmpuint(vinfo.capacity, ==, 1048576);
    path = vmm_storage_vol_get_path(vol, &error);
    g_assert_cmpstr(path, ==, "/default-pool/e2e.img");
    by_path = vmm_storage_vol_lookup_by_path(conn, path, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(vmm_storage_vol_get_name(by_path), ==, "e2e.img");
    owner = vmm_storage_pool_lookup_by_volume(by_path, &error);
    g_assert_cmpstr(vmm_storage_pool_get_name(owner), ==, "default-pool");
    g_assert_true(vmm_storage_vol_delete(vol, 0, &error));
    g_assert_no_error(error);
    g_assert_null(vmm_storage_vol_lookup_by_name(pool, "e2e.img", &error));
    g_assert_error(error, VMM_ERROR, VMM_ERR_NO_STORAGE_VOL);
}

static void
run_sequence(VmmConnect *conn)
{
    check_connection(conn);
    check_domains(conn);
    check_networks(conn);
    check_storage(conn);
}

/* ---- tests ---- */

static void
test_inprocess(void)
{
    g_autoptr(VmmConnect) conn = open_uri("test:///default", 0);

    run_sequence(conn);
}

static void
test_unix(Daemon *d, gconstpointer data)
{
    g_autofree char *uri = g_strdup_printf("test+unix:///default?socket=%s", d->sock);
    g_autoptr(VmmConnect) conn = open_uri(uri, 0);

    run_sequence(conn);
}

static void
test_tcp(Daemon *d, gconstpointer data)
{
    g_autofree char *uri = g_strdup_printf("test+tcp://127.0.0.1:%d/default", d->tcp_port);
    g_autoptr(VmmConnect) conn = open_uri(uri, 0);

    run_sequence(conn);
}

static void
test_readonly(Daemon *d, gconstpointer data)
{
    g_autofree char *uri = g_strdup_printf("test+unix:///default?socket=%s", d->sock_ro);
    g_autoptr(VmmConnect) conn = open_uri(uri, VMM_CONNECT_RO);
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) list = vmm_connect_list_all_domains(conn, 0, &error);
    g_autoptr(VmmDomain) dom = NULL;

    g_assert_no_error(error);
    g_assert_cmpuint(list->len, ==, 1);
    dom = vmm_domain_lookup_by_name(conn, "test", &error);
    g_assert_no_error(error);
    g_assert_false(vmm_domain_destroy(dom, 0, &error));
    g_assert_error(error, VMM_ERROR, VMM_ERR_OPERATION_DENIED);
}

static void
test_ssh(Daemon *d, gconstpointer data)
{
    g_autofree char *log = g_build_filename(fake_bin, "ssh.log", NULL);
    g_autofree char *uri = NULL;
    g_autofree char *logged = NULL;
    g_autofree char *expect = NULL;
    g_autoptr(VmmConnect) conn = NULL;

    uri = g_strdup_printf("test+ssh://tester@remote.example:2222/default?socket=%s", d->sock);
    conn = open_uri(uri, 0);

    g_assert_true(g_file_get_contents(log, &logged, NULL, NULL));
    expect = g_strdup_printf("-p 2222 -T -e none -- tester@remote.example "
                             "vmmd --stdio-proxy '%s'\n", d->sock);
    g_assert_cmpstr(logged, ==, expect);
    run_sequence(conn);
}

/* The fake ssh and its "vmmd", first on PATH for the whole run (set up
 * before any thread exists: setenv is not thread-safe). */
static void
fake_ssh_setup(void)
{
    g_autofree char *ssh = NULL;
    g_autofree char *vmmd = NULL;
    g_autofree char *script = NULL;
    g_autofree char *path = NULL;

    fake_bin = g_dir_make_tmp("vmm-e2e-bin-XXXXXX", NULL);
    g_assert_nonnull(fake_bin);
    ssh = g_build_filename(fake_bin, "ssh", NULL);
    vmmd = g_build_filename(fake_bin, "vmmd", NULL);
    /* Like sshd: options and host are ssh's, the rest is one command
     * line for the far side's shell. */
    script = g_strdup_printf("#!/bin/sh\n"
                             "echo \"$@\" > '%s/ssh.log'\n"
                             "while [ \"$1\" != -- ]; do shift; done\n"
                             "shift 2\n"
                             "exec sh -c \"$*\"\n", fake_bin);
    g_assert_true(g_file_set_contents(ssh, script, -1, NULL));
    g_assert_cmpint(g_chmod(ssh, 0755), ==, 0);
    g_assert_cmpint(symlink(proxy_helper_path, vmmd), ==, 0);
    path = g_strdup_printf("%s:%s", fake_bin, g_getenv("PATH"));
    g_setenv("PATH", path, TRUE);
}

static void
fake_ssh_cleanup(void)
{
    const char *names[] = { "ssh", "vmmd", "ssh.log" };

    for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *f = g_build_filename(fake_bin, names[i], NULL);

        g_unlink(f);
    }
    g_rmdir(fake_bin);
    g_free(fake_bin);
}

/* Also asks the connection whether the domain is active: a callback may
 * call back into it (for a remote one, while its events wait). */
static void
on_domain_event(VmmConnect *conn, VmmDomain *dom, int event, int detail, gpointer opaque)
{
    GAsyncQueue *queue = opaque;

    g_async_queue_push(queue, g_strdup_printf("%s %s %s active=%d", vmm_domain_get_name(dom),
                                              vmm_domain_event_to_string(event),
                                              vmm_domain_event_detail_to_string(event, detail),
                                              vmm_domain_is_active(dom, NULL)));
}

static void
expect_event(GAsyncQueue *queue, const char *expect)
{
    g_autofree char *got = g_async_queue_timeout_pop(queue, EVENT_TIMEOUT_US);

    g_assert_cmpstr(got, ==, expect);
}

/* Whether the in-process test driver emits lifecycle events at all: the
 * daemon can only forward what its driver produces. */
static gboolean
driver_emits_events(void)
{
    g_autoptr(VmmConnect) conn = open_uri("test:///default", 0);
    g_autoptr(GAsyncQueue) queue = g_async_queue_new_full(g_free);
    g_autoptr(VmmDomain) dom = NULL;
    g_autofree char *got = NULL;
    int id = vmm_connect_domain_event_register(conn, on_domain_event, g_async_queue_ref(queue),
                                               (GDestroyNotify)g_async_queue_unref, NULL);

    g_assert_cmpint(id, >=, 0);
    dom = vmm_domain_define_xml(conn, E2E_DOMAIN, 0, NULL);
    g_assert_nonnull(dom);
    got = g_async_queue_try_pop(queue);
    g_assert_true(vmm_connect_domain_event_deregister(conn, id, NULL));
    return got != NULL;
}

/* Lifecycle events of a define/start/.../undefine round, as libvirt's test
 * driver sends them; nothing more once deregistered. */
static void
check_events(VmmConnect *conn)
{
    g_autoptr(GAsyncQueue) queue = g_async_queue_new_full(g_free);
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmDomain) dom = NULL;
    int id;

    id = vmm_connect_domain_event_register(conn, on_domain_event, g_async_queue_ref(queue),
                                           (GDestroyNotify)g_async_queue_unref, &error);
    g_assert_no_error(error);
    g_assert_cmpint(id, >=, 0);

    dom = vmm_domain_define_xml(conn, E2E_DOMAIN, 0, &error);
    g_assert_no_error(error);
    expect_event(queue, "e2e Defined Added active=0");
    g_assert_true(vmm_domain_create(dom, 0, &error));
    expect_event(queue, "e2e Started Booted active=1");
    g_assert_true(vmm_domain_suspend(dom, &error));
    expect_event(queue, "e2e Suspended Paused active=1");
    g_assert_true(vmm_domain_resume(dom, &error));
    expect_event(queue, "e2e Resumed Unpaused active=1");
    g_assert_true(vmm_domain_destroy(dom, 0, &error));
    expect_event(queue, "e2e Stopped Destroyed active=0");
    g_assert_true(vmm_domain_undefine(dom, 0, &error));
    expect_event(queue, "e2e Undefined Removed active=-1");
    g_assert_no_error(error);

    g_assert_true(vmm_connect_domain_event_deregister(conn, id, &error));
    g_assert_no_error(error);
    g_clear_pointer(&dom, vmm_domain_unref);
    dom = vmm_domain_define_xml(conn, E2E_DOMAIN, 0, &error);
    g_assert_no_error(error);
    g_assert_null(g_async_queue_timeout_pop(queue, G_USEC_PER_SEC / 2));
    g_assert_true(vmm_domain_undefine(dom, 0, &error));
}

static void
test_events(Daemon *d, gconstpointer data)
{
    g_autofree char *uri = g_strdup_printf("test+unix:///default?socket=%s", d->sock);
    g_autoptr(VmmConnect) conn = open_uri(uri, 0);

    if (!driver_emits_events()) {
        g_test_skip("the test driver emits no lifecycle events yet");
        return;
    }
    check_events(conn);
}

/* ---- the same sequence against libvirtd 9.0 ---- */

/*
 * libvirtd in session mode as "nobody", every path under a temporary
 * HOME: nothing on the host is touched.  tests/libvirtd-session starts it
 * (vmmd_test.py's virsh session uses the same script); it exits 77 without
 * root or libvirtd, and the tests skip then.
 */
typedef struct {
    char *dir;
    char *sock;
    GSubprocess *proc;       /* NULL: skipped */
} Libvirtd;

static void
libvirtd_start(Libvirtd *l, gconstpointer data)
{
    g_autoptr(GError) error = NULL;
    const char *script = VMM_SOURCE_ROOT "/tests/libvirtd-session";
    gint64 deadline;

    l->dir = g_dir_make_tmp("vmm-e2e-libvirtd-XXXXXX", &error);
    g_assert_no_error(error);
    l->sock = g_build_filename(l->dir, "run", "libvirt", "libvirt-sock", NULL);
    l->proc = g_subprocess_new(G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error, script, l->dir, NULL);
    g_assert_no_error(error);

    deadline = g_get_monotonic_time() + DAEMON_START_TIMEOUT_US;
    while (!socket_accepts(l->sock)) {
        g_assert_cmpint(g_get_monotonic_time(), <, deadline);
        if (!g_subprocess_get_identifier(l->proc)) {
            /* Exited: 77 is "cannot run here", anything else a failure. */
            g_assert_true(g_subprocess_wait(l->proc, NULL, &error));
            g_assert_cmpint(g_subprocess_get_exit_status(l->proc), ==, 77);
            g_clear_object(&l->proc);
            g_rmdir(l->dir);
            return;
        }
        g_usleep(10000);
    }
}

static void
libvirtd_stop(Libvirtd *l, gconstpointer data)
{
    const char *rm[] = { "rm", "-rf", l->dir, NULL };
    g_autoptr(GSubprocess) p = NULL;
    g_autoptr(GError) error = NULL;

    if (l->proc) {
        g_subprocess_send_signal(l->proc, SIGTERM);
        g_assert_true(g_subprocess_wait(l->proc, NULL, &error));
        g_object_unref(l->proc);
        /* rm: the files belong to nobody. */
        p = g_subprocess_newv(rm, G_SUBPROCESS_FLAGS_NONE, &error);
        g_assert_no_error(error);
        g_assert_true(g_subprocess_wait_check(p, NULL, &error));
    }
    g_free(l->dir);
    g_free(l->sock);
}

/* The sequence vmmd passes, unchanged, against libvirtd's test driver, and
 * its events (which vmmd's test driver does not emit yet): the client
 * speaks libvirt's protocol, not only vmmd's reading of it. */
static void
test_libvirtd(Libvirtd *l, gconstpointer data)
{
    g_autofree char *uri = NULL;
    g_autoptr(VmmConnect) conn = NULL;

    if (!l->proc) {
        g_test_skip("needs root and libvirtd");
        return;
    }
    uri = g_strdup_printf("test+unix:///default?socket=%s", l->sock);
    conn = open_uri(uri, 0);
    run_sequence(conn);
    check_events(conn);
}

/* The daemon pings every second and drops a client after two unanswered
 * pings; an idle client must keep answering them to stay connected. */
#define KEEPALIVE_CONF "keepalive_interval = 1\nkeepalive_count = 2\n"

static void
test_keepalive(Daemon *d, gconstpointer data)
{
    g_autofree char *uri = g_strdup_printf("test+unix:///default?socket=%s", d->sock);
    g_autoptr(VmmConnect) conn = open_uri(uri, 0);
    g_autoptr(GError) error = NULL;
    g_autofree char *hostname = NULL;

    g_usleep(5 * G_USEC_PER_SEC);
    hostname = vmm_connect_get_hostname(conn, &error);
    g_assert_no_error(error);
    g_assert_cmpstr(hostname, ==, g_get_host_name());
}

int
main(int argc, char **argv)
{
    int ret;

    g_test_init(&argc, &argv, NULL);
    if (argc < 3) {
        g_printerr("usage: %s VMMD PROXY_HELPER\n", argv[0]);
        return 2;
    }
    vmmd_path = g_canonicalize_filename(argv[1], NULL);
    proxy_helper_path = g_canonicalize_filename(argv[2], NULL);
    fake_ssh_setup();

    g_test_add_func("/remote-e2e/in-process", test_inprocess);
#define ADD(path, fn) g_test_add(path, Daemon, NULL, daemon_start, fn, daemon_stop)
    ADD("/remote-e2e/unix", test_unix);
    ADD("/remote-e2e/tcp", test_tcp);
    ADD("/remote-e2e/ssh", test_ssh);
    ADD("/remote-e2e/readonly", test_readonly);
    ADD("/remote-e2e/events", test_events);
#undef ADD
    g_test_add("/remote-e2e/keepalive", Daemon, KEEPALIVE_CONF, daemon_start, test_keepalive,
               daemon_stop);
    g_test_add("/remote-e2e/libvirtd", Libvirtd, NULL, libvirtd_start, test_libvirtd,
               libvirtd_stop);
    ret = g_test_run();
    fake_ssh_cleanup();
    g_free(vmmd_path);
    g_free(proxy_helper_path);
    return ret;
}
