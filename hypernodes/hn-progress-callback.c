/* hn-progress-callback.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <stdio.h>

#include "hn-callback-context.h"
#include "hn-node.h"
#include "hn-pipeline.h"
#include "hn-progress-callback.h"
#include "hn-tsan-private.h"

/**
 * HnProgressCallback:
 *
 * Shows how far runs are: terminal progress bars (one per level: the map's items or the run's
 * nodes, and each nested pipeline running), and properties a GTK application can bind to a
 * progress bar.
 *
 * The properties count the top level: the items of a map, or the nodes of a single run. They
 * are updated, and notified, on the main context that was the thread-default when the callback
 * was made, whatever thread the work happens in. The terminal bars are drawn on standard error
 * at most ten times a second, from the thread that reports progress.
 */

#define DRAW_INTERVAL (G_USEC_PER_SEC / 10)

typedef struct
{
  char    *name;
  guint64  total;
  guint64  completed;
} Level;

struct _HnProgressCallback
{
  GObject       parent_instance;
  gboolean      terminal;
  GMainContext *context;
  GMutex        lock;
  GArray       *levels;          /* of Level, by depth */
  gboolean      mapping;         /* the top level is a map: nodes do not count there */
  gint64        last_draw;
  guint         updates;
  guint         lines_drawn;
  /* what the properties show, read on the main context */
  guint64       total;
  guint64       completed;
  gint          notify_pending;
};

enum {
  PROP_0,
  PROP_TERMINAL,
  PROP_TOTAL,
  PROP_COMPLETED,
  PROP_FRACTION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void callback_iface_init (HnCallbackInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HnProgressCallback, hn_progress_callback, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_CALLBACK, callback_iface_init))

static void
level_clear (gpointer data)
{
  g_free (((Level *) data)->name);
}

/* Called with the lock held. */
static Level *
level_at (HnProgressCallback *self,
          guint               depth)
{
  if (self->levels->len <= depth)
    g_array_set_size (self->levels, depth + 1);
  return &g_array_index (self->levels, Level, depth);
}

static void
draw (HnProgressCallback *self,
      gboolean            final)
{
  GString *out = g_string_new (NULL);

  /* back to the first line of the previous drawing */
  if (self->lines_drawn > 1)
    g_string_append_printf (out, "\033[%uA", self->lines_drawn - 1);
  g_string_append_c (out, '\r');

  for (guint d = 0; d < self->levels->len; d++)
    {
      Level *level = &g_array_index (self->levels, Level, d);
      guint width = 30, filled;

      if (d > 0)
        g_string_append (out, "\n");
      filled = level->total > 0 ? (guint) (width * MIN (level->completed, level->total)
                                           / level->total) : 0;
      g_string_append_printf (out, "%*s%-12.12s [", (int) d * 2, "",
                              level->name ? level->name : "");
      for (guint i = 0; i < width; i++)
        g_string_append_c (out, i < filled ? '#' : '.');
      g_string_append_printf (out, "] %" G_GUINT64_FORMAT "/%" G_GUINT64_FORMAT "\033[K",
                              level->completed, level->total);
    }
  self->lines_drawn = MAX (self->levels->len, 1);
  if (final)
    {
      g_string_append_c (out, '\n');
      self->lines_drawn = 0;
    }
  fputs (out->str, stderr);
  fflush (stderr);
  g_string_free (out, TRUE);
}

static gboolean
notify_in_context (gpointer data)
{
  HnProgressCallback *self = data;

  HN_TSAN_ACQUIRE (self);
  g_atomic_int_set (&self->notify_pending, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOTAL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPLETED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FRACTION]);
  return G_SOURCE_REMOVE;
}

/* Called with the lock held, after the counts changed. */
static void
changed (HnProgressCallback *self,
         gboolean            force)
{
  Level *top = level_at (self, 0);
  gint64 now;

  self->total = top->total;
  self->completed = top->completed;

  /* reading the clock costs as much as the rest: look at it every 32 updates */
  if (!force && (++self->updates & 31) != 0)
    return;
  now = g_get_monotonic_time ();
  if (!force && now - self->last_draw < DRAW_INTERVAL)
    return;
  self->last_draw = now;

  if (self->terminal)
    draw (self, force && top->completed >= top->total);

  /* one pending notification at a time, on the caller's main context */
  if (g_atomic_int_compare_and_exchange (&self->notify_pending, FALSE, TRUE))
    {
      /* held through the call: the notification may run, and the last reference to the
       * context go, before it returns */
      g_autoptr(GMainContext) context = g_main_context_ref (self->context);

      HN_TSAN_RELEASE (self);
      g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, notify_in_context,
                                  g_object_ref (self), g_object_unref);
    }
}

static inline guint
depth_of (HnCallbackContext *context)
{
  return hn_callback_context_get_depth (context);
}

static void
start_level (HnProgressCallback *self,
             guint               depth,
             const char         *name,
             guint64             total)
{
  Level *level;

  hn_mutex_lock (&self->lock);
  if (depth == 0)
    {
      /* a new top-level run: forget the levels of the last one */
      g_array_set_size (self->levels, 0);
      self->last_draw = 0;
    }
  level = level_at (self, depth);
  g_free (level->name);
  level->name = g_strdup (name);
  level->total = total;
  level->completed = 0;
  /* deeper levels belong to the previous nested run */
  if (self->levels->len > depth + 1)
    g_array_set_size (self->levels, depth + 1);
  changed (self, depth == 0);
  hn_mutex_unlock (&self->lock);
}

static void
advance (HnProgressCallback *self,
         guint               depth)
{
  hn_mutex_lock (&self->lock);
  if (depth < self->levels->len)
    {
      Level *level = &g_array_index (self->levels, Level, depth);
      level->completed++;
      changed (self, level->completed == level->total && depth == 0);
    }
  hn_mutex_unlock (&self->lock);
}

static void
progress_pipeline_start (HnCallback         *callback,
                         HnPipeline         *pipeline,
                         GVariant           *inputs,
                         HnCallbackContext  *context)
{
  HnProgressCallback *self = HN_PROGRESS_CALLBACK (callback);
  const char * const *order = hn_pipeline_get_topological_order (pipeline);

  self->mapping = FALSE;
  start_level (self, depth_of (context), "nodes", g_strv_length ((char **) order));
}

static void
progress_map_start (HnCallback         *callback,
                    HnPipeline         *pipeline,
                    guint64             n_items,
                    HnCallbackContext  *context)
{
  HnProgressCallback *self = HN_PROGRESS_CALLBACK (callback);

  self->mapping = TRUE;
  start_level (self, depth_of (context), "items", n_items);
}

/* Once per map item: the callback is ours (our own vfunc), so no checked cast. */
static void
progress_item_done (HnCallback         *callback,
                    guint64             index,
                    double              duration,
                    HnCallbackContext  *context)
{
  advance ((HnProgressCallback *) callback, depth_of (context));
}

static void
progress_item_cached (HnCallback         *callback,
                      guint64             index,
                      HnCallbackContext  *context)
{
  advance ((HnProgressCallback *) callback, depth_of (context));
}

static void
progress_node_done (HnProgressCallback *self,
                    HnCallbackContext  *context)
{
  guint depth = depth_of (context);

  /* in a map, the top level counts items, not nodes */
  if (depth == 0 && self->mapping)
    return;
  advance (self, depth);
}

static void
progress_node_end (HnCallback         *callback,
                   HnNode             *node,
                   gint64              item,
                   GVariant           *result,
                   double              duration,
                   HnCallbackContext  *context)
{
  progress_node_done (HN_PROGRESS_CALLBACK (callback), context);
}

static void
progress_node_cached (HnCallback         *callback,
                      HnNode             *node,
                      gint64              item,
                      const char         *signature,
                      HnCallbackContext  *context)
{
  progress_node_done (HN_PROGRESS_CALLBACK (callback), context);
}

static void
progress_nested_start (HnCallback         *callback,
                       HnNode             *node,
                       gint64              item,
                       HnCallbackContext  *context)
{
  start_level (HN_PROGRESS_CALLBACK (callback), depth_of (context), hn_node_get_name (node), 0);
}

static void
progress_end (HnProgressCallback *self,
              gboolean            done)
{
  hn_mutex_lock (&self->lock);
  self->last_draw = 0;
  if (self->levels->len > 0)
    {
      Level *top = &g_array_index (self->levels, Level, 0);

      /* a run of some outputs runs fewer nodes than the pipeline has: done is done */
      if (done && !self->mapping)
        top->total = top->completed;
      g_array_set_size (self->levels, 1);
      if (self->terminal)
        draw (self, TRUE);
      changed (self, TRUE);
    }
  hn_mutex_unlock (&self->lock);
}

static void
progress_pipeline_end (HnCallback         *callback,
                       HnPipeline         *pipeline,
                       GVariant           *outputs,
                       double              duration,
                       HnCallbackContext  *context)
{
  if (depth_of (context) == 0)
    progress_end (HN_PROGRESS_CALLBACK (callback), outputs != NULL);
}

static void
progress_map_end (HnCallback         *callback,
                  HnPipeline         *pipeline,
                  double              duration,
                  HnCallbackContext  *context)
{
  if (depth_of (context) == 0)
    progress_end (HN_PROGRESS_CALLBACK (callback), TRUE);
}

/* In a map the top level counts items: node events are only wanted in nested runs. */
static HnCallbackEvents
progress_get_events (HnCallback *callback,
                     gboolean    is_map,
                     guint       depth)
{
  /* counts, never reads a duration */
  if (is_map && depth == 0)
    return HN_CALLBACK_EVENTS_RUNS | HN_CALLBACK_EVENTS_MAP_ITEMS | HN_CALLBACK_EVENTS_NESTED |
           HN_CALLBACK_EVENTS_UNTIMED;
  return HN_CALLBACK_EVENTS_ALL | HN_CALLBACK_EVENTS_UNTIMED;
}

static void
callback_iface_init (HnCallbackInterface *iface)
{
  iface->get_events = progress_get_events;
  iface->pipeline_start = progress_pipeline_start;
  iface->pipeline_end = progress_pipeline_end;
  iface->map_start = progress_map_start;
  iface->map_end = progress_map_end;
  iface->map_item_end = progress_item_done;
  iface->map_item_cached = progress_item_cached;
  iface->node_end = progress_node_end;
  iface->node_cached = progress_node_cached;
  iface->nested_pipeline_start = progress_nested_start;
}

static void
hn_progress_callback_finalize (GObject *object)
{
  HnProgressCallback *self = HN_PROGRESS_CALLBACK (object);

  g_array_unref (self->levels);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (hn_progress_callback_parent_class)->finalize (object);
}

static void
hn_progress_callback_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HnProgressCallback *self = HN_PROGRESS_CALLBACK (object);

  switch (prop_id)
    {
    case PROP_TERMINAL:
      g_value_set_boolean (value, self->terminal);
      break;

    case PROP_TOTAL:
      g_value_set_uint64 (value, hn_progress_callback_get_total (self));
      break;

    case PROP_COMPLETED:
      g_value_set_uint64 (value, hn_progress_callback_get_completed (self));
      break;

    case PROP_FRACTION:
      g_value_set_double (value, hn_progress_callback_get_fraction (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_progress_callback_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HnProgressCallback *self = HN_PROGRESS_CALLBACK (object);

  switch (prop_id)
    {
    case PROP_TERMINAL:
      self->terminal = g_value_get_boolean (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_progress_callback_class_init (HnProgressCallbackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hn_progress_callback_finalize;
  object_class->get_property = hn_progress_callback_get_property;
  object_class->set_property = hn_progress_callback_set_property;

  /**
   * HnProgressCallback:terminal:
   *
   * Whether to draw progress bars on standard error.
   */
  properties[PROP_TERMINAL] =
    g_param_spec_boolean ("terminal", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnProgressCallback:total:
   *
   * The items of the map, or the nodes of the run, at the top level.
   */
  properties[PROP_TOTAL] =
    g_param_spec_uint64 ("total", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * HnProgressCallback:completed:
   *
   * How many of [property@ProgressCallback:total] are done.
   */
  properties[PROP_COMPLETED] =
    g_param_spec_uint64 ("completed", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * HnProgressCallback:fraction:
   *
   * [property@ProgressCallback:completed] over [property@ProgressCallback:total], from 0 to
   * 1: what `GtkProgressBar:fraction` takes.
   */
  properties[PROP_FRACTION] =
    g_param_spec_double ("fraction", NULL, NULL,
                         0.0, 1.0, 0.0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hn_progress_callback_init (HnProgressCallback *self)
{
  g_mutex_init (&self->lock);
  self->levels = g_array_new (FALSE, TRUE, sizeof (Level));
  g_array_set_clear_func (self->levels, level_clear);
  self->context = g_main_context_ref_thread_default ();
}

/**
 * hn_progress_callback_new:
 * @terminal: whether to draw progress bars on standard error
 *
 * Creates a progress callback whose properties are notified on the thread-default main context
 * of the caller.
 *
 * Returns: (transfer full) (type HnProgressCallback): a new [class@ProgressCallback]
 */
HnCallback *
hn_progress_callback_new (gboolean terminal)
{
  return g_object_new (HN_TYPE_PROGRESS_CALLBACK, "terminal", terminal, NULL);
}

/**
 * hn_progress_callback_get_total:
 * @self: a [class@ProgressCallback]
 *
 * Gets the total.
 *
 * Returns: the value of [property@ProgressCallback:total]
 */
guint64
hn_progress_callback_get_total (HnProgressCallback *self)
{
  guint64 total;

  g_return_val_if_fail (HN_IS_PROGRESS_CALLBACK (self), 0);

  hn_mutex_lock (&self->lock);
  total = self->total;
  hn_mutex_unlock (&self->lock);
  return total;
}

/**
 * hn_progress_callback_get_completed:
 * @self: a [class@ProgressCallback]
 *
 * Gets how much is done.
 *
 * Returns: the value of [property@ProgressCallback:completed]
 */
guint64
hn_progress_callback_get_completed (HnProgressCallback *self)
{
  guint64 completed;

  g_return_val_if_fail (HN_IS_PROGRESS_CALLBACK (self), 0);

  hn_mutex_lock (&self->lock);
  completed = self->completed;
  hn_mutex_unlock (&self->lock);
  return completed;
}

/**
 * hn_progress_callback_get_fraction:
 * @self: a [class@ProgressCallback]
 *
 * Gets the fraction done.
 *
 * Returns: the value of [property@ProgressCallback:fraction]
 */
double
hn_progress_callback_get_fraction (HnProgressCallback *self)
{
  double fraction;

  g_return_val_if_fail (HN_IS_PROGRESS_CALLBACK (self), 0.0);

  hn_mutex_lock (&self->lock);
  fraction = self->total > 0 ? MIN (1.0, (double) self->completed / self->total) : 0.0;
  hn_mutex_unlock (&self->lock);
  return fraction;
}
