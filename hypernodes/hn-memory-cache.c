/* hn-memory-cache.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-tsan-private.h"
#include "hn-memory-cache.h"

/**
 * HnMemoryCache:
 *
 * An [iface@Cache] in memory, bounded by a number of entries and by bytes: the least recently
 * used entries go first. Values are shared, not copied (GVariants are immutable).
 */

typedef struct
{
  char     *key;
  GVariant *value;
  gsize     size;
} Entry;

struct _HnMemoryCache
{
  GObject     parent_instance;
  guint       max_entries;
  guint64     max_bytes;
  GMutex      lock;
  GHashTable *by_key;     /* key -> GList link in lru */
  GQueue      lru;        /* of Entry, most recent first */
  guint64     bytes;
};

enum {
  PROP_0,
  PROP_MAX_ENTRIES,
  PROP_MAX_BYTES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void cache_iface_init (HnCacheInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HnMemoryCache, hn_memory_cache, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_CACHE, cache_iface_init))

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->key);
  g_variant_unref (entry->value);
  g_free (entry);
}

/* Called with the lock held. */
static void
remove_link (HnMemoryCache *self,
             GList         *link)
{
  Entry *entry = link->data;

  g_hash_table_remove (self->by_key, entry->key);
  g_queue_delete_link (&self->lru, link);
  self->bytes -= entry->size;
  entry_free (entry);
}

static GVariant *
hn_memory_cache_lookup (HnCache    *cache,
                        const char *key)
{
  HnMemoryCache *self = HN_MEMORY_CACHE (cache);
  GVariant *value = NULL;
  GList *link;

  hn_mutex_lock (&self->lock);
  link = g_hash_table_lookup (self->by_key, key);
  if (link != NULL)
    {
      g_queue_unlink (&self->lru, link);
      g_queue_push_head_link (&self->lru, link);
      value = g_variant_ref (((Entry *) link->data)->value);
    }
  hn_mutex_unlock (&self->lock);
  return value;
}

static gboolean
hn_memory_cache_store (HnCache     *cache,
                       const char  *key,
                       GVariant    *value,
                       GError     **error)
{
  HnMemoryCache *self = HN_MEMORY_CACHE (cache);
  Entry *entry;
  GList *old;

  entry = g_new (Entry, 1);
  entry->key = g_strdup (key);
  entry->value = g_variant_ref (value);
  entry->size = g_variant_get_size (value) + 64;

  hn_mutex_lock (&self->lock);
  old = g_hash_table_lookup (self->by_key, key);
  if (old != NULL)
    remove_link (self, old);
  g_queue_push_head (&self->lru, entry);
  g_hash_table_insert (self->by_key, entry->key, self->lru.head);
  self->bytes += entry->size;
  while (self->lru.length > 1 &&
         ((self->max_entries > 0 && self->lru.length > self->max_entries) ||
          (self->max_bytes > 0 && self->bytes > self->max_bytes)))
    remove_link (self, self->lru.tail);
  /* a value larger than the whole cache is not kept */
  if (self->max_bytes > 0 && self->bytes > self->max_bytes)
    remove_link (self, self->lru.tail);
  hn_mutex_unlock (&self->lock);
  return TRUE;
}

static void
hn_memory_cache_clear (HnCache *cache)
{
  HnMemoryCache *self = HN_MEMORY_CACHE (cache);

  hn_mutex_lock (&self->lock);
  g_hash_table_remove_all (self->by_key);
  g_queue_clear_full (&self->lru, entry_free);
  self->bytes = 0;
  hn_mutex_unlock (&self->lock);
}

static void
cache_iface_init (HnCacheInterface *iface)
{
  iface->lookup = hn_memory_cache_lookup;
  iface->store = hn_memory_cache_store;
  iface->clear = hn_memory_cache_clear;
}

static void
hn_memory_cache_finalize (GObject *object)
{
  HnMemoryCache *self = HN_MEMORY_CACHE (object);

  g_hash_table_unref (self->by_key);
  g_queue_clear_full (&self->lru, entry_free);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (hn_memory_cache_parent_class)->finalize (object);
}

static void
hn_memory_cache_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HnMemoryCache *self = HN_MEMORY_CACHE (object);

  switch (prop_id)
    {
    case PROP_MAX_ENTRIES:
      g_value_set_uint (value, self->max_entries);
      break;

    case PROP_MAX_BYTES:
      g_value_set_uint64 (value, self->max_bytes);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_memory_cache_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HnMemoryCache *self = HN_MEMORY_CACHE (object);

  switch (prop_id)
    {
    case PROP_MAX_ENTRIES:
      self->max_entries = g_value_get_uint (value);
      break;

    case PROP_MAX_BYTES:
      self->max_bytes = g_value_get_uint64 (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_memory_cache_class_init (HnMemoryCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hn_memory_cache_finalize;
  object_class->get_property = hn_memory_cache_get_property;
  object_class->set_property = hn_memory_cache_set_property;

  /**
   * HnMemoryCache:max-entries:
   *
   * How many entries the cache keeps at most; 0 for no limit.
   */
  properties[PROP_MAX_ENTRIES] =
    g_param_spec_uint ("max-entries", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnMemoryCache:max-bytes:
   *
   * How many bytes of values the cache keeps at most (each entry counts its serialized size
   * and a small overhead); 0 for no limit.
   */
  properties[PROP_MAX_BYTES] =
    g_param_spec_uint64 ("max-bytes", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hn_memory_cache_init (HnMemoryCache *self)
{
  g_mutex_init (&self->lock);
  self->by_key = g_hash_table_new (g_str_hash, g_str_equal);
  g_queue_init (&self->lru);
}

/**
 * hn_memory_cache_new:
 * @max_entries: how many entries to keep at most, 0 for no limit
 * @max_bytes: how many bytes of values to keep at most, 0 for no limit
 *
 * Creates a memory cache.
 *
 * Returns: (transfer full) (type HnMemoryCache): a new [class@MemoryCache]
 */
HnCache *
hn_memory_cache_new (guint   max_entries,
                     guint64 max_bytes)
{
  return g_object_new (HN_TYPE_MEMORY_CACHE,
                       "max-entries", max_entries,
                       "max-bytes", max_bytes,
                       NULL);
}

/**
 * hn_memory_cache_get_max_entries:
 * @self: a [class@MemoryCache]
 *
 * Gets the max entries.
 *
 * Returns: how many entries the cache keeps at most, 0 for no limit
 */
guint
hn_memory_cache_get_max_entries (HnMemoryCache *self)
{
  g_return_val_if_fail (HN_IS_MEMORY_CACHE (self), 0);
  return self->max_entries;
}

/**
 * hn_memory_cache_get_max_bytes:
 * @self: a [class@MemoryCache]
 *
 * Gets the max bytes.
 *
 * Returns: how many bytes the cache keeps at most, 0 for no limit
 */
guint64
hn_memory_cache_get_max_bytes (HnMemoryCache *self)
{
  g_return_val_if_fail (HN_IS_MEMORY_CACHE (self), 0);
  return self->max_bytes;
}

/**
 * hn_memory_cache_get_n_entries:
 * @self: a [class@MemoryCache]
 *
 * Gets the number of entries the cache holds now.
 *
 * Returns: the number of entries
 */
guint
hn_memory_cache_get_n_entries (HnMemoryCache *self)
{
  guint n;

  g_return_val_if_fail (HN_IS_MEMORY_CACHE (self), 0);

  hn_mutex_lock (&self->lock);
  n = self->lru.length;
  hn_mutex_unlock (&self->lock);
  return n;
}
