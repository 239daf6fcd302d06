/*
 * config_store.h: persistent definitions in a directory.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A store is one directory (e.g. /etc/vmm/qemu) holding NAME.xml for each
 * persistent object and autostart/NAME.xml -> ../NAME.xml symlinks for the
 * ones that start with the daemon.  Every change of a definition goes
 * through the directory's journal (util/vmm_journal.h): durable when the
 * call returns, and a crash leaves the old file or the new one.
 * The store knows nothing of the XML inside; the *_obj.c files parse it.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _VmmConfigStore VmmConfigStore;

/* Open (creating if needed) the store rooted at @dir, replaying what a
 * crash left in its journal; one process at a time. */
VmmConfigStore *vmm_config_store_new(const char *dir, GError **error);
void vmm_config_store_free(VmmConfigStore *store);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmConfigStore, vmm_config_store_free)

const char *vmm_config_store_dir(const VmmConfigStore *store);
/* DIR/NAME.xml, newly allocated. */
char *vmm_config_store_path(const VmmConfigStore *store, const char *name);

/* Write @xml as NAME.xml atomically. */
gboolean vmm_config_store_save(VmmConfigStore *store, const char *name, const char *xml,
                               GError **error);
/* Remove NAME.xml and its autostart link; absent files are fine. */
gboolean vmm_config_store_delete(VmmConfigStore *store, const char *name, GError **error);

/* Create or remove autostart/NAME.xml -> ../NAME.xml. */
gboolean vmm_config_store_set_autostart(VmmConfigStore *store, const char *name,
                                        gboolean autostart, GError **error);
gboolean vmm_config_store_get_autostart(VmmConfigStore *store, const char *name);

/* Called for each NAME.xml: @name is the file name without ".xml", @xml its
 * content.  Return FALSE with @error set to have the file skipped. */
typedef gboolean (*VmmConfigStoreLoadFunc)(const char *name, const char *path,
                                           const char *xml, gboolean autostart,
                                           gpointer data, GError **error);

/* Feed every NAME.xml of the store to @func, in name order.  Files that
 * cannot be read, or that @func refuses, are skipped with a warning
 * ("skipping broken config 'PATH': MESSAGE").  Returns the number loaded. */
guint vmm_config_store_load(VmmConfigStore *store, VmmConfigStoreLoadFunc func,
                            gpointer data);

G_END_DECLS
