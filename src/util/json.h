/*
 * json.h: a small JSON tree (VmmJsonNode) with a parser and a writer (for QMP).
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
    VMM_JSON_NODE_NULL,
    VMM_JSON_NODE_BOOL,
    VMM_JSON_NODE_NUMBER,
    VMM_JSON_NODE_STRING,
    VMM_JSON_NODE_ARRAY,
    VMM_JSON_NODE_OBJECT,
    VMM_JSON_NODE_LAST
} VmmJsonNodeType;

typedef struct _VmmJsonNode VmmJsonNode;

/* Nesting deeper than this is refused by the parser. */
#define VMM_JSON_MAX_DEPTH 128

/* Parse one JSON value (surrounding whitespace allowed, nothing else);
 * @len may be -1 for a NUL-terminated text.  NULL with @error on failure
 * ("cannot parse JSON at offset N: ..."). */
VmmJsonNode *vmm_json_node_parse(const char *text, gssize len, GError **error);
/* Compact text ({"a":1,"b":[true,null]}), strings escaped; g_free() it. */
char *vmm_json_node_format(const VmmJsonNode *value);

VmmJsonNode *vmm_json_node_new_null(void);
VmmJsonNode *vmm_json_node_new_bool(gboolean b);
VmmJsonNode *vmm_json_node_new_int(gint64 i);
VmmJsonNode *vmm_json_node_new_double(double d);
VmmJsonNode *vmm_json_node_new_string(const char *s);
VmmJsonNode *vmm_json_node_new_array(void);
VmmJsonNode *vmm_json_node_new_object(void);
VmmJsonNode *vmm_json_node_copy(const VmmJsonNode *value);
void vmm_json_node_free(VmmJsonNode *value);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmJsonNode, vmm_json_node_free)

/* Append/set take ownership of @item; setting an existing key replaces it. */
void vmm_json_node_array_append(VmmJsonNode *array, VmmJsonNode *item);
void vmm_json_node_object_set(VmmJsonNode *object, const char *key, VmmJsonNode *item);
void vmm_json_node_object_set_string(VmmJsonNode *object, const char *key, const char *s);
void vmm_json_node_object_set_int(VmmJsonNode *object, const char *key, gint64 i);
void vmm_json_node_object_set_bool(VmmJsonNode *object, const char *key, gboolean b);

VmmJsonNodeType vmm_json_node_get_type(const VmmJsonNode *value);
/* Borrowed string of a STRING value, else NULL. */
const char *vmm_json_node_get_string(const VmmJsonNode *value);
/* TRUE and *out when @value is a BOOL / an integral NUMBER / a NUMBER. */
gboolean vmm_json_node_get_bool(const VmmJsonNode *value, gboolean *out);
gboolean vmm_json_node_get_int(const VmmJsonNode *value, gint64 *out);
gboolean vmm_json_node_get_double(const VmmJsonNode *value, double *out);

/* Arrays: length (0 for non-arrays) and borrowed item. */
guint vmm_json_node_array_len(const VmmJsonNode *array);
VmmJsonNode *vmm_json_node_array_get(const VmmJsonNode *array, guint i);

/* Objects: borrowed member or NULL (also for non-objects). */
VmmJsonNode *vmm_json_node_object_get(const VmmJsonNode *object, const char *key);
const char *vmm_json_node_object_get_string(const VmmJsonNode *object, const char *key);
guint vmm_json_node_object_size(const VmmJsonNode *object);
const char *vmm_json_node_object_key_at(const VmmJsonNode *object, guint i);
VmmJsonNode *vmm_json_node_object_value_at(const VmmJsonNode *object, guint i);
/* Remove @key and hand its value to the caller (NULL when absent). */
VmmJsonNode *vmm_json_node_object_steal(VmmJsonNode *object, const char *key);

G_END_DECLS
