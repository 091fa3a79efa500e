/* hn-frame.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "hn-error.h"
#include "hn-frame-private.h"

HnValue **
_hn_frame_new (HnGraph *graph)
{
  return g_new0 (HnValue *, MAX (graph->n_slots, 1));
}

void
_hn_frame_clear (HnGraph  *graph,
                 HnValue **frame)
{
  for (guint s = 0; s < graph->n_slots; s++)
    if (frame[s] != NULL)
      {
        _hn_value_unref (frame[s]);
        frame[s] = NULL;
      }
}

void
_hn_frame_free (HnGraph  *graph,
                HnValue **frame)
{
  if (frame == NULL)
    return;
  _hn_frame_clear (graph, frame);
  g_free (frame);
}

gboolean
_hn_frame_check_dict (GVariant    *value,
                      const char  *what,
                      GError     **error)
{
  if (value == NULL || g_variant_is_of_type (value, G_VARIANT_TYPE_VARDICT))
    return TRUE;

  g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
               _("%s must be a dictionary of type “a{sv}”, not “%s”"),
               what, g_variant_get_type_string (value));
  return FALSE;
}

static gboolean
unknown_input_error (HnGraph     *graph,
                     const char  *name,
                     gint64       item,
                     GError     **error)
{
  g_autofree char *known = g_strjoinv (", ", graph->root_inputs);
  int slot = _hn_graph_lookup_slot (graph, name);

  if (slot >= 0 && graph->producer[slot] >= 0)
    g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT,
                 _("“%s” is produced by node “%s” and cannot be given as an input "
                   "(inputs: %s)"),
                 name, graph->nodes[graph->producer[slot]].name, known);
  else if (item >= 0)
    g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT,
                 _("Item %lld has “%s”, which is not an input of the pipeline "
                   "(inputs: %s)"),
                 (long long) item, name, known);
  else
    g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT,
                 _("“%s” is not an input of the pipeline (inputs: %s)"), name, known);
  return FALSE;
}

gboolean
_hn_frame_load_dict (HnGraph      *graph,
                     GVariant     *dict,
                     gint64        item,
                     HnFrameLoad   mode,
                     HnValue     **frame,
                     GError      **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (dict == NULL)
    return TRUE;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      int slot = _hn_graph_lookup_slot (graph, key);

      if (slot < 0 || graph->producer[slot] >= 0)
        {
          g_variant_unref (value);
          if (slot < 0 && mode == HN_FRAME_LOAD_LENIENT)
            continue;
          return unknown_input_error (graph, key, item, error);
        }
      if (!_hn_graph_check_root_value (graph, slot, value, item, error))
        {
          g_variant_unref (value);
          return FALSE;
        }
      _hn_frame_set (frame, slot, (HnValue *) value);
    }

  return TRUE;
}

gboolean
_hn_frame_load_values (HnGraph            *graph,
                       const HnValueDict  *dict,
                       gint64              item,
                       HnValue           **frame,
                       GError            **error)
{
  if (dict == NULL)
    return TRUE;

  for (guint i = 0; i < dict->n_values; i++)
    {
      int slot = _hn_graph_lookup_slot (graph, dict->names[i]);
      HnValue *value = dict->values[i];

      if (slot < 0)
        continue;
      if (graph->producer[slot] >= 0)
        return unknown_input_error (graph, dict->names[i], item, error);
      value = _hn_graph_take_root_value (graph, slot, _hn_value_ref (value), item, error);
      if (value == NULL)
        return FALSE;
      _hn_frame_set (frame, slot, value);
    }
  return TRUE;
}

gboolean
_hn_frame_check_missing (HnGraph       *graph,
                         const HnPlan  *plan,
                         HnValue      **frame,
                         gint64         item,
                         GError       **error)
{
  g_autoptr(GString) missing = NULL;
  guint n_missing = 0;

  for (guint r = 0; r < plan->n_roots; r++)
    if (frame[plan->root_slots[r]] == NULL && !plan->root_optional[r])
      {
        if (missing == NULL)
          missing = g_string_new (NULL);
        else
          g_string_append (missing, ", ");
        g_string_append_printf (missing, "“%s”", graph->slot_names[plan->root_slots[r]]);
        n_missing++;
      }

  if (n_missing == 0)
    return TRUE;

  if (item >= 0)
    g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT,
                 g_dngettext (GETTEXT_PACKAGE, "Item %lld lacks input %s", "Item %lld lacks inputs %s",
                              n_missing),
                 (long long) item, missing->str);
  else
    g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT,
                 g_dngettext (GETTEXT_PACKAGE, "Missing input %s", "Missing inputs %s",
                              n_missing),
                 missing->str);
  return FALSE;
}


GVariant *
_hn_frame_collect (HnGraph       *graph,
                   const HnPlan  *plan,
                   HnValue      **frame,
                   gint64         item,
                   GError       **error)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint o = 0; o < plan->n_outputs; o++)
    {
      guint slot = plan->output_slots[o];
      g_autoptr(GError) local = NULL;
      GVariant *value;

      if (!_hn_value_is_host (frame[slot]))
        {
          g_variant_builder_add (&builder, "{sv}", graph->slot_names[slot],
                                 (GVariant *) frame[slot]);
          continue;
        }
      value = _hn_value_to_variant (frame[slot], NULL, &local);
      if (value == NULL)
        {
          g_variant_builder_clear (&builder);
          if (item >= 0)
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                         _("Output “%s” of item %lld cannot be returned as a GVariant: %s "
                           "(use the API of the language that made it, or give the port a "
                           "type)"),
                         graph->slot_names[slot], (long long) item, local->message);
          else
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                         _("Output “%s” cannot be returned as a GVariant: %s (use the API of "
                           "the language that made it, or give the port a type)"),
                         graph->slot_names[slot], local->message);
          return NULL;
        }
      g_variant_builder_add (&builder, "{sv}", graph->slot_names[slot], value);
      g_variant_unref (value);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

void
_hn_frame_keep (const HnPlan  *plan,
                HnValue      **frame,
                HnValue      **values)
{
  for (guint o = 0; o < plan->n_outputs; o++)
    values[o] = _hn_value_ref (frame[plan->output_slots[o]]);
}
