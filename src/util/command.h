/*
 * command.h: the one builder through which vmm spawns every child process.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A VmmCommand is built first (argv, environment, fds, redirects) and run
 * second.  There is no shell: arguments reach the child exactly as given.
 * The child's environment holds only what was set explicitly, plus a default
 * PATH=/usr/sbin:/usr/bin:/sbin:/bin.  File descriptors other than 0-2 and
 * the ones passed with vmm_command_pass_fd() are closed in the child.
 * Standard input, output and error go to /dev/null unless redirected.
 */
#pragma once

#include <glib.h>
#include <sys/types.h>

G_BEGIN_DECLS

#define VMM_COMMAND_DEFAULT_PATH "/usr/sbin:/usr/bin:/sbin:/bin"

typedef struct _VmmCommand VmmCommand;

typedef enum {
    /* The command owns the fd: it is closed in the parent after the spawn
     * (or when the command is freed without being run). */
    VMM_COMMAND_FD_CLOSE_PARENT = 1 << 0,
} VmmCommandFdFlags;

/* A new command running @binary (a path, or a name looked up in the
 * child's PATH).  Never NULL. */
VmmCommand *vmm_command_new(const char *binary);
/* A new command from a NULL-terminated argv (argv[0] is the binary). */
VmmCommand *vmm_command_new_argv(const char *const *argv);
void vmm_command_free(VmmCommand *cmd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmCommand, vmm_command_free)

void vmm_command_add_arg(VmmCommand *cmd, const char *arg);
void vmm_command_add_arg_format(VmmCommand *cmd, const char *fmt, ...)
    G_GNUC_PRINTF(2, 3);
/* Add "@name" then "@value" as two arguments ("-m", "128"). */
void vmm_command_add_arg_pair(VmmCommand *cmd, const char *name, const char *value);
/* Add every argument of a NULL-terminated list. */
void vmm_command_add_args(VmmCommand *cmd, ...) G_GNUC_NULL_TERMINATED;
void vmm_command_add_argv(VmmCommand *cmd, const char *const *argv);

/* Set NAME=VALUE in the child's environment (replacing an earlier value,
 * PATH included). */
void vmm_command_set_env(VmmCommand *cmd, const char *name, const char *value);
/* Copy @name from vmm's own environment when it is set there. */
void vmm_command_pass_env(VmmCommand *cmd, const char *name);

/*
 * Keep @fd open in the child as @target (-1: under the same number).
 * @target must be above 2; use the redirects for standard streams.
 */
void vmm_command_pass_fd(VmmCommand *cmd, int fd, int target, unsigned int flags);

/* Redirects.  A file is opened for appending (created 0600 if missing);
 * an fd is borrowed (dup'ed into the child, the caller keeps it). */
void vmm_command_set_stdin_fd(VmmCommand *cmd, int fd);
void vmm_command_set_stdout_file(VmmCommand *cmd, const char *path);
void vmm_command_set_stderr_file(VmmCommand *cmd, const char *path);
/* stdout and stderr both appended to @path (a QEMU log). */
void vmm_command_set_output_file(VmmCommand *cmd, const char *path);
void vmm_command_set_stdout_fd(VmmCommand *cmd, int fd);
void vmm_command_set_stderr_fd(VmmCommand *cmd, int fd);
/* vmm_command_spawn() hands back pipes to the child's stdin/stdout/stderr
 * in *stdin_fd / *stdout_fd / *stderr_fd. */
void vmm_command_set_stdin_pipe(VmmCommand *cmd);
void vmm_command_set_stdout_pipe(VmmCommand *cmd);
void vmm_command_set_stderr_pipe(VmmCommand *cmd);

/* The parent writes the child's pid to @path (atomically) once spawned. */
void vmm_command_set_pidfile(VmmCommand *cmd, const char *path);
void vmm_command_set_working_dir(VmmCommand *cmd, const char *dir);
void vmm_command_set_umask(VmmCommand *cmd, mode_t mask);
/* Switch to @uid/@gid (supplementary groups cleared) before exec;
 * (uid_t)-1 / (gid_t)-1 leave it unchanged. */
void vmm_command_set_user(VmmCommand *cmd, uid_t uid, gid_t gid);

/*
 * The command as one line for logs and golden files: the environment
 * (NAME=VALUE ...) then the arguments, each quoted for a POSIX shell when
 * it holds anything but [A-Za-z0-9,._+:@%/=-].  Free with g_free().
 */
char *vmm_command_to_string(const VmmCommand *cmd);
/* The arguments only (borrowed, NULL-terminated). */
const char *const *vmm_command_get_argv(const VmmCommand *cmd);

/*
 * Run the command and wait for it, at most @timeout_ms (<= 0: no deadline).
 * stdout/stderr are captured into *out / *err when those are non-NULL (and
 * not otherwise redirected).  *exit_status gets the exit code, or 128+N when
 * killed by signal N.  Fails with VMM_ERR_OPERATION_TIMEOUT when the
 * deadline passes (the child is then killed with SIGKILL and reaped).  When
 * @exit_status is NULL a non-zero exit is an error naming the command and
 * quoting its stderr.
 */
gboolean vmm_command_run(VmmCommand *cmd, int timeout_ms, int *exit_status,
                         char **out, char **err, GError **error);

/*
 * Start the command without waiting.  *pid is the child, not reaped:
 * watch it with g_child_watch_add() / g_child_watch_source_new() (which
 * reap it), or reap it with waitpid().  Pipe ends requested with the
 * *_pipe setters are returned in the fd pointers (close-on-exec; the caller
 * owns them); pass NULL for streams not piped.  A command runs once.
 */
gboolean vmm_command_spawn(VmmCommand *cmd, GPid *pid, int *stdin_fd,
                           int *stdout_fd, int *stderr_fd, GError **error);

G_END_DECLS
