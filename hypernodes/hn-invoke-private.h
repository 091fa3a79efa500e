/* hn-invoke-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-run-private.h"

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

/* One call in halves, for schedulers that call nodes asynchronously or on other threads. */
typedef struct _HnInvocation HnInvocation;
typedef void (*HnInvocationDone) (HnInvocation *invocation,
                                  gpointer      user_data);

/* Gathers the arguments from @frame; NULL (with @error set) if they are not what the node
 * expects or the run is cancelled. */
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
/* Calls the node's invoke_async in the thread-default main context, retrying failures; @done
 * runs in that context. */
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

G_END_DECLS
