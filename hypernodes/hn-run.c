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
#include "hn-invoke-private.h"
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
 * Runs are immutable and may be shared between threads.
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
  g_atomic_ref_count_inc (&state->ref_count);
  run->timer = g_timeout_source_new ((guint) MAX (run->timeout * 1000.0, 1.0));
  g_source_set_callback (run->timer, timer_fired, state, timeout_unref);
  g_source_attach (run->timer, timer_context ());
}

/* ---- the run object ------------------------------------------------------------------- */

HnRun *
_hn_run_new (HnGraph             *graph,
             HnPlan              *plan,
             GObject             *pipeline,
             GObject             *config,
             GObject             *executor,
             GVariant            *bound,
             GVariant            *inputs,
             HnMapSource         *source,
             const char * const  *outputs,
             HnCallbackContext   *context,
             GCancellable        *cancellable,
             guint                retries,
             double               timeout,
             HnCache             *cache,
             HnCallback * const  *callbacks,
             guint                n_callbacks)
{
  HnRun *run = g_new0 (HnRun, 1);

  g_atomic_ref_count_init (&run->ref_count);
  g_mutex_init (&run->lock);
  run->root = run;
  run->graph = _hn_graph_ref (graph);
  run->plan = plan;
  run->pipeline = pipeline ? g_object_ref (pipeline) : NULL;
  run->config = config ? g_object_ref (config) : NULL;
  run->executor = executor ? g_object_ref (executor) : NULL;
  run->bound = bound;
  run->inputs = inputs;
  run->source = source;
  run->outputs = g_strdupv ((char **) outputs);
  run->context = context ? g_object_ref (context) : NULL;
  run->cancellable = cancellable ? g_object_ref (cancellable) : NULL;
  run->retries = retries;
  run->cache = cache;
  run->callbacks = callbacks;
  run->n_callbacks = n_callbacks;
  run->events = _hn_callbacks_events (callbacks, n_callbacks, source != NULL, 0);
  run->parent_item = -1;
  run->timeout = timeout;
  if (timeout > 0)
    start_timer (run);
  return run;
}

HnRun *
_hn_run_new_child (HnRun        *parent,
                   HnGraph      *graph,
                   HnPlan       *plan,
                   GObject      *pipeline,
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

  g_atomic_ref_count_inc (&self->ref_count);
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
  return (HnPipeline *) self->pipeline;
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
  return (HnRuntimeConfig *) self->config;
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
  return (HnExecutor *) self->executor;
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

  return _hn_run_check (self, error);
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

gboolean
_hn_run_load_inputs (HnRun      *run,
                     GVariant  **frame,
                     GError    **error)
{
  return _hn_frame_check_dict (run->inputs, _("The inputs"), error) &&
         _hn_frame_load_dict (run->graph, run->bound, -1, HN_FRAME_LOAD_LENIENT, frame, error) &&
         _hn_frame_load_dict (run->graph, run->inputs, -1, HN_FRAME_LOAD_LENIENT, frame, error) &&
         _hn_frame_check_missing (run->graph, run->plan, frame, -1, error);
}

GVariant *
_hn_run_sequential (HnRun   *run,
                    GError **error)
{
  HnGraph *graph = run->graph;
  const HnPlan *plan = run->plan;
  GVariant *stack_frame[32] = { NULL, };
  GVariant **frame = graph->n_slots <= G_N_ELEMENTS (stack_frame)
    ? stack_frame : _hn_frame_new (graph);
  GVariant *result = NULL;

  if (!_hn_run_load_inputs (run, frame, error))
    goto out;

  for (guint s = 0; s < plan->n_steps; s++)
    if (!_hn_invoke (run, plan->steps[s], frame, -1, NULL, error))
      goto out;

  /* a cancellation (or timeout) during the last node fails the run too */
  if (run->cancellable != NULL && g_cancellable_set_error_if_cancelled (run->cancellable, error))
    goto out;
  result = _hn_frame_collect (graph, plan, frame);

out:
  _hn_frame_clear (graph, frame);
  if (frame != stack_frame)
    g_free (frame);
  return result;
}

static void
discard_item (HnMapDriver  *driver,
              gsize         index,
              GVariant    **frame,
              gpointer      user_data)
{
}

gboolean
_hn_run_check (HnRun   *run,
               GError **error)
{
  GVariant **frame = _hn_frame_new (run->graph);
  gboolean ok;

  if (run->source == NULL)
    ok = _hn_run_load_inputs (run, frame, error);
  else
    {
      HnMapDriver driver;

      ok = _hn_map_driver_init (&driver, run, discard_item, NULL, error);
      for (gsize i = 0; ok && i < driver.n_items; i++)
        {
          ok = _hn_map_driver_begin_item (&driver, i, frame, error);
          _hn_frame_clear (run->graph, frame);
        }
      if (driver.run != NULL)
        _hn_map_driver_clear (&driver);
    }
  _hn_frame_free (run->graph, frame);
  return ok;
}

/* ---- the per-item map driver ------------------------------------------------------------ */

/* Fails when the results of @n_items items cannot fit in memory: a product map of two large
 * lists can ask for more than any machine has, and should say so rather than try. */
static gboolean
check_result_size (gsize    n_items,
                   GError **error)
{
  /* a pointer and the smallest a{sv} per item */
  const guint64 per_item = sizeof (gpointer) + 64;
  long pages = sysconf (_SC_PHYS_PAGES);
  long page_size = sysconf (_SC_PAGESIZE);
  guint64 memory = pages > 0 && page_size > 0 ? (guint64) pages * (guint64) page_size : 0;

  if (memory == 0 || (guint64) n_items <= memory / per_item)
    return TRUE;

  g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
               _("A map of %" G_GSIZE_FORMAT " items cannot fit in memory: its results need "
                 "at least %.1f GiB and this machine has %.1f GiB; map over fewer items, or in "
                 "parts"),
               n_items, (double) n_items * per_item / (1 << 30), (double) memory / (1 << 30));
  return FALSE;
}

gboolean
_hn_map_driver_init (HnMapDriver   *driver,
                     HnRun         *run,
                     HnMapCollect   collect,
                     gpointer       collect_data,
                     GError       **error)
{
  HnGraph *graph = run->graph;

  memset (driver, 0, sizeof (*driver));
  if (!_hn_map_source_check (run->source, error) ||
      !_hn_frame_check_dict (run->inputs, _("The shared inputs"), error))
    return FALSE;

  driver->n_items = _hn_map_source_get_n_items (run->source);
  if (collect == NULL && !check_result_size (driver->n_items, error))
    return FALSE;

  driver->run = hn_run_ref (run);
  driver->collect = collect;
  driver->collect_data = collect_data;
  driver->template = _hn_frame_new (graph);
  if (!_hn_frame_load_dict (graph, run->bound, -1, HN_FRAME_LOAD_LENIENT, driver->template,
                            error) ||
      !_hn_frame_load_dict (graph, run->inputs, -1, HN_FRAME_LOAD_LENIENT, driver->template,
                            error))
    {
      _hn_map_driver_clear (driver);
      return FALSE;
    }

  if (collect == NULL)
    {
      driver->results = g_try_new0 (GVariant *, MAX (driver->n_items, 1));
      if (driver->results == NULL)
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                       _("Cannot allocate the results of a map of %" G_GSIZE_FORMAT " items"),
                       driver->n_items);
          _hn_map_driver_clear (driver);
          return FALSE;
        }
    }
  return TRUE;
}

gboolean
_hn_map_driver_begin_item (HnMapDriver  *driver,
                           gsize         index,
                           GVariant    **frame,
                           GError      **error)
{
  HnRun *run = driver->run;
  const HnPlan *plan = run->plan;

  if (_hn_run_wants (run, HN_HOOK_MAP_ITEM_START))
    _hn_callbacks_map_item_start (run->callbacks, run->n_callbacks, index,
                                  hn_run_get_context (run));

  for (guint r = 0; r < plan->n_roots; r++)
    {
      guint slot = plan->root_slots[r];
      if (driver->template[slot] != NULL)
        frame[slot] = g_variant_ref (driver->template[slot]);
    }

  return _hn_map_source_load_item (run->source, run->graph, index, frame, error) &&
         _hn_frame_check_missing (run->graph, plan, frame, (gint64) index, error);
}

void
_hn_map_driver_end_item (HnMapDriver  *driver,
                         gsize         index,
                         GVariant    **frame,
                         gint64        started,
                         gboolean      all_cached)
{
  HnRun *run = driver->run;

  if (driver->collect != NULL)
    driver->collect (driver, index, frame, driver->collect_data);
  else
    driver->results[index] = _hn_frame_collect (run->graph, run->plan, frame);
  _hn_frame_clear (run->graph, frame);

  if (!_hn_run_wants (run, HN_HOOK_MAP_ITEM_DONE))
    return;
  if (all_cached && run->plan->n_steps > 0)
    _hn_callbacks_map_item_cached (run->callbacks, run->n_callbacks, index,
                                   hn_run_get_context (run));
  else
    _hn_callbacks_map_item_end (run->callbacks, run->n_callbacks, index,
                                (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC,
                                hn_run_get_context (run));
}

gboolean
_hn_map_driver_run_item (HnMapDriver  *driver,
                         gsize         index,
                         GVariant    **frame,
                         GError      **error)
{
  HnRun *run = driver->run;
  const HnPlan *plan = run->plan;
  gint64 started = _hn_run_wants (run, HN_HOOK_MAP_ITEM_DONE) ? g_get_monotonic_time () : 0;
  gboolean all_cached = TRUE;
  gboolean ok = _hn_map_driver_begin_item (driver, index, frame, error);

  for (guint s = 0; ok && s < plan->n_steps; s++)
    {
      gboolean cached = FALSE;

      ok = _hn_invoke (run, plan->steps[s], frame, (gint64) index, &cached, error);
      all_cached &= cached;
    }

  if (ok)
    _hn_map_driver_end_item (driver, index, frame, started, all_cached);
  else
    _hn_frame_clear (run->graph, frame);
  return ok;
}

GVariant *
_hn_map_driver_finish (HnMapDriver *driver)
{
  GVariant *result = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARDICT,
                                                              driver->results,
                                                              driver->n_items));

  /* the array holds the items now */
  for (gsize i = 0; i < driver->n_items; i++)
    g_clear_pointer (&driver->results[i], g_variant_unref);
  return result;
}

void
_hn_map_driver_clear (HnMapDriver *driver)
{
  if (driver->results != NULL)
    for (gsize i = 0; i < driver->n_items; i++)
      g_clear_pointer (&driver->results[i], g_variant_unref);
  g_clear_pointer (&driver->results, g_free);
  if (driver->template != NULL)
    _hn_frame_free (driver->run->graph, driver->template);
  driver->template = NULL;
  g_clear_pointer (&driver->run, hn_run_unref);
}

static gboolean
run_items (HnMapDriver  *driver,
           GError      **error)
{
  GVariant **frame = _hn_frame_new (driver->run->graph);
  gboolean ok = TRUE;

  for (gsize i = 0; ok && i < driver->n_items; i++)
    ok = _hn_map_driver_run_item (driver, i, frame, error);
  g_free (frame);
  return ok;
}

GVariant *
_hn_map_sequential (HnRun   *run,
                    GError **error)
{
  HnMapDriver driver;
  GVariant *result = NULL;

  if (!_hn_map_driver_init (&driver, run, NULL, NULL, error))
    return NULL;
  if (run_items (&driver, error) &&
      (run->cancellable == NULL || !g_cancellable_set_error_if_cancelled (run->cancellable, error)))
    result = _hn_map_driver_finish (&driver);
  _hn_map_driver_clear (&driver);
  return result;
}

gboolean
_hn_map_sequential_collect (HnRun         *run,
                            HnMapCollect   collect,
                            gpointer       user_data,
                            GError       **error)
{
  HnMapDriver driver;
  gboolean ok;

  if (!_hn_map_driver_init (&driver, run, collect, user_data, error))
    return FALSE;
  ok = run_items (&driver, error);
  _hn_map_driver_clear (&driver);
  return ok;
}
