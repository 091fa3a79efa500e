/* test-pipeline.c: building, running and mapping pipelines
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "test-common.h"

static HnPipeline *
make_pipeline (HnNode **nodes,
               guint    n_nodes)
{
  g_autoptr(GError) error = NULL;
  HnPipeline *pipeline = hn_pipeline_new (nodes, n_nodes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pipeline);
  for (guint i = 0; i < n_nodes; i++)
    g_object_unref (nodes[i]);
  return pipeline;
}

static HnPipeline *
double_add_one (void)
{
  return make_pipeline ((HnNode *[]) { test_add_one_node (), test_double_node () }, 2);
}

static void
assert_build_fails (HnNode         **nodes,
                    guint            n_nodes,
                    HnPipelineError  code,
                    const char      *fragment)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = hn_pipeline_new (nodes, n_nodes, &error);

  g_assert_null (pipeline);
  g_assert_error (error, HN_PIPELINE_ERROR, (int) code);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (strstr (error->message, fragment) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, fragment);
  for (guint i = 0; i < n_nodes; i++)
    g_object_unref (nodes[i]);
}

static void
test_build_structure (void)
{
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  guint n_nodes = 0;
  HnNode **nodes = hn_pipeline_get_nodes (pipeline, &n_nodes);

  g_assert_cmpuint (n_nodes, ==, 2);
  g_assert_cmpstr (hn_node_get_name (nodes[0]), ==, "add_one");
  g_assert_true (hn_pipeline_get_node (pipeline, "double") == nodes[1]);
  g_assert_null (hn_pipeline_get_node (pipeline, "nope"));
  g_assert_cmpstrv (hn_pipeline_get_root_inputs (pipeline), STRV ("x"));
  g_assert_cmpstrv (hn_pipeline_get_outputs (pipeline), STRV ("doubled", "result"));
  g_assert_cmpstrv (hn_pipeline_get_topological_order (pipeline), STRV ("double", "add_one"));
}

static void
test_build_required_inputs (void)
{
  g_autoptr(HnPipeline) pipeline =
    make_pipeline ((HnNode *[]) { test_int_node ("a", "x", "ax", 1),
                                  test_int_node ("b", "y", "by", 1) }, 2);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) all = hn_pipeline_get_required_inputs (pipeline, NULL, &error);
  g_auto(GStrv) only_b = hn_pipeline_get_required_inputs (pipeline, STRV ("by"), &error);
  g_auto(GStrv) unknown = NULL;

  g_assert_no_error (error);
  g_assert_cmpstrv (all, STRV ("x", "y"));
  g_assert_cmpstrv (only_b, STRV ("y"));

  unknown = hn_pipeline_get_required_inputs (pipeline, STRV ("zz"), &error);
  g_assert_null (unknown);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_OUTPUT);
}

static void
test_build_cycle (void)
{
  assert_build_fails ((HnNode *[]) { test_int_node ("a", "c", "a_out", 1),
                                     test_int_node ("b", "a_out", "b_out", 1),
                                     test_int_node ("c", "b_out", "c", 1) }, 3,
                      HN_PIPELINE_ERROR_CYCLE, "“a” → “b” → “c” → “a”");
  assert_build_fails ((HnNode *[]) { test_int_node ("self", "v", "v", 1) }, 1,
                      HN_PIPELINE_ERROR_CYCLE, "“self”");
}

static void
test_build_duplicate_output (void)
{
  assert_build_fails ((HnNode *[]) { test_int_node ("first", "x", "y", 1),
                                     test_int_node ("second", "x", "y", 2) }, 2,
                      HN_PIPELINE_ERROR_DUPLICATE_OUTPUT,
                      "Output “y” is produced by both node “first” and node “second”");
}

static void
test_build_duplicate_node (void)
{
  HnNode *node = test_int_node ("n", "x", "y", 1);

  /* the same node twice is an error ... */
  assert_build_fails ((HnNode *[]) { node, g_object_ref (node) }, 2,
                      HN_PIPELINE_ERROR_DUPLICATE_NODE, "“n”");
}

/* ... but two nodes may share a name: one function under two output names */
static void
test_build_shared_name (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) {
                                                    test_int_node ("n", "x", "y", 1),
                                                    test_int_node ("n", "x", "z", 2) }, 2);
  g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (3), NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "y"), ==, 4);
  g_assert_cmpint (test_lookup_int (result, "z"), ==, 5);
}

static GVariant *
string_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_string ("text");
}

static void
test_build_type_mismatch (void)
{
  HnNode *producer = hn_function_node_new_full ("words", STRV ("x"), NULL, STRV ("text"),
                                                STRV ("s"), string_func, NULL, NULL);
  HnNode *consumer = test_int_node ("count", "text", "n", 1);

  assert_build_fails ((HnNode *[]) { producer, consumer }, 2, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                      "Node “count” takes “text” as type “x”, but node “words” produces it as "
                      "type “s”");
}

static void
test_build_root_type_conflict (void)
{
  HnNode *as_string = hn_function_node_new_full ("s", STRV ("v"), STRV ("s"), STRV ("o1"),
                                                 NULL, string_func, NULL, NULL);
  HnNode *as_int = test_int_node ("i", "v", "o2", 1);

  assert_build_fails ((HnNode *[]) { as_string, as_int }, 2, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                      "Input “v” cannot satisfy both");
}

static void
test_build_compatible_indefinite_types (void)
{
  g_autoptr(GError) error = NULL;
  HnNode *producer = hn_function_node_new_full ("p", STRV ("x"), NULL, STRV ("pair"),
                                                STRV ("(x*)"), string_func, NULL, NULL);
  HnNode *consumer = hn_function_node_new_full ("c", STRV ("pair"), STRV ("(*s)"), STRV ("o"),
                                                NULL, string_func, NULL, NULL);
  HnNode *nodes[] = { producer, consumer };
  g_autoptr(HnPipeline) pipeline = hn_pipeline_new (nodes, 2, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pipeline);
  g_object_unref (producer);
  g_object_unref (consumer);
}

static void
test_build_invalid_nodes (void)
{
  assert_build_fails ((HnNode *[]) { hn_function_node_new_full ("bad", STRV ("x"), STRV ("not a type"),
                                                                STRV ("y"), NULL, string_func,
                                                                NULL, NULL) }, 1,
                      HN_PIPELINE_ERROR_INVALID_NODE, "invalid type “not a type”");
  assert_build_fails ((HnNode *[]) { hn_function_node_new ("twice", STRV ("x", "x"), STRV ("y"),
                                                           string_func, NULL, NULL) }, 1,
                      HN_PIPELINE_ERROR_INVALID_NODE, "names the input “x” twice");
  assert_build_fails ((HnNode *[]) { hn_function_node_new ("", STRV ("x"), STRV ("y"),
                                                           string_func, NULL, NULL) }, 1,
                      HN_PIPELINE_ERROR_INVALID_NODE, "has no name");
  assert_build_fails ((HnNode *[]) { hn_function_node_new ("none", STRV ("x"),
                                                           (const char *[]) { NULL },
                                                           string_func, NULL, NULL) }, 1,
                      HN_PIPELINE_ERROR_INVALID_NODE, "has no outputs");
  assert_build_fails ((HnNode *[]) { hn_function_node_new_full ("count", STRV ("x", "y"),
                                                                STRV ("x"), STRV ("z"), NULL,
                                                                string_func, NULL, NULL) }, 1,
                      HN_PIPELINE_ERROR_INVALID_NODE, "declares 1 input types for 2 inputs");
}

/* Names that are not UTF-8 used to be accepted, then fail in g_variant_new_string() (a critical)
 * and in error messages; they are refused, and shown with U+FFFD in their place. */
static void
test_build_non_utf8_names (void)
{
  assert_build_fails ((HnNode *[]) { hn_function_node_new ("bad\xff", STRV ("x"), STRV ("y"),
                                                           string_func, NULL, NULL) }, 1,
                      HN_PIPELINE_ERROR_INVALID_NODE,
                      "has a name that is not valid UTF-8: “bad\xef\xbf\xbd”");
  assert_build_fails ((HnNode *[]) { hn_function_node_new ("in", STRV ("x", "\xfe"), STRV ("y"),
                                                           string_func, NULL, NULL) }, 1,
                      HN_PIPELINE_ERROR_INVALID_NODE,
                      "Node “in” has an input whose name is not valid UTF-8: “\xef\xbf\xbd”");
  assert_build_fails ((HnNode *[]) { hn_function_node_new ("out", STRV ("x"), STRV ("y\xc3"),
                                                           string_func, NULL, NULL) }, 1,
                      HN_PIPELINE_ERROR_INVALID_NODE,
                      "Node “out” has an output whose name is not valid UTF-8: “y\xef\xbf\xbd”");
  assert_build_fails ((HnNode *[]) { hn_function_node_new_full ("type", STRV ("x"),
                                                                STRV ("a\xff"), STRV ("y"), NULL,
                                                                string_func, NULL, NULL) }, 1,
                      HN_PIPELINE_ERROR_INVALID_NODE,
                      "declares the invalid type “a\xef\xbf\xbd” for its input “x”");
}

static GVariant *
count_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_int64 (n_args);
}

/* Seconds to build a pipeline of one node with @n typed inputs and @n outputs: the best of 5. */
static double
time_many_ports (guint n)
{
  g_autoptr(GPtrArray) inputs = g_ptr_array_new_null_terminated (n, g_free, TRUE);
  g_autoptr(GPtrArray) outputs = g_ptr_array_new_null_terminated (n, g_free, TRUE);
  g_autoptr(GPtrArray) types = g_ptr_array_new_null_terminated (n, NULL, TRUE);
  double best = G_MAXDOUBLE;

  for (guint i = 0; i < n; i++)
    {
      g_ptr_array_add (inputs, g_strdup_printf ("in%u", i));
      g_ptr_array_add (outputs, g_strdup_printf ("out%u", i));
      g_ptr_array_add (types, (gpointer) "x");
    }
  for (guint round = 0; round < 5; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HnNode) node = NULL;
      g_autoptr(HnPipeline) pipeline = NULL;
      gint64 start = g_get_monotonic_time ();

      node = hn_function_node_new_full ("many", (const char * const *) inputs->pdata,
                                        (const char * const *) types->pdata,
                                        (const char * const *) outputs->pdata, NULL,
                                        count_func, NULL, NULL);
      pipeline = hn_pipeline_new (&node, 1, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_strv_length ((char **) hn_pipeline_get_root_inputs (pipeline)), ==, n);
      g_assert_true (hn_node_get_input_type (node, "in7") != NULL);
      g_assert_null (hn_node_get_output_type (node, "in7"));
      best = MIN (best, (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC);
    }
  return best;
}

/* Building a node with n ports used to take O(n²) (100,000 inputs: 20-45 s). 16 times the
 * ports must cost well under 256 times the time (measured as a ratio, so that it holds under
 * valgrind and the sanitizers too). */
static void
test_build_many_ports (void)
{
  double small = G_MAXDOUBLE, large = G_MAXDOUBLE;

  /* best of three, so a busy machine does not make a linear build look quadratic: 16 times the
   * ports take about 16-30 times as long when linear, 256 times when quadratic */
  for (int r = 0; r < 3; r++)
    {
      small = MIN (small, time_many_ports (1000));
      large = MIN (large, time_many_ports (16000));
    }
  g_test_message ("1000 ports: %.4f s, 16000 ports: %.4f s", small, large);
  g_assert_cmpfloat (large, <, 80 * MAX (small, 1e-4));
}

/* @n typed producers of one node each reading the typed root input "x", all feeding one sink:
 * the edges and the root type checks must stay linear in @n. */
static double
time_many_producers (guint n)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) ins = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = NULL;
  gint64 start;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("p%u", i);
      g_autofree char *out = g_strdup_printf ("o%u", i);

      g_ptr_array_add (nodes, test_int_node (name, "x", out, i));
      g_strv_builder_add (builder, out);
    }
  ins = g_strv_builder_end (builder);
  g_ptr_array_add (nodes, hn_function_node_new ("sink", (const char * const *) ins, STRV ("y"),
                                                string_func, NULL, NULL));
  start = g_get_monotonic_time ();
  pipeline = hn_pipeline_new ((HnNode **) nodes->pdata, nodes->len, &error);
  g_assert_no_error (error);
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static void
test_build_many_producers (void)
{
  double small = G_MAXDOUBLE, large = G_MAXDOUBLE;

  /* best of three, as for many-ports */
  for (int r = 0; r < 3; r++)
    {
      small = MIN (small, time_many_producers (1000));
      large = MIN (large, time_many_producers (16000));
    }
  g_test_message ("1000 producers: %.4f s, 16000 producers: %.4f s", small, large);
  g_assert_cmpfloat (large, <, 80 * MAX (small, 1e-4));
}

/* A cycle through many nodes is named briefly: its first nodes and its length. */
static void
test_build_long_cycle (void)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = NULL;
  guint n = 20000;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("n%u", i);
      g_autofree char *in = g_strdup_printf ("v%u", i);
      g_autofree char *out = g_strdup_printf ("v%u", (i + 1) % n);
      g_ptr_array_add (nodes, test_int_node (name, in, out, 1));
    }
  pipeline = hn_pipeline_new ((HnNode **) nodes->pdata, nodes->len, &error);
  g_assert_null (pipeline);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_CYCLE);
  g_assert_cmpuint (strlen (error->message), <, 200);
  g_assert_nonnull (strstr (error->message, "(20000 nodes in the cycle)"));
}

static void
test_build_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = hn_pipeline_new (NULL, 0, &error);
  g_autoptr(GVariant) result = NULL;

  g_assert_no_error (error);
  g_assert_cmpstrv (hn_pipeline_get_outputs (pipeline), (const char * const[]) { NULL });
  result = hn_pipeline_run (pipeline, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (result), ==, 0);
}

static void
test_run_all_outputs (void)
{
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (5), NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (result, G_VARIANT_TYPE_VARDICT));
  g_assert_cmpuint (g_variant_n_children (result), ==, 2);
  g_assert_cmpint (test_lookup_int (result, "doubled"), ==, 10);
  g_assert_cmpint (test_lookup_int (result, "result"), ==, 11);
}

static void
test_run_selective_outputs (void)
{
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  test_calls_add_one = test_calls_double = 0;
  result = hn_pipeline_run (pipeline, test_inputs_x (5), STRV ("doubled"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (result), ==, 1);
  g_assert_cmpint (test_lookup_int (result, "doubled"), ==, 10);
  g_assert_false (g_variant_lookup (result, "result", "x", NULL));
  g_assert_cmpint (test_calls_double, ==, 1);
  g_assert_cmpint (test_calls_add_one, ==, 0);

  /* the same request again uses the cached plan and gives the same answer */
  g_clear_pointer (&result, g_variant_unref);
  result = hn_pipeline_run (pipeline, test_inputs_x (6), STRV ("doubled"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "doubled"), ==, 12);
  g_assert_cmpint (test_calls_add_one, ==, 0);
}

static void
test_run_square (void)
{
  g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) { test_square_node () }, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (7), NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "squared"), ==, 49);
}

static void
test_run_missing_inputs (void)
{
  g_autoptr(HnPipeline) pipeline =
    make_pipeline ((HnNode *[]) { test_int_node ("a", "x", "ax", 1),
                                  test_int_node ("b", "y", "by", 1),
                                  test_int_node ("c", "z", "cz", 1) }, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  test_calls_double = 0;
  result = hn_pipeline_run (pipeline, g_variant_new_parsed ("{'y': <int64 1>}"), NULL, NULL,
                            &error);
  g_assert_null (result);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT);
  g_assert_cmpstr (error->message, ==, "Missing inputs “x”, “z”");
  g_clear_error (&error);

  /* only the inputs the requested outputs need count */
  result = hn_pipeline_run (pipeline, g_variant_new_parsed ("{'y': <int64 1>}"), STRV ("by"),
                            NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "by"), ==, 2);
  g_clear_pointer (&result, g_variant_unref);

  result = hn_pipeline_run (pipeline, NULL, STRV ("cz"), NULL, &error);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT);
  g_assert_cmpstr (error->message, ==, "Missing input “z”");
}

static void
test_run_unknown_output (void)
{
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  result = hn_pipeline_run (pipeline, test_inputs_x (1), STRV ("tripled"), NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_OUTPUT);
  g_assert_nonnull (strstr (error->message, "“tripled”"));
  g_clear_error (&error);

  result = hn_pipeline_run (pipeline, test_inputs_x (1), STRV ("x"), NULL, &error);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_OUTPUT);
  g_assert_nonnull (strstr (error->message, "is an input of the pipeline"));
}

static void
test_run_unknown_input (void)
{
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  /* a run ignores names no node uses (one dictionary may feed several pipelines) ... */
  result = hn_pipeline_run (pipeline, g_variant_new_parsed ("{'x': <int64 1>, 'xx': <2>}"),
                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "result"), ==, 3);
  g_clear_pointer (&result, g_variant_unref);

  /* ... the strict check does not */
  g_assert_false (hn_pipeline_check_inputs (pipeline,
                                            g_variant_new_parsed ("{'x': <int64 1>, 'xx': <2>}"),
                                            NULL, &error));
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT);
  g_assert_cmpstr (error->message, ==, "“xx” is not an input of the pipeline (inputs: x)");
  g_clear_error (&error);

  /* and a name a node produces is an error in both */

  result = hn_pipeline_run (pipeline, g_variant_new_parsed ("{'x': <int64 1>, 'doubled': <int64 2>}"),
                            NULL, NULL, &error);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT);
  g_assert_nonnull (strstr (error->message, "produced by node “double”"));
}

static void
test_run_wrong_input_type (void)
{
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  test_calls_double = 0;
  result = hn_pipeline_run (pipeline, g_variant_new_parsed ("{'x': <'five'>}"), NULL, NULL,
                            &error);
  g_assert_null (result);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH);
  g_assert_cmpstr (error->message, ==,
                   "Input “x” has type “s”, but node “double” expects type “x”");
  g_assert_cmpint (test_calls_double, ==, 0);
  g_clear_error (&error);

  result = hn_pipeline_run (pipeline, g_variant_new_parsed ("[1, 2]"), NULL, NULL, &error);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS);
}

static GVariant *
failing_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  gint64 x = g_variant_get_int64 (args[0]);

  if (x == GPOINTER_TO_INT (user_data))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "cannot take %" G_GINT64_FORMAT, x);
      return NULL;
    }
  return g_variant_new_int64 (x);
}

static void
test_run_node_error (void)
{
  HnNode *node = hn_function_node_new ("picky", STRV ("x"), STRV ("y"), failing_func,
                                       GINT_TO_POINTER (3), NULL);
  g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) { node }, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (3), NULL, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "Node “picky” failed: cannot take 3");
}

static GVariant *
bad_result_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  switch (GPOINTER_TO_INT (user_data))
    {
    case 0: return NULL;                                /* no value, no error */
    case 1: return g_variant_new_string ("oops");       /* wrong type */
    default: return g_variant_new ("(xx)", (gint64) 1, (gint64) 2);  /* wrong arity */
    }
}

static void
test_run_invalid_result (void)
{
  const char *expected[] = {
    "Node “bad”: returned no value and no error",
    "Node “bad”: returned type “s” for output “y”, declared as “x”",
    "Node “bad”: has 3 outputs and must return a tuple of 3 values, not a value of type “(xx)”",
  };

  for (int kind = 0; kind < 3; kind++)
    {
      HnNode *node = kind < 2
        ? hn_function_node_new_full ("bad", STRV ("x"), NULL, STRV ("y"), STRV ("x"),
                                     bad_result_func, GINT_TO_POINTER (kind), NULL)
        : hn_function_node_new ("bad", STRV ("x"), STRV ("a", "b", "c"), bad_result_func,
                                GINT_TO_POINTER (kind), NULL);
      g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) { node }, 1);
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (1), NULL, NULL,
                                                    &error);

      g_assert_null (result);
      g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_INVALID_RESULT);
      g_assert_cmpstr (error->message, ==, expected[kind]);
    }
}

static GVariant *
divmod_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  gint64 a = g_variant_get_int64 (args[0]), b = g_variant_get_int64 (args[1]);

  if (b == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "division by zero");
      return NULL;
    }
  return g_variant_new ("(xx)", a / b, a % b);
}

static void
test_run_multi_output (void)
{
  HnNode *divmod = hn_function_node_new_full ("divmod", STRV ("a", "b"), STRV ("x", "x"),
                                              STRV ("quotient", "remainder"), STRV ("x", "x"),
                                              divmod_func, NULL, NULL);
  HnNode *next = test_int_node ("next", "remainder", "next_remainder", 1);
  g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) { next, divmod }, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  result = hn_pipeline_run (pipeline, g_variant_new_parsed ("{'a': <int64 17>, 'b': <int64 5>}"),
                            NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "quotient"), ==, 3);
  g_assert_cmpint (test_lookup_int (result, "remainder"), ==, 2);
  g_assert_cmpint (test_lookup_int (result, "next_remainder"), ==, 3);
}

static void
test_run_diamond (void)
{
  HnNode *sum = hn_function_node_new ("sum", STRV ("left", "right"), STRV ("total"),
                                      divmod_func, NULL, NULL);
  g_autoptr(HnPipeline) pipeline =
    make_pipeline ((HnNode *[]) { sum,
                                  test_int_node ("l", "x", "left", 10),
                                  test_int_node ("r", "x", "right", 1) }, 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;
  gint64 q, r;

  result = hn_pipeline_run (pipeline, test_inputs_x (4), STRV ("total"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (hn_pipeline_get_topological_order (pipeline), STRV ("l", "r", "sum"));
  g_assert_true (g_variant_lookup (result, "total", "(xx)", &q, &r));
  g_assert_cmpint (q, ==, 2);   /* 14 / 5 */
  g_assert_cmpint (r, ==, 4);
}

static void
test_run_long_chain (void)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HnPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  /* given in reverse order, so the topological sort has work to do */
  for (int i = 200; i > 0; i--)
    {
      g_autofree char *name = g_strdup_printf ("n%d", i);
      g_autofree char *in = i == 1 ? g_strdup ("x") : g_strdup_printf ("v%d", i - 1);
      g_autofree char *out = g_strdup_printf ("v%d", i);
      g_ptr_array_add (nodes, test_int_node (name, in, out, 1));
    }
  pipeline = hn_pipeline_new ((HnNode **) nodes->pdata, nodes->len, &error);
  g_assert_no_error (error);
  result = hn_pipeline_run (pipeline, test_inputs_x (0), STRV ("v200"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "v200"), ==, 200);
}

static GVariant *
item_dict (GVariant *items,
           gsize     index)
{
  return g_variant_get_child_value (items, index);
}

static void
test_map_zip (void)
{
  g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) { test_double_node () }, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = NULL;

  results = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': <[int64 1, 2, 3, 4]>}"),
                             STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (results, G_VARIANT_TYPE ("aa{sv}")));
  g_assert_cmpuint (g_variant_n_children (results), ==, 4);
  for (gsize i = 0; i < 4; i++)
    {
      g_autoptr(GVariant) item = item_dict (results, i);
      g_assert_cmpint (test_lookup_int (item, "doubled"), ==, 2 * (gint64) (i + 1));
    }
}

static void
test_map_large (void)
{
  g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) { test_square_node () }, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = NULL;
  GVariantBuilder xs;

  g_variant_builder_init (&xs, G_VARIANT_TYPE ("ax"));
  for (gint64 i = 0; i < 100; i++)
    g_variant_builder_add (&xs, "x", i);
  results = hn_pipeline_map (pipeline,
                             g_variant_new_parsed ("{'x': %v}", g_variant_builder_end (&xs)),
                             STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (results), ==, 100);
  for (gsize i = 0; i < 100; i++)
    {
      g_autoptr(GVariant) item = item_dict (results, i);
      g_assert_cmpint (test_lookup_int (item, "squared"), ==, (gint64) (i * i));
    }
}

static void
test_map_broadcast_and_zip_two (void)
{
  HnNode *sum = hn_function_node_new ("divmod", STRV ("a", "b"), STRV ("q", "r"), divmod_func,
                                      NULL, NULL);
  g_autoptr(HnPipeline) pipeline =
    make_pipeline ((HnNode *[]) { sum, test_int_node ("shift", "q", "shifted", 100) }, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = NULL;
  gint64 expected_q[] = { 10, 20, 30 };

  /* a is mapped, b is broadcast */
  results = hn_pipeline_map (pipeline,
                             g_variant_new_parsed ("{'a': <[int64 30, 60, 90]>, 'b': <int64 3>}"),
                             STRV ("a"), HN_MAP_MODE_ZIP, STRV ("shifted", "q"), NULL, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < 3; i++)
    {
      g_autoptr(GVariant) item = item_dict (results, i);
      g_assert_cmpuint (g_variant_n_children (item), ==, 2);
      g_assert_cmpint (test_lookup_int (item, "q"), ==, expected_q[i]);
      g_assert_cmpint (test_lookup_int (item, "shifted"), ==, expected_q[i] + 100);
    }
  g_clear_pointer (&results, g_variant_unref);

  /* both mapped, zipped */
  results = hn_pipeline_map (pipeline,
                             g_variant_new_parsed ("{'a': <[int64 7, 9]>, 'b': <[int64 2, 4]>}"),
                             STRV ("a", "b"), HN_MAP_MODE_ZIP, STRV ("r"), NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GVariant) first = item_dict (results, 0);
    g_autoptr(GVariant) second = item_dict (results, 1);
    g_assert_cmpint (test_lookup_int (first, "r"), ==, 1);
    g_assert_cmpint (test_lookup_int (second, "r"), ==, 1);
  }
}

static void
test_map_product (void)
{
  HnNode *divmod = hn_function_node_new ("divmod", STRV ("a", "b"), STRV ("q", "r"),
                                         divmod_func, NULL, NULL);
  g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) { divmod }, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = NULL;
  gint64 expected[] = { 10 / 1, 10 / 2, 10 / 3, 20 / 1, 20 / 2, 20 / 3 };

  results = hn_pipeline_map (pipeline,
                             g_variant_new_parsed ("{'a': <[int64 10, 20]>, 'b': <[int64 1, 2, 3]>}"),
                             STRV ("a", "b"), HN_MAP_MODE_PRODUCT, STRV ("q"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (results), ==, 6);
  for (gsize i = 0; i < 6; i++)
    {
      g_autoptr(GVariant) item = item_dict (results, i);
      g_assert_cmpint (test_lookup_int (item, "q"), ==, expected[i]);
    }
}

static void
test_map_variant_array (void)
{
  g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) { test_double_node () }, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = NULL;

  results = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': <[<int64 4>, <int64 5>]>}"),
                             STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GVariant) second = item_dict (results, 1);
    g_assert_cmpint (test_lookup_int (second, "doubled"), ==, 10);
  }
}

static void
test_map_empty (void)
{
  g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) { test_double_node () }, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = NULL;

  test_calls_double = 0;
  results = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': <@ax []>}"), STRV ("x"),
                             HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_is_of_type (results, G_VARIANT_TYPE ("aa{sv}")));
  g_assert_cmpuint (g_variant_n_children (results), ==, 0);
  g_assert_cmpint (test_calls_double, ==, 0);
}

static void
assert_map_fails (HnPipeline      *pipeline,
                  const char      *inputs,
                  const char     **map_over,
                  HnMapMode        mode,
                  GQuark           domain,
                  int              code,
                  const char      *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = NULL;

  results = hn_pipeline_map (pipeline, g_variant_new_parsed (inputs),
                             (const char * const *) map_over, mode, NULL, NULL, &error);
  g_assert_null (results);
  g_assert_error (error, domain, code);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_map_errors (void)
{
  HnNode *divmod = hn_function_node_new ("divmod", STRV ("a", "b"), STRV ("q", "r"),
                                         divmod_func, NULL, NULL);
  g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) { divmod }, 1);

  assert_map_fails (pipeline, "{'a': <[int64 1, 2, 3]>, 'b': <[int64 1, 2]>}",
                    (const char *[]) { "a", "b", NULL }, HN_MAP_MODE_ZIP,
                    HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MAP_LENGTH_MISMATCH,
                    "A zip map needs mapped inputs of equal length, but “a” has 3 items and "
                    "“b” has 2");
  assert_map_fails (pipeline, "{'a': <int64 1>, 'b': <int64 2>}",
                    (const char *[]) { "a", NULL }, HN_MAP_MODE_ZIP,
                    HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MAP_NOT_ARRAY,
                    "Mapped input “a” must be an array, not a value of type “x”");
  assert_map_fails (pipeline, "{'a': <[int64 1]>, 'b': <int64 2>}",
                    (const char *[]) { "c", NULL }, HN_MAP_MODE_ZIP,
                    HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT,
                    "Cannot map over “c”: it is not an input of the pipeline (inputs: a, b)");
  assert_map_fails (pipeline, "{'b': <int64 2>}",
                    (const char *[]) { "a", NULL }, HN_MAP_MODE_ZIP,
                    HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT,
                    "Missing mapped input “a”");
  assert_map_fails (pipeline, "{'a': <[int64 1]>}",
                    (const char *[]) { "a", NULL }, HN_MAP_MODE_ZIP,
                    HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT,
                    "Item 0 lacks input “b”");
  assert_map_fails (pipeline, "{'a': <[int64 1]>}",
                    (const char *[]) { NULL }, HN_MAP_MODE_ZIP,
                    HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                    "A map needs at least one mapped input");
  assert_map_fails (pipeline, "{'a': <[int64 4, 5, 6]>, 'b': <[int64 1, 0, 1]>}",
                    (const char *[]) { "a", "b", NULL }, HN_MAP_MODE_ZIP,
                    HN_NODE_ERROR, HN_NODE_ERROR_FAILED,
                    "Node “divmod” failed on item 1: division by zero");
}

static void
test_map_item_type_error (void)
{
  g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) { test_double_node () }, 1);

  assert_map_fails (pipeline, "{'x': <[<int64 4>, <'five'>]>}", (const char *[]) { "x", NULL },
                    HN_MAP_MODE_ZIP, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                    "Input “x” of item 1 has type “s”, but node “double” expects type “x”");
}

static void
test_run_plan_cache_key (void)
{
  g_autoptr(HnPipeline) pipeline =
    make_pipeline ((HnNode *[]) { test_int_node ("na", "x", "a", 1),
                                  test_int_node ("nb", "x", "b", 2) }, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) both = hn_pipeline_run (pipeline, test_inputs_x (1), STRV ("a", "b"), NULL,
                                              &error);
  g_autoptr(GVariant) odd = NULL;

  g_assert_no_error (error);
  /* one name with a separator in it is not the two names */
  odd = hn_pipeline_run (pipeline, test_inputs_x (1), STRV ("a\nb"), NULL, &error);
  g_assert_null (odd);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_OUTPUT);
  g_clear_error (&error);
  odd = hn_pipeline_run (pipeline, test_inputs_x (1), STRV ("\xff"), NULL, &error);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_OUTPUT);
}

static GVariant *
loose_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  gint64 x = g_variant_get_int64 (args[0]);

  return x == 2 ? g_variant_new_string ("two") : g_variant_new_int64 (x);
}

static void
test_map_checked_edge_names_item (void)
{
  HnNode *loose = hn_function_node_new_full ("loose", STRV ("x"), STRV ("x"), STRV ("v"), NULL,
                                             loose_func, NULL, NULL);
  HnNode *strict = test_int_node ("strict", "v", "w", 1);
  g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) { loose, strict }, 2);

  assert_map_fails (pipeline, "{'x': <[int64 1, 2, 3]>}", (const char *[]) { "x", NULL },
                    HN_MAP_MODE_ZIP, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                    "Node “loose” produced “v” with type “s” on item 1, but node “strict” "
                    "expects type “x”");
}

static void
test_function_node_without_function (void)
{
  HnNode *node = g_object_new (HN_TYPE_FUNCTION_NODE, "name", "empty", "inputs", STRV ("x"),
                               "outputs", STRV ("y"), NULL);
  g_autoptr(HnPipeline) pipeline = make_pipeline ((HnNode *[]) { node }, 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (1), NULL, NULL, &error);

  g_assert_null (result);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "has no function"));
}

static void
test_node_invoke_sinks_floating_args (void)
{
  g_autoptr(HnNode) node = test_double_node ();
  GVariant *args[] = { g_variant_new_int64 (4) };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = hn_node_invoke (node, args, 1, NULL, &error);

  /* valgrind checks that the floating argument was consumed */
  g_assert_no_error (error);
  g_assert_cmpint (g_variant_get_int64 (result), ==, 8);
}

/* Pictures: DOT text with every node, edge and input; nested pipelines as clusters or boxes. */
static void
test_to_dot (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnNode) dbl = test_double_node ();
  g_autoptr(HnNode) add_one = test_add_one_node ();
  g_autoptr(HnNode) after = test_int_node ("a <b> & \"c\"", "result", "final", 1);
  g_autoptr(HnPipeline) inner = NULL;
  g_autoptr(HnPipeline) outer = NULL;
  g_autoptr(HnPipeline) bound = NULL;
  g_autoptr(HnNode) nested = NULL;
  g_autofree char *plain = NULL, *clusters = NULL, *collapsed = NULL, *typed = NULL;
  g_autofree char *with_bound = NULL;

  inner = hn_pipeline_new_named ("inner", (HnNode *[]) { dbl, add_one }, 2, &error);
  g_assert_no_error (error);
  plain = hn_pipeline_to_dot (inner, HN_DOT_FLAGS_NONE);
  g_assert_true (g_str_has_prefix (plain, "digraph pipeline {\n"));
  g_assert_true (g_str_has_suffix (plain, "}\n"));
  g_assert_nonnull (strstr (plain, "<B>double</B>"));
  g_assert_nonnull (strstr (plain, "<B>add_one</B>"));
  g_assert_nonnull (strstr (plain, "n0:o0:s -> n1:i0:n;"));   /* doubled */
  g_assert_nonnull (strstr (plain, "label=<x>"));              /* the root input */
  g_assert_nonnull (strstr (plain, "<I>result</I>"));          /* the final output */
  g_assert_null (strstr (plain, " : x"));

  typed = hn_pipeline_to_dot (inner, HN_DOT_FLAGS_TYPES);
  g_assert_nonnull (strstr (typed, "x<FONT POINT-SIZE=\"8\" COLOR=\"#555555\"> : x</FONT>"));

  bound = hn_pipeline_bind (inner, g_variant_new_parsed ("{'x': <int64 4>}"), &error);
  g_assert_no_error (error);
  with_bound = hn_pipeline_to_dot (bound, HN_DOT_FLAGS_NONE);
  g_assert_nonnull (strstr (with_bound, "label=<x = 4>, style=\"filled,dashed\""));

  nested = hn_pipeline_as_node (inner, "nested", NULL, NULL, NULL, HN_MAP_MODE_ZIP, &error);
  g_assert_no_error (error);
  outer = hn_pipeline_new_named ("outer", (HnNode *[]) { nested, after }, 2, &error);
  g_assert_no_error (error);
  clusters = hn_pipeline_to_dot (outer, HN_DOT_FLAGS_NONE);
  g_assert_nonnull (strstr (clusters, "subgraph cluster_0 {"));
  g_assert_nonnull (strstr (clusters, "<B>double</B>"));
  g_assert_nonnull (strstr (clusters, "a &lt;b&gt; &amp; &quot;c&quot;"));
  /* the inner producer of result feeds the outer node */
  g_assert_nonnull (strstr (clusters, "n2:o0:s -> n3:i0:n;"));
  collapsed = hn_pipeline_to_dot (outer, HN_DOT_FLAGS_COLLAPSE_NESTED);
  g_assert_null (strstr (collapsed, "subgraph"));
  g_assert_null (strstr (collapsed, "<B>double</B>"));
  g_assert_nonnull (strstr (collapsed, "<B>nested</B><BR/><FONT POINT-SIZE=\"8\">pipeline"));

  g_assert_true (G_TYPE_IS_FLAGS (HN_TYPE_DOT_FLAGS));
}

/* Nodes that share a name are two boxes. */
static void
test_to_dot_shared_names (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnNode) first = test_int_node ("step", "x", "y", 1);
  g_autoptr(HnNode) second = test_int_node ("step", "y", "z", 1);
  g_autoptr(HnPipeline) pipeline = hn_pipeline_new ((HnNode *[]) { first, second }, 2, &error);
  g_autofree char *dot = NULL;
  const char *at;

  g_assert_no_error (error);
  dot = hn_pipeline_to_dot (pipeline, HN_DOT_FLAGS_NONE);
  at = strstr (dot, "<B>step</B>");
  g_assert_nonnull (at);
  g_assert_nonnull (strstr (at + 1, "<B>step</B>"));
  g_assert_nonnull (strstr (dot, "n0:o0:s -> n1:i0:n;"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Hn/Pipeline/build/structure", test_build_structure);
  g_test_add_func ("/Hn/Pipeline/to-dot", test_to_dot);
  g_test_add_func ("/Hn/Pipeline/to-dot/shared-names", test_to_dot_shared_names);
  g_test_add_func ("/Hn/Pipeline/build/required-inputs", test_build_required_inputs);
  g_test_add_func ("/Hn/Pipeline/build/cycle", test_build_cycle);
  g_test_add_func ("/Hn/Pipeline/build/duplicate-output", test_build_duplicate_output);
  g_test_add_func ("/Hn/Pipeline/build/duplicate-node", test_build_duplicate_node);
  g_test_add_func ("/Hn/Pipeline/build/shared-name", test_build_shared_name);
  g_test_add_func ("/Hn/Pipeline/build/type-mismatch", test_build_type_mismatch);
  g_test_add_func ("/Hn/Pipeline/build/root-type-conflict", test_build_root_type_conflict);
  g_test_add_func ("/Hn/Pipeline/build/indefinite-types", test_build_compatible_indefinite_types);
  g_test_add_func ("/Hn/Pipeline/build/invalid-nodes", test_build_invalid_nodes);
  g_test_add_func ("/Hn/Pipeline/build/non-utf8-names", test_build_non_utf8_names);
  g_test_add_func ("/Hn/Pipeline/build/many-ports", test_build_many_ports);
  g_test_add_func ("/Hn/Pipeline/build/many-producers", test_build_many_producers);
  g_test_add_func ("/Hn/Pipeline/build/long-cycle", test_build_long_cycle);
  g_test_add_func ("/Hn/Pipeline/build/empty", test_build_empty);
  g_test_add_func ("/Hn/Pipeline/run/all-outputs", test_run_all_outputs);
  g_test_add_func ("/Hn/Pipeline/run/selective-outputs", test_run_selective_outputs);
  g_test_add_func ("/Hn/Pipeline/run/square", test_run_square);
  g_test_add_func ("/Hn/Pipeline/run/missing-inputs", test_run_missing_inputs);
  g_test_add_func ("/Hn/Pipeline/run/unknown-output", test_run_unknown_output);
  g_test_add_func ("/Hn/Pipeline/run/unknown-input", test_run_unknown_input);
  g_test_add_func ("/Hn/Pipeline/run/wrong-input-type", test_run_wrong_input_type);
  g_test_add_func ("/Hn/Pipeline/run/node-error", test_run_node_error);
  g_test_add_func ("/Hn/Pipeline/run/invalid-result", test_run_invalid_result);
  g_test_add_func ("/Hn/Pipeline/run/multi-output", test_run_multi_output);
  g_test_add_func ("/Hn/Pipeline/run/diamond", test_run_diamond);
  g_test_add_func ("/Hn/Pipeline/run/long-chain", test_run_long_chain);
  g_test_add_func ("/Hn/Pipeline/run/plan-cache-key", test_run_plan_cache_key);
  g_test_add_func ("/Hn/Pipeline/run/function-node-without-function",
                   test_function_node_without_function);
  g_test_add_func ("/Hn/Pipeline/run/invoke-sinks-floating-args",
                   test_node_invoke_sinks_floating_args);
  g_test_add_func ("/Hn/Pipeline/map/checked-edge-names-item", test_map_checked_edge_names_item);
  g_test_add_func ("/Hn/Pipeline/map/zip", test_map_zip);
  g_test_add_func ("/Hn/Pipeline/map/large", test_map_large);
  g_test_add_func ("/Hn/Pipeline/map/broadcast", test_map_broadcast_and_zip_two);
  g_test_add_func ("/Hn/Pipeline/map/product", test_map_product);
  g_test_add_func ("/Hn/Pipeline/map/variant-array", test_map_variant_array);
  g_test_add_func ("/Hn/Pipeline/map/empty", test_map_empty);
  g_test_add_func ("/Hn/Pipeline/map/errors", test_map_errors);
  g_test_add_func ("/Hn/Pipeline/map/item-type-error", test_map_item_type_error);

  return g_test_run ();
}
