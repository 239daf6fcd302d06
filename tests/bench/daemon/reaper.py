#!/usr/bin/python3
"""reaper.py: run one daemon under a child subreaper, as systemd would.

Used by tests/bench/run-daemon-bench; not meant to be run by hand.

  reaper.py --info FILE [--cpu N] [--libvirt-dirs TMP] -- ARGV...

- sets PR_SET_CHILD_SUBREAPER and reaps every orphan at once (libvirtd detaches
  its helpers; PID 1 here reaps only about once a second);
- --libvirt-dirs TMP (only inside `unshare --mount`): overlays /run, /var/lib,
  /var/log and /var/cache with tmpfs-backed upper layers (so nothing is created
  on the host), then bind-mounts TMP/{etc,run,lib,log,cache} over /etc/libvirt,
  /run/libvirt, /var/lib/libvirt, /var/log/libvirt, /var/cache/libvirt and
  TMP/passwd, TMP/group over /etc/passwd, /etc/group;
- forks; the child pins itself to CPU N (--cpu), writes "PID T_EXEC" to FILE
  (T_EXEC: CLOCK_MONOTONIC just before execv) and execs ARGV;
- SIGTERM/SIGINT/SIGHUP are passed on to that child; when it exits, any
  remaining children of ours get SIGKILL and are reaped, and we exit with its
  status.
"""
import ctypes
import os
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def die(msg):
    sys.stderr.write("reaper: %s\n" % msg)
    sys.exit(127)


def mount(*args):
    res = subprocess.run(["mount"] + list(args), stderr=subprocess.PIPE, text=True)
    if res.returncode != 0:
        die("mount %s: %s" % (" ".join(args), res.stderr.strip()))


def libvirt_dirs(tmp):
    scratch = os.path.join(tmp, "ns-scratch")
    os.makedirs(scratch, exist_ok=True)
    mount("-t", "tmpfs", "tmpfs", scratch)
    for top in ("/run", "/var/lib", "/var/log", "/var/cache"):
        key = top.strip("/").replace("/", "_")
        up, work = os.path.join(scratch, key + ".u"), os.path.join(scratch, key + ".w")
        os.makedirs(up)
        os.makedirs(work)
        mount("-t", "overlay", "overlay",
              "-o", "lowerdir=%s,upperdir=%s,workdir=%s" % (top, up, work), top)
    for sub, target in (("etc", "/etc/libvirt"), ("run", "/run/libvirt"),
                        ("lib", "/var/lib/libvirt"), ("log", "/var/log/libvirt"),
                        ("cache", "/var/cache/libvirt")):
        src = os.path.join(tmp, sub)
        os.makedirs(src, exist_ok=True)
        os.makedirs(target, exist_ok=True)
        mount("--bind", src, target)
    for name in ("passwd", "group"):
        mount("--bind", os.path.join(tmp, name), "/etc/" + name)


def main():
    argv = sys.argv[1:]
    info, cpu, ldirs = None, None, None
    while argv and argv[0] != "--":
        opt = argv.pop(0)
        if not argv:
            die("missing value for " + opt)
        val = argv.pop(0)
        if opt == "--info":
            info = val
        elif opt == "--cpu":
            cpu = int(val)
        elif opt == "--libvirt-dirs":
            ldirs = val
        else:
            die("unknown option " + opt)
    if not argv or not info:
        die("usage: reaper.py --info FILE [--cpu N] [--libvirt-dirs TMP] -- ARGV...")
    argv.pop(0)

    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        die("prctl(PR_SET_CHILD_SUBREAPER): %s" % os.strerror(ctypes.get_errno()))
    if ldirs:
        libvirt_dirs(ldirs)

    # Block the forwarded signals until the child exists, so none is lost.
    sigs = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    signal.pthread_sigmask(signal.SIG_BLOCK, sigs)
    pid = os.fork()
    if pid == 0:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, sigs)
        try:
            if cpu is not None:
                os.sched_setaffinity(0, {cpu})
            t = time.monotonic()
            with open(info + ".tmp", "w") as f:
                f.write("%d %.6f\n" % (os.getpid(), t))
            os.rename(info + ".tmp", info)
            os.execv(argv[0], argv)
        except OSError as e:
            sys.stderr.write("reaper: exec %s: %s\n" % (argv[0], e))
        os._exit(127)

    def forward(signum, _frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for s in sigs:
        signal.signal(s, forward)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, sigs)

    status = 0
    while True:
        try:
            got, st = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        if got == pid:
            status = os.waitstatus_to_exitcode(st)
            break
    # Whatever the daemon left behind (only our own descendants reach us).
    for _ in range(50):
        kids = children()
        if not kids:
            break
        for k in kids:
            try:
                os.kill(k, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        except ChildProcessError:
            break
        time.sleep(0.02)
    sys.exit(status if status >= 0 else 128 - status)


def children():
    me = str(os.getpid())
    out = []
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % d) as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        if fields[1] == me:
            out.append(int(d))
    return out


if __name__ == "__main__":
    main()
