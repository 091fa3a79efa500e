/* hn-native-columns.c: the column codec: glue values in and out of engine columns
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * An engine stores a batch of values as a column (Daft as Arrow arrays). Values of no column type
 * of their own travel as binary values, each encoded here in one byte of kind and its bytes;
 * whole columns are encoded to and decoded from the buffers of an Arrow large binary array without
 * a bytes object per value. Numbers, str and bool go as Arrow arrays of their own type
 * (plain_column()), read back as Data of the slot's type (as_data()) or as objects (unpack()).
 */

#include "hn-native-private.h"

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

/* Appends the encoding of @obj to @out. Exact types only: a subclass of int or str (an
 * IntEnum, say) is pickled, so that it decodes as itself. FALSE with an exception set when
 * @obj cannot be pickled. */
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
      PyErr_Clear ();  /* past 64 bits: pickled */
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
  else if (type == &_hn_py_data_type)
    {
      PyData *data = (PyData *) obj;
      g_autoptr(GVariant) normal = NULL;
      const char *type_string;

      if (data->variant == NULL)
        {
          append_bytes (out, "n", 1);
          return TRUE;
        }
      /* the type string and its NUL, then the value in normal form (no bytes for some) */
      normal = g_variant_get_normal_form (data->variant);
      type_string = g_variant_get_type_string (normal);
      append_bytes (out, "D", 1);
      append_bytes (out, type_string, strlen (type_string) + 1);
      if (g_variant_get_size (normal) > 0)
        append_bytes (out, g_variant_get_data (normal), g_variant_get_size (normal));
      return TRUE;
    }

  {
    PyObject *pickled = PyObject_CallOneArg (_hn_py_pickle_dumps, obj);

    if (pickled == NULL)
      return FALSE;
    append_bytes (out, "p", 1);
    append_bytes (out, PyBytes_AS_STRING (pickled),
                         PyBytes_GET_SIZE (pickled));
    Py_DECREF (pickled);
    return TRUE;
  }
}

/* encode() of one value: a new bytes object. */
static PyObject *
encode_value (PyObject *obj)
{
  g_autoptr(GString) out = g_string_sized_new (16);

  if (!encode_into (obj, out))
    return NULL;
  return PyBytes_FromStringAndSize (out->str, out->len);
}

/* The value encoded in the @length bytes at @p (a new reference); a ValueError for bytes
 * that encode_into() did not make. */
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
      return Py_NewRef (_hn_py_not_given);
    case 'D':
      {
        const char *type_string = p + 1;
        const char *end = memchr (type_string, '\0', size);
        GVariant *v;
        PyObject *out;

        if (end == NULL)
          break;
        v = _hn_py_variant_of_normal_data (type_string, end + 1, size - (end - type_string) - 1);
        if (v == NULL)
          break;
        out = _hn_py_data_new (v);
        g_variant_unref (v);
        return out;
      }
    case 'p':
      {
        PyObject *view = PyMemoryView_FromMemory ((char *) p + 1, size, PyBUF_READ);
        PyObject *out = view ? PyObject_CallOneArg (_hn_py_pickle_loads, view) : NULL;

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

/* decode() of one value, a bytes object. */
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

/* ---- columns as the buffers of Arrow large binary arrays -------------------------------- */

/* encode_column(values) -> (offsets, data): encode() of every value, as the buffers of an Arrow
 * large binary array (n + 1 little-endian int64 offsets, and the bytes), without a bytes
 * object per value */
PyObject *
_hn_py_native_encode_column (PyObject *module,
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
  /* room for as many numbers (9 bytes each) at once, the common case */
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
PyObject *
_hn_py_native_decode_column (PyObject *module,
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

      /* a null has its bit clear in Arrow's validity bitmap (least significant bit first) */
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

/* ---- lists of values -------------------------------------------------------------------- */

/* A new list of @func applied to each item of the sequence @list (a null, None, stays None
 * when decoding); NULL with an exception set when @func fails on one. */
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

/* encode(values) -> list of bytes: see above. */
PyObject *
_hn_py_native_encode (PyObject *module,
                      PyObject *list)
{
  return map_list (list, encode_value);
}

/* decode(list of bytes) -> values: what encode() made (None stays None). */
PyObject *
_hn_py_native_decode (PyObject *module,
                      PyObject *list)
{
  return map_list (list, decode_value);
}

/* unpack(values) -> list: glue values as Python objects (Data unpacked, NOT_GIVEN as None), for
 * engine columns of a type of their own */
static PyObject *
unpack_value (PyObject *obj)
{
  if (Py_TYPE (obj) == &_hn_py_data_type)
    return _hn_py_data_unpack (obj, NULL);
  return Py_NewRef (obj);
}

/* unpack(values) -> list: unpack_value() of each. */
PyObject *
_hn_py_native_unpack (PyObject *module,
                      PyObject *list)
{
  return map_list (list, unpack_value);
}

/* ---- columns of a type of their own ----------------------------------------------------- */

/* plain_column(values) -> None or (kind, buffers): when all @values are of one exact type among
 * int (within int64), float, str (valid UTF-8) and bool, the Daft type that holds them as they
 * are ("int64", "float64", "string", "bool") and the buffers of an Arrow array of them, in one
 * pass: (data) for numbers, (int64 offsets, UTF-8) for strings, None for booleans. */
PyObject *
_hn_py_native_plain_column (PyObject *module,
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
  /* numbers take 8 bytes each; strings grow the buffer as they need */
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
PyObject *
_hn_py_native_as_data (PyObject *module,
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

      if (item == Py_None || item == _hn_py_not_given)
        {
          PyList_SET_ITEM (out, i, Py_NewRef (_hn_py_not_given));
          continue;
        }
      if (Py_TYPE (item) == &_hn_py_data_type)
        {
          PyList_SET_ITEM (out, i, Py_NewRef (item));
          continue;
        }
      v = _hn_py_to_variant (item, type, &error);
      if (v == NULL)
        {
          PyErr_Format (PyExc_TypeError, "value %zd of a column of type “%s”: %s", i,
                        type_string, error->message);
          Py_CLEAR (out);
          break;
        }
      PyList_SET_ITEM (out, i, _hn_py_data_new (v));
      g_variant_unref (v);
    }
  Py_DECREF (seq);
  return out;
}
