/*
 * xml_util.h: reading and writing libvirt-style XML.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Parsers take an xmlXPathContext whose node is the object's root and read
 * with the getters below; formatters append to a GString with two-space
 * indentation, escaping every attribute and text value.
 */
#pragma once

#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xpath.h>

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlBuffer, xmlBufferFree)

/*
 * Parse @xml.  @url names the document in error messages ("(domain_definition)"
 * or a file name).  The root element must be @root_name.  On success returns
 * the document and, when @ctxt is non-NULL, an XPath context positioned at
 * the root.  Malformed XML fails with VMM_ERR_XML_DETAIL and a message
 * naming the line: "XML error: (domain_definition):3: ...".
 */
xmlDoc *vmm_xml_parse(const char *xml, const char *url, const char *root_name,
                      xmlXPathContext **ctxt, GError **error);

/* Validate @doc against schemas/NAME.rng.  The schema directory is
 * $VMM_SCHEMA_DIR or the build-time default. */
gboolean vmm_xml_validate(xmlDoc *doc, const char *schema_name, GError **error);

/* Attribute @name of @node, newly allocated, or NULL when absent. */
char *vmm_xml_prop(const xmlNode *node, const char *name);

/* The string value of @xpath (an attribute, a text, or string(...)) relative
 * to ctxt->node, newly allocated, or NULL when it is empty or absent. */
char *vmm_xml_string(xmlXPathContext *ctxt, const char *xpath);

/* Nodes matching @xpath relative to ctxt->node.  Returns the count and, if
 * @list is non-NULL, a g_new array of borrowed nodes in *@list. */
int vmm_xml_nodes(xmlXPathContext *ctxt, const char *xpath, xmlNode ***list);

/* The first node matching @xpath, or NULL. */
xmlNode *vmm_xml_node(xmlXPathContext *ctxt, const char *xpath);

/* Parse an unsigned/signed integer value; @what names it in the error:
 * "invalid value 'abc' for memory".  Decimal (or 0x hex when @base16_ok). */
gboolean vmm_xml_parse_uint(const char *str, const char *what, guint64 max,
                            guint64 *out, GError **error);
gboolean vmm_xml_parse_int(const char *str, const char *what, gint64 *out,
                           GError **error);

/* The line of @node in its document, or 0. */
long vmm_xml_node_line(const xmlNode *node);

/* Serialize @node and its subtree verbatim (namespaces kept). */
char *vmm_xml_node_dump(xmlNode *node);

/* Enum tables: NULL-terminated arrays of strings indexed by value. */
int vmm_enum_from_string(const char *const *table, const char *str);
const char *vmm_enum_to_string(const char *const *table, int value);

/* Parse an enum attribute; absent gives @dflt; unknown fails quoting it:
 * "unknown disk bus 'floppy2'". @what is the phrase before the value. */
gboolean vmm_xml_enum(const char *str, const char *const *table, const char *what,
                      int dflt, int *out, GError **error);

/* TRUE when @str is not empty and each of its characters is an ASCII digit,
 * a letter (lower case only when @lower_only) or one of @extra: the shape
 * of names such as a disk format or a NIC model. */
gboolean vmm_str_is_word(const char *str, gboolean lower_only, const char *extra);

/* "yes"/"no" and "on"/"off" tristates: 0 absent, 1 yes/on, 2 no/off. */
typedef enum { VMM_TRISTATE_ABSENT = 0, VMM_TRISTATE_YES, VMM_TRISTATE_NO } VmmTristate;
gboolean vmm_xml_tristate(const char *str, const char *what, VmmTristate *out,
                          GError **error);
const char *vmm_tristate_yesno(VmmTristate t);
const char *vmm_tristate_onoff(VmmTristate t);

/* ---- formatting ---- */

void vmm_buf_indent(GString *buf, int indent);
/* Append @text XML-escaped. */
void vmm_buf_escape(GString *buf, const char *text);
/* Append " name='value'" (escaped) when @value is non-NULL. */
void vmm_buf_attr(GString *buf, const char *name, const char *value);
void vmm_buf_attr_printf(GString *buf, const char *name, const char *fmt, ...)
    G_GNUC_PRINTF(3, 4);
/* Append "<name>text</name>\n" at @indent when @text is non-NULL. */
void vmm_buf_text_elem(GString *buf, int indent, const char *name, const char *text);
/* Append a verbatim XML fragment (possibly multi-line), re-indented so its
 * first line starts at @indent. */
void vmm_buf_fragment(GString *buf, int indent, const char *xml);

G_END_DECLS
