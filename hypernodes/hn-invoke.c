/* hn-invoke.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The one node-invocation path. Every executor calls the nodes of a run through here: the
 * sequential and thread pool executors, the per-item map driver and the steps of a nested
 * pipeline through _hn_invoke(), the async executor through the halves of an HnInvocation, the
 * engine glue (hn-run-engine.c) through _hn_invoke_call_and_store() with a node made outside
 * any graph. A call goes:
 *
 *   cancellation check -> gather the arguments from the frame (a host value at a typed port
 *   converted to data) -> cache lookup (a hit fills the frame, fires "node cached", and ends
 *   the call) -> "node start" -> the call: the node's value function, its invoke vfunc, its
 *   invoke_async waited on when it has nothing else, in the context it is bound to when another
 *   thread owns that, or, for a pipeline node, the class-private run_invoke vfunc that runs it
 *   inside this run -> retries -> the result checked and split into the frame -> cache store
 *   -> "node end" with the duration (or "error").
 *
 * In halves (HnInvocation), for the async executor: _hn_invocation_new() gathers and looks up
 * the cache in the scheduler's thread; _hn_invocation_call() (in any thread) or
 * _hn_invocation_call_async() calls; _hn_invocation_complete() checks and stores back in the
 * scheduler's thread, which owns the frame. The messages are in hn-invoke-errors.c, the cache
 * step in hn-invoke-cache.c.
 *
 * The synchronous path is the inner loop of every executor: its steps are G_ALWAYS_INLINE, its
 * arrays on the stack for up to 8 ports, and data reaches a C node with no reference taken. */

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


/* ---- arguments: from the frame to the node ---------------------------------------------- */

/* Host value @value as data for a port of type @check: converted to it (to data of the
 * value's own choosing when @check is not definite), and checked. The engine glue checks its
 * rows with it too, so that a node's arguments convert alike on every executor. */
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
 * new references, and @owned[p] says so (*@any_owned when one is).
 *
 * An input whose type is guaranteed already (by its producer's declared type, or for a root
 * input by the check on entry) has no check (input_checks[p] NULL) and passes as it is, with
 * no reference taken: that is most inputs, so it is tested first.
 * *@any_owned lets the caller skip the loop that drops converted values. On failure the
 * converted ones are dropped here, and @error names both the producer and this node. */
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
  /* the common case, no port to check: @owned is left as it is (read only when *@any_owned) */
  if (G_LIKELY (!gn->checks_inputs))
    {
      for (guint p = 0; p < gn->n_inputs; p++)
        args[p] = frame[gn->input_slots[p]];
      return TRUE;
    }
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
          /* a host value at a typed port becomes data here, for this call: the frame keeps the
           * host value, which its other consumers may want as it is */
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
      /* data the producer's declared type does not guarantee to be of this port's */
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

/* The arguments of a node called on variants: host values become data of the port's type.
 * An untyped port, or one typed "*", lets the value choose its data. Every variant is a new
 * reference (data too) so that they are all freed alike; on failure none is left, and the
 * error is a type mismatch naming the input and where it came from. */
gboolean
_hn_invoke_args_as_variants (HnRun         *run,
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

/* ---- the call --------------------------------------------------------------------------- */

/* Whether a failed call may be tried again: while attempts remain (@attempt counts from 0, so
 * a node is called at most retries + 1 times), never after a cancellation (a timeout cancels
 * the run too, so it is not retried either), and never for a node run inside the run (a
 * pipeline node, the composite executor's item node): the nodes inside retry on their own, and
 * retrying the whole would call them again for each of their attempts. */
gboolean
_hn_invoke_should_retry (HnRun       *run,
                         HnGraphNode *gn,
                         GError      *error,
                         guint        attempt)
{
  return attempt < run->retries &&
         gn->run_invoke == NULL &&  /* the nodes of a nested pipeline retry themselves */
         !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) &&
         !_hn_run_is_cancelled (run);
}

/* The completion of call_async_blocking()'s call: keeps the result, which ends its loop. */
static void
store_blocking_result (GObject      *source,
                       GAsyncResult *res,
                       gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (res);
}

/* A node with only an asynchronous implementation, called where a synchronous call is needed
 * (the sequential and thread pool executors, a nested pipeline): its invoke_async runs on a
 * private main context of this thread until it completes.
 *
 * On a private context only the call's own sources run while this thread waits: nothing else
 * of the thread's contexts is dispatched in the middle of a run. There is no timeout here: a
 * cancellation (or the run's timeout) reaches the node through the cancellable it is given. */
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

  /* thread-default while the call starts: a GTask completes in the context it was made in */
  g_main_context_push_thread_default (context);
  HN_NODE_GET_CLASS (gn->node)->invoke_async (gn->node, args, gn->n_inputs, run->cancellable,
                                              store_blocking_result, &result);
  while (result == NULL)
    g_main_context_iteration (context, TRUE);
  g_main_context_pop_thread_default (context);

  value = HN_NODE_GET_CLASS (gn->node)->invoke_finish (gn->node, result, error);
  return value;
}

/* Splits a node's variant result into @results, checking its shape. Takes @value.
 *
 * One output: the variant is the value as it is (a value of data is its variant, no copy).
 * Several: a tuple of exactly that many, one child per output. A cache hit is split here too
 * (through _hn_invoke_split_result()), so that an entry is checked as a result would be. */
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
 * nothing fails with no error set; _hn_invoke_call_failed() says so. *@checked is set when the
 * library's own checks failed (arguments that cannot convert, a result of the wrong shape):
 * such errors name the node already, and trying again would not help. *@cached is for a node
 * run inside the run, which says whether all of it came from the cache.
 *
 * The node running is named for the timeout's message: by an interned string, because the
 * message may be written after the node is gone, and atomically, because the thread that
 * reads it (the one that ends the run) is not always the one that calls. Data is passed to
 * invoke as the frame holds it (@args serves as the array of variants, no reference taken);
 * only when a host value is among the arguments is an array of variants made, on the stack for
 * up to 8. */
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

  /* a node run inside the run (a pipeline node): on the values themselves, in this run */
  if (gn->run_invoke != NULL)
    return gn->run_invoke (gn->node, run, args, gn->n_inputs, item, results, cached, error);

  /* a language bridge's node: on the values, host values included; every output must be set,
   * and one left NULL fails the call as a node that returned nothing */
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

  /* data passes as it is (a value of data is its variant); only host values convert. A host
   * value is a tagged pointer (NULL, an optional input not given, has no tag): one OR over the
   * arguments tells, with no branch per argument. */
  {
    guintptr tags = 0;

    for (guint p = 0; p < gn->n_inputs; p++)
      tags |= (guintptr) args[p];
    converted = _hn_value_is_host ((HnValue *) tags);
  }
  if (!converted)
    variants = (GVariant **) args;
  else
    {
      if (gn->n_inputs > G_N_ELEMENTS (stack_variants))
        variants = heap_variants = g_new (GVariant *, gn->n_inputs);
      if (!_hn_invoke_args_as_variants (run, gn, args, variants, item, error))
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
  /* only variants made here are this call's: otherwise they are @args, borrowed */
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
  /* a result of the wrong shape fails the library's check, named and not retried */
  *checked = !split_result (run, gn, value, results, item, error);
  return !*checked;
}

/* A call of a node bound to a main context, made from another thread: it runs in the
 * context's thread, which the executors iterate while they wait, and this thread waits. It
 * lives on the waiting thread's stack: that thread sees @done only once the other has let go
 * of @lock, its last use of the struct. */
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

/* In the bound context's thread: the call, then the waiting thread woken. HN_TSAN_ACQUIRE
 * pairs with the HN_TSAN_RELEASE before g_source_attach(): GLib is not built with TSan, which
 * cannot see the hand-over through the context's list of sources. */
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

/* One attempt, in the thread the node must be called from. A node bound to a main context
 * that another thread owns (HnNode:main-context: a gjs function, whose language runs on one
 * thread only) is handed to that context as a source, and this thread blocks until the call
 * is done; everything else is called here, at the cost of one test. The source runs at
 * G_PRIORITY_DEFAULT, with the context's ordinary work rather than after it. */
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
  Dispatch d;
  GSource *source;

  if (G_LIKELY (gn->main_context == NULL) || g_main_context_is_owner (gn->main_context))
    return call_here (run, gn, args, item, results, checked, cached, error);

  /* filled here, not where it is declared: the common call above must not pay for it */
  d = (Dispatch) { run, gn, args, item, results, checked, cached, NULL, FALSE, FALSE, };
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

/* Calls the node until it succeeds or a failure may not be retried (should_retry()); a failure
 * of the library's own checks (*@checked) is not retried, as the same arguments fail the same
 * way, nor is a call that failed without an error, reported at once as a node that returned
 * nothing. *@attempts is the number of calls made, for the message. Callbacks hear of the call
 * once: "node start" before the first attempt, "node end" or "error" after the last. */
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
      if (*checked || !_hn_invoke_should_retry (run, gn, local, attempt))
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      g_debug ("Node “%s” failed (attempt %u of %u), trying again: %s",
               gn->name, attempt + 1, run->retries + 1, local->message);
      g_error_free (local);
    }
}

/* ---- the outcome: frame, cache, callbacks ----------------------------------------------- */

/* Checks @results against the declared output types and moves them into @frame.
 *
 * A host value at a typed output becomes data here, once, so that its consumers and the cache
 * get the declared type. Every check comes before the first move: on failure all @results are
 * dropped and @frame is as it was. One output of data is most nodes, so it is tested first. */
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

      /* an untyped output takes any value, a host value as it is */
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
 * cannot become data. An input not given (NULL) is an empty maybe. Only made when a callback
 * wants node events: it may convert, or pickle, each host value. */
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
 * (not consumed), NULL on failure. The "node end" event carries the results as one variant
 * (a tuple for several outputs) and the time since @started, in seconds; "error" carries
 * *@error, the message the caller gets, which names the node. */
void
_hn_invoke_after_call (HnRun        *run,
                       HnGraphNode  *gn,
                       const char   *key,
                       HnValue     **results,
                       gboolean      ok,
                       gint64        item,
                       gint64        started,
                       GError      **error)
{
  /* stored before "node end" fires: a callback that looks in the cache finds the entry */
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

/* Fires "node start" with the arguments as variants, when a callback implements it: the
 * arguments are converted for listeners only. */
void
_hn_invoke_before_call (HnRun        *run,
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

/* ---- the synchronous path --------------------------------------------------------------- */

/* Calls the node, stores its results, tells the cache and callbacks.
 *
 * When nothing watches (no cache key, no callback for node events) it is the call and the
 * store only: no clock read, no variant for callbacks, no reference taken. Otherwise the
 * results are taken again from @frame after store(), so that the cache and "node end" see
 * what the consumers get (host values converted at typed outputs). */
G_ALWAYS_INLINE static inline gboolean
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

  _hn_invoke_before_call (run, gn, args, item);
  started = g_get_monotonic_time ();
  /* the duration covers every attempt */
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
  _hn_invoke_after_call (run, gn, key, ok ? results : NULL, ok, item, started, error);
  /* the references taken for the cache and the callbacks */
  if (ok)
    _hn_invoke_clear_results (results, gn->n_outputs);
  return ok;
}

/* The synchronous path; its steps are at the top of the file. A cancelled run (or one past its
 * timeout) calls no further node, not even one the cache would answer. The arguments live on
 * the stack for up to 8 inputs, so a call allocates nothing of its own. A cache hit is counted
 * in run->n_cached, atomically, as the workers of a thread pool share the run: the composite
 * executor's item node tells from it that every step of an item came from the cache. */
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

  /* the arguments gather converted are this call's own */
  if (G_UNLIKELY (any_owned))
    for (guint p = 0; p < gn->n_inputs; p++)
      if (owned[p])
        _hn_value_unref (args[p]);
  return ok;
}

/* ---- for the other files of the invocation path ---------------------------------------- */

/* Out-of-line copies of the inline steps, for hn-invoke-cache.c and hn-run-engine.c; in this
 * file the steps stay G_ALWAYS_INLINE. */

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

gboolean
_hn_invoke_gather (HnRun        *run,
                   HnGraphNode  *gn,
                   HnValue     **frame,
                   HnValue     **args,
                   gboolean     *owned,
                   gboolean     *any_owned,
                   gint64        item,
                   GError      **error)
{
  return gather (run, gn, frame, args, owned, any_owned, item, error);
}

gboolean
_hn_invoke_call_with_retries (HnRun        *run,
                              HnGraphNode  *gn,
                              HnValue     **args,
                              gint64        item,
                              HnValue     **results,
                              guint        *attempts,
                              gboolean     *checked,
                              gboolean     *cached,
                              GError      **error)
{
  return call_with_retries (run, gn, args, item, results, attempts, checked, cached, error);
}
