/*
 * vmm_uuid.h: UUIDs as 16 raw bytes, and MAC addresses.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define VMM_UUID_BUFLEN 16
#define VMM_UUID_STRING_BUFLEN 37
#define VMM_MAC_BUFLEN 6
#define VMM_MAC_STRING_BUFLEN 18

/* Fill @uuid with a random (version 4) UUID. */
void vmm_uuid_generate(unsigned char uuid[VMM_UUID_BUFLEN]);

/* Parse @str: 32 hex digits, optionally with '-' between any pairs (as
 * libvirt accepts).  Returns FALSE when @str is not a UUID. */
gboolean vmm_uuid_parse(const char *str, unsigned char uuid[VMM_UUID_BUFLEN]);

/* Format as 8-4-4-4-12 lowercase into @buf; returns @buf. */
char *vmm_uuid_format(const unsigned char uuid[VMM_UUID_BUFLEN],
                      char buf[VMM_UUID_STRING_BUFLEN]);

gboolean vmm_uuid_is_null(const unsigned char uuid[VMM_UUID_BUFLEN]);

/* Parse "aa:bb:cc:dd:ee:ff" (also '-' separated). FALSE when invalid. */
gboolean vmm_mac_parse(const char *str, unsigned char mac[VMM_MAC_BUFLEN]);

/* Format lowercase with ':' into @buf; returns @buf. */
char *vmm_mac_format(const unsigned char mac[VMM_MAC_BUFLEN],
                     char buf[VMM_MAC_STRING_BUFLEN]);

/* A random MAC under QEMU's 52:54:00 prefix. */
void vmm_mac_generate(unsigned char mac[VMM_MAC_BUFLEN]);

/* TRUE when the group bit is set (multicast MACs can't be a NIC's). */
gboolean vmm_mac_is_multicast(const unsigned char mac[VMM_MAC_BUFLEN]);

G_END_DECLS
