/*
 * vshell-volstream.c: `vol-upload` and `vol-download`, copying between a
 * local file and a volume's content through a VmmStream, with virsh's
 * options and messages.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vshell.h"
#include "streams.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* Bytes per read or write: what libvirt puts in one stream packet. */
#define VOLSTREAM_CHUNK (256 * 1024)

const VshOptDef vsh_vol_upload_opts[] = {
    { "vol", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("vol name, key or path") },
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("file") },
    { "pool", VSH_OT_STRING, 0, N_("pool name or uuid") },
    { "offset", VSH_OT_STRING, 0, N_("volume offset to upload to") },
    { "length", VSH_OT_STRING, 0, N_("amount of data to upload") },
    { NULL },
};

const VshOptDef vsh_vol_download_opts[] = {
    { "vol", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("vol name, key or path") },
    { "file", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("file") },
    { "pool", VSH_OT_STRING, 0, N_("pool name or uuid") },
    { "offset", VSH_OT_STRING, 0, N_("volume offset to download from") },
    { "length", VSH_OT_STRING, 0, N_("amount of data to download") },
    { NULL },
};

/* Read @fd and send it on @st until EOF; FALSE with the error printed. */
static gboolean
copy_file_to_stream(Vsh *ctl, int fd, const char *file, VmmStream *st, VmmStorageVol *vol,
                    char *buf)
{
    g_autoptr(GError) error = NULL;

    for (;;) {
        gssize n = read(fd, buf, VOLSTREAM_CHUNK);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            vsh_error(ctl, _("cannot read %s: %s"), file, g_strerror(errno));
            return FALSE;
        }
        if (n == 0)
            return TRUE;
        if (vmm_stream_send(st, buf, n, &error) < 0) {
            vsh_error(ctl, _("cannot send data to volume %s"), vmm_storage_vol_get_name(vol));
            vsh_report(ctl, &error);
            return FALSE;
        }
    }
}

/* Receive @st until EOF and write it to @fd; FALSE with the error
 * printed. */
static gboolean
copy_stream_to_file(Vsh *ctl, VmmStream *st, VmmStorageVol *vol, int fd, const char *file,
                    char *buf)
{
    g_autoptr(GError) error = NULL;

    for (;;) {
        gssize n = vmm_stream_recv(st, buf, VOLSTREAM_CHUNK, &error);

        if (n < 0) {
            vsh_error(ctl, _("cannot receive data from volume %s"),
                      vmm_storage_vol_get_name(vol));
            vsh_report(ctl, &error);
            return FALSE;
        }
        if (n == 0)
            return TRUE;
        if (!vsh_write_all(fd, buf, n)) {
            vsh_error(ctl, _("cannot write to %s: %s"), file, g_strerror(errno));
            return FALSE;
        }
    }
}

/*
 * Both commands: open the file (download: an existing file is overwritten
 * in place, a new one is removed again when the download fails, as virsh
 * does), connect a stream to the volume's range, copy, finish.
 */
static gboolean
vol_transfer(Vsh *ctl, const VshCmd *cmd, gboolean upload)
{
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStorageVol) vol = NULL;
    g_autoptr(VmmStream) st = NULL;
    g_autofree char *buf = NULL;
    const char *file = vsh_cmd_string(cmd, "file");
    guint64 offset = 0, length = 0;
    gboolean created = FALSE;
    gboolean ok = FALSE;
    int fd;

    if (vsh_cmd_uint64(cmd, "offset", &offset) < 0 ||
        vsh_cmd_uint64(cmd, "length", &length) < 0 ||
        !(vol = vsh_lookup_vol(ctl, cmd)))
        return FALSE;
    if (upload) {
        if ((fd = open(file, O_RDONLY | O_CLOEXEC)) < 0) {
            vsh_error(ctl, _("cannot read %s: %s"), file, g_strerror(errno));
            return FALSE;
        }
    } else if ((fd = open(file, O_WRONLY | O_TRUNC | O_CLOEXEC)) < 0) {
        if (errno != ENOENT ||
            (fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666)) < 0) {
            vsh_error(ctl, _("cannot create %s: %s"), file, g_strerror(errno));
            return FALSE;
        }
        created = TRUE;
    }

    st = vmm_stream_new(ctl->conn, 0);
    if (upload ? !vmm_storage_vol_upload(vol, st, offset, length, 0, &error)
               : !vmm_storage_vol_download(vol, st, offset, length, 0, &error)) {
        vsh_error(ctl, upload ? _("cannot upload to volume %s")
                              : _("cannot download from volume %s"),
                  vmm_storage_vol_get_name(vol));
        vsh_report(ctl, &error);
        goto out;
    }
    buf = g_malloc(VOLSTREAM_CHUNK);
    if (upload ? !copy_file_to_stream(ctl, fd, file, st, vol, buf)
               : !copy_stream_to_file(ctl, st, vol, fd, file, buf)) {
        vmm_stream_abort(st, NULL);
        goto out;
    }
    if (!vmm_stream_finish(st, &error)) {
        vsh_error(ctl, _("cannot close volume %s"), vmm_storage_vol_get_name(vol));
        vsh_report(ctl, &error);
        goto out;
    }
    ok = TRUE;

 out:
    if (close(fd) < 0 && ok && !upload) {
        vsh_error(ctl, _("cannot close file %s: %s"), file, g_strerror(errno));
        ok = FALSE;
    }
    if (!ok && created)
        unlink(file);
    return ok;
}

gboolean
vsh_cmd_vol_upload(Vsh *ctl, const VshCmd *cmd)
{
    return vol_transfer(ctl, cmd, TRUE);
}

gboolean
vsh_cmd_vol_download(Vsh *ctl, const VshCmd *cmd)
{
    return vol_transfer(ctl, cmd, FALSE);
}
