/*
 * network_def_priv.h: pieces shared by network_def*.c (not for drivers).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "conf/network_def.h"

G_BEGIN_DECLS

/* Parse the IP address @str; @family is the required VmmNetworkIPFamily or
 * -1 for either.  Returns the canonical string (newly allocated) and stores
 * the family found in @family_out (may be NULL).  Fails quoting @str:
 * "invalid IP address 'x'". */
char *vmm_network_addr_parse(const char *str, int family, int *family_out,
                             GError **error);

/* Compare two canonical addresses of the same family: <0, 0, >0. */
int vmm_network_addr_compare(const char *a, const char *b);

/* <ip> (ctxt->node is the <ip> element; restored on return). */
VmmNetworkIPDef *vmm_network_ip_def_parse(xmlXPathContext *ctxt, GError **error);
void vmm_network_ip_def_format(GString *buf, int indent, const VmmNetworkIPDef *ip);
gboolean vmm_network_ip_def_validate(const VmmNetworkIPDef *ip, GError **error);
void vmm_network_ip_def_free(VmmNetworkIPDef *ip);

/* <dns> (ctxt->node is the <dns> element).  init creates the empty record
 * arrays; every VmmNetworkDNSDef is initialised before use. */
void vmm_network_dns_def_init(VmmNetworkDNSDef *dns);
gboolean vmm_network_dns_def_parse(xmlXPathContext *ctxt, VmmNetworkDNSDef *dns,
                                   GError **error);
void vmm_network_dns_def_format(GString *buf, int indent, const VmmNetworkDNSDef *dns);
void vmm_network_dns_def_clear(VmmNetworkDNSDef *dns);

G_END_DECLS
