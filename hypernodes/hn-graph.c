/* hn-graph.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hn-error.h"
#include "hn-graph-private.h"
#include "hn-node-private.h"
#include "hn-port-types-private.h"
#include "hn-tsan-private.h"

typedef struct
{
  guint node;
  guint port;
} PortRef;

static void
graph_free (HnGraph *graph)
{
  for (guint i = 0; i < graph->n_nodes; i++)
    {
      HnGraphNode *gn = &graph->nodes[i];

      g_free (gn->input_slots);
      g_free (gn->input_checks);
      g_free (gn->output_slots);
      g_free (gn->output_checks);
      g_free (gn->deps);
      g_free (gn->dependents);
      g_clear_object (&gn->node);
    }
  for (guint i = 0; i < graph->n_nodes; i++)
    g_clear_object (&graph->given_nodes[i]);
  for (guint i = 0; i < graph->n_slots; i++)
    if (graph->root_checks[i] != NULL)
      g_array_unref (graph->root_checks[i]);

  g_free (graph->nodes);
  g_free (graph->given_nodes);
  g_free (graph->root_checks);
  g_clear_pointer (&graph->main_context, g_main_context_unref);
  g_free (graph->producer);
  g_strfreev (graph->slot_names);
  g_strfreev (graph->root_inputs);
  g_strfreev (graph->outputs);
  g_strfreev (graph->order);
  g_clear_pointer (&graph->slot_index, g_hash_table_unref);
  if (graph->plans != NULL)
    graph->plans_free (graph->plans);
  g_free (graph);
}

HnGraph *
_hn_graph_ref (HnGraph *graph)
{
  hn_ref_count_inc (&graph->ref_count);
  return graph;
}

void
_hn_graph_unref (HnGraph *graph)
{
  if (hn_ref_count_dec (&graph->ref_count))
    graph_free (graph);
}

int
_hn_graph_lookup_slot (HnGraph    *graph,
                       const char *name)
{
  return GPOINTER_TO_INT (g_hash_table_lookup (graph->slot_index, name)) - 1;
}

gboolean
_hn_graph_is_root (HnGraph    *graph,
                   const char *name)
{
  int slot = _hn_graph_lookup_slot (graph, name);

  return slot >= 0 && graph->producer[slot] < 0;
}

static guint
intern_slot (GHashTable *index,
             GPtrArray  *names,
             const char *name)
{
  gpointer found = g_hash_table_lookup (index, name);

  if (found != NULL)
    return GPOINTER_TO_UINT (found) - 1;

  g_ptr_array_add (names, g_strdup (name));
  g_hash_table_insert (index, g_ptr_array_index (names, names->len - 1),
                       GUINT_TO_POINTER (names->len));
  return names->len - 1;
}

static void
heap_push (guint *heap,
           guint *len,
           guint  value)
{
  guint i = (*len)++;

  heap[i] = value;
  while (i > 0 && heap[(i - 1) / 2] > heap[i])
    {
      guint parent = (i - 1) / 2, tmp = heap[parent];

      heap[parent] = heap[i];
      heap[i] = tmp;
      i = parent;
    }
}

static guint
heap_pop (guint *heap,
          guint *len)
{
  guint top = heap[0], i = 0;

  heap[0] = heap[--(*len)];
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, m = i, tmp;

      if (l < *len && heap[l] < heap[m])
        m = l;
      if (r < *len && heap[r] < heap[m])
        m = r;
      if (m == i)
        return top;
      tmp = heap[m];
      heap[m] = heap[i];
      heap[i] = tmp;
      i = m;
    }
}

/* Finds a cycle among the nodes Kahn's algorithm could not order and describes it. */
static char *
describe_cycle (HnNode * const *nodes,
                guint           n_nodes,
                GPtrArray     **deps,
                const guint    *indegree)
{
  g_autofree int *state = g_new0 (int, n_nodes);  /* 0 unseen, 1 on path, 2 done */
  g_autofree guint *path = g_new (guint, n_nodes + 1);
  g_autofree guint *next_dep = g_new0 (guint, n_nodes);

  for (guint start = 0; start < n_nodes; start++)
    {
      guint depth = 0;

      if (indegree[start] == 0 || state[start] != 0)
        continue;

      path[depth++] = start;
      state[start] = 1;

      while (depth > 0)
        {
          guint cur = path[depth - 1];

          if (next_dep[cur] < deps[cur]->len)
            {
              guint d = GPOINTER_TO_UINT (g_ptr_array_index (deps[cur], next_dep[cur]++));

              if (state[d] == 1)
                {
                  GString *s = g_string_new (NULL);
                  guint k = 0, length, shown = 0;

                  while (path[k] != d)
                    k++;
                  length = depth - k;
                  /* deps point backwards (from consumer to producer): print producer first.
                   * A long cycle is named by its first nodes and its length. */
                  g_string_append_printf (s, "“%s”", hn_node_get_name (nodes[d]));
                  for (guint j = depth; j > k + 1 && shown < 5; j--, shown++)
                    g_string_append_printf (s, " → “%s”", hn_node_get_name (nodes[path[j - 1]]));
                  if (length > 6)
                    g_string_append_printf (s, " → … (%u nodes in the cycle)", length);
                  g_string_append_printf (s, " → “%s”", hn_node_get_name (nodes[d]));
                  return g_string_free (s, FALSE);
                }
              if (state[d] == 0)
                {
                  state[d] = 1;
                  path[depth++] = d;
                }
            }
          else
            {
              state[cur] = 2;
              depth--;
            }
        }
    }

  return g_strdup ("?");
}

HnGraph *
_hn_graph_new (HnNode * const  *nodes,
               guint            n_nodes,
               GError         **error)
{
  g_autoptr(GHashTable) slot_index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) slot_names = g_ptr_array_new_null_terminated (0, g_free, TRUE);
  g_autoptr(GHashTable) node_names = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) producer = g_array_new (FALSE, FALSE, sizeof (PortRef));
  g_autofree guint *indegree = NULL;
  g_autofree guint *last_consumer = NULL;
  g_autofree guint *order = NULL;
  g_autofree guint *position = NULL;
  GPtrArray **deps = NULL;
  HnGraph *graph = NULL;
  guint n_ordered = 0;
  gboolean ok = FALSE;

  /* Validate nodes and intern every output name first, so producers are known. */
  for (guint i = 0; i < n_nodes; i++)
    {
      HnNode *node = nodes[i];
      const char * const *outs;

      if (!_hn_node_validate (node, error))
        return NULL;

      /* Nodes may share a name (one function under several output names), not an instance. */
      if (g_hash_table_contains (node_names, node))
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_DUPLICATE_NODE,
                       _("Node “%s” is given twice"), hn_node_get_name (node));
          return NULL;
        }
      g_hash_table_add (node_names, node);

      outs = hn_node_get_outputs (node);
      for (guint o = 0; outs[o] != NULL; o++)
        {
          guint slot = intern_slot (slot_index, slot_names, outs[o]);
          PortRef ref = { i, o };

          if (slot < producer->len)
            {
              PortRef *other = &g_array_index (producer, PortRef, slot);
              g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_DUPLICATE_OUTPUT,
                           _("Output “%s” is produced by both node “%s” and node “%s”"),
                           outs[o], hn_node_get_name (nodes[other->node]),
                           hn_node_get_name (node));
              return NULL;
            }
          g_array_append_val (producer, ref);
        }
    }

  /* Connect inputs to producers and check port types. */
  deps = g_new0 (GPtrArray *, n_nodes);
  indegree = g_new0 (guint, n_nodes);
  last_consumer = g_new (guint, MAX (n_nodes, 1));
  for (guint i = 0; i < n_nodes; i++)
    last_consumer[i] = G_MAXUINT;
  for (guint i = 0; i < n_nodes; i++)
    {
      const char * const *ins = hn_node_get_inputs (nodes[i]);

      deps[i] = g_ptr_array_new ();
      for (guint p = 0; ins[p] != NULL; p++)
        {
          guint slot = intern_slot (slot_index, slot_names, ins[p]);
          const PortRef *src;
          const GVariantType *in_type, *out_type;

          if (slot >= producer->len)
            continue;

          src = &g_array_index (producer, PortRef, slot);
          in_type = _hn_node_get_input_type_at (nodes[i], p);
          out_type = _hn_node_get_output_type_at (nodes[src->node], src->port);
          if (!_hn_port_types_intersect (in_type, out_type))
            {
              g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                           _("Node “%s” takes “%s” as type “%s”, but node “%s” produces it as "
                             "type “%s”"),
                           hn_node_get_name (nodes[i]), ins[p],
                           g_variant_type_peek_string (in_type),
                           hn_node_get_name (nodes[src->node]),
                           g_variant_type_peek_string (out_type));
              goto out;
            }
          /* each producer once, in order of first use: O(1) per edge */
          if (last_consumer[src->node] != i)
            {
              last_consumer[src->node] = i;
              g_ptr_array_add (deps[i], GUINT_TO_POINTER (src->node));
              indegree[i]++;
            }
        }
    }

  /* Kahn's algorithm; among ready nodes the one given first goes first, so the order is stable.
   * Ready nodes wait in a binary min-heap of their indexes: O((nodes + edges) log nodes). */
  order = g_new (guint, n_nodes);
  position = g_new (guint, n_nodes);
  {
    g_autofree guint *remaining = g_memdup2 (indegree, sizeof (guint) * MAX (n_nodes, 1));
    g_autofree guint *heap = g_new (guint, MAX (n_nodes, 1));
    g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) g_array_unref);
    guint heap_len = 0;

    for (guint i = 0; i < n_nodes; i++)
      g_ptr_array_add (users, g_array_new (FALSE, FALSE, sizeof (guint)));
    for (guint j = 0; j < n_nodes; j++)
      for (guint d = 0; d < deps[j]->len; d++)
        g_array_append_val (users->pdata[GPOINTER_TO_UINT (deps[j]->pdata[d])], j);

    for (guint i = 0; i < n_nodes; i++)
      if (remaining[i] == 0)
        heap_push (heap, &heap_len, i);

    while (heap_len > 0)
      {
        guint i = heap_pop (heap, &heap_len);
        GArray *u = users->pdata[i];

        position[i] = n_ordered;
        order[n_ordered++] = i;
        for (guint k = 0; k < u->len; k++)
          if (--remaining[g_array_index (u, guint, k)] == 0)
            heap_push (heap, &heap_len, g_array_index (u, guint, k));
      }

    if (n_ordered < n_nodes)
      {
        g_autofree char *cycle = describe_cycle (nodes, n_nodes, deps, remaining);
        g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_CYCLE,
                     _("The nodes form a cycle: %s"), cycle);
        goto out;
      }
  }

  graph = g_new0 (HnGraph, 1);
  g_atomic_ref_count_init (&graph->ref_count);
  graph->n_nodes = n_nodes;
  graph->n_slots = slot_names->len;
  graph->given_nodes = g_new (HnNode *, n_nodes);
  for (guint i = 0; i < n_nodes; i++)
    graph->given_nodes[i] = g_object_ref (nodes[i]);

  graph->producer = g_new (int, graph->n_slots);
  for (guint s = 0; s < graph->n_slots; s++)
    graph->producer[s] = s < producer->len
      ? (int) position[g_array_index (producer, PortRef, s).node]
      : -1;

  graph->root_checks = g_new0 (GArray *, graph->n_slots);
  graph->nodes = g_new0 (HnGraphNode, n_nodes);
  graph->order = g_new0 (char *, n_nodes + 1);
  for (guint k = 0; k < n_nodes; k++)
    {
      HnNode *node = nodes[order[k]];
      HnGraphNode *gn = &graph->nodes[k];
      const char * const *ins = hn_node_get_inputs (node);
      const char * const *outs = hn_node_get_outputs (node);
      GPtrArray *d = deps[order[k]];

      gn->node = g_object_ref (node);
      gn->name = hn_node_get_name (node);
      gn->run_invoke = _hn_node_get_run_invoke (node);
      gn->value_func = _hn_node_get_value_func (node, &gn->value_data);
      gn->value_async_func = _hn_node_get_value_async_func (node, &gn->value_async_data);
      gn->main_context = hn_node_get_main_context (node);
      gn->async_only = !_hn_node_has_sync (node) && _hn_node_has_async (node);
      if (gn->main_context != NULL && graph->main_context == NULL)
        graph->main_context = g_main_context_ref (gn->main_context);
      graph->order[k] = g_strdup (gn->name);

      gn->n_inputs = _hn_node_get_n_inputs (node);
      gn->input_slots = g_new (guint, gn->n_inputs);
      gn->input_checks = g_new0 (const GVariantType *, gn->n_inputs);
      for (guint p = 0; p < gn->n_inputs; p++)
        {
          const GVariantType *in_type = _hn_node_get_input_type_at (node, p);
          guint slot = GPOINTER_TO_UINT (g_hash_table_lookup (slot_index, ins[p])) - 1;
          int src = graph->producer[slot];

          gn->input_slots[p] = slot;
          if (_hn_port_type_is_any (in_type))
            continue;

          if (src < 0)
            {
              PortRef ref = { k, p };

              if (graph->root_checks[slot] == NULL)
                graph->root_checks[slot] = g_array_new (FALSE, FALSE, sizeof (PortRef));
              g_array_append_val (graph->root_checks[slot], ref);
            }
          else
            {
              const PortRef *pr = &g_array_index (producer, PortRef, slot);
              const GVariantType *out_type = _hn_node_get_output_type_at (nodes[pr->node],
                                                                          pr->port);
              if (!g_variant_type_is_subtype_of (out_type, in_type))
                gn->input_checks[p] = in_type;
            }
        }

      for (guint p = 0; p < gn->n_inputs; p++)
        gn->checks_inputs |= gn->input_checks[p] != NULL;
      gn->n_outputs = _hn_node_get_n_outputs (node);
      gn->output_names = outs;
      gn->output_slots = g_new (guint, gn->n_outputs);
      gn->output_checks = g_new0 (const GVariantType *, gn->n_outputs);
      for (guint o = 0; o < gn->n_outputs; o++)
        {
          const GVariantType *out_type = _hn_node_get_output_type_at (node, o);

          gn->output_slots[o] = GPOINTER_TO_UINT (g_hash_table_lookup (slot_index, outs[o])) - 1;
          if (!_hn_port_type_is_any (out_type))
            gn->output_checks[o] = out_type;
        }

      gn->n_deps = d->len;
      gn->deps = g_new (guint, d->len);
      for (guint j = 0; j < d->len; j++)
        gn->deps[j] = position[GPOINTER_TO_UINT (g_ptr_array_index (d, j))];
    }

  /* Dependents, the reverse edges. */
  for (guint k = 0; k < n_nodes; k++)
    for (guint j = 0; j < graph->nodes[k].n_deps; j++)
      graph->nodes[graph->nodes[k].deps[j]].n_dependents++;
  for (guint k = 0; k < n_nodes; k++)
    {
      graph->nodes[k].dependents = g_new (guint, graph->nodes[k].n_dependents);
      graph->nodes[k].n_dependents = 0;
    }
  for (guint k = 0; k < n_nodes; k++)
    for (guint j = 0; j < graph->nodes[k].n_deps; j++)
      {
        HnGraphNode *dep = &graph->nodes[graph->nodes[k].deps[j]];
        dep->dependents[dep->n_dependents++] = k;
      }

  /* Two consumers of one root input must accept a common type. */
  for (guint s = 0; s < graph->n_slots; s++)
    {
      GArray *checks = graph->root_checks[s];

      if (checks == NULL)
        continue;
      /* compare each consumer with the first consumer of every distinct type seen before it:
       * O(consumers + types²), and the first conflicting pair is the one reported */
      {
        g_autoptr(GHashTable) firsts = g_hash_table_new (g_variant_type_hash,
                                                         g_variant_type_equal);
        g_autoptr(GArray) distinct = g_array_new (FALSE, FALSE, sizeof (guint));

        for (guint b = 0; b < checks->len; b++)
          {
            const PortRef *rb = &g_array_index (checks, PortRef, b);
            const GVariantType *tb = _hn_node_get_input_type_at (graph->nodes[rb->node].node,
                                                                 rb->port);

            if (g_hash_table_contains (firsts, tb))
              continue;
            for (guint d = 0; d < distinct->len; d++)
              {
                guint a = g_array_index (distinct, guint, d);
                const PortRef *ra = &g_array_index (checks, PortRef, a);
                const GVariantType *ta = _hn_node_get_input_type_at (graph->nodes[ra->node].node,
                                                                     ra->port);
                if (!_hn_port_types_intersect (ta, tb))
                  {
                    g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                                 _("Input “%s” cannot satisfy both node “%s” (type “%s”) and "
                                   "node “%s” (type “%s”)"),
                                 (const char *) g_ptr_array_index (slot_names, s),
                                 graph->nodes[ra->node].name, g_variant_type_peek_string (ta),
                                 graph->nodes[rb->node].name, g_variant_type_peek_string (tb));
                    goto out;
                  }
              }
            g_hash_table_add (firsts, (gpointer) tb);
            g_array_append_val (distinct, b);
          }
      }
    }

  /* Root inputs and outputs, in topological order of first use. */
  {
    g_autoptr(GStrvBuilder) roots = g_strv_builder_new ();
    g_autoptr(GStrvBuilder) outs = g_strv_builder_new ();
    g_autofree gboolean *seen = g_new0 (gboolean, slot_names->len);

    for (guint k = 0; k < n_nodes; k++)
      {
        HnGraphNode *gn = &graph->nodes[k];

        for (guint p = 0; p < gn->n_inputs; p++)
          {
            guint slot = gn->input_slots[p];
            if (graph->producer[slot] < 0 && !seen[slot])
              {
                seen[slot] = TRUE;
                g_strv_builder_add (roots, g_ptr_array_index (slot_names, slot));
              }
          }
        for (guint o = 0; o < gn->n_outputs; o++)
          g_strv_builder_add (outs, g_ptr_array_index (slot_names, gn->output_slots[o]));
      }
    graph->root_inputs = g_strv_builder_end (roots);
    graph->outputs = g_strv_builder_end (outs);
  }

  graph->slot_names = (char **) g_ptr_array_steal (slot_names, NULL);
  graph->slot_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint s = 0; s < graph->n_slots; s++)
    g_hash_table_insert (graph->slot_index, graph->slot_names[s], GUINT_TO_POINTER (s + 1));

  ok = TRUE;

out:
  if (deps != NULL)
    {
      for (guint i = 0; i < n_nodes; i++)
        if (deps[i] != NULL)
          g_ptr_array_unref (deps[i]);
      g_free (deps);
    }
  if (!ok && graph != NULL)
    {
      /* graph_free() expects the name tables; give it empty ones. */
      if (graph->slot_names == NULL)
        graph->slot_names = g_new0 (char *, 1);
      _hn_graph_unref (graph);
      graph = NULL;
    }
  return graph;
}
HnValue *
_hn_graph_take_root_value (HnGraph   *graph,
                           guint      slot,
                           HnValue   *value,
                           gint64     item,
                           GError   **error)
{
  GArray *checks = graph->root_checks[slot];
  g_autoptr(GError) local = NULL;
  const GVariantType *type;
  GVariant *converted;

  if (!_hn_value_is_host (value))
    {
      if (_hn_graph_check_root_value (graph, slot, (GVariant *) value, item, error))
        return value;
      _hn_value_unref (value);
      return NULL;
    }
  if (checks == NULL)
    return value;

  /* a host value for typed ports: the data of the first port's type, which every port checks */
  {
    const PortRef *ref = &g_array_index (checks, PortRef, 0);
    HnGraphNode *gn = &graph->nodes[ref->node];

    type = _hn_node_get_input_type_at (gn->node, ref->port);
    converted = _hn_value_to_variant (value, g_variant_type_is_definite (type) ? type : NULL,
                                      &local);
    _hn_value_unref (value);
    if (converted == NULL)
      {
        if (item >= 0)
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                       _("Input “%s” of item %lld cannot be given to node “%s”, which expects "
                         "type “%s”: %s"),
                       graph->slot_names[slot], (long long) item, gn->name,
                       g_variant_type_peek_string (type), local->message);
        else
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                       _("Input “%s” cannot be given to node “%s”, which expects type “%s”: %s"),
                       graph->slot_names[slot], gn->name, g_variant_type_peek_string (type),
                       local->message);
        return NULL;
      }
  }
  if (!_hn_graph_check_root_value (graph, slot, converted, item, error))
    {
      g_variant_unref (converted);
      return NULL;
    }
  return (HnValue *) converted;
}

gboolean
_hn_graph_check_root_value (HnGraph   *graph,
                            guint      slot,
                            GVariant  *value,
                            gint64     item,
                            GError   **error)
{
  GArray *checks = graph->root_checks[slot];

  if (checks == NULL)
    return TRUE;

  for (guint i = 0; i < checks->len; i++)
    {
      const PortRef *ref = &g_array_index (checks, PortRef, i);
      HnGraphNode *gn = &graph->nodes[ref->node];
      const GVariantType *type = _hn_node_get_input_type_at (gn->node, ref->port);

      if (!g_variant_is_of_type (value, type))
        {
          if (item >= 0)
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                         _("Input “%s” of item %lld has type “%s”, but node "
                           "“%s” expects type “%s”"),
                         graph->slot_names[slot], (long long) item,
                         g_variant_get_type_string (value),
                         gn->name, g_variant_type_peek_string (type));
          else
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                         _("Input “%s” has type “%s”, but node “%s” expects type “%s”"),
                         graph->slot_names[slot], g_variant_get_type_string (value),
                         gn->name, g_variant_type_peek_string (type));
          return FALSE;
        }
    }

  return TRUE;
}
