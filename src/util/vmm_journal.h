/*
 * vmm_journal.h: a write-ahead journal in front of one directory's files.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

/*
 * A journal makes a change to a file of its directory durable with one
 * data flush of a preallocated log (.journal in the directory) instead of
 * the two cache flushes of an atomic write (file fsync, directory fsync).
 *
 * vmm_journal_write_file() writes a temp file, appends the new content to
 * the log and flushes it (concurrent callers share one flush), then renames
 * the temp file over the target.  Once it returns TRUE the change survives
 * a crash: the target's own flush to disk happens later, in the background
 * (a checkpoint), and until then the log holds it.  Opening the directory's
 * journal again after a crash writes every logged change back with
 * vmm_file_write_atomic() before anyone reads the files, so they hold the
 * old or the new content, never a torn one.
 *
 * The background checkpoint waits for 200 ms without changes (the
 * environment variable VMM_JOURNAL_CHECKPOINT_MS sets another delay, for
 * tests that simulate a crash before it).
 *
 * Every change to the covered files must go through the journal, or a
 * replay after a crash could undo it.  A journal whose log cannot be written
 * any more turns itself off: the later calls are plain atomic writes.
 */
typedef struct _VmmJournal VmmJournal;

/* Open @dir's journal, replaying what a crash left in it.  Another holder
 * of the log (a second process) makes this fail. */
VmmJournal *vmm_journal_open(const char *dir, GError **error);

/* Checkpoint what can be and close; NULL is fine. */
void vmm_journal_close(VmmJournal *j);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmJournal, vmm_journal_close)

/* Replace @dir/@file (a plain name, no '/') with @len bytes of @data. */
gboolean vmm_journal_write_file(VmmJournal *j, const char *file, const char *data,
                                gsize len, mode_t mode, GError **error);

/* Remove @dir/@file; a missing file is not an error. */
gboolean vmm_journal_remove_file(VmmJournal *j, const char *file, GError **error);

/* Flush every file changed so far and empty the log, now. */
gboolean vmm_journal_checkpoint(VmmJournal *j, GError **error);

G_END_DECLS
