/* hn-invoke.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hn-cache.h"
#include "hn-callback-context.h"
#include "hn-callback-private.h"
#include "hn-error.h"
#include "hn-error-private.h"
#include "hn-invoke-private.h"
#include "hn-node-private.h"
#include "hn-run.h"
#include "hn-tsan-private.h"
#include "hn-value-private.h"

struct _HnInvocation
{
  HnRun            *run;
  guint             index;
  gint64            item;
  guint             attempt;
  gboolean          cached;
  gboolean          checked;     /* the call failed the library's own checks */
  gboolean          reported_cached;  /* a run_invoke call answered all from the cache */
  char             *key;
  gint64            started;
  GVariant         *result;      /* of an asynchronous call */
  GError           *error;
  HnInvocationDone  done;
  gpointer          done_data;
  /* a call started in the context of a bound node: where it completes */
  HnInvocationDone  caller_done;
  gpointer          caller_data;
  GMainContext     *caller_context;
  GVariant        **variants;    /* the arguments as variants, for invoke_async */
  HnValue         **results;     /* of a synchronous call, one per output */
  guint             n_args;
  HnValue          *args[];
};

/* Host value @value as data for a port of type @check: converted to it (to data of the
 * value's own choosing when @check is not definite), and checked. */
GVariant *
_hn_invoke_host_at_port (HnValue             *value,
                         const GVariantType  *check,
                         GError             **error)
{
  GVariant *v = _hn_value_to_variant (value, g_variant_type_is_definite (check) ? check : NULL,
                                      error);

  if (v != NULL && !g_variant_is_of_type (v, check))
    {
      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                   _("it became a value of type “%s”"), g_variant_get_type_string (v));
      g_clear_pointer (&v, g_variant_unref);
    }
  return v;
}

/* Fills @args from @frame (borrowed), but for host values at typed ports, converted: those are
 * new references, and @owned[p] says so (*@any_owned when one is). */
G_ALWAYS_INLINE static inline gboolean
gather (HnRun        *run,
        HnGraphNode  *gn,
        HnValue     **frame,
        HnValue     **args,
        gboolean     *owned,
        gboolean     *any_owned,
        gint64        item,
        GError      **error)
{
  HnGraph *graph = run->graph;

  *any_owned = FALSE;
  for (guint p = 0; p < gn->n_inputs; p++)
    {
      HnValue *value = frame[gn->input_slots[p]];

      owned[p] = FALSE;
      if (G_LIKELY (gn->input_checks[p] == NULL))
        {
          /* the common case: nothing to check (a NULL is an optional input not given) */
          args[p] = value;
          continue;
        }
      /* an optional input nobody gave (hn_frame_check_missing() let only those through) */
      if (value == NULL)
        {
          args[p] = NULL;
          continue;
        }
      if (gn->input_checks[p] != NULL && _hn_value_is_host (value))
        {
          /* a host value at a typed port becomes data here, once: the frame keeps the data */
          const GVariantType *check = gn->input_checks[p];
          g_autoptr(GError) local = NULL;
          GVariant *v = _hn_invoke_host_at_port (value, check, &local);

          if (v == NULL)
            {
              HnGraphNode *src = &graph->nodes[graph->producer[gn->input_slots[p]]];
              g_autofree char *src_label = _hn_run_describe_node (run, src->name, -1, NULL);
              g_autofree char *what = _hn_value_describe (value);
              g_autofree char *label = NULL;
              gint64 top_item;

              label = _hn_run_describe_node (run, gn->name, item, &top_item);
              if (top_item >= 0)
                g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                             _("Node “%s” produced “%s” as %s on item %lld, but node “%s” "
                               "expects type “%s”: %s"),
                             src_label, graph->slot_names[gn->input_slots[p]], what,
                             (long long) top_item, label, g_variant_type_peek_string (check),
                             local->message);
              else
                g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                             _("Node “%s” produced “%s” as %s, but node “%s” expects type "
                               "“%s”: %s"),
                             src_label, graph->slot_names[gn->input_slots[p]], what, label,
                             g_variant_type_peek_string (check), local->message);
              for (guint q = 0; q < p; q++)
                if (owned[q])
                  _hn_value_unref (args[q]);
              return FALSE;
            }
          /* not stored in the frame: other nodes may be reading that slot in other threads */
          owned[p] = TRUE;
          *any_owned = TRUE;
          value = (HnValue *) v;
        }
      else if (gn->input_checks[p] != NULL &&
               !g_variant_is_of_type ((GVariant *) value, gn->input_checks[p]))
        {
          HnGraphNode *src = &graph->nodes[graph->producer[gn->input_slots[p]]];
          g_autofree char *src_label = _hn_run_describe_node (run, src->name, -1, NULL);
          g_autofree char *label = NULL;
          gint64 top_item;

          label = _hn_run_describe_node (run, gn->name, item, &top_item);
          if (top_item >= 0)
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                         _("Node “%s” produced “%s” with type “%s” on item %lld, but node “%s” "
                           "expects type “%s”"),
                         src_label, graph->slot_names[gn->input_slots[p]],
                         g_variant_get_type_string ((GVariant *) value), (long long) top_item,
                         label, g_variant_type_peek_string (gn->input_checks[p]));
          else
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                         _("Node “%s” produced “%s” with type “%s”, but node “%s” expects type "
                           "“%s”"),
                         src_label, graph->slot_names[gn->input_slots[p]],
                         g_variant_get_type_string ((GVariant *) value), label,
                         g_variant_type_peek_string (gn->input_checks[p]));
          for (guint q = 0; q < p; q++)
            if (owned[q])
              _hn_value_unref (args[q]);
          return FALSE;
        }
      args[p] = value;
    }

  return TRUE;
}

/* The arguments of a node called on variants: host values become data of the port's type. */
static gboolean
args_as_variants (HnRun         *run,
                  HnGraphNode   *gn,
                  HnValue      **args,
                  GVariant     **variants,
                  gint64         item,
                  GError       **error)
{
  for (guint p = 0; p < gn->n_inputs; p++)
    {
      g_autoptr(GError) local = NULL;
      const GVariantType *type;

      if (args[p] == NULL || !_hn_value_is_host (args[p]))
        {
          variants[p] = args[p] ? g_variant_ref ((GVariant *) args[p]) : NULL;
          continue;
        }
      type = _hn_node_get_input_type_at (gn->node, p);
      if (type != NULL && g_variant_type_equal (type, G_VARIANT_TYPE_ANY))
        type = NULL;
      variants[p] = _hn_value_to_variant (args[p], type, &local);
      if (variants[p] == NULL)
        {
          for (guint q = 0; q < p; q++)
            g_clear_pointer (&variants[q], g_variant_unref);
          return _hn_invoke_type_mismatch (run, gn, p, local->message, item, error);
        }
    }
  return TRUE;
}

/* Whether a failed call may be tried again. */
static gboolean
should_retry (HnRun       *run,
              HnGraphNode *gn,
              GError      *error,
              guint        attempt)
{
  return attempt < run->retries &&
         gn->run_invoke == NULL &&  /* the nodes of a nested pipeline retry themselves */
         !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
         !_hn_run_is_cancelled (run);
}

static void
store_blocking_result (GObject      *source,
                       GAsyncResult *res,
                       gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (res);
}

/* A node with only an asynchronous implementation, called where a synchronous call is needed
 * (the sequential and thread pool executors, a nested pipeline): its invoke_async runs on a
 * private main context of this thread until it completes. */
static GVariant *
call_async_blocking (HnRun         *run,
                     HnGraphNode   *gn,
                     GVariant     **args,
                     GError       **error)
{
  /* a node bound to a context this thread owns completes there (its callbacks are attached to
   * it); others on a private one */
  g_autoptr(GMainContext) context = gn->main_context != NULL &&
                                    g_main_context_is_owner (gn->main_context)
    ? g_main_context_ref (gn->main_context) : g_main_context_new ();
  g_autoptr(GAsyncResult) result = NULL;
  GVariant *value;

  g_main_context_push_thread_default (context);
  HN_NODE_GET_CLASS (gn->node)->invoke_async (gn->node, args, gn->n_inputs, run->cancellable,
                                              store_blocking_result, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  value = HN_NODE_GET_CLASS (gn->node)->invoke_finish (gn->node, result, error);
  return value;
}

/* Splits a node's variant result into @results, checking its shape. Takes @value. */
G_ALWAYS_INLINE static inline gboolean
split_result (HnRun        *run,
              HnGraphNode  *gn,
              GVariant     *value,
              HnValue     **results,
              gint64        item,
              GError      **error)
{
  g_autoptr(GVariant) result = g_variant_take_ref (value);

  if (gn->n_outputs == 1)
    {
      results[0] = (HnValue *) g_steal_pointer (&result);
      return TRUE;
    }
  if (!g_variant_is_of_type (result, G_VARIANT_TYPE_TUPLE) ||
      g_variant_n_children (result) != gn->n_outputs)
    return _hn_invoke_invalid_result (run, gn, item, error,
                           _("has %u outputs and must return a tuple of %u values, not a value "
                             "of type “%s”"),
                           gn->n_outputs, gn->n_outputs, g_variant_get_type_string (result));
  for (guint o = 0; o < gn->n_outputs; o++)
    results[o] = (HnValue *) g_variant_get_child_value (result, o);
  return TRUE;
}

/* One synchronous attempt: fills @results, or fails. A node that returned nothing and said
 * nothing fails with no error set; call_failed() says so. *@checked is set when the library's
 * own checks failed (arguments that cannot convert, a result of the wrong shape): such errors
 * name the node already, and trying again would not help. */
G_ALWAYS_INLINE static inline gboolean
call_here (HnRun         *run,
           HnGraphNode   *gn,
           HnValue      **args,
           gint64         item,
           HnValue      **results,
           gboolean      *checked,
           gboolean      *cached,
           GError       **error)
{
  GVariant *stack_variants[8];
  g_autofree GVariant **heap_variants = NULL;
  GVariant **variants = stack_variants;
  gboolean converted = FALSE;
  GError *local = NULL;
  GVariant *value;

  if (run->root->timeout_state != NULL)
    g_atomic_pointer_set (&run->root->timeout_state->running, g_intern_string (gn->name));

  if (gn->run_invoke != NULL)
    return gn->run_invoke (gn->node, run, args, gn->n_inputs, item, results, cached, error);

  if (gn->value_func != NULL)
    {
      if (gn->value_func (gn->node, args, gn->n_inputs, results, run->cancellable,
                          gn->value_data, &local))
        {
          for (guint o = 0; o < gn->n_outputs; o++)
            if (results[o] == NULL)
              {
                _hn_invoke_clear_results (results, gn->n_outputs);
                return FALSE;
              }
          return TRUE;
        }
      _hn_invoke_clear_results (results, gn->n_outputs);
      if (local != NULL)
        g_propagate_error (error, local);
      return FALSE;
    }

  /* data passes as it is (a value of data is its variant); only host values convert */
  for (guint p = 0; p < gn->n_inputs; p++)
    if (args[p] != NULL && _hn_value_is_host (args[p]))
      {
        converted = TRUE;
        break;
      }
  if (!converted)
    variants = (GVariant **) args;
  else
    {
      if (gn->n_inputs > G_N_ELEMENTS (stack_variants))
        variants = heap_variants = g_new (GVariant *, gn->n_inputs);
      if (!args_as_variants (run, gn, args, variants, item, error))
        {
          *checked = TRUE;
          return FALSE;
        }
    }

  if (G_UNLIKELY (gn->async_only))
    value = call_async_blocking (run, gn, variants, &local);
  else
    value = HN_NODE_GET_CLASS (gn->node)->invoke (gn->node, variants, gn->n_inputs,
                                                  run->cancellable, &local);
  if (converted)
    _hn_invoke_free_variants (variants, gn->n_inputs);

  if (local != NULL)
    {
      /* an error wins over a value returned with it */
      if (value != NULL)
        g_variant_unref (g_variant_ref_sink (value));
      g_propagate_error (error, local);
      return FALSE;
    }
  if (value == NULL)
    return FALSE;
  *checked = !split_result (run, gn, value, results, item, error);
  return !*checked;
}

/* A call of a node bound to a main context, made from another thread: it runs in the
 * context's thread, which the executors iterate while they wait, and this thread waits. */
typedef struct
{
  HnRun        *run;
  HnGraphNode  *gn;
  HnValue     **args;
  gint64        item;
  HnValue     **results;
  gboolean     *checked;
  gboolean     *cached;
  GError       *error;
  gboolean      ok;
  gboolean      done;
  GMutex        lock;
  GCond         cond;
} Dispatch;

static gboolean
dispatch_in_context (gpointer data)
{
  Dispatch *d = data;
  gboolean ok;

  HN_TSAN_ACQUIRE (d);
  ok = call_here (d->run, d->gn, d->args, d->item, d->results, d->checked, d->cached,
                  &d->error);
  hn_mutex_lock (&d->lock);
  d->ok = ok;
  d->done = TRUE;
  g_cond_signal (&d->cond);
  hn_mutex_unlock (&d->lock);
  return G_SOURCE_REMOVE;
}

G_ALWAYS_INLINE static inline gboolean
call_once (HnRun         *run,
           HnGraphNode   *gn,
           HnValue      **args,
           gint64         item,
           HnValue      **results,
           gboolean      *checked,
           gboolean      *cached,
           GError       **error)
{
  Dispatch d = { run, gn, args, item, results, checked, cached, NULL, FALSE, FALSE, };
  GSource *source;

  if (gn->main_context == NULL || g_main_context_is_owner (gn->main_context))
    return call_here (run, gn, args, item, results, checked, cached, error);

  g_mutex_init (&d.lock);
  g_cond_init (&d.cond);
  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, dispatch_in_context, &d, NULL);
  HN_TSAN_RELEASE (&d);
  g_source_attach (source, gn->main_context);
  g_source_unref (source);

  hn_mutex_lock (&d.lock);
  while (!d.done)
    hn_cond_wait (&d.cond, &d.lock);
  hn_mutex_unlock (&d.lock);
  g_mutex_clear (&d.lock);
  g_cond_clear (&d.cond);
  HN_TSAN_ACQUIRE (&d);
  if (!d.ok && d.error != NULL)
    g_propagate_error (error, d.error);
  return d.ok;
}

G_ALWAYS_INLINE static inline gboolean
call_with_retries (HnRun        *run,
                   HnGraphNode  *gn,
                   HnValue     **args,
                   gint64        item,
                   HnValue     **results,
                   guint        *attempts,
                   gboolean     *checked,
                   gboolean     *cached,
                   GError      **error)
{
  for (guint attempt = 0;; attempt++)
    {
      GError *local = NULL;
      gboolean ok;

      *checked = FALSE;
      ok = call_once (run, gn, args, item, results, checked, cached, &local);
      *attempts = attempt + 1;
      if (ok || local == NULL)
        return ok;
      if (*checked || !should_retry (run, gn, local, attempt))
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      g_debug ("Node “%s” failed (attempt %u of %u), trying again: %s",
               gn->name, attempt + 1, run->retries + 1, local->message);
      g_error_free (local);
    }
}

/* Checks @results against the declared output types and moves them into @frame. */
G_ALWAYS_INLINE static inline gboolean
store (HnRun        *run,
       HnGraphNode  *gn,
       HnValue     **frame,
       HnValue     **results,
       gint64        item,
       GError      **error)
{
  /* the common case: one output of data, its type known or checked here */
  if (gn->n_outputs == 1 && !_hn_value_is_host (results[0]) &&
      (gn->output_checks[0] == NULL ||
       g_variant_is_of_type ((GVariant *) results[0], gn->output_checks[0])))
    {
      _hn_frame_set (frame, gn->output_slots[0], results[0]);
      results[0] = NULL;
      return TRUE;
    }

  for (guint o = 0; o < gn->n_outputs; o++)
    {
      const GVariantType *check = gn->output_checks[o];

      if (check == NULL)
        continue;
      if (_hn_value_is_host (results[o]))
        {
          g_autoptr(GError) local = NULL;
          GVariant *v = _hn_value_to_variant (results[o], check, &local);

          if (v == NULL)
            {
              _hn_invoke_invalid_result (run, gn, item, error, _("output “%s”: %s"),
                                         gn->output_names[o], local->message);
              _hn_invoke_clear_results (results, gn->n_outputs);
              return FALSE;
            }
          _hn_value_unref (results[o]);
          results[o] = (HnValue *) v;
        }
      else if (!g_variant_is_of_type ((GVariant *) results[o], check))
        {
          _hn_invoke_invalid_result (run, gn, item, error,
                          _("returned type “%s” for output “%s”, declared as “%s”"),
                          g_variant_get_type_string ((GVariant *) results[o]),
                          gn->output_names[o], g_variant_type_peek_string (check));
          _hn_invoke_clear_results (results, gn->n_outputs);
          return FALSE;
        }
    }

  for (guint o = 0; o < gn->n_outputs; o++)
    {
      _hn_frame_set (frame, gn->output_slots[o], results[o]);
      results[o] = NULL;
    }
  return TRUE;
}

/* A variant for callbacks of a value: the value as data, or a description of a host value that
 * cannot become data. */
static GVariant *
value_for_callbacks (HnValue *value)
{
  GVariant *v;

  if (value == NULL)
    return g_variant_ref_sink (g_variant_new_maybe (G_VARIANT_TYPE_VARIANT, NULL));
  v = _hn_value_to_variant (value, NULL, NULL);
  if (v == NULL)
    {
      g_autofree char *what = _hn_value_describe (value);
      v = g_variant_ref_sink (g_variant_new_string (what));
    }
  return v;
}

/* After a call: the cache and the callbacks see the outcome. @results are the node's values
 * (not consumed), NULL on failure. */
static void
after_call (HnRun        *run,
            HnGraphNode  *gn,
            const char   *key,
            HnValue     **results,
            gboolean      ok,
            gint64        item,
            gint64        started,
            GError      **error)
{
  if (ok && key != NULL)
    _hn_invoke_cache_store (run, gn, key, results);
  if (!_hn_run_wants (run, HN_CALLBACK_EVENTS_NODES))
    return;
  if (ok)
    {
      g_autoptr(GVariant) result = NULL;

      if (gn->n_outputs == 1)
        result = value_for_callbacks (results[0]);
      else
        {
          g_autofree GVariant **members = g_new (GVariant *, MAX (gn->n_outputs, 1));

          for (guint o = 0; o < gn->n_outputs; o++)
            members[o] = value_for_callbacks (results[o]);
          result = g_variant_ref_sink (g_variant_new_tuple (members, gn->n_outputs));
          _hn_invoke_free_variants (members, gn->n_outputs);
        }
      _hn_callbacks_node_end (run->callbacks, run->n_callbacks, gn->node, item, result,
                              (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC,
                              hn_run_get_context (run));
    }
  else if (error != NULL && *error != NULL)
    _hn_callbacks_node_error (run->callbacks, run->n_callbacks, gn->node, item, *error,
                              hn_run_get_context (run));
}

static void
before_call (HnRun        *run,
             HnGraphNode  *gn,
             HnValue     **args,
             gint64        item)
{
  g_autofree GVariant **variants = NULL;

  if (!_hn_run_wants (run, HN_HOOK_NODE_START))
    return;
  variants = g_new (GVariant *, MAX (gn->n_inputs, 1));
  for (guint p = 0; p < gn->n_inputs; p++)
    variants[p] = value_for_callbacks (args[p]);
  _hn_callbacks_node_start (run->callbacks, run->n_callbacks, gn->node, item, variants,
                            gn->n_inputs, hn_run_get_context (run));
  _hn_invoke_free_variants (variants, gn->n_inputs);
}

/* Calls the node, stores its results, tells the cache and callbacks. */
static gboolean
call_and_store (HnRun        *run,
                HnGraphNode  *gn,
                HnValue     **args,
                HnValue     **frame,
                const char   *key,
                gint64        item,
                gboolean     *cached,
                GError      **error)
{
  /* zeroed whole: a loop over n_outputs becomes a "rep stos", slow to start for one value */
  HnValue *stack_results[8] = { NULL, };
  g_autofree HnValue **heap_results = NULL;
  HnValue **results = stack_results;
  GError *node_error = NULL;
  gboolean checked;
  gint64 started;
  guint attempts;
  gboolean ok;

  if (gn->n_outputs > G_N_ELEMENTS (stack_results))
    results = heap_results = g_new0 (HnValue *, gn->n_outputs);

  /* the plain path, when nothing watches: as cheap as a direct call */
  if (key == NULL && !_hn_run_wants (run, HN_CALLBACK_EVENTS_NODES))
    {
      if (!call_with_retries (run, gn, args, item, results, &attempts, &checked, cached,
                              &node_error))
        return _hn_invoke_call_failed (run, gn, node_error, checked, item, attempts, error);
      return store (run, gn, frame, results, item, error);
    }

  before_call (run, gn, args, item);
  started = g_get_monotonic_time ();
  ok = call_with_retries (run, gn, args, item, results, &attempts, &checked, cached,
                          &node_error);
  if (!ok)
    _hn_invoke_call_failed (run, gn, node_error, checked, item, attempts, error);
  else
    {
      /* the callbacks and cache see the values the frame gets */
      ok = store (run, gn, frame, results, item, error);
      if (ok)
        for (guint o = 0; o < gn->n_outputs; o++)
          results[o] = _hn_value_ref (frame[gn->output_slots[o]]);
    }
  after_call (run, gn, key, ok ? results : NULL, ok, item, started, error);
  if (ok)
    _hn_invoke_clear_results (results, gn->n_outputs);
  return ok;
}

gboolean
_hn_invoke (HnRun      *run,
            guint       index,
            HnValue   **frame,
            gint64      item,
            gboolean   *cached,
            GError    **error)
{
  HnGraphNode *gn = &run->graph->nodes[index];
  HnValue *stack_args[8];
  gboolean stack_owned[8];
  g_autofree HnValue **heap_args = NULL;
  g_autofree gboolean *heap_owned = NULL;
  g_autofree char *key = NULL;
  HnValue **args = stack_args;
  gboolean *owned = stack_owned;
  gboolean any_owned;
  gboolean ok;

  if (run->cancellable != NULL && g_cancellable_set_error_if_cancelled (run->cancellable, error))
    return FALSE;

  if (gn->n_inputs > G_N_ELEMENTS (stack_args))
    {
      args = heap_args = g_new (HnValue *, gn->n_inputs);
      owned = heap_owned = g_new (gboolean, gn->n_inputs);
    }

  if (!gather (run, gn, frame, args, owned, &any_owned, item, error))
    return FALSE;

  if (_hn_invoke_cacheable (run, gn))
    key = _hn_invoke_cache_key (gn, args);
  if (key != NULL && _hn_invoke_cache_lookup (run, gn, key, frame, item))
    {
      if (cached != NULL)
        *cached = TRUE;
      g_atomic_int_inc (&run->n_cached);
      ok = TRUE;
    }
  else
    ok = call_and_store (run, gn, args, frame, key, item, cached, error);

  if (G_UNLIKELY (any_owned))
    for (guint p = 0; p < gn->n_inputs; p++)
      if (owned[p])
        _hn_value_unref (args[p]);
  return ok;
}

HnInvocation *
_hn_invocation_new (HnRun      *run,
                    guint       index,
                    HnValue   **frame,
                    gint64      item,
                    GError    **error)
{
  HnGraphNode *gn = &run->graph->nodes[index];
  g_autofree gboolean *owned = NULL;
  gboolean any_owned;
  HnInvocation *invocation;

  if (run->cancellable != NULL && g_cancellable_set_error_if_cancelled (run->cancellable, error))
    return NULL;

  invocation = g_malloc0 (sizeof (HnInvocation) + sizeof (HnValue *) * gn->n_inputs);
  invocation->run = hn_run_ref (run);
  invocation->index = index;
  invocation->item = item;
  invocation->n_args = gn->n_inputs;
  owned = g_new (gboolean, MAX (gn->n_inputs, 1));
  if (!gather (run, gn, frame, invocation->args, owned, &any_owned, item, error))
    {
      memset (invocation->args, 0, sizeof (HnValue *) * gn->n_inputs);
      _hn_invocation_free (invocation);
      return NULL;
    }
  for (guint p = 0; p < gn->n_inputs; p++)
    if (invocation->args[p] != NULL && !owned[p])
      _hn_value_ref (invocation->args[p]);

  if (_hn_invoke_cacheable (run, gn))
    {
      invocation->key = _hn_invoke_cache_key (gn, invocation->args);
      invocation->cached = invocation->key != NULL &&
                           _hn_invoke_cache_lookup (run, gn, invocation->key, frame, item);
      if (invocation->cached)
        g_atomic_int_inc (&run->n_cached);
    }
  return invocation;
}

gboolean
_hn_invocation_is_cached (HnInvocation *invocation)
{
  return invocation->cached || invocation->reported_cached;
}

void
_hn_invocation_free (HnInvocation *invocation)
{
  guint n_outputs = invocation->run->graph->nodes[invocation->index].n_outputs;

  for (guint p = 0; p < invocation->n_args; p++)
    if (invocation->args[p] != NULL)
      _hn_value_unref (invocation->args[p]);
  if (invocation->variants != NULL)
    _hn_invoke_free_variants (invocation->variants, invocation->n_args);
  g_free (invocation->variants);
  if (invocation->results != NULL)
    _hn_invoke_clear_results (invocation->results, n_outputs);
  g_free (invocation->results);
  g_clear_pointer (&invocation->result, g_variant_unref);
  g_clear_error (&invocation->error);
  g_free (invocation->key);
  g_clear_pointer (&invocation->caller_context, g_main_context_unref);
  hn_run_unref (invocation->run);
  g_free (invocation);
}

guint
_hn_invocation_get_index (HnInvocation *invocation)
{
  return invocation->index;
}

gboolean
_hn_invocation_is_bound_here (HnInvocation *invocation)
{
  GMainContext *context = invocation->run->graph->nodes[invocation->index].main_context;

  return context != NULL && g_main_context_is_owner (context);
}

gboolean
_hn_invocation_has_async (HnInvocation *invocation)
{
  HnGraphNode *gn = &invocation->run->graph->nodes[invocation->index];

  if (gn->run_invoke != NULL)
    return FALSE;
  if (gn->value_func != NULL)
    return gn->value_async_func != NULL;
  return _hn_node_has_async (gn->node);
}

/* ---- asynchronous value functions ------------------------------------------------------ */

static void attempt_value_async (HnInvocation *invocation);

/* The outcome of an asynchronous value function, in the context the call was made in: a
 * failure may be tried again, else the invocation is done. */
static void
value_call_done (HnValue  **results,
                 GError    *error,
                 gpointer   user_data)
{
  HnInvocation *invocation = user_data;
  HnRun *run = invocation->run;
  HnGraphNode *gn = &run->graph->nodes[invocation->index];

  invocation->attempt++;
  if (error == NULL)
    {
      for (guint o = 0; o < gn->n_outputs; o++)
        if (results[o] == NULL)
          {
            _hn_invoke_clear_results (results, gn->n_outputs);
            g_clear_pointer (&results, g_free);
            break;
          }
      invocation->results = results;
    }
  else if (should_retry (run, gn, error, invocation->attempt - 1))
    {
      g_error_free (error);
      attempt_value_async (invocation);
      return;
    }
  else
    invocation->error = error;

  invocation->done (invocation, invocation->done_data);
}

static void
attempt_value_async (HnInvocation *invocation)
{
  HnRun *run = invocation->run;
  HnGraphNode *gn = &run->graph->nodes[invocation->index];
  HnValueCall *call = _hn_value_call_new (gn->name, gn->n_outputs, value_call_done, invocation);

  if (run->root->timeout_state != NULL)
    g_atomic_pointer_set (&run->root->timeout_state->running, g_intern_string (gn->name));
  gn->value_async_func (gn->node, invocation->args, invocation->n_args, run->cancellable, call,
                        gn->value_async_data);
}

void
_hn_invocation_call (HnInvocation *invocation)
{
  HnRun *run = invocation->run;
  HnGraphNode *gn = &run->graph->nodes[invocation->index];

  invocation->results = g_new0 (HnValue *, MAX (gn->n_outputs, 1));
  before_call (run, gn, invocation->args, invocation->item);
  invocation->started = g_get_monotonic_time ();
  if (!call_with_retries (run, gn, invocation->args, invocation->item, invocation->results,
                          &invocation->attempt, &invocation->checked,
                          &invocation->reported_cached, &invocation->error))
    g_clear_pointer (&invocation->results, g_free);
}

static void attempt_async (HnInvocation *invocation);

static void
invoke_async_done (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  HnInvocation *invocation = user_data;
  HnRun *run = invocation->run;
  HnGraphNode *gn = &run->graph->nodes[invocation->index];
  GError *local = NULL;
  GVariant *result;

  result = HN_NODE_GET_CLASS (gn->node)->invoke_finish (gn->node, res, &local);
  invocation->attempt++;
  if (local != NULL && result != NULL)
    g_variant_unref (g_variant_ref_sink (result));
  else if (local == NULL)
    {
      invocation->result = result;
      invocation->done (invocation, invocation->done_data);
      return;
    }

  if (should_retry (run, gn, local, invocation->attempt - 1))
    {
      g_error_free (local);
      attempt_async (invocation);
      return;
    }
  invocation->error = local;
  invocation->done (invocation, invocation->done_data);
}

static void
attempt_async (HnInvocation *invocation)
{
  HnRun *run = invocation->run;
  HnGraphNode *gn = &run->graph->nodes[invocation->index];

  if (run->root->timeout_state != NULL)
    g_atomic_pointer_set (&run->root->timeout_state->running, g_intern_string (gn->name));
  HN_NODE_GET_CLASS (gn->node)->invoke_async (gn->node, invocation->variants, invocation->n_args,
                                              run->cancellable, invoke_async_done, invocation);
}

static void start_async (HnInvocation *invocation);

/* An asynchronous node bound to a main context another thread owns starts there; its
 * completion comes back to the context of the thread that started the call. */
static gboolean
deliver_to_caller (gpointer data)
{
  HnInvocation *invocation = data;

  HN_TSAN_ACQUIRE (invocation);
  invocation->caller_done (invocation, invocation->caller_data);
  return G_SOURCE_REMOVE;
}

static void
attach_invocation (HnInvocation *invocation,
                   GMainContext *context,
                   GSourceFunc   func)
{
  GSource *source = g_idle_source_new ();

  /* held until the source is let go: it may run, and the context go, before
   * g_source_attach() returns */
  context = g_main_context_ref (context);
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, invocation, NULL);
  HN_TSAN_RELEASE (invocation);
  g_source_attach (source, context);
  g_source_unref (source);
  g_main_context_unref (context);
}

static void
bound_done (HnInvocation *invocation,
            gpointer      user_data)
{
  attach_invocation (invocation, invocation->caller_context, deliver_to_caller);
}

static gboolean
start_in_bound_context (gpointer data)
{
  HN_TSAN_ACQUIRE (data);
  start_async (data);
  return G_SOURCE_REMOVE;
}

void
_hn_invocation_call_async (HnInvocation     *invocation,
                           HnInvocationDone  done,
                           gpointer          user_data)
{
  GMainContext *bound = invocation->run->graph->nodes[invocation->index].main_context;

  if (bound == NULL || g_main_context_is_owner (bound))
    {
      invocation->done = done;
      invocation->done_data = user_data;
      start_async (invocation);
      return;
    }
  invocation->caller_done = done;
  invocation->caller_data = user_data;
  invocation->caller_context = g_main_context_ref_thread_default ();
  invocation->done = bound_done;
  invocation->done_data = NULL;
  attach_invocation (invocation, bound, start_in_bound_context);
}

static void
start_async (HnInvocation *invocation)
{
  HnRun *run = invocation->run;
  HnGraphNode *gn = &run->graph->nodes[invocation->index];
  HnInvocationDone done = invocation->done;
  gpointer user_data = invocation->done_data;

  before_call (run, gn, invocation->args, invocation->item);
  invocation->started = g_get_monotonic_time ();
  if (gn->value_async_func != NULL)
    {
      attempt_value_async (invocation);
      return;
    }
  invocation->variants = g_new0 (GVariant *, MAX (invocation->n_args, 1));
  if (!args_as_variants (run, gn, invocation->args, invocation->variants, invocation->item,
                         &invocation->error))
    {
      invocation->checked = TRUE;
      done (invocation, user_data);
      return;
    }
  attempt_async (invocation);
}

gboolean
_hn_invocation_complete (HnInvocation  *invocation,
                         HnValue      **frame,
                         GError       **error)
{
  HnRun *run = invocation->run;
  HnGraphNode *gn = &run->graph->nodes[invocation->index];
  g_autofree HnValue **results = NULL;
  gboolean ok;

  if (invocation->cached)
    {
      _hn_invocation_free (invocation);
      return TRUE;
    }

  if (invocation->result != NULL)
    {
      /* an asynchronous call: its variant is split here */
      results = g_new0 (HnValue *, MAX (gn->n_outputs, 1));
      if (!split_result (run, gn, g_steal_pointer (&invocation->result), results,
                         invocation->item, &invocation->error))
        {
          invocation->checked = TRUE;
          g_clear_pointer (&results, g_free);
        }
    }
  else
    results = g_steal_pointer (&invocation->results);

  if (results == NULL)
    ok = _hn_invoke_call_failed (run, gn, g_steal_pointer (&invocation->error), invocation->checked,
                      invocation->item, invocation->attempt, error);
  else
    {
      ok = store (run, gn, frame, results, invocation->item, error);
      if (ok)
        for (guint o = 0; o < gn->n_outputs; o++)
          results[o] = _hn_value_ref (frame[gn->output_slots[o]]);
    }
  after_call (run, gn, invocation->key, ok ? results : NULL, ok, invocation->item,
              invocation->started, error);
  if (ok)
    _hn_invoke_clear_results (results, gn->n_outputs);
  _hn_invocation_free (invocation);
  return ok;
}

/* ---- for the other files of the invocation path ---------------------------------------- */

gboolean
_hn_invoke_split_result (HnRun        *run,
                         HnGraphNode  *gn,
                         GVariant     *value,
                         HnValue     **results,
                         gint64        item,
                         GError      **error)
{
  return split_result (run, gn, value, results, item, error);
}

gboolean
_hn_invoke_store (HnRun        *run,
                  HnGraphNode  *gn,
                  HnValue     **frame,
                  HnValue     **results,
                  gint64        item,
                  GError      **error)
{
  return store (run, gn, frame, results, item, error);
}

gboolean
_hn_invoke_call_and_store (HnRun        *run,
                           HnGraphNode  *gn,
                           HnValue     **args,
                           HnValue     **frame,
                           const char   *key,
                           gint64        item,
                           gboolean     *cached,
                           GError      **error)
{
  return call_and_store (run, gn, args, frame, key, item, cached, error);
}
