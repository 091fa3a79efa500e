/* hn-sequential-executor.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-executor-private.h"
#include "hn-sequential-executor.h"

/**
 * HnSequentialExecutor:
 *
 * Runs nodes one after another in topological order, and map items one after another, in the
 * calling thread. The default executor. Its asynchronous methods run the same loop on a worker
 * thread and complete in the caller's main context.
 */

struct _HnSequentialExecutor
{
  GObject parent_instance;
};

static void executor_iface_init (HnExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HnSequentialExecutor, hn_sequential_executor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_EXECUTOR, executor_iface_init))

static GVariant *
hn_sequential_executor_run_pipeline (HnExecutor          *executor,
                                     HnPipeline          *pipeline,
                                     GVariant            *inputs,
                                     HnCallbackContext   *context,
                                     const char * const  *outputs,
                                     GCancellable        *cancellable,
                                     GError             **error)
{
  return _hn_run_sequential (pipeline, inputs, context, outputs, cancellable, error);
}

static GVariant *
hn_sequential_executor_map_items (HnExecutor          *executor,
                                  HnPipeline          *pipeline,
                                  GVariant            *items,
                                  GVariant            *inputs,
                                  HnCallbackContext   *context,
                                  const char * const  *outputs,
                                  GCancellable        *cancellable,
                                  GError             **error)
{
  g_autoptr(HnMapSource) source = _hn_map_source_new_items (items);

  return _hn_map_sequential (pipeline, source, inputs, context, outputs, cancellable, error);
}

static void
executor_iface_init (HnExecutorInterface *iface)
{
  iface->run_pipeline = hn_sequential_executor_run_pipeline;
  iface->map_items = hn_sequential_executor_map_items;
}

static GVariant *
hn_sequential_executor_map_source (HnExecutor          *executor,
                                   HnPipeline          *pipeline,
                                   HnMapSource         *source,
                                   GVariant            *inputs,
                                   HnCallbackContext   *context,
                                   const char * const  *outputs,
                                   GCancellable        *cancellable,
                                   GError             **error)
{
  return _hn_map_sequential (pipeline, source, inputs, context, outputs, cancellable, error);
}

static void
hn_sequential_executor_class_init (HnSequentialExecutorClass *klass)
{
  _hn_executor_type_set_map_source (G_TYPE_FROM_CLASS (klass), hn_sequential_executor_map_source);
}

static void
hn_sequential_executor_init (HnSequentialExecutor *self)
{
}

/**
 * hn_sequential_executor_new:
 *
 * Creates an executor that runs everything in order in the calling thread.
 *
 * Returns: (transfer full) (type HnSequentialExecutor): a new [class@SequentialExecutor]
 */
HnExecutor *
hn_sequential_executor_new (void)
{
  return g_object_new (HN_TYPE_SEQUENTIAL_EXECUTOR, NULL);
}
