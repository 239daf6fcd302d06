/*
 * domain_def.c: the domain definition (libvirt's <domain> XML): general
 * information, memory, vcpus, lifecycle, power management, and the
 * parse/post-parse/validate/format entry points.  The <cpu>/<numatune>/
 * <memoryBacking>, <os>, <features>/<clock>, and <cputune>/verbatim parts
 * live in their own files; <devices> belongs to domain_device*.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_def_priv.h"
#include "util/vmm_error.h"
#include "util/vmm_units.h"

#include <string.h>

/* "NAME.xml" must fit in a file name (NAME_MAX 255). */
#define VMM_DEF_NAME_MAX 250

static const char *const domain_virt_type_table[] = { "qemu", "kvm", "test", NULL };

const char *const vmm_domain_lifecycle_table[] = {
    "destroy", "restart", "rename-restart", "preserve",
    "coredump-destroy", "coredump-restart", NULL
};

static const char *const domain_lockfailure_table[] = {
    "default", "poweroff", "restart", "pause", "ignore", NULL
};

static const char *const vcpu_placement_table[] = { "static", "auto", NULL };

/* ---- small shared parse helpers ---- */

gboolean
vmm_domain_parse_kib(const char *value, const char *unit, const char *what,
                     guint64 *kib, GError **error)
{
    guint64 num = 0, bytes = 0;

    if (!vmm_xml_parse_uint(value, what, 0, &num, error))
        return FALSE;
    /* The unit is checked first so that the error names the element. */
    if (unit && !vmm_units_scale(1, unit, 1024, 0, &bytes, NULL)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("unknown unit '%s' for %s"), unit, what);
        return FALSE;
    }
    /* Limit to what libvirt allows: a byte count that fits a signed long long. */
    if (!vmm_units_scale(num, unit, 1024, (guint64)G_MAXINT64, &bytes, NULL)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("value '%s' for %s is too large"),
                      value, what);
        return FALSE;
    }
    /* Round up to whole KiB, as libvirt does. */
    *kib = bytes / 1024 + (bytes % 1024 ? 1 : 0);
    return TRUE;
}

gboolean
vmm_domain_parse_uint_attr(xmlNode *node, const char *attr, const char *what,
                           guint64 max, guint64 *out, GError **error)
{
    g_autofree char *str = node ? vmm_xml_prop(node, attr) : NULL;

    if (!str)
        return TRUE;
    return vmm_xml_parse_uint(str, what, max, out, error);
}

gboolean
vmm_domain_parse_enum_attr(xmlNode *node, const char *attr, const char *const *table,
                           const char *what, int dflt, int *out, GError **error)
{
    g_autofree char *str = node ? vmm_xml_prop(node, attr) : NULL;

    return vmm_xml_enum(str, table, what, dflt, out, error);
}

gboolean
vmm_domain_parse_enum_str(xmlNode *node, const char *attr, const char *const *table,
                          const char *what, char **out, GError **error)
{
    g_autofree char *str = node ? vmm_xml_prop(node, attr) : NULL;
    int v;

    if (!vmm_xml_enum(str, table, what, 0, &v, error))
        return FALSE;
    *out = g_steal_pointer(&str);
    return TRUE;
}

gboolean
vmm_domain_parse_tristate_attr(xmlNode *node, const char *attr, const char *what,
                               VmmTristate *out, GError **error)
{
    g_autofree char *str = node ? vmm_xml_prop(node, attr) : NULL;

    return vmm_xml_tristate(str, what, out, error);
}

/* ---- names ---- */

gboolean
vmm_def_check_name(const char *name, const char *what, GError **error)
{
    if (!name || !*name) {
        vmm_error_set(error, VMM_ERR_NO_NAME, _("missing %s name"), what);
        return FALSE;
    }
    if (strchr(name, '/')) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("%s name '%s' cannot contain '/'"),
                      what, name);
        return FALSE;
    }
    for (const char *p = name; *p; p++) {
        if (g_ascii_iscntrl(*p)) {
            g_autofree char *esc = g_strescape(name, NULL);
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("%s name '%s' cannot contain control characters"), what, esc);
            return FALSE;
        }
    }
    if (strlen(name) > VMM_DEF_NAME_MAX) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("%s name is longer than %d bytes"), what, VMM_DEF_NAME_MAX);
        return FALSE;
    }
    return TRUE;
}

/* ---- free ---- */

void
vmm_domain_def_free(VmmDomainDef *def)
{
    if (!def)
        return;
    g_free(def->virt_type);
    g_free(def->name);
    g_free(def->title);
    g_free(def->description);
    g_clear_pointer(&def->metadata, g_ptr_array_unref);
    g_free(def->vcpu_placement);
    g_free(def->vcpu_cpuset);
    g_free(def->resource_partition);
    g_free(def->os_type);
    g_free(def->os_arch);
    g_free(def->os_machine);
    vmm_domain_cpu_clear(def);
    vmm_domain_os_clear(def);
    vmm_domain_features_clear(def);
    vmm_domain_cputune_clear(def);
    vmm_domain_devices_clear(&def->devices);
    g_free(def);
}

/* ---- parse ---- */

/* Each child element of <metadata> is kept as a standalone fragment.  The
 * copy into a document of its own carries the namespace declarations that
 * may sit on an ancestor (even on <domain>), so the fragment stays valid. */
static char *
metadata_child_dump(xmlNode *node)
{
    g_autoptr(xmlDoc) doc = xmlNewDoc((const xmlChar *)"1.0");
    xmlNode *copy = xmlDocCopyNode(node, doc, 1);

    if (!copy)
        g_error("out of memory");
    xmlDocSetRootElement(doc, copy);
    xmlReconciliateNs(doc, copy);
    return vmm_xml_node_dump(copy);
}

static gboolean
parse_metadata(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    xmlNode *meta = vmm_xml_node(ctxt, "./metadata[1]");

    if (!meta)
        return TRUE;
    def->metadata = g_ptr_array_new_with_free_func(g_free);
    /* As in libvirt, metadata is keyed by namespace: elements without one
     * are dropped, and only the first element of each namespace is kept. */
    for (xmlNode *cur = meta->children; cur; cur = cur->next) {
        gboolean seen = FALSE;

        if (cur->type != XML_ELEMENT_NODE || !cur->ns || !cur->ns->href)
            continue;
        for (xmlNode *prev = meta->children; prev != cur; prev = prev->next) {
            if (prev->type == XML_ELEMENT_NODE && prev->ns && prev->ns->href &&
                xmlStrEqual(prev->ns->href, cur->ns->href))
                seen = TRUE;
        }
        if (!seen)
            g_ptr_array_add(def->metadata, metadata_child_dump(cur));
    }
    return TRUE;
}

static gboolean
parse_general(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    g_autofree char *uuid = NULL;
    xmlNode *genid;
    int type;

    def->virt_type = vmm_xml_prop(ctxt->node, "type");
    if (!def->virt_type) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing domain type attribute"));
        return FALSE;
    }
    if (!vmm_xml_enum(def->virt_type, domain_virt_type_table, _("domain type"), 0,
                      &type, error))
        return FALSE;

    /* Only the name's presence is checked here; its content is checked in
     * validate, like every other whole-object rule. */
    def->name = vmm_xml_string(ctxt, "./name[1]");
    if (!def->name) {
        vmm_error_set(error, VMM_ERR_NO_NAME, _("missing domain name"));
        return FALSE;
    }

    uuid = vmm_xml_string(ctxt, "./uuid[1]");
    if (uuid && !vmm_uuid_parse(uuid, def->uuid)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid UUID '%s'"), uuid);
        return FALSE;
    }

    if ((genid = vmm_xml_node(ctxt, "./genid[1]"))) {
        g_autofree char *str = vmm_xml_string(ctxt, "./genid[1]");
        def->has_genid = TRUE;
        if (str) {
            if (!vmm_uuid_parse(str, def->genid)) {
                vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid genid '%s'"), str);
                return FALSE;
            }
            def->genid_set = TRUE;
        }
    }

    def->title = vmm_xml_string(ctxt, "./title[1]");
    if (def->title && strchr(def->title, '\n')) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("domain title can't contain newlines"));
        return FALSE;
    }
    def->description = vmm_xml_string(ctxt, "./description[1]");
    return parse_metadata(ctxt, def, error);
}

static gboolean
parse_memory(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    xmlNode *node;

    if ((node = vmm_xml_node(ctxt, "./memory[1]"))) {
        g_autofree char *val = vmm_xml_string(ctxt, "./memory[1]");
        g_autofree char *unit = vmm_xml_prop(node, "unit");
        if (!vmm_domain_parse_kib(val, unit, "memory", &def->memory_kib, error))
            return FALSE;
    }
    if ((node = vmm_xml_node(ctxt, "./currentMemory[1]"))) {
        g_autofree char *val = vmm_xml_string(ctxt, "./currentMemory[1]");
        g_autofree char *unit = vmm_xml_prop(node, "unit");
        if (!vmm_domain_parse_kib(val, unit, "currentMemory", &def->current_memory_kib,
                                  error))
            return FALSE;
    }
    if ((node = vmm_xml_node(ctxt, "./maxMemory[1]"))) {
        g_autofree char *val = vmm_xml_string(ctxt, "./maxMemory[1]");
        g_autofree char *unit = vmm_xml_prop(node, "unit");
        guint64 slots = 0;
        if (!vmm_domain_parse_kib(val, unit, "maxMemory", &def->max_memory_kib, error))
            return FALSE;
        if (!vmm_domain_parse_uint_attr(node, "slots", "maxMemory slots", G_MAXUINT,
                                        &slots, error))
            return FALSE;
        def->max_memory_slots = slots;
    }
    return TRUE;
}

static gboolean
parse_vcpu(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    xmlNode *node = vmm_xml_node(ctxt, "./vcpu[1]");
    g_autofree char *val = NULL;
    g_autofree char *placement = NULL;
    g_autofree char *iothreads = NULL;
    guint64 n = 0;
    int p;

    if (node) {
        val = vmm_xml_string(ctxt, "./vcpu[1]");
        if (!vmm_xml_parse_uint(val, "vcpu", G_MAXUINT, &n, error))
            return FALSE;
        if (n == 0) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '%s' for vcpu"), val);
            return FALSE;
        }
        def->vcpus = n;
        n = 0;
        if (!vmm_domain_parse_uint_attr(node, "current", "vcpu current", G_MAXUINT,
                                        &n, error))
            return FALSE;
        def->vcpus_current = n;
        placement = vmm_xml_prop(node, "placement");
        if (!vmm_xml_enum(placement, vcpu_placement_table, _("vcpu placement"), 0,
                          &p, error))
            return FALSE;
        def->vcpu_placement = g_steal_pointer(&placement);
        def->vcpu_cpuset = vmm_xml_prop(node, "cpuset");
        if (def->vcpu_cpuset &&
            !vmm_domain_check_cpuset(def->vcpu_cpuset, "vcpu cpuset", error))
            return FALSE;
    }

    if ((iothreads = vmm_xml_string(ctxt, "./iothreads[1]"))) {
        n = 0;
        if (!vmm_xml_parse_uint(iothreads, "iothreads", G_MAXUINT, &n, error))
            return FALSE;
        def->iothreads = n;
    }
    def->resource_partition = vmm_xml_string(ctxt, "./resource/partition[1]");
    return TRUE;
}

static gboolean
parse_lifecycle_action(xmlXPathContext *ctxt, const char *name, gboolean crash,
                       VmmDomainLifecycleAction dflt, VmmDomainLifecycleAction *out,
                       GError **error)
{
    g_autofree char *xpath = g_strconcat("./", name, "[1]", NULL);
    g_autofree char *val = vmm_xml_string(ctxt, xpath);
    int v;

    if (!val) {
        *out = dflt;
        return TRUE;
    }
    v = vmm_enum_from_string(vmm_domain_lifecycle_table, val);
    if (v < 0 || (!crash && v >= VMM_DOMAIN_LIFECYCLE_COREDUMP_DESTROY)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("unknown %s action '%s'"), name, val);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

static gboolean
parse_lifecycle(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    g_autofree char *lock = NULL;
    int v;

    if (!parse_lifecycle_action(ctxt, "on_poweroff", FALSE, VMM_DOMAIN_LIFECYCLE_DESTROY,
                                &def->on_poweroff, error) ||
        !parse_lifecycle_action(ctxt, "on_reboot", FALSE, VMM_DOMAIN_LIFECYCLE_RESTART,
                                &def->on_reboot, error) ||
        !parse_lifecycle_action(ctxt, "on_crash", TRUE, VMM_DOMAIN_LIFECYCLE_DESTROY,
                                &def->on_crash, error))
        return FALSE;

    lock = vmm_xml_string(ctxt, "./on_lockfailure[1]");
    v = vmm_enum_from_string(domain_lockfailure_table, lock);
    if (lock && v <= VMM_DOMAIN_LOCKFAILURE_DEFAULT) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("unknown on_lockfailure action '%s'"),
                      lock);
        return FALSE;
    }
    def->on_lockfailure = lock ? v : VMM_DOMAIN_LOCKFAILURE_DEFAULT;
    return TRUE;
}

static gboolean
parse_pm(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    if (!vmm_xml_node(ctxt, "./pm[1]"))
        return TRUE;
    def->has_pm = TRUE;
    return vmm_domain_parse_tristate_attr(vmm_xml_node(ctxt, "./pm/suspend-to-mem[1]"),
                                          "enabled", "suspend-to-mem enabled",
                                          &def->pm_suspend_to_mem, error) &&
           vmm_domain_parse_tristate_attr(vmm_xml_node(ctxt, "./pm/suspend-to-disk[1]"),
                                          "enabled", "suspend-to-disk enabled",
                                          &def->pm_suspend_to_disk, error);
}

static gboolean
parse_devices(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    xmlNode *devs = vmm_xml_node(ctxt, "./devices[1]");
    xmlNode *save = ctxt->node;
    gboolean ok;

    if (!devs)
        return TRUE;
    ctxt->node = devs;
    ok = vmm_domain_devices_parse(ctxt, &def->devices, error);
    ctxt->node = save;
    return ok;
}

VmmDomainDef *
vmm_domain_def_parse_node(xmlXPathContext *ctxt, GError **error)
{
    g_autoptr(VmmDomainDef) def = g_new0(VmmDomainDef, 1);

    /* Document order: general info, memory, vcpu, numatune/memoryBacking,
     * os, features, cpu, clock, lifecycle, pm, devices.  Elements that are
     * not modelled are ignored, as libvirt drops them. */
    if (!parse_general(ctxt, def, error) ||
        !parse_memory(ctxt, def, error) ||
        !vmm_domain_mem_backing_parse(ctxt, def, error) ||
        !parse_vcpu(ctxt, def, error) ||
        !vmm_domain_cputune_parse(ctxt, def, error) ||
        !vmm_domain_numatune_parse(ctxt, def, error) ||
        !vmm_domain_os_parse(ctxt, def, error) ||
        !vmm_domain_features_parse(ctxt, def, error) ||
        !vmm_domain_cpu_parse(ctxt, def, error) ||
        !vmm_domain_clock_parse(ctxt, def, error) ||
        !parse_lifecycle(ctxt, def, error) ||
        !parse_pm(ctxt, def, error) ||
        !parse_devices(ctxt, def, error) ||
        !vmm_domain_verbatim_parse(ctxt, def, error))
        return NULL;
    return g_steal_pointer(&def);
}

/* ---- defaults ---- */

gboolean
vmm_domain_def_post_parse(VmmDomainDef *def, GError **error)
{
    if (vmm_uuid_is_null(def->uuid))
        vmm_uuid_generate(def->uuid);

    /* NUMA cells, when given, define the total memory. */
    if (def->cpu.numa_cells && def->cpu.numa_cells->len > 0) {
        guint64 total = 0;
        for (guint i = 0; i < def->cpu.numa_cells->len; i++)
            total += ((VmmDomainNumaCell *)def->cpu.numa_cells->pdata[i])->memory_kib;
        def->memory_kib = total;
    }
    if (def->memory_kib == 0) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("memory size must be given in <memory> or in the NUMA cells"));
        return FALSE;
    }
    if (def->current_memory_kib == 0)
        def->current_memory_kib = def->memory_kib;

    if (def->vcpus == 0)
        def->vcpus = 1;
    if (def->vcpus_current == 0)
        def->vcpus_current = def->vcpus;
    if (!def->vcpu_placement)
        def->vcpu_placement = g_strdup("static");

    if (!def->os_type)
        def->os_type = g_strdup("hvm");

    return vmm_domain_devices_post_parse(&def->devices, def->virt_type, def->os_arch,
                                         def->os_machine, error);
}

/* ---- validate ---- */

gboolean
vmm_domain_def_validate(const VmmDomainDef *def, GError **error)
{
    if (!vmm_def_check_name(def->name, "domain", error))
        return FALSE;

    if (def->current_memory_kib > def->memory_kib) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("currentMemory %" G_GUINT64_FORMAT " KiB is larger than memory %"
                        G_GUINT64_FORMAT " KiB"),
                      def->current_memory_kib, def->memory_kib);
        return FALSE;
    }
    if (def->max_memory_kib && def->max_memory_kib < def->memory_kib) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("maxMemory %" G_GUINT64_FORMAT " KiB is smaller than memory %"
                        G_GUINT64_FORMAT " KiB"),
                      def->max_memory_kib, def->memory_kib);
        return FALSE;
    }
    if (def->max_memory_kib && def->max_memory_slots == 0) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("maxMemory needs a non-zero number of memory slots"));
        return FALSE;
    }
    if (def->vcpus_current > def->vcpus) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("current vcpus %u is larger than the maximum %u"),
                      def->vcpus_current, def->vcpus);
        return FALSE;
    }
    if (g_strcmp0(def->os_type, "hvm") != 0) {
        vmm_error_set(error, VMM_ERR_OS_TYPE, _("unsupported OS type '%s'"), def->os_type);
        return FALSE;
    }
    if (!vmm_domain_cpu_validate(def, error) ||
        !vmm_domain_cputune_validate(def, error))
        return FALSE;
    return vmm_domain_devices_validate(&def->devices, error);
}

VmmDomainDef *
vmm_domain_def_parse_string(const char *xml, const char *url, unsigned int flags,
                            GError **error)
{
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlDoc) doc = NULL;
    g_autoptr(VmmDomainDef) def = NULL;

    if (!url)
        url = "(domain_definition)";
    if (!(doc = vmm_xml_parse(xml, url, "domain", &ctxt, error)))
        return NULL;
    if ((flags & VMM_DOMAIN_DEF_PARSE_VALIDATE) && !vmm_xml_validate(doc, "domain", error))
        return NULL;
    if (!(def = vmm_domain_def_parse_node(ctxt, error)) ||
        !vmm_domain_def_post_parse(def, error) ||
        !vmm_domain_def_validate(def, error))
        return NULL;
    return g_steal_pointer(&def);
}

/* ---- format ---- */

static void
format_kib(GString *buf, int indent, const char *name, guint64 kib)
{
    vmm_buf_indent(buf, indent);
    g_string_append_printf(buf, "<%s unit='KiB'>%" G_GUINT64_FORMAT "</%s>\n",
                           name, kib, name);
}

static void
format_general(GString *buf, const VmmDomainDef *def)
{
    char uuid[VMM_UUID_STRING_BUFLEN];

    vmm_buf_text_elem(buf, 2, "name", def->name);
    vmm_buf_text_elem(buf, 2, "uuid", vmm_uuid_format(def->uuid, uuid));
    if (def->genid_set)
        vmm_buf_text_elem(buf, 2, "genid", vmm_uuid_format(def->genid, uuid));
    else if (def->has_genid)
        g_string_append(buf, "  <genid/>\n");
    vmm_buf_text_elem(buf, 2, "title", def->title);
    vmm_buf_text_elem(buf, 2, "description", def->description);
    if (def->metadata && def->metadata->len > 0) {
        g_string_append(buf, "  <metadata>\n");
        for (guint i = 0; i < def->metadata->len; i++)
            vmm_buf_fragment(buf, 4, def->metadata->pdata[i]);
        g_string_append(buf, "  </metadata>\n");
    }
}

static void
format_memory(GString *buf, const VmmDomainDef *def)
{
    if (def->max_memory_kib) {
        g_string_append_printf(buf, "  <maxMemory slots='%u' unit='KiB'>%" G_GUINT64_FORMAT
                               "</maxMemory>\n", def->max_memory_slots,
                               def->max_memory_kib);
    }
    format_kib(buf, 2, "memory", def->memory_kib);
    format_kib(buf, 2, "currentMemory", def->current_memory_kib);
}

static void
format_vcpu(GString *buf, const VmmDomainDef *def)
{
    g_string_append(buf, "  <vcpu");
    vmm_buf_attr(buf, "placement", def->vcpu_placement);
    vmm_buf_attr(buf, "cpuset", def->vcpu_cpuset);
    if (def->vcpus_current && def->vcpus_current != def->vcpus)
        vmm_buf_attr_printf(buf, "current", "%u", def->vcpus_current);
    g_string_append_printf(buf, ">%u</vcpu>\n", def->vcpus);
    if (def->iothreads)
        g_string_append_printf(buf, "  <iothreads>%u</iothreads>\n", def->iothreads);
}

static void
format_lifecycle(GString *buf, const VmmDomainDef *def)
{
    vmm_buf_text_elem(buf, 2, "on_poweroff",
                      vmm_enum_to_string(vmm_domain_lifecycle_table, def->on_poweroff));
    vmm_buf_text_elem(buf, 2, "on_reboot",
                      vmm_enum_to_string(vmm_domain_lifecycle_table, def->on_reboot));
    vmm_buf_text_elem(buf, 2, "on_crash",
                      vmm_enum_to_string(vmm_domain_lifecycle_table, def->on_crash));
    if (def->on_lockfailure != VMM_DOMAIN_LOCKFAILURE_DEFAULT)
        vmm_buf_text_elem(buf, 2, "on_lockfailure",
                          vmm_enum_to_string(domain_lockfailure_table,
                                             def->on_lockfailure));
}

static void
format_pm(GString *buf, const VmmDomainDef *def)
{
    if (!def->pm_suspend_to_mem && !def->pm_suspend_to_disk)
        return;
    g_string_append(buf, "  <pm>\n");
    if (def->pm_suspend_to_mem)
        g_string_append_printf(buf, "    <suspend-to-mem enabled='%s'/>\n",
                               vmm_tristate_yesno(def->pm_suspend_to_mem));
    if (def->pm_suspend_to_disk)
        g_string_append_printf(buf, "    <suspend-to-disk enabled='%s'/>\n",
                               vmm_tristate_yesno(def->pm_suspend_to_disk));
    g_string_append(buf, "  </pm>\n");
}

char *
vmm_domain_def_format(const VmmDomainDef *def, int id, unsigned int flags)
{
    GString *buf = g_string_new("<domain");

    vmm_buf_attr(buf, "type", def->virt_type);
    if (id >= 0 && !(flags & VMM_DOMAIN_DEF_FORMAT_INACTIVE))
        vmm_buf_attr_printf(buf, "id", "%d", id);
    g_string_append(buf, ">\n");

    /* libvirt's dumpxml order. */
    format_general(buf, def);
    format_memory(buf, def);
    vmm_domain_verbatim_format(buf, 2, def, VMM_DOMAIN_VERBATIM_BEFORE_MEMBACKING);
    vmm_domain_mem_backing_format(buf, 2, def);
    format_vcpu(buf, def);
    vmm_domain_cputune_format(buf, 2, def);
    vmm_domain_numatune_format(buf, 2, def);
    if (def->resource_partition) {
        g_string_append(buf, "  <resource>\n");
        vmm_buf_text_elem(buf, 4, "partition", def->resource_partition);
        g_string_append(buf, "  </resource>\n");
    }
    vmm_domain_verbatim_format(buf, 2, def, VMM_DOMAIN_VERBATIM_AFTER_RESOURCE);
    vmm_domain_os_format(buf, 2, def);
    vmm_domain_verbatim_format(buf, 2, def, VMM_DOMAIN_VERBATIM_AFTER_OS);
    vmm_domain_features_format(buf, 2, def);
    vmm_domain_cpu_format(buf, 2, def);
    vmm_domain_clock_format(buf, 2, def);
    format_lifecycle(buf, def);
    format_pm(buf, def);
    vmm_domain_verbatim_format(buf, 2, def, VMM_DOMAIN_VERBATIM_AFTER_PM);
    vmm_domain_devices_format(buf, 2, &def->devices, flags);
    vmm_domain_verbatim_format(buf, 2, def, VMM_DOMAIN_VERBATIM_AFTER_DEVICES);
    g_string_append(buf, "</domain>\n");
    return g_string_free(buf, FALSE);
}

VmmDomainDef *
vmm_domain_def_copy(const VmmDomainDef *def)
{
    g_autofree char *xml = vmm_domain_def_format(def, -1, VMM_DOMAIN_DEF_FORMAT_SECURE);
    g_autoptr(GError) err = NULL;
    VmmDomainDef *copy;

    /* Formatting a valid definition gives valid XML, so a failure here is a
     * bug in the formatter, not a run-time error. */
    copy = vmm_domain_def_parse_string(xml, "(domain_copy)", 0, &err);
    if (!copy)
        g_critical("cannot copy domain '%s': %s", def->name, err->message);
    return copy;
}
