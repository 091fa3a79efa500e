/* hn-module.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <gmodule.h>
#include <glib/gstdio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#ifdef __ELF__
# include <elf.h>
#endif

#include "hn-error-private.h"
#include "hn-module-private.h"
#include "hn-node.h"
#include "hn-pipeline.h"

/**
 * HnModule:
 *
 * A shared object that registers named nodes and pipelines, so that another process can rebuild
 * them: the way C nodes travel to the workers of an engine (Ray, Dask).
 *
 * A module exports one entry point, `hn_module_init`, of type [callback@ModuleInitFunc]:
 *
 * ```c
 * G_MODULE_EXPORT gboolean
 * hn_module_init (HnModule *module, GError **error)
 * {
 *   g_autoptr(HnNode) tokenize = hn_function_node_new ("tokenize", ...);
 *
 *   hn_module_add_node (module, tokenize);
 *   return TRUE;
 * }
 * ```
 *
 * [func@Module.load] finds a module by path, or by name on the search path: the directories of
 * `$HN_MODULE_PATH`, then the library's module directory. A module is loaded once per process and
 * stays loaded; loading it again returns the same object. Nodes added to a module know where they
 * come from ([func@Module.get_node_origin]), which is what engines send to their workers.
 */

struct _HnModule
{
  GObject     parent_instance;
  char       *path;
  GError     *registration_error;  /* the first bad add_node()/add_pipeline() of init */
  GHashTable *nodes;      /* name -> HnNode */
  GHashTable *pipelines;  /* name -> HnPipeline */
  GPtrArray  *node_order;
  GPtrArray  *pipeline_order;
};

G_DEFINE_FINAL_TYPE (HnModule, hn_module, G_TYPE_OBJECT)

/**
 * hn_module_error_quark:
 *
 * Gets the error domain of node modules.
 *
 * Returns: the [error@ModuleError] domain
 */
G_DEFINE_QUARK (hn-module-error-quark, hn_module_error)

G_DEFINE_ENUM_TYPE (HnModuleError, hn_module_error,
  G_DEFINE_ENUM_VALUE (HN_MODULE_ERROR_NOT_FOUND, "not-found"),
  G_DEFINE_ENUM_VALUE (HN_MODULE_ERROR_INVALID, "invalid"),
  G_DEFINE_ENUM_VALUE (HN_MODULE_ERROR_INIT_FAILED, "init-failed"))

typedef struct
{
  char *path;
  char *name;
} Origin;

static void
origin_free (gpointer data)
{
  Origin *origin = data;

  g_free (origin->path);
  g_free (origin->name);
  g_free (origin);
}

/* Recursive: a module's entry point may load the modules it builds on. */
static GRecMutex modules_lock;
static GHashTable *modules;      /* resolved path -> HnModule, never freed: modules stay loaded */
static GHashTable *initializing; /* paths whose entry point is running */

static void
hn_module_finalize (GObject *object)
{
  HnModule *self = HN_MODULE (object);

  g_clear_pointer (&self->path, g_free);
  g_clear_error (&self->registration_error);
  g_clear_pointer (&self->nodes, g_hash_table_unref);
  g_clear_pointer (&self->pipelines, g_hash_table_unref);
  g_clear_pointer (&self->node_order, g_ptr_array_unref);
  g_clear_pointer (&self->pipeline_order, g_ptr_array_unref);

  G_OBJECT_CLASS (hn_module_parent_class)->finalize (object);
}

static void
hn_module_class_init (HnModuleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hn_module_finalize;
}

static void
hn_module_init (HnModule *self)
{
  self->nodes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->pipelines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->node_order = g_ptr_array_new_with_free_func (g_free);
  self->pipeline_order = g_ptr_array_new_with_free_func (g_free);
}

#ifdef __ELF__

#if GLIB_SIZEOF_VOID_P == 8
# define HN_ELF_CLASS ELFCLASS64
typedef Elf64_Ehdr HnElfEhdr;
typedef Elf64_Phdr HnElfPhdr;
typedef Elf64_Shdr HnElfShdr;
#else
# define HN_ELF_CLASS ELFCLASS32
typedef Elf32_Ehdr HnElfEhdr;
typedef Elf32_Phdr HnElfPhdr;
typedef Elf32_Shdr HnElfShdr;
#endif

#if G_BYTE_ORDER == G_LITTLE_ENDIAN
# define HN_ELF_DATA ELFDATA2LSB
#else
# define HN_ELF_DATA ELFDATA2MSB
#endif

/* Whether the table of @count entries of @entsize bytes at @offset lies inside the file. */
static gboolean
table_fits (guint64 offset,
            guint64 count,
            guint64 entsize,
            guint64 size)
{
  return offset <= size && (entsize == 0 || count <= (size - offset) / entsize);
}

/* The dynamic loader trusts the file: it maps the segments the program headers name, and a
 * segment that runs past the end of a truncated file raises SIGBUS when touched, in the middle of
 * dlopen(). So before loading, check the ELF header, and that the program headers, every segment
 * and the section header table lie inside the file. (The file could still change in between; this
 * is for broken files, not for an attacker who can write the module directory.) */
static gboolean
check_elf (const char  *path,
           const char  *shown,
           GError     **error)
{
  g_autofree HnElfPhdr *phdrs = NULL;
  HnElfEhdr ehdr;
  struct stat st;
  const char *reason = NULL;
  g_autofree char *detail = NULL;
  guint64 size;
  char size_text[24];
  gssize n;
  int fd;

  fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_INVALID,
                   _("Cannot load the node module “%s”: %s"), shown, g_strerror (saved));
      return FALSE;
    }
  if (fstat (fd, &st) != 0)
    {
      reason = g_strerror (errno);
      goto out;
    }
  size = (guint64) st.st_size;
  g_snprintf (size_text, sizeof size_text, "%" G_GUINT64_FORMAT, size);

  n = pread (fd, &ehdr, sizeof ehdr, 0);
  if (n < (gssize) EI_NIDENT || memcmp (ehdr.e_ident, ELFMAG, SELFMAG) != 0)
    {
      reason = _("it is not an ELF shared object");
      goto out;
    }
  if (ehdr.e_ident[EI_CLASS] != HN_ELF_CLASS || ehdr.e_ident[EI_DATA] != HN_ELF_DATA)
    {
      reason = _("it is an ELF file for another kind of machine (word size or byte order)");
      goto out;
    }
  if (n < (gssize) sizeof ehdr)
    {
      reason = _("it is truncated: the file is shorter than an ELF header");
      goto out;
    }
  if (ehdr.e_type != ET_DYN)
    {
      reason = _("it is an ELF file but not a shared object");
      goto out;
    }
  if (ehdr.e_phnum == 0 || ehdr.e_phentsize != sizeof (HnElfPhdr))
    {
      reason = _("it has no valid program header table");
      goto out;
    }
  if (!table_fits (ehdr.e_phoff, ehdr.e_phnum, ehdr.e_phentsize, size))
    {
      detail = g_strdup_printf (_("it is truncated (%s bytes): its program headers lie past "
                                  "the end"), size_text);
      goto out;
    }
  if (ehdr.e_shoff != 0 && ehdr.e_shentsize != sizeof (HnElfShdr))
    {
      reason = _("it has an invalid section header table");
      goto out;
    }
  if (ehdr.e_shoff != 0 && !table_fits (ehdr.e_shoff, ehdr.e_shnum, ehdr.e_shentsize, size))
    {
      detail = g_strdup_printf (_("it is truncated (%s bytes): its section headers lie past "
                                  "the end"), size_text);
      goto out;
    }

  phdrs = g_new (HnElfPhdr, ehdr.e_phnum);
  n = pread (fd, phdrs, (gsize) ehdr.e_phnum * sizeof (HnElfPhdr), ehdr.e_phoff);
  if (n != (gssize) (ehdr.e_phnum * sizeof (HnElfPhdr)))
    {
      reason = _("its program headers cannot be read");
      goto out;
    }
  for (guint i = 0; i < ehdr.e_phnum; i++)
    if (phdrs[i].p_type != PT_NULL && phdrs[i].p_filesz != 0
        && (phdrs[i].p_offset > size || phdrs[i].p_filesz > size - phdrs[i].p_offset))
      {
        detail = g_strdup_printf (_("it is truncated (%s bytes): its segment %u lies past the "
                                    "end"), size_text, i);
        goto out;
      }

out:
  close (fd);
  if (reason == NULL && detail == NULL)
    return TRUE;
  g_set_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_INVALID,
               _("Cannot load the node module “%s”: %s"), shown, detail ? detail : reason);
  return FALSE;
}

#else

static gboolean
check_elf (const char  *path,
           const char  *shown,
           GError     **error)
{
  return TRUE;
}

#endif

/* Whether @path looks loadable: for the fuzz harness, which checks files it must not load. */
gboolean
_hn_module_check_file (const char  *path,
                       GError     **error)
{
  g_autofree char *shown = _hn_error_show (path);

  return check_elf (path, shown, error);
}

static char *
find_module (const char  *name_or_path,
             GError     **error)
{
  g_autoptr(GPtrArray) dirs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) tried = g_string_new (NULL);
  g_autofree char *shown = NULL;
  const char *env = g_getenv ("HN_MODULE_PATH");

  if (strchr (name_or_path, G_DIR_SEPARATOR) != NULL)
    {
      if (g_file_test (name_or_path, G_FILE_TEST_IS_REGULAR))
        return g_canonicalize_filename (name_or_path, NULL);
      shown = _hn_error_show (name_or_path);
      g_set_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_NOT_FOUND,
                   _("No node module at “%s”"), shown);
      return NULL;
    }

  if (env != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (env, G_SEARCHPATH_SEPARATOR_S, -1);
      for (guint i = 0; parts[i] != NULL; i++)
        if (parts[i][0] != '\0')
          g_ptr_array_add (dirs, g_strdup (parts[i]));
    }
  g_ptr_array_add (dirs, g_strdup (HN_MODULE_DIR));

  for (guint i = 0; i < dirs->len; i++)
    {
      const char *prefixes[] = { "", "lib", "" };
      const char *suffixes[] = { ".so", ".so", "" };

      for (guint p = 0; p < G_N_ELEMENTS (prefixes); p++)
        {
          g_autofree char *file = g_strconcat (prefixes[p], name_or_path, suffixes[p], NULL);
          g_autofree char *path = g_build_filename (dirs->pdata[i], file, NULL);

          if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
            return g_canonicalize_filename (path, NULL);
        }
      {
        g_autofree char *dir = _hn_error_show (dirs->pdata[i]);
        g_string_append_printf (tried, "%s%s", tried->len ? ", " : "", dir);
      }
    }

  shown = _hn_error_show (name_or_path);
  g_set_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_NOT_FOUND,
               _("No node module named “%s” in %s (set $HN_MODULE_PATH, or give a path)"),
               shown, tried->str);
  return NULL;
}

/**
 * hn_module_load:
 * @name_or_path: a path to a shared object, or a module name to look up on the search path
 * @error: return location for a [struct@GLib.Error]
 *
 * Loads a node module and runs its entry point, once per process.
 *
 * Returns: (transfer full): the module, or %NULL with a [error@ModuleError]
 */
HnModule *
hn_module_load (const char  *name_or_path,
                GError     **error)
{
  g_autofree char *path = NULL;
  g_autofree char *shown = NULL;
  HnModule *self = NULL;
  g_autoptr(GError) local_error = NULL;
  HnModuleInitFunc init;
  GModule *gmodule;
  gboolean ok;

  g_return_val_if_fail (name_or_path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = find_module (name_or_path, error);
  if (path == NULL)
    return NULL;
  shown = _hn_error_show (path);

  g_rec_mutex_lock (&modules_lock);
  if (modules == NULL)
    {
      modules = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
      initializing = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
    }
  if (g_hash_table_contains (modules, path))
    {
      self = g_object_ref (g_hash_table_lookup (modules, path));
      goto out;
    }
  if (g_hash_table_contains (initializing, path))
    {
      g_set_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_INIT_FAILED,
                   _("The node module “%s” loads itself while it initializes"), shown);
      goto out;
    }

  if (!_hn_module_check_file (path, error))
    goto out;
  gmodule = g_module_open (path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
  if (gmodule == NULL)
    {
      g_autofree char *reason = g_utf8_make_valid (g_module_error (), -1);

      g_set_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_INVALID,
                   _("Cannot load the node module “%s”: %s"), shown, reason);
      goto out;
    }
  if (!g_module_symbol (gmodule, "hn_module_init", (gpointer *) &init) || init == NULL)
    {
      g_set_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_INVALID,
                   _("“%s” is not a node module: it has no hn_module_init entry point"), shown);
      g_module_close (gmodule);
      goto out;
    }
  g_module_make_resident (gmodule);

  self = g_object_new (HN_TYPE_MODULE, NULL);
  self->path = g_strdup (path);
  g_hash_table_add (initializing, g_strdup (path));
  ok = init (self, &local_error);
  g_hash_table_remove (initializing, path);

  if (ok && self->registration_error != NULL)
    {
      ok = FALSE;
      g_clear_error (&local_error);
      local_error = g_steal_pointer (&self->registration_error);
    }
  if (!ok)
    {
      g_set_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_INIT_FAILED,
                   _("The node module “%s” failed to initialize: %s"), shown,
                   local_error ? local_error->message : _("no reason given"));
      g_clear_object (&self);
      goto out;
    }

  g_hash_table_insert (modules, g_strdup (path), g_object_ref (self));

out:
  g_rec_mutex_unlock (&modules_lock);
  return self;
}

static gboolean
check_registration (HnModule   *self,
                    const char *what,
                    const char *name,
                    GHashTable *table)
{
  if (self->registration_error != NULL)
    return FALSE;
  if (name == NULL || name[0] == '\0')
    g_set_error (&self->registration_error, HN_MODULE_ERROR, HN_MODULE_ERROR_INIT_FAILED,
                 _("it registers a %s without a name"), what);
  else if (g_hash_table_contains (table, name))
    g_set_error (&self->registration_error, HN_MODULE_ERROR, HN_MODULE_ERROR_INIT_FAILED,
                 _("it registers two %ss named “%s”"), what, name);
  return self->registration_error == NULL;
}

/**
 * hn_module_get_path:
 * @self: a [class@Module]
 *
 * Gets the path.
 *
 * Returns: the absolute path of the module's shared object
 */
const char *
hn_module_get_path (HnModule *self)
{
  g_return_val_if_fail (HN_IS_MODULE (self), NULL);
  return self->path;
}

/**
 * hn_module_add_node:
 * @self: a [class@Module]
 * @node: a node, whose name must be unique in the module
 *
 * Registers @node under its name. Called from the module's entry point; a node without a name,
 * or a name registered twice, makes [func@Module.load] fail with
 * [error@ModuleError.INIT_FAILED].
 */
/* The build of a module file as its cache identity: path, size and modification time. */
static char *
build_id (const char *path)
{
  GStatBuf st;

  if (path == NULL || g_stat (path, &st) != 0)
    return g_strdup (path ? path : "");
  return g_strdup_printf ("%s:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, path, (gint64) st.st_size,
                          (gint64) st.st_mtime);
}

void
hn_module_add_node (HnModule *self,
                    HnNode   *node)
{
  Origin *origin;

  g_return_if_fail (HN_IS_MODULE (self));
  g_return_if_fail (HN_IS_NODE (node));

  if (!check_registration (self, "node", hn_node_get_name (node), self->nodes))
    return;

  origin = g_new0 (Origin, 1);
  origin->path = g_strdup (self->path);
  origin->name = g_strdup (hn_node_get_name (node));
  g_object_set_data_full (G_OBJECT (node), "hn-module-origin", origin, origin_free);
  /* part of the node's cache key: a rebuilt module makes a miss */
  g_object_set_data_full (G_OBJECT (node), "hn-build-id", build_id (self->path), g_free);

  g_hash_table_insert (self->nodes, g_strdup (hn_node_get_name (node)), g_object_ref (node));
  g_ptr_array_add (self->node_order, g_strdup (hn_node_get_name (node)));
}

/**
 * hn_module_add_pipeline:
 * @self: a [class@Module]
 * @name: a name for the pipeline, unique in the module
 * @pipeline: the pipeline; its nodes should be nodes of the module, so they can travel
 *
 * Registers @pipeline under @name. Called from the module's entry point.
 */
void
hn_module_add_pipeline (HnModule   *self,
                        const char *name,
                        HnPipeline *pipeline)
{
  g_return_if_fail (HN_IS_MODULE (self));
  g_return_if_fail (HN_IS_PIPELINE (pipeline));

  if (!check_registration (self, "pipeline", name, self->pipelines))
    return;

  g_hash_table_insert (self->pipelines, g_strdup (name), g_object_ref (pipeline));
  g_ptr_array_add (self->pipeline_order, g_strdup (name));
}

/**
 * hn_module_get_node:
 * @self: a [class@Module]
 * @name: a node name
 *
 * Looks up a node of the module by name.
 *
 * Returns: (transfer none) (nullable): the node, or %NULL if the module has none by that name
 */
HnNode *
hn_module_get_node (HnModule   *self,
                    const char *name)
{
  g_return_val_if_fail (HN_IS_MODULE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->nodes, name);
}

/**
 * hn_module_get_pipeline:
 * @self: a [class@Module]
 * @name: a pipeline name
 *
 * Looks up a pipeline of the module by name.
 *
 * Returns: (transfer none) (nullable): the pipeline, or %NULL if the module has none by that name
 */
HnPipeline *
hn_module_get_pipeline (HnModule   *self,
                        const char *name)
{
  g_return_val_if_fail (HN_IS_MODULE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);
  return g_hash_table_lookup (self->pipelines, name);
}

static char **
dup_names (GPtrArray *names)
{
  char **strv = g_new0 (char *, names->len + 1);

  for (guint i = 0; i < names->len; i++)
    strv[i] = g_strdup (names->pdata[i]);
  return strv;
}

/**
 * hn_module_list_nodes:
 * @self: a [class@Module]
 *
 * Lists the nodes.
 *
 * Returns: (transfer full) (array zero-terminated=1): the node names, in registration order
 */
char **
hn_module_list_nodes (HnModule *self)
{
  g_return_val_if_fail (HN_IS_MODULE (self), NULL);
  return dup_names (self->node_order);
}

/**
 * hn_module_list_pipelines:
 * @self: a [class@Module]
 *
 * Lists the pipelines.
 *
 * Returns: (transfer full) (array zero-terminated=1): the pipeline names, in registration order
 */
char **
hn_module_list_pipelines (HnModule *self)
{
  g_return_val_if_fail (HN_IS_MODULE (self), NULL);
  return dup_names (self->pipeline_order);
}

/**
 * hn_module_get_node_origin:
 * @node: a node
 * @path: (out) (optional) (nullable) (transfer full): return location for the module's path
 * @name: (out) (optional) (nullable) (transfer full): return location for the node's name in
 *   the module
 *
 * Tells whether @node was registered by a module, and which: what another process needs to
 * rebuild it.
 *
 * Returns: %TRUE if @node comes from a module
 */
gboolean
hn_module_get_node_origin (HnNode  *node,
                           char   **path,
                           char   **name)
{
  Origin *origin;

  g_return_val_if_fail (HN_IS_NODE (node), FALSE);

  origin = g_object_get_data (G_OBJECT (node), "hn-module-origin");
  if (path != NULL)
    *path = origin ? g_strdup (origin->path) : NULL;
  if (name != NULL)
    *name = origin ? g_strdup (origin->name) : NULL;
  return origin != NULL;
}
