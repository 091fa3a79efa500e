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
#include "hn-plan-private.h"
#include "hn-tsan-private.h"

/* The cache of a graph: the full plan, and an LRU of plans keyed by their output list. */
typedef struct
{
  GMutex      lock;
  HnPlan     *full;
  GHashTable *by_key;   /* key -> GList link in lru */
  GQueue      lru;      /* of Entry, most recent first */
} PlanCache;

typedef struct
{
  char   *key;
  HnPlan *plan;
} Entry;

HnPlan *
_hn_plan_ref (HnPlan *plan)
{
  hn_ref_count_inc (&plan->ref_count);
  return plan;
}

/* plan->drops: each slot a step reads goes after the last step that reads it, unless the run
 * returns it. */
static void
plan_drops (HnPlan  *plan,
            HnGraph *graph)
{
  g_autofree guint *last = g_new (guint, MAX (graph->n_slots, 1));
  g_autofree guint *count = g_new0 (guint, plan->n_steps + 1);
  guint n = 0;

  for (guint slot = 0; slot < graph->n_slots; slot++)
    last[slot] = G_MAXUINT;
  for (guint s = 0; s < plan->n_steps; s++)
    {
      const HnGraphNode *gn = &graph->nodes[plan->steps[s]];

      for (guint p = 0; p < gn->n_inputs; p++)
        last[gn->input_slots[p]] = s;
    }
  for (guint o = 0; o < plan->n_outputs; o++)
    last[plan->output_slots[o]] = G_MAXUINT;
  for (guint slot = 0; slot < graph->n_slots; slot++)
    if (last[slot] != G_MAXUINT)
      {
        count[last[slot] + 1]++;
        n++;
      }
  plan->drops_at = g_new (guint, plan->n_steps + 1);
  plan->drops = g_new (guint, MAX (n, 1));
  plan->drops_at[0] = 0;
  for (guint s = 0; s < plan->n_steps; s++)
    plan->drops_at[s + 1] = plan->drops_at[s] + count[s + 1];
  memset (count, 0, sizeof (guint) * (plan->n_steps + 1));
  for (guint slot = 0; slot < graph->n_slots; slot++)
    if (last[slot] != G_MAXUINT)
      plan->drops[plan->drops_at[last[slot]] + count[last[slot]]++] = slot;
}

void
_hn_plan_unref (HnPlan *plan)
{
  if (!hn_ref_count_dec (&plan->ref_count))
    return;

  g_free (plan->steps);
  g_free (plan->root_slots);
  g_free (plan->root_optional);
  g_free (plan->output_slots);
  g_free (plan->n_step_deps);
  g_free (plan->step_of_node);
  g_free (plan->drops_at);
  g_free (plan->drops);
  g_free (plan);
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->key);
  _hn_plan_unref (entry->plan);
  g_free (entry);
}

static void
plan_cache_free (gpointer data)
{
  PlanCache *cache = data;

  g_clear_pointer (&cache->full, _hn_plan_unref);
  g_hash_table_unref (cache->by_key);
  g_queue_clear_full (&cache->lru, entry_free);
  g_mutex_clear (&cache->lock);
  g_free (cache);
}

/* Made once, when the graph is built (graphs are immutable afterwards). */
static PlanCache *
plan_cache_get (HnGraph *graph)
{
  static GMutex init_lock;
  PlanCache *cache = g_atomic_pointer_get (&graph->plans);

  if (cache != NULL)
    return cache;

  hn_mutex_lock (&init_lock);
  cache = graph->plans;
  if (cache == NULL)
    {
      cache = g_new0 (PlanCache, 1);
      g_mutex_init (&cache->lock);
      cache->by_key = g_hash_table_new (g_str_hash, g_str_equal);
      g_queue_init (&cache->lru);
      graph->plans_free = plan_cache_free;
      g_atomic_pointer_set (&graph->plans, cache);
    }
  hn_mutex_unlock (&init_lock);
  return cache;
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
  g_autoptr(GArray) root_optional = g_array_new (FALSE, FALSE, sizeof (gboolean));
  g_autofree guint *root_index = g_new (guint, MAX (graph->n_slots, 1));
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
  g_atomic_ref_count_init (&plan->ref_count);
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
          gboolean optional = _hn_node_is_input_optional (gn->node, p);

          if (graph->producer[slot] < 0 && !root_seen[slot])
            {
              root_seen[slot] = TRUE;
              root_index[slot] = roots->len;
              g_array_append_val (roots, slot);
              g_array_append_val (root_optional, optional);
            }
          else if (graph->producer[slot] < 0 && !optional)
            g_array_index (root_optional, gboolean, root_index[slot]) = FALSE;
        }
    }

  plan->n_steps = steps->len;
  plan->steps = (guint *) g_array_free (g_steal_pointer (&steps), FALSE);
  plan->n_roots = roots->len;
  plan->root_slots = (guint *) g_array_free (g_steal_pointer (&roots), FALSE);
  plan->root_optional = (gboolean *) g_array_free (g_steal_pointer (&root_optional), FALSE);
  plan->n_outputs = out_slots->len;
  plan->output_slots = (guint *) g_array_free (g_steal_pointer (&out_slots), FALSE);
  plan->n_step_deps = g_new0 (guint, plan->n_steps);
  for (guint s = 0; s < plan->n_steps; s++)
    plan->n_step_deps[s] = graph->nodes[plan->steps[s]].n_deps;  /* deps of a needed node are needed */
  plan_drops (plan, graph);

  return plan;
}

HnPlan *
_hn_plan_get (HnGraph             *graph,
              const char * const  *outputs,
              GError             **error)
{
  PlanCache *cache = plan_cache_get (graph);
  HnPlan *plan = NULL;
  GString *k;
  GList *link;

  if (outputs == NULL)
    {
      hn_mutex_lock (&cache->lock);
      if (cache->full == NULL)
        cache->full = build_plan (graph, NULL, error);
      if (cache->full != NULL)
        plan = _hn_plan_ref (cache->full);
      hn_mutex_unlock (&cache->lock);
      return plan;
    }

  /* lengths make the key unambiguous whatever bytes the names hold */
  k = g_string_new (NULL);
  for (guint i = 0; outputs[i] != NULL; i++)
    g_string_append_printf (k, "%zu:%s;", strlen (outputs[i]), outputs[i]);

  hn_mutex_lock (&cache->lock);
  link = g_hash_table_lookup (cache->by_key, k->str);
  if (link != NULL)
    {
      g_queue_unlink (&cache->lru, link);
      g_queue_push_head_link (&cache->lru, link);
      plan = _hn_plan_ref (((Entry *) link->data)->plan);
    }
  else
    {
      plan = build_plan (graph, outputs, error);
      if (plan != NULL)
        {
          Entry *entry = g_new (Entry, 1);

          entry->key = g_string_free (g_steal_pointer (&k), FALSE);
          entry->plan = _hn_plan_ref (plan);
          g_queue_push_head (&cache->lru, entry);
          g_hash_table_insert (cache->by_key, entry->key, cache->lru.head);
          if (cache->lru.length > HN_PLAN_CACHE_SIZE)
            {
              Entry *old = g_queue_pop_tail (&cache->lru);

              g_hash_table_remove (cache->by_key, old->key);
              entry_free (old);
            }
        }
    }
  hn_mutex_unlock (&cache->lock);

  if (k != NULL)
    g_string_free (k, TRUE);
  return plan;
}

guint
_hn_plan_cache_get_size (HnGraph *graph)
{
  PlanCache *cache = plan_cache_get (graph);
  guint size;

  hn_mutex_lock (&cache->lock);
  size = cache->lru.length + (cache->full != NULL ? 1 : 0);
  hn_mutex_unlock (&cache->lock);
  return size;
}
