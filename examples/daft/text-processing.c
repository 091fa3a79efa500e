/* text-processing.c: a text pipeline on HnDaftExecutor, from C
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * The seed's text-processing example for this library: clean, tokenize and measure documents,
 * one Daft row per document. Runs on Daft's native runner, or on Ray with `--ray ADDRESS`
 * (the nodes then come from a node module, so they can travel: see hn_module_load()).
 * Needs the Python bridge and a Python with Daft: set $HN_PYTHON to the project's
 * .venv/bin/python.
 */

#include <stdio.h>
#include <string.h>

#include <hypernodes/hypernodes.h>

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })

static GVariant *
clean (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  const char *text = g_variant_get_string (args[0], NULL);
  g_autofree char *lower = g_utf8_strdown (text, -1);

  for (char *p = lower; *p; p++)
    if (g_ascii_ispunct (*p))
      *p = ' ';
  return g_variant_new_take_string (g_strdup (g_strstrip (lower)));
}

static GVariant *
tokenize (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  g_auto(GStrv) parts = g_strsplit_set (g_variant_get_string (args[0], NULL), " \t\n", -1);
  g_autoptr(GStrvBuilder) words = g_strv_builder_new ();
  g_auto(GStrv) result = NULL;

  for (guint i = 0; parts[i] != NULL; i++)
    if (parts[i][0] != '\0')
      g_strv_builder_add (words, parts[i]);
  result = g_strv_builder_end (words);
  return g_variant_new_strv ((const char * const *) result, -1);
}

/* words -> (word_count, longest_word): a node with two outputs */
static GVariant *
measure (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  g_autofree const char **words = g_variant_get_strv (args[0], NULL);
  const char *longest = "";
  gint64 n = 0;

  for (; words[n] != NULL; n++)
    if (strlen (words[n]) > strlen (longest))
      longest = words[n];
  return g_variant_new ("(xs)", n, longest);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnNode) clean_node = hn_function_node_new_full ("clean", STRV ("text"), STRV ("s"),
                                                            STRV ("cleaned"), STRV ("s"),
                                                            clean, NULL, NULL);
  g_autoptr(HnNode) tokenize_node = hn_function_node_new_full ("tokenize", STRV ("cleaned"),
                                                               STRV ("s"), STRV ("words"),
                                                               STRV ("as"), tokenize, NULL, NULL);
  g_autoptr(HnNode) measure_node = hn_function_node_new_full ("measure", STRV ("words"),
                                                              STRV ("as"),
                                                              STRV ("word_count", "longest_word"),
                                                              STRV ("x", "s"), measure, NULL,
                                                              NULL);
  g_autoptr(HnPipeline) pipeline = NULL;
  g_autoptr(HnPipeline) on_daft = NULL;
  g_autoptr(HnExecutor) executor = NULL;
  g_autoptr(HnRuntimeConfig) config = NULL;
  g_autoptr(GVariant) results = NULL;
  GVariantIter iter;
  GVariant *item;

  pipeline = hn_pipeline_new ((HnNode *[]) { clean_node, tokenize_node, measure_node }, 3,
                              &error);
  if (pipeline == NULL)
    g_error ("%s", error->message);

  executor = g_object_new (HN_TYPE_DAFT_EXECUTOR,
                           "runner", HN_DAFT_RUNNER_LOCAL,
                           "show-plan", argc > 1 && g_str_equal (argv[1], "--show-plan"),
                           NULL);
  config = hn_runtime_config_new (NULL, executor);
  on_daft = hn_pipeline_with_config (pipeline, config);

  results = hn_pipeline_map (on_daft,
                             g_variant_new_parsed ("{'text': <['Hello, GLib world!', "
                                                   "'Daft runs the nodes as UDFs.', "
                                                   "'Pipelines: plain functions, named ports.']>}"),
                             STRV ("text"), HN_MAP_MODE_ZIP, STRV ("word_count", "longest_word"),
                             NULL, &error);
  if (results == NULL)
    {
      fprintf (stderr, "text-processing: %s\n", error->message);
      return 1;
    }

  g_variant_iter_init (&iter, results);
  for (guint i = 0; g_variant_iter_next (&iter, "@a{sv}", &item); i++)
    {
      gint64 count = 0;
      const char *longest = NULL;

      g_variant_lookup (item, "word_count", "x", &count);
      g_variant_lookup (item, "longest_word", "&s", &longest);
      printf ("document %u: %" G_GINT64_FORMAT " words, longest “%s”\n", i, count, longest);
      g_variant_unref (item);
    }
  return 0;
}
