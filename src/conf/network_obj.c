/*
 * network_obj.c: virtual network objects and their list.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/network_obj.h"

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
