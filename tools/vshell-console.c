/*
 * vshell-console.c: `console`, attaching the terminal to a guest's serial
 * console through a VmmStream, the way virsh does: raw terminal, Ctrl-]
 * leaves, --force takes the console over from another session.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "vshell.h"
#include "streams.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#define CONSOLE_ESCAPE 0x1d     /* Ctrl-] */

const VshOptDef vsh_console_opts[] = {
    { "domain", VSH_OT_STRING, VSH_OFLAG_REQ | VSH_OFLAG_POS, N_("domain name, id or uuid") },
    { "devname", VSH_OT_STRING, 0, N_("character device name") },
    { "force", VSH_OT_BOOL, 0,
      N_("force console connection (disconnect already connected sessions)") },
    { "safe", VSH_OT_BOOL, 0, N_("only connect if safe console handling is supported") },
    { NULL },
};

gboolean
vsh_write_all(int fd, const char *buf, gsize len)
{
    while (len) {
        gssize n = write(fd, buf, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            struct pollfd p = { .fd = fd, .events = POLLOUT };

            poll(&p, 1, 1000);
            continue;
        }
        if (n <= 0)
            return FALSE;
        buf += n;
        len -= n;
    }
    return TRUE;
}

/*
 * Copy between the terminal and @st until Ctrl-], EOF from the guest or
 * an error.  Returns FALSE with @error on an error.
 */
static gboolean
console_loop(VmmStream *st, GError **error)
{
    char buf[65536];

    for (;;) {
        struct pollfd p[2] = {
            { .fd = STDIN_FILENO, .events = POLLIN },
            { .fd = vmm_stream_get_fd(st), .events = POLLIN },
        };
        gssize n;

        if (poll(p, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            vmm_error_set_errno(error, errno, "%s", _("poll failed"));
            return FALSE;
        }
        if (p[1].revents) {
            n = vmm_stream_recv(st, buf, sizeof(buf), error);
            if (n == 0)
                return vmm_stream_finish(st, error);    /* the guest side closed */
            if (n < 0 && n != VMM_STREAM_AGAIN)
                return FALSE;
            if (n > 0 && !vsh_write_all(STDOUT_FILENO, buf, n)) {
                vmm_stream_abort(st, NULL);
                return TRUE;
            }
        }
        if (p[0].revents) {
            char *esc;

            n = read(STDIN_FILENO, buf, sizeof(buf));
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0)
                return vmm_stream_finish(st, error);
            esc = memchr(buf, CONSOLE_ESCAPE, n);
            if (esc)
                n = esc - buf;
            if (n > 0 && vmm_stream_send(st, buf, n, error) < 0)
                return FALSE;
            if (esc)
                return vmm_stream_finish(st, error);
        }
    }
}

gboolean
vsh_cmd_console(Vsh *ctl, const VshCmd *cmd)
{
    g_autoptr(VmmDomain) dom = vsh_lookup_domain(ctl, cmd, "domain");
    g_autoptr(GError) error = NULL;
    g_autoptr(VmmStream) st = NULL;
    unsigned int flags = 0;
    struct termios saved, raw;
    gboolean tty, ok;
    int state = 0, reason = 0;

    if (!dom)
        return FALSE;
    if (!isatty(STDIN_FILENO)) {
        vsh_error(ctl, "%s", _("Cannot run interactive console without a controlling TTY"));
        return FALSE;
    }
    if (!vmm_domain_get_state(dom, &state, &reason, 0, &error)) {
        vsh_error(ctl, "%s", _("Unable to get domain status"));
        return FALSE;
    }
    if (state == VMM_DOMAIN_SHUTOFF) {
        vsh_error(ctl, "%s", _("The domain is not running"));
        return FALSE;
    }
    if (vsh_cmd_has(cmd, "force"))
        flags |= VMM_DOMAIN_CONSOLE_FORCE;
    if (vsh_cmd_has(cmd, "safe"))
        flags |= VMM_DOMAIN_CONSOLE_SAFE;

    st = vmm_stream_new(vmm_domain_get_connect(dom), VMM_STREAM_NONBLOCK);
    if (!vmm_domain_open_console(dom, vsh_cmd_string(cmd, "devname"), st, flags, &error)) {
        vsh_report(ctl, &error);
        return FALSE;
    }

    printf(_("Connected to domain '%s'\n"), vmm_domain_get_name(dom));
    printf(_("Escape character is ^] (Ctrl + ])\n"));
    fflush(stdout);

    tty = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (tty) {
        raw = saved;
        cfmakeraw(&raw);
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &raw);
    }
    ok = console_loop(st, &error);
    if (tty)
        tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    printf("\n");
    fflush(stdout);
    if (!ok) {
        vsh_report(ctl, &error);
        return FALSE;
    }
    ctl->no_trailer = TRUE;
    return TRUE;
}
