/*
 * vshell_json_test.c: the --json writer of vshell (tools/vshell-json.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vshell.h"

static void
test_escaping(void)
{
    VshJson *j = vsh_json_new();
    g_autofree char *text = NULL;

    vsh_json_begin_object(j);
    vsh_json_key(j, "s");
    vsh_json_string(j, "q\"b\\n\nt\tc\x01\x1f\x7fé");
    vsh_json_key(j, "k\"ey");
    vsh_json_string(j, NULL);
    vsh_json_end_object(j);
    text = vsh_json_finish(j);
    g_assert_cmpstr(text, ==,
                    "{\"s\":\"q\\\"b\\\\n\\nt\\tc\\u0001\\u001f\x7f\xc3\xa9\","
                    "\"k\\\"ey\":null}");
}

static void
test_nesting(void)
{
    VshJson *j = vsh_json_new();
    g_autofree char *text = NULL;

    vsh_json_begin_array(j);
    for (int i = 0; i < 2; i++) {
        vsh_json_begin_object(j);
        vsh_json_key(j, "id");
        vsh_json_int(j, -i);
        vsh_json_key(j, "size");
        vsh_json_uint(j, G_MAXUINT64);
        vsh_json_key(j, "ok");
        vsh_json_bool(j, i == 0);
        vsh_json_key(j, "list");
        vsh_json_begin_array(j);
        vsh_json_double(j, 0.5);
        vsh_json_begin_object(j);
        vsh_json_end_object(j);
        vsh_json_begin_array(j);
        vsh_json_end_array(j);
        vsh_json_end_array(j);
        vsh_json_end_object(j);
    }
    vsh_json_end_array(j);
    text = vsh_json_finish(j);
    g_assert_cmpstr(text, ==,
                    "[{\"id\":0,\"size\":18446744073709551615,\"ok\":true,\"list\":[0.5,{},[]]},"
                    "{\"id\":-1,\"size\":18446744073709551615,\"ok\":false,\"list\":[0.5,{},[]]}]");
}

static void
test_empty(void)
{
    VshJson *j = vsh_json_new();
    g_autofree char *text = NULL;

    vsh_json_begin_array(j);
    vsh_json_end_array(j);
    text = vsh_json_finish(j);
    g_assert_cmpstr(text, ==, "[]");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/vshell/json/escaping", test_escaping);
    g_test_add_func("/vshell/json/nesting", test_nesting);
    g_test_add_func("/vshell/json/empty", test_empty);
    return g_test_run();
}
