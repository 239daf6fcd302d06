/*
 * vmm_error.h: the one error domain of vmm.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Codes are numerically equal to libvirt's virErrorNumber, so that an error
 * crosses the wire unchanged and stock virsh prints it correctly.
 */
#pragma once

#include <glib.h>
#include <glib/gi18n-lib.h>

G_BEGIN_DECLS

#define VMM_ERROR (vmm_error_quark())
GQuark vmm_error_quark(void);

typedef enum {
    VMM_ERR_OK = 0,
    VMM_ERR_INTERNAL_ERROR = 1,
    VMM_ERR_NO_MEMORY = 2,
    VMM_ERR_NO_SUPPORT = 3,
    VMM_ERR_NO_CONNECT = 5,
    VMM_ERR_INVALID_CONN = 6,
    VMM_ERR_INVALID_DOMAIN = 7,
    VMM_ERR_INVALID_ARG = 8,
    VMM_ERR_OPERATION_FAILED = 9,
    VMM_ERR_OS_TYPE = 16,
    VMM_ERR_NO_NAME = 21,
    VMM_ERR_XML_ERROR = 27,
    VMM_ERR_DOM_EXIST = 28,
    VMM_ERR_OPERATION_DENIED = 29,
    VMM_ERR_OPEN_FAILED = 30,
    VMM_ERR_READ_FAILED = 31,
    VMM_ERR_PARSE_FAILED = 32,
    VMM_ERR_CONF_SYNTAX = 33,
    VMM_ERR_WRITE_FAILED = 34,
    VMM_ERR_XML_DETAIL = 35,
    VMM_ERR_INVALID_NETWORK = 36,
    VMM_ERR_NETWORK_EXIST = 37,
    VMM_ERR_SYSTEM_ERROR = 38,
    VMM_ERR_RPC = 39,
    VMM_ERR_NO_DOMAIN = 42,
    VMM_ERR_NO_NETWORK = 43,
    VMM_ERR_INVALID_MAC = 44,
    VMM_ERR_AUTH_FAILED = 45,
    VMM_ERR_INVALID_STORAGE_POOL = 46,
    VMM_ERR_INVALID_STORAGE_VOL = 47,
    VMM_ERR_NO_STORAGE_POOL = 49,
    VMM_ERR_NO_STORAGE_VOL = 50,
    VMM_ERR_OPERATION_INVALID = 55,
    VMM_ERR_CONFIG_UNSUPPORTED = 67,
    VMM_ERR_OPERATION_TIMEOUT = 68,
    VMM_ERR_ARGUMENT_UNSUPPORTED = 74,
    VMM_ERR_STORAGE_POOL_BUILT = 76,
    VMM_ERR_NO_DOMAIN_METADATA = 80,
    VMM_ERR_OPERATION_UNSUPPORTED = 84,
    VMM_ERR_AGENT_UNRESPONSIVE = 86,
    VMM_ERR_ACCESS_DENIED = 88,
    VMM_ERR_STORAGE_VOL_EXIST = 90,
    VMM_ERR_XML_INVALID_SCHEMA = 92,
    VMM_ERR_DEVICE_MISSING = 99,
} VmmErrorCode;

/* Set *error (if error is non-NULL) with our domain and @code. */
void vmm_error_set(GError **error, VmmErrorCode code, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* Like vmm_error_set() but appends ": strerror(errnum)". */
void vmm_error_set_errno(GError **error, int errnum, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);

/* The libvirt-style prefix for a code ("Requested operation is not valid"),
 * or NULL when the code has none.  Used by vmm_error_set() so that messages
 * read the same as libvirt's. */
const char *vmm_error_code_prefix(VmmErrorCode code);

/* The code of @error when it is ours, else VMM_ERR_INTERNAL_ERROR. */
VmmErrorCode vmm_error_code(const GError *error);

G_END_DECLS
