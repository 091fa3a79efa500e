/* hn-types.h
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

G_BEGIN_DECLS

typedef struct _HnBackend         HnBackend;
typedef struct _HnCache           HnCache;
typedef struct _HnCallback        HnCallback;
typedef struct _HnCallbackContext HnCallbackContext;
typedef struct _HnExecutor        HnExecutor;
typedef struct _HnNode            HnNode;
typedef struct _HnPipeline        HnPipeline;
typedef struct _HnRun             HnRun;
typedef struct _HnRuntimeConfig   HnRuntimeConfig;

G_END_DECLS
