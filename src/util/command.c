/*
 * command.c: the one builder through which vmm spawns every child process.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Spawning goes through g_spawn_async_with_pipes_and_fds() (fd mapping,
 * stdio redirects, exec error reporting to the parent).  Our child-setup
 * hook runs in the child just before exec and does what GLib does not:
 * default signal dispositions and an empty signal mask (vmmd ignores
 * SIGPIPE; ignored signals survive exec), umask, uid/gid, and close-on-exec
 * on every fd we were not asked to pass, so that nothing else leaks into
 * QEMU whatever GLib's own closing does.
 */
#define _GNU_SOURCE
#include "util/command.h"
#include "util/command_priv.h"
#include "util/vmm_error.h"
#include "util/vmm_file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib-unix.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

typedef enum {
    REDIR_NULL,     /* /dev/null */
    REDIR_FILE,     /* appended to a path */
    REDIR_FD,       /* a borrowed fd */
    REDIR_PIPE,     /* a pipe handed back by spawn */
} RedirKind;

typedef struct {
    RedirKind kind;
    char *path;
    int fd;
} Redir;

typedef struct {
    int fd;
    int target;
    unsigned int flags;
} PassFd;

struct _VmmCommand {
    GPtrArray *argv;          /* char*, NULL-terminated */
    GPtrArray *env;           /* char* "NAME=VALUE", NULL-terminated */
    GArray *fds;              /* PassFd */
    Redir redir[3];
    char *pidfile;
    char *working_dir;
    gboolean has_umask;
    mode_t umask;
    uid_t uid;
    gid_t gid;
    gboolean ran;
};

static GMutex dry_run_lock;
static GString *dry_run_buf;
static VmmCommandDryRunFunc dry_run_func;
static gpointer dry_run_opaque;

VmmCommand *
vmm_command_new(const char *binary)
{
    VmmCommand *cmd = g_new0(VmmCommand, 1);

    g_return_val_if_fail(binary != NULL, NULL);

    cmd->argv = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(cmd->argv, g_strdup(binary));
    g_ptr_array_add(cmd->argv, NULL);
    cmd->env = g_ptr_array_new_with_free_func(g_free);
    g_ptr_array_add(cmd->env, g_strdup("PATH=" VMM_COMMAND_DEFAULT_PATH));
    g_ptr_array_add(cmd->env, NULL);
    cmd->fds = g_array_new(FALSE, FALSE, sizeof(PassFd));
    for (int i = 0; i < 3; i++)
        cmd->redir[i].fd = -1;
    cmd->uid = (uid_t)-1;
    cmd->gid = (gid_t)-1;
    return cmd;
}

VmmCommand *
vmm_command_new_argv(const char *const *argv)
{
    VmmCommand *cmd;

    g_return_val_if_fail(argv != NULL && argv[0] != NULL, NULL);
    cmd = vmm_command_new(argv[0]);
    vmm_command_add_argv(cmd, argv + 1);
    return cmd;
}

static void
redir_clear(Redir *r)
{
    g_clear_pointer(&r->path, g_free);
    r->kind = REDIR_NULL;
    r->fd = -1;
}

void
vmm_command_free(VmmCommand *cmd)
{
    if (!cmd)
        return;
    g_ptr_array_unref(cmd->argv);
    g_ptr_array_unref(cmd->env);
    for (guint i = 0; i < cmd->fds->len; i++) {
        PassFd *p = &g_array_index(cmd->fds, PassFd, i);
        if ((p->flags & VMM_COMMAND_FD_CLOSE_PARENT) && p->fd >= 0)
            close(p->fd);
    }
    g_array_unref(cmd->fds);
    for (int i = 0; i < 3; i++)
        redir_clear(&cmd->redir[i]);
    g_free(cmd->pidfile);
    g_free(cmd->working_dir);
    g_free(cmd);
}

/* ---- building ---- */

void
vmm_command_add_arg(VmmCommand *cmd, const char *arg)
{
    g_return_if_fail(cmd != NULL && arg != NULL);
    /* Replace the NULL terminator, then put it back. */
    g_ptr_array_index(cmd->argv, cmd->argv->len - 1) = g_strdup(arg);
    g_ptr_array_add(cmd->argv, NULL);
}

void
vmm_command_add_arg_format(VmmCommand *cmd, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *arg = NULL;

    va_start(ap, fmt);
    arg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vmm_command_add_arg(cmd, arg);
}

void
vmm_command_add_arg_pair(VmmCommand *cmd, const char *name, const char *value)
{
    vmm_command_add_arg(cmd, name);
    vmm_command_add_arg(cmd, value);
}

void
vmm_command_add_args(VmmCommand *cmd, ...)
{
    va_list ap;
    const char *arg;

    va_start(ap, cmd);
    while ((arg = va_arg(ap, const char *)) != NULL)
        vmm_command_add_arg(cmd, arg);
    va_end(ap);
}

void
vmm_command_add_argv(VmmCommand *cmd, const char *const *argv)
{
    for (; argv && *argv; argv++)
        vmm_command_add_arg(cmd, *argv);
}

void
vmm_command_set_env(VmmCommand *cmd, const char *name, const char *value)
{
    size_t len;

    g_return_if_fail(cmd != NULL && name != NULL && value != NULL);
    g_return_if_fail(*name != '\0' && strchr(name, '=') == NULL);
    len = strlen(name);
    for (guint i = 0; i + 1 < cmd->env->len; i++) {
        char *e = g_ptr_array_index(cmd->env, i);
        if (strncmp(e, name, len) == 0 && e[len] == '=') {
            g_free(e);
            g_ptr_array_index(cmd->env, i) = g_strdup_printf("%s=%s", name, value);
            return;
        }
    }
    g_ptr_array_index(cmd->env, cmd->env->len - 1) = g_strdup_printf("%s=%s", name, value);
    g_ptr_array_add(cmd->env, NULL);
}

void
vmm_command_pass_env(VmmCommand *cmd, const char *name)
{
    const char *value = g_getenv(name);

    if (value)
        vmm_command_set_env(cmd, name, value);
}

void
vmm_command_pass_fd(VmmCommand *cmd, int fd, int target, unsigned int flags)
{
    PassFd p = { fd, target < 0 ? fd : target, flags };

    g_return_if_fail(cmd != NULL && fd >= 0);
    g_return_if_fail(p.target > 2);
    g_array_append_val(cmd->fds, p);
}

static void
set_redir(VmmCommand *cmd, int stream, RedirKind kind, const char *path, int fd)
{
    g_return_if_fail(cmd != NULL);
    redir_clear(&cmd->redir[stream]);
    cmd->redir[stream].kind = kind;
    cmd->redir[stream].path = g_strdup(path);
    cmd->redir[stream].fd = fd;
}

void vmm_command_set_stdin_fd(VmmCommand *cmd, int fd) { set_redir(cmd, 0, REDIR_FD, NULL, fd); }
void vmm_command_set_stdout_fd(VmmCommand *cmd, int fd) { set_redir(cmd, 1, REDIR_FD, NULL, fd); }
void vmm_command_set_stderr_fd(VmmCommand *cmd, int fd) { set_redir(cmd, 2, REDIR_FD, NULL, fd); }
void vmm_command_set_stdout_file(VmmCommand *cmd, const char *path) { set_redir(cmd, 1, REDIR_FILE, path, -1); }
void vmm_command_set_stderr_file(VmmCommand *cmd, const char *path) { set_redir(cmd, 2, REDIR_FILE, path, -1); }
void vmm_command_set_stdin_pipe(VmmCommand *cmd) { set_redir(cmd, 0, REDIR_PIPE, NULL, -1); }
void vmm_command_set_stdout_pipe(VmmCommand *cmd) { set_redir(cmd, 1, REDIR_PIPE, NULL, -1); }
void vmm_command_set_stderr_pipe(VmmCommand *cmd) { set_redir(cmd, 2, REDIR_PIPE, NULL, -1); }

void
vmm_command_set_output_file(VmmCommand *cmd, const char *path)
{
    vmm_command_set_stdout_file(cmd, path);
    vmm_command_set_stderr_file(cmd, path);
}

void
vmm_command_set_pidfile(VmmCommand *cmd, const char *path)
{
    g_free(cmd->pidfile);
    cmd->pidfile = g_strdup(path);
}

void
vmm_command_set_working_dir(VmmCommand *cmd, const char *dir)
{
    g_free(cmd->working_dir);
    cmd->working_dir = g_strdup(dir);
}

void
vmm_command_set_umask(VmmCommand *cmd, mode_t mask)
{
    cmd->has_umask = TRUE;
    cmd->umask = mask;
}

void
vmm_command_set_user(VmmCommand *cmd, uid_t uid, gid_t gid)
{
    cmd->uid = uid;
    cmd->gid = gid;
}

/* ---- printing ---- */

static void
append_quoted(GString *s, const char *arg)
{
    const char *p;

    for (p = arg; *p; p++) {
        if (!g_ascii_isalnum(*p) && !strchr(",._+:@%/=-", *p))
            break;
    }
    if (*arg && !*p) {
        g_string_append(s, arg);
        return;
    }
    g_string_append_c(s, '\'');
    for (p = arg; *p; p++) {
        if (*p == '\'')
            g_string_append(s, "'\\''");
        else
            g_string_append_c(s, *p);
    }
    g_string_append_c(s, '\'');
}

char *
vmm_command_to_string(const VmmCommand *cmd)
{
    GString *s = g_string_new(NULL);

    for (guint i = 0; i + 1 < cmd->env->len; i++) {
        const char *e = g_ptr_array_index(cmd->env, i);
        const char *eq = strchr(e, '=');
        g_string_append_len(s, e, eq - e + 1);
        append_quoted(s, eq + 1);
        g_string_append_c(s, ' ');
    }
    for (guint i = 0; i + 1 < cmd->argv->len; i++) {
        if (i > 0)
            g_string_append_c(s, ' ');
        append_quoted(s, g_ptr_array_index(cmd->argv, i));
    }
    return g_string_free(s, FALSE);
}

const char *const *
vmm_command_get_argv(const VmmCommand *cmd)
{
    return (const char *const *)cmd->argv->pdata;
}

void
vmm_command_set_dry_run(GString *buf, VmmCommandDryRunFunc func, gpointer opaque)
{
    g_mutex_lock(&dry_run_lock);
    dry_run_buf = buf;
    dry_run_func = buf ? func : NULL;
    dry_run_opaque = buf ? opaque : NULL;
    g_mutex_unlock(&dry_run_lock);
}

/* TRUE when dry-run is on: the command was recorded, not run. */
static gboolean
dry_run(const VmmCommand *cmd, int *exit_status, char **out, char **err)
{
    g_autofree char *line = NULL;
    int status = 0;

    g_mutex_lock(&dry_run_lock);
    if (!dry_run_buf) {
        g_mutex_unlock(&dry_run_lock);
        return FALSE;
    }
    line = vmm_command_to_string(cmd);
    g_string_append(dry_run_buf, line);
    g_string_append_c(dry_run_buf, '\n');
    if (dry_run_func)
        dry_run_func(cmd, &status, out, err, dry_run_opaque);
    g_mutex_unlock(&dry_run_lock);
    if (exit_status)
        *exit_status = status;
    return TRUE;
}

/* ---- spawning ---- */

typedef struct {
    gboolean has_umask;
    mode_t umask;
    uid_t uid;
    gid_t gid;
    int *keep;           /* target fds, sorted */
    guint n_keep;
} ChildSetup;

static void
child_fail(const char *what)
{
    /* Only async-signal-safe calls here: we are between fork and exec. */
    const char *msg = strerror(errno);
    (void)!write(STDERR_FILENO, "vmm: child setup: ", 18);
    (void)!write(STDERR_FILENO, what, strlen(what));
    (void)!write(STDERR_FILENO, ": ", 2);
    (void)!write(STDERR_FILENO, msg, strlen(msg));
    (void)!write(STDERR_FILENO, "\n", 1);
    _exit(126);
}

static void
cloexec_range(int from, int to)
{
    if (from > to)
        return;
    if (close_range(from, to, CLOSE_RANGE_CLOEXEC) == 0)
        return;
    /* Kernels before 5.11: walk up to the fd limit. */
    if (to == G_MAXINT) {
        long max = sysconf(_SC_OPEN_MAX);
        to = max > 0 && max < 65536 ? (int)max - 1 : 65535;
    }
    for (int fd = from; fd <= to; fd++) {
        int fl = fcntl(fd, F_GETFD);
        if (fl >= 0)
            fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
    }
}

static void
child_setup(gpointer opaque)
{
    ChildSetup *cs = opaque;
    struct sigaction sa;
    sigset_t set;
    int from = 3;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            sigaction(sig, &sa, NULL);
    }
    sigemptyset(&set);
    sigprocmask(SIG_SETMASK, &set, NULL);

    for (guint i = 0; i < cs->n_keep; i++) {
        cloexec_range(from, cs->keep[i] - 1);
        from = cs->keep[i] + 1;
    }
    cloexec_range(from, G_MAXINT);

    if (cs->has_umask)
        umask(cs->umask);
    if (cs->gid != (gid_t)-1) {
        if (setgroups(0, NULL) < 0 && errno != EPERM)
            child_fail("setgroups");
        if (setgid(cs->gid) < 0)
            child_fail("setgid");
    }
    if (cs->uid != (uid_t)-1 && setuid(cs->uid) < 0)
        child_fail("setuid");
}

static int
cmp_int(gconstpointer a, gconstpointer b)
{
    return *(const int *)a - *(const int *)b;
}

static int
open_append(const char *path, GError **error)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0600);

    if (fd < 0)
        vmm_error_set_errno(error, errno, _("cannot open '%s' for output"), path);
    return fd;
}

static void
close_owned_fds(VmmCommand *cmd)
{
    for (guint i = 0; i < cmd->fds->len; i++) {
        PassFd *p = &g_array_index(cmd->fds, PassFd, i);
        if ((p->flags & VMM_COMMAND_FD_CLOSE_PARENT) && p->fd >= 0) {
            close(p->fd);
            p->fd = -1;
        }
    }
}

static gboolean
write_pidfile(const char *path, GPid pid, GError **error)
{
    g_autofree char *data = g_strdup_printf("%d\n", (int)pid);

    return vmm_file_write_atomic(path, data, -1, 0644, error);
}

/* Spawn; @want_pipe[i] forces a pipe for stream i (capture by run()). */
static gboolean
command_spawn(VmmCommand *cmd, const gboolean want_pipe[3], GPid *pid,
              int *pipes[3], GError **error)
{
    GSpawnFlags flags = G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_CLOEXEC_PIPES;
    int std_fd[3] = { -1, -1, -1 };
    int opened[3] = { -1, -1, -1 };
    gboolean pipe_stream[3];
    g_autofree int *src = g_new0(int, cmd->fds->len + 1);
    g_autofree int *dst = g_new0(int, cmd->fds->len + 1);
    ChildSetup cs = {
        .has_umask = cmd->has_umask, .umask = cmd->umask,
        .uid = cmd->uid, .gid = cmd->gid,
        .keep = g_new0(int, cmd->fds->len + 1), .n_keep = cmd->fds->len,
    };
    const char *binary = g_ptr_array_index(cmd->argv, 0);
    gboolean ok = FALSE;

    for (int i = 0; i < 3; i++) {
        Redir *r = &cmd->redir[i];
        pipe_stream[i] = r->kind == REDIR_PIPE || (want_pipe[i] && r->kind == REDIR_NULL);
        if (pipe_stream[i])
            continue;
        switch (r->kind) {
        case REDIR_NULL:
            flags |= i == 0 ? 0 : i == 1 ? G_SPAWN_STDOUT_TO_DEV_NULL
                                         : G_SPAWN_STDERR_TO_DEV_NULL;
            break;
        case REDIR_FD:
            std_fd[i] = r->fd;
            break;
        case REDIR_FILE:
            /* stdout and stderr to the same file share one description. */
            if (i == 2 && cmd->redir[1].kind == REDIR_FILE &&
                g_strcmp0(cmd->redir[1].path, r->path) == 0 && opened[1] >= 0) {
                std_fd[2] = opened[1];
                break;
            }
            if ((opened[i] = open_append(r->path, error)) < 0)
                goto out;
            std_fd[i] = opened[i];
            break;
        case REDIR_PIPE:
            break;
        }
    }

    for (guint i = 0; i < cmd->fds->len; i++) {
        PassFd *p = &g_array_index(cmd->fds, PassFd, i);
        src[i] = p->fd;
        dst[i] = p->target;
        cs.keep[i] = p->target;
    }
    qsort(cs.keep, cs.n_keep, sizeof(int), cmp_int);

    if (!strchr(binary, '/'))
        flags |= G_SPAWN_SEARCH_PATH_FROM_ENVP;

    if (!g_spawn_async_with_pipes_and_fds(cmd->working_dir,
                                          (const char *const *)cmd->argv->pdata,
                                          (const char *const *)cmd->env->pdata,
                                          flags, child_setup, &cs,
                                          std_fd[0], std_fd[1], std_fd[2],
                                          src, dst, cmd->fds->len, pid,
                                          pipe_stream[0] ? pipes[0] : NULL,
                                          pipe_stream[1] ? pipes[1] : NULL,
                                          pipe_stream[2] ? pipes[2] : NULL,
                                          error)) {
        g_prefix_error(error, _("cannot run '%s': "), binary);
        goto out;
    }
    ok = TRUE;

 out:
    for (int i = 0; i < 3; i++) {
        if (opened[i] >= 0)
            close(opened[i]);
    }
    g_free(cs.keep);
    return ok;
}

gboolean
vmm_command_spawn(VmmCommand *cmd, GPid *pid, int *stdin_fd,
                  int *stdout_fd, int *stderr_fd, GError **error)
{
    const gboolean no_pipe[3] = { FALSE, FALSE, FALSE };
    int *pipes[3] = { stdin_fd, stdout_fd, stderr_fd };

    g_return_val_if_fail(cmd != NULL && pid != NULL, FALSE);
    g_return_val_if_fail(!cmd->ran, FALSE);
    for (int i = 0; i < 3; i++) {
        g_return_val_if_fail(cmd->redir[i].kind != REDIR_PIPE || pipes[i], FALSE);
        if (pipes[i])
            *pipes[i] = -1;
    }
    cmd->ran = TRUE;

    if (dry_run(cmd, NULL, NULL, NULL)) {
        *pid = 0;
        close_owned_fds(cmd);
        return TRUE;
    }
    if (!command_spawn(cmd, no_pipe, pid, pipes, error)) {
        close_owned_fds(cmd);
        return FALSE;
    }
    close_owned_fds(cmd);
    if (cmd->pidfile && !write_pidfile(cmd->pidfile, *pid, error)) {
        kill(*pid, SIGKILL);
        waitpid(*pid, NULL, 0);
        for (int i = 0; i < 3; i++) {
            if (pipes[i] && *pipes[i] >= 0)
                close(*pipes[i]);
        }
        return FALSE;
    }
    return TRUE;
}

/* ---- synchronous run ---- */

typedef struct {
    GMainContext *ctx;
    GString *buf[3];
    int fd[3];
    GSource *src[3];
    gboolean exited;
    int wait_status;
    gboolean timed_out;
} RunState;

static gboolean
run_read_cb(int fd, GIOCondition cond, gpointer opaque)
{
    RunState *st = opaque;
    int i = fd == st->fd[1] ? 1 : 2;
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof(chunk));

    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return G_SOURCE_CONTINUE;
    if (n > 0) {
        g_string_append_len(st->buf[i], chunk, n);
        return G_SOURCE_CONTINUE;
    }
    close(st->fd[i]);
    st->fd[i] = -1;
    g_source_unref(st->src[i]);
    st->src[i] = NULL;
    return G_SOURCE_REMOVE;
}

static void
run_child_cb(GPid pid, int status, gpointer opaque)
{
    RunState *st = opaque;

    st->exited = TRUE;
    st->wait_status = status;
}

static gboolean
run_timeout_cb(gpointer opaque)
{
    gboolean *fired = opaque;

    *fired = TRUE;
    return G_SOURCE_REMOVE;
}

static int
decode_status(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

gboolean
vmm_command_run(VmmCommand *cmd, int timeout_ms, int *exit_status,
                char **out, char **err, GError **error)
{
    RunState st = { .fd = { -1, -1, -1 } };
    gboolean want_pipe[3] = { FALSE, out != NULL, err != NULL || !exit_status };
    int *pipes[3] = { NULL, &st.fd[1], &st.fd[2] };
    GSource *child_src = NULL;
    GSource *timer = NULL;
    gboolean deadline = FALSE;
    GPid pid;
    int status;
    g_autofree char *errtext = NULL;

    g_return_val_if_fail(cmd != NULL, FALSE);
    g_return_val_if_fail(!cmd->ran, FALSE);
    g_return_val_if_fail(cmd->redir[0].kind != REDIR_PIPE, FALSE);
    cmd->ran = TRUE;
    if (out)
        *out = NULL;
    if (err)
        *err = NULL;

    if (dry_run(cmd, &status, out, err)) {
        close_owned_fds(cmd);
        if (exit_status)
            *exit_status = status;
        else if (status != 0) {
            g_autofree char *line = vmm_command_to_string(cmd);
            vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                          _("child process (%s) exited with status %d"), line, status);
            return FALSE;
        }
        return TRUE;
    }

    if (cmd->redir[1].kind == REDIR_PIPE)
        want_pipe[1] = TRUE;
    if (cmd->redir[2].kind == REDIR_PIPE)
        want_pipe[2] = TRUE;
    if (!command_spawn(cmd, want_pipe, &pid, pipes, error)) {
        close_owned_fds(cmd);
        return FALSE;
    }
    close_owned_fds(cmd);
    if (cmd->pidfile && !write_pidfile(cmd->pidfile, pid, error)) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        for (int i = 1; i < 3; i++) {
            if (st.fd[i] >= 0)
                close(st.fd[i]);
        }
        return FALSE;
    }

    st.ctx = g_main_context_new();
    for (int i = 1; i < 3; i++) {
        st.buf[i] = g_string_new(NULL);
        if (st.fd[i] < 0)
            continue;
        g_unix_set_fd_nonblocking(st.fd[i], TRUE, NULL);
        st.src[i] = g_unix_fd_source_new(st.fd[i], G_IO_IN | G_IO_HUP | G_IO_ERR);
        g_source_set_callback(st.src[i], G_SOURCE_FUNC(run_read_cb), &st, NULL);
        g_source_attach(st.src[i], st.ctx);
    }
    child_src = g_child_watch_source_new(pid);
    g_source_set_callback(child_src, G_SOURCE_FUNC(run_child_cb), &st, NULL);
    g_source_attach(child_src, st.ctx);
    if (timeout_ms > 0) {
        timer = g_timeout_source_new(timeout_ms);
        g_source_set_callback(timer, run_timeout_cb, &deadline, NULL);
        g_source_attach(timer, st.ctx);
    }

    /* Wait for the exit and for EOF on the pipes, or the deadline. */
    while (!st.exited || (!deadline && (st.src[1] || st.src[2]))) {
        if (deadline && !st.timed_out) {
            st.timed_out = TRUE;
            kill(pid, SIGKILL);
        }
        g_main_context_iteration(st.ctx, TRUE);
    }

    for (int i = 1; i < 3; i++) {
        if (st.src[i]) {
            g_source_destroy(st.src[i]);
            g_source_unref(st.src[i]);
        }
        if (st.fd[i] >= 0)
            close(st.fd[i]);
    }
    g_source_destroy(child_src);
    g_source_unref(child_src);
    if (timer) {
        g_source_destroy(timer);
        g_source_unref(timer);
    }
    g_main_context_unref(st.ctx);

    errtext = g_string_free(st.buf[2], FALSE);
    if (out)
        *out = g_string_free(st.buf[1], FALSE);
    else
        g_string_free(st.buf[1], TRUE);

    if (st.timed_out) {
        g_autofree char *line = vmm_command_to_string(cmd);
        vmm_error_set(error, VMM_ERR_OPERATION_TIMEOUT,
                      _("child process (%s) did not finish within %d ms"),
                      line, timeout_ms);
        if (out)
            g_clear_pointer(out, g_free);
        return FALSE;
    }

    status = decode_status(st.wait_status);
    if (exit_status) {
        *exit_status = status;
    } else if (status != 0) {
        g_autofree char *line = vmm_command_to_string(cmd);
        g_strchomp(errtext);
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("child process (%s) exited with status %d: %s"),
                      line, status, errtext);
        if (out)
            g_clear_pointer(out, g_free);
        return FALSE;
    }
    if (err)
        *err = g_steal_pointer(&errtext);
    return TRUE;
}
