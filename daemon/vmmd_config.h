/*
 * vmmd_config.h: vmmd.conf, libvirt-style "key = value" lines.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
    char *unix_sock_dir;         /* NULL: the mode's run directory */
    char *unix_sock_group;       /* NULL: the daemon's group */
    guint unix_sock_rw_perms;
    guint unix_sock_ro_perms;
    guint max_clients;
    guint max_workers;
    guint prio_workers;
    guint max_client_requests;
    int keepalive_interval;      /* seconds; -1 disables */
    guint keepalive_count;
    guint log_level;             /* 1 debug, 2 info, 3 warning, 4 error */
    char *log_filters;           /* "LEVEL:match ..." */
    char *log_outputs;           /* "LEVEL:stderr", "LEVEL:file:PATH" */
    gboolean listen_tcp;
    guint tcp_port;
    char *listen_addr;
} VmmdConfig;

/* Defaults for every key. */
VmmdConfig *vmmd_config_new(void);
void vmmd_config_free(VmmdConfig *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmdConfig, vmmd_config_free)

/*
 * Read @path into @cfg.  A missing file is fine when @must_exist is
 * FALSE.  Errors read "PATH:LINE: message".  Unknown keys are errors, so
 * a typo never silently leaves a default in place.
 */
gboolean vmmd_config_load(VmmdConfig *cfg, const char *path, gboolean must_exist,
                          GError **error);
/* Same, from a string (@name is used in messages). */
gboolean vmmd_config_parse(VmmdConfig *cfg, const char *name, const char *text,
                           GError **error);

G_END_DECLS
