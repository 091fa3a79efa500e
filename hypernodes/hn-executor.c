/* hn-executor.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-callback-context.h"
#include "hn-error.h"
#include "hn-executor-private.h"
#include "hn-pipeline.h"
#include "hn-tsan-private.h"
#include "hn-worker-private.h"

/**
 * HnExecutor:
 *
 * How a pipeline runs: sequentially, on a thread pool, on the main context, or on an engine.
 *
 * An executor runs a pipeline once ([method@Executor.run_pipeline]) or over many items
 * ([method@Executor.map_items]). Usually it is not called directly: put it in a
 * [class@RuntimeConfig] and call [method@Pipeline.run] and [method@Pipeline.map].
 *
 * Implementations only need the synchronous virtual methods; the asynchronous ones default to
 * running them on a worker thread owned by the library, never on the shared pool of
 * [method@Gio.Task.run_in_thread], whose few threads can be exhausted by nested runs.
 */

G_DEFINE_INTERFACE (HnExecutor, hn_executor, G_TYPE_OBJECT)

typedef struct
{
  HnPipeline         *pipeline;
  GVariant           *items;
  GVariant           *inputs;
  HnCallbackContext  *context;
  char              **outputs;
} Job;

static void
job_free (gpointer data)
{
  Job *job = data;

  g_clear_object (&job->pipeline);
  g_clear_pointer (&job->items, g_variant_unref);
  g_clear_pointer (&job->inputs, g_variant_unref);
  g_clear_object (&job->context);
  g_clear_pointer (&job->outputs, g_strfreev);
  g_free (job);
}

static Job *
job_new (HnPipeline         *pipeline,
         GVariant           *items,
         GVariant           *inputs,
         HnCallbackContext  *context,
         const char * const *outputs)
{
  Job *job = g_new0 (Job, 1);

  job->pipeline = g_object_ref (pipeline);
  job->items = items ? g_variant_ref_sink (items) : NULL;
  job->inputs = inputs ? g_variant_ref_sink (inputs) : NULL;
  job->context = context ? g_object_ref (context) : NULL;
  job->outputs = g_strdupv ((char **) outputs);
  return job;
}

static void
run_job_in_worker (gpointer data,
                   gpointer unused)
{
  g_autoptr(GTask) task = data;
  HnExecutor *self = g_task_get_source_object (task);
  HnExecutorInterface *iface = HN_EXECUTOR_GET_IFACE (self);
  Job *job = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GVariant *result;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (job->items != NULL)
    result = iface->map_items (self, job->pipeline, job->items, job->inputs, job->context,
                               (const char * const *) job->outputs,
                               g_task_get_cancellable (task), &error);
  else
    result = iface->run_pipeline (self, job->pipeline, job->inputs, job->context,
                                  (const char * const *) job->outputs,
                                  g_task_get_cancellable (task), &error);

  /* Drop the job's references here, while the caller still holds its own: otherwise the
   * pipeline could be finalized in this thread once the caller is done with it. */
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
hn_executor_real_run_pipeline_async (HnExecutor          *self,
                                     HnPipeline          *pipeline,
                                     GVariant            *inputs,
                                     HnCallbackContext   *context,
                                     const char * const  *outputs,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, hn_executor_real_run_pipeline_async);
  g_task_set_task_data (task, job_new (pipeline, NULL, inputs, context, outputs), job_free);
  _hn_worker_push (run_job_in_worker, task);
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
hn_executor_real_map_items_async (HnExecutor          *self,
                                  HnPipeline          *pipeline,
                                  GVariant            *items,
                                  GVariant            *inputs,
                                  HnCallbackContext   *context,
                                  const char * const  *outputs,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, hn_executor_real_map_items_async);
  g_task_set_task_data (task, job_new (pipeline, items, inputs, context, outputs), job_free);
  _hn_worker_push (run_job_in_worker, task);
}

static void
hn_executor_default_init (HnExecutorInterface *iface)
{
  iface->run_pipeline_async = hn_executor_real_run_pipeline_async;
  iface->run_pipeline_finish = hn_executor_real_finish;
  iface->map_items_async = hn_executor_real_map_items_async;
  iface->map_items_finish = hn_executor_real_finish;
}

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
 * Runs @pipeline once with this executor. Only the nodes that @outputs need run.
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
  g_autoptr(GVariant) owned_inputs = NULL;
  GVariant *result;

  g_return_val_if_fail (HN_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (HN_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (_hn_pipeline_get_graph (pipeline) != NULL, NULL);
  g_return_val_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (inputs != NULL)
    owned_inputs = g_variant_ref_sink (inputs);

  result = HN_EXECUTOR_GET_IFACE (self)->run_pipeline (self, pipeline, owned_inputs, context,
                                                       outputs, cancellable, error);
  return result ? g_variant_take_ref (result) : NULL;
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
  g_autoptr(GVariant) owned_inputs = NULL;

  g_return_if_fail (HN_IS_EXECUTOR (self));
  g_return_if_fail (HN_IS_PIPELINE (pipeline));
  g_return_if_fail (_hn_pipeline_get_graph (pipeline) != NULL);
  g_return_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  if (inputs != NULL)
    owned_inputs = g_variant_ref_sink (inputs);

  HN_EXECUTOR_GET_IFACE (self)->run_pipeline_async (self, pipeline, owned_inputs, context, outputs,
                                                    cancellable, callback, user_data);
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
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return HN_EXECUTOR_GET_IFACE (self)->run_pipeline_finish (self, result, error);
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
 * Runs @pipeline once per item. Fails as a whole if any item fails: the error names the node and
 * the item index, and no partial result is returned.
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
  g_autoptr(GVariant) owned_inputs = NULL;
  GVariant *result;

  g_return_val_if_fail (HN_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (HN_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (_hn_pipeline_get_graph (pipeline) != NULL, NULL);
  g_return_val_if_fail (items != NULL, NULL);
  g_return_val_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  owned_items = g_variant_ref_sink (items);
  if (inputs != NULL)
    owned_inputs = g_variant_ref_sink (inputs);

  result = HN_EXECUTOR_GET_IFACE (self)->map_items (self, pipeline, owned_items, owned_inputs,
                                                    context, outputs, cancellable, error);
  return result ? g_variant_take_ref (result) : NULL;
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
  g_autoptr(GVariant) owned_inputs = NULL;

  g_return_if_fail (HN_IS_EXECUTOR (self));
  g_return_if_fail (HN_IS_PIPELINE (pipeline));
  g_return_if_fail (_hn_pipeline_get_graph (pipeline) != NULL);
  g_return_if_fail (items != NULL);
  g_return_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  owned_items = g_variant_ref_sink (items);
  if (inputs != NULL)
    owned_inputs = g_variant_ref_sink (inputs);

  HN_EXECUTOR_GET_IFACE (self)->map_items_async (self, pipeline, owned_items, owned_inputs,
                                                 context, outputs, cancellable, callback,
                                                 user_data);
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
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return HN_EXECUTOR_GET_IFACE (self)->map_items_finish (self, result, error);
}

static G_DEFINE_QUARK (hn-executor-map-source, map_source)

void
_hn_executor_type_set_map_source (GType           type,
                                  HnMapSourceFunc func)
{
  g_type_set_qdata (type, map_source_quark (), func);
}

GVariant *
_hn_executor_map_source (HnExecutor          *self,
                         HnPipeline          *pipeline,
                         HnMapSource         *source,
                         GVariant            *inputs,
                         HnCallbackContext   *context,
                         const char * const  *outputs,
                         GCancellable        *cancellable,
                         GError             **error)
{
  HnMapSourceFunc func = g_type_get_qdata (G_OBJECT_TYPE (self), map_source_quark ());

  if (func != NULL)
    return func (self, pipeline, source, inputs, context, outputs, cancellable, error);

  return hn_executor_map_items (self, pipeline, _hn_map_source_get_items (source), inputs, context,
                                outputs, cancellable, error);
}
