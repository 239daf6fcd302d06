/*
 * domain_def_features.c: <features> (including Hyper-V and KVM
 * enlightenments) and <clock> of a domain.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_def_priv.h"
#include "util/vmm_error.h"

#include <string.h>

const char *const vmm_domain_feature_table[] = {
    "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm",
    "pvspinlock", "pmu", "vmport", "smm", "ioapic", "vmcoreinfo", NULL
};

const char *const vmm_domain_hyperv_table[] = {
    "relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer",
    "reset", "vendor_id", "frequencies", "reenlightenment", "tlbflush", "ipi",
    "evmcs", "avic", NULL
};

const char *const vmm_domain_kvm_feature_table[] = {
    "hidden", "hint-dedicated", "poll-control", "pv-ipi", NULL
};

static const char *const hyperv_mode_table[] = { "custom", "passthrough", NULL };
static const char *const ioapic_driver_table[] = { "kvm", "qemu", NULL };

static const char *const clock_offset_table[] = {
    "utc", "localtime", "variable", "timezone", NULL
};
static const char *const clock_basis_table[] = { "utc", "localtime", NULL };
static const char *const timer_name_table[] = {
    "platform", "pit", "rtc", "hpet", "tsc", "kvmclock", "hypervclock",
    "armvtimer", NULL
};
static const char *const timer_tickpolicy_table[] = {
    "delay", "catchup", "merge", "discard", NULL
};
static const char *const timer_track_table[] = {
    "boot", "guest", "wall", "realtime", NULL
};
static const char *const timer_mode_table[] = {
    "auto", "native", "emulate", "paravirt", "smpsafe", NULL
};

/* Hyper-V spinlock retries below this are refused by libvirt and QEMU. */
#define HYPERV_SPINLOCK_MIN 4095
/* The Hyper-V vendor id is a 12-byte CPUID string. */
#define HYPERV_VENDOR_ID_MAX 12

static void
timer_free(gpointer p)
{
    VmmDomainTimer *t = p;
    g_free(t->name);
    g_free(t->tickpolicy);
    g_free(t->track);
    g_free(t->mode);
    g_free(t);
}

void
vmm_domain_features_clear(VmmDomainDef *def)
{
    g_free(def->features.ioapic_driver);
    g_free(def->features.hyperv_mode);
    g_free(def->features.hyperv_vendor_id);
    g_free(def->clock_basis);
    g_free(def->clock_timezone);
    g_clear_pointer(&def->timers, g_ptr_array_unref);
}

/* A child with a required state='on|off' (Hyper-V and KVM enlightenments). */
static gboolean
required_state(xmlNode *node, const char *what, VmmTristate *out, GError **error)
{
    if (!vmm_domain_parse_tristate_attr(node, "state", what, out, error))
        return FALSE;
    if (!*out) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing 'state' attribute of %s"),
                      what);
        return FALSE;
    }
    return TRUE;
}

static gboolean
parse_hyperv_child(xmlNode *node, int which, VmmDomainFeaturesDef *f, GError **error)
{
    g_autofree char *what = g_strdup_printf("hyperv %s", (const char *)node->name);

    if (!required_state(node, what, &f->hyperv[which], error))
        return FALSE;
    if (f->hyperv[which] != VMM_TRISTATE_YES)
        return TRUE;

    switch (which) {
    case VMM_DOMAIN_HYPERV_SPINLOCKS: {
        g_autofree char *retries = vmm_xml_prop(node, "retries");
        if (!retries) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing hyperv spinlocks retries"));
            return FALSE;
        }
        if (!vmm_xml_parse_uint(retries, "hyperv spinlocks retries", G_MAXUINT,
                                &f->hyperv_spinlock_retries, error))
            return FALSE;
        if (f->hyperv_spinlock_retries < HYPERV_SPINLOCK_MIN) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("hyperv spinlocks retries '%s' is below %d"), retries,
                          HYPERV_SPINLOCK_MIN);
            return FALSE;
        }
        break;
    }
    case VMM_DOMAIN_HYPERV_VENDOR_ID:
        f->hyperv_vendor_id = vmm_xml_prop(node, "value");
        if (!f->hyperv_vendor_id || !*f->hyperv_vendor_id ||
            strlen(f->hyperv_vendor_id) > HYPERV_VENDOR_ID_MAX) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("invalid hyperv vendor_id value '%s'"),
                          f->hyperv_vendor_id ? f->hyperv_vendor_id : "");
            return FALSE;
        }
        break;
    case VMM_DOMAIN_HYPERV_STIMER:
        for (xmlNode *c = node->children; c; c = c->next) {
            if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "direct") == 0 &&
                !required_state(c, "hyperv stimer direct", &f->hyperv_stimer_direct, error))
                return FALSE;
        }
        break;
    default:
        break;
    }
    return TRUE;
}

static gboolean
parse_hyperv(xmlNode *node, VmmDomainFeaturesDef *f, GError **error)
{
    if (!vmm_domain_parse_enum_str(node, "mode", hyperv_mode_table, _("hyperv mode"),
                                   &f->hyperv_mode, error))
        return FALSE;
    if (!f->hyperv_mode)
        f->hyperv_mode = g_strdup("custom");
    for (xmlNode *c = node->children; c; c = c->next) {
        int which;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        which = vmm_enum_from_string(vmm_domain_hyperv_table, (const char *)c->name);
        if (which < 0)
            continue;   /* enlightenments we don't model are dropped */
        if (!parse_hyperv_child(c, which, f, error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
parse_kvm(xmlNode *node, VmmDomainFeaturesDef *f, GError **error)
{
    for (xmlNode *c = node->children; c; c = c->next) {
        g_autofree char *what = NULL;
        int which;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        which = vmm_enum_from_string(vmm_domain_kvm_feature_table, (const char *)c->name);
        if (which < 0)
            continue;
        what = g_strdup_printf("kvm %s", (const char *)c->name);
        if (!required_state(c, what, &f->kvm[which], error))
            return FALSE;
    }
    return TRUE;
}

static gboolean
parse_feature(xmlNode *node, int which, VmmDomainFeaturesDef *f, GError **error)
{
    const char *name = vmm_domain_feature_table[which];

    switch ((VmmDomainFeature)which) {
    case VMM_DOMAIN_FEATURE_ACPI:
    case VMM_DOMAIN_FEATURE_PAE:
    case VMM_DOMAIN_FEATURE_VIRIDIAN:
    case VMM_DOMAIN_FEATURE_PRIVNET:
        f->state[which] = VMM_TRISTATE_YES;
        return TRUE;
    case VMM_DOMAIN_FEATURE_APIC:
        f->state[which] = VMM_TRISTATE_YES;
        return vmm_domain_parse_tristate_attr(node, "eoi", "apic eoi", &f->apic_eoi, error);
    case VMM_DOMAIN_FEATURE_HAP:
    case VMM_DOMAIN_FEATURE_PVSPINLOCK:
    case VMM_DOMAIN_FEATURE_PMU:
    case VMM_DOMAIN_FEATURE_VMPORT:
    case VMM_DOMAIN_FEATURE_SMM:
    case VMM_DOMAIN_FEATURE_VMCOREINFO: {
        g_autofree char *what = g_strdup_printf("%s state", name);
        if (!vmm_domain_parse_tristate_attr(node, "state", what, &f->state[which], error))
            return FALSE;
        /* <hap/> alone means on. */
        if (!f->state[which])
            f->state[which] = VMM_TRISTATE_YES;
        return TRUE;
    }
    case VMM_DOMAIN_FEATURE_HYPERV:
        f->state[which] = VMM_TRISTATE_YES;
        return parse_hyperv(node, f, error);
    case VMM_DOMAIN_FEATURE_KVM:
        f->state[which] = VMM_TRISTATE_YES;
        return parse_kvm(node, f, error);
    case VMM_DOMAIN_FEATURE_IOAPIC:
        f->state[which] = VMM_TRISTATE_YES;
        return vmm_domain_parse_enum_str(node, "driver", ioapic_driver_table, _("ioapic driver"),
                                         &f->ioapic_driver, error);
    case VMM_DOMAIN_FEATURE_LAST:
        break;
    }
    g_assert_not_reached();
}

gboolean
vmm_domain_features_parse(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    xmlNode *node = vmm_xml_node(ctxt, "./features[1]");

    if (!node)
        return TRUE;
    for (xmlNode *c = node->children; c; c = c->next) {
        int which;

        if (c->type != XML_ELEMENT_NODE)
            continue;
        /* Features we don't model (gic, htm, ...) are dropped like other
         * unknown elements. */
        which = vmm_enum_from_string(vmm_domain_feature_table, (const char *)c->name);
        if (which < 0)
            continue;
        if (!parse_feature(c, which, &def->features, error))
            return FALSE;
    }
    return TRUE;
}

static void
format_state_elem(GString *buf, int indent, const char *name, VmmTristate state)
{
    vmm_buf_indent(buf, indent);
    g_string_append_printf(buf, "<%s state='%s'/>\n", name, vmm_tristate_onoff(state));
}

static void
format_hyperv(GString *buf, int indent, const VmmDomainFeaturesDef *f)
{
    gboolean any = FALSE;

    for (int i = 0; i < VMM_DOMAIN_HYPERV_LAST; i++)
        any |= f->hyperv[i] != VMM_TRISTATE_ABSENT;
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<hyperv");
    vmm_buf_attr(buf, "mode", f->hyperv_mode);
    if (!any) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    for (int i = 0; i < VMM_DOMAIN_HYPERV_LAST; i++) {
        const char *name = vmm_domain_hyperv_table[i];
        gboolean on = f->hyperv[i] == VMM_TRISTATE_YES;

        if (!f->hyperv[i])
            continue;
        vmm_buf_indent(buf, indent + 2);
        g_string_append_printf(buf, "<%s state='%s'", name,
                               vmm_tristate_onoff(f->hyperv[i]));
        if (on && i == VMM_DOMAIN_HYPERV_SPINLOCKS)
            vmm_buf_attr_printf(buf, "retries", "%" G_GUINT64_FORMAT,
                                f->hyperv_spinlock_retries);
        if (on && i == VMM_DOMAIN_HYPERV_VENDOR_ID)
            vmm_buf_attr(buf, "value", f->hyperv_vendor_id);
        if (on && i == VMM_DOMAIN_HYPERV_STIMER && f->hyperv_stimer_direct) {
            g_string_append(buf, ">\n");
            format_state_elem(buf, indent + 4, "direct", f->hyperv_stimer_direct);
            vmm_buf_indent(buf, indent + 2);
            g_string_append(buf, "</stimer>\n");
            continue;
        }
        g_string_append(buf, "/>\n");
    }
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</hyperv>\n");
}

static void
format_kvm(GString *buf, int indent, const VmmDomainFeaturesDef *f)
{
    gboolean any = FALSE;

    for (int i = 0; i < VMM_DOMAIN_KVM_LAST; i++)
        any |= f->kvm[i] != VMM_TRISTATE_ABSENT;
    vmm_buf_indent(buf, indent);
    if (!any) {
        g_string_append(buf, "<kvm/>\n");
        return;
    }
    g_string_append(buf, "<kvm>\n");
    for (int i = 0; i < VMM_DOMAIN_KVM_LAST; i++) {
        if (f->kvm[i])
            format_state_elem(buf, indent + 2, vmm_domain_kvm_feature_table[i], f->kvm[i]);
    }
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</kvm>\n");
}

void
vmm_domain_features_format(GString *buf, int indent, const VmmDomainDef *def)
{
    const VmmDomainFeaturesDef *f = &def->features;
    gboolean any = FALSE;

    for (int i = 0; i < VMM_DOMAIN_FEATURE_LAST; i++)
        any |= f->state[i] != VMM_TRISTATE_ABSENT;
    if (!any)
        return;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<features>\n");
    for (int i = 0; i < VMM_DOMAIN_FEATURE_LAST; i++) {
        const char *name = vmm_domain_feature_table[i];

        if (!f->state[i])
            continue;
        switch ((VmmDomainFeature)i) {
        case VMM_DOMAIN_FEATURE_ACPI:
        case VMM_DOMAIN_FEATURE_PAE:
        case VMM_DOMAIN_FEATURE_VIRIDIAN:
        case VMM_DOMAIN_FEATURE_PRIVNET:
            vmm_buf_indent(buf, indent + 2);
            g_string_append_printf(buf, "<%s/>\n", name);
            break;
        case VMM_DOMAIN_FEATURE_APIC:
            vmm_buf_indent(buf, indent + 2);
            g_string_append(buf, "<apic");
            vmm_buf_attr(buf, "eoi", vmm_tristate_onoff(f->apic_eoi));
            g_string_append(buf, "/>\n");
            break;
        case VMM_DOMAIN_FEATURE_HAP:
        case VMM_DOMAIN_FEATURE_PVSPINLOCK:
        case VMM_DOMAIN_FEATURE_PMU:
        case VMM_DOMAIN_FEATURE_VMPORT:
        case VMM_DOMAIN_FEATURE_SMM:
        case VMM_DOMAIN_FEATURE_VMCOREINFO:
            format_state_elem(buf, indent + 2, name, f->state[i]);
            break;
        case VMM_DOMAIN_FEATURE_HYPERV:
            format_hyperv(buf, indent + 2, f);
            break;
        case VMM_DOMAIN_FEATURE_KVM:
            format_kvm(buf, indent + 2, f);
            break;
        case VMM_DOMAIN_FEATURE_IOAPIC:
            vmm_buf_indent(buf, indent + 2);
            g_string_append(buf, "<ioapic");
            vmm_buf_attr(buf, "driver", f->ioapic_driver);
            g_string_append(buf, "/>\n");
            break;
        case VMM_DOMAIN_FEATURE_LAST:
            break;
        }
    }
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</features>\n");
}

/* ---- <clock> ---- */

static gboolean
parse_timer(xmlNode *node, VmmDomainTimer *t, GError **error)
{
    g_autofree char *freq = vmm_xml_prop(node, "frequency");

    t->name = vmm_xml_prop(node, "name");
    if (!t->name) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing timer name"));
        return FALSE;
    }
    if (vmm_enum_from_string(timer_name_table, t->name) < 0) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED, _("unknown timer name '%s'"),
                      t->name);
        return FALSE;
    }
    if (!vmm_domain_parse_tristate_attr(node, "present", "timer present", &t->present,
                                        error) ||
        !vmm_domain_parse_enum_str(node, "tickpolicy", timer_tickpolicy_table,
                                   _("timer tickpolicy"), &t->tickpolicy, error) ||
        !vmm_domain_parse_enum_str(node, "track", timer_track_table, _("timer track"),
                                   &t->track, error) ||
        !vmm_domain_parse_enum_str(node, "mode", timer_mode_table, _("timer mode"),
                                   &t->mode, error))
        return FALSE;
    if (freq && !vmm_xml_parse_uint(freq, "timer frequency", 0, &t->frequency, error))
        return FALSE;
    return TRUE;
}

gboolean
vmm_domain_clock_parse(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    xmlNode *clock = vmm_xml_node(ctxt, "./clock[1]");
    g_autofree xmlNode **timers = NULL;
    g_autofree char *adj = NULL;
    int offset, n;

    def->timers = g_ptr_array_new_with_free_func(timer_free);
    if (!clock)
        return TRUE;
    if (!vmm_domain_parse_enum_attr(clock, "offset", clock_offset_table,
                                    _("clock offset"), VMM_DOMAIN_CLOCK_UTC, &offset,
                                    error))
        return FALSE;
    def->clock_offset = offset;

    switch (def->clock_offset) {
    case VMM_DOMAIN_CLOCK_VARIABLE:
        adj = vmm_xml_prop(clock, "adjustment");
        if (adj && !vmm_xml_parse_int(adj, "clock adjustment", &def->clock_adjustment,
                                      error))
            return FALSE;
        def->has_clock_adjustment = TRUE;
        if (!vmm_domain_parse_enum_str(clock, "basis", clock_basis_table, _("clock basis"),
                                       &def->clock_basis, error))
            return FALSE;
        if (!def->clock_basis)
            def->clock_basis = g_strdup("utc");
        break;
    case VMM_DOMAIN_CLOCK_TIMEZONE:
        def->clock_timezone = vmm_xml_prop(clock, "timezone");
        if (!def->clock_timezone) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing clock timezone"));
            return FALSE;
        }
        break;
    default:
        break;
    }

    n = vmm_xml_nodes(ctxt, "./clock/timer", &timers);
    for (int i = 0; i < n; i++) {
        VmmDomainTimer *t = g_new0(VmmDomainTimer, 1);

        g_ptr_array_add(def->timers, t);
        if (!parse_timer(timers[i], t, error))
            return FALSE;
    }
    return TRUE;
}

void
vmm_domain_clock_format(GString *buf, int indent, const VmmDomainDef *def)
{
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<clock");
    vmm_buf_attr(buf, "offset", vmm_enum_to_string(clock_offset_table, def->clock_offset));
    if (def->clock_offset == VMM_DOMAIN_CLOCK_VARIABLE) {
        vmm_buf_attr_printf(buf, "adjustment", "%" G_GINT64_FORMAT, def->clock_adjustment);
        vmm_buf_attr(buf, "basis", def->clock_basis);
    }
    if (def->clock_offset == VMM_DOMAIN_CLOCK_TIMEZONE)
        vmm_buf_attr(buf, "timezone", def->clock_timezone);
    if (!def->timers || def->timers->len == 0) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");
    for (guint i = 0; i < def->timers->len; i++) {
        const VmmDomainTimer *t = def->timers->pdata[i];

        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<timer");
        vmm_buf_attr(buf, "name", t->name);
        vmm_buf_attr(buf, "present", vmm_tristate_yesno(t->present));
        vmm_buf_attr(buf, "tickpolicy", t->tickpolicy);
        vmm_buf_attr(buf, "track", t->track);
        if (t->frequency)
            vmm_buf_attr_printf(buf, "frequency", "%" G_GUINT64_FORMAT, t->frequency);
        vmm_buf_attr(buf, "mode", t->mode);
        g_string_append(buf, "/>\n");
    }
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</clock>\n");
}
