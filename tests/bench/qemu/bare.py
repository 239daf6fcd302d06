"""bare.py: the floor of tests/bench/run-qemu-bench -- QEMU run directly.

Not meant to be run by hand.  BareQemu runs an argv (vmmd's, taken from the
header of its QEMU log) with the monitor socket (a listening fd of ours when
vmmd passed one) and the serial file moved to paths of ours, times exec -> QMP ready (greeting read, qmp_capabilities,
query-status and cont answered), and SIGTERM -> reaped (we are the parent, so
waitpid returns as soon as QEMU is gone).
"""
import json
import os
import re
import select
import shlex
import signal
import socket
import subprocess
import time


def argv_from_log(path):
    """The argv vmmd logged for its last start of a domain: the line after the
    last "...: starting up" header, shell-quoted; leading NAME=VALUE words are
    the environment (returned apart)."""
    with open(path, errors="replace") as f:
        lines = f.read().splitlines()
    starts = [i for i, ln in enumerate(lines) if ln.endswith(": starting up")]
    if not starts or starts[-1] + 1 >= len(lines):
        raise RuntimeError("no 'starting up' header in %s" % path)
    words = shlex.split(lines[starts[-1] + 1])
    env = {}
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):
        k, v = words.pop(0).split("=", 1)
        env[k] = v
    return words, env


def monitor_path(argv):
    """The QMP chardev's path=, or None when vmmd handed QEMU a listening
    socket (fd=N): BareQemu then does the same with a socket of its own."""
    for w in argv:
        if w.startswith("socket,") and "id=charmonitor" in w:
            m = re.search(r"(?:^|,)path=([^,]+)", w)
            if m:
                return m.group(1)
            if re.search(r"(?:^|,)fd=\d+", w):
                return None
    raise RuntimeError("no QMP monitor chardev in argv: %s" % " ".join(argv))


def listen_unix(path):
    """A listening unix socket at @path, as vmmd creates it for QEMU."""
    if os.path.exists(path):
        os.unlink(path)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.bind(path)
    os.chmod(path, 0o600)
    s.listen(1)
    return s


def with_monitor_fd(argv, fd):
    """@argv with its QMP chardev's fd=N replaced by @fd."""
    return [re.sub(r"(?:(?<=^)|(?<=,))fd=\d+", "fd=%d" % fd, w)
            if w.startswith("socket,") and "id=charmonitor" in w else w for w in argv]


def substitute(argv, old, new):
    return [w.replace(old, new) for w in argv]


class Qmp:
    """A minimal synchronous QMP client."""

    def __init__(self, path, deadline, alive, poll):
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                break
            except (FileNotFoundError, ConnectionRefusedError):
                s.close()
                if not alive():
                    raise RuntimeError("QEMU exited before its monitor was up")
                if time.monotonic() > deadline:
                    raise RuntimeError("QMP socket %s not up in time" % path)
                time.sleep(poll)
        s.settimeout(max(0.1, deadline - time.monotonic()))
        self.sock = s
        self.buf = b""
        greeting = self._read()
        if "QMP" not in greeting:
            raise RuntimeError("no QMP greeting: %r" % greeting)
        self.command("qmp_capabilities")

    def _read(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RuntimeError("QMP connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return json.loads(line)

    def command(self, name, **args):
        msg = {"execute": name}
        if args:
            msg["arguments"] = args
        self.sock.sendall(json.dumps(msg).encode() + b"\n")
        while True:
            reply = self._read()
            if "return" in reply:
                return reply["return"]
            if "error" in reply:
                raise RuntimeError("QMP %s: %s" % (name, reply["error"]))
            # an event: skip

    def close(self):
        self.sock.close()


class BareQemu:
    def __init__(self, argv, env, workdir, tag, old_monitor, old_serial=None, serial=None):
        self.monitor = os.path.join(workdir, "%s.qmp" % tag)
        # old_monitor None: the argv takes a listening fd, made at start.
        self.pass_fd = old_monitor is None
        if not self.pass_fd:
            argv = substitute(argv, old_monitor, self.monitor)
        if old_serial and serial:
            argv = substitute(argv, old_serial, serial)
        self.argv = argv
        self.env = env
        self.log = os.path.join(workdir, "%s.log" % tag)
        self.proc = None

    def start(self, timeout=30.0, poll=0.0005):
        """exec -> QMP ready and cont answered; returns seconds.  @poll: how
        often a monitor socket not there yet is tried again (20 QEMUs in
        parallel start faster with 2 ms than with 0.5 ms here: the polling
        threads compete with them for 2 CPUs)."""
        if os.path.exists(self.monitor):
            os.unlink(self.monitor)
        with open(self.log, "ab") as logf:
            self.t0 = t0 = time.monotonic()
            argv, fds, lsock = self.argv, (), None
            if self.pass_fd:
                # As vmmd does: QEMU inherits a socket already listening,
                # and only QEMU keeps it (its death then resets our
                # connection); the connect below succeeds at once.
                lsock = listen_unix(self.monitor)
                argv, fds = with_monitor_fd(argv, lsock.fileno()), (lsock.fileno(),)
            try:
                self.proc = subprocess.Popen(argv, env=self.env, stdin=subprocess.DEVNULL,
                                             stdout=logf, stderr=subprocess.STDOUT,
                                             close_fds=True, pass_fds=fds)
            finally:
                if lsock is not None:
                    lsock.close()
        try:
            qmp = Qmp(self.monitor, t0 + timeout, lambda: self.proc.poll() is None, poll)
            try:
                st = qmp.command("query-status")
                if st.get("status") != "running":
                    qmp.command("cont")
            finally:
                qmp.close()
        except Exception:
            self.kill()
            raise
        self.t_ready = time.monotonic()
        return self.t_ready - t0

    def stop(self):
        """SIGTERM -> reaped; returns seconds."""
        # Popen.wait(timeout) polls with a sleep doubling from 0.5 ms (31 ms
        # late for a 20 ms exit): wait on a pidfd instead, then reap.
        pidfd = os.pidfd_open(self.proc.pid)
        try:
            t0 = time.monotonic()
            self.proc.send_signal(signal.SIGTERM)
            p = select.poll()
            p.register(pidfd, select.POLLIN)
            if not p.poll(10000):
                self.kill()
                raise RuntimeError("bare QEMU ignored SIGTERM for 10 s")
            self.proc.wait()
            dt = time.monotonic() - t0
        finally:
            os.close(pidfd)
        self.proc = None
        return dt

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None
