/*
 * qemu_agent.c: the QEMU guest agent, reached through its channel socket.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "drivers/qemu/qemu_agent.h"
#include "util/vmm_error.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* A reply line longer than this is no agent's. */
#define AGENT_MAX_LINE (1024 * 1024)
/* guest-sync skips at most this many stale replies before its echo. */
#define AGENT_MAX_STALE 1024

struct _VmmQemuAgent {
    char *path;
    char *name;
    GMutex lock;                 /* one command at a time */
    int fd;                      /* -1 until connected */
    GString *in;                 /* read, not yet a whole line */
    gint64 deadline;             /* of the command running */
    int timeout_ms;
};

char *
vmm_qemu_agent_socket_path(const VmmDomainDef *def, const char *channel_dir)
{
    GPtrArray *chrs = def->devices.chardevs;

    for (guint i = 0; chrs && i < chrs->len; i++) {
        const VmmDomainChrDef *c = chrs->pdata[i];

        if (c->devtype != VMM_CHR_DEVICE_CHANNEL || c->src.type != VMM_CHR_TYPE_UNIX ||
            g_strcmp0(vmm_chr_target_type_to_string(c->devtype, c->target_type),
                      "virtio") != 0 ||
            g_strcmp0(c->target_name, VMM_QEMU_AGENT_CHANNEL) != 0)
            continue;
        if (c->src.path)
            return g_strdup(c->src.path);
        return channel_dir ? g_build_filename(channel_dir, c->target_name, NULL) : NULL;
    }
    return NULL;
}

VmmQemuAgent *
vmm_qemu_agent_new(const char *path, const char *name)
{
    VmmQemuAgent *agent = g_new0(VmmQemuAgent, 1);

    agent->path = g_strdup(path);
    agent->name = g_strdup(name);
    agent->fd = -1;
    agent->in = g_string_new(NULL);
    g_mutex_init(&agent->lock);
    return agent;
}

static void
agent_disconnect(VmmQemuAgent *agent)
{
    if (agent->fd >= 0)
        close(agent->fd);
    agent->fd = -1;
    g_string_truncate(agent->in, 0);
}

void
vmm_qemu_agent_free(VmmQemuAgent *agent)
{
    if (!agent)
        return;
    agent_disconnect(agent);
    g_string_free(agent->in, TRUE);
    g_mutex_clear(&agent->lock);
    g_free(agent->path);
    g_free(agent->name);
    g_free(agent);
}

static gboolean
agent_connect(VmmQemuAgent *agent, GError **error)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    int fd;

    if (agent->fd >= 0)
        return TRUE;
    if (strlen(agent->path) >= sizeof(addr.sun_path)) {
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("guest agent socket path '%s' is too long"), agent->path);
        return FALSE;
    }
    strcpy(addr.sun_path, agent->path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
        vmm_error_set_errno(error, errno, _("cannot create a socket"));
        return FALSE;
    }
    /* QEMU listens on the channel: connecting to a local listener does not
     * wait (a full backlog would say EAGAIN, handled as any failure). */
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        vmm_error_set(error, VMM_ERR_AGENT_UNRESPONSIVE,
                      _("cannot connect to the agent channel '%s' of domain '%s': %s"),
                      agent->path, agent->name, g_strerror(errno));
        close(fd);
        return FALSE;
    }
    agent->fd = fd;
    return TRUE;
}

/* Always FALSE: @command got no reply within the timeout. */
static gboolean
agent_timed_out(VmmQemuAgent *agent, const char *command, GError **error)
{
    if (agent->timeout_ms >= 1000 && agent->timeout_ms % 1000 == 0)
        vmm_error_set(error, VMM_ERR_AGENT_UNRESPONSIVE,
                      _("no reply from the agent of domain '%s' to '%s' within %d s"),
                      agent->name, command, agent->timeout_ms / 1000);
    else
        vmm_error_set(error, VMM_ERR_AGENT_UNRESPONSIVE,
                      _("no reply from the agent of domain '%s' to '%s' within %d ms"),
                      agent->name, command, agent->timeout_ms);
    return FALSE;
}

/* Wait for @events on the socket until the command's deadline. */
static gboolean
agent_wait(VmmQemuAgent *agent, short events, const char *command, GError **error)
{
    struct pollfd pfd = { .fd = agent->fd, .events = events };
    gint64 left;
    int n;

    do {
        left = (agent->deadline - g_get_monotonic_time()) / 1000;
        n = left > 0 ? poll(&pfd, 1, (int)MIN(left, G_MAXINT)) : 0;
    } while (n < 0 && errno == EINTR);
    if (n > 0)
        return TRUE;
    if (n < 0) {
        vmm_error_set_errno(error, errno, _("cannot wait for the guest agent"));
        return FALSE;
    }
    return agent_timed_out(agent, command, error);
}

/* TRUE while the command's deadline is ahead; else FALSE with the error
 * of a command that got no reply in time. */
static gboolean
agent_check_deadline(VmmQemuAgent *agent, const char *command, GError **error)
{
    return g_get_monotonic_time() < agent->deadline || agent_timed_out(agent, command, error);
}

static gboolean
agent_send(VmmQemuAgent *agent, const char *command, VmmJsonNode *args, GError **error)
{
    g_autoptr(VmmJsonNode) msg = vmm_json_node_new_object();
    g_autofree char *text = NULL;
    g_autofree char *line = NULL;
    gsize done = 0, len;

    vmm_json_node_object_set_string(msg, "execute", command);
    if (args)
        vmm_json_node_object_set(msg, "arguments", args);
    text = vmm_json_node_format(msg);
    line = g_strconcat(text, "\n", NULL);
    len = strlen(line);
    while (done < len) {
        ssize_t n = send(agent->fd, line + done, len - done, MSG_NOSIGNAL);

        if (n >= 0) {
            done += n;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!agent_wait(agent, POLLOUT, command, error))
                return FALSE;
        } else if (errno != EINTR) {
            vmm_error_set(error, VMM_ERR_AGENT_UNRESPONSIVE,
                          _("cannot send '%s' to the agent of domain '%s': %s"), command,
                          agent->name, g_strerror(errno));
            return FALSE;
        }
    }
    return TRUE;
}

/* The next JSON object the agent sent; lines that are none are skipped. */
static VmmJsonNode *
agent_read(VmmQemuAgent *agent, const char *command, GError **error)
{
    for (;;) {
        char *nl = memchr(agent->in->str, '\n', agent->in->len);
        char buf[4096];
        ssize_t n;

        /* A guest sending lines without end must not hold the command
         * past its deadline: checked before each line, not only when
         * the socket runs dry. */
        if (!agent_check_deadline(agent, command, error))
            return NULL;
        if (nl) {
            gsize len = nl - agent->in->str;
            VmmJsonNode *msg = vmm_json_node_parse(agent->in->str, len, NULL);

            g_string_erase(agent->in, 0, len + 1);
            if (msg && vmm_json_node_get_type(msg) == VMM_JSON_NODE_OBJECT)
                return msg;
            if (msg)
                vmm_json_node_free(msg);
            continue;
        }
        if (agent->in->len > AGENT_MAX_LINE) {
            /* Unresponsive: the connection and its buffer are dropped. */
            vmm_error_set(error, VMM_ERR_AGENT_UNRESPONSIVE,
                          _("the agent of domain '%s' sent a line of more than %d bytes"),
                          agent->name, AGENT_MAX_LINE);
            return NULL;
        }
        n = recv(agent->fd, buf, sizeof(buf), 0);
        if (n > 0) {
            g_string_append_len(agent->in, buf, n);
        } else if (n == 0) {
            vmm_error_set(error, VMM_ERR_AGENT_UNRESPONSIVE,
                          _("the agent channel of domain '%s' closed during '%s'"),
                          agent->name, command);
            return NULL;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!agent_wait(agent, POLLIN, command, error))
                return NULL;
        } else if (errno != EINTR) {
            vmm_error_set(error, VMM_ERR_AGENT_UNRESPONSIVE,
                          _("cannot read from the agent of domain '%s': %s"), agent->name,
                          g_strerror(errno));
            return NULL;
        }
    }
}

/* guest-sync with a fresh id: what arrives before its echo is stale. */
static gboolean
agent_sync(VmmQemuAgent *agent, GError **error)
{
    gint64 id = g_random_int_range(1, G_MAXINT32);
    VmmJsonNode *args = vmm_json_node_new_object();

    vmm_json_node_object_set_int(args, "id", id);
    if (!agent_send(agent, "guest-sync", args, error))
        return FALSE;
    for (guint stale = 0;; stale++) {
        g_autoptr(VmmJsonNode) msg = NULL;
        gint64 got = 0;

        if (!agent_check_deadline(agent, "guest-sync", error))
            return FALSE;
        if (stale > AGENT_MAX_STALE) {
            vmm_error_set(error, VMM_ERR_AGENT_UNRESPONSIVE,
                          _("the agent of domain '%s' sent more than %d replies that are "
                            "not the one to 'guest-sync'"), agent->name, AGENT_MAX_STALE);
            return FALSE;
        }
        if (!(msg = agent_read(agent, "guest-sync", error)))
            return FALSE;
        if (vmm_json_node_get_int(vmm_json_node_object_get(msg, "return"), &got) && got == id)
            return TRUE;
    }
}

static VmmJsonNode *
agent_run(VmmQemuAgent *agent, const char *command, VmmJsonNode *args, gboolean want_reply,
          GError **error)
{
    g_autoptr(VmmJsonNode) msg = NULL;
    const VmmJsonNode *ret, *err;

    if (!agent_connect(agent, error) || !agent_sync(agent, error)) {
        vmm_json_node_free(args);
        return NULL;
    }
    if (!agent_send(agent, command, args, error))
        return NULL;
    if (!want_reply)
        return vmm_json_node_new_object();
    if (!(msg = agent_read(agent, command, error)))
        return NULL;
    if ((ret = vmm_json_node_object_get(msg, "return")))
        return vmm_json_node_copy(ret);
    err = vmm_json_node_object_get(msg, "error");
    vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                  _("unable to execute QEMU agent command '%s': %s"), command,
                  err && vmm_json_node_object_get_string(err, "desc") ?
                  vmm_json_node_object_get_string(err, "desc") : _("no return value"));
    return NULL;
}

VmmJsonNode *
vmm_qemu_agent_command(VmmQemuAgent *agent, const char *command, VmmJsonNode *args,
                       gboolean want_reply, int timeout_ms, GError **error)
{
    VmmJsonNode *ret;
    GError *err = NULL;

    g_mutex_lock(&agent->lock);
    agent->timeout_ms = timeout_ms;
    agent->deadline = g_get_monotonic_time() + (gint64)timeout_ms * 1000;
    ret = agent_run(agent, command, args, want_reply, &err);
    /* After a failure nothing read or written can be trusted: the next
     * command starts on a new connection. */
    if (!ret && vmm_error_code(err) == VMM_ERR_AGENT_UNRESPONSIVE)
        agent_disconnect(agent);
    g_mutex_unlock(&agent->lock);
    if (err)
        g_propagate_error(error, err);
    return ret;
}
