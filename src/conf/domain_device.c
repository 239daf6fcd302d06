/*
 * domain_device.c: the <devices> of a domain.  (Placeholder until the device
 * XML lands: accepts an empty <devices>.)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_device.h"

gboolean
vmm_domain_devices_parse(xmlXPathContext *ctxt, VmmDomainDevices *devs, GError **error)
{
    devs->emulator = vmm_xml_string(ctxt, "emulator");
    return TRUE;
}

gboolean
vmm_domain_devices_post_parse(VmmDomainDevices *devs, const char *virt_type,
                              const char *arch, const char *machine, GError **error)
{
    return TRUE;
}

gboolean
vmm_domain_devices_validate(const VmmDomainDevices *devs, GError **error)
{
    return TRUE;
}

void
vmm_domain_devices_format(GString *buf, int indent, const VmmDomainDevices *devs,
                          unsigned int flags)
{
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<devices>\n");
    vmm_buf_text_elem(buf, indent + 2, "emulator", devs->emulator);
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</devices>\n");
}

void
vmm_domain_devices_clear(VmmDomainDevices *devs)
{
    g_clear_pointer(&devs->emulator, g_free);
}
