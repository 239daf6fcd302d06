/*
 * vshell-monitor.c: domain monitoring commands (domifaddr, dommemstat,
 * domblkstat, domifstat, domstats) and vcpuinfo and vncdisplay of the
 * domain group.  Output as virsh 9's.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vshell.h"

#include "conf/xml_util.h"
#include <string.h>

static const VshOptDef domifaddr_opts[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid") },
    { "interface", VSH_OT_STRING, 0, N_("network interface name") },
    { "full", VSH_OT_BOOL, 0, N_("always display names and MACs of interfaces") },
    { "source", VSH_OT_STRING, 0, N_("address source: 'lease', 'agent', or 'arp'") },
    { NULL },
};

/* virsh's layout: a header, then one line per address; the name and MAC
 * of an interface only on its first line unless --full. */
static gboolean
cmd_domifaddr(Vsh *ctl, const VshCmd *cmd)
{
    static const char *const sources[] = { "lease", "agent", "arp" };
    const char *ifname = vsh_cmd_string(cmd, "interface");
    const char *source_str = vsh_cmd_string(cmd, "source");
    gboolean full = vsh_cmd_has(cmd, "full");
    unsigned int source = VMM_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE;
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(GPtrArray) ifaces = NULL;
    g_autoptr(GError) error = NULL;

    if (source_str) {
        for (source = 0; source < G_N_ELEMENTS(sources); source++) {
            if (g_str_equal(source_str, sources[source]))
                break;
        }
        if (source == G_N_ELEMENTS(sources)) {
            vsh_error(ctl, _("Unknown data source '%s'"), source_str);
            return FALSE;
        }
    }
    if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")))
        return FALSE;
    if (!(ifaces = vmm_domain_interface_addresses(dom, source, 0, &error))) {
        vsh_error(ctl, "%s", _("Failed to query for interfaces addresses"));
        vsh_report(ctl, &error);
        return FALSE;
    }

    vsh_print_extra(ctl, " %-10s %-20s %-8s     %s\n%s%s\n", _("Name"), _("MAC address"),
                    _("Protocol"), _("Address"),
                    "-------------------------------------------------",
                    "------------------------------");
    for (guint i = 0; i < ifaces->len; i++) {
        const VmmDomainInterface *iface = ifaces->pdata[i];

        if (ifname && !g_str_equal(ifname, iface->name))
            continue;
        if (iface->naddrs == 0) {
            printf(" %-10s %-17s    %-12s %s\n", iface->name,
                   iface->hwaddr ? iface->hwaddr : "N/A", "N/A", "N/A");
            continue;
        }
        for (guint j = 0; j < iface->naddrs; j++) {
            const VmmDomainIPAddress *a = &iface->addrs[j];
            g_autofree char *addr = g_strdup_printf(
                "%-12s %s/%u", a->type == VMM_IP_ADDR_TYPE_IPV6 ? "ipv6" : "ipv4", a->addr,
                a->prefix);

            if (full || j == 0)
                printf(" %-10s %-17s    %s\n", iface->name,
                       iface->hwaddr ? iface->hwaddr : "", addr);
            else
                printf(" %-10s %-17s    %s\n", "-", "-", addr);
        }
    }
    return TRUE;
}

#define DOMAIN_OPT { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, \
                     N_("domain name, id or uuid") }

/* A typed parameter's value as virsh prints it. */
static char *
param_value(const VmmTypedParameter *p)
{
    switch (p->type) {
    case VMM_TYPED_PARAM_INT: return g_strdup_printf("%d", p->value.i);
    case VMM_TYPED_PARAM_UINT: return g_strdup_printf("%u", p->value.ui);
    case VMM_TYPED_PARAM_LLONG: return g_strdup_printf("%" G_GINT64_FORMAT, p->value.l);
    case VMM_TYPED_PARAM_ULLONG: return g_strdup_printf("%" G_GUINT64_FORMAT, p->value.ul);
    case VMM_TYPED_PARAM_DOUBLE: return g_strdup_printf("%f", p->value.d);
    case VMM_TYPED_PARAM_BOOLEAN: return g_strdup(p->value.b ? _("yes") : _("no"));
    case VMM_TYPED_PARAM_STRING: return g_strdup(p->value.s ? p->value.s : "");
    default: return g_strdup_printf(_("unimplemented parameter type %d"), p->type);
    }
}

/* ------------------------------------------------------------------ */
/* dommemstat                                                          */

static const VshOptDef dommemstat_opts[] = {
    DOMAIN_OPT,
    { NULL },
};

static gboolean
cmd_dommemstat(Vsh *ctl, const VshCmd *cmd)
{
    VmmDomainMemoryStat stats[VMM_DOMAIN_MEMORY_STAT_NR];
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(GError) error = NULL;
    int n;

    if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")))
        return FALSE;
    if ((n = vmm_domain_memory_stats(dom, stats, G_N_ELEMENTS(stats), 0, &error)) < 0) {
        vsh_error(ctl, _("Failed to get memory statistics for domain %s"),
                  vmm_domain_get_name(dom));
        vsh_report(ctl, &error);
        return FALSE;
    }
    for (int i = 0; i < n; i++) {
        const char *name = vmm_domain_memory_stat_name(stats[i].tag, FALSE);

        if (name)
            printf("%s %" G_GUINT64_FORMAT "\n", name, stats[i].val);
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* domblkstat                                                          */

static const VshOptDef domblkstat_opts[] = {
    DOMAIN_OPT,
    { "device", VSH_OT_STRING, VSH_OFLAG_POS, N_("block device") },
    { "human", VSH_OT_BOOL, 0, N_("print a more human readable output") },
    { NULL },
};

/* The known fields in virsh's order, their old names and explanations. */
static const struct {
    const char *field;
    const char *legacy;     /* NULL: the field's own name */
    const char *human;
} blkstat_fields[] = {
    { VMM_DOMAIN_BLOCK_STATS_READ_REQ, "rd_req", N_("number of read operations:") },
    { VMM_DOMAIN_BLOCK_STATS_READ_BYTES, "rd_bytes", N_("number of bytes read:") },
    { VMM_DOMAIN_BLOCK_STATS_WRITE_REQ, "wr_req", N_("number of write operations:") },
    { VMM_DOMAIN_BLOCK_STATS_WRITE_BYTES, "wr_bytes", N_("number of bytes written:") },
    { VMM_DOMAIN_BLOCK_STATS_ERRS, "errs", N_("error count:") },
    { VMM_DOMAIN_BLOCK_STATS_FLUSH_REQ, NULL, N_("number of flush operations:") },
    { VMM_DOMAIN_BLOCK_STATS_READ_TOTAL_TIMES, NULL, N_("total duration of reads (ns):") },
    { VMM_DOMAIN_BLOCK_STATS_WRITE_TOTAL_TIMES, NULL, N_("total duration of writes (ns):") },
    { VMM_DOMAIN_BLOCK_STATS_FLUSH_TOTAL_TIMES, NULL,
      N_("total duration of flushes (ns):") },
};

static gboolean
cmd_domblkstat(Vsh *ctl, const VshCmd *cmd)
{
    const char *device = vsh_cmd_string(cmd, "device");
    gboolean human = vsh_cmd_has(cmd, "human");
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree gboolean *printed = NULL;
    VmmTypedParameter *params = NULL;
    int nparams = 0;

    if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")))
        return FALSE;
    if (!device)
        device = "";    /* all disks */
    if (!vmm_domain_block_stats(dom, device, &params, &nparams, 0, &error)) {
        vsh_error(ctl, _("Failed to get block stats for domain '%s' device '%s'"),
                  vmm_domain_get_name(dom), device);
        vsh_report(ctl, &error);
        return FALSE;
    }
    if (human) {
        printf(_("Device: %s\n"), device);
        device = "";
    }
    printed = g_new0(gboolean, MAX(nparams, 1));
    for (guint i = 0; i < G_N_ELEMENTS(blkstat_fields); i++) {
        for (int j = 0; j < nparams; j++) {
            g_autofree char *value = NULL;
            const char *label;

            if (printed[j] || !g_str_equal(params[j].field, blkstat_fields[i].field))
                continue;
            printed[j] = TRUE;
            value = param_value(&params[j]);
            label = human ? _(blkstat_fields[i].human)
                          : blkstat_fields[i].legacy ? blkstat_fields[i].legacy
                                                     : blkstat_fields[i].field;
            printf("%s %-*s %s\n", device, human ? 31 : 0, label, value);
            break;
        }
    }
    for (int j = 0; j < nparams; j++) {
        g_autofree char *value = NULL;

        if (printed[j])
            continue;
        value = param_value(&params[j]);
        printf("%s %s %s\n", device, params[j].field, value);
    }
    vmm_typed_params_free(params, nparams);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* domifstat                                                           */

static const VshOptDef domifstat_opts[] = {
    DOMAIN_OPT,
    { "interface", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("interface device specified by name or MAC Address") },
    { NULL },
};

static gboolean
cmd_domifstat(Vsh *ctl, const VshCmd *cmd)
{
    const char *device = vsh_cmd_string(cmd, "interface");
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(GError) error = NULL;
    VmmDomainInterfaceStats st;

    if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")))
        return FALSE;
    if (!vmm_domain_interface_stats(dom, device, &st, &error)) {
        vsh_error(ctl, _("Failed to get interface stats %s %s"), vmm_domain_get_name(dom),
                  device);
        vsh_report(ctl, &error);
        return FALSE;
    }
    const struct {
        const char *name;
        gint64 value;
    } rows[] = {
        { "rx_bytes", st.rx_bytes }, { "rx_packets", st.rx_packets },
        { "rx_errs", st.rx_errs }, { "rx_drop", st.rx_drop },
        { "tx_bytes", st.tx_bytes }, { "tx_packets", st.tx_packets },
        { "tx_errs", st.tx_errs }, { "tx_drop", st.tx_drop },
    };
    for (guint i = 0; i < G_N_ELEMENTS(rows); i++) {
        if (rows[i].value >= 0)
            printf("%s %s %" G_GINT64_FORMAT "\n", device, rows[i].name, rows[i].value);
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* domstats                                                            */

static const struct {
    const char *opt;
    unsigned int bit;
    gboolean group;      /* a statistics group, else a flag */
} domstats_bits[] = {
    { "state", VMM_DOMAIN_STATS_STATE, TRUE },
    { "cpu-total", VMM_DOMAIN_STATS_CPU_TOTAL, TRUE },
    { "balloon", VMM_DOMAIN_STATS_BALLOON, TRUE },
    { "vcpu", VMM_DOMAIN_STATS_VCPU, TRUE },
    { "interface", VMM_DOMAIN_STATS_INTERFACE, TRUE },
    { "block", VMM_DOMAIN_STATS_BLOCK, TRUE },
    { "perf", VMM_DOMAIN_STATS_PERF, TRUE },
    { "iothread", VMM_DOMAIN_STATS_IOTHREAD, TRUE },
    { "memory", VMM_DOMAIN_STATS_MEMORY, TRUE },
    { "dirtyrate", VMM_DOMAIN_STATS_DIRTYRATE, TRUE },
    { "vm", VMM_DOMAIN_STATS_VM, TRUE },
    { "list-active", VMM_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE, FALSE },
    { "list-inactive", VMM_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE, FALSE },
    { "list-persistent", VMM_CONNECT_GET_ALL_DOMAINS_STATS_PERSISTENT, FALSE },
    { "list-transient", VMM_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT, FALSE },
    { "list-running", VMM_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING, FALSE },
    { "list-paused", VMM_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED, FALSE },
    { "list-shutoff", VMM_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF, FALSE },
    { "list-other", VMM_CONNECT_GET_ALL_DOMAINS_STATS_OTHER, FALSE },
    { "enforce", VMM_CONNECT_GET_ALL_DOMAINS_STATS_ENFORCE_STATS, FALSE },
    { "backing", VMM_CONNECT_GET_ALL_DOMAINS_STATS_BACKING, FALSE },
    { "nowait", VMM_CONNECT_GET_ALL_DOMAINS_STATS_NOWAIT, FALSE },
};

static const VshOptDef domstats_opts[] = {
    { "state", VSH_OT_BOOL, 0, N_("report domain state") },
    { "cpu-total", VSH_OT_BOOL, 0, N_("report domain physical cpu usage") },
    { "balloon", VSH_OT_BOOL, 0, N_("report domain balloon statistics") },
    { "vcpu", VSH_OT_BOOL, 0, N_("report domain virtual cpu information") },
    { "interface", VSH_OT_BOOL, 0, N_("report domain network interface information") },
    { "block", VSH_OT_BOOL, 0, N_("report domain block device statistics") },
    { "perf", VSH_OT_BOOL, 0, N_("report domain perf event statistics") },
    { "iothread", VSH_OT_BOOL, 0, N_("report domain IOThread information") },
    { "memory", VSH_OT_BOOL, 0, N_("report domain memory usage") },
    { "dirtyrate", VSH_OT_BOOL, 0, N_("report domain dirty rate information") },
    { "vm", VSH_OT_BOOL, 0, N_("report hypervisor-specific statistics") },
    { "list-active", VSH_OT_BOOL, 0, N_("list only active domains") },
    { "list-inactive", VSH_OT_BOOL, 0, N_("list only inactive domains") },
    { "list-persistent", VSH_OT_BOOL, 0, N_("list only persistent domains") },
    { "list-transient", VSH_OT_BOOL, 0, N_("list only transient domains") },
    { "list-running", VSH_OT_BOOL, 0, N_("list only running domains") },
    { "list-paused", VSH_OT_BOOL, 0, N_("list only paused domains") },
    { "list-shutoff", VSH_OT_BOOL, 0, N_("list only shutoff domains") },
    { "list-other", VSH_OT_BOOL, 0, N_("list only domains in other states") },
    { "raw", VSH_OT_BOOL, 0, N_("do not pretty-print the fields") },
    { "enforce", VSH_OT_BOOL, 0, N_("enforce requested stats parameters") },
    { "backing", VSH_OT_BOOL, 0, N_("add backing chain information to block stats") },
    { "nowait", VSH_OT_BOOL, 0, N_("report only stats that are accessible instantly") },
    { "domain", VSH_OT_STRING, VSH_OFLAG_POS | VSH_OFLAG_ARGV,
      N_("list of domains to get stats for") },
    { NULL },
};

static gboolean
cmd_domstats(Vsh *ctl, const VshCmd *cmd)
{
    const GPtrArray *names = vsh_cmd_words(cmd, "domain");
    unsigned int stats = 0, flags = 0;
    g_autoptr(GPtrArray) recs = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < G_N_ELEMENTS(domstats_bits); i++) {
        if (!vsh_cmd_has(cmd, domstats_bits[i].opt))
            continue;
        if (domstats_bits[i].group)
            stats |= domstats_bits[i].bit;
        else
            flags |= domstats_bits[i].bit;
    }
    if (names && names->len) {
        g_autoptr(GPtrArray) doms = g_ptr_array_new_with_free_func(
            (GDestroyNotify)vmm_domain_unref);

        for (guint i = 0; i < names->len; i++) {
            VmmDomain *dom = vsh_lookup_domain_by(ctl, names->pdata[i]);

            if (!dom)
                return FALSE;
            g_ptr_array_add(doms, dom);
        }
        recs = vmm_domain_list_get_stats((VmmDomain *const *)doms->pdata, doms->len, stats,
                                         flags, &error);
    } else {
        recs = vmm_connect_get_all_domain_stats(ctl->conn, stats, flags, &error);
    }
    if (!recs) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    for (guint i = 0; i < recs->len; i++) {
        const VmmDomainStatsRecord *rec = recs->pdata[i];

        if (i > 0)
            printf("\n");
        printf("Domain: '%s'\n", vmm_domain_get_name(rec->dom));
        for (int j = 0; j < rec->nparams; j++) {
            g_autofree char *value = param_value(&rec->params[j]);

            printf("  %s=%s\n", rec->params[j].field, value);
        }
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* vcpuinfo                                                            */

const VshOptDef vsh_vcpuinfo_opts[] = {
    DOMAIN_OPT,
    { "pretty", VSH_OT_BOOL, 0, N_("return human readable output") },
    { NULL },
};

static const char *
vcpu_state_word(int state)
{
    switch (state) {
    case VMM_VCPU_OFFLINE: return _("offline");
    case VMM_VCPU_RUNNING: return _("running");
    case VMM_VCPU_BLOCKED: return _("blocked");
    default: return _("no state");
    }
}

/* The CPUs set in @map (@ncpus of them) as ranges: "0-3,6". */
char *
vsh_cpumap_format(const unsigned char *map, int ncpus)
{
    g_autoptr(GString) s = g_string_new(NULL);

    for (int c = 0; c < ncpus; c++) {
        int end = c;

        if (!(map[c / 8] & (1 << (c % 8))))
            continue;
        while (end + 1 < ncpus && (map[(end + 1) / 8] & (1 << ((end + 1) % 8))))
            end++;
        if (s->len)
            g_string_append_c(s, ',');
        if (end > c)
            g_string_append_printf(s, "%d-%d", c, end);
        else
            g_string_append_printf(s, "%d", c);
        c = end;
    }
    return g_string_free(g_steal_pointer(&s), FALSE);
}

gboolean
vsh_cmd_vcpuinfo(Vsh *ctl, const VshCmd *cmd)
{
    gboolean pretty = vsh_cmd_has(cmd, "pretty");
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree VmmVcpuInfo *vcpus = NULL;
    g_autofree unsigned char *maps = NULL;
    VmmDomainInfo info;
    int maxcpu, maplen, n;

    if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")))
        return FALSE;
    if ((maxcpu = vmm_node_get_cpu_map(ctl->conn, NULL, NULL, 0, &error)) < 0 ||
        !vmm_domain_get_info(dom, &info, &error)) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    maplen = VMM_CPU_MAPLEN(maxcpu);
    vcpus = g_new0(VmmVcpuInfo, MAX(info.nr_virt_cpu, 1));
    maps = g_malloc0((gsize)MAX(info.nr_virt_cpu, 1) * maplen);
    if ((n = vmm_domain_get_vcpus(dom, vcpus, info.nr_virt_cpu, maps, maplen, &error)) < 0) {
        /* A stopped domain: only the pinning its definition sets. */
        if (info.state != VMM_DOMAIN_SHUTOFF) {
            vsh_report(ctl, &error);
            return FALSE;
        }
        g_clear_error(&error);
        g_clear_pointer(&vcpus, g_free);
        if ((n = vmm_domain_get_vcpu_pin_info(dom, info.nr_virt_cpu, maps, maplen,
                                              VMM_DOMAIN_AFFECT_CONFIG, &error)) < 0) {
            vsh_report(ctl, &error);
            return FALSE;
        }
    }
    for (int i = 0; i < n; i++) {
        const unsigned char *map = maps + (gsize)i * maplen;

        if (i > 0)
            printf("\n");
        if (vcpus) {
            printf("%-15s %u\n", _("VCPU:"), vcpus[i].number);
            printf("%-15s %d\n", _("CPU:"), vcpus[i].cpu);
            printf("%-15s %s\n", _("State:"), vcpu_state_word(vcpus[i].state));
            if (vcpus[i].cpu_time != 0)
                printf("%-15s %.1lfs\n", _("CPU time:"), vcpus[i].cpu_time / 1000000000.0);
        } else {
            /* virsh's words, its missing colon included. */
            printf("%-15s %d\n", _("VCPU:"), i);
            printf("%-15s %s\n", _("CPU:"), _("N/A"));
            printf("%-15s %s\n", _("State:"), _("N/A"));
            printf("%-15s %s\n", _("CPU time"), _("N/A"));
        }
        printf("%-15s ", _("CPU Affinity:"));
        if (pretty) {
            g_autofree char *ranges = vsh_cpumap_format(map, maxcpu);

            printf(_("%s (out of %d)\n"), ranges, maxcpu);
        } else {
            for (int c = 0; c < maxcpu; c++)
                putchar(map[c / 8] & (1 << (c % 8)) ? 'y' : '-');
            printf("\n");
        }
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* vncdisplay                                                          */

const VshOptDef vsh_vncdisplay_opts[] = {
    DOMAIN_OPT,
    { NULL },
};

/* virsh's way: the live XML's VNC port and listen address; a wildcard or
 * missing address prints as ":N". */
gboolean
vsh_cmd_vncdisplay(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(VmmDomain) dom = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *port_str = NULL;
    g_autofree char *addr = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    gint64 port = 0;

    if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")))
        return FALSE;
    if (vmm_domain_is_active(dom, NULL) == 0) {
        vsh_error(ctl, "%s", _("Domain is not running"));
        return FALSE;
    }
    if (!(xml = vmm_domain_get_xml_desc(dom, 0, &error))) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    if (!(doc = vmm_xml_parse(xml, "domain.xml", "domain", &ctxt, NULL))) {
        vsh_error(ctl, "%s", _("cannot parse the domain XML"));
        return FALSE;
    }
    port_str = vmm_xml_string(ctxt, "string(/domain/devices/graphics[@type='vnc']/@port)");
    if (!port_str || !g_ascii_string_to_signed(port_str, 10, G_MININT, G_MAXINT, &port, NULL) ||
        port <= 0) {
        vsh_error(ctl, "%s", _("Failed to get VNC port. Is this domain using VNC?"));
        return FALSE;
    }
    addr = vmm_xml_string(ctxt, "string(/domain/devices/graphics[@type='vnc']/@listen)");
    if (!addr)
        addr = vmm_xml_string(ctxt,
                            "string(/domain/devices/graphics[@type='vnc']/listen/@address)");
    if (!addr || g_str_equal(addr, "0.0.0.0"))
        printf(":%d\n", (int)(port - 5900));
    else
        printf("%s:%d\n", addr, (int)(port - 5900));
    return TRUE;
}

const VshCmdDef vsh_monitor_cmds[] = {
    { "domblkstat", cmd_domblkstat, domblkstat_opts, N_("get device block stats for a domain"),
      N_("Get device block stats for a running domain. See man page or use --human for "
         "explanation of fields"), 0 },
    { "domifaddr", cmd_domifaddr, domifaddr_opts,
      N_("Get network interfaces' addresses for a running domain"),
      N_("Get network interfaces' addresses for a running domain"), 0 },
    { "domifstat", cmd_domifstat, domifstat_opts, N_("get network interface stats for a domain"),
      N_("Get network interface stats for a running domain."), 0 },
    { "dommemstat", cmd_dommemstat, dommemstat_opts, N_("get memory statistics for a domain"),
      N_("Get memory statistics for a running domain."), 0 },
    { "domstats", cmd_domstats, domstats_opts,
      N_("get statistics about one or multiple domains"),
      N_("Gets statistics about one or more (or all) domains"), 0 },
    { NULL },
};
