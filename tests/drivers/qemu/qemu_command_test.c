/*
 * qemu_command_test.c: tests for drivers/qemu/qemu_command.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every tests/drivers/qemu/data/command/CASE.xml is a domain that must pass
 * our schema.  It builds to exactly CASE.args, or, when CASE ends in
 * "-unsupported", fails with exactly the message in CASE.err.  Cases use
 * the committed capabilities of QEMU 7.2 (data/caps/x86_64.xml), so no
 * QEMU runs.  Cases named "session-*" build for qemu:///session, and
 * "*-nospice*" ones for a QEMU without SPICE.  hugetlbfs.mounts stands
 * for /proc/mounts (the hugetlbfs mounts of explicit page sizes).  VMM_REGENERATE=1 rewrites
 * the golden files.
 */
#include <string.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>

#include "testutils.h"
#include "qemutest.h"
#include "conf/domain_def.h"
#include "drivers/qemu/qemu_command.h"
#include "drivers/qemu/qemu_monitor.h"
#include "util/vmm_error.h"

#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

static char *caps_xml;

static VmmQemuCaps *
load_caps(gboolean spice)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GString) xml = g_string_new(caps_xml);
    VmmQemuCaps *caps;

    /* GString rather than memmove() in place: GCC's -Wstringop-overread
     * misreads that under -fsanitize=address. */
    if (!spice)
        g_assert_cmpuint(g_string_replace(xml, "  <flag name='spice'/>\n", "", 1), ==, 1);
    caps = vmm_qemu_caps_parse_xml(xml->str, "x86_64.xml", &err);
    g_assert_no_error(err);
    return caps;
}

static void
test_case(gconstpointer data)
{
    const char *name = data;
    g_autofree char *dir = test_data_path("drivers/qemu/data/command");
    g_autofree char *in = g_strdup_printf("%s/%s.xml", dir, name);
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) def = NULL;
    g_autoptr(VmmQemuCaps) caps = load_caps(strstr(name, "nospice") == NULL);
    g_autoptr(GPtrArray) fw = qemutest_fixed_firmware();
    g_autoptr(VmmQemuCommand) cmd = NULL;
    g_autofree char *nvram = g_strdup_printf("/var/lib/vmm/qemu/nvram/%s_VARS.fd", name);
    g_autofree char *channels = g_strdup_printf("/run/vmm/qemu/channel/%s", name);
    g_autofree char *mounts = g_strdup_printf("%s/hugetlbfs.mounts", dir);
    static const int taps[] = { 20, 21, 22, 23 };
    static const int vhosts[] = { 30, -1, -1, -1 };
    VmmQemuBuildParams params = {
        .monitor_fd = 19,
        .start_paused = TRUE,
        .session = g_str_has_prefix(name, "session-"),
        .tap_fds = g_str_has_prefix(name, "session-") ? NULL : taps,
        .n_tap_fds = g_str_has_prefix(name, "session-") ? 0 : G_N_ELEMENTS(taps),
        .vhost_fds = strstr(name, "vhost") ? vhosts : NULL,
        .n_vhost_fds = strstr(name, "vhost") ? G_N_ELEMENTS(vhosts) : 0,
        .vnc_port = 5901,
        .spice_port = 5902,
        .nvram_path = nvram,
        .channel_dir = channels,
        .mounts_path = mounts,
        .firmware = fw,
    };

    g_assert_true(g_file_get_contents(in, &xml, NULL, NULL));
    def = vmm_domain_def_parse_string(xml, in, VMM_DOMAIN_DEF_PARSE_VALIDATE, &err);
    g_assert_no_error(err);
    cmd = vmm_qemu_build_command(def, caps, &params, &err);

    if (g_str_has_suffix(name, "-unsupported")) {
        g_autofree char *errfile = g_strdup_printf("%s/%s.err", dir, name);
        g_autofree char *msg = NULL;
        g_assert_null(cmd);
        g_assert_nonnull(err);
        msg = g_strdup_printf("%s\n", err->message);
        test_assert_golden(errfile, msg);
    } else {
        g_autofree char *argsfile = g_strdup_printf("%s/%s.args", dir, name);
        g_autofree char *args = NULL;
        g_assert_no_error(err);
        args = vmm_qemu_command_to_string((const char *const *)cmd->argv->pdata);
        test_assert_golden(argsfile, args);
    }
}

static void
test_to_string(void)
{
    const char *const argv[] = {
        "/usr/bin/qemu-system-x86_64", "-name", "guest=a b", "-S", "-append",
        "it's", "-nodefaults", NULL,
    };
    g_autofree char *s = vmm_qemu_command_to_string(argv);

    g_assert_cmpstr(s, ==, "/usr/bin/qemu-system-x86_64 \\\n"
                           "-name 'guest=a b' \\\n"
                           "-S \\\n"
                           "-append 'it'\\''s' \\\n"
                           "-nodefaults\n");
}

/* fds handed in for taps come back in the command's fd list. */
static void
test_fds(void)
{
    g_autofree char *path = test_data_path("drivers/qemu/data/command/net-tap-vhost.xml");
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) def = NULL;
    g_autoptr(VmmQemuCaps) caps = load_caps(TRUE);
    g_autoptr(VmmQemuCommand) cmd = NULL;
    static const int taps[] = { 20, 21 };
    static const int vhosts[] = { 30, -1 };
    VmmQemuBuildParams params = {
        .monitor_fd = 19,
        .tap_fds = taps, .n_tap_fds = 2,
        .vhost_fds = vhosts, .n_vhost_fds = 2,
    };

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    def = vmm_domain_def_parse_string(xml, path, 0, &err);
    g_assert_no_error(err);
    cmd = vmm_qemu_build_command(def, caps, &params, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(cmd->fds->len, ==, 4);
    g_assert_cmpint(g_array_index(cmd->fds, int, 0), ==, 19);
    g_assert_cmpint(cmd->monitor_fd, ==, 19);
    g_assert_cmpint(g_array_index(cmd->fds, int, 1), ==, 20);
    g_assert_cmpint(g_array_index(cmd->fds, int, 2), ==, 30);
    g_assert_cmpint(g_array_index(cmd->fds, int, 3), ==, 21);
    g_clear_pointer(&cmd, vmm_qemu_command_free);

    /* The monitor socket is not optional. */
    params.monitor_fd = -1;
    cmd = vmm_qemu_build_command(def, caps, &params, &err);
    g_assert_null(cmd);
    g_assert_error(err, VMM_ERROR, VMM_ERR_INTERNAL_ERROR);
    g_clear_error(&err);
    params.monitor_fd = 19;

    /* Without a tap fd a system-mode NIC cannot be built. */
    params.n_tap_fds = 1;
    cmd = vmm_qemu_build_command(def, caps, &params, &err);
    g_assert_null(cmd);
    g_assert_error(err, VMM_ERROR, VMM_ERR_INTERNAL_ERROR);
    g_assert_cmpstr(err->message, ==, "internal error: no tap device was opened for "
                    "interface 1 (type 'bridge')");
}

/* The firmware the process code copies NVRAM from. */
static void
test_firmware_select(void)
{
    g_autoptr(GPtrArray) fw = qemutest_fixed_firmware();
    g_autoptr(GError) err = NULL;
    const char *code, *vars;
    struct {
        const char *os, *code, *vars;
    } cases[] = {
        { "<os><type>hvm</type></os>", NULL, NULL },
        { "<os firmware='efi'><type>hvm</type></os>",
          "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd" },
        { "<os><type>hvm</type><loader readonly='yes' type='pflash'>"
          "/usr/share/OVMF/OVMF_CODE_4M.fd</loader></os>",
          "/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd" },
        { "<os><type>hvm</type><loader readonly='yes' type='pflash'>/opt/CODE.fd</loader>"
          "<nvram template='/opt/VARS.fd'/></os>", "/opt/CODE.fd", "/opt/VARS.fd" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *xml = g_strdup_printf("<domain type='qemu'><name>fw</name>"
                                               "<memory>131072</memory>%s</domain>",
                                               cases[i].os);
        g_autoptr(VmmDomainDef) def = vmm_domain_def_parse_string(xml, NULL, 0, &err);
        g_assert_no_error(err);
        g_assert_true(vmm_qemu_firmware_select(def, fw, &code, &vars, &err));
        g_assert_no_error(err);
        g_assert_cmpstr(code, ==, cases[i].code);
        g_assert_cmpstr(vars, ==, cases[i].vars);
    }
}

static void
die_with_parent(gpointer data)
{
    prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static char *
qmp_exchange(GDataInputStream *in, GOutputStream *out, const char *cmd)
{
    for (;;) {
        char *line;
        if (cmd && !g_output_stream_write_all(out, cmd, strlen(cmd), NULL, NULL, NULL))
            return NULL;
        cmd = NULL;
        if (!(line = g_data_input_stream_read_line_utf8(in, NULL, NULL, NULL)))
            return NULL;
        if (!strstr(line, "\"event\""))
            return g_strchomp(line);     /* QMP ends lines with CR LF */
        g_free(line);
    }
}

static const char real_pc_xml[] =
        "<domain type='qemu'><name>real</name><memory unit='MiB'>96</memory>"
        "<vcpu>2</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>"
        "<features><acpi/></features><cpu mode='maximum'/>"
        "<clock offset='utc'><timer name='rtc' tickpolicy='catchup'/></clock>"
        "<devices>"
        "<disk type='file' device='disk'><driver name='qemu' type='raw' cache='none' "
        "io='native' discard='unmap'/><source file='@DIR@/disk.img'/>"
        "<target dev='vda' bus='virtio'/><serial>S1</serial></disk>"
        "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file='@DIR@/disk2.img'/><target dev='sda' bus='scsi'/><readonly/></disk>"
        "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>"
        "<disk type='file' device='disk'><driver name='qemu' type='raw'/>"
        "<source file='@DIR@/disk3.img'/><target dev='sdb' bus='sata'/></disk>"
        "<controller type='usb' model='qemu-xhci'/>"
        "<interface type='network'><source network='default'/><model type='virtio'/>"
        "</interface>"
        "<interface type='user'><model type='e1000'/></interface>"
        "<serial type='pty'/><console type='pty'/>"
        "<channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/></channel>"
        "<input type='tablet' bus='usb'/>"
        "<graphics type='vnc'><listen type='socket' socket='@DIR@/vnc.sock'/></graphics>"
        "<video><model type='virtio'/></video>"
        "<watchdog model='i6300esb' action='pause'/>"
        "<memballoon model='virtio'/>"
        "<rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>"
        "</devices></domain>";

static const char real_q35_xml[] =
        "<domain type='qemu'><name>real-q35</name><memory unit='MiB'>96</memory>"
        "<os firmware='efi'><type arch='x86_64' machine='q35'>hvm</type>"
        "<bootmenu enable='yes'/></os>"
        "<features><acpi/><smm state='on'/></features><cpu mode='host-model'/>"
        "<memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>"
        "<devices>"
        "<disk type='file' device='disk'><driver name='qemu' type='raw' cache='writeback'/>"
        "<source file='@DIR@/disk.img'/><target dev='sda' bus='sata'/><boot order='1'/></disk>"
        "<disk type='file' device='cdrom'><source file='@DIR@/disk2.img'/>"
        "<target dev='sdb' bus='sata'/><readonly/></disk>"
        "<disk type='file' device='disk'><source file='@DIR@/disk3.img'/>"
        "<target dev='vda' bus='virtio'/></disk>"
        "<controller type='pci' index='0' model='pcie-root'/>"
        "<controller type='pci' index='1' model='pcie-root-port'/>"
        "<controller type='usb' model='qemu-xhci'/>"
        "<interface type='user'><model type='virtio'/>"
        "<address type='pci' domain='0' bus='1' slot='0' function='0'/></interface>"
        "<serial type='file'><source path='@DIR@/serial.log'/></serial>"
        "<channel type='unix'><source mode='bind' path='@DIR@/ch.sock'/>"
        "<target type='virtio' name='org.example.x'/></channel>"
        "<console type='pty'><target type='virtio'/></console>"
        "<input type='keyboard' bus='virtio'/>"
        "<graphics type='spice'><listen type='socket' socket='@DIR@/spice.sock'/></graphics>"
        "<video><model type='qxl'/></video>"
        "<rng model='virtio'><backend model='builtin'/></rng>"
        "<panic model='isa'/>"
        "</devices></domain>";

/*
 * The real QEMU accepts what the builder makes: a TCG domain with most
 * device kinds starts paused and answers QMP on the monitor socket.
 * @data is the domain, with @DIR@ standing for a scratch directory.
 */
static void
test_real_qemu(gconstpointer data)
{
    g_autofree char *cwd = g_get_current_dir();
    g_autofree char *dir = g_build_filename(cwd, "vmm-qemu-real-XXXXXX", NULL);
    g_autofree char *disk = NULL;
    g_autofree char *mon = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *nvram_path = NULL;
    g_autoptr(GPtrArray) fw = vmm_qemu_firmware_find(NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) def = NULL;
    g_autoptr(VmmQemuCaps) caps = load_caps(TRUE);
    g_autoptr(VmmQemuCommand) cmd = NULL;
    g_autoptr(GSubprocessLauncher) launcher = NULL;
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GSocketClient) client = NULL;
    g_autoptr(GSocketConnection) conn = NULL;
    g_autoptr(GSocketAddress) addr = NULL;
    g_autoptr(GDataInputStream) in = NULL;
    g_autofree char *greeting = NULL;
    g_autofree char *reply = NULL;
    g_autofree char *status = NULL;
    VmmQemuBuildParams params = { 0 };

    if (!g_file_test(vmm_qemu_caps_get_binary(caps), G_FILE_TEST_IS_EXECUTABLE)) {
        g_test_skip("no /usr/bin/qemu-system-x86_64 installed");
        return;
    }
    if (strstr(data, "firmware='efi'") && fw->len == 0) {
        g_test_skip("no OVMF firmware in /usr/share/OVMF");
        return;
    }
    g_assert_nonnull(g_mkdtemp(dir));
    disk = g_build_filename(dir, "disk.img", NULL);
    mon = g_build_filename(dir, "monitor.sock", NULL);
    nvram_path = g_build_filename(dir, "VARS.fd", NULL);
    for (int i = 1; i <= 3; i++) {
        g_autofree char *img = i == 1 ? g_strdup(disk)
                                      : g_strdup_printf("%s/disk%d.img", dir, i);
        g_assert_true(g_file_set_contents(img, "", 0, NULL));
        g_assert_cmpint(truncate(img, 1 << 20), ==, 0);
    }
    {
        g_auto(GStrv) parts = g_strsplit(data, "@DIR@", -1);
        g_autofree char *nvram = g_build_filename(dir, "VARS.fd", NULL);
        g_autofree char *vars = NULL;
        gsize len;
        xml = g_strjoinv(dir, parts);
        /* What the process code does: a per-domain copy of the template. */
        if (g_file_get_contents("/usr/share/OVMF/OVMF_VARS_4M.fd", &vars, &len, NULL))
            g_assert_true(g_file_set_contents(nvram, vars, len, NULL));
    }
    def = vmm_domain_def_parse_string(xml, NULL, VMM_DOMAIN_DEF_PARSE_VALIDATE, &err);
    g_assert_no_error(err);
    /* As vmmd does: the socket listens before QEMU runs. */
    params.monitor_fd = vmm_qemu_monitor_listen_unix(mon, (uid_t)-1, (gid_t)-1, &err);
    g_assert_no_error(err);
    params.start_paused = TRUE;
    params.session = TRUE;
    params.channel_dir = dir;
    params.nvram_path = nvram_path;
    params.firmware = fw;
    cmd = vmm_qemu_build_command(def, caps, &params, &err);
    g_assert_no_error(err);

    /* QEMU dies with the test, also when an assertion aborts it. */
    launcher = g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                         G_SUBPROCESS_FLAGS_STDERR_MERGE);
    g_subprocess_launcher_set_child_setup(launcher, die_with_parent, NULL, NULL);
    g_subprocess_launcher_take_fd(launcher, params.monitor_fd, params.monitor_fd);
    proc = g_subprocess_launcher_spawnv(launcher, (const char *const *)cmd->argv->pdata,
                                        &err);
    g_assert_no_error(err);
    /* Only QEMU holds the listening socket now. */
    g_clear_object(&launcher);

    client = g_socket_client_new();
    addr = g_unix_socket_address_new(mon);
    conn = g_socket_client_connect(client, G_SOCKET_CONNECTABLE(addr), NULL, &err);
    g_assert_no_error(err);
    in = g_data_input_stream_new(g_io_stream_get_input_stream(G_IO_STREAM(conn)));
    greeting = qmp_exchange(in, NULL, NULL);
    if (greeting)
        reply = qmp_exchange(in, g_io_stream_get_output_stream(G_IO_STREAM(conn)),
                             "{\"execute\":\"qmp_capabilities\"}\n");
    if (!reply) {
        g_autofree char *output = NULL;
        g_autofree char *args = vmm_qemu_command_to_string(
            (const char *const *)cmd->argv->pdata);
        g_subprocess_communicate_utf8(proc, NULL, NULL, &output, NULL, NULL);
        g_error("QEMU refused the command line:\n%s%s", args, output);
    }
    g_assert_nonnull(strstr(greeting, "\"QMP\""));
    g_assert_cmpstr(reply, ==, "{\"return\": {}}");
    status = qmp_exchange(in, g_io_stream_get_output_stream(G_IO_STREAM(conn)),
                          "{\"execute\":\"query-status\"}\n");
    g_assert_nonnull(strstr(status, "\"status\": \"prelaunch\""));
    g_free(qmp_exchange(in, g_io_stream_get_output_stream(G_IO_STREAM(conn)),
                        "{\"execute\":\"quit\"}\n"));
    g_subprocess_wait(proc, NULL, &err);
    g_assert_no_error(err);
    g_assert_true(g_subprocess_get_if_exited(proc));
    g_assert_cmpint(g_subprocess_get_exit_status(proc), ==, 0);

    {
        g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
        const char *name;
        while ((name = g_dir_read_name(d))) {
            g_autofree char *p = g_build_filename(dir, name, NULL);
            g_unlink(p);
        }
    }
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_autofree char *caps_path = test_data_path("drivers/qemu/data/caps/x86_64.xml");
    g_autoptr(GPtrArray) names = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    g_assert_true(g_file_get_contents(caps_path, &caps_xml, NULL, NULL));
    names = qemutest_case_names("drivers/qemu/data/command");
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path = g_strdup_printf("/qemu/command/%s",
                                                (char *)names->pdata[i]);
        g_test_add_data_func(path, names->pdata[i], test_case);
    }
    g_test_add_func("/qemu/command/to-string", test_to_string);
    g_test_add_func("/qemu/command/fds", test_fds);
    g_test_add_func("/qemu/command/firmware-select", test_firmware_select);
    g_test_add_data_func("/qemu/command/real-qemu-pc", real_pc_xml, test_real_qemu);
    g_test_add_data_func("/qemu/command/real-qemu-q35", real_q35_xml, test_real_qemu);
    ret = g_test_run();
    g_free(caps_xml);
    return ret;
}
