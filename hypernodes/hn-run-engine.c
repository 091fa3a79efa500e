/* hn-run-engine.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The run's interface for engine glue: calls of a node outside of a graph (a node of the
 * run's pipeline, or one rebuilt from it in a worker process), through the one invocation
 * path, and the callback events of calls and items that ran in another process. */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hn-callback-context.h"
#include "hn-callback-private.h"
#include "hn-driver-private.h"
#include "hn-error.h"
#include "hn-invoke-private.h"
#include "hn-node-private.h"
#include "hn-value-private.h"

/* The description of @node the invocation path works with, outside of a graph: outputs in
 * slots 0..n_outputs-1 of a frame of its own. Free with clear_loose_node(). Returns whether an
 * input has a declared type. */
static gboolean
init_loose_node (HnGraphNode *gn,
                 HnNode      *node)
{
  guint *slots;
  const GVariantType **checks;
  gboolean typed = FALSE;

  memset (gn, 0, sizeof *gn);
  gn->node = node;
  gn->name = hn_node_get_name (node);
  gn->run_invoke = _hn_node_get_run_invoke (node);
  gn->value_func = _hn_node_get_value_func (node, &gn->value_data);
  gn->async_only = !_hn_node_has_sync (node) && _hn_node_has_async (node);
  gn->main_context = hn_node_get_main_context (node);
  gn->n_inputs = _hn_node_get_n_inputs (node);
  gn->n_outputs = _hn_node_get_n_outputs (node);
  slots = g_new (guint, MAX (gn->n_outputs, 1));
  checks = g_new0 (const GVariantType *, MAX (gn->n_outputs, 1));
  for (guint o = 0; o < gn->n_outputs; o++)
    {
      const GVariantType *t = _hn_node_get_output_type_at (node, o);

      slots[o] = o;
      checks[o] = g_variant_type_equal (t, G_VARIANT_TYPE_ANY) ? NULL : t;
    }
  gn->output_slots = slots;
  gn->output_checks = checks;
  gn->output_names = hn_node_get_outputs (node);

  /* the declared input types, checked on every call (a graph checks them once, where the
   * values come from) */
  checks = g_new0 (const GVariantType *, MAX (gn->n_inputs, 1));
  for (guint p = 0; p < gn->n_inputs; p++)
    {
      const GVariantType *t = _hn_node_get_input_type_at (node, p);

      checks[p] = t == NULL || g_variant_type_equal (t, G_VARIANT_TYPE_ANY) ? NULL : t;
      typed |= checks[p] != NULL;
    }
  gn->input_checks = checks;
  return typed;
}

static void
clear_loose_node (HnGraphNode *gn)
{
  g_free ((gpointer) gn->output_slots);
  g_free ((gpointer) gn->output_checks);
  g_free ((gpointer) gn->input_checks);
}

/* The arguments of a call of a loose node checked against its declared input types: host
 * values at typed ports become data of the port's type (new references in @checked, @owned[p]
 * set), data must have the port's type. */
static gboolean
check_loose_args (HnRun             *run,
                  HnGraphNode       *gn,
                  HnValue * const   *args,
                  HnValue          **checked,
                  gboolean          *owned,
                  gint64             item,
                  GError           **error)
{
  for (guint p = 0; p < gn->n_inputs; p++)
    {
      const GVariantType *check = gn->input_checks[p];
      HnValue *value = args[p];
      g_autoptr(GError) local = NULL;
      g_autofree char *wrong = NULL;

      owned[p] = FALSE;
      checked[p] = value;
      if (check == NULL || value == NULL)
        continue;
      if (_hn_value_is_host (value))
        {
          GVariant *v = _hn_invoke_host_at_port (value, check, &local);

          if (v != NULL)
            {
              checked[p] = (HnValue *) v;
              owned[p] = TRUE;
              continue;
            }
        }
      else if (g_variant_is_of_type ((GVariant *) value, check))
        continue;
      else
        wrong = g_strdup_printf (_("a value of type “%s”, where the node expects type “%s”"),
                                 g_variant_get_type_string ((GVariant *) value),
                                 g_variant_type_peek_string (check));

      for (guint q = 0; q < p; q++)
        if (owned[q])
          _hn_value_unref (checked[q]);
      return _hn_invoke_type_mismatch (run, gn, p, wrong != NULL ? wrong : local->message, item,
                                       error);
    }
  return TRUE;
}

/**
 * hn_run_invoke_node_values: (skip)
 * @self: a [struct@Run]
 * @node: a node of the run's pipeline, or one rebuilt from it in another process
 * @n_rows: the number of calls
 * @args: (array): @n_rows rows, one after the other, of one value per input of @node; %NULL
 *   for an optional input that is not given
 * @items: (array) (nullable): the map item of each row, or %NULL for calls of a single run
 * @results: (array): room for @n_rows rows of one value per output of @node, which get new
 *   references
 * @n_done: (out) (optional): the number of rows whose call succeeded, all of them on success
 * @cached: (array) (nullable): where to say, for each row that succeeded, whether its result
 *   came from the run's cache
 * @error: return location for a [struct@GLib.Error]
 *
 * Calls @node on rows of values, in order, through the one invocation path of the library, as
 * [method@Run.invoke_node] does on data: host values stay host values unless the node needs
 * data. The calls stop at the first failure, whose error names the node and the row's item;
 * the rows before it have their results, the others are left as they were. For engine glue
 * that calls a node on a batch of items.
 *
 * Returns: %TRUE if every call succeeded
 */
gboolean
hn_run_invoke_node_values (HnRun            *self,
                           HnNode           *node,
                           gsize             n_rows,
                           HnValue * const  *args,
                           const gint64     *items,
                           HnValue         **results,
                           gsize            *n_done,
                           gboolean         *cached,
                           GError          **error)
{
  HnGraphNode gn;
  g_autofree HnValue **checked = NULL;
  g_autofree gboolean *owned = NULL;
  gboolean use_cache, typed;
  gsize row;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (HN_IS_NODE (node), FALSE);
  g_return_val_if_fail (n_rows == 0 || results != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_done != NULL)
    *n_done = 0;
  typed = init_loose_node (&gn, node);
  g_return_val_if_fail (n_rows == 0 || gn.n_inputs == 0 || args != NULL,
                        (clear_loose_node (&gn), FALSE));
  use_cache = _hn_invoke_cacheable (self, &gn);

  for (row = 0; row < n_rows; row++)
    {
      /* the row's own results are the frame the call stores into */
      HnValue **frame = results + row * gn.n_outputs;
      HnValue * const *row_args = args + row * gn.n_inputs;
      gint64 item = items != NULL ? items[row] : -1;
      g_autofree char *key = NULL;

      if (self->cancellable != NULL &&
          g_cancellable_set_error_if_cancelled (self->cancellable, error))
        {
          ok = FALSE;
          break;
        }
      for (guint o = 0; o < gn.n_outputs; o++)
        frame[o] = NULL;
      if (typed)
        {
          /* typed inputs: checked (host values converted) as a graph does where they come
           * from */
          if (checked == NULL)
            {
              checked = g_new0 (HnValue *, MAX (gn.n_inputs, 1));
              owned = g_new0 (gboolean, MAX (gn.n_inputs, 1));
            }
          if (!check_loose_args (self, &gn, row_args, checked, owned, item, error))
            {
              ok = FALSE;
              break;
            }
          row_args = checked;
        }
      if (use_cache)
        key = _hn_invoke_cache_key (&gn, (HnValue **) row_args);
      if (cached != NULL)
        cached[row] = FALSE;
      if (key != NULL && _hn_invoke_cache_lookup (self, &gn, key, frame, item))
        {
          if (cached != NULL)
            cached[row] = TRUE;
        }
      else
        ok = _hn_invoke_call_and_store (self, &gn, (HnValue **) row_args, frame, key, item, NULL,
                                        error);
      if (row_args == checked)
        for (guint p = 0; p < gn.n_inputs; p++)
          if (owned[p])
            _hn_value_unref (checked[p]);
      if (!ok)
        {
          for (guint o = 0; o < gn.n_outputs; o++)
            g_clear_pointer (&frame[o], _hn_value_unref);
          break;
        }
    }

  if (n_done != NULL)
    *n_done = row;
  clear_loose_node (&gn);
  return ok;
}

/**
 * hn_run_invoke_node:
 * @self: a [struct@Run]
 * @node: a node of the run's pipeline, or one rebuilt from it in another process
 * @args: (array length=n_args): one value per input of @node
 * @n_args: the number of values
 * @item: the index of the map item the call is for, or -1
 * @error: return location for a [struct@GLib.Error]
 *
 * Calls @node as the executors do, through the one invocation path of the library: with the
 * run's retries and cancellable, a pipeline node running its pipeline inside @self, and the
 * result checked against the node's declared output types. Errors name the node and @item.
 *
 * For engine glue, which calls nodes from engine tasks: in this process with the run it was
 * given, in a worker process with a run of its own. [method@Run.invoke_node_values] calls a
 * node on rows of values.
 *
 * Returns: (transfer full): the node's result: its one output, or a tuple of its outputs
 */
GVariant *
hn_run_invoke_node (HnRun             *self,
                    HnNode            *node,
                    GVariant * const  *args,
                    guint              n_args,
                    gint64             item,
                    GError           **error)
{
  g_autofree HnValue **owned = NULL;
  g_autofree HnValue **frame = NULL;
  const char * const *output_names;
  guint n_inputs, n_outputs;
  GVariant *result = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (HN_IS_NODE (node), NULL);
  g_return_val_if_fail (n_args == 0 || args != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n_inputs = _hn_node_get_n_inputs (node);
  n_outputs = _hn_node_get_n_outputs (node);
  output_names = hn_node_get_outputs (node);
  if (n_args != n_inputs)
    {
      g_set_error (error, HN_NODE_ERROR, HN_NODE_ERROR_INVALID_RESULT,
                   _("Node “%s” takes %u arguments, not %u"), hn_node_get_name (node),
                   n_inputs, n_args);
      return NULL;
    }

  /* floating arguments are sunk and dropped here, as hn_node_invoke() does */
  owned = g_new0 (HnValue *, MAX (n_args, 1));
  for (guint i = 0; i < n_args; i++)
    owned[i] = args[i] ? (HnValue *) g_variant_ref_sink (args[i]) : NULL;

  frame = g_new0 (HnValue *, MAX (n_outputs, 1));
  if (hn_run_invoke_node_values (self, node, 1, owned, &item, frame, NULL, NULL, error))
    {
      g_autofree GVariant **variants = g_new0 (GVariant *, MAX (n_outputs, 1));
      GError *local = NULL;
      gboolean ok = TRUE;

      for (guint o = 0; ok && o < n_outputs; o++)
        {
          variants[o] = _hn_value_to_variant (frame[o], NULL, &local);
          if (variants[o] == NULL)
            {
              HnGraphNode gn;

              init_loose_node (&gn, node);
              _hn_invoke_invalid_result (self, &gn, item, error, _("output “%s”: %s"),
                                         output_names[o], local->message);
              clear_loose_node (&gn);
              g_error_free (local);
              ok = FALSE;
            }
        }
      if (ok)
        result = n_outputs == 1
          ? g_variant_ref (variants[0])
          : g_variant_ref_sink (g_variant_new_tuple (variants, n_outputs));
      _hn_invoke_free_variants (variants, n_outputs);
    }

  for (guint o = 0; o < n_outputs; o++)
    if (frame[o] != NULL)
      _hn_value_unref (frame[o]);
  for (guint i = 0; i < n_args; i++)
    if (owned[i] != NULL)
      _hn_value_unref (owned[i]);
  return result;
}

/**
 * hn_run_report_node_call:
 * @self: a [struct@Run]
 * @node: the node that was called
 * @item: the map item the call was for, or -1
 * @args: (array length=n_args): the values it was called on
 * @n_args: the number of values
 * @result: (nullable): its result, or %NULL when @signature is given or the call failed
 * @duration: how long the call took, in seconds
 * @signature: (nullable): the cache key the result came from, or %NULL when the node ran
 *
 * Delivers to the run's callbacks the events of a node call made in another process (an
 * engine's worker): "node cached" when @signature is given, else "node start" and, with a
 * @result, "node end". A call that failed is reported with neither, and then with
 * [method@Run.report_node_error]. For engine glue.
 */
void
hn_run_report_node_call (HnRun             *self,
                         HnNode            *node,
                         gint64             item,
                         GVariant * const  *args,
                         guint              n_args,
                         GVariant          *result,
                         double             duration,
                         const char        *signature)
{
  g_autoptr(GVariant) owned = result ? g_variant_ref_sink (result) : NULL;
  g_autofree GVariant **sunk = g_new (GVariant *, MAX (n_args, 1));

  g_return_if_fail (self != NULL);
  g_return_if_fail (HN_IS_NODE (node));
  g_return_if_fail (n_args == 0 || args != NULL);

  for (guint i = 0; i < n_args; i++)
    sunk[i] = args[i] ? g_variant_ref_sink (args[i])  /* NULL: an optional input not given */
                      : g_variant_ref_sink (g_variant_new_maybe (G_VARIANT_TYPE_VARIANT, NULL));

  if (_hn_run_wants (self, HN_CALLBACK_EVENTS_NODES))
    {
      HnCallbackContext *context = hn_run_get_context (self);

      if (signature != NULL)
        _hn_callbacks_node_cached (self->callbacks, self->n_callbacks, node, item, signature,
                                   context);
      else
        {
          _hn_callbacks_node_start (self->callbacks, self->n_callbacks, node, item, sunk, n_args,
                                    context);
          if (owned != NULL)
            _hn_callbacks_node_end (self->callbacks, self->n_callbacks, node, item, owned,
                                    duration, context);
        }
    }

  for (guint i = 0; i < n_args; i++)
    g_variant_unref (sunk[i]);
}

/**
 * hn_run_report_node_error:
 * @self: a [struct@Run]
 * @node: the node that failed
 * @item: the map item the call was for, or -1
 * @domain: the error domain, as a string
 * @code: the error code
 * @message: the error message
 *
 * Delivers to the run's callbacks the "error" event of a node call that failed in another
 * process. For engine glue; the error itself is returned by the engine as usual.
 */
void
hn_run_report_node_error (HnRun       *self,
                          HnNode      *node,
                          gint64       item,
                          const char  *domain,
                          int          code,
                          const char  *message)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (HN_IS_NODE (node));
  g_return_if_fail (domain != NULL && message != NULL);

  if (!_hn_run_wants (self, HN_CALLBACK_EVENTS_NODES))
    return;
  error = g_error_new_literal (g_quark_from_string (domain), code, message);
  _hn_callbacks_node_error (self->callbacks, self->n_callbacks, node, item, error,
                            hn_run_get_context (self));
}

/**
 * hn_run_wants_item_events:
 * @self: a [struct@Run]
 *
 * Whether the run's callbacks want map item events, which engine glue then reports with
 * [method@Run.report_map_item].
 *
 * Returns: %TRUE if the run is a map and some callback wants its item events
 */
gboolean
hn_run_wants_item_events (HnRun *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->source != NULL &&
         _hn_run_wants (self, HN_HOOK_MAP_ITEM_START | HN_HOOK_MAP_ITEM_DONE);
}

/**
 * hn_run_report_map_item:
 * @self: a map [struct@Run]
 * @item: the item
 * @duration: how long the item took, in seconds
 * @cached: whether every node call of the item came from the cache
 *
 * Delivers to the run's callbacks the events of a map item that ran in another process (an
 * engine's worker): "map item start", then "map item end" with @duration, or "map item
 * cached". For engine glue, once per item that completed.
 */
void
hn_run_report_map_item (HnRun    *self,
                        gsize     item,
                        double    duration,
                        gboolean  cached)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->source != NULL && item < _hn_map_source_get_n_items (self->source));

  hn_run_report_map_item_start (self, item);
  if (!_hn_run_wants (self, HN_HOOK_MAP_ITEM_DONE))
    return;
  if (cached && self->plan->n_steps > 0)
    _hn_callbacks_map_item_cached (self->callbacks, self->n_callbacks, item,
                                   hn_run_get_context (self));
  else
    _hn_callbacks_map_item_end (self->callbacks, self->n_callbacks, item, MAX (duration, 0.0),
                                hn_run_get_context (self));
}

/**
 * hn_run_report_map_item_start:
 * @self: a map [struct@Run]
 * @item: the item
 *
 * Delivers to the run's callbacks "map item start" for an item that ran in another process
 * but did not complete (a node failed on it). For engine glue.
 */
void
hn_run_report_map_item_start (HnRun *self,
                              gsize  item)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (self->source != NULL && item < _hn_map_source_get_n_items (self->source));

  if (_hn_run_wants (self, HN_HOOK_MAP_ITEM_START))
    _hn_callbacks_map_item_start (self->callbacks, self->n_callbacks, item,
                                  hn_run_get_context (self));
}

/**
 * hn_run_wants_node_events:
 * @self: a [struct@Run]
 *
 * Whether the run's callbacks want node events, which engine glue then brings back from its
 * workers.
 *
 * Returns: %TRUE if some callback wants node events
 */
gboolean
hn_run_wants_node_events (HnRun *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return _hn_run_wants (self, HN_CALLBACK_EVENTS_NODES);
}

/* ---- inputs, as executors that run nodes elsewhere see them -------------------------------- */

/**
 * hn_run_check:
 * @self: a [struct@Run]
 * @error: return location for a [struct@GLib.Error]
 *
 * Checks the inputs of the run (every item of a map) as the built-in executors do before any
 * node runs: missing inputs, values of the wrong type, names that a node produces. For
 * executors that run nodes elsewhere (an engine) and must report bad input the same way.
 *
 * Returns: %TRUE if the run can start
 */
gboolean
hn_run_check (HnRun   *self,
              GError **error)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!_hn_driver_check (self, error))
    return FALSE;

  /* an executor that asks has its nodes called elsewhere, on data: host inputs must convert */
  for (guint i = 0; self->values != NULL && i < self->values->n_values; i++)
    {
      g_autoptr(GVariant) v = NULL;
      GError *local = NULL;

      v = _hn_value_to_variant (self->values->values[i], NULL, &local);
      if (v == NULL)
        {
          g_propagate_prefixed_error (error, local,
                                      _("Input “%s” cannot be sent to the executor: "),
                                      self->values->names[i]);
          return FALSE;
        }
    }
  return self->source == NULL || _hn_map_source_check_values (self->source, error);
}

/**
 * hn_run_get_input_values: (skip)
 * @self: a [struct@Run]
 * @first_item: the first of the map items, or -1
 * @n_items: the number of items (1 with @first_item -1)
 * @n_names: the number of names
 * @names: (array length=n_names): names of root inputs
 * @values: (array): where the values go, @n_items rows of @n_names (new references; %NULL for
 *   none)
 * @error: return location for a [struct@GLib.Error]
 *
 * Gets input values as the executors see them, host values included. With @first_item -1, the
 * values every item of a map shares (the bound inputs, overridden by the given ones), or every
 * input of a single run; with map items, the values each of them gives itself (mapped
 * inputs), %NULL for the names it does not give. For engine glue, which sends the values to an
 * engine.
 *
 * Returns: %TRUE on success; %FALSE if a value does not have the type its consumers declare
 */
gboolean
hn_run_get_input_values (HnRun              *self,
                         gssize              first_item,
                         gsize               n_items,
                         guint               n_names,
                         const char * const *names,
                         HnValue           **values,
                         GError            **error)
{
  g_autofree int *slots = NULL;
  HnGraph *graph;
  HnValue **frame;
  gboolean ok = TRUE;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (n_names == 0 || (names != NULL && values != NULL), FALSE);
  g_return_val_if_fail (first_item >= 0 || n_items == 1, FALSE);
  g_return_val_if_fail (first_item < 0 || (self->source != NULL &&
                                           n_items <= _hn_map_source_get_n_items (self->source) &&
                                           (gsize) first_item <=
                                             _hn_map_source_get_n_items (self->source) - n_items),
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  graph = self->graph;
  slots = g_new (int, MAX (n_names, 1));
  for (guint i = 0; i < n_names; i++)
    slots[i] = _hn_graph_lookup_slot (graph, names[i]);
  memset (values, 0, sizeof (HnValue *) * n_items * n_names);

  frame = _hn_frame_new (graph);
  for (gsize row = 0; ok && row < n_items; row++)
    {
      if (first_item < 0)
        ok = _hn_frame_check_dict (self->inputs, _("The inputs"), error) &&
             _hn_frame_load_dict (graph, self->bound, -1, HN_FRAME_LOAD_LENIENT, frame, error) &&
             _hn_frame_load_dict (graph, self->inputs, -1, HN_FRAME_LOAD_LENIENT, frame, error) &&
             _hn_frame_load_values (graph, self->values, self->item, frame, error);
      else
        ok = _hn_map_source_load_item_slots (self->source, graph, first_item + row, slots,
                                             n_names, frame, error);

      for (guint i = 0; ok && i < n_names; i++)
        if (slots[i] >= 0 && frame[slots[i]] != NULL)
          values[row * n_names + i] = g_steal_pointer (&frame[slots[i]]);
      _hn_frame_clear (graph, frame);
    }
  _hn_frame_free (graph, frame);

  if (!ok)
    for (gsize i = 0; i < n_items * n_names; i++)
      g_clear_pointer (&values[i], _hn_value_unref);
  return ok;
}
