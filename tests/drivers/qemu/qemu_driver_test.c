/*
 * qemu_driver_test.c: the QEMU driver embedded in the test process, against
 * a temporary root, with real QEMU.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Guests boot nothing: a 64 KiB ROM of HLT instructions as <loader
 * type='rom'> is enough to start, pause, resume and destroy QEMU (TCG, and
 * KVM with -machine pc when /dev/kvm works).  The test runs in a child
 * process; the parent kills whatever QEMU the status files still name
 * once it is done, so a failed assertion leaves no guest behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "testutils.h"
#include "vmm.h"
#include "driver.h"
#include "remote/remote_driver.h"
#include "drivers/qemu/qemu_driver.h"
#include "util/vmm_file.h"

#define QEMU "/usr/bin/qemu-system-x86_64"

static char *tmpdir;
static char *root;
static char *hlt_rom;
static char *panic_rom;
static char *panic_once_rom;
static gboolean kvm_ok;
static char *kvm_reason;
static VmmConnect *conn;

static char *
hlt_xml(const char *name, const char *type, const char *uuid, const char *extra)
{
    return g_strdup_printf(
        "<domain type='%s'>\n"
        "  <name>%s</name>\n"
        "%s%s%s"
        "  <memory unit='MiB'>16</memory>\n"
        "  <vcpu>1</vcpu>\n"
        "  <os>\n"
        "    <type arch='x86_64' machine='pc'>hvm</type>\n"
        "    <loader type='rom'>%s</loader>\n"
        "  </os>\n"
        "  <devices>\n%s"
        "  </devices>\n"
        "</domain>\n",
        type, name, uuid ? "  <uuid>" : "", uuid ? uuid : "", uuid ? "</uuid>\n" : "",
        hlt_rom, extra ? extra : "");
}

static void
write_conf(const char *dir, const char *text)
{
    g_autofree char *etc = g_build_filename(dir, "etc", "vmm", NULL);
    g_autofree char *path = g_build_filename(etc, "qemu.conf", NULL);

    g_assert_cmpint(g_mkdir_with_parents(etc, 0755), ==, 0);
    g_assert_true(g_file_set_contents(path, text, -1, NULL));
}

static void
driver_up_full(const char *dir, gboolean autostart)
{
    VmmQemuDriverConfig cfg = { .root = dir, .autostart = autostart };
    g_autoptr(GError) err = NULL;

    g_assert_true(vmm_qemu_driver_state_init(&cfg, &err));
    g_assert_no_error(err);
    conn = vmm_connect_open("qemu:///system", 0, &err);
    g_assert_no_error(err);
}

static void
driver_up(const char *dir)
{
    driver_up_full(dir, FALSE);
}

static void
driver_down(void)
{
    g_clear_pointer(&conn, vmm_connect_unref);
    vmm_qemu_driver_state_cleanup();
}

static void
assert_state(VmmDomain *dom, int state, int reason)
{
    g_autoptr(GError) err = NULL;
    int s = -1, r = -1;

    g_assert_true(vmm_domain_get_state(dom, &s, &r, 0, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(vmm_domain_state_to_string(s), ==, vmm_domain_state_to_string(state));
    g_assert_cmpstr(vmm_domain_reason_to_string(s, r), ==,
                    vmm_domain_reason_to_string(state, reason));
}

/* ------------------------------------------------------------------ */

static void
test_define_persist(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = hlt_xml("persist", "qemu", "11111111-2222-4333-8444-555555555555",
                                   NULL);
    g_autofree char *path = g_build_filename(root, "etc", "vmm", "qemu", "persist.xml", NULL);
    g_autofree char *link = g_build_filename(root, "etc", "vmm", "qemu", "autostart",
                                             "persist.xml", NULL);
    g_autofree char *saved = NULL;
    g_autofree char *other = NULL;
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(GDir) dir = NULL;
    g_autofree char *store = g_build_filename(root, "etc", "vmm", "qemu", NULL);
    const char *f;

    dom = vmm_domain_define_xml(conn, xml, 0, &err);
    g_assert_no_error(err);
    /* On disk before the call returned, and no temporary file left (the
     * store's journal is .journal, its temp directories .tmp-N). */
    g_assert_true(g_file_get_contents(path, &saved, NULL, NULL));
    g_assert_nonnull(strstr(saved, "<name>persist</name>"));
    dir = g_dir_open(store, 0, NULL);
    while ((f = g_dir_read_name(dir))) {
        g_assert_true(g_str_has_suffix(f, ".xml") || g_str_equal(f, "autostart") ||
                      g_str_equal(f, ".journal") || g_str_has_prefix(f, ".tmp-"));
        if (g_str_has_prefix(f, ".tmp-")) {
            g_autofree char *sub = g_build_filename(store, f, NULL);
            g_autoptr(GDir) tmpdir = g_dir_open(sub, 0, NULL);

            g_assert_null(g_dir_read_name(tmpdir));
        }
    }
    assert_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_UNKNOWN);
    g_assert_cmpint(vmm_domain_is_persistent(dom, NULL), ==, 1);
    /* No addresses to report for a domain that does not run. */
    g_assert_null(vmm_domain_interface_addresses(dom, VMM_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE,
                                                 0, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
    g_clear_error(&err);

    /* Same name, other UUID; same UUID, other name. */
    other = hlt_xml("persist", "qemu", "11111111-2222-4333-8444-666666666666", NULL);
    g_assert_null(vmm_domain_define_xml(conn, other, 0, &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "domain 'persist' already exists with uuid"));
    g_clear_error(&err);
    g_free(other);
    other = hlt_xml("persist2", "qemu", "11111111-2222-4333-8444-555555555555", NULL);
    g_assert_null(vmm_domain_define_xml(conn, other, 0, &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "domain 'persist' is already defined with uuid"));
    g_clear_error(&err);

    g_assert_true(vmm_domain_set_autostart(dom, TRUE, &err));
    g_assert_no_error(err);
    g_assert_true(g_file_test(link, G_FILE_TEST_IS_SYMLINK));

    /* A new driver state (vmmd restarted) loads it again. */
    g_clear_pointer(&dom, vmm_domain_unref);
    driver_down();
    driver_up(root);
    dom = vmm_domain_lookup_by_name(conn, "persist", &err);
    g_assert_no_error(err);
    {
        gboolean autostart = FALSE;

        g_assert_true(vmm_domain_get_autostart(dom, &autostart, NULL));
        g_assert_true(autostart);
        g_assert_true(vmm_domain_set_autostart(dom, FALSE, NULL));
    }

    g_assert_true(vmm_domain_undefine(dom, 0, &err));
    g_assert_no_error(err);
    g_assert_false(g_file_test(path, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(link, G_FILE_TEST_EXISTS));
    g_clear_pointer(&dom, vmm_domain_unref);
    g_assert_null(vmm_domain_lookup_by_name(conn, "persist", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN);
}

typedef struct {
    GMutex lock;
    GArray *events;   /* int pairs: event, detail */
    int id;           /* the registration */
} Seen;

static void
on_event(VmmConnect *c, VmmDomain *dom, int event, int detail, gpointer opaque)
{
    Seen *seen = opaque;
    int pair[2] = { event, detail };

    g_mutex_lock(&seen->lock);
    g_array_append_vals(seen->events, pair, 2);
    g_mutex_unlock(&seen->lock);
}

static gboolean
seen_has(Seen *seen, int event, int detail)
{
    gboolean found = FALSE;

    g_mutex_lock(&seen->lock);
    for (guint i = 0; i + 1 < seen->events->len; i += 2) {
        if (g_array_index(seen->events, int, i) == event &&
            g_array_index(seen->events, int, i + 1) == detail)
            found = TRUE;
    }
    g_mutex_unlock(&seen->lock);
    return found;
}

/* Events caused by QMP come from the driver's loop thread: wait a bit. */
static gboolean
seen_wait(Seen *seen, int event, int detail)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;

    while (!seen_has(seen, event, detail)) {
        if (g_get_monotonic_time() > deadline)
            return FALSE;
        g_usleep(5000);
    }
    return TRUE;
}

/* Record the connection's lifecycle events in @seen until seen_end(). */
static void
seen_begin(Seen *seen)
{
    g_autoptr(GError) err = NULL;

    g_mutex_init(&seen->lock);
    seen->events = g_array_new(FALSE, FALSE, sizeof(int));
    seen->id = vmm_connect_domain_event_register(conn, on_event, seen, NULL, &err);
    g_assert_no_error(err);
}

static void
seen_end(Seen *seen)
{
    vmm_connect_domain_event_deregister(conn, seen->id, NULL);
    g_array_unref(seen->events);
    g_mutex_clear(&seen->lock);
}

/* Start, suspend, resume, destroy a HLT guest of @type. */
static void
run_lifecycle(const char *type)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *name = g_strdup_printf("life-%s", type);
    g_autofree char *xml = hlt_xml(name, type, NULL, NULL);
    g_autofree char *live = NULL;
    g_autofree char *status = g_strdup_printf("%s/run/vmm/qemu/%s.xml", root, name);
    g_autofree char *dom_dir = g_strdup_printf("%s/run/vmm/qemu/%s.d", root, name);
    g_autofree char *monitor = g_strdup_printf("%s/monitor.sock", dom_dir);
    g_autoptr(VmmDomain) dom = NULL;
    VmmDomainInfo info;
    Seen seen;

    seen_begin(&seen);

    dom = vmm_domain_define_xml(conn, xml, 0, &err);
    g_assert_no_error(err);
    g_assert_true(vmm_domain_create(dom, 0, &err));
    g_assert_no_error(err);
    assert_state(dom, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_BOOTED);
    g_assert_true(seen_wait(&seen, VMM_DOMAIN_EVENT_STARTED, VMM_DOMAIN_EVENT_STARTED_BOOTED));
    g_assert_true(g_file_test(status, G_FILE_TEST_EXISTS));
    g_assert_true(g_file_test(monitor, G_FILE_TEST_EXISTS));
    g_assert_cmpint(vmm_domain_is_active(dom, NULL), ==, 1);
    live = vmm_domain_get_xml_desc(dom, 0, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(live, " id='"));
    g_assert_true(vmm_domain_get_info(dom, &info, &err));
    g_assert_cmpint(info.state, ==, VMM_DOMAIN_RUNNING);
    g_assert_cmpuint(info.max_mem, ==, 16 * 1024);

    g_assert_true(vmm_domain_suspend(dom, &err));
    g_assert_no_error(err);
    assert_state(dom, VMM_DOMAIN_PAUSED, VMM_DOMAIN_PAUSED_USER);
    g_assert_true(vmm_domain_resume(dom, &err));
    g_assert_no_error(err);
    assert_state(dom, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_UNPAUSED);
    g_assert_true(seen_wait(&seen, VMM_DOMAIN_EVENT_SUSPENDED,
                           VMM_DOMAIN_EVENT_SUSPENDED_PAUSED));
    g_assert_true(seen_wait(&seen, VMM_DOMAIN_EVENT_RESUMED, VMM_DOMAIN_EVENT_RESUMED_UNPAUSED));

    /* Starting twice is refused. */
    g_assert_false(vmm_domain_create(dom, 0, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
    g_clear_error(&err);

    g_assert_true(vmm_domain_destroy(dom, 0, &err));
    g_assert_no_error(err);
    assert_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_DESTROYED);
    g_assert_true(seen_wait(&seen, VMM_DOMAIN_EVENT_STOPPED,
                           VMM_DOMAIN_EVENT_STOPPED_DESTROYED));
    g_assert_false(g_file_test(status, G_FILE_TEST_EXISTS));
    /* No per-run file outlives the run: no stale monitor socket. */
    g_assert_false(g_file_test(monitor, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(dom_dir, G_FILE_TEST_EXISTS));
    g_assert_false(vmm_domain_suspend(dom, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
    g_clear_error(&err);

    /* Started paused. */
    g_assert_true(vmm_domain_create(dom, VMM_DOMAIN_START_PAUSED, &err));
    g_assert_no_error(err);
    assert_state(dom, VMM_DOMAIN_PAUSED, VMM_DOMAIN_PAUSED_USER);
    g_assert_true(vmm_domain_destroy(dom, 0, &err));
    g_assert_true(vmm_domain_undefine(dom, 0, &err));

    seen_end(&seen);
}

static void
test_lifecycle_tcg(void)
{
    run_lifecycle("qemu");
}

static void
test_lifecycle_kvm(void)
{
    if (!kvm_ok) {
        g_test_skip(kvm_reason);
        return;
    }
    run_lifecycle("kvm");
}

static void
test_transient(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = hlt_xml("transient", "qemu", NULL, NULL);
    g_autoptr(VmmDomain) dom = NULL;

    dom = vmm_domain_create_xml(conn, xml, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpint(vmm_domain_is_persistent(dom, NULL), ==, 0);
    assert_state(dom, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_BOOTED);
    /* domifaddr of a guest without NICs: nothing from leases or ARP; no
     * guest agent to ask. */
    for (unsigned int src = VMM_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE;
         src <= VMM_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP; src++) {
        g_autoptr(GPtrArray) ifaces = vmm_domain_interface_addresses(dom, src, 0, &err);

        if (src == VMM_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT) {
            g_assert_null(ifaces);
            g_assert_error(err, VMM_ERROR, VMM_ERR_ARGUMENT_UNSUPPORTED);
            g_clear_error(&err);
            continue;
        }
        g_assert_no_error(err);
        g_assert_cmpuint(ifaces->len, ==, 0);
    }
    g_assert_true(vmm_domain_destroy(dom, 0, &err));
    g_assert_no_error(err);
    /* A transient domain is gone once stopped. */
    g_clear_pointer(&dom, vmm_domain_unref);
    g_assert_null(vmm_domain_lookup_by_name(conn, "transient", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN);
}

static void
test_kvm_error(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = hlt_xml("nokvm", "kvm", NULL, NULL);
    g_autoptr(VmmDomain) dom = NULL;

    dom = vmm_domain_define_xml(conn, xml, 0, &err);
    g_assert_no_error(err);
    g_setenv("VMM_KVM_DEVICE", "/nonexistent/kvm", TRUE);
    g_assert_false(vmm_domain_create(dom, 0, &err));
    g_unsetenv("VMM_KVM_DEVICE");
    g_assert_error(err, VMM_ERROR, VMM_ERR_CONFIG_UNSUPPORTED);
    g_assert_nonnull(strstr(err->message, "KVM is not available: cannot open /nonexistent/kvm"));
    g_clear_error(&err);
    assert_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_UNKNOWN);
    g_assert_true(vmm_domain_undefine(dom, 0, &err));
}

static void
test_unsupported(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = hlt_xml("odd", "qemu", NULL,
                                   "    <filesystem type='mount'>\n"
                                   "      <source dir='/tmp'/>\n"
                                   "      <target dir='share'/>\n"
                                   "    </filesystem>\n");
    g_autoptr(VmmDomain) dom = NULL;

    dom = vmm_domain_define_xml(conn, xml, 0, &err);
    g_assert_no_error(err);
    g_assert_false(vmm_domain_create(dom, 0, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_CONFIG_UNSUPPORTED);
    g_assert_cmpstr(err->message, ==,
                    "unsupported configuration: device 'filesystem' is not supported by the "
                    "QEMU driver");
    g_clear_error(&err);
    assert_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_UNKNOWN);
    g_assert_true(vmm_domain_undefine(dom, 0, &err));
}

/* shutdown and reboot --mode agent: refused without the agent channel; with
 * one but no agent in the guest (a HLT ROM), "not responding" at the job
 * deadline, and the ACPI button as fallback when both modes are asked. */
static void
test_agent_modes(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *plain_xml = hlt_xml("noagent", "qemu", NULL, NULL);
    g_autofree char *agent_xml = hlt_xml("silentagent", "qemu", NULL,
                                         "    <channel type='unix'>\n"
                                         "      <target type='virtio' "
                                         "name='org.qemu.guest_agent.0'/>\n"
                                         "    </channel>\n");
    g_autofree char *sock = g_strdup_printf("%s/run/vmm/qemu/silentagent.d/"
                                            "org.qemu.guest_agent.0", root);
    g_autoptr(VmmDomain) plain = NULL;
    g_autoptr(VmmDomain) agent = NULL;

    plain = vmm_domain_create_xml(conn, plain_xml, 0, &err);
    g_assert_no_error(err);
    g_assert_false(vmm_domain_shutdown(plain, VMM_DOMAIN_SHUTDOWN_GUEST_AGENT, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_ARGUMENT_UNSUPPORTED);
    g_assert_cmpstr(err->message, ==, "argument unsupported: QEMU guest agent is not configured");
    g_clear_error(&err);
    g_assert_false(vmm_domain_reboot(plain, VMM_DOMAIN_SHUTDOWN_GUEST_AGENT, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_ARGUMENT_UNSUPPORTED);
    g_clear_error(&err);
    g_assert_false(vmm_domain_shutdown(plain, VMM_DOMAIN_SHUTDOWN_INITCTL, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_ARGUMENT_UNSUPPORTED);
    g_clear_error(&err);
    assert_state(plain, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_BOOTED);
    g_assert_true(vmm_domain_destroy(plain, 0, &err));

    agent = vmm_domain_create_xml(conn, agent_xml, 0, &err);
    g_assert_no_error(err);
    g_assert_true(g_file_test(sock, G_FILE_TEST_EXISTS));
    g_assert_false(vmm_domain_shutdown(agent, VMM_DOMAIN_SHUTDOWN_GUEST_AGENT, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_AGENT_UNRESPONSIVE);
    g_assert_cmpstr(err->message, ==,
                    "Guest agent is not responding: no reply from the agent of domain "
                    "'silentagent' to 'guest-sync' within 2 s");
    g_clear_error(&err);
    g_assert_false(vmm_domain_reboot(agent, VMM_DOMAIN_SHUTDOWN_GUEST_AGENT, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_AGENT_UNRESPONSIVE);
    g_clear_error(&err);
    assert_state(agent, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_BOOTED);
    /* Agent first, the power button when it fails: that one is pressed. */
    g_assert_true(vmm_domain_shutdown(agent, VMM_DOMAIN_SHUTDOWN_GUEST_AGENT |
                                      VMM_DOMAIN_SHUTDOWN_ACPI_POWER_BTN, &err));
    g_assert_no_error(err);
    g_assert_true(vmm_domain_destroy(agent, 0, &err));
    g_assert_no_error(err);
    /* The channel's socket went with the run. */
    g_assert_false(g_file_test(sock, G_FILE_TEST_EXISTS));
}

/* VNC autoport: the live definition gets the port vmmd chose from 5900
 * up; two guests get two ports; the inactive one keeps autoport. */
static void
test_vnc_autoport(void)
{
    g_autoptr(GError) err = NULL;
    const char *vnc = "    <graphics type='vnc' autoport='yes' listen='127.0.0.1'/>\n";
    g_autofree char *xml1 = hlt_xml("vnc1", "qemu", NULL, vnc);
    g_autofree char *xml2 = hlt_xml("vnc2", "qemu", NULL, vnc);
    g_autoptr(VmmDomain) d1 = NULL;
    g_autoptr(VmmDomain) d2 = NULL;
    g_autofree char *live1 = NULL;
    g_autofree char *live2 = NULL;
    g_autofree char *inactive = NULL;
    const char *p1, *p2;

    d1 = vmm_domain_create_xml(conn, xml1, 0, &err);
    g_assert_no_error(err);
    d2 = vmm_domain_create_xml(conn, xml2, 0, &err);
    g_assert_no_error(err);
    live1 = vmm_domain_get_xml_desc(d1, 0, &err);
    live2 = vmm_domain_get_xml_desc(d2, 0, &err);
    g_assert_nonnull((p1 = strstr(live1, "port='")));
    g_assert_nonnull((p2 = strstr(live2, "port='")));
    g_assert_cmpint(atoi(p1 + 6), >=, 5900);
    g_assert_cmpint(atoi(p2 + 6), >=, 5900);
    g_assert_cmpint(atoi(p1 + 6), !=, atoi(p2 + 6));
    inactive = vmm_domain_get_xml_desc(d1, VMM_DOMAIN_XML_INACTIVE, &err);
    g_assert_nonnull(strstr(inactive, "autoport='yes'"));
    g_assert_true(vmm_domain_destroy(d1, 0, &err));
    g_assert_true(vmm_domain_destroy(d2, 0, &err));
    g_assert_no_error(err);
}

/* TRUE when something accepts TCP connections on 127.0.0.1:@port. */
static gboolean
tcp_listening(int port)
{
    struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons(port),
                                .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    gboolean ok;

    g_assert_cmpint(fd, >=, 0);
    ok = connect(fd, (struct sockaddr *)&addr, sizeof(addr)) == 0;
    close(fd);
    return ok;
}

/* SPICE autoport, when this QEMU has SPICE: vmmd picks the port as for
 * VNC (from the same range: a VNC guest next to it gets another one), QEMU
 * listens there, and the port is free again once the guest stopped.
 * Without SPICE, the start is refused naming spice. */
static void
test_spice_autoport(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *spice_xml = hlt_xml("spice1", "qemu", NULL,
                                         "    <graphics type='spice' autoport='yes' "
                                         "listen='127.0.0.1'/>\n");
    g_autofree char *vnc_xml = hlt_xml("vnc3", "qemu", NULL,
                                       "    <graphics type='vnc' autoport='yes' "
                                       "listen='127.0.0.1'/>\n");
    g_autofree char *domcaps = vmm_connect_get_domain_capabilities(conn, QEMU, NULL, NULL,
                                                                   "qemu", 0, &err);
    g_autoptr(VmmDomain) spice = NULL;
    g_autoptr(VmmDomain) vnc = NULL;
    g_autofree char *live = NULL;
    g_autofree char *live_vnc = NULL;
    g_autofree char *inactive = NULL;
    const char *p;
    int port;

    g_assert_no_error(err);
    if (!strstr(domcaps, "<value>spice</value>")) {
        spice = vmm_domain_create_xml(conn, spice_xml, 0, &err);
        g_assert_null(spice);
        g_assert_error(err, VMM_ERROR, VMM_ERR_CONFIG_UNSUPPORTED);
        g_assert_nonnull(strstr(err->message, "unsupported configuration: spice graphics"));
        return;
    }
    vnc = vmm_domain_create_xml(conn, vnc_xml, 0, &err);
    g_assert_no_error(err);
    spice = vmm_domain_define_xml(conn, spice_xml, 0, &err);
    g_assert_no_error(err);
    g_assert_true(vmm_domain_create(spice, 0, &err));
    g_assert_no_error(err);
    live = vmm_domain_get_xml_desc(spice, 0, &err);
    g_assert_nonnull((p = strstr(live, "<graphics type='spice' port='")));
    port = atoi(p + strlen("<graphics type='spice' port='"));
    g_assert_cmpint(port, >=, 5900);
    live_vnc = vmm_domain_get_xml_desc(vnc, 0, &err);
    g_assert_nonnull((p = strstr(live_vnc, "<graphics type='vnc' port='")));
    g_assert_cmpint(atoi(p + strlen("<graphics type='vnc' port='")), !=, port);
    g_assert_true(tcp_listening(port));
    inactive = vmm_domain_get_xml_desc(spice, VMM_DOMAIN_XML_INACTIVE, &err);
    g_assert_nonnull(strstr(inactive, "autoport='yes'"));
    g_assert_true(vmm_domain_destroy(spice, 0, &err));
    g_assert_no_error(err);
    g_assert_false(tcp_listening(port));
    g_assert_true(vmm_domain_destroy(vnc, 0, &err));
    g_assert_true(vmm_domain_undefine(spice, 0, &err));
    g_assert_no_error(err);
}

/* firmware='efi': the per-domain NVRAM is copied from the template. */
static void
test_uefi_nvram(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *nvram = g_build_filename(root, "var", "lib", "vmm", "qemu", "nvram",
                                              "uefi_VARS.fd", NULL);
    g_autofree char *live = NULL;
    g_autoptr(VmmDomain) dom = NULL;
    const char *xml =
        "<domain type='qemu'>\n"
        "  <name>uefi</name>\n"
        "  <memory unit='MiB'>64</memory>\n"
        "  <vcpu>1</vcpu>\n"
        "  <os firmware='efi'>\n"
        "    <type arch='x86_64' machine='q35'>hvm</type>\n"
        "  </os>\n"
        "  <features><acpi/></features>\n"
        "</domain>\n";

    if (!g_file_test("/usr/share/OVMF/OVMF_VARS_4M.fd", G_FILE_TEST_EXISTS) &&
        !g_file_test("/usr/share/OVMF/OVMF_VARS.fd", G_FILE_TEST_EXISTS)) {
        g_test_skip("no OVMF firmware in /usr/share/OVMF (package ovmf)");
        return;
    }
    dom = vmm_domain_define_xml(conn, xml, 0, &err);
    g_assert_no_error(err);
    g_assert_true(vmm_domain_create(dom, VMM_DOMAIN_START_PAUSED, &err));
    g_assert_no_error(err);
    g_assert_true(g_file_test(nvram, G_FILE_TEST_IS_REGULAR));
    live = vmm_domain_get_xml_desc(dom, 0, &err);
    g_assert_nonnull(strstr(live, nvram));
    g_assert_true(vmm_domain_destroy(dom, 0, &err));
    g_assert_true(vmm_domain_undefine(dom, 1 << 2 /* NVRAM */, &err));
    g_assert_no_error(err);
    g_assert_false(g_file_test(nvram, G_FILE_TEST_EXISTS));
}

static pid_t
status_pid(const char *name)
{
    g_autofree char *path = g_strdup_printf("%s/run/vmm/qemu/%s.xml", root, name);
    g_autofree char *text = NULL;
    const char *p;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_nonnull((p = strstr(text, "pid='")));
    return (pid_t)atoi(p + 5);
}

/* A SIGSTOPped QEMU: its monitor calls fail at the deadline (2 s here),
 * queries and other domains go on, destroy works. */
static void
test_stalled(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml1 = hlt_xml("stalled", "qemu", NULL, NULL);
    g_autofree char *xml2 = hlt_xml("lively", "qemu", NULL, NULL);
    g_autoptr(VmmDomain) d1 = NULL;
    g_autoptr(VmmDomain) d2 = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autofree char *xml = NULL;
    gint64 t0;
    pid_t pid;

    d1 = vmm_domain_create_xml(conn, xml1, 0, &err);
    g_assert_no_error(err);
    d2 = vmm_domain_create_xml(conn, xml2, 0, &err);
    g_assert_no_error(err);
    pid = status_pid("stalled");
    g_assert_cmpint(kill(pid, SIGSTOP), ==, 0);

    t0 = g_get_monotonic_time();
    g_assert_false(vmm_domain_suspend(d1, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_TIMEOUT);
    g_assert_cmpstr(err->message, ==,
                    "Timed out during operation: monitor of domain 'stalled' not responding "
                    "(job suspend, waited 2 s)");
    g_clear_error(&err);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 5 * G_USEC_PER_SEC);

    /* Queries answer, the other domain works. */
    list = vmm_connect_list_all_domains(conn, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(list->len, ==, 2);
    xml = vmm_domain_get_xml_desc(d1, 0, &err);
    g_assert_no_error(err);
    assert_state(d1, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_BOOTED);
    g_assert_true(vmm_domain_suspend(d2, &err));
    g_assert_no_error(err);
    g_assert_true(vmm_domain_resume(d2, &err));

    /* A stopped QEMU cannot act on SIGTERM: destroy kills it at once
     * rather than waiting out the 5 s grace. */
    t0 = g_get_monotonic_time();
    g_assert_true(vmm_domain_destroy(d1, 0, &err));
    g_assert_no_error(err);
    g_assert_cmpint(g_get_monotonic_time() - t0, <, 4 * G_USEC_PER_SEC);
    g_assert_true(vmm_domain_destroy(d2, 0, &err));
    g_assert_no_error(err);
}

/* TRUE when @pid blocks signal @sig (/proc/PID/status SigBlk). */
static gboolean
signal_blocked(pid_t pid, int sig)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid);
    g_autofree char *text = NULL;
    const char *p;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_nonnull((p = strstr(text, "\nSigBlk:")));
    return (g_ascii_strtoull(p + 8, NULL, 16) >> (sig - 1)) & 1;
}

static gboolean
pid_alive(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/stat", (int)pid);
    g_autofree char *text = NULL;
    const char *p;

    /* A zombie (not our child: nobody reaps it at once) is gone too. */
    if (!g_file_get_contents(path, &text, NULL, NULL) || !(p = strrchr(text, ')')))
        return FALSE;
    return p[2] != 'Z' && p[2] != 'X';
}

/* destroy: SIGTERM, then SIGKILL once the grace (1 s here) ran out.  The
 * domain's <emulator> is a wrapper that runs QEMU with SIGTERM blocked
 * (QEMU installs its own SIGTERM handler, so an ignored signal would not
 * do; a blocked one stays pending).  --graceful gives up at the grace with
 * the domain still running; a plain destroy escalates.  A QEMU that heeds
 * SIGTERM stops within the grace: --graceful succeeds. */
static void
test_destroy_escalation(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *root2 = g_build_filename(tmpdir, "root-destroy", NULL);
    g_autofree char *wrapper = g_build_filename(tmpdir, "qemu-deaf", NULL);
    g_autofree char *emulator = NULL;
    g_autofree char *deaf_xml = NULL;
    g_autofree char *plain_xml = hlt_xml("heeds", "qemu", NULL, NULL);
    g_autofree char *status = g_strdup_printf("%s/run/vmm/qemu/deaf.xml", root2);
    g_autoptr(VmmDomain) deaf = NULL;
    g_autoptr(VmmDomain) plain = NULL;
    g_autofree char *text = NULL;
    pid_t pid;

    g_assert_true(g_file_set_contents(wrapper,
                                      "#!/usr/bin/python3\n"
                                      "import os, signal, sys\n"
                                      "signal.pthread_sigmask(signal.SIG_BLOCK, "
                                      "{signal.SIGTERM})\n"
                                      "os.execv('" QEMU "', ['" QEMU "'] + sys.argv[1:])\n",
                                      -1, NULL));
    g_assert_cmpint(chmod(wrapper, 0755), ==, 0);
    emulator = g_strdup_printf("    <emulator>%s</emulator>\n", wrapper);
    deaf_xml = hlt_xml("deaf", "qemu", NULL, emulator);
    driver_down();
    write_conf(root2, "user = \"root\"\ngroup = \"root\"\njob_timeout = 5\ndestroy_grace = 1\n");
    driver_up(root2);

    deaf = vmm_domain_define_xml(conn, deaf_xml, 0, &err);
    g_assert_no_error(err);
    g_assert_true(vmm_domain_create(deaf, 0, &err));
    g_assert_no_error(err);
    g_assert_true(g_file_get_contents(status, &text, NULL, NULL));
    pid = atoi(strstr(text, "pid='") + 5);
    g_assert_true(signal_blocked(pid, SIGTERM));

    g_assert_false(vmm_domain_destroy(deaf, VMM_DOMAIN_DESTROY_GRACEFUL, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_TIMEOUT);
    g_assert_cmpstr(err->message, ==, "Timed out during operation: QEMU of domain 'deaf' did "
                                      "not stop within 1000 ms of SIGTERM");
    g_clear_error(&err);
    /* Nothing changed: still running, same QEMU, still managed. */
    assert_state(deaf, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_BOOTED);
    g_assert_true(pid_alive(pid));
    g_assert_true(g_file_test(status, G_FILE_TEST_EXISTS));
    g_assert_true(vmm_domain_suspend(deaf, &err));
    g_assert_no_error(err);

    g_assert_true(vmm_domain_destroy(deaf, 0, &err));
    g_assert_no_error(err);
    assert_state(deaf, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_DESTROYED);
    g_assert_false(pid_alive(pid));
    g_assert_false(g_file_test(status, G_FILE_TEST_EXISTS));

    plain = vmm_domain_define_xml(conn, plain_xml, 0, &err);
    g_assert_no_error(err);
    g_assert_true(vmm_domain_create(plain, 0, &err));
    g_assert_no_error(err);
    g_assert_true(vmm_domain_destroy(plain, VMM_DOMAIN_DESTROY_GRACEFUL, &err));
    g_assert_no_error(err);
    assert_state(plain, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_DESTROYED);
    g_assert_true(vmm_domain_undefine(plain, 0, &err));
    g_assert_true(vmm_domain_undefine(deaf, 0, &err));
    g_assert_no_error(err);

    g_clear_pointer(&deaf, vmm_domain_unref);
    g_clear_pointer(&plain, vmm_domain_unref);
    driver_down();
    driver_up(root);
}

static char *
panic_xml(const char *name, const char *rom, const char *on_crash)
{
    return g_strdup_printf("<domain type='qemu'>\n"
                           "  <name>%s</name>\n"
                           "  <memory unit='MiB'>16</memory>\n"
                           "  <vcpu>1</vcpu>\n"
                           "  <os>\n"
                           "    <type arch='x86_64' machine='pc'>hvm</type>\n"
                           "    <loader type='rom'>%s</loader>\n"
                           "  </os>\n"
                           "  <on_crash>%s</on_crash>\n"
                           "  <devices><panic model='isa'/></devices>\n"
                           "</domain>\n", name, rom, on_crash);
}

/* Until @dom is in @state (reason @reason), within 10 s. */
static gboolean
wait_state(VmmDomain *dom, int state, int reason)
{
    gint64 deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    int s = -1, r = -1;

    for (;;) {
        g_assert_true(vmm_domain_get_state(dom, &s, &r, 0, NULL));
        if (s == state && r == reason)
            return TRUE;
        if (g_get_monotonic_time() > deadline)
            return FALSE;
        g_usleep(5000);
    }
}

/* QEMU killed behind our back: shut off (crashed), STOPPED_FAILED. */
static void
test_crash(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = hlt_xml("crashy", "qemu", NULL, NULL);
    g_autoptr(VmmDomain) dom = NULL;
    Seen seen;

    seen_begin(&seen);
    dom = vmm_domain_define_xml(conn, xml, 0, &err);
    g_assert_true(vmm_domain_create(dom, 0, &err));
    g_assert_no_error(err);
    g_assert_cmpint(kill(status_pid("crashy"), SIGKILL), ==, 0);
    wait_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_CRASHED);
    assert_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_CRASHED);
    g_assert_true(seen_wait(&seen, VMM_DOMAIN_EVENT_STOPPED, VMM_DOMAIN_EVENT_STOPPED_FAILED));
    /* A QEMU killed with SIGKILL leaves its monitor socket behind: vmmd
     * removes it, with the run's directory. */
    {
        g_autofree char *dom_dir = g_strdup_printf("%s/run/vmm/qemu/crashy.d", root);
        g_autofree char *monitor = g_strdup_printf("%s/monitor.sock", dom_dir);

        g_assert_false(g_file_test(monitor, G_FILE_TEST_EXISTS));
        g_assert_false(g_file_test(dom_dir, G_FILE_TEST_EXISTS));
    }
    g_assert_true(vmm_domain_undefine(dom, 0, &err));
    seen_end(&seen);
}

/* A guest panic (pvpanic) with on_crash destroy: CRASHED event, then shut
 * off (crashed) with STOPPED_CRASHED. */
static void
test_panic(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = NULL;
    g_autoptr(VmmDomain) dom = NULL;
    Seen seen;

    xml = panic_xml("panicky", panic_rom, "destroy");
    seen_begin(&seen);
    dom = vmm_domain_define_xml(conn, xml, 0, &err);
    g_assert_no_error(err);
    g_assert_true(vmm_domain_create(dom, 0, &err));
    g_assert_no_error(err);
    wait_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_CRASHED);
    assert_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_CRASHED);
    g_assert_true(seen_wait(&seen, VMM_DOMAIN_EVENT_CRASHED, 0));
    g_assert_true(seen_wait(&seen, VMM_DOMAIN_EVENT_STOPPED,
                            VMM_DOMAIN_EVENT_STOPPED_CRASHED));
    g_assert_true(vmm_domain_undefine(dom, 0, &err));
    seen_end(&seen);
}

static int
seen_count(Seen *seen, int event)
{
    int n = 0;

    g_mutex_lock(&seen->lock);
    for (guint i = 0; i + 1 < seen->events->len; i += 2)
        n += g_array_index(seen->events, int, i) == event;
    g_mutex_unlock(&seen->lock);
    return n;
}

/* on_crash restart: the guest panics once (first boot), libvirt's fake
 * reboot follows in the same QEMU: Crashed Panicked, then Resumed
 * Unpaused, running (crashed); never stopped.  The panic comes while the
 * start is still under way, and again, in a new QEMU, once the domain
 * started paused is resumed. */
static void
test_panic_restart(void)
{
    g_autofree char *xml = panic_xml("phoenix", panic_once_rom, "restart");
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(GError) err = NULL;

    dom = vmm_domain_define_xml(conn, xml, 0, &err);
    g_assert_no_error(err);
    for (int paused = 0; paused < 2; paused++) {
        Seen seen;
        pid_t pid;

        seen_begin(&seen);
        g_assert_true(vmm_domain_create(dom, paused ? VMM_DOMAIN_START_PAUSED : 0, &err));
        g_assert_no_error(err);
        pid = status_pid("phoenix");
        if (paused) {
            assert_state(dom, VMM_DOMAIN_PAUSED, VMM_DOMAIN_PAUSED_USER);
            g_assert_true(vmm_domain_resume(dom, &err));
            g_assert_no_error(err);
        }
        g_assert_true(seen_wait(&seen, VMM_DOMAIN_EVENT_CRASHED, 0 /* panicked */));
        g_assert_true(seen_wait(&seen, VMM_DOMAIN_EVENT_RESUMED,
                                VMM_DOMAIN_EVENT_RESUMED_UNPAUSED));
        g_assert_true(wait_state(dom, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_CRASHED));
        g_assert_cmpint(status_pid("phoenix"), ==, pid);
        g_assert_true(pid_alive(pid));
        g_assert_cmpint(seen_count(&seen, VMM_DOMAIN_EVENT_CRASHED), ==, 1);
        g_assert_cmpint(seen_count(&seen, VMM_DOMAIN_EVENT_STOPPED), ==, 0);
        g_assert_true(vmm_domain_destroy(dom, 0, &err));
        g_assert_no_error(err);
        seen_end(&seen);
    }
    g_assert_true(vmm_domain_undefine(dom, 0, &err));
}

/* on_crash preserve: QEMU keeps the panicked guest, crashed (panicked),
 * same QEMU, no stop; destroy ends it. */
static void
test_panic_preserve(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = panic_xml("relic", panic_rom, "preserve");
    g_autoptr(VmmDomain) dom = NULL;
    Seen seen;
    pid_t pid;

    seen_begin(&seen);
    dom = vmm_domain_define_xml(conn, xml, 0, &err);
    g_assert_no_error(err);
    g_assert_true(vmm_domain_create(dom, 0, &err));
    g_assert_no_error(err);
    pid = status_pid("relic");
    g_assert_true(seen_wait(&seen, VMM_DOMAIN_EVENT_CRASHED, 0 /* panicked */));
    g_assert_true(wait_state(dom, VMM_DOMAIN_CRASHED, 1 /* panicked */));
    g_assert_cmpint(status_pid("relic"), ==, pid);
    g_assert_true(pid_alive(pid));
    g_assert_cmpint(seen_count(&seen, VMM_DOMAIN_EVENT_STOPPED), ==, 0);
    g_assert_cmpint(vmm_domain_is_active(dom, NULL), ==, 1);
    /* A restarted driver finds it crashed (panicked) still, same QEMU. */
    seen_end(&seen);
    g_clear_pointer(&dom, vmm_domain_unref);
    driver_down();
    driver_up(root);
    seen_begin(&seen);
    dom = vmm_domain_lookup_by_name(conn, "relic", &err);
    g_assert_no_error(err);
    assert_state(dom, VMM_DOMAIN_CRASHED, 1 /* panicked */);
    g_assert_cmpint(status_pid("relic"), ==, pid);
    g_assert_true(vmm_domain_destroy(dom, 0, &err));
    g_assert_no_error(err);
    assert_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_DESTROYED);
    g_assert_true(seen_wait(&seen, VMM_DOMAIN_EVENT_STOPPED,
                            VMM_DOMAIN_EVENT_STOPPED_DESTROYED));
    g_assert_true(vmm_domain_undefine(dom, 0, &err));
    seen_end(&seen);
}

/* As libvirt's QEMU driver: on_poweroff/on_reboot preserve, rename-restart
 * and power-off restart with reboot destroy are refused, by define and
 * create alike, and nothing is defined. */
static void
test_lifecycle_refused(void)
{
    static const struct {
        const char *elements;
        const char *message;
    } cases[] = {
        { "  <on_poweroff>preserve</on_poweroff>\n",
          "unsupported configuration: <on_poweroff> 'preserve' is not supported by the QEMU "
          "driver" },
        { "  <on_reboot>preserve</on_reboot>\n",
          "unsupported configuration: <on_reboot> 'preserve' is not supported by the QEMU "
          "driver" },
        { "  <on_crash>rename-restart</on_crash>\n",
          "unsupported configuration: <on_crash> 'rename-restart' is not supported by the "
          "QEMU driver" },
        { "  <on_poweroff>restart</on_poweroff>\n  <on_reboot>destroy</on_reboot>\n",
          "unsupported configuration: <on_poweroff> 'restart' with <on_reboot> 'destroy' is "
          "not supported by the QEMU driver" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        g_autofree char *base = hlt_xml("keeper", "qemu", NULL, NULL);
        g_autoptr(GString) xml = g_string_new(base);
        g_autofree char *repl = g_strdup_printf("  </os>\n%s", cases[i].elements);

        g_string_replace(xml, "  </os>\n", repl, 1);
        g_assert_null(vmm_domain_define_xml(conn, xml->str, 0, &err));
        g_assert_error(err, VMM_ERROR, VMM_ERR_CONFIG_UNSUPPORTED);
        g_assert_cmpstr(err->message, ==, cases[i].message);
        g_clear_error(&err);
        g_assert_null(vmm_domain_create_xml(conn, xml->str, 0, &err));
        g_assert_error(err, VMM_ERROR, VMM_ERR_CONFIG_UNSUPPORTED);
        g_clear_error(&err);
        g_assert_null(vmm_domain_lookup_by_name(conn, "keeper", &err));
        g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN);
    }
}

/* The driver state goes away (vmmd exits) and comes back: QEMU kept
 * running and is managed again. */
static void
test_reconnect(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = hlt_xml("survivor", "qemu", NULL, NULL);
    g_autoptr(VmmDomain) dom = NULL;
    pid_t pid;

    dom = vmm_domain_define_xml(conn, xml, 0, &err);
    g_assert_true(vmm_domain_create(dom, 0, &err));
    g_assert_no_error(err);
    pid = status_pid("survivor");
    g_clear_pointer(&dom, vmm_domain_unref);
    driver_down();
    g_assert_cmpint(kill(pid, 0), ==, 0);
    driver_up(root);
    dom = vmm_domain_lookup_by_name(conn, "survivor", &err);
    g_assert_no_error(err);
    g_assert_cmpint(vmm_domain_is_active(dom, NULL), ==, 1);
    g_assert_cmpint(status_pid("survivor"), ==, pid);
    /* The reason survives the restart (the status file keeps it). */
    assert_state(dom, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_BOOTED);
    g_assert_true(vmm_domain_suspend(dom, &err));
    g_assert_no_error(err);
    assert_state(dom, VMM_DOMAIN_PAUSED, VMM_DOMAIN_PAUSED_USER);
    g_clear_pointer(&dom, vmm_domain_unref);
    driver_down();
    driver_up(root);
    dom = vmm_domain_lookup_by_name(conn, "survivor", &err);
    g_assert_no_error(err);
    assert_state(dom, VMM_DOMAIN_PAUSED, VMM_DOMAIN_PAUSED_USER);
    g_assert_true(vmm_domain_destroy(dom, 0, &err));
    g_assert_no_error(err);
    assert_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_DESTROYED);
    g_assert_true(vmm_domain_undefine(dom, 0, &err));
}

/* QEMU dies while the driver is away: the restarted driver finds it gone,
 * the domain shut off (crashed), its status file and run directory
 * removed, the files chowned for the run given back, and a warning (the
 * level a default vmmd log shows) says so. */
static void
test_reconnect_dead(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *root2 = g_build_filename(tmpdir, "root-dead", NULL);
    g_autofree char *rom = g_build_filename(tmpdir, "ghost.rom", NULL);
    g_autofree char *status = g_strdup_printf("%s/run/vmm/qemu/ghost.xml", root2);
    g_autofree char *owned = g_strdup_printf("%s/run/vmm/qemu/ghost.owned", root2);
    g_autofree char *dom_dir = g_strdup_printf("%s/run/vmm/qemu/ghost.d", root2);
    g_autofree char *xml = NULL;
    g_autofree char *text = NULL;
    g_autofree char *data = NULL;
    g_autoptr(VmmDomain) dom = NULL;
    struct passwd *pw = getpwnam("vmm-qemu");
    gboolean as_user = geteuid() == 0 && pw;
    gint64 deadline;
    struct stat st;
    gsize len;
    pid_t pid;

    g_assert_true(g_file_get_contents(hlt_rom, &data, &len, NULL));
    g_assert_true(g_file_set_contents(rom, data, len, NULL));
    g_assert_cmpint(chmod(rom, 0644), ==, 0);
    xml = hlt_xml("ghost", "qemu", NULL, NULL);
    {
        g_autoptr(GString) x = g_string_new(xml);

        g_string_replace(x, hlt_rom, rom, 1);
        g_free(xml);
        xml = g_string_free(g_steal_pointer(&x), FALSE);
    }
    driver_down();
    /* QEMU as vmm-qemu when it exists (the ROM is then chowned). */
    write_conf(root2, as_user ? "job_timeout = 5\n"
                              : "user = \"root\"\ngroup = \"root\"\njob_timeout = 5\n");
    driver_up(root2);
    dom = vmm_domain_define_xml(conn, xml, 0, &err);
    g_assert_no_error(err);
    g_assert_true(vmm_domain_create(dom, 0, &err));
    g_assert_no_error(err);
    g_assert_true(g_file_get_contents(status, &text, NULL, NULL));
    pid = atoi(strstr(text, "pid='") + 5);
    g_assert_cmpint(stat(rom, &st), ==, 0);
    if (as_user) {
        g_assert_cmpuint(st.st_uid, ==, pw->pw_uid);
        g_assert_true(g_file_test(owned, G_FILE_TEST_EXISTS));
    }
    g_clear_pointer(&dom, vmm_domain_unref);
    driver_down();

    g_assert_cmpint(kill(pid, SIGKILL), ==, 0);
    deadline = g_get_monotonic_time() + 10 * G_USEC_PER_SEC;
    while (pid_alive(pid) && g_get_monotonic_time() < deadline)
        g_usleep(5000);
    g_assert_false(pid_alive(pid));

    g_test_expect_message("vmm", G_LOG_LEVEL_WARNING,
                          "domain 'ghost' stopped while vmmd was away: its QEMU is gone; "
                          "shut off (crashed)");
    driver_up(root2);
    g_test_assert_expected_messages();
    waitpid(pid, NULL, WNOHANG);
    dom = vmm_domain_lookup_by_name(conn, "ghost", &err);
    g_assert_no_error(err);
    assert_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_CRASHED);
    g_assert_cmpint(vmm_domain_is_active(dom, NULL), ==, 0);
    g_assert_false(g_file_test(status, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(dom_dir, G_FILE_TEST_EXISTS));
    g_assert_false(g_file_test(owned, G_FILE_TEST_EXISTS));
    g_assert_cmpint(stat(rom, &st), ==, 0);
    g_assert_cmpuint(st.st_uid, ==, geteuid());
    /* It starts again. */
    g_assert_true(vmm_domain_create(dom, 0, &err));
    g_assert_no_error(err);
    g_assert_true(vmm_domain_destroy(dom, 0, &err));
    g_assert_no_error(err);
    g_assert_true(vmm_domain_undefine(dom, 0, &err));
    g_clear_pointer(&dom, vmm_domain_unref);
    driver_down();
    driver_up(root);
}

/* Autostart domains start with the driver state (in a thread). */
static void
test_autostart(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = hlt_xml("early", "qemu", NULL, NULL);
    g_autoptr(VmmDomain) dom = NULL;
    gint64 deadline;

    dom = vmm_domain_define_xml(conn, xml, 0, &err);
    g_assert_true(vmm_domain_set_autostart(dom, TRUE, &err));
    g_assert_no_error(err);
    g_clear_pointer(&dom, vmm_domain_unref);
    driver_down();
    driver_up_full(root, TRUE);
    dom = vmm_domain_lookup_by_name(conn, "early", &err);
    g_assert_no_error(err);
    deadline = g_get_monotonic_time() + 20 * G_USEC_PER_SEC;
    while (vmm_domain_is_active(dom, NULL) != 1 && g_get_monotonic_time() < deadline)
        g_usleep(10000);
    assert_state(dom, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_BOOTED);
    g_assert_true(vmm_domain_destroy(dom, 0, &err));
    g_assert_no_error(err);
    g_assert_true(vmm_domain_undefine(dom, 0, &err));
}

static uid_t
proc_uid(pid_t pid)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/status", (int)pid);
    g_autofree char *text = NULL;
    const char *p;

    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_nonnull((p = strstr(text, "\nUid:")));
    return (uid_t)atoi(p + 5);
}

static uid_t
file_uid(const char *path)
{
    struct stat st;

    g_assert_cmpint(stat(path, &st), ==, 0);
    return st.st_uid;
}

/* The default qemu.conf user: QEMU runs as vmm-qemu; the ROM and the disk
 * image are its own for the run and given back after, even by a restarted
 * driver; so is the NVRAM of a UEFI guest (when OVMF is installed). */
static void
test_qemu_user(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *root2 = g_build_filename(tmpdir, "root-user", NULL);
    g_autofree char *img = g_build_filename(tmpdir, "asuser.img", NULL);
    g_autofree char *disk = g_strdup_printf("    <disk type='file' device='disk'>\n"
                                            "      <source file='%s'/>\n"
                                            "      <target dev='vda' bus='virtio'/>\n"
                                            "    </disk>\n", img);
    g_autofree char *xml = hlt_xml("asuser", "qemu", NULL, disk);
    g_autofree char *nvram = g_build_filename(root2, "var", "lib", "vmm", "qemu", "nvram",
                                              "uefiuser_VARS.fd", NULL);
    const char *efi_xml =
        "<domain type='qemu'>\n"
        "  <name>uefiuser</name>\n"
        "  <memory unit='MiB'>64</memory>\n"
        "  <vcpu>1</vcpu>\n"
        "  <os firmware='efi'>\n"
        "    <type arch='x86_64' machine='q35'>hvm</type>\n"
        "  </os>\n"
        "  <features><acpi/></features>\n"
        "</domain>\n";
    gboolean have_ovmf = g_file_test("/usr/share/OVMF/OVMF_VARS_4M.fd", G_FILE_TEST_EXISTS) ||
                         g_file_test("/usr/share/OVMF/OVMF_VARS.fd", G_FILE_TEST_EXISTS);
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(VmmDomain) efi = NULL;
    struct passwd *pw = getpwnam("vmm-qemu");

    if (geteuid() != 0) {
        g_test_skip("QEMU runs as the caller when vmmd is not root");
        return;
    }
    if (!pw) {
        g_test_skip("user vmm-qemu does not exist (tools/scripts/install-deps creates it)");
        return;
    }
    g_assert_true(g_file_set_contents(img, "", 0, NULL));
    g_assert_cmpint(truncate(img, 1 << 20), ==, 0);
    g_assert_cmpint(chmod(img, 0600), ==, 0);
    driver_down();
    write_conf(root2, "job_timeout = 5\n");
    driver_up(root2);
    dom = vmm_domain_create_xml(conn, xml, 0, &err);
    g_assert_no_error(err);
    {
        g_autofree char *path = g_strdup_printf("%s/run/vmm/qemu/asuser.xml", root2);
        g_autofree char *text = NULL;

        g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
        g_assert_cmpuint(proc_uid(atoi(strstr(text, "pid='") + 5)), ==, pw->pw_uid);
    }
    g_assert_cmpuint(file_uid(hlt_rom), ==, pw->pw_uid);
    g_assert_cmpuint(file_uid(img), ==, pw->pw_uid);
    if (have_ovmf) {
        efi = vmm_domain_define_xml(conn, efi_xml, 0, &err);
        g_assert_no_error(err);
        g_assert_true(vmm_domain_create(efi, VMM_DOMAIN_START_PAUSED, &err));
        g_assert_no_error(err);
        g_assert_cmpuint(file_uid(nvram), ==, pw->pw_uid);
    }
    /* A restarted driver still knows what to give back. */
    g_clear_pointer(&dom, vmm_domain_unref);
    g_clear_pointer(&efi, vmm_domain_unref);
    driver_down();
    driver_up(root2);
    dom = vmm_domain_lookup_by_name(conn, "asuser", &err);
    g_assert_no_error(err);
    g_assert_true(vmm_domain_destroy(dom, 0, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(file_uid(hlt_rom), ==, 0);
    g_assert_cmpuint(file_uid(img), ==, 0);
    if (have_ovmf) {
        efi = vmm_domain_lookup_by_name(conn, "uefiuser", &err);
        g_assert_no_error(err);
        g_assert_true(vmm_domain_destroy(efi, 0, &err));
        g_assert_no_error(err);
        g_assert_cmpuint(file_uid(nvram), ==, 0);
        g_assert_true(vmm_domain_undefine(efi, 1 << 2 /* NVRAM */, &err));
        g_assert_no_error(err);
    } else {
        g_test_message("no OVMF in /usr/share/OVMF: the NVRAM part is left out");
    }
    g_clear_pointer(&dom, vmm_domain_unref);
    g_clear_pointer(&efi, vmm_domain_unref);
    driver_down();
    driver_up(root);
}

/* Hotplug in-process on an HLT guest (ACPI on, no OS): QEMU plugs the
 * disk and NIC (device_add needs no guest), refuses what it cannot open,
 * and, with nobody to release it, a detach ends in the timeout, never in a
 * false success. */
static void
test_hotplug(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *root2 = g_build_filename(tmpdir, "root-hotplug", NULL);
    g_autofree char *img = g_build_filename(tmpdir, "hotplug.img", NULL);
    g_autofree char *base = hlt_xml("hotplug", "qemu", NULL,
                                    "    <controller type='scsi' model='virtio-scsi'/>\n");
    g_autoptr(GString) xml = g_string_new(base);
    g_autofree char *disk = g_strdup_printf("<disk type='file' device='disk'>"
                                            "<source file='%s'/><target dev='vdb'/></disk>",
                                            img);
    g_autofree char *missing = g_strdup_printf("<disk type='file' device='disk'>"
                                               "<source file='%s.missing'/>"
                                               "<target dev='vdc'/></disk>", img);
    g_autofree char *img2 = g_build_filename(tmpdir, "hotplug-scsi.img", NULL);
    g_autofree char *scsi = g_strdup_printf("<disk type='file' device='disk'>"
                                            "<source file='%s'/><target dev='sdb' bus='scsi'/>"
                                            "</disk>", img2);
    const char *nic = "<interface type='user'><mac address='52:54:00:12:34:56'/>"
                      "<model type='virtio'/></interface>";
    g_autoptr(VmmDomain) dom = NULL;
    g_autofree char *before = NULL;
    g_autofree char *live = NULL;
    g_autofree char *config = NULL;
    unsigned int both = VMM_DOMAIN_AFFECT_LIVE | VMM_DOMAIN_AFFECT_CONFIG;

    driver_down();
    write_conf(root2, "user = \"root\"\ngroup = \"root\"\ndevice_detach_timeout = 1\n");
    driver_up(root2);
    g_string_replace(xml, "  </os>\n", "  </os>\n  <features><acpi/></features>\n", 1);
    g_assert_true(g_file_set_contents(img, "", 0, NULL));
    g_assert_true(g_file_set_contents(img2, "", 0, NULL));
    g_assert_cmpint(truncate(img, 1 << 20), ==, 0);
    dom = vmm_domain_define_xml(conn, xml->str, 0, &err);
    g_assert_no_error(err);
    g_assert_true(vmm_domain_create(dom, 0, &err));
    g_assert_no_error(err);

    g_assert_true(vmm_domain_attach_device_flags(dom, disk, both, &err));
    g_assert_no_error(err);
    g_assert_true(vmm_domain_attach_device(dom, nic, &err));
    g_assert_no_error(err);
    live = vmm_domain_get_xml_desc(dom, 0, &err);
    g_assert_nonnull(strstr(live, "<alias name='virtio-disk1'/>"));
    g_assert_nonnull(strstr(live, "52:54:00:12:34:56"));
    config = vmm_domain_get_xml_desc(dom, VMM_DOMAIN_XML_INACTIVE, &err);
    g_assert_nonnull(strstr(config, "hotplug.img"));
    g_assert_null(strstr(config, "52:54:00:12:34:56"));

    /* Refused: nothing changes. */
    before = vmm_domain_get_xml_desc(dom, 0, &err);
    g_assert_false(vmm_domain_attach_device_flags(dom, missing, both, &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, ".missing"));
    g_clear_error(&err);
    g_assert_false(vmm_domain_attach_device_flags(dom, "<disk type='file'><source file='/x'/>"
                                                  "<target dev='hdb' bus='ide'/></disk>",
                                                  VMM_DOMAIN_AFFECT_LIVE, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_CONFIG_UNSUPPORTED);
    g_clear_error(&err);
    g_clear_pointer(&live, g_free);
    live = vmm_domain_get_xml_desc(dom, 0, &err);
    g_assert_cmpstr(live, ==, before);
    g_clear_pointer(&config, g_free);
    config = vmm_domain_get_xml_desc(dom, VMM_DOMAIN_XML_INACTIVE, &err);
    g_assert_null(strstr(config, ".missing"));

    /* No guest to release it: a timeout naming the device. */
    g_assert_false(vmm_domain_detach_device_flags(dom, disk, both, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_TIMEOUT);
    g_assert_nonnull(strstr(err->message, "device disk 'vdb' (virtio-disk1) not removed "
                                          "within 1 s"));
    g_clear_error(&err);
    /* Retried while the first request is pending: QEMU repeats the
     * request, the same clear timeout. */
    g_assert_false(vmm_domain_detach_device_flags(dom, disk, VMM_DOMAIN_AFFECT_LIVE, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_TIMEOUT);
    g_assert_nonnull(strstr(err->message, "(virtio-disk1) not removed"));
    g_clear_error(&err);
    g_clear_pointer(&live, g_free);
    live = vmm_domain_get_xml_desc(dom, 0, &err);
    g_assert_nonnull(strstr(live, "hotplug.img"));
    g_clear_pointer(&config, g_free);
    config = vmm_domain_get_xml_desc(dom, VMM_DOMAIN_XML_INACTIVE, &err);
    g_assert_nonnull(strstr(config, "hotplug.img"));
    g_assert_true(vmm_domain_detach_device_flags(dom, disk, VMM_DOMAIN_AFFECT_CONFIG, &err));
    g_assert_no_error(err);

    /* A SCSI disk leaves without the guest: DEVICE_DELETED at once, the
     * detach succeeds and the live definition loses it. */
    g_assert_true(vmm_domain_attach_device(dom, scsi, &err));
    g_assert_no_error(err);
    g_clear_pointer(&live, g_free);
    live = vmm_domain_get_xml_desc(dom, 0, &err);
    g_assert_nonnull(strstr(live, "<target dev='sdb' bus='scsi'/>"));
    g_assert_true(vmm_domain_detach_device(dom, scsi, &err));
    g_assert_no_error(err);
    g_clear_pointer(&live, g_free);
    live = vmm_domain_get_xml_desc(dom, 0, &err);
    g_assert_null(strstr(live, "dev='sdb'"));
    /* ... and its nodes went with it: the same disk plugs again. */
    g_assert_true(vmm_domain_attach_device(dom, scsi, &err));
    g_assert_no_error(err);

    g_assert_true(vmm_domain_destroy(dom, 0, &err));
    g_assert_no_error(err);
    g_clear_pointer(&config, g_free);
    config = vmm_domain_get_xml_desc(dom, 0, &err);
    g_assert_null(strstr(config, "hotplug.img"));
    g_assert_true(vmm_domain_undefine(dom, 0, &err));
    g_assert_no_error(err);
    g_clear_pointer(&dom, vmm_domain_unref);
    driver_down();
    driver_up(root);
}

/* ------------------------------------------------------------------ */

/* Kill every QEMU a status file under @dir names (the test failed). */
static void
kill_leftovers(const char *dir)
{
    g_autofree char *cmd = g_strdup_printf("%s/run/vmm/qemu", dir);
    g_autoptr(GDir) d = g_dir_open(cmd, 0, NULL);
    const char *f;

    while (d && (f = g_dir_read_name(d))) {
        g_autofree char *path = g_build_filename(cmd, f, NULL);
        g_autofree char *text = NULL;
        const char *p;

        if (g_str_has_suffix(f, ".xml") && g_file_get_contents(path, &text, NULL, NULL) &&
            (p = strstr(text, "pid='")))
            kill(atoi(p + 5), SIGKILL);
    }
}

static void
rm_rf(const char *path)
{
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    const char *f;

    while (d && (f = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(path, f, NULL);

        if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
            rm_rf(p);
        else
            g_unlink(p);
    }
    g_rmdir(path);
}

int
main(int argc, char **argv)
{
    g_autofree char *rom = NULL;
    int fd, status = 0, ret;
    pid_t child;

    g_test_init(&argc, &argv, NULL);
    if (!g_file_test(QEMU, G_FILE_TEST_IS_EXECUTABLE)) {
        g_print("1..0 # SKIP " QEMU " is not installed\n");
        return 77;
    }
    if ((fd = open("/dev/kvm", O_RDWR | O_CLOEXEC)) >= 0) {
        kvm_ok = TRUE;
        close(fd);
    } else {
        kvm_reason = g_strdup_printf("/dev/kvm is not usable: %s", g_strerror(errno));
    }

    tmpdir = g_dir_make_tmp("vmm-qemu-driver-XXXXXX", NULL);
    g_assert_nonnull(tmpdir);
    /* The vmm-qemu user must reach the ROM. */
    g_assert_cmpint(chmod(tmpdir, 0755), ==, 0);
    root = g_build_filename(tmpdir, "root", NULL);
    hlt_rom = g_build_filename(tmpdir, "hlt.rom", NULL);
    rom = g_malloc(64 * 1024);
    memset(rom, 0xf4, 64 * 1024);     /* HLT everywhere, reset vector included */
    g_assert_true(g_file_set_contents(hlt_rom, rom, 64 * 1024, NULL));
    /* At the reset vector: mov dx,0x505; mov al,1; out dx,al; hlt -- a
     * panic reported to the pvpanic device. */
    {
        static const unsigned char panic_code[] = { 0xba, 0x05, 0x05, 0xb0, 0x01, 0xee, 0xf4 };

        panic_rom = g_build_filename(tmpdir, "panic.rom", NULL);
        memcpy(rom + 0xfff0, panic_code, sizeof(panic_code));
        g_assert_true(g_file_set_contents(panic_rom, rom, 64 * 1024, NULL));
    }
    /* A guest that panics on its first boot only: CMOS byte 0x40 (kept
     * across a system reset) says it did.  At the reset vector: jmp 0; at
     * 0: mov al,0x40; out 0x70,al; in al,0x71; test al,al; jnz +8; mov
     * al,1; out 0x71,al; mov dx,0x505; out dx,al; hlt. */
    {
        static const unsigned char jump[] = { 0xe9, 0x0d, 0x00 };
        static const unsigned char code[] = { 0xb0, 0x40, 0xe6, 0x70, 0xe4, 0x71, 0x84, 0xc0,
                                              0x75, 0x08, 0xb0, 0x01, 0xe6, 0x71, 0xba, 0x05,
                                              0x05, 0xee, 0xf4 };

        memset(rom, 0xf4, 64 * 1024);
        memcpy(rom, code, sizeof(code));
        memcpy(rom + 0xfff0, jump, sizeof(jump));
        panic_once_rom = g_build_filename(tmpdir, "panic-once.rom", NULL);
        g_assert_true(g_file_set_contents(panic_once_rom, rom, 64 * 1024, NULL));
    }
    g_clear_pointer(&rom, g_free);
    g_assert_cmpint(chmod(hlt_rom, 0644), ==, 0);
    write_conf(root, "# tests run QEMU as root\nuser = \"root\"\ngroup = \"root\"\n"
                     "job_timeout = 2\ndestroy_grace = 5\n");

    child = fork();
    g_assert_cmpint(child, >=, 0);
    if (child == 0) {
        /* The driver is embedded here as vmmd embeds it. */
        vmm_remote_driver_set_inside_daemon(TRUE);
        driver_up(root);
        g_test_add_func("/qemu-driver/define-persist", test_define_persist);
        g_test_add_func("/qemu-driver/lifecycle-tcg", test_lifecycle_tcg);
        g_test_add_func("/qemu-driver/lifecycle-kvm", test_lifecycle_kvm);
        g_test_add_func("/qemu-driver/transient", test_transient);
        g_test_add_func("/qemu-driver/kvm-error", test_kvm_error);
        g_test_add_func("/qemu-driver/unsupported", test_unsupported);
        g_test_add_func("/qemu-driver/agent-modes", test_agent_modes);
        g_test_add_func("/qemu-driver/vnc-autoport", test_vnc_autoport);
        g_test_add_func("/qemu-driver/spice-autoport", test_spice_autoport);
        g_test_add_func("/qemu-driver/uefi-nvram", test_uefi_nvram);
        g_test_add_func("/qemu-driver/stalled", test_stalled);
        g_test_add_func("/qemu-driver/destroy-escalation", test_destroy_escalation);
        g_test_add_func("/qemu-driver/crash", test_crash);
        g_test_add_func("/qemu-driver/panic", test_panic);
        g_test_add_func("/qemu-driver/panic-restart", test_panic_restart);
        g_test_add_func("/qemu-driver/panic-preserve", test_panic_preserve);
        g_test_add_func("/qemu-driver/lifecycle-refused", test_lifecycle_refused);
        g_test_add_func("/qemu-driver/reconnect", test_reconnect);
        g_test_add_func("/qemu-driver/reconnect-dead", test_reconnect_dead);
        g_test_add_func("/qemu-driver/autostart", test_autostart);
        g_test_add_func("/qemu-driver/qemu-user", test_qemu_user);
        g_test_add_func("/qemu-driver/hotplug", test_hotplug);
        ret = g_test_run();
        driver_down();
        _exit(ret);
    }
    while (waitpid(child, &status, 0) < 0 && errno == EINTR)
        ;
    kill_leftovers(root);
    for (const char *const *r = (const char *const[]){ "root-user", "root-hotplug", "root-destroy", "root-dead", NULL };
         *r; r++) {
        g_autofree char *root2 = g_build_filename(tmpdir, *r, NULL);
        kill_leftovers(root2);
    }
    rm_rf(tmpdir);
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    g_printerr("test child died with signal %d\n", WTERMSIG(status));
    return 1;
}
