/*
 * qemu_capabilities_priv.h: internals of qemu_capabilities.c for tests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "drivers/qemu/qemu_capabilities.h"

G_BEGIN_DECLS

/* How many times this process ran QEMU to probe it (tests check that a
 * cache hit runs nothing). */
unsigned int vmm_qemu_caps_probe_count(void);

G_END_DECLS
