#!/usr/bin/python3
# network_bench.py: net-start + net-destroy of a NAT network with DHCP,
# vmmd against libvirtd 9.0, both in private namespaces, in one run.
# Figures, not pass/fail; not part of `meson test`.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage (root): network_bench.py [--build DIR] [--cycles N]
# Both daemons come from tests/bench/run-daemon-bench's Daemon classes:
# vmmd with --root TMP under `unshare --net`, libvirtd with private
# dirs under `unshare --mount --net` (nothing changes on the host).  The
# client is python3-libvirt for both; each cycle is networkCreate() then
# destroy() of the same persistent network; the figure is the median of
# each call.  libvirt 9.0's network driver needs iptables: without it the
# libvirtd side is reported as not run.

import argparse
import importlib.machinery
import os
import shutil
import statistics
import sys
import tempfile
import time

import libvirt

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.dirname(os.path.dirname(HERE))

NET_XML = """<network>
  <name>benchnet</name>
  <forward mode='nat'/>
  <bridge name='vmmbench0' stp='off' delay='0'/>
  <ip address='192.168.150.1' netmask='255.255.255.0'>
    <dhcp>
      <range start='192.168.150.2' end='192.168.150.254'/>
    </dhcp>
  </ip>
</network>
"""


def log(*args):
    print(*args, flush=True)


def cycles(uri, n):
    conn = libvirt.open(uri)
    try:
        try:
            net = conn.networkLookupByName("benchnet")
        except libvirt.libvirtError:
            net = conn.networkDefineXML(NET_XML)
        start, stop = [], []
        for _ in range(n):
            t0 = time.perf_counter()
            net.create()
            t1 = time.perf_counter()
            net.destroy()
            t2 = time.perf_counter()
            start.append(t1 - t0)
            stop.append(t2 - t1)
        net.undefine()
        return statistics.median(start), statistics.median(stop)
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser(description="net-start/net-destroy: vmmd vs libvirtd 9.0")
    ap.add_argument("--build", default=os.path.join(SRC, "build"))
    ap.add_argument("--cycles", type=int, default=20)
    args = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("network_bench: run as root (namespaces, system-mode daemons)")
    libvirt.registerErrorHandler(lambda ctx, err: None, None)   # polls fail at first
    bench = importlib.machinery.SourceFileLoader(
        "daemon_bench", os.path.join(SRC, "tests", "bench", "run-daemon-bench")).load_module()
    top = tempfile.mkdtemp(prefix="vmm-netbench-")
    os.chmod(top, 0o755)     # dnsmasq drops root, must reach its files
    results = {}
    try:
        os.makedirs(os.path.join(top, "vmmd"))
        vm = bench.Vmmd(os.path.join(top, "vmmd"), False, args.build, "qemu")
        os.chmod(vm.tmp, 0o755)
        os.chmod(vm.root, 0o755)
        try:
            vm.start()
            results["vmmd"] = cycles(vm.uri, args.cycles)
        finally:
            vm.stop()
        if shutil.which("iptables"):
            os.makedirs(os.path.join(top, "libvirtd"))
            lv = bench.Libvirtd(os.path.join(top, "libvirtd"), False, "qemu")
            try:
                lv.start()
                results["libvirtd"] = cycles(lv.uri, args.cycles)
            finally:
                lv.stop()
        else:
            log("libvirtd: not run (libvirt 9.0's network driver needs iptables, "
                "which is not installed)")
    finally:
        shutil.rmtree(top, ignore_errors=True)
    for name, (s, d) in results.items():
        log("%-8s net-start %.1f ms, net-destroy %.1f ms (medians of %d)" %
            (name, s * 1000, d * 1000, args.cycles))
    return 0


if __name__ == "__main__":
    sys.exit(main())
