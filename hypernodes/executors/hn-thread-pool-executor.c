/* hn-thread-pool-executor.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-driver-private.h"
#include "hn-invoke-private.h"
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

/* The state of one run or map on the pool, shared by the calling thread and the helpers it
 * starts. Helpers may start late (behind busy pool threads), so they hold a reference. */
typedef struct
{
  gatomicrefcount       ref_count;
  GMutex                lock;
  GCond                 cond;
  HnThreadPoolExecutor *self;
  HnRun                *run;
  GError               *error;
  /* Set by the caller when it is done; late helpers then leave without touching the run. */
  gboolean              finished;

  /* a run: a node starts when its last dependency is done */
  HnValue             **frame;
  guint                *pending;     /* per step: dependencies not done yet */
  guint                *ready;       /* FIFO of steps whose inputs exist */
  guint                 ready_head;
  guint                 ready_tail;
  guint                 n_done;
  guint                 n_running;
  guint                 n_helpers;

  /* a map: chunks of items, each item's nodes in order */
  HnMapDriver           driver;
  gsize                 chunk_size;
  gint                  next_chunk;
  gint                  n_chunks;
  gpointer              stop_at;     /* gsize: no item at or after it starts */
  guint                 n_active;
  gsize                 error_item;
} Work;

static Work *
work_new (HnThreadPoolExecutor *self,
          HnRun                *run)
{
  Work *work = g_new0 (Work, 1);

  g_atomic_ref_count_init (&work->ref_count);
  g_mutex_init (&work->lock);
  g_cond_init (&work->cond);
  work->self = self;
  work->run = hn_run_ref (run);
  work->stop_at = (gpointer) G_MAXSIZE;
  return work;
}

/* Called by the caller once no helper works on @work any more: what the run holds (the pipeline,
 * its nodes) is released in the calling thread, never in a late helper. */
static void
work_finish (Work *work)
{
  hn_mutex_lock (&work->lock);
  work->finished = TRUE;
  hn_mutex_unlock (&work->lock);

  if (work->frame != NULL)
    _hn_frame_free (work->run->graph, work->frame);
  work->frame = NULL;
  if (work->driver.run != NULL)
    _hn_map_driver_clear (&work->driver);
  g_clear_pointer (&work->run, hn_run_unref);
}

static Work *
work_ref (Work *work)
{
  hn_ref_count_inc (&work->ref_count);
  return work;
}

static void
work_unref (Work *work)
{
  if (!hn_ref_count_dec (&work->ref_count))
    return;

  g_free (work->pending);
  g_free (work->ready);
  g_clear_pointer (&work->run, hn_run_unref);
  g_clear_error (&work->error);
  g_mutex_clear (&work->lock);
  g_cond_clear (&work->cond);
  g_free (work);
}

/* Waits for the others (with the lock held). A thread that owns the main context of nodes bound
 * to one iterates it instead, so that the pool threads can hand those nodes to it. */
static void
work_wait (Work *work)
{
  GMainContext *context = work->run->graph->main_context;

  if (context != NULL && g_main_context_is_owner (context))
    {
      hn_mutex_unlock (&work->lock);
      g_main_context_iteration (context, TRUE);
      hn_mutex_lock (&work->lock);
    }
  else
    hn_cond_wait (&work->cond, &work->lock);
}

/* Wakes the waiting threads (with the lock held), the one iterating a main context too. */
static void
work_wake (Work *work)
{
  GMainContext *context = work->run->graph->main_context;

  g_cond_broadcast (&work->cond);
  if (context != NULL)
    g_main_context_wakeup (context);
}

/* ---- one run ------------------------------------------------------------------------------ */

static void dag_helper (gpointer data);

/* Called with the lock held: starts pool helpers for the ready steps beyond @keep_for_self,
 * which the calling thread takes itself. A helper that finds no work left just leaves. */
static void
dag_spawn_helpers (Work  *work,
                   guint  keep_for_self)
{
  guint ready = work->ready_tail - work->ready_head;
  guint max_helpers = work->self->max_workers - 1;

  while (ready > keep_for_self && work->n_helpers < max_helpers)
    {
      work->n_helpers++;
      ready--;
      push_job (work->self, dag_helper, work_ref (work));
    }
}

static gboolean
dag_stopped (Work *work)
{
  return work->error != NULL || _hn_run_is_cancelled (work->run);
}

/* The work loop shared by the caller and the helpers. Called with the lock held. */
static void
dag_work (Work     *work,
          gboolean  is_caller)
{
  HnRun *run = work->run;
  const HnPlan *plan = run->plan;

  for (;;)
    {
      if (!dag_stopped (work) && work->ready_head < work->ready_tail)
        {
          guint step = work->ready[work->ready_head++];
          guint node = plan->steps[step];
          GError *error = NULL;
          guint newly_ready = 0;
          gboolean ok;

          work->n_running++;
          hn_mutex_unlock (&work->lock);

          ok = _hn_invoke (run, node, work->frame, run->item, NULL, &error);

          hn_mutex_lock (&work->lock);
          work->n_running--;
          work->n_done++;
          if (!ok)
            {
              if (work->error == NULL)
                work->error = error;
              else
                g_error_free (error);
            }
          else
            {
              HnGraphNode *gn = &run->graph->nodes[node];

              for (guint d = 0; d < gn->n_dependents; d++)
                {
                  guint s = plan->step_of_node[gn->dependents[d]];

                  if (s != G_MAXUINT && --work->pending[s] == 0)
                    {
                      work->ready[work->ready_tail++] = s;
                      newly_ready++;
                    }
                }
              if (newly_ready > 1)
                dag_spawn_helpers (work, 1);
            }
          work_wake (work);
          continue;
        }

      if (!is_caller)
        {
          work->n_helpers--;
          work_wake (work);
          return;
        }

      if (work->n_running == 0 && (work->n_done == plan->n_steps || dag_stopped (work)))
        return;

      work_wait (work);
    }
}

static void
dag_helper (gpointer data)
{
  Work *work = data;

  hn_mutex_lock (&work->lock);
  if (!work->finished)
    dag_work (work, FALSE);
  hn_mutex_unlock (&work->lock);
  work_unref (work);
}

static GVariant *
hn_thread_pool_executor_run_pipeline (HnExecutor  *executor,
                                      HnRun       *run,
                                      GError     **error)
{
  HnThreadPoolExecutor *self = HN_THREAD_POOL_EXECUTOR (executor);
  const HnPlan *plan = run->plan;
  Work *work = work_new (self, run);
  GVariant *result = NULL;

  work->frame = _hn_frame_new (run->graph);
  work->pending = g_memdup2 (plan->n_step_deps, sizeof (guint) * MAX (plan->n_steps, 1));
  work->ready = g_new (guint, MAX (plan->n_steps, 1));

  if (!_hn_driver_load_inputs (run, work->frame, error))
    goto out;

  for (guint s = 0; s < plan->n_steps; s++)
    if (work->pending[s] == 0)
      work->ready[work->ready_tail++] = s;

  hn_mutex_lock (&work->lock);
  dag_spawn_helpers (work, 1);
  dag_work (work, TRUE);
  /* under the lock: a helper that starts late still reads work->error */
  if (work->error != NULL)
    g_propagate_error (error, g_steal_pointer (&work->error));
  else if (run->cancellable == NULL ||
           !g_cancellable_set_error_if_cancelled (run->cancellable, error))
    result = _hn_driver_collect (run, work->frame, error);
  /* under the same lock: no helper starts working after this */
  work->finished = TRUE;
  hn_mutex_unlock (&work->lock);

out:
  work_finish (work);
  work_unref (work);
  return result;
}

/* ---- a map -------------------------------------------------------------------------------- */

static void
map_work (Work *work)
{
  HnRun *run = work->run;
  HnValue **frame = _hn_frame_new (run->graph);

  /* Chunks go out in item order. After a failure at item i, items before i still run (another
   * of them may fail first), items after it do not: the error is the first failing item's, as
   * with the sequential executor. */
  for (;;)
    {
      gint chunk = g_atomic_int_add (&work->next_chunk, 1);
      gsize first, last;

      if (chunk >= work->n_chunks)
        break;

      first = (gsize) chunk * work->chunk_size;
      last = MIN (first + work->chunk_size, work->driver.n_items);
      if (first >= (gsize) g_atomic_pointer_get (&work->stop_at))
        break;
      for (gsize i = first; i < last; i++)
        {
          GError *error = NULL;

          if (i >= (gsize) g_atomic_pointer_get (&work->stop_at))
            break;

          if (!_hn_map_driver_run_item (&work->driver, i, frame, &error))
            {
              hn_mutex_lock (&work->lock);
              if (work->error == NULL || i < work->error_item)
                {
                  g_clear_error (&work->error);
                  work->error = error;
                  work->error_item = i;
                  g_atomic_pointer_set (&work->stop_at, (gpointer) i);
                }
              else
                g_error_free (error);
              hn_mutex_unlock (&work->lock);
              break;
            }
        }
    }

  g_free (frame);
  hn_mutex_lock (&work->lock);
  if (--work->n_active == 0)
    work_wake (work);
  hn_mutex_unlock (&work->lock);
}

static void
map_helper (gpointer data)
{
  Work *work = data;

  /* A helper counts only once it runs: the caller does not wait for helpers still queued
   * behind busy pool threads (a nested map would wait forever), and a helper that starts
   * after the last chunk was taken finds nothing to do. */
  hn_mutex_lock (&work->lock);
  if (work->finished)
    {
      hn_mutex_unlock (&work->lock);
      work_unref (work);
      return;
    }
  work->n_active++;
  hn_mutex_unlock (&work->lock);
  map_work (work);
  work_unref (work);
}

static GVariant *
hn_thread_pool_executor_map_items (HnExecutor  *executor,
                                   HnRun       *run,
                                   GError     **error)
{
  HnThreadPoolExecutor *self = HN_THREAD_POOL_EXECUTOR (executor);
  Work *work = work_new (self, run);
  GVariant *result = NULL;
  GError *failure;
  guint n_helpers;
  gsize n_items;

  if (!_hn_map_driver_init (&work->driver, run, NULL, NULL, error))
    goto out;

  n_items = work->driver.n_items;
  /* About eight chunks per worker balances uneven items; the cap keeps chunks of cheap items
   * from being so large that one worker finishes long after the others. */
  work->chunk_size = CLAMP (n_items / ((gsize) self->max_workers * 8), 1, 4096);
  work->n_chunks = (gint) ((n_items + work->chunk_size - 1) / work->chunk_size);

  n_helpers = MIN ((guint) MAX (work->n_chunks, 1) - 1, self->max_workers - 1);
  work->n_active = 1;
  for (guint h = 0; h < n_helpers; h++)
    push_job (self, map_helper, work_ref (work));

  map_work (work);

  hn_mutex_lock (&work->lock);
  while (work->n_active > 0)
    work_wait (work);
  /* under the same lock: a helper that starts later leaves at once */
  work->finished = TRUE;
  failure = g_steal_pointer (&work->error);
  hn_mutex_unlock (&work->lock);

  if (failure != NULL)
    g_propagate_error (error, failure);
  else if (run->cancellable == NULL ||
           !g_cancellable_set_error_if_cancelled (run->cancellable, error))
    result = _hn_map_driver_finish (&work->driver);

out:
  work_finish (work);
  work_unref (work);
  return result;
}

static void
executor_iface_init (HnExecutorInterface *iface)
{
  iface->run = hn_thread_pool_executor_run_pipeline;
  iface->map = hn_thread_pool_executor_map_items;
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
