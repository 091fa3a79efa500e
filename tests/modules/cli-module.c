/* cli-module.c: a node module for the tests of the hn command (tests/python/test_cli.py)
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Pipelines: greet (a string input), nested (a pipeline node and a bound input), flaky (fails on
 * its first call in a process), nap (slow), stamp (a different value on every call, to see the
 * cache) and weird (names that DOT must escape).
 */

#include <gmodule.h>
#include <hypernodes/hypernodes.h>

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })

G_MODULE_EXPORT gboolean hn_module_init (HnModule *module, GError **error);

static GVariant *
greet_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_take_string (g_strdup_printf ("Hello, %s!",
                                                     g_variant_get_string (args[0], NULL)));
}

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
scale_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_int64 (g_variant_get_int64 (args[0]) * g_variant_get_int64 (args[1]));
}

static GVariant *
flaky_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  static gint calls;

  if (g_atomic_int_add (&calls, 1) == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "busy, try again");
      return NULL;
    }
  return g_variant_new_int64 (g_variant_get_int64 (args[0]));
}

static GVariant *
nap_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  double seconds = g_variant_get_double (args[0]);

  g_usleep ((gulong) (seconds * G_USEC_PER_SEC));
  return g_variant_new_double (seconds);
}

static GVariant *
stamp_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_int64 ((gint64) g_random_int () * 1000 + g_variant_get_int64 (args[0]));
}

static GVariant *
identity_func (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_ref (args[0]);
}

static gboolean
add_pipeline (HnModule    *module,
              const char  *name,
              HnNode     **nodes,
              guint        n_nodes,
              GError     **error)
{
  g_autoptr(HnPipeline) pipeline = hn_pipeline_new_named (name, nodes, n_nodes, error);

  if (pipeline == NULL)
    return FALSE;
  hn_module_add_pipeline (module, name, pipeline);
  return TRUE;
}

G_MODULE_EXPORT gboolean
hn_module_init (HnModule  *module,
                GError   **error)
{
  g_autoptr(HnNode) greet = hn_function_node_new_full ("greet", STRV ("text"), STRV ("s"),
                                                       STRV ("greeting"), STRV ("s"), greet_func,
                                                       NULL, NULL);
  g_autoptr(HnNode) dbl = hn_function_node_new_full ("double", STRV ("x"), STRV ("x"),
                                                     STRV ("doubled"), STRV ("x"), double_func,
                                                     NULL, NULL);
  g_autoptr(HnNode) add_one = hn_function_node_new_full ("add_one", STRV ("doubled"), STRV ("x"),
                                                         STRV ("result"), STRV ("x"),
                                                         add_one_func, NULL, NULL);
  g_autoptr(HnNode) scale = hn_function_node_new_full ("scale", STRV ("result", "factor"),
                                                       STRV ("x", "x"), STRV ("scaled"),
                                                       STRV ("x"), scale_func, NULL, NULL);
  g_autoptr(HnNode) flaky = hn_function_node_new_full ("flaky", STRV ("x"), STRV ("x"),
                                                       STRV ("steady"), STRV ("x"), flaky_func,
                                                       NULL, NULL);
  g_autoptr(HnNode) nap = hn_function_node_new_full ("nap", STRV ("seconds"), STRV ("d"),
                                                     STRV ("slept"), STRV ("d"), nap_func,
                                                     NULL, NULL);
  g_autoptr(HnNode) wake = hn_function_node_new_full ("wake", STRV ("slept"), STRV ("d"),
                                                      STRV ("awake"), STRV ("d"), identity_func,
                                                      NULL, NULL);
  g_autoptr(HnNode) stamp = hn_function_node_new_full ("stamp", STRV ("seed"), STRV ("x"),
                                                       STRV ("stamp"), STRV ("x"), stamp_func,
                                                       NULL, NULL);
  g_autoptr(HnNode) weird = hn_function_node_new ("a \"quoted\" <node> & {braces} \\ |bar|",
                                                  STRV ("in \"put\""),
                                                  STRV ("out<put> & \\ {x}"), identity_func,
                                                  NULL, NULL);
  g_autoptr(HnPipeline) inner = NULL;
  g_autoptr(HnPipeline) nested = NULL;
  g_autoptr(HnNode) inner_node = NULL;

  hn_module_add_node (module, greet);
  hn_module_add_node (module, scale);

  if (!add_pipeline (module, "greet", &greet, 1, error) ||
      !add_pipeline (module, "flaky", &flaky, 1, error) ||
      !add_pipeline (module, "nap", (HnNode *[]) { nap, wake }, 2, error) ||
      !add_pipeline (module, "stamp", &stamp, 1, error) ||
      !add_pipeline (module, "weird", &weird, 1, error))
    return FALSE;

  inner = hn_pipeline_new_named ("inner", (HnNode *[]) { dbl, add_one }, 2, error);
  if (inner == NULL)
    return FALSE;
  inner_node = hn_pipeline_as_node (inner, "inner", NULL, NULL, NULL, HN_MAP_MODE_ZIP, error);
  if (inner_node == NULL)
    return FALSE;
  nested = hn_pipeline_new_named ("nested", (HnNode *[]) { inner_node, scale }, 2, error);
  if (nested == NULL)
    return FALSE;
  {
    g_autoptr(HnPipeline) bound =
      hn_pipeline_bind (nested, g_variant_new_parsed ("{'factor': <int64 3>}"), error);
    if (bound == NULL)
      return FALSE;
    hn_module_add_pipeline (module, "nested", bound);
  }
  return TRUE;
}
