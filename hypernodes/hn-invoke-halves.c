/* hn-invoke-halves.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The invocation path in halves, for a scheduler that cannot wait in the calling thread for a
 * node to finish (the async executor): _hn_invocation_new() gathers the arguments and looks in
 * the cache; _hn_invocation_call() or _hn_invocation_call_async() makes the call (an
 * asynchronous value function, invoke_async, or a synchronous call on a worker), retrying
 * failures; _hn_invocation_complete() checks the outcome and stores it in the frame. The steps
 * are those of _hn_invoke() (hn-invoke.c), shared with it: same checks, same callbacks, same
 * errors. */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hn-callback-context.h"
#include "hn-callback-private.h"
#include "hn-error.h"
#include "hn-invoke-private.h"
#include "hn-node-private.h"
#include "hn-tsan-private.h"
#include "hn-value-private.h"

/* One call in halves. It holds references of its own to its arguments (it outlives the step
 * that made it, and its call may run in another thread) and, once called, to the outcome:
 * @results (a synchronous call or a value function), @result (invoke_async's variant, split in
 * _hn_invocation_complete()) or @error. The arguments are allocated with it: one allocation. */
struct _HnInvocation
{
  HnRun            *run;
  /* the graph node, and the map item (or -1) for the messages and the callbacks */
  guint             index;
  gint64            item;
  /* the calls made so far, for the retries and the message */
  guint             attempt;
  /* answered by the cache in _hn_invocation_new(): the call is not made */
  gboolean          cached;
  gboolean          checked;     /* the call failed the library's own checks */
  gboolean          reported_cached;  /* a run_invoke call answered all from the cache */
  /* the cache key, NULL when the call is not cached */
  char             *key;
  /* the g_get_monotonic_time() of "node start", for the duration of "node end" */
  gint64            started;
  GVariant         *result;      /* of an asynchronous call */
  GError           *error;
  /* where the outcome goes: the scheduler's done, or bound_done() for a call started in the
   * context of a bound node */
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

/* ---- the same call in halves (HnInvocation) --------------------------------------------- */

/* The first half, in the scheduler's thread, where the frame is: cancellation check, gather
 * and cache lookup, as _hn_invoke() does. The invocation takes a reference to each borrowed
 * argument, so that it owns them all alike. When gather fails, the arguments are zeroed
 * before the free: gather dropped the ones it converted, and the others were borrowed. */
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
  if (!_hn_invoke_gather (run, gn, frame, invocation->args, owned, &any_owned, item, error))
    {
      memset (invocation->args, 0, sizeof (HnValue *) * gn->n_inputs);
      _hn_invocation_free (invocation);
      return NULL;
    }
  /* from here the invocation holds a reference to every argument */
  for (guint p = 0; p < gn->n_inputs; p++)
    if (invocation->args[p] != NULL && (!any_owned || !owned[p]))
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

/* Answered from the cache: at _hn_invocation_new(), or by a node run inside the run that said
 * all its steps were (reported_cached: the composite executor's item node), so that the
 * scheduler can fire "map item cached" for an item none of whose nodes ran. */
gboolean
_hn_invocation_is_cached (HnInvocation *invocation)
{
  return invocation->cached || invocation->reported_cached;
}

/* Frees an invocation at any stage: before its call, after it, or after a cache hit. */
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

/* A node run inside the run has none: its steps run synchronously (on the async executor's
 * pool). A bridge's node is asynchronous when it has an asynchronous value function, any other
 * when its class implements invoke_async. */
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
 * failure may be tried again, else the invocation is done. @results is taken; an output left
 * NULL fails the call as a node that returned nothing. A retry fires no second "node start". */
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
  else if (_hn_invoke_should_retry (run, gn, error, invocation->attempt - 1))
    {
      g_error_free (error);
      attempt_value_async (invocation);
      return;
    }
  else
    invocation->error = error;

  invocation->done (invocation, invocation->done_data);
}

/* One attempt of an asynchronous value function, on the values themselves. Each attempt has an
 * HnValueCall of its own, as a call is completed exactly once and freed by its completion. */
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

/* ---- the calls of the halves ------------------------------------------------------------ */

/* A synchronous call, in any thread: the same call_with_retries() as _hn_invoke() (a bound
 * node dispatched to its context included). Its outcome waits in the invocation for
 * _hn_invocation_complete(). */
void
_hn_invocation_call (HnInvocation *invocation)
{
  HnRun *run = invocation->run;
  HnGraphNode *gn = &run->graph->nodes[invocation->index];

  invocation->results = g_new0 (HnValue *, MAX (gn->n_outputs, 1));
  _hn_invoke_before_call (run, gn, invocation->args, invocation->item);
  invocation->started = g_get_monotonic_time ();
  /* no results on failure: _hn_invocation_complete() then reports invocation->error */
  if (!_hn_invoke_call_with_retries (run, gn, invocation->args, invocation->item, invocation->results, &invocation->attempt, &invocation->checked, &invocation->reported_cached, &invocation->error))
    g_clear_pointer (&invocation->results, g_free);
}

static void attempt_async (HnInvocation *invocation);

/* The outcome of invoke_async, in the thread-default context of the call (the GAsyncResult
 * rule). An error wins over a value returned with it, as in call_here(); the value is split in
 * _hn_invocation_complete(), where the frame is. A failure may be tried again. */
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
  /* an error wins over a value returned with it; a floating one is sunk to be freed */
  if (local != NULL && result != NULL)
    g_variant_unref (g_variant_ref_sink (result));
  else if (local == NULL)
    {
      invocation->result = result;
      invocation->done (invocation, invocation->done_data);
      return;
    }

  if (_hn_invoke_should_retry (run, gn, local, invocation->attempt - 1))
    {
      g_error_free (local);
      attempt_async (invocation);
      return;
    }
  invocation->error = local;
  invocation->done (invocation, invocation->done_data);
}

/* One attempt of invoke_async, on the variants start_async() made once for every attempt. */
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
 * completion comes back to the context of the thread that started the call, here.
 * HN_TSAN_ACQUIRE pairs with the release in attach_invocation(). */
static gboolean
deliver_to_caller (gpointer data)
{
  HnInvocation *invocation = data;

  HN_TSAN_ACQUIRE (invocation);
  invocation->caller_done (invocation, invocation->caller_data);
  return G_SOURCE_REMOVE;
}

/* Hands @invocation to @context's thread: @func runs there from a source at
 * G_PRIORITY_DEFAULT. HN_TSAN_RELEASE here pairs with the HN_TSAN_ACQUIRE in @func, for TSan,
 * which does not see GLib's locks. */
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

/* The done of a call started in a bound context: the outcome goes back, as another source, to
 * the context the call was made from, so that the scheduler's state is only touched in its own
 * thread. */
static void
bound_done (HnInvocation *invocation,
            gpointer      user_data)
{
  attach_invocation (invocation, invocation->caller_context, deliver_to_caller);
}

/* In the bound context's thread: the call starts there, and bound_done() sends it back. */
static gboolean
start_in_bound_context (gpointer data)
{
  HN_TSAN_ACQUIRE (data);
  start_async (data);
  return G_SOURCE_REMOVE;
}

/* A node bound to a context another thread owns must start there (a gjs node: its language
 * runs on that thread only); the caller's done and thread-default context are kept for
 * bound_done(). Any other starts here, and @done runs in this thread's context. */
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
  /* the outcome comes back to the caller's thread-default context, as it would unbound */
  invocation->caller_done = done;
  invocation->caller_data = user_data;
  invocation->caller_context = g_main_context_ref_thread_default ();
  invocation->done = bound_done;
  invocation->done_data = NULL;
  attach_invocation (invocation, bound, start_in_bound_context);
}

/* Fires "node start" and makes the first attempt: the asynchronous value function on the values
 * themselves, or invoke_async on variants made once for all attempts. When the arguments cannot
 * become variants, done runs at once (before _hn_invocation_call_async() returns, when not
 * bound), with checked set: the type mismatch passes as it is, not retried. */
static void
start_async (HnInvocation *invocation)
{
  HnRun *run = invocation->run;
  HnGraphNode *gn = &run->graph->nodes[invocation->index];
  HnInvocationDone done = invocation->done;
  gpointer user_data = invocation->done_data;

  _hn_invoke_before_call (run, gn, invocation->args, invocation->item);
  invocation->started = g_get_monotonic_time ();
  if (gn->value_async_func != NULL)
    {
      attempt_value_async (invocation);
      return;
    }
  /* the invocation's own: invoke_async may use them until it completes, retries included */
  invocation->variants = g_new0 (GVariant *, MAX (invocation->n_args, 1));
  if (!_hn_invoke_args_as_variants (run, gn, invocation->args, invocation->variants, invocation->item, &invocation->error))
    {
      invocation->checked = TRUE;
      done (invocation, user_data);
      return;
    }
  attempt_async (invocation);
}

/* ---- the second half -------------------------------------------------------------------- */

/* In the scheduler's thread. A cache hit is done already (the lookup filled the frame and fired
 * "node cached"). An asynchronous call's variant is split here rather than in its callback, so
 * that every check and store is made where the frame belongs; then, as in call_and_store(), the
 * cache and "node end" see the values the frame got. */
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

  /* a failed call has neither result nor results, and its error (or none) waits in the
   * invocation */
  if (invocation->result != NULL)
    {
      /* an asynchronous call: its variant is split here */
      results = g_new0 (HnValue *, MAX (gn->n_outputs, 1));
      if (!_hn_invoke_split_result (run, gn, g_steal_pointer (&invocation->result), results,
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
      ok = _hn_invoke_store (run, gn, frame, results, invocation->item, error);
      if (ok)
        for (guint o = 0; o < gn->n_outputs; o++)
          results[o] = _hn_value_ref (frame[gn->output_slots[o]]);
    }
  _hn_invoke_after_call (run, gn, invocation->key, ok ? results : NULL, ok, invocation->item,
              invocation->started, error);
  /* the references taken for the cache and the callbacks */
  if (ok)
    _hn_invoke_clear_results (results, gn->n_outputs);
  _hn_invocation_free (invocation);
  return ok;
}
