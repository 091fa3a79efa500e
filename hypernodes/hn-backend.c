/* hn-backend.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-backend.h"
#include "hn-run-private.h"
#include "hn-executor.h"
#include "hn-run.h"

/**
 * HnBackend:
 *
 * Where a pipeline runs. The executor of a [class@RuntimeConfig] decides how it runs; the
 * backend decides where the executor itself runs. [class@LocalBackend], the default, runs it in
 * this process.
 */

G_DEFINE_ABSTRACT_TYPE (HnBackend, hn_backend, G_TYPE_OBJECT)

static GVariant *
hn_backend_real_execute (HnBackend  *self,
                         HnRun      *run,
                         GError    **error)
{
  return hn_executor_execute (hn_run_get_executor (run), run, error);
}

static void
hn_backend_real_execute_async (HnBackend           *self,
                               HnRun               *run,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task = g_task_new (self, hn_run_get_cancellable (run), callback, user_data);

  g_task_set_source_tag (task, hn_backend_real_execute_async);
  g_task_set_check_cancellable (task, FALSE);
  hn_executor_execute_async (hn_run_get_executor (run), run, _hn_run_task_done, task);
}

static GVariant *
hn_backend_real_execute_finish (HnBackend     *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
hn_backend_class_init (HnBackendClass *klass)
{
  klass->execute = hn_backend_real_execute;
  klass->execute_async = hn_backend_real_execute_async;
  klass->execute_finish = hn_backend_real_execute_finish;
}

static void
hn_backend_init (HnBackend *self)
{
}

/**
 * hn_backend_execute:
 * @self: a [class@Backend]
 * @run: the run, or map, to execute
 * @error: return location for a [struct@GLib.Error]
 *
 * Executes @run with its executor, where this backend runs it.
 *
 * Returns: (transfer full): the requested outputs, an `a{sv}`, or for a map one `a{sv}` per
 *   item as an `aa{sv}`; %NULL on error
 */
GVariant *
hn_backend_execute (HnBackend  *self,
                    HnRun      *run,
                    GError    **error)
{
  g_return_val_if_fail (HN_IS_BACKEND (self), NULL);
  g_return_val_if_fail (run != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return HN_BACKEND_GET_CLASS (self)->execute (self, run, error);
}

/**
 * hn_backend_execute_async:
 * @self: a [class@Backend]
 * @run: the run, or map, to execute
 * @callback: (scope async) (closure user_data): called when the run is over
 * @user_data: data for @callback
 *
 * Starts [method@Backend.execute] without blocking the calling thread; finish with
 * [method@Backend.execute_finish].
 */
void
hn_backend_execute_async (HnBackend           *self,
                          HnRun               *run,
                          GAsyncReadyCallback  callback,
                          gpointer             user_data)
{
  g_return_if_fail (HN_IS_BACKEND (self));
  g_return_if_fail (run != NULL);

  HN_BACKEND_GET_CLASS (self)->execute_async (self, run, callback, user_data);
}

/**
 * hn_backend_execute_finish:
 * @self: a [class@Backend]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Completes [method@Backend.execute_async].
 *
 * Returns: (transfer full): as [method@Backend.execute]
 */
GVariant *
hn_backend_execute_finish (HnBackend     *self,
                           GAsyncResult  *result,
                           GError       **error)
{
  g_return_val_if_fail (HN_IS_BACKEND (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  return HN_BACKEND_GET_CLASS (self)->execute_finish (self, result, error);
}
