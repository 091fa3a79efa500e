/* hn-node-value-call.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* HnValueCall: one call of a node's asynchronous value function. The function completes it
 * from any thread; the outcome is delivered in the main context of the thread that made the
 * call, where the invocation path waits for it (hn-invoke.c). */

#include "config.h"

#include <string.h>

#include "hn-node-private.h"
#include "hn-tsan-private.h"
#include "hn-value-private.h"

struct _HnValueCall
{
  const char      *node_name;  /* for messages; the node outlives the call */
  guint            n_outputs;
  GMainContext    *context;    /* where @done runs */
  HnValueCallDone  done;
  gpointer         done_data;
  HnValue        **results;
  GError          *error;
  gint             returned;
};

HnValueCall *
_hn_value_call_new (const char      *node_name,
                    guint            n_outputs,
                    HnValueCallDone  done,
                    gpointer         user_data)
{
  HnValueCall *call = g_new0 (HnValueCall, 1);

  call->node_name = node_name;
  call->n_outputs = n_outputs;
  call->context = g_main_context_ref_thread_default ();
  call->done = done;
  call->done_data = user_data;
  return call;
}

static gboolean
deliver (gpointer user_data)
{
  HnValueCall *call = user_data;

  HN_TSAN_ACQUIRE (call);
  call->done (g_steal_pointer (&call->results), g_steal_pointer (&call->error),
              call->done_data);
  g_main_context_unref (call->context);
  g_free (call);
  return G_SOURCE_REMOVE;
}

static void
complete (HnValueCall *call)
{
  /* the source may run (and the call, its run and their context go) before g_source_attach()
   * returns: the context is held until the source is let go */
  GMainContext *context = g_main_context_ref (call->context);
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, deliver, call, NULL);
  HN_TSAN_RELEASE (call);
  g_source_attach (source, context);
  g_source_unref (source);
  g_main_context_unref (context);
}

/* A second return is a programmer error. It is refused while the first one has not been
 * delivered; after that the call is freed, and a second return reads freed memory. */
static gboolean
first_return (HnValueCall *call,
              const char  *func)
{
  if (g_atomic_int_compare_and_exchange (&call->returned, 0, 1))
    return TRUE;
  g_critical ("%s: the call of node “%s” has returned already", func, call->node_name);
  return FALSE;
}

/**
 * hn_value_call_return_values: (skip)
 * @call: a call started by an [callback@NodeValueAsyncFunc]
 * @results: (transfer full) (array): one new value per output of the node; the array itself
 *   stays the caller's
 *
 * Completes @call with the node's outputs. Call it once, from any thread.
 */
void
hn_value_call_return_values (HnValueCall  *call,
                             HnValue     **results)
{
  g_return_if_fail (call != NULL);
  g_return_if_fail (results != NULL);
  if (!first_return (call, G_STRFUNC))
    return;

  call->results = g_new0 (HnValue *, MAX (call->n_outputs, 1));
  memcpy (call->results, results, sizeof (HnValue *) * call->n_outputs);
  complete (call);
}

/**
 * hn_value_call_return_error: (skip)
 * @call: a call started by an [callback@NodeValueAsyncFunc]
 * @error: (transfer full): why the node failed
 *
 * Completes @call with an error. Call it once, from any thread.
 */
void
hn_value_call_return_error (HnValueCall *call,
                            GError      *error)
{
  g_return_if_fail (call != NULL);
  g_return_if_fail (error != NULL);
  if (!first_return (call, G_STRFUNC))
    {
      g_error_free (error);
      return;
    }

  call->error = error;
  complete (call);
}
