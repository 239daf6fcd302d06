/*
 * qemutest.c: fixtures shared by the QEMU driver's tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "qemutest.h"
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
