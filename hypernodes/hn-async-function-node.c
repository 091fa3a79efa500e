/* hn-async-function-node.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "hn-async-function-node.h"
#include "hn-error.h"

/**
 * HnAsyncFunctionNode:
 *
 * A node whose function starts its work and completes it later, without holding a thread: a
 * request, a timer. The function gets the arguments and an [class@NodeCall], and completes the
 * call once, now or from a later callback. The [class@AsyncExecutor] keeps many such calls in
 * flight; the other executors wait for each.
 *
 * For bindings that cannot implement [vfunc@Node.invoke_async] (gjs does not support virtual
 * functions that take a callback):
 *
 * ```js
 * const fetch = Hn.AsyncFunctionNode.new('fetch', ['url'], ['body'], (args, call) => {
 *     session.send_and_read_async(message, GLib.PRIORITY_DEFAULT, null, (s, res) => {
 *         call.return_value(new GLib.Variant('ay', s.send_and_read_finish(res).get_data()));
 *     });
 * });
 * fetch.main_context = GLib.MainContext.default();
 * ```
 */

/**
 * HnNodeCall:
 *
 * One call of an [class@AsyncFunctionNode], completed with [method@NodeCall.return_value] or
 * [method@NodeCall.return_error]. A call dropped without either fails.
 */

struct _HnNodeCall
{
  GObject  parent_instance;
  GTask   *task;
  char    *node_name;
};

G_DEFINE_FINAL_TYPE (HnNodeCall, hn_node_call, G_TYPE_OBJECT)

static void
hn_node_call_finalize (GObject *object)
{
  HnNodeCall *self = HN_NODE_CALL (object);

  if (self->task != NULL)
    {
      g_task_return_new_error (self->task, HN_NODE_ERROR, HN_NODE_ERROR_INVALID_RESULT,
                               _("Node “%s” dropped its call without returning a value or an "
                                 "error"), self->node_name);
      g_clear_object (&self->task);
    }
  g_free (self->node_name);
  G_OBJECT_CLASS (hn_node_call_parent_class)->finalize (object);
}

static void
hn_node_call_class_init (HnNodeCallClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hn_node_call_finalize;
}

static void
hn_node_call_init (HnNodeCall *self)
{
}

static void
unref_task_soon (GTask *task)
{
  g_object_unref (task);
}

/**
 * hn_node_call_return_value:
 * @self: a [class@NodeCall]
 * @value: the node's result: its one output, or a tuple of its outputs; a floating reference
 *   is sunk
 *
 * Completes the call with @value. A call completes once: later calls are ignored with a warning.
 */
void
hn_node_call_return_value (HnNodeCall *self,
                           GVariant   *value)
{
  g_return_if_fail (HN_IS_NODE_CALL (self));
  g_return_if_fail (value != NULL);

  if (self->task == NULL)
    {
      g_warning ("Node “%s” returned twice", self->node_name);
      g_variant_unref (g_variant_ref_sink (value));
      return;
    }
  g_task_return_pointer (self->task, g_variant_ref_sink (value),
                         (GDestroyNotify) g_variant_unref);
  unref_task_soon (g_steal_pointer (&self->task));
}

/**
 * hn_node_call_return_error:
 * @self: a [class@NodeCall]
 * @error: why the node failed
 *
 * Completes the call with a copy of @error.
 */
void
hn_node_call_return_error (HnNodeCall   *self,
                           const GError *error)
{
  g_return_if_fail (HN_IS_NODE_CALL (self));
  g_return_if_fail (error != NULL);

  if (self->task == NULL)
    {
      g_warning ("Node “%s” returned twice", self->node_name);
      return;
    }
  g_task_return_error (self->task, g_error_copy (error));
  unref_task_soon (g_steal_pointer (&self->task));
}

/**
 * hn_node_call_get_cancellable:
 * @self: a [class@NodeCall]
 *
 * Gets the run's cancellable, to pass on to the work the call starts.
 *
 * Returns: (transfer none) (nullable): the cancellable
 */
GCancellable *
hn_node_call_get_cancellable (HnNodeCall *self)
{
  g_return_val_if_fail (HN_IS_NODE_CALL (self), NULL);
  return self->task ? g_task_get_cancellable (self->task) : NULL;
}

struct _HnAsyncFunctionNode
{
  HnNode           parent_instance;
  HnNodeStartFunc  func;
  gpointer         user_data;
  GDestroyNotify   destroy;
};

G_DEFINE_FINAL_TYPE (HnAsyncFunctionNode, hn_async_function_node, HN_TYPE_NODE)

static void
hn_async_function_node_invoke_async (HnNode              *node,
                                     GVariant * const    *args,
                                     guint                n_args,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  HnAsyncFunctionNode *self = HN_ASYNC_FUNCTION_NODE (node);
  g_autoptr(HnNodeCall) call = g_object_new (HN_TYPE_NODE_CALL, NULL);

  call->task = g_task_new (node, cancellable, callback, user_data);
  g_task_set_source_tag (call->task, hn_async_function_node_invoke_async);
  call->node_name = g_strdup (hn_node_get_name (node));
  if (g_task_return_error_if_cancelled (call->task))
    {
      g_clear_object (&call->task);
      return;
    }
  self->func (args, n_args, call, self->user_data);
}

static GVariant *
hn_async_function_node_invoke_finish (HnNode        *node,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, node), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
hn_async_function_node_finalize (GObject *object)
{
  HnAsyncFunctionNode *self = HN_ASYNC_FUNCTION_NODE (object);

  if (self->destroy != NULL)
    self->destroy (self->user_data);
  G_OBJECT_CLASS (hn_async_function_node_parent_class)->finalize (object);
}

static void
hn_async_function_node_class_init (HnAsyncFunctionNodeClass *klass)
{
  HnNodeClass *node_class = HN_NODE_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = hn_async_function_node_finalize;
  node_class->invoke_async = hn_async_function_node_invoke_async;
  node_class->invoke_finish = hn_async_function_node_invoke_finish;
}

static void
hn_async_function_node_init (HnAsyncFunctionNode *self)
{
}

/**
 * hn_async_function_node_new:
 * @name: the node's name
 * @inputs: (array zero-terminated=1): the input names, in the order @func gets them
 * @outputs: (array zero-terminated=1): the output names
 * @func: (scope notified) (closure user_data) (destroy destroy): starts a call
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data with the node
 *
 * Makes a node whose @func starts each call and completes it later through its
 * [class@NodeCall].
 *
 * Returns: (transfer full): a new node
 */
HnNode *
hn_async_function_node_new (const char          *name,
                            const char * const  *inputs,
                            const char * const  *outputs,
                            HnNodeStartFunc      func,
                            gpointer             user_data,
                            GDestroyNotify       destroy)
{
  HnAsyncFunctionNode *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (HN_TYPE_ASYNC_FUNCTION_NODE,
                       "name", name, "inputs", inputs, "outputs", outputs, NULL);
  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;
  return HN_NODE (self);
}
