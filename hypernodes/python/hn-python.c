/* hn-python.c: the Python bridge of hypernodes
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A loadable module that runs the engine glue (the Python package hypernodes._engines) for the
 * engine executors of libhypernodes. It embeds CPython the way libpeas' Python loader does: in a
 * program that already runs Python (a PyGObject program) it takes the GIL of that interpreter;
 * otherwise it initializes one, with the configured interpreter as sys.executable (so engines
 * that start worker processes start the right Python), leaves signals to the program, releases
 * the GIL between calls, and never finalizes it.
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pygobject.h>

#include <stdlib.h>

#include "config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

/* Mirrors the public error domains of libhypernodes without linking to it. */
#define HN_EXECUTOR_ERROR (g_quark_from_static_string ("hn-executor-error-quark"))
enum { ENGINE_MISSING = 0, ENGINE_FAILED = 2 };

G_MODULE_EXPORT GVariant *hn_python_run_engine (const char    *engine,
                                                 GObject       *executor,
                                                 GType          run_type,
                                                 gpointer       run,
                                                 GCancellable  *cancellable,
                                                 GError       **error);

static GMutex init_lock;
static gboolean pygobject_ready;

/* Python is never finalized, but what Python code registered with its atexit module (Ray and
 * Daft shut their clients and threads down there) must still run before the C runtime tears the
 * process down under those threads. Only for an interpreter this module started. C exit handlers
 * run in reverse order of registration, and the engines' C++ libraries register their static
 * destructors when they are first imported: so the hook is registered (again) after a call that
 * imported new modules, to run before those destructors. Running it twice is harmless:
 * atexit._run_exitfuncs() clears what it ran. */
static gboolean own_interpreter;
static Py_ssize_t modules_at_hook;
static void
run_python_exit_functions (void)
{
  PyGILState_STATE gil = PyGILState_Ensure ();
  PyObject *atexit_module = PyImport_ImportModule ("atexit");

  if (atexit_module != NULL)
    {
      PyObject *ret = PyObject_CallMethod (atexit_module, "_run_exitfuncs", NULL);
      Py_XDECREF (ret);
      Py_DECREF (atexit_module);
    }
  PyErr_Clear ();
  PyGILState_Release (gil);
}

static gboolean
ensure_interpreter (GObject  *executor,
                    GError  **error)
{
  g_autoptr(GMutexLocker) locker = g_mutex_locker_new (&init_lock);
  g_autofree char *interpreter = NULL;
  PyConfig config;
  PyStatus status;

  if (Py_IsInitialized ())
    return TRUE;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (executor), "python") != NULL)
    g_object_get (executor, "python", &interpreter, NULL);
  if (interpreter == NULL && g_getenv ("HN_PYTHON") != NULL)
    interpreter = g_strdup (g_getenv ("HN_PYTHON"));

  PyConfig_InitPythonConfig (&config);
  config.install_signal_handlers = 0;
  config.parse_argv = 0;
  if (interpreter != NULL)
    {
      if (!g_file_test (interpreter, G_FILE_TEST_IS_EXECUTABLE))
        {
          PyConfig_Clear (&config);
          g_set_error (error, HN_EXECUTOR_ERROR, ENGINE_MISSING,
                       _("The Python interpreter “%s” does not exist; set the executor's "
                         "“python” property or $HN_PYTHON to a Python (a virtualenv's "
                         "bin/python) that has the engine installed"), interpreter);
          return FALSE;
        }
      /* A virtualenv is found from the executable's pyvenv.cfg. */
      status = PyConfig_SetBytesString (&config, &config.program_name, interpreter);
      if (!PyStatus_Exception (status))
        status = PyConfig_SetBytesString (&config, &config.executable, interpreter);
      if (PyStatus_Exception (status))
        goto failed;
    }

  status = Py_InitializeFromConfig (&config);
  if (PyStatus_Exception (status))
    goto failed;
  PyConfig_Clear (&config);

#ifdef HN_PYTHON_PACKAGE_DIR
  {
    PyObject *sys_path = PySys_GetObject ("path");  /* borrowed */
    PyObject *dir = PyUnicode_FromString (HN_PYTHON_PACKAGE_DIR);

    if (sys_path != NULL && dir != NULL && PySequence_Contains (sys_path, dir) == 0)
      PyList_Append (sys_path, dir);
    Py_XDECREF (dir);
  }
#endif

  /* Release the GIL: every call takes it with PyGILState_Ensure(), from any thread. */
  own_interpreter = TRUE;
  PyEval_SaveThread ();
  return TRUE;

failed:
  g_set_error (error, HN_EXECUTOR_ERROR, ENGINE_MISSING,
               _("Cannot start Python%s%s: %s"), interpreter ? " " : "",
               interpreter ? interpreter : "", status.err_msg ? status.err_msg : _("unknown error"));
  PyConfig_Clear (&config);
  return FALSE;
}

/* Turns the pending Python exception into @error, with @code in HN_EXECUTOR_ERROR. */
static void
set_error_from_exception (const char  *what,
                          int          code,
                          GError     **error)
{
  PyObject *type, *value, *traceback;
  g_autofree char *message = NULL;
  PyObject *str;

  PyErr_Fetch (&type, &value, &traceback);
  PyErr_NormalizeException (&type, &value, &traceback);
  str = value ? PyObject_Str (value) : NULL;
  message = g_strdup (str && PyUnicode_Check (str) ? PyUnicode_AsUTF8 (str) : _("unknown error"));
  g_set_error (error, HN_EXECUTOR_ERROR, code, "%s: %s: %s", what,
               type ? ((PyTypeObject *) type)->tp_name : "Error", message);
  Py_XDECREF (str);
  Py_XDECREF (type);
  Py_XDECREF (value);
  Py_XDECREF (traceback);
}

/* The glue returns ("ok", type, data) or ("error", domain, code, message). */
static GVariant *
result_from_python (PyObject  *ret,
                    GError   **error)
{
  const char *kind = NULL;

  if (!PyTuple_Check (ret) || PyTuple_Size (ret) < 1 ||
      (kind = PyUnicode_AsUTF8 (PyTuple_GetItem (ret, 0))) == NULL)
    {
      PyErr_Clear ();
      g_set_error_literal (error, HN_EXECUTOR_ERROR, ENGINE_FAILED,
                           _("The engine glue returned an unexpected value"));
      return NULL;
    }

  if (g_str_equal (kind, "ok"))
    {
      const char *type;
      const char *data;
      Py_ssize_t size;
      GVariant *value;

      if (!PyArg_ParseTuple (ret, "sss#", &kind, &type, &data, &size) ||
          !g_variant_type_string_is_valid (type))
        {
          PyErr_Clear ();
          g_set_error_literal (error, HN_EXECUTOR_ERROR, ENGINE_FAILED,
                               _("The engine glue returned a malformed result"));
          return NULL;
        }
      value = g_variant_new_from_data (G_VARIANT_TYPE (type), g_memdup2 (data, size), size,
                                       FALSE, g_free, NULL);
      return g_variant_ref_sink (value);
    }
  else
    {
      const char *domain, *message;
      int code;

      if (!PyArg_ParseTuple (ret, "ssis", &kind, &domain, &code, &message))
        {
          PyErr_Clear ();
          g_set_error_literal (error, HN_EXECUTOR_ERROR, ENGINE_FAILED,
                               _("The engine glue returned a malformed error"));
          return NULL;
        }
      g_set_error_literal (error, g_quark_from_string (domain), code, message);
      return NULL;
    }
}

G_MODULE_EXPORT GVariant *
hn_python_run_engine (const char    *engine,
                      GObject       *executor,
                      GType          run_type,
                      gpointer       run,
                      GCancellable  *cancellable,
                      GError       **error)
{
  PyGILState_STATE gil;
  PyObject *bridge = NULL, *py_executor = NULL, *py_run = NULL, *ret = NULL;
  GVariant *result = NULL;

  if (!ensure_interpreter (executor, error))
    return NULL;

  gil = PyGILState_Ensure ();

  if (!pygobject_ready)
    {
      /* imports gi and its C API */
      if (pygobject_init (3, 0, 0) == NULL)
        {
          set_error_from_exception (_("PyGObject (Debian package python3-gi) is needed for "
                                      "the engine executors"), ENGINE_MISSING, error);
          goto out;
        }
      pygobject_ready = TRUE;
    }

  bridge = PyImport_ImportModule ("hypernodes._bridge");
  if (bridge == NULL)
    {
      set_error_from_exception (_("The Python package of hypernodes is not importable (install "
                                  "hypernodes with its Python bindings, or add its directory "
                                  "to PYTHONPATH)"), ENGINE_MISSING, error);
      goto out;
    }

  py_executor = pygobject_new (executor);
  /* the wrapper holds a reference of its own, should the glue keep it */
  py_run = pyg_boxed_new (run_type, run, TRUE, TRUE);
  if (py_executor == NULL || py_run == NULL)
    {
      set_error_from_exception (_("Cannot pass the run to Python"), ENGINE_FAILED, error);
      goto out;
    }

  ret = PyObject_CallMethod (bridge, "run_engine", "sOO", engine, py_executor, py_run);
  if (ret == NULL)
    set_error_from_exception (_("The engine glue failed"), ENGINE_FAILED, error);
  else
    result = result_from_python (ret, error);

out:
  if (own_interpreter)
    {
      PyObject *modules = PySys_GetObject ("modules");  /* borrowed */
      Py_ssize_t n = modules ? PyDict_Size (modules) : 0;

      if (n > modules_at_hook)
        {
          modules_at_hook = n;
          atexit (run_python_exit_functions);
        }
    }
  Py_XDECREF (ret);
  Py_XDECREF (py_run);
  Py_XDECREF (py_executor);
  Py_XDECREF (bridge);
  PyGILState_Release (gil);
  return result;
}
