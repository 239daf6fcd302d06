/*
 * qemu_driver_state.c: the QEMU driver's process-wide state.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Init steps: directories (relocated under a root, or system/session),
 * qemu.conf, the config store and its definitions, re-adoption of running
 * QEMUs, then autostart in a thread of its own (starting QEMU blocks on
 * the main loop, which may not run yet).
 */
#include "qemu_driver_priv.h"
#include "qemu_driver.h"
#include "qemu_console.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/vmm_file.h"

QemuDriver *qemu_driver;

gboolean
qemu_check_flags(unsigned int flags, unsigned int allowed, const char *func, GError **error)
{
    if (flags & ~allowed) {
        vmm_error_set(error, VMM_ERR_INVALID_ARG, _("unsupported flags (0x%x) in function %s"),
                      flags & ~allowed, func);
        return FALSE;
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Directories and qemu.conf                                           */

static void
dirs_init(QemuDriver *d, const char *root)
{
    if (root || geteuid() == 0) {
        const char *r = root ? root : "/";

        d->config_dir = g_build_filename(r, "etc", "vmm", "qemu", NULL);
        d->run_dir = g_build_filename(r, "run", "vmm", "qemu", NULL);
        d->log_dir = g_build_filename(r, "var", "log", "vmm", "qemu", NULL);
        d->lib_dir = g_build_filename(r, "var", "lib", "vmm", "qemu", NULL);
        d->cache_dir = g_build_filename(r, "var", "cache", "vmm", "qemu", NULL);
    } else {
        d->config_dir = g_build_filename(g_get_user_config_dir(), "vmm", "qemu", NULL);
        d->run_dir = g_build_filename(g_get_user_runtime_dir(), "vmm", "qemu", NULL);
        d->log_dir = g_build_filename(g_get_user_cache_dir(), "vmm", "qemu", "log", NULL);
        d->lib_dir = g_build_filename(g_get_user_data_dir(), "vmm", "qemu", NULL);
        d->cache_dir = g_build_filename(g_get_user_cache_dir(), "vmm", "qemu", NULL);
    }
    d->privileged = geteuid() == 0;
}

/* One "key = value" line of qemu.conf; strings are double-quoted. */
static gboolean
conf_line(QemuDriver *d, const char *path, guint lineno, char *line, GError **error)
{
    char *eq = strchr(line, '=');
    char *key, *value;
    gboolean quoted;

    if (!eq) {
        vmm_error_set(error, VMM_ERR_CONF_SYNTAX, _("%s:%u: expected 'key = value'"),
                      path, lineno);
        return FALSE;
    }
    *eq = '\0';
    key = g_strstrip(line);
    value = g_strstrip(eq + 1);
    quoted = value[0] == '"';
    if (quoted) {
        gsize n = strlen(value);

        if (n < 2 || value[n - 1] != '"') {
            vmm_error_set(error, VMM_ERR_CONF_SYNTAX, _("%s:%u: unterminated string"),
                          path, lineno);
            return FALSE;
        }
        value[n - 1] = '\0';
        value++;
    }
    if (g_str_equal(key, "user") || g_str_equal(key, "group")) {
        if (!quoted) {
            vmm_error_set(error, VMM_ERR_CONF_SYNTAX, _("%s:%u: %s must be a string"),
                          path, lineno, key);
            return FALSE;
        }
        if (g_str_equal(key, "user")) {
            g_free(d->user);
            d->user = g_strdup(value);
        } else {
            g_free(d->group);
            d->group = g_strdup(value);
        }
    } else if (g_str_equal(key, "job_timeout") || g_str_equal(key, "destroy_grace") ||
               g_str_equal(key, "device_detach_timeout")) {
        guint64 secs;

        if (quoted || !g_ascii_string_to_unsigned(value, 10, 1, 3600, &secs, NULL)) {
            vmm_error_set(error, VMM_ERR_CONF_SYNTAX,
                          _("%s:%u: %s must be a number of seconds, not '%s'"),
                          path, lineno, key, value);
            return FALSE;
        }
        if (g_str_equal(key, "job_timeout"))
            d->job_timeout_ms = (int)secs * 1000;
        else if (g_str_equal(key, "device_detach_timeout"))
            d->detach_timeout_ms = (int)secs * 1000;
        else
            d->destroy_grace_ms = (int)secs * 1000;
    }
    /* Other keys of libvirt's qemu.conf are accepted and ignored. */
    return TRUE;
}

static gboolean
conf_load(QemuDriver *d, const char *path, GError **error)
{
    g_autofree char *text = NULL;
    g_auto(GStrv) lines = NULL;
    g_autoptr(GError) err = NULL;

    if (!(text = vmm_file_read_all(path, 1 << 20, &err))) {
        if (g_file_test(path, G_FILE_TEST_EXISTS)) {
            g_propagate_error(error, g_steal_pointer(&err));
            return FALSE;
        }
        return TRUE;
    }
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        char *hash = strchr(lines[i], '#');

        if (hash)
            *hash = '\0';
        if (!*g_strstrip(lines[i]))
            continue;
        if (!conf_line(d, path, i + 1, lines[i], error))
            return FALSE;
    }
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Init and cleanup                                                    */

static gpointer
loop_thread(gpointer data)
{
    QemuDriver *d = data;

    g_main_loop_run(d->own_loop);
    return NULL;
}

static gboolean
loop_quit_cb(gpointer data)
{
    g_main_loop_quit(data);
    return G_SOURCE_REMOVE;
}

/* Stop the driver's own loop thread.  Quit from inside the loop: a
 * g_main_loop_quit() before the thread entered g_main_loop_run() would
 * be lost. */
static void
own_loop_stop(QemuDriver *d)
{
    GSource *src;

    if (!d->own_loop)
        return;
    src = g_idle_source_new();
    g_source_set_callback(src, loop_quit_cb, d->own_loop, NULL);
    g_source_attach(src, d->ctx);
    g_source_unref(src);
    g_thread_join(d->own_thread);
    g_clear_pointer(&d->own_loop, g_main_loop_unref);
}

static gpointer
autostart_thread(gpointer data)
{
    qemu_domain_autostart_all();
    return NULL;
}

static void
driver_free(QemuDriver *d)
{
    if (!d)
        return;
    own_loop_stop(d);
    vmm_obj_list_free(d->domains);
    vmm_config_store_free(d->store);
    if (d->caps)
        g_hash_table_unref(d->caps);
    if (d->vnc_ports)
        g_hash_table_unref(d->vnc_ports);
    if (d->firmware)
        g_ptr_array_unref(d->firmware);
    if (d->conns)
        g_ptr_array_unref(d->conns);
    if (d->ctx)
        g_main_context_unref(d->ctx);
    g_mutex_clear(&d->lock);
    g_free(d->config_dir);
    g_free(d->run_dir);
    g_free(d->log_dir);
    g_free(d->lib_dir);
    g_free(d->cache_dir);
    g_free(d->user);
    g_free(d->group);
    g_free(d);
}

gboolean
vmm_qemu_driver_state_init(const VmmQemuDriverConfig *cfg, GError **error)
{
    QemuDriver *d;
    g_autofree char *conf_path = NULL;
    const char *dirs[5];

    if (qemu_driver) {
        vmm_error_set(error, VMM_ERR_OPERATION_INVALID, "%s",
                      _("the QEMU driver state is already initialised"));
        return FALSE;
    }
    d = g_new0(QemuDriver, 1);
    g_mutex_init(&d->lock);
    qemu_console_init();
    dirs_init(d, cfg->root);
    d->job_timeout_ms = VMM_QEMU_MONITOR_TIMEOUT_MS;
    d->destroy_grace_ms = 10000;
    d->detach_timeout_ms = 10000;
    d->user = g_strdup(d->privileged ? "vmm-qemu" : NULL);
    d->group = g_strdup(d->privileged ? "vmm-qemu" : NULL);
    /* qemu.conf sits beside vmmd.conf, one level above the definitions. */
    {
        g_autofree char *parent = g_path_get_dirname(d->config_dir);

        conf_path = g_build_filename(parent, "qemu.conf", NULL);
    }
    if (!conf_load(d, conf_path, error)) {
        driver_free(d);
        return FALSE;
    }
    dirs[0] = d->run_dir;
    dirs[1] = d->log_dir;
    dirs[2] = d->lib_dir;
    dirs[3] = d->cache_dir;
    dirs[4] = d->config_dir;
    for (guint i = 0; i < G_N_ELEMENTS(dirs); i++) {
        if (!vmm_file_mkdir_p(dirs[i], 0755, error)) {
            driver_free(d);
            return FALSE;
        }
    }
    if (!(d->store = vmm_config_store_new(d->config_dir, error))) {
        driver_free(d);
        return FALSE;
    }
    d->domains = vmm_domain_obj_list_new();
    d->conns = g_ptr_array_new();
    d->caps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free,
                                    (GDestroyNotify)vmm_qemu_caps_free);
    d->vnc_ports = g_hash_table_new(g_direct_hash, g_direct_equal);
    d->firmware = vmm_qemu_firmware_find(g_getenv("VMM_QEMU_FIRMWARE_DIR"));
    d->next_id = 1;
    d->ctx = cfg->ctx ? g_main_context_ref(cfg->ctx) : g_main_context_new();
    qemu_driver = d;

    vmm_obj_list_load(d->domains, d->store);
    /* Monitor commands iterate the context themselves while no loop runs
     * it: re-adopt before our own loop thread takes it over. */
    qemu_domain_reconnect_all();
    if (!cfg->ctx) {
        d->own_loop = g_main_loop_new(d->ctx, FALSE);
        d->own_thread = g_thread_new("vmm-qemu-loop", loop_thread, d);
    }
    if (cfg->autostart)
        d->autostart_thread = g_thread_new("vmm-qemu-autostart", autostart_thread, NULL);
    return TRUE;
}

void
vmm_qemu_driver_state_cleanup(void)
{
    QemuDriver *d = qemu_driver;

    if (!d)
        return;
    /* Starts in flight finish first (they need the loop); then no process
     * callback may run while the runs are dropped. */
    if (d->autostart_thread)
        g_thread_join(g_steal_pointer(&d->autostart_thread));
    own_loop_stop(d);
    qemu_domain_forget_all();
    qemu_driver = NULL;
    driver_free(d);
}

gboolean
vmm_qemu_driver_state_active(void)
{
    return qemu_driver != NULL;
}

/* ------------------------------------------------------------------ */
/* Connections and events                                              */

void
qemu_driver_add_conn(VmmConnect *conn)
{
    g_mutex_lock(&qemu_driver->lock);
    g_ptr_array_add(qemu_driver->conns, conn);
    g_mutex_unlock(&qemu_driver->lock);
}

void
qemu_driver_remove_conn(VmmConnect *conn)
{
    g_mutex_lock(&qemu_driver->lock);
    g_ptr_array_remove(qemu_driver->conns, conn);
    g_mutex_unlock(&qemu_driver->lock);
}

/* A reference on @conn unless its last one is already being dropped (it
 * is then about to leave the list). */
static gboolean
conn_try_ref(VmmConnect *conn)
{
    int r;

    do {
        r = g_atomic_int_get(&conn->ref);
        if (r <= 0)
            return FALSE;
    } while (!g_atomic_int_compare_and_exchange(&conn->ref, r, r + 1));
    return TRUE;
}

void
qemu_driver_emit(const char *name, const unsigned char *uuid, int id, int event, int detail)
{
    g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_connect_unref);
    QemuDriver *d = qemu_driver;

    if (!d)
        return;
    g_mutex_lock(&d->lock);
    for (guint i = 0; i < d->conns->len; i++) {
        VmmConnect *conn = d->conns->pdata[i];

        if (conn_try_ref(conn))
            g_ptr_array_add(conns, conn);
    }
    g_mutex_unlock(&d->lock);
    for (guint i = 0; i < conns->len; i++) {
        VmmConnect *conn = conns->pdata[i];
        g_autoptr(VmmDomain) dom = NULL;

        if (!vmm_event_count(conn, VMM_EVENT_KIND_DOMAIN_LIFECYCLE))
            continue;
        dom = vmm_domain_new_handle(conn, name, uuid, id);
        vmm_event_emit_domain_lifecycle(conn, dom, event, detail);
    }
}

/* ------------------------------------------------------------------ */
/* Capabilities                                                        */

char *
qemu_driver_find_binary(const char *arch, GError **error)
{
    g_auto(GStrv) bins = vmm_qemu_caps_find_binaries();
    g_autoptr(VmmQemuHostInfo) host = NULL;

    if (!arch) {
        host = vmm_qemu_host_info_new();
        arch = host->arch;
    }
    for (guint i = 0; bins && bins[i]; i++) {
        if (g_strcmp0(vmm_qemu_caps_arch_from_binary(bins[i]), arch) == 0)
            return g_strdup(bins[i]);
    }
    vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                  _("no QEMU binary found for architecture '%s'"), arch);
    return NULL;
}

const VmmQemuCaps *
qemu_driver_get_caps(const char *binary, GError **error)
{
    QemuDriver *d = qemu_driver;
    VmmQemuCaps *caps;

    g_mutex_lock(&d->lock);
    caps = g_hash_table_lookup(d->caps, binary);
    g_mutex_unlock(&d->lock);
    if (caps)
        return caps;
    /* Probing runs QEMU: outside the lock; a racing probe of the same
     * binary loses and its result is dropped. */
    if (!(caps = vmm_qemu_caps_new_for_binary(binary, d->cache_dir, error)))
        return NULL;
    g_mutex_lock(&d->lock);
    if (g_hash_table_lookup(d->caps, binary)) {
        vmm_qemu_caps_free(caps);
        caps = g_hash_table_lookup(d->caps, binary);
    } else {
        g_hash_table_insert(d->caps, g_strdup(binary), caps);
    }
    g_mutex_unlock(&d->lock);
    return caps;
}

GPtrArray *
qemu_driver_all_caps(void)
{
    g_auto(GStrv) bins = vmm_qemu_caps_find_binaries();
    GPtrArray *all = g_ptr_array_new();

    for (guint i = 0; bins && bins[i]; i++) {
        g_autoptr(GError) err = NULL;
        const VmmQemuCaps *caps = qemu_driver_get_caps(bins[i], &err);

        if (caps)
            g_ptr_array_add(all, (gpointer)caps);
        else
            g_warning("cannot probe '%s': %s", bins[i], err->message);
    }
    return all;
}

/* ------------------------------------------------------------------ */
/* VNC ports                                                           */

static gboolean
port_is_free(int port)
{
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
                              .sin_addr.s_addr = htonl(INADDR_ANY) };
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    gboolean ok;

    if (fd < 0)
        return FALSE;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
    return ok;
}

int
qemu_driver_alloc_port(GError **error)
{
    QemuDriver *d = qemu_driver;

    g_mutex_lock(&d->lock);
    for (int port = 5900; port < 65536; port++) {
        if (g_hash_table_contains(d->vnc_ports, GINT_TO_POINTER(port)) || !port_is_free(port))
            continue;
        g_hash_table_add(d->vnc_ports, GINT_TO_POINTER(port));
        g_mutex_unlock(&d->lock);
        return port;
    }
    g_mutex_unlock(&d->lock);
    vmm_error_set(error, VMM_ERR_INTERNAL_ERROR, "%s", _("no free port for VNC or SPICE from 5900 up"));
    return -1;
}

void
qemu_driver_release_port(int port)
{
    if (port <= 0 || !qemu_driver)
        return;
    g_mutex_lock(&qemu_driver->lock);
    g_hash_table_remove(qemu_driver->vnc_ports, GINT_TO_POINTER(port));
    g_mutex_unlock(&qemu_driver->lock);
}
