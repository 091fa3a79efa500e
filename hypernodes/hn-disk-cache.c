/* hn-disk-cache.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
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
 *
 * A writer holds a lock on its temporary file until it renames it; the temporary file of a
 * writer that was killed is removed by the next store of any process, once it is a minute old.
 * With [property@DiskCache:max-bytes], the entries are kept under that size in all: a store
 * removes the least recently used entries (a hit counts as a use) until they fit, whichever
 * process wrote them.
 */

#define MAGIC   "HNCACHE"
#define VERSION "1"

/* The temporary file of an entry being written: "KEY.hnc.tmp-XXXXXX" (GLib's
 * g_file_set_contents(), used before, made "KEY.hnc.XXXXXX": both are swept). */
#define TEMP_INFIX ".hnc."
/* How old an unlocked temporary file must be before it is taken for a dead writer's. */
#define STALE_SECONDS 60
/* How many stores of this process pass between two looks at the whole directory, when the
 * size is bounded: the other processes' stores are seen there. */
#define STORES_PER_SCAN 64

struct _HnDiskCache
{
  GObject  parent_instance;
  char    *directory;
  guint64  max_bytes;        /* 0: no bound */

  GMutex   lock;             /* the fields below */
  gboolean swept;            /* this process removed stale temporary files once */
  gboolean scanned;          /* @total is known */
  guint64  total;            /* the entries' size as last seen, plus this process's stores */
  guint    stores_since_scan;
};

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_MAX_BYTES,
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
  /* least recently used first out: a hit is a use (the entry's time is its last use) */
  if (self->max_bytes > 0)
    utimensat (AT_FDCWD, path, NULL, 0);
  return g_steal_pointer (&value);
}

/* Whether @name is a temporary file of an entry. */
static gboolean
is_temporary (const char *name)
{
  const char *infix = strstr (name, TEMP_INFIX);

  return infix != NULL && infix[strlen (TEMP_INFIX)] != '\0';
}

/* Removes the temporary file @path when no writer holds it: it is old enough, and its lock
 * can be taken (a live writer holds it until its rename). */
static void
remove_if_stale (const char *path,
                 gint64      now)
{
  struct stat st;
  int fd;

  if (g_lstat (path, &st) < 0 || !S_ISREG (st.st_mode) || now - st.st_mtime < STALE_SECONDS)
    return;
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    return;
  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    {
      g_debug ("Removing %s, left by a writer that did not finish", path);
      g_unlink (path);
    }
  close (fd);
}

typedef struct
{
  char    *path;
  guint64  size;
  gint64   used;   /* nanoseconds */
} Entry;

static void
entry_clear (gpointer data)
{
  g_free (((Entry *) data)->path);
}

static int
compare_use (gconstpointer a,
             gconstpointer b)
{
  const Entry *x = a, *y = b;

  return (x->used > y->used) - (x->used < y->used);
}

/* Looks at the whole directory: removes stale temporary files and, when the entries are over
 * max-bytes, the least recently used ones until they fit. Sets @total. Holds @lock. */
static void
scan (HnDiskCache *self,
      gboolean     evict)
{
  g_autoptr(GDir) dir = g_dir_open (self->directory, 0, NULL);
  g_autoptr(GArray) entries = g_array_new (FALSE, FALSE, sizeof (Entry));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;
  guint64 total = 0;

  g_array_set_clear_func (entries, entry_clear);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->directory, name, NULL);
      struct stat st;

      if (is_temporary (name))
        remove_if_stale (path, now);
      else if (g_str_has_suffix (name, ".hnc") && g_lstat (path, &st) == 0 &&
               S_ISREG (st.st_mode))
        {
          Entry e = { g_steal_pointer (&path), (guint64) st.st_size,
                      (gint64) st.st_mtim.tv_sec * G_GINT64_CONSTANT (1000000000) +
                        st.st_mtim.tv_nsec };

          g_array_append_val (entries, e);
          total += e.size;
        }
    }
  self->swept = TRUE;

  if (evict && self->max_bytes > 0 && total > self->max_bytes)
    {
      /* down to nine tenths: a bound that is just met would have the next store scan again */
      guint64 low = self->max_bytes - self->max_bytes / 10;

      g_array_sort (entries, compare_use);
      for (guint i = 0; i < entries->len && total > low; i++)
        {
          Entry *e = &g_array_index (entries, Entry, i);

          /* another process may have removed it first: its size goes all the same */
          g_unlink (e->path);
          total -= e->size;
        }
    }
  self->total = total;
  self->scanned = TRUE;
  self->stores_since_scan = 0;
}

/* After a store of @size bytes: the sweep of this process's first store, and the bound. */
static void
after_store (HnDiskCache *self,
             gsize        size)
{
  g_mutex_lock (&self->lock);
  if (self->max_bytes == 0)
    {
      if (!self->swept)
        scan (self, FALSE);
    }
  else
    {
      self->total += size;
      if (!self->scanned || ++self->stores_since_scan >= STORES_PER_SCAN ||
          self->total > self->max_bytes)
        scan (self, TRUE);
    }
  g_mutex_unlock (&self->lock);
}

/* Writes @contents to @path as GLib's consistent file replacement does (a temporary file in the
 * same directory, renamed over the entry), with a lock on the temporary file held until the
 * rename: a sweep tells a live writer's file from a dead one's by it. No fsync: an entry cut
 * short by a crash of the machine fails its checksum and is a miss. */
static gboolean
write_entry (const char  *path,
             const char  *contents,
             gsize        length,
             GError     **error)
{
  g_autofree char *temp = g_strconcat (path, ".tmp-XXXXXX", NULL);
  gsize done = 0;
  int fd, saved;

  fd = g_mkstemp_full (temp, O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0)
    goto fail;
  /* a file system without locks (some network ones) still stores: the sweep's age test
   * alone then protects the writer */
  while (flock (fd, LOCK_EX) < 0 && errno == EINTR)
    ;
  while (done < length)
    {
      gssize n = write (fd, contents + done, length - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto fail;
      done += n;
    }
  if (g_rename (temp, path) < 0)
    goto fail;
  close (fd);
  return TRUE;

fail:
  saved = errno;
  if (fd >= 0)
    {
      g_unlink (temp);
      close (fd);
    }
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
               _("Cannot write the cache entry %s: %s"), path, g_strerror (saved));
  return FALSE;
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
  ok = write_entry (path, contents->str, contents->len, error);
  if (ok)
    after_store (self, contents->len);
  g_string_free (contents, TRUE);
  return ok;
}

static void
hn_disk_cache_clear (HnCache *cache)
{
  HnDiskCache *self = HN_DISK_CACHE (cache);

  g_mutex_lock (&self->lock);
  self->scanned = FALSE;
  self->total = 0;
  g_mutex_unlock (&self->lock);
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
  g_mutex_clear (&self->lock);

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

    case PROP_MAX_BYTES:
      g_value_set_uint64 (value, self->max_bytes);
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

    case PROP_MAX_BYTES:
      self->max_bytes = g_value_get_uint64 (value);
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

  /**
   * HnDiskCache:max-bytes:
   *
   * The most the entries may take in all, in bytes, or 0 for no bound. A store removes the
   * least recently used entries (a hit counts as a use) until the rest fit; several processes
   * sharing the directory keep it under the bound together (each looks at the whole directory
   * every few stores, so it can be over by what the others wrote since).
   */
  properties[PROP_MAX_BYTES] =
    g_param_spec_uint64 ("max-bytes", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hn_disk_cache_init (HnDiskCache *self)
{
  g_mutex_init (&self->lock);
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
 * hn_disk_cache_new_full:
 * @directory: (type filename) (nullable): the directory of the entries, or %NULL for
 *   `$XDG_CACHE_HOME/hypernodes`
 * @max_bytes: the most the entries may take in all, in bytes; 0 for no bound
 *
 * Creates a disk cache whose entries are kept under @max_bytes in all, least recently used
 * first out (see [property@DiskCache:max-bytes]).
 *
 * Returns: (transfer full) (type HnDiskCache): a new [class@DiskCache]
 */
HnCache *
hn_disk_cache_new_full (const char *directory,
                        guint64     max_bytes)
{
  return g_object_new (HN_TYPE_DISK_CACHE, "directory", directory, "max-bytes", max_bytes,
                       NULL);
}

/**
 * hn_disk_cache_get_max_bytes:
 * @self: a [class@DiskCache]
 *
 * Gets the bound of the entries' size.
 *
 * Returns: the value of [property@DiskCache:max-bytes], 0 for no bound
 */
guint64
hn_disk_cache_get_max_bytes (HnDiskCache *self)
{
  g_return_val_if_fail (HN_IS_DISK_CACHE (self), 0);
  return self->max_bytes;
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
