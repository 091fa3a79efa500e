/* hn-python-loader.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <gmodule.h>
#include <glib/gi18n-lib.h>

#include "hn-driver-private.h"
#include "hn-error.h"
#include "hn-python-private.h"
#include "hn-run.h"

/* Must match hypernodes/python/hn-python.c */
/* The bridge does not link this library: it is given the boxed type of the run. */
typedef GVariant *(*HnPythonRunFunc) (const char          *engine,
                                      GObject             *executor,
                                      GType                run_type,
                                      gpointer             run,
                                      GCancellable        *cancellable,
                                      GError             **error);

static HnPythonRunFunc
load_bridge (GError **error)
{
  static gsize initialized;
  static HnPythonRunFunc run;
  static char *load_error;

  if (g_once_init_enter (&initialized))
    {
      const char *path = g_getenv ("HN_PYTHON_MODULE");
      GModule *libpython, *module;

      if (path == NULL)
        path = HN_PYTHON_MODULE_PATH;

      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        load_error = g_strdup_printf (_("The Python bridge of hypernodes is not installed (no %s); "
                                        "build hypernodes with Python, python3-dev and "
                                        "python-gi-dev present (meson option -Dpython=enabled)"),
                                      path);
      else
        {
          /* C extension modules (numpy, pyarrow, ...) resolve CPython symbols globally, so
           * libpython must be loaded with global binding before the bridge. */
          libpython = g_module_open (HN_LIBPYTHON_SONAME, G_MODULE_BIND_LAZY);
          if (libpython == NULL)
            load_error = g_strdup_printf (_("Cannot load %s for the Python bridge: %s; install "
                                            "libpython3-dev"),
                                          HN_LIBPYTHON_SONAME, g_module_error ());
          else
            {
              g_module_make_resident (libpython);
              module = g_module_open (path, G_MODULE_BIND_LAZY);
              if (module == NULL)
                load_error = g_strdup_printf (_("Cannot load the Python bridge %s: %s"), path,
                                              g_module_error ());
              else if (!g_module_symbol (module, "hn_python_run_engine", (gpointer *) &run))
                load_error = g_strdup_printf (_("%s is not the Python bridge of hypernodes"), path);
              else
                g_module_make_resident (module);
            }
        }
      g_once_init_leave (&initialized, 1);
    }

  if (run == NULL)
    g_set_error_literal (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_ENGINE_MISSING, load_error);
  return run;
}

GVariant *
_hn_python_run_engine (const char  *engine,
                       GObject     *executor,
                       HnRun       *run,
                       GError     **error)
{
  HnPythonRunFunc func;

  /* bad input is reported before the engine starts, exactly as the built-in executors do;
   * host values need not become data: the glue sends Python objects as they are, and says
   * which value of another language it cannot send */
  if (!_hn_driver_check (run, error))
    return NULL;

  func = load_bridge (error);
  if (func == NULL)
    return NULL;
  if (g_cancellable_set_error_if_cancelled (hn_run_get_cancellable (run), error))
    return NULL;

  return func (engine, executor, HN_TYPE_RUN, run, hn_run_get_cancellable (run), error);
}
