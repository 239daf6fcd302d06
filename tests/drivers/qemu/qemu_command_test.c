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
 * "*-nospice*" ones for a QEMU without SPICE.  VMM_REGENERATE=1 rewrites
 * the golden files.
 */
#include <string.h>

#include "testutils.h"
#include "conf/domain_def.h"
#include "drivers/qemu/qemu_command.h"
#include "util/vmm_error.h"

static char *caps_xml;

static VmmQemuCaps *
load_caps(gboolean spice)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *xml = g_strdup(caps_xml);
    VmmQemuCaps *caps;

    if (!spice) {
        char *flag = strstr(xml, "  <flag name='spice'/>\n");
        g_assert_nonnull(flag);
        memmove(flag, flag + strlen("  <flag name='spice'/>\n"),
                strlen(flag + strlen("  <flag name='spice'/>\n")) + 1);
    }
    caps = vmm_qemu_caps_parse_xml(xml, "x86_64.xml", &err);
    g_assert_no_error(err);
    return caps;
}

static GPtrArray *
fixed_firmware(void)
{
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_qemu_firmware_free);
    VmmQemuFirmware *fw = g_new0(VmmQemuFirmware, 1);

    fw->code = g_strdup("/usr/share/OVMF/OVMF_CODE_4M.fd");
    fw->vars = g_strdup("/usr/share/OVMF/OVMF_VARS_4M.fd");
    g_ptr_array_add(list, fw);
    fw = g_new0(VmmQemuFirmware, 1);
    fw->code = g_strdup("/usr/share/OVMF/OVMF_CODE_4M.secboot.fd");
    fw->vars = g_strdup("/usr/share/OVMF/OVMF_VARS_4M.ms.fd");
    fw->secure = TRUE;
    g_ptr_array_add(list, fw);
    return list;
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
    g_autoptr(GPtrArray) fw = fixed_firmware();
    g_autoptr(VmmQemuCommand) cmd = NULL;
    g_autofree char *monitor = g_strdup_printf("/run/vmm/qemu/%s.monitor", name);
    g_autofree char *nvram = g_strdup_printf("/var/lib/vmm/qemu/nvram/%s_VARS.fd", name);
    g_autofree char *channels = g_strdup_printf("/run/vmm/qemu/channel/%s", name);
    static const int taps[] = { 20, 21, 22, 23 };
    static const int vhosts[] = { 30, -1, -1, -1 };
    VmmQemuBuildParams params = {
        .monitor_path = monitor,
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
        .monitor_path = "/run/m",
        .tap_fds = taps, .n_tap_fds = 2,
        .vhost_fds = vhosts, .n_vhost_fds = 2,
    };

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    def = vmm_domain_def_parse_string(xml, path, 0, &err);
    g_assert_no_error(err);
    cmd = vmm_qemu_build_command(def, caps, &params, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(cmd->fds->len, ==, 3);
    g_assert_cmpint(g_array_index(cmd->fds, int, 0), ==, 20);
    g_assert_cmpint(g_array_index(cmd->fds, int, 1), ==, 30);
    g_assert_cmpint(g_array_index(cmd->fds, int, 2), ==, 21);
    g_clear_pointer(&cmd, vmm_qemu_command_free);

    /* Without a tap fd a system-mode NIC cannot be built. */
    params.n_tap_fds = 1;
    cmd = vmm_qemu_build_command(def, caps, &params, &err);
    g_assert_null(cmd);
    g_assert_error(err, VMM_ERROR, VMM_ERR_INTERNAL_ERROR);
    g_assert_cmpstr(err->message, ==, "internal error: no tap device was opened for "
                    "interface 1 (type 'bridge')");
}

static gint
cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int
main(int argc, char **argv)
{
    g_autofree char *caps_path = test_data_path("drivers/qemu/data/caps/x86_64.xml");
    g_autofree char *dir = test_data_path("drivers/qemu/data/command");
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = NULL;
    const char *file;
    int ret;

    g_test_init(&argc, &argv, NULL);
    g_assert_true(g_file_get_contents(caps_path, &caps_xml, NULL, NULL));
    d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    while ((file = g_dir_read_name(d))) {
        if (g_str_has_suffix(file, ".xml"))
            g_ptr_array_add(names, g_strndup(file, strlen(file) - 4));
    }
    g_ptr_array_sort(names, cmp_names);
    for (guint i = 0; i < names->len; i++) {
        g_autofree char *path = g_strdup_printf("/qemu/command/%s",
                                                (char *)names->pdata[i]);
        g_test_add_data_func(path, names->pdata[i], test_case);
    }
    g_test_add_func("/qemu/command/to-string", test_to_string);
    g_test_add_func("/qemu/command/fds", test_fds);
    ret = g_test_run();
    g_free(caps_xml);
    return ret;
}
