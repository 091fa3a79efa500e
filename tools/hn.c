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

static char **outputs;
static char *executor_spec;
static char *over;
static gboolean product;

static const GOptionEntry entries[] = {
  { "output", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &outputs,
    "An output to compute (repeat for several; default: all)", "NAME" },
  { "executor", 'e', 0, G_OPTION_ARG_STRING, &executor_spec,
    "sequential, thread-pool[:N], async[:N], daft[:local|:ray[@ADDRESS]], "
    "dask[:SCHEDULER|@ADDRESS], ray[@ADDRESS]", "EXECUTOR" },
  { "over", 0, 0, G_OPTION_ARG_STRING, &over,
    "map: the inputs to map over, comma-separated", "NAMES" },
  { "product", 0, 0, G_OPTION_ARG_NONE, &product,
    "map: one item per combination instead of zipping", NULL },
  { NULL }
};

static HnExecutor *
parse_executor (const char  *spec,
                GError     **error)
{
  g_auto(GStrv) parts = NULL;
  guint64 n = 0;

  if (spec == NULL || g_str_equal (spec, "sequential"))
    return hn_sequential_executor_new ();
  /* addresses have colons of their own */
  if (g_str_has_prefix (spec, "dask@"))
    return hn_dask_executor_new (HN_DASK_SCHEDULER_THREADS, spec + strlen ("dask@"));
  if (g_str_equal (spec, "ray") || g_str_has_prefix (spec, "ray@"))
    return hn_ray_executor_new (spec[3] == '@' ? spec + 4 : NULL);

  parts = g_strsplit (spec, ":", 2);
  if (parts[1] != NULL && (g_str_equal (parts[0], "thread-pool") || g_str_equal (parts[0], "async"))
      && !g_ascii_string_to_unsigned (parts[1], 10, 0, 1024, &n, error))
    return NULL;

  if (g_str_equal (parts[0], "thread-pool"))
    return hn_thread_pool_executor_new ((guint) n);
  if (g_str_equal (parts[0], "async"))
    return hn_async_executor_new ((guint) n);
  if (g_str_equal (parts[0], "daft"))
    {
      g_auto(GStrv) runner = g_strsplit (parts[1] ? parts[1] : "local", "@", 2);
      HnDaftRunner kind;

      if (!hn_daft_runner_from_string (runner[0], &kind, error))
        return NULL;
      return hn_daft_executor_new (kind, runner[1]);
    }
  if (g_str_equal (parts[0], "dask"))
    {
      HnDaskScheduler scheduler = HN_DASK_SCHEDULER_THREADS;

      if (parts[1] != NULL && !hn_dask_scheduler_from_string (parts[1], &scheduler, error))
        return NULL;
      return hn_dask_executor_new (scheduler, NULL);
    }

  g_set_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_INVALID_CONFIG,
               "Unknown executor “%s”: use sequential, thread-pool[:N], async[:N], "
               "daft[:local|:ray[@ADDRESS]], dask[:SCHEDULER|@ADDRESS] or ray[@ADDRESS]", spec);
  return NULL;
}

/* The type a root input is declared with by its first typed consumer, or NULL. */
static const GVariantType *
input_type (HnPipeline *pipeline,
            const char *name)
{
  guint n_nodes = 0;
  HnNode **nodes = hn_pipeline_get_nodes (pipeline, &n_nodes);

  for (guint i = 0; i < n_nodes; i++)
    {
      const GVariantType *type = hn_node_get_input_type (nodes[i], name);

      if (type != NULL && g_variant_type_is_definite (type))
        return type;
    }
  return NULL;
}

static GVariant *
parse_inputs (HnPipeline  *pipeline,
              char       **args,
              const char * const *mapped,
              GError     **error)
{
  GVariantDict dict;

  g_variant_dict_init (&dict, NULL);
  for (guint i = 0; args[i] != NULL; i++)
    {
      const char *eq = strchr (args[i], '=');
      g_autofree char *name = NULL;
      g_autoptr(GVariantType) array = NULL;
      const GVariantType *type;
      GVariant *value;

      if (eq == NULL || eq == args[i])
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                       "“%s” is not an input: write NAME=VALUE", args[i]);
          g_variant_dict_clear (&dict);
          return NULL;
        }
      name = g_strndup (args[i], eq - args[i]);
      type = input_type (pipeline, name);
      if (type != NULL && mapped != NULL && g_strv_contains (mapped, name))
        type = array = g_variant_type_new_array (type);

      value = g_variant_parse (type, eq + 1, NULL, NULL, error);
      if (value == NULL)
        {
          g_prefix_error (error, "Input “%s”: ", name);
          g_variant_dict_clear (&dict);
          return NULL;
        }
      g_variant_dict_insert_value (&dict, name, value);
      g_variant_unref (value);
    }
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}

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
          fprintf (stderr, "hn: module %s has no pipeline “%s”\n", hn_module_get_path (module),
                   pipeline_name);
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
    goto fail;

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
      fprintf (stderr, "hn: unknown command “%s”: use info, run or map\n", command);
      return 2;
    }

  if (hn_module_get_pipeline (module, argv[3]) == NULL)
    {
      fprintf (stderr, "hn: module %s has no pipeline “%s”\n", hn_module_get_path (module),
               argv[3]);
      return 1;
    }
  executor = parse_executor (executor_spec, &error);
  if (executor == NULL)
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
      mapped = g_strsplit (over, ",", -1);
    }

  inputs = parse_inputs (pipeline, argv + 4, (const char * const *) mapped, &error);
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
