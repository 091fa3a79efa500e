/* hn-pipeline.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "hn-backend.h"
#include "hn-callback-context.h"
#include "hn-executor-private.h"
#include "hn-node.h"
#include "hn-pipeline.h"
#include "hn-plan-private.h"
#include "hn-runtime-config.h"

/**
 * HnPipeline:
 *
 * A directed acyclic graph of [class@Node]s, formed by matching input names to output names.
 *
 * A pipeline is validated when it is built: a cycle, two nodes producing the same output, and
 * connected ports whose declared types cannot match are construction errors that name the nodes
 * and ports. Inputs that no node produces are the pipeline's root inputs.
 *
 * [method@Pipeline.run] runs it once on an `a{sv}` of inputs, computing only what the requested
 * outputs need; [method@Pipeline.map] runs it over many items. Both go through the
 * [class@RuntimeConfig] of the pipeline, set with [method@Pipeline.with_config]; without one,
 * nodes run in order in the calling thread.
 *
 * ```c
 * g_autoptr(HnPipeline) pipeline = hn_pipeline_new ((HnNode *[]) { double_node, add_one }, 2,
 *                                                   &error);
 * g_autoptr(GVariant) result =
 *   hn_pipeline_run (pipeline, g_variant_new_parsed ("{'x': <int64 5>}"), NULL, NULL, &error);
 * ```
 *
 * Pipelines are immutable and may be run from several threads at once.
 */

struct _HnPipeline
{
  GObject          parent_instance;
  HnNode         **nodes;
  guint            n_nodes;
  HnGraph         *graph;
  HnRuntimeConfig *config;
};

static void hn_pipeline_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HnPipeline, hn_pipeline, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      hn_pipeline_initable_iface_init))

enum {
  PROP_0,
  PROP_CONFIG,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
hn_pipeline_initable_init (GInitable     *initable,
                           GCancellable  *cancellable,
                           GError       **error)
{
  HnPipeline *self = HN_PIPELINE (initable);

  if (self->graph != NULL)
    return TRUE;

  self->graph = _hn_graph_new (self->nodes, self->n_nodes, error);
  return self->graph != NULL;
}

static void
hn_pipeline_initable_iface_init (GInitableIface *iface)
{
  iface->init = hn_pipeline_initable_init;
}

static void
hn_pipeline_constructed (GObject *object)
{
  HnPipeline *self = HN_PIPELINE (object);

  G_OBJECT_CLASS (hn_pipeline_parent_class)->constructed (object);

  if (self->config == NULL)
    self->config = hn_runtime_config_new (NULL, NULL);
}

static void
hn_pipeline_dispose (GObject *object)
{
  HnPipeline *self = HN_PIPELINE (object);

  g_clear_object (&self->config);

  G_OBJECT_CLASS (hn_pipeline_parent_class)->dispose (object);
}

static void
hn_pipeline_finalize (GObject *object)
{
  HnPipeline *self = HN_PIPELINE (object);

  for (guint i = 0; i < self->n_nodes; i++)
    g_object_unref (self->nodes[i]);
  g_free (self->nodes);
  g_clear_pointer (&self->graph, _hn_graph_unref);

  G_OBJECT_CLASS (hn_pipeline_parent_class)->finalize (object);
}

static void
hn_pipeline_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  HnPipeline *self = HN_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_pipeline_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  HnPipeline *self = HN_PIPELINE (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_pipeline_class_init (HnPipelineClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");

  object_class->constructed = hn_pipeline_constructed;
  object_class->dispose = hn_pipeline_dispose;
  object_class->finalize = hn_pipeline_finalize;
  object_class->get_property = hn_pipeline_get_property;
  object_class->set_property = hn_pipeline_set_property;

  /**
   * HnPipeline:config:
   *
   * The runtime configuration runs and maps use. A default [class@RuntimeConfig] (local,
   * sequential) when none is given.
   */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL,
                         HN_TYPE_RUNTIME_CONFIG,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hn_pipeline_init (HnPipeline *self)
{
}

HnGraph *
_hn_pipeline_get_graph (HnPipeline *self)
{
  return self->graph;
}

/**
 * hn_pipeline_new:
 * @nodes: (array length=n_nodes): the nodes, in any order
 * @n_nodes: the number of nodes
 * @error: return location for a [struct@GLib.Error]
 *
 * Builds a pipeline from @nodes and validates it. Fails with a [error@PipelineError] that names
 * the nodes and ports involved if the nodes form a cycle, two nodes produce the same output or
 * share a name, a node is malformed, or connected ports have incompatible types.
 *
 * Returns: (transfer full): a new [class@Pipeline], or %NULL on error
 */
HnPipeline *
hn_pipeline_new (HnNode * const  *nodes,
                 guint            n_nodes,
                 GError         **error)
{
  g_autoptr(HnPipeline) self = NULL;

  g_return_val_if_fail (n_nodes == 0 || nodes != NULL, NULL);
  for (guint i = 0; i < n_nodes; i++)
    g_return_val_if_fail (HN_IS_NODE (nodes[i]), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (HN_TYPE_PIPELINE, NULL);
  self->n_nodes = n_nodes;
  self->nodes = g_new (HnNode *, MAX (n_nodes, 1));
  for (guint i = 0; i < n_nodes; i++)
    self->nodes[i] = g_object_ref (nodes[i]);

  if (!g_initable_init (G_INITABLE (self), NULL, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * hn_pipeline_get_nodes:
 * @self: a [class@Pipeline]
 * @n_nodes: (out): return location for the number of nodes
 *
 * Gets the nodes, in the order they were given.
 *
 * Returns: (transfer none) (array length=n_nodes): the nodes
 */
HnNode **
hn_pipeline_get_nodes (HnPipeline *self,
                       guint      *n_nodes)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (n_nodes != NULL, NULL);

  *n_nodes = self->n_nodes;
  return self->nodes;
}

/**
 * hn_pipeline_get_node:
 * @self: a [class@Pipeline]
 * @name: a node name
 *
 * Looks a node up by name.
 *
 * Returns: (transfer none) (nullable): the node, or %NULL if there is none by that name
 */
HnNode *
hn_pipeline_get_node (HnPipeline *self,
                      const char *name)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->n_nodes; i++)
    if (g_strcmp0 (hn_node_get_name (self->nodes[i]), name) == 0)
      return self->nodes[i];
  return NULL;
}

/**
 * hn_pipeline_get_root_inputs:
 * @self: a [class@Pipeline]
 *
 * Gets the inputs no node produces: what a run of every output needs.
 *
 * Returns: (transfer none) (array zero-terminated=1): the root input names
 */
const char * const *
hn_pipeline_get_root_inputs (HnPipeline *self)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);

  return (const char * const *) self->graph->root_inputs;
}

/**
 * hn_pipeline_get_outputs:
 * @self: a [class@Pipeline]
 *
 * Gets every output the nodes produce, in topological order.
 *
 * Returns: (transfer none) (array zero-terminated=1): the output names
 */
const char * const *
hn_pipeline_get_outputs (HnPipeline *self)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);

  return (const char * const *) self->graph->outputs;
}

/**
 * hn_pipeline_get_topological_order:
 * @self: a [class@Pipeline]
 *
 * Gets the node names in the order a sequential run calls them: every node after the nodes it
 * depends on, ties broken by the order the nodes were given.
 *
 * Returns: (transfer none) (array zero-terminated=1): the node names
 */
const char * const *
hn_pipeline_get_topological_order (HnPipeline *self)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);

  return (const char * const *) self->graph->order;
}

/**
 * hn_pipeline_get_required_inputs:
 * @self: a [class@Pipeline]
 * @outputs: (array zero-terminated=1) (nullable): output names, or %NULL for all
 * @error: return location for a [struct@GLib.Error]
 *
 * Gets the root inputs a run needs to compute @outputs.
 *
 * Returns: (transfer full) (array zero-terminated=1): the input names, or %NULL if an output is
 *   unknown
 */
char **
hn_pipeline_get_required_inputs (HnPipeline          *self,
                                 const char * const  *outputs,
                                 GError             **error)
{
  const HnPlan *plan;
  char **names;

  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  plan = _hn_graph_get_plan (self->graph, outputs, error);
  if (plan == NULL)
    return NULL;

  names = g_new0 (char *, plan->n_roots + 1);
  for (guint r = 0; r < plan->n_roots; r++)
    names[r] = g_strdup (self->graph->slot_names[plan->root_slots[r]]);
  return names;
}

/**
 * hn_pipeline_check_inputs:
 * @self: a [class@Pipeline]
 * @inputs: (nullable): the inputs of a run, an `a{sv}`
 * @outputs: (array zero-terminated=1) (nullable): the requested outputs, or %NULL for all
 * @error: return location for a [struct@GLib.Error]
 *
 * Checks the inputs of a run the way [method@Pipeline.run] does before any node runs: unknown
 * outputs, unknown inputs, missing inputs, values of the wrong type. For executors that run
 * nodes elsewhere (an engine) and must report bad input exactly as the built-in ones do.
 *
 * Returns: %TRUE if a run with these inputs can start
 */
gboolean
hn_pipeline_check_inputs (HnPipeline          *self,
                          GVariant            *inputs,
                          const char * const  *outputs,
                          GError             **error)
{
  g_autoptr(GVariant) owned = inputs ? g_variant_ref_sink (inputs) : NULL;
  g_autofree GVariant **frame = NULL;
  const HnPlan *plan;
  gboolean ok;

  g_return_val_if_fail (HN_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (self->graph != NULL, FALSE);

  plan = _hn_graph_get_plan (self->graph, outputs, error);
  if (plan == NULL)
    return FALSE;

  frame = g_new0 (GVariant *, self->graph->n_slots);
  ok = _hn_graph_load_inputs (self->graph, plan, owned, frame, error);
  _hn_graph_clear_frame (self->graph, frame);
  return ok;
}

/**
 * hn_pipeline_check_items:
 * @self: a [class@Pipeline]
 * @items: the items of a map, an `aa{sv}`
 * @inputs: (nullable): the inputs all items share, an `a{sv}`
 * @outputs: (array zero-terminated=1) (nullable): the requested outputs, or %NULL for all
 * @error: return location for a [struct@GLib.Error]
 *
 * Checks the items of a map the way [method@Executor.map_items] does before any node runs; errors
 * name the first bad item.
 *
 * Returns: %TRUE if a map of these items can start
 */
gboolean
hn_pipeline_check_items (HnPipeline          *self,
                         GVariant            *items,
                         GVariant            *inputs,
                         const char * const  *outputs,
                         GError             **error)
{
  g_autoptr(GVariant) owned = inputs ? g_variant_ref_sink (inputs) : NULL;
  g_autoptr(HnMapSource) source = NULL;
  g_autofree GVariant **template = NULL;
  g_autofree GVariant **frame = NULL;
  const HnPlan *plan;
  gboolean ok;

  g_return_val_if_fail (HN_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (self->graph != NULL, FALSE);
  g_return_val_if_fail (items != NULL, FALSE);

  plan = _hn_graph_get_plan (self->graph, outputs, error);
  if (plan == NULL)
    return FALSE;

  source = _hn_map_source_new_items (items);
  template = g_new0 (GVariant *, self->graph->n_slots);
  frame = g_new0 (GVariant *, self->graph->n_slots);
  ok = _hn_graph_prepare_map (self->graph, plan, source, owned, template, error);
  for (gsize i = 0; ok && i < _hn_map_source_get_n_items (source); i++)
    {
      ok = _hn_graph_load_item (self->graph, plan, template, source, i, frame, error);
      _hn_graph_clear_frame (self->graph, frame);
    }
  _hn_graph_clear_frame (self->graph, template);
  return ok;
}

/**
 * hn_pipeline_get_config:
 * @self: a [class@Pipeline]
 *
 * Gets the config.
 *
 * Returns: (transfer none): the runtime configuration
 */
HnRuntimeConfig *
hn_pipeline_get_config (HnPipeline *self)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);

  return self->config;
}

/**
 * hn_pipeline_with_config:
 * @self: a [class@Pipeline]
 * @config: the runtime configuration
 *
 * Creates a pipeline with the same nodes and graph as @self that runs with @config. The graph is
 * shared, not rebuilt.
 *
 * Returns: (transfer full): a new [class@Pipeline]
 */
HnPipeline *
hn_pipeline_with_config (HnPipeline      *self,
                         HnRuntimeConfig *config)
{
  HnPipeline *copy;

  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);
  g_return_val_if_fail (HN_IS_RUNTIME_CONFIG (config), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);

  copy = g_object_new (HN_TYPE_PIPELINE, "config", config, NULL);
  copy->n_nodes = self->n_nodes;
  copy->nodes = g_new (HnNode *, MAX (self->n_nodes, 1));
  for (guint i = 0; i < self->n_nodes; i++)
    copy->nodes[i] = g_object_ref (self->nodes[i]);
  copy->graph = _hn_graph_ref (self->graph);
  return copy;
}

/**
 * hn_pipeline_run:
 * @self: a [class@Pipeline]
 * @inputs: (nullable): the inputs, an `a{sv}` dictionary; %NULL for none
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for every output
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Runs the pipeline once with its [class@RuntimeConfig]. Only the nodes that @outputs need run,
 * and only @outputs are returned.
 *
 * Before any node runs, the inputs are checked: every root input the requested outputs need must
 * be given (all missing ones are named in one [error@PipelineError.MISSING_INPUT]), every given
 * name must be a root input, every value must have the type its consumers declare, and every
 * requested output must exist. A node's own error comes back as
 * [error@NodeError.FAILED] with the node's name and message.
 *
 * Returns: (transfer full): the requested outputs, an `a{sv}`, or %NULL on error
 */
GVariant *
hn_pipeline_run (HnPipeline          *self,
                 GVariant            *inputs,
                 const char * const  *outputs,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_autoptr(HnCallbackContext) context = NULL;
  g_autoptr(GVariant) owned_inputs = NULL;

  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (inputs != NULL)
    owned_inputs = g_variant_ref_sink (inputs);
  context = hn_callback_context_new (NULL);

  return hn_backend_run_pipeline (hn_runtime_config_get_backend (self->config),
                                  hn_runtime_config_get_executor (self->config),
                                  self, owned_inputs, context, outputs, cancellable, error);
}

static void
backend_run_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  GVariant *ret;

  if (g_task_get_source_tag (task) == hn_pipeline_run_async)
    ret = hn_backend_run_pipeline_finish (HN_BACKEND (source), result, &error);
  else
    ret = hn_backend_map_items_finish (HN_BACKEND (source), result, &error);

  if (ret == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, ret, (GDestroyNotify) g_variant_unref);
}

/**
 * hn_pipeline_run_async:
 * @self: a [class@Pipeline]
 * @inputs: (nullable): the inputs, an `a{sv}` dictionary; %NULL for none
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for every output
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (closure user_data): called when the run is over
 * @user_data: data for @callback
 *
 * Starts [method@Pipeline.run] without blocking the calling thread. @callback runs in the
 * thread-default main context of the caller; finish with [method@Pipeline.run_finish].
 * Cancelling @cancellable makes the run fail with %G_IO_ERROR_CANCELLED; no node starts after
 * the cancellation is seen.
 */
void
hn_pipeline_run_async (HnPipeline          *self,
                       GVariant            *inputs,
                       const char * const  *outputs,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(HnCallbackContext) context = NULL;
  g_autoptr(GVariant) owned_inputs = NULL;
  GTask *task;

  g_return_if_fail (HN_IS_PIPELINE (self));
  g_return_if_fail (self->graph != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  if (inputs != NULL)
    owned_inputs = g_variant_ref_sink (inputs);
  context = hn_callback_context_new (NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hn_pipeline_run_async);
  hn_backend_run_pipeline_async (hn_runtime_config_get_backend (self->config),
                                 hn_runtime_config_get_executor (self->config),
                                 self, owned_inputs, context, outputs, cancellable,
                                 backend_run_done, task);
}

/**
 * hn_pipeline_run_finish:
 * @self: a [class@Pipeline]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Completes [method@Pipeline.run_async].
 *
 * Returns: (transfer full): the requested outputs, an `a{sv}`, or %NULL on error
 */
GVariant *
hn_pipeline_run_finish (HnPipeline    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hn_pipeline_run_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * hn_pipeline_map:
 * @self: a [class@Pipeline]
 * @inputs: (nullable): the inputs, an `a{sv}`: arrays for the mapped inputs, single values for
 *   the others, which every item shares
 * @map_over: (array zero-terminated=1): the names of the mapped inputs
 * @mode: how the mapped inputs are combined into items
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for every output
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Runs the pipeline once per item with its [class@RuntimeConfig]. Each mapped input must be an
 * array; its elements (unboxed if the array is an `av`) become the items' values. In
 * %HN_MAP_MODE_ZIP item `i` takes element `i` of every mapped input, which must all have the same
 * length; in %HN_MAP_MODE_PRODUCT there is one item per combination.
 *
 * The map fails as a whole if any item fails; the error names the node and the item index. An
 * empty map returns an empty array.
 *
 * Returns: (transfer full): one `a{sv}` of outputs per item, in item order, as an `aa{sv}`, or
 *   %NULL on error
 */
GVariant *
hn_pipeline_map (HnPipeline          *self,
                 GVariant            *inputs,
                 const char * const  *map_over,
                 HnMapMode            mode,
                 const char * const  *outputs,
                 GCancellable        *cancellable,
                 GError             **error)
{
  g_autoptr(HnCallbackContext) context = NULL;
  g_autoptr(GVariant) owned_inputs = NULL;
  g_autoptr(HnMapSource) source = NULL;
  g_autoptr(GVariant) shared = NULL;
  HnBackend *backend;
  HnExecutor *executor;

  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  backend = hn_runtime_config_get_backend (self->config);
  executor = hn_runtime_config_get_executor (self->config);
  if (inputs != NULL)
    owned_inputs = g_variant_ref_sink (inputs);

  source = _hn_map_source_new_columns (self->graph, owned_inputs, map_over, mode, &shared, error);
  if (source == NULL)
    return NULL;

  context = hn_callback_context_new (NULL);
  if (_hn_backend_maps_locally (backend))
    return _hn_executor_map_source (executor, self, source, shared, context, outputs, cancellable,
                                    error);

  return hn_backend_map_items (backend, executor, self, _hn_map_source_get_items (source), shared,
                               context, outputs, cancellable, error);
}

/**
 * hn_pipeline_map_async:
 * @self: a [class@Pipeline]
 * @inputs: (nullable): the inputs, as for [method@Pipeline.map]
 * @map_over: (array zero-terminated=1): the names of the mapped inputs
 * @mode: how the mapped inputs are combined into items
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for every output
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (closure user_data): called when the map is over
 * @user_data: data for @callback
 *
 * Starts [method@Pipeline.map] without blocking the calling thread; finish with
 * [method@Pipeline.map_finish].
 */
void
hn_pipeline_map_async (HnPipeline          *self,
                       GVariant            *inputs,
                       const char * const  *map_over,
                       HnMapMode            mode,
                       const char * const  *outputs,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(HnCallbackContext) context = NULL;
  g_autoptr(GVariant) owned_inputs = NULL;
  g_autoptr(HnMapSource) source = NULL;
  g_autoptr(GVariant) shared = NULL;
  g_autoptr(GError) error = NULL;
  GTask *task;

  g_return_if_fail (HN_IS_PIPELINE (self));
  g_return_if_fail (self->graph != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  if (inputs != NULL)
    owned_inputs = g_variant_ref_sink (inputs);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hn_pipeline_map_async);

  source = _hn_map_source_new_columns (self->graph, owned_inputs, map_over, mode, &shared,
                                       &error);
  if (source == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  context = hn_callback_context_new (NULL);
  hn_backend_map_items_async (hn_runtime_config_get_backend (self->config),
                              hn_runtime_config_get_executor (self->config),
                              self, _hn_map_source_get_items (source), shared, context,
                              outputs, cancellable, backend_run_done, task);
}

/**
 * hn_pipeline_map_finish:
 * @self: a [class@Pipeline]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Completes [method@Pipeline.map_async].
 *
 * Returns: (transfer full): one `a{sv}` per item, as an `aa{sv}`, or %NULL on error
 */
GVariant *
hn_pipeline_map_finish (HnPipeline    *self,
                        GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == hn_pipeline_map_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
