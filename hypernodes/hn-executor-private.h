/* hn-executor-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-backend.h"
#include "hn-executor.h"
#include "hn-plan-private.h"

G_BEGIN_DECLS

/* Built-in executors map over an HnMapSource directly, so hn_pipeline_map() need not build an
 * aa{sv} of items; others get the aa{sv} through the public map_items. */
typedef GVariant *(*HnMapSourceFunc) (HnExecutor          *self,
                                      HnPipeline          *pipeline,
                                      HnMapSource         *source,
                                      GVariant            *inputs,
                                      HnCallbackContext   *context,
                                      const char * const  *outputs,
                                      GCancellable        *cancellable,
                                      GError             **error);

void      _hn_executor_type_set_map_source (GType                type,
                                            HnMapSourceFunc      func);
GVariant *_hn_executor_map_source          (HnExecutor          *self,
                                            HnPipeline          *pipeline,
                                            HnMapSource         *source,
                                            GVariant            *inputs,
                                            HnCallbackContext   *context,
                                            const char * const  *outputs,
                                            GCancellable        *cancellable,
                                            GError             **error);

/* Whether @backend maps with the executor in this process (does not override map_items). */
gboolean  _hn_backend_maps_locally         (HnBackend           *backend);

G_END_DECLS
