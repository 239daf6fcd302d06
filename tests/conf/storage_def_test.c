/*
 * storage_def_test.c: tests for src/conf/storage_def.c and storage_vol_def.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "testutils.h"
#include "conf/storage_def.h"
#include "util/vmm_error.h"

#include <string.h>

/* The volume golden files live in this pool. */
static const char fixed_pool_xml[] =
    "<pool type='dir'><name>images</name>"
    "<uuid>0f1e2d3c-4b5a-4697-8877-665544332211</uuid>"
    "<target><path>/var/lib/vmm/images</path></target></pool>";
static VmmStoragePoolDef *fixed_pool;

static gpointer
pool_parse(const char *xml, const char *url, GError **error)
{
    return vmm_storage_pool_def_parse_string(xml, url, 0, error);
}

static char *
pool_format(gconstpointer obj)
{
    return vmm_storage_pool_def_format(obj, 0);
}

static gpointer
vol_parse(const char *xml, const char *url, GError **error)
{
    return vmm_storage_vol_def_parse_string(fixed_pool, xml, url, 0, error);
}

static char *
vol_format(gconstpointer obj)
{
    return vmm_storage_vol_def_format(fixed_pool, obj, 0);
}

static void
test_pool_uuid_generated(void)
{
    const char *xml = "<pool type='dir'><name>p</name><target><path>/p</path></target></pool>";
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmStoragePoolDef) a = vmm_storage_pool_def_parse_string(xml, NULL, 0, &err);
    g_autoptr(VmmStoragePoolDef) b = vmm_storage_pool_def_parse_string(xml, NULL, 0, &err);

    g_assert_no_error(err);
    g_assert_false(vmm_uuid_is_null(a->uuid));
    g_assert_true(memcmp(a->uuid, b->uuid, VMM_UUID_BUFLEN) != 0);
    g_assert_cmpint(a->type, ==, VMM_STORAGE_POOL_DIR);
    g_assert_cmpstr(a->target_path, ==, "/p");
    g_assert_cmpint(a->target_perms.mode, ==, -1);
    g_assert_cmpstr(vmm_storage_pool_type_to_string(a->type), ==, "dir");
    g_assert_cmpint(vmm_storage_pool_type_from_string("netfs"), ==, VMM_STORAGE_POOL_NETFS);
}

static char *
read_data(const char *rel)
{
    g_autofree char *path = test_data_path(rel);
    char *xml = NULL;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    return xml;
}

static void
test_pool_fields(void)
{
    g_autofree char *xml = read_data("conf/data/storagepool/dir-units.in.xml");
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmStoragePoolDef) def = vmm_storage_pool_def_parse_string(xml, NULL, 0, &err);

    g_assert_no_error(err);
    g_assert_cmpuint(def->capacity, ==, 100ULL << 30);
    g_assert_cmpuint(def->allocation, ==, 1536ULL << 20);
    g_assert_cmpuint(def->available, ==, 107374182400ULL);
    g_assert_cmpint(def->target_perms.mode, ==, 0755);
    g_assert_cmpint(def->target_perms.owner, ==, 107);
    g_assert_cmpint(def->target_perms.group, ==, -1);
}

static void
test_pool_copy(void)
{
    g_autofree char *xml = read_data("conf/data/storagepool/logical.in.xml");
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmStoragePoolDef) def = vmm_storage_pool_def_parse_string(xml, NULL, 0, &err);
    g_autoptr(VmmStoragePoolDef) copy = NULL;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    g_assert_no_error(err);
    copy = vmm_storage_pool_def_copy(def);
    g_assert_true(copy->source_devices != def->source_devices);
    a = vmm_storage_pool_def_format(def, 0);
    b = vmm_storage_pool_def_format(copy, 0);
    g_assert_cmpstr(a, ==, b);
}

static void
test_pool_validate_flag(void)
{
    /* The parser ignores unknown elements; the schema does not. */
    const char *xml = "<pool type='dir'><name>p</name><bogus/>"
        "<target><path>/p</path></target></pool>";
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmStoragePoolDef) def = vmm_storage_pool_def_parse_string(xml, NULL, 0, &err);

    g_assert_no_error(err);
    g_assert_null(vmm_storage_pool_def_parse_string(xml, NULL, VMM_STORAGE_DEF_PARSE_VALIDATE,
                                                    &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_XML_INVALID_SCHEMA);
}

static void
test_vol_defaults(void)
{
    const char *xml = "<volume><name>a.img</name><capacity unit='M'>1</capacity></volume>";
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmStorageVolDef) in_pool = NULL;
    g_autoptr(VmmStorageVolDef) no_pool = NULL;
    g_autoptr(VmmStorageVolDef) lv = NULL;
    g_autoptr(VmmStoragePoolDef) lvm = NULL;
    g_autofree char *no_pool_xml = NULL;

    in_pool = vmm_storage_vol_def_parse_string(fixed_pool, xml, NULL, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(in_pool->target_path, ==, "/var/lib/vmm/images/a.img");
    g_assert_cmpstr(in_pool->key, ==, "/var/lib/vmm/images/a.img");
    g_assert_cmpstr(in_pool->target_format, ==, "raw");
    g_assert_cmpuint(in_pool->capacity, ==, 1048576);
    g_assert_cmpuint(in_pool->allocation, ==, 1048576);
    g_assert_cmpint(in_pool->type, ==, 0);

    /* Without a pool nothing is made up but the format. */
    no_pool = vmm_storage_vol_def_parse_string(NULL, xml, NULL, 0, &err);
    g_assert_no_error(err);
    g_assert_null(no_pool->target_path);
    g_assert_null(no_pool->key);
    no_pool_xml = vmm_storage_vol_def_format(NULL, no_pool, 0);
    g_assert_cmpstr(no_pool_xml, ==,
                    "<volume type='file'>\n"
                    "  <name>a.img</name>\n"
                    "  <capacity unit='bytes'>1048576</capacity>\n"
                    "  <allocation unit='bytes'>1048576</allocation>\n"
                    "  <target>\n"
                    "    <format type='raw'/>\n"
                    "  </target>\n"
                    "</volume>\n");

    /* Logical volumes live in /dev/VG and have no format. */
    lvm = vmm_storage_pool_def_parse_string("<pool type='logical'><name>vg1</name></pool>",
                                            NULL, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(lvm->source_name, ==, "vg1");
    g_assert_cmpstr(lvm->target_path, ==, "/dev/vg1");
    lv = vmm_storage_vol_def_parse_string(lvm, xml, NULL, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(lv->target_path, ==, "/dev/vg1/a.img");
    g_assert_null(lv->target_format);
}

static void
test_vol_copy(void)
{
    g_autofree char *xml = read_data("conf/data/storagevol/explicit-key-path.in.xml");
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmStorageVolDef) def =
        vmm_storage_vol_def_parse_string(fixed_pool, xml, NULL, 0, &err);
    g_autoptr(VmmStorageVolDef) copy = NULL;
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;

    g_assert_no_error(err);
    copy = vmm_storage_vol_def_copy(def);
    g_assert_true(copy->target_perms.label != def->target_perms.label);
    a = vmm_storage_vol_def_format(fixed_pool, def, 0);
    b = vmm_storage_vol_def_format(fixed_pool, copy, 0);
    g_assert_cmpstr(a, ==, b);
}

static void
test_vol_validate_flag(void)
{
    const char *xml = "<volume><name>v</name><capacity>1</capacity><bogus/></volume>";
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmStorageVolDef) def = vmm_storage_vol_def_parse_string(NULL, xml, NULL, 0, &err);

    g_assert_no_error(err);
    g_assert_null(vmm_storage_vol_def_parse_string(NULL, xml, NULL,
                                                   VMM_STORAGE_DEF_PARSE_VALIDATE, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_XML_INVALID_SCHEMA);
}

static void
test_new(void)
{
    g_autoptr(VmmStorageVolDef) vol = vmm_storage_vol_def_new();
    g_autoptr(VmmStoragePoolDef) pool = vmm_storage_pool_def_new();
    g_autofree char *vol_xml = NULL;
    g_autofree char *pool_xml = NULL;

    vol->name = g_strdup("v");
    vol_xml = vmm_storage_vol_def_format(NULL, vol, 0);
    g_assert_null(strstr(vol_xml, "permissions"));
    pool->name = g_strdup("p");
    pool->target_path = g_strdup("/p");
    g_assert_true(vmm_storage_pool_def_post_parse(pool, NULL));
    g_assert_true(vmm_storage_pool_def_validate(pool, NULL));
    pool_xml = vmm_storage_pool_def_format(pool, 0);
    g_assert_null(strstr(pool_xml, "permissions"));
}

int
main(int argc, char **argv)
{
    g_autoptr(GError) err = NULL;
    int ret;

    g_test_init(&argc, &argv, NULL);
    fixed_pool = vmm_storage_pool_def_parse_string(fixed_pool_xml, NULL, 0, &err);
    g_assert_no_error(err);

    test_golden_add("storagepool/golden", "conf/data/storagepool", "storagepool",
                    pool_parse, pool_format, (GDestroyNotify)vmm_storage_pool_def_free);
    test_golden_add("storagevol/golden", "conf/data/storagevol", "storagevol",
                    vol_parse, vol_format, (GDestroyNotify)vmm_storage_vol_def_free);
    g_test_add_func("/storagepool/uuid-generated", test_pool_uuid_generated);
    g_test_add_func("/storagepool/fields", test_pool_fields);
    g_test_add_func("/storagepool/copy", test_pool_copy);
    g_test_add_func("/storagepool/validate-flag", test_pool_validate_flag);
    g_test_add_func("/storagevol/defaults", test_vol_defaults);
    g_test_add_func("/storagevol/copy", test_vol_copy);
    g_test_add_func("/storagevol/validate-flag", test_vol_validate_flag);
    g_test_add_func("/storage/new", test_new);

    ret = g_test_run();
    vmm_storage_pool_def_free(fixed_pool);
    return ret;
}
