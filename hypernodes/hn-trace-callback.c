/* hn-trace-callback.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <unistd.h>

#include "hn-tsan-private.h"
#include "hn-callback-context.h"
#include "hn-node.h"
#include "hn-trace-callback.h"

/**
 * HnTraceCallback:
 *
 * Records every node call, map item and run as a span, and writes them to a file in the Chrome
 * trace-event JSON format, which [Perfetto](https://ui.perfetto.dev) and `chrome://tracing`
 * open: one track per thread that did work. The file is written when a top-level run or map
 * ends, or with [method@TraceCallback.write].
 */

typedef struct
{
  char   *name;
  char   *category;
  gint64  start;     /* µs, monotonic */
  gint64  duration;  /* µs */
  guint   tid;
  gint64  item;
} Span;

struct _HnTraceCallback
{
  GObject  parent_instance;
  char    *path;
  GMutex   lock;
  GArray  *spans;
  gint64   origin;
};

enum {
  PROP_0,
  PROP_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void callback_iface_init (HnCallbackInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HnTraceCallback, hn_trace_callback, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_CALLBACK, callback_iface_init))

static void
span_clear (gpointer data)
{
  Span *span = data;

  g_free (span->name);
  g_free (span->category);
}

/* A small number per thread: the track of the trace. */
static guint
thread_track (void)
{
  static GPrivate track;
  static gint next = 1;
  guint id = GPOINTER_TO_UINT (g_private_get (&track));

  if (id == 0)
    {
      id = (guint) g_atomic_int_add (&next, 1);
      g_private_set (&track, GUINT_TO_POINTER (id));
    }
  return id;
}

static void
add_span (HnTraceCallback *self,
          const char      *name,
          const char      *category,
          double           duration,
          gint64           item)
{
  gint64 now = g_get_monotonic_time ();
  gint64 dur = (gint64) (duration * G_USEC_PER_SEC);
  Span span = { g_strdup (name), g_strdup (category), now - dur, dur, thread_track (), item };

  hn_mutex_lock (&self->lock);
  g_array_append_val (self->spans, span);
  hn_mutex_unlock (&self->lock);
}

static void
trace_node_end (HnCallback         *callback,
                HnNode             *node,
                gint64              item,
                GVariant           *result,
                double              duration,
                HnCallbackContext  *context)
{
  add_span (HN_TRACE_CALLBACK (callback), hn_node_get_name (node), "node", duration, item);
}

static void
trace_map_item_end (HnCallback         *callback,
                    guint64             index,
                    double              duration,
                    HnCallbackContext  *context)
{
  g_autofree char *name = g_strdup_printf ("item %" G_GUINT64_FORMAT, index);

  add_span (HN_TRACE_CALLBACK (callback), name, "item", duration, (gint64) index);
}

static void
trace_nested_end (HnCallback         *callback,
                  HnNode             *node,
                  gint64              item,
                  double              duration,
                  HnCallbackContext  *context)
{
  add_span (HN_TRACE_CALLBACK (callback), hn_node_get_name (node), "pipeline", duration, item);
}

static void
write_at_end (HnTraceCallback   *self,
              const char        *name,
              double             duration,
              HnCallbackContext *context)
{
  g_autoptr(GError) error = NULL;

  add_span (self, name, "run", duration, -1);
  if (hn_callback_context_get_depth (context) == 0 && !hn_trace_callback_write (self, &error))
    g_warning ("Cannot write the trace to %s: %s", self->path, error->message);
}

static void
trace_map_end (HnCallback         *callback,
               HnPipeline         *pipeline,
               double              duration,
               HnCallbackContext  *context)
{
  write_at_end (HN_TRACE_CALLBACK (callback), "map", duration, context);
}

static void
trace_pipeline_end (HnCallback         *callback,
                    HnPipeline         *pipeline,
                    GVariant           *outputs,
                    double              duration,
                    HnCallbackContext  *context)
{
  write_at_end (HN_TRACE_CALLBACK (callback), "run", duration, context);
}

static void
callback_iface_init (HnCallbackInterface *iface)
{
  iface->node_end = trace_node_end;
  iface->map_item_end = trace_map_item_end;
  iface->nested_pipeline_end = trace_nested_end;
  iface->map_end = trace_map_end;
  iface->pipeline_end = trace_pipeline_end;
}

static void
append_json_string (GString    *out,
                    const char *s)
{
  g_string_append_c (out, '"');
  for (const char *p = s; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", c);
      else if (c < 0x20)
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_c (out, (char) c);
    }
  g_string_append_c (out, '"');
}

/**
 * hn_trace_callback_write:
 * @self: a [class@TraceCallback]
 * @error: return location for a [struct@GLib.Error]
 *
 * Writes every span recorded so far to [property@TraceCallback:path], replacing the file.
 *
 * Returns: %TRUE if the file was written
 */
gboolean
hn_trace_callback_write (HnTraceCallback  *self,
                         GError          **error)
{
  g_autoptr(GString) out = g_string_new ("{\"displayTimeUnit\": \"ms\", \"traceEvents\": [\n");
  g_autoptr(GHashTable) tracks = g_hash_table_new (NULL, NULL);
  int pid = (int) getpid ();
  GHashTableIter iter;
  gpointer tid;

  g_return_val_if_fail (HN_IS_TRACE_CALLBACK (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  hn_mutex_lock (&self->lock);
  for (guint i = 0; i < self->spans->len; i++)
    {
      Span *span = &g_array_index (self->spans, Span, i);

      g_string_append (out, "  {\"name\": ");
      append_json_string (out, span->name);
      g_string_append_printf (out, ", \"cat\": \"%s\", \"ph\": \"X\", \"pid\": %d, \"tid\": %u, "
                              "\"ts\": %" G_GINT64_FORMAT ", \"dur\": %" G_GINT64_FORMAT,
                              span->category, pid, span->tid, span->start - self->origin,
                              span->duration);
      if (span->item >= 0)
        g_string_append_printf (out, ", \"args\": {\"item\": %" G_GINT64_FORMAT "}", span->item);
      g_string_append (out, "},\n");
      g_hash_table_add (tracks, GUINT_TO_POINTER (span->tid));
    }
  hn_mutex_unlock (&self->lock);

  /* names for the tracks */
  g_hash_table_iter_init (&iter, tracks);
  while (g_hash_table_iter_next (&iter, &tid, NULL))
    g_string_append_printf (out, "  {\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": %d, "
                            "\"tid\": %u, \"args\": {\"name\": \"thread %u\"}},\n",
                            pid, GPOINTER_TO_UINT (tid), GPOINTER_TO_UINT (tid));
  g_string_append_printf (out, "  {\"name\": \"process_name\", \"ph\": \"M\", \"pid\": %d, "
                          "\"args\": {\"name\": \"hypernodes\"}}\n]}\n", pid);

  return g_file_set_contents_full (self->path, out->str, out->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

static void
hn_trace_callback_finalize (GObject *object)
{
  HnTraceCallback *self = HN_TRACE_CALLBACK (object);

  g_free (self->path);
  g_array_unref (self->spans);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (hn_trace_callback_parent_class)->finalize (object);
}

static void
hn_trace_callback_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HnTraceCallback *self = HN_TRACE_CALLBACK (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_trace_callback_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HnTraceCallback *self = HN_TRACE_CALLBACK (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_trace_callback_constructed (GObject *object)
{
  HnTraceCallback *self = HN_TRACE_CALLBACK (object);

  G_OBJECT_CLASS (hn_trace_callback_parent_class)->constructed (object);

  if (self->path == NULL)
    self->path = g_strdup ("hypernodes-trace.json");
}

static void
hn_trace_callback_class_init (HnTraceCallbackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hn_trace_callback_constructed;
  object_class->finalize = hn_trace_callback_finalize;
  object_class->get_property = hn_trace_callback_get_property;
  object_class->set_property = hn_trace_callback_set_property;

  /**
   * HnTraceCallback:path:
   *
   * The file the trace is written to; `hypernodes-trace.json` when none is given.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hn_trace_callback_init (HnTraceCallback *self)
{
  g_mutex_init (&self->lock);
  self->spans = g_array_new (FALSE, FALSE, sizeof (Span));
  g_array_set_clear_func (self->spans, span_clear);
  self->origin = g_get_monotonic_time ();
}

/**
 * hn_trace_callback_new:
 * @path: (type filename) (nullable): the file to write, or %NULL for `hypernodes-trace.json`
 *
 * Creates a trace callback.
 *
 * Returns: (transfer full) (type HnTraceCallback): a new [class@TraceCallback]
 */
HnCallback *
hn_trace_callback_new (const char *path)
{
  return g_object_new (HN_TYPE_TRACE_CALLBACK, "path", path, NULL);
}

/**
 * hn_trace_callback_get_path:
 * @self: a [class@TraceCallback]
 *
 * Gets the path.
 *
 * Returns: (type filename): the file the trace is written to
 */
const char *
hn_trace_callback_get_path (HnTraceCallback *self)
{
  g_return_val_if_fail (HN_IS_TRACE_CALLBACK (self), NULL);
  return self->path;
}
