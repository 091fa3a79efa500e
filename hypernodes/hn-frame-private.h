/* hn-frame-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-plan-private.h"

G_BEGIN_DECLS

/* A frame holds the values of one run or map item: one GVariant per slot of the graph, NULL
 * while a slot has no value. Frames are plain arrays; the functions here fill and read them. */

typedef enum
{
  /* Keys that are not root inputs are ignored (one dictionary of inputs is often shared by
   * several pipelines). A key that a node produces is an error all the same. */
  HN_FRAME_LOAD_LENIENT,
  /* Every key must be a root input. */
  HN_FRAME_LOAD_STRICT,
} HnFrameLoad;

GVariant **_hn_frame_new           (HnGraph       *graph);
void       _hn_frame_clear         (HnGraph       *graph,
                                    GVariant     **frame);
void       _hn_frame_free          (HnGraph       *graph,
                                    GVariant     **frame);
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
                                    GVariant     **frame,
                                    GError       **error);
/* Fails naming every root input of @plan that @frame lacks. */
gboolean   _hn_frame_check_missing (HnGraph       *graph,
                                    const HnPlan  *plan,
                                    GVariant     **frame,
                                    gint64         item,
                                    GError       **error);
/* The returned slots of @plan as an a{sv}. */
GVariant  *_hn_frame_collect       (HnGraph       *graph,
                                    const HnPlan  *plan,
                                    GVariant     **frame);

G_END_DECLS
