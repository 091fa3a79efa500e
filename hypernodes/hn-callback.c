/* hn-callback.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-callback-private.h"

/**
 * HnCallback:
 *
 * Hooks into the life of runs: pipeline and map start and end, each map item, each node call
 * (or cache hit, or error), and nested pipelines. Set callbacks on a [class@RuntimeConfig]; the
 * invocation path and the per-item map driver fire them on every executor.
 *
 * Built in: [class@ProgressCallback] (progress bars and bindable properties),
 * [class@LogCallback] (structured log records) and [class@TraceCallback] (a Chrome trace-event
 * file that Perfetto opens).
 */

G_DEFINE_INTERFACE (HnCallback, hn_callback, G_TYPE_OBJECT)

G_DEFINE_FLAGS_TYPE (HnCallbackEvents, hn_callback_events,
  G_DEFINE_ENUM_VALUE (HN_CALLBACK_EVENTS_NONE, "none"),
  G_DEFINE_ENUM_VALUE (HN_CALLBACK_EVENTS_RUNS, "runs"),
  G_DEFINE_ENUM_VALUE (HN_CALLBACK_EVENTS_MAP_ITEMS, "map-items"),
  G_DEFINE_ENUM_VALUE (HN_CALLBACK_EVENTS_NODES, "nodes"),
  G_DEFINE_ENUM_VALUE (HN_CALLBACK_EVENTS_NESTED, "nested"),
  G_DEFINE_ENUM_VALUE (HN_CALLBACK_EVENTS_ALL, "all"))

static void
hn_callback_default_init (HnCallbackInterface *iface)
{
}

/**
 * hn_callback_node_start:
 * @self: an [iface@Callback]
 * @node: the node that is called
 * @item: the map item the call is for, or -1
 * @args: (array length=n_args): one value per input of @node
 * @n_args: the number of values
 * @context: the context of the run
 *
 * Tells @self that @node is called (what the invocation path does before every call).
 */
void
hn_callback_node_start (HnCallback        *self,
                        HnNode            *node,
                        gint64             item,
                        GVariant * const  *args,
                        guint              n_args,
                        HnCallbackContext *context)
{
  HnCallbackInterface *iface;

  g_return_if_fail (HN_IS_CALLBACK (self));

  iface = HN_CALLBACK_GET_IFACE (self);
  if (iface->node_start != NULL)
    iface->node_start (self, node, item, args, n_args, context);
}

/**
 * hn_callback_get_events:
 * @self: an [iface@Callback]
 * @is_map: whether the run is a map
 * @depth: the nesting depth of the run, 0 for a top-level one
 *
 * Asks which kinds of events @self wants in a run.
 *
 * Returns: the events
 */
HnCallbackEvents
hn_callback_get_events (HnCallback *self,
                        gboolean    is_map,
                        guint       depth)
{
  HnCallbackInterface *iface;

  g_return_val_if_fail (HN_IS_CALLBACK (self), HN_CALLBACK_EVENTS_NONE);

  iface = HN_CALLBACK_GET_IFACE (self);
  return iface->get_events ? iface->get_events (self, is_map, depth) : HN_CALLBACK_EVENTS_ALL;
}

guint
_hn_callbacks_events (HnCallback * const *callbacks,
                      guint               n,
                      gboolean            is_map,
                      guint               depth)
{
  guint events = 0;

  for (guint i = 0; i < n; i++)
    {
      HnCallbackInterface *iface = HN_CALLBACK_GET_IFACE (callbacks[i]);
      guint wanted = hn_callback_get_events (callbacks[i], is_map, depth);

      events |= wanted & HN_CALLBACK_EVENTS_ALL;
      if ((wanted & HN_CALLBACK_EVENTS_MAP_ITEMS) != 0)
        {
          if (iface->map_item_start != NULL)
            events |= HN_HOOK_MAP_ITEM_START;
          if (iface->map_item_end != NULL || iface->map_item_cached != NULL)
            events |= HN_HOOK_MAP_ITEM_DONE;
          if (iface->map_item_end != NULL && (wanted & HN_CALLBACK_EVENTS_UNTIMED) == 0)
            events |= HN_HOOK_MAP_ITEM_TIMED;
        }
      if ((wanted & HN_CALLBACK_EVENTS_NODES) != 0 && iface->node_start != NULL)
        events |= HN_HOOK_NODE_START;
    }
  return events;
}

#define FIRE(hook, ...) \
  for (guint i = 0; i < n; i++) \
    { \
      HnCallbackInterface *iface = HN_CALLBACK_GET_IFACE (callbacks[i]); \
      if (iface->hook != NULL) \
        iface->hook (callbacks[i], __VA_ARGS__); \
    }

void
_hn_callbacks_pipeline_start (HnCallback * const *callbacks, guint n, HnPipeline *pipeline,
                              GVariant *inputs, HnCallbackContext *context)
{
  FIRE (pipeline_start, pipeline, inputs, context);
}

void
_hn_callbacks_pipeline_end (HnCallback * const *callbacks, guint n, HnPipeline *pipeline,
                            GVariant *outputs, double duration, HnCallbackContext *context)
{
  FIRE (pipeline_end, pipeline, outputs, duration, context);
}

void
_hn_callbacks_map_start (HnCallback * const *callbacks, guint n, HnPipeline *pipeline,
                         guint64 n_items, HnCallbackContext *context)
{
  FIRE (map_start, pipeline, n_items, context);
}

void
_hn_callbacks_map_end (HnCallback * const *callbacks, guint n, HnPipeline *pipeline,
                       double duration, HnCallbackContext *context)
{
  FIRE (map_end, pipeline, duration, context);
}

void
_hn_callbacks_map_item_start (HnCallback * const *callbacks, guint n, guint64 index,
                              HnCallbackContext *context)
{
  FIRE (map_item_start, index, context);
}

void
_hn_callbacks_map_item_end (HnCallback * const *callbacks, guint n, guint64 index,
                            double duration, HnCallbackContext *context)
{
  FIRE (map_item_end, index, duration, context);
}

void
_hn_callbacks_map_item_cached (HnCallback * const *callbacks, guint n, guint64 index,
                               HnCallbackContext *context)
{
  FIRE (map_item_cached, index, context);
}

void
_hn_callbacks_node_start (HnCallback * const *callbacks, guint n, HnNode *node, gint64 item,
                          GVariant * const *args, guint n_args, HnCallbackContext *context)
{
  FIRE (node_start, node, item, args, n_args, context);
}

void
_hn_callbacks_node_end (HnCallback * const *callbacks, guint n, HnNode *node, gint64 item,
                        GVariant *result, double duration, HnCallbackContext *context)
{
  FIRE (node_end, node, item, result, duration, context);
}

void
_hn_callbacks_node_cached (HnCallback * const *callbacks, guint n, HnNode *node, gint64 item,
                           const char *signature, HnCallbackContext *context)
{
  FIRE (node_cached, node, item, signature, context);
}

void
_hn_callbacks_node_error (HnCallback * const *callbacks, guint n, HnNode *node, gint64 item,
                          const GError *error, HnCallbackContext *context)
{
  FIRE (node_error, node, item, error, context);
}

void
_hn_callbacks_nested_start (HnCallback * const *callbacks, guint n, HnNode *node, gint64 item,
                            HnCallbackContext *context)
{
  FIRE (nested_pipeline_start, node, item, context);
}

void
_hn_callbacks_nested_end (HnCallback * const *callbacks, guint n, HnNode *node, gint64 item,
                          double duration, HnCallbackContext *context)
{
  FIRE (nested_pipeline_end, node, item, duration, context);
}
