/*
 * vmm_file_priv.h: test hooks of vmm_file.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

/* Make the next atomic writes stop after @nbytes bytes of the temp file
 * (as if the process died there) and fail; -1 turns the fault off. */
void vmm_file_set_write_fault(gssize nbytes);
