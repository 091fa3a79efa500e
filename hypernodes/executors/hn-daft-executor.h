/* hn-daft-executor.h
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

/**
 * HnDaftRunner:
 * @HN_DAFT_RUNNER_LOCAL: Daft's native runner, in this process ("local")
 * @HN_DAFT_RUNNER_RAY: Daft on a Ray cluster ("ray")
 *
 * Where Daft runs the DataFrames of a [class@DaftExecutor].
 */
typedef enum
{
  HN_DAFT_RUNNER_LOCAL,
  HN_DAFT_RUNNER_RAY,
} HnDaftRunner;

#define HN_TYPE_DAFT_RUNNER (hn_daft_runner_get_type ())
#define HN_TYPE_DAFT_EXECUTOR (hn_daft_executor_get_type ())

HN_AVAILABLE_IN_ALL
GType hn_daft_runner_get_type (void) G_GNUC_CONST;

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnDaftExecutor, hn_daft_executor, HN, DAFT_EXECUTOR, GObject)

HN_AVAILABLE_IN_ALL
HnExecutor   *hn_daft_executor_new             (HnDaftRunner    runner,
                                                const char     *ray_address) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
gboolean      hn_daft_runner_from_string       (const char     *name,
                                                HnDaftRunner   *runner,
                                                GError        **error);
HN_AVAILABLE_IN_ALL
const char   *hn_daft_runner_to_string         (HnDaftRunner    runner);
HN_AVAILABLE_IN_ALL
HnDaftRunner  hn_daft_executor_get_runner      (HnDaftExecutor *self);
HN_AVAILABLE_IN_ALL
const char   *hn_daft_executor_get_ray_address (HnDaftExecutor *self);
HN_AVAILABLE_IN_ALL
gboolean      hn_daft_executor_get_collect     (HnDaftExecutor *self);
HN_AVAILABLE_IN_ALL
gboolean      hn_daft_executor_get_show_plan   (HnDaftExecutor *self);
HN_AVAILABLE_IN_ALL
gboolean      hn_daft_executor_get_debug       (HnDaftExecutor *self);
HN_AVAILABLE_IN_ALL
guint         hn_daft_executor_get_connect_timeout (HnDaftExecutor *self);

G_END_DECLS
