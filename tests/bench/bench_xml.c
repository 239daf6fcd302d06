/*
 * bench_xml.c: parse and format N domain XMLs, report the time taken.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: bench_xml [N]   (default 10000)
 * Prints one line per phase: "<phase> <N> <total seconds> <microseconds/op>".
 * The documents are generated up front so that only parse and format are
 * timed; each has a distinct name and UUID and a typical device set.
 */
#include "conf/domain_def.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *
make_domain_xml(unsigned int i)
{
    return g_strdup_printf(
        "<domain type='kvm'>\n"
        "  <name>bench-%u</name>\n"
        "  <uuid>%08x-1b2c-4d3e-8f40-%012x</uuid>\n"
        "  <title>benchmark guest %u</title>\n"
        "  <memory unit='MiB'>1024</memory>\n"
        "  <currentMemory unit='MiB'>1024</currentMemory>\n"
        "  <vcpu placement='static'>2</vcpu>\n"
        "  <os>\n"
        "    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>\n"
        "    <boot dev='hd'/>\n"
        "  </os>\n"
        "  <features><acpi/><apic/></features>\n"
        "  <cpu mode='host-passthrough' check='none' migratable='on'/>\n"
        "  <clock offset='utc'>\n"
        "    <timer name='rtc' tickpolicy='catchup'/>\n"
        "    <timer name='pit' tickpolicy='delay'/>\n"
        "    <timer name='hpet' present='no'/>\n"
        "  </clock>\n"
        "  <on_poweroff>destroy</on_poweroff>\n"
        "  <on_reboot>restart</on_reboot>\n"
        "  <on_crash>destroy</on_crash>\n"
        "  <devices>\n"
        "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
        "    <disk type='file' device='disk'>\n"
        "      <driver name='qemu' type='qcow2' discard='unmap'/>\n"
        "      <source file='/var/lib/vmm/images/bench-%u.qcow2'/>\n"
        "      <target dev='vda' bus='virtio'/>\n"
        "    </disk>\n"
        "    <controller type='usb' index='0' model='qemu-xhci' ports='15'/>\n"
        "    <interface type='network'>\n"
        "      <mac address='52:54:00:%02x:%02x:%02x'/>\n"
        "      <source network='default'/>\n"
        "      <model type='virtio'/>\n"
        "    </interface>\n"
        "    <console type='pty'><target type='serial' port='0'/></console>\n"
        "    <channel type='unix'>\n"
        "      <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
        "    </channel>\n"
        "    <input type='tablet' bus='usb'/>\n"
        "    <graphics type='vnc' port='-1' autoport='yes'/>\n"
        "    <video><model type='virtio' heads='1' primary='yes'/></video>\n"
        "    <memballoon model='virtio'/>\n"
        "    <rng model='virtio'><backend model='random'>/dev/urandom</backend></rng>\n"
        "  </devices>\n"
        "</domain>\n",
        i, i, i, i, i, (i >> 16) & 0xff, (i >> 8) & 0xff, i & 0xff);
}

int
main(int argc, char **argv)
{
    unsigned int n = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 10) : 10000;
    g_autoptr(GPtrArray) xmls = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) defs = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_domain_def_free);
    gsize out_bytes = 0;
    gint64 t0, t1, t2;

    for (unsigned int i = 0; i < n; i++)
        g_ptr_array_add(xmls, make_domain_xml(i));

    t0 = g_get_monotonic_time();
    for (unsigned int i = 0; i < n; i++) {
        g_autoptr(GError) err = NULL;
        VmmDomainDef *def = vmm_domain_def_parse_string(xmls->pdata[i], NULL, 0, &err);
        if (!def) {
            fprintf(stderr, "parse failed: %s\n", err->message);
            return 1;
        }
        g_ptr_array_add(defs, def);
    }
    t1 = g_get_monotonic_time();
    for (unsigned int i = 0; i < n; i++) {
        g_autofree char *out = vmm_domain_def_format(defs->pdata[i], -1, 0);
        out_bytes += strlen(out);
    }
    t2 = g_get_monotonic_time();

    printf("parse %u %.3f %.1f\n", n, (t1 - t0) / 1e6, (double)(t1 - t0) / n);
    printf("format %u %.3f %.1f\n", n, (t2 - t1) / 1e6, (double)(t2 - t1) / n);
    printf("formatted-bytes %zu\n", out_bytes);
    return 0;
}
