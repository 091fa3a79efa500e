/* hn-args.c: parsing of the hn tool's arguments
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "hn-args.h"

#define EXECUTORS "sequential, thread-pool[:N], async[:N], daft[:local|:ray[@ADDRESS]], " \
                  "dask[:SCHEDULER|@ADDRESS] or ray[@ADDRESS]"

/* How many characters of a name, path or value a message shows. */
#define HN_ARGS_SHOWN_MAX 200

/* @text made printable on one line: invalid UTF-8 shows as U+FFFD, control characters (a
 * newline too) as escapes, and past @max characters the rest is cut with a mark saying how
 * much was left out (@max 0: nothing is cut). */
static char *
escape_line (const char *text,
             gsize       max)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  GString *out = g_string_sized_new (MIN (strlen (valid), max > 0 ? max + 32 : G_MAXSIZE));
  gsize n = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (max > 0 && n == max)
        {
          glong rest = g_utf8_strlen (p, -1);

          g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE,
                                                    "… (%ld more character)",
                                                    "… (%ld more characters)", rest),
                                  rest);
          break;
        }
      if (g_unichar_iscntrl (c))
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

/* @text for an error message: invalid UTF-8 shows as U+FFFD, control characters as escapes,
 * and a long text is cut with a mark. */
char *
hn_args_escape (const char *text)
{
  return escape_line (text, HN_ARGS_SHOWN_MAX);
}

/* A whole message printed as one line: control characters escaped, very long messages cut. */
char *
hn_args_escape_message (const char *message)
{
  return escape_line (message, 4 * HN_ARGS_SHOWN_MAX + 200);
}

static gboolean
check_utf8 (const char  *text,
            const char  *what,
            GError     **error)
{
  g_autofree char *shown = NULL;

  if (g_utf8_validate (text, -1, NULL))
    return TRUE;
  shown = hn_args_escape (text);
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               _("The %s “%s” is not valid UTF-8"), what, shown);
  return FALSE;
}

static gboolean
parse_threads (const char  *spec,
               const char  *text,
               guint       *n,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  guint64 value = 0;

  if (!g_ascii_string_to_unsigned (text, 10, 0, 1024, &value, &local_error))
    {
      g_set_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_INVALID_CONFIG,
                   _("Invalid executor “%s”: the number of threads must be from 0 to 1024"),
                   spec);
      return FALSE;
    }
  *n = (guint) value;
  return TRUE;
}

/* sequential (the default, also for NULL), thread-pool[:N], async[:N], daft[:local|:ray[@ADDR]],
 * dask[:SCHEDULER|@ADDRESS], ray[@ADDRESS] */
HnExecutor *
hn_args_parse_executor (const char  *spec,
                        GError     **error)
{
  const char *colon;
  g_autofree char *kind = NULL;
  const char *arg;
  guint n = 0;

  if (spec == NULL)
    return hn_sequential_executor_new ();
  if (!check_utf8 (spec, "executor", error))
    return NULL;

  /* cluster addresses have colons of their own */
  if (g_str_has_prefix (spec, "dask@") || g_str_has_prefix (spec, "ray@"))
    {
      const char *address = strchr (spec, '@') + 1;

      if (*address == '\0')
        {
          g_set_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_INVALID_CONFIG,
                       _("Invalid executor “%s”: the address is missing, as in "
                         "dask@tcp://HOST:PORT or ray@HOST:PORT"), spec);
          return NULL;
        }
      if (spec[0] == 'd')
        return hn_dask_executor_new (HN_DASK_SCHEDULER_THREADS, address);
      return hn_ray_executor_new (address);
    }

  colon = strchr (spec, ':');
  kind = colon ? g_strndup (spec, colon - spec) : g_strdup (spec);
  arg = colon ? colon + 1 : NULL;

  if (g_str_equal (kind, "sequential") && arg == NULL)
    return hn_sequential_executor_new ();
  if (g_str_equal (kind, "thread-pool") || g_str_equal (kind, "async"))
    {
      if (arg != NULL && !parse_threads (spec, arg, &n, error))
        return NULL;
      return kind[0] == 't' ? hn_thread_pool_executor_new (n) : hn_async_executor_new (n);
    }
  if (g_str_equal (kind, "daft"))
    {
      const char *at = arg ? strchr (arg, '@') : NULL;
      g_autofree char *runner_name = NULL;
      HnDaftRunner runner;

      runner_name = at ? g_strndup (arg, at - arg) : g_strdup (arg ? arg : "local");
      if (!hn_daft_runner_from_string (runner_name, &runner, error))
        return NULL;
      if (at != NULL && (runner != HN_DAFT_RUNNER_RAY || at[1] == '\0'))
        {
          g_set_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_INVALID_CONFIG,
                       _("Invalid executor “%s”: an address follows only the ray runner, as "
                         "in daft:ray@HOST:PORT"), spec);
          return NULL;
        }
      return hn_daft_executor_new (runner, at ? at + 1 : NULL);
    }
  if (g_str_equal (kind, "dask"))
    {
      HnDaskScheduler scheduler = HN_DASK_SCHEDULER_THREADS;

      if (arg != NULL && !hn_dask_scheduler_from_string (arg, &scheduler, error))
        return NULL;
      return hn_dask_executor_new (scheduler, NULL);
    }
  if (g_str_equal (kind, "ray") && arg == NULL)
    return hn_ray_executor_new (NULL);

  {
    g_autofree char *shown = hn_args_escape (spec);

    g_set_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_INVALID_CONFIG,
                 _("Unknown executor “%s”: use %s"), shown, EXECUTORS);
  }
  return NULL;
}

gboolean
hn_args_check_names (const char * const  *names,
                     const char          *what,
                     GError             **error)
{
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      if (names[i][0] == '\0')
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, _("An empty %s name"),
                       what);
          return FALSE;
        }
      if (!check_utf8 (names[i], what, error))
        return FALSE;
    }
  return TRUE;
}

/* NAME[,NAME...]: the inputs of a map */
char **
hn_args_parse_names (const char  *list,
                     GError     **error)
{
  g_auto(GStrv) names = g_strsplit (list, ",", -1);

  if (names[0] == NULL)
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--over needs at least one input name"));
      return NULL;
    }
  if (!hn_args_check_names ((const char * const *) names, "input", error))
    return NULL;
  return g_steal_pointer (&names);
}

/* The type a root input is declared with by its first typed consumer, or NULL. */
const GVariantType *
hn_args_input_type (HnPipeline *pipeline,
                    const char *name)
{
  guint n_nodes = 0;
  HnNode **nodes;

  if (pipeline == NULL)
    return NULL;
  nodes = hn_pipeline_get_nodes (pipeline, &n_nodes);
  for (guint i = 0; i < n_nodes; i++)
    {
      const GVariantType *type = hn_node_get_input_type (nodes[i], name);

      if (type != NULL && g_variant_type_is_definite (type))
        return type;
    }
  return NULL;
}

/* GLib's GVariant text parser turns \uXXXX and \UXXXXXXXX escapes into characters without
 * checking them, and then fails with a critical on a surrogate or a code point past U+10FFFF:
 * refuse those escapes first. */
static gboolean
check_escapes (const char  *name,
               const char  *text,
               GError     **error)
{
  for (const char *p = text; *p != '\0'; p++)
    {
      guint digits;
      gunichar c = 0;

      if (p[0] != '\\')
        continue;
      if (p[1] != 'u' && p[1] != 'U')
        {
          if (p[1] != '\0')
            p++;       /* an escaped character, a backslash included */
          continue;
        }
      digits = p[1] == 'u' ? 4 : 8;
      for (guint i = 0; i < digits; i++)
        {
          if (!g_ascii_isxdigit (p[2 + i]))
            break;   /* not an escape the parser takes: it reports it itself */
          c = c * 16 + g_ascii_xdigit_value (p[2 + i]);
          if (i == digits - 1 && !g_unichar_validate (c))
            {
              g_autofree char *shown = hn_args_escape (name);

              g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                           _("Input “%s”: “%.*s” is not a character (a surrogate or past "
                             "U+10FFFF)"),
                           shown, (int) digits + 2, p);
              return FALSE;
            }
        }
    }
  return TRUE;
}

/* A word a user may have meant as a string: it starts with a letter and has no quotes or
 * brackets. */
gboolean
hn_args_is_bare_word (const char *text)
{
  if (!g_ascii_isalpha (text[0]))
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (strchr ("'\"[]{}()<>@", *p) != NULL)
      return FALSE;
  return TRUE;
}

static gboolean
is_string_type (const GVariantType *type)
{
  return type == NULL || g_variant_type_equal (type, G_VARIANT_TYPE_STRING) ||
         g_variant_type_equal (type, G_VARIANT_TYPE_OBJECT_PATH) ||
         g_variant_type_equal (type, G_VARIANT_TYPE_SIGNATURE);
}

/* @text as GVariant text, of @type when it is not NULL. */
GVariant *
hn_args_parse_value (const char          *name,
                     const GVariantType  *type,
                     const char          *text,
                     GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  GVariant *value;
  g_autofree char *shown = NULL;

  if (!check_escapes (name, text, error))
    return NULL;
  value = g_variant_parse (type, text, NULL, NULL, &local_error);
  if (value != NULL)
    return value;
  shown = hn_args_escape (name);
  if (hn_args_is_bare_word (text) && is_string_type (type))
    {
      g_autofree char *word = hn_args_escape (text);

      g_set_error (error, G_VARIANT_PARSE_ERROR, local_error->code,
                   _("Input “%s”: %s; strings need quotes: %s='%s'"), shown,
                   local_error->message, shown, word);
    }
  else if (type != NULL)
    {
      g_autofree char *type_string = g_variant_type_dup_string (type);

      g_set_error (error, G_VARIANT_PARSE_ERROR, local_error->code,
                   _("Input “%s”: %s; it takes a value of GVariant type “%s”"),
                   shown, local_error->message, type_string);
    }
  else
    g_set_error (error, G_VARIANT_PARSE_ERROR, local_error->code, _("Input “%s”: %s"), shown,
                 local_error->message);
  return NULL;
}

GVariant *
hn_args_parse_inputs (HnPipeline          *pipeline,
                      const char * const  *args,
                      const char * const  *mapped,
                      GError             **error)
{
  return hn_args_parse_inputs_full (pipeline, args, mapped, NULL, error);
}

/* NAME=VALUE...: VALUE is parsed by @parser (NULL: GVariant text) with the type @pipeline (may be
 * NULL) declares for NAME, or an array of it for the names in @mapped. */
GVariant *
hn_args_parse_inputs_full (HnPipeline          *pipeline,
                           const char * const  *args,
                           const char * const  *mapped,
                           HnArgsValueParser    parser,
                           GError             **error)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);

  if (parser == NULL)
    parser = hn_args_parse_value;
  for (guint i = 0; args[i] != NULL; i++)
    {
      const char *eq = strchr (args[i], '=');
      g_autofree char *name = NULL;
      g_autoptr(GVariantType) array = NULL;
      g_autoptr(GVariant) value = NULL;
      const GVariantType *type;

      if (!check_utf8 (args[i], "input", error))
        return NULL;
      if (eq == NULL || eq == args[i])
        {
          g_autofree char *shown = hn_args_escape (args[i]);

          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                       _("“%s” is not an input: write NAME=VALUE"), shown);
          return NULL;
        }
      name = g_strndup (args[i], eq - args[i]);
      type = hn_args_input_type (pipeline, name);
      if (type != NULL && mapped != NULL && g_strv_contains (mapped, name))
        type = array = g_variant_type_new_array (type);

      value = parser (name, type, eq + 1, error);
      if (value == NULL)
        return NULL;
      g_variant_dict_insert_value (&dict, name, value);
    }
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}
