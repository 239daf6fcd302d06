#!/usr/bin/python3
# stats_integration_test.py: the statistics commands (dommemstat,
# domblkstat, domifstat, domstats, vcpuinfo, vncdisplay) on real QEMU
# guests through vmmd, with stock virsh and with vshell.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: stats_integration_test.py VMMD VSHELL BUILD_TINY_GUEST
# The script re-runs itself under `unshare -n`: vmmd, its default network
# (bridge, nft rules, dnsmasq) and the guest's tap exist only in that
# namespace.  Two guests run under TCG:
# - the tiny Linux guest with a raw data disk, a NIC on the default
#   network, a balloon and VNC on an automatic port: its DHCP exchange and
#   the ping to the gateway make traffic on the tap;
# - a disk-only guest whose firmware boots a one-sector "halt" MBR from a
#   virtio disk: that read shows in the block counters.
# Exit 77 (skip) only when a prerequisite is absent: root, namespaces,
# nft/dnsmasq/virsh, QEMU, or the tiny guest.  Every wait polls with a
# deadline; nothing sleeps to synchronise.

import os
import re
import signal
import socket
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_integration_test as qit  # noqa: E402

CHILD_ENV = "VMM_STATS_IT_IN_NETNS"
MAC = "52:54:00:aa:30:01"

GUEST_XML = """<domain type='qemu'>
  <name>statsguest</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0 no_timer_check quiet</cmdline>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='{disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
    <interface type='network'>
      <mac address='{mac}'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
    <serial type='file'>
      <source path='{serial}'/>
      <target port='0'/>
    </serial>
    <graphics type='vnc' autoport='yes'/>
    <memballoon model='virtio'/>
  </devices>
</domain>
"""

BOOTDISK_XML = """<domain type='qemu'>
  <name>bootdisk</name>
  <memory unit='MiB'>32</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <boot dev='hd'/>
  </os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='raw'/>
      <source file='{disk}'/>
      <target dev='vda' bus='virtio'/>
    </disk>
  </devices>
</domain>
"""

log = qit.log
wait_until = qit.wait_until


def pairs(text, prefix=""):
    """'NAME VALUE' lines (after @prefix) into a dict of strings."""
    out = {}
    for line in text.splitlines():
        if not line.startswith(prefix):
            continue
        f = line[len(prefix):].split()
        if len(f) == 2:
            out[f[0]] = f[1]
    return out


def fields(text):
    """domstats' '  field=value' lines into a dict."""
    return dict(l.strip().split("=", 1) for l in text.splitlines() if "=" in l)


def both(d, *args):
    """The output of vshell and of stock virsh for the same command."""
    return d.vshell(*args).stdout, d.virsh(*args).stdout


def fails_with(d, needle, *args):
    for p in (d.vshell(*args, check=False), d.virsh(*args, check=False)):
        assert p.returncode != 0 and needle in p.stderr, (args, p.stdout, p.stderr)


def write_halt_mbr(path):
    """One boot sector: hlt; jmp back; the 55 AA signature."""
    sector = bytearray(512)
    sector[0:3] = b"\xf4\xeb\xfd"
    sector[510:512] = b"\x55\xaa"
    with open(path, "wb") as f:
        f.write(sector)
        f.truncate(1024 * 1024)


def check_memstat(d):
    vs, vi = both(d, "dommemstat", "statsguest")
    for out in (vs, vi):
        m = pairs(out)
        # The balloon holds all 128 MiB; QEMU's resident set is real.
        assert m.get("actual") == "131072", out
        assert int(m.get("rss", "0")) > 0, out
    assert list(pairs(vs)) == list(pairs(vi)), (vs, vi)
    log("ok dommemstat: actual and rss (vshell, virsh)")


def check_ifstat(d, tap):
    for dev in (tap, MAC):
        vs, vi = both(d, "domifstat", "statsguest", dev)
        for out in (vs, vi):
            s = pairs(out, dev + " ")
            assert list(s) == ["rx_bytes", "rx_packets", "rx_errs", "rx_drop", "tx_bytes",
                               "tx_packets", "tx_errs", "tx_drop"], out
            # DHCP and the ping: the guest sent and received.
            assert int(s["tx_packets"]) > 0 and int(s["rx_packets"]) > 0, out
            assert int(s["tx_bytes"]) > 0 and int(s["rx_bytes"]) > 0, out
    # The guest's view is the tap's swapped: what the host received from the
    # tap, the guest transmitted.
    dev = open("/proc/net/dev").read()
    host = re.search(r"(?m)^\s*%s:\s*(\d+)\s+(\d+)" % re.escape(tap), dev)
    assert host, dev
    s = pairs(d.vshell("domifstat", "statsguest", tap).stdout, tap + " ")
    assert int(s["tx_packets"]) >= int(host.group(2)), (s, host.group(0))
    fails_with(d, "'vnet999' is not a known interface", "domifstat", "statsguest", "vnet999")
    log("ok domifstat %s: traffic both ways (vshell, virsh; by name and MAC)" % tap)


def check_vcpuinfo(d):
    vs, vi = both(d, "vcpuinfo", "statsguest")
    ncpus = open("/sys/devices/system/cpu/present").read().strip()
    ncpus = int(ncpus.split(",")[-1].split("-")[-1]) + 1
    for out in (vs, vi):
        assert re.search(r"(?m)^VCPU:\s+0$", out), out
        assert re.search(r"(?m)^State:\s+running$", out), out
        t = re.search(r"(?m)^CPU time:\s+(\d+\.\d)s$", out)
        assert t and float(t.group(1)) > 0, out
        a = re.search(r"(?m)^CPU Affinity:\s+([y-]+)$", out)
        assert a and len(a.group(1)) == ncpus and "y" in a.group(1), out
    strip = lambda o: [l for l in o.splitlines() if not l.startswith(("CPU time", "CPU:"))]
    assert strip(vs) == strip(vi), (vs, vi)
    vs, vi = both(d, "vcpuinfo", "statsguest", "--pretty")
    assert re.search(r"(?m)^CPU Affinity:\s+[0-9,-]+ \(out of %d\)$" % ncpus, vs), vs
    assert strip(vs) == strip(vi), (vs, vi)
    log("ok vcpuinfo: running, CPU time, affinity of %d host CPUs (vshell, virsh)" % ncpus)


def check_vncdisplay(d):
    xml = d.vshell("dumpxml", "statsguest").stdout
    m = re.search(r"<graphics type='vnc' port='(\d+)'", xml)
    assert m and int(m.group(1)) >= 5900, xml
    port = int(m.group(1))
    vs, vi = both(d, "vncdisplay", "statsguest")
    assert vs.strip() == vi.strip() == "127.0.0.1:%d" % (port - 5900), (vs, vi)
    # QEMU really serves VNC there.
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        assert s.recv(12).startswith(b"RFB "), "no RFB greeting on port %d" % port
    log("ok vncdisplay: 127.0.0.1:%d, QEMU answers RFB (vshell, virsh)" % (port - 5900))


def check_blkstat(d, disk):
    names = ["rd_req", "rd_bytes", "wr_req", "wr_bytes", "flush_operations",
             "rd_total_times", "wr_total_times", "flush_total_times"]
    for dev in ("vda", disk):
        vs, vi = both(d, "domblkstat", "statsguest", dev)
        for out in (vs, vi):
            s = pairs(out, dev + " ")
            assert list(s) == names and all(v.isdigit() for v in s.values()), out
    vs, vi = both(d, "domblkstat", "statsguest", "vda", "--human")
    for out in (vs, vi):
        assert out.startswith("Device: vda\n"), out
        assert re.search(r"(?m)^ number of read operations:\s+\d+$", out), out
    # No device: the sum over all disks.
    vs, vi = both(d, "domblkstat", "statsguest")
    assert list(pairs(vs)) == list(pairs(vi)) == names, (vs, vi)
    fails_with(d, "vdz", "domblkstat", "statsguest", "vdz")
    log("ok domblkstat: the eight counters by target and path, --human, sum (vshell, virsh)")


def check_domstats(d, tap, disk):
    vs, vi = both(d, "domstats", "statsguest")
    for out in (vs, vi):
        assert out.startswith("Domain: 'statsguest'\n"), out
        f = fields(out)
        want = {"state.state": "1", "balloon.current": "131072", "balloon.maximum": "131072",
                "vcpu.current": "1", "vcpu.maximum": "1", "vcpu.0.state": "1",
                "net.count": "1", "net.0.name": tap, "block.count": "1",
                "block.0.name": "vda", "block.0.path": disk}
        for k, v in want.items():
            assert f.get(k) == v, (k, v, out)
        for k in ("cpu.time", "vcpu.0.time", "balloon.rss", "net.0.rx.pkts", "net.0.tx.pkts",
                  "block.0.rd.reqs", "block.0.wr.bytes", "block.0.fl.times"):
            assert f.get(k, "").isdigit(), (k, out)
        assert int(f["cpu.time"]) > 0 and int(f["net.0.tx.pkts"]) > 0, out
    assert list(fields(vs)) == list(fields(vi)), (vs, vi)
    # Groups one by one, and the bulk call over all domains.
    vs, vi = both(d, "domstats", "--vcpu", "--interface", "statsguest")
    for out in (vs, vi):
        assert set(k.split(".")[0] for k in fields(out)) == {"vcpu", "net"}, out
    vs, vi = both(d, "domstats", "--state", "--list-running")
    assert "Domain: 'statsguest'" in vs and "Domain: 'statsguest'" in vi, (vs, vi)
    log("ok domstats: state, cpu-total, balloon, vcpu, interface, block (vshell, virsh)")


def check_stalled(d):
    """A stopped QEMU (SIGSTOP): the calls that need its monitor fail at the
    deadline, domstats still answers with what it knows."""
    pid = d.qemu_pid("statsguest")
    os.kill(pid, signal.SIGSTOP)
    try:
        fails_with(d, "not responding", "dommemstat", "statsguest")
        vs, vi = both(d, "domstats", "statsguest")
        for out in (vs, vi):
            f = fields(out)
            assert f.get("state.state") == "1" and f.get("balloon.maximum") == "131072", out
    finally:
        os.kill(pid, signal.SIGCONT)
    assert int(pairs(d.vshell("dommemstat", "statsguest").stdout)["rss"]) > 0
    log("ok stalled QEMU: dommemstat fails at the deadline, domstats answers")


def check_bootdisk(d):
    """The firmware reads the MBR: the read shows in the counters."""
    disk = os.path.join(d.root, "boot.img")
    write_halt_mbr(disk)
    path = os.path.join(d.root, "bootdisk.xml")
    with open(path, "w") as f:
        f.write(BOOTDISK_XML.format(disk=disk))
    d.vshell("define", path)
    d.vshell("start", "bootdisk")
    try:
        def reads():
            s = pairs(d.vshell("domblkstat", "bootdisk", "vda").stdout, "vda ")
            return int(s.get("rd_req", "0")) >= 1 and s
        s = wait_until("the firmware's read of the MBR", reads, timeout=60, interval=0.1)
        assert int(s["rd_bytes"]) >= 512, s
        s = pairs(d.virsh("domblkstat", "bootdisk", "vda").stdout, "vda ")
        assert int(s["rd_req"]) >= 1 and int(s["rd_bytes"]) >= 512, s
        f = fields(d.virsh("domstats", "--block", "bootdisk").stdout)
        assert int(f["block.0.rd.reqs"]) >= 1 and int(f["block.0.rd.bytes"]) >= 512, f
        log("ok domblkstat after the firmware read: rd_req %s, rd_bytes %s" %
            (s["rd_req"], s["rd_bytes"]))
    finally:
        d.vshell("destroy", "bootdisk", check=False)
        d.vshell("undefine", "bootdisk", check=False)


def case_stats(d):
    wait_until("the default network", lambda: re.search(
        r"default\s+active", d.vshell("net-list").stdout), timeout=60)
    disk = os.path.join(d.root, "data.img")
    with open(disk, "wb") as f:
        f.truncate(16 * 1024 * 1024)
    path = os.path.join(d.root, "statsguest.xml")
    with open(path, "w") as f:
        f.write(GUEST_XML.format(kernel=d.kernel, initrd=d.initrd, disk=disk, mac=MAC,
                                 serial=d.serial("statsguest")))
    d.vshell("define", path)
    d.vshell("start", "statsguest")
    try:
        def pinged():
            try:
                return re.search(r"VMM-GUEST-PING \S+ (ok|failed)",
                                 open(d.serial("statsguest"), errors="replace").read())
            except OSError:
                return None
        m = wait_until("the guest's lease and ping", pinged, timeout=240, interval=0.2)
        assert m.group(1) == "ok", "the guest could not ping its gateway"
        tap = re.search(r"<target dev='(vnet\d+)'", d.vshell("dumpxml", "statsguest").stdout)
        assert tap, "no tap in the live XML"
        tap = tap.group(1)

        check_memstat(d)
        check_ifstat(d, tap)
        check_vcpuinfo(d)
        check_vncdisplay(d)
        check_blkstat(d, disk)
        check_domstats(d, tap, disk)
        check_stalled(d)
    finally:
        d.vshell("destroy", "statsguest", check=False)
    # Stopped: the calls say so.
    fails_with(d, "not running", "dommemstat", "statsguest")
    fails_with(d, "not running", "domblkstat", "statsguest", "vda")
    vs, vi = both(d, "domstats", "statsguest")
    assert fields(vs) == fields(vi) == {"state.state": "5", "state.reason": "2"}, (vs, vi)
    # vcpuinfo of the stopped guest: the pinning of its definition (none:
    # every online host CPU).
    vs, vi = both(d, "vcpuinfo", "statsguest")
    assert vs == vi and re.search(r"(?m)^CPU:\s+N/A$", vs), (vs, vi)
    assert re.search(r"(?m)^CPU Affinity:\s+y+$", vs), vs
    d.vshell("undefine", "statsguest")
    check_bootdisk(d)


def main():
    if os.environ.get(CHILD_ENV):
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        # vmmd provisions and starts the default network on first start.
        os.environ["VMM_PROVISION_DEFAULT_NETWORK"] = "1"
        return qit.run_cases({"stats": case_stats})
    return qit.rerun_in_netns(CHILD_ENV, ("unshare", "nft", "dnsmasq", "virsh", "ip"),
                              sys.argv[:4] + ["stats"])


if __name__ == "__main__":
    sys.exit(main())
