/*
 * json.h: a small JSON tree with a parser and a writer (for QMP).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Objects keep their members in insertion order and look keys up linearly:
 * QMP messages are small.  Numbers keep an exact gint64 when they are
 * integers that fit, and a double always.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    VMM_JSON_NULL,
    VMM_JSON_BOOL,
    VMM_JSON_NUMBER,
    VMM_JSON_STRING,
    VMM_JSON_ARRAY,
    VMM_JSON_OBJECT,
    VMM_JSON_LAST
} VmmJsonType;

typedef struct _VmmJson VmmJson;

/* Nesting deeper than this is refused by the parser. */
#define VMM_JSON_MAX_DEPTH 128

/* Parse one JSON value (surrounding whitespace allowed, nothing else);
 * @len may be -1 for a NUL-terminated text.  NULL with @error on failure
 * ("cannot parse JSON at offset N: ..."). */
VmmJson *vmm_json_parse(const char *text, gssize len, GError **error);
/* Compact text ({"a":1,"b":[true,null]}), strings escaped; g_free() it. */
char *vmm_json_format(const VmmJson *value);

VmmJson *vmm_json_new_null(void);
VmmJson *vmm_json_new_bool(gboolean b);
VmmJson *vmm_json_new_int(gint64 i);
VmmJson *vmm_json_new_double(double d);
VmmJson *vmm_json_new_string(const char *s);
VmmJson *vmm_json_new_array(void);
VmmJson *vmm_json_new_object(void);
VmmJson *vmm_json_copy(const VmmJson *value);
void vmm_json_free(VmmJson *value);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmJson, vmm_json_free)

/* Append/set take ownership of @item; setting an existing key replaces it. */
void vmm_json_array_append(VmmJson *array, VmmJson *item);
void vmm_json_object_set(VmmJson *object, const char *key, VmmJson *item);
void vmm_json_object_set_string(VmmJson *object, const char *key, const char *s);
void vmm_json_object_set_int(VmmJson *object, const char *key, gint64 i);
void vmm_json_object_set_bool(VmmJson *object, const char *key, gboolean b);

VmmJsonType vmm_json_get_type(const VmmJson *value);
/* Borrowed string of a STRING value, else NULL. */
const char *vmm_json_get_string(const VmmJson *value);
/* TRUE and *out when @value is a BOOL / an integral NUMBER / a NUMBER. */
gboolean vmm_json_get_bool(const VmmJson *value, gboolean *out);
gboolean vmm_json_get_int(const VmmJson *value, gint64 *out);
gboolean vmm_json_get_double(const VmmJson *value, double *out);

/* Arrays: length (0 for non-arrays) and borrowed item. */
guint vmm_json_array_len(const VmmJson *array);
VmmJson *vmm_json_array_get(const VmmJson *array, guint i);

/* Objects: borrowed member or NULL (also for non-objects). */
VmmJson *vmm_json_object_get(const VmmJson *object, const char *key);
const char *vmm_json_object_get_string(const VmmJson *object, const char *key);
guint vmm_json_object_size(const VmmJson *object);
const char *vmm_json_object_key_at(const VmmJson *object, guint i);
VmmJson *vmm_json_object_value_at(const VmmJson *object, guint i);
/* Remove @key and hand its value to the caller (NULL when absent). */
VmmJson *vmm_json_object_steal(VmmJson *object, const char *key);

G_END_DECLS
