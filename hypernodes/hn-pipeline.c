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
  return run != NULL && _hn_run_check (run, error);
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

/* ---- runs: the pipeline makes them, so these entry points live here --------------------- */

/* @inputs and @source are taken over. */
static HnRun *
make_run (HnPipeline          *self,
          HnExecutor          *executor,
          GVariant            *bound,
          GVariant            *inputs,
          HnMapSource         *source,
          const char * const  *outputs,
          HnCallbackContext   *context,
          GCancellable        *cancellable,
          GError             **error)
{
  HnRuntimeConfig *config = hn_pipeline_get_config (self);
  HnPlan *plan;

  plan = _hn_plan_get (self->graph, outputs, error);
  if (plan == NULL)
    {
      g_clear_pointer (&inputs, g_variant_unref);
      g_clear_pointer (&source, _hn_map_source_unref);
      return NULL;
    }

  guint n_callbacks;
  HnCallback **callbacks = hn_runtime_config_get_callbacks (config, &n_callbacks);

  return _hn_run_new (self->graph, plan, G_OBJECT (self), G_OBJECT (config),
                      G_OBJECT (executor ? executor : hn_runtime_config_get_executor (config)),
                      bound ? g_variant_ref (bound) : NULL, inputs, source, outputs, context,
                      cancellable, hn_runtime_config_get_retries (config),
                      hn_runtime_config_get_timeout (config),
                      hn_runtime_config_get_cache (config), callbacks, n_callbacks);
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
  g_return_val_if_fail (pipeline->graph != NULL, NULL);
  g_return_val_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return make_run (pipeline, NULL, pipeline->bound, inputs ? g_variant_ref_sink (inputs) : NULL,
                   NULL, outputs, context, cancellable, error);
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
  g_return_val_if_fail (pipeline->graph != NULL, NULL);
  g_return_val_if_fail (items != NULL, NULL);
  g_return_val_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  owned_items = g_variant_ref_sink (items);
  return make_run (pipeline, NULL, pipeline->bound, inputs ? g_variant_ref_sink (inputs) : NULL,
                   _hn_map_source_new_items (owned_items), outputs, context, cancellable,
                   error);
}

static HnBackend *
backend_of (HnRun *run)
{
  return hn_runtime_config_get_backend (hn_run_get_config (run));
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
  g_return_val_if_fail (pipeline->graph != NULL, NULL);
  g_return_val_if_fail (n_values == 0 || (names != NULL && values != NULL), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_names (n_values, names, values, error))
    return NULL;
  run = make_run (pipeline, NULL, pipeline->bound, NULL, NULL, outputs, NULL, cancellable,
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
  source = _hn_map_source_new_columns (pipeline->graph, NULL, pipeline->bound, map_over, columns,
                                       lengths, host_columns, mode, &shared, error);
  if (source == NULL)
    return NULL;
  run = make_run (pipeline, NULL, NULL, g_steal_pointer (&shared), source, outputs, NULL,
                  cancellable, error);
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
  g_return_val_if_fail (pipeline->graph != NULL, NULL);
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
 * 1,024 at a time, only if something asks for the values of items. Engine glue reads a column whole with
 * [method@Run.get_input_column]. The values of a column must not change during the run.
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
  g_return_val_if_fail (pipeline->graph != NULL, NULL);
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
  g_autofree char **names = NULL;
  gsize n_items;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (self->keep, FALSE);
  g_return_val_if_fail (!_hn_run_has_kept (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  result = hn_backend_execute (backend_of (self), self, error);
  if (result == NULL)
    return FALSE;
  if (_hn_run_has_kept (self))
    return TRUE;

  /* an executor that returns data (an engine): its results become values */
  n_items = self->source != NULL ? g_variant_n_children (result) : 1;
  if (!_hn_run_alloc_kept (self, n_items, error))
    return FALSE;
  for (gsize i = 0; i < n_items; i++)
    {
      g_autoptr(GVariant) dict = self->source != NULL ? g_variant_get_child_value (result, i)
                                                      : g_variant_ref (result);

      for (guint o = 0; o < self->plan->n_outputs; o++)
        {
          const char *name = self->graph->slot_names[self->plan->output_slots[o]];
          GVariant *value = g_variant_lookup_value (dict, name, NULL);

          if (value == NULL)
            {
              g_set_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_ENGINE_FAILED,
                           _("The executor returned no output “%s” for item %llu"),
                           name, (unsigned long long) i);
              return FALSE;
            }
          self->kept[i * self->plan->n_outputs + o] = (HnValue *) value;
        }
    }
  return TRUE;
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

  run = make_run (self, NULL, self->bound, inputs ? g_variant_ref_sink (inputs) : NULL, NULL,
                  outputs, NULL, cancellable, error);
  if (run == NULL)
    return NULL;
  return hn_backend_execute (backend_of (run), run, error);
}

/* Completes the task of an async entry point, from the backend or the executor that ran it. */
static void
execute_done (GObject      *source,
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

/* Starts @run (taken over) on @executor, or with its config's backend when @executor is NULL;
 * @run NULL means it could not be made, and @error says why. The task's source is @source. */
static void
start_async (gpointer             source,
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
    hn_executor_execute_async (executor, run, execute_done, task);
  else
    hn_backend_execute_async (backend_of (run), run, execute_done, task);
  hn_run_unref (run);
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

  run = make_run (self, NULL, self->bound, inputs ? g_variant_ref_sink (inputs) : NULL, NULL,
                  outputs, NULL, cancellable, &error);
  start_async (self, hn_pipeline_run_async, NULL, run, error, cancellable, callback, user_data);
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

/* A map reads the mapped arrays directly: no list of item dictionaries is built. */
static HnRun *
make_map_run (HnPipeline          *self,
              GVariant            *inputs,
              const char * const  *map_over,
              HnMapMode            mode,
              const char * const  *outputs,
              GCancellable        *cancellable,
              GError             **error)
{
  g_autoptr(GVariant) owned = inputs ? g_variant_ref_sink (inputs) : NULL;
  GVariant *shared = NULL;
  HnMapSource *source;

  source = _hn_map_source_new_columns (self->graph, owned, self->bound, map_over, NULL, NULL,
                                       NULL, mode, &shared,
                                       error);
  if (source == NULL)
    return NULL;
  /* the shared inputs hold the bound ones already */
  return make_run (self, NULL, NULL, shared, source, outputs, NULL, cancellable, error);
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

  run = make_map_run (self, inputs, map_over, mode, outputs, cancellable, error);
  if (run == NULL)
    return NULL;
  return hn_backend_execute (backend_of (run), run, error);
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

  run = make_map_run (self, inputs, map_over, mode, outputs, cancellable, &error);
  start_async (self, hn_pipeline_map_async, NULL, run, error, cancellable, callback, user_data);
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

/* ---- the entry points of HnExecutor that take a pipeline (they make its run) --------------- */

/**
 * hn_executor_run_pipeline:
 * @self: an [iface@Executor]
 * @pipeline: the pipeline to run
 * @inputs: (nullable): the inputs, an `a{sv}`; %NULL for none
 * @context: (nullable): the callback context of the run
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Runs @pipeline once with this executor (whatever the pipeline's configuration names), with
 * the retries and timeout of the pipeline's configuration. Only the nodes that @outputs need
 * run.
 *
 * Returns: (transfer full): the requested outputs, an `a{sv}`
 */
GVariant *
hn_executor_run_pipeline (HnExecutor          *self,
                          HnPipeline          *pipeline,
                          GVariant            *inputs,
                          HnCallbackContext   *context,
                          const char * const  *outputs,
                          GCancellable        *cancellable,
                          GError             **error)
{
  g_autoptr(HnRun) run = NULL;

  g_return_val_if_fail (HN_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (HN_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (pipeline->graph != NULL, NULL);
  g_return_val_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  run = make_run (pipeline, self, pipeline->bound, inputs ? g_variant_ref_sink (inputs) : NULL,
                  NULL, outputs, context, cancellable, error);
  return run ? hn_executor_execute (self, run, error) : NULL;
}

/**
 * hn_executor_run_pipeline_async:
 * @self: an [iface@Executor]
 * @pipeline: the pipeline to run
 * @inputs: (nullable): the inputs, an `a{sv}`; %NULL for none
 * @context: (nullable): the callback context of the run
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (closure user_data): called when the run is over
 * @user_data: data for @callback
 *
 * Starts [method@Executor.run_pipeline] without blocking the calling thread. @callback runs in
 * the thread-default main context of the caller.
 */
void
hn_executor_run_pipeline_async (HnExecutor          *self,
                                HnPipeline          *pipeline,
                                GVariant            *inputs,
                                HnCallbackContext   *context,
                                const char * const  *outputs,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  GError *error = NULL;
  HnRun *run;

  g_return_if_fail (HN_IS_EXECUTOR (self));
  g_return_if_fail (HN_IS_PIPELINE (pipeline));
  g_return_if_fail (pipeline->graph != NULL);
  g_return_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  run = make_run (pipeline, self, pipeline->bound, inputs ? g_variant_ref_sink (inputs) : NULL,
                  NULL, outputs, context, cancellable, &error);
  start_async (self, hn_executor_run_pipeline_async, self, run, error, cancellable, callback,
               user_data);
}

/**
 * hn_executor_run_pipeline_finish:
 * @self: an [iface@Executor]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Completes [method@Executor.run_pipeline_async].
 *
 * Returns: (transfer full): the requested outputs, an `a{sv}`
 */
GVariant *
hn_executor_run_pipeline_finish (HnExecutor    *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (HN_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * hn_executor_map_items:
 * @self: an [iface@Executor]
 * @pipeline: the pipeline to run
 * @items: the items, an `aa{sv}`: each item's values are added to @inputs for its run
 * @inputs: (nullable): the inputs shared by all items, an `a{sv}`; %NULL for none
 * @context: (nullable): the callback context of the map
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Runs @pipeline once per item with this executor. Fails as a whole if any item fails: the
 * error names the node and the item index, and no partial result is returned.
 *
 * Returns: (transfer full): one `a{sv}` of requested outputs per item, in item order, as an
 *   `aa{sv}`
 */
GVariant *
hn_executor_map_items (HnExecutor          *self,
                       HnPipeline          *pipeline,
                       GVariant            *items,
                       GVariant            *inputs,
                       HnCallbackContext   *context,
                       const char * const  *outputs,
                       GCancellable        *cancellable,
                       GError             **error)
{
  g_autoptr(GVariant) owned_items = NULL;
  g_autoptr(HnRun) run = NULL;

  g_return_val_if_fail (HN_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (HN_IS_PIPELINE (pipeline), NULL);
  g_return_val_if_fail (pipeline->graph != NULL, NULL);
  g_return_val_if_fail (items != NULL, NULL);
  g_return_val_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context), NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  owned_items = g_variant_ref_sink (items);
  run = make_run (pipeline, self, pipeline->bound, inputs ? g_variant_ref_sink (inputs) : NULL,
                  _hn_map_source_new_items (owned_items), outputs, context, cancellable, error);
  return run ? hn_executor_execute (self, run, error) : NULL;
}

/**
 * hn_executor_map_items_async:
 * @self: an [iface@Executor]
 * @pipeline: the pipeline to run
 * @items: the items, an `aa{sv}`
 * @inputs: (nullable): the inputs shared by all items, an `a{sv}`; %NULL for none
 * @context: (nullable): the callback context of the map
 * @outputs: (array zero-terminated=1) (nullable): the outputs to compute, or %NULL for all
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (closure user_data): called when the map is over
 * @user_data: data for @callback
 *
 * Starts [method@Executor.map_items] without blocking the calling thread.
 */
void
hn_executor_map_items_async (HnExecutor          *self,
                             HnPipeline          *pipeline,
                             GVariant            *items,
                             GVariant            *inputs,
                             HnCallbackContext   *context,
                             const char * const  *outputs,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GVariant) owned_items = NULL;
  GError *error = NULL;
  HnRun *run;

  g_return_if_fail (HN_IS_EXECUTOR (self));
  g_return_if_fail (HN_IS_PIPELINE (pipeline));
  g_return_if_fail (pipeline->graph != NULL);
  g_return_if_fail (items != NULL);
  g_return_if_fail (!context || HN_IS_CALLBACK_CONTEXT (context));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  owned_items = g_variant_ref_sink (items);
  run = make_run (pipeline, self, pipeline->bound, inputs ? g_variant_ref_sink (inputs) : NULL,
                  _hn_map_source_new_items (owned_items), outputs, context, cancellable, &error);
  start_async (self, hn_executor_map_items_async, self, run, error, cancellable, callback,
               user_data);
}

/**
 * hn_executor_map_items_finish:
 * @self: an [iface@Executor]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Completes [method@Executor.map_items_async].
 *
 * Returns: (transfer full): one `a{sv}` per item, as an `aa{sv}`
 */
GVariant *
hn_executor_map_items_finish (HnExecutor    *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (HN_IS_EXECUTOR (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
