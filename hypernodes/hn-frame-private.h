/* hn-frame-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-plan-private.h"
#include "hn-value-private.h"

G_BEGIN_DECLS

/* A frame holds the values of one run or map item: one HnValue (a GVariant, or a host object)
 * per slot of the graph, NULL while a slot has no value. Frames are plain arrays; the functions
 * here fill and read them. */

typedef enum
{
  /* Keys that are not root inputs are ignored (one dictionary of inputs is often shared by
   * several pipelines). A key that a node produces is an error all the same. */
  HN_FRAME_LOAD_LENIENT,
  /* Every key must be a root input. */
  HN_FRAME_LOAD_STRICT,
} HnFrameLoad;

HnValue  **_hn_frame_new           (HnGraph       *graph);
void       _hn_frame_clear         (HnGraph       *graph,
                                    HnValue      **frame);
void       _hn_frame_free          (HnGraph       *graph,
                                    HnValue      **frame);
static inline void
_hn_frame_set (HnValue **frame,
               guint     slot,
               HnValue  *value)
{
  if (frame[slot] != NULL)
    _hn_value_unref (frame[slot]);
  frame[slot] = value;
}
/* Fails unless @value is NULL or an a{sv}; @what names it in the message. */
gboolean   _hn_frame_check_dict    (GVariant      *value,
                                    const char    *what,
                                    GError       **error);
/* Stores the values of @dict (an a{sv} or NULL) in @frame, checking each against the types its
 * consumers declare. @item is the map index or -1. */
gboolean   _hn_frame_load_dict     (HnGraph       *graph,
                                    GVariant      *dict,
                                    gint64         item,
                                    HnFrameLoad    mode,
                                    HnValue      **frame,
                                    GError       **error);
/* The same for values given by name (NULL for none); host values are checked where they are
 * consumed. */
gboolean   _hn_frame_load_values   (HnGraph            *graph,
                                    const HnValueDict  *dict,
                                    gint64              item,
                                    HnValue           **frame,
                                    GError            **error);
/* Fails naming every root input of @plan that @frame lacks (optional ones aside). */
gboolean   _hn_frame_check_missing (HnGraph       *graph,
                                    const HnPlan  *plan,
                                    HnValue      **frame,
                                    gint64         item,
                                    GError       **error);
/* The returned slots of @plan as an a{sv}; fails if a host value there cannot become data. */
GVariant  *_hn_frame_collect       (HnGraph       *graph,
                                    const HnPlan  *plan,
                                    HnValue      **frame,
                                    gint64         item,
                                    GError       **error);
/* Moves the returned slots of @plan into @values (plan->n_outputs of them). */
void       _hn_frame_keep          (const HnPlan  *plan,
                                    HnValue      **frame,
                                    HnValue      **values);

G_END_DECLS
