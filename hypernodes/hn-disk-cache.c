/* hn-disk-cache.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "hn-disk-cache.h"

/**
 * HnDiskCache:
 *
 * An [iface@Cache] in a directory: one file per entry, which several processes may share.
 *
 * Each entry is a file named after its key, holding a header (format, version, key, value type,
 * size and SHA-256 of the data) and the value serialized as a [struct@GLib.Variant] in normal
 * form. Nothing else is ever read back: no code, no pickle. Entries are written to a temporary
 * file and renamed, so a reader never sees a half-written one. A file that is truncated,
 * corrupted, of another format or version, or for another key is a miss, and is replaced by the
 * next store of that key. A store that fails (a full disk) is reported, and the run goes on.
 */

#define MAGIC   "HNCACHE"
#define VERSION "1"

struct _HnDiskCache
{
  GObject  parent_instance;
  char    *directory;
};

enum {
  PROP_0,
  PROP_DIRECTORY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void cache_iface_init (HnCacheInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HnDiskCache, hn_disk_cache, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_CACHE, cache_iface_init))

/* Keys become file names: only lowercase hex digits, so nothing can point outside. */
static gboolean
key_is_valid (const char *key)
{
  gsize n = 0;

  for (const char *p = key; *p != '\0'; p++, n++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return n > 0 && n <= 128;
}

static char *
entry_path (HnDiskCache *self,
            const char  *key)
{
  g_autofree char *name = g_strconcat (key, ".hnc", NULL);

  return g_build_filename (self->directory, name, NULL);
}

/* The next line of @contents from *@pos, without its newline; NULL if there is none. */
static char *
next_line (const char  *contents,
           gsize        length,
           gsize       *pos)
{
  const char *start = contents + *pos;
  const char *end = memchr (start, '\n', length - *pos);
  char *line;

  if (end == NULL)
    return NULL;
  line = g_strndup (start, end - start);
  *pos = end - contents + 1;
  return line;
}

static GVariant *
hn_disk_cache_lookup (HnCache    *cache,
                      const char *key)
{
  HnDiskCache *self = HN_DISK_CACHE (cache);
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *magic = NULL, *version = NULL, *stored_key = NULL, *type = NULL;
  g_autofree char *size_line = NULL, *digest = NULL, *actual = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GVariant) value = NULL;
  gsize length = 0, pos = 0;
  guint64 size;

  if (!key_is_valid (key))
    return NULL;
  path = entry_path (self, key);
  if (!g_file_get_contents (path, &contents, &length, NULL))
    return NULL;

  magic = next_line (contents, length, &pos);
  version = magic ? next_line (contents, length, &pos) : NULL;
  stored_key = version ? next_line (contents, length, &pos) : NULL;
  type = stored_key ? next_line (contents, length, &pos) : NULL;
  size_line = type ? next_line (contents, length, &pos) : NULL;
  digest = size_line ? next_line (contents, length, &pos) : NULL;
  if (digest == NULL ||
      !g_str_equal (magic, MAGIC) || !g_str_equal (version, VERSION) ||
      !g_str_equal (stored_key, key) ||
      !g_variant_type_string_is_valid (type) ||
      !g_variant_type_is_definite (G_VARIANT_TYPE (type)) ||
      !g_ascii_string_to_unsigned (size_line, 10, 0, G_MAXSIZE, &size, NULL) ||
      size != length - pos)
    {
      g_debug ("Cache entry %s is not readable: a miss", path);
      return NULL;
    }

  actual = g_compute_checksum_for_data (G_CHECKSUM_SHA256, (const guchar *) contents + pos,
                                        length - pos);
  if (!g_str_equal (actual, digest))
    {
      g_debug ("Cache entry %s is corrupted: a miss", path);
      return NULL;
    }

  bytes = g_bytes_new (contents + pos, length - pos);
  value = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (type), bytes, FALSE));
  if (!g_variant_is_normal_form (value))
    {
      g_debug ("Cache entry %s does not hold a valid value: a miss", path);
      return NULL;
    }
  return g_steal_pointer (&value);
}

static gboolean
hn_disk_cache_store (HnCache     *cache,
                     const char  *key,
                     GVariant    *value,
                     GError     **error)
{
  HnDiskCache *self = HN_DISK_CACHE (cache);
  g_autoptr(GVariant) normal = g_variant_get_normal_form (value);
  g_autofree char *path = NULL;
  g_autofree char *digest = NULL;
  GString *contents;
  gsize size = g_variant_get_size (normal);
  gboolean ok;

  if (!key_is_valid (key))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a cache key: keys are lowercase hex digits"), key);
      return FALSE;
    }
  if (g_mkdir_with_parents (self->directory, 0755) < 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the cache directory %s: %s"), self->directory,
                   g_strerror (saved));
      return FALSE;
    }

  digest = g_compute_checksum_for_data (G_CHECKSUM_SHA256, g_variant_get_data (normal), size);
  contents = g_string_sized_new (size + 256);
  g_string_append_printf (contents, MAGIC "\n" VERSION "\n%s\n%s\n%" G_GSIZE_FORMAT "\n%s\n",
                          key, g_variant_get_type_string (normal), size, digest);
  g_string_append_len (contents, g_variant_get_data (normal), size);

  path = entry_path (self, key);
  /* to a temporary file, then renamed over the entry */
  ok = g_file_set_contents_full (path, contents->str, contents->len,
                                 G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
  g_string_free (contents, TRUE);
  return ok;
}

static void
hn_disk_cache_clear (HnCache *cache)
{
  HnDiskCache *self = HN_DISK_CACHE (cache);
  g_autoptr(GDir) dir = g_dir_open (self->directory, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_suffix (name, ".hnc"))
      {
        g_autofree char *path = g_build_filename (self->directory, name, NULL);
        g_unlink (path);
      }
}

static void
cache_iface_init (HnCacheInterface *iface)
{
  iface->lookup = hn_disk_cache_lookup;
  iface->store = hn_disk_cache_store;
  iface->clear = hn_disk_cache_clear;
}

static void
hn_disk_cache_finalize (GObject *object)
{
  HnDiskCache *self = HN_DISK_CACHE (object);

  g_free (self->directory);

  G_OBJECT_CLASS (hn_disk_cache_parent_class)->finalize (object);
}

static void
hn_disk_cache_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HnDiskCache *self = HN_DISK_CACHE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_disk_cache_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  HnDiskCache *self = HN_DISK_CACHE (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_disk_cache_constructed (GObject *object)
{
  HnDiskCache *self = HN_DISK_CACHE (object);

  G_OBJECT_CLASS (hn_disk_cache_parent_class)->constructed (object);

  if (self->directory == NULL)
    self->directory = g_build_filename (g_get_user_cache_dir (), "hypernodes", NULL);
}

static void
hn_disk_cache_class_init (HnDiskCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hn_disk_cache_constructed;
  object_class->finalize = hn_disk_cache_finalize;
  object_class->get_property = hn_disk_cache_get_property;
  object_class->set_property = hn_disk_cache_set_property;

  /**
   * HnDiskCache:directory:
   *
   * The directory of the entries, made on the first store. `$XDG_CACHE_HOME/hypernodes` when
   * none is given.
   */
  properties[PROP_DIRECTORY] =
    g_param_spec_string ("directory", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hn_disk_cache_init (HnDiskCache *self)
{
}

/**
 * hn_disk_cache_new:
 * @directory: (type filename) (nullable): the directory of the entries, or %NULL for
 *   `$XDG_CACHE_HOME/hypernodes`
 *
 * Creates a disk cache.
 *
 * Returns: (transfer full) (type HnDiskCache): a new [class@DiskCache]
 */
HnCache *
hn_disk_cache_new (const char *directory)
{
  return g_object_new (HN_TYPE_DISK_CACHE, "directory", directory, NULL);
}

/**
 * hn_disk_cache_get_directory:
 * @self: a [class@DiskCache]
 *
 * Gets the directory.
 *
 * Returns: (type filename): the directory of the entries
 */
const char *
hn_disk_cache_get_directory (HnDiskCache *self)
{
  g_return_val_if_fail (HN_IS_DISK_CACHE (self), NULL);
  return self->directory;
}
