/*
 * vmm_file.c: file helpers, above all the atomic write.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "util/vmm_file.h"
#include "util/vmm_file_priv.h"
#include "util/vmm_error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static gssize write_fault = -1;

void
vmm_file_set_write_fault(gssize nbytes)
{
    write_fault = nbytes;
}

static gboolean
write_full(int fd, const char *data, gsize len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return FALSE;
        }
        data += n;
        len -= n;
    }
    return TRUE;
}

gboolean
vmm_file_sync_dir(const char *dir, GError **error)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd < 0 ? -1 : fsync(fd);

    if (rc < 0)
        vmm_error_set_errno(error, errno, _("cannot flush '%s'"), dir);
    if (fd >= 0)
        close(fd);
    return rc == 0;
}

char *
vmm_file_write_temp(const char *path, const char *data, gsize len, mode_t mode,
                    gboolean sync, GError **error)
{
    g_autofree char *tmp = g_strdup_printf("%s.XXXXXX", path);
    int fd;

    fd = g_mkstemp_full(tmp, O_WRONLY | O_CLOEXEC, mode);
    if (fd < 0) {
        vmm_error_set_errno(error, errno, _("cannot create temporary file for '%s'"), path);
        return NULL;
    }
    if (fchmod(fd, mode) < 0)
        goto fail;

    if (write_fault >= 0 && (gsize)write_fault < len) {
        /* Simulated crash: part of the data reached the temp file only. */
        write_full(fd, data, write_fault);
        close(fd);
        unlink(tmp);
        vmm_error_set(error, VMM_ERR_WRITE_FAILED,
                      _("cannot write '%s': interrupted (test fault)"), path);
        return NULL;
    }

    if (!write_full(fd, data, len) || (sync && fsync(fd) < 0))
        goto fail;
    if (close(fd) < 0) {
        fd = -1;
        goto fail;
    }
    return g_steal_pointer(&tmp);

 fail:
    {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        unlink(tmp);
        vmm_error_set_errno(error, saved, _("cannot write '%s'"), path);
    }
    return NULL;
}

gboolean
vmm_file_write_atomic(const char *path, const char *data, gssize len,
                      mode_t mode, GError **error)
{
    g_autofree char *tmp = NULL;

    if (len < 0)
        len = strlen(data);
    if (!(tmp = vmm_file_write_temp(path, data, len, mode, TRUE, error)))
        return FALSE;
    if (rename(tmp, path) < 0) {
        int saved = errno;

        unlink(tmp);
        vmm_error_set_errno(error, saved, _("cannot write '%s'"), path);
        return FALSE;
    }
    /* The rename is durable only once the directory entry is. */
    {
        g_autofree char *dir = g_path_get_dirname(path);

        vmm_file_sync_dir(dir, NULL);
    }
    return TRUE;
}

char *
vmm_file_read_all(const char *path, gsize max_len, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    g_autoptr(GError) local = NULL;

    if (!g_file_get_contents(path, &data, &len, &local)) {
        vmm_error_set(error, VMM_ERR_READ_FAILED, _("cannot read '%s': %s"),
                      path, local->message);
        return NULL;
    }
    if (max_len && len > max_len) {
        vmm_error_set(error, VMM_ERR_READ_FAILED,
                      _("file '%s' is too large (%zu bytes, limit %zu)"),
                      path, len, max_len);
        return NULL;
    }
    return g_steal_pointer(&data);
}

gboolean
vmm_file_mkdir_p(const char *path, int mode, GError **error)
{
    if (g_mkdir_with_parents(path, mode) < 0) {
        vmm_error_set_errno(error, errno, _("cannot create directory '%s'"), path);
        return FALSE;
    }
    return TRUE;
}
