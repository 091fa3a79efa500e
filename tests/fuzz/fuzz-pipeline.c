/* fuzz-pipeline.c: pipeline construction from random node and port specs
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * Input: one node per line, NAME|INPUTS|INPUT_TYPES|OUTPUTS|OUTPUT_TYPES, lists comma-separated;
 * a missing types field declares no types. A pipeline that builds is described (order, required
 * inputs), run with every root input set to 1, then mapped over its first root input.
 */

#include <string.h>
#include <hypernodes/hypernodes.h>

#include "fuzz-common.h"

#define MAX_NODES 64

static GVariant *
constant (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  guint n_outputs = GPOINTER_TO_UINT (user_data);
  g_autofree GVariant **members = NULL;

  if (n_outputs == 1)
    return g_variant_new_int64 (n_args);
  members = g_new (GVariant *, n_outputs);
  for (guint i = 0; i < n_outputs; i++)
    members[i] = g_variant_new_int64 (i);
  return g_variant_new_tuple (members, n_outputs);
}

static char **
list (char **fields,
      guint  i)
{
  return g_strsplit (fields[i] != NULL ? fields[i] : "", ",", -1);
}

static HnNode *
parse_node (const char *line)
{
  g_auto(GStrv) fields = g_strsplit (line, "|", 5);
  g_auto(GStrv) inputs = NULL, outputs = NULL, input_types = NULL, output_types = NULL;

  if (fields[0] == NULL)
    return NULL;
  inputs = list (fields, 1);
  input_types = fields[1] && fields[2] ? list (fields, 2) : NULL;
  outputs = fields[1] && fields[2] ? list (fields, 3) : g_new0 (char *, 1);
  output_types = fields[1] && fields[2] && fields[3] && fields[4] ? list (fields, 4) : NULL;
  return hn_function_node_new_full (fields[0], (const char * const *) inputs,
                                    (const char * const *) input_types,
                                    (const char * const *) outputs,
                                    (const char * const *) output_types, constant,
                                    GUINT_TO_POINTER (g_strv_length (outputs)), NULL);
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  fuzz_init ();
  return 0;
}

static void
run (HnPipeline *pipeline)
{
  const char * const *roots = hn_pipeline_get_root_inputs (pipeline);
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) inputs = NULL;
  g_autoptr(GVariant) result = NULL;
  g_autoptr(GVariant) items = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; roots[i] != NULL; i++)
    g_variant_dict_insert_value (&dict, roots[i], g_variant_new_int64 (1));
  inputs = g_variant_ref_sink (g_variant_dict_end (&dict));
  result = hn_pipeline_run (pipeline, inputs, NULL, NULL, &error);
  fuzz_check_error (result != NULL, error, "run");
  g_clear_error (&error);

  if (roots[0] != NULL)
    {
      const char *over[] = { roots[0], NULL };
      GVariant *two[] = { g_variant_new_int64 (1), g_variant_new_int64 (2) };
      g_auto(GVariantDict) mapped = G_VARIANT_DICT_INIT (inputs);
      g_autoptr(GVariant) map_inputs = NULL;

      g_variant_dict_insert_value (&mapped, roots[0],
                                   g_variant_new_array (G_VARIANT_TYPE_INT64, two, 2));
      map_inputs = g_variant_ref_sink (g_variant_dict_end (&mapped));
      items = hn_pipeline_map (pipeline, map_inputs, over, HN_MAP_MODE_ZIP, NULL, NULL, &error);
      fuzz_check_error (items != NULL, error, "map");
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = g_strsplit (text, "\n", MAX_NODES + 1);
  g_autoptr(GPtrArray) nodes = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(HnPipeline) pipeline = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; lines[i] != NULL && i < MAX_NODES; i++)
    {
      HnNode *node = parse_node (lines[i]);

      if (node != NULL)
        g_ptr_array_add (nodes, node);
    }

  pipeline = hn_pipeline_new ((HnNode **) nodes->pdata, nodes->len, &error);
  fuzz_check_error (pipeline != NULL, error, "hn_pipeline_new");
  if (pipeline == NULL)
    return 0;

  {
    const char * const *order = hn_pipeline_get_topological_order (pipeline);
    g_auto(GStrv) required = hn_pipeline_get_required_inputs (pipeline, NULL, &error);

    if (g_strv_length ((char **) order) != nodes->len)
      g_error ("the order has %u nodes, not %u", g_strv_length ((char **) order), nodes->len);
    fuzz_check_error (required != NULL, error, "get_required_inputs");
    g_clear_error (&error);
  }
  run (pipeline);
  return 0;
}
