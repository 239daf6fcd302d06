/*
 * xml_util_test.c: vmm_xml_string(), vmm_xml_nodes() and vmm_xml_node()
 * walk plain child paths themselves; every answer must be the one
 * libxml2's XPath engine gives for the same expression.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "testutils.h"
#include "conf/xml_util.h"

#include <string.h>
#include <libxml/xpathInternals.h>

static const char doc_xml[] =
    "<domain type='kvm' xmlns:app='urn:app'>\n"
    "  <name>  </name>\n"
    "  <title>first <b>bold</b> tail</title>\n"
    "  <title>second</title>\n"
    "  <app:title>namespaced</app:title>\n"
    "  <os>\n"
    "    <type arch='x86_64' app:arch='ns'>hvm</type>\n"
    "    <type arch='i686'>xen</type>\n"
    "    <boot dev='hd'/><boot dev='cdrom'/>\n"
    "  </os>\n"
    "  <os><type arch='aarch64'/><boot dev='network'/></os>\n"
    "  <devices>\n"
    "    <disk device='disk'><target dev='vda'/><target dev='vdb'/></disk>\n"
    "    <disk device='cdrom'><target dev='hdc'/></disk>\n"
    "    <interface-x type='x'/>\n"
    "    <empty attr=''/>\n"
    "  </devices>\n"
    "  <uuid><![CDATA[cdata-text]]></uuid>\n"
    "  <on_crash xmlns='urn:other'>destroy</on_crash>\n"
    "</domain>\n";

/* Paths the walker takes, and some it must leave to XPath. */
static const char *const paths[] = {
    "./name", "./title", "./title[1]", "title", "./app:title", "./os", "./os[1]",
    "./os/type", "./os/type[1]", "./os[1]/type", "./os/type/@arch", "./os/type[1]/@arch",
    "./os/type/@app:arch", "./os/boot", "./os/boot/@dev", "./os/boot[1]/@dev",
    "./devices/disk/target/@dev", "./devices/disk[1]/target", "./devices/disk/target[1]",
    "./devices/interface-x/@type", "./devices/empty/@attr", "./devices/empty",
    "./uuid", "./on_crash", "./@type", "@type", "./@missing", "./missing",
    "./missing/deeper/@x", "./os/type[2]", "./os/type[last()]", ".", "./*", "./os//boot",
    "./os/boot[@dev='cdrom']", "./a/b/c/d/e/f/g/h/i", "./os/type/text()",
    "string(./os/type/@arch)", "string(./title)",
};

static xmlXPathObject *
xpath_eval(xmlXPathContext *ctxt, const char *expr)
{
    return xmlXPathEval((const xmlChar *)expr, ctxt);
}

static void
check_path(xmlXPathContext *ctxt, const char *path)
{
    g_autofree char *sexpr = g_strdup_printf("string(%s)", path);
    g_autoptr(xmlXPathObject) sobj = xpath_eval(ctxt, sexpr);
    g_autofree char *str = vmm_xml_string(ctxt, path);
    const char *want = sobj && sobj->stringval && sobj->stringval[0] ?
                       (const char *)sobj->stringval : NULL;

    if (g_strcmp0(str, want) != 0)
        g_error("vmm_xml_string(%s): '%s', XPath says '%s'", path, str, want);

    /* Node sets only for expressions that are node sets. */
    if (g_str_has_prefix(path, "string("))
        return;
    g_autoptr(xmlXPathObject) nobj = xpath_eval(ctxt, path);
    g_autofree xmlNode **nodes = NULL;
    int n = vmm_xml_nodes(ctxt, path, &nodes);
    int want_n = nobj && nobj->type == XPATH_NODESET && nobj->nodesetval ?
                 nobj->nodesetval->nodeNr : 0;

    if (n != want_n)
        g_error("vmm_xml_nodes(%s): %d nodes, XPath says %d", path, n, want_n);
    for (int i = 0; i < n; i++) {
        if (nodes[i] != nobj->nodesetval->nodeTab[i])
            g_error("vmm_xml_nodes(%s): node %d differs from XPath's", path, i);
    }
    g_assert_true(vmm_xml_node(ctxt, path) == (n ? nobj->nodesetval->nodeTab[0] : NULL));
}

static void
test_same_as_xpath(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlDoc) doc = vmm_xml_parse(doc_xml, "(test)", "domain", &ctxt, &err);
    xmlNode *root;

    g_assert_no_error(err);
    /* vmm_xml_parse() leaves registering XPath's functions to the first
     * expression that needs them; these direct evaluations do. */
    xmlXPathRegisterAllFunctions(ctxt);
    xmlXPathRegisterNs(ctxt, (const xmlChar *)"app", (const xmlChar *)"urn:app");
    root = ctxt->node;
    for (size_t i = 0; i < G_N_ELEMENTS(paths); i++)
        check_path(ctxt, paths[i]);

    /* Relative to an inner node, as the device parsers use them. */
    ctxt->node = vmm_xml_node(ctxt, "./devices[1]");
    g_assert_nonnull(ctxt->node);
    for (size_t i = 0; i < G_N_ELEMENTS(paths); i++)
        check_path(ctxt, paths[i]);
    check_path(ctxt, "./disk/@device");
    check_path(ctxt, "./disk[1]/target/@dev");
    ctxt->node = root;
}

static void
test_known_answers(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(xmlXPathContext) ctxt = NULL;
    g_autoptr(xmlDoc) doc = vmm_xml_parse(doc_xml, "(test)", "domain", &ctxt, &err);
    g_autofree char *title = NULL;
    g_autofree char *arch = NULL;
    g_autofree char *crash = NULL;
    g_autofree char *name = NULL;
    g_autofree xmlNode **boots = NULL;

    g_assert_no_error(err);
    /* The first expression needing XPath's functions, on a fresh context. */
    g_assert_cmpint(vmm_xml_nodes(ctxt, "./os/boot[@dev='cdrom' and position() = 2]", NULL),
                    ==, 1);
    title = vmm_xml_string(ctxt, "./title");
    g_assert_cmpstr(title, ==, "first bold tail");
    arch = vmm_xml_string(ctxt, "./os/type[1]/@arch");
    g_assert_cmpstr(arch, ==, "x86_64");
    /* In another namespace: not ./on_crash. */
    crash = vmm_xml_string(ctxt, "./on_crash");
    g_assert_null(crash);
    g_assert_cmpint(vmm_xml_nodes(ctxt, "./os/boot", &boots), ==, 3);
    g_assert_cmpstr((const char *)boots[2]->name, ==, "boot");
    name = vmm_xml_string(ctxt, "./name");
    g_assert_cmpstr(name, ==, "  ");   /* blank is not empty, */
    g_assert_null(vmm_xml_string(ctxt, "./devices/empty/@attr"));   /* empty is absent */
}

static void
test_str_is_word(void)
{
    g_assert_true(vmm_str_is_word("qcow2", TRUE, "_-"));
    g_assert_true(vmm_str_is_word("virtio-net_1", FALSE, "_-"));
    g_assert_true(vmm_str_is_word("pcie-root-port.1", FALSE, "_.-"));
    g_assert_false(vmm_str_is_word("Qcow2", TRUE, "_-"));      /* upper case */
    g_assert_false(vmm_str_is_word("qcow2\n", TRUE, "_-"));
    g_assert_false(vmm_str_is_word("a b", FALSE, "_-"));
    g_assert_false(vmm_str_is_word("a.b", FALSE, "_-"));
    g_assert_false(vmm_str_is_word("", FALSE, "_-"));
    g_assert_false(vmm_str_is_word(NULL, FALSE, "_-"));
    g_assert_false(vmm_str_is_word("\xc3\xa9", FALSE, "_-"));  /* not ASCII */
}

int
main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/conf/xml_util/same-as-xpath", test_same_as_xpath);
    g_test_add_func("/conf/xml_util/known-answers", test_known_answers);
    g_test_add_func("/conf/xml_util/str-is-word", test_str_is_word);
    return g_test_run();
}
