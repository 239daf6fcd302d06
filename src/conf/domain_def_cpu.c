/*
 * domain_def_cpu.c: <cpu>, <memoryBacking> and <numatune> of a domain.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_def_priv.h"
#include "util/vmm_error.h"

#include <string.h>

static const char *const cpu_mode_table[] = {
    "custom", "host-model", "host-passthrough", "maximum", NULL
};
static const char *const cpu_match_table[] = { "minimum", "exact", "strict", NULL };
static const char *const cpu_check_table[] = { "none", "partial", "full", NULL };
static const char *const cpu_fallback_table[] = { "allow", "forbid", NULL };
static const char *const cpu_policy_table[] = {
    "force", "require", "optional", "disable", "forbid", NULL
};
static const char *const mem_access_table[] = { "shared", "private", NULL };
static const char *const mem_source_table[] = { "file", "anonymous", "memfd", NULL };
static const char *const mem_allocation_table[] = { "immediate", "ondemand", NULL };
static const char *const numa_mode_table[] = {
    "strict", "preferred", "interleave", "restrictive", NULL
};
static const char *const numa_placement_table[] = { "static", "auto", NULL };

static void
cpu_feature_free(gpointer p)
{
    VmmDomainCpuFeatureDef *f = p;
    g_free(f->name);
    g_free(f->policy);
    g_free(f);
}

static void
numa_cell_free(gpointer p)
{
    VmmDomainNumaCell *c = p;
    g_free(c->cpus);
    g_free(c->mem_access);
    g_free(c);
}

static void
hugepage_free(gpointer p)
{
    VmmDomainHugepage *h = p;
    g_free(h->nodeset);
    g_free(h);
}

static void
memnode_free(gpointer p)
{
    VmmDomainMemnode *m = p;
    g_free(m->mode);
    g_free(m->nodeset);
    g_free(m);
}

void
vmm_domain_cpu_clear(VmmDomainDef *def)
{
    VmmDomainCpuDef *cpu = &def->cpu;

    g_free(cpu->match);
    g_free(cpu->check);
    g_free(cpu->model);
    g_free(cpu->model_fallback);
    g_free(cpu->vendor);
    g_clear_pointer(&cpu->features, g_ptr_array_unref);
    g_clear_pointer(&cpu->numa_cells, g_ptr_array_unref);

    g_clear_pointer(&def->hugepages, g_ptr_array_unref);
    g_free(def->mem_source_type);
    g_free(def->mem_access_mode);
    g_free(def->mem_allocation_mode);
    g_free(def->numa_mode);
    g_free(def->numa_nodeset);
    g_free(def->numa_placement);
    g_clear_pointer(&def->memnodes, g_ptr_array_unref);
}

/* ---- <cpu> ---- */

static gboolean
parse_topology(xmlNode *node, VmmDomainCpuDef *cpu, GError **error)
{
    static const struct { const char *attr; gsize offset; } attrs[] = {
        { "sockets", G_STRUCT_OFFSET(VmmDomainCpuDef, sockets) },
        { "dies", G_STRUCT_OFFSET(VmmDomainCpuDef, dies) },
        { "clusters", G_STRUCT_OFFSET(VmmDomainCpuDef, clusters) },
        { "cores", G_STRUCT_OFFSET(VmmDomainCpuDef, cores) },
        { "threads", G_STRUCT_OFFSET(VmmDomainCpuDef, threads) },
    };

    for (gsize i = 0; i < G_N_ELEMENTS(attrs); i++) {
        g_autofree char *what = g_strdup_printf("topology %s", attrs[i].attr);
        g_autofree char *str = vmm_xml_prop(node, attrs[i].attr);
        guint64 v = 0;

        if (!str)
            continue;
        if (!vmm_xml_parse_uint(str, what, G_MAXUINT, &v, error))
            return FALSE;
        if (v == 0) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '%s' for %s"),
                          str, what);
            return FALSE;
        }
        G_STRUCT_MEMBER(unsigned int, cpu, attrs[i].offset) = v;
    }
    return TRUE;
}

static gboolean
parse_cpu_features(xmlXPathContext *ctxt, VmmDomainCpuDef *cpu, GError **error)
{
    g_autofree xmlNode **nodes = NULL;
    int n = vmm_xml_nodes(ctxt, "./cpu/feature", &nodes);

    cpu->features = g_ptr_array_new_with_free_func(cpu_feature_free);
    for (int i = 0; i < n; i++) {
        VmmDomainCpuFeatureDef *f = g_new0(VmmDomainCpuFeatureDef, 1);

        g_ptr_array_add(cpu->features, f);
        f->name = vmm_xml_prop(nodes[i], "name");
        if (!f->name || !*f->name) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing CPU feature name"));
            return FALSE;
        }
        if (!vmm_domain_parse_enum_str(nodes[i], "policy", cpu_policy_table,
                                       _("CPU feature policy"), &f->policy, error))
            return FALSE;
        if (!f->policy)
            f->policy = g_strdup("require");
    }
    return TRUE;
}

static gboolean
parse_numa_cells(xmlXPathContext *ctxt, VmmDomainCpuDef *cpu, GError **error)
{
    g_autofree xmlNode **nodes = NULL;
    int n = vmm_xml_nodes(ctxt, "./cpu/numa/cell", &nodes);

    cpu->numa_cells = g_ptr_array_new_with_free_func(numa_cell_free);
    for (int i = 0; i < n; i++) {
        VmmDomainNumaCell *c = g_new0(VmmDomainNumaCell, 1);
        g_autofree char *id = vmm_xml_prop(nodes[i], "id");
        g_autofree char *mem = vmm_xml_prop(nodes[i], "memory");
        g_autofree char *unit = vmm_xml_prop(nodes[i], "unit");
        guint64 v = i;

        g_ptr_array_add(cpu->numa_cells, c);
        if (id && !vmm_xml_parse_uint(id, "NUMA cell id", G_MAXUINT, &v, error))
            return FALSE;
        c->id = v;
        if (!mem) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("missing memory of NUMA cell %u"), c->id);
            return FALSE;
        }
        if (!vmm_domain_parse_kib(mem, unit, "NUMA cell memory", &c->memory_kib, error))
            return FALSE;
        c->cpus = vmm_xml_prop(nodes[i], "cpus");
        if (c->cpus && !vmm_domain_check_cpuset(c->cpus, "NUMA cell cpus", error))
            return FALSE;
        if (!vmm_domain_parse_enum_str(nodes[i], "memAccess", mem_access_table,
                                       _("NUMA cell memAccess"), &c->mem_access, error) ||
            !vmm_domain_parse_tristate_attr(nodes[i], "discard", "NUMA cell discard",
                                            &c->discard, error))
            return FALSE;
    }
    return TRUE;
}

gboolean
vmm_domain_cpu_parse(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    VmmDomainCpuDef *cpu = &def->cpu;
    xmlNode *node = vmm_xml_node(ctxt, "./cpu[1]");
    xmlNode *model, *topo;
    int mode;

    if (!node)
        return TRUE;
    cpu->present = TRUE;
    if (!vmm_domain_parse_enum_attr(node, "mode", cpu_mode_table, _("CPU mode"),
                                    VMM_DOMAIN_CPU_MODE_CUSTOM, &mode, error) ||
        !vmm_domain_parse_enum_str(node, "match", cpu_match_table, _("CPU match"),
                                   &cpu->match, error) ||
        !vmm_domain_parse_enum_str(node, "check", cpu_check_table, _("CPU check"),
                                   &cpu->check, error) ||
        !vmm_domain_parse_tristate_attr(node, "migratable", "CPU migratable",
                                        &cpu->migratable, error))
        return FALSE;
    cpu->mode = mode;

    if ((model = vmm_xml_node(ctxt, "./cpu/model[1]"))) {
        cpu->model = vmm_xml_string(ctxt, "./cpu/model[1]");
        if (!vmm_domain_parse_enum_str(model, "fallback", cpu_fallback_table,
                                       _("CPU model fallback"), &cpu->model_fallback, error))
            return FALSE;
    }
    /* A custom CPU with a model matches exactly unless told otherwise. */
    if (cpu->mode == VMM_DOMAIN_CPU_MODE_CUSTOM && cpu->model && !cpu->match)
        cpu->match = g_strdup("exact");
    cpu->vendor = vmm_xml_string(ctxt, "./cpu/vendor[1]");

    if ((topo = vmm_xml_node(ctxt, "./cpu/topology[1]")) &&
        !parse_topology(topo, cpu, error))
        return FALSE;
    return parse_cpu_features(ctxt, cpu, error) && parse_numa_cells(ctxt, cpu, error);
}

static void
format_numa(GString *buf, int indent, const VmmDomainCpuDef *cpu)
{
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<numa>\n");
    for (guint i = 0; i < cpu->numa_cells->len; i++) {
        const VmmDomainNumaCell *c = cpu->numa_cells->pdata[i];

        vmm_buf_indent(buf, indent + 2);
        g_string_append_printf(buf, "<cell id='%u'", c->id);
        vmm_buf_attr(buf, "cpus", c->cpus);
        g_string_append_printf(buf, " memory='%" G_GUINT64_FORMAT "' unit='KiB'",
                               c->memory_kib);
        vmm_buf_attr(buf, "memAccess", c->mem_access);
        vmm_buf_attr(buf, "discard", vmm_tristate_yesno(c->discard));
        g_string_append(buf, "/>\n");
    }
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</numa>\n");
}

void
vmm_domain_cpu_format(GString *buf, int indent, const VmmDomainDef *def)
{
    const VmmDomainCpuDef *cpu = &def->cpu;
    gboolean topo = cpu->sockets || cpu->dies || cpu->clusters || cpu->cores ||
                    cpu->threads;
    gboolean feats = cpu->features && cpu->features->len > 0;
    gboolean numa = cpu->numa_cells && cpu->numa_cells->len > 0;

    if (!cpu->present)
        return;
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<cpu");
    /* As libvirt does, a custom CPU without a model (topology or NUMA
     * only) leaves the mode implicit. */
    if (cpu->mode != VMM_DOMAIN_CPU_MODE_CUSTOM || cpu->model)
        vmm_buf_attr(buf, "mode", vmm_enum_to_string(cpu_mode_table, cpu->mode));
    vmm_buf_attr(buf, "match", cpu->match);
    vmm_buf_attr(buf, "check", cpu->check);
    vmm_buf_attr(buf, "migratable", vmm_tristate_onoff(cpu->migratable));
    if (!cpu->model && !cpu->vendor && !topo && !feats && !numa) {
        g_string_append(buf, "/>\n");
        return;
    }
    g_string_append(buf, ">\n");

    if (cpu->model) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<model");
        vmm_buf_attr(buf, "fallback", cpu->model_fallback);
        g_string_append_c(buf, '>');
        vmm_buf_escape(buf, cpu->model);
        g_string_append(buf, "</model>\n");
    }
    vmm_buf_text_elem(buf, indent + 2, "vendor", cpu->vendor);
    if (topo) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<topology");
        if (cpu->sockets)
            vmm_buf_attr_printf(buf, "sockets", "%u", cpu->sockets);
        if (cpu->dies)
            vmm_buf_attr_printf(buf, "dies", "%u", cpu->dies);
        if (cpu->clusters)
            vmm_buf_attr_printf(buf, "clusters", "%u", cpu->clusters);
        if (cpu->cores)
            vmm_buf_attr_printf(buf, "cores", "%u", cpu->cores);
        if (cpu->threads)
            vmm_buf_attr_printf(buf, "threads", "%u", cpu->threads);
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; feats && i < cpu->features->len; i++) {
        const VmmDomainCpuFeatureDef *f = cpu->features->pdata[i];

        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<feature");
        vmm_buf_attr(buf, "policy", f->policy);
        vmm_buf_attr(buf, "name", f->name);
        g_string_append(buf, "/>\n");
    }
    if (numa)
        format_numa(buf, indent + 2, cpu);
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</cpu>\n");
}

gboolean
vmm_domain_cpu_validate(const VmmDomainDef *def, GError **error)
{
    const VmmDomainCpuDef *cpu = &def->cpu;

    if (cpu->sockets || cpu->dies || cpu->clusters || cpu->cores || cpu->threads) {
        guint64 total = (guint64)MAX(cpu->sockets, 1) * MAX(cpu->dies, 1) *
                        MAX(cpu->clusters, 1) * MAX(cpu->cores, 1) *
                        MAX(cpu->threads, 1);
        if (total != def->vcpus) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("CPU topology gives %" G_GUINT64_FORMAT
                            " vcpus but the domain has %u"), total, def->vcpus);
            return FALSE;
        }
    }
    for (guint i = 0; cpu->numa_cells && i < cpu->numa_cells->len; i++) {
        const VmmDomainNumaCell *c = cpu->numa_cells->pdata[i];
        if (c->id != i) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("NUMA cell id '%u' is out of order (expected %u)"), c->id, i);
            return FALSE;
        }
    }
    for (guint i = 0; def->memnodes && i < def->memnodes->len; i++) {
        const VmmDomainMemnode *m = def->memnodes->pdata[i];
        guint ncells = cpu->numa_cells ? cpu->numa_cells->len : 0;
        if (m->cellid >= ncells) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("memnode cellid '%u' has no matching NUMA cell"), m->cellid);
            return FALSE;
        }
    }
    return TRUE;
}

/* ---- <memoryBacking> ---- */

static gboolean
parse_hugepages(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    g_autofree xmlNode **pages = NULL;
    int n;

    if (!vmm_xml_node(ctxt, "./memoryBacking/hugepages[1]"))
        return TRUE;
    def->has_hugepages = TRUE;
    def->hugepages = g_ptr_array_new_with_free_func(hugepage_free);
    n = vmm_xml_nodes(ctxt, "./memoryBacking/hugepages/page", &pages);
    for (int i = 0; i < n; i++) {
        VmmDomainHugepage *h = g_new0(VmmDomainHugepage, 1);
        g_autofree char *size = vmm_xml_prop(pages[i], "size");
        g_autofree char *unit = vmm_xml_prop(pages[i], "unit");

        g_ptr_array_add(def->hugepages, h);
        if (!size) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing hugepage size"));
            return FALSE;
        }
        if (!vmm_domain_parse_kib(size, unit, "hugepage size", &h->size_kib, error))
            return FALSE;
        h->nodeset = vmm_xml_prop(pages[i], "nodeset");
        if (h->nodeset && !vmm_domain_check_cpuset(h->nodeset, "hugepage nodeset", error))
            return FALSE;
    }
    return TRUE;
}

gboolean
vmm_domain_mem_backing_parse(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    if (!vmm_xml_node(ctxt, "./memoryBacking[1]"))
        return TRUE;
    def->has_mem_backing = TRUE;
    if (!parse_hugepages(ctxt, def, error))
        return FALSE;
    def->nosharepages = vmm_xml_node(ctxt, "./memoryBacking/nosharepages[1]") != NULL;
    def->locked = vmm_xml_node(ctxt, "./memoryBacking/locked[1]") != NULL;
    def->mem_discard = vmm_xml_node(ctxt, "./memoryBacking/discard[1]") != NULL;
    return vmm_domain_parse_enum_str(vmm_xml_node(ctxt, "./memoryBacking/source[1]"), "type",
                                     mem_source_table, _("memory source type"),
                                     &def->mem_source_type, error) &&
           vmm_domain_parse_enum_str(vmm_xml_node(ctxt, "./memoryBacking/access[1]"), "mode",
                                     mem_access_table, _("memory access mode"),
                                     &def->mem_access_mode, error) &&
           vmm_domain_parse_enum_str(vmm_xml_node(ctxt, "./memoryBacking/allocation[1]"), "mode",
                                     mem_allocation_table, _("memory allocation mode"),
                                     &def->mem_allocation_mode, error);
}

void
vmm_domain_mem_backing_format(GString *buf, int indent, const VmmDomainDef *def)
{
    if (!def->has_hugepages && !def->nosharepages && !def->locked &&
        !def->mem_source_type && !def->mem_access_mode && !def->mem_allocation_mode &&
        !def->mem_discard)
        return;
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<memoryBacking>\n");
    if (def->has_hugepages && def->hugepages->len == 0) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<hugepages/>\n");
    } else if (def->has_hugepages) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<hugepages>\n");
        for (guint i = 0; i < def->hugepages->len; i++) {
            const VmmDomainHugepage *h = def->hugepages->pdata[i];
            vmm_buf_indent(buf, indent + 4);
            g_string_append_printf(buf, "<page size='%" G_GUINT64_FORMAT "' unit='KiB'",
                                   h->size_kib);
            vmm_buf_attr(buf, "nodeset", h->nodeset);
            g_string_append(buf, "/>\n");
        }
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "</hugepages>\n");
    }
    if (def->nosharepages) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<nosharepages/>\n");
    }
    if (def->locked) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<locked/>\n");
    }
    if (def->mem_source_type) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append_printf(buf, "<source type='%s'/>\n", def->mem_source_type);
    }
    if (def->mem_access_mode) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append_printf(buf, "<access mode='%s'/>\n", def->mem_access_mode);
    }
    if (def->mem_allocation_mode) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append_printf(buf, "<allocation mode='%s'/>\n", def->mem_allocation_mode);
    }
    if (def->mem_discard) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<discard/>\n");
    }
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</memoryBacking>\n");
}

/* ---- <numatune> ---- */

gboolean
vmm_domain_numatune_parse(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error)
{
    g_autofree xmlNode **nodes = NULL;
    xmlNode *mem;
    int n;

    if (!vmm_xml_node(ctxt, "./numatune[1]"))
        return TRUE;
    def->has_numatune = TRUE;

    if ((mem = vmm_xml_node(ctxt, "./numatune/memory[1]"))) {
        if (!vmm_domain_parse_enum_str(mem, "mode", numa_mode_table, _("numatune memory mode"),
                                       &def->numa_mode, error) ||
            !vmm_domain_parse_enum_str(mem, "placement", numa_placement_table,
                                       _("numatune memory placement"), &def->numa_placement,
                                       error))
            return FALSE;
        def->numa_nodeset = vmm_xml_prop(mem, "nodeset");
        if (def->numa_nodeset &&
            !vmm_domain_check_cpuset(def->numa_nodeset, "numatune nodeset", error))
            return FALSE;
        if (!def->numa_mode)
            def->numa_mode = g_strdup("strict");
        /* Placement follows the nodeset, else the vcpu placement. */
        if (!def->numa_placement)
            def->numa_placement = g_strdup(def->numa_nodeset ? "static"
                                           : g_strcmp0(def->vcpu_placement, "auto") == 0
                                           ? "auto" : "static");
        if (strcmp(def->numa_placement, "static") == 0 && !def->numa_nodeset) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("numatune memory needs a nodeset when placement is static"));
            return FALSE;
        }
    }

    def->memnodes = g_ptr_array_new_with_free_func(memnode_free);
    n = vmm_xml_nodes(ctxt, "./numatune/memnode", &nodes);
    for (int i = 0; i < n; i++) {
        VmmDomainMemnode *m = g_new0(VmmDomainMemnode, 1);
        g_autofree char *cellid = vmm_xml_prop(nodes[i], "cellid");
        guint64 v = 0;

        g_ptr_array_add(def->memnodes, m);
        if (!cellid) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing memnode cellid"));
            return FALSE;
        }
        if (!vmm_xml_parse_uint(cellid, "memnode cellid", G_MAXUINT, &v, error) ||
            !vmm_domain_parse_enum_str(nodes[i], "mode", numa_mode_table, _("memnode mode"),
                                       &m->mode, error))
            return FALSE;
        m->cellid = v;
        if (!m->mode)
            m->mode = g_strdup("strict");
        m->nodeset = vmm_xml_prop(nodes[i], "nodeset");
        if (!m->nodeset) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("missing nodeset of memnode %u"), m->cellid);
            return FALSE;
        }
        if (!vmm_domain_check_cpuset(m->nodeset, "memnode nodeset", error))
            return FALSE;
    }
    return TRUE;
}

void
vmm_domain_numatune_format(GString *buf, int indent, const VmmDomainDef *def)
{
    if (!def->numa_mode && (!def->memnodes || def->memnodes->len == 0))
        return;
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<numatune>\n");
    if (def->numa_mode) {
        vmm_buf_indent(buf, indent + 2);
        g_string_append(buf, "<memory");
        vmm_buf_attr(buf, "mode", def->numa_mode);
        if (g_strcmp0(def->numa_placement, "auto") == 0)
            vmm_buf_attr(buf, "placement", "auto");
        else
            vmm_buf_attr(buf, "nodeset", def->numa_nodeset);
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; def->memnodes && i < def->memnodes->len; i++) {
        const VmmDomainMemnode *m = def->memnodes->pdata[i];
        vmm_buf_indent(buf, indent + 2);
        g_string_append_printf(buf, "<memnode cellid='%u'", m->cellid);
        vmm_buf_attr(buf, "mode", m->mode);
        vmm_buf_attr(buf, "nodeset", m->nodeset);
        g_string_append(buf, "/>\n");
    }
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</numatune>\n");
}
