/* test-observe.c: caching and callbacks, on every executor.
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <string.h>
#include <time.h>
#include <utime.h>
#include <glib/gstdio.h>

#include "test-common.h"

typedef HnExecutor *(*ExecutorFactory) (void);

static HnExecutor *make_sequential (void) { return hn_sequential_executor_new (); }
static HnExecutor *make_pool_4 (void) { return hn_thread_pool_executor_new (4); }
static HnExecutor *make_async (void) { return hn_async_executor_new (8); }

static HnExecutor *
make_composite (void)
{
  g_autoptr(HnExecutor) items = hn_thread_pool_executor_new (2);
  g_autoptr(HnExecutor) nodes = hn_async_executor_new (4);

  return hn_composite_executor_new (items, nodes);
}

typedef struct
{
  const char      *name;
  ExecutorFactory  make;
} ExecutorCase;

static const ExecutorCase executor_cases[] = {
  { "sequential", make_sequential },
  { "thread-pool-4", make_pool_4 },
  { "async", make_async },
  { "composite", make_composite },
};

/* ---- a callback that records events ------------------------------------------------------ */

#define TEST_TYPE_RECORDER (test_recorder_get_type ())
G_DECLARE_FINAL_TYPE (TestRecorder, test_recorder, TEST, RECORDER, GObject)

struct _TestRecorder
{
  GObject    parent_instance;
  GMutex     lock;
  GPtrArray *events;
  gboolean   untimed;        /* says HN_CALLBACK_EVENTS_UNTIMED */
  gssize     item_us;        /* the durations of the map items it heard of (atomic) */
};

static void
record (TestRecorder *self,
        char         *event)
{
  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->events, event);
  g_mutex_unlock (&self->lock);
}

static void
rec_pipeline_start (HnCallback *cb, HnPipeline *p, GVariant *inputs, HnCallbackContext *ctx)
{
  record (TEST_RECORDER (cb), g_strdup_printf ("pipeline-start %u", hn_callback_context_get_depth (ctx)));
}

static void
rec_pipeline_end (HnCallback *cb, HnPipeline *p, GVariant *outputs, double d, HnCallbackContext *ctx)
{
  record (TEST_RECORDER (cb), g_strdup_printf ("pipeline-end %s", outputs ? "ok" : "failed"));
}

static void
rec_map_start (HnCallback *cb, HnPipeline *p, guint64 n, HnCallbackContext *ctx)
{
  record (TEST_RECORDER (cb), g_strdup_printf ("map-start %" G_GUINT64_FORMAT, n));
}

static void
rec_map_end (HnCallback *cb, HnPipeline *p, double d, HnCallbackContext *ctx)
{
  record (TEST_RECORDER (cb), g_strdup ("map-end"));
}

static void
rec_item_start (HnCallback *cb, guint64 i, HnCallbackContext *ctx)
{
  record (TEST_RECORDER (cb), g_strdup_printf ("item-start %" G_GUINT64_FORMAT, i));
}

static void
rec_item_end (HnCallback *cb, guint64 i, double d, HnCallbackContext *ctx)
{
  g_assert_cmpfloat (d, >=, 0);
  g_atomic_pointer_add (&TEST_RECORDER (cb)->item_us, (gssize) (d * 1e6));
  record (TEST_RECORDER (cb), g_strdup_printf ("item-end %" G_GUINT64_FORMAT, i));
}

static HnCallbackEvents
rec_get_events (HnCallback *cb, gboolean is_map, guint depth)
{
  return HN_CALLBACK_EVENTS_ALL | (TEST_RECORDER (cb)->untimed ? HN_CALLBACK_EVENTS_UNTIMED : 0);
}

static void
rec_item_cached (HnCallback *cb, guint64 i, HnCallbackContext *ctx)
{
  record (TEST_RECORDER (cb), g_strdup_printf ("item-cached %" G_GUINT64_FORMAT, i));
}

static void
rec_node_start (HnCallback *cb, HnNode *n, gint64 item, GVariant * const *args, guint n_args,
                HnCallbackContext *ctx)
{
  g_assert_cmpuint (n_args, ==, g_strv_length ((char **) hn_node_get_inputs (n)));
  record (TEST_RECORDER (cb), g_strdup_printf ("node-start %s %" G_GINT64_FORMAT " %u",
                                               hn_node_get_name (n), item,
                                               hn_callback_context_get_depth (ctx)));
}

static void
rec_node_end (HnCallback *cb, HnNode *n, gint64 item, GVariant *result, double d,
              HnCallbackContext *ctx)
{
  g_assert_nonnull (result);
  g_assert_cmpfloat (d, >=, 0);
  record (TEST_RECORDER (cb), g_strdup_printf ("node-end %s %" G_GINT64_FORMAT,
                                               hn_node_get_name (n), item));
}

static void
rec_node_cached (HnCallback *cb, HnNode *n, gint64 item, const char *sig, HnCallbackContext *ctx)
{
  g_assert_cmpuint (strlen (sig), ==, 64);
  record (TEST_RECORDER (cb), g_strdup_printf ("node-cached %s %" G_GINT64_FORMAT,
                                               hn_node_get_name (n), item));
}

static void
rec_node_error (HnCallback *cb, HnNode *n, gint64 item, const GError *error,
                HnCallbackContext *ctx)
{
  record (TEST_RECORDER (cb), g_strdup_printf ("node-error %s", hn_node_get_name (n)));
}

static void
rec_nested_start (HnCallback *cb, HnNode *n, gint64 item, HnCallbackContext *ctx)
{
  g_autoptr(GVariant) marker = hn_callback_context_get (ctx, "marker");

  /* the store is shared down into nested runs */
  g_assert_nonnull (marker);
  record (TEST_RECORDER (cb), g_strdup_printf ("nested-start %s %u", hn_node_get_name (n),
                                               hn_callback_context_get_depth (ctx)));
}

static void
rec_nested_end (HnCallback *cb, HnNode *n, gint64 item, double d, HnCallbackContext *ctx)
{
  record (TEST_RECORDER (cb), g_strdup_printf ("nested-end %s", hn_node_get_name (n)));
}

static void
recorder_iface_init (HnCallbackInterface *iface)
{
  iface->get_events = rec_get_events;
  iface->pipeline_start = rec_pipeline_start;
  iface->pipeline_end = rec_pipeline_end;
  iface->map_start = rec_map_start;
  iface->map_end = rec_map_end;
  iface->map_item_start = rec_item_start;
  iface->map_item_end = rec_item_end;
  iface->map_item_cached = rec_item_cached;
  iface->node_start = rec_node_start;
  iface->node_end = rec_node_end;
  iface->node_cached = rec_node_cached;
  iface->node_error = rec_node_error;
  iface->nested_pipeline_start = rec_nested_start;
  iface->nested_pipeline_end = rec_nested_end;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (TestRecorder, test_recorder, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_CALLBACK, recorder_iface_init))

static void
test_recorder_finalize (GObject *object)
{
  TestRecorder *self = TEST_RECORDER (object);

  g_ptr_array_unref (self->events);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (test_recorder_parent_class)->finalize (object);
}

static void
test_recorder_class_init (TestRecorderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = test_recorder_finalize;
}

static void
test_recorder_init (TestRecorder *self)
{
  g_mutex_init (&self->lock);
  self->events = g_ptr_array_new_with_free_func (g_free);
}

static gboolean
has_event (TestRecorder *self,
           const char   *event)
{
  for (guint i = 0; i < self->events->len; i++)
    if (g_str_equal (self->events->pdata[i], event))
      return TRUE;
  return FALSE;
}

static guint
count_prefix (TestRecorder *self,
              const char   *prefix)
{
  guint n = 0;

  for (guint i = 0; i < self->events->len; i++)
    n += g_str_has_prefix (self->events->pdata[i], prefix);
  return n;
}

/* ---- helpers ------------------------------------------------------------------------------- */

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
configured (HnPipeline *pipeline,
            HnExecutor *executor,
            HnCache    *cache,
            HnCallback *callback)
{
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new_full (NULL, executor, cache,
                                                                  callback ? &callback : NULL,
                                                                  callback ? 1 : 0, 0, 0);
  return hn_pipeline_with_config (pipeline, config);
}

static HnPipeline *
double_add_one (void)
{
  return build ((HnNode *[]) { test_double_node (), test_add_one_node () }, 2);
}

/* ---- callbacks ------------------------------------------------------------------------------ */

static void
test_events_run (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(TestRecorder) rec = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr(HnPipeline) plain = double_add_one ();
  g_autoptr(HnPipeline) pipeline = configured (plain, executor, NULL, HN_CALLBACK (rec));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (2), NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (rec->events->len, ==, 6);
  g_assert_cmpstr (rec->events->pdata[0], ==, "pipeline-start 0");
  g_assert_cmpstr (rec->events->pdata[1], ==, "node-start double -1 0");
  g_assert_cmpstr (rec->events->pdata[2], ==, "node-end double -1");
  g_assert_cmpstr (rec->events->pdata[3], ==, "node-start add_one -1 0");
  g_assert_cmpstr (rec->events->pdata[4], ==, "node-end add_one -1");
  g_assert_cmpstr (rec->events->pdata[5], ==, "pipeline-end ok");
}

static void
test_events_map (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(TestRecorder) rec = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr(HnPipeline) plain = double_add_one ();
  g_autoptr(HnPipeline) pipeline = configured (plain, executor, NULL, HN_CALLBACK (rec));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;

  result = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': <[int64 1, 2, 3]>}"),
                            STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rec->events->pdata[0], ==, "map-start 3");
  g_assert_cmpstr (rec->events->pdata[rec->events->len - 1], ==, "map-end");
  for (int i = 0; i < 3; i++)
    {
      g_autofree char *start = g_strdup_printf ("item-start %d", i);
      g_autofree char *end = g_strdup_printf ("item-end %d", i);
      g_autofree char *node = g_strdup_printf ("node-end add_one %d", i);

      g_assert_true (has_event (rec, start));
      g_assert_true (has_event (rec, end));
      g_assert_true (has_event (rec, node));
    }
  g_assert_cmpuint (count_prefix (rec, "node-start"), ==, 6);
}

static GVariant *
fail_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "broken");
  return NULL;
}

static void
test_events_error (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(TestRecorder) rec = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr(HnPipeline) plain = build ((HnNode *[]) {
                                         hn_function_node_new ("broken", STRV ("x"), STRV ("y"),
                                                               fail_func, NULL, NULL) }, 1);
  g_autoptr(HnPipeline) pipeline = configured (plain, executor, NULL, HN_CALLBACK (rec));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (2), NULL, NULL, &error);

  /* the error still propagates */
  g_assert_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED);
  g_assert_true (has_event (rec, "node-error broken"));
  g_assert_true (has_event (rec, "pipeline-end failed"));
}

static void
test_events_nested (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(TestRecorder) rec = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr(HnPipeline) inner = double_add_one ();
  g_autoptr(GError) error = NULL;
  g_autoptr(HnNode) node = hn_pipeline_as_node (inner, "inner", NULL, NULL, NULL,
                                                HN_MAP_MODE_ZIP, &error);
  g_autoptr(HnPipeline) outer = build ((HnNode *[]) { g_object_ref (node) }, 1);
  g_autoptr(HnPipeline) pipeline = configured (outer, executor, NULL, HN_CALLBACK (rec));
  g_autoptr(HnCallbackContext) context = hn_callback_context_new ("outer");
  g_autoptr(GVariant) result = NULL;

  hn_callback_context_set (context, "marker", g_variant_new_boolean (TRUE));
  result = hn_executor_run_pipeline (executor, pipeline, test_inputs_x (2), context, NULL, NULL,
                                     &error);
  g_assert_no_error (error);
  g_assert_true (has_event (rec, "nested-start inner 1"));
  g_assert_true (has_event (rec, "node-start double -1 1"));
  g_assert_true (has_event (rec, "nested-end inner"));
  g_assert_true (has_event (rec, "node-end inner -1"));
}

/* ---- caching -------------------------------------------------------------------------------- */

static void
test_cache_run (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(HnCache) cache = hn_memory_cache_new (0, 0);
  g_autoptr(TestRecorder) rec = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr(HnPipeline) plain = double_add_one ();
  g_autoptr(HnPipeline) pipeline = configured (plain, executor, cache, HN_CALLBACK (rec));
  g_autoptr(GError) error = NULL;

  test_calls_double = test_calls_add_one = 0;
  for (int round = 0; round < 3; round++)
    {
      g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (5), NULL, NULL,
                                                    &error);
      g_assert_no_error (error);
      g_assert_cmpint (test_lookup_int (result, "result"), ==, 11);
    }
  g_assert_cmpint (test_calls_double, ==, 1);
  g_assert_cmpint (test_calls_add_one, ==, 1);
  g_assert_cmpuint (count_prefix (rec, "node-cached"), ==, 4);
  g_assert_cmpuint (hn_memory_cache_get_n_entries (HN_MEMORY_CACHE (cache)), ==, 2);

  /* new input, new call */
  {
    g_autoptr(GVariant) result = hn_pipeline_run (pipeline, test_inputs_x (6), NULL, NULL,
                                                  &error);
    g_assert_no_error (error);
    g_assert_cmpint (test_calls_double, ==, 2);
  }
}

static void
test_cache_map_item (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(HnCache) cache = hn_memory_cache_new (0, 0);
  g_autoptr(TestRecorder) rec = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr(HnPipeline) plain = double_add_one ();
  g_autoptr(HnPipeline) pipeline = configured (plain, executor, cache, HN_CALLBACK (rec));
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) first = NULL, second = NULL;

  first = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': <[int64 1, 2, 3]>}"),
                           STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  test_calls_double = 0;
  g_ptr_array_set_size (rec->events, 0);
  /* one new item: only it runs */
  second = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': <[int64 1, 2, 3, 4]>}"),
                            STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (test_calls_double, ==, 1);
  g_assert_true (has_event (rec, "item-cached 0"));
  g_assert_true (has_event (rec, "item-cached 2"));
  g_assert_true (has_event (rec, "item-end 3"));
  g_assert_false (has_event (rec, "item-end 0"));
}

/* A node that counts its calls, with a version and a cache flag. */
#define TEST_TYPE_COUNT_NODE (test_count_node_get_type ())
G_DECLARE_FINAL_TYPE (TestCountNode, test_count_node, TEST, COUNT_NODE, HnNode)

struct _TestCountNode
{
  HnNode  parent_instance;
  gint   *calls;
};

G_DEFINE_FINAL_TYPE (TestCountNode, test_count_node, HN_TYPE_NODE)

static GVariant *
count_invoke (HnNode *node, GVariant * const *args, guint n_args, GCancellable *cancellable,
              GError **error)
{
  g_atomic_int_inc (TEST_COUNT_NODE (node)->calls);
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) + 1);
}

static void
test_count_node_class_init (TestCountNodeClass *klass)
{
  HN_NODE_CLASS (klass)->invoke = count_invoke;
}

static void
test_count_node_init (TestCountNode *self)
{
}

static void
test_cache_identity (void)
{
  g_autoptr(HnCache) cache = hn_memory_cache_new (0, 0);
  g_autoptr(HnExecutor) executor = hn_sequential_executor_new ();
  g_autoptr(GError) error = NULL;
  gint calls = 0;
  struct { const char *version; gboolean cache; int expected; } cases[] = {
    { "1", TRUE, 1 },    /* first: runs */
    { "1", TRUE, 1 },    /* same version: cached */
    { "2", TRUE, 2 },    /* new version: runs */
    { "2", FALSE, 3 },   /* not cacheable: always runs */
    { "2", FALSE, 4 },
  };

  for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
    {
      TestCountNode *node = g_object_new (TEST_TYPE_COUNT_NODE, "name", "inc",
                                          "inputs", STRV ("x"), "outputs", STRV ("y"),
                                          "version", cases[c].version,
                                          "cache", cases[c].cache, NULL);
      g_autoptr(HnPipeline) plain = NULL, pipeline = NULL;
      g_autoptr(GVariant) result = NULL;

      node->calls = &calls;
      g_assert_cmpstr (hn_node_get_version (HN_NODE (node)), ==, cases[c].version);
      g_assert_true (hn_node_get_cache (HN_NODE (node)) == cases[c].cache);
      plain = build ((HnNode *[]) { HN_NODE (node) }, 1);
      pipeline = configured (plain, executor, cache, NULL);
      result = hn_pipeline_run (pipeline, test_inputs_x (1), NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (test_lookup_int (result, "y"), ==, 2);
      g_assert_cmpint (calls, ==, cases[c].expected);
    }
}

static void
test_memory_cache_bounds (void)
{
  g_autoptr(HnCache) by_entries = hn_memory_cache_new (2, 0);
  g_autoptr(HnCache) by_bytes = hn_memory_cache_new (0, 200);
  g_autoptr(GVariant) a = NULL;

  g_assert_true (hn_cache_store (by_entries, "a", g_variant_new_int64 (1), NULL));
  g_assert_true (hn_cache_store (by_entries, "b", g_variant_new_int64 (2), NULL));
  g_clear_pointer (&a, g_variant_unref);
  a = hn_cache_lookup (by_entries, "a");            /* a is now the most recent */
  g_assert_nonnull (a);
  g_assert_true (hn_cache_store (by_entries, "c", g_variant_new_int64 (3), NULL));
  g_assert_cmpuint (hn_memory_cache_get_n_entries (HN_MEMORY_CACHE (by_entries)), ==, 2);
  g_assert_null (hn_cache_lookup (by_entries, "b"));  /* the least recent went */

  for (int i = 0; i < 10; i++)
    {
      g_autofree char *key = g_strdup_printf ("k%d", i);
      g_assert_true (hn_cache_store (by_bytes, key, g_variant_new_int64 (i), NULL));
    }
  g_assert_cmpuint (hn_memory_cache_get_n_entries (HN_MEMORY_CACHE (by_bytes)), <=, 3);
  hn_cache_clear (by_bytes);
  g_assert_cmpuint (hn_memory_cache_get_n_entries (HN_MEMORY_CACHE (by_bytes)), ==, 0);
}

static char *
only_entry (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  char *path = NULL;

  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".hnc"))
      {
        g_assert_null (path);
        path = g_build_filename (dir, name, NULL);
      }
  g_assert_nonnull (path);
  return path;
}

static GVariant *
kilobyte (guchar fill)
{
  guchar data[1000];

  memset (data, fill, sizeof data);
  return g_variant_new_fixed_array (G_VARIANT_TYPE_BYTE, data, sizeof data, 1);
}

static guint64
entries_size (const char *dir,
              guint      *n)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint64 total = 0;

  *n = 0;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".hnc"))
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        GStatBuf st;

        g_assert_cmpint (g_stat (path, &st), ==, 0);
        total += st.st_size;
        (*n)++;
      }
  return total;
}

static void
test_disk_cache_max_bytes (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hn-cache-XXXXXX", &error);
  g_autoptr(HnCache) probe = NULL;
  g_autoptr(HnCache) cache = NULL;
  g_autoptr(GVariant) hit = NULL;
  guint64 one, bound;
  guint n;

  g_assert_no_error (error);
  probe = hn_disk_cache_new (dir);
  g_assert_true (hn_cache_store (probe, "aa", kilobyte (1), &error));
  one = entries_size (dir, &n);
  hn_cache_clear (probe);

  bound = 2 * one + one / 2;   /* room for two entries */
  cache = hn_disk_cache_new_full (dir, bound);
  g_assert_cmpuint (hn_disk_cache_get_max_bytes (HN_DISK_CACHE (cache)), ==, bound);
  g_assert_true (hn_cache_store (cache, "aa", kilobyte (1), &error));
  g_usleep (10000);
  g_assert_true (hn_cache_store (cache, "bb", kilobyte (2), &error));
  g_usleep (10000);
  hit = hn_cache_lookup (cache, "aa");       /* "aa" is used again: "bb" is older now */
  g_assert_nonnull (hit);
  g_usleep (10000);
  g_assert_true (hn_cache_store (cache, "cc", kilobyte (3), &error));
  g_assert_no_error (error);

  g_assert_cmpuint (entries_size (dir, &n), <=, bound);
  g_assert_cmpuint (n, ==, 2);
  g_clear_pointer (&hit, g_variant_unref);
  hit = hn_cache_lookup (cache, "bb");
  g_assert_null (hit);
  hit = hn_cache_lookup (cache, "aa");
  g_assert_nonnull (hit);
  g_clear_pointer (&hit, g_variant_unref);
  hit = hn_cache_lookup (cache, "cc");
  g_assert_nonnull (hit);

  hn_cache_clear (cache);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_disk_cache_stale_temporaries (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hn-cache-XXXXXX", &error);
  g_autofree char *dead = g_build_filename (dir, "aa.hnc.tmp-AbCdEf", NULL);
  g_autofree char *fresh = g_build_filename (dir, "bb.hnc.tmp-GhIjKl", NULL);
  g_autoptr(HnCache) cache = NULL;
  struct utimbuf old = { time (NULL) - 3600, time (NULL) - 3600 };

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (dead, "half an entry", -1, NULL));
  g_assert_true (g_file_set_contents (fresh, "a writer at work", -1, NULL));
  g_assert_cmpint (g_utime (dead, &old), ==, 0);

  cache = hn_disk_cache_new (dir);
  g_assert_true (hn_cache_store (cache, "cc", g_variant_new_int64 (1), &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (dead, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fresh, G_FILE_TEST_EXISTS));

  hn_cache_clear (cache);
  g_unlink (fresh);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static GVariant *
nap_2ms (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  g_usleep (2000);
  return g_variant_new_int64 (g_variant_get_int64 (args[0]));
}

/* A map reads the clock for its items only when a callback reads their durations. */
static void
test_untimed_items (gconstpointer data)
{
  const ExecutorCase *c = data;
  g_autoptr(HnExecutor) executor = c->make ();
  g_autoptr(HnNode) nap = hn_function_node_new ("nap", (const char *[]) { "x", NULL },
                                                (const char *[]) { "y", NULL }, nap_2ms, NULL,
                                                NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HnPipeline) plain = hn_pipeline_new (&nap, 1, &error);
  g_autoptr(TestRecorder) timed = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr(TestRecorder) untimed = g_object_new (TEST_TYPE_RECORDER, NULL);

  g_assert_no_error (error);
  untimed->untimed = TRUE;
  for (int both = 0; both < 2; both++)
    {
      HnCallback *callbacks[] = { HN_CALLBACK (untimed), HN_CALLBACK (timed) };
      g_autoptr(HnRuntimeConfig) config =
        hn_runtime_config_new_full (NULL, executor, NULL, callbacks, both ? 2 : 1, 0, 0);
      g_autoptr(HnPipeline) pipeline = hn_pipeline_with_config (plain, config);
      g_autoptr(GVariant) result =
        hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': <[int64 1, 2, 3]>}"),
                         (const char *[]) { "x", NULL }, HN_MAP_MODE_ZIP, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpuint (count_prefix (untimed, "item-end"), ==, both ? 6 : 3);
      if (!both)
        g_assert_cmpint (g_atomic_pointer_get (&untimed->item_us), ==, 0);   /* no clock read */
      else
        g_assert_cmpint (g_atomic_pointer_get (&timed->item_us), >=, 5000);  /* 3 naps of 2 ms */
    }
}

static void
test_disk_cache (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hn-cache-XXXXXX", &error);
  g_autofree char *sub = g_build_filename (dir, "entries", NULL);
  g_autoptr(HnCache) cache = hn_disk_cache_new (sub);
  g_autoptr(HnCache) other = hn_disk_cache_new (sub);   /* another process, say */
  g_autoptr(HnExecutor) executor = hn_sequential_executor_new ();
  g_autoptr(HnPipeline) plain = build ((HnNode *[]) { test_double_node () }, 1);
  g_autoptr(HnPipeline) pipeline = configured (plain, executor, cache, NULL);
  g_autoptr(HnPipeline) pipeline2 = configured (plain, executor, other, NULL);
  g_autofree char *entry = NULL, *contents = NULL;
  gsize length;
  const char *damages[] = { "truncate", "flip", "foreign", "version", "empty" };

  g_assert_no_error (error);
  test_calls_double = 0;
  for (int round = 0; round < 2; round++)
    {
      g_autoptr(GVariant) result = hn_pipeline_run (round ? pipeline2 : pipeline,
                                                    test_inputs_x (21), NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (test_lookup_int (result, "doubled"), ==, 42);
    }
  g_assert_cmpint (test_calls_double, ==, 1);

  /* every kind of damaged entry is a miss, never a wrong value, and is replaced */
  entry = only_entry (sub);
  g_assert_true (g_file_get_contents (entry, &contents, &length, NULL));
  for (guint d = 0; d < G_N_ELEMENTS (damages); d++)
    {
      g_autofree char *bad = g_memdup2 (contents, length);
      gsize bad_length = length;
      g_autoptr(GVariant) result = NULL;

      if (g_str_equal (damages[d], "truncate"))
        bad_length = length - 3;
      else if (g_str_equal (damages[d], "flip"))
        bad[length - 2] ^= 0x40;
      else if (g_str_equal (damages[d], "foreign"))
        memcpy (bad, "GARBAGE", 7);
      else if (g_str_equal (damages[d], "version"))
        bad[8] = '9';
      else
        bad_length = 0;
      g_assert_true (g_file_set_contents (entry, bad, bad_length, NULL));

      test_calls_double = 0;
      result = hn_pipeline_run (pipeline, test_inputs_x (21), NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpint (test_lookup_int (result, "doubled"), ==, 42);
      g_assert_cmpint (test_calls_double, ==, 1);
    }

  /* a cache that cannot store is a warning, not a failed run */
  {
    g_autofree char *blocked = g_build_filename (dir, "file", NULL);
    g_autoptr(HnCache) broken = NULL;
    g_autoptr(HnPipeline) p = NULL;
    g_autoptr(GVariant) result = NULL;

    g_assert_true (g_file_set_contents (blocked, "x", 1, NULL));
    broken = hn_disk_cache_new (blocked);    /* a file, not a directory */
    p = configured (plain, executor, broken, NULL);
    g_test_expect_message ("Hn", G_LOG_LEVEL_WARNING, "Cannot cache the result of node*");
    result = hn_pipeline_run (p, test_inputs_x (1), NULL, NULL, &error);
    g_test_assert_expected_messages ();
    g_assert_no_error (error);
    g_assert_cmpint (test_lookup_int (result, "doubled"), ==, 2);
    g_unlink (blocked);
  }

  g_assert_false (hn_cache_store (cache, "../escape", g_variant_new_int64 (1), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  hn_cache_clear (cache);
  g_assert_null (hn_cache_lookup (cache, "00"));
  g_rmdir (sub);
  g_rmdir (dir);
}

/* ---- events reported by engine glue ------------------------------------------------------- */

static void
test_report_map_items (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TestRecorder) rec = g_object_new (TEST_TYPE_RECORDER, NULL);
  g_autoptr(HnExecutor) executor = hn_sequential_executor_new ();
  g_autoptr(HnPipeline) plain = double_add_one ();
  g_autoptr(HnPipeline) pipeline = configured (plain, executor, NULL, HN_CALLBACK (rec));
  g_autoptr(HnRun) map = hn_run_new_map (pipeline,
                                         g_variant_new_parsed ("[{'x': <int64 1>}, "
                                                               "{'x': <int64 2>}]"),
                                         NULL, NULL, NULL, NULL, &error);
  g_autoptr(HnRun) single = hn_run_new (pipeline, test_inputs_x (2), NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_true (hn_run_wants_item_events (map));
  g_assert_false (hn_run_wants_item_events (single));

  hn_run_report_map_item (map, 0, 0.5, FALSE);
  hn_run_report_map_item (map, 1, 0.0, TRUE);
  hn_run_report_map_item_start (map, 1);
  g_assert_cmpuint (rec->events->len, ==, 5);
  g_assert_cmpstr (rec->events->pdata[0], ==, "item-start 0");
  g_assert_cmpstr (rec->events->pdata[1], ==, "item-end 0");
  g_assert_cmpstr (rec->events->pdata[2], ==, "item-start 1");
  g_assert_cmpstr (rec->events->pdata[3], ==, "item-cached 1");
  g_assert_cmpstr (rec->events->pdata[4], ==, "item-start 1");
}

/* ---- the built-in callbacks ------------------------------------------------------------------ */

static void
test_progress (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(HnCallback) progress = hn_progress_callback_new (FALSE);
  g_autoptr(HnPipeline) plain = double_add_one ();
  g_autoptr(HnPipeline) pipeline = configured (plain, executor, NULL, progress);
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = NULL;
  guint notified = 0;

  g_signal_connect_swapped (progress, "notify::completed", G_CALLBACK (g_atomic_int_inc),
                            &notified);
  result = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': <[int64 1, 2, 3, 4, 5]>}"),
                            STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hn_progress_callback_get_total (HN_PROGRESS_CALLBACK (progress)), ==, 5);
  g_assert_cmpuint (hn_progress_callback_get_completed (HN_PROGRESS_CALLBACK (progress)), ==, 5);
  g_assert_cmpfloat (hn_progress_callback_get_fraction (HN_PROGRESS_CALLBACK (progress)), ==, 1.0);
  /* notifications arrive on the main context */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (notified, >, 0);

  g_clear_pointer (&result, g_variant_unref);
  result = hn_pipeline_run (pipeline, test_inputs_x (1), NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hn_progress_callback_get_total (HN_PROGRESS_CALLBACK (progress)), ==, 2);
  g_assert_cmpuint (hn_progress_callback_get_completed (HN_PROGRESS_CALLBACK (progress)), ==, 2);
}

static void
test_progress_terminal (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(HnExecutor) executor = hn_sequential_executor_new ();
      g_autoptr(HnCallback) progress = hn_progress_callback_new (TRUE);
      g_autoptr(HnPipeline) plain = double_add_one ();
      g_autoptr(HnPipeline) pipeline = configured (plain, executor, NULL, progress);
      g_autoptr(GVariant) result = hn_pipeline_map (pipeline,
                                                    g_variant_new_parsed ("{'x': <[int64 1, 2]>}"),
                                                    STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, NULL);
      g_assert_nonnull (result);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*items*[##############################] 2/2*");
}

static GLogWriterOutput
collect_log (GLogLevelFlags   level,
             const GLogField *fields,
             gsize            n_fields,
             gpointer         user_data)
{
  GPtrArray *records = user_data;
  GString *record = g_string_new (NULL);

  for (gsize i = 0; i < n_fields; i++)
    if (g_str_has_prefix (fields[i].key, "HN_") || g_str_equal (fields[i].key, "GLIB_DOMAIN"))
      g_string_append_printf (record, "%s=%s;", fields[i].key, (const char *) fields[i].value);
  g_ptr_array_add (records, g_string_free (record, FALSE));
  return G_LOG_WRITER_HANDLED;
}

static void
test_log_callback (void)
{
  if (g_test_subprocess ())
    {
      g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(HnExecutor) executor = hn_sequential_executor_new ();
      g_autoptr(HnCallback) log = hn_log_callback_new ();
      g_autoptr(HnPipeline) plain = double_add_one ();
      g_autoptr(HnPipeline) pipeline = configured (plain, executor, NULL, log);
      g_autoptr(GVariant) result = NULL;
      gboolean found = FALSE;

      g_log_set_writer_func (collect_log, records, NULL);
      result = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': <[int64 1, 2]>}"),
                                STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, NULL);
      g_assert_nonnull (result);
      for (guint i = 0; i < records->len; i++)
        found |= strstr (records->pdata[i], "HN_EVENT=node-end;") != NULL &&
                 strstr (records->pdata[i], "HN_NODE=add_one;") != NULL &&
                 strstr (records->pdata[i], "HN_ITEM=1;") != NULL &&
                 strstr (records->pdata[i], "HN_DURATION=") != NULL &&
                 strstr (records->pdata[i], "GLIB_DOMAIN=Hn-Run;") != NULL;
      g_assert_true (found);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_trace_callback (gconstpointer data)
{
  const ExecutorCase *ec = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("hn-trace-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "trace.json", NULL);
  g_autoptr(HnExecutor) executor = ec->make ();
  g_autoptr(HnCallback) trace = hn_trace_callback_new (path);
  g_autoptr(HnPipeline) plain = double_add_one ();
  g_autoptr(HnPipeline) pipeline = configured (plain, executor, NULL, trace);
  g_autoptr(GVariant) result = NULL;
  g_autofree char *contents = NULL;

  result = hn_pipeline_map (pipeline, g_variant_new_parsed ("{'x': <[int64 1, 2, 3]>}"),
                            STRV ("x"), HN_MAP_MODE_ZIP, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_nonnull (strstr (contents, "\"traceEvents\""));
  g_assert_nonnull (strstr (contents, "{\"name\": \"add_one\", \"cat\": \"node\", \"ph\": \"X\""));
  g_assert_nonnull (strstr (contents, "\"thread_name\""));
  g_unlink (path);
  g_rmdir (dir);
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
        { "/Hn/Callback/run", test_events_run },
        { "/Hn/Callback/map", test_events_map },
        { "/Hn/Callback/error", test_events_error },
        { "/Hn/Callback/nested", test_events_nested },
        { "/Hn/Cache/run", test_cache_run },
        { "/Hn/Cache/map-item", test_cache_map_item },
        { "/Hn/ProgressCallback/map", test_progress },
        { "/Hn/TraceCallback/map", test_trace_callback },
        { "/Hn/Callback/untimed-items", test_untimed_items },
      };

      for (guint c = 0; c < G_N_ELEMENTS (cases); c++)
        {
          g_autofree char *path = g_strdup_printf ("%s/%s", cases[c].path, ec->name);
          g_test_add_data_func (path, ec, cases[c].func);
        }
    }
  g_test_add_func ("/Hn/Run/report-map-items", test_report_map_items);
  g_test_add_func ("/Hn/Cache/identity", test_cache_identity);
  g_test_add_func ("/Hn/MemoryCache/bounds", test_memory_cache_bounds);
  g_test_add_func ("/Hn/DiskCache/entries", test_disk_cache);
  g_test_add_func ("/Hn/DiskCache/max-bytes", test_disk_cache_max_bytes);
  g_test_add_func ("/Hn/DiskCache/stale-temporaries", test_disk_cache_stale_temporaries);
  g_test_add_func ("/Hn/ProgressCallback/terminal", test_progress_terminal);
  g_test_add_func ("/Hn/LogCallback/fields", test_log_callback);

  return g_test_run ();
}
