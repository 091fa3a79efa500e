/* hn-plan-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hn-error.h"
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
                                      gint64               item,
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

/* The items of a map: either an aa{sv} of items, or the mapped arrays of hn_pipeline_map()
 * (columns), read item by item without building the item dictionaries. */
typedef struct _HnMapSource HnMapSource;

HnMapSource  *_hn_map_source_new_items   (GVariant            *items);
HnMapSource  *_hn_map_source_new_columns (HnGraph             *graph,
                                          GVariant            *inputs,
                                          const char * const  *map_over,
                                          HnMapMode            mode,
                                          GVariant           **shared,
                                          GError             **error);
HnMapSource  *_hn_map_source_ref         (HnMapSource         *source);
void          _hn_map_source_unref       (HnMapSource         *source);
gsize         _hn_map_source_get_n_items (HnMapSource         *source);
/* The items as an aa{sv}, built on first use for columns. */
GVariant     *_hn_map_source_get_items   (HnMapSource         *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HnMapSource, _hn_map_source_unref)

/* Map support: checks the items and @inputs (a{sv}), fills the shared part of @template. */
gboolean      _hn_graph_prepare_map  (HnGraph             *graph,
                                      const HnPlan        *plan,
                                      HnMapSource         *source,
                                      GVariant            *inputs,
                                      GVariant           **template,
                                      GError             **error);
/* Loads item @index of @source on top of @template into @frame. */
gboolean      _hn_graph_load_item    (HnGraph             *graph,
                                      const HnPlan        *plan,
                                      GVariant * const    *template,
                                      HnMapSource         *source,
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
                                      HnMapSource         *source,
                                      GVariant            *inputs,
                                      HnCallbackContext   *context,
                                      const char * const  *outputs,
                                      GCancellable        *cancellable,
                                      GError             **error);

HnGraph      *_hn_pipeline_get_graph (HnPipeline          *pipeline);

G_END_DECLS
