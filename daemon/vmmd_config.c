/*
 * vmmd_config.c: parsing vmmd.conf through a {key, parser, field} table.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The syntax is the subset of libvirtd.conf that vmmd's keys need:
 * "key = 123", "key = \"string\"", "# comment", blank lines.
 */
#include "vmmd_config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/vmm_error.h"

typedef gboolean (*ValueParser)(const char *value, gpointer field, GError **error);

typedef struct {
    const char *key;
    ValueParser parse;
    gsize offset;
} ConfigKey;

static gboolean
parse_uint_base(const char *value, guint *out, int base, GError **error)
{
    char *end = NULL;
    guint64 v;

    errno = 0;
    if (!*value || *value == '-' || *value == '"')
        goto bad;
    v = g_ascii_strtoull(value, &end, base);
    if (errno || *end || v > G_MAXUINT)
        goto bad;
    *out = v;
    return TRUE;
bad:
    g_set_error(error, VMM_ERROR, VMM_ERR_CONF_SYNTAX, _("expected a non-negative integer, got '%s'"),
                  value);
    return FALSE;
}

static gboolean
parse_uint(const char *value, gpointer field, GError **error)
{
    return parse_uint_base(value, field, 10, error);
}

/* Permissions are written in octal ("0770"), as in libvirtd.conf. */
static gboolean
parse_perms(const char *value, gpointer field, GError **error)
{
    g_autofree char *s = NULL;
    guint v;

    /* Quoted or not: libvirtd.conf quotes them. */
    if (value[0] == '"' && strlen(value) >= 2 && value[strlen(value) - 1] == '"')
        value = s = g_strndup(value + 1, strlen(value) - 2);
    if (!parse_uint_base(value, &v, 8, error))
        return FALSE;
    if (v > 0777) {
        g_set_error(error, VMM_ERROR, VMM_ERR_CONF_SYNTAX, _("invalid permissions '%s'"), value);
        return FALSE;
    }
    *(guint *)field = v;
    return TRUE;
}

static gboolean
parse_int(const char *value, gpointer field, GError **error)
{
    char *end = NULL;
    gint64 v;

    errno = 0;
    v = g_ascii_strtoll(value, &end, 10);
    if (!*value || errno || *end || v < G_MININT || v > G_MAXINT) {
        g_set_error(error, VMM_ERROR, VMM_ERR_CONF_SYNTAX, _("expected an integer, got '%s'"), value);
        return FALSE;
    }
    *(int *)field = v;
    return TRUE;
}

static gboolean
parse_bool(const char *value, gpointer field, GError **error)
{
    if (g_str_equal(value, "0") || g_str_equal(value, "1")) {
        *(gboolean *)field = value[0] == '1';
        return TRUE;
    }
    g_set_error(error, VMM_ERROR, VMM_ERR_CONF_SYNTAX, _("expected 0 or 1, got '%s'"), value);
    return FALSE;
}

static gboolean
parse_string(const char *value, gpointer field, GError **error)
{
    gsize len = strlen(value);
    char **out = field;

    if (len < 2 || value[0] != '"' || value[len - 1] != '"' ||
        memchr(value + 1, '"', len - 2)) {
        g_set_error(error, VMM_ERROR, VMM_ERR_CONF_SYNTAX, _("expected a quoted string, got '%s'"),
                      value);
        return FALSE;
    }
    g_free(*out);
    *out = g_strndup(value + 1, len - 2);
    return TRUE;
}

static gboolean
parse_log_level(const char *value, gpointer field, GError **error)
{
    guint v;

    if (!parse_uint_base(value, &v, 10, error))
        return FALSE;
    if (v < 1 || v > 4) {
        g_set_error(error, VMM_ERROR, VMM_ERR_CONF_SYNTAX, _("log_level must be 1 to 4, got '%s'"),
                      value);
        return FALSE;
    }
    *(guint *)field = v;
    return TRUE;
}

#define KEY(name, parser) { #name, parser, G_STRUCT_OFFSET(VmmdConfig, name) }

static const ConfigKey keys[] = {
    KEY(unix_sock_dir, parse_string),
    KEY(unix_sock_group, parse_string),
    KEY(unix_sock_rw_perms, parse_perms),
    KEY(unix_sock_ro_perms, parse_perms),
    KEY(max_clients, parse_uint),
    KEY(max_workers, parse_uint),
    KEY(prio_workers, parse_uint),
    KEY(max_client_requests, parse_uint),
    KEY(keepalive_interval, parse_int),
    KEY(keepalive_count, parse_uint),
    KEY(log_level, parse_log_level),
    KEY(log_filters, parse_string),
    KEY(log_outputs, parse_string),
    KEY(listen_tcp, parse_bool),
    KEY(tcp_port, parse_uint),
    KEY(listen_addr, parse_string),
};

VmmdConfig *
vmmd_config_new(void)
{
    VmmdConfig *cfg = g_new0(VmmdConfig, 1);

    cfg->unix_sock_rw_perms = 0700;   /* root only until polkit exists */
    cfg->unix_sock_ro_perms = 0777;
    cfg->max_clients = 5000;
    cfg->max_workers = 20;
    cfg->prio_workers = 5;
    cfg->max_client_requests = 5;
    cfg->keepalive_interval = 5;
    cfg->keepalive_count = 5;
    cfg->log_level = 3;
    cfg->tcp_port = 16509;
    return cfg;
}

void
vmmd_config_free(VmmdConfig *cfg)
{
    if (!cfg)
        return;
    g_free(cfg->unix_sock_dir);
    g_free(cfg->unix_sock_group);
    g_free(cfg->log_filters);
    g_free(cfg->log_outputs);
    g_free(cfg->listen_addr);
    g_free(cfg);
}

gboolean
vmmd_config_parse(VmmdConfig *cfg, const char *name, const char *text, GError **error)
{
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);

    for (guint n = 0; lines[n]; n++) {
        g_autoptr(GError) err = NULL;
        char *line = g_strstrip(lines[n]);
        char *eq;
        char *key;
        char *value;
        const ConfigKey *k = NULL;

        if (!*line || *line == '#')
            continue;
        if (!(eq = strchr(line, '='))) {
            g_set_error(error, VMM_ERROR, VMM_ERR_CONF_SYNTAX, _("%s:%u: expected 'key = value'"),
                          name, n + 1);
            return FALSE;
        }
        *eq = '\0';
        key = g_strstrip(line);
        value = g_strstrip(eq + 1);
        /* A trailing comment after an unquoted value. */
        if (*value != '"' && strchr(value, '#')) {
            *strchr(value, '#') = '\0';
            g_strstrip(value);
        }
        for (size_t i = 0; i < G_N_ELEMENTS(keys); i++) {
            if (g_str_equal(keys[i].key, key))
                k = &keys[i];
        }
        if (!k) {
            g_set_error(error, VMM_ERROR, VMM_ERR_CONF_SYNTAX, _("%s:%u: unknown key '%s'"),
                          name, n + 1, key);
            return FALSE;
        }
        if (!k->parse(value, G_STRUCT_MEMBER_P(cfg, k->offset), &err)) {
            g_set_error(error, VMM_ERROR, VMM_ERR_CONF_SYNTAX, "%s:%u: %s: %s", name, n + 1, key,
                          err->message);
            return FALSE;
        }
    }
    return TRUE;
}

gboolean
vmmd_config_load(VmmdConfig *cfg, const char *path, gboolean must_exist, GError **error)
{
    g_autofree char *text = NULL;
    g_autoptr(GError) err = NULL;

    if (!g_file_get_contents(path, &text, NULL, &err)) {
        if (!must_exist && g_error_matches(err, G_FILE_ERROR, G_FILE_ERROR_NOENT))
            return TRUE;
        vmm_error_set(error, VMM_ERR_READ_FAILED, _("cannot read '%s': %s"), path,
                      err->message);
        return FALSE;
    }
    return vmmd_config_parse(cfg, path, text, error);
}
