/* test-daft.c: HnDaftExecutor from a C program (Python embedded by the bridge)
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The seed's DaftExecutor scenarios in C, on Daft's native runner. Needs the Python bridge and a
 * Python with Daft: $HN_PYTHON (the project's .venv/bin/python), set by the meson test.
 */

#include <string.h>

#include "test-common.h"

static HnPipeline *
pipeline_of (HnNode *first,
             ...)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  HnPipeline *pipeline;
  va_list args;

  va_start (args, first);
  for (HnNode *n = first; n != NULL; n = va_arg (args, HnNode *))
    g_ptr_array_add (nodes, n);
  va_end (args);

  pipeline = hn_pipeline_new ((HnNode **) nodes->pdata, nodes->len, &error);
  g_assert_no_error (error);
  return pipeline;
}

static HnPipeline *
configured (HnPipeline *pipeline,
            HnExecutor *executor)
{
  g_autoptr(HnBackend) backend = hn_local_backend_new ();
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (backend, executor);
  HnPipeline *result = hn_pipeline_with_config (pipeline, config);

  g_object_unref (pipeline);
  g_object_unref (executor);
  return result;
}

static void
test_creation (void)
{
  g_autoptr(HnExecutor) local = hn_daft_executor_new (HN_DAFT_RUNNER_LOCAL, NULL);
  g_autoptr(HnExecutor) ray = hn_daft_executor_new (HN_DAFT_RUNNER_RAY, "ray://localhost:10001");

  g_assert_cmpint (hn_daft_executor_get_runner (HN_DAFT_EXECUTOR (local)), ==,
                   HN_DAFT_RUNNER_LOCAL);
  g_assert_true (hn_daft_executor_get_collect (HN_DAFT_EXECUTOR (local)));
  g_assert_false (hn_daft_executor_get_show_plan (HN_DAFT_EXECUTOR (local)));
  g_assert_cmpint (hn_daft_executor_get_runner (HN_DAFT_EXECUTOR (ray)), ==, HN_DAFT_RUNNER_RAY);
  g_assert_cmpstr (hn_daft_executor_get_ray_address (HN_DAFT_EXECUTOR (ray)), ==,
                   "ray://localhost:10001");
  g_assert_cmpstr (hn_daft_runner_to_string (HN_DAFT_RUNNER_RAY), ==, "ray");
}

static void
test_invalid_runner (void)
{
  g_autoptr(GError) error = NULL;
  HnDaftRunner runner = HN_DAFT_RUNNER_RAY;

  g_assert_true (hn_daft_runner_from_string ("local", &runner, &error));
  g_assert_cmpint (runner, ==, HN_DAFT_RUNNER_LOCAL);
  g_assert_false (hn_daft_runner_from_string ("invalid", &runner, &error));
  g_assert_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_INVALID_CONFIG);
  g_assert_cmpstr (error->message, ==, "Invalid Daft runner “invalid”: must be “local” or “ray”");
}

static void
test_run_pipeline (void)
{
  g_autoptr(HnPipeline) pipeline =
    configured (pipeline_of (test_double_node (), test_add_one_node (), NULL),
                hn_daft_executor_new (HN_DAFT_RUNNER_LOCAL, NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (5), NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "doubled"), ==, 10);
  g_assert_cmpint (test_lookup_int (result, "result"), ==, 11);
}

static void
test_map_items (void)
{
  g_autoptr(HnPipeline) pipeline = pipeline_of (test_double_node (), NULL);
  g_autoptr(HnExecutor) executor = hn_daft_executor_new (HN_DAFT_RUNNER_LOCAL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = NULL;

  results = hn_executor_map_items (executor, pipeline,
                                   g_variant_new_parsed ("[{'x': <int64 1>}, {'x': <int64 2>},"
                                                         " {'x': <int64 3>}, {'x': <int64 4>}]"),
                                   g_variant_new_parsed ("@a{sv} {}"), NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (results), ==, 4);
  for (gsize i = 0; i < 4; i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (results, i);
      g_assert_cmpint (test_lookup_int (item, "doubled"), ==, 2 * (gint64) (i + 1));
    }
}

static void
test_with_config (void)
{
  HnExecutor *executor = g_object_new (HN_TYPE_DAFT_EXECUTOR, "runner", HN_DAFT_RUNNER_LOCAL,
                                       "show-plan", FALSE, NULL);
  g_autoptr(HnPipeline) pipeline = configured (pipeline_of (test_square_node (), NULL), executor);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (7), NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "squared"), ==, 49);
}

static void
test_selective_output (void)
{
  g_autoptr(HnPipeline) pipeline =
    configured (pipeline_of (test_double_node (), test_add_one_node (), NULL),
                hn_daft_executor_new (HN_DAFT_RUNNER_LOCAL, NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  test_calls_add_one = 0;
  result = hn_pipeline_run (pipeline, test_inputs_x (5), STRV ("doubled"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (result), ==, 1);
  g_assert_cmpint (test_lookup_int (result, "doubled"), ==, 10);
  g_assert_false (g_variant_lookup (result, "result", "x", NULL));
  g_assert_cmpint (test_calls_add_one, ==, 0);
}

static void
test_map_large_batch (void)
{
  g_autoptr(HnPipeline) pipeline =
    configured (pipeline_of (test_square_node (), NULL),
                hn_daft_executor_new (HN_DAFT_RUNNER_LOCAL, NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = NULL;
  GVariantBuilder xs;

  g_variant_builder_init (&xs, G_VARIANT_TYPE ("ax"));
  for (gint64 i = 0; i < 100; i++)
    g_variant_builder_add (&xs, "x", i);
  results = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': %v}",
                                                             g_variant_builder_end (&xs)),
                             STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (results), ==, 100);
  for (gsize i = 0; i < 100; i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (results, i);
      g_assert_cmpint (test_lookup_int (item, "squared"), ==, (gint64) (i * i));
    }
}

static GVariant *
picky_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  gint64 x = g_variant_get_int64 (args[0]);

  if (x == 3)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "cannot take %d", (int) x);
      return NULL;
    }
  return g_variant_new_int64 (x);
}

static void
test_errors (void)
{
  g_autoptr(HnPipeline) pipeline =
    configured (pipeline_of (hn_function_node_new ("picky", STRV ("x"), STRV ("y"), picky_func,
                                                   NULL, NULL), NULL),
                hn_daft_executor_new (HN_DAFT_RUNNER_LOCAL, NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  /* a node error inside a UDF names the node and the item */
  result = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': <[int64 1, 2, 3, 4]>}"),
                            STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "Node “picky” failed on item 2: cannot take 3");
  g_clear_error (&error);

  result = hn_pipeline_run (pipeline, test_inputs_x (3), NULL, NULL, &error);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "Node “picky” failed: cannot take 3");
  g_clear_error (&error);

  /* bad input is reported as by every other executor */
  result = hn_pipeline_run (pipeline, NULL, NULL, NULL, &error);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT);
  g_assert_cmpstr (error->message, ==, "Missing input “x”");
  g_clear_error (&error);

  result = hn_pipeline_run (pipeline, test_inputs_x (1), STRV ("nope"), NULL, &error);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_OUTPUT);
}

static void
test_runner_conflict (void)
{
  g_autoptr(HnPipeline) pipeline =
    configured (pipeline_of (test_double_node (), NULL),
                hn_daft_executor_new (HN_DAFT_RUNNER_RAY, "127.0.0.1:1"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  /* the native runner is already set by the tests above */
  result = hn_pipeline_run (pipeline, test_inputs_x (1), NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_RUNNER_CONFLICT);
  g_assert_nonnull (strstr (error->message, "one runner per process"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Hn/Daft/creation", test_creation);
  g_test_add_func ("/Hn/Daft/invalid-runner", test_invalid_runner);
  g_test_add_func ("/Hn/Daft/run-pipeline", test_run_pipeline);
  g_test_add_func ("/Hn/Daft/map-items", test_map_items);
  g_test_add_func ("/Hn/Daft/with-config", test_with_config);
  g_test_add_func ("/Hn/Daft/selective-output", test_selective_output);
  g_test_add_func ("/Hn/Daft/map-large-batch", test_map_large_batch);
  g_test_add_func ("/Hn/Daft/errors", test_errors);
  g_test_add_func ("/Hn/Daft/runner-conflict", test_runner_conflict);

  return g_test_run ();
}
