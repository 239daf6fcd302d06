/*
 * domain_def_priv.h: parts of the domain definition shared by the
 * domain_def*.c files (not for drivers: include domain_def.h).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "conf/domain_def.h"

G_BEGIN_DECLS

/* Parse a scaled integer element or attribute pair into KiB ("unit" names
 * the unit; the default unit is KiB).  @what names the value in errors. */
gboolean vmm_domain_parse_kib(const char *value, const char *unit, const char *what,
                              guint64 *kib, GError **error);
/* Parse an optional unsigned attribute; absent leaves *out untouched. */
gboolean vmm_domain_parse_uint_attr(xmlNode *node, const char *attr, const char *what,
                                    guint64 max, guint64 *out, GError **error);
/* Parse an optional enum attribute of @node: absent gives @dflt. */
gboolean vmm_domain_parse_enum_attr(xmlNode *node, const char *attr,
                                    const char *const *table, const char *what,
                                    int dflt, int *out, GError **error);
/* Parse an optional enum attribute of @node (NULL: none) checked against
 * @table but kept as the string (NULL when absent). */
gboolean vmm_domain_parse_enum_str(xmlNode *node, const char *attr, const char *const *table,
                                   const char *what, char **out, GError **error);
gboolean vmm_domain_parse_tristate_attr(xmlNode *node, const char *attr,
                                        const char *what, VmmTristate *out,
                                        GError **error);

/* domain_def_cpu.c: <cpu>, <memoryBacking>, <numatune> */
gboolean vmm_domain_cpu_parse(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error);
void vmm_domain_cpu_format(GString *buf, int indent, const VmmDomainDef *def);
gboolean vmm_domain_cpu_validate(const VmmDomainDef *def, GError **error);
gboolean vmm_domain_mem_backing_parse(xmlXPathContext *ctxt, VmmDomainDef *def,
                                      GError **error);
void vmm_domain_mem_backing_format(GString *buf, int indent, const VmmDomainDef *def);
gboolean vmm_domain_numatune_parse(xmlXPathContext *ctxt, VmmDomainDef *def,
                                   GError **error);
void vmm_domain_numatune_format(GString *buf, int indent, const VmmDomainDef *def);
void vmm_domain_cpu_clear(VmmDomainDef *def);

/* domain_def_os.c: <os> */
gboolean vmm_domain_os_parse(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error);
void vmm_domain_os_format(GString *buf, int indent, const VmmDomainDef *def);
void vmm_domain_os_clear(VmmDomainDef *def);

/* domain_def_features.c: <features>, <clock> */
gboolean vmm_domain_features_parse(xmlXPathContext *ctxt, VmmDomainDef *def,
                                   GError **error);
void vmm_domain_features_format(GString *buf, int indent, const VmmDomainDef *def);
gboolean vmm_domain_clock_parse(xmlXPathContext *ctxt, VmmDomainDef *def, GError **error);
void vmm_domain_clock_format(GString *buf, int indent, const VmmDomainDef *def);
void vmm_domain_features_clear(VmmDomainDef *def);

/* domain_def_tune.c: <cputune>, CPU lists, verbatim elements */
/* Check a CPU or NUMA node list ("0-3,^2,8"); @what names it in errors. */
gboolean vmm_domain_check_cpuset(const char *str, const char *what, GError **error);
gboolean vmm_domain_cputune_parse(xmlXPathContext *ctxt, VmmDomainDef *def,
                                  GError **error);
gboolean vmm_domain_cputune_validate(const VmmDomainDef *def, GError **error);
void vmm_domain_cputune_format(GString *buf, int indent, const VmmDomainDef *def);
gboolean vmm_domain_verbatim_parse(xmlXPathContext *ctxt, VmmDomainDef *def,
                                   GError **error);
void vmm_domain_verbatim_format(GString *buf, int indent, const VmmDomainDef *def,
                                VmmDomainVerbatimSlot slot);
/* Frees cputune and the verbatim elements. */
void vmm_domain_cputune_clear(VmmDomainDef *def);

G_END_DECLS
