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
#include "hn-invoke-private.h"
#include "hn-node-private.h"
#include "hn-run.h"
#include "hn-tsan-private.h"

struct _HnInvocation
{
  HnRun            *run;
  guint             index;
  gint64            item;
  guint             attempt;
  gboolean          cached;
  char             *key;
  gint64            started;
  GVariant         *result;
  GError           *error;
  HnInvocationDone  done;
  gpointer          done_data;
  guint             n_args;
  GVariant         *args[];
};

static gboolean
invalid_result (HnRun        *run,
                HnGraphNode  *gn,
                gint64        item,
                GError      **error,
                const char   *format,
                ...) G_GNUC_PRINTF (5, 6);

static gboolean
invalid_result (HnRun        *run,
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

/* A node's own error as a HN_NODE_ERROR_FAILED that names the node, the item and the attempts. */
static void
node_failed (HnRun        *run,
             HnGraphNode  *gn,
             gint64        item,
             guint         attempts,
             const char   *message,
             GError      **error)
{
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
}

static gboolean
gather (HnRun        *run,
        HnGraphNode  *gn,
        GVariant    **frame,
        GVariant    **args,
        gint64        item,
        GError      **error)
{
  HnGraph *graph = run->graph;

  for (guint p = 0; p < gn->n_inputs; p++)
    {
      GVariant *value = frame[gn->input_slots[p]];

      if (gn->input_checks[p] != NULL && !g_variant_is_of_type (value, gn->input_checks[p]))
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
                         g_variant_get_type_string (value), (long long) top_item, label,
                         g_variant_type_peek_string (gn->input_checks[p]));
          else
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                         _("Node “%s” produced “%s” with type “%s”, but node “%s” expects type "
                           "“%s”"),
                         src_label, graph->slot_names[gn->input_slots[p]],
                         g_variant_get_type_string (value), label,
                         g_variant_type_peek_string (gn->input_checks[p]));
          return FALSE;
        }
      args[p] = value;
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
  g_autoptr(GMainContext) context = g_main_context_new ();
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

/* One synchronous attempt. Returns the value, or NULL with @error set (or not, for a node that
 * returned nothing and said nothing). */
static GVariant *
call_once (HnRun         *run,
           HnGraphNode   *gn,
           GVariant     **args,
           gint64         item,
           GError       **error)
{
  if (run->root->timeout_state != NULL)
    g_atomic_pointer_set (&run->root->timeout_state->running, g_intern_string (gn->name));

  if (gn->run_invoke != NULL)
    return gn->run_invoke (gn->node, run, args, gn->n_inputs, item, error);

  if (!_hn_node_has_sync (gn->node) && _hn_node_has_async (gn->node))
    return call_async_blocking (run, gn, args, error);

  return HN_NODE_GET_CLASS (gn->node)->invoke (gn->node, args, gn->n_inputs, run->cancellable,
                                               error);
}

static GVariant *
call_with_retries (HnRun        *run,
                   HnGraphNode  *gn,
                   GVariant    **args,
                   gint64        item,
                   guint        *attempts,
                   GError      **error)
{
  for (guint attempt = 0;; attempt++)
    {
      GError *local = NULL;
      GVariant *result = call_once (run, gn, args, item, &local);

      *attempts = attempt + 1;
      if (local == NULL)
        return result;
      if (result != NULL)
        /* an error wins over a value returned with it */
        g_variant_unref (g_variant_ref_sink (result));
      if (!should_retry (run, gn, local, attempt))
        {
          g_propagate_error (error, local);
          return NULL;
        }
      g_debug ("Node “%s” failed (attempt %u of %u), trying again: %s",
               gn->name, attempt + 1, run->retries + 1, local->message);
      g_error_free (local);
    }
}

/* Takes @value and @node_error (either may be NULL): wraps errors with the node's name, checks
 * the result and splits it into @frame. */
static gboolean
store (HnRun        *run,
       HnGraphNode  *gn,
       GVariant    **frame,
       GVariant     *value,
       GError       *node_error,
       gint64        item,
       guint         attempts,
       GError      **error)
{
  g_autoptr(GError) local_error = node_error;
  g_autoptr(GVariant) result = value;

  if (result == NULL)
    {
      if (local_error == NULL)
        return invalid_result (run, gn, item, error, _("returned no value and no error"));

      /* cancellations pass as they are; so do the errors of a nested pipeline, which name
       * their node already */
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          gn->run_invoke != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      node_failed (run, gn, item, attempts, local_error->message, error);
      return FALSE;
    }
  g_variant_take_ref (result);

  if (gn->n_outputs == 1)
    {
      if (gn->output_checks[0] != NULL && !g_variant_is_of_type (result, gn->output_checks[0]))
        return invalid_result (run, gn, item, error,
                               _("returned type “%s” for output “%s”, declared as “%s”"),
                               g_variant_get_type_string (result),
                               gn->output_names[0],
                               g_variant_type_peek_string (gn->output_checks[0]));
      g_clear_pointer (&frame[gn->output_slots[0]], g_variant_unref);
      frame[gn->output_slots[0]] = g_steal_pointer (&result);
      return TRUE;
    }

  if (!g_variant_is_of_type (result, G_VARIANT_TYPE_TUPLE) ||
      g_variant_n_children (result) != gn->n_outputs)
    return invalid_result (run, gn, item, error,
                           _("has %u outputs and must return a tuple of %u values, not a value "
                             "of type “%s”"),
                           gn->n_outputs, gn->n_outputs, g_variant_get_type_string (result));

  for (guint o = 0; o < gn->n_outputs; o++)
    {
      GVariant *member = g_variant_get_child_value (result, o);

      if (gn->output_checks[o] != NULL && !g_variant_is_of_type (member, gn->output_checks[o]))
        {
          g_variant_unref (member);
          return invalid_result (run, gn, item, error,
                                 _("returned type “%s” for output “%s”, declared as “%s”"),
                                 g_variant_get_type_string (member),
                                 gn->output_names[o],
                                 g_variant_type_peek_string (gn->output_checks[o]));
        }
      g_clear_pointer (&frame[gn->output_slots[o]], g_variant_unref);
      frame[gn->output_slots[o]] = member;
    }

  return TRUE;
}

/* ---- cache ----------------------------------------------------------------------------- */

static void
checksum_string (GChecksum  *sum,
                 const char *s)
{
  guint64 len = s ? strlen (s) : G_MAXUINT64;

  /* length-prefixed, so no two different lists of strings hash alike */
  g_checksum_update (sum, (const guchar *) &len, sizeof len);
  if (s != NULL)
    g_checksum_update (sum, (const guchar *) s, len);
}

/* The cache key of a call: the node's identity and the serialized inputs with their types. No
 * addresses: the same call makes the same key in every process. */
static char *
cache_key (HnGraphNode  *gn,
           GVariant    **args)
{
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char * const *outputs = hn_node_get_outputs (gn->node);
  char *key;

  checksum_string (sum, "hn-cache-1");
  checksum_string (sum, gn->name);
  for (guint o = 0; outputs[o] != NULL; o++)
    checksum_string (sum, outputs[o]);
  checksum_string (sum, hn_node_get_version (gn->node));
  checksum_string (sum, g_object_get_data (G_OBJECT (gn->node), "hn-build-id"));
  for (guint p = 0; p < gn->n_inputs; p++)
    {
      g_autoptr(GVariant) normal = g_variant_get_normal_form (args[p]);
      guint64 size = g_variant_get_size (normal);

      checksum_string (sum, g_variant_get_type_string (normal));
      g_checksum_update (sum, (const guchar *) &size, sizeof size);
      g_checksum_update (sum, g_variant_get_data (normal), size);
    }
  key = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  return key;
}

static gboolean
cacheable (HnRun       *run,
           HnGraphNode *gn)
{
  /* the nodes of a nested pipeline are cached one by one */
  return run->cache != NULL && gn->run_invoke == NULL && hn_node_get_cache (gn->node);
}

/* On a hit, stores the cached result in @frame and fires "node cached". */
static gboolean
lookup (HnRun        *run,
        HnGraphNode  *gn,
        const char   *key,
        GVariant    **frame,
        gint64        item)
{
  GVariant *hit = hn_cache_lookup (run->cache, key);
  GError *local = NULL;

  if (hit == NULL)
    return FALSE;
  /* the entry must fit the node's outputs; if not, the node runs and replaces it */
  if (!store (run, gn, frame, hit, NULL, item, 1, &local))
    {
      g_debug ("Cache entry %s does not fit node “%s”: %s", key, gn->name, local->message);
      g_error_free (local);
      return FALSE;
    }
  if (_hn_run_wants (run, HN_CALLBACK_EVENTS_NODES))
    _hn_callbacks_node_cached (run->callbacks, run->n_callbacks, gn->node, item, key,
                               hn_run_get_context (run));
  return TRUE;
}

static void
store_in_cache (HnRun      *run,
                HnGraphNode *gn,
                const char *key,
                GVariant   *result)
{
  g_autoptr(GError) error = NULL;

  /* a cache that cannot store (a full disk) is a warning, not a failed run */
  if (!hn_cache_store (run->cache, key, result, &error))
    g_warning ("Cannot cache the result of node “%s”: %s", gn->name, error->message);
}

/* After a call: the cache and the callbacks see the outcome. @result is the node's value (not
 * consumed), NULL on failure. */
static void
after_call (HnRun        *run,
            HnGraphNode  *gn,
            const char   *key,
            GVariant     *result,
            gboolean      ok,
            gint64        item,
            gint64        started,
            GError      **error)
{
  if (ok && key != NULL)
    store_in_cache (run, gn, key, result);
  if (!_hn_run_wants (run, HN_CALLBACK_EVENTS_NODES))
    return;
  if (ok)
    _hn_callbacks_node_end (run->callbacks, run->n_callbacks, gn->node, item, result,
                            (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC,
                            hn_run_get_context (run));
  else if (error != NULL && *error != NULL)
    _hn_callbacks_node_error (run->callbacks, run->n_callbacks, gn->node, item, *error,
                              hn_run_get_context (run));
}

static void
before_call (HnRun        *run,
             HnGraphNode  *gn,
             GVariant    **args,
             gint64        item)
{
  if (_hn_run_wants (run, HN_HOOK_NODE_START))
    _hn_callbacks_node_start (run->callbacks, run->n_callbacks, gn->node, item, args,
                              gn->n_inputs, hn_run_get_context (run));
}

gboolean
_hn_invoke (HnRun      *run,
            guint       index,
            GVariant  **frame,
            gint64      item,
            gboolean   *cached,
            GError    **error)
{
  HnGraphNode *gn = &run->graph->nodes[index];
  GVariant *stack_args[8];
  g_autofree GVariant **heap_args = NULL;
  g_autofree char *key = NULL;
  GVariant **args = stack_args;
  GError *node_error = NULL;
  GVariant *result;
  gint64 started = 0;
  guint attempts;
  gboolean ok;

  if (run->cancellable != NULL && g_cancellable_set_error_if_cancelled (run->cancellable, error))
    return FALSE;

  if (gn->n_inputs > G_N_ELEMENTS (stack_args))
    args = heap_args = g_new (GVariant *, gn->n_inputs);

  if (!gather (run, gn, frame, args, item, error))
    return FALSE;

  if (cacheable (run, gn))
    {
      key = cache_key (gn, args);
      if (lookup (run, gn, key, frame, item))
        {
          if (cached != NULL)
            *cached = TRUE;
          return TRUE;
        }
    }

  /* the plain path, when nothing watches: as cheap as a direct call */
  if (key == NULL && !_hn_run_wants (run, HN_CALLBACK_EVENTS_NODES))
    {
      result = call_with_retries (run, gn, args, item, &attempts, &node_error);
      return store (run, gn, frame, result, node_error, item, attempts, error);
    }

  before_call (run, gn, args, item);
  started = g_get_monotonic_time ();
  result = call_with_retries (run, gn, args, item, &attempts, &node_error);
  if (result != NULL)
    g_variant_take_ref (result);
  ok = store (run, gn, frame, result ? g_variant_ref (result) : NULL, node_error, item, attempts,
              error);
  after_call (run, gn, key, result, ok, item, started, error);
  g_clear_pointer (&result, g_variant_unref);
  return ok;
}

HnInvocation *
_hn_invocation_new (HnRun      *run,
                    guint       index,
                    GVariant  **frame,
                    gint64      item,
                    GError    **error)
{
  HnGraphNode *gn = &run->graph->nodes[index];
  HnInvocation *invocation;

  if (run->cancellable != NULL && g_cancellable_set_error_if_cancelled (run->cancellable, error))
    return NULL;

  invocation = g_malloc0 (sizeof (HnInvocation) + sizeof (GVariant *) * gn->n_inputs);
  invocation->run = hn_run_ref (run);
  invocation->index = index;
  invocation->item = item;
  invocation->n_args = gn->n_inputs;
  if (!gather (run, gn, frame, invocation->args, item, error))
    {
      memset (invocation->args, 0, sizeof (GVariant *) * gn->n_inputs);
      _hn_invocation_free (invocation);
      return NULL;
    }
  for (guint p = 0; p < gn->n_inputs; p++)
    g_variant_ref (invocation->args[p]);

  if (cacheable (run, gn))
    {
      invocation->key = cache_key (gn, invocation->args);
      invocation->cached = lookup (run, gn, invocation->key, frame, item);
    }
  return invocation;
}

gboolean
_hn_invocation_is_cached (HnInvocation *invocation)
{
  return invocation->cached;
}

void
_hn_invocation_free (HnInvocation *invocation)
{
  for (guint p = 0; p < invocation->n_args; p++)
    g_clear_pointer (&invocation->args[p], g_variant_unref);
  g_clear_pointer (&invocation->result, g_variant_unref);
  g_clear_error (&invocation->error);
  g_free (invocation->key);
  hn_run_unref (invocation->run);
  g_free (invocation);
}

guint
_hn_invocation_get_index (HnInvocation *invocation)
{
  return invocation->index;
}

gboolean
_hn_invocation_has_async (HnInvocation *invocation)
{
  HnGraphNode *gn = &invocation->run->graph->nodes[invocation->index];

  return gn->run_invoke == NULL && _hn_node_has_async (gn->node);
}

void
_hn_invocation_call (HnInvocation *invocation)
{
  HnRun *run = invocation->run;
  HnGraphNode *gn = &run->graph->nodes[invocation->index];
  GVariant *result;

  before_call (run, gn, invocation->args, invocation->item);
  invocation->started = g_get_monotonic_time ();
  result = call_with_retries (run, gn, invocation->args, invocation->item,
                              &invocation->attempt, &invocation->error);
  invocation->result = result;
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
  HN_NODE_GET_CLASS (gn->node)->invoke_async (gn->node, invocation->args, invocation->n_args,
                                              run->cancellable, invoke_async_done, invocation);
}

void
_hn_invocation_call_async (HnInvocation     *invocation,
                           HnInvocationDone  done,
                           gpointer          user_data)
{
  HnRun *run = invocation->run;

  invocation->done = done;
  invocation->done_data = user_data;
  before_call (run, &run->graph->nodes[invocation->index], invocation->args, invocation->item);
  invocation->started = g_get_monotonic_time ();
  attempt_async (invocation);
}

gboolean
_hn_invocation_complete (HnInvocation  *invocation,
                         GVariant     **frame,
                         GError       **error)
{
  HnRun *run = invocation->run;
  HnGraphNode *gn = &run->graph->nodes[invocation->index];
  GVariant *result;
  gboolean ok;

  if (invocation->cached)
    {
      _hn_invocation_free (invocation);
      return TRUE;
    }

  result = g_steal_pointer (&invocation->result);
  if (result != NULL)
    g_variant_take_ref (result);
  ok = store (run, gn, frame, result ? g_variant_ref (result) : NULL,
              g_steal_pointer (&invocation->error), invocation->item, invocation->attempt, error);
  after_call (run, gn, invocation->key, result, ok, invocation->item, invocation->started, error);
  g_clear_pointer (&result, g_variant_unref);
  _hn_invocation_free (invocation);
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
 * given, in a worker process with a run of its own.
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
  HnGraphNode gn = { 0, };
  g_autofree guint *slots = NULL;
  g_autofree const GVariantType **checks = NULL;
  g_autofree GVariant **frame = NULL;
  g_autofree GVariant **owned = NULL;
  g_autofree char *key = NULL;
  GError *node_error = NULL;
  GVariant *result = NULL;
  gint64 started;
  guint attempts;
  gboolean ok;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (HN_IS_NODE (node), NULL);
  g_return_val_if_fail (n_args == 0 || args != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  gn.node = node;
  gn.name = hn_node_get_name (node);
  gn.run_invoke = _hn_node_get_run_invoke (node);
  gn.n_inputs = _hn_node_get_n_inputs (node);
  gn.n_outputs = _hn_node_get_n_outputs (node);
  if (n_args != gn.n_inputs)
    {
      g_set_error (error, HN_NODE_ERROR, HN_NODE_ERROR_INVALID_RESULT,
                   _("Node “%s” takes %u arguments, not %u"), gn.name, gn.n_inputs, n_args);
      return NULL;
    }
  if (self->cancellable != NULL && g_cancellable_set_error_if_cancelled (self->cancellable, error))
    return NULL;

  slots = g_new (guint, MAX (gn.n_outputs, 1));
  checks = g_new0 (const GVariantType *, MAX (gn.n_outputs, 1));
  for (guint o = 0; o < gn.n_outputs; o++)
    {
      const GVariantType *t = _hn_node_get_output_type_at (node, o);

      slots[o] = o;
      checks[o] = g_variant_type_equal (t, G_VARIANT_TYPE_ANY) ? NULL : t;
    }
  gn.output_slots = slots;
  gn.output_checks = checks;
  gn.output_names = hn_node_get_outputs (node);

  /* floating arguments are sunk and dropped here, as hn_node_invoke() does */
  owned = g_new (GVariant *, MAX (n_args, 1));
  for (guint i = 0; i < n_args; i++)
    owned[i] = g_variant_ref_sink (args[i]);

  frame = g_new0 (GVariant *, MAX (gn.n_outputs, 1));
  if (cacheable (self, &gn))
    key = cache_key (&gn, owned);
  if (key != NULL && lookup (self, &gn, key, frame, item))
    ok = TRUE;
  else
    {
      before_call (self, &gn, owned, item);
      started = g_get_monotonic_time ();
      result = call_with_retries (self, &gn, owned, item, &attempts, &node_error);
      if (result != NULL)
        g_variant_take_ref (result);
      ok = store (self, &gn, frame, result ? g_variant_ref (result) : NULL, node_error, item,
                  attempts, error);
      after_call (self, &gn, key, result, ok, item, started, error);
      g_clear_pointer (&result, g_variant_unref);
    }
  if (ok)
    result = gn.n_outputs == 1 ? g_variant_ref (frame[0])
                               : g_variant_ref_sink (g_variant_new_tuple (frame, gn.n_outputs));

  for (guint o = 0; o < gn.n_outputs; o++)
    g_clear_pointer (&frame[o], g_variant_unref);
  for (guint i = 0; i < n_args; i++)
    g_variant_unref (owned[i]);
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
    sunk[i] = g_variant_ref_sink (args[i]);

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
