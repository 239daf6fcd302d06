/*
 * command_test.c: the command builder runs real children: clean environment,
 * passed and closed fds, redirects, exit status, deadline, quoting, dry-run.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "util/command.h"
#include "util/command_priv.h"
#include "util/vmm_error.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static char *
make_tmpdir(void)
{
    g_autoptr(GError) err = NULL;
    char *dir = g_dir_make_tmp("vmm-command-XXXXXX", &err);
    g_assert_no_error(err);
    return dir;
}

static void
rm_tmpdir(const char *dir)
{
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    const char *name;

    while (d && (name = g_dir_read_name(d))) {
        g_autofree char *p = g_build_filename(dir, name, NULL);
        g_unlink(p);
    }
    g_rmdir(dir);
}

static VmmCommand *
sh(const char *script)
{
    VmmCommand *cmd = vmm_command_new("/bin/sh");
    vmm_command_add_args(cmd, "-c", script, NULL);
    return cmd;
}

static void
test_env_clean(void)
{
    g_autoptr(VmmCommand) cmd = vmm_command_new("env");
    g_autofree char *out = NULL;
    g_autoptr(GError) err = NULL;
    int status = -1;

    g_setenv("VMM_COMMAND_TEST_LEAK", "1", TRUE);
    g_setenv("VMM_COMMAND_TEST_PASS", "passed", TRUE);
    vmm_command_set_env(cmd, "FOO", "bar baz");
    vmm_command_pass_env(cmd, "VMM_COMMAND_TEST_PASS");
    vmm_command_pass_env(cmd, "VMM_COMMAND_TEST_UNSET");
    g_assert_true(vmm_command_run(cmd, 10000, &status, &out, NULL, &err));
    g_assert_no_error(err);
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpstr(out, ==,
                    "PATH=/usr/sbin:/usr/bin:/sbin:/bin\n"
                    "FOO=bar baz\n"
                    "VMM_COMMAND_TEST_PASS=passed\n");
}

static void
test_env_path_override(void)
{
    g_autoptr(VmmCommand) cmd = vmm_command_new("/usr/bin/env");
    g_autofree char *out = NULL;
    g_autoptr(GError) err = NULL;

    vmm_command_set_env(cmd, "PATH", "/nowhere");
    g_assert_true(vmm_command_run(cmd, 10000, NULL, &out, NULL, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(out, ==, "PATH=/nowhere\n");
}

static void
test_fds(void)
{
    int p[2];
    int leak;
    g_autoptr(VmmCommand) cmd = NULL;
    g_autofree char *script = NULL;
    g_autofree char *out = NULL;
    g_autoptr(GError) err = NULL;
    int status = -1;

    g_assert_cmpint(pipe(p), ==, 0);
    g_assert_cmpint(write(p[1], "through fd 10", 13), ==, 13);
    close(p[1]);
    /* Not close-on-exec: the builder must still keep it from the child. */
    leak = open("/dev/null", O_RDONLY);
    g_assert_cmpint(leak, >, 2);

    script = g_strdup_printf("cat /dev/fd/10; echo;"
                             "test -e /proc/self/fd/%d && echo leaked;"
                             "test -e /proc/self/fd/%d && echo same-number;"
                             "echo done", leak, 20);
    cmd = sh(script);
    vmm_command_pass_fd(cmd, p[0], 10, VMM_COMMAND_FD_CLOSE_PARENT);
    /* An fd passed under its own number. */
    {
        int same = dup2(leak, 20);
        g_assert_cmpint(same, ==, 20);
        vmm_command_pass_fd(cmd, same, -1, VMM_COMMAND_FD_CLOSE_PARENT);
    }
    g_assert_true(vmm_command_run(cmd, 10000, &status, &out, NULL, &err));
    g_assert_no_error(err);
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpstr(out, ==, "through fd 10\nsame-number\ndone\n");
    /* CLOSE_PARENT fds are closed in the parent after the run. */
    g_assert_cmpint(fcntl(p[0], F_GETFD), ==, -1);
    g_assert_cmpint(fcntl(20, F_GETFD), ==, -1);
    close(leak);
}

/* Two fds passed onto each other's numbers (a swap) both arrive. */
static void
test_fds_swap(void)
{
    int a[2], b[2];
    g_autoptr(VmmCommand) cmd = sh("cat /dev/fd/20; cat /dev/fd/21");
    g_autofree char *out = NULL;
    g_autoptr(GError) err = NULL;
    int status = -1;

    g_assert_cmpint(pipe(a), ==, 0);
    g_assert_cmpint(pipe(b), ==, 0);
    g_assert_cmpint(dup2(a[0], 20), ==, 20);
    g_assert_cmpint(dup2(b[0], 21), ==, 21);
    close(a[0]);
    close(b[0]);
    g_assert_cmpint(write(a[1], "A", 1), ==, 1);
    g_assert_cmpint(write(b[1], "B", 1), ==, 1);
    close(a[1]);
    close(b[1]);
    vmm_command_pass_fd(cmd, 20, 21, VMM_COMMAND_FD_CLOSE_PARENT);
    vmm_command_pass_fd(cmd, 21, 20, VMM_COMMAND_FD_CLOSE_PARENT);
    g_assert_true(vmm_command_run(cmd, 10000, &status, &out, NULL, &err));
    g_assert_no_error(err);
    g_assert_cmpint(status, ==, 0);
    g_assert_cmpstr(out, ==, "BA");
}

static void
test_redirects(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *log = g_build_filename(dir, "qemu.log", NULL);
    g_autofree char *in = g_build_filename(dir, "in", NULL);
    g_autofree char *content = NULL;
    g_autoptr(GError) err = NULL;
    int status = -1;
    int infd;

    g_assert_true(g_file_set_contents(log, "header\n", -1, NULL));
    g_assert_true(g_file_set_contents(in, "from stdin\n", -1, NULL));
    infd = open(in, O_RDONLY | O_CLOEXEC);
    {
        g_autoptr(VmmCommand) cmd = sh("cat; echo out; echo err >&2");
        vmm_command_set_stdin_fd(cmd, infd);
        vmm_command_set_output_file(cmd, log);
        g_assert_true(vmm_command_run(cmd, 10000, &status, NULL, NULL, &err));
        g_assert_no_error(err);
        g_assert_cmpint(status, ==, 0);
    }
    close(infd);
    g_assert_true(g_file_get_contents(log, &content, NULL, NULL));
    g_assert_cmpstr(content, ==, "header\nfrom stdin\nout\nerr\n");

    /* Without redirects, stdin is /dev/null and output is discarded. */
    {
        g_autoptr(VmmCommand) cmd = sh("cat; echo lost");
        g_autofree char *err_out = NULL;
        g_assert_true(vmm_command_run(cmd, 10000, &status, NULL, &err_out, &err));
        g_assert_no_error(err);
        g_assert_cmpstr(err_out, ==, "");
    }
    /* Captured separately. */
    {
        g_autoptr(VmmCommand) cmd = sh("echo o; echo e >&2");
        g_autofree char *o = NULL, *e = NULL;
        g_assert_true(vmm_command_run(cmd, 10000, &status, &o, &e, &err));
        g_assert_cmpstr(o, ==, "o\n");
        g_assert_cmpstr(e, ==, "e\n");
    }
    rm_tmpdir(dir);
}

static void
test_exit_status(void)
{
    g_autoptr(GError) err = NULL;
    int status = -1;

    {
        g_autoptr(VmmCommand) cmd = sh("exit 3");
        g_assert_true(vmm_command_run(cmd, 10000, &status, NULL, NULL, &err));
        g_assert_cmpint(status, ==, 3);
    }
    {
        g_autoptr(VmmCommand) cmd = sh("kill -TERM $$");
        g_assert_true(vmm_command_run(cmd, 10000, &status, NULL, NULL, &err));
        g_assert_cmpint(status, ==, 128 + SIGTERM);
    }
    {
        /* No status pointer: failure is an error quoting stderr. */
        g_autoptr(VmmCommand) cmd = sh("echo 'disk full' >&2; exit 1");
        g_assert_false(vmm_command_run(cmd, 10000, NULL, NULL, NULL, &err));
        g_assert_error(err, VMM_ERROR, VMM_ERR_INTERNAL_ERROR);
        g_assert_nonnull(strstr(err->message, "exited with status 1: disk full"));
        g_clear_error(&err);
    }
    {
        g_autoptr(VmmCommand) cmd = vmm_command_new("/nonexistent/vmm-binary");
        g_assert_false(vmm_command_run(cmd, 10000, &status, NULL, NULL, &err));
        g_assert_nonnull(strstr(err->message, "cannot run '/nonexistent/vmm-binary'"));
        g_clear_error(&err);
    }
    {
        /* Looked up in the child's PATH, not ours. */
        g_autoptr(VmmCommand) cmd = vmm_command_new("true");
        g_assert_true(vmm_command_run(cmd, 10000, &status, NULL, NULL, &err));
        g_assert_no_error(err);
        g_assert_cmpint(status, ==, 0);
    }
}

static void
test_deadline(void)
{
    g_autoptr(VmmCommand) cmd = vmm_command_new("sleep");
    g_autoptr(GError) err = NULL;
    g_autofree char *out = NULL;
    gint64 start = g_get_monotonic_time();
    int status = -1;

    vmm_command_add_arg(cmd, "30");
    g_assert_false(vmm_command_run(cmd, 200, &status, &out, NULL, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_TIMEOUT);
    g_assert_nonnull(strstr(err->message, "did not finish within 200 ms"));
    g_assert_null(out);
    g_assert_cmpint(g_get_monotonic_time() - start, <, 5 * G_USEC_PER_SEC);
}

static void
test_to_string(void)
{
    g_autoptr(VmmCommand) cmd = vmm_command_new("/usr/bin/qemu-system-x86_64");
    g_autofree char *s = NULL;

    vmm_command_set_env(cmd, "HOME", "/var/lib/vmm/qemu/domain-1-a b");
    vmm_command_add_arg_pair(cmd, "-name", "guest=test,debug-threads=on");
    vmm_command_add_args(cmd, "-append", "console=ttyS0 quiet", "it's", "", "$HOME", NULL);
    vmm_command_add_arg_format(cmd, "-m%d", 128);
    s = vmm_command_to_string(cmd);
    g_assert_cmpstr(s, ==,
                    "PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME='/var/lib/vmm/qemu/domain-1-a b' "
                    "/usr/bin/qemu-system-x86_64 -name guest=test,debug-threads=on "
                    "-append 'console=ttyS0 quiet' 'it'\\''s' '' '$HOME' -m128");
    g_assert_cmpstr(vmm_command_get_argv(cmd)[2], ==, "guest=test,debug-threads=on");
    g_assert_null(vmm_command_get_argv(cmd)[9]);
}

static void
fake_outcome(const VmmCommand *cmd, int *exit_status, char **out, char **err,
             gpointer opaque)
{
    int *calls = opaque;

    (*calls)++;
    if (g_str_has_suffix(vmm_command_get_argv(cmd)[0], "qemu-img")) {
        *exit_status = 5;
        if (out)
            *out = g_strdup("fake output");
    }
}

static void
test_dry_run(void)
{
    g_autoptr(GString) buf = g_string_new(NULL);
    g_autoptr(GError) err = NULL;
    g_autofree char *out = NULL;
    int calls = 0;
    int status = -1;
    GPid pid = -1;

    vmm_command_set_dry_run(buf, fake_outcome, &calls);
    {
        g_autoptr(VmmCommand) cmd = vmm_command_new("qemu-img");
        vmm_command_add_args(cmd, "create", "-f", "qcow2", "/tmp/x y.qcow2", "1G", NULL);
        g_assert_true(vmm_command_run(cmd, 0, &status, &out, NULL, &err));
        g_assert_cmpint(status, ==, 5);
        g_assert_cmpstr(out, ==, "fake output");
    }
    {
        /* Would fail if it really ran. */
        g_autoptr(VmmCommand) cmd = vmm_command_new("/nonexistent/dnsmasq");
        vmm_command_add_arg(cmd, "--conf-file=/var/lib/vmm/dnsmasq/default.conf");
        g_assert_true(vmm_command_spawn(cmd, &pid, NULL, NULL, NULL, &err));
        g_assert_no_error(err);
        g_assert_cmpint(pid, ==, 0);
    }
    vmm_command_set_dry_run(NULL, NULL, NULL);
    g_assert_cmpint(calls, ==, 2);
    g_assert_cmpstr(buf->str, ==,
                    "PATH=/usr/sbin:/usr/bin:/sbin:/bin qemu-img create -f qcow2 '/tmp/x y.qcow2' 1G\n"
                    "PATH=/usr/sbin:/usr/bin:/sbin:/bin /nonexistent/dnsmasq "
                    "--conf-file=/var/lib/vmm/dnsmasq/default.conf\n");
}

typedef struct {
    GMainLoop *loop;
    int status;
} WatchData;

static void
child_exited(GPid pid, int status, gpointer opaque)
{
    WatchData *w = opaque;

    w->status = status;
    g_main_loop_quit(w->loop);
}

static void
test_spawn_async(void)
{
    g_autofree char *dir = make_tmpdir();
    g_autofree char *pidfile = g_build_filename(dir, "child.pid", NULL);
    g_autofree char *pidtext = NULL;
    g_autoptr(VmmCommand) cmd = sh("pwd; umask; read line; echo \"got $line\"; exit 7");
    g_autoptr(GError) err = NULL;
    WatchData w = { g_main_loop_new(NULL, FALSE), -1 };
    int in = -1, out = -1;
    char buf[256];
    ssize_t n, total = 0;
    GPid pid;

    vmm_command_set_working_dir(cmd, dir);
    vmm_command_set_umask(cmd, 027);
    vmm_command_set_pidfile(cmd, pidfile);
    vmm_command_set_stdin_pipe(cmd);
    vmm_command_set_stdout_pipe(cmd);
    g_assert_true(vmm_command_spawn(cmd, &pid, &in, &out, NULL, &err));
    g_assert_no_error(err);
    g_assert_cmpint(pid, >, 0);
    g_assert_true(g_file_get_contents(pidfile, &pidtext, NULL, NULL));
    g_assert_cmpint(atoi(pidtext), ==, pid);

    g_assert_cmpint(write(in, "hello\n", 6), ==, 6);
    close(in);
    g_child_watch_add(pid, child_exited, &w);
    g_main_loop_run(w.loop);
    g_assert_true(WIFEXITED(w.status));
    g_assert_cmpint(WEXITSTATUS(w.status), ==, 7);
    while ((n = read(out, buf + total, sizeof(buf) - 1 - total)) > 0)
        total += n;
    buf[total] = '\0';
    close(out);
    {
        g_autofree char *expect = g_strdup_printf("%s\n0027\ngot hello\n", dir);
        g_assert_cmpstr(buf, ==, expect);
    }
    g_main_loop_unref(w.loop);
    rm_tmpdir(dir);
}

static void
test_user(void)
{
    g_autoptr(VmmCommand) cmd = vmm_command_new("id");
    g_autofree char *out = NULL;
    g_autoptr(GError) err = NULL;

    if (geteuid() != 0) {
        g_test_skip("switching uid/gid needs root");
        return;
    }
    vmm_command_add_args(cmd, "-u", NULL);
    vmm_command_set_user(cmd, 65534, 65534);
    g_assert_true(vmm_command_run(cmd, 10000, NULL, &out, NULL, &err));
    g_assert_no_error(err);
    g_assert_cmpstr(out, ==, "65534\n");
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* vmmd ignores SIGPIPE; the child must still get the default. */
    signal(SIGPIPE, SIG_IGN);
    g_test_add_func("/command/env-clean", test_env_clean);
    g_test_add_func("/command/env-path-override", test_env_path_override);
    g_test_add_func("/command/fds", test_fds);
    g_test_add_func("/command/fds-swap", test_fds_swap);
    g_test_add_func("/command/redirects", test_redirects);
    g_test_add_func("/command/exit-status", test_exit_status);
    g_test_add_func("/command/deadline", test_deadline);
    g_test_add_func("/command/to-string", test_to_string);
    g_test_add_func("/command/dry-run", test_dry_run);
    g_test_add_func("/command/spawn-async", test_spawn_async);
    g_test_add_func("/command/user", test_user);
    return g_test_run();
}
