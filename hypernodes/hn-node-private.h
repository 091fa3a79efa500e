/* hn-node-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-node.h"

G_BEGIN_DECLS

gboolean            _hn_node_validate        (HnNode  *self,
                                              GError **error);
gboolean            _hn_node_has_async       (HnNode  *self);
guint               _hn_node_get_n_inputs    (HnNode  *self);
guint               _hn_node_get_n_outputs   (HnNode  *self);
const GVariantType *_hn_node_get_input_type_at  (HnNode *self,
                                                 guint   index);
const GVariantType *_hn_node_get_output_type_at (HnNode *self,
                                                 guint   index);

G_END_DECLS
