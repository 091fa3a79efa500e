/* bench.c: hypernodes against hand-written C loops that do the same work.
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Usage: hn-bench CASE [ARGS...]; prints one JSON object on stdout. bench/run.py runs every case
 * in its own process (so peak memory is per case) and puts the figures side by side.
 *
 *   chain N REPS          N trivial int nodes in a chain: sequential run vs hand loop
 *   map-hand N            hand loop: N items through three functions, building the results
 *   map EXECUTOR N        the same map with hn_pipeline_map (sequential or thread-pool)
 *   cpu-map N             N items that each burn ~1 ms: sequential, then thread pool
 *   cpu-fanout            64 independent nodes that each burn ~1 ms: sequential, then thread pool
 *   async N CONCURRENCY   N nodes that each wait 10 ms on a GLib timeout
 *   cancel N              time from cancelling a running N-item map to its return, per executor
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#ifdef __GLIBC__
# include <malloc.h>
#endif

#include <glib/gstdio.h>
#include <hypernodes/hypernodes.h>

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })

static double
now (void)
{
  return g_get_monotonic_time () / 1e6;
}

static long
peak_rss_kib (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

static GVariant *
add_one (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) + 1);
}

static GVariant *
times_two (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) * 2);
}

static GVariant *
sum_two (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) + g_variant_get_int64 (args[1]));
}

/* ~1 ms of arithmetic, calibrated at start-up */
static guint64 burn_iterations;

static guint64
burn (guint64 seed)
{
  volatile guint64 x = seed | 1;

  for (guint64 i = 0; i < burn_iterations; i++)
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
  return x;
}

static void
calibrate_burn (void)
{
  double start;

  burn_iterations = 1000000;
  start = now ();
  burn (1);
  burn_iterations = (guint64) (burn_iterations * (0.001 / (now () - start)));
}

static GVariant *
burn_node (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_int64 ((gint64) (burn ((guint64) g_variant_get_int64 (args[0])) & 0xffff));
}

static HnExecutor *
make_executor (const char *name)
{
  if (g_str_equal (name, "sequential"))
    return hn_sequential_executor_new ();
  if (g_str_equal (name, "thread-pool"))
    return hn_thread_pool_executor_new (0);
  g_error ("unknown executor %s", name);
}

static HnPipeline *
configure (HnPipeline *pipeline,
           const char *executor_name)
{
  g_autoptr(HnExecutor) executor = make_executor (executor_name);
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, executor);
  HnPipeline *configured = hn_pipeline_with_config (pipeline, config);

  g_object_unref (pipeline);
  return configured;
}

/* ---- 1. per-node overhead ------------------------------------------------------------------ */

static void
bench_chain (guint n,
             guint reps)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HnPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *last = g_strdup_printf ("v%u", n);
  double best_hn = G_MAXDOUBLE, best_hand = G_MAXDOUBLE;
  gint64 check_hn = 0, check_hand = 0;

  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *name = g_strdup_printf ("n%u", i);
      g_autofree char *in = i == 1 ? g_strdup ("x") : g_strdup_printf ("v%u", i - 1);
      g_autofree char *out = g_strdup_printf ("v%u", i);
      g_ptr_array_add (nodes, hn_function_node_new (name, STRV (in), STRV (out), add_one, NULL,
                                                    NULL));
    }
  pipeline = hn_pipeline_new ((HnNode **) nodes->pdata, nodes->len, &error);
  g_assert_no_error (error);

  /* Both sides are timed from their input value made to their result value, neither made nor
   * read inside the timer: the text parser and the dictionary lookup the pipeline's side needs
   * for that (about 30,000 instructions a run, 30 a node) are not per-node costs. */
  for (guint r = 0; r < reps; r++)
    {
      double start;

      /* the hand-written loop: the same node functions, the same GVariants */
      {
        HnNodeFunc funcs[1] = { add_one };
        GVariant *v = g_variant_ref_sink (g_variant_new_int64 (r));

        start = now ();
        for (guint i = 0; i < n; i++)
          {
            GVariant *next = g_variant_take_ref (funcs[0] (&v, 1, NULL, NULL));
            g_variant_unref (v);
            v = next;
          }
        best_hand = MIN (best_hand, now () - start);
        check_hand = g_variant_get_int64 (v);
        g_variant_unref (v);
      }

      {
        g_autoptr(GVariant) inputs =
          g_variant_ref_sink (g_variant_new_parsed ("{'x': <%x>}", (gint64) r));
        g_autoptr(GVariant) result = NULL;

        start = now ();
        result = hn_pipeline_run (pipeline, inputs, (const char * const[]) { last, NULL }, NULL,
                                  &error);
        best_hn = MIN (best_hn, now () - start);
        g_assert_no_error (error);
        g_variant_lookup (result, last, "x", &check_hn);
      }
    }

  g_assert_cmpint (check_hn, ==, check_hand);
  printf ("{\"case\": \"chain\", \"nodes\": %u, \"reps\": %u, "
          "\"hn_seconds\": %.9f, \"hand_seconds\": %.9f, "
          "\"hn_ns_per_node\": %.2f, \"hand_ns_per_node\": %.2f}\n",
          n, reps, best_hn, best_hand, best_hn / n * 1e9, best_hand / n * 1e9);
}

/* ---- 1b. a nested pipeline node against the same nodes flat ---------------------------------- */

/* A chain of @n nodes, each the one node of a pipeline nested as a node (nested), or the same
 * nodes directly (flat). The difference per node is the cost of a nested call. */
static void
bench_nested (guint n,
              guint reps)
{
  g_autoptr(GPtrArray) flat_nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GPtrArray) nested_nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HnPipeline) flat = NULL, nested = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *last = g_strdup_printf ("v%u", n);
  double best_flat = G_MAXDOUBLE, best_nested = G_MAXDOUBLE;
  gint64 check_flat = 0, check_nested = 0;

  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *name = g_strdup_printf ("n%u", i);
      g_autofree char *in = i == 1 ? g_strdup ("x") : g_strdup_printf ("v%u", i - 1);
      g_autofree char *out = g_strdup_printf ("v%u", i);
      HnNode *node = hn_function_node_new (name, STRV (in), STRV (out), add_one, NULL, NULL);
      g_autoptr(HnPipeline) inner = hn_pipeline_new (&node, 1, &error);

      g_assert_no_error (error);
      g_ptr_array_add (flat_nodes, node);
      g_ptr_array_add (nested_nodes, hn_pipeline_as_node (inner, name, NULL, NULL, NULL,
                                                          HN_MAP_MODE_ZIP, &error));
      g_assert_no_error (error);
    }
  flat = hn_pipeline_new ((HnNode **) flat_nodes->pdata, n, &error);
  g_assert_no_error (error);
  nested = hn_pipeline_new ((HnNode **) nested_nodes->pdata, n, &error);
  g_assert_no_error (error);

  for (guint r = 0; r < reps; r++)
    for (guint k = 0; k < 2; k++)
      {
        HnPipeline *p = k == 0 ? flat : nested;
        double start = now ();
        g_autoptr(GVariant) result =
          hn_pipeline_run (p, g_variant_new_parsed ("{'x': <%x>}", (gint64) r),
                           (const char * const[]) { last, NULL }, NULL, &error);
        double elapsed = now () - start;

        g_assert_no_error (error);
        g_variant_lookup (result, last, "x", k == 0 ? &check_flat : &check_nested);
        if (k == 0)
          best_flat = MIN (best_flat, elapsed);
        else
          best_nested = MIN (best_nested, elapsed);
      }

  g_assert_cmpint (check_flat, ==, check_nested);
  printf ("{\"case\": \"nested\", \"nodes\": %u, \"reps\": %u, "
          "\"flat_seconds\": %.9f, \"nested_seconds\": %.9f, "
          "\"ns_per_nested_call\": %.2f}\n",
          n, reps, best_flat, best_nested, (best_nested - best_flat) / n * 1e9);
}

/* ---- 2. a big map ------------------------------------------------------------------------ */

static GVariant *
range_input (guint n)
{
  g_autofree gint64 *xs = g_new (gint64, n);

  for (guint i = 0; i < n; i++)
    xs[i] = i;
  return g_variant_new_fixed_array (G_VARIANT_TYPE_INT64, xs, n, sizeof (gint64));
}

static void
bench_map_hand (guint n)
{
  g_autoptr(GVariant) xs = g_variant_ref_sink (range_input (n));
  g_autofree GVariant **results = g_new (GVariant *, n);
  g_autoptr(GVariant) all = NULL;
  double start = now (), elapsed;
  gint64 check;

  /* the same three functions, the same result structure, no framework */
  for (guint i = 0; i < n; i++)
    {
      GVariant *x = g_variant_get_child_value (xs, i);
      GVariant *a = g_variant_take_ref (add_one (&x, 1, NULL, NULL));
      GVariant *b = g_variant_take_ref (times_two (&x, 1, NULL, NULL));
      GVariant *ab[2] = { a, b };
      GVariant *c = g_variant_take_ref (sum_two (ab, 2, NULL, NULL));
      GVariantBuilder builder;

      g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
      g_variant_builder_add (&builder, "{sv}", "total", c);
      results[i] = g_variant_builder_end (&builder);
      g_variant_unref (x);
      g_variant_unref (a);
      g_variant_unref (b);
      g_variant_unref (c);
    }
  all = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARDICT, results, n));
  elapsed = now () - start;

  {
    g_autoptr(GVariant) last = g_variant_get_child_value (all, n - 1);
    g_variant_lookup (last, "total", "x", &check);
  }
  g_assert_cmpint (check, ==, (gint64) (n - 1) * 3 + 1);
  printf ("{\"case\": \"map-hand\", \"items\": %u, \"seconds\": %.6f, \"peak_rss_kib\": %ld}\n",
          n, elapsed, peak_rss_kib ());
}

static void
bench_map (const char *executor,
           guint       n)
{
  g_autoptr(HnNode) a = hn_function_node_new ("a", STRV ("x"), STRV ("a"), add_one, NULL, NULL);
  g_autoptr(HnNode) b = hn_function_node_new ("b", STRV ("x"), STRV ("b"), times_two, NULL, NULL);
  g_autoptr(HnNode) c = hn_function_node_new ("c", STRV ("a", "b"), STRV ("total"), sum_two,
                                              NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline =
    configure (hn_pipeline_new ((HnNode *[]) { a, b, c }, 3, &error), executor);
  g_autoptr(GVariant) inputs = g_variant_ref_sink (g_variant_new_parsed ("{'x': %v}",
                                                                         range_input (n)));
  g_autoptr(GVariant) all = NULL;
  double start = now (), elapsed;
  gint64 check;

  all = hn_pipeline_map (pipeline, inputs, STRV ("x"), HN_MAP_MODE_ZIP, STRV ("total"), NULL,
                         &error);
  elapsed = now () - start;
  g_assert_no_error (error);

  {
    g_autoptr(GVariant) last = g_variant_get_child_value (all, n - 1);
    g_variant_lookup (last, "total", "x", &check);
  }
  g_assert_cmpint (check, ==, (gint64) (n - 1) * 3 + 1);
  printf ("{\"case\": \"map\", \"executor\": \"%s\", \"items\": %u, \"seconds\": %.6f, "
          "\"peak_rss_kib\": %ld}\n", executor, n, elapsed, peak_rss_kib ());
}

/* ---- 2b. caches and callbacks ----------------------------------------------------------------- */

/* A chain of @n nodes whose results are all in @cache: the cost of a hit, per node. */
static double
time_cached_chain (HnCache *cache,
                   guint    n,
                   guint    reps)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HnPipeline) plain = NULL, pipeline = NULL;
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new_full (NULL, NULL, cache, NULL, 0,
                                                                  0, 0);
  g_autoptr(GError) error = NULL;
  g_autofree char *last = g_strdup_printf ("v%u", n);
  double best = G_MAXDOUBLE;

  for (guint i = 1; i <= n; i++)
    {
      g_autofree char *name = g_strdup_printf ("n%u", i);
      g_autofree char *in = i == 1 ? g_strdup ("x") : g_strdup_printf ("v%u", i - 1);
      g_autofree char *out = g_strdup_printf ("v%u", i);
      g_ptr_array_add (nodes, hn_function_node_new (name, STRV (in), STRV (out), add_one, NULL,
                                                    NULL));
    }
  plain = hn_pipeline_new ((HnNode **) nodes->pdata, n, &error);
  g_assert_no_error (error);
  pipeline = hn_pipeline_with_config (plain, config);

  for (guint r = 0; r <= reps; r++)
    {
      double start = now ();
      g_autoptr(GVariant) result =
        hn_pipeline_run (pipeline, g_variant_new_parsed ("{'x': <int64 1>}"),
                         (const char * const[]) { last, NULL }, NULL, &error);
      double elapsed = now () - start;
      gint64 check;

      g_assert_no_error (error);
      g_variant_lookup (result, last, "x", &check);
      g_assert_cmpint (check, ==, 1 + n);
      if (r > 0)   /* the first run fills the cache */
        best = MIN (best, elapsed);
    }
  return best / n;
}

static void
bench_cache (guint n,
             guint reps)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hn-bench-cache-XXXXXX", &error);
  g_autoptr(HnCache) memory = hn_memory_cache_new (0, 0);
  g_autoptr(HnCache) disk = hn_disk_cache_new (dir);
  double memory_hit = time_cached_chain (memory, n, reps);
  double disk_hit = time_cached_chain (disk, n, reps);

  g_assert_no_error (error);
  hn_cache_clear (disk);
  g_rmdir (dir);
  printf ("{\"case\": \"cache\", \"nodes\": %u, \"memory_hit_ns\": %.1f, "
          "\"disk_hit_ns\": %.1f}\n", n, memory_hit * 1e9, disk_hit * 1e9);
}

/* A map with and without a progress callback, best of four each. */
static void
bench_progress (guint n)
{
  g_autoptr(HnNode) a = hn_function_node_new ("a", STRV ("x"), STRV ("a"), add_one, NULL, NULL);
  g_autoptr(HnNode) b = hn_function_node_new ("b", STRV ("x"), STRV ("b"), times_two, NULL, NULL);
  g_autoptr(HnNode) c = hn_function_node_new ("c", STRV ("a", "b"), STRV ("total"), sum_two,
                                              NULL, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) plain = hn_pipeline_new ((HnNode *[]) { a, b, c }, 3, &error);
  g_autoptr(HnCallback) progress = hn_progress_callback_new (FALSE);
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new_full (NULL, NULL, NULL, &progress, 1,
                                                                  0, 0);
  g_autoptr(HnPipeline) watched = hn_pipeline_with_config (plain, config);
  g_autoptr(GVariant) inputs = g_variant_ref_sink (g_variant_new_parsed ("{'x': %v}",
                                                                         range_input (n)));
  double best[2] = { G_MAXDOUBLE, G_MAXDOUBLE };

  /* alternate the order: the memory state after a big map favours the next one. Each map
   * starts from the same state: a round of each first, not timed (the first map of a process
   * ran on a fresh heap, which made whichever ran first look up to 30% faster), and the memory
   * of a map kept for the next one (given back to the system, it was faulted in again by the
   * next map, whose time varied by a quarter from run to run with the cost of a page fault). */
#ifdef __GLIBC__
  mallopt (M_TRIM_THRESHOLD, G_MAXINT);
  mallopt (M_MMAP_THRESHOLD, G_MAXINT / 2);
#endif
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(GVariant) all = hn_pipeline_map (k ? watched : plain, inputs, STRV ("x"),
                                                 HN_MAP_MODE_ZIP, STRV ("total"), NULL, &error);
      g_assert_no_error (error);
    }
  for (guint r = 0; r < 4; r++)
    for (guint j = 0; j < 2; j++)
      {
        guint k = (r + j) % 2;
        double start;

        start = now ();
        g_autoptr(GVariant) all = hn_pipeline_map (k ? watched : plain, inputs, STRV ("x"),
                                                   HN_MAP_MODE_ZIP, STRV ("total"), NULL,
                                                   &error);
        g_assert_no_error (error);
        if (g_getenv ("HN_BENCH_VERBOSE"))
          fprintf (stderr, "round %u %s %.3f s\n", r, k ? "progress" : "plain", now () - start);
        best[k] = MIN (best[k], now () - start);
      }
  g_assert_cmpuint (hn_progress_callback_get_completed (HN_PROGRESS_CALLBACK (progress)), ==, n);
  printf ("{\"case\": \"progress\", \"items\": %u, \"plain_seconds\": %.6f, "
          "\"progress_seconds\": %.6f}\n", n, best[0], best[1]);
}

/* ---- 3. CPU-bound scaling ------------------------------------------------------------------ */

/* Both executors in one process, on the same calibration, so the ratio compares like with like. */
static double
time_cpu_map (const char *executor,
              guint       n)
{
  g_autoptr(HnNode) node = hn_function_node_new ("burn", STRV ("x"), STRV ("y"), burn_node, NULL,
                                                 NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = configure (hn_pipeline_new (&node, 1, &error), executor);
  g_autoptr(GVariant) all = NULL;
  double start, elapsed;

  start = now ();
  all = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': %v}", range_input (n)),
                         STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  elapsed = now () - start;
  g_assert_no_error (error);
  g_assert_cmpuint (g_variant_n_children (all), ==, n);
  return elapsed;
}

static void
bench_cpu_map (guint n)
{
  double sequential, pool;

  calibrate_burn ();
  sequential = time_cpu_map ("sequential", n);
  pool = time_cpu_map ("thread-pool", n);
  printf ("{\"case\": \"cpu-map\", \"items\": %u, \"sequential_seconds\": %.6f, "
          "\"thread_pool_seconds\": %.6f, \"speedup\": %.3f, \"cores\": %u}\n",
          n, sequential, pool, sequential / pool, g_get_num_processors ());
}

static double
time_cpu_fanout (const char *executor)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) pipeline = NULL;
  double best = G_MAXDOUBLE;

  for (int i = 0; i < 64; i++)
    {
      g_autofree char *name = g_strdup_printf ("burn%d", i);
      g_autofree char *out = g_strdup_printf ("y%d", i);
      g_ptr_array_add (nodes, hn_function_node_new (name, STRV ("x"), STRV (out), burn_node, NULL,
                                                    NULL));
    }
  pipeline = configure (hn_pipeline_new ((HnNode **) nodes->pdata, nodes->len, &error), executor);

  for (int r = 0; r < 5; r++)
    {
      double start = now ();
      g_autoptr(GVariant) res = hn_pipeline_run (pipeline, g_variant_new_parsed ("{'x': <int64 3>}"),
                                                 NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (g_variant_n_children (res), ==, 64);
      best = MIN (best, now () - start);
    }
  return best;
}

static void
bench_cpu_fanout (void)
{
  double sequential, pool;

  calibrate_burn ();
  sequential = time_cpu_fanout ("sequential");
  pool = time_cpu_fanout ("thread-pool");
  printf ("{\"case\": \"cpu-fanout\", \"nodes\": 64, \"sequential_seconds\": %.6f, "
          "\"thread_pool_seconds\": %.6f, \"speedup\": %.3f, \"cores\": %u}\n",
          sequential, pool, sequential / pool, g_get_num_processors ());
}

/* ---- 5. I/O-bound nodes on the async executor ---------------------------------------------- */

#define BENCH_TYPE_WAIT_NODE (bench_wait_node_get_type ())
G_DECLARE_FINAL_TYPE (BenchWaitNode, bench_wait_node, BENCH, WAIT_NODE, HnNode)

struct _BenchWaitNode
{
  HnNode parent_instance;
};

G_DEFINE_FINAL_TYPE (BenchWaitNode, bench_wait_node, HN_TYPE_NODE)

static gboolean
wait_done (gpointer data)
{
  GTask *task = data;

  g_task_return_pointer (task, g_variant_ref_sink (g_variant_new_int64 (1)),
                         (GDestroyNotify) g_variant_unref);
  g_object_unref (task);
  return G_SOURCE_REMOVE;
}

static void
wait_invoke_async (HnNode *node, GVariant * const *args, guint n_args, GCancellable *cancellable,
                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_timeout_add (10, wait_done, g_task_new (node, cancellable, callback, user_data));
}

static GVariant *
wait_invoke_finish (HnNode *node, GAsyncResult *result, GError **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
bench_wait_node_class_init (BenchWaitNodeClass *klass)
{
  HN_NODE_CLASS (klass)->invoke_async = wait_invoke_async;
  HN_NODE_CLASS (klass)->invoke_finish = wait_invoke_finish;
}

static void
bench_wait_node_init (BenchWaitNode *self)
{
}

static void
run_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GVariant **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = hn_pipeline_run_finish (HN_PIPELINE (source), result, &error);
  g_assert_no_error (error);
}

static void
bench_async (guint n,
             guint concurrency)
{
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HnExecutor) executor = hn_async_executor_new (concurrency);
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, executor);
  g_autoptr(HnPipeline) plain = NULL;
  g_autoptr(HnPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;
  GVariant *result = NULL;
  double start, elapsed;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *name = g_strdup_printf ("wait%u", i);
      g_autofree char *out = g_strdup_printf ("w%u", i);
      g_ptr_array_add (nodes, g_object_new (BENCH_TYPE_WAIT_NODE, "name", name,
                                            "inputs", STRV ("x"), "outputs", STRV (out), NULL));
    }
  plain = hn_pipeline_new ((HnNode **) nodes->pdata, nodes->len, &error);
  g_assert_no_error (error);
  pipeline = hn_pipeline_with_config (plain, config);

  start = now ();
  hn_pipeline_run_async (pipeline, g_variant_new_parsed ("{'x': <int64 1>}"), NULL, NULL,
                         run_done, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  elapsed = now () - start;
  g_assert_cmpuint (g_variant_n_children (result), ==, n);
  g_variant_unref (result);

  printf ("{\"case\": \"async\", \"nodes\": %u, \"max_concurrency\": %u, \"wait_ms\": 10, "
          "\"seconds\": %.6f, \"serial_seconds\": %.3f}\n", n, concurrency, elapsed, n * 0.010);
}

/* ---- cancellation latency ------------------------------------------------------------------ */

typedef struct
{
  HnPipeline   *pipeline;
  GCancellable *cancellable;
  GVariant     *inputs;
  gint64        returned;
  gboolean      cancelled;
} CancelRun;

static GVariant *
small_work (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  volatile gint64 x = g_variant_get_int64 (args[0]);

  for (int i = 0; i < 2000; i++)
    x = x * 31 + 7;
  return g_variant_new_int64 (x);
}

static gpointer
cancel_map_thread (gpointer data)
{
  CancelRun *run = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) results = hn_pipeline_map (run->pipeline, run->inputs, STRV ("x"),
                                                 HN_MAP_MODE_ZIP, NULL, run->cancellable, &error);

  run->returned = g_get_monotonic_time ();
  run->cancelled = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  return NULL;
}

static void
bench_cancel (guint n)
{
  const char *names[] = { "sequential", "thread-pool", "async" };

  for (guint e = 0; e < G_N_ELEMENTS (names); e++)
    {
      g_autoptr(HnNode) node = hn_function_node_new ("work", STRV ("x"), STRV ("y"), small_work,
                                                     NULL, NULL);
      g_autoptr(GError) error = NULL;
      g_autoptr(HnExecutor) executor = e == 2 ? hn_async_executor_new (64)
                                              : make_executor (names[e]);
      g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, executor);
      g_autoptr(HnPipeline) plain = hn_pipeline_new (&node, 1, &error);
      g_autoptr(HnPipeline) pipeline = hn_pipeline_with_config (plain, config);
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GVariant) inputs = g_variant_ref_sink (g_variant_new_parsed ("{'x': %v}",
                                                                             range_input (n)));
      CancelRun run = { pipeline, cancellable, inputs, 0, FALSE };
      GThread *thread;
      gint64 cancelled_at;

      thread = g_thread_new ("map", cancel_map_thread, &run);
      g_usleep (100 * 1000);
      cancelled_at = g_get_monotonic_time ();
      g_cancellable_cancel (cancellable);
      g_thread_join (thread);
      g_assert_true (run.cancelled);
      printf ("{\"case\": \"cancel\", \"executor\": \"%s\", \"items\": %u, "
              "\"latency_ms\": %.3f}\n", names[e], n, (run.returned - cancelled_at) / 1000.0);
    }
}

int
main (int   argc,
      char *argv[])
{
  if (argc < 2)
    {
      fprintf (stderr, "usage: %s CASE [ARGS...]\n", argv[0]);
      return 2;
    }

  if (g_str_equal (argv[1], "chain") && argc == 4)
    bench_chain (atoi (argv[2]), atoi (argv[3]));
  else if (g_str_equal (argv[1], "nested") && argc == 4)
    bench_nested (atoi (argv[2]), atoi (argv[3]));
  else if (g_str_equal (argv[1], "cache") && argc == 4)
    bench_cache (atoi (argv[2]), atoi (argv[3]));
  else if (g_str_equal (argv[1], "progress") && argc == 3)
    bench_progress (atoi (argv[2]));
  else if (g_str_equal (argv[1], "map-hand") && argc == 3)
    bench_map_hand (atoi (argv[2]));
  else if (g_str_equal (argv[1], "map") && argc == 4)
    bench_map (argv[2], atoi (argv[3]));
  else if (g_str_equal (argv[1], "cpu-map") && argc == 3)
    bench_cpu_map (atoi (argv[2]));
  else if (g_str_equal (argv[1], "cpu-fanout") && argc == 2)
    bench_cpu_fanout ();
  else if (g_str_equal (argv[1], "cancel") && argc == 3)
    bench_cancel (atoi (argv[2]));
  else if (g_str_equal (argv[1], "async") && argc == 4)
    bench_async (atoi (argv[2]), atoi (argv[3]));
  else
    {
      fprintf (stderr, "unknown case or wrong arguments: %s\n", argv[1]);
      return 2;
    }
  return 0;
}
