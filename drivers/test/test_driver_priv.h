/*
 * test_driver_priv.h: state shared by the files of the mock driver.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * test_driver.c opens connections and loads fixtures; test_domain.c,
 * test_network.c and test_storage.c fill their parts of the driver table.
 */
#pragma once

#include "driver.h"
#include "events.h"
#include "conf/domain_obj.h"
#include "conf/network_obj.h"
#include "conf/storage_obj.h"

G_BEGIN_DECLS

/* Defaults of libvirt's test driver for every pool. */
#define TEST_POOL_CAPACITY G_GUINT64_CONSTANT(107374182400)   /* 100 GiB */
#define TEST_POOL_ALLOCATION G_GUINT64_CONSTANT(0)

/* The XML namespace of the test driver's extra domain elements
 * (<test:runstate>, <test:transient>) in node files. */
#define TEST_DOMAIN_NS "http://libvirt.org/schemas/domain/test/1.0"

typedef struct _TestVolData TestVolData;

typedef struct {
    VmmObjList *domains;
    VmmObjList *networks;
    VmmObjList *pools;
    GMutex vol_data_lock;
    GHashTable *vol_data;    /* "POOL/VOLUME" -> TestVolData*: what was uploaded */
    gint next_dom_id;        /* g_atomic */
    VmmNodeInfo node_info;
} TestDriver;

static inline TestDriver *
test_driver_of(VmmConnect *conn)
{
    return conn->priv;
}

/* Fail with "unsupported flags (0x..) in function F" (VMM_ERR_INVALID_ARG)
 * when @flags has bits outside @allowed. */
gboolean test_check_flags(unsigned int flags, unsigned int allowed, const char *func,
                          GError **error);
#define TEST_CHECK_FLAGS(flags, allowed, fail) \
    do { \
        if (!test_check_flags((flags), (allowed), G_STRFUNC, error)) \
            return fail; \
    } while (0)

/*
 * The LIST_ALL of every kind: handles (made by @handle, freed by @unref)
 * of the objects of @list that @match accepts for @flags, running ones by
 * id first, then the others by name.
 */
typedef gboolean (*TestMatchFunc)(gpointer obj, unsigned int flags);
typedef gpointer (*TestHandleFunc)(VmmConnect *conn, gpointer obj);
GPtrArray *test_list_objects(VmmConnect *conn, VmmObjList *list, unsigned int flags,
                             TestMatchFunc match, TestHandleFunc handle,
                             GDestroyNotify unref);

/* Helpers that take a looked-up object (NULL when the lookup failed, the
 * error being set already) and end it. */
int test_obj_flag(gpointer obj, gsize offset);   /* a gboolean member; -1 */
gboolean test_obj_get_autostart(gpointer obj, gboolean *autostart);
gboolean test_obj_set_autostart(gpointer obj, gboolean autostart, GError **error);

/* Give a pool definition the test driver's figures (capacity 100 GiB). */
void test_pool_set_defaults(VmmStoragePoolDef *def);
/* Add volume @vol (taken over) to the locked active @pool: fills key and
 * path from the pool's target and accounts for its allocation. */
gboolean test_pool_add_volume(VmmStoragePoolObj *pool, VmmStorageVolDef *vol,
                              GError **error);

/* test_storage_stream.c: volume content. */
void test_vol_data_unref(TestVolData *data);
/* @vol was deleted: its content goes. */
void test_vol_data_forget(TestDriver *drv, const char *pool, const char *vol);
/* Connect @st to [@offset, @offset + @length) of @vol, whose capacity is
 * @capacity (@length 0: up to the capacity), for upload or download. */
gboolean test_vol_stream_open(VmmStorageVol *vol, guint64 capacity, VmmStream *st,
                              guint64 offset, guint64 length, gboolean upload,
                              GError **error);

/* The entries of the driver table, by file. */
/* test_domain.c */
GPtrArray *test_connect_list_all_domains(VmmConnect *conn, unsigned int flags, GError **error);
int test_connect_num_of_domains(VmmConnect *conn, GError **error);
int test_connect_num_of_defined_domains(VmmConnect *conn, GError **error);
VmmDomain *test_domain_lookup_by_name(VmmConnect *conn, const char *name, GError **error);
VmmDomain *test_domain_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error);
VmmDomain *test_domain_lookup_by_id(VmmConnect *conn, int id, GError **error);
VmmDomain *test_domain_define_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error);
gboolean test_domain_undefine(VmmDomain *dom, unsigned int flags, GError **error);
VmmDomain *test_domain_create_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error);
gboolean test_domain_create(VmmDomain *dom, unsigned int flags, GError **error);
gboolean test_domain_shutdown(VmmDomain *dom, unsigned int flags, GError **error);
gboolean test_domain_destroy(VmmDomain *dom, unsigned int flags, GError **error);
gboolean test_domain_reboot(VmmDomain *dom, unsigned int flags, GError **error);
gboolean test_domain_reset(VmmDomain *dom, unsigned int flags, GError **error);
gboolean test_domain_suspend(VmmDomain *dom, GError **error);
gboolean test_domain_resume(VmmDomain *dom, GError **error);
gboolean test_domain_get_info(VmmDomain *dom, VmmDomainInfo *info, GError **error);
/* The locked, referenced object of @dom (vmm_obj_end() it), or NULL. */
VmmDomainObj *test_domain_find(VmmDomain *dom, GError **error);

/* test_stats.c */
int test_domain_memory_stats(VmmDomain *dom, VmmDomainMemoryStat *stats, unsigned int nr_stats,
                             unsigned int flags, GError **error);
gboolean test_domain_block_stats(VmmDomain *dom, const char *disk, VmmTypedParameter **params,
                                 int *nparams, unsigned int flags, GError **error);
gboolean test_domain_interface_stats(VmmDomain *dom, const char *device,
                                     VmmDomainInterfaceStats *stats, GError **error);
int test_domain_get_vcpus(VmmDomain *dom, VmmVcpuInfo *info, int maxinfo,
                          unsigned char *cpumaps, int maplen, GError **error);
int test_node_get_cpu_map(VmmConnect *conn, unsigned char **cpumap, unsigned int *online,
                          unsigned int flags, GError **error);
gboolean test_domain_get_state(VmmDomain *dom, int *state, int *reason, unsigned int flags, GError **error);
char *test_domain_get_xml_desc(VmmDomain *dom, unsigned int flags, GError **error);
char *test_domain_get_os_type(VmmDomain *dom, GError **error);
gboolean test_domain_get_autostart(VmmDomain *dom, gboolean *autostart, GError **error);
gboolean test_domain_set_autostart(VmmDomain *dom, gboolean autostart, GError **error);
int test_domain_is_active(VmmDomain *dom, GError **error);
int test_domain_is_persistent(VmmDomain *dom, GError **error);
char *test_domain_get_metadata(VmmDomain *dom, int type, const char *uri, unsigned int flags, GError **error);
gboolean test_domain_set_metadata(VmmDomain *dom, int type, const char *metadata, const char *key, const char *uri, unsigned int flags, GError **error);
gboolean test_domain_attach_device(VmmDomain *dom, const char *xml, unsigned int flags, GError **error);
gboolean test_domain_detach_device(VmmDomain *dom, const char *xml, unsigned int flags, GError **error);
gboolean test_domain_update_device(VmmDomain *dom, const char *xml, unsigned int flags, GError **error);
/* test_network.c */
GPtrArray *test_connect_list_all_networks(VmmConnect *conn, unsigned int flags, GError **error);
VmmNetwork *test_network_lookup_by_name(VmmConnect *conn, const char *name, GError **error);
VmmNetwork *test_network_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error);
VmmNetwork *test_network_define_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error);
VmmNetwork *test_network_create_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error);
gboolean test_network_undefine(VmmNetwork *net, GError **error);
gboolean test_network_create(VmmNetwork *net, GError **error);
gboolean test_network_destroy(VmmNetwork *net, GError **error);
char *test_network_get_xml_desc(VmmNetwork *net, unsigned int flags, GError **error);
char *test_network_get_bridge_name(VmmNetwork *net, GError **error);
gboolean test_network_get_autostart(VmmNetwork *net, gboolean *autostart, GError **error);
gboolean test_network_set_autostart(VmmNetwork *net, gboolean autostart, GError **error);
int test_network_is_active(VmmNetwork *net, GError **error);
int test_network_is_persistent(VmmNetwork *net, GError **error);
/* test_storage.c */
GPtrArray *test_connect_list_all_storage_pools(VmmConnect *conn, unsigned int flags, GError **error);
VmmStoragePool *test_storage_pool_lookup_by_name(VmmConnect *conn, const char *name, GError **error);
VmmStoragePool *test_storage_pool_lookup_by_uuid(VmmConnect *conn, const unsigned char *uuid, GError **error);
VmmStoragePool *test_storage_pool_lookup_by_volume(VmmStorageVol *vol, GError **error);
VmmStoragePool *test_storage_pool_define_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error);
VmmStoragePool *test_storage_pool_create_xml(VmmConnect *conn, const char *xml, unsigned int flags, GError **error);
gboolean test_storage_pool_build(VmmStoragePool *pool, unsigned int flags, GError **error);
gboolean test_storage_pool_undefine(VmmStoragePool *pool, GError **error);
gboolean test_storage_pool_create(VmmStoragePool *pool, unsigned int flags, GError **error);
gboolean test_storage_pool_destroy(VmmStoragePool *pool, GError **error);
gboolean test_storage_pool_delete(VmmStoragePool *pool, unsigned int flags, GError **error);
gboolean test_storage_pool_refresh(VmmStoragePool *pool, unsigned int flags, GError **error);
gboolean test_storage_pool_get_info(VmmStoragePool *pool, VmmStoragePoolInfo *info, GError **error);
char *test_storage_pool_get_xml_desc(VmmStoragePool *pool, unsigned int flags, GError **error);
gboolean test_storage_pool_get_autostart(VmmStoragePool *pool, gboolean *autostart, GError **error);
gboolean test_storage_pool_set_autostart(VmmStoragePool *pool, gboolean autostart, GError **error);
int test_storage_pool_is_active(VmmStoragePool *pool, GError **error);
int test_storage_pool_is_persistent(VmmStoragePool *pool, GError **error);
GPtrArray *test_storage_pool_list_all_volumes(VmmStoragePool *pool, unsigned int flags, GError **error);
VmmStorageVol *test_storage_vol_lookup_by_name(VmmStoragePool *pool, const char *name, GError **error);
VmmStorageVol *test_storage_vol_lookup_by_key(VmmConnect *conn, const char *key, GError **error);
VmmStorageVol *test_storage_vol_lookup_by_path(VmmConnect *conn, const char *path, GError **error);
VmmStorageVol *test_storage_vol_create_xml(VmmStoragePool *pool, const char *xml, unsigned int flags, GError **error);
gboolean test_storage_vol_delete(VmmStorageVol *vol, unsigned int flags, GError **error);
gboolean test_storage_vol_get_info(VmmStorageVol *vol, VmmStorageVolInfo *info, GError **error);
char *test_storage_vol_get_xml_desc(VmmStorageVol *vol, unsigned int flags, GError **error);
char *test_storage_vol_get_path(VmmStorageVol *vol, GError **error);
gboolean test_storage_vol_upload(VmmStorageVol *vol, VmmStream *st, guint64 offset,
                                 guint64 length, unsigned int flags, GError **error);
gboolean test_storage_vol_download(VmmStorageVol *vol, VmmStream *st, guint64 offset,
                                   guint64 length, unsigned int flags, GError **error);

G_END_DECLS
