/* hn-executor.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include <gio/gio.h>

#include "hn-types.h"
#include "hn-version-macros.h"

G_BEGIN_DECLS

#define HN_TYPE_EXECUTOR (hn_executor_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (HnExecutor, hn_executor, HN, EXECUTOR, GObject)

/**
 * HnExecutorInterface:
 * @g_iface: the parent interface
 * @run_pipeline: runs @pipeline once on the `a{sv}` @inputs and returns the requested outputs
 *   (every output when @outputs is %NULL) as an `a{sv}`
 * @run_pipeline_async: starts @run_pipeline without blocking. The default runs @run_pipeline on
 *   a worker thread of the library
 * @run_pipeline_finish: completes @run_pipeline_async
 * @map_items: runs @pipeline once per item of @items (an `aa{sv}`), each item's values added to
 *   the shared @inputs, and returns one `a{sv}` per item, in item order, as an `aa{sv}`
 * @map_items_async: starts @map_items without blocking. The default runs @map_items on a worker
 *   thread of the library
 * @map_items_finish: completes @map_items_async
 *
 * The virtual methods of an executor: how a pipeline runs. Implementations must validate inputs
 * and report errors the way [method@Pipeline.run] documents; the built-in executors share one
 * execution core for that.
 */
struct _HnExecutorInterface
{
  GTypeInterface g_iface;

  GVariant *(*run_pipeline)        (HnExecutor          *self,
                                    HnPipeline          *pipeline,
                                    GVariant            *inputs,
                                    HnCallbackContext   *context,
                                    const char * const  *outputs,
                                    GCancellable        *cancellable,
                                    GError             **error);
  void      (*run_pipeline_async)  (HnExecutor          *self,
                                    HnPipeline          *pipeline,
                                    GVariant            *inputs,
                                    HnCallbackContext   *context,
                                    const char * const  *outputs,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
  GVariant *(*run_pipeline_finish) (HnExecutor          *self,
                                    GAsyncResult        *result,
                                    GError             **error);
  GVariant *(*map_items)           (HnExecutor          *self,
                                    HnPipeline          *pipeline,
                                    GVariant            *items,
                                    GVariant            *inputs,
                                    HnCallbackContext   *context,
                                    const char * const  *outputs,
                                    GCancellable        *cancellable,
                                    GError             **error);
  void      (*map_items_async)     (HnExecutor          *self,
                                    HnPipeline          *pipeline,
                                    GVariant            *items,
                                    GVariant            *inputs,
                                    HnCallbackContext   *context,
                                    const char * const  *outputs,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
  GVariant *(*map_items_finish)    (HnExecutor          *self,
                                    GAsyncResult        *result,
                                    GError             **error);
};

HN_AVAILABLE_IN_ALL
GVariant *hn_executor_run_pipeline        (HnExecutor          *self,
                                           HnPipeline          *pipeline,
                                           GVariant            *inputs,
                                           HnCallbackContext   *context,
                                           const char * const  *outputs,
                                           GCancellable        *cancellable,
                                           GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
void      hn_executor_run_pipeline_async  (HnExecutor          *self,
                                           HnPipeline          *pipeline,
                                           GVariant            *inputs,
                                           HnCallbackContext   *context,
                                           const char * const  *outputs,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
HN_AVAILABLE_IN_ALL
GVariant *hn_executor_run_pipeline_finish (HnExecutor          *self,
                                           GAsyncResult        *result,
                                           GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
GVariant *hn_executor_map_items           (HnExecutor          *self,
                                           HnPipeline          *pipeline,
                                           GVariant            *items,
                                           GVariant            *inputs,
                                           HnCallbackContext   *context,
                                           const char * const  *outputs,
                                           GCancellable        *cancellable,
                                           GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
void      hn_executor_map_items_async     (HnExecutor          *self,
                                           HnPipeline          *pipeline,
                                           GVariant            *items,
                                           GVariant            *inputs,
                                           HnCallbackContext   *context,
                                           const char * const  *outputs,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
HN_AVAILABLE_IN_ALL
GVariant *hn_executor_map_items_finish    (HnExecutor          *self,
                                           GAsyncResult        *result,
                                           GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
