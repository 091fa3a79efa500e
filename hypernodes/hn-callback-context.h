/* hn-callback-context.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include <glib-object.h>

#include "hn-types.h"
#include "hn-version-macros.h"

G_BEGIN_DECLS

#define HN_TYPE_CALLBACK_CONTEXT (hn_callback_context_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnCallbackContext, hn_callback_context, HN, CALLBACK_CONTEXT, GObject)

HN_AVAILABLE_IN_ALL
HnCallbackContext  *hn_callback_context_new           (const char        *name) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
HnCallbackContext  *hn_callback_context_new_child     (HnCallbackContext *parent,
                                                       const char        *name,
                                                       gint64             map_index) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
const char         *hn_callback_context_get_run_id    (HnCallbackContext *self);
HN_AVAILABLE_IN_ALL
const char         *hn_callback_context_get_name      (HnCallbackContext *self);
HN_AVAILABLE_IN_ALL
HnCallbackContext  *hn_callback_context_get_parent    (HnCallbackContext *self);
HN_AVAILABLE_IN_ALL
guint               hn_callback_context_get_depth     (HnCallbackContext *self);
HN_AVAILABLE_IN_ALL
gint64              hn_callback_context_get_map_index (HnCallbackContext *self);
HN_AVAILABLE_IN_ALL
char              **hn_callback_context_dup_hierarchy (HnCallbackContext *self) G_GNUC_WARN_UNUSED_RESULT;

HN_AVAILABLE_IN_ALL
void                hn_callback_context_set           (HnCallbackContext *self,
                                                       const char        *key,
                                                       GVariant          *value);
HN_AVAILABLE_IN_ALL
GVariant           *hn_callback_context_get           (HnCallbackContext *self,
                                                       const char        *key) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
