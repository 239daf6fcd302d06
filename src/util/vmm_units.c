/*
 * vmm_units.c: libvirt's scaled integers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "util/vmm_units.h"
#include "util/vmm_error.h"

#include <string.h>

static guint64
unit_scale(const char *unit)
{
    static const struct { const char *suffix; guint64 base; int power; } units[] = {
        { "b", 1, 0 }, { "bytes", 1, 0 },
        { "KB", 1000, 1 }, { "MB", 1000, 2 }, { "GB", 1000, 3 },
        { "TB", 1000, 4 }, { "PB", 1000, 5 }, { "EB", 1000, 6 },
        { "k", 1024, 1 }, { "KiB", 1024, 1 }, { "M", 1024, 2 }, { "MiB", 1024, 2 },
        { "G", 1024, 3 }, { "GiB", 1024, 3 }, { "T", 1024, 4 }, { "TiB", 1024, 4 },
        { "P", 1024, 5 }, { "PiB", 1024, 5 }, { "E", 1024, 6 }, { "EiB", 1024, 6 },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(units); i++) {
        /* A single letter may be given in either case, as libvirt allows. */
        gboolean match = strlen(units[i].suffix) == 1
            ? g_ascii_strcasecmp(unit, units[i].suffix) == 0
            : strcmp(unit, units[i].suffix) == 0;
        if (match) {
            guint64 scale = 1;
            for (int p = 0; p < units[i].power; p++)
                scale *= units[i].base;
            return scale;
        }
    }
    return 0;
}

gboolean
vmm_units_scale(guint64 value, const char *unit, guint64 default_scale,
                guint64 limit, guint64 *bytes, GError **error)
{
    guint64 scale = default_scale;

    if (unit && *unit) {
        scale = unit_scale(unit);
        if (scale == 0) {
            vmm_error_set(error, VMM_ERR_INVALID_ARG, _("unknown unit '%s'"), unit);
            return FALSE;
        }
    }
    if (limit == 0)
        limit = G_MAXUINT64;
    if (value > limit / scale) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                      _("value '%" G_GUINT64_FORMAT "' with unit '%s' is too large"),
                      value, unit ? unit : "");
        return FALSE;
    }
    *bytes = value * scale;
    return TRUE;
}
