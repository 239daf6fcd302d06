/*
 * domain_def_test.c: tests for src/conf/domain_def*.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "testutils.h"
#include "conf/domain_def.h"
#include "util/vmm_error.h"

#include <string.h>

static gpointer
golden_parse(const char *xml, const char *url, GError **error)
{
    return vmm_domain_def_parse_string(xml, url, 0, error);
}

static char *
golden_format(gconstpointer obj)
{
    return vmm_domain_def_format(obj, -1, 0);
}

static const char minimal_xml[] =
    "<domain type='kvm'>\n"
    "  <name>t1</name>\n"
    "  <memory unit='MiB'>512</memory>\n"
    "</domain>\n";

static void
test_uuid_generated(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) a = vmm_domain_def_parse_string(minimal_xml, NULL, 0, &err);
    g_autoptr(VmmDomainDef) b = NULL;

    g_assert_no_error(err);
    g_assert_nonnull(a);
    b = vmm_domain_def_parse_string(minimal_xml, NULL, 0, &err);
    g_assert_no_error(err);
    g_assert_false(vmm_uuid_is_null(a->uuid));
    g_assert_false(vmm_uuid_is_null(b->uuid));
    g_assert_cmpmem(a->uuid, VMM_UUID_BUFLEN, a->uuid, VMM_UUID_BUFLEN);
    g_assert_true(memcmp(a->uuid, b->uuid, VMM_UUID_BUFLEN) != 0);
}

static void
test_defaults(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) def = vmm_domain_def_parse_string(minimal_xml, NULL, 0, &err);

    g_assert_no_error(err);
    g_assert_cmpuint(def->memory_kib, ==, 512 * 1024);
    g_assert_cmpuint(def->current_memory_kib, ==, 512 * 1024);
    g_assert_cmpuint(def->vcpus, ==, 1);
    g_assert_cmpuint(def->vcpus_current, ==, 1);
    g_assert_cmpstr(def->os_type, ==, "hvm");
    g_assert_cmpint(def->on_poweroff, ==, VMM_DOMAIN_LIFECYCLE_DESTROY);
    g_assert_cmpint(def->on_reboot, ==, VMM_DOMAIN_LIFECYCLE_RESTART);
    g_assert_cmpint(def->on_crash, ==, VMM_DOMAIN_LIFECYCLE_DESTROY);
}

/* Unknown elements are dropped by the parser, but the schema (and so
 * PARSE_VALIDATE) refuses them. */
static void
test_parse_validate(void)
{
    const char *xml =
        "<domain type='kvm'>\n"
        "  <name>t1</name>\n"
        "  <memory>1024</memory>\n"
        "  <bogus attr='x'/>\n"
        "</domain>\n";
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) def = vmm_domain_def_parse_string(xml, NULL, 0, &err);
    g_autoptr(VmmDomainDef) strict = NULL;
    g_autoptr(VmmDomainDef) ok = NULL;
    g_autofree char *out = NULL;

    g_assert_no_error(err);
    out = vmm_domain_def_format(def, -1, 0);
    g_assert_null(strstr(out, "bogus"));

    strict = vmm_domain_def_parse_string(xml, NULL, VMM_DOMAIN_DEF_PARSE_VALIDATE, &err);
    g_assert_null(strict);
    g_assert_error(err, VMM_ERROR, VMM_ERR_XML_INVALID_SCHEMA);
    g_clear_error(&err);

    ok = vmm_domain_def_parse_string(minimal_xml, NULL, VMM_DOMAIN_DEF_PARSE_VALIDATE,
                                     &err);
    g_assert_no_error(err);
    g_assert_nonnull(ok);
}

static void
test_copy(void)
{
    g_autofree char *path = test_data_path("conf/data/domain/full.in.xml");
    g_autofree char *xml = NULL;
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) def = NULL;
    g_autoptr(VmmDomainDef) copy = NULL;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    def = vmm_domain_def_parse_string(xml, path, 0, &err);
    g_assert_no_error(err);
    copy = vmm_domain_def_copy(def);
    g_assert_nonnull(copy);
    g_assert_true(copy != def);
    a = vmm_domain_def_format(def, -1, 0);
    b = vmm_domain_def_format(copy, -1, 0);
    g_assert_cmpstr(a, ==, b);
    g_assert_cmpmem(def->uuid, VMM_UUID_BUFLEN, copy->uuid, VMM_UUID_BUFLEN);
}

static void
test_format_id(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) def = vmm_domain_def_parse_string(
        "<domain type='qemu' id='7'><name>t1</name><memory>1024</memory></domain>",
        NULL, 0, &err);
    g_autofree char *live = NULL;
    g_autofree char *inactive = NULL;
    g_autofree char *noid = NULL;

    g_assert_no_error(err);
    live = vmm_domain_def_format(def, 5, 0);
    g_assert_true(g_str_has_prefix(live, "<domain type='qemu' id='5'>\n"));
    inactive = vmm_domain_def_format(def, 5, VMM_DOMAIN_DEF_FORMAT_INACTIVE);
    g_assert_true(g_str_has_prefix(inactive, "<domain type='qemu'>\n"));
    /* The id in the input is live data and is not kept. */
    noid = vmm_domain_def_format(def, -1, 0);
    g_assert_true(g_str_has_prefix(noid, "<domain type='qemu'>\n"));
}

static void
test_check_name(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *longname = g_strnfill(300, 'a');

    g_assert_true(vmm_def_check_name("vm-1.test_x", "domain", &err));
    g_assert_no_error(err);

    g_assert_false(vmm_def_check_name("", "domain", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_NAME);
    g_clear_error(&err);
    g_assert_false(vmm_def_check_name(NULL, "network", &err));
    g_assert_cmpstr(err->message, ==, "missing network name");
    g_clear_error(&err);

    g_assert_false(vmm_def_check_name("a/b", "domain", &err));
    g_assert_cmpstr(err->message, ==, "XML error: domain name 'a/b' cannot contain '/'");
    g_clear_error(&err);

    g_assert_false(vmm_def_check_name("a\tb", "domain", &err));
    g_assert_cmpstr(err->message, ==,
                    "XML error: domain name 'a\\tb' cannot contain control characters");
    g_clear_error(&err);

    g_assert_false(vmm_def_check_name(longname, "pool", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_XML_ERROR);
}

/* A namespace declared on <domain> travels with the metadata fragment. */
static void
test_metadata_ns_on_root(void)
{
    const char *xml =
        "<domain type='kvm' xmlns:app='http://example.org/app'>\n"
        "  <name>t1</name>\n"
        "  <memory>1024</memory>\n"
        "  <metadata><app:info app:k='v'>x</app:info></metadata>\n"
        "</domain>\n";
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomainDef) def = vmm_domain_def_parse_string(xml, NULL, 0, &err);
    g_autoptr(VmmDomainDef) again = NULL;
    g_autofree char *out = NULL;

    g_assert_no_error(err);
    g_assert_cmpuint(def->metadata->len, ==, 1);
    g_assert_nonnull(strstr(def->metadata->pdata[0], "xmlns:app=\"http://example.org/app\""));
    out = vmm_domain_def_format(def, -1, 0);
    again = vmm_domain_def_parse_string(out, NULL, VMM_DOMAIN_DEF_PARSE_VALIDATE, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(again->metadata->pdata[0], ==, def->metadata->pdata[0]);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    test_golden_add("conf/domain", "conf/data/domain", "domain",
                    golden_parse, golden_format, (GDestroyNotify)vmm_domain_def_free);

    g_test_add_func("/conf/domain/unit/uuid-generated", test_uuid_generated);
    g_test_add_func("/conf/domain/unit/defaults", test_defaults);
    g_test_add_func("/conf/domain/unit/parse-validate", test_parse_validate);
    g_test_add_func("/conf/domain/unit/copy", test_copy);
    g_test_add_func("/conf/domain/unit/format-id", test_format_id);
    g_test_add_func("/conf/domain/unit/check-name", test_check_name);
    g_test_add_func("/conf/domain/unit/metadata-ns-on-root", test_metadata_ns_on_root);
    return g_test_run();
}
