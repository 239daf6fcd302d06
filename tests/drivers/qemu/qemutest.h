/*
 * qemutest.h: fixtures shared by the QEMU driver's tests that run no QEMU
 * (qemu_capabilities_test.c, qemu_command_test.c, qemu_hotplug_test.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* The firmware list the golden files were made with: OVMF 4M, plain and
 * secure boot, as Debian installs them.  Free with g_ptr_array_unref(). */
GPtrArray *qemutest_fixed_firmware(void);

/* The golden cases of tests/@rel: the names of its *.xml files without the
 * suffix, sorted.  Free with g_ptr_array_unref(). */
GPtrArray *qemutest_case_names(const char *rel);
