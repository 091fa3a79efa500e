/* hn-log-callback.h
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

#define HN_TYPE_LOG_CALLBACK (hn_log_callback_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnLogCallback, hn_log_callback, HN, LOG_CALLBACK, GObject)

HN_AVAILABLE_IN_ALL
HnCallback *hn_log_callback_new (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
