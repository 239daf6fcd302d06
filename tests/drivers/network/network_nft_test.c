/*
 * network_nft_test.c: golden tests of drivers/network/network_nft.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * For every data/CASE.xml: CASE.nft holds the add script, then the remove
 * script.  For every data/rulesets/CASE.ruleset: CASE.warning holds what
 * the foreign-firewall check says about network 'default' on virbr0
 * (empty: nothing in the way).  VMM_REGENERATE=1 rewrites them.
 */
#include "testutils.h"
#include "drivers/network/network_nft.h"
#include "util/vmm_error.h"

#include <string.h>

static void
test_case(gconstpointer data)
{
    const char *name = data;
    g_autofree char *rel = g_strdup_printf("drivers/network/data/%s.xml", name);
    g_autofree char *path = test_data_path(rel);
    g_autofree char *grel = g_strdup_printf("drivers/network/data/%s.nft", name);
    g_autofree char *gpath = test_data_path(grel);
    g_autofree char *xml = NULL, *add = NULL, *del = NULL, *both = NULL;
    g_autoptr(VmmNetworkDef) def = NULL;
    g_autoptr(GError) err = NULL;

    g_assert_true(g_file_get_contents(path, &xml, NULL, NULL));
    def = vmm_network_def_parse_string(xml, path, 0, &err);
    g_assert_no_error(err);
    add = vmm_nft_build_network_add(def, &err);
    g_assert_no_error(err);
    del = vmm_nft_build_network_remove(def, &err);
    g_assert_no_error(err);
    both = g_strconcat(add, "\n", del, NULL);
    test_assert_golden(gpath, both);
}

static void
test_ruleset(gconstpointer data)
{
    const char *name = data;
    g_autofree char *rel = g_strdup_printf("drivers/network/data/rulesets/%s.ruleset", name);
    g_autofree char *path = test_data_path(rel);
    g_autofree char *grel = g_strdup_printf("drivers/network/data/rulesets/%s.warning", name);
    g_autofree char *gpath = test_data_path(grel);
    g_autofree char *ruleset = NULL, *warning = NULL, *text = NULL;

    g_assert_true(g_file_get_contents(path, &ruleset, NULL, NULL));
    warning = vmm_nft_check_foreign_forward(ruleset, "default", "virbr0");
    text = g_strdup_printf("%s\n", warning ? warning : "");
    test_assert_golden(gpath, text);
}

static void
test_expectations(void)
{
    static const struct { const char *name; const char *needle; } cases[] = {
        { "docker", "chain 'ip filter FORWARD' (Docker) has policy drop" },
        { "docker", "DOCKER-USER -i virbr0" },
        { "firewalld", "chain 'inet firewalld filter_FORWARD' (firewalld) ends in a drop/reject rule" },
        { "ufw", "ufw route allow in on virbr0" },
        { "plain-drop", "nft insert rule inet filter forward iifname \"virbr0\" accept" },
    };
    guint i;

    for (i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_autofree char *rel = g_strdup_printf("drivers/network/data/rulesets/%s.ruleset",
                                               cases[i].name);
        g_autofree char *path = test_data_path(rel);
        g_autofree char *ruleset = NULL, *warning = NULL;

        g_assert_true(g_file_get_contents(path, &ruleset, NULL, NULL));
        warning = vmm_nft_check_foreign_forward(ruleset, "default", "virbr0");
        g_assert_nonnull(warning);
        g_assert_nonnull(strstr(warning, cases[i].needle));
        g_assert_nonnull(strstr(warning, "network 'default'"));
    }
    {
        g_autofree char *w = vmm_nft_check_foreign_forward("", "default", "virbr0");

        g_assert_null(w);
    }
}

static void
test_refused(void)
{
    g_autoptr(GError) err = NULL;
    g_autoptr(VmmNetworkDef) def = vmm_network_def_parse_string(
        "<network><name>q</name><forward mode='nat'/><bridge name='vir\"br'/>"
        "<ip address='10.9.9.1' prefix='24'/></network>", NULL, 0, &err);
    g_autoptr(VmmNetworkDef) br = vmm_network_def_parse_string(
        "<network><name>b</name><forward mode='bridge'/><bridge name='br0'/></network>",
        NULL, 0, &err);
    g_autofree char *s1 = NULL, *s2 = NULL;

    g_assert_no_error(err);
    s1 = vmm_nft_build_network_add(def, &err);
    g_assert_null(s1);
    g_assert_error(err, VMM_ERROR, VMM_ERR_CONFIG_UNSUPPORTED);
    g_clear_error(&err);
    s2 = vmm_nft_build_network_remove(br, &err);
    g_assert_null(s2);
    g_assert_error(err, VMM_ERROR, VMM_ERR_OPERATION_INVALID);
}

/* A newline in the network's name must not end the comment it is in. */
static void
test_name_escaped(void)
{
    g_autoptr(VmmNetworkDef) def = vmm_network_def_new();
    VmmNetworkIPDef *ip = g_new0(VmmNetworkIPDef, 1);
    g_autoptr(GError) err = NULL;
    g_autofree char *add = NULL, *del = NULL;

    def->name = g_strdup("x\nflush ruleset");
    def->forward_mode = VMM_NETWORK_FORWARD_NAT;
    def->bridge_name = g_strdup("virbr3");
    ip->address = g_strdup("10.3.0.1");
    ip->prefix = 24;
    ip->ranges = g_ptr_array_new();
    ip->hosts = g_ptr_array_new();
    g_ptr_array_add(def->ips, ip);
    add = vmm_nft_build_network_add(def, &err);
    g_assert_no_error(err);
    del = vmm_nft_build_network_remove(def, &err);
    g_assert_no_error(err);
    g_assert_null(strstr(add, "\nflush ruleset"));
    g_assert_null(strstr(del, "\nflush ruleset"));
    g_assert_nonnull(strstr(add, "# network 'x\\nflush ruleset'"));
}

static void
test_table(void)
{
    g_autofree char *t = vmm_nft_build_table();
    g_autofree char *d = vmm_nft_build_table_delete();
    g_autofree char *both = g_strconcat(t, "\n", d, NULL);
    g_autofree char *path = test_data_path("drivers/network/data/table.nft");

    test_assert_golden(path, both);
}

static int
cmp_names(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static GPtrArray *
list_cases(const char *rel, const char *suffix)
{
    g_autofree char *dir = test_data_path(rel);
    g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *ent;

    g_assert_nonnull(d);
    while ((ent = g_dir_read_name(d))) {
        if (g_str_has_suffix(ent, suffix))
            g_ptr_array_add(names, g_strndup(ent, strlen(ent) - strlen(suffix)));
    }
    g_ptr_array_sort(names, cmp_names);
    return names;
}

int
main(int argc, char **argv)
{
    g_autoptr(GPtrArray) cases = NULL;
    g_autoptr(GPtrArray) rulesets = NULL;
    guint i;

    g_test_init(&argc, &argv, NULL);
    cases = list_cases("drivers/network/data", ".xml");
    rulesets = list_cases("drivers/network/data/rulesets", ".ruleset");
    for (i = 0; i < cases->len; i++) {
        g_autofree char *tp = g_strdup_printf("/network/nft/%s",
                                              (char *)g_ptr_array_index(cases, i));
        g_test_add_data_func(tp, g_ptr_array_index(cases, i), test_case);
    }
    for (i = 0; i < rulesets->len; i++) {
        g_autofree char *tp = g_strdup_printf("/network/nft/ruleset/%s",
                                              (char *)g_ptr_array_index(rulesets, i));
        g_test_add_data_func(tp, g_ptr_array_index(rulesets, i), test_ruleset);
    }
    g_test_add_func("/network/nft/table", test_table);
    g_test_add_func("/network/nft/expectations", test_expectations);
    g_test_add_func("/network/nft/refused", test_refused);
    g_test_add_func("/network/nft/name-escaped", test_name_escaped);
    return g_test_run();
}
