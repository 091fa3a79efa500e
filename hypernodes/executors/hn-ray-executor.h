/* hn-ray-executor.h
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

#define HN_TYPE_RAY_EXECUTOR (hn_ray_executor_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnRayExecutor, hn_ray_executor, HN, RAY_EXECUTOR, GObject)

HN_AVAILABLE_IN_ALL
HnExecutor *hn_ray_executor_new                 (const char    *ray_address) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
const char *hn_ray_executor_get_ray_address     (HnRayExecutor *self);
HN_AVAILABLE_IN_ALL
double      hn_ray_executor_get_num_cpus        (HnRayExecutor *self);
HN_AVAILABLE_IN_ALL
double      hn_ray_executor_get_num_gpus        (HnRayExecutor *self);
HN_AVAILABLE_IN_ALL
int         hn_ray_executor_get_max_retries     (HnRayExecutor *self);
HN_AVAILABLE_IN_ALL
gboolean    hn_ray_executor_get_debug           (HnRayExecutor *self);
HN_AVAILABLE_IN_ALL
guint       hn_ray_executor_get_connect_timeout (HnRayExecutor *self);

G_END_DECLS
