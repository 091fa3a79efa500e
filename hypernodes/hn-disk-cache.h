/* hn-disk-cache.h
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

#define HN_TYPE_DISK_CACHE (hn_disk_cache_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnDiskCache, hn_disk_cache, HN, DISK_CACHE, GObject)

HN_AVAILABLE_IN_ALL
HnCache    *hn_disk_cache_new           (const char  *directory) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
HnCache    *hn_disk_cache_new_full      (const char  *directory,
                                         guint64      max_bytes) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
const char *hn_disk_cache_get_directory (HnDiskCache *self);
HN_AVAILABLE_IN_ALL
guint64     hn_disk_cache_get_max_bytes (HnDiskCache *self);

G_END_DECLS
