/* hn-async-executor.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include "../hn-executor.h"

G_BEGIN_DECLS

#define HN_TYPE_ASYNC_EXECUTOR (hn_async_executor_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnAsyncExecutor, hn_async_executor, HN, ASYNC_EXECUTOR, GObject)

HN_AVAILABLE_IN_ALL
HnExecutor *hn_async_executor_new                 (guint            max_concurrency) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
guint       hn_async_executor_get_max_concurrency (HnAsyncExecutor *self);

G_END_DECLS
