/* hn-log-callback.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-callback-context.h"
#include "hn-log-callback.h"
#include "hn-node.h"

/**
 * HnLogCallback:
 *
 * Writes a structured log record ([func@GLib.log_structured]) for every node call, cache hit,
 * error, map item and run, in the log domain `Hn-Run`. Besides `MESSAGE`, records carry the
 * fields `HN_EVENT` (`node-end`, `node-cached`, `node-error`, `map-item-end`, `map-end`,
 * `pipeline-end`), `HN_NODE`, `HN_DURATION` (seconds), `HN_ITEM` (the map item, when there is
 * one), `HN_DEPTH` and `HN_RUN_ID`. Node errors are logged as warnings, the rest at the
 * `G_LOG_LEVEL_INFO` level, which journald keeps and `G_MESSAGES_DEBUG=Hn-Run` shows.
 */

struct _HnLogCallback
{
  GObject parent_instance;
};

static void callback_iface_init (HnCallbackInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HnLogCallback, hn_log_callback, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_CALLBACK, callback_iface_init))

static void
emit (GLogLevelFlags      level,
      const char         *event,
      const char         *node,
      gint64              item,
      double              duration,
      HnCallbackContext  *context,
      const char         *message)
{
  g_autofree char *item_text = item >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, item) : NULL;
  g_autofree char *duration_text = duration >= 0 ? g_strdup_printf ("%.6f", duration) : NULL;
  g_autofree char *depth_text = g_strdup_printf ("%u", hn_callback_context_get_depth (context));
  GLogField fields[9];
  gsize n = 0;

  fields[n++] = (GLogField) { "GLIB_DOMAIN", "Hn-Run", -1 };
  fields[n++] = (GLogField) { "MESSAGE", message, -1 };
  fields[n++] = (GLogField) { "HN_EVENT", event, -1 };
  fields[n++] = (GLogField) { "HN_DEPTH", depth_text, -1 };
  fields[n++] = (GLogField) { "HN_RUN_ID", hn_callback_context_get_run_id (context), -1 };
  if (node != NULL)
    fields[n++] = (GLogField) { "HN_NODE", node, -1 };
  if (item_text != NULL)
    fields[n++] = (GLogField) { "HN_ITEM", item_text, -1 };
  if (duration_text != NULL)
    fields[n++] = (GLogField) { "HN_DURATION", duration_text, -1 };
  g_log_structured_array (level, fields, n);
}

static void
log_node_end (HnCallback         *callback,
              HnNode             *node,
              gint64              item,
              GVariant           *result,
              double              duration,
              HnCallbackContext  *context)
{
  g_autofree char *message = g_strdup_printf ("node %s done in %.6f s", hn_node_get_name (node),
                                              duration);

  emit (G_LOG_LEVEL_INFO, "node-end", hn_node_get_name (node), item, duration, context, message);
}

static void
log_node_cached (HnCallback         *callback,
                 HnNode             *node,
                 gint64              item,
                 const char         *signature,
                 HnCallbackContext  *context)
{
  g_autofree char *message = g_strdup_printf ("node %s from the cache", hn_node_get_name (node));

  emit (G_LOG_LEVEL_INFO, "node-cached", hn_node_get_name (node), item, -1, context, message);
}

static void
log_node_error (HnCallback         *callback,
                HnNode             *node,
                gint64              item,
                const GError       *error,
                HnCallbackContext  *context)
{
  emit (G_LOG_LEVEL_WARNING, "node-error", hn_node_get_name (node), item, -1, context,
        error->message);
}

static void
log_map_item_end (HnCallback         *callback,
                  guint64             index,
                  double              duration,
                  HnCallbackContext  *context)
{
  g_autofree char *message = g_strdup_printf ("item %" G_GUINT64_FORMAT " done in %.6f s",
                                              index, duration);

  emit (G_LOG_LEVEL_INFO, "map-item-end", NULL, (gint64) index, duration, context, message);
}

static void
log_map_end (HnCallback         *callback,
             HnPipeline         *pipeline,
             double              duration,
             HnCallbackContext  *context)
{
  g_autofree char *message = g_strdup_printf ("map done in %.6f s", duration);

  emit (G_LOG_LEVEL_INFO, "map-end", NULL, -1, duration, context, message);
}

static void
log_pipeline_end (HnCallback         *callback,
                  HnPipeline         *pipeline,
                  GVariant           *outputs,
                  double              duration,
                  HnCallbackContext  *context)
{
  g_autofree char *message = g_strdup_printf ("run %s in %.6f s",
                                              outputs ? "done" : "failed", duration);

  emit (G_LOG_LEVEL_INFO, "pipeline-end", NULL, -1, duration, context, message);
}

static void
callback_iface_init (HnCallbackInterface *iface)
{
  iface->node_end = log_node_end;
  iface->node_cached = log_node_cached;
  iface->node_error = log_node_error;
  iface->map_item_end = log_map_item_end;
  iface->map_end = log_map_end;
  iface->pipeline_end = log_pipeline_end;
}

static void
hn_log_callback_class_init (HnLogCallbackClass *klass)
{
}

static void
hn_log_callback_init (HnLogCallback *self)
{
}

/**
 * hn_log_callback_new:
 *
 * Creates a structured-logging callback.
 *
 * Returns: (transfer full) (type HnLogCallback): a new [class@LogCallback]
 */
HnCallback *
hn_log_callback_new (void)
{
  return g_object_new (HN_TYPE_LOG_CALLBACK, NULL);
}
