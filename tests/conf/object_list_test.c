/*
 * object_list_test.c: the generic object list and the config store.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Uses a small "toy" definition so that the list and persistence rules are
 * tested apart from any real XML object; the domain, network and pool
 * kinds only plug their def functions into the same code.
 */
#include "conf/object_list.h"
#include "conf/config_store.h"
#include "conf/domain_obj.h"
#include "conf/network_obj.h"
#include "conf/storage_obj.h"
#include "conf/xml_util.h"
#include "util/vmm_error.h"
#include "util/vmm_file.h"
#include "util/vmm_file_priv.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

typedef struct {
    char *name;
    unsigned char uuid[VMM_UUID_BUFLEN];
    char *payload;
} ToyDef;

static ToyDef *
toy_new(const char *name, const char *uuid, const char *payload)
{
    ToyDef *def = g_new0(ToyDef, 1);

    def->name = g_strdup(name);
    g_assert_true(vmm_uuid_parse(uuid, def->uuid));
    def->payload = g_strdup(payload);
    return def;
}

static void
toy_free(gpointer ptr)
{
    ToyDef *def = ptr;

    g_free(def->name);
    g_free(def->payload);
    g_free(def);
}

static const char *toy_name(gconstpointer def) { return ((const ToyDef *)def)->name; }
static const unsigned char *toy_uuid(gconstpointer def) { return ((const ToyDef *)def)->uuid; }

static gpointer
toy_copy(gconstpointer ptr)
{
    const ToyDef *def = ptr;
    char buf[VMM_UUID_STRING_BUFLEN];

    return toy_new(def->name, vmm_uuid_format(def->uuid, buf), def->payload);
}

static char *
toy_format(gconstpointer ptr)
{
    const ToyDef *def = ptr;
    char buf[VMM_UUID_STRING_BUFLEN];

    return g_strdup_printf("<toy>\n  <name>%s</name>\n  <uuid>%s</uuid>\n"
                           "  <payload>%s</payload>\n</toy>\n",
                           def->name, vmm_uuid_format(def->uuid, buf), def->payload);
}

static gpointer
toy_parse(const char *xml, const char *url, GError **error)
{
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlDoc) doc = vmm_xml_parse(xml, url, "toy", &ctxt, error);
    g_autofree char *name = NULL;
    g_autofree char *uuid = NULL;
    g_autofree char *payload = NULL;

    if (!doc)
        return NULL;
    name = vmm_xml_string(ctxt, "string(./name)");
    uuid = vmm_xml_string(ctxt, "string(./uuid)");
    payload = vmm_xml_string(ctxt, "string(./payload)");
    if (!name || !uuid) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, "toy without name or uuid");
        return NULL;
    }
    return toy_new(name, uuid, payload ? payload : "");
}

static const VmmObjKind toy_kind = {
    .name = "toy",
    .obj_size = sizeof(VmmObj),
    .def_name = toy_name,
    .def_uuid = toy_uuid,
    .def_copy = toy_copy,
    .def_free = toy_free,
    .def_format = toy_format,
    .def_parse = toy_parse,
};

#define UUID_A "11111111-2222-3333-4444-555555555555"
#define UUID_B "aaaaaaaa-2222-3333-4444-555555555555"
#define UUID_C "cccccccc-2222-3333-4444-555555555555"

typedef struct {
    char *dir;
    VmmConfigStore *store;
    VmmObjList *list;
} Fixture;

static void
fixture_setup(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *tmp = g_dir_make_tmp("vmm-objlist-XXXXXX", &err);

    g_assert_no_error(err);
    f->dir = g_build_filename(tmp, "qemu", NULL);   /* created by the store */
    f->store = vmm_config_store_new(f->dir, &err);
    g_assert_no_error(err);
    f->list = vmm_obj_list_new(&toy_kind);
}

static void
remove_tree(const char *path)
{
    g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
    const char *entry;

    while (dir && (entry = g_dir_read_name(dir))) {
        g_autofree char *child = g_build_filename(path, entry, NULL);

        if (g_file_test(child, G_FILE_TEST_IS_DIR) &&
            !g_file_test(child, G_FILE_TEST_IS_SYMLINK))
            remove_tree(child);
        else
            g_unlink(child);
    }
    g_rmdir(path);
}

static void
fixture_teardown(Fixture *f, gconstpointer data)
{
    g_autofree char *parent = g_path_get_dirname(f->dir);

    vmm_file_set_write_fault(-1);
    vmm_obj_list_free(f->list);
    vmm_config_store_free(f->store);
    remove_tree(parent);
    g_free(f->dir);
}

/* Define @def through the list and the store; expects success. */
static void
define_ok(Fixture *f, ToyDef *def, gboolean expect_created)
{
    g_autoptr(GError) err = NULL;
    gboolean created = FALSE;
    VmmObj *obj = vmm_obj_list_define(f->list, f->store, def, &created, &err);

    g_assert_no_error(err);
    g_assert_nonnull(obj);
    g_assert_cmpint(created, ==, expect_created);
    g_assert_true(obj->persistent);
    vmm_obj_end(obj);
}

static char *
file_of(Fixture *f, const char *name)
{
    g_autofree char *path = vmm_config_store_path(f->store, name);
    char *xml = NULL;

    g_file_get_contents(path, &xml, NULL, NULL);
    return xml;
}

/* In nowait mode a lookup of a locked object reports it (as absent, and
 * through vmm_obj_nowait_end()) instead of waiting; others are found. */
static void
test_nowait(Fixture *f, gconstpointer data)
{
    unsigned char uuid_a[VMM_UUID_BUFLEN];
    VmmObj *held;
    VmmObj *obj;

    vmm_uuid_parse(UUID_A, uuid_a);
    define_ok(f, toy_new("alpha", UUID_A, "one"), TRUE);
    define_ok(f, toy_new("beta", UUID_B, "two"), TRUE);

    held = vmm_obj_list_find_by_name(f->list, "alpha");
    g_assert_nonnull(held);
    vmm_obj_nowait_begin();
    obj = vmm_obj_list_find_by_name(f->list, "beta");
    g_assert_nonnull(obj);
    vmm_obj_end(obj);
    g_assert_null(vmm_obj_list_find_by_uuid(f->list, uuid_a));
    g_assert_true(vmm_obj_nowait_end());
    vmm_obj_end(held);

    vmm_obj_nowait_begin();
    obj = vmm_obj_list_find_by_uuid(f->list, uuid_a);
    g_assert_nonnull(obj);
    vmm_obj_end(obj);
    g_assert_false(vmm_obj_nowait_end());
    /* Back to waiting lookups. */
    obj = vmm_obj_list_find_by_name(f->list, "alpha");
    g_assert_nonnull(obj);
    vmm_obj_end(obj);
}

static void
test_round_trip(Fixture *f, gconstpointer data)
{
    g_autoptr(VmmObjList) list2 = vmm_obj_list_new(&toy_kind);
    g_autofree char *xml = NULL;
    unsigned char uuid_a[VMM_UUID_BUFLEN];
    VmmObj *obj;

    vmm_uuid_parse(UUID_A, uuid_a);
    define_ok(f, toy_new("alpha", UUID_A, "one"), TRUE);
    define_ok(f, toy_new("beta", UUID_B, "two"), TRUE);
    xml = file_of(f, "alpha");
    g_assert_nonnull(xml);
    g_assert_nonnull(strstr(xml, "<payload>one</payload>"));

    g_assert_cmpuint(vmm_obj_list_load(list2, f->store), ==, 2);
    g_assert_cmpuint(vmm_obj_list_count(list2), ==, 2);
    obj = vmm_obj_list_find_by_name(list2, "beta");
    g_assert_nonnull(obj);
    g_assert_cmpstr(((ToyDef *)obj->def)->payload, ==, "two");
    g_assert_true(obj->persistent);
    g_assert_false(obj->active);
    g_assert_false(obj->autostart);
    vmm_obj_end(obj);
    obj = vmm_obj_list_find_by_uuid(list2, uuid_a);
    g_assert_nonnull(obj);
    g_assert_cmpstr(obj->name, ==, "alpha");
    vmm_obj_end(obj);
}

static void
test_autostart(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmObjList) list2 = vmm_obj_list_new(&toy_kind);
    g_autofree char *link = g_build_filename(f->dir, "autostart", "alpha.xml", NULL);
    g_autofree char *target = NULL;
    g_autofree char *file = vmm_config_store_path(f->store, "alpha");
    VmmObj *obj;

    define_ok(f, toy_new("alpha", UUID_A, "one"), TRUE);
    obj = vmm_obj_list_find_by_name(f->list, "alpha");
    g_assert_true(vmm_obj_set_autostart(obj, f->store, TRUE, &err));
    g_assert_no_error(err);
    g_assert_true(obj->autostart);
    vmm_obj_end(obj);

    target = g_file_read_link(link, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(target, ==, "../alpha.xml");
    g_assert_true(g_file_test(link, G_FILE_TEST_IS_REGULAR));   /* it resolves */

    g_assert_cmpuint(vmm_obj_list_load(list2, f->store), ==, 1);
    obj = vmm_obj_list_find_by_name(list2, "alpha");
    g_assert_true(obj->autostart);
    vmm_obj_end(obj);

    obj = vmm_obj_list_find_by_name(f->list, "alpha");
    g_assert_true(vmm_obj_set_autostart(obj, f->store, FALSE, &err));
    g_assert_false(g_file_test(link, G_FILE_TEST_EXISTS | G_FILE_TEST_IS_SYMLINK));
    g_assert_true(vmm_obj_set_autostart(obj, f->store, TRUE, &err));
    g_assert_true(g_file_test(link, G_FILE_TEST_IS_SYMLINK));

    /* Undefine removes both the definition and the link. */
    g_assert_true(vmm_obj_list_undefine(f->list, f->store, obj, &err));
    g_assert_no_error(err);
    g_assert_true(obj->removed);
    vmm_obj_end(obj);
    g_assert_false(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    g_assert_false(g_file_test(file, G_FILE_TEST_EXISTS));
    g_assert_null(vmm_obj_list_find_by_name(f->list, "alpha"));
    g_assert_cmpuint(vmm_obj_list_count(f->list), ==, 0);
}

static void
test_redefine_rules(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    gboolean created;
    VmmObj *obj;

    define_ok(f, toy_new("alpha", UUID_A, "one"), TRUE);
    define_ok(f, toy_new("alpha", UUID_A, "two"), FALSE);
    obj = vmm_obj_list_find_by_name(f->list, "alpha");
    g_assert_cmpstr(((ToyDef *)obj->def)->payload, ==, "two");
    vmm_obj_end(obj);

    /* Same name, other UUID. */
    g_assert_null(vmm_obj_list_define(f->list, f->store, toy_new("alpha", UUID_B, "x"),
                                      &created, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==,
                    "operation failed: toy 'alpha' already exists with uuid " UUID_A);
    g_clear_error(&err);

    /* Same UUID, other name. */
    g_assert_null(vmm_obj_list_define(f->list, f->store, toy_new("gamma", UUID_A, "x"),
                                      &created, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==,
                    "operation failed: toy 'alpha' is already defined with uuid " UUID_A);
    g_clear_error(&err);
    g_assert_null(vmm_obj_list_find_by_name(f->list, "gamma"));
    g_assert_cmpuint(vmm_obj_list_count(f->list), ==, 1);
}

static void
test_active_redefine(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    VmmObj *obj;

    define_ok(f, toy_new("alpha", UUID_A, "one"), TRUE);
    obj = vmm_obj_list_find_by_name(f->list, "alpha");
    vmm_obj_set_active(obj);
    vmm_obj_list_set_id(f->list, obj, 7);
    vmm_obj_end(obj);

    obj = vmm_obj_list_find_by_id(f->list, 7);
    g_assert_nonnull(obj);
    vmm_obj_end(obj);
    g_assert_null(vmm_obj_list_find_by_id(f->list, 8));

    /* The live definition stays until the object stops. */
    define_ok(f, toy_new("alpha", UUID_A, "two"), FALSE);
    obj = vmm_obj_list_find_by_name(f->list, "alpha");
    g_assert_cmpstr(((ToyDef *)obj->def)->payload, ==, "one");
    g_assert_cmpstr(((ToyDef *)vmm_obj_persistent_def(obj))->payload, ==, "two");

    /* Undefining an active object makes it transient. */
    g_assert_true(vmm_obj_list_undefine(f->list, f->store, obj, &err));
    g_assert_false(obj->persistent);
    g_assert_false(obj->removed);
    g_assert_null(obj->new_def);
    g_assert_false(vmm_obj_list_undefine(f->list, f->store, obj, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
    g_clear_error(&err);
    g_assert_false(vmm_obj_set_autostart(obj, f->store, TRUE, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
    g_clear_error(&err);

    vmm_obj_list_set_id(f->list, obj, -1);
    vmm_obj_set_inactive(obj);
    vmm_obj_list_remove(f->list, obj);
    vmm_obj_end(obj);
    g_assert_null(vmm_obj_list_find_by_id(f->list, 7));
    g_assert_cmpuint(vmm_obj_list_count(f->list), ==, 0);
}

static void
test_create_transient(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    gboolean created;
    VmmObj *obj;

    obj = vmm_obj_list_create(f->list, toy_new("t", UUID_C, "live"), &created, &err);
    g_assert_no_error(err);
    g_assert_true(created);
    g_assert_false(obj->persistent);
    vmm_obj_set_active(obj);
    g_assert_null(obj->new_def);
    vmm_obj_end(obj);

    g_assert_null(vmm_obj_list_create(f->list, toy_new("t", UUID_C, "again"),
                                      &created, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
    g_assert_cmpstr(err->message, ==, "Requested operation is not valid: toy 't' is already active");
    g_clear_error(&err);

    /* Creating from an inactive persistent object keeps its definition. */
    define_ok(f, toy_new("p", UUID_A, "config"), TRUE);
    obj = vmm_obj_list_create(f->list, toy_new("p", UUID_A, "live"), &created, &err);
    g_assert_no_error(err);
    g_assert_false(created);
    vmm_obj_set_active(obj);
    g_assert_cmpstr(((ToyDef *)obj->def)->payload, ==, "live");
    g_assert_cmpstr(((ToyDef *)vmm_obj_persistent_def(obj))->payload, ==, "config");
    vmm_obj_set_inactive(obj);
    g_assert_cmpstr(((ToyDef *)obj->def)->payload, ==, "config");
    vmm_obj_end(obj);
}

static void
test_broken_files(Fixture *f, gconstpointer data)
{
    g_autoptr(VmmObjList) list2 = vmm_obj_list_new(&toy_kind);
    g_autofree char *bad = g_build_filename(f->dir, "bad.xml", NULL);
    g_autofree char *renamed = g_build_filename(f->dir, "other.xml", NULL);
    g_autofree char *good = NULL;
    VmmObj *obj;

    define_ok(f, toy_new("alpha", UUID_A, "one"), TRUE);
    g_assert_true(g_file_set_contents(bad, "<toy><name>bad</name", -1, NULL));
    good = file_of(f, "alpha");
    /* A valid definition under a file name that is not its own. */
    g_assert_true(g_file_set_contents(renamed, good, -1, NULL));

    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                          "skipping broken config '*bad.xml': *");
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                          "skipping broken config '*other.xml': operation failed: config file name "
                          "'other' does not match toy name 'alpha'");
    g_assert_cmpuint(vmm_obj_list_load(list2, f->store), ==, 1);
    g_test_assert_expected_messages();

    obj = vmm_obj_list_find_by_name(list2, "alpha");
    g_assert_nonnull(obj);
    vmm_obj_end(obj);
    g_assert_cmpuint(vmm_obj_list_count(list2), ==, 1);
}

static void
test_interrupted_write(Fixture *f, gconstpointer data)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    g_autofree char *newpath = vmm_config_store_path(f->store, "beta");
    unsigned char uuid_b[VMM_UUID_BUFLEN];
    gboolean created;
    VmmObj *obj;

    define_ok(f, toy_new("alpha", UUID_A, "one"), TRUE);
    before = file_of(f, "alpha");

    vmm_file_set_write_fault(10);
    /* A redefinition that cannot be written changes nothing. */
    g_assert_null(vmm_obj_list_define(f->list, f->store, toy_new("alpha", UUID_A, "two"),
                                      &created, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    after = file_of(f, "alpha");
    g_assert_cmpstr(after, ==, before);
    obj = vmm_obj_list_find_by_name(f->list, "alpha");
    g_assert_cmpstr(((ToyDef *)obj->def)->payload, ==, "one");
    vmm_obj_end(obj);

    /* Nor does a new definition: no object, no file. */
    g_assert_null(vmm_obj_list_define(f->list, f->store, toy_new("beta", UUID_B, "x"),
                                      &created, &err));
    g_assert_nonnull(err);
    g_clear_error(&err);
    g_assert_null(vmm_obj_list_find_by_name(f->list, "beta"));
    vmm_uuid_parse(UUID_B, uuid_b);
    g_assert_null(vmm_obj_list_find_by_uuid(f->list, uuid_b));
    g_assert_false(g_file_test(newpath, G_FILE_TEST_EXISTS));
    g_assert_cmpuint(vmm_obj_list_count(f->list), ==, 1);

    vmm_file_set_write_fault(-1);
    define_ok(f, toy_new("beta", UUID_B, "x"), TRUE);
}

/* Save and load each real kind through the store: the loaded definition
 * formats as the saved one, and autostart survives. */
static void
check_real_kind(Fixture *f, VmmObjList *list, const char *xml, const char *name)
{
    const VmmObjKind *kind = vmm_obj_list_kind(list);
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmObjList) list2 = vmm_obj_list_new(kind);
    g_autofree char *saved = NULL;
    g_autofree char *loaded = NULL;
    gboolean created;
    gpointer def = kind->def_parse(xml, NULL, &err);
    VmmObj *obj;

    g_assert_no_error(err);
    obj = vmm_obj_list_define(list, f->store, def, &created, &err);
    g_assert_no_error(err);
    g_assert_true(created);
    g_assert_true(vmm_obj_set_autostart(obj, f->store, TRUE, &err));
    saved = kind->def_format(obj->def);
    vmm_obj_end(obj);

    g_assert_cmpuint(vmm_obj_list_load(list2, f->store), ==, 1);
    obj = vmm_obj_list_find_by_name(list2, name);
    g_assert_nonnull(obj);
    g_assert_true(obj->autostart);
    g_assert_true(obj->persistent);
    loaded = kind->def_format(obj->def);
    g_assert_cmpstr(loaded, ==, saved);
    g_assert_true(vmm_obj_list_undefine(list2, f->store, obj, &err));
    vmm_obj_end(obj);
    g_assert_cmpuint(vmm_obj_list_load(list2, f->store), ==, 0);
}

static void
test_real_domain(Fixture *f, gconstpointer data)
{
    g_autoptr(VmmObjList) list = vmm_domain_obj_list_new();
    VmmDomainObj *obj;

    check_real_kind(f, list,
                    "<domain type='kvm'><name>d1</name><uuid>" UUID_A "</uuid>"
                    "<title>T</title><memory>1048576</memory><vcpu>2</vcpu>"
                    "<os><type arch='x86_64'>hvm</type></os></domain>", "d1");
    /* A new domain object starts shut off. */
    obj = vmm_obj_list_find_by_name(list, "d1");
    g_assert_nonnull(obj);
    g_assert_cmpint(obj->state, ==, 5);
    vmm_obj_end(obj);
}

static void
test_real_network(Fixture *f, gconstpointer data)
{
    g_autoptr(VmmObjList) list = vmm_network_obj_list_new();

    check_real_kind(f, list,
                    "<network><name>n1</name><uuid>" UUID_A "</uuid>"
                    "<forward mode='nat'/><bridge name='virbr5'/>"
                    "<ip address='10.0.5.1' netmask='255.255.255.0'/></network>", "n1");
}

static void
test_real_pool(Fixture *f, gconstpointer data)
{
    g_autoptr(VmmObjList) list = vmm_storage_pool_obj_list_new();

    check_real_kind(f, list,
                    "<pool type='dir'><name>p1</name><uuid>" UUID_A "</uuid>"
                    "<target><path>/srv/p1</path></target></pool>", "p1");
}

/* Threads defining, looking up, listing and undefining at once. */
typedef struct {
    VmmObjList *list;
    int index;
} ThreadData;

static gpointer
churn(gpointer ptr)
{
    ThreadData *td = ptr;

    for (int i = 0; i < 300; i++) {
        g_autofree char *name = g_strdup_printf("t%d-%d", td->index, i % 7);
        g_autofree char *uuid = g_strdup_printf("%08x-0000-0000-0000-%012x", td->index, i % 7);
        g_autoptr(GPtrArray) all = NULL;
        gboolean created;
        VmmObj *obj;

        obj = vmm_obj_list_define(td->list, NULL, toy_new(name, uuid, "p"), &created, NULL);
        g_assert_nonnull(obj);
        vmm_obj_list_set_id(td->list, obj, td->index * 1000 + i);
        vmm_obj_end(obj);

        all = vmm_obj_list_collect(td->list);
        for (guint j = 0; j < all->len; j++) {
            VmmObj *o = all->pdata[j];

            vmm_obj_lock(o);
            if (!o->removed)
                g_assert_nonnull(o->def);
            vmm_obj_unlock(o);
        }

        if ((obj = vmm_obj_list_find_by_name(td->list, name))) {
            if (i % 2) {
                vmm_obj_list_set_id(td->list, obj, -1);
                g_assert_true(vmm_obj_list_undefine(td->list, NULL, obj, NULL));
            }
            vmm_obj_end(obj);
        }
    }
    return NULL;
}

static void
test_threads(void)
{
    g_autoptr(VmmObjList) list = vmm_obj_list_new(&toy_kind);
    ThreadData td[4];
    GThread *threads[4];

    for (int i = 0; i < 4; i++) {
        td[i].list = list;
        td[i].index = i + 1;
        threads[i] = g_thread_new("churn", churn, &td[i]);
    }
    for (int i = 0; i < 4; i++)
        g_thread_join(threads[i]);
    g_assert_cmpuint(vmm_obj_list_count(list), <=, 28);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

#define FTEST(path, fn) \
    g_test_add(path, Fixture, NULL, fixture_setup, fn, fixture_teardown)
    FTEST("/conf/object_list/round-trip", test_round_trip);
    FTEST("/conf/object_list/nowait", test_nowait);
    FTEST("/conf/object_list/autostart", test_autostart);
    FTEST("/conf/object_list/redefine-rules", test_redefine_rules);
    FTEST("/conf/object_list/active-redefine", test_active_redefine);
    FTEST("/conf/object_list/create-transient", test_create_transient);
    FTEST("/conf/object_list/broken-files", test_broken_files);
    FTEST("/conf/object_list/interrupted-write", test_interrupted_write);
    FTEST("/conf/object_list/domain-round-trip", test_real_domain);
    FTEST("/conf/object_list/network-round-trip", test_real_network);
    FTEST("/conf/object_list/pool-round-trip", test_real_pool);
    g_test_add_func("/conf/object_list/threads", test_threads);
    return g_test_run();
}
