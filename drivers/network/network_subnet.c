/*
 * network_subnet.c: subnet arithmetic and collision checks for networks.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "drivers/network/network_subnet.h"

#include <gio/gio.h>
#include <sys/socket.h>
#include <string.h>

static guint
family_len(int family)
{
    return family == VMM_NETWORK_IP_FAMILY_IPV6 ? 16 : 4;
}

static void
clear_host_bits(guint8 *addr, guint len, unsigned int prefix)
{
    guint i;

    for (i = 0; i < len; i++) {
        if (prefix >= (i + 1) * 8)
            continue;
        if (prefix <= i * 8)
            addr[i] = 0;
        else
            addr[i] &= (guint8)(0xff << (8 - (prefix - i * 8)));
    }
}

void
vmm_subnet_init(VmmSubnet *out, int family, const guint8 *addr, unsigned int prefix)
{
    guint len = family_len(family);

    memset(out, 0, sizeof(*out));
    out->family = family;
    out->prefix = MIN(prefix, len * 8);
    memcpy(out->addr, addr, len);
    clear_host_bits(out->addr, len, out->prefix);
}

gboolean
vmm_subnet_parse(const char *str, VmmSubnet *out)
{
    g_autofree char *host = g_strdup(str);
    g_autoptr(GInetAddress) addr = NULL;
    char *slash = strchr(host, '/');
    guint64 prefix;
    int family;

    if (slash)
        *slash = '\0';
    if (strchr(host, '%') || !(addr = g_inet_address_new_from_string(host)))
        return FALSE;
    family = g_inet_address_get_family(addr) == G_SOCKET_FAMILY_IPV6 ?
        VMM_NETWORK_IP_FAMILY_IPV6 : VMM_NETWORK_IP_FAMILY_IPV4;
    prefix = family_len(family) * 8;
    if (slash && (!g_ascii_string_to_unsigned(slash + 1, 10, 0, prefix, &prefix, NULL)))
        return FALSE;
    vmm_subnet_init(out, family, g_inet_address_to_bytes(addr), (unsigned int)prefix);
    return TRUE;
}

char *
vmm_subnet_format(const VmmSubnet *s)
{
    g_autoptr(GInetAddress) addr =
        g_inet_address_new_from_bytes(s->addr, s->family == VMM_NETWORK_IP_FAMILY_IPV6 ?
                                      G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4);
    g_autofree char *str = g_inet_address_to_string(addr);

    return g_strdup_printf("%s/%u", str, s->prefix);
}

gboolean
vmm_subnet_overlaps(const VmmSubnet *a, const VmmSubnet *b)
{
    unsigned int common = MIN(a->prefix, b->prefix);
    VmmSubnet wa, wb;

    if (a->family != b->family)
        return FALSE;
    /* Two prefixes overlap exactly when they agree on the shorter one. */
    vmm_subnet_init(&wa, a->family, a->addr, common);
    vmm_subnet_init(&wb, b->family, b->addr, common);
    return memcmp(wa.addr, wb.addr, sizeof(wa.addr)) == 0;
}

void
vmm_subnet_from_ip_def(const VmmNetworkIPDef *ip, VmmSubnet *out)
{
    g_autoptr(GInetAddress) addr = g_inet_address_new_from_string(ip->address);

    memset(out, 0, sizeof(*out));
    if (!addr)
        return;
    vmm_subnet_init(out, ip->family, g_inet_address_to_bytes(addr),
                    vmm_network_ip_def_get_prefix(ip));
}

GArray *
vmm_subnet_host_used(const GArray *routes, const GArray *addrs, int skip_ifindex)
{
    GArray *out = g_array_new(FALSE, TRUE, sizeof(VmmSubnet));
    const GArray *lists[] = { routes, addrs };
    guint i, j;

    for (j = 0; j < G_N_ELEMENTS(lists); j++) {
        for (i = 0; lists[j] && i < lists[j]->len; i++) {
            const VmmNetlinkPrefix *p = &g_array_index(lists[j], VmmNetlinkPrefix, i);
            VmmSubnet s;

            if ((p->family != AF_INET && p->family != AF_INET6) ||
                (skip_ifindex > 0 && p->ifindex == skip_ifindex))
                continue;
            vmm_subnet_init(&s, p->family == AF_INET6 ? VMM_NETWORK_IP_FAMILY_IPV6 :
                            VMM_NETWORK_IP_FAMILY_IPV4, p->addr, p->prefix);
            g_array_append_val(out, s);
        }
    }
    return out;
}

int
vmm_subnet_find_conflict(const VmmSubnet *cand, const GArray *used)
{
    guint i;

    for (i = 0; used && i < used->len; i++) {
        const VmmSubnet *u = &g_array_index(used, VmmSubnet, i);

        /* A default route says where the rest goes, not that a subnet is
         * taken: skip it, as libvirt does. */
        if (u->prefix == 0)
            continue;
        if (vmm_subnet_overlaps(cand, u))
            return (int)i;
    }
    return -1;
}

int
vmm_subnet_find_free_192_168(guint first, const GArray *used)
{
    guint n;

    for (n = first; n <= 254; n++) {
        guint8 bytes[4] = { 192, 168, (guint8)n, 0 };
        VmmSubnet cand;

        vmm_subnet_init(&cand, VMM_NETWORK_IP_FAMILY_IPV4, bytes, 24);
        if (vmm_subnet_find_conflict(&cand, used) < 0)
            return (int)n;
    }
    return -1;
}

/* Rewrite the network bits of address string *@str from @from to @to. */
static void
move_addr(char **str, const VmmSubnet *from, const VmmSubnet *to)
{
    g_autoptr(GInetAddress) addr = NULL;
    g_autoptr(GInetAddress) moved = NULL;
    guint8 bytes[4];
    VmmSubnet mine;
    guint i;

    if (!*str || !(addr = g_inet_address_new_from_string(*str)) ||
        g_inet_address_get_family(addr) != G_SOCKET_FAMILY_IPV4)
        return;
    memcpy(bytes, g_inet_address_to_bytes(addr), 4);
    vmm_subnet_init(&mine, VMM_NETWORK_IP_FAMILY_IPV4, bytes, from->prefix);
    if (memcmp(mine.addr, from->addr, 4) != 0)
        return;
    for (i = 0; i < 4; i++) {
        guint8 netmask = i * 8 + 8 <= from->prefix ? 0xff :
            i * 8 >= from->prefix ? 0 : (guint8)(0xff << (8 - (from->prefix - i * 8)));

        bytes[i] = (guint8)((to->addr[i] & netmask) | (bytes[i] & ~netmask));
    }
    moved = g_inet_address_new_from_bytes(bytes, G_SOCKET_FAMILY_IPV4);
    g_free(*str);
    *str = g_inet_address_to_string(moved);
}

guint
vmm_subnet_move_network_def(VmmNetworkDef *def, const VmmSubnet *from, const VmmSubnet *to)
{
    guint i, j, moved = 0;

    g_return_val_if_fail(from->family == VMM_NETWORK_IP_FAMILY_IPV4 &&
                         to->family == VMM_NETWORK_IP_FAMILY_IPV4 &&
                         from->prefix == to->prefix, 0);
    for (i = 0; i < def->ips->len; i++) {
        VmmNetworkIPDef *ip = g_ptr_array_index(def->ips, i);
        VmmSubnet s;

        vmm_subnet_from_ip_def(ip, &s);
        if (ip->family != VMM_NETWORK_IP_FAMILY_IPV4 || s.prefix != from->prefix ||
            memcmp(s.addr, from->addr, 4) != 0)
            continue;
        move_addr(&ip->address, from, to);
        for (j = 0; j < ip->ranges->len; j++) {
            VmmNetworkDHCPRange *r = g_ptr_array_index(ip->ranges, j);

            move_addr(&r->start, from, to);
            move_addr(&r->end, from, to);
        }
        for (j = 0; j < ip->hosts->len; j++)
            move_addr(&((VmmNetworkDHCPHost *)g_ptr_array_index(ip->hosts, j))->ip, from, to);
        moved++;
    }
    return moved;
}
