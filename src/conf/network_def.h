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
/* An empty definition (lists allocated, stp on), for code that builds one. */
VmmNetworkDef *vmm_network_def_new(void);
VmmNetworkDef *vmm_network_def_parse_node(xmlXPathContext *ctxt, GError **error);
gboolean vmm_network_def_post_parse(VmmNetworkDef *def, GError **error);
gboolean vmm_network_def_validate(const VmmNetworkDef *def, GError **error);
char *vmm_network_def_format(const VmmNetworkDef *def, unsigned int flags);
VmmNetworkDef *vmm_network_def_copy(const VmmNetworkDef *def);
void vmm_network_def_free(VmmNetworkDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmNetworkDef, vmm_network_def_free)

typedef enum {
    VMM_NETWORK_IP_FAMILY_IPV4 = 0,
    VMM_NETWORK_IP_FAMILY_IPV6,
    VMM_NETWORK_IP_FAMILY_LAST
} VmmNetworkIPFamily;

typedef enum {
    VMM_NETWORK_LEASE_UNIT_SECONDS = 0,
    VMM_NETWORK_LEASE_UNIT_MINUTES,
    VMM_NETWORK_LEASE_UNIT_HOURS,
    VMM_NETWORK_LEASE_UNIT_LAST
} VmmNetworkLeaseUnit;

/* <lease expiry='N' unit='...'/>; expiry 0 means "infinite". */
typedef struct {
    gboolean set;
    guint64 expiry;
    int unit;                     /* VmmNetworkLeaseUnit, minutes by default */
} VmmNetworkDHCPLease;

typedef struct {
    char *start;                  /* canonical address strings */
    char *end;
    VmmNetworkDHCPLease lease;
} VmmNetworkDHCPRange;

typedef struct {
    char *mac;                    /* lowercase, ':' separated; NULL if absent */
    char *id;                     /* IPv6 client id (DUID) */
    char *name;
    char *ip;
    VmmNetworkDHCPLease lease;
} VmmNetworkDHCPHost;

/* One <ip> element. */
typedef struct {
    int family;                   /* VmmNetworkIPFamily */
    gboolean family_explicit;     /* family='' was written (formatted back) */
    char *address;                /* canonical form */
    char *netmask;                /* as given (canonical), or NULL */
    unsigned int prefix;          /* as given, 0 when absent */
    gboolean local_ptr_set;
    VmmTristate local_ptr;        /* localPtr='yes|no' */
    char *tftp_root;
    GPtrArray *ranges;            /* VmmNetworkDHCPRange* */
    GPtrArray *hosts;             /* VmmNetworkDHCPHost* */
    char *bootp_file;
    char *bootp_server;
} VmmNetworkIPDef;

typedef struct {
    char *domain;
    char *addr;
} VmmNetworkDNSForwarder;

typedef struct {
    char *ip;
    GStrv hostnames;
} VmmNetworkDNSHost;

typedef struct {
    char *service;
    char *protocol;
    char *domain;
    char *target;
    unsigned int port;            /* 0: absent */
    unsigned int priority;
    unsigned int weight;
} VmmNetworkDNSSrv;

typedef struct {
    char *name;
    char *value;
} VmmNetworkDNSTxt;

typedef struct {
    VmmTristate enable;
    VmmTristate forward_plain_names;
    GPtrArray *forwarders;        /* VmmNetworkDNSForwarder* */
    GPtrArray *txts;              /* VmmNetworkDNSTxt* */
    GPtrArray *srvs;              /* VmmNetworkDNSSrv* */
    GPtrArray *hosts;             /* VmmNetworkDNSHost* */
} VmmNetworkDNSDef;

struct _VmmNetworkDef {
    char *name;
    unsigned char uuid[VMM_UUID_BUFLEN];
    char *title;
    char *description;
    GPtrArray *metadata;          /* char*: each child of <metadata>, verbatim */
    gboolean ipv6_nogw;           /* <network ipv6='yes'> */

    int forward_mode;             /* VmmNetworkForwardMode */
    /* <forward dev=''> is kept as the first interface, as libvirt does. */
    GPtrArray *forward_interfaces;   /* char*: <interface dev=''> */
    char *nat_addr_start;         /* <nat><address start end/>, IPv4 */
    char *nat_addr_end;
    unsigned int nat_port_start;  /* <nat><port start end/>, 0: absent */
    unsigned int nat_port_end;

    char *bridge_name;            /* <bridge name=''>, may be NULL */
    gboolean stp;                 /* default on */
    unsigned long delay;          /* seconds */
    unsigned int mtu;             /* 0: absent */
    gboolean mac_set;
    unsigned char mac[VMM_MAC_BUFLEN];   /* bridge MAC, when mac_set */
    char *domain_name;            /* <domain name=''> */
    VmmTristate domain_local_only;

    VmmNetworkDNSDef dns;
    GPtrArray *ips;               /* VmmNetworkIPDef* in document order */
};

/* Accessors for the drivers. */
const char *vmm_network_forward_mode_to_string(int mode);
/* <forward dev=''> (the first forward interface), or NULL. */
const char *vmm_network_def_forward_dev(const VmmNetworkDef *def);
/* TRUE for the modes where vmm creates and owns the bridge
 * (isolated, nat, route, open). */
gboolean vmm_network_def_has_own_bridge(const VmmNetworkDef *def);
/* The effective prefix of @ip: prefix='', else from netmask='', else the
 * classful default (IPv4) or 64 (IPv6). */
unsigned int vmm_network_ip_def_get_prefix(const VmmNetworkIPDef *ip);
/* The @n-th <ip> of @family (-1: any family), or NULL. */
const VmmNetworkIPDef *vmm_network_def_get_ip(const VmmNetworkDef *def, int family,
                                              guint n);
/* TRUE when @addr (an IP address string) lies in @ip's subnet. */
gboolean vmm_network_ip_def_contains(const VmmNetworkIPDef *ip, const char *addr);

G_END_DECLS
