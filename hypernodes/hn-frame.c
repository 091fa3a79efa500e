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

GVariant **
_hn_frame_new (HnGraph *graph)
{
  return g_new0 (GVariant *, MAX (graph->n_slots, 1));
}

void
_hn_frame_clear (HnGraph   *graph,
                 GVariant **frame)
{
  for (guint s = 0; s < graph->n_slots; s++)
    g_clear_pointer (&frame[s], g_variant_unref);
}

void
_hn_frame_free (HnGraph   *graph,
                GVariant **frame)
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
                     GVariant    **frame,
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
      if (frame[slot] != NULL)
        g_variant_unref (frame[slot]);
      frame[slot] = value;
    }

  return TRUE;
}

gboolean
_hn_frame_check_missing (HnGraph       *graph,
                         const HnPlan  *plan,
                         GVariant     **frame,
                         gint64         item,
                         GError       **error)
{
  g_autoptr(GString) missing = NULL;
  guint n_missing = 0;

  for (guint r = 0; r < plan->n_roots; r++)
    if (frame[plan->root_slots[r]] == NULL)
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
                   GVariant     **frame)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint o = 0; o < plan->n_outputs; o++)
    {
      guint slot = plan->output_slots[o];
      g_variant_builder_add (&builder, "{sv}", graph->slot_names[slot], frame[slot]);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}
