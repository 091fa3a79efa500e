/* hn-plan-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hn-types.h"

G_BEGIN_DECLS

/* The execution core. A pipeline's nodes compile once into an HnGraph: port names interned to slot
 * indexes, nodes in topological order. Each requested output set gets an HnPlan (cached): the
 * pruned node list, the root inputs it needs and the slots it returns. Executors run plans over
 * frames, arrays of n_slots GVariant pointers, and share _hn_graph_invoke() so callbacks, type
 * checks and error wrapping are the same everywhere. */

typedef struct
{
  HnNode              *node;
  const char          *name;
  guint                n_inputs;
  guint               *input_slots;
  /* Type to check an input against when it is consumed, NULL when the producer's declared type
   * already guarantees it (or the slot is a root input, checked on entry). */
  const GVariantType **input_checks;
  guint                n_outputs;
  guint               *output_slots;
  /* Declared output types, NULL where any value is allowed. */
  const GVariantType **output_checks;
  /* Graph indexes of the nodes this one waits for, and of those waiting for it. */
  guint                n_deps;
  guint               *deps;
  guint                n_dependents;
  guint               *dependents;
} HnGraphNode;

typedef struct
{
  guint  n_steps;
  guint *steps;             /* graph node indexes, topological order */
  guint  n_roots;
  guint *root_slots;        /* root input slots the steps read */
  guint  n_outputs;
  guint *output_slots;      /* returned slots, in request order */
  /* For each step, the number of its deps that are in the plan (used by parallel executors). */
  guint *n_step_deps;
  /* Position of a graph node in steps, or G_MAXUINT if not in the plan. */
  guint *step_of_node;
} HnPlan;

typedef struct _HnGraph HnGraph;

struct _HnGraph
{
  gatomicrefcount   ref_count;
  guint             n_nodes;
  HnGraphNode      *nodes;          /* topological order */
  HnNode          **given_nodes;    /* construction order */
  guint             n_slots;
  char            **slot_names;
  GHashTable       *slot_index;     /* name -> index + 1 */
  int              *producer;       /* slot -> graph node index, -1 for a root input */
  char            **root_inputs;
  char            **outputs;
  char            **order;          /* node names, topological order */
  /* For each slot, the consumers' declared types a root value must satisfy (NULL-terminated
   * array of indexes into nodes/ports, encoded as node * 65536 + port), or NULL. */
  GArray          **root_checks;
  GMutex            plans_lock;
  GHashTable       *plans;          /* canonical output list -> HnPlan */
  HnPlan           *full_plan;
};

HnGraph      *_hn_graph_new          (HnNode * const      *nodes,
                                      guint                n_nodes,
                                      GError             **error);
HnGraph      *_hn_graph_ref          (HnGraph             *graph);
void          _hn_graph_unref        (HnGraph             *graph);
int           _hn_graph_lookup_slot  (HnGraph             *graph,
                                      const char          *name);
const HnPlan *_hn_graph_get_plan     (HnGraph             *graph,
                                      const char * const  *outputs,
                                      GError             **error);

/* Fills the plan's root slots of @frame from @inputs (an a{sv} or NULL). */
gboolean      _hn_graph_load_inputs  (HnGraph             *graph,
                                      const HnPlan        *plan,
                                      GVariant            *inputs,
                                      GVariant           **frame,
                                      GError             **error);
/* The two halves of _hn_graph_invoke(), for executors that call nodes asynchronously.
 * _hn_graph_gather() fills @args (n_inputs long) from @frame, checking types;
 * _hn_graph_store() takes @value and @node_error (either may be NULL), wraps errors with the
 * node's name and @item, checks and splits the result into @frame. */
gboolean      _hn_graph_gather       (HnGraph             *graph,
                                      guint                index,
                                      GVariant           **frame,
                                      GVariant           **args,
                                      GError             **error);
gboolean      _hn_graph_store        (HnGraph             *graph,
                                      guint                index,
                                      GVariant           **frame,
                                      GVariant            *value,
                                      GError              *node_error,
                                      gint64               item,
                                      GError             **error);
/* Runs graph node @index on @frame, storing its outputs. @item is the map index or -1. */
gboolean      _hn_graph_invoke       (HnGraph             *graph,
                                      guint                index,
                                      GVariant           **frame,
                                      HnCallbackContext   *context,
                                      gint64               item,
                                      GCancellable        *cancellable,
                                      GError             **error);
GVariant     *_hn_graph_collect      (HnGraph             *graph,
                                      const HnPlan        *plan,
                                      GVariant           **frame);
void          _hn_graph_clear_frame  (HnGraph             *graph,
                                      GVariant           **frame);

/* Map support: checks @items (aa{sv}) and @inputs (a{sv}), fills the shared part of @template
 * and returns TRUE if every item can be loaded. */
gboolean      _hn_graph_prepare_map  (HnGraph             *graph,
                                      const HnPlan        *plan,
                                      GVariant            *items,
                                      GVariant            *inputs,
                                      GVariant           **template,
                                      GError             **error);
/* Loads item @index of @items on top of @template into @frame. */
gboolean      _hn_graph_load_item    (HnGraph             *graph,
                                      const HnPlan        *plan,
                                      GVariant * const    *template,
                                      GVariant            *items,
                                      gsize                index,
                                      GVariant           **frame,
                                      GError             **error);

/* Helpers shared by the executors. */
GVariant     *_hn_run_sequential     (HnPipeline          *pipeline,
                                      GVariant            *inputs,
                                      HnCallbackContext   *context,
                                      const char * const  *outputs,
                                      GCancellable        *cancellable,
                                      GError             **error);
GVariant     *_hn_map_sequential     (HnPipeline          *pipeline,
                                      GVariant            *items,
                                      GVariant            *inputs,
                                      HnCallbackContext   *context,
                                      const char * const  *outputs,
                                      GCancellable        *cancellable,
                                      GError             **error);

HnGraph      *_hn_pipeline_get_graph (HnPipeline          *pipeline);

G_END_DECLS
