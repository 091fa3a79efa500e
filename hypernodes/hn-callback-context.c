/* hn-callback-context.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-tsan-private.h"
#include "hn-callback-context.h"

/**
 * HnCallbackContext:
 *
 * What a run is and where it sits: a run id shared by a whole run and everything it starts, the
 * nesting depth, the names of the enclosing runs, and the item index inside a map.
 *
 * Executors receive one with every run and map; when the caller passes none, the pipeline creates
 * one. Callbacks ([iface@Callback]) receive it with every event.
 *
 * A context also holds a small key/value store ([method@CallbackContext.set] and
 * [method@CallbackContext.get]) that one callback can use to pass state to another; the
 * contexts of nested runs share the store of their root. The store is thread-safe; the rest of
 * a context is immutable.
 */

/* The key/value store, shared by a root context and its children. */
typedef struct
{
  gatomicrefcount  ref_count;
  GMutex           lock;
  GHashTable      *values;     /* char * -> GVariant * */
} Store;

static Store *
store_new (void)
{
  Store *store = g_new0 (Store, 1);

  g_atomic_ref_count_init (&store->ref_count);
  g_mutex_init (&store->lock);
  store->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                         (GDestroyNotify) g_variant_unref);
  return store;
}

static void
store_unref (Store *store)
{
  if (!hn_ref_count_dec (&store->ref_count))
    return;
  g_hash_table_unref (store->values);
  g_mutex_clear (&store->lock);
  g_free (store);
}

struct _HnCallbackContext
{
  GObject            parent_instance;
  char              *run_id;
  char              *name;
  HnCallbackContext *parent;
  guint              depth;
  gint64             map_index;
  Store             *store;
};

G_DEFINE_FINAL_TYPE (HnCallbackContext, hn_callback_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUN_ID,
  PROP_NAME,
  PROP_PARENT,
  PROP_DEPTH,
  PROP_MAP_INDEX,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hn_callback_context_finalize (GObject *object)
{
  HnCallbackContext *self = HN_CALLBACK_CONTEXT (object);

  g_clear_pointer (&self->run_id, g_free);
  g_clear_pointer (&self->name, g_free);
  g_clear_object (&self->parent);
  g_clear_pointer (&self->store, store_unref);

  G_OBJECT_CLASS (hn_callback_context_parent_class)->finalize (object);
}

static void
hn_callback_context_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HnCallbackContext *self = HN_CALLBACK_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_RUN_ID:
      g_value_set_string (value, self->run_id);
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_PARENT:
      g_value_set_object (value, self->parent);
      break;

    case PROP_DEPTH:
      g_value_set_uint (value, self->depth);
      break;

    case PROP_MAP_INDEX:
      g_value_set_int64 (value, self->map_index);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_callback_context_class_init (HnCallbackContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hn_callback_context_finalize;
  object_class->get_property = hn_callback_context_get_property;

  /**
   * HnCallbackContext:run-id:
   *
   * A unique id shared by a top-level run and all the runs nested in it.
   */
  properties[PROP_RUN_ID] =
    g_param_spec_string ("run-id", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * HnCallbackContext:name:
   *
   * The name of this level of the run, such as a pipeline's name.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * HnCallbackContext:parent:
   *
   * The context of the enclosing run, or %NULL at the top level.
   */
  properties[PROP_PARENT] =
    g_param_spec_object ("parent", NULL, NULL, HN_TYPE_CALLBACK_CONTEXT,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * HnCallbackContext:depth:
   *
   * 0 for a top-level run, one more for each level of nesting.
   */
  properties[PROP_DEPTH] =
    g_param_spec_uint ("depth", NULL, NULL, 0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  /**
   * HnCallbackContext:map-index:
   *
   * The index of the item inside the enclosing map, or -1 outside a map.
   */
  properties[PROP_MAP_INDEX] =
    g_param_spec_int64 ("map-index", NULL, NULL, -1, G_MAXINT64, -1,
                        (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hn_callback_context_init (HnCallbackContext *self)
{
  self->map_index = -1;
  self->store = store_new ();
}

/**
 * hn_callback_context_new:
 * @name: (nullable): a name for the run, such as the pipeline's
 *
 * Creates the context of a top-level run, with a new random run id.
 *
 * Returns: (transfer full): a new [class@CallbackContext]
 */
HnCallbackContext *
hn_callback_context_new (const char *name)
{
  HnCallbackContext *self = g_object_new (HN_TYPE_CALLBACK_CONTEXT, NULL);

  self->run_id = g_uuid_string_random ();
  self->name = g_strdup (name);
  return self;
}

/**
 * hn_callback_context_new_child:
 * @parent: the context of the enclosing run
 * @name: (nullable): a name for the nested run
 * @map_index: the item index inside a map, or -1
 *
 * Creates the context of a run nested in @parent: same run id, one level deeper.
 *
 * Returns: (transfer full): a new [class@CallbackContext]
 */
HnCallbackContext *
hn_callback_context_new_child (HnCallbackContext *parent,
                               const char        *name,
                               gint64             map_index)
{
  HnCallbackContext *self;

  g_return_val_if_fail (HN_IS_CALLBACK_CONTEXT (parent), NULL);
  g_return_val_if_fail (map_index >= -1, NULL);

  self = g_object_new (HN_TYPE_CALLBACK_CONTEXT, NULL);
  self->run_id = g_strdup (parent->run_id);
  self->name = g_strdup (name);
  self->parent = g_object_ref (parent);
  self->depth = parent->depth + 1;
  self->map_index = map_index;
  store_unref (self->store);
  hn_ref_count_inc (&parent->store->ref_count);
  self->store = parent->store;
  return self;
}

/**
 * hn_callback_context_get_run_id:
 * @self: a [class@CallbackContext]
 *
 * Gets the run id.
 *
 * Returns: the run id
 */
const char *
hn_callback_context_get_run_id (HnCallbackContext *self)
{
  g_return_val_if_fail (HN_IS_CALLBACK_CONTEXT (self), NULL);
  return self->run_id;
}

/**
 * hn_callback_context_get_name:
 * @self: a [class@CallbackContext]
 *
 * Gets the name.
 *
 * Returns: (nullable): the name of this level
 */
const char *
hn_callback_context_get_name (HnCallbackContext *self)
{
  g_return_val_if_fail (HN_IS_CALLBACK_CONTEXT (self), NULL);
  return self->name;
}

/**
 * hn_callback_context_get_parent:
 * @self: a [class@CallbackContext]
 *
 * Gets the parent.
 *
 * Returns: (transfer none) (nullable): the enclosing context
 */
HnCallbackContext *
hn_callback_context_get_parent (HnCallbackContext *self)
{
  g_return_val_if_fail (HN_IS_CALLBACK_CONTEXT (self), NULL);
  return self->parent;
}

/**
 * hn_callback_context_get_depth:
 * @self: a [class@CallbackContext]
 *
 * Gets the depth.
 *
 * Returns: the nesting depth, 0 at the top level
 */
guint
hn_callback_context_get_depth (HnCallbackContext *self)
{
  g_return_val_if_fail (HN_IS_CALLBACK_CONTEXT (self), 0);
  return self->depth;
}

/**
 * hn_callback_context_get_map_index:
 * @self: a [class@CallbackContext]
 *
 * Gets the map index.
 *
 * Returns: the item index inside the enclosing map, or -1
 */
gint64
hn_callback_context_get_map_index (HnCallbackContext *self)
{
  g_return_val_if_fail (HN_IS_CALLBACK_CONTEXT (self), -1);
  return self->map_index;
}

/**
 * hn_callback_context_dup_hierarchy:
 * @self: a [class@CallbackContext]
 *
 * Gets the names of the levels from the top-level run down to this one. Unnamed levels are
 * given as empty strings.
 *
 * Returns: (transfer full) (array zero-terminated=1): the names, outermost first
 */
char **
hn_callback_context_dup_hierarchy (HnCallbackContext *self)
{
  char **names;
  guint i;

  g_return_val_if_fail (HN_IS_CALLBACK_CONTEXT (self), NULL);

  names = g_new0 (char *, self->depth + 2);
  i = self->depth + 1;
  for (HnCallbackContext *c = self; c != NULL; c = c->parent)
    names[--i] = g_strdup (c->name ? c->name : "");
  return names;
}

/**
 * hn_callback_context_set:
 * @self: a [class@CallbackContext]
 * @key: a key
 * @value: (nullable): the value, or %NULL to remove @key
 *
 * Stores @value under @key, for other callbacks (of this run and of its nested runs) to read
 * with [method@CallbackContext.get].
 */
void
hn_callback_context_set (HnCallbackContext *self,
                         const char        *key,
                         GVariant          *value)
{
  g_return_if_fail (HN_IS_CALLBACK_CONTEXT (self));
  g_return_if_fail (key != NULL);

  hn_mutex_lock (&self->store->lock);
  if (value == NULL)
    g_hash_table_remove (self->store->values, key);
  else
    g_hash_table_replace (self->store->values, g_strdup (key), g_variant_ref_sink (value));
  hn_mutex_unlock (&self->store->lock);
}

/**
 * hn_callback_context_get:
 * @self: a [class@CallbackContext]
 * @key: a key
 *
 * Gets the value stored under @key with [method@CallbackContext.set].
 *
 * Returns: (transfer full) (nullable): the value, or %NULL if none is stored
 */
GVariant *
hn_callback_context_get (HnCallbackContext *self,
                         const char        *key)
{
  GVariant *value;

  g_return_val_if_fail (HN_IS_CALLBACK_CONTEXT (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  hn_mutex_lock (&self->store->lock);
  value = g_hash_table_lookup (self->store->values, key);
  if (value != NULL)
    g_variant_ref (value);
  hn_mutex_unlock (&self->store->lock);
  return value;
}
