/*
 * vmm_journal.c: a write-ahead journal in front of one directory's files.
 *
 * The log, DIR/.journal, is created once at its full size and filled with
 * zeros, so appending a record and flushing it with fdatasync() changes no
 * file system metadata: one data write and one cache flush, where an atomic
 * write makes two journal commits of the file system (the file's fsync and
 * the directory's).
 *
 * Layout: a header block (magic, generation) at 0, then records from
 * LOG_START on, 8-byte aligned, each with the generation, a sequence number
 * and a CRC.  A checkpoint fsyncs the files changed since the last one (or
 * syncfs()s when there are many) and
 * starts a new generation by rewriting the header: the old records stay on
 * disk but no longer count.  Replay reads records of the current generation
 * until the first that is torn, stale or out of sequence.
 *
 * Locks: @lock guards the log position, the counters and the set of
 * changed files; @sync_lock serialises fdatasync() so that callers waiting
 * together share one flush (group commit).  No file I/O but the append's
 * pwrite(), the header write of a new generation and the log's creation
 * (once) happens under @lock.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define _GNU_SOURCE
#include "util/vmm_journal.h"
#include "util/vmm_journal_priv.h"
#include "util/vmm_error.h"
#include "util/vmm_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOG_NAME ".journal"
#define LOG_START 4096
#define LOG_SIZE_DEFAULT (4 * 1024 * 1024)
#define HEADER_MAGIC G_GUINT64_CONSTANT(0x314c4e524a4d4d56)   /* "VMMJRNL1" */
#define RECORD_MAGIC 0x3152424aU                               /* "JBR1" */
#define IDLE_USEC_DEFAULT (200 * G_TIME_SPAN_MILLISECOND)
#define RETRY_USEC G_TIME_SPAN_SECOND
#define TMP_DIRS 4
#define SYNCFS_FILES 16         /* from this many changed files on, syncfs() */
#define TMP_PREFIX ".tmp-"

enum {
    OP_WRITE = 1,       /* the file's new content follows */
    OP_REMOVE = 2,      /* the file is gone */
    OP_SYNCED = 3,      /* the file was written durably without the log */
    OP_CANCEL = 4,      /* record @aux did not happen after all */
};

typedef struct {
    guint32 magic;
    guint32 crc;        /* of everything after this field, payload included */
    guint64 gen;
    guint64 seq;
    guint64 aux;
    guint32 op;
    guint32 mode;
    guint32 name_len;
    guint32 data_len;
} Record;

typedef struct {
    guint64 magic;
    guint64 gen;
    guint32 crc;        /* of magic and gen */
    guint32 pad;
} Header;

struct _VmmJournal {
    char *dir;
    char *log_path;
    int dirfd;
    int fd;                 /* the log; -1 until the first change */
    gsize size;

    GMutex lock;
    GCond cond;             /* state changes: appends, completions, space, stop */
    guint64 gen;
    guint64 head;           /* where the next record goes */
    guint64 last_seq;
    guint inflight;         /* appended, not yet applied to the file */
    GHashTable *touched;    /* files changed since the last checkpoint -> stamp */
    guint touch_stamp;
    gint64 last_append;
    gint appends;           /* atomic: counts appends, read without @lock */
    gint want_space;        /* atomic */
    gboolean broken;        /* the log failed: given up (retire()) */
    gboolean retired;       /* ... and its records were made harmless */
    gboolean flush_failed;  /* a file's fsync failed: the log must stay */
    gboolean stop;
    gboolean background;
    gint64 idle_usec;       /* quiet time before a background checkpoint */
    GThread *flusher;

    GMutex sync_lock;
    guint64 synced_seq;
    gboolean sync_failed;   /* under @sync_lock */

    GMutex checkpoint_lock; /* one checkpoint or retire() at a time */
    GMutex file_locks[16];  /* by file name: see file_lock() */

    GMutex dir_lock;        /* renames into @dir, one at a time */
    /* Temp files are created in subdirectories (@dir/.tmp-K): a create in
     * a directory holds its lock while the file system finds a free inode,
     * which after many removals takes long; changes waiting for that one
     * after the other were the bottleneck with several writers. */
    char *tmp_dirs[TMP_DIRS];
    GMutex tmp_locks[TMP_DIRS];
    gboolean tmp_ready[TMP_DIRS];
    gint tmp_next;          /* atomic */
};

static gsize log_size_override;

void
vmm_journal_set_log_size(gsize size)
{
    log_size_override = size;
}

/* ------------------------------------------------------------------ */

static guint32
crc32_update(guint32 crc, const void *buf, gsize len)
{
    static guint32 table[256];
    static gsize init;
    const guint8 *p = buf;

    if (g_once_init_enter(&init)) {
        for (guint32 i = 0; i < 256; i++) {
            guint32 c = i;

            for (int k = 0; k < 8; k++)
                c = (c & 1) ? 0xedb88320U ^ (c >> 1) : c >> 1;
            table[i] = c;
        }
        g_once_init_leave(&init, 1);
    }
    crc = ~crc;
    while (len--)
        crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return ~crc;
}

static guint32
record_crc(const Record *r, const char *name, const char *data)
{
    guint32 crc = crc32_update(0, (const char *)r + G_STRUCT_OFFSET(Record, gen),
                               sizeof(*r) - G_STRUCT_OFFSET(Record, gen));

    crc = crc32_update(crc, name, r->name_len);
    return crc32_update(crc, data, r->data_len);
}

static gsize
record_len(gsize name_len, gsize data_len)
{
    return (sizeof(Record) + name_len + data_len + 7) & ~(gsize)7;
}

static gboolean
valid_file_name(const char *name, gsize len)
{
    return len > 0 && len < 256 && !memchr(name, '/', len) && !memchr(name, '\0', len) &&
           !(len == 1 && name[0] == '.') && !(len == 2 && memcmp(name, "..", 2) == 0) &&
           !(len >= strlen(LOG_NAME) && memcmp(name, LOG_NAME, strlen(LOG_NAME)) == 0) &&
           !(len >= strlen(TMP_PREFIX) && memcmp(name, TMP_PREFIX, strlen(TMP_PREFIX)) == 0);
}

static gboolean
pwrite_full(int fd, const void *buf, gsize len, off_t off)
{
    const char *p = buf;

    while (len > 0) {
        ssize_t n = pwrite(fd, p, len, off);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return FALSE;
        }
        p += n;
        len -= n;
        off += n;
    }
    return TRUE;
}

static gboolean
pread_full(int fd, void *buf, gsize len, off_t off)
{
    char *p = buf;

    while (len > 0) {
        ssize_t n = pread(fd, p, len, off);

        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            errno = EIO;    /* shorter than its size said */
        if (n <= 0)
            return FALSE;
        p += n;
        len -= n;
        off += n;
    }
    return TRUE;
}

static char *
file_path(VmmJournal *j, const char *file)
{
    return g_build_filename(j->dir, file, NULL);
}

/* ------------------------------------------------------------------ */
/* The log                                                             */

/* Locked.  Start generation @gen: the records before it no longer count. */
static gboolean
write_header(VmmJournal *j, int fd, guint64 gen)
{
    char block[LOG_START] = { 0 };
    Header *h = (Header *)block;

    h->magic = HEADER_MAGIC;
    h->gen = gen;
    h->crc = crc32_update(0, h, G_STRUCT_OFFSET(Header, crc));
    if (!pwrite_full(fd, block, sizeof(block), 0) || fdatasync(fd) < 0)
        return FALSE;
    j->gen = gen;
    j->head = LOG_START;
    return TRUE;
}

/* Locked.  The log at its full size, every block written once. */
static gboolean
create_log(VmmJournal *j, GError **error)
{
    g_autofree char *tmp = g_strconcat(j->log_path, ".new", NULL);
    g_autofree char *zeros = g_malloc0(64 * 1024);
    int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

    if (fd < 0)
        goto fail;
    for (gsize off = 0; off < j->size; off += 64 * 1024) {
        if (!pwrite_full(fd, zeros, MIN(64 * 1024, j->size - off), off))
            goto fail;
    }
    if (!write_header(j, fd, j->gen + 1) || fsync(fd) < 0 ||
        rename(tmp, j->log_path) < 0 || fsync(j->dirfd) < 0)
        goto fail;
    j->fd = fd;
    return TRUE;

 fail:
    {
        int saved = errno;

        if (fd >= 0)
            close(fd);
        unlink(tmp);
        vmm_error_set_errno(error, saved, _("cannot create journal '%s'"), j->log_path);
    }
    return FALSE;
}

static void
break_log(VmmJournal *j, int errnum)
{
    if (!j->broken)
        g_warning("journal '%s' failed (%s): given up", j->log_path, g_strerror(errnum));
    j->broken = TRUE;
    g_cond_broadcast(&j->cond);
}

/*
 * A flush of the files failed.  Linux reports a failed writeback to one
 * fsync only: a retry would "succeed" with the data lost.  The log stays as
 * it is, the only copy known to be on disk, for the next start to replay;
 * until then no change is taken.
 */
static void
give_up_flushing(VmmJournal *j)
{
    g_mutex_lock(&j->lock);
    j->flush_failed = TRUE;
    break_log(j, EIO);
    g_mutex_unlock(&j->lock);
}

/*
 * Append one record and wait until it is on disk.  Returns its sequence
 * number, 0 if the log is (now) broken: the caller then writes without it.
 * A successful append counts as in flight until end_change(); a flush that
 * failed marks the log broken, and the caller finds it so afterwards.
 */
static guint64
append(VmmJournal *j, guint32 op, const char *file, const char *data, gsize len,
       mode_t mode, guint64 aux)
{
    gsize name_len = strlen(file);
    gsize total = record_len(name_len, len);
    g_autofree char *buf = NULL;
    Record *r;
    guint64 seq;

    if (total > j->size - LOG_START)
        return 0;

    g_mutex_lock(&j->lock);
    if (j->broken) {
        g_mutex_unlock(&j->lock);
        return 0;
    }
    if (j->fd < 0) {
        g_autoptr(GError) err = NULL;

        if (!create_log(j, &err)) {
            g_warning("%s", err->message);
            break_log(j, EIO);
            g_mutex_unlock(&j->lock);
            return 0;
        }
    }
    while (!j->broken && j->head + total > j->size) {
        g_atomic_int_set(&j->want_space, TRUE);
        g_cond_broadcast(&j->cond);
        if (j->background) {
            g_cond_wait(&j->cond, &j->lock);
        } else {
            /* No flusher to wait for: make the room ourselves. */
            g_autoptr(GError) err = NULL;
            gboolean ok;

            g_mutex_unlock(&j->lock);
            ok = vmm_journal_checkpoint(j, &err);
            g_mutex_lock(&j->lock);
            if (!ok) {
                g_warning("journal checkpoint of '%s': %s", j->dir, err->message);
                break_log(j, EIO);
            }
        }
    }
    if (j->broken) {
        g_mutex_unlock(&j->lock);
        return 0;
    }

    buf = g_malloc0(total);
    r = (Record *)buf;
    r->magic = RECORD_MAGIC;
    r->gen = j->gen;
    r->seq = seq = j->last_seq + 1;
    r->aux = aux;
    r->op = op;
    r->mode = mode;
    r->name_len = name_len;
    r->data_len = len;
    memcpy(buf + sizeof(*r), file, name_len);
    if (len)
        memcpy(buf + sizeof(*r) + name_len, data, len);
    r->crc = record_crc(r, buf + sizeof(*r), buf + sizeof(*r) + name_len);

    if (!pwrite_full(j->fd, buf, total, j->head)) {
        break_log(j, errno);
        g_mutex_unlock(&j->lock);
        return 0;
    }
    j->head += total;
    j->last_seq = seq;
    j->inflight++;
    j->last_append = g_get_monotonic_time();
    g_atomic_int_inc(&j->appends);
    g_cond_broadcast(&j->cond);
    g_mutex_unlock(&j->lock);

    /* Group commit: whoever holds @sync_lock flushes everything written so
     * far; those who queued behind it find their record already covered.
     * Linux reports a failed writeback to one fdatasync() only: once one
     * failed, no later one counts. */
    g_mutex_lock(&j->sync_lock);
    if (!j->sync_failed && j->synced_seq < seq) {
        guint64 upto;

        g_mutex_lock(&j->lock);
        upto = j->last_seq;
        g_mutex_unlock(&j->lock);
        if (fdatasync(j->fd) == 0) {
            j->synced_seq = upto;
        } else {
            int saved = errno;

            j->sync_failed = TRUE;
            g_mutex_lock(&j->lock);
            break_log(j, saved);
            g_mutex_unlock(&j->lock);
        }
    }
    g_mutex_unlock(&j->sync_lock);
    return seq;
}

/* The change of record @seq (0: none) is over; @applied: @file changed. */
static void
end_change(VmmJournal *j, guint64 seq, const char *file, gboolean applied)
{
    if (!seq)
        return;
    g_mutex_lock(&j->lock);
    if (applied)
        g_hash_table_insert(j->touched, g_strdup(file), GUINT_TO_POINTER(++j->touch_stamp));
    j->inflight--;
    g_cond_broadcast(&j->cond);
    g_mutex_unlock(&j->lock);
}

/* ------------------------------------------------------------------ */
/* Checkpoints                                                         */

static gboolean
fsync_file(VmmJournal *j, const char *file, GError **error)
{
    g_autofree char *path = file_path(j, file);
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    int rc;

    if (fd < 0)
        return errno == ENOENT ? TRUE : (vmm_error_set_errno(error, errno,
                                                             _("cannot open '%s'"), path),
                                         FALSE);
    rc = fsync(fd);
    if (rc < 0)
        vmm_error_set_errno(error, errno, _("cannot flush '%s'"), path);
    close(fd);
    return rc == 0;
}

/*
 * With @checkpoint_lock held: fsync the changed files (all, or with @yield
 * until a change comes in), then the directory, then drop from @touched
 * the files flushed and not changed again meanwhile.  The set stays whole
 * until then, so a retire() or a crash meanwhile misses none.
 */
static gboolean
flush_touched(VmmJournal *j, gboolean yield, gboolean *complete, GError **error)
{
    g_autoptr(GHashTable) files = NULL;
    g_autoptr(GPtrArray) done = g_ptr_array_new();
    GHashTableIter it;
    gpointer key, stamp;
    gint appends;

    g_mutex_lock(&j->lock);
    files = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    g_hash_table_iter_init(&it, j->touched);
    while (g_hash_table_iter_next(&it, &key, &stamp))
        g_hash_table_insert(files, g_strdup(key), stamp);
    appends = j->appends;
    g_mutex_unlock(&j->lock);

    *complete = TRUE;
    if (g_hash_table_size(files) >= SYNCFS_FILES) {
        /* Many files: one syncfs() writes their data, their inodes and the
         * directory back in a few large requests, where an fsync each
         * makes several small ones and a cache flush per file (measured:
         * 1000 new files in 8-40 ms instead of 72-97 ms, a third of the
         * CPU).  It reports any writeback error on the file system since
         * the journal was opened: taken as ours, which only errs on the
         * safe side. */
        if (syncfs(j->dirfd) < 0) {
            vmm_error_set_errno(error, errno, _("cannot flush the file system of '%s'"),
                                j->dir);
            goto failed;
        }
        g_hash_table_iter_init(&it, files);
        while (g_hash_table_iter_next(&it, &key, NULL))
            g_ptr_array_add(done, key);
        goto flushed;
    }
    g_hash_table_iter_init(&it, files);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
        /* A background checkpoint gives way to new changes (their flushes
         * would queue behind ours) unless they wait for room in the log. */
        if (yield && g_atomic_int_get(&j->appends) != appends &&
            !g_atomic_int_get(&j->want_space)) {
            *complete = FALSE;
            break;
        }
        if (!fsync_file(j, key, error))
            goto failed;
        g_ptr_array_add(done, key);
    }
    if (done->len && fsync(j->dirfd) < 0) {
        vmm_error_set_errno(error, errno, _("cannot flush '%s'"), j->dir);
        goto failed;
    }

 flushed:
    g_mutex_lock(&j->lock);
    for (guint i = 0; i < done->len; i++) {
        if (g_hash_table_lookup(j->touched, done->pdata[i]) ==
            g_hash_table_lookup(files, done->pdata[i]))
            g_hash_table_remove(j->touched, done->pdata[i]);
    }
    g_mutex_unlock(&j->lock);
    return TRUE;

 failed:
    give_up_flushing(j);
    return FALSE;
}

/*
 * Flush the files changed so far; if nothing changed meanwhile and nothing
 * is in flight, start a new generation.  Returns TRUE once the log is
 * empty, FALSE (@error unset) if changes came in meanwhile (with @yield,
 * the first change to come in ends the round early).
 */
static gboolean
checkpoint_once(VmmJournal *j, gboolean yield, GError **error)
{
    gboolean complete;
    gboolean empty;
    guint64 seq;

    g_mutex_lock(&j->checkpoint_lock);
    g_mutex_lock(&j->lock);
    if (j->broken) {
        g_mutex_unlock(&j->lock);
        g_mutex_unlock(&j->checkpoint_lock);
        vmm_error_set(error, VMM_ERR_WRITE_FAILED, _("journal '%s' failed"), j->log_path);
        return FALSE;
    }
    if (j->fd < 0 || j->head == LOG_START) {
        g_mutex_unlock(&j->lock);
        g_mutex_unlock(&j->checkpoint_lock);
        return TRUE;
    }
    seq = j->last_seq;
    g_mutex_unlock(&j->lock);

    if (!flush_touched(j, yield, &complete, error)) {
        /* The background checkpoint logs its failure before a writer
         * waiting for this lock (in retire()) can go on and report it. */
        if (yield && error && *error)
            g_warning("journal checkpoint of '%s': %s", j->dir, (*error)->message);
        g_mutex_unlock(&j->checkpoint_lock);
        return FALSE;
    }

    g_mutex_lock(&j->lock);
    if (complete && !j->broken && j->inflight == 0 && j->last_seq == seq &&
        g_hash_table_size(j->touched) == 0) {
        if (!write_header(j, j->fd, j->gen + 1))
            break_log(j, errno);
        else
            g_atomic_int_set(&j->want_space, FALSE);
    }
    empty = j->head == LOG_START;
    g_cond_broadcast(&j->cond);
    g_mutex_unlock(&j->lock);
    g_mutex_unlock(&j->checkpoint_lock);
    return empty;
}

gboolean
vmm_journal_checkpoint(VmmJournal *j, GError **error)
{
    for (;;) {
        g_autoptr(GError) local = NULL;

        if (checkpoint_once(j, FALSE, &local))
            return TRUE;
        if (local) {
            g_propagate_error(error, g_steal_pointer(&local));
            return FALSE;
        }
        /* Changes came in meanwhile: wait for those in flight to end. */
        g_mutex_lock(&j->lock);
        while (j->inflight > 0 && !j->broken)
            g_cond_wait(&j->cond, &j->lock);
        g_mutex_unlock(&j->lock);
    }
}

/*
 * The background checkpoint: once the directory has been quiet for a
 * moment, or at once when a writer waits for room in the log.  A
 * checkpoint that fails while a writer waits gives the log up, so that
 * the writer gets the error instead of waiting for ever.
 */
static gpointer
flusher_run(gpointer data)
{
    VmmJournal *j = data;
    gint64 retry_at = 0;

    g_mutex_lock(&j->lock);
    while (!j->stop) {
        gint64 now = g_get_monotonic_time();
        gboolean due = j->fd >= 0 && j->head > LOG_START && !j->broken;
        gint64 at = j->want_space ? now : j->last_append + j->idle_usec;

        at = MAX(at, retry_at);
        if (!due) {
            g_cond_wait(&j->cond, &j->lock);
            continue;
        }
        if (now < at) {
            g_cond_wait_until(&j->cond, &j->lock, at);
            continue;
        }
        g_mutex_unlock(&j->lock);
        {
            g_autoptr(GError) err = NULL;

            if (!checkpoint_once(j, TRUE, &err) && err) {
                retry_at = g_get_monotonic_time() + RETRY_USEC;
                g_mutex_lock(&j->lock);
                if (g_atomic_int_get(&j->want_space))
                    break_log(j, EIO);
                g_mutex_unlock(&j->lock);
            } else {
                retry_at = 0;
            }
        }
        g_mutex_lock(&j->lock);
        /* Not empty yet.  Something in flight: its end wakes us; changes
         * that came in meanwhile: wait for quiet again. */
        if (j->head > LOG_START && !j->stop && !retry_at && j->inflight > 0)
            g_cond_wait(&j->cond, &j->lock);
    }
    g_mutex_unlock(&j->lock);
    return NULL;
}

/* ------------------------------------------------------------------ */
/* Giving the log up                                                   */

/*
 * Once the log failed, its records must never be replayed over the plain
 * writes that follow: flush what they cover, then remove the log.  Until
 * that has worked, changes are refused.
 */
static gboolean
retire(VmmJournal *j, GError **error)
{
    gboolean complete;

    g_mutex_lock(&j->checkpoint_lock);
    g_mutex_lock(&j->lock);
    while (j->inflight > 0)
        g_cond_wait(&j->cond, &j->lock);
    if (j->retired) {
        g_mutex_unlock(&j->lock);
        g_mutex_unlock(&j->checkpoint_lock);
        return TRUE;
    }
    if (j->flush_failed) {
        g_mutex_unlock(&j->lock);
        vmm_error_set(error, VMM_ERR_WRITE_FAILED,
                      _("cannot flush the files of '%s' (see the log): no changes until "
                        "the daemon restarts and replays its journal"), j->dir);
        goto fail;
    }
    g_mutex_unlock(&j->lock);

    if (!flush_touched(j, FALSE, &complete, error))
        goto fail;
    if ((unlink(j->log_path) < 0 && errno != ENOENT) || fsync(j->dirfd) < 0) {
        vmm_error_set_errno(error, errno, _("cannot remove failed journal '%s'"),
                            j->log_path);
        goto fail;
    }
    g_mutex_lock(&j->lock);
    j->retired = TRUE;
    g_cond_broadcast(&j->cond);
    g_mutex_unlock(&j->lock);
    g_mutex_unlock(&j->checkpoint_lock);
    return TRUE;

 fail:
    g_mutex_unlock(&j->checkpoint_lock);
    return FALSE;
}

static gboolean
usable(VmmJournal *j, GError **error)
{
    gboolean broken;

    g_mutex_lock(&j->lock);
    broken = j->broken && !j->retired;
    g_mutex_unlock(&j->lock);
    return !broken || retire(j, error);
}

/* ------------------------------------------------------------------ */
/* Changes                                                             */

static void
start_flusher(VmmJournal *j)
{
    g_mutex_lock(&j->lock);
    if (j->background && !j->flusher)
        j->flusher = g_thread_new("vmm-journal", flusher_run, j);
    g_mutex_unlock(&j->lock);
}

static gboolean
check_name(const char *file, GError **error)
{
    if (valid_file_name(file, strlen(file)))
        return TRUE;
    vmm_error_set(error, VMM_ERR_INVALID_ARG, _("invalid file name '%s'"), file);
    return FALSE;
}

/* Changes of one file run one at a time, from their record to their
 * rename, so that the order of the records is the order on disk. */
static GMutex *
file_lock(VmmJournal *j, const char *file)
{
    return &j->file_locks[g_str_hash(file) % G_N_ELEMENTS(j->file_locks)];
}

/* The change of record @seq failed: end it, and cancel it in the log. */
static void
cancel_change(VmmJournal *j, guint64 seq, const char *file)
{
    end_change(j, seq, file, FALSE);
    end_change(j, append(j, OP_CANCEL, file, NULL, 0, 0, seq), file, FALSE);
    /* A log that failed meanwhile holds the record uncancelled: removed. */
    usable(j, NULL);
}

/* A temp file with @data in one of the temp directories (next to @path
 * if they cannot be made), for a rename over @path. */
static char *
write_temp(VmmJournal *j, const char *file, const char *path, const char *data, gsize len,
           mode_t mode, GError **error)
{
    guint k = (guint)g_atomic_int_add(&j->tmp_next, 1) % TMP_DIRS;
    char *tmp;

    g_mutex_lock(&j->tmp_locks[k]);
    if (!j->tmp_ready[k]) {
        struct stat st;

        j->tmp_ready[k] = mkdir(j->tmp_dirs[k], 0700) == 0 ||
                          (errno == EEXIST && lstat(j->tmp_dirs[k], &st) == 0 &&
                           S_ISDIR(st.st_mode));
    }
    if (j->tmp_ready[k]) {
        g_autofree char *next_to = g_build_filename(j->tmp_dirs[k], file, NULL);

        tmp = vmm_file_write_temp(next_to, data, len, mode, FALSE, error);
    } else {
        tmp = vmm_file_write_temp(path, data, len, mode, FALSE, error);
    }
    g_mutex_unlock(&j->tmp_locks[k]);
    return tmp;
}

/* What a crash left in the temp directories: never part of a change. */
static void
clean_tmp_dirs(VmmJournal *j)
{
    for (guint k = 0; k < TMP_DIRS; k++) {
        g_autoptr(GDir) d = g_dir_open(j->tmp_dirs[k], 0, NULL);
        const char *e;

        while (d && (e = g_dir_read_name(d))) {
            g_autofree char *p = g_build_filename(j->tmp_dirs[k], e, NULL);

            unlink(p);
        }
    }
}

static gboolean
write_file_locked(VmmJournal *j, const char *file, const char *path, const char *data,
                  gsize len, mode_t mode, GError **error)
{
    g_autofree char *tmp = NULL;
    gboolean renamed;
    guint64 seq;
    int saved;

    if (!(tmp = write_temp(j, file, path, data, len, mode, error)))
        return FALSE;

    if (!(seq = append(j, OP_WRITE, file, data, len, mode, 0))) {
        /* No log (too large, or it failed): the plain way, made harmless
         * against a replay of older records by a SYNCED record or by the
         * log's removal. */
        gboolean ok;

        unlink(tmp);
        if (!usable(j, error))
            return FALSE;
        ok = vmm_file_write_atomic(path, data, len, mode, error);
        /* SYNCED drops older records of the file from a replay: only once
         * its directory entry is surely on disk. */
        if (ok && fsync(j->dirfd) < 0) {
            vmm_error_set_errno(error, errno, _("cannot flush '%s'"), j->dir);
            give_up_flushing(j);
            return FALSE;
        }
        if (ok)
            end_change(j, append(j, OP_SYNCED, file, NULL, 0, 0, 0), file, TRUE);
        return ok && usable(j, error);
    }

    g_mutex_lock(&j->dir_lock);
    renamed = rename(tmp, path) == 0;
    saved = errno;
    g_mutex_unlock(&j->dir_lock);
    if (!renamed) {
        unlink(tmp);
        vmm_error_set_errno(error, saved, _("cannot write '%s'"), path);
        cancel_change(j, seq, file);
        return FALSE;
    }
    end_change(j, seq, file, TRUE);
    /* A log that failed while this record was being flushed may not hold
     * it: giving the log up flushes this file too. */
    return usable(j, error);
}

gboolean
vmm_journal_write_file(VmmJournal *j, const char *file, const char *data, gsize len,
                       mode_t mode, GError **error)
{
    g_autofree char *path = NULL;
    gboolean ok;

    if (!check_name(file, error) || !usable(j, error))
        return FALSE;
    path = file_path(j, file);
    start_flusher(j);
    g_mutex_lock(file_lock(j, file));
    ok = write_file_locked(j, file, path, data, len, mode, error);
    g_mutex_unlock(file_lock(j, file));
    return ok;
}

static gboolean
remove_file_locked(VmmJournal *j, const char *file, const char *path, GError **error)
{
    guint64 seq;
    int saved;

    if (!(seq = append(j, OP_REMOVE, file, NULL, 0, 0, 0))) {
        if (!usable(j, error))
            return FALSE;
        if (unlink(path) < 0 && errno != ENOENT) {
            vmm_error_set_errno(error, errno, _("cannot remove '%s'"), path);
            return FALSE;
        }
        if (fsync(j->dirfd) < 0) {
            vmm_error_set_errno(error, errno, _("cannot flush '%s'"), j->dir);
            return FALSE;
        }
        return TRUE;
    }
    if (unlink(path) == 0 || errno == ENOENT) {
        end_change(j, seq, file, TRUE);
        return usable(j, error);
    }
    saved = errno;
    vmm_error_set_errno(error, saved, _("cannot remove '%s'"), path);
    cancel_change(j, seq, file);
    return FALSE;
}

gboolean
vmm_journal_remove_file(VmmJournal *j, const char *file, GError **error)
{
    g_autofree char *path = NULL;
    gboolean ok;

    if (!check_name(file, error) || !usable(j, error))
        return FALSE;
    path = file_path(j, file);
    start_flusher(j);
    g_mutex_lock(file_lock(j, file));
    ok = remove_file_locked(j, file, path, error);
    g_mutex_unlock(file_lock(j, file));
    return ok;
}

/* ------------------------------------------------------------------ */
/* Replay                                                              */

typedef struct {
    guint64 seq;
    guint32 op;
    guint32 mode;
    char *name;
    GBytes *data;
} Change;

static void
change_free(gpointer p)
{
    Change *c = p;

    if (!c)
        return;
    g_clear_pointer(&c->data, g_bytes_unref);
    g_free(c->name);
    g_free(c);
}

/*
 * Read the records of the current generation, up to the first that is not
 * whole, into @last: each file's last change still to be made (a SYNCED
 * record drops the ones before it, a CANCEL record the one it names).
 */
static gboolean
read_records(VmmJournal *j, int fd, gsize size, GHashTable *last, GError **error)
{
    g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func(change_free);
    g_autoptr(GHashTable) cancelled = g_hash_table_new_full(g_int64_hash, g_int64_equal,
                                                            g_free, NULL);
    guint64 off = LOG_START;
    guint64 prev = 0;

    while (off + sizeof(Record) <= size) {
        Record r;
        g_autofree char *payload = NULL;
        Change *c;

        if (!pread_full(fd, &r, sizeof(r), off))
            goto io_error;
        if (r.magic != RECORD_MAGIC ||
            r.gen != j->gen || (prev && r.seq != prev + 1) ||
            r.name_len > size || r.data_len > size ||
            off + record_len(r.name_len, r.data_len) > size)
            break;
        payload = g_malloc(r.name_len + r.data_len + 1);
        if (!pread_full(fd, payload, r.name_len + r.data_len, off + sizeof(r)))
            goto io_error;
        if (record_crc(&r, payload, payload + r.name_len) != r.crc ||
            !valid_file_name(payload, r.name_len) || r.op < OP_WRITE || r.op > OP_CANCEL)
            break;
        prev = r.seq;
        off += record_len(r.name_len, r.data_len);
        j->last_seq = r.seq;

        if (r.op == OP_CANCEL) {
            g_hash_table_add(cancelled, g_memdup2(&r.aux, sizeof(r.aux)));
            continue;
        }
        c = g_new0(Change, 1);
        c->seq = r.seq;
        c->op = r.op;
        c->mode = r.mode;
        c->name = g_strndup(payload, r.name_len);
        if (r.op == OP_WRITE)
            c->data = g_bytes_new(payload + r.name_len, r.data_len);
        g_ptr_array_add(changes, c);
    }

    for (guint i = 0; i < changes->len; i++) {
        Change *c = changes->pdata[i];

        if (g_hash_table_contains(cancelled, &c->seq))
            continue;
        if (c->op == OP_SYNCED)
            g_hash_table_remove(last, c->name);
        else
            g_hash_table_insert(last, g_strdup(c->name), g_steal_pointer(&changes->pdata[i]));
    }
    return TRUE;

 io_error:
    /* Not a torn record: what follows may be good, and must not be lost. */
    vmm_error_set_errno(error, errno, _("cannot read journal '%s'"), j->log_path);
    return FALSE;
}

static gboolean
replay(VmmJournal *j, GError **error)
{
    g_autoptr(GHashTable) last = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                                       change_free);
    GHashTableIter it;
    gpointer key, value;
    Header h;
    struct stat st;
    int fd = open(j->log_path, O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        if (errno == ENOENT)
            return TRUE;
        vmm_error_set_errno(error, errno, _("cannot open journal '%s'"), j->log_path);
        return FALSE;
    }
    if (fstat(fd, &st) < 0 ||
        (st.st_size >= LOG_START + (off_t)sizeof(Record) && !pread_full(fd, &h, sizeof(h), 0))) {
        vmm_error_set_errno(error, errno, _("cannot read journal '%s'"), j->log_path);
        goto fail;
    }
    if (st.st_size < LOG_START + (off_t)sizeof(Record) || h.magic != HEADER_MAGIC ||
        h.crc != crc32_update(0, &h, G_STRUCT_OFFSET(Header, crc))) {
        /* Logs are created whole elsewhere and renamed into place: this is
         * not one of ours, it never held a record. */
        g_warning("journal '%s' has no valid header: ignored", j->log_path);
        close(fd);
        unlink(j->log_path);
        return TRUE;
    }
    j->gen = h.gen;
    if (!read_records(j, fd, st.st_size, last, error))
        goto fail;

    g_hash_table_iter_init(&it, last);
    while (g_hash_table_iter_next(&it, &key, &value)) {
        Change *c = value;
        g_autofree char *path = file_path(j, key);

        if (c->op == OP_WRITE) {
            gsize len;
            const char *data = g_bytes_get_data(c->data, &len);

            if (!vmm_file_write_atomic(path, data ? data : "", len, c->mode, error))
                goto fail;
        } else if (unlink(path) < 0 && errno != ENOENT) {
            vmm_error_set_errno(error, errno, _("cannot remove '%s'"), path);
            goto fail;
        }
    }
    if (g_hash_table_size(last) > 0) {
        g_info("journal '%s': %u change(s) replayed", j->log_path, g_hash_table_size(last));
        if (fsync(j->dirfd) < 0) {
            vmm_error_set_errno(error, errno, _("cannot flush '%s'"), j->dir);
            goto fail;
        }
    }
    j->size = st.st_size;
    if (!write_header(j, fd, j->gen + 1)) {
        vmm_error_set_errno(error, errno, _("cannot reset journal '%s'"), j->log_path);
        goto fail;
    }
    j->fd = fd;
    return TRUE;

 fail:
    close(fd);
    return FALSE;
}

/* ------------------------------------------------------------------ */

static VmmJournal *
journal_new(const char *dir, gboolean background, GError **error)
{
    g_autoptr(VmmJournal) j = g_new0(VmmJournal, 1);

    g_mutex_init(&j->lock);
    g_cond_init(&j->cond);
    g_mutex_init(&j->sync_lock);
    g_mutex_init(&j->checkpoint_lock);
    g_mutex_init(&j->dir_lock);
    for (guint k = 0; k < TMP_DIRS; k++) {
        g_autofree char *name = g_strdup_printf(TMP_PREFIX "%u", k);

        g_mutex_init(&j->tmp_locks[k]);
        j->tmp_dirs[k] = g_build_filename(dir, name, NULL);
    }
    for (guint i = 0; i < G_N_ELEMENTS(j->file_locks); i++)
        g_mutex_init(&j->file_locks[i]);
    j->dir = g_strdup(dir);
    j->log_path = g_build_filename(dir, LOG_NAME, NULL);
    j->fd = -1;
    j->size = log_size_override ? log_size_override : LOG_SIZE_DEFAULT;
    j->touched = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    j->background = background;
    j->idle_usec = IDLE_USEC_DEFAULT;
    /* Tests that simulate a crash before the checkpoint set it long. */
    if (g_getenv("VMM_JOURNAL_CHECKPOINT_MS"))
        j->idle_usec = g_ascii_strtoll(g_getenv("VMM_JOURNAL_CHECKPOINT_MS"), NULL, 10) *
                       G_TIME_SPAN_MILLISECOND;
    j->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (j->dirfd < 0) {
        vmm_error_set_errno(error, errno, _("cannot open directory '%s'"), dir);
        return NULL;
    }
    if (flock(j->dirfd, LOCK_EX | LOCK_NB) < 0) {
        vmm_error_set_errno(error, errno, _("journal of '%s' is in use"), dir);
        return NULL;
    }
    if (!replay(j, error))
        return NULL;
    clean_tmp_dirs(j);
    return g_steal_pointer(&j);
}

VmmJournal *
vmm_journal_open(const char *dir, GError **error)
{
    return journal_new(dir, TRUE, error);
}

VmmJournal *
vmm_journal_open_foreground(const char *dir, GError **error)
{
    return journal_new(dir, FALSE, error);
}

void
vmm_journal_abandon(VmmJournal *j)
{
    /* As after a crash: the log as it is, nothing checkpointed. */
    g_mutex_lock(&j->lock);
    j->broken = TRUE;
    j->retired = TRUE;
    g_mutex_unlock(&j->lock);
    vmm_journal_close(j);
}

void
vmm_journal_close(VmmJournal *j)
{
    if (!j)
        return;
    if (j->flusher) {
        g_mutex_lock(&j->lock);
        j->stop = TRUE;
        g_cond_broadcast(&j->cond);
        g_mutex_unlock(&j->lock);
        g_thread_join(j->flusher);
    }
    if (j->fd >= 0) {
        g_autoptr(GError) err = NULL;

        if (!j->flush_failed &&
            !(j->broken ? usable(j, &err) : vmm_journal_checkpoint(j, &err)))
            g_warning("journal checkpoint of '%s': %s", j->dir, err->message);
    }
    if (j->fd >= 0)
        close(j->fd);
    if (j->dirfd >= 0)
        close(j->dirfd);      /* drops the lock */
    g_hash_table_unref(j->touched);
    g_mutex_clear(&j->lock);
    g_cond_clear(&j->cond);
    g_mutex_clear(&j->sync_lock);
    g_mutex_clear(&j->checkpoint_lock);
    g_mutex_clear(&j->dir_lock);
    for (guint k = 0; k < TMP_DIRS; k++) {
        g_mutex_clear(&j->tmp_locks[k]);
        g_free(j->tmp_dirs[k]);
    }
    for (guint i = 0; i < G_N_ELEMENTS(j->file_locks); i++)
        g_mutex_clear(&j->file_locks[i]);
    g_free(j->log_path);
    g_free(j->dir);
    g_free(j);
}
