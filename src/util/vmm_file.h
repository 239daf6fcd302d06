/*
 * vmm_file.h: file helpers, above all the atomic write.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/*
 * Replace @path with @len bytes of @data so that a crash at any moment
 * leaves either the old or the new content, never a mix: write a temp file
 * in the same directory, fsync it, rename it over @path, fsync the directory.
 * @len may be -1 for a NUL-terminated string.  Returns FALSE with @error set
 * on failure, in which case @path is untouched and no temp file remains.
 */
gboolean vmm_file_write_atomic(const char *path, const char *data, gssize len,
                               mode_t mode, GError **error);

/*
 * The first half of an atomic write: a new temp file next to @path
 * (@path.XXXXXX) with @len bytes of @data and @mode, fsync'd if @sync.
 * Returns its name, or NULL with @error set and nothing left behind.
 */
char *vmm_file_write_temp(const char *path, const char *data, gsize len, mode_t mode,
                          gboolean sync, GError **error);

/* fsync the directory @dir (its entries: creates, renames, removals). */
gboolean vmm_file_sync_dir(const char *dir, GError **error);

/* Read a whole file.  Returns a NUL-terminated buffer or NULL with @error. */
char *vmm_file_read_all(const char *path, gsize max_len, GError **error);

/* mkdir -p with @mode; TRUE if the directory exists afterwards. */
gboolean vmm_file_mkdir_p(const char *path, int mode, GError **error);

G_END_DECLS
