#!/usr/bin/python3
# console_integration_test.py: consoles of real guests through vmmd's RPC
# streams: `virsh console` and `vshell console` on a PTY of the test's own,
# reading the tiny guest's marker off its serial port; Ctrl-] leaves;
# --force takes a console over; a client vanishing mid-stream leaves the
# daemon serving.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: console_integration_test.py VMMD VSHELL BUILD_TINY_GUEST CASE
# Exit 77 (skip) without QEMU or without the guest.  Every wait has a
# deadline.

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu_integration_test import MARKER, run_cases, wait_until  # noqa: E402

CONSOLE_XML = """<domain type='qemu'>
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
    <serial type='pty'>
      <target port='0'/>
    </serial>
    <console type='pty'/>
  </devices>
</domain>
"""

NO_CONSOLE_XML = CONSOLE_XML.replace("""    <serial type='pty'>
      <target port='0'/>
    </serial>
    <console type='pty'/>
""", "")

CTRL_RBRACKET = b"\x1d"


class Console:
    """A console client (virsh or vshell) on a PTY of our own."""

    def __init__(self, argv):
        self.master, slave = pty.openpty()
        env = dict(os.environ, LC_ALL="C")
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave,
                                     start_new_session=True, env=env)
        os.close(slave)
        self.buf = b""

    def _read(self, timeout):
        r, _, _ = select.select([self.master], [], [], max(timeout, 0))
        if not r:
            return False
        try:
            data = os.read(self.master, 65536)
        except OSError:        # EIO: the client exited and closed the PTY
            data = b""
        self.buf += data
        return bool(data)

    def wait_for(self, text, timeout=90):
        deadline = time.monotonic() + timeout
        while text.encode() not in self.buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("timed out after %.0f s waiting for %r on the console; "
                                     "got %r" % (timeout, text, self.buf[-2000:]))
            if not self._read(left) and self.proc.poll() is not None:
                self._read(0.2)
                if text.encode() in self.buf:
                    break
                raise AssertionError("console client exited (%s) before %r; got %r" %
                                     (self.proc.returncode, text, self.buf[-2000:]))

    def send(self, data):
        os.write(self.master, data)

    def wait_exit(self, timeout=20):
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None:
            if time.monotonic() >= deadline:
                raise AssertionError("console client still running after %.0f s; got %r" %
                                     (timeout, self.buf[-2000:]))
            self._read(0.1)
        self._read(0.1)
        return self.proc.returncode

    def text(self):
        return self.buf.decode(errors="replace")

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        os.close(self.master)


def define(d, name, xml=CONSOLE_XML):
    path = os.path.join(d.root, name + ".xml")
    with open(path, "w") as f:
        f.write(xml.format(name=name, kernel=d.kernel, initrd=d.initrd))
    d.vshell("define", path)


def virsh_console(d, name, *extra):
    return Console(["virsh", "-c", d.uri, "console", name] + list(extra))


def vshell_console(d, name, *extra):
    return Console([d.vshell_bin, "-c", d.uri, "console", name] + list(extra))


def console_fails(d, fn, name, *extra):
    """Run a console client that must fail; its output."""
    con = fn(d, name, *extra)
    try:
        rc = con.wait_exit(timeout=30)
        if rc == 0:
            raise AssertionError("console of %s succeeded: %r" % (name, con.text()))
        return con.text()
    finally:
        con.close()


def start_paused(d, name):
    """Started paused, so that nothing the guest prints before the console
    attaches is lost (a PTY nobody reads drops its output)."""
    d.vshell("start", name, "--paused")
    d.wait_state(name, "paused (user)")


def boot_and_read_marker(d, name, console_fn):
    start_paused(d, name)
    con = console_fn(d, name)
    try:
        con.wait_for("Escape character is ^] (Ctrl + ])", timeout=30)
        d.vshell("resume", name)
        con.wait_for(MARKER)
        con.send(CTRL_RBRACKET)
        rc = con.wait_exit()
        if rc != 0:
            raise AssertionError("console exited %d: %s" % (rc, con.text()))
        if "Connected to domain '%s'" % name not in con.text():
            raise AssertionError("no banner: %r" % con.text())
    finally:
        con.close()


def virsh_state(d, name):
    return d.virsh("domstate", name).stdout.strip()


def case_virsh(d):
    """Stock virsh alone drives the real VM through vmmd: define, start,
    console (the marker), dominfo, shutdown, undefine."""
    path = os.path.join(d.root, "cv.xml")
    with open(path, "w") as f:
        f.write(CONSOLE_XML.format(name="cv", kernel=d.kernel, initrd=d.initrd))
    assert "Domain 'cv' defined" in d.virsh("define", path).stdout
    d.virsh("start", "cv", "--paused")
    wait_until("cv paused", lambda: virsh_state(d, "cv") == "paused", timeout=60)
    con = virsh_console(d, "cv")
    try:
        con.wait_for("Escape character is ^] (Ctrl + ])", timeout=30)
        d.virsh("resume", "cv")
        con.wait_for(MARKER)
        con.send(CTRL_RBRACKET)
        if con.wait_exit() != 0:
            raise AssertionError("virsh console failed: %s" % con.text())
        if "Connected to domain 'cv'" not in con.text():
            raise AssertionError("no banner: %r" % con.text())
    finally:
        con.close()
    info = d.virsh("dominfo", "cv").stdout
    assert re.search(r"(?m)^State:\s+running$", info), info
    assert re.search(r"(?m)^Persistent:\s+yes$", info), info
    # The guest's acpid is up (the marker follows it): ACPI shutdown works.
    d.virsh("shutdown", "cv")
    wait_until("cv shut off", lambda: virsh_state(d, "cv") == "shut off", timeout=60)
    assert "Domain 'cv' has been undefined" in d.virsh("undefine", "cv").stdout
    assert "cv" not in d.virsh("list", "--all", "--name").stdout
    define(d, "cv")
    boot_and_read_marker(d, "cv", virsh_console)
    # The console opens again; keystrokes travel without upsetting anything.
    con = virsh_console(d, "cv")
    try:
        con.wait_for("Escape character", timeout=30)
        con.send(b"hello\r")
        time.sleep(0.2)     # let the bytes cross before leaving (no sync point)
        con.send(CTRL_RBRACKET)
        if con.wait_exit() != 0:
            raise AssertionError("virsh console failed: %s" % con.text())
    finally:
        con.close()
    d.vshell("destroy", "cv")


def case_vshell(d):
    define(d, "cs")
    boot_and_read_marker(d, "cs", vshell_console)
    # A domain without a serial console: a clear error, no hang.
    define(d, "nocons", NO_CONSOLE_XML)
    d.vshell("start", "nocons")
    out = console_fails(d, vshell_console, "nocons")
    if "has no serial console" not in out:
        raise AssertionError("console of a domain without one: %r" % out)
    d.vshell("destroy", "nocons")
    # Not running: refused.
    d.vshell("destroy", "cs")
    out = console_fails(d, vshell_console, "cs")
    if "error: The domain is not running" not in out:
        raise AssertionError("console of a stopped domain: %r" % out)


def case_force(d):
    define(d, "cf")
    start_paused(d, "cf")
    first = virsh_console(d, "cf")
    try:
        first.wait_for("Escape character", timeout=30)
        # A second session without --force is refused with libvirt's words.
        for fn in (virsh_console, vshell_console):
            out = console_fails(d, fn, "cf")
            if "operation failed: Active console session exists for this domain" not in out:
                raise AssertionError("second console: %r" % out)
        # --force takes it over: the first session ends, the second reads on.
        second = vshell_console(d, "cf", "--force")
        try:
            second.wait_for("Escape character", timeout=30)
            first.wait_exit(timeout=20)
            d.vshell("resume", "cf")
            second.wait_for(MARKER)
            second.send(CTRL_RBRACKET)
            if second.wait_exit() != 0:
                raise AssertionError("forced console failed: %s" % second.text())
        finally:
            second.close()
    finally:
        first.close()
    d.vshell("destroy", "cf")


def open_when_free(d, name, fn, timeout=20):
    """A console session, retried while the daemon has yet to notice that
    the previous owner went away."""
    deadline = time.monotonic() + timeout
    while True:
        con = fn(d, name)
        try:
            con.wait_for("Escape character", timeout=30)
            return con
        except AssertionError:
            con.close()
            if time.monotonic() >= deadline or "Active console session" not in con.text():
                raise
            time.sleep(0.1)


def case_vanish(d):
    define(d, "cx")
    start_paused(d, "cx")
    for _ in range(3):
        con = open_when_free(d, "cx", virsh_console)
        # SIGKILL: no finish, no abort, the socket just closes mid-stream.
        os.killpg(con.proc.pid, signal.SIGKILL)
        con.wait_exit()
        con.close()
    # The daemon serves on, the console is free again, the guest boots.
    con = open_when_free(d, "cx", vshell_console)
    try:
        d.vshell("resume", "cx")
        con.wait_for(MARKER)
        con.send(CTRL_RBRACKET)
        if con.wait_exit() != 0:
            raise AssertionError("console after vanished clients: %s" % con.text())
    finally:
        con.close()
    if d.state("cx") != "running (unpaused)" or d.proc.poll() is not None:
        raise AssertionError("guest state %r, vmmd %r" % (d.state("cx"), d.proc.poll()))
    d.vshell("destroy", "cx")


CASES = {
    "virsh": case_virsh,
    "vshell": case_vshell,
    "force": case_force,
    "vanish": case_vanish,
}


def main():
    return run_cases(CASES)


if __name__ == "__main__":
    sys.exit(main())
