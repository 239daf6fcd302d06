/*
 * vshell-host.c: connect, uri, version, hostname, nodeinfo, capabilities,
 * domcapabilities.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vshell.h"

gboolean vsh_cmd_connect(Vsh *ctl, const VshCmd *cmd);

const VshOptDef vsh_connect_opts[] = {
    { "name", VSH_OT_STRING, VSH_OFLAG_POS, N_("hypervisor connection URI") },
    { "readonly", VSH_OT_BOOL, 0, N_("read-only connection") },
    { NULL },
};

gboolean
vsh_cmd_connect(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    const char *name = vsh_cmd_string(cmd, "name");
    gboolean ro = vsh_cmd_has(cmd, "readonly");

    g_clear_pointer(&ctl->conn, vmm_connect_unref);
    g_free(ctl->uri);
    ctl->uri = g_strdup(name);
    ctl->readonly = ro;
    ctl->conn = vmm_connect_open(ctl->uri, ro ? VMM_CONNECT_RO : 0, &error);
    if (!ctl->conn) {
        vsh_error(ctl, "%s", _("Failed to connect to the hypervisor"));
        vsh_report(ctl, &error);
        return FALSE;
    }
    return TRUE;
}

static gboolean
cmd_uri(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *uri = vmm_connect_get_uri(ctl->conn, &error);

    if (!uri) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    printf("%s\n", uri);
    return TRUE;
}

static void
print_version(const char *label, const char *what, unsigned long v)
{
    printf("%s %s %lu.%lu.%lu\n", label, what, v / 1000000, (v / 1000) % 1000, v % 1000);
}

static gboolean
cmd_version(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    const char *type;
    unsigned long hv = 0;
    unsigned long lib = vmm_get_lib_version();
    unsigned long compiled;
    unsigned int major = 0, minor = 0, micro = 0;

    sscanf(PACKAGE_VERSION, "%u.%u.%u", &major, &minor, &micro);
    compiled = major * 1000000UL + minor * 1000UL + micro;

    print_version(_("Compiled against library:"), "vmm", compiled);
    print_version(_("Using library:"), "vmm", lib);

    if (!(type = vmm_connect_get_type(ctl->conn, &error))) {
        vsh_error(ctl, "%s", _("failed to get hypervisor type"));
        vsh_report(ctl, &error);
        return FALSE;
    }
    print_version(_("Using API:"), type, lib);

    if (!vmm_connect_get_version(ctl->conn, &hv, &error)) {
        vsh_error(ctl, "%s", _("failed to get the hypervisor version"));
        vsh_report(ctl, &error);
        return FALSE;
    }
    if (hv == 0)
        printf(_("Cannot extract running %s hypervisor version\n"), type);
    else
        print_version(_("Running hypervisor:"), type, hv);
    return TRUE;
}

static gboolean
cmd_hostname(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *name = vmm_connect_get_hostname(ctl->conn, &error);

    if (!name) {
        vsh_error(ctl, "%s", _("failed to get hostname"));
        vsh_report(ctl, &error);
        return FALSE;
    }
    printf("%s\n", name);
    return TRUE;
}

static const VshOptDef nodeinfo_opts[] = {
    { "json", VSH_OT_BOOL, 0, N_("print the information as JSON") },
    { NULL },
};

/*
 * nodeinfo --json: one object, keys in this order:
 *   {"model":"i686","cpus":16,"mhz":1400,"sockets":2,"cores":2,"threads":2,
 *    "nodes":2,"memory_kib":3145728}
 * sockets is per NUMA node, cores per socket, threads per core.
 */
static gboolean
cmd_nodeinfo(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    VmmNodeInfo info;

    if (!vmm_node_get_info(ctl->conn, &info, &error)) {
        vsh_error(ctl, "%s", _("failed to get node information"));
        vsh_report(ctl, &error);
        return FALSE;
    }
    if (vsh_cmd_has(cmd, "json")) {
        VshJson *j = vsh_json_new();

        vsh_json_begin_object(j);
        vsh_json_key(j, "model");
        vsh_json_string(j, info.model);
        vsh_json_key(j, "cpus");
        vsh_json_uint(j, info.cpus);
        vsh_json_key(j, "mhz");
        vsh_json_uint(j, info.mhz);
        vsh_json_key(j, "sockets");
        vsh_json_uint(j, info.sockets);
        vsh_json_key(j, "cores");
        vsh_json_uint(j, info.cores);
        vsh_json_key(j, "threads");
        vsh_json_uint(j, info.threads);
        vsh_json_key(j, "nodes");
        vsh_json_uint(j, info.nodes);
        vsh_json_key(j, "memory_kib");
        vsh_json_uint(j, info.memory);
        vsh_json_end_object(j);
        vsh_json_print(ctl, j);
        return TRUE;
    }
    printf("%-20s %s\n", _("CPU model:"), info.model);
    printf("%-20s %u\n", _("CPU(s):"), info.cpus);
    printf("%-20s %u MHz\n", _("CPU frequency:"), info.mhz);
    printf("%-20s %u\n", _("CPU socket(s):"), info.sockets);
    printf("%-20s %u\n", _("Core(s) per socket:"), info.cores);
    printf("%-20s %u\n", _("Thread(s) per core:"), info.threads);
    printf("%-20s %u\n", _("NUMA cell(s):"), info.nodes);
    printf("%-20s %" G_GUINT64_FORMAT " KiB\n", _("Memory size:"), info.memory);
    return TRUE;
}

static gboolean
cmd_capabilities(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *caps = vmm_connect_get_capabilities(ctl->conn, &error);

    if (!caps) {
        vsh_error(ctl, "%s", _("failed to get capabilities"));
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_xml(caps);
    return TRUE;
}

static const VshOptDef domcapabilities_opts[] = {
    { "virttype", VSH_OT_STRING, 0, N_("virtualization type (/domain/@type)") },
    { "emulatorbin", VSH_OT_STRING, 0, N_("path to emulator binary (/domain/devices/emulator)") },
    { "arch", VSH_OT_STRING, 0, N_("domain architecture (/domain/os/type/@arch)") },
    { "machine", VSH_OT_STRING, 0, N_("machine type (/domain/os/type/@machine)") },
    { NULL },
};

static gboolean
cmd_domcapabilities(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *caps = vmm_connect_get_domain_capabilities(
        ctl->conn, vsh_cmd_string(cmd, "emulatorbin"), vsh_cmd_string(cmd, "arch"),
        vsh_cmd_string(cmd, "machine"), vsh_cmd_string(cmd, "virttype"), 0, &error);

    if (!caps) {
        vsh_error(ctl, "%s", _("failed to get emulator capabilities"));
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_xml(caps);
    return TRUE;
}

const VshCmdDef vsh_host_cmds[] = {
    { "capabilities", cmd_capabilities, NULL, N_("capabilities"),
      N_("Returns capabilities of hypervisor/driver."), 0 },
    { "domcapabilities", cmd_domcapabilities, domcapabilities_opts,
      N_("domain capabilities"),
      N_("Returns capabilities of emulator with respect to host and libvirt."), 0 },
    { "hostname", cmd_hostname, NULL, N_("print the hypervisor hostname"), NULL, 0 },
    { "nodeinfo", cmd_nodeinfo, nodeinfo_opts, N_("node information"),
      N_("Returns basic information about the node."), 0 },
    { "uri", cmd_uri, NULL, N_("print the hypervisor canonical URI"), NULL, 0 },
    { "version", cmd_version, NULL, N_("show version"),
      N_("Display the system version information."), 0 },
    { NULL },
};
