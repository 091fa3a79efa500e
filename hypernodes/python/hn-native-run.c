/* hn-native-run.c: run() and map(): a pipeline run from Python
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The Python face's Pipeline.run() and Pipeline.map() call these: a run of the library made from
 * Python values (host values, not converted), executed with the GIL released unless the whole run
 * happens in this thread, and its results given back as Python objects.
 */

#include "hn-native-private.h"

/* ---- keeping the GIL -------------------------------------------------------------------- */

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

/* Whether a run of @pipeline can keep the GIL while it runs, so that consecutive Python
 * nodes find it held instead of each taking it: a run in this process whose executor calls
 * every node in the caller's thread (hn_executor_calls_in_caller()), unless a node waits on
 * another thread, which would need the GIL to go on. */
static gboolean
keeps_gil (HnPipeline *pipeline)
{
  HnRuntimeConfig *config = hn_pipeline_get_config (pipeline);

  /* an executor that calls every node in this thread lets the GIL stay held. Any other
   * executor has threads (or a main loop) that need it; so do nodes whose calls wait on other
   * threads (bound to a main context, or asynchronous only). */
  return HN_IS_LOCAL_BACKEND (hn_runtime_config_get_backend (config)) &&
         hn_executor_calls_in_caller (hn_runtime_config_get_executor (config)) &&
         !waits_on_others (pipeline);
}

/* Runs @run, releasing the GIL for its length unless keeps_gil() says it may stay held. */
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

/* ---- the arguments ---------------------------------------------------------------------- */

/* The HnPipeline of the Hn.Pipeline @obj (borrowed), or NULL with a TypeError. */
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

/* The GCancellable of @obj (borrowed), NULL for None; @ok says whether @obj was either. */
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

/* Adds the names and values of the dict @inputs (str keys; None for none) to @names and
 * @values, skipping the names in @skip when given (the mapped inputs of a map): borrowed names,
 * new values. Returns FALSE with an exception set for a name that is not a str or holds NUL. */
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
      g_ptr_array_add (values, _hn_py_value_from_python (value));
    }
  return TRUE;
}

/* The list of str @outputs as a new string vector, NULL for None (all outputs); @ok says
 * whether @outputs was either. */
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

/* ---- the results ------------------------------------------------------------------------ */

/* The results of item @item of @run (0 for a single run) as a dict by @keys, the run's result
 * names in order: the Python objects the nodes returned, data converted. */
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
      PyObject *obj = _hn_py_value_to_python (values[o]);

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
    if ((lists[o] = hn_run_get_result_column (run, o, &_hn_py_host_type)) == NULL ||
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

/* The run's result names as interned str (new references): the keys of every result dict,
 * made once per run and not once per item. */
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

/* Frees what result_keys() made. */
static void
free_keys (PyObject **keys,
           guint      n)
{
  for (guint o = 0; o < n; o++)
    Py_XDECREF (keys[o]);
  g_free (keys);
}

/* Drops the values inputs_of() gave and the array. */
static void
unref_values (GPtrArray *values)
{
  for (guint i = 0; i < values->len; i++)
    hn_value_unref (values->pdata[i]);
  g_ptr_array_unref (values);
}

/* ---- run() and map() -------------------------------------------------------------------- */

/* run(pipeline, inputs, outputs, cancellable) -> dict: runs @pipeline once on the dict
 * @inputs and returns its @outputs (None for all) by name. Values go in and come out as the
 * Python objects they are; an error is raised as the node's exception or the library's. */
PyObject *
_hn_py_native_run (PyObject *module,
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
    return _hn_py_raise_error (error);
  if (!execute (run, pipeline, &error))
    return _hn_py_raise_error_of_run (error, run);

  keys = result_keys (run, &n_keys);
  result = results_dict (run, 0, keys, n_keys);
  free_keys (keys, n_keys);
  return result;
}

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

/* map(pipeline, inputs, map_over, mode, outputs, cancellable) -> list of dicts: runs @pipeline
 * once per item of the lists of @inputs named in @map_over (zipped or their product, as @mode
 * says), with the other inputs shared. Lists of plain Python objects are given to the library
 * as columns, copied but not converted; a list holding data (a GLib.Variant) is converted a
 * value at a time. The results come back as one dict per item, from the result lists engine
 * glue gave when it gave them so. */
PyObject *
_hn_py_native_map (PyObject *module,
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
          PyObject *exc = PyObject_CallMethod (_hn_py_errors_module, "not_a_list", "ss", over[m],
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
      as_lists = as_lists && _hn_py_all_host_objects (lists[m]);
    }
  if (ok && !as_lists)
    {
      columns = g_new0 (HnValue **, MAX (n_over, 1));
      for (guint m = 0; m < n_over; m++)
        if (lists[m] != NULL)
          {
            columns[m] = g_new (HnValue *, MAX (lengths[m], 1));
            for (gsize i = 0; i < lengths[m]; i++)
              columns[m][i] = _hn_py_value_from_python (PyList_GET_ITEM ((PyObject *) lists[m], i));
          }
    }

  if (ok && as_lists)
    {
      /* the run takes the lists */
      run = hn_run_new_map_columns (pipeline, names->len, (const char * const *) names->pdata,
                                    (HnValue * const *) values->pdata,
                                    (const char * const *) over, &_hn_py_host_type,
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
    return _hn_py_raise_error (error);
  if (!execute (run, pipeline, &error))
    return _hn_py_raise_error_of_run (error, run);

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
