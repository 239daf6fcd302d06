/*
 * domain_def.h: the domain definition (libvirt's <domain> XML).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parsing runs in three steps: parse (read and check each field), post-parse
 * (fill defaults: UUID, MACs, controllers...), validate (whole-object
 * checks).  vmm_domain_def_parse_string() runs all three.
 * Fields named below are used by drivers; more are added as the XML grows.
 */
#pragma once

#include <glib.h>
#include "conf/xml_util.h"
#include "conf/domain_device.h"
#include "util/vmm_uuid.h"

G_BEGIN_DECLS

typedef struct _VmmDomainDef VmmDomainDef;

typedef enum {
    VMM_DOMAIN_DEF_PARSE_VALIDATE = 1 << 0,   /* also check schemas/domain.rng */
} VmmDomainDefParseFlags;

typedef enum {
    VMM_DOMAIN_DEF_FORMAT_INACTIVE = 1 << 0,  /* omit live-only data (id) */
    VMM_DOMAIN_DEF_FORMAT_SECURE = 1 << 1,    /* include passwords */
} VmmDomainDefFormatFlags;

/* Parse, fill defaults and validate @xml; @url names it in errors
 * (NULL: "(domain_definition)"). */
VmmDomainDef *vmm_domain_def_parse_string(const char *xml, const char *url,
                                          unsigned int flags, GError **error);
/* Read a <domain> whose node is ctxt->node (no defaults, no validation). */
VmmDomainDef *vmm_domain_def_parse_node(xmlXPathContext *ctxt, GError **error);
gboolean vmm_domain_def_post_parse(VmmDomainDef *def, GError **error);
gboolean vmm_domain_def_validate(const VmmDomainDef *def, GError **error);

/* Format as XML; @id >= 0 is written as id='N' unless FORMAT_INACTIVE. */
char *vmm_domain_def_format(const VmmDomainDef *def, int id, unsigned int flags);
VmmDomainDef *vmm_domain_def_copy(const VmmDomainDef *def);
void vmm_domain_def_free(VmmDomainDef *def);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainDef, vmm_domain_def_free)

/* Check a domain/network/pool name as libvirt does (non-empty, no '/'). */
gboolean vmm_def_check_name(const char *name, const char *what, GError **error);

struct _VmmDomainDef {
    char *virt_type;                 /* <domain type='kvm'>: kvm, qemu, test */
    char *name;
    unsigned char uuid[VMM_UUID_BUFLEN];
    char *title;
    char *description;
    GPtrArray *metadata;             /* char*: each child of <metadata>, verbatim */

    guint64 memory_kib;              /* <memory> */
    guint64 current_memory_kib;      /* <currentMemory>; defaults to memory */
    guint64 max_memory_kib;          /* <maxMemory>, 0 when absent */
    unsigned int max_memory_slots;
    unsigned int vcpus;              /* <vcpu> */
    unsigned int vcpus_current;      /* current='', defaults to vcpus */
    char *vcpu_placement;

    char *os_type;                   /* hvm */
    char *os_arch;
    char *os_machine;

    VmmDomainDevices devices;

    /* Elements owned by the domain XML code (cpu, os details, features,
     * clock, pm, lifecycle, memoryBacking, numatune...) follow. */
    struct _VmmDomainDefExtra *extra;
};

G_END_DECLS
