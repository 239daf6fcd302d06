/*
 * vmm_journal_test.c: the journal in front of a directory's files.
 *
 * A crash is simulated with vmm_journal_abandon() (the log left as it is,
 * nothing checkpointed); what a power cut would lose of the files' own
 * unflushed writes is simulated by damaging the files by hand before the
 * directory is opened again, which must bring every acknowledged change
 * back and nothing else.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "util/vmm_journal.h"
#include "util/vmm_journal_priv.h"
#include "util/vmm_error.h"
#include "util/vmm_file.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/syscall.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Faults: fsync() of a file whose name ends in @fsync_fail_suffix fails
 * with EIO; the next fdatasync() fails while @fdatasync_fail is set;
 * syncfs() fails while @syncfs_fail is set (these definitions take the
 * place of libc's in this binary). */
static const char *volatile fsync_fail_suffix;
static volatile gint fdatasync_fail;
static volatile gint syncfs_fail;
static volatile gint syncfs_calls;

int
syncfs(int fd)
{
    g_atomic_int_inc(&syncfs_calls);
    if (g_atomic_int_get(&syncfs_fail)) {
        errno = EIO;
        return -1;
    }
    return syscall(SYS_syncfs, fd);
}

static gboolean
fd_name_ends_with(int fd, const char *suffix)
{
    g_autofree char *link = g_strdup_printf("/proc/self/fd/%d", fd);
    g_autofree char *target = g_file_read_link(link, NULL);

    return target && g_str_has_suffix(target, suffix);
}

int
fsync(int fd)
{
    const char *suffix = fsync_fail_suffix;

    if (suffix && fd_name_ends_with(fd, suffix)) {
        errno = EIO;
        return -1;
    }
    return syscall(SYS_fsync, fd);
}

int
fdatasync(int fd)
{
    if (g_atomic_int_compare_and_exchange(&fdatasync_fail, 1, 0)) {
        errno = EIO;
        return -1;
    }
    return syscall(SYS_fdatasync, fd);
}

static char *
make_tmpdir(void)
{
    g_autoptr(GError) err = NULL;
    char *dir = g_dir_make_tmp("vmm-journal-XXXXXX", &err);

    g_assert_no_error(err);
    return dir;
}

static void
remove_tree(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *e;

    while (d && (e = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, e, NULL);

        if (g_file_test(p, G_FILE_TEST_IS_DIR))
            remove_tree(p);
        else
            g_unlink(p);
    }
    g_rmdir(dir);
}

/* Files in @dir and in its subdirectories. */
static guint
count_files(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *e;
    guint n = 0;

    while (d && (e = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, e, NULL);

        n += g_file_test(p, G_FILE_TEST_IS_DIR) ? count_files(p) : 1;
    }
    return n;
}

static void
put(const char *dir, const char *file, const char *text)
{
    g_autofree char *p = g_build_filename(dir, file, NULL);
    g_autoptr(GError) err = NULL;

    g_file_set_contents(p, text, -1, &err);
    g_assert_no_error(err);
}

/* The file's content, "<none>" if it does not exist. */
static char *
get(const char *dir, const char *file)
{
    g_autofree char *p = g_build_filename(dir, file, NULL);
    char *text = NULL;

    if (!g_file_get_contents(p, &text, NULL, NULL))
        return g_strdup("<none>");
    return text;
}

#define assert_file(dir, file, want) \
    do { \
        g_autofree char *got_ = get(dir, file); \
        g_assert_cmpstr(got_, ==, want); \
    } while (0)

static void
write_ok(VmmJournal *j, const char *file, const char *text)
{
    g_autoptr(GError) err = NULL;

    g_assert_true(vmm_journal_write_file(j, file, text, strlen(text), 0600, &err));
    g_assert_no_error(err);
}

static VmmJournal *
open_fg(const char *dir)
{
    g_autoptr(GError) err = NULL;
    VmmJournal *j = vmm_journal_open_foreground(dir, &err);

    g_assert_no_error(err);
    g_assert_nonnull(j);
    return j;
}

/* Changes show at once, the files hold them after a clean close, and the
 * temp files are gone. */
static void
test_write_remove(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autoptr(GError) err = NULL;
    VmmJournal *j = open_fg(dir);
    struct stat st;
    g_autofree char *a = g_build_filename(dir, "a.xml", NULL);

    write_ok(j, "a.xml", "one");
    assert_file(dir, "a.xml", "one");
    g_assert_cmpint(stat(a, &st), ==, 0);
    g_assert_cmpint(st.st_mode & 0777, ==, 0600);
    write_ok(j, "a.xml", "two");
    write_ok(j, "b.xml", "bee");
    assert_file(dir, "a.xml", "two");
    g_assert_true(vmm_journal_remove_file(j, "b.xml", &err));
    g_assert_no_error(err);
    assert_file(dir, "b.xml", "<none>");
    /* Removing what is not there is fine. */
    g_assert_true(vmm_journal_remove_file(j, "never.xml", &err));
    g_assert_no_error(err);
    vmm_journal_close(j);

    assert_file(dir, "a.xml", "two");
    /* a.xml, .journal and the temp directories, empty. */
    g_assert_cmpuint(count_files(dir), ==, 2);
    remove_tree(dir);
}

/* Temp files a crash left behind are removed when the journal opens. */
static void
test_stale_temp_files(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *tmp1 = g_build_filename(dir, ".tmp-1", NULL);
    VmmJournal *j = open_fg(dir);

    write_ok(j, "a.xml", "a");
    write_ok(j, "b.xml", "b");
    vmm_journal_abandon(j);
    g_assert_cmpint(g_mkdir(tmp1, 0700) == 0 || errno == EEXIST, ==, TRUE);
    put(tmp1, "a.xml.Ab12Cd", "half a write");
    g_assert_cmpuint(count_files(dir), ==, 4);
    j = open_fg(dir);
    g_assert_cmpuint(count_files(dir), ==, 3);      /* a.xml, b.xml, .journal */
    assert_file(dir, "a.xml", "a");
    vmm_journal_close(j);
    remove_tree(dir);
}

/* After a crash, every logged change comes back: a truncated file, a lost
 * file, a removal that did not reach the disk. */
static void
test_replay_after_crash(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autoptr(GError) err = NULL;
    VmmJournal *j;

    put(dir, "c.xml", "old c");
    put(dir, "keep.xml", "untouched");
    j = open_fg(dir);
    write_ok(j, "a.xml", "a v1");
    write_ok(j, "b.xml", "b v1");
    write_ok(j, "a.xml", "a v2");
    g_assert_true(vmm_journal_remove_file(j, "c.xml", &err));
    g_assert_no_error(err);
    vmm_journal_abandon(j);

    /* What a power cut could leave of unflushed writes. */
    put(dir, "a.xml", "");
    assert_file(dir, "b.xml", "b v1");
    {
        g_autofree char *b = g_build_filename(dir, "b.xml", NULL);
        g_unlink(b);
    }
    put(dir, "c.xml", "old c");

    j = open_fg(dir);
    assert_file(dir, "a.xml", "a v2");
    assert_file(dir, "b.xml", "b v1");
    assert_file(dir, "c.xml", "<none>");
    assert_file(dir, "keep.xml", "untouched");
    vmm_journal_abandon(j);

    /* The replay emptied the log: nothing is replayed twice. */
    put(dir, "a.xml", "changed by hand");
    j = open_fg(dir);
    assert_file(dir, "a.xml", "changed by hand");
    vmm_journal_close(j);
    remove_tree(dir);
}

/* A checkpoint flushes the files and empties the log: what was logged
 * before it is never replayed. */
static void
test_checkpoint(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autoptr(GError) err = NULL;
    VmmJournal *j = open_fg(dir);

    write_ok(j, "a.xml", "a v1");
    g_assert_true(vmm_journal_checkpoint(j, &err));
    g_assert_no_error(err);
    write_ok(j, "b.xml", "b v1");
    vmm_journal_abandon(j);

    put(dir, "a.xml", "changed by hand");
    put(dir, "b.xml", "");
    j = open_fg(dir);
    assert_file(dir, "a.xml", "changed by hand");
    assert_file(dir, "b.xml", "b v1");
    vmm_journal_close(j);
    remove_tree(dir);
}

/* Find the offset of the @nth (from 0) record's payload byte in the log:
 * records start at 4096, 48-byte header, 8-byte aligned. */
static off_t
record_offset(const char *log, guint nth)
{
    g_autofree char *data = NULL;
    gsize len;
    off_t off = 4096;

    g_assert_true(g_file_get_contents(log, &data, &len, NULL));
    for (guint i = 0; i < nth; i++) {
        guint32 name_len, data_len;

        memcpy(&name_len, data + off + 40, 4);
        memcpy(&data_len, data + off + 44, 4);
        off += (48 + name_len + data_len + 7) & ~7;
    }
    return off;
}

/* A torn last record is not replayed; those before it are. */
static void
test_torn_record(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *log = g_build_filename(dir, ".journal", NULL);
    VmmJournal *j = open_fg(dir);
    off_t off;
    int fd;

    write_ok(j, "a.xml", "a v1");
    write_ok(j, "b.xml", "b v1");
    write_ok(j, "c.xml", "c v1");
    vmm_journal_abandon(j);

    /* Garble one byte of the third record's content. */
    off = record_offset(log, 2) + 48 + strlen("c.xml");
    fd = open(log, O_WRONLY);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(pwrite(fd, "X", 1, off), ==, 1);
    close(fd);
    put(dir, "a.xml", "");
    put(dir, "b.xml", "");
    put(dir, "c.xml", "c before");

    j = open_fg(dir);
    assert_file(dir, "a.xml", "a v1");
    assert_file(dir, "b.xml", "b v1");
    assert_file(dir, "c.xml", "c before");
    vmm_journal_close(j);
    remove_tree(dir);
}

/* A change whose rename fails is reported and never replayed, and the
 * change of the same file before it still is. */
static void
test_failed_change_cancelled(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *b = g_build_filename(dir, "b.xml", NULL);
    g_autofree char *d = g_build_filename(dir, "d.xml", NULL);
    g_autoptr(GError) err = NULL;
    VmmJournal *j = open_fg(dir);

    write_ok(j, "d.xml", "d v1");
    /* A directory in the way makes the renames fail. */
    g_assert_cmpint(g_mkdir(b, 0700), ==, 0);
    g_assert_false(vmm_journal_write_file(j, "b.xml", "b v1", 4, 0600, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_SYSTEM_ERROR);
    g_assert_nonnull(strstr(err->message, "b.xml"));
    g_clear_error(&err);
    g_unlink(d);
    g_assert_cmpint(g_mkdir(d, 0700), ==, 0);
    g_assert_false(vmm_journal_write_file(j, "d.xml", "d v2", 4, 0600, &err));
    g_clear_error(&err);
    vmm_journal_abandon(j);

    g_rmdir(b);
    g_rmdir(d);
    j = open_fg(dir);
    assert_file(dir, "b.xml", "<none>");
    assert_file(dir, "d.xml", "d v1");
    vmm_journal_close(j);
    remove_tree(dir);
}

/* Content too large for the log is written the plain way, and an older
 * logged change of that file is not replayed over it. */
static void
test_too_large_for_log(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *big = NULL;
    VmmJournal *j;

    vmm_journal_set_log_size(64 * 1024);
    j = open_fg(dir);
    vmm_journal_set_log_size(0);
    write_ok(j, "a.xml", "a small");
    big = g_strnfill(100 * 1024, 'x');
    write_ok(j, "a.xml", big);
    vmm_journal_abandon(j);

    j = open_fg(dir);
    {
        g_autofree char *got = get(dir, "a.xml");

        g_assert_cmpuint(strlen(got), ==, strlen(big));   /* not "a small" */
        g_assert_true(strcmp(got, big) == 0);
    }
    vmm_journal_close(j);
    remove_tree(dir);
}

/* One process at a time. */
static void
test_in_use(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autoptr(GError) err = NULL;
    VmmJournal *j = open_fg(dir);

    g_assert_null(vmm_journal_open(dir, &err));
    g_assert_nonnull(err);
    g_assert_nonnull(strstr(err->message, "in use"));
    vmm_journal_close(j);
    remove_tree(dir);
}

typedef struct {
    VmmJournal *j;
    guint id;
} Writer;

#define ROUNDS 150

static gpointer
writer_run(gpointer data)
{
    Writer *w = data;

    for (guint i = 0; i < ROUNDS; i++) {
        g_autofree char *own = g_strdup_printf("w%u-%u.xml", w->id, i % 20);
        g_autofree char *text = g_strdup_printf("writer %u round %u %s", w->id, i,
                                                "padding padding padding padding");
        g_autofree char *gone = g_strdup_printf("w%u-gone.xml", w->id);
        g_autoptr(GError) err = NULL;

        write_ok(w->j, own, text);
        write_ok(w->j, "shared.xml", text);
        write_ok(w->j, gone, text);
        g_assert_true(vmm_journal_remove_file(w->j, gone, &err));
        g_assert_no_error(err);
    }
    return NULL;
}

/* Four writers on a small log with the background checkpoint: the log
 * fills up many times over; every file ends with its last content, both
 * while running and after a crash with the files damaged. */
static void
test_concurrent_small_log(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autoptr(GError) err = NULL;
    Writer w[4];
    GThread *t[4];
    VmmJournal *j;

    vmm_journal_set_log_size(16 * 1024);
    j = vmm_journal_open(dir, &err);
    vmm_journal_set_log_size(0);
    g_assert_no_error(err);
    for (guint i = 0; i < 4; i++) {
        w[i].j = j;
        w[i].id = i;
        t[i] = g_thread_new("writer", writer_run, &w[i]);
    }
    for (guint i = 0; i < 4; i++)
        g_thread_join(t[i]);

    write_ok(j, "last.xml", "last");
    vmm_journal_abandon(j);
    for (guint i = 0; i < 4; i++) {
        for (guint k = 0; k < 20; k++) {
            g_autofree char *own = g_strdup_printf("w%u-%u.xml", i, k);
            g_autofree char *want = g_strdup_printf("writer %u round %u %s", i,
                                                    (ROUNDS - 1 - k) / 20 * 20 + k,
                                                    "padding padding padding padding");

            assert_file(dir, own, want);
        }
    }
    put(dir, "last.xml", "");
    j = open_fg(dir);
    assert_file(dir, "last.xml", "last");
    for (guint i = 0; i < 4; i++) {
        g_autofree char *gone = g_strdup_printf("w%u-gone.xml", i);

        assert_file(dir, gone, "<none>");
    }
    vmm_journal_close(j);
    remove_tree(dir);
}

/* A log whose header is garbage (a crash while it was being created) is
 * dropped with a warning and the files are left alone. */
static void
test_bad_header(void)
{
    g_autofree char *dir = make_tmpdir();
    VmmJournal *j;

    put(dir, ".journal", "not a journal");
    put(dir, "a.xml", "a");
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*has no valid header*");
    j = open_fg(dir);
    g_test_assert_expected_messages();
    assert_file(dir, "a.xml", "a");
    write_ok(j, "b.xml", "b");
    vmm_journal_close(j);
    assert_file(dir, "b.xml", "b");
    remove_tree(dir);
}


/* A rename that fails on an almost full log: the failed change ends before
 * its cancellation needs room, so the checkpoint can make it. */
static void
test_failure_on_full_log(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *b = g_build_filename(dir, "b.xml", NULL);
    g_autofree char *fill = g_strnfill(3995, 'x');
    g_autoptr(GError) err = NULL;
    VmmJournal *j;

    vmm_journal_set_log_size(8192);
    j = vmm_journal_open(dir, &err);
    vmm_journal_set_log_size(0);
    g_assert_no_error(err);
    write_ok(j, "a.xml", fill);         /* 48 bytes of the log left */
    g_assert_cmpint(g_mkdir(b, 0700), ==, 0);
    g_assert_false(vmm_journal_write_file(j, "b.xml", "b", 1, 0600, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_SYSTEM_ERROR);
    g_clear_error(&err);
    g_rmdir(b);
    write_ok(j, "b.xml", "b");
    vmm_journal_abandon(j);

    put(dir, "b.xml", "");
    j = open_fg(dir);
    assert_file(dir, "b.xml", "b");
    vmm_journal_close(j);
    remove_tree(dir);
}

/* Without the background checkpoint, a full log makes its own room. */
static void
test_foreground_full_log(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *big = g_strnfill(3000, 'y');
    VmmJournal *j;

    vmm_journal_set_log_size(8192);
    j = open_fg(dir);
    vmm_journal_set_log_size(0);
    write_ok(j, "a.xml", big);
    write_ok(j, "b.xml", big);
    write_ok(j, "c.xml", big);
    vmm_journal_abandon(j);
    put(dir, "c.xml", "");
    j = open_fg(dir);
    assert_file(dir, "a.xml", big);
    assert_file(dir, "c.xml", big);
    vmm_journal_close(j);
    remove_tree(dir);
}

/* Names the journal cannot hold are refused with an error. */
static void
test_bad_names(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autoptr(GError) err = NULL;
    VmmJournal *j = open_fg(dir);
    const char *bad[] = { "", ".", "..", "a/b.xml", ".journal", ".journal.new" };

    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        g_assert_false(vmm_journal_write_file(j, bad[i], "x", 1, 0600, &err));
        g_assert_error(err, VMM_ERROR, VMM_ERR_INVALID_ARG);
        g_clear_error(&err);
        g_assert_false(vmm_journal_remove_file(j, bad[i], &err));
        g_assert_error(err, VMM_ERROR, VMM_ERR_INVALID_ARG);
        g_clear_error(&err);
    }
    vmm_journal_close(j);
    remove_tree(dir);
}

/* A checkpoint that cannot flush a file while a writer waits for room:
 * the writer gets the error, no one waits for ever.  The log is then the
 * only copy known to be on disk: it stays, no change is taken any more (a
 * retried fsync would report success with the data lost), and the next
 * open replays it. */
static void
test_checkpoint_fails_when_full(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *log = g_build_filename(dir, ".journal", NULL);
    g_autofree char *big = g_strnfill(3000, 'z');
    g_autoptr(GError) err = NULL;
    VmmJournal *j;

    g_setenv("VMM_JOURNAL_CHECKPOINT_MS", "600000", TRUE);
    vmm_journal_set_log_size(8192);
    j = vmm_journal_open(dir, &err);
    vmm_journal_set_log_size(0);
    g_unsetenv("VMM_JOURNAL_CHECKPOINT_MS");
    g_assert_no_error(err);
    write_ok(j, "bad.xml", "bad");
    write_ok(j, "a.xml", big);
    fsync_fail_suffix = "/bad.xml";
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*failed*given up*");
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*checkpoint*bad.xml*");
    g_assert_false(vmm_journal_write_file(j, "c.xml", big, strlen(big), 0600, &err));
    g_test_assert_expected_messages();
    g_assert_error(err, VMM_ERROR, VMM_ERR_WRITE_FAILED);
    g_clear_error(&err);

    /* Well again: still refused, the log kept. */
    fsync_fail_suffix = NULL;
    g_assert_false(vmm_journal_write_file(j, "c.xml", "c", 1, 0600, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_WRITE_FAILED);
    g_assert_nonnull(strstr(err->message, "restarts"));
    g_clear_error(&err);
    g_assert_false(vmm_journal_remove_file(j, "a.xml", &err));
    g_clear_error(&err);
    vmm_journal_close(j);
    g_assert_true(g_file_test(log, G_FILE_TEST_EXISTS));

    /* What the failed writeback may have lost comes back at the next open. */
    put(dir, "bad.xml", "");
    put(dir, "a.xml", "");
    j = open_fg(dir);
    assert_file(dir, "bad.xml", "bad");
    assert_file(dir, "a.xml", big);
    assert_file(dir, "c.xml", "<none>");
    write_ok(j, "c.xml", "c");
    vmm_journal_close(j);
    remove_tree(dir);
}

/* A reserved name used as a temp directory: refused, and a file in the
 * way of a temp directory makes the writes go next to their target. */
static void
test_tmp_dir_names(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autoptr(GError) err = NULL;
    VmmJournal *j = open_fg(dir);

    g_assert_false(vmm_journal_write_file(j, ".tmp-3", "x", 1, 0600, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_INVALID_ARG);
    g_clear_error(&err);
    vmm_journal_close(j);
    put(dir, ".tmp-2", "not a directory");
    j = open_fg(dir);
    for (guint i = 0; i < 8; i++) {
        g_autofree char *name = g_strdup_printf("f%u.xml", i);

        write_ok(j, name, "content");
        assert_file(dir, name, "content");
    }
    vmm_journal_close(j);
    remove_tree(dir);
}

/* A log flush that fails: the change still returns only once it is durable
 * (the log is given up, which flushes the files it covered), and nothing
 * is replayed afterwards. */
static void
test_log_flush_fails(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *log = g_build_filename(dir, ".journal", NULL);
    VmmJournal *j = open_fg(dir);

    write_ok(j, "a.xml", "a v1");
    g_atomic_int_set(&fdatasync_fail, 1);
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*failed*given up*");
    write_ok(j, "b.xml", "b v1");
    g_test_assert_expected_messages();
    g_assert_false(g_file_test(log, G_FILE_TEST_EXISTS));
    write_ok(j, "a.xml", "a v2");
    g_assert_false(g_file_test(log, G_FILE_TEST_EXISTS));
    vmm_journal_abandon(j);

    j = open_fg(dir);
    assert_file(dir, "a.xml", "a v2");
    assert_file(dir, "b.xml", "b v1");
    vmm_journal_close(j);
    remove_tree(dir);
}

/* A checkpoint of many files flushes them with one syncfs(): the log is
 * emptied; a syncfs() that fails keeps the log and refuses changes, and
 * the next open replays it. */
static void
test_checkpoint_many_files(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *log = g_build_filename(dir, ".journal", NULL);
    g_autoptr(GError) err = NULL;
    VmmJournal *j = open_fg(dir);
    gint calls = g_atomic_int_get(&syncfs_calls);

    for (guint i = 0; i < 20; i++) {
        g_autofree char *name = g_strdup_printf("m%u.xml", i);

        write_ok(j, name, "v1");
    }
    g_assert_true(vmm_journal_checkpoint(j, &err));
    g_assert_no_error(err);
    g_assert_cmpint(g_atomic_int_get(&syncfs_calls), ==, calls + 1);
    for (guint i = 0; i < 20; i++) {
        g_autofree char *name = g_strdup_printf("m%u.xml", i);

        write_ok(j, name, "v2");
    }
    g_atomic_int_set(&syncfs_fail, 1);
    g_test_expect_message(G_LOG_DOMAIN, G_LOG_LEVEL_WARNING, "*failed*given up*");
    g_assert_false(vmm_journal_checkpoint(j, &err));
    g_test_assert_expected_messages();
    g_assert_nonnull(strstr(err->message, "file system"));
    g_clear_error(&err);
    g_atomic_int_set(&syncfs_fail, 0);
    g_assert_false(vmm_journal_write_file(j, "m0.xml", "v3", 2, 0600, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_WRITE_FAILED);
    g_clear_error(&err);
    vmm_journal_close(j);
    g_assert_true(g_file_test(log, G_FILE_TEST_EXISTS));

    put(dir, "m7.xml", "");
    j = open_fg(dir);
    assert_file(dir, "m7.xml", "v2");
    assert_file(dir, "m0.xml", "v2");
    vmm_journal_close(j);
    remove_tree(dir);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/journal/write-remove", test_write_remove);
    g_test_add_func("/journal/replay-after-crash", test_replay_after_crash);
    g_test_add_func("/journal/stale-temp-files", test_stale_temp_files);
    g_test_add_func("/journal/checkpoint", test_checkpoint);
    g_test_add_func("/journal/torn-record", test_torn_record);
    g_test_add_func("/journal/failed-change-cancelled", test_failed_change_cancelled);
    g_test_add_func("/journal/too-large-for-log", test_too_large_for_log);
    g_test_add_func("/journal/in-use", test_in_use);
    g_test_add_func("/journal/concurrent-small-log", test_concurrent_small_log);
    g_test_add_func("/journal/bad-header", test_bad_header);
    g_test_add_func("/journal/failure-on-full-log", test_failure_on_full_log);
    g_test_add_func("/journal/foreground-full-log", test_foreground_full_log);
    g_test_add_func("/journal/bad-names", test_bad_names);
    g_test_add_func("/journal/checkpoint-fails-when-full", test_checkpoint_fails_when_full);
    g_test_add_func("/journal/log-flush-fails", test_log_flush_fails);
    g_test_add_func("/journal/tmp-dir-names", test_tmp_dir_names);
    g_test_add_func("/journal/checkpoint-many-files", test_checkpoint_many_files);
    return g_test_run();
}
