/*
 * domain_obj.c: domain objects and their list.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_obj.h"
#include "vmm.h"
#include "conf/config_store.h"

static const char *
def_name(gconstpointer def)
{
    return ((const VmmDomainDef *)def)->name;
}

static const unsigned char *
def_uuid(gconstpointer def)
{
    return ((const VmmDomainDef *)def)->uuid;
}

static gpointer
def_copy(gconstpointer def)
{
    return vmm_domain_def_copy(def);
}

static char *
def_format(gconstpointer def)
{
    return vmm_domain_def_format(def, -1, VMM_DOMAIN_DEF_FORMAT_INACTIVE |
                                 VMM_DOMAIN_DEF_FORMAT_SECURE);
}

static gpointer
def_parse(const char *xml, const char *url, GError **error)
{
    return vmm_domain_def_parse_string(xml, url, 0, error);
}

static void
init(VmmObj *obj)
{
    vmm_domain_obj_set_state((VmmDomainObj *)obj, VMM_DOMAIN_SHUTOFF,
                             VMM_DOMAIN_SHUTOFF_UNKNOWN);
}

const VmmObjKind vmm_domain_obj_kind = {
    .name = "domain",
    .obj_size = sizeof(VmmDomainObj),
    .init = init,
    .def_name = def_name,
    .def_uuid = def_uuid,
    .def_copy = def_copy,
    .def_free = (GDestroyNotify)vmm_domain_def_free,
    .def_format = def_format,
    .def_parse = def_parse,
};

VmmObjList *
vmm_domain_obj_list_new(void)
{
    return vmm_obj_list_new(&vmm_domain_obj_kind);
}

void
vmm_domain_obj_set_state(VmmDomainObj *dom, int state, int reason)
{
    dom->state = state;
    dom->reason = reason;
}

void
vmm_domain_obj_start(VmmObjList *list, VmmDomainObj *dom, int id, int reason)
{
    vmm_obj_set_active(dom);
    vmm_obj_list_set_id(list, dom, id);
    vmm_domain_obj_set_state(dom, VMM_DOMAIN_RUNNING, reason);
    dom->started_us = g_get_monotonic_time();
}

void
vmm_domain_obj_stop(VmmObjList *list, VmmDomainObj *dom, int reason)
{
    dom->cpu_time_ns = vmm_domain_obj_cpu_time(dom);
    dom->started_us = 0;
    vmm_obj_list_set_id(list, dom, -1);
    vmm_obj_set_inactive(dom);
    vmm_domain_obj_set_state(dom, VMM_DOMAIN_SHUTOFF, reason);
    if (!dom->parent.persistent)
        vmm_obj_list_remove(list, dom);
}

guint64
vmm_domain_obj_cpu_time(const VmmDomainObj *dom)
{
    guint64 t = dom->cpu_time_ns;

    /* Fake but monotonic: a running guest "uses" all of its wall time. */
    if (dom->parent.active && dom->started_us > 0)
        t += (guint64)(g_get_monotonic_time() - dom->started_us) * 1000;
    return t;
}

gboolean
vmm_domain_obj_matches_list_flags(const VmmDomainObj *dom, unsigned int flags)
{
    const VmmObj *o = &dom->parent;
    gboolean running = dom->state == VMM_DOMAIN_RUNNING;
    gboolean paused = dom->state == VMM_DOMAIN_PAUSED;
    gboolean shutoff = dom->state == VMM_DOMAIN_SHUTOFF;

    if (!vmm_obj_list_flag_pair(flags, VMM_CONNECT_LIST_DOMAINS_ACTIVE,
                                VMM_CONNECT_LIST_DOMAINS_INACTIVE, o->active) ||
        !vmm_obj_list_flag_pair(flags, VMM_CONNECT_LIST_DOMAINS_PERSISTENT,
                                VMM_CONNECT_LIST_DOMAINS_TRANSIENT, o->persistent) ||
        !vmm_obj_list_flag_pair(flags, VMM_CONNECT_LIST_DOMAINS_AUTOSTART,
                                VMM_CONNECT_LIST_DOMAINS_NO_AUTOSTART, o->autostart) ||
        !vmm_obj_list_flag_pair(flags, VMM_CONNECT_LIST_DOMAINS_MANAGEDSAVE,
                                VMM_CONNECT_LIST_DOMAINS_NO_MANAGEDSAVE, FALSE) ||
        !vmm_obj_list_flag_pair(flags, VMM_CONNECT_LIST_DOMAINS_HAS_SNAPSHOT,
                                VMM_CONNECT_LIST_DOMAINS_NO_SNAPSHOT, FALSE))
        return FALSE;
    if (flags & (VMM_CONNECT_LIST_DOMAINS_RUNNING | VMM_CONNECT_LIST_DOMAINS_PAUSED |
                 VMM_CONNECT_LIST_DOMAINS_SHUTOFF | VMM_CONNECT_LIST_DOMAINS_OTHER)) {
        if (!(((flags & VMM_CONNECT_LIST_DOMAINS_RUNNING) && running) ||
              ((flags & VMM_CONNECT_LIST_DOMAINS_PAUSED) && paused) ||
              ((flags & VMM_CONNECT_LIST_DOMAINS_SHUTOFF) && shutoff) ||
              ((flags & VMM_CONNECT_LIST_DOMAINS_OTHER) && !running && !paused && !shutoff)))
            return FALSE;
    }
    return TRUE;
}

VmmDomainObj *
vmm_domain_obj_find(VmmObjList *list, const unsigned char *uuid, const char *name,
                    GError **error)
{
    VmmDomainObj *obj = vmm_obj_list_find_by_uuid(list, uuid);
    char uuidstr[VMM_UUID_STRING_BUFLEN];

    if (!obj)
        vmm_error_set(error, VMM_ERR_NO_DOMAIN, _("no domain with matching uuid '%s' (%s)"),
                      vmm_uuid_format(uuid, uuidstr), name);
    return obj;
}

VmmDomainObj *
vmm_domain_obj_find_active(VmmObjList *list, const unsigned char *uuid, const char *name,
                           GError **error)
{
    VmmDomainObj *obj = vmm_domain_obj_find(list, uuid, name, error);

    if (obj && !obj->parent.active) {
        vmm_obj_end(obj);
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
        return NULL;
    }
    return obj;
}

/* ------------------------------------------------------------------ */
/* Device changes                                                      */

gboolean
vmm_domain_obj_resolve_affect(VmmDomainObj *dom, unsigned int *flags, GError **error)
{
    if (*flags == VMM_DOMAIN_AFFECT_CURRENT)
        *flags = dom->parent.active ? VMM_DOMAIN_AFFECT_LIVE : VMM_DOMAIN_AFFECT_CONFIG;
    if ((*flags & VMM_DOMAIN_AFFECT_LIVE) && !dom->parent.active) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s", _("domain is not running"));
        return FALSE;
    }
    if ((*flags & VMM_DOMAIN_AFFECT_CONFIG) && !dom->parent.persistent) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s",
                      _("transient domains do not have any persistent config"));
        return FALSE;
    }
    return TRUE;
}

char *
vmm_domain_obj_format_xml(VmmDomainObj *dom, unsigned int flags)
{
    unsigned int fmt = (flags & VMM_DOMAIN_XML_SECURE) ? VMM_DOMAIN_DEF_FORMAT_SECURE : 0;

    if ((flags & (VMM_DOMAIN_XML_INACTIVE | VMM_DOMAIN_XML_MIGRATABLE)) || !dom->parent.active)
        return vmm_domain_def_format(vmm_obj_persistent_def(dom), -1,
                                     fmt | VMM_DOMAIN_DEF_FORMAT_INACTIVE);
    return vmm_domain_def_format(vmm_domain_obj_def(dom), dom->parent.id, fmt);
}

VmmDomainDef *
vmm_domain_obj_affected_def(VmmDomainObj *dom, unsigned int flags, GError **error)
{
    if ((flags & VMM_DOMAIN_AFFECT_LIVE) && (flags & VMM_DOMAIN_AFFECT_CONFIG)) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, "%s",
                      _("live and config flags can't be both set in one call"));
        return NULL;
    }
    if (!vmm_domain_obj_resolve_affect(dom, &flags, error))
        return NULL;
    return (flags & VMM_DOMAIN_AFFECT_LIVE) ? vmm_domain_obj_def(dom)
                                            : vmm_obj_persistent_def(dom);
}

gboolean
vmm_domain_def_attach_device(VmmDomainDef *def, VmmDomainDeviceKind kind, gpointer dev,
                             GError **error)
{
    return vmm_domain_devices_add(&def->devices, kind, dev, def->virt_type, def->os_arch,
                                  def->os_machine, error);
}

gboolean
vmm_domain_def_detach_device(VmmDomainDef *def, VmmDomainDeviceKind kind, gconstpointer dev,
                             GError **error)
{
    int idx = vmm_domain_devices_find(&def->devices, kind, dev, error);

    if (idx < 0)
        return FALSE;
    g_ptr_array_remove_index(vmm_domain_devices_list(&def->devices, kind), idx);
    return TRUE;
}

gboolean
vmm_domain_def_change_device(VmmDomainDef *def, VmmDeviceChange op, VmmDomainDeviceKind kind,
                             gpointer dev, GError **error)
{
    GPtrArray *list;
    VmmDeviceInfo *old, *new;
    gboolean ok;
    int idx;

    switch (op) {
    case VMM_DEVICE_ATTACH:
        return vmm_domain_def_attach_device(def, kind, dev, error);
    case VMM_DEVICE_DETACH:
        ok = vmm_domain_def_detach_device(def, kind, dev, error);
        vmm_domain_device_free(kind, dev);
        return ok;
    default:
        break;
    }
    if ((idx = vmm_domain_devices_find(&def->devices, kind, dev, error)) < 0) {
        vmm_domain_device_free(kind, dev);
        return FALSE;
    }
    list = vmm_domain_devices_list(&def->devices, kind);
    old = vmm_domain_device_info(kind, list->pdata[idx]);
    new = vmm_domain_device_info(kind, dev);
    if (!new->alias)
        new->alias = g_steal_pointer(&old->alias);
    if (new->addr.type == VMM_DEVICE_ADDRESS_NONE) {
        VmmDeviceAddress tmp = new->addr;

        new->addr = old->addr;
        old->addr = tmp;
    }
    g_ptr_array_remove_index(list, idx);
    g_ptr_array_insert(list, idx, dev);
    return vmm_domain_devices_post_parse(&def->devices, def->virt_type, def->os_arch,
                                         def->os_machine, error) &&
           vmm_domain_devices_validate(&def->devices, error);
}

VmmDomainDef *
vmm_domain_obj_config_with_device(VmmDomainObj *dom, const char *xml, VmmDeviceChange op,
                                  GError **error)
{
    g_autoptr(VmmDomainDef) def = NULL;
    VmmDomainDeviceKind kind;
    gpointer dev;

    if (!dom->parent.persistent) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s",
                      _("transient domains do not have any persistent config"));
        return NULL;
    }
    if (!(dev = vmm_domain_device_parse(xml, &kind, error)))
        return NULL;
    def = vmm_domain_def_copy(vmm_obj_persistent_def(dom));
    if (!vmm_domain_def_change_device(def, op, kind, dev, error))
        return NULL;
    return g_steal_pointer(&def);
}

gboolean
vmm_domain_obj_set_config(VmmDomainObj *dom, VmmConfigStore *store, VmmDomainDef *def,
                          GError **error)
{
    VmmObj *obj = &dom->parent;

    if (store) {
        g_autofree char *text = vmm_domain_def_format(def, -1, VMM_DOMAIN_DEF_FORMAT_INACTIVE |
                                                      VMM_DOMAIN_DEF_FORMAT_SECURE);

        if (!vmm_config_store_save(store, obj->name, text, error)) {
            vmm_domain_def_free(def);
            return FALSE;
        }
    }
    if (obj->active) {
        if (obj->new_def)
            vmm_domain_def_free(obj->new_def);
        obj->new_def = def;
    } else {
        vmm_domain_def_free(obj->def);
        obj->def = def;
    }
    return TRUE;
}
