/* complex-types.c: structured values through HnDaftExecutor, from C
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The seed's complex-types example for this library: records (a{sv}), lists of tuples and
 * doubles flow between nodes. Typed ports such as `ad` become Daft list columns; untyped or
 * composite ones travel as serialized GVariants in Binary columns. Set $HN_PYTHON to a Python
 * with Daft.
 */

#include <stdio.h>

#include <hypernodes/hypernodes.h>

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })

/* record a{sv} {name, scores} -> scores (ad) */
static GVariant *
scores_of (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  g_autoptr(GVariant) scores = g_variant_lookup_value (args[0], "scores", G_VARIANT_TYPE ("ad"));

  if (scores == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           "the record has no “scores” of type ad");
      return NULL;
    }
  return g_steal_pointer (&scores);
}

/* scores -> (mean, best): two outputs */
static GVariant *
stats (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  gsize n = 0;
  const double *xs = g_variant_get_fixed_array (args[0], &n, sizeof (double));
  double sum = 0, best = 0;

  for (gsize i = 0; i < n; i++)
    {
      sum += xs[i];
      best = i == 0 || xs[i] > best ? xs[i] : best;
    }
  return g_variant_new ("(dd)", n ? sum / n : 0.0, best);
}

/* record, mean -> report: a (s, d, as) tuple on an untyped port */
static GVariant *
report (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  const char *name = "?";
  double mean = g_variant_get_double (args[1]);
  const char *badges[3] = { NULL };
  guint n = 0;

  g_variant_lookup (args[0], "name", "&s", &name);
  if (mean >= 90)
    badges[n++] = "honours";
  if (mean >= 50)
    badges[n++] = "pass";
  return g_variant_new ("(sd^as)", name, mean, badges);
}

int
main (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnNode) a = hn_function_node_new_full ("scores_of", STRV ("record"), STRV ("a{sv}"),
                                                   STRV ("scores"), STRV ("ad"), scores_of,
                                                   NULL, NULL);
  g_autoptr(HnNode) b = hn_function_node_new_full ("stats", STRV ("scores"), STRV ("ad"),
                                                   STRV ("mean", "best"), STRV ("d", "d"),
                                                   stats, NULL, NULL);
  g_autoptr(HnNode) c = hn_function_node_new ("report", STRV ("record", "mean"), STRV ("report"),
                                              report, NULL, NULL);
  g_autoptr(HnPipeline) pipeline = hn_pipeline_new ((HnNode *[]) { a, b, c }, 3, &error);
  g_autoptr(HnExecutor) executor = hn_daft_executor_new (HN_DAFT_RUNNER_LOCAL, NULL);
  g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, executor);
  g_autoptr(HnPipeline) on_daft = NULL;
  g_autoptr(GVariant) results = NULL;

  if (pipeline == NULL)
    g_error ("%s", error->message);
  on_daft = hn_pipeline_with_config (pipeline, config);

  results = hn_pipeline_map (on_daft,
                             g_variant_new_parsed (
                               "{'record': <[{'name': <'ada'>, 'scores': <[95.0, 91.5, 99.0]>},"
                               "             {'name': <'bob'>, 'scores': <[40.0, 65.0]>},"
                               "             {'name': <'cy'>, 'scores': <@ad []>}]>}"),
                             STRV ("record"), HN_MAP_MODE_ZIP, STRV ("report", "best"), NULL,
                             &error);
  if (results == NULL)
    {
      fprintf (stderr, "complex-types: %s\n", error->message);
      return 1;
    }

  for (gsize i = 0; i < g_variant_n_children (results); i++)
    {
      g_autoptr(GVariant) item = g_variant_get_child_value (results, i);
      g_autofree char *printed = g_variant_print (item, FALSE);
      printf ("%s\n", printed);
    }
  return 0;
}
