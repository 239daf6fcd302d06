/*
 * remote_stream.h: the client half of streams over the remote driver.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "streams.h"

G_BEGIN_DECLS

/* vmm_domain_open_console() on a remote connection: DOMAIN_OPEN_CONSOLE,
 * then @st reads and writes the call's stream. */
gboolean vmm_remote_domain_open_console(VmmDomain *dom, const char *dev_name, VmmStream *st,
                                        unsigned int flags, GError **error);

/* vmm_storage_vol_upload()/_download() on a remote connection:
 * STORAGE_VOL_UPLOAD/DOWNLOAD, then @st carries the call's stream. */
gboolean vmm_remote_storage_vol_upload(VmmStorageVol *vol, VmmStream *st, guint64 offset,
                                       guint64 length, unsigned int flags, GError **error);
gboolean vmm_remote_storage_vol_download(VmmStorageVol *vol, VmmStream *st, guint64 offset,
                                         guint64 length, unsigned int flags,
                                         GError **error);

G_END_DECLS
