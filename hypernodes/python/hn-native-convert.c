/* hn-native-convert.c: Python objects as data (GVariant), and back
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The one conversion of the Python face, used wherever a Python value becomes data: at a typed
 * port, in a cache key, at a process boundary, in to_data(). Without a type the type is inferred
 * from the value; with one, the value must fit it. What has no data form travels as an envelope
 * (a pickle at worst), which converts back to the same object.
 */

#include "hn-native-private.h"

/* ---- Python to GVariant ----------------------------------------------------------------- */

/* Objects with no data form travel as a dict entry {'hn:<kind>': <bytes>}: the Python face
 * never makes a bare dict entry otherwise, and a C node can still read one. The kinds are
 * "hn:str" (a str holding NUL, as UTF-8), "hn:int" (an int past 64 bits, as decimal digits),
 * "hn:none" (None) and "hn:pickle" (anything else, pickled). */
#define ENVELOPE_TYPE "{say}"

/* The envelope of @kind around a copy of @size bytes at @data (floating). */
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

/* An "ay" of the bytes of @obj, a bytes-like object (floating), with one copy and no work per
 * byte; NULL with a Python exception set if @obj has no buffer. */
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

/* Sets @error to the mismatch of @obj and @type; returns FALSE. */
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

/* @obj, which has no data form, as the envelope of its pickle (hypernodes._pickle, which
 * knows cloudpickle), so that it can still travel to another process. */
static GVariant *
pickled (PyObject  *obj,
         GError   **error)
{
  PyObject *data = PyObject_CallOneArg (_hn_py_pickle_dumps, obj);
  GVariant *v;

  if (data == NULL)
    {
      _hn_py_set_error_from_python (error);
      return NULL;
    }
  v = envelope ("hn:pickle", PyBytes_AS_STRING (data), PyBytes_GET_SIZE (data));
  Py_DECREF (data);
  return v;
}

/* The str @obj as data: of @type, a string type, when given; inferred, a GVariant string, or
 * an "hn:str" envelope when it holds NUL, which a GVariant string cannot. */
static GVariant *
str_variant (PyObject           *obj,
             const GVariantType *type,
             GError            **error)
{
  Py_ssize_t size;
  const char *text = PyUnicode_AsUTF8AndSize (obj, &size);

  if (text == NULL)
    {
      _hn_py_set_error_from_python (error);
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

static GVariant *infer_variant       (PyObject           *obj,
                                      GError            **error);
static GVariant *py_to_variant_typed (PyObject           *obj,
                                      const GVariantType *type,
                                      GError            **error);

/* A member of a container being converted, of @type (NULL: inferred). The conversion recurses
 * on the C stack, one level per level of nesting: with the interpreter's recursion check
 * (sys.getrecursionlimit()), a value nested too deep fails with RecursionError instead of
 * overflowing the stack. */
static GVariant *
convert_member (PyObject           *obj,
                const GVariantType *type,
                GError            **error)
{
  GVariant *v;

  if (Py_EnterRecursiveCall (" converting a nested value to a GVariant"))
    {
      _hn_py_set_error_from_python (error);
      return NULL;
    }
  v = type == NULL ? infer_variant (obj, error) : py_to_variant_typed (obj, type, error);
  Py_LeaveRecursiveCall ();
  return v;
}


/* @obj as a GVariant with the type inferred: what an untyped port gets. bool, int, float,
 * str and bytes-like objects are their GVariant types; a tuple is a tuple; a list an array
 * when its elements are of one type, else an "av"; a dict with str keys an "a{sv}"; a
 * GLib.Variant is itself. None, an int past 64 bits, a str holding NUL and anything else
 * (subclasses of list, tuple and dict too) are envelopes. Returns a floating reference, or
 * NULL with @error set. */
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
      /* past 64 bits: its decimal digits, which convert back to the same int */
      PyErr_Clear ();
      {
        PyObject *text = PyObject_Str (obj);
        Py_ssize_t size;
        const char *digits = text ? PyUnicode_AsUTF8AndSize (text, &size) : NULL;
        GVariant *v = digits ? envelope ("hn:int", digits, size) : NULL;

        if (v == NULL)
          _hn_py_set_error_from_python (error);
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
        _hn_py_set_error_from_python (error);
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
          members[i] = convert_member (PyTuple_GET_ITEM (obj, i), NULL, error);
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

      /* the elements are sunk: each is compared with the first, then goes in the array or in
       * an "av". An empty list has no element type to give an array: it is an empty "av". */
      for (Py_ssize_t i = 0; i < n; i++)
        {
          elements[i] = convert_member (PyList_GET_ITEM (obj, i), NULL, error);
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

      /* only str keys make an "a{sv}": any other dict is pickled whole, keys and all */
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
              GVariant *v = k ? convert_member (item, NULL, error) : NULL;

              if (v == NULL)
                {
                  if (k == NULL)
                    _hn_py_set_error_from_python (error);
                  g_variant_builder_clear (&builder);
                  return NULL;
                }
              g_variant_builder_add (&builder, "{sv}", k, v);
            }
          return g_variant_builder_end (&builder);
        }
    }
  if (_hn_py_glib_variant_type != NULL && PyObject_IsInstance (obj, _hn_py_glib_variant_type) == 1)
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
      /* a value of no bytes (such as "()"), whose data PyGObject gives as None */
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

/* Reads the int @obj into @s (or @u when @is_unsigned) if it is within [@min, @max], the
 * range of the integer type @type; a bool is not an int here. */
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

/* @obj as a GVariant of @type, for a port that declares it: the Python value must be of the
 * matching kind (no conversion between kinds, other than an int where a float is asked), so
 * that a wrong value fails at its port with a clear message. Returns a floating reference,
 * or NULL with @error set. */
static GVariant *
py_to_variant_typed (PyObject           *obj,
                     const GVariantType *type,
                     GError            **error)
{
  long long s = 0;
  unsigned long long u = 0;

  if ((PyObject *) Py_TYPE (obj) == _hn_py_glib_variant_type)
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
      /* an int is a float here too, as in Python's arithmetic */
      if (PyFloat_Check (obj) || (PyLong_Check (obj) && !PyBool_Check (obj)))
        {
          double d = PyFloat_AsDouble (obj);
          if (d == -1.0 && PyErr_Occurred ())
            {
              _hn_py_set_error_from_python (error);
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
      /* a variant holds the value with its type inferred */
      {
        GVariant *inner = infer_variant (obj, error);
        return inner ? g_variant_new_variant (inner) : NULL;
      }
    case 'm':
      /* None is the empty maybe, anything else its value */
      {
        const GVariantType *element = g_variant_type_element (type);
        GVariant *inner;

        if (obj == Py_None)
          return g_variant_new_maybe (element, NULL);
        inner = convert_member (obj, element, error);
        return inner ? g_variant_new_maybe (NULL, inner) : NULL;
      }
    case 'a':
      {
        const GVariantType *element = g_variant_type_element (type);
        GVariantBuilder builder;
        PyObject *seq;

        /* bytes-like objects for an "ay" in one copy, not a value per byte */
        if (g_variant_type_equal (type, G_VARIANT_TYPE_BYTESTRING) &&
            (PyBytes_Check (obj) || PyByteArray_Check (obj) || PyMemoryView_Check (obj)))
          {
            GVariant *v = bytes_variant (obj);
            if (v == NULL)
              _hn_py_set_error_from_python (error);
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
                GVariant *k = convert_member (key, g_variant_type_key (element), error);
                GVariant *v = k ? convert_member (item, g_variant_type_value (element),
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
        /* any sequence, but not a str (of its characters) or a dict (of its keys): both would
         * be mistakes that a list type should catch */
        if (PyUnicode_Check (obj) || PyDict_Check (obj) ||
            (seq = PySequence_Fast (obj, "")) == NULL)
          {
            PyErr_Clear ();
            return fail_type (error, obj, "a list", type), NULL;
          }
        g_variant_builder_init (&builder, type);
        for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE (seq); i++)
          {
            GVariant *v = convert_member (PySequence_Fast_GET_ITEM (seq, i), element,
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
      /* a tuple, or a list, of as many values as the type has members */
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
            members[i] = convert_member (PySequence_Fast_GET_ITEM (seq, i), member, error);
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
GVariant *
_hn_py_to_variant (PyObject           *obj,
                   const GVariantType *type,
                   GError            **error)
{
  GVariant *v = convert_member (obj, type, error);

  return v ? g_variant_ref_sink (v) : NULL;
}

/* ---- GVariant to Python ----------------------------------------------------------------- */

/* The Python object an envelope stands for; NULL without an exception when @value is an
 * "{say}" dict entry of another kind, which is then read as a plain dict entry. */
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
      PyObject *obj = bytes ? PyObject_CallOneArg (_hn_py_pickle_loads, bytes) : NULL;

      Py_XDECREF (bytes);
      return obj;
    }
  return NULL;
}

/* The Python object for @value, the inverse of infer_variant(): numbers, str, bytes ("ay"),
 * lists, dicts and tuples, envelopes opened; a maybe is its value or None, a variant its
 * value. */
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
        return _hn_py_from_variant (inner);
      }
    case G_VARIANT_CLASS_MAYBE:
      {
        g_autoptr(GVariant) inner = g_variant_get_maybe (value);
        if (inner == NULL)
          Py_RETURN_NONE;
        return _hn_py_from_variant (inner);
      }
    case G_VARIANT_CLASS_ARRAY:
      {
        gsize n = g_variant_n_children (value);
        const GVariantType *element = g_variant_type_element (g_variant_get_type (value));
        PyObject *out;

        /* an "ay" is bytes, in one copy */
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
                PyObject *pk = _hn_py_from_variant (k);
                PyObject *pv = pk ? _hn_py_from_variant (v) : NULL;

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
            PyObject *item = _hn_py_from_variant (child);

            if (item == NULL)
              Py_CLEAR (out);
            else
              PyList_SET_ITEM (out, i, item);
          }
        return out;
      }
    case G_VARIANT_CLASS_DICT_ENTRY:
      /* an envelope is the object it holds; any other dict entry is a 2-tuple */
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
            PyObject *item = _hn_py_from_variant (child);

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

/* A new Python object for @value. Must hold the GIL. Every level of a nested value passes
 * here, so that a deep one fails with a RecursionError instead of overflowing the C stack. */
PyObject *
_hn_py_from_variant (GVariant *value)
{
  PyObject *obj;

  if (Py_EnterRecursiveCall (" converting a GVariant"))
    return NULL;
  obj = py_from_variant_inner (value);
  Py_LeaveRecursiveCall ();
  return obj;
}

/* ---- to_data() and from_data() ---------------------------------------------------------- */

/* to_data(obj, type_string or None) -> (type_string, bytes): @obj as data, exactly as the
 * library converts a value at a port of that type (None, or "*", infers it), serialized in
 * normal form. An exception raised while converting (pickling, say) is raised as it is; a
 * value that does not fit the type is a TypeError. */
PyObject *
_hn_py_native_to_data (PyObject *module,
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
  v = _hn_py_to_variant (obj, type, &error);
  if (v == NULL)
    {
      if (error->domain == _hn_py_exception_quark ())
        return _hn_py_raise_error (error);
      PyErr_SetString (PyExc_TypeError, error->message);
      return NULL;
    }
  normal = g_variant_get_normal_form (v);
  return Py_BuildValue ("(sy#)", g_variant_get_type_string (normal),
                        (const char *) g_variant_get_data (normal),
                        (Py_ssize_t) g_variant_get_size (normal));
}

/* from_data(type_string, bytes) -> object: data as the library gives it to a Python node.
 * The bytes are not trusted: GVariant reads damaged data as a default value. */
PyObject *
_hn_py_native_from_data (PyObject *module,
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
  return _hn_py_from_variant (v);
}
