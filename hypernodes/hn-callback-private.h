/* hn-callback-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-callback.h"

G_BEGIN_DECLS

/* The hooks callbacks have, for the events they want: a run calls only those. */
enum
{
  HN_HOOK_MAP_ITEM_START = 1 << 8,
  HN_HOOK_MAP_ITEM_DONE  = 1 << 9,    /* end or cached */
  HN_HOOK_NODE_START     = 1 << 10,
  HN_HOOK_MAP_ITEM_TIMED = 1 << 11,   /* a callback reads the duration of map items */
};

/* The union of the events the callbacks want in a run (HnCallbackEvents), with HN_HOOK_* bits
 * for the hooks they implement among those. */
guint _hn_callbacks_events         (HnCallback * const *callbacks, guint n, gboolean is_map,
                                    guint depth);

/* Fire one event on every callback of an array, in order. */
void _hn_callbacks_pipeline_start  (HnCallback * const *callbacks, guint n, HnPipeline *pipeline,
                                    GVariant *inputs, HnCallbackContext *context);
void _hn_callbacks_pipeline_end    (HnCallback * const *callbacks, guint n, HnPipeline *pipeline,
                                    GVariant *outputs, double duration,
                                    HnCallbackContext *context);
void _hn_callbacks_map_start       (HnCallback * const *callbacks, guint n, HnPipeline *pipeline,
                                    guint64 n_items, HnCallbackContext *context);
void _hn_callbacks_map_end         (HnCallback * const *callbacks, guint n, HnPipeline *pipeline,
                                    double duration, HnCallbackContext *context);
void _hn_callbacks_map_item_start  (HnCallback * const *callbacks, guint n, guint64 index,
                                    HnCallbackContext *context);
void _hn_callbacks_map_item_end    (HnCallback * const *callbacks, guint n, guint64 index,
                                    double duration, HnCallbackContext *context);
void _hn_callbacks_map_item_cached (HnCallback * const *callbacks, guint n, guint64 index,
                                    HnCallbackContext *context);
void _hn_callbacks_node_start      (HnCallback * const *callbacks, guint n, HnNode *node,
                                    gint64 item, GVariant * const *args, guint n_args,
                                    HnCallbackContext *context);
void _hn_callbacks_node_end        (HnCallback * const *callbacks, guint n, HnNode *node,
                                    gint64 item, GVariant *result, double duration,
                                    HnCallbackContext *context);
void _hn_callbacks_node_cached     (HnCallback * const *callbacks, guint n, HnNode *node,
                                    gint64 item, const char *signature,
                                    HnCallbackContext *context);
void _hn_callbacks_node_error      (HnCallback * const *callbacks, guint n, HnNode *node,
                                    gint64 item, const GError *error,
                                    HnCallbackContext *context);
void _hn_callbacks_nested_start    (HnCallback * const *callbacks, guint n, HnNode *node,
                                    gint64 item, HnCallbackContext *context);
void _hn_callbacks_nested_end      (HnCallback * const *callbacks, guint n, HnNode *node,
                                    gint64 item, double duration, HnCallbackContext *context);

G_END_DECLS
