/*
 * vshell-device.c: attach-device, detach-device, update-device, attach-disk,
 * detach-disk, attach-interface and detach-interface (rows of the domain
 * group).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * attach-disk and attach-interface write the device element from their
 * options, as virsh does; detach-disk and detach-interface pick the
 * element out of the domain's XML (the inactive one for --config alone)
 * and send it back.  Without --live, --config, --persistent or --current
 * the change applies to the current state: the running domain when it
 * runs, else its persistent definition.
 */
#include "vshell.h"

#include <string.h>
#include <sys/stat.h>

#include "conf/xml_util.h"

#define DOMAIN_ARG { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, \
                     N_("domain name, id or uuid") }
#define AFFECT_OPTS \
    { "persistent", VSH_OT_BOOL, 0, N_("make live change persistent") }, \
    { "config", VSH_OT_BOOL, 0, N_("affect next boot") }, \
    { "live", VSH_OT_BOOL, 0, N_("affect running domain") }, \
    { "current", VSH_OT_BOOL, 0, N_("affect current domain") }

/* The VmmDomainModificationImpact of --persistent/--config/--live/--current,
 * or -1 (error printed) for a forbidden mix. */
static int
affect_flags(Vsh *ctl, const VshCmd *cmd, VmmDomain *dom)
{
    static const char *const pairs[][2] = {
        { "persistent", "current" }, { "current", "live" }, { "current", "config" },
    };
    unsigned int flags = VMM_DOMAIN_AFFECT_CURRENT;

    for (size_t i = 0; i < G_N_ELEMENTS(pairs); i++) {
        if (vsh_cmd_has(cmd, pairs[i][0]) && vsh_cmd_has(cmd, pairs[i][1])) {
            vsh_error(ctl, _("Options --%s and --%s are mutually exclusive"), pairs[i][0],
                      pairs[i][1]);
            return -1;
        }
    }
    if (vsh_cmd_has(cmd, "config") || vsh_cmd_has(cmd, "persistent"))
        flags |= VMM_DOMAIN_AFFECT_CONFIG;
    if (vsh_cmd_has(cmd, "live"))
        flags |= VMM_DOMAIN_AFFECT_LIVE;
    if (vsh_cmd_has(cmd, "persistent") && vmm_domain_is_active(dom, NULL) == 1)
        flags |= VMM_DOMAIN_AFFECT_LIVE;
    return (int)flags;
}

typedef enum { ATTACH, DETACH, UPDATE } DeviceOp;

/* Send @xml (@op), or just print it, and print the outcome: @done, or
 * @failed and the error. */
static gboolean
device_call(Vsh *ctl, const VshCmd *cmd, VmmDomain *dom, int flags, const char *xml,
            DeviceOp op, gboolean print, const char *done, const char *failed)
{
    g_autoptr(GError) error = NULL;
    gboolean ok;

    if (flags < 0)
        return FALSE;
    if (print) {
        vsh_print_xml(xml);
        return TRUE;
    }
    if (op == UPDATE && vsh_cmd_has(cmd, "force"))
        flags |= VMM_DOMAIN_DEVICE_MODIFY_FORCE;
    ok = op == ATTACH ? vmm_domain_attach_device_flags(dom, xml, (unsigned int)flags, &error) :
         op == DETACH ? vmm_domain_detach_device_flags(dom, xml, (unsigned int)flags, &error) :
         vmm_domain_update_device_flags(dom, xml, (unsigned int)flags, &error);
    if (!ok) {
        vsh_error(ctl, "%s", failed);
        vsh_report(ctl, &error);
        return FALSE;
    }
    vsh_print_extra(ctl, "%s\n", done);
    return TRUE;
}

/* ---- attach-device, detach-device, update-device ---- */

const VshOptDef vsh_device_opts[] = {
    DOMAIN_ARG,
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("XML file") },
    AFFECT_OPTS,
    { NULL },
};

const VshOptDef vsh_update_device_opts[] = {
    DOMAIN_ARG,
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("XML file") },
    AFFECT_OPTS,
    { "force", VSH_OT_BOOL, 0, N_("force device update") },
    { NULL },
};

static gboolean
device_file(Vsh *ctl, const VshCmd *cmd, DeviceOp op)
{
    static const char *const done[] = {
        N_("Device attached successfully"), N_("Device detached successfully"),
        N_("Device updated successfully"),
    };
    static const char *const failed[] = {
        N_("Failed to attach device from %s"), N_("Failed to detach device from %s"),
        N_("Failed to update device from %s"),
    };
    const char *file = vsh_cmd_string(cmd, "file");
    g_autoptr(VmmDomain) dom = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *msg = NULL;

    if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")) || !(xml = vsh_read_file(ctl, file)))
        return FALSE;
    msg = g_strdup_printf(_(failed[op]), file);
    return device_call(ctl, cmd, dom, affect_flags(ctl, cmd, dom), xml, op, FALSE, _(done[op]),
                       msg);
}

gboolean vsh_cmd_attach_device(Vsh *ctl, const VshCmd *cmd) { return device_file(ctl, cmd, ATTACH); }
gboolean vsh_cmd_detach_device(Vsh *ctl, const VshCmd *cmd) { return device_file(ctl, cmd, DETACH); }
gboolean vsh_cmd_update_device(Vsh *ctl, const VshCmd *cmd) { return device_file(ctl, cmd, UPDATE); }

/* ---- attach-disk ---- */

const VshOptDef vsh_attach_disk_opts[] = {
    DOMAIN_ARG,
    { "source", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("source of disk device or name of network disk") },
    { "target", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("target of disk device") },
    { "targetbus", VSH_OT_STRING, 0, N_("target bus of disk device") },
    { "driver", VSH_OT_STRING, 0, N_("driver of disk device") },
    { "subdriver", VSH_OT_STRING, 0, N_("subdriver of disk device") },
    { "cache", VSH_OT_STRING, 0, N_("cache mode of disk device") },
    { "io", VSH_OT_STRING, 0, N_("io policy of disk device") },
    { "type", VSH_OT_STRING, 0, N_("target device type") },
    { "mode", VSH_OT_STRING, 0, N_("mode of device reading and writing") },
    { "sourcetype", VSH_OT_STRING, 0, N_("type of source (block|file)") },
    { "serial", VSH_OT_STRING, 0, N_("serial of disk device") },
    { "alias", VSH_OT_STRING, 0, N_("custom alias name of disk device") },
    { "print-xml", VSH_OT_BOOL, 0, N_("print XML document rather than attach the disk") },
    AFFECT_OPTS,
    { NULL },
};

/* Append "  <ELEM NAME='VALUE'/>" when @value is set. */
static void
leaf(GString *buf, const char *elem, const char *name, const char *value)
{
    if (!value)
        return;
    g_string_append_printf(buf, "  <%s", elem);
    vmm_buf_attr(buf, name, value);
    g_string_append(buf, "/>\n");
}

gboolean
vsh_cmd_attach_disk(Vsh *ctl, const VshCmd *cmd)
{
    const char *source = vsh_cmd_string(cmd, "source");
    const char *sourcetype = vsh_cmd_string(cmd, "sourcetype");
    const char *mode = vsh_cmd_string(cmd, "mode");
    const char *driver = vsh_cmd_string(cmd, "driver");
    const char *subdriver = vsh_cmd_string(cmd, "subdriver");
    const char *cache = vsh_cmd_string(cmd, "cache");
    const char *io = vsh_cmd_string(cmd, "io");
    g_autoptr(GString) xml = g_string_new(NULL);
    g_autoptr(VmmDomain) dom = NULL;
    struct stat st;

    if (mode && !g_str_equal(mode, "readonly") && !g_str_equal(mode, "shareable")) {
        vsh_error(ctl, _("No support for %s in command 'attach-disk'"), mode);
        return FALSE;
    }
    /* As virsh: a block device unless told, when the source is one. */
    if (!sourcetype)
        sourcetype = stat(source, &st) == 0 && S_ISBLK(st.st_mode) ? "block" : "file";
    if (!g_str_equal(sourcetype, "file") && !g_str_equal(sourcetype, "block")) {
        vsh_error(ctl, _("Unknown source type: '%s'"), sourcetype);
        return FALSE;
    }
    if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")))
        return FALSE;

    g_string_append(xml, "<disk");
    vmm_buf_attr(xml, "type", sourcetype);
    vmm_buf_attr(xml, "device", vsh_cmd_string(cmd, "type"));
    g_string_append(xml, ">\n");
    if (driver || subdriver || cache || io) {
        g_string_append(xml, "  <driver");
        vmm_buf_attr(xml, "name", driver);
        vmm_buf_attr(xml, "type", subdriver);
        vmm_buf_attr(xml, "cache", cache);
        vmm_buf_attr(xml, "io", io);
        g_string_append(xml, "/>\n");
    }
    g_string_append(xml, "  <source");
    vmm_buf_attr(xml, g_str_equal(sourcetype, "block") ? "dev" : "file", source);
    g_string_append(xml, "/>\n  <target");
    vmm_buf_attr(xml, "dev", vsh_cmd_string(cmd, "target"));
    vmm_buf_attr(xml, "bus", vsh_cmd_string(cmd, "targetbus"));
    g_string_append(xml, "/>\n");
    if (mode)
        g_string_append_printf(xml, "  <%s/>\n", mode);
    vmm_buf_text_elem(xml, 2, "serial", vsh_cmd_string(cmd, "serial"));
    leaf(xml, "alias", "name", vsh_cmd_string(cmd, "alias"));
    g_string_append(xml, "</disk>\n");
    return device_call(ctl, cmd, dom, affect_flags(ctl, cmd, dom), xml->str, ATTACH, vsh_cmd_has(cmd, "print-xml"), _("Disk attached successfully"),
                       _("Failed to attach disk"));
}

/* ---- detach-disk, detach-interface: the element from the domain's XML ---- */

/* The domain XML the detach works from: the inactive one for --config
 * alone, as virsh. */
static char *
domain_xml_for(Vsh *ctl, VmmDomain *dom, int flags)
{
    g_autoptr(GError) error = NULL;
    char *xml;

    if (flags < 0)
        return NULL;
    xml = vmm_domain_get_xml_desc(dom, flags == VMM_DOMAIN_AFFECT_CONFIG ?
                                  VMM_DOMAIN_XML_INACTIVE : 0, &error);
    if (!xml)
        vsh_report(ctl, &error);
    return xml;
}

const VshOptDef vsh_detach_disk_opts[] = {
    DOMAIN_ARG,
    { "target", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("target of disk device") },
    AFFECT_OPTS,
    { "print-xml", VSH_OT_BOOL, 0, N_("print XML document rather than detach the disk") },
    { NULL },
};

/* The XML of the one element of @xpath in @xml, or NULL. */
static char *
pick_element(const char *xml, const char *xpath, int *count)
{
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlDoc) doc = vmm_xml_parse(xml, "(domain)", "domain", &ctxt, NULL);
    g_autofree xmlNode **nodes = NULL;

    *count = doc ? vmm_xml_nodes(ctxt, xpath, &nodes) : 0;
    return *count > 0 ? vmm_xml_node_dump(nodes[0]) : NULL;
}

/* @s as an XPath string literal (no quoting of both kinds exists). */
static char *
xpath_literal(const char *s)
{
    return strchr(s, '\'') ? g_strdup_printf("\"%s\"", s) : g_strdup_printf("'%s'", s);
}

gboolean
vsh_cmd_detach_disk(Vsh *ctl, const VshCmd *cmd)
{
    const char *target = vsh_cmd_string(cmd, "target");
    g_autoptr(VmmDomain) dom = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *lit = xpath_literal(target);
    g_autofree char *xpath = NULL;
    g_autofree char *disk = NULL;
    int flags = -1;
    int n;

    if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")) ||
        (flags = affect_flags(ctl, cmd, dom)) < 0 || !(xml = domain_xml_for(ctl, dom, flags)))
        return FALSE;
    xpath = g_strdup_printf("/domain/devices/disk[target/@dev=%s or source/@file=%s or "
                            "source/@dev=%s]", lit, lit, lit);
    if (!(disk = pick_element(xml, xpath, &n))) {
        vsh_error(ctl, _("No disk found whose source path or target is %s"), target);
        return FALSE;
    }
    return device_call(ctl, cmd, dom, flags, disk, DETACH, vsh_cmd_has(cmd, "print-xml"), _("Disk detached successfully"),
                       _("Failed to detach disk"));
}

/* ---- attach-interface, detach-interface ---- */

const VshOptDef vsh_attach_interface_opts[] = {
    DOMAIN_ARG,
    { "type", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("network interface type") },
    { "source", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS,
      N_("source of network interface") },
    { "target", VSH_OT_STRING, 0, N_("target network name") },
    { "mac", VSH_OT_STRING, 0, N_("MAC address") },
    { "model", VSH_OT_STRING, 0, N_("model type") },
    { "alias", VSH_OT_STRING, 0, N_("custom alias name of interface device") },
    AFFECT_OPTS,
    { "print-xml", VSH_OT_BOOL, 0, N_("print XML document rather than attach the interface") },
    { NULL },
};

gboolean
vsh_cmd_attach_interface(Vsh *ctl, const VshCmd *cmd)
{
    const char *type = vsh_cmd_string(cmd, "type");
    const char *source = vsh_cmd_string(cmd, "source");
    g_autoptr(GString) xml = g_string_new(NULL);
    g_autoptr(VmmDomain) dom = NULL;

    /* virsh knows network, bridge and more; vshell also takes 'user'
     * (its source is ignored). */
    if (!g_str_equal(type, "network") && !g_str_equal(type, "bridge") &&
        !g_str_equal(type, "user")) {
        vsh_error(ctl, _("No support for %s in command 'attach-interface'"), type);
        return FALSE;
    }
    if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")))
        return FALSE;
    g_string_append(xml, "<interface");
    vmm_buf_attr(xml, "type", type);
    g_string_append(xml, ">\n");
    leaf(xml, "source", type, g_str_equal(type, "user") ? NULL : source);
    leaf(xml, "target", "dev", vsh_cmd_string(cmd, "target"));
    leaf(xml, "mac", "address", vsh_cmd_string(cmd, "mac"));
    leaf(xml, "model", "type", vsh_cmd_string(cmd, "model"));
    leaf(xml, "alias", "name", vsh_cmd_string(cmd, "alias"));
    g_string_append(xml, "</interface>\n");
    return device_call(ctl, cmd, dom, affect_flags(ctl, cmd, dom), xml->str, ATTACH, vsh_cmd_has(cmd, "print-xml"), _("Interface attached successfully"),
                       _("Failed to attach interface"));
}

const VshOptDef vsh_detach_interface_opts[] = {
    DOMAIN_ARG,
    { "type", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("network interface type") },
    { "mac", VSH_OT_STRING, 0, N_("MAC address") },
    AFFECT_OPTS,
    { "print-xml", VSH_OT_BOOL, 0, N_("print XML document rather than detach the interface") },
    { NULL },
};

gboolean
vsh_cmd_detach_interface(Vsh *ctl, const VshCmd *cmd)
{
    const char *type = vsh_cmd_string(cmd, "type");
    const char *mac = vsh_cmd_string(cmd, "mac");
    g_autoptr(VmmDomain) dom = NULL;
    g_autofree char *xml = NULL;
    g_autofree char *lit = xpath_literal(type);
    g_autofree char *xpath = NULL;
    g_autofree char *iface = NULL;
    g_autofree char *lower = mac ? g_ascii_strdown(mac, -1) : NULL;
    int flags = -1;
    int n;

    if (!(dom = vsh_lookup_domain(ctl, cmd, "domain")) ||
        (flags = affect_flags(ctl, cmd, dom)) < 0 || !(xml = domain_xml_for(ctl, dom, flags)))
        return FALSE;
    if (lower) {
        g_autofree char *maclit = xpath_literal(lower);

        xpath = g_strdup_printf("/domain/devices/interface[@type=%s and mac/@address=%s]",
                                lit, maclit);
    } else {
        xpath = g_strdup_printf("/domain/devices/interface[@type=%s]", lit);
    }
    iface = pick_element(xml, xpath, &n);
    if (!iface) {
        if (mac)
            vsh_error(ctl, _("No interface with MAC address %s was found"), mac);
        else
            vsh_error(ctl, _("No interface found whose type is %s"), type);
        return FALSE;
    }
    if (n > 1) {
        vsh_error(ctl, _("Domain has %d interfaces. Please specify which one to detach "
                         "using --mac"), n);
        return FALSE;
    }
    return device_call(ctl, cmd, dom, flags, iface, DETACH, vsh_cmd_has(cmd, "print-xml"), _("Interface detached successfully"),
                       _("Failed to detach interface"));
}
