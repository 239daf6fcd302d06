/*
 * qemu_console.c: consoles of running QEMU guests.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * QEMU opens a PTY for every `pty` chardev; after start, query-chardev
 * says which (its "filename" is "pty:/dev/pts/N"), and the path goes into
 * the live definition as <source path=''/> (so the status XML keeps it
 * across a vmmd restart).  Opening a console opens that PTY and hands the
 * fd to the stream.  One session owns a domain's console at a time; FORCE
 * kills the previous session's stream.
 */
#include "drivers/qemu/qemu_console.h"
#include "drivers/qemu/qemu_driver_priv.h"
#include "util/json.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static GMutex owners_lock;
static GHashTable *owners;      /* uuid string -> VmmStream* (referenced) */

void
qemu_console_fill_ptys(VmmQemuMonitor *mon, VmmDomainDef *def, int timeout_ms)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmJsonNode) ret = NULL;
    GPtrArray *chrs = def->devices.chardevs;
    int nth[VMM_CHR_DEVICE_LAST] = { 0 };
    const char *serial0 = NULL;

    if (!chrs)
        return;
    for (guint i = 0; i < chrs->len; i++) {
        const VmmDomainChrDef *c = chrs->pdata[i];
        if (c->src.type == VMM_CHR_TYPE_PTY)
            break;
        if (i + 1 == chrs->len)
            return;
    }
    if (!(ret = vmm_qemu_monitor_command(mon, "query-chardev", NULL, timeout_ms,
                                         "job start", &err))) {
        g_debug("cannot find the PTYs of domain '%s': %s", def->name, err->message);
        return;
    }
    for (guint i = 0; i < chrs->len; i++) {
        VmmDomainChrDef *c = chrs->pdata[i];
        const char *kind = vmm_chr_device_type_to_string(c->devtype);
        g_autofree char *alias = c->info.alias ? g_strdup(c->info.alias)
                                               : g_strdup_printf("%s%d", kind, nth[c->devtype]);
        g_autofree char *label = g_strdup_printf("char%s", alias);

        nth[c->devtype]++;
        if (c->src.type != VMM_CHR_TYPE_PTY)
            continue;
        for (guint j = 0; j < vmm_json_node_array_len(ret); j++) {
            VmmJsonNode *e = vmm_json_node_array_get(ret, j);
            const char *l = vmm_json_node_object_get_string(e, "label");
            const char *f = vmm_json_node_object_get_string(e, "filename");

            if (l && f && g_str_equal(l, label) && g_str_has_prefix(f, "pty:")) {
                g_free(c->src.path);
                c->src.path = g_strdup(f + 4);
                c->src.has_source = TRUE;
            }
        }
        if (c->devtype == VMM_CHR_DEVICE_SERIAL && !serial0)
            serial0 = c->src.path;
    }
    /* A serial console (no chardev of its own) shows its serial's PTY. */
    for (guint i = 0; i < chrs->len; i++) {
        VmmDomainChrDef *c = chrs->pdata[i];
        const char *tt = vmm_chr_target_type_to_string(c->devtype, c->target_type);

        if (c->devtype == VMM_CHR_DEVICE_CONSOLE && c->src.type == VMM_CHR_TYPE_PTY &&
            (!tt || g_str_equal(tt, "serial")) && serial0) {
            g_free(c->src.path);
            c->src.path = g_strdup(serial0);
            c->src.has_source = TRUE;
        }
    }
}

/* The chardev @dev_name names (alias), or the first console (else serial). */
static const VmmDomainChrDef *
find_chr(VmmDomainDef *def, const char *dev_name)
{
    GPtrArray *chrs = def->devices.chardevs;
    int nth[VMM_CHR_DEVICE_LAST] = { 0 };
    const VmmDomainChrDef *serial = NULL;

    for (guint i = 0; chrs && i < chrs->len; i++) {
        const VmmDomainChrDef *c = chrs->pdata[i];
        const char *kind = vmm_chr_device_type_to_string(c->devtype);
        g_autofree char *alias = c->info.alias ? g_strdup(c->info.alias)
                                               : g_strdup_printf("%s%d", kind, nth[c->devtype]);

        nth[c->devtype]++;
        if (dev_name) {
            if (g_str_equal(alias, dev_name))
                return c;
            continue;
        }
        if (c->devtype == VMM_CHR_DEVICE_CONSOLE)
            return c;
        if (c->devtype == VMM_CHR_DEVICE_SERIAL && !serial)
            serial = c;
    }
    return dev_name ? NULL : serial;
}

static gboolean
open_console(VmmDomain *dom, const char *dev_name, VmmStream *st, unsigned int flags,
             GError **error)
{
    VmmDomainObj *obj;
    const VmmDomainChrDef *chr;
    g_autofree char *path = NULL;
    char uuid[VMM_UUID_STRING_BUFLEN];
    VmmStream *old;
    int fd;

    /* VMM_DOMAIN_CONSOLE_SAFE needs nothing more: a session is only ever
     * ended by killing its stream, which its reader notices at once. */
    if (!(obj = vmm_domain_obj_find_active(qemu_driver->domains, dom->uuid, dom->name,
                                           error)))
        return FALSE;
    chr = find_chr(vmm_domain_obj_def(obj), dev_name);
    if (!chr) {
        if (dev_name)
            vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                          _("cannot find character device %s"), dev_name);
        else
            vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                          _("domain '%s' has no serial console"), obj->parent.name);
        vmm_obj_end(obj);
        return FALSE;
    }
    if (chr->src.type != VMM_CHR_TYPE_PTY || !chr->src.path) {
        vmm_error_set(error, VMM_ERR_OPERATION_UNSUPPORTED,
                      _("character device %s is not using a PTY"),
                      dev_name ? dev_name : (chr->info.alias ? chr->info.alias : "console"));
        vmm_obj_end(obj);
        return FALSE;
    }
    path = g_strdup(chr->src.path);
    vmm_uuid_format(obj->parent.uuid, uuid);
    vmm_obj_end(obj);

    g_mutex_lock(&owners_lock);
    if (!owners)
        owners = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify)vmm_stream_unref);
    old = g_hash_table_lookup(owners, uuid);
    if (old && !vmm_stream_is_open(old)) {
        g_hash_table_remove(owners, uuid);     /* the last session ended */
        old = NULL;
    }
    if (old && vmm_stream_is_open(old) && !(flags & VMM_DOMAIN_CONSOLE_FORCE)) {
        g_mutex_unlock(&owners_lock);
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED, "%s",
                      _("Active console session exists for this domain"));
        return FALSE;
    }
    fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        g_mutex_unlock(&owners_lock);
        vmm_error_set_errno(error, errno, _("cannot open console %s"), path);
        return FALSE;
    }
    if (!vmm_stream_open_fd(st, fd, error)) {
        g_mutex_unlock(&owners_lock);
        return FALSE;
    }
    if (old && vmm_stream_is_open(old)) {
        g_autoptr(GError) why = NULL;

        vmm_error_set(&why, VMM_ERR_OPERATION_FAILED, "%s",
                      _("Console session was taken over by another client"));
        vmm_stream_kill(old, why);
    }
    g_hash_table_replace(owners, g_strdup(uuid), vmm_stream_ref(st));
    g_mutex_unlock(&owners_lock);
    return TRUE;
}

void
qemu_console_init(void)
{
    vmm_stream_register_console("QEMU", open_console);
}
