/* parent.c: a program of a project that builds hypernodes as its subproject
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <hypernodes/hypernodes.h>

G_STATIC_ASSERT (HN_VERSION == HN_ENCODE_VERSION (HN_MAJOR_VERSION, HN_MINOR_VERSION,
                                                  HN_MICRO_VERSION));
G_STATIC_ASSERT (HN_CHECK_VERSION (0, 1, 0));

static GVariant *
square (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  gint64 x = g_variant_get_int64 (args[0]);

  return g_variant_new_int64 (x * x);
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnNode) node = hn_function_node_new ("square", (const char *[]) { "x", NULL },
                                                 (const char *[]) { "y", NULL },
                                                 square, NULL, NULL);
  g_autoptr(HnPipeline) pipeline = hn_pipeline_new (&node, 1, &error);
  g_autoptr(GVariant) result = NULL;
  gint64 y = 0;

  if (pipeline != NULL)
    result = hn_pipeline_run (pipeline, g_variant_new_parsed ("{'x': <int64 7>}"), NULL, NULL,
                              &error);
  if (result == NULL)
    {
      g_printerr ("parent: %s\n", error->message);
      return 1;
    }
  if (!g_variant_lookup (result, "y", "x", &y) || y != 49)
    {
      g_printerr ("parent: unexpected result %s\n", g_variant_print (result, TRUE));
      return 1;
    }
  g_print ("parent: y = %" G_GINT64_FORMAT "\n", y);
  return 0;
}
