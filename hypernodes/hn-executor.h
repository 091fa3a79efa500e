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
 * @run: runs the single run @run (see [method@Run.is_map]) and returns the requested outputs
 *   (every output when [method@Run.get_outputs] is %NULL) as an `a{sv}`
 * @run_async: starts @run without blocking. The default runs @run on a worker thread of the
 *   library
 * @run_finish: completes @run_async
 * @map: runs the map @run once per item, and returns one `a{sv}` per item, in item order, as an
 *   `aa{sv}`
 * @map_async: starts @map without blocking. The default runs @map on a worker thread of the
 *   library
 * @map_finish: completes @map_async
 * @calls_in_caller: whether the executor calls every node of a local run in the thread that
 *   executes it, with no other thread or main loop involved (a host language may then keep its
 *   interpreter lock held across the run). Unset means %FALSE
 *
 * The virtual methods of an executor: how a pipeline runs. Every method takes the
 * [struct@Run], which carries the pipeline, inputs, items, requested outputs, configuration,
 * cancellable and callback context. Implementations must report bad input the way
 * [method@Pipeline.run] documents ([method@Run.check] does it).
 */
struct _HnExecutorInterface
{
  GTypeInterface g_iface;

  GVariant *(*run)        (HnExecutor          *self,
                           HnRun               *run,
                           GError             **error);
  void      (*run_async)  (HnExecutor          *self,
                           HnRun               *run,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data);
  GVariant *(*run_finish) (HnExecutor          *self,
                           GAsyncResult        *result,
                           GError             **error);
  GVariant *(*map)        (HnExecutor          *self,
                           HnRun               *run,
                           GError             **error);
  void      (*map_async)  (HnExecutor          *self,
                           HnRun               *run,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data);
  GVariant *(*map_finish) (HnExecutor          *self,
                           GAsyncResult        *result,
                           GError             **error);
  gboolean  (*calls_in_caller) (HnExecutor     *self);
};

HN_AVAILABLE_IN_ALL
gboolean  hn_executor_calls_in_caller     (HnExecutor          *self);

HN_AVAILABLE_IN_ALL
GVariant *hn_executor_execute             (HnExecutor          *self,
                                           HnRun               *run,
                                           GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
void      hn_executor_execute_async       (HnExecutor          *self,
                                           HnRun               *run,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
HN_AVAILABLE_IN_ALL
GVariant *hn_executor_execute_finish      (HnExecutor          *self,
                                           GAsyncResult        *result,
                                           GError             **error) G_GNUC_WARN_UNUSED_RESULT;

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
