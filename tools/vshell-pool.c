/*
 * vshell-pool.c: the pool-* and vol-* commands.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vshell.h"

#include <errno.h>
#include <string.h>
#include "util/vmm_units.h"

/* By UUID, then name; on failure our line, then the driver's error. */
VmmStoragePool *
vsh_lookup_pool_by_string(Vsh *ctl, const char *n)
{
    g_autoptr(GError) error = NULL;
    unsigned char uuid[VMM_UUID_BUFLEN];
    VmmStoragePool *pool = NULL;

    if (vmm_uuid_parse(n, uuid))
        pool = vmm_storage_pool_lookup_by_uuid(ctl->conn, uuid, NULL);
    if (!pool)
        pool = vmm_storage_pool_lookup_by_name(ctl->conn, n, &error);
    if (!pool) {
        vsh_error(ctl, _("failed to get pool '%s'"), n);
        vsh_report(ctl, &error);
    }
    return pool;
}

VmmStoragePool *
vsh_lookup_pool(Vsh *ctl, const VshCmd *cmd, const char *optname)
{
    const char *n = vsh_cmd_string(cmd, optname);

    return n ? vsh_lookup_pool_by_string(ctl, n) : NULL;
}

#define POOL_OPT { "pool", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("pool name or uuid") }

static const VshOptDef pool_only_opts[] = {
    POOL_OPT,
    { NULL },
};

static const char *
pool_state_string(int state)
{
    switch (state) {
    case VMM_STORAGE_POOL_INACTIVE: return _("inactive");
    case VMM_STORAGE_POOL_BUILDING: return _("building");
    case VMM_STORAGE_POOL_RUNNING: return _("running");
    case VMM_STORAGE_POOL_DEGRADED: return _("degraded");
    case VMM_STORAGE_POOL_INACCESSIBLE: return _("inaccessible");
    default: return _("unknown");
    }
}

static gboolean
pool_state_has_sizes(int state)
{
    return state == VMM_STORAGE_POOL_RUNNING || state == VMM_STORAGE_POOL_DEGRADED;
}

/* ------------------------------------------------------------------ */
/* pool-list                                                           */

static const VshOptDef pool_list_opts[] = {
    { "inactive", VSH_OT_BOOL, 0, N_("list inactive pools") },
    { "all", VSH_OT_BOOL, 0, N_("list inactive & active pools") },
    { "transient", VSH_OT_BOOL, 0, N_("list transient pools") },
    { "persistent", VSH_OT_BOOL, 0, N_("list persistent pools") },
    { "autostart", VSH_OT_BOOL, 0, N_("list pools with autostart enabled") },
    { "no-autostart", VSH_OT_BOOL, 0, N_("list pools with autostart disabled") },
    { "details", VSH_OT_BOOL, 0, N_("display extended details for pools") },
    { "uuid", VSH_OT_BOOL, 0, N_("list UUID of active pools only") },
    { "name", VSH_OT_BOOL, 0, N_("list name of active pools only") },
    { "json", VSH_OT_BOOL, 0, N_("list as JSON") },
    { NULL },
};

static void
json_size(VshJson *j, const char *key, gboolean have, guint64 value)
{
    vsh_json_key(j, key);
    if (have)
        vsh_json_uint(j, value);
    else
        vsh_json_string(j, NULL);
}

/*
 * pool-list --json: an array, one object per pool, keys in this order:
 *   {"name":"default-pool","uuid":"...","state":"running","persistent":true,
 *    "autostart":false,"capacity":107374182400,"allocation":0,
 *    "available":107374182400}
 * Sizes are in bytes, null when the pool is not running.
 */
static void
pool_list_json(Vsh *ctl, GPtrArray *pools)
{
    VshJson *j = vsh_json_new();

    vsh_json_begin_array(j);
    for (guint i = 0; i < pools->len; i++) {
        VmmStoragePool *pool = g_ptr_array_index(pools, i);
        char uuid[VMM_UUID_STRING_BUFLEN];
        VmmStoragePoolInfo info = { 0 };
        gboolean have_info = vmm_storage_pool_get_info(pool, &info, NULL);
        gboolean sizes = have_info && pool_state_has_sizes(info.state);
        gboolean autostart = FALSE;

        vmm_storage_pool_get_autostart(pool, &autostart, NULL);
        vsh_json_begin_object(j);
        vsh_json_key(j, "name");
        vsh_json_string(j, vmm_storage_pool_get_name(pool));
        vsh_json_key(j, "uuid");
        vsh_json_string(j, vmm_storage_pool_get_uuid_string(pool, uuid));
        vsh_json_key(j, "state");
        vsh_json_string(j, have_info ? pool_state_string(info.state) : NULL);
        vsh_json_key(j, "persistent");
        vsh_json_bool(j, vmm_storage_pool_is_persistent(pool, NULL) == 1);
        vsh_json_key(j, "autostart");
        vsh_json_bool(j, autostart);
        json_size(j, "capacity", sizes, info.capacity);
        json_size(j, "allocation", sizes, info.allocation);
        json_size(j, "available", sizes, info.available);
        vsh_json_end_object(j);
    }
    vsh_json_end_array(j);
    vsh_json_print(ctl, j);
}

static gboolean
cmd_pool_list(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) pools = NULL;
    unsigned int flags = VMM_CONNECT_LIST_STORAGE_POOLS_ACTIVE;
    gboolean details = vsh_cmd_has(cmd, "details");
    gboolean opt_name = vsh_cmd_has(cmd, "name");
    gboolean opt_uuid = vsh_cmd_has(cmd, "uuid");
    VshTable *table;

    if (vsh_cmd_has(cmd, "inactive"))
        flags = VMM_CONNECT_LIST_STORAGE_POOLS_INACTIVE;
    if (vsh_cmd_has(cmd, "all"))
        flags = VMM_CONNECT_LIST_STORAGE_POOLS_ACTIVE | VMM_CONNECT_LIST_STORAGE_POOLS_INACTIVE;
    if (vsh_cmd_has(cmd, "persistent"))
        flags |= VMM_CONNECT_LIST_STORAGE_POOLS_PERSISTENT;
    if (vsh_cmd_has(cmd, "transient"))
        flags |= VMM_CONNECT_LIST_STORAGE_POOLS_TRANSIENT;
    if (vsh_cmd_has(cmd, "autostart"))
        flags |= VMM_CONNECT_LIST_STORAGE_POOLS_AUTOSTART;
    if (vsh_cmd_has(cmd, "no-autostart"))
        flags |= VMM_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART;

    if (!(pools = vmm_connect_list_all_storage_pools(ctl->conn, flags, &error))) {
        vsh_error(ctl, "%s", _("Failed to list pools"));
        vsh_report(ctl, &error);
        return FALSE;
    }
    if (vsh_cmd_has(cmd, "json")) {
        pool_list_json(ctl, pools);
        return TRUE;
    }
    if (opt_name || opt_uuid) {
        for (guint i = 0; i < pools->len; i++) {
            VmmStoragePool *pool = g_ptr_array_index(pools, i);
            char uuid[VMM_UUID_STRING_BUFLEN];

            if (opt_uuid && opt_name)
                printf("%s %s\n", vmm_storage_pool_get_uuid_string(pool, uuid),
                       vmm_storage_pool_get_name(pool));
            else if (opt_uuid)
                printf("%s\n", vmm_storage_pool_get_uuid_string(pool, uuid));
            else
                printf("%s\n", vmm_storage_pool_get_name(pool));
        }
        return TRUE;
    }

    if (details)
        table = vsh_table_new(_("Name"), _("State"), _("Autostart"), _("Persistent"),
                              _("Capacity"), _("Allocation"), _("Available"), NULL);
    else
        table = vsh_table_new(_("Name"), _("State"), _("Autostart"), NULL);

    for (guint i = 0; i < pools->len; i++) {
        VmmStoragePool *pool = g_ptr_array_index(pools, i);
        VmmStoragePoolInfo info = { 0 };
        gboolean have_info = vmm_storage_pool_get_info(pool, &info, NULL);
        gboolean autostart = FALSE;
        const char *as = vmm_storage_pool_get_autostart(pool, &autostart, NULL)
            ? (autostart ? _("yes") : _("no")) : _("no autostart");

        if (!details) {
            int active = vmm_storage_pool_is_active(pool, NULL);
            vsh_table_add_row(table, vmm_storage_pool_get_name(pool),
                              active == 1 ? _("active") : _("inactive"), as, NULL);
        } else if (have_info && pool_state_has_sizes(info.state)) {
            g_autofree char *cap = vsh_pretty_capacity(info.capacity);
            g_autofree char *alloc = vsh_pretty_capacity(info.allocation);
            g_autofree char *avail = vsh_pretty_capacity(info.available);

            vsh_table_add_row(table, vmm_storage_pool_get_name(pool),
                              pool_state_string(info.state), as,
                              vsh_yes_no(vmm_storage_pool_is_persistent(pool, NULL)),
                              cap, alloc, avail, NULL);
        } else {
            vsh_table_add_row(table, vmm_storage_pool_get_name(pool),
                              have_info ? pool_state_string(info.state) : _("unknown"), as,
                              vsh_yes_no(vmm_storage_pool_is_persistent(pool, NULL)),
                              "-", "-", "-", NULL);
        }
    }
    vsh_table_print(ctl, table);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* pool-define, pool-create                                            */

static const VshOptDef pool_define_opts[] = {
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("file containing an XML pool description") },
    { "validate", VSH_OT_BOOL, 0, N_("validate the XML against the schema") },
    { NULL },
};

static gboolean
pool_define_or_create(Vsh *ctl, const VshCmd *cmd, gboolean create)
{
    g_autoptr(GError) error = NULL;
    const char *file = vsh_cmd_string(cmd, "file");
    g_autofree char *xml = vsh_read_file(ctl, file);
    unsigned int flags = vsh_cmd_has(cmd, "validate") ? VMM_STORAGE_POOL_DEFINE_VALIDATE : 0;
    g_autoptr(VmmStoragePool) pool = NULL;

    if (!xml)
        return FALSE;
    if (create)
        pool = vmm_storage_pool_create_xml(ctl->conn, xml, 0, &error);
    else
        pool = vmm_storage_pool_define_xml(ctl->conn, xml, flags, &error);
    if (!pool) {
        vsh_error(ctl, create ? _("Failed to create pool from %s")
                              : _("Failed to define pool from %s"), file);
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_extra(ctl, create ? _("Pool %s created from %s\n") : _("Pool %s defined from %s\n"),
                    vmm_storage_pool_get_name(pool), file);
    return TRUE;
}

static gboolean cmd_pool_define(Vsh *ctl, const VshCmd *cmd) { return pool_define_or_create(ctl, cmd, FALSE); }
static gboolean cmd_pool_create(Vsh *ctl, const VshCmd *cmd) { return pool_define_or_create(ctl, cmd, TRUE); }

/* ------------------------------------------------------------------ */
/* Pool life cycle                                                     */

typedef enum {
    POOL_BUILD, POOL_START, POOL_DESTROY, POOL_DELETE, POOL_UNDEFINE, POOL_REFRESH,
} PoolOp;

static gboolean
pool_op(Vsh *ctl, const VshCmd *cmd, PoolOp op)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    const char *done = NULL, *failed = NULL;
    gboolean ok = FALSE;

    if (!pool)
        return FALSE;
    switch (op) {
    case POOL_BUILD:
        ok = vmm_storage_pool_build(pool, 0, &error);
        done = _("Pool %s built\n");
        failed = _("Failed to build pool %s");
        break;
    case POOL_START:
        ok = vmm_storage_pool_create(pool, 0, &error);
        done = _("Pool %s started\n");
        failed = _("Failed to start pool %s");
        break;
    case POOL_DESTROY:
        ok = vmm_storage_pool_destroy(pool, &error);
        done = _("Pool %s destroyed\n");
        failed = _("Failed to destroy pool %s");
        break;
    case POOL_DELETE:
        ok = vmm_storage_pool_delete(pool, 0, &error);
        done = _("Pool %s deleted\n");
        failed = _("Failed to delete pool %s");
        break;
    case POOL_UNDEFINE:
        ok = vmm_storage_pool_undefine(pool, &error);
        done = _("Pool %s has been undefined\n");
        failed = _("Failed to undefine pool %s");
        break;
    case POOL_REFRESH:
        ok = vmm_storage_pool_refresh(pool, 0, &error);
        done = _("Pool %s refreshed\n");
        failed = _("Failed to refresh pool %s");
        break;
    }
    return vsh_outcome(ctl, ok, &error, vmm_storage_pool_get_name(pool), done, failed);
}

static gboolean cmd_pool_build(Vsh *ctl, const VshCmd *cmd) { return pool_op(ctl, cmd, POOL_BUILD); }
static gboolean cmd_pool_start(Vsh *ctl, const VshCmd *cmd) { return pool_op(ctl, cmd, POOL_START); }
static gboolean cmd_pool_destroy(Vsh *ctl, const VshCmd *cmd) { return pool_op(ctl, cmd, POOL_DESTROY); }
static gboolean cmd_pool_delete(Vsh *ctl, const VshCmd *cmd) { return pool_op(ctl, cmd, POOL_DELETE); }
static gboolean cmd_pool_undefine(Vsh *ctl, const VshCmd *cmd) { return pool_op(ctl, cmd, POOL_UNDEFINE); }
static gboolean cmd_pool_refresh(Vsh *ctl, const VshCmd *cmd) { return pool_op(ctl, cmd, POOL_REFRESH); }

static const VshOptDef pool_autostart_opts[] = {
    POOL_OPT,
    { "disable", VSH_OT_BOOL, 0, N_("disable autostarting") },
    { NULL },
};

static gboolean
cmd_pool_autostart(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    gboolean enable = !vsh_cmd_has(cmd, "disable");

    if (!pool)
        return FALSE;
    return vsh_outcome(ctl, vmm_storage_pool_set_autostart(pool, enable, &error), &error,
                       vmm_storage_pool_get_name(pool),
                       enable ? _("Pool %s marked as autostarted\n")
                              : _("Pool %s unmarked as autostarted\n"),
                       enable ? _("failed to mark pool %s as autostarted")
                              : _("failed to unmark pool %s as autostarted"));
}

/* ------------------------------------------------------------------ */
/* Pool queries                                                        */

static gboolean
cmd_pool_info(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    char uuid[VMM_UUID_STRING_BUFLEN];
    VmmStoragePoolInfo info;
    gboolean autostart = FALSE;
    int persistent;

    if (!pool)
        return FALSE;
    printf("%-15s %s\n", _("Name:"), vmm_storage_pool_get_name(pool));
    printf("%-15s %s\n", _("UUID:"), vmm_storage_pool_get_uuid_string(pool, uuid));
    if (!vmm_storage_pool_get_info(pool, &info, &error)) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    printf("%-15s %s\n", _("State:"), pool_state_string(info.state));
    persistent = vmm_storage_pool_is_persistent(pool, NULL);
    printf("%-15s %s\n", _("Persistent:"), vsh_yes_no(persistent));
    if (vmm_storage_pool_get_autostart(pool, &autostart, NULL))
        printf("%-15s %s\n", _("Autostart:"), autostart ? _("yes") : _("no"));
    else
        printf("%-15s %s\n", _("Autostart:"), _("no autostart"));
    if (pool_state_has_sizes(info.state)) {
        g_autofree char *cap = vsh_pretty_capacity(info.capacity);
        g_autofree char *alloc = vsh_pretty_capacity(info.allocation);
        g_autofree char *avail = vsh_pretty_capacity(info.available);

        printf("%-15s %s\n", _("Capacity:"), cap);
        printf("%-15s %s\n", _("Allocation:"), alloc);
        printf("%-15s %s\n", _("Available:"), avail);
    }
    return TRUE;
}

static const VshOptDef pool_dumpxml_opts[] = {
    POOL_OPT,
    { "inactive", VSH_OT_BOOL, 0, N_("show inactive defined XML") },
    { NULL },
};

static gboolean
cmd_pool_dumpxml(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    g_autofree char *xml = NULL;

    if (!pool)
        return FALSE;
    xml = vmm_storage_pool_get_xml_desc(pool, vsh_cmd_has(cmd, "inactive")
                                        ? VMM_STORAGE_XML_INACTIVE : 0, &error);
    if (!xml) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_xml(xml);
    return TRUE;
}

static gboolean
pool_edit_define(Vsh *ctl, const char *xml, gboolean validate, gpointer data, GError **error)
{
    char **name = data;
    g_autoptr(VmmStoragePool) pool =
        vmm_storage_pool_define_xml(ctl->conn, xml,
                                    validate ? VMM_STORAGE_POOL_DEFINE_VALIDATE : 0, error);

    if (!pool)
        return FALSE;
    g_free(*name);
    *name = g_strdup(vmm_storage_pool_get_name(pool));
    return TRUE;
}

static gboolean
cmd_pool_edit(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    g_autofree char *xml = NULL;

    if (!pool)
        return FALSE;
    if (!(xml = vmm_storage_pool_get_xml_desc(pool, VMM_STORAGE_XML_INACTIVE, &error))) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    return vsh_edit_object(ctl, xml, vmm_storage_pool_get_name(pool), pool_edit_define, FALSE,
                           _("Pool %s XML configuration not changed.\n"),
                           _("Pool %s XML configuration edited.\n"));
}

/* ------------------------------------------------------------------ */
/* Volumes                                                             */

/* In --pool by name when given, else (or then) by key and by path; the
 * driver's error of the last attempt is printed under ours, as virsh does. */
VmmStorageVol *
vsh_lookup_vol(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    const char *n = vsh_cmd_string(cmd, "vol");
    const char *pooln = vsh_cmd_string(cmd, "pool");
    VmmStorageVol *vol = NULL;

    if (pooln) {
        g_autoptr(VmmStoragePool) pool = vsh_lookup_pool_by_string(ctl, pooln);

        if (!pool)
            return NULL;
        vol = vmm_storage_vol_lookup_by_name(pool, n, &error);
    }
    if (!vol) {
        g_clear_error(&error);
        vol = vmm_storage_vol_lookup_by_key(ctl->conn, n, NULL);
    }
    if (!vol)
        vol = vmm_storage_vol_lookup_by_path(ctl->conn, n, &error);
    if (!vol) {
        if (pooln)
            vsh_error(ctl, _("failed to get vol '%s'"), n);
        else
            vsh_error(ctl, _("failed to get vol '%s', specifying --pool might help"), n);
        vsh_report(ctl, &error);
    }
    return vol;
}

static const VshOptDef vol_opts[] = {
    { "vol", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("vol name, key or path") },
    { "pool", VSH_OT_STRING, 0, N_("pool name or uuid") },
    { NULL },
};

static const char *
vol_type_string(int type)
{
    static const char *const names[] = { "file", "block", "dir", "network", "netdir", "ploop" };

    if (type < 0 || type >= (int)G_N_ELEMENTS(names))
        return _("unknown");
    return names[type];
}

static const VshOptDef vol_list_opts[] = {
    POOL_OPT,
    { "details", VSH_OT_BOOL, 0, N_("display extended details for volumes") },
    { "json", VSH_OT_BOOL, 0, N_("list as JSON") },
    { NULL },
};

/*
 * vol-list --json: an array, one object per volume, keys in this order:
 *   {"name":"v1","path":"/p/v1","type":"file","capacity":10485760,
 *    "allocation":10485760}
 * Sizes in bytes; path, type and sizes are null when unknown.
 */
static gboolean
cmd_vol_list(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    g_autoptr(GPtrArray) vols = NULL;
    gboolean details = vsh_cmd_has(cmd, "details");
    gboolean json = vsh_cmd_has(cmd, "json");
    VshJson *j = NULL;
    VshTable *table = NULL;

    if (!pool)
        return FALSE;
    if (!(vols = vmm_storage_pool_list_all_volumes(pool, 0, &error))) {
        vsh_error(ctl, "%s", _("Failed to list volumes"));
        vsh_report(ctl, &error);
        return FALSE;
    }
    if (json) {
        j = vsh_json_new();
        vsh_json_begin_array(j);
    } else if (details) {
        table = vsh_table_new(_("Name"), _("Path"), _("Type"), _("Capacity"),
                              _("Allocation"), NULL);
    } else {
        table = vsh_table_new(_("Name"), _("Path"), NULL);
    }

    for (guint i = 0; i < vols->len; i++) {
        VmmStorageVol *vol = g_ptr_array_index(vols, i);
        g_autofree char *path = vmm_storage_vol_get_path(vol, NULL);
        VmmStorageVolInfo info;
        gboolean have_info = vmm_storage_vol_get_info(vol, &info, NULL);

        if (json) {
            vsh_json_begin_object(j);
            vsh_json_key(j, "name");
            vsh_json_string(j, vmm_storage_vol_get_name(vol));
            vsh_json_key(j, "path");
            vsh_json_string(j, path);
            vsh_json_key(j, "type");
            vsh_json_string(j, have_info ? vol_type_string(info.type) : NULL);
            json_size(j, "capacity", have_info, info.capacity);
            json_size(j, "allocation", have_info, info.allocation);
            vsh_json_end_object(j);
        } else if (details) {
            g_autofree char *cap = have_info ? vsh_pretty_capacity(info.capacity) : g_strdup("-");
            g_autofree char *alloc = have_info ? vsh_pretty_capacity(info.allocation) : g_strdup("-");

            vsh_table_add_row(table, vmm_storage_vol_get_name(vol), path ? path : "-",
                              have_info ? vol_type_string(info.type) : "-", cap, alloc, NULL);
        } else {
            vsh_table_add_row(table, vmm_storage_vol_get_name(vol), path ? path : "-", NULL);
        }
    }
    if (json) {
        vsh_json_end_array(j);
        vsh_json_print(ctl, j);
    } else {
        vsh_table_print(ctl, table);
    }
    return TRUE;
}

static const VshOptDef vol_create_opts[] = {
    POOL_OPT,
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("file containing an XML vol description") },
    { NULL },
};

static gboolean
cmd_vol_create(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStoragePool) pool = vsh_lookup_pool(ctl, cmd, "pool");
    const char *file = vsh_cmd_string(cmd, "file");
    g_autofree char *xml = NULL;
    g_autoptr(VmmStorageVol) vol = NULL;

    if (!pool || !(xml = vsh_read_file(ctl, file)))
        return FALSE;
    if (!(vol = vmm_storage_vol_create_xml(pool, xml, 0, &error))) {
        vsh_error(ctl, _("Failed to create vol from %s"), file);
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Vol %s created from %s\n"), vmm_storage_vol_get_name(vol), file);
    return TRUE;
}

/* A scaled integer ("10M", "1GiB", "4096"), bytes by default. */
static gboolean
parse_size(Vsh *ctl, const char *str, guint64 *bytes)
{
    g_autoptr(GError) error = NULL;
    char *end = NULL;
    guint64 value;

    if (!g_ascii_isdigit(str[0]))
        goto bad;
    errno = 0;
    value = g_ascii_strtoull(str, &end, 10);
    if (errno)
        goto bad;
    if (!vmm_units_scale(value, *end ? end : NULL, 1, 0, bytes, &error))
        goto bad;
    return TRUE;

 bad:
    vsh_error(ctl, _("Malformed size %s"), str);
    vsh_report(ctl, &error);
    return FALSE;
}

static const VshOptDef vol_create_as_opts[] = {
    POOL_OPT,
    { "name", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("name of the volume") },
    { "capacity", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("size of the vol, as scaled integer (default bytes)") },
    { "allocation", VSH_OT_STRING, 0, N_("initial allocation size, as scaled integer (default bytes)") },
    { "format", VSH_OT_STRING, 0, N_("file format type raw,qcow2") },
    { "print-xml", VSH_OT_BOOL, 0, N_("print XML document, but don't define/create") },
    { NULL },
};

static gboolean
cmd_vol_create_as(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStoragePool) pool = NULL;
    g_autoptr(VmmStorageVol) vol = NULL;
    g_autoptr(GString) xml = g_string_new("<volume>\n");
    const char *name = vsh_cmd_string(cmd, "name");
    const char *alloc_str = vsh_cmd_string(cmd, "allocation");
    const char *format = vsh_cmd_string(cmd, "format");
    g_autofree char *ename = g_markup_escape_text(name, -1);
    guint64 capacity, allocation;

    if (!parse_size(ctl, vsh_cmd_string(cmd, "capacity"), &capacity))
        return FALSE;
    g_string_append_printf(xml, "  <name>%s</name>\n", ename);
    g_string_append_printf(xml, "  <capacity>%" G_GUINT64_FORMAT "</capacity>\n", capacity);
    if (alloc_str) {
        if (!parse_size(ctl, alloc_str, &allocation))
            return FALSE;
        g_string_append_printf(xml, "  <allocation>%" G_GUINT64_FORMAT "</allocation>\n",
                               allocation);
    }
    if (format) {
        g_autofree char *eformat = g_markup_escape_text(format, -1);
        g_string_append_printf(xml, "  <target>\n    <format type='%s'/>\n  </target>\n", eformat);
    }
    g_string_append(xml, "</volume>\n");

    if (vsh_cmd_has(cmd, "print-xml")) {
        printf("%s", xml->str);
        return TRUE;
    }
    if (!(pool = vsh_lookup_pool(ctl, cmd, "pool")))
        return FALSE;
    if (!(vol = vmm_storage_vol_create_xml(pool, xml->str, 0, &error))) {
        vsh_error(ctl, _("Failed to create vol %s"), name);
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Vol %s created\n"), vmm_storage_vol_get_name(vol));
    return TRUE;
}

static gboolean
cmd_vol_delete(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStorageVol) vol = vsh_lookup_vol(ctl, cmd);

    if (!vol)
        return FALSE;
    if (!vmm_storage_vol_delete(vol, 0, &error)) {
        vsh_error(ctl, _("Failed to delete vol %s"), vmm_storage_vol_get_name(vol));
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_extra(ctl, _("Vol %s deleted\n"), vmm_storage_vol_get_name(vol));
    return TRUE;
}

static gboolean
cmd_vol_info(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStorageVol) vol = vsh_lookup_vol(ctl, cmd);
    g_autofree char *cap = NULL;
    g_autofree char *alloc = NULL;
    VmmStorageVolInfo info;

    if (!vol)
        return FALSE;
    printf("%-15s %s\n", _("Name:"), vmm_storage_vol_get_name(vol));
    if (!vmm_storage_vol_get_info(vol, &info, &error)) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    cap = vsh_pretty_capacity(info.capacity);
    alloc = vsh_pretty_capacity(info.allocation);
    printf("%-15s %s\n", _("Type:"), vol_type_string(info.type));
    printf("%-15s %s\n", _("Capacity:"), cap);
    printf("%-15s %s\n", _("Allocation:"), alloc);
    return TRUE;
}

static gboolean
cmd_vol_dumpxml(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStorageVol) vol = vsh_lookup_vol(ctl, cmd);
    g_autofree char *xml = NULL;

    if (!vol)
        return FALSE;
    if (!(xml = vmm_storage_vol_get_xml_desc(vol, 0, &error))) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_xml(xml);
    return TRUE;
}

static gboolean
cmd_vol_path(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStorageVol) vol = vsh_lookup_vol(ctl, cmd);
    g_autofree char *path = NULL;

    if (!vol)
        return FALSE;
    if (!(path = vmm_storage_vol_get_path(vol, &error))) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    printf("%s\n", path);
    return TRUE;
}

static gboolean
cmd_vol_key(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(VmmStorageVol) vol = vsh_lookup_vol(ctl, cmd);

    if (!vol)
        return FALSE;
    printf("%s\n", vmm_storage_vol_get_key(vol));
    return TRUE;
}

static gboolean
cmd_vol_name(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(VmmStorageVol) vol = vsh_lookup_vol(ctl, cmd);

    if (!vol)
        return FALSE;
    printf("%s\n", vmm_storage_vol_get_name(vol));
    return TRUE;
}

static const VshOptDef vol_pool_opts[] = {
    { "vol", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("volume key or path") },
    { "uuid", VSH_OT_BOOL, 0, N_("return the pool uuid rather than pool name") },
    { NULL },
};

static gboolean
cmd_vol_pool(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    const char *n = vsh_cmd_string(cmd, "vol");
    g_autoptr(VmmStorageVol) vol = NULL;
    g_autoptr(VmmStoragePool) pool = NULL;
    char uuid[VMM_UUID_STRING_BUFLEN];

    vol = vmm_storage_vol_lookup_by_key(ctl->conn, n, NULL);
    if (!vol)
        vol = vmm_storage_vol_lookup_by_path(ctl->conn, n, &error);
    if (!vol) {
        vsh_error(ctl, _("failed to get vol '%s'"), n);
        vsh_report(ctl, &error);
        return FALSE;
    }
    if (!(pool = vmm_storage_pool_lookup_by_volume(vol, &error))) {
        vsh_error(ctl, "%s", _("failed to get parent pool"));
        vsh_report(ctl, &error);
        return FALSE;
    }
    if (vsh_cmd_has(cmd, "uuid"))
        printf("%s\n", vmm_storage_pool_get_uuid_string(pool, uuid));
    else
        printf("%s\n", vmm_storage_pool_get_name(pool));
    return TRUE;
}

/* ------------------------------------------------------------------ */

const VshCmdDef vsh_pool_cmds[] = {
    { "pool-autostart", cmd_pool_autostart, pool_autostart_opts, N_("autostart a pool"),
      N_("Configure a pool to be automatically started at boot."), 0 },
    { "pool-build", cmd_pool_build, pool_only_opts, N_("build a pool"),
      N_("Build a given pool."), 0 },
    { "pool-create", cmd_pool_create, pool_define_opts, N_("create a pool from an XML file"),
      N_("Create a pool."), 0 },
    { "pool-define", cmd_pool_define, pool_define_opts,
      N_("define an inactive persistent storage pool or modify an existing persistent one from an XML file"),
      N_("Define or modify a persistent storage pool."), 0 },
    { "pool-delete", cmd_pool_delete, pool_only_opts, N_("delete a pool"),
      N_("Delete a given pool."), 0 },
    { "pool-destroy", cmd_pool_destroy, pool_only_opts, N_("destroy (stop) a pool"),
      N_("Forcefully stop a given pool. Raw data in the pool is untouched"), 0 },
    { "pool-dumpxml", cmd_pool_dumpxml, pool_dumpxml_opts, N_("pool information in XML"),
      N_("Output the pool information as an XML dump to stdout."), 0 },
    { "pool-edit", cmd_pool_edit, pool_only_opts, N_("edit XML configuration for a storage pool"),
      N_("Edit the XML configuration for a storage pool."), 0 },
    { "pool-event", vsh_cmd_pool_event, vsh_pool_event_opts, N_("Storage Pool Events"),
      N_("List event types, or wait for storage pool events to occur"), 0 },
    { "pool-info", cmd_pool_info, pool_only_opts, N_("storage pool information"),
      N_("Returns basic information about the storage pool."), 0 },
    { "pool-list", cmd_pool_list, pool_list_opts, N_("list pools"),
      N_("Returns list of pools."), 0 },
    { "pool-refresh", cmd_pool_refresh, pool_only_opts, N_("refresh a pool"),
      N_("Refresh a given pool."), 0 },
    { "pool-start", cmd_pool_start, pool_only_opts, N_("start a (previously defined) inactive pool"),
      N_("Start a pool."), 0 },
    { "pool-undefine", cmd_pool_undefine, pool_only_opts, N_("undefine an inactive pool"),
      N_("Undefine the configuration for an inactive pool."), 0 },
    { NULL },
};

const VshCmdDef vsh_volume_cmds[] = {
    { "vol-create-as", cmd_vol_create_as, vol_create_as_opts, N_("create a volume from a set of args"),
      N_("Create a vol."), 0 },
    { "vol-create", cmd_vol_create, vol_create_opts, N_("create a vol from an XML file"),
      N_("Create a vol."), 0 },
    { "vol-delete", cmd_vol_delete, vol_opts, N_("delete a vol"),
      N_("Delete a given vol."), 0 },
    { "vol-download", vsh_cmd_vol_download, vsh_vol_download_opts,
      N_("download volume contents to a file"),
      N_("Download the contents of a volume to a file."), 0 },
    { "vol-dumpxml", cmd_vol_dumpxml, vol_opts, N_("vol information in XML"),
      N_("Output the vol information as an XML dump to stdout."), 0 },
    { "vol-info", cmd_vol_info, vol_opts, N_("storage vol information"),
      N_("Returns basic information about the storage vol."), 0 },
    { "vol-key", cmd_vol_key, vol_opts, N_("returns the volume key for a given volume name or path"),
      NULL, 0 },
    { "vol-list", cmd_vol_list, vol_list_opts, N_("list vols"),
      N_("Returns list of vols by pool."), 0 },
    { "vol-name", cmd_vol_name, vol_opts, N_("returns the volume name for a given volume key or path"),
      NULL, 0 },
    { "vol-path", cmd_vol_path, vol_opts, N_("returns the volume path for a given volume name or key"),
      NULL, 0 },
    { "vol-pool", cmd_vol_pool, vol_pool_opts, N_("returns the storage pool for a given volume key or path"),
      NULL, 0 },
    { "vol-upload", vsh_cmd_vol_upload, vsh_vol_upload_opts,
      N_("upload file contents to a volume"),
      N_("Upload the contents of a file to a volume."), 0 },
    { NULL },
};
