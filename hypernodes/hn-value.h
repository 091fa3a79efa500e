/* hn-value.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include <glib-object.h>

#include "hn-version-macros.h"

G_BEGIN_DECLS

/**
 * HnValue:
 *
 * A value of a run: data (a [struct@GLib.Variant]) or a host object (an object of the calling
 * language, passed between nodes by reference and never converted).
 *
 * Values are immutable and atomically reference-counted. A value made from a variant costs
 * nothing: it is the variant. For language bridges written in C; C programs that only pass
 * data use the `GVariant` API of [class@Pipeline].
 */
typedef struct _HnValue HnValue;

/**
 * HnHostType:
 * @language: the language of the objects, such as `"Python"`, for messages
 * @free: drops the reference a value holds on its object; called in any thread
 * @to_variant: (nullable): converts an object to a variant of @type (any type when %NULL), or
 *   fails with a message that says what to do; %NULL when objects never convert
 * @describe: (nullable): a short description of an object for messages, such as its type name
 * @cache_key: (nullable): the data a cache keys an object by, or %NULL to key it by
 *   @to_variant's data; fails when the object has no stable key (its node is then not cached)
 * @column_values: (nullable): for columns, objects that hold a sequence of objects (such as
 *   a Python list): stores in @objects new objects for the @n_values values of @column from
 *   index @first, which the caller keeps in bounds. Called in any thread, several at once
 *   (over the same values too), with no lock of the library held. %NULL when the language
 *   gives no columns.
 *
 * What the library needs to know of the objects of a host language. One static instance per
 * language, alive as long as its values.
 *
 * A bridge that has the values of a map as columns of its language gives them as they are
 * ([ctor@Run.new_map_columns], [method@Run.set_result_columns]), without a value per object:
 * the library makes values of their objects (with @column_values, 1,024 at a time) only if
 * something asks for the values of items.
 */
typedef struct
{
  const char  *language;
  void       (*free)       (gpointer              object);
  GVariant  *(*to_variant) (gpointer              object,
                            const GVariantType   *type,
                            GError              **error);
  char      *(*describe)   (gpointer              object);
  GVariant  *(*cache_key)  (gpointer              object,
                            GError              **error);
  void       (*column_values) (gpointer           column,
                               gsize              first,
                               gsize              n_values,
                               gpointer          *objects);
  /*< private >*/
  gpointer     _reserved[6];
} HnHostType;

#define HN_TYPE_VALUE (hn_value_get_type ())

HN_AVAILABLE_IN_ALL
GType        hn_value_get_type       (void) G_GNUC_CONST;
HN_AVAILABLE_IN_ALL
HnValue     *hn_value_new_variant    (GVariant          *variant);
HN_AVAILABLE_IN_ALL
HnValue     *hn_value_new_host       (const HnHostType  *type,
                                      gpointer           object);
HN_AVAILABLE_IN_ALL
HnValue     *hn_value_ref            (HnValue           *self);
HN_AVAILABLE_IN_ALL
void         hn_value_unref          (HnValue           *self);
HN_AVAILABLE_IN_ALL
gboolean     hn_value_is_host        (HnValue           *self);
HN_AVAILABLE_IN_ALL
GVariant    *hn_value_get_variant    (HnValue           *self);
HN_AVAILABLE_IN_ALL
gpointer     hn_value_get_host       (HnValue           *self,
                                      const HnHostType  *type);
HN_AVAILABLE_IN_ALL
GVariant    *hn_value_to_variant     (HnValue           *self,
                                      const GVariantType *type,
                                      GError           **error) G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HnValue, hn_value_unref)

G_END_DECLS
