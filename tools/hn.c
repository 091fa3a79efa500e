/* hn.c: the hypernodes command-line tool
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   hn info MODULE [PIPELINE]
 *   hn run MODULE PIPELINE [-e EXECUTOR] [-o OUTPUT]... [NAME=VALUE]...
 *   hn map MODULE PIPELINE --over NAME[,NAME...] [--product] [-e EXECUTOR] [-o OUTPUT]...
 *          [NAME=VALUE]...
 *
 * MODULE is a node module (a path, or a name on $HN_MODULE_PATH). VALUE is GVariant text, parsed
 * with the type the pipeline declares for that input when there is one ("x=5" is an int64 for
 * an input typed "x"; "text='hi'" a string). EXECUTOR is sequential (the default),
 * thread-pool[:N], async[:N], or daft[:local|:ray[@ADDRESS]].
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <hypernodes/hypernodes.h>

#include "hn-args.h"

static char **outputs;
static char *executor_spec;
static char *over;
static gboolean product;

static const GOptionEntry entries[] = {
  { "output", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &outputs,
    "An output to compute (repeat for several; default: all)", "NAME" },
  { "executor", 'e', 0, G_OPTION_ARG_STRING, &executor_spec,
    "sequential, thread-pool[:N], async[:N], daft[:local|:ray[@ADDRESS]]", "EXECUTOR" },
  { "over", 0, 0, G_OPTION_ARG_STRING, &over,
    "map: the inputs to map over, comma-separated", "NAMES" },
  { "product", 0, 0, G_OPTION_ARG_NONE, &product,
    "map: one item per combination instead of zipping", NULL },
  { NULL }
};

static int
info (HnModule   *module,
      const char *pipeline_name)
{
  g_auto(GStrv) nodes = hn_module_list_nodes (module);
  g_auto(GStrv) pipelines = hn_module_list_pipelines (module);

  if (pipeline_name == NULL)
    {
      g_autofree char *n = g_strjoinv (", ", nodes);
      g_autofree char *p = g_strjoinv (", ", pipelines);

      printf ("module: %s\nnodes: %s\npipelines: %s\n", hn_module_get_path (module), n, p);
      return 0;
    }
  else
    {
      HnPipeline *pipeline = hn_module_get_pipeline (module, pipeline_name);
      g_autofree char *inputs = NULL, *outs = NULL, *order = NULL;

      if (pipeline == NULL)
        {
          g_autofree char *shown = hn_args_escape (pipeline_name);

          fprintf (stderr, "hn: module %s has no pipeline “%s”\n", hn_module_get_path (module),
                   shown);
          return 1;
        }
      inputs = g_strjoinv (", ", (char **) hn_pipeline_get_root_inputs (pipeline));
      outs = g_strjoinv (", ", (char **) hn_pipeline_get_outputs (pipeline));
      order = g_strjoinv (" → ", (char **) hn_pipeline_get_topological_order (pipeline));
      printf ("pipeline: %s\ninputs: %s\noutputs: %s\nnodes: %s\n", pipeline_name, inputs, outs,
              order);
      return 0;
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HnModule) module = NULL;
  g_autoptr(HnExecutor) executor = NULL;
  g_autoptr(HnRuntimeConfig) config = NULL;
  g_autoptr(HnPipeline) pipeline = NULL;
  g_autoptr(GVariant) inputs = NULL;
  g_autoptr(GVariant) result = NULL;
  g_auto(GStrv) mapped = NULL;
  const char *command;

  setlocale (LC_ALL, "");
  context = g_option_context_new ("info|run|map MODULE [PIPELINE] [NAME=VALUE...]");
  g_option_context_set_summary (context, "Runs the pipelines of a hypernodes node module.");
  g_option_context_set_description (context,
    "VALUE is GVariant text, parsed with the type the pipeline declares for the input.\n"
    "Example: hn run ./my-module.so text_stats text=\"'Hello world'\" -o word_count");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      if (error->domain == G_CONVERT_ERROR)
        g_prefix_error (&error, "An option's value is not valid text: ");
      goto fail;
    }

  if (argc < 3 || (!g_str_equal (argv[1], "info") && argc < 4))
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      fprintf (stderr, "%s", help);
      return 2;
    }
  command = argv[1];

  module = hn_module_load (argv[2], &error);
  if (module == NULL)
    goto fail;
  if (g_str_equal (command, "info"))
    return info (module, argc > 3 ? argv[3] : NULL);
  if (!g_str_equal (command, "run") && !g_str_equal (command, "map"))
    {
      g_autofree char *shown = hn_args_escape (command);

      fprintf (stderr, "hn: unknown command “%s”: use info, run or map\n", shown);
      return 2;
    }

  if (hn_module_get_pipeline (module, argv[3]) == NULL)
    {
      g_autofree char *shown = hn_args_escape (argv[3]);

      fprintf (stderr, "hn: module %s has no pipeline “%s”\n", hn_module_get_path (module),
               shown);
      return 1;
    }
  executor = hn_args_parse_executor (executor_spec, &error);
  if (executor == NULL)
    goto fail;
  if (!hn_args_check_names ((const char * const *) outputs, "output", &error))
    goto fail;
  config = hn_runtime_config_new (NULL, executor);
  pipeline = hn_pipeline_with_config (hn_module_get_pipeline (module, argv[3]), config);

  if (g_str_equal (command, "map"))
    {
      if (over == NULL)
        {
          fprintf (stderr, "hn: map needs --over NAME[,NAME...]\n");
          return 2;
        }
      mapped = hn_args_parse_names (over, &error);
      if (mapped == NULL)
        goto fail;
    }

  inputs = hn_args_parse_inputs (pipeline, (const char * const *) argv + 4,
                                 (const char * const *) mapped, &error);
  if (inputs == NULL)
    goto fail;

  if (mapped != NULL)
    {
      result = hn_pipeline_map (pipeline, inputs, (const char * const *) mapped,
                                product ? HN_MAP_MODE_PRODUCT : HN_MAP_MODE_ZIP,
                                (const char * const *) outputs, NULL, &error);
      if (result == NULL)
        goto fail;
      for (gsize i = 0; i < g_variant_n_children (result); i++)
        {
          g_autoptr(GVariant) item = g_variant_get_child_value (result, i);
          g_autofree char *text = g_variant_print (item, TRUE);
          printf ("%s\n", text);
        }
    }
  else
    {
      g_autofree char *text = NULL;

      result = hn_pipeline_run (pipeline, inputs, (const char * const *) outputs, NULL, &error);
      if (result == NULL)
        goto fail;
      text = g_variant_print (result, TRUE);
      printf ("%s\n", text);
    }
  return 0;

fail:
  fprintf (stderr, "hn: %s\n", error->message);
  return 1;
}
