/*
 * testutils.h: helpers shared by the unit tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* Absolute path of @rel under the source tree's tests/ directory. */
char *test_data_path(const char *rel);

/*
 * Compare @actual with the golden file @path.  With VMM_REGENERATE=1 in the
 * environment the file is (re)written instead.  Fails the test with a
 * unified diff-like report on mismatch.
 */
void test_assert_golden(const char *path, const char *actual);

/* Parse @xml (a whole document, @url names it); returns the object or NULL
 * with @error set. */
typedef gpointer (*TestGoldenParse)(const char *xml, const char *url, GError **error);
typedef char *(*TestGoldenFormat)(gconstpointer obj);

/*
 * Register golden-file tests for every file in tests/@dir:
 *  - CASE.in.xml: must validate against schemas/@schema.rng, parse, and
 *    format to exactly CASE.out.xml; CASE.out.xml must parse and format to
 *    itself (a stable round trip).
 *  - CASE-invalid.xml: must fail schema validation AND fail parsing with
 *    exactly the message in CASE-invalid.err.  A case whose rule RELAX NG
 *    cannot express (a comparison between values) carries the comment
 *    "<!-- vmm-test: schema-valid (why) -->" and must then pass the schema.
 * Test paths are "/@prefix/CASE".  Call before g_test_run().
 */
void test_golden_add(const char *prefix, const char *dir, const char *schema,
                     TestGoldenParse parse, TestGoldenFormat format,
                     GDestroyNotify free_func);
