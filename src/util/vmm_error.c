/*
 * vmm_error.c: the one error domain of vmm.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "util/vmm_error.h"

#include <string.h>

G_DEFINE_QUARK(vmm-error-quark, vmm_error)

/* Prefixes match libvirt's wording so that messages read the same through
 * virsh and vshell ("Requested operation is not valid: domain is not running"). */
static const struct {
    VmmErrorCode code;
    const char *prefix;
} error_prefixes[] = {
    { VMM_ERR_INTERNAL_ERROR, N_("internal error") },
    { VMM_ERR_NO_SUPPORT, N_("this function is not supported by the connection driver") },
    { VMM_ERR_INVALID_ARG, N_("invalid argument") },
    { VMM_ERR_OPERATION_FAILED, N_("operation failed") },
    { VMM_ERR_XML_ERROR, N_("XML error") },
    { VMM_ERR_OPERATION_DENIED, N_("operation forbidden") },
    { VMM_ERR_XML_DETAIL, N_("XML error") },
    { VMM_ERR_NO_DOMAIN, N_("Domain not found") },
    { VMM_ERR_NO_NETWORK, N_("Network not found") },
    { VMM_ERR_NO_STORAGE_POOL, N_("Storage pool not found") },
    { VMM_ERR_NO_STORAGE_VOL, N_("Storage volume not found") },
    { VMM_ERR_OPERATION_INVALID, N_("Requested operation is not valid") },
    { VMM_ERR_CONFIG_UNSUPPORTED, N_("unsupported configuration") },
    { VMM_ERR_OPERATION_TIMEOUT, N_("Timed out during operation") },
    { VMM_ERR_ARGUMENT_UNSUPPORTED, N_("argument unsupported") },
    { VMM_ERR_OPERATION_UNSUPPORTED, N_("Operation not supported") },
    { VMM_ERR_AGENT_UNRESPONSIVE, N_("Guest agent is not responding") },
    { VMM_ERR_ACCESS_DENIED, N_("access denied") },
    { VMM_ERR_STORAGE_VOL_EXIST, N_("storage volume already exists") },
    { VMM_ERR_XML_INVALID_SCHEMA, N_("XML document failed to validate against schema") },
    { VMM_ERR_INVALID_MAC, N_("invalid MAC address") },
    { VMM_ERR_DEVICE_MISSING, N_("device not found") },
};

const char *
vmm_error_code_prefix(VmmErrorCode code)
{
    for (size_t i = 0; i < G_N_ELEMENTS(error_prefixes); i++) {
        if (error_prefixes[i].code == code)
            return _(error_prefixes[i].prefix);
    }
    return NULL;
}

static void
error_set_va(GError **error, VmmErrorCode code, const char *suffix,
             const char *fmt, va_list ap)
{
    g_autofree char *msg = NULL;
    const char *prefix;

    if (!error)
        return;
    msg = g_strdup_vprintf(fmt, ap);
    prefix = vmm_error_code_prefix(code);
    /* Messages that already start with the prefix are not doubled. */
    if (prefix && !g_str_has_prefix(msg, prefix))
        g_set_error(error, VMM_ERROR, code, "%s: %s%s", prefix, msg, suffix);
    else
        g_set_error(error, VMM_ERROR, code, "%s%s", msg, suffix);
}

void
vmm_error_set(GError **error, VmmErrorCode code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    error_set_va(error, code, "", fmt, ap);
    va_end(ap);
}

void
vmm_error_set_errno(GError **error, int errnum, const char *fmt, ...)
{
    g_autofree char *suffix = g_strdup_printf(": %s", g_strerror(errnum));
    va_list ap;

    va_start(ap, fmt);
    error_set_va(error, VMM_ERR_SYSTEM_ERROR, suffix, fmt, ap);
    va_end(ap);
}

VmmErrorCode
vmm_error_code(const GError *error)
{
    if (error && error->domain == VMM_ERROR)
        return (VmmErrorCode)error->code;
    return VMM_ERR_INTERNAL_ERROR;
}
