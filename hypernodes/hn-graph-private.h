/* hn-graph-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

#include "hn-node-private.h"
#include "hn-value-private.h"

G_BEGIN_DECLS

/* A pipeline's nodes compile once into an HnGraph: port names interned to slot indexes, nodes in
 * topological order, the type checks each port needs. Graphs are immutable and shared by the
 * pipelines made from one another (with_config, bind). */

typedef struct
{
  HnNode              *node;
  const char          *name;
  /* Runs the node inside a run (pipeline nodes: HnNodeClassPrivate.run_invoke), or NULL to
   * call the node's value function or invoke vfunc. */
  HnNodeRunInvoke      run_invoke;
  /* Calls the node on HnValues (language bridges), or NULL. */
  HnNodeValueFunc      value_func;
  gpointer             value_data;
  HnNodeValueAsyncFunc value_async_func;  /* for the async executor, or NULL */
  GMainContext        *main_context;      /* the node's, borrowed: NULL for any thread */
  gboolean             async_only;        /* implements invoke_async only */
  gpointer             value_async_data;
  guint                n_inputs;
  guint               *input_slots;
  /* Type to check an input against when it is consumed, NULL when the producer's declared type
   * already guarantees it (or the slot is a root input, checked on entry). */
  const GVariantType **input_checks;
  gboolean             checks_inputs;     /* some input_checks[p] is set */
  guint                n_outputs;
  guint               *output_slots;
  const char * const  *output_names;  /* the node's own, for messages */
  /* Declared output types, NULL where any value is allowed. */
  const GVariantType **output_checks;
  /* Graph indexes of the nodes this one waits for, and of those waiting for it. */
  guint                n_deps;
  guint               *deps;
  guint                n_dependents;
  guint               *dependents;
} HnGraphNode;

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
  /* The context of the first node bound to one, which the executors iterate while they wait,
   * or NULL. */
  GMainContext     *main_context;
  int              *producer;       /* slot -> graph node index, -1 for a root input */
  char            **root_inputs;
  char            **outputs;
  char            **order;          /* node names, topological order */
  /* For each root slot, the (node, port) pairs whose declared types a value must satisfy. */
  GArray          **root_checks;
  /* The plan cache of hn-plan.c, freed with plans_free. */
  gpointer          plans;
  GDestroyNotify    plans_free;
};

HnGraph  *_hn_graph_new              (HnNode * const  *nodes,
                                      guint            n_nodes,
                                      GError         **error);
HnGraph  *_hn_graph_ref              (HnGraph         *graph);
void      _hn_graph_unref            (HnGraph         *graph);
int       _hn_graph_lookup_slot      (HnGraph         *graph,
                                      const char      *name);
gboolean  _hn_graph_is_root          (HnGraph         *graph,
                                      const char      *name);
/* Checks @value against the types the consumers of root @slot declare. @item is the map index
 * or -1. */
/* Takes @value for root @slot: a variant is checked against the types the slot's consumers
 * declare, a host value converted to the first one's; NULL (and @value dropped) if it fails. */
HnValue  *_hn_graph_take_root_value (HnGraph         *graph,
                                     guint            slot,
                                     HnValue         *value,
                                     gint64           item,
                                     GError         **error);
gboolean  _hn_graph_check_root_value (HnGraph         *graph,
                                      guint            slot,
                                      GVariant        *value,
                                      gint64           item,
                                      GError         **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HnGraph, _hn_graph_unref)

G_END_DECLS
