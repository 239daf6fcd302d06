/*
 * netlink.c: host network devices over rtnetlink and /dev/net/tun.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "util/netlink.h"
#include "util/vmm_error.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <arpa/inet.h>
#include <linux/if_bridge.h>
#include <linux/if_link.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define NL_BUFSIZE 4096
#define NL_RECVSIZE 65536

/* ---- message building ---- */

typedef struct {
    union {
        struct nlmsghdr hdr;
        char buf[NL_BUFSIZE];
    } u;
} NlMsg;

static void *
nl_tail(NlMsg *m)
{
    return m->u.buf + NLMSG_ALIGN(m->u.hdr.nlmsg_len);
}

static void
nl_init(NlMsg *m, int type, int flags, const void *body, size_t len)
{
    memset(m, 0, sizeof(*m));
    m->u.hdr.nlmsg_len = NLMSG_LENGTH(len);
    m->u.hdr.nlmsg_type = type;
    m->u.hdr.nlmsg_flags = NLM_F_REQUEST | flags;
    memcpy(NLMSG_DATA(&m->u.hdr), body, len);
}

static struct rtattr *
nl_attr(NlMsg *m, int type, const void *data, size_t len)
{
    struct rtattr *rta = nl_tail(m);

    /* Requests here are a few hundred bytes at most. */
    g_assert(NLMSG_ALIGN(m->u.hdr.nlmsg_len) + RTA_SPACE(len) <= NL_BUFSIZE);
    rta->rta_type = type;
    rta->rta_len = RTA_LENGTH(len);
    if (len)
        memcpy(RTA_DATA(rta), data, len);
    m->u.hdr.nlmsg_len = NLMSG_ALIGN(m->u.hdr.nlmsg_len) + RTA_SPACE(len);
    return rta;
}

static void
nl_attr_u32(NlMsg *m, int type, guint32 v)
{
    nl_attr(m, type, &v, sizeof(v));
}

static void
nl_attr_str(NlMsg *m, int type, const char *s)
{
    nl_attr(m, type, s, strlen(s) + 1);
}

static struct rtattr *
nl_nest_begin(NlMsg *m, int type)
{
    return nl_attr(m, type | NLA_F_NESTED, NULL, 0);
}

static void
nl_nest_end(NlMsg *m, struct rtattr *nest)
{
    nest->rta_len = (char *)nl_tail(m) - (char *)nest;
}

/* ---- talking to the kernel ---- */

static int
nl_open(GError **error)
{
    int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    struct timeval timeout = { .tv_sec = 10 };
    int one = 1;

    if (fd < 0) {
        vmm_error_set_errno(error, errno, _("cannot open a netlink socket"));
        return -1;
    }
    /* Ask for the kernel's reason text with errors; older kernels ignore it. */
    setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
    /* Every wait has a deadline: the kernel answers at once, so a silent
     * socket means something is badly wrong. */
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    return fd;
}

static gboolean
nl_send(int fd, NlMsg *m, guint32 seq, int *err)
{
    struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };

    m->u.hdr.nlmsg_seq = seq;
    if (sendto(fd, m->u.buf, m->u.hdr.nlmsg_len, 0, (struct sockaddr *)&kernel,
               sizeof(kernel)) < 0) {
        *err = errno;
        return FALSE;
    }
    return TRUE;
}

/* The extended-ack message of an NLMSG_ERROR, or NULL. */
static const char *
nl_ext_ack_msg(const struct nlmsghdr *h)
{
    const struct nlmsgerr *e = NLMSG_DATA(h);
    size_t off = sizeof(*e);
    const struct rtattr *rta;
    int len;

    if (!(h->nlmsg_flags & NLM_F_ACK_TLVS))
        return NULL;
    /* Without NLM_F_CAPPED the offending request follows the header. */
    if (!(h->nlmsg_flags & NLM_F_CAPPED))
        off += e->msg.nlmsg_len - sizeof(e->msg);
    if (NLMSG_LENGTH(off) > h->nlmsg_len)
        return NULL;
    rta = (const struct rtattr *)((const char *)e + NLMSG_ALIGN(off));
    len = h->nlmsg_len - NLMSG_LENGTH(NLMSG_ALIGN(off));
    for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
        if (rta->rta_type == NLMSGERR_ATTR_MSG && RTA_PAYLOAD(rta) > 0 &&
            ((const char *)RTA_DATA(rta))[RTA_PAYLOAD(rta) - 1] == '\0')
            return RTA_DATA(rta);
    }
    return NULL;
}

typedef void (*NlDumpFunc)(const struct nlmsghdr *h, gpointer data);

/*
 * Send @m and read replies until the ack (or, with @dump, NLMSG_DONE),
 * handing each data message to @func.  Returns 0 or an errno, with the
 * kernel's text in *@ext (caller frees) when there is one; -1 with @error
 * when there is no socket.  *@interrupted tells that the kernel's tables
 * changed during a dump, so that it may be inconsistent.
 */
static int
nl_talk(NlMsg *m, gboolean dump, NlDumpFunc func, gpointer data, char **ext,
        gboolean *interrupted, GError **error)
{
    static guint32 seq_counter;
    g_autofree char *buf = NULL;
    guint32 seq = g_atomic_int_add(&seq_counter, 1) + 1;
    int fd, err = 0;
    gboolean done = FALSE;

    *ext = NULL;
    *interrupted = FALSE;
    if ((fd = nl_open(error)) < 0)
        return -1;
    m->u.hdr.nlmsg_flags |= dump ? NLM_F_DUMP : NLM_F_ACK;
    if (!nl_send(fd, m, seq, &err))
        goto out;
    buf = g_malloc(NL_RECVSIZE);
    while (!done) {
        ssize_t n = recv(fd, buf, NL_RECVSIZE, 0);
        struct nlmsghdr *h;

        if (n < 0) {
            if (errno == EINTR)
                continue;
            err = errno;
            goto out;
        }
        for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            if (h->nlmsg_seq != seq)
                continue;
            if (h->nlmsg_type == NLMSG_DONE) {
                done = TRUE;
                break;
            }
            if (h->nlmsg_type == NLMSG_ERROR) {
                const struct nlmsgerr *e = NLMSG_DATA(h);
                const char *msg = nl_ext_ack_msg(h);

                err = -e->error;
                if (err && msg)
                    *ext = g_strdup(msg);
                done = TRUE;
                break;
            }
            if (h->nlmsg_flags & NLM_F_DUMP_INTR)
                *interrupted = TRUE;
            if (func)
                func(h, data);
        }
    }
 out:
    close(fd);
    return err;
}

/* Run a request that only needs an ack; on failure set "@what '@name': …". */
static gboolean
nl_request(NlMsg *m, const char *what, const char *name, GError **error)
{
    g_autofree char *ext = NULL;
    gboolean interrupted;
    int err = nl_talk(m, FALSE, NULL, NULL, &ext, &interrupted, error);

    if (err < 0)
        return FALSE;
    if (err == 0)
        return TRUE;
    if (ext)
        vmm_error_set_errno(error, err, "%s '%s': %s", what, name, ext);
    else
        vmm_error_set_errno(error, err, "%s '%s'", what, name);
    return FALSE;
}

/* ---- links ---- */

static gboolean
check_name(const char *name, GError **error)
{
    if (!name || !*name || strlen(name) > VMM_NETLINK_IFNAME_MAX || strchr(name, '/') ||
        strpbrk(name, " \t\n\r:") || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid interface name '%s'"),
                      name ? name : "");
        return FALSE;
    }
    return TRUE;
}

int
vmm_netlink_ifindex(const char *name)
{
    if (!name || strlen(name) > VMM_NETLINK_IFNAME_MAX)
        return 0;
    return (int)if_nametoindex(name);
}

char *
vmm_netlink_ifname(int ifindex)
{
    char buf[IF_NAMESIZE];

    if (ifindex <= 0 || !if_indextoname((unsigned int)ifindex, buf))
        return NULL;
    return g_strdup(buf);
}

gboolean
vmm_netlink_link_exists(const char *name)
{
    return vmm_netlink_ifindex(name) > 0;
}

char *
vmm_netlink_free_name(const char *pattern, const char *const *reserved)
{
    int i;

    for (i = 0; i < 1024; i++) {
        g_autofree char *name = NULL;

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        name = g_strdup_printf(pattern, i);
#pragma GCC diagnostic pop
        if (strlen(name) > VMM_NETLINK_IFNAME_MAX)
            return NULL;
        if (!vmm_netlink_link_exists(name) &&
            !(reserved && g_strv_contains(reserved, name)))
            return g_steal_pointer(&name);
    }
    return NULL;
}

/* The index of @name, or 0 with "cannot @what '@name': no such device". */
static int
need_ifindex(const char *name, const char *what, GError **error)
{
    int idx;

    if (!check_name(name, error))
        return 0;
    if ((idx = vmm_netlink_ifindex(name)) <= 0)
        vmm_error_set_errno(error, ENODEV, "%s '%s'", what, name);
    return idx;
}

gboolean
vmm_netlink_bridge_create(const VmmNetlinkBridge *br, GError **error)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    struct rtattr *linkinfo, *data;
    NlMsg m;

    if (!check_name(br->name, error))
        return FALSE;
    nl_init(&m, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, &ifi, sizeof(ifi));
    nl_attr_str(&m, IFLA_IFNAME, br->name);
    if (br->mac)
        nl_attr(&m, IFLA_ADDRESS, br->mac, 6);
    if (br->mtu)
        nl_attr_u32(&m, IFLA_MTU, br->mtu);
    linkinfo = nl_nest_begin(&m, IFLA_LINKINFO);
    nl_attr_str(&m, IFLA_INFO_KIND, "bridge");
    data = nl_nest_begin(&m, IFLA_INFO_DATA);
    /* The kernel applies the delay before the STP state, and refuses a
     * delay under 2 s only while STP is on: a new bridge starts with STP
     * off, so libvirt's usual stp='on' delay='0' is accepted (kernel STP
     * then raises the delay to its 2 s minimum, as under libvirt). */
    nl_attr_u32(&m, IFLA_BR_FORWARD_DELAY, br->forward_delay * 100);  /* centiseconds */
    nl_attr_u32(&m, IFLA_BR_STP_STATE, br->stp ? 1 : 0);
    nl_nest_end(&m, data);
    nl_nest_end(&m, linkinfo);
    return nl_request(&m, _("cannot create bridge"), br->name, error);
}

gboolean
vmm_netlink_link_delete(const char *name, GError **error)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    NlMsg m;

    if (!(ifi.ifi_index = need_ifindex(name, _("cannot delete interface"), error)))
        return FALSE;
    nl_init(&m, RTM_DELLINK, 0, &ifi, sizeof(ifi));
    return nl_request(&m, _("cannot delete interface"), name, error);
}

gboolean
vmm_netlink_link_set_up(const char *name, gboolean up, GError **error)
{
    const char *what = up ? _("cannot bring up interface") : _("cannot bring down interface");
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC, .ifi_change = IFF_UP };
    NlMsg m;

    if (!(ifi.ifi_index = need_ifindex(name, what, error)))
        return FALSE;
    ifi.ifi_flags = up ? IFF_UP : 0;
    nl_init(&m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
    return nl_request(&m, what, name, error);
}

gboolean
vmm_netlink_link_set_master(const char *name, const char *master, GError **error)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    g_autofree char *what = master ?
        g_strdup_printf(_("cannot attach to bridge '%s' the interface"), master) :
        g_strdup(_("cannot release from its bridge the interface"));
    int master_idx = 0;
    NlMsg m;

    if (!(ifi.ifi_index = need_ifindex(name, what, error)))
        return FALSE;
    if (master && !(master_idx = need_ifindex(master, _("no such bridge"), error)))
        return FALSE;
    nl_init(&m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
    nl_attr_u32(&m, IFLA_MASTER, (guint32)master_idx);
    return nl_request(&m, what, name, error);
}

gboolean
vmm_netlink_link_set_mtu(const char *name, unsigned int mtu, GError **error)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    NlMsg m;

    if (!(ifi.ifi_index = need_ifindex(name, _("cannot set the MTU of"), error)))
        return FALSE;
    nl_init(&m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
    nl_attr_u32(&m, IFLA_MTU, mtu);
    return nl_request(&m, _("cannot set the MTU of"), name, error);
}

gboolean
vmm_netlink_link_set_mac(const char *name, const unsigned char mac[6], GError **error)
{
    struct ifinfomsg ifi = { .ifi_family = AF_UNSPEC };
    NlMsg m;

    if (!(ifi.ifi_index = need_ifindex(name, _("cannot set the MAC address of"), error)))
        return FALSE;
    nl_init(&m, RTM_NEWLINK, 0, &ifi, sizeof(ifi));
    nl_attr(&m, IFLA_ADDRESS, mac, 6);
    return nl_request(&m, _("cannot set the MAC address of"), name, error);
}

/* ---- addresses ---- */

gboolean
vmm_netlink_addr_add(const char *name, const char *address, unsigned int prefix,
                     GError **error)
{
    struct ifaddrmsg ifa = { .ifa_scope = RT_SCOPE_UNIVERSE };
    g_autofree char *what = g_strdup_printf(_("cannot add address %s/%u to"),
                                            address, prefix);
    guint8 bytes[16];
    NlMsg m;
    int idx;

    if (!(idx = need_ifindex(name, what, error)))
        return FALSE;
    if (inet_pton(AF_INET, address, bytes) == 1 && prefix <= 32) {
        ifa.ifa_family = AF_INET;
    } else if (inet_pton(AF_INET6, address, bytes) == 1 && prefix <= 128) {
        ifa.ifa_family = AF_INET6;
    } else {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid address '%s/%u' for '%s'"),
                      address, prefix, name);
        return FALSE;
    }
    ifa.ifa_prefixlen = prefix;
    ifa.ifa_index = (unsigned int)idx;
    nl_init(&m, RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifa, sizeof(ifa));
    if (ifa.ifa_family == AF_INET) {
        guint32 host = prefix >= 32 ? 0 : 0xffffffffu >> prefix;
        guint32 bcast;

        memcpy(&bcast, bytes, 4);
        bcast |= htonl(host);
        nl_attr(&m, IFA_LOCAL, bytes, 4);
        nl_attr(&m, IFA_ADDRESS, bytes, 4);
        if (prefix < 31)
            nl_attr(&m, IFA_BROADCAST, &bcast, 4);
    } else {
        nl_attr(&m, IFA_ADDRESS, bytes, 16);
        nl_attr_u32(&m, IFA_FLAGS, IFA_F_NODAD);
    }
    return nl_request(&m, what, name, error);
}

/* ---- forwarding ---- */

gboolean
vmm_netlink_enable_forwarding(int family, GError **error)
{
    /* Not rtnetlink, but the same concern: the per-namespace sysctls live
     * under /proc/sys/net. */
    const char *path = family == AF_INET6 ? "/proc/sys/net/ipv6/conf/all/forwarding" :
        "/proc/sys/net/ipv4/ip_forward";
    g_autofree char *cur = NULL;
    int fd;

    if (g_file_get_contents(path, &cur, NULL, NULL) && cur[0] == '1')
        return TRUE;
    if ((fd = open(path, O_WRONLY | O_CLOEXEC)) < 0 || write(fd, "1\n", 2) != 2) {
        vmm_error_set_errno(error, errno, _("cannot enable forwarding in '%s'"), path);
        if (fd >= 0)
            close(fd);
        return FALSE;
    }
    close(fd);
    return TRUE;
}

/* ---- dumps ---- */

static void
route_cb(const struct nlmsghdr *h, gpointer data)
{
    GArray *out = data;
    const struct rtmsg *rtm = NLMSG_DATA(h);
    const struct rtattr *rta = RTM_RTA(rtm);
    int len = RTM_PAYLOAD(h);
    guint32 table = rtm->rtm_table;
    VmmNetlinkPrefix p = { .family = rtm->rtm_family, .prefix = rtm->rtm_dst_len };

    if (h->nlmsg_type != RTM_NEWROUTE || (rtm->rtm_flags & RTM_F_CLONED))
        return;
    for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
        size_t alen = rtm->rtm_family == AF_INET6 ? 16 : 4;

        if (rta->rta_type == RTA_DST && RTA_PAYLOAD(rta) >= alen)
            memcpy(p.addr, RTA_DATA(rta), alen);
        else if (rta->rta_type == RTA_OIF && RTA_PAYLOAD(rta) >= 4)
            p.ifindex = (int)*(const guint32 *)RTA_DATA(rta);
        else if (rta->rta_type == RTA_TABLE && RTA_PAYLOAD(rta) >= 4)
            table = *(const guint32 *)RTA_DATA(rta);
    }
    if (table == RT_TABLE_MAIN)
        g_array_append_val(out, p);
}

static void
addr_cb(const struct nlmsghdr *h, gpointer data)
{
    GArray *out = data;
    const struct ifaddrmsg *ifa = NLMSG_DATA(h);
    const struct rtattr *rta = IFA_RTA(ifa);
    int len = IFA_PAYLOAD(h);
    size_t alen = ifa->ifa_family == AF_INET6 ? 16 : 4;
    VmmNetlinkPrefix p = { .family = ifa->ifa_family, .prefix = ifa->ifa_prefixlen,
                           .ifindex = (int)ifa->ifa_index };
    gboolean have_local = FALSE, have = FALSE;

    if (h->nlmsg_type != RTM_NEWADDR)
        return;
    /* IFA_LOCAL is the address itself; IFA_ADDRESS is the peer's on a
     * point-to-point link, so it only counts when there's no IFA_LOCAL. */
    for (; RTA_OK(rta, len); rta = RTA_NEXT(rta, len)) {
        if (RTA_PAYLOAD(rta) < alen)
            continue;
        if (rta->rta_type == IFA_LOCAL) {
            memcpy(p.addr, RTA_DATA(rta), alen);
            have = have_local = TRUE;
        } else if (rta->rta_type == IFA_ADDRESS && !have_local) {
            memcpy(p.addr, RTA_DATA(rta), alen);
            have = TRUE;
        }
    }
    if (have)
        g_array_append_val(out, p);
}

static GArray *
dump(int type, int family, NlDumpFunc func, const char *what, GError **error)
{
    g_autoptr(GArray) out = NULL;
    g_autofree char *ext = NULL;
    struct rtmsg rtm = { .rtm_family = family };
    gboolean interrupted = TRUE;
    NlMsg m;
    int err = 0, tries;

    /* An interrupted dump may miss entries: try again a few times. */
    for (tries = 0; tries < 5 && interrupted; tries++) {
        g_clear_pointer(&out, g_array_unref);
        g_clear_pointer(&ext, g_free);
        out = g_array_new(FALSE, TRUE, sizeof(VmmNetlinkPrefix));
        /* rtmsg and ifaddrmsg both start with the family byte, which is
         * all a dump request needs. */
        nl_init(&m, type, 0, &rtm,
                type == RTM_GETROUTE ? sizeof(rtm) : sizeof(struct ifaddrmsg));
        err = nl_talk(&m, TRUE, func, out, &ext, &interrupted, error);
        if (err < 0)
            return NULL;
        if (err)
            break;
    }
    if (err) {
        vmm_error_set_errno(error, err, "%s%s%s", what, ext ? ": " : "", ext ? ext : "");
        return NULL;
    }
    return g_steal_pointer(&out);
}

GArray *
vmm_netlink_route_dump(int family, GError **error)
{
    return dump(RTM_GETROUTE, family, route_cb, _("cannot list the host's routes"), error);
}

GArray *
vmm_netlink_addr_dump(int family, GError **error)
{
    return dump(RTM_GETADDR, family, addr_cb, _("cannot list the host's addresses"), error);
}

/* ---- taps ---- */

int
vmm_netlink_tap_create(const char *name, gboolean persist, char **name_out, GError **error)
{
    struct ifreq ifr = { 0 };
    int fd;

    if (!name || strlen(name) > VMM_NETLINK_IFNAME_MAX) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid tap device name '%s'"),
                      name ? name : "");
        return -1;
    }
    if ((fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC)) < 0) {
        vmm_error_set_errno(error, errno, _("cannot open /dev/net/tun for tap '%s'"), name);
        return -1;
    }
    g_strlcpy(ifr.ifr_name, name, sizeof(ifr.ifr_name));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        vmm_error_set_errno(error, errno, _("cannot create tap device '%s'"), name);
        close(fd);
        return -1;
    }
    if (persist && ioctl(fd, TUNSETPERSIST, 1) < 0) {
        vmm_error_set_errno(error, errno, _("cannot make tap device '%s' persistent"),
                            ifr.ifr_name);
        close(fd);
        return -1;
    }
    if (name_out)
        *name_out = g_strndup(ifr.ifr_name, IFNAMSIZ);
    return fd;
}
