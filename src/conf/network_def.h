/*
 * network_def.h: the virtual network definition (libvirt's <network> XML).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include "conf/xml_util.h"
#include "util/vmm_uuid.h"

G_BEGIN_DECLS

typedef enum {
    VMM_NETWORK_FORWARD_NONE = 0,   /* isolated: no <forward> */
    VMM_NETWORK_FORWARD_NAT,
    VMM_NETWORK_FORWARD_ROUTE,
    VMM_NETWORK_FORWARD_OPEN,
    VMM_NETWORK_FORWARD_BRIDGE,
    VMM_NETWORK_FORWARD_LAST
} VmmNetworkForwardMode;

typedef struct _VmmNetworkDef VmmNetworkDef;

typedef enum {
    VMM_NETWORK_DEF_PARSE_VALIDATE = 1 << 0,   /* also check schemas/network.rng */
} VmmNetworkDefParseFlags;

/* Parse, fill defaults (UUID, bridge MAC) and validate; @url for errors
 * (NULL: "(network_definition)"). */
VmmNetworkDef *vmm_network_def_parse_string(const char *xml, const char *url,
                                            unsigned int flags, GError **error);
VmmNetworkDef *vmm_network_def_parse_node(xmlXPathContext *ctxt, GError **error);
gboolean vmm_network_def_post_parse(VmmNetworkDef *def, GError **error);
gboolean vmm_network_def_validate(const VmmNetworkDef *def, GError **error);
char *vmm_network_def_format(const VmmNetworkDef *def, unsigned int flags);
VmmNetworkDef *vmm_network_def_copy(const VmmNetworkDef *def);
void vmm_network_def_free(VmmNetworkDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmNetworkDef, vmm_network_def_free)

struct _VmmNetworkDef {
    char *name;
    unsigned char uuid[VMM_UUID_BUFLEN];
    int forward_mode;             /* VmmNetworkForwardMode */
    char *bridge_name;            /* <bridge name=''>, may be NULL */
    /* The rest (forward details, bridge stp/delay, mac, domain, dns, ip,
     * mtu...) belongs to network_def.c. */
    struct _VmmNetworkDefExtra *extra;
};

G_END_DECLS
