/* hello.c: a small text pipeline on the default (sequential) executor
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * With --dot it prints the pipeline in the DOT language instead (the picture in README.md:
 * doc/images/update.sh).
 */

#include <stdio.h>
#include <string.h>

#include <hypernodes/hypernodes.h>

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })

/* text -> words */
static GVariant *
tokenize (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  g_auto(GStrv) words = g_str_tokenize_and_fold (g_variant_get_string (args[0], NULL), NULL, NULL);

  return g_variant_new_strv ((const char * const *) words, -1);
}

/* words -> (word_count, longest) */
static GVariant *
measure (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  g_autofree const char **words = g_variant_get_strv (args[0], NULL);
  const char *longest = "";
  gint64 count = 0;

  for (; words[count] != NULL; count++)
    if (strlen (words[count]) > strlen (longest))
      longest = words[count];
  return g_variant_new ("(xs)", count, longest);
}

/* word_count, longest -> summary */
static GVariant *
summarize (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_new_take_string (
    g_strdup_printf ("%" G_GINT64_FORMAT " words, longest “%s”",
                     g_variant_get_int64 (args[0]), g_variant_get_string (args[1], NULL)));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnNode) tokenize_node = NULL;
  g_autoptr(HnNode) measure_node = NULL;
  g_autoptr(HnNode) summarize_node = NULL;
  g_autoptr(HnPipeline) pipeline = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GVariant) results = NULL;
  g_autofree char *order = NULL;
  GVariantIter iter;
  GVariant *item;

  tokenize_node = hn_function_node_new_full ("tokenize", STRV ("text"), STRV ("s"),
                                             STRV ("words"), STRV ("as"), tokenize, NULL, NULL);
  measure_node = hn_function_node_new_full ("measure", STRV ("words"), STRV ("as"),
                                            STRV ("word_count", "longest"), STRV ("x", "s"),
                                            measure, NULL, NULL);
  summarize_node = hn_function_node_new_full ("summarize", STRV ("word_count", "longest"),
                                              STRV ("x", "s"), STRV ("summary"), STRV ("s"),
                                              summarize, NULL, NULL);

  pipeline = hn_pipeline_new ((HnNode *[]) { summarize_node, measure_node, tokenize_node }, 3,
                              &error);
  if (pipeline == NULL)
    g_error ("%s", error->message);

  if (argc > 1 && g_str_equal (argv[1], "--dot"))
    {
      g_autofree char *dot = hn_pipeline_to_dot (pipeline, HN_DOT_FLAGS_TYPES);

      fputs (dot, stdout);
      return 0;
    }

  order = g_strjoinv (" → ", (char **) hn_pipeline_get_topological_order (pipeline));
  printf ("nodes: %s\n", order);

  /* One run, all outputs. */
  result = hn_pipeline_run (pipeline,
                            g_variant_new_parsed ("{'text': <'Pipelines of plain functions'>}"),
                            NULL, NULL, &error);
  if (result == NULL)
    g_error ("%s", error->message);
  printf ("run: %s\n", g_variant_print (result, FALSE));

  /* A map over three texts, asking only for the summary. */
  results = hn_pipeline_map (pipeline,
                             g_variant_new_parsed ("{'text': <['GLib is small', "
                                                   "'GVariant values are immutable and shared', "
                                                   "'']>}"),
                             STRV ("text"), HN_MAP_MODE_ZIP, STRV ("summary"), NULL, &error);
  if (results == NULL)
    g_error ("%s", error->message);

  g_variant_iter_init (&iter, results);
  for (guint i = 0; g_variant_iter_next (&iter, "@a{sv}", &item); i++)
    {
      const char *summary = NULL;

      g_variant_lookup (item, "summary", "&s", &summary);
      printf ("map[%u]: %s\n", i, summary);
      g_variant_unref (item);
    }

  /* Bad input gives an error that says what is wrong. */
  g_clear_pointer (&result, g_variant_unref);
  result = hn_pipeline_run (pipeline, g_variant_new_parsed ("{'text': <42>}"), NULL, NULL,
                            &error);
  printf ("error: %s\n", error->message);

  return 0;
}
