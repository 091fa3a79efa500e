/* hn-executor.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-callback-context.h"
#include "hn-callback-private.h"
#include "hn-error.h"
#include "hn-executor.h"
#include "hn-pipeline-private.h"
#include "hn-run-private.h"
#include "hn-tsan-private.h"
#include "hn-worker-private.h"

/**
 * HnExecutor:
 *
 * How a pipeline runs: sequentially, on a thread pool, on the main context, or on an engine.
 *
 * An executor runs a [struct@Run]: a single run ([vfunc@Executor.run]) or a map over
 * many items ([vfunc@Executor.map]). Usually it is not called directly: put it in a
 * [class@RuntimeConfig] and call [method@Pipeline.run] and [method@Pipeline.map].
 *
 * An executor only schedules: the built-in ones call every node through one invocation path
 * (retries, timeouts, nested pipelines and error messages are the same on all of them) and run
 * map items through one per-item driver.
 *
 * Implementations only need the synchronous virtual methods; the asynchronous ones default to
 * running them on a worker thread owned by the library (a bounded pool), never on the shared
 * pool of [method@Gio.Task.run_in_thread], whose few threads can be exhausted by nested runs.
 */

G_DEFINE_INTERFACE (HnExecutor, hn_executor, G_TYPE_OBJECT)

static void
run_in_worker (gpointer data,
               gpointer unused)
{
  g_autoptr(GTask) task = data;
  HnExecutor *self = g_task_get_source_object (task);
  HnExecutorInterface *iface = HN_EXECUTOR_GET_IFACE (self);
  HnRun *run = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GVariant *result;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (hn_run_is_map (run))
    result = iface->map (self, run, &error);
  else
    result = iface->run (self, run, &error);

  /* Drop the task's reference to the run here, while the caller still holds its own: otherwise
   * the pipeline could be finalized in this thread once the caller is done with it. */
  g_task_set_task_data (task, NULL, NULL);

  if (result == NULL && error == NULL)
    g_set_error (&error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_ENGINE_FAILED,
                 "%s returned no result and no error", G_OBJECT_TYPE_NAME (self));

  HN_TSAN_RELEASE (task);
  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_variant_take_ref (result), (GDestroyNotify) g_variant_unref);
}

static void
hn_executor_real_execute_async (HnExecutor          *self,
                                HnRun               *run,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GTask *task = g_task_new (self, hn_run_get_cancellable (run), callback, user_data);

  g_task_set_source_tag (task, hn_executor_real_execute_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, hn_run_ref (run), (GDestroyNotify) hn_run_unref);
  _hn_worker_push (run_in_worker, task);
}

static GVariant *
hn_executor_real_finish (HnExecutor    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  HN_TSAN_ACQUIRE (result);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
hn_executor_default_init (HnExecutorInterface *iface)
{
  iface->run_async = hn_executor_real_execute_async;
  iface->run_finish = hn_executor_real_finish;
  iface->map_async = hn_executor_real_execute_async;
  iface->map_finish = hn_executor_real_finish;
  iface->calls_in_caller = NULL;
}

/**
 * hn_executor_calls_in_caller:
 * @self: an [iface@Executor]
 *
 * Gets whether @self calls every node of a local run in the thread that executes the run, with
 * no other thread or main loop involved: the sequential executor does. A host language's
 * bridge asks it to decide whether its interpreter lock can stay held across a run.
 *
 * Returns: the answer of [vfunc@Executor.calls_in_caller], %FALSE when unset
 */
gboolean
hn_executor_calls_in_caller (HnExecutor *self)
{
  HnExecutorInterface *iface;

  g_return_val_if_fail (HN_IS_EXECUTOR (self), FALSE);

  iface = HN_EXECUTOR_GET_IFACE (self);
  return iface->calls_in_caller != NULL && iface->calls_in_caller (self);
}

/**
 * hn_executor_execute:
 * @self: an [iface@Executor]
 * @run: the run, or map, to execute
 * @error: return location for a [struct@GLib.Error]
 *
 * Executes @run with this executor: [vfunc@Executor.map] for a map,
 * [vfunc@Executor.run] otherwise. Only the nodes that the requested outputs need run.
 *
 * Returns: (transfer full): the requested outputs, an `a{sv}`, or for a map one `a{sv}` per
 *   item as an `aa{sv}`; %NULL on error
 */
static void
fire_start (HnRun *run)
{
  if (!_hn_run_wants (run, HN_CALLBACK_EVENTS_RUNS))
    return;
  if (hn_run_is_map (run))
    _hn_callbacks_map_start (run->callbacks, run->n_callbacks, hn_run_get_pipeline (run),
                             hn_run_get_n_items (run), hn_run_get_context (run));
  else
    _hn_callbacks_pipeline_start (run->callbacks, run->n_callbacks, hn_run_get_pipeline (run),
                                  hn_run_get_inputs (run), hn_run_get_context (run));
}

static void
fire_end (HnRun    *run,
          GVariant *result,
          gint64    started)
{
  double duration = (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC;

  if (!_hn_run_wants (run, HN_CALLBACK_EVENTS_RUNS))
    return;
  if (hn_run_is_map (run))
    _hn_callbacks_map_end (run->callbacks, run->n_callbacks, hn_run_get_pipeline (run),
                           duration, hn_run_get_context (run));
  else if (run->keep && _hn_run_has_kept (run) && result != NULL)
    {
      g_autoptr(GVariant) described = _hn_run_describe_results (run);

      _hn_callbacks_pipeline_end (run->callbacks, run->n_callbacks, hn_run_get_pipeline (run),
                                  described, duration, hn_run_get_context (run));
    }
  else
    _hn_callbacks_pipeline_end (run->callbacks, run->n_callbacks, hn_run_get_pipeline (run),
                                result, duration, hn_run_get_context (run));
}

GVariant *
hn_executor_execute (HnExecutor  *self,
                     HnRun       *run,
                     GError     **error)
{
  HnExecutorInterface *iface;
  GError *local = NULL;
  GVariant *result;
  GMainContext *context;
  gboolean acquired;
  gint64 started = g_get_monotonic_time ();

  g_return_val_if_fail (HN_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (run != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  iface = HN_EXECUTOR_GET_IFACE (self);
  /* nodes bound to a main context are called by this thread, which owns the context for the
   * run (unless its own thread runs it: then calls are handed to it) */
  context = run->graph->main_context;
  acquired = context != NULL && g_main_context_acquire (context);
  fire_start (run);
  result = hn_run_is_map (run) ? iface->map (self, run, &local)
                               : iface->run (self, run, &local);
  if (acquired)
    g_main_context_release (context);
  if (result == NULL)
    {
      if (local == NULL)
        g_set_error (&local, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_ENGINE_FAILED,
                     "%s returned no result and no error", G_OBJECT_TYPE_NAME (self));
      _hn_run_fix_error (run, &local);
      fire_end (run, NULL, started);
      g_propagate_error (error, local);
      return NULL;
    }
  g_clear_error (&local);
  g_variant_take_ref (result);
  fire_end (run, result, started);
  return result;
}

typedef struct
{
  HnRun  *run;
  gint64  started;
} Pending;

static void
pending_free (gpointer data)
{
  Pending *pending = data;

  hn_run_unref (pending->run);
  g_free (pending);
}

static void
execute_done (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  HnExecutor *self = HN_EXECUTOR (source);
  HnExecutorInterface *iface = HN_EXECUTOR_GET_IFACE (self);
  Pending *pending = g_task_get_task_data (task);
  HnRun *run = pending->run;
  GError *error = NULL;
  GVariant *ret;

  ret = hn_run_is_map (run) ? iface->map_finish (self, result, &error)
                            : iface->run_finish (self, result, &error);
  if (ret == NULL)
    {
      if (error == NULL)
        g_set_error (&error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_ENGINE_FAILED,
                     "%s returned no result and no error", G_OBJECT_TYPE_NAME (self));
      _hn_run_fix_error (run, &error);
      fire_end (run, NULL, pending->started);
      g_task_return_error (task, error);
    }
  else
    {
      g_variant_take_ref (ret);
      fire_end (run, ret, pending->started);
      g_task_return_pointer (task, ret, (GDestroyNotify) g_variant_unref);
    }
}

/**
 * hn_executor_execute_async:
 * @self: an [iface@Executor]
 * @run: the run, or map, to execute
 * @callback: (scope async) (closure user_data): called when the run is over
 * @user_data: data for @callback
 *
 * Starts [method@Executor.execute] without blocking the calling thread. @callback runs in the
 * thread-default main context of the caller; finish with [method@Executor.execute_finish].
 */
void
hn_executor_execute_async (HnExecutor          *self,
                           HnRun               *run,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  HnExecutorInterface *iface;
  Pending *pending;
  GTask *task;

  g_return_if_fail (HN_IS_EXECUTOR (self));
  g_return_if_fail (run != NULL);

  pending = g_new0 (Pending, 1);
  pending->run = hn_run_ref (run);
  pending->started = g_get_monotonic_time ();
  task = g_task_new (self, hn_run_get_cancellable (run), callback, user_data);
  g_task_set_source_tag (task, hn_executor_execute_async);
  g_task_set_check_cancellable (task, FALSE);
  g_task_set_task_data (task, pending, pending_free);

  iface = HN_EXECUTOR_GET_IFACE (self);
  fire_start (run);
  if (hn_run_is_map (run))
    iface->map_async (self, run, execute_done, task);
  else
    iface->run_async (self, run, execute_done, task);
}

/**
 * hn_executor_execute_finish:
 * @self: an [iface@Executor]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Completes [method@Executor.execute_async].
 *
 * Returns: (transfer full): as [method@Executor.execute]
 */
GVariant *
hn_executor_execute_finish (HnExecutor    *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (HN_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hn_executor_execute_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ---- the entry points that take a pipeline: they make its run, then execute it ------------- */
/**
 * hn_executor_run_pipeline:
 * @self: an [iface@Executor]
 * @pipeline: the pipeline to run
 * @inputs: (nullable): the inputs, an `a{sv}`; %NULL for none
 * @context: (nullable): the callback context of the run
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Runs @pipeline once with this executor (whatever the pipeline's configuration names), with
 * the retries and timeout of the pipeline's configuration. Only the nodes that @outputs need
 * run.
 *
 * Returns: (transfer full): the requested outputs, an `a{sv}`
 */
GVariant *
hn_executor_run_pipeline (HnExecutor          *self,
                          HnPipeline          *pipeline,
                          GVariant            *inputs,
                          HnCallbackContext   *context,
                          const char * const  *outputs,
                          GCancellable        *cancellable,
                          GError             **error)
{
  g_autoptr(HnRun) run = NULL;

  g_return_val_if_fail (HN_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (HN_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (_hn_pipeline_get_graph (pipeline) != NULL, NULL);
  g_return_val_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  run = _hn_run_new_for_pipeline (pipeline, self, TRUE, inputs, NULL, outputs, context,
                                  cancellable, error);
  return run ? hn_executor_execute (self, run, error) : NULL;
}

/**
 * hn_executor_run_pipeline_async:
 * @self: an [iface@Executor]
 * @pipeline: the pipeline to run
 * @inputs: (nullable): the inputs, an `a{sv}`; %NULL for none
 * @context: (nullable): the callback context of the run
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (closure user_data): called when the run is over
 * @user_data: data for @callback
 *
 * Starts [method@Executor.run_pipeline] without blocking the calling thread. @callback runs in
 * the thread-default main context of the caller.
 */
void
hn_executor_run_pipeline_async (HnExecutor          *self,
                                HnPipeline          *pipeline,
                                GVariant            *inputs,
                                HnCallbackContext   *context,
                                const char * const  *outputs,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GError *error = NULL;
  HnRun *run;

  g_return_if_fail (HN_IS_EXECUTOR (self));
  g_return_if_fail (HN_IS_PIPELINE (pipeline));
  g_return_if_fail (_hn_pipeline_get_graph (pipeline) != NULL);
  g_return_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run = _hn_run_new_for_pipeline (pipeline, self, TRUE, inputs, NULL, outputs, context,
                                  cancellable, &error);
  _hn_run_execute_async (self, hn_executor_run_pipeline_async, self, run, error, cancellable,
                         callback, user_data);
}

/**
 * hn_executor_run_pipeline_finish:
 * @self: an [iface@Executor]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Completes [method@Executor.run_pipeline_async].
 *
 * Returns: (transfer full): the requested outputs, an `a{sv}`
 */
GVariant *
hn_executor_run_pipeline_finish (HnExecutor    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (HN_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * hn_executor_map_items:
 * @self: an [iface@Executor]
 * @pipeline: the pipeline to run
 * @items: the items, an `aa{sv}`: each item's values are added to @inputs for its run
 * @inputs: (nullable): the inputs shared by all items, an `a{sv}`; %NULL for none
 * @context: (nullable): the callback context of the map
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Runs @pipeline once per item with this executor. Fails as a whole if any item fails: the
 * error names the node and the item index, and no partial result is returned.
 *
 * Returns: (transfer full): one `a{sv}` of requested outputs per item, in item order, as an
 *   `aa{sv}`
 */
GVariant *
hn_executor_map_items (HnExecutor          *self,
                       HnPipeline          *pipeline,
                       GVariant            *items,
                       GVariant            *inputs,
                       HnCallbackContext   *context,
                       const char * const  *outputs,
                       GCancellable        *cancellable,
                       GError             **error)
{
  g_autoptr(GVariant) owned_items = NULL;
  g_autoptr(HnRun) run = NULL;

  g_return_val_if_fail (HN_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (HN_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (_hn_pipeline_get_graph (pipeline) != NULL, NULL);
  g_return_val_if_fail (items != NULL, NULL);
  g_return_val_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  owned_items = g_variant_ref_sink (items);
  run = _hn_run_new_for_pipeline (pipeline, self, TRUE, inputs,
                                  _hn_map_source_new_items (owned_items), outputs, context,
                                  cancellable, error);
  return run ? hn_executor_execute (self, run, error) : NULL;
}

/**
 * hn_executor_map_items_async:
 * @self: an [iface@Executor]
 * @pipeline: the pipeline to run
 * @items: the items, an `aa{sv}`
 * @inputs: (nullable): the inputs shared by all items, an `a{sv}`; %NULL for none
 * @context: (nullable): the callback context of the map
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (closure user_data): called when the map is over
 * @user_data: data for @callback
 *
 * Starts [method@Executor.map_items] without blocking the calling thread.
 */
void
hn_executor_map_items_async (HnExecutor          *self,
                             HnPipeline          *pipeline,
                             GVariant            *items,
                             GVariant            *inputs,
                             HnCallbackContext   *context,
                             const char * const  *outputs,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GVariant) owned_items = NULL;
  GError *error = NULL;
  HnRun *run;

  g_return_if_fail (HN_IS_EXECUTOR (self));
  g_return_if_fail (HN_IS_PIPELINE (pipeline));
  g_return_if_fail (_hn_pipeline_get_graph (pipeline) != NULL);
  g_return_if_fail (items != NULL);
  g_return_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  owned_items = g_variant_ref_sink (items);
  run = _hn_run_new_for_pipeline (pipeline, self, TRUE, inputs,
                                  _hn_map_source_new_items (owned_items), outputs, context,
                                  cancellable, &error);
  _hn_run_execute_async (self, hn_executor_map_items_async, self, run, error, cancellable,
                         callback, user_data);
}

/**
 * hn_executor_map_items_finish:
 * @self: an [iface@Executor]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Completes [method@Executor.map_items_async].
 *
 * Returns: (transfer full): one `a{sv}` per item, as an `aa{sv}`
 */
GVariant *
hn_executor_map_items_finish (HnExecutor    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (HN_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
