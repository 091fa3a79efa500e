/* hn-async-function-node.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include "hn-node.h"

G_BEGIN_DECLS

#define HN_TYPE_NODE_CALL (hn_node_call_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnNodeCall, hn_node_call, HN, NODE_CALL, GObject)

/**
 * HnNodeStartFunc:
 * @args: (array length=n_args): one value per input
 * @n_args: the number of values
 * @call: the call, to complete with [method@NodeCall.return_value] or
 *   [method@NodeCall.return_error], now or later
 * @user_data: the data given to [ctor@AsyncFunctionNode.new]
 *
 * Starts computing a node's result; see [class@AsyncFunctionNode].
 */
typedef void (*HnNodeStartFunc) (GVariant * const *args,
                                 guint             n_args,
                                 HnNodeCall       *call,
                                 gpointer          user_data);

#define HN_TYPE_ASYNC_FUNCTION_NODE (hn_async_function_node_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnAsyncFunctionNode, hn_async_function_node, HN, ASYNC_FUNCTION_NODE,
                      HnNode)

HN_AVAILABLE_IN_ALL
HnNode       *hn_async_function_node_new   (const char          *name,
                                            const char * const  *inputs,
                                            const char * const  *outputs,
                                            HnNodeStartFunc      func,
                                            gpointer             user_data,
                                            GDestroyNotify       destroy) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
void          hn_node_call_return_value    (HnNodeCall          *self,
                                            GVariant            *value);
HN_AVAILABLE_IN_ALL
void          hn_node_call_return_error    (HnNodeCall          *self,
                                            const GError        *error);
HN_AVAILABLE_IN_ALL
GCancellable *hn_node_call_get_cancellable (HnNodeCall          *self);

G_END_DECLS
