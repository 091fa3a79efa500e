/* hn-node-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-node.h"

G_BEGIN_DECLS

/* How a node runs inside a run, for node types that run inside it rather than being called:
 * a pipeline node runs its pipeline as a child of @run. @item is the map index of the outer
 * run, or -1. Sets one new value per output in @results, or fails; sets *@cached when every
 * call it made came from the cache. */
typedef gboolean (*HnNodeRunInvoke) (HnNode            *self,
                                     HnRun             *run,
                                     HnValue * const   *args,
                                     guint              n_args,
                                     gint64             item,
                                     HnValue          **results,
                                     gboolean          *cached,
                                     GError           **error);

/* The private virtual methods of HnNodeClass: a class-private structure, so that they are not
 * part of the public class structure. A subclass sets them in its class_init:
 * _hn_node_class_get_private (klass)->run_invoke = ...; they are inherited. */
typedef struct
{
  /* NULL: the node is called through the invocation path (its value function, or its invoke
   * vfunc), not run inside the run */
  HnNodeRunInvoke run_invoke;
} HnNodeClassPrivate;

HnNodeClassPrivate *_hn_node_class_get_private (gpointer         klass);
HnNodeRunInvoke     _hn_node_get_run_invoke      (HnNode          *self);

gboolean            _hn_node_validate        (HnNode  *self,
                                              GError **error);
gboolean            _hn_node_has_async       (HnNode  *self);
gboolean            _hn_node_has_sync        (HnNode  *self);
guint               _hn_node_get_n_inputs    (HnNode  *self);
gboolean            _hn_node_is_input_optional (HnNode *self,
                                                guint   index);
HnNodeValueFunc     _hn_node_get_value_func  (HnNode   *self,
                                              gpointer *user_data);
HnNodeValueAsyncFunc _hn_node_get_value_async_func (HnNode   *self,
                                                    gpointer *user_data);
guint               _hn_node_get_n_outputs   (HnNode  *self);
const GVariantType *_hn_node_get_input_type_at  (HnNode *self,
                                                 guint   index);
const GVariantType *_hn_node_get_output_type_at (HnNode *self,
                                                 guint   index);

/* ---- hn-node-value-call.c ---------------------------------------------------------------- */

/* Where the outcome of an HnValueCall goes, in the thread-default main context of the thread
 * that made the call: one new value per output (the array is @done's; a missing value is left
 * NULL), or an error; both transfer full. */
typedef void (*HnValueCallDone) (HnValue  **results,
                                 GError    *error,
                                 gpointer   user_data);

/* A call of node @node_name's asynchronous value function, completed exactly once with
 * hn_value_call_return_values() or hn_value_call_return_error(), which free it. */
HnValueCall        *_hn_value_call_new       (const char      *node_name,
                                              guint            n_outputs,
                                              HnValueCallDone  done,
                                              gpointer         user_data);

G_END_DECLS
