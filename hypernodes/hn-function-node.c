/* hn-function-node.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-function-node.h"

/**
 * HnFunctionNode:
 *
 * A [class@Node] that calls a [callback@NodeFunc].
 *
 * ```c
 * static GVariant *
 * double_it (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
 * {
 *   return g_variant_new_int64 (g_variant_get_int64 (args[0]) * 2);
 * }
 *
 * g_autoptr(HnNode) node =
 *   hn_function_node_new ("double", (const char *[]) { "x", NULL },
 *                         (const char *[]) { "doubled", NULL }, double_it, NULL, NULL);
 * ```
 */

struct _HnFunctionNode
{
  HnNode          parent_instance;
  HnNodeFunc      func;
  gpointer        user_data;
  GDestroyNotify  destroy;
};

G_DEFINE_FINAL_TYPE (HnFunctionNode, hn_function_node, HN_TYPE_NODE)

static GVariant *
hn_function_node_invoke (HnNode            *node,
                         GVariant * const  *args,
                         guint              n_args,
                         GCancellable      *cancellable,
                         GError           **error)
{
  /* called once per node call, through the class's own vfunc: a checked cast would cost as
   * much as the rest of the call's bookkeeping */
  HnFunctionNode *self = (HnFunctionNode *) node;

  if (self->func == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "this HnFunctionNode has no function: create it with "
                           "hn_function_node_new()");
      return NULL;
    }
  return self->func (args, n_args, self->user_data, error);
}

static void
hn_function_node_finalize (GObject *object)
{
  HnFunctionNode *self = HN_FUNCTION_NODE (object);

  if (self->destroy != NULL)
    g_clear_pointer (&self->user_data, self->destroy);

  G_OBJECT_CLASS (hn_function_node_parent_class)->finalize (object);
}

static void
hn_function_node_class_init (HnFunctionNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HnNodeClass *node_class = HN_NODE_CLASS (klass);

  object_class->finalize = hn_function_node_finalize;
  node_class->invoke = hn_function_node_invoke;
}

static void
hn_function_node_init (HnFunctionNode *self)
{
}

/**
 * hn_function_node_new:
 * @name: the node's name
 * @inputs: (array zero-terminated=1): the input names, in argument order
 * @outputs: (array zero-terminated=1): the output names, in result order
 * @func: (scope notified) (closure user_data) (destroy destroy): the function
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the node is finalized
 *
 * Creates a node that calls @func, with untyped ports.
 *
 * Returns: (transfer full): a new [class@FunctionNode]
 */
HnNode *
hn_function_node_new (const char          *name,
                      const char * const  *inputs,
                      const char * const  *outputs,
                      HnNodeFunc           func,
                      gpointer             user_data,
                      GDestroyNotify       destroy)
{
  return hn_function_node_new_full (name, inputs, NULL, outputs, NULL, func, user_data, destroy);
}

/**
 * hn_function_node_new_full:
 * @name: the node's name
 * @inputs: (array zero-terminated=1): the input names, in argument order
 * @input_types: (array zero-terminated=1) (nullable): one [struct@GLib.VariantType] string per
 *   input (`*` for any), or %NULL
 * @outputs: (array zero-terminated=1): the output names, in result order
 * @output_types: (array zero-terminated=1) (nullable): one type string per output, or %NULL
 * @func: (scope notified) (closure user_data) (destroy destroy): the function
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data when the node is finalized
 *
 * Creates a node that calls @func, with typed ports. The types are checked when the node is
 * added to a [class@Pipeline].
 *
 * Returns: (transfer full): a new [class@FunctionNode]
 */
HnNode *
hn_function_node_new_full (const char          *name,
                           const char * const  *inputs,
                           const char * const  *input_types,
                           const char * const  *outputs,
                           const char * const  *output_types,
                           HnNodeFunc           func,
                           gpointer             user_data,
                           GDestroyNotify       destroy)
{
  HnFunctionNode *self;

  g_return_val_if_fail (func != NULL, NULL);

  self = g_object_new (HN_TYPE_FUNCTION_NODE,
                       "name", name,
                       "inputs", inputs,
                       "input-types", input_types,
                       "outputs", outputs,
                       "output-types", output_types,
                       NULL);
  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;

  return HN_NODE (self);
}
