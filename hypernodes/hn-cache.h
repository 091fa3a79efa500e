/* hn-cache.h
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

#define HN_TYPE_CACHE (hn_cache_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_INTERFACE (HnCache, hn_cache, HN, CACHE, GObject)

/**
 * HnCacheInterface:
 * @g_iface: the parent interface
 * @lookup: returns the value stored under @key, or %NULL on a miss. Must never fail: a value
 *   that cannot be read back faithfully is a miss
 * @store: stores @value under @key. Returns %FALSE with @error set when it could not (the run
 *   goes on: the invocation path logs a warning)
 * @clear: forgets every entry
 *
 * The virtual methods of a cache of node results. Keys are hex strings that the library makes
 * from a node's identity and its inputs; values are the node's results. Methods may be called
 * from several threads at once.
 */
struct _HnCacheInterface
{
  GTypeInterface g_iface;

  GVariant *(*lookup) (HnCache     *self,
                       const char  *key);
  gboolean  (*store)  (HnCache     *self,
                       const char  *key,
                       GVariant    *value,
                       GError     **error);
  void      (*clear)  (HnCache     *self);
};

HN_AVAILABLE_IN_ALL
GVariant *hn_cache_lookup (HnCache     *self,
                           const char  *key) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
gboolean  hn_cache_store  (HnCache     *self,
                           const char  *key,
                           GVariant    *value,
                           GError     **error);
HN_AVAILABLE_IN_ALL
void      hn_cache_clear  (HnCache     *self);

G_END_DECLS
