/*
 * test_driver_test.c: the mock driver, through the public API only.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vmm.h"
#include "driver.h"

#include <glib/gstdio.h>
#include <string.h>

#define TEST_UUID "6695eb01-f6a4-8304-79aa-97f2502e193f"
#define NET_UUID "dd8fe884-6c02-601e-7551-cca97df1c5df"
#define POOL_UUID "dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566"

#define DOM_XML(name, uuid) \
    "<domain type='test'>" \
    "  <name>" name "</name>" \
    "  <uuid>" uuid "</uuid>" \
    "  <memory>1048576</memory>" \
    "  <currentMemory>524288</currentMemory>" \
    "  <vcpu>1</vcpu>" \
    "  <os><type>hvm</type></os>" \
    "</domain>"

#define UUID_1 "11111111-2222-3333-4444-000000000001"
#define UUID_2 "11111111-2222-3333-4444-000000000002"

static VmmConnect *
open_default(void)
{
    g_autoptr(GError) err = NULL;
    VmmConnect *conn = vmm_connect_open("test:///default", 0, &err);

    g_assert_no_error(err);
    g_assert_nonnull(conn);
    return conn;
}

static void
assert_state(VmmDomain *dom, int state, int reason)
{
    g_autoptr(GError) err = NULL;
    int s = -1, r = -1;

    g_assert_true(vmm_domain_get_state(dom, &s, &r, 0, &err));
    g_assert_no_error(err);
    g_assert_cmpint(s, ==, state);
    g_assert_cmpint(r, ==, reason);
}

/* A fresh lookup (handles keep the id of their lookup time). */
static VmmDomain *
lookup(VmmConnect *conn, const char *name)
{
    g_autoptr(GError) err = NULL;
    VmmDomain *dom = vmm_domain_lookup_by_name(conn, name, &err);

    g_assert_no_error(err);
    return dom;
}

static void
test_fixture(void)
{
    g_autoptr(VmmConnect) conn = open_default();
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(VmmNetwork) net = NULL;
    g_autoptr(VmmStoragePool) pool = NULL;
    g_autofree char *hostname = NULL;
    g_autofree char *caps = NULL;
    g_autofree char *bridge = NULL;
    g_autofree char *ostype = NULL;
    g_autofree char *xml = NULL;
    char uuid[VMM_UUID_STRING_BUFLEN];
    unsigned long ver = 0;
    VmmNodeInfo ni;
    VmmDomainInfo di;
    VmmStoragePoolInfo pi;
    gboolean autostart = TRUE;

    g_assert_cmpstr(vmm_connect_get_type(conn, &err), ==, "TEST");
    g_assert_true(vmm_connect_get_version(conn, &ver, &err));
    g_assert_cmpuint(ver, ==, 2);
    hostname = vmm_connect_get_hostname(conn, &err);
    g_assert_cmpstr(hostname, ==, g_get_host_name());
    caps = vmm_connect_get_capabilities(conn, &err);
    g_assert_nonnull(strstr(caps, "<capabilities>"));
    g_assert_nonnull(strstr(caps, "<os_type>hvm</os_type>"));
    g_assert_nonnull(strstr(caps, "<arch name='x86_64'>"));
    g_assert_nonnull(strstr(caps, "<domain type='test'/>"));

    g_assert_true(vmm_node_get_info(conn, &ni, &err));
    g_assert_cmpstr(ni.model, ==, "i686");
    g_assert_cmpuint(ni.memory, ==, 3145728);
    g_assert_cmpuint(ni.cpus, ==, 16);
    g_assert_cmpuint(ni.mhz, ==, 1400);
    g_assert_cmpuint(ni.nodes, ==, 2);
    g_assert_cmpuint(ni.sockets, ==, 2);
    g_assert_cmpuint(ni.cores, ==, 2);
    g_assert_cmpuint(ni.threads, ==, 2);

    dom = vmm_domain_lookup_by_id(conn, 1, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(vmm_domain_get_name(dom), ==, "test");
    g_assert_cmpstr(vmm_domain_get_uuid_string(dom, uuid), ==, TEST_UUID);
    g_assert_cmpint(vmm_domain_get_id(dom), ==, 1);
    assert_state(dom, VMM_DOMAIN_RUNNING, 0);
    g_assert_true(vmm_domain_get_info(dom, &di, &err));
    g_assert_cmpuint(di.state, ==, VMM_DOMAIN_RUNNING);
    g_assert_cmpuint(di.max_mem, ==, 8388608);
    g_assert_cmpuint(di.memory, ==, 2097152);
    g_assert_cmpuint(di.nr_virt_cpu, ==, 2);
    g_assert_cmpint(vmm_domain_is_active(dom, &err), ==, 1);
    g_assert_cmpint(vmm_domain_is_persistent(dom, &err), ==, 1);
    g_assert_true(vmm_domain_get_autostart(dom, &autostart, &err));
    g_assert_false(autostart);
    ostype = vmm_domain_get_os_type(dom, &err);
    g_assert_cmpstr(ostype, ==, "linux");
    xml = vmm_domain_get_xml_desc(dom, 0, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(xml, "id='1'"));
    g_assert_nonnull(strstr(xml, "<name>test</name>"));
    g_assert_true(strstr(xml, "hvm") != NULL);
    g_clear_pointer(&xml, g_free);
    xml = vmm_domain_get_xml_desc(dom, VMM_DOMAIN_XML_INACTIVE, &err);
    g_assert_null(strstr(xml, "id='1'"));

    net = vmm_network_lookup_by_name(conn, "default", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(vmm_network_get_uuid_string(net, uuid), ==, NET_UUID);
    g_assert_cmpint(vmm_network_is_active(net, &err), ==, 1);
    g_assert_cmpint(vmm_network_is_persistent(net, &err), ==, 1);
    g_assert_true(vmm_network_get_autostart(net, &autostart, &err));
    g_assert_false(autostart);
    bridge = vmm_network_get_bridge_name(net, &err);
    g_assert_cmpstr(bridge, ==, "virbr0");
    g_clear_pointer(&xml, g_free);
    xml = vmm_network_get_xml_desc(net, 0, &err);
    g_assert_nonnull(strstr(xml, "nat"));
    g_assert_nonnull(strstr(xml, "192.168.122.1"));
    g_assert_nonnull(strstr(xml, "192.168.122.254"));

    pool = vmm_storage_pool_lookup_by_name(conn, "default-pool", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(vmm_storage_pool_get_uuid_string(pool, uuid), ==, POOL_UUID);
    g_assert_true(vmm_storage_pool_get_info(pool, &pi, &err));
    g_assert_cmpint(pi.state, ==, VMM_STORAGE_POOL_RUNNING);
    g_assert_cmpuint(pi.capacity, ==, G_GUINT64_CONSTANT(107374182400));
    g_assert_cmpuint(pi.available, ==, G_GUINT64_CONSTANT(107374182400));
    g_assert_cmpuint(pi.allocation, ==, 0);
    g_assert_cmpint(vmm_storage_pool_is_persistent(pool, &err), ==, 1);
    g_clear_pointer(&xml, g_free);
    xml = vmm_storage_pool_get_xml_desc(pool, 0, &err);
    g_assert_nonnull(strstr(xml, "/default-pool"));
    g_assert_no_error(err);

    g_assert_cmpint(vmm_connect_num_of_domains(conn, &err), ==, 1);
    g_assert_cmpint(vmm_connect_num_of_defined_domains(conn, &err), ==, 0);
}

static void
test_fresh_state(void)
{
    g_autoptr(VmmConnect) a = open_default();
    g_autoptr(VmmConnect) b = open_default();
    g_autoptr(VmmDomain) dom = lookup(a, "test");
    g_autoptr(VmmDomain) dom_b = NULL;
    g_autoptr(GError) err = NULL;

    /* Each open has its own state. */
    g_assert_true(vmm_domain_destroy(dom, 0, &err));
    dom_b = lookup(b, "test");
    assert_state(dom_b, VMM_DOMAIN_RUNNING, 0);
    assert_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_DESTROYED);
}

static void
test_lifecycle(void)
{
    g_autoptr(VmmConnect) conn = open_default();
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(VmmDomain) again = NULL;
    g_autoptr(VmmDomain) by_id = NULL;
    g_autofree char *xml = NULL;
    VmmDomainInfo info;
    guint64 t1;

    dom = vmm_domain_define_xml(conn, DOM_XML("vm1", UUID_1), 0, &err);
    g_assert_no_error(err);
    g_assert_cmpint(vmm_domain_get_id(dom), ==, -1);
    assert_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_UNKNOWN);
    g_assert_cmpint(vmm_domain_is_active(dom, &err), ==, 0);
    g_assert_cmpint(vmm_domain_is_persistent(dom, &err), ==, 1);
    g_assert_cmpint(vmm_connect_num_of_defined_domains(conn, &err), ==, 1);

    /* Wrong-state calls on an inactive domain. */
    {
        const char *msg = "Requested operation is not valid: domain is not running";
        GError *e_ = NULL;

        g_assert_false(vmm_domain_shutdown(dom, 0, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_assert_cmpstr(e_->message, ==, msg);
        g_clear_error(&e_);
        g_assert_false(vmm_domain_destroy(dom, 0, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_assert_cmpstr(e_->message, ==, msg);
        g_clear_error(&e_);
        g_assert_false(vmm_domain_reboot(dom, 0, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
        g_assert_false(vmm_domain_reset(dom, 0, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
        g_assert_false(vmm_domain_suspend(dom, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_assert_cmpstr(e_->message, ==, msg);
        g_clear_error(&e_);
        g_assert_false(vmm_domain_resume(dom, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_assert_cmpstr(e_->message, ==,
                        "Requested operation is not valid: domain is not paused");
        g_clear_error(&e_);
    }

    /* Start: the next id is 2 (the fixture's domain has 1). */
    g_assert_true(vmm_domain_create(dom, 0, &err));
    g_assert_no_error(err);
    again = lookup(conn, "vm1");
    g_assert_cmpint(vmm_domain_get_id(again), ==, 2);
    assert_state(dom, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_BOOTED);
    by_id = vmm_domain_lookup_by_id(conn, 2, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(vmm_domain_get_name(by_id), ==, "vm1");
    xml = vmm_domain_get_xml_desc(dom, 0, &err);
    g_assert_nonnull(strstr(xml, "id='2'"));
    {
        GError *e_ = NULL;

        g_assert_false(vmm_domain_create(dom, 0, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_assert_cmpstr(e_->message, ==,
                        "Requested operation is not valid: domain is already running");
        g_clear_error(&e_);
    }

    g_assert_true(vmm_domain_get_info(dom, &info, &err));
    t1 = info.cpu_time;
    g_usleep(2000);
    g_assert_true(vmm_domain_get_info(dom, &info, &err));
    g_assert_cmpuint(info.cpu_time, >, t1);
    g_assert_cmpuint(info.max_mem, ==, 1048576);
    g_assert_cmpuint(info.memory, ==, 524288);

    g_assert_true(vmm_domain_suspend(dom, &err));
    assert_state(dom, VMM_DOMAIN_PAUSED, VMM_DOMAIN_PAUSED_USER);
    {
        GError *e_ = NULL;

        g_assert_false(vmm_domain_suspend(dom, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
    }
    g_assert_true(vmm_domain_resume(dom, &err));
    assert_state(dom, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_UNPAUSED);
    g_assert_true(vmm_domain_reboot(dom, 0, &err));
    assert_state(dom, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_BOOTED);
    g_assert_true(vmm_domain_reset(dom, 0, &err));
    assert_state(dom, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_BOOTED);
    g_assert_true(vmm_domain_shutdown(dom, 0, &err));
    assert_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_SHUTDOWN);
    g_assert_null(vmm_domain_lookup_by_id(conn, 2, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN);
    g_clear_error(&err);

    /* Next start: id 3; then destroy; paused start. */
    g_assert_true(vmm_domain_create(dom, 0, &err));
    g_clear_pointer(&again, vmm_domain_unref);
    again = lookup(conn, "vm1");
    g_assert_cmpint(vmm_domain_get_id(again), ==, 3);
    g_assert_true(vmm_domain_destroy(dom, 0, &err));
    assert_state(dom, VMM_DOMAIN_SHUTOFF, VMM_DOMAIN_SHUTOFF_DESTROYED);
    g_assert_true(vmm_domain_create(dom, VMM_DOMAIN_START_PAUSED, &err));
    assert_state(dom, VMM_DOMAIN_PAUSED, VMM_DOMAIN_PAUSED_USER);
    g_assert_true(vmm_domain_destroy(dom, 0, &err));

    /* Autostart and undefine. */
    g_assert_true(vmm_domain_set_autostart(dom, TRUE, &err));
    {
        gboolean a = FALSE;

        g_assert_true(vmm_domain_get_autostart(dom, &a, &err));
        g_assert_true(a);
    }
    g_assert_true(vmm_domain_undefine(dom, 0, &err));
    g_assert_no_error(err);
    g_assert_null(vmm_domain_lookup_by_name(conn, "vm1", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN);
    g_assert_cmpstr(err->message, ==, "Domain not found: no domain with matching name 'vm1'");
    g_clear_error(&err);
    g_assert_cmpint(vmm_domain_is_active(dom, &err), ==, -1);
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN);
}

static void
test_lookup_misses(void)
{
    g_autoptr(VmmConnect) conn = open_default();
    g_autoptr(GError) err = NULL;
    unsigned char uuid[VMM_UUID_BUFLEN];
    g_autoptr(VmmStoragePool) pool = NULL;

    g_assert_null(vmm_domain_lookup_by_name(conn, "nope", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN);
    g_assert_cmpstr(err->message, ==, "Domain not found: no domain with matching name 'nope'");
    g_clear_error(&err);
    vmm_uuid_parse(UUID_2, uuid);
    g_assert_null(vmm_domain_lookup_by_uuid(conn, uuid, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN);
    g_assert_cmpstr(err->message, ==, "Domain not found");
    g_clear_error(&err);
    g_assert_null(vmm_domain_lookup_by_id(conn, 42, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN);
    g_clear_error(&err);

    g_assert_null(vmm_network_lookup_by_name(conn, "x", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_NETWORK);
    g_assert_cmpstr(err->message, ==, "Network not found: no network with matching name 'x'");
    g_clear_error(&err);
    g_assert_null(vmm_network_lookup_by_uuid(conn, uuid, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_NETWORK);
    g_clear_error(&err);

    g_assert_null(vmm_storage_pool_lookup_by_name(conn, "x", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_STORAGE_POOL);
    g_assert_cmpstr(err->message, ==,
                    "Storage pool not found: no storage pool with matching name 'x'");
    g_clear_error(&err);
    g_assert_null(vmm_storage_pool_lookup_by_uuid(conn, uuid, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_STORAGE_POOL);
    g_clear_error(&err);

    pool = vmm_storage_pool_lookup_by_name(conn, "default-pool", &err);
    g_assert_null(vmm_storage_vol_lookup_by_name(pool, "v", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_STORAGE_VOL);
    g_assert_cmpstr(err->message, ==,
                    "Storage volume not found: no storage vol with matching name 'v'");
    g_clear_error(&err);
    g_assert_null(vmm_storage_vol_lookup_by_path(conn, "/p", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_STORAGE_VOL);
    g_assert_cmpstr(err->message, ==,
                    "Storage volume not found: no storage vol with matching path '/p'");
    g_clear_error(&err);
    g_assert_null(vmm_storage_vol_lookup_by_key(conn, "/k", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_STORAGE_VOL);
}

static void
test_transient(void)
{
    g_autoptr(VmmConnect) conn = open_default();
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(VmmDomain) test = lookup(conn, "test");

    dom = vmm_domain_create_xml(conn, DOM_XML("tr", UUID_2), 0, &err);
    g_assert_no_error(err);
    g_assert_cmpint(vmm_domain_get_id(dom), ==, 2);
    g_assert_cmpint(vmm_domain_is_persistent(dom, &err), ==, 0);
    assert_state(dom, VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_BOOTED);
    {
        GError *e_ = NULL;

        g_assert_false(vmm_domain_set_autostart(dom, TRUE, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
        g_assert_false(vmm_domain_undefine(dom, 0, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
        /* Creating it again while it runs fails. */
        g_assert_null(vmm_domain_create_xml(conn, DOM_XML("tr", UUID_2), 0, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
    }
    g_assert_true(vmm_domain_destroy(dom, 0, &err));
    g_assert_null(vmm_domain_lookup_by_name(conn, "tr", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN);
    g_clear_error(&err);

    /* Undefining a running persistent domain makes it transient; it goes
     * away when it stops. */
    g_assert_true(vmm_domain_undefine(test, 0, &err));
    g_assert_no_error(err);
    g_assert_cmpint(vmm_domain_is_persistent(test, &err), ==, 0);
    g_assert_cmpint(vmm_domain_is_active(test, &err), ==, 1);
    g_assert_true(vmm_domain_shutdown(test, 0, &err));
    g_assert_null(vmm_domain_lookup_by_name(conn, "test", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN);
}

static void
test_redefine(void)
{
    g_autoptr(VmmConnect) conn = open_default();
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(VmmDomain) dom2 = NULL;
    g_autoptr(VmmDomain) test = lookup(conn, "test");
    g_autofree char *live = NULL;
    g_autofree char *config = NULL;
    const char *redef =
        "<domain type='test'><name>test</name><uuid>" TEST_UUID "</uuid>"
        "<memory>4096</memory><vcpu>3</vcpu><os><type>hvm</type></os></domain>";

    dom = vmm_domain_define_xml(conn, DOM_XML("test", UUID_1), 0, &err);
    g_assert_null(dom);
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==,
                    "operation failed: domain 'test' already exists with uuid " TEST_UUID);
    g_clear_error(&err);
    dom = vmm_domain_define_xml(conn, DOM_XML("other", TEST_UUID), 0, &err);
    g_assert_null(dom);
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_FAILED);
    g_assert_cmpstr(err->message, ==,
                    "operation failed: domain 'test' is already defined with uuid " TEST_UUID);
    g_clear_error(&err);

    /* Same name and UUID while running: the live definition stays. */
    dom2 = vmm_domain_define_xml(conn, redef, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpint(vmm_domain_get_id(dom2), ==, 1);
    live = vmm_domain_get_xml_desc(test, 0, &err);
    config = vmm_domain_get_xml_desc(test, VMM_DOMAIN_XML_INACTIVE, &err);
    g_assert_nonnull(strstr(live, "8388608"));
    g_assert_nonnull(strstr(config, "4096"));
    g_assert_true(vmm_domain_destroy(test, 0, &err));
    g_clear_pointer(&live, g_free);
    live = vmm_domain_get_xml_desc(test, 0, &err);
    g_assert_nonnull(strstr(live, "4096"));
}

static guint
count_list(VmmConnect *conn, unsigned int flags)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(GPtrArray) list = vmm_connect_list_all_domains(conn, flags, &err);

    g_assert_no_error(err);
    return list->len;
}

static void
test_list_flags(void)
{
    g_autoptr(VmmConnect) conn = open_default();
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomain) a = vmm_domain_define_xml(conn, DOM_XML("b-inactive", UUID_1), 0, &err);
    g_autoptr(VmmDomain) t = vmm_domain_create_xml(conn, DOM_XML("a-transient", UUID_2), 0, &err);
    g_autoptr(VmmDomain) p = vmm_domain_define_xml(conn, DOM_XML("a-inactive",
                                                    "11111111-2222-3333-4444-000000000003"),
                                                   0, &err);
    g_autoptr(GPtrArray) all = NULL;

    g_assert_no_error(err);
    g_assert_true(vmm_domain_suspend(t, &err));
    g_assert_true(vmm_domain_set_autostart(a, TRUE, &err));

    /* Running by id, then inactive by name. */
    all = vmm_connect_list_all_domains(conn, 0, &err);
    g_assert_cmpuint(all->len, ==, 4);
    g_assert_cmpstr(vmm_domain_get_name(all->pdata[0]), ==, "test");
    g_assert_cmpstr(vmm_domain_get_name(all->pdata[1]), ==, "a-transient");
    g_assert_cmpstr(vmm_domain_get_name(all->pdata[2]), ==, "a-inactive");
    g_assert_cmpstr(vmm_domain_get_name(all->pdata[3]), ==, "b-inactive");

    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_ACTIVE), ==, 2);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_INACTIVE), ==, 2);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_ACTIVE |
                                VMM_CONNECT_LIST_DOMAINS_INACTIVE), ==, 4);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_PERSISTENT), ==, 3);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_TRANSIENT), ==, 1);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_RUNNING), ==, 1);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_PAUSED), ==, 1);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_SHUTOFF), ==, 2);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_OTHER), ==, 0);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_RUNNING |
                                VMM_CONNECT_LIST_DOMAINS_PAUSED), ==, 2);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_AUTOSTART), ==, 1);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_NO_AUTOSTART), ==, 3);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_MANAGEDSAVE), ==, 0);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE), ==, 4);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT), ==, 0);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_NO_SNAPSHOT), ==, 4);
    g_assert_cmpuint(count_list(conn, VMM_CONNECT_LIST_DOMAINS_INACTIVE |
                                VMM_CONNECT_LIST_DOMAINS_AUTOSTART), ==, 1);
    g_assert_cmpint(vmm_connect_num_of_domains(conn, &err), ==, 2);
    g_assert_cmpint(vmm_connect_num_of_defined_domains(conn, &err), ==, 2);

    g_assert_null(vmm_connect_list_all_domains(conn, 1 << 20, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_INVALID_ARG);
}

static void
test_metadata(void)
{
    g_autoptr(VmmConnect) conn = open_default();
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomain) dom = lookup(conn, "test");
    g_autofree char *title = NULL;
    g_autofree char *desc = NULL;
    g_autofree char *elem = NULL;
    g_autofree char *config = NULL;
    const char *uri = "http://example.org/app/1";

    g_assert_null(vmm_domain_get_metadata(dom, VMM_DOMAIN_METADATA_TITLE, NULL, 0, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN_METADATA);
    g_clear_error(&err);

    g_assert_true(vmm_domain_set_metadata(dom, VMM_DOMAIN_METADATA_TITLE, "My title",
                                          NULL, NULL, 0, &err));
    g_assert_no_error(err);
    title = vmm_domain_get_metadata(dom, VMM_DOMAIN_METADATA_TITLE, NULL, 0, &err);
    g_assert_cmpstr(title, ==, "My title");
    /* AFFECT_CURRENT on a running domain changed only the live definition. */
    g_assert_null(vmm_domain_get_metadata(dom, VMM_DOMAIN_METADATA_TITLE, NULL,
                                          VMM_DOMAIN_AFFECT_CONFIG, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN_METADATA);
    g_clear_error(&err);

    g_assert_true(vmm_domain_set_metadata(dom, VMM_DOMAIN_METADATA_DESCRIPTION, "Words",
                                          NULL, NULL,
                                          VMM_DOMAIN_AFFECT_LIVE | VMM_DOMAIN_AFFECT_CONFIG,
                                          &err));
    desc = vmm_domain_get_metadata(dom, VMM_DOMAIN_METADATA_DESCRIPTION, NULL,
                                   VMM_DOMAIN_AFFECT_CONFIG, &err);
    g_assert_cmpstr(desc, ==, "Words");

    g_assert_false(vmm_domain_set_metadata(dom, VMM_DOMAIN_METADATA_TITLE, "a\nb",
                                           NULL, NULL, 0, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_INVALID_ARG);
    g_clear_error(&err);

    g_assert_true(vmm_domain_set_metadata(dom, VMM_DOMAIN_METADATA_ELEMENT,
                                          "<info><color>blue</color></info>", "app", uri,
                                          VMM_DOMAIN_AFFECT_CONFIG, &err));
    g_assert_no_error(err);
    elem = vmm_domain_get_metadata(dom, VMM_DOMAIN_METADATA_ELEMENT, uri,
                                   VMM_DOMAIN_AFFECT_CONFIG, &err);
    g_assert_no_error(err);
    g_assert_nonnull(strstr(elem, "blue"));
    g_assert_nonnull(strstr(elem, uri));
    config = vmm_domain_get_xml_desc(dom, VMM_DOMAIN_XML_INACTIVE, &err);
    g_assert_nonnull(strstr(config, "blue"));
    g_assert_null(vmm_domain_get_metadata(dom, VMM_DOMAIN_METADATA_ELEMENT,
                                          "http://other/", VMM_DOMAIN_AFFECT_CONFIG, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN_METADATA);
    g_clear_error(&err);

    /* Removing it. */
    g_assert_true(vmm_domain_set_metadata(dom, VMM_DOMAIN_METADATA_ELEMENT, NULL, NULL, uri,
                                          VMM_DOMAIN_AFFECT_CONFIG, &err));
    g_assert_null(vmm_domain_get_metadata(dom, VMM_DOMAIN_METADATA_ELEMENT, uri,
                                          VMM_DOMAIN_AFFECT_CONFIG, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_DOMAIN_METADATA);
}

static void
test_network_lifecycle(void)
{
    g_autoptr(VmmConnect) conn = open_default();
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmNetwork) net = NULL;
    g_autoptr(VmmNetwork) tr = NULL;
    g_autoptr(GPtrArray) list = NULL;
    const char *xml =
        "<network><name>lab</name><uuid>" UUID_1 "</uuid>"
        "<bridge name='virbr9'/></network>";
    gboolean autostart = FALSE;

    net = vmm_network_define_xml(conn, xml, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpint(vmm_network_is_active(net, &err), ==, 0);
    g_assert_cmpint(vmm_network_is_persistent(net, &err), ==, 1);
    list = vmm_connect_list_all_networks(conn, VMM_CONNECT_LIST_NETWORKS_INACTIVE, &err);
    g_assert_cmpuint(list->len, ==, 1);
    g_clear_pointer(&list, g_ptr_array_unref);
    list = vmm_connect_list_all_networks(conn, 0, &err);
    g_assert_cmpuint(list->len, ==, 2);
    g_assert_cmpstr(vmm_network_get_name(list->pdata[0]), ==, "default");
    g_clear_pointer(&list, g_ptr_array_unref);

    {
        GError *e_ = NULL;

        g_assert_false(vmm_network_destroy(net, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
    }
    g_assert_true(vmm_network_create(net, &err));
    g_assert_cmpint(vmm_network_is_active(net, &err), ==, 1);
    {
        GError *e_ = NULL;

        g_assert_false(vmm_network_create(net, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
    }
    g_assert_true(vmm_network_set_autostart(net, TRUE, &err));
    g_assert_true(vmm_network_get_autostart(net, &autostart, &err));
    g_assert_true(autostart);
    list = vmm_connect_list_all_networks(conn, VMM_CONNECT_LIST_NETWORKS_AUTOSTART, &err);
    g_assert_cmpuint(list->len, ==, 1);
    g_clear_pointer(&list, g_ptr_array_unref);

    g_assert_true(vmm_network_destroy(net, &err));
    g_assert_true(vmm_network_undefine(net, &err));
    g_assert_null(vmm_network_lookup_by_name(conn, "lab", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_NETWORK);
    g_clear_error(&err);

    /* Transient: gone when destroyed. */
    tr = vmm_network_create_xml(conn, xml, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpint(vmm_network_is_persistent(tr, &err), ==, 0);
    list = vmm_connect_list_all_networks(conn, VMM_CONNECT_LIST_NETWORKS_TRANSIENT, &err);
    g_assert_cmpuint(list->len, ==, 1);
    g_assert_true(vmm_network_destroy(tr, &err));
    g_assert_null(vmm_network_lookup_by_name(conn, "lab", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_NETWORK);
}

static void
test_storage_lifecycle(void)
{
    g_autoptr(VmmConnect) conn = open_default();
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmStoragePool) pool = NULL;
    g_autoptr(VmmStoragePool) found = NULL;
    g_autoptr(VmmStorageVol) vol = NULL;
    g_autoptr(VmmStorageVol) vol2 = NULL;
    g_autoptr(VmmStorageVol) by_path = NULL;
    g_autoptr(GPtrArray) list = NULL;
    g_autofree char *path = NULL;
    g_autofree char *vxml = NULL;
    VmmStoragePoolInfo pi;
    VmmStorageVolInfo vi;
    const char *pxml =
        "<pool type='dir'><name>p2</name><uuid>" UUID_1 "</uuid>"
        "<target><path>/srv/p2</path></target></pool>";

    pool = vmm_storage_pool_define_xml(conn, pxml, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpint(vmm_storage_pool_is_active(pool, &err), ==, 0);
    g_assert_true(vmm_storage_pool_get_info(pool, &pi, &err));
    g_assert_cmpint(pi.state, ==, VMM_STORAGE_POOL_INACTIVE);
    g_assert_true(vmm_storage_pool_build(pool, 0, &err));
    {
        GError *e_ = NULL;

        g_assert_null(vmm_storage_vol_create_xml(pool, "<volume><name>x</name>"
                                                 "<capacity>1</capacity></volume>", 0, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
        g_assert_false(vmm_storage_pool_destroy(pool, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
        g_assert_false(vmm_storage_pool_refresh(pool, 0, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
    }
    g_assert_true(vmm_storage_pool_create(pool, 0, &err));
    g_assert_no_error(err);
    g_assert_true(vmm_storage_pool_refresh(pool, 0, &err));
    {
        GError *e_ = NULL;

        g_assert_false(vmm_storage_pool_create(pool, 0, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
        g_assert_false(vmm_storage_pool_undefine(pool, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
        g_assert_false(vmm_storage_pool_delete(pool, 0, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
        g_clear_error(&e_);
    }

    vol2 = vmm_storage_vol_create_xml(pool, "<volume><name>b.img</name>"
                                      "<capacity>2048</capacity></volume>", 0, &err);
    g_assert_no_error(err);
    vol = vmm_storage_vol_create_xml(pool, "<volume><name>a.img</name>"
                                     "<capacity unit='bytes'>1048576</capacity>"
                                     "<allocation>4096</allocation></volume>", 0, &err);
    g_assert_no_error(err);
    g_assert_cmpstr(vmm_storage_vol_get_key(vol), ==, "/srv/p2/a.img");
    g_assert_cmpstr(vmm_storage_vol_get_pool_name(vol), ==, "p2");
    path = vmm_storage_vol_get_path(vol, &err);
    g_assert_cmpstr(path, ==, "/srv/p2/a.img");
    g_assert_true(vmm_storage_vol_get_info(vol, &vi, &err));
    g_assert_cmpint(vi.type, ==, VMM_STORAGE_VOL_FILE);
    g_assert_cmpuint(vi.capacity, ==, 1048576);
    g_assert_cmpuint(vi.allocation, ==, 4096);
    vxml = vmm_storage_vol_get_xml_desc(vol, 0, &err);
    g_assert_nonnull(strstr(vxml, "a.img"));
    g_assert_true(vmm_storage_pool_get_info(pool, &pi, &err));
    g_assert_cmpuint(pi.allocation, >=, 4096);
    g_assert_cmpuint(pi.available, ==, pi.capacity - pi.allocation);
    {
        GError *e_ = NULL;

        g_assert_null(vmm_storage_vol_create_xml(pool, "<volume><name>a.img</name>"
                                                 "<capacity>1</capacity></volume>", 0, &e_));
        g_assert_error(e_, VMM_ERROR, VMM_ERR_STORAGE_VOL_EXIST);
        g_assert_cmpstr(e_->message, ==, "storage volume already exists: 'a.img'");
        g_clear_error(&e_);
    }

    list = vmm_storage_pool_list_all_volumes(pool, 0, &err);
    g_assert_cmpuint(list->len, ==, 2);
    g_assert_cmpstr(vmm_storage_vol_get_name(list->pdata[0]), ==, "a.img");
    g_assert_cmpstr(vmm_storage_vol_get_name(list->pdata[1]), ==, "b.img");
    g_clear_pointer(&list, g_ptr_array_unref);

    by_path = vmm_storage_vol_lookup_by_path(conn, "/srv/p2/b.img", &err);
    g_assert_no_error(err);
    g_assert_cmpstr(vmm_storage_vol_get_name(by_path), ==, "b.img");
    found = vmm_storage_pool_lookup_by_volume(by_path, &err);
    g_assert_cmpstr(vmm_storage_pool_get_name(found), ==, "p2");
    g_clear_pointer(&by_path, vmm_storage_vol_unref);
    by_path = vmm_storage_vol_lookup_by_key(conn, "/srv/p2/a.img", &err);
    g_assert_no_error(err);
    g_clear_pointer(&by_path, vmm_storage_vol_unref);

    g_assert_true(vmm_storage_vol_delete(vol, 0, &err));
    g_assert_null(vmm_storage_vol_lookup_by_name(pool, "a.img", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_STORAGE_VOL);
    g_clear_error(&err);
    g_assert_false(vmm_storage_vol_get_info(vol, &vi, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_STORAGE_VOL);
    g_clear_error(&err);

    list = vmm_connect_list_all_storage_pools(conn, VMM_CONNECT_LIST_STORAGE_POOLS_ACTIVE |
                                              VMM_CONNECT_LIST_STORAGE_POOLS_DIR, &err);
    g_assert_cmpuint(list->len, ==, 2);
    g_clear_pointer(&list, g_ptr_array_unref);
    list = vmm_connect_list_all_storage_pools(conn, VMM_CONNECT_LIST_STORAGE_POOLS_LOGICAL,
                                              &err);
    g_assert_cmpuint(list->len, ==, 0);
    g_clear_pointer(&list, g_ptr_array_unref);

    g_assert_true(vmm_storage_pool_set_autostart(pool, TRUE, &err));
    g_assert_true(vmm_storage_pool_destroy(pool, &err));
    g_assert_true(vmm_storage_pool_delete(pool, 0, &err));
    g_assert_true(vmm_storage_pool_undefine(pool, &err));
    g_assert_no_error(err);
    g_assert_null(vmm_storage_pool_lookup_by_name(conn, "p2", &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_STORAGE_POOL);
    g_clear_error(&err);

    /* Transient pool. */
    g_clear_pointer(&pool, vmm_storage_pool_unref);
    pool = vmm_storage_pool_create_xml(conn, pxml, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpint(vmm_storage_pool_is_persistent(pool, &err), ==, 0);
    g_assert_cmpint(vmm_storage_pool_is_active(pool, &err), ==, 1);
    g_assert_true(vmm_storage_pool_destroy(pool, &err));
    g_assert_null(vmm_storage_pool_lookup_by_name(conn, "p2", &err));
}

static void
test_node_file(void)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *dir = g_dir_make_tmp("vmm-node-XXXXXX", &err);
    g_autofree char *path = g_build_filename(dir, "node.xml", NULL);
    g_autofree char *dompath = g_build_filename(dir, "extra.xml", NULL);
    g_autofree char *uri = g_strconcat("test://", path, NULL);
    g_autoptr(VmmConnect) conn = NULL;
    g_autoptr(VmmDomain) a = NULL;
    g_autoptr(VmmDomain) b = NULL;
    g_autoptr(VmmDomain) c = NULL;
    g_autoptr(VmmStoragePool) pool = NULL;
    g_autoptr(GPtrArray) vols = NULL;
    g_autoptr(GPtrArray) nets = NULL;
    VmmNodeInfo ni;
    const char *node =
        "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
        "  <cpu><nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads>"
        "<active>4</active><mhz>2000</mhz><model>x86_64</model></cpu>\n"
        "  <memory>8192</memory>\n"
        DOM_XML("n1", UUID_1) "\n"
        "  <domain type='test'><name>n2</name><uuid>" UUID_2 "</uuid>"
        "<memory>1024</memory><vcpu>1</vcpu><os><type>hvm</type></os>"
        "<test:runstate>5</test:runstate></domain>\n"
        "  <domain file='extra.xml'/>\n"
        "  <network><name>n</name><uuid>" NET_UUID "</uuid><bridge name='br7'/></network>\n"
        "  <pool type='dir'><name>pp</name><uuid>" POOL_UUID "</uuid>"
        "<target><path>/pp</path></target>"
        "<volume><name>v1</name><capacity>100</capacity></volume>"
        "<volume><name>v0</name><capacity>100</capacity></volume></pool>\n"
        "</node>\n";

    g_assert_no_error(err);
    g_assert_true(g_file_set_contents(path, node, -1, NULL));
    g_assert_true(g_file_set_contents(dompath,
                                      DOM_XML("n3", "11111111-2222-3333-4444-000000000003"),
                                      -1, NULL));
    conn = vmm_connect_open(uri, 0, &err);
    g_assert_no_error(err);

    g_assert_true(vmm_node_get_info(conn, &ni, &err));
    g_assert_cmpstr(ni.model, ==, "x86_64");
    g_assert_cmpuint(ni.cpus, ==, 4);
    g_assert_cmpuint(ni.mhz, ==, 2000);
    g_assert_cmpuint(ni.memory, ==, 8192);

    a = lookup(conn, "n1");
    g_assert_cmpint(vmm_domain_get_id(a), ==, 1);
    assert_state(a, VMM_DOMAIN_RUNNING, 0);
    b = lookup(conn, "n2");
    g_assert_cmpint(vmm_domain_get_id(b), ==, -1);
    assert_state(b, VMM_DOMAIN_SHUTOFF, 0);
    c = lookup(conn, "n3");
    g_assert_cmpint(vmm_domain_get_id(c), ==, 2);
    g_assert_cmpint(vmm_domain_is_persistent(c, &err), ==, 1);

    nets = vmm_connect_list_all_networks(conn, VMM_CONNECT_LIST_NETWORKS_ACTIVE, &err);
    g_assert_cmpuint(nets->len, ==, 1);

    pool = vmm_storage_pool_lookup_by_name(conn, "pp", &err);
    g_assert_no_error(err);
    vols = vmm_storage_pool_list_all_volumes(pool, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(vols->len, ==, 2);
    g_assert_cmpstr(vmm_storage_vol_get_name(vols->pdata[0]), ==, "v0");
    g_assert_cmpstr(vmm_storage_vol_get_key(vols->pdata[1]), ==, "/pp/v1");

    /* A transient running domain; a broken entry fails the open and names
     * the file and line. */
    g_clear_pointer(&conn, vmm_connect_unref);
    g_assert_true(g_file_set_contents(path,
        "<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>\n"
        "<domain type='test'><name>t</name><uuid>" UUID_1 "</uuid><memory>1024</memory>"
        "<vcpu>1</vcpu><os><type>hvm</type></os><test:transient/></domain>\n"
        "</node>\n", -1, NULL));
    conn = vmm_connect_open(uri, 0, &err);
    g_assert_no_error(err);
    g_clear_pointer(&a, vmm_domain_unref);
    a = lookup(conn, "t");
    g_assert_cmpint(vmm_domain_is_persistent(a, &err), ==, 0);
    g_assert_cmpint(vmm_domain_is_active(a, &err), ==, 1);
    g_clear_pointer(&conn, vmm_connect_unref);
    g_assert_true(g_file_set_contents(path, "<node>\n\n<domain type='test'><memory>1</memory>"
                                      "</domain></node>", -1, NULL));
    g_assert_null(vmm_connect_open(uri, 0, &err));
    g_assert_nonnull(err);
    g_assert_true(g_str_has_prefix(err->message, path));
    g_assert_nonnull(strstr(err->message, ":3: "));
    g_clear_error(&err);

    g_unlink(path);
    g_unlink(dompath);
    g_rmdir(dir);

    /* A missing or broken file fails the open. */
    g_clear_pointer(&conn, vmm_connect_unref);
    conn = vmm_connect_open(uri, 0, &err);
    g_assert_null(conn);
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPEN_FAILED);
}

static void
test_readonly(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmConnect) conn = vmm_connect_open("test:///default", VMM_CONNECT_RO, &err);
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(GPtrArray) list = NULL;

    g_assert_no_error(err);
    g_assert_true(vmm_connect_is_readonly(conn));
    dom = lookup(conn, "test");
    list = vmm_connect_list_all_domains(conn, 0, &err);
    g_assert_no_error(err);
    g_assert_cmpuint(list->len, ==, 1);

    g_assert_false(vmm_domain_destroy(dom, 0, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_DENIED);
    g_clear_error(&err);
    g_assert_null(vmm_domain_define_xml(conn, DOM_XML("x", UUID_1), 0, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_DENIED);
    g_clear_error(&err);
    assert_state(dom, VMM_DOMAIN_RUNNING, 0);
}

/* A copy of the driver table with one entry left out. */
static void
test_no_support(void)
{
    static VmmDriver partial;
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmConnect) conn = open_default();
    g_autoptr(VmmDomain) dom = lookup(conn, "test");
    const VmmDriver *saved = conn->driver;

    partial = *saved;
    partial.domain_suspend = NULL;
    conn->driver = &partial;
    g_assert_false(vmm_domain_suspend(dom, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_NO_SUPPORT);
    conn->driver = saved;
}

/* Threads defining, starting, listing and undefining at once. */
static gpointer
churn(gpointer data)
{
    VmmConnect *conn = data;
    static gint counter;
    int me = g_atomic_int_add(&counter, 1);

    for (int i = 0; i < 100; i++) {
        g_autofree char *name = g_strdup_printf("th%d-%d", me, i % 5);
        g_autofree char *uuid = g_strdup_printf("%08x-0000-0000-0000-%012x", me + 1, i % 5);
        g_autofree char *xml = g_strdup_printf(DOM_XML("%s", "%s"), name, uuid);
        g_autoptr(VmmDomain) dom = vmm_domain_define_xml(conn, xml, 0, NULL);
        g_autoptr(GPtrArray) list = NULL;

        g_assert_nonnull(dom);
        if (i % 3 == 0)
            g_assert_true(vmm_domain_create(dom, 0, NULL));
        list = vmm_connect_list_all_domains(conn, 0, NULL);
        g_assert_nonnull(list);
        g_assert_cmpint(vmm_connect_num_of_domains(conn, NULL), >=, 1);
        if (i % 3 == 0)
            g_assert_true(vmm_domain_destroy(dom, 0, NULL));
        if (i % 2)
            g_assert_true(vmm_domain_undefine(dom, 0, NULL));
    }
    return NULL;
}

static void
test_threads(void)
{
    g_autoptr(VmmConnect) conn = open_default();
    GThread *threads[4];

    for (int i = 0; i < 4; i++)
        threads[i] = g_thread_new("churn", churn, conn);
    for (int i = 0; i < 4; i++)
        g_thread_join(threads[i]);
    g_assert_cmpint(vmm_connect_num_of_domains(conn, NULL), ==, 1);
}

static void
count_event(VmmConnect *conn, VmmDomain *dom, int event, int detail, gpointer opaque)
{
    (*(int *)opaque)++;
}

static void
count_free(gpointer opaque)
{
    (*(int *)opaque) += 100;
}

/* Closing a connection drops its event registrations (their opaques are
 * freed), so nothing keyed by its address survives it. */
static void
test_events_close(void)
{
    VmmConnect *conn = open_default();
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmDomain) dom = NULL;
    int seen = 0;

    g_assert_cmpint(vmm_connect_domain_event_register(conn, count_event, &seen, count_free,
                                                      &err), >=, 0);
    g_assert_no_error(err);
    dom = vmm_domain_lookup_by_name(conn, "test", &err);
    g_assert_no_error(err);
    g_assert_true(vmm_domain_suspend(dom, &err));
    g_assert_cmpint(seen, ==, 1);
    g_clear_pointer(&dom, vmm_domain_unref);
    vmm_connect_unref(conn);
    g_assert_cmpint(seen, ==, 101);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/drivers/test/fixture", test_fixture);
    g_test_add_func("/drivers/test/fresh-state", test_fresh_state);
    g_test_add_func("/drivers/test/lifecycle", test_lifecycle);
    g_test_add_func("/drivers/test/lookup-misses", test_lookup_misses);
    g_test_add_func("/drivers/test/transient", test_transient);
    g_test_add_func("/drivers/test/redefine", test_redefine);
    g_test_add_func("/drivers/test/list-flags", test_list_flags);
    g_test_add_func("/drivers/test/metadata", test_metadata);
    g_test_add_func("/drivers/test/network", test_network_lifecycle);
    g_test_add_func("/drivers/test/storage", test_storage_lifecycle);
    g_test_add_func("/drivers/test/node-file", test_node_file);
    g_test_add_func("/drivers/test/readonly", test_readonly);
    g_test_add_func("/drivers/test/no-support", test_no_support);
    g_test_add_func("/drivers/test/threads", test_threads);
    g_test_add_func("/drivers/test/events-close", test_events_close);
    return g_test_run();
}
