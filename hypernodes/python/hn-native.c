/* hn-native.c: hypernodes._native, the fast path of the Python face
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A CPython extension linked to libhypernodes. Python values travel through runs as host
 * values (the same objects, by reference); Python nodes are called from C with
 * PyObject_Vectorcall on the stored callable, not through PyGObject closures; a run on the
 * sequential executor keeps the GIL across its nodes, and threads of the library's pools keep
 * a Python thread state for their whole life. Values become data (a GVariant) only where they
 * must: a C node, a typed port, a cache key, another process (objects without a data form
 * travel pickled).
 */

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pygobject.h>

#include <string.h>

#include <hypernodes/hypernodes.h>

/* ---- the GIL ---------------------------------------------------------------------------- */

static inline PyThreadState *
current_thread_state (void)
{
#if PY_VERSION_HEX >= 0x030D0000
  return PyThreadState_GetUnchecked ();
#else
  return _PyThreadState_UncheckedGet ();
#endif
}

/* What gil_enter() returns when the thread holds the GIL already: gil_leave() does nothing. */
#define GIL_HELD ((PyGILState_STATE) -1)

/* Takes the GIL in any thread. A thread Python has never seen gets a thread state that stays
 * until the thread ends: the executors' pool threads would otherwise make and destroy one per
 * call (about 9 us each). A thread that holds the GIL already (a node called, or a value
 * dropped, in a run that keeps the GIL) pays a lookup and a comparison: the thread state
 * holding the GIL is this thread's. */
static PyGILState_STATE
gil_enter (void)
{
  PyThreadState *mine = PyGILState_GetThisThreadState ();

  /* pointers only: before Python 3.12 the current thread state is the one holding the GIL in
   * any thread, which its thread may free at any time */
  if (mine != NULL && mine == current_thread_state ())
    return GIL_HELD;
  if (mine == NULL)
    {
      PyGILState_Ensure ();
      PyEval_SaveThread ();
    }
  return PyGILState_Ensure ();
}

static inline void
gil_leave (PyGILState_STATE state)
{
  if (state != GIL_HELD)
    PyGILState_Release (state);
}

static gboolean
python_alive (void)
{
  return Py_IsInitialized () && !_Py_IsFinalizing ();
}

/* ---- Python exceptions as GErrors ------------------------------------------------------- */

typedef struct
{
  PyObject *exception;
} HnPythonExceptionPrivate;

static void
hn_python_exception_private_init (HnPythonExceptionPrivate *priv)
{
  priv->exception = NULL;
}

static void
hn_python_exception_private_copy (const HnPythonExceptionPrivate *src,
                                  HnPythonExceptionPrivate       *dest)
{
  dest->exception = NULL;
  if (src->exception != NULL && python_alive ())
    {
      PyGILState_STATE gil = gil_enter ();
      dest->exception = Py_NewRef (src->exception);
      gil_leave (gil);
    }
}

static void
hn_python_exception_private_clear (HnPythonExceptionPrivate *priv)
{
  if (priv->exception != NULL && python_alive ())
    {
      PyGILState_STATE gil = gil_enter ();
      Py_CLEAR (priv->exception);
      gil_leave (gil);
    }
  priv->exception = NULL;
}

typedef enum { HN_PYTHON_EXCEPTION_RAISED } HnPythonException;

static GQuark hn_python_exception_quark (void);

G_DEFINE_EXTENDED_ERROR (HnPythonException, hn_python_exception)

/* Module state: borrowed from the module's lifetime (the module is never unloaded). */
static PyObject *errors_module;    /* hypernodes._errors */
static PyObject *pickle_dumps;
static PyObject *pickle_loads;
static PyObject *glib_variant_type; /* GLib.Variant */
static PyTypeObject PyDataType;      /* engine glue's Data, below */
static PyObject *run_coroutine;    /* hypernodes._aio.run_coroutine */
static PyObject *variant_from_data; /* hypernodes._values.variant_from_data */
static PyObject *take_engine_exception; /* hypernodes._bridge.take_exception */
static PyTypeObject *coroutine_type;

static void set_error_from_exception (PyObject *exc, GError **error);

/* Turns the current Python exception into @error, keeping the exception itself. Must hold the
 * GIL. */
static void
set_error_from_python (GError **error)
{
  PyObject *type, *exc, *tb;

  PyErr_Fetch (&type, &exc, &tb);
  PyErr_NormalizeException (&type, &exc, &tb);
  if (exc != NULL && tb != NULL)
    PyException_SetTraceback (exc, tb);
  Py_XDECREF (type);
  Py_XDECREF (tb);
  set_error_from_exception (exc, error);
}

/* Takes @exc. */
static void
set_error_from_exception (PyObject  *exc,
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
  local = g_error_new (hn_python_exception_quark (), HN_PYTHON_EXCEPTION_RAISED, "%s%s%s",
                       exc ? Py_TYPE (exc)->tp_name : "exception", *message ? ": " : "",
                       message);
  hn_python_exception_get_private (local)->exception = exc;  /* takes the reference */
  Py_XDECREF (text);
  g_propagate_error (error, local);
}

/* The Python exception behind @error (a new reference), or NULL. */
static PyObject *
exception_of (const GError *error)
{
  const GError *cause = error;

  if (error->domain != hn_python_exception_quark ())
    cause = hn_node_error_get_cause (error);
  if (cause == NULL || cause->domain != hn_python_exception_quark ())
    return NULL;
  return Py_XNewRef (hn_python_exception_get_private (cause)->exception);
}

/* Raises @error in Python: the node's own exception with a note naming the node and item, or
 * the library error as its exception class (hypernodes._errors). Returns NULL. */
static PyObject *raise_error_full (const GError *error, HnRun *run, gboolean note);

static PyObject *
raise_error (const GError *error)
{
  return raise_error_full (error, NULL, TRUE);
}

static PyObject *
raise_error_of_run (const GError *error,
                    HnRun        *run)
{
  return raise_error_full (error, run, TRUE);
}

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
  exc = exception_of (error);

  /* a node's exception that came back from an engine's worker */
  if (exc == NULL && run != NULL && error->domain == HN_NODE_ERROR)
    {
      const char *run_id = hn_callback_context_get_run_id (hn_run_get_context (run));

      exc = PyObject_CallFunction (take_engine_exception, "s", run_id);
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

  exc = PyObject_CallMethod (errors_module, "from_gerror", "sis",
                             g_quark_to_string (error->domain), error->code, error->message);
  if (exc != NULL)
    {
      PyErr_SetObject ((PyObject *) Py_TYPE (exc), exc);
      Py_DECREF (exc);
    }
  return NULL;
}

/* ---- Python objects as host values ------------------------------------------------------ */

static GVariant *py_to_variant (PyObject *obj, const GVariantType *type, GError **error);
static PyObject *py_from_variant (GVariant *value);
static GVariant *py_host_to_variant (gpointer object, const GVariantType *type, GError **error);
static char *py_host_describe (gpointer object);
static GVariant *py_host_cache_key (gpointer object, GError **error);

static void
py_host_free (gpointer object)
{
  PyGILState_STATE gil;

  if (!python_alive ())
    return;  /* the interpreter is gone: nothing to drop */
  gil = gil_enter ();
  Py_DECREF ((PyObject *) object);
  gil_leave (gil);
}

/* Columns are lists, which the library holds for a run: copies the caller cannot change. */
static void
py_column_values (gpointer  column,
                  gsize     first,
                  gsize     n_values,
                  gpointer *objects)
{
  PyGILState_STATE gil = gil_enter ();

  for (gsize i = 0; i < n_values; i++)
    objects[i] = Py_NewRef (PyList_GET_ITEM ((PyObject *) column, first + i));
  gil_leave (gil);
}

static const HnHostType python_host_type = {
  .language = "Python",
  .free = py_host_free,
  .to_variant = py_host_to_variant,
  .describe = py_host_describe,
  .cache_key = py_host_cache_key,
  .column_values = py_column_values,
};

/* A new list of the items of @seq, a list or a tuple (of a subclass too, whose own iteration
 * is not asked: the items are those the object holds). Must hold the GIL. */
static PyObject *
list_copy (PyObject *seq)
{
  Py_ssize_t n;
  PyObject *list;

  if (PyList_Check (seq))
    return PyList_GetSlice (seq, 0, PY_SSIZE_T_MAX);
  /* a tuple cannot change while it is copied */
  n = PyTuple_GET_SIZE (seq);
  list = PyList_New (n);
  for (Py_ssize_t i = 0; list != NULL && i < n; i++)
    PyList_SET_ITEM (list, i, Py_NewRef (PyTuple_GET_ITEM (seq, i)));
  return list;
}

/* Whether the values of @list are all Python objects as they are (their own host values):
 * none is data (a GLib.Variant, or engine glue's Data). Must hold the GIL. */
static gboolean
all_host_objects (PyObject *list)
{
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE (list); i++)
    {
      PyTypeObject *type = Py_TYPE (PyList_GET_ITEM (list, i));

      if ((PyObject *) type == glib_variant_type || type == &PyDataType)
        return FALSE;
    }
  return TRUE;
}

/* Must hold the GIL; takes a new reference to @obj. */
static HnValue *
value_from_python (PyObject *obj)
{
  /* a GLib.Variant given by the caller is data, checked and converted as data */
  if ((PyObject *) Py_TYPE (obj) == glib_variant_type)
    {
      GVariant *v = py_to_variant (obj, NULL, NULL);

      if (v != NULL)
        {
          HnValue *value = hn_value_new_variant (v);
          g_variant_unref (v);
          return value;
        }
    }
  return hn_value_new_host (&python_host_type, Py_NewRef (obj));
}

/* A new reference to the Python object of @value. Must hold the GIL. */
static PyObject *
value_to_python (HnValue *value)
{
  PyObject *obj = hn_value_get_host (value, &python_host_type);

  if (obj != NULL)
    return Py_NewRef (obj);
  if (!hn_value_is_host (value))
    return py_from_variant (hn_value_get_variant (value));
  PyErr_Format (PyExc_TypeError, "a value of another language cannot be used in Python");
  return NULL;
}

static char *
py_host_describe (gpointer object)
{
  PyGILState_STATE gil = gil_enter ();
  char *name = g_strdup (Py_TYPE ((PyObject *) object)->tp_name);

  gil_leave (gil);
  return name;
}

static GVariant *
py_host_to_variant (gpointer             object,
                    const GVariantType  *type,
                    GError             **error)
{
  PyGILState_STATE gil = gil_enter ();
  GVariant *v = py_to_variant (object, type, error);

  gil_leave (gil);
  return v;
}

static GVariant *
py_host_cache_key (gpointer   object,
                   GError   **error)
{
  PyGILState_STATE gil = gil_enter ();
  PyObject *obj = object;
  GVariant *v = NULL;

  if (PyObject_HasAttrString (obj, "__cache_key__"))
    {
      PyObject *key = PyObject_CallMethod (obj, "__cache_key__", NULL);

      if (key == NULL)
        set_error_from_python (error);
      else
        {
          GVariant *k = py_to_variant (key, NULL, error);

          if (k != NULL)
            {
              v = g_variant_new ("(sv)", Py_TYPE (obj)->tp_name, k);
              g_variant_unref (k);
            }
          Py_DECREF (key);
        }
    }
  else
    v = py_to_variant (obj, NULL, error);
  gil_leave (gil);
  return v;
}

/* ---- conversions ------------------------------------------------------------------------ */

/* Objects with no data form travel as a dict entry {'hn:<kind>': <bytes>}: the Python face
 * never makes a bare dict entry otherwise, and a C node can still read one. */
#define ENVELOPE_TYPE "{say}"

static GVariant *
envelope (const char *kind,
          const void *data,
          gsize       size)
{
  GBytes *bytes = g_bytes_new (data, size);
  GVariant *payload = g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING, bytes, TRUE);

  g_bytes_unref (bytes);
  return g_variant_new_dict_entry (g_variant_new_string (kind), payload);
}

static GVariant *
bytes_variant (PyObject *obj)
{
  Py_buffer view;
  GVariant *v;

  if (PyObject_GetBuffer (obj, &view, PyBUF_SIMPLE) < 0)
    return NULL;
  v = g_variant_new_from_bytes (G_VARIANT_TYPE_BYTESTRING,
                                g_bytes_new_take (g_memdup2 (view.buf, view.len), view.len),
                                TRUE);
  PyBuffer_Release (&view);
  return v;
}

static gboolean
fail_type (GError          **error,
           PyObject         *obj,
           const char       *expected,
           const GVariantType *type)
{
  g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
               "expected %s for type “%s”, not %s", expected,
               type ? g_variant_type_peek_string (type) : "*", Py_TYPE (obj)->tp_name);
  return FALSE;
}

static GVariant *
pickled (PyObject  *obj,
         GError   **error)
{
  PyObject *data = PyObject_CallOneArg (pickle_dumps, obj);
  GVariant *v;

  if (data == NULL)
    {
      set_error_from_python (error);
      return NULL;
    }
  v = envelope ("hn:pickle", PyBytes_AS_STRING (data), PyBytes_GET_SIZE (data));
  Py_DECREF (data);
  return v;
}

static GVariant *
str_variant (PyObject           *obj,
             const GVariantType *type,
             GError            **error)
{
  Py_ssize_t size;
  const char *text = PyUnicode_AsUTF8AndSize (obj, &size);

  if (text == NULL)
    {
      set_error_from_python (error);
      return NULL;
    }
  if ((Py_ssize_t) strlen (text) != size)
    {
      if (type != NULL)
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                       "a GVariant string (“%s”) cannot hold NUL (U+0000)",
                       g_variant_type_peek_string (type));
          return NULL;
        }
      return envelope ("hn:str", text, size);
    }
  if (type == NULL || g_variant_type_equal (type, G_VARIANT_TYPE_STRING))
    return g_variant_new_string (text);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_OBJECT_PATH) && g_variant_is_object_path (text))
    return g_variant_new_object_path (text);
  if (g_variant_type_equal (type, G_VARIANT_TYPE_SIGNATURE) && g_variant_is_signature (text))
    return g_variant_new_signature (text);
  g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
               "“%s” is not a valid value of type “%s”", text, g_variant_type_peek_string (type));
  return NULL;
}

/* @obj as a GVariant with the type inferred: what an untyped port gets. */
static GVariant *
infer_variant (PyObject  *obj,
               GError   **error)
{
  if (PyBool_Check (obj))
    return g_variant_new_boolean (obj == Py_True);
  if (PyLong_CheckExact (obj) || (PyLong_Check (obj) && !PyBool_Check (obj)))
    {
      int overflow;
      long long n = PyLong_AsLongLongAndOverflow (obj, &overflow);

      if (overflow == 0 && !(n == -1 && PyErr_Occurred ()))
        return g_variant_new_int64 (n);
      PyErr_Clear ();
      {
        PyObject *text = PyObject_Str (obj);
        Py_ssize_t size;
        const char *digits = text ? PyUnicode_AsUTF8AndSize (text, &size) : NULL;
        GVariant *v = digits ? envelope ("hn:int", digits, size) : NULL;

        if (v == NULL)
          set_error_from_python (error);
        Py_XDECREF (text);
        return v;
      }
    }
  if (PyFloat_Check (obj))
    return g_variant_new_double (PyFloat_AS_DOUBLE (obj));
  if (PyUnicode_Check (obj))
    return str_variant (obj, NULL, error);
  if (PyBytes_Check (obj) || PyByteArray_Check (obj) || PyMemoryView_Check (obj))
    {
      GVariant *v = bytes_variant (obj);
      if (v == NULL)
        set_error_from_python (error);
      return v;
    }
  if (obj == Py_None)
    return envelope ("hn:none", "", 0);
  if (PyTuple_CheckExact (obj))
    {
      Py_ssize_t n = PyTuple_GET_SIZE (obj);
      g_autofree GVariant **members = g_new0 (GVariant *, MAX (n, 1));

      for (Py_ssize_t i = 0; i < n; i++)
        {
          members[i] = infer_variant (PyTuple_GET_ITEM (obj, i), error);
          if (members[i] == NULL)
            {
              for (Py_ssize_t j = 0; j < i; j++)
                g_variant_unref (g_variant_ref_sink (members[j]));
              return NULL;
            }
        }
      return g_variant_new_tuple (members, n);
    }
  if (PyList_CheckExact (obj))
    {
      Py_ssize_t n = PyList_GET_SIZE (obj);
      g_autofree GVariant **elements = g_new0 (GVariant *, MAX (n, 1));
      gboolean same = n > 0;
      GVariant *v;

      for (Py_ssize_t i = 0; i < n; i++)
        {
          elements[i] = infer_variant (PyList_GET_ITEM (obj, i), error);
          if (elements[i] != NULL)
            g_variant_ref_sink (elements[i]);
          if (elements[i] == NULL)
            {
              for (Py_ssize_t j = 0; j < i; j++)
                g_variant_unref (elements[j]);
              return NULL;
            }
          if (i > 0 && !g_str_equal (g_variant_get_type_string (elements[i]),
                                     g_variant_get_type_string (elements[0])))
            same = FALSE;
        }
      /* an array of dict entries would be a dict: such elements go in an "av" too */
      if (same && g_variant_is_of_type (elements[0], G_VARIANT_TYPE_DICT_ENTRY))
        same = FALSE;
      if (same)
        v = g_variant_new_array (NULL, elements, n);
      else
        {
          GVariantBuilder builder;

          g_variant_builder_init (&builder, G_VARIANT_TYPE ("av"));
          for (Py_ssize_t i = 0; i < n; i++)
            g_variant_builder_add (&builder, "v", elements[i]);
          v = g_variant_builder_end (&builder);
        }
      for (Py_ssize_t i = 0; i < n; i++)
        g_variant_unref (elements[i]);
      return v;
    }
  if (PyDict_CheckExact (obj))
    {
      PyObject *key, *item;
      Py_ssize_t pos = 0;
      GVariantBuilder builder;
      gboolean str_keys = TRUE;

      while (PyDict_Next (obj, &pos, &key, &item))
        if (!PyUnicode_Check (key))
          str_keys = FALSE;
      if (str_keys)
        {
          g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);
          pos = 0;
          while (PyDict_Next (obj, &pos, &key, &item))
            {
              const char *k = PyUnicode_AsUTF8 (key);
              GVariant *v = k ? infer_variant (item, error) : NULL;

              if (v == NULL)
                {
                  if (k == NULL)
                    set_error_from_python (error);
                  g_variant_builder_clear (&builder);
                  return NULL;
                }
              g_variant_builder_add (&builder, "{sv}", k, v);
            }
          return g_variant_builder_end (&builder);
        }
    }
  if (glib_variant_type != NULL && PyObject_IsInstance (obj, glib_variant_type) == 1)
    {
      /* a GLib.Variant passes as it is, by its serialized form */
      PyObject *type_string = PyObject_CallMethod (obj, "get_type_string", NULL);
      PyObject *data = PyObject_CallMethod (obj, "get_data_as_bytes", NULL);
      PyObject *raw = data ? PyObject_CallMethod (data, "get_data", NULL) : NULL;
      GVariant *v = NULL;

      if (type_string != NULL && raw != NULL && PyBytes_Check (raw))
        {
          const char *t = PyUnicode_AsUTF8 (type_string);
          GBytes *bytes = g_bytes_new (PyBytes_AS_STRING (raw), PyBytes_GET_SIZE (raw));

          if (t != NULL && g_variant_type_string_is_valid (t))
            v = g_variant_new_from_bytes (G_VARIANT_TYPE (t), bytes, FALSE);
          g_bytes_unref (bytes);
        }
      else if (raw == Py_None && type_string != NULL)
        {
          const char *t = PyUnicode_AsUTF8 (type_string);
          GBytes *bytes = g_bytes_new (NULL, 0);

          if (t != NULL && g_variant_type_string_is_valid (t))
            v = g_variant_new_from_bytes (G_VARIANT_TYPE (t), bytes, FALSE);
          g_bytes_unref (bytes);
        }
      Py_XDECREF (type_string);
      Py_XDECREF (data);
      Py_XDECREF (raw);
      if (v != NULL)
        return v;
      PyErr_Clear ();
    }
  return pickled (obj, error);
}

static gboolean
int_in_range (PyObject           *obj,
              const GVariantType *type,
              long long           min,
              unsigned long long  max,
              gboolean            is_unsigned,
              long long          *s,
              unsigned long long *u,
              GError            **error)
{
  if (!PyLong_Check (obj) || PyBool_Check (obj))
    return fail_type (error, obj, "an int", type);
  if (is_unsigned)
    {
      *u = PyLong_AsUnsignedLongLong (obj);
      if (PyErr_Occurred () || *u > max)
        {
          PyErr_Clear ();
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                       "the int is out of the range of type “%s”",
                       g_variant_type_peek_string (type));
          return FALSE;
        }
    }
  else
    {
      *s = PyLong_AsLongLong (obj);
      if (PyErr_Occurred () || *s < min || (*s > 0 && (unsigned long long) *s > max))
        {
          PyErr_Clear ();
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                       "the int is out of the range of type “%s”",
                       g_variant_type_peek_string (type));
          return FALSE;
        }
    }
  return TRUE;
}

static GVariant *
py_to_variant_typed (PyObject           *obj,
                     const GVariantType *type,
                     GError            **error)
{
  long long s = 0;
  unsigned long long u = 0;

  if ((PyObject *) Py_TYPE (obj) == glib_variant_type)
    {
      /* a GLib.Variant is data already: it has the type or it does not */
      GVariant *v = infer_variant (obj, error);

      if (v != NULL && !g_variant_is_of_type (v, type))
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                       "a GLib.Variant of type “%s” is not of type “%s”",
                       g_variant_get_type_string (v), g_variant_type_peek_string (type));
          g_variant_unref (g_variant_ref_sink (v));
          return NULL;
        }
      return v;
    }

  if (!g_variant_type_is_definite (type))
    {
      /* "*", "a*", "m*" ...: the inferred value, if it fits */
      GVariant *v = infer_variant (obj, error);

      if (v != NULL && !g_variant_is_of_type (v, type))
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                       "a %s converts to type “%s”, not “%s”", Py_TYPE (obj)->tp_name,
                       g_variant_get_type_string (v), g_variant_type_peek_string (type));
          g_variant_unref (g_variant_ref_sink (v));
          return NULL;
        }
      return v;
    }

  switch (g_variant_type_peek_string (type)[0])
    {
    case 'b':
      if (!PyBool_Check (obj))
        return fail_type (error, obj, "a bool", type), NULL;
      return g_variant_new_boolean (obj == Py_True);
    case 'y':
      return int_in_range (obj, type, 0, G_MAXUINT8, TRUE, &s, &u, error)
        ? g_variant_new_byte (u) : NULL;
    case 'n':
      return int_in_range (obj, type, G_MININT16, G_MAXINT16, FALSE, &s, &u, error)
        ? g_variant_new_int16 (s) : NULL;
    case 'q':
      return int_in_range (obj, type, 0, G_MAXUINT16, TRUE, &s, &u, error)
        ? g_variant_new_uint16 (u) : NULL;
    case 'i':
      return int_in_range (obj, type, G_MININT32, G_MAXINT32, FALSE, &s, &u, error)
        ? g_variant_new_int32 (s) : NULL;
    case 'h':
      return int_in_range (obj, type, G_MININT32, G_MAXINT32, FALSE, &s, &u, error)
        ? g_variant_new_handle (s) : NULL;
    case 'u':
      return int_in_range (obj, type, 0, G_MAXUINT32, TRUE, &s, &u, error)
        ? g_variant_new_uint32 (u) : NULL;
    case 'x':
      return int_in_range (obj, type, G_MININT64, G_MAXINT64, FALSE, &s, &u, error)
        ? g_variant_new_int64 (s) : NULL;
    case 't':
      return int_in_range (obj, type, 0, G_MAXUINT64, TRUE, &s, &u, error)
        ? g_variant_new_uint64 (u) : NULL;
    case 'd':
      if (PyFloat_Check (obj) || (PyLong_Check (obj) && !PyBool_Check (obj)))
        {
          double d = PyFloat_AsDouble (obj);
          if (d == -1.0 && PyErr_Occurred ())
            {
              set_error_from_python (error);
              return NULL;
            }
          return g_variant_new_double (d);
        }
      return fail_type (error, obj, "a float", type), NULL;
    case 's':
    case 'o':
    case 'g':
      if (!PyUnicode_Check (obj))
        return fail_type (error, obj, "a str", type), NULL;
      return str_variant (obj, type, error);
    case 'v':
      {
        GVariant *inner = infer_variant (obj, error);
        return inner ? g_variant_new_variant (inner) : NULL;
      }
    case 'm':
      {
        const GVariantType *element = g_variant_type_element (type);
        GVariant *inner;

        if (obj == Py_None)
          return g_variant_new_maybe (element, NULL);
        inner = py_to_variant_typed (obj, element, error);
        return inner ? g_variant_new_maybe (NULL, inner) : NULL;
      }
    case 'a':
      {
        const GVariantType *element = g_variant_type_element (type);
        GVariantBuilder builder;
        PyObject *seq;

        if (g_variant_type_equal (type, G_VARIANT_TYPE_BYTESTRING) &&
            (PyBytes_Check (obj) || PyByteArray_Check (obj) || PyMemoryView_Check (obj)))
          {
            GVariant *v = bytes_variant (obj);
            if (v == NULL)
              set_error_from_python (error);
            return v;
          }
        if (g_variant_type_is_dict_entry (element))
          {
            PyObject *key, *item;
            Py_ssize_t pos = 0;

            if (!PyDict_Check (obj))
              return fail_type (error, obj, "a dict", type), NULL;
            g_variant_builder_init (&builder, type);
            while (PyDict_Next (obj, &pos, &key, &item))
              {
                GVariant *k = py_to_variant_typed (key, g_variant_type_key (element), error);
                GVariant *v = k ? py_to_variant_typed (item, g_variant_type_value (element),
                                                       error) : NULL;
                if (v == NULL)
                  {
                    if (k != NULL)
                      g_variant_unref (g_variant_ref_sink (k));
                    g_variant_builder_clear (&builder);
                    return NULL;
                  }
                g_variant_builder_add_value (&builder, g_variant_new_dict_entry (k, v));
              }
            return g_variant_builder_end (&builder);
          }
        if (PyUnicode_Check (obj) || PyDict_Check (obj) ||
            (seq = PySequence_Fast (obj, "")) == NULL)
          {
            PyErr_Clear ();
            return fail_type (error, obj, "a list", type), NULL;
          }
        g_variant_builder_init (&builder, type);
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE (seq); i++)
          {
            GVariant *v = py_to_variant_typed (PySequence_Fast_GET_ITEM (seq, i), element,
                                               error);
            if (v == NULL)
              {
                g_variant_builder_clear (&builder);
                Py_DECREF (seq);
                return NULL;
              }
            g_variant_builder_add_value (&builder, v);
          }
        Py_DECREF (seq);
        return g_variant_builder_end (&builder);
      }
    case '(':
    case '{':
      {
        gsize n = g_variant_type_is_tuple (type) ? g_variant_type_n_items (type) : 2;
        const GVariantType *member = g_variant_type_is_tuple (type)
          ? g_variant_type_first (type) : g_variant_type_key (type);
        g_autofree GVariant **members = g_new0 (GVariant *, MAX (n, 1));
        PyObject *seq;

        if (!(PyTuple_Check (obj) || PyList_Check (obj)) ||
            (gsize) PySequence_Size (obj) != n)
          {
            g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                         "expected a tuple of %" G_GSIZE_FORMAT " values for type “%s”, not %s",
                         n, g_variant_type_peek_string (type), Py_TYPE (obj)->tp_name);
            return NULL;
          }
        seq = PySequence_Fast (obj, "");
        for (gsize i = 0; i < n; i++, member = g_variant_type_next (member))
          {
            members[i] = py_to_variant_typed (PySequence_Fast_GET_ITEM (seq, i), member, error);
            if (members[i] == NULL)
              {
                for (gsize j = 0; j < i; j++)
                  g_variant_unref (g_variant_ref_sink (members[j]));
                Py_DECREF (seq);
                return NULL;
              }
          }
        Py_DECREF (seq);
        if (g_variant_type_is_tuple (type))
          return g_variant_new_tuple (members, n);
        return g_variant_new_dict_entry (members[0], members[1]);
      }
    default:
      return fail_type (error, obj, "a value", type), NULL;
    }
}

/* @obj as data: of @type when given (NULL, or an indefinite type, infers it). Returns a new
 * (sunk) reference. Must hold the GIL. */
static GVariant *
py_to_variant (PyObject           *obj,
               const GVariantType *type,
               GError            **error)
{
  GVariant *v;

  if (Py_EnterRecursiveCall (" converting a value to a GVariant"))
    {
      set_error_from_python (error);
      return NULL;
    }
  v = type == NULL ? infer_variant (obj, error) : py_to_variant_typed (obj, type, error);
  Py_LeaveRecursiveCall ();
  return v ? g_variant_ref_sink (v) : NULL;
}

static PyObject *
from_envelope (GVariant *value)
{
  g_autoptr(GVariant) key = g_variant_get_child_value (value, 0);
  g_autoptr(GVariant) payload = g_variant_get_child_value (value, 1);
  const char *kind = g_variant_get_string (key, NULL);
  gsize size;
  const char *data = g_variant_get_fixed_array (payload, &size, 1);

  if (g_str_equal (kind, "hn:str"))
    return PyUnicode_DecodeUTF8 (data, size, "strict");
  if (g_str_equal (kind, "hn:none"))
    Py_RETURN_NONE;
  if (g_str_equal (kind, "hn:int"))
    {
      g_autofree char *digits = g_strndup (data, size);
      return PyLong_FromString (digits, NULL, 10);
    }
  if (g_str_equal (kind, "hn:pickle"))
    {
      PyObject *bytes = PyBytes_FromStringAndSize (data, size);
      PyObject *obj = bytes ? PyObject_CallOneArg (pickle_loads, bytes) : NULL;

      Py_XDECREF (bytes);
      return obj;
    }
  return NULL;
}

static PyObject *
py_from_variant_inner (GVariant *value)
{
  switch (g_variant_classify (value))
    {
    case G_VARIANT_CLASS_BOOLEAN:
      return PyBool_FromLong (g_variant_get_boolean (value));
    case G_VARIANT_CLASS_BYTE:
      return PyLong_FromLong (g_variant_get_byte (value));
    case G_VARIANT_CLASS_INT16:
      return PyLong_FromLong (g_variant_get_int16 (value));
    case G_VARIANT_CLASS_UINT16:
      return PyLong_FromLong (g_variant_get_uint16 (value));
    case G_VARIANT_CLASS_INT32:
      return PyLong_FromLong (g_variant_get_int32 (value));
    case G_VARIANT_CLASS_HANDLE:
      return PyLong_FromLong (g_variant_get_handle (value));
    case G_VARIANT_CLASS_UINT32:
      return PyLong_FromUnsignedLong (g_variant_get_uint32 (value));
    case G_VARIANT_CLASS_INT64:
      return PyLong_FromLongLong (g_variant_get_int64 (value));
    case G_VARIANT_CLASS_UINT64:
      return PyLong_FromUnsignedLongLong (g_variant_get_uint64 (value));
    case G_VARIANT_CLASS_DOUBLE:
      return PyFloat_FromDouble (g_variant_get_double (value));
    case G_VARIANT_CLASS_STRING:
    case G_VARIANT_CLASS_OBJECT_PATH:
    case G_VARIANT_CLASS_SIGNATURE:
      {
        gsize size;
        const char *s = g_variant_get_string (value, &size);
        return PyUnicode_DecodeUTF8 (s, size, "surrogateescape");
      }
    case G_VARIANT_CLASS_VARIANT:
      {
        g_autoptr(GVariant) inner = g_variant_get_variant (value);
        return py_from_variant (inner);
      }
    case G_VARIANT_CLASS_MAYBE:
      {
        g_autoptr(GVariant) inner = g_variant_get_maybe (value);
        if (inner == NULL)
          Py_RETURN_NONE;
        return py_from_variant (inner);
      }
    case G_VARIANT_CLASS_ARRAY:
      {
        gsize n = g_variant_n_children (value);
        const GVariantType *element = g_variant_type_element (g_variant_get_type (value));
        PyObject *out;

        if (g_variant_type_equal (element, G_VARIANT_TYPE_BYTE))
          {
            gsize size;
            const char *data = g_variant_get_fixed_array (value, &size, 1);
            return PyBytes_FromStringAndSize (data, size);
          }
        if (g_variant_type_is_dict_entry (element))
          {
            out = PyDict_New ();
            for (gsize i = 0; out != NULL && i < n; i++)
              {
                g_autoptr(GVariant) entry = g_variant_get_child_value (value, i);
                g_autoptr(GVariant) k = g_variant_get_child_value (entry, 0);
                g_autoptr(GVariant) v = g_variant_get_child_value (entry, 1);
                PyObject *pk = py_from_variant (k);
                PyObject *pv = pk ? py_from_variant (v) : NULL;

                if (pv == NULL || PyDict_SetItem (out, pk, pv) < 0)
                  Py_CLEAR (out);
                Py_XDECREF (pk);
                Py_XDECREF (pv);
              }
            return out;
          }
        out = PyList_New (n);
        for (gsize i = 0; out != NULL && i < n; i++)
          {
            g_autoptr(GVariant) child = g_variant_get_child_value (value, i);
            PyObject *item = py_from_variant (child);

            if (item == NULL)
              Py_CLEAR (out);
            else
              PyList_SET_ITEM (out, i, item);
          }
        return out;
      }
    case G_VARIANT_CLASS_DICT_ENTRY:
      if (g_variant_is_of_type (value, G_VARIANT_TYPE (ENVELOPE_TYPE)))
        {
          PyObject *obj = from_envelope (value);
          if (obj != NULL || PyErr_Occurred ())
            return obj;
        }
      G_GNUC_FALLTHROUGH;
    case G_VARIANT_CLASS_TUPLE:
      {
        gsize n = g_variant_n_children (value);
        PyObject *out = PyTuple_New (n);

        for (gsize i = 0; out != NULL && i < n; i++)
          {
            g_autoptr(GVariant) child = g_variant_get_child_value (value, i);
            PyObject *item = py_from_variant (child);

            if (item == NULL)
              Py_CLEAR (out);
            else
              PyTuple_SET_ITEM (out, i, item);
          }
        return out;
      }
    }
  PyErr_SetString (PyExc_TypeError, "unknown GVariant class");
  return NULL;
}

/* A new Python object for @value. Must hold the GIL. */
static PyObject *
py_from_variant (GVariant *value)
{
  PyObject *obj;

  if (Py_EnterRecursiveCall (" converting a GVariant"))
    return NULL;
  obj = py_from_variant_inner (value);
  Py_LeaveRecursiveCall ();
  return obj;
}

/* ---- Python nodes ----------------------------------------------------------------------- */

typedef struct
{
  PyObject  *func;
  PyObject  *kwnames;       /* names of the keyword-only inputs, or NULL */
  guint      n_inputs;
  guint      n_positional;
  PyObject **defaults;      /* per input: its default, or NULL */
  guint      n_outputs;
  GVariantType **output_types;  /* per output: the declared type, or NULL */
  char      *name;
  char     **outputs;       /* for messages */
} PyNode;

static void
py_node_free (gpointer data)
{
  PyNode *node = data;

  if (python_alive ())
    {
      PyGILState_STATE gil = gil_enter ();

      Py_CLEAR (node->func);
      Py_CLEAR (node->kwnames);
      for (guint i = 0; i < node->n_inputs; i++)
        Py_CLEAR (node->defaults[i]);
      gil_leave (gil);
    }
  for (guint o = 0; o < node->n_outputs; o++)
    if (node->output_types[o] != NULL)
      g_variant_type_free (node->output_types[o]);
  g_free (node->output_types);
  g_free (node->defaults);
  g_free (node->name);
  g_strfreev (node->outputs);
  g_free (node);
}

/* Calls the node's function on @args (a default for an optional input not given). Returns its
 * result, or NULL with a Python exception set. Must hold the GIL. */
static PyObject *
call_function (PyNode          *node,
               HnValue * const *args,
               guint            n_args)
{
  PyObject *stack_buf[17];
  PyObject **stack = stack_buf;
  g_autofree PyObject **heap = NULL;
  PyObject *ret = NULL;
  guint n_ready;

  if (n_args + 1 > G_N_ELEMENTS (stack_buf))
    stack = heap = g_new (PyObject *, n_args + 1);
  for (n_ready = 0; n_ready < n_args; n_ready++)
    {
      PyObject *obj = args[n_ready] == NULL ? Py_XNewRef (node->defaults[n_ready])
                                            : value_to_python (args[n_ready]);
      if (obj == NULL)
        {
          if (!PyErr_Occurred ())
            PyErr_Format (PyExc_TypeError, "input %u has no value", n_ready);
          break;
        }
      stack[1 + n_ready] = obj;
    }
  if (n_ready == n_args)
    ret = PyObject_Vectorcall (node->func, stack + 1,
                               node->n_positional | PY_VECTORCALL_ARGUMENTS_OFFSET,
                               node->kwnames);
  for (guint i = 0; i < n_ready; i++)
    Py_DECREF (stack[1 + i]);
  return ret;
}

/* Stores the function's result @ret (borrowed) as the node's outputs, as they are: where the
 * node declares a type, the invocation path converts them (and says so if it cannot). Returns
 * FALSE with a Python TypeError set if @ret does not fit the outputs. Must hold the GIL. */
static gboolean
set_outputs (PyNode    *node,
             PyObject  *ret,
             HnValue  **results)
{
  PyObject *seq = NULL;

  if (node->n_outputs == 1)
    {
      results[0] = value_from_python (ret);
      return TRUE;
    }
  if ((PyTuple_Check (ret) || PyList_Check (ret)) &&
      (guint) PySequence_Size (ret) == node->n_outputs)
    seq = PySequence_Fast (ret, "");
  if (seq == NULL)
    {
      g_autofree char *names = g_strjoinv (", ", node->outputs);
      PyObject *shown = PyObject_Repr (ret);
      const char *text = shown ? PyUnicode_AsUTF8 (shown) : NULL;
      g_autofree char *message = NULL;

      PyErr_Clear ();
      message = g_strdup_printf ("node “%s” has %u outputs (%s) and must return a tuple of %u "
                                 "values, not %.200s", node->name, node->n_outputs, names,
                                 node->n_outputs, text ? text : "that");
      PyErr_SetString (PyExc_TypeError, message);
      Py_XDECREF (shown);
      return FALSE;
    }
  for (guint o = 0; o < node->n_outputs; o++)
    results[o] = value_from_python (PySequence_Fast_GET_ITEM (seq, o));
  Py_DECREF (seq);
  return TRUE;
}

static gboolean
py_node_call (HnNode          *hn_node,
              HnValue * const *args,
              guint            n_args,
              HnValue        **results,
              GCancellable    *cancellable,
              gpointer         user_data,
              GError         **error)
{
  PyNode *node = user_data;
  PyGILState_STATE gil = gil_enter ();
  PyObject *ret = call_function (node, args, n_args);
  gboolean ok;

  if (ret != NULL && Py_IS_TYPE (ret, coroutine_type))
    {
      /* an async def node: awaited here, also inside a running event loop */
      PyObject *coro = ret;
      ret = PyObject_CallOneArg (run_coroutine, coro);
      Py_DECREF (coro);
    }
  ok = ret != NULL && set_outputs (node, ret, results);
  if (!ok)
    set_error_from_python (error);
  Py_XDECREF (ret);
  gil_leave (gil);
  return ok;
}

/* ---- async def nodes on the async executor: coroutines on a background event loop ------ */

static PyObject *submit_coroutine;  /* hypernodes._aio.submit */
static PyObject *import_attr (const char *module, const char *name);

static PyObject *cancelled_error;  /* asyncio.CancelledError */

typedef struct
{
  PyObject_HEAD
  HnValueCall  *call;
  PyNode       *node;   /* borrowed: the node outlives its calls */
  GCancellable *cancellable;
  gulong        handler;
} PyValueCall;

/* The run's cancellable cancels the coroutine: from any thread (a timeout's). */
static void
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  PyGILState_STATE gil;
  PyObject *ret;

  if (!python_alive ())
    return;
  gil = gil_enter ();
  ret = PyObject_CallMethod (data, "cancel", NULL);
  Py_XDECREF (ret);
  PyErr_Clear ();
  gil_leave (gil);
}

static void
drop_future (gpointer data)
{
  PyGILState_STATE gil;

  if (!python_alive ())
    return;
  gil = gil_enter ();
  Py_DECREF ((PyObject *) data);
  gil_leave (gil);
}

/* With the GIL held: stops listening to the cancellable (without the GIL, since a handler that
 * runs meanwhile takes it). */
static void
py_value_call_disconnect (PyValueCall *pc)
{
  GCancellable *cancellable = g_steal_pointer (&pc->cancellable);
  gulong handler = pc->handler;

  pc->handler = 0;
  if (cancellable == NULL)
    return;
  Py_BEGIN_ALLOW_THREADS
  g_cancellable_disconnect (cancellable, handler);
  g_object_unref (cancellable);
  Py_END_ALLOW_THREADS
}

static void
py_value_call_dealloc (PyObject *self)
{
  PyValueCall *pc = (PyValueCall *) self;

  py_value_call_disconnect (pc);
  if (pc->call != NULL)
    hn_value_call_return_error (pc->call,
                                g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED,
                                                     "the coroutine was dropped unfinished"));
  Py_TYPE (self)->tp_free (self);
}

/* done(result, exception): completes the call, in the background loop's thread */
static PyObject *
py_value_call_done (PyObject *self,
                    PyObject *args)
{
  PyValueCall *pc = (PyValueCall *) self;
  PyObject *result, *exc;
  HnValueCall *call = g_steal_pointer (&pc->call);
  GError *error = NULL;

  if (!PyArg_ParseTuple (args, "OO", &result, &exc))
    return NULL;
  py_value_call_disconnect (pc);
  if (call == NULL)
    Py_RETURN_NONE;
  if (exc != Py_None && PyObject_IsInstance (exc, cancelled_error) == 1)
    {
      /* cancelled by the run (its cancellable, or its timeout) */
      hn_value_call_return_error (call, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                             "Operation was cancelled"));
      Py_RETURN_NONE;
    }
  if (exc != Py_None)
    {
      set_error_from_exception (Py_NewRef (exc), &error);
      hn_value_call_return_error (call, error);
      Py_RETURN_NONE;
    }
  {
    g_autofree HnValue **results = g_new0 (HnValue *, MAX (pc->node->n_outputs, 1));

    if (!set_outputs (pc->node, result, results))
      {
        set_error_from_python (&error);
        hn_value_call_return_error (call, error);
        Py_RETURN_NONE;
      }
    hn_value_call_return_values (call, results);
  }
  Py_RETURN_NONE;
}

static PyObject *
py_value_call_call (PyObject *self,
                    PyObject *args,
                    PyObject *kwargs)
{
  return py_value_call_done (self, args);
}

static PyTypeObject PyValueCallType = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "hypernodes._native.ValueCall",
  .tp_basicsize = sizeof (PyValueCall),
  .tp_dealloc = py_value_call_dealloc,
  .tp_call = py_value_call_call,
  .tp_flags = Py_TPFLAGS_DEFAULT,
  .tp_doc = "The completion of one call of an async def node",
};

static void
py_node_call_async (HnNode          *hn_node,
                    HnValue * const *args,
                    guint            n_args,
                    GCancellable    *cancellable,
                    HnValueCall     *call,
                    gpointer         user_data)
{
  PyNode *node = user_data;
  PyObject *coro = NULL, *done = NULL, *ret;
  GError *error = NULL;
  PyGILState_STATE gil = gil_enter ();

  coro = call_function (node, args, n_args);
  if (coro == NULL)
    goto failed;
  done = PyType_GenericAlloc (&PyValueCallType, 0);
  if (done == NULL)
    goto failed;
  ((PyValueCall *) done)->call = call;
  ((PyValueCall *) done)->node = node;
  ret = PyObject_CallFunctionObjArgs (submit_coroutine, coro, done, NULL);
  if (ret == NULL)
    {
      ((PyValueCall *) done)->call = NULL;
      goto failed;
    }
  if (cancellable != NULL && ((PyValueCall *) done)->call != NULL)
    {
      PyValueCall *pc = (PyValueCall *) done;

      /* the future holds a reference until the handler is disconnected */
      pc->cancellable = g_object_ref (cancellable);
      pc->handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled),
                                           Py_NewRef (ret), drop_future);
    }
  Py_DECREF (ret);
  goto out;

failed:
  set_error_from_python (&error);
  hn_value_call_return_error (call, error);
out:
  Py_XDECREF (coro);
  Py_XDECREF (done);
  gil_leave (gil);
}

/* install(node, func, n_positional, kwnames, defaults, output_types): makes @func the way
 * the HnNode @node is called. */
static PyObject *
native_install (PyObject *module,
                PyObject *args)
{
  PyObject *py_node, *func, *kwnames, *defaults, *output_types;
  unsigned int n_positional;
  HnNode *hn_node;
  PyNode *node;

  if (!PyArg_ParseTuple (args, "OOIOO!O!", &py_node, &func, &n_positional, &kwnames,
                         &PyTuple_Type, &defaults, &PyTuple_Type, &output_types))
    return NULL;
  if (!pygobject_check (py_node, pygobject_lookup_class (HN_TYPE_NODE)))
    {
      PyErr_SetString (PyExc_TypeError, "install() needs an Hn.Node");
      return NULL;
    }
  hn_node = HN_NODE (pygobject_get (py_node));
  if (PyTuple_GET_SIZE (defaults) != (Py_ssize_t) g_strv_length ((char **) hn_node_get_inputs (hn_node)) ||
      PyTuple_GET_SIZE (output_types) !=
        (Py_ssize_t) g_strv_length ((char **) hn_node_get_outputs (hn_node)))
    {
      PyErr_SetString (PyExc_ValueError, "install(): one default per input, one type per output");
      return NULL;
    }

  node = g_new0 (PyNode, 1);
  node->func = Py_NewRef (func);
  node->kwnames = kwnames == Py_None ? NULL : Py_NewRef (kwnames);
  node->n_inputs = PyTuple_GET_SIZE (defaults);
  node->n_positional = n_positional;
  node->defaults = g_new0 (PyObject *, MAX (node->n_inputs, 1));
  node->name = g_strdup (hn_node_get_name (hn_node));
  node->outputs = g_strdupv ((char **) hn_node_get_outputs (hn_node));
  for (guint i = 0; i < node->n_inputs; i++)
    {
      PyObject *d = PyTuple_GET_ITEM (defaults, i);
      /* a default is given as a 1-tuple, so that None can be a default */
      node->defaults[i] = PyTuple_Check (d) && PyTuple_GET_SIZE (d) == 1
        ? Py_NewRef (PyTuple_GET_ITEM (d, 0)) : NULL;
    }
  node->n_outputs = PyTuple_GET_SIZE (output_types);
  node->output_types = g_new0 (GVariantType *, MAX (node->n_outputs, 1));
  for (guint o = 0; o < node->n_outputs; o++)
    {
      PyObject *t = PyTuple_GET_ITEM (output_types, o);
      const char *s = t == Py_None ? NULL : PyUnicode_AsUTF8 (t);

      if (s != NULL && *s != '\0' && g_variant_type_string_is_valid (s) && !g_str_equal (s, "*"))
        node->output_types[o] = g_variant_type_new (s);
    }
  PyErr_Clear ();
  hn_node_set_value_func (hn_node, py_node_call, node, py_node_free);
  g_object_set_data (G_OBJECT (hn_node), "hn-python-node", GINT_TO_POINTER (1));
  /* an async def: the async executor keeps many in flight on one event loop */
  {
    PyObject *is_coroutine = import_attr ("inspect", "iscoroutinefunction");
    PyObject *yes = is_coroutine ? PyObject_CallOneArg (is_coroutine, func) : NULL;

    if (yes == Py_True)
      hn_node_set_value_async_func (hn_node, py_node_call_async, node, NULL);
    Py_XDECREF (yes);
    Py_XDECREF (is_coroutine);
    PyErr_Clear ();
  }
  Py_RETURN_NONE;
}

/* ---- runs ------------------------------------------------------------------------------- */

/* Whether a node of @pipeline (or of a pipeline nested in it) is bound to a main context or
 * implements only invoke_async: its calls wait on other threads. Pipelines are immutable: the
 * answer is kept on the object. */
static gboolean
waits_on_others (HnPipeline *pipeline)
{
  static GQuark quark;
  gpointer known;
  guint n_nodes = 0;
  HnNode **nodes;
  gboolean waits = FALSE;

  if (quark == 0)
    quark = g_quark_from_static_string ("hn-python-waits-on-others");
  known = g_object_get_qdata (G_OBJECT (pipeline), quark);
  if (known != NULL)
    return GPOINTER_TO_INT (known) == 2;

  nodes = hn_pipeline_get_nodes (pipeline, &n_nodes);
  for (guint i = 0; i < n_nodes && !waits; i++)
    {
      HnNodeClass *klass = HN_NODE_GET_CLASS (nodes[i]);

      waits = hn_node_get_main_context (nodes[i]) != NULL ||
              HN_IS_ASYNC_FUNCTION_NODE (nodes[i]) ||
              (HN_IS_PIPELINE_NODE (nodes[i]) &&
               waits_on_others (hn_pipeline_node_get_pipeline (HN_PIPELINE_NODE (nodes[i])))) ||
              (klass->invoke_async != HN_NODE_CLASS (g_type_class_peek (HN_TYPE_NODE))->invoke_async &&
               klass->invoke == HN_NODE_CLASS (g_type_class_peek (HN_TYPE_NODE))->invoke);
    }
  g_object_set_qdata (G_OBJECT (pipeline), quark, GINT_TO_POINTER (waits ? 2 : 1));
  return waits;
}

static gboolean
keeps_gil (HnPipeline *pipeline)
{
  HnRuntimeConfig *config = hn_pipeline_get_config (pipeline);

  /* the sequential executor calls every node in this thread: the GIL can stay held. Any other
   * executor has threads (or a main loop) that need it; so do nodes whose calls wait on other
   * threads (bound to a main context, or asynchronous only). */
  return HN_IS_LOCAL_BACKEND (hn_runtime_config_get_backend (config)) &&
         hn_executor_calls_in_caller (hn_runtime_config_get_executor (config)) &&
         !waits_on_others (pipeline);
}

static gboolean
execute (HnRun      *run,
         HnPipeline *pipeline,
         GError    **error)
{
  gboolean ok;

  if (keeps_gil (pipeline))
    return hn_run_execute_values (run, error);
  Py_BEGIN_ALLOW_THREADS
  ok = hn_run_execute_values (run, error);
  Py_END_ALLOW_THREADS
  return ok;
}

static HnPipeline *
pipeline_of (PyObject *obj)
{
  if (!pygobject_check (obj, pygobject_lookup_class (HN_TYPE_PIPELINE)))
    {
      PyErr_SetString (PyExc_TypeError, "expected an Hn.Pipeline");
      return NULL;
    }
  return HN_PIPELINE (pygobject_get (obj));
}

static GCancellable *
cancellable_of (PyObject *obj,
                gboolean *ok)
{
  *ok = TRUE;
  if (obj == Py_None)
    return NULL;
  if (!pygobject_check (obj, pygobject_lookup_class (G_TYPE_CANCELLABLE)))
    {
      PyErr_SetString (PyExc_TypeError, "cancellable must be a Gio.Cancellable or None");
      *ok = FALSE;
      return NULL;
    }
  return G_CANCELLABLE (pygobject_get (obj));
}

/* names and values of a dict of inputs (str keys); borrowed names, new values */
static gboolean
inputs_of (PyObject   *inputs,
           GPtrArray  *names,
           GPtrArray  *values,
           PyObject   *skip)
{
  PyObject *key, *value;
  Py_ssize_t pos = 0, size;

  if (inputs == Py_None)
    return TRUE;
  if (!PyDict_Check (inputs))
    {
      PyErr_Format (PyExc_TypeError, "inputs must be a dict, not %s", Py_TYPE (inputs)->tp_name);
      return FALSE;
    }
  while (PyDict_Next (inputs, &pos, &key, &value))
    {
      const char *name;

      if (!PyUnicode_Check (key))
        {
          PyErr_Format (PyExc_TypeError, "input names must be str, not %s",
                        Py_TYPE (key)->tp_name);
          return FALSE;
        }
      if (skip != NULL && PySequence_Contains (skip, key) == 1)
        continue;
      name = PyUnicode_AsUTF8AndSize (key, &size);
      if (name == NULL)
        return FALSE;
      if ((Py_ssize_t) strlen (name) != size)
        {
          /* a C string would end at the NUL, and then maybe name another input */
          PyErr_Format (PyExc_TypeError,
                        "the input name %R contains NUL (U+0000), which no name can hold", key);
          return FALSE;
        }
      g_ptr_array_add (names, (gpointer) name);
      g_ptr_array_add (values, value_from_python (value));
    }
  return TRUE;
}

static char **
outputs_of (PyObject *outputs,
            gboolean *ok)
{
  GStrvBuilder *builder;
  PyObject *seq;
  char **strv;

  *ok = TRUE;
  if (outputs == Py_None)
    return NULL;
  seq = PySequence_Fast (outputs, "output names must be a list of str");
  if (seq == NULL)
    {
      *ok = FALSE;
      return NULL;
    }
  builder = g_strv_builder_new ();
  for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE (seq); i++)
    {
      PyObject *item = PySequence_Fast_GET_ITEM (seq, i);
      const char *s = PyUnicode_Check (item) ? PyUnicode_AsUTF8 (item) : NULL;

      if (s == NULL)
        {
          if (!PyErr_Occurred ())
            PyErr_SetString (PyExc_TypeError, "output names must be str");
          *ok = FALSE;
          break;
        }
      g_strv_builder_add (builder, s);
    }
  Py_DECREF (seq);
  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  if (!*ok)
    g_clear_pointer (&strv, g_strfreev);
  return strv;
}

static PyObject *
results_dict (HnRun       *run,
              gsize        item,
              PyObject   **keys,
              guint        n_keys)
{
  guint n;
  HnValue * const *values = hn_run_get_result_values (run, item, &n);
  PyObject *dict = PyDict_New ();

  for (guint o = 0; dict != NULL && o < n; o++)
    {
      PyObject *obj = value_to_python (values[o]);

      if (obj == NULL || PyDict_SetItem (dict, keys[o], obj) < 0)
        Py_CLEAR (dict);
      Py_XDECREF (obj);
    }
  return dict;
}

/* The results of a map whose engine glue gave them as lists (hn_run_set_result_columns()),
 * as a list of dicts; NULL, without an exception, when it gave them otherwise. */
static PyObject *
result_columns_dicts (HnRun      *run,
                      gsize       n_items,
                      PyObject  **keys,
                      guint       n_keys)
{
  g_autofree PyObject **lists = g_new (PyObject *, MAX (n_keys, 1));
  PyObject *result;

  for (guint o = 0; o < n_keys; o++)
    if ((lists[o] = hn_run_get_result_column (run, o, &python_host_type)) == NULL ||
        (gsize) PyList_GET_SIZE (lists[o]) != n_items)
      return NULL;
  if (n_keys == 0)
    return NULL;
  result = PyList_New (n_items);
  for (gsize i = 0; result != NULL && i < n_items; i++)
    {
      PyObject *dict = PyDict_New ();

      for (guint o = 0; dict != NULL && o < n_keys; o++)
        if (PyDict_SetItem (dict, keys[o], PyList_GET_ITEM (lists[o], i)) < 0)
          Py_CLEAR (dict);
      if (dict == NULL)
        Py_CLEAR (result);
      else
        PyList_SET_ITEM (result, i, dict);
    }
  return result;
}

static PyObject **
result_keys (HnRun *run,
             guint *n_keys)
{
  g_auto(GStrv) names = hn_run_dup_result_names (run);
  guint n = g_strv_length (names);
  PyObject **keys = g_new0 (PyObject *, MAX (n, 1));

  for (guint o = 0; o < n; o++)
    keys[o] = PyUnicode_InternFromString (names[o]);
  *n_keys = n;
  return keys;
}

static void
free_keys (PyObject **keys,
           guint      n)
{
  for (guint o = 0; o < n; o++)
    Py_XDECREF (keys[o]);
  g_free (keys);
}

static void
unref_values (GPtrArray *values)
{
  for (guint i = 0; i < values->len; i++)
    hn_value_unref (values->pdata[i]);
  g_ptr_array_unref (values);
}

/* run(pipeline, inputs, outputs, cancellable) -> dict */
static PyObject *
native_run (PyObject *module,
            PyObject *args)
{
  PyObject *py_pipeline, *inputs, *outputs, *py_cancellable;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GPtrArray *values = g_ptr_array_new ();
  g_auto(GStrv) output_names = NULL;
  g_autoptr(HnRun) run = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  HnPipeline *pipeline;
  PyObject **keys;
  PyObject *result;
  guint n_keys;
  gboolean ok;

  if (!PyArg_ParseTuple (args, "OOOO", &py_pipeline, &inputs, &outputs, &py_cancellable) ||
      (pipeline = pipeline_of (py_pipeline)) == NULL)
    {
      unref_values (values);
      return NULL;
    }
  cancellable = cancellable_of (py_cancellable, &ok);
  if (ok)
    output_names = outputs_of (outputs, &ok);
  if (!ok || !inputs_of (inputs, names, values, NULL))
    {
      unref_values (values);
      return NULL;
    }

  run = hn_run_new_values (pipeline, names->len, (const char * const *) names->pdata,
                           (HnValue * const *) values->pdata,
                           (const char * const *) output_names, cancellable, &error);
  unref_values (values);
  if (run == NULL)
    return raise_error (error);
  if (!execute (run, pipeline, &error))
    return raise_error_of_run (error, run);

  keys = result_keys (run, &n_keys);
  result = results_dict (run, 0, keys, n_keys);
  free_keys (keys, n_keys);
  return result;
}

/* map(pipeline, inputs, map_over, mode, outputs, cancellable) -> list of dicts */
static PyObject *
native_map (PyObject *module,
            PyObject *args)
{
  PyObject *py_pipeline, *inputs, *map_over, *outputs, *py_cancellable;
  int mode;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GPtrArray *values = g_ptr_array_new ();
  g_auto(GStrv) output_names = NULL;
  g_auto(GStrv) over = NULL;
  g_autoptr(HnRun) run = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree HnValue ***columns = NULL;
  g_autofree gpointer *lists = NULL;
  g_autofree gsize *lengths = NULL;
  GCancellable *cancellable;
  HnPipeline *pipeline;
  PyObject *result = NULL;
  PyObject **keys;
  guint n_keys, n_over;
  gboolean ok, as_lists = TRUE;
  gsize n_items;

  if (!PyArg_ParseTuple (args, "OOOiOO", &py_pipeline, &inputs, &map_over, &mode, &outputs,
                         &py_cancellable) ||
      (pipeline = pipeline_of (py_pipeline)) == NULL)
    {
      unref_values (values);
      return NULL;
    }
  cancellable = cancellable_of (py_cancellable, &ok);
  if (ok)
    output_names = outputs_of (outputs, &ok);
  if (ok)
    over = outputs_of (map_over, &ok);
  if (!ok || !inputs_of (inputs, names, values, map_over))
    {
      unref_values (values);
      return NULL;
    }

  /* the mapped lists are copied, as columns the run holds as they are, unless some of their
   * values are data (GLib.Variant), which the run takes as data */
  n_over = over ? g_strv_length (over) : 0;
  lists = g_new0 (gpointer, MAX (n_over, 1));
  lengths = g_new0 (gsize, MAX (n_over, 1));
  for (guint m = 0; ok && m < n_over; m++)
    {
      PyObject *list = inputs != Py_None ? PyDict_GetItemString (inputs, over[m]) : NULL;

      if (list == NULL)
        continue;  /* bound, or missing: the library says which */
      if (!(PyList_Check (list) || PyTuple_Check (list)))
        {
          PyObject *exc = PyObject_CallMethod (errors_module, "not_a_list", "ss", over[m],
                                               Py_TYPE (list)->tp_name);
          if (exc != NULL)
            {
              PyErr_SetObject ((PyObject *) Py_TYPE (exc), exc);
              Py_DECREF (exc);
            }
          ok = FALSE;
          break;
        }
      lists[m] = list_copy (list);
      if (lists[m] == NULL)
        {
          ok = FALSE;
          break;
        }
      lengths[m] = PyList_GET_SIZE ((PyObject *) lists[m]);
      as_lists = as_lists && all_host_objects (lists[m]);
    }
  if (ok && !as_lists)
    {
      columns = g_new0 (HnValue **, MAX (n_over, 1));
      for (guint m = 0; m < n_over; m++)
        if (lists[m] != NULL)
          {
            columns[m] = g_new (HnValue *, MAX (lengths[m], 1));
            for (gsize i = 0; i < lengths[m]; i++)
              columns[m][i] = value_from_python (PyList_GET_ITEM ((PyObject *) lists[m], i));
          }
    }

  if (ok && as_lists)
    {
      /* the run takes the lists */
      run = hn_run_new_map_columns (pipeline, names->len, (const char * const *) names->pdata,
                                    (HnValue * const *) values->pdata,
                                    (const char * const *) over, &python_host_type,
                                    (gpointer const *) lists, lengths, mode,
                                    (const char * const *) output_names, cancellable, &error);
      memset (lists, 0, sizeof (gpointer) * n_over);
    }
  else if (ok)
    run = hn_run_new_map_values (pipeline, names->len, (const char * const *) names->pdata,
                                 (HnValue * const *) values->pdata,
                                 (const char * const *) over,
                                 (HnValue * const * const *) columns, lengths, mode,
                                 (const char * const *) output_names, cancellable, &error);
  unref_values (values);
  for (guint m = 0; m < n_over; m++)
    {
      Py_XDECREF ((PyObject *) lists[m]);
      if (columns != NULL && columns[m] != NULL)
        {
          for (gsize i = 0; i < lengths[m]; i++)
            hn_value_unref (columns[m][i]);
          g_free (columns[m]);
        }
    }
  if (!ok)
    return NULL;
  if (run == NULL)
    return raise_error (error);
  if (!execute (run, pipeline, &error))
    return raise_error_of_run (error, run);

  n_items = hn_run_get_n_items (run);
  keys = result_keys (run, &n_keys);
  result = result_columns_dicts (run, n_items, keys, n_keys);
  if (result == NULL && !PyErr_Occurred ())
    {
      result = PyList_New (n_items);
      for (gsize i = 0; result != NULL && i < n_items; i++)
        {
          PyObject *dict = results_dict (run, i, keys, n_keys);

          if (dict == NULL)
            Py_CLEAR (result);
          else
            PyList_SET_ITEM (result, i, dict);
        }
    }
  free_keys (keys, n_keys);
  return result;
}

/* to_variant(obj, type_string or None) -> GLib.Variant, as the library converts a value */
static PyObject *
native_to_data (PyObject *module,
                PyObject *args)
{
  PyObject *obj;
  const char *type_string = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = NULL;
  g_autoptr(GVariant) normal = NULL;
  g_autoptr(GVariantType) type = NULL;

  if (!PyArg_ParseTuple (args, "Oz", &obj, &type_string))
    return NULL;
  if (type_string != NULL && !g_variant_type_string_is_valid (type_string))
    {
      PyErr_Format (PyExc_ValueError, "“%s” is not a GVariant type", type_string);
      return NULL;
    }
  if (type_string != NULL && !g_str_equal (type_string, "*"))
    type = g_variant_type_new (type_string);
  v = py_to_variant (obj, type, &error);
  if (v == NULL)
    {
      if (error->domain == hn_python_exception_quark ())
        return raise_error (error);
      PyErr_SetString (PyExc_TypeError, error->message);
      return NULL;
    }
  normal = g_variant_get_normal_form (v);
  return Py_BuildValue ("(sy#)", g_variant_get_type_string (normal),
                        (const char *) g_variant_get_data (normal),
                        (Py_ssize_t) g_variant_get_size (normal));
}

/* from_data(type_string, bytes) -> object, as the library gives data to a Python node */
static PyObject *
native_from_data (PyObject *module,
                  PyObject *args)
{
  const char *type_string;
  const char *data;
  Py_ssize_t size;
  g_autoptr(GVariant) v = NULL;
  GBytes *bytes;

  if (!PyArg_ParseTuple (args, "sy#", &type_string, &data, &size))
    return NULL;
  if (!g_variant_type_string_is_valid (type_string) ||
      !g_variant_type_is_definite (G_VARIANT_TYPE (type_string)))
    {
      PyErr_Format (PyExc_ValueError, "“%s” is not a definite GVariant type", type_string);
      return NULL;
    }
  bytes = g_bytes_new (data, size);
  v = g_variant_ref_sink (g_variant_new_from_bytes (G_VARIANT_TYPE (type_string), bytes, FALSE));
  g_bytes_unref (bytes);
  return py_from_variant (v);
}

/* @v as a GLib.Variant object, through its serialized form */
static PyObject *
variant_to_python_object (GVariant *v)
{
  g_autoptr(GVariant) normal = g_variant_get_normal_form (v);
  PyObject *data, *out;

  data = PyBytes_FromStringAndSize (g_variant_get_data (normal), g_variant_get_size (normal));
  if (data == NULL)
    return NULL;
  out = PyObject_CallFunction (variant_from_data, "sO", g_variant_get_type_string (normal), data);
  Py_DECREF (data);
  return out;
}

/* ---- engine glue ----------------------------------------------------------------------- */

/* Values in engine glue are plain Python objects (a Python host value is its object), or Data:
 * a value that is data (a GVariant), which pickles as its type and serialized bytes so that it
 * crosses processes exactly. NOT_GIVEN, a Data without a variant, stands for an optional input
 * that is not given. */
typedef struct
{
  PyObject_HEAD
  GVariant *variant;  /* NULL for NOT_GIVEN */
} PyData;

static PyTypeObject PyDataType;
static PyObject *not_given;  /* the NOT_GIVEN singleton */

static PyObject *
data_new (GVariant *variant)
{
  PyData *data = PyObject_New (PyData, &PyDataType);

  if (data != NULL)
    data->variant = g_variant_ref_sink (variant);
  return (PyObject *) data;
}

static void
py_data_dealloc (PyObject *self)
{
  PyData *data = (PyData *) self;

  g_clear_pointer (&data->variant, g_variant_unref);
  PyObject_Free (self);
}

static PyObject *
py_data_repr (PyObject *self)
{
  PyData *data = (PyData *) self;
  g_autofree char *text = NULL;

  if (data->variant == NULL)
    return PyUnicode_FromString ("hypernodes._native.NOT_GIVEN");
  text = g_variant_print (data->variant, TRUE);
  return PyUnicode_FromFormat ("Data(%s)", text);
}

static PyObject *
py_data_reduce (PyObject *self,
                PyObject *unused)
{
  PyData *data = (PyData *) self;
  PyObject *module = PyImport_ImportModule ("hypernodes._native");
  PyObject *ret = NULL;

  if (module == NULL)
    return NULL;
  if (data->variant == NULL)
    ret = Py_BuildValue ("(N())", PyObject_GetAttrString (module, "_not_given"));
  else
    {
      g_autoptr(GVariant) normal = g_variant_get_normal_form (data->variant);

      ret = Py_BuildValue ("(N(sy#))", PyObject_GetAttrString (module, "_data"),
                           g_variant_get_type_string (normal),
                           (const char *) g_variant_get_data (normal),
                           (Py_ssize_t) g_variant_get_size (normal));
    }
  Py_DECREF (module);
  return ret;
}

/* The value as a Python object, as a Python node gets it. */
static PyObject *
py_data_unpack (PyObject *self,
                PyObject *unused)
{
  PyData *data = (PyData *) self;

  if (data->variant == NULL)
    Py_RETURN_NONE;
  return py_from_variant (data->variant);
}

static PyObject *
py_data_type_string (PyObject *self,
                     void     *closure)
{
  PyData *data = (PyData *) self;

  if (data->variant == NULL)
    Py_RETURN_NONE;
  return PyUnicode_FromString (g_variant_get_type_string (data->variant));
}

static PyObject *
py_data_richcompare (PyObject *a,
                     PyObject *b,
                     int       op)
{
  GVariant *va, *vb;
  gboolean equal;

  if (!PyObject_TypeCheck (b, &PyDataType) || (op != Py_EQ && op != Py_NE))
    Py_RETURN_NOTIMPLEMENTED;
  va = ((PyData *) a)->variant;
  vb = ((PyData *) b)->variant;
  equal = va == vb || (va != NULL && vb != NULL && g_variant_equal (va, vb));
  return PyBool_FromLong (op == Py_EQ ? equal : !equal);
}

static PyMethodDef py_data_methods[] = {
  { "__reduce__", py_data_reduce, METH_NOARGS, NULL },
  { "unpack", py_data_unpack, METH_NOARGS, "The value as a Python object" },
  { NULL, NULL, 0, NULL },
};

static PyGetSetDef py_data_getset[] = {
  { "type_string", py_data_type_string, NULL, "The GVariant type of the value", NULL },
  { NULL, NULL, NULL, NULL, NULL },
};

static PyTypeObject PyDataType = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "hypernodes._native.Data",
  .tp_basicsize = sizeof (PyData),
  .tp_dealloc = py_data_dealloc,
  .tp_repr = py_data_repr,
  .tp_richcompare = py_data_richcompare,
  .tp_methods = py_data_methods,
  .tp_getset = py_data_getset,
  .tp_flags = Py_TPFLAGS_DEFAULT,
  .tp_doc = "A value that is data (a GVariant), as the engine glue carries it",
};

/* The variant of type @type_string serialized in @size bytes at @bytes, which another process
 * wrote in normal form (a Data pickled, a value encoded); NULL if the type is not definite or
 * the data was damaged on the way. */
static GVariant *
variant_of_normal_data (const char *type_string,
                        const char *bytes,
                        gsize       size)
{
  GVariant *v;

  if (!g_variant_type_string_is_valid (type_string) ||
      !g_variant_type_is_definite (G_VARIANT_TYPE (type_string)))
    return NULL;
  v = g_variant_ref_sink (g_variant_new_from_data (G_VARIANT_TYPE (type_string),
                                                    g_memdup2 (bytes, size), size, FALSE,
                                                    g_free, NULL));
  if (!g_variant_is_normal_form (v))
    g_clear_pointer (&v, g_variant_unref);
  return v;
}

/* _data(type_string, bytes) -> Data: unpickles a Data */
static PyObject *
native_data (PyObject *module,
             PyObject *args)
{
  const char *type_string;
  const char *bytes;
  Py_ssize_t size;
  GVariant *v;
  PyObject *ret;

  if (!PyArg_ParseTuple (args, "sy#", &type_string, &bytes, &size))
    return NULL;
  if (!g_variant_type_string_is_valid (type_string) ||
      !g_variant_type_is_definite (G_VARIANT_TYPE (type_string)))
    {
      PyErr_Format (PyExc_ValueError, "“%s” is not a definite GVariant type", type_string);
      return NULL;
    }
  v = variant_of_normal_data (type_string, bytes, size);
  if (v == NULL)
    {
      PyErr_Format (PyExc_ValueError, "damaged data of type “%s”", type_string);
      return NULL;
    }
  ret = data_new (v);
  g_variant_unref (v);
  return ret;
}

static PyObject *
native_not_given (PyObject *module,
                  PyObject *unused)
{
  return Py_NewRef (not_given);
}

/* A glue value as an HnValue (a new reference; NULL for NOT_GIVEN). Must hold the GIL. */
static HnValue *
value_from_glue (PyObject *obj)
{
  if (Py_TYPE (obj) == &PyDataType)
    {
      PyData *data = (PyData *) obj;

      return data->variant != NULL ? hn_value_new_variant (data->variant) : NULL;
    }
  return value_from_python (obj);
}

/* An HnValue as a glue value (a new reference); NOT_GIVEN for NULL. Must hold the GIL. */
static PyObject *
value_to_glue (HnValue     *value,
               const char  *what)
{
  PyObject *obj;

  if (value == NULL)
    return Py_NewRef (not_given);
  obj = hn_value_get_host (value, &python_host_type);
  if (obj != NULL)
    return Py_NewRef (obj);
  if (!hn_value_is_host (value))
    return data_new (hn_value_get_variant (value));

  /* a value of another language: as data, if it has a data form */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) v = hn_value_to_variant (value, NULL, &error);

    if (v == NULL)
      {
        PyErr_Format (PyExc_TypeError, "%s cannot be sent to the engine: %s", what,
                      error->message);
        return NULL;
      }
    return data_new (v);
  }
}

static gboolean
run_and_node_of (PyObject  *py_run,
                 PyObject  *py_node,
                 HnRun    **run,
                 HnNode   **node)
{
  if (!pyg_boxed_check (py_run, HN_TYPE_RUN) ||
      (py_node != NULL && !pygobject_check (py_node, pygobject_lookup_class (HN_TYPE_NODE))))
    {
      PyErr_SetString (PyExc_TypeError, "expected an Hn.Run (and an Hn.Node)");
      return FALSE;
    }
  *run = pyg_boxed_get (py_run, HnRun);
  if (node != NULL)
    *node = HN_NODE (pygobject_get (py_node));
  return TRUE;
}

/* engine_inputs(run, roots) -> (shared, columns): the values of root inputs @roots (a list of
 * str) the items share, as a dict, and for a map the values items give themselves, as a dict of
 * lists (one value per item; the shared value, or NOT_GIVEN, for an item that does not give
 * it). */
#define INPUT_BLOCK 4096
static PyObject *
native_engine_inputs (PyObject *module,
                      PyObject *args)
{
  PyObject *py_run, *py_roots, *seq = NULL, *shared = NULL, *columns = NULL, *ret = NULL;
  g_autofree const char **names = NULL;
  g_autofree HnValue **values = NULL;
  g_autofree PyObject **lists = NULL;
  g_autofree PyObject **fallbacks = NULL;
  g_autofree Py_ssize_t *rest = NULL;
  g_autofree const char **rest_names = NULL;
  g_autoptr(GError) error = NULL;
  Py_ssize_t n_roots;
  guint n_rest = 0;
  HnRun *run;
  gsize n_items, block = 0;

  if (!PyArg_ParseTuple (args, "OO", &py_run, &py_roots) ||
      !run_and_node_of (py_run, NULL, &run, NULL))
    return NULL;
  seq = PySequence_Fast (py_roots, "roots must be a list of str");
  if (seq == NULL)
    return NULL;
  n_roots = PySequence_Fast_GET_SIZE (seq);
  n_items = hn_run_is_map (run) ? hn_run_get_n_items (run) : 0;
  names = g_new0 (const char *, MAX (n_roots, 1));
  values = g_new0 (HnValue *, MAX (n_roots * MIN (MAX (n_items, 1), INPUT_BLOCK), 1));
  lists = g_new0 (PyObject *, MAX (n_roots, 1));
  fallbacks = g_new0 (PyObject *, MAX (n_roots, 1));
  rest = g_new0 (Py_ssize_t, MAX (n_roots, 1));
  rest_names = g_new0 (const char *, MAX (n_roots, 1));
  for (Py_ssize_t r = 0; r < n_roots; r++)
    if ((names[r] = PyUnicode_AsUTF8 (PySequence_Fast_GET_ITEM (seq, r))) == NULL)
      goto out;

  shared = PyDict_New ();
  columns = PyDict_New ();
  if (shared == NULL || columns == NULL)
    goto out;
  if (!hn_run_get_input_values (run, -1, 1, n_roots, names, values, &error))
    {
      raise_error (error);
      goto out;
    }
  for (Py_ssize_t r = 0; r < n_roots; r++)
    {
      g_autofree char *what = g_strdup_printf ("Input “%s”", names[r]);
      PyObject *obj;

      if (values[r] == NULL)
        continue;
      obj = value_to_glue (values[r], what);
      g_clear_pointer (&values[r], hn_value_unref);
      if (obj == NULL || PyDict_SetItem (shared, PySequence_Fast_GET_ITEM (seq, r), obj) < 0)
        {
          Py_XDECREF (obj);
          goto out;
        }
      fallbacks[r] = obj;  /* borrowed from the dict from now on */
      Py_DECREF (obj);
    }

  /* the columns the run holds as they are (the lists of a Python caller) go whole; the
   * others item by item */
  for (Py_ssize_t r = 0; r < n_roots; r++)
    {
      PyObject *list = n_items > 0 ? hn_run_get_input_column (run, names[r], &python_host_type)
                                   : NULL;

      /* a copy: the run's own list must stay as it is */
      if (list != NULL && (gsize) PyList_GET_SIZE (list) == n_items)
        {
          if ((lists[r] = PyList_GetSlice (list, 0, PY_SSIZE_T_MAX)) == NULL)
            goto out;
        }
      else
        {
          rest[n_rest] = r;
          rest_names[n_rest++] = names[r];
        }
    }

  for (gsize first = 0; n_rest > 0 && first < n_items; first += block)
    {
      block = MIN (INPUT_BLOCK, n_items - first);
      if (!hn_run_get_input_values (run, first, block, n_rest, rest_names, values, &error))
        {
          raise_error (error);
          goto out;
        }
      for (gsize b = 0; b < block; b++)
        for (guint k = 0; k < n_rest; k++)
          {
            Py_ssize_t r = rest[k];
            gsize i = first + b;
            HnValue *value = g_steal_pointer (&values[b * n_rest + k]);
            PyObject *obj;

            if (value == NULL && lists[r] == NULL)
              continue;
            if (lists[r] == NULL)
              {
                /* the first item that gives it: those before have the shared value */
                lists[r] = PyList_New (n_items);
                if (lists[r] == NULL)
                  {
                    hn_value_unref (value);
                    goto out;
                  }
                for (gsize j = 0; j < i; j++)
                  PyList_SET_ITEM (lists[r], j, Py_NewRef (fallbacks[r] ? fallbacks[r]
                                                                        : not_given));
              }
            if (value == NULL)
              obj = Py_NewRef (fallbacks[r] ? fallbacks[r] : not_given);
            else
              {
                obj = hn_value_get_host (value, &python_host_type);
                if (obj != NULL)
                  Py_INCREF (obj);
                else
                  {
                    g_autofree char *what = g_strdup_printf ("Item %llu of input “%s”",
                                                             (unsigned long long) i, names[r]);

                    obj = value_to_glue (value, what);
                  }
                hn_value_unref (value);
                if (obj == NULL)
                  goto out;
              }
            PyList_SET_ITEM (lists[r], i, obj);
          }
    }
  for (Py_ssize_t r = 0; r < n_roots; r++)
    if (lists[r] != NULL &&
        PyDict_SetItem (columns, PySequence_Fast_GET_ITEM (seq, r), lists[r]) < 0)
      goto out;
  ret = PyTuple_Pack (2, shared, columns);

out:
  for (gsize i = 0; i < (gsize) n_roots * MIN (MAX (n_items, 1), INPUT_BLOCK); i++)
    if (values[i] != NULL)
      hn_value_unref (values[i]);
  for (Py_ssize_t r = 0; r < n_roots; r++)
    Py_XDECREF (lists[r]);
  Py_XDECREF (shared);
  Py_XDECREF (columns);
  Py_XDECREF (seq);
  return ret;
}

/* Whether calls of @node can be made with the GIL held: a Python node calls Python code only,
 * which lets other threads run; other nodes may wait on threads that need the GIL. */
static gboolean
calls_python_only (HnNode *node)
{
  return g_object_get_data (G_OBJECT (node), "hn-python-node") != NULL &&
         hn_node_get_main_context (node) == NULL;
}

#define ROWS_AT_ONCE 64

/* a list of @n Nones */
static PyObject *
none_list (Py_ssize_t n)
{
  PyObject *list = PyList_New (n);

  for (Py_ssize_t i = 0; list != NULL && i < n; i++)
    PyList_SET_ITEM (list, i, Py_NewRef (Py_None));
  return list;
}

/* invoke_rows(run, node, columns, n_rows, items, want_cached=False) -> (outputs, n_done, failure,
 * cached): calls @node on @n_rows
 * rows through hn_run_invoke_node_values(). @columns holds one list of glue values per input;
 * @items is None (the calls of a single run), the item of the first row (the others follow),
 * or a list of items. Returns one list per output of the results of the @n_done rows that
 * succeeded, and None, or for the row that failed after them (domain, code, message, exception
 * or None), and with @want_cached, whether each of those rows came from the cache (else None). */
static PyObject *
native_invoke_rows (PyObject *module,
                    PyObject *args)
{
  PyObject *py_run, *py_node, *py_columns, *py_items, *seq = NULL, *outputs = NULL;
  PyObject *failure = NULL, *ret = NULL;
  Py_ssize_t n_rows, n_inputs;
  g_autofree HnValue **values = NULL;
  g_autofree HnValue **results = NULL;
  g_autofree gint64 *items = NULL;
  g_autofree gboolean *cached = NULL;
  g_autoptr(GError) error = NULL;
  PyObject *py_cached = NULL;
  int want_cached = 0;
  guint n_outputs;
  gsize n_done = 0;
  Py_ssize_t block;
  HnRun *run;
  HnNode *node;
  gboolean ok, python_only, converted = TRUE;

  if (!PyArg_ParseTuple (args, "OOOnO|p", &py_run, &py_node, &py_columns, &n_rows, &py_items,
                         &want_cached) ||
      !run_and_node_of (py_run, py_node, &run, &node))
    return NULL;
  if (n_rows < 0)
    {
      PyErr_SetString (PyExc_ValueError, "n_rows must not be negative");
      return NULL;
    }
  n_inputs = g_strv_length ((char **) hn_node_get_inputs (node));
  n_outputs = g_strv_length ((char **) hn_node_get_outputs (node));
  seq = PySequence_Fast (py_columns, "columns must be a list of lists");
  if (seq == NULL)
    return NULL;
  if (PySequence_Fast_GET_SIZE (seq) != n_inputs)
    {
      PyErr_Format (PyExc_ValueError, "node “%s” takes %zd inputs, not %zd",
                    hn_node_get_name (node), n_inputs, PySequence_Fast_GET_SIZE (seq));
      goto out;
    }

  if (py_items != Py_None)
    {
      items = g_new (gint64, MAX (n_rows, 1));
      if (PyLong_Check (py_items))
        {
          long long first = PyLong_AsLongLong (py_items);

          if (first == -1 && PyErr_Occurred ())
            goto out;
          for (Py_ssize_t r = 0; r < n_rows; r++)
            items[r] = first + r;
        }
      else
        {
          PyObject *list = PySequence_Fast (py_items, "items must be None, an int or a list");

          if (list == NULL)
            goto out;
          if (PySequence_Fast_GET_SIZE (list) != n_rows)
            {
              PyErr_SetString (PyExc_ValueError, "one item per row");
              Py_DECREF (list);
              goto out;
            }
          for (Py_ssize_t r = 0; r < n_rows; r++)
            {
              items[r] = PyLong_AsLongLong (PySequence_Fast_GET_ITEM (list, r));
              if (items[r] == -1 && PyErr_Occurred ())
                break;
            }
          Py_DECREF (list);
          if (PyErr_Occurred ())
            goto out;
        }
    }

  /* the lists of results, filled as the rows succeed (shortened after a failure); None
   * until then, as nodes may run Python code that looks at every object */
  outputs = PyList_New (n_outputs);
  if (outputs == NULL)
    goto out;
  for (guint o = 0; o < n_outputs; o++)
    {
      PyObject *list = none_list (n_rows);

      if (list == NULL)
        goto out;
      PyList_SET_ITEM (outputs, o, list);
    }
  for (Py_ssize_t i = 0; i < n_inputs; i++)
    {
      PyObject *column = PySequence_Fast_GET_ITEM (seq, i);

      if (!PyList_Check (column) || PyList_GET_SIZE (column) < n_rows)
        {
          PyErr_Format (PyExc_ValueError, "input %zd of node “%s” needs a list of %zd values",
                        i, hn_node_get_name (node), n_rows);
          goto out;
        }
    }
  if (want_cached && (py_cached = none_list (n_rows)) == NULL)
    goto out;

  /* a block of rows at a time: the values of a block are made, used and dropped while the
   * allocator still has them at hand, where those of all the rows at once would not be */
  block = MIN (n_rows, ROWS_AT_ONCE);
  values = g_new0 (HnValue *, MAX (block * n_inputs, 1));
  results = g_new0 (HnValue *, MAX (block * n_outputs, 1));
  if (want_cached)
    cached = g_new0 (gboolean, MAX (block, 1));
  ok = TRUE;
  python_only = calls_python_only (node);
  for (Py_ssize_t first = 0; ok && first < n_rows; first += block)
    {
      Py_ssize_t m = MIN (block, n_rows - first);
      gsize done = 0;

      /* the columns were checked, but nodes run Python code in between */
      for (Py_ssize_t i = 0; i < n_inputs; i++)
        if (PyList_GET_SIZE (PySequence_Fast_GET_ITEM (seq, i)) < first + m)
          {
            PyErr_Format (PyExc_ValueError, "input %zd of node “%s” changed during the call",
                          i, hn_node_get_name (node));
            goto out;
          }
      for (Py_ssize_t r = 0; r < m; r++)
        for (Py_ssize_t i = 0; i < n_inputs; i++)
          values[r * n_inputs + i] =
            value_from_glue (PyList_GET_ITEM (PySequence_Fast_GET_ITEM (seq, i), first + r));
      if (python_only)
        ok = hn_run_invoke_node_values (run, node, m, values, items ? items + first : NULL,
                                        results, &done, cached, &error);
      else
        {
          Py_BEGIN_ALLOW_THREADS
          ok = hn_run_invoke_node_values (run, node, m, values, items ? items + first : NULL,
                                          results, &done, cached, &error);
          Py_END_ALLOW_THREADS
        }
      for (Py_ssize_t i = 0; i < m * n_inputs; i++)
        g_clear_pointer (&values[i], hn_value_unref);
      for (gsize r = 0; r < done; r++)
        {
          for (guint o = 0; o < n_outputs; o++)
            {
              PyObject *obj = converted ? value_to_glue (results[r * n_outputs + o],
                                                         "A result")
                                        : NULL;

              if (obj == NULL)
                converted = FALSE;
              else
                PyList_SetItem (PyList_GET_ITEM (outputs, o), first + r, obj);
            }
          if (py_cached != NULL)
            PyList_SetItem (py_cached, first + r, PyBool_FromLong (cached[r]));
        }
      for (gsize i = 0; i < done * n_outputs; i++)
        g_clear_pointer (&results[i], hn_value_unref);
      if (!converted)
        goto out;
      n_done += done;
    }

  /* after a failure, the results of the rows that succeeded */
  for (guint o = 0; (gsize) n_done < (gsize) n_rows && o < n_outputs; o++)
    {
      PyObject *list = PyList_GetSlice (PyList_GET_ITEM (outputs, o), 0, n_done);

      if (list == NULL)
        goto out;
      Py_DECREF (PyList_GET_ITEM (outputs, o));
      PyList_SET_ITEM (outputs, o, list);
    }
  if (py_cached != NULL && (gsize) n_done < (gsize) n_rows)
    {
      PyObject *list = PyList_GetSlice (py_cached, 0, n_done);

      if (list == NULL)
        goto out;
      Py_SETREF (py_cached, list);
    }

  if (!ok)
    {
      PyObject *exc = exception_of (error);

      failure = Py_BuildValue ("(sisN)", g_quark_to_string (error->domain), error->code,
                               error->message, exc ? exc : Py_NewRef (Py_None));
      if (failure == NULL)
        goto out;
    }
  ret = Py_BuildValue ("(OnOO)", outputs, (Py_ssize_t) n_done, failure ? failure : Py_None,
                       py_cached ? py_cached : Py_None);

out:
  Py_XDECREF (py_cached);
  Py_XDECREF (failure);
  Py_XDECREF (outputs);
  Py_XDECREF (seq);
  return ret;
}

/* set_results(run, columns): gives the run its results: one list of glue values per output,
 * in the order of the run's result names, one value per item (one for a single run). */
static PyObject *
native_set_results (PyObject *module,
                    PyObject *args)
{
  PyObject *py_run, *py_columns, *seq;
  g_auto(GStrv) names = NULL;
  g_autofree HnValue **values = NULL;
  g_autoptr(GError) error = NULL;
  Py_ssize_t n_outputs, n_items = -1;
  PyObject *ret = NULL;
  HnRun *run;

  if (!PyArg_ParseTuple (args, "OO", &py_run, &py_columns) ||
      !run_and_node_of (py_run, NULL, &run, NULL))
    return NULL;
  names = hn_run_dup_result_names (run);
  seq = PySequence_Fast (py_columns, "columns must be a list of lists");
  if (seq == NULL)
    return NULL;
  n_outputs = PySequence_Fast_GET_SIZE (seq);
  if (n_outputs != (Py_ssize_t) g_strv_length (names))
    {
      PyErr_Format (PyExc_ValueError, "the run has %u outputs, not %zd", g_strv_length (names),
                    n_outputs);
      goto out;
    }
  n_items = hn_run_is_map (run) ? (Py_ssize_t) hn_run_get_n_items (run) : 1;
  for (Py_ssize_t o = 0; o < n_outputs; o++)
    {
      PyObject *column = PySequence_Fast_GET_ITEM (seq, o);

      if (!PyList_Check (column) || PyList_GET_SIZE (column) != n_items)
        {
          PyErr_Format (PyExc_ValueError, "output “%s” needs a list of %zd values", names[o],
                        n_items);
          goto out;
        }
    }
  /* Python objects as they are: the run takes copies of the lists */
  if (hn_run_is_map (run) && n_outputs > 0)
    {
      g_autofree gpointer *lists = g_new0 (gpointer, n_outputs);
      gboolean plain = TRUE;

      for (Py_ssize_t o = 0; plain && o < n_outputs; o++)
        plain = all_host_objects (PySequence_Fast_GET_ITEM (seq, o));
      for (Py_ssize_t o = 0; plain && o < n_outputs; o++)
        if ((lists[o] = PyList_GetSlice (PySequence_Fast_GET_ITEM (seq, o), 0, n_items)) == NULL)
          {
            for (Py_ssize_t k = 0; k < o; k++)
              Py_DECREF ((PyObject *) lists[k]);
            goto out;
          }
      if (plain)
        {
          if (!hn_run_set_result_columns (run, n_items, &python_host_type,
                                          (gpointer const *) lists, &error))
            raise_error (error);
          else
            ret = Py_NewRef (Py_None);
          goto out;
        }
    }
  values = g_new0 (HnValue *, MAX (n_items * n_outputs, 1));
  for (Py_ssize_t o = 0; o < n_outputs; o++)
    {
      PyObject *column = PySequence_Fast_GET_ITEM (seq, o);

      for (Py_ssize_t i = 0; i < n_items; i++)
        values[i * n_outputs + o] = value_from_glue (PyList_GET_ITEM (column, i));
    }
  if (!hn_run_set_result_values (run, n_items, values, &error))
    raise_error (error);
  else
    ret = Py_NewRef (Py_None);

out:
  for (Py_ssize_t i = 0; values != NULL && i < n_items * n_outputs; i++)
    if (values[i] != NULL)
      hn_value_unref (values[i]);
  Py_DECREF (seq);
  return ret;
}

/* to_report(obj) -> GLib.Variant: a glue value as callbacks see it (its data, or its
 * description when it has none); None for NOT_GIVEN. */
static PyObject *
native_to_report (PyObject *module,
                  PyObject *obj)
{
  g_autoptr(GVariant) v = NULL;
  HnValue *value = value_from_glue (obj);

  if (value == NULL)
    Py_RETURN_NONE;
  v = hn_value_to_variant (value, NULL, NULL);
  if (v == NULL)
    {
      g_autofree char *what = py_host_describe (obj);

      v = g_variant_ref_sink (g_variant_new_string (what));
    }
  hn_value_unref (value);
  return variant_to_python_object (v);
}

/* encode(values) -> list of bytes, decode(list of bytes) -> values: glue values as bytes for
 * an engine column of binary values (Daft's, for values of no column type of their own). The
 * first byte says what follows: 'i' an int64 and 'f' a double (little-endian), 's' UTF-8, 'b'
 * bytes, 'T' True, 'F' False, 'N' None, 'n' NOT_GIVEN, 'D' data (type string, NUL, normal
 * form), 'p' a pickle of anything else. A few tens of nanoseconds for the common kinds, where
 * a pickle costs about ten times more. */
/* Encoded values go in a GString: binary-safe, and counted in gsize (a column may hold more
 * than 4 GiB, past what a GByteArray counts). */
#define append_bytes(out, bytes, n) \
  g_string_append_len ((out), (const char *) (bytes), (gssize) (n))

/* (offsets, data): the buffers of an Arrow array of @n variable-size values */
static PyObject *
offsets_and_data (const gint64 *offsets,
                  Py_ssize_t    n,
                  GString      *data)
{
  return Py_BuildValue ("(y#y#)", (const char *) offsets,
                        (Py_ssize_t) ((n + 1) * sizeof (gint64)), data->str,
                        (Py_ssize_t) data->len);
}

static gboolean
encode_into (PyObject *obj,
             GString  *out)
{
  PyTypeObject *type = Py_TYPE (obj);
  guint8 buffer[9];

  if (type == &PyLong_Type)
    {
      int overflow = 0;
      long long v = PyLong_AsLongLongAndOverflow (obj, &overflow);
      guint64 le;

      if (!overflow && !(v == -1 && PyErr_Occurred ()))
        {
          le = GUINT64_TO_LE ((guint64) v);
          buffer[0] = 'i';
          memcpy (buffer + 1, &le, 8);
          append_bytes (out, buffer, 9);
          return TRUE;
        }
      PyErr_Clear ();
    }
  else if (type == &PyFloat_Type)
    {
      double d = PyFloat_AS_DOUBLE (obj);
      guint64 bits, le;

      memcpy (&bits, &d, 8);
      le = GUINT64_TO_LE (bits);
      buffer[0] = 'f';
      memcpy (buffer + 1, &le, 8);
      append_bytes (out, buffer, 9);
      return TRUE;
    }
  else if (type == &PyUnicode_Type)
    {
      Py_ssize_t size;
      const char *utf8 = PyUnicode_AsUTF8AndSize (obj, &size);

      if (utf8 != NULL)
        {
          append_bytes (out, "s", 1);
          append_bytes (out, utf8, size);
          return TRUE;
        }
      PyErr_Clear ();  /* lone surrogates: pickled */
    }
  else if (type == &PyBytes_Type)
    {
      append_bytes (out, "b", 1);
      append_bytes (out, PyBytes_AS_STRING (obj),
                           PyBytes_GET_SIZE (obj));
      return TRUE;
    }
  else if (obj == Py_True || obj == Py_False || obj == Py_None)
    {
      buffer[0] = obj == Py_True ? 'T' : obj == Py_False ? 'F' : 'N';
      append_bytes (out, buffer, 1);
      return TRUE;
    }
  else if (type == &PyDataType)
    {
      PyData *data = (PyData *) obj;
      g_autoptr(GVariant) normal = NULL;
      const char *type_string;

      if (data->variant == NULL)
        {
          append_bytes (out, "n", 1);
          return TRUE;
        }
      normal = g_variant_get_normal_form (data->variant);
      type_string = g_variant_get_type_string (normal);
      append_bytes (out, "D", 1);
      append_bytes (out, type_string, strlen (type_string) + 1);
      if (g_variant_get_size (normal) > 0)
        append_bytes (out, g_variant_get_data (normal), g_variant_get_size (normal));
      return TRUE;
    }

  {
    PyObject *pickled = PyObject_CallOneArg (pickle_dumps, obj);

    if (pickled == NULL)
      return FALSE;
    append_bytes (out, "p", 1);
    append_bytes (out, PyBytes_AS_STRING (pickled),
                         PyBytes_GET_SIZE (pickled));
    Py_DECREF (pickled);
    return TRUE;
  }
}

static PyObject *
encode_value (PyObject *obj)
{
  g_autoptr(GString) out = g_string_sized_new (16);

  if (!encode_into (obj, out))
    return NULL;
  return PyBytes_FromStringAndSize (out->str, out->len);
}

static PyObject *
decode_bytes (const char *p,
              Py_ssize_t  length)
{
  Py_ssize_t size = length - 1;
  guint64 le;

  if (length < 1)
    goto bad;
  switch (p[0])
    {
    case 'i':
      if (size != 8)
        break;
      memcpy (&le, p + 1, 8);
      return PyLong_FromLongLong ((long long) GUINT64_FROM_LE (le));
    case 'f':
      if (size != 8)
        break;
      {
        guint64 bits;
        double d;

        memcpy (&le, p + 1, 8);
        bits = GUINT64_FROM_LE (le);
        memcpy (&d, &bits, 8);
        return PyFloat_FromDouble (d);
      }
    case 's':
      return PyUnicode_DecodeUTF8 (p + 1, size, "strict");
    case 'b':
      return PyBytes_FromStringAndSize (p + 1, size);
    case 'T':
      Py_RETURN_TRUE;
    case 'F':
      Py_RETURN_FALSE;
    case 'N':
      Py_RETURN_NONE;
    case 'n':
      return Py_NewRef (not_given);
    case 'D':
      {
        const char *type_string = p + 1;
        const char *end = memchr (type_string, '\0', size);
        GVariant *v;
        PyObject *out;

        if (end == NULL)
          break;
        v = variant_of_normal_data (type_string, end + 1, size - (end - type_string) - 1);
        if (v == NULL)
          break;
        out = data_new (v);
        g_variant_unref (v);
        return out;
      }
    case 'p':
      {
        PyObject *view = PyMemoryView_FromMemory ((char *) p + 1, size, PyBUF_READ);
        PyObject *out = view ? PyObject_CallOneArg (pickle_loads, view) : NULL;

        Py_XDECREF (view);
        return out;
      }
    default:
      break;
    }
bad:
  PyErr_SetString (PyExc_ValueError, "not a value encoded by hypernodes._native.encode");
  return NULL;
}

static PyObject *
decode_value (PyObject *obj)
{
  if (!PyBytes_Check (obj))
    {
      PyErr_SetString (PyExc_ValueError, "not a value encoded by hypernodes._native.encode");
      return NULL;
    }
  return decode_bytes (PyBytes_AS_STRING (obj), PyBytes_GET_SIZE (obj));
}

/* encode_column(values) -> (offsets, data): encode() of every value, as the buffers of an Arrow
 * large binary array (n + 1 little-endian int64 offsets, and the bytes), without a bytes
 * object per value */
static PyObject *
native_encode_column (PyObject *module,
                      PyObject *list)
{
  PyObject *seq = PySequence_Fast (list, "expected a list");
  g_autoptr(GString) data = NULL;
  g_autofree gint64 *offsets = NULL;
  PyObject *ret = NULL;
  Py_ssize_t n;

  if (seq == NULL)
    return NULL;
  n = PySequence_Fast_GET_SIZE (seq);
  data = g_string_sized_new (MAX (n, 1) * 9);
  offsets = g_new (gint64, n + 1);
  offsets[0] = 0;
  for (Py_ssize_t i = 0; i < n; i++)
    {
      if (!encode_into (PySequence_Fast_GET_ITEM (seq, i), data))
        goto out;
      offsets[i + 1] = GINT64_TO_LE ((gint64) data->len);
    }
  ret = offsets_and_data (offsets, n, data);
out:
  Py_DECREF (seq);
  return ret;
}

/* decode_column(offsets, data, validity, offset, length) -> values: decode() of the values of
 * an Arrow large binary array given as its buffers (@validity None when it has no nulls; a
 * null is None) and its @offset and @length */
static PyObject *
native_decode_column (PyObject *module,
                      PyObject *args)
{
  PyObject *py_offsets, *py_data, *py_validity, *out = NULL;
  Py_buffer offsets = { 0 }, data = { 0 }, validity = { 0 };
  Py_ssize_t offset, length;
  const gint64 *ends;
  const guint8 *bits = NULL;

  if (!PyArg_ParseTuple (args, "OOOnn", &py_offsets, &py_data, &py_validity, &offset, &length))
    return NULL;
  if (offset < 0 || length < 0)
    {
      PyErr_SetString (PyExc_ValueError, "offset and length must not be negative");
      return NULL;
    }
  if (PyObject_GetBuffer (py_offsets, &offsets, PyBUF_SIMPLE) < 0)
    return NULL;
  if (py_data != Py_None && PyObject_GetBuffer (py_data, &data, PyBUF_SIMPLE) < 0)
    goto out;
  {
    /* offset + length + 1 ends, without overflowing */
    Py_ssize_t n_ends = offsets.len / (Py_ssize_t) sizeof (gint64);

    if (n_ends < 1 || offset > n_ends - 1 || length > n_ends - 1 - offset)
      {
        PyErr_SetString (PyExc_ValueError, "the offsets buffer is too short");
        goto out;
      }
  }
  if (py_validity != Py_None)
    {
      if (PyObject_GetBuffer (py_validity, &validity, PyBUF_SIMPLE) < 0)
        goto out;
      if (validity.len < (offset + length + 7) / 8)
        {
          PyErr_SetString (PyExc_ValueError, "the validity bitmap is too short");
          goto out;
        }
      bits = validity.buf;
    }
  ends = offsets.buf;
  out = PyList_New (length);
  for (Py_ssize_t i = 0; out != NULL && i < length; i++)
    {
      Py_ssize_t at = offset + i;
      gint64 start = GINT64_FROM_LE (ends[at]), end = GINT64_FROM_LE (ends[at + 1]);
      PyObject *v;

      if (bits != NULL && !(bits[at / 8] & (1 << (at % 8))))
        v = Py_NewRef (Py_None);
      else if (start < 0 || end < start || end > (gint64) data.len)
        {
          PyErr_SetString (PyExc_ValueError, "an offset is outside the data buffer");
          v = NULL;
        }
      else
        v = decode_bytes ((const char *) data.buf + start, end - start);
      if (v == NULL)
        Py_CLEAR (out);
      else
        PyList_SET_ITEM (out, i, v);
    }
out:
  PyBuffer_Release (&offsets);
  if (data.obj != NULL)
    PyBuffer_Release (&data);
  if (validity.obj != NULL)
    PyBuffer_Release (&validity);
  return out;
}

static PyObject *
map_list (PyObject  *list,
          PyObject *(*func) (PyObject *))
{
  PyObject *seq = PySequence_Fast (list, "expected a list");
  PyObject *out;
  Py_ssize_t n;

  if (seq == NULL)
    return NULL;
  n = PySequence_Fast_GET_SIZE (seq);
  out = PyList_New (n);
  for (Py_ssize_t i = 0; out != NULL && i < n; i++)
    {
      PyObject *item = PySequence_Fast_GET_ITEM (seq, i);
      PyObject *v = item == Py_None && func == decode_value ? Py_NewRef (Py_None) : func (item);

      if (v == NULL)
        Py_CLEAR (out);
      else
        PyList_SET_ITEM (out, i, v);
    }
  Py_DECREF (seq);
  return out;
}

static PyObject *
native_encode (PyObject *module,
               PyObject *list)
{
  return map_list (list, encode_value);
}

static PyObject *
native_decode (PyObject *module,
               PyObject *list)
{
  return map_list (list, decode_value);
}

/* unpack(values) -> list: glue values as Python objects (Data unpacked, NOT_GIVEN as None), for
 * engine columns of a type of their own */
static PyObject *
unpack_value (PyObject *obj)
{
  if (Py_TYPE (obj) == &PyDataType)
    return py_data_unpack (obj, NULL);
  return Py_NewRef (obj);
}

static PyObject *
native_unpack (PyObject *module,
               PyObject *list)
{
  return map_list (list, unpack_value);
}

/* plain_column(values) -> None or (kind, buffers): when all @values are of one exact type among
 * int (within int64), float, str (valid UTF-8) and bool, the Daft type that holds them as they
 * are ("int64", "float64", "string", "bool") and the buffers of an Arrow array of them, in one
 * pass: (data) for numbers, (int64 offsets, UTF-8) for strings, None for booleans. */
static PyObject *
native_plain_column (PyObject *module,
                     PyObject *list)
{
  PyObject *seq = PySequence_Fast (list, "expected a list");
  g_autoptr(GString) data = NULL;
  g_autofree gint64 *offsets = NULL;
  PyTypeObject *kind = NULL;
  const char *name = NULL;
  PyObject *ret = NULL;
  Py_ssize_t n;

  if (seq == NULL)
    return NULL;
  n = PySequence_Fast_GET_SIZE (seq);
  data = g_string_sized_new (MAX (n, 1) * 8);
  for (Py_ssize_t i = 0; i < n; i++)
    {
      PyObject *item = PySequence_Fast_GET_ITEM (seq, i);
      PyTypeObject *type = Py_TYPE (item);

      if (kind == NULL)
        {
          kind = type;
          if (type == &PyLong_Type)
            name = "int64";
          else if (type == &PyFloat_Type)
            name = "float64";
          else if (type == &PyUnicode_Type)
            {
              name = "string";
              offsets = g_new (gint64, n + 1);
              offsets[0] = 0;
            }
          else if (type == &PyBool_Type)
            name = "bool";
          else
            break;
        }
      else if (type != kind)
        {
          name = NULL;
          break;
        }
      if (type == &PyLong_Type)
        {
          int overflow = 0;
          gint64 v = PyLong_AsLongLongAndOverflow (item, &overflow);

          if (overflow)
            {
              name = NULL;
              break;
            }
          v = GINT64_TO_LE (v);
          append_bytes (data, &v, 8);
        }
      else if (type == &PyFloat_Type)
        {
          double d = PyFloat_AS_DOUBLE (item);
          guint64 bits;

          memcpy (&bits, &d, 8);
          bits = GUINT64_TO_LE (bits);
          append_bytes (data, &bits, 8);
        }
      else if (type == &PyUnicode_Type)
        {
          Py_ssize_t size;
          const char *utf8 = PyUnicode_AsUTF8AndSize (item, &size);

          if (utf8 == NULL)
            {
              PyErr_Clear ();  /* lone surrogates */
              name = NULL;
              break;
            }
          append_bytes (data, utf8, size);
          offsets[i + 1] = GINT64_TO_LE ((gint64) data->len);
        }
    }
  if (name == NULL)
    ret = Py_NewRef (Py_None);
  else if (kind == &PyBool_Type)
    ret = Py_BuildValue ("(sO)", name, Py_None);
  else if (kind == &PyUnicode_Type)
    ret = Py_BuildValue ("(sN)", name, offsets_and_data (offsets, n, data));
  else
    ret = Py_BuildValue ("(s(y#))", name, data->str, (Py_ssize_t) data->len);
  Py_DECREF (seq);
  return ret;
}

/* as_data(values, type_string) -> list: the values of an engine column of a type of its own
 * (Python numbers, strings, lists) as Data of the slot's type @type_string, so that nodes get
 * exactly that type; None (a null) is NOT_GIVEN. */
static PyObject *
native_as_data (PyObject *module,
                PyObject *args)
{
  PyObject *list, *seq, *out;
  const char *type_string;
  g_autoptr(GVariantType) type = NULL;
  Py_ssize_t n;

  if (!PyArg_ParseTuple (args, "Os", &list, &type_string))
    return NULL;
  if (!g_variant_type_string_is_valid (type_string) ||
      !g_variant_type_is_definite (G_VARIANT_TYPE (type_string)))
    {
      PyErr_Format (PyExc_ValueError, "“%s” is not a definite GVariant type", type_string);
      return NULL;
    }
  type = g_variant_type_new (type_string);
  seq = PySequence_Fast (list, "expected a list");
  if (seq == NULL)
    return NULL;
  n = PySequence_Fast_GET_SIZE (seq);
  out = PyList_New (n);
  for (Py_ssize_t i = 0; out != NULL && i < n; i++)
    {
      PyObject *item = PySequence_Fast_GET_ITEM (seq, i);
      g_autoptr(GError) error = NULL;
      GVariant *v;

      if (item == Py_None || item == not_given)
        {
          PyList_SET_ITEM (out, i, Py_NewRef (not_given));
          continue;
        }
      if (Py_TYPE (item) == &PyDataType)
        {
          PyList_SET_ITEM (out, i, Py_NewRef (item));
          continue;
        }
      v = py_to_variant (item, type, &error);
      if (v == NULL)
        {
          PyErr_Format (PyExc_TypeError, "value %zd of a column of type “%s”: %s", i,
                        type_string, error->message);
          Py_CLEAR (out);
          break;
        }
      PyList_SET_ITEM (out, i, data_new (v));
      g_variant_unref (v);
    }
  Py_DECREF (seq);
  return out;
}

static PyMethodDef native_methods[] = {
  { "engine_inputs", native_engine_inputs, METH_VARARGS,
    "engine_inputs(run, roots) -> (shared, columns): the root values of a run, for engines" },
  { "invoke_rows", native_invoke_rows, METH_VARARGS,
    "invoke_rows(run, node, columns, n_rows, items, want_cached) -> (outputs, n_done, failure, cached)" },
  { "set_results", native_set_results, METH_VARARGS,
    "set_results(run, columns): the run's results, one list of values per output" },
  { "to_report", native_to_report, METH_O,
    "to_report(value) -> GLib.Variant: a value as callbacks see it" },
  { "encode", native_encode, METH_O,
    "encode(values) -> list of bytes: values for an engine column of binary values" },
  { "decode", native_decode, METH_O, "decode(list of bytes) -> values: what encode() made" },
  { "encode_column", native_encode_column, METH_O,
    "encode_column(values) -> (offsets, data): encode() as Arrow large binary buffers" },
  { "decode_column", native_decode_column, METH_VARARGS,
    "decode_column(offsets, data, validity, offset, length) -> values: what encode_column() made" },
  { "as_data", native_as_data, METH_VARARGS,
    "as_data(values, type_string) -> list: column values as Data of a type" },
  { "plain_column", native_plain_column, METH_O,
    "plain_column(values) -> (kind, buffers) or None: values as an Arrow column of their type" },
  { "unpack", native_unpack, METH_O,
    "unpack(values) -> list: values as Python objects (Data unpacked)" },
  { "_data", native_data, METH_VARARGS, "_data(type_string, bytes) -> Data" },
  { "_not_given", native_not_given, METH_NOARGS, "_not_given() -> NOT_GIVEN" },
  { "install", native_install, METH_VARARGS,
    "install(node, func, n_positional, kwnames, defaults, output_types): calls node with func" },
  { "run", native_run, METH_VARARGS,
    "run(pipeline, inputs, outputs, cancellable) -> dict of the outputs" },
  { "map", native_map, METH_VARARGS,
    "map(pipeline, inputs, map_over, mode, outputs, cancellable) -> list of dicts" },
  { "to_data", native_to_data, METH_VARARGS,
    "to_data(obj, type_string) -> (type_string, bytes): obj as the library's data" },
  { "from_data", native_from_data, METH_VARARGS,
    "from_data(type_string, bytes) -> obj: the library's data as a Python object" },
  { NULL, NULL, 0, NULL },
};

static struct PyModuleDef native_module = {
  PyModuleDef_HEAD_INIT, "hypernodes._native",
  "The fast path of hypernodes' Python face (C).", -1, native_methods,
};

static PyObject *
import_attr (const char *module,
             const char *name)
{
  PyObject *m = PyImport_ImportModule (module);
  PyObject *attr = m ? PyObject_GetAttrString (m, name) : NULL;

  Py_XDECREF (m);
  return attr;
}

PyMODINIT_FUNC PyInit__native (void);

PyMODINIT_FUNC
PyInit__native (void)
{
  PyObject *module;

  if (pygobject_init (3, 0, 0) == NULL)
    return NULL;
  errors_module = PyImport_ImportModule ("hypernodes._errors");
  pickle_dumps = import_attr ("hypernodes._pickle", "pickle_dumps");
  pickle_loads = import_attr ("pickle", "loads");
  run_coroutine = import_attr ("hypernodes._aio", "run_coroutine");
  glib_variant_type = import_attr ("gi.repository.GLib", "Variant");
  coroutine_type = (PyTypeObject *) import_attr ("types", "CoroutineType");
  variant_from_data = import_attr ("hypernodes._values", "variant_from_data");
  take_engine_exception = import_attr ("hypernodes._bridge", "take_exception");
  submit_coroutine = import_attr ("hypernodes._aio", "submit");
  cancelled_error = import_attr ("asyncio", "CancelledError");
  if (PyType_Ready (&PyValueCallType) < 0)
    return NULL;
  if (errors_module == NULL || pickle_dumps == NULL ||
      pickle_loads == NULL || run_coroutine == NULL || glib_variant_type == NULL ||
      coroutine_type == NULL || variant_from_data == NULL || take_engine_exception == NULL ||
      submit_coroutine == NULL || cancelled_error == NULL)
    return NULL;

  if (PyType_Ready (&PyDataType) < 0)
    return NULL;
  not_given = PyObject_New (PyObject, &PyDataType);
  if (not_given == NULL)
    return NULL;
  ((PyData *) not_given)->variant = NULL;

  module = PyModule_Create (&native_module);
  if (module == NULL ||
      PyModule_AddObjectRef (module, "Data", (PyObject *) &PyDataType) < 0 ||
      PyModule_AddObjectRef (module, "NOT_GIVEN", not_given) < 0)
    return NULL;
  return module;
}
