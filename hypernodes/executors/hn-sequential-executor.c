/* hn-sequential-executor.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-driver-private.h"
#include "hn-run-private.h"
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
hn_sequential_executor_run_pipeline (HnExecutor  *executor,
                                     HnRun       *run,
                                     GError     **error)
{
  return _hn_driver_run (run, error);
}

static GVariant *
hn_sequential_executor_map_items (HnExecutor  *executor,
                                  HnRun       *run,
                                  GError     **error)
{
  return _hn_driver_map (run, error);
}

static gboolean
hn_sequential_executor_calls_in_caller (HnExecutor *executor)
{
  return TRUE;
}

static void
executor_iface_init (HnExecutorInterface *iface)
{
  iface->run = hn_sequential_executor_run_pipeline;
  iface->map = hn_sequential_executor_map_items;
  iface->calls_in_caller = hn_sequential_executor_calls_in_caller;
}

static void
hn_sequential_executor_class_init (HnSequentialExecutorClass *klass)
{
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
