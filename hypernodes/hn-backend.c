/* hn-backend.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-backend.h"
#include "hn-callback-context.h"
#include "hn-executor-private.h"
#include "hn-pipeline.h"

/**
 * HnBackend:
 *
 * Where a pipeline runs. The executor of a [class@RuntimeConfig] decides how it runs; the
 * backend decides where the executor itself runs. [class@LocalBackend], the default, runs it in
 * this process.
 */

G_DEFINE_ABSTRACT_TYPE (HnBackend, hn_backend, G_TYPE_OBJECT)

static GVariant *
hn_backend_real_run_pipeline (HnBackend           *self,
                              HnExecutor          *executor,
                              HnPipeline          *pipeline,
                              GVariant            *inputs,
                              HnCallbackContext   *context,
                              const char * const  *outputs,
                              GCancellable        *cancellable,
                              GError             **error)
{
  return hn_executor_run_pipeline (executor, pipeline, inputs, context, outputs, cancellable,
                                   error);
}

static GVariant *
hn_backend_real_map_items (HnBackend           *self,
                           HnExecutor          *executor,
                           HnPipeline          *pipeline,
                           GVariant            *items,
                           GVariant            *inputs,
                           HnCallbackContext   *context,
                           const char * const  *outputs,
                           GCancellable        *cancellable,
                           GError             **error)
{
  return hn_executor_map_items (executor, pipeline, items, inputs, context, outputs, cancellable,
                                error);
}

static void
run_pipeline_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GVariant *ret;

  ret = hn_executor_run_pipeline_finish (HN_EXECUTOR (source), result, &error);
  if (ret == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ret, (GDestroyNotify) g_variant_unref);
}

static void
map_items_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GVariant *ret;

  ret = hn_executor_map_items_finish (HN_EXECUTOR (source), result, &error);
  if (ret == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ret, (GDestroyNotify) g_variant_unref);
}

static void
hn_backend_real_run_pipeline_async (HnBackend           *self,
                                    HnExecutor          *executor,
                                    HnPipeline          *pipeline,
                                    GVariant            *inputs,
                                    HnCallbackContext   *context,
                                    const char * const  *outputs,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, hn_backend_real_run_pipeline_async);
  hn_executor_run_pipeline_async (executor, pipeline, inputs, context, outputs, cancellable,
                                  run_pipeline_done, task);
}

static void
hn_backend_real_map_items_async (HnBackend           *self,
                                 HnExecutor          *executor,
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

  g_task_set_source_tag (task, hn_backend_real_map_items_async);
  hn_executor_map_items_async (executor, pipeline, items, inputs, context, outputs, cancellable,
                               map_items_done, task);
}

static GVariant *
hn_backend_real_finish (HnBackend     *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
hn_backend_class_init (HnBackendClass *klass)
{
  klass->run_pipeline = hn_backend_real_run_pipeline;
  klass->run_pipeline_async = hn_backend_real_run_pipeline_async;
  klass->run_pipeline_finish = hn_backend_real_finish;
  klass->map_items = hn_backend_real_map_items;
  klass->map_items_async = hn_backend_real_map_items_async;
  klass->map_items_finish = hn_backend_real_finish;
}

static void
hn_backend_init (HnBackend *self)
{
}

/**
 * hn_backend_run_pipeline:
 * @self: a [class@Backend]
 * @executor: the executor to run with
 * @pipeline: the pipeline
 * @inputs: (nullable): the inputs, an `a{sv}`
 * @context: (nullable): the callback context
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Runs @pipeline once with @executor, where this backend runs things.
 *
 * Returns: (transfer full): the requested outputs, an `a{sv}`
 */
GVariant *
hn_backend_run_pipeline (HnBackend           *self,
                         HnExecutor          *executor,
                         HnPipeline          *pipeline,
                         GVariant            *inputs,
                         HnCallbackContext   *context,
                         const char * const  *outputs,
                         GCancellable        *cancellable,
                         GError             **error)
{
  g_return_val_if_fail (HN_IS_BACKEND (self), NULL);
  g_return_val_if_fail (HN_IS_EXECUTOR (executor), NULL);

  return HN_BACKEND_GET_CLASS (self)->run_pipeline (self, executor, pipeline, inputs, context,
                                                    outputs, cancellable, error);
}

/**
 * hn_backend_run_pipeline_async:
 * @self: a [class@Backend]
 * @executor: the executor to run with
 * @pipeline: the pipeline
 * @inputs: (nullable): the inputs, an `a{sv}`
 * @context: (nullable): the callback context
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (closure user_data): called when the run is over
 * @user_data: data for @callback
 *
 * Starts [method@Backend.run_pipeline] without blocking.
 */
void
hn_backend_run_pipeline_async (HnBackend           *self,
                               HnExecutor          *executor,
                               HnPipeline          *pipeline,
                               GVariant            *inputs,
                               HnCallbackContext   *context,
                               const char * const  *outputs,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (HN_IS_BACKEND (self));
  g_return_if_fail (HN_IS_EXECUTOR (executor));

  HN_BACKEND_GET_CLASS (self)->run_pipeline_async (self, executor, pipeline, inputs, context,
                                                   outputs, cancellable, callback, user_data);
}

/**
 * hn_backend_run_pipeline_finish:
 * @self: a [class@Backend]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Completes [method@Backend.run_pipeline_async].
 *
 * Returns: (transfer full): the requested outputs, an `a{sv}`
 */
GVariant *
hn_backend_run_pipeline_finish (HnBackend     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (HN_IS_BACKEND (self), NULL);

  return HN_BACKEND_GET_CLASS (self)->run_pipeline_finish (self, result, error);
}

/**
 * hn_backend_map_items:
 * @self: a [class@Backend]
 * @executor: the executor to run with
 * @pipeline: the pipeline
 * @items: the items, an `aa{sv}`
 * @inputs: (nullable): the shared inputs, an `a{sv}`
 * @context: (nullable): the callback context
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Maps @pipeline over @items with @executor, where this backend runs things.
 *
 * Returns: (transfer full): one `a{sv}` per item, as an `aa{sv}`
 */
GVariant *
hn_backend_map_items (HnBackend           *self,
                      HnExecutor          *executor,
                      HnPipeline          *pipeline,
                      GVariant            *items,
                      GVariant            *inputs,
                      HnCallbackContext   *context,
                      const char * const  *outputs,
                      GCancellable        *cancellable,
                      GError             **error)
{
  g_return_val_if_fail (HN_IS_BACKEND (self), NULL);
  g_return_val_if_fail (HN_IS_EXECUTOR (executor), NULL);

  return HN_BACKEND_GET_CLASS (self)->map_items (self, executor, pipeline, items, inputs, context,
                                                 outputs, cancellable, error);
}

/**
 * hn_backend_map_items_async:
 * @self: a [class@Backend]
 * @executor: the executor to run with
 * @pipeline: the pipeline
 * @items: the items, an `aa{sv}`
 * @inputs: (nullable): the shared inputs, an `a{sv}`
 * @context: (nullable): the callback context
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (closure user_data): called when the map is over
 * @user_data: data for @callback
 *
 * Starts [method@Backend.map_items] without blocking.
 */
void
hn_backend_map_items_async (HnBackend           *self,
                            HnExecutor          *executor,
                            HnPipeline          *pipeline,
                            GVariant            *items,
                            GVariant            *inputs,
                            HnCallbackContext   *context,
                            const char * const  *outputs,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_return_if_fail (HN_IS_BACKEND (self));
  g_return_if_fail (HN_IS_EXECUTOR (executor));

  HN_BACKEND_GET_CLASS (self)->map_items_async (self, executor, pipeline, items, inputs, context,
                                                outputs, cancellable, callback, user_data);
}

/**
 * hn_backend_map_items_finish:
 * @self: a [class@Backend]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Completes [method@Backend.map_items_async].
 *
 * Returns: (transfer full): one `a{sv}` per item, as an `aa{sv}`
 */
GVariant *
hn_backend_map_items_finish (HnBackend     *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (HN_IS_BACKEND (self), NULL);

  return HN_BACKEND_GET_CLASS (self)->map_items_finish (self, result, error);
}

gboolean
_hn_backend_maps_locally (HnBackend *backend)
{
  return HN_BACKEND_GET_CLASS (backend)->map_items == hn_backend_real_map_items;
}
