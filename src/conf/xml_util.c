/*
 * xml_util.c: reading and writing libvirt-style XML.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "conf/xml_util.h"
#include "util/vmm_error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <libxml/relaxng.h>
#include <libxml/xmlsave.h>
#include <libxml/xpathInternals.h>

/* libxml2 reports parse errors through a callback; the first one, with its
 * line, becomes the GError. */
typedef struct {
    char *message;
    int line;
} ParseErrorState;

static void
parse_error_cb(void *data, xmlError *err)
{
    ParseErrorState *st = data;

    if (st->message || !err || err->level < XML_ERR_ERROR)
        return;
    st->message = g_strchomp(g_strdup(err->message ? err->message : "unknown error"));
    st->line = err->line;
}

xmlDoc *
vmm_xml_parse(const char *xml, const char *url, const char *root_name,
              xmlXPathContext **ctxt, GError **error)
{
    ParseErrorState st = { NULL, 0 };
    g_autoptr(xmlDoc) doc = NULL;
    xmlNode *root;

    if (!url)
        url = "(xml)";
    if (!xml || !*xml) {
        vmm_error_set(error, VMM_ERR_XML_DETAIL, _("%s: empty XML document"), url);
        return NULL;
    }

    /* The structured error handler is per thread in libxml2, so this is
     * safe on a worker pool. */
    xmlSetStructuredErrorFunc(&st, (xmlStructuredErrorFunc)parse_error_cb);
    doc = xmlReadMemory(xml, strlen(xml), url, NULL, XML_PARSE_NONET);
    xmlSetStructuredErrorFunc(NULL, NULL);
    if (!doc || st.message) {
        vmm_error_set(error, VMM_ERR_XML_DETAIL, "%s:%d: %s", url, st.line,
                      st.message ? st.message : _("failed to parse XML document"));
        g_free(st.message);
        return NULL;
    }

    root = xmlDocGetRootElement(doc);
    if (!root || strcmp((const char *)root->name, root_name) != 0) {
        vmm_error_set(error, VMM_ERR_XML_ERROR,
                      _("%s: expecting root element of '%s', not '%s'"), url,
                      root_name, root ? (const char *)root->name : "");
        return NULL;
    }

    if (ctxt) {
        /* What xmlXPathNewContext() makes, without registering the XPath
         * functions (a tenth of the cost of defining a small domain): the
         * getters below rarely need them, and xpath_eval() registers them
         * the first time one does. */
        *ctxt = xmlMalloc(sizeof(xmlXPathContext));
        if (!*ctxt)
            g_error("out of memory");
        memset(*ctxt, 0, sizeof(xmlXPathContext));
        (*ctxt)->doc = doc;
        (*ctxt)->contextSize = -1;
        (*ctxt)->proximityPosition = -1;
        (*ctxt)->node = root;
    }
    return g_steal_pointer(&doc);
}

static void
schema_error_cb(void *data, xmlError *err)
{
    parse_error_cb(data, err);
}

gboolean
vmm_xml_validate(xmlDoc *doc, const char *schema_name, GError **error)
{
    const char *dir = g_getenv("VMM_SCHEMA_DIR");
    g_autofree char *path = NULL;
    xmlRelaxNGParserCtxtPtr pctxt;
    xmlRelaxNGPtr schema;
    xmlRelaxNGValidCtxtPtr vctxt;
    ParseErrorState st = { NULL, 0 };
    int rc;

    if (!dir)
        dir = VMM_SCHEMA_DIR;
    path = g_strdup_printf("%s/%s.rng", dir, schema_name);

    pctxt = xmlRelaxNGNewParserCtxt(path);
    schema = pctxt ? xmlRelaxNGParse(pctxt) : NULL;
    if (pctxt)
        xmlRelaxNGFreeParserCtxt(pctxt);
    if (!schema) {
        vmm_error_set(error, VMM_ERR_INTERNAL_ERROR,
                      _("cannot load RELAX NG schema '%s'"), path);
        return FALSE;
    }

    vctxt = xmlRelaxNGNewValidCtxt(schema);
    xmlRelaxNGSetValidStructuredErrors(vctxt, (xmlStructuredErrorFunc)schema_error_cb, &st);
    rc = xmlRelaxNGValidateDoc(vctxt, doc);
    xmlRelaxNGFreeValidCtxt(vctxt);
    xmlRelaxNGFree(schema);

    if (rc != 0) {
        vmm_error_set(error, VMM_ERR_XML_INVALID_SCHEMA, "%s:%d: %s",
                      doc->URL ? (const char *)doc->URL : "(xml)", st.line,
                      st.message ? st.message : _("document does not match the schema"));
        g_free(st.message);
        return FALSE;
    }
    g_free(st.message);
    return TRUE;
}

char *
vmm_xml_prop(const xmlNode *node, const char *name)
{
    xmlChar *val = xmlGetProp(node, (const xmlChar *)name);
    char *ret;

    if (!val)
        return NULL;
    ret = g_strdup((const char *)val);
    xmlFree(val);
    return ret;
}

/* libxml2's evaluation of @expr; registers the XPath functions in a
 * context vmm_xml_parse() made, on its first use. */
static xmlXPathObject *
xpath_eval(xmlXPathContext *ctxt, const char *expr)
{
    if (!ctxt->funcHash) {
        xmlXPathRegisterAllFunctions(ctxt);
        xmlXPathContextSetCache(ctxt, 1, -1, 0);
    }
    return xmlXPathEval((const xmlChar *)expr, ctxt);
}

/*
 * The parsers' paths are nearly all plain child steps ("./os/type[1]",
 * "./source/host/@port", "string(./@state)").  Those are walked here
 * directly: libxml2's XPath engine compiles and evaluates every expression
 * afresh, which was half of the CPU time of parsing a domain.  Anything else
 * (other axes, predicates, functions, prefixed names) goes to xmlXPathEval().
 *
 * The walk keeps XPath's meaning: a name test matches elements (or
 * attributes) of that name in no namespace; "[1]" keeps the first match
 * under each parent; results come in document order (child steps from
 * parents in document order stay in it).
 */
#define FAST_PATH_MAX_STEPS 8

typedef struct {
    const char *name;       /* not NUL-terminated: len bytes */
    gsize len;
    gboolean first;         /* [1] */
    gboolean attr;          /* @name: only as the last step */
} FastStep;

static gboolean
fast_name_char(char c, gboolean first)
{
    return g_ascii_isalpha(c) || c == '_' || (!first && (g_ascii_isdigit(c) || c == '-' ||
                                                         c == '.'));
}

/* Split @xpath into steps; FALSE when it is not a path this walker takes. */
static gboolean
fast_path_compile(const char *xpath, gsize xlen, FastStep *steps, int *nsteps)
{
    const char *p = xpath;
    const char *end = xpath + xlen;
    int n = 0;

    if (end - p >= 2 && p[0] == '.' && p[1] == '/')
        p += 2;
    if (p == end)
        return FALSE;
    for (;;) {
        FastStep *st;
        const char *start;

        if (n == FAST_PATH_MAX_STEPS)
            return FALSE;
        st = &steps[n++];
        st->first = FALSE;
        st->attr = FALSE;
        if (*p == '@') {
            st->attr = TRUE;
            p++;
        }
        start = p;
        if (p == end || !fast_name_char(*p, TRUE))
            return FALSE;
        while (p < end && fast_name_char(*p, FALSE))
            p++;
        st->name = start;
        st->len = p - start;
        if (end - p >= 3 && p[0] == '[' && p[1] == '1' && p[2] == ']') {
            st->first = TRUE;
            p += 3;
        }
        if (p == end)
            break;
        if (*p != '/' || st->attr)
            return FALSE;
        p++;
    }
    /* "@a[1]" would be an XPath predicate on an attribute: leave it. */
    if (steps[n - 1].attr && steps[n - 1].first)
        return FALSE;
    *nsteps = n;
    return TRUE;
}

static gboolean
fast_name_is(const xmlChar *name, const FastStep *st)
{
    return strncmp((const char *)name, st->name, st->len) == 0 && name[st->len] == '\0';
}

/* Where the walker puts what it finds: all matches in @all, or only the
 * first when @all is NULL. */
typedef struct {
    GPtrArray *all;
    gpointer first;
} FastMatches;

static void
fast_match(FastMatches *m, gpointer node)
{
    if (!m->first)
        m->first = node;
    if (m->all)
        g_ptr_array_add(m->all, node);
}

/* Collect the matches of steps[i..] under @node. */
static void
fast_path_walk(xmlNode *node, const FastStep *steps, int i, int nsteps, FastMatches *m)
{
    const FastStep *st = &steps[i];

    if (st->attr) {
        for (xmlAttr *a = node->properties; a; a = a->next) {
            if (!a->ns && fast_name_is(a->name, st)) {
                fast_match(m, a);
                return;
            }
        }
        return;
    }
    for (xmlNode *c = node->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE || c->ns || !fast_name_is(c->name, st))
            continue;
        if (i + 1 == nsteps)
            fast_match(m, c);
        else
            fast_path_walk(c, steps, i + 1, nsteps, m);
        if (st->first || (!m->all && m->first))
            return;
    }
}

/*
 * The nodes @xpath selects from ctxt->node, in document order, into @m.
 * FALSE when the walker does not take this expression.
 */
static gboolean
fast_path_eval(xmlXPathContext *ctxt, const char *xpath, gsize xlen, FastMatches *m)
{
    FastStep steps[FAST_PATH_MAX_STEPS];
    int nsteps;

    if (!ctxt->node || ctxt->node->type != XML_ELEMENT_NODE ||
        !fast_path_compile(xpath, xlen, steps, &nsteps))
        return FALSE;
    fast_path_walk(ctxt->node, steps, 0, nsteps, m);
    return TRUE;
}

/* XPath's string value of @node (xmlXPathCastNodeToString()'s rule). */
static char *
fast_string_value(xmlNode *node)
{
    xmlChar *content = xmlNodeGetContent(node);
    char *ret = NULL;

    if (content && content[0])
        ret = g_strdup((const char *)content);
    xmlFree(content);
    return ret;
}

char *
vmm_xml_string(xmlXPathContext *ctxt, const char *xpath)
{
    gsize xlen = strlen(xpath);
    const char *inner = xpath;
    gsize ilen = xlen;
    FastMatches m = { NULL, NULL };

    if (g_str_has_prefix(xpath, "string(") && xpath[xlen - 1] == ')') {
        inner = xpath + 7;
        ilen = xlen - 8;
    }
    if (fast_path_eval(ctxt, inner, ilen, &m))
        return m.first ? fast_string_value(m.first) : NULL;

    g_autofree char *expr = g_strdup_printf("string(%s)", xpath);
    g_autoptr(xmlXPathObject) obj = xpath_eval(ctxt, expr);

    if (!obj || obj->type != XPATH_STRING || !obj->stringval || !obj->stringval[0])
        return NULL;
    return g_strdup((const char *)obj->stringval);
}

int
vmm_xml_nodes(xmlXPathContext *ctxt, const char *xpath, xmlNode ***list)
{
    g_autoptr(GPtrArray) found = g_ptr_array_new();
    FastMatches m = { found, NULL };
    g_autoptr(xmlXPathObject) obj = NULL;
    int n;

    if (list)
        *list = NULL;
    if (fast_path_eval(ctxt, xpath, strlen(xpath), &m)) {
        n = found->len;
        if (list && n > 0)
            *list = (xmlNode **)g_ptr_array_steal(found, NULL);
        return n;
    }

    obj = xpath_eval(ctxt, xpath);
    if (!obj || obj->type != XPATH_NODESET || !obj->nodesetval)
        return 0;
    n = obj->nodesetval->nodeNr;
    if (list && n > 0) {
        *list = g_new(xmlNode *, n);
        memcpy(*list, obj->nodesetval->nodeTab, n * sizeof(xmlNode *));
    }
    return n;
}

xmlNode *
vmm_xml_node(xmlXPathContext *ctxt, const char *xpath)
{
    FastMatches m = { NULL, NULL };
    g_autoptr(xmlXPathObject) obj = NULL;

    if (fast_path_eval(ctxt, xpath, strlen(xpath), &m))
        return m.first;

    obj = xpath_eval(ctxt, xpath);
    if (!obj || obj->type != XPATH_NODESET || !obj->nodesetval ||
        obj->nodesetval->nodeNr == 0)
        return NULL;
    return obj->nodesetval->nodeTab[0];
}

gboolean
vmm_str_is_word(const char *str, gboolean lower_only, const char *extra)
{
    if (!str || !*str)
        return FALSE;
    for (const char *p = str; *p; p++) {
        if (g_ascii_isdigit(*p) || g_ascii_islower(*p) || (!lower_only && g_ascii_isupper(*p)))
            continue;
        if (!strchr(extra, *p))
            return FALSE;
    }
    return TRUE;
}

gboolean
vmm_xml_parse_uint(const char *str, const char *what, guint64 max,
                   guint64 *out, GError **error)
{
    char *end = NULL;
    guint64 v;

    if (!str || !g_ascii_isdigit(*str)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '%s' for %s"),
                      str ? str : "", what);
        return FALSE;
    }
    errno = 0;
    v = g_ascii_strtoull(str, &end, 0);
    if (errno != 0 || *end != '\0' || (max && v > max)) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '%s' for %s"), str, what);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

gboolean
vmm_xml_parse_int(const char *str, const char *what, gint64 *out, GError **error)
{
    char *end = NULL;
    gint64 v;

    if (!str || !*str) {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '%s' for %s"),
                      str ? str : "", what);
        return FALSE;
    }
    errno = 0;
    v = g_ascii_strtoll(str, &end, 10);
    if (errno != 0 || *end != '\0') {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '%s' for %s"), str, what);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

long
vmm_xml_node_line(const xmlNode *node)
{
    return node ? xmlGetLineNo(node) : 0;
}

char *
vmm_xml_node_dump(xmlNode *node)
{
    g_autoptr(xmlBuffer) xbuf = xmlBufferCreate();
    char *ret;

    /* xmlNodeDump emits in-scope namespace declarations needed by @node. */
    xmlNodeDump(xbuf, node->doc, node, 0, 0);
    ret = g_strdup((const char *)xmlBufferContent(xbuf));
    return ret;
}

int
vmm_enum_from_string(const char *const *table, const char *str)
{
    if (!str)
        return -1;
    for (int i = 0; table[i]; i++) {
        if (strcmp(table[i], str) == 0)
            return i;
    }
    return -1;
}

const char *
vmm_enum_to_string(const char *const *table, int value)
{
    if (value < 0)
        return NULL;
    for (int i = 0; table[i]; i++) {
        if (i == value)
            return table[i];
    }
    return NULL;
}

gboolean
vmm_xml_enum(const char *str, const char *const *table, const char *what,
             int dflt, int *out, GError **error)
{
    int v;

    if (!str) {
        *out = dflt;
        return TRUE;
    }
    v = vmm_enum_from_string(table, str);
    if (v < 0) {
        vmm_error_set(error, VMM_ERR_CONFIG_UNSUPPORTED, _("unknown %s '%s'"), what, str);
        return FALSE;
    }
    *out = v;
    return TRUE;
}

gboolean
vmm_xml_tristate(const char *str, const char *what, VmmTristate *out, GError **error)
{
    if (!str)
        *out = VMM_TRISTATE_ABSENT;
    else if (strcmp(str, "yes") == 0 || strcmp(str, "on") == 0)
        *out = VMM_TRISTATE_YES;
    else if (strcmp(str, "no") == 0 || strcmp(str, "off") == 0)
        *out = VMM_TRISTATE_NO;
    else {
        vmm_error_set(error, VMM_ERR_XML_ERROR, _("invalid value '%s' for %s"), str, what);
        return FALSE;
    }
    return TRUE;
}

const char *
vmm_tristate_yesno(VmmTristate t)
{
    return t == VMM_TRISTATE_YES ? "yes" : t == VMM_TRISTATE_NO ? "no" : NULL;
}

const char *
vmm_tristate_onoff(VmmTristate t)
{
    return t == VMM_TRISTATE_YES ? "on" : t == VMM_TRISTATE_NO ? "off" : NULL;
}

void
vmm_buf_indent(GString *buf, int indent)
{
    static const char spaces[] = "                                ";

    for (; indent > (int)sizeof(spaces) - 1; indent -= sizeof(spaces) - 1)
        g_string_append_len(buf, spaces, sizeof(spaces) - 1);
    if (indent > 0)
        g_string_append_len(buf, spaces, indent);
}

void
vmm_buf_escape(GString *buf, const char *text)
{
    const char *run = text;

    /* Runs without special characters go in one append. */
    for (const char *p = text; *p; p++) {
        const char *ent;

        switch (*p) {
        case '<': ent = "&lt;"; break;
        case '>': ent = "&gt;"; break;
        case '&': ent = "&amp;"; break;
        case '\'': ent = "&apos;"; break;
        case '"': ent = "&quot;"; break;
        default: continue;
        }
        g_string_append_len(buf, run, p - run);
        g_string_append(buf, ent);
        run = p + 1;
    }
    g_string_append(buf, run);
}

void
vmm_buf_attr(GString *buf, const char *name, const char *value)
{
    if (!value)
        return;
    g_string_append_c(buf, ' ');
    g_string_append(buf, name);
    g_string_append(buf, "='");
    vmm_buf_escape(buf, value);
    g_string_append_c(buf, '\'');
}

void
vmm_buf_attr_printf(GString *buf, const char *name, const char *fmt, ...)
{
    g_autofree char *value = NULL;
    va_list ap;

    va_start(ap, fmt);
    value = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    vmm_buf_attr(buf, name, value);
}

void
vmm_buf_text_elem(GString *buf, int indent, const char *name, const char *text)
{
    if (!text)
        return;
    vmm_buf_indent(buf, indent);
    g_string_append_c(buf, '<');
    g_string_append(buf, name);
    g_string_append_c(buf, '>');
    vmm_buf_escape(buf, text);
    g_string_append(buf, "</");
    g_string_append(buf, name);
    g_string_append(buf, ">\n");
}

void
vmm_buf_fragment(GString *buf, int indent, const char *xml)
{
    g_auto(GStrv) lines = g_strsplit(xml, "\n", -1);
    int base = -1;

    /* Continuation lines keep their indentation relative to the shallowest
     * continuation line, so nested content stays readable. */
    for (int i = 1; lines[i]; i++) {
        int lead = strspn(lines[i], " ");
        if (lines[i][lead] && (base < 0 || lead < base))
            base = lead;
    }
    for (int i = 0; lines[i]; i++) {
        const char *line = lines[i];
        if (i > 0) {
            int lead = strspn(line, " ");
            if (!line[lead])
                continue;
            line += MIN(lead, base > 0 ? base : 0);
        } else {
            line += strspn(line, " ");
        }
        vmm_buf_indent(buf, indent);
        g_string_append(buf, line);
        g_string_append_c(buf, '\n');
    }
}
