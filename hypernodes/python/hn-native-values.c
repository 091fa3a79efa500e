/* hn-native-values.c: Python objects as host values
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A Python object travels through a run as a host value: the library holds a reference to the
 * object itself, passes it from node to node, and converts it to data only where it must (a C
 * node, a typed port, a cache key, another process). This file gives the library the host type
 * of Python objects; making a value of an object and back (_hn_py_value_from_python() and
 * _hn_py_value_to_python()) is inline in hn-native-private.h.
 */

#include "hn-native-private.h"

static GVariant *py_host_to_variant (gpointer object, const GVariantType *type, GError **error);
static GVariant *py_host_cache_key (gpointer object, GError **error);

/* Drops a host value's reference, from whichever thread the library drops the value in. */
static void
py_host_free (gpointer object)
{
  PyGILState_STATE gil;

  if (!_hn_py_alive ())
    return;  /* the interpreter is gone: nothing to drop */
  gil = _hn_py_gil_enter ();
  Py_DECREF ((PyObject *) object);
  _hn_py_gil_leave (gil);
}

/* Values @first to @first + @n_values - 1 of @column as host values (new references in
 * @objects), for a map whose inputs or results the library holds as columns. Columns are
 * lists, which the library holds for a run: copies the caller cannot change. */
static void
py_column_values (gpointer  column,
                  gsize     first,
                  gsize     n_values,
                  gpointer *objects)
{
  PyGILState_STATE gil = _hn_py_gil_enter ();

  for (gsize i = 0; i < n_values; i++)
    objects[i] = Py_NewRef (PyList_GET_ITEM ((PyObject *) column, first + i));
  _hn_py_gil_leave (gil);
}

/* How the library handles a Python object it holds: it drops it, converts it to data where a
 * typed port or another process needs data, names its type in messages, asks it for a cache
 * key, and reads the values of a column of them. Every entry takes the GIL itself, as the
 * library calls them from any thread. */
const HnHostType _hn_py_host_type = {
  .language = "Python",
  .free = py_host_free,
  .to_variant = py_host_to_variant,
  .describe = _hn_py_host_describe,
  .cache_key = py_host_cache_key,
  .column_values = py_column_values,
};

/* Whether the values of @list are all Python objects as they are (their own host values):
 * none is data (a GLib.Variant, or engine glue's Data). Must hold the GIL. Such a list can
 * be given to the library whole, as a column, instead of a value per item. */
gboolean
_hn_py_all_host_objects (PyObject *list)
{
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE (list); i++)
    {
      PyTypeObject *type = Py_TYPE (PyList_GET_ITEM (list, i));

      if ((PyObject *) type == _hn_py_glib_variant_type || type == &_hn_py_data_type)
        return FALSE;
    }
  return TRUE;
}

/* The name of @object's type: what messages and callbacks show of a value with no data
 * form. */
char *
_hn_py_host_describe (gpointer object)
{
  PyGILState_STATE gil = _hn_py_gil_enter ();
  char *name = g_strdup (Py_TYPE ((PyObject *) object)->tp_name);

  _hn_py_gil_leave (gil);
  return name;
}

/* @object as data of @type (NULL to infer it), where the library needs data: a C node, a
 * typed port, a value sent to another process. */
static GVariant *
py_host_to_variant (gpointer             object,
                    const GVariantType  *type,
                    GError             **error)
{
  PyGILState_STATE gil = _hn_py_gil_enter ();
  GVariant *v = _hn_py_to_variant (object, type, error);

  _hn_py_gil_leave (gil);
  return v;
}

/* The cache key of @object: what its __cache_key__() returns, tagged with the type's name so
 * that two classes with equal keys do not share a cache entry; else the object as data
 * (the envelope of its pickle when it has no data form). */
static GVariant *
py_host_cache_key (gpointer   object,
                   GError   **error)
{
  PyGILState_STATE gil = _hn_py_gil_enter ();
  PyObject *obj = object;
  GVariant *v = NULL;

  if (PyObject_HasAttrString (obj, "__cache_key__"))
    {
      PyObject *key = PyObject_CallMethod (obj, "__cache_key__", NULL);

      if (key == NULL)
        _hn_py_set_error_from_python (error);
      else
        {
          GVariant *k = _hn_py_to_variant (key, NULL, error);

          if (k != NULL)
            {
              v = g_variant_new ("(sv)", Py_TYPE (obj)->tp_name, k);
              g_variant_unref (k);
            }
          Py_DECREF (key);
        }
    }
  else
    v = _hn_py_to_variant (obj, NULL, error);
  _hn_py_gil_leave (gil);
  return v;
}
