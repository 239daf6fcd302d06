/*
 * vmmd.c: the daemon's main: modes and paths, config, logging, pidfile
 * lock, sockets, signals.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Start-up steps:
 *  1. options; pick the mode (system as root, session otherwise, or
 *     everything under --root DIR) and its directories;
 *  2. read vmmd.conf (a missing default file is fine);
 *  3. detach with --daemon (before any thread exists; the parent waits
 *     until the child is serving, or reports why it could not);
 *  4. take the pidfile lock: a second instance stops here;
 *  5. listen on vmmd-sock and vmmd-sock-ro (and TCP if enabled);
 *  6. serve until SIGTERM/SIGINT; running calls finish, guests are left
 *     alone, the sockets and pidfile are removed.
 */
#define _GNU_SOURCE   /* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib-unix.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>

#include "vmm.h"
#include "vmmd_config.h"
#include "remote_dispatch.h"
#include "remote/remote_driver.h"
#include "remote/stdio_proxy.h"
#include "drivers/network/network_driver.h"
#include "drivers/qemu/qemu_driver.h"
#include "rpc/rpc_server.h"

typedef struct {
    char *config_dir;     /* vmmd.conf lives here */
    char *run_dir;        /* sockets, pidfile */
    char *state_dir;      /* /var/lib/vmm */
} VmmdPaths;

static void
paths_clear(VmmdPaths *p)
{
    g_free(p->config_dir);
    g_free(p->run_dir);
    g_free(p->state_dir);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC(VmmdPaths, paths_clear)

static void
paths_init(VmmdPaths *p, const char *root)
{
    if (root) {
        p->config_dir = g_build_filename(root, "etc", "vmm", NULL);
        p->run_dir = g_build_filename(root, "run", "vmm", NULL);
        p->state_dir = g_build_filename(root, "var", "lib", "vmm", NULL);
    } else if (geteuid() == 0) {
        p->config_dir = g_strdup("/etc/vmm");
        p->run_dir = g_strdup("/run/vmm");
        p->state_dir = g_strdup("/var/lib/vmm");
    } else {
        p->config_dir = g_build_filename(g_get_user_config_dir(), "vmm", NULL);
        p->run_dir = g_build_filename(g_get_user_runtime_dir(), "vmm", NULL);
        p->state_dir = g_build_filename(g_get_user_data_dir(), "vmm", NULL);
    }
}

/* ------------------------------------------------------------------ */
/* Logging                                                             */

typedef struct {
    guint level;            /* 1 debug .. 4 error */
    GPtrArray *filters;     /* "match" strings, with levels in filter_levels */
    GArray *filter_levels;
    FILE *out;
} LogSetup;

static LogSetup log_setup = { .level = 3 };

static guint
log_level_of(GLogLevelFlags flags)
{
    if (flags & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL))
        return 4;
    if (flags & G_LOG_LEVEL_WARNING)
        return 3;
    if (flags & (G_LOG_LEVEL_MESSAGE | G_LOG_LEVEL_INFO))
        return 2;
    return 1;
}

static GLogWriterOutput
log_writer(GLogLevelFlags flags, const GLogField *fields, gsize n, gpointer data)
{
    const char *msg = NULL;
    guint threshold = log_setup.level;
    g_autoptr(GDateTime) now = NULL;
    g_autofree char *ts = NULL;

    for (gsize i = 0; i < n; i++) {
        if (g_str_equal(fields[i].key, "MESSAGE"))
            msg = fields[i].value;
    }
    if (!msg)
        return G_LOG_WRITER_UNHANDLED;
    /* The first filter whose text occurs in the message sets the level. */
    for (guint i = 0; log_setup.filters && i < log_setup.filters->len; i++) {
        if (strstr(msg, g_ptr_array_index(log_setup.filters, i))) {
            threshold = g_array_index(log_setup.filter_levels, guint, i);
            break;
        }
    }
    if (log_level_of(flags) < threshold)
        return G_LOG_WRITER_HANDLED;
    now = g_date_time_new_now_local();
    ts = g_date_time_format(now, "%F %T");
    fprintf(log_setup.out ? log_setup.out : stderr, "%s vmmd[%d]: %s\n", ts, (int)getpid(), msg);
    fflush(log_setup.out ? log_setup.out : stderr);
    return G_LOG_WRITER_HANDLED;
}

static gboolean
log_configure(const VmmdConfig *cfg, gboolean verbose, GError **error)
{
    log_setup.level = verbose ? 1 : cfg->log_level;
    if (cfg->log_filters) {
        g_auto(GStrv) items = g_strsplit_set(cfg->log_filters, " \t", -1);

        log_setup.filters = g_ptr_array_new_with_free_func(g_free);
        log_setup.filter_levels = g_array_new(FALSE, FALSE, sizeof(guint));
        for (guint i = 0; items[i]; i++) {
            char *colon = strchr(items[i], ':');
            guint level;

            if (!*items[i])
                continue;
            if (!colon || colon == items[i] || colon[1] == '\0' ||
                (level = (guint)g_ascii_strtoull(items[i], NULL, 10)) < 1 || level > 4) {
                g_set_error(error, VMM_ERROR, VMM_ERR_CONF_SYNTAX,
                            _("invalid log filter '%s' (want LEVEL:match)"), items[i]);
                return FALSE;
            }
            g_ptr_array_add(log_setup.filters, g_strdup(colon + 1));
            g_array_append_val(log_setup.filter_levels, level);
        }
    }
    if (cfg->log_outputs) {
        /* One output: "LEVEL:stderr" or "LEVEL:file:PATH". */
        const char *spec = strchr(cfg->log_outputs, ':');

        if (!spec) {
            g_set_error(error, VMM_ERROR, VMM_ERR_CONF_SYNTAX,
                        _("invalid log output '%s'"), cfg->log_outputs);
            return FALSE;
        }
        if (!verbose)
            log_setup.level = CLAMP(g_ascii_strtoull(cfg->log_outputs, NULL, 10), 1, 4);
        spec++;
        if (g_str_has_prefix(spec, "file:")) {
            log_setup.out = fopen(spec + 5, "ae");
            if (!log_setup.out) {
                vmm_error_set_errno(error, errno, _("cannot open log file '%s'"), spec + 5);
                return FALSE;
            }
        } else if (!g_str_equal(spec, "stderr")) {
            g_set_error(error, VMM_ERROR, VMM_ERR_CONF_SYNTAX,
                        _("invalid log output '%s' (want stderr or file:PATH)"),
                        cfg->log_outputs);
            return FALSE;
        }
    }
    g_log_set_writer_func(log_writer, NULL, NULL);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Pidfile                                                             */

/*
 * Lock @path (fcntl write lock, held until exit) and write our pid.  The
 * lock, not the file's existence, says whether a vmmd runs: a stale file
 * left by a crash does not block a restart.
 */
static int
pidfile_acquire(const char *path, GError **error)
{
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
    g_autofree char *pid = NULL;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

    if (fd < 0) {
        vmm_error_set_errno(error, errno, _("cannot open pidfile '%s'"), path);
        return -1;
    }
    if (fcntl(fd, F_SETLK, &fl) < 0) {
        char buf[32] = "";
        int saved = errno;

        if (saved == EAGAIN || saved == EACCES) {
            ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
            buf[n > 0 ? n : 0] = '\0';
            g_strstrip(buf);
            vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                          _("another vmmd is already running (pid %s, pidfile '%s')"),
                          *buf ? buf : "?", path);
        } else {
            vmm_error_set_errno(error, saved, _("cannot lock pidfile '%s'"), path);
        }
        close(fd);
        return -1;
    }
    pid = g_strdup_printf("%d\n", (int)getpid());
    if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) != (ssize_t)strlen(pid)) {
        vmm_error_set_errno(error, errno, _("cannot write pidfile '%s'"), path);
        close(fd);
        return -1;
    }
    return fd;
}

/* ------------------------------------------------------------------ */
/* Detaching                                                           */

/*
 * Fork into the background.  The parent waits on a pipe: the child
 * writes one byte once it serves, or its error message, and the parent
 * exits 0 or prints that message and exits 1.  Forking is done here and
 * not through the command builder: it is this process that continues.
 * Returns the pipe's write end in the child.
 */
static int
daemonize(void)
{
    int fds[2];
    pid_t pid;

    if (pipe2(fds, O_CLOEXEC) < 0) {
        g_printerr("vmmd: cannot create pipe: %s\n", g_strerror(errno));
        exit(1);
    }
    pid = fork();
    if (pid < 0) {
        g_printerr("vmmd: cannot fork: %s\n", g_strerror(errno));
        exit(1);
    }
    if (pid > 0) {
        char buf[1024];
        ssize_t n;

        close(fds[1]);
        n = read(fds[0], buf, sizeof(buf) - 1);
        if (n == 1 && buf[0] == '\0')
            _exit(0);
        buf[n > 0 ? n : 0] = '\0';
        g_printerr("vmmd: %s\n", n > 0 ? buf : "daemon exited during start-up");
        _exit(1);
    }
    close(fds[0]);
    setsid();
    if (chdir("/") < 0) {
        /* Harmless: nothing relies on the cwd. */
    }
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        close(null);
    }
    return fds[1];
}

static void
ready_notify(int fd, const GError *err)
{
    if (fd < 0)
        return;
    if (err) {
        ssize_t r = write(fd, err->message, strlen(err->message));
        (void)r;
    } else {
        ssize_t r = write(fd, "", 1);
        (void)r;
        /* Only now may errors go to /dev/null too. */
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (null >= 0 && !log_setup.out) {
            dup2(null, STDERR_FILENO);
        }
        if (null >= 0)
            close(null);
    }
    close(fd);
}

/* ------------------------------------------------------------------ */

static gboolean
on_signal(gpointer data)
{
    g_info("shutting down on signal");
    vmm_rpc_server_quit(data);
    return G_SOURCE_CONTINUE;
}

static gboolean
ensure_dir(const char *path, int mode, GError **error)
{
    if (g_mkdir_with_parents(path, mode) < 0) {
        vmm_error_set_errno(error, errno, _("cannot create directory '%s'"), path);
        return FALSE;
    }
    return TRUE;
}

static gboolean
socket_set_group(const char *path, const char *group, GError **error)
{
    struct group *gr;

    if (!group)
        return TRUE;
    if (!(gr = getgrnam(group))) {
        vmm_error_set(error, VMM_ERR_CONF_SYNTAX, _("unknown group '%s'"), group);
        return FALSE;
    }
    if (chown(path, (uid_t)-1, gr->gr_gid) < 0) {
        vmm_error_set_errno(error, errno, _("cannot change the group of '%s'"), path);
        return FALSE;
    }
    return TRUE;
}

int
main(int argc, char **argv)
{
    g_autofree char *root = NULL;
    g_autofree char *config_path = NULL;
    gboolean detach = FALSE;
    gboolean verbose = FALSE;
    gboolean version = FALSE;
    gboolean proxy = FALSE;
    GOptionEntry entries[] = {
        { "root", 0, 0, G_OPTION_ARG_FILENAME, &root,
          N_("relocate /etc, /run and /var under DIR"), "DIR" },
        { "config", 'f', 0, G_OPTION_ARG_FILENAME, &config_path,
          N_("configuration file (default: CONFIG_DIR/vmmd.conf)"), "FILE" },
        { "daemon", 'd', 0, G_OPTION_ARG_NONE, &detach, N_("run in the background"), NULL },
        { "verbose", 'v', 0, G_OPTION_ARG_NONE, &verbose, N_("log everything"), NULL },
        { "stdio-proxy", 0, 0, G_OPTION_ARG_NONE, &proxy,
          N_("relay stdin/stdout to the running daemon's socket (or SOCKET)"), NULL },
        { "version", 'V', 0, G_OPTION_ARG_NONE, &version, N_("print the version"), NULL },
        { NULL },
    };
    g_autoptr(GOptionContext) octx = g_option_context_new("[SOCKET]");
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmdConfig) cfg = vmmd_config_new();
    g_auto(VmmdPaths) paths = { 0 };
    g_autofree char *rw_path = NULL;
    g_autofree char *ro_path = NULL;
    g_autofree char *pid_path = NULL;
    VmmRpcServer *srv = NULL;
    VmmRpcServerConfig scfg;
    int ready_fd = -1;
    int pid_fd;
    const char *sock_dir;

    g_option_context_set_summary(octx, _("vmm's management daemon."));
    g_option_context_add_main_entries(octx, entries, NULL);
    if (!g_option_context_parse(octx, &argc, &argv, &err)) {
        g_printerr("vmmd: %s\n", err->message);
        return 2;
    }
    if (version) {
        unsigned long v = vmm_get_lib_version();
        g_print("vmmd %lu.%lu.%lu\n", v / 1000000, v / 1000 % 1000, v % 1000);
        return 0;
    }

    paths_init(&paths, root);
    if (!config_path)
        config_path = g_build_filename(paths.config_dir, "vmmd.conf", NULL);
    if (!vmmd_config_load(cfg, config_path, FALSE, &err) ||
        !log_configure(cfg, verbose, &err)) {
        g_printerr("vmmd: %s\n", err->message);
        return 1;
    }
    sock_dir = cfg->unix_sock_dir ? cfg->unix_sock_dir : paths.run_dir;
    rw_path = g_build_filename(sock_dir, "vmmd-sock", NULL);
    ro_path = g_build_filename(sock_dir, "vmmd-sock-ro", NULL);
    pid_path = g_build_filename(paths.run_dir, "vmmd.pid", NULL);

    /* "vmmd --stdio-proxy [SOCKET]", as +ssh clients run it. */
    if (proxy)
        return vmm_stdio_proxy_run(argc > 1 ? argv[1] : rw_path);
    if (argc > 1) {
        g_printerr("vmmd: unexpected argument '%s'\n", argv[1]);
        return 2;
    }

    signal(SIGPIPE, SIG_IGN);
    if (detach)
        ready_fd = daemonize();

    if (!ensure_dir(paths.run_dir, 0755, &err) || !ensure_dir(sock_dir, 0755, &err) ||
        !ensure_dir(paths.state_dir, 0755, &err) ||
        (pid_fd = pidfile_acquire(pid_path, &err)) < 0)
        goto fail;

    scfg = (VmmRpcServerConfig){
        .max_clients = cfg->max_clients,
        .max_workers = cfg->max_workers,
        .prio_workers = cfg->prio_workers,
        .max_client_requests = cfg->max_client_requests,
        .keepalive_interval = cfg->keepalive_interval > 0 ? cfg->keepalive_interval : 0,
        .keepalive_count = cfg->keepalive_count,
    };
    srv = vmm_rpc_server_new(&scfg, &vmmd_dispatch_callbacks, NULL);
    /* Networks before guests: autostarted guests need theirs.  Running
     * networks are adopted untouched.  The default network is made on the
     * first system start; under --root (tests, which run it inside a
     * network namespace of their own) only when asked to. */
    if (root || geteuid() == 0) {
        VmmNetworkDriverConfig ncfg = {
            .root = root,
            .default_network = !root || g_getenv("VMM_PROVISION_DEFAULT_NETWORK"),
            .autostart = TRUE,
        };

        if (!vmm_network_driver_state_init(&ncfg, &err))
            goto fail;
    }
    /* qemu:///system is served in-process here, by the QEMU driver, whose
     * monitors live on the server's loop; guests found running are
     * re-adopted before the sockets appear. */
    vmm_remote_driver_set_inside_daemon(TRUE);
    {
        VmmQemuDriverConfig qcfg = {
            .root = root,
            .ctx = vmm_rpc_server_get_context(srv),
            .autostart = TRUE,
        };

        if (!vmm_qemu_driver_state_init(&qcfg, &err))
            goto fail;
    }
    /* Before the sockets appear: whoever sees them may send SIGTERM. */
    g_unix_signal_add(SIGTERM, on_signal, srv);
    g_unix_signal_add(SIGINT, on_signal, srv);
    if (!vmm_rpc_server_add_unix(srv, rw_path, cfg->unix_sock_rw_perms, FALSE, &err) ||
        !socket_set_group(rw_path, cfg->unix_sock_group, &err) ||
        !vmm_rpc_server_add_unix(srv, ro_path, cfg->unix_sock_ro_perms, TRUE, &err) ||
        !socket_set_group(ro_path, cfg->unix_sock_group, &err) ||
        (cfg->listen_tcp &&
         !vmm_rpc_server_add_tcp(srv, cfg->listen_addr, cfg->tcp_port, &err)))
        goto fail;

    g_info("listening on %s", rw_path);
    ready_notify(ready_fd, NULL);

    vmm_rpc_server_run(srv);

    vmm_rpc_server_free(srv);
    /* Networks keep running too. */
    vmm_network_driver_state_cleanup();
    /* Guests keep running: the next vmmd re-adopts them. */
    vmm_qemu_driver_state_cleanup();
    unlink(pid_path);
    close(pid_fd);
    return 0;

fail:
    g_printerr("vmmd: %s\n", err->message);
    ready_notify(ready_fd, err);
    vmm_rpc_server_free(srv);
    return 1;
}
