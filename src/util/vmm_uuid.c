/*
 * vmm_uuid.c: UUIDs and MAC addresses.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "util/vmm_uuid.h"

#include <stdio.h>
#include <string.h>

void
vmm_uuid_generate(unsigned char uuid[VMM_UUID_BUFLEN])
{
    for (int i = 0; i < VMM_UUID_BUFLEN; i += 4) {
        guint32 r = g_random_int();
        memcpy(uuid + i, &r, 4);
    }
    uuid[6] = (uuid[6] & 0x0F) | 0x40;   /* version 4 */
    uuid[8] = (uuid[8] & 0x3F) | 0x80;   /* RFC 4122 variant */
}

gboolean
vmm_uuid_parse(const char *str, unsigned char uuid[VMM_UUID_BUFLEN])
{
    int n = 0;

    if (!str)
        return FALSE;
    while (g_ascii_isspace(*str))
        str++;
    while (*str && n < VMM_UUID_BUFLEN) {
        if (*str == '-') {
            str++;
            continue;
        }
        if (!g_ascii_isxdigit(str[0]) || !g_ascii_isxdigit(str[1]))
            return FALSE;
        uuid[n++] = (g_ascii_xdigit_value(str[0]) << 4) | g_ascii_xdigit_value(str[1]);
        str += 2;
    }
    while (g_ascii_isspace(*str))
        str++;
    return n == VMM_UUID_BUFLEN && *str == '\0';
}

char *
vmm_uuid_format(const unsigned char u[VMM_UUID_BUFLEN], char buf[VMM_UUID_STRING_BUFLEN])
{
    static const char hex[] = "0123456789abcdef";
    char *p = buf;

    /* 8-4-4-4-12 hex digits; by hand, as formatting is on every define's
     * and every listing's path. */
    for (int i = 0; i < VMM_UUID_BUFLEN; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hex[u[i] >> 4];
        *p++ = hex[u[i] & 0xf];
    }
    *p = '\0';
    return buf;
}

gboolean
vmm_uuid_is_null(const unsigned char uuid[VMM_UUID_BUFLEN])
{
    static const unsigned char zero[VMM_UUID_BUFLEN];
    return memcmp(uuid, zero, VMM_UUID_BUFLEN) == 0;
}

gboolean
vmm_mac_parse(const char *str, unsigned char mac[VMM_MAC_BUFLEN])
{
    if (!str)
        return FALSE;
    for (int i = 0; i < VMM_MAC_BUFLEN; i++) {
        int hi, lo = -1;

        if (!g_ascii_isxdigit(*str))
            return FALSE;
        hi = g_ascii_xdigit_value(*str++);
        if (g_ascii_isxdigit(*str))
            lo = g_ascii_xdigit_value(*str++);
        mac[i] = lo < 0 ? hi : (hi << 4) | lo;
        if (i < VMM_MAC_BUFLEN - 1) {
            if (*str != ':' && *str != '-')
                return FALSE;
            str++;
        }
    }
    return *str == '\0';
}

char *
vmm_mac_format(const unsigned char m[VMM_MAC_BUFLEN], char buf[VMM_MAC_STRING_BUFLEN])
{
    snprintf(buf, VMM_MAC_STRING_BUFLEN, "%02x:%02x:%02x:%02x:%02x:%02x",
             m[0], m[1], m[2], m[3], m[4], m[5]);
    return buf;
}

void
vmm_mac_generate(unsigned char mac[VMM_MAC_BUFLEN])
{
    guint32 r = g_random_int();

    mac[0] = 0x52;
    mac[1] = 0x54;
    mac[2] = 0x00;
    mac[3] = r & 0xff;
    mac[4] = (r >> 8) & 0xff;
    mac[5] = (r >> 16) & 0xff;
}

gboolean
vmm_mac_is_multicast(const unsigned char mac[VMM_MAC_BUFLEN])
{
    return (mac[0] & 1) != 0;
}
