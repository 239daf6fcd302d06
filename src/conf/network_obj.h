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

static inline VmmNetworkDef *
vmm_network_obj_def(VmmNetworkObj *net)
{
    return net->def;
}

G_END_DECLS
