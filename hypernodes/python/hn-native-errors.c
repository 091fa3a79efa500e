/* hn-native-errors.c: Python exceptions as GErrors, and GErrors raised in Python
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An exception a Python node raises travels through the library as a GError that keeps the
 * exception object; raised again in the caller, it is the same exception with a note naming the
 * node and the item. The library's own errors reach Python as the exception classes of
 * hypernodes._errors.
 */

#include "hn-native-private.h"

/* An error of the domain HnPythonException keeps the exception object itself, so that the
 * caller gets back the very exception the node raised (its type, attributes and traceback),
 * not a copy of its message. The library may copy and free the error in any thread, maybe
 * after the interpreter finalized: the reference is counted with the GIL, and dropped
 * silently when Python is gone. */
typedef struct
{
  PyObject *exception;
} HnPythonExceptionPrivate;

static void
_hn_py_exception_private_init (HnPythonExceptionPrivate *priv)
{
  priv->exception = NULL;
}

static void
_hn_py_exception_private_copy (const HnPythonExceptionPrivate *src,
                               HnPythonExceptionPrivate       *dest)
{
  dest->exception = NULL;
  if (src->exception != NULL && _hn_py_alive ())
    {
      PyGILState_STATE gil = _hn_py_gil_enter ();
      dest->exception = Py_NewRef (src->exception);
      _hn_py_gil_leave (gil);
    }
}

static void
_hn_py_exception_private_clear (HnPythonExceptionPrivate *priv)
{
  if (priv->exception != NULL && _hn_py_alive ())
    {
      PyGILState_STATE gil = _hn_py_gil_enter ();
      Py_CLEAR (priv->exception);
      _hn_py_gil_leave (gil);
    }
  priv->exception = NULL;
}

typedef enum { HN_PYTHON_EXCEPTION_RAISED } HnPythonException;

/* Defines _hn_py_exception_quark() (the domain is named "HnPythonException") and
 * _hn_py_exception_get_private(), and names the three functions above. */
G_DEFINE_EXTENDED_ERROR (HnPythonException, _hn_py_exception)

/* Turns the current Python exception into @error, keeping the exception itself. Must hold the
 * GIL. The traceback is attached to the exception so that it survives the trip through the
 * library (PyErr_Fetch() hands it apart). */
void
_hn_py_set_error_from_python (GError **error)
{
  PyObject *type, *exc, *tb;

  PyErr_Fetch (&type, &exc, &tb);
  PyErr_NormalizeException (&type, &exc, &tb);
  if (exc != NULL && tb != NULL)
    PyException_SetTraceback (exc, tb);
  Py_XDECREF (type);
  Py_XDECREF (tb);
  _hn_py_set_error_from_exception (exc, error);
}

/* Makes @error of the domain HnPythonException from @exc, which it takes (NULL when the
 * exception is unknown). The message reads "KeyError: 'k'", as Python prints an exception,
 * for C callers and callbacks; Python callers get @exc itself back. */
void
_hn_py_set_error_from_exception (PyObject  *exc,
                                 GError   **error)
{
  PyObject *text = exc ? PyObject_Str (exc) : NULL;
  const char *message = text ? PyUnicode_AsUTF8 (text) : NULL;
  GError *local;

  if (message == NULL)
    {
      PyErr_Clear ();
      message = "";
    }
  local = g_error_new (_hn_py_exception_quark (), HN_PYTHON_EXCEPTION_RAISED, "%s%s%s",
                       exc ? Py_TYPE (exc)->tp_name : "exception", *message ? ": " : "",
                       message);
  _hn_py_exception_get_private (local)->exception = exc;  /* takes the reference */
  Py_XDECREF (text);
  g_propagate_error (error, local);
}

/* The Python exception behind @error (a new reference), or NULL: @error itself, or the cause
 * of the node error the library made of it (which names the node and the item). */
PyObject *
_hn_py_exception_of (const GError *error)
{
  const GError *cause = error;

  if (error->domain != _hn_py_exception_quark ())
    cause = hn_node_error_get_cause (error);
  if (cause == NULL || cause->domain != _hn_py_exception_quark ())
    return NULL;
  return Py_XNewRef (_hn_py_exception_get_private (cause)->exception);
}

static PyObject *raise_error_full (const GError *error, HnRun *run, gboolean note);

/* Raises @error in Python: the node's own exception with a note naming the node and item, or
 * the library error as its exception class (hypernodes._errors). Returns NULL, so that a
 * method can end with "return _hn_py_raise_error (error);". */
PyObject *
_hn_py_raise_error (const GError *error)
{
  return raise_error_full (error, NULL, TRUE);
}

/* _hn_py_raise_error() for the error of @run. A node that failed in an engine's worker left
 * its exception, pickled, with hypernodes._bridge under the run's id: the caller gets that
 * exception as if the node had run here. */
PyObject *
_hn_py_raise_error_of_run (const GError *error,
                           HnRun        *run)
{
  return raise_error_full (error, run, TRUE);
}

/* Raises @error, the error of @run when given; @add_note says whether a node's exception
 * gets a note saying where it happened (PEP 678) in the words of the library's message,
 * less the exception's own words at its end. A NULL @error means a precondition of the
 * library failed: the caller's bug, which the library logged. */
static PyObject *
raise_error_full (const GError *error,
                  HnRun        *run,
                  gboolean      add_note)
{
  PyObject *exc;

  if (error == NULL)
    {
      /* a precondition of the library failed (it logged a critical): a bug of the caller */
      if (!PyErr_Occurred ())
        PyErr_SetString (PyExc_RuntimeError,
                         "hypernodes refused the call (see the critical message above)");
      return NULL;
    }
  exc = _hn_py_exception_of (error);

  /* a node's exception that came back from an engine's worker */
  if (exc == NULL && run != NULL && error->domain == HN_NODE_ERROR)
    {
      const char *run_id = hn_callback_context_get_run_id (hn_run_get_context (run));

      exc = PyObject_CallFunction (_hn_py_take_engine_exception, "s", run_id);
      if (exc == Py_None)
        Py_CLEAR (exc);
      PyErr_Clear ();
    }

  if (exc != NULL && !add_note)
    {
      PyErr_Restore (Py_NewRef ((PyObject *) Py_TYPE (exc)), exc, PyException_GetTraceback (exc));
      return NULL;
    }
  if (exc != NULL)
    {
      /* "Node “x” failed on item 3: KeyError: 'k'" without the exception's own words */
      PyObject *words = PyUnicode_FromFormat ("%s: %S", Py_TYPE (exc)->tp_name, exc);
      const char *tail = words ? PyUnicode_AsUTF8 (words) : NULL;
      gsize len = strlen (error->message);
      g_autofree char *where = NULL;
      PyObject *note;

      PyErr_Clear ();
      if (tail != NULL && g_str_has_suffix (error->message, tail) && len >= strlen (tail) + 2)
        where = g_strndup (error->message, len - strlen (tail) - 2);
      else
        where = g_strdup (error->message);
      Py_XDECREF (words);
      note = PyUnicode_FromFormat ("hypernodes: %s", where);
      PyObject *ret = note ? PyObject_CallMethod (exc, "add_note", "O", note) : NULL;

      Py_XDECREF (ret);
      Py_XDECREF (note);
      PyErr_Clear ();
      PyErr_Restore (Py_NewRef ((PyObject *) Py_TYPE (exc)), exc, PyException_GetTraceback (exc));
      return NULL;
    }

  exc = PyObject_CallMethod (_hn_py_errors_module, "from_gerror", "sis",
                             g_quark_to_string (error->domain), error->code, error->message);
  if (exc != NULL)
    {
      PyErr_SetObject ((PyObject *) Py_TYPE (exc), exc);
      Py_DECREF (exc);
    }
  return NULL;
}
