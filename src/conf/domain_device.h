/*
 * domain_device.h: the <devices> of a domain.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include "conf/xml_util.h"

G_BEGIN_DECLS

typedef struct _VmmDomainDevices VmmDomainDevices;

struct _VmmDomainDevices {
    char *emulator;
    GPtrArray *disks;          /* VmmDomainDiskDef* */
    GPtrArray *controllers;
    GPtrArray *interfaces;
    GPtrArray *chardevs;       /* serial, console, channel (in document order) */
    GPtrArray *graphics;
    GPtrArray *videos;
    GPtrArray *inputs;
    GPtrArray *sounds;
    GPtrArray *audios;
    GPtrArray *memballoons;
    GPtrArray *rngs;
    GPtrArray *watchdogs;
    GPtrArray *tpms;
    GPtrArray *redirdevs;
    GPtrArray *hostdevs;
};

/* Read <devices> (ctxt->node is the <devices> element) into @devs, which
 * must be zeroed. */
gboolean vmm_domain_devices_parse(xmlXPathContext *ctxt, VmmDomainDevices *devs,
                                  GError **error);
/* Defaults: generated MACs, implied controllers... */
gboolean vmm_domain_devices_post_parse(VmmDomainDevices *devs, const char *virt_type,
                                       const char *arch, const char *machine,
                                       GError **error);
gboolean vmm_domain_devices_validate(const VmmDomainDevices *devs, GError **error);
/* Append <devices>...</devices> at @indent. */
void vmm_domain_devices_format(GString *buf, int indent, const VmmDomainDevices *devs,
                               unsigned int flags);
void vmm_domain_devices_clear(VmmDomainDevices *devs);

G_END_DECLS
