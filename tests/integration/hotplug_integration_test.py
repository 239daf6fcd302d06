#!/usr/bin/python3
# hotplug_integration_test.py: attach and detach devices of the running
# tiny guest (TCG) through vmmd, with stock virsh and with vshell.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Usage: hotplug_integration_test.py VMMD VSHELL BUILD_TINY_GUEST CASE
#
# What QEMU really holds is read from the host: the image files QEMU has
# open (/proc/PID/fd) follow blockdev-add and blockdev-del.  A virtio
# device leaves only once the guest released it (ACPI PCI hotplug, built
# into the guest's kernel), after which QEMU reports DEVICE_DELETED; a
# paused guest cannot, which gives the timeout case.

import os
import re
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from qemu_integration_test import log, run_cases, wait_until  # noqa: E402

DISK_XML = """<disk type='file' device='disk'>
  <driver name='qemu' type='raw'/>
  <source file='{path}'/>
  <target dev='{dev}' bus='{bus}'/>
</disk>
"""

USER_NIC_XML = """<interface type='user'>
  <mac address='{mac}'/>
  <model type='virtio'/>
</interface>
"""


def image(d, name):
    path = os.path.join(d.root, name)
    with open(path, "wb") as f:
        f.truncate(16 << 20)
    return path


def write(d, name, text):
    path = os.path.join(d.root, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def qemu_has_open(d, name, path):
    """Whether the QEMU of @name has @path open (a block node over it)."""
    pid = d.qemu_pid(name)
    fds = "/proc/%d/fd" % pid
    for fd in os.listdir(fds):
        try:
            if os.readlink(os.path.join(fds, fd)) == path:
                return True
        except OSError:
            pass
    return False


def live_xml(d, name):
    return d.vshell("dumpxml", name).stdout


def inactive_xml(d, name):
    return d.vshell("dumpxml", name, "--inactive").stdout


def status_xml(d, name):
    with open(os.path.join(d.root, "run", "vmm", "qemu", name + ".xml")) as f:
        return f.read()


def disk_element(xml, dev):
    """The <disk> element of target @dev in @xml, or None."""
    for m in re.finditer(r"<disk .*?</disk>", xml, re.S):
        if "dev='%s'" % dev in m.group(0):
            return m.group(0)
    return None


def boot(d, name="tiny", timeout_s=None):
    if timeout_s:
        # The unplug deadline, short for the timeout case.
        d.stop()
        with open(os.path.join(d.root, "etc", "vmm", "qemu.conf"), "a") as f:
            f.write("device_detach_timeout = %d\n" % timeout_s)
        d.start()
    d.define(name)
    d.vshell("start", name)
    d.wait_markers(name, 1)


def check_attached(d, name, dev, img):
    """@dev of @img is in the live XML (with the alias and PCI address it
    got), in the status file, in domblklist and domblkstat (QMP), and QEMU
    has @img open."""
    disk = disk_element(live_xml(d, name), dev)
    assert disk, live_xml(d, name)
    assert "<alias name='virtio-disk%d'/>" % (ord(dev[-1]) - ord('a')) in disk, disk
    assert "<address type='pci'" in disk, disk
    assert disk_element(status_xml(d, name), dev), status_xml(d, name)
    blk = d.virsh("domblklist", name).stdout
    assert re.search(r"^\s*%s\s+%s\s*$" % (dev, re.escape(img)), blk, re.M), blk
    assert qemu_has_open(d, name, img), "QEMU does not hold %s" % img
    # QEMU's own view (query-blockstats): the new disk has counters.
    st = d.virsh("domblkstat", name, dev).stdout
    assert re.search(r"^%s rd_req \d+" % dev, st, re.M), st


def check_detached(d, name, dev, img):
    """@dev is gone from the live XML and the status file at once (the
    detach returned after DEVICE_DELETED), and QEMU lets go of @img."""
    assert disk_element(live_xml(d, name), dev) is None, live_xml(d, name)
    assert disk_element(status_xml(d, name), dev) is None, status_xml(d, name)
    assert dev not in d.virsh("domblklist", name).stdout
    r = d.virsh("domblkstat", name, dev, check=False)
    assert r.returncode != 0 and "invalid path: %s" % dev in r.stderr, r.stderr
    # blockdev-del follows DEVICE_DELETED on the monitor.
    wait_until("QEMU to close %s" % img, lambda: not qemu_has_open(d, name, img), timeout=30)


# ---------------------------------------------------------------------
# Cases

def case_disk_vshell(d):
    """vshell: attach-disk / detach-disk live (default: current state),
    attach-device / detach-device from a file, --config and --persistent."""
    boot(d)
    img = image(d, "b.img")
    out = d.vshell("attach-disk", "tiny", img, "vdb").stdout
    assert "Disk attached successfully" in out, out
    check_attached(d, "tiny", "vdb", img)
    assert disk_element(inactive_xml(d, "tiny"), "vdb") is None
    out = d.vshell("detach-disk", "tiny", "vdb").stdout
    assert "Disk detached successfully" in out, out
    check_detached(d, "tiny", "vdb", img)

    # attach-device/detach-device with a file, again on the same target.
    f = write(d, "vdb.xml", DISK_XML.format(path=img, dev="vdb", bus="virtio"))
    assert "Device attached successfully" in d.vshell("attach-device", "tiny", f).stdout
    check_attached(d, "tiny", "vdb", img)
    assert "Device detached successfully" in d.vshell("detach-device", "tiny", f).stdout
    check_detached(d, "tiny", "vdb", img)

    # --config: the persistent definition only; --persistent: both.
    img_c = image(d, "c.img")
    d.vshell("attach-disk", "tiny", img_c, "vdc", "--config")
    assert disk_element(inactive_xml(d, "tiny"), "vdc"), inactive_xml(d, "tiny")
    assert disk_element(live_xml(d, "tiny"), "vdc") is None
    assert not qemu_has_open(d, "tiny", img_c)
    d.vshell("detach-disk", "tiny", "vdc", "--config")
    assert disk_element(inactive_xml(d, "tiny"), "vdc") is None

    d.vshell("attach-disk", "tiny", img_c, "vdc", "--persistent")
    check_attached(d, "tiny", "vdc", img_c)
    assert disk_element(inactive_xml(d, "tiny"), "vdc"), inactive_xml(d, "tiny")
    # The saved definition on disk has it too.
    with open(os.path.join(d.root, "etc", "vmm", "qemu", "tiny.xml")) as fh:
        assert "c.img" in fh.read()
    d.vshell("detach-disk", "tiny", "vdc", "--persistent")
    check_detached(d, "tiny", "vdc", img_c)
    assert disk_element(inactive_xml(d, "tiny"), "vdc") is None
    d.vshell("destroy", "tiny")

    # Shut off: the current state is the persistent definition.
    d.vshell("attach-disk", "tiny", img_c, "vdc")
    assert disk_element(inactive_xml(d, "tiny"), "vdc")
    r = d.vshell("attach-disk", "tiny", img_c, "vdd", "--live", check=False)
    assert r.returncode != 0 and "domain is not running" in r.stderr, r.stderr
    d.vshell("detach-disk", "tiny", "vdc")
    assert disk_element(inactive_xml(d, "tiny"), "vdc") is None


def case_disk_virsh(d):
    """Stock virsh: attach-disk --live, domblklist, detach-disk;
    --persistent; attach-device --config."""
    if not shutil.which("virsh"):
        log("SKIP: virsh is not installed")
        return 77
    boot(d)
    img = image(d, "v.img")
    out = d.virsh("attach-disk", "tiny", img, "vdb", "--live").stdout
    assert "Disk attached successfully" in out, out
    check_attached(d, "tiny", "vdb", img)
    out = d.virsh("detach-disk", "tiny", "vdb", "--live").stdout
    assert "Disk detached successfully" in out, out
    check_detached(d, "tiny", "vdb", img)

    # Without flags virsh calls virDomainAttachDevice: the running domain.
    d.virsh("attach-disk", "tiny", img, "vdb")
    check_attached(d, "tiny", "vdb", img)
    d.virsh("detach-disk", "tiny", "vdb")
    check_detached(d, "tiny", "vdb", img)

    d.virsh("attach-disk", "tiny", img, "vdc", "--persistent")
    check_attached(d, "tiny", "vdc", img)
    assert disk_element(d.virsh("dumpxml", "tiny", "--inactive").stdout, "vdc")
    d.virsh("detach-disk", "tiny", "vdc", "--persistent")
    check_detached(d, "tiny", "vdc", img)
    assert disk_element(d.virsh("dumpxml", "tiny", "--inactive").stdout, "vdc") is None

    f = write(d, "vde.xml", DISK_XML.format(path=img, dev="vde", bus="virtio"))
    d.virsh("attach-device", "tiny", f, "--config")
    assert disk_element(d.virsh("dumpxml", "tiny", "--inactive").stdout, "vde")
    assert disk_element(d.virsh("dumpxml", "tiny").stdout, "vde") is None
    d.virsh("detach-device", "tiny", f, "--config")
    assert disk_element(d.virsh("dumpxml", "tiny", "--inactive").stdout, "vde") is None

    # update-device: the persistent definition takes the new device; QEMU
    # has no live update of a disk, which says so and changes nothing.
    d.virsh("attach-device", "tiny", f, "--config")
    img2 = image(d, "v2.img")
    f2 = write(d, "vde2.xml", DISK_XML.format(path=img2, dev="vde", bus="virtio"))
    out = d.virsh("update-device", "tiny", f2, "--config").stdout
    assert "Device updated successfully" in out, out
    disk = disk_element(d.virsh("dumpxml", "tiny", "--inactive").stdout, "vde")
    assert disk and img2 in disk, disk
    r = d.virsh("update-device", "tiny", f2, "--live", check=False)
    assert "live update of device 'disk' is not supported" in r.stderr, r.stderr
    r = d.vshell("update-device", "tiny", f, "--persistent", check=False)
    assert "live update of device 'disk' is not supported" in r.stderr, r.stderr
    disk = disk_element(d.virsh("dumpxml", "tiny", "--inactive").stdout, "vde")
    assert disk and img2 in disk, disk
    assert "Device updated successfully" in d.vshell("update-device", "tiny", f,
                                                     "--config").stdout
    disk = disk_element(d.virsh("dumpxml", "tiny", "--inactive").stdout, "vde")
    assert disk and img2 not in disk, disk


def case_disk_bad(d):
    """Bad devices get a clear error and change nothing, live or config."""
    boot(d)
    before_live, before_config = live_xml(d, "tiny"), inactive_xml(d, "tiny")
    before_status = status_xml(d, "tiny")
    missing = os.path.join(d.root, "missing.img")
    r = d.vshell("attach-disk", "tiny", missing, "vdb", "--persistent", check=False)
    assert r.returncode != 0, r.stdout
    assert "Failed to attach disk" in r.stderr and missing in r.stderr, r.stderr
    r = d.virsh("attach-disk", "tiny", missing, "vdb", "--live", check=False)
    assert r.returncode != 0 and missing in r.stderr, r.stderr
    img = image(d, "ide.img")
    r = d.vshell("attach-disk", "tiny", img, "hdb", "--targetbus", "ide", check=False)
    assert "disk bus 'ide' of disk 'hdb' cannot be hotplugged" in r.stderr, r.stderr
    bad = write(d, "bad.xml", "<frobnicator/>")
    r = d.virsh("attach-device", "tiny", bad, "--persistent", check=False)
    assert "unsupported device type 'frobnicator'" in r.stderr, r.stderr
    r = d.vshell("detach-disk", "tiny", "vdq", check=False)
    assert "No disk found whose source path or target is vdq" in r.stderr, r.stderr
    nodisk = write(d, "vdq.xml", DISK_XML.format(path=img, dev="vdq", bus="virtio"))
    r = d.virsh("detach-device", "tiny", nodisk, "--live", check=False)
    assert "no target device vdq" in r.stderr, r.stderr
    # device_add refused (slot 1 is the PIIX3): the block nodes added
    # before it are deleted again, QEMU lets go of the image.
    taken = write(d, "taken.xml", DISK_XML.format(path=img, dev="vdb", bus="virtio").replace(
        "</disk>", "  <address type='pci' domain='0x0000' bus='0x00' slot='0x01' "
        "function='0x0'/>\n</disk>"))
    r = d.virsh("attach-device", "tiny", taken, "--live", check=False)
    assert r.returncode != 0 and "device_add" in r.stderr, r.stderr
    wait_until("QEMU to drop the nodes of the refused disk",
               lambda: not qemu_has_open(d, "tiny", img), timeout=30)
    assert live_xml(d, "tiny") == before_live
    assert inactive_xml(d, "tiny") == before_config
    assert status_xml(d, "tiny") == before_status
    assert not qemu_has_open(d, "tiny", img)
    # A failed attach left no node behind: the same target attaches fine.
    d.vshell("attach-disk", "tiny", img, "vdb")
    check_attached(d, "tiny", "vdb", img)
    # ... and twice is refused.
    r = d.vshell("attach-disk", "tiny", img, "vdb", check=False)
    assert "target 'vdb' duplicated" in r.stderr, r.stderr


def case_detach_timeout(d):
    """A paused guest cannot release a virtio disk: the detach fails with a
    timeout naming the device, never a false success.  Once resumed, the
    guest releases it and the live definition follows QEMU's event."""
    boot(d, timeout_s=2)
    img = image(d, "t.img")
    d.vshell("attach-disk", "tiny", img, "vdb")
    check_attached(d, "tiny", "vdb", img)
    d.vshell("suspend", "tiny")
    r = d.vshell("detach-disk", "tiny", "vdb", check=False)
    assert r.returncode != 0, r.stdout
    assert "Disk detached successfully" not in r.stdout, r.stdout
    assert re.search(r"device disk 'vdb' \(virtio-disk1\) not removed within 2 s", r.stderr), \
        r.stderr
    r = d.virsh("detach-disk", "tiny", "vdb", check=False)
    assert r.returncode != 0 and "not removed within" in r.stderr, r.stderr
    assert disk_element(live_xml(d, "tiny"), "vdb"), "the disk is still plugged"
    assert qemu_has_open(d, "tiny", img)
    d.vshell("resume", "tiny")
    wait_until("the guest to release vdb",
               lambda: disk_element(live_xml(d, "tiny"), "vdb") is None, timeout=60)
    check_detached(d, "tiny", "vdb", img)


def case_restart(d):
    """A hotplugged disk outlives a kill -9 of vmmd: the status file held it
    (alias, address), the restarted vmmd re-adopts it and unplugs it."""
    boot(d)
    img = image(d, "r.img")
    d.vshell("attach-disk", "tiny", img, "vdb")
    check_attached(d, "tiny", "vdb", img)
    d.kill9()
    d.start()
    check_attached(d, "tiny", "vdb", img)
    d.virsh("detach-disk", "tiny", "vdb")
    check_detached(d, "tiny", "vdb", img)
    # And the next one plugs where that one was.
    d.vshell("attach-disk", "tiny", img, "vdb")
    check_attached(d, "tiny", "vdb", img)


def nic_count(xml):
    return len(re.findall(r"<interface type='user'>", xml))


def case_nic(d):
    """A user-mode virtio NIC: vshell attach-interface / detach-interface,
    virsh attach-device / detach-device (virsh's attach-interface knows no
    'user' type), --config."""
    boot(d)
    out = d.vshell("attach-interface", "tiny", "user", "-", "--model", "virtio",
                   "--mac", "52:54:00:aa:00:01").stdout
    assert "Interface attached successfully" in out, out
    xml = live_xml(d, "tiny")
    m = re.search(r"<interface type='user'>.*?</interface>", xml, re.S)
    assert m and "52:54:00:aa:00:01" in m.group(0), xml
    assert re.search(r"<alias name='net\d+'/>", m.group(0)), m.group(0)
    assert "<address type='pci'" in m.group(0), m.group(0)
    out = d.vshell("detach-interface", "tiny", "user", "--mac", "52:54:00:aa:00:01").stdout
    assert "Interface detached successfully" in out, out
    assert nic_count(live_xml(d, "tiny")) == 0

    f = write(d, "nic.xml", USER_NIC_XML.format(mac="52:54:00:aa:00:02"))
    d.virsh("attach-device", "tiny", f, "--live")
    assert nic_count(d.virsh("dumpxml", "tiny").stdout) == 1
    d.virsh("detach-device", "tiny", f, "--live")
    assert nic_count(d.virsh("dumpxml", "tiny").stdout) == 0

    d.vshell("attach-interface", "tiny", "user", "-", "--config")
    assert nic_count(inactive_xml(d, "tiny")) == 1 and nic_count(live_xml(d, "tiny")) == 0
    d.virsh("detach-interface", "tiny", "user", "--config")
    assert nic_count(inactive_xml(d, "tiny")) == 0

    # --persistent: plugged and saved with one generated MAC.
    d.vshell("attach-interface", "tiny", "user", "-", "--model", "virtio", "--persistent")
    macs = [re.findall(r"<interface type='user'>\s*<mac address='([0-9a-f:]+)'", x)
            for x in (live_xml(d, "tiny"), inactive_xml(d, "tiny"))]
    assert len(macs[0]) == 1 and macs[0] == macs[1], macs
    d.virsh("detach-interface", "tiny", "user", "--mac", macs[0][0], "--persistent")
    assert nic_count(live_xml(d, "tiny")) == 0 and nic_count(inactive_xml(d, "tiny")) == 0


CASES = {
    "disk-vshell": case_disk_vshell,
    "disk-virsh": case_disk_virsh,
    "disk-bad": case_disk_bad,
    "detach-timeout": case_detach_timeout,
    "nic": case_nic,
    "restart": case_restart,
}

if __name__ == "__main__":
    sys.exit(run_cases(CASES))
