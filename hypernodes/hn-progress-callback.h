/* hn-progress-callback.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include "hn-callback.h"

G_BEGIN_DECLS

#define HN_TYPE_PROGRESS_CALLBACK (hn_progress_callback_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnProgressCallback, hn_progress_callback, HN, PROGRESS_CALLBACK, GObject)

HN_AVAILABLE_IN_ALL
HnCallback *hn_progress_callback_new           (gboolean            terminal) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
guint64     hn_progress_callback_get_total     (HnProgressCallback *self);
HN_AVAILABLE_IN_ALL
guint64     hn_progress_callback_get_completed (HnProgressCallback *self);
HN_AVAILABLE_IN_ALL
double      hn_progress_callback_get_fraction  (HnProgressCallback *self);

G_END_DECLS
