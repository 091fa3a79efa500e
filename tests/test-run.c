/* test-run.c: what the one run layer gives every executor: nested pipelines, bound inputs,
 * retries, timeouts, the default configuration, the bounded plan cache, and the rules of the
 * invocation path.
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "test-common.h"
#include "hn-pipeline-private.h"
#include "hn-plan-private.h"

typedef HnExecutor *(*ExecutorFactory) (void);

static HnExecutor *make_sequential (void) { return hn_sequential_executor_new (); }
static HnExecutor *make_pool_1 (void) { return hn_thread_pool_executor_new (1); }
static HnExecutor *make_pool_4 (void) { return hn_thread_pool_executor_new (4); }
static HnExecutor *make_async (void) { return hn_async_executor_new (8); }

typedef struct
{
  const char      *name;
  ExecutorFactory  make;
} ExecutorCase;

static const ExecutorCase executor_cases[] = {
  { "sequential", make_sequential },
  { "thread-pool-1", make_pool_1 },
  { "thread-pool-4", make_pool_4 },
  { "async", make_async },
};

static HnPipeline *
build (HnNode **nodes,
       guint    n_nodes)
{
  g_autoptr(GError) error = NULL;
  HnPipeline *pipeline = hn_pipeline_new (nodes, n_nodes, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < n_nodes; i++)
    g_object_unref (nodes[i]);
  return pipeline;
}

static HnPipeline *
with_executor (HnPipeline *pipeline,
               HnExecutor *executor,
               guint       retries,
               double      timeout)
{
  g_autoptr(HnRuntimeConfig) config = g_object_new (HN_TYPE_RUNTIME_CONFIG,
                                                    "executor", executor,
                                                    "retries", retries,
                                                    "timeout", timeout,
                                                    NULL);
  return hn_pipeline_with_config (pipeline, config);
}

static void
assert_prints (GVariant   *value,
               const char *expected)
{
  g_autofree char *text = g_variant_print (value, FALSE);

  g_assert_cmpstr (text, ==, expected);
}

/* x -> doubled -> result, as a node "inner" of an outer pipeline */
static HnPipeline *
double_add_one (void)
{
  return build ((HnNode *[]) { test_double_node (), test_add_one_node () }, 2);
}

static GVariant *
fail_on_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  gint64 x = g_variant_get_int64 (args[0]);

  if (x == GPOINTER_TO_INT (user_data))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no %" G_GINT64_FORMAT, x);
      return NULL;
    }
  return g_variant_new_int64 (x);
}

/* ---- nested pipelines ---------------------------------------------------------------------- */

static void
test_nested_run (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) inner = double_add_one ();
  g_autoptr(HnNode) node = NULL;
  g_autoptr(HnPipeline) outer = NULL, configured = NULL;
  g_autoptr(GVariant) result = NULL;

  /* outer "n" feeds inner "x"; inner "result" comes out as "inner_result" */
  node = hn_pipeline_as_node (inner, "inner", g_variant_new_parsed ("{'n': 'x'}"),
                              g_variant_new_parsed ("{'result': 'inner_result'}"), NULL,
                              HN_MAP_MODE_ZIP, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (hn_node_get_inputs (node), STRV ("n"));
  g_assert_cmpstrv (hn_node_get_outputs (node), STRV ("inner_result"));
  g_assert_cmpstr (g_variant_type_peek_string (hn_node_get_input_type (node, "n")), ==, "x");

  /* the outer pipeline has a "result" of its own: the mapping keeps them apart */
  outer = build ((HnNode *[]) { test_int_node ("pre", "x", "n", 10), g_object_ref (node),
                                test_int_node ("post", "inner_result", "result", 100) }, 3);
  configured = with_executor (outer, executor, 0, 0);

  test_calls_double = test_calls_add_one = 0;
  result = hn_pipeline_run (configured, test_inputs_x (1), NULL, NULL, &error);
  g_assert_no_error (error);
  /* n = 11, inner: doubled 22, result 23; post: 123 */
  g_assert_cmpint (test_lookup_int (result, "n"), ==, 11);
  g_assert_cmpint (test_lookup_int (result, "inner_result"), ==, 23);
  g_assert_cmpint (test_lookup_int (result, "result"), ==, 123);
  g_assert_false (g_variant_lookup (result, "doubled", "x", NULL));
  g_assert_cmpint (test_calls_double, ==, 1);
  g_clear_pointer (&result, g_variant_unref);

  /* a map of the outer pipeline runs the nested one per item */
  result = hn_pipeline_map (configured, g_variant_new_parsed ("{'x': <[int64 1, 2, 3]>}"),
                            STRV ("x"), HN_MAP_MODE_ZIP, STRV ("result"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (result), ==, 3);
  for (gint64 i = 0; i < 3; i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (result, i);
      g_assert_cmpint (test_lookup_int (item, "result"), ==, 2 * (i + 11) + 1 + 100);
    }
}

/* Only the inner nodes that the mapped outputs need run. */
static void
test_nested_pruned (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) inner = build ((HnNode *[]) { test_double_node (), test_add_one_node (),
                                                      test_square_node () }, 3);
  g_autoptr(HnNode) node = hn_pipeline_as_node (inner, NULL, NULL,
                                                g_variant_new_parsed ("{'squared': 'sq'}"),
                                                NULL, HN_MAP_MODE_ZIP, &error);
  g_autoptr(HnPipeline) outer = NULL;
  g_autoptr(GVariant) result = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (hn_node_get_name (node), ==, "pipeline");
  g_assert_cmpstrv (hn_node_get_outputs (node), STRV ("sq"));
  outer = build ((HnNode *[]) { g_object_ref (node) }, 1);
  test_calls_double = test_calls_square = 0;
  result = hn_pipeline_run (outer, test_inputs_x (7), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "sq"), ==, 49);
  g_assert_cmpint (test_calls_double, ==, 0);
  g_assert_cmpint (test_calls_square, ==, 1);
}

static void
test_nested_map_over (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) sum_inner = NULL;
  g_autoptr(HnNode) zip = NULL, product = NULL;
  g_autoptr(HnPipeline) outer = NULL, configured = NULL;
  g_autoptr(GVariant) result = NULL, sums = NULL, grid = NULL;

  sum_inner = build ((HnNode *[]) { test_int_node ("inc", "x", "sum", 1) }, 1);

  /* zip over xs: sum = x + 1 for each x; a list in item order */
  zip = hn_pipeline_as_node (sum_inner, "each", g_variant_new_parsed ("{'xs': 'x'}"),
                             g_variant_new_parsed ("{'sum': 'sums'}"), STRV ("xs"),
                             HN_MAP_MODE_ZIP, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_variant_type_peek_string (hn_node_get_output_type (zip, "sums")), ==, "ax");

  outer = build ((HnNode *[]) { g_object_ref (zip) }, 1);
  configured = with_executor (outer, executor, 0, 0);
  result = hn_pipeline_run (configured, g_variant_new_parsed ("{'xs': <[int64 1, 5, 9]>}"), NULL,
                            NULL, &error);
  g_assert_no_error (error);
  sums = g_variant_lookup_value (result, "sums", NULL);
  assert_prints (sums, "[2, 6, 10]");
  g_clear_pointer (&result, g_variant_unref);

  /* an empty list gives an empty list of the declared type */
  result = hn_pipeline_run (configured, g_variant_new_parsed ("{'xs': <@ax []>}"), NULL, NULL,
                            &error);
  g_assert_no_error (error);
  g_clear_pointer (&sums, g_variant_unref);
  sums = g_variant_lookup_value (result, "sums", G_VARIANT_TYPE ("ax"));
  g_assert_nonnull (sums);
  g_assert_cmpuint (g_variant_n_children (sums), ==, 0);
  g_clear_pointer (&result, g_variant_unref);

  /* map-over of a value that is not a list: a clear error naming the pipeline node */
  result = hn_pipeline_run (configured, g_variant_new_parsed ("{'xs': <int64 3>}"), NULL, NULL,
                            &error);
  g_assert_null (result);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MAP_NOT_ARRAY);
  g_assert_nonnull (strstr (error->message, "Pipeline node “each”"));
  g_clear_error (&error);

  /* product of two mapped inputs, last varying fastest */
  {
    g_autoptr(HnPipeline) ab = build ((HnNode *[]) { test_int_node ("a1", "a", "a2", 0),
                                                     test_int_node ("b1", "b", "b2", 0) }, 2);
    g_autoptr(HnPipeline) outer2 = NULL, configured2 = NULL;

    product = hn_pipeline_as_node (ab, "grid", NULL, NULL, STRV ("a", "b"), HN_MAP_MODE_PRODUCT,
                                   &error);
    g_assert_no_error (error);
    outer2 = build ((HnNode *[]) { g_object_ref (product) }, 1);
    configured2 = with_executor (outer2, executor, 0, 0);
    result = hn_pipeline_run (configured2,
                              g_variant_new_parsed ("{'a': <[int64 1, 2]>, 'b': <[int64 10, 20, 30]>}"),
                              NULL, NULL, &error);
    g_assert_no_error (error);
    grid = g_variant_lookup_value (result, "a2", NULL);
    assert_prints (grid, "[1, 1, 1, 2, 2, 2]");
    g_clear_pointer (&grid, g_variant_unref);
    grid = g_variant_lookup_value (result, "b2", NULL);
    assert_prints (grid, "[10, 20, 30, 10, 20, 30]");
  }
}

/* Errors deep inside name the path of nodes and the item. */
static void
test_nested_error_path (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) leaf = build ((HnNode *[]) {
                                        hn_function_node_new ("check", STRV ("x"), STRV ("ok"),
                                                              fail_on_func, GINT_TO_POINTER (4),
                                                              NULL) }, 1);
  g_autoptr(HnNode) inner = hn_pipeline_as_node (leaf, "inner", NULL, NULL, STRV ("x"),
                                                 HN_MAP_MODE_ZIP, &error);
  g_autoptr(HnPipeline) middle = build ((HnNode *[]) { g_object_ref (inner) }, 1);
  g_autoptr(HnNode) outer_node = hn_pipeline_as_node (middle, "outer", NULL, NULL, NULL,
                                                      HN_MAP_MODE_ZIP, &error);
  g_autoptr(HnPipeline) top = build ((HnNode *[]) { g_object_ref (outer_node) }, 1);
  g_autoptr(HnPipeline) configured = with_executor (top, executor, 0, 0);
  g_autoptr(GVariant) result = NULL;

  g_assert_no_error (error);
  result = hn_pipeline_run (configured, g_variant_new_parsed ("{'x': <[int64 1, 2, 3, 4, 5]>}"),
                            NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "Node “outer › inner[3] › check” failed: no 4");
  g_clear_error (&error);

  /* in a map of the top pipeline, the item of the outer map is named too */
  result = hn_pipeline_map (configured,
                            g_variant_new_parsed ("{'x': <[[int64 1], [int64 2, 4]]>}"),
                            STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "Node “outer › inner[1] › check” failed on item 1: no 4");
}

static void
test_nested_bad_mapping (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) inner = double_add_one ();
  HnNode *node;

  node = hn_pipeline_as_node (inner, "n", g_variant_new_parsed ("{'a': 'nope'}"), NULL, NULL,
                              HN_MAP_MODE_ZIP, &error);
  g_assert_null (node);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT);
  g_assert_nonnull (strstr (error->message, "“nope”"));
  g_clear_error (&error);

  node = hn_pipeline_as_node (inner, "n", NULL, g_variant_new_parsed ("{'nope': 'a'}"), NULL,
                              HN_MAP_MODE_ZIP, &error);
  g_assert_null (node);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_OUTPUT);
  g_clear_error (&error);

  node = hn_pipeline_as_node (inner, "n", NULL, NULL, STRV ("y"), HN_MAP_MODE_ZIP, &error);
  g_assert_null (node);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT);
  g_assert_nonnull (strstr (error->message, "cannot map over “y”"));
  g_clear_error (&error);

  node = hn_pipeline_as_node (inner, "n", g_variant_new_parsed ("{'a': <1>}"), NULL, NULL,
                              HN_MAP_MODE_ZIP, &error);
  g_assert_null (node);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS);
  g_clear_error (&error);

  node = hn_pipeline_as_node (inner, "n", NULL, NULL, NULL, (HnMapMode) 7, &error);
  g_assert_null (node);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS);
}

/* A pipeline node called on its own, outside a run. */
static void
test_nested_invoke_directly (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) inner = double_add_one ();
  g_autoptr(HnNode) node = hn_pipeline_as_node (inner, "inner", NULL,
                                                g_variant_new_parsed ("{'result': 'r'}"), NULL,
                                                HN_MAP_MODE_ZIP, &error);
  g_autoptr(GVariant) arg = g_variant_ref_sink (g_variant_new_int64 (4));
  g_autoptr(GVariant) result = hn_node_invoke (node, &arg, 1, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (g_variant_get_int64 (result), ==, 9);
  g_assert_true (hn_pipeline_node_get_pipeline (HN_PIPELINE_NODE (node)) == inner);
}

/* ---- bound inputs -------------------------------------------------------------------------- */

static void
test_bind (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) summed = NULL;
  g_autoptr(HnPipeline) bound = NULL, configured = NULL, unbound = NULL, partly = NULL;
  g_autoptr(GVariant) result = NULL;

  summed = build ((HnNode *[]) { test_int_node ("inc", "x", "a", 1),
                                 test_int_node ("inc2", "y", "b", 2) }, 2);
  bound = hn_pipeline_bind (summed, g_variant_new_parsed ("{'y': <int64 40>}"), &error);
  g_assert_no_error (error);
  g_assert_true (_hn_pipeline_get_graph (bound) == _hn_pipeline_get_graph (summed));
  g_assert_cmpstrv (hn_pipeline_get_root_inputs (bound), STRV ("x", "y"));
  g_assert_cmpstrv (hn_pipeline_get_unfulfilled_inputs (bound), STRV ("x"));
  g_assert_cmpstrv (hn_pipeline_get_unfulfilled_inputs (summed), STRV ("x", "y"));

  configured = with_executor (bound, executor, 0, 0);
  g_assert_nonnull (hn_pipeline_get_bound_inputs (configured));
  result = hn_pipeline_run (configured, test_inputs_x (1), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "a"), ==, 2);
  g_assert_cmpint (test_lookup_int (result, "b"), ==, 42);
  g_clear_pointer (&result, g_variant_unref);

  /* a given value overrides the bound one */
  result = hn_pipeline_run (configured, g_variant_new_parsed ("{'x': <int64 1>, 'y': <int64 0>}"),
                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "b"), ==, 2);
  g_clear_pointer (&result, g_variant_unref);

  /* a map may map over a bound list */
  {
    g_autoptr(HnPipeline) listed = hn_pipeline_bind (configured,
                                                     g_variant_new_parsed ("{'y': <[int64 1, 2]>}"),
                                                     &error);
    g_assert_no_error (error);
    result = hn_pipeline_map (listed, test_inputs_x (5), STRV ("y"), HN_MAP_MODE_ZIP,
                              STRV ("b"), NULL, &error);
    g_assert_no_error (error);
    assert_prints (result, "[{'b': <int64 3>}, {'b': <int64 4>}]");
    g_clear_pointer (&result, g_variant_unref);
  }

  /* unbinding: all, or some names */
  unbound = hn_pipeline_unbind (configured, NULL);
  g_assert_null (hn_pipeline_get_bound_inputs (unbound));
  result = hn_pipeline_run (unbound, test_inputs_x (1), NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT);
  g_clear_error (&error);
  partly = hn_pipeline_unbind (configured, STRV ("x"));
  g_assert_cmpstrv (hn_pipeline_get_unfulfilled_inputs (partly), STRV ("x"));

  /* bad bindings */
  g_assert_null (hn_pipeline_bind (summed, g_variant_new_parsed ("{'a': <int64 1>}"), &error));
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT);
  g_clear_error (&error);
  g_assert_null (hn_pipeline_bind (summed, g_variant_new_parsed ("{'x': <'text'>}"), &error));
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH);
}

/* An inner pipeline's bindings satisfy the outer pipeline. */
static void
test_bind_nested (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) inner = build ((HnNode *[]) { test_int_node ("inc", "x", "a", 1),
                                                      test_int_node ("inc2", "y", "b", 2) }, 2);
  g_autoptr(HnPipeline) bound = hn_pipeline_bind (inner, g_variant_new_parsed ("{'y': <int64 5>}"),
                                                  &error);
  g_autoptr(HnNode) node = hn_pipeline_as_node (bound, "inner", NULL, NULL, NULL,
                                                HN_MAP_MODE_ZIP, &error);
  g_autoptr(HnPipeline) outer = build ((HnNode *[]) { g_object_ref (node) }, 1);
  g_autoptr(HnPipeline) configured = with_executor (outer, executor, 0, 0);
  g_autoptr(GVariant) result = NULL;

  g_assert_no_error (error);
  g_assert_cmpstrv (hn_pipeline_get_root_inputs (outer), STRV ("x"));
  result = hn_pipeline_run (configured, test_inputs_x (1), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "b"), ==, 7);
}

/* ---- retries and timeouts ------------------------------------------------------------------- */

typedef struct
{
  gint calls;
  gint fail_first;
} Flaky;

static GVariant *
flaky_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  Flaky *flaky = user_data;

  if (g_atomic_int_add (&flaky->calls, 1) < flaky->fail_first)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "flaky");
      return NULL;
    }
  return g_variant_new_int64 (g_variant_get_int64 (args[0]));
}

static void
test_retries (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(GError) error = NULL;
  Flaky flaky = { 0, 2 };
  g_autoptr(HnPipeline) pipeline = build ((HnNode *[]) {
                                            hn_function_node_new ("flaky", STRV ("x"),
                                                                  STRV ("y"), flaky_func, &flaky,
                                                                  NULL) }, 1);
  g_autoptr(HnPipeline) two = with_executor (pipeline, executor, 2, 0);
  g_autoptr(HnPipeline) one = with_executor (pipeline, executor, 1, 0);
  g_autoptr(GVariant) result = NULL;

  g_assert_cmpuint (hn_runtime_config_get_retries (hn_pipeline_get_config (two)), ==, 2);
  result = hn_pipeline_run (two, test_inputs_x (3), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "y"), ==, 3);
  g_assert_cmpint (flaky.calls, ==, 3);
  g_clear_pointer (&result, g_variant_unref);

  flaky.calls = 0;
  result = hn_pipeline_run (one, test_inputs_x (3), NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "Node “flaky” failed after 2 attempts: flaky");
  g_assert_cmpint (flaky.calls, ==, 2);
}

static GVariant *
slow_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  /* a slow node that does not look at the cancellable: the run still ends soon after it */
  g_usleep (G_USEC_PER_SEC / 2);
  return g_variant_new_int64 (1);
}

static void
test_timeout (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = build ((HnNode *[]) {
                                            test_int_node ("fast", "x", "y", 1),
                                            hn_function_node_new ("slow", STRV ("y"), STRV ("z"),
                                                                  slow_func, NULL, NULL),
                                            test_int_node ("after", "z", "w", 1) }, 3);
  g_autoptr(HnPipeline) limited = with_executor (pipeline, executor, 3, 0.2);
  g_autoptr(GVariant) result = NULL;
  gint64 start = g_get_monotonic_time ();

  result = hn_pipeline_run (limited, test_inputs_x (1), NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (error->message, "node “slow” was running"));
  /* the node is not retried after the timeout: the run ends once it returns */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* fast enough: no error */
  {
    g_autoptr(HnPipeline) quick = with_executor (pipeline, executor, 0, 30);
    result = hn_pipeline_run (quick, test_inputs_x (1), STRV ("y"), NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (test_lookup_int (result, "y"), ==, 2);
  }
}

static void
store_async_result (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GVariant *
wrong_tuple_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new ("(xxs)", (gint64) 1, (gint64) 2, "str");
}

/* ---- the default configuration -------------------------------------------------------------- */

static void
test_default_config (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnExecutor) pool = hn_thread_pool_executor_new (2);
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, pool);
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  g_autoptr(HnRuntimeConfig) own = hn_runtime_config_new (NULL, NULL);
  g_autoptr(HnPipeline) configured = hn_pipeline_with_config (pipeline, own);
  g_autoptr(GVariant) result = NULL;

  g_assert_true (HN_IS_SEQUENTIAL_EXECUTOR (hn_runtime_config_get_executor (
                   hn_runtime_config_get_default ())));
  hn_runtime_config_set_default (config);
  g_assert_true (hn_runtime_config_get_default () == config);
  g_assert_true (hn_pipeline_get_config (pipeline) == config);
  g_assert_true (hn_pipeline_get_config (configured) == own);
  result = hn_pipeline_run (pipeline, test_inputs_x (2), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "result"), ==, 5);
  hn_runtime_config_set_default (NULL);
  g_assert_true (hn_runtime_config_get_default () != config);
}

/* ---- the invocation path and the plan cache --------------------------------------------------- */

static GVariant *
value_and_error_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "half done");
  return g_variant_new_int64 (1);
}

static void
test_value_and_error (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = build ((HnNode *[]) {
                                            hn_function_node_new ("half", STRV ("x"), STRV ("y"),
                                                                  value_and_error_func, NULL,
                                                                  NULL) }, 1);
  g_autoptr(HnPipeline) configured = with_executor (pipeline, executor, 0, 0);
  g_autoptr(GVariant) result = hn_pipeline_run (configured, test_inputs_x (1), NULL, NULL,
                                                &error);

  /* an error wins over a value returned with it */
  g_assert_null (result);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "Node “half” failed: half done");
}

static void
test_bad_map_mode (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  g_autoptr(GVariant) result = hn_pipeline_map (pipeline,
                                                g_variant_new_parsed ("{'x': <[int64 1]>}"),
                                                STRV ("x"), (HnMapMode) 42, NULL, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS);
  g_assert_nonnull (strstr (error->message, "42"));
}

/* A product map whose results cannot fit in memory fails up front instead of allocating. */
static void
test_huge_product_map (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = build ((HnNode *[]) { test_int_node ("a1", "a", "c", 0),
                                                         test_int_node ("b1", "b", "d", 0) }, 2);
  GVariantBuilder builder;
  g_autoptr(GVariant) column = NULL, result = NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("ax"));
  for (gint64 i = 0; i < 46340; i++)
    g_variant_builder_add (&builder, "x", i);
  column = g_variant_ref_sink (g_variant_builder_end (&builder));

  result = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'a': %v, 'b': %v}", column, column),
                            STRV ("a", "b"), HN_MAP_MODE_PRODUCT, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS);
  g_assert_nonnull (strstr (error->message, "cannot fit in memory"));
}

/* Each distinct list of requested outputs gets a plan; the cache keeps a bounded number. */
static void
test_plan_cache_bounded (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = g_ptr_array_new ();
  g_autoptr(HnPipeline) pipeline = NULL;

  for (int i = 0; i < 100; i++)
    {
      g_autofree char *name = g_strdup_printf ("n%d", i);
      g_autofree char *out = g_strdup_printf ("o%d", i);
      g_ptr_array_add (nodes, test_int_node (name, "x", out, i));
    }
  pipeline = build ((HnNode **) nodes->pdata, nodes->len);

  for (int i = 0; i < 100; i++)
    for (int j = i; j < MIN (100, i + 20); j++)
      {
        g_autofree char *a = g_strdup_printf ("o%d", i);
        g_autofree char *b = g_strdup_printf ("o%d", j);
        g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (1),
                                                      STRV (a, b), NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpint (test_lookup_int (result, b), ==, 1 + j);
      }
  g_assert_cmpuint (_hn_plan_cache_get_size (_hn_pipeline_get_graph (pipeline)), <=,
                    HN_PLAN_CACHE_SIZE + 1);
}


/* ---- regressions from review -------------------------------------------------------------- */

typedef struct
{
  GThread   *main_thread;
  gint       off_thread;
  gint       items;
} ThreadCheck;

static void
check_thread_item_end (HnCallback *cb, guint64 index, double d, HnCallbackContext *ctx)
{
  ThreadCheck *check = g_object_get_data (G_OBJECT (cb), "check");

  g_atomic_int_inc (&check->items);
  if (g_thread_self () != check->main_thread)
    g_atomic_int_inc (&check->off_thread);
}

#define TEST_TYPE_ITEM_WATCH (test_item_watch_get_type ())
G_DECLARE_FINAL_TYPE (TestItemWatch, test_item_watch, TEST, ITEM_WATCH, GObject)
struct _TestItemWatch { GObject parent_instance; };
static void item_watch_iface_init (HnCallbackInterface *iface) { iface->map_item_end = check_thread_item_end; }
G_DEFINE_FINAL_TYPE_WITH_CODE (TestItemWatch, test_item_watch, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_CALLBACK, item_watch_iface_init))
static void test_item_watch_class_init (TestItemWatchClass *klass) { }
static void test_item_watch_init (TestItemWatch *self) { }

static void
map_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GVariant **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = hn_pipeline_map_finish (HN_PIPELINE (source), result, &error);
  g_assert_no_error (error);
}

/* The async executor delivers results on the caller's context, also the global default one
 * that nobody iterates while the map starts. */
static void
test_async_default_context (void)
{
  g_autoptr(HnExecutor) executor = hn_async_executor_new (8);
  g_autoptr(HnCallback) watch = g_object_new (TEST_TYPE_ITEM_WATCH, NULL);
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new_full (NULL, executor, NULL, &watch,
                                                                  1, 0, 0);
  g_autoptr(HnPipeline) plain = double_add_one ();
  g_autoptr(HnPipeline) pipeline = hn_pipeline_with_config (plain, config);
  ThreadCheck check = { g_thread_self (), 0, 0 };
  GVariantBuilder builder;

  g_object_set_data (G_OBJECT (watch), "check", &check);
  g_variant_builder_init (&builder, G_VARIANT_TYPE ("ax"));
  for (gint64 i = 0; i < 400; i++)
    g_variant_builder_add (&builder, "x", i);
  for (int round = 0; round < 5; round++)
    {
      GVariant *result = NULL;

      hn_pipeline_map_async (pipeline,
                             g_variant_new_parsed ("{'x': %v}", g_variant_builder_end (&builder)),
                             STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, map_done, &result);
      while (result == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_assert_cmpuint (g_variant_n_children (result), ==, 400);
      g_variant_unref (result);
      g_variant_builder_init (&builder, G_VARIANT_TYPE ("ax"));
      for (gint64 i = 0; i < 400; i++)
        g_variant_builder_add (&builder, "x", i);
    }
  g_variant_builder_clear (&builder);
  g_assert_cmpint (check.items, ==, 2000);
  g_assert_cmpint (check.off_thread, ==, 0);
}

/* A timeout on the asynchronous API is a timeout error too. */
static void
test_async_timeout (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(HnPipeline) plain = build ((HnNode *[]) {
                                         hn_function_node_new ("slow", STRV ("x"), STRV ("z"),
                                                               slow_func, NULL, NULL) }, 1);
  g_autoptr(HnPipeline) limited = with_executor (plain, executor, 0, 0.05);
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) value = NULL;

  g_main_context_push_thread_default (context);
  hn_pipeline_run_async (limited, test_inputs_x (1), NULL, NULL, store_async_result, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);
  value = hn_pipeline_run_finish (limited, result, &error);
  g_assert_null (value);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_TIMEOUT);
}

static void
test_invoke_node_output_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = build ((HnNode *[]) { test_int_node ("one", "x", "y", 1) }, 1);
  g_autoptr(HnRun) run = hn_run_new (pipeline, NULL, NULL, NULL, NULL, &error);
  g_autoptr(HnNode) three = hn_function_node_new_full ("three", STRV ("x"), STRV ("x"),
                                                       STRV ("a", "b", "c"),
                                                       STRV ("x", "x", "x"),
                                                       wrong_tuple_func, NULL, NULL);
  g_autoptr(GVariant) arg = g_variant_ref_sink (g_variant_new_int64 (1));
  g_autoptr(GVariant) result = hn_run_invoke_node (run, three, &arg, 1, -1, &error);

  g_assert_null (result);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_INVALID_RESULT);
  g_assert_nonnull (strstr (error->message, "for output “c”"));
}

static GVariant *
fail_on_two_func (GVariant * const *args,
                  guint             n_args,
                  gpointer          user_data,
                  GError          **error)
{
  gint64 x = g_variant_get_int64 (args[0]);

  if (x == 2)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "two is bad");
      return NULL;
    }
  return g_variant_new_int64 (x * 10);
}

static void
test_invoke_node_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnNode) node = hn_function_node_new_full ("tens", STRV ("x"), STRV ("x"), STRV ("y"),
                                                      STRV ("x"), fail_on_two_func, NULL, NULL);
  g_autoptr(HnPipeline) pipeline = build ((HnNode *[]) { g_object_ref (node) }, 1);
  g_autoptr(HnRun) run = hn_run_new (pipeline, NULL, NULL, NULL, NULL, &error);
  HnValue *args[3], *results[3] = { NULL, };
  const gint64 items[3] = { 5, 6, 7 };
  gsize n_done = 99;

  g_assert_no_error (error);

  /* every row succeeds */
  args[0] = hn_value_new_variant (g_variant_new_int64 (1));
  args[1] = hn_value_new_variant (g_variant_new_int64 (3));
  args[2] = hn_value_new_variant (g_variant_new_int64 (4));
  g_assert_true (hn_run_invoke_node_values (run, node, 3, args, items, results, &n_done, NULL,
                                            &error));
  g_assert_no_error (error);
  g_assert_cmpuint (n_done, ==, 3);
  g_assert_cmpint (g_variant_get_int64 (hn_value_get_variant (results[0])), ==, 10);
  g_assert_cmpint (g_variant_get_int64 (hn_value_get_variant (results[2])), ==, 40);
  for (guint i = 0; i < 3; i++)
    {
      g_clear_pointer (&results[i], hn_value_unref);
      hn_value_unref (args[i]);
    }

  /* the calls stop at the failing row, which the error names by its item */
  args[0] = hn_value_new_variant (g_variant_new_int64 (1));
  args[1] = hn_value_new_variant (g_variant_new_int64 (2));
  args[2] = hn_value_new_variant (g_variant_new_int64 (3));
  g_assert_false (hn_run_invoke_node_values (run, node, 3, args, items, results, &n_done,
                                             NULL, &error));
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "“tens”"));
  g_assert_nonnull (strstr (error->message, "item 6"));
  g_assert_cmpuint (n_done, ==, 1);
  g_assert_cmpint (g_variant_get_int64 (hn_value_get_variant (results[0])), ==, 10);
  g_assert_null (results[1]);
  g_assert_null (results[2]);
  g_clear_pointer (&results[0], hn_value_unref);
  for (guint i = 0; i < 3; i++)
    hn_value_unref (args[i]);
  g_clear_error (&error);

  /* a declared input type is checked on every call, as a graph checks it where values come
   * from */
  args[0] = hn_value_new_variant (g_variant_new_int32 (1));
  g_assert_false (hn_run_invoke_node_values (run, node, 1, args, items, results, &n_done,
                                             NULL, &error));
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH);
  g_assert_nonnull (strstr (error->message, "“x”"));
  g_assert_nonnull (strstr (error->message, "item 5"));
  g_assert_cmpuint (n_done, ==, 0);
  g_assert_null (results[0]);
  hn_value_unref (args[0]);
}

static void
test_input_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = build ((HnNode *[]) { test_int_node ("inc", "x", "y", 1) }, 1);
  g_autoptr(HnPipeline) bound = hn_pipeline_bind (pipeline,
                                                  g_variant_new_parsed ("{'x': <int64 7>}"),
                                                  &error);
  g_autoptr(HnRun) map = NULL;
  const char *names[] = { "x", "nope" };
  HnValue *values[4] = { NULL, };

  g_assert_no_error (error);
  map = hn_run_new_map (bound, g_variant_new_parsed ("[{'x': <int64 1>}, @a{sv} {}]"), NULL,
                        NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* what the items share: the bound value */
  g_assert_true (hn_run_get_input_values (map, -1, 1, 2, names, values, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_variant_get_int64 (hn_value_get_variant (values[0])), ==, 7);
  g_assert_null (values[1]);
  g_clear_pointer (&values[0], hn_value_unref);

  /* what each item gives itself */
  g_assert_true (hn_run_get_input_values (map, 0, 2, 2, names, values, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_variant_get_int64 (hn_value_get_variant (values[0])), ==, 1);
  g_assert_null (values[1]);
  g_assert_null (values[2]);
  g_assert_null (values[3]);
  g_clear_pointer (&values[0], hn_value_unref);
}

static void
test_set_result_values (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = build ((HnNode *[]) { test_int_node ("inc", "x", "y", 1) }, 1);
  g_autoptr(GVariant) inputs = g_variant_ref_sink (test_inputs_x (1));
  g_autoptr(HnRun) run = hn_run_new (pipeline, inputs, NULL, NULL, NULL, &error);
  HnValue *value = hn_value_new_variant (g_variant_new_int64 (41));
  HnValue * const *kept;
  guint n = 0;

  g_assert_no_error (error);
  /* a single run has one row of results */
  g_assert_false (hn_run_set_result_values (run, 2, (HnValue *[]) { value, value }, &error));
  g_assert_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_ENGINE_FAILED);
  g_clear_error (&error);
  g_assert_false (hn_run_set_result_values (run, 1, (HnValue *[]) { NULL }, &error));
  g_assert_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_ENGINE_FAILED);
  g_assert_nonnull (strstr (error->message, "“y”"));
  g_clear_error (&error);

  g_assert_true (hn_run_set_result_values (run, 1, &value, &error));
  g_assert_no_error (error);
  kept = hn_run_get_result_values (run, 0, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_true (kept[0] == value);
  hn_value_unref (value);
}

static void
test_nested_checks (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) inner = build ((HnNode *[]) { test_int_node ("inc", "x", "z", 1) }, 1);
  g_autoptr(HnPipeline) two = build ((HnNode *[]) { test_int_node ("ia", "a", "z1", 1),
                                                    test_int_node ("ib", "b", "z2", 1) }, 2);
  g_autoptr(HnPipeline) listed = hn_pipeline_bind (inner,
                                                   g_variant_new_parsed ("{'x': <[int64 1, 2]>}"),
                                                   &error);
  HnNode *node;

  /* a bound list for a scalar port, in a node that does not map over it */
  g_assert_no_error (error);
  node = hn_pipeline_as_node (listed, "n", NULL, NULL, NULL, HN_MAP_MODE_ZIP, &error);
  g_assert_null (node);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH);
  g_clear_error (&error);

  /* a mapping that gives two inputs one name */
  node = hn_pipeline_as_node (two, "n", g_variant_new_parsed ("{'b': 'a'}"), NULL, NULL,
                              HN_MAP_MODE_ZIP, &error);
  g_assert_null (node);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_NODE);
  g_clear_error (&error);

  /* a huge timeout is no timeout */
  {
    g_autoptr(HnExecutor) executor = hn_sequential_executor_new ();
    g_autoptr(HnPipeline) forever = with_executor (inner, executor, 0, G_MAXDOUBLE);
    g_autoptr(GVariant) result = hn_pipeline_run (forever, test_inputs_x (1), NULL, NULL,
                                                  &error);
    g_assert_no_error (error);
  }
}

/* An error deep in nested pipelines is prefixed once, not once per level. */
static void
test_nested_error_not_quadratic (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) level = build ((HnNode *[]) { test_int_node ("inc", "x", "z", 1) }, 1);
  g_autoptr(GVariant) result = NULL;

  for (int d = 0; d < 30; d++)
    {
      g_autofree char *name = g_strdup_printf ("l%d", d);
      HnNode *node = hn_pipeline_as_node (level, name, NULL, NULL, d == 0 ? STRV ("x") : NULL,
                                          HN_MAP_MODE_ZIP, &error);
      g_assert_no_error (error);
      g_clear_object (&level);
      level = build (&node, 1);
    }
  result = hn_pipeline_run (level, g_variant_new_parsed ("{'x': <int64 3>}"), NULL, NULL, &error);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MAP_NOT_ARRAY);
  g_assert_cmpuint (strlen (error->message), <, 400);
}


/* A node with only invoke_async: answers from a timeout of the thread-default context. */
#define TEST_TYPE_LATER_NODE (test_later_node_get_type ())
G_DECLARE_FINAL_TYPE (TestLaterNode, test_later_node, TEST, LATER_NODE, HnNode)
struct _TestLaterNode { HnNode parent_instance; };
G_DEFINE_FINAL_TYPE (TestLaterNode, test_later_node, HN_TYPE_NODE)

static gboolean
later_fired (gpointer data)
{
  GTask *task = data;
  gint64 x = GPOINTER_TO_SIZE (g_task_get_task_data (task));

  g_task_return_pointer (task, g_variant_ref_sink (g_variant_new_int64 (x * 10)),
                         (GDestroyNotify) g_variant_unref);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
later_invoke_async (HnNode *node, GVariant * const *args, guint n_args,
                    GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task = g_task_new (node, cancellable, callback, user_data);

  GSource *source = g_timeout_source_new (2);

  /* on the thread-default context, as GIO's asynchronous calls do */
  g_task_set_task_data (task, GSIZE_TO_POINTER ((gsize) g_variant_get_int64 (args[0])), NULL);
  g_source_set_callback (source, later_fired, task, NULL);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_source_unref (source);
}

static GVariant *
later_invoke_finish (HnNode *node, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_later_node_class_init (TestLaterNodeClass *klass)
{
  HN_NODE_CLASS (klass)->invoke_async = later_invoke_async;
  HN_NODE_CLASS (klass)->invoke_finish = later_invoke_finish;
}

static void test_later_node_init (TestLaterNode *self) { }

/* Every executor calls an async-only node, at the top level and nested. */
static void
test_async_only_node (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(GError) error = NULL;
  HnNode *later = g_object_new (TEST_TYPE_LATER_NODE, "name", "later", "inputs", STRV ("x"),
                                "outputs", STRV ("y"), NULL);
  g_autoptr(HnPipeline) inner = build (&later, 1);
  g_autoptr(HnNode) node = hn_pipeline_as_node (inner, "inner", NULL, NULL, NULL,
                                                HN_MAP_MODE_ZIP, &error);
  g_autoptr(HnPipeline) outer = build ((HnNode *[]) { g_object_ref (node) }, 1);
  g_autoptr(HnPipeline) top = with_executor (inner, executor, 0, 0);
  g_autoptr(HnPipeline) nested = with_executor (outer, executor, 0, 0);
  g_autoptr(GVariant) a = NULL, b = NULL;

  g_assert_no_error (error);
  a = hn_pipeline_run (top, test_inputs_x (4), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (a, "y"), ==, 40);
  b = hn_pipeline_run (nested, test_inputs_x (5), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (b, "y"), ==, 50);
}


static GVariant *
fail_several_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  gint64 x = g_variant_get_int64 (args[0]);

  if (x == 61 || x == 62 || x == 700)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "no %" G_GINT64_FORMAT, x);
      return NULL;
    }
  return g_variant_new_int64 (x);
}

/* Several items fail: every executor reports the first, as the sequential one does. */
static void
test_first_failing_item (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) plain = build ((HnNode *[]) {
                                         hn_function_node_new ("picky", STRV ("x"), STRV ("y"),
                                                               fail_several_func, NULL, NULL) },
                                       1);
  g_autoptr(HnPipeline) pipeline = with_executor (plain, executor, 0, 0);
  GVariantBuilder builder;
  g_autoptr(GVariant) result = NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("ax"));
  for (gint64 i = 0; i < 1000; i++)
    g_variant_builder_add (&builder, "x", i);
  result = hn_pipeline_map (pipeline,
                            g_variant_new_parsed ("{'x': %v}", g_variant_builder_end (&builder)),
                            STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "Node “picky” failed on item 61: no 61");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (executor_cases); i++)
    {
      const ExecutorCase *ec = &executor_cases[i];
      struct { const char *path; GTestDataFunc func; } cases[] = {
        { "/Hn/Nested/run", test_nested_run },
        { "/Hn/Nested/map-over", test_nested_map_over },
        { "/Hn/Nested/error-path", test_nested_error_path },
        { "/Hn/Bind/run", test_bind },
        { "/Hn/Bind/nested", test_bind_nested },
        { "/Hn/Run/retries", test_retries },
        { "/Hn/Run/timeout", test_timeout },
        { "/Hn/Run/value-and-error", test_value_and_error },
        { "/Hn/Run/async-timeout", test_async_timeout },
        { "/Hn/Run/async-only-node", test_async_only_node },
        { "/Hn/Run/first-failing-item", test_first_failing_item },
      };

      for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
        {
          g_autofree char *path = g_strdup_printf ("%s/%s", cases[c].path, ec->name);
          g_test_add_data_func (path, ec, cases[c].func);
        }
    }
  g_test_add_func ("/Hn/Nested/pruned", test_nested_pruned);
  g_test_add_func ("/Hn/Nested/bad-mapping", test_nested_bad_mapping);
  g_test_add_func ("/Hn/Nested/invoke-directly", test_nested_invoke_directly);
  g_test_add_func ("/Hn/Run/default-config", test_default_config);
  g_test_add_func ("/Hn/Run/bad-map-mode", test_bad_map_mode);
  g_test_add_func ("/Hn/Run/huge-product-map", test_huge_product_map);
  g_test_add_func ("/Hn/Plan/cache-bounded", test_plan_cache_bounded);
  g_test_add_func ("/Hn/Async/default-context", test_async_default_context);
  g_test_add_func ("/Hn/Run/invoke-node-output-names", test_invoke_node_output_names);
  g_test_add_func ("/Hn/Run/invoke-node-values", test_invoke_node_values);
  g_test_add_func ("/Hn/Run/input-values", test_input_values);
  g_test_add_func ("/Hn/Run/set-result-values", test_set_result_values);
  g_test_add_func ("/Hn/Nested/checks", test_nested_checks);
  g_test_add_func ("/Hn/Nested/error-not-quadratic", test_nested_error_not_quadratic);

  return g_test_run ();
}
