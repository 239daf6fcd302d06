/*
 * qemu_stats_test.c: the parsers behind the QEMU driver's statistics:
 * /proc/PID/stat and status, kernel CPU lists, /proc/net/dev (with the
 * host/guest swap), and refused malformed input.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "drivers/qemu/qemu_stats.h"

#include <string.h>

static void
test_proc_stat(void)
{
    /* A thread named with spaces and a ')' in it: fields count from the
     * last ')'. */
    const char *text =
        "4242 (CPU 0/TCG) x) R 1 4242 4242 0 -1 4194368 1500 0 0 0 "
        "731 269 0 0 20 0 3 0 123456 1000000 500 18446744073709551615 1 1 0 0 0 0 0 "
        "4096 0 0 0 0 17 1 0 0 0 0 0\n";
    guint64 ticks = 0;
    int cpu = -1;

    g_assert_true(qemu_parse_proc_stat(text, &ticks, &cpu));
    g_assert_cmpuint(ticks, ==, 731 + 269);
    g_assert_cmpint(cpu, ==, 1);
    ticks = 0;
    g_assert_true(qemu_parse_proc_stat(text, &ticks, NULL));
    g_assert_cmpuint(ticks, ==, 1000);

    g_assert_false(qemu_parse_proc_stat("4242 no parenthesis", &ticks, NULL));
    g_assert_false(qemu_parse_proc_stat("1 (x) R 1 2 3", &ticks, NULL));
    g_assert_false(qemu_parse_proc_stat("1 (x) R 1 1 1 0 -1 0 0 0 0 0 abc 5 0", &ticks, NULL));
    /* Times there, but no processor field. */
    g_assert_true(qemu_parse_proc_stat("1 (x) R 1 1 1 0 -1 0 0 0 0 0 7 5", &ticks, NULL));
    g_assert_cmpuint(ticks, ==, 12);
    g_assert_false(qemu_parse_proc_stat("1 (x) R 1 1 1 0 -1 0 0 0 0 0 7 5", &ticks, &cpu));
}

static void
test_proc_status_rss(void)
{
    guint64 rss = 0;

    g_assert_true(qemu_parse_proc_status_rss("Name:\tqemu\nVmPeak:\t  900 kB\n"
                                             "VmRSS:\t  123456 kB\nThreads:\t5\n", &rss));
    g_assert_cmpuint(rss, ==, 123456);
    g_assert_true(qemu_parse_proc_status_rss("VmRSS: 7 kB", &rss));
    g_assert_cmpuint(rss, ==, 7);
    g_assert_false(qemu_parse_proc_status_rss("Name:\tzombie\nState:\tZ\n", &rss));
    g_assert_false(qemu_parse_proc_status_rss("VmRSS:\tlots\n", &rss));
}

static void
test_cpuset(void)
{
    unsigned char map[VMM_CPU_MAPLEN(16)];
    int count = -1;

    g_assert_true(vmm_cpuset_parse("0-7\n", NULL, 0, &count));
    g_assert_cmpint(count, ==, 8);
    g_assert_true(vmm_cpuset_parse("0-3,6,9-10\n", map, 16, &count));
    g_assert_cmpint(count, ==, 11);
    g_assert_cmphex(map[0], ==, 0x4f);
    g_assert_cmphex(map[1], ==, 0x06);
    /* CPUs beyond the map count but are not written. */
    g_assert_true(vmm_cpuset_parse("0,15", map, 8, &count));
    g_assert_cmpint(count, ==, 16);
    g_assert_cmphex(map[0], ==, 0x01);
    g_assert_true(vmm_cpuset_parse("\n", NULL, 0, &count));
    g_assert_cmpint(count, ==, 0);
    g_assert_false(vmm_cpuset_parse("0-x", NULL, 0, &count));
    g_assert_false(vmm_cpuset_parse("5-2", NULL, 0, &count));
    g_assert_false(vmm_cpuset_parse("a", NULL, 0, &count));
    /* libvirt's exclusions, as <vcpupin cpuset> has them. */
    g_assert_true(vmm_cpuset_parse("0-7,^2,^5", map, 16, &count));
    g_assert_cmpint(count, ==, 8);
    g_assert_cmphex(map[0], ==, 0xdb);
    g_assert_false(vmm_cpuset_parse("^1-2", map, 16, &count));
}

static void
test_proc_net_dev(void)
{
    const char *text =
        "Inter-|   Receive                                                |  Transmit\n"
        " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets "
        "errs drop fifo colls carrier compressed\n"
        "    lo:     100       2    0    0    0     0          0         0      100       2 "
        "   0    0    0     0       0          0\n"
        " vnet0:    1500      11    1    2    0     0          0         0     3300      "
        "22    3    4    0     0       0          0\n"
        "vnet10:9 1 0 0 0 0 0 0 8 2 0 0 0 0 0 0\n";
    VmmDomainInterfaceStats st;

    memset(&st, 0xff, sizeof(st));
    g_assert_true(qemu_parse_proc_net_dev(text, "vnet0", &st));
    /* The host transmitted what the guest received. */
    g_assert_cmpint(st.rx_bytes, ==, 3300);
    g_assert_cmpint(st.rx_packets, ==, 22);
    g_assert_cmpint(st.rx_errs, ==, 3);
    g_assert_cmpint(st.rx_drop, ==, 4);
    g_assert_cmpint(st.tx_bytes, ==, 1500);
    g_assert_cmpint(st.tx_packets, ==, 11);
    g_assert_cmpint(st.tx_errs, ==, 1);
    g_assert_cmpint(st.tx_drop, ==, 2);
    /* No space after the colon once the counter is wide. */
    g_assert_true(qemu_parse_proc_net_dev(text, "vnet10", &st));
    g_assert_cmpint(st.rx_bytes, ==, 8);
    g_assert_cmpint(st.tx_bytes, ==, 9);
    g_assert_false(qemu_parse_proc_net_dev(text, "vnet1", &st));
    g_assert_false(qemu_parse_proc_net_dev("eth0: 1 2 3\n", "eth0", &st));
    g_assert_false(qemu_parse_proc_net_dev("eth0: 1 2 3 4 5 6 7 8 9 x 11 12\n", "eth0", &st));
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/qemu/stats/proc-stat", test_proc_stat);
    g_test_add_func("/qemu/stats/proc-status-rss", test_proc_status_rss);
    g_test_add_func("/qemu/stats/cpuset", test_cpuset);
    g_test_add_func("/qemu/stats/proc-net-dev", test_proc_net_dev);
    return g_test_run();
}
