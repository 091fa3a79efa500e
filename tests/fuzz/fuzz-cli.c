/* fuzz-cli.c: the hn tool's argument parsing (tools/hn-args.c)
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: NUL-separated strings. The first is an executor spec (-e), the second a list of mapped
 * inputs (--over), the rest NAME=VALUE arguments, parsed against a pipeline with typed inputs.
 */

#include "fuzz-common.h"
#include "hn-args.h"

static HnPipeline *pipeline;

static GVariant *
sum (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_int64 (n_args);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnNode) node = NULL;

  fuzz_init ();
  node = hn_function_node_new_full ("typed",
                                    (const char *[]) { "x", "text", "list", "pair", "any", NULL },
                                    (const char *[]) { "x", "s", "ax", "(sd)", "*", NULL },
                                    (const char *[]) { "total", NULL }, NULL, sum, NULL, NULL);
  pipeline = hn_pipeline_new (&node, 1, &error);
  g_assert_no_error (error);
  return 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_auto(GStrv) parts = fuzz_split (data, size, 64);
  g_autoptr(GError) error = NULL;
  g_autoptr(HnExecutor) executor = NULL;
  g_auto(GStrv) mapped = NULL;
  g_autoptr(GVariant) inputs = NULL;
  g_autofree char *escaped = NULL;

  escaped = hn_args_escape (parts[0]);
  if (!g_utf8_validate (escaped, -1, NULL))
    g_error ("hn_args_escape() gave invalid UTF-8");

  executor = hn_args_parse_executor (parts[0], &error);
  fuzz_check_error (executor != NULL, error, "parse_executor");
  g_clear_error (&error);
  if (parts[1] == NULL)
    return 0;

  mapped = hn_args_parse_names (parts[1], &error);
  fuzz_check_error (mapped != NULL, error, "parse_names");
  g_clear_error (&error);
  if (!hn_args_check_names ((const char * const *) parts + 1, "output", &error))
    fuzz_check_error (FALSE, error, "check_names");
  g_clear_error (&error);

  for (HnPipeline *p = pipeline; ; p = NULL)
    {
      inputs = hn_args_parse_inputs (p, (const char * const *) parts + 2,
                                     (const char * const *) mapped, &error);
      fuzz_check_error (inputs != NULL, error, "parse_inputs");
      g_clear_error (&error);
      if (inputs != NULL && p != NULL)
        {
          /* what hn run does next: the pipeline checks the root inputs */
          g_autoptr(GVariant) result = hn_pipeline_run (p, inputs, NULL, NULL, &error);

          fuzz_check_error (result != NULL, error, "run");
          g_clear_error (&error);
        }
      g_clear_pointer (&inputs, g_variant_unref);
      if (p == NULL)
        break;
    }
  return 0;
}
