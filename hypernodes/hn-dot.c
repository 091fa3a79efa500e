/* hn-dot.c: pictures of pipelines in the DOT language of Graphviz
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include "hn-dot.h"
#include "hn-node.h"
#include "hn-pipeline.h"
#include "hn-pipeline-node.h"

G_DEFINE_FLAGS_TYPE (HnDotFlags, hn_dot_flags,
  G_DEFINE_ENUM_VALUE (HN_DOT_FLAGS_NONE, "none"),
  G_DEFINE_ENUM_VALUE (HN_DOT_FLAGS_COLLAPSE_NESTED, "collapse-nested"),
  G_DEFINE_ENUM_VALUE (HN_DOT_FLAGS_TYPES, "types"))

/* Bound values longer than this are cut in the picture. */
#define MAX_VALUE_CHARS 32

typedef struct
{
  GString    *out;
  HnDotFlags  flags;
  guint       next_id;
} Dot;

/* Where values of one name go to, inside one pipeline: endpoints like `n3:i0`. */
typedef struct
{
  GPtrArray  *names;       /* first-seen order, so that the output is deterministic */
  GHashTable *consumers;   /* name -> GPtrArray of endpoints */
  GHashTable *producers;   /* name -> endpoint */
} Ends;

static void
ends_init (Ends *ends)
{
  ends->names = g_ptr_array_new_with_free_func (g_free);
  ends->consumers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) g_ptr_array_unref);
  ends->producers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
ends_clear (Ends *ends)
{
  g_clear_pointer (&ends->names, g_ptr_array_unref);
  g_clear_pointer (&ends->consumers, g_hash_table_unref);
  g_clear_pointer (&ends->producers, g_hash_table_unref);
}

static void
ends_add_consumer (Ends       *ends,
                   const char *name,
                   const char *endpoint)
{
  GPtrArray *list = g_hash_table_lookup (ends->consumers, name);

  if (list == NULL)
    {
      list = g_ptr_array_new_with_free_func (g_free);
      g_hash_table_insert (ends->consumers, g_strdup (name), list);
      g_ptr_array_add (ends->names, g_strdup (name));
    }
  g_ptr_array_add (list, g_strdup (endpoint));
}

/* Text for an HTML-like label: markup characters as entities, control characters visible. */
static void
append_html (GString    *out,
             const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (c)
        {
        case '&': g_string_append (out, "&amp;"); break;
        case '<': g_string_append (out, "&lt;"); break;
        case '>': g_string_append (out, "&gt;"); break;
        case '"': g_string_append (out, "&quot;"); break;
        default:
          if (g_unichar_iscntrl (c))
            g_string_append_printf (out, "\\x%02x", c);
          else
            g_string_append_unichar (out, c);
        }
    }
}

static void
append_type (Dot                *dot,
             const GVariantType *type)
{
  if ((dot->flags & HN_DOT_FLAGS_TYPES) == 0)
    return;
  g_string_append (dot->out, "<FONT POINT-SIZE=\"8\" COLOR=\"#555555\"> : ");
  if (type == NULL)
    g_string_append (dot->out, "*");
  else
    {
      g_autofree char *text = g_variant_type_dup_string (type);
      append_html (dot->out, text);
    }
  g_string_append (dot->out, "</FONT>");
}

/* One row of port cells, named PREFIX0, PREFIX1, ... */
static void
append_ports (Dot                *dot,
              HnNode             *node,
              const char * const *ports,
              gboolean            inputs)
{
  if (ports == NULL || ports[0] == NULL)
    return;
  g_string_append (dot->out, "<TR><TD BORDER=\"0\"><TABLE BORDER=\"0\" CELLSPACING=\"0\" "
                             "CELLPADDING=\"2\"><TR>");
  for (guint i = 0; ports[i] != NULL; i++)
    {
      g_string_append_printf (dot->out, "<TD PORT=\"%c%u\" BORDER=\"1\" BGCOLOR=\"%s\">",
                              inputs ? 'i' : 'o', i, inputs ? "#f4f7fb" : "#fbf7ee");
      append_html (dot->out, ports[i]);
      append_type (dot, inputs ? hn_node_get_input_type (node, ports[i])
                               : hn_node_get_output_type (node, ports[i]));
      g_string_append (dot->out, "</TD>");
    }
  g_string_append (dot->out, "</TR></TABLE></TD></TR>");
}

static void
indent (Dot  *dot,
        guint depth)
{
  for (guint i = 0; i < depth + 1; i++)
    g_string_append (dot->out, "  ");
}

/* A node as a box: its name, its inputs above and its outputs below. */
static void
emit_node (Dot        *dot,
           HnNode     *node,
           guint       depth,
           const char *id,
           Ends       *ends)
{
  const char * const *inputs = hn_node_get_inputs (node);
  const char * const *outputs = hn_node_get_outputs (node);
  gboolean nested = HN_IS_PIPELINE_NODE (node);

  indent (dot, depth);
  g_string_append_printf (dot->out,
                          "%s [label=<<TABLE BORDER=\"0\" CELLBORDER=\"0\" CELLSPACING=\"0\" "
                          "CELLPADDING=\"3\">",
                          id);
  append_ports (dot, node, inputs, TRUE);
  g_string_append (dot->out, "<TR><TD><B>");
  append_html (dot->out, hn_node_get_name (node));
  g_string_append (dot->out, "</B>");
  if (nested)
    {
      const char * const *over = hn_pipeline_node_get_map_over (HN_PIPELINE_NODE (node));

      g_string_append (dot->out, "<BR/><FONT POINT-SIZE=\"8\">pipeline");
      if (over != NULL && over[0] != NULL)
        {
          g_autofree char *names = g_strjoinv (", ", (char **) over);

          g_string_append (dot->out, ", map over ");
          append_html (dot->out, names);
        }
      g_string_append (dot->out, "</FONT>");
    }
  g_string_append (dot->out, "</TD></TR>");
  append_ports (dot, node, outputs, FALSE);
  g_string_append_printf (dot->out, "</TABLE>>, style=\"rounded,filled\", fillcolor=\"%s\"];\n",
                          nested ? "#e6efe0" : "#ffffff");

  for (guint i = 0; inputs != NULL && inputs[i] != NULL; i++)
    {
      g_autofree char *end = g_strdup_printf ("%s:i%u:n", id, i);
      ends_add_consumer (ends, inputs[i], end);
    }
  for (guint i = 0; outputs != NULL && outputs[i] != NULL; i++)
    g_hash_table_insert (ends->producers, g_strdup (outputs[i]),
                         g_strdup_printf ("%s:o%u:s", id, i));
}

/* The inner name of an outer input of a pipeline node. */
static const char *
inner_input (HnPipelineNode *node,
             const char     *outer)
{
  GVariant *mapping = hn_pipeline_node_get_input_mapping (node);
  const char *inner = NULL;

  if (mapping != NULL && g_variant_lookup (mapping, outer, "&s", &inner))
    return inner;
  return outer;
}

/* The inner name of an outer output of a pipeline node. */
static const char *
inner_output (HnPipelineNode *node,
              const char     *outer)
{
  GVariant *mapping = hn_pipeline_node_get_output_mapping (node);
  GVariantIter iter;
  const char *key, *value;

  if (mapping == NULL)
    return outer;
  g_variant_iter_init (&iter, mapping);
  while (g_variant_iter_next (&iter, "{&s&s}", &key, &value))
    if (g_str_equal (value, outer))
      return key;
  return outer;
}

static void emit_pipeline (Dot        *dot,
                           HnPipeline *pipeline,
                           guint       depth,
                           GHashTable *exposed,
                           Ends       *parent);

/* A nested pipeline as a cluster of its nodes; its ends, renamed to the outer names, join
 * @ends. */
static void
emit_cluster (Dot            *dot,
              HnPipelineNode *node,
              guint           depth,
              Ends           *ends)
{
  const char * const *inputs = hn_node_get_inputs (HN_NODE (node));
  const char * const *outputs = hn_node_get_outputs (HN_NODE (node));
  const char * const *over = hn_pipeline_node_get_map_over (node);
  g_autoptr(GHashTable) exposed = g_hash_table_new (g_str_hash, g_str_equal);
  Ends inner;

  ends_init (&inner);
  for (guint i = 0; inputs != NULL && inputs[i] != NULL; i++)
    g_hash_table_add (exposed, (gpointer) inner_input (node, inputs[i]));

  indent (dot, depth);
  g_string_append_printf (dot->out, "subgraph cluster_%u {\n", dot->next_id++);
  indent (dot, depth + 1);
  g_string_append (dot->out, "label=<<B>");
  append_html (dot->out, hn_node_get_name (HN_NODE (node)));
  g_string_append (dot->out, "</B>");
  if (over != NULL && over[0] != NULL)
    {
      g_autofree char *names = g_strjoinv (", ", (char **) over);

      g_string_append (dot->out, " <FONT POINT-SIZE=\"8\">map over ");
      append_html (dot->out, names);
      g_string_append (dot->out, "</FONT>");
    }
  g_string_append (dot->out, ">;\n");
  indent (dot, depth + 1);
  g_string_append (dot->out,
                   "style=\"rounded,filled\"; fillcolor=\"#f3f7ef\"; color=\"#8aa67a\";\n");

  emit_pipeline (dot, hn_pipeline_node_get_pipeline (node), depth + 1, exposed, &inner);

  indent (dot, depth);
  g_string_append (dot->out, "}\n");

  for (guint i = 0; inputs != NULL && inputs[i] != NULL; i++)
    {
      GPtrArray *list = g_hash_table_lookup (inner.consumers, inner_input (node, inputs[i]));

      for (guint k = 0; list != NULL && k < list->len; k++)
        ends_add_consumer (ends, inputs[i], g_ptr_array_index (list, k));
    }
  for (guint i = 0; outputs != NULL && outputs[i] != NULL; i++)
    {
      const char *end = g_hash_table_lookup (inner.producers, inner_output (node, outputs[i]));

      if (end != NULL)
        g_hash_table_insert (ends->producers, g_strdup (outputs[i]), g_strdup (end));
    }
  ends_clear (&inner);
}

static void
emit_input (Dot        *dot,
            guint       depth,
            const char *id,
            const char *name,
            GVariant   *bound)
{
  indent (dot, depth);
  g_string_append_printf (dot->out, "%s [shape=ellipse, label=<", id);
  append_html (dot->out, name);
  if (bound != NULL)
    {
      g_autofree char *text = g_variant_print (bound, FALSE);

      if (g_utf8_strlen (text, -1) > MAX_VALUE_CHARS)
        {
          char *cut = g_utf8_offset_to_pointer (text, MAX_VALUE_CHARS - 1);
          strcpy (cut, "…");
        }
      g_string_append (dot->out, " = ");
      append_html (dot->out, text);
      g_string_append (dot->out, ">, style=\"filled,dashed\", fillcolor=\"#eeeeee\", "
                                 "tooltip=\"bound input\"];\n");
    }
  else
    g_string_append (dot->out, ">, style=filled, fillcolor=\"#dde8f8\"];\n");
}

/* Emits the nodes of @pipeline and the edges between them. Root inputs named in @exposed are
 * fed from outside: their consumers are left in @parent; the other root inputs are drawn here.
 * @parent receives every producer. At the top (@exposed is %NULL) the outputs that no node
 * consumes are drawn too. */
static void
emit_pipeline (Dot        *dot,
               HnPipeline *pipeline,
               guint       depth,
               GHashTable *exposed,
               Ends       *parent)
{
  GVariant *bound = hn_pipeline_get_bound_inputs (pipeline);
  guint n_nodes = 0;
  /* the nodes themselves, not their names: nodes may share a name */
  HnNode **nodes = hn_pipeline_get_nodes (pipeline, &n_nodes);
  Ends ends;

  ends_init (&ends);
  for (guint i = 0; i < n_nodes; i++)
    {
      HnNode *node = nodes[i];

      if (HN_IS_PIPELINE_NODE (node) && (dot->flags & HN_DOT_FLAGS_COLLAPSE_NESTED) == 0)
        emit_cluster (dot, HN_PIPELINE_NODE (node), depth, &ends);
      else
        {
          g_autofree char *id = g_strdup_printf ("n%u", dot->next_id++);
          emit_node (dot, node, depth, id, &ends);
        }
    }

  for (guint i = 0; i < ends.names->len; i++)
    {
      const char *name = g_ptr_array_index (ends.names, i);
      GPtrArray *list = g_hash_table_lookup (ends.consumers, name);
      const char *producer = g_hash_table_lookup (ends.producers, name);
      g_autofree char *input_id = NULL;

      if (producer == NULL && exposed != NULL && g_hash_table_contains (exposed, name))
        {
          for (guint k = 0; k < list->len; k++)
            ends_add_consumer (parent, name, g_ptr_array_index (list, k));
          continue;
        }
      if (producer == NULL)
        {
          g_autoptr(GVariant) value = NULL;

          if (bound != NULL)
            value = g_variant_lookup_value (bound, name, NULL);
          input_id = g_strdup_printf ("n%u", dot->next_id++);
          emit_input (dot, depth, input_id, name, value);
          producer = input_id;
        }
      for (guint k = 0; k < list->len; k++)
        {
          indent (dot, depth);
          g_string_append_printf (dot->out, "%s -> %s;\n", producer,
                                  (const char *) g_ptr_array_index (list, k));
        }
    }

  if (exposed == NULL)
    {
      const char * const *outputs = hn_pipeline_get_outputs (pipeline);

      for (guint i = 0; outputs[i] != NULL; i++)
        {
          const char *producer = g_hash_table_lookup (ends.producers, outputs[i]);
          guint id;

          if (producer == NULL || g_hash_table_contains (ends.consumers, outputs[i]))
            continue;
          id = dot->next_id++;
          indent (dot, depth);
          g_string_append_printf (dot->out, "n%u [shape=plain, label=<<I>", id);
          append_html (dot->out, outputs[i]);
          g_string_append (dot->out, "</I>>];\n");
          indent (dot, depth);
          g_string_append_printf (dot->out, "%s -> n%u;\n", producer, id);
        }
    }

  if (parent != NULL)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_hash_table_iter_init (&iter, ends.producers);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (parent->producers, g_strdup (key), g_strdup (value));
    }
  ends_clear (&ends);
}

/**
 * hn_pipeline_to_dot:
 * @self: a [class@Pipeline]
 * @flags: how to draw it
 *
 * Describes @self as a graph in the DOT language of [Graphviz](https://graphviz.org), for
 * `dot -Tsvg` to draw: each node as a box with its inputs above its name and its outputs below,
 * an edge from each output to the inputs of the same name, the root inputs as ellipses (bound
 * ones dashed, with their value), and the outputs that no node consumes at the bottom. Nested
 * pipelines ([class@PipelineNode]) are clusters of their own nodes, or single boxes with
 * %HN_DOT_FLAGS_COLLAPSE_NESTED.
 *
 * Names appear only in labels, escaped, so any name gives valid DOT.
 *
 * Returns: (transfer full): the DOT text
 */
char *
hn_pipeline_to_dot (HnPipeline *self,
                    HnDotFlags  flags)
{
  const char *name;
  Dot dot = { NULL, flags, 0 };

  g_return_val_if_fail (HN_IS_PIPELINE (self), NULL);

  dot.out = g_string_new ("digraph pipeline {\n");
  name = hn_pipeline_get_name (self);
  if (name != NULL)
    {
      g_string_append (dot.out, "  label=<<B>");
      append_html (dot.out, name);
      g_string_append (dot.out, "</B>>; labelloc=t;\n");
    }
  g_string_append (dot.out,
                   "  graph [rankdir=TB, fontname=\"sans-serif\", fontsize=11, nodesep=0.3];\n"
                   "  node [shape=box, fontname=\"sans-serif\", fontsize=10, margin=0.05];\n"
                   "  edge [color=\"#556677\", arrowsize=0.7];\n");
  emit_pipeline (&dot, self, 0, NULL, NULL);
  g_string_append (dot.out, "}\n");
  return g_string_free (dot.out, FALSE);
}
