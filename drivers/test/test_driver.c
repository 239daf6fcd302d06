/*
 * test_driver.c: the in-memory mock driver (test:///default).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "driver.h"

static gboolean
test_connect_open(VmmConnect *conn, GError **error)
{
    return TRUE;
}

const VmmDriver vmm_test_driver = {
    .name = "test",
    .scheme = "test",
    .connect_open = test_connect_open,
};
