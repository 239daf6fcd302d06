/*
 * remote_uri_test.c: tests for src/remote/remote_uri.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Which socket a URI reaches and which name goes out in CONNECT_OPEN; the
 * names match what libvirt 9.0's client sends (wire reference §5).
 */
#include "remote/remote_uri.h"
#include "util/vmm_error.h"

typedef struct {
    const char *uri;
    gboolean readonly;
    RemoteTransport transport;
    const char *name;
    const char *socket;     /* NULL: none expected */
    const char *host;
    int port;
    const char *user;
} UriCase;

static const UriCase uri_cases[] = {
    { "test+unix:///default", FALSE, REMOTE_TRANSPORT_UNIX, "test:///default",
      "/run/vmm/vmmd-sock" },
    { "test+unix:///default?socket=/tmp/x/run/vmm/vmmd-sock", FALSE, REMOTE_TRANSPORT_UNIX,
      "test:///default", "/tmp/x/run/vmm/vmmd-sock" },
    { "test+unix:///default?socket=/tmp/x%20y/sock", FALSE, REMOTE_TRANSPORT_UNIX,
      "test:///default", "/tmp/x y/sock" },
    { "qemu:///system", FALSE, REMOTE_TRANSPORT_UNIX, "qemu:///system", "/run/vmm/vmmd-sock" },
    { "qemu:///system", TRUE, REMOTE_TRANSPORT_UNIX, "qemu:///system", "/run/vmm/vmmd-sock-ro" },
    { "qemu+unix:///system?socket=/s", TRUE, REMOTE_TRANSPORT_UNIX, "qemu:///system", "/s" },
    { "qemu+unix:///system?socket=/s&mode=direct", FALSE, REMOTE_TRANSPORT_UNIX,
      "qemu:///system", "/s" },
    /* Parameters the client does not consume travel on to the server. */
    { "test+unix:///default?foo=bar&socket=/s&x=1", FALSE, REMOTE_TRANSPORT_UNIX,
      "test:///default?foo=bar&x=1", "/s" },
    { "test+unix:///default?socket=/s&name=test:///other", FALSE, REMOTE_TRANSPORT_UNIX,
      "test:///other", "/s" },
    { "qemu+ssh://h/system?keyfile=/k&known_hosts=/kh&Netcat=nc&proxy=auto&sshauth=agent"
      "&auth=polkit&pkipath=/p&tls_priority=X&no_verify=1&no_sanity=1&authfile=/a&SOCKET=/s",
      FALSE, REMOTE_TRANSPORT_SSH, "qemu:///system", "/s", "h" },
    { "lxc+unix:///", FALSE, REMOTE_TRANSPORT_UNIX, "lxc:///", "/run/vmm/vmmd-sock" },
    { "remote+unix:///system", FALSE, REMOTE_TRANSPORT_UNIX, "", "/run/vmm/vmmd-sock" },
    { "qemu+tcp://127.0.0.1:16600/system", FALSE, REMOTE_TRANSPORT_TCP, "qemu:///system",
      NULL, "127.0.0.1", 16600 },
    { "test+tcp://localhost/default", FALSE, REMOTE_TRANSPORT_TCP, "test:///default",
      NULL, "localhost", 16509 },
    { "qemu+ssh://root@host.example/system", FALSE, REMOTE_TRANSPORT_SSH, "qemu:///system",
      NULL, "host.example", 0, "root" },
    { "qemu+ssh://host:2222/system", TRUE, REMOTE_TRANSPORT_SSH, "qemu:///system",
      "/run/vmm/vmmd-sock-ro", "host", 2222 },
    { "test+ssh://u@h/default?socket=/x/sock&no_tty=1", FALSE, REMOTE_TRANSPORT_SSH,
      "test:///default", "/x/sock", "h", 0, "u" },
};

static void
test_uri_case(gconstpointer data)
{
    const UriCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(RemoteTarget) t = remote_target_parse(c->uri, c->readonly, &error);

    g_assert_no_error(error);
    g_assert_nonnull(t);
    g_assert_cmpint(t->transport, ==, c->transport);
    g_assert_cmpstr(t->name, ==, c->name);
    g_assert_cmpstr(t->socket_path, ==, c->socket);
    g_assert_cmpstr(t->host, ==, c->host);
    g_assert_cmpint(t->port, ==, c->port);
    g_assert_cmpstr(t->user, ==, c->user);
}

static void
test_uri_session(void)
{
    g_autoptr(RemoteTarget) t = NULL;
    g_autofree char *expect = NULL;

    /* g_get_user_runtime_dir() reads XDG_RUNTIME_DIR once, at first use. */
    expect = g_build_filename(g_get_user_runtime_dir(), "vmm", "vmmd-sock", NULL);
    t = remote_target_parse("qemu:///session", FALSE, NULL);
    g_assert_nonnull(t);
    g_assert_cmpstr(t->name, ==, "qemu:///session");
    g_assert_cmpstr(t->socket_path, ==, expect);
}

static void
test_uri_is_remote(void)
{
    g_assert_true(remote_uri_is_remote("test+unix:///default"));
    g_assert_true(remote_uri_is_remote("qemu:///system"));
    g_assert_true(remote_uri_is_remote("QEMU+SSH://h/system"));
    g_assert_true(remote_uri_is_remote("remote:///"));
    g_assert_false(remote_uri_is_remote("test:///default"));
    g_assert_false(remote_uri_is_remote("test:///tmp/x+y.xml"));
    g_assert_false(remote_uri_is_remote("nonsense"));
}

typedef struct {
    const char *uri;
    const char *message;
} BadCase;

static const BadCase bad_cases[] = {
    { "test+carrier-pigeon:///default",
      "invalid argument: unknown transport 'carrier-pigeon' in URI scheme "
      "'test+carrier-pigeon' (use unix, tcp or ssh)" },
    { "+unix:///default", NULL },
    { "test+unix://somehost/default",
      "invalid argument: URI 'test+unix://somehost/default' names host 'somehost', "
      "but the unix transport is local (use +ssh or +tcp)" },
    { "qemu+ssh:///system", "invalid argument: URI 'qemu+ssh:///system' has no host to ssh to" },
    { "qemu+ssh://h/session",
      "invalid argument: URI 'qemu+ssh://h/session': "
      "a session daemon over ssh needs ?socket=PATH" },
    { "test+ssh://h/default?no_tty=maybe",
      "invalid argument: URI parameter 'no_tty' must be 0 or 1, not 'maybe'" },
    { "test+tcp://h:99999/default", NULL },
};

static void
test_uri_bad(gconstpointer data)
{
    const BadCase *c = data;
    g_autoptr(GError) error = NULL;
    g_autoptr(RemoteTarget) t = remote_target_parse(c->uri, FALSE, &error);

    g_assert_null(t);
    g_assert_error(error, VMM_ERROR, VMM_ERR_INVALID_ARG);
    if (c->message)
        g_assert_cmpstr(error->message, ==, c->message);
}

static void
test_ssh_argv(void)
{
    g_autoptr(RemoteTarget) t = NULL;
    g_auto(GStrv) argv = NULL;
    g_autofree char *joined = NULL;

    t = remote_target_parse("qemu+ssh://root@h:2222/system", FALSE, NULL);
    argv = remote_target_ssh_argv(t);
    joined = g_strjoinv(" ", argv);
    g_assert_cmpstr(joined, ==, "ssh -p 2222 -T -e none -- root@h vmmd --stdio-proxy");
    g_clear_pointer(&t, remote_target_free);
    g_clear_pointer(&argv, g_strfreev);
    g_clear_pointer(&joined, g_free);

    t = remote_target_parse("test+ssh://h/default?socket=/a%20b/sock&no_tty=1&command=/opt/ssh",
                            FALSE, NULL);
    argv = remote_target_ssh_argv(t);
    joined = g_strjoinv(" ", argv);
    g_assert_cmpstr(joined, ==,
                    "/opt/ssh -T -e none -o BatchMode=yes -- h vmmd --stdio-proxy '/a b/sock'");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);

    for (size_t i = 0; i < G_N_ELEMENTS(uri_cases); i++) {
        g_autofree char *path = g_strdup_printf("/remote/uri/%zu", i);
        g_test_add_data_func(path, &uri_cases[i], test_uri_case);
    }
    for (size_t i = 0; i < G_N_ELEMENTS(bad_cases); i++) {
        g_autofree char *path = g_strdup_printf("/remote/uri-bad/%zu", i);
        g_test_add_data_func(path, &bad_cases[i], test_uri_bad);
    }
    g_test_add_func("/remote/uri-session", test_uri_session);
    g_test_add_func("/remote/is-remote", test_uri_is_remote);
    g_test_add_func("/remote/ssh-argv", test_ssh_argv);
    return g_test_run();
}
