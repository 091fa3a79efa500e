/* test-executor.c: runtime configuration, executors, async runs, cancellation
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-common.h"

static HnPipeline *
double_add_one (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnNode) a = test_double_node ();
  g_autoptr(HnNode) b = test_add_one_node ();
  HnPipeline *pipeline = hn_pipeline_new ((HnNode *[]) { a, b }, 2, &error);

  g_assert_no_error (error);
  return pipeline;
}

static GVariant *
xs_input (gint64 n)
{
  GVariantBuilder xs;

  g_variant_builder_init (&xs, G_VARIANT_TYPE ("ax"));
  for (gint64 i = 0; i < n; i++)
    g_variant_builder_add (&xs, "x", i);
  return g_variant_new_parsed ("{'x': %v}", g_variant_builder_end (&xs));
}

static void
test_config_defaults (void)
{
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, NULL);
  g_autoptr(HnPipeline) pipeline = double_add_one ();

  g_assert_true (HN_IS_LOCAL_BACKEND (hn_runtime_config_get_backend (config)));
  g_assert_true (HN_IS_SEQUENTIAL_EXECUTOR (hn_runtime_config_get_executor (config)));
  g_assert_true (HN_IS_SEQUENTIAL_EXECUTOR (
    hn_runtime_config_get_executor (hn_pipeline_get_config (pipeline))));
}

static void
test_config_with_config (void)
{
  g_autoptr(HnBackend) backend = hn_local_backend_new ();
  g_autoptr(HnExecutor) executor = hn_sequential_executor_new ();
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (backend, executor);
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  g_autoptr(HnPipeline) configured = hn_pipeline_with_config (pipeline, config);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;
  HnRuntimeConfig *got = NULL;

  g_assert_true (configured != pipeline);
  g_assert_true (hn_pipeline_get_config (configured) == config);
  g_assert_true (hn_runtime_config_get_backend (config) == backend);
  g_assert_true (hn_runtime_config_get_executor (config) == executor);
  g_object_get (configured, "config", &got, NULL);
  g_assert_true (got == config);
  g_object_unref (got);

  /* the graph is shared: same nodes, same order */
  g_assert_cmpstrv (hn_pipeline_get_topological_order (configured),
                    hn_pipeline_get_topological_order (pipeline));

  result = hn_pipeline_run (configured, test_inputs_x (5), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "result"), ==, 11);
}

static void
test_executor_map_items (void)
{
  g_autoptr(HnExecutor) executor = hn_sequential_executor_new ();
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = NULL;

  results = hn_executor_map_items (executor, pipeline,
                                   g_variant_new_parsed ("[{'x': <int64 1>}, {'x': <int64 2>},"
                                                         " {'x': <int64 3>}, {'x': <int64 4>}]"),
                                   NULL, NULL, STRV ("doubled"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (results), ==, 4);
  for (gsize i = 0; i < 4; i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (results, i);
      g_assert_cmpuint (g_variant_n_children (item), ==, 1);
      g_assert_cmpint (test_lookup_int (item, "doubled"), ==, 2 * (gint64) (i + 1));
    }
  g_clear_pointer (&results, g_variant_unref);

  /* an item may override nothing but must bring what the shared inputs lack */
  results = hn_executor_map_items (executor, pipeline,
                                   g_variant_new_parsed ("[{'x': <int64 1>}, @a{sv} {}]"),
                                   NULL, NULL, NULL, NULL, &error);
  g_assert_null (results);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT);
  g_assert_cmpstr (error->message, ==, "Item 1 lacks input “x”");
  g_clear_error (&error);

  results = hn_executor_map_items (executor, pipeline, g_variant_new_parsed ("[1, 2]"),
                                   NULL, NULL, NULL, NULL, &error);
  g_assert_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS);
  g_clear_error (&error);

  results = hn_executor_map_items (executor, pipeline, g_variant_new_parsed ("@aa{sv} []"),
                                   g_variant_new_parsed ("{'x': <int64 1>}"), NULL, NULL, NULL,
                                   &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (results), ==, 0);
}

static void
test_executor_run_pipeline (void)
{
  g_autoptr(HnExecutor) executor = hn_sequential_executor_new ();
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  g_autoptr(HnCallbackContext) context = hn_callback_context_new ("direct");
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  result = hn_executor_run_pipeline (executor, pipeline, test_inputs_x (2), context,
                                     STRV ("result"), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_lookup_int (result, "result"), ==, 5);
}

static void
test_callback_context (void)
{
  g_autoptr(HnCallbackContext) root = hn_callback_context_new ("outer");
  g_autoptr(HnCallbackContext) child = hn_callback_context_new_child (root, "inner", 7);
  g_autoptr(HnCallbackContext) other = hn_callback_context_new (NULL);
  g_auto(GStrv) hierarchy = hn_callback_context_dup_hierarchy (child);

  g_assert_true (g_uuid_string_is_valid (hn_callback_context_get_run_id (root)));
  g_assert_cmpstr (hn_callback_context_get_run_id (child), ==,
                   hn_callback_context_get_run_id (root));
  g_assert_cmpstr (hn_callback_context_get_run_id (other), !=,
                   hn_callback_context_get_run_id (root));
  g_assert_cmpuint (hn_callback_context_get_depth (root), ==, 0);
  g_assert_cmpuint (hn_callback_context_get_depth (child), ==, 1);
  g_assert_cmpint (hn_callback_context_get_map_index (root), ==, -1);
  g_assert_cmpint (hn_callback_context_get_map_index (child), ==, 7);
  g_assert_true (hn_callback_context_get_parent (child) == root);
  g_assert_null (hn_callback_context_get_parent (root));
  g_assert_cmpstr (hn_callback_context_get_name (child), ==, "inner");
  g_assert_cmpstrv (hierarchy, STRV ("outer", "inner"));
}

static void
test_node_invoke_direct (void)
{
  g_autoptr(HnNode) node = test_double_node ();
  g_autoptr(GVariant) arg = g_variant_ref_sink (g_variant_new_int64 (21));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = hn_node_invoke (node, &arg, 1, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpint (g_variant_get_int64 (result), ==, 42);
  g_assert_cmpstr (hn_node_get_name (node), ==, "double");
  g_assert_cmpstrv (hn_node_get_inputs (node), STRV ("x"));
  g_assert_cmpstrv (hn_node_get_outputs (node), STRV ("doubled"));
  g_assert_true (g_variant_type_equal (hn_node_get_input_type (node, "x"), G_VARIANT_TYPE_INT64));
  g_assert_null (hn_node_get_input_type (node, "nope"));
  g_assert_true (g_variant_type_equal (hn_node_get_output_type (node, "doubled"),
                                       G_VARIANT_TYPE_INT64));
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

static void
test_node_invoke_async_default (void)
{
  g_autoptr(HnNode) node = test_square_node ();
  g_autoptr(GVariant) arg = g_variant_ref_sink (g_variant_new_int64 (9));
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  hn_node_invoke_async (node, &arg, 1, NULL, store_result, &res);
  result = hn_node_invoke_finish (node, wait_for (&res), &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_variant_get_int64 (result), ==, 81);
}

typedef struct
{
  GMainLoop *loop;
  GVariant  *result;
  GError    *error;
  GThread   *callback_thread;
} AsyncData;

static void
run_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncData *data = user_data;

  data->callback_thread = g_thread_self ();
  data->result = hn_pipeline_run_finish (HN_PIPELINE (source), result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
map_done (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  AsyncData *data = user_data;

  data->callback_thread = g_thread_self ();
  data->result = hn_pipeline_map_finish (HN_PIPELINE (source), result, &data->error);
  g_main_loop_quit (data->loop);
}

static void
async_data_clear (AsyncData *data)
{
  g_clear_pointer (&data->loop, g_main_loop_unref);
  g_clear_pointer (&data->result, g_variant_unref);
  g_clear_error (&data->error);
}

static void
test_async_run (void)
{
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  AsyncData data = { g_main_loop_new (NULL, FALSE) };

  hn_pipeline_run_async (pipeline, test_inputs_x (5), NULL, NULL, run_done, &data);
  g_main_loop_run (data.loop);

  g_assert_no_error (data.error);
  g_assert_true (data.callback_thread == g_thread_self ());
  g_assert_cmpint (test_lookup_int (data.result, "doubled"), ==, 10);
  g_assert_cmpint (test_lookup_int (data.result, "result"), ==, 11);
  async_data_clear (&data);

  /* errors come back through finish */
  data.loop = g_main_loop_new (NULL, FALSE);
  hn_pipeline_run_async (pipeline, NULL, STRV ("result"), NULL, run_done, &data);
  g_main_loop_run (data.loop);
  g_assert_null (data.result);
  g_assert_error (data.error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT);
  async_data_clear (&data);
}

static void
test_async_map (void)
{
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  AsyncData data = { g_main_loop_new (NULL, FALSE) };

  hn_pipeline_map_async (pipeline, xs_input (100), STRV ("x"), HN_MAP_MODE_ZIP, STRV ("result"),
                         NULL, map_done, &data);
  g_main_loop_run (data.loop);

  g_assert_no_error (data.error);
  g_assert_cmpuint (g_variant_n_children (data.result), ==, 100);
  for (gsize i = 0; i < 100; i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (data.result, i);
      g_assert_cmpint (test_lookup_int (item, "result"), ==, 2 * (gint64) i + 1);
    }
  async_data_clear (&data);

  /* validation errors of the map itself are reported asynchronously too */
  data.loop = g_main_loop_new (NULL, FALSE);
  hn_pipeline_map_async (pipeline, test_inputs_x (1), STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL,
                         map_done, &data);
  g_main_loop_run (data.loop);
  g_assert_error (data.error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MAP_NOT_ARRAY);
  async_data_clear (&data);
}

typedef struct
{
  GCancellable *cancellable;
  gint64        cancel_at;
  gint          calls;
} CancelState;

static GVariant *
cancelling_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  CancelState *state = user_data;
  gint64 x = g_variant_get_int64 (args[0]);

  g_atomic_int_inc (&state->calls);
  if (x == state->cancel_at)
    g_cancellable_cancel (state->cancellable);
  return g_variant_new_int64 (x);
}

static HnPipeline *
cancel_pipeline (CancelState *state)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnNode) first = hn_function_node_new ("first", STRV ("x"), STRV ("y"),
                                                  cancelling_func, state, NULL);
  g_autoptr(HnNode) second = test_int_node ("second", "y", "z", 1);
  HnPipeline *pipeline = hn_pipeline_new ((HnNode *[]) { first, second }, 2, &error);

  g_assert_no_error (error);
  return pipeline;
}

static void
test_cancel_before (void)
{
  CancelState state = { g_cancellable_new (), -1, 0 };
  g_autoptr(HnPipeline) pipeline = cancel_pipeline (&state);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  g_cancellable_cancel (state.cancellable);
  result = hn_pipeline_run (pipeline, test_inputs_x (1), NULL, state.cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (state.calls, ==, 0);
  g_object_unref (state.cancellable);
}

static void
test_cancel_during_map (void)
{
  CancelState state = { g_cancellable_new (), 37, 0 };
  g_autoptr(HnPipeline) pipeline = cancel_pipeline (&state);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = NULL;

  results = hn_pipeline_map (pipeline, xs_input (1000), STRV ("x"), HN_MAP_MODE_ZIP, NULL,
                             state.cancellable, &error);
  g_assert_null (results);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  /* items 0..37 started; nothing after the cancel was seen */
  g_assert_cmpint (state.calls, ==, 38);
  g_object_unref (state.cancellable);
}

static void
test_cancel_async_map (void)
{
  CancelState state = { g_cancellable_new (), 500, 0 };
  g_autoptr(HnPipeline) pipeline = cancel_pipeline (&state);
  AsyncData data = { g_main_loop_new (NULL, FALSE) };

  hn_pipeline_map_async (pipeline, xs_input (100000), STRV ("x"), HN_MAP_MODE_ZIP, NULL,
                         state.cancellable, map_done, &data);
  g_main_loop_run (data.loop);
  g_assert_null (data.result);
  g_assert_error (data.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (state.calls, ==, 501);
  async_data_clear (&data);
  g_object_unref (state.cancellable);
}

/* An executor written outside the library, with only the synchronous methods: the interface's
 * default async methods must run it off the main context. */
#define TEST_TYPE_COUNTING_EXECUTOR (test_counting_executor_get_type ())
G_DECLARE_FINAL_TYPE (TestCountingExecutor, test_counting_executor, TEST, COUNTING_EXECUTOR,
                      GObject)

struct _TestCountingExecutor
{
  GObject    parent_instance;
  HnExecutor *inner;
  gint        runs;
  GThread    *thread;
};

static GVariant *
counting_execute (HnExecutor  *executor,
                  HnRun       *run,
                  GError     **error)
{
  TestCountingExecutor *self = TEST_COUNTING_EXECUTOR (executor);

  self->runs++;
  self->thread = g_thread_self ();
  return hn_executor_execute (self->inner, run, error);
}

static void
counting_iface_init (HnExecutorInterface *iface)
{
  iface->run = counting_execute;
  iface->map = counting_execute;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestCountingExecutor, test_counting_executor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_EXECUTOR, counting_iface_init))

static void
test_counting_executor_finalize (GObject *object)
{
  g_clear_object (&TEST_COUNTING_EXECUTOR (object)->inner);
  G_OBJECT_CLASS (test_counting_executor_parent_class)->finalize (object);
}

static void
test_counting_executor_class_init (TestCountingExecutorClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_counting_executor_finalize;
}

static void
test_counting_executor_init (TestCountingExecutor *self)
{
  self->inner = hn_sequential_executor_new ();
}

static void
test_custom_executor_async (void)
{
  g_autoptr(TestCountingExecutor) executor = g_object_new (TEST_TYPE_COUNTING_EXECUTOR, NULL);
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, HN_EXECUTOR (executor));
  g_autoptr(HnPipeline) plain = double_add_one ();
  g_autoptr(HnPipeline) pipeline = hn_pipeline_with_config (plain, config);
  AsyncData data = { g_main_loop_new (NULL, FALSE) };

  hn_pipeline_run_async (pipeline, test_inputs_x (3), STRV ("result"), NULL, run_done, &data);
  g_main_loop_run (data.loop);
  g_assert_no_error (data.error);
  g_assert_cmpint (test_lookup_int (data.result, "result"), ==, 7);
  g_assert_cmpint (executor->runs, ==, 1);
  g_assert_true (executor->thread != g_thread_self ());
  async_data_clear (&data);

  data.loop = g_main_loop_new (NULL, FALSE);
  hn_pipeline_map_async (pipeline, xs_input (4), STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL,
                         map_done, &data);
  g_main_loop_run (data.loop);
  g_assert_no_error (data.error);
  g_assert_cmpuint (g_variant_n_children (data.result), ==, 4);
  g_assert_cmpint (executor->runs, ==, 2);
  async_data_clear (&data);
}

static gpointer
run_in_thread (gpointer user_data)
{
  HnPipeline *pipeline = user_data;
  gint64 sum = 0;

  for (gint64 i = 0; i < 200; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (i), STRV ("result"),
                                                    NULL, &error);
      g_assert_no_error (error);
      sum += test_lookup_int (result, "result");
    }
  return GSIZE_TO_POINTER ((gsize) sum);
}

static void
test_concurrent_runs (void)
{
  g_autoptr(HnPipeline) pipeline = double_add_one ();
  GThread *threads[4];

  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    threads[t] = g_thread_new ("runner", run_in_thread, pipeline);
  for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
    /* sum of 2i + 1 for i < 200 */
    g_assert_cmpuint (GPOINTER_TO_SIZE (g_thread_join (threads[t])), ==, 200 * 199 + 200);
}

/* The engine executors: properties, defaults, and the shared ones of the engine base. */
static void
test_engine_executor_properties (void)
{
  g_autoptr(HnExecutor) ray = hn_ray_executor_new ("127.0.0.1:6379");
  g_autoptr(HnExecutor) dask = hn_dask_executor_new (HN_DASK_SCHEDULER_PROCESSES, NULL);
  g_autoptr(HnExecutor) tuned = NULL;
  g_autoptr(HnExecutor) daft = hn_daft_executor_new (HN_DAFT_RUNNER_LOCAL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *python = NULL;
  HnDaskScheduler scheduler = HN_DASK_SCHEDULER_THREADS;
  guint timeout = 0;

  g_assert_cmpstr (hn_ray_executor_get_ray_address (HN_RAY_EXECUTOR (ray)), ==, "127.0.0.1:6379");
  g_assert_cmpfloat (hn_ray_executor_get_num_cpus (HN_RAY_EXECUTOR (ray)), ==, 1.0);
  g_assert_cmpfloat (hn_ray_executor_get_num_gpus (HN_RAY_EXECUTOR (ray)), ==, 0.0);
  g_assert_cmpint (hn_ray_executor_get_max_retries (HN_RAY_EXECUTOR (ray)), ==, 3);
  g_assert_cmpuint (hn_ray_executor_get_connect_timeout (HN_RAY_EXECUTOR (ray)), ==, 30);
  g_assert_false (hn_ray_executor_get_debug (HN_RAY_EXECUTOR (ray)));

  g_assert_cmpint (hn_dask_executor_get_scheduler (HN_DASK_EXECUTOR (dask)), ==,
                   HN_DASK_SCHEDULER_PROCESSES);
  g_assert_null (hn_dask_executor_get_scheduler_address (HN_DASK_EXECUTOR (dask)));
  g_assert_cmpuint (hn_dask_executor_get_n_workers (HN_DASK_EXECUTOR (dask)), ==, 0);
  g_assert_cmpuint (hn_dask_executor_get_chunk_size (HN_DASK_EXECUTOR (dask)), ==, 0);
  g_assert_cmpuint (hn_dask_executor_get_retries (HN_DASK_EXECUTOR (dask)), ==, 0);

  tuned = g_object_new (HN_TYPE_DASK_EXECUTOR, "scheduler-address", "tcp://127.0.0.1:8786",
                        "chunk-size", 50, "retries", 2, "connect-timeout", 5, "debug", TRUE,
                        "python", "/usr/bin/python3", NULL);
  g_assert_cmpstr (hn_dask_executor_get_scheduler_address (HN_DASK_EXECUTOR (tuned)), ==,
                   "tcp://127.0.0.1:8786");
  g_assert_cmpuint (hn_dask_executor_get_chunk_size (HN_DASK_EXECUTOR (tuned)), ==, 50);
  g_assert_cmpuint (hn_dask_executor_get_retries (HN_DASK_EXECUTOR (tuned)), ==, 2);
  g_assert_cmpuint (hn_dask_executor_get_connect_timeout (HN_DASK_EXECUTOR (tuned)), ==, 5);
  g_assert_true (hn_dask_executor_get_debug (HN_DASK_EXECUTOR (tuned)));
  g_object_get (tuned, "python", &python, "connect-timeout", &timeout, NULL);
  g_assert_cmpstr (python, ==, "/usr/bin/python3");
  g_assert_cmpuint (timeout, ==, 5);

  g_assert_cmpuint (hn_daft_executor_get_connect_timeout (HN_DAFT_EXECUTOR (daft)), ==, 30);
  g_assert_false (hn_daft_executor_get_debug (HN_DAFT_EXECUTOR (daft)));

  for (HnDaskScheduler s = HN_DASK_SCHEDULER_SYNCHRONOUS; s <= HN_DASK_SCHEDULER_PROCESSES; s++)
    {
      g_assert_true (hn_dask_scheduler_from_string (hn_dask_scheduler_to_string (s), &scheduler,
                                                    &error));
      g_assert_no_error (error);
      g_assert_cmpint (scheduler, ==, s);
    }
  g_assert_false (hn_dask_scheduler_from_string ("fast", &scheduler, &error));
  g_assert_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_INVALID_CONFIG);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/Hn/Config/defaults", test_config_defaults);
  g_test_add_func ("/Hn/Config/with-config", test_config_with_config);
  g_test_add_func ("/Hn/Executor/sequential/map-items", test_executor_map_items);
  g_test_add_func ("/Hn/Executor/sequential/run-pipeline", test_executor_run_pipeline);
  g_test_add_func ("/Hn/Executor/custom/async-defaults", test_custom_executor_async);
  g_test_add_func ("/Hn/Executor/concurrent-runs", test_concurrent_runs);
  g_test_add_func ("/Hn/CallbackContext/basics", test_callback_context);
  g_test_add_func ("/Hn/Node/invoke", test_node_invoke_direct);
  g_test_add_func ("/Hn/Node/invoke-async-default", test_node_invoke_async_default);
  g_test_add_func ("/Hn/Async/run", test_async_run);
  g_test_add_func ("/Hn/Async/map", test_async_map);
  g_test_add_func ("/Hn/Cancel/before-run", test_cancel_before);
  g_test_add_func ("/Hn/Cancel/during-map", test_cancel_during_map);
  g_test_add_func ("/Hn/Cancel/async-map", test_cancel_async_map);
  g_test_add_func ("/Hn/Executor/engine-properties", test_engine_executor_properties);

  return g_test_run ();
}
