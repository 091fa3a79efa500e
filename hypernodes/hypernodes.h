/* hypernodes.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define HYPERNODES_INSIDE
# include "hn-version.h"
# include "hn-version-macros.h"
# include "hn-types.h"
# include "hn-error.h"
# include "hn-value.h"
# include "hn-node.h"
# include "hn-function-node.h"
# include "hn-async-function-node.h"
# include "hn-callback-context.h"
# include "hn-callback.h"
# include "hn-log-callback.h"
# include "hn-progress-callback.h"
# include "hn-trace-callback.h"
# include "hn-cache.h"
# include "hn-memory-cache.h"
# include "hn-disk-cache.h"
# include "hn-run.h"
# include "hn-executor.h"
# include "hn-backend.h"
# include "hn-local-backend.h"
# include "hn-runtime-config.h"
# include "hn-pipeline.h"
# include "hn-pipeline-node.h"
# include "hn-dot.h"
# include "hn-module.h"
# include "executors/hn-sequential-executor.h"
# include "executors/hn-thread-pool-executor.h"
# include "executors/hn-async-executor.h"
# include "executors/hn-composite-executor.h"
# include "executors/hn-daft-executor.h"
# include "executors/hn-dask-executor.h"
# include "executors/hn-ray-executor.h"
#undef HYPERNODES_INSIDE

G_END_DECLS
