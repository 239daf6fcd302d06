/*
 * testutils.c: helpers shared by the unit tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "testutils.h"
#include "conf/xml_util.h"

#include <string.h>

#define TEST_SCHEMA_VALID_MARKER "<!-- vmm-test: schema-valid"

char *
test_data_path(const char *rel)
{
    return g_build_filename(VMM_SOURCE_ROOT, "tests", rel, NULL);
}

void
test_assert_golden(const char *path, const char *actual)
{
    g_autofree char *expected = NULL;
    g_autoptr(GError) err = NULL;

    if (g_strcmp0(g_getenv("VMM_REGENERATE"), "1") == 0) {
        g_assert_true(g_file_set_contents(path, actual, -1, &err));
        return;
    }
    if (!g_file_get_contents(path, &expected, NULL, &err))
        g_error("missing golden file %s (set VMM_REGENERATE=1 to create it): %s",
                path, err->message);
    if (strcmp(expected, actual) != 0) {
        g_autofree char *tmp = g_strdup_printf("%s.actual", path);
        g_autofree char *name = g_path_get_basename(path);
        /* Leave the actual output beside the golden file for diffing. */
        g_file_set_contents(tmp, actual, -1, NULL);
        g_error("%s differs from the golden file; actual output written to %s\n"
                "--- expected\n%s--- actual\n%s", name, tmp, expected, actual);
    }
}

typedef struct {
    char *dir;
    char *name;        /* file name of the input */
    char *schema;
    TestGoldenParse parse;
    TestGoldenFormat format;
    GDestroyNotify free_func;
} GoldenCase;

static void
golden_case_free(gpointer data)
{
    GoldenCase *c = data;
    g_free(c->dir);
    g_free(c->name);
    g_free(c->schema);
    g_free(c);
}

static gboolean
schema_accepts(const char *schema, const char *xml, const char *url, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;

    doc = xmlReadMemory(xml, strlen(xml), url, NULL, XML_PARSE_NONET | XML_PARSE_NOERROR |
                        XML_PARSE_NOWARNING);
    if (!doc) {
        g_set_error_literal(error, G_MARKUP_ERROR, G_MARKUP_ERROR_PARSE, "not well-formed");
        return FALSE;
    }
    return vmm_xml_validate(doc, schema, error);
}

static void
golden_run_valid(gconstpointer data)
{
    const GoldenCase *c = data;
    g_autofree char *in_path = g_build_filename(c->dir, c->name, NULL);
    g_autofree char *base = g_strndup(c->name, strlen(c->name) - strlen(".in.xml"));
    g_autofree char *out_name = g_strdup_printf("%s.out.xml", base);
    g_autofree char *out_path = g_build_filename(c->dir, out_name, NULL);
    g_autofree char *xml = NULL;
    g_autofree char *formatted = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *again = NULL;
    g_autoptr(GError) err = NULL;
    gpointer obj, obj2;

    g_assert_true(g_file_get_contents(in_path, &xml, NULL, NULL));
    if (!schema_accepts(c->schema, xml, c->name, &err))
        g_error("%s: rejected by schema %s: %s", c->name, c->schema, err->message);

    obj = c->parse(xml, c->name, &err);
    if (!obj)
        g_error("%s: parse failed: %s", c->name, err->message);
    formatted = c->format(obj);
    c->free_func(obj);
    test_assert_golden(out_path, formatted);

    /* The output is itself valid input and a fixed point. */
    g_assert_true(g_file_get_contents(out_path, &expected, NULL, NULL));
    if (!schema_accepts(c->schema, expected, out_name, &err))
        g_error("%s: rejected by schema %s: %s", out_name, c->schema, err->message);
    obj2 = c->parse(expected, out_name, &err);
    if (!obj2)
        g_error("%s: re-parse failed: %s", out_name, err->message);
    again = c->format(obj2);
    c->free_func(obj2);
    g_assert_cmpstr(again, ==, expected);
}

static void
golden_run_invalid(gconstpointer data)
{
    const GoldenCase *c = data;
    g_autofree char *in_path = g_build_filename(c->dir, c->name, NULL);
    g_autofree char *base = g_strndup(c->name, strlen(c->name) - strlen(".xml"));
    g_autofree char *err_name = g_strdup_printf("%s.err", base);
    g_autofree char *err_path = g_build_filename(c->dir, err_name, NULL);
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(GError) schema_err = NULL;
    gpointer obj;

    g_assert_true(g_file_get_contents(in_path, &xml, NULL, NULL));
    /* Some rules (comparisons between values) are beyond RELAX NG.  Such
     * cases say so with a marker, and then the schema must accept them, so
     * that the marker can't hide a case the schema ought to catch. */
    if (strstr(xml, TEST_SCHEMA_VALID_MARKER)) {
        if (!schema_accepts(c->schema, xml, c->name, &schema_err))
            g_error("%s: marked schema-valid but the schema %s rejects it: %s",
                    c->name, c->schema, schema_err->message);
    } else if (schema_accepts(c->schema, xml, c->name, &schema_err)) {
        g_error("%s: the schema %s accepts an invalid case", c->name, c->schema);
    }

    obj = c->parse(xml, c->name, &err);
    if (obj) {
        c->free_func(obj);
        g_error("%s: parse accepted an invalid case", c->name);
    }
    {
        g_autofree char *msg = g_strdup_printf("%s\n", err->message);
        test_assert_golden(err_path, msg);
    }
}

void
test_golden_add(const char *prefix, const char *dir, const char *schema,
                TestGoldenParse parse, TestGoldenFormat format,
                GDestroyNotify free_func)
{
    g_autofree char *path = test_data_path(dir);
    g_autoptr(GDir) d = g_dir_open(path, 0, NULL);
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    const char *ent;

    g_assert_nonnull(d);
    while ((ent = g_dir_read_name(d))) {
        if (g_str_has_suffix(ent, ".in.xml") || g_str_has_suffix(ent, "-invalid.xml"))
            g_ptr_array_add(names, g_strdup(ent));
    }
    g_ptr_array_sort(names, (GCompareFunc)g_ascii_strcasecmp);
    g_assert_cmpuint(names->len, >, 0);

    for (guint i = 0; i < names->len; i++) {
        const char *name = names->pdata[i];
        GoldenCase *c = g_new0(GoldenCase, 1);
        gboolean invalid = g_str_has_suffix(name, "-invalid.xml");
        g_autofree char *casename = g_strndup(name, strlen(name) -
                                              strlen(invalid ? ".xml" : ".in.xml"));
        g_autofree char *tpath = g_strdup_printf("/%s/%s", prefix, casename);

        c->dir = g_strdup(path);
        c->name = g_strdup(name);
        c->schema = g_strdup(schema);
        c->parse = parse;
        c->format = format;
        c->free_func = free_func;
        g_test_add_data_func_full(tpath, c, invalid ? golden_run_invalid : golden_run_valid,
                                  golden_case_free);
    }
}
