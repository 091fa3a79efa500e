/* hn-node.h
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
#include "hn-value.h"
#include "hn-version-macros.h"

G_BEGIN_DECLS

#define HN_TYPE_NODE (hn_node_get_type ())

/**
 * HnNodeValueFunc:
 * @node: the node called
 * @args: (array length=n_args): one value per input, %NULL for an optional input not given
 * @n_args: the number of inputs
 * @results: (out caller-allocates) (array): where to store one new value per output
 * @cancellable: (nullable): the run's cancellable
 * @user_data: the data given to [method@Node.set_value_func]
 * @error: return location for a [struct@GLib.Error]
 *
 * Computes a node's outputs from [struct@Value]s; see [method@Node.set_value_func].
 *
 * Returns: %TRUE with every result set, or %FALSE with @error set
 */
typedef gboolean (*HnNodeValueFunc) (HnNode         *node,
                                     HnValue * const *args,
                                     guint           n_args,
                                     HnValue       **results,
                                     GCancellable   *cancellable,
                                     gpointer        user_data,
                                     GError        **error);

HN_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (HnNode, hn_node, HN, NODE, GObject)

/**
 * HnNodeClass:
 * @parent_class: the parent class
 * @invoke: computes the node's result from its arguments, one per input in the order of
 *   [property@Node:inputs]. A node with one output returns its value; a node with several
 *   outputs returns a tuple with one member per output, in order. Called from any thread, possibly
 *   from several threads at once. Returns %NULL and sets @error on failure.
 * @invoke_async: starts computing the result without blocking. The default implementation calls
 *   @invoke in the calling thread and completes in the thread-default main context. Override it
 *   for nodes that wait on I/O.
 * @invoke_finish: completes @invoke_async.
 *
 * The class structure of [class@Node]. Subclasses override @invoke and, when they are
 * asynchronous by nature, @invoke_async and @invoke_finish.
 */
struct _HnNodeClass
{
  GObjectClass parent_class;

  GVariant *(*invoke)        (HnNode              *self,
                              GVariant * const    *args,
                              guint                n_args,
                              GCancellable        *cancellable,
                              GError             **error);
  void      (*invoke_async)  (HnNode              *self,
                              GVariant * const    *args,
                              guint                n_args,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data);
  GVariant *(*invoke_finish) (HnNode              *self,
                              GAsyncResult        *result,
                              GError             **error);

  /*< private >*/
  gpointer _reserved[12];
};

HN_AVAILABLE_IN_ALL
const char          *hn_node_get_name        (HnNode              *self);
HN_AVAILABLE_IN_ALL
const char * const  *hn_node_get_inputs      (HnNode              *self);
HN_AVAILABLE_IN_ALL
const char * const  *hn_node_get_outputs     (HnNode              *self);
HN_AVAILABLE_IN_ALL
const GVariantType  *hn_node_get_input_type  (HnNode              *self,
                                              const char          *input);
HN_AVAILABLE_IN_ALL
const GVariantType  *hn_node_get_output_type (HnNode              *self,
                                              const char          *output);
HN_AVAILABLE_IN_ALL
gboolean             hn_node_get_cache       (HnNode              *self);
HN_AVAILABLE_IN_ALL
const char          *hn_node_get_version     (HnNode              *self);
/**
 * HnValueCall:
 *
 * One call of a node's asynchronous value function, completed with
 * [method@ValueCall.return_values] or [method@ValueCall.return_error], from any thread.
 */
typedef struct _HnValueCall HnValueCall;

/**
 * HnNodeValueAsyncFunc:
 * @node: the node called
 * @args: (array length=n_args): one value per input, %NULL for an optional input not given
 * @n_args: the number of inputs
 * @cancellable: (nullable): the run's cancellable
 * @call: the call, to complete exactly once
 * @user_data: the data given to [method@Node.set_value_async_func]
 *
 * Starts computing a node's outputs from [struct@Value]s without blocking; see
 * [method@Node.set_value_async_func].
 */
typedef void (*HnNodeValueAsyncFunc) (HnNode          *node,
                                      HnValue * const *args,
                                      guint            n_args,
                                      GCancellable    *cancellable,
                                      HnValueCall     *call,
                                      gpointer         user_data);

HN_AVAILABLE_IN_ALL
const char * const  *hn_node_get_optional_inputs (HnNode          *self);
HN_AVAILABLE_IN_ALL
void                 hn_node_set_main_context (HnNode              *self,
                                               GMainContext        *context);
HN_AVAILABLE_IN_ALL
GMainContext        *hn_node_get_main_context (HnNode              *self);
HN_AVAILABLE_IN_ALL
void                 hn_node_set_value_async_func (HnNode              *self,
                                                   HnNodeValueAsyncFunc func,
                                                   gpointer             user_data,
                                                   GDestroyNotify       destroy);
HN_AVAILABLE_IN_ALL
void                 hn_value_call_return_values  (HnValueCall         *call,
                                                   HnValue            **results);
HN_AVAILABLE_IN_ALL
void                 hn_value_call_return_error   (HnValueCall         *call,
                                                   GError              *error);
HN_AVAILABLE_IN_ALL
void                 hn_node_set_value_func  (HnNode              *self,
                                              HnNodeValueFunc      func,
                                              gpointer             user_data,
                                              GDestroyNotify       destroy);
HN_AVAILABLE_IN_ALL
GVariant            *hn_node_invoke          (HnNode              *self,
                                              GVariant * const    *args,
                                              guint                n_args,
                                              GCancellable        *cancellable,
                                              GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
void                 hn_node_invoke_async    (HnNode              *self,
                                              GVariant * const    *args,
                                              guint                n_args,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data);
HN_AVAILABLE_IN_ALL
GVariant            *hn_node_invoke_finish   (HnNode              *self,
                                              GAsyncResult        *result,
                                              GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
