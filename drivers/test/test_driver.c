/*
 * test_driver.c: the in-memory mock driver (test:///default, test:///PATH.xml).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * State sharing: every open gets its own fresh state, loaded from the
 * default fixture or from the node file, and the state goes with the
 * connection.  (libvirt shares test:///default among the concurrent
 * connections of one process; a private state per connection keeps tests
 * independent and matches what a fresh virsh run sees.)  Within one
 * connection, the state is shared by every thread using it, so all access
 * goes through the object lists' locks.
 *
 * Nothing is written to disk: the definitions live as long as the
 * connection (persistence is conf/config_store.c's job, for real drivers).
 */
#include "test_driver_priv.h"

#include <string.h>
#include <libxml/xpathInternals.h>

#define TEST_DRIVER_VERSION 2     /* shown as 0.0.2, as libvirt's */

/* libvirtd 9.0's test:///default, as far as vmm's XML goes. */
static const char default_fixture[] =
    "<node>\n"
    "  <domain type='test'>\n"
    "    <name>test</name>\n"
    "    <uuid>6695eb01-f6a4-8304-79aa-97f2502e193f</uuid>\n"
    "    <memory>8388608</memory>\n"
    "    <currentMemory>2097152</currentMemory>\n"
    "    <vcpu>2</vcpu>\n"
    "    <os>\n"
    "      <type arch='i686'>hvm</type>\n"
    "      <boot dev='hd'/>\n"
    "    </os>\n"
    "    <devices>\n"
    "      <disk type='file' device='disk'>\n"
    "        <source file='/guest/diskimage1'/>\n"
    "        <target dev='vda' bus='virtio'/>\n"
    "        <address type='pci' domain='0x0000' bus='0x01' slot='0x00' function='0x0'/>\n"
    "      </disk>\n"
    "      <interface type='network'>\n"
    "        <mac address='aa:bb:cc:dd:ee:ff'/>\n"
    "        <source network='default'/>\n"
    "        <target dev='testnet0'/>\n"
    "        <address type='pci' domain='0x0000' bus='0x00' slot='0x01' function='0x0'/>\n"
    "      </interface>\n"
    "      <memballoon model='virtio'>\n"
    "        <address type='pci' domain='0x0000' bus='0x00' slot='0x02' function='0x0'/>\n"
    "      </memballoon>\n"
    "    </devices>\n"
    "  </domain>\n"
    "  <network>\n"
    "    <name>default</name>\n"
    "    <uuid>dd8fe884-6c02-601e-7551-cca97df1c5df</uuid>\n"
    "    <bridge name='virbr0'/>\n"
    "    <forward mode='nat'/>\n"
    "    <ip address='192.168.122.1' netmask='255.255.255.0'>\n"
    "      <dhcp>\n"
    "        <range start='192.168.122.2' end='192.168.122.254'/>\n"
    "      </dhcp>\n"
    "    </ip>\n"
    "  </network>\n"
    "  <pool type='dir'>\n"
    "    <name>default-pool</name>\n"
    "    <uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>\n"
    "    <target>\n"
    "      <path>/default-pool</path>\n"
    "    </target>\n"
    "  </pool>\n"
    "</node>\n";

static const VmmNodeInfo default_node_info = {
    .model = "i686",
    .memory = 3145728,
    .cpus = 16,
    .mhz = 1400,
    .nodes = 2,
    .sockets = 2,
    .cores = 2,
    .threads = 2,
};

/* ------------------------------------------------------------------ */
/* Helpers shared by the driver's files                                */

gboolean
test_check_flags(unsigned int flags, unsigned int allowed, const char *func, GError **error)
{
    if (flags & ~allowed) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                      flags & ~allowed, func);
        return FALSE;
    }
    return TRUE;
}

/* One listed object: its id and name as seen under its lock. */
typedef struct {
    int id;
    const char *name;       /* stable while the object is referenced */
    gpointer handle;
} ListEntry;

static gint
compare_entries(gconstpointer a, gconstpointer b)
{
    const ListEntry *ea = a;
    const ListEntry *eb = b;

    return vmm_obj_list_order(ea->id, ea->name, eb->id, eb->name);
}

GPtrArray *
test_list_objects(VmmConnect *conn, VmmObjList *list, unsigned int flags,
                  TestMatchFunc match, TestHandleFunc handle, GDestroyNotify unref)
{
    g_autoptr(GPtrArray) all = vmm_obj_list_collect(list);
    g_autoptr(GArray) entries = g_array_sized_new(FALSE, FALSE, sizeof(ListEntry), all->len);
    GPtrArray *ret = g_ptr_array_new_full(all->len, unref);

    for (guint i = 0; i < all->len; i++) {
        VmmObj *obj = all->pdata[i];

        vmm_obj_lock(obj);
        if (!obj->removed && match(obj, flags)) {
            ListEntry e = { obj->id, obj->name, handle(conn, obj) };

            g_array_append_val(entries, e);
        }
        vmm_obj_unlock(obj);
    }
    g_array_sort(entries, compare_entries);
    for (guint i = 0; i < entries->len; i++)
        g_ptr_array_add(ret, g_array_index(entries, ListEntry, i).handle);
    return ret;
}

int
test_obj_flag(gpointer ptr, gsize offset)
{
    int ret;

    if (!ptr)
        return -1;
    ret = G_STRUCT_MEMBER(gboolean, ptr, offset) ? 1 : 0;
    vmm_obj_end(ptr);
    return ret;
}

gboolean
test_obj_get_autostart(gpointer ptr, gboolean *autostart)
{
    if (!ptr)
        return FALSE;
    *autostart = ((VmmObj *)ptr)->autostart;
    vmm_obj_end(ptr);
    return TRUE;
}

gboolean
test_obj_set_autostart(gpointer ptr, gboolean autostart, GError **error)
{
    gboolean ok;

    if (!ptr)
        return FALSE;
    ok = vmm_obj_set_autostart(ptr, NULL, autostart, error);
    vmm_obj_end(ptr);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Loading a <node> fixture                                            */

/* Parse the object at ctxt->node; a file='' attribute names a separate
 * file (relative to the node file's directory) holding it, as libvirt
 * allows. */
typedef gpointer (*ParseNodeFunc)(xmlXPathContext *ctxt, GError **error);
typedef gpointer (*ParseStringFunc)(const char *xml, const char *url, GError **error);

static char *
node_file_ref(xmlXPathContext *ctxt, const char *base_dir, GError **error)
{
    g_autofree char *file = vmm_xml_prop(ctxt->node, "file");
    g_autofree char *path = NULL;

    if (!file)
        return NULL;
    path = g_path_is_absolute(file) ? g_strdup(file)
                                    : g_build_filename(base_dir, file, NULL);
    return g_steal_pointer(&path);
}

static gpointer
parse_domain_string(const char *xml, const char *url, GError **error)
{
    return vmm_domain_def_parse_string(xml, url, 0, error);
}

static gpointer
parse_domain_node(xmlXPathContext *ctxt, GError **error)
{
    g_autoptr(VmmDomainDef) def = vmm_domain_def_parse_node(ctxt, error);

    if (!def || !vmm_domain_def_post_parse(def, error) || !vmm_domain_def_validate(def, error))
        return NULL;
    return g_steal_pointer(&def);
}

static gpointer
parse_network_string(const char *xml, const char *url, GError **error)
{
    return vmm_network_def_parse_string(xml, url, 0, error);
}

static gpointer
parse_network_node(xmlXPathContext *ctxt, GError **error)
{
    g_autoptr(VmmNetworkDef) def = vmm_network_def_parse_node(ctxt, error);

    if (!def || !vmm_network_def_post_parse(def, error) ||
        !vmm_network_def_validate(def, error))
        return NULL;
    return g_steal_pointer(&def);
}

static gpointer
parse_pool_string(const char *xml, const char *url, GError **error)
{
    return vmm_storage_pool_def_parse_string(xml, url, 0, error);
}

static gpointer
parse_pool_node(xmlXPathContext *ctxt, GError **error)
{
    g_autoptr(VmmStoragePoolDef) def = vmm_storage_pool_def_parse_node(ctxt, error);

    if (!def || !vmm_storage_pool_def_post_parse(def, error) ||
        !vmm_storage_pool_def_validate(def, error))
        return NULL;
    return g_steal_pointer(&def);
}

static gpointer
parse_entry(xmlXPathContext *ctxt, const char *base_dir, ParseNodeFunc parse_node,
            ParseStringFunc parse_string, GError **error)
{
    g_autofree char *path = node_file_ref(ctxt, base_dir, error);
    g_autofree char *xml = NULL;

    if (!path)
        return parse_node(ctxt, error);
    if (!g_file_get_contents(path, &xml, NULL, NULL)) {
        vmm_error_set(error, VMM_ERR_OPEN_FAILED, _("cannot read '%s'"), path);
        return NULL;
    }
    return parse_string(xml, path, error);
}

/* A node file's domain starts running unless <test:runstate> says
 * otherwise; <test:transient/> makes it transient (libvirt's rules). */
static gboolean
load_domain(TestDriver *drv, xmlXPathContext *ctxt, const char *base_dir, GError **error)
{
    VmmDomainDef *def;
    VmmDomainObj *obj;
    g_autofree char *runstate = vmm_xml_string(ctxt, "string(./test:runstate)");
    gboolean transient = vmm_xml_node(ctxt, "./test:transient") != NULL;
    guint64 state = VMM_DOMAIN_RUNNING;
    gboolean created;

    if (runstate && !vmm_xml_parse_uint(runstate, "runstate", VMM_DOMAIN_STATE_LAST - 1,
                                        &state, error))
        return FALSE;
    if (transient && state == VMM_DOMAIN_SHUTOFF) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, "%s",
                      _("transient domain cannot have runstate 'shutoff'"));
        return FALSE;
    }
    if (!(def = parse_entry(ctxt, base_dir, parse_domain_node, parse_domain_string, error)))
        return FALSE;
    if (transient)
        obj = vmm_obj_list_create(drv->domains, def, &created, error);
    else
        obj = vmm_obj_list_define(drv->domains, NULL, def, &created, error);
    if (!obj)
        return FALSE;
    if (state != VMM_DOMAIN_SHUTOFF) {
        vmm_domain_obj_start(drv->domains, obj, g_atomic_int_add(&drv->next_dom_id, 1), 0);
        vmm_domain_obj_set_state(obj, state, 0);
    }
    vmm_obj_end(obj);
    return TRUE;
}

static gboolean
load_network(TestDriver *drv, xmlXPathContext *ctxt, const char *base_dir, GError **error)
{
    gpointer def;
    VmmNetworkObj *obj;
    gboolean created;

    if (!(def = parse_entry(ctxt, base_dir, parse_network_node, parse_network_string, error)) ||
        !(obj = vmm_obj_list_define(drv->networks, NULL, def, &created, error)))
        return FALSE;
    vmm_obj_set_active(obj);
    vmm_obj_end(obj);
    return TRUE;
}

static gboolean
load_volumes(VmmStoragePoolObj *pool, xmlXPathContext *ctxt, const char *base_dir,
             GError **error)
{
    g_autofree xmlNode **nodes = NULL;
    xmlNode *saved = ctxt->node;
    int n = vmm_xml_nodes(ctxt, "./volume", &nodes);
    gboolean ok = TRUE;

    for (int i = 0; i < n && ok; i++) {
        g_autofree char *path = NULL;
        g_autofree char *xml = NULL;
        VmmStorageVolDef *vol;

        ctxt->node = nodes[i];
        if ((path = node_file_ref(ctxt, base_dir, error))) {
            if (!g_file_get_contents(path, &xml, NULL, NULL)) {
                vmm_error_set(error, VMM_ERR_OPEN_FAILED, _("cannot read '%s'"), path);
                ok = FALSE;
                break;
            }
        } else {
            xml = vmm_xml_node_dump(nodes[i]);
        }
        ok = (vol = vmm_storage_vol_def_parse_string(vmm_storage_pool_obj_def(pool), xml,
                                                     path, 0, error)) &&
             test_pool_add_volume(pool, vol, error);
    }
    ctxt->node = saved;
    return ok;
}

static gboolean
load_pool(TestDriver *drv, xmlXPathContext *ctxt, const char *base_dir, GError **error)
{
    VmmStoragePoolDef *def;
    VmmStoragePoolObj *obj;
    gboolean created;
    gboolean ok;

    if (!(def = parse_entry(ctxt, base_dir, parse_pool_node, parse_pool_string, error)))
        return FALSE;
    test_pool_set_defaults(def);
    if (!(obj = vmm_obj_list_define(drv->pools, NULL, def, &created, error)))
        return FALSE;
    vmm_obj_set_active(obj);
    ok = load_volumes(obj, ctxt, base_dir, error);
    vmm_obj_end(obj);
    return ok;
}

/* <cpu> and <memory> of a node file override the default node info. */
static gboolean
load_node_info(TestDriver *drv, xmlXPathContext *ctxt, GError **error)
{
    static const struct {
        const char *xpath;
        gsize offset;
    } fields[] = {
        { "string(./cpu/nodes)", G_STRUCT_OFFSET(VmmNodeInfo, nodes) },
        { "string(./cpu/sockets)", G_STRUCT_OFFSET(VmmNodeInfo, sockets) },
        { "string(./cpu/cores)", G_STRUCT_OFFSET(VmmNodeInfo, cores) },
        { "string(./cpu/threads)", G_STRUCT_OFFSET(VmmNodeInfo, threads) },
        { "string(./cpu/active)", G_STRUCT_OFFSET(VmmNodeInfo, cpus) },
        { "string(./cpu/mhz)", G_STRUCT_OFFSET(VmmNodeInfo, mhz) },
    };
    g_autofree char *model = vmm_xml_string(ctxt, "string(./cpu/model)");
    g_autofree char *memory = vmm_xml_string(ctxt, "string(./memory)");
    VmmNodeInfo *info = &drv->node_info;

    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
        g_autofree char *str = vmm_xml_string(ctxt, fields[i].xpath);
        guint64 v;

        if (!str)
            continue;
        if (!vmm_xml_parse_uint(str, fields[i].xpath, G_MAXUINT, &v, error))
            return FALSE;
        G_STRUCT_MEMBER(unsigned int, info, fields[i].offset) = v;
    }
    if (memory && !vmm_xml_parse_uint(memory, "memory", G_MAXUINT64, &info->memory, error))
        return FALSE;
    if (model)
        g_strlcpy(info->model, model, sizeof(info->model));
    return TRUE;
}

static gboolean
load_fixture(TestDriver *drv, const char *xml, const char *url, GError **error)
{
    static const struct {
        const char *xpath;
        gboolean (*load)(TestDriver *drv, xmlXPathContext *ctxt, const char *base_dir,
                         GError **error);
    } sections[] = {
        { "./domain", load_domain },
        { "./network", load_network },
        { "./pool", load_pool },
    };
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlDoc) doc = vmm_xml_parse(xml, url, "node", &ctxt, error);
    g_autofree char *base_dir = g_path_get_dirname(url);
    xmlNode *root;

    if (!doc)
        return FALSE;
    xmlXPathRegisterNs(ctxt, (const xmlChar *)"test", (const xmlChar *)TEST_DOMAIN_NS);
    root = ctxt->node;
    if (!load_node_info(drv, ctxt, error))
        return FALSE;
    for (size_t s = 0; s < G_N_ELEMENTS(sections); s++) {
        g_autofree xmlNode **nodes = NULL;
        int n = vmm_xml_nodes(ctxt, sections[s].xpath, &nodes);

        for (int i = 0; i < n; i++) {
            ctxt->node = nodes[i];
            if (!sections[s].load(drv, ctxt, base_dir, error)) {
                g_prefix_error(error, "%s:%ld: ", url, vmm_xml_node_line(nodes[i]));
                return FALSE;
            }
        }
        ctxt->node = root;
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Connection                                                          */

static void
test_driver_free(TestDriver *drv)
{
    if (!drv)
        return;
    vmm_obj_list_free(drv->domains);
    vmm_obj_list_free(drv->networks);
    vmm_obj_list_free(drv->pools);
    g_hash_table_unref(drv->vol_data);
    g_mutex_clear(&drv->vol_data_lock);
    g_free(drv);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TestDriver, test_driver_free)

static gboolean
test_connect_open(VmmConnect *conn, GError **error)
{
    g_autoptr(TestDriver) drv = g_new0(TestDriver, 1);
    const char *path = conn->uri + strlen("test://");
    g_autofree char *xml = NULL;

    if (!g_str_has_prefix(conn->uri, "test://") || path[0] != '/') {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid URI '%s'"), conn->uri);
        return FALSE;
    }
    drv->domains = vmm_domain_obj_list_new();
    drv->networks = vmm_network_obj_list_new();
    drv->pools = vmm_storage_pool_obj_list_new();
    g_mutex_init(&drv->vol_data_lock);
    drv->vol_data = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify)test_vol_data_unref);
    drv->next_dom_id = 1;
    drv->node_info = default_node_info;

    if (g_str_equal(path, "/default")) {
        if (!load_fixture(drv, default_fixture, "(default fixture)", error))
            return FALSE;
    } else {
        g_autoptr(GError) local = NULL;

        if (!g_file_get_contents(path, &xml, NULL, &local)) {
            vmm_error_set(error, VMM_ERR_OPEN_FAILED, _("cannot read fixture '%s': %s"),
                          path, local->message);
            return FALSE;
        }
        if (!load_fixture(drv, xml, path, error))
            return FALSE;
    }
    conn->priv = g_steal_pointer(&drv);
    return TRUE;
}

static void
test_connect_close(VmmConnect *conn)
{
    test_driver_free(g_steal_pointer(&conn->priv));
}

static const char *
test_connect_get_type(VmmConnect *conn, GError **error)
{
    return "TEST";
}

static gboolean
test_connect_get_version(VmmConnect *conn, unsigned long *hv_ver, GError **error)
{
    *hv_ver = TEST_DRIVER_VERSION;
    return TRUE;
}

static char *
test_connect_get_hostname(VmmConnect *conn, GError **error)
{
    return g_strdup(g_get_host_name());
}

static char *
test_connect_get_capabilities(VmmConnect *conn, GError **error)
{
    const VmmNodeInfo *info = &test_driver_of(conn)->node_info;
    GString *buf = g_string_new("<capabilities>\n\n  <host>\n");
    static const char *const guest_arches[] = { "i686", "x86_64" };

    g_string_append(buf, "    <uuid>11111111-2222-3333-4444-555555555555</uuid>\n");
    g_string_append_printf(buf, "    <cpu>\n      <arch>%s</arch>\n", info->model);
    g_string_append_printf(buf, "      <topology sockets='%u' dies='1' cores='%u' threads='%u'/>\n",
                           info->sockets, info->cores, info->threads);
    g_string_append(buf, "    </cpu>\n");
    g_string_append(buf, "    <secmodel>\n      <model>testSecurity</model>\n"
                         "      <doi></doi>\n    </secmodel>\n  </host>\n\n");
    for (size_t i = 0; i < G_N_ELEMENTS(guest_arches); i++) {
        g_string_append_printf(buf,
                               "  <guest>\n"
                               "    <os_type>hvm</os_type>\n"
                               "    <arch name='%s'>\n"
                               "      <wordsize>%d</wordsize>\n"
                               "      <emulator>/usr/bin/test-hv</emulator>\n"
                               "      <domain type='test'/>\n"
                               "    </arch>\n"
                               "  </guest>\n\n",
                               guest_arches[i], i == 0 ? 32 : 64);
    }
    g_string_append(buf, "</capabilities>\n");
    return g_string_free(buf, FALSE);
}

static gboolean
test_node_get_info(VmmConnect *conn, VmmNodeInfo *info, GError **error)
{
    *info = test_driver_of(conn)->node_info;
    return TRUE;
}

const VmmDriver vmm_test_driver = {
    .name = "test",
    .scheme = "test",
    .connect_open = test_connect_open,
    .connect_close = test_connect_close,
    .connect_get_type = test_connect_get_type,
    .connect_get_version = test_connect_get_version,
    .connect_get_hostname = test_connect_get_hostname,
    .connect_get_capabilities = test_connect_get_capabilities,
    .node_get_info = test_node_get_info,

    .connect_list_all_domains = test_connect_list_all_domains,
    .connect_num_of_domains = test_connect_num_of_domains,
    .connect_num_of_defined_domains = test_connect_num_of_defined_domains,
    .domain_lookup_by_name = test_domain_lookup_by_name,
    .domain_lookup_by_uuid = test_domain_lookup_by_uuid,
    .domain_lookup_by_id = test_domain_lookup_by_id,
    .domain_define_xml = test_domain_define_xml,
    .domain_undefine = test_domain_undefine,
    .domain_create_xml = test_domain_create_xml,
    .domain_create = test_domain_create,
    .domain_shutdown = test_domain_shutdown,
    .domain_reboot = test_domain_reboot,
    .domain_reset = test_domain_reset,
    .domain_destroy = test_domain_destroy,
    .domain_suspend = test_domain_suspend,
    .domain_resume = test_domain_resume,
    .domain_get_info = test_domain_get_info,
    .domain_get_state = test_domain_get_state,
    .domain_get_xml_desc = test_domain_get_xml_desc,
    .domain_get_os_type = test_domain_get_os_type,
    .domain_get_autostart = test_domain_get_autostart,
    .domain_set_autostart = test_domain_set_autostart,
    .domain_is_active = test_domain_is_active,
    .domain_is_persistent = test_domain_is_persistent,
    .domain_get_metadata = test_domain_get_metadata,
    .domain_set_metadata = test_domain_set_metadata,
    .domain_attach_device = test_domain_attach_device,
    .domain_detach_device = test_domain_detach_device,
    .domain_update_device = test_domain_update_device,

    .connect_list_all_networks = test_connect_list_all_networks,
    .network_lookup_by_name = test_network_lookup_by_name,
    .network_lookup_by_uuid = test_network_lookup_by_uuid,
    .network_define_xml = test_network_define_xml,
    .network_create_xml = test_network_create_xml,
    .network_undefine = test_network_undefine,
    .network_create = test_network_create,
    .network_destroy = test_network_destroy,
    .network_get_xml_desc = test_network_get_xml_desc,
    .network_get_bridge_name = test_network_get_bridge_name,
    .network_get_autostart = test_network_get_autostart,
    .network_set_autostart = test_network_set_autostart,
    .network_is_active = test_network_is_active,
    .network_is_persistent = test_network_is_persistent,

    .connect_list_all_storage_pools = test_connect_list_all_storage_pools,
    .storage_pool_lookup_by_name = test_storage_pool_lookup_by_name,
    .storage_pool_lookup_by_uuid = test_storage_pool_lookup_by_uuid,
    .storage_pool_lookup_by_volume = test_storage_pool_lookup_by_volume,
    .storage_pool_define_xml = test_storage_pool_define_xml,
    .storage_pool_create_xml = test_storage_pool_create_xml,
    .storage_pool_build = test_storage_pool_build,
    .storage_pool_undefine = test_storage_pool_undefine,
    .storage_pool_create = test_storage_pool_create,
    .storage_pool_destroy = test_storage_pool_destroy,
    .storage_pool_delete = test_storage_pool_delete,
    .storage_pool_refresh = test_storage_pool_refresh,
    .storage_pool_get_info = test_storage_pool_get_info,
    .storage_pool_get_xml_desc = test_storage_pool_get_xml_desc,
    .storage_pool_get_autostart = test_storage_pool_get_autostart,
    .storage_pool_set_autostart = test_storage_pool_set_autostart,
    .storage_pool_is_active = test_storage_pool_is_active,
    .storage_pool_is_persistent = test_storage_pool_is_persistent,
    .storage_pool_list_all_volumes = test_storage_pool_list_all_volumes,

    .storage_vol_lookup_by_name = test_storage_vol_lookup_by_name,
    .storage_vol_lookup_by_key = test_storage_vol_lookup_by_key,
    .storage_vol_lookup_by_path = test_storage_vol_lookup_by_path,
    .storage_vol_create_xml = test_storage_vol_create_xml,
    .storage_vol_delete = test_storage_vol_delete,
    .storage_vol_get_info = test_storage_vol_get_info,
    .storage_vol_get_xml_desc = test_storage_vol_get_xml_desc,
    .storage_vol_get_path = test_storage_vol_get_path,
    .storage_vol_upload = test_storage_vol_upload,
    .storage_vol_download = test_storage_vol_download,

    .domain_memory_stats = test_domain_memory_stats,
    .domain_block_stats = test_domain_block_stats,
    .domain_interface_stats = test_domain_interface_stats,
    .domain_get_vcpus = test_domain_get_vcpus,
    .node_get_cpu_map = test_node_get_cpu_map,
};
