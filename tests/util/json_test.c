/*
 * json_test.c: the JSON parser and writer: QMP-shaped messages, escapes,
 * numbers, round trips and refused input with its offset.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "util/json.h"
#include "util/vmm_error.h"

#include <string.h>

static void
test_qmp_greeting(void)
{
    const char *text =
        "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}, "
        "\"package\": \"Debian 1:7.2+dfsg-7\"}, \"capabilities\": [\"oob\"]}}\r\n";
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmJsonNode) v = vmm_json_node_parse(text, -1, &err);
    VmmJsonNode *qmp, *ver, *caps;
    gint64 major = 0;

    g_assert_no_error(err);
    g_assert_nonnull(v);
    qmp = vmm_json_node_object_get(v, "QMP");
    ver = vmm_json_node_object_get(vmm_json_node_object_get(qmp, "version"), "qemu");
    g_assert_true(vmm_json_node_get_int(vmm_json_node_object_get(ver, "major"), &major));
    g_assert_cmpint(major, ==, 7);
    g_assert_cmpstr(vmm_json_node_object_get_string(vmm_json_node_object_get(qmp, "version"), "package"),
                    ==, "Debian 1:7.2+dfsg-7");
    caps = vmm_json_node_object_get(qmp, "capabilities");
    g_assert_cmpuint(vmm_json_node_array_len(caps), ==, 1);
    g_assert_cmpstr(vmm_json_node_get_string(vmm_json_node_array_get(caps, 0)), ==, "oob");
    g_assert_null(vmm_json_node_object_get(v, "missing"));
    g_assert_null(vmm_json_node_object_get_string(qmp, "version"));
}

static void
test_build_and_format(void)
{
    g_autoptr(VmmJsonNode) cmd = vmm_json_node_new_object();
    g_autoptr(VmmJsonNode) args = vmm_json_node_new_object();
    g_autoptr(VmmJsonNode) list = vmm_json_node_new_array();
    g_autofree char *text = NULL;

    vmm_json_node_object_set_string(cmd, "execute", "human-monitor-command");
    vmm_json_node_object_set_string(args, "command-line", "info \"x\"\\\n\t\x01");
    vmm_json_node_object_set_int(args, "cpu-index", -3);
    vmm_json_node_object_set_bool(args, "b", FALSE);
    vmm_json_node_array_append(list, vmm_json_node_new_null());
    vmm_json_node_array_append(list, vmm_json_node_new_double(0.5));
    vmm_json_node_array_append(list, vmm_json_node_new_string("é€"));
    vmm_json_node_object_set(args, "list", g_steal_pointer(&list));
    vmm_json_node_object_set(cmd, "arguments", g_steal_pointer(&args));
    vmm_json_node_object_set_int(cmd, "id", 1);
    vmm_json_node_object_set_int(cmd, "id", 2);   /* replaces */
    text = vmm_json_node_format(cmd);
    g_assert_cmpstr(text, ==,
                    "{\"execute\":\"human-monitor-command\",\"arguments\":"
                    "{\"command-line\":\"info \\\"x\\\"\\\\\\n\\t\\u0001\",\"cpu-index\":-3,"
                    "\"b\":false,\"list\":[null,0.5,\"é€\"]},\"id\":2}");
}

static void
test_round_trip(void)
{
    const char *cases[] = {
        "{}", "[]", "null", "true", "false", "0", "-1", "9223372036854775807",
        "\"\"", "\"a\\\"b\"", "[1,[2,[3,{}]]]", "{\"a\":{\"b\":[true,false,null]}}",
        "1.5", "-0.25", "1e+300",
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VmmJsonNode) v = vmm_json_node_parse(cases[i], -1, &err);
        g_autofree char *out = NULL;
        g_autoptr(VmmJsonNode) copy = NULL;
        g_autofree char *out2 = NULL;

        g_assert_no_error(err);
        out = vmm_json_node_format(v);
        copy = vmm_json_node_copy(v);
        out2 = vmm_json_node_format(copy);
        if (strcmp(cases[i], "1e+300") == 0) {
            double d = 0;
            g_assert_true(vmm_json_node_get_double(v, &d));
            g_assert_cmpfloat(d, ==, 1e300);
            continue;
        }
        g_assert_cmpstr(out, ==, cases[i]);
        g_assert_cmpstr(out2, ==, cases[i]);
    }
}

static void
test_escapes_and_numbers(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmJsonNode) v = vmm_json_node_parse(
        " [ \"\\u00e9\\ud83d\\ude00\\/\\b\\f\\n\\r\\t\" , 12 , 1.0 , 18446744073709551615 ,"
        " -0 ] ", -1, &err);
    gint64 i = 0;
    double d = 0;

    g_assert_no_error(err);
    g_assert_cmpstr(vmm_json_node_get_string(vmm_json_node_array_get(v, 0)), ==,
                    "é\xf0\x9f\x98\x80/\b\f\n\r\t");
    g_assert_true(vmm_json_node_get_int(vmm_json_node_array_get(v, 1), &i));
    g_assert_cmpint(i, ==, 12);
    /* 1.0 is a number but not an integer. */
    g_assert_false(vmm_json_node_get_int(vmm_json_node_array_get(v, 2), &i));
    g_assert_true(vmm_json_node_get_double(vmm_json_node_array_get(v, 2), &d));
    g_assert_cmpfloat(d, ==, 1.0);
    /* Too big for gint64: only the double remains. */
    g_assert_false(vmm_json_node_get_int(vmm_json_node_array_get(v, 3), &i));
    g_assert_true(vmm_json_node_get_double(vmm_json_node_array_get(v, 3), &d));
    g_assert_cmpfloat(d, >, 1.8e19);
    g_assert_true(vmm_json_node_get_int(vmm_json_node_array_get(v, 4), &i));
    g_assert_cmpint(i, ==, 0);
}

static void
test_steal(void)
{
    g_autoptr(VmmJsonNode) v = vmm_json_node_parse("{\"return\":{\"status\":\"running\"},\"id\":7}", -1, NULL);
    g_autoptr(VmmJsonNode) ret = vmm_json_node_object_steal(v, "return");
    g_autofree char *rest = vmm_json_node_format(v);

    g_assert_cmpstr(vmm_json_node_object_get_string(ret, "status"), ==, "running");
    g_assert_cmpstr(rest, ==, "{\"id\":7}");
    g_assert_cmpuint(vmm_json_node_object_size(v), ==, 1);
    g_assert_cmpstr(vmm_json_node_object_key_at(v, 0), ==, "id");
    g_assert_null(vmm_json_node_object_steal(v, "return"));
}

static void
test_invalid(void)
{
    static const struct {
        const char *text;
        const char *message;
    } cases[] = {
        { "", "cannot parse JSON at offset 0: unexpected end of input" },
        { "{\"a\" 1}", "cannot parse JSON at offset 5: expected ':'" },
        { "[1,]", "cannot parse JSON at offset 3: unexpected character" },
        { "[1 2]", "cannot parse JSON at offset 3: expected ',' or ']'" },
        { "{\"a\":1,}", "cannot parse JSON at offset 7: expected a member name" },
        { "\"abc", "cannot parse JSON at offset 4: unterminated string" },
        { "\"a\nb\"", "cannot parse JSON at offset 2: control character in string" },
        { "\"\\x\"", "cannot parse JSON at offset 2: bad escape in string" },
        { "\"\\ud800\"", "cannot parse JSON at offset 7: unpaired surrogate" },
        { "\"\\u0000\"", "cannot parse JSON at offset 7: NUL character in string" },
        { "\"\xff\"", "cannot parse JSON at offset 1: string is not valid UTF-8" },
        { "01", "cannot parse JSON at offset 1: trailing characters" },
        { "-", "cannot parse JSON at offset 1: bad number" },
        { "1.e5", "cannot parse JSON at offset 2: bad number" },
        { "tru", "cannot parse JSON at offset 0: unexpected character" },
        { "{} {}", "cannot parse JSON at offset 3: trailing characters" },
    };

    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(GError) err = NULL;
        g_autoptr(VmmJsonNode) v = vmm_json_node_parse(cases[i].text, -1, &err);
        g_assert_null(v);
        g_assert_error(err, VMM_ERROR, VMM_ERR_INTERNAL_ERROR);
        g_assert_true(g_str_has_prefix(err->message, "internal error: "));
        g_assert_cmpstr(err->message + strlen("internal error: "), ==, cases[i].message);
    }
}

static void
test_depth(void)
{
    g_autoptr(GString) deep = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmJsonNode) ok = NULL;

    for (int i = 0; i < VMM_JSON_MAX_DEPTH; i++)
        g_string_append_c(deep, '[');
    for (int i = 0; i < VMM_JSON_MAX_DEPTH; i++)
        g_string_append_c(deep, ']');
    ok = vmm_json_node_parse(deep->str, -1, &err);
    g_assert_no_error(err);
    g_assert_nonnull(ok);

    g_string_prepend_c(deep, '[');
    g_string_append_c(deep, ']');
    g_assert_null(vmm_json_node_parse(deep->str, -1, &err));
    g_assert_nonnull(strstr(err->message, "nesting too deep"));
}

static void
test_length(void)
{
    /* Only @len bytes are read: a buffer holding two messages. */
    const char *buf = "{\"a\":1}{\"b\":2}";
    g_autoptr(VmmJsonNode) v = vmm_json_node_parse(buf, 7, NULL);

    g_assert_nonnull(v);
    g_assert_nonnull(vmm_json_node_object_get(v, "a"));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/json/qmp-greeting", test_qmp_greeting);
    g_test_add_func("/json/build-and-format", test_build_and_format);
    g_test_add_func("/json/round-trip", test_round_trip);
    g_test_add_func("/json/escapes-and-numbers", test_escapes_and_numbers);
    g_test_add_func("/json/steal", test_steal);
    g_test_add_func("/json/invalid", test_invalid);
    g_test_add_func("/json/depth", test_depth);
    g_test_add_func("/json/length", test_length);
    return g_test_run();
}
