/* hn-invoke-errors.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The errors of the invocation path. Each names the node, with the path of the pipeline nodes
 * above it ("outer › inner[3] › check"), and in a map the item of the outermost map; each
 * message has a form with the item and one without, translated separately.
 *
 * Three kinds: a result that is not what the node declares (HN_NODE_ERROR_INVALID_RESULT), an
 * argument of the wrong type (HN_PIPELINE_ERROR_TYPE_MISMATCH, saying where it came from), and
 * a node's own failure (HN_NODE_ERROR_FAILED, with the attempts and the node's error kept as its
 * cause). The functions that set an error return FALSE, so that a caller can return it. */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hn-error.h"
#include "hn-error-private.h"
#include "hn-invoke-private.h"
#include "hn-node-private.h"

/* @format words only what is wrong; the node's path and the item are prefixed here, for every
 * caller alike. */
gboolean
_hn_invoke_invalid_result (HnRun        *run,
                           HnGraphNode  *gn,
                           gint64        item,
                           GError      **error,
                           const char   *format,
                           ...)
{
  g_autofree char *detail = NULL;
  g_autofree char *label = NULL;
  gint64 top_item;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  label = _hn_run_describe_node (run, gn->name, item, &top_item);
  if (top_item >= 0)
    g_set_error (error, HN_NODE_ERROR, HN_NODE_ERROR_INVALID_RESULT,
                 _("Node “%s” on item %lld: %s"), label, (long long) top_item, detail);
  else
    g_set_error (error, HN_NODE_ERROR, HN_NODE_ERROR_INVALID_RESULT,
                 _("Node “%s”: %s"), label, detail);
  return FALSE;
}

/* A node's own error as a HN_NODE_ERROR_FAILED that names the node, the item and the attempts.
 * The node's error itself stays reachable, as hn_node_error_get_cause(): a binding can raise
 * the exception the node raised. The attempts are named only when there were retries. */
static void
node_failed (HnRun         *run,
             HnGraphNode   *gn,
             gint64         item,
             guint          attempts,
             const GError  *cause,
             GError       **error)
{
  const char *message = cause->message;
  g_autofree char *label = NULL;
  g_autofree char *tries = NULL;
  gint64 top_item;

  label = _hn_run_describe_node (run, gn->name, item, &top_item);
  if (attempts > 1)
    tries = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, " after %u attempt",
                                          " after %u attempts", attempts),
                             attempts);
  if (top_item >= 0)
    g_set_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED,
                 _("Node “%s” failed on item %lld%s: %s"),
                 label, (long long) top_item, tries ? tries : "", message);
  else
    g_set_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED,
                 _("Node “%s” failed%s: %s"), label, tries ? tries : "", message);
  if (error != NULL)
    _hn_node_error_set_cause (*error, cause);
}

/* Where the value came from: the node that produced it, "the caller" for a root input, or
 * nothing for a node called outside a graph (engine glue), whose arguments have no producer. */
gboolean
_hn_invoke_type_mismatch (HnRun        *run,
                          HnGraphNode  *gn,
                          guint         p,
                          const char   *what,
                          gint64        item,
                          GError      **error)
{
  HnGraph *graph = run->graph;
  int producer;
  g_autofree char *label = NULL;
  g_autofree char *src_label = NULL;
  gint64 top_item;

  label = _hn_run_describe_node (run, gn->name, item, &top_item);
  if (gn->input_slots == NULL)
    {
      /* a node called outside of a graph (engine glue): its arguments have no producer */
      const char *name = hn_node_get_inputs (gn->node)[p];

      if (top_item >= 0)
        g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                     _("Input “%s” of node “%s” on item %lld: %s"), name, label,
                     (long long) top_item, what);
      else
        g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                     _("Input “%s” of node “%s”: %s"), name, label, what);
      return FALSE;
    }
  producer = graph->producer[gn->input_slots[p]];
  if (producer < 0)
    src_label = g_strdup (_("the caller"));
  else
    src_label = _hn_run_describe_node (run, graph->nodes[producer].name, -1, NULL);
  if (top_item >= 0)
    g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                 _("Input “%s” of node “%s” on item %lld (from %s): %s"),
                 graph->slot_names[gn->input_slots[p]], label, (long long) top_item, src_label,
                 what);
  else
    g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                 _("Input “%s” of node “%s” (from %s): %s"),
                 graph->slot_names[gn->input_slots[p]], label, src_label, what);
  return FALSE;
}

/* Wraps the error of a failed call with the node's name (@node_error is taken; NULL for a node
 * that returned nothing and said nothing).
 *
 * A node that said nothing, called off the run's thread and bound to no context, is most
 * likely one of a binding that cannot call its language from another thread: the message
 * says what to set. */
gboolean
_hn_invoke_call_failed (HnRun        *run,
                        HnGraphNode  *gn,
                        GError       *node_error,
                        gboolean      checked,
                        gint64        item,
                        guint         attempts,
                        GError      **error)
{
  g_autoptr(GError) local_error = node_error;

  /* a binding that cannot call its language in this thread (gjs) says nothing */
  if (local_error == NULL && gn->main_context == NULL && run->root->thread != NULL &&
      run->root->thread != g_thread_self ())
    return _hn_invoke_invalid_result (run, gn, item, error,
                           _("returned no value and no error (a node written in a language "
                             "that runs on one thread only, such as JavaScript, must say so: set "
                             "its “main-context” property)"));
  if (local_error == NULL)
    return _hn_invoke_invalid_result (run, gn, item, error, _("returned no value and no error"));

  /* cancellations and the library's own checks pass as they are; so do the errors of a
   * nested pipeline, which name their node already */
  if (checked || g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      gn->run_invoke != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  node_failed (run, gn, item, attempts, local_error, error);
  return FALSE;
}
