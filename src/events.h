/*
 * events.h: the lifecycle-event registry behind vmm_connect_*_event_*().
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Drivers call vmm_event_emit_*() after a state change, with no driver
 * lock held; every callback registered on @conn for that kind runs in
 * the calling thread, in registration order.
 */
#pragma once

#include "vmm.h"

G_BEGIN_DECLS

typedef enum {
    VMM_EVENT_KIND_DOMAIN_LIFECYCLE = 0,
    VMM_EVENT_KIND_NETWORK_LIFECYCLE = 1,
    VMM_EVENT_KIND_STORAGE_POOL_LIFECYCLE = 2,
    VMM_EVENT_KIND_LAST
} VmmEventKind;

void vmm_event_emit_domain_lifecycle(VmmConnect *conn, VmmDomain *dom, int event,
                                     int detail);
void vmm_event_emit_network_lifecycle(VmmConnect *conn, VmmNetwork *net, int event,
                                      int detail);
void vmm_event_emit_storage_pool_lifecycle(VmmConnect *conn, VmmStoragePool *pool,
                                           int event, int detail);

/* Drop every registration of @conn, which is going away (its opaques are
 * freed once no emit is still calling them). */
void vmm_event_forget_conn(VmmConnect *conn);

/* Number of callbacks of @kind on @conn (tests, and the remote driver). */
guint vmm_event_count(VmmConnect *conn, VmmEventKind kind);

G_END_DECLS
