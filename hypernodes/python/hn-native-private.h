/* hn-native-private.h: what the files of hypernodes._native share
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The extension (the fast path of the Python face) is split by concept, a file each:
 *   hn-native.c          the module: its state, its method table, PyInit__native()
 *   hn-native-errors.c   Python exceptions as GErrors, and GErrors raised in Python
 *   hn-native-values.c   Python objects as host values (the library's HnHostType of Python)
 *   hn-native-convert.c  Python objects as GVariants and back; to_data() and from_data()
 *   hn-native-nodes.c    Python nodes and async def nodes; install()
 *   hn-native-run.c      run() and map(): a pipeline run from Python
 *   hn-native-data.c     Data and NOT_GIVEN, the values engine glue carries
 *   hn-native-engine.c   engine glue: a run's inputs, node calls by rows, a run's results
 *   hn-native-columns.c  engine columns: encode() and decode(), plain_column(), as_data()
 *
 * This header holds what they share: the GIL helpers and the conversion of a value from and to
 * Python, inline because every node call goes through them; the module state; and the functions
 * one file calls in another, all named _hn_py_*. Include it first in every file: Python.h must
 * come before any system header.
 */

#pragma once

#define PY_SSIZE_T_CLEAN
#include <Python.h>
/* pygobject.h defines the table of PyGObject's C API, which pygobject_init() fills, in the one
 * file that does not define NO_IMPORT_PYGOBJECT: hn-native.c, which defines _HN_NATIVE_MODULE. */
#ifndef _HN_NATIVE_MODULE
#define NO_IMPORT_PYGOBJECT
#endif
#include <pygobject.h>

#include <string.h>

#include <hypernodes/hypernodes.h>

G_BEGIN_DECLS

/* ---- module state (hn-native.c) --------------------------------------------------------- */

/* Set by PyInit__native(), borrowed for the module's lifetime (it is never unloaded). */
extern PyObject     *_hn_py_errors_module;          /* hypernodes._errors */
extern PyObject     *_hn_py_pickle_dumps;           /* hypernodes._pickle.pickle_dumps */
extern PyObject     *_hn_py_pickle_loads;           /* pickle.loads */
extern PyObject     *_hn_py_glib_variant_type;      /* GLib.Variant */
extern PyObject     *_hn_py_run_coroutine;          /* hypernodes._aio.run_coroutine */
extern PyObject     *_hn_py_submit_coroutine;       /* hypernodes._aio.submit */
extern PyObject     *_hn_py_cancelled_error;        /* asyncio.CancelledError */
extern PyTypeObject *_hn_py_coroutine_type;         /* types.CoroutineType */
extern PyObject     *_hn_py_variant_from_data;      /* hypernodes._values.variant_from_data */
extern PyObject     *_hn_py_take_engine_exception;  /* hypernodes._bridge.take_exception */

/* Attribute @name of module @module (imported if need be): a new reference, or NULL with an
 * exception set. */
PyObject *_hn_py_import_attr (const char *module,
                              const char *name);

/* ---- the GIL ---------------------------------------------------------------------------- */

/* The thread state holding the GIL, whichever thread it is, or NULL: without the check
 * PyThreadState_Get() makes, which aborts when there is none. */
static inline PyThreadState *
_hn_py_current_thread_state (void)
{
#if PY_VERSION_HEX >= 0x030D0000
  return PyThreadState_GetUnchecked ();
#else
  return _PyThreadState_UncheckedGet ();
#endif
}

/* What _hn_py_gil_enter() returns when the thread holds the GIL already: _hn_py_gil_leave()
 * does nothing. */
#define _HN_PY_GIL_HELD ((PyGILState_STATE) -1)

/* Takes the GIL in any thread. A thread Python has never seen gets a thread state that stays
 * until the thread ends: the executors' pool threads would otherwise make and destroy one per
 * call (about 9 us each). A thread that holds the GIL already (a node called, or a value
 * dropped, in a run that keeps the GIL) pays a lookup and a comparison: the thread state
 * holding the GIL is this thread's. */
static inline PyGILState_STATE
_hn_py_gil_enter (void)
{
  PyThreadState *mine = PyGILState_GetThisThreadState ();

  /* pointers only: before Python 3.12 the current thread state is the one holding the GIL in
   * any thread, which its thread may free at any time */
  if (mine != NULL && mine == _hn_py_current_thread_state ())
    return _HN_PY_GIL_HELD;
  if (mine == NULL)
    {
      PyGILState_Ensure ();
      PyEval_SaveThread ();
    }
  return PyGILState_Ensure ();
}

/* Gives back what _hn_py_gil_enter() took: nothing when the thread held the GIL already. */
static inline void
_hn_py_gil_leave (PyGILState_STATE state)
{
  if (state != _HN_PY_GIL_HELD)
    PyGILState_Release (state);
}

/* Whether Python objects can still be touched. The library drops values and nodes from its
 * own threads, maybe after the interpreter finalized (at exit): then there is nothing to
 * drop, and the GIL can no longer be taken. */
static inline gboolean
_hn_py_alive (void)
{
  return Py_IsInitialized () && !_Py_IsFinalizing ();
}

/* ---- Python exceptions as GErrors (hn-native-errors.c) ---------------------------------- */

/* The error domain HnPythonException, whose errors keep the Python exception they stand for. */
GQuark    _hn_py_exception_quark          (void);
/* Turns the current Python exception into @error, keeping the exception. Must hold the GIL. */
void      _hn_py_set_error_from_python    (GError       **error);
/* Turns @exc (taken; NULL for an unknown exception) into @error. Must hold the GIL. */
void      _hn_py_set_error_from_exception (PyObject      *exc,
                                           GError       **error);
/* The Python exception behind @error, or behind the node error it caused (a new reference), or
 * NULL. Must hold the GIL. */
PyObject *_hn_py_exception_of             (const GError  *error);
/* Raises @error in Python (the node's own exception when there is one) and returns NULL. */
PyObject *_hn_py_raise_error              (const GError  *error);
/* _hn_py_raise_error() for a failed run: a node's exception may have come back from an
 * engine's worker, kept under the run's id. */
PyObject *_hn_py_raise_error_of_run       (const GError  *error,
                                           HnRun         *run);

/* ---- Python objects as host values (hn-native-values.c) --------------------------------- */

/* Python objects as host values: a host value of this type holds a reference to its object. */
extern const HnHostType _hn_py_host_type;

/* Whether no value of @list is data (a GLib.Variant, or a Data). Must hold the GIL. */
gboolean  _hn_py_all_host_objects (PyObject *list);
/* The type name of @object (a new string), for messages. Takes the GIL. */
char     *_hn_py_host_describe    (gpointer  object);

/* ---- conversions (hn-native-convert.c) -------------------------------------------------- */

/* @obj as data: of @type when given (NULL, or an indefinite type, infers it). Returns a new
 * (sunk) reference, or NULL with @error set. Must hold the GIL. */
GVariant *_hn_py_to_variant   (PyObject           *obj,
                               const GVariantType *type,
                               GError            **error);
/* A new Python object for @value, or NULL with an exception set. Must hold the GIL. */
PyObject *_hn_py_from_variant (GVariant           *value);

/* @obj as a value of the library: a host value holding a new reference to @obj, or data for a
 * GLib.Variant (which a caller gives to say "this is data"). Called on every input and output of
 * a Python node, hence inline. Must hold the GIL. */
static inline HnValue *
_hn_py_value_from_python (PyObject *obj)
{
  /* a GLib.Variant given by the caller is data, checked and converted as data */
  if ((PyObject *) Py_TYPE (obj) == _hn_py_glib_variant_type)
    {
      GVariant *v = _hn_py_to_variant (obj, NULL, NULL);

      if (v != NULL)
        {
          HnValue *value = hn_value_new_variant (v);
          g_variant_unref (v);
          return value;
        }
    }
  return hn_value_new_host (&_hn_py_host_type, Py_NewRef (obj));
}

/* A new reference to the Python object of @value: the object of a Python host value as it is,
 * data converted (_hn_py_from_variant()); NULL with a TypeError for an object of another
 * language. Must hold the GIL. */
static inline PyObject *
_hn_py_value_to_python (HnValue *value)
{
  PyObject *obj = hn_value_get_host (value, &_hn_py_host_type);

  if (obj != NULL)
    return Py_NewRef (obj);
  if (!hn_value_is_host (value))
    return _hn_py_from_variant (hn_value_get_variant (value));
  PyErr_Format (PyExc_TypeError, "a value of another language cannot be used in Python");
  return NULL;
}

/* ---- Data and NOT_GIVEN (hn-native-data.c) ---------------------------------------------- */

/* Values in engine glue are plain Python objects (a Python host value is its object), or Data:
 * a value that is data (a GVariant), which pickles as its type and serialized bytes so that it
 * crosses processes exactly. NOT_GIVEN, a Data without a variant, stands for an optional input
 * that is not given. */
typedef struct
{
  PyObject_HEAD
  GVariant *variant;  /* NULL for NOT_GIVEN */
} PyData;

/* The type of Data (hypernodes._native.Data). */
extern PyTypeObject  _hn_py_data_type;
/* The NOT_GIVEN singleton, a Data without a variant. */
extern PyObject     *_hn_py_not_given;

/* A new Data holding @variant (sunk if floating), or NULL with an exception. */
static inline PyObject *
_hn_py_data_new (GVariant *variant)
{
  PyData *data = PyObject_New (PyData, &_hn_py_data_type);

  if (data != NULL)
    data->variant = g_variant_ref_sink (variant);
  return (PyObject *) data;
}

/* Data.unpack(): the value as a Python object, as a Python node gets it (None for NOT_GIVEN). */
PyObject *_hn_py_data_unpack            (PyObject   *self,
                                         PyObject   *unused);
/* The variant another process serialized in normal form, or NULL if damaged. */
GVariant *_hn_py_variant_of_normal_data (const char *type_string,
                                         const char *bytes,
                                         gsize       size);

/* ---- async def nodes (hn-native-nodes.c) ------------------------------------------------ */

/* The type of the completion of one call of an async def node (hypernodes._native.ValueCall). */
extern PyTypeObject _hn_py_value_call_type;

/* ---- the module's functions, for the method table of hn-native.c ------------------------ */

/* Each is documented with its definition; the method table says what it takes and gives. */

/* hn-native-nodes.c: install(node, func, n_positional, kwnames, defaults, output_types) */
PyObject *_hn_py_native_install       (PyObject *module, PyObject *args);

/* hn-native-run.c: run(...) -> dict, map(...) -> list of dicts */
PyObject *_hn_py_native_run           (PyObject *module, PyObject *args);
PyObject *_hn_py_native_map           (PyObject *module, PyObject *args);

/* hn-native-convert.c: to_data(obj, type_string), from_data(type_string, bytes) */
PyObject *_hn_py_native_to_data       (PyObject *module, PyObject *args);
PyObject *_hn_py_native_from_data     (PyObject *module, PyObject *args);

/* hn-native-data.c: _data(type_string, bytes) and _not_given(), which unpickle Data */
PyObject *_hn_py_native_data          (PyObject *module, PyObject *args);
PyObject *_hn_py_native_not_given     (PyObject *module, PyObject *unused);

/* hn-native-engine.c: engine_inputs(), invoke_rows(), set_results(), to_report() */
PyObject *_hn_py_native_engine_inputs (PyObject *module, PyObject *args);
PyObject *_hn_py_native_invoke_rows   (PyObject *module, PyObject *args);
PyObject *_hn_py_native_set_results   (PyObject *module, PyObject *args);
PyObject *_hn_py_native_to_report     (PyObject *module, PyObject *obj);

/* hn-native-columns.c: encode(), decode(), encode_column(), decode_column(), unpack(),
 * plain_column(), as_data() */
PyObject *_hn_py_native_encode        (PyObject *module, PyObject *list);
PyObject *_hn_py_native_decode        (PyObject *module, PyObject *list);
PyObject *_hn_py_native_encode_column (PyObject *module, PyObject *list);
PyObject *_hn_py_native_decode_column (PyObject *module, PyObject *args);
PyObject *_hn_py_native_unpack        (PyObject *module, PyObject *list);
PyObject *_hn_py_native_plain_column  (PyObject *module, PyObject *list);
PyObject *_hn_py_native_as_data       (PyObject *module, PyObject *args);

G_END_DECLS
