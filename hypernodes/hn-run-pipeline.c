/* hn-run-pipeline.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* Runs made from a pipeline: the public constructors of [struct@Run], which take the graph,
 * bound inputs and configuration of an [class@Pipeline], and what executes such a run with
 * the pipeline's configuration. Every entry point that starts from a pipeline
 * (hn_pipeline_run(), hn_executor_map_items(), ...) makes its run here. */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "hn-backend.h"
#include "hn-callback-context.h"
#include "hn-error.h"
#include "hn-executor.h"
#include "hn-pipeline-private.h"
#include "hn-run-private.h"
#include "hn-runtime-config.h"
#include "hn-value-private.h"

/* ---- the one place a run is made from a pipeline ----------------------------------------- */

HnRun *
_hn_run_new_for_pipeline (HnPipeline          *pipeline,
                          HnExecutor          *executor,
                          gboolean             bound,
                          GVariant            *inputs,
                          HnMapSource         *source,
                          const char * const  *outputs,
                          HnCallbackContext   *context,
                          GCancellable        *cancellable,
                          GError             **error)
{
  HnRuntimeConfig *config = hn_pipeline_get_config (pipeline);
  HnGraph *graph = _hn_pipeline_get_graph (pipeline);
  g_autoptr(GVariant) owned = inputs ? g_variant_ref_sink (inputs) : NULL;
  HnRunSettings settings = { 0 };
  HnPlan *plan;

  plan = _hn_plan_get (graph, outputs, error);
  if (plan == NULL)
    {
      g_clear_pointer (&source, _hn_map_source_unref);
      return NULL;
    }

  settings.graph = graph;
  settings.plan = plan;
  settings.pipeline = pipeline;
  settings.config = config;
  settings.executor = executor ? executor : hn_runtime_config_get_executor (config);
  if (bound && hn_pipeline_get_bound_inputs (pipeline) != NULL)
    settings.bound = g_variant_ref (hn_pipeline_get_bound_inputs (pipeline));
  settings.inputs = g_steal_pointer (&owned);
  settings.source = source;
  settings.outputs = outputs;
  settings.context = context;
  settings.cancellable = cancellable;
  settings.retries = hn_runtime_config_get_retries (config);
  settings.timeout = hn_runtime_config_get_timeout (config);
  settings.cache = hn_runtime_config_get_cache (config);
  settings.callbacks = hn_runtime_config_get_callbacks (config, &settings.n_callbacks);
  return _hn_run_new (&settings);
}

HnRun *
_hn_run_new_map_for_pipeline (HnPipeline          *pipeline,
                              GVariant            *inputs,
                              const char * const  *map_over,
                              HnMapMode            mode,
                              const char * const  *outputs,
                              GCancellable        *cancellable,
                              GError             **error)
{
  g_autoptr(GVariant) owned = inputs ? g_variant_ref_sink (inputs) : NULL;
  g_autoptr(GVariant) shared = NULL;
  HnMapSource *source;

  source = _hn_map_source_new_columns (_hn_pipeline_get_graph (pipeline), owned,
                                       hn_pipeline_get_bound_inputs (pipeline), map_over, NULL,
                                       NULL, NULL, mode, &shared, error);
  if (source == NULL)
    return NULL;
  /* the shared inputs hold the bound ones already */
  return _hn_run_new_for_pipeline (pipeline, NULL, FALSE, shared, source, outputs, NULL,
                                   cancellable, error);
}
void
_hn_run_task_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GVariant *ret = HN_IS_BACKEND (source)
    ? hn_backend_execute_finish (HN_BACKEND (source), result, &error)
    : hn_executor_execute_finish (HN_EXECUTOR (source), result, &error);

  if (ret == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ret, (GDestroyNotify) g_variant_unref);
}

void
_hn_run_execute_async (gpointer             source,
                       gpointer             source_tag,
                       HnExecutor          *executor,
                       HnRun               *run,
                       GError              *error,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  GTask *task = g_task_new (source, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_check_cancellable (task, FALSE);
  if (run == NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }
  if (executor != NULL)
    hn_executor_execute_async (executor, run, _hn_run_task_done, task);
  else
    hn_backend_execute_async (hn_runtime_config_get_backend (run->config), run,
                              _hn_run_task_done, task);
  hn_run_unref (run);
}


/**
 * hn_run_new: (constructor)
 * @pipeline: the pipeline to run
 * @inputs: (nullable): the inputs, an `a{sv}`; %NULL for none
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @context: (nullable): the callback context, or %NULL for a new one
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Makes a single run of @pipeline with its configuration, to hand to [method@Executor.execute]
 * or [method@Backend.execute]. Fails if an output is unknown; the inputs are checked when it
 * executes.
 *
 * Returns: (transfer full): a new [struct@Run], or %NULL on error
 */
HnRun *
hn_run_new (HnPipeline          *pipeline,
            GVariant            *inputs,
            const char * const  *outputs,
            HnCallbackContext   *context,
            GCancellable        *cancellable,
            GError             **error)
{
  g_return_val_if_fail (HN_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (_hn_pipeline_get_graph (pipeline) != NULL, NULL);
  g_return_val_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _hn_run_new_for_pipeline (pipeline, NULL, TRUE, inputs, NULL, outputs, context,
                                   cancellable, error);
}

/**
 * hn_run_new_map: (constructor)
 * @pipeline: the pipeline to map
 * @items: the items, an `aa{sv}`: each item's values are added to @inputs for its run
 * @inputs: (nullable): the inputs shared by all items, an `a{sv}`; %NULL for none
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @context: (nullable): the callback context, or %NULL for a new one
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Makes a map of @pipeline over @items with its configuration, to hand to
 * [method@Executor.execute] or [method@Backend.execute].
 *
 * Returns: (transfer full): a new [struct@Run], or %NULL on error
 */
HnRun *
hn_run_new_map (HnPipeline          *pipeline,
                GVariant            *items,
                GVariant            *inputs,
                const char * const  *outputs,
                HnCallbackContext   *context,
                GCancellable        *cancellable,
                GError             **error)
{
  g_autoptr(GVariant) owned_items = NULL;

  g_return_val_if_fail (HN_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (_hn_pipeline_get_graph (pipeline) != NULL, NULL);
  g_return_val_if_fail (items != NULL, NULL);
  g_return_val_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  owned_items = g_variant_ref_sink (items);
  return _hn_run_new_for_pipeline (pipeline, NULL, TRUE, inputs,
                                   _hn_map_source_new_items (owned_items), outputs, context,
                                   cancellable, error);
}

static gboolean
check_names (guint                n_values,
             const char * const  *names,
             HnValue * const     *values,
             GError             **error)
{
  for (guint i = 0; i < n_values; i++)
    if (names[i] == NULL || !g_utf8_validate (names[i], -1, NULL) || values[i] == NULL)
      {
        g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                     _("Input %u has no name, a name that is not valid UTF-8, or no value"), i);
        return FALSE;
      }
  return TRUE;
}

/**
 * hn_run_new_values: (skip)
 * @pipeline: the pipeline to run
 * @n_values: the number of inputs
 * @names: (array length=n_values): the input names
 * @values: (array length=n_values): their values
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Makes a single run of @pipeline whose inputs are [struct@Value]s, for language bridges: host
 * objects go to the nodes as they are. Run it with [method@Run.execute_values], which keeps
 * the results as values; read them with [method@Run.get_result_values].
 *
 * Returns: (transfer full): a new [struct@Run], or %NULL on error
 */
HnRun *
hn_run_new_values (HnPipeline          *pipeline,
                   guint                n_values,
                   const char * const  *names,
                   HnValue * const     *values,
                   const char * const  *outputs,
                   GCancellable        *cancellable,
                   GError             **error)
{
  HnRun *run;

  g_return_val_if_fail (HN_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (_hn_pipeline_get_graph (pipeline) != NULL, NULL);
  g_return_val_if_fail (n_values == 0 || (names != NULL && values != NULL), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_names (n_values, names, values, error))
    return NULL;
  run = _hn_run_new_for_pipeline (pipeline, NULL, TRUE, NULL, NULL, outputs, NULL, cancellable,
                                  error);
  if (run == NULL)
    return NULL;
  run->values = _hn_value_dict_new (n_values, names, values);
  run->keep = TRUE;
  return run;
}

static HnRun *
new_map (HnPipeline              *pipeline,
         guint                    n_values,
         const char * const      *names,
         HnValue * const         *values,
         const char * const      *map_over,
         HnValue * const * const *columns,
         const gsize             *lengths,
         HnHostColumn * const    *host_columns,
         HnMapMode                mode,
         const char * const      *outputs,
         GCancellable            *cancellable,
         GError                 **error)
{
  g_autoptr(GVariant) shared = NULL;
  g_autoptr(GPtrArray) shared_names = g_ptr_array_new ();
  g_autoptr(GPtrArray) shared_values = g_ptr_array_new ();
  HnMapSource *source;
  HnRun *run;

  if (!check_names (n_values, names, values, error))
    return NULL;
  source = _hn_map_source_new_columns (_hn_pipeline_get_graph (pipeline), NULL,
                                       hn_pipeline_get_bound_inputs (pipeline), map_over, columns,
                                       lengths, host_columns, mode, &shared, error);
  if (source == NULL)
    return NULL;
  run = _hn_run_new_for_pipeline (pipeline, NULL, FALSE, shared, source,
                                  outputs, NULL, cancellable, error);
  if (run == NULL)
    return NULL;
  for (guint i = 0; i < n_values; i++)
    if (!g_strv_contains (map_over, names[i]))
      {
        g_ptr_array_add (shared_names, (gpointer) names[i]);
        g_ptr_array_add (shared_values, values[i]);
      }
  run->values = _hn_value_dict_new (shared_names->len, (const char * const *) shared_names->pdata,
                                    (HnValue * const *) shared_values->pdata);
  run->keep = TRUE;
  return run;
}

/**
 * hn_run_new_map_values: (skip)
 * @pipeline: the pipeline to map
 * @n_values: the number of shared inputs
 * @names: (array length=n_values): the names of the inputs every item shares
 * @values: (array length=n_values): their values
 * @map_over: (array zero-terminated=1): the names of the mapped inputs
 * @columns: (nullable): per mapped input, its items as an array of values, or %NULL to take
 *   it from the bound inputs (an array)
 * @lengths: (nullable): per mapped input, the number of values in @columns
 * @mode: how the mapped inputs are combined into items
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Makes a map of @pipeline whose inputs are [struct@Value]s, as [method@Pipeline.map] maps
 * over arrays, for language bridges. Run it with [method@Run.execute_values].
 *
 * Returns: (transfer full): a new [struct@Run], or %NULL on error
 */
HnRun *
hn_run_new_map_values (HnPipeline              *pipeline,
                       guint                    n_values,
                       const char * const      *names,
                       HnValue * const         *values,
                       const char * const      *map_over,
                       HnValue * const * const *columns,
                       const gsize             *lengths,
                       HnMapMode                mode,
                       const char * const      *outputs,
                       GCancellable            *cancellable,
                       GError                 **error)
{
  g_return_val_if_fail (HN_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (_hn_pipeline_get_graph (pipeline) != NULL, NULL);
  g_return_val_if_fail (n_values == 0 || (names != NULL && values != NULL), NULL);
  g_return_val_if_fail (columns == NULL || lengths != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return new_map (pipeline, n_values, names, values, map_over, columns, lengths, NULL, mode,
                  outputs, cancellable, error);
}

/**
 * hn_run_new_map_columns: (skip)
 * @pipeline: the pipeline to map
 * @n_values: the number of shared inputs
 * @names: (array length=n_values): the names of the inputs every item shares
 * @values: (array length=n_values): their values
 * @map_over: (array zero-terminated=1): the names of the mapped inputs
 * @type: the host type of the columns, with a `language` and a `column_values` function
 * @columns: (transfer full): per mapped input, a column of @type (an object of the host
 *   language holding the items' values, such as a Python list), or %NULL to take it from the
 *   bound inputs (an array)
 * @lengths: per mapped input, the number of values in its column
 * @mode: how the mapped inputs are combined into items
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Makes a map of @pipeline, as [ctor@Run.new_map_values] does, whose mapped inputs are
 * columns of the host language: the run takes them as they are (and frees them with
 * @type's `free`, also when it fails with @error), and makes [struct@Value]s of their objects,
 * 1,024 at a time, only if something asks for the values of items. Engine glue reads a
 * column whole with [method@Run.get_input_column]. The values of a column must not change during the run.
 *
 * Returns: (transfer full): a new [struct@Run], or %NULL on error
 */
HnRun *
hn_run_new_map_columns (HnPipeline          *pipeline,
                        guint                n_values,
                        const char * const  *names,
                        HnValue * const     *values,
                        const char * const  *map_over,
                        const HnHostType    *type,
                        gpointer const      *columns,
                        const gsize         *lengths,
                        HnMapMode            mode,
                        const char * const  *outputs,
                        GCancellable        *cancellable,
                        GError             **error)
{
  g_autofree HnHostColumn **host = NULL;
  guint n_columns;
  HnRun *run;

  g_return_val_if_fail (HN_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (_hn_pipeline_get_graph (pipeline) != NULL, NULL);
  g_return_val_if_fail (n_values == 0 || (names != NULL && values != NULL), NULL);
  g_return_val_if_fail (map_over != NULL, NULL);
  g_return_val_if_fail (type != NULL && type->language != NULL && type->free != NULL &&
                        type->column_values != NULL, NULL);
  g_return_val_if_fail (columns != NULL && lengths != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  n_columns = g_strv_length ((char **) map_over);
  host = g_new0 (HnHostColumn *, MAX (n_columns, 1));
  for (guint m = 0; m < n_columns; m++)
    if (columns[m] != NULL)
      host[m] = _hn_host_column_new (type, columns[m], lengths[m]);
  run = new_map (pipeline, n_values, names, values, map_over, NULL, NULL,
                 (HnHostColumn * const *) host, mode, outputs, cancellable, error);
  /* the map source holds its own references */
  for (guint m = 0; m < n_columns; m++)
    if (host[m] != NULL)
      _hn_host_column_unref (host[m]);
  return run;
}

/**
 * hn_run_execute_values:
 * @self: a run made by [ctor@Run.new_values] or [ctor@Run.new_map_values]
 * @error: return location for a [struct@GLib.Error]
 *
 * Executes the run with its pipeline's configuration (backend and executor) and keeps its
 * results as [struct@Value]s, host objects included, for [method@Run.get_result_values].
 *
 * Returns: %TRUE on success
 */
gboolean
hn_run_execute_values (HnRun   *self,
                       GError **error)
{
  g_autoptr(GVariant) result = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->keep, FALSE);
  g_return_val_if_fail (!_hn_run_has_kept (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = hn_backend_execute (hn_runtime_config_get_backend (self->config), self, error);
  if (result == NULL)
    return FALSE;
  if (_hn_run_has_kept (self))
    return TRUE;

  /* an executor that returns data (an engine): its results become values */
  return _hn_run_keep_data (self, result, error);
}

