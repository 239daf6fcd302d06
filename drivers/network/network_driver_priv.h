/*
 * network_driver_priv.h: state shared by the files of the network driver.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * network_driver.c holds the process-wide state and the driver table;
 * network_driver_start.c starts, stops and adopts networks and supervises
 * their dnsmasq; network_port.c makes guest taps.
 *
 * Locking: NetDriver.op_lock serialises every change of a network's run
 * state (start, destroy, update), so collision checks see a stable set of
 * active networks; it is taken before any object lock.  NetDriver.lock
 * guards the dnsmasq supervisors and is never held while taking another.
 */
#pragma once

#include "driver.h"
#include "conf/config_store.h"
#include "conf/network_obj.h"
#include "drivers/network/network_dnsmasq.h"

G_BEGIN_DECLS

typedef struct {
    char *config_dir;        /* persistent definitions; autostart/ below */
    char *run_dir;           /* status: live definition per active network */
    char *dnsmasq_dir;       /* NET.conf, .hostsfile, .addnhosts, .leases */
    char *pid_dir;           /* NET.pid */
    char *state_dir;         /* markers (default-removed) */
    gboolean privileged;
    gboolean relocated;      /* under vmmd --root: tests and benchmarks */

    VmmObjList *networks;
    VmmConfigStore *store;

    GMutex op_lock;
    GMutex lock;
    GHashTable *dnsmasq;     /* network name -> NetDnsmasq* */

    GMainContext *ctx;       /* child watches and restart timers */
    GMainLoop *loop;
    GThread *thread;
} NetDriver;

extern NetDriver *net_driver;

/* network_driver_start.c */

/* Start the locked inactive @obj on its definition (obj->def): bridge,
 * addresses, nft, dnsmasq, status file; every step is undone when a later
 * one fails.  The bridge name chosen is kept in the live definition.
 * A foreign firewall in the way is logged.  Call with op_lock held. */
gboolean net_start(VmmNetworkObj *obj, GError **error);
/* For the active forwarding network @def: a firewall outside vmm's table
 * that drops its forwarded traffic, as a warning naming the rule and the
 * fix; NULL when there is none (or the ruleset cannot be read). */
char *net_foreign_firewall_warning(const VmmNetworkDef *def);
/* Under --root (tests, benchmarks) vmmd must run in a network namespace of
 * its own: refuse to change networking in the host's namespace (that of
 * PID 1) unless VMM_ALLOW_HOST_NETWORK=1 says it is meant. */
gboolean net_check_namespace(GError **error);
/* Stop the locked active @obj: dnsmasq, nft rules, bridge, status file. */
gboolean net_stop(VmmNetworkObj *obj, GError **error);
/* Adopt the network of status file @xml, or clean up after it. */
void net_adopt(const char *name, const char *xml);
/* Rewrite the host files of the live definition of the locked active @obj
 * and have dnsmasq re-read them (SIGHUP). */
gboolean net_reload_hosts(VmmNetworkObj *obj, GError **error);
/* Write the status file of the locked active @obj. */
gboolean net_save_status(VmmNetworkObj *obj, GError **error);
/* The dnsmasq paths of network @name (as the driver lays them out). */
VmmDnsmasqPaths *net_dnsmasq_paths(const char *name);
/* Release a supervisor (the dnsmasq table's value free function). */
void net_dnsmasq_unref(gpointer d);
/* Forget every supervisor without stopping dnsmasq (state cleanup). */
void net_supervisors_forget(void);

G_END_DECLS
