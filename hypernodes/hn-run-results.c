/* hn-run-results.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The results of a run. An executor returns data (an a{sv}, an aa{sv} for a map); a run made
 * with values keeps its results as values instead (plan->n_outputs per item), host values
 * included, or as engine glue gave them: host columns, one per output, whose values are made
 * on first use. Executors set them, language bridges read them. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "hn-error.h"
#include "hn-run-private.h"
#include "hn-value-private.h"

/* An executor's results lack output @o of @item. */
static gboolean
missing_output (HnRun   *run,
                guint    o,
                gsize    item,
                GError **error)
{
  g_set_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_ENGINE_FAILED,
               _("The executor returned no output “%s” for item %llu"),
               run->graph->slot_names[run->plan->output_slots[o]], (unsigned long long) item);
  return FALSE;
}

void
_hn_run_free_results (HnRun *run)
{
  for (guint o = 0; run->result_columns != NULL && o < run->plan_n_outputs; o++)
    _hn_host_column_unref (run->result_columns[o]);
  g_clear_pointer (&run->result_columns, g_free);
}

HnValue **
_hn_run_get_kept (HnRun *run)
{
  HnValue **kept = g_atomic_pointer_get (&run->kept);
  g_autofree HnValue **column = NULL;
  gsize n_items = run->n_kept_items;
  guint n_outputs = run->plan_n_outputs;

  if (kept != NULL || run->result_columns == NULL)
    return kept;

  /* lock-free: the host language's hook may wait for a lock of its own (Python's GIL) that
   * a thread waiting here could hold */
  kept = g_new (HnValue *, MAX (n_items * n_outputs, 1));
  column = g_new (HnValue *, MAX (n_items, 1));
  for (guint o = 0; o < n_outputs; o++)
    {
      _hn_host_column_values (run->result_columns[o], 0, n_items, column);
      for (gsize i = 0; i < n_items; i++)
        kept[i * n_outputs + o] = column[i];
    }
  if (!g_atomic_pointer_compare_and_exchange (&run->kept, NULL, kept))
    {
      for (gsize i = 0; i < n_items * n_outputs; i++)
        _hn_value_unref (kept[i]);
      g_free (kept);
      kept = g_atomic_pointer_get (&run->kept);
    }
  return kept;
}

gboolean
_hn_run_alloc_kept (HnRun   *run,
                    gsize    n_items,
                    GError **error)
{
  guint n_outputs = run->plan->n_outputs;

  g_assert (run->kept == NULL);
  if (n_outputs > 0 && n_items > G_MAXSIZE / sizeof (HnValue *) / n_outputs)
    run->kept = NULL;
  else
    run->kept = g_try_new0 (HnValue *, MAX (n_items * n_outputs, 1));
  if (run->kept == NULL)
    {
      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                   _("Cannot allocate the results of a map of %llu items"),
                   (unsigned long long) n_items);
      return FALSE;
    }
  run->n_kept_items = n_items;
  run->plan_n_outputs = n_outputs;
  return TRUE;
}

/**
 * hn_run_get_result_values: (skip)
 * @self: a run executed by [method@Run.execute_values]
 * @item: the map item, 0 for a single run
 * @n_values: (out): the number of values, that of [method@Run.dup_result_names]
 *
 * Gets the results of one item, in the order of [method@Run.dup_result_names].
 *
 * Returns: (transfer none) (array length=n_values) (nullable): the values, or %NULL if the
 *   run has no results (it failed, or has not run)
 */
HnValue * const *
hn_run_get_result_values (HnRun *self,
                          gsize  item,
                          guint *n_values)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_values != NULL, NULL);

  *n_values = 0;
  if (!_hn_run_has_kept (self) || item >= self->n_kept_items)
    return NULL;
  *n_values = self->plan->n_outputs;
  return _hn_run_get_kept (self) + item * self->plan->n_outputs;
}

static gboolean
check_n_results (HnRun   *self,
                 gsize    n_items,
                 GError **error)
{
  gsize expected = self->source != NULL ? _hn_map_source_get_n_items (self->source) : 1;

  if (n_items == expected)
    return TRUE;
  g_set_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_ENGINE_FAILED,
               _("The executor returned %llu results for %llu items"),
               (unsigned long long) n_items, (unsigned long long) expected);
  return FALSE;
}

/**
 * hn_run_set_result_values: (skip)
 * @self: a [struct@Run] being executed
 * @n_items: the number of items of the map, 1 for a single run
 * @values: (array): @n_items rows of one value per output, in the order of
 *   [method@Run.dup_result_names]
 * @error: return location for a [struct@GLib.Error]
 *
 * Gives the run its results as values, host values included, in place of the data an executor
 * returns. For engine glue: the executor then returns what the run's caller asks for, values
 * or data.
 *
 * Returns: %TRUE on success; %FALSE if the number of items is not the run's or a value is
 *   missing
 */
gboolean
hn_run_set_result_values (HnRun            *self,
                          gsize             n_items,
                          HnValue * const  *values,
                          GError          **error)
{
  guint n_outputs;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (n_items == 0 || values != NULL, FALSE);
  g_return_val_if_fail (!_hn_run_has_kept (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n_outputs = self->plan->n_outputs;
  if (!check_n_results (self, n_items, error))
    return FALSE;
  for (gsize i = 0; i < n_items * n_outputs; i++)
    if (values[i] == NULL)
      return missing_output (self, i % n_outputs, i / n_outputs, error);
  if (!_hn_run_alloc_kept (self, n_items, error))
    return FALSE;
  for (gsize i = 0; i < n_items * n_outputs; i++)
    self->kept[i] = _hn_value_ref (values[i]);
  return TRUE;
}

gboolean
_hn_run_keep_data (HnRun     *run,
                   GVariant  *result,
                   GError   **error)
{
  gsize n_items = run->source != NULL ? g_variant_n_children (result) : 1;
  guint n_outputs = run->plan->n_outputs;

  if (!check_n_results (run, n_items, error) || !_hn_run_alloc_kept (run, n_items, error))
    return FALSE;
  for (gsize i = 0; i < n_items; i++)
    {
      g_autoptr(GVariant) dict = run->source != NULL ? g_variant_get_child_value (result, i)
                                                     : g_variant_ref (result);

      for (guint o = 0; o < n_outputs; o++)
        {
          const char *name = run->graph->slot_names[run->plan->output_slots[o]];
          GVariant *value = g_variant_lookup_value (dict, name, NULL);

          if (value == NULL)
            return missing_output (run, o, run->source != NULL ? i : (gsize) MAX (run->item, 0),
                                   error);
          run->kept[i * n_outputs + o] = (HnValue *) value;
        }
    }
  return TRUE;
}

/**
 * hn_run_set_result_columns: (skip)
 * @self: a [struct@Run] being executed
 * @n_items: the number of items of the map, 1 for a single run
 * @type: the host type of the columns, with a `language` and a `column_values` function
 * @columns: (transfer full): one column of @type per output, in the order of
 *   [method@Run.dup_result_names], each holding the @n_items values of that output
 * @error: return location for a [struct@GLib.Error]
 *
 * Gives the run its results as columns of the host language, as they are, as
 * [method@Run.set_result_values] gives them as values: the run takes the columns (and frees
 * them with @type's `free`, also when it fails with @error). [method@Run.get_result_column] reads them back;
 * [method@Run.get_result_values] makes values of their objects on first use.
 *
 * Returns: %TRUE on success; %FALSE if the number of items is not the run's
 */
gboolean
hn_run_set_result_columns (HnRun            *self,
                           gsize             n_items,
                           const HnHostType *type,
                           gpointer const   *columns,
                           GError          **error)
{
  guint n_outputs;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (type != NULL && type->language != NULL && type->free != NULL &&
                        type->column_values != NULL, FALSE);
  g_return_val_if_fail (self->plan->n_outputs == 0 || columns != NULL, FALSE);
  g_return_val_if_fail (!_hn_run_has_kept (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  n_outputs = self->plan->n_outputs;
  for (guint o = 0; o < n_outputs; o++)
    g_return_val_if_fail (columns[o] != NULL, FALSE);
  if (!check_n_results (self, n_items, error))
    {
      for (guint o = 0; o < n_outputs; o++)
        type->free (columns[o]);
      return FALSE;
    }
  self->n_kept_items = n_items;
  self->plan_n_outputs = n_outputs;
  self->result_columns = g_new (HnHostColumn *, MAX (n_outputs, 1));
  for (guint o = 0; o < n_outputs; o++)
    self->result_columns[o] = _hn_host_column_new (type, columns[o], n_items);
  return TRUE;
}

/**
 * hn_run_get_result_column: (skip)
 * @self: a run executed by [method@Run.execute_values]
 * @output: the index of an output, in the order of [method@Run.dup_result_names]
 * @type: a host type
 *
 * Gets the results of output @output as the column of @type that engine glue gave
 * ([method@Run.set_result_columns]), for a bridge that reads them whole.
 *
 * Returns: (transfer none) (nullable): the column, or %NULL if the run keeps its results
 *   otherwise
 */
gpointer
hn_run_get_result_column (HnRun            *self,
                          guint             output,
                          const HnHostType *type)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (type != NULL, NULL);

  if (self->result_columns == NULL || output >= self->plan_n_outputs ||
      self->result_columns[output]->type != type)
    return NULL;
  return self->result_columns[output]->object;
}

/* The type the producer of output slot @slot declares, or NULL for any. */
static const GVariantType *
declared_type (HnGraph *graph,
               guint    slot)
{
  int producer = graph->producer[slot];
  const HnGraphNode *gn;

  if (producer < 0)
    return NULL;
  gn = &graph->nodes[producer];
  for (guint o = 0; o < gn->n_outputs; o++)
    if (gn->output_slots[o] == slot)
      return gn->output_checks[o];
  return NULL;
}

GVariant *
_hn_run_take_kept_as_data (HnRun   *run,
                           GError **error)
{
  gsize n_items = run->n_kept_items;
  guint n_outputs = run->plan->n_outputs;
  g_autofree GVariant **dicts = g_new0 (GVariant *, MAX (n_items, 1));
  HnValue **kept = _hn_run_get_kept (run);
  GVariant *result = NULL;
  gsize i;

  for (i = 0; i < n_items; i++)
    {
      GVariantBuilder builder;
      gboolean ok = TRUE;

      g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
      for (guint o = 0; ok && o < n_outputs; o++)
        {
          guint slot = run->plan->output_slots[o];
          const char *name = run->graph->slot_names[slot];
          g_autoptr(GError) local = NULL;
          /* a host value (an engine's worker sends values back as its language's objects)
           * becomes the type its producer declares */
          GVariant *value = _hn_value_to_variant (kept[i * n_outputs + o],
                                                  declared_type (run->graph, slot), &local);

          if (value == NULL)
            {
              g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                           _("Output “%s” of item %lld cannot be returned as a GVariant: %s "
                             "(use the API of the language that made it, or give the port a "
                             "type)"),
                           name, (long long) (run->source != NULL ? (gint64) i : -1),
                           local->message);
              ok = FALSE;
              break;
            }
          g_variant_builder_add (&builder, "{sv}", name, value);
          g_variant_unref (value);
        }
      if (!ok)
        {
          g_variant_builder_clear (&builder);
          break;
        }
      dicts[i] = g_variant_builder_end (&builder);
    }
  if (i == n_items)
    result = run->source != NULL
      ? g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARDICT, dicts, n_items))
      : g_variant_ref_sink (dicts[0]);
  else
    for (gsize j = 0; j < i; j++)
      g_variant_unref (g_variant_ref_sink (dicts[j]));

  for (gsize j = 0; j < n_items * n_outputs; j++)
    _hn_value_unref (kept[j]);
  g_clear_pointer (&run->kept, g_free);
  _hn_run_free_results (run);
  run->n_kept_items = 0;
  return result;
}

/**
 * hn_run_dup_result_names:
 * @self: a [struct@Run]
 *
 * Gets the names of the outputs the run returns, in order: the requested ones (each once), or
 * every output of the pipeline.
 *
 * Returns: (transfer full) (array zero-terminated=1): the names
 */
char **
hn_run_dup_result_names (HnRun *self)
{
  char **names;

  g_return_val_if_fail (self != NULL, NULL);

  names = g_new0 (char *, self->plan->n_outputs + 1);
  for (guint o = 0; o < self->plan->n_outputs; o++)
    names[o] = g_strdup (self->graph->slot_names[self->plan->output_slots[o]]);
  return names;
}

GVariant *
_hn_run_describe_results (HnRun *run)
{
  HnValue **kept = _hn_run_get_kept (run);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint o = 0; kept != NULL && o < run->plan->n_outputs; o++)
    {
      HnValue *value = kept[o];
      GVariant *v = _hn_value_to_variant (value, NULL, NULL);

      if (v == NULL)
        {
          g_autofree char *what = _hn_value_describe (value);
          v = g_variant_ref_sink (g_variant_new_string (what));
        }
      g_variant_builder_add (&builder, "{sv}",
                             run->graph->slot_names[run->plan->output_slots[o]], v);
      g_variant_unref (v);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}
