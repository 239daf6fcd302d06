/*
 * test_domain.c: domains of the mock driver.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every call finds its object again by UUID (handles are snapshots), works
 * under the object's lock and never holds two objects at once.
 */
#include "test_driver_priv.h"

#include <string.h>

VmmDomainObj *
test_domain_find(VmmDomain *dom, GError **error)
{
    return vmm_domain_obj_find(test_driver_of(dom->conn)->domains, dom->uuid, dom->name, error);
}

static VmmDomain *
domain_handle(VmmConnect *conn, VmmDomainObj *obj)
{
    return vmm_domain_new_handle(conn, obj->parent.name, obj->parent.uuid, obj->parent.id);
}

/* Releases @obj (locked, referenced) and returns its handle. */
static VmmDomain *
domain_handle_end(VmmConnect *conn, VmmDomainObj *obj)
{
    VmmDomain *dom = domain_handle(conn, obj);

    vmm_obj_end(obj);
    return dom;
}

static gboolean
check_active(VmmDomainObj *obj, GError **error)
{
    if (!obj->parent.active) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
        return FALSE;
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Listing and lookups                                                 */

static gboolean
domain_matches(gpointer ptr, unsigned int flags)
{
    return vmm_domain_obj_matches_list_flags(ptr, flags);
}

static gpointer
domain_handle_any(VmmConnect *conn, gpointer obj)
{
    return domain_handle(conn, obj);
}

GPtrArray *
test_connect_list_all_domains(VmmConnect *conn, unsigned int flags, GError **error)
{
    TEST_CHECK_FLAGS(flags, (VMM_CONNECT_LIST_DOMAINS_NO_SNAPSHOT << 1) - 1, NULL);
    return test_list_objects(conn, test_driver_of(conn)->domains, flags, domain_matches,
                             domain_handle_any, (GDestroyNotify)vmm_domain_unref);
}

static int
count_domains(VmmConnect *conn, gboolean active)
{
    g_autoptr(GPtrArray) all = vmm_obj_list_collect(test_driver_of(conn)->domains);
    int n = 0;

    for (guint i = 0; i < all->len; i++) {
        VmmObj *obj = all->pdata[i];

        vmm_obj_lock(obj);
        if (!obj->removed && obj->active == active)
            n++;
        vmm_obj_unlock(obj);
    }
    return n;
}

int
test_connect_num_of_domains(VmmConnect *conn, GError **error)
{
    return count_domains(conn, TRUE);
}

int
test_connect_num_of_defined_domains(VmmConnect *conn, GError **error)
{
    return count_domains(conn, FALSE);
}

VmmDomain *
test_domain_lookup_by_name(VmmConnect *conn, const char *name, GError **error)
{
    VmmDomainObj *obj = vmm_obj_list_find_by_name(test_driver_of(conn)->domains, name);

    if (!obj) {
        vmm_error_set(error, VMM_ERR_NO_DOMAIN, _("no domain with matching name '%s'"), name);
        return NULL;
    }
    return domain_handle_end(conn, obj);
}

VmmDomain *
test_domain_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error)
{
    VmmDomainObj *obj = vmm_obj_list_find_by_uuid(test_driver_of(conn)->domains, uuid);

    if (!obj) {
        /* libvirt's test driver gives no detail here. */
        vmm_error_set(error, VMM_ERR_NO_DOMAIN, "%s", _("Domain not found"));
        return NULL;
    }
    return domain_handle_end(conn, obj);
}

VmmDomain *
test_domain_lookup_by_id(VmmConnect *conn, int id, GError **error)
{
    VmmDomainObj *obj = vmm_obj_list_find_by_id(test_driver_of(conn)->domains, id);

    if (!obj) {
        vmm_error_set(error, VMM_ERR_NO_DOMAIN, _("no domain with matching id %d"), id);
        return NULL;
    }
    return domain_handle_end(conn, obj);
}

/* ------------------------------------------------------------------ */
/* Define, undefine, start and stop                                    */

/*
 * What libvirt's test driver fills in on define and create, as its
 * dumpxml shows: the arch of the first guest of its capabilities (i686),
 * and for hvm without any boot order the implicit <boot dev='hd'/> of
 * libvirt's common post-parse.  (The QEMU driver leaves both to its own
 * code; its XML output is not touched here.)
 */
static void
fill_defaults(VmmDomainDef *def)
{
    if (!def->os_arch)
        def->os_arch = g_strdup("i686");
    if (g_strcmp0(def->os_type, "hvm") == 0 &&
        (!def->os.boot_devs || def->os.boot_devs->len == 0) &&
        !vmm_domain_devices_have_boot_order(&def->devices)) {
        if (!def->os.boot_devs)
            def->os.boot_devs = g_ptr_array_new_with_free_func(g_free);
        g_ptr_array_add(def->os.boot_devs, g_strdup("hd"));
    }
}

static VmmDomainDef *
parse_def(const char *xml, gboolean validate, GError **error)
{
    VmmDomainDef *def = vmm_domain_def_parse_string(xml, NULL,
                                                    validate ? VMM_DOMAIN_DEF_PARSE_VALIDATE : 0,
                                                    error);

    if (def)
        fill_defaults(def);
    return def;
}

VmmDomain *
test_domain_define_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    TestDriver *drv = test_driver_of(conn);
    VmmDomainDef *def;
    VmmDomainObj *obj;
    gboolean created;

    TEST_CHECK_FLAGS(flags, VMM_DOMAIN_DEFINE_VALIDATE, NULL);
    if (!(def = parse_def(xml, flags & VMM_DOMAIN_DEFINE_VALIDATE, error)))
        return NULL;
    VmmDomain *ret;

    /* The mock driver keeps definitions in memory only: no store. */
    if (!(obj = vmm_obj_list_define(drv->domains, NULL, def, &created, error)))
        return NULL;
    ret = domain_handle_end(conn, obj);
    vmm_event_emit_domain_lifecycle(conn, ret, VMM_DOMAIN_EVENT_DEFINED,
                                    created ? VMM_DOMAIN_EVENT_DEFINED_ADDED
                                            : VMM_DOMAIN_EVENT_DEFINED_UPDATED);
    return ret;
}

gboolean
test_domain_undefine(VmmDomain *dom, unsigned int flags, GError **error)
{
    TestDriver *drv = test_driver_of(dom->conn);
    VmmDomainObj *obj;
    gboolean ok;

    /* Nothing to clean for these; accepted as libvirt's test driver does. */
    TEST_CHECK_FLAGS(flags, 0x7f, FALSE);
    if (!(obj = test_domain_find(dom, error)))
        return FALSE;
    ok = vmm_obj_list_undefine(drv->domains, NULL, obj, error);
    vmm_obj_end(obj);
    if (ok)
        vmm_event_emit_domain_lifecycle(dom->conn, dom, VMM_DOMAIN_EVENT_UNDEFINED,
                                        VMM_DOMAIN_EVENT_UNDEFINED_REMOVED);
    return ok;
}

static void
start_obj(TestDriver *drv, VmmDomainObj *obj, unsigned int flags)
{
    int id = g_atomic_int_add(&drv->next_dom_id, 1);

    vmm_domain_obj_start(drv->domains, obj, id, VMM_DOMAIN_RUNNING_BOOTED);
    if (flags & VMM_DOMAIN_START_PAUSED)
        vmm_domain_obj_set_state(obj, VMM_DOMAIN_PAUSED, VMM_DOMAIN_PAUSED_USER);
}

/* After start_obj(), with no lock held. */
static void
emit_started(VmmDomain *dom, unsigned int flags)
{
    vmm_event_emit_domain_lifecycle(dom->conn, dom, VMM_DOMAIN_EVENT_STARTED,
                                    VMM_DOMAIN_EVENT_STARTED_BOOTED);
    if (flags & VMM_DOMAIN_START_PAUSED)
        vmm_event_emit_domain_lifecycle(dom->conn, dom, VMM_DOMAIN_EVENT_SUSPENDED,
                                        VMM_DOMAIN_EVENT_SUSPENDED_PAUSED);
}

VmmDomain *
test_domain_create_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    TestDriver *drv = test_driver_of(conn);
    VmmDomainDef *def;
    VmmDomainObj *obj;
    gboolean created;

    TEST_CHECK_FLAGS(flags, VMM_DOMAIN_START_PAUSED | VMM_DOMAIN_START_AUTODESTROY |
                     VMM_DOMAIN_START_VALIDATE, NULL);
    if (!(def = parse_def(xml, flags & VMM_DOMAIN_START_VALIDATE, error)))
        return NULL;
    VmmDomain *ret;

    if (!(obj = vmm_obj_list_create(drv->domains, def, &created, error)))
        return NULL;
    start_obj(drv, obj, flags);
    ret = domain_handle_end(conn, obj);
    emit_started(ret, flags);
    return ret;
}

gboolean
test_domain_create(VmmDomain *dom, unsigned int flags, GError **error)
{
    TestDriver *drv = test_driver_of(dom->conn);
    VmmDomainObj *obj;

    TEST_CHECK_FLAGS(flags, VMM_DOMAIN_START_PAUSED | VMM_DOMAIN_START_AUTODESTROY |
                     VMM_DOMAIN_START_BYPASS_CACHE | VMM_DOMAIN_START_FORCE_BOOT, FALSE);
    if (!(obj = test_domain_find(dom, error)))
        return FALSE;
    if (obj->parent.active) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("domain is already running"));
        vmm_obj_end(obj);
        return FALSE;
    }
    g_autoptr(VmmDomain) started = NULL;

    start_obj(drv, obj, flags);
    started = domain_handle_end(dom->conn, obj);   /* carries the new id */
    emit_started(started, flags);
    return TRUE;
}

static gboolean
stop_domain(VmmDomain *dom, int reason, GError **error)
{
    TestDriver *drv = test_driver_of(dom->conn);
    VmmDomainObj *obj;

    if (!(obj = test_domain_find(dom, error)))
        return FALSE;
    if (!check_active(obj, error)) {
        vmm_obj_end(obj);
        return FALSE;
    }
    g_autoptr(VmmDomain) stopped = NULL;

    vmm_domain_obj_stop(drv->domains, obj, reason);
    vmm_obj_end(obj);
    stopped = vmm_domain_new_handle(dom->conn, dom->name, dom->uuid, -1);
    vmm_event_emit_domain_lifecycle(dom->conn, stopped, VMM_DOMAIN_EVENT_STOPPED,
                                    reason == VMM_DOMAIN_SHUTOFF_SHUTDOWN ?
                                    VMM_DOMAIN_EVENT_STOPPED_SHUTDOWN :
                                    VMM_DOMAIN_EVENT_STOPPED_DESTROYED);
    return TRUE;
}

gboolean
test_domain_shutdown(VmmDomain *dom, unsigned int flags, GError **error)
{
    TEST_CHECK_FLAGS(flags, 0, FALSE);
    return stop_domain(dom, VMM_DOMAIN_SHUTOFF_SHUTDOWN, error);
}

gboolean
test_domain_destroy(VmmDomain *dom, unsigned int flags, GError **error)
{
    TEST_CHECK_FLAGS(flags, VMM_DOMAIN_DESTROY_GRACEFUL, FALSE);
    return stop_domain(dom, VMM_DOMAIN_SHUTOFF_DESTROYED, error);
}

/* Run @change on the locked object when its state is @want (or any active
 * state when @want is -1); otherwise fail with @msg. */
static gboolean
change_state(VmmDomain *dom, int want, const char *msg, int state, int reason,
             GError **error)
{
    VmmDomainObj *obj;
    gboolean ok;

    if (!(obj = test_domain_find(dom, error)))
        return FALSE;
    ok = want < 0 ? obj->parent.active : obj->state == want;
    if (ok)
        vmm_domain_obj_set_state(obj, state, reason);
    else
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", msg);
    vmm_obj_end(obj);
    return ok;
}

gboolean
test_domain_reboot(VmmDomain *dom, unsigned int flags, GError **error)
{
    /* The reboot methods (ACPI button, guest agent, initctl, signal,
     * paravirt) all end the same in memory. */
    TEST_CHECK_FLAGS(flags, 0x1f, FALSE);
    /* A rebooted guest is running again, booted afresh. */
    return change_state(dom, -1, _("domain is not running"), VMM_DOMAIN_RUNNING,
                        VMM_DOMAIN_RUNNING_BOOTED, error);
}

gboolean
test_domain_reset(VmmDomain *dom, unsigned int flags, GError **error)
{
    TEST_CHECK_FLAGS(flags, 0, FALSE);
    return change_state(dom, -1, _("domain is not running"), VMM_DOMAIN_RUNNING,
                        VMM_DOMAIN_RUNNING_BOOTED, error);
}

gboolean
test_domain_suspend(VmmDomain *dom, GError **error)
{
    if (!change_state(dom, VMM_DOMAIN_RUNNING, _("domain is not running"),
                      VMM_DOMAIN_PAUSED, VMM_DOMAIN_PAUSED_USER, error))
        return FALSE;
    vmm_event_emit_domain_lifecycle(dom->conn, dom, VMM_DOMAIN_EVENT_SUSPENDED,
                                    VMM_DOMAIN_EVENT_SUSPENDED_PAUSED);
    return TRUE;
}

gboolean
test_domain_resume(VmmDomain *dom, GError **error)
{
    if (!change_state(dom, VMM_DOMAIN_PAUSED, _("domain is not paused"),
                      VMM_DOMAIN_RUNNING, VMM_DOMAIN_RUNNING_UNPAUSED, error))
        return FALSE;
    vmm_event_emit_domain_lifecycle(dom->conn, dom, VMM_DOMAIN_EVENT_RESUMED,
                                    VMM_DOMAIN_EVENT_RESUMED_UNPAUSED);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Queries                                                             */

gboolean
test_domain_get_info(VmmDomain *dom, VmmDomainInfo *info, GError **error)
{
    VmmDomainObj *obj;
    VmmDomainDef *def;

    if (!(obj = test_domain_find(dom, error)))
        return FALSE;
    def = vmm_domain_obj_def(obj);
    info->state = obj->state;
    info->max_mem = def->memory_kib;
    info->memory = def->current_memory_kib;
    info->nr_virt_cpu = def->vcpus_current ? def->vcpus_current : def->vcpus;
    info->cpu_time = vmm_domain_obj_cpu_time(obj);
    vmm_obj_end(obj);
    return TRUE;
}

gboolean
test_domain_get_state(VmmDomain *dom, int *state, int *reason, unsigned int flags,
                      GError **error)
{
    VmmDomainObj *obj;

    TEST_CHECK_FLAGS(flags, 0, FALSE);
    if (!(obj = test_domain_find(dom, error)))
        return FALSE;
    *state = obj->state;
    if (reason)
        *reason = obj->reason;
    vmm_obj_end(obj);
    return TRUE;
}

char *
test_domain_get_xml_desc(VmmDomain *dom, unsigned int flags, GError **error)
{
    VmmDomainObj *obj;
    char *xml;

    TEST_CHECK_FLAGS(flags, VMM_DOMAIN_XML_SECURE | VMM_DOMAIN_XML_INACTIVE |
                     VMM_DOMAIN_XML_UPDATE_CPU | VMM_DOMAIN_XML_MIGRATABLE, NULL);
    if (!(obj = test_domain_find(dom, error)))
        return NULL;
    xml = vmm_domain_obj_format_xml(obj, flags);
    vmm_obj_end(obj);
    return xml;
}

char *
test_domain_get_os_type(VmmDomain *dom, GError **error)
{
    VmmDomainObj *obj;

    if (!(obj = test_domain_find(dom, error)))
        return NULL;
    vmm_obj_end(obj);
    /* libvirt's test driver answers "linux" whatever the definition says. */
    return g_strdup("linux");
}

gboolean
test_domain_get_autostart(VmmDomain *dom, gboolean *autostart, GError **error)
{
    return test_obj_get_autostart(test_domain_find(dom, error), autostart);
}

gboolean
test_domain_set_autostart(VmmDomain *dom, gboolean autostart, GError **error)
{
    return test_obj_set_autostart(test_domain_find(dom, error), autostart, error);
}

int
test_domain_is_active(VmmDomain *dom, GError **error)
{
    return test_obj_flag(test_domain_find(dom, error), G_STRUCT_OFFSET(VmmObj, active));
}

int
test_domain_is_persistent(VmmDomain *dom, GError **error)
{
    return test_obj_flag(test_domain_find(dom, error), G_STRUCT_OFFSET(VmmObj, persistent));
}

/* ------------------------------------------------------------------ */
/* Metadata                                                            */

/* Index in def->metadata of the element in namespace @uri, or -1. */
static int
metadata_find(VmmDomainDef *def, const char *uri)
{
    if (!def->metadata)
        return -1;
    for (guint i = 0; i < def->metadata->len; i++) {
        const char *frag = def->metadata->pdata[i];
        g_autoptr(xmlDoc) doc = xmlReadMemory(frag, strlen(frag), NULL, NULL,
                                              XML_PARSE_NONET | XML_PARSE_NOERROR |
                                              XML_PARSE_NOWARNING);
        xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;

        if (root && root->ns && g_strcmp0((const char *)root->ns->href, uri) == 0)
            return i;
    }
    return -1;
}

static const char *const metadata_missing =
    N_("metadata not found: Requested metadata element is not present");

char *
test_domain_get_metadata(VmmDomain *dom, int type, const char *uri, unsigned int flags,
                         GError **error)
{
    VmmDomainObj *obj;
    VmmDomainDef *def;
    char *ret = NULL;

    TEST_CHECK_FLAGS(flags, VMM_DOMAIN_AFFECT_LIVE | VMM_DOMAIN_AFFECT_CONFIG, NULL);
    if (!(obj = test_domain_find(dom, error)))
        return NULL;
    if (!(def = vmm_domain_obj_affected_def(obj, flags, error))) {
        vmm_obj_end(obj);
        return NULL;
    }
    switch (type) {
    case VMM_DOMAIN_METADATA_TITLE:
        ret = g_strdup(def->title);
        break;
    case VMM_DOMAIN_METADATA_DESCRIPTION:
        ret = g_strdup(def->description);
        break;
    case VMM_DOMAIN_METADATA_ELEMENT: {
        int i;

        if (!uri) {
            vmm_error_set(error, VMM_ERR_INVALID_ARG, "%s", _("missing namespace URI"));
            vmm_obj_end(obj);
            return NULL;
        }
        if ((i = metadata_find(def, uri)) >= 0)
            ret = g_strdup(def->metadata->pdata[i]);
        break;
    }
    default:
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("unknown metadata type '%d'"), type);
        vmm_obj_end(obj);
        return NULL;
    }
    vmm_obj_end(obj);
    if (!ret)
        vmm_error_set(error, VMM_ERR_NO_DOMAIN_METADATA, "%s", _(metadata_missing));
    return ret;
}

/* @metadata as one element in namespace @uri with prefix @key, or NULL with
 * @error. */
static char *
metadata_element(const char *metadata, const char *key, const char *uri, GError **error)
{
    g_autoptr(xmlDoc) doc = NULL;
    xmlNode *root;
    xmlNs *ns;

    if (!key || !*key || !uri || !*uri) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, "%s",
                      _("metadata element needs a key and a namespace URI"));
        return NULL;
    }
    doc = xmlReadMemory(metadata, strlen(metadata), NULL, NULL,
                        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc || !(root = xmlDocGetRootElement(doc))) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("cannot parse metadata '%s'"), metadata);
        return NULL;
    }
    ns = xmlNewNs(root, (const xmlChar *)uri, (const xmlChar *)key);
    xmlSetNs(root, ns);
    return vmm_xml_node_dump(root);
}

static gboolean
metadata_apply(VmmDomainDef *def, int type, const char *metadata, const char *key,
               const char *uri, GError **error)
{
    const char *value = metadata && *metadata ? metadata : NULL;
    int i;

    switch (type) {
    case VMM_DOMAIN_METADATA_TITLE:
        if (value && strchr(value, '\n')) {
            vmm_error_set(error, VMM_ERR_INVALID_ARG, "%s", _("title can't contain newlines"));
            return FALSE;
        }
        g_free(def->title);
        def->title = g_strdup(value);
        return TRUE;
    case VMM_DOMAIN_METADATA_DESCRIPTION:
        g_free(def->description);
        def->description = g_strdup(value);
        return TRUE;
    case VMM_DOMAIN_METADATA_ELEMENT: {
        g_autofree char *elem = NULL;

        if (value && !(elem = metadata_element(value, key, uri, error)))
            return FALSE;
        if (!uri) {
            vmm_error_set(error, VMM_ERR_INVALID_ARG, "%s", _("missing namespace URI"));
            return FALSE;
        }
        if (!def->metadata)
            def->metadata = g_ptr_array_new_with_free_func(g_free);
        if ((i = metadata_find(def, uri)) >= 0)
            g_ptr_array_remove_index(def->metadata, i);
        if (elem)
            g_ptr_array_add(def->metadata, g_steal_pointer(&elem));
        return TRUE;
    }
    default:
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("unknown metadata type '%d'"), type);
        return FALSE;
    }
}

gboolean
test_domain_set_metadata(VmmDomain *dom, int type, const char *metadata, const char *key,
                         const char *uri, unsigned int flags, GError **error)
{
    VmmDomainObj *obj;
    gboolean ok = FALSE;

    TEST_CHECK_FLAGS(flags, VMM_DOMAIN_AFFECT_LIVE | VMM_DOMAIN_AFFECT_CONFIG, FALSE);
    if (!(obj = test_domain_find(dom, error)))
        return FALSE;
    /* Check both targets before changing either: all or nothing. */
    if (vmm_domain_obj_resolve_affect(obj, &flags, error)) {
        VmmDomainDef *live = vmm_domain_obj_def(obj);

        ok = TRUE;
        if (flags & VMM_DOMAIN_AFFECT_LIVE) {
            vmm_obj_prepare_live_change(obj);
            ok = metadata_apply(live, type, metadata, key, uri, error);
        }
        /* An inactive domain has one definition for both. */
        if (ok && (flags & VMM_DOMAIN_AFFECT_CONFIG) &&
            (!(flags & VMM_DOMAIN_AFFECT_LIVE) || vmm_obj_persistent_def(obj) != live))
            ok = metadata_apply(vmm_obj_persistent_def(obj), type, metadata, key, uri, error);
    }
    vmm_obj_end(obj);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Devices: attach and detach (the mock edits definitions only)        */

static gboolean
device_change(VmmDomain *dom, const char *xml, unsigned int flags, VmmDeviceChange op,
              GError **error)
{
    g_autoptr(VmmDomainDef) live = NULL;
    g_autoptr(VmmDomainDef) config = NULL;
    g_autofree char *fixed = NULL;
    VmmDomainObj *obj;
    gboolean ok = FALSE;

    TEST_CHECK_FLAGS(flags, VMM_DOMAIN_AFFECT_LIVE | VMM_DOMAIN_AFFECT_CONFIG |
                     (op == VMM_DEVICE_UPDATE ? VMM_DOMAIN_DEVICE_MODIFY_FORCE : 0), FALSE);
    flags &= ~(unsigned int)VMM_DOMAIN_DEVICE_MODIFY_FORCE;
    if (!(obj = test_domain_find(dom, error)))
        return FALSE;
    if (!vmm_domain_obj_resolve_affect(obj, &flags, error))
        goto out;
    if ((flags & VMM_DOMAIN_AFFECT_LIVE) && (flags & VMM_DOMAIN_AFFECT_CONFIG) &&
        op == VMM_DEVICE_ATTACH &&
        !(xml = fixed = vmm_domain_device_xml_fixed(xml, error)))
        goto out;
    /* Both changes are made on copies and put in place last: a failing
     * one leaves both as they were. */
    if ((flags & VMM_DOMAIN_AFFECT_CONFIG) &&
        !(config = vmm_domain_obj_config_with_device(obj, xml, op, error)))
        goto out;
    if (flags & VMM_DOMAIN_AFFECT_LIVE) {
        VmmDomainDeviceKind kind;
        gpointer dev = vmm_domain_device_parse(xml, &kind, error);

        if (!dev)
            goto out;
        live = vmm_domain_def_copy(vmm_domain_obj_def(obj));
        if (!vmm_domain_def_change_device(live, op, kind, dev, error))
            goto out;
    }
    if (config && !vmm_domain_obj_set_config(obj, NULL, g_steal_pointer(&config), error))
        goto out;
    if (live) {
        vmm_obj_prepare_live_change(obj);
        vmm_domain_def_free(obj->parent.def);
        obj->parent.def = g_steal_pointer(&live);
    }
    ok = TRUE;
out:
    vmm_obj_end(obj);
    return ok;
}

gboolean
test_domain_attach_device(VmmDomain *dom, const char *xml, unsigned int flags, GError **error)
{
    return device_change(dom, xml, flags, VMM_DEVICE_ATTACH, error);
}

gboolean
test_domain_detach_device(VmmDomain *dom, const char *xml, unsigned int flags, GError **error)
{
    return device_change(dom, xml, flags, VMM_DEVICE_DETACH, error);
}

gboolean
test_domain_update_device(VmmDomain *dom, const char *xml, unsigned int flags, GError **error)
{
    return device_change(dom, xml, flags, VMM_DEVICE_UPDATE, error);
}
