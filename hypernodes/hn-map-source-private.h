/* hn-map-source-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-error.h"
#include "hn-frame-private.h"

G_BEGIN_DECLS

/* The items of a map: either an aa{sv} of items, or the mapped arrays of hn_pipeline_map()
 * (columns), read item by item without building the item dictionaries. */
typedef struct _HnMapSource HnMapSource;

HnMapSource  *_hn_map_source_new_items   (GVariant            *items);
/* Columns: @map_over names arrays of @inputs, or of @bound (the pipeline's bound inputs) when
 * @inputs lacks them. *@shared is set to the other values, @inputs over @bound. */
HnMapSource  *_hn_map_source_new_columns (HnGraph             *graph,
                                          GVariant            *inputs,
                                          GVariant            *bound,
                                          const char * const  *map_over,
                                          HnValue * const * const *value_columns,
                                          const gsize         *value_lengths,
                                          HnHostColumn * const *host_columns,
                                          HnMapMode            mode,
                                          GVariant           **shared,
                                          GError             **error);
HnMapSource  *_hn_map_source_ref         (HnMapSource         *source);
void          _hn_map_source_unref       (HnMapSource         *source);
gsize         _hn_map_source_get_n_items (HnMapSource         *source);
/* Stores the values of item @index in @frame, those of columns for root slots @slots only
 * unless @slots is NULL (given items load whole). */
gboolean      _hn_map_source_load_item_slots (HnMapSource     *source,
                                              HnGraph         *graph,
                                              gsize            index,
                                              const int       *slots,
                                              guint            n_slots,
                                              HnValue        **frame,
                                              GError         **error);
/* Fails unless the given items are an aa{sv}. */
gboolean      _hn_map_source_check       (HnMapSource         *source,
                                          GError             **error);
/* The items as an aa{sv}, built on first use for columns. */
GVariant     *_hn_map_source_get_items   (HnMapSource         *source);
/* Stores the values of item @index in @frame. */
gboolean      _hn_map_source_load_item   (HnMapSource         *source,
                                          HnGraph             *graph,
                                          gsize                index,
                                          HnValue            **frame,
                                          GError             **error);

/* The host column that gives mapped input @name, element i to item i, or NULL. */
HnHostColumn *_hn_map_source_get_host_column (HnMapSource *source,
                                              const char  *name);

/* The same items for a graph with the same root names (the composite executor's wrapper). */
HnMapSource  *_hn_map_source_for_graph (HnMapSource       *source,
                                        HnGraph           *graph);
/* Whether loading one item checks them all: every item gives the same inputs, none of a type
 * a node declares. */
gboolean      _hn_map_source_items_alike (HnMapSource      *source,
                                          HnGraph          *graph);
/* Fails if a host value of the items cannot become data. */
gboolean      _hn_map_source_check_values (HnMapSource       *source,
                                           GError           **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HnMapSource, _hn_map_source_unref)

G_END_DECLS
