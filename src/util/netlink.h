/*
 * netlink.h: host network devices over rtnetlink (bridges, addresses,
 * links, routes) and tap devices over /dev/net/tun.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Written against a raw NETLINK_ROUTE socket, one socket per call; no
 * libnl, no `ip`.  Every call acts in the calling thread's network
 * namespace.  Errors are VMM_ERR_SYSTEM_ERROR naming the interface and
 * ending in strerror (after the kernel's extended-ack text when it gives
 * one).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VMM_NETLINK_IFNAME_MAX 15     /* IFNAMSIZ - 1 */

typedef struct {
    const char *name;                 /* required */
    const unsigned char *mac;         /* 6 bytes, NULL: kernel's choice */
    unsigned int mtu;                 /* 0: default */
    gboolean stp;
    unsigned int forward_delay;       /* seconds */
} VmmNetlinkBridge;

/* Create a bridge (IFLA_INFO_KIND "bridge") with @br's MAC, MTU, STP and
 * forward delay; it stays down.  An existing interface of that name is an
 * error ("… already exists"), never reused. */
gboolean vmm_netlink_bridge_create(const VmmNetlinkBridge *br, GError **error);

/* Delete any link by name. */
gboolean vmm_netlink_link_delete(const char *name, GError **error);

/* Bring @name up (@up TRUE) or down. */
gboolean vmm_netlink_link_set_up(const char *name, gboolean up, GError **error);

/* Enslave @name to bridge @master; @master NULL releases it. */
gboolean vmm_netlink_link_set_master(const char *name, const char *master, GError **error);

gboolean vmm_netlink_link_set_mtu(const char *name, unsigned int mtu, GError **error);
gboolean vmm_netlink_link_set_mac(const char *name, const unsigned char mac[6],
                                  GError **error);

/* Add @address/@prefix (IPv4 or IPv6 text) to @name.  IPv4 gets the
 * subnet's broadcast; IPv6 skips duplicate address detection (IFA_F_NODAD)
 * so that dnsmasq can bind to it at once. */
gboolean vmm_netlink_addr_add(const char *name, const char *address, unsigned int prefix,
                              GError **error);

/* Interface index of @name, 0 when there is none. */
int vmm_netlink_ifindex(const char *name);

/* Name of interface @ifindex, or NULL when there is none. */
char *vmm_netlink_ifname(int ifindex);

gboolean vmm_netlink_link_exists(const char *name);

/* The first free name made from @pattern ("virbr%d" → virbr0, virbr1, …),
 * starting at 0 and skipping names in @reserved (may be NULL: names
 * planned but not created yet).  NULL when all up to 1024 are taken. */
char *vmm_netlink_free_name(const char *pattern, const char *const *reserved);

/*
 * Create a tap device and return its fd (O_CLOEXEC), or -1 with @error.
 * @name may hold "%d" for the kernel to fill ("vnet%d"); the name made is
 * returned in *@name_out when that is non-NULL.  Flags IFF_TAP|IFF_NO_PI|
 * IFF_VNET_HDR.  @persist keeps the device after the fd closes
 * (TUNSETPERSIST), for a device that must outlive this process.
 */
int vmm_netlink_tap_create(const char *name, gboolean persist, char **name_out,
                           GError **error);

/* Turn on forwarding for @family (AF_INET: net.ipv4.ip_forward, AF_INET6:
 * net.ipv6.conf.all.forwarding) in the caller's network namespace; what
 * a forwarding network needs when it starts.  A no-op when already on. */
gboolean vmm_netlink_enable_forwarding(int family, GError **error);

/* One route or address, for subnet collision checks. */
typedef struct {
    int family;                       /* AF_INET or AF_INET6 */
    guint8 addr[16];                  /* network (route) or address bytes */
    unsigned int prefix;
    int ifindex;                      /* 0: none (e.g. an unreachable route) */
} VmmNetlinkPrefix;

/* Routes of the main table; @family AF_INET, AF_INET6 or AF_UNSPEC.
 * Returns a GArray of VmmNetlinkPrefix, or NULL with @error. */
GArray *vmm_netlink_route_dump(int family, GError **error);

/* Addresses of all interfaces, as above (prefix = the address's). */
GArray *vmm_netlink_addr_dump(int family, GError **error);

G_END_DECLS
