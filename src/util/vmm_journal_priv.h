/*
 * vmm_journal_priv.h: test hooks of vmm_journal.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "util/vmm_journal.h"

/* Size of the logs created from now on (0: the default, 4 MiB). */
void vmm_journal_set_log_size(gsize size);

/* A journal without the background checkpoint: only
 * vmm_journal_checkpoint(), a full log and closing make one. */
VmmJournal *vmm_journal_open_foreground(const char *dir, GError **error);

/* Close as a crash would: no checkpoint, the log left as it is. */
void vmm_journal_abandon(VmmJournal *j);
