/*
 * vmm_file_test.c: atomic writes, including one interrupted part-way.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "util/vmm_file.h"
#include "util/vmm_file_priv.h"
#include "util/vmm_error.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

static char *
make_tmpdir(void)
{
    g_autoptr(GError) err = NULL;
    char *dir = g_dir_make_tmp("vmm-file-XXXXXX", &err);
    g_assert_no_error(err);
    return dir;
}

static guint
count_entries(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    guint n = 0;
    while (g_dir_read_name(d))
        n++;
    return n;
}

static void
test_write_and_replace(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *path = g_build_filename(dir, "a.xml", NULL);
    g_autofree char *back = NULL;
    g_autoptr(GError) err = NULL;
    struct stat st;

    g_assert_true(vmm_file_write_atomic(path, "first\n", -1, 0600, &err));
    g_assert_true(vmm_file_write_atomic(path, "second\n", -1, 0600, &err));
    back = vmm_file_read_all(path, 0, &err);
    g_assert_cmpstr(back, ==, "second\n");
    g_assert_cmpint(g_stat(path, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    g_assert_cmpuint(count_entries(dir), ==, 1);   /* no temp file left */
    g_unlink(path);
    g_rmdir(dir);
}

static void
test_interrupted_write_keeps_old(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *path = g_build_filename(dir, "dom.xml", NULL);
    g_autofree char *back = NULL;
    g_autoptr(GError) err = NULL;
    const char *old = "<domain><name>old</name></domain>\n";
    const char *new = "<domain><name>new-and-much-longer</name></domain>\n";

    g_assert_true(vmm_file_write_atomic(path, old, -1, 0600, &err));
    vmm_file_set_write_fault(10);
    g_assert_false(vmm_file_write_atomic(path, new, -1, 0600, &err));
    vmm_file_set_write_fault(-1);
    g_assert_error(err, VMM_ERROR, VMM_ERR_WRITE_FAILED);

    back = vmm_file_read_all(path, 0, NULL);
    g_assert_cmpstr(back, ==, old);
    g_assert_cmpuint(count_entries(dir), ==, 1);
    g_unlink(path);
    g_rmdir(dir);
}

static void
test_write_into_missing_dir(void)
{
    g_autoptr(GError) err = NULL;

    g_assert_false(vmm_file_write_atomic("/nonexistent-vmm-dir/x.xml", "x", -1, 0600, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_SYSTEM_ERROR);
    g_assert_nonnull(strstr(err->message, "/nonexistent-vmm-dir/x.xml"));
}

static void
test_read_limit(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *path = g_build_filename(dir, "big", NULL);
    g_autoptr(GError) err = NULL;

    g_assert_true(vmm_file_write_atomic(path, "0123456789", -1, 0644, &err));
    g_assert_null(vmm_file_read_all(path, 5, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_READ_FAILED);
    g_unlink(path);
    g_rmdir(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/file/write-and-replace", test_write_and_replace);
    g_test_add_func("/util/file/interrupted-write-keeps-old", test_interrupted_write_keeps_old);
    g_test_add_func("/util/file/missing-dir", test_write_into_missing_dir);
    g_test_add_func("/util/file/read-limit", test_read_limit);
    return g_test_run();
}
