/*
 * domain_device_priv.h: helpers shared by the domain_device*.c files, and
 * the per-kind parse/format/free functions that domain_device.c dispatches to.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "conf/domain_device.h"
#include "util/vmm_error.h"

G_BEGIN_DECLS

/* ---- small readers over an element's attributes and children ---- */

/* The first child element of @node named @name, or NULL. */
xmlNode *dev_child(const xmlNode *node, const char *name);
/* TRUE when @node is an element named @name. */
gboolean dev_is(const xmlNode *node, const char *name);
/* Attribute @attr of @node as an index in @table; absent gives @dflt;
 * unknown fails: "unknown <what> 'X'". */
gboolean dev_enum_attr(const xmlNode *node, const char *attr, const char *const *table,
                       const char *what, int dflt, int *out, GError **error);
/* Attribute @attr as an integer in [@min, @max] (decimal or 0x hex);
 * absent leaves @dflt.  Fails: "invalid value 'X' for <what>". */
gboolean dev_int_attr(const xmlNode *node, const char *attr, const char *what,
                      gint64 min, gint64 max, int dflt, int *out, GError **error);
gboolean dev_tristate_attr(const xmlNode *node, const char *attr, const char *what,
                           VmmTristate *out, GError **error);
/* Check @str (may be NULL) is one of @table, else fail "unknown <what> 'X'". */
gboolean dev_check_enum(const char *str, const char *const *table, const char *what,
                        GError **error);

/* Append " name='N'" when @value >= 0. */
void dev_buf_int(GString *buf, const char *name, int value);
/* Append " name='table[value]'" when @value is in the table. */
void dev_buf_enum(GString *buf, const char *name, const char *const *table, int value);

/* ---- <boot>, <alias>, <address> ---- */

/* Read the info children of @node; <boot> only when @boot_ok. */
gboolean dev_info_parse(const xmlNode *node, VmmDeviceInfo *info, gboolean boot_ok,
                        GError **error);
void dev_info_format(GString *buf, int indent, const VmmDeviceInfo *info,
                     unsigned int flags);
void dev_info_clear(VmmDeviceInfo *info);
gboolean dev_info_is_empty(const VmmDeviceInfo *info, unsigned int flags);
gboolean dev_address_parse(const xmlNode *node, VmmDeviceAddress *addr, GError **error);
/* PCI address fields without type (hostdev <source><address>). */
gboolean dev_pci_fields_parse(const xmlNode *node, unsigned int *domain,
                              unsigned int *bus, unsigned int *slot,
                              unsigned int *function, GError **error);
void dev_pci_fields_format(GString *buf, unsigned int domain, unsigned int bus,
                           unsigned int slot, unsigned int function);

/* Close an element: "/>\n" when @body is empty, else ">\n" + body + "</name>\n". */
void dev_buf_close(GString *buf, int indent, const char *name, const GString *body);

/* ---- character device sources (chardevs, redirdev, rng egd) ---- */

gboolean dev_chr_source_parse(const xmlNode *node, VmmChrSource *src, GError **error);
/* Append the <source>/<protocol> children of a chardev backend; @flags
 * are VmmDomainDefFormatFlags. */
void dev_chr_source_format(GString *buf, int indent, const VmmChrSource *src,
                           unsigned int flags);
void dev_chr_source_clear(VmmChrSource *src);

/* ---- per kind ---- */

VmmDomainDiskDef *dev_disk_parse(const xmlNode *node, GError **error);
void dev_disk_format(GString *buf, int indent, const VmmDomainDiskDef *def,
                     unsigned int flags);
void dev_disk_free(VmmDomainDiskDef *def);
void dev_disk_post_parse(VmmDomainDiskDef *def);
gboolean dev_disks_validate(GPtrArray *disks, GError **error);

VmmDomainNetDef *dev_net_parse(const xmlNode *node, GError **error);
void dev_net_format(GString *buf, int indent, const VmmDomainNetDef *def,
                    unsigned int flags);
void dev_net_free(VmmDomainNetDef *def);

VmmDomainChrDef *dev_chr_parse(const xmlNode *node, VmmChrDeviceType devtype,
                               GError **error);
void dev_chr_format(GString *buf, int indent, const VmmDomainChrDef *def,
                    unsigned int flags);
void dev_chr_free(VmmDomainChrDef *def);
void dev_chrs_post_parse(GPtrArray *chrs);

VmmDomainControllerDef *dev_controller_parse(const xmlNode *node, GError **error);
void dev_controller_format(GString *buf, int indent, const VmmDomainControllerDef *def,
                           unsigned int flags);
void dev_controller_free(VmmDomainControllerDef *def);
void dev_controllers_post_parse(GPtrArray *controllers);
gboolean dev_controllers_validate(GPtrArray *controllers, GError **error);

/* Defaults for graphics listens, input buses and video heads/primary. */
void dev_misc_post_parse(VmmDomainDevices *devs, const char *arch);

VmmDomainGraphicsDef *dev_graphics_parse(const xmlNode *node, GError **error);
void dev_graphics_format(GString *buf, int indent, const VmmDomainGraphicsDef *def,
                         unsigned int flags);
void dev_graphics_free(VmmDomainGraphicsDef *def);

VmmDomainVideoDef *dev_video_parse(const xmlNode *node, GError **error);
void dev_video_format(GString *buf, int indent, const VmmDomainVideoDef *def,
                      unsigned int flags);
void dev_video_free(VmmDomainVideoDef *def);

VmmDomainInputDef *dev_input_parse(const xmlNode *node, GError **error);
void dev_input_format(GString *buf, int indent, const VmmDomainInputDef *def,
                      unsigned int flags);
void dev_input_free(VmmDomainInputDef *def);

VmmDomainSoundDef *dev_sound_parse(const xmlNode *node, GError **error);
void dev_sound_format(GString *buf, int indent, const VmmDomainSoundDef *def,
                      unsigned int flags);
void dev_sound_free(VmmDomainSoundDef *def);

VmmDomainAudioDef *dev_audio_parse(const xmlNode *node, GError **error);
void dev_audio_format(GString *buf, int indent, const VmmDomainAudioDef *def,
                      unsigned int flags);
void dev_audio_free(VmmDomainAudioDef *def);

VmmDomainMemballoonDef *dev_memballoon_parse(const xmlNode *node, GError **error);
void dev_memballoon_format(GString *buf, int indent, const VmmDomainMemballoonDef *def,
                           unsigned int flags);
void dev_memballoon_free(VmmDomainMemballoonDef *def);

VmmDomainRngDef *dev_rng_parse(const xmlNode *node, GError **error);
void dev_rng_format(GString *buf, int indent, const VmmDomainRngDef *def,
                    unsigned int flags);
void dev_rng_free(VmmDomainRngDef *def);

VmmDomainWatchdogDef *dev_watchdog_parse(const xmlNode *node, GError **error);
void dev_watchdog_format(GString *buf, int indent, const VmmDomainWatchdogDef *def,
                         unsigned int flags);
void dev_watchdog_free(VmmDomainWatchdogDef *def);

VmmDomainTpmDef *dev_tpm_parse(const xmlNode *node, GError **error);
void dev_tpm_format(GString *buf, int indent, const VmmDomainTpmDef *def,
                    unsigned int flags);
void dev_tpm_free(VmmDomainTpmDef *def);

VmmDomainRedirdevDef *dev_redirdev_parse(const xmlNode *node, GError **error);
void dev_redirdev_format(GString *buf, int indent, const VmmDomainRedirdevDef *def,
                         unsigned int flags);
void dev_redirdev_free(VmmDomainRedirdevDef *def);

VmmDomainHostdevDef *dev_hostdev_parse(const xmlNode *node, GError **error);
void dev_hostdev_format(GString *buf, int indent, const VmmDomainHostdevDef *def,
                        unsigned int flags);
void dev_hostdev_free(VmmDomainHostdevDef *def);

VmmDomainFsDef *dev_fs_parse(const xmlNode *node, GError **error);
void dev_fs_format(GString *buf, int indent, const VmmDomainFsDef *def,
                   unsigned int flags);
void dev_fs_free(VmmDomainFsDef *def);
gboolean dev_fss_validate(GPtrArray *fss, GError **error);

VmmDomainPanicDef *dev_panic_parse(const xmlNode *node, GError **error);
void dev_panic_format(GString *buf, int indent, const VmmDomainPanicDef *def,
                      unsigned int flags);
void dev_panic_free(VmmDomainPanicDef *def);

VmmDomainVsockDef *dev_vsock_parse(const xmlNode *node, GError **error);
void dev_vsock_format(GString *buf, int indent, const VmmDomainVsockDef *def,
                      unsigned int flags);
void dev_vsock_free(VmmDomainVsockDef *def);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainDiskDef, dev_disk_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainNetDef, dev_net_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainChrDef, dev_chr_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainControllerDef, dev_controller_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainGraphicsDef, dev_graphics_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainVideoDef, dev_video_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainInputDef, dev_input_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainSoundDef, dev_sound_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainAudioDef, dev_audio_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainMemballoonDef, dev_memballoon_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainRngDef, dev_rng_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainWatchdogDef, dev_watchdog_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainTpmDef, dev_tpm_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainRedirdevDef, dev_redirdev_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainHostdevDef, dev_hostdev_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainFsDef, dev_fs_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainPanicDef, dev_panic_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VmmDomainVsockDef, dev_vsock_free)

G_END_DECLS
