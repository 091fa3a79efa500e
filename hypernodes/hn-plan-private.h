/* hn-plan-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-graph-private.h"

G_BEGIN_DECLS

/* What a set of requested outputs needs of a graph: the pruned node list, the root inputs it
 * reads and the slots it returns. Plans are cached per graph (a bounded LRU; the plan of every
 * output stays) and reference counted, so a run keeps its plan while the cache moves on. */
typedef struct
{
  gatomicrefcount  ref_count;
  guint            n_steps;
  guint           *steps;         /* graph node indexes, topological order */
  guint            n_roots;
  guint           *root_slots;    /* root input slots the steps read */
  gboolean        *root_optional; /* per root: every step reading it can do without it */
  guint            n_outputs;
  guint           *output_slots;  /* returned slots, in request order */
  /* For each step, the number of its deps (all of them are in the plan). */
  guint           *n_step_deps;
  /* Position of a graph node in steps, or G_MAXUINT if not in the plan. */
  guint           *step_of_node;
  /* The slots no later step reads and the run does not return, to drop after each step:
   * drops[drops_at[s]] to drops[drops_at[s + 1]] after step s. */
  guint           *drops_at;
  guint           *drops;
} HnPlan;

/* How many plans of explicit output lists a graph keeps. */
#define HN_PLAN_CACHE_SIZE 64

/* Returns a new reference to the plan of @outputs (NULL: every output). */
HnPlan *_hn_plan_get   (HnGraph             *graph,
                        const char * const  *outputs,
                        GError             **error);
HnPlan *_hn_plan_ref   (HnPlan              *plan);
void    _hn_plan_unref (HnPlan              *plan);
/* How many plans @graph caches now (for tests). */
guint   _hn_plan_cache_get_size (HnGraph    *graph);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HnPlan, _hn_plan_unref)

G_END_DECLS
