/* hn.c: the hypernodes command-line tool
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 *   hn info MODULE [PIPELINE]
 *   hn inspect MODULE
 *   hn run MODULE PIPELINE [OPTION...] [NAME=VALUE...]
 *   hn map MODULE PIPELINE (--over NAME[,NAME...] | --items FILE.jsonl) [OPTION...]
 *          [NAME=VALUE...]
 *   hn graph MODULE PIPELINE [--format dot|svg|png] [-o FILE]
 *   hn help [COMMAND]
 *   hn version
 *
 * One GOptionContext per command, as GLib's gio tool does. Exit status: 0 on success, 1 when the
 * work fails (a module, a pipeline, a run, a file), 2 when the command line is wrong. The manual
 * page is doc/hn.1.
 */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>
#include <hypernodes/hypernodes.h>

#include "hn-args.h"
#include "hn-json.h"

#define EXIT_FAILED 1
#define EXIT_USAGE  2

typedef struct
{
  const char         *name;
  const char         *parameters;   /* N_() */
  const char         *summary;      /* N_() */
  const char         *description;  /* N_(), or NULL */
  const GOptionEntry *entries;
  guint               min_args;     /* after the command's name */
  guint               max_args;     /* G_MAXUINT: any number */
  int               (*func)         (int argc, char **argv);
} Command;

/* the options; each command reads its own */
static char **opt_outputs;
static char *opt_executor;
static gboolean opt_json;
static gboolean opt_progress;
static char *opt_trace;
static char *opt_cache_dir;
static char *opt_cache_max_bytes;
static char *opt_retries;
static double opt_timeout;
static char *opt_over;
static gboolean opt_product;
static char *opt_items;
static char *opt_format;
static char *opt_output_file;
static gboolean opt_collapse;
static gboolean opt_types;

#define RUN_ENTRIES \
  { "output", 'o', 0, G_OPTION_ARG_STRING_ARRAY, &opt_outputs, \
    N_("An output to compute (repeat for several; default: all)"), N_("NAME") }, \
  { "executor", 'e', 0, G_OPTION_ARG_STRING, &opt_executor, \
    N_("How to run: sequential (the default), thread-pool[:N], async[:N], " \
       "daft[:local|:ray[@ADDRESS]], dask[:SCHEDULER|@ADDRESS], ray[@ADDRESS]"), \
    N_("EXECUTOR") }, \
  { "json", 'j', 0, G_OPTION_ARG_NONE, &opt_json, \
    N_("Read each VALUE as JSON and print the results as JSON"), NULL }, \
  { "progress", 'p', 0, G_OPTION_ARG_NONE, &opt_progress, \
    N_("Draw progress bars on standard error"), NULL }, \
  { "trace", 0, 0, G_OPTION_ARG_FILENAME, &opt_trace, \
    N_("Write a trace of every node call to FILE (Chrome trace-event JSON, for Perfetto)"), \
    N_("FILE") }, \
  { "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &opt_cache_dir, \
    N_("Keep node results in DIR and reuse them in later runs"), N_("DIR") }, \
  { "cache-max-bytes", 0, 0, G_OPTION_ARG_STRING, &opt_cache_max_bytes, \
    N_("Keep the results in DIR under BYTES in all, least recently used first out"), \
    N_("BYTES") }, \
  { "retries", 0, 0, G_OPTION_ARG_STRING, &opt_retries, \
    N_("Try a failing node call N more times (default: 0)"), N_("N") }, \
  { "timeout", 0, 0, G_OPTION_ARG_DOUBLE, &opt_timeout, \
    N_("Fail a run that takes longer than SECONDS (default: no limit)"), N_("SECONDS") }

static const GOptionEntry run_entries[] = {
  RUN_ENTRIES,
  { NULL }
};

static const GOptionEntry map_entries[] = {
  { "over", 0, 0, G_OPTION_ARG_STRING, &opt_over,
    N_("The inputs to map over, comma-separated: their VALUEs are lists"), N_("NAMES") },
  { "product", 0, 0, G_OPTION_ARG_NONE, &opt_product,
    N_("One item per combination of the lists instead of zipping them"), NULL },
  { "items", 'i', 0, G_OPTION_ARG_FILENAME, &opt_items,
    N_("Read the items from a JSON Lines file: one JSON object of inputs per line"),
    N_("FILE") },
  RUN_ENTRIES,
  { NULL }
};

static const GOptionEntry graph_entries[] = {
  { "format", 'f', 0, G_OPTION_ARG_STRING, &opt_format,
    N_("dot (the default, or as FILE's extension says), svg or png; svg and png need Graphviz"),
    N_("FORMAT") },
  { "output", 'o', 0, G_OPTION_ARG_FILENAME, &opt_output_file,
    N_("Write the picture to FILE instead of standard output"), N_("FILE") },
  { "collapse", 'c', 0, G_OPTION_ARG_NONE, &opt_collapse,
    N_("Draw nested pipelines as single boxes"), NULL },
  { "types", 't', 0, G_OPTION_ARG_NONE, &opt_types,
    N_("Show the type of each port"), NULL },
  { NULL }
};

static const GOptionEntry no_entries[] = {
  { NULL }
};

static const GOptionEntry inspect_entries[] = {
  { "json", 'j', 0, G_OPTION_ARG_NONE, &opt_json,
    N_("Print one JSON document (module, nodes, pipelines) instead of text"), NULL },
  { NULL }
};

static int cmd_info    (int argc, char **argv);
static int cmd_inspect (int argc, char **argv);
static int cmd_run     (int argc, char **argv);
static int cmd_map     (int argc, char **argv);
static int cmd_graph   (int argc, char **argv);
static int cmd_help    (int argc, char **argv);
static int cmd_version (int argc, char **argv);

static const Command commands[] = {
  { "info", N_("MODULE [PIPELINE]"),
    N_("Lists a module's nodes and pipelines, or one pipeline's inputs, outputs and nodes."),
    NULL, no_entries, 1, 2, cmd_info },
  { "inspect", N_("MODULE"),
    N_("Shows a module's nodes and pipelines with their inputs, outputs and port types."),
    N_("With --json: {\"module\": PATH, \"nodes\": [...], \"pipelines\": [...]}, each port "
       "as {\"name\", \"type\"} (and \"bound\", a bound input's value).\n\n"
       "Exit status: 0 on success, 1 if the module cannot be loaded, 2 for a wrong command "
       "line."),
    inspect_entries, 1, 1, cmd_inspect },
  { "run", N_("MODULE PIPELINE [NAME=VALUE...]"),
    N_("Runs a pipeline once and prints its outputs."),
    N_("VALUE is GVariant text (or JSON with --json), parsed with the type the pipeline declares "
       "for the input: x=5 is an int64 where x is typed \"x\"; strings need quotes: "
       "text=\"'hello'\".\n\n"
       "Example: hn run ./my-module.so text_stats text=\"'Hello world'\" -o word_count\n\n"
       "Exit status: 0 on success, 1 if the module, the pipeline or the run fails, 2 for a "
       "wrong command line."),
    run_entries, 2, G_MAXUINT, cmd_run },
  { "map", N_("MODULE PIPELINE [NAME=VALUE...]"),
    N_("Runs a pipeline once per item and prints one line of outputs per item."),
    N_("The items come from the lists given to the inputs named by --over (zipped, or every "
       "combination with --product), or from a JSON Lines file (--items). Other NAME=VALUE "
       "inputs are shared by every item.\n\n"
       "Example: hn map ./my-module.so double_add_one --over x x=\"[1, 2, 3]\"\n\n"
       "Exit status: 0 on success, 1 if the module, the pipeline or an item fails, 2 for a "
       "wrong command line."),
    map_entries, 2, G_MAXUINT, cmd_map },
  { "graph", N_("MODULE PIPELINE"),
    N_("Draws a pipeline: its nodes, their inputs and outputs, and the edges between them."),
    N_("The picture is DOT text, or with Graphviz (the dot program) an SVG or PNG image.\n\n"
       "Example: hn graph ./my-module.so text_stats -o text_stats.svg\n\n"
       "Exit status: 0 on success, 1 if the module or the pipeline cannot be loaded, Graphviz "
       "is missing or fails, or FILE cannot be written, 2 for a wrong command line."),
    graph_entries, 2, 2, cmd_graph },
  { "help", N_("[COMMAND]"), N_("Shows the help of hn or of one of its commands."),
    NULL, no_entries, 0, 1, cmd_help },
  { "version", "", N_("Shows the version of hn."), NULL, no_entries, 0, 0, cmd_version },
};

/* gettext ("") would be the catalog's header */
static const char *
tr (const char *text)
{
  return text[0] != '\0' ? _(text) : text;
}

static const Command *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

/* prints the error in one line (names in it may hold anything: control characters are
 * escaped, a message made long by them is cut); the hint, when there is one, follows on the same
 * line */
static int
fail (int         status,
      const char *message)
{
  g_autofree char *shown = hn_args_escape_message (message);

  fprintf (stderr, "hn: %s\n", shown);
  return status;
}

static int
fail_error (int     status,
            GError *error)
{
  return fail (status, error->message);
}

static int
usage_error (const Command *command,
             const char    *message)
{
  g_autofree char *shown = hn_args_escape_message (message);

  fprintf (stderr, _("hn: %s (see “hn help %s”)\n"), shown, command->name);
  return EXIT_USAGE;
}

static void
print_usage (FILE *out)
{
  fprintf (out, "%s\n  hn %s\n\n%s\n", _("Usage:"), _("COMMAND [OPTION…] [ARGUMENT…]"),
           _("Runs and shows the pipelines of hypernodes node modules."));
  fprintf (out, "\n%s\n", _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-9s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n", _("MODULE is a node module: a path, or a name on $HN_MODULE_PATH."));
  fprintf (out, "%s\n",
           _("Use “hn help COMMAND” or “hn COMMAND --help” for a command's options."));
  fprintf (out, "%s\n", _("Exit status: 0 on success, 1 when the work fails, 2 for a wrong "
                          "command line."));
}

static GOptionContext *
command_context (const Command *command)
{
  g_autofree char *prgname = g_strdup_printf ("hn %s", command->name);
  GOptionContext *context = g_option_context_new (tr (command->parameters));

  g_set_prgname (prgname);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _(command->summary));
  if (command->description != NULL)
    g_option_context_set_description (context, _(command->description));
  g_option_context_add_main_entries (context, command->entries, GETTEXT_PACKAGE);
  return context;
}

static HnModule *
load_module (const char  *name,
             GError     **error)
{
  return hn_module_load (name, error);
}

static HnPipeline *
find_pipeline (HnModule    *module,
               const char  *name,
               GError     **error)
{
  HnPipeline *pipeline = hn_module_get_pipeline (module, name);
  g_auto(GStrv) names = NULL;
  g_autofree char *shown = NULL, *known = NULL;

  if (pipeline != NULL)
    return pipeline;
  names = hn_module_list_pipelines (module);
  known = g_strjoinv (", ", names);
  shown = hn_args_escape (name);
  g_set_error (error, HN_MODULE_ERROR, HN_MODULE_ERROR_NOT_FOUND,
               _("module %s has no pipeline “%s” (its pipelines: %s)"),
               hn_module_get_path (module), shown, known[0] ? known : _("none"));
  return NULL;
}

/* ---- info and inspect ------------------------------------------------------------------- */

static int
cmd_info (int    argc,
          char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnModule) module = load_module (argv[1], &error);
  HnPipeline *pipeline;
  g_autofree char *inputs = NULL, *outs = NULL, *order = NULL;

  if (module == NULL)
    return fail_error (EXIT_FAILED, error);
  if (argc < 3)
    {
      g_auto(GStrv) nodes = hn_module_list_nodes (module);
      g_auto(GStrv) pipelines = hn_module_list_pipelines (module);
      g_autofree char *n = g_strjoinv (", ", nodes);
      g_autofree char *p = g_strjoinv (", ", pipelines);

      printf (_("module: %s\nnodes: %s\npipelines: %s\n"), hn_module_get_path (module), n, p);
      return 0;
    }

  pipeline = find_pipeline (module, argv[2], &error);
  if (pipeline == NULL)
    return fail_error (EXIT_FAILED, error);
  inputs = g_strjoinv (", ", (char **) hn_pipeline_get_root_inputs (pipeline));
  outs = g_strjoinv (", ", (char **) hn_pipeline_get_outputs (pipeline));
  order = g_strjoinv (" → ", (char **) hn_pipeline_get_topological_order (pipeline));
  printf (_("pipeline: %s\ninputs: %s\noutputs: %s\nnodes: %s\n"), argv[2], inputs, outs, order);
  return 0;
}

static char *
type_text (const GVariantType *type)
{
  return type ? g_variant_type_dup_string (type) : g_strdup ("*");
}

/* "name: type, name: type" */
static char *
ports_text (HnNode             *node,
            const char * const *ports,
            gboolean            inputs)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; ports[i] != NULL; i++)
    {
      g_autofree char *type = type_text (inputs ? hn_node_get_input_type (node, ports[i])
                                                : hn_node_get_output_type (node, ports[i]));

      g_string_append_printf (out, "%s%s: %s", i ? ", " : "", ports[i], type);
    }
  if (out->len == 0)
    g_string_append (out, "-");
  return g_string_free (out, FALSE);
}

static void
print_node (HnNode     *node,
            const char *indent)
{
  g_autofree char *ins = ports_text (node, hn_node_get_inputs (node), TRUE);
  g_autofree char *outs = ports_text (node, hn_node_get_outputs (node), FALSE);

  printf ("%s%s%s\n", indent, hn_node_get_name (node),
          HN_IS_PIPELINE_NODE (node) ? _(" (nested pipeline)") : "");
  printf ("%s  %-9s %s\n", indent, _("inputs:"), ins);
  printf ("%s  %-9s %s\n", indent, _("outputs:"), outs);
}

static void
print_pipeline (const char *name,
                HnPipeline *pipeline)
{
  const char * const *roots = hn_pipeline_get_root_inputs (pipeline);
  const char * const *outputs = hn_pipeline_get_outputs (pipeline);
  GVariant *bound = hn_pipeline_get_bound_inputs (pipeline);
  g_autofree char *order =
    g_strjoinv (" → ", (char **) hn_pipeline_get_topological_order (pipeline));
  GString *ins = g_string_new (NULL), *outs = g_string_new (NULL);

  for (guint i = 0; roots[i] != NULL; i++)
    {
      g_autofree char *type = type_text (hn_args_input_type (pipeline, roots[i]));
      g_autoptr(GVariant) value = bound ? g_variant_lookup_value (bound, roots[i], NULL) : NULL;

      g_string_append_printf (ins, "%s%s: %s", i ? ", " : "", roots[i], type);
      if (value != NULL)
        {
          g_autofree char *text = g_variant_print (value, TRUE);
          g_string_append_printf (ins, _(" (bound to %s)"), text);
        }
    }
  for (guint i = 0; outputs[i] != NULL; i++)
    {
      guint n_nodes = 0;
      HnNode **nodes = hn_pipeline_get_nodes (pipeline, &n_nodes);
      const GVariantType *type = NULL;
      g_autofree char *text = NULL;

      for (guint k = 0; k < n_nodes && type == NULL; k++)
        if (g_strv_contains (hn_node_get_outputs (nodes[k]), outputs[i]))
          type = hn_node_get_output_type (nodes[k], outputs[i]);
      text = type_text (type);
      g_string_append_printf (outs, "%s%s: %s", i ? ", " : "", outputs[i], text);
    }
  printf ("  %s\n", name);
  printf ("    %-9s %s\n", _("inputs:"), ins->len ? ins->str : "-");
  printf ("    %-9s %s\n", _("outputs:"), outs->len ? outs->str : "-");
  printf ("    %-9s %s\n", _("nodes:"), order);
  g_string_free (ins, TRUE);
  g_string_free (outs, TRUE);
}

/* ---- inspect --json: the same as data --------------------------------------------------- */

static GVariant *
port_data (const char         *name,
           const GVariantType *type,
           GVariant           *bound)
{
  GVariantDict dict;
  g_autofree char *text = type_text (type);

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "name", "s", name);
  g_variant_dict_insert (&dict, "type", "s", text);
  if (bound != NULL)
    g_variant_dict_insert_value (&dict, "bound", bound);
  return g_variant_dict_end (&dict);
}

static GVariant *
node_data (HnNode *node)
{
  GVariantDict dict;
  GVariantBuilder ins, outs;
  const char * const *inputs = hn_node_get_inputs (node);
  const char * const *outputs = hn_node_get_outputs (node);

  g_variant_builder_init (&ins, G_VARIANT_TYPE ("aa{sv}"));
  g_variant_builder_init (&outs, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; inputs[i] != NULL; i++)
    g_variant_builder_add_value (&ins, port_data (inputs[i],
                                                  hn_node_get_input_type (node, inputs[i]),
                                                  NULL));
  for (guint i = 0; outputs[i] != NULL; i++)
    g_variant_builder_add_value (&outs, port_data (outputs[i],
                                                   hn_node_get_output_type (node, outputs[i]),
                                                   NULL));
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "name", "s", hn_node_get_name (node));
  g_variant_dict_insert (&dict, "nested", "b", HN_IS_PIPELINE_NODE (node));
  g_variant_dict_insert_value (&dict, "inputs", g_variant_builder_end (&ins));
  g_variant_dict_insert_value (&dict, "outputs", g_variant_builder_end (&outs));
  return g_variant_dict_end (&dict);
}

static GVariant *
pipeline_data (const char *name,
               HnPipeline *pipeline)
{
  const char * const *roots = hn_pipeline_get_root_inputs (pipeline);
  const char * const *outputs = hn_pipeline_get_outputs (pipeline);
  GVariant *bound = hn_pipeline_get_bound_inputs (pipeline);
  guint n_nodes = 0;
  HnNode **nodes = hn_pipeline_get_nodes (pipeline, &n_nodes);
  GVariantBuilder ins, outs, members;
  GVariantDict dict;

  g_variant_builder_init (&ins, G_VARIANT_TYPE ("aa{sv}"));
  g_variant_builder_init (&outs, G_VARIANT_TYPE ("aa{sv}"));
  g_variant_builder_init (&members, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; roots[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = bound ? g_variant_lookup_value (bound, roots[i], NULL) : NULL;

      g_variant_builder_add_value (&ins, port_data (roots[i],
                                                    hn_args_input_type (pipeline, roots[i]),
                                                    value));
    }
  for (guint i = 0; outputs[i] != NULL; i++)
    {
      const GVariantType *type = NULL;

      for (guint k = 0; k < n_nodes && type == NULL; k++)
        if (g_strv_contains (hn_node_get_outputs (nodes[k]), outputs[i]))
          type = hn_node_get_output_type (nodes[k], outputs[i]);
      g_variant_builder_add_value (&outs, port_data (outputs[i], type, NULL));
    }
  for (guint k = 0; k < n_nodes; k++)
    g_variant_builder_add_value (&members, node_data (nodes[k]));

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "name", "s", name);
  g_variant_dict_insert_value (&dict, "inputs", g_variant_builder_end (&ins));
  g_variant_dict_insert_value (&dict, "outputs", g_variant_builder_end (&outs));
  g_variant_dict_insert_value (&dict, "order",
                               g_variant_new_strv (hn_pipeline_get_topological_order (pipeline),
                                                   -1));
  g_variant_dict_insert_value (&dict, "nodes", g_variant_builder_end (&members));
  return g_variant_dict_end (&dict);
}

static int
inspect_json (HnModule           *module,
              const char * const *nodes,
              const char * const *pipelines)
{
  g_autoptr(GVariant) document = NULL;
  g_autofree char *text = NULL;
  GVariantBuilder node_list, pipeline_list;
  GVariantDict dict;

  g_variant_builder_init (&node_list, G_VARIANT_TYPE ("aa{sv}"));
  g_variant_builder_init (&pipeline_list, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; nodes[i] != NULL; i++)
    g_variant_builder_add_value (&node_list, node_data (hn_module_get_node (module, nodes[i])));
  for (guint i = 0; pipelines[i] != NULL; i++)
    g_variant_builder_add_value (&pipeline_list,
                                 pipeline_data (pipelines[i],
                                                hn_module_get_pipeline (module, pipelines[i])));
  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "module", "s", hn_module_get_path (module));
  g_variant_dict_insert_value (&dict, "nodes", g_variant_builder_end (&node_list));
  g_variant_dict_insert_value (&dict, "pipelines", g_variant_builder_end (&pipeline_list));
  document = g_variant_ref_sink (g_variant_dict_end (&dict));
  text = hn_json_print (document);
  printf ("%s\n", text);
  return 0;
}

static int
cmd_inspect (int    argc,
             char **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnModule) module = load_module (argv[1], &error);
  g_auto(GStrv) nodes = NULL;
  g_auto(GStrv) pipelines = NULL;

  if (module == NULL)
    return fail_error (EXIT_FAILED, error);
  nodes = hn_module_list_nodes (module);
  pipelines = hn_module_list_pipelines (module);
  if (opt_json)
    return inspect_json (module, (const char * const *) nodes,
                         (const char * const *) pipelines);

  printf (_("module: %s\n"), hn_module_get_path (module));
  printf ("\n%s\n", _("nodes:"));
  for (guint i = 0; nodes[i] != NULL; i++)
    print_node (hn_module_get_node (module, nodes[i]), "  ");
  printf ("\n%s\n", _("pipelines:"));
  for (guint i = 0; pipelines[i] != NULL; i++)
    {
      HnPipeline *pipeline = hn_module_get_pipeline (module, pipelines[i]);
      guint n_nodes = 0;
      HnNode **members = hn_pipeline_get_nodes (pipeline, &n_nodes);

      print_pipeline (pipelines[i], pipeline);
      for (guint k = 0; k < n_nodes; k++)
        if (HN_IS_PIPELINE_NODE (members[k]))
          print_node (members[k], "      ");
    }
  return 0;
}

/* ---- run and map ------------------------------------------------------------------------- */

static void
print_value (GVariant *value)
{
  g_autofree char *text = opt_json ? hn_json_print (value) : g_variant_print (value, TRUE);

  printf ("%s\n", text);
}

/* What run and map start with: the pipeline with its runtime config, the trace to finish (or
 * %NULL) and the inputs given as NAME=VALUE. */
typedef struct
{
  HnPipeline      *pipeline;
  HnTraceCallback *trace;
  GVariant        *inputs;
} RunStart;

static void
run_start_clear (RunStart *start)
{
  g_clear_object (&start->pipeline);
  g_clear_object (&start->trace);
  g_clear_pointer (&start->inputs, g_variant_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RunStart, run_start_clear)

/* Everything run and map share before they run: the module, the pipeline with its runtime
 * config, the callbacks, and the inputs (@mapped: the names whose values are lists to map over,
 * or %NULL). Returns an exit status, 0 to go on. */
static int
prepare (const Command       *command,
         char               **argv,
         const char * const  *mapped,
         RunStart            *start)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HnModule) module = NULL;
  g_autoptr(HnExecutor) executor = NULL;
  g_autoptr(HnCache) cache = NULL;
  g_autoptr(HnRuntimeConfig) config = NULL;
  g_autoptr(GPtrArray) callbacks = g_ptr_array_new_with_free_func (g_object_unref);
  HnPipeline *pipeline;
  guint64 retries = 0;
  guint64 cache_max_bytes = 0;

  /* the command line first: a mistake there is found before anything loads */
  executor = hn_args_parse_executor (opt_executor, &error);
  if (executor == NULL)
    return usage_error (command, error->message);
  if (!hn_args_check_names ((const char * const *) opt_outputs, "output", &error))
    return usage_error (command, error->message);
  if (opt_retries != NULL &&
      !g_ascii_string_to_unsigned (opt_retries, 10, 0, G_MAXUINT, &retries, NULL))
    {
      g_autofree char *shown = hn_args_escape (opt_retries);
      g_autofree char *message =
        g_strdup_printf (_("--retries takes a whole number, not “%s”"), shown);

      return usage_error (command, message);
    }
  if (!(opt_timeout >= 0))
    return usage_error (command, _("--timeout takes a number of seconds, 0 or more"));
  if (opt_cache_max_bytes != NULL &&
      !g_ascii_string_to_unsigned (opt_cache_max_bytes, 10, 0, G_MAXUINT64, &cache_max_bytes,
                                   NULL))
    {
      g_autofree char *shown = hn_args_escape (opt_cache_max_bytes);
      g_autofree char *message =
        g_strdup_printf (_("--cache-max-bytes takes a whole number of bytes, not “%s”"), shown);

      return usage_error (command, message);
    }
  if (opt_cache_max_bytes != NULL && opt_cache_dir == NULL)
    return usage_error (command, _("--cache-max-bytes bounds the cache of --cache-dir"));

  module = load_module (argv[1], &error);
  if (module == NULL)
    return fail_error (EXIT_FAILED, error);
  pipeline = find_pipeline (module, argv[2], &error);
  if (pipeline == NULL)
    return fail_error (EXIT_FAILED, error);
  /* a name of --over that is not an input: said as such, not as a value that fails to parse */
  for (guint i = 0; mapped != NULL && mapped[i] != NULL; i++)
    if (!g_strv_contains (hn_pipeline_get_root_inputs (pipeline), mapped[i]))
      {
        g_autofree char *shown = hn_args_escape (mapped[i]);
        g_autofree char *known =
          g_strjoinv (", ", (char **) hn_pipeline_get_root_inputs (pipeline));
        g_autofree char *message =
          g_strdup_printf (_("--over names “%s”, which is not an input of the pipeline (its "
                             "inputs: %s)"), shown, known);

        return usage_error (command, message);
      }

  if (opt_progress)
    g_ptr_array_add (callbacks, hn_progress_callback_new (TRUE));
  if (opt_trace != NULL)
    {
      HnCallback *trace = hn_trace_callback_new (opt_trace);

      g_ptr_array_add (callbacks, trace);
      /* an empty trace now, so that a path that cannot be written fails before the run */
      if (!hn_trace_callback_write (HN_TRACE_CALLBACK (trace), &error))
        {
          g_autofree char *display = g_filename_display_name (opt_trace);

          g_prefix_error (&error, _("Cannot write the trace to %s: "), display);
          return fail_error (EXIT_FAILED, error);
        }
      start->trace = HN_TRACE_CALLBACK (g_object_ref (trace));
    }
  if (opt_cache_dir != NULL)
    {
      if (g_mkdir_with_parents (opt_cache_dir, 0755) < 0)
        {
          int saved = errno;
          g_autofree char *display = g_filename_display_name (opt_cache_dir);
          g_autofree char *message =
            g_strdup_printf (_("Cannot create the cache directory %s: %s"), display,
                             g_strerror (saved));

          return fail (EXIT_FAILED, message);
        }
      cache = hn_disk_cache_new_full (opt_cache_dir, cache_max_bytes);
    }

  config = hn_runtime_config_new_full (NULL, executor, cache, (HnCallback **) callbacks->pdata,
                                       callbacks->len, (guint) retries, opt_timeout);
  start->pipeline = hn_pipeline_with_config (pipeline, config);
  start->inputs = hn_args_parse_inputs_full (start->pipeline, (const char * const *) argv + 3,
                                             mapped, opt_json ? hn_json_parse_value : NULL,
                                             &error);
  if (start->inputs == NULL)
    return fail_error (EXIT_USAGE, error);
  return 0;
}

/* The trace is written when the run ends; a failure to write it is reported here. */
static int
finish_trace (HnTraceCallback *trace,
              int              status)
{
  g_autoptr(GError) error = NULL;

  if (trace != NULL && !hn_trace_callback_write (trace, &error))
    return fail_error (EXIT_FAILED, error);
  return status;
}

/* A failed run or map, with a hint for a missing input: what the pipeline takes. */
static int
fail_run (HnPipeline *pipeline,
          GError     *error)
{
  const char * const *inputs = hn_pipeline_get_unfulfilled_inputs (pipeline);
  g_autoptr(GString) known = g_string_new (NULL);
  g_autofree char *message = NULL;

  if (!g_error_matches (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_MISSING_INPUT))
    return fail_error (EXIT_FAILED, error);
  for (guint i = 0; inputs[i] != NULL; i++)
    {
      g_autofree char *type = type_text (hn_args_input_type (pipeline, inputs[i]));
      g_string_append_printf (known, "%s%s: %s", i ? ", " : "", inputs[i], type);
    }
  message = g_strdup_printf (_("%s; give inputs as NAME=VALUE (this pipeline takes %s)"),
                             error->message, known->str);
  return fail (EXIT_FAILED, message);
}

/* The end of run and map: @result printed (each of its items for a map), or @error reported,
 * and the trace finished. Returns the exit status. */
static int
finish (RunStart *start,
        GVariant *result,
        GError   *error,
        gboolean  each_item)
{
  g_autoptr(GVariant) owned = result;

  if (result == NULL)
    return finish_trace (start->trace, fail_run (start->pipeline, error));
  if (!each_item)
    print_value (result);
  else
    for (gsize i = 0; i < g_variant_n_children (result); i++)
      {
        g_autoptr(GVariant) item = g_variant_get_child_value (result, i);
        print_value (item);
      }
  return finish_trace (start->trace, 0);
}

static int
cmd_run (int    argc,
         char **argv)
{
  g_auto(RunStart) start = { NULL, };
  g_autoptr(GError) error = NULL;
  GVariant *result;
  int status;

  if ((status = prepare (find_command ("run"), argv, NULL, &start)) != 0)
    return status;
  result = hn_pipeline_run (start.pipeline, start.inputs, (const char * const *) opt_outputs,
                            NULL, &error);
  return finish (&start, result, error, FALSE);
}

static int
cmd_map (int    argc,
         char **argv)
{
  const Command *command = find_command ("map");
  g_auto(RunStart) start = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) items = NULL;
  g_auto(GStrv) mapped = NULL;
  GVariant *result;
  int status;

  if ((opt_over == NULL) == (opt_items == NULL))
    return usage_error (command, _("map needs either --over NAME[,NAME...] or --items FILE"));
  if (opt_product && opt_items != NULL)
    return usage_error (command, _("--product combines the lists of --over, not --items"));
  if (opt_over != NULL)
    {
      mapped = hn_args_parse_names (opt_over, &error);
      if (mapped == NULL)
        return usage_error (command, error->message);
    }

  if ((status = prepare (command, argv, (const char * const *) mapped, &start)) != 0)
    return status;

  if (opt_items != NULL)
    {
      items = hn_json_read_items (start.pipeline, opt_items, &error);
      if (items == NULL)
        return fail_error (EXIT_FAILED, error);
      HnRuntimeConfig *config = hn_pipeline_get_config (start.pipeline);

      result = hn_executor_map_items (hn_runtime_config_get_executor (config), start.pipeline,
                                      items, start.inputs, NULL,
                                      (const char * const *) opt_outputs, NULL, &error);
    }
  else
    result = hn_pipeline_map (start.pipeline, start.inputs, (const char * const *) mapped,
                              opt_product ? HN_MAP_MODE_PRODUCT : HN_MAP_MODE_ZIP,
                              (const char * const *) opt_outputs, NULL, &error);
  return finish (&start, result, error, TRUE);
}

/* ---- graph ------------------------------------------------------------------------------- */

static gboolean
write_output (const char  *data,
              gsize        size,
              GError     **error)
{
  if (opt_output_file != NULL)
    return g_file_set_contents (opt_output_file, data, size, error);
  if (fwrite (data, 1, size, stdout) != size || fflush (stdout) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write the picture: %s"),
                   g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

/* @dot drawn by Graphviz as @format. */
static GBytes *
render (const char  *dot,
        const char  *format,
        GError     **error)
{
  g_autofree char *program = g_find_program_in_path ("dot");
  g_autofree char *flag = g_strdup_printf ("-T%s", format);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) input = g_bytes_new_static (dot, strlen (dot));
  g_autoptr(GBytes) out = NULL, err = NULL;

  if (program == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                   _("Graphviz is not installed: --format %s needs its dot program (apt install "
                     "graphviz); --format dot writes the DOT text without it"), format);
      return NULL;
    }
  process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                              G_SUBPROCESS_FLAGS_STDERR_PIPE, error, program, flag, NULL);
  if (process == NULL)
    return NULL;
  if (!g_subprocess_communicate (process, input, NULL, &out, &err, error))
    return NULL;
  if (!g_subprocess_get_successful (process))
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (err, NULL), g_bytes_get_size (err));

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Graphviz failed: %s"),
                   g_strstrip (text));
      return NULL;
    }
  return g_steal_pointer (&out);
}

static int
cmd_graph (int    argc,
           char **argv)
{
  const Command *command = find_command ("graph");
  g_autoptr(GError) error = NULL;
  g_autoptr(HnModule) module = NULL;
  g_autofree char *dot = NULL;
  const char *format = opt_format;
  HnPipeline *pipeline;
  HnDotFlags flags = HN_DOT_FLAGS_NONE;

  if (format == NULL && opt_output_file != NULL)
    {
      if (g_str_has_suffix (opt_output_file, ".svg"))
        format = "svg";
      else if (g_str_has_suffix (opt_output_file, ".png"))
        format = "png";
    }
  if (format == NULL)
    format = "dot";
  if (!g_str_equal (format, "dot") && !g_str_equal (format, "svg") && !g_str_equal (format, "png"))
    {
      g_autofree char *shown = hn_args_escape (format);
      g_autofree char *message =
        g_strdup_printf (_("Unknown format “%s”: use dot, svg or png"), shown);

      return usage_error (command, message);
    }

  module = load_module (argv[1], &error);
  if (module == NULL)
    return fail_error (EXIT_FAILED, error);
  pipeline = find_pipeline (module, argv[2], &error);
  if (pipeline == NULL)
    return fail_error (EXIT_FAILED, error);

  if (opt_collapse)
    flags |= HN_DOT_FLAGS_COLLAPSE_NESTED;
  if (opt_types)
    flags |= HN_DOT_FLAGS_TYPES;
  dot = hn_pipeline_to_dot (pipeline, flags);

  if (g_str_equal (format, "dot"))
    {
      if (!write_output (dot, strlen (dot), &error))
        return fail_error (EXIT_FAILED, error);
    }
  else
    {
      g_autoptr(GBytes) picture = render (dot, format, &error);

      if (picture == NULL ||
          !write_output (g_bytes_get_data (picture, NULL), g_bytes_get_size (picture), &error))
        return fail_error (EXIT_FAILED, error);
    }
  return 0;
}

/* ---- help and version -------------------------------------------------------------------- */

static int
cmd_help (int    argc,
          char **argv)
{
  const Command *command;
  g_autoptr(GOptionContext) context = NULL;
  g_autofree char *help = NULL;

  if (argc < 2)
    {
      print_usage (stdout);
      return 0;
    }
  command = find_command (argv[1]);
  if (command == NULL)
    {
      g_autofree char *shown = hn_args_escape (argv[1]);
      fprintf (stderr, _("hn: unknown command “%s” (see “hn help”)\n"), shown);
      return EXIT_USAGE;
    }
  context = command_context (command);
  help = g_option_context_get_help (context, TRUE, NULL);
  printf ("%s", help);
  return 0;
}

static int
cmd_version (int    argc,
             char **argv)
{
  printf ("hn (hypernodes) %s\n", PACKAGE_VERSION);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  const Command *command;
  guint n_args;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      print_usage (stderr);
      return EXIT_USAGE;
    }
  if (g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h") ||
      g_str_equal (argv[1], "-?"))
    {
      print_usage (stdout);
      return 0;
    }
  if (g_str_equal (argv[1], "--version"))
    return cmd_version (0, NULL);

  command = find_command (argv[1]);
  if (command == NULL)
    {
      g_autofree char *shown = hn_args_escape (argv[1]);

      fprintf (stderr, _("hn: unknown command “%s” (see “hn help”)\n"), shown);
      return EXIT_USAGE;
    }

  /* the command's own options; argv[0] becomes the command's name */
  context = command_context (command);
  argc--;
  argv++;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      if (error->domain == G_CONVERT_ERROR)
        g_prefix_error (&error, _("An option's value is not valid text: "));
      return usage_error (command, error->message);
    }

  n_args = (guint) argc - 1;
  if (n_args < command->min_args || n_args > command->max_args)
    {
      g_autofree char *message = NULL;

      if (n_args < command->min_args)
        message = g_strdup_printf (_("%s needs %s"), command->name, tr (command->parameters));
      else
        message = g_strdup_printf (_("too many arguments: %s takes %s"), command->name,
                                   tr (command->parameters));
      return usage_error (command, message);
    }
  return command->func (argc, argv);
}
