/* test-module.c: node modules
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <elf.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "test-common.h"

static char *
module_path (const char *file)
{
  return g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "modules", file, NULL);
}

static void
test_load_by_path (void)
{
  g_autofree char *path = module_path ("hn-test-module.so");
  g_autoptr(GError) error = NULL;
  g_autoptr(HnModule) module = hn_module_load (path, &error);
  g_autoptr(HnModule) again = NULL;
  g_auto(GStrv) nodes = NULL;
  g_auto(GStrv) pipelines = NULL;
  g_autofree char *origin_path = NULL;
  g_autofree char *origin_name = NULL;
  HnNode *square;

  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (hn_module_get_path (module), "/hn-test-module.so"));
  nodes = hn_module_list_nodes (module);
  pipelines = hn_module_list_pipelines (module);
  g_assert_cmpstrv (nodes, STRV ("double", "add_one", "square"));
  g_assert_cmpstrv (pipelines, STRV ("double_add_one"));
  g_assert_null (hn_module_get_node (module, "nope"));
  g_assert_null (hn_module_get_pipeline (module, "nope"));

  square = hn_module_get_node (module, "square");
  g_assert_true (hn_module_get_node_origin (square, &origin_path, &origin_name));
  g_assert_cmpstr (origin_path, ==, hn_module_get_path (module));
  g_assert_cmpstr (origin_name, ==, "square");

  /* loaded once per process */
  again = hn_module_load (path, &error);
  g_assert_no_error (error);
  g_assert_true (again == module);
}

static void
test_load_by_name (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "modules", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HnModule) module = NULL;
  g_autoptr(GVariant) result = NULL;
  HnPipeline *pipeline;

  g_setenv ("HN_MODULE_PATH", dir, TRUE);
  module = hn_module_load ("hn-test-module", &error);
  g_assert_no_error (error);

  pipeline = hn_module_get_pipeline (module, "double_add_one");
  g_assert_nonnull (pipeline);
  result = hn_pipeline_run (pipeline, test_inputs_x (5), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "result"), ==, 11);
}

static void
test_plain_node_has_no_origin (void)
{
  g_autoptr(HnNode) node = test_double_node ();
  char *path = (char *) "unset";

  g_assert_false (hn_module_get_node_origin (node, &path, NULL));
  g_assert_null (path);
}

static void
test_errors (void)
{
  g_autofree char *bad = module_path ("hn-not-a-module.so");
  g_autoptr(GError) error = NULL;
  g_autoptr(HnModule) module = NULL;

  module = hn_module_load ("/nonexistent/dir/mod.so", &error);
  g_assert_null (module);
  g_assert_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "No node module at “/nonexistent/dir/mod.so”");
  g_clear_error (&error);

  g_setenv ("HN_MODULE_PATH", "/nonexistent", TRUE);
  module = hn_module_load ("no-such-module", &error);
  g_assert_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "No node module named “no-such-module” in /nonexistent"));
  g_clear_error (&error);

  module = hn_module_load (bad, &error);
  g_assert_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "has no hn_module_init entry point"));
  g_clear_error (&error);

  /* a file that is not a shared object at all */
  {
    g_autofree char *text = NULL;
    int fd = g_file_open_tmp ("hn-module-XXXXXX.so", &text, &error);

    g_assert_no_error (error);
    g_assert_true (g_file_set_contents (text, "not an ELF file", -1, &error));
    close (fd);
    module = hn_module_load (text, &error);
    g_assert_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "Cannot load the node module"));
    g_unlink (text);
  }
}

/* Writes @len bytes of @data to a temporary file: a module to load. */
static char *
write_module (const char *data,
              gsize       len)
{
  g_autoptr(GError) error = NULL;
  char *file = NULL;
  int fd = g_file_open_tmp ("hn-module-XXXXXX.so", &file, &error);

  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (file, data, len, &error);
  g_assert_no_error (error);
  return file;
}

static void
assert_load_fails (const char *data,
                   gsize       len,
                   const char *message)
{
  g_autofree char *file = write_module (data, len);
  g_autoptr(GError) error = NULL;
  g_autoptr(HnModule) module = hn_module_load (file, &error);

  g_assert_null (module);
  g_assert_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_INVALID);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (strstr (error->message, message) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, message);
  g_unlink (file);
}

/* A truncated shared object used to crash the dynamic loader with SIGBUS: its segments are
 * mapped past the end of the file. */
static void
test_truncated_elf (void)
{
  g_autofree char *path = module_path ("hn-test-module.so");
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  Elf64_Ehdr *ehdr;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (len, >, 8192);
  ehdr = (Elf64_Ehdr *) data;

  /* the first 4 KB of a real module: its section headers are gone */
  assert_load_fails (data, 4096, "it is truncated (4096 bytes): its section headers");

  /* the same without a section header table: a segment runs past the end */
  ehdr->e_shoff = 0;
  assert_load_fails (data, 4096, "it is truncated (4096 bytes): its segment");

  /* only the ELF header: the program headers are gone */
  assert_load_fails (data, sizeof (Elf64_Ehdr), "its program headers lie past the end");

  /* shorter than an ELF header */
  assert_load_fails (data, 20, "shorter than an ELF header");

  /* an ELF file for a 32-bit machine */
  data[EI_CLASS] = ELFCLASS32;
  assert_load_fails (data, len, "for another kind of machine");
  data[EI_CLASS] = ELFCLASS64;

  /* not a shared object */
  ehdr->e_type = ET_REL;
  assert_load_fails (data, len, "it is an ELF file but not a shared object");

  /* empty */
  assert_load_fails ("", 0, "it is not an ELF shared object");
}

static void
test_module_loading_a_module (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "modules", NULL);
  g_autofree char *path = module_path ("hn-dependent-module.so");
  g_autoptr(GError) error = NULL;
  g_autoptr(HnModule) module = NULL;
  g_autoptr(GVariant) result = NULL;

  g_setenv ("HN_MODULE_PATH", dir, TRUE);
  module = hn_module_load (path, &error);
  g_assert_no_error (error);
  result = hn_pipeline_run (hn_module_get_pipeline (module, "square_only"), test_inputs_x (6),
                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "squared"), ==, 36);
}

static void
test_module_registering_twice (void)
{
  g_autofree char *path = module_path ("hn-duplicate-module.so");
  g_autoptr(GError) error = NULL;
  g_autoptr(HnModule) module = hn_module_load (path, &error);

  g_assert_null (module);
  g_assert_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_INIT_FAILED);
  g_assert_nonnull (strstr (error->message, "it registers two nodes named “twin”"));
}

/* Prints what a process sees of the module's pipeline, for the comparison below. */
static char *
describe (void)
{
  g_autofree char *path = module_path ("hn-test-module.so");
  g_autoptr(GError) error = NULL;
  g_autoptr(HnModule) module = hn_module_load (path, &error);
  HnPipeline *pipeline;
  g_autoptr(GVariant) result = NULL;
  g_autofree char *order = NULL;
  g_autofree char *roots = NULL;
  g_autofree char *outputs = NULL;
  g_autofree char *printed = NULL;

  g_assert_no_error (error);
  pipeline = hn_module_get_pipeline (module, "double_add_one");
  order = g_strjoinv (",", (char **) hn_pipeline_get_topological_order (pipeline));
  roots = g_strjoinv (",", (char **) hn_pipeline_get_root_inputs (pipeline));
  outputs = g_strjoinv (",", (char **) hn_pipeline_get_outputs (pipeline));
  result = hn_pipeline_run (pipeline, test_inputs_x (21), NULL, NULL, &error);
  g_assert_no_error (error);
  printed = g_variant_print (result, TRUE);
  return g_strdup_printf ("order=%s roots=%s outputs=%s result=%s", order, roots, outputs,
                          printed);
}

static void
test_other_process (void)
{
  g_autofree char *here = NULL;

  if (g_test_subprocess ())
    {
      g_autofree char *there = describe ();
      g_print ("%s\n", there);
      return;
    }

  here = describe ();
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_passed ();
  {
    g_autofree char *line = g_strconcat (here, "\n", NULL);
    g_test_trap_assert_stdout (line);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Hn/Module/load-by-path", test_load_by_path);
  g_test_add_func ("/Hn/Module/load-by-name", test_load_by_name);
  g_test_add_func ("/Hn/Module/plain-node", test_plain_node_has_no_origin);
  g_test_add_func ("/Hn/Module/errors", test_errors);
  g_test_add_func ("/Hn/Module/truncated-elf", test_truncated_elf);
  g_test_add_func ("/Hn/Module/loads-a-module", test_module_loading_a_module);
  g_test_add_func ("/Hn/Module/registers-twice", test_module_registering_twice);
  g_test_add_func ("/Hn/Module/other-process", test_other_process);

  return g_test_run ();
}
