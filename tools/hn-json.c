/* hn-json.c: JSON values for the hn tool
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "hn-args.h"
#include "hn-json.h"

static GVariant *
deserialize (JsonNode            *node,
             const GVariantType  *type,
             GError             **error)
{
  g_autofree char *signature = type ? g_variant_type_dup_string (type) : NULL;
  GVariant *value = json_gvariant_deserialize (node, signature, error);

  return value ? g_variant_ref_sink (value) : NULL;
}

/* An input value as JSON text, of @type when it is not NULL. */
GVariant *
hn_json_parse_value (const char          *name,
                     const GVariantType  *type,
                     const char          *text,
                     GError             **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  g_autofree char *shown = hn_args_escape (name);
  GVariant *value = NULL;

  if (json_parser_load_from_data (parser, text, -1, &local_error))
    value = deserialize (json_parser_get_root (parser), type, &local_error);
  if (value != NULL)
    return value;

  if (hn_args_is_bare_word (text))
    {
      g_autofree char *word = hn_args_escape (text);

      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   _("Input “%s”: %s; JSON strings need double quotes: %s='\"%s\"'"), shown,
                   local_error->message, shown, word);
    }
  else if (type != NULL)
    {
      g_autofree char *type_string = g_variant_type_dup_string (type);

      g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                   _("Input “%s”: %s; it takes a value of GVariant type “%s”"), shown,
                   local_error->message, type_string);
    }
  else
    g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                 _("Input “%s”: %s"), shown, local_error->message);
  return NULL;
}

/* The items of a map from a JSON Lines file: one object per line, each an `a{sv}` whose values
 * have the types @pipeline declares for them. Empty lines are skipped. */
GVariant *
hn_json_read_items (HnPipeline  *pipeline,
                    const char  *path,
                    GError     **error)
{
  g_autofree char *contents = NULL;
  g_autofree char *shown_path = hn_args_escape (path);
  g_auto(GStrv) lines = NULL;
  g_auto(GVariantBuilder) items = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("aa{sv}"));
  g_autoptr(GError) local_error = NULL;

  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code, _("Cannot read the items: %s"),
                   local_error->message);
      return NULL;
    }
  if (!g_utf8_validate (contents, -1, NULL))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                   _("%s: the items are not valid UTF-8"), shown_path);
      return NULL;
    }

  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_auto(GVariantDict) item = G_VARIANT_DICT_INIT (NULL);
      JsonObjectIter iter;
      const char *member;
      JsonNode *node;

      g_strstrip (lines[i]);
      if (lines[i][0] == '\0')
        continue;
      if (!json_parser_load_from_data (parser, lines[i], -1, &local_error))
        {
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                       "%s:%u: %s", shown_path, i + 1, local_error->message);
          return NULL;
        }
      if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
        {
          g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                       _("%s:%u: an item is a JSON object of inputs, as in {\"x\": 5}"),
                       shown_path, i + 1);
          return NULL;
        }
      json_object_iter_init (&iter, json_node_get_object (json_parser_get_root (parser)));
      while (json_object_iter_next (&iter, &member, &node))
        {
          g_autoptr(GVariant) value =
            deserialize (node, hn_args_input_type (pipeline, member), &local_error);

          if (value == NULL)
            {
              g_autofree char *shown = hn_args_escape (member);

              g_set_error (error, JSON_PARSER_ERROR, JSON_PARSER_ERROR_INVALID_DATA,
                           _("%s:%u: input “%s”: %s"), shown_path, i + 1, shown,
                           local_error->message);
              return NULL;
            }
          g_variant_dict_insert_value (&item, member, value);
        }
      g_variant_builder_add_value (&items, g_variant_dict_end (&item));
    }
  return g_variant_ref_sink (g_variant_builder_end (&items));
}

/* @value as one line of JSON. */
char *
hn_json_print (GVariant *value)
{
  g_autoptr(JsonNode) node = json_gvariant_serialize (value);

  return json_to_string (node, FALSE);
}
