/*
 * domain_device_misc.c: the small devices: <graphics>, <video>, <input>,
 * <sound>, <audio>, <memballoon>, <rng>, <watchdog>, <tpm>.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/domain_device_priv.h"
#include "conf/domain_def.h"

#include <string.h>

/* Fail with "missing <what>" when @str is NULL. */
static gboolean
require(const char *str, const char *what, GError **error)
{
    if (!str) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing %s"), what);
        return FALSE;
    }
    return TRUE;
}

/* A required enum attribute. */
static gboolean
required_enum(const xmlNode *node, const char *attr, const char *const *table,
              const char *what, int *out, GError **error)
{
    g_autofree char *str = vmm_xml_prop(node, attr);

    if (!require(str, what, error))
        return FALSE;
    return vmm_xml_enum(str, table, what, 0, out, error);
}

/* ---- graphics ---- */

static const char *const graphics_types[] = {
    "sdl", "vnc", "rdp", "desktop", "spice", "egl-headless", "dbus", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(graphics_types) == VMM_GRAPHICS_TYPE_LAST + 1);

static const char *const listen_types[] = {
    "", "address", "network", "socket", "none", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(listen_types) == VMM_GRAPHICS_LISTEN_LAST + 1);

static const char *const spice_compressions[] = {
    "auto_glz", "auto_lz", "quic", "glz", "lz", "off", NULL
};

const char *
vmm_graphics_type_to_string(VmmGraphicsType v)
{
    return vmm_enum_to_string(graphics_types, v);
}

static void
graphics_listen_free(gpointer data)
{
    VmmGraphicsListen *l = data;

    g_free(l->address);
    g_free(l->network);
    g_free(l->socket);
    g_free(l);
}

static gboolean
graphics_listen_parse(const xmlNode *node, VmmGraphicsListen *l, GError **error)
{
    g_autofree char *type = vmm_xml_prop(node, "type");
    int v;

    if (!require(type, _("graphics listen type"), error) ||
        !vmm_xml_enum(type, listen_types, _("graphics listen type"), 0, &v, error))
        return FALSE;
    if (v == VMM_GRAPHICS_LISTEN_NONE_SET) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED, _("unknown %s '%s'"),
                      _("graphics listen type"), type);
        return FALSE;
    }
    l->type = v;
    switch (l->type) {
    case VMM_GRAPHICS_LISTEN_ADDRESS:
        l->address = vmm_xml_prop(node, "address");
        break;
    case VMM_GRAPHICS_LISTEN_NETWORK:
        l->network = vmm_xml_prop(node, "network");
        return require(l->network, _("network for graphics listen type 'network'"), error);
    case VMM_GRAPHICS_LISTEN_SOCKET:
        l->socket = vmm_xml_prop(node, "socket");
        break;
    default:
        break;
    }
    return TRUE;
}

/* Ports: -1 is libvirt's old way of asking for autoport. */
static gboolean
graphics_ports_parse(const xmlNode *node, VmmDomainGraphicsDef *def, GError **error)
{
    VmmTristate autoport;
    gboolean has_port = xmlHasProp(node, (const xmlChar *)"port") != NULL;

    if (!dev_int_attr(node, "port", _("graphics port"), -1, 65535, 0, &def->port, error) ||
        !dev_tristate_attr(node, "autoport", _("graphics autoport"), &autoport, error))
        return FALSE;
    if (def->type == VMM_GRAPHICS_TYPE_SPICE &&
        !dev_int_attr(node, "tlsPort", _("graphics tlsPort"), -1, 65535, 0,
                      &def->tls_port, error))
        return FALSE;
    if (def->type == VMM_GRAPHICS_TYPE_VNC &&
        !dev_int_attr(node, "websocket", _("graphics websocket"), -1, 65535, 0,
                      &def->websocket, error))
        return FALSE;

    def->autoport = autoport == VMM_TRISTATE_YES ||
                    (autoport == VMM_TRISTATE_ABSENT &&
                     (!has_port || def->port == -1 || def->tls_port == -1));
    if (def->port == -1)
        def->port = 0;
    if (def->tls_port == -1)
        def->tls_port = 0;
    return TRUE;
}

VmmDomainGraphicsDef *
dev_graphics_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainGraphicsDef) def = g_new0(VmmDomainGraphicsDef, 1);
    g_autofree char *listen_attr = NULL;
    xmlNode *c;
    int v;

    if (!required_enum(node, "type", graphics_types, _("graphics type"), &v, error))
        return NULL;
    def->type = v;
    def->listens = g_ptr_array_new_with_free_func(graphics_listen_free);
    if (def->type != VMM_GRAPHICS_TYPE_VNC && def->type != VMM_GRAPHICS_TYPE_SPICE)
        return g_steal_pointer(&def);

    if (!graphics_ports_parse(node, def, error))
        return NULL;
    def->keymap = vmm_xml_prop(node, "keymap");
    def->passwd = vmm_xml_prop(node, "passwd");
    listen_attr = vmm_xml_prop(node, "listen");

    for (c = node->children; c; c = c->next) {
        VmmGraphicsListen *l;

        if (!dev_is(c, "listen"))
            continue;
        l = g_new0(VmmGraphicsListen, 1);
        g_ptr_array_add(def->listens, l);
        if (!graphics_listen_parse(c, l, error))
            return NULL;
    }
    /* The old listen= attribute is the first address listen. */
    if (listen_attr) {
        VmmGraphicsListen *first = def->listens->len ? def->listens->pdata[0] : NULL;

        if (!first) {
            first = g_new0(VmmGraphicsListen, 1);
            first->type = VMM_GRAPHICS_LISTEN_ADDRESS;
            first->address = g_strdup(listen_attr);
            g_ptr_array_add(def->listens, first);
        } else if (first->type == VMM_GRAPHICS_LISTEN_ADDRESS && !first->address) {
            first->address = g_strdup(listen_attr);
        } else if (first->type != VMM_GRAPHICS_LISTEN_ADDRESS ||
                   strcmp(first->address, listen_attr) != 0) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("graphics listen attribute '%s' must match the address of the first listen element (found '%s')"),
                          listen_attr, first->address ? first->address : "");
            return NULL;
        }
    }
    if (def->type == VMM_GRAPHICS_TYPE_SPICE && (c = dev_child(node, "image"))) {
        def->image_compression = vmm_xml_prop(c, "compression");
        if (!dev_check_enum(def->image_compression, spice_compressions,
                            _("spice image compression"), error))
            return NULL;
    }
    return g_steal_pointer(&def);
}

/* A graphics device that listens with no <listen> listens on the default
 * address, which libvirt writes as an empty address listen. */
static void
graphics_post_parse(VmmDomainGraphicsDef *def)
{
    if ((def->type == VMM_GRAPHICS_TYPE_VNC || def->type == VMM_GRAPHICS_TYPE_SPICE) &&
        def->listens->len == 0) {
        VmmGraphicsListen *l = g_new0(VmmGraphicsListen, 1);
        l->type = VMM_GRAPHICS_LISTEN_ADDRESS;
        g_ptr_array_add(def->listens, l);
    }
}

static void
graphics_port_format(GString *buf, const char *name, int port, gboolean autoport,
                     gboolean autoport_minus_one, unsigned int flags)
{
    if (port > 0 && (!autoport || !(flags & VMM_DOMAIN_DEF_FORMAT_INACTIVE)))
        g_string_append_printf(buf, " %s='%d'", name, port);
    else if (autoport && autoport_minus_one)
        g_string_append_printf(buf, " %s='-1'", name);
}

void
dev_graphics_format(GString *buf, int indent, const VmmDomainGraphicsDef *def,
                    unsigned int flags)
{
    g_autoptr(GString) body = g_string_new(NULL);
    const VmmGraphicsListen *first = def->listens->len ? def->listens->pdata[0] : NULL;
    int in = indent + 2;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<graphics");
    dev_buf_enum(buf, "type", graphics_types, def->type);
    if (def->type == VMM_GRAPHICS_TYPE_VNC || def->type == VMM_GRAPHICS_TYPE_SPICE) {
        gboolean vnc = def->type == VMM_GRAPHICS_TYPE_VNC;

        /* libvirt writes port='-1' for an automatic VNC port only. */
        graphics_port_format(buf, "port", def->port, def->autoport, vnc, flags);
        if (!vnc)
            graphics_port_format(buf, "tlsPort", def->tls_port, def->autoport, FALSE, flags);
        vmm_buf_attr(buf, "autoport", def->autoport ? "yes" : "no");
        if (vnc && def->websocket)
            g_string_append_printf(buf, " websocket='%d'", def->websocket);
        if (first && first->type == VMM_GRAPHICS_LISTEN_ADDRESS)
            vmm_buf_attr(buf, "listen", first->address);
        vmm_buf_attr(buf, "keymap", def->keymap);
        if (flags & VMM_DOMAIN_DEF_FORMAT_SECURE)
            vmm_buf_attr(buf, "passwd", def->passwd);
    }
    for (guint i = 0; i < def->listens->len; i++) {
        const VmmGraphicsListen *l = def->listens->pdata[i];
        vmm_buf_indent(body, in);
        g_string_append(body, "<listen");
        dev_buf_enum(body, "type", listen_types, l->type);
        vmm_buf_attr(body, "address", l->address);
        vmm_buf_attr(body, "network", l->network);
        vmm_buf_attr(body, "socket", l->socket);
        g_string_append(body, "/>\n");
    }
    if (def->image_compression) {
        vmm_buf_indent(body, in);
        g_string_append(body, "<image");
        vmm_buf_attr(body, "compression", def->image_compression);
        g_string_append(body, "/>\n");
    }
    dev_buf_close(buf, indent, "graphics", body);
}

void
dev_graphics_free(VmmDomainGraphicsDef *def)
{
    if (!def)
        return;
    g_free(def->keymap);
    g_free(def->passwd);
    g_free(def->image_compression);
    if (def->listens)
        g_ptr_array_unref(def->listens);
    g_free(def);
}

/* ---- video ---- */

static const char *const video_types[] = {
    "", "vga", "cirrus", "vmvga", "xen", "vbox", "qxl", "parallels", "virtio", "gop",
    "none", "bochs", "ramfb", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(video_types) == VMM_VIDEO_TYPE_LAST + 1);

const char *
vmm_video_type_to_string(VmmVideoType v)
{
    return vmm_enum_to_string(video_types, v);
}

VmmDomainVideoDef *
dev_video_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainVideoDef) def = g_new0(VmmDomainVideoDef, 1);
    xmlNode *m;
    int v;

    def->ram = def->vram = def->vgamem = def->heads = -1;
    if ((m = dev_child(node, "model"))) {
        g_autofree char *type = vmm_xml_prop(m, "type");
        VmmTristate primary;

        if (!vmm_xml_enum(type, video_types, _("video model type"), 0, &v, error))
            return NULL;
        if (type && v == VMM_VIDEO_TYPE_NONE_SET) {
            vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED, _("unknown %s '%s'"),
                          _("video model type"), type);
            return NULL;
        }
        def->type = v;
        if (!dev_int_attr(m, "ram", _("video ram"), 0, G_MAXINT32, -1, &def->ram, error) ||
            !dev_int_attr(m, "vram", _("video vram"), 0, G_MAXINT32, -1, &def->vram, error) ||
            !dev_int_attr(m, "vgamem", _("video vgamem"), 0, G_MAXINT32, -1, &def->vgamem,
                          error) ||
            !dev_int_attr(m, "heads", _("video heads"), 1, G_MAXINT32, -1, &def->heads,
                          error) ||
            !dev_tristate_attr(m, "primary", _("video primary"), &primary, error))
            return NULL;
        def->primary = primary == VMM_TRISTATE_YES;
    }
    if (!dev_info_parse(node, &def->info, FALSE, error))
        return NULL;
    return g_steal_pointer(&def);
}

void
dev_video_format(GString *buf, int indent, const VmmDomainVideoDef *def,
                 unsigned int flags)
{
    g_autoptr(GString) body = g_string_new(NULL);
    int in = indent + 2;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<video");
    if (def->type || def->ram >= 0 || def->vram >= 0 || def->vgamem >= 0 ||
        def->heads >= 0 || def->primary) {
        vmm_buf_indent(body, in);
        g_string_append(body, "<model");
        if (def->type)
            dev_buf_enum(body, "type", video_types, def->type);
        dev_buf_int(body, "ram", def->ram);
        dev_buf_int(body, "vram", def->vram);
        dev_buf_int(body, "vgamem", def->vgamem);
        dev_buf_int(body, "heads", def->heads);
        if (def->primary)
            vmm_buf_attr(body, "primary", "yes");
        g_string_append(body, "/>\n");
    }
    dev_info_format(body, in, &def->info, flags);
    dev_buf_close(buf, indent, "video", body);
}

void
dev_video_free(VmmDomainVideoDef *def)
{
    if (!def)
        return;
    dev_info_clear(&def->info);
    g_free(def);
}

/* ---- input ---- */

static const char *const input_types[] = {
    "mouse", "tablet", "keyboard", "passthrough", "evdev", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(input_types) == VMM_INPUT_TYPE_LAST + 1);

static const char *const input_buses[] = { "", "ps2", "usb", "xen", "virtio", "none", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(input_buses) == VMM_INPUT_BUS_LAST + 1);

const char *vmm_input_type_to_string(VmmInputType v) { return vmm_enum_to_string(input_types, v); }
const char *vmm_input_bus_to_string(VmmInputBus v) { return vmm_enum_to_string(input_buses, v); }

VmmDomainInputDef *
dev_input_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainInputDef) def = g_new0(VmmDomainInputDef, 1);
    g_autofree char *bus = vmm_xml_prop(node, "bus");
    xmlNode *s;
    int v;

    if (!required_enum(node, "type", input_types, _("input device type"), &v, error))
        return NULL;
    def->type = v;
    if (!vmm_xml_enum(bus, input_buses, _("input bus"), 0, &v, error))
        return NULL;
    if (bus && v == VMM_INPUT_BUS_NONE_SET) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED, _("unknown %s '%s'"),
                      _("input bus"), bus);
        return NULL;
    }
    def->bus = v;
    if (def->type == VMM_INPUT_TYPE_PASSTHROUGH || def->type == VMM_INPUT_TYPE_EVDEV) {
        const char *attr = def->type == VMM_INPUT_TYPE_EVDEV ? "dev" : "evdev";
        if ((s = dev_child(node, "source")))
            def->evdev = vmm_xml_prop(s, attr);
        if (!def->evdev) {
            vmm_error_set(error, VMM_ERR_XML_ERROR,
                          _("missing source %s for input type '%s'"), attr,
                          vmm_input_type_to_string(def->type));
            return NULL;
        }
    }
    if (!dev_info_parse(node, &def->info, FALSE, error))
        return NULL;
    return g_steal_pointer(&def);
}

void
dev_input_format(GString *buf, int indent, const VmmDomainInputDef *def,
                 unsigned int flags)
{
    g_autoptr(GString) body = g_string_new(NULL);

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<input");
    dev_buf_enum(buf, "type", input_types, def->type);
    if (def->bus)
        dev_buf_enum(buf, "bus", input_buses, def->bus);
    if (def->evdev) {
        vmm_buf_indent(body, indent + 2);
        g_string_append(body, "<source");
        vmm_buf_attr(body, def->type == VMM_INPUT_TYPE_EVDEV ? "dev" : "evdev", def->evdev);
        g_string_append(body, "/>\n");
    }
    dev_info_format(body, indent + 2, &def->info, flags);
    dev_buf_close(buf, indent, "input", body);
}

void
dev_input_free(VmmDomainInputDef *def)
{
    if (!def)
        return;
    g_free(def->evdev);
    dev_info_clear(&def->info);
    g_free(def);
}

/* ---- sound, audio ---- */

static const char *const sound_models[] = {
    "sb16", "es1370", "pcspk", "ac97", "ich6", "ich9", "usb", "ich7", "virtio", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(sound_models) == VMM_SOUND_MODEL_LAST + 1);

static const char *const sound_codecs[] = { "duplex", "micro", "output", NULL };

static const char *const audio_types[] = {
    "none", "alsa", "coreaudio", "jack", "oss", "pulseaudio", "sdl", "spice", "file",
    "dbus", "pipewire", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(audio_types) == VMM_AUDIO_TYPE_LAST + 1);

const char *vmm_sound_model_to_string(VmmSoundModel v) { return vmm_enum_to_string(sound_models, v); }
const char *vmm_audio_type_to_string(VmmAudioType v) { return vmm_enum_to_string(audio_types, v); }

VmmDomainSoundDef *
dev_sound_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainSoundDef) def = g_new0(VmmDomainSoundDef, 1);
    xmlNode *c;
    int v;

    def->audio_id = -1;
    def->codecs = g_array_new(FALSE, FALSE, sizeof(int));
    if (!required_enum(node, "model", sound_models, _("sound model"), &v, error))
        return NULL;
    def->model = v;
    for (c = node->children; c; c = c->next) {
        if (!dev_is(c, "codec"))
            continue;
        if (!required_enum(c, "type", sound_codecs, _("sound codec type"), &v, error))
            return NULL;
        g_array_append_val(def->codecs, v);
    }
    if ((c = dev_child(node, "audio")) &&
        !dev_int_attr(c, "id", _("sound audio id"), 1, G_MAXINT32, -1, &def->audio_id,
                      error))
        return NULL;
    if (!dev_info_parse(node, &def->info, FALSE, error))
        return NULL;
    return g_steal_pointer(&def);
}

void
dev_sound_format(GString *buf, int indent, const VmmDomainSoundDef *def,
                 unsigned int flags)
{
    g_autoptr(GString) body = g_string_new(NULL);
    int in = indent + 2;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<sound");
    dev_buf_enum(buf, "model", sound_models, def->model);
    for (guint i = 0; i < def->codecs->len; i++) {
        vmm_buf_indent(body, in);
        g_string_append(body, "<codec");
        dev_buf_enum(body, "type", sound_codecs, g_array_index(def->codecs, int, i));
        g_string_append(body, "/>\n");
    }
    if (def->audio_id >= 0) {
        vmm_buf_indent(body, in);
        g_string_append_printf(body, "<audio id='%d'/>\n", def->audio_id);
    }
    dev_info_format(body, in, &def->info, flags);
    dev_buf_close(buf, indent, "sound", body);
}

void
dev_sound_free(VmmDomainSoundDef *def)
{
    if (!def)
        return;
    if (def->codecs)
        g_array_unref(def->codecs);
    dev_info_clear(&def->info);
    g_free(def);
}

VmmDomainAudioDef *
dev_audio_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainAudioDef) def = g_new0(VmmDomainAudioDef, 1);
    int v;

    if (!xmlHasProp(node, (const xmlChar *)"id")) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing audio id"));
        return NULL;
    }
    if (!dev_int_attr(node, "id", _("audio id"), 1, G_MAXINT32, -1, &def->id, error) ||
        !required_enum(node, "type", audio_types, _("audio type"), &v, error))
        return NULL;
    def->type = v;
    if (def->type == VMM_AUDIO_TYPE_FILE)
        def->path = vmm_xml_prop(node, "path");
    return g_steal_pointer(&def);
}

void
dev_audio_format(GString *buf, int indent, const VmmDomainAudioDef *def,
                 unsigned int flags)
{
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<audio");
    dev_buf_int(buf, "id", def->id);
    dev_buf_enum(buf, "type", audio_types, def->type);
    vmm_buf_attr(buf, "path", def->path);
    g_string_append(buf, "/>\n");
}

void
dev_audio_free(VmmDomainAudioDef *def)
{
    if (!def)
        return;
    g_free(def->path);
    g_free(def);
}

/* ---- memballoon ---- */

static const char *const memballoon_models[] = {
    "virtio", "xen", "none", "virtio-transitional", "virtio-non-transitional", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(memballoon_models) == VMM_MEMBALLOON_MODEL_LAST + 1);

const char *
vmm_memballoon_model_to_string(VmmMemballoonModel v)
{
    return vmm_enum_to_string(memballoon_models, v);
}

VmmDomainMemballoonDef *
dev_memballoon_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainMemballoonDef) def = g_new0(VmmDomainMemballoonDef, 1);
    xmlNode *c;
    int v;

    def->stats_period = -1;
    if (!required_enum(node, "model", memballoon_models, _("memballoon model"), &v, error) ||
        !dev_tristate_attr(node, "autodeflate", _("memballoon autodeflate"),
                           &def->autodeflate, error) ||
        !dev_tristate_attr(node, "freePageReporting", _("memballoon freePageReporting"),
                           &def->free_page_reporting, error))
        return NULL;
    def->model = v;
    if ((c = dev_child(node, "stats")) &&
        !dev_int_attr(c, "period", _("memballoon stats period"), 0, G_MAXINT32, -1,
                      &def->stats_period, error))
        return NULL;
    if (!dev_info_parse(node, &def->info, FALSE, error))
        return NULL;
    return g_steal_pointer(&def);
}

void
dev_memballoon_format(GString *buf, int indent, const VmmDomainMemballoonDef *def,
                      unsigned int flags)
{
    g_autoptr(GString) body = g_string_new(NULL);

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<memballoon");
    dev_buf_enum(buf, "model", memballoon_models, def->model);
    vmm_buf_attr(buf, "autodeflate", vmm_tristate_onoff(def->autodeflate));
    vmm_buf_attr(buf, "freePageReporting", vmm_tristate_onoff(def->free_page_reporting));
    if (def->stats_period >= 0) {
        vmm_buf_indent(body, indent + 2);
        g_string_append_printf(body, "<stats period='%d'/>\n", def->stats_period);
    }
    dev_info_format(body, indent + 2, &def->info, flags);
    dev_buf_close(buf, indent, "memballoon", body);
}

void
dev_memballoon_free(VmmDomainMemballoonDef *def)
{
    if (!def)
        return;
    dev_info_clear(&def->info);
    g_free(def);
}

/* ---- rng ---- */

static const char *const rng_models[] = {
    "virtio", "virtio-transitional", "virtio-non-transitional", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(rng_models) == VMM_RNG_MODEL_LAST + 1);

static const char *const rng_backends[] = { "random", "egd", "builtin", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(rng_backends) == VMM_RNG_BACKEND_LAST + 1);

const char *vmm_rng_model_to_string(VmmRngModel v) { return vmm_enum_to_string(rng_models, v); }
const char *vmm_rng_backend_to_string(VmmRngBackend v) { return vmm_enum_to_string(rng_backends, v); }

VmmDomainRngDef *
dev_rng_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainRngDef) def = g_new0(VmmDomainRngDef, 1);
    xmlNode *c;
    int v;

    def->rate_bytes = def->rate_period = -1;
    if (!required_enum(node, "model", rng_models, _("rng model"), &v, error))
        return NULL;
    def->model = v;
    if ((c = dev_child(node, "rate"))) {
        if (!xmlHasProp(c, (const xmlChar *)"bytes")) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing rng rate bytes"));
            return NULL;
        }
        if (!dev_int_attr(c, "bytes", _("rng rate bytes"), 1, G_MAXINT32, -1,
                          &def->rate_bytes, error) ||
            !dev_int_attr(c, "period", _("rng rate period"), 1, G_MAXINT32, -1,
                          &def->rate_period, error))
            return NULL;
    }
    if (!(c = dev_child(node, "backend"))) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing rng backend"));
        return NULL;
    }
    if (!required_enum(c, "model", rng_backends, _("rng backend model"), &v, error))
        return NULL;
    def->backend = v;
    if (def->backend == VMM_RNG_BACKEND_RANDOM) {
        xmlChar *txt = xmlNodeGetContent(c);
        if (txt && *txt)
            def->random_path = g_strdup((const char *)txt);
        xmlFree(txt);
    } else if (def->backend == VMM_RNG_BACKEND_EGD) {
        if (!xmlHasProp(c, (const xmlChar *)"type")) {
            vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing type for rng egd backend"));
            return NULL;
        }
        if (!dev_chr_source_parse(c, &def->egd, error))
            return NULL;
    }
    if (!dev_info_parse(node, &def->info, FALSE, error))
        return NULL;
    return g_steal_pointer(&def);
}

void
dev_rng_format(GString *buf, int indent, const VmmDomainRngDef *def, unsigned int flags)
{
    int in = indent + 2;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<rng");
    dev_buf_enum(buf, "model", rng_models, def->model);
    g_string_append(buf, ">\n");
    if (def->rate_bytes >= 0) {
        vmm_buf_indent(buf, in);
        g_string_append(buf, "<rate");
        dev_buf_int(buf, "bytes", def->rate_bytes);
        dev_buf_int(buf, "period", def->rate_period);
        g_string_append(buf, "/>\n");
    }
    vmm_buf_indent(buf, in);
    g_string_append(buf, "<backend");
    dev_buf_enum(buf, "model", rng_backends, def->backend);
    if (def->backend == VMM_RNG_BACKEND_RANDOM && def->random_path) {
        g_string_append_c(buf, '>');
        vmm_buf_escape(buf, def->random_path);
        g_string_append(buf, "</backend>\n");
    } else if (def->backend == VMM_RNG_BACKEND_EGD) {
        g_autoptr(GString) body = g_string_new(NULL);
        vmm_buf_attr(buf, "type", vmm_chr_type_to_string(def->egd.type));
        dev_chr_source_format(body, in + 2, &def->egd, flags);
        dev_buf_close(buf, in, "backend", body);
    } else {
        g_string_append(buf, "/>\n");
    }
    dev_info_format(buf, in, &def->info, flags);
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</rng>\n");
}

void
dev_rng_free(VmmDomainRngDef *def)
{
    if (!def)
        return;
    g_free(def->random_path);
    dev_chr_source_clear(&def->egd);
    dev_info_clear(&def->info);
    g_free(def);
}

/* ---- watchdog ---- */

static const char *const watchdog_models[] = { "i6300esb", "ib700", "diag288", "itco", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(watchdog_models) == VMM_WATCHDOG_MODEL_LAST + 1);

static const char *const watchdog_actions[] = {
    "", "reset", "shutdown", "poweroff", "pause", "none", "dump", "inject-nmi", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(watchdog_actions) == VMM_WATCHDOG_ACTION_LAST + 1);

const char *vmm_watchdog_model_to_string(VmmWatchdogModel v) { return vmm_enum_to_string(watchdog_models, v); }
const char *vmm_watchdog_action_to_string(VmmWatchdogAction v) { return vmm_enum_to_string(watchdog_actions, v); }

VmmDomainWatchdogDef *
dev_watchdog_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainWatchdogDef) def = g_new0(VmmDomainWatchdogDef, 1);
    g_autofree char *action = vmm_xml_prop(node, "action");
    int v;

    if (!required_enum(node, "model", watchdog_models, _("watchdog model"), &v, error))
        return NULL;
    def->model = v;
    /* libvirt always writes the action; reset is its default. */
    if (!vmm_xml_enum(action, watchdog_actions, _("watchdog action"),
                      VMM_WATCHDOG_ACTION_RESET, &v, error))
        return NULL;
    if (v == VMM_WATCHDOG_ACTION_NONE_SET) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED, _("unknown %s '%s'"),
                      _("watchdog action"), action);
        return NULL;
    }
    def->action = v;
    if (!dev_info_parse(node, &def->info, FALSE, error))
        return NULL;
    return g_steal_pointer(&def);
}

void
dev_watchdog_format(GString *buf, int indent, const VmmDomainWatchdogDef *def,
                    unsigned int flags)
{
    g_autoptr(GString) body = g_string_new(NULL);

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<watchdog");
    dev_buf_enum(buf, "model", watchdog_models, def->model);
    dev_buf_enum(buf, "action", watchdog_actions, def->action);
    dev_info_format(body, indent + 2, &def->info, flags);
    dev_buf_close(buf, indent, "watchdog", body);
}

void
dev_watchdog_free(VmmDomainWatchdogDef *def)
{
    if (!def)
        return;
    dev_info_clear(&def->info);
    g_free(def);
}

/* ---- tpm ---- */

static const char *const tpm_models[] = {
    "", "tpm-tis", "tpm-crb", "tpm-spapr", "spapr-tpm-proxy", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(tpm_models) == VMM_TPM_MODEL_LAST + 1);

static const char *const tpm_backends[] = { "passthrough", "emulator", NULL };
G_STATIC_ASSERT(G_N_ELEMENTS(tpm_backends) == VMM_TPM_BACKEND_LAST + 1);

static const char *const tpm_versions[] = { "1.2", "2.0", NULL };

const char *vmm_tpm_model_to_string(VmmTpmModel v) { return vmm_enum_to_string(tpm_models, v); }
const char *vmm_tpm_backend_to_string(VmmTpmBackend v) { return vmm_enum_to_string(tpm_backends, v); }

VmmDomainTpmDef *
dev_tpm_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainTpmDef) def = g_new0(VmmDomainTpmDef, 1);
    g_autofree char *model = vmm_xml_prop(node, "model");
    xmlNode *b, *d;
    int v;

    if (!vmm_xml_enum(model, tpm_models, _("TPM model"), 0, &v, error))
        return NULL;
    if (model && v == VMM_TPM_MODEL_NONE_SET) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED, _("unknown %s '%s'"),
                      _("TPM model"), model);
        return NULL;
    }
    def->model = v;
    if (!(b = dev_child(node, "backend"))) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("missing TPM backend"));
        return NULL;
    }
    if (!required_enum(b, "type", tpm_backends, _("TPM backend type"), &v, error))
        return NULL;
    def->backend = v;
    if (def->backend == VMM_TPM_BACKEND_PASSTHROUGH) {
        if ((d = dev_child(b, "device")))
            def->device_path = vmm_xml_prop(d, "path");
    } else {
        def->version = vmm_xml_prop(b, "version");
        if (!dev_check_enum(def->version, tpm_versions, _("TPM version"), error))
            return NULL;
    }
    if (!dev_info_parse(node, &def->info, FALSE, error))
        return NULL;
    return g_steal_pointer(&def);
}

void
dev_tpm_format(GString *buf, int indent, const VmmDomainTpmDef *def, unsigned int flags)
{
    int in = indent + 2;

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<tpm");
    if (def->model)
        dev_buf_enum(buf, "model", tpm_models, def->model);
    g_string_append(buf, ">\n");
    vmm_buf_indent(buf, in);
    g_string_append(buf, "<backend");
    dev_buf_enum(buf, "type", tpm_backends, def->backend);
    vmm_buf_attr(buf, "version", def->version);
    if (def->device_path) {
        g_string_append(buf, ">\n");
        vmm_buf_indent(buf, in + 2);
        g_string_append(buf, "<device");
        vmm_buf_attr(buf, "path", def->device_path);
        g_string_append(buf, "/>\n");
        vmm_buf_indent(buf, in);
        g_string_append(buf, "</backend>\n");
    } else {
        g_string_append(buf, "/>\n");
    }
    dev_info_format(buf, in, &def->info, flags);
    vmm_buf_indent(buf, indent);
    g_string_append(buf, "</tpm>\n");
}

void
dev_tpm_free(VmmDomainTpmDef *def)
{
    if (!def)
        return;
    g_free(def->version);
    g_free(def->device_path);
    dev_info_clear(&def->info);
    g_free(def);
}

/* ---- defaults for this file's kinds ---- */

void
dev_misc_post_parse(VmmDomainDevices *devs, const char *arch)
{
    /* x86 guests have PS/2; elsewhere input devices default to USB. */
    gboolean x86 = !arch || g_str_equal(arch, "x86_64") || g_str_equal(arch, "i686");

    for (guint i = 0; i < devs->graphics->len; i++)
        graphics_post_parse(devs->graphics->pdata[i]);
    for (guint i = 0; i < devs->inputs->len; i++) {
        VmmDomainInputDef *in = devs->inputs->pdata[i];
        if (in->bus != VMM_INPUT_BUS_NONE_SET)
            continue;
        if (in->type == VMM_INPUT_TYPE_TABLET)
            in->bus = VMM_INPUT_BUS_USB;
        else if (in->type == VMM_INPUT_TYPE_MOUSE || in->type == VMM_INPUT_TYPE_KEYBOARD)
            in->bus = x86 ? VMM_INPUT_BUS_PS2 : VMM_INPUT_BUS_USB;
    }
    /* The first video device is the primary one, with one head by default. */
    for (guint i = 0; i < devs->videos->len; i++) {
        VmmDomainVideoDef *v = devs->videos->pdata[i];
        if (v->type == VMM_VIDEO_TYPE_NONE)
            continue;
        if (v->heads < 0)
            v->heads = 1;
        if (i == 0)
            v->primary = TRUE;
    }
}

/* ---- panic ---- */

static const char *const panic_models[] = {
    "", "isa", "pseries", "hyperv", "s390", "pvpanic", NULL
};
G_STATIC_ASSERT(G_N_ELEMENTS(panic_models) == VMM_PANIC_MODEL_LAST + 1);

const char *
vmm_panic_model_to_string(VmmPanicModel v)
{
    return vmm_enum_to_string(panic_models, v);
}

VmmDomainPanicDef *
dev_panic_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainPanicDef) def = g_new0(VmmDomainPanicDef, 1);
    int v;

    if (!dev_enum_attr(node, "model", panic_models, _("panic model"), 0, &v, error))
        return NULL;
    def->model = v;
    if (!dev_info_parse(node, &def->info, FALSE, error))
        return NULL;
    return g_steal_pointer(&def);
}

void
dev_panic_format(GString *buf, int indent, const VmmDomainPanicDef *def,
                 unsigned int flags)
{
    g_autoptr(GString) body = g_string_new(NULL);

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<panic");
    if (def->model)
        dev_buf_enum(buf, "model", panic_models, def->model);
    dev_info_format(body, indent + 2, &def->info, flags);
    dev_buf_close(buf, indent, "panic", body);
}

void
dev_panic_free(VmmDomainPanicDef *def)
{
    if (!def)
        return;
    dev_info_clear(&def->info);
    g_free(def);
}

/* ---- vsock ---- */

static const char *const vsock_models[] = {
    "virtio", "virtio-transitional", "virtio-non-transitional", NULL
};

VmmDomainVsockDef *
dev_vsock_parse(const xmlNode *node, GError **error)
{
    g_autoptr(VmmDomainVsockDef) def = g_new0(VmmDomainVsockDef, 1);
    xmlNode *c;

    def->cid = -1;
    def->model = vmm_xml_prop(node, "model");
    if (!dev_check_enum(def->model, vsock_models, _("vsock model"), error))
        return NULL;
    /* CIDs 0-2 are reserved (hypervisor, local, host). */
    if ((c = dev_child(node, "cid")) &&
        (!dev_tristate_attr(c, "auto", _("vsock cid auto"), &def->cid_auto, error) ||
         !dev_int_attr(c, "address", _("vsock cid address"), 3, G_MAXINT32, -1, &def->cid,
                       error)))
        return NULL;
    if (!dev_info_parse(node, &def->info, FALSE, error))
        return NULL;
    return g_steal_pointer(&def);
}

void
dev_vsock_format(GString *buf, int indent, const VmmDomainVsockDef *def,
                 unsigned int flags)
{
    g_autoptr(GString) body = g_string_new(NULL);

    vmm_buf_indent(buf, indent);
    g_string_append(buf, "<vsock");
    vmm_buf_attr(buf, "model", def->model);
    if (def->cid_auto || def->cid >= 0) {
        vmm_buf_indent(body, indent + 2);
        g_string_append(body, "<cid");
        vmm_buf_attr(body, "auto", vmm_tristate_yesno(def->cid_auto));
        dev_buf_int(body, "address", def->cid);
        g_string_append(body, "/>\n");
    }
    dev_info_format(body, indent + 2, &def->info, flags);
    dev_buf_close(buf, indent, "vsock", body);
}

void
dev_vsock_free(VmmDomainVsockDef *def)
{
    if (!def)
        return;
    g_free(def->model);
    dev_info_clear(&def->info);
    g_free(def);
}
