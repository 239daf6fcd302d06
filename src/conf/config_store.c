/*
 * config_store.c: persistent definitions in a directory.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/config_store.h"
#include "util/vmm_error.h"
#include "util/vmm_file.h"
#include "util/vmm_journal.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Cap on a definition file; larger files are refused as broken. */
#define CONFIG_MAX_LEN (16 * 1024 * 1024)

struct _VmmConfigStore {
    char *dir;
    char *autostart_dir;
    VmmJournal *journal;    /* every change of a definition goes through it */
};

VmmConfigStore *
vmm_config_store_new(const char *dir, GError **error)
{
    g_autoptr(VmmConfigStore) store = g_new0(VmmConfigStore, 1);

    store->dir = g_strdup(dir);
    store->autostart_dir = g_build_filename(dir, "autostart", NULL);
    if (!vmm_file_mkdir_p(store->dir, 0755, error) ||
        !vmm_file_mkdir_p(store->autostart_dir, 0755, error))
        return NULL;
    /* Replays what a crash left in the journal before anything is read. */
    if (!(store->journal = vmm_journal_open(store->dir, error)))
        return NULL;
    return g_steal_pointer(&store);
}

void
vmm_config_store_free(VmmConfigStore *store)
{
    if (!store)
        return;
    vmm_journal_close(store->journal);
    g_free(store->dir);
    g_free(store->autostart_dir);
    g_free(store);
}

const char *
vmm_config_store_dir(const VmmConfigStore *store)
{
    return store->dir;
}

char *
vmm_config_store_path(const VmmConfigStore *store, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);

    return g_build_filename(store->dir, file, NULL);
}

static char *
autostart_path(const VmmConfigStore *store, const char *name)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);

    return g_build_filename(store->autostart_dir, file, NULL);
}

gboolean
vmm_config_store_save(VmmConfigStore *store, const char *name, const char *xml,
                      GError **error)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);

    return vmm_journal_write_file(store->journal, file, xml, strlen(xml), 0600, error);
}

static gboolean
unlink_if_present(const char *path, gboolean *removed, GError **error)
{
    *removed = unlink(path) == 0;
    if (!*removed && errno != ENOENT) {
        vmm_error_set_errno(error, errno, _("cannot remove '%s'"), path);
        return FALSE;
    }
    return TRUE;
}

/* A change of an autostart link made durable: a link that came back after
 * a crash would start a domain defined later under the same name. */
static gboolean
sync_autostart_dir(VmmConfigStore *store, GError **error)
{
    return vmm_file_sync_dir(store->autostart_dir, error);
}

gboolean
vmm_config_store_delete(VmmConfigStore *store, const char *name, GError **error)
{
    g_autofree char *file = g_strconcat(name, ".xml", NULL);
    g_autofree char *link = autostart_path(store, name);
    gboolean removed;

    /* The link first: a link left pointing at nothing would be harmless,
     * but an autostart link must never outlive the failure to remove it. */
    return unlink_if_present(link, &removed, error) &&
           (!removed || sync_autostart_dir(store, error)) &&
           vmm_journal_remove_file(store->journal, file, error);
}

gboolean
vmm_config_store_set_autostart(VmmConfigStore *store, const char *name,
                               gboolean autostart, GError **error)
{
    g_autofree char *link = autostart_path(store, name);
    g_autofree char *target = NULL;
    gboolean removed;

    if (!autostart)
        return unlink_if_present(link, &removed, error) &&
               (!removed || sync_autostart_dir(store, error));
    if (vmm_config_store_get_autostart(store, name))
        return TRUE;
    target = g_strconcat("../", name, ".xml", NULL);
    /* A stale link or file of the same name is replaced. */
    if (!unlink_if_present(link, &removed, error))
        return FALSE;
    if (symlink(target, link) < 0) {
        vmm_error_set_errno(error, errno, _("cannot create autostart link '%s'"), link);
        return FALSE;
    }
    return sync_autostart_dir(store, error);
}

gboolean
vmm_config_store_get_autostart(VmmConfigStore *store, const char *name)
{
    g_autofree char *link = autostart_path(store, name);

    return g_file_test(link, G_FILE_TEST_IS_SYMLINK);
}

static gint
compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

guint
vmm_config_store_load(VmmConfigStore *store, VmmConfigStoreLoadFunc func, gpointer data)
{
    g_autoptr(GDir) dir = NULL;
    g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GError) err = NULL;
    const char *entry;
    guint loaded = 0;

    if (!(dir = g_dir_open(store->dir, 0, &err))) {
        g_warning("cannot read config directory '%s': %s", store->dir, err->message);
        return 0;
    }
    while ((entry = g_dir_read_name(dir))) {
        if (g_str_has_suffix(entry, ".xml") && entry[0] != '.')
            g_ptr_array_add(names, g_strndup(entry, strlen(entry) - 4));
    }
    g_ptr_array_sort(names, compare_strings);

    for (guint i = 0; i < names->len; i++) {
        const char *name = names->pdata[i];
        g_autofree char *path = vmm_config_store_path(store, name);
        g_autofree char *xml = NULL;
        g_autoptr(GError) local = NULL;

        if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
            continue;
        if (!(xml = vmm_file_read_all(path, CONFIG_MAX_LEN, &local)) ||
            !func(name, path, xml, vmm_config_store_get_autostart(store, name),
                  data, &local)) {
            g_warning("skipping broken config '%s': %s", path,
                      local ? local->message : "unknown error");
            continue;
        }
        loaded++;
    }
    return loaded;
}
