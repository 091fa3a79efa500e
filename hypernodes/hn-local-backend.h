/* hn-local-backend.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include "hn-backend.h"

G_BEGIN_DECLS

#define HN_TYPE_LOCAL_BACKEND (hn_local_backend_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnLocalBackend, hn_local_backend, HN, LOCAL_BACKEND, HnBackend)

HN_AVAILABLE_IN_ALL
HnBackend *hn_local_backend_new (void) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
