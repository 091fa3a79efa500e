/* test-parity.c: every native executor gives the same results on one set of pipelines, and the
 * parallel and async executors really overlap work.
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>

#include "test-common.h"
#include "hn-tsan-private.h"

typedef HnExecutor *(*ExecutorFactory) (void);

static HnExecutor *make_sequential (void) { return hn_sequential_executor_new (); }
static HnExecutor *make_pool_1 (void) { return hn_thread_pool_executor_new (1); }
static HnExecutor *make_pool_2 (void) { return hn_thread_pool_executor_new (2); }
static HnExecutor *make_pool_4 (void) { return hn_thread_pool_executor_new (4); }
static HnExecutor *make_async (void) { return hn_async_executor_new (8); }

/* items on a thread pool, the nodes of each item on the async executor; and the other way */
static HnExecutor *
make_composite_pool_async (void)
{
  g_autoptr(HnExecutor) items = hn_thread_pool_executor_new (2);
  g_autoptr(HnExecutor) nodes = hn_async_executor_new (4);

  return hn_composite_executor_new (items, nodes);
}

static HnExecutor *
make_composite_async_pool (void)
{
  g_autoptr(HnExecutor) items = hn_async_executor_new (4);
  g_autoptr(HnExecutor) nodes = hn_thread_pool_executor_new (2);

  return hn_composite_executor_new (items, nodes);
}

typedef struct
{
  const char      *name;
  ExecutorFactory  make;
} ExecutorCase;

static const ExecutorCase executor_cases[] = {
  { "sequential", make_sequential },
  { "thread-pool-1", make_pool_1 },
  { "thread-pool-2", make_pool_2 },
  { "thread-pool-4", make_pool_4 },
  { "async", make_async },
  { "composite-pool-async", make_composite_pool_async },
  { "composite-async-pool", make_composite_async_pool },
};

static GVariant *
sum_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  gint64 total = 0;

  for (guint i = 0; i < n_args; i++)
    total += g_variant_get_int64 (args[i]);
  if (total == 680)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "unlucky total");
      return NULL;
    }
  return g_variant_new_int64 (total);
}

static GVariant *
split_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  gint64 x = g_variant_get_int64 (args[0]);
  return g_variant_new ("(xs)", x % 7, x % 2 ? "odd" : "even");
}

/* A pipeline with a fan-out, a join, a multi-output node and a side branch. */
static HnPipeline *
shared_pipeline (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  HnPipeline *pipeline;

  g_ptr_array_add (nodes, test_double_node ());
  g_ptr_array_add (nodes, test_add_one_node ());
  g_ptr_array_add (nodes, test_square_node ());
  for (int i = 0; i < 8; i++)
    {
      g_autofree char *name = g_strdup_printf ("fan%d", i);
      g_autofree char *out = g_strdup_printf ("f%d", i);
      g_ptr_array_add (nodes, test_int_node (name, "x", out, i));
    }
  g_ptr_array_add (nodes, hn_function_node_new ("join",
                                                STRV ("f0", "f1", "f2", "f3", "f4", "f5", "f6",
                                                      "f7", "squared", "result"),
                                                STRV ("total"), sum_func, NULL, NULL));
  g_ptr_array_add (nodes, hn_function_node_new_full ("split", STRV ("total"), STRV ("x"),
                                                     STRV ("mod7", "parity"), STRV ("x", "s"),
                                                     split_func, NULL, NULL));
  g_ptr_array_add (nodes, test_int_node ("side", "y", "side_out", 1000));

  pipeline = hn_pipeline_new ((HnNode **) nodes->pdata, nodes->len, &error);
  g_assert_no_error (error);
  return pipeline;
}

/* The shared pipeline nested in another one, with "y" bound: an outer node feeds it. With
 * @mapped, it maps over a list of x instead. */
static HnPipeline *
nested_pipeline (gboolean mapped)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) inner = shared_pipeline ();
  g_autoptr(HnPipeline) bound = hn_pipeline_bind (inner, g_variant_new_parsed ("{'y': <int64 2>}"),
                                                  &error);
  g_autoptr(HnNode) node = NULL;
  g_autoptr(HnNode) pre = test_int_node ("pre", "x", "x0", 0);
  HnPipeline *pipeline;

  g_assert_no_error (error);
  node = hn_pipeline_as_node (bound, "shared", g_variant_new_parsed ("{'x0': 'x'}"), NULL,
                              mapped ? STRV ("x0") : NULL, HN_MAP_MODE_ZIP, &error);
  g_assert_no_error (error);
  if (mapped)
    pipeline = hn_pipeline_new ((HnNode *[]) { node }, 1, &error);
  else
    pipeline = hn_pipeline_new ((HnNode *[]) { pre, node }, 2, &error);
  g_assert_no_error (error);
  return pipeline;
}

static GVariant *
run_with (HnExecutor          *executor,
          HnPipeline          *pipeline,
          GVariant            *inputs,
          const char * const  *outputs,
          GError             **error)
{
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, executor);
  g_autoptr(HnPipeline) configured = hn_pipeline_with_config (pipeline, config);

  return hn_pipeline_run (configured, inputs, outputs, NULL, error);
}

static GVariant *
map_with (HnExecutor          *executor,
          HnPipeline          *pipeline,
          GVariant            *inputs,
          const char * const  *outputs,
          GError             **error)
{
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, executor);
  g_autoptr(HnPipeline) configured = hn_pipeline_with_config (pipeline, config);

  return hn_pipeline_map (configured, inputs, STRV ("x"), HN_MAP_MODE_ZIP, outputs, NULL, error);
}

static GVariant *
xs (gint64 first,
    gint64 n,
    gboolean with_y)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("ax"));
  for (gint64 i = 0; i < n; i++)
    g_variant_builder_add (&b, "x", first + i);
  if (with_y)
    return g_variant_new_parsed ("{'x': %v, 'y': <int64 1>}", g_variant_builder_end (&b));
  return g_variant_new_parsed ("{'x': %v}", g_variant_builder_end (&b));
}

static void
test_parity (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) reference = hn_sequential_executor_new ();
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(HnPipeline) pipeline = shared_pipeline ();
  struct {
    const char *inputs;
    const char * const *outputs;
  } runs[] = {
    { "{'x': <int64 5>, 'y': <int64 2>}", NULL },
    { "{'x': <int64 5>}", STRV ("parity", "mod7") },
    { "{'x': <int64 3>}", STRV ("doubled") },
    { "{'y': <int64 3>}", STRV ("side_out") },
  };

  for (guint r = 0; r < G_N_ELEMENTS (runs); r++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) expected = run_with (reference, pipeline,
                                               g_variant_new_parsed (runs[r].inputs),
                                               runs[r].outputs, &error);
      g_autoptr(GVariant) got = NULL;

      g_assert_no_error (error);
      got = run_with (executor, pipeline, g_variant_new_parsed (runs[r].inputs), runs[r].outputs,
                      &error);
      g_assert_no_error (error);
      g_assert_cmpvariant (got, expected);
    }

  /* the same, nested in an outer pipeline with a bound input; and mapped over a list */
  {
    g_autoptr(HnPipeline) nested = nested_pipeline (FALSE);
    g_autoptr(HnPipeline) mapped = nested_pipeline (TRUE);
    const char *list_inputs = "{'x0': <[int64 1, 5, 9, 13]>}";

    for (guint r = 0; r < 2; r++)
      {
        g_autoptr(GError) error = NULL;
        HnPipeline *p = r == 0 ? nested : mapped;
        const char *inputs = r == 0 ? "{'x': <int64 5>}" : list_inputs;
        g_autoptr(GVariant) expected = run_with (reference, p, g_variant_new_parsed (inputs), NULL,
                                                 &error);
        g_autoptr(GVariant) got = NULL;

        g_assert_no_error (error);
        got = run_with (executor, p, g_variant_new_parsed (inputs), NULL, &error);
        g_assert_no_error (error);
        g_assert_cmpvariant (got, expected);
        g_clear_pointer (&got, g_variant_unref);
        g_clear_pointer (&expected, g_variant_unref);

        if (r == 0)
          {
            expected = map_with (reference, p, xs (100, 40, FALSE), STRV ("total", "parity"),
                                 &error);
            g_assert_no_error (error);
            got = map_with (executor, p, xs (100, 40, FALSE), STRV ("total", "parity"), &error);
            g_assert_no_error (error);
            g_assert_cmpvariant (got, expected);
          }
      }
  }

  /* maps: 0, 1 and 1000 items */
  for (gint64 n = 0; n <= 1000; n = n == 0 ? 1 : n * 1000)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) expected = map_with (reference, pipeline, xs (100, n, TRUE), NULL, &error);
      g_autoptr(GVariant) got = NULL;

      g_assert_no_error (error);
      got = map_with (executor, pipeline, xs (100, n, TRUE), NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_variant_n_children (got), ==, n);
      g_assert_cmpvariant (got, expected);
    }
}

static void
test_parity_errors (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(HnPipeline) pipeline = shared_pipeline ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  result = run_with (executor, pipeline, g_variant_new_parsed ("{'y': <int64 1>}"), NULL, &error);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT);
  g_assert_cmpstr (error->message, ==, "Missing input “x”");
  g_clear_error (&error);

  result = run_with (executor, pipeline, g_variant_new_parsed ("{'x': <int64 1>}"),
                     STRV ("nope"), &error);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_OUTPUT);
  g_clear_error (&error);

  result = run_with (executor, pipeline, g_variant_new_parsed ("{'x': <'s'>}"), STRV ("doubled"),
                     &error);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH);
  g_clear_error (&error);

  /* join's total is (8x + 28) + x^2 + (2x + 1), which is 680, the unlucky total, for x = 21 */
  result = run_with (executor, pipeline, g_variant_new_parsed ("{'x': <int64 21>}"),
                     STRV ("total"), &error);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "Node “join” failed: unlucky total");
  g_clear_error (&error);

  /* in a map, the failing item is named: items 0..29 are x = 0..29, item 21 fails */
  result = map_with (executor, pipeline, xs (0, 30, FALSE), STRV ("parity"), &error);
  g_assert_null (result);
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
  g_assert_cmpstr (error->message, ==, "Node “join” failed on item 21: unlucky total");
  g_clear_error (&error);

  /* nested: the path of nodes is named */
  {
    g_autoptr(HnPipeline) nested = nested_pipeline (FALSE);
    g_autoptr(HnPipeline) mapped = nested_pipeline (TRUE);

    result = run_with (executor, nested, g_variant_new_parsed ("{'x': <int64 21>}"), NULL,
                       &error);
    g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
    g_assert_cmpstr (error->message, ==, "Node “shared › join” failed: unlucky total");
    g_clear_error (&error);

    result = map_with (executor, nested, xs (0, 30, FALSE), NULL, &error);
    g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
    g_assert_cmpstr (error->message, ==, "Node “shared › join” failed on item 21: unlucky total");
    g_clear_error (&error);

    result = run_with (executor, mapped, g_variant_new_parsed ("{'x0': <[int64 1, 21]>}"), NULL,
                       &error);
    g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
    g_assert_cmpstr (error->message, ==, "Node “shared[1] › join” failed: unlucky total");
  }
}

/* ---- overlap: two independent slow nodes run at the same time on the pool ---------------- */

typedef struct
{
  gint64 start;
  gint64 end;
} Span;

static GVariant *
sleep_ms_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  Span *span = user_data;

  span->start = g_get_monotonic_time ();
  g_usleep ((gulong) span->end * 1000);  /* span->end holds the duration before the call */
  span->end = g_get_monotonic_time ();
  return g_variant_new_int64 (0);
}

static gboolean
overlaps (const Span *a,
          const Span *b)
{
  return a->start < b->end && b->start < a->end;
}

static void
test_thread_pool_overlap (void)
{
  Span spans[4] = { { 0, 100 }, { 0, 100 }, { 0, 20 }, { 0, 20 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(HnExecutor) executor = hn_thread_pool_executor_new (2);
  g_autoptr(HnNode) slow = hn_function_node_new ("slow", STRV ("x"), STRV ("a"), sleep_ms_func,
                                                 &spans[0], NULL);
  g_autoptr(HnNode) after_slow = hn_function_node_new ("after_slow", STRV ("a"), STRV ("b"),
                                                       sleep_ms_func, &spans[1], NULL);
  g_autoptr(HnNode) fast = hn_function_node_new ("fast", STRV ("x"), STRV ("c"), sleep_ms_func,
                                                 &spans[2], NULL);
  g_autoptr(HnNode) after_fast = hn_function_node_new ("after_fast", STRV ("c"), STRV ("d"),
                                                       sleep_ms_func, &spans[3], NULL);
  g_autoptr(HnPipeline) pipeline =
    hn_pipeline_new ((HnNode *[]) { slow, after_slow, fast, after_fast }, 4, &error);
  g_autoptr(GVariant) result = NULL;

  g_assert_no_error (error);
  result = run_with (executor, pipeline, test_inputs_x (1), NULL, &error);
  g_assert_no_error (error);

  /* slow and fast start together; after_fast starts as soon as fast is done, while slow is
   * still running: no waves */
  g_assert_true (overlaps (&spans[0], &spans[2]));
  g_assert_true (overlaps (&spans[0], &spans[3]));
  g_assert_cmpint (spans[3].start, <, spans[0].end);
  /* and dependencies are respected */
  g_assert_cmpint (spans[1].start, >=, spans[0].end);
  g_assert_cmpint (spans[3].start, >=, spans[2].end);
}

typedef struct
{
  GMutex lock;
  gint   running;
  gint   max_running;
  gint   calls;
} Concurrency;

static GVariant *
tracked_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  Concurrency *c = user_data;

  hn_mutex_lock (&c->lock);
  c->running++;
  c->calls++;
  c->max_running = MAX (c->max_running, c->running);
  hn_mutex_unlock (&c->lock);

  g_usleep (2000);

  hn_mutex_lock (&c->lock);
  c->running--;
  hn_mutex_unlock (&c->lock);
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) * 3);
}

static void
test_thread_pool_map_parallel (void)
{
  Concurrency c = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(HnExecutor) executor = hn_thread_pool_executor_new (4);
  g_autoptr(HnNode) node = hn_function_node_new ("tracked", STRV ("x"), STRV ("y"), tracked_func,
                                                 &c, NULL);
  g_autoptr(HnPipeline) pipeline = hn_pipeline_new (&node, 1, &error);
  g_autoptr(GVariant) results = NULL;

  g_mutex_init (&c.lock);
  results = map_with (executor, pipeline, xs (0, 200, FALSE), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (c.calls, ==, 200);
  g_assert_cmpint (c.max_running, >, 1);
  g_assert_cmpint (c.max_running, <=, 4);
  for (gsize i = 0; i < 200; i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (results, i);
      g_assert_cmpint (test_lookup_int (item, "y"), ==, 3 * (gint64) i);
    }
  g_mutex_clear (&c.lock);
}

/* A node that runs a whole pipeline on the same executor must not starve the pool. */
typedef struct
{
  HnExecutor *executor;
  HnPipeline *inner;
} Nested;

static GVariant *
nested_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  Nested *nested = user_data;
  g_autoptr(GVariant) inputs = g_variant_ref_sink (test_inputs_x (g_variant_get_int64 (args[0])));
  g_autoptr(GVariant) items = NULL;
  g_autoptr(GVariant) result = NULL;
  GVariantBuilder b;
  gint64 total = 0;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("aa{sv}"));
  for (int i = 0; i < 10; i++)
    g_variant_builder_add_value (&b, inputs);
  items = g_variant_ref_sink (g_variant_builder_end (&b));

  result = hn_executor_map_items (nested->executor, nested->inner, items, NULL, NULL, NULL, NULL,
                                  error);
  if (result == NULL)
    return NULL;
  for (gsize i = 0; i < 10; i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (result, i);
      total += test_lookup_int (item, "result");
    }
  return g_variant_new_int64 (total);
}

static void
test_thread_pool_nested (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnExecutor) executor = hn_thread_pool_executor_new (2);
  g_autoptr(HnNode) a = test_double_node ();
  g_autoptr(HnNode) b = test_add_one_node ();
  g_autoptr(HnPipeline) inner = hn_pipeline_new ((HnNode *[]) { a, b }, 2, &error);
  Nested nested = { executor, inner };
  g_autoptr(HnNode) outer_node = hn_function_node_new ("outer", STRV ("x"), STRV ("sum"),
                                                       nested_func, &nested, NULL);
  g_autoptr(HnPipeline) outer = hn_pipeline_new (&outer_node, 1, &error);
  g_autoptr(GVariant) results = NULL;

  g_assert_no_error (error);
  results = map_with (executor, outer, xs (0, 50, FALSE), NULL, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < 50; i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (results, i);
      g_assert_cmpint (test_lookup_int (item, "sum"), ==, 10 * (2 * (gint64) i + 1));
    }
}

/* ---- cancellation of a large map, on every executor -------------------------------------- */

typedef struct
{
  GCancellable *cancellable;
  gint64        cancel_at;
  gint          calls_after_cancel;
  gint          cancelled;
} CancelState;

static GVariant *
cancelling_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  CancelState *state = user_data;
  gint64 x = g_variant_get_int64 (args[0]);

  if (g_atomic_int_get (&state->cancelled))
    g_atomic_int_inc (&state->calls_after_cancel);
  if (x == state->cancel_at)
    {
      g_cancellable_cancel (state->cancellable);
      g_atomic_int_set (&state->cancelled, 1);
    }
  return g_variant_new_int64 (x);
}

static void
test_cancel_large_map (gconstpointer data)
{
  const ExecutorCase *ec = data;
  CancelState state = { g_cancellable_new (), 5000, 0, 0 };
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(HnNode) node = hn_function_node_new ("cancelling", STRV ("x"), STRV ("y"),
                                                 cancelling_func, &state, NULL);
  g_autoptr(HnNode) next = test_int_node ("next", "y", "z", 1);
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = hn_pipeline_new ((HnNode *[]) { node, next }, 2, &error);
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, executor);
  g_autoptr(HnPipeline) configured = hn_pipeline_with_config (pipeline, config);
  g_autoptr(GVariant) results = NULL;

  results = hn_pipeline_map (configured, xs (0, 100000, FALSE), STRV ("x"), HN_MAP_MODE_ZIP,
                             NULL, state.cancellable, &error);
  g_assert_null (results);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* Nodes already running when the cancel happened may finish; no new node starts after it is
   * seen. Each worker can be inside at most one node call. */
  g_assert_cmpint (state.calls_after_cancel, <=, 8);
  g_object_unref (state.cancellable);
}

/* ---- the async executor: truly asynchronous nodes ---------------------------------------- */

#define TEST_TYPE_TIMEOUT_NODE (test_timeout_node_get_type ())
G_DECLARE_FINAL_TYPE (TestTimeoutNode, test_timeout_node, TEST, TIMEOUT_NODE, HnNode)

struct _TestTimeoutNode
{
  HnNode  parent_instance;
  guint   ms;
  gint   *in_flight;
  gint   *max_in_flight;
  GThread *thread;
};

G_DEFINE_FINAL_TYPE (TestTimeoutNode, test_timeout_node, HN_TYPE_NODE)

typedef struct
{
  TestTimeoutNode *self;
  GTask           *task;
  gint64           value;
} TimeoutCall;

static gboolean
timeout_fired (gpointer data)
{
  TimeoutCall *call = data;

  (*call->self->in_flight)--;
  g_task_return_pointer (call->task, g_variant_ref_sink (g_variant_new_int64 (call->value + 1)),
                         (GDestroyNotify) g_variant_unref);
  g_object_unref (call->task);
  g_free (call);
  return G_SOURCE_REMOVE;
}

static void
timeout_invoke_async (HnNode              *node,
                      GVariant * const    *args,
                      guint                n_args,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  TestTimeoutNode *self = TEST_TIMEOUT_NODE (node);
  TimeoutCall *call = g_new0 (TimeoutCall, 1);

  self->thread = g_thread_self ();
  call->self = self;
  call->task = g_task_new (node, cancellable, callback, user_data);
  call->value = g_variant_get_int64 (args[0]);
  (*self->in_flight)++;
  *self->max_in_flight = MAX (*self->max_in_flight, *self->in_flight);
  g_timeout_add (self->ms, timeout_fired, call);
}

static GVariant *
timeout_invoke_finish (HnNode        *node,
                       GAsyncResult  *result,
                       GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
test_timeout_node_class_init (TestTimeoutNodeClass *klass)
{
  HN_NODE_CLASS (klass)->invoke_async = timeout_invoke_async;
  HN_NODE_CLASS (klass)->invoke_finish = timeout_invoke_finish;
}

static void
test_timeout_node_init (TestTimeoutNode *self)
{
}

static HnNode *
timeout_node (const char *name,
              const char *input,
              const char *output,
              guint       ms,
              gint       *in_flight,
              gint       *max_in_flight)
{
  TestTimeoutNode *node = g_object_new (TEST_TYPE_TIMEOUT_NODE,
                                        "name", name,
                                        "inputs", STRV (input),
                                        "outputs", STRV (output),
                                        NULL);
  node->ms = ms;
  node->in_flight = in_flight;
  node->max_in_flight = max_in_flight;
  return HN_NODE (node);
}

typedef struct
{
  GMainLoop *loop;
  GVariant  *result;
  GError    *error;
  gint       ticks;
} LoopData;

static void
loop_done (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  LoopData *data = user_data;

  if (g_task_get_source_tag (G_TASK (res)) == hn_pipeline_map_async)
    data->result = hn_pipeline_map_finish (HN_PIPELINE (source), res, &data->error);
  else
    data->result = hn_pipeline_run_finish (HN_PIPELINE (source), res, &data->error);
  g_main_loop_quit (data->loop);
}

static gboolean
tick (gpointer user_data)
{
  LoopData *data = user_data;
  data->ticks++;
  return G_SOURCE_CONTINUE;
}

static void
test_async_fan_out (void)
{
  gint in_flight = 0, max_in_flight = 0;
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HnExecutor) executor = hn_async_executor_new (20);
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, executor);
  g_autoptr(HnPipeline) pipeline = NULL;
  g_autoptr(HnPipeline) configured = NULL;
  g_autoptr(GError) error = NULL;
  LoopData data = { g_main_loop_new (NULL, FALSE) };
  gint64 start, elapsed;
  guint tick_id;

  for (int i = 0; i < 100; i++)
    {
      g_autofree char *name = g_strdup_printf ("wait%d", i);
      g_autofree char *out = g_strdup_printf ("w%d", i);
      g_ptr_array_add (nodes, timeout_node (name, "x", out, 20, &in_flight, &max_in_flight));
    }
  pipeline = hn_pipeline_new ((HnNode **) nodes->pdata, nodes->len, &error);
  g_assert_no_error (error);
  configured = hn_pipeline_with_config (pipeline, config);

  /* the main context keeps running while the nodes wait */
  tick_id = g_timeout_add (2, tick, &data);
  start = g_get_monotonic_time ();
  hn_pipeline_run_async (configured, test_inputs_x (1), NULL, NULL, loop_done, &data);
  g_main_loop_run (data.loop);
  elapsed = g_get_monotonic_time () - start;
  g_source_remove (tick_id);

  g_assert_no_error (data.error);
  g_assert_cmpuint (g_variant_n_children (data.result), ==, 100);
  g_assert_cmpint (test_lookup_int (data.result, "w99"), ==, 2);
  /* 100 calls of 20 ms, 20 in flight at once (the wall time is measured by bench/, not here),
   * and the main context kept running meanwhile */
  g_assert_cmpint (max_in_flight, ==, 20);
  g_assert_cmpint (data.ticks, >, 5);
  g_test_message ("100 x 20 ms at concurrency 20: %" G_GINT64_FORMAT " ms", elapsed / 1000);
  g_main_loop_unref (data.loop);
  g_variant_unref (data.result);
}

static void
test_async_map_mixed (void)
{
  gint in_flight = 0, max_in_flight = 0;
  g_autoptr(HnExecutor) executor = hn_async_executor_new (5);
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, executor);
  g_autoptr(HnNode) wait = timeout_node ("wait", "x", "waited", 5, &in_flight, &max_in_flight);
  g_autoptr(HnNode) pass = hn_function_node_new ("pass", STRV ("waited"), STRV ("passed"),
                                                 sum_func, NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = hn_pipeline_new ((HnNode *[]) { wait, pass }, 2, &error);
  g_autoptr(HnPipeline) configured = hn_pipeline_with_config (pipeline, config);
  LoopData data = { g_main_loop_new (NULL, FALSE) };

  hn_pipeline_map_async (configured, xs (0, 40, FALSE), STRV ("x"), HN_MAP_MODE_ZIP,
                         STRV ("passed"), NULL, loop_done, &data);
  g_main_loop_run (data.loop);
  g_assert_no_error (data.error);
  g_assert_cmpuint (g_variant_n_children (data.result), ==, 40);
  for (gsize i = 0; i < 40; i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (data.result, i);
      g_assert_cmpint (test_lookup_int (item, "passed"), ==, (gint64) i + 1);
    }
  g_assert_cmpint (max_in_flight, <=, 5);
  g_assert_cmpint (max_in_flight, >, 1);
  g_assert_true (TEST_TIMEOUT_NODE (wait)->thread == g_thread_self ());
  g_main_loop_unref (data.loop);
  g_variant_unref (data.result);
}

/* A node that runs a pipeline on the same async executor, from the executor's own threads. */
typedef struct
{
  HnPipeline *inner;
} AsyncNested;

static GVariant *
async_nested_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  AsyncNested *nested = user_data;
  g_autoptr(GVariant) result = hn_pipeline_run (nested->inner,
                                                test_inputs_x (g_variant_get_int64 (args[0])),
                                                STRV ("result"), NULL, error);

  return result ? g_variant_lookup_value (result, "result", NULL) : NULL;
}

static void
test_async_nested (void)
{
  for (guint concurrency = 1; concurrency <= 2; concurrency++)
    {
      g_autoptr(HnExecutor) executor = hn_async_executor_new (concurrency);
      g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, executor);
      g_autoptr(HnNode) a = test_double_node ();
      g_autoptr(HnNode) b = test_add_one_node ();
      g_autoptr(GError) error = NULL;
      g_autoptr(HnPipeline) inner_plain = hn_pipeline_new ((HnNode *[]) { a, b }, 2, &error);
      g_autoptr(HnPipeline) inner = hn_pipeline_with_config (inner_plain, config);
      AsyncNested nested = { inner };
      g_autoptr(HnNode) outer_node = hn_function_node_new ("outer", STRV ("x"), STRV ("y"),
                                                           async_nested_func, &nested, NULL);
      g_autoptr(HnPipeline) outer_plain = hn_pipeline_new (&outer_node, 1, &error);
      g_autoptr(HnPipeline) outer = hn_pipeline_with_config (outer_plain, config);
      g_autoptr(GVariant) results = NULL;

      g_assert_no_error (error);
      results = hn_pipeline_map (outer, xs (0, 6, FALSE), STRV ("x"), HN_MAP_MODE_ZIP, NULL,
                                 NULL, &error);
      g_assert_no_error (error);
      for (gsize i = 0; i < 6; i++)
        {
          g_autoptr(GVariant) item = g_variant_get_child_value (results, i);
          g_assert_cmpint (test_lookup_int (item, "y"), ==, 2 * (gint64) i + 1);
        }
    }
}

static void
test_thread_pool_map_without_error_location (void)
{
  g_autoptr(HnExecutor) executor = hn_thread_pool_executor_new (2);
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, executor);
  g_autoptr(HnNode) node = test_double_node ();
  g_autoptr(HnPipeline) plain = hn_pipeline_new (&node, 1, NULL);
  g_autoptr(HnPipeline) pipeline = hn_pipeline_with_config (plain, config);
  g_autoptr(GVariant) results = hn_pipeline_map (pipeline, xs (0, 3, FALSE), STRV ("x"),
                                                 HN_MAP_MODE_ZIP, NULL, NULL, NULL);
  g_autoptr(GVariant) failed = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': <[<'s'>]>}"),
                                                STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, NULL);

  g_assert_cmpuint (g_variant_n_children (results), ==, 3);
  g_assert_null (failed);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (executor_cases); i++)
    {
      g_autofree char *parity = g_strdup_printf ("/Hn/Parity/%s/results", executor_cases[i].name);
      g_autofree char *errors = g_strdup_printf ("/Hn/Parity/%s/errors", executor_cases[i].name);
      g_autofree char *cancel = g_strdup_printf ("/Hn/Parity/%s/cancel-large-map",
                                                 executor_cases[i].name);

      g_test_add_data_func (parity, &executor_cases[i], test_parity);
      g_test_add_data_func (errors, &executor_cases[i], test_parity_errors);
      g_test_add_data_func (cancel, &executor_cases[i], test_cancel_large_map);
    }
  g_test_add_func ("/Hn/ThreadPool/overlap", test_thread_pool_overlap);
  g_test_add_func ("/Hn/ThreadPool/map-parallel", test_thread_pool_map_parallel);
  g_test_add_func ("/Hn/ThreadPool/nested", test_thread_pool_nested);
  g_test_add_func ("/Hn/Async/fan-out", test_async_fan_out);
  g_test_add_func ("/Hn/Async/map-mixed", test_async_map_mixed);
  g_test_add_func ("/Hn/Async/nested", test_async_nested);
  g_test_add_func ("/Hn/ThreadPool/no-error-location", test_thread_pool_map_without_error_location);

  return g_test_run ();
}
