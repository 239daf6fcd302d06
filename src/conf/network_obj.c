/*
 * network_obj.c: virtual network objects and their list.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/network_obj.h"
#include "vmm.h"
#include "util/vmm_error.h"
#include "util/vmm_uuid.h"

static const char *
def_name(gconstpointer def)
{
    return ((const VmmNetworkDef *)def)->name;
}

static const unsigned char *
def_uuid(gconstpointer def)
{
    return ((const VmmNetworkDef *)def)->uuid;
}

static gpointer
def_copy(gconstpointer def)
{
    return vmm_network_def_copy(def);
}

static char *
def_format(gconstpointer def)
{
    return vmm_network_def_format(def, 0);
}

static gpointer
def_parse(const char *xml, const char *url, GError **error)
{
    return vmm_network_def_parse_string(xml, url, 0, error);
}

const VmmObjKind vmm_network_obj_kind = {
    .name = "network",
    .obj_size = sizeof(VmmNetworkObj),
    .def_name = def_name,
    .def_uuid = def_uuid,
    .def_copy = def_copy,
    .def_free = (GDestroyNotify)vmm_network_def_free,
    .def_format = def_format,
    .def_parse = def_parse,
};

VmmObjList *
vmm_network_obj_list_new(void)
{
    return vmm_obj_list_new(&vmm_network_obj_kind);
}

VmmNetworkObj *
vmm_network_obj_find_by_name(VmmObjList *list, const char *name, GError **error)
{
    VmmNetworkObj *obj = vmm_obj_list_find_by_name(list, name);

    if (!obj)
        vmm_error_set(error, VMM_ERR_NO_NETWORK, _("no network with matching name '%s'"),
                      name);
    return obj;
}

VmmNetworkObj *
vmm_network_obj_find_by_uuid(VmmObjList *list, const unsigned char *uuid, GError **error)
{
    VmmNetworkObj *obj = vmm_obj_list_find_by_uuid(list, uuid);
    char uuidstr[VMM_UUID_STRING_BUFLEN];

    if (!obj)
        vmm_error_set(error, VMM_ERR_NO_NETWORK, _("no network with matching uuid '%s'"),
                      vmm_uuid_format(uuid, uuidstr));
    return obj;
}

VmmNetworkObj *
vmm_network_obj_find(VmmObjList *list, const unsigned char *uuid, const char *name,
                     GError **error)
{
    VmmNetworkObj *obj = vmm_obj_list_find_by_uuid(list, uuid);

    if (!obj)
        vmm_error_set(error, VMM_ERR_NO_NETWORK, _("no network with matching name '%s'"),
                      name);
    return obj;
}

VmmNetworkDef *
vmm_network_obj_parse_define(const char *xml, unsigned int flags, GError **error)
{
    return vmm_network_def_parse_string(xml, NULL,
                                        (flags & VMM_NETWORK_DEFINE_VALIDATE) ?
                                        VMM_NETWORK_DEF_PARSE_VALIDATE : 0, error);
}

char *
vmm_network_obj_format_xml(VmmNetworkObj *net, unsigned int flags)
{
    return vmm_network_def_format((flags & VMM_NETWORK_XML_INACTIVE) ?
                                  vmm_obj_persistent_def(net) : net->def, 0);
}

char *
vmm_network_obj_bridge_name(VmmNetworkObj *net, GError **error)
{
    char *bridge = g_strdup(vmm_network_obj_def(net)->bridge_name);

    if (!bridge)
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("network '%s' does not have a bridge name."), net->name);
    return bridge;
}
