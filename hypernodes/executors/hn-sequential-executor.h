/* hn-sequential-executor.h
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

#define HN_TYPE_SEQUENTIAL_EXECUTOR (hn_sequential_executor_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnSequentialExecutor, hn_sequential_executor, HN, SEQUENTIAL_EXECUTOR, GObject)

HN_AVAILABLE_IN_ALL
HnExecutor *hn_sequential_executor_new (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
