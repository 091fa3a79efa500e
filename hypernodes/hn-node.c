/* hn-node.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "hn-error.h"
#include "hn-node-private.h"
#include "hn-value-private.h"

/**
 * HnNode:
 *
 * A function with named inputs and named outputs: the unit a [class@Pipeline] is built from.
 *
 * A node takes one [struct@GLib.Variant] per input, in the order of [property@Node:inputs], and
 * returns one value per output. A node with one output returns that value; a node with several
 * outputs returns a tuple whose members are split, in order, into its output names.
 *
 * Each port may declare a [struct@GLib.VariantType] with [property@Node:input-types] and
 * [property@Node:output-types]. The default, `*`, accepts any value. Declared types are checked
 * when a pipeline is built (connected ports must be compatible) and when it runs (root inputs are
 * checked before any node runs, results are checked as they are produced).
 *
 * Most nodes are [class@FunctionNode]s. Subclass `HnNode` and override
 * [vfunc@Node.invoke] for a node that holds state, such as a loaded model or a connection.
 * Nodes are immutable once constructed and may be invoked from several threads at once.
 */

typedef struct
{
  char          *name;
  char         **inputs;
  char         **outputs;
  char         **input_type_strings;
  char         **output_type_strings;
  GVariantType **input_types;
  GVariantType **output_types;
  guint          n_inputs;
  guint          n_outputs;
  gboolean       cache;
  char          *version;
  char         **optional_inputs;
  gboolean      *optional;        /* per input */
  HnNodeValueFunc value_func;
  gpointer       value_data;
  GDestroyNotify value_destroy;
  GMainContext  *main_context;
  HnNodeValueAsyncFunc value_async_func;
  gpointer       value_async_data;
  GDestroyNotify value_async_destroy;
  /* name -> index + 1 of its first occurrence: port lookups and checks stay linear in the number
   * of ports (a node may have many thousands) */
  GHashTable    *input_index;
  GHashTable    *output_index;
} HnNodePrivate;

G_DEFINE_TYPE_WITH_CODE (HnNode, hn_node, G_TYPE_OBJECT,
                         G_ADD_PRIVATE (HnNode)
                         g_type_add_class_private (g_define_type_id,
                                                   sizeof (HnNodeClassPrivate)))

enum {
  PROP_0,
  PROP_NAME,
  PROP_INPUTS,
  PROP_OUTPUTS,
  PROP_INPUT_TYPES,
  PROP_OUTPUT_TYPES,
  PROP_CACHE,
  PROP_VERSION,
  PROP_OPTIONAL_INPUTS,
  PROP_MAIN_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GVariant *invoke_values_on_variants (HnNode            *self,
                                            GVariant * const  *args,
                                            guint              n_args,
                                            GCancellable      *cancellable,
                                            GError           **error);

static GVariant *
hn_node_real_invoke (HnNode            *self,
                     GVariant * const  *args,
                     guint              n_args,
                     GCancellable      *cancellable,
                     GError           **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               _("%s does not implement HnNode.invoke"), G_OBJECT_TYPE_NAME (self));
  return NULL;
}

static void
hn_node_real_invoke_async (HnNode              *self,
                           GVariant * const    *args,
                           guint                n_args,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GVariant *result;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, hn_node_real_invoke_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  result = HN_NODE_GET_CLASS (self)->invoke (self, args, n_args, cancellable, &error);
  if (result == NULL && error == NULL)
    g_set_error (&error, HN_NODE_ERROR, HN_NODE_ERROR_INVALID_RESULT,
                 _("Node “%s” returned no value and no error"), hn_node_get_name (self));
  if (result == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, g_variant_take_ref (result), (GDestroyNotify) g_variant_unref);
}

static GVariant *
hn_node_real_invoke_finish (HnNode        *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static GVariantType **
parse_types (char  **strings,
             guint   n_ports)
{
  GVariantType **types = g_new0 (GVariantType *, n_ports);
  guint n_strings = strings != NULL ? g_strv_length (strings) : 0;

  for (guint i = 0; i < n_ports; i++)
    {
      const char *s = i < n_strings ? strings[i] : NULL;

      if (s == NULL || *s == '\0')
        types[i] = g_variant_type_copy (G_VARIANT_TYPE_ANY);
      else if (g_variant_type_string_is_valid (s))
        types[i] = g_variant_type_new (s);
      /* else left NULL: reported by _hn_node_validate() when a pipeline is built */
    }

  return types;
}

static void
free_types (GVariantType **types,
            guint          n)
{
  if (types == NULL)
    return;
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&types[i], g_variant_type_free);
  g_free (types);
}

static GHashTable *
index_names (char **names)
{
  GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; names[i] != NULL; i++)
    if (!g_hash_table_contains (index, names[i]))
      g_hash_table_insert (index, names[i], GUINT_TO_POINTER (i + 1));
  return index;
}

static void
hn_node_constructed (GObject *object)
{
  HnNode *self = HN_NODE (object);
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  G_OBJECT_CLASS (hn_node_parent_class)->constructed (object);

  if (priv->inputs == NULL)
    priv->inputs = g_new0 (char *, 1);
  if (priv->outputs == NULL)
    priv->outputs = g_new0 (char *, 1);

  priv->n_inputs = g_strv_length (priv->inputs);
  priv->n_outputs = g_strv_length (priv->outputs);
  priv->input_types = parse_types (priv->input_type_strings, priv->n_inputs);
  priv->output_types = parse_types (priv->output_type_strings, priv->n_outputs);
  priv->input_index = index_names (priv->inputs);
  priv->output_index = index_names (priv->outputs);
  priv->optional = g_new0 (gboolean, MAX (priv->n_inputs, 1));
  for (guint i = 0; priv->optional_inputs != NULL && priv->optional_inputs[i] != NULL; i++)
    for (guint p = 0; p < priv->n_inputs; p++)
      if (g_str_equal (priv->inputs[p], priv->optional_inputs[i]))
        priv->optional[p] = TRUE;
}

static void
hn_node_finalize (GObject *object)
{
  HnNode *self = HN_NODE (object);
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  free_types (priv->input_types, priv->n_inputs);
  free_types (priv->output_types, priv->n_outputs);
  g_clear_pointer (&priv->input_index, g_hash_table_unref);
  g_clear_pointer (&priv->output_index, g_hash_table_unref);
  g_clear_pointer (&priv->name, g_free);
  g_clear_pointer (&priv->version, g_free);
  g_clear_pointer (&priv->inputs, g_strfreev);
  g_clear_pointer (&priv->outputs, g_strfreev);
  g_clear_pointer (&priv->input_type_strings, g_strfreev);
  g_clear_pointer (&priv->output_type_strings, g_strfreev);
  g_clear_pointer (&priv->optional_inputs, g_strfreev);
  g_clear_pointer (&priv->main_context, g_main_context_unref);
  g_clear_pointer (&priv->optional, g_free);
  if (priv->value_destroy != NULL)
    priv->value_destroy (priv->value_data);
  if (priv->value_async_destroy != NULL)
    priv->value_async_destroy (priv->value_async_data);

  G_OBJECT_CLASS (hn_node_parent_class)->finalize (object);
}

static void
hn_node_get_property (GObject    *object,
                      guint       prop_id,
                      GValue     *value,
                      GParamSpec *pspec)
{
  HnNode *self = HN_NODE (object);
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, priv->name);
      break;

    case PROP_INPUTS:
      g_value_set_boxed (value, priv->inputs);
      break;

    case PROP_OUTPUTS:
      g_value_set_boxed (value, priv->outputs);
      break;

    case PROP_INPUT_TYPES:
      g_value_set_boxed (value, priv->input_type_strings);
      break;

    case PROP_OUTPUT_TYPES:
      g_value_set_boxed (value, priv->output_type_strings);
      break;

    case PROP_CACHE:
      g_value_set_boolean (value, priv->cache);
      break;

    case PROP_VERSION:
      g_value_set_string (value, priv->version);
      break;

    case PROP_OPTIONAL_INPUTS:
      g_value_set_boxed (value, priv->optional_inputs);
      break;

    case PROP_MAIN_CONTEXT:
      g_value_set_boxed (value, priv->main_context);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_node_set_property (GObject      *object,
                      guint         prop_id,
                      const GValue *value,
                      GParamSpec   *pspec)
{
  HnNode *self = HN_NODE (object);
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_NAME:
      priv->name = g_value_dup_string (value);
      break;

    case PROP_INPUTS:
      priv->inputs = g_value_dup_boxed (value);
      break;

    case PROP_OUTPUTS:
      priv->outputs = g_value_dup_boxed (value);
      break;

    case PROP_INPUT_TYPES:
      priv->input_type_strings = g_value_dup_boxed (value);
      break;

    case PROP_OUTPUT_TYPES:
      priv->output_type_strings = g_value_dup_boxed (value);
      break;

    case PROP_CACHE:
      priv->cache = g_value_get_boolean (value);
      break;

    case PROP_VERSION:
      priv->version = g_value_dup_string (value);
      break;

    case PROP_OPTIONAL_INPUTS:
      priv->optional_inputs = g_value_dup_boxed (value);
      break;

    case PROP_MAIN_CONTEXT:
      hn_node_set_main_context (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_node_class_init (HnNodeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hn_node_constructed;
  object_class->finalize = hn_node_finalize;
  object_class->get_property = hn_node_get_property;
  object_class->set_property = hn_node_set_property;

  klass->invoke = hn_node_real_invoke;
  klass->invoke_async = hn_node_real_invoke_async;
  klass->invoke_finish = hn_node_real_invoke_finish;

  /**
   * HnNode:name:
   *
   * The name of the node, unique within a pipeline. Errors name the node by it.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnNode:inputs:
   *
   * The names of the node's inputs, in the order its arguments are passed.
   */
  properties[PROP_INPUTS] =
    g_param_spec_boxed ("inputs", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnNode:outputs:
   *
   * The names of the node's outputs. With more than one, the node returns a tuple with one member
   * per output, in this order.
   */
  properties[PROP_OUTPUTS] =
    g_param_spec_boxed ("outputs", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnNode:input-types:
   *
   * One [struct@GLib.VariantType] string per input, such as `x` or `as`. `*` or an empty
   * string accepts any value; %NULL accepts any value on every input.
   */
  properties[PROP_INPUT_TYPES] =
    g_param_spec_boxed ("input-types", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnNode:output-types:
   *
   * One [struct@GLib.VariantType] string per output. `*` or an empty string means any value;
   * %NULL means any value on every output.
   */
  properties[PROP_OUTPUT_TYPES] =
    g_param_spec_boxed ("output-types", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnNode:cache:
   *
   * Whether the node's results may come from the [iface@Cache] of a run. %FALSE for a node
   * that must always run (one that reads the clock or the network, say).
   */
  properties[PROP_CACHE] =
    g_param_spec_boolean ("cache", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnNode:version:
   *
   * A version of the node's code, part of its cache key: change it when the code changes, so
   * that cached results of the old code are not used. %NULL by default.
   */
  properties[PROP_VERSION] =
    g_param_spec_string ("version", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnNode:optional-inputs:
   *
   * The inputs the node can do without (a parameter with a default value, in Python). A run
   * that neither gives nor computes such an input calls the node with %NULL in its place,
   * when every node that takes the input has it optional. %NULL (the default) for none.
   */
  properties[PROP_OPTIONAL_INPUTS] =
    g_param_spec_boxed ("optional-inputs", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnNode:main-context:
   *
   * The main context a node must be called from, or %NULL for any thread. Nodes written in a
   * language that runs on one thread only (JavaScript in gjs) set it to the context of that
   * thread; every executor then calls them there, while the rest of the run stays parallel.
   * The thread that runs the pipeline calls them itself; other threads hand them to that
   * context, which the executors iterate while they wait. Set it before the node is in a
   * pipeline.
   */
  properties[PROP_MAIN_CONTEXT] =
    g_param_spec_boxed ("main-context", NULL, NULL,
                        G_TYPE_MAIN_CONTEXT,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hn_node_init (HnNode *self)
{
}

/**
 * hn_node_get_name:
 * @self: a [class@Node]
 *
 * Gets the name of the node.
 *
 * Returns: (nullable): the name
 */
const char *
hn_node_get_name (HnNode *self)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  g_return_val_if_fail (HN_IS_NODE (self), NULL);

  return priv->name;
}

/**
 * hn_node_get_inputs:
 * @self: a [class@Node]
 *
 * Gets the names of the node's inputs, in argument order.
 *
 * Returns: (transfer none) (array zero-terminated=1): the input names
 */
const char * const *
hn_node_get_inputs (HnNode *self)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  g_return_val_if_fail (HN_IS_NODE (self), NULL);

  return (const char * const *) priv->inputs;
}

/**
 * hn_node_get_outputs:
 * @self: a [class@Node]
 *
 * Gets the names of the node's outputs, in result order.
 *
 * Returns: (transfer none) (array zero-terminated=1): the output names
 */
const char * const *
hn_node_get_outputs (HnNode *self)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  g_return_val_if_fail (HN_IS_NODE (self), NULL);

  return (const char * const *) priv->outputs;
}

static int
port_index (GHashTable *index,
            const char *name)
{
  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (index, name)) - 1;
}

/**
 * hn_node_get_input_type:
 * @self: a [class@Node]
 * @input: the name of an input
 *
 * Gets the type declared for @input, `*` when none was declared.
 *
 * Returns: (transfer none) (nullable): the type, or %NULL if the node has no such input or its
 *   declared type is not a valid type string
 */
const GVariantType *
hn_node_get_input_type (HnNode     *self,
                        const char *input)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);
  int i;

  g_return_val_if_fail (HN_IS_NODE (self), NULL);
  g_return_val_if_fail (input != NULL, NULL);

  i = port_index (priv->input_index, input);
  return i < 0 ? NULL : priv->input_types[i];
}

/**
 * hn_node_get_output_type:
 * @self: a [class@Node]
 * @output: the name of an output
 *
 * Gets the type declared for @output, `*` when none was declared.
 *
 * Returns: (transfer none) (nullable): the type, or %NULL if the node has no such output or its
 *   declared type is not a valid type string
 */
const GVariantType *
hn_node_get_output_type (HnNode     *self,
                         const char *output)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);
  int i;

  g_return_val_if_fail (HN_IS_NODE (self), NULL);
  g_return_val_if_fail (output != NULL, NULL);

  i = port_index (priv->output_index, output);
  return i < 0 ? NULL : priv->output_types[i];
}

/**
 * hn_node_invoke:
 * @self: a [class@Node]
 * @args: (array length=n_args): one value per input, in the order of [property@Node:inputs] (%NULL for an optional input not given);
 *   floating references are sunk
 * @n_args: the number of values in @args
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @error: return location for a [struct@GLib.Error]
 *
 * Calls the node's function directly, outside any pipeline. Pipelines call it for you; this is
 * for tests and for nodes that wrap other nodes.
 *
 * Returns: (transfer full): the result: the value of the single output, or a tuple with one
 *   member per output
 */
GVariant *
hn_node_invoke (HnNode            *self,
                GVariant * const  *args,
                guint              n_args,
                GCancellable      *cancellable,
                GError           **error)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);
  GVariant *result;

  g_return_val_if_fail (HN_IS_NODE (self), NULL);
  g_return_val_if_fail (n_args == priv->n_inputs, NULL);
  g_return_val_if_fail (n_args == 0 || args != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; i < n_args; i++)
    g_return_val_if_fail (args[i] != NULL || priv->optional[i], NULL);

  /* floating arguments are consumed, as by every function of the library that takes values;
   * an optional input may be NULL */
  for (guint i = 0; i < n_args; i++)
    if (args[i] != NULL)
      g_variant_ref_sink (args[i]);
  if (priv->value_func != NULL)
    result = invoke_values_on_variants (self, args, n_args, cancellable, error);
  else
    result = HN_NODE_GET_CLASS (self)->invoke (self, args, n_args, cancellable, error);
  for (guint i = 0; i < n_args; i++)
    if (args[i] != NULL)
      g_variant_unref (args[i]);
  if (result != NULL)
    g_variant_take_ref (result);
  return result;
}

typedef struct
{
  GAsyncReadyCallback  callback;
  gpointer             user_data;
  guint                n_args;
  GVariant            *args[];
} AsyncCall;

static void
async_call_done (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  AsyncCall *call = user_data;

  if (call->callback != NULL)
    call->callback (source, result, call->user_data);
  for (guint i = 0; i < call->n_args; i++)
    g_variant_unref (call->args[i]);
  g_free (call);
}

/**
 * hn_node_invoke_async:
 * @self: a [class@Node]
 * @args: (array length=n_args): one value per input, in the order of [property@Node:inputs]
 * @n_args: the number of values in @args
 * @cancellable: (nullable): a [class@Gio.Cancellable]
 * @callback: (scope async) (closure user_data): called when the result is ready
 * @user_data: data for @callback
 *
 * Starts [method@Node.invoke] without blocking; finish it with [method@Node.invoke_finish].
 */
void
hn_node_invoke_async (HnNode              *self,
                      GVariant * const    *args,
                      guint                n_args,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);
  AsyncCall *call;

  g_return_if_fail (HN_IS_NODE (self));
  g_return_if_fail (n_args == priv->n_inputs);
  g_return_if_fail (n_args == 0 || args != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  /* floating arguments are consumed, as by hn_node_invoke(); the values stay alive until the
   * call is over */
  call = g_malloc (sizeof (AsyncCall) + sizeof (GVariant *) * MAX (n_args, 1));
  call->callback = callback;
  call->user_data = user_data;
  call->n_args = n_args;
  for (guint i = 0; i < n_args; i++)
    call->args[i] = g_variant_ref_sink (args[i]);
  HN_NODE_GET_CLASS (self)->invoke_async (self, call->args, n_args, cancellable, async_call_done,
                                          call);
}

/**
 * hn_node_invoke_finish:
 * @self: a [class@Node]
 * @result: the [iface@Gio.AsyncResult] given to the callback
 * @error: return location for a [struct@GLib.Error]
 *
 * Completes [method@Node.invoke_async].
 *
 * Returns: (transfer full): the result, as for [method@Node.invoke]
 */
GVariant *
hn_node_invoke_finish (HnNode        *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  GVariant *ret;

  g_return_val_if_fail (HN_IS_NODE (self), NULL);
  g_return_val_if_fail (G_IS_ASYNC_RESULT (result), NULL);

  ret = HN_NODE_GET_CLASS (self)->invoke_finish (self, result, error);
  if (ret != NULL)
    g_variant_take_ref (ret);
  return ret;
}

static gboolean
check_ports (HnNode        *self,
             const char    *kind,
             char         **names,
             GHashTable    *index,
             char         **type_strings,
             GVariantType **types,
             GError       **error)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);
  guint n = g_strv_length (names);

  for (guint i = 0; i < n; i++)
    {
      if (names[i][0] == '\0')
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_NODE,
                       _("Node “%s” has an %s with an empty name"), priv->name, kind);
          return FALSE;
        }
      if (!g_utf8_validate (names[i], -1, NULL))
        {
          g_autofree char *shown = g_utf8_make_valid (names[i], -1);

          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_NODE,
                       _("Node “%s” has an %s whose name is not valid UTF-8: “%s”"),
                       priv->name, kind, shown);
          return FALSE;
        }
      if (port_index (index, names[i]) != (int) i)
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_NODE,
                       _("Node “%s” names the %s “%s” twice"), priv->name, kind, names[i]);
          return FALSE;
        }
      if (types[i] == NULL)
        {
          g_autofree char *shown = g_utf8_make_valid (type_strings[i], -1);

          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_NODE,
                       _("Node “%s” declares the invalid type “%s” for its %s “%s”"),
                       priv->name, shown, kind, names[i]);
          return FALSE;
        }
    }

  if (type_strings != NULL && g_strv_length (type_strings) != n)
    {
      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_NODE,
                   _("Node “%s” declares %u %s types for %u %ss"),
                   priv->name, g_strv_length (type_strings), kind, n, kind);
      return FALSE;
    }

  return TRUE;
}

/* Every name a node has must be valid UTF-8: names become GVariant strings (the keys of a{sv}
 * results) and go into error messages. */
gboolean
_hn_node_validate (HnNode  *self,
                   GError **error)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  if (priv->name == NULL || priv->name[0] == '\0')
    {
      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_NODE,
                   _("A node of type %s has no name"), G_OBJECT_TYPE_NAME (self));
      return FALSE;
    }

  if (!g_utf8_validate (priv->name, -1, NULL))
    {
      g_autofree char *shown = g_utf8_make_valid (priv->name, -1);

      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_NODE,
                   _("A node of type %s has a name that is not valid UTF-8: “%s”"),
                   G_OBJECT_TYPE_NAME (self), shown);
      return FALSE;
    }

  if (priv->n_outputs == 0)
    {
      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_NODE,
                   _("Node “%s” has no outputs"), priv->name);
      return FALSE;
    }

  if (!check_ports (self, "input", priv->inputs, priv->input_index, priv->input_type_strings,
                    priv->input_types, error) ||
      !check_ports (self, "output", priv->outputs, priv->output_index, priv->output_type_strings,
                    priv->output_types, error))
    return FALSE;

  for (guint i = 0; i < priv->n_inputs; i++)
    if (port_index (priv->output_index, priv->inputs[i]) >= 0)
      {
        g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_CYCLE,
                     _("Node “%s” takes “%s” as input and produces it as output"),
                     priv->name, priv->inputs[i]);
        return FALSE;
      }

  return TRUE;
}

guint
_hn_node_get_n_inputs (HnNode *self)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);
  return priv->n_inputs;
}

guint
_hn_node_get_n_outputs (HnNode *self)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);
  return priv->n_outputs;
}

const GVariantType *
_hn_node_get_input_type_at (HnNode *self,
                            guint   index)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);
  return priv->input_types[index];
}

const GVariantType *
_hn_node_get_output_type_at (HnNode *self,
                             guint   index)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);
  return priv->output_types[index];
}

gboolean
_hn_node_has_async (HnNode *self)
{
  return HN_NODE_GET_CLASS (self)->invoke_async != hn_node_real_invoke_async;
}

gboolean
_hn_node_has_sync (HnNode *self)
{
  return HN_NODE_GET_CLASS (self)->invoke != hn_node_real_invoke;
}

HnNodeClassPrivate *
_hn_node_class_get_private (gpointer klass)
{
  return G_TYPE_CLASS_GET_PRIVATE (klass, HN_TYPE_NODE, HnNodeClassPrivate);
}

/* Read once per graph node, when the graph is built: not on the hot path. */
HnNodeRunInvoke
_hn_node_get_run_invoke (HnNode *self)
{
  return _hn_node_class_get_private (HN_NODE_GET_CLASS (self))->run_invoke;
}

/**
 * hn_node_get_cache:
 * @self: a [class@Node]
 *
 * Gets whether the node's results may be cached.
 *
 * Returns: the value of [property@Node:cache]
 */
gboolean
hn_node_get_cache (HnNode *self)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  g_return_val_if_fail (HN_IS_NODE (self), FALSE);
  return priv->cache;
}

/**
 * hn_node_get_version:
 * @self: a [class@Node]
 *
 * Gets the version.
 *
 * Returns: (nullable): the value of [property@Node:version]
 */
const char *
hn_node_get_version (HnNode *self)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  g_return_val_if_fail (HN_IS_NODE (self), NULL);
  return priv->version;
}

/**
 * hn_node_get_optional_inputs:
 * @self: a [class@Node]
 *
 * Gets the inputs the node can do without.
 *
 * Returns: (transfer none) (nullable) (array zero-terminated=1): the value of
 *   [property@Node:optional-inputs]
 */
const char * const *
hn_node_get_optional_inputs (HnNode *self)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  g_return_val_if_fail (HN_IS_NODE (self), NULL);
  return (const char * const *) priv->optional_inputs;
}

gboolean
_hn_node_is_input_optional (HnNode *self,
                            guint   index)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  return index < priv->n_inputs && priv->optional[index];
}

/**
 * hn_node_set_value_func: (skip)
 * @self: a [class@Node]
 * @func: the function that computes the node's outputs from [struct@Value]s
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data with the node
 *
 * Makes @func the way the node is called, in place of [vfunc@Node.invoke]: it takes one
 * [struct@Value] per input (%NULL for an optional input not given) and sets one per output,
 * so host objects pass through unconverted. For language bridges written in C. Call it once,
 * before the node is in a pipeline. [method@Node.invoke] still works: its variants are
 * handed to @func as values and the results converted back.
 */
void
hn_node_set_value_func (HnNode          *self,
                        HnNodeValueFunc  func,
                        gpointer         user_data,
                        GDestroyNotify   destroy)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  g_return_if_fail (HN_IS_NODE (self));
  g_return_if_fail (func != NULL);
  g_return_if_fail (priv->value_func == NULL);

  priv->value_func = func;
  priv->value_data = user_data;
  priv->value_destroy = destroy;
}

HnNodeValueFunc
_hn_node_get_value_func (HnNode   *self,
                         gpointer *user_data)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  *user_data = priv->value_data;
  return priv->value_func;
}

/* Calls the value function of a node on variants: the path of hn_node_invoke() for such nodes. */
static GVariant *
invoke_values_on_variants (HnNode            *self,
                                    GVariant * const  *args,
                                    guint              n_args,
                                    GCancellable      *cancellable,
                                    GError           **error)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);
  g_autofree HnValue **values = g_new0 (HnValue *, MAX (n_args, 1));
  g_autofree HnValue **results = g_new0 (HnValue *, MAX (priv->n_outputs, 1));
  g_autofree GVariant **variants = g_new0 (GVariant *, MAX (priv->n_outputs, 1));
  GVariant *result = NULL;
  gboolean ok;

  for (guint i = 0; i < n_args; i++)
    values[i] = args[i] ? (HnValue *) g_variant_ref (args[i]) : NULL;
  ok = priv->value_func (self, values, n_args, results, cancellable, priv->value_data, error);
  for (guint i = 0; i < n_args; i++)
    if (values[i] != NULL)
      _hn_value_unref (values[i]);
  for (guint o = 0; ok && o < priv->n_outputs; o++)
    {
      const GVariantType *type = priv->output_types[o];

      if (results[o] == NULL)
        {
          g_set_error (error, HN_NODE_ERROR, HN_NODE_ERROR_INVALID_RESULT,
                       _("Node “%s” returned no value for output “%s”"), priv->name,
                       priv->outputs[o]);
          ok = FALSE;
          break;
        }
      if (type != NULL && g_variant_type_equal (type, G_VARIANT_TYPE_ANY))
        type = NULL;
      variants[o] = _hn_value_to_variant (results[o], type, error);
      ok = variants[o] != NULL;
    }
  if (ok)
    result = priv->n_outputs == 1 ? g_variant_ref (variants[0])
                                  : g_variant_ref_sink (g_variant_new_tuple (variants,
                                                                             priv->n_outputs));
  for (guint o = 0; o < priv->n_outputs; o++)
    {
      g_clear_pointer (&variants[o], g_variant_unref);
      if (results[o] != NULL)
        _hn_value_unref (results[o]);
    }
  return result;
}

/**
 * hn_node_set_value_async_func: (skip)
 * @self: a [class@Node]
 * @func: starts computing the node's outputs from [struct@Value]s
 * @user_data: data for @func
 * @destroy: (nullable): frees @user_data with the node
 *
 * Gives a node with a value function (see [method@Node.set_value_func]) an asynchronous
 * variant, which the [class@AsyncExecutor] uses to keep many calls in flight without a thread
 * each (a Python `async def`, say). The other executors call the value function. Call it once,
 * before the node is in a pipeline.
 */
void
hn_node_set_value_async_func (HnNode               *self,
                              HnNodeValueAsyncFunc  func,
                              gpointer              user_data,
                              GDestroyNotify        destroy)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  g_return_if_fail (HN_IS_NODE (self));
  g_return_if_fail (func != NULL);
  g_return_if_fail (priv->value_func != NULL);
  g_return_if_fail (priv->value_async_func == NULL);

  priv->value_async_func = func;
  priv->value_async_data = user_data;
  priv->value_async_destroy = destroy;
}

HnNodeValueAsyncFunc
_hn_node_get_value_async_func (HnNode   *self,
                               gpointer *user_data)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  *user_data = priv->value_async_data;
  return priv->value_async_func;
}

/**
 * hn_node_set_main_context:
 * @self: a [class@Node]
 * @context: (nullable): the context the node must be called from, or %NULL for any thread
 *
 * Sets [property@Node:main-context]. Set it before the node is in a pipeline.
 */
void
hn_node_set_main_context (HnNode       *self,
                          GMainContext *context)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  g_return_if_fail (HN_IS_NODE (self));

  if (priv->main_context == context)
    return;
  g_clear_pointer (&priv->main_context, g_main_context_unref);
  priv->main_context = context ? g_main_context_ref (context) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAIN_CONTEXT]);
}

/**
 * hn_node_get_main_context:
 * @self: a [class@Node]
 *
 * Gets the context the node must be called from.
 *
 * Returns: (transfer none) (nullable): the value of [property@Node:main-context]
 */
GMainContext *
hn_node_get_main_context (HnNode *self)
{
  HnNodePrivate *priv = hn_node_get_instance_private (self);

  g_return_val_if_fail (HN_IS_NODE (self), NULL);
  return priv->main_context;
}
