/* hn-value.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "hn-error.h"
#include "hn-value-private.h"

G_DEFINE_BOXED_TYPE (HnValue, hn_value, hn_value_ref, hn_value_unref)

/**
 * hn_value_new_variant:
 * @variant: a [struct@GLib.Variant]; a floating reference is sunk
 *
 * Makes a value of data.
 *
 * Returns: (transfer full): a new value
 */
HnValue *
hn_value_new_variant (GVariant *variant)
{
  g_return_val_if_fail (variant != NULL, NULL);

  return (HnValue *) g_variant_ref_sink (variant);
}

/**
 * hn_value_new_host: (skip)
 * @type: the host type of @object
 * @object: an object of the host language; the value takes over the caller's reference
 *
 * Makes a value holding a host object. @type's free function drops the reference when the
 * last reference to the value is gone, in whichever thread that happens.
 *
 * Returns: (transfer full): a new value
 */
HnValue *
hn_value_new_host (const HnHostType *type,
                   gpointer          object)
{
  HnHost *host;

  g_return_val_if_fail (type != NULL && type->language != NULL && type->free != NULL, NULL);

  host = g_new (HnHost, 1);
  g_atomic_ref_count_init (&host->ref_count);
  host->type = type;
  host->object = object;
  g_assert (((guintptr) host & HN_VALUE_HOST_TAG) == 0);
  return (HnValue *) ((guintptr) host | HN_VALUE_HOST_TAG);
}

/**
 * hn_value_ref:
 * @self: a value
 *
 * Adds a reference to @self.
 *
 * Returns: (transfer full): @self, with one more reference
 */
HnValue *
hn_value_ref (HnValue *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return _hn_value_ref (self);
}

/**
 * hn_value_unref:
 * @self: (transfer full): a value
 *
 * Drops a reference to @self.
 */
void
hn_value_unref (HnValue *self)
{
  g_return_if_fail (self != NULL);
  _hn_value_unref (self);
}

void
_hn_value_free_host (HnHost *host)
{
  host->type->free (host->object);
  g_free (host);
}

HnHostColumn *
_hn_host_column_new (const HnHostType *type,
                     gpointer          object,
                     gsize             length)
{
  HnHostColumn *column = g_new (HnHostColumn, 1);

  g_atomic_ref_count_init (&column->ref_count);
  column->type = type;
  column->object = object;
  column->length = length;
  return column;
}

HnHostColumn *
_hn_host_column_ref (HnHostColumn *column)
{
  hn_ref_count_inc (&column->ref_count);
  return column;
}

void
_hn_host_column_unref (HnHostColumn *column)
{
  if (!hn_ref_count_dec (&column->ref_count))
    return;
  column->type->free (column->object);
  g_free (column);
}

void
_hn_host_column_values (HnHostColumn  *column,
                        gsize          first,
                        gsize          n,
                        HnValue      **values)
{
  gpointer *objects = (gpointer *) values;

  g_assert (first <= column->length && n <= column->length - first);
  /* the objects first, in the room of their values */
  column->type->column_values (column->object, first, n, objects);
  for (gsize i = 0; i < n; i++)
    values[i] = hn_value_new_host (column->type, objects[i]);
}

/**
 * hn_value_is_host:
 * @self: a value
 *
 * Tells a host value from a value of data.
 *
 * Returns: %TRUE if @self holds a host object, %FALSE if it holds a variant
 */
gboolean
hn_value_is_host (HnValue *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return _hn_value_is_host (self);
}

/**
 * hn_value_get_variant:
 * @self: a value
 *
 * Gets the variant of a value of data.
 *
 * Returns: (transfer none) (nullable): the variant of a value of data, %NULL for a host object
 */
GVariant *
hn_value_get_variant (HnValue *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return _hn_value_peek_variant (self);
}

/**
 * hn_value_get_host: (skip)
 * @self: a value
 * @type: a host type
 *
 * Gets the object of a host value.
 *
 * Returns: (transfer none) (nullable): the object of a host value of @type, or %NULL
 */
gpointer
hn_value_get_host (HnValue          *self,
                   const HnHostType *type)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (!_hn_value_is_host (self) || _hn_value_host (self)->type != type)
    return NULL;
  return _hn_value_host (self)->object;
}

char *
_hn_value_describe (HnValue *value)
{
  HnHost *host;
  g_autofree char *what = NULL;

  if (!_hn_value_is_host (value))
    return g_strdup_printf (_("a value of type “%s”"),
                            g_variant_get_type_string ((GVariant *) value));
  host = _hn_value_host (value);
  what = host->type->describe ? host->type->describe (host->object) : NULL;
  if (what != NULL)
    return g_strdup_printf (_("a %s object (%s)"), host->type->language, what);
  return g_strdup_printf (_("a %s object"), host->type->language);
}

GVariant *
_hn_value_to_variant (HnValue             *value,
                      const GVariantType  *type,
                      GError             **error)
{
  HnHost *host;
  g_autoptr(GError) local = NULL;
  GVariant *variant;

  if (!_hn_value_is_host (value))
    {
      GVariant *v = (GVariant *) value;

      if (type != NULL && !g_variant_is_of_type (v, type))
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                       _("a value of type “%s” is not of type “%s”"),
                       g_variant_get_type_string (v), g_variant_type_peek_string (type));
          return NULL;
        }
      return g_variant_ref (v);
    }

  host = _hn_value_host (value);
  if (host->type->to_variant == NULL)
    {
      g_autofree char *what = _hn_value_describe (value);
      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                   _("%s cannot become data (a GVariant)"), what);
      return NULL;
    }
  variant = host->type->to_variant (host->object, type, &local);
  if (variant == NULL)
    {
      g_autofree char *what = _hn_value_describe (value);
      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                   _("%s cannot become data (a GVariant%s%s): %s"), what,
                   type ? _(" of type ") : "", type ? g_variant_type_peek_string (type) : "",
                   local ? local->message : _("no reason given"));
      return NULL;
    }
  g_variant_take_ref (variant);
  if (type != NULL && !g_variant_is_of_type (variant, type))
    {
      g_autofree char *what = _hn_value_describe (value);
      g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_TYPE_MISMATCH,
                   _("%s became a value of type “%s”, not “%s”"), what,
                   g_variant_get_type_string (variant), g_variant_type_peek_string (type));
      g_variant_unref (variant);
      return NULL;
    }
  return variant;
}

/**
 * hn_value_to_variant:
 * @self: a value
 * @type: (nullable): the type the variant must have, or %NULL for any
 * @error: return location for a [struct@GLib.Error]
 *
 * The value as data: its variant, or its host object converted by its [struct@HostType].
 * Fails with [error@PipelineError.TYPE_MISMATCH] when the object cannot convert, or not to
 * @type.
 *
 * Returns: (transfer full): a variant, or %NULL on error
 */
GVariant *
hn_value_to_variant (HnValue             *self,
                     const GVariantType  *type,
                     GError             **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  return _hn_value_to_variant (self, type, error);
}

GVariant *
_hn_value_cache_key (HnValue  *value,
                     GError  **error)
{
  HnHost *host;
  GVariant *key;

  if (!_hn_value_is_host (value))
    return g_variant_ref ((GVariant *) value);
  host = _hn_value_host (value);
  if (host->type->cache_key == NULL)
    return _hn_value_to_variant (value, NULL, error);
  key = host->type->cache_key (host->object, error);
  return key ? g_variant_take_ref (key) : NULL;
}

/* ---- values given by name ---------------------------------------------------------------- */

HnValueDict *
_hn_value_dict_new (guint                n_values,
                    const char * const  *names,
                    HnValue * const     *values)
{
  HnValueDict *dict = g_new0 (HnValueDict, 1);

  dict->n_values = n_values;
  dict->names = g_new0 (char *, n_values + 1);
  dict->values = g_new0 (HnValue *, MAX (n_values, 1));
  for (guint i = 0; i < n_values; i++)
    {
      dict->names[i] = g_strdup (names[i]);
      dict->values[i] = _hn_value_ref (values[i]);
    }
  return dict;
}

void
_hn_value_dict_free (HnValueDict *dict)
{
  if (dict == NULL)
    return;
  for (guint i = 0; i < dict->n_values; i++)
    _hn_value_unref (dict->values[i]);
  g_free (dict->values);
  g_strfreev (dict->names);
  g_free (dict);
}

HnValue *
_hn_value_dict_lookup (const HnValueDict *dict,
                       const char        *name)
{
  if (dict == NULL)
    return NULL;
  for (guint i = dict->n_values; i-- > 0;)
    if (g_str_equal (dict->names[i], name))
      return dict->values[i];
  return NULL;
}
