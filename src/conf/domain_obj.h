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

G_END_DECLS
