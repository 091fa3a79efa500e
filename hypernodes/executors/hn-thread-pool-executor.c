/* hn-thread-pool-executor.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-executor-private.h"
#include "hn-tsan-private.h"
#include "hn-thread-pool-executor.h"

/**
 * HnThreadPoolExecutor:
 *
 * Runs independent nodes of a run in parallel, and the items of a map in parallel, on a pool of
 * threads the executor owns.
 *
 * In a run, a node starts as soon as its inputs exist, not in waves. In a map, items are handed
 * out in chunks, so that small items are not dominated by hand-off cost; each item's nodes run in
 * order. Results are in item order and identical to those of [class@SequentialExecutor].
 *
 * The thread that calls a run or a map works too: it takes nodes or chunks like the pool's
 * threads. So a node may itself run a pipeline on the same executor without starving the pool.
 * Nodes must be safe to call from several threads at once.
 *
 * A failing node stops the run or map: no node starts after the failure (or a cancellation) is
 * seen, the error names the node and, in a map, the item, and no partial result is returned.
 */

struct _HnThreadPoolExecutor
{
  GObject      parent_instance;
  guint        max_workers;
  GThreadPool *pool;
};

enum {
  PROP_0,
  PROP_MAX_WORKERS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void executor_iface_init (HnExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HnThreadPoolExecutor, hn_thread_pool_executor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_EXECUTOR, executor_iface_init))

typedef void (*JobFunc) (gpointer data);

typedef struct
{
  JobFunc  func;
  gpointer data;
} Job;

static void
pool_run (gpointer data,
          gpointer user_data)
{
  Job *job = data;

  HN_TSAN_ACQUIRE (job);
  job->func (job->data);
  g_free (job);
}

static void
push_job (HnThreadPoolExecutor *self,
          JobFunc               func,
          gpointer              data)
{
  Job *job = g_new (Job, 1);

  job->func = func;
  job->data = data;
  HN_TSAN_RELEASE (job);
  g_thread_pool_push (self->pool, job, NULL);
}

/* ---- one run: a node starts when its last dependency is done ---------------------------- */

typedef struct
{
  gatomicrefcount       ref_count;
  GMutex                lock;
  GCond                 cond;
  HnThreadPoolExecutor *self;
  HnGraph              *graph;
  const HnPlan         *plan;
  HnCallbackContext    *context;
  GCancellable         *cancellable;
  GVariant            **frame;
  guint                *pending;     /* per step: dependencies not done yet */
  guint                *ready;       /* FIFO of steps whose inputs exist */
  guint                 ready_head;
  guint                 ready_tail;
  guint                 n_done;
  guint                 n_running;
  guint                 n_helpers;
  GError               *error;
} DagRun;

static DagRun *
dag_run_ref (DagRun *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

static void
dag_run_unref (DagRun *run)
{
  if (!hn_ref_count_dec (&run->ref_count))
    return;

  _hn_graph_clear_frame (run->graph, run->frame);
  g_free (run->frame);
  g_free (run->pending);
  g_free (run->ready);
  _hn_graph_unref (run->graph);
  g_clear_error (&run->error);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->context);
  g_mutex_clear (&run->lock);
  g_cond_clear (&run->cond);
  g_free (run);
}

static void dag_helper (gpointer data);

/* Called with the lock held: starts pool helpers for the ready steps beyond @keep_for_self,
 * which the calling thread takes itself. A helper that finds no work left just leaves. */
static void
dag_spawn_helpers (DagRun *run,
                   guint   keep_for_self)
{
  guint ready = run->ready_tail - run->ready_head;
  guint max_helpers = run->self->max_workers - 1;

  while (ready > keep_for_self && run->n_helpers < max_helpers)
    {
      run->n_helpers++;
      ready--;
      push_job (run->self, dag_helper, dag_run_ref (run));
    }
}

static gboolean
dag_stopped (DagRun *run)
{
  return run->error != NULL || g_cancellable_is_cancelled (run->cancellable);
}

/* The work loop shared by the caller and the helpers. Called with the lock held. */
static void
dag_work (DagRun   *run,
          gboolean  is_caller)
{
  const HnPlan *plan = run->plan;

  for (;;)
    {
      if (!dag_stopped (run) && run->ready_head < run->ready_tail)
        {
          guint step = run->ready[run->ready_head++];
          guint node = plan->steps[step];
          GError *error = NULL;
          guint newly_ready = 0;
          gboolean ok;

          run->n_running++;
          hn_mutex_unlock (&run->lock);

          ok = _hn_graph_invoke (run->graph, node, run->frame, run->context, -1,
                                 run->cancellable, &error);

          hn_mutex_lock (&run->lock);
          run->n_running--;
          run->n_done++;
          if (!ok)
            {
              if (run->error == NULL)
                run->error = error;
              else
                g_error_free (error);
            }
          else
            {
              HnGraphNode *gn = &run->graph->nodes[node];

              for (guint d = 0; d < gn->n_dependents; d++)
                {
                  guint s = plan->step_of_node[gn->dependents[d]];

                  if (s != G_MAXUINT && --run->pending[s] == 0)
                    {
                      run->ready[run->ready_tail++] = s;
                      newly_ready++;
                    }
                }
              if (newly_ready > 1)
                dag_spawn_helpers (run, 1);
            }
          g_cond_broadcast (&run->cond);
          continue;
        }

      if (!is_caller)
        {
          run->n_helpers--;
          g_cond_broadcast (&run->cond);
          return;
        }

      if (run->n_running == 0 && (run->n_done == plan->n_steps || dag_stopped (run)))
        return;

      hn_cond_wait (&run->cond, &run->lock);
    }
}

static void
dag_helper (gpointer data)
{
  DagRun *run = data;

  hn_mutex_lock (&run->lock);
  dag_work (run, FALSE);
  hn_mutex_unlock (&run->lock);
  dag_run_unref (run);
}

static GVariant *
hn_thread_pool_executor_run_pipeline (HnExecutor          *executor,
                                      HnPipeline          *pipeline,
                                      GVariant            *inputs,
                                      HnCallbackContext   *context,
                                      const char * const  *outputs,
                                      GCancellable        *cancellable,
                                      GError             **error)
{
  HnThreadPoolExecutor *self = HN_THREAD_POOL_EXECUTOR (executor);
  HnGraph *graph = _hn_pipeline_get_graph (pipeline);
  const HnPlan *plan;
  DagRun *run;
  GVariant *result = NULL;

  plan = _hn_graph_get_plan (graph, outputs, error);
  if (plan == NULL)
    return NULL;

  run = g_new0 (DagRun, 1);
  g_atomic_ref_count_init (&run->ref_count);
  g_mutex_init (&run->lock);
  g_cond_init (&run->cond);
  run->self = self;
  run->graph = _hn_graph_ref (graph);
  run->plan = plan;
  run->context = context ? g_object_ref (context) : NULL;
  run->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  run->frame = g_new0 (GVariant *, graph->n_slots);
  run->pending = g_memdup2 (plan->n_step_deps, sizeof (guint) * MAX (plan->n_steps, 1));
  run->ready = g_new (guint, MAX (plan->n_steps, 1));

  if (!_hn_graph_load_inputs (graph, plan, inputs, run->frame, error))
    goto out;

  for (guint s = 0; s < plan->n_steps; s++)
    if (run->pending[s] == 0)
      run->ready[run->ready_tail++] = s;

  hn_mutex_lock (&run->lock);
  dag_spawn_helpers (run, 1);
  dag_work (run, TRUE);
  /* under the lock: a helper that starts late still reads run->error */
  if (run->error != NULL)
    g_propagate_error (error, g_steal_pointer (&run->error));
  else if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    result = _hn_graph_collect (graph, plan, run->frame);
  hn_mutex_unlock (&run->lock);

out:
  dag_run_unref (run);
  return result;
}

/* ---- a map: chunks of items, each item's nodes in order ---------------------------------- */

typedef struct
{
  gatomicrefcount       ref_count;
  GMutex                lock;
  GCond                 cond;
  HnGraph              *graph;
  const HnPlan         *plan;
  HnCallbackContext    *context;
  GCancellable         *cancellable;
  HnMapSource          *source;
  GVariant            **template;
  GVariant            **results;
  gsize                 n_items;
  gsize                 chunk_size;
  gint                  next_chunk;
  gint                  n_chunks;
  gint                  failed;
  guint                 n_active;
  GError               *error;
  gsize                 error_item;
} MapRun;

static MapRun *
map_run_ref (MapRun *run)
{
  g_atomic_ref_count_inc (&run->ref_count);
  return run;
}

static void
map_run_unref (MapRun *run)
{
  if (!hn_ref_count_dec (&run->ref_count))
    return;

  if (run->results != NULL)
    for (gsize i = 0; i < run->n_items; i++)
      g_clear_pointer (&run->results[i], g_variant_unref);
  g_free (run->results);
  _hn_graph_clear_frame (run->graph, run->template);
  g_free (run->template);
  _hn_graph_unref (run->graph);
  g_clear_pointer (&run->source, _hn_map_source_unref);
  g_clear_error (&run->error);
  g_clear_object (&run->cancellable);
  g_clear_object (&run->context);
  g_mutex_clear (&run->lock);
  g_cond_clear (&run->cond);
  g_free (run);
}

static void
map_work (MapRun *run)
{
  HnGraph *graph = run->graph;
  const HnPlan *plan = run->plan;
  g_autofree GVariant **frame = g_new0 (GVariant *, graph->n_slots);

  while (!g_atomic_int_get (&run->failed))
    {
      gint chunk = g_atomic_int_add (&run->next_chunk, 1);
      gsize first, last;

      if (chunk >= run->n_chunks)
        break;

      first = (gsize) chunk * run->chunk_size;
      last = MIN (first + run->chunk_size, run->n_items);
      for (gsize i = first; i < last; i++)
        {
          GError *error = NULL;
          gboolean ok;

          if (g_atomic_int_get (&run->failed))
            break;

          ok = _hn_graph_load_item (graph, plan, run->template, run->source, i, frame, &error);
          for (guint s = 0; ok && s < plan->n_steps; s++)
            ok = _hn_graph_invoke (graph, plan->steps[s], frame, run->context, (gint64) i,
                                   run->cancellable, &error);
          if (ok)
            run->results[i] = _hn_graph_collect (graph, plan, frame);
          _hn_graph_clear_frame (graph, frame);

          if (!ok)
            {
              hn_mutex_lock (&run->lock);
              if (run->error == NULL || i < run->error_item)
                {
                  g_clear_error (&run->error);
                  run->error = error;
                  run->error_item = i;
                }
              else
                g_error_free (error);
              hn_mutex_unlock (&run->lock);
              g_atomic_int_set (&run->failed, TRUE);
              break;
            }
        }
    }

  hn_mutex_lock (&run->lock);
  if (--run->n_active == 0)
    g_cond_broadcast (&run->cond);
  hn_mutex_unlock (&run->lock);
}

static void
map_helper (gpointer data)
{
  MapRun *run = data;

  /* A helper counts only once it runs: the caller does not wait for helpers still queued
   * behind busy pool threads (a nested map would wait forever), and a helper that starts
   * after the last chunk was taken finds nothing to do. */
  hn_mutex_lock (&run->lock);
  run->n_active++;
  hn_mutex_unlock (&run->lock);
  map_work (run);
  map_run_unref (run);
}

static GVariant *
hn_thread_pool_executor_map_source (HnExecutor          *executor,
                                    HnPipeline          *pipeline,
                                    HnMapSource         *source,
                                    GVariant            *inputs,
                                    HnCallbackContext   *context,
                                    const char * const  *outputs,
                                    GCancellable        *cancellable,
                                    GError             **error)
{
  HnThreadPoolExecutor *self = HN_THREAD_POOL_EXECUTOR (executor);
  HnGraph *graph = _hn_pipeline_get_graph (pipeline);
  const HnPlan *plan;
  MapRun *run;
  GVariant *result = NULL;
  GError *failure;
  guint n_helpers;

  plan = _hn_graph_get_plan (graph, outputs, error);
  if (plan == NULL)
    return NULL;

  run = g_new0 (MapRun, 1);
  g_atomic_ref_count_init (&run->ref_count);
  g_mutex_init (&run->lock);
  g_cond_init (&run->cond);
  run->graph = _hn_graph_ref (graph);
  run->plan = plan;
  run->context = context ? g_object_ref (context) : NULL;
  run->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  run->source = _hn_map_source_ref (source);
  run->template = g_new0 (GVariant *, graph->n_slots);

  if (!_hn_graph_prepare_map (graph, plan, source, inputs, run->template, error))
    goto out;

  run->n_items = _hn_map_source_get_n_items (source);
  run->results = g_new0 (GVariant *, MAX (run->n_items, 1));
  /* About eight chunks per worker balances uneven items; the cap keeps chunks of cheap items
   * from being so large that one worker finishes long after the others. */
  run->chunk_size = CLAMP (run->n_items / ((gsize) self->max_workers * 8), 1, 4096);
  run->n_chunks = (gint) ((run->n_items + run->chunk_size - 1) / run->chunk_size);

  n_helpers = MIN ((guint) MAX (run->n_chunks, 1) - 1, self->max_workers - 1);
  run->n_active = 1;
  for (guint h = 0; h < n_helpers; h++)
    push_job (self, map_helper, map_run_ref (run));

  map_work (run);

  hn_mutex_lock (&run->lock);
  while (run->n_active > 0)
    hn_cond_wait (&run->cond, &run->lock);
  failure = g_steal_pointer (&run->error);
  hn_mutex_unlock (&run->lock);

  if (failure != NULL)
    g_propagate_error (error, failure);
  else if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    result = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARDICT, run->results,
                                                      run->n_items));

out:
  map_run_unref (run);
  return result;
}

static GVariant *
hn_thread_pool_executor_map_items (HnExecutor          *executor,
                                   HnPipeline          *pipeline,
                                   GVariant            *items,
                                   GVariant            *inputs,
                                   HnCallbackContext   *context,
                                   const char * const  *outputs,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  g_autoptr(HnMapSource) source = _hn_map_source_new_items (items);

  return hn_thread_pool_executor_map_source (executor, pipeline, source, inputs, context, outputs,
                                             cancellable, error);
}

static void
executor_iface_init (HnExecutorInterface *iface)
{
  iface->run_pipeline = hn_thread_pool_executor_run_pipeline;
  iface->map_items = hn_thread_pool_executor_map_items;
}

static void
hn_thread_pool_executor_constructed (GObject *object)
{
  HnThreadPoolExecutor *self = HN_THREAD_POOL_EXECUTOR (object);

  G_OBJECT_CLASS (hn_thread_pool_executor_parent_class)->constructed (object);

  if (self->max_workers == 0)
    self->max_workers = MAX (g_get_num_processors (), 1);

  /* The calling thread is one of the workers, so the pool needs one thread fewer. */
  self->pool = g_thread_pool_new (pool_run, NULL, MAX ((gint) self->max_workers - 1, 1),
                                  FALSE, NULL);
}

static void
hn_thread_pool_executor_finalize (GObject *object)
{
  HnThreadPoolExecutor *self = HN_THREAD_POOL_EXECUTOR (object);

  /* Helpers hold references to their run, not to the executor; wait for them anyway so no
   * thread outlives the pool's owner. */
  g_thread_pool_free (self->pool, FALSE, TRUE);

  G_OBJECT_CLASS (hn_thread_pool_executor_parent_class)->finalize (object);
}

static void
hn_thread_pool_executor_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  HnThreadPoolExecutor *self = HN_THREAD_POOL_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_MAX_WORKERS:
      g_value_set_uint (value, self->max_workers);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_thread_pool_executor_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  HnThreadPoolExecutor *self = HN_THREAD_POOL_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_MAX_WORKERS:
      self->max_workers = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_thread_pool_executor_class_init (HnThreadPoolExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hn_thread_pool_executor_constructed;
  object_class->finalize = hn_thread_pool_executor_finalize;
  object_class->get_property = hn_thread_pool_executor_get_property;
  object_class->set_property = hn_thread_pool_executor_set_property;

  _hn_executor_type_set_map_source (G_TYPE_FROM_CLASS (klass), hn_thread_pool_executor_map_source);

  /**
   * HnThreadPoolExecutor:max-workers:
   *
   * How many threads work on one run or map at most, the calling thread included. 0, the
   * default, means the number of processors.
   */
  properties[PROP_MAX_WORKERS] =
    g_param_spec_uint ("max-workers", NULL, NULL,
                       0, 1024, 0,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hn_thread_pool_executor_init (HnThreadPoolExecutor *self)
{
}

/**
 * hn_thread_pool_executor_new:
 * @max_workers: the number of threads that work on a run or map, the caller included, at most
 *   1024; 0 for the number of processors
 *
 * Creates a thread pool executor.
 *
 * Returns: (transfer full) (type HnThreadPoolExecutor): a new [class@ThreadPoolExecutor]
 */
HnExecutor *
hn_thread_pool_executor_new (guint max_workers)
{
  return g_object_new (HN_TYPE_THREAD_POOL_EXECUTOR, "max-workers", max_workers, NULL);
}

/**
 * hn_thread_pool_executor_get_max_workers:
 * @self: a [class@ThreadPoolExecutor]
 *
 * Gets the max workers.
 *
 * Returns: the number of threads that work on a run or map, the caller included
 */
guint
hn_thread_pool_executor_get_max_workers (HnThreadPoolExecutor *self)
{
  g_return_val_if_fail (HN_IS_THREAD_POOL_EXECUTOR (self), 0);
  return self->max_workers;
}
