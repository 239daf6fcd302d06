/*
 * rpc_unit_test.c: the packet layer (src/rpc/rpc_packet.c), the event
 * registry (src/events.c) and vmmd.conf parsing (daemon/vmmd_config.c).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <string.h>

#include "driver.h"
#include "events.h"
#include "rpc/rpc_packet.h"
#include "vmmd_config.h"

/* ---- packets ---- */

static void
put_be32(guint8 *p, guint32 v)
{
    p[0] = v >> 24;
    p[1] = v >> 16;
    p[2] = v >> 8;
    p[3] = v;
}

static void
test_length_limits(void)
{
    guint8 buf[4];
    guint32 len = 0;
    g_autoptr(GError) err = NULL;

    put_be32(buf, 28);
    g_assert_true(vmm_rpc_length_decode(buf, &len, NULL));
    g_assert_cmpuint(len, ==, 28);
    put_be32(buf, 27);
    g_assert_false(vmm_rpc_length_decode(buf, &len, NULL));
    /* The 32 MiB limit excludes the length word itself. */
    put_be32(buf, VMM_RPC_MESSAGE_MAX + 4);
    g_assert_true(vmm_rpc_length_decode(buf, &len, NULL));
    put_be32(buf, VMM_RPC_MESSAGE_MAX + 5);
    g_assert_false(vmm_rpc_length_decode(buf, &len, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_RPC);
    g_assert_nonnull(strstr(err->message, "too large, want 33554432"));
    put_be32(buf, 0xffffffff);
    g_assert_false(vmm_rpc_length_decode(buf, &len, NULL));
}

/* The byte-exact AUTH_LIST reply of the wire reference. */
static void
test_encode_reply(void)
{
    static const guint8 want[] = {
        0x00, 0x00, 0x00, 0x24, 0x20, 0x00, 0x80, 0x86, 0x00, 0x00, 0x00, 0x01,
        0x00, 0x00, 0x00, 0x42, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    };
    VmmRpcHeader hdr = { REMOTE_PROGRAM, 1, REMOTE_PROC_AUTH_LIST, VMM_RPC_REPLY, 0, 0 };
    remote_auth_type types[] = { REMOTE_AUTH_NONE };
    remote_auth_list_ret ret = { { 1, types } };
    g_autoptr(GBytes) pkt = vmm_rpc_packet_encode(&hdr, (xdrproc_t)xdr_remote_auth_list_ret,
                                                  &ret, NULL);
    gsize len;
    const guint8 *data = g_bytes_get_data(pkt, &len);
    VmmRpcHeader back;

    g_assert_cmpmem(data, len, want, sizeof(want));
    g_assert_true(vmm_rpc_header_decode(data + 4, len - 4, &back, NULL));
    g_assert_cmpint(back.proc, ==, REMOTE_PROC_AUTH_LIST);
    g_assert_cmpint(back.type, ==, VMM_RPC_REPLY);
    g_assert_false(vmm_rpc_header_decode(data + 4, 23, &back, NULL));
}

static void
test_error_round_trip(void)
{
    g_autoptr(GError) in = g_error_new_literal(VMM_ERROR, VMM_ERR_NO_DOMAIN,
                                               "Domain not found: no domain with matching name 'x'");
    VmmRpcHeader hdr = { REMOTE_PROGRAM, 1, 23, VMM_RPC_REPLY, 7, VMM_RPC_OK };
    g_autoptr(GBytes) pkt = vmm_rpc_packet_encode_error(&hdr, in, VMM_RPC_FROM_TEST);
    gsize len;
    const guint8 *data = g_bytes_get_data(pkt, &len);
    VmmRpcHeader back;
    remote_error rerr = { 0 };
    g_autoptr(GError) out = NULL;

    g_assert_true(vmm_rpc_header_decode(data + 4, len - 4, &back, NULL));
    g_assert_cmpint(back.status, ==, VMM_RPC_ERROR);
    g_assert_cmpuint(back.serial, ==, 7);
    g_assert_true(vmm_rpc_payload_decode(data + 28, len - 28, (xdrproc_t)xdr_remote_error,
                                         &rerr, NULL));
    g_assert_cmpint(rerr.code, ==, 42);
    g_assert_cmpint(rerr.domain, ==, 12);
    g_assert_cmpint(rerr.level, ==, 2);
    out = vmm_rpc_error_to_gerror(&rerr);
    g_assert_error(out, VMM_ERROR, VMM_ERR_NO_DOMAIN);
    g_assert_cmpstr(out->message, ==, in->message);
    vmm_rpc_payload_free((xdrproc_t)xdr_remote_error, &rerr);

    /* libvirtd's "unknown procedure" reads as "not supported". */
    {
        char *msg = (char *)"unknown procedure: 999";
        remote_error up = { .code = VMM_ERR_RPC, .domain = 7, .message = &msg, .level = 2 };
        g_autoptr(GError) e = vmm_rpc_error_to_gerror(&up);
        g_assert_error(e, VMM_ERROR, VMM_ERR_NO_SUPPORT);
    }
    /* Foreign errors go out as internal errors. */
    {
        g_autoptr(GError) foreign = g_error_new_literal(G_FILE_ERROR, G_FILE_ERROR_NOENT, "x");
        remote_error r;
        vmm_rpc_error_from_gerror(foreign, VMM_RPC_FROM_RPC, &r);
        g_assert_cmpint(r.code, ==, VMM_ERR_INTERNAL_ERROR);
        g_free(*r.message);
        g_free(r.message);
    }
}

static void
test_decode_limits(void)
{
    /* A string announcing 4 MiB + 1 bytes is refused before any copy. */
    guint8 buf[8];
    remote_domain_lookup_by_name_args args = { 0 };
    g_autoptr(GError) err = NULL;

    put_be32(buf, REMOTE_STRING_MAX + 1);
    memcpy(buf + 4, "abcd", 4);
    g_assert_false(vmm_rpc_payload_decode(buf, sizeof(buf),
                                          (xdrproc_t)xdr_remote_domain_lookup_by_name_args,
                                          &args, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_RPC);
    g_assert_null(args.name);

    /* Truncated: length 8, 4 bytes present. */
    put_be32(buf, 8);
    g_assert_false(vmm_rpc_payload_decode(buf, sizeof(buf),
                                          (xdrproc_t)xdr_remote_domain_lookup_by_name_args,
                                          &args, NULL));
    /* An array count over its limit. */
    {
        remote_connect_list_all_domains_ret ret = { 0 };
        guint8 b[8];
        put_be32(b, REMOTE_DOMAIN_LIST_MAX + 1);
        put_be32(b + 4, 0);
        g_assert_false(vmm_rpc_payload_decode(b, sizeof(b),
                                              (xdrproc_t)xdr_remote_connect_list_all_domains_ret,
                                              &ret, NULL));
    }
}

/* Chars travel as 4-byte words (NODE_GET_INFO is 160 bytes with header). */
static void
test_char_layout(void)
{
    remote_node_get_info_ret ret = { .model = "i686", .memory = 3145728, .cpus = 16 };
    VmmRpcHeader hdr = { REMOTE_PROGRAM, 1, REMOTE_PROC_NODE_GET_INFO, VMM_RPC_REPLY, 0, 0 };
    g_autoptr(GBytes) pkt = vmm_rpc_packet_encode(&hdr, (xdrproc_t)xdr_remote_node_get_info_ret,
                                                  &ret, NULL);

    g_assert_cmpuint(g_bytes_get_size(pkt), ==, 4 + 24 + 32 * 4 + 8 + 6 * 4);
}

/* ---- events ---- */

static VmmDriver fake_driver = { .name = "fake", .scheme = "fake" };

typedef struct {
    GString *log;
    int freed;
} EventLog;

static void
dom_cb(VmmConnect *conn, VmmDomain *dom, int event, int detail, gpointer opaque)
{
    g_string_append_printf(opaque, "%s:%d/%d;", vmm_domain_get_name(dom), event, detail);
}

static void
dom_cb2(VmmConnect *conn, VmmDomain *dom, int event, int detail, gpointer opaque)
{
    g_string_append_printf(opaque, "second:%d;", event);
}

static void
count_free(gpointer data)
{
    (*(int *)data)++;
}

static void
test_events(void)
{
    VmmConnect conn = { .ref = 1, .driver = &fake_driver };
    VmmConnect other = { .ref = 1, .driver = &fake_driver };
    unsigned char uuid[VMM_UUID_BUFLEN] = { 1 };
    g_autoptr(VmmDomain) dom = vmm_domain_new_handle(&conn, "d1", uuid, 3);
    g_autoptr(GString) log = g_string_new("");
    g_autoptr(GString) log2 = g_string_new("");
    g_autoptr(GError) err = NULL;
    int freed = 0;
    int id1, id2;

    id1 = vmm_connect_domain_event_register(&conn, dom_cb, log, NULL, NULL);
    id2 = vmm_connect_domain_event_register(&conn, dom_cb2, log2, NULL, NULL);
    g_assert_cmpint(id1, >=, 0);
    g_assert_cmpint(id2, >, id1);
    g_assert_cmpuint(vmm_event_count(&conn, VMM_EVENT_KIND_DOMAIN_LIFECYCLE), ==, 2);
    g_assert_cmpuint(vmm_event_count(&conn, VMM_EVENT_KIND_NETWORK_LIFECYCLE), ==, 0);

    vmm_event_emit_domain_lifecycle(&conn, dom, VMM_DOMAIN_EVENT_STARTED,
                                    VMM_DOMAIN_EVENT_STARTED_BOOTED);
    /* Other connections' callbacks stay quiet. */
    vmm_event_emit_domain_lifecycle(&other, dom, VMM_DOMAIN_EVENT_STOPPED, 1);
    g_assert_cmpstr(log->str, ==, "d1:2/0;");
    g_assert_cmpstr(log2->str, ==, "second:2;");

    g_assert_true(vmm_connect_domain_event_deregister(&conn, id2, NULL));
    g_assert_false(vmm_connect_domain_event_deregister(&conn, id2, &err));
    g_assert_error(err, VMM_ERROR, VMM_ERR_INVALID_ARG);
    /* A domain id is not a network id. */
    g_assert_false(vmm_connect_network_event_deregister(&conn, id1, NULL));
    vmm_event_emit_domain_lifecycle(&conn, dom, VMM_DOMAIN_EVENT_STOPPED, 1);
    g_assert_cmpstr(log->str, ==, "d1:2/0;d1:5/1;");
    g_assert_cmpstr(log2->str, ==, "second:2;");

    g_assert_true(vmm_connect_domain_event_deregister(&conn, id1, NULL));
    id1 = vmm_connect_domain_event_register(&conn, dom_cb, &freed, count_free, NULL);
    g_assert_true(vmm_connect_domain_event_deregister(&conn, id1, NULL));
    g_assert_cmpint(freed, ==, 1);
    g_assert_cmpuint(vmm_event_count(&conn, VMM_EVENT_KIND_DOMAIN_LIFECYCLE), ==, 0);

    g_assert_cmpstr(vmm_domain_event_to_string(VMM_DOMAIN_EVENT_STOPPED), ==, "Stopped");
    g_assert_cmpstr(vmm_domain_event_detail_to_string(VMM_DOMAIN_EVENT_STOPPED,
                                                      VMM_DOMAIN_EVENT_STOPPED_DESTROYED),
                    ==, "Destroyed");
    /* virsh event's words for every event that has details. */
    g_assert_cmpstr(vmm_domain_event_detail_to_string(VMM_DOMAIN_EVENT_CRASHED, 0), ==,
                    "Panicked");
    g_assert_cmpstr(vmm_domain_event_detail_to_string(VMM_DOMAIN_EVENT_PMSUSPENDED, 1), ==,
                    "Disk");
    g_assert_cmpstr(vmm_domain_event_detail_to_string(VMM_DOMAIN_EVENT_CRASHED, 2), ==,
                    "Unknown");
    g_assert_cmpstr(vmm_domain_event_detail_to_string(42, 0), ==, "Unknown");
    g_clear_pointer(&dom, vmm_domain_unref);
}

/* ---- vmmd.conf ---- */

static void
test_config_good(void)
{
    g_autoptr(VmmdConfig) cfg = vmmd_config_new();
    g_autoptr(GError) err = NULL;
    const char *text =
        "# comment\n"
        "\n"
        "max_clients = 10   # trailing\n"
        "unix_sock_dir = \"/tmp/x y\"\n"
        "unix_sock_rw_perms = \"0770\"\n"
        "unix_sock_ro_perms = 0755\n"
        "keepalive_interval = -1\n"
        "listen_tcp = 1\n"
        "log_level = 1\n";

    g_assert_true(vmmd_config_parse(cfg, "t.conf", text, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(cfg->max_clients, ==, 10);
    g_assert_cmpstr(cfg->unix_sock_dir, ==, "/tmp/x y");
    g_assert_cmpuint(cfg->unix_sock_rw_perms, ==, 0770);
    g_assert_cmpuint(cfg->unix_sock_ro_perms, ==, 0755);
    g_assert_cmpint(cfg->keepalive_interval, ==, -1);
    g_assert_true(cfg->listen_tcp);
    g_assert_cmpuint(cfg->log_level, ==, 1);
    /* Untouched keys keep their defaults. */
    g_assert_cmpuint(cfg->max_workers, ==, 20);
    g_assert_cmpuint(cfg->tcp_port, ==, 16509);
}

static void
test_config_bad(void)
{
    static const struct {
        const char *text;
        const char *message;
    } cases[] = {
        { "nokey\n", "t.conf:1: expected 'key = value'" },
        { "\nbogus = 1\n", "t.conf:2: unknown key 'bogus'" },
        { "max_clients = -3\n", "t.conf:1: max_clients: expected a non-negative integer, got '-3'" },
        { "max_clients = \"3\"\n", "t.conf:1: max_clients: expected a non-negative integer, got '\"3\"'" },
        { "listen_tcp = yes\n", "t.conf:1: listen_tcp: expected 0 or 1, got 'yes'" },
        { "listen_addr = 127.0.0.1\n", "t.conf:1: listen_addr: expected a quoted string, got '127.0.0.1'" },
        { "unix_sock_rw_perms = \"0778\"\n", "t.conf:1: unix_sock_rw_perms: expected a non-negative integer, got '0778'" },
        { "log_level = 5\n", "t.conf:1: log_level: log_level must be 1 to 4, got '5'" },
    };

    for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autoptr(VmmdConfig) cfg = vmmd_config_new();
        g_autoptr(GError) err = NULL;

        g_assert_false(vmmd_config_parse(cfg, "t.conf", cases[i].text, &err));
        g_assert_error(err, VMM_ERROR, VMM_ERR_CONF_SYNTAX);
        g_assert_cmpstr(err->message, ==, cases[i].message);
    }
}

/* Every key the shipped sample documents parses once uncommented. */
static void
test_config_sample(void)
{
    const char *path = g_getenv("VMMD_SAMPLE_CONF");
    g_autofree char *text = NULL;
    g_autoptr(GString) uncommented = g_string_new("");
    g_auto(GStrv) lines = NULL;
    g_autoptr(VmmdConfig) cfg = vmmd_config_new();
    g_autoptr(GError) err = NULL;
    guint keys = 0;

    if (!path) {
        g_test_skip("VMMD_SAMPLE_CONF not set");
        return;
    }
    g_assert_true(g_file_get_contents(path, &text, NULL, NULL));
    g_assert_true(vmmd_config_parse(cfg, path, text, &err));
    lines = g_strsplit(text, "\n", -1);
    for (guint i = 0; lines[i]; i++) {
        if (g_regex_match_simple("^#[a-z_]+ = ", lines[i], 0, 0)) {
            g_string_append_printf(uncommented, "%s\n", lines[i] + 1);
            keys++;
        }
    }
    g_assert_true(vmmd_config_parse(cfg, path, uncommented->str, &err));
    g_assert_no_error(err);
    g_assert_cmpuint(keys, ==, 16);
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/rpc/packet/length", test_length_limits);
    g_test_add_func("/rpc/packet/encode", test_encode_reply);
    g_test_add_func("/rpc/packet/error", test_error_round_trip);
    g_test_add_func("/rpc/packet/decode-limits", test_decode_limits);
    g_test_add_func("/rpc/packet/char-layout", test_char_layout);
    g_test_add_func("/events/registry", test_events);
    g_test_add_func("/vmmd/config/good", test_config_good);
    g_test_add_func("/vmmd/config/bad", test_config_bad);
    g_test_add_func("/vmmd/config/sample", test_config_sample);
    return g_test_run();
}
