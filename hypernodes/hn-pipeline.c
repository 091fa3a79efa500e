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
#include "hn-executor.h"
#include "hn-node.h"
#include "hn-pipeline-node-private.h"
#include "hn-pipeline-private.h"
#include "hn-driver-private.h"
#include "hn-run-private.h"
#include "hn-runtime-config-private.h"

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
 * outputs need; [method@Pipeline.map] runs it over many items. Inputs that no node uses are
 * ignored, so one dictionary can feed several pipelines. Both go through the
 * [class@RuntimeConfig] of the pipeline, set with [method@Pipeline.with_config]; without one,
 * the process-wide default ([func@RuntimeConfig.get_default]) is used, which runs nodes in
 * order in the calling thread unless set otherwise.
 *
 * [method@Pipeline.bind] fixes the values of some inputs; [method@Pipeline.as_node] makes a
 * node of the pipeline, to nest it in another one.
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
  char            *name;
  HnNode         **nodes;
  guint            n_nodes;
  HnGraph         *graph;
  HnRuntimeConfig *config;      /* NULL: the process-wide default */
  GVariant        *bound;       /* a{sv}, NULL when nothing is bound */
  char           **unfulfilled;
};

static void hn_pipeline_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HnPipeline, hn_pipeline, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      hn_pipeline_initable_iface_init))

enum {
  PROP_0,
  PROP_CONFIG,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_unfulfilled (HnPipeline *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; self->graph->root_inputs[i] != NULL; i++)
    if (self->bound == NULL ||
        !g_variant_lookup (self->bound, self->graph->root_inputs[i], "*", NULL))
      g_strv_builder_add (builder, self->graph->root_inputs[i]);
  g_strfreev (self->unfulfilled);
  self->unfulfilled = g_strv_builder_end (builder);
}

static gboolean
hn_pipeline_initable_init (GInitable     *initable,
                           GCancellable  *cancellable,
                           GError       **error)
{
  HnPipeline *self = HN_PIPELINE (initable);

  if (self->graph != NULL)
    return TRUE;

  self->graph = _hn_graph_new (self->nodes, self->n_nodes, error);
  if (self->graph == NULL)
    return FALSE;
  update_unfulfilled (self);
  return TRUE;
}

static void
hn_pipeline_initable_iface_init (GInitableIface *iface)
{
  iface->init = hn_pipeline_initable_init;
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
  g_free (self->name);
  g_clear_pointer (&self->graph, _hn_graph_unref);
  g_clear_pointer (&self->bound, g_variant_unref);
  g_strfreev (self->unfulfilled);

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
      g_value_set_object (value, hn_pipeline_get_config (self));
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
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

    case PROP_NAME:
      self->name = g_value_dup_string (value);
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

  object_class->dispose = hn_pipeline_dispose;
  object_class->finalize = hn_pipeline_finalize;
  object_class->get_property = hn_pipeline_get_property;
  object_class->set_property = hn_pipeline_set_property;

  /**
   * HnPipeline:config:
   *
   * The runtime configuration runs and maps use. The process-wide default
   * ([func@RuntimeConfig.get_default]) when none is given.
   */
  properties[PROP_CONFIG] =
    g_param_spec_object ("config", NULL, NULL,
                         HN_TYPE_RUNTIME_CONFIG,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnPipeline:name:
   *
   * A name for the pipeline, used as the default name of its node when it is nested
   * ([method@Pipeline.as_node]). %NULL when none is given.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
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
 * the nodes and ports involved if the nodes form a cycle, two nodes produce the same output, a
 * node is given twice or is malformed, or connected ports have incompatible types. Nodes may
 * share a name (one function under several output names, for instance).
 *
 * Returns: (transfer full): a new [class@Pipeline], or %NULL on error
 */
HnPipeline *
hn_pipeline_new (HnNode * const  *nodes,
                 guint            n_nodes,
                 GError         **error)
{
  return hn_pipeline_new_named (NULL, nodes, n_nodes, error);
}

/**
 * hn_pipeline_new_named:
 * @name: (nullable): a name for the pipeline (see [property@Pipeline:name])
 * @nodes: (array length=n_nodes): the nodes, in any order
 * @n_nodes: the number of nodes
 * @error: return location for a [struct@GLib.Error]
 *
 * Builds a named pipeline from @nodes, as [ctor@Pipeline.new] does.
 *
 * Returns: (transfer full): a new [class@Pipeline], or %NULL on error
 */
HnPipeline *
hn_pipeline_new_named (const char      *name,
                       HnNode * const  *nodes,
                       guint            n_nodes,
                       GError         **error)
{
  g_autoptr(HnPipeline) self = NULL;

  g_return_val_if_fail (n_nodes == 0 || nodes != NULL, NULL);
  for (guint i = 0; i < n_nodes; i++)
    g_return_val_if_fail (HN_IS_NODE (nodes[i]), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (name != NULL && !g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_NODE,
                           _("The name of a pipeline is not valid UTF-8"));
      return NULL;
    }

  self = g_object_new (HN_TYPE_PIPELINE, "name", name, NULL);
  self->n_nodes = n_nodes;
  self->nodes = g_new (HnNode *, MAX (n_nodes, 1));
  for (guint i = 0; i < n_nodes; i++)
    self->nodes[i] = g_object_ref_sink (nodes[i]);

  if (!g_initable_init (G_INITABLE (self), NULL, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* A pipeline sharing the nodes and graph of @self. */
static HnPipeline *
pipeline_copy (HnPipeline      *self,
               HnRuntimeConfig *config,
               GVariant        *bound)
{
  HnPipeline *copy = g_object_new (HN_TYPE_PIPELINE, "config", config, "name", self->name, NULL);

  copy->n_nodes = self->n_nodes;
  copy->nodes = g_new (HnNode *, MAX (self->n_nodes, 1));
  for (guint i = 0; i < self->n_nodes; i++)
    copy->nodes[i] = g_object_ref (self->nodes[i]);
  copy->graph = _hn_graph_ref (self->graph);
  copy->bound = bound;
  update_unfulfilled (copy);
  return copy;
}

/**
 * hn_pipeline_get_name:
 * @self: a [class@Pipeline]
 *
 * Gets the name.
 *
 * Returns: (nullable): the name of the pipeline, or %NULL
 */
const char *
hn_pipeline_get_name (HnPipeline *self)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  return self->name;
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
 * Looks a node up by name; the first one given when several share it.
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
 * Gets the inputs no node produces, bound ones included: what a run of every output reads.
 * [method@Pipeline.get_unfulfilled_inputs] leaves the bound ones out.
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
 * hn_pipeline_get_unfulfilled_inputs:
 * @self: a [class@Pipeline]
 *
 * Gets the root inputs that are not bound: what a run of every output needs to be given.
 *
 * Returns: (transfer none) (array zero-terminated=1): the input names
 */
const char * const *
hn_pipeline_get_unfulfilled_inputs (HnPipeline *self)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);

  return (const char * const *) self->unfulfilled;
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
 * Gets the root inputs a run reads to compute @outputs, bound ones included.
 *
 * Returns: (transfer full) (array zero-terminated=1): the input names, or %NULL if an output is
 *   unknown
 */
char **
hn_pipeline_get_required_inputs (HnPipeline          *self,
                                 const char * const  *outputs,
                                 GError             **error)
{
  g_autoptr(HnPlan) plan = NULL;
  char **names;

  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  plan = _hn_plan_get (self->graph, outputs, error);
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
 * Checks the inputs of a run strictly: unknown outputs, missing inputs (bound ones count as
 * given), values of the wrong type, and also names that are not inputs of the pipeline, which
 * [method@Pipeline.run] ignores. For callers who want to catch a misspelt input name.
 *
 * Returns: %TRUE if the inputs are exactly right for a run
 */
gboolean
hn_pipeline_check_inputs (HnPipeline          *self,
                          GVariant            *inputs,
                          const char * const  *outputs,
                          GError             **error)
{
  g_autoptr(GVariant) owned = inputs ? g_variant_ref_sink (inputs) : NULL;
  g_autoptr(HnPlan) plan = NULL;
  HnValue **frame;
  gboolean ok;

  g_return_val_if_fail (HN_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (self->graph != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  plan = _hn_plan_get (self->graph, outputs, error);
  if (plan == NULL)
    return FALSE;

  frame = _hn_frame_new (self->graph);
  ok = _hn_frame_check_dict (owned, _("The inputs"), error) &&
       _hn_frame_load_dict (self->graph, self->bound, -1, HN_FRAME_LOAD_LENIENT, frame, error) &&
       _hn_frame_load_dict (self->graph, owned, -1, HN_FRAME_LOAD_STRICT, frame, error) &&
       _hn_frame_check_missing (self->graph, plan, frame, -1, error);
  _hn_frame_free (self->graph, frame);
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
  g_autoptr(HnRun) run = NULL;

  g_return_val_if_fail (HN_IS_PIPELINE (self), FALSE);
  g_return_val_if_fail (self->graph != NULL, FALSE);
  g_return_val_if_fail (items != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  run = hn_run_new_map (self, items, inputs, outputs, NULL, NULL, error);
  return run != NULL && _hn_driver_check (run, error);
}

/**
 * hn_pipeline_get_config:
 * @self: a [class@Pipeline]
 *
 * Gets the configuration runs use: the one given with [method@Pipeline.with_config], or else
 * the process-wide default at the time of the call ([func@RuntimeConfig.get_default]).
 *
 * Returns: (transfer none): the runtime configuration
 */
HnRuntimeConfig *
hn_pipeline_get_config (HnPipeline *self)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);

  return self->config ? self->config : _hn_runtime_config_peek_default ();
}

/**
 * hn_pipeline_with_config:
 * @self: a [class@Pipeline]
 * @config: the runtime configuration
 *
 * Creates a pipeline with the same nodes, graph and bound inputs as @self that runs with
 * @config. The graph is shared, not rebuilt.
 *
 * Returns: (transfer full): a new [class@Pipeline]
 */
HnPipeline *
hn_pipeline_with_config (HnPipeline      *self,
                         HnRuntimeConfig *config)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);
  g_return_val_if_fail (HN_IS_RUNTIME_CONFIG (config), NULL);

  return pipeline_copy (self, config, self->bound ? g_variant_ref (self->bound) : NULL);
}

/**
 * hn_pipeline_get_bound_inputs:
 * @self: a [class@Pipeline]
 *
 * Gets the bound inputs (see [method@Pipeline.bind]).
 *
 * Returns: (transfer none) (nullable): an `a{sv}` of the bound values, or %NULL when none is
 *   bound
 */
GVariant *
hn_pipeline_get_bound_inputs (HnPipeline *self)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  return self->bound;
}

/**
 * hn_pipeline_bind:
 * @self: a [class@Pipeline]
 * @values: an `a{sv}` of root input values
 * @error: return location for a [struct@GLib.Error]
 *
 * Creates a pipeline sharing the graph of @self with @values bound to their inputs (on top of
 * the inputs already bound). A run uses the bound value of an input it is not given; a given
 * value overrides it. A map may map over a bound list. Bound inputs of a nested pipeline
 * satisfy the outer pipeline: they are not inputs of its node.
 *
 * Fails with [error@PipelineError.UNKNOWN_INPUT] for a name that is not a root input, and with
 * [error@PipelineError.TYPE_MISMATCH] for a value of the wrong type.
 *
 * Returns: (transfer full): a new [class@Pipeline], or %NULL on error
 */
HnPipeline *
hn_pipeline_bind (HnPipeline  *self,
                  GVariant    *values,
                  GError     **error)
{
  g_autoptr(GVariant) owned = NULL;
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);
  g_return_val_if_fail (values != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  owned = g_variant_ref_sink (values);
  if (!_hn_frame_check_dict (owned, _("The values to bind"), error))
    return NULL;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, owned);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      int slot = _hn_graph_lookup_slot (self->graph, key);
      g_autoptr(GVariant) v = value;

      if (slot < 0 || self->graph->producer[slot] >= 0)
        {
          g_autofree char *known = g_strjoinv (", ", self->graph->root_inputs);

          g_variant_builder_clear (&builder);
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT,
                       _("Cannot bind “%s”: it is not an input of the pipeline (inputs: %s)"),
                       key, known);
          return NULL;
        }
      /* a bound list may be mapped over, so only scalars are checked against the port */
      if (!g_variant_is_of_type (v, G_VARIANT_TYPE_ARRAY) &&
          !_hn_graph_check_root_value (self->graph, slot, v, -1, error))
        {
          g_variant_builder_clear (&builder);
          return NULL;
        }
      g_variant_builder_add (&builder, "{sv}", key, v);
    }
  if (self->bound != NULL)
    {
      g_variant_iter_init (&iter, self->bound);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
        {
          if (!g_variant_lookup (owned, key, "*", NULL))
            g_variant_builder_add (&builder, "{sv}", key, value);
          g_variant_unref (value);
        }
    }

  return pipeline_copy (self, self->config,
                        g_variant_ref_sink (g_variant_builder_end (&builder)));
}

/**
 * hn_pipeline_unbind:
 * @self: a [class@Pipeline]
 * @names: (array zero-terminated=1) (nullable): the inputs to unbind, or %NULL for all
 *
 * Creates a pipeline sharing the graph of @self without the bound values of @names. Names that
 * are not bound are ignored.
 *
 * Returns: (transfer full): a new [class@Pipeline]
 */
HnPipeline *
hn_pipeline_unbind (HnPipeline          *self,
                    const char * const  *names)
{
  GVariantBuilder builder;
  GVariantIter iter;
  const char *key;
  GVariant *value;
  gboolean any = FALSE;

  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);

  if (names == NULL || self->bound == NULL)
    return pipeline_copy (self, self->config, NULL);

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  g_variant_iter_init (&iter, self->bound);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      if (!g_strv_contains (names, key))
        {
          g_variant_builder_add (&builder, "{sv}", key, value);
          any = TRUE;
        }
      g_variant_unref (value);
    }
  if (!any)
    {
      g_variant_builder_clear (&builder);
      return pipeline_copy (self, self->config, NULL);
    }
  return pipeline_copy (self, self->config,
                        g_variant_ref_sink (g_variant_builder_end (&builder)));
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
 * be given or bound (all missing ones are named in one [error@PipelineError.MISSING_INPUT]),
 * every value must have the type its consumers declare, no name may be one that a node
 * produces, and every requested output must exist. Names that are not inputs of the pipeline
 * are ignored. A node's own error comes back as [error@NodeError.FAILED] with the node's name
 * and message.
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
  g_autoptr(HnRun) run = NULL;

  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  run = _hn_run_new_for_pipeline (self, NULL, TRUE, inputs, NULL, outputs, NULL, cancellable,
                                  error);
  if (run == NULL)
    return NULL;
  return hn_backend_execute (hn_runtime_config_get_backend (hn_run_get_config (run)), run, error);
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
  GError *error = NULL;
  HnRun *run;

  g_return_if_fail (HN_IS_PIPELINE (self));
  g_return_if_fail (self->graph != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run = _hn_run_new_for_pipeline (self, NULL, TRUE, inputs, NULL, outputs, NULL, cancellable,
                                  &error);
  _hn_run_execute_async (self, hn_pipeline_run_async, NULL, run, error, cancellable, callback,
                         user_data);
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
 * array, given or bound; its elements (unboxed if the array is an `av`) become the items'
 * values. In %HN_MAP_MODE_ZIP item `i` takes element `i` of every mapped input, which must all
 * have the same length; in %HN_MAP_MODE_PRODUCT there is one item per combination.
 *
 * The map fails as a whole if any item fails; the error names the node and the item index. An
 * empty map returns an empty array. A map whose results could not fit in memory fails before
 * it starts.
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
  g_autoptr(HnRun) run = NULL;

  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (self->graph != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  run = _hn_run_new_map_for_pipeline (self, inputs, map_over, mode, outputs, cancellable, error);
  if (run == NULL)
    return NULL;
  return hn_backend_execute (hn_runtime_config_get_backend (hn_run_get_config (run)), run, error);
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
  GError *error = NULL;
  HnRun *run;

  g_return_if_fail (HN_IS_PIPELINE (self));
  g_return_if_fail (self->graph != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run = _hn_run_new_map_for_pipeline (self, inputs, map_over, mode, outputs, cancellable, &error);
  _hn_run_execute_async (self, hn_pipeline_map_async, NULL, run, error, cancellable, callback,
                         user_data);
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

/**
 * hn_pipeline_as_node:
 * @self: a [class@Pipeline]
 * @name: (nullable): the node's name, or %NULL for the pipeline's name (or `pipeline`)
 * @input_mapping: (nullable): an `a{ss}` from outer input names to inner input names
 * @output_mapping: (nullable): an `a{ss}` from inner output names to outer output names; with
 *   one, only the mapped outputs are the node's
 * @map_over: (array zero-terminated=1) (nullable): inputs of the node (outer names) to map the
 *   inner pipeline over, or %NULL to run it once per call
 * @map_mode: how the mapped inputs are combined, as in [method@Pipeline.map]
 * @error: return location for a [struct@GLib.Error]
 *
 * Makes a [class@PipelineNode] that runs @self as one node of another pipeline. See
 * [class@PipelineNode] for what its inputs and outputs are.
 *
 * ```c
 * g_autoptr(HnNode) inner = hn_pipeline_as_node (pipeline, "clean",
 *                                                g_variant_new_parsed ("{'raw': 'text'}"),
 *                                                NULL, NULL, HN_MAP_MODE_ZIP, &error);
 * ```
 *
 * Fails with [error@PipelineError.UNKNOWN_INPUT] or [error@PipelineError.UNKNOWN_OUTPUT] when
 * a mapping or @map_over names what the pipeline lacks, and with
 * [error@PipelineError.INVALID_INPUTS] for a malformed mapping or an unknown @map_mode.
 *
 * Returns: (transfer full): a new [class@PipelineNode], or %NULL on error
 */
HnNode *
hn_pipeline_as_node (HnPipeline          *self,
                     const char          *name,
                     GVariant            *input_mapping,
                     GVariant            *output_mapping,
                     const char * const  *map_over,
                     HnMapMode            map_mode,
                     GError             **error)
{
  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return _hn_pipeline_node_new (self, name, input_mapping, output_mapping, map_over, map_mode,
                                error);
}
