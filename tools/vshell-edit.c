/*
 * vshell-edit.c: the edit loop shared by edit, net-edit and pool-edit.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Steps: write the XML to a private temporary file, run the editor on it
 * (argv from $VISUAL or $EDITOR split like a shell would, no shell run),
 * read it back, hand it to the define callback, and on failure ask whether
 * to edit again.  The object's definition changes only when the callback
 * succeeds, so every way out but success leaves it as it was.
 */
#include "vshell.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

static gboolean
run_editor(Vsh *ctl, const char *path)
{
    g_autoptr(GError) error = NULL;
    const char *editor = g_getenv("VISUAL");
    g_auto(GStrv) argv = NULL;
    g_autoptr(GPtrArray) full = g_ptr_array_new();
    int status = 0;

    if (!editor || !*editor)
        editor = g_getenv("EDITOR");
    if (!editor || !*editor)
        editor = "vi";
    if (!g_shell_parse_argv(editor, NULL, &argv, &error)) {
        vsh_error(ctl, _("invalid editor '%s'"), editor);
        vsh_report(ctl, &error);
        return FALSE;
    }
    for (guint i = 0; argv[i]; i++)
        g_ptr_array_add(full, argv[i]);
    g_ptr_array_add(full, (gpointer)path);
    g_ptr_array_add(full, NULL);

    fflush(stdout);
    if (!g_spawn_sync(NULL, (char **)full->pdata, NULL,
                      G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                      NULL, NULL, NULL, NULL, &status, &error) ||
        !g_spawn_check_wait_status(status, &error)) {
        vsh_error(ctl, _("%s: command failed"), editor);
        vsh_report(ctl, &error);
        return FALSE;
    }
    return TRUE;
}

typedef enum {
    ASK_YES,
    ASK_NO,
    ASK_NO_VALIDATE,
} AskAnswer;

/* Reads one answer line from stdin; end of input means no. */
static AskAnswer
ask_reedit(void)
{
    for (;;) {
        char buf[64];

        printf("%s", _("Failed. Try again? [y,n,i,f,?]:"));
        printf(" ");
        fflush(stdout);
        if (!fgets(buf, sizeof(buf), stdin)) {
            printf("\n");
            return ASK_NO;
        }
        switch (buf[0]) {
        case 'y': case 'Y':
            return ASK_YES;
        case 'n': case 'N':
            return ASK_NO;
        case 'i': case 'I':
        case 'f': case 'F':
            return ASK_NO_VALIDATE;
        default:
            printf("%s\n", _("y - yes, start editor again"));
            printf("%s\n", _("n - no, throw away my changes"));
            printf("%s\n", _("i - turn off validation and try to redefine again"));
            printf("%s\n", _("f - force, try to redefine again"));
            printf("%s\n", _("? - print this help"));
        }
    }
}

VshEditResult
vsh_edit_run(Vsh *ctl, const char *xml, VshEditDefineFunc define, gpointer data,
             gboolean validate)
{
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;
    VshEditResult result = VSH_EDIT_FAILED;
    gboolean need_edit = TRUE;
    int fd;

    fd = g_file_open_tmp("vshellXXXXXX.xml", &path, &error);
    if (fd < 0) {
        vsh_report(ctl, &error);
        return VSH_EDIT_FAILED;
    }
    close(fd);
    if (!g_file_set_contents_full(path, xml, -1, G_FILE_SET_CONTENTS_NONE, 0600, &error)) {
        vsh_report(ctl, &error);
        goto out;
    }

    for (;;) {
        g_autofree char *edited = NULL;

        if (need_edit && !run_editor(ctl, path))
            goto out;
        if (!g_file_get_contents(path, &edited, NULL, &error)) {
            vsh_report(ctl, &error);
            goto out;
        }
        if (g_str_equal(edited, xml)) {
            result = VSH_EDIT_UNCHANGED;
            goto out;
        }
        if (define(ctl, edited, validate, data, &error)) {
            result = VSH_EDIT_DEFINED;
            goto out;
        }
        vsh_report(ctl, &error);
        switch (ask_reedit()) {
        case ASK_YES:
            need_edit = TRUE;
            break;
        case ASK_NO_VALIDATE:
            validate = FALSE;
            need_edit = FALSE;
            break;
        case ASK_NO:
        default:
            goto out;
        }
    }

 out:
    g_unlink(path);
    return result;
}

gboolean
vsh_edit_object(Vsh *ctl, const char *xml, const char *name, VshEditDefineFunc define,
                gboolean validate, const char *unchanged_fmt, const char *edited_fmt)
{
    g_autofree char *defined = NULL;

    switch (vsh_edit_run(ctl, xml, define, &defined, validate)) {
    case VSH_EDIT_UNCHANGED:
        vsh_print_extra(ctl, unchanged_fmt, name);
        return TRUE;
    case VSH_EDIT_DEFINED:
        vsh_print_extra(ctl, edited_fmt, defined);
        return TRUE;
    case VSH_EDIT_FAILED:
    default:
        return FALSE;
    }
}
