/*
 * vmm_units.h: libvirt's scaled integers ("unit='MiB'").
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * Multiply @value by the unit @unit (b, bytes, KB, k, KiB, MB, M, MiB, GB, G,
 * GiB, TB, T, TiB, PB, P, PiB, EB, E, EiB; NULL means @default_scale bytes)
 * and store the result in bytes in @bytes.  Fails on an unknown unit (quoted)
 * or on overflow beyond @limit bytes (0 means G_MAXUINT64).
 */
gboolean vmm_units_scale(guint64 value, const char *unit, guint64 default_scale,
                         guint64 limit, guint64 *bytes, GError **error);

G_END_DECLS
