/* hn-memory-cache.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include "hn-cache.h"

G_BEGIN_DECLS

#define HN_TYPE_MEMORY_CACHE (hn_memory_cache_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnMemoryCache, hn_memory_cache, HN, MEMORY_CACHE, GObject)

HN_AVAILABLE_IN_ALL
HnCache *hn_memory_cache_new               (guint          max_entries,
                                            guint64        max_bytes) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
guint    hn_memory_cache_get_max_entries   (HnMemoryCache *self);
HN_AVAILABLE_IN_ALL
guint64  hn_memory_cache_get_max_bytes     (HnMemoryCache *self);
HN_AVAILABLE_IN_ALL
guint    hn_memory_cache_get_n_entries     (HnMemoryCache *self);

G_END_DECLS
