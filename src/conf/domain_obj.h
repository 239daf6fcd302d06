/*
 * domain_obj.h: domain objects (a definition plus run state) and their list.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A VmmDomainObj is a VmmObj (see object_list.h for the locking rules and
 * the def/new_def pair) with a libvirt state and reason.  The id lives in
 * the base object and is indexed by the list.
 */
#pragma once

#include "conf/object_list.h"
#include "conf/domain_def.h"

G_BEGIN_DECLS

typedef struct {
    VmmObj parent;
    int state;               /* VmmDomainState (vmm.h values) */
    int reason;
    gint64 started_us;       /* monotonic time of the last start */
    guint64 cpu_time_ns;     /* accumulated before the last start */
} VmmDomainObj;

extern const VmmObjKind vmm_domain_obj_kind;

/* A list of domains ("domain" in messages). */
VmmObjList *vmm_domain_obj_list_new(void);

static inline VmmDomainDef *
vmm_domain_obj_def(VmmDomainObj *dom)
{
    return dom->parent.def;
}

void vmm_domain_obj_set_state(VmmDomainObj *dom, int state, int reason);

/* Mark the locked @dom running with @id (state RUNNING/@reason). */
void vmm_domain_obj_start(VmmObjList *list, VmmDomainObj *dom, int id, int reason);

/* Mark the locked @dom shut off with @reason; the persistent definition
 * takes over again.  A transient domain is taken out of @list. */
void vmm_domain_obj_stop(VmmObjList *list, VmmDomainObj *dom, int reason);

/* CPU time used so far (ns), growing while the domain runs. */
guint64 vmm_domain_obj_cpu_time(const VmmDomainObj *dom);

/* Whether the locked @dom passes the VMM_CONNECT_LIST_DOMAINS_* @flags.
 * No domain has a managed save or a snapshot (none are kept yet). */
gboolean vmm_domain_obj_matches_list_flags(const VmmDomainObj *dom, unsigned int flags);

/* The domain of UUID @uuid in @list, locked and referenced (release with
 * vmm_obj_end()), or NULL with VMM_ERR_NO_DOMAIN naming @uuid and @name
 * (the name the caller's handle knew it by). */
VmmDomainObj *vmm_domain_obj_find(VmmObjList *list, const unsigned char *uuid,
                                  const char *name, GError **error);

/* The same, and only if it runs: otherwise "domain is not running". */
VmmDomainObj *vmm_domain_obj_find_active(VmmObjList *list, const unsigned char *uuid,
                                         const char *name, GError **error);

/*
 * Device changes (attach/detach): turn VMM_DOMAIN_AFFECT_CURRENT into LIVE
 * or CONFIG by the state of the locked @dom and check the result: LIVE
 * needs it running ("domain is not running"), CONFIG persistent
 * ("transient domains do not have any persistent config").
 */
gboolean vmm_domain_obj_resolve_affect(VmmDomainObj *dom, unsigned int *flags, GError **error);

/* The domain XML of the locked @dom for VMM_DOMAIN_XML_* @flags: the live
 * definition (with the domain's id) when it runs, else or with INACTIVE
 * or MIGRATABLE the persistent one. */
char *vmm_domain_obj_format_xml(VmmDomainObj *dom, unsigned int flags);

/* The definition of the locked @dom that an AFFECT_* call reads or changes
 * (metadata): CURRENT resolved as vmm_domain_obj_resolve_affect() does,
 * LIVE and CONFIG together refused. */
VmmDomainDef *vmm_domain_obj_affected_def(VmmDomainObj *dom, unsigned int flags,
                                          GError **error);

typedef enum {
    VMM_DEVICE_ATTACH,
    VMM_DEVICE_DETACH,
    VMM_DEVICE_UPDATE,
} VmmDeviceChange;

/* A copy of the persistent definition of the locked @dom with the device
 * element @xml attached, detached or updated (@op); NULL with @error. */
VmmDomainDef *vmm_domain_obj_config_with_device(VmmDomainObj *dom, const char *xml,
                                               VmmDeviceChange op, GError **error);
/* Make @def (taken) the persistent definition of the locked @dom, saved to
 * @store (may be NULL) first: nothing changes when that fails. */
gboolean vmm_domain_obj_set_config(VmmDomainObj *dom, VmmConfigStore *store,
                                   VmmDomainDef *def, GError **error);

/* Attach the parsed @dev (taken) of @kind to @def, defaults filled and the
 * whole list validated, or detach the device @dev describes from @def
 * (freed; @dev stays the caller's).  On failure @def may be half changed:
 * edit a copy. */
gboolean vmm_domain_def_attach_device(VmmDomainDef *def, VmmDomainDeviceKind kind,
                                      gpointer dev, GError **error);
gboolean vmm_domain_def_detach_device(VmmDomainDef *def, VmmDomainDeviceKind kind,
                                      gconstpointer dev, GError **error);
/* @op on @def with the parsed @dev (always taken).  An update replaces the
 * device @dev describes (found as for a detach), keeping its alias and
 * address unless @dev gives them. */
gboolean vmm_domain_def_change_device(VmmDomainDef *def, VmmDeviceChange op,
                                      VmmDomainDeviceKind kind, gpointer dev, GError **error);

G_END_DECLS
