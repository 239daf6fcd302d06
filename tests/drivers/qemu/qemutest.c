/*
 * qemutest.c: fixtures shared by the QEMU driver's tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "qemutest.h"

#include <string.h>

#include "testutils.h"
#include "drivers/qemu/qemu_capabilities.h"

GPtrArray *
qemutest_fixed_firmware(void)
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

static gint
cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

GPtrArray *
qemutest_case_names(const char *rel)
{
    g_autofree char *dir = test_data_path(rel);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *file;

    g_assert_nonnull(d);
    while ((file = g_dir_read_name(d))) {
        if (g_str_has_suffix(file, ".xml"))
            g_ptr_array_add(names, g_strndup(file, strlen(file) - 4));
    }
    g_ptr_array_sort(names, cmp_names);
    return names;
}
