/* test-value.c: host values, value functions and optional inputs, on every executor.
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "test-common.h"

/* ---- a host type: reference-counted counters --------------------------------------------- */

typedef struct
{
  gatomicrefcount ref_count;
  gint64          n;
  gboolean        opaque;   /* has no data form */
  GPtrArray      *items;    /* for a column of counters, its counters */
} Counter;

static gint counters_alive;

static Counter *
counter_new (gint64   n,
             gboolean opaque)
{
  Counter *c = g_new0 (Counter, 1);

  g_atomic_ref_count_init (&c->ref_count);
  c->n = n;
  c->opaque = opaque;
  g_atomic_int_inc (&counters_alive);
  return c;
}

static void
counter_unref (gpointer data)
{
  Counter *c = data;

  if (g_atomic_ref_count_dec (&c->ref_count))
    {
      g_atomic_int_add (&counters_alive, -1);
      g_clear_pointer (&c->items, g_ptr_array_unref);
      g_free (c);
    }
}

static Counter *
counter_ref (Counter *c)
{
  g_atomic_ref_count_inc (&c->ref_count);
  return c;
}

/* a column of counters first, first + 1, ... */
static Counter *
counter_column (gint64 first,
                guint  n)
{
  Counter *column = counter_new (-1, TRUE);

  column->items = g_ptr_array_new_with_free_func (counter_unref);
  for (guint i = 0; i < n; i++)
    g_ptr_array_add (column->items, counter_new (first + i, FALSE));
  return column;
}

static gint column_reads;

static void
counter_column_values (gpointer  column,
                       gsize     first,
                       gsize     n_values,
                       gpointer *objects)
{
  Counter *c = column;

  g_atomic_int_inc (&column_reads);
  g_assert_nonnull (c->items);
  g_assert_cmpuint (first + n_values, <=, c->items->len);
  for (gsize i = 0; i < n_values; i++)
    objects[i] = counter_ref (g_ptr_array_index (c->items, first + i));
}

static GVariant *
counter_to_variant (gpointer             object,
                    const GVariantType  *type,
                    GError             **error)
{
  Counter *c = object;

  if (c->opaque)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "an opaque counter");
      return NULL;
    }
  if (type != NULL && g_variant_type_equal (type, G_VARIANT_TYPE_INT32))
    return g_variant_new_int32 ((gint32) c->n);
  return g_variant_new_int64 (c->n);
}

static char *
counter_describe (gpointer object)
{
  return g_strdup_printf ("Counter %" G_GINT64_FORMAT, ((Counter *) object)->n);
}

static GVariant *
counter_cache_key (gpointer   object,
                   GError   **error)
{
  return g_variant_new_string (((Counter *) object)->n % 2 ? "odd" : "even");
}

static const HnHostType counter_type = {
  .language = "C",
  .free = counter_unref,
  .to_variant = counter_to_variant,
  .describe = counter_describe,
  .cache_key = counter_cache_key,
  .column_values = counter_column_values,
};

static const HnHostType other_type = {
  .language = "other",
  .free = counter_unref,
};

static HnValue *
counter_value (gint64   n,
               gboolean opaque)
{
  return hn_value_new_host (&counter_type, counter_new (n, opaque));
}

static Counter *
counter_of (HnValue *value)
{
  return hn_value_get_host (value, &counter_type);
}

/* ---- value nodes ------------------------------------------------------------------------- */

static gint calls_bump;

/* counter -> bumped: a new counter one more, or the same one when "keep" is given */
static gboolean
bump (HnNode          *node,
      HnValue * const *args,
      guint            n_args,
      HnValue        **results,
      GCancellable    *cancellable,
      gpointer         user_data,
      GError         **error)
{
  Counter *c = counter_of (args[0]);

  g_atomic_int_inc (&calls_bump);
  if (c == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "not a counter");
      return FALSE;
    }
  if (n_args > 1 && args[1] != NULL)
    results[0] = hn_value_ref (args[0]);
  else
    results[0] = counter_value (c->n + 1, c->opaque);
  return TRUE;
}

static HnNode *
bump_node (const char *name,
           const char *input,
           const char *output,
           gboolean    with_keep)
{
  HnNode *node = g_object_new (HN_TYPE_NODE,
                               "name", name,
                               "inputs", with_keep ? STRV (input, "keep") : STRV (input),
                               "outputs", STRV (output),
                               "optional-inputs", with_keep ? STRV ("keep") : NULL,
                               NULL);

  hn_node_set_value_func (node, bump, NULL, NULL);
  return node;
}

/* a C node with a typed port: total = n + 100 */
static GVariant *
plus_100 (GVariant * const *args,
          guint             n_args,
          gpointer          user_data,
          GError          **error)
{
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) + 100);
}

static HnNode *
typed_node (void)
{
  return hn_function_node_new_full ("plus_100", STRV ("bumped"), STRV ("x"), STRV ("total"),
                                    STRV ("x"), plus_100, NULL, NULL);
}

typedef HnExecutor *(*ExecutorFactory) (void);

static HnExecutor *make_sequential (void) { return hn_sequential_executor_new (); }
static HnExecutor *make_pool (void) { return hn_thread_pool_executor_new (4); }
static HnExecutor *make_async (void) { return hn_async_executor_new (8); }

static const struct
{
  const char      *name;
  ExecutorFactory  make;
} executors[] = {
  { "sequential", make_sequential },
  { "thread-pool", make_pool },
  { "async", make_async },
};

static HnPipeline *
with_executor (HnPipeline      *pipeline,
               ExecutorFactory  make)
{
  g_autoptr(HnExecutor) executor = make ();
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, executor);

  return hn_pipeline_with_config (pipeline, config);
}

static guint
result_index (HnRun      *run,
              const char *name)
{
  g_auto(GStrv) names = hn_run_dup_result_names (run);

  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return i;
  g_assert_not_reached ();
}

/* ---- tests ------------------------------------------------------------------------------- */

static void
test_host_values_pass_by_reference (gconstpointer data)
{
  ExecutorFactory make = data;
  g_autoptr(HnNode) first = bump_node ("first", "counter", "bumped", FALSE);
  g_autoptr(HnNode) same = bump_node ("same", "bumped", "again", TRUE);
  g_autoptr(HnNode) typed = typed_node ();
  HnNode *nodes[] = { first, same, typed, NULL };
  g_autoptr(HnPipeline) base = hn_pipeline_new (nodes, G_N_ELEMENTS (nodes) - 1, NULL);
  g_autoptr(HnPipeline) pipeline = with_executor (base, make);
  g_autoptr(HnValue) input = counter_value (1, FALSE);
  g_autoptr(HnValue) keep = hn_value_new_variant (g_variant_new_boolean (TRUE));
  g_autoptr(HnRun) run = NULL;
  g_autoptr(GError) error = NULL;
  HnValue * const *results;
  const char *names[] = { "counter", "keep" };
  HnValue *values[] = { input, keep };
  guint n;

  run = hn_run_new_values (pipeline, 2, names, values, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (hn_run_execute_values (run, &error));
  g_assert_no_error (error);

  results = hn_run_get_result_values (run, 0, &n);
  g_assert_cmpuint (n, ==, 3);
  /* "same" passed its input on: the very object "first" made */
  g_assert_true (hn_value_is_host (results[result_index (run, "bumped")]));
  g_assert_true (counter_of (results[result_index (run, "again")]) ==
                 counter_of (results[result_index (run, "bumped")]));
  g_assert_cmpint (counter_of (results[result_index (run, "bumped")])->n, ==, 2);
  /* the C node's typed port got the counter as data */
  g_assert_false (hn_value_is_host (results[result_index (run, "total")]));
  g_assert_cmpint (g_variant_get_int64 (hn_value_get_variant (
                     results[result_index (run, "total")])), ==, 102);

  g_clear_pointer (&run, hn_run_unref);
  g_clear_pointer (&input, hn_value_unref);
  g_assert_cmpint (g_atomic_int_get (&counters_alive), ==, 0);
}

static void
test_map_over_host_values (gconstpointer data)
{
  ExecutorFactory make = data;
  g_autoptr(HnNode) first = bump_node ("first", "counter", "bumped", FALSE);
  HnNode *nodes[] = { first, NULL };
  g_autoptr(HnPipeline) base = hn_pipeline_new (nodes, G_N_ELEMENTS (nodes) - 1, NULL);
  g_autoptr(HnPipeline) pipeline = with_executor (base, make);
  HnValue *column[50];
  HnValue * const *columns[] = { column };
  gsize lengths[] = { G_N_ELEMENTS (column) };
  g_autoptr(HnRun) run = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (column); i++)
    column[i] = counter_value (i, TRUE);
  run = hn_run_new_map_values (pipeline, 0, NULL, NULL, STRV ("counter"), columns, lengths,
                               HN_MAP_MODE_ZIP, NULL, NULL, &error);
  for (guint i = 0; i < G_N_ELEMENTS (column); i++)
    hn_value_unref (column[i]);
  g_assert_no_error (error);
  g_assert_true (hn_run_execute_values (run, &error));
  g_assert_no_error (error);

  g_assert_cmpuint (hn_run_get_n_items (run), ==, G_N_ELEMENTS (column));
  for (guint i = 0; i < G_N_ELEMENTS (column); i++)
    {
      guint n;
      HnValue * const *results = hn_run_get_result_values (run, i, &n);

      g_assert_cmpuint (n, ==, 1);
      g_assert_cmpint (counter_of (results[0])->n, ==, i + 1);
    }
  g_clear_pointer (&run, hn_run_unref);
  g_assert_cmpint (g_atomic_int_get (&counters_alive), ==, 0);
}

static void
test_map_over_host_columns (gconstpointer data)
{
  ExecutorFactory make = data;
  g_autoptr(HnNode) first = bump_node ("first", "counter", "bumped", FALSE);
  HnNode *nodes[] = { first, NULL };
  g_autoptr(HnPipeline) base = hn_pipeline_new (nodes, G_N_ELEMENTS (nodes) - 1, NULL);
  g_autoptr(HnPipeline) pipeline = with_executor (base, make);
  /* three chunks of the values the library makes of a column (1024 each) */
  Counter *column = counter_column (0, 2500);
  gpointer columns[] = { column };
  gsize lengths[] = { 2500 };
  g_autoptr(HnRun) run = NULL;
  g_autoptr(GError) error = NULL;

  g_atomic_int_set (&column_reads, 0);
  run = hn_run_new_map_columns (pipeline, 0, NULL, NULL, STRV ("counter"), &counter_type,
                                columns, lengths, HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  /* the run took the column: engine glue reads it whole, of its own type only */
  g_assert_true (hn_run_get_input_column (run, "counter", &counter_type) == column);
  g_assert_null (hn_run_get_input_column (run, "counter", &other_type));
  g_assert_null (hn_run_get_input_column (run, "bumped", &counter_type));
  g_assert_cmpint (g_atomic_int_get (&column_reads), ==, 0);

  g_assert_true (hn_run_execute_values (run, &error));
  g_assert_no_error (error);
  /* the executor's drivers made the values of the column a chunk at a time (each of the
   * pool's 4 threads that found a chunk missing may make it: the first one made is kept; the
   * sequential and async executors load items on one thread) */
  g_assert_cmpint (g_atomic_int_get (&column_reads), >=, 3);
  g_assert_cmpint (g_atomic_int_get (&column_reads), <=, 3 * 4);
  g_assert_cmpuint (hn_run_get_n_items (run), ==, 2500);
  g_assert_null (hn_run_get_result_column (run, 0, &counter_type));
  for (guint i = 0; i < 2500; i++)
    {
      guint n;
      HnValue * const *results = hn_run_get_result_values (run, i, &n);

      g_assert_cmpuint (n, ==, 1);
      g_assert_cmpint (counter_of (results[0])->n, ==, i + 1);
    }
  g_clear_pointer (&run, hn_run_unref);
  g_assert_cmpint (g_atomic_int_get (&counters_alive), ==, 0);
}

/* the columns of a product, a typed input and results given as columns */
static void
test_host_columns (void)
{
  g_autoptr(HnNode) node = g_object_new (HN_TYPE_NODE, "name", "pair",
                                         "inputs", STRV ("a", "b"), "outputs", STRV ("c"),
                                         NULL);
  g_autoptr(HnNode) typed = typed_node ();
  HnNode *nodes[] = { node, NULL };
  HnNode *typed_nodes[] = { typed, NULL };
  g_autoptr(HnPipeline) pipeline = hn_pipeline_new (nodes, 1, NULL);
  g_autoptr(HnPipeline) typed_pipeline = hn_pipeline_new (typed_nodes, 1, NULL);
  g_autoptr(HnRun) run = NULL;
  g_autoptr(GError) error = NULL;
  gpointer columns[2];
  gsize lengths[] = { 2, 3 };
  Counter *results;
  HnValue * const *values;
  guint n;

  hn_node_set_value_func (node, bump, NULL, NULL);

  /* an item of a product of two columns is not their elements of its index */
  columns[0] = counter_column (0, 2);
  columns[1] = counter_column (10, 3);
  run = hn_run_new_map_columns (pipeline, 0, NULL, NULL, STRV ("a", "b"), &counter_type,
                                columns, lengths, HN_MAP_MODE_PRODUCT, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hn_run_get_n_items (run), ==, 6);
  g_assert_null (hn_run_get_input_column (run, "a", &counter_type));
  g_assert_null (hn_run_get_input_column (run, "b", &counter_type));

  /* results given as a column: values made of it on first use */
  results = counter_column (100, 5);
  g_assert_false (hn_run_set_result_columns (run, 5, &counter_type, (gpointer *) &results,
                                             &error));
  g_assert_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_ENGINE_FAILED);
  g_clear_error (&error);
  results = counter_column (100, 6);
  g_assert_true (hn_run_set_result_columns (run, 6, &counter_type, (gpointer *) &results,
                                            &error));
  g_assert_no_error (error);
  g_assert_true (hn_run_get_result_column (run, 0, &counter_type) == results);
  g_assert_null (hn_run_get_result_column (run, 1, &counter_type));
  g_assert_null (hn_run_get_result_column (run, 0, &other_type));
  values = hn_run_get_result_values (run, 4, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (counter_of (values[0])->n, ==, 104);
  g_assert_null (hn_run_get_result_values (run, 6, &n));
  g_clear_pointer (&run, hn_run_unref);
  g_assert_cmpint (g_atomic_int_get (&counters_alive), ==, 0);

  /* a column for a typed input: its values convert, item by item */
  columns[0] = counter_column (1, 3);
  run = hn_run_new_map_columns (typed_pipeline, 0, NULL, NULL, STRV ("bumped"), &counter_type,
                                columns, lengths, HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_null (hn_run_get_input_column (run, "bumped", &counter_type));
  g_assert_true (hn_run_execute_values (run, &error));
  g_assert_no_error (error);
  values = hn_run_get_result_values (run, 1, &n);
  g_assert_cmpint (g_variant_get_int64 (hn_value_get_variant (values[0])), ==, 102);
  g_clear_pointer (&run, hn_run_unref);

  /* the run frees the columns it refuses */
  columns[0] = counter_column (1, 3);
  run = hn_run_new_map_columns (pipeline, 0, NULL, NULL, STRV ("nope"), &counter_type,
                                columns, lengths, HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_null (run);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT);
  g_assert_cmpint (g_atomic_int_get (&counters_alive), ==, 0);
}

static gint alive_at_last;

/* bumped -> seen: records how many counters are alive when it runs */
static gboolean
count_alive (HnNode          *node,
             HnValue * const *args,
             guint            n_args,
             HnValue        **results,
             GCancellable    *cancellable,
             gpointer         user_data,
             GError         **error)
{
  g_atomic_int_set (&alive_at_last, g_atomic_int_get (&counters_alive));
  results[0] = hn_value_ref (args[0]);
  return TRUE;
}

/* A single run on the sequential executor drops each value once no later node reads it, as a
 * hand-written loop does: a long chain does not keep every intermediate value alive. */
static void
test_sequential_run_drops_values_it_is_done_with (void)
{
  g_autoptr(HnNode) a = bump_node ("a", "counter", "one", FALSE);
  g_autoptr(HnNode) b = bump_node ("b", "one", "two", FALSE);
  g_autoptr(HnNode) c = bump_node ("c", "two", "three", FALSE);
  g_autoptr(HnNode) last = g_object_new (HN_TYPE_NODE, "name", "last", "inputs", STRV ("three"),
                                         "outputs", STRV ("seen"), NULL);
  HnNode *nodes[] = { a, b, c, last, NULL };
  g_autoptr(HnPipeline) base = NULL;
  g_autoptr(HnPipeline) pipeline = NULL;
  g_autoptr(HnValue) input = counter_value (1, FALSE);
  g_autoptr(HnRun) run = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { "counter" };
  HnValue *values[] = { input };
  HnValue * const *results;
  guint n;

  hn_node_set_value_func (last, count_alive, NULL, NULL);
  base = hn_pipeline_new (nodes, G_N_ELEMENTS (nodes) - 1, NULL);
  pipeline = with_executor (base, make_sequential);
  run = hn_run_new_values (pipeline, 1, names, values, STRV ("seen", "one"), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (hn_run_execute_values (run, &error));
  g_assert_no_error (error);
  /* when "last" ran: the caller's counter, "one" (a requested output) and "three"; "two" had
   * gone after "c" read it */
  g_assert_cmpint (g_atomic_int_get (&alive_at_last), ==, 3);
  results = hn_run_get_result_values (run, 0, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpint (counter_of (results[result_index (run, "seen")])->n, ==, 4);
  g_assert_cmpint (counter_of (results[result_index (run, "one")])->n, ==, 2);
  g_clear_pointer (&run, hn_run_unref);
  g_clear_pointer (&input, hn_value_unref);
  g_assert_cmpint (g_atomic_int_get (&counters_alive), ==, 0);
}

static void
test_unconvertible_host_values_fail_clearly (void)
{
  g_autoptr(HnNode) first = bump_node ("first", "counter", "bumped", FALSE);
  g_autoptr(HnNode) typed = typed_node ();
  HnNode *nodes[] = { first, typed, NULL };
  g_autoptr(HnPipeline) pipeline = hn_pipeline_new (nodes, G_N_ELEMENTS (nodes) - 1, NULL);
  g_autoptr(HnValue) opaque = counter_value (5, TRUE);
  g_autoptr(HnRun) run = NULL;
  g_autoptr(GError) error = NULL;
  const char *names[] = { "counter" };
  HnValue *values[] = { opaque };

  /* an opaque counter cannot become the typed port's int64: the error names both nodes */
  run = hn_run_new_values (pipeline, 1, names, values, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (hn_run_execute_values (run, &error));
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH);
  g_assert_nonnull (strstr (error->message, "“first”"));
  g_assert_nonnull (strstr (error->message, "“plus_100”"));
  g_assert_nonnull (strstr (error->message, "Counter 6"));
  g_clear_error (&error);
  g_clear_pointer (&run, hn_run_unref);

  /* a C caller giving data to a node that wants a counter gets the node's own error, as the
   * cause of the node failure */
  {
    g_autoptr(HnNode) wrap = bump_node ("wrap", "x", "counter", FALSE);
    g_autoptr(GVariant) result = NULL;
    HnNode *w[] = { wrap, NULL };
    g_autoptr(HnPipeline) p = hn_pipeline_new (w, G_N_ELEMENTS (w) - 1, NULL);

    result = hn_pipeline_run (p, test_inputs_x (1), NULL, NULL, &error);
    g_assert_null (result);
    g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
    g_assert_nonnull (hn_node_error_get_cause (error));
    g_assert_error ((GError *) hn_node_error_get_cause (error), G_IO_ERROR,
                    G_IO_ERROR_INVALID_ARGUMENT);
  }
  g_clear_pointer (&opaque, hn_value_unref);
  g_assert_cmpint (g_atomic_int_get (&counters_alive), ==, 0);
}

/* x (data) -> counter (an opaque host value) */
static gboolean
make_counter (HnNode          *node,
              HnValue * const *args,
              guint            n_args,
              HnValue        **results,
              GCancellable    *cancellable,
              gpointer         user_data,
              GError         **error)
{
  results[0] = counter_value (g_variant_get_int64 (hn_value_get_variant (args[0])), TRUE);
  return TRUE;
}

static void
test_collect_names_unconvertible_output (void)
{
  g_autoptr(HnNode) node = g_object_new (HN_TYPE_NODE, "name", "make", "inputs", STRV ("x"),
                                         "outputs", STRV ("counter"), NULL);
  g_autoptr(HnPipeline) pipeline = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;
  HnNode *nodes[] = { node, NULL };

  hn_node_set_value_func (node, make_counter, NULL, NULL);
  pipeline = hn_pipeline_new (nodes, G_N_ELEMENTS (nodes) - 1, NULL);

  /* the a{sv} API must return data: it says which output cannot be */
  result = hn_pipeline_run (pipeline, test_inputs_x (4), NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH);
  g_assert_nonnull (strstr (error->message, "“counter”"));
  g_assert_nonnull (strstr (error->message, "Counter 4"));
  g_clear_error (&error);

  result = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': <[int64 1, 2]>}"), STRV ("x"),
                            HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH);
  g_assert_nonnull (strstr (error->message, "item 0"));
  g_clear_error (&error);

  /* hn_node_invoke() too */
  {
    GVariant *args[] = { g_variant_new_int64 (1) };
    g_autoptr(GVariant) v = hn_node_invoke (node, args, 1, NULL, &error);

    g_assert_null (v);
    g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH);
  }
  g_assert_cmpint (g_atomic_int_get (&counters_alive), ==, 0);
}

static gint calls_optional;

static gboolean
greet (HnNode          *node,
       HnValue * const *args,
       guint            n_args,
       HnValue        **results,
       GCancellable    *cancellable,
       gpointer         user_data,
       GError         **error)
{
  const char *greeting = args[1] ? g_variant_get_string (hn_value_get_variant (args[1]), NULL)
                                 : "hello";

  g_atomic_int_inc (&calls_optional);
  results[0] = hn_value_new_variant (g_variant_new_printf ("%s %s", greeting,
                                     g_variant_get_string (hn_value_get_variant (args[0]),
                                                           NULL)));
  return TRUE;
}

static void
test_optional_inputs (gconstpointer data)
{
  ExecutorFactory make = data;
  g_autoptr(HnNode) node = g_object_new (HN_TYPE_NODE, "name", "greet",
                                         "inputs", STRV ("who", "greeting"),
                                         "outputs", STRV ("text"),
                                         "optional-inputs", STRV ("greeting"), NULL);
  g_autoptr(HnPipeline) base = NULL;
  g_autoptr(HnPipeline) pipeline = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;
  HnNode *nodes[] = { node, NULL };

  hn_node_set_value_func (node, greet, NULL, NULL);
  base = hn_pipeline_new (nodes, G_N_ELEMENTS (nodes) - 1, NULL);
  pipeline = with_executor (base, make);

  result = hn_pipeline_run (pipeline, g_variant_new_parsed ("{'who': <'Ada'>}"), NULL, NULL,
                            &error);
  g_assert_no_error (error);
  {
    g_autoptr(GVariant) text = g_variant_lookup_value (result, "text", NULL);
    g_assert_cmpstr (g_variant_get_string (text, NULL), ==, "hello Ada");
  }
  g_clear_pointer (&result, g_variant_unref);

  result = hn_pipeline_run (pipeline,
                            g_variant_new_parsed ("{'who': <'Ada'>, 'greeting': <'hi'>}"), NULL,
                            NULL, &error);
  g_assert_no_error (error);
  {
    g_autoptr(GVariant) text = g_variant_lookup_value (result, "text", NULL);
    g_assert_cmpstr (g_variant_get_string (text, NULL), ==, "hi Ada");
  }
  g_clear_pointer (&result, g_variant_unref);

  /* the other input is still required, and named */
  result = hn_pipeline_run (pipeline, NULL, NULL, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT);
  g_assert_nonnull (strstr (error->message, "“who”"));
  g_assert_null (strstr (error->message, "greeting"));
  g_clear_error (&error);

  /* hn_node_invoke() passes NULL for it too */
  {
    GVariant *args[] = { g_variant_new_string ("Bo"), NULL };
    g_autoptr(GVariant) v = hn_node_invoke (node, args, 2, NULL, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (g_variant_get_string (v, NULL), ==, "hello Bo");
  }
}

/* an asynchronous value function completing from other threads */
typedef struct
{
  HnValueCall *call;
  HnValue     *arg;
} Pending;

static gpointer
complete_later (gpointer data)
{
  Pending *p = data;
  HnValue *results[1];

  g_usleep (20000);
  results[0] = hn_value_ref (p->arg);
  hn_value_call_return_values (p->call, results);
  hn_value_unref (p->arg);
  g_free (p);
  return NULL;
}

static gint in_flight, max_in_flight;
static GPtrArray *completers;  /* joined by the test */
static GMutex completers_lock;

static void
echo_async (HnNode          *node,
            HnValue * const *args,
            guint            n_args,
            GCancellable    *cancellable,
            HnValueCall     *call,
            gpointer         user_data)
{
  Pending *p = g_new0 (Pending, 1);
  gint now = g_atomic_int_add (&in_flight, 1) + 1;

  if (now > g_atomic_int_get (&max_in_flight))
    g_atomic_int_set (&max_in_flight, now);
  p->call = call;
  p->arg = hn_value_ref (args[0]);
  g_mutex_lock (&completers_lock);
  g_ptr_array_add (completers, g_thread_new ("complete", complete_later, p));
  g_mutex_unlock (&completers_lock);
}

static gboolean
echo_sync (HnNode          *node,
           HnValue * const *args,
           guint            n_args,
           HnValue        **results,
           GCancellable    *cancellable,
           gpointer         user_data,
           GError         **error)
{
  results[0] = hn_value_ref (args[0]);
  return TRUE;
}

static void
count_done (HnCallback        *self,
            HnNode            *node,
            gint64             item,
            GVariant          *result,
            double             duration,
            HnCallbackContext *context)
{
}

static void
test_async_value_func (void)
{
  g_autoptr(HnNode) node = g_object_new (HN_TYPE_NODE, "name", "echo", "inputs", STRV ("x"),
                                         "outputs", STRV ("y"), NULL);
  g_autoptr(HnPipeline) base = NULL;
  g_autoptr(HnPipeline) pipeline = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariantBuilder) xs = g_variant_builder_new (G_VARIANT_TYPE ("ax"));
  HnNode *nodes[] = { node, NULL };

  (void) count_done;
  completers = g_ptr_array_new ();
  hn_node_set_value_func (node, echo_sync, NULL, NULL);
  hn_node_set_value_async_func (node, echo_async, NULL, NULL);
  base = hn_pipeline_new (nodes, G_N_ELEMENTS (nodes) - 1, NULL);
  pipeline = with_executor (base, make_async);
  for (gint i = 0; i < 20; i++)
    g_variant_builder_add (xs, "x", (gint64) i);

  result = hn_pipeline_map (pipeline,
                            g_variant_new_parsed ("{'x': %v}", g_variant_builder_end (xs)),
                            STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (result), ==, 20);
  for (gint i = 0; i < 20; i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (result, i);
      g_assert_cmpint (test_lookup_int (item, "y"), ==, i);
    }
  /* they were in flight together, on the async executor's one thread */
  g_assert_cmpint (g_atomic_int_get (&max_in_flight), >, 1);
  for (guint i = 0; i < completers->len; i++)
    g_thread_join (completers->pdata[i]);
  g_ptr_array_unref (completers);
}

static void
test_host_cache_key (void)
{
  g_autoptr(HnNode) first = bump_node ("first", "counter", "bumped", FALSE);
  HnNode *nodes[] = { first, NULL };
  g_autoptr(HnPipeline) base = hn_pipeline_new (nodes, G_N_ELEMENTS (nodes) - 1, NULL);
  g_autoptr(HnCache) cache = HN_CACHE (hn_memory_cache_new (0, 0));
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new_full (NULL, NULL, cache, NULL, 0, 0,
                                                                   0);
  g_autoptr(HnPipeline) pipeline = hn_pipeline_with_config (base, config);
  g_autoptr(GError) error = NULL;
  const char *names[] = { "counter" };

  g_atomic_int_set (&calls_bump, 0);
  /* 1 and 3 have the same key ("odd"): the second is a hit, with the data of the first */
  for (gint n = 1; n <= 3; n += 2)
    {
      g_autoptr(HnValue) counter = counter_value (n, FALSE);
      HnValue *values[] = { counter };
      g_autoptr(HnRun) run = hn_run_new_values (pipeline, 1, names, values, NULL, NULL, &error);
      HnValue * const *results;
      guint k;

      g_assert_true (hn_run_execute_values (run, &error));
      g_assert_no_error (error);
      g_autoptr(GVariant) v = NULL;

      results = hn_run_get_result_values (run, 0, &k);
      /* the first is the node's own counter; the hit, the data the cache stored */
      g_assert_true (hn_value_is_host (results[0]) == (n == 1));
      v = hn_value_to_variant (results[0], NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (g_variant_get_int64 (v), ==, 2);
    }
  g_assert_cmpint (g_atomic_int_get (&calls_bump), ==, 1);
  g_assert_cmpint (g_atomic_int_get (&counters_alive), ==, 0);
}

/* ---- nodes bound to a main context ------------------------------------------------------ */

static GThread *main_thread;
static gint bound_calls, bound_elsewhere, free_elsewhere;

static GVariant *
bound_plus_one (GVariant * const *args,
                guint             n_args,
                gpointer          user_data,
                GError          **error)
{
  g_atomic_int_inc (&bound_calls);
  if (g_thread_self () != main_thread)
    g_atomic_int_inc (&bound_elsewhere);
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) + 1);
}

static GVariant *
free_times_two (GVariant * const *args,
                guint             n_args,
                gpointer          user_data,
                GError          **error)
{
  if (g_thread_self () != main_thread)
    g_atomic_int_inc (&free_elsewhere);
  g_usleep (2000);
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) * 2);
}

static HnExecutor *
make_composite (void)
{
  g_autoptr(HnExecutor) items = hn_thread_pool_executor_new (3);
  g_autoptr(HnExecutor) nodes = hn_async_executor_new (4);

  return hn_composite_executor_new (items, nodes);
}

static void
test_bound_nodes_run_in_their_context (gconstpointer data)
{
  ExecutorFactory make = data;
  g_autoptr(HnNode) bound = hn_function_node_new ("bound", STRV ("x"), STRV ("a"),
                                                  bound_plus_one, NULL, NULL);
  g_autoptr(HnNode) free_node = hn_function_node_new ("free", STRV ("a"), STRV ("b"),
                                                      free_times_two, NULL, NULL);
  g_autoptr(HnPipeline) base = NULL;
  g_autoptr(HnPipeline) pipeline = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariantBuilder) xs = g_variant_builder_new (G_VARIANT_TYPE ("ax"));
  HnNode *nodes[] = { bound, free_node, NULL };

  main_thread = g_thread_self ();
  g_atomic_int_set (&bound_calls, 0);
  g_atomic_int_set (&bound_elsewhere, 0);
  hn_node_set_main_context (bound, g_main_context_default ());
  g_assert_true (hn_node_get_main_context (bound) == g_main_context_default ());
  base = hn_pipeline_new (nodes, 2, NULL);
  pipeline = with_executor (base, make);
  for (gint i = 0; i < 40; i++)
    g_variant_builder_add (xs, "x", (gint64) i);

  result = hn_pipeline_map (pipeline,
                            g_variant_new_parsed ("{'x': %v}", g_variant_builder_end (xs)),
                            STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  for (gint i = 0; i < 40; i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (result, i);
      g_assert_cmpint (test_lookup_int (item, "b"), ==, (i + 1) * 2);
    }
  g_clear_pointer (&result, g_variant_unref);
  g_assert_cmpint (g_atomic_int_get (&bound_calls), ==, 40);
  g_assert_cmpint (g_atomic_int_get (&bound_elsewhere), ==, 0);

  result = hn_pipeline_run (pipeline, test_inputs_x (4), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "b"), ==, 10);
  g_assert_cmpint (g_atomic_int_get (&bound_elsewhere), ==, 0);
}

/* a nested pipeline with a bound node is bound as a whole */
static void
test_bound_nested_pipeline (void)
{
  g_autoptr(HnNode) bound = hn_function_node_new ("bound", STRV ("x"), STRV ("a"),
                                                  bound_plus_one, NULL, NULL);
  g_autoptr(HnPipeline) inner = NULL;
  g_autoptr(HnNode) as_node = NULL;
  g_autoptr(GError) error = NULL;
  HnNode *nodes[] = { bound, NULL };

  hn_node_set_main_context (bound, g_main_context_default ());
  inner = hn_pipeline_new (nodes, 1, NULL);
  as_node = hn_pipeline_as_node (inner, "inner", NULL, NULL, NULL, HN_MAP_MODE_ZIP, &error);
  g_assert_no_error (error);
  g_assert_true (hn_node_get_main_context (as_node) == g_main_context_default ());
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint e = 0; e < G_N_ELEMENTS (executors); e++)
    {
      g_autofree char *by_ref = g_strdup_printf ("/Hn/Value/by-reference/%s", executors[e].name);
      g_autofree char *map = g_strdup_printf ("/Hn/Value/map/%s", executors[e].name);
      g_autofree char *columns = g_strdup_printf ("/Hn/Value/map-columns/%s",
                                                  executors[e].name);
      g_autofree char *optional = g_strdup_printf ("/Hn/Value/optional-inputs/%s",
                                                   executors[e].name);

      g_test_add_data_func (by_ref, executors[e].make, test_host_values_pass_by_reference);
      g_test_add_data_func (map, executors[e].make, test_map_over_host_values);
      g_test_add_data_func (columns, executors[e].make, test_map_over_host_columns);
      g_test_add_data_func (optional, executors[e].make, test_optional_inputs);
    }
  g_test_add_func ("/Hn/Value/columns", test_host_columns);
  g_test_add_func ("/Hn/Value/sequential-drops", test_sequential_run_drops_values_it_is_done_with);
  g_test_add_func ("/Hn/Value/unconvertible", test_unconvertible_host_values_fail_clearly);
  g_test_add_func ("/Hn/Value/to-variant", test_collect_names_unconvertible_output);
  g_test_add_func ("/Hn/Value/async-value-func", test_async_value_func);
  g_test_add_func ("/Hn/Value/cache-key", test_host_cache_key);
  g_test_add_data_func ("/Hn/MainContext/thread-pool", make_pool,
                        test_bound_nodes_run_in_their_context);
  g_test_add_data_func ("/Hn/MainContext/async", make_async,
                        test_bound_nodes_run_in_their_context);
  g_test_add_data_func ("/Hn/MainContext/sequential", make_sequential,
                        test_bound_nodes_run_in_their_context);
  g_test_add_data_func ("/Hn/MainContext/composite", make_composite,
                        test_bound_nodes_run_in_their_context);
  g_test_add_func ("/Hn/MainContext/nested", test_bound_nested_pipeline);

  return g_test_run ();
}
