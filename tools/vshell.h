/*
 * vshell.h: the vshell command table, option access and output helpers.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Every command is a row of {name, handler, options, help}; option parsing,
 * usage text, "help CMD" and tab completion are all generated from the rows.
 */
#pragma once

#include <stdio.h>
#include "vmm.h"

G_BEGIN_DECLS

typedef enum {
    VSH_OT_BOOL,
    VSH_OT_STRING,
    VSH_OT_INT,
} VshOptType;

typedef enum {
    VSH_OFLAG_REQ = 1 << 0,   /* must be given */
    VSH_OFLAG_POS = 1 << 1,   /* may be given without its --name, in order */
    VSH_OFLAG_ARGV = 1 << 2,  /* with POS: takes all remaining words, joined by spaces */
} VshOptFlags;

typedef struct {
    const char *name;
    VshOptType type;
    unsigned int flags;       /* VshOptFlags */
    const char *help;         /* N_() */
} VshOptDef;

typedef enum {
    VSH_CMD_NOCONNECT = 1 << 0,   /* runs without a connection */
    VSH_CMD_NOTRAILER = 1 << 1,   /* no blank line after the output (virsh's desc) */
} VshCmdFlags;

typedef struct _Vsh Vsh;
typedef struct _VshCmd VshCmd;
typedef struct _VshCmdDef VshCmdDef;

typedef gboolean (*VshHandler)(Vsh *ctl, const VshCmd *cmd);

struct _VshCmdDef {
    const char *name;
    VshHandler handler;
    const VshOptDef *opts;    /* terminated by a row with name NULL; may be NULL */
    const char *help;         /* one line, N_() */
    const char *desc;         /* longer description, N_(); may be NULL */
    unsigned int flags;       /* VshCmdFlags */
};

typedef struct {
    const char *name;         /* "Domain Management" */
    const char *keyword;      /* "domain" */
    const VshCmdDef *cmds;    /* terminated by a row with name NULL */
} VshCmdGroup;

struct _Vsh {
    VmmConnect *conn;
    char *uri;                /* as asked for with -c / connect; NULL: default */
    gboolean quiet;
    gboolean readonly;
    gboolean interactive;
    gboolean no_trailer;      /* set by a handler to skip the blank line */
};

/* A parsed command: its row and the values given. */
struct _VshCmd {
    const VshCmdDef *def;
    GHashTable *values;       /* option name -> value string ("" for bools;
                               * ARGV options: the words joined by spaces) */
    GHashTable *words;        /* ARGV option name -> GPtrArray of its words */
};

/* Command groups, one per file. */
extern const VshCmdDef vsh_domain_cmds[];
extern const VshCmdDef vsh_network_cmds[];
extern const VshCmdDef vsh_pool_cmds[];
extern const VshCmdDef vsh_volume_cmds[];
extern const VshCmdDef vsh_host_cmds[];
extern const VshCmdDef vsh_event_cmds[];
extern const VshCmdDef vsh_monitor_cmds[];

/* net-event and pool-event (vshell-event.c), rows of the network and pool
 * groups. */
extern const VshOptDef vsh_net_event_opts[];
extern const VshOptDef vsh_pool_event_opts[];
gboolean vsh_cmd_net_event(Vsh *ctl, const VshCmd *cmd);
gboolean vsh_cmd_pool_event(Vsh *ctl, const VshCmd *cmd);
/* net-dhcp-leases and net-update (vshell-netdhcp.c), rows of the network
 * group. */
extern const VshOptDef vsh_net_dhcp_leases_opts[];
extern const VshOptDef vsh_net_update_opts[];
gboolean vsh_cmd_net_dhcp_leases(Vsh *ctl, const VshCmd *cmd);
gboolean vsh_cmd_net_update(Vsh *ctl, const VshCmd *cmd);
/* vol-upload and vol-download (vshell-volstream.c), rows of the volume
 * group. */
extern const VshOptDef vsh_vol_upload_opts[];
extern const VshOptDef vsh_vol_download_opts[];
gboolean vsh_cmd_vol_upload(Vsh *ctl, const VshCmd *cmd);
gboolean vsh_cmd_vol_download(Vsh *ctl, const VshCmd *cmd);
extern const VshOptDef vsh_console_opts[];
/* Writes all of @buf to @fd (waiting while a non-blocking fd is full);
 * FALSE with errno set on failure. */
gboolean vsh_write_all(int fd, const char *buf, gsize len);
gboolean vsh_cmd_console(Vsh *ctl, const VshCmd *cmd);
/* vcpuinfo and vncdisplay (vshell-monitor.c), rows of the domain group. */
extern const VshOptDef vsh_vcpuinfo_opts[];
extern const VshOptDef vsh_vncdisplay_opts[];
gboolean vsh_cmd_vcpuinfo(Vsh *ctl, const VshCmd *cmd);
gboolean vsh_cmd_vncdisplay(Vsh *ctl, const VshCmd *cmd);
/* The CPUs set in @map (@ncpus bits) as ranges, "0-3,6" (vcpuinfo --pretty). */
char *vsh_cpumap_format(const unsigned char *map, int ncpus);
/* Device commands (vshell-device.c), rows of the domain group. */
extern const VshOptDef vsh_device_opts[];
extern const VshOptDef vsh_attach_disk_opts[];
extern const VshOptDef vsh_detach_disk_opts[];
extern const VshOptDef vsh_attach_interface_opts[];
extern const VshOptDef vsh_detach_interface_opts[];
gboolean vsh_cmd_attach_device(Vsh *ctl, const VshCmd *cmd);
gboolean vsh_cmd_detach_device(Vsh *ctl, const VshCmd *cmd);
extern const VshOptDef vsh_update_device_opts[];
gboolean vsh_cmd_update_device(Vsh *ctl, const VshCmd *cmd);
gboolean vsh_cmd_attach_disk(Vsh *ctl, const VshCmd *cmd);
gboolean vsh_cmd_detach_disk(Vsh *ctl, const VshCmd *cmd);
gboolean vsh_cmd_attach_interface(Vsh *ctl, const VshCmd *cmd);
gboolean vsh_cmd_detach_interface(Vsh *ctl, const VshCmd *cmd);

/* ---- option access ---- */
gboolean vsh_cmd_has(const VshCmd *cmd, const char *name);
/* The value of a string option, or NULL when not given. */
const char *vsh_cmd_string(const VshCmd *cmd, const char *name);
/* The separate words of an ARGV option, or NULL when not given. */
const GPtrArray *vsh_cmd_words(const VshCmd *cmd, const char *name);
/* 1 when given and valid, 0 when not given, -1 (error printed) when invalid. */
int vsh_cmd_int(const VshCmd *cmd, const char *name, int *value);
/* The same for an unsigned 64-bit value (a byte count). */
int vsh_cmd_uint64(const VshCmd *cmd, const char *name, guint64 *value);

/* ---- output ---- */
/* Informational output, suppressed by --quiet. */
void vsh_print_extra(Vsh *ctl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* "error: MESSAGE" on stderr. */
void vsh_error(Vsh *ctl, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* Prints @error (when set) as "error: MESSAGE" and clears it. */
void vsh_report(Vsh *ctl, GError **error);
/* The end of a command that acted on the object @name: when @ok,
 * @done_fmt with @name as extra output; else @failed_fmt with @name as an
 * error, then @error.  Each format has one %s.  Returns @ok. */
gboolean vsh_outcome(Vsh *ctl, gboolean ok, GError **error, const char *name,
                     const char *done_fmt, const char *failed_fmt);

/* Ensures a connection; prints the error and returns NULL on failure. */
VmmConnect *vsh_conn(Vsh *ctl);

/* "100.00 GiB" as virsh prints sizes; returns a new string. */
char *vsh_pretty_capacity(guint64 bytes);

/* Reads a whole file; prints the error on failure. */
char *vsh_read_file(Vsh *ctl, const char *path);

/* Prints @xml, ending it with a newline when it has none. */
void vsh_print_xml(const char *xml);

/* "yes", "no", or "unknown" for a negative @v (an is_* call that failed). */
const char *vsh_yes_no(int v);

/* ---- tables (virsh's vshTable layout) ---- */
typedef struct _VshTable VshTable;
VshTable *vsh_table_new(const char *first_header, ...) G_GNUC_NULL_TERMINATED;
/* Takes @ncells strings, borrowed and copied. */
void vsh_table_add_row(VshTable *table, const char *first_cell, ...) G_GNUC_NULL_TERMINATED;
/* Prints and frees the table; headers are left out in quiet mode. */
void vsh_table_print(Vsh *ctl, VshTable *table);

/* ---- lookups by name, UUID (and id), printing virsh's error ---- */
VmmDomain *vsh_lookup_domain(Vsh *ctl, const VshCmd *cmd, const char *optname);
/* The same for the name, id or UUID @n. */
VmmDomain *vsh_lookup_domain_by(Vsh *ctl, const char *n);
VmmNetwork *vsh_lookup_network(Vsh *ctl, const VshCmd *cmd, const char *optname);
VmmStoragePool *vsh_lookup_pool(Vsh *ctl, const VshCmd *cmd, const char *optname);
VmmStoragePool *vsh_lookup_pool_by_string(Vsh *ctl, const char *n);
/* The volume of option "vol": by name in option "pool" when given, else by
 * key or path. */
VmmStorageVol *vsh_lookup_vol(Vsh *ctl, const VshCmd *cmd);

/* ---- edit (vshell-edit.c) ---- */
/* Defines @xml; @validate asks for schema validation.  Returns FALSE with
 * @error set when the definition is refused. */
typedef gboolean (*VshEditDefineFunc)(Vsh *ctl, const char *xml, gboolean validate,
                                      gpointer data, GError **error);

typedef enum {
    VSH_EDIT_FAILED,
    VSH_EDIT_UNCHANGED,
    VSH_EDIT_DEFINED,
} VshEditResult;

/* Writes @xml to a temporary file, runs $VISUAL/$EDITOR (default vi) on it
 * and hands the changed text to @define, asking whether to try again when
 * that fails (@validate is passed on until the user turns it off).  The original definition is untouched unless @define succeeds. */
VshEditResult vsh_edit_run(Vsh *ctl, const char *xml, VshEditDefineFunc define,
                           gpointer data, gboolean validate);

/* The edit commands' run: vsh_edit_run() on @xml, the definition of the
 * object @name, with @define storing the name it defined in the char **
 * it gets as data.  Prints @unchanged_fmt with @name or @edited_fmt with
 * the defined name (each has one %s).  FALSE when the edit failed. */
gboolean vsh_edit_object(Vsh *ctl, const char *xml, const char *name,
                         VshEditDefineFunc define, gboolean validate,
                         const char *unchanged_fmt, const char *edited_fmt);

/* ---- JSON writer (vshell-json.c) ---- */
typedef struct _VshJson VshJson;
VshJson *vsh_json_new(void);
void vsh_json_begin_object(VshJson *j);
void vsh_json_end_object(VshJson *j);
void vsh_json_begin_array(VshJson *j);
void vsh_json_end_array(VshJson *j);
/* Sets the key of the next member (objects only). */
void vsh_json_key(VshJson *j, const char *key);
void vsh_json_string(VshJson *j, const char *value);   /* NULL writes null */
void vsh_json_int(VshJson *j, gint64 value);
void vsh_json_uint(VshJson *j, guint64 value);
void vsh_json_double(VshJson *j, double value);
void vsh_json_bool(VshJson *j, gboolean value);
/* Prints the document followed by a newline to stdout and frees @j. */
void vsh_json_print(Vsh *ctl, VshJson *j);
/* Returns the document text and frees @j. */
char *vsh_json_finish(VshJson *j);

G_END_DECLS
