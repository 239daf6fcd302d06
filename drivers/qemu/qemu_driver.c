/*
 * qemu_driver.c: the QEMU driver's table: connections, lookups, define,
 * queries.  The jobs that talk to QEMU live in qemu_domain.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every call finds its object again by UUID (handles are snapshots) and
 * works under the object's lock; calls that wait on QEMU drop it meanwhile.
 */
#include "qemu_driver_priv.h"
#include "qemu_driver.h"
#include "drivers/network/network_port.h"
#include "drivers/qemu/qemu_stats.h"

#include <string.h>
#include <unistd.h>

/* libvirt's VIR_DOMAIN_UNDEFINE_NVRAM. */
#define UNDEFINE_NVRAM (1 << 2)

static VmmDomainObj *
domain_find(VmmDomain *dom, GError **error)
{
    return vmm_domain_obj_find(qemu_driver->domains, dom->uuid, dom->name, error);
}

static VmmDomain *
domain_handle(VmmConnect *conn, VmmDomainObj *obj)
{
    return vmm_domain_new_handle(conn, obj->parent.name, obj->parent.uuid, obj->parent.id);
}

static VmmDomain *
domain_handle_end(VmmConnect *conn, VmmDomainObj *obj)
{
    VmmDomain *dom = domain_handle(conn, obj);

    vmm_obj_end(obj);
    return dom;
}

static void
emit_obj(VmmDomainObj *obj, int event, int detail)
{
    qemu_driver_emit(obj->parent.name, obj->parent.uuid, obj->parent.id, event, detail);
}

/* ------------------------------------------------------------------ */
/* Connections                                                         */

static gboolean
qemu_connect_open(VmmConnect *conn, GError **error)
{
    const char *path = strstr(conn->uri, "://");
    g_autofree char *p = NULL;

    path = path ? strchr(path + 3, '/') : NULL;
    p = path ? g_strndup(path, strcspn(path, "?")) : g_strdup("");
    if (!g_str_equal(p, "/system") && !g_str_equal(p, "/session")) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("unexpected QEMU URI path '%s', try qemu:///system or qemu:///session"),
                      p);
        return FALSE;
    }
    if (!qemu_driver) {
        vmm_error_set(error, VMM_ERR_NO_CONNECT, "%s",
                      _("the QEMU driver runs inside vmmd only; is vmmd running?"));
        return FALSE;
    }
    conn->priv = qemu_driver;
    qemu_driver_add_conn(conn);
    return TRUE;
}

static void
qemu_connect_close(VmmConnect *conn)
{
    if (qemu_driver && conn->priv == qemu_driver)
        qemu_driver_remove_conn(conn);
    conn->priv = NULL;
}

static const char *
qemu_connect_get_type(VmmConnect *conn, GError **error)
{
    return "QEMU";
}

static gboolean
qemu_connect_get_version(VmmConnect *conn, unsigned long *hv_ver, GError **error)
{
    g_autofree char *binary = qemu_driver_find_binary(NULL, error);
    const VmmQemuCaps *caps;

    if (!binary || !(caps = qemu_driver_get_caps(binary, error)))
        return FALSE;
    *hv_ver = vmm_qemu_caps_get_version(caps);
    return TRUE;
}

static char *
qemu_connect_get_hostname(VmmConnect *conn, GError **error)
{
    return g_strdup(g_get_host_name());
}

static char *
qemu_connect_get_capabilities(VmmConnect *conn, GError **error)
{
    g_autoptr(VmmQemuHostInfo) host = vmm_qemu_host_info_new();
    g_autoptr(GPtrArray) all = qemu_driver_all_caps();

    return vmm_qemu_caps_format_capabilities(host, all, vmm_qemu_kvm_check(NULL));
}

static char *
qemu_connect_get_domain_capabilities(VmmConnect *conn, const char *emulator, const char *arch,
                                     const char *machine, const char *virttype,
                                     unsigned int flags, GError **error)
{
    g_autofree char *binary = NULL;
    const VmmQemuCaps *caps;

    QEMU_CHECK_FLAGS(flags, 0, NULL);
    binary = emulator ? g_strdup(emulator) : qemu_driver_find_binary(arch, error);
    if (!binary || !(caps = qemu_driver_get_caps(binary, error)))
        return NULL;
    if (arch && g_strcmp0(arch, vmm_qemu_caps_get_arch(caps)) != 0) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("architecture from emulator '%s' doesn't match given architecture '%s'"),
                      vmm_qemu_caps_get_arch(caps), arch);
        return NULL;
    }
    if (!virttype)
        virttype = vmm_qemu_kvm_check(NULL) ? "kvm" : "qemu";
    return vmm_qemu_caps_format_domcapabilities(caps, machine, virttype,
                                                qemu_driver->firmware,
                                                vmm_qemu_kvm_check(NULL), error);
}

static gboolean
qemu_node_get_info(VmmConnect *conn, VmmNodeInfo *info, GError **error)
{
    g_autoptr(VmmQemuHostInfo) host = vmm_qemu_host_info_new();
    g_autofree char *meminfo = NULL;
    const char *p;

    g_strlcpy(info->model, host->arch ? host->arch : "unknown", sizeof(info->model));
    if (g_file_get_contents("/proc/meminfo", &meminfo, NULL, NULL) &&
        (p = strstr(meminfo, "MemTotal:")))
        info->memory = g_ascii_strtoull(p + strlen("MemTotal:"), NULL, 10);
    info->cpus = (unsigned int)sysconf(_SC_NPROCESSORS_ONLN);
    info->nodes = 1;
    info->sockets = host->sockets ? host->sockets : 1;
    info->cores = host->cores ? host->cores : info->cpus;
    info->threads = host->threads ? host->threads : 1;
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Listing and lookups                                                 */

/* Running ones by id, then the others by name. */
static gint
handle_cmp(gconstpointer a, gconstpointer b)
{
    const VmmDomain *x = *(VmmDomain *const *)a;
    const VmmDomain *y = *(VmmDomain *const *)b;

    return vmm_obj_list_order(x->id, x->name, y->id, y->name);
}

static GPtrArray *
qemu_connect_list_all_domains(VmmConnect *conn, unsigned int flags, GError **error)
{
    g_autoptr(GPtrArray) all = NULL;
    GPtrArray *ret;

    QEMU_CHECK_FLAGS(flags, (VMM_CONNECT_LIST_DOMAINS_NO_SNAPSHOT << 1) - 1, NULL);
    all = vmm_obj_list_collect(qemu_driver->domains);
    ret = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_domain_unref);
    for (guint i = 0; i < all->len; i++) {
        VmmDomainObj *obj = all->pdata[i];

        /* Only the object's own lock: a job holding it briefly is fine,
         * a job talking to QEMU has dropped it. */
        vmm_obj_lock(obj);
        if (!obj->parent.removed && vmm_domain_obj_matches_list_flags(obj, flags))
            g_ptr_array_add(ret, domain_handle(conn, obj));
        vmm_obj_unlock(obj);
    }
    g_ptr_array_sort(ret, handle_cmp);
    return ret;
}

static int
count_domains(gboolean active)
{
    g_autoptr(GPtrArray) all = vmm_obj_list_collect(qemu_driver->domains);
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

static int
qemu_connect_num_of_domains(VmmConnect *conn, GError **error)
{
    return count_domains(TRUE);
}

static int
qemu_connect_num_of_defined_domains(VmmConnect *conn, GError **error)
{
    return count_domains(FALSE);
}

static VmmDomain *
qemu_domain_lookup_by_name(VmmConnect *conn, const char *name, GError **error)
{
    VmmDomainObj *obj = vmm_obj_list_find_by_name(qemu_driver->domains, name);

    if (!obj) {
        vmm_error_set(error, VMM_ERR_NO_DOMAIN, _("no domain with matching name '%s'"), name);
        return NULL;
    }
    return domain_handle_end(conn, obj);
}

static VmmDomain *
qemu_domain_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error)
{
    VmmDomainObj *obj = vmm_obj_list_find_by_uuid(qemu_driver->domains, uuid);
    char uuidstr[VMM_UUID_STRING_BUFLEN];

    if (!obj) {
        vmm_error_set(error, VMM_ERR_NO_DOMAIN, _("no domain with matching uuid '%s'"),
                      vmm_uuid_format(uuid, uuidstr));
        return NULL;
    }
    return domain_handle_end(conn, obj);
}

static VmmDomain *
qemu_domain_lookup_by_id(VmmConnect *conn, int id, GError **error)
{
    VmmDomainObj *obj = vmm_obj_list_find_by_id(qemu_driver->domains, id);

    if (!obj) {
        vmm_error_set(error, VMM_ERR_NO_DOMAIN, _("no domain with matching id %d"), id);
        return NULL;
    }
    return domain_handle_end(conn, obj);
}

/* ------------------------------------------------------------------ */
/* Define, undefine, start and stop                                    */

/* The lifecycle actions QEMU can carry out, as libvirt's QEMU driver
 * allows them: no 'preserve' on power-off or reboot (QEMU cannot keep a
 * guest that powered off), no 'rename-restart', and no power-off restart
 * with reboot destroy (the restart is a reboot). */
static gboolean
check_lifecycle(const VmmDomainDef *def, GError **error)
{
    const struct {
        const char *element;
        VmmDomainLifecycleAction action;
    } all[] = {
        { "on_poweroff", def->on_poweroff },
        { "on_reboot", def->on_reboot },
        { "on_crash", def->on_crash },
    };

    for (guint i = 0; i < G_N_ELEMENTS(all); i++) {
        if (all[i].action == VMM_DOMAIN_LIFECYCLE_RENAME_RESTART ||
            (all[i].action == VMM_DOMAIN_LIFECYCLE_PRESERVE && i < 2)) {
            vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                          _("unsupported configuration: <%s> '%s' is not supported by the "
                            "QEMU driver"),
                          all[i].element, vmm_domain_lifecycle_table[all[i].action]);
            return FALSE;
        }
    }
    if (def->on_poweroff == VMM_DOMAIN_LIFECYCLE_RESTART &&
        def->on_reboot == VMM_DOMAIN_LIFECYCLE_DESTROY) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED, "%s",
                      _("unsupported configuration: <on_poweroff> 'restart' with <on_reboot> "
                        "'destroy' is not supported by the QEMU driver"));
        return FALSE;
    }
    return TRUE;
}

static VmmDomainDef *
parse_def(const char *xml, gboolean validate, GError **error)
{
    g_autoptr(VmmDomainDef) def =
        vmm_domain_def_parse_string(xml, NULL, validate ? VMM_DOMAIN_DEF_PARSE_VALIDATE : 0,
                                    error);

    if (!def)
        return NULL;
    if (def->virt_type && !g_str_equal(def->virt_type, "kvm") &&
        !g_str_equal(def->virt_type, "qemu")) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                      _("unsupported configuration: domain type '%s' is not supported by "
                        "the QEMU driver (use 'kvm' or 'qemu')"),
                      def->virt_type);
        return NULL;
    }
    if (!check_lifecycle(def, error))
        return NULL;
    return g_steal_pointer(&def);
}

static VmmDomain *
qemu_domain_define_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    VmmDomainDef *def;
    VmmDomainObj *obj;
    gboolean created;
    VmmDomain *dom;

    QEMU_CHECK_FLAGS(flags, VMM_DOMAIN_DEFINE_VALIDATE, NULL);
    if (!(def = parse_def(xml, flags & VMM_DOMAIN_DEFINE_VALIDATE, error)))
        return NULL;
    /* Saved (atomically) before anything changes in memory. */
    if (!(obj = vmm_obj_list_define(qemu_driver->domains, qemu_driver->store, def, &created,
                                    error)))
        return NULL;
    dom = domain_handle(conn, obj);
    vmm_obj_unlock(obj);
    emit_obj(obj, VMM_DOMAIN_EVENT_DEFINED,
             created ? VMM_DOMAIN_EVENT_DEFINED_ADDED : VMM_DOMAIN_EVENT_DEFINED_UPDATED);
    vmm_obj_unref(obj);
    return dom;
}

static gboolean
qemu_domain_undefine(VmmDomain *dom, unsigned int flags, GError **error)
{
    VmmDomainObj *obj;
    g_autofree char *nvram = NULL;
    gboolean ok;

    QEMU_CHECK_FLAGS(flags, 0x7f, FALSE);
    if (!(obj = domain_find(dom, error)))
        return FALSE;
    if (obj->parent.persistent) {
        VmmDomainDef *pdef = vmm_obj_persistent_def(obj);

        if (pdef->os.nvram)
            nvram = g_strdup(pdef->os.nvram);
        else
            nvram = g_strdup_printf("%s/nvram/%s_VARS.fd", qemu_driver->lib_dir, pdef->name);
    }
    ok = vmm_obj_list_undefine(qemu_driver->domains, qemu_driver->store, obj, error);
    vmm_obj_unlock(obj);
    if (ok) {
        if ((flags & UNDEFINE_NVRAM) && nvram)
            unlink(nvram);
        emit_obj(obj, VMM_DOMAIN_EVENT_UNDEFINED, VMM_DOMAIN_EVENT_UNDEFINED_REMOVED);
    }
    vmm_obj_unref(obj);
    return ok;
}

static VmmDomain *
qemu_domain_create_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error)
{
    VmmDomainDef *def;
    VmmDomainObj *obj;
    gboolean created;

    QEMU_CHECK_FLAGS(flags, VMM_DOMAIN_START_PAUSED | VMM_DOMAIN_START_AUTODESTROY |
                     VMM_DOMAIN_START_VALIDATE, NULL);
    if (!(def = parse_def(xml, flags & VMM_DOMAIN_START_VALIDATE, error)))
        return NULL;
    if (!(obj = vmm_obj_list_create(qemu_driver->domains, def, &created, error)))
        return NULL;
    if (!qemu_domain_start(obj, flags & VMM_DOMAIN_START_PAUSED, error)) {
        if (!obj->parent.persistent && !obj->parent.active && !obj->parent.removed)
            vmm_obj_list_remove(qemu_driver->domains, obj);
        else if (obj->parent.persistent && !obj->parent.active)
            vmm_obj_set_inactive(obj);   /* the kept definition takes over again */
        vmm_obj_end(obj);
        return NULL;
    }
    return domain_handle_end(conn, obj);
}

static gboolean
qemu_domain_create(VmmDomain *dom, unsigned int flags, GError **error)
{
    VmmDomainObj *obj;
    gboolean ok;

    QEMU_CHECK_FLAGS(flags, VMM_DOMAIN_START_PAUSED | VMM_DOMAIN_START_AUTODESTROY |
                     VMM_DOMAIN_START_BYPASS_CACHE | VMM_DOMAIN_START_FORCE_BOOT, FALSE);
    if (!(obj = domain_find(dom, error)))
        return FALSE;
    ok = qemu_domain_start(obj, flags & VMM_DOMAIN_START_PAUSED, error);
    if (ok)
        dom->id = obj->parent.id;
    vmm_obj_end(obj);
    return ok;
}

/* Find the domain of @dom and run @job on it. */
#define DOMAIN_JOB(dom, call) \
    do { \
        VmmDomainObj *obj_; \
        gboolean ok_; \
        if (!(obj_ = domain_find((dom), error))) \
            return FALSE; \
        ok_ = call; \
        vmm_obj_end(obj_); \
        return ok_; \
    } while (0)

static gboolean
qemu_domain_shutdown_entry(VmmDomain *dom, unsigned int flags, GError **error)
{
    DOMAIN_JOB(dom, qemu_domain_shutdown(obj_, flags, error));
}

static gboolean
qemu_domain_reboot_entry(VmmDomain *dom, unsigned int flags, GError **error)
{
    DOMAIN_JOB(dom, qemu_domain_reboot(obj_, flags, error));
}

static gboolean
qemu_domain_reset_entry(VmmDomain *dom, unsigned int flags, GError **error)
{
    QEMU_CHECK_FLAGS(flags, 0, FALSE);
    DOMAIN_JOB(dom, qemu_domain_reset(obj_, error));
}

static gboolean
qemu_domain_destroy_entry(VmmDomain *dom, unsigned int flags, GError **error)
{
    QEMU_CHECK_FLAGS(flags, VMM_DOMAIN_DESTROY_GRACEFUL, FALSE);
    DOMAIN_JOB(dom, qemu_domain_destroy(obj_, flags, error));
}

static gboolean
qemu_domain_suspend_entry(VmmDomain *dom, GError **error)
{
    DOMAIN_JOB(dom, qemu_domain_suspend(obj_, error));
}

static gboolean
qemu_domain_resume_entry(VmmDomain *dom, GError **error)
{
    DOMAIN_JOB(dom, qemu_domain_resume(obj_, error));
}

static gboolean
qemu_domain_attach_device_entry(VmmDomain *dom, const char *xml, unsigned int flags,
                                GError **error)
{
    QEMU_CHECK_FLAGS(flags, VMM_DOMAIN_AFFECT_LIVE | VMM_DOMAIN_AFFECT_CONFIG, FALSE);
    DOMAIN_JOB(dom, qemu_domain_device_change(obj_, xml, flags, VMM_DEVICE_ATTACH, error));
}

static gboolean
qemu_domain_detach_device_entry(VmmDomain *dom, const char *xml, unsigned int flags,
                                GError **error)
{
    QEMU_CHECK_FLAGS(flags, VMM_DOMAIN_AFFECT_LIVE | VMM_DOMAIN_AFFECT_CONFIG, FALSE);
    DOMAIN_JOB(dom, qemu_domain_device_change(obj_, xml, flags, VMM_DEVICE_DETACH, error));
}

static gboolean
qemu_domain_update_device_entry(VmmDomain *dom, const char *xml, unsigned int flags,
                                GError **error)
{
    QEMU_CHECK_FLAGS(flags, VMM_DOMAIN_AFFECT_LIVE | VMM_DOMAIN_AFFECT_CONFIG |
                     VMM_DOMAIN_DEVICE_MODIFY_FORCE, FALSE);
    DOMAIN_JOB(dom, qemu_domain_device_change(obj_, xml, flags & ~VMM_DOMAIN_DEVICE_MODIFY_FORCE,
                                              VMM_DEVICE_UPDATE, error));
}

/* ------------------------------------------------------------------ */
/* Queries: never wait on a job                                        */

static gboolean
qemu_domain_get_info(VmmDomain *dom, VmmDomainInfo *info, GError **error)
{
    VmmDomainObj *obj;
    VmmDomainDef *def;

    if (!(obj = domain_find(dom, error)))
        return FALSE;
    def = vmm_domain_obj_def(obj);
    info->state = obj->state;
    info->max_mem = def->memory_kib;
    info->memory = def->current_memory_kib ? def->current_memory_kib : def->memory_kib;
    info->nr_virt_cpu = def->vcpus_current ? def->vcpus_current : def->vcpus;
    info->cpu_time = obj->parent.active ? qemu_domain_cpu_time(obj) : 0;
    vmm_obj_end(obj);
    return TRUE;
}

static gboolean
qemu_domain_get_state(VmmDomain *dom, int *state, int *reason, unsigned int flags,
                      GError **error)
{
    VmmDomainObj *obj;

    QEMU_CHECK_FLAGS(flags, 0, FALSE);
    if (!(obj = domain_find(dom, error)))
        return FALSE;
    *state = obj->state;
    if (reason)
        *reason = obj->reason;
    vmm_obj_end(obj);
    return TRUE;
}

static char *
qemu_domain_get_xml_desc(VmmDomain *dom, unsigned int flags, GError **error)
{
    VmmDomainObj *obj;
    char *xml;

    QEMU_CHECK_FLAGS(flags, VMM_DOMAIN_XML_SECURE | VMM_DOMAIN_XML_INACTIVE |
                     VMM_DOMAIN_XML_UPDATE_CPU | VMM_DOMAIN_XML_MIGRATABLE, NULL);
    if (!(obj = domain_find(dom, error)))
        return NULL;
    xml = vmm_domain_obj_format_xml(obj, flags);
    vmm_obj_end(obj);
    return xml;
}

static char *
qemu_domain_get_os_type(VmmDomain *dom, GError **error)
{
    VmmDomainObj *obj;
    char *type;

    if (!(obj = domain_find(dom, error)))
        return NULL;
    type = g_strdup(vmm_domain_obj_def(obj)->os_type ? vmm_domain_obj_def(obj)->os_type : "hvm");
    vmm_obj_end(obj);
    return type;
}

static gboolean
qemu_domain_get_autostart(VmmDomain *dom, gboolean *autostart, GError **error)
{
    VmmDomainObj *obj;

    if (!(obj = domain_find(dom, error)))
        return FALSE;
    *autostart = obj->parent.autostart;
    vmm_obj_end(obj);
    return TRUE;
}

static gboolean
qemu_domain_set_autostart(VmmDomain *dom, gboolean autostart, GError **error)
{
    VmmDomainObj *obj;
    gboolean ok;

    if (!(obj = domain_find(dom, error)))
        return FALSE;
    ok = vmm_obj_set_autostart(obj, qemu_driver->store, autostart, error);
    vmm_obj_end(obj);
    return ok;
}

static int
qemu_domain_is_active(VmmDomain *dom, GError **error)
{
    VmmDomainObj *obj;
    int ret;

    if (!(obj = domain_find(dom, error)))
        return -1;
    ret = obj->parent.active;
    vmm_obj_end(obj);
    return ret;
}

static int
qemu_domain_is_persistent(VmmDomain *dom, GError **error)
{
    VmmDomainObj *obj;
    int ret;

    if (!(obj = domain_find(dom, error)))
        return -1;
    ret = obj->parent.persistent;
    vmm_obj_end(obj);
    return ret;
}

/* ------------------------------------------------------------------ */
/* Metadata: title and description (elements are read-only for now)   */

static char *
qemu_domain_get_metadata(VmmDomain *dom, int type, const char *uri, unsigned int flags,
                         GError **error)
{
    VmmDomainObj *obj;
    VmmDomainDef *def;
    char *ret = NULL;

    QEMU_CHECK_FLAGS(flags, VMM_DOMAIN_AFFECT_LIVE | VMM_DOMAIN_AFFECT_CONFIG, NULL);
    if (!(obj = domain_find(dom, error)))
        return NULL;
    if (!(def = vmm_domain_obj_affected_def(obj, flags, error))) {
        vmm_obj_end(obj);
        return NULL;
    }
    if (type == VMM_DOMAIN_METADATA_TITLE)
        ret = g_strdup(def->title);
    else if (type == VMM_DOMAIN_METADATA_DESCRIPTION)
        ret = g_strdup(def->description);
    else if (type == VMM_DOMAIN_METADATA_ELEMENT) {
        g_autofree char *needle = g_strdup_printf("\"%s\"", uri ? uri : "");
        g_autofree char *needle2 = g_strdup_printf("'%s'", uri ? uri : "");

        for (guint i = 0; uri && def->metadata && i < def->metadata->len && !ret; i++) {
            const char *frag = def->metadata->pdata[i];

            if (strstr(frag, needle) || strstr(frag, needle2))
                ret = g_strdup(frag);
        }
    }
    vmm_obj_end(obj);
    if (!ret)
        vmm_error_set(error, VMM_ERR_NO_DOMAIN_METADATA, "%s",
                      _("metadata not found: Requested metadata element is not present"));
    return ret;
}

static gboolean
qemu_domain_set_metadata(VmmDomain *dom, int type, const char *metadata, const char *key,
                         const char *uri, unsigned int flags, GError **error)
{
    VmmDomainObj *obj;
    VmmDomainDef *def;
    const char *value = metadata && *metadata ? metadata : NULL;
    gboolean ok = TRUE;

    QEMU_CHECK_FLAGS(flags, VMM_DOMAIN_AFFECT_LIVE | VMM_DOMAIN_AFFECT_CONFIG, FALSE);
    if (type != VMM_DOMAIN_METADATA_TITLE && type != VMM_DOMAIN_METADATA_DESCRIPTION) {
        vmm_error_set(error, VMM_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      _("only the title and description can be set for now"));
        return FALSE;
    }
    if (type == VMM_DOMAIN_METADATA_TITLE && value && strchr(value, '\n')) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, "%s", _("title can't contain newlines"));
        return FALSE;
    }
    if (!(obj = domain_find(dom, error)))
        return FALSE;
    if (flags == VMM_DOMAIN_AFFECT_CURRENT)
        flags = obj->parent.active ? VMM_DOMAIN_AFFECT_LIVE : VMM_DOMAIN_AFFECT_CONFIG;
    for (unsigned int f = VMM_DOMAIN_AFFECT_LIVE; ok && f <= VMM_DOMAIN_AFFECT_CONFIG; f <<= 1) {
        char **field;

        if (!(flags & f))
            continue;
        if (f == VMM_DOMAIN_AFFECT_LIVE && obj->parent.active)
            vmm_obj_prepare_live_change(obj);
        if (!(def = vmm_domain_obj_affected_def(obj, f, error))) {
            ok = FALSE;
            break;
        }
        field = type == VMM_DOMAIN_METADATA_TITLE ? &def->title : &def->description;
        g_free(*field);
        *field = g_strdup(value);
        if (f == VMM_DOMAIN_AFFECT_CONFIG) {
            g_autofree char *xml = vmm_domain_def_format(def, -1, VMM_DOMAIN_DEF_FORMAT_INACTIVE |
                                                         VMM_DOMAIN_DEF_FORMAT_SECURE);
            ok = vmm_config_store_save(qemu_driver->store, obj->parent.name, xml, error);
        }
    }
    vmm_obj_end(obj);
    return ok;
}

/* ---- domifaddr ---- */

/* An interface of the result, found by the host-side name or added. */
static VmmDomainInterface *
iface_get(GPtrArray *out, const char *name, const char *mac)
{
    VmmDomainInterface *iface;

    for (guint i = 0; i < out->len; i++) {
        iface = out->pdata[i];
        if (g_str_equal(iface->name, name) && g_strcmp0(iface->hwaddr, mac) == 0)
            return iface;
    }
    iface = g_new0(VmmDomainInterface, 1);
    iface->name = g_strdup(name);
    iface->hwaddr = g_strdup(mac);
    g_ptr_array_add(out, iface);
    return iface;
}

static void
iface_add_addr(VmmDomainInterface *iface, int type, const char *addr, unsigned int prefix)
{
    iface->addrs = g_renew(VmmDomainIPAddress, iface->addrs, iface->naddrs + 1);
    iface->addrs[iface->naddrs].type = type;
    iface->addrs[iface->naddrs].addr = g_strdup(addr);
    iface->addrs[iface->naddrs].prefix = prefix;
    iface->naddrs++;
}

/* Lease source: the DHCP leases of each <interface type='network'>'s
 * network with the NIC's MAC, as libvirt does. */
static gboolean
ifaddr_leases(const VmmDomainDef *def, GPtrArray *out, GError **error)
{
    for (guint i = 0; def->devices.interfaces && i < def->devices.interfaces->len; i++) {
        const VmmDomainNetDef *net = def->devices.interfaces->pdata[i];
        char mac[VMM_MAC_STRING_BUFLEN];
        g_autoptr(GPtrArray) leases = NULL;
        GError *err = NULL;

        if (net->type != VMM_NET_TYPE_NETWORK || !net->src_network)
            continue;
        vmm_mac_format(net->mac, mac);
        if (!(leases = vmm_network_port_get_leases(net->src_network, mac, &err))) {
            /* A network gone since the start has no leases for us. */
            if (g_error_matches(err, VMM_ERROR, VMM_ERR_NO_NETWORK)) {
                g_error_free(err);
                continue;
            }
            g_propagate_error(error, err);
            return FALSE;
        }
        for (guint j = 0; j < leases->len; j++) {
            const VmmNetworkLease *l = leases->pdata[j];
            VmmDomainInterface *iface = iface_get(out, net->target_dev ? net->target_dev : "-",
                                                  mac);
            iface_add_addr(iface, l->type, l->ipaddr, l->prefix);
        }
    }
    return TRUE;
}

/* ARP source: the host's neighbours (/proc/net/arp, IPv4) with a NIC's
 * MAC; no prefix is known. */
static gboolean
ifaddr_arp(const VmmDomainDef *def, GPtrArray *out, GError **error)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents("/proc/net/arp", &text, NULL, &err)) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED, _("cannot read the ARP table: %s"),
                      err->message);
        return FALSE;
    }
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; def->devices.interfaces && i < def->devices.interfaces->len; i++) {
        const VmmDomainNetDef *net = def->devices.interfaces->pdata[i];
        char mac[VMM_MAC_STRING_BUFLEN];

        vmm_mac_format(net->mac, mac);
        /* "IP address  HW type  Flags  HW address  Mask  Device" */
        for (guint j = 1; lines[j]; j++) {
            g_auto(GStrv) f = g_strsplit_set(lines[j], " \t", -1);
            const char *col[6];
            guint n = 0;

            for (guint k = 0; f[k] && n < G_N_ELEMENTS(col); k++) {
                if (*f[k])
                    col[n++] = f[k];
            }
            if (n < 6 || g_ascii_strcasecmp(col[3], mac) != 0 ||
                g_str_equal(col[2], "0x0"))
                continue;
            iface_add_addr(iface_get(out, net->target_dev ? net->target_dev : col[5], mac),
                           VMM_IP_ADDR_TYPE_IPV4, col[0], 0);
        }
    }
    return TRUE;
}

static GPtrArray *
qemu_domain_interface_addresses(VmmDomain *dom, unsigned int source, unsigned int flags,
                                GError **error)
{
    VmmDomainObj *obj;
    g_autoptr(VmmDomainDef) def = NULL;
    g_autoptr(GPtrArray) out = NULL;
    gboolean ok;

    QEMU_CHECK_FLAGS(flags, 0, NULL);
    if (!(obj = vmm_domain_obj_find_active(qemu_driver->domains, dom->uuid, dom->name,
                                           error)))
        return NULL;
    def = vmm_domain_def_copy(vmm_domain_obj_def(obj));
    vmm_obj_end(obj);

    out = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_domain_interface_free);
    switch (source) {
    case VMM_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE:
        ok = ifaddr_leases(def, out, error);
        break;
    case VMM_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP:
        ok = ifaddr_arp(def, out, error);
        break;
    case VMM_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT:
        vmm_error_set(error, VMM_ERR_ARGUMENT_UNSUPPORTED, "%s",
                      _("QEMU guest agent is not configured"));
        return NULL;
    default:
        vmm_error_set(error, VMM_ERR_ARGUMENT_UNSUPPORTED,
                      _("Unknown IP address data source %u"), source);
        return NULL;
    }
    return ok ? g_steal_pointer(&out) : NULL;
}

const VmmDriver vmm_qemu_driver = {
    .name = "QEMU",
    .scheme = "qemu",
    .connect_open = qemu_connect_open,
    .connect_close = qemu_connect_close,
    .connect_get_type = qemu_connect_get_type,
    .connect_get_version = qemu_connect_get_version,
    .connect_get_hostname = qemu_connect_get_hostname,
    .connect_get_capabilities = qemu_connect_get_capabilities,
    .node_get_info = qemu_node_get_info,

    .connect_list_all_domains = qemu_connect_list_all_domains,
    .connect_num_of_domains = qemu_connect_num_of_domains,
    .connect_num_of_defined_domains = qemu_connect_num_of_defined_domains,
    .domain_lookup_by_name = qemu_domain_lookup_by_name,
    .domain_lookup_by_uuid = qemu_domain_lookup_by_uuid,
    .domain_lookup_by_id = qemu_domain_lookup_by_id,
    .domain_define_xml = qemu_domain_define_xml,
    .domain_undefine = qemu_domain_undefine,
    .domain_create_xml = qemu_domain_create_xml,
    .domain_create = qemu_domain_create,
    .domain_shutdown = qemu_domain_shutdown_entry,
    .domain_reboot = qemu_domain_reboot_entry,
    .domain_reset = qemu_domain_reset_entry,
    .domain_destroy = qemu_domain_destroy_entry,
    .domain_suspend = qemu_domain_suspend_entry,
    .domain_resume = qemu_domain_resume_entry,
    .domain_get_info = qemu_domain_get_info,
    .domain_get_state = qemu_domain_get_state,
    .domain_get_xml_desc = qemu_domain_get_xml_desc,
    .domain_get_os_type = qemu_domain_get_os_type,
    .domain_get_autostart = qemu_domain_get_autostart,
    .domain_set_autostart = qemu_domain_set_autostart,
    .domain_is_active = qemu_domain_is_active,
    .domain_is_persistent = qemu_domain_is_persistent,
    .domain_get_metadata = qemu_domain_get_metadata,
    .domain_set_metadata = qemu_domain_set_metadata,

    .connect_get_domain_capabilities = qemu_connect_get_domain_capabilities,
    .domain_interface_addresses = qemu_domain_interface_addresses,

    .domain_stats_groups = VMM_DOMAIN_STATS_CPU_TOTAL | VMM_DOMAIN_STATS_BALLOON |
                           VMM_DOMAIN_STATS_VCPU | VMM_DOMAIN_STATS_INTERFACE |
                           VMM_DOMAIN_STATS_BLOCK,
    .domain_memory_stats = qemu_domain_memory_stats,
    .domain_block_stats = qemu_domain_block_stats,
    .domain_interface_stats = qemu_domain_interface_stats,
    .domain_get_vcpus = qemu_domain_get_vcpus,
    .node_get_cpu_map = qemu_node_get_cpu_map,
    .domain_attach_device = qemu_domain_attach_device_entry,
    .domain_detach_device = qemu_domain_detach_device_entry,
    .domain_update_device = qemu_domain_update_device_entry,
};
