/*
 * stdio_proxy_helper.c: `vmmd --stdio-proxy [SOCKET]` for the +ssh test.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The fake ssh of remote_e2e_test.c runs this as "vmmd": it is the real
 * vmm_stdio_proxy_run(), without the rest of the daemon.
 */
#include "remote/stdio_proxy.h"

#include <string.h>

int
main(int argc, char **argv)
{
    if (argc < 2 || argc > 3 || strcmp(argv[1], "--stdio-proxy") != 0)
        return 2;
    return vmm_stdio_proxy_run(argc == 3 ? argv[2] : NULL);
}
