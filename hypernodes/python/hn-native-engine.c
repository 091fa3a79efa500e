/* hn-native-engine.c: engine glue: what the Daft, Dask and Ray glue asks of a run
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The engine executors hand a run to their Python glue (hypernodes._engines), which drives the
 * engine and calls back here: engine_inputs() reads the run's root inputs, invoke_rows() calls a
 * node on a batch of rows through the library's invocation path (type checks, cache, errors
 * naming the node and the item), set_results() gives the run its results, to_report() shows a
 * value to callbacks. Values cross as glue values (hn-native-data.c): Python objects by
 * reference, data as Data.
 */

#include "hn-native-private.h"

/* ---- glue values ------------------------------------------------------------------------ */

/* A glue value as an HnValue (a new reference; NULL for NOT_GIVEN). Must hold the GIL. */
static HnValue *
value_from_glue (PyObject *obj)
{
  if (Py_TYPE (obj) == &_hn_py_data_type)
    {
      PyData *data = (PyData *) obj;

      return data->variant != NULL ? hn_value_new_variant (data->variant) : NULL;
    }
  return _hn_py_value_from_python (obj);
}

/* An HnValue as a glue value (a new reference); NOT_GIVEN for NULL. Must hold the GIL. A value
 * of another language goes as data, or fails, saying @what it is ("Input “x”", "A result"),
 * when it has no data form. */
static PyObject *
value_to_glue (HnValue     *value,
               const char  *what)
{
  PyObject *obj;

  if (value == NULL)
    return Py_NewRef (_hn_py_not_given);
  obj = hn_value_get_host (value, &_hn_py_host_type);
  if (obj != NULL)
    return Py_NewRef (obj);
  if (!hn_value_is_host (value))
    return _hn_py_data_new (hn_value_get_variant (value));

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
    return _hn_py_data_new (v);
  }
}

/* ---- a run's inputs --------------------------------------------------------------------- */

/* The HnRun of the Hn.Run @py_run and, when @py_node is given, the HnNode of the Hn.Node
 * @py_node (borrowed); FALSE with a TypeError if either is something else. */
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
 * it). A column the run holds as it is (the list a Python caller mapped over) goes whole, as a
 * copy; the others are read from the run INPUT_BLOCK items at a time, which bounds the values
 * alive at once in a long map. */
#define INPUT_BLOCK 4096
PyObject *
_hn_py_native_engine_inputs (PyObject *module,
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
  /* room for the shared values, then for a block of items' own values at a time */
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
  /* item -1: what every item shares (bound inputs, overridden by given ones), or every input
   * of a single run */
  if (!hn_run_get_input_values (run, -1, 1, n_roots, names, values, &error))
    {
      _hn_py_raise_error (error);
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
      PyObject *list = n_items > 0 ? hn_run_get_input_column (run, names[r], &_hn_py_host_type)
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
          _hn_py_raise_error (error);
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
                                                                        : _hn_py_not_given));
              }
            if (value == NULL)
              obj = Py_NewRef (fallbacks[r] ? fallbacks[r] : _hn_py_not_given);
            else
              {
                obj = hn_value_get_host (value, &_hn_py_host_type);
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

/* ---- node calls ------------------------------------------------------------------------- */

/* Whether calls of @node can be made with the GIL held: a Python node calls Python code only,
 * which lets other threads run; other nodes may wait on threads that need the GIL. */
static gboolean
calls_python_only (HnNode *node)
{
  return g_object_get_data (G_OBJECT (node), "hn-python-node") != NULL &&
         hn_node_get_main_context (node) == NULL;
}

/* Rows of invoke_rows() converted and called at a time (see there). */
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
PyObject *
_hn_py_native_invoke_rows (PyObject *module,
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

  /* the map item of each row, which the node's errors and callbacks name */
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
              /* once a result fails to convert, the others are only dropped */
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
      PyObject *exc = _hn_py_exception_of (error);

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

/* ---- a run's results, and values as callbacks see them ---------------------------------- */

/* set_results(run, columns): gives the run its results: one list of glue values per output,
 * in the order of the run's result names, one value per item (one for a single run). */
PyObject *
_hn_py_native_set_results (PyObject *module,
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
        plain = _hn_py_all_host_objects (PySequence_Fast_GET_ITEM (seq, o));
      for (Py_ssize_t o = 0; plain && o < n_outputs; o++)
        if ((lists[o] = PyList_GetSlice (PySequence_Fast_GET_ITEM (seq, o), 0, n_items)) == NULL)
          {
            for (Py_ssize_t k = 0; k < o; k++)
              Py_DECREF ((PyObject *) lists[k]);
            goto out;
          }
      if (plain)
        {
          if (!hn_run_set_result_columns (run, n_items, &_hn_py_host_type,
                                          (gpointer const *) lists, &error))
            _hn_py_raise_error (error);
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
    _hn_py_raise_error (error);
  else
    ret = Py_NewRef (Py_None);

out:
  for (Py_ssize_t i = 0; values != NULL && i < n_items * n_outputs; i++)
    if (values[i] != NULL)
      hn_value_unref (values[i]);
  Py_DECREF (seq);
  return ret;
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
  out = PyObject_CallFunction (_hn_py_variant_from_data, "sO", g_variant_get_type_string (normal),
                               data);
  Py_DECREF (data);
  return out;
}

/* to_report(obj) -> GLib.Variant: a glue value as callbacks see it (its data, or its
 * description when it has none); None for NOT_GIVEN. For the engine glue, which reports to
 * callbacks the arguments of a node call that failed in an engine's worker. */
PyObject *
_hn_py_native_to_report (PyObject *module,
                         PyObject *obj)
{
  g_autoptr(GVariant) v = NULL;
  HnValue *value = value_from_glue (obj);

  if (value == NULL)
    Py_RETURN_NONE;
  v = hn_value_to_variant (value, NULL, NULL);
  if (v == NULL)
    {
      g_autofree char *what = _hn_py_host_describe (obj);

      v = g_variant_ref_sink (g_variant_new_string (what));
    }
  hn_value_unref (value);
  return variant_to_python_object (v);
}
