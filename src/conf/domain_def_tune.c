/*
 * domain_def_tune.c: <cputune>, CPU list syntax, and the libvirt elements
 * vmm carries verbatim without modelling them (sysinfo, seclabel, ...).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_def_priv.h"
#include "util/vmm_error.h"

#include <errno.h>
#include <string.h>

/* libvirt's limits for CFS bandwidth (cgroup cpu.cfs_period_us/quota_us). */
#define CPUTUNE_PERIOD_MIN 1000
#define CPUTUNE_PERIOD_MAX 1000000
#define CPUTUNE_QUOTA_MIN 1000
#define CPUTUNE_QUOTA_MAX 17592186044415LL

/* Highest CPU or NUMA node number accepted in a list. */
#define CPUSET_MAX 65535

gboolean
vmm_domain_check_cpuset(const char *str, const char *what, GError **error)
{
    const char *p = str;

    /* Entries: N, N-M or ^N, separated by commas. */
    while (p && *p) {
        guint64 first, last;
        char *end;
        gboolean negate = *p == '^';

        if (negate)
            p++;
        if (!g_ascii_isdigit(*p))
            goto bad;
        errno = 0;
        first = g_ascii_strtoull(p, &end, 10);
        if (errno || first > CPUSET_MAX)
            goto bad;
        p = end;
        if (*p == '-' && !negate) {
            p++;
            if (!g_ascii_isdigit(*p))
                goto bad;
            last = g_ascii_strtoull(p, &end, 10);
            if (errno || last > CPUSET_MAX || last < first)
                goto bad;
            p = end;
        }
        if (*p == ',') {
            p++;
            if (!*p)
                goto bad;
        } else if (*p) {
            goto bad;
        }
    }
    if (str && *str)
        return TRUE;
 bad:
    vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid %s '%s'"), what, str ? str : "");
    return FALSE;
}

/* ---- <cputune> ---- */

static void
pin_free(gpointer p)
{
    VmmDomainPin *pin = p;
    g_free(pin->cpuset);
    g_free(pin);
}

void
vmm_domain_cputune_clear(VmmDomainDef *def)
{
    g_clear_pointer(&def->cputune.vcpupins, g_ptr_array_unref);
    g_clear_pointer(&def->cputune.emulatorpin, g_free);
    g_clear_pointer(&def->cputune.iothreadpins, g_ptr_array_unref);
    for (int i = 0; i < VMM_DOMAIN_VERBATIM_LAST; i++)
        g_clear_pointer(&def->verbatim[i], g_ptr_array_unref);
}

/* The period/quota pairs, in libvirt's output order. */
static const struct {
    const char *name;
    gboolean quota;
    gsize offset;
} cputune_values[] = {
    { "period", FALSE, G_STRUCT_OFFSET(VmmDomainCputuneDef, period) },
    { "quota", TRUE, G_STRUCT_OFFSET(VmmDomainCputuneDef, quota) },
    { "global_period", FALSE, G_STRUCT_OFFSET(VmmDomainCputuneDef, global_period) },
    { "global_quota", TRUE, G_STRUCT_OFFSET(VmmDomainCputuneDef, global_quota) },
    { "emulator_period", FALSE, G_STRUCT_OFFSET(VmmDomainCputuneDef, emulator_period) },
    { "emulator_quota", TRUE, G_STRUCT_OFFSET(VmmDomainCputuneDef, emulator_quota) },
    { "iothread_period", FALSE, G_STRUCT_OFFSET(VmmDomainCputuneDef, iothread_period) },
    { "iothread_quota", TRUE, G_STRUCT_OFFSET(VmmDomainCputuneDef, iothread_quota) },
};

static gboolean
parse_cputune_value(xmlXPathContext *ctxt, int i, VmmDomainCputuneDef *tune,
                    GError **error)
{
    g_autofree char *xpath = g_strdup_printf("./cputune/%s[1]", cputune_values[i].name);
    g_autofree char *what = g_strdup_printf("cputune %s", cputune_values[i].name);
    g_autofree char *str = vmm_xml_string(ctxt, xpath);

    if (!str)
        return TRUE;
    if (cputune_values[i].quota) {
        gint64 v;
        if (!vmm_xml_parse_int(str, what, &v, error))
            return FALSE;
        /* -1 is "unlimited"; 0 is the same as absent. */
        if (v != 0 && v != -1 && (v < CPUTUNE_QUOTA_MIN || v > CPUTUNE_QUOTA_MAX)) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '%s' for %s"),
                          str, what);
            return FALSE;
        }
        G_STRUCT_MEMBER(gint64, tune, cputune_values[i].offset) = v;
    } else {
        guint64 v;
        if (!vmm_xml_parse_uint(str, what, 0, &v, error))
            return FALSE;
        if (v != 0 && (v < CPUTUNE_PERIOD_MIN || v > CPUTUNE_PERIOD_MAX)) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '%s' for %s"),
                          str, what);
            return FALSE;
        }
        G_STRUCT_MEMBER(guint64, tune, cputune_values[i].offset) = v;
    }
    return TRUE;
}

static gint
pin_compare(gconstpointer a, gconstpointer b)
{
    const VmmDomainPin *pa = *(VmmDomainPin *const *)a;
    const VmmDomainPin *pb = *(VmmDomainPin *const *)b;

    return pa->id < pb->id ? -1 : pa->id > pb->id;
}

static gboolean
parse_pins(xmlXPathContext *ctxt, const char *elem, const char *id_attr,
           GPtrArray **out, GError **error)
{
    g_autofree char *xpath = g_strdup_printf("./cputune/%s", elem);
    g_autofree xmlNode **nodes = NULL;
    int n = vmm_xml_nodes(ctxt, xpath, &nodes);

    *out = g_ptr_array_new_with_free_func(pin_free);
    for (int i = 0; i < n; i++) {
        VmmDomainPin *pin = g_new0(VmmDomainPin, 1);
        g_autofree char *id = vmm_xml_prop(nodes[i], id_attr);
        g_autofree char *what = g_strdup_printf("%s %s", elem, id_attr);
        guint64 v = 0;

        g_ptr_array_add(*out, pin);
        if (!id) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing %s"), what);
            return FALSE;
        }
        if (!vmm_xml_parse_uint(id, what, G_MAXUINT, &v, error))
            return FALSE;
        pin->id = v;
        pin->cpuset = vmm_xml_prop(nodes[i], "cpuset");
        g_free(what);
        what = g_strdup_printf("%s cpuset", elem);
        if (!vmm_domain_check_cpuset(pin->cpuset, what, error))
            return FALSE;
        for (int j = 0; j < (int)(*out)->len - 1; j++) {
            if (((VmmDomainPin *)(*out)->pdata[j])->id == pin->id) {
                vmm_error_set(error, VMM_ERR_XML_ERROR, _("duplicate %s for %s '%u'"),
                              elem, id_attr, pin->id);
                return FALSE;
            }
        }
    }
    /* libvirt keeps pins on the vcpu/iothread they pin, so they come out
     * ordered by id. */
    g_ptr_array_sort(*out, pin_compare);
    return TRUE;
}

gboolean
vmm_domain_cputune_parse(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    VmmDomainCputuneDef *tune = &def->cputune;
    g_autofree char *shares = NULL;
    xmlNode *emu;

    if (!vmm_xml_node(ctxt, "./cputune[1]"))
        return TRUE;
    tune->present = TRUE;
    if ((shares = vmm_xml_string(ctxt, "./cputune/shares[1]"))) {
        if (!vmm_xml_parse_uint(shares, "cputune shares", 262144, &tune->shares, error))
            return FALSE;
        tune->has_shares = TRUE;
    }
    for (gsize i = 0; i < G_N_ELEMENTS(cputune_values); i++) {
        if (!parse_cputune_value(ctxt, i, tune, error))
            return FALSE;
    }
    if (!parse_pins(ctxt, "vcpupin", "vcpu", &tune->vcpupins, error))
        return FALSE;
    if ((emu = vmm_xml_node(ctxt, "./cputune/emulatorpin[1]"))) {
        tune->emulatorpin = vmm_xml_prop(emu, "cpuset");
        if (!vmm_domain_check_cpuset(tune->emulatorpin, "emulatorpin cpuset", error))
            return FALSE;
    }
    return parse_pins(ctxt, "iothreadpin", "iothread", &tune->iothreadpins, error);
}

gboolean
vmm_domain_cputune_validate(const VmmDomainDef *def, GError **error)
{
    const VmmDomainCputuneDef *tune = &def->cputune;

    for (guint i = 0; tune->vcpupins && i < tune->vcpupins->len; i++) {
        const VmmDomainPin *pin = tune->vcpupins->pdata[i];
        if (pin->id >= def->vcpus) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("vcpupin vcpu '%u' is beyond the %u vcpus"), pin->id,
                          def->vcpus);
            return FALSE;
        }
    }
    for (guint i = 0; tune->iothreadpins && i < tune->iothreadpins->len; i++) {
        const VmmDomainPin *pin = tune->iothreadpins->pdata[i];
        if (pin->id == 0 || pin->id > def->iothreads) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("iothreadpin iothread '%u' is not one of the %u iothreads"),
                          pin->id, def->iothreads);
            return FALSE;
        }
    }
    return TRUE;
}

static void
format_pins(GString *buf, int indent, const char *elem, const char *id_attr,
            const GPtrArray *pins)
{
    for (guint i = 0; pins && i < pins->len; i++) {
        const VmmDomainPin *pin = pins->pdata[i];
        vmm_buf_indent(buf, indent);
        g_string_append_printf(buf, "<%s %s='%u'", elem, id_attr, pin->id);
        vmm_buf_attr(buf, "cpuset", pin->cpuset);
        g_string_append(buf, "/>\n");
    }
}

void
vmm_domain_cputune_format(GString *buf, int indent, const VmmDomainDef *def)
{
    const VmmDomainCputuneDef *tune = &def->cputune;
    g_autoptr(GString) inner = g_string_new(NULL);

    if (tune->has_shares) {
        vmm_buf_indent(inner, indent + 2);
        g_string_append_printf(inner, "<shares>%" G_GUINT64_FORMAT "</shares>\n",
                               tune->shares);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(cputune_values); i++) {
        const char *name = cputune_values[i].name;

        if (cputune_values[i].quota) {
            gint64 v = G_STRUCT_MEMBER(gint64, tune, cputune_values[i].offset);
            if (!v)
                continue;
            vmm_buf_indent(inner, indent + 2);
            g_string_append_printf(inner, "<%s>%" G_GINT64_FORMAT "</%s>\n", name, v, name);
        } else {
            guint64 v = G_STRUCT_MEMBER(guint64, tune, cputune_values[i].offset);
            if (!v)
                continue;
            vmm_buf_indent(inner, indent + 2);
            g_string_append_printf(inner, "<%s>%" G_GUINT64_FORMAT "</%s>\n", name, v, name);
        }
    }
    format_pins(inner, indent + 2, "vcpupin", "vcpu", tune->vcpupins);
    if (tune->emulatorpin) {
        vmm_buf_indent(inner, indent + 2);
        g_string_append(inner, "<emulatorpin");
        vmm_buf_attr(inner, "cpuset", tune->emulatorpin);
        g_string_append(inner, "/>\n");
    }
    format_pins(inner, indent + 2, "iothreadpin", "iothread", tune->iothreadpins);

    /* An empty <cputune/> carries nothing; libvirt drops it too. */
    if (inner->len == 0)
        return;
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<cputune>\n");
    g_string_append(buf, inner->str);
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</cputune>\n");
}

/* ---- verbatim elements ---- */

static const struct {
    const char *name;
    VmmDomainVerbatimSlot slot;
} verbatim_elems[] = {
    { "blkiotune", VMM_DOMAIN_VERBATIM_BEFORE_MEMBACKING },
    { "memtune", VMM_DOMAIN_VERBATIM_BEFORE_MEMBACKING },
    { "sysinfo", VMM_DOMAIN_VERBATIM_AFTER_RESOURCE },
    { "idmap", VMM_DOMAIN_VERBATIM_AFTER_OS },
    { "perf", VMM_DOMAIN_VERBATIM_AFTER_PM },
    { "seclabel", VMM_DOMAIN_VERBATIM_AFTER_DEVICES },
    { "keywrap", VMM_DOMAIN_VERBATIM_AFTER_DEVICES },
    { "launchSecurity", VMM_DOMAIN_VERBATIM_AFTER_DEVICES },
};

/* Serialize @node in libvirt's style (two-space indentation, single-quoted
 * attributes, whitespace-only text dropped) so the kept copy is stable.
 * Comments and text mixed with elements are not kept. */
static void
serialize_node(GString *buf, int indent, xmlNode *node)
{
    gboolean has_elems = FALSE;

    vmm_buf_indent(buf, indent);
    g_string_append_printf(buf, "<%s", (const char *)node->name);
    for (xmlAttr *a = node->properties; a; a = a->next) {
        g_autofree char *val = vmm_xml_prop(node, (const char *)a->name);
        vmm_buf_attr(buf, (const char *)a->name, val ? val : "");
    }
    for (xmlNode *c = node->children; c; c = c->next)
        has_elems |= c->type == XML_ELEMENT_NODE;

    if (has_elems) {
        g_string_append(buf, ">\n");
        for (xmlNode *c = node->children; c; c = c->next) {
            if (c->type == XML_ELEMENT_NODE)
                serialize_node(buf, indent + 2, c);
        }
        vmm_buf_indent(buf, indent);
        g_string_append_printf(buf, "</%s>\n", (const char *)node->name);
    } else {
        xmlChar *text = xmlNodeGetContent(node);
        if (text && *text) {
            g_string_append_c(buf, '>');
            vmm_buf_escape(buf, (const char *)text);
            g_string_append_printf(buf, "</%s>\n", (const char *)node->name);
        } else {
            g_string_append(buf, "/>\n");
        }
        xmlFree(text);
    }
}

gboolean
vmm_domain_verbatim_parse(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    for (gsize i = 0; i < G_N_ELEMENTS(verbatim_elems); i++) {
        g_autofree char *xpath = g_strconcat("./", verbatim_elems[i].name, NULL);
        g_autofree xmlNode **nodes = NULL;
        int n = vmm_xml_nodes(ctxt, xpath, &nodes);
        VmmDomainVerbatimSlot slot = verbatim_elems[i].slot;

        for (int j = 0; j < n; j++) {
            GString *s = g_string_new(NULL);

            if (!def->verbatim[slot])
                def->verbatim[slot] = g_ptr_array_new_with_free_func(g_free);
            serialize_node(s, 0, nodes[j]);
            g_ptr_array_add(def->verbatim[slot], g_string_free(s, FALSE));
        }
    }
    return TRUE;
}

void
vmm_domain_verbatim_format(GString *buf, int indent, const VmmDomainDef *def,
                           VmmDomainVerbatimSlot slot)
{
    const GPtrArray *elems = def->verbatim[slot];

    for (guint i = 0; elems && i < elems->len; i++)
        vmm_buf_fragment(buf, indent, elems->pdata[i]);
}
