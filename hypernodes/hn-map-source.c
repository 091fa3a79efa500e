/* hn-map-source.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "hn-map-source-private.h"
#include "hn-tsan-private.h"

/* The values of a host column, made a chunk at a time on first use: lock-free, as the host
 * language's hook may wait for a lock of its own (Python's GIL) that a thread waiting here could
 * hold; threads that make the same chunk at once keep the first one made. */
#define HOST_CHUNK 1024

typedef struct
{
  HnHostColumn  *column;   /* NULL for a column that is not a host column */
  HnValue     ***chunks;
  gsize          n_chunks;
} HostValues;

struct _HnMapSource
{
  gatomicrefcount   ref_count;
  GVariant         *items;      /* aa{sv}: given, or made from the columns on demand */
  GMutex            items_lock;
  guint             n_columns;
  char            **names;
  int              *slots;
  GVariant        **columns;
  HnValue        ***value_columns;  /* per column, NULL or the values a bridge gave */
  HostValues       *hosts;          /* per column: the host column a bridge gave, if any */
  gsize            *lengths;
  HnMapMode         mode;
  gsize             n_items;
};

HnMapSource *
_hn_map_source_new_items (GVariant *items)
{
  HnMapSource *source = g_new0 (HnMapSource, 1);

  g_atomic_ref_count_init (&source->ref_count);
  g_mutex_init (&source->items_lock);
  source->items = g_variant_ref_sink (items);
  source->n_items = g_variant_is_of_type (items, G_VARIANT_TYPE ("aa{sv}"))
    ? g_variant_n_children (items) : 0;
  return source;
}

static void
free_values (HnValue **values,
             gsize     n)
{
  for (gsize i = 0; i < n; i++)
    _hn_value_unref (values[i]);
  g_free (values);
}

static void
host_values_init (HostValues   *host,
                  HnHostColumn *column)
{
  host->column = _hn_host_column_ref (column);
  host->n_chunks = (column->length + HOST_CHUNK - 1) / HOST_CHUNK;
  host->chunks = g_new0 (HnValue **, MAX (host->n_chunks, 1));
}

static void
host_values_clear (HostValues *host)
{
  if (host->column == NULL)
    return;
  for (gsize k = 0; k < host->n_chunks; k++)
    if (host->chunks[k] != NULL)
      free_values (host->chunks[k], MIN (HOST_CHUNK, host->column->length - k * HOST_CHUNK));
  g_free (host->chunks);
  _hn_host_column_unref (host->column);
}

/* Value @index of a host column (borrowed). */
static HnValue *
host_value (HostValues *host,
            gsize       index)
{
  gsize k = index / HOST_CHUNK, first = k * HOST_CHUNK;
  HnValue **values = g_atomic_pointer_get (&host->chunks[k]);

  if (values == NULL)
    {
      gsize n = MIN (HOST_CHUNK, host->column->length - first);

      values = g_new (HnValue *, n);
      _hn_host_column_values (host->column, first, n, values);
      if (!g_atomic_pointer_compare_and_exchange (&host->chunks[k], NULL, values))
        {
          /* another thread made them first */
          free_values (values, n);
          values = g_atomic_pointer_get (&host->chunks[k]);
        }
    }
  return values[index - first];
}

HnMapSource *
_hn_map_source_ref (HnMapSource *source)
{
  hn_ref_count_inc (&source->ref_count);
  return source;
}

void
_hn_map_source_unref (HnMapSource *source)
{
  if (!hn_ref_count_dec (&source->ref_count))
    return;

  for (guint c = 0; c < source->n_columns; c++)
    {
      if (source->columns[c] != NULL)
        g_variant_unref (source->columns[c]);
      if (source->value_columns != NULL && source->value_columns[c] != NULL)
        free_values (source->value_columns[c], source->lengths[c]);
      if (source->hosts != NULL)
        host_values_clear (&source->hosts[c]);
    }
  g_free (source->columns);
  g_free (source->value_columns);
  g_free (source->hosts);
  g_free (source->slots);
  g_free (source->lengths);
  g_strfreev (source->names);
  g_clear_pointer (&source->items, g_variant_unref);
  g_mutex_clear (&source->items_lock);
  g_free (source);
}

gsize
_hn_map_source_get_n_items (HnMapSource *source)
{
  return source->n_items;
}

/* Element @index of the item list, for columns: the zip index, or the digits of @index in the
 * mixed radix of the column lengths (last column fastest) for a product. */
static HnValue *
column_value (HnMapSource *source,
              guint        column,
              gsize        index)
{
  GVariant *element;
  gsize idx = index;

  if (source->mode == HN_MAP_MODE_PRODUCT)
    {
      for (guint c = source->n_columns - 1; c > column; c--)
        idx /= source->lengths[c];
      idx %= source->lengths[column];
    }
  if (source->hosts != NULL && source->hosts[column].column != NULL)
    return _hn_value_ref (host_value (&source->hosts[column], idx));
  if (source->value_columns != NULL && source->value_columns[column] != NULL)
    return _hn_value_ref (source->value_columns[column][idx]);

  element = g_variant_get_child_value (source->columns[column], idx);
  /* mixed-type lists arrive as "av": map over the values, not the boxes */
  if (g_variant_is_of_type (element, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *inner = g_variant_get_variant (element);
      g_variant_unref (element);
      element = inner;
    }
  return (HnValue *) element;
}

GVariant *
_hn_map_source_get_items (HnMapSource *source)
{
  GVariant *built = NULL;
  GVariant *items_of_source;

  hn_mutex_lock (&source->items_lock);
  items_of_source = source->items;
  hn_mutex_unlock (&source->items_lock);

  /* built without the lock: host values convert with their language's locks (the GIL);
   * threads that ask at once each build them, and keep the first ones made */
  if (items_of_source == NULL)
    {
      g_autofree GVariant **items = g_new (GVariant *, MAX (source->n_items, 1));
      g_autofree GVariant **entries = g_new (GVariant *, source->n_columns);

      for (gsize i = 0; i < source->n_items; i++)
        {
          for (guint c = 0; c < source->n_columns; c++)
            {
              HnValue *element = column_value (source, c, i);
              g_autoptr(GError) error = NULL;
              GVariant *value = _hn_value_to_variant (element, NULL, &error);

              _hn_value_unref (element);
              /* hn_run_check() fails on such values before an engine asks for the items; a
               * caller that skipped it gets an empty maybe in place of the value */
              if (value == NULL)
                {
                  g_warning ("Item %" G_GSIZE_FORMAT " of “%s” cannot become data: %s", i,
                             source->names[c], error->message);
                  value = g_variant_ref_sink (g_variant_new_maybe (G_VARIANT_TYPE_UNIT, NULL));
                }
              entries[c] = g_variant_new_dict_entry (g_variant_new_string (source->names[c]),
                                                     g_variant_new_variant (value));
              g_variant_unref (value);
            }
          items[i] = g_variant_new_array (G_VARIANT_TYPE ("{sv}"), entries, source->n_columns);
        }
      built = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARDICT, items,
                                                       source->n_items));
    }

  hn_mutex_lock (&source->items_lock);
  if (source->items == NULL)
    source->items = g_steal_pointer (&built);
  items_of_source = source->items;
  hn_mutex_unlock (&source->items_lock);
  g_clear_pointer (&built, g_variant_unref);  /* another thread made them first */

  return items_of_source;
}

static void
unref_column (gpointer column)
{
  if (column != NULL)
    g_variant_unref (column);
}

HnMapSource *
_hn_map_source_new_columns (HnGraph             *graph,
                            GVariant            *inputs,
                            GVariant            *bound,
                            const char * const  *map_over,
                            HnValue * const * const *value_columns,
                            const gsize         *value_lengths,
                            HnHostColumn * const *host_columns,
                            HnMapMode            mode,
                            GVariant           **shared,
                            GError             **error)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func (unref_column);
  g_autofree gsize *lengths = NULL;
  HnMapSource *source;
  GVariantBuilder rest;
  GVariantIter iter;
  const char *key;
  GVariant *value;
  guint n_columns;
  gsize n_items;

  if (mode != HN_MAP_MODE_ZIP && mode != HN_MAP_MODE_PRODUCT)
    {
      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                   _("Unknown map mode %d: use HN_MAP_MODE_ZIP or HN_MAP_MODE_PRODUCT"),
                   (int) mode);
      return NULL;
    }
  if (map_over == NULL || map_over[0] == NULL)
    {
      g_set_error_literal (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                           _("A map needs at least one mapped input"));
      return NULL;
    }
  if (!_hn_frame_check_dict (inputs, _("The inputs"), error))
    return NULL;

  n_columns = g_strv_length ((char **) map_over);
  lengths = g_new (gsize, n_columns);
  for (guint m = 0; m < n_columns; m++)
    {
      const char *name = map_over[m];
      GVariant *array;

      if (!g_utf8_validate (name, -1, NULL))
        {
          g_set_error_literal (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT,
                               _("A mapped input name is not valid UTF-8"));
          return NULL;
        }
      if (!g_strv_contains ((const char * const *) graph->root_inputs, name))
        {
          g_autofree char *known = g_strjoinv (", ", graph->root_inputs);
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT,
                       _("Cannot map over “%s”: it is not an input of the pipeline (inputs: %s)"),
                       name, known);
          return NULL;
        }
      for (guint k = 0; k < m; k++)
        if (g_str_equal (map_over[k], name))
          {
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                         _("“%s” is mapped over twice"), name);
            return NULL;
          }

      if (value_columns != NULL && value_columns[m] != NULL)
        {
          g_ptr_array_add (columns, NULL);
          lengths[m] = value_lengths[m];
          continue;
        }
      if (host_columns != NULL && host_columns[m] != NULL)
        {
          g_ptr_array_add (columns, NULL);
          lengths[m] = host_columns[m]->length;
          continue;
        }

      array = inputs ? g_variant_lookup_value (inputs, name, NULL) : NULL;
      if (array == NULL && bound != NULL)
        array = g_variant_lookup_value (bound, name, NULL);
      if (array == NULL)
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT,
                       _("Missing mapped input “%s”"), name);
          return NULL;
        }
      g_ptr_array_add (columns, array);
      if (!g_variant_is_of_type (array, G_VARIANT_TYPE_ARRAY))
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MAP_NOT_ARRAY,
                       _("Mapped input “%s” must be an array, not a value of type “%s”"),
                       name, g_variant_get_type_string (array));
          return NULL;
        }
      lengths[m] = g_variant_n_children (array);
    }

  if (mode == HN_MAP_MODE_ZIP)
    {
      n_items = lengths[0];
      for (guint m = 1; m < n_columns; m++)
        if (lengths[m] != n_items)
          {
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MAP_LENGTH_MISMATCH,
                         _("A zip map needs mapped inputs of equal length, but “%s” has %zu "
                           "items and “%s” has %zu"),
                         map_over[0], n_items, map_over[m], lengths[m]);
            return NULL;
          }
    }
  else
    {
      n_items = 1;
      for (guint m = 0; m < n_columns; m++)
        {
          if (lengths[m] != 0 && n_items > G_MAXINT32 / lengths[m])
            {
              g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                           _("A product map of these inputs has too many items"));
              return NULL;
            }
          n_items *= lengths[m];
        }
    }

  /* the shared values: bound ones first, so that given inputs override them */
  g_variant_builder_init (&rest, G_VARIANT_TYPE_VARDICT);
  for (guint d = 0; d < 2; d++)
    {
      GVariant *dict = d == 0 ? bound : inputs;

      if (dict == NULL)
        continue;
      g_variant_iter_init (&iter, dict);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
        {
          if (!g_strv_contains (map_over, key) &&
              (d == 1 || inputs == NULL || !g_variant_lookup (inputs, key, "*", NULL)))
            g_variant_builder_add (&rest, "{sv}", key, value);
          g_variant_unref (value);
        }
    }
  *shared = g_variant_ref_sink (g_variant_builder_end (&rest));

  source = g_new0 (HnMapSource, 1);
  g_atomic_ref_count_init (&source->ref_count);
  g_mutex_init (&source->items_lock);
  source->n_columns = n_columns;
  source->names = g_strdupv ((char **) map_over);
  source->slots = g_new (int, n_columns);
  for (guint m = 0; m < n_columns; m++)
    source->slots[m] = _hn_graph_lookup_slot (graph, map_over[m]);
  source->columns = (GVariant **) g_ptr_array_steal (columns, NULL);
  if (value_columns != NULL)
    source->value_columns = g_new0 (HnValue **, n_columns);
  if (host_columns != NULL)
    source->hosts = g_new0 (HostValues, n_columns);
  for (guint m = 0; m < n_columns; m++)
    if (value_columns != NULL && value_columns[m] != NULL)
      {
        source->value_columns[m] = g_new (HnValue *, MAX (value_lengths[m], 1));
        for (gsize i = 0; i < value_lengths[m]; i++)
          source->value_columns[m][i] = _hn_value_ref (value_columns[m][i]);
      }
    else if (host_columns != NULL && host_columns[m] != NULL)
      host_values_init (&source->hosts[m], host_columns[m]);
  source->lengths = g_steal_pointer (&lengths);
  source->mode = mode;
  source->n_items = n_items;
  return source;
}


gboolean
_hn_map_source_check (HnMapSource  *source,
                      GError      **error)
{
  /* given items (columns make theirs, an aa{sv}, on demand) */
  if (source->n_columns == 0 && !g_variant_is_of_type (source->items, G_VARIANT_TYPE ("aa{sv}")))
    {
      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                   _("The items of a map must be an array of dictionaries, type “aa{sv}”, "
                     "not “%s”"),
                   g_variant_get_type_string (source->items));
      return FALSE;
    }
  return TRUE;
}

gboolean
_hn_map_source_load_item_slots (HnMapSource  *source,
                                HnGraph      *graph,
                                gsize         index,
                                const int    *slots,
                                guint         n_slots,
                                HnValue     **frame,
                                GError      **error)
{
  if (source->n_columns == 0)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (source->items, index);

      return _hn_frame_load_dict (graph, item, (gint64) index, HN_FRAME_LOAD_LENIENT, frame,
                                  error);
    }

  for (guint c = 0; c < source->n_columns; c++)
    {
      int slot = source->slots[c];
      HnValue *value;
      gboolean wanted = slots == NULL;

      for (guint k = 0; !wanted && k < n_slots; k++)
        wanted = slots[k] == slot;
      if (!wanted)
        continue;
      value = _hn_graph_take_root_value (graph, slot, column_value (source, c, index),
                                         (gint64) index, error);
      if (value == NULL)
        return FALSE;
      _hn_frame_set (frame, slot, value);
    }
  return TRUE;
}

gboolean
_hn_map_source_load_item (HnMapSource  *source,
                          HnGraph      *graph,
                          gsize         index,
                          HnValue     **frame,
                          GError      **error)
{
  return _hn_map_source_load_item_slots (source, graph, index, NULL, 0, frame, error);
}

HnHostColumn *
_hn_map_source_get_host_column (HnMapSource *source,
                                const char  *name)
{
  /* in a product of several columns, an item is not the element of the same index */
  if (source->hosts == NULL ||
      (source->mode == HN_MAP_MODE_PRODUCT && source->n_columns > 1))
    return NULL;
  for (guint c = 0; c < source->n_columns; c++)
    if (g_str_equal (source->names[c], name))
      return source->hosts[c].column;
  return NULL;
}

gboolean
_hn_map_source_items_alike (HnMapSource *source,
                            HnGraph     *graph)
{
  /* columns give every item the same names; only a declared type checks a value */
  if (source->n_columns == 0)
    return FALSE;
  for (guint c = 0; c < source->n_columns; c++)
    if (source->slots[c] >= 0 && graph->root_checks[source->slots[c]] != NULL)
      return FALSE;
  return TRUE;
}

gboolean
_hn_map_source_check_values (HnMapSource  *source,
                             GError      **error)
{
  for (guint c = 0; c < source->n_columns; c++)
    {
      HostValues *host = source->hosts != NULL && source->hosts[c].column != NULL
        ? &source->hosts[c] : NULL;
      HnValue **values = source->value_columns != NULL ? source->value_columns[c] : NULL;

      for (gsize i = 0; (host != NULL || values != NULL) && i < source->lengths[c]; i++)
        {
          g_autoptr(GVariant) v = NULL;
          GError *local = NULL;

          v = _hn_value_to_variant (host != NULL ? host_value (host, i) : values[i], NULL,
                                    &local);
          if (v == NULL)
            {
              g_propagate_prefixed_error (error, local,
                                          _("Item %llu of mapped input “%s” cannot be sent to "
                                            "the executor: "),
                                          (unsigned long long) i, source->names[c]);
              return FALSE;
            }
        }
    }
  return TRUE;
}

HnMapSource *
_hn_map_source_for_graph (HnMapSource *source,
                          HnGraph     *graph)
{
  HnMapSource *copy;

  if (source->n_columns == 0)
    return _hn_map_source_new_items (source->items);

  copy = g_new0 (HnMapSource, 1);
  g_atomic_ref_count_init (&copy->ref_count);
  g_mutex_init (&copy->items_lock);
  hn_mutex_lock (&source->items_lock);
  copy->items = source->items ? g_variant_ref (source->items) : NULL;
  hn_mutex_unlock (&source->items_lock);
  copy->n_columns = source->n_columns;
  copy->names = g_strdupv (source->names);
  copy->slots = g_new (int, source->n_columns);
  copy->columns = g_new0 (GVariant *, source->n_columns);
  copy->lengths = g_memdup2 (source->lengths, sizeof (gsize) * source->n_columns);
  if (source->value_columns != NULL)
    copy->value_columns = g_new0 (HnValue **, source->n_columns);
  if (source->hosts != NULL)
    copy->hosts = g_new0 (HostValues, source->n_columns);
  for (guint c = 0; c < source->n_columns; c++)
    {
      copy->slots[c] = _hn_graph_lookup_slot (graph, source->names[c]);
      if (source->columns[c] != NULL)
        copy->columns[c] = g_variant_ref (source->columns[c]);
      if (source->hosts != NULL && source->hosts[c].column != NULL)
        host_values_init (&copy->hosts[c], source->hosts[c].column);  /* values of its own */
      else if (source->value_columns != NULL && source->value_columns[c] != NULL)
        {
          copy->value_columns[c] = g_new (HnValue *, MAX (source->lengths[c], 1));
          for (gsize i = 0; i < source->lengths[c]; i++)
            copy->value_columns[c][i] = _hn_value_ref (source->value_columns[c][i]);
        }
    }
  copy->mode = source->mode;
  copy->n_items = source->n_items;
  return copy;
}
