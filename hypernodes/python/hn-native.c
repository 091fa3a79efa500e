/* hn-native.c: hypernodes._native, the fast path of the Python face
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A CPython extension linked to libhypernodes. Python values travel through runs as host
 * values (the same objects, by reference); Python nodes are called from C with
 * PyObject_Vectorcall on the stored callable, not through PyGObject closures; a run whose
 * executor calls every node in the caller's thread keeps the GIL across its nodes, and threads
 * of the library's pools keep a Python thread state for their whole life. Values become data (a
 * GVariant) only where they must: a C node, a typed port, a cache key, another process (objects
 * without a data form travel pickled).
 *
 * This file is the module: its state, its method table and its init. The functions live in the
 * files named in hn-native-private.h, one concept each.
 */

#define _HN_NATIVE_MODULE
#include "hn-native-private.h"

/* The module state (see hn-native-private.h): set here, borrowed for the module's lifetime
 * (the module is never unloaded). */
PyObject     *_hn_py_errors_module;          /* hypernodes._errors */
PyObject     *_hn_py_pickle_dumps;           /* hypernodes._pickle.pickle_dumps */
PyObject     *_hn_py_pickle_loads;           /* pickle.loads */
PyObject     *_hn_py_glib_variant_type;      /* GLib.Variant */
PyObject     *_hn_py_run_coroutine;          /* hypernodes._aio.run_coroutine */
PyObject     *_hn_py_submit_coroutine;       /* hypernodes._aio.submit */
PyObject     *_hn_py_cancelled_error;        /* asyncio.CancelledError */
PyTypeObject *_hn_py_coroutine_type;         /* types.CoroutineType */
PyObject     *_hn_py_variant_from_data;      /* hypernodes._values.variant_from_data */
PyObject     *_hn_py_take_engine_exception;  /* hypernodes._bridge.take_exception */

/* The module's functions, which only the Python package calls (the override, hypernodes'
 * modules, the engine glue), grouped by the file that holds them: engine glue, columns,
 * Data, nodes, runs, conversions. */
static PyMethodDef native_methods[] = {
  { "engine_inputs", _hn_py_native_engine_inputs, METH_VARARGS,
    "engine_inputs(run, roots) -> (shared, columns): the root values of a run, for engines" },
  { "invoke_rows", _hn_py_native_invoke_rows, METH_VARARGS,
    "invoke_rows(run, node, columns, n_rows, items, want_cached) -> (outputs, n_done, failure, cached)" },
  { "set_results", _hn_py_native_set_results, METH_VARARGS,
    "set_results(run, columns): the run's results, one list of values per output" },
  { "to_report", _hn_py_native_to_report, METH_O,
    "to_report(value) -> GLib.Variant: a value as callbacks see it" },
  { "encode", _hn_py_native_encode, METH_O,
    "encode(values) -> list of bytes: values for an engine column of binary values" },
  { "decode", _hn_py_native_decode, METH_O, "decode(list of bytes) -> values: what encode() made" },
  { "encode_column", _hn_py_native_encode_column, METH_O,
    "encode_column(values) -> (offsets, data): encode() as Arrow large binary buffers" },
  { "decode_column", _hn_py_native_decode_column, METH_VARARGS,
    "decode_column(offsets, data, validity, offset, length) -> values: what encode_column() made" },
  { "as_data", _hn_py_native_as_data, METH_VARARGS,
    "as_data(values, type_string) -> list: column values as Data of a type" },
  { "plain_column", _hn_py_native_plain_column, METH_O,
    "plain_column(values) -> (kind, buffers) or None: values as an Arrow column of their type" },
  { "unpack", _hn_py_native_unpack, METH_O,
    "unpack(values) -> list: values as Python objects (Data unpacked)" },
  { "_data", _hn_py_native_data, METH_VARARGS, "_data(type_string, bytes) -> Data" },
  { "_not_given", _hn_py_native_not_given, METH_NOARGS, "_not_given() -> NOT_GIVEN" },
  { "install", _hn_py_native_install, METH_VARARGS,
    "install(node, func, n_positional, kwnames, defaults, output_types): calls node with func" },
  { "run", _hn_py_native_run, METH_VARARGS,
    "run(pipeline, inputs, outputs, cancellable) -> dict of the outputs" },
  { "map", _hn_py_native_map, METH_VARARGS,
    "map(pipeline, inputs, map_over, mode, outputs, cancellable) -> list of dicts" },
  { "to_data", _hn_py_native_to_data, METH_VARARGS,
    "to_data(obj, type_string) -> (type_string, bytes): obj as the library's data" },
  { "from_data", _hn_py_native_from_data, METH_VARARGS,
    "from_data(type_string, bytes) -> obj: the library's data as a Python object" },
  { NULL, NULL, 0, NULL },
};

static struct PyModuleDef native_module = {
  PyModuleDef_HEAD_INIT, "hypernodes._native",
  "The fast path of hypernodes' Python face (C).", -1, native_methods,
};

/* Attribute @name of module @module, imported if need be; NULL with an exception set. */
PyObject *
_hn_py_import_attr (const char *module,
                    const char *name)
{
  PyObject *m = PyImport_ImportModule (module);
  PyObject *attr = m ? PyObject_GetAttrString (m, name) : NULL;

  Py_XDECREF (m);
  return attr;
}

/* Imports what the module calls in Python (a missing one makes the import fail, rather than
 * the first node call), readies the types, and makes NOT_GIVEN. PyGObject must be there: runs
 * and nodes arrive as its wrappers. */
PyMODINIT_FUNC PyInit__native (void);

PyMODINIT_FUNC
PyInit__native (void)
{
  PyObject *module;

  if (pygobject_init (3, 0, 0) == NULL)
    return NULL;
  _hn_py_errors_module = PyImport_ImportModule ("hypernodes._errors");
  _hn_py_pickle_dumps = _hn_py_import_attr ("hypernodes._pickle", "pickle_dumps");
  _hn_py_pickle_loads = _hn_py_import_attr ("pickle", "loads");
  _hn_py_run_coroutine = _hn_py_import_attr ("hypernodes._aio", "run_coroutine");
  _hn_py_glib_variant_type = _hn_py_import_attr ("gi.repository.GLib", "Variant");
  _hn_py_coroutine_type = (PyTypeObject *) _hn_py_import_attr ("types", "CoroutineType");
  _hn_py_variant_from_data = _hn_py_import_attr ("hypernodes._values", "variant_from_data");
  _hn_py_take_engine_exception = _hn_py_import_attr ("hypernodes._bridge", "take_exception");
  _hn_py_submit_coroutine = _hn_py_import_attr ("hypernodes._aio", "submit");
  _hn_py_cancelled_error = _hn_py_import_attr ("asyncio", "CancelledError");
  if (PyType_Ready (&_hn_py_value_call_type) < 0)
    return NULL;
  if (_hn_py_errors_module == NULL || _hn_py_pickle_dumps == NULL ||
      _hn_py_pickle_loads == NULL || _hn_py_run_coroutine == NULL ||
      _hn_py_glib_variant_type == NULL || _hn_py_coroutine_type == NULL ||
      _hn_py_variant_from_data == NULL || _hn_py_take_engine_exception == NULL ||
      _hn_py_submit_coroutine == NULL || _hn_py_cancelled_error == NULL)
    return NULL;

  if (PyType_Ready (&_hn_py_data_type) < 0)
    return NULL;
  _hn_py_not_given = PyObject_New (PyObject, &_hn_py_data_type);
  if (_hn_py_not_given == NULL)
    return NULL;
  ((PyData *) _hn_py_not_given)->variant = NULL;

  module = PyModule_Create (&native_module);
  if (module == NULL ||
      PyModule_AddObjectRef (module, "Data", (PyObject *) &_hn_py_data_type) < 0 ||
      PyModule_AddObjectRef (module, "NOT_GIVEN", _hn_py_not_given) < 0)
    return NULL;
  return module;
}
