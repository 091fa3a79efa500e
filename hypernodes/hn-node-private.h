/* hn-node-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-node.h"

G_BEGIN_DECLS

/* How a node runs inside a run: pipeline nodes run their pipeline as a child of @run. Set per
 * node type with _hn_node_type_set_run_invoke(); other nodes are called through their invoke
 * vfunc. @item is the map index of the outer run, or -1. Sets one new value per output in
 * @results, or fails; sets *@cached when every call it made came from the cache. */
typedef gboolean (*HnNodeRunInvoke) (HnNode            *self,
                                     HnRun             *run,
                                     HnValue * const   *args,
                                     guint              n_args,
                                     gint64             item,
                                     HnValue          **results,
                                     gboolean          *cached,
                                     GError           **error);

void                _hn_node_type_set_run_invoke (GType            type,
                                                  HnNodeRunInvoke  func);
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

G_END_DECLS
