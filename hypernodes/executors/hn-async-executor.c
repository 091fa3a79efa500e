/* hn-async-executor.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-async-executor.h"
#include "hn-node-private.h"
#include "hn-executor-private.h"
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
  GVariant **frame;
  guint     *pending;
  guint      n_done;
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
  HnPipeline         *pipeline;
  HnGraph            *graph;
  const HnPlan       *plan;
  HnCallbackContext  *cb_context;
  GCancellable       *cancellable;
  gboolean            is_map;
  HnMapSource        *source;
  GVariant          **template;
  gsize               n_items;
  gsize               next_item;
  guint               active_items;
  ItemState          *states;
  GVariant          **results;
  GArray             *ready;         /* of Ready, a FIFO from ready_head */
  guint               ready_head;
  guint               in_flight;
  gboolean            pumping;
  gboolean            finished;
  GError             *error;
} Job;

typedef struct
{
  Job      *job;
  gsize     item;
  guint     step;
  GVariant *result;
  GError   *error;
  GVariant *args[];
} Call;

static void
item_state_clear (Job       *job,
                  ItemState *state)
{
  if (state->frame != NULL)
    {
      _hn_graph_clear_frame (job->graph, state->frame);
      g_clear_pointer (&state->frame, g_free);
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
  if (job->results != NULL)
    for (gsize i = 0; i < job->n_items; i++)
      g_clear_pointer (&job->results[i], g_variant_unref);
  g_free (job->results);
  if (job->template != NULL)
    _hn_graph_clear_frame (job->graph, job->template);
  g_free (job->template);
  g_clear_pointer (&job->source, _hn_map_source_unref);
  g_clear_pointer (&job->ready, g_array_unref);
  g_clear_pointer (&job->context, g_main_context_unref);
  g_clear_error (&job->error);
  g_clear_object (&job->cancellable);
  g_clear_object (&job->cb_context);
  g_clear_object (&job->pipeline);
  g_clear_object (&job->self);
  g_free (job);
}

static gint64
item_label (Job   *job,
            gsize  item)
{
  return job->is_map ? (gint64) item : -1;
}

static void
job_fail (Job    *job,
          GError *error)
{
  if (job->error == NULL)
    job->error = error;
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
  else if (g_cancellable_set_error_if_cancelled (job->cancellable, &error))
    g_task_return_error (task, error);
  else if (job->is_map)
    g_task_return_pointer (task,
                           g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARDICT,
                                                                    job->results,
                                                                    job->n_items)),
                           (GDestroyNotify) g_variant_unref);
  else
    g_task_return_pointer (task, g_steal_pointer (&job->results[0]),
                           (GDestroyNotify) g_variant_unref);

  /* drop the reference the job was started with */
  g_object_unref (task);
}

static void
complete_item (Job   *job,
               gsize  item)
{
  ItemState *state = &job->states[item];

  job->results[item] = _hn_graph_collect (job->graph, job->plan, state->frame);
  item_state_clear (job, state);
  job->active_items--;
}

static void
call_done (Call *call)
{
  Job *job = call->job;
  GTask *task = job->task;
  ItemState *state = &job->states[call->item];
  guint node = job->plan->steps[call->step];
  GError *error = NULL;

  job->in_flight--;

  if (!_hn_graph_store (job->graph, node, state->frame, g_steal_pointer (&call->result),
                        g_steal_pointer (&call->error), item_label (job, call->item), &error))
    job_fail (job, error);
  else
    {
      HnGraphNode *gn = &job->graph->nodes[node];

      for (guint d = 0; d < gn->n_dependents; d++)
        {
          guint s = job->plan->step_of_node[gn->dependents[d]];
          if (s != G_MAXUINT && --state->pending[s] == 0)
            push_ready (job, call->item, s);
        }
      if (++state->n_done == job->plan->n_steps)
        complete_item (job, call->item);
    }

  g_free (call);
  if (!job->pumping)
    pump (job);
  g_object_unref (task);
}

static void
node_async_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Call *call = user_data;

  call->result = HN_NODE_GET_CLASS (source)->invoke_finish (HN_NODE (source), result,
                                                            &call->error);
  call_done (call);
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
  Job *job;
  HnGraphNode *gn;

  HN_TSAN_ACQUIRE (call);
  job = call->job;
  gn = &job->graph->nodes[job->plan->steps[call->step]];

  g_private_set (&in_pool_thread, GINT_TO_POINTER (1));
  call->result = HN_NODE_GET_CLASS (gn->node)->invoke (gn->node, call->args, gn->n_inputs,
                                                       job->cancellable, &call->error);
  g_private_set (&in_pool_thread, NULL);
  /* Once the call is delivered the job may finish and its owner drop the context, while this
   * thread is still inside g_main_context_invoke_full(): hold a reference of our own. */
  context = g_main_context_ref (job->context);
  HN_TSAN_RELEASE (call);
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, deliver_in_context, call, NULL);
  g_main_context_unref (context);
}

static void
start_call (Job   *job,
            gsize  item,
            guint  step)
{
  HnGraphNode *gn = &job->graph->nodes[job->plan->steps[step]];
  Call *call = g_malloc0 (sizeof (Call) + sizeof (GVariant *) * gn->n_inputs);
  GError *error = NULL;

  call->job = job;
  call->item = item;
  call->step = step;

  if (!_hn_graph_gather (job->graph, job->plan->steps[step], job->states[item].frame,
                         call->args, item_label (job, item), &error))
    {
      job_fail (job, error);
      g_free (call);
      return;
    }

  job->in_flight++;
  g_object_ref (job->task);

  if (_hn_node_has_async (gn->node))
    HN_NODE_GET_CLASS (gn->node)->invoke_async (gn->node, call->args, gn->n_inputs,
                                                job->cancellable, node_async_done, call);
  else if (g_private_get (&in_pool_thread) != NULL)
    {
      call->result = HN_NODE_GET_CLASS (gn->node)->invoke (gn->node, call->args, gn->n_inputs,
                                                           job->cancellable, &call->error);
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
  ItemState *state = &job->states[item];
  GError *error = NULL;

  if (job->is_map)
    {
      state->frame = g_new0 (GVariant *, job->graph->n_slots);
      if (!_hn_graph_load_item (job->graph, job->plan, job->template, job->source, item,
                                state->frame, &error))
        {
          job_fail (job, error);
          return FALSE;
        }
    }

  job->active_items++;
  state->pending = g_memdup2 (job->plan->n_step_deps, sizeof (guint) * MAX (job->plan->n_steps, 1));
  for (guint s = 0; s < job->plan->n_steps; s++)
    if (state->pending[s] == 0)
      push_ready (job, item, s);
  if (job->plan->n_steps == 0)
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
  while (job->error == NULL && !g_cancellable_is_cancelled (job->cancellable))
    {
      if (job->ready_head < job->ready->len)
        {
          Ready r;

          if (job->in_flight >= max)
            break;
          r = g_array_index (job->ready, Ready, job->ready_head++);
          start_call (job, r.item, r.step);
          continue;
        }

      /* Keep the queue short: a new item only when there is room for its nodes. */
      if (job->next_item < job->n_items && job->in_flight < max)
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
      (job->error != NULL || g_cancellable_is_cancelled (job->cancellable) ||
       (job->next_item == job->n_items && job->active_items == 0)))
    finish (job);
}

static Job *
job_new (HnAsyncExecutor    *self,
         HnPipeline         *pipeline,
         HnCallbackContext  *context,
         GCancellable       *cancellable)
{
  Job *job = g_new0 (Job, 1);

  job->self = g_object_ref (self);
  job->context = g_main_context_ref_thread_default ();
  job->pipeline = g_object_ref (pipeline);
  job->graph = _hn_pipeline_get_graph (pipeline);
  job->cb_context = context ? g_object_ref (context) : NULL;
  job->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  job->ready = g_array_new (FALSE, FALSE, sizeof (Ready));
  return job;
}

static void
hn_async_executor_run_pipeline_async (HnExecutor          *executor,
                                      HnPipeline          *pipeline,
                                      GVariant            *inputs,
                                      HnCallbackContext   *context,
                                      const char * const  *outputs,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  HnAsyncExecutor *self = HN_ASYNC_EXECUTOR (executor);
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Job *job = job_new (self, pipeline, context, cancellable);
  GError *error = NULL;

  g_task_set_source_tag (task, hn_async_executor_run_pipeline_async);
  g_task_set_task_data (task, job, job_free);
  job->task = task;

  job->plan = _hn_graph_get_plan (job->graph, outputs, &error);
  job->n_items = 1;
  job->states = g_new0 (ItemState, 1);
  job->results = g_new0 (GVariant *, 1);
  if (job->plan != NULL)
    {
      job->states[0].frame = g_new0 (GVariant *, job->graph->n_slots);
      _hn_graph_load_inputs (job->graph, job->plan, inputs, job->states[0].frame, &error);
    }
  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  pump (job);
}

static void
map_source_async (HnAsyncExecutor     *self,
                  HnPipeline          *pipeline,
                  HnMapSource         *source,
                  GVariant            *inputs,
                  HnCallbackContext   *context,
                  const char * const  *outputs,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);
  Job *job = job_new (self, pipeline, context, cancellable);
  GError *error = NULL;

  g_task_set_source_tag (task, map_source_async);
  g_task_set_task_data (task, job, job_free);
  job->task = task;
  job->is_map = TRUE;
  job->source = _hn_map_source_ref (source);
  job->template = g_new0 (GVariant *, job->graph->n_slots);

  job->plan = _hn_graph_get_plan (job->graph, outputs, &error);
  if (job->plan == NULL ||
      !_hn_graph_prepare_map (job->graph, job->plan, source, inputs, job->template, &error))
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  job->n_items = _hn_map_source_get_n_items (source);
  job->states = g_new0 (ItemState, MAX (job->n_items, 1));
  job->results = g_new0 (GVariant *, MAX (job->n_items, 1));
  pump (job);
}

static void
hn_async_executor_map_items_async (HnExecutor          *executor,
                                   HnPipeline          *pipeline,
                                   GVariant            *items,
                                   GVariant            *inputs,
                                   HnCallbackContext   *context,
                                   const char * const  *outputs,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(HnMapSource) source = _hn_map_source_new_items (items);

  map_source_async (HN_ASYNC_EXECUTOR (executor), pipeline, source, inputs, context, outputs,
                    cancellable, callback, user_data);
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

/* The synchronous methods run the asynchronous ones on a private main context. */
static GVariant *
run_blocking (HnExecutor          *executor,
              HnPipeline          *pipeline,
              HnMapSource         *source,
              GVariant            *inputs,
              HnCallbackContext   *context,
              const char * const  *outputs,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autoptr(GMainContext) main_context = g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;

  g_main_context_push_thread_default (main_context);
  if (source != NULL)
    map_source_async (HN_ASYNC_EXECUTOR (executor), pipeline, source, inputs, context, outputs,
                      cancellable, store_result, &result);
  else
    hn_async_executor_run_pipeline_async (executor, pipeline, inputs, context, outputs,
                                          cancellable, store_result, &result);
  while (result == NULL)
    g_main_context_iteration (main_context, TRUE);
  g_main_context_pop_thread_default (main_context);

  return hn_async_executor_finish (executor, result, error);
}

static GVariant *
hn_async_executor_run_pipeline (HnExecutor          *executor,
                                HnPipeline          *pipeline,
                                GVariant            *inputs,
                                HnCallbackContext   *context,
                                const char * const  *outputs,
                                GCancellable        *cancellable,
                                GError             **error)
{
  return run_blocking (executor, pipeline, NULL, inputs, context, outputs, cancellable, error);
}

static GVariant *
hn_async_executor_map_source (HnExecutor          *executor,
                              HnPipeline          *pipeline,
                              HnMapSource         *source,
                              GVariant            *inputs,
                              HnCallbackContext   *context,
                              const char * const  *outputs,
                              GCancellable        *cancellable,
                              GError             **error)
{
  return run_blocking (executor, pipeline, source, inputs, context, outputs, cancellable, error);
}

static GVariant *
hn_async_executor_map_items (HnExecutor          *executor,
                             HnPipeline          *pipeline,
                             GVariant            *items,
                             GVariant            *inputs,
                             HnCallbackContext   *context,
                             const char * const  *outputs,
                             GCancellable        *cancellable,
                             GError             **error)
{
  g_autoptr(HnMapSource) source = _hn_map_source_new_items (items);

  return run_blocking (executor, pipeline, source, inputs, context, outputs, cancellable, error);
}

static void
executor_iface_init (HnExecutorInterface *iface)
{
  iface->run_pipeline = hn_async_executor_run_pipeline;
  iface->run_pipeline_async = hn_async_executor_run_pipeline_async;
  iface->run_pipeline_finish = hn_async_executor_finish;
  iface->map_items = hn_async_executor_map_items;
  iface->map_items_async = hn_async_executor_map_items_async;
  iface->map_items_finish = hn_async_executor_finish;
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

  _hn_executor_type_set_map_source (G_TYPE_FROM_CLASS (klass), hn_async_executor_map_source);

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
