/* hn-callback.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include <glib-object.h>

#include "hn-types.h"
#include "hn-version-macros.h"

G_BEGIN_DECLS

/**
 * HnCallbackEvents:
 * @HN_CALLBACK_EVENTS_NONE: no event
 * @HN_CALLBACK_EVENTS_RUNS: pipeline start and end, map start and end
 * @HN_CALLBACK_EVENTS_MAP_ITEMS: map item start, end and cached
 * @HN_CALLBACK_EVENTS_NODES: node start, end, cached and error
 * @HN_CALLBACK_EVENTS_NESTED: nested pipeline start and end
 * @HN_CALLBACK_EVENTS_ALL: every event
 * @HN_CALLBACK_EVENTS_UNTIMED: not an event: the callback does not read the duration of map
 *   items (it counts them, as a progress bar does). When every callback that wants map item
 *   events says so, a map does not read the clock for its items, and their duration is 0.
 *
 * Kinds of events a callback wants (see [vfunc@Callback.get_events]).
 */
typedef enum /*< flags >*/
{
  HN_CALLBACK_EVENTS_NONE      = 0,
  HN_CALLBACK_EVENTS_RUNS      = 1 << 0,
  HN_CALLBACK_EVENTS_MAP_ITEMS = 1 << 1,
  HN_CALLBACK_EVENTS_NODES     = 1 << 2,
  HN_CALLBACK_EVENTS_NESTED    = 1 << 3,
  HN_CALLBACK_EVENTS_ALL       = 0xf,
  HN_CALLBACK_EVENTS_UNTIMED   = 1 << 4,
} HnCallbackEvents;

#define HN_TYPE_CALLBACK_EVENTS (hn_callback_events_get_type ())

HN_AVAILABLE_IN_ALL
GType hn_callback_events_get_type (void) G_GNUC_CONST;

#define HN_TYPE_CALLBACK (hn_callback_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (HnCallback, hn_callback, HN, CALLBACK, GObject)

/**
 * HnCallbackInterface:
 * @g_iface: the parent interface
 * @pipeline_start: a run of @pipeline starts, with all its @inputs (an `a{sv}`)
 * @pipeline_end: the run is over after @duration seconds; @outputs is %NULL if it failed
 * @map_start: a map of @pipeline over @n_items items starts
 * @map_end: the map is over after @duration seconds
 * @map_item_start: item @index of the map starts
 * @map_item_end: item @index is done after @duration seconds
 * @map_item_cached: item @index came from the cache whole (no node of it ran)
 * @node_start: @node is called on @args (one per input) for map item @item (-1 outside a map)
 * @node_end: @node returned @result (its output, or a tuple of its outputs) after @duration
 *   seconds
 * @node_cached: @node's result came from the cache under key @signature (instead of
 *   @node_start and @node_end)
 * @node_error: @node failed with @error (after its retries); the error still propagates
 * @nested_pipeline_start: the pipeline node @node starts its inner pipeline; @context is the
 *   inner run's (one level deeper)
 * @nested_pipeline_end: the inner pipeline of @node is done after @duration seconds
 * @get_events: which kinds of events the callback wants in a run: a map or not, at nesting
 *   @depth. The default is all. Leaving out events that would be ignored makes runs faster
 *   (node events cost a clock reading each)
 *
 * Hooks into the life of runs, all optional. Every hook gets the [class@CallbackContext] of
 * the run it is about. Hooks are called from the threads that do the work (pool threads of the
 * thread pool executor, Daft's UDF threads): implementations must be thread-safe. Several
 * callbacks see the same events in the order they were given.
 */
struct _HnCallbackInterface
{
  GTypeInterface g_iface;

  void (*pipeline_start)        (HnCallback         *self,
                                 HnPipeline         *pipeline,
                                 GVariant           *inputs,
                                 HnCallbackContext  *context);
  void (*pipeline_end)          (HnCallback         *self,
                                 HnPipeline         *pipeline,
                                 GVariant           *outputs,
                                 double              duration,
                                 HnCallbackContext  *context);
  void (*map_start)             (HnCallback         *self,
                                 HnPipeline         *pipeline,
                                 guint64             n_items,
                                 HnCallbackContext  *context);
  void (*map_end)               (HnCallback         *self,
                                 HnPipeline         *pipeline,
                                 double              duration,
                                 HnCallbackContext  *context);
  void (*map_item_start)        (HnCallback         *self,
                                 guint64             index,
                                 HnCallbackContext  *context);
  void (*map_item_end)          (HnCallback         *self,
                                 guint64             index,
                                 double              duration,
                                 HnCallbackContext  *context);
  void (*map_item_cached)       (HnCallback         *self,
                                 guint64             index,
                                 HnCallbackContext  *context);
  void (*node_start)            (HnCallback         *self,
                                 HnNode             *node,
                                 gint64              item,
                                 GVariant * const   *args,
                                 guint               n_args,
                                 HnCallbackContext  *context);
  void (*node_end)              (HnCallback         *self,
                                 HnNode             *node,
                                 gint64              item,
                                 GVariant           *result,
                                 double              duration,
                                 HnCallbackContext  *context);
  void (*node_cached)           (HnCallback         *self,
                                 HnNode             *node,
                                 gint64              item,
                                 const char         *signature,
                                 HnCallbackContext  *context);
  void (*node_error)            (HnCallback         *self,
                                 HnNode             *node,
                                 gint64              item,
                                 const GError       *error,
                                 HnCallbackContext  *context);
  void (*nested_pipeline_start) (HnCallback         *self,
                                 HnNode             *node,
                                 gint64              item,
                                 HnCallbackContext  *context);
  void (*nested_pipeline_end)   (HnCallback         *self,
                                 HnNode             *node,
                                 gint64              item,
                                 double              duration,
                                 HnCallbackContext  *context);
  HnCallbackEvents (*get_events) (HnCallback        *self,
                                  gboolean           is_map,
                                  guint              depth);
};

HN_AVAILABLE_IN_ALL
void             hn_callback_node_start (HnCallback         *self,
                                         HnNode             *node,
                                         gint64              item,
                                         GVariant * const   *args,
                                         guint               n_args,
                                         HnCallbackContext  *context);
HN_AVAILABLE_IN_ALL
HnCallbackEvents hn_callback_get_events (HnCallback *self,
                                         gboolean    is_map,
                                         guint       depth);

G_END_DECLS
