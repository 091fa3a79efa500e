/* hn-invoke-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-graph-private.h"
#include "hn-run-private.h"
#include "hn-value-private.h"

G_BEGIN_DECLS

/* The one way a node is called. Every executor calls a node of a run through here, the async
 * executor through the halves below:
 *
 *   cancellation check -> gather the arguments from the frame (checking types) -> cache lookup
 *   (on a hit: "node cached", and done) -> "node start" -> call the node (a pipeline node runs
 *   its pipeline as a child run) -> retry a failure up to the run's retries -> check the result
 *   and split it into the frame -> cache store -> "node end" with the duration (or "error").
 *
 * Errors name the node (with the path of pipeline nodes above it) and the map item. */

/* Calls graph node @index of @run on @frame, storing its outputs. @item is the map index of
 * @run, or -1. *@cached (if given) is set to whether the result came from the cache. */
gboolean      _hn_invoke                 (HnRun         *run,
                                          guint          index,
                                          HnValue      **frame,
                                          gint64         item,
                                          gboolean      *cached,
                                          GError       **error);

/* One call in halves, for schedulers that call nodes asynchronously or on other threads (the
 * async executor): made and completed in the scheduler's thread, called in between. */
typedef struct _HnInvocation HnInvocation;
/* Called when the call of _hn_invocation_call_async() is over; it completes (or frees)
 * @invocation. */
typedef void (*HnInvocationDone) (HnInvocation *invocation,
                                  gpointer      user_data);

/* Gathers the arguments from @frame and looks the call up in the cache (a hit is stored in
 * @frame); NULL (with @error set) if they are not what the node expects or the run is
 * cancelled. */
HnInvocation *_hn_invocation_new         (HnRun         *run,
                                          guint          index,
                                          HnValue      **frame,
                                          gint64         item,
                                          GError       **error);
/* The graph index of the node. */
guint         _hn_invocation_get_index   (HnInvocation  *invocation);
/* Whether the node is bound to a main context this thread owns: then it is called here. */
gboolean      _hn_invocation_is_bound_here (HnInvocation *invocation);
/* Whether the result came from the cache: complete it without calling the node. */
gboolean      _hn_invocation_is_cached   (HnInvocation  *invocation);
/* Whether the node has an asynchronous implementation. */
gboolean      _hn_invocation_has_async   (HnInvocation  *invocation);
/* Calls the node synchronously, in any thread, retrying failures. */
void          _hn_invocation_call        (HnInvocation  *invocation);
/* Calls the node asynchronously (its asynchronous value function, or invoke_async), retrying
 * failures; a node bound to another thread's context starts there. @done runs in the caller's
 * thread-default main context (possibly before this returns, when the arguments cannot
 * convert). */
void          _hn_invocation_call_async  (HnInvocation  *invocation,
                                          HnInvocationDone done,
                                          gpointer       user_data);
/* Checks the result and splits it into @frame (the frame given to _hn_invocation_new()), then
 * frees @invocation. */
gboolean      _hn_invocation_complete    (HnInvocation  *invocation,
                                          HnValue      **frame,
                                          GError       **error);
/* Frees an invocation that will not complete. */
void          _hn_invocation_free        (HnInvocation  *invocation);

/* ---- shared by the files of the invocation path and the run's engine interface ------------ */

/* hn-invoke.c: the steps the other files reuse (inline where hn-invoke.c calls them). */

/* Host value @value as data for a port of type @check: converted to it (to data of the
 * value's own choosing when @check is not definite), and checked. */
GVariant     *_hn_invoke_host_at_port    (HnValue            *value,
                                          const GVariantType *check,
                                          GError            **error);
/* Splits a node's variant result (taken) into @results, checking its shape. */
gboolean      _hn_invoke_split_result    (HnRun         *run,
                                          HnGraphNode   *gn,
                                          GVariant      *value,
                                          HnValue      **results,
                                          gint64         item,
                                          GError       **error);
/* Checks @results against the declared output types and moves them into @frame. */
gboolean      _hn_invoke_store           (HnRun         *run,
                                          HnGraphNode   *gn,
                                          HnValue      **frame,
                                          HnValue      **results,
                                          gint64         item,
                                          GError       **error);
/* Calls the node on @args (retrying failures), stores its results in @frame, tells the cache
 * (when @key is given) and the callbacks. */
gboolean      _hn_invoke_call_and_store  (HnRun         *run,
                                          HnGraphNode   *gn,
                                          HnValue      **args,
                                          HnValue      **frame,
                                          const char    *key,
                                          gint64         item,
                                          gboolean      *cached,
                                          GError       **error);

/* Fills @args from @frame (borrowed), host values at typed ports converted (new references,
 * @owned[p] set, *@any_owned when one is); fails on a type mismatch or a cancelled run. */
gboolean      _hn_invoke_gather          (HnRun         *run,
                                          HnGraphNode   *gn,
                                          HnValue      **frame,
                                          HnValue      **args,
                                          gboolean      *owned,
                                          gboolean      *any_owned,
                                          gint64         item,
                                          GError       **error);
/* The arguments of a node called on variants: host values become data of the port's type. */
gboolean      _hn_invoke_args_as_variants (HnRun        *run,
                                           HnGraphNode  *gn,
                                           HnValue     **args,
                                           GVariant    **variants,
                                           gint64        item,
                                           GError      **error);
/* Whether a call that failed with @error on attempt @attempt (from 0) may be tried again. */
gboolean      _hn_invoke_should_retry    (HnRun         *run,
                                          HnGraphNode   *gn,
                                          GError        *error,
                                          guint          attempt);
/* One synchronous call with the run's retries: fills @results (one new value per output). */
gboolean      _hn_invoke_call_with_retries (HnRun       *run,
                                            HnGraphNode *gn,
                                            HnValue    **args,
                                            gint64       item,
                                            HnValue    **results,
                                            guint       *attempts,
                                            gboolean    *checked,
                                            gboolean    *cached,
                                            GError     **error);
/* "node start" for a call on @args, when a callback wants it. */
void          _hn_invoke_before_call     (HnRun         *run,
                                          HnGraphNode   *gn,
                                          HnValue      **args,
                                          gint64         item);
/* After a call: the cache stores the results (under @key, when given) and the callbacks hear
 * "node end" with the duration since @started, or "error". @results are not consumed. */
void          _hn_invoke_after_call      (HnRun         *run,
                                          HnGraphNode   *gn,
                                          const char    *key,
                                          HnValue      **results,
                                          gboolean       ok,
                                          gint64         item,
                                          gint64         started,
                                          GError       **error);

/* hn-invoke-errors.c */

/* Sets a HN_NODE_ERROR_INVALID_RESULT naming the node and @item; returns FALSE. */
gboolean      _hn_invoke_invalid_result  (HnRun         *run,
                                          HnGraphNode   *gn,
                                          gint64         item,
                                          GError       **error,
                                          const char    *format,
                                          ...) G_GNUC_PRINTF (5, 6);
/* Sets a HN_PIPELINE_ERROR_TYPE_MISMATCH for input @p of the node, saying @what is wrong and
 * where the value came from; returns FALSE. */
gboolean      _hn_invoke_type_mismatch   (HnRun         *run,
                                          HnGraphNode   *gn,
                                          guint          p,
                                          const char    *what,
                                          gint64         item,
                                          GError       **error);
/* Wraps the error of a failed call (@node_error is taken; NULL for a node that returned
 * nothing and said nothing) with the node's name, the item and the attempts. @checked: the
 * library's own checks failed, and the error names the node already. Returns FALSE. */
gboolean      _hn_invoke_call_failed     (HnRun         *run,
                                          HnGraphNode   *gn,
                                          GError        *node_error,
                                          gboolean       checked,
                                          gint64         item,
                                          guint          attempts,
                                          GError       **error);

/* hn-invoke-cache.c */

/* Whether calls of the node go through the run's cache. */
static inline gboolean
_hn_invoke_cacheable (HnRun       *run,
                      HnGraphNode *gn)
{
  /* the nodes of a nested pipeline are cached one by one */
  return run->cache != NULL && gn->run_invoke == NULL && hn_node_get_cache (gn->node);
}
/* The cache key of a call: the node's identity and the serialized inputs with their types,
 * the same in every process; NULL when an input has no key (the call is not cached). */
char         *_hn_invoke_cache_key       (HnGraphNode   *gn,
                                          HnValue      **args);
/* On a hit, stores the cached result in @frame and fires "node cached". */
gboolean      _hn_invoke_cache_lookup    (HnRun         *run,
                                          HnGraphNode   *gn,
                                          const char    *key,
                                          HnValue      **frame,
                                          gint64         item);
/* Stores the node's @results (not consumed) under @key. */
void          _hn_invoke_cache_store     (HnRun         *run,
                                          HnGraphNode   *gn,
                                          const char    *key,
                                          HnValue      **results);

/* Drops the @n variants of @variants (NULL ones skipped), leaving every slot NULL. */
static inline void
_hn_invoke_free_variants (GVariant **variants,
                          guint      n)
{
  for (guint p = 0; p < n; p++)
    g_clear_pointer (&variants[p], g_variant_unref);
}

/* Drops the @n values of @results (NULL ones skipped), leaving every slot NULL. */
static inline void
_hn_invoke_clear_results (HnValue **results,
                          guint     n)
{
  for (guint o = 0; o < n; o++)
    if (results[o] != NULL)
      {
        _hn_value_unref (results[o]);
        results[o] = NULL;
      }
}

G_END_DECLS
