/* hn-backend.h
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

#define HN_TYPE_BACKEND (hn_backend_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (HnBackend, hn_backend, HN, BACKEND, GObject)

/**
 * HnBackendClass:
 * @parent_class: the parent class
 * @run_pipeline: runs @pipeline once with @executor wherever the backend runs things. The
 *   default calls [method@Executor.run_pipeline] in this process
 * @run_pipeline_async: starts @run_pipeline; the default calls
 *   [method@Executor.run_pipeline_async] in this process
 * @run_pipeline_finish: completes @run_pipeline_async
 * @map_items: maps @pipeline over @items with @executor; the default calls
 *   [method@Executor.map_items] in this process
 * @map_items_async: starts @map_items; the default calls [method@Executor.map_items_async]
 * @map_items_finish: completes @map_items_async
 *
 * The virtual methods of a backend: where a pipeline runs.
 */
struct _HnBackendClass
{
  GObjectClass parent_class;

  GVariant *(*run_pipeline)        (HnBackend           *self,
                                    HnExecutor          *executor,
                                    HnPipeline          *pipeline,
                                    GVariant            *inputs,
                                    HnCallbackContext   *context,
                                    const char * const  *outputs,
                                    GCancellable        *cancellable,
                                    GError             **error);
  void      (*run_pipeline_async)  (HnBackend           *self,
                                    HnExecutor          *executor,
                                    HnPipeline          *pipeline,
                                    GVariant            *inputs,
                                    HnCallbackContext   *context,
                                    const char * const  *outputs,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
  GVariant *(*run_pipeline_finish) (HnBackend           *self,
                                    GAsyncResult        *result,
                                    GError             **error);
  GVariant *(*map_items)           (HnBackend           *self,
                                    HnExecutor          *executor,
                                    HnPipeline          *pipeline,
                                    GVariant            *items,
                                    GVariant            *inputs,
                                    HnCallbackContext   *context,
                                    const char * const  *outputs,
                                    GCancellable        *cancellable,
                                    GError             **error);
  void      (*map_items_async)     (HnBackend           *self,
                                    HnExecutor          *executor,
                                    HnPipeline          *pipeline,
                                    GVariant            *items,
                                    GVariant            *inputs,
                                    HnCallbackContext   *context,
                                    const char * const  *outputs,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
  GVariant *(*map_items_finish)    (HnBackend           *self,
                                    GAsyncResult        *result,
                                    GError             **error);

  /*< private >*/
  gpointer _reserved[8];
};

HN_AVAILABLE_IN_ALL
GVariant *hn_backend_run_pipeline        (HnBackend           *self,
                                          HnExecutor          *executor,
                                          HnPipeline          *pipeline,
                                          GVariant            *inputs,
                                          HnCallbackContext   *context,
                                          const char * const  *outputs,
                                          GCancellable        *cancellable,
                                          GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
void      hn_backend_run_pipeline_async  (HnBackend           *self,
                                          HnExecutor          *executor,
                                          HnPipeline          *pipeline,
                                          GVariant            *inputs,
                                          HnCallbackContext   *context,
                                          const char * const  *outputs,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
HN_AVAILABLE_IN_ALL
GVariant *hn_backend_run_pipeline_finish (HnBackend           *self,
                                          GAsyncResult        *result,
                                          GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
GVariant *hn_backend_map_items           (HnBackend           *self,
                                          HnExecutor          *executor,
                                          HnPipeline          *pipeline,
                                          GVariant            *items,
                                          GVariant            *inputs,
                                          HnCallbackContext   *context,
                                          const char * const  *outputs,
                                          GCancellable        *cancellable,
                                          GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
void      hn_backend_map_items_async     (HnBackend           *self,
                                          HnExecutor          *executor,
                                          HnPipeline          *pipeline,
                                          GVariant            *items,
                                          GVariant            *inputs,
                                          HnCallbackContext   *context,
                                          const char * const  *outputs,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data);
HN_AVAILABLE_IN_ALL
GVariant *hn_backend_map_items_finish    (HnBackend           *self,
                                          GAsyncResult        *result,
                                          GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
