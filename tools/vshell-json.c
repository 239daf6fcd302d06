/*
 * vshell-json.c: a tiny JSON writer for --json output.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Compact output (no spaces), members in the order the caller writes them,
 * strings escaped per RFC 8259 (control characters as \u00XX; UTF-8 passes
 * through unchanged).
 */
#include "vshell.h"

struct _VshJson {
    GString *out;
    /* One entry per open container: TRUE until its first member is written. */
    GArray *first;
    gboolean after_key;
};

VshJson *
vsh_json_new(void)
{
    VshJson *j = g_new0(VshJson, 1);

    j->out = g_string_new(NULL);
    j->first = g_array_new(FALSE, FALSE, sizeof(gboolean));
    return j;
}

/* Writes the separator a new value needs. */
static void
json_value_start(VshJson *j)
{
    gboolean *first;

    if (j->after_key) {
        j->after_key = FALSE;
        return;
    }
    if (j->first->len == 0)
        return;
    first = &g_array_index(j->first, gboolean, j->first->len - 1);
    if (!*first)
        g_string_append_c(j->out, ',');
    *first = FALSE;
}

static void
json_push(VshJson *j, char open)
{
    gboolean t = TRUE;

    json_value_start(j);
    g_string_append_c(j->out, open);
    g_array_append_val(j->first, t);
}

static void
json_pop(VshJson *j, char close)
{
    g_return_if_fail(j->first->len > 0);
    g_array_set_size(j->first, j->first->len - 1);
    g_string_append_c(j->out, close);
}

void vsh_json_begin_object(VshJson *j) { json_push(j, '{'); }
void vsh_json_end_object(VshJson *j) { json_pop(j, '}'); }
void vsh_json_begin_array(VshJson *j) { json_push(j, '['); }
void vsh_json_end_array(VshJson *j) { json_pop(j, ']'); }

static void
json_escape(GString *out, const char *s)
{
    g_string_append_c(out, '"');
    for (; *s; s++) {
        unsigned char ch = *s;

        switch (ch) {
        case '"': g_string_append(out, "\\\""); break;
        case '\\': g_string_append(out, "\\\\"); break;
        case '\n': g_string_append(out, "\\n"); break;
        case '\r': g_string_append(out, "\\r"); break;
        case '\t': g_string_append(out, "\\t"); break;
        case '\b': g_string_append(out, "\\b"); break;
        case '\f': g_string_append(out, "\\f"); break;
        default:
            if (ch < 0x20)
                g_string_append_printf(out, "\\u%04x", ch);
            else
                g_string_append_c(out, ch);
        }
    }
    g_string_append_c(out, '"');
}

void
vsh_json_key(VshJson *j, const char *key)
{
    json_value_start(j);
    json_escape(j->out, key);
    g_string_append_c(j->out, ':');
    j->after_key = TRUE;
}

void
vsh_json_string(VshJson *j, const char *value)
{
    json_value_start(j);
    if (value)
        json_escape(j->out, value);
    else
        g_string_append(j->out, "null");
}

void
vsh_json_int(VshJson *j, gint64 value)
{
    json_value_start(j);
    g_string_append_printf(j->out, "%" G_GINT64_FORMAT, value);
}

void
vsh_json_uint(VshJson *j, guint64 value)
{
    json_value_start(j);
    g_string_append_printf(j->out, "%" G_GUINT64_FORMAT, value);
}

void
vsh_json_double(VshJson *j, double value)
{
    char buf[G_ASCII_DTOSTR_BUF_SIZE];

    json_value_start(j);
    g_string_append(j->out, g_ascii_dtostr(buf, sizeof(buf), value));
}

void
vsh_json_bool(VshJson *j, gboolean value)
{
    json_value_start(j);
    g_string_append(j->out, value ? "true" : "false");
}

char *
vsh_json_finish(VshJson *j)
{
    char *text = g_string_free(j->out, FALSE);

    g_array_unref(j->first);
    g_free(j);
    return text;
}

void
vsh_json_print(Vsh *ctl, VshJson *j)
{
    g_autofree char *text = vsh_json_finish(j);

    printf("%s\n", text);
    ctl->no_trailer = TRUE;
}
