/*
 * remote_uri.c: from a client URI to "how to reach vmmd, and what to ask it".
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "remote/remote_uri.h"
#include "util/vmm_error.h"

#include <string.h>
#include <unistd.h>

static const char *const transport_names[REMOTE_TRANSPORT_LAST] = {
    [REMOTE_TRANSPORT_UNIX] = "unix",
    [REMOTE_TRANSPORT_TCP] = "tcp",
    [REMOTE_TRANSPORT_SSH] = "ssh",
};

/* The rest of what libvirt's client consumes from the query (its
 * doRemoteOpen() list), lower case; keys compare case-insensitively. */
static const char *const ignored_params[] = {
    "auth", "sshauth", "netcat", "keyfile", "pkipath", "known_hosts",
    "known_hosts_verify", "tls_priority", "mode", "proxy", "no_sanity",
    "no_verify", "authfile", NULL,
};

gboolean
remote_uri_is_remote(const char *uri)
{
    const char *sep = uri ? strstr(uri, "://") : NULL;
    g_autofree char *scheme = NULL;

    if (!sep)
        return FALSE;
    scheme = g_ascii_strdown(uri, sep - uri);
    return strchr(scheme, '+') != NULL ||
           g_str_equal(scheme, "remote") ||
           g_str_equal(scheme, "qemu");
}

void
remote_target_free(RemoteTarget *target)
{
    if (!target)
        return;
    g_free(target->name);
    g_free(target->socket_path);
    g_free(target->host);
    g_free(target->user);
    g_free(target->command);
    g_free(target);
}

/* The value of a boolean parameter: "0" or "1", as libvirt takes them. */
static gboolean
parse_bool_param(const char *key, const char *value, gboolean *out, GError **error)
{
    if (g_str_equal(value, "0") || g_str_equal(value, "1")) {
        *out = value[0] == '1';
        return TRUE;
    }
    vmm_error_set(error, VMM_ERR_INVALID_ARG,
                  _("URI parameter '%s' must be 0 or 1, not '%s'"), key, value);
    return FALSE;
}

/*
 * Take out the parameters the client consumes; what remains (still encoded,
 * in order) goes on to the server as part of the name.
 */
static gboolean
parse_query(RemoteTarget *target, const char *query, char **name_override,
            GString *rest, GError **error)
{
    g_auto(GStrv) pairs = NULL;

    if (!query || !*query)
        return TRUE;
    pairs = g_strsplit_set(query, "&;", -1);
    for (char **p = pairs; *p; p++) {
        const char *eq = strchr(*p, '=');
        g_autofree char *raw_key = NULL;
        g_autofree char *key = NULL;
        g_autofree char *value = NULL;

        if (!**p)
            continue;
        raw_key = g_uri_unescape_segment(*p, eq, NULL);
        key = raw_key ? g_ascii_strdown(raw_key, -1) : NULL;
        value = eq ? g_uri_unescape_string(eq + 1, NULL) : g_strdup("");
        if (!key || !value) {
            vmm_error_set(error, VMM_ERR_INVALID_ARG,
                          _("invalid URI parameter '%s'"), *p);
            return FALSE;
        }
        if (g_str_equal(key, "socket")) {
            g_free(target->socket_path);
            target->socket_path = g_steal_pointer(&value);
        } else if (g_str_equal(key, "name")) {
            g_free(*name_override);
            *name_override = g_steal_pointer(&value);
        } else if (g_str_equal(key, "command")) {
            g_free(target->command);
            target->command = g_steal_pointer(&value);
        } else if (g_str_equal(key, "no_tty")) {
            if (!parse_bool_param(key, value, &target->no_tty, error))
                return FALSE;
        } else if (g_strv_contains(ignored_params, key)) {
            /* libvirt client options with no meaning here: dropped, as
             * libvirt drops them, so the server never sees them. */
        } else {
            if (rest->len)
                g_string_append_c(rest, '&');
            g_string_append(rest, *p);
        }
    }
    return TRUE;
}

/* Where a local vmmd listens when no ?socket= says otherwise. */
static char *
default_socket(const char *path, gboolean readonly)
{
    const char *leaf = readonly ? "vmmd-sock-ro" : "vmmd-sock";

    if (g_strcmp0(path, "/session") == 0)
        return g_build_filename(g_get_user_runtime_dir(), "vmm", leaf, NULL);
    return g_strdup(readonly ? REMOTE_SYSTEM_SOCKET_RO : REMOTE_SYSTEM_SOCKET);
}

static gboolean
split_scheme(RemoteTarget *target, const char *scheme, char **driver, GError **error)
{
    const char *plus = strchr(scheme, '+');

    target->transport = REMOTE_TRANSPORT_UNIX;
    if (!plus) {
        *driver = g_strdup(scheme);
        return TRUE;
    }
    *driver = g_strndup(scheme, plus - scheme);
    for (int t = 0; t < REMOTE_TRANSPORT_LAST; t++) {
        if (g_str_equal(plus + 1, transport_names[t])) {
            target->transport = t;
            return TRUE;
        }
    }
    vmm_error_set(error, VMM_ERR_INVALID_ARG,
                  _("unknown transport '%s' in URI scheme '%s' (use unix, tcp or ssh)"),
                  plus + 1, scheme);
    return FALSE;
}

RemoteTarget *
remote_target_parse(const char *uri, gboolean readonly, GError **error)
{
    g_autoptr(RemoteTarget) target = g_new0(RemoteTarget, 1);
    g_autoptr(GUri) parsed = NULL;
    g_autoptr(GError) local = NULL;
    g_autoptr(GString) rest = g_string_new(NULL);
    g_autofree char *driver = NULL;
    g_autofree char *name_override = NULL;
    const char *path;

    parsed = g_uri_parse(uri, G_URI_FLAGS_ENCODED | G_URI_FLAGS_NON_DNS |
                         G_URI_FLAGS_HAS_PASSWORD, &local);
    if (!parsed) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid URI '%s': %s"),
                      uri, local->message);
        return NULL;
    }
    if (!split_scheme(target, g_uri_get_scheme(parsed), &driver, error))
        return NULL;
    if (!*driver) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("no driver name in URI scheme '%s'"), g_uri_get_scheme(parsed));
        return NULL;
    }
    if (!parse_query(target, g_uri_get_query(parsed), &name_override, rest, error))
        return NULL;

    if (g_uri_get_host(parsed) && *g_uri_get_host(parsed))
        target->host = g_uri_unescape_string(g_uri_get_host(parsed), NULL);
    if (g_uri_get_user(parsed))
        target->user = g_uri_unescape_string(g_uri_get_user(parsed), NULL);
    target->port = MAX(g_uri_get_port(parsed), 0);
    path = g_uri_get_path(parsed);

    switch (target->transport) {
    case REMOTE_TRANSPORT_UNIX:
        if (target->host) {
            vmm_error_set(error, VMM_ERR_INVALID_ARG,
                          _("URI '%s' names host '%s', but the unix transport is local "
                            "(use +ssh or +tcp)"), uri, target->host);
            return NULL;
        }
        if (!target->socket_path)
            target->socket_path = default_socket(path, readonly);
        break;
    case REMOTE_TRANSPORT_TCP:
        if (!target->host)
            target->host = g_strdup("localhost");
        if (!target->port)
            target->port = REMOTE_DEFAULT_TCP_PORT;
        break;
    case REMOTE_TRANSPORT_SSH:
        if (!target->host) {
            vmm_error_set(error, VMM_ERR_INVALID_ARG,
                          _("URI '%s' has no host to ssh to"), uri);
            return NULL;
        }
        if (!target->socket_path && g_strcmp0(path, "/session") == 0) {
            /* The far side's runtime dir is not ours to guess. */
            vmm_error_set(error, VMM_ERR_INVALID_ARG,
                          _("URI '%s': a session daemon over ssh needs ?socket=PATH"), uri);
            return NULL;
        }
        if (!target->socket_path && readonly)
            target->socket_path = g_strdup(REMOTE_SYSTEM_SOCKET_RO);
        if (!target->command)
            target->command = g_strdup("ssh");
        break;
    case REMOTE_TRANSPORT_LAST:
        g_assert_not_reached();
    }

    if (name_override) {
        target->name = g_steal_pointer(&name_override);
    } else if (g_str_equal(driver, "remote")) {
        target->name = g_strdup("");
    } else {
        const char *fragment = g_uri_get_fragment(parsed);

        target->name = g_strdup_printf("%s://%s%s%s%s%s", driver, path,
                                       rest->len ? "?" : "", rest->str,
                                       fragment ? "#" : "", fragment ? fragment : "");
    }
    return g_steal_pointer(&target);
}

GStrv
remote_target_ssh_argv(const RemoteTarget *target)
{
    g_autoptr(GStrvBuilder) argv = g_strv_builder_new();
    g_autofree char *port = NULL;
    g_autofree char *dest = NULL;
    g_autofree char *quoted = NULL;

    g_strv_builder_add(argv, target->command);
    if (target->port) {
        port = g_strdup_printf("%d", target->port);
        g_strv_builder_add_many(argv, "-p", port, NULL);
    }
    /* No pty and no escape character: the channel carries binary packets. */
    g_strv_builder_add_many(argv, "-T", "-e", "none", NULL);
    if (target->no_tty)
        g_strv_builder_add_many(argv, "-o", "BatchMode=yes", NULL);
    dest = target->user ? g_strdup_printf("%s@%s", target->user, target->host)
                        : g_strdup(target->host);
    g_strv_builder_add_many(argv, "--", dest, "vmmd", "--stdio-proxy", NULL);
    /* ssh hands the command to the far side's shell as one string. */
    if (target->socket_path) {
        quoted = g_shell_quote(target->socket_path);
        g_strv_builder_add(argv, quoted);
    }
    return g_strv_builder_end(argv);
}

char *
remote_target_describe(const RemoteTarget *target)
{
    switch (target->transport) {
    case REMOTE_TRANSPORT_UNIX:
        return g_strdup(target->socket_path);
    case REMOTE_TRANSPORT_TCP:
        return g_strdup_printf("%s:%d", target->host, target->port);
    case REMOTE_TRANSPORT_SSH:
        return g_strdup_printf("ssh %s%s%s", target->user ? target->user : "",
                               target->user ? "@" : "", target->host);
    case REMOTE_TRANSPORT_LAST:
        break;
    }
    g_assert_not_reached();
}
