/*
 * remote_driver.h: the driver that forwards every call to vmmd.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * vmm_connect_open() hands it every URI that remote_uri_is_remote() claims
 * (test+unix:///default, qemu:///system, qemu+ssh://host/system, ...).  It
 * speaks libvirt's REMOTE program, so it works against vmmd and, for the
 * procedures both have, against libvirtd.
 */
#pragma once

#include "driver.h"

G_BEGIN_DECLS

extern const VmmDriver vmm_remote_driver;

/*
 * vmmd itself opens qemu:///system in-process: it calls this once at
 * start-up so that vmm_connect_open() stops routing "qemu" URIs (and any
 * other remote URI) through the remote driver inside the daemon.
 */
void vmm_remote_driver_set_inside_daemon(gboolean inside);
gboolean vmm_remote_driver_is_inside_daemon(void);

/* The RPC connection of a remote-driver @conn (streams, remote_stream.c). */
struct _RpcClient *vmm_remote_driver_get_client(VmmConnect *conn);

G_END_DECLS
