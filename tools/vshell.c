/*
 * vshell.c: the vshell main program: options, command line parsing,
 * dispatch through the command table, help, stdin and interactive modes.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vshell.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef HAVE_EDITLINE_READLINE_H
# include <editline/readline.h>
#else
# include <readline/readline.h>
# include <readline/history.h>
#endif

#define VSH_HISTORY_MAX 500

static gboolean cmd_help(Vsh *ctl, const VshCmd *cmd);
static gboolean cmd_quit(Vsh *ctl, const VshCmd *cmd);

/* Set by quit/exit: stop reading further commands. */
static gboolean vsh_quit_requested;

extern gboolean vsh_cmd_connect(Vsh *ctl, const VshCmd *cmd);
extern const VshOptDef vsh_connect_opts[];

static const VshOptDef help_opts[] = {
    { "command", VSH_OT_STRING, VSH_OFLAG_POS, N_("Prints global help, command specific help, or help for a group of related commands") },
    { NULL },
};

static gboolean cmd_echo(Vsh *ctl, const VshCmd *cmd);
static gboolean cmd_cd(Vsh *ctl, const VshCmd *cmd);
static gboolean cmd_pwd(Vsh *ctl, const VshCmd *cmd);

static const VshOptDef echo_opts[] = {
    { "shell", VSH_OT_BOOL, 0, N_("escape for shell use") },
    { "xml", VSH_OT_BOOL, 0, N_("escape for XML use") },
    { "err", VSH_OT_BOOL, 0, N_("output to stderr") },
    { "string", VSH_OT_STRING, VSH_OFLAG_POS | VSH_OFLAG_ARGV, N_("arguments to echo") },
    { NULL },
};

static const VshOptDef cd_opts[] = {
    { "dir", VSH_OT_STRING, VSH_OFLAG_POS, N_("directory to switch to (default: home or else root)") },
    { NULL },
};

static const VshCmdDef self_cmds[] = {
    { "cd", cmd_cd, cd_opts, N_("change the current directory"),
      N_("Change the current directory."), VSH_CMD_NOCONNECT },
    { "connect", vsh_cmd_connect, vsh_connect_opts, N_("(re)connect to hypervisor"),
      N_("Connect to local hypervisor. This is built-in command after shell start up."),
      VSH_CMD_NOCONNECT },
    { "echo", cmd_echo, echo_opts, N_("echo arguments. Used for internal testing."),
      N_("Echo back arguments, possibly with quoting. Used for internal testing."),
      VSH_CMD_NOCONNECT | VSH_CMD_NOTRAILER },
    { "exit", cmd_quit, NULL, N_("quit this interactive terminal"), NULL,
      VSH_CMD_NOCONNECT | VSH_CMD_NOTRAILER },
    { "help", cmd_help, help_opts, N_("print help"), N_("Prints global help, command specific help, or help for a\ngroup of related commands"),
      VSH_CMD_NOCONNECT },
    { "pwd", cmd_pwd, NULL, N_("print the current directory"),
      N_("Print the current directory."), VSH_CMD_NOCONNECT },
    { "quit", cmd_quit, NULL, N_("quit this interactive terminal"), NULL,
      VSH_CMD_NOCONNECT | VSH_CMD_NOTRAILER },
    { NULL },
};

static const VshCmdGroup cmd_groups[] = {
    { N_("Domain Management"), "domain", vsh_domain_cmds },
    { N_("Domain Events"), "events", vsh_event_cmds },
    { N_("Domain Monitoring"), "monitor", vsh_monitor_cmds },
    { N_("Host and Hypervisor"), "host", vsh_host_cmds },
    { N_("Networking"), "network", vsh_network_cmds },
    { N_("Storage Pool"), "pool", vsh_pool_cmds },
    { N_("Storage Volume"), "volume", vsh_volume_cmds },
    { N_("Vshell itself"), "vshell", self_cmds },
};

/* ------------------------------------------------------------------ */
/* Output helpers                                                      */

void
vsh_print_extra(Vsh *ctl, const char *fmt, ...)
{
    va_list ap;

    if (ctl->quiet)
        return;
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
}

void
vsh_error(Vsh *ctl, const char *fmt, ...)
{
    g_autofree char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fflush(stdout);
    fprintf(stderr, _("error: %s\n"), msg);
    fflush(stderr);
}

void
vsh_report(Vsh *ctl, GError **error)
{
    if (!error || !*error)
        return;
    vsh_error(ctl, "%s", (*error)->message);
    g_clear_error(error);
}

gboolean
vsh_outcome(Vsh *ctl, gboolean ok, GError **error, const char *name,
            const char *done_fmt, const char *failed_fmt)
{
    if (!ok) {
        vsh_error(ctl, failed_fmt, name);
        vsh_report(ctl, error);
        return FALSE;
    }
    vsh_print_extra(ctl, done_fmt, name);
    return TRUE;
}

VmmConnect *
vsh_conn(Vsh *ctl)
{
    g_autoptr(GError) error = NULL;

    if (ctl->conn)
        return ctl->conn;
    ctl->conn = vmm_connect_open(ctl->uri, ctl->readonly ? VMM_CONNECT_RO : 0, &error);
    if (!ctl->conn) {
        vsh_error(ctl, "%s", _("failed to connect to the hypervisor"));
        vsh_report(ctl, &error);
    }
    return ctl->conn;
}

char *
vsh_pretty_capacity(guint64 bytes)
{
    static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
    double val = bytes;
    size_t i = 0;

    while (val >= 1024 && i + 1 < G_N_ELEMENTS(units)) {
        val /= 1024;
        i++;
    }
    return g_strdup_printf("%.2f %s", val, units[i]);
}

char *
vsh_read_file(Vsh *ctl, const char *path)
{
    g_autoptr(GError) error = NULL;
    char *contents = NULL;
    int fd;

    /* Opened first for virsh's wording of the common failure. */
    if ((fd = open(path, O_RDONLY)) < 0) {
        vsh_error(ctl, _("Failed to open file '%s': %s"), path, g_strerror(errno));
        return NULL;
    }
    close(fd);
    if (!g_file_get_contents(path, &contents, NULL, &error)) {
        vsh_error(ctl, _("Failed to read file '%s'"), path);
        vsh_report(ctl, &error);
        return NULL;
    }
    return contents;
}

void
vsh_print_xml(const char *xml)
{
    printf("%s", xml);
    if (!g_str_has_suffix(xml, "\n"))
        printf("\n");
}

const char *
vsh_yes_no(int v)
{
    return v < 0 ? _("unknown") : v ? _("yes") : _("no");
}

/* ------------------------------------------------------------------ */
/* Tables: a leading space, columns padded to their widest cell and
 * separated by three spaces, the last column unpadded, and a dashed line
 * two longer than the header line (virsh 9's vshTable).  In quiet mode the
 * headers are left out and do not count for the widths. */

struct _VshTable {
    guint ncols;
    GPtrArray *rows;    /* of GStrv; row 0 is the header */
};

static GStrv
table_collect(const char *first, va_list ap)
{
    GPtrArray *cells = g_ptr_array_new();

    for (const char *s = first; s; s = va_arg(ap, const char *))
        g_ptr_array_add(cells, g_strdup(s));
    g_ptr_array_add(cells, NULL);
    return (GStrv)g_ptr_array_free(cells, FALSE);
}

VshTable *
vsh_table_new(const char *first_header, ...)
{
    VshTable *table = g_new0(VshTable, 1);
    va_list ap;
    GStrv header;

    va_start(ap, first_header);
    header = table_collect(first_header, ap);
    va_end(ap);
    table->ncols = g_strv_length(header);
    table->rows = g_ptr_array_new_with_free_func((GDestroyNotify)g_strfreev);
    g_ptr_array_add(table->rows, header);
    return table;
}

void
vsh_table_add_row(VshTable *table, const char *first_cell, ...)
{
    va_list ap;
    GStrv row;

    va_start(ap, first_cell);
    row = table_collect(first_cell, ap);
    va_end(ap);
    g_return_if_fail(g_strv_length(row) == table->ncols);
    g_ptr_array_add(table->rows, row);
}

void
vsh_table_print(Vsh *ctl, VshTable *table)
{
    g_autofree gsize *widths = g_new0(gsize, table->ncols);
    guint first = ctl->quiet ? 1 : 0;
    gsize total = 0;

    for (guint r = first; r < table->rows->len; r++) {
        GStrv row = g_ptr_array_index(table->rows, r);
        for (guint c = 0; c < table->ncols; c++)
            widths[c] = MAX(widths[c], (gsize)g_utf8_strlen(row[c], -1));
    }
    for (guint r = first; r < table->rows->len; r++) {
        GStrv row = g_ptr_array_index(table->rows, r);
        g_autoptr(GString) line = g_string_new(" ");

        for (guint c = 0; c < table->ncols; c++) {
            g_string_append(line, row[c]);
            if (c + 1 < table->ncols) {
                for (gsize pad = g_utf8_strlen(row[c], -1); pad < widths[c]; pad++)
                    g_string_append_c(line, ' ');
                g_string_append(line, "   ");
            }
        }
        printf("%s\n", line->str);
        if (r == 0) {
            total = 1;
            for (guint c = 0; c < table->ncols; c++)
                total += widths[c] + (c + 1 < table->ncols ? 3 : 0);
            for (gsize i = 0; i < total + 2; i++)
                putchar('-');
            putchar('\n');
        }
    }
    g_ptr_array_unref(table->rows);
    g_free(table);
}

/* ------------------------------------------------------------------ */
/* Command table lookups                                               */

static const VshCmdDef *
cmd_lookup(const char *name)
{
    for (size_t g = 0; g < G_N_ELEMENTS(cmd_groups); g++) {
        for (const VshCmdDef *def = cmd_groups[g].cmds; def->name; def++) {
            if (g_str_equal(def->name, name))
                return def;
        }
    }
    return NULL;
}

static const VshOptDef *
opt_lookup(const VshCmdDef *def, const char *name)
{
    for (const VshOptDef *opt = def->opts; opt && opt->name; opt++) {
        if (g_str_equal(opt->name, name))
            return opt;
    }
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Option access                                                       */

gboolean
vsh_cmd_has(const VshCmd *cmd, const char *name)
{
    g_return_val_if_fail(opt_lookup(cmd->def, name), FALSE);
    return g_hash_table_contains(cmd->values, name);
}

const char *
vsh_cmd_string(const VshCmd *cmd, const char *name)
{
    g_return_val_if_fail(opt_lookup(cmd->def, name), NULL);
    return g_hash_table_lookup(cmd->values, name);
}

const GPtrArray *
vsh_cmd_words(const VshCmd *cmd, const char *name)
{
    g_return_val_if_fail(opt_lookup(cmd->def, name), NULL);
    return g_hash_table_lookup(cmd->words, name);
}

int
vsh_cmd_int(const VshCmd *cmd, const char *name, int *value)
{
    const char *str = vsh_cmd_string(cmd, name);
    gint64 v;

    if (!str)
        return 0;
    if (!g_ascii_string_to_signed(str, 10, G_MININT, G_MAXINT, &v, NULL)) {
        vsh_error(NULL, _("Numeric value '%s' for <%s> option is malformed or out of range"),
                  str, name);
        return -1;
    }
    *value = (int)v;
    return 1;
}

int
vsh_cmd_uint64(const VshCmd *cmd, const char *name, guint64 *value)
{
    const char *str = vsh_cmd_string(cmd, name);

    if (!str)
        return 0;
    if (!g_ascii_string_to_unsigned(str, 10, 0, G_MAXUINT64, value, NULL)) {
        vsh_error(NULL, _("Numeric value '%s' for <%s> option is malformed or out of range"),
                  str, name);
        return -1;
    }
    return 1;
}

static void
vsh_cmd_free(VshCmd *cmd)
{
    if (!cmd)
        return;
    g_hash_table_unref(cmd->values);
    g_hash_table_unref(cmd->words);
    g_free(cmd);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VshCmd, vsh_cmd_free)

/* ------------------------------------------------------------------ */
/* Parsing                                                             */

/*
 * Splits @line into commands (GPtrArray of GPtrArray of tokens) the way
 * virsh does: blanks separate words, an unquoted ';' or newline ends a
 * command, '#' at the start of a word comments out the rest of the line,
 * single quotes take everything literally, double quotes and bare
 * backslashes escape the next character.
 */
static GPtrArray *
vsh_split_line(Vsh *ctl, const char *line)
{
    g_autoptr(GPtrArray) cmds = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    GPtrArray *cur = g_ptr_array_new_with_free_func(g_free);
    const char *p = line;

    g_ptr_array_add(cmds, cur);
    while (*p) {
        g_autoptr(GString) word = NULL;

        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        if (*p == ';' || *p == '\n') {
            cur = g_ptr_array_new_with_free_func(g_free);
            g_ptr_array_add(cmds, cur);
            p++;
            continue;
        }
        if (*p == '#') {
            while (*p && *p != '\n')
                p++;
            continue;
        }
        word = g_string_new(NULL);
        while (*p && *p != ' ' && *p != '\t' && *p != ';' && *p != '\n') {
            if (*p == '\'') {
                const char *end = strchr(p + 1, '\'');
                if (!end) {
                    vsh_error(ctl, "%s", _("missing '"));
                    return NULL;
                }
                g_string_append_len(word, p + 1, end - p - 1);
                p = end + 1;
            } else if (*p == '"') {
                p++;
                while (*p && *p != '"') {
                    if (*p == '\\' && p[1])
                        p++;
                    g_string_append_c(word, *p++);
                }
                if (!*p) {
                    vsh_error(ctl, "%s", _("missing \""));
                    return NULL;
                }
                p++;
            } else if (*p == '\\') {
                if (!p[1]) {
                    vsh_error(ctl, "%s", _("dangling \\"));
                    return NULL;
                }
                g_string_append_c(word, p[1]);
                p += 2;
            } else {
                g_string_append_c(word, *p++);
            }
        }
        g_ptr_array_add(cur, g_string_free(g_steal_pointer(&word), FALSE));
    }
    return g_steal_pointer(&cmds);
}

static char *
opt_syntax(const VshOptDef *opt)
{
    if (opt->type == VSH_OT_BOOL)
        return g_strdup_printf("--%s", opt->name);
    return g_strdup_printf("--%s <%s>", opt->name,
                           opt->type == VSH_OT_INT ? "number" : "string");
}

/* Matches @argv (command name first) against its row.  Prints the error
 * and returns NULL on a parse failure. */
static VshCmd *
vsh_cmd_parse(Vsh *ctl, GPtrArray *argv)
{
    const char *name = g_ptr_array_index(argv, 0);
    const VshCmdDef *def = cmd_lookup(name);
    g_autoptr(VshCmd) cmd = NULL;
    gboolean data_only = FALSE;

    if (!def) {
        vsh_error(ctl, _("unknown command: '%s'"), name);
        return NULL;
    }
    cmd = g_new0(VshCmd, 1);
    cmd->def = def;
    cmd->values = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, g_free);
    cmd->words = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                       (GDestroyNotify)g_ptr_array_unref);

    for (guint i = 1; i < argv->len; i++) {
        const char *tok = g_ptr_array_index(argv, i);
        const VshOptDef *opt = NULL;
        g_autofree char *optname = NULL;
        const char *value = NULL;

        if (!data_only && g_str_has_prefix(tok, "--")) {
            const char *eq;

            if (!tok[2]) {
                data_only = TRUE;
                continue;
            }
            eq = strchr(tok, '=');
            optname = eq ? g_strndup(tok + 2, eq - tok - 2) : g_strdup(tok + 2);
            opt = opt_lookup(def, optname);
            if (!opt) {
                vsh_error(ctl, _("command '%s' doesn't support option --%s"),
                          def->name, optname);
                return NULL;
            }
            if (g_hash_table_contains(cmd->values, opt->name) &&
                !(opt->flags & VSH_OFLAG_ARGV)) {
                vsh_error(ctl, _("option --%s already seen"), opt->name);
                return NULL;
            }
            if (opt->type == VSH_OT_BOOL) {
                if (eq) {
                    vsh_error(ctl, _("invalid '=' after option --%s"), opt->name);
                    return NULL;
                }
                value = "";
            } else if (eq) {
                value = eq + 1;
            } else if (i + 1 < argv->len) {
                value = g_ptr_array_index(argv, ++i);
            } else {
                g_autofree char *syntax = opt_syntax(opt);
                vsh_error(ctl, _("expected syntax: %s"), syntax);
                return NULL;
            }
        } else {
            for (const VshOptDef *o = def->opts; o && o->name; o++) {
                if ((o->flags & VSH_OFLAG_POS) &&
                    (!g_hash_table_contains(cmd->values, o->name) ||
                     (o->flags & VSH_OFLAG_ARGV))) {
                    opt = o;
                    break;
                }
            }
            if (!opt) {
                vsh_error(ctl, _("unexpected data '%s'"), tok);
                return NULL;
            }
            value = tok;
        }
        if (opt->flags & VSH_OFLAG_ARGV) {
            GPtrArray *words = g_hash_table_lookup(cmd->words, opt->name);

            if (!words) {
                words = g_ptr_array_new_with_free_func(g_free);
                g_hash_table_insert(cmd->words, (gpointer)opt->name, words);
            }
            g_ptr_array_add(words, g_strdup(value));
            if (words->len > 1) {
                const char *prev = g_hash_table_lookup(cmd->values, opt->name);
                g_hash_table_insert(cmd->values, (gpointer)opt->name,
                                    g_strconcat(prev, " ", value, NULL));
                continue;
            }
        }
        g_hash_table_insert(cmd->values, (gpointer)opt->name, g_strdup(value));
    }

    for (const VshOptDef *o = def->opts; o && o->name; o++) {
        if ((o->flags & VSH_OFLAG_REQ) && !g_hash_table_contains(cmd->values, o->name)) {
            if (o->flags & VSH_OFLAG_POS)
                vsh_error(ctl, _("command '%s' requires <%s> option"), def->name, o->name);
            else
                vsh_error(ctl, _("command '%s' requires --%s option"), def->name, o->name);
            return NULL;
        }
    }
    return g_steal_pointer(&cmd);
}

/* Parses every command of @cmds first (a parse error runs none of them,
 * as in virsh), then runs them in order.  Returns FALSE when any failed. */
static gboolean
vsh_run_commands(Vsh *ctl, GPtrArray *cmds)
{
    g_autoptr(GPtrArray) parsed = g_ptr_array_new_with_free_func((GDestroyNotify)vsh_cmd_free);
    gboolean ok = TRUE;

    for (guint i = 0; i < cmds->len; i++) {
        GPtrArray *argv = g_ptr_array_index(cmds, i);
        VshCmd *cmd;

        if (argv->len == 0)
            continue;
        if (!(cmd = vsh_cmd_parse(ctl, argv)))
            return FALSE;
        g_ptr_array_add(parsed, cmd);
    }

    for (guint i = 0; i < parsed->len && !vsh_quit_requested; i++) {
        const VshCmd *cmd = g_ptr_array_index(parsed, i);

        ctl->no_trailer = FALSE;
        if (!(cmd->def->flags & VSH_CMD_NOCONNECT) && !vsh_conn(ctl)) {
            ok = FALSE;
            continue;
        }
        if (!cmd->def->handler(ctl, cmd))
            ok = FALSE;
        if (!(cmd->def->flags & VSH_CMD_NOTRAILER) && !ctl->no_trailer)
            vsh_print_extra(ctl, "\n");
        fflush(stdout);
    }
    return ok;
}

static gboolean
vsh_run_line(Vsh *ctl, const char *line)
{
    g_autoptr(GPtrArray) cmds = vsh_split_line(ctl, line);

    if (!cmds)
        return FALSE;
    return vsh_run_commands(ctl, cmds);
}

/* ------------------------------------------------------------------ */
/* help, quit                                                          */

static void
help_group(const VshCmdGroup *group)
{
    printf(_(" %s (help keyword '%s'):\n"), _(group->name), group->keyword);
    for (const VshCmdDef *def = group->cmds; def->name; def++)
        printf("    %-30s %s\n", def->name, _(def->help));
    printf("\n");
}

static void
help_command(const VshCmdDef *def)
{
    g_autoptr(GString) synopsis = g_string_new(def->name);
    gboolean any = FALSE;

    for (const VshOptDef *o = def->opts; o && o->name; o++) {
        g_autofree char *syntax = opt_syntax(o);

        if (o->flags & VSH_OFLAG_ARGV)
            g_string_append_printf(synopsis, " [[--%s] <string>]...", o->name);
        else if ((o->flags & VSH_OFLAG_REQ) && (o->flags & VSH_OFLAG_POS))
            g_string_append_printf(synopsis, " <%s>", o->name);
        else if (o->flags & VSH_OFLAG_REQ)
            g_string_append_printf(synopsis, " %s", syntax);
        else
            g_string_append_printf(synopsis, " [%s]", syntax);
    }

    printf("  %s\n", _("NAME"));
    printf("    %s - %s\n\n", def->name, _(def->help));
    printf("  %s\n", _("SYNOPSIS"));
    printf("    %s\n\n", synopsis->str);
    if (def->desc) {
        g_auto(GStrv) lines = g_strsplit(_(def->desc), "\n", -1);
        printf("  %s\n", _("DESCRIPTION"));
        for (guint i = 0; lines[i]; i++)
            printf("    %s\n", lines[i]);
        printf("\n");
    }
    for (const VshOptDef *o = def->opts; o && o->name; o++) {
        g_autofree char *left = NULL;

        if (!any)
            printf("  %s\n", _("OPTIONS"));
        any = TRUE;
        if ((o->flags & VSH_OFLAG_ARGV) ||
            ((o->flags & VSH_OFLAG_REQ) && (o->flags & VSH_OFLAG_POS)))
            left = g_strdup_printf("[--%s] <%s>", o->name,
                                   o->type == VSH_OT_INT ? "number" : "string");
        else
            left = opt_syntax(o);
        printf("    %-15s  %s\n", left, _(o->help));
    }
    if (any)
        printf("\n");
}

static void
help_all(void)
{
    printf("%s\n\n", _("Grouped commands:"));
    for (size_t g = 0; g < G_N_ELEMENTS(cmd_groups); g++)
        help_group(&cmd_groups[g]);
}

static gboolean
cmd_help(Vsh *ctl, const VshCmd *cmd)
{
    const char *name = vsh_cmd_string(cmd, "command");
    const VshCmdDef *def;

    if (!name) {
        help_all();
        return TRUE;
    }
    for (size_t g = 0; g < G_N_ELEMENTS(cmd_groups); g++) {
        if (g_str_equal(cmd_groups[g].keyword, name)) {
            help_group(&cmd_groups[g]);
            return TRUE;
        }
    }
    if ((def = cmd_lookup(name))) {
        help_command(def);
        return TRUE;
    }
    vsh_error(ctl, _("command or command group '%s' doesn't exist"), name);
    return FALSE;
}

/* Quotes @word for a POSIX shell when it needs it. */
static void
shell_quote(GString *out, const char *word)
{
    if (*word && !word[strcspn(word, " \t\n\r'\"\\$`|&;<>()*?[]#~=%{}!")]) {
        g_string_append(out, word);
        return;
    }
    g_string_append_c(out, '\'');
    for (const char *p = word; *p; p++) {
        if (*p == '\'')
            g_string_append(out, "'\\''");
        else
            g_string_append_c(out, *p);
    }
    g_string_append_c(out, '\'');
}

static gboolean
cmd_echo(Vsh *ctl, const VshCmd *cmd)
{
    const GPtrArray *words = vsh_cmd_words(cmd, "string");
    gboolean shell = vsh_cmd_has(cmd, "shell");
    gboolean xml = vsh_cmd_has(cmd, "xml");
    g_autoptr(GString) out = g_string_new(NULL);

    for (guint i = 0; words && i < words->len; i++) {
        const char *w = g_ptr_array_index(words, i);
        g_autofree char *escaped = xml ? g_markup_escape_text(w, -1) : g_strdup(w);

        if (i > 0)
            g_string_append_c(out, ' ');
        if (shell)
            shell_quote(out, escaped);
        else
            g_string_append(out, escaped);
    }
    if (vsh_cmd_has(cmd, "err"))
        vsh_error(ctl, "%s", out->str);
    else
        printf("%s\n", out->str);
    return TRUE;
}

static gboolean
cmd_cd(Vsh *ctl, const VshCmd *cmd)
{
    const char *dir = vsh_cmd_string(cmd, "dir");

    if (!ctl->interactive) {
        vsh_error(ctl, "%s", _("cd: command valid only in interactive mode"));
        return FALSE;
    }
    if (!dir)
        dir = g_get_home_dir();
    if (!dir)
        dir = "/";
    if (chdir(dir) < 0) {
        vsh_error(ctl, _("cd: %s: %s"), g_strerror(errno), dir);
        return FALSE;
    }
    return TRUE;
}

static gboolean
cmd_pwd(Vsh *ctl, const VshCmd *cmd)
{
    g_autofree char *cwd = g_get_current_dir();

    printf("%s\n", cwd);
    return TRUE;
}

static gboolean
cmd_quit(Vsh *ctl, const VshCmd *cmd)
{
    vsh_quit_requested = TRUE;
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Interactive mode                                                    */

static char *
history_path(void)
{
    return g_build_filename(g_get_user_cache_dir(), "vmm", "vshell_history", NULL);
}

/* Completion generators: command names, then the options of the command
 * that starts the current ';'-separated segment. */
static const VshCmdDef *completion_cmd;

static char *
complete_command(const char *text, int state)
{
    static size_t group;
    static const VshCmdDef *next;
    size_t len = strlen(text);

    if (state == 0) {
        group = 0;
        next = cmd_groups[0].cmds;
    }
    while (group < G_N_ELEMENTS(cmd_groups)) {
        for (; next->name; next++) {
            if (strncmp(next->name, text, len) == 0)
                return strdup((next++)->name);
        }
        if (++group < G_N_ELEMENTS(cmd_groups))
            next = cmd_groups[group].cmds;
    }
    return NULL;
}

static char *
complete_option(const char *text, int state)
{
    static const VshOptDef *next;
    size_t len = strlen(text);

    if (!completion_cmd || !completion_cmd->opts)
        return NULL;
    if (state == 0)
        next = completion_cmd->opts;
    for (; next->name; next++) {
        g_autofree char *full = g_strdup_printf("--%s", next->name);
        if (strncmp(full, text, len) == 0) {
            next++;
            return strdup(full);
        }
    }
    return NULL;
}

/* Object names for completing a domain, network or pool argument. */
static Vsh *completion_ctl;
static GPtrArray *completion_names;

static char *
complete_name(const char *text, int state)
{
    static guint next;

    if (state == 0)
        next = 0;
    while (completion_names && next < completion_names->len) {
        const char *name = g_ptr_array_index(completion_names, next++);
        if (g_str_has_prefix(name, text))
            return strdup(name);
    }
    return NULL;
}

/* Fills completion_names for @kind ("domain", "network", "pool"); quiet
 * on every failure, as completion must not print. */
static gboolean
collect_names(const char *kind)
{
    Vsh *ctl = completion_ctl;
    g_autoptr(GPtrArray) objs = NULL;

    g_clear_pointer(&completion_names, g_ptr_array_unref);
    if (!ctl->conn)
        ctl->conn = vmm_connect_open(ctl->uri, ctl->readonly ? VMM_CONNECT_RO : 0, NULL);
    if (!ctl->conn)
        return FALSE;
    completion_names = g_ptr_array_new_with_free_func(g_free);
    if (g_str_equal(kind, "domain")) {
        if ((objs = vmm_connect_list_all_domains(ctl->conn, 0, NULL)))
            for (guint i = 0; i < objs->len; i++)
                g_ptr_array_add(completion_names,
                                g_strdup(vmm_domain_get_name(g_ptr_array_index(objs, i))));
    } else if (g_str_equal(kind, "network")) {
        if ((objs = vmm_connect_list_all_networks(ctl->conn, 0, NULL)))
            for (guint i = 0; i < objs->len; i++)
                g_ptr_array_add(completion_names,
                                g_strdup(vmm_network_get_name(g_ptr_array_index(objs, i))));
    } else if (g_str_equal(kind, "pool")) {
        if ((objs = vmm_connect_list_all_storage_pools(ctl->conn, 0, NULL)))
            for (guint i = 0; i < objs->len; i++)
                g_ptr_array_add(completion_names,
                                g_strdup(vmm_storage_pool_get_name(g_ptr_array_index(objs, i))));
    } else {
        return FALSE;
    }
    return TRUE;
}

/* The kind of object the word being completed names, or NULL: the value
 * of --domain/--network/--pool, or the first positional argument. */
static const char *
completion_kind(GStrv words)
{
    guint n = g_strv_length(words);
    guint positional = 0;

    if (n >= 2 && g_str_has_prefix(words[n - 1], "--")) {
        const VshOptDef *opt = opt_lookup(completion_cmd, words[n - 1] + 2);
        return opt && opt->type == VSH_OT_STRING ? opt->name : NULL;
    }
    for (guint i = 1; i < n; i++) {
        if (g_str_has_prefix(words[i], "--")) {
            const VshOptDef *opt = opt_lookup(completion_cmd, words[i] + 2);
            if (opt && opt->type != VSH_OT_BOOL)
                i++;
        } else if (*words[i]) {
            positional++;
        }
    }
    if (positional == 0 && completion_cmd->opts && (completion_cmd->opts[0].flags & VSH_OFLAG_POS))
        return completion_cmd->opts[0].name;
    return NULL;
}

static char **
vsh_completion(const char *text, int start, int end)
{
    g_autofree char *before = g_strndup(rl_line_buffer, start);
    g_autofree char *segment = NULL;
    const char *seg = strrchr(before, ';');
    g_auto(GStrv) words = NULL;

    rl_attempted_completion_over = 0;
    segment = g_strstrip(g_strdup(seg ? seg + 1 : before));
    if (!*segment)
        return rl_completion_matches(text, complete_command);
    words = g_strsplit_set(segment, " \t", -1);
    completion_cmd = cmd_lookup(words[0]);
    if (!completion_cmd)
        return NULL;
    /* "help CMD" takes command names. */
    if (g_str_equal(completion_cmd->name, "help") && text[0] != '-')
        return rl_completion_matches(text, complete_command);
    if (text[0] != '-') {
        const char *kind = completion_kind(words);

        if (kind && collect_names(kind)) {
            rl_attempted_completion_over = 1;
            return rl_completion_matches(text, complete_name);
        }
    }
    if (g_str_has_prefix(text, "-") || text[0] == '\0') {
        char **matches = rl_completion_matches(text, complete_option);
        if (matches)
            return matches;
    }
    return NULL;   /* fall back to file name completion */
}

static gboolean
vsh_interactive(Vsh *ctl)
{
    g_autofree char *hist = history_path();
    g_autofree char *histdir = g_path_get_dirname(hist);
    const char *prompt = geteuid() == 0 ? "vshell # " : "vshell $ ";
    gboolean ok = TRUE;
    char *line;

    vsh_print_extra(ctl, "%s\n\n", _("Welcome to vshell, the virtualization interactive terminal."));
    vsh_print_extra(ctl, "%s\n", _("Type:  'help' for help with commands"));
    vsh_print_extra(ctl, "%s\n\n", _("       'quit' to quit"));

    completion_ctl = ctl;
    rl_readline_name = "vshell";
    rl_attempted_completion_function = vsh_completion;
    using_history();
    stifle_history(VSH_HISTORY_MAX);
    read_history(hist);

    while (!vsh_quit_requested && (line = readline(prompt))) {
        g_autofree char *stripped = g_strstrip(g_strdup(line));

        if (*stripped) {
            add_history(line);
            ok = vsh_run_line(ctl, line);
        }
        free(line);
    }
    if (!vsh_quit_requested)
        printf("\n");
    if (g_mkdir_with_parents(histdir, 0755) == 0)
        write_history(hist);
    g_clear_pointer(&completion_names, g_ptr_array_unref);
    return ok;
}

/* Commands from a non-terminal stdin, one line at a time, without banner
 * or prompt (unlike virsh, which echoes a prompt even then). */
static gboolean
vsh_stdin(Vsh *ctl)
{
    gboolean ok = TRUE;
    char *line = NULL;
    size_t cap = 0;

    while (!vsh_quit_requested && getline(&line, &cap, stdin) >= 0) {
        if (!vsh_run_line(ctl, line))
            ok = FALSE;
    }
    free(line);
    return ok;
}

/* ------------------------------------------------------------------ */
/* main                                                                */

static void
usage(void)
{
    printf(_("\n"
             "%s [options]... [<command_string>]\n"
             "%s [options]... <command> [args...]\n\n"
             "  options:\n"
             "    -c | --connect=URI      hypervisor connection URI\n"
             "    -h | --help             this help\n"
             "    -q | --quiet            quiet mode\n"
             "    -r | --readonly         connect readonly\n"
             "    -v                      short version\n"
             "    -V                      long version\n"
             "         --version[=TYPE]   version, TYPE is short or long (default short)\n"
             "  commands (non interactive mode):\n\n"),
           "vshell", "vshell");
    for (size_t g = 0; g < G_N_ELEMENTS(cmd_groups); g++)
        help_group(&cmd_groups[g]);
    printf("%s\n", _("  (specify help <group> for details about the commands in the group)"));
    printf("\n%s\n", _("  (specify help <command> for details about the command)"));
    printf("\n");
}

static void
version_long(void)
{
    printf(_("vshell command line tool of vmm %s\n"), PACKAGE_VERSION);
}

int
main(int argc, char **argv)
{
    static const struct option long_opts[] = {
        { "connect", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { "quiet", no_argument, NULL, 'q' },
        { "readonly", no_argument, NULL, 'r' },
        { "version", optional_argument, NULL, 'x' },
        { NULL, 0, NULL, 0 },
    };
    Vsh ctl = { 0 };
    gboolean ok;
    int c;

    setlocale(LC_ALL, "");
    bindtextdomain(GETTEXT_PACKAGE, LOCALEDIR);
    bind_textdomain_codeset(GETTEXT_PACKAGE, "UTF-8");
    textdomain(GETTEXT_PACKAGE);

    opterr = 0;
    while ((c = getopt_long(argc, argv, "+:c:hqrvV", long_opts, NULL)) != -1) {
        switch (c) {
        case 'c':
            g_free(ctl.uri);
            ctl.uri = g_strdup(optarg);
            break;
        case 'h':
            usage();
            return EXIT_SUCCESS;
        case 'q':
            ctl.quiet = TRUE;
            break;
        case 'r':
            ctl.readonly = TRUE;
            break;
        case 'v':
            printf("%s\n", PACKAGE_VERSION);
            return EXIT_SUCCESS;
        case 'V':
            version_long();
            return EXIT_SUCCESS;
        case 'x':
            if (!optarg || g_str_equal(optarg, "short")) {
                printf("%s\n", PACKAGE_VERSION);
            } else if (g_str_equal(optarg, "long")) {
                version_long();
            } else {
                vsh_error(&ctl, _("unknown version type '%s'"), optarg);
                return EXIT_FAILURE;
            }
            return EXIT_SUCCESS;
        case ':':
            vsh_error(&ctl, _("option '-%c' requires an argument"), optopt);
            return EXIT_FAILURE;
        default:
            if (optopt)
                vsh_error(&ctl, _("unsupported option '-%c'. See --help."), optopt);
            else
                vsh_error(&ctl, _("unsupported option '%s'. See --help."), argv[optind - 1]);
            return EXIT_FAILURE;
        }
    }

    if (optind == argc) {
        if (isatty(STDIN_FILENO)) {
            ctl.interactive = TRUE;
            ok = vsh_interactive(&ctl);
        } else {
            ok = vsh_stdin(&ctl);
        }
    } else if (argc - optind == 1) {
        /* One argument: a command string, possibly with ';' */
        ok = vsh_run_line(&ctl, argv[optind]);
    } else {
        /* Words as given; a lone ";" separates commands. */
        g_autoptr(GPtrArray) cmds =
            g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
        GPtrArray *cur = g_ptr_array_new_with_free_func(g_free);

        g_ptr_array_add(cmds, cur);
        for (int i = optind; i < argc; i++) {
            if (g_str_equal(argv[i], ";")) {
                cur = g_ptr_array_new_with_free_func(g_free);
                g_ptr_array_add(cmds, cur);
            } else {
                g_ptr_array_add(cur, g_strdup(argv[i]));
            }
        }
        ok = vsh_run_commands(&ctl, cmds);
    }

    g_clear_pointer(&ctl.conn, vmm_connect_unref);
    g_free(ctl.uri);
    return ok ? EXIT_SUCCESS : EXIT_FAILURE;
}
