#!/usr/bin/python3
# network_integration_test.py: vmmd's network driver for real, inside a
# private network namespace, driven by vshell and stock virsh.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: network_integration_test.py VMMD VSHELL BUILD_TINY_GUEST
# The script re-runs itself under `unshare -n`, so vmmd, its bridges,
# nft rules and dnsmasq, and every client namespace (made with
# `unshare -n` again, joined by veth pairs) exist only there; the
# namespace goes away with the last process in it.  Exit 77 (skip) only
# when not root, without namespaces, or without nft/dnsmasq/busybox/virsh.
# Every wait polls with a deadline; nothing sleeps to synchronise.
#
# Steps: 192.168.122.0/24 is taken in the namespace, so the default
# network comes up on 192.168.123.0/24; bridge, rules and dnsmasq are
# checked; a DHCP client gets a lease that net-dhcp-leases lists (vshell's
# table matches virsh's); net-update adds static hosts (vshell and virsh,
# --live --config) that a client then gets, and modifies one (the client
# gets the new address); dnsmasq runs unprivileged; a client
# reaches an "upstream" namespace masqueraded; the tiny guest (when QEMU
# and the guest are there) gets a lease through its tap; SIGTERM of vmmd
# and a restart, then kill -9 and a restart, with that guest running, keep
# its QEMU and tap, the bridge, addresses, rules and the same dnsmasq
# serving, and the guest is destroyed through the new vmmd; forward modes
# route (upstream sees the client's own address), open (not one rule of
# ours) and bridge (onto a host bridge the test made, a guest's taps join
# it); a dual-stack network gives a client an IPv6 address by SLAAC and
# answers its ping over IPv6; net-destroy
# leaves nothing; net-undefine removes the files and the default network
# stays removed over a restart.

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu_integration_test as qit  # noqa: E402
from qemu_integration_test import log  # noqa: E402

CHILD_ENV = "VMM_NETWORK_IT_IN_NETNS"
QEMU = "/usr/bin/qemu-system-x86_64"

GUEST_XML = """<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0 no_timer_check quiet</cmdline>
  </os>
  <features><acpi/></features>
  <devices>
{interfaces}    <serial type='file'>
      <source path='{serial}'/>
      <target port='0'/>
    </serial>
  </devices>
</domain>
"""
DEFAULT_NIC = """    <interface type='network'>
      <mac address='52:54:00:aa:20:01'/>
      <source network='default'/>
      <model type='virtio'/>
    </interface>
"""


def wait_until(what, pred, timeout=30.0, interval=0.05):
    """The QEMU harness's wait, with this test's shorter default deadline."""
    return qit.wait_until(what, pred, timeout, interval)


def run(*args, check=True, timeout=30, input=None):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=timeout,
                       input=input)
    if check and p.returncode != 0:
        raise AssertionError("%s failed (%d): %s%s" % (" ".join(args), p.returncode,
                                                       p.stdout, p.stderr))
    return p.stdout


def contains(text, needle, what):
    if needle not in text:
        raise AssertionError("%s: '%s' not found in:\n%s" % (what, needle, text))


def lacks(text, needle, what):
    if needle in text:
        raise AssertionError("%s: '%s' unexpectedly found in:\n%s" % (what, needle, text))


def link_exists(name):
    # Not /sys/class/net: sysfs shows the namespace that mounted it.
    return subprocess.run(["ip", "link", "show", name], capture_output=True).returncode == 0


def pid_alive(pid):
    try:
        with open("/proc/%d/cmdline" % pid, "rb") as f:
            return len(f.read()) > 0      # a zombie has none
    except (OSError, ValueError):
        return False


class Vmmd:
    def __init__(self, vmmd, vshell):
        self.vmmd_bin = vmmd
        self.vshell_bin = vshell
        self.root = tempfile.mkdtemp(prefix="vmm-net-it-")
        os.chmod(self.root, 0o755)     # dnsmasq drops root, must reach its files
        os.makedirs(self.path("etc", "vmm"))
        with open(self.path("etc", "vmm", "qemu.conf"), "w") as f:
            f.write('user = "root"\ngroup = "root"\n')
        self.sock = os.path.join(self.root, "run", "vmm", "vmmd-sock")
        self.uri = "qemu+unix:///system?socket=" + self.sock
        self.proc = None
        self.children = []

    def path(self, *rel):
        return os.path.join(self.root, *rel)

    def start(self):
        env = dict(os.environ, VMM_PROVISION_DEFAULT_NETWORK="1")
        self.log = open(self.path("vmmd.log"), "a")
        self.proc = subprocess.Popen([self.vmmd_bin, "--verbose", "--root", self.root],
                                     stdout=self.log, stderr=subprocess.STDOUT, env=env)
        wait_until("vmmd's socket", lambda: self.proc.poll() is None and
                   self.vshell_ok("uri"), timeout=60)

    def kill9(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def dnsmasq_pid(self, net):
        try:
            with open(self.path("run", "vmm", "network", "pid", net + ".pid")) as f:
                return int(f.read().strip() or 0)
        except (OSError, ValueError):
            return 0

    def qemu_pid(self, name):
        try:
            with open(self.path("run", "vmm", "qemu", name + ".xml")) as f:
                m = re.search(r"pid='(\d+)'", f.read())
                return int(m.group(1)) if m else 0
        except OSError:
            return 0

    def cleanup(self):
        self.stop()
        # Guests a failed step left running, by their status files.
        qdir = self.path("run", "vmm", "qemu")
        for f in os.listdir(qdir) if os.path.isdir(qdir) else []:
            pid = self.qemu_pid(f[:-4]) if f.endswith(".xml") else 0
            if pid and pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
        piddir = self.path("run", "vmm", "network", "pid")
        for f in os.listdir(piddir) if os.path.isdir(piddir) else []:
            pid = self.dnsmasq_pid(f[:-4])
            if pid and pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
        for p in self.children:
            if p.poll() is None:
                p.kill()
                p.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    def vshell(self, *args, check=True):
        p = subprocess.run([self.vshell_bin, "-c", self.uri] + list(args),
                           capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise AssertionError("vshell %s failed (%d): %s%s" %
                                 (" ".join(args), p.returncode, p.stdout, p.stderr))
        return p.stdout

    def vshell_ok(self, *args):
        try:
            return subprocess.run([self.vshell_bin, "-c", self.uri] + list(args),
                                  capture_output=True, timeout=10).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def virsh(self, *args, check=True):
        p = subprocess.run(["virsh", "-q", "-c", self.uri] + list(args),
                           capture_output=True, text=True, timeout=60)
        if check and p.returncode != 0:
            raise AssertionError("virsh %s failed (%d): %s%s" %
                                 (" ".join(args), p.returncode, p.stdout, p.stderr))
        return p.stdout


# ---- client namespaces ----

def ns_spawn(d, script, links):
    """busybox sh -c SCRIPT in a new namespace holding LINKS (brought up)."""
    pre = "exec 2>&1; "
    for l in links:
        pre += ("i=0; while ! busybox ip link show %s >/dev/null 2>&1; do "
                "i=$((i+1)); [ $i -gt 200 ] && exit 3; busybox sleep 0.05; done; "
                "busybox ip link set %s up; " % (l, l))
    pre += "busybox ip link set lo up; "
    p = subprocess.Popen(["unshare", "-n", "--", "busybox", "sh", "-c", pre + script],
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    d.children.append(p)
    mine = os.readlink("/proc/self/ns/net")
    # Move the links only once unshare made the namespace (earlier, they
    # would stay in ours).
    wait_until("the client namespace",
               lambda: p.poll() is not None or
               os.readlink("/proc/%d/ns/net" % p.pid) != mine, timeout=10)
    for l in links:
        run("ip", "link", "set", l, "netns", str(p.pid))
    return p


def ns_output(p, timeout=60):
    out, _ = p.communicate(timeout=timeout)
    return out


def veth_add(name, mac=None, bridge=None):
    far = name + "c"
    args = ["ip", "link", "add", name, "type", "veth", "peer", "name", far]
    if mac:
        args += ["address", mac]
    run(*args)
    if bridge:
        run("ip", "link", "set", name, "master", bridge)
    run("ip", "link", "set", name, "up")
    return far


def veth_gone(name):
    try:
        wait_until("veth %s to go" % name, lambda: not link_exists(name), timeout=5)
    except AssertionError:
        run("ip", "link", "del", name, check=False)


def udhcpc_script(d):
    """udhcpc's script: prints "BOUND <interface> <ip> <mask>" on a lease."""
    script = d.path("udhcpc.sh")
    with open(script, "w") as f:
        f.write('#!/bin/sh\n[ "$1" = bound ] && echo "BOUND $interface $ip $mask"\nexit 0\n')
    os.chmod(script, 0o755)
    return script


def dhcp_client(d, bridge, peer, mac):
    script = udhcpc_script(d)
    far = veth_add(peer, mac, bridge)
    p = ns_spawn(d, "exec busybox udhcpc -i %s -f -q -n -t 10 -T 1 -s %s" % (far, script),
                 [far])
    out = ns_output(p)
    veth_gone(peer)
    return out


# ---- the steps ----

def step_first_start(d):
    # 192.168.122.0/24 is in use here before vmmd's first start.
    run("ip", "link", "add", "vmmhost0", "type", "bridge")
    run("ip", "addr", "add", "192.168.122.7/24", "dev", "vmmhost0")
    run("ip", "link", "set", "vmmhost0", "up")
    d.start()

    out = d.vshell("net-list", "--all")
    contains(out, "default", "net-list")
    assert re.search(r"default\s+active\s+yes\s+yes", out), out
    out = d.virsh("net-info", "default")
    contains(out, "virbr0", "net-info")
    assert re.search(r"Active:\s+yes", out), out
    assert re.search(r"Autostart:\s+yes", out), out
    contains(d.virsh("net-dumpxml", "default"), "192.168.123.1", "net-dumpxml")
    assert os.path.exists(d.path("etc", "vmm", "networks", "default.xml"))
    assert os.path.islink(d.path("etc", "vmm", "networks", "autostart", "default.xml"))
    contains(open(d.path("vmmd.log")).read(), "using 192.168.123.0/24", "vmmd log")

    addr = run("ip", "-4", "addr", "show", "virbr0")
    contains(addr, "inet 192.168.123.1/24", "virbr0 address")
    rules = run("nft", "list", "ruleset")
    contains(rules, "masquerade", "nft ruleset")
    contains(rules, "ip saddr 192.168.123.0/24 accept", "forward rule out")
    contains(rules, "ip daddr 192.168.123.0/24 ct state established,related accept",
             "forward rule in")
    pid = d.dnsmasq_pid("default")
    assert pid_alive(pid), "dnsmasq %d not running" % pid
    # It dropped root: real, effective, saved and filesystem uids and gids.
    with open("/proc/%d/status" % pid) as f:
        ids = dict(l.split(":", 1) for l in f.read().splitlines() if l[:4] in ("Uid:", "Gid:"))
    for k in ("Uid", "Gid"):
        assert "0" not in ids[k].split(), "dnsmasq %d runs with %s %s" % (pid, k, ids[k].strip())
    ss = run("ss", "-lnup")
    contains(ss, "192.168.123.1:53 ", "dnsmasq sockets")
    lacks(ss, "0.0.0.0:53 ", "dnsmasq sockets")
    lacks(ss, "127.0.0.1:53 ", "dnsmasq sockets")
    log("ok first start: default on 192.168.123.0/24, dnsmasq pid %d" % pid)


def step_dhcp(d):
    out = dhcp_client(d, "virbr0", "vmmve0", "52:54:00:aa:10:01")
    m = re.search(r"BOUND vmmve0c (192\.168\.123\.\d+) ", out)
    assert m, "no lease:\n" + out
    leases = d.virsh("net-dhcp-leases", "default")
    contains(leases, "52:54:00:aa:10:01", "net-dhcp-leases")
    contains(leases, m.group(1) + "/24", "net-dhcp-leases")
    log("ok DHCP lease %s listed by net-dhcp-leases" % m.group(1))
    # vshell through vmmd prints virsh's table: same header, columns and
    # widths; only the expiry time (a clock reading) is masked.
    def table(prog):
        out = run(prog, "-c", d.uri, "net-dhcp-leases", "default")
        return re.sub(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", "EXPIRY-TIME", out)
    ours, theirs = table(d.vshell_bin), table("virsh")
    assert ours == theirs, "net-dhcp-leases, vshell:\n%s\nvirsh:\n%s" % (ours, theirs)
    assert re.search(r"(?m)^ EXPIRY-TIME\s+52:54:00:aa:10:01\s+ipv4\s+%s/24\s" %
                     re.escape(m.group(1)), ours), ours
    contains(d.vshell("net-dhcp-leases", "default", "--mac", "52:54:00:aa:10:01"),
             m.group(1) + "/24", "net-dhcp-leases --mac")
    lacks(d.vshell("net-dhcp-leases", "default", "--mac", "52:54:00:aa:10:99"),
          m.group(1), "net-dhcp-leases --mac (another MAC)")
    log("ok vshell net-dhcp-leases through vmmd matches virsh's table")


def step_update(d):
    """net-update add ip-dhcp-host --live --config: vshell and stock virsh."""
    host = "<host mac='52:54:00:aa:10:11' ip='192.168.123.77'/>"
    out = d.vshell("net-update", "default", "add", "ip-dhcp-host", host, "--live", "--config")
    contains(out, "Updated network default persistent config and live state", "net-update")
    want = r"<host mac=['\"]52:54:00:aa:10:11['\"] ip=['\"]192\.168\.123\.77['\"]"
    assert re.search(want, d.vshell("net-dumpxml", "default")), "live XML lacks the host"
    assert re.search(want, d.vshell("net-dumpxml", "default", "--inactive")), \
        "persistent XML lacks the host"
    out = dhcp_client(d, "virbr0", "vmmve2", "52:54:00:aa:10:11")
    contains(out, "BOUND vmmve2c 192.168.123.77 ", "DHCP with the static host")
    # modify: the same MAC gets another fixed address, live and persistent,
    # and a client with it now gets the new one.
    moved = "<host mac='52:54:00:aa:10:11' ip='192.168.123.79'/>"
    out = d.vshell("net-update", "default", "modify", "ip-dhcp-host", moved, "--live",
                   "--config")
    contains(out, "Updated network default persistent config and live state", "net-update")
    for args in (("net-dumpxml", "default"), ("net-dumpxml", "default", "--inactive")):
        xml = d.vshell(*args)
        assert re.search(want.replace("77", "79"), xml), "%s lacks the new address" % (args,)
        lacks(xml, "192.168.123.77", " ".join(args))
    out = dhcp_client(d, "virbr0", "vmmve4", "52:54:00:aa:10:11")
    contains(out, "BOUND vmmve4c 192.168.123.79 ", "DHCP after net-update modify")
    d.vshell("net-update", "default", "modify", "ip-dhcp-host", host, "--live", "--config")

    # A duplicate is refused with virsh's first line.
    p = subprocess.run([d.vshell_bin, "-c", d.uri, "net-update", "default", "add",
                        "ip-dhcp-host", host, "--live"], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode != 0 and "error: Failed to update network default" in p.stderr, \
        p.stderr

    # Stock virsh against vmmd (NETWORK_UPDATE, proc 291), same message.
    host2 = "<host mac='52:54:00:aa:10:12' ip='192.168.123.78'/>"
    out = run("virsh", "-c", d.uri, "net-update", "default", "add-last", "ip-dhcp-host",
              host2, "--live", "--config")
    contains(out, "Updated network default persistent config and live state", "virsh net-update")
    want2 = want.replace("11", "12").replace("77", "78")
    assert re.search(want2, d.virsh("net-dumpxml", "default")), "live XML lacks host2"
    assert re.search(want2, d.virsh("net-dumpxml", "default", "--inactive")), \
        "persistent XML lacks host2"
    out = dhcp_client(d, "virbr0", "vmmve3", "52:54:00:aa:10:12")
    contains(out, "BOUND vmmve3c 192.168.123.78 ", "DHCP with virsh's static host")
    d.virsh("net-update", "default", "delete", "ip-dhcp-host", host2, "--live", "--config")
    assert not re.search(want2, d.vshell("net-dumpxml", "default", "--inactive")), \
        "host2 still in the persistent XML"
    log("ok net-update ip-dhcp-host --live --config (vshell and virsh): fixed addresses")


def upstream_sees(d, n, bridge, client, gw, route_back=None):
    """The source address that an "upstream" namespace (10.200.N.2, through
    our 10.200.N.1) sees for an HTTP request from a client namespace at
    @client on @bridge (gateway @gw).  Upstream routes @route_back (a
    subnet) back through us; without it only masqueraded traffic gets an
    answer.  Its web server echoes the client's address."""
    www = d.path("www")
    cgi = os.path.join(www, "cgi-bin", "addr")
    if not os.path.exists(cgi):
        os.makedirs(os.path.dirname(cgi))
        with open(cgi, "w") as f:
            f.write("#!/bin/sh\nprintf 'Content-Type: text/plain\\r\\n\\r\\n'\n"
                    "echo \"$REMOTE_ADDR\"\n")
        os.chmod(cgi, 0o755)
    up_if, cl_if = "vmmup%d" % n, "vmmcl%d" % n
    far = veth_add(up_if)
    back = ("busybox ip route add %s via 10.200.%d.1 && " % (route_back, n)) if route_back else ""
    up = ns_spawn(d, "busybox ip addr add 10.200.%d.2/24 dev %s && %s"
                  "exec busybox httpd -f -p 8080 -h %s" % (n, far, back, www), [far])
    run("ip", "addr", "add", "10.200.%d.1/24" % n, "dev", up_if)

    cl = veth_add(cl_if, None, bridge)
    p = ns_spawn(d, "busybox ip addr add %s/24 dev %s && "
                 "busybox ip route add default via %s && "
                 "for i in 1 2 3 4 5 6 7 8 9 10; do "
                 "  printf 'GET /cgi-bin/addr HTTP/1.0\\r\\n\\r\\n' | "
                 "  busybox timeout 5 busybox nc -w 3 10.200.%d.2 8080 && exit 0; "
                 "  busybox sleep 0.3; "
                 "done; exit 0" % (client, cl, gw, n), [cl])
    out = ns_output(p, timeout=90)
    veth_gone(cl_if)
    up.kill()
    up.wait()
    veth_gone(up_if)
    contains(out, "200 OK", "upstream answer")
    return out


def step_nat(d):
    out = upstream_sees(d, 0, "virbr0", "192.168.123.5", "192.168.123.1")
    contains(out, "10.200.0.1", "masqueraded source")
    lacks(out, "192.168.123.5", "masqueraded source")
    log("ok NAT: upstream saw 10.200.0.1")


FW_NET_XML = """<network>
  <name>fwnet</name>
  <forward mode='nat'/>
  <bridge name='vmmfw0'/>
  <ip address='192.168.170.1' netmask='255.255.255.0'/>
</network>
"""


def step_foreign_firewall(d):
    """Someone else's forward chain with a drop policy (Docker, firewalld):
    net-start succeeds, and both vshell's output and vmmd's log name the
    table and the fix."""
    run("nft", "-f", "-", input="table inet otherfw {\n chain forward {\n"
        "  type filter hook forward priority 0; policy drop;\n }\n}\n")
    xml = d.path("fwnet.xml")
    with open(xml, "w") as f:
        f.write(FW_NET_XML)
    try:
        d.vshell("net-define", xml)
        p = subprocess.run([d.vshell_bin, "-c", d.uri, "net-start", "fwnet"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0, p.stderr
        contains(p.stdout, "Network fwnet started", "net-start")
        m = re.search(r"(?m)^warning: (.*)$", p.stderr)
        assert m, "net-start printed no warning:\n" + p.stderr
        contains(m.group(1), "otherfw", "net-start warning")
        contains(m.group(1), "fwnet", "net-start warning")
        contains(open(d.path("vmmd.log")).read(), m.group(1), "vmmd log")
        # Stock virsh has no channel for it: same output as ever.
        d.virsh("net-destroy", "fwnet")
        p = subprocess.run(["virsh", "-c", d.uri, "net-start", "fwnet"],
                           capture_output=True, text=True, timeout=60)
        assert (p.returncode, p.stdout.strip(), p.stderr) == \
            (0, "Network fwnet started", ""), p
        # The check is made afresh: with the table gone, nothing to say.
        run("nft", "delete", "table", "inet", "otherfw")
        d.vshell("net-destroy", "fwnet")
        p = subprocess.run([d.vshell_bin, "-c", d.uri, "net-start", "fwnet"],
                           capture_output=True, text=True, timeout=60)
        assert p.returncode == 0 and p.stderr == "", p.stderr
    finally:
        subprocess.run(["nft", "delete", "table", "inet", "otherfw"], capture_output=True)
        d.vshell("net-destroy", "fwnet", check=False)
        d.vshell("net-undefine", "fwnet", check=False)
    log("ok foreign forward drop policy: net-start warns (%s...)" % m.group(1)[:60])


def tiny_guest(build_guest):
    """KERNEL and INITRD of the tiny guest, or None when there is none."""
    if not os.access(QEMU, os.X_OK):
        log("skip guest steps: %s is not installed" % QEMU)
        return None
    p = subprocess.run([build_guest], capture_output=True, text=True, timeout=900)
    if p.returncode == 77:
        log("skip guest steps: no tiny guest: %s" % p.stderr.strip())
        return None
    if p.returncode != 0:
        raise AssertionError("build-tiny-guest failed: %s" % p.stderr)
    return dict(l.split("=", 1) for l in p.stdout.split() if "=" in l)


def step_guest(d, paths):
    """The tiny guest on the default network: a tap on virbr0, a lease.
    The guest stays running for step_restart; its tap is returned."""
    if not paths:
        return None
    serial = d.path("netguest.serial")
    xml = d.path("netguest.xml")
    with open(xml, "w") as f:
        f.write(GUEST_XML.format(name="netguest", kernel=paths["KERNEL"],
                                 initrd=paths["INITRD"], serial=serial,
                                 interfaces=DEFAULT_NIC))
    d.vshell("define", xml)
    d.vshell("start", "netguest")
    ok = False
    try:
        def guest_ip():
            try:
                m = re.search(r"VMM-GUEST-IP eth0 (\S+)", open(serial).read())
            except OSError:
                return None
            return m and m.group(1)
        ip = wait_until("the guest's lease", guest_ip, timeout=240, interval=0.2)
        assert ip.startswith("192.168.123."), ip
        # The guest pings its gateway once it is bound (the tiny guest's
        # udhcpc script) and reports on its console.
        def guest_ping():
            m = re.search(r"VMM-GUEST-PING (\S+) (ok|failed)", open(serial).read())
            return m and m.groups()
        gw, outcome = wait_until("the guest's ping of its gateway", guest_ping, timeout=60,
                                 interval=0.2)
        assert (gw, outcome) == ("192.168.123.1", "ok"), (gw, outcome)
        dumpxml = d.vshell("dumpxml", "netguest")
        m = re.search(r"<target dev='(vnet\d+)'", dumpxml)
        assert m, "no tap in the live XML:\n" + dumpxml
        contains(run("ip", "-d", "link", "show", m.group(1)), "master virbr0", "guest tap")
        leases = d.virsh("net-dhcp-leases", "default", "--mac", "52:54:00:aa:20:01")
        contains(leases, ip + "/24", "the guest's lease")
        # domifaddr (lease source, the default) shows the same lease on the
        # tap, in virsh's layout: vshell and stock virsh agree.
        want = r"(?m)^ %s\s+52:54:00:aa:20:01\s+ipv4\s+%s/24$" % (m.group(1), re.escape(ip))
        shown = [d.vshell("domifaddr", "netguest"), d.virsh("domifaddr", "netguest"),
                 d.vshell("domifaddr", "netguest", "--source", "lease", "--full")]
        for out in shown:
            assert re.search(want, out), "domifaddr:\n" + out
        assert [l for l in shown[0].splitlines() if ip in l] == \
            [l for l in shown[1].splitlines() if ip in l], shown
        lacks(d.vshell("domifaddr", "netguest", "--interface", "vnet999"), ip, "domifaddr")
        # Both ways over the bridge: the host side reaches the guest.
        run("busybox", "ping", "-c", "1", "-W", "5", ip, timeout=30)
        # The ping left the guest in the host's ARP table: the ARP source
        # (no prefix known); no guest agent here.
        arp = d.virsh("domifaddr", "netguest", "--source", "arp")
        assert re.search(r"(?m)^ %s\s+52:54:00:aa:20:01\s+ipv4\s+%s/0$" %
                         (m.group(1), re.escape(ip)), arp), "domifaddr --source arp:\n" + arp
        p = subprocess.run([d.vshell_bin, "-c", d.uri, "domifaddr", "netguest", "--source",
                            "agent"], capture_output=True, text=True, timeout=30)
        assert p.returncode != 0 and "agent" in p.stderr, p.stderr
        log("ok guest on default: tap %s, lease %s (domifaddr too), pings its gateway, "
            "reachable" %
            (m.group(1), ip))
        step_guest_hotplug(d)
        ok = True
        return m.group(1)
    finally:
        if not ok:
            d.vshell("destroy", "netguest", check=False)
            d.vshell("undefine", "netguest", check=False)


def step_guest_hotplug(d):
    """A second NIC on default hotplugged into the running guest with stock
    virsh: vmmd opens the tap and passes it to QEMU (getfd); the tap lives
    only while QEMU holds it (vmmd closed its copy), so its presence on
    virbr0 is QEMU's.  The detach returns once the guest released the NIC
    (DEVICE_DELETED), and the tap goes with QEMU's netdev."""
    mac = "52:54:00:aa:20:02"
    d.virsh("attach-interface", "netguest", "network", "default", "--model", "virtio",
            "--mac", mac, "--live")
    live = d.vshell("dumpxml", "netguest")
    m = re.search(r"<interface type='network'>(?:(?!</interface>).)*%s.*?</interface>" % mac,
                  live, re.S)
    assert m, "no hotplugged NIC in the live XML:\n" + live
    tap = re.search(r"<target dev='(vnet\d+)'", m.group(0))
    assert tap and "<alias name='net" in m.group(0), m.group(0)
    tap = tap.group(1)
    contains(run("ip", "-d", "link", "show", tap), "master virbr0", "hotplugged tap")
    lacks(d.vshell("dumpxml", "netguest", "--inactive"), mac, "inactive XML")
    d.virsh("detach-interface", "netguest", "network", "--mac", mac, "--live")
    lacks(d.vshell("dumpxml", "netguest"), mac, "live XML after detach")
    wait_until("the hotplugged tap to go", lambda: not link_exists(tap), timeout=20)
    log("ok NIC hotplug on default: tap %s on virbr0, gone after the detach" % tap)


def net_xml(d, name, body):
    path = d.path(name + ".xml")
    with open(path, "w") as f:
        f.write("<network>\n  <name>%s</name>\n%s</network>\n" % (name, body))
    return path


def with_network(d, name, body, check):
    """Define and start network @name (@body inside <network>), run
    check(), then destroy and undefine it whatever happened."""
    d.vshell("net-define", net_xml(d, name, body))
    try:
        d.vshell("net-start", name)
        check()
    finally:
        d.vshell("net-destroy", name, check=False)
        d.vshell("net-undefine", name, check=False)


def ruleset_lines(pattern):
    return [l.strip() for l in run("nft", "list", "ruleset").splitlines() if re.search(pattern, l)]


def step_route(d):
    """forward mode='route': forward rules both ways, no masquerade; the
    upstream sees the client's own address."""
    def check():
        assert link_exists("vmmrt0")
        contains(run("ip", "-4", "addr", "show", "vmmrt0"), "inet 192.168.171.1/24", "vmmrt0")
        rules = ruleset_lines(r"192\.168\.171\.0/24")
        assert "ip saddr 192.168.171.0/24 accept" in rules, rules
        assert "ip daddr 192.168.171.0/24 accept" in rules, rules
        assert not [l for l in rules if "masquerade" in l or "snat" in l], rules
        out = upstream_sees(d, 1, "vmmrt0", "192.168.171.5", "192.168.171.1",
                            route_back="192.168.171.0/24")
        contains(out, "192.168.171.5", "routed source")
        lacks(out, "10.200.1.1", "routed source")
    with_network(d, "rtnet", "  <forward mode='route'/>\n  <bridge name='vmmrt0'/>\n"
                 "  <ip address='192.168.171.1' netmask='255.255.255.0'/>\n", check)
    lacks(run("nft", "list", "ruleset"), "192.168.171.", "ruleset after net-destroy")
    log("ok route: upstream saw 192.168.171.5, no masquerade")


def step_open(d):
    """forward mode='open': the bridge and its address, and not one rule of
    ours (the ruleset is as before); traffic is routed all the same."""
    before = run("nft", "list", "ruleset")

    def check():
        contains(run("ip", "-4", "addr", "show", "vmmop0"), "inet 192.168.172.1/24", "vmmop0")
        after = run("nft", "list", "ruleset")
        assert after == before, "net-start of an open network changed the ruleset:\n" + after
        out = upstream_sees(d, 2, "vmmop0", "192.168.172.5", "192.168.172.1",
                            route_back="192.168.172.0/24")
        contains(out, "192.168.172.5", "open network source")
    with_network(d, "opnet", "  <forward mode='open'/>\n  <bridge name='vmmop0'/>\n"
                 "  <ip address='192.168.172.1' netmask='255.255.255.0'/>\n", check)
    assert not link_exists("vmmop0"), "vmmop0 left behind"
    log("ok open: no rules of ours, upstream saw 192.168.172.5")


BRIDGE_NICS = """    <interface type='bridge'>
      <mac address='52:54:00:aa:30:01'/>
      <source bridge='br-test'/>
      <model type='virtio'/>
    </interface>
    <interface type='network'>
      <mac address='52:54:00:aa:30:02'/>
      <source network='brnet'/>
      <model type='virtio'/>
    </interface>
"""


def step_bridge(d, paths):
    """forward mode='bridge' onto a host bridge the test made: no dnsmasq,
    no rules, the bridge is not ours to delete; a guest's type='bridge' NIC
    and its type='network' NIC on that network both get taps on it."""
    run("ip", "link", "add", "br-test", "type", "bridge")
    run("ip", "link", "set", "br-test", "up")
    before = run("nft", "list", "ruleset")

    def check():
        info = d.virsh("net-info", "brnet")
        assert re.search(r"Active:\s+yes", info) and re.search(r"Bridge:\s+br-test", info), info
        assert d.dnsmasq_pid("brnet") == 0, "dnsmasq started for a bridge network"
        assert run("nft", "list", "ruleset") == before, "rules added for a bridge network"
        if paths:
            bridge_guest(d, paths)
    try:
        with_network(d, "brnet", "  <forward mode='bridge'/>\n  <bridge name='br-test'/>\n",
                     check)
        assert link_exists("br-test"), "net-destroy removed the host's bridge"
    finally:
        run("ip", "link", "del", "br-test", check=False)
    log("ok bridge: network on br-test without dnsmasq or rules%s" %
        (", guest taps joined it" if paths else ""))


def bridge_guest(d, paths):
    xml = d.path("brguest.xml")
    with open(xml, "w") as f:
        f.write(GUEST_XML.format(name="brguest", kernel=paths["KERNEL"],
                                 initrd=paths["INITRD"], serial=d.path("brguest.serial"),
                                 interfaces=BRIDGE_NICS))
    d.vshell("define", xml)
    try:
        d.vshell("start", "brguest")
        live = d.vshell("dumpxml", "brguest")
        taps = re.findall(r"<target dev='(vnet\d+)'", live)
        assert len(taps) == 2, live
        for tap in taps:
            assert link_index_master(tap)[1] == "br-test", run("ip", "link", "show", tap)
        d.vshell("destroy", "brguest")
        for tap in taps:
            wait_until("tap %s to go" % tap, lambda: not link_exists(tap), timeout=20)
    finally:
        d.vshell("destroy", "brguest", check=False)
        d.vshell("undefine", "brguest", check=False)


V6_CLIENT = """
busybox udhcpc -i {dev} -f -q -n -t 10 -T 1 -s {script} || exit 1
i=0
while ! ip -6 -o addr show dev {dev} scope global | grep 'inet6 fd00:174:' | grep -qv tentative
do
  i=$((i+1)); [ $i -gt 300 ] && {{ echo NO-SLAAC; ip -6 addr show dev {dev}; exit 1; }}
  busybox sleep 0.1
done
ip -6 -o addr show dev {dev} scope global | sed 's/^/V6 /'
busybox ping6 -c 1 -W 5 fd00:174::1 >/dev/null && echo PING6-OK
"""


def step_ipv6(d):
    """A dual-stack NAT network: a client gets its IPv4 lease and an IPv6
    address by SLAAC from dnsmasq's router advertisements, and pings the
    bridge's IPv6 address."""
    def check():
        contains(run("ip", "-6", "addr", "show", "vmmv6"), "inet6 fd00:174::1/64", "vmmv6")
        contains(run("nft", "list", "ruleset"), "ip6 saddr fd00:174::/64 accept", "ip6 rules")
        script = udhcpc_script(d)
        far = veth_add("vmmv6c", "52:54:00:aa:40:01", "vmmv6")
        p = ns_spawn(d, V6_CLIENT.format(dev=far, script=script), [far])
        out = ns_output(p, timeout=90)
        veth_gone("vmmv6c")
        contains(out, "BOUND vmmv6cc 192.168.174.", "IPv4 lease on the dual-stack network")
        assert re.search(r"V6 .* inet6 fd00:174::[0-9a-f:]+/64 ", out), out
        contains(out, "PING6-OK", "ping of fd00:174::1")
    with_network(d, "v6net", "  <forward mode='nat'/>\n  <bridge name='vmmv6'/>\n"
                 "  <ip address='192.168.174.1' netmask='255.255.255.0'>\n"
                 "    <dhcp><range start='192.168.174.10' end='192.168.174.20'/></dhcp>\n"
                 "  </ip>\n"
                 "  <ip family='ipv6' address='fd00:174::1' prefix='64'/>\n", check)
    log("ok IPv6: SLAAC address from the RA, bridge pinged over IPv6")


def link_index_master(name):
    """(ifindex, master) of link @name."""
    out = run("ip", "-o", "link", "show", "dev", name)
    m = re.match(r"(\d+): ", out)
    master = re.search(r" master (\S+) ", out)
    return int(m.group(1)), master and master.group(1)


def network_snapshot(d, tap):
    """What a vmmd restart must leave alone: dnsmasq, the rules, the bridge,
    every address, and the running guest's QEMU and tap."""
    snap = {
        "dnsmasq pid": d.dnsmasq_pid("default"),
        "nft ruleset": run("nft", "list", "ruleset"),
        "addresses": run("ip", "-o", "addr", "show"),
        "virbr0": link_index_master("virbr0"),
    }
    if tap:
        snap["qemu pid"] = d.qemu_pid("netguest")
        snap["tap"] = link_index_master(tap)
        assert snap["tap"][1] == "virbr0", snap["tap"]
    for k in ("dnsmasq pid", "qemu pid"):
        assert snap.get(k) != 0, "no %s" % k
    return snap


def same_snapshot(before, after, how):
    for k in before:
        assert before[k] == after[k], "%s changed over %s:\n%s\n-- now --\n%s" % \
            (k, how, before[k], after[k])


def step_restart(d, tap):
    """SIGTERM of vmmd, then kill -9, each with a restart, the guest (when
    there is one) running throughout: nothing of the network or the guest
    changes, and both are still managed afterwards."""
    before = network_snapshot(d, tap)
    d.stop()
    assert d.proc.returncode == 0, "vmmd exited %d on SIGTERM" % d.proc.returncode
    for k in ("dnsmasq pid", "qemu pid"):
        if k in before:
            assert pid_alive(before[k]), "%s %d went with vmmd" % (k, before[k])
    d.start()
    same_snapshot(before, network_snapshot(d, tap), "SIGTERM and a restart")
    if tap:
        contains(d.vshell("domstate", "netguest"), "running", "domstate after SIGTERM")
    log("ok SIGTERM and restart: same dnsmasq, QEMU, bridge, tap, rules and addresses")

    d.kill9()
    d.start()
    same_snapshot(before, network_snapshot(d, tap), "kill -9 and a restart")
    pid = before["dnsmasq pid"]
    assert re.search(r"default\s+active", d.vshell("net-list")), "default not active"
    out = dhcp_client(d, "virbr0", "vmmve1", "52:54:00:aa:10:02")
    contains(out, "BOUND vmmve1c 192.168.123.", "DHCP after the restart")
    log("ok kill -9 and restart: same dnsmasq %d serving, rules intact" % pid)
    if tap:
        # Still managed: destroy ends the same QEMU and removes its tap.
        d.vshell("destroy", "netguest")
        contains(d.vshell("domstate", "netguest"), "shut off", "domstate after destroy")
        wait_until("QEMU to exit", lambda: not pid_alive(before["qemu pid"]), timeout=20)
        wait_until("the guest's tap to go", lambda: not link_exists(tap), timeout=20)
        d.vshell("undefine", "netguest")
        log("ok the guest survived both restarts and destroy ended it")


def step_destroy_undefine(d):
    pid = d.dnsmasq_pid("default")
    d.virsh("net-destroy", "default")
    assert not link_exists("virbr0"), "virbr0 left behind"
    rules = run("nft", "list", "ruleset")
    lacks(rules, "virbr0", "nft ruleset after destroy")
    lacks(rules, "192.168.123.", "nft ruleset after destroy")
    wait_until("dnsmasq to go", lambda: not pid_alive(pid), timeout=10)
    assert not os.path.exists(d.path("run", "vmm", "network", "default.xml"))

    d.virsh("net-undefine", "default")
    assert not os.path.exists(d.path("etc", "vmm", "networks", "default.xml"))
    assert not os.path.lexists(d.path("etc", "vmm", "networks", "autostart", "default.xml"))
    assert os.path.exists(d.path("var", "lib", "vmm", "network", "default-removed"))
    d.stop()
    d.start()
    lacks(d.vshell("net-list", "--all"), "default", "net-list after undefine")
    assert not link_exists("virbr0")
    log("ok destroy leaves nothing; undefine removes the files and sticks")


def in_netns(vmmd, vshell, build_guest):
    run("ip", "link", "set", "lo", "up")
    d = Vmmd(vmmd, vshell)
    try:
        step_first_start(d)
        step_dhcp(d)
        step_update(d)
        step_nat(d)
        step_foreign_firewall(d)
        guest = tiny_guest(build_guest)
        tap = step_guest(d, guest)
        step_restart(d, tap)
        step_route(d)
        step_open(d)
        step_bridge(d, guest)
        step_ipv6(d)
        step_destroy_undefine(d)
    except BaseException:
        try:
            log("--- vmmd.log ---\n" + open(d.path("vmmd.log")).read())
        except OSError:
            pass
        raise
    finally:
        d.cleanup()
    return 0


def main():
    vmmd, vshell, build_guest = sys.argv[1], sys.argv[2], sys.argv[3]
    if os.environ.get(CHILD_ENV):
        return in_netns(vmmd, vshell, build_guest)
    return qit.rerun_in_netns(CHILD_ENV, ("unshare", "nft", "dnsmasq", "busybox", "virsh", "ip",
                                          "ss"), sys.argv)


if __name__ == "__main__":
    sys.exit(main())
