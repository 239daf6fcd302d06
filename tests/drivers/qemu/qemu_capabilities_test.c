/*
 * qemu_capabilities_test.c: tests for drivers/qemu/qemu_capabilities*.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The committed caps document (data/caps/x86_64.xml) was probed from the
 * QEMU 7.2 installed here; the real probe test rewrites it under
 * VMM_REGENERATE=1.  Everything else runs without QEMU.
 */
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <utime.h>
#include <glib/gstdio.h>

#include "testutils.h"
#include "qemutest.h"
#include "drivers/qemu/qemu_capabilities.h"
#include "drivers/qemu/qemu_capabilities_priv.h"
#include "util/vmm_error.h"

#define REAL_QEMU "/usr/bin/qemu-system-x86_64"

static VmmQemuCaps *
load_caps(void)
{
    g_autofree char *path = test_data_path("drivers/qemu/data/caps/x86_64.xml");
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    VmmQemuCaps *caps;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    caps = vmm_qemu_caps_parse_xml(xml, path, &err);
    g_assert_no_error(err);
    return caps;
}

static VmmQemuHostInfo *
fixed_host(void)
{
    VmmQemuHostInfo *host = g_new0(VmmQemuHostInfo, 1);
    host->arch = g_strdup("x86_64");
    host->vendor = g_strdup("Intel");
    host->sockets = 1;
    host->dies = 1;
    host->cores = 4;
    host->threads = 2;
    host->uuid = g_strdup("5f1d8c3a-0b6e-4c47-9d1e-2a7b3c4d5e6f");
    return host;
}

static void
test_round_trip(void)
{
    g_autofree char *path = test_data_path("drivers/qemu/data/caps/x86_64.xml");
    g_autofree char *xml = NULL;
    g_autoptr(VmmQemuCaps) caps = load_caps();
    g_autofree char *out = vmm_qemu_caps_format_xml(caps);

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    g_assert_cmpstr(out, ==, xml);
    g_assert_cmpstr(vmm_qemu_caps_get_arch(caps), ==, "x86_64");
    g_assert_cmpuint(vmm_qemu_caps_get_version(caps), >=, 7002000);
    g_assert_true(vmm_qemu_caps_has_device(caps, "virtio-blk-pci"));
    g_assert_false(vmm_qemu_caps_has_device(caps, "no-such-device"));
    g_assert_true(vmm_qemu_caps_has_cpu_model(caps, "qemu64"));
    g_assert_nonnull(vmm_qemu_caps_get_machine(caps, "pc"));
    g_assert_nonnull(vmm_qemu_caps_get_machine(caps, "q35"));
    g_assert_nonnull(vmm_qemu_caps_get_machine(caps, NULL));
    g_assert_null(vmm_qemu_caps_get_machine(caps, "no-such-machine"));
}

static void
test_parse_invalid(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmQemuCaps) caps =
        vmm_qemu_caps_parse_xml("<qemuCaps><version major='7' minor='2' micro='0'/>"
                                "</qemuCaps>", "bad.xml", &err);

    g_assert_null(caps);
    g_assert_error(err, VMM_ERROR, VMM_ERR_XML_ERROR);
    g_assert_cmpstr(err->message, ==,
                    "XML error: QEMU capabilities lack <emulator path=''>");
}

static void
test_capabilities(gconstpointer data)
{
    gboolean kvm = GPOINTER_TO_INT(data);
    g_autoptr(VmmQemuHostInfo) host = fixed_host();
    g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_qemu_caps_free);
    g_autofree char *out = NULL;
    g_autofree char *golden = test_data_path(kvm ? "drivers/qemu/data/capabilities-kvm.xml"
                                                 : "drivers/qemu/data/capabilities-tcg.xml");

    g_ptr_array_add(list, load_caps());
    out = vmm_qemu_caps_format_capabilities(host, list, kvm);
    test_assert_golden(golden, out);
}

typedef struct {
    const char *name;
    const char *machine;
    const char *virt_type;
} DomcapsCase;

static void
test_domcaps(gconstpointer data)
{
    const DomcapsCase *c = data;
    g_autoptr(VmmQemuCaps) caps = load_caps();
    g_autoptr(GPtrArray) fw = qemutest_fixed_firmware();
    g_autoptr(GError) err = NULL;
    g_autofree char *rel = g_strdup_printf("drivers/qemu/data/domcaps-%s.xml", c->name);
    g_autofree char *golden = test_data_path(rel);
    g_autofree char *out = vmm_qemu_caps_format_domcapabilities(caps, c->machine, c->virt_type,
                                                                fw, TRUE, &err);

    g_assert_no_error(err);
    test_assert_golden(golden, out);
}

static void
test_domcaps_errors(void)
{
    g_autoptr(VmmQemuCaps) caps = load_caps();
    g_autoptr(GError) err = NULL;
    char *out;

    out = vmm_qemu_caps_format_domcapabilities(caps, "nope", "qemu", NULL, TRUE, &err);
    g_assert_null(out);
    g_assert_cmpstr(err->message, ==, "invalid argument: Emulator '" REAL_QEMU
                    "' does not support machine type 'nope'");
    g_clear_error(&err);
    out = vmm_qemu_caps_format_domcapabilities(caps, NULL, "kvm", NULL, FALSE, &err);
    g_assert_null(out);
    g_assert_cmpstr(err->message, ==, "invalid argument: KVM is not supported by '"
                    REAL_QEMU "' on this host");
    g_clear_error(&err);
    out = vmm_qemu_caps_format_domcapabilities(caps, NULL, "xen", NULL, TRUE, &err);
    g_assert_null(out);
    g_assert_cmpstr(err->message, ==,
                    "invalid argument: virttype 'xen' is not supported by the QEMU driver");
}

static void
test_kvm_check(void)
{
    g_autoptr(VmmQemuCaps) caps = load_caps();
    g_autoptr(GError) err = NULL;

    g_setenv("VMM_KVM_DEVICE", "/nonexistent/kvm", TRUE);
    g_assert_false(vmm_qemu_kvm_check(&err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_CONFIG_UNSUPPORTED);
    g_assert_cmpstr(err->message, ==, "unsupported configuration: KVM is not available: "
                    "cannot open /nonexistent/kvm: No such file or directory");
    g_clear_error(&err);
    g_assert_false(vmm_qemu_caps_check_virt_type(caps, "kvm", &err));
    g_assert_cmpstr(err->message, ==, "unsupported configuration: KVM is not available: "
                    "cannot open /nonexistent/kvm: No such file or directory");
    g_clear_error(&err);
    g_assert_true(vmm_qemu_caps_check_virt_type(caps, "qemu", &err));
    g_assert_no_error(err);
    g_assert_false(vmm_qemu_caps_check_virt_type(caps, "xen", &err));
    g_assert_cmpstr(err->message, ==, "unsupported configuration: domain type 'xen' is not "
                    "supported by the QEMU driver");
    g_clear_error(&err);
    /* /dev/null opens read-write: stands in for a usable device. */
    g_setenv("VMM_KVM_DEVICE", "/dev/null", TRUE);
    g_assert_true(vmm_qemu_caps_check_virt_type(caps, "kvm", &err));
    g_assert_no_error(err);
    g_unsetenv("VMM_KVM_DEVICE");
}

static void
test_firmware_find(void)
{
    g_autofree char *dir = g_dir_make_tmp("vmm-ovmf-XXXXXX", NULL);
    g_autoptr(GPtrArray) list = NULL;
    const char *files[] = { "OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd", "OVMF_CODE.fd" };

    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *p = g_build_filename(dir, files[i], NULL);
        g_assert_true(g_file_set_contents(p, "x", 1, NULL));
    }
    list = vmm_qemu_firmware_find(dir);
    /* OVMF_CODE.fd has no OVMF_VARS.fd beside it: skipped. */
    g_assert_cmpuint(list->len, ==, 1);
    g_assert_true(g_str_has_suffix(((VmmQemuFirmware *)list->pdata[0])->code,
                                   "/OVMF_CODE_4M.fd"));
    for (size_t i = 0; i < G_N_ELEMENTS(files); i++) {
        g_autofree char *p = g_build_filename(dir, files[i], NULL);
        g_unlink(p);
    }
    g_rmdir(dir);
}

static guint
count_lines(const char *path)
{
    g_autofree char *text = NULL;
    guint n = 0;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* A real probe through a wrapper that logs each run, then cache hits. */
static void
test_probe_real(void)
{
    g_autofree char *dir = NULL;
    g_autofree char *cache = NULL;
    g_autofree char *wrapper = NULL;
    g_autofree char *log = NULL;
    g_autofree char *script = NULL;
    g_autofree char *first = NULL;
    g_autoptr(GError) err = NULL;
    g_auto(GStrv) found = NULL;
    VmmQemuCaps *caps;
    unsigned int probes;
    struct utimbuf times;

    if (!g_file_test(REAL_QEMU, G_FILE_TEST_IS_EXECUTABLE)) {
        g_test_skip("no " REAL_QEMU " installed");
        return;
    }
    /* Not under /tmp, which may be mounted noexec: the build directory. */
    {
        g_autofree char *cwd = g_get_current_dir();
        dir = g_build_filename(cwd, "vmm-qemu-caps-XXXXXX", NULL);
        g_assert_nonnull(g_mkdtemp(dir));
    }
    cache = g_build_filename(dir, "cache", NULL);
    wrapper = g_build_filename(dir, "qemu-system-x86_64", NULL);
    log = g_build_filename(dir, "runs.log", NULL);
    script = g_strdup_printf("#!/bin/sh\necho run >> '%s'\nexec " REAL_QEMU " \"$@\"\n", log);
    g_assert_true(g_file_set_contents(wrapper, script, -1, NULL));
    g_assert_cmpint(g_chmod(wrapper, 0755), ==, 0);

    g_setenv("VMM_QEMU_BINARY_DIR", dir, TRUE);
    found = vmm_qemu_caps_find_binaries();
    g_unsetenv("VMM_QEMU_BINARY_DIR");
    g_assert_cmpuint(g_strv_length(found), ==, 1);
    g_assert_cmpstr(found[0], ==, wrapper);

    /* 1. a probe, which writes the cache */
    probes = vmm_qemu_caps_probe_count();
    caps = vmm_qemu_caps_new_for_binary(wrapper, cache, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(vmm_qemu_caps_probe_count(), ==, probes + 1);
    g_assert_cmpuint(count_lines(log), ==, 1);
    g_assert_cmpstr(vmm_qemu_caps_get_arch(caps), ==, "x86_64");
    g_assert_cmpuint(vmm_qemu_caps_get_version(caps), >=, 7000000);
    g_assert_nonnull(vmm_qemu_caps_get_machine(caps, "pc"));
    g_assert_nonnull(vmm_qemu_caps_get_machine(caps, NULL));
    g_assert_true(vmm_qemu_caps_has_device(caps, "virtio-net-pci"));
    g_assert_true(vmm_qemu_caps_has_cpu_model(caps, "qemu64"));
    first = vmm_qemu_caps_format_xml(caps);
    vmm_qemu_caps_free(caps);

    /* 2. the cache answers: QEMU does not run */
    caps = vmm_qemu_caps_new_for_binary(wrapper, cache, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(vmm_qemu_caps_probe_count(), ==, probes + 1);
    g_assert_cmpuint(count_lines(log), ==, 1);
    {
        g_autofree char *again = vmm_qemu_caps_format_xml(caps);
        g_assert_cmpstr(again, ==, first);
    }
    vmm_qemu_caps_free(caps);

    /* 3. a new mtime invalidates the entry */
    times.actime = times.modtime = 1000000000;
    g_assert_cmpint(utime(wrapper, &times), ==, 0);
    caps = vmm_qemu_caps_new_for_binary(wrapper, cache, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(vmm_qemu_caps_probe_count(), ==, probes + 2);
    g_assert_cmpuint(count_lines(log), ==, 2);
    vmm_qemu_caps_free(caps);

    /* 4. so does a new size */
    {
        g_autofree char *longer = g_strdup_printf("%s# padding\n", script);
        g_assert_true(g_file_set_contents(wrapper, longer, -1, NULL));
        g_assert_cmpint(g_chmod(wrapper, 0755), ==, 0);
        g_assert_cmpint(utime(wrapper, &times), ==, 0);
    }
    caps = vmm_qemu_caps_new_for_binary(wrapper, cache, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(count_lines(log), ==, 3);
    vmm_qemu_caps_free(caps);

    /* The committed caps document comes from the real binary. */
    if (g_strcmp0(g_getenv("VMM_REGENERATE"), "1") == 0) {
        g_autofree char *golden = test_data_path("drivers/qemu/data/caps/x86_64.xml");
        g_autofree char *xml = NULL;
        caps = vmm_qemu_caps_probe(REAL_QEMU, &err);
        g_assert_no_error(err);
        xml = vmm_qemu_caps_format_xml(caps);
        test_assert_golden(golden, xml);
        vmm_qemu_caps_free(caps);
    }

    {
        g_autoptr(GDir) d = g_dir_open(cache, 0, NULL);
        const char *name;
        while (d && (name = g_dir_read_name(d))) {
            g_autofree char *p = g_build_filename(cache, name, NULL);
            g_unlink(p);
        }
    }
    g_rmdir(cache);
    g_unlink(wrapper);
    g_unlink(log);
    g_rmdir(dir);
}

static void
test_probe_missing(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmQemuCaps) caps =
        vmm_qemu_caps_new_for_binary("/nonexistent/qemu-system-x86_64", NULL, &err);

    g_assert_null(caps);
    g_assert_cmpstr(err->message, ==, "cannot stat QEMU binary "
                    "'/nonexistent/qemu-system-x86_64': No such file or directory");
}

int
main(int argc, char **argv)
{
    static const DomcapsCase domcaps[] = {
        { "pc-kvm", "pc", "kvm" },
        { "q35-kvm", "q35", "kvm" },
        { "default-qemu", NULL, "qemu" },
    };

    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu/caps/round-trip", test_round_trip);
    g_test_add_func("/qemu/caps/parse-invalid", test_parse_invalid);
    g_test_add_data_func("/qemu/caps/capabilities-kvm", GINT_TO_POINTER(TRUE),
                         test_capabilities);
    g_test_add_data_func("/qemu/caps/capabilities-tcg", GINT_TO_POINTER(FALSE),
                         test_capabilities);
    for (size_t i = 0; i < G_N_ELEMENTS(domcaps); i++) {
        g_autofree char *path = g_strdup_printf("/qemu/caps/domcaps-%s", domcaps[i].name);
        g_test_add_data_func(path, &domcaps[i], test_domcaps);
    }
    g_test_add_func("/qemu/caps/domcaps-errors", test_domcaps_errors);
    g_test_add_func("/qemu/caps/kvm-check", test_kvm_check);
    g_test_add_func("/qemu/caps/firmware-find", test_firmware_find);
    g_test_add_func("/qemu/caps/probe-missing", test_probe_missing);
    g_test_add_func("/qemu/caps/probe-real", test_probe_real);
    return g_test_run();
}
