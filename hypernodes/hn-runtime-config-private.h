/* hn-runtime-config-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-runtime-config.h"

G_BEGIN_DECLS

/* The process-wide default; never NULL, and alive for the life of the process. */
HnRuntimeConfig *_hn_runtime_config_peek_default (void);

G_END_DECLS
