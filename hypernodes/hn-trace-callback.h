/* hn-trace-callback.h
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

#define HN_TYPE_TRACE_CALLBACK (hn_trace_callback_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnTraceCallback, hn_trace_callback, HN, TRACE_CALLBACK, GObject)

HN_AVAILABLE_IN_ALL
HnCallback *hn_trace_callback_new      (const char       *path) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
const char *hn_trace_callback_get_path (HnTraceCallback  *self);
HN_AVAILABLE_IN_ALL
gboolean    hn_trace_callback_write    (HnTraceCallback  *self,
                                        GError          **error);

G_END_DECLS
