/*
 * driver.c: object handles shared by every driver.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "driver.h"

#include <string.h>

VmmDomain *
vmm_domain_new_handle(VmmConnect *conn, const char *name, const unsigned char *uuid, int id)
{
    VmmDomain *dom = g_new0(VmmDomain, 1);

    dom->ref = 1;
    dom->conn = vmm_connect_ref(conn);
    dom->name = g_strdup(name);
    memcpy(dom->uuid, uuid, VMM_UUID_BUFLEN);
    dom->id = id;
    return dom;
}

VmmNetwork *
vmm_network_new_handle(VmmConnect *conn, const char *name, const unsigned char *uuid)
{
    VmmNetwork *net = g_new0(VmmNetwork, 1);

    net->ref = 1;
    net->conn = vmm_connect_ref(conn);
    net->name = g_strdup(name);
    memcpy(net->uuid, uuid, VMM_UUID_BUFLEN);
    return net;
}

VmmStoragePool *
vmm_storage_pool_new_handle(VmmConnect *conn, const char *name, const unsigned char *uuid)
{
    VmmStoragePool *pool = g_new0(VmmStoragePool, 1);

    pool->ref = 1;
    pool->conn = vmm_connect_ref(conn);
    pool->name = g_strdup(name);
    memcpy(pool->uuid, uuid, VMM_UUID_BUFLEN);
    return pool;
}

VmmStorageVol *
vmm_storage_vol_new_handle(VmmConnect *conn, const char *pool, const char *name,
                           const char *key)
{
    VmmStorageVol *vol = g_new0(VmmStorageVol, 1);

    vol->ref = 1;
    vol->conn = vmm_connect_ref(conn);
    vol->pool = g_strdup(pool);
    vol->name = g_strdup(name);
    vol->key = g_strdup(key);
    return vol;
}

/* ref/unref and identity getters, the same for every handle kind. */
#define HANDLE_REFCOUNT(Type, prefix, ...) \
    Type *prefix##_ref(Type *h) \
    { \
        g_atomic_int_inc(&h->ref); \
        return h; \
    } \
    void prefix##_unref(Type *h) \
    { \
        if (!h || !g_atomic_int_dec_and_test(&h->ref)) \
            return; \
        __VA_ARGS__; \
        g_free(h->name); \
        vmm_connect_unref(h->conn); \
        g_free(h); \
    } \
    const char *prefix##_get_name(Type *h) { return h->name; } \
    VmmConnect *prefix##_get_connect(Type *h) { return h->conn; }

#define HANDLE_UUID(Type, prefix) \
    const unsigned char *prefix##_get_uuid(Type *h) { return h->uuid; } \
    char *prefix##_get_uuid_string(Type *h, char *buf) { return vmm_uuid_format(h->uuid, buf); }

HANDLE_REFCOUNT(VmmDomain, vmm_domain)
HANDLE_UUID(VmmDomain, vmm_domain)
HANDLE_REFCOUNT(VmmNetwork, vmm_network)
HANDLE_UUID(VmmNetwork, vmm_network)
HANDLE_REFCOUNT(VmmStoragePool, vmm_storage_pool)
HANDLE_UUID(VmmStoragePool, vmm_storage_pool)
HANDLE_REFCOUNT(VmmStorageVol, vmm_storage_vol, g_free(h->pool); g_free(h->key))

int
vmm_domain_get_id(VmmDomain *dom)
{
    return dom->id;
}

const char *
vmm_storage_vol_get_key(VmmStorageVol *vol)
{
    return vol->key;
}

const char *
vmm_storage_vol_get_pool_name(VmmStorageVol *vol)
{
    return vol->pool;
}
