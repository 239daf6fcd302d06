#!/usr/bin/python3
# qemu_integration_test.py: vmmd with the QEMU driver under a temporary
# --root, driving the real tiny Linux guest (TCG) with vshell and stock virsh.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: qemu_integration_test.py VMMD VSHELL BUILD_TINY_GUEST CASE
# Exit 77 (skip) only when a prerequisite is absent: no QEMU, or no guest
# (build-tiny-guest says why, e.g. no network to fetch the kernel).
# Every wait polls with a deadline; nothing sleeps to synchronise.

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

QEMU = "/usr/bin/qemu-system-x86_64"
MARKER = "VMM-GUEST-READY"
# What the tiny guest prints when acpid sees the power button, and when its
# agent acts on guest-shutdown.
POWER_BUTTON = "VMM-GUEST-POWER-BUTTON"
AGENT_POWERDOWN = "VMM-GUEST-AGENT powerdown"
AGENT_REBOOT = "VMM-GUEST-AGENT reboot"
AGENT_CHANNEL = """    <channel type='unix'>
      <target type='virtio' name='org.qemu.guest_agent.0'/>
    </channel>
"""

GUEST_XML = """<domain type='qemu'>
  <name>{name}</name>
  <memory unit='MiB'>128</memory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='pc'>hvm</type>
    <kernel>{kernel}</kernel>
    <initrd>{initrd}</initrd>
    <cmdline>console=ttyS0 no_timer_check quiet{cmdline}</cmdline>
  </os>
  <features><acpi/></features>
{extra}  <devices>
    <serial type='file'>
      <source path='{serial}'/>
      <target port='0'/>
    </serial>
{devices}  </devices>
</domain>
"""


def log(*args):
    print(*args, flush=True)


def wait_until(what, pred, timeout=60.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while True:
        got = pred()
        if got:
            return got
        if time.monotonic() >= deadline:
            raise AssertionError("timed out after %.0f s waiting for %s" % (timeout, what))
        time.sleep(interval)


class Vmmd:
    """vmmd under a temporary --root (qemu:///system), or, with @user (a
    pwd entry), that user's qemu:///session daemon with HOME and
    XDG_RUNTIME_DIR in the temporary directory; vmmd and vshell then run
    as the user, who gets copies of the guest's files."""

    def __init__(self, vmmd, vshell, kernel, initrd, user=None):
        self.vmmd_bin = vmmd
        self.vshell_bin = vshell
        self.user = user
        self.root = tempfile.mkdtemp(prefix="vmm-it-")
        if user:
            os.chmod(self.root, 0o755)
            self.home = os.path.join(self.root, "home")
            self.xdg_run = os.path.join(self.root, "xdg-run")
            os.makedirs(self.home)
            os.makedirs(self.xdg_run, mode=0o700)
            self.files = self.home
            self.kernel = shutil.copy(kernel, self.home)
            self.initrd = shutil.copy(initrd, self.home)
            for path in (self.home, self.xdg_run, self.kernel, self.initrd):
                os.chown(path, user.pw_uid, user.pw_gid)
            self.run_dir = os.path.join(self.xdg_run, "vmm")
            mode = "session"
        else:
            self.files = self.root
            self.kernel = kernel
            self.initrd = initrd
            os.makedirs(os.path.join(self.root, "etc", "vmm"))
            # Tests run QEMU as root; job deadline short for the stalled case.
            with open(os.path.join(self.root, "etc", "vmm", "qemu.conf"), "w") as f:
                f.write('user = "root"\ngroup = "root"\njob_timeout = 3\n')
            # Few workers, so that calls stuck on one guest would exhaust them
            # (the stalled case); calls waiting for a job are logged.
            with open(os.path.join(self.root, "etc", "vmm", "vmmd.conf"), "w") as f:
                f.write('max_workers = 2\nlog_filters = "1:job-wait"\n')
            self.run_dir = os.path.join(self.root, "run", "vmm")
            mode = "system"
        self.sock = os.path.join(self.run_dir, "vmmd-sock")
        self.uri = "qemu+unix:///%s?socket=%s" % (mode, self.sock)
        self.proc = None
        self.start()

    def as_user(self, argv):
        """@argv run as the session user, in a clean environment."""
        if not self.user:
            return argv
        return ["setpriv", "--reuid=%d" % self.user.pw_uid, "--regid=%d" % self.user.pw_gid,
                "--clear-groups", "env", "-i", "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
                "HOME=" + self.home, "XDG_RUNTIME_DIR=" + self.xdg_run,
                "LC_ALL=C.UTF-8"] + argv

    def start(self):
        self.log = open(os.path.join(self.root, "vmmd.log"), "a")
        argv = [self.vmmd_bin] if self.user else [self.vmmd_bin, "--root", self.root]
        self.proc = subprocess.Popen(self.as_user(argv),
                                     stdout=self.log, stderr=subprocess.STDOUT)
        wait_until("vmmd's socket", lambda: self.proc.poll() is None and
                   self.vshell_ok("uri"), timeout=30)

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

    def cleanup(self):
        self.stop()
        # Guests left by a failed test: kill them by their status files.
        run = os.path.join(self.run_dir, "qemu")
        for f in os.listdir(run) if os.path.isdir(run) else []:
            if f.endswith(".xml"):
                pid = self.qemu_pid(f[:-4])
                if pid:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
        # dnsmasq of networks vmmd started (it outlives vmmd by design):
        # by the pid files under this root, so none is orphaned.
        piddir = os.path.join(self.run_dir, "network", "pid")
        for f in os.listdir(piddir) if os.path.isdir(piddir) else []:
            try:
                with open(os.path.join(piddir, f)) as pf:
                    pid = int(pf.read().strip() or 0)
                with open("/proc/%d/cmdline" % pid, "rb") as cf:
                    mine = self.root.encode() in cf.read()
            except (OSError, ValueError):
                continue
            if pid and mine:
                os.kill(pid, signal.SIGKILL)
        shutil.rmtree(self.root, ignore_errors=True)

    def vshell(self, *args, check=True, timeout=60):
        p = subprocess.run(self.as_user([self.vshell_bin, "-c", self.uri] + list(args)),
                           capture_output=True, text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise AssertionError("vshell %s failed (%d): %s%s" %
                                 (" ".join(args), p.returncode, p.stdout, p.stderr))
        return p

    def vshell_ok(self, *args):
        try:
            return self.vshell(*args, check=False, timeout=10).returncode == 0
        except subprocess.TimeoutExpired:
            return False

    def virsh(self, *args, check=True):
        env = dict(os.environ, LC_ALL="C")
        p = subprocess.run(["virsh", "-c", self.uri] + list(args), capture_output=True,
                           text=True, timeout=60, env=env)
        if check and p.returncode != 0:
            raise AssertionError("virsh %s failed (%d): %s%s" %
                                 (" ".join(args), p.returncode, p.stdout, p.stderr))
        return p

    def serial(self, name):
        return os.path.join(self.files, "serial-%s.log" % name)

    def guest_xml(self, name, extra="", devices="", cmdline=""):
        """Write the tiny guest's XML (@extra in <domain>, @devices in
        <devices>, @cmdline added to the kernel's) to ROOT/NAME.xml;
        returns the path."""
        path = os.path.join(self.root, name + ".xml")
        with open(path, "w") as f:
            f.write(GUEST_XML.format(name=name, kernel=self.kernel, initrd=self.initrd,
                                     serial=self.serial(name), extra=extra,
                                     devices=devices,
                                     cmdline=" " + cmdline if cmdline else ""))
        return path

    def define(self, name, extra="", devices="", cmdline=""):
        path = self.guest_xml(name, extra, devices, cmdline)
        self.vshell("define", path)
        return path

    def state(self, name):
        out = self.vshell("domstate", name, "--reason").stdout.strip()
        return out

    def wait_state(self, name, want, timeout=60):
        wait_until("domain %s to be '%s'" % (name, want),
                   lambda: self.state(name) == want, timeout=timeout)

    def markers(self, name, text=MARKER):
        try:
            with open(self.serial(name), errors="replace") as f:
                return f.read().count(text)
        except FileNotFoundError:
            return 0

    def wait_markers(self, name, n, timeout=90, text=MARKER):
        wait_until("%d '%s' line(s) of %s on its serial port" % (n, text, name),
                   lambda: self.markers(name, text) >= n, timeout=timeout)

    def qemu_pid(self, name):
        try:
            with open(os.path.join(self.run_dir, "qemu", name + ".xml")) as f:
                m = re.search(r"pid='(\d+)'", f.read())
                return int(m.group(1)) if m else None
        except FileNotFoundError:
            return None


class Qmp:
    """A QMP client of our own on a domain's monitor socket, for what a
    test does behind vmmd's back while vmmd is down."""

    def __init__(self, d, name):
        import json
        import socket
        self.json = json
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(os.path.join(d.run_dir, "qemu", name + ".d", "monitor.sock"))
        self.file = self.sock.makefile("r")
        assert "QMP" in self.json.loads(self.file.readline())
        self.command("qmp_capabilities")

    def command(self, name):
        self.sock.sendall(self.json.dumps({"execute": name}).encode() + b"\n")
        while True:
            msg = self.json.loads(self.file.readline())
            if "return" in msg:
                return msg["return"]
            assert "error" not in msg, msg

    def close(self):
        self.file.close()
        self.sock.close()


class EventWatch:
    """virsh event --loop in the background, collecting its lines."""

    def __init__(self, d):
        env = dict(os.environ, LC_ALL="C")
        self.proc = subprocess.Popen(["virsh", "-c", d.uri, "event", "--event", "lifecycle",
                                      "--loop", "--timeout", "120"],
                                     stdout=subprocess.PIPE, text=True, env=env)
        self.lines = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            with self.lock:
                self.lines.append(line.strip())

    def has(self, text):
        with self.lock:
            return any(text in l for l in self.lines)

    def close(self):
        self.proc.terminate()
        self.proc.wait()


class LifecycleEvents:
    """A python3-libvirt client of vmmd registered for lifecycle events.
    Registering is a call that returns once vmmd holds the registration,
    so no event after the constructor can be missed."""

    loop_started = False

    def __init__(self, d):
        import libvirt
        self.libvirt = libvirt
        if not LifecycleEvents.loop_started:
            libvirt.virEventRegisterDefaultImpl()
            threading.Thread(target=self._loop, daemon=True).start()
            LifecycleEvents.loop_started = True
        self.conn = libvirt.open(d.uri)
        self.events = []
        self.lock = threading.Lock()
        self.cb = self.conn.domainEventRegisterAny(
            None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, self._event, None)

    def _loop(self):
        while True:
            self.libvirt.virEventRunDefaultImpl()

    def _event(self, conn, dom, event, detail, opaque):
        with self.lock:
            self.events.append((dom.name(), event, detail))

    def wait(self, name, event, detail, timeout=30):
        """Until @name's (VIR_DOMAIN_EVENT_@event, its @detail) arrived."""
        lv = self.libvirt
        want = (name, getattr(lv, "VIR_DOMAIN_EVENT_" + event),
                getattr(lv, "VIR_DOMAIN_EVENT_%s_%s" % (event, detail)))

        def seen():
            with self.lock:
                return want in self.events
        try:
            wait_until("event %s %s of %s" % (event, detail, name), seen, timeout=timeout)
        except AssertionError as e:
            raise AssertionError("%s; got %r" % (e, self.events)) from None

    def count(self, name, event):
        code = getattr(self.libvirt, "VIR_DOMAIN_EVENT_" + event)
        with self.lock:
            return sum(1 for e in self.events if e[:2] == (name, code))

    def close(self):
        self.conn.domainEventDeregisterAny(self.cb)
        self.conn.close()


# ---------------------------------------------------------------------
# Cases

def case_lifecycle(d):
    """vshell: define, start (marker), suspend/resume, reboot (marker twice),
    reset (a third time), shutdown (the guest powers off), start, destroy, undefine; a
    python3-libvirt client registered through vmmd gets each step's
    lifecycle event with libvirt's detail."""
    ev = LifecycleEvents(d)
    try:
        lifecycle_steps(d, ev)
    finally:
        ev.close()


def lifecycle_steps(d, ev):
    def event(name, detail):
        ev.wait("tiny", name, detail)

    d.define("tiny")
    event("DEFINED", "ADDED")
    d.vshell("start", "tiny")
    event("STARTED", "BOOTED")
    assert d.state("tiny") == "running (booted)", d.state("tiny")
    assert "tiny" in d.vshell("list").stdout
    d.wait_markers("tiny", 1)

    d.vshell("suspend", "tiny")
    assert d.state("tiny") == "paused (user)", d.state("tiny")
    event("SUSPENDED", "PAUSED")
    info = d.vshell("dominfo", "tiny").stdout
    assert re.search(r"State:\s+paused", info), info
    d.vshell("resume", "tiny")
    assert d.state("tiny") == "running (unpaused)", d.state("tiny")
    event("RESUMED", "UNPAUSED")

    # reboot (ACPI, libvirt's fake reboot): the guest sees the power button
    # and powers off; vmmd resets it in the same QEMU instead of stopping.
    pid = d.qemu_pid("tiny")
    d.vshell("reboot", "tiny")
    d.wait_markers("tiny", 2)
    assert d.markers("tiny", POWER_BUTTON) == 1, d.markers("tiny", POWER_BUTTON)
    d.wait_state("tiny", "running (booted)", timeout=10)
    assert d.qemu_pid("tiny") == pid

    # reset: the guest boots again at once (no power button) in the same
    # QEMU; the domain stays running (booted), with no lifecycle event.
    with ev.lock:
        before = list(ev.events)
    d.vshell("reset", "tiny")
    d.wait_markers("tiny", 3)
    assert d.markers("tiny", POWER_BUTTON) == 1, d.markers("tiny", POWER_BUTTON)
    assert d.qemu_pid("tiny") == pid
    assert d.state("tiny") == "running (booted)", d.state("tiny")
    with ev.lock:
        assert ev.events == before, (before, ev.events)

    # The guest powers itself off on the ACPI button; QEMU then exits.  The
    # power-off is the guest's own (QEMU's SHUTDOWN says guest: true).
    d.vshell("shutdown", "tiny")
    d.wait_state("tiny", "shut off (shutdown)", timeout=30)
    event("SHUTDOWN", "GUEST")
    event("STOPPED", "SHUTDOWN")
    # The fake reboot's power-off was no shutdown of the domain.
    assert ev.count("tiny", "SHUTDOWN") == 1, ev.events
    assert ev.count("tiny", "STOPPED") == 1, ev.events

    d.vshell("start", "tiny")
    d.wait_state("tiny", "running (booted)", timeout=5)
    d.vshell("destroy", "tiny")
    assert d.state("tiny") == "shut off (destroyed)", d.state("tiny")
    event("STOPPED", "DESTROYED")
    d.vshell("undefine", "tiny")
    assert "tiny" not in d.vshell("list", "--all").stdout
    event("UNDEFINED", "REMOVED")


def case_virsh(d):
    """Stock virsh: define, start, marker, dominfo, shutdown, undefine."""
    if not shutil.which("virsh"):
        log("SKIP: virsh is not installed")
        return 77
    path = d.guest_xml("vguest")
    d.virsh("define", path)
    d.virsh("start", "vguest")
    info = d.virsh("dominfo", "vguest").stdout
    assert re.search(r"State:\s+running", info), info
    assert re.search(r"Persistent:\s+yes", info), info
    d.wait_markers("vguest", 1)
    assert "running" in d.virsh("list").stdout
    d.virsh("shutdown", "vguest")
    wait_until("virsh domstate shut off",
               lambda: d.virsh("domstate", "vguest", "--reason").stdout.strip() ==
               "shut off (shutdown)", timeout=30)
    d.virsh("undefine", "vguest")
    assert "vguest" not in d.virsh("list", "--all").stdout
    check_domcapabilities(d)


def check_domcapabilities(d):
    """domcapabilities over the wire (virsh and vshell), and virt-install,
    which reads capabilities and domcapabilities: --print-xml, then
    --import of the tiny guest defined and started through vmmd."""
    caps = d.virsh("domcapabilities").stdout
    assert "<domainCapabilities>" in caps and "<path>%s</path>" % QEMU in caps, caps
    caps = d.vshell("domcapabilities", "--virttype", "qemu", "--arch", "x86_64",
                    "--machine", "q35").stdout
    assert "<domain>qemu</domain>" in caps and "<machine>pc-q35-" in caps, caps
    p = d.virsh("domcapabilities", "--machine", "no-such-machine", check=False)
    assert p.returncode != 0 and "no-such-machine" in p.stderr, p.stderr
    if not shutil.which("virt-install"):
        log("virt-install is not installed: skipped")
        return
    common = ["--connect", d.uri, "--name", "viguest", "--memory", "128", "--vcpus", "1",
              "--virt-type", "qemu", "--osinfo", "detect=off,require=off", "--import",
              "--disk", "none", "--network", "none", "--graphics", "none",
              "--boot", "kernel=%s,initrd=%s,kernel_args=console=ttyS0 no_timer_check" % (d.kernel,
                                                                           d.initrd)]
    env = dict(os.environ, LC_ALL="C")
    p = subprocess.run(["virt-install", "--print-xml"] + common, capture_output=True,
                       text=True, timeout=120, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    assert "<emulator>%s</emulator>" % QEMU in p.stdout, p.stdout
    p = subprocess.run(["virt-install", "--noautoconsole"] + common, capture_output=True,
                       text=True, timeout=120, env=env)
    assert p.returncode == 0, p.stdout + p.stderr
    d.wait_state("viguest", "running (booted)")
    d.vshell("destroy", "viguest")
    d.vshell("undefine", "viguest")
    log("ok domcapabilities (virsh, vshell) and virt-install --print-xml / --import")


def case_crash(d):
    """kill -9 of QEMU: shut off (crashed); virsh event and a python3-libvirt
    client see Stopped Failed, as libvirt reports an unexpected exit.  Then
    guest kernel panics through pvpanic: Crashed Panicked, and with
    on_crash destroy Stopped Crashed, with preserve crashed (panicked)."""
    d.define("crashy")
    ev = EventWatch(d) if shutil.which("virsh") else None
    py = LifecycleEvents(d)
    try:
        crash_steps(d, ev, py)
    finally:
        py.close()
        if ev:
            ev.close()


def crash_steps(d, ev, py):
    def virsh_saw(line):
        if ev:
            wait_until("virsh event to print: " + line, lambda: ev.has(line), timeout=20)

    d.vshell("start", "crashy")
    if ev:
        wait_until("the Started event", lambda: ev.has("Started"), timeout=20)
    pid = d.qemu_pid("crashy")
    assert pid
    os.kill(pid, signal.SIGKILL)
    d.wait_state("crashy", "shut off (crashed)", timeout=20)
    py.wait("crashy", "STOPPED", "FAILED")
    assert py.count("crashy", "STOPPED") == 1, py.events
    # libvirt reports an unexpected QEMU exit as STOPPED_FAILED.
    virsh_saw("event 'lifecycle' for domain 'crashy': Stopped Failed")
    d.vshell("undefine", "crashy")

    # The guest's kernel panics once booted (vmm_panic, see build-tiny-guest)
    # and tells QEMU through the ISA pvpanic device.
    panic = "    <panic model='isa'/>\n"
    d.define("panicky", devices=panic, cmdline="vmm_panic")
    d.vshell("start", "panicky")
    py.wait("panicky", "CRASHED", "PANICKED", timeout=90)
    py.wait("panicky", "STOPPED", "CRASHED")
    d.wait_state("panicky", "shut off (crashed)", timeout=20)
    assert d.markers("panicky", "VMM-GUEST-PANIC") == 1
    virsh_saw("event 'lifecycle' for domain 'panicky': Crashed Panicked")
    virsh_saw("event 'lifecycle' for domain 'panicky': Stopped Crashed")
    d.vshell("undefine", "panicky")

    # on_crash preserve: QEMU stays, the domain crashed (panicked) until
    # destroyed.
    d.define("wreck", "  <on_crash>preserve</on_crash>\n", devices=panic, cmdline="vmm_panic")
    d.vshell("start", "wreck")
    pid = d.qemu_pid("wreck")
    py.wait("wreck", "CRASHED", "PANICKED", timeout=90)
    d.wait_state("wreck", "crashed (panicked)", timeout=20)
    assert d.qemu_pid("wreck") == pid and py.count("wreck", "STOPPED") == 0, py.events
    d.vshell("destroy", "wreck")
    py.wait("wreck", "STOPPED", "DESTROYED")
    d.vshell("undefine", "wreck")


def case_vmmd_restart(d):
    """kill -9 of vmmd and a restart: the guest still runs and is managed."""
    d.define("keeper")
    d.vshell("start", "keeper")
    d.wait_markers("keeper", 1)
    pid = d.qemu_pid("keeper")
    d.kill9()
    # QEMU lives on without vmmd.
    with open("/proc/%d/status" % pid) as f:
        assert "State:\tZ" not in f.read()
    d.start()
    assert d.qemu_pid("keeper") == pid
    # The reason survives too (kept in the status file).
    assert d.state("keeper") == "running (booted)", d.state("keeper")
    d.vshell("suspend", "keeper")
    assert d.state("keeper") == "paused (user)", d.state("keeper")
    d.vshell("resume", "keeper")
    # Still the same guest: ACPI shutdown reaches it through the new vmmd.
    d.vshell("shutdown", "keeper")
    d.wait_state("keeper", "shut off (shutdown)", timeout=30)
    # The guest powers off while vmmd is away: QEMU waits (-no-shutdown)
    # and the restarted vmmd finishes the shutdown (on_poweroff destroy).
    d.vshell("start", "keeper")
    d.wait_markers("keeper", 1)
    d.kill9()
    qmp = Qmp(d, "keeper")
    try:
        qmp.command("system_powerdown")
        wait_until("the guest to power off", lambda: qmp.command("query-status")["status"] ==
                   "shutdown", timeout=30)
    finally:
        qmp.close()
    d.start()
    d.wait_state("keeper", "shut off (shutdown)", timeout=30)
    d.vshell("start", "keeper")
    d.vshell("destroy", "keeper")
    assert d.state("keeper") == "shut off (destroyed)", d.state("keeper")
    d.vshell("undefine", "keeper")


def case_stalled(d):
    """A SIGSTOPped QEMU: its calls fail at the deadline, others go on."""
    d.define("stuck")
    d.define("fine")
    d.vshell("start", "stuck")
    d.vshell("start", "fine")
    pid = d.qemu_pid("stuck")
    os.kill(pid, signal.SIGSTOP)
    try:
        # The message names the deadline that ended the call.
        p = d.vshell("suspend", "stuck", check=False)
        assert p.returncode != 0
        assert "monitor of domain 'stuck' not responding (job suspend, waited 3 s)" in \
            p.stderr, p.stderr

        # More calls pile up on the stuck guest than vmmd has workers: one
        # holds the job (its monitor silent), the others wait for the job,
        # each lending its worker's place.  A call on another guest is
        # answered while they all still wait.
        vmmd_log = os.path.join(d.root, "vmmd.log")
        before = open(vmmd_log).read().count("job-wait: domain 'stuck'")
        stuck_calls = [subprocess.Popen([d.vshell_bin, "-c", d.uri, "suspend", "stuck"],
                                        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True) for _ in range(5)]
        try:
            wait_until("4 calls waiting for the stuck guest's job", lambda:
                       open(vmmd_log).read().count("job-wait: domain 'stuck'") -
                       before >= 4, timeout=30, interval=0.02)
            d.vshell("suspend", "fine")
            pending = [p for p in stuck_calls if p.poll() is None]
            assert pending, "every stuck call ended before the other guest's call"
            d.vshell("resume", "fine")
        finally:
            errs = [p.communicate(timeout=60)[1] for p in stuck_calls]
        for p, err in zip(stuck_calls, errs):
            assert p.returncode != 0
            assert "not responding" in err or "cannot acquire state change lock" in err, err

        # Queries of the stuck guest answer while a call on it holds its
        # job (a second call logs that it waits for it), before either ends.
        before = open(vmmd_log).read().count("job-wait: domain 'stuck'")
        held = [subprocess.Popen([d.vshell_bin, "-c", d.uri, "suspend", "stuck"],
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                for _ in range(2)]
        try:
            wait_until("a call waiting for the stuck guest's job", lambda:
                       open(vmmd_log).read().count("job-wait: domain 'stuck'") > before,
                       timeout=30, interval=0.02)
            out = d.vshell("list").stdout
            assert "stuck" in out and "fine" in out, out
            assert "<name>stuck</name>" in d.vshell("dumpxml", "stuck").stdout
            assert re.search(r"State:\s+running", d.vshell("dominfo", "stuck").stdout)
            d.vshell("suspend", "fine")
            assert d.state("fine") == "paused (user)"
            d.vshell("resume", "fine")
            assert [p for p in held if p.poll() is None], \
                "the calls on the stuck guest ended before the queries"
        finally:
            for p in held:
                p.communicate(timeout=60)
        # destroy needs no monitor: it works on the stopped QEMU.
        d.vshell("destroy", "stuck")
        assert d.state("stuck") == "shut off (destroyed)", d.state("stuck")
    finally:
        try:
            os.kill(pid, signal.SIGCONT)
        except ProcessLookupError:
            pass
    d.vshell("destroy", "fine")
    d.vshell("undefine", "stuck")
    d.vshell("undefine", "fine")


def case_poweroff_restart(d):
    """on_poweroff restart: the guest powers off, QEMU stays and the guest
    boots again (the marker twice), the domain still running."""
    d.define("phoenix", "  <on_poweroff>restart</on_poweroff>\n")
    d.vshell("start", "phoenix")
    d.wait_markers("phoenix", 1)
    pid = d.qemu_pid("phoenix")
    d.vshell("shutdown", "phoenix")
    d.wait_markers("phoenix", 2)
    assert d.state("phoenix").startswith("running"), d.state("phoenix")
    assert d.qemu_pid("phoenix") == pid
    d.vshell("destroy", "phoenix")
    d.vshell("undefine", "phoenix")


def case_agent(d):
    """shutdown and reboot --mode agent through the tiny guest's agent
    (guest-sync, guest-shutdown), with vshell and stock virsh; a domain
    without the agent channel gets a clear error."""
    d.define("agent", devices=AGENT_CHANNEL)
    d.vshell("start", "agent")
    d.wait_markers("agent", 1)
    ev = EventWatch(d) if shutil.which("virsh") else None
    try:
        # reboot: guest-shutdown mode reboot, the guest resets itself.
        d.vshell("reboot", "agent", "--mode", "agent")
        d.wait_markers("agent", 2)
        assert d.markers("agent", AGENT_REBOOT) == 1
        assert d.markers("agent", POWER_BUTTON) == 0
        assert d.state("agent").startswith("running"), d.state("agent")
        # shutdown: guest-shutdown mode powerdown; no power button pressed.
        if ev:
            d.virsh("shutdown", "agent", "--mode", "agent")
        else:
            d.vshell("shutdown", "agent", "--mode", "agent")
        d.wait_state("agent", "shut off (shutdown)", timeout=30)
        assert d.markers("agent", AGENT_POWERDOWN) == 1
        assert d.markers("agent", POWER_BUTTON) == 0
        if ev:
            wait_until("the Stopped Shutdown event", lambda: ev.has("Stopped Shutdown"),
                       timeout=20)
    finally:
        if ev:
            ev.close()
    p = d.vshell("shutdown", "agent", "--mode", "bogus", check=False)
    assert p.returncode != 0 and "Unknown mode bogus value" in p.stderr, p.stderr

    d.define("noagent")
    d.vshell("start", "noagent")
    p = d.vshell("shutdown", "noagent", "--mode", "agent", check=False)
    assert p.returncode != 0
    assert "argument unsupported: QEMU guest agent is not configured" in p.stderr, p.stderr
    assert d.state("noagent") == "running (booted)", d.state("noagent")
    d.vshell("destroy", "noagent")
    d.vshell("undefine", "noagent")
    d.vshell("undefine", "agent")


def case_reboot_destroy(d):
    """on_reboot destroy: reboot turns into a shutdown (as libvirt), the
    domain ends shut off (shutdown) instead of booting again."""
    d.define("once", "  <on_reboot>destroy</on_reboot>\n")
    d.vshell("start", "once")
    d.wait_markers("once", 1)
    d.vshell("reboot", "once")
    d.wait_state("once", "shut off (shutdown)", timeout=30)
    assert d.markers("once", POWER_BUTTON) == 1
    assert d.markers("once") == 1
    d.vshell("undefine", "once")


def proc_uid(pid):
    with open("/proc/%d/status" % pid) as f:
        return int(re.search(r"^Uid:\s+(\d+)", f.read(), re.M).group(1))


def case_session(d):
    """qemu:///session as an unprivileged user: that user's vmmd defines and
    starts the tiny guest with user-mode networking (the guest gets its
    DHCP lease from QEMU), QEMU runs as the user, ACPI shutdown works."""
    import pwd
    if os.geteuid() != 0:
        log("SKIP: not root, cannot switch to an unprivileged user")
        return 77
    if not shutil.which("setpriv"):
        log("SKIP: setpriv (util-linux) is not installed")
        return 77
    user = pwd.getpwnam("nobody")
    s = Vmmd(d.vmmd_bin, d.vshell_bin, d.kernel, d.initrd, user=user)
    try:
        s.define("sess", devices="""    <interface type='user'>
      <model type='virtio'/>
    </interface>
""")
        s.vshell("start", "sess")
        assert s.state("sess") == "running (booted)", s.state("sess")
        pid = s.qemu_pid("sess")
        assert pid and proc_uid(pid) == user.pw_uid
        s.wait_markers("sess", 1)
        # slirp's DHCP server and gateway answer the guest.
        s.wait_markers("sess", 1, text="VMM-GUEST-IP eth0 10.0.2.15")
        s.wait_markers("sess", 1, text="VMM-GUEST-PING 10.0.2.2 ok")
        s.vshell("shutdown", "sess")
        s.wait_state("sess", "shut off (shutdown)", timeout=30)
        s.vshell("undefine", "sess")
    except BaseException:
        with open(os.path.join(s.root, "vmmd.log")) as f:
            log("--- session vmmd log ---\n" + f.read())
        raise
    finally:
        s.cleanup()


def case_definitions_crash(d):
    """A crash before the definitions' checkpoint: what a power cut could
    have done to the files (a truncated definition, a lost one, a removal
    that never reached the disk) is undone from the journal at start-up."""
    os.environ["VMM_JOURNAL_CHECKPOINT_MS"] = "600000"    # no checkpoint now
    try:
        d.stop()
        d.start()
        for name in ("jc-a", "jc-b", "jc-gone"):
            d.define(name)
        again = os.path.join(d.root, "jc-a-again.xml")
        with open(again, "w") as f:
            f.write(d.vshell("dumpxml", "jc-a").stdout.replace(
                "</name>", "</name>\n  <description>second</description>", 1))
        d.vshell("define", again)
        d.vshell("undefine", "jc-gone")
        d.kill9()
    finally:
        del os.environ["VMM_JOURNAL_CHECKPOINT_MS"]
    conf = os.path.join(d.root, "etc", "vmm", "qemu")
    assert os.path.exists(os.path.join(conf, ".journal"))
    open(os.path.join(conf, "jc-a.xml"), "w").close()
    os.unlink(os.path.join(conf, "jc-b.xml"))
    shutil.copy(os.path.join(d.root, "jc-gone.xml"), os.path.join(conf, "jc-gone.xml"))

    d.start()
    names = sorted(l.split()[1] for l in d.vshell("list", "--all").stdout.splitlines()[2:]
                   if l.strip())
    assert names == ["jc-a", "jc-b"], names
    assert "<description>second</description>" in d.vshell("dumpxml", "jc-a").stdout
    with open(os.path.join(conf, "jc-a.xml")) as f:
        assert "<description>second</description>" in f.read()
    assert os.path.getsize(os.path.join(conf, "jc-b.xml")) > 0
    assert not os.path.exists(os.path.join(conf, "jc-gone.xml"))
    # Replayed once: a clean stop and start changes nothing.
    d.stop()
    d.start()
    assert "<description>second</description>" in d.vshell("dumpxml", "jc-a").stdout
    for name in ("jc-a", "jc-b"):
        d.vshell("undefine", name)


CASES = {
    "lifecycle": case_lifecycle,
    "virsh": case_virsh,
    "crash": case_crash,
    "vmmd-restart": case_vmmd_restart,
    "stalled": case_stalled,
    "poweroff-restart": case_poweroff_restart,
    "agent": case_agent,
    "reboot-destroy": case_reboot_destroy,
    "session": case_session,
    "definitions-crash": case_definitions_crash,
}


def rerun_in_netns(child_env, progs, argv):
    """Run python with @argv again in a network namespace of its own, with
    @child_env set in its environment; its exit status, or 77 (skip) when
    not root, a program of @progs is missing or no namespace can be made."""
    if os.geteuid() != 0:
        log("SKIP: needs root for network namespaces")
        return 77
    for prog in progs:
        if not shutil.which(prog):
            log("SKIP: %s is not installed" % prog)
            return 77
    if subprocess.run(["unshare", "-n", "true"]).returncode != 0:
        log("SKIP: cannot create a network namespace")
        return 77
    env = dict(os.environ, **{child_env: "1"})
    return subprocess.run(["unshare", "-n", "--", sys.executable] + argv, env=env).returncode


def run_cases(cases):
    """Build the guest, start vmmd under a temp root and run the case named
    by argv[4] from @cases (name -> function of a Vmmd); 77 to skip."""
    vmmd, vshell, build_guest, case = sys.argv[1:5]
    if not os.access(QEMU, os.X_OK):
        log("SKIP: %s is not installed" % QEMU)
        return 77
    p = subprocess.run([build_guest], capture_output=True, text=True, timeout=900)
    if p.returncode == 77:
        log("SKIP: no tiny guest: %s" % p.stderr.strip())
        return 77
    if p.returncode != 0:
        raise AssertionError("build-tiny-guest failed: %s" % p.stderr)
    paths = dict(l.split("=", 1) for l in p.stdout.split() if "=" in l)
    d = Vmmd(vmmd, vshell, paths["KERNEL"], paths["INITRD"])
    ok = False
    try:
        rc = cases[case](d)
        ok = True
        return rc or 0
    finally:
        if not ok:
            try:
                with open(os.path.join(d.root, "vmmd.log")) as f:
                    log("--- vmmd log ---\n" + f.read())
            except OSError:
                pass
        d.cleanup()


def main():
    return run_cases(CASES)


if __name__ == "__main__":
    sys.exit(main())
