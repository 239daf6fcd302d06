#!/usr/bin/python3
# virtinst_caps_test.py: Debian's virt-install (virtinst) reads our
# <capabilities> and <domainCapabilities> golden files the way it reads
# libvirt's.  virtinst needs a connection object, so it gets libvirt's
# in-process test:///default one; the documents parsed are ours.
#
# SPDX-License-Identifier: LGPL-2.1-or-later
import os
import sys

sys.path.insert(0, '/usr/share/virt-manager')
try:
    from virtinst import cli
    from virtinst.capabilities import Capabilities
    from virtinst.domcapabilities import DomainCapabilities
except Exception as e:  # virt-install (or python3-gi, python3-libvirt) absent
    print(f'SKIP: virtinst is not importable: {e}')
    sys.exit(77)

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data')


def read(name):
    with open(os.path.join(DATA, name)) as f:
        return f.read()


def check(cond, what):
    if not cond:
        print(f'FAIL: {what}')
        sys.exit(1)
    print(f'ok: {what}')


conn = cli.getConnection('test:///default')

caps = Capabilities(conn, read('capabilities-kvm.xml'))
check(caps.host.cpu.arch == 'x86_64', 'host cpu arch')
info = caps.guest_lookup(os_type='hvm', arch='x86_64', typ='kvm')
check(info.hypervisor_type == 'kvm', 'kvm guest found')
check(info.emulator == '/usr/bin/qemu-system-x86_64', 'emulator path')
check('pc' in info.machines and 'q35' in info.machines, 'machine aliases listed')
check(info.machines[0] == 'pc-i440fx-7.2', 'default machine first')
check(caps.guest_lookup(os_type='hvm', arch='x86_64', typ='qemu').hypervisor_type == 'qemu',
      'qemu guest found')

tcg = Capabilities(conn, read('capabilities-tcg.xml'))
try:
    tcg.guest_lookup(os_type='hvm', arch='x86_64', typ='kvm')
    check(False, 'no kvm guest without a usable /dev/kvm')
except Exception as e:
    check('kvm' in str(e), 'no kvm guest without a usable /dev/kvm')
check(tcg.guest_lookup().hypervisor_type == 'qemu', 'qemu is the default without kvm')

for name, machine, kvm in (('domcaps-pc-kvm.xml', 'pc-i440fx-7.2', True),
                           ('domcaps-q35-kvm.xml', 'pc-q35-7.2', True),
                           ('domcaps-default-qemu.xml', 'pc-i440fx-7.2', False)):
    dc = DomainCapabilities(conn, read(name))
    check(dc.machine == machine, f'{name}: machine')
    check(dc.arch_can_uefi() and dc.supports_uefi_loader(), f'{name}: UEFI loader')
    check(dc.supports_firmware_efi(), f'{name}: firmware autoselection')
    check(dc.find_uefi_path_for_arch() == '/usr/share/OVMF/OVMF_CODE_4M.fd',
          f'{name}: UEFI path')
    check(dc.supports_video_virtio() and dc.supports_video_qxl() and
          dc.supports_video_bochs(), f'{name}: video models')
    check(dc.supports_graphics_spice(), f'{name}: spice')
    check(dc.supports_safe_host_passthrough() == kvm, f'{name}: host-passthrough')
    check(not dc.supports_safe_host_model(), f'{name}: no host-model')
    check(not dc.supports_sev_launch_security(), f'{name}: no SEV')
    check(not dc.supports_filesystem_virtiofs(), f'{name}: no virtiofs')
    check(dc.supports_memorybacking_memfd(), f'{name}: memfd')
