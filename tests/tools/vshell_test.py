#!/usr/bin/env python3
# vshell_test.py: runs the built vshell against the mock driver and checks
# exact outputs, exit codes and error lines.  Prints TAP.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: vshell_test.py PATH/TO/vshell [PATH/TO/vmmd]
#
# The functional sequences run twice: in-process against test:///default,
# then (given vmmd) against the same mock driver inside a vmmd started
# under a temporary --root, through test+unix:///default?socket=..., with
# the same expected outputs.  The event tests need the daemon: the events
# come from another client.

import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

VSHELL = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("VSHELL", "vshell")
VMMD = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("VMMD")
# The URI every test connects to; a vmmd's socket in the daemon pass.
URI = "test:///default"
# Prefixed to the test names of the daemon pass.
PREFIX = ""
TMP = tempfile.mkdtemp(prefix="vshell-test-")
# The mock driver keeps volume content in memory, capped (256 MiB); a
# small cap here lets the test reach it (vmmd inherits it too).
os.environ["VMM_TEST_VOL_CONTENT_MAX"] = str(4 * 1024 * 1024)
BASE_ENV = dict(os.environ)
BASE_ENV.update({
    "LC_ALL": "C",
    "HOME": TMP,
    "XDG_CACHE_HOME": os.path.join(TMP, "cache"),
})
BASE_ENV.pop("VMM_DEFAULT_URI", None)
BASE_ENV.pop("VISUAL", None)

# e.g. VSHELL_WRAPPER="valgrind -q --leak-check=full --error-exitcode=9"
# (a leak or memory error then shows as a wrong exit status).
WRAPPER = os.environ.get("VSHELL_WRAPPER", "").split()

results = []
DEFAULT = object()


def run(*args, stdin="", env=None, uri=DEFAULT):
    """Runs vshell; returns (rc, stdout, stderr)."""
    e = dict(BASE_ENV)
    if env:
        e.update(env)
    if uri is DEFAULT:
        uri = URI
    argv = WRAPPER + [VSHELL] + (["-c", uri] if uri else []) + list(args)
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True,
                       env=e, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=""):
    results.append((PREFIX + name, bool(cond), detail))


def check_eq(name, got, want):
    check(name, got == want, "got %r\nwant %r" % (got, want))


def check_run(name, args, rc=0, out=None, err=None, **kw):
    """Runs and compares whatever expectations are given; returns stdout."""
    r, o, e = run(*args, **kw)
    ok = r == rc and (out is None or o == out) and (err is None or e == err)
    check(name, ok, "rc %d (want %d)\nstdout %r\nwant   %r\nstderr %r\nwant   %r"
          % (r, rc, o, out, e, err))
    return o


def write(name, text):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        f.write(text)
    return path


DOM_XML = """<domain type='test'>
  <name>demo</name>
  <memory unit='KiB'>524288</memory>
  <currentMemory unit='KiB'>524288</currentMemory>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64'>hvm</type>
  </os>
</domain>
"""

NET_XML = """<network>
  <name>net2</name>
  <bridge name='virbr9'/>
  <ip address='192.168.99.1' netmask='255.255.255.0'/>
</network>
"""

POOL_DIR = os.path.join(TMP, "pooldir")
POOL_XML = """<pool type='dir'>
  <name>p2</name>
  <target>
    <path>%s</path>
  </target>
</pool>
""" % POOL_DIR


# ---------------------------------------------------------------- help, parsing

def test_help():
    o = check_run("help exits 0", ["help"])
    check("help starts with 'Grouped commands:'", o.startswith("Grouped commands:\n\n"))
    for group in ["Domain Management (help keyword 'domain')",
                  "Host and Hypervisor (help keyword 'host')",
                  "Networking (help keyword 'network')",
                  "Storage Pool (help keyword 'pool')",
                  "Storage Volume (help keyword 'volume')"]:
        check("help lists group " + group, (" %s:\n" % group) in o)
    check("help lists list", "    list                           list domains\n" in o)
    check("help lists vol-create-as", "\n    vol-create-as " in o)

    o = check_run("help list exits 0", ["help", "list"])
    check("help list NAME", o.startswith("  NAME\n    list - list domains\n\n  SYNOPSIS\n    list [--inactive] [--all]"))
    check("help list option line", "    --all            list inactive & active domains\n" in o)
    check("help list ends with blank lines", o.endswith("\n\n\n"))

    o = check_run("help start", ["help", "start"])
    check("help start synopsis", "    start <domain> [--paused]" in o)
    check("help start positional option", "    [--domain] <string>  name of the inactive domain\n" in o)

    o = check_run("help group", ["help", "pool"])
    check("help pool lists the group only",
          o.startswith(" Storage Pool (help keyword 'pool'):\n") and "vol-list" not in o)

    check_run("help unknown", ["help", "nosuch"], rc=1,
              err="error: command or command group 'nosuch' doesn't exist\n")


def test_parse_errors():
    check_run("unknown command", ["frobnicate"], rc=1,
              err="error: unknown command: 'frobnicate'\n", out="")
    check_run("unknown option", ["list", "--bogus"], rc=1,
              err="error: command 'list' doesn't support option --bogus\n")
    check_run("missing required", ["start"], rc=1,
              err="error: command 'start' requires <domain> option\n")
    check_run("missing value", ["start", "--domain"], rc=1,
              err="error: expected syntax: --domain <string>\n")
    check_run("bool with =", ["list", "--all=1"], rc=1,
              err="error: invalid '=' after option --all\n")
    check_run("option twice", ["domid", "test", "--domain", "test"], rc=1,
              err="error: option --domain already seen\n")
    check_run("extra data", ["domid", "test", "extra"], rc=1,
              err="error: unexpected data 'extra'\n")
    check_run("unterminated quote", ['help "list'], rc=1, err='error: missing "\n')
    # A parse error anywhere runs nothing of the line.
    check_run("parse error runs nothing", ["hostname; list --bogus"], rc=1, out="")
    check_run("bad global option", ["-Z"], rc=1, uri=None)


def test_quoting():
    o = check_run("quoted and escaped words",
                  ["desc test --new-desc 'a  b;c' ; desc test ; "
                   "desc test --title --new-desc \"x \\\"y\\\"\" ; desc test --title; "
                   "desc test --new-desc=a\\ b; desc test"])
    check_eq("quoting results", o,
             "Domain description updated successfully\na  b;c\n"
             "Domain title updated successfully\nx \"y\"\n"
             "Domain description updated successfully\na b\n")
    check_run("comment", ["help list # a comment"])
    check_run("echo words", ["echo a 'b c' \"d\\\"e\" f\\ g ''"], out="a b c d\"e f g \n")
    check_run("echo --shell", ["echo --shell a 'b c' \"it's\""], out="a 'b c' 'it'\\''s'\n")
    check_run("echo --xml", ["echo --xml '<a&b>'"], out="&lt;a&amp;b&gt;\n")
    check_run("echo --err", ["echo --err oops"], out="", err="error: oops\n")
    check_run("cd outside interactive mode", ["cd /"], rc=1,
              err="error: cd: command valid only in interactive mode\n")
    check_run("message as remaining words", ["desc", "test", "hello", "big", "world", ";",
                                             "desc", "test"],
              out="Domain description updated successfully\nhello big world\n")


# ---------------------------------------------------------------- host

def test_host():
    check_run("uri", ["uri"], out=URI + "\n\n")
    o = check_run("version", ["version"])
    lines = o.split("\n")
    check("version layout",
          len(lines) == 6 and lines[0].startswith("Compiled against library: vmm ")
          and lines[1].startswith("Using library: vmm ")
          and lines[2].startswith("Using API: TEST ")
          and lines[3].startswith("Running hypervisor: TEST ")
          and lines[4:] == ["", ""], o)
    o = check_run("hostname", ["hostname"])
    check("hostname one line then blank", len(o.split("\n")) == 3 and o.endswith("\n\n"), o)
    o = check_run("nodeinfo", ["nodeinfo"])
    labels = ["CPU model:", "CPU(s):", "CPU frequency:", "CPU socket(s):",
              "Core(s) per socket:", "Thread(s) per core:", "NUMA cell(s):",
              "Memory size:"]
    got = [l[:21] for l in o.split("\n")[:8]]
    check_eq("nodeinfo labels", got, ["%-20s " % l for l in labels])
    o = check_run("nodeinfo --json", ["nodeinfo", "--json"])
    try:
        d = json.loads(o)
        check_eq("nodeinfo --json keys", list(d.keys()),
                 ["model", "cpus", "mhz", "sockets", "cores", "threads", "nodes", "memory_kib"])
    except ValueError as ex:
        check("nodeinfo --json parses", False, str(ex))
    o = check_run("capabilities", ["capabilities"])
    check("capabilities is XML", o.lstrip().startswith("<capabilities"), o[:80])
    check_run("connect then uri", ["connect '%s'; uri" % URI],
              out="\n%s\n\n" % URI, uri=None)
    check_run("connect failure", ["connect bogus://x"], rc=1, uri=None)
    check_run("default URI from VMM_DEFAULT_URI", ["uri"], out=URI + "\n\n",
              env={"VMM_DEFAULT_URI": URI}, uri=None)
    check_run("--connect=URI", ["--connect=" + URI, "uri"], out=URI + "\n\n",
              uri=None)
    check_run("-v", ["-v"], uri=None)
    check_run("-V", ["-V"], uri=None)
    check_run("-h", ["-h"], uri=None)


# ---------------------------------------------------------------- domains

LIST_DEFAULT = " Id   Name   State\n----------------------\n 1    test   running\n\n"


def test_domain_list():
    check_run("list --all", ["list", "--all"], out=LIST_DEFAULT)
    check_run("list", ["list"], out=LIST_DEFAULT)
    check_run("list --inactive", ["list", "--inactive"],
              out=" Id   Name   State\n--------------------\n\n")
    check_run("list --name", ["list", "--name"], out="test\n\n")
    check_run("-q list --all", ["-q", "list", "--all"], out=" 1   test   running\n")
    uuid = run("domuuid", "test")[1].strip()
    check_run("list --uuid", ["list", "--uuid"], out=uuid + "\n\n")
    check_run("list --uuid --name", ["list", "--uuid", "--name"], out=uuid + " test\n\n")
    check_run("list --title", ["list", "--title"],
              out=" Id   Name   State     Title\n------------------------------\n 1    test   running   \n\n")
    check_run("list --state-shutoff --all", ["list", "--all", "--state-shutoff"],
              out=" Id   Name   State\n--------------------\n\n")
    check_run("list --state-running", ["list", "--state-running"], out=LIST_DEFAULT)
    check_run("list --persistent --all", ["list", "--persistent", "--all"], out=LIST_DEFAULT)
    check_run("list --transient --all", ["list", "--transient", "--all"],
              out=" Id   Name   State\n--------------------\n\n")
    o = check_run("list --json", ["list", "--all", "--json"])
    try:
        d = json.loads(o)
        check_eq("list --json value", d, [{"id": 1, "name": "test", "state": "running",
                                          "uuid": uuid, "persistent": True,
                                          "autostart": False}])
        check_eq("list --json key order", list(d[0].keys()),
                 ["id", "name", "state", "uuid", "persistent", "autostart"])
    except ValueError as ex:
        check("list --json parses", False, str(ex))


def test_domain_lifecycle():
    f = write("dom.xml", DOM_XML)
    o = check_run("define/start/list sequence",
                  ["define %s; list --all; start demo; domstate demo --reason; list --all; "
                   "domid demo; domname 2; suspend demo; domstate demo; resume demo; "
                   "reboot demo; reset demo; shutdown demo; domstate demo; "
                   "start demo; destroy demo; autostart demo; list --all --autostart --name; "
                   "autostart --disable demo; undefine demo; list --all" % f])
    want = ("Domain 'demo' defined from %s\n\n" % f +
            " Id   Name   State\n-----------------------\n 1    test   running\n -    demo   shut off\n\n"
            "Domain 'demo' started\n\n"
            "running (booted)\n\n"
            " Id   Name   State\n----------------------\n 1    test   running\n 2    demo   running\n\n"
            "2\n\n"
            "demo\n\n"
            "Domain 'demo' suspended\n\n"
            "paused\n\n"
            "Domain 'demo' resumed\n\n"
            "Domain 'demo' is being rebooted\n\n"
            "Domain 'demo' was reset\n\n"
            "Domain 'demo' is being shutdown\n\n"
            "shut off\n\n"
            "Domain 'demo' started\n\n"
            "Domain 'demo' destroyed\n\n"
            "Domain 'demo' marked as autostarted\n\n"
            "demo\n\n"
            "Domain 'demo' unmarked as autostarted\n\n"
            "Domain 'demo' has been undefined\n\n"
            + LIST_DEFAULT)
    check_eq("define/start/list sequence output", o, want)

    o = check_run("dumpxml of defined domain", ["define %s; dumpxml demo" % f])
    check("dumpxml shows name and memory",
          "<name>demo</name>" in o and "524288" in o and o.endswith("</domain>\n\n"), o)

    o = check_run("dominfo", ["dominfo", "test"])
    lines = o.split("\n")
    check("dominfo layout",
          lines[0] == "Id:             1" and lines[1] == "Name:           test"
          and lines[2].startswith("UUID:           ")
          and "State:          running" in lines
          and "Persistent:     yes" in lines and "Autostart:      disable" in lines
          and o.endswith("\n\n"), o)
    o = check_run("dominfo --json", ["dominfo", "test", "--json"])
    try:
        d = json.loads(o)
        check_eq("dominfo --json keys", list(d.keys()),
                 ["id", "name", "uuid", "os_type", "state", "cpus", "cpu_time_ns",
                  "max_memory_kib", "used_memory_kib", "persistent", "autostart"])
        check("dominfo --json values", d["id"] == 1 and d["name"] == "test"
              and d["state"] == "running", o)
    except ValueError as ex:
        check("dominfo --json parses", False, str(ex))

    uuid = run("domuuid", "test")[1].strip()
    check_run("lookup by id", ["domname", "1"], out="test\n\n")
    check_run("lookup by uuid", ["domname", uuid], out="test\n\n")
    check_run("domid", ["domid", "test"], out="1\n\n")

    check_run("create transient", ["create %s; list --transient --name" % f],
              out="Domain 'demo' created from %s\n\ndemo\n\n" % f)
    check_run("create --paused", ["create %s --paused; domstate demo" % f],
              out="Domain 'demo' created from %s\n\npaused\n\n" % f)
    check_run("desc absent", ["desc", "test"], out="No description for domain: test\n")


def test_json_escaping():
    f = write("odd.xml", DOM_XML.replace("<name>demo</name>", "<name>q\"x\\y</name>"))
    r, o, e = run("define %s; list --all --json" % f)
    try:
        d = json.loads(o.split("\n\n", 1)[1])
        check_eq("JSON escapes quotes and backslashes",
                 [x["name"] for x in d], ["test", "q\"x\\y"])
        check("JSON raw text escapes", '"q\\"x\\\\y"' in o, o)
    except (ValueError, IndexError) as ex:
        check("JSON with odd names parses", False, "%s: %r %r" % (ex, o, e))


def test_domain_errors():
    check_run("missing domain", ["dominfo", "nosuch"], rc=1, out="\n",
              err="error: failed to get domain 'nosuch'\n")
    check_run("start running domain", ["start", "test"], rc=1,
              err="error: Domain is already active\n")
    r, o, e = run("resume", "test")
    check("resume running domain fails", r == 1 and
          e.startswith("error: Failed to resume domain 'test'\nerror: "), e)
    r, o, e = run("undefine", "test", ";", "destroy", "nosuch")
    check("argv mode with ';' runs every command", r == 1 and
          e == "error: failed to get domain 'nosuch'\n", (r, o, e))
    nope = os.path.join(TMP, "nope.xml")
    check_run("define missing file", ["define", nope], rc=1,
              err="error: Failed to open file '%s': No such file or directory\n" % nope)
    bad = write("bad.xml", "<domain><name>x</name>")
    r, o, e = run("define", bad)
    check("define broken XML", r == 1 and
          e.startswith("error: Failed to define domain from %s\nerror: " % bad), e)
    r, o, e = run("-r", "destroy", "test")
    check("readonly refuses destroy", r == 1 and "error: Failed to destroy domain 'test'" in e, e)
    check_run("errors keep going, status 1", ["domid nosuch; hostname"], rc=1)


def test_edit():
    before = run("dumpxml", "--inactive", "test")[1]
    check("fixture memory present", "<memory unit='KiB'>8388608</memory>" in before, before)
    o = check_run("edit with sed", ["edit test; dumpxml --inactive test"],
                  env={"EDITOR": "sed -i -e s/8388608/4194304/"})
    check("edit changed memory",
          o.startswith("Domain 'test' XML configuration edited.\n\n")
          and "<memory unit='KiB'>4194304</memory>" in o, o)
    o = check_run("edit --skip-validate", ["edit test --skip-validate; dumpxml --inactive test"],
                  env={"EDITOR": "sed -i -e s/8388608/4194304/"})
    check("edit --skip-validate changed max memory",
          o.startswith("Domain 'test' XML configuration edited.\n\n")
          and "<memory unit='KiB'>4194304</memory>" in o, o)
    check_run("desc --edit", ["desc test --edit; desc test"],
              env={"EDITOR": "sh -c 'echo edited > \"$0\"'"},
              out="Domain description updated successfully\nedited\n")
    check_run("desc --edit unchanged", ["desc test --title --edit"], env={"EDITOR": "true"},
              out="Domain title not changed\n")
    check_run("edit unchanged", ["edit", "test"], env={"EDITOR": "true"},
              out="Domain 'test' XML configuration not changed.\n\n")
    r, o, e = run("edit test; dumpxml --inactive test", stdin="n\n",
                  env={"EDITOR": "sed -i -e s/<name>/<nme>/"})
    check("broken edit fails", r == 1, (r, o, e))
    # The prompt line is ended by the blank line after the failed command,
    # then the definition is exactly what it was.
    check_eq("broken edit asks, leaves definition", o,
             "Failed. Try again? [y,n,i,f,?]: \n" + before)
    check("broken edit prints error", e.startswith("error: "), e)
    r, o, e = run("edit test", stdin="", env={"EDITOR": "false"})
    check("failing editor", r == 1 and e.startswith("error: false: command failed"), e)


# ---------------------------------------------------------------- networks

def test_networks():
    check_run("net-list", ["net-list"],
              out=" Name      State    Autostart   Persistent\n"
                  "--------------------------------------------\n"
                  " default   active   no          yes\n\n")
    f = write("net.xml", NET_XML)
    o = check_run("network sequence",
                  ["net-define %s; net-list --all; net-start net2; net-autostart net2; "
                   "net-list --autostart --name; net-autostart --disable net2; "
                   "net-destroy net2; net-undefine net2; net-list --all --name; "
                   "net-create %s; net-list --transient --name" % (f, f)])
    check_eq("network sequence output", o,
             "Network net2 defined from %s\n\n" % f +
             " Name      State      Autostart   Persistent\n"
             "----------------------------------------------\n"
             " default   active     no          yes\n"
             " net2      inactive   no          yes\n\n"
             "Network net2 started\n\n"
             "Network net2 marked as autostarted\n\n"
             "net2\n\n"
             "Network net2 unmarked as autostarted\n\n"
             "Network net2 destroyed\n\n"
             "Network net2 has been undefined\n\n"
             "default\n\n"
             "Network net2 created from %s\n\n" % f +
             "net2\n\n")
    o = check_run("net-dumpxml", ["net-define %s; net-dumpxml net2" % f])
    check("net-dumpxml content", "<name>net2</name>" in o and "virbr9" in o, o)
    o = check_run("net-info", ["net-info", "default"])
    lines = o.split("\n")
    check("net-info layout", lines[0] == "Name:           default"
          and lines[2:6] == ["Active:         yes", "Persistent:     yes",
                             "Autostart:      no", "Bridge:         virbr0"], o)
    uuid = run("net-uuid", "default")[1].strip()
    check_run("net-name", ["net-name", uuid], out="default\n\n")
    check_run("net-info by uuid", ["net-uuid", uuid], out=uuid + "\n\n")
    o = check_run("net-list --json", ["net-list", "--all", "--json"])
    try:
        check_eq("net-list --json value", json.loads(o),
                 [{"name": "default", "uuid": uuid, "active": True,
                   "persistent": True, "autostart": False}])
    except ValueError as ex:
        check("net-list --json parses", False, str(ex))
    o = check_run("net-info --json", ["net-info", "default", "--json"])
    try:
        check_eq("net-info --json value", json.loads(o),
                 {"name": "default", "uuid": uuid, "active": True, "persistent": True,
                  "autostart": False, "bridge": "virbr0"})
    except ValueError as ex:
        check("net-info --json parses", False, str(ex))
    r, o, e = run("net-info", "nosuch")
    check("missing network two lines", r == 1 and
          e.startswith("error: failed to get network 'nosuch'\nerror: ")
          and e.count("\n") == 2, e)
    r, o, e = run("net-start", "default")
    check("start active network fails", r == 1 and
          e.startswith("error: Failed to start network default\nerror: "), e)
    o = check_run("net-edit", ["net-edit default; net-dumpxml --inactive default"],
                  env={"EDITOR": "sed -i -e s/virbr0/virbr7/"})
    check("net-edit changed bridge", o.startswith("Network default XML configuration edited.\n\n")
          and "virbr7" in o, o)


# ---------------------------------------------------------------- pools, volumes

def test_pools():
    check_run("pool-list", ["pool-list"],
              out=" Name           State    Autostart\n"
                  "------------------------------------\n"
                  " default-pool   active   no\n\n")
    f = write("pool.xml", POOL_XML)
    shutil.rmtree(POOL_DIR, ignore_errors=True)
    o = check_run("pool sequence",
                  ["pool-define %s; pool-build p2; pool-start p2; pool-autostart p2; "
                   "pool-refresh p2; vol-create-as p2 v1 10M; vol-list p2; "
                   "vol-info v1 --pool p2; vol-path v1 --pool p2; vol-name %s/v1; "
                   "vol-pool %s/v1; vol-delete v1 --pool p2; vol-list p2; pool-destroy p2; "
                   "pool-list --all --name; pool-undefine p2; pool-list --all --name"
                   % (f, POOL_DIR, POOL_DIR)])
    vpath = POOL_DIR + "/v1"
    dashes = "-" * (1 + 4 + 3 + len(vpath) + 2)
    check_eq("pool sequence output", o,
             "Pool p2 defined from %s\n\n" % f +
             "Pool p2 built\n\n"
             "Pool p2 started\n\n"
             "Pool p2 marked as autostarted\n\n"
             "Pool p2 refreshed\n\n"
             "Vol v1 created\n\n"
             " Name   Path\n" + dashes + "\n v1     " + vpath + "\n\n"
             "Name:           v1\nType:           file\n"
             "Capacity:       10.00 MiB\nAllocation:     10.00 MiB\n\n"
             + vpath + "\n\n"
             "v1\n\n"
             "p2\n\n"
             "Vol v1 deleted\n\n"
             " Name   Path\n--------------\n\n"
             "Pool p2 destroyed\n\n"
             "default-pool\np2\n\n"
             "Pool p2 has been undefined\n\n"
             "default-pool\n\n")
    o = check_run("pool-list --details", ["pool-list", "--all", "--details"])
    check_eq("pool-list --details output", o,
             " Name           State     Autostart   Persistent   Capacity     Allocation   Available\n"
             "-----------------------------------------------------------------------------------------\n"
             " default-pool   running   no          yes          100.00 GiB   0.00 B       100.00 GiB\n\n")
    o = check_run("pool-info", ["pool-info", "default-pool"])
    lines = o.split("\n")
    check("pool-info layout", lines[0] == "Name:           default-pool"
          and lines[2:8] == ["State:          running", "Persistent:     yes",
                             "Autostart:      no", "Capacity:       100.00 GiB",
                             "Allocation:     0.00 B", "Available:      100.00 GiB"], o)
    o = check_run("pool-list --json", ["pool-list", "--all", "--json"])
    try:
        d = json.loads(o)
        check_eq("pool-list --json keys", list(d[0].keys()),
                 ["name", "uuid", "state", "persistent", "autostart", "capacity",
                  "allocation", "available"])
        check("pool-list --json value", d[0]["name"] == "default-pool"
              and d[0]["capacity"] == 100 * 1024 ** 3, o)
    except (ValueError, IndexError) as ex:
        check("pool-list --json parses", False, str(ex))
    o = check_run("vol-list --json", ["vol-create-as default-pool v2 1G --allocation 0; "
                                      "vol-list default-pool --json"])
    try:
        d = json.loads(o.split("\n\n", 1)[1])
        check_eq("vol-list --json key order", list(d[0].keys()),
                 ["name", "path", "type", "capacity", "allocation"])
        check("vol-list --json value", d[0]["name"] == "v2"
              and d[0]["capacity"] == 1024 ** 3, o)
    except (ValueError, IndexError) as ex:
        check("vol-list --json parses", False, str(ex) + o)
    r, o, e = run("pool-info", "nosuch")
    check("missing pool two lines", r == 1 and
          e.startswith("error: failed to get pool 'nosuch'\nerror: "), e)
    r, o, e = run("vol-info", "nosuch")
    check("missing vol hint", r == 1 and
          e.startswith("error: failed to get vol 'nosuch', specifying --pool might help\n"), e)
    r, o, e = run("vol-create-as", "default-pool", "v", "12Q")
    check("vol-create-as bad size", r == 1 and e.startswith("error: Malformed size 12Q\nerror: "), e)
    check_run("vol-create-as non-number", ["vol-create-as", "default-pool", "v", "abc"], rc=1,
              err="error: Malformed size abc\n")
    check_run("vol-create-as --print-xml", ["vol-create-as", "default-pool", "v", "1K",
                                            "--format", "qcow2", "--print-xml"],
              out="<volume>\n  <name>v</name>\n  <capacity>1024</capacity>\n"
                  "  <target>\n    <format type='qcow2'/>\n  </target>\n</volume>\n\n")


# ---------------------------------------------------------------- fixtures

FIXTURE = """<?xml version="1.0"?>
<node>
  <domain type='test'>
    <name>fixdom</name>
    <uuid>11111111-2222-3333-4444-555555555555</uuid>
    <memory>1048576</memory>
    <vcpu>1</vcpu>
    <os><type>hvm</type></os>
  </domain>
  <network>
    <name>fixnet</name>
    <bridge name='virbr3'/>
  </network>
</node>
"""


def test_vol_streams():
    """vol-upload / vol-download round-trip bytes, honour --offset and
    --length, and refuse more data than the capacity, leaving the volume
    as it was."""
    data = os.urandom(3 * 1024 * 1024 + 5)
    part = os.urandom(777)
    paths = {k: os.path.join(TMP, "vs-%s.bin" % k) for k in ("in", "part", "out", "range", "small")}
    for k, content in (("in", data), ("part", part)):
        with open(paths[k], "wb") as f:
            f.write(content)
    for k in ("out", "range", "small"):
        if os.path.exists(paths[k]):
            os.unlink(paths[k])
    capacity = 4 * 1024 * 1024
    r, o, e = run(stdin="vol-create-as default-pool data 4M\n"
                        "vol-upload data {in} --pool default-pool\n"
                        "vol-download data {out} --pool default-pool\n"
                        "vol-upload --vol data --file {part} --pool default-pool "
                        "--offset 100 --length 777\n"
                        "vol-download data {range} --pool default-pool --offset 50 --length 1000\n"
                        "vol-create-as default-pool small 1M\n"
                        "vol-upload small {in} --pool default-pool\n"
                        "vol-download small {small} --pool default-pool\n"
                        "vol-upload data {part} --pool default-pool --offset 5000000\n"
                        "vol-download data {out} --pool default-pool --length x1\n"
                        .format(**paths))

    def content(k):
        with open(paths[k], "rb") as f:
            return f.read()

    check("vol-upload/download round trip",
          content("out") == data + b"\0" * (capacity - len(data)))
    patched = data[:100] + part + data[877:]
    check("vol-upload/download with --offset and --length", content("range") == patched[50:1050])
    check_eq("vol-upload past the capacity", e,
             "error: cannot send data to volume small\n"
             "error: Requested operation is not valid: cannot write past the capacity of "
             "volume 'small' (1048576 bytes)\n"
             "error: cannot upload to volume data\n"
             "error: invalid argument: offset 5000000 is past the capacity of volume 'data' "
             "(4194304 bytes)\n"
             "error: Numeric value 'x1' for <length> option is malformed or out of range\n")
    check("a refused upload leaves the volume as it was", content("small") == b"\0" * 1024 * 1024)
    check_eq("vol-upload/download status", r, 1)

    # More content than the mock keeps in memory for one volume: refused
    # whole, whether in one upload or across two.
    big = os.path.join(TMP, "vs-big.bin")
    with open(big, "wb") as f:
        f.write(b"\1" * (5 * 1024 * 1024))
    r, o, e = run(stdin="vol-create-as default-pool huge 16M\n"
                        "vol-upload huge {big} --pool default-pool\n"
                        "vol-upload huge {part} --pool default-pool --length 777\n"
                        "vol-upload huge {inp} --pool default-pool --offset 4194304\n"
                        "vol-upload huge {inp} --pool default-pool --offset 8388608\n"
                        .format(big=big, part=paths["part"], inp=paths["in"]))
    cap_err = ("error: Requested operation is not valid: the mock driver keeps at most "
               "4194304 bytes of content for volume 'huge'\n")
    check_eq("vol-upload beyond the mock's content cap", e,
             "error: cannot send data to volume huge\n" + cap_err +
             "error: cannot close volume huge\n" + cap_err)
    check_eq("vol-upload beyond the mock's content cap: status", r, 1)


def test_stats():
    """The statistics commands on the mock's running domain, in virsh 9's
    layout (the figures are made up, as libvirt's test driver's)."""
    def keys(out, prefix=""):
        return [l[len(prefix):].split()[0] for l in out.splitlines()
                if l.startswith(prefix) and l.strip()]

    o = check_run("dommemstat", ["dommemstat", "test"])
    check_eq("dommemstat names", keys(o),
             ["actual", "swap_in", "swap_out", "major_fault", "minor_fault", "unused",
              "available", "usable", "last_update", "disk_caches", "hugetlb_pgalloc",
              "hugetlb_pgfail", "rss"])
    check("dommemstat actual", "actual 2097152\n" in o, o)
    for dev in ("vda", "/guest/diskimage1"):
        o = check_run("domblkstat " + dev, ["domblkstat", "test", dev])
        check_eq("domblkstat names " + dev, keys(o, dev + " "),
                 ["rd_req", "rd_bytes", "wr_req", "wr_bytes", "errs"])
    o = check_run("domblkstat --human", ["domblkstat", "test", "vda", "--human"])
    check("domblkstat --human layout", re.match(
        r"Device: vda\n number of read operations:      \d+\n", o), o)
    check_run("domblkstat without device", ["domblkstat", "test"], rc=1, out="\n",
              err="error: Failed to get block stats for domain 'test' device ''\n"
                  "error: Operation not supported: summary statistics are not supported yet\n")
    check_run("domblkstat unknown device", ["domblkstat", "test", "vdz"], rc=1, out="\n",
              err="error: Failed to get block stats for domain 'test' device 'vdz'\n"
                  "error: invalid argument: invalid path: vdz\n")
    for dev in ("testnet0", "aa:bb:cc:dd:ee:ff"):
        o = check_run("domifstat " + dev, ["domifstat", "test", dev])
        check_eq("domifstat names " + dev, keys(o, dev + " "),
                 ["rx_bytes", "rx_packets", "rx_errs", "rx_drop", "tx_bytes", "tx_packets",
                  "tx_errs", "tx_drop"])
    check_run("domifstat unknown", ["domifstat", "test", "vnet9"], rc=1, out="\n",
              err="error: Failed to get interface stats test vnet9\n"
                  "error: invalid argument: 'vnet9' is not a known interface\n")
    o = check_run("vcpuinfo", ["vcpuinfo", "test"])
    check("vcpuinfo layout", re.match(
        r"VCPU:           0\nCPU:            0\nState:          running\n"
        r"(CPU time:       \d+\.\ds\n)?CPU Affinity:   yyyyyyyy\n\nVCPU:           1\n", o), o)
    o = check_run("vcpuinfo --pretty", ["vcpuinfo", "test", "--pretty"])
    check("vcpuinfo --pretty", "CPU Affinity:   0-7 (out of 8)\n" in o, o)
    o = check_run("domstats", ["domstats", "test"])
    check("domstats layout",
          re.fullmatch(r"Domain: 'test'\n  state.state=1\n  state.reason=\d\n\n", o), o)
    check_run("domstats --balloon (not reported by the mock)", ["domstats", "--balloon", "test"],
              out="Domain: 'test'\n\n")
    check_run("domstats --enforce", ["domstats", "--balloon", "--enforce"], rc=1, out="\n",
              err="error: argument unsupported: Stats types bits 0x4 are not supported by "
                  "this daemon\n")
    check_run("vncdisplay without VNC", ["vncdisplay", "test"], rc=1, out="\n",
              err="error: Failed to get VNC port. Is this domain using VNC?\n")
    # A stopped domain: the pinning of its definition, as virsh prints it.
    path = write("pinned.xml", "<domain type='test'><name>pinned</name>"
                 "<memory unit='KiB'>524288</memory><vcpu cpuset='1-3,^2'>2</vcpu>"
                 "<cputune><vcpupin vcpu='1' cpuset='5'/></cputune>"
                 "<os><type arch='x86_64'>hvm</type></os></domain>")
    defined = "Domain 'pinned' defined from %s\n\n" % path
    undefined = "Domain 'pinned' has been undefined\n\n"
    na = "CPU:            N/A\nState:          N/A\nCPU time        N/A\n"
    check_run("vcpuinfo of a stopped domain",
              ["define %s; vcpuinfo pinned; undefine pinned" % path],
              out=defined + "VCPU:           0\n" + na + "CPU Affinity:   -y-y----\n\n"
                  "VCPU:           1\n" + na + "CPU Affinity:   -----y--\n\n" + undefined)
    check_run("dommemstat of a stopped domain",
              ["define %s; dommemstat pinned; undefine pinned" % path], rc=1,
              out=defined + "\n" + undefined,
              err="error: Failed to get memory statistics for domain pinned\n"
                  "error: Requested operation is not valid: domain is not running\n")


def test_fixture():
    path = write("node.xml", FIXTURE)
    uri = "test://" + path
    check_run("fixture list", ["list", "--all"], uri=uri,
              out=" Id   Name     State\n------------------------\n 1    fixdom   running\n\n")
    check_run("fixture uuid", ["domuuid", "fixdom"], uri=uri,
              out="11111111-2222-3333-4444-555555555555\n\n")
    check_run("fixture net-list", ["net-list", "--all", "--name"], uri=uri, out="fixnet\n\n")


# ---------------------------------------------------------------- modes

def test_stdin_mode():
    check_run("stdin mode", [], stdin="uri\nlist --name; domid test\n# comment\n\nquit\nuri\n",
              out=URI + "\n\ntest\n\n1\n\n")
    check_run("stdin mode failure status", [], stdin="domid nosuch\nuri\n", rc=1,
              out="\n%s\n\n" % URI)
    check_run("argv mode with separate words", ["list", "--name", ";", "uri"],
              out="test\n\n%s\n\n" % URI)


def test_interactive():
    """A session on a pseudo-terminal: banner, prompt, a command, history."""
    env = dict(BASE_ENV)
    env["TERM"] = "dumb"
    pid, fd = pty.fork()
    if pid == 0:
        os.execve(VSHELL, [VSHELL, "-c", "test:///default"], env)
    out = b""

    def read_until(token, timeout=10):
        nonlocal out
        deadline = time.time() + timeout
        while token not in out and time.time() < deadline:
            r, _, _ = select.select([fd], [], [], 0.2)
            if r:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                out += chunk
        return token in out

    ok = read_until(b"vshell ")
    check("interactive banner", b"Welcome to vshell" in out, out)
    check("interactive prompt", ok, out)
    os.write(fd, b"domid test\n")
    check("interactive command output", read_until(b"1\r\n"), out)
    os.write(fd, b"cd /\npwd\n")
    check("cd works interactively", read_until(b"pwd\r\n/\r\n"), out)
    os.write(fd, b"net-ed\t")
    check("completion of a command name", read_until(b"net-edit"), out)
    os.write(fd, b"\x15list --al\t")
    check("completion of an option", read_until(b"--all"), out)
    os.write(fd, b"\x15dominfo te\t")
    check("completion of a domain name", read_until(b"dominfo test"), out)
    os.write(fd, b"\x15vol-list --pool def\t")
    check("completion of a pool name", read_until(b"--pool default-pool"), out)
    os.write(fd, b"\x15quit\n")
    read_until(b"\x00", timeout=3)
    _, status = os.waitpid(pid, 0)
    os.close(fd)
    check("interactive exit status", os.WEXITSTATUS(status) == 0, status)
    hist = os.path.join(TMP, "cache", "vmm", "vshell_history")
    check("history written", os.path.exists(hist) and "domid" in open(hist).read())


# ---------------------------------------------------------------- the daemon

class Daemon:
    """A vmmd under a temporary --root, stopped with SIGTERM by stop()."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="vshell-vmmd-")
        self.sock = os.path.join(self.root, "run", "vmm", "vmmd-sock")
        self.log = open(os.path.join(self.root, "vmmd.log"), "w+")
        # e.g. VMMD_WRAPPER="valgrind --error-exitcode=1": its status shows in stop().
        wrapper = os.environ.get("VMMD_WRAPPER", "").split()
        self.proc = subprocess.Popen(wrapper + [VMMD, "--root", self.root],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        end = time.monotonic() + 20
        while True:
            if self.proc.poll() is not None:
                raise AssertionError("vmmd exited early (%d): %s"
                                     % (self.proc.returncode, self.logtext()))
            try:
                # The read-only socket comes last.
                for path in (self.sock, self.sock + "-ro"):
                    with socket.socket(socket.AF_UNIX) as s:
                        s.connect(path)
                break
            except OSError:
                if time.monotonic() > end:
                    self.proc.kill()
                    self.proc.wait()
                    raise AssertionError("vmmd socket did not appear within 20s")
                time.sleep(0.02)
        self.uri = "test+unix:///default?socket=" + self.sock

    def logtext(self):
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def stop(self):
        """Returns vmmd's exit status (0 on a clean SIGTERM shutdown)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                self.log.close()
                return "ignored SIGTERM"
        self.log.close()
        shutil.rmtree(self.root, ignore_errors=True)
        return self.proc.returncode


# ---------------------------------------------------------------- events

class Listener:
    """A background `vshell` (or virsh) event command; collects stdout lines."""

    def __init__(self, argv):
        e = dict(BASE_ENV)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=e)
        self.lines = []
        self.err = ""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def stop(self, sig=signal.SIGINT, timeout=10):
        """Sends @sig (None: none), waits; returns (rc, lines, stderr)."""
        if sig is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.thread.join(5)
        self.err = self.proc.stderr.read()
        self.proc.stderr.close()
        return self.proc.returncode, list(self.lines), self.err


def wait_for(cond, timeout=20, poke=None):
    """Waits until cond(); runs poke() between checks; False at the deadline."""
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            return False
        if poke:
            poke()
        time.sleep(0.05)
    return True


def test_event_errors():
    """Argument checks, --list, and a timeout with no events: virsh's words."""
    check_run("event without type", ["event"], rc=1, out="\n",
              err="error: one of --list, --all, or --event <type> is required\n")
    check_run("event unknown type", ["event", "--event", "foo"], rc=1, out="\n",
              err="error: unknown event type foo\n")
    check_run("event --list --all", ["event", "--list", "--all"], rc=1, out="\n",
              err="error: Options --list and --all are mutually exclusive\n")
    check_run("event --timeout 0", ["event", "--all", "--timeout", "0"], rc=1, out="\n",
              err="error: Numeric value '0' for <timeout> option is malformed or out of range\n")
    check_run("event --timeout abc", ["event", "--all", "--timeout", "abc"], rc=1, out="\n",
              err="error: Numeric value 'abc' for <timeout> option is malformed or out of range\n")
    check_run("event --domain nosuch", ["event", "--domain", "nosuch", "--all"], rc=1,
              out="\n", err="error: failed to get domain 'nosuch'\n")
    check_run("event of an unsupported type", ["event", "--event", "reboot"], rc=1, out="\n",
              err="error: this function is not supported by the connection driver: event ID 1\n")
    o = check_run("event --list", ["event", "--list"])
    check("event --list names", o.startswith("lifecycle\nreboot\nrtc-change\n")
          and o.endswith("\nmemory-device-size-change\n\n") and o.count("\n") == 28, o)
    check_run("net-event --list", ["net-event", "--list"], out="lifecycle\n\n")
    check_run("pool-event --list", ["pool-event", "--list"], out="lifecycle\nrefresh\n\n")
    check_run("net-event without type", ["net-event"], rc=1, out="\n",
              err="error: either --list or --event <type> is required\n")
    check_run("event timeout, nothing received", ["event", "--all", "--timeout", "1"], rc=1,
              out="event loop timed out\nevents received: 0\n\n", err="")
    check_run("net-event timeout", ["net-event", "--event", "lifecycle", "--timeout", "1"],
              rc=1, out="event loop timed out\nevents received: 0\n\n", err="")


SYNC = ("suspend test; resume test; net-destroy default; net-start default; "
        "pool-destroy default-pool; pool-start default-pool")
SYNC_LAST = {
    "domain": "event 'lifecycle' for domain 'test': Resumed Unpaused",
    "net": "event 'lifecycle' for network default: Started",
    "pool": "event 'lifecycle' for storage pool default-pool: Started",
}

DOMAIN_EVENTS = [
    "event 'lifecycle' for domain 'demo': Defined Added",
    "event 'lifecycle' for domain 'demo': Started Booted",
    "event 'lifecycle' for domain 'demo': Suspended Paused",
    "event 'lifecycle' for domain 'demo': Resumed Unpaused",
    "event 'lifecycle' for domain 'demo': Stopped Destroyed",
    "event 'lifecycle' for domain 'demo': Undefined Removed",
    "event 'lifecycle' for domain 'test': Suspended Paused",
    "event 'lifecycle' for domain 'test': Resumed Unpaused",
]
NET_EVENTS = [
    "event 'lifecycle' for network net2: Defined",
    "event 'lifecycle' for network net2: Started",
    "event 'lifecycle' for network net2: Stopped",
    "event 'lifecycle' for network net2: Undefined",
]
POOL_EVENTS = [
    "event 'lifecycle' for storage pool p2: Defined",
    "event 'lifecycle' for storage pool p2: Undefined",
    "event 'lifecycle' for storage pool default-pool: Stopped",
    "event 'lifecycle' for storage pool default-pool: Started",
]
TIMESTAMP = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d\d\d\+0000: "


def test_events():
    """vshell event --loop (and net-event, pool-event, a --domain filter with
    --timestamp, a one-shot event) print what another client causes, line
    for line as virsh does; SIGINT ends the loops cleanly."""
    import re
    dom = write("dom.xml", DOM_XML)
    net = write("net.xml", NET_XML)
    pool = write("pool.xml", POOL_XML)
    vsh = WRAPPER + [VSHELL, "-c", URI]
    ls = {
        "all": (Listener(vsh + ["event", "--all", "--loop", "--timeout", "60"]), "domain"),
        "test": (Listener(vsh + ["event", "--domain", "test", "--event", "lifecycle",
                                 "--loop", "--timestamp"]), "domain"),
        "net": (Listener(vsh + ["net-event", "--event", "lifecycle", "--loop"]), "net"),
        "pool": (Listener(vsh + ["pool-event", "--event", "lifecycle", "--loop"]), "pool"),
    }
    if shutil.which("virsh"):
        ls["virsh"] = (Listener(["virsh", "-c", URI, "event", "--all", "--loop"]), "domain")
    try:
        # Until a listener has registered, events go nowhere: poke until
        # every listener's last line is the last event of a poke.
        def synced():
            return all(l.lines and re.sub(TIMESTAMP, "", l.lines[-1]) == SYNC_LAST[kind]
                       for l, kind in ls.values())
        pokes = []
        ok = wait_for(synced, timeout=30,
                      poke=lambda: pokes.append(run(SYNC)) if not synced() else None)
        check("event listeners registered", ok,
              {k: l.lines for k, (l, _) in ls.items()})
        if not ok:
            return
        skip = {k: len(l.lines) for k, (l, _) in ls.items()}
        shot = Listener(vsh + ["event", "--event", "lifecycle", "--timeout", "60"])
        # The one-shot listener registers unseen: poke with a domain of its own.
        xml1 = write("shot.xml", DOM_XML.replace("<name>demo</name>", "<name>shot</name>"))
        ok = wait_for(lambda: shot.proc.poll() is not None, timeout=30,
                      poke=lambda: run("define %s; undefine shot" % xml1))
        rc, lines, err = shot.stop(sig=None)
        check("one-shot event prints one and exits", ok and rc == 0 and err == "" and
              lines[1:] == ["events received: 1", ""] and
              lines[0] in ("event 'lifecycle' for domain 'shot': Defined Added",
                           "event 'lifecycle' for domain 'shot': Undefined Removed"),
              (rc, lines, err))

        check_run("events: the other client's sequence",
                  ["define %s; start demo; suspend demo; resume demo; destroy demo; "
                   "undefine demo; suspend test; resume test; "
                   "net-define %s; net-start net2; net-destroy net2; net-undefine net2; "
                   "pool-define %s; pool-undefine p2; "
                   "pool-destroy default-pool; pool-start default-pool" % (dom, net, pool)])
        want = {"all": DOMAIN_EVENTS, "virsh": DOMAIN_EVENTS, "test": DOMAIN_EVENTS[6:],
                "net": NET_EVENTS, "pool": POOL_EVENTS}
        # Events of "shot" reach the --all listeners too, between the two.
        shot_lines = lambda l: [x for x in l.lines[skip_of(l):] if "'shot'" in x]

        def skip_of(l):
            return next(skip[k] for k, (m, _) in ls.items() if m is l)

        def complete():
            return all(len(l.lines) - skip[k] - len(shot_lines(l)) >= len(want[k])
                       for k, (l, _) in ls.items())
        wait_for(complete, timeout=20)
        for k, (l, _) in ls.items():
            rc, lines, err = l.stop()
            new = [x for x in lines[skip[k]:] if "'shot'" not in x]
            tail = new[len(want[k]):]
            new = new[:len(want[k])]
            if k == "test":
                check("event --timestamp prefix", all(re.match(TIMESTAMP, x) for x in new), new)
                new = [re.sub(TIMESTAMP, "", x) for x in new]
            check_eq("event lines (%s)" % k, new, want[k])
            check_eq("event loop ends on SIGINT (%s)" % k, (rc, tail, err),
                     (0, ["event loop interrupted", "events received: %d" % (len(lines) - 3),
                          ""], ""))
    finally:
        for l, _ in ls.values():
            if l.proc.poll() is None:
                l.stop(sig=signal.SIGKILL)


def main():
    global URI, PREFIX
    # Everything that needs neither a node fixture file nor a terminal runs
    # against the daemon too.
    functional = [test_help, test_parse_errors, test_quoting, test_host, test_domain_list,
                  test_domain_lifecycle, test_json_escaping, test_domain_errors, test_edit,
                  test_networks, test_pools, test_vol_streams, test_stdin_mode, test_stats]
    passes = [("", "test:///default",
               functional + [test_fixture, test_interactive, test_event_errors])]
    if VMMD:
        passes.append(("vmmd: ", None, functional + [test_event_errors, test_events]))
    only = os.environ.get("VSHELL_TEST_ONLY")
    for prefix, uri, tests in passes:
        PREFIX = prefix
        daemon = None
        try:
            if uri is None:
                daemon = Daemon()
                uri = daemon.uri
            URI = uri
            for t in tests:
                if only and t.__name__ != only:
                    continue
                try:
                    t()
                except Exception as ex:   # a crash is a failure, not an abort
                    check(t.__name__ + " raised", False, repr(ex))
        except Exception as ex:
            check("daemon started", False, repr(ex))
        if daemon:
            log = daemon.logtext()
            status = daemon.stop()
            check("vmmd stops cleanly", status == 0, "status %r\n%s" % (status, log))
    fails = 0
    for i, (name, ok, detail) in enumerate(results, 1):
        print("%s %d - %s" % ("ok" if ok else "not ok", i, name))
        if not ok:
            fails += 1
            for line in str(detail).split("\n"):
                print("# " + line)
    print("1..%d" % len(results))
    shutil.rmtree(TMP, ignore_errors=True)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
