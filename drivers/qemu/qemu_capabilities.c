/*
 * qemu_capabilities.c: probe QEMU binaries over QMP, cache what they can do.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A probe runs the binary once with "-machine none" and a QMP monitor on
 * stdio, writes every question at once (QMP answers in order) and reads the
 * replies until the last one.  The answers are kept as a small XML document,
 * cached per binary and keyed by the binary's mtime and size, so a daemon
 * restart does not run QEMU again.
 */
#include "drivers/qemu/qemu_capabilities.h"
#include "drivers/qemu/qemu_capabilities_priv.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#include "conf/xml_util.h"
#include "util/vmm_error.h"
#include "util/vmm_file.h"
#include "util/json.h"

/* A probe that takes longer than this is abandoned (QEMU is killed). */
#define PROBE_TIMEOUT_MS 30000
#define CACHE_MAX_SIZE (4 * 1024 * 1024)

struct _VmmQemuCaps {
    char *binary;
    gint64 mtime;                    /* of the binary when probed (seconds) */
    guint64 size;
    char *arch;
    unsigned int version;
    char *package;
    GPtrArray *flags;                /* char*, sorted */
    GPtrArray *machines;             /* VmmQemuMachine*, sorted by name */
    GPtrArray *cpu_models;           /* VmmQemuCpuModel*, QEMU's order */
    GPtrArray *devices;              /* char*, sorted */
};

static unsigned int probe_count;

unsigned int
vmm_qemu_caps_probe_count(void)
{
    return probe_count;
}

/* ---- JSON lookups with defaults ---- */

static const char *
json_str(const VmmJsonNode *obj, const char *key)
{
    return obj ? vmm_json_node_object_get_string(obj, key) : NULL;
}

static gint64
json_int(const VmmJsonNode *obj, const char *key, gint64 dflt)
{
    gint64 v;
    VmmJsonNode *n = obj ? vmm_json_node_object_get(obj, key) : NULL;
    return n && vmm_json_node_get_int(n, &v) ? v : dflt;
}

static gboolean
json_bool(const VmmJsonNode *obj, const char *key, gboolean dflt)
{
    gboolean v;
    VmmJsonNode *n = obj ? vmm_json_node_object_get(obj, key) : NULL;
    return n && vmm_json_node_get_bool(n, &v) ? v : dflt;
}

static guint
json_len(const VmmJsonNode *arr)
{
    return arr && vmm_json_node_get_type(arr) == VMM_JSON_NODE_ARRAY ?
           vmm_json_node_array_len(arr) : 0;
}

static void
machine_free(VmmQemuMachine *m)
{
    g_free(m->name);
    g_free(m->alias);
    g_free(m);
}

static void
cpu_model_free(VmmQemuCpuModel *m)
{
    g_free(m->name);
    g_free(m);
}

static VmmQemuCaps *
caps_new(void)
{
    VmmQemuCaps *caps = g_new0(VmmQemuCaps, 1);
    caps->flags = g_ptr_array_new_with_free_func(g_free);
    caps->machines = g_ptr_array_new_with_free_func((GDestroyNotify)machine_free);
    caps->cpu_models = g_ptr_array_new_with_free_func((GDestroyNotify)cpu_model_free);
    caps->devices = g_ptr_array_new_with_free_func(g_free);
    return caps;
}

void
vmm_qemu_caps_free(VmmQemuCaps *caps)
{
    if (!caps)
        return;
    g_free(caps->binary);
    g_free(caps->arch);
    g_free(caps->package);
    g_ptr_array_unref(caps->flags);
    g_ptr_array_unref(caps->machines);
    g_ptr_array_unref(caps->cpu_models);
    g_ptr_array_unref(caps->devices);
    g_free(caps);
}

static gint
cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static gint
cmp_machine(gconstpointer a, gconstpointer b)
{
    const VmmQemuMachine *ma = *(VmmQemuMachine *const *)a;
    const VmmQemuMachine *mb = *(VmmQemuMachine *const *)b;
    return strcmp(ma->name, mb->name);
}

static gboolean
str_array_has(GPtrArray *arr, const char *s)
{
    for (guint i = 0; i < arr->len; i++) {
        if (g_str_equal(arr->pdata[i], s))
            return TRUE;
    }
    return FALSE;
}

/* ---- accessors ---- */

const char *
vmm_qemu_caps_get_binary(const VmmQemuCaps *caps)
{
    return caps->binary;
}

const char *
vmm_qemu_caps_get_arch(const VmmQemuCaps *caps)
{
    return caps->arch;
}

unsigned int
vmm_qemu_caps_get_version(const VmmQemuCaps *caps)
{
    return caps->version;
}

GPtrArray *
vmm_qemu_caps_get_machines(const VmmQemuCaps *caps)
{
    return caps->machines;
}

GPtrArray *
vmm_qemu_caps_get_cpu_models(const VmmQemuCaps *caps)
{
    return caps->cpu_models;
}

gboolean
vmm_qemu_caps_has_device(const VmmQemuCaps *caps, const char *type)
{
    return str_array_has(caps->devices, type);
}

gboolean
vmm_qemu_caps_has_flag(const VmmQemuCaps *caps, const char *flag)
{
    return str_array_has(caps->flags, flag);
}

gboolean
vmm_qemu_caps_has_cpu_model(const VmmQemuCaps *caps, const char *name)
{
    for (guint i = 0; i < caps->cpu_models->len; i++) {
        const VmmQemuCpuModel *m = caps->cpu_models->pdata[i];
        if (g_str_equal(m->name, name))
            return TRUE;
    }
    return FALSE;
}

const VmmQemuMachine *
vmm_qemu_caps_get_machine(const VmmQemuCaps *caps, const char *name)
{
    for (guint i = 0; i < caps->machines->len; i++) {
        const VmmQemuMachine *m = caps->machines->pdata[i];
        if (name ? (g_str_equal(m->name, name) || g_strcmp0(m->alias, name) == 0)
                 : m->is_default)
            return m;
    }
    return NULL;
}

/* ---- finding binaries ---- */

const char *
vmm_qemu_caps_arch_from_binary(const char *binary)
{
    g_autofree char *base = g_path_get_basename(binary);
    static const char *const arches[] = {
        "x86_64", "i386", "aarch64", "arm", "ppc64", "riscv64", "s390x",
    };

    if (!g_str_has_prefix(base, "qemu-system-"))
        return NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(arches); i++) {
        if (g_str_equal(base + strlen("qemu-system-"), arches[i]))
            return arches[i];
    }
    return NULL;
}

GStrv
vmm_qemu_caps_find_binaries(void)
{
    g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GHashTable) arches = g_hash_table_new(g_str_hash, g_str_equal);
    g_auto(GStrv) dirs = NULL;
    const char *override = g_getenv("VMM_QEMU_BINARY_DIR");

    if (override && *override) {
        dirs = g_new0(char *, 2);
        dirs[0] = g_strdup(override);
    } else {
        g_autofree char *path = g_strdup_printf("%s:/usr/bin", g_getenv("PATH") ?: "");
        dirs = g_strsplit(path, ":", -1);
    }
    for (char **d = dirs; *d; d++) {
        g_autoptr(GDir) dir = NULL;
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        const char *name;

        if (!**d || !(dir = g_dir_open(*d, 0, NULL)))
            continue;
        while ((name = g_dir_read_name(dir)))
            g_ptr_array_add(names, g_strdup(name));
        g_ptr_array_sort(names, cmp_str);
        for (guint i = 0; i < names->len; i++) {
            const char *arch = vmm_qemu_caps_arch_from_binary(names->pdata[i]);
            g_autofree char *full = NULL;

            if (!arch || g_hash_table_contains(arches, arch))
                continue;
            full = g_build_filename(*d, names->pdata[i], NULL);
            if (!g_file_test(full, G_FILE_TEST_IS_REGULAR) || access(full, X_OK) != 0)
                continue;
            g_hash_table_add(arches, (gpointer)arch);
            g_ptr_array_add(found, g_steal_pointer(&full));
        }
    }
    g_ptr_array_sort(found, cmp_str);
    g_ptr_array_add(found, NULL);
    return (GStrv)g_ptr_array_free(g_steal_pointer(&found), FALSE);
}

/* ---- probing ---- */

/* The questions, in order; replies come back in the same order. */
static const char *const probe_commands[] = {
    "{\"execute\":\"qmp_capabilities\"}",
    "{\"execute\":\"query-version\"}",
    "{\"execute\":\"query-target\"}",
    "{\"execute\":\"query-kvm\"}",
    "{\"execute\":\"query-machines\"}",
    "{\"execute\":\"query-cpu-definitions\"}",
    "{\"execute\":\"qom-list-types\",\"arguments\":{\"implements\":\"device\",\"abstract\":false}}",
    "{\"execute\":\"query-commands\"}",
    "{\"execute\":\"query-command-line-options\"}",
};
enum {
    REPLY_CAPS, REPLY_VERSION, REPLY_TARGET, REPLY_KVM, REPLY_MACHINES, REPLY_CPUS,
    REPLY_DEVICES, REPLY_COMMANDS, REPLY_OPTIONS, REPLY_LAST
};
G_STATIC_ASSERT(G_N_ELEMENTS(probe_commands) == REPLY_LAST);

typedef struct {
    GMainLoop *loop;
    char *line;                      /* the line read, NULL at EOF or error */
    GError *error;
    gboolean done;
} ProbeRead;

static void
probe_line_read(GObject *source, GAsyncResult *res, gpointer data)
{
    ProbeRead *rd = data;

    rd->line = g_data_input_stream_read_line_finish_utf8(G_DATA_INPUT_STREAM(source), res,
                                                         NULL, &rd->error);
    rd->done = TRUE;
    g_main_loop_quit(rd->loop);
}

static gboolean
probe_timeout(gpointer data)
{
    g_main_loop_quit(((ProbeRead *)data)->loop);
    return G_SOURCE_REMOVE;
}

/* One reply line: its "return" member added to @replies, events skipped. */
static gboolean
probe_reply(const char *binary, const char *line, GPtrArray *replies, GError **error)
{
    g_autoptr(VmmJsonNode) j = NULL;
    g_autoptr(GError) perr = NULL;
    VmmJsonNode *ret;

    if (!*line)
        return TRUE;
    if (!(j = vmm_json_node_parse(line, -1, &perr)) ||
        vmm_json_node_get_type(j) != VMM_JSON_NODE_OBJECT) {
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("cannot parse QMP reply from '%s' (%s): %.80s"), binary,
                      perr ? perr->message : _("not an object"), line);
        return FALSE;
    }
    if (vmm_json_node_object_get(j, "QMP") || vmm_json_node_object_get(j, "event"))
        return TRUE;
    if (!(ret = vmm_json_node_object_steal(j, "return"))) {
        const char *desc = json_str(vmm_json_node_object_get(j, "error"), "desc");
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("QEMU '%s' failed a probe command: %s"), binary, desc ? desc : line);
        return FALSE;
    }
    g_ptr_array_add(replies, ret);
    return TRUE;
}

/*
 * Run QEMU, returning its QMP replies' "return" members in order.  All
 * questions go at once (they fit in the pipe) and the answers are read
 * until the last one; only then does QEMU end.  (Sending "quit" with the
 * questions loses answers: QEMU drops output the pipe could not yet take
 * when it quits.)
 */
static GPtrArray *
probe_run(const char *binary, GError **error)
{
    g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new(G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                  G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                  G_SUBPROCESS_FLAGS_STDERR_SILENCE);
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GMainContext) ctx = g_main_context_new();
    g_autoptr(GMainLoop) loop = g_main_loop_new(ctx, FALSE);
    g_autoptr(GString) input = g_string_new(NULL);
    g_autoptr(GPtrArray) replies =
        g_ptr_array_new_with_free_func((GDestroyNotify)vmm_json_node_free);
    g_autoptr(GSource) timer = NULL;
    g_autoptr(GDataInputStream) out = NULL;
    const char *const env[] = { "LC_ALL=C", "PATH=/usr/bin:/bin", NULL };
    ProbeRead rd = { loop, NULL, NULL, FALSE };
    gboolean ok = FALSE;

    probe_count++;
    g_subprocess_launcher_set_environ(launcher, (char **)env);
    proc = g_subprocess_launcher_spawn(launcher, error, binary, "-S", "-no-user-config",
                                       "-nodefaults", "-nographic",
                                       "-machine", "none,accel=kvm:tcg",
                                       "-qmp", "stdio", NULL);
    if (!proc)
        return NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(probe_commands); i++)
        g_string_append_printf(input, "%s\n", probe_commands[i]);
    if (!g_output_stream_write_all(g_subprocess_get_stdin_pipe(proc), input->str, input->len,
                                   NULL, NULL, error))
        goto out;

    out = g_data_input_stream_new(g_subprocess_get_stdout_pipe(proc));
    g_main_context_push_thread_default(ctx);
    timer = g_timeout_source_new(PROBE_TIMEOUT_MS);
    g_source_set_callback(timer, probe_timeout, &rd, NULL);
    g_source_attach(timer, ctx);
    while (replies->len < REPLY_LAST) {
        g_autofree char *line = NULL;

        rd.done = FALSE;
        g_data_input_stream_read_line_async(out, G_PRIORITY_DEFAULT, NULL, probe_line_read,
                                            &rd);
        g_main_loop_run(loop);
        if (!rd.done) {
            /* Timed out: end QEMU so the pending read completes. */
            g_subprocess_force_exit(proc);
            while (!rd.done)
                g_main_context_iteration(ctx, TRUE);
            g_free(rd.line);
            g_clear_error(&rd.error);
            vmm_error_set(error, VMM_ERR_OPERATION_TIMEOUT,
                          _("probing '%s' took longer than %d s"), binary,
                          PROBE_TIMEOUT_MS / 1000);
            break;
        }
        line = g_steal_pointer(&rd.line);
        if (rd.error) {
            g_propagate_error(error, g_steal_pointer(&rd.error));
            break;
        }
        if (!line) {
            vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                          _("QEMU '%s' exited after answering %u of %d probe commands"),
                          binary, replies->len, (int)REPLY_LAST);
            break;
        }
        if (!probe_reply(binary, line, replies, error))
            break;
    }
    g_source_destroy(timer);
    g_main_context_pop_thread_default(ctx);
    ok = replies->len == REPLY_LAST;

 out:
    /* A "-machine none" QEMU holds nothing worth a clean exit: SIGKILL
     * ends it at once, even a hung one, so the wait cannot block. */
    g_subprocess_force_exit(proc);
    g_subprocess_wait(proc, NULL, NULL);
    return ok ? g_steal_pointer(&replies) : NULL;
}

VmmQemuCaps *
vmm_qemu_caps_probe(const char *binary, GError **error)
{
    g_autoptr(VmmQemuCaps) caps = caps_new();
    g_autoptr(GPtrArray) r = NULL;
    const VmmJsonNode *v, *arr;
    GStatBuf st;

    if (g_stat(binary, &st) < 0) {
        vmm_error_set_errno(error, errno, _("cannot stat QEMU binary '%s'"), binary);
        return NULL;
    }
    if (!(r = probe_run(binary, error)))
        return NULL;

    caps->binary = g_strdup(binary);
    caps->mtime = st.st_mtime;
    caps->size = st.st_size;

    v = vmm_json_node_object_get(r->pdata[REPLY_VERSION], "qemu");
    caps->version = json_int(v, "major", 0) * 1000000 +
                    json_int(v, "minor", 0) * 1000 +
                    json_int(v, "micro", 0);
    caps->package = g_strdup(json_str(r->pdata[REPLY_VERSION], "package"));
    caps->arch = g_strdup(json_str(r->pdata[REPLY_TARGET], "arch"));
    if (!caps->arch)
        caps->arch = g_strdup(vmm_qemu_caps_arch_from_binary(binary));

    if (json_bool(r->pdata[REPLY_KVM], "present", FALSE))
        g_ptr_array_add(caps->flags, g_strdup("kvm"));

    arr = r->pdata[REPLY_MACHINES];
    for (guint i = 0; i < json_len(arr); i++) {
        const VmmJsonNode *m = vmm_json_node_array_get(arr, i);
        VmmQemuMachine *mach;

        if (!json_str(m, "name") ||
            g_str_equal(json_str(m, "name"), "none"))
            continue;
        mach = g_new0(VmmQemuMachine, 1);
        mach->name = g_strdup(json_str(m, "name"));
        mach->alias = g_strdup(json_str(m, "alias"));
        mach->is_default = json_bool(m, "is-default", FALSE);
        mach->max_cpus = json_int(m, "cpu-max", 1);
        mach->deprecated = json_bool(m, "deprecated", FALSE);
        g_ptr_array_add(caps->machines, mach);
    }
    g_ptr_array_sort(caps->machines, cmp_machine);

    arr = r->pdata[REPLY_CPUS];
    for (guint i = 0; i < json_len(arr); i++) {
        const VmmJsonNode *m = vmm_json_node_array_get(arr, i);
        VmmQemuCpuModel *cpu = g_new0(VmmQemuCpuModel, 1);

        cpu->name = g_strdup(json_str(m, "name"));
        cpu->usable = json_len(vmm_json_node_object_get(m, "unavailable-features")) == 0;
        cpu->deprecated = json_bool(m, "deprecated", FALSE);
        if (!cpu->name) {
            cpu_model_free(cpu);
            continue;
        }
        g_ptr_array_add(caps->cpu_models, cpu);
    }

    arr = r->pdata[REPLY_DEVICES];
    for (guint i = 0; i < json_len(arr); i++) {
        const char *name = json_str(vmm_json_node_array_get(arr, i), "name");
        if (name)
            g_ptr_array_add(caps->devices, g_strdup(name));
    }
    g_ptr_array_sort(caps->devices, cmp_str);

    arr = r->pdata[REPLY_COMMANDS];
    for (guint i = 0; i < json_len(arr); i++) {
        const char *name = json_str(vmm_json_node_array_get(arr, i), "name");
        if (g_strcmp0(name, "query-spice") == 0)
            g_ptr_array_add(caps->flags, g_strdup("spice"));
    }
    arr = r->pdata[REPLY_OPTIONS];
    for (guint i = 0; i < json_len(arr); i++) {
        const char *name = json_str(vmm_json_node_array_get(arr, i), "option");
        if (g_strcmp0(name, "sandbox") == 0)
            g_ptr_array_add(caps->flags, g_strdup("sandbox"));
    }
    g_ptr_array_sort(caps->flags, cmp_str);
    return g_steal_pointer(&caps);
}

/* ---- the cache document ---- */

char *
vmm_qemu_caps_format_xml(const VmmQemuCaps *caps)
{
    g_autoptr(GString) buf = g_string_new("<qemuCaps>\n");

    g_string_append(buf, "  <emulator");
    vmm_buf_attr(buf, "path", caps->binary);
    vmm_buf_attr_printf(buf, "mtime", "%" G_GINT64_FORMAT, caps->mtime);
    vmm_buf_attr_printf(buf, "size", "%" G_GUINT64_FORMAT, caps->size);
    g_string_append(buf, "/>\n");
    g_string_append(buf, "  <version");
    vmm_buf_attr_printf(buf, "major", "%u", caps->version / 1000000);
    vmm_buf_attr_printf(buf, "minor", "%u", caps->version / 1000 % 1000);
    vmm_buf_attr_printf(buf, "micro", "%u", caps->version % 1000);
    vmm_buf_attr(buf, "package", caps->package);
    g_string_append(buf, "/>\n");
    vmm_buf_text_elem(buf, 2, "arch", caps->arch);
    for (guint i = 0; i < caps->flags->len; i++) {
        g_string_append(buf, "  <flag");
        vmm_buf_attr(buf, "name", caps->flags->pdata[i]);
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; i < caps->machines->len; i++) {
        const VmmQemuMachine *m = caps->machines->pdata[i];
        g_string_append(buf, "  <machine");
        vmm_buf_attr(buf, "name", m->name);
        vmm_buf_attr(buf, "alias", m->alias);
        if (m->is_default)
            vmm_buf_attr(buf, "default", "yes");
        vmm_buf_attr_printf(buf, "maxCpus", "%u", m->max_cpus);
        if (m->deprecated)
            vmm_buf_attr(buf, "deprecated", "yes");
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; i < caps->cpu_models->len; i++) {
        const VmmQemuCpuModel *m = caps->cpu_models->pdata[i];
        g_string_append(buf, "  <cpu");
        vmm_buf_attr(buf, "name", m->name);
        vmm_buf_attr(buf, "usable", m->usable ? "yes" : "no");
        if (m->deprecated)
            vmm_buf_attr(buf, "deprecated", "yes");
        g_string_append(buf, "/>\n");
    }
    for (guint i = 0; i < caps->devices->len; i++) {
        g_string_append(buf, "  <device");
        vmm_buf_attr(buf, "name", caps->devices->pdata[i]);
        g_string_append(buf, "/>\n");
    }
    g_string_append(buf, "</qemuCaps>\n");
    return g_string_free(g_steal_pointer(&buf), FALSE);
}

static gboolean
prop_yes(const xmlNode *node, const char *name)
{
    g_autofree char *v = vmm_xml_prop(node, name);
    return g_strcmp0(v, "yes") == 0;
}

static gboolean
prop_uint(const xmlNode *node, const char *name, guint64 *out, GError **error)
{
    g_autofree char *v = vmm_xml_prop(node, name);
    if (!v) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing attribute '%s' in QEMU capabilities"),
                      name);
        return FALSE;
    }
    return vmm_xml_parse_uint(v, name, G_MAXUINT64, out, error);
}

VmmQemuCaps *
vmm_qemu_caps_parse_xml(const char *xml, const char *url, GError **error)
{
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(VmmQemuCaps) caps = caps_new();
    g_autofree xmlNode **nodes = NULL;
    xmlDoc *doc;
    xmlNode *n;
    guint64 major, minor, micro, val;
    gboolean ok = FALSE;
    int count;

    if (!(doc = vmm_xml_parse(xml, url, "qemuCaps", &ctxt, error)))
        return NULL;

    if (!(n = vmm_xml_node(ctxt, "./emulator")) ||
        !(caps->binary = vmm_xml_prop(n, "path"))) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("QEMU capabilities lack <emulator path=''>"));
        goto out;
    }
    if (!prop_uint(n, "mtime", &val, error))
        goto out;
    caps->mtime = (gint64)val;
    if (!prop_uint(n, "size", &caps->size, error))
        goto out;
    if (!(n = vmm_xml_node(ctxt, "./version")) ||
        !prop_uint(n, "major", &major, error) || !prop_uint(n, "minor", &minor, error) ||
        !prop_uint(n, "micro", &micro, error)) {
        if (error && !*error)
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("QEMU capabilities lack <version>"));
        goto out;
    }
    caps->version = major * 1000000 + minor * 1000 + micro;
    caps->package = vmm_xml_prop(n, "package");
    caps->arch = vmm_xml_string(ctxt, "string(./arch)");

    count = vmm_xml_nodes(ctxt, "./flag", &nodes);
    for (int i = 0; i < count; i++)
        g_ptr_array_add(caps->flags, vmm_xml_prop(nodes[i], "name"));
    g_clear_pointer(&nodes, g_free);

    count = vmm_xml_nodes(ctxt, "./machine", &nodes);
    for (int i = 0; i < count; i++) {
        VmmQemuMachine *m = g_new0(VmmQemuMachine, 1);
        g_ptr_array_add(caps->machines, m);
        m->name = vmm_xml_prop(nodes[i], "name");
        m->alias = vmm_xml_prop(nodes[i], "alias");
        m->is_default = prop_yes(nodes[i], "default");
        m->deprecated = prop_yes(nodes[i], "deprecated");
        if (!m->name || !prop_uint(nodes[i], "maxCpus", &val, error))
            goto out;
        m->max_cpus = val;
    }
    g_clear_pointer(&nodes, g_free);

    count = vmm_xml_nodes(ctxt, "./cpu", &nodes);
    for (int i = 0; i < count; i++) {
        VmmQemuCpuModel *m = g_new0(VmmQemuCpuModel, 1);
        g_ptr_array_add(caps->cpu_models, m);
        m->name = vmm_xml_prop(nodes[i], "name");
        m->usable = prop_yes(nodes[i], "usable");
        m->deprecated = prop_yes(nodes[i], "deprecated");
        if (!m->name)
            goto out;
    }
    g_clear_pointer(&nodes, g_free);

    count = vmm_xml_nodes(ctxt, "./device", &nodes);
    for (int i = 0; i < count; i++)
        g_ptr_array_add(caps->devices, vmm_xml_prop(nodes[i], "name"));
    ok = TRUE;

 out:
    xmlFreeDoc(doc);
    if (!ok) {
        if (error && !*error)
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid QEMU capabilities in '%s'"),
                          url ? url : "(qemu_caps)");
        return NULL;
    }
    return g_steal_pointer(&caps);
}

/* The cache file of @binary: its path with '/' replaced, so it is unique. */
static char *
cache_file_path(const char *cache_dir, const char *binary)
{
    g_autofree char *name = g_strdup(binary);
    g_strdelimit(name, "/", '_');
    return g_strdup_printf("%s/%s.xml", cache_dir, name);
}

VmmQemuCaps *
vmm_qemu_caps_new_for_binary(const char *binary, const char *cache_dir, GError **error)
{
    g_autoptr(VmmQemuCaps) caps = NULL;
    g_autofree char *file = NULL;
    g_autofree char *xml = NULL;
    GStatBuf st;

    if (g_stat(binary, &st) < 0) {
        vmm_error_set_errno(error, errno, _("cannot stat QEMU binary '%s'"), binary);
        return NULL;
    }
    if (cache_dir) {
        file = cache_file_path(cache_dir, binary);
        /* A stale or unreadable cache is not an error: probe again. */
        if ((xml = vmm_file_read_all(file, CACHE_MAX_SIZE, NULL)))
            caps = vmm_qemu_caps_parse_xml(xml, file, NULL);
        if (caps && g_str_equal(caps->binary, binary) && caps->mtime == st.st_mtime &&
            caps->size == (guint64)st.st_size)
            return g_steal_pointer(&caps);
        g_clear_pointer(&caps, vmm_qemu_caps_free);
    }

    if (!(caps = vmm_qemu_caps_probe(binary, error)))
        return NULL;
    if (cache_dir) {
        g_autofree char *out = vmm_qemu_caps_format_xml(caps);
        if (!vmm_file_mkdir_p(cache_dir, 0755, error) ||
            !vmm_file_write_atomic(file, out, -1, 0644, error))
            return NULL;
    }
    return g_steal_pointer(&caps);
}

/* ---- KVM ---- */

gboolean
vmm_qemu_kvm_check(GError **error)
{
    const char *dev = g_getenv("VMM_KVM_DEVICE");
    int fd;

    if (!dev || !*dev)
        dev = "/dev/kvm";
    if ((fd = open(dev, O_RDWR | O_CLOEXEC)) < 0) {
        int err = errno;
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                      _("KVM is not available: cannot open %s: %s"), dev, g_strerror(err));
        return FALSE;
    }
    close(fd);
    return TRUE;
}

gboolean
vmm_qemu_caps_check_virt_type(const VmmQemuCaps *caps, const char *virt_type,
                              GError **error)
{
    if (g_strcmp0(virt_type, "qemu") == 0)
        return TRUE;
    if (g_strcmp0(virt_type, "kvm") == 0) {
        if (!vmm_qemu_caps_has_flag(caps, "kvm")) {
            vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                          _("KVM is not available: QEMU '%s' was built without KVM support"),
                          caps->binary);
            return FALSE;
        }
        return vmm_qemu_kvm_check(error);
    }
    vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED,
                  _("domain type '%s' is not supported by the QEMU driver"),
                  virt_type ? virt_type : "");
    return FALSE;
}

/* ---- firmware ---- */

void
vmm_qemu_firmware_free(VmmQemuFirmware *fw)
{
    if (!fw)
        return;
    g_free(fw->code);
    g_free(fw->vars);
    g_free(fw);
}

GPtrArray *
vmm_qemu_firmware_find(const char *dir)
{
    static const struct {
        const char *code, *vars;
        gboolean secure;
    } builds[] = {
        { "OVMF_CODE_4M.fd", "OVMF_VARS_4M.fd", FALSE },
        { "OVMF_CODE.fd", "OVMF_VARS.fd", FALSE },
        { "OVMF_CODE_4M.secboot.fd", "OVMF_VARS_4M.ms.fd", TRUE },
        { "OVMF_CODE.secboot.fd", "OVMF_VARS.ms.fd", TRUE },
    };
    GPtrArray *list = g_ptr_array_new_with_free_func((GDestroyNotify)vmm_qemu_firmware_free);

    if (!dir)
        dir = "/usr/share/OVMF";
    for (size_t i = 0; i < G_N_ELEMENTS(builds); i++) {
        g_autofree char *code = g_build_filename(dir, builds[i].code, NULL);
        g_autofree char *vars = g_build_filename(dir, builds[i].vars, NULL);
        VmmQemuFirmware *fw;

        if (!g_file_test(code, G_FILE_TEST_IS_REGULAR) ||
            !g_file_test(vars, G_FILE_TEST_IS_REGULAR))
            continue;
        fw = g_new0(VmmQemuFirmware, 1);
        fw->code = g_steal_pointer(&code);
        fw->vars = g_steal_pointer(&vars);
        fw->secure = builds[i].secure;
        g_ptr_array_add(list, fw);
    }
    return list;
}

/* ---- the host ---- */

void
vmm_qemu_host_info_free(VmmQemuHostInfo *host)
{
    if (!host)
        return;
    g_free(host->arch);
    g_free(host->vendor);
    g_free(host->model_name);
    g_free(host->uuid);
    g_free(host);
}

VmmQemuHostInfo *
vmm_qemu_host_info_new(void)
{
    VmmQemuHostInfo *host = g_new0(VmmQemuHostInfo, 1);
    g_autofree char *cpuinfo = NULL;
    g_autofree char *machine_id = NULL;
    g_autoptr(GHashTable) packages = g_hash_table_new_full(g_str_hash, g_str_equal,
                                                           g_free, NULL);
    unsigned int ncpus = 0, siblings = 0, cores = 0;
    struct utsname uts;

    host->arch = g_strdup(uname(&uts) == 0 ? uts.machine : "x86_64");
    if (g_file_get_contents("/proc/cpuinfo", &cpuinfo, NULL, NULL)) {
        g_auto(GStrv) lines = g_strsplit(cpuinfo, "\n", -1);
        for (char **l = lines; *l; l++) {
            char *colon = strchr(*l, ':');
            g_autofree char *key = NULL;
            const char *val;

            if (!colon)
                continue;
            key = g_strstrip(g_strndup(*l, colon - *l));
            val = g_strstrip(colon + 1);
            if (g_str_equal(key, "processor"))
                ncpus++;
            else if (g_str_equal(key, "vendor_id") && !host->vendor)
                host->vendor = g_strdup(g_str_equal(val, "GenuineIntel") ? "Intel" :
                                        g_str_equal(val, "AuthenticAMD") ? "AMD" : val);
            else if (g_str_equal(key, "model name") && !host->model_name)
                host->model_name = g_strdup(val);
            else if (g_str_equal(key, "physical id"))
                g_hash_table_add(packages, g_strdup(val));
            else if (g_str_equal(key, "siblings") && !siblings)
                siblings = atoi(val);
            else if (g_str_equal(key, "cpu cores") && !cores)
                cores = atoi(val);
        }
    }
    if (ncpus == 0)
        ncpus = 1;
    host->sockets = MAX(g_hash_table_size(packages), 1);
    host->dies = 1;
    host->cores = cores ? cores : ncpus / host->sockets;
    host->threads = cores && siblings >= cores ? siblings / cores : 1;
    if (host->cores == 0)
        host->cores = 1;
    if (g_file_get_contents("/etc/machine-id", &machine_id, NULL, NULL)) {
        g_strstrip(machine_id);
        if (strlen(machine_id) == 32)
            host->uuid = g_strdup_printf("%.8s-%.4s-%.4s-%.4s-%.12s", machine_id,
                                         machine_id + 8, machine_id + 12,
                                         machine_id + 16, machine_id + 20);
    }
    return host;
}
