/* hn-native-data.c: Data and NOT_GIVEN, the values engine glue carries
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Python type of a glue value that is data (hypernodes._native.Data): how it shows, compares
 * and pickles, and the functions that unpickle it. What a Data is, and its struct, which the
 * engine glue and the column codec read too, are in hn-native-private.h.
 */

#include "hn-native-private.h"

PyObject *_hn_py_not_given;  /* the NOT_GIVEN singleton */

static void
py_data_dealloc (PyObject *self)
{
  PyData *data = (PyData *) self;

  g_clear_pointer (&data->variant, g_variant_unref);
  PyObject_Free (self);
}

/* Data(<the value in GVariant text form>), or NOT_GIVEN's name. */
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

/* Pickles a Data as a call of _data() on its type string and its bytes in normal form, and
 * NOT_GIVEN as a call of _not_given(), so that it unpickles as the singleton: a value
 * crosses a process boundary exactly, with no conversion through Python objects. */
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
PyObject *
_hn_py_data_unpack (PyObject *self,
                    PyObject *unused)
{
  PyData *data = (PyData *) self;

  if (data->variant == NULL)
    Py_RETURN_NONE;
  return _hn_py_from_variant (data->variant);
}

/* Data.type_string: the GVariant type string, None for NOT_GIVEN. */
static PyObject *
py_data_type_string (PyObject *self,
                     void     *closure)
{
  PyData *data = (PyData *) self;

  if (data->variant == NULL)
    Py_RETURN_NONE;
  return PyUnicode_FromString (g_variant_get_type_string (data->variant));
}

/* Two Data are equal when their variants are (g_variant_equal()); NOT_GIVEN only equals
 * itself. Nothing else compares to a Data. */
static PyObject *
py_data_richcompare (PyObject *a,
                     PyObject *b,
                     int       op)
{
  GVariant *va, *vb;
  gboolean equal;

  if (!PyObject_TypeCheck (b, &_hn_py_data_type) || (op != Py_EQ && op != Py_NE))
    Py_RETURN_NOTIMPLEMENTED;
  va = ((PyData *) a)->variant;
  vb = ((PyData *) b)->variant;
  equal = va == vb || (va != NULL && vb != NULL && g_variant_equal (va, vb));
  return PyBool_FromLong (op == Py_EQ ? equal : !equal);
}

static PyMethodDef py_data_methods[] = {
  { "__reduce__", py_data_reduce, METH_NOARGS, NULL },
  { "unpack", _hn_py_data_unpack, METH_NOARGS, "The value as a Python object" },
  { NULL, NULL, 0, NULL },
};

static PyGetSetDef py_data_getset[] = {
  { "type_string", py_data_type_string, NULL, "The GVariant type of the value", NULL },
  { NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject _hn_py_data_type = {
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
GVariant *
_hn_py_variant_of_normal_data (const char *type_string,
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
PyObject *
_hn_py_native_data (PyObject *module,
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
  v = _hn_py_variant_of_normal_data (type_string, bytes, size);
  if (v == NULL)
    {
      PyErr_Format (PyExc_ValueError, "damaged data of type “%s”", type_string);
      return NULL;
    }
  ret = _hn_py_data_new (v);
  g_variant_unref (v);
  return ret;
}

/* _not_given() -> NOT_GIVEN: what a pickled NOT_GIVEN unpickles as. */
PyObject *
_hn_py_native_not_given (PyObject *module,
                         PyObject *unused)
{
  return Py_NewRef (_hn_py_not_given);
}
