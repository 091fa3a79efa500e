/* test-module.c: a node module for the tests
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The seed's nodes (double, add_one, square) in C, and the pipeline double_add_one.
 */

#include <gmodule.h>
#include <hypernodes/hypernodes.h>

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })

G_MODULE_EXPORT gboolean hn_module_init (HnModule *module, GError **error);

static GVariant *
double_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) * 2);
}

static GVariant *
add_one_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) + 1);
}

static GVariant *
square_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  gint64 x = g_variant_get_int64 (args[0]);

  if (x < 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "negative input %d", (int) x);
      return NULL;
    }
  return g_variant_new_int64 (x * x);
}

G_MODULE_EXPORT gboolean
hn_module_init (HnModule  *module,
                GError   **error)
{
  g_autoptr(HnNode) dbl = hn_function_node_new_full ("double", STRV ("x"), STRV ("x"),
                                                     STRV ("doubled"), STRV ("x"), double_func,
                                                     NULL, NULL);
  g_autoptr(HnNode) add_one = hn_function_node_new_full ("add_one", STRV ("doubled"), STRV ("x"),
                                                         STRV ("result"), STRV ("x"),
                                                         add_one_func, NULL, NULL);
  g_autoptr(HnNode) square = hn_function_node_new_full ("square", STRV ("x"), STRV ("x"),
                                                        STRV ("squared"), STRV ("x"), square_func,
                                                        NULL, NULL);
  g_autoptr(HnPipeline) pipeline = NULL;

  hn_module_add_node (module, dbl);
  hn_module_add_node (module, add_one);
  hn_module_add_node (module, square);

  pipeline = hn_pipeline_new ((HnNode *[]) { dbl, add_one }, 2, error);
  if (pipeline == NULL)
    return FALSE;
  hn_module_add_pipeline (module, "double_add_one", pipeline);
  return TRUE;
}
