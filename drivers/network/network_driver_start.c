/*
 * network_driver_start.c: bringing networks up and down, adopting them
 * after a restart, and keeping their dnsmasq alive.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Start steps (each undone, in reverse, when a later one fails):
 *  1. bridge name: the definition's, or the first free virbrN;
 *  2. checks: bridge name free, subnets clear of the other active networks
 *     and of the host's routes and addresses;
 *  3. bridge with MAC, MTU, STP and delay; addresses; up (rtnetlink);
 *  4. forwarding on for nat/route/open;
 *  5. nft rules in table inet vmm, then a look for foreign firewalls that
 *     would drop the network's forwarded traffic (a warning, not an error);
 *  6. dnsmasq files (atomically) and dnsmasq itself, supervised;
 *  7. the status file: the live definition, which the next vmmd adopts.
 * A forward mode='bridge' network only checks that its host bridge exists.
 */
#include "network_driver_priv.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "drivers/network/network_nft.h"
#include "drivers/network/network_subnet.h"
#include "util/command.h"
#include "util/netlink.h"
#include "util/vmm_file.h"

#define DNSMASQ_START_MS 10000
#define DNSMASQ_STOP_MS 5000
#define DNSMASQ_POLL_S 2
#define DNSMASQ_BACKOFF_MAX_S 30

/* ------------------------------------------------------------------ */
/* dnsmasq                                                             */

typedef struct {
    char *name;
    VmmDnsmasqPaths *paths;
    char *stderr_file;
    GPid pid;
    gboolean child;          /* our child (watched); else adopted (polled) */
    gboolean stopped;
    guint restarts;
    GSource *watch;          /* child watch or poll timer */
    GSource *retry;          /* restart timer */
} NetDnsmasq;

static void
dnsmasq_clear(gpointer p)
{
    NetDnsmasq *d = p;

    g_free(d->name);
    vmm_dnsmasq_paths_free(d->paths);
    g_free(d->stderr_file);
}

static NetDnsmasq *
dnsmasq_ref(NetDnsmasq *d)
{
    return g_rc_box_acquire(d);
}

void
net_dnsmasq_unref(gpointer d)
{
    g_rc_box_release_full(d, dnsmasq_clear);
}

VmmDnsmasqPaths *
net_dnsmasq_paths(const char *name)
{
    VmmDnsmasqPaths *paths = vmm_dnsmasq_paths_new(net_driver->dnsmasq_dir,
                                                   net_driver->pid_dir, name);

    /* dnsmasq drops root to this user once it has bound its sockets. */
    if (geteuid() == 0)
        paths->user = g_strdup(getpwnam("dnsmasq") ? "dnsmasq" : "nobody");
    return paths;
}

static GPid
read_pidfile(const char *path)
{
    g_autofree char *text = NULL;
    gint64 pid;

    if (!g_file_get_contents(path, &text, NULL, NULL))
        return 0;
    pid = g_ascii_strtoll(g_strstrip(text), NULL, 10);
    return pid > 0 && pid < G_MAXINT ? (GPid)pid : 0;
}

/* TRUE when @pid runs dnsmasq on @conf_file (not a recycled pid). */
static gboolean
dnsmasq_is_ours(GPid pid, const char *conf_file)
{
    g_autofree char *path = g_strdup_printf("/proc/%d/cmdline", pid);
    g_autofree char *want = g_strdup_printf("--conf-file=%s", conf_file);
    g_autofree char *cmdline = NULL;
    gsize len, off;

    if (pid <= 0 || !g_file_get_contents(path, &cmdline, &len, NULL))
        return FALSE;
    for (off = 0; off < len; off += strlen(cmdline + off) + 1) {
        if (strcmp(cmdline + off, want) == 0)
            return TRUE;
    }
    return FALSE;
}

/* Wait for @pid (not our child) to disappear, at most @ms. */
static gboolean
wait_gone(GPid pid, int ms)
{
    for (; ms > 0; ms -= 20) {
        /* Reap it if it happens to be our child after all (the state was
         * re-initialised in the same process). */
        waitpid(pid, NULL, WNOHANG);
        if (kill(pid, 0) < 0 && errno == ESRCH)
            return TRUE;
        g_usleep(20 * 1000);
    }
    return FALSE;
}

/* Wait for our child @pid to exit (reaping it), at most @ms. */
static gboolean
wait_child(GPid pid, int ms, int *status)
{
    for (; ms > 0; ms -= 20) {
        pid_t r = waitpid(pid, status, WNOHANG);

        if (r == pid || (r < 0 && errno == ECHILD))
            return TRUE;
        g_usleep(20 * 1000);
    }
    return FALSE;
}

static char *
read_stderr(const char *path)
{
    g_autofree char *text = NULL;

    if (!g_file_get_contents(path, &text, NULL, NULL) || !*g_strstrip(text))
        return g_strdup(_("(no output)"));
    return g_steal_pointer(&text);
}

/* Spawn dnsmasq for @d and wait until it has written its pid-file (it has
 * bound its sockets then), or report its stderr if it exits first. */
static gboolean
dnsmasq_spawn(NetDnsmasq *d, GError **error)
{
    g_autoptr(VmmCommand) cmd = NULL;
    g_autofree char *binary = g_find_program_in_path("dnsmasq");
    GPid pid;
    int ms, status;

    if (!binary) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                      _("cannot start network '%s': dnsmasq is not installed"), d->name);
        return FALSE;
    }
    unlink(d->paths->pid_file);
    if (!g_file_set_contents(d->stderr_file, "", 0, error))
        return FALSE;
    cmd = vmm_dnsmasq_build_command(d->paths, binary);
    vmm_command_set_stderr_file(cmd, d->stderr_file);
    if (!vmm_command_spawn(cmd, &pid, NULL, NULL, NULL, error))
        return FALSE;

    for (ms = DNSMASQ_START_MS; ms > 0; ms -= 20) {
        g_autofree char *out = NULL;

        if (waitpid(pid, &status, WNOHANG) == pid) {
            out = read_stderr(d->stderr_file);
            vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                          _("dnsmasq of network '%s' failed to start: %s"), d->name,
                          g_strstrip(out));
            return FALSE;
        }
        if (read_pidfile(d->paths->pid_file) == pid)
            break;
        g_usleep(20 * 1000);
    }
    if (ms <= 0) {
        kill(pid, SIGKILL);
        wait_child(pid, DNSMASQ_STOP_MS, &status);
        vmm_error_set(error, VMM_ERR_OPERATION_TIMEOUT,
                      _("dnsmasq of network '%s' did not start within %d seconds"),
                      d->name, DNSMASQ_START_MS / 1000);
        return FALSE;
    }
    d->pid = pid;
    d->child = TRUE;
    return TRUE;
}

static void dnsmasq_watch(NetDnsmasq *d);
static void dnsmasq_died(NetDnsmasq *d);

static gboolean
on_retry(gpointer data)
{
    NetDnsmasq *d = data;
    g_autoptr(GError) err = NULL;

    g_mutex_lock(&net_driver->lock);
    if (!d->stopped) {
        g_clear_pointer(&d->retry, g_source_unref);
        if (dnsmasq_spawn(d, &err)) {
            g_message("dnsmasq of network '%s' restarted (pid %d)", d->name, d->pid);
            dnsmasq_watch(d);
        } else {
            g_warning("%s", err->message);
            dnsmasq_died(d);
        }
    }
    g_mutex_unlock(&net_driver->lock);
    return G_SOURCE_REMOVE;
}

/* dnsmasq is gone: restart it after a delay doubling with each restart.
 * Call with the lock held. */
static void
dnsmasq_died(NetDnsmasq *d)
{
    guint delay = MIN(1u << MIN(d->restarts, 5u), (guint)DNSMASQ_BACKOFF_MAX_S);

    d->restarts++;
    d->pid = 0;
    g_warning("dnsmasq of network '%s' is not running; restarting it in %u s",
              d->name, delay);
    d->retry = g_timeout_source_new_seconds(delay);
    g_source_set_callback(d->retry, on_retry, dnsmasq_ref(d), net_dnsmasq_unref);
    g_source_attach(d->retry, net_driver->ctx);
}

static void
on_child_exit(GPid pid, gint status, gpointer data)
{
    NetDnsmasq *d = data;

    g_mutex_lock(&net_driver->lock);
    if (!d->stopped && d->pid == pid) {
        g_clear_pointer(&d->watch, g_source_unref);
        dnsmasq_died(d);
    }
    g_mutex_unlock(&net_driver->lock);
}

static gboolean
on_poll(gpointer data)
{
    NetDnsmasq *d = data;
    gboolean keep = G_SOURCE_CONTINUE;

    g_mutex_lock(&net_driver->lock);
    if (d->stopped) {
        keep = G_SOURCE_REMOVE;
    } else if (!dnsmasq_is_ours(d->pid, d->paths->conf_file)) {
        g_clear_pointer(&d->watch, g_source_unref);
        dnsmasq_died(d);
        keep = G_SOURCE_REMOVE;
    }
    g_mutex_unlock(&net_driver->lock);
    return keep;
}

/* Watch @d's process: a child watch for our child, a poll for an adopted
 * one (its exit is reported to its new parent, not to us). */
static void
dnsmasq_watch(NetDnsmasq *d)
{
    if (d->child) {
        d->watch = g_child_watch_source_new(d->pid);
        g_source_set_callback(d->watch, G_SOURCE_FUNC(on_child_exit), dnsmasq_ref(d),
                              net_dnsmasq_unref);
    } else {
        d->watch = g_timeout_source_new_seconds(DNSMASQ_POLL_S);
        g_source_set_callback(d->watch, on_poll, dnsmasq_ref(d), net_dnsmasq_unref);
    }
    g_source_attach(d->watch, net_driver->ctx);
}

static NetDnsmasq *
dnsmasq_new(const char *name)
{
    NetDnsmasq *d = g_rc_box_new0(NetDnsmasq);
    g_autofree char *err_name = g_strdup_printf("%s.stderr", name);

    d->name = g_strdup(name);
    d->paths = net_dnsmasq_paths(name);
    d->stderr_file = g_build_filename(net_driver->dnsmasq_dir, err_name, NULL);
    return d;
}

/* Stop the supervision of @d (lock held); the process is left alone. */
static void
dnsmasq_unwatch(NetDnsmasq *d)
{
    d->stopped = TRUE;
    if (d->watch) {
        g_source_destroy(d->watch);
        g_clear_pointer(&d->watch, g_source_unref);
    }
    if (d->retry) {
        g_source_destroy(d->retry);
        g_clear_pointer(&d->retry, g_source_unref);
    }
}

/* Stop the dnsmasq of network @name, if any: SIGTERM, SIGKILL after a
 * grace period; an adopted one only after checking its identity. */
static void
dnsmasq_stop(const char *name)
{
    NetDnsmasq *d;
    GPid pid;
    gboolean child;
    int status;

    g_mutex_lock(&net_driver->lock);
    if ((d = g_hash_table_lookup(net_driver->dnsmasq, name)))
        dnsmasq_unwatch(d);
    pid = d ? d->pid : 0;
    child = d && d->child;
    if (pid > 0 && !child && !dnsmasq_is_ours(pid, d->paths->conf_file))
        pid = 0;
    if (d)
        g_hash_table_remove(net_driver->dnsmasq, name);
    g_mutex_unlock(&net_driver->lock);

    if (pid <= 0)
        return;
    kill(pid, SIGTERM);
    if (child ? wait_child(pid, DNSMASQ_STOP_MS, &status) : wait_gone(pid, DNSMASQ_STOP_MS))
        return;
    kill(pid, SIGKILL);
    if (child)
        wait_child(pid, DNSMASQ_STOP_MS, &status);
    else
        wait_gone(pid, DNSMASQ_STOP_MS);
}

void
net_supervisors_forget(void)
{
    GHashTableIter it;
    gpointer value;

    g_mutex_lock(&net_driver->lock);
    g_hash_table_iter_init(&it, net_driver->dnsmasq);
    while (g_hash_table_iter_next(&it, NULL, &value))
        dnsmasq_unwatch(value);
    g_hash_table_remove_all(net_driver->dnsmasq);
    g_mutex_unlock(&net_driver->lock);
}

static gboolean
net_has_dnsmasq(const VmmNetworkDef *def)
{
    return vmm_network_def_has_own_bridge(def) && def->ips && def->ips->len > 0;
}

static gboolean
write_file(const char *path, const char *text, GError **error)
{
    return vmm_file_write_atomic(path, text, -1, 0644, error);
}

/* The config and host files of @def. */
static gboolean
dnsmasq_write_files(const VmmNetworkDef *def, const VmmDnsmasqPaths *paths, GError **error)
{
    g_autofree char *conf = NULL, *hosts = NULL, *addn = NULL;

    if (!(conf = vmm_dnsmasq_build_config(def, paths, error)) ||
        !(hosts = vmm_dnsmasq_build_hostsfile(def, error)) ||
        !(addn = vmm_dnsmasq_build_addnhosts(def, error)))
        return FALSE;
    return write_file(paths->hosts_file, hosts, error) &&
           write_file(paths->addn_hosts_file, addn, error) &&
           write_file(paths->conf_file, conf, error);
}

static gboolean
dnsmasq_start(const VmmNetworkDef *def, GError **error)
{
    NetDnsmasq *d = dnsmasq_new(def->name);

    if (!dnsmasq_write_files(def, d->paths, error) || !dnsmasq_spawn(d, error)) {
        net_dnsmasq_unref(d);
        return FALSE;
    }
    g_mutex_lock(&net_driver->lock);
    g_hash_table_replace(net_driver->dnsmasq, d->name, d);
    dnsmasq_watch(d);
    g_mutex_unlock(&net_driver->lock);
    return TRUE;
}

gboolean
net_reload_hosts(VmmNetworkObj *obj, GError **error)
{
    VmmNetworkDef *def = obj->def;
    g_autoptr(VmmDnsmasqPaths) paths = NULL;
    g_autofree char *hosts = NULL, *addn = NULL;
    NetDnsmasq *d;

    if (!net_has_dnsmasq(def))
        return TRUE;
    paths = net_dnsmasq_paths(def->name);
    if (!(hosts = vmm_dnsmasq_build_hostsfile(def, error)) ||
        !(addn = vmm_dnsmasq_build_addnhosts(def, error)) ||
        !write_file(paths->hosts_file, hosts, error) ||
        !write_file(paths->addn_hosts_file, addn, error))
        return FALSE;
    g_mutex_lock(&net_driver->lock);
    d = g_hash_table_lookup(net_driver->dnsmasq, def->name);
    if (d && d->pid > 0)
        kill(d->pid, SIGHUP);
    g_mutex_unlock(&net_driver->lock);
    return TRUE;
}

/* ------------------------------------------------------------------ */
/* Status files                                                        */

static char *
status_path(const char *name)
{
    g_autofree char *file = g_strdup_printf("%s.xml", name);

    return g_build_filename(net_driver->run_dir, file, NULL);
}

gboolean
net_save_status(VmmNetworkObj *obj, GError **error)
{
    g_autofree char *path = status_path(obj->name);
    g_autofree char *xml = vmm_network_def_format(obj->def, 0);

    return vmm_file_write_atomic(path, xml, -1, 0600, error);
}

/* ------------------------------------------------------------------ */
/* Start and stop                                                      */

/* Bridge names and subnets of the active networks other than @self. */
static void
collect_active(const char *self, GPtrArray *bridges, GArray *subnets, GArray *owners_idx,
               GPtrArray *owners)
{
    g_autoptr(GPtrArray) all = vmm_obj_list_collect(net_driver->networks);

    for (guint i = 0; i < all->len; i++) {
        VmmNetworkObj *o = all->pdata[i];
        VmmNetworkDef *def;

        if (g_strcmp0(o->name, self) == 0)
            continue;
        vmm_obj_lock(o);
        def = o->def;
        if (o->active && def) {
            if (def->bridge_name && vmm_network_def_has_own_bridge(def))
                g_ptr_array_add(bridges, g_strdup(def->bridge_name));
            for (guint j = 0; def->ips && j < def->ips->len; j++) {
                VmmSubnet s;
                guint idx = owners->len;

                vmm_subnet_from_ip_def(def->ips->pdata[j], &s);
                g_array_append_val(subnets, s);
                g_array_append_val(owners_idx, idx);
                g_ptr_array_add(owners, g_strdup(o->name));
            }
        }
        vmm_obj_unlock(o);
    }
}

/* The subnets of @def must not overlap an active network or the host. */
static gboolean
check_subnets(const VmmNetworkDef *def, const GArray *subnets, const GPtrArray *owners,
              GError **error)
{
    g_autoptr(GArray) routes = NULL;
    g_autoptr(GArray) addrs = NULL;
    g_autoptr(GArray) host = NULL;

    if (!def->ips || def->ips->len == 0)
        return TRUE;
    if (!(routes = vmm_netlink_route_dump(AF_UNSPEC, error)) ||
        !(addrs = vmm_netlink_addr_dump(AF_UNSPEC, error)))
        return FALSE;
    host = vmm_subnet_host_used(routes, addrs, 0);
    for (guint i = 0; i < def->ips->len; i++) {
        VmmSubnet s;
        int n;
        g_autofree char *str = NULL;

        vmm_subnet_from_ip_def(def->ips->pdata[i], &s);
        str = vmm_subnet_format(&s);
        if ((n = vmm_subnet_find_conflict(&s, subnets)) >= 0) {
            vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                          _("subnet %s of network '%s' overlaps active network '%s'"),
                          str, def->name, (const char *)owners->pdata[n]);
            return FALSE;
        }
        if ((n = vmm_subnet_find_conflict(&s, host)) >= 0) {
            g_autofree char *other = vmm_subnet_format(&g_array_index(host, VmmSubnet, n));

            vmm_error_set(error, VMM_ERR_OPERATION_INVALID,
                          _("subnet %s of network '%s' overlaps the host's route or "
                            "address %s"), str, def->name, other);
            return FALSE;
        }
    }
    return TRUE;
}

static gboolean
def_has_family(const VmmNetworkDef *def, int family)
{
    return vmm_network_def_get_ip(def, family, 0) != NULL;
}

/* Pick the bridge name of @def (lock held, op_lock held) and check it. */
static gboolean
choose_bridge(VmmNetworkDef *def, GPtrArray *reserved, GError **error)
{
    if (!def->bridge_name || strstr(def->bridge_name, "%d")) {
        const char *pattern = def->bridge_name ? def->bridge_name : "virbr%d";
        g_autofree char *name = NULL;

        g_ptr_array_add(reserved, NULL);
        name = vmm_netlink_free_name(pattern, (const char *const *)reserved->pdata);
        g_ptr_array_remove_index(reserved, reserved->len - 1);
        if (!name) {
            vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                          _("no free bridge name for network '%s' (pattern '%s')"),
                          def->name, pattern);
            return FALSE;
        }
        g_free(def->bridge_name);
        def->bridge_name = g_steal_pointer(&name);
        return TRUE;
    }
    for (guint i = 0; i < reserved->len; i++) {
        if (g_strcmp0(reserved->pdata[i], def->bridge_name) == 0) {
            vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                          _("bridge name '%s' already in use."), def->bridge_name);
            return FALSE;
        }
    }
    if (vmm_netlink_link_exists(def->bridge_name)) {
        vmm_error_set(error, VMM_ERR_OPERATION_FAILED, _("bridge name '%s' already in use."),
                      def->bridge_name);
        return FALSE;
    }
    return TRUE;
}

static gboolean
bridge_up(const VmmNetworkDef *def, GError **error)
{
    VmmNetlinkBridge br = {
        .name = def->bridge_name,
        .mac = def->mac_set ? def->mac : NULL,
        .mtu = def->mtu,
        .stp = def->stp,
        .forward_delay = (unsigned int)def->delay,
    };

    if (!vmm_netlink_bridge_create(&br, error))
        return FALSE;
    for (guint i = 0; def->ips && i < def->ips->len; i++) {
        const VmmNetworkIPDef *ip = def->ips->pdata[i];

        if (!vmm_netlink_addr_add(def->bridge_name, ip->address,
                                  vmm_network_ip_def_get_prefix(ip), error))
            goto fail;
    }
    if (!vmm_netlink_link_set_up(def->bridge_name, TRUE, error))
        goto fail;
    return TRUE;

fail:
    vmm_netlink_link_delete(def->bridge_name, NULL);
    return FALSE;
}

static gboolean
nft_remove(const VmmNetworkDef *def, GError **error)
{
    g_autofree char *script = vmm_nft_build_network_remove(def, error);

    return script && vmm_nft_apply(script, error);
}

/* Whether @def forwards traffic beyond its bridge (nat, route, open). */
static gboolean
net_is_forwarding(const VmmNetworkDef *def)
{
    return def->forward_mode == VMM_NETWORK_FORWARD_NAT ||
           def->forward_mode == VMM_NETWORK_FORWARD_ROUTE ||
           def->forward_mode == VMM_NETWORK_FORWARD_OPEN;
}

char *
net_foreign_firewall_warning(const VmmNetworkDef *def)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *ruleset = NULL;

    if (!net_is_forwarding(def))
        return NULL;
    if (!(ruleset = vmm_nft_list_ruleset(&err))) {
        g_debug("cannot check the host firewall: %s", err->message);
        return NULL;
    }
    return vmm_nft_check_foreign_forward(ruleset, def->name, def->bridge_name);
}

gboolean
net_check_namespace(GError **error)
{
    g_autofree char *ours = NULL;
    g_autofree char *host = NULL;

    if (!net_driver->relocated || g_strcmp0(g_getenv("VMM_ALLOW_HOST_NETWORK"), "1") == 0)
        return TRUE;
    ours = g_file_read_link("/proc/self/ns/net", NULL);
    /* The reference can be changed only so that a test, itself inside a
     * private namespace, can see the refusal. */
    host = g_file_read_link(g_getenv("VMM_HOST_NETNS_PATH") ? g_getenv("VMM_HOST_NETNS_PATH")
                            : "/proc/1/ns/net", NULL);
    if (ours && host && strcmp(ours, host) == 0) {
        vmm_error_set(error, VMM_ERR_OPERATION_DENIED, "%s",
                      _("refusing to change the host's networking: vmmd runs under --root "
                        "in the host's network namespace (run it inside 'unshare -n' or "
                        "'ip netns exec', or set VMM_ALLOW_HOST_NETWORK=1)"));
        return FALSE;
    }
    return TRUE;
}

gboolean
net_start(VmmNetworkObj *obj, GError **error)
{
    g_autoptr(GPtrArray) bridges = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GArray) subnets = g_array_new(FALSE, FALSE, sizeof(VmmSubnet));
    g_autoptr(GArray) idx = g_array_new(FALSE, FALSE, sizeof(guint));
    g_autoptr(GPtrArray) owners = g_ptr_array_new_with_free_func(g_free);
    VmmNetworkDef *def;
    gboolean own, forwarding, nft_done = FALSE;
    g_autofree char *nft = NULL;

    if (!net_check_namespace(error))
        return FALSE;
    /* The live definition gets the bridge name chosen: a copy of its own. */
    vmm_obj_set_active(obj);
    vmm_obj_prepare_live_change(obj);
    def = obj->def;
    own = vmm_network_def_has_own_bridge(def);
    forwarding = net_is_forwarding(def);

    collect_active(obj->name, bridges, subnets, idx, owners);
    if (!own) {
        if (!def->bridge_name || !vmm_netlink_link_exists(def->bridge_name)) {
            vmm_error_set(error, VMM_ERR_OPERATION_FAILED,
                          _("host bridge '%s' of network '%s' does not exist"),
                          def->bridge_name ? def->bridge_name : "", def->name);
            goto fail;
        }
        if (!net_save_status(obj, error))
            goto fail;
        return TRUE;
    }
    if (!choose_bridge(def, bridges, error) || !check_subnets(def, subnets, owners, error))
        goto fail;
    if (!bridge_up(def, error))
        goto fail;
    if (forwarding &&
        ((def_has_family(def, VMM_NETWORK_IP_FAMILY_IPV4) &&
          !vmm_netlink_enable_forwarding(AF_INET, error)) ||
         (def_has_family(def, VMM_NETWORK_IP_FAMILY_IPV6) &&
          !vmm_netlink_enable_forwarding(AF_INET6, error))))
        goto undo_bridge;
    if (!(nft = vmm_nft_build_network_add(def, error)) || !vmm_nft_apply(nft, error))
        goto undo_nft;
    nft_done = TRUE;
    /* A firewall in the way is a warning rather than a failure: the user
     * may want it that way (clients ask with vmm_network_get_messages()). */
    {
        g_autofree char *w = net_foreign_firewall_warning(def);

        if (w)
            g_warning("%s", w);
    }
    if (net_has_dnsmasq(def) && !dnsmasq_start(def, error))
        goto undo_nft;
    if (!net_save_status(obj, error))
        goto undo_dnsmasq;
    return TRUE;

undo_dnsmasq:
    dnsmasq_stop(def->name);
undo_nft:
    if (nft_done)
        nft_remove(def, NULL);
undo_bridge:
    vmm_netlink_link_delete(def->bridge_name, NULL);
fail:
    vmm_obj_set_inactive(obj);
    return FALSE;
}

gboolean
net_stop(VmmNetworkObj *obj, GError **error)
{
    VmmNetworkDef *def = obj->def;
    g_autofree char *status = status_path(obj->name);
    g_autoptr(GError) err = NULL;
    gboolean ok = TRUE;

    dnsmasq_stop(obj->name);
    if (vmm_network_def_has_own_bridge(def) && def->bridge_name) {
        if (!nft_remove(def, &err)) {
            g_warning("network '%s': %s", obj->name, err->message);
            g_clear_error(&err);
        }
        if (vmm_netlink_link_exists(def->bridge_name) &&
            !vmm_netlink_link_delete(def->bridge_name, error))
            ok = FALSE;
    }
    unlink(status);
    vmm_obj_set_inactive(obj);
    return ok;
}

/* ------------------------------------------------------------------ */
/* Adoption after a restart                                            */

/* Tear down what is left of a network whose status file no longer
 * matches the host. */
static void
cleanup_stale(const VmmNetworkDef *def, GPid pid, const VmmDnsmasqPaths *paths)
{
    if (pid > 0 && dnsmasq_is_ours(pid, paths->conf_file)) {
        kill(pid, SIGTERM);
        if (!wait_gone(pid, DNSMASQ_STOP_MS))
            kill(pid, SIGKILL);
    }
    if (vmm_network_def_has_own_bridge(def) && def->bridge_name) {
        nft_remove(def, NULL);
        if (vmm_netlink_link_exists(def->bridge_name))
            vmm_netlink_link_delete(def->bridge_name, NULL);
    }
}

void
net_adopt(const char *name, const char *xml)
{
    g_autoptr(GError) err = NULL;
    g_autofree char *status = status_path(name);
    g_autoptr(VmmNetworkDef) def = vmm_network_def_parse_string(xml, status, 0, &err);
    g_autoptr(VmmDnsmasqPaths) paths = NULL;
    VmmNetworkObj *obj;
    gboolean created, dns, alive;
    GPid pid = 0;

    if (!def || g_strcmp0(def->name, name) != 0) {
        g_warning("dropping broken status file '%s': %s", status,
                  err ? err->message : _("name does not match"));
        unlink(status);
        return;
    }
    paths = net_dnsmasq_paths(name);
    dns = net_has_dnsmasq(def);
    if (dns)
        pid = read_pidfile(paths->pid_file);
    /* The bridge is what guests hang on: while it exists the network is
     * kept (a dead dnsmasq is restarted below); without it, it is gone. */
    alive = vmm_network_def_has_own_bridge(def) ?
            def->bridge_name && vmm_netlink_link_exists(def->bridge_name) :
            def->bridge_name != NULL;
    if (alive && dns && !dnsmasq_is_ours(pid, paths->conf_file))
        pid = 0;
    if (!alive) {
        g_message("network '%s' is no longer running; cleaning up", name);
        cleanup_stale(def, pid, paths);
        unlink(status);
        return;
    }
    if (!(obj = vmm_obj_list_create(net_driver->networks, g_steal_pointer(&def), &created,
                                    &err))) {
        g_warning("cannot adopt network '%s': %s", name, err->message);
        return;
    }
    vmm_obj_set_active(obj);
    if (dns) {
        NetDnsmasq *d = dnsmasq_new(name);

        d->pid = pid;
        g_mutex_lock(&net_driver->lock);
        g_hash_table_replace(net_driver->dnsmasq, d->name, d);
        if (pid > 0) {
            dnsmasq_watch(d);
        } else if (dnsmasq_spawn(d, &err)) {
            g_message("dnsmasq of network '%s' was not running; restarted (pid %d)",
                      name, d->pid);
            pid = d->pid;
            dnsmasq_watch(d);
        } else {
            g_warning("%s", err->message);
            dnsmasq_died(d);
        }
        g_mutex_unlock(&net_driver->lock);
    }
    g_message("network '%s' adopted (bridge %s, dnsmasq pid %d)", name,
              ((VmmNetworkDef *)obj->def)->bridge_name, pid);
    vmm_obj_end(obj);
}
