/* fuzz-module.c: the node module loader's file checks, and its path and name handling
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: a first byte, then
 *   (even) the bytes of a file, checked as a module would be before g_module_open; never loaded;
 *   (odd)  "HN_MODULE_PATH\0NAME_OR_PATH", loaded with hn_module_load() inside a sandbox
 *          directory that holds a shared object without an entry point, a module whose entry
 *          point fails, a truncated copy and a text file. Paths that lead out of the sandbox are
 *          left out, so that nothing else is ever loaded.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <hypernodes/hypernodes.h>

#include "hn-module-private.h"
#include "fuzz-common.h"

static char *sandbox;
static char *fuzzed;

static void
put_file (const char *name,
          const char *data,
          gsize       len)
{
  g_autofree char *path = g_build_filename (sandbox, name, NULL);
  g_autoptr(GError) error = NULL;

  if (!g_file_set_contents (path, data, len, &error))
    g_error ("%s", error->message);
}

static void
copy_file (const char *from,
           const char *name,
           gssize      len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize size = 0;

  if (!g_file_get_contents (from, &data, &size, &error))
    g_error ("%s", error->message);
  put_file (name, data, len < 0 ? size : MIN (size, (gsize) len));
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *sub = NULL;

  fuzz_init ();
  sandbox = g_dir_make_tmp ("hn-fuzz-module-XXXXXX", &error);
  g_assert_no_error (error);
  sub = g_build_filename (sandbox, "sub", NULL);
  g_mkdir (sub, 0700);
  copy_file (HN_FUZZ_PLAIN_SO, "plain.so", -1);
  copy_file (HN_FUZZ_REFUSING_SO, "librefuses.so", -1);
  copy_file (HN_FUZZ_REFUSING_SO, "sub/refuses", -1);
  copy_file (HN_FUZZ_REFUSING_SO, "truncated.so", 4096);
  put_file ("text.so", "not an ELF file", 15);
  fuzzed = g_build_filename (sandbox, "fuzzed.so", NULL);
  if (chdir (sandbox) != 0)
    g_error ("chdir: %s", g_strerror (errno));
  return 0;
}

/* Whether @path (relative to the sandbox) stays inside it. */
static gboolean
in_sandbox (const char *path)
{
  g_autofree char *canonical = g_canonicalize_filename (path, sandbox);

  return g_str_equal (canonical, sandbox) ||
         (g_str_has_prefix (canonical, sandbox) && canonical[strlen (sandbox)] == '/');
}

/* Whether a name without a slash would find something in the library's own module directory. */
static gboolean
in_module_dir (const char *name)
{
  const char *prefixes[] = { "", "lib", "" };
  const char *suffixes[] = { ".so", ".so", "" };

  for (guint i = 0; i < G_N_ELEMENTS (prefixes); i++)
    {
      g_autofree char *file = g_strconcat (prefixes[i], name, suffixes[i], NULL);
      g_autofree char *path = g_build_filename (HN_MODULE_DIR, file, NULL);

      if (g_file_test (path, G_FILE_TEST_EXISTS))
        return TRUE;
    }
  return FALSE;
}

static void
check_file (const uint8_t *data,
            size_t         size)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;
  int fd = open (fuzzed, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

  if (fd < 0 || (size > 0 && write (fd, data, size) != (gssize) size) || close (fd) != 0)
    g_error ("cannot write %s", fuzzed);
  ok = _hn_module_check_file (fuzzed, &error);
  fuzz_check_error (ok, error, "check_file");
  if (error != NULL && !g_error_matches (error, HN_MODULE_ERROR, HN_MODULE_ERROR_INVALID))
    g_error ("check_file: unexpected error %s", error->message);
}

static void
load (const uint8_t *data,
      size_t         size)
{
  g_auto(GStrv) parts = fuzz_split (data, size, 2);
  g_autoptr(GError) error = NULL;
  g_autoptr(HnModule) module = NULL;
  g_autoptr(GStrvBuilder) dirs = g_strv_builder_new ();
  g_auto(GStrv) entries = NULL;
  g_auto(GStrv) kept = NULL;
  g_autofree char *env = NULL;
  const char *name = parts[1] != NULL ? parts[1] : parts[0];

  if (strchr (name, '/') != NULL)
    {
      if (!in_sandbox (name))
        return;
    }
  else if (in_module_dir (name))
    return;

  entries = g_strsplit (parts[1] != NULL ? parts[0] : "", G_SEARCHPATH_SEPARATOR_S, -1);
  for (guint i = 0; entries[i] != NULL; i++)
    if (entries[i][0] == '\0' || in_sandbox (entries[i]))
      g_strv_builder_add (dirs, entries[i]);
  kept = g_strv_builder_end (dirs);
  env = g_strjoinv (G_SEARCHPATH_SEPARATOR_S, kept);
  g_setenv ("HN_MODULE_PATH", env, TRUE);

  module = hn_module_load (name, &error);
  fuzz_check_error (module != NULL, error, "hn_module_load");
  if (module != NULL)
    g_error ("hn_module_load loaded %s, which is not a working module", name);
  if (!g_error_matches (error, HN_MODULE_ERROR, HN_MODULE_ERROR_NOT_FOUND) &&
      !g_error_matches (error, HN_MODULE_ERROR, HN_MODULE_ERROR_INVALID) &&
      !g_error_matches (error, HN_MODULE_ERROR, HN_MODULE_ERROR_INIT_FAILED))
    g_error ("hn_module_load: unexpected error %s", error->message);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (size == 0)
    return 0;
  if (data[0] & 1)
    load (data + 1, size - 1);
  else
    check_file (data + 1, size - 1);
  return 0;
}
