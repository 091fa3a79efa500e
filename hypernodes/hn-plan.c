/* hn-plan.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hn-error.h"
#include "hn-node-private.h"
#include "hn-pipeline.h"
#include "hn-plan-private.h"
#include "hn-tsan-private.h"

typedef struct
{
  guint node;
  guint port;
} PortRef;

/* Whether some value could have both types: the build-time check of connected ports. */
static gboolean
types_intersect (const GVariantType *a,
                 const GVariantType *b)
{
  const char *sa = g_variant_type_peek_string (a);
  const char *sb = g_variant_type_peek_string (b);

  if (sa[0] == '*' || sb[0] == '*')
    return TRUE;

  if (sa[0] == '?' || sb[0] == '?')
    {
      const GVariantType *other = sa[0] == '?' ? b : a;
      return g_variant_type_is_basic (other);
    }

  if (sa[0] == 'r' || sb[0] == 'r')
    {
      const GVariantType *other = sa[0] == 'r' ? b : a;
      return g_variant_type_is_tuple (other);
    }

  if (sa[0] != sb[0])
    return FALSE;

  switch (sa[0])
    {
    case 'a':
    case 'm':
      return types_intersect (g_variant_type_element (a), g_variant_type_element (b));

    case '{':
      return types_intersect (g_variant_type_key (a), g_variant_type_key (b)) &&
             types_intersect (g_variant_type_value (a), g_variant_type_value (b));

    case '(':
      {
        const GVariantType *ia, *ib;

        if (g_variant_type_n_items (a) != g_variant_type_n_items (b))
          return FALSE;
        for (ia = g_variant_type_first (a), ib = g_variant_type_first (b);
             ia != NULL;
             ia = g_variant_type_next (ia), ib = g_variant_type_next (ib))
          if (!types_intersect (ia, ib))
            return FALSE;
        return TRUE;
      }

    default:
      return g_variant_type_equal (a, b);
    }
}

static gboolean
type_is_any (const GVariantType *type)
{
  return g_variant_type_equal (type, G_VARIANT_TYPE_ANY);
}

static void
plan_free (gpointer data)
{
  HnPlan *plan = data;

  g_free (plan->steps);
  g_free (plan->root_slots);
  g_free (plan->output_slots);
  g_free (plan->n_step_deps);
  g_free (plan->step_of_node);
  g_free (plan);
}

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
  g_free (graph->producer);
  g_strfreev (graph->slot_names);
  g_strfreev (graph->root_inputs);
  g_strfreev (graph->outputs);
  g_strfreev (graph->order);
  g_clear_pointer (&graph->slot_index, g_hash_table_unref);
  g_clear_pointer (&graph->plans, g_hash_table_unref);
  g_clear_pointer (&graph->full_plan, plan_free);
  g_mutex_clear (&graph->plans_lock);
  g_free (graph);
}

HnGraph *
_hn_graph_ref (HnGraph *graph)
{
  g_atomic_ref_count_inc (&graph->ref_count);
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
                  guint k = 0;

                  while (path[k] != d)
                    k++;
                  /* deps point backwards (from consumer to producer): print producer first */
                  g_string_append_printf (s, "“%s”", hn_node_get_name (nodes[d]));
                  for (guint j = depth; j > k; j--)
                    g_string_append_printf (s, " → “%s”", hn_node_get_name (nodes[path[j - 1]]));
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
  g_autoptr(GHashTable) node_names = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GArray) producer = g_array_new (FALSE, FALSE, sizeof (PortRef));
  g_autofree guint *indegree = NULL;
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

      if (g_hash_table_contains (node_names, hn_node_get_name (node)))
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_DUPLICATE_NODE,
                       _("Two nodes are named “%s”"), hn_node_get_name (node));
          return NULL;
        }
      g_hash_table_add (node_names, (gpointer) hn_node_get_name (node));

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
          if (!types_intersect (in_type, out_type))
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
          if (!g_ptr_array_find (deps[i], GUINT_TO_POINTER (src->node), NULL))
            {
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
  g_mutex_init (&graph->plans_lock);
  graph->plans = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, plan_free);
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
          if (type_is_any (in_type))
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

      gn->n_outputs = _hn_node_get_n_outputs (node);
      gn->output_slots = g_new (guint, gn->n_outputs);
      gn->output_checks = g_new0 (const GVariantType *, gn->n_outputs);
      for (guint o = 0; o < gn->n_outputs; o++)
        {
          const GVariantType *out_type = _hn_node_get_output_type_at (node, o);

          gn->output_slots[o] = GPOINTER_TO_UINT (g_hash_table_lookup (slot_index, outs[o])) - 1;
          if (!type_is_any (out_type))
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
      for (guint a = 0; a < checks->len; a++)
        for (guint b = a + 1; b < checks->len; b++)
          {
            const PortRef *ra = &g_array_index (checks, PortRef, a);
            const PortRef *rb = &g_array_index (checks, PortRef, b);
            const GVariantType *ta = _hn_node_get_input_type_at (graph->nodes[ra->node].node,
                                                                 ra->port);
            const GVariantType *tb = _hn_node_get_input_type_at (graph->nodes[rb->node].node,
                                                                 rb->port);
            if (!types_intersect (ta, tb))
              {
                g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                             _("Input “%s” cannot satisfy both node “%s” (type “%s”) and node "
                               "“%s” (type “%s”)"),
                             (const char *) g_ptr_array_index (slot_names, s),
                             graph->nodes[ra->node].name, g_variant_type_peek_string (ta),
                             graph->nodes[rb->node].name, g_variant_type_peek_string (tb));
                goto out;
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

static HnPlan *
build_plan (HnGraph             *graph,
            const char * const  *outputs,
            GError             **error)
{
  g_autofree gboolean *needed = g_new0 (gboolean, graph->n_nodes);
  g_autofree gboolean *root_seen = g_new0 (gboolean, graph->n_slots);
  g_autoptr(GArray) out_slots = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) steps = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) roots = g_array_new (FALSE, FALSE, sizeof (guint));
  HnPlan *plan;

  if (outputs == NULL)
    {
      for (guint k = 0; k < graph->n_nodes; k++)
        {
          needed[k] = TRUE;
          for (guint o = 0; o < graph->nodes[k].n_outputs; o++)
            g_array_append_val (out_slots, graph->nodes[k].output_slots[o]);
        }
    }
  else
    {
      for (guint i = 0; outputs[i] != NULL; i++)
        {
          int slot;
          gboolean dup = FALSE;

          if (!g_utf8_validate (outputs[i], -1, NULL))
            {
              g_set_error_literal (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_OUTPUT,
                                   _("A requested output name is not valid UTF-8"));
              return NULL;
            }
          slot = _hn_graph_lookup_slot (graph, outputs[i]);

          if (slot < 0 || graph->producer[slot] < 0)
            {
              g_autofree char *known = g_strjoinv (", ", graph->outputs);
              g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_OUTPUT,
                           slot < 0
                             ? _("No node produces the requested output “%s” (outputs: %s)")
                             : _("“%s” is an input of the pipeline, not an output (outputs: %s)"),
                           outputs[i], known);
              return NULL;
            }
          for (guint j = 0; j < out_slots->len; j++)
            dup |= g_array_index (out_slots, guint, j) == (guint) slot;
          if (!dup)
            g_array_append_val (out_slots, slot);
          needed[graph->producer[slot]] = TRUE;
        }

      /* Topological order means every dependency has a lower index: one backward pass. */
      for (guint k = graph->n_nodes; k-- > 0;)
        if (needed[k])
          for (guint j = 0; j < graph->nodes[k].n_deps; j++)
            needed[graph->nodes[k].deps[j]] = TRUE;
    }

  plan = g_new0 (HnPlan, 1);
  plan->step_of_node = g_new (guint, graph->n_nodes);
  for (guint k = 0; k < graph->n_nodes; k++)
    {
      HnGraphNode *gn = &graph->nodes[k];

      plan->step_of_node[k] = G_MAXUINT;
      if (!needed[k])
        continue;
      plan->step_of_node[k] = steps->len;
      g_array_append_val (steps, k);
      for (guint p = 0; p < gn->n_inputs; p++)
        {
          guint slot = gn->input_slots[p];
          if (graph->producer[slot] < 0 && !root_seen[slot])
            {
              root_seen[slot] = TRUE;
              g_array_append_val (roots, slot);
            }
        }
    }

  plan->n_steps = steps->len;
  plan->steps = (guint *) g_array_free (g_steal_pointer (&steps), FALSE);
  plan->n_roots = roots->len;
  plan->root_slots = (guint *) g_array_free (g_steal_pointer (&roots), FALSE);
  plan->n_outputs = out_slots->len;
  plan->output_slots = (guint *) g_array_free (g_steal_pointer (&out_slots), FALSE);
  plan->n_step_deps = g_new0 (guint, plan->n_steps);
  for (guint s = 0; s < plan->n_steps; s++)
    plan->n_step_deps[s] = graph->nodes[plan->steps[s]].n_deps;  /* deps of a needed node are needed */

  return plan;
}

const HnPlan *
_hn_graph_get_plan (HnGraph             *graph,
                    const char * const  *outputs,
                    GError             **error)
{
  g_autofree char *key = NULL;
  HnPlan *plan;

  hn_mutex_lock (&graph->plans_lock);

  if (outputs == NULL)
    {
      if (graph->full_plan == NULL)
        graph->full_plan = build_plan (graph, NULL, error);
      plan = graph->full_plan;
    }
  else
    {
      GString *k = g_string_new (NULL);

      /* lengths make the key unambiguous whatever bytes the names hold */
      for (guint i = 0; outputs[i] != NULL; i++)
        g_string_append_printf (k, "%zu:%s;", strlen (outputs[i]), outputs[i]);
      key = g_string_free (k, FALSE);
      plan = g_hash_table_lookup (graph->plans, key);
      if (plan == NULL)
        {
          plan = build_plan (graph, outputs, error);
          if (plan != NULL)
            g_hash_table_insert (graph->plans, g_steal_pointer (&key), plan);
        }
    }

  hn_mutex_unlock (&graph->plans_lock);
  return plan;
}

static gboolean
check_root_value (HnGraph   *graph,
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

static gboolean
check_dict (GVariant    *value,
            const char  *what,
            GError     **error)
{
  if (value == NULL || g_variant_is_of_type (value, G_VARIANT_TYPE_VARDICT))
    return TRUE;

  g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
               _("%s must be a dictionary of type “a{sv}”, not “%s”"),
               what, g_variant_get_type_string (value));
  return FALSE;
}

static gboolean
unknown_input_error (HnGraph     *graph,
                     const char  *name,
                     gint64       item,
                     GError     **error)
{
  g_autofree char *known = g_strjoinv (", ", graph->root_inputs);
  int slot = _hn_graph_lookup_slot (graph, name);

  if (slot >= 0 && graph->producer[slot] >= 0)
    g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT,
                 _("“%s” is produced by node “%s” and cannot be given as an input "
                   "(inputs: %s)"),
                 name, graph->nodes[graph->producer[slot]].name, known);
  else if (item >= 0)
    g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT,
                 _("Item %lld has “%s”, which is not an input of the pipeline "
                   "(inputs: %s)"),
                 (long long) item, name, known);
  else
    g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT,
                 _("“%s” is not an input of the pipeline (inputs: %s)"), name, known);
  return FALSE;
}

/* Stores the values of @dict in @frame. Every key must be a root input, and its value must have
 * the types its consumers declare. */
static gboolean
load_dict (HnGraph       *graph,
           const HnPlan  *plan,
           GVariant      *dict,
           gint64         item,
           GVariant     **frame,
           GError       **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (dict == NULL)
    return TRUE;

  g_variant_iter_init (&iter, dict);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      int slot = _hn_graph_lookup_slot (graph, key);

      if (slot < 0 || graph->producer[slot] >= 0)
        {
          g_variant_unref (value);
          return unknown_input_error (graph, key, item, error);
        }
      if (!check_root_value (graph, slot, value, item, error))
        {
          g_variant_unref (value);
          return FALSE;
        }
      if (frame[slot] != NULL)
        g_variant_unref (frame[slot]);
      frame[slot] = value;
    }

  return TRUE;
}

static gboolean
check_missing (HnGraph       *graph,
               const HnPlan  *plan,
               GVariant     **frame,
               gint64         item,
               GError       **error)
{
  g_autoptr(GString) missing = NULL;
  guint n_missing = 0;

  for (guint r = 0; r < plan->n_roots; r++)
    if (frame[plan->root_slots[r]] == NULL)
      {
        if (missing == NULL)
          missing = g_string_new (NULL);
        else
          g_string_append (missing, ", ");
        g_string_append_printf (missing, "“%s”", graph->slot_names[plan->root_slots[r]]);
        n_missing++;
      }

  if (n_missing == 0)
    return TRUE;

  if (item >= 0)
    g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT,
                 g_dngettext (GETTEXT_PACKAGE, "Item %lld lacks input %s", "Item %lld lacks inputs %s",
                              n_missing),
                 (long long) item, missing->str);
  else
    g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT,
                 g_dngettext (GETTEXT_PACKAGE, "Missing input %s", "Missing inputs %s",
                              n_missing),
                 missing->str);
  return FALSE;
}

gboolean
_hn_graph_load_inputs (HnGraph       *graph,
                       const HnPlan  *plan,
                       GVariant      *inputs,
                       GVariant     **frame,
                       GError       **error)
{
  return check_dict (inputs, _("The inputs"), error) &&
         load_dict (graph, plan, inputs, -1, frame, error) &&
         check_missing (graph, plan, frame, -1, error);
}

struct _HnMapSource
{
  gatomicrefcount   ref_count;
  GVariant         *items;      /* aa{sv}: given, or made from the columns on demand */
  GMutex            items_lock;
  guint             n_columns;
  char            **names;
  int              *slots;
  GVariant        **columns;
  gsize            *lengths;
  HnMapMode         mode;
  gsize             n_items;
};

HnMapSource *
_hn_map_source_new_items (GVariant *items)
{
  HnMapSource *source = g_new0 (HnMapSource, 1);

  g_atomic_ref_count_init (&source->ref_count);
  g_mutex_init (&source->items_lock);
  source->items = g_variant_ref_sink (items);
  source->n_items = g_variant_is_of_type (items, G_VARIANT_TYPE ("aa{sv}"))
    ? g_variant_n_children (items) : 0;
  return source;
}

HnMapSource *
_hn_map_source_ref (HnMapSource *source)
{
  g_atomic_ref_count_inc (&source->ref_count);
  return source;
}

void
_hn_map_source_unref (HnMapSource *source)
{
  if (!hn_ref_count_dec (&source->ref_count))
    return;

  for (guint c = 0; c < source->n_columns; c++)
    g_variant_unref (source->columns[c]);
  g_free (source->columns);
  g_free (source->slots);
  g_free (source->lengths);
  g_strfreev (source->names);
  g_clear_pointer (&source->items, g_variant_unref);
  g_mutex_clear (&source->items_lock);
  g_free (source);
}

gsize
_hn_map_source_get_n_items (HnMapSource *source)
{
  return source->n_items;
}

/* Element @index of the item list, for columns: the zip index, or the digits of @index in the
 * mixed radix of the column lengths (last column fastest) for a product. */
static GVariant *
column_value (HnMapSource *source,
              guint        column,
              gsize        index)
{
  GVariant *element;
  gsize idx = index;

  if (source->mode == HN_MAP_MODE_PRODUCT)
    {
      for (guint c = source->n_columns - 1; c > column; c--)
        idx /= source->lengths[c];
      idx %= source->lengths[column];
    }

  element = g_variant_get_child_value (source->columns[column], idx);
  /* mixed-type lists arrive as "av": map over the values, not the boxes */
  if (g_variant_is_of_type (element, G_VARIANT_TYPE_VARIANT))
    {
      GVariant *inner = g_variant_get_variant (element);
      g_variant_unref (element);
      element = inner;
    }
  return element;
}

GVariant *
_hn_map_source_get_items (HnMapSource *source)
{
  hn_mutex_lock (&source->items_lock);
  if (source->items == NULL)
    {
      g_autofree GVariant **items = g_new (GVariant *, MAX (source->n_items, 1));
      g_autofree GVariant **entries = g_new (GVariant *, source->n_columns);

      for (gsize i = 0; i < source->n_items; i++)
        {
          for (guint c = 0; c < source->n_columns; c++)
            {
              GVariant *value = column_value (source, c, i);
              entries[c] = g_variant_new_dict_entry (g_variant_new_string (source->names[c]),
                                                     g_variant_new_variant (value));
              g_variant_unref (value);
            }
          items[i] = g_variant_new_array (G_VARIANT_TYPE ("{sv}"), entries, source->n_columns);
        }
      source->items = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARDICT, items,
                                                               source->n_items));
    }
  hn_mutex_unlock (&source->items_lock);

  return source->items;
}

HnMapSource *
_hn_map_source_new_columns (HnGraph             *graph,
                            GVariant            *inputs,
                            const char * const  *map_over,
                            HnMapMode            mode,
                            GVariant           **shared,
                            GError             **error)
{
  g_autoptr(GPtrArray) columns = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  g_autofree gsize *lengths = NULL;
  HnMapSource *source;
  GVariantBuilder rest;
  GVariantIter iter;
  const char *key;
  GVariant *value;
  guint n_columns;
  gsize n_items;

  if (map_over == NULL || map_over[0] == NULL)
    {
      g_set_error_literal (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                           _("A map needs at least one mapped input"));
      return NULL;
    }
  if (!check_dict (inputs, _("The inputs"), error))
    return NULL;

  n_columns = g_strv_length ((char **) map_over);
  lengths = g_new (gsize, n_columns);
  for (guint m = 0; m < n_columns; m++)
    {
      const char *name = map_over[m];
      GVariant *array;

      if (!g_strv_contains ((const char * const *) graph->root_inputs, name))
        {
          g_autofree char *known = g_strjoinv (", ", graph->root_inputs);
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_UNKNOWN_INPUT,
                       _("Cannot map over “%s”: it is not an input of the pipeline (inputs: %s)"),
                       name, known);
          return NULL;
        }
      for (guint k = 0; k < m; k++)
        if (g_str_equal (map_over[k], name))
          {
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                         _("“%s” is mapped over twice"), name);
            return NULL;
          }

      array = inputs ? g_variant_lookup_value (inputs, name, NULL) : NULL;
      if (array == NULL)
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT,
                       _("Missing mapped input “%s”"), name);
          return NULL;
        }
      g_ptr_array_add (columns, array);
      if (!g_variant_is_of_type (array, G_VARIANT_TYPE_ARRAY))
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MAP_NOT_ARRAY,
                       _("Mapped input “%s” must be an array, not a value of type “%s”"),
                       name, g_variant_get_type_string (array));
          return NULL;
        }
      lengths[m] = g_variant_n_children (array);
    }

  if (mode == HN_MAP_MODE_ZIP)
    {
      n_items = lengths[0];
      for (guint m = 1; m < n_columns; m++)
        if (lengths[m] != n_items)
          {
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MAP_LENGTH_MISMATCH,
                         _("A zip map needs mapped inputs of equal length, but “%s” has %zu "
                           "items and “%s” has %zu"),
                         map_over[0], n_items, map_over[m], lengths[m]);
            return NULL;
          }
    }
  else
    {
      n_items = 1;
      for (guint m = 0; m < n_columns; m++)
        {
          if (lengths[m] != 0 && n_items > G_MAXINT32 / lengths[m])
            {
              g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                           _("A product map of these inputs has too many items"));
              return NULL;
            }
          n_items *= lengths[m];
        }
    }

  g_variant_builder_init (&rest, G_VARIANT_TYPE_VARDICT);
  if (inputs != NULL)
    {
      g_variant_iter_init (&iter, inputs);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
        {
          if (!g_strv_contains (map_over, key))
            g_variant_builder_add (&rest, "{sv}", key, value);
          g_variant_unref (value);
        }
    }
  *shared = g_variant_ref_sink (g_variant_builder_end (&rest));

  source = g_new0 (HnMapSource, 1);
  g_atomic_ref_count_init (&source->ref_count);
  g_mutex_init (&source->items_lock);
  source->n_columns = n_columns;
  source->names = g_strdupv ((char **) map_over);
  source->slots = g_new (int, n_columns);
  for (guint m = 0; m < n_columns; m++)
    source->slots[m] = _hn_graph_lookup_slot (graph, map_over[m]);
  source->columns = (GVariant **) g_ptr_array_steal (columns, NULL);
  source->lengths = g_steal_pointer (&lengths);
  source->mode = mode;
  source->n_items = n_items;
  return source;
}

gboolean
_hn_graph_prepare_map (HnGraph       *graph,
                       const HnPlan  *plan,
                       HnMapSource   *source,
                       GVariant      *inputs,
                       GVariant     **template,
                       GError       **error)
{
  if (source->items != NULL && !g_variant_is_of_type (source->items, G_VARIANT_TYPE ("aa{sv}")))
    {
      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                   _("The items of a map must be an array of dictionaries, type “aa{sv}”, "
                     "not “%s”"),
                   g_variant_get_type_string (source->items));
      return FALSE;
    }

  return check_dict (inputs, _("The shared inputs"), error) &&
         load_dict (graph, plan, inputs, -1, template, error);
}

gboolean
_hn_graph_load_item (HnGraph           *graph,
                     const HnPlan      *plan,
                     GVariant * const  *template,
                     HnMapSource       *source,
                     gsize              index,
                     GVariant         **frame,
                     GError           **error)
{
  for (guint r = 0; r < plan->n_roots; r++)
    {
      guint slot = plan->root_slots[r];
      if (template[slot] != NULL)
        frame[slot] = g_variant_ref (template[slot]);
    }

  if (source->n_columns == 0)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (source->items, index);

      if (!load_dict (graph, plan, item, (gint64) index, frame, error))
        return FALSE;
    }
  else
    {
      for (guint c = 0; c < source->n_columns; c++)
        {
          guint slot = source->slots[c];
          GVariant *value = column_value (source, c, index);

          if (!check_root_value (graph, slot, value, (gint64) index, error))
            {
              g_variant_unref (value);
              return FALSE;
            }
          g_clear_pointer (&frame[slot], g_variant_unref);
          frame[slot] = value;
        }
    }

  return check_missing (graph, plan, frame, (gint64) index, error);
}

static gboolean
invalid_result (HnGraphNode  *gn,
                gint64        item,
                GError      **error,
                const char   *format,
                ...) G_GNUC_PRINTF (4, 5);

static gboolean
invalid_result (HnGraphNode  *gn,
                gint64        item,
                GError      **error,
                const char   *format,
                ...)
{
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  detail = g_strdup_vprintf (format, args);
  va_end (args);

  if (item >= 0)
    g_set_error (error, HN_NODE_ERROR, HN_NODE_ERROR_INVALID_RESULT,
                 _("Node “%s” on item %lld: %s"), gn->name, (long long) item, detail);
  else
    g_set_error (error, HN_NODE_ERROR, HN_NODE_ERROR_INVALID_RESULT,
                 _("Node “%s”: %s"), gn->name, detail);
  return FALSE;
}

gboolean
_hn_graph_gather (HnGraph    *graph,
                  guint       index,
                  GVariant  **frame,
                  GVariant  **args,
                  gint64      item,
                  GError    **error)
{
  HnGraphNode *gn = &graph->nodes[index];

  for (guint p = 0; p < gn->n_inputs; p++)
    {
      GVariant *value = frame[gn->input_slots[p]];

      if (gn->input_checks[p] != NULL && !g_variant_is_of_type (value, gn->input_checks[p]))
        {
          HnGraphNode *src = &graph->nodes[graph->producer[gn->input_slots[p]]];

          if (item >= 0)
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                         _("Node “%s” produced “%s” with type “%s” on item %lld, but node “%s” "
                           "expects type “%s”"),
                         src->name, graph->slot_names[gn->input_slots[p]],
                         g_variant_get_type_string (value), (long long) item, gn->name,
                         g_variant_type_peek_string (gn->input_checks[p]));
          else
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                         _("Node “%s” produced “%s” with type “%s”, but node “%s” expects type "
                           "“%s”"),
                         src->name, graph->slot_names[gn->input_slots[p]],
                         g_variant_get_type_string (value), gn->name,
                         g_variant_type_peek_string (gn->input_checks[p]));
          return FALSE;
        }
      args[p] = value;
    }

  return TRUE;
}

gboolean
_hn_graph_store (HnGraph    *graph,
                 guint       index,
                 GVariant  **frame,
                 GVariant   *value,
                 GError     *node_error,
                 gint64      item,
                 GError    **error)
{
  HnGraphNode *gn = &graph->nodes[index];
  g_autoptr(GError) local_error = node_error;
  g_autoptr(GVariant) result = value;

  if (result == NULL)
    {
      if (local_error == NULL)
        return invalid_result (gn, item, error, _("returned no value and no error"));

      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }

      if (item >= 0)
        g_set_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED,
                     _("Node “%s” failed on item %lld: %s"),
                     gn->name, (long long) item, local_error->message);
      else
        g_set_error (error, HN_NODE_ERROR, HN_NODE_ERROR_FAILED,
                     _("Node “%s” failed: %s"), gn->name, local_error->message);
      return FALSE;
    }
  g_variant_take_ref (result);

  if (gn->n_outputs == 1)
    {
      if (gn->output_checks[0] != NULL && !g_variant_is_of_type (result, gn->output_checks[0]))
        return invalid_result (gn, item, error,
                               _("returned type “%s” for output “%s”, declared as “%s”"),
                               g_variant_get_type_string (result),
                               graph->slot_names[gn->output_slots[0]],
                               g_variant_type_peek_string (gn->output_checks[0]));
      g_clear_pointer (&frame[gn->output_slots[0]], g_variant_unref);
      frame[gn->output_slots[0]] = g_steal_pointer (&result);
      return TRUE;
    }

  if (!g_variant_is_of_type (result, G_VARIANT_TYPE_TUPLE) ||
      g_variant_n_children (result) != gn->n_outputs)
    return invalid_result (gn, item, error,
                           _("has %u outputs and must return a tuple of %u values, not a value "
                             "of type “%s”"),
                           gn->n_outputs, gn->n_outputs, g_variant_get_type_string (result));

  for (guint o = 0; o < gn->n_outputs; o++)
    {
      GVariant *member = g_variant_get_child_value (result, o);

      if (gn->output_checks[o] != NULL && !g_variant_is_of_type (member, gn->output_checks[o]))
        {
          g_variant_unref (member);
          return invalid_result (gn, item, error,
                                 _("returned type “%s” for output “%s”, declared as “%s”"),
                                 g_variant_get_type_string (member),
                                 graph->slot_names[gn->output_slots[o]],
                                 g_variant_type_peek_string (gn->output_checks[o]));
        }
      g_clear_pointer (&frame[gn->output_slots[o]], g_variant_unref);
      frame[gn->output_slots[o]] = member;
    }

  return TRUE;
}

gboolean
_hn_graph_invoke (HnGraph            *graph,
                  guint               index,
                  GVariant          **frame,
                  HnCallbackContext  *context,
                  gint64              item,
                  GCancellable       *cancellable,
                  GError            **error)
{
  HnGraphNode *gn = &graph->nodes[index];
  GVariant *stack_args[8];
  g_autofree GVariant **heap_args = NULL;
  GVariant **args = stack_args;
  GError *node_error = NULL;
  GVariant *result;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (gn->n_inputs > G_N_ELEMENTS (stack_args))
    args = heap_args = g_new (GVariant *, gn->n_inputs);

  if (!_hn_graph_gather (graph, index, frame, args, item, error))
    return FALSE;

  result = HN_NODE_GET_CLASS (gn->node)->invoke (gn->node, args, gn->n_inputs, cancellable,
                                                 &node_error);
  return _hn_graph_store (graph, index, frame, result, node_error, item, error);
}

GVariant *
_hn_graph_collect (HnGraph       *graph,
                   const HnPlan  *plan,
                   GVariant     **frame)
{
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
  for (guint o = 0; o < plan->n_outputs; o++)
    {
      guint slot = plan->output_slots[o];
      g_variant_builder_add (&builder, "{sv}", graph->slot_names[slot], frame[slot]);
    }
  return g_variant_ref_sink (g_variant_builder_end (&builder));
}

void
_hn_graph_clear_frame (HnGraph   *graph,
                       GVariant **frame)
{
  for (guint s = 0; s < graph->n_slots; s++)
    g_clear_pointer (&frame[s], g_variant_unref);
}

GVariant *
_hn_run_sequential (HnPipeline          *pipeline,
                    GVariant            *inputs,
                    HnCallbackContext   *context,
                    const char * const  *outputs,
                    GCancellable        *cancellable,
                    GError             **error)
{
  HnGraph *graph = _hn_pipeline_get_graph (pipeline);
  g_autofree GVariant **frame = g_new0 (GVariant *, graph->n_slots);
  const HnPlan *plan;
  GVariant *result = NULL;

  plan = _hn_graph_get_plan (graph, outputs, error);
  if (plan == NULL)
    return NULL;

  if (!_hn_graph_load_inputs (graph, plan, inputs, frame, error))
    goto out;

  for (guint s = 0; s < plan->n_steps; s++)
    if (!_hn_graph_invoke (graph, plan->steps[s], frame, context, -1, cancellable, error))
      goto out;

  result = _hn_graph_collect (graph, plan, frame);

out:
  _hn_graph_clear_frame (graph, frame);
  return result;
}

GVariant *
_hn_map_sequential (HnPipeline          *pipeline,
                    HnMapSource         *source,
                    GVariant            *inputs,
                    HnCallbackContext   *context,
                    const char * const  *outputs,
                    GCancellable        *cancellable,
                    GError             **error)
{
  HnGraph *graph = _hn_pipeline_get_graph (pipeline);
  g_autofree GVariant **template = g_new0 (GVariant *, graph->n_slots);
  g_autofree GVariant **frame = g_new0 (GVariant *, graph->n_slots);
  g_autofree GVariant **results = NULL;
  const HnPlan *plan;
  GVariant *ret = NULL;
  gsize n_items = 0, done = 0;

  plan = _hn_graph_get_plan (graph, outputs, error);
  if (plan == NULL)
    return NULL;

  if (!_hn_graph_prepare_map (graph, plan, source, inputs, template, error))
    goto out;

  n_items = source->n_items;
  results = g_new (GVariant *, MAX (n_items, 1));
  for (; done < n_items; done++)
    {
      gboolean ok = _hn_graph_load_item (graph, plan, template, source, done, frame, error);

      for (guint s = 0; ok && s < plan->n_steps; s++)
        ok = _hn_graph_invoke (graph, plan->steps[s], frame, context, (gint64) done,
                               cancellable, error);
      if (ok)
        results[done] = _hn_graph_collect (graph, plan, frame);
      _hn_graph_clear_frame (graph, frame);
      if (!ok)
        goto out;
    }

  ret = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARDICT, results, n_items));

out:
  for (gsize i = 0; ret == NULL && i < done; i++)
    g_variant_unref (results[i]);
  for (gsize i = 0; ret != NULL && i < n_items; i++)
    g_variant_unref (results[i]);
  _hn_graph_clear_frame (graph, template);
  return ret;
}
