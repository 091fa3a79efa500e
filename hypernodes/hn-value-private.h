/* hn-value-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-value.h"
#include "hn-tsan-private.h"

G_BEGIN_DECLS

/* An HnValue is a GVariant pointer, or a pointer to an HnHost with its lowest bit set: a value
 * made from a variant is the variant itself, so data costs nothing extra in a frame. */
typedef struct
{
  gatomicrefcount    ref_count;
  const HnHostType  *type;
  gpointer           object;
} HnHost;

#define HN_VALUE_HOST_TAG ((guintptr) 1)

static inline gboolean
_hn_value_is_host (const HnValue *value)
{
  return ((guintptr) value & HN_VALUE_HOST_TAG) != 0;
}

static inline HnHost *
_hn_value_host (const HnValue *value)
{
  return (HnHost *) ((guintptr) value & ~HN_VALUE_HOST_TAG);
}

/* Takes the variant's reference (sinking a floating one). */
static inline HnValue *
_hn_value_take_variant (GVariant *variant)
{
  return (HnValue *) g_variant_take_ref (variant);
}

static inline GVariant *
_hn_value_peek_variant (const HnValue *value)
{
  return _hn_value_is_host (value) ? NULL : (GVariant *) value;
}

static inline HnValue *
_hn_value_ref (HnValue *value)
{
  if (_hn_value_is_host (value))
    hn_ref_count_inc (&_hn_value_host (value)->ref_count);
  else
    g_variant_ref ((GVariant *) value);
  return value;
}

void      _hn_value_free_host   (HnHost *host);

/* A column of host values: an object of the host language holding @length objects (see
 * HnHostType.column_values), shared by the map sources and runs that give it. */
typedef struct
{
  gatomicrefcount    ref_count;
  const HnHostType  *type;
  gpointer           object;
  gsize              length;
} HnHostColumn;

/* Takes @object. */
HnHostColumn *_hn_host_column_new    (const HnHostType *type,
                                      gpointer          object,
                                      gsize             length);
HnHostColumn *_hn_host_column_ref    (HnHostColumn     *column);
void          _hn_host_column_unref  (HnHostColumn     *column);
/* New values of the objects [@first, @first + @n) of @column, in @values. */
void          _hn_host_column_values (HnHostColumn     *column,
                                      gsize             first,
                                      gsize             n,
                                      HnValue         **values);

static inline void
_hn_value_unref (HnValue *value)
{
  if (!_hn_value_is_host (value))
    g_variant_unref ((GVariant *) value);
  else if (hn_ref_count_dec (&_hn_value_host (value)->ref_count))
    _hn_value_free_host (_hn_value_host (value));
}

/* The value as a variant of @type (any when NULL): the variant itself (a new reference) or the
 * host object converted. Errors say what the value is; callers prefix where it was. */
GVariant *_hn_value_to_variant  (HnValue             *value,
                                 const GVariantType  *type,
                                 GError             **error);
/* The data a cache keys @value by. */
GVariant *_hn_value_cache_key   (HnValue             *value,
                                 GError             **error);
/* "a Python object (Foo)" for messages. */
char     *_hn_value_describe    (HnValue             *value);

/* Values given by name, as a language bridge passes them: parallel arrays. */
typedef struct
{
  guint      n_values;
  char     **names;
  HnValue  **values;
} HnValueDict;

HnValueDict *_hn_value_dict_new    (guint                n_values,
                                    const char * const  *names,
                                    HnValue * const     *values);
void         _hn_value_dict_free   (HnValueDict         *dict);
/* The value of @name, or NULL. */
HnValue     *_hn_value_dict_lookup (const HnValueDict   *dict,
                                    const char          *name);

G_END_DECLS
