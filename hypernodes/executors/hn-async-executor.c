/* hn-async-executor.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-async-executor.h"
#include "hn-callback-private.h"
#include "hn-driver-private.h"
#include "hn-invoke-private.h"
#include "hn-tsan-private.h"

/**
 * HnAsyncExecutor:
 *
 * Runs pipelines on the caller's [struct@GLib.MainContext], for nodes that wait on I/O.
 *
 * Nodes whose class implements [vfunc@Node.invoke_async] (a GIO or libsoup request, a timeout)
 * are started on the thread-default main context of the caller, and up to
 * [property@AsyncExecutor:max-concurrency] node calls are in flight at once, across a whole run
 * or map. Nodes with only a synchronous [vfunc@Node.invoke] still work: they run on a thread
 * pool of the executor and their results come back to the main context. The main context is
 * never blocked.
 *
 * The synchronous [method@Executor.run_pipeline] and [method@Executor.map_items] run the same
 * machinery on a private main context of the calling thread.
 */

struct _HnAsyncExecutor
{
  GObject      parent_instance;
  guint        max_concurrency;
  GThreadPool *pool;
};

enum {
  PROP_0,
  PROP_MAX_CONCURRENCY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void executor_iface_init (HnExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HnAsyncExecutor, hn_async_executor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_EXECUTOR, executor_iface_init))

typedef struct
{
  HnValue **frame;
  guint     *pending;
  guint      n_done;
  guint      n_cached;
  gint64     started;
} ItemState;

typedef struct
{
  gsize item;
  guint step;
} Ready;

typedef struct
{
  HnAsyncExecutor    *self;
  GTask              *task;          /* not owned: the task owns the job */
  GMainContext       *context;
  HnRun              *run;
  gboolean            is_map;
  HnMapDriver         driver;        /* a map's items and results */
  GVariant           *result;        /* a single run's result */
  gsize               n_items;
  gsize               next_item;
  guint               active_items;
  ItemState          *states;
  GArray             *ready;         /* of Ready, a FIFO from ready_head */
  guint               ready_head;
  guint               in_flight;
  gboolean            pumping;
  gboolean            finished;
  GError             *error;
  gsize               error_item;
} Job;

typedef struct
{
  Job          *job;
  gsize         item;
  HnInvocation *invocation;
} Call;

static void
item_state_clear (Job       *job,
                  ItemState *state)
{
  if (state->frame != NULL)
    {
      _hn_frame_free (job->run->graph, state->frame);
      state->frame = NULL;
    }
  g_clear_pointer (&state->pending, g_free);
}

static void
job_free (gpointer data)
{
  Job *job = data;

  if (job->states != NULL)
    for (gsize i = 0; i < job->n_items; i++)
      item_state_clear (job, &job->states[i]);
  g_free (job->states);
  if (job->driver.run != NULL)
    _hn_map_driver_clear (&job->driver);
  g_clear_pointer (&job->result, g_variant_unref);
  g_clear_pointer (&job->ready, g_array_unref);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_clear_error (&job->error);
  g_clear_pointer (&job->run, hn_run_unref);
  g_clear_object (&job->self);
  g_free (job);
}

static gint64
item_label (Job   *job,
            gsize  item)
{
  return job->is_map ? (gint64) item : job->run->item;
}

/* The error of the first failing item wins, as with the sequential executor: items before it
 * that are under way go on (one of them may fail too), nothing after it starts. */
static void
job_fail (Job    *job,
          gsize   item,
          GError *error)
{
  if (job->error == NULL || item < job->error_item)
    {
      g_clear_error (&job->error);
      job->error = error;
      job->error_item = item;
    }
  else
    g_error_free (error);
}

static void pump (Job *job);

/* Set while a thread of an async executor's pool runs a node. A node that runs a pipeline on an
 * async executor blocks its pool thread in run_blocking(); if that nested run sent its own
 * synchronous nodes to the pool, a pool whose threads all wait so would never progress. So a
 * nested run calls its synchronous nodes inline instead. */
static GPrivate in_pool_thread;

static void
push_ready (Job   *job,
            gsize  item,
            guint  step)
{
  Ready r = { item, step };
  g_array_append_val (job->ready, r);
}

static void
finish (Job *job)
{
  GTask *task = job->task;
  GError *error = NULL;

  job->finished = TRUE;

  if (job->error != NULL)
    g_task_return_error (task, g_steal_pointer (&job->error));
  else if (job->run->cancellable != NULL &&
           g_cancellable_set_error_if_cancelled (job->run->cancellable, &error))
    g_task_return_error (task, error);
  else if (job->is_map)
    g_task_return_pointer (task, _hn_map_driver_finish (&job->driver),
                           (GDestroyNotify) g_variant_unref);
  else
    g_task_return_pointer (task, g_steal_pointer (&job->result),
                           (GDestroyNotify) g_variant_unref);

  /* drop the reference the job was started with */
  g_object_unref (task);
}

static void
complete_item (Job   *job,
               gsize  item)
{
  ItemState *state = &job->states[item];
  GError *error = NULL;

  if (job->is_map)
    {
      if (!_hn_map_driver_end_item (&job->driver, item, state->frame, state->started,
                                    state->n_cached == job->run->plan->n_steps, &error))
        job_fail (job, item, error);
    }
  else if ((job->result = _hn_driver_collect (job->run, state->frame, &error)) == NULL)
    job_fail (job, item, error);
  item_state_clear (job, state);
  job->active_items--;
}

static void
call_done (Call *call)
{
  Job *job = call->job;
  GTask *task = job->task;
  HnRun *run = job->run;
  ItemState *state = &job->states[call->item];
  HnInvocation *invocation = g_steal_pointer (&call->invocation);
  GError *error = NULL;
  guint node = _hn_invocation_get_index (invocation);
  gboolean cached = _hn_invocation_is_cached (invocation);

  job->in_flight--;
  state->n_cached += cached ? 1 : 0;

  if (!_hn_invocation_complete (invocation, state->frame, &error))
    job_fail (job, call->item, error);
  else
    {
      HnGraphNode *gn = &run->graph->nodes[node];

      for (guint d = 0; d < gn->n_dependents; d++)
        {
          guint s = run->plan->step_of_node[gn->dependents[d]];
          if (s != G_MAXUINT && --state->pending[s] == 0)
            push_ready (job, call->item, s);
        }
      if (++state->n_done == run->plan->n_steps)
        complete_item (job, call->item);
    }

  g_free (call);
  if (!job->pumping)
    pump (job);
  g_object_unref (task);
}

static void
node_async_done (HnInvocation *invocation,
                 gpointer      user_data)
{
  call_done (user_data);
}

static gboolean
deliver_in_context (gpointer user_data)
{
  HN_TSAN_ACQUIRE (user_data);
  call_done (user_data);
  return G_SOURCE_REMOVE;
}


static void
pool_invoke (gpointer data,
             gpointer user_data)
{
  Call *call = data;
  GMainContext *context;
  GSource *source;

  HN_TSAN_ACQUIRE (call);
  g_private_set (&in_pool_thread, GINT_TO_POINTER (1));
  _hn_invocation_call (call->invocation);
  g_private_set (&in_pool_thread, NULL);
  /* Always through a source of the job's context, never g_main_context_invoke(): that runs the
   * callback in this thread when it can acquire the context (a default context nobody
   * iterates at the moment), and the job's state belongs to the context's thread. */
  context = g_main_context_ref (call->job->context);
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver_in_context, call, NULL);
  HN_TSAN_RELEASE (call);
  g_source_attach (source, context);
  g_source_unref (source);
  g_main_context_unref (context);
}

static void
start_call (Job   *job,
            gsize  item,
            guint  step)
{
  HnRun *run = job->run;
  GError *error = NULL;
  HnInvocation *invocation;
  Call *call;

  invocation = _hn_invocation_new (run, run->plan->steps[step], job->states[item].frame,
                                   item_label (job, item), &error);
  if (invocation == NULL)
    {
      job_fail (job, item, error);
      return;
    }

  call = g_new0 (Call, 1);
  call->job = job;
  call->item = item;
  call->invocation = invocation;
  job->in_flight++;
  g_object_ref (job->task);

  if (_hn_invocation_is_cached (invocation))
    call_done (call);
  else if (_hn_invocation_has_async (invocation))
    _hn_invocation_call_async (invocation, node_async_done, call);
  else if (g_private_get (&in_pool_thread) != NULL || _hn_invocation_is_bound_here (invocation))
    {
      _hn_invocation_call (invocation);
      call_done (call);
    }
  else
    {
      HN_TSAN_RELEASE (call);
      g_thread_pool_push (job->self->pool, call, NULL);
    }
}

static gboolean
activate_item (Job   *job,
               gsize  item)
{
  HnRun *run = job->run;
  ItemState *state = &job->states[item];
  GError *error = NULL;

  state->started = _hn_run_wants (run, HN_HOOK_MAP_ITEM_TIMED) ? g_get_monotonic_time () : 0;
  if (job->is_map)
    {
      state->frame = _hn_frame_new (run->graph);
      if (!_hn_map_driver_begin_item (&job->driver, item, state->frame, &error))
        {
          job_fail (job, item, error);
          return FALSE;
        }
    }

  job->active_items++;
  state->pending = g_memdup2 (run->plan->n_step_deps,
                              sizeof (guint) * MAX (run->plan->n_steps, 1));
  for (guint s = 0; s < run->plan->n_steps; s++)
    if (state->pending[s] == 0)
      push_ready (job, item, s);
  if (run->plan->n_steps == 0)
    complete_item (job, item);
  return TRUE;
}

static void
pump (Job *job)
{
  guint max = job->self->max_concurrency;

  if (job->finished)
    return;

  job->pumping = TRUE;
  while (!_hn_run_is_cancelled (job->run))
    {
      if (job->ready_head < job->ready->len)
        {
          Ready r = g_array_index (job->ready, Ready, job->ready_head);

          /* after a failure, only the items before it go on */
          if (job->error != NULL && r.item >= job->error_item)
            {
              job->ready_head++;
              continue;
            }
          if (job->in_flight >= max)
            break;
          job->ready_head++;
          start_call (job, r.item, r.step);
          continue;
        }

      /* Keep the queue short: a new item only when there is room for its nodes. */
      if (job->error == NULL && job->next_item < job->n_items && job->in_flight < max)
        {
          if (!activate_item (job, job->next_item++))
            break;
          continue;
        }

      break;
    }
  job->pumping = FALSE;

  /* recycle the consumed part of the queue */
  if (job->ready_head == job->ready->len)
    {
      g_array_set_size (job->ready, 0);
      job->ready_head = 0;
    }

  if (job->in_flight == 0 &&
      (job->error != NULL || _hn_run_is_cancelled (job->run) ||
       (job->next_item == job->n_items && job->active_items == 0)))
    finish (job);
}

static void
hn_async_executor_execute_async (HnExecutor          *executor,
                                 HnRun               *run,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  HnAsyncExecutor *self = HN_ASYNC_EXECUTOR (executor);
  GTask *task = g_task_new (self, run->cancellable, callback, user_data);
  Job *job = g_new0 (Job, 1);

  /* the job's own outcome decides, a timeout's cancellation included (see _hn_run_fix_error) */
  g_task_set_check_cancellable (task, FALSE);
  GError *error = NULL;
  gboolean ok;

  g_task_set_source_tag (task, hn_async_executor_execute_async);
  g_task_set_task_data (task, job, job_free);
  job->self = g_object_ref (self);
  job->task = task;
  job->context = g_main_context_ref_thread_default ();
  job->run = hn_run_ref (run);
  job->ready = g_array_new (FALSE, FALSE, sizeof (Ready));
  job->is_map = hn_run_is_map (run);

  if (job->is_map)
    {
      ok = _hn_map_driver_init (&job->driver, run, NULL, NULL, &error);
      job->n_items = job->driver.n_items;
      job->states = g_new0 (ItemState, MAX (job->n_items, 1));
    }
  else
    {
      job->n_items = 1;
      job->states = g_new0 (ItemState, 1);
      job->states[0].frame = _hn_frame_new (run->graph);
      ok = _hn_driver_load_inputs (run, job->states[0].frame, &error);
    }
  if (!ok)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  pump (job);
}

static GVariant *
hn_async_executor_finish (HnExecutor    *executor,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, executor), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
store_result (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **out = user_data;
  *out = g_object_ref (result);
}

/* The synchronous methods run the asynchronous ones on a private main context; or on the
 * context of nodes bound to one, when this thread owns it, so that the calls other threads hand
 * to it are made while the run waits. */
static GVariant *
run_blocking (HnExecutor  *executor,
              HnRun       *run,
              GError     **error)
{
  GMainContext *bound = run->graph->main_context;
  g_autoptr(GMainContext) main_context = bound != NULL && g_main_context_is_owner (bound)
    ? g_main_context_ref (bound) : g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;

  g_main_context_push_thread_default (main_context);
  hn_async_executor_execute_async (executor, run, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (main_context, TRUE);
  g_main_context_pop_thread_default (main_context);

  return hn_async_executor_finish (executor, result, error);
}

static void
executor_iface_init (HnExecutorInterface *iface)
{
  iface->run = run_blocking;
  iface->run_async = hn_async_executor_execute_async;
  iface->run_finish = hn_async_executor_finish;
  iface->map = run_blocking;
  iface->map_async = hn_async_executor_execute_async;
  iface->map_finish = hn_async_executor_finish;
}

static void
hn_async_executor_constructed (GObject *object)
{
  HnAsyncExecutor *self = HN_ASYNC_EXECUTOR (object);

  G_OBJECT_CLASS (hn_async_executor_parent_class)->constructed (object);

  if (self->max_concurrency == 0)
    self->max_concurrency = 64;
  self->pool = g_thread_pool_new (pool_invoke, NULL,
                                  (gint) MIN (self->max_concurrency,
                                              MAX (g_get_num_processors (), 1)),
                                  FALSE, NULL);
}

static void
hn_async_executor_finalize (GObject *object)
{
  HnAsyncExecutor *self = HN_ASYNC_EXECUTOR (object);

  g_thread_pool_free (self->pool, FALSE, TRUE);

  G_OBJECT_CLASS (hn_async_executor_parent_class)->finalize (object);
}

static void
hn_async_executor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HnAsyncExecutor *self = HN_ASYNC_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_MAX_CONCURRENCY:
      g_value_set_uint (value, self->max_concurrency);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_async_executor_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HnAsyncExecutor *self = HN_ASYNC_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_MAX_CONCURRENCY:
      self->max_concurrency = g_value_get_uint (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_async_executor_class_init (HnAsyncExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hn_async_executor_constructed;
  object_class->finalize = hn_async_executor_finalize;
  object_class->get_property = hn_async_executor_get_property;
  object_class->set_property = hn_async_executor_set_property;

  /**
   * HnAsyncExecutor:max-concurrency:
   *
   * How many node calls may be in flight at once across a run or a map. 0, the default, means
   * 64.
   */
  properties[PROP_MAX_CONCURRENCY] =
    g_param_spec_uint ("max-concurrency", NULL, NULL,
                       0, G_MAXINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hn_async_executor_init (HnAsyncExecutor *self)
{
}

/**
 * hn_async_executor_new:
 * @max_concurrency: how many node calls may be in flight at once; 0 for 64
 *
 * Creates an executor for I/O-bound nodes that runs on the caller's main context.
 *
 * Returns: (transfer full) (type HnAsyncExecutor): a new [class@AsyncExecutor]
 */
HnExecutor *
hn_async_executor_new (guint max_concurrency)
{
  return g_object_new (HN_TYPE_ASYNC_EXECUTOR, "max-concurrency", max_concurrency, NULL);
}

/**
 * hn_async_executor_get_max_concurrency:
 * @self: a [class@AsyncExecutor]
 *
 * Gets the max concurrency.
 *
 * Returns: how many node calls may be in flight at once
 */
guint
hn_async_executor_get_max_concurrency (HnAsyncExecutor *self)
{
  g_return_val_if_fail (HN_IS_ASYNC_EXECUTOR (self), 0);
  return self->max_concurrency;
}
