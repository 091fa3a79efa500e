/* hn-native-nodes.c: Python nodes and async def nodes
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * A Python node is an HnNode whose value function calls a stored Python callable with
 * PyObject_Vectorcall(), its values passed as they are (Python objects by reference), not
 * through PyGObject closures: about 0.2 us a call, where a closure costs 1.6 to 6 us. install()
 * makes a node of the Python face such a node. An async def node is awaited in the call, or, on
 * an executor that keeps many calls in flight, runs on a background event loop.
 */

#include "hn-native-private.h"

/* What install() stored to call a Python node: its function and how to call it, made once so
 * that a call costs one PyObject_Vectorcall() and the conversion of its values. The first
 * @n_positional inputs are passed by position, the others by the names in @kwnames. */
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

/* Frees a PyNode with its HnNode, in whichever thread drops the last reference to that. */
static void
py_node_free (gpointer data)
{
  PyNode *node = data;

  if (_hn_py_alive ())
    {
      PyGILState_STATE gil = _hn_py_gil_enter ();

      Py_CLEAR (node->func);
      Py_CLEAR (node->kwnames);
      for (guint i = 0; i < node->n_inputs; i++)
        Py_CLEAR (node->defaults[i]);
      _hn_py_gil_leave (gil);
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
 * result, or NULL with a Python exception set. Must hold the GIL. The arguments go on the C
 * stack (past 16, on the heap), with the free slot in front that PY_VECTORCALL_ARGUMENTS_OFFSET
 * lets a bound method use instead of making a new tuple. */
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
                                            : _hn_py_value_to_python (args[n_ready]);
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
      results[0] = _hn_py_value_from_python (ret);
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
    results[o] = _hn_py_value_from_python (PySequence_Fast_GET_ITEM (seq, o));
  Py_DECREF (seq);
  return TRUE;
}

/* The value function of a Python node (hn_node_set_value_func()): called by the library in
 * whichever thread runs the node, with the node's inputs as values. A coroutine (an async def
 * node called by an executor that waits for each call) is run to its end here. */
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
  PyGILState_STATE gil = _hn_py_gil_enter ();
  PyObject *ret = call_function (node, args, n_args);
  gboolean ok;

  if (ret != NULL && Py_IS_TYPE (ret, _hn_py_coroutine_type))
    {
      /* an async def node: awaited here, also inside a running event loop */
      PyObject *coro = ret;
      ret = PyObject_CallOneArg (_hn_py_run_coroutine, coro);
      Py_DECREF (coro);
    }
  ok = ret != NULL && set_outputs (node, ret, results);
  if (!ok)
    _hn_py_set_error_from_python (error);
  Py_XDECREF (ret);
  _hn_py_gil_leave (gil);
  return ok;
}

/* ---- async def nodes on the async executor: coroutines on a background event loop ------- */

/* An executor that keeps many calls in flight calls an async def node through its value-async
 * function: the coroutine is submitted to the event loop of a background thread
 * (hypernodes._aio.submit), which calls a ValueCall, done(result, exception), once it is over;
 * that completes the HnValueCall. */

/* One call in flight: @call is given back to the library once, by done() or, if the coroutine
 * is dropped unfinished, by the dealloc. */
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

  if (!_hn_py_alive ())
    return;
  gil = _hn_py_gil_enter ();
  ret = PyObject_CallMethod (data, "cancel", NULL);
  Py_XDECREF (ret);
  PyErr_Clear ();
  _hn_py_gil_leave (gil);
}

/* Drops the reference to the future that the cancellable handler held. */
static void
drop_future (gpointer data)
{
  PyGILState_STATE gil;

  if (!_hn_py_alive ())
    return;
  gil = _hn_py_gil_enter ();
  Py_DECREF ((PyObject *) data);
  _hn_py_gil_leave (gil);
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

/* A ValueCall dropped before done() was called (the loop stopped, say): the call fails, so
 * that the run does not wait for it forever. */
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
  if (exc != Py_None && PyObject_IsInstance (exc, _hn_py_cancelled_error) == 1)
    {
      /* cancelled by the run (its cancellable, or its timeout) */
      hn_value_call_return_error (call, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                                                             "Operation was cancelled"));
      Py_RETURN_NONE;
    }
  if (exc != Py_None)
    {
      _hn_py_set_error_from_exception (Py_NewRef (exc), &error);
      hn_value_call_return_error (call, error);
      Py_RETURN_NONE;
    }
  {
    g_autofree HnValue **results = g_new0 (HnValue *, MAX (pc->node->n_outputs, 1));

    if (!set_outputs (pc->node, result, results))
      {
        _hn_py_set_error_from_python (&error);
        hn_value_call_return_error (call, error);
        Py_RETURN_NONE;
      }
    hn_value_call_return_values (call, results);
  }
  Py_RETURN_NONE;
}

/* A ValueCall is called as done(result, exception). */
static PyObject *
py_value_call_call (PyObject *self,
                    PyObject *args,
                    PyObject *kwargs)
{
  return py_value_call_done (self, args);
}

PyTypeObject _hn_py_value_call_type = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "hypernodes._native.ValueCall",
  .tp_basicsize = sizeof (PyValueCall),
  .tp_dealloc = py_value_call_dealloc,
  .tp_call = py_value_call_call,
  .tp_flags = Py_TPFLAGS_DEFAULT,
  .tp_doc = "The completion of one call of an async def node",
};

/* The value-async function of an async def node: calls the function, which returns a
 * coroutine, and submits it; returns at once. The run's cancellable, when it has one, cancels
 * the coroutine's future. Any failure before the coroutine runs completes @call with it. */
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
  PyGILState_STATE gil = _hn_py_gil_enter ();

  coro = call_function (node, args, n_args);
  if (coro == NULL)
    goto failed;
  done = PyType_GenericAlloc (&_hn_py_value_call_type, 0);
  if (done == NULL)
    goto failed;
  ((PyValueCall *) done)->call = call;
  ((PyValueCall *) done)->node = node;
  ret = PyObject_CallFunctionObjArgs (_hn_py_submit_coroutine, coro, done, NULL);
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
  _hn_py_set_error_from_python (&error);
  hn_value_call_return_error (call, error);
out:
  Py_XDECREF (coro);
  Py_XDECREF (done);
  _hn_py_gil_leave (gil);
}

/* install(node, func, n_positional, kwnames, defaults, output_types): makes @func the way
 * the HnNode @node is called. @defaults holds one entry per input: a 1-tuple holding the
 * default of an optional input, anything else for a required one; @output_types one GVariant
 * type string (or None) per output. An async def function is also given as the node's
 * value-async function. The node is marked as a Python node ("hn-python-node"), which engine
 * glue reads (invoke_rows() calls such a node with the GIL held). */
PyObject *
_hn_py_native_install (PyObject *module,
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
    PyObject *is_coroutine = _hn_py_import_attr ("inspect", "iscoroutinefunction");
    PyObject *yes = is_coroutine ? PyObject_CallOneArg (is_coroutine, func) : NULL;

    if (yes == Py_True)
      hn_node_set_value_async_func (hn_node, py_node_call_async, node, NULL);
    Py_XDECREF (yes);
    Py_XDECREF (is_coroutine);
    PyErr_Clear ();
  }
  Py_RETURN_NONE;
}
