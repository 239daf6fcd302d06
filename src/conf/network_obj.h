/*
 * network_obj.h: virtual network objects and their list.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A network object is a plain VmmObj (active, persistent, autostart and the
 * def/new_def pair, see object_list.h) holding VmmNetworkDefs.
 */
#pragma once

#include "conf/object_list.h"
#include "conf/network_def.h"

G_BEGIN_DECLS

typedef VmmObj VmmNetworkObj;

extern const VmmObjKind vmm_network_obj_kind;

/* A list of networks ("network" in messages). */
VmmObjList *vmm_network_obj_list_new(void);

/* The network named @name / of UUID @uuid in @list, locked and referenced
 * (release with vmm_obj_end()), or NULL with VMM_ERR_NO_NETWORK. */
VmmNetworkObj *vmm_network_obj_find_by_name(VmmObjList *list, const char *name,
                                            GError **error);
VmmNetworkObj *vmm_network_obj_find_by_uuid(VmmObjList *list, const unsigned char *uuid,
                                            GError **error);
/* The network of a handle: found by @uuid, missed by the @name the handle
 * knew it by. */
VmmNetworkObj *vmm_network_obj_find(VmmObjList *list, const unsigned char *uuid,
                                    const char *name, GError **error);

/* Parse @xml for a define or create call (VMM_NETWORK_DEFINE_* @flags). */
VmmNetworkDef *vmm_network_obj_parse_define(const char *xml, unsigned int flags,
                                            GError **error);
/* The network XML of the locked @net for VMM_NETWORK_XML_* @flags. */
char *vmm_network_obj_format_xml(VmmNetworkObj *net, unsigned int flags);
/* The bridge name of the locked @net, or NULL with an error when it has
 * none. */
char *vmm_network_obj_bridge_name(VmmNetworkObj *net, GError **error);

static inline VmmNetworkDef *
vmm_network_obj_def(VmmNetworkObj *net)
{
    return net->def;
}

G_END_DECLS
