/*
 * json.c: a small JSON tree with a parser and a writer (for QMP).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The parser is a plain recursive descent over RFC 8259 with a depth cap,
 * so that a hostile or broken peer cannot exhaust the stack.
 */
#include "util/json.h"
#include "util/vmm_error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>

struct _VmmJsonNode {
    VmmJsonNodeType type;
    gboolean b;
    gboolean is_int;
    gint64 i;
    double d;
    char *s;
    GPtrArray *items;   /* ARRAY, OBJECT: VmmJsonNode* */
    GPtrArray *keys;    /* OBJECT: char*, parallel to items */
};

static VmmJsonNode *
json_new(VmmJsonNodeType type)
{
    VmmJsonNode *v = g_new0(VmmJsonNode, 1);

    v->type = type;
    if (type == VMM_JSON_NODE_ARRAY || type == VMM_JSON_NODE_OBJECT)
        v->items = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_json_node_free);
    if (type == VMM_JSON_NODE_OBJECT)
        v->keys = g_ptr_array_new_with_free_func(g_free);
    return v;
}

VmmJsonNode *vmm_json_node_new_null(void) { return json_new(VMM_JSON_NODE_NULL); }
VmmJsonNode *vmm_json_node_new_array(void) { return json_new(VMM_JSON_NODE_ARRAY); }
VmmJsonNode *vmm_json_node_new_object(void) { return json_new(VMM_JSON_NODE_OBJECT); }

VmmJsonNode *
vmm_json_node_new_bool(gboolean b)
{
    VmmJsonNode *v = json_new(VMM_JSON_NODE_BOOL);
    v->b = !!b;
    return v;
}

VmmJsonNode *
vmm_json_node_new_int(gint64 i)
{
    VmmJsonNode *v = json_new(VMM_JSON_NODE_NUMBER);
    v->is_int = TRUE;
    v->i = i;
    v->d = (double)i;
    return v;
}

VmmJsonNode *
vmm_json_node_new_double(double d)
{
    VmmJsonNode *v = json_new(VMM_JSON_NODE_NUMBER);
    v->d = d;
    return v;
}

VmmJsonNode *
vmm_json_node_new_string(const char *s)
{
    VmmJsonNode *v = json_new(VMM_JSON_NODE_STRING);
    v->s = g_strdup(s ? s : "");
    return v;
}

void
vmm_json_node_free(VmmJsonNode *v)
{
    if (!v)
        return;
    g_free(v->s);
    if (v->items)
        g_ptr_array_unref(v->items);
    if (v->keys)
        g_ptr_array_unref(v->keys);
    g_free(v);
}

VmmJsonNode *
vmm_json_node_copy(const VmmJsonNode *v)
{
    VmmJsonNode *c;

    if (!v)
        return NULL;
    c = json_new(v->type);
    c->b = v->b;
    c->is_int = v->is_int;
    c->i = v->i;
    c->d = v->d;
    c->s = g_strdup(v->s);
    for (guint n = 0; v->items && n < v->items->len; n++) {
        g_ptr_array_add(c->items, vmm_json_node_copy(g_ptr_array_index(v->items, n)));
        if (v->keys)
            g_ptr_array_add(c->keys, g_strdup(g_ptr_array_index(v->keys, n)));
    }
    return c;
}

void
vmm_json_node_array_append(VmmJsonNode *array, VmmJsonNode *item)
{
    g_return_if_fail(array && array->type == VMM_JSON_NODE_ARRAY && item);
    g_ptr_array_add(array->items, item);
}

static int
object_find(const VmmJsonNode *o, const char *key)
{
    if (!o || o->type != VMM_JSON_NODE_OBJECT)
        return -1;
    for (guint n = 0; n < o->keys->len; n++) {
        if (strcmp(g_ptr_array_index(o->keys, n), key) == 0)
            return n;
    }
    return -1;
}

void
vmm_json_node_object_set(VmmJsonNode *o, const char *key, VmmJsonNode *item)
{
    int n;

    g_return_if_fail(o && o->type == VMM_JSON_NODE_OBJECT && key && item);
    if ((n = object_find(o, key)) >= 0) {
        vmm_json_node_free(g_ptr_array_index(o->items, n));
        g_ptr_array_index(o->items, n) = item;
        return;
    }
    g_ptr_array_add(o->keys, g_strdup(key));
    g_ptr_array_add(o->items, item);
}

void vmm_json_node_object_set_string(VmmJsonNode *o, const char *key, const char *s) { vmm_json_node_object_set(o, key, vmm_json_node_new_string(s)); }
void vmm_json_node_object_set_int(VmmJsonNode *o, const char *key, gint64 i) { vmm_json_node_object_set(o, key, vmm_json_node_new_int(i)); }
void vmm_json_node_object_set_bool(VmmJsonNode *o, const char *key, gboolean b) { vmm_json_node_object_set(o, key, vmm_json_node_new_bool(b)); }

VmmJsonNodeType
vmm_json_node_get_type(const VmmJsonNode *v)
{
    return v ? v->type : VMM_JSON_NODE_NULL;
}

const char *
vmm_json_node_get_string(const VmmJsonNode *v)
{
    return v && v->type == VMM_JSON_NODE_STRING ? v->s : NULL;
}

gboolean
vmm_json_node_get_bool(const VmmJsonNode *v, gboolean *out)
{
    if (!v || v->type != VMM_JSON_NODE_BOOL)
        return FALSE;
    *out = v->b;
    return TRUE;
}

gboolean
vmm_json_node_get_int(const VmmJsonNode *v, gint64 *out)
{
    if (!v || v->type != VMM_JSON_NODE_NUMBER || !v->is_int)
        return FALSE;
    *out = v->i;
    return TRUE;
}

gboolean
vmm_json_node_get_double(const VmmJsonNode *v, double *out)
{
    if (!v || v->type != VMM_JSON_NODE_NUMBER)
        return FALSE;
    *out = v->d;
    return TRUE;
}

guint
vmm_json_node_array_len(const VmmJsonNode *a)
{
    return a && a->type == VMM_JSON_NODE_ARRAY ? a->items->len : 0;
}

VmmJsonNode *
vmm_json_node_array_get(const VmmJsonNode *a, guint i)
{
    g_return_val_if_fail(i < vmm_json_node_array_len(a), NULL);
    return g_ptr_array_index(a->items, i);
}

VmmJsonNode *
vmm_json_node_object_get(const VmmJsonNode *o, const char *key)
{
    int n = object_find(o, key);
    return n >= 0 ? g_ptr_array_index(o->items, n) : NULL;
}

const char *
vmm_json_node_object_get_string(const VmmJsonNode *o, const char *key)
{
    return vmm_json_node_get_string(vmm_json_node_object_get(o, key));
}

guint
vmm_json_node_object_size(const VmmJsonNode *o)
{
    return o && o->type == VMM_JSON_NODE_OBJECT ? o->items->len : 0;
}

const char *
vmm_json_node_object_key_at(const VmmJsonNode *o, guint i)
{
    g_return_val_if_fail(i < vmm_json_node_object_size(o), NULL);
    return g_ptr_array_index(o->keys, i);
}

VmmJsonNode *
vmm_json_node_object_value_at(const VmmJsonNode *o, guint i)
{
    g_return_val_if_fail(i < vmm_json_node_object_size(o), NULL);
    return g_ptr_array_index(o->items, i);
}

VmmJsonNode *
vmm_json_node_object_steal(VmmJsonNode *o, const char *key)
{
    int n = object_find(o, key);
    VmmJsonNode *v;

    if (n < 0)
        return NULL;
    v = g_ptr_array_steal_index(o->items, n);
    g_ptr_array_remove_index(o->keys, n);
    return v;
}

/* ---- writer ---- */

static void
write_string(GString *s, const char *str)
{
    g_string_append_c(s, '"');
    for (const unsigned char *p = (const unsigned char *)str; *p; p++) {
        switch (*p) {
        case '"': g_string_append(s, "\\\""); break;
        case '\\': g_string_append(s, "\\\\"); break;
        case '\n': g_string_append(s, "\\n"); break;
        case '\r': g_string_append(s, "\\r"); break;
        case '\t': g_string_append(s, "\\t"); break;
        case '\b': g_string_append(s, "\\b"); break;
        case '\f': g_string_append(s, "\\f"); break;
        default:
            if (*p < 0x20 || *p == 0x7f)
                g_string_append_printf(s, "\\u%04x", *p);
            else
                g_string_append_c(s, *p);
        }
    }
    g_string_append_c(s, '"');
}

static void
write_value(GString *s, const VmmJsonNode *v)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    switch (v->type) {
    case VMM_JSON_NODE_NULL:
        g_string_append(s, "null");
        break;
    case VMM_JSON_NODE_BOOL:
        g_string_append(s, v->b ? "true" : "false");
        break;
    case VMM_JSON_NODE_NUMBER:
        if (v->is_int)
            g_string_append_printf(s, "%" G_GINT64_FORMAT, v->i);
        else if (!isfinite(v->d))
            g_string_append(s, "null");   /* JSON has no NaN/Inf */
        else
            g_string_append(s, g_ascii_dtostr(buf, sizeof(buf), v->d));
        break;
    case VMM_JSON_NODE_STRING:
        write_string(s, v->s);
        break;
    case VMM_JSON_NODE_ARRAY:
        g_string_append_c(s, '[');
        for (guint n = 0; n < v->items->len; n++) {
            if (n)
                g_string_append_c(s, ',');
            write_value(s, g_ptr_array_index(v->items, n));
        }
        g_string_append_c(s, ']');
        break;
    case VMM_JSON_NODE_OBJECT:
        g_string_append_c(s, '{');
        for (guint n = 0; n < v->items->len; n++) {
            if (n)
                g_string_append_c(s, ',');
            write_string(s, g_ptr_array_index(v->keys, n));
            g_string_append_c(s, ':');
            write_value(s, g_ptr_array_index(v->items, n));
        }
        g_string_append_c(s, '}');
        break;
    case VMM_JSON_NODE_LAST:
        g_assert_not_reached();
    }
}

char *
vmm_json_node_format(const VmmJsonNode *v)
{
    GString *s = g_string_new(NULL);

    g_return_val_if_fail(v != NULL, NULL);
    write_value(s, v);
    return g_string_free(s, FALSE);
}

/* ---- parser ---- */

typedef struct {
    const char *text;
    gsize len;
    gsize pos;
    GError **error;
} Parser;

static VmmJsonNode *parse_value(Parser *p, int depth);

static gpointer
parse_fail(Parser *p, const char *what)
{
    vmm_error_set(p->error, VMM_ERR_INTERNAL_ERROR,
                  _("cannot parse JSON at offset %zu: %s"), p->pos, what);
    return NULL;
}

static void
skip_ws(Parser *p)
{
    while (p->pos < p->len && strchr(" \t\r\n", p->text[p->pos]) && p->text[p->pos])
        p->pos++;
}

static gboolean
eat(Parser *p, char c)
{
    skip_ws(p);
    if (p->pos < p->len && p->text[p->pos] == c) {
        p->pos++;
        return TRUE;
    }
    return FALSE;
}

static int
hex4(Parser *p)
{
    int v = 0;

    if (p->len - p->pos < 4)
        return -1;
    for (int k = 0; k < 4; k++) {
        int d = g_ascii_xdigit_value(p->text[p->pos + k]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    p->pos += 4;
    return v;
}

/* At the opening quote; returns the decoded UTF-8 string. */
static char *
parse_string(Parser *p)
{
    g_autoptr(GString) s = g_string_new(NULL);
    gsize start;

    p->pos++;
    start = p->pos;
    while (p->pos < p->len) {
        unsigned char c = p->text[p->pos];
        if (c == '"') {
            p->pos++;
            if (!g_utf8_validate(s->str, s->len, NULL)) {
                p->pos = start;
                return parse_fail(p, _("string is not valid UTF-8"));
            }
            return g_string_free(g_steal_pointer(&s), FALSE);
        }
        if (c < 0x20)
            return parse_fail(p, _("control character in string"));
        if (c != '\\') {
            g_string_append_c(s, c);
            p->pos++;
            continue;
        }
        if (++p->pos >= p->len)
            break;
        c = p->text[p->pos++];
        switch (c) {
        case '"': case '\\': case '/': g_string_append_c(s, c); break;
        case 'b': g_string_append_c(s, '\b'); break;
        case 'f': g_string_append_c(s, '\f'); break;
        case 'n': g_string_append_c(s, '\n'); break;
        case 'r': g_string_append_c(s, '\r'); break;
        case 't': g_string_append_c(s, '\t'); break;
        case 'u': {
            int u = hex4(p);
            if (u < 0)
                return parse_fail(p, _("bad \\u escape"));
            if (u >= 0xd800 && u < 0xdc00) {
                int lo;
                if (p->len - p->pos < 2 || p->text[p->pos] != '\\' ||
                    p->text[p->pos + 1] != 'u')
                    return parse_fail(p, _("unpaired surrogate"));
                p->pos += 2;
                lo = hex4(p);
                if (lo < 0xdc00 || lo > 0xdfff)
                    return parse_fail(p, _("unpaired surrogate"));
                u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
            } else if (u >= 0xdc00 && u < 0xe000) {
                return parse_fail(p, _("unpaired surrogate"));
            }
            if (u == 0)
                return parse_fail(p, _("NUL character in string"));
            g_string_append_unichar(s, u);
            break;
        }
        default:
            p->pos--;
            return parse_fail(p, _("bad escape in string"));
        }
    }
    return parse_fail(p, _("unterminated string"));
}

static VmmJsonNode *
parse_number(Parser *p)
{
    gsize start = p->pos;
    gboolean integral = TRUE;
    g_autofree char *num = NULL;
    VmmJsonNode *v;

    if (p->text[p->pos] == '-')
        p->pos++;
    if (p->pos >= p->len || !g_ascii_isdigit(p->text[p->pos]))
        return parse_fail(p, _("bad number"));
    if (p->text[p->pos] == '0')
        p->pos++;
    else
        while (p->pos < p->len && g_ascii_isdigit(p->text[p->pos]))
            p->pos++;
    if (p->pos < p->len && p->text[p->pos] == '.') {
        integral = FALSE;
        p->pos++;
        if (p->pos >= p->len || !g_ascii_isdigit(p->text[p->pos]))
            return parse_fail(p, _("bad number"));
        while (p->pos < p->len && g_ascii_isdigit(p->text[p->pos]))
            p->pos++;
    }
    if (p->pos < p->len && (p->text[p->pos] == 'e' || p->text[p->pos] == 'E')) {
        integral = FALSE;
        p->pos++;
        if (p->pos < p->len && (p->text[p->pos] == '+' || p->text[p->pos] == '-'))
            p->pos++;
        if (p->pos >= p->len || !g_ascii_isdigit(p->text[p->pos]))
            return parse_fail(p, _("bad number"));
        while (p->pos < p->len && g_ascii_isdigit(p->text[p->pos]))
            p->pos++;
    }
    num = g_strndup(p->text + start, p->pos - start);
    v = vmm_json_node_new_double(g_ascii_strtod(num, NULL));
    if (integral) {
        char *end;
        gint64 i;
        errno = 0;
        i = g_ascii_strtoll(num, &end, 10);
        if (errno == 0 && *end == '\0') {
            v->is_int = TRUE;
            v->i = i;
        }
    }
    return v;
}

static gboolean
match_word(Parser *p, const char *word)
{
    gsize n = strlen(word);

    if (p->len - p->pos >= n && memcmp(p->text + p->pos, word, n) == 0) {
        p->pos += n;
        return TRUE;
    }
    return FALSE;
}

static VmmJsonNode *
parse_container(Parser *p, int depth, gboolean is_object)
{
    g_autoptr(VmmJsonNode) v = is_object ? vmm_json_node_new_object() : vmm_json_node_new_array();
    char close = is_object ? '}' : ']';

    p->pos++;
    if (eat(p, close))
        return g_steal_pointer(&v);
    for (;;) {
        g_autofree char *key = NULL;
        VmmJsonNode *item;

        if (is_object) {
            skip_ws(p);
            if (p->pos >= p->len || p->text[p->pos] != '"')
                return parse_fail(p, _("expected a member name"));
            if (!(key = parse_string(p)))
                return NULL;
            if (!eat(p, ':'))
                return parse_fail(p, _("expected ':'"));
        }
        if (!(item = parse_value(p, depth + 1)))
            return NULL;
        if (is_object)
            vmm_json_node_object_set(v, key, item);
        else
            vmm_json_node_array_append(v, item);
        if (eat(p, close))
            return g_steal_pointer(&v);
        if (!eat(p, ','))
            return parse_fail(p, is_object ? _("expected ',' or '}'")
                                           : _("expected ',' or ']'"));
    }
}

static VmmJsonNode *
parse_value(Parser *p, int depth)
{
    char c;

    if (depth >= VMM_JSON_MAX_DEPTH)
        return parse_fail(p, _("nesting too deep"));
    skip_ws(p);
    if (p->pos >= p->len)
        return parse_fail(p, _("unexpected end of input"));
    c = p->text[p->pos];
    switch (c) {
    case '{':
        return parse_container(p, depth, TRUE);
    case '[':
        return parse_container(p, depth, FALSE);
    case '"': {
        char *s = parse_string(p);
        VmmJsonNode *v;
        if (!s)
            return NULL;
        v = json_new(VMM_JSON_NODE_STRING);
        v->s = s;
        return v;
    }
    case 't':
        if (match_word(p, "true"))
            return vmm_json_node_new_bool(TRUE);
        break;
    case 'f':
        if (match_word(p, "false"))
            return vmm_json_node_new_bool(FALSE);
        break;
    case 'n':
        if (match_word(p, "null"))
            return vmm_json_node_new_null();
        break;
    default:
        if (c == '-' || g_ascii_isdigit(c))
            return parse_number(p);
    }
    return parse_fail(p, _("unexpected character"));
}

VmmJsonNode *
vmm_json_node_parse(const char *text, gssize len, GError **error)
{
    Parser p = { text, len < 0 ? strlen(text) : (gsize)len, 0, error };
    g_autoptr(VmmJsonNode) v = NULL;

    g_return_val_if_fail(text != NULL, NULL);
    if (!(v = parse_value(&p, 0)))
        return NULL;
    skip_ws(&p);
    if (p.pos != p.len)
        return parse_fail(&p, _("trailing characters"));
    return g_steal_pointer(&v);
}
