/*
 * vmm_blocking.c: marking waits on another object's progress.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vmm_blocking.h"

static VmmBlockingHook blocking_hook;

void
vmm_blocking_set_hook(VmmBlockingHook hook)
{
    g_atomic_pointer_set(&blocking_hook, hook);
}

void
vmm_blocking_enter(void)
{
    VmmBlockingHook hook = g_atomic_pointer_get(&blocking_hook);

    if (hook)
        hook(TRUE);
}

void
vmm_blocking_leave(void)
{
    VmmBlockingHook hook = g_atomic_pointer_get(&blocking_hook);

    if (hook)
        hook(FALSE);
}
