/* hn-run.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "hn-callback-context.h"
#include "hn-callback-private.h"
#include "hn-error.h"
#include "hn-run-private.h"
#include "hn-tsan-private.h"

/**
 * HnRun:
 *
 * One run or one map of a [class@Pipeline]: the pipeline, its inputs (or items), the requested
 * outputs, the [class@RuntimeConfig], the cancellable and the [class@CallbackContext].
 *
 * Every executor, backend and node call sees the run it belongs to. Make one with
 * [ctor@Run.new] or [ctor@Run.new_map] and hand it to [method@Executor.execute] or
 * [method@Backend.execute]; [method@Pipeline.run] and [method@Pipeline.map] do this for you.
 * An executor implemented outside this library reads what it needs from the getters.
 *
 * Runs are immutable and may be shared between threads. The clock of a run's timeout starts
 * when the run is made: execute a run right after making it, once.
 */

G_DEFINE_BOXED_TYPE (HnRun, hn_run, hn_run_ref, hn_run_unref)

/* ---- timeouts: one timer thread for the process --------------------------------------- */

static gpointer
timer_thread (gpointer data)
{
  g_main_loop_run (data);
  return NULL;
}

static GMainContext *
timer_context (void)
{
  static gsize initialized;
  static GMainContext *context;

  if (g_once_init_enter (&initialized))
    {
      GMainLoop *loop;

      context = g_main_context_new ();
      loop = g_main_loop_new (context, FALSE);
      g_thread_unref (g_thread_new ("hn-timer", timer_thread, loop));
      g_once_init_leave (&initialized, 1);
    }
  return context;
}

static void
timeout_unref (gpointer data)
{
  HnTimeout *state = data;

  if (!hn_ref_count_dec (&state->ref_count))
    return;
  g_object_unref (state->cancellable);
  g_free (state);
}

static gboolean
timer_fired (gpointer data)
{
  HnTimeout *state = data;

  g_atomic_int_set (&state->timed_out, TRUE);
  g_cancellable_cancel (state->cancellable);
  return G_SOURCE_REMOVE;
}

static void
caller_cancelled (GCancellable *caller,
                  gpointer      data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
}

static void
start_timer (HnRun *run)
{
  HnTimeout *state = g_new0 (HnTimeout, 1);

  run->caller_cancellable = run->cancellable;
  run->cancellable = g_cancellable_new ();
  if (run->caller_cancellable != NULL)
    run->caller_handler = g_cancellable_connect (run->caller_cancellable,
                                                 G_CALLBACK (caller_cancelled),
                                                 g_object_ref (run->cancellable),
                                                 g_object_unref);

  g_atomic_ref_count_init (&state->ref_count);
  state->cancellable = g_object_ref (run->cancellable);
  run->timeout_state = state;
  /* the source has a reference of its own: the timer may fire while the run goes away */
  hn_ref_count_inc (&state->ref_count);
  /* past what a guint of milliseconds holds, seconds (and past that, about 136 years) */
  if (run->timeout * 1000.0 < (double) G_MAXUINT)
    run->timer = g_timeout_source_new ((guint) MAX (run->timeout * 1000.0, 1.0));
  else
    run->timer = g_timeout_source_new_seconds ((guint) MIN (run->timeout, (double) G_MAXUINT));
  g_source_set_callback (run->timer, timer_fired, state, timeout_unref);
  g_source_attach (run->timer, timer_context ());
}

/* ---- the run object ------------------------------------------------------------------- */

HnRun *
_hn_run_new (const HnRunSettings *settings)
{
  HnRun *run = g_new0 (HnRun, 1);

  g_atomic_ref_count_init (&run->ref_count);
  g_mutex_init (&run->lock);
  run->root = run;
  run->graph = _hn_graph_ref (settings->graph);
  run->plan = settings->plan;
  run->pipeline = settings->pipeline ? g_object_ref (settings->pipeline) : NULL;
  run->config = settings->config ? g_object_ref (settings->config) : NULL;
  run->executor = settings->executor ? g_object_ref (settings->executor) : NULL;
  run->bound = settings->bound;
  run->inputs = settings->inputs;
  run->source = settings->source;
  run->outputs = g_strdupv ((char **) settings->outputs);
  run->context = settings->context ? g_object_ref (settings->context) : NULL;
  run->cancellable = settings->cancellable ? g_object_ref (settings->cancellable) : NULL;
  run->retries = settings->retries;
  run->cache = settings->cache;
  run->callbacks = settings->callbacks;
  run->n_callbacks = settings->n_callbacks;
  run->events = _hn_callbacks_events (settings->callbacks, settings->n_callbacks,
                                      settings->source != NULL, 0);
  run->parent_item = -1;
  run->timeout = settings->timeout;
  run->item = -1;
  run->thread = g_thread_self ();
  if (settings->timeout > 0)
    start_timer (run);
  return run;
}

HnRun *
_hn_run_new_item (HnRun       *map_run,
                  gint64       item,
                  HnExecutor  *executor,
                  HnValueDict *values)
{
  HnRun *run = g_new0 (HnRun, 1);

  g_atomic_ref_count_init (&run->ref_count);
  g_mutex_init (&run->lock);
  /* no parent: its nodes are the map's own, named as they are */
  run->root = map_run->root;
  run->graph = _hn_graph_ref (map_run->graph);
  run->plan = _hn_plan_ref (map_run->plan);
  run->pipeline = map_run->pipeline ? g_object_ref (map_run->pipeline) : NULL;
  run->config = map_run->config ? g_object_ref (map_run->config) : NULL;
  run->executor = g_object_ref (executor);
  run->values = values;
  run->outputs = g_strdupv (map_run->outputs);
  run->cancellable = map_run->cancellable ? g_object_ref (map_run->cancellable) : NULL;
  run->context = g_object_ref (hn_run_get_context (map_run));
  run->retries = map_run->retries;
  run->cache = map_run->cache;
  run->callbacks = map_run->callbacks;
  run->n_callbacks = map_run->n_callbacks;
  run->events = map_run->events;
  run->keep = TRUE;
  run->item = item;
  return run;
}

HnRun *
_hn_run_new_child (HnRun        *parent,
                   HnGraph      *graph,
                   HnPlan       *plan,
                   HnPipeline   *pipeline,
                   GVariant     *bound,
                   HnMapSource  *source,
                   const char   *node_name,
                   gint64        parent_item)
{
  HnRun *run = g_new0 (HnRun, 1);

  g_atomic_ref_count_init (&run->ref_count);
  g_mutex_init (&run->lock);
  run->parent = hn_run_ref (parent);
  run->root = parent->root;
  run->graph = _hn_graph_ref (graph);
  run->plan = plan;
  run->pipeline = pipeline ? g_object_ref (pipeline) : NULL;
  run->config = parent->config ? g_object_ref (parent->config) : NULL;
  run->executor = parent->executor ? g_object_ref (parent->executor) : NULL;
  run->bound = bound ? g_variant_ref (bound) : NULL;
  run->source = source;
  run->cancellable = parent->cancellable ? g_object_ref (parent->cancellable) : NULL;
  run->retries = parent->retries;
  run->cache = parent->cache;
  run->callbacks = parent->callbacks;
  run->n_callbacks = parent->n_callbacks;
  {
    guint depth = 1;

    for (HnRun *r = parent; r->parent != NULL; r = r->parent)
      depth++;
    run->events = _hn_callbacks_events (run->callbacks, run->n_callbacks, source != NULL, depth);
  }
  run->node_name = g_strdup (node_name);
  run->parent_item = parent_item;
  run->item = -1;
  return run;
}

/**
 * hn_run_ref:
 * @self: a [struct@Run]
 *
 * Takes a reference.
 *
 * Returns: (transfer full): @self
 */
HnRun *
hn_run_ref (HnRun *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  hn_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * hn_run_unref:
 * @self: (transfer full): a [struct@Run]
 *
 * Drops a reference.
 */

void
hn_run_unref (HnRun *self)
{
  g_return_if_fail (self != NULL);

  if (!hn_ref_count_dec (&self->ref_count))
    return;

  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_source_unref (self->timer);
    }
  g_clear_pointer (&self->timeout_state, timeout_unref);
  if (self->caller_handler != 0)
    g_cancellable_disconnect (self->caller_cancellable, self->caller_handler);
  g_clear_object (&self->caller_cancellable);
  g_clear_pointer (&self->parent, hn_run_unref);
  g_clear_pointer (&self->plan, _hn_plan_unref);
  g_clear_pointer (&self->graph, _hn_graph_unref);
  g_clear_object (&self->pipeline);
  g_clear_object (&self->config);
  g_clear_object (&self->executor);
  g_clear_pointer (&self->bound, g_variant_unref);
  g_clear_pointer (&self->inputs, g_variant_unref);
  g_clear_pointer (&self->values, _hn_value_dict_free);
  if (self->kept != NULL)
    for (gsize i = 0; i < self->n_kept_items * self->plan_n_outputs; i++)
      if (self->kept[i] != NULL)
        _hn_value_unref (self->kept[i]);
  g_clear_pointer (&self->kept, g_free);
  _hn_run_free_results (self);
  g_clear_pointer (&self->merged, g_variant_unref);
  g_clear_pointer (&self->source, _hn_map_source_unref);
  g_clear_pointer (&self->outputs, g_strfreev);
  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->node_name, g_free);
  g_mutex_clear (&self->lock);
  g_free (self);
}

/**
 * hn_run_get_pipeline:
 * @self: a [struct@Run]
 *
 * Gets the pipeline that runs.
 *
 * Returns: (transfer none): the pipeline
 */
HnPipeline *
hn_run_get_pipeline (HnRun *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->pipeline;
}

/**
 * hn_run_get_config:
 * @self: a [struct@Run]
 *
 * Gets the runtime configuration the run uses: its retries, timeout and executor.
 *
 * Returns: (transfer none): the runtime configuration
 */
HnRuntimeConfig *
hn_run_get_config (HnRun *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->config;
}

/**
 * hn_run_get_executor:
 * @self: a [struct@Run]
 *
 * Gets the executor that runs it: the one of the configuration, or the one given to
 * [method@Executor.run_pipeline] and [method@Executor.map_items].
 *
 * Returns: (transfer none): the executor
 */
HnExecutor *
hn_run_get_executor (HnRun *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->executor;
}

/**
 * hn_run_is_map:
 * @self: a [struct@Run]
 *
 * Whether this is a map over items rather than a single run.
 *
 * Returns: %TRUE for a map
 */
gboolean
hn_run_is_map (HnRun *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->source != NULL;
}

/* The inputs of a run with values, as data: host values converted (hn_run_check() has made sure
 * they can be). */
static GVariant *
merge_values (HnRun *self)
{
  GVariant *merged;

  hn_mutex_lock (&self->lock);
  if (self->merged == NULL)
    {
      GVariantBuilder builder;
      GVariantIter iter;
      const char *key;
      GVariant *value;

      g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
      for (guint d = 0; d < 2; d++)
        {
          GVariant *dict = d == 0 ? self->bound : self->inputs;

          if (dict == NULL)
            continue;
          g_variant_iter_init (&iter, dict);
          while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
            {
              if (_hn_value_dict_lookup (self->values, key) == NULL &&
                  (d == 1 || self->inputs == NULL ||
                   !g_variant_lookup (self->inputs, key, "*", NULL)))
                g_variant_builder_add (&builder, "{sv}", key, value);
              g_variant_unref (value);
            }
        }
      for (guint i = 0; i < self->values->n_values; i++)
        {
          g_autoptr(GError) error = NULL;

          if (_hn_value_dict_lookup (self->values, self->values->names[i]) !=
              self->values->values[i])
            continue;  /* given twice: the last one counts */
          value = _hn_value_to_variant (self->values->values[i], NULL, &error);
          if (value == NULL)
            {
              /* for callbacks only: hn_run_check() fails the run of an executor that needs the
               * data */
              g_autofree char *what = _hn_value_describe (self->values->values[i]);
              value = g_variant_ref_sink (g_variant_new_string (what));
            }
          g_variant_builder_add (&builder, "{sv}", self->values->names[i], value);
          g_variant_unref (value);
        }
      self->merged = g_variant_ref_sink (g_variant_builder_end (&builder));
    }
  merged = self->merged;
  hn_mutex_unlock (&self->lock);
  return merged;
}

/**
 * hn_run_get_inputs:
 * @self: a [struct@Run]
 *
 * Gets the inputs: for a single run, every input value (the pipeline's bound inputs, overridden
 * by the given ones); for a map, the values every item shares.
 *
 * Returns: (transfer none) (nullable): an `a{sv}`, or %NULL for none
 */
GVariant *
hn_run_get_inputs (HnRun *self)
{
  GVariant *merged;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->values != NULL)
    return merge_values (self);
  if (self->bound == NULL)
    return self->inputs;
  if (self->inputs == NULL)
    return self->bound;

  hn_mutex_lock (&self->lock);
  if (self->merged == NULL)
    {
      GVariantBuilder builder;
      GVariantIter iter;
      const char *key;
      GVariant *value;

      g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
      g_variant_iter_init (&iter, self->bound);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
        {
          if (!g_variant_lookup (self->inputs, key, "*", NULL))
            g_variant_builder_add (&builder, "{sv}", key, value);
          g_variant_unref (value);
        }
      g_variant_iter_init (&iter, self->inputs);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
        {
          g_variant_builder_add (&builder, "{sv}", key, value);
          g_variant_unref (value);
        }
      self->merged = g_variant_ref_sink (g_variant_builder_end (&builder));
    }
  merged = self->merged;
  hn_mutex_unlock (&self->lock);
  return merged;
}

/**
 * hn_run_get_items:
 * @self: a [struct@Run]
 *
 * Gets the items of a map, each an `a{sv}` of the values that item adds to the shared inputs.
 * For a map made by [method@Pipeline.map] the list is built on the first call.
 *
 * Returns: (transfer none) (nullable): an `aa{sv}`, or %NULL for a single run
 */
GVariant *
hn_run_get_items (HnRun *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->source ? _hn_map_source_get_items (self->source) : NULL;
}

/**
 * hn_run_get_n_items:
 * @self: a [struct@Run]
 *
 * Gets the number of items of a map, without building them.
 *
 * Returns: the number of items, 1 for a single run
 */
gsize
hn_run_get_n_items (HnRun *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->source ? _hn_map_source_get_n_items (self->source) : 1;
}

/**
 * hn_run_get_outputs:
 * @self: a [struct@Run]
 *
 * Gets the requested outputs.
 *
 * Returns: (transfer none) (array zero-terminated=1) (nullable): the output names, or %NULL for
 *   every output
 */
const char * const *
hn_run_get_outputs (HnRun *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->outputs;
}

/**
 * hn_run_get_context:
 * @self: a [struct@Run]
 *
 * Gets the callback context of the run: its run id, depth and hierarchy. A nested pipeline's
 * run has a child of its parent's context.
 *
 * Returns: (transfer none): the callback context
 */
HnCallbackContext *
hn_run_get_context (HnRun *self)
{
  HnCallbackContext *context;

  g_return_val_if_fail (self != NULL, NULL);

  /* callbacks ask for it on every event: no lock once it exists */
  context = g_atomic_pointer_get (&self->context);
  if (context != NULL)
    return context;

  hn_mutex_lock (&self->lock);
  if (self->context == NULL)
    {
      HnCallbackContext *made = self->parent != NULL
        ? hn_callback_context_new_child (hn_run_get_context (self->parent), self->node_name,
                                         self->parent_item)
        : hn_callback_context_new (NULL);

      g_atomic_pointer_set (&self->context, made);
    }
  context = self->context;
  hn_mutex_unlock (&self->lock);
  return context;
}

/**
 * hn_run_get_cancellable:
 * @self: a [struct@Run]
 *
 * Gets the cancellable of the run: the caller's, or one of the run's own, cancelled with the
 * caller's, when the run has a timeout.
 *
 * Returns: (transfer none) (nullable): the cancellable
 */
GCancellable *
hn_run_get_cancellable (HnRun *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->cancellable;
}

/**
 * hn_run_get_parent:
 * @self: a [struct@Run]
 *
 * Gets the run a nested pipeline runs in.
 *
 * Returns: (transfer none) (nullable): the parent run, or %NULL for a run of its own
 */
HnRun *
hn_run_get_parent (HnRun *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->parent;
}

/* ---- what executors share --------------------------------------------------------------- */

char *
_hn_run_describe_node (HnRun       *run,
                       const char  *node,
                       gint64       item,
                       gint64      *top_item)
{
  g_autoptr(GPtrArray) segments = g_ptr_array_new_with_free_func (g_free);
  GString *label = g_string_new (NULL);
  gint64 inner_item = item;

  /* walk up: each child run is a pipeline node of its parent; its suffix is the item inside
   * it at which the failure happened */
  for (HnRun *r = run; r->parent != NULL; r = r->parent)
    {
      if (inner_item >= 0 && r->source != NULL)
        g_ptr_array_add (segments, g_strdup_printf ("%s[%" G_GINT64_FORMAT "]", r->node_name,
                                                    inner_item));
      else
        g_ptr_array_add (segments, g_strdup (r->node_name));
      inner_item = r->parent_item;
    }

  for (guint i = segments->len; i > 0; i--)
    {
      g_string_append (label, segments->pdata[i - 1]);
      g_string_append (label, " › ");
    }
  g_string_append (label, node);

  if (top_item != NULL)
    *top_item = inner_item;
  return g_string_free (label, FALSE);
}

void
_hn_run_fix_error (HnRun   *run,
                   GError **error)
{
  HnRun *root = run->root;
  const char *running;

  if (error == NULL || *error == NULL || root->timeout_state == NULL ||
      !g_atomic_int_get (&root->timeout_state->timed_out) ||
      !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      (root->caller_cancellable != NULL && g_cancellable_is_cancelled (root->caller_cancellable)))
    return;

  running = g_atomic_pointer_get (&root->timeout_state->running);
  g_clear_error (error);
  if (running != NULL)
    g_set_error (error, HN_NODE_ERROR, HN_NODE_ERROR_TIMEOUT,
                 _("The run took longer than its timeout of %g s; node “%s” was running"),
                 root->timeout, running);
  else
    g_set_error (error, HN_NODE_ERROR, HN_NODE_ERROR_TIMEOUT,
                 _("The run took longer than its timeout of %g s"), root->timeout);
}

/**
 * hn_run_get_input_column: (skip)
 * @self: a [struct@Run]
 * @name: the name of a root input
 * @type: a host type
 *
 * Gets the column of @type that gives mapped input @name (see [ctor@Run.new_map_columns])
 * when item i of the map takes its value i as it is, for engine glue that sends the inputs
 * whole: in a zip map, or a product of one input, whose input no node declares a type of.
 * Otherwise read the items' values with [method@Run.get_input_values].
 *
 * Returns: (transfer none) (nullable): the column, or %NULL
 */
gpointer
hn_run_get_input_column (HnRun            *self,
                         const char       *name,
                         const HnHostType *type)
{
  HnHostColumn *column;
  int slot;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (type != NULL, NULL);

  if (self->source == NULL ||
      (column = _hn_map_source_get_host_column (self->source, name)) == NULL ||
      column->type != type)
    return NULL;
  /* a declared type converts the values of the input */
  slot = _hn_graph_lookup_slot (self->graph, name);
  if (slot < 0 || self->graph->root_checks[slot] != NULL)
    return NULL;
  return column->object;
}
