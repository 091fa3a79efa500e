/* hn-dask-executor.h
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
 * HnDaskScheduler:
 * @HN_DASK_SCHEDULER_SYNCHRONOUS: every task in the calling thread ("synchronous")
 * @HN_DASK_SCHEDULER_THREADS: tasks on a pool of threads of this process ("threads")
 * @HN_DASK_SCHEDULER_PROCESSES: tasks on a pool of worker processes ("processes")
 *
 * The local Dask scheduler of a [class@DaskExecutor] that has no
 * [property@DaskExecutor:scheduler-address].
 */
typedef enum
{
  HN_DASK_SCHEDULER_SYNCHRONOUS,
  HN_DASK_SCHEDULER_THREADS,
  HN_DASK_SCHEDULER_PROCESSES,
} HnDaskScheduler;

#define HN_TYPE_DASK_SCHEDULER (hn_dask_scheduler_get_type ())
#define HN_TYPE_DASK_EXECUTOR (hn_dask_executor_get_type ())

HN_AVAILABLE_IN_ALL
GType hn_dask_scheduler_get_type (void) G_GNUC_CONST;

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnDaskExecutor, hn_dask_executor, HN, DASK_EXECUTOR, GObject)

HN_AVAILABLE_IN_ALL
HnExecutor      *hn_dask_executor_new                   (HnDaskScheduler   scheduler,
                                                         const char       *scheduler_address) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
gboolean         hn_dask_scheduler_from_string          (const char       *name,
                                                         HnDaskScheduler  *scheduler,
                                                         GError          **error);
HN_AVAILABLE_IN_ALL
const char      *hn_dask_scheduler_to_string            (HnDaskScheduler   scheduler);
HN_AVAILABLE_IN_ALL
HnDaskScheduler  hn_dask_executor_get_scheduler         (HnDaskExecutor   *self);
HN_AVAILABLE_IN_ALL
const char      *hn_dask_executor_get_scheduler_address (HnDaskExecutor   *self);
HN_AVAILABLE_IN_ALL
guint            hn_dask_executor_get_n_workers         (HnDaskExecutor   *self);
HN_AVAILABLE_IN_ALL
guint            hn_dask_executor_get_chunk_size        (HnDaskExecutor   *self);
HN_AVAILABLE_IN_ALL
guint            hn_dask_executor_get_retries           (HnDaskExecutor   *self);
HN_AVAILABLE_IN_ALL
gboolean         hn_dask_executor_get_debug             (HnDaskExecutor   *self);
HN_AVAILABLE_IN_ALL
guint            hn_dask_executor_get_connect_timeout   (HnDaskExecutor   *self);

G_END_DECLS
