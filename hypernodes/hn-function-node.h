/* hn-function-node.h
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

/**
 * HnNodeFunc:
 * @args: (array length=n_args): one value per input of the node, in order
 * @n_args: the number of values in @args
 * @user_data: the data given when the node was created
 * @error: return location for a [struct@GLib.Error]
 *
 * The function of a [class@FunctionNode]. It may be called from any thread, and from several
 * threads at once.
 *
 * Returns: (transfer full) (nullable): the value of the single output, or a tuple with one member
 *   per output; %NULL with @error set on failure. A floating reference is sunk.
 */
typedef GVariant *(*HnNodeFunc) (GVariant * const *args,
                                 guint             n_args,
                                 gpointer          user_data,
                                 GError          **error);

#define HN_TYPE_FUNCTION_NODE (hn_function_node_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnFunctionNode, hn_function_node, HN, FUNCTION_NODE, HnNode)

HN_AVAILABLE_IN_ALL
HnNode *hn_function_node_new      (const char          *name,
                                   const char * const  *inputs,
                                   const char * const  *outputs,
                                   HnNodeFunc           func,
                                   gpointer             user_data,
                                   GDestroyNotify       destroy) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
HnNode *hn_function_node_new_full (const char          *name,
                                   const char * const  *inputs,
                                   const char * const  *input_types,
                                   const char * const  *outputs,
                                   const char * const  *output_types,
                                   HnNodeFunc           func,
                                   gpointer             user_data,
                                   GDestroyNotify       destroy) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
