/* hn-cache.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-cache.h"

/**
 * HnCache:
 *
 * Where node results are kept between runs, so that a run with the same inputs skips the nodes
 * whose results are known. Set one on a [class@RuntimeConfig] (`cache`).
 *
 * A node call is looked up by a key made of the node's identity (its name, outputs,
 * [property@Node:version] and, for a node of a [class@Module], the module's build) and of the
 * serialized values of its inputs with their types: deterministic across runs and processes.
 * In a map each item's node calls are cached, so a map with one new item runs only that item.
 * A node whose [property@Node:cache] is %FALSE always runs. [class@MemoryCache] and
 * [class@DiskCache] are the built-in caches.
 */

G_DEFINE_INTERFACE (HnCache, hn_cache, G_TYPE_OBJECT)

static void
hn_cache_default_init (HnCacheInterface *iface)
{
}

/**
 * hn_cache_lookup:
 * @self: an [iface@Cache]
 * @key: a key
 *
 * Looks @key up.
 *
 * Returns: (transfer full) (nullable): the value stored under @key, or %NULL on a miss
 */
GVariant *
hn_cache_lookup (HnCache    *self,
                 const char *key)
{
  g_return_val_if_fail (HN_IS_CACHE (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  return HN_CACHE_GET_IFACE (self)->lookup (self, key);
}

/**
 * hn_cache_store:
 * @self: an [iface@Cache]
 * @key: a key
 * @value: the value to store
 * @error: return location for a [struct@GLib.Error]
 *
 * Stores @value under @key, replacing what was there.
 *
 * Returns: %TRUE if the value was stored
 */
gboolean
hn_cache_store (HnCache     *self,
                const char  *key,
                GVariant    *value,
                GError     **error)
{
  g_autoptr(GVariant) owned = NULL;

  g_return_val_if_fail (HN_IS_CACHE (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  owned = g_variant_ref_sink (value);
  return HN_CACHE_GET_IFACE (self)->store (self, key, owned, error);
}

/**
 * hn_cache_clear:
 * @self: an [iface@Cache]
 *
 * Forgets every entry.
 */
void
hn_cache_clear (HnCache *self)
{
  g_return_if_fail (HN_IS_CACHE (self));

  if (HN_CACHE_GET_IFACE (self)->clear != NULL)
    HN_CACHE_GET_IFACE (self)->clear (self);
}
