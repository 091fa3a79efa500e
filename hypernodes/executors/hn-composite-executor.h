/* hn-composite-executor.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include "../hn-executor.h"

G_BEGIN_DECLS

#define HN_TYPE_COMPOSITE_EXECUTOR (hn_composite_executor_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnCompositeExecutor, hn_composite_executor, HN, COMPOSITE_EXECUTOR, GObject)

HN_AVAILABLE_IN_ALL
HnExecutor *hn_composite_executor_new               (HnExecutor *map_executor,
                                                     HnExecutor *node_executor) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
HnExecutor *hn_composite_executor_get_map_executor  (HnCompositeExecutor *self);
HN_AVAILABLE_IN_ALL
HnExecutor *hn_composite_executor_get_node_executor (HnCompositeExecutor *self);

G_END_DECLS
