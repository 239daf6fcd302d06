/*
 * network_nft.c: nftables scripts for virtual networks, and a check for
 * other firewalls that would drop the networks' traffic.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE   /* memfd_create */
#include "drivers/network/network_nft.h"
#include "drivers/network/network_subnet.h"
#include "util/command.h"
#include "util/vmm_error.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define T "inet " VMM_NFT_TABLE

/* The per-network chains, by the role they play. */
static const char *const chain_roles[] = { "in", "out", "input", "nat" };

char *
vmm_nft_build_table(void)
{
    /*
     * Forward: traffic into a network is judged first (oifname), then
     * traffic out of one (iifname).  Judging "in" first is what isolates
     * networks from each other: a packet from one network to another hits
     * the target's "in" chain, which only lets replies through.
     * Postrouting dispatches on the input interface too (set for forwarded
     * packets): an interval map keyed by source subnet would be the obvious
     * key, but nft 1.0.6 fails to add an element jumping to a chain made in
     * the same transaction ("No such file or directory").
     * The base chains are flushed and refilled with their fixed rules in
     * the same transaction, so re-running this never leaves a gap.
     */
    return g_strdup(
        "add table " T "\n"
        "add map " T " fwd_in { type ifname : verdict; }\n"
        "add map " T " fwd_out { type ifname : verdict; }\n"
        "add map " T " input_if { type ifname : verdict; }\n"
        "add map " T " nat_if { type ifname : verdict; }\n"
        "add chain " T " forward { type filter hook forward priority filter; policy accept; }\n"
        "add chain " T " input { type filter hook input priority filter; policy accept; }\n"
        "add chain " T " postrouting { type nat hook postrouting priority srcnat; policy accept; }\n"
        "flush chain " T " forward\n"
        "flush chain " T " input\n"
        "flush chain " T " postrouting\n"
        "add rule " T " forward oifname vmap @fwd_in\n"
        "add rule " T " forward iifname vmap @fwd_out\n"
        "add rule " T " input iifname vmap @input_if\n"
        "add rule " T " postrouting iifname vmap @nat_if\n");
}

char *
vmm_nft_build_table_delete(void)
{
    /* "add" first so that deleting a missing table is not an error. */
    return g_strdup("add table " T "\ndelete table " T "\n");
}

/*
 * The chain-name stem of a bridge: letters and digits kept, anything else
 * (including '_') as _XX, so two bridge names never share a stem and the
 * result is a plain nft identifier.
 */
static char *
chain_stem(const char *bridge)
{
    GString *s = g_string_new("net_");
    const char *p;

    for (p = bridge; *p; p++) {
        if (g_ascii_isalnum(*p))
            g_string_append_c(s, *p);
        else
            g_string_append_printf(s, "_%02x", (guchar)*p);
    }
    return g_string_free(s, FALSE);
}

/* Interface names are written as "…" strings; refuse what would end them. */
static gboolean
check_ifname(const char *what, const char *name, GError **error)
{
    const char *p;

    for (p = name; *p; p++) {
        if (*p == '"' || *p == '\\' || !g_ascii_isgraph(*p)) {
            vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                          _("%s '%s' cannot be used in an nftables rule"), what, name);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
check_def(const VmmNetworkDef *def, char **stem, GError **error)
{
    const char *dev = vmm_network_def_forward_dev(def);

    if (!vmm_network_def_has_own_bridge(def)) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                      _("network '%s' in forward mode '%s' has no firewall rules of vmm"),
                      def->name, vmm_network_forward_mode_to_string(def->forward_mode));
        return FALSE;
    }
    if (!def->bridge_name) {
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("network '%s' has no bridge name yet"), def->name);
        return FALSE;
    }
    if (!check_ifname("bridge name", def->bridge_name, error) ||
        (dev && !check_ifname("forward device", dev, error)))
        return FALSE;
    *stem = chain_stem(def->bridge_name);
    return TRUE;
}

static const char *
ip_kw(const VmmSubnet *s)
{
    return s->family == VMM_NETWORK_IP_FAMILY_IPV6 ? "ip6" : "ip";
}

/* Forward chains of a nat or route network. */
static void
append_forward_rules(GString *buf, const VmmNetworkDef *def, const char *stem,
                     const GArray *subnets)
{
    const char *dev = vmm_network_def_forward_dev(def);
    g_autofree char *in_dev = dev ? g_strdup_printf(" iifname \"%s\"", dev) : g_strdup("");
    g_autofree char *out_dev = dev ? g_strdup_printf(" oifname \"%s\"", dev) : g_strdup("");
    guint i;

    for (i = 0; i < subnets->len; i++) {
        const VmmSubnet *s = &g_array_index(subnets, VmmSubnet, i);
        g_autofree char *net = vmm_subnet_format(s);
        /* NAT hides the guests, so only replies come back in; IPv6 is
         * never masqueraded and is routed in both directions. */
        gboolean replies_only = def->forward_mode == VMM_NETWORK_FORWARD_NAT &&
            s->family == VMM_NETWORK_IP_FAMILY_IPV4;

        g_string_append_printf(buf, "add rule " T " %s_in%s %s daddr %s%s accept\n",
                               stem, in_dev, ip_kw(s), net,
                               replies_only ? " ct state established,related" : "");
        g_string_append_printf(buf, "add rule " T " %s_out%s %s saddr %s accept\n",
                               stem, out_dev, ip_kw(s), net);
    }
}

static void
append_nat_rules(GString *buf, const VmmNetworkDef *def, const char *stem,
                 const GArray *subnets)
{
    const char *dev = vmm_network_def_forward_dev(def);
    g_autofree char *out_dev = dev ? g_strdup_printf(" oifname \"%s\"", dev) : g_strdup("");
    unsigned int pstart = def->nat_port_start ? def->nat_port_start : 1024;
    unsigned int pend = def->nat_port_end ? def->nat_port_end : 65535;
    g_autofree char *addrs = NULL;
    guint i;

    if (def->nat_addr_start)
        addrs = g_strdup_printf("%s%s%s", def->nat_addr_start,
                                def->nat_addr_end ? "-" : "",
                                def->nat_addr_end ? def->nat_addr_end : "");

    /* Multicast and broadcast stay local, and so does traffic within the
     * subnet itself. */
    g_string_append_printf(buf, "add rule " T " %s_nat ip daddr 224.0.0.0/24 return\n", stem);
    g_string_append_printf(buf, "add rule " T " %s_nat ip daddr 255.255.255.255 return\n", stem);
    for (i = 0; i < subnets->len; i++) {
        const VmmSubnet *s = &g_array_index(subnets, VmmSubnet, i);
        g_autofree char *net = NULL;
        guint j;

        if (s->family != VMM_NETWORK_IP_FAMILY_IPV4)
            continue;
        net = vmm_subnet_format(s);
        g_string_append_printf(buf, "add rule " T " %s_nat ip saddr %s ip daddr %s return\n",
                               stem, net, net);
        /* TCP and UDP get source ports from the range (by default off
         * the privileged ports, as libvirt does); other protocols keep
         * theirs. */
        for (j = 0; j < 2; j++) {
            const char *proto = j == 0 ? "tcp" : "udp";

            if (addrs)
                g_string_append_printf(buf, "add rule " T " %s_nat ip saddr %s%s meta l4proto %s"
                                       " snat ip to %s:%u-%u\n",
                                       stem, net, out_dev, proto, addrs, pstart, pend);
            else
                g_string_append_printf(buf, "add rule " T " %s_nat ip saddr %s%s meta l4proto %s"
                                       " masquerade to :%u-%u\n",
                                       stem, net, out_dev, proto, pstart, pend);
        }
        if (addrs)
            g_string_append_printf(buf, "add rule " T " %s_nat ip saddr %s%s snat ip to %s\n",
                                   stem, net, out_dev, addrs);
        else
            g_string_append_printf(buf, "add rule " T " %s_nat ip saddr %s%s masquerade\n",
                                   stem, net, out_dev);
    }
}

static GArray *
def_subnets(const VmmNetworkDef *def)
{
    GArray *subnets = g_array_new(FALSE, TRUE, sizeof(VmmSubnet));
    guint i;

    for (i = 0; i < def->ips->len; i++) {
        VmmSubnet s;

        vmm_subnet_from_ip_def(g_ptr_array_index(def->ips, i), &s);
        g_array_append_val(subnets, s);
    }
    return subnets;
}

char *
vmm_nft_build_network_add(const VmmNetworkDef *def, GError **error)
{
    g_autofree char *stem = NULL;
    g_autofree char *name = NULL;
    g_autofree char *table = NULL;
    g_autoptr(GArray) subnets = NULL;
    g_autoptr(GString) buf = NULL;
    const char *br;
    gboolean nat = def->forward_mode == VMM_NETWORK_FORWARD_NAT;
    guint i;

    if (!check_def(def, &stem, error))
        return NULL;
    /* Open mode: vmm adds no firewall rules at all, by definition; clean
     * up any left from an earlier mode instead. */
    if (def->forward_mode == VMM_NETWORK_FORWARD_OPEN)
        return vmm_nft_build_network_remove(def, error);

    br = def->bridge_name;
    name = g_strescape(def->name, NULL);
    subnets = def_subnets(def);
    table = vmm_nft_build_table();
    buf = g_string_new(NULL);
    /* The name is escaped: a newline in it must not end the comment. */
    g_string_append_printf(buf, "# network '%s' (bridge %s, %s)\n", name, br,
                           def->forward_mode == VMM_NETWORK_FORWARD_NONE ? "isolated" :
                           vmm_network_forward_mode_to_string(def->forward_mode));
    g_string_append(buf, table);

    /* Steps: (re)create the chains empty; fill them; hook them in. */
    for (i = 0; i < G_N_ELEMENTS(chain_roles); i++) {
        if (!nat && strcmp(chain_roles[i], "nat") == 0)
            continue;
        g_string_append_printf(buf, "add chain " T " %s_%s\nflush chain " T " %s_%s\n",
                               stem, chain_roles[i], stem, chain_roles[i]);
    }
    /* Traffic that stays on the bridge (with br_netfilter loaded). */
    g_string_append_printf(buf, "add rule " T " %s_in iifname \"%s\" accept\n", stem, br);
    if (def->forward_mode != VMM_NETWORK_FORWARD_NONE)
        append_forward_rules(buf, def, stem, subnets);
    g_string_append_printf(buf, "add rule " T " %s_in reject\n", stem);
    g_string_append_printf(buf, "add rule " T " %s_out reject\n", stem);

    g_string_append_printf(buf, "add rule " T " %s_input udp dport { 53, 67, 547 } accept\n", stem);
    g_string_append_printf(buf, "add rule " T " %s_input tcp dport 53 accept\n", stem);
    if (nat)
        append_nat_rules(buf, def, stem, subnets);

    g_string_append_printf(buf, "add element " T " fwd_in { \"%s\" : jump %s_in }\n", br, stem);
    g_string_append_printf(buf, "add element " T " fwd_out { \"%s\" : jump %s_out }\n", br, stem);
    g_string_append_printf(buf, "add element " T " input_if { \"%s\" : jump %s_input }\n", br, stem);
    if (nat)
        g_string_append_printf(buf, "add element " T " nat_if { \"%s\" : jump %s_nat }\n",
                               br, stem);
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

char *
vmm_nft_build_network_remove(const VmmNetworkDef *def, GError **error)
{
    /* Parallel to chain_roles. */
    static const char *const maps[] = { "fwd_in", "fwd_out", "input_if", "nat_if" };
    g_autofree char *stem = NULL;
    g_autofree char *name = NULL;
    g_autofree char *table = NULL;
    g_autoptr(GString) buf = NULL;
    guint i;

    if (!check_def(def, &stem, error))
        return NULL;
    table = vmm_nft_build_table();
    buf = g_string_new(NULL);
    name = g_strescape(def->name, NULL);
    g_string_append_printf(buf, "# remove network '%s' (bridge %s)\n", name,
                           def->bridge_name);
    g_string_append(buf, table);
    /*
     * nft 1.0 has no "delete if present", and one failing command voids the
     * whole transaction.  So every object is first added (a no-op when it
     * exists, empty when it did not) and then deleted: the script works
     * whatever part of the network's rules is there.  Map elements go
     * first, as a chain can't be deleted while a verdict points at it.
     */
    for (i = 0; i < G_N_ELEMENTS(chain_roles); i++)
        g_string_append_printf(buf, "add chain " T " %s_%s\n", stem, chain_roles[i]);
    for (i = 0; i < G_N_ELEMENTS(maps); i++) {
        g_string_append_printf(buf, "add element " T " %s { \"%s\" : jump %s_%s }\n",
                               maps[i], def->bridge_name, stem, chain_roles[i]);
        g_string_append_printf(buf, "delete element " T " %s { \"%s\" }\n",
                               maps[i], def->bridge_name);
    }
    for (i = 0; i < G_N_ELEMENTS(chain_roles); i++)
        g_string_append_printf(buf, "flush chain " T " %s_%s\ndelete chain " T " %s_%s\n",
                               stem, chain_roles[i], stem, chain_roles[i]);
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

/* ---- foreign firewalls ---- */

typedef struct {
    char *family;
    char *table;
    char *name;
    gboolean forward_hook;
    gboolean policy_drop;
    GPtrArray *rules;        /* char*, trimmed */
} RulesetChain;

static void
ruleset_chain_free(gpointer p)
{
    RulesetChain *c = p;

    g_free(c->family);
    g_free(c->table);
    g_free(c->name);
    g_ptr_array_unref(c->rules);
    g_free(c);
}

static int
brace_delta(const char *line)
{
    int d = 0;
    gboolean quoted = FALSE;

    for (; *line; line++) {
        if (*line == '"')
            quoted = !quoted;
        else if (!quoted && *line == '{')
            d++;
        else if (!quoted && *line == '}')
            d--;
    }
    return d;
}

/* The chains of `nft list ruleset` output, with their rules. */
static GPtrArray *
ruleset_parse(const char *ruleset)
{
    GPtrArray *chains = g_ptr_array_new_with_free_func(ruleset_chain_free);
    g_auto(GStrv) lines = g_strsplit(ruleset, "\n", -1);
    g_autofree char *family = NULL, *table = NULL;
    RulesetChain *cur = NULL;
    int depth = 0;
    guint i;

    for (i = 0; lines[i]; i++) {
        char *line = g_strstrip(lines[i]);
        int delta = brace_delta(line);

        if (depth == 0 && g_str_has_prefix(line, "table ")) {
            g_auto(GStrv) w = g_strsplit_set(line, " ", -1);

            if (g_strv_length(w) >= 3) {
                g_free(family);
                g_free(table);
                family = g_strdup(w[1]);
                table = g_strdup(w[2]);
            }
        } else if (depth == 1 && g_str_has_prefix(line, "chain ") && family) {
            g_auto(GStrv) w = g_strsplit_set(line, " ", -1);

            cur = g_new0(RulesetChain, 1);
            cur->family = g_strdup(family);
            cur->table = g_strdup(table);
            cur->name = g_strdup(w[1]);
            cur->rules = g_ptr_array_new_with_free_func(g_free);
            g_ptr_array_add(chains, cur);
        } else if (depth == 2 && cur && *line && strcmp(line, "}") != 0) {
            if (g_str_has_prefix(line, "type ")) {
                cur->forward_hook = strstr(line, " hook forward ") != NULL;
                cur->policy_drop = strstr(line, "policy drop") != NULL;
            } else if (!g_str_has_prefix(line, "comment ")) {
                g_ptr_array_add(cur->rules, g_strdup(line));
            }
        }
        depth += delta;
        if (depth <= 1)
            cur = NULL;
        if (depth < 0)
            depth = 0;
    }
    return chains;
}

static RulesetChain *
ruleset_find(GPtrArray *chains, const RulesetChain *in, const char *name)
{
    guint i;

    for (i = 0; i < chains->len; i++) {
        RulesetChain *c = g_ptr_array_index(chains, i);

        if (strcmp(c->name, name) == 0 && strcmp(c->family, in->family) == 0 &&
            strcmp(c->table, in->table) == 0)
            return c;
    }
    return NULL;
}

/* A rule that drops everything left: "drop", "reject …", with counters. */
static gboolean
rule_drops_all(const char *rule)
{
    g_auto(GStrv) w = g_strsplit_set(rule, " ", -1);
    guint i = 0;

    if (w[0] && strcmp(w[0], "counter") == 0) {
        i = 1;
        while (w[i] && (strcmp(w[i], "packets") == 0 || strcmp(w[i], "bytes") == 0) && w[i + 1])
            i += 2;
    }
    return w[i] && (strcmp(w[i], "drop") == 0 || strcmp(w[i], "reject") == 0);
}

/* Does @c, or a chain it jumps to, accept traffic of @quoted_bridge? */
static gboolean
chain_accepts(GPtrArray *chains, const RulesetChain *c, const char *quoted_bridge, int depth)
{
    guint i;

    for (i = 0; i < c->rules->len; i++) {
        const char *r = g_ptr_array_index(c->rules, i);
        const char *jump;

        if (strstr(r, quoted_bridge) && g_str_has_suffix(r, " accept"))
            return TRUE;
        if (depth < 4 && ((jump = strstr(r, "jump ")) || (jump = strstr(r, "goto ")))) {
            g_auto(GStrv) w = g_strsplit_set(jump + 5, " ", 2);
            RulesetChain *target = ruleset_find(chains, c, w[0]);

            if (target && target != c &&
                chain_accepts(chains, target, quoted_bridge, depth + 1))
                return TRUE;
        }
    }
    return FALSE;
}

static const char *
chain_owner(GPtrArray *chains, const RulesetChain *c)
{
    if (strcmp(c->table, "firewalld") == 0)
        return "firewalld";
    if (ruleset_find(chains, c, "DOCKER-USER") || ruleset_find(chains, c, "DOCKER"))
        return "Docker";
    if (ruleset_find(chains, c, "ufw-before-forward"))
        return "ufw";
    return NULL;
}

static char *
chain_fix(GPtrArray *chains, const RulesetChain *c, const char *owner, const char *bridge)
{
    if (g_strcmp0(owner, "firewalld") == 0)
        return g_strdup_printf("put the bridge in a zone that forwards, e.g. "
                               "'firewall-cmd --permanent --zone=trusted --add-interface=%s "
                               "&& firewall-cmd --reload'", bridge);
    if (g_strcmp0(owner, "ufw") == 0)
        return g_strdup_printf("run 'ufw route allow in on %s' and 'ufw route allow out on %s'",
                               bridge, bridge);
    if (g_strcmp0(owner, "Docker") == 0 && ruleset_find(chains, c, "DOCKER-USER"))
        return g_strdup_printf("run 'iptables -I DOCKER-USER -i %s -j ACCEPT' and "
                               "'iptables -I DOCKER-USER -o %s -j ACCEPT'", bridge, bridge);
    return g_strdup_printf("run 'nft insert rule %s %s %s iifname \"%s\" accept' and "
                           "'nft insert rule %s %s %s oifname \"%s\" accept'",
                           c->family, c->table, c->name, bridge,
                           c->family, c->table, c->name, bridge);
}

char *
vmm_nft_check_foreign_forward(const char *ruleset, const char *network, const char *bridge)
{
    g_autoptr(GPtrArray) chains = ruleset_parse(ruleset ? ruleset : "");
    g_autofree char *quoted = g_strdup_printf("\"%s\"", bridge);
    g_autoptr(GString) out = g_string_new(NULL);
    guint i;

    for (i = 0; i < chains->len; i++) {
        const RulesetChain *c = g_ptr_array_index(chains, i);
        const char *last = c->rules->len ?
            g_ptr_array_index(c->rules, c->rules->len - 1) : NULL;
        const char *owner;
        g_autofree char *fix = NULL;

        if (!c->forward_hook ||
            (strcmp(c->family, "inet") == 0 && strcmp(c->table, VMM_NFT_TABLE) == 0))
            continue;
        if (!c->policy_drop && !(last && rule_drops_all(last)))
            continue;
        if (chain_accepts(chains, c, quoted, 0))
            continue;
        owner = chain_owner(chains, c);
        fix = chain_fix(chains, c, owner, bridge);
        if (out->len)
            g_string_append(out, "; ");
        g_string_append_printf(out,
                               "chain '%s %s %s'%s%s%s %s: forwarded traffic of network '%s' "
                               "(bridge %s) will be dropped there; to let it through, %s",
                               c->family, c->table, c->name,
                               owner ? " (" : "", owner ? owner : "", owner ? ")" : "",
                               c->policy_drop ? "has policy drop" :
                               "ends in a drop/reject rule",
                               network, bridge, fix);
    }
    return out->len ? g_string_free(g_steal_pointer(&out), FALSE) : NULL;
}

/* ---- running nft ---- */

#define NFT_TIMEOUT_MS 30000

gboolean
vmm_nft_apply(const char *script, GError **error)
{
    g_autoptr(VmmCommand) cmd = vmm_command_new("nft");
    size_t len = strlen(script), done = 0;
    gboolean ok;
    int fd;

    /* The script goes in on stdin from a memory file: no temp file to
     * clean up, and no pipe to deadlock on however long it gets. */
    if ((fd = memfd_create("vmm-nft", MFD_CLOEXEC)) < 0) {
        vmm_error_set_errno(error, errno, _("cannot create a memory file for nft"));
        return FALSE;
    }
    while (done < len) {
        ssize_t n = write(fd, script + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vmm_error_set_errno(error, errno, _("cannot write the nft script"));
            close(fd);
            return FALSE;
        }
        done += (size_t)n;
    }
    lseek(fd, 0, SEEK_SET);
    vmm_command_add_args(cmd, "-f", "-", NULL);
    vmm_command_set_stdin_fd(cmd, fd);
    ok = vmm_command_run(cmd, NFT_TIMEOUT_MS, NULL, NULL, NULL, error);
    close(fd);
    return ok;
}

char *
vmm_nft_list_ruleset(GError **error)
{
    g_autoptr(VmmCommand) cmd = vmm_command_new("nft");
    char *out = NULL;

    vmm_command_add_args(cmd, "list", "ruleset", NULL);
    if (!vmm_command_run(cmd, NFT_TIMEOUT_MS, NULL, &out, NULL, error))
        return NULL;
    return out;
}
