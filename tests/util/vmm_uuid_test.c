/*
 * vmm_uuid_test.c: UUIDs, MACs and scaled units.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "util/vmm_uuid.h"
#include "util/vmm_units.h"
#include "util/vmm_error.h"

static void
test_uuid_round_trip(void)
{
    unsigned char u[VMM_UUID_BUFLEN], v[VMM_UUID_BUFLEN];
    char buf[VMM_UUID_STRING_BUFLEN];

    g_assert_true(vmm_uuid_parse("6695eb01-f6a4-8304-79aa-97f2502e193f", u));
    g_assert_cmpstr(vmm_uuid_format(u, buf), ==, "6695eb01-f6a4-8304-79aa-97f2502e193f");
    g_assert_true(vmm_uuid_parse("6695eb01f6a4830479aa97f2502e193f", v));
    g_assert_cmpmem(u, 16, v, 16);
    g_assert_false(vmm_uuid_parse("6695eb01-f6a4-8304-79aa-97f2502e193", u));
    g_assert_false(vmm_uuid_parse("6695eb01-f6a4-8304-79aa-97f2502e193fa", u));
    g_assert_false(vmm_uuid_parse("zz95eb01-f6a4-8304-79aa-97f2502e193f", u));

    vmm_uuid_generate(u);
    g_assert_cmpint(u[6] >> 4, ==, 4);
    g_assert_false(vmm_uuid_is_null(u));
    g_assert_true(vmm_uuid_parse(vmm_uuid_format(u, buf), v));
    g_assert_cmpmem(u, 16, v, 16);
}

static void
test_mac(void)
{
    unsigned char m[VMM_MAC_BUFLEN];
    char buf[VMM_MAC_STRING_BUFLEN];

    g_assert_true(vmm_mac_parse("52:54:00:AB:cd:0f", m));
    g_assert_cmpstr(vmm_mac_format(m, buf), ==, "52:54:00:ab:cd:0f");
    g_assert_false(vmm_mac_parse("zz:54:00:ab:cd:0f", m));
    g_assert_false(vmm_mac_parse("52:54:00:ab:cd", m));
    g_assert_false(vmm_mac_parse("52:54:00:ab:cd:0f:11", m));
    vmm_mac_generate(m);
    g_assert_cmpint(m[0], ==, 0x52);
    g_assert_cmpint(m[1], ==, 0x54);
    g_assert_cmpint(m[2], ==, 0x00);
    g_assert_false(vmm_mac_is_multicast(m));
}

static void
test_units(void)
{
    guint64 b = 0;
    g_autoptr(GError) err = NULL;

    g_assert_true(vmm_units_scale(1, "GiB", 1024, 0, &b, &err));
    g_assert_cmpuint(b, ==, 1073741824);
    g_assert_true(vmm_units_scale(2, "MB", 1024, 0, &b, &err));
    g_assert_cmpuint(b, ==, 2000000);
    g_assert_true(vmm_units_scale(3, NULL, 1024, 0, &b, &err));
    g_assert_cmpuint(b, ==, 3072);
    g_assert_true(vmm_units_scale(4, "k", 1, 0, &b, &err));
    g_assert_cmpuint(b, ==, 4096);
    g_assert_false(vmm_units_scale(1, "parsecs", 1, 0, &b, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_INVALID_ARG);
    g_assert_cmpstr(err->message, ==, "invalid argument: unknown unit 'parsecs'");
    g_clear_error(&err);
    g_assert_false(vmm_units_scale(G_MAXUINT64 / 2, "KiB", 1, 0, &b, &err));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/util/uuid/round-trip", test_uuid_round_trip);
    g_test_add_func("/util/mac", test_mac);
    g_test_add_func("/util/units", test_units);
    return g_test_run();
}
