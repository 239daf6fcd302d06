/*
 * vshell-domain.c: the domain commands (list, define, start, dominfo, ...).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vshell.h"

#include "conf/xml_util.h"

#include <string.h>

/* By id (a plain non-negative number), then UUID, then name, as virsh
 * does.  Like virsh 9, only one line is printed when nothing matches. */
VmmDomain *
vsh_lookup_domain(Vsh *ctl, const VshCmd *cmd, const char *optname)
{
    const char *n = vsh_cmd_string(cmd, optname);

    return n ? vsh_lookup_domain_by(ctl, n) : NULL;
}

VmmDomain *
vsh_lookup_domain_by(Vsh *ctl, const char *n)
{
    unsigned char uuid[VMM_UUID_BUFLEN];
    VmmDomain *dom = NULL;
    guint64 id;

    if (g_ascii_string_to_unsigned(n, 10, 0, G_MAXINT, &id, NULL))
        dom = vmm_domain_lookup_by_id(ctl->conn, (int)id, NULL);
    if (!dom && vmm_uuid_parse(n, uuid))
        dom = vmm_domain_lookup_by_uuid(ctl->conn, uuid, NULL);
    if (!dom)
        dom = vmm_domain_lookup_by_name(ctl->conn, n, NULL);
    if (!dom)
        vsh_error(ctl, _("failed to get domain '%s'"), n);
    return dom;
}

#define DOMAIN_OPT(help) { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, help }

/* ------------------------------------------------------------------ */
/* list                                                                */

static const VshOptDef list_opts[] = {
    { "inactive", VSH_OT_BOOL, 0, N_("list inactive domains") },
    { "all", VSH_OT_BOOL, 0, N_("list inactive & active domains") },
    { "transient", VSH_OT_BOOL, 0, N_("list transient domains") },
    { "persistent", VSH_OT_BOOL, 0, N_("list persistent domains") },
    { "state-running", VSH_OT_BOOL, 0, N_("list domains in running state") },
    { "state-paused", VSH_OT_BOOL, 0, N_("list domains in paused state") },
    { "state-shutoff", VSH_OT_BOOL, 0, N_("list domains in shutoff state") },
    { "state-other", VSH_OT_BOOL, 0, N_("list domains in other states") },
    { "autostart", VSH_OT_BOOL, 0, N_("list domains with autostart enabled") },
    { "no-autostart", VSH_OT_BOOL, 0, N_("list domains with autostart disabled") },
    { "uuid", VSH_OT_BOOL, 0, N_("list uuid's only") },
    { "name", VSH_OT_BOOL, 0, N_("list domain names only") },
    { "id", VSH_OT_BOOL, 0, N_("list domain IDs only") },
    { "table", VSH_OT_BOOL, 0, N_("list table (default)") },
    { "title", VSH_OT_BOOL, 0, N_("show domain title") },
    { "json", VSH_OT_BOOL, 0, N_("list as JSON") },
    { NULL },
};

static const struct {
    const char *opt;
    unsigned int flag;
} list_filters[] = {
    { "transient", VMM_CONNECT_LIST_DOMAINS_TRANSIENT },
    { "persistent", VMM_CONNECT_LIST_DOMAINS_PERSISTENT },
    { "state-running", VMM_CONNECT_LIST_DOMAINS_RUNNING },
    { "state-paused", VMM_CONNECT_LIST_DOMAINS_PAUSED },
    { "state-shutoff", VMM_CONNECT_LIST_DOMAINS_SHUTOFF },
    { "state-other", VMM_CONNECT_LIST_DOMAINS_OTHER },
    { "autostart", VMM_CONNECT_LIST_DOMAINS_AUTOSTART },
    { "no-autostart", VMM_CONNECT_LIST_DOMAINS_NO_AUTOSTART },
};

/*
 * The listed domains and their states from one bulk call (the daemon
 * answers it in one round trip), instead of a list plus one state call per
 * domain.  Filters the bulk call cannot express (autostart) take a list
 * call first, then one stats call for those domains.  Fills @doms
 * (VmmDomain*) and @states (int, parallel); FALSE with @error set.
 */
static gboolean
list_with_states(VmmConnect *conn, unsigned int flags, GPtrArray **doms, GArray **states,
                 GError **error)
{
    g_autoptr(GPtrArray) recs = NULL;
    g_autoptr(GPtrArray) list = NULL;
    const unsigned int stats_filters = VMM_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE |
        VMM_CONNECT_GET_ALL_DOMAINS_STATS_INACTIVE |
        VMM_CONNECT_GET_ALL_DOMAINS_STATS_PERSISTENT |
        VMM_CONNECT_GET_ALL_DOMAINS_STATS_TRANSIENT |
        VMM_CONNECT_GET_ALL_DOMAINS_STATS_RUNNING |
        VMM_CONNECT_GET_ALL_DOMAINS_STATS_PAUSED |
        VMM_CONNECT_GET_ALL_DOMAINS_STATS_SHUTOFF |
        VMM_CONNECT_GET_ALL_DOMAINS_STATS_OTHER;

    if (!(flags & ~stats_filters)) {
        recs = vmm_connect_get_all_domain_stats(conn, VMM_DOMAIN_STATS_STATE, flags, error);
    } else {
        if (!(list = vmm_connect_list_all_domains(conn, flags, error)))
            return FALSE;
        if (list->len == 0)
            recs = g_ptr_array_new();
        else
            recs = vmm_domain_list_get_stats((VmmDomain *const *)list->pdata, list->len,
                                             VMM_DOMAIN_STATS_STATE, 0, error);
    }
    if (!recs)
        return FALSE;

    *doms = g_ptr_array_new_full(recs->len, (GDestroyNotify)vmm_domain_unref);
    *states = g_array_sized_new(FALSE, FALSE, sizeof(int), recs->len);
    for (guint i = 0; i < recs->len; i++) {
        VmmDomainStatsRecord *rec = g_ptr_array_index(recs, i);
        int state = VMM_DOMAIN_NOSTATE;

        vmm_typed_params_get_int(rec->params, rec->nparams, "state.state", &state);
        g_ptr_array_add(*doms, vmm_domain_ref(rec->dom));
        g_array_append_val(*states, state);
    }
    return TRUE;
}

/* The first line of the title, "" when there is none. */
static char *
domain_title(VmmDomain *dom)
{
    g_autofree char *title = vmm_domain_get_metadata(dom, VMM_DOMAIN_METADATA_TITLE,
                                                     NULL, 0, NULL);
    char *nl;

    if (!title)
        return g_strdup("");
    if ((nl = strchr(title, '\n')))
        *nl = '\0';
    return g_steal_pointer(&title);
}

/*
 * list --json: an array, one object per domain, keys in this order:
 *   {"id":1,"name":"test","state":"running","uuid":"...",
 *    "persistent":true,"autostart":false}
 * "id" is null for inactive domains; "state" is the English state name.
 */
static void
list_json(Vsh *ctl, GPtrArray *doms, GArray *states)
{
    VshJson *j = vsh_json_new();

    vsh_json_begin_array(j);
    for (guint i = 0; i < doms->len; i++) {
        VmmDomain *dom = g_ptr_array_index(doms, i);
        char uuid[VMM_UUID_STRING_BUFLEN];
        gboolean autostart = FALSE;

        vmm_domain_get_autostart(dom, &autostart, NULL);
        vsh_json_begin_object(j);
        vsh_json_key(j, "id");
        if (vmm_domain_get_id(dom) >= 0)
            vsh_json_int(j, vmm_domain_get_id(dom));
        else
            vsh_json_string(j, NULL);
        vsh_json_key(j, "name");
        vsh_json_string(j, vmm_domain_get_name(dom));
        vsh_json_key(j, "state");
        vsh_json_string(j, vmm_domain_state_to_string(g_array_index(states, int, i)));
        vsh_json_key(j, "uuid");
        vsh_json_string(j, vmm_domain_get_uuid_string(dom, uuid));
        vsh_json_key(j, "persistent");
        vsh_json_bool(j, vmm_domain_is_persistent(dom, NULL) == 1);
        vsh_json_key(j, "autostart");
        vsh_json_bool(j, autostart);
        vsh_json_end_object(j);
    }
    vsh_json_end_array(j);
    vsh_json_print(ctl, j);
}

static gboolean
cmd_list(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) doms = NULL;
    g_autoptr(GArray) states = NULL;
    unsigned int flags = VMM_CONNECT_LIST_DOMAINS_ACTIVE;
    gboolean opt_name = vsh_cmd_has(cmd, "name");
    gboolean opt_uuid = vsh_cmd_has(cmd, "uuid");
    gboolean opt_id = vsh_cmd_has(cmd, "id");
    gboolean opt_title = vsh_cmd_has(cmd, "title");
    VshTable *table;

    if (vsh_cmd_has(cmd, "inactive"))
        flags = VMM_CONNECT_LIST_DOMAINS_INACTIVE;
    if (vsh_cmd_has(cmd, "all"))
        flags = VMM_CONNECT_LIST_DOMAINS_ACTIVE | VMM_CONNECT_LIST_DOMAINS_INACTIVE;
    for (size_t i = 0; i < G_N_ELEMENTS(list_filters); i++) {
        if (vsh_cmd_has(cmd, list_filters[i].opt))
            flags |= list_filters[i].flag;
    }
    if (vsh_cmd_has(cmd, "table") && (opt_name || opt_uuid || opt_id)) {
        vsh_error(ctl, "%s", _("Option --table is incompatible with --name, --uuid and --id"));
        return FALSE;
    }

    /* Only the table and --json show states. */
    if (opt_name || opt_uuid || opt_id)
        doms = vmm_connect_list_all_domains(ctl->conn, flags, &error);
    else if (!list_with_states(ctl->conn, flags, &doms, &states, &error))
        g_clear_pointer(&doms, g_ptr_array_unref);
    if (!doms) {
        vsh_error(ctl, "%s", _("Failed to list domains"));
        vsh_report(ctl, &error);
        return FALSE;
    }

    if (vsh_cmd_has(cmd, "json")) {
        list_json(ctl, doms, states);
        return TRUE;
    }

    if (opt_name || opt_uuid || opt_id) {
        for (guint i = 0; i < doms->len; i++) {
            VmmDomain *dom = g_ptr_array_index(doms, i);
            char uuid[VMM_UUID_STRING_BUFLEN];
            g_autoptr(GString) line = g_string_new(NULL);

            if (opt_id && vmm_domain_get_id(dom) < 0)
                continue;
            if (opt_id)
                g_string_append_printf(line, "%d", vmm_domain_get_id(dom));
            if (opt_uuid)
                g_string_append_printf(line, "%s%s", line->len ? " " : "",
                                       vmm_domain_get_uuid_string(dom, uuid));
            if (opt_name)
                g_string_append_printf(line, "%s%s", line->len ? " " : "",
                                       vmm_domain_get_name(dom));
            printf("%s\n", line->str);
        }
        return TRUE;
    }

    if (opt_title)
        table = vsh_table_new(_("Id"), _("Name"), _("State"), _("Title"), NULL);
    else
        table = vsh_table_new(_("Id"), _("Name"), _("State"), NULL);
    for (guint i = 0; i < doms->len; i++) {
        VmmDomain *dom = g_ptr_array_index(doms, i);
        g_autofree char *id = vmm_domain_get_id(dom) >= 0
            ? g_strdup_printf("%d", vmm_domain_get_id(dom)) : g_strdup("-");
        const char *state = vmm_domain_state_to_string(g_array_index(states, int, i));

        if (opt_title) {
            g_autofree char *title = domain_title(dom);
            vsh_table_add_row(table, id, vmm_domain_get_name(dom), state, title, NULL);
        } else {
            vsh_table_add_row(table, id, vmm_domain_get_name(dom), state, NULL);
        }
    }
    vsh_table_print(ctl, table);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* define, undefine, create                                            */

static const VshOptDef define_opts[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("file containing an XML domain description") },
    { "validate", VSH_OT_BOOL, 0, N_("validate the XML against the schema") },
    { NULL },
};

static gboolean
cmd_define(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    const char *file = vsh_cmd_string(cmd, "file");
    g_autofree char *xml = vsh_read_file(ctl, file);
    g_autoptr(VmmDomain) dom = NULL;

    if (!xml)
        return FALSE;
    dom = vmm_domain_define_xml(ctl->conn, xml,
                                vsh_cmd_has(cmd, "validate") ? VMM_DOMAIN_DEFINE_VALIDATE : 0,
                                &error);
    if (!dom) {
        vsh_error(ctl, _("Failed to define domain from %s"), file);
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Domain '%s' defined from %s\n"), vmm_domain_get_name(dom), file);
    return TRUE;
}

static const VshOptDef domain_only_opts[] = {
    DOMAIN_OPT(N_("domain name, id or uuid")),
    { NULL },
};

static gboolean
cmd_undefine(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmDomain) dom = vsh_lookup_domain(ctl, cmd, "domain");

    if (!dom)
        return FALSE;
    if (!vmm_domain_undefine(dom, 0, &error)) {
        vsh_error(ctl, _("Failed to undefine domain '%s'"), vmm_domain_get_name(dom));
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Domain '%s' has been undefined\n"), vmm_domain_get_name(dom));
    return TRUE;
}

static const VshOptDef create_opts[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("file containing an XML domain description") },
    { "paused", VSH_OT_BOOL, 0, N_("leave the guest paused after creation") },
    { "validate", VSH_OT_BOOL, 0, N_("validate the XML against the schema") },
    { NULL },
};

static gboolean
cmd_create(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    const char *file = vsh_cmd_string(cmd, "file");
    g_autofree char *xml = vsh_read_file(ctl, file);
    g_autoptr(VmmDomain) dom = NULL;
    unsigned int flags = 0;

    if (!xml)
        return FALSE;
    if (vsh_cmd_has(cmd, "paused"))
        flags |= VMM_DOMAIN_START_PAUSED;
    if (vsh_cmd_has(cmd, "validate"))
        flags |= VMM_DOMAIN_START_VALIDATE;
    if (!(dom = vmm_domain_create_xml(ctl->conn, xml, flags, &error))) {
        vsh_error(ctl, _("Failed to create domain from %s"), file);
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Domain '%s' created from %s\n"), vmm_domain_get_name(dom), file);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Life cycle                                                          */

static const VshOptDef start_opts[] = {
    DOMAIN_OPT(N_("name of the inactive domain")),
    { "paused", VSH_OT_BOOL, 0, N_("leave the guest paused after creation") },
    { "autodestroy", VSH_OT_BOOL, 0, N_("automatically destroy the guest when vshell disconnects") },
    { "force-boot", VSH_OT_BOOL, 0, N_("force fresh boot by discarding any managed save") },
    { NULL },
};

static gboolean
cmd_start(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmDomain) dom = vsh_lookup_domain(ctl, cmd, "domain");
    unsigned int flags = 0;
    int active;

    if (!dom)
        return FALSE;
    active = vmm_domain_is_active(dom, &error);
    if (active < 0) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    if (active == 1) {
        vsh_error(ctl, "%s", _("Domain is already active"));
        return FALSE;
    }
    if (vsh_cmd_has(cmd, "paused"))
        flags |= VMM_DOMAIN_START_PAUSED;
    if (vsh_cmd_has(cmd, "autodestroy"))
        flags |= VMM_DOMAIN_START_AUTODESTROY;
    if (vsh_cmd_has(cmd, "force-boot"))
        flags |= VMM_DOMAIN_START_FORCE_BOOT;
    if (!vmm_domain_create(dom, flags, &error)) {
        vsh_error(ctl, _("Failed to start domain '%s'"), vmm_domain_get_name(dom));
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Domain '%s' started\n"), vmm_domain_get_name(dom));
    return TRUE;
}

/* The simple life-cycle commands differ only in the call and two messages. */
typedef enum {
    LC_SHUTDOWN,
    LC_DESTROY,
    LC_REBOOT,
    LC_RESET,
    LC_SUSPEND,
    LC_RESUME,
} LifeCycleOp;

static const VshOptDef shutdown_opts[] = {
    DOMAIN_OPT(N_("domain name, id or uuid")),
    { "mode", VSH_OT_STRING, 0, N_("shutdown mode: acpi|agent|initctl|signal|paravirt") },
    { NULL },
};

/* --mode of shutdown and reboot: a comma-separated list of modes. */
static gboolean
shutdown_modes(Vsh *ctl, const VshCmd *cmd, unsigned int *flags)
{
    static const char *const names[] = { "acpi", "agent", "initctl", "signal", "paravirt",
                                         NULL };
    const char *mode = vsh_cmd_string(cmd, "mode");
    g_auto(GStrv) words = mode ? g_strsplit(mode, ",", -1) : NULL;

    *flags = 0;
    for (guint i = 0; words && words[i]; i++) {
        int m = vmm_enum_from_string(names, words[i]);

        if (m < 0) {
            vsh_error(ctl, _("Unknown mode %s value, expecting 'acpi', 'agent', 'initctl', "
                             "'signal' or 'paravirt'"), words[i]);
            return FALSE;
        }
        *flags |= 1u << m;
    }
    return TRUE;
}

static gboolean
life_cycle(Vsh *ctl, const VshCmd *cmd, LifeCycleOp op)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmDomain) dom = vsh_lookup_domain(ctl, cmd, "domain");
    const char *name;
    gboolean ok = FALSE;
    const char *done = NULL, *failed = NULL;
    unsigned int modes = 0;

    if ((op == LC_SHUTDOWN || op == LC_REBOOT) && !shutdown_modes(ctl, cmd, &modes))
        return FALSE;
    if (!dom)
        return FALSE;
    name = vmm_domain_get_name(dom);
    switch (op) {
    case LC_SHUTDOWN:
        ok = vmm_domain_shutdown(dom, modes, &error);
        done = _("Domain '%s' is being shutdown\n");
        failed = _("Failed to shutdown domain '%s'");
        break;
    case LC_DESTROY:
        ok = vmm_domain_destroy(dom, vsh_cmd_has(cmd, "graceful")
                                ? VMM_DOMAIN_DESTROY_GRACEFUL : 0, &error);
        done = _("Domain '%s' destroyed\n");
        failed = _("Failed to destroy domain '%s'");
        break;
    case LC_REBOOT:
        ok = vmm_domain_reboot(dom, modes, &error);
        done = _("Domain '%s' is being rebooted\n");
        failed = _("Failed to reboot domain '%s'");
        break;
    case LC_RESET:
        ok = vmm_domain_reset(dom, 0, &error);
        done = _("Domain '%s' was reset\n");
        failed = _("Failed to reset domain '%s'");
        break;
    case LC_SUSPEND:
        ok = vmm_domain_suspend(dom, &error);
        done = _("Domain '%s' suspended\n");
        failed = _("Failed to suspend domain '%s'");
        break;
    case LC_RESUME:
        ok = vmm_domain_resume(dom, &error);
        done = _("Domain '%s' resumed\n");
        failed = _("Failed to resume domain '%s'");
        break;
    }
    return vsh_outcome(ctl, ok, &error, name, done, failed);
}

static gboolean cmd_shutdown(Vsh *ctl, const VshCmd *cmd) { return life_cycle(ctl, cmd, LC_SHUTDOWN); }
static gboolean cmd_destroy(Vsh *ctl, const VshCmd *cmd) { return life_cycle(ctl, cmd, LC_DESTROY); }
static gboolean cmd_reboot(Vsh *ctl, const VshCmd *cmd) { return life_cycle(ctl, cmd, LC_REBOOT); }
static gboolean cmd_reset(Vsh *ctl, const VshCmd *cmd) { return life_cycle(ctl, cmd, LC_RESET); }
static gboolean cmd_suspend(Vsh *ctl, const VshCmd *cmd) { return life_cycle(ctl, cmd, LC_SUSPEND); }
static gboolean cmd_resume(Vsh *ctl, const VshCmd *cmd) { return life_cycle(ctl, cmd, LC_RESUME); }

static const VshOptDef destroy_opts[] = {
    DOMAIN_OPT(N_("domain name, id or uuid")),
    { "graceful", VSH_OT_BOOL, 0, N_("terminate gracefully") },
    { NULL },
};

/* ------------------------------------------------------------------ */
/* Queries                                                             */

static const VshOptDef dominfo_opts[] = {
    DOMAIN_OPT(N_("domain name, id or uuid")),
    { "json", VSH_OT_BOOL, 0, N_("print the information as JSON") },
    { NULL },
};

/*
 * dominfo --json: one object, keys in this order:
 *   {"id":1,"name":"test","uuid":"...","os_type":"linux","state":"running",
 *    "cpus":2,"cpu_time_ns":123,"max_memory_kib":8388608,
 *    "used_memory_kib":2097152,"persistent":true,"autostart":false}
 * "id" is null when inactive, "os_type" null when unknown.
 */
static void
dominfo_json(Vsh *ctl, VmmDomain *dom, const VmmDomainInfo *info, const char *ostype,
             int persistent, gboolean autostart)
{
    VshJson *j = vsh_json_new();
    char uuid[VMM_UUID_STRING_BUFLEN];

    vsh_json_begin_object(j);
    vsh_json_key(j, "id");
    if (vmm_domain_get_id(dom) >= 0)
        vsh_json_int(j, vmm_domain_get_id(dom));
    else
        vsh_json_string(j, NULL);
    vsh_json_key(j, "name");
    vsh_json_string(j, vmm_domain_get_name(dom));
    vsh_json_key(j, "uuid");
    vsh_json_string(j, vmm_domain_get_uuid_string(dom, uuid));
    vsh_json_key(j, "os_type");
    vsh_json_string(j, ostype);
    vsh_json_key(j, "state");
    vsh_json_string(j, vmm_domain_state_to_string(info->state));
    vsh_json_key(j, "cpus");
    vsh_json_uint(j, info->nr_virt_cpu);
    vsh_json_key(j, "cpu_time_ns");
    vsh_json_uint(j, info->cpu_time);
    vsh_json_key(j, "max_memory_kib");
    vsh_json_uint(j, info->max_mem);
    vsh_json_key(j, "used_memory_kib");
    vsh_json_uint(j, info->memory);
    vsh_json_key(j, "persistent");
    vsh_json_bool(j, persistent == 1);
    vsh_json_key(j, "autostart");
    vsh_json_bool(j, autostart);
    vsh_json_end_object(j);
    vsh_json_print(ctl, j);
}

static gboolean
cmd_dominfo(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmDomain) dom = vsh_lookup_domain(ctl, cmd, "domain");
    g_autofree char *ostype = NULL;
    char uuid[VMM_UUID_STRING_BUFLEN];
    VmmDomainInfo info;
    gboolean autostart = FALSE;
    gboolean have_autostart;
    int persistent;

    if (!dom)
        return FALSE;
    if (!vmm_domain_get_info(dom, &info, &error)) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    ostype = vmm_domain_get_os_type(dom, NULL);
    persistent = vmm_domain_is_persistent(dom, NULL);
    have_autostart = vmm_domain_get_autostart(dom, &autostart, NULL);

    if (vsh_cmd_has(cmd, "json")) {
        dominfo_json(ctl, dom, &info, ostype, persistent, autostart);
        return TRUE;
    }

    if (vmm_domain_get_id(dom) >= 0)
        printf("%-15s %d\n", _("Id:"), vmm_domain_get_id(dom));
    else
        printf("%-15s %s\n", _("Id:"), "-");
    printf("%-15s %s\n", _("Name:"), vmm_domain_get_name(dom));
    printf("%-15s %s\n", _("UUID:"), vmm_domain_get_uuid_string(dom, uuid));
    if (ostype)
        printf("%-15s %s\n", _("OS Type:"), ostype);
    printf("%-15s %s\n", _("State:"), vmm_domain_state_to_string(info.state));
    printf("%-15s %u\n", _("CPU(s):"), info.nr_virt_cpu);
    if (info.cpu_time != 0)
        printf("%-15s %.1lfs\n", _("CPU time:"), info.cpu_time / 1000000000.0);
    if (info.max_mem != G_MAXUINT64)
        printf("%-15s %" G_GUINT64_FORMAT " KiB\n", _("Max memory:"), info.max_mem);
    else
        printf("%-15s %s\n", _("Max memory:"), _("no limit"));
    printf("%-15s %" G_GUINT64_FORMAT " KiB\n", _("Used memory:"), info.memory);
    printf("%-15s %s\n", _("Persistent:"),
           persistent < 0 ? _("unknown") : persistent ? _("yes") : _("no"));
    if (have_autostart)
        printf("%-15s %s\n", _("Autostart:"), autostart ? _("enable") : _("disable"));
    return TRUE;
}

static const VshOptDef domstate_opts[] = {
    DOMAIN_OPT(N_("domain name, id or uuid")),
    { "reason", VSH_OT_BOOL, 0, N_("also print reason for the state") },
    { NULL },
};

static gboolean
cmd_domstate(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmDomain) dom = vsh_lookup_domain(ctl, cmd, "domain");
    int state, reason;

    if (!dom)
        return FALSE;
    if (!vmm_domain_get_state(dom, &state, &reason, 0, &error)) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    if (vsh_cmd_has(cmd, "reason"))
        printf("%s (%s)\n", vmm_domain_state_to_string(state),
               vmm_domain_reason_to_string(state, reason));
    else
        printf("%s\n", vmm_domain_state_to_string(state));
    return TRUE;
}

static gboolean
cmd_domid(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(VmmDomain) dom = vsh_lookup_domain(ctl, cmd, "domain");

    if (!dom)
        return FALSE;
    if (vmm_domain_get_id(dom) < 0)
        printf("-\n");
    else
        printf("%d\n", vmm_domain_get_id(dom));
    return TRUE;
}

static gboolean
cmd_domname(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(VmmDomain) dom = vsh_lookup_domain(ctl, cmd, "domain");

    if (!dom)
        return FALSE;
    printf("%s\n", vmm_domain_get_name(dom));
    return TRUE;
}

static gboolean
cmd_domuuid(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(VmmDomain) dom = vsh_lookup_domain(ctl, cmd, "domain");
    char uuid[VMM_UUID_STRING_BUFLEN];

    if (!dom)
        return FALSE;
    printf("%s\n", vmm_domain_get_uuid_string(dom, uuid));
    return TRUE;
}

static const VshOptDef dumpxml_opts[] = {
    DOMAIN_OPT(N_("domain name, id or uuid")),
    { "inactive", VSH_OT_BOOL, 0, N_("show inactive defined XML") },
    { "security-info", VSH_OT_BOOL, 0, N_("include security sensitive information in XML dump") },
    { "migratable", VSH_OT_BOOL, 0, N_("provide XML suitable for migrations") },
    { NULL },
};

static gboolean
cmd_dumpxml(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmDomain) dom = vsh_lookup_domain(ctl, cmd, "domain");
    g_autofree char *xml = NULL;
    unsigned int flags = 0;

    if (!dom)
        return FALSE;
    if (vsh_cmd_has(cmd, "inactive"))
        flags |= VMM_DOMAIN_XML_INACTIVE;
    if (vsh_cmd_has(cmd, "security-info"))
        flags |= VMM_DOMAIN_XML_SECURE;
    if (vsh_cmd_has(cmd, "migratable"))
        flags |= VMM_DOMAIN_XML_MIGRATABLE;
    if (!(xml = vmm_domain_get_xml_desc(dom, flags, &error))) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_xml(xml);
    return TRUE;
}

static const VshOptDef autostart_opts[] = {
    DOMAIN_OPT(N_("domain name, id or uuid")),
    { "disable", VSH_OT_BOOL, 0, N_("disable autostarting") },
    { NULL },
};

static gboolean
cmd_autostart(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmDomain) dom = vsh_lookup_domain(ctl, cmd, "domain");
    gboolean enable = !vsh_cmd_has(cmd, "disable");
    const char *name;

    if (!dom)
        return FALSE;
    name = vmm_domain_get_name(dom);
    return vsh_outcome(ctl, vmm_domain_set_autostart(dom, enable, &error), &error, name,
                       enable ? _("Domain '%s' marked as autostarted\n")
                              : _("Domain '%s' unmarked as autostarted\n"),
                       enable ? _("Failed to mark domain '%s' as autostarted")
                              : _("Failed to unmark domain '%s' as autostarted"));
}

/* ------------------------------------------------------------------ */
/* desc                                                                */

static const VshOptDef desc_opts[] = {
    DOMAIN_OPT(N_("domain name, id or uuid")),
    { "live", VSH_OT_BOOL, 0, N_("modify/get running state") },
    { "config", VSH_OT_BOOL, 0, N_("modify/get persistent configuration") },
    { "current", VSH_OT_BOOL, 0, N_("modify/get current state configuration") },
    { "title", VSH_OT_BOOL, 0, N_("modify/get the title instead of description") },
    { "edit", VSH_OT_BOOL, 0, N_("open an editor to modify the description") },
    { "new-desc", VSH_OT_STRING, VSH_OFLAG_POS | VSH_OFLAG_ARGV, N_("message") },
    { NULL },
};

typedef struct {
    VmmDomain *dom;
    int type;
    unsigned int flags;
} DescEdit;

/* Sets the edited text, less the newline editors add at the end. */
static gboolean
desc_edit_define(Vsh *ctl, const char *text, gboolean validate, gpointer data, GError **error)
{
    DescEdit *edit = data;
    g_autofree char *value = g_strdup(text);
    gsize len = strlen(value);

    while (len > 0 && value[len - 1] == '\n')
        value[--len] = '\0';
    return vmm_domain_set_metadata(edit->dom, edit->type, value, NULL, NULL, edit->flags, error);
}

static gboolean
cmd_desc(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmDomain) dom = NULL;
    gboolean title = vsh_cmd_has(cmd, "title");
    int type = title ? VMM_DOMAIN_METADATA_TITLE : VMM_DOMAIN_METADATA_DESCRIPTION;
    const char *text = vsh_cmd_string(cmd, "new-desc");
    unsigned int flags = VMM_DOMAIN_AFFECT_CURRENT;
    g_autofree char *value = NULL;

    if (vsh_cmd_has(cmd, "current") &&
        (vsh_cmd_has(cmd, "live") || vsh_cmd_has(cmd, "config"))) {
        vsh_error(ctl, "%s", _("Options --current and --live/--config are mutually exclusive"));
        return FALSE;
    }
    if (vsh_cmd_has(cmd, "live"))
        flags |= VMM_DOMAIN_AFFECT_LIVE;
    if (vsh_cmd_has(cmd, "config"))
        flags |= VMM_DOMAIN_AFFECT_CONFIG;
    if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")))
        return FALSE;

    if (vsh_cmd_has(cmd, "edit")) {
        DescEdit edit = { dom, type, flags };

        value = vmm_domain_get_metadata(dom, type, NULL, flags, &error);
        if (!value && vmm_error_code(error) != VMM_ERR_NO_DOMAIN_METADATA) {
            vsh_report(ctl, &error);
            return FALSE;
        }
        g_clear_error(&error);
        if (!value)
            value = g_strdup("");
        switch (vsh_edit_run(ctl, value, desc_edit_define, &edit, FALSE)) {
        case VSH_EDIT_UNCHANGED:
            vsh_print_extra(ctl, "%s\n", title ? _("Domain title not changed")
                                               : _("Domain description not changed"));
            return TRUE;
        case VSH_EDIT_DEFINED:
            vsh_print_extra(ctl, "%s\n", title ? _("Domain title updated successfully")
                                               : _("Domain description updated successfully"));
            return TRUE;
        case VSH_EDIT_FAILED:
        default:
            return FALSE;
        }
    }

    if (text) {
        if (!vmm_domain_set_metadata(dom, type, text, NULL, NULL, flags, &error)) {
            vsh_error(ctl, "%s", title ? _("Failed to set new domain title")
                                       : _("Failed to set new domain description"));
            vsh_report(ctl, &error);
            return FALSE;
        }
        vsh_print_extra(ctl, "%s\n", title ? _("Domain title updated successfully")
                                           : _("Domain description updated successfully"));
        return TRUE;
    }

    value = vmm_domain_get_metadata(dom, type, NULL, flags, &error);
    if (!value) {
        if (vmm_error_code(error) != VMM_ERR_NO_DOMAIN_METADATA) {
            vsh_report(ctl, &error);
            return FALSE;
        }
        if (title)
            vsh_print_extra(ctl, _("No title for domain: %s\n"), vmm_domain_get_name(dom));
        else
            vsh_print_extra(ctl, _("No description for domain: %s\n"), vmm_domain_get_name(dom));
        return TRUE;
    }
    printf("%s\n", value);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* edit                                                                */

static const VshOptDef edit_opts[] = {
    DOMAIN_OPT(N_("domain name, id or uuid")),
    { "skip-validate", VSH_OT_BOOL, 0, N_("skip validation of the XML against the schema") },
    { NULL },
};

static gboolean
edit_define(Vsh *ctl, const char *xml, gboolean validate, gpointer data, GError **error)
{
    char **name = data;
    g_autoptr(VmmDomain) dom =
        vmm_domain_define_xml(ctl->conn, xml, validate ? VMM_DOMAIN_DEFINE_VALIDATE : 0, error);

    if (!dom)
        return FALSE;
    g_free(*name);
    *name = g_strdup(vmm_domain_get_name(dom));
    return TRUE;
}

static gboolean
cmd_edit(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmDomain) dom = vsh_lookup_domain(ctl, cmd, "domain");
    g_autofree char *xml = NULL;

    if (!dom)
        return FALSE;
    xml = vmm_domain_get_xml_desc(dom, VMM_DOMAIN_XML_INACTIVE | VMM_DOMAIN_XML_SECURE, &error);
    if (!xml) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    return vsh_edit_object(ctl, xml, vmm_domain_get_name(dom), edit_define,
                           !vsh_cmd_has(cmd, "skip-validate"),
                           _("Domain '%s' XML configuration not changed.\n"),
                           _("Domain '%s' XML configuration edited.\n"));
}

/* ------------------------------------------------------------------ */

const VshCmdDef vsh_domain_cmds[] = {
    { "attach-device", vsh_cmd_attach_device, vsh_device_opts,
      N_("attach device from an XML file"), N_("Attach device from an XML <file>."), 0 },
    { "attach-disk", vsh_cmd_attach_disk, vsh_attach_disk_opts, N_("attach disk device"),
      N_("Attach new disk device."), 0 },
    { "attach-interface", vsh_cmd_attach_interface, vsh_attach_interface_opts,
      N_("attach network interface"), N_("Attach new network interface."), 0 },
    { "autostart", cmd_autostart, autostart_opts, N_("autostart a domain"),
      N_("Configure a domain to be automatically started at boot."), 0 },
    { "console", vsh_cmd_console, vsh_console_opts, N_("connect to the guest console"),
      N_("Connect the virtual serial console for the guest."), VSH_CMD_NOTRAILER },
    { "create", cmd_create, create_opts, N_("create a domain from an XML file"),
      N_("Create a domain."), 0 },
    { "define", cmd_define, define_opts,
      N_("define (but don't start) a domain from an XML file"),
      N_("Define a domain."), 0 },
    { "desc", cmd_desc, desc_opts, N_("show or set domain's description or title"),
      N_("Allows setting or modifying the description or title of a domain."),
      VSH_CMD_NOTRAILER },
    { "destroy", cmd_destroy, destroy_opts, N_("destroy (stop) a domain"),
      N_("Forcefully stop a given domain, but leave its resources intact."), 0 },
    { "detach-device", vsh_cmd_detach_device, vsh_device_opts,
      N_("detach device from an XML file"), N_("Detach device from an XML <file>"), 0 },
    { "detach-disk", vsh_cmd_detach_disk, vsh_detach_disk_opts, N_("detach disk device"),
      N_("Detach disk device."), 0 },
    { "detach-interface", vsh_cmd_detach_interface, vsh_detach_interface_opts,
      N_("detach network interface"), N_("Detach network interface."), 0 },
    { "domid", cmd_domid, domain_only_opts,
      N_("convert a domain name or UUID to domain id"), NULL, 0 },
    { "dominfo", cmd_dominfo, dominfo_opts, N_("domain information"),
      N_("Returns basic information about the domain."), 0 },
    { "domname", cmd_domname, domain_only_opts,
      N_("convert a domain id or UUID to domain name"), NULL, 0 },
    { "domstate", cmd_domstate, domstate_opts, N_("domain state"),
      N_("Returns state about a domain."), 0 },
    { "domuuid", cmd_domuuid, domain_only_opts,
      N_("convert a domain name or id to domain UUID"), NULL, 0 },
    { "dumpxml", cmd_dumpxml, dumpxml_opts, N_("domain information in XML"),
      N_("Output the domain information as an XML dump to stdout."), 0 },
    { "edit", cmd_edit, edit_opts, N_("edit XML configuration for a domain"),
      N_("Edit the XML configuration for a domain."), 0 },
    { "list", cmd_list, list_opts, N_("list domains"),
      N_("Returns list of domains."), 0 },
    { "reboot", cmd_reboot, shutdown_opts, N_("reboot a domain"),
      N_("Run a reboot command in the target domain."), 0 },
    { "reset", cmd_reset, domain_only_opts, N_("reset a domain"),
      N_("Reset the target domain as if by power button"), 0 },
    { "resume", cmd_resume, domain_only_opts, N_("resume a domain"),
      N_("Resume a previously suspended domain."), 0 },
    { "shutdown", cmd_shutdown, shutdown_opts, N_("gracefully shutdown a domain"),
      N_("Run shutdown in the target domain."), 0 },
    { "start", cmd_start, start_opts, N_("start a (previously defined) inactive domain"),
      N_("Start a domain, either from the last managedsave\nstate, or via a fresh boot if no managedsave state\nis present."), 0 },
    { "suspend", cmd_suspend, domain_only_opts, N_("suspend a domain"),
      N_("Suspend a running domain."), 0 },
    { "undefine", cmd_undefine, domain_only_opts, N_("undefine a domain"),
      N_("Undefine an inactive domain, or convert persistent to transient."), 0 },
    { "update-device", vsh_cmd_update_device, vsh_update_device_opts,
      N_("update device from an XML file"), N_("Update device from an XML <file>."), 0 },
    { "vcpuinfo", vsh_cmd_vcpuinfo, vsh_vcpuinfo_opts, N_("detailed domain vcpu information"),
      N_("Returns basic information about the domain virtual CPUs."), 0 },
    { "vncdisplay", vsh_cmd_vncdisplay, vsh_vncdisplay_opts, N_("vnc display"),
      N_("Output the IP address and port number for the VNC display."), 0 },
    { NULL },
};
