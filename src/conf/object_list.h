/*
 * object_list.h: a generic list of named, UUID-keyed objects.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Domains, networks and storage pools share this one implementation.  Each
 * kind embeds a VmmObj as its first member.  The list indexes objects by
 * name, by UUID and (for domains) by id in GHashTables guarded by a GRWLock;
 * every object has its own GMutex.
 *
 * Locking order: an object lock may be held while taking the list lock,
 * never the other way round.  The list never waits for an object lock while
 * holding its own lock, so lookups and list-wide walks never deadlock with
 * an operation that holds an object and updates the indexes.
 *
 * Lookups return the object referenced AND locked; release it with
 * vmm_obj_end().  An object removed from the list is marked so, and a lookup
 * that loses the race with the removal reports "not found".
 */
#pragma once

#include <glib.h>
#include "util/vmm_uuid.h"

G_BEGIN_DECLS

typedef struct _VmmObj VmmObj;
typedef struct _VmmObjList VmmObjList;
typedef struct _VmmObjKind VmmObjKind;
typedef struct _VmmConfigStore VmmConfigStore;

/* What the list needs to know of one kind of object and its definition. */
struct _VmmObjKind {
    const char *name;                  /* "domain", "network", "pool" */
    gsize obj_size;                    /* of the struct embedding VmmObj */
    void (*init)(VmmObj *obj);         /* set up the kind's own fields; may be NULL */
    void (*dispose)(VmmObj *obj);      /* free the kind's own fields; may be NULL */
    const char *(*def_name)(gconstpointer def);
    const unsigned char *(*def_uuid)(gconstpointer def);
    gpointer (*def_copy)(gconstpointer def);
    GDestroyNotify def_free;
    /* The persistent (inactive) XML of @def, as saved in the store. */
    char *(*def_format)(gconstpointer def);
    gpointer (*def_parse)(const char *xml, const char *url, GError **error);
};

/*
 * As libvirt keeps it: @def is the definition in force (the live one while
 * active); @new_def the persistent definition while active, when it differs
 * from the live one.  Unlike libvirt, the copy is made lazily: an active
 * persistent object with no @new_def has a live definition still equal to
 * its persistent one (starting 10,000 domains then copies nothing).  Code
 * that changes a live definition calls vmm_obj_prepare_live_change() first.
 */
struct _VmmObj {
    gint ref;
    GMutex lock;
    const VmmObjKind *kind;
    char *name;                          /* stable while in a list */
    unsigned char uuid[VMM_UUID_BUFLEN]; /* stable while in a list */
    int id;                              /* -1 when none (inactive) */
    gboolean removed;                    /* taken out of its list */
    gpointer def;
    gpointer new_def;
    gboolean active;
    gboolean persistent;
    gboolean autostart;
};

gpointer vmm_obj_ref(gpointer obj);
void vmm_obj_unref(gpointer obj);
void vmm_obj_lock(gpointer obj);
void vmm_obj_unlock(gpointer obj);
/* Unlock and unref; NULL is fine. */
void vmm_obj_end(gpointer obj);

/* The persistent definition (new_def while active, else def); borrowed. */
gpointer vmm_obj_persistent_def(gpointer obj);
/* Mark the locked @obj active / inactive.  On deactivation a pending
 * persistent definition (new_def) takes over again. */
void vmm_obj_set_active(gpointer obj);
void vmm_obj_set_inactive(gpointer obj);
/* Before changing the live definition of the locked active @obj: give a
 * persistent object its own copy of the persistent definition. */
void vmm_obj_prepare_live_change(gpointer obj);

VmmObjList *vmm_obj_list_new(const VmmObjKind *kind);
void vmm_obj_list_free(VmmObjList *list);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmObjList, vmm_obj_list_free)

const VmmObjKind *vmm_obj_list_kind(const VmmObjList *list);

/*
 * For a thread that must never wait (vmmd's I/O loop running a query
 * inline): between begin and end, the lookups below only try an object's
 * lock, and one that would have to wait returns NULL as if the object were
 * absent.  end() returns TRUE when that happened: the caller then drops
 * what it got and runs the call again where waiting is fine.
 */
void vmm_obj_nowait_begin(void);
gboolean vmm_obj_nowait_end(void);

/* Referenced and locked object, or NULL when absent (no error set). */
gpointer vmm_obj_list_find_by_name(VmmObjList *list, const char *name);
gpointer vmm_obj_list_find_by_uuid(VmmObjList *list, const unsigned char *uuid);
gpointer vmm_obj_list_find_by_id(VmmObjList *list, int id);

/*
 * Find the object a definition named @name with @uuid belongs to, or create
 * an empty one (no def yet, inactive), applying libvirt's rules:
 *  - same name and UUID: the existing object (*@created = FALSE);
 *  - same name, other UUID: VMM_ERR_OPERATION_FAILED
 *    "KIND 'NAME' already exists with uuid OTHER";
 *  - same UUID, other name: VMM_ERR_OPERATION_FAILED
 *    "KIND 'OTHER' is already defined with uuid UUID".
 * Returns the object referenced and locked, or NULL with @error set.
 */
gpointer vmm_obj_list_add(VmmObjList *list, const char *name, const unsigned char *uuid,
                          gboolean *created, GError **error);

/*
 * Define (or redefine) a persistent object from @def (taken over in every
 * case).  With a @store, the definition is saved first and nothing changes
 * in memory when that fails.  A redefinition of an active object replaces
 * only its persistent definition.  Returns the object referenced and
 * locked, or NULL with @error set; *@created tells a new object.
 */
gpointer vmm_obj_list_define(VmmObjList *list, VmmConfigStore *store, gpointer def,
                             gboolean *created, GError **error);

/*
 * Find or create the object of @def (taken over) to start it as a live
 * definition: a new object is transient; an inactive persistent one keeps
 * its definition as new_def.  An active one fails with
 * VMM_ERR_OPERATION_INVALID "KIND 'NAME' is already active".  The caller
 * marks the returned (referenced, locked) object active itself.
 */
gpointer vmm_obj_list_create(VmmObjList *list, gpointer def, gboolean *created,
                             GError **error);

/*
 * Undefine the locked @obj: remove its files from @store (if any; on failure
 * nothing changes), then either make it transient (active) or take it out
 * of the list (inactive).  A transient object fails with
 * VMM_ERR_OPERATION_INVALID "cannot undefine transient KIND".
 */
gboolean vmm_obj_list_undefine(VmmObjList *list, VmmConfigStore *store, gpointer obj,
                               GError **error);

/* Set autostart of the locked persistent @obj, recording it in @store. */
gboolean vmm_obj_set_autostart(gpointer obj, VmmConfigStore *store, gboolean autostart,
                               GError **error);

/* Load every definition of @store as an inactive persistent object (broken
 * files are skipped with a warning).  Returns the number loaded. */
guint vmm_obj_list_load(VmmObjList *list, VmmConfigStore *store);

/* Take the locked object @obj out of the list (it stays locked and
 * referenced by the caller). */
void vmm_obj_list_remove(VmmObjList *list, gpointer obj);

/* Set the id of the locked object @obj, updating the id index (-1: none). */
void vmm_obj_list_set_id(VmmObjList *list, gpointer obj, int id);

/* Every object, each referenced, unlocked, in no particular order.  The
 * array's free function unrefs them. */
GPtrArray *vmm_obj_list_collect(VmmObjList *list);

guint vmm_obj_list_count(VmmObjList *list);

/* Whether @value passes a pair of list flags, @yes asking for TRUE and @no
 * for FALSE: neither of them is in @flags, or the one for @value is. */
static inline gboolean
vmm_obj_list_flag_pair(unsigned int flags, unsigned int yes, unsigned int no, gboolean value)
{
    return !(flags & (yes | no)) || (flags & (value ? yes : no)) != 0;
}

/* Whether the locked @obj passes the active, persistent and autostart
 * filters of network or storage pool list @flags (the two share values). */
gboolean vmm_obj_matches_list_flags(const VmmObj *obj, unsigned int flags);

/* The order of listings: objects with an id (running) by id, then the
 * others by name.  qsort-style result. */
int vmm_obj_list_order(int id_a, const char *name_a, int id_b, const char *name_b);

G_END_DECLS
