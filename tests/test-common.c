/* test-common.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "test-common.h"

gint test_calls_double;
gint test_calls_add_one;
gint test_calls_square;

static GVariant *
double_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  g_atomic_int_inc (&test_calls_double);
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) * 2);
}

static GVariant *
add_one_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  g_atomic_int_inc (&test_calls_add_one);
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) + 1);
}

static GVariant *
square_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  gint64 x = g_variant_get_int64 (args[0]);

  g_atomic_int_inc (&test_calls_square);
  return g_variant_new_int64 (x * x);
}

static GVariant *
add_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) + GPOINTER_TO_INT (user_data));
}

HnNode *
test_double_node (void)
{
  return hn_function_node_new_full ("double", STRV ("x"), STRV ("x"), STRV ("doubled"),
                                    STRV ("x"), double_func, NULL, NULL);
}

HnNode *
test_add_one_node (void)
{
  return hn_function_node_new_full ("add_one", STRV ("doubled"), STRV ("x"), STRV ("result"),
                                    STRV ("x"), add_one_func, NULL, NULL);
}

HnNode *
test_square_node (void)
{
  return hn_function_node_new_full ("square", STRV ("x"), STRV ("x"), STRV ("squared"),
                                    STRV ("x"), square_func, NULL, NULL);
}

HnNode *
test_int_node (const char *name,
               const char *input,
               const char *output,
               gint64      add)
{
  return hn_function_node_new_full (name, STRV (input), STRV ("x"), STRV (output), STRV ("x"),
                                    add_func, GINT_TO_POINTER ((int) add), NULL);
}

GVariant *
test_inputs_x (gint64 x)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "x", "x", x);
  return g_variant_dict_end (&dict);
}

gint64
test_lookup_int (GVariant   *dict,
                 const char *key)
{
  gint64 value = G_MININT64;

  g_assert_true (g_variant_lookup (dict, key, "x", &value));
  return value;
}
