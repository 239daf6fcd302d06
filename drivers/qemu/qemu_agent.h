/*
 * qemu_agent.h: the QEMU guest agent, reached through its channel socket.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A domain has an agent when it defines the channel
 *   <channel type='unix'><target type='virtio' name='org.qemu.guest_agent.0'/>
 * whose socket QEMU listens on.  vmmd connects on first use and keeps the
 * connection for the run (closing it could drop a command QEMU has not read
 * yet).  Every command starts with guest-sync and a fresh id, so replies
 * left from an earlier, timed-out command are skipped.  Calls block the
 * calling thread (a job's worker) at most their deadline.
 */
#pragma once

#include <glib.h>
#include "conf/domain_def.h"
#include "util/json.h"

G_BEGIN_DECLS

#define VMM_QEMU_AGENT_CHANNEL "org.qemu.guest_agent.0"

/* The socket of @def's agent channel: its source path, else
 * @channel_dir/org.qemu.guest_agent.0 (where the command line puts it).
 * NULL when @def has no such unix channel. */
char *vmm_qemu_agent_socket_path(const VmmDomainDef *def, const char *channel_dir);

typedef struct _VmmQemuAgent VmmQemuAgent;

/* The agent at the socket @path of domain @name (for messages); nothing
 * is connected until the first command. */
VmmQemuAgent *vmm_qemu_agent_new(const char *path, const char *name);
/* Close the connection and free. */
void vmm_qemu_agent_free(VmmQemuAgent *agent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmQemuAgent, vmm_qemu_agent_free)

/*
 * Run @command with @args (taken; NULL for none), everything within
 * @timeout_ms, one call at a time.  @want_reply FALSE is for commands the
 * agent does not answer on success (guest-shutdown): they are done once
 * written.  Returns the "return" value (a new node; {} when not waited
 * for) or NULL with VMM_ERR_AGENT_UNRESPONSIVE ("Guest agent is not
 * responding: ...") when the agent cannot be reached or stays silent, or
 * VMM_ERR_INTERNAL_ERROR with the agent's own error.  The connection stays
 * open for the next command, unless it failed.
 */
VmmJsonNode *vmm_qemu_agent_command(VmmQemuAgent *agent, const char *command,
                                    VmmJsonNode *args, gboolean want_reply, int timeout_ms,
                                    GError **error);

G_END_DECLS
