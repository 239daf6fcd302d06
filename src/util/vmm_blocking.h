/*
 * vmm_blocking.h: marking waits on another object's progress.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A thread about to wait for something that may take long and that it
 * cannot speed up (a domain's job held by another call, a monitor that
 * does not answer) brackets the wait with vmm_blocking_enter() and
 * vmm_blocking_leave().  Whoever owns the thread may lend its place
 * meanwhile: vmmd's RPC server lets its worker pool run another call, so
 * that calls stuck on one domain never hold up calls on others.  Without
 * a hook installed both are no-ops.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Called in the waiting thread: @entering TRUE before the wait, FALSE
 * after it. */
typedef void (*VmmBlockingHook)(gboolean entering);

/* Install @hook for the whole process (NULL removes it). */
void vmm_blocking_set_hook(VmmBlockingHook hook);

void vmm_blocking_enter(void);
void vmm_blocking_leave(void);

G_END_DECLS
