/* hn-pipeline-node.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hn-callback-private.h"
#include "hn-error.h"
#include "hn-driver-private.h"
#include "hn-invoke-private.h"
#include "hn-node-private.h"
#include "hn-pipeline-node-private.h"
#include "hn-pipeline-private.h"
#include "hn-run-private.h"
#include "hn-runtime-config.h"

/**
 * HnPipelineNode:
 *
 * A [class@Pipeline] used as a node of another pipeline. Made with [method@Pipeline.as_node].
 *
 * The node's inputs are the inner pipeline's root inputs that its outputs need and that are not
 * bound, renamed by the input mapping (outer name → inner name); its outputs are the inner
 * outputs, or with an output mapping (inner name → outer name) just the mapped ones, and only
 * the inner nodes those need run. Mapping keeps apart two inner and outer values of one name.
 *
 * With `map-over`, the inner pipeline maps over the named inputs, which must be lists (zipped or
 * combined as [method@PipelineNode.get_map_mode] says); the other inputs are shared by every item,
 * and each output becomes a list in item order.
 *
 * The inner pipeline runs inside the outer run, in the thread that calls the node: it shares the
 * run's cancellable and retries, its callback context is a child of the outer one, and an error
 * of an inner node names the path of nodes (`outer › inner[3] › node`, with the inner item of a
 * mapped pipeline node).
 */

typedef struct
{
  guint     slot;
  GVariant *value;
} Bound;

struct _HnPipelineNode
{
  HnNode       parent_instance;
  HnPipeline  *pipeline;
  HnGraph     *graph;
  HnPlan      *plan;
  GVariant    *input_mapping;
  GVariant    *output_mapping;
  char       **map_over;         /* outer names, NULL when not mapped */
  char       **inner_map_over;   /* the same, inner names */
  HnMapMode    map_mode;
  guint        n_inputs;
  char       **inner_inputs;     /* per input, its inner name */
  guint       *input_slots;
  guint        n_outputs;
  guint       *output_slots;
  char       **output_types;     /* declared types of the outputs */
  guint        n_bound;
  Bound       *bound;            /* bound inner inputs the plan reads */
};

G_DEFINE_FINAL_TYPE (HnPipelineNode, hn_pipeline_node, HN_TYPE_NODE)

static gboolean
check_ready (HnPipelineNode  *self,
             GError         **error)
{
  if (self->pipeline != NULL)
    return TRUE;
  g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_NODE,
               _("Pipeline node “%s” has no pipeline: make pipeline nodes with "
                 "hn_pipeline_as_node()"),
               hn_node_get_name (HN_NODE (self)));
  return FALSE;
}

/* What an error prefixed by a pipeline node starts with: "Pipeline node “" (translated). */
static const char *
prefix_start (void)
{
  static char *start;

  if (g_once_init_enter (&start))
    {
      const char *full = _("Pipeline node “%s”: ");
      const char *cut = strstr (full, "%s");

      g_once_init_leave (&start, g_strndup (full, cut ? (gsize) (cut - full) : strlen (full)));
    }
  return start;
}

/* Errors of the inner run: those of its nodes name them already; others get the node's path. */
static void
propagate_inner_error (HnPipelineNode  *self,
                       HnRun           *run,
                       gint64           item,
                       GError          *inner,
                       GError         **error)
{
  g_autofree char *label = NULL;
  gint64 top_item;

  /* node errors name their path already; so does an error an inner pipeline node prefixed */
  if (inner->domain == HN_NODE_ERROR ||
      g_error_matches (inner, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      g_str_has_prefix (inner->message, prefix_start ()))
    {
      g_propagate_error (error, inner);
      return;
    }

  label = _hn_run_describe_node (run, hn_node_get_name (HN_NODE (self)), item, &top_item);
  if (top_item >= 0)
    g_propagate_prefixed_error (error, inner, _("Pipeline node “%s” on item %lld: "), label,
                                (long long) top_item);
  else
    g_propagate_prefixed_error (error, inner, _("Pipeline node “%s”: "), label);
}

static void
nested_start (HnPipelineNode *self,
              HnRun          *child,
              gint64          item)
{
  if (_hn_run_wants (child, HN_CALLBACK_EVENTS_NESTED))
    _hn_callbacks_nested_start (child->callbacks, child->n_callbacks, HN_NODE (self), item,
                                hn_run_get_context (child));
  child->started = g_get_monotonic_time ();
}

static void
nested_end (HnPipelineNode *self,
            HnRun          *child,
            gint64          item)
{
  if (_hn_run_wants (child, HN_CALLBACK_EVENTS_NESTED))
    _hn_callbacks_nested_end (child->callbacks, child->n_callbacks, HN_NODE (self), item,
                              (g_get_monotonic_time () - child->started) / (double) G_USEC_PER_SEC,
                              hn_run_get_context (child));
}

static gboolean
run_once (HnPipelineNode    *self,
          HnRun             *run,
          HnValue * const   *args,
          gint64             item,
          HnValue          **results,
          GError           **error)
{
  HnGraph *graph = self->graph;
  const HnPlan *plan = self->plan;
  g_autoptr(HnRun) child = NULL;
  HnValue *stack_frame[32] = { NULL, };
  HnValue **frame = graph->n_slots <= G_N_ELEMENTS (stack_frame)
    ? stack_frame : _hn_frame_new (graph);
  gboolean ok = FALSE;
  GError *local = NULL;

  child = _hn_run_new_child (run, graph, _hn_plan_ref (self->plan), self->pipeline,
                             NULL, NULL, hn_node_get_name (HN_NODE (self)), item);
  nested_start (self, child, item);

  for (guint b = 0; b < self->n_bound; b++)
    frame[self->bound[b].slot] = (HnValue *) g_variant_ref (self->bound[b].value);
  for (guint i = 0; i < self->n_inputs; i++)
    {
      guint slot = self->input_slots[i];

      HnValue *value;

      if (args[i] == NULL)
        continue;
      value = _hn_graph_take_root_value (graph, slot, _hn_value_ref (args[i]), -1, &local);
      if (value == NULL)
        goto out;
      _hn_frame_set (frame, slot, value);
    }
  if (!_hn_frame_check_missing (graph, plan, frame, -1, &local))
    goto out;

  for (guint s = 0; s < plan->n_steps; s++)
    if (!_hn_invoke (child, plan->steps[s], frame, -1, NULL, &local))
      goto out;

  for (guint o = 0; o < self->n_outputs; o++)
    results[o] = _hn_value_ref (frame[self->output_slots[o]]);
  ok = TRUE;

out:
  nested_end (self, child, item);
  _hn_frame_clear (graph, frame);
  if (frame != stack_frame)
    g_free (frame);
  if (local != NULL)
    propagate_inner_error (self, run, item, local, error);
  return ok;
}

typedef struct
{
  HnPipelineNode *self;
  GPtrArray     **columns;   /* per output, the values in item order */
  GError         *error;     /* of an output that cannot be a list member */
} Collected;

static void
collect_item (HnMapDriver  *driver,
              gsize         index,
              HnValue     **frame,
              gpointer      user_data)
{
  Collected *collected = user_data;

  for (guint o = 0; o < collected->self->n_outputs; o++)
    {
      HnValue *value = frame[collected->self->output_slots[o]];
      GError *local = NULL;
      GVariant *v;

      if (collected->error != NULL)
        return;
      /* the lists of a mapped pipeline node are data: host values convert */
      v = _hn_value_to_variant (value, NULL, &local);
      if (v == NULL)
        {
          g_propagate_prefixed_error (&collected->error, local,
                                      _("Output “%s” of item %llu: "),
                                      hn_node_get_outputs (HN_NODE (collected->self))[o],
                                      (unsigned long long) index);
          return;
        }
      g_ptr_array_add (collected->columns[o], v);
    }
}

/* The values of one output as a list: an array of their type when they share one, else `av`. */
static GVariant *
make_list (GPtrArray  *values,
           const char *declared)
{
  const char *first;

  if (values->len == 0)
    {
      const GVariantType *element = G_VARIANT_TYPE_VARIANT;

      if (declared[0] == 'a' && g_variant_type_string_is_valid (declared + 1) &&
          g_variant_type_is_definite (G_VARIANT_TYPE (declared + 1)))
        element = G_VARIANT_TYPE (declared + 1);
      return g_variant_new_array (element, NULL, 0);
    }

  first = g_variant_get_type_string (values->pdata[0]);
  for (guint i = 1; i < values->len; i++)
    if (!g_str_equal (first, g_variant_get_type_string (values->pdata[i])))
      {
        GVariantBuilder builder;

        g_variant_builder_init (&builder, G_VARIANT_TYPE ("av"));
        for (guint j = 0; j < values->len; j++)
          g_variant_builder_add (&builder, "v", values->pdata[j]);
        return g_variant_builder_end (&builder);
      }
  return g_variant_new_array (NULL, (GVariant **) values->pdata, values->len);
}

static gboolean
run_mapped (HnPipelineNode    *self,
            HnRun             *run,
            HnValue * const   *args,
            gint64             item,
            HnValue          **results,
            GError           **error)
{
  g_autoptr(HnRun) child = NULL;
  g_autoptr(GVariant) inputs = NULL;
  GVariant *shared = NULL;
  GVariantBuilder builder;
  HnMapSource *source;
  Collected collected = { self, g_new0 (GPtrArray *, self->n_outputs), NULL };
  gboolean ok = FALSE;
  GError *local = NULL;

  /* the inner map splits lists of data: host values convert */
  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint i = 0; i < self->n_inputs; i++)
    {
      GVariant *v;

      if (args[i] == NULL)
        continue;
      v = _hn_value_to_variant (args[i], NULL, &local);
      if (v == NULL)
        {
          g_variant_builder_clear (&builder);
          g_prefix_error (&local, _("Input “%s”: "), hn_node_get_inputs (HN_NODE (self))[i]);
          goto out;
        }
      g_variant_builder_add (&builder, "{sv}", self->inner_inputs[i], v);
      g_variant_unref (v);
    }
  inputs = g_variant_ref_sink (g_variant_builder_end (&builder));

  for (guint o = 0; o < self->n_outputs; o++)
    collected.columns[o] = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);

  source = _hn_map_source_new_columns (self->graph, inputs,
                                       hn_pipeline_get_bound_inputs (self->pipeline),
                                       (const char * const *) self->inner_map_over, NULL, NULL, NULL,
                                       self->map_mode, &shared, &local);
  if (source == NULL)
    goto out;

  child = _hn_run_new_child (run, self->graph, _hn_plan_ref (self->plan),
                             self->pipeline, NULL, source,
                             hn_node_get_name (HN_NODE (self)), item);
  child->inputs = shared;
  nested_start (self, child, item);

  if (!_hn_driver_map_collect (child, collect_item, &collected, &local))
    goto out;
  if (collected.error != NULL)
    {
      local = g_steal_pointer (&collected.error);
      goto out;
    }

  for (guint o = 0; o < self->n_outputs; o++)
    results[o] = (HnValue *) g_variant_ref_sink (make_list (collected.columns[o],
                                                            self->output_types[o]));
  ok = TRUE;

out:
  if (child != NULL)
    nested_end (self, child, item);
  for (guint o = 0; o < self->n_outputs; o++)
    if (collected.columns[o] != NULL)
      g_ptr_array_unref (collected.columns[o]);
  g_free (collected.columns);
  g_clear_error (&collected.error);
  if (local != NULL)
    propagate_inner_error (self, run, item, local, error);
  return ok;
}

static gboolean
hn_pipeline_node_run_invoke (HnNode            *node,
                             HnRun             *run,
                             HnValue * const   *args,
                             guint              n_args,
                             gint64             item,
                             HnValue          **results,
                             gboolean          *cached,
                             GError           **error)
{
  HnPipelineNode *self = HN_PIPELINE_NODE (node);

  if (!check_ready (self, error))
    return FALSE;
  if (self->map_over != NULL)
    return run_mapped (self, run, args, item, results, error);
  return run_once (self, run, args, item, results, error);
}

/* Called outside a pipeline run (hn_node_invoke(), or an engine task): the node makes a run of
 * its own for the inner pipeline to run in. */
static GVariant *
hn_pipeline_node_invoke (HnNode            *node,
                         GVariant * const  *args,
                         guint              n_args,
                         GCancellable      *cancellable,
                         GError           **error)
{
  HnPipelineNode *self = HN_PIPELINE_NODE (node);
  HnRunSettings settings = { 0 };
  g_autoptr(HnRun) run = NULL;
  g_autofree HnValue **results = NULL;
  g_autofree GVariant **variants = NULL;
  GVariant *result = NULL;
  gboolean ok;

  if (!check_ready (self, error))
    return NULL;

  settings.graph = self->graph;
  settings.plan = _hn_plan_ref (self->plan);
  settings.pipeline = self->pipeline;
  settings.config = hn_pipeline_get_config (self->pipeline);
  settings.executor = hn_runtime_config_get_executor (settings.config);
  settings.cancellable = cancellable;
  settings.retries = hn_runtime_config_get_retries (settings.config);
  settings.timeout = hn_runtime_config_get_timeout (settings.config);
  settings.cache = hn_runtime_config_get_cache (settings.config);
  settings.callbacks = hn_runtime_config_get_callbacks (settings.config, &settings.n_callbacks);
  run = _hn_run_new (&settings);
  results = g_new0 (HnValue *, MAX (self->n_outputs, 1));
  variants = g_new0 (GVariant *, MAX (self->n_outputs, 1));
  ok = hn_pipeline_node_run_invoke (node, run, (HnValue * const *) args, n_args, -1, results,
                                    NULL, error);
  for (guint o = 0; ok && o < self->n_outputs; o++)
    {
      variants[o] = _hn_value_to_variant (results[o], NULL, error);
      ok = variants[o] != NULL;
    }
  if (ok)
    result = self->n_outputs == 1
      ? g_variant_ref (variants[0])
      : g_variant_ref_sink (g_variant_new_tuple (variants, self->n_outputs));
  for (guint o = 0; o < self->n_outputs; o++)
    {
      g_clear_pointer (&variants[o], g_variant_unref);
      if (results[o] != NULL)
        hn_value_unref (results[o]);
    }
  return result;
}

static void
hn_pipeline_node_finalize (GObject *object)
{
  HnPipelineNode *self = HN_PIPELINE_NODE (object);

  g_clear_object (&self->pipeline);
  g_clear_pointer (&self->plan, _hn_plan_unref);
  g_clear_pointer (&self->graph, _hn_graph_unref);
  g_clear_pointer (&self->input_mapping, g_variant_unref);
  g_clear_pointer (&self->output_mapping, g_variant_unref);
  g_strfreev (self->map_over);
  g_strfreev (self->inner_map_over);
  g_strfreev (self->inner_inputs);
  g_strfreev (self->output_types);
  g_free (self->input_slots);
  g_free (self->output_slots);
  for (guint b = 0; b < self->n_bound; b++)
    g_variant_unref (self->bound[b].value);
  g_free (self->bound);

  G_OBJECT_CLASS (hn_pipeline_node_parent_class)->finalize (object);
}

static void
hn_pipeline_node_class_init (HnPipelineNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HnNodeClass *node_class = HN_NODE_CLASS (klass);

  object_class->finalize = hn_pipeline_node_finalize;
  node_class->invoke = hn_pipeline_node_invoke;

  _hn_node_class_get_private (klass)->run_invoke = hn_pipeline_node_run_invoke;
}

static void
hn_pipeline_node_init (HnPipelineNode *self)
{
}

/* The outer name of an inner input, NULL if none maps to it. */
static const char *
outer_name_of (GVariant   *input_mapping,
               const char *inner)
{
  GVariantIter iter;
  const char *key, *value;

  if (input_mapping == NULL)
    return NULL;
  g_variant_iter_init (&iter, input_mapping);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (g_str_equal (value, inner))
      return key;
  return NULL;
}

/* The declared type of root slot @slot: the one its consumers agree on, else `*`. */
static const char *
root_type (HnGraph *graph,
           guint    slot)
{
  GArray *checks = graph->root_checks[slot];
  const char *type = NULL;

  if (checks == NULL)
    return "*";
  for (guint i = 0; i < checks->len; i++)
    {
      const guint *ref = &g_array_index (checks, guint, i * 2);
      const GVariantType *t = _hn_node_get_input_type_at (graph->nodes[ref[0]].node, ref[1]);

      if (type == NULL)
        type = g_variant_type_peek_string (t);
      else if (!g_str_equal (type, g_variant_type_peek_string (t)))
        return "*";
    }
  return type;
}

static const char *
output_type (HnGraph *graph,
             guint    slot)
{
  HnGraphNode *gn = &graph->nodes[graph->producer[slot]];

  for (guint o = 0; o < gn->n_outputs; o++)
    if (gn->output_slots[o] == slot)
      return g_variant_type_peek_string (_hn_node_get_output_type_at (gn->node, o));
  return "*";
}

/* The constructor behind hn_pipeline_as_node() (hn-pipeline.c), which documents it. */
HnNode *
_hn_pipeline_node_new (HnPipeline          *self,
                       const char          *name,
                       GVariant            *input_mapping,
                       GVariant            *output_mapping,
                       const char * const  *map_over,
                       HnMapMode            map_mode,
                       GError             **error)
{
  g_autoptr(GVariant) in_map = input_mapping ? g_variant_ref_sink (input_mapping) : NULL;
  g_autoptr(GVariant) out_map = output_mapping ? g_variant_ref_sink (output_mapping) : NULL;
  g_autoptr(GStrvBuilder) inner_outputs = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) outer_outputs = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) ins = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) optional_ins = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) inner_ins = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) in_types = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) out_types = g_strv_builder_new ();
  g_autoptr(GStrvBuilder) inner_over = g_strv_builder_new ();
  g_auto(GStrv) outs = NULL, inner_outs = NULL, inputs = NULL, inner_inputs = NULL;
  g_auto(GStrv) input_types = NULL, output_types = NULL, optional_inputs = NULL;
  g_autoptr(HnPlan) plan = NULL;
  g_autoptr(GArray) bound = g_array_new (FALSE, FALSE, sizeof (Bound));
  GVariant *bound_values;
  HnPipelineNode *node;
  HnGraph *graph;
  GVariantIter iter;
  const char *key, *value;

  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  graph = _hn_pipeline_get_graph (self);
  g_return_val_if_fail (graph != NULL, NULL);
  bound_values = hn_pipeline_get_bound_inputs (self);

  if (name == NULL)
    name = hn_pipeline_get_name (self) ? hn_pipeline_get_name (self) : "pipeline";
  if (!g_utf8_validate (name, -1, NULL))
    {
      g_set_error_literal (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_NODE,
                           _("The name of a pipeline node is not valid UTF-8"));
      return NULL;
    }
  if (map_mode != HN_MAP_MODE_ZIP && map_mode != HN_MAP_MODE_PRODUCT)
    {
      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                   _("Pipeline node “%s”: unknown map mode %d"), name, (int) map_mode);
      return NULL;
    }
  for (guint m = 0; m < 2; m++)
    {
      GVariant *mapping = m == 0 ? in_map : out_map;

      if (mapping != NULL && !g_variant_is_of_type (mapping, G_VARIANT_TYPE ("a{ss}")))
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                       _("Pipeline node “%s”: the %s mapping must be a dictionary of names, "
                         "type “a{ss}”, not “%s”"),
                       name, m == 0 ? _("input") : _("output"),
                       g_variant_get_type_string (mapping));
          return NULL;
        }
    }

  /* outputs */
  if (out_map != NULL)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

      g_variant_iter_init (&iter, out_map);
      while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
        {
          int slot = _hn_graph_lookup_slot (graph, key);

          if (slot < 0 || graph->producer[slot] < 0)
            {
              g_autofree char *known = g_strjoinv (", ", graph->outputs);
              g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_OUTPUT,
                           _("Pipeline node “%s” maps the output “%s”, which its pipeline does "
                             "not produce (outputs: %s)"),
                           name, key, known);
              return NULL;
            }
          if (!g_hash_table_add (seen, (gpointer) value))
            {
              g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_DUPLICATE_OUTPUT,
                           _("Pipeline node “%s” maps two outputs to “%s”"), name, value);
              return NULL;
            }
          g_strv_builder_add (inner_outputs, key);
          g_strv_builder_add (outer_outputs, value);
        }
    }
  else
    for (guint o = 0; graph->outputs[o] != NULL; o++)
      {
        g_strv_builder_add (inner_outputs, graph->outputs[o]);
        g_strv_builder_add (outer_outputs, graph->outputs[o]);
      }
  inner_outs = g_strv_builder_end (inner_outputs);
  outs = g_strv_builder_end (outer_outputs);
  if (outs[0] == NULL)
    {
      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_NODE,
                   _("Pipeline node “%s” has no outputs"), name);
      return NULL;
    }

  plan = _hn_plan_get (graph, (const char * const *) inner_outs, error);
  if (plan == NULL)
    return NULL;

  /* inputs: the roots the plan reads, but bound ones that no mapping names */
  if (in_map != NULL)
    {
      g_variant_iter_init (&iter, in_map);
      while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
        if (!_hn_graph_is_root (graph, value))
          {
            g_autofree char *known = g_strjoinv (", ", graph->root_inputs);
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT,
                         _("Pipeline node “%s” maps “%s” to “%s”, which is not an input of its "
                           "pipeline (inputs: %s)"),
                         name, key, value, known);
            return NULL;
          }
    }
  for (guint r = 0; r < plan->n_roots; r++)
    {
      guint slot = plan->root_slots[r];
      const char *inner = graph->slot_names[slot];
      const char *outer = outer_name_of (in_map, inner);
      g_autoptr(GVariant) bound_value = NULL;

      if (bound_values != NULL)
        bound_value = g_variant_lookup_value (bound_values, inner, NULL);
      /* bind() lets lists through (they may be mapped over): here the value is final */
      if (bound_value != NULL && outer == NULL &&
          (map_over == NULL || !g_strv_contains (map_over, inner)) &&
          !_hn_graph_check_root_value (graph, slot, bound_value, -1, error))
        {
          g_prefix_error (error, _("Pipeline node “%s”: "), name);
          return NULL;
        }
      if (bound_value != NULL)
        {
          Bound b = { slot, g_steal_pointer (&bound_value) };
          g_array_append_val (bound, b);
          if (outer == NULL)
            continue;
        }
      g_strv_builder_add (ins, outer ? outer : inner);
      if (plan->root_optional[r] && map_over == NULL)
        g_strv_builder_add (optional_ins, outer ? outer : inner);
      g_strv_builder_add (inner_ins, inner);
      g_strv_builder_add (in_types, map_over != NULL ? "*" : root_type (graph, slot));
    }
  inputs = g_strv_builder_end (ins);
  optional_inputs = g_strv_builder_end (optional_ins);
  inner_inputs = g_strv_builder_end (inner_ins);
  input_types = g_strv_builder_end (in_types);

  /* map-over names the node's inputs (an inner name that is mapped is understood too) */
  if (map_over != NULL && map_over[0] != NULL)
    for (guint m = 0; map_over[m] != NULL; m++)
      {
        guint k;

        for (k = 0; inputs[k] != NULL; k++)
          if (g_str_equal (inputs[k], map_over[m]) || g_str_equal (inner_inputs[k], map_over[m]))
            break;
        if (inputs[k] == NULL)
          {
            g_autofree char *known = g_strjoinv (", ", inputs);
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT,
                         _("Pipeline node “%s” cannot map over “%s”: it is not one of its inputs "
                           "(inputs: %s)"),
                         name, map_over[m], known);
            return NULL;
          }
        g_strv_builder_add (inner_over, inner_inputs[k]);
      }

  for (guint o = 0; inner_outs[o] != NULL; o++)
    {
      const char *t = output_type (graph, (guint) _hn_graph_lookup_slot (graph, inner_outs[o]));

      if (map_over != NULL && map_over[0] != NULL)
        {
          g_autofree char *list = g_strconcat ("a", t, NULL);
          g_strv_builder_add (out_types, g_variant_type_string_is_valid (list) &&
                                         g_variant_type_is_definite (G_VARIANT_TYPE (list))
                                         ? list : "*");
        }
      else
        g_strv_builder_add (out_types, t);
    }
  output_types = g_strv_builder_end (out_types);

  node = g_object_new (HN_TYPE_PIPELINE_NODE,
                       "name", name,
                       "inputs", inputs,
                       "outputs", outs,
                       "input-types", input_types,
                       "output-types", output_types,
                       "optional-inputs", optional_inputs,
                       NULL);
  node->pipeline = g_object_ref (self);
  /* inner nodes bound to a main context: the whole inner pipeline runs there */
  if (graph->main_context != NULL)
    hn_node_set_main_context (HN_NODE (node), graph->main_context);
  node->graph = _hn_graph_ref (graph);
  node->plan = g_steal_pointer (&plan);
  node->input_mapping = in_map ? g_variant_ref (in_map) : NULL;
  node->output_mapping = out_map ? g_variant_ref (out_map) : NULL;
  if (map_over != NULL && map_over[0] != NULL)
    {
      node->map_over = g_strdupv ((char **) map_over);
      node->inner_map_over = g_strv_builder_end (inner_over);
    }
  node->map_mode = map_mode;
  node->n_inputs = g_strv_length (inputs);
  node->inner_inputs = g_steal_pointer (&inner_inputs);
  node->input_slots = g_new (guint, MAX (node->n_inputs, 1));
  for (guint i = 0; i < node->n_inputs; i++)
    node->input_slots[i] = (guint) _hn_graph_lookup_slot (graph, node->inner_inputs[i]);
  node->n_outputs = g_strv_length (inner_outs);
  node->output_slots = g_new (guint, node->n_outputs);
  for (guint o = 0; o < node->n_outputs; o++)
    node->output_slots[o] = (guint) _hn_graph_lookup_slot (graph, inner_outs[o]);
  node->output_types = g_steal_pointer (&output_types);
  node->n_bound = bound->len;
  node->bound = (Bound *) g_array_free (g_steal_pointer (&bound), FALSE);

  /* mappings can make a malformed node: two inputs of one name, an input that is an output */
  if (!_hn_node_validate (HN_NODE (node), error))
    {
      g_object_unref (node);
      return NULL;
    }
  return HN_NODE (node);
}

/**
 * hn_pipeline_node_get_pipeline:
 * @self: a [class@PipelineNode]
 *
 * Gets the pipeline the node runs.
 *
 * Returns: (transfer none) (nullable): the inner pipeline
 */
HnPipeline *
hn_pipeline_node_get_pipeline (HnPipelineNode *self)
{
  g_return_val_if_fail (HN_IS_PIPELINE_NODE (self), NULL);
  return self->pipeline;
}

/**
 * hn_pipeline_node_get_input_mapping:
 * @self: a [class@PipelineNode]
 *
 * Gets the input mapping.
 *
 * Returns: (transfer none) (nullable): an `a{ss}` from outer to inner input names, or %NULL
 */
GVariant *
hn_pipeline_node_get_input_mapping (HnPipelineNode *self)
{
  g_return_val_if_fail (HN_IS_PIPELINE_NODE (self), NULL);
  return self->input_mapping;
}

/**
 * hn_pipeline_node_get_output_mapping:
 * @self: a [class@PipelineNode]
 *
 * Gets the output mapping.
 *
 * Returns: (transfer none) (nullable): an `a{ss}` from inner to outer output names, or %NULL
 */
GVariant *
hn_pipeline_node_get_output_mapping (HnPipelineNode *self)
{
  g_return_val_if_fail (HN_IS_PIPELINE_NODE (self), NULL);
  return self->output_mapping;
}

/**
 * hn_pipeline_node_get_map_over:
 * @self: a [class@PipelineNode]
 *
 * Gets the inputs the inner pipeline maps over.
 *
 * Returns: (transfer none) (array zero-terminated=1) (nullable): outer input names, or %NULL
 *   when the pipeline runs once per call
 */
const char * const *
hn_pipeline_node_get_map_over (HnPipelineNode *self)
{
  g_return_val_if_fail (HN_IS_PIPELINE_NODE (self), NULL);
  return (const char * const *) self->map_over;
}

/**
 * hn_pipeline_node_get_map_mode:
 * @self: a [class@PipelineNode]
 *
 * Gets the map mode.
 *
 * Returns: how mapped inputs are combined
 */
HnMapMode
hn_pipeline_node_get_map_mode (HnPipelineNode *self)
{
  g_return_val_if_fail (HN_IS_PIPELINE_NODE (self), HN_MAP_MODE_ZIP);
  return self->map_mode;
}
