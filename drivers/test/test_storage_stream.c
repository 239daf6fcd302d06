/*
 * test_storage_stream.c: the content of the mock driver's volumes, and
 * volume upload and download through streams.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A volume's content is the bytes written to it, kept in memory in
 * blocks; blocks never written read as zeros, as holes of a sparse file
 * would.  An upload collects its bytes in the stream and writes them into
 * the volume only when the client finishes, so a failed or aborted upload
 * (too much data, for instance) leaves the volume as it was.
 */
#include "test_driver_priv.h"
#include "streams.h"

#include <errno.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

/* The mock keeps content in vmmd's memory: one upload collects at most
 * this much, and one volume holds at most this much written content, so
 * that no client can make the daemon allocate gigabytes.
 * VMM_TEST_VOL_CONTENT_MAX (bytes) lowers it for tests. */
#define TEST_VOL_CONTENT_MAX (256u * 1024 * 1024)

/* Content is kept in blocks of this size, those never written are absent. */
#define TEST_VOL_BLOCK (64 * 1024)

static guint
content_max(void)
{
    const char *s = g_getenv("VMM_TEST_VOL_CONTENT_MAX");
    guint64 v;

    if (s && g_ascii_string_to_unsigned(s, 10, TEST_VOL_BLOCK, TEST_VOL_CONTENT_MAX, &v, NULL))
        return (guint)v;
    return TEST_VOL_CONTENT_MAX;
}

struct _TestVolData {
    gint ref;
    GMutex lock;
    GHashTable *blocks;       /* block number (guint64*) -> TEST_VOL_BLOCK bytes */
};

/* Copy @len bytes from @offset of the content to @buf; holes read as
 * zeros. */
static void
vol_data_read(TestVolData *data, guint64 offset, char *buf, gsize len)
{
    g_mutex_lock(&data->lock);
    while (len) {
        guint64 nr = offset / TEST_VOL_BLOCK;
        gsize in = offset % TEST_VOL_BLOCK;
        gsize n = MIN(len, TEST_VOL_BLOCK - in);
        const guint8 *block = g_hash_table_lookup(data->blocks, &nr);

        if (block)
            memcpy(buf, block + in, n);
        else
            memset(buf, 0, n);
        buf += n;
        offset += n;
        len -= n;
    }
    g_mutex_unlock(&data->lock);
}

/* Write @len bytes at @offset; FALSE (nothing written) when the volume's
 * stored content would pass content_max(). */
static gboolean
vol_data_write(TestVolData *data, guint64 offset, const guint8 *buf, gsize len)
{
    guint64 added = 0;

    g_mutex_lock(&data->lock);
    for (guint64 nr = offset / TEST_VOL_BLOCK; len && nr <= (offset + len - 1) / TEST_VOL_BLOCK;
         nr++) {
        if (!g_hash_table_contains(data->blocks, &nr))
            added++;
    }
    if ((g_hash_table_size(data->blocks) + added) * TEST_VOL_BLOCK > content_max()) {
        g_mutex_unlock(&data->lock);
        return FALSE;
    }
    while (len) {
        guint64 nr = offset / TEST_VOL_BLOCK;
        gsize in = offset % TEST_VOL_BLOCK;
        gsize n = MIN(len, TEST_VOL_BLOCK - in);
        guint8 *block = g_hash_table_lookup(data->blocks, &nr);

        if (!block) {
            block = g_malloc0(TEST_VOL_BLOCK);
            g_hash_table_insert(data->blocks, g_memdup2(&nr, sizeof(nr)), block);
        }
        memcpy(block + in, buf, n);
        buf += n;
        offset += n;
        len -= n;
    }
    g_mutex_unlock(&data->lock);
    return TRUE;
}

static TestVolData *
vol_data_ref(TestVolData *data)
{
    g_atomic_int_inc(&data->ref);
    return data;
}

void
test_vol_data_unref(TestVolData *data)
{
    if (!data || !g_atomic_int_dec_and_test(&data->ref))
        return;
    g_hash_table_unref(data->blocks);
    g_mutex_clear(&data->lock);
    g_free(data);
}

static char *
vol_data_key(const char *pool, const char *vol)
{
    return g_strdup_printf("%s/%s", pool, vol);
}

/* The content of @pool's volume @vol, made empty on first use. */
static TestVolData *
vol_data_get(TestDriver *drv, const char *pool, const char *vol)
{
    g_autofree char *key = vol_data_key(pool, vol);
    TestVolData *data;

    g_mutex_lock(&drv->vol_data_lock);
    if (!(data = g_hash_table_lookup(drv->vol_data, key))) {
        data = g_new0(TestVolData, 1);
        data->ref = 1;
        g_mutex_init(&data->lock);
        data->blocks = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free, g_free);
        g_hash_table_insert(drv->vol_data, g_steal_pointer(&key), data);
    }
    vol_data_ref(data);
    g_mutex_unlock(&drv->vol_data_lock);
    return data;
}

void
test_vol_data_forget(TestDriver *drv, const char *pool, const char *vol)
{
    g_autofree char *key = vol_data_key(pool, vol);

    g_mutex_lock(&drv->vol_data_lock);
    g_hash_table_remove(drv->vol_data, key);
    g_mutex_unlock(&drv->vol_data_lock);
}

/* ------------------------------------------------------------------ */
/* The stream backend                                                  */

typedef struct {
    TestVolData *data;
    char *name;               /* the volume's, for messages */
    gboolean upload;
    guint64 start;            /* the range asked for: [start, end) */
    guint64 end;
    guint64 pos;              /* download: next byte to read */
    gboolean to_capacity;     /* end is the capacity rather than a length asked for */
    GByteArray *pending;      /* upload: bytes for [start, start + len) */
    /* Memory never blocks: polls writable always, and readable always for
     * a download and never for an upload. */
    int efd;
} VolStream;

static gssize
vs_send(gpointer priv, const char *buf, gsize len, GError **error)
{
    VolStream *vs = priv;

    if (!vs->upload) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s",
                      _("cannot write to a volume download stream"));
        return -1;
    }
    if (len > vs->end - vs->start - vs->pending->len) {
        if (vs->to_capacity)
            vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                          _("cannot write past the capacity of volume '%s' "
                            "(%" G_GUINT64_FORMAT " bytes)"), vs->name, vs->end);
        else
            vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                          _("cannot write more than the %" G_GUINT64_FORMAT
                            " bytes requested to volume '%s'"),
                          vs->end - vs->start, vs->name);
        return -1;
    }
    if (vs->pending->len + len > content_max()) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                      _("the mock driver keeps at most %u bytes of content for volume '%s'"),
                      content_max(), vs->name);
        return -1;
    }
    g_byte_array_append(vs->pending, (const guint8 *)buf, len);
    return len;
}

static gssize
vs_recv(gpointer priv, char *buf, gsize len, GError **error)
{
    VolStream *vs = priv;
    gsize n;

    /* Nothing ever comes back from an upload (its fd never polls
     * readable). */
    if (vs->upload)
        return VMM_STREAM_AGAIN;
    n = MIN(len, vs->end - vs->pos);
    vol_data_read(vs->data, vs->pos, buf, n);
    vs->pos += n;
    return n;
}

static int
vs_get_fd(gpointer priv)
{
    return ((VolStream *)priv)->efd;
}

static gboolean
vs_finish(gpointer priv, GError **error)
{
    VolStream *vs = priv;

    if (vs->upload &&
        !vol_data_write(vs->data, vs->start, vs->pending->data, vs->pending->len)) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                      _("the mock driver keeps at most %u bytes of content for volume '%s'"),
                      content_max(), vs->name);
        return FALSE;
    }
    return TRUE;
}

static void
vs_free(gpointer priv)
{
    VolStream *vs = priv;

    test_vol_data_unref(vs->data);
    g_free(vs->name);
    if (vs->pending)
        g_byte_array_unref(vs->pending);
    if (vs->efd >= 0)
        close(vs->efd);
    g_free(vs);
}

static const VmmStreamBackend vol_stream_backend = {
    .send = vs_send,
    .recv = vs_recv,
    .get_fd = vs_get_fd,
    .finish = vs_finish,
    .free = vs_free,
};

gboolean
test_vol_stream_open(VmmStorageVol *vol, guint64 capacity, VmmStream *st, guint64 offset,
                     guint64 length, gboolean upload, GError **error)
{
    VolStream *vs;

    if (offset > capacity) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("offset %" G_GUINT64_FORMAT " is past the capacity of volume '%s' "
                        "(%" G_GUINT64_FORMAT " bytes)"), offset, vol->name, capacity);
        return FALSE;
    }
    if (length > capacity - offset) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG,
                      _("length %" G_GUINT64_FORMAT " from offset %" G_GUINT64_FORMAT
                        " is past the capacity of volume '%s' (%" G_GUINT64_FORMAT " bytes)"),
                      length, offset, vol->name, capacity);
        return FALSE;
    }

    vs = g_new0(VolStream, 1);
    vs->name = g_strdup(vol->name);
    vs->upload = upload;
    vs->start = vs->pos = offset;
    vs->to_capacity = length == 0;
    vs->end = length ? offset + length : capacity;
    if (upload)
        vs->pending = g_byte_array_new();
    if ((vs->efd = eventfd(upload ? 0 : 1, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        vmm_error_set_errno(error, errno, "%s", _("cannot create an eventfd"));
        vs_free(vs);
        return FALSE;
    }
    vs->data = vol_data_get(test_driver_of(vol->conn), vol->pool, vol->name);
    if (!vmm_stream_set_backend(st, &vol_stream_backend, vs, error)) {
        vs_free(vs);
        return FALSE;
    }
    return TRUE;
}
