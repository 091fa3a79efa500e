/* hn-composite-executor.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"


#include "hn-callback-private.h"
#include "hn-composite-executor.h"
#include "hn-error.h"
#include "hn-node-private.h"
#include "hn-pipeline-private.h"
#include "hn-plan-private.h"
#include "hn-run-private.h"
#include "hn-sequential-executor.h"
#include "hn-thread-pool-executor.h"

/**
 * HnCompositeExecutor:
 *
 * Two executors in one: the items of a map go to the [property@CompositeExecutor:map-executor],
 * and the nodes of each item to the [property@CompositeExecutor:node-executor]. For example a
 * [class@ThreadPoolExecutor] for the items and an [class@AsyncExecutor] for nodes that wait on
 * I/O, so that each item's requests overlap while the items run in parallel. A single run uses
 * the node executor.
 *
 * Results, errors, callback events and cache hits are those of any other executor: each item
 * runs as an item of the map (its nodes report the item index), and a map item whose nodes all
 * came from the cache is reported as cached. An engine as map executor runs in this process
 * only (its runner must not ship nodes to other processes).
 */

struct _HnCompositeExecutor
{
  GObject     parent_instance;
  HnExecutor *map_executor;
  HnExecutor *node_executor;
};

static void executor_iface_init (HnExecutorInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HnCompositeExecutor, hn_composite_executor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_EXECUTOR, executor_iface_init))

enum {
  PROP_0,
  PROP_MAP_EXECUTOR,
  PROP_NODE_EXECUTOR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ---- the item node: one node standing for the whole plan of a map's run ---------------- */

#define HN_TYPE_ITEM_NODE (hn_item_node_get_type ())
G_DECLARE_FINAL_TYPE (HnItemNode, hn_item_node, HN, ITEM_NODE, HnNode)

struct _HnItemNode
{
  HnNode      parent_instance;
  HnRun      *map_run;
  HnExecutor *node_executor;
};

G_DEFINE_FINAL_TYPE (HnItemNode, hn_item_node, HN_TYPE_NODE)

/* Runs item @item of the map with @args, one per root input of its plan, on the node executor. */
static gboolean
hn_item_node_run_invoke (HnNode           *node,
                         HnRun            *run,
                         HnValue * const  *args,
                         guint             n_args,
                         gint64            item,
                         HnValue         **results,
                         gboolean         *cached,
                         GError          **error)
{
  HnItemNode *self = HN_ITEM_NODE (node);
  const char * const *inputs = hn_node_get_inputs (node);
  const char * const *outputs = hn_node_get_outputs (node);
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GPtrArray) values = g_ptr_array_new ();
  g_autoptr(HnRun) item_run = NULL;
  g_autoptr(GVariant) result = NULL;
  guint n_outputs = g_strv_length ((char **) outputs);

  for (guint i = 0; i < n_args; i++)
    if (args[i] != NULL)
      {
        g_ptr_array_add (names, (gpointer) inputs[i]);
        g_ptr_array_add (values, args[i]);
      }
  item_run = _hn_run_new_item (self->map_run, item, self->node_executor,
                               _hn_value_dict_new (names->len,
                                                   (const char * const *) names->pdata,
                                                   (HnValue * const *) values->pdata));

  result = HN_EXECUTOR_GET_IFACE (self->node_executor)->run (self->node_executor, item_run,
                                                             error);
  if (result == NULL)
    return FALSE;

  /* an executor that returns data (an engine): its results become values */
  if (!_hn_run_has_kept (item_run) && !_hn_run_keep_data (item_run, result, error))
    return FALSE;
  for (guint o = 0; o < n_outputs; o++)
    results[o] = _hn_value_ref (_hn_run_get_kept (item_run)[o]);

  if (cached != NULL && item_run->plan->n_steps > 0 &&
      (guint) g_atomic_int_get (&item_run->n_cached) == item_run->plan->n_steps)
    *cached = TRUE;
  return TRUE;
}

static void
hn_item_node_finalize (GObject *object)
{
  HnItemNode *self = HN_ITEM_NODE (object);

  g_clear_pointer (&self->map_run, hn_run_unref);
  g_clear_object (&self->node_executor);
  G_OBJECT_CLASS (hn_item_node_parent_class)->finalize (object);
}

static void
hn_item_node_class_init (HnItemNodeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hn_item_node_finalize;
  _hn_node_class_get_private (klass)->run_invoke = hn_item_node_run_invoke;
}

static void
hn_item_node_init (HnItemNode *self)
{
}

/* ---- the executor ---------------------------------------------------------------------- */

static GVariant *
hn_composite_executor_run_pipeline (HnExecutor  *executor,
                                    HnRun       *run,
                                    GError     **error)
{
  HnCompositeExecutor *self = HN_COMPOSITE_EXECUTOR (executor);

  return HN_EXECUTOR_GET_IFACE (self->node_executor)->run (self->node_executor, run, error);
}

static GVariant *
hn_composite_executor_map_items (HnExecutor  *executor,
                                 HnRun       *run,
                                 GError     **error)
{
  HnCompositeExecutor *self = HN_COMPOSITE_EXECUTOR (executor);
  HnGraph *graph = run->graph;
  const HnPlan *plan = run->plan;
  g_autoptr(GStrvBuilder) inputs = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) optional = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) outputs = g_strv_builder_new ();
  g_auto(GStrv) input_names = NULL, optional_names = NULL, output_names = NULL;
  g_autoptr(HnPipeline) wrapper = NULL;
  HnGraph *wgraph;
  g_autoptr(HnRun) outer = NULL;
  g_autoptr(HnItemNode) node = NULL;
  HnRunSettings settings = { 0 };
  HnPlan *wplan;
  GVariant *result;

  if (plan->n_outputs == 0)
    return HN_EXECUTOR_GET_IFACE (self->node_executor)->map (self->node_executor, run, error);

  for (guint r = 0; r < plan->n_roots; r++)
    {
      g_strv_builder_add (inputs, graph->slot_names[plan->root_slots[r]]);
      if (plan->root_optional[r])
        g_strv_builder_add (optional, graph->slot_names[plan->root_slots[r]]);
    }
  for (guint o = 0; o < plan->n_outputs; o++)
    g_strv_builder_add (outputs, graph->slot_names[plan->output_slots[o]]);
  input_names = g_strv_builder_end (inputs);
  optional_names = g_strv_builder_end (optional);
  output_names = g_strv_builder_end (outputs);

  /* the items of the map, each one call of this node, scheduled by the map executor */
  node = g_object_new (HN_TYPE_ITEM_NODE,
                       "name", "item",
                       "inputs", input_names,
                       "outputs", output_names,
                       "optional-inputs", optional_names[0] ? optional_names : NULL,
                       "cache", FALSE,
                       NULL);
  node->map_run = hn_run_ref (run);
  node->node_executor = g_object_ref (self->node_executor);
  /* A pipeline of that one node, through the public constructor. The run needs only its
   * graph, but a map executor that is an engine plans from the run's pipeline (engine glue
   * reads the nodes of hn_run_get_pipeline()): given the real pipeline, it called the real
   * nodes itself, past the node executor, the cache and the node events. */
  wrapper = hn_pipeline_new ((HnNode **) &node, 1, error);
  if (wrapper == NULL)
    {
      g_clear_pointer (&node->map_run, hn_run_unref);
      return NULL;
    }
  wgraph = _hn_pipeline_get_graph (wrapper);
  /* items call nodes bound to a main context: the map executor services it while it waits
   * (the items themselves are free to run anywhere) */
  if (graph->main_context != NULL && wgraph->main_context == NULL)
    wgraph->main_context = g_main_context_ref (graph->main_context);
  wplan = _hn_plan_get (wgraph, NULL, error);
  if (wplan == NULL)
    {
      g_clear_pointer (&node->map_run, hn_run_unref);
      return NULL;
    }

  /* retries, the timeout and the cache are the item runs' (the map's own settings) */
  settings.graph = wgraph;
  settings.plan = wplan;
  settings.pipeline = wrapper;
  settings.config = run->config;
  settings.executor = self->map_executor;
  settings.bound = run->bound ? g_variant_ref (run->bound) : NULL;
  settings.inputs = run->inputs ? g_variant_ref (run->inputs) : NULL;
  settings.source = _hn_map_source_for_graph (run->source, wgraph);
  settings.context = hn_run_get_context (run);
  settings.cancellable = run->cancellable;
  settings.callbacks = run->callbacks;
  settings.n_callbacks = run->n_callbacks;
  outer = _hn_run_new (&settings);
  if (run->values != NULL)
    outer->values = _hn_value_dict_new (run->values->n_values,
                                        (const char * const *) run->values->names,
                                        run->values->values);
  outer->keep = run->keep;
  /* the map's item events are the wrapper's; its one node is not a node of the pipeline */
  outer->events &= ~(HN_CALLBACK_EVENTS_NODES | HN_HOOK_NODE_START);

  result = HN_EXECUTOR_GET_IFACE (self->map_executor)->map (self->map_executor, outer, error);
  if (result != NULL && run->keep && _hn_run_has_kept (outer))
    {
      run->kept = g_steal_pointer (&outer->kept);
      run->result_columns = g_steal_pointer (&outer->result_columns);
      run->n_kept_items = outer->n_kept_items;
      run->plan_n_outputs = outer->plan_n_outputs;
      outer->n_kept_items = 0;
    }

  /* the item node holds the run: break the cycle now */
  g_clear_pointer (&node->map_run, hn_run_unref);
  return result;
}

static void
executor_iface_init (HnExecutorInterface *iface)
{
  iface->run = hn_composite_executor_run_pipeline;
  iface->map = hn_composite_executor_map_items;
}

static void
hn_composite_executor_constructed (GObject *object)
{
  HnCompositeExecutor *self = HN_COMPOSITE_EXECUTOR (object);

  G_OBJECT_CLASS (hn_composite_executor_parent_class)->constructed (object);
  if (self->map_executor == NULL)
    self->map_executor = hn_thread_pool_executor_new (0);
  if (self->node_executor == NULL)
    self->node_executor = hn_sequential_executor_new ();
}

static void
hn_composite_executor_finalize (GObject *object)
{
  HnCompositeExecutor *self = HN_COMPOSITE_EXECUTOR (object);

  g_clear_object (&self->map_executor);
  g_clear_object (&self->node_executor);
  G_OBJECT_CLASS (hn_composite_executor_parent_class)->finalize (object);
}

static void
hn_composite_executor_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HnCompositeExecutor *self = HN_COMPOSITE_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_MAP_EXECUTOR:
      g_value_set_object (value, self->map_executor);
      break;

    case PROP_NODE_EXECUTOR:
      g_value_set_object (value, self->node_executor);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_composite_executor_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  HnCompositeExecutor *self = HN_COMPOSITE_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_MAP_EXECUTOR:
      self->map_executor = g_value_dup_object (value);
      break;

    case PROP_NODE_EXECUTOR:
      self->node_executor = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_composite_executor_class_init (HnCompositeExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hn_composite_executor_constructed;
  object_class->finalize = hn_composite_executor_finalize;
  object_class->get_property = hn_composite_executor_get_property;
  object_class->set_property = hn_composite_executor_set_property;

  /**
   * HnCompositeExecutor:map-executor:
   *
   * The executor the items of a map go to; a [class@ThreadPoolExecutor] by default.
   */
  properties[PROP_MAP_EXECUTOR] =
    g_param_spec_object ("map-executor", NULL, NULL,
                         HN_TYPE_EXECUTOR,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnCompositeExecutor:node-executor:
   *
   * The executor the nodes of each item (and of a single run) go to; a
   * [class@SequentialExecutor] by default.
   */
  properties[PROP_NODE_EXECUTOR] =
    g_param_spec_object ("node-executor", NULL, NULL,
                         HN_TYPE_EXECUTOR,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hn_composite_executor_init (HnCompositeExecutor *self)
{
}

/**
 * hn_composite_executor_new:
 * @map_executor: (nullable): the executor of a map's items, or %NULL for a thread pool
 * @node_executor: (nullable): the executor of each item's nodes, or %NULL for the sequential
 *   executor
 *
 * Makes an executor that gives the items of a map to @map_executor and the nodes of each item to
 * @node_executor.
 *
 * Returns: (transfer full): a new [class@CompositeExecutor]
 */
HnExecutor *
hn_composite_executor_new (HnExecutor *map_executor,
                           HnExecutor *node_executor)
{
  g_return_val_if_fail (map_executor == NULL || HN_IS_EXECUTOR (map_executor), NULL);
  g_return_val_if_fail (node_executor == NULL || HN_IS_EXECUTOR (node_executor), NULL);

  return g_object_new (HN_TYPE_COMPOSITE_EXECUTOR,
                       "map-executor", map_executor,
                       "node-executor", node_executor,
                       NULL);
}

/**
 * hn_composite_executor_get_map_executor:
 * @self: a [class@CompositeExecutor]
 *
 * Gets the executor of a map's items.
 *
 * Returns: (transfer none): the value of [property@CompositeExecutor:map-executor]
 */
HnExecutor *
hn_composite_executor_get_map_executor (HnCompositeExecutor *self)
{
  g_return_val_if_fail (HN_IS_COMPOSITE_EXECUTOR (self), NULL);
  return self->map_executor;
}

/**
 * hn_composite_executor_get_node_executor:
 * @self: a [class@CompositeExecutor]
 *
 * Gets the executor of the nodes of each item.
 *
 * Returns: (transfer none): the value of [property@CompositeExecutor:node-executor]
 */
HnExecutor *
hn_composite_executor_get_node_executor (HnCompositeExecutor *self)
{
  g_return_val_if_fail (HN_IS_COMPOSITE_EXECUTOR (self), NULL);
  return self->node_executor;
}
