/* hn-runtime-config.h
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

#include "hn-types.h"
#include "hn-version-macros.h"

G_BEGIN_DECLS

#define HN_TYPE_RUNTIME_CONFIG (hn_runtime_config_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnRuntimeConfig, hn_runtime_config, HN, RUNTIME_CONFIG, GObject)

HN_AVAILABLE_IN_ALL
HnRuntimeConfig *hn_runtime_config_new          (HnBackend       *backend,
                                                 HnExecutor      *executor) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
HnRuntimeConfig *hn_runtime_config_new_full     (HnBackend          *backend,
                                                 HnExecutor         *executor,
                                                 HnCache            *cache,
                                                 HnCallback * const *callbacks,
                                                 guint               n_callbacks,
                                                 guint               retries,
                                                 double              timeout) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
HnBackend       *hn_runtime_config_get_backend  (HnRuntimeConfig *self);
HN_AVAILABLE_IN_ALL
HnCache         *hn_runtime_config_get_cache    (HnRuntimeConfig *self);
HN_AVAILABLE_IN_ALL
HnCallback     **hn_runtime_config_get_callbacks (HnRuntimeConfig *self,
                                                  guint           *n_callbacks);
HN_AVAILABLE_IN_ALL
HnExecutor      *hn_runtime_config_get_executor (HnRuntimeConfig *self);
HN_AVAILABLE_IN_ALL
guint            hn_runtime_config_get_retries  (HnRuntimeConfig *self);
HN_AVAILABLE_IN_ALL
double           hn_runtime_config_get_timeout  (HnRuntimeConfig *self);
HN_AVAILABLE_IN_ALL
void             hn_runtime_config_set_default  (HnRuntimeConfig *config);
HN_AVAILABLE_IN_ALL
HnRuntimeConfig *hn_runtime_config_get_default  (void);

G_END_DECLS
