/* hn-engine-executor.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "hn-engine-executor-private.h"
#include "hn-python-private.h"
#include "hn-run-private.h"

static GQuark
engine_quark (void)
{
  return g_quark_from_static_string ("hn-engine-name");
}

/* The properties are documented in the .c of each class, under its own name. */
void
_hn_engine_class_init (GObjectClass *klass,
                       const char   *engine,
                       guint         first_prop_id)
{
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  g_assert (engine != NULL);

  g_type_set_qdata (G_OBJECT_CLASS_TYPE (klass), engine_quark (), (gpointer) engine);
  g_object_class_install_property (klass, first_prop_id + HN_ENGINE_PROP_PYTHON,
                                   g_param_spec_string ("python", NULL, NULL, NULL, flags));
  g_object_class_install_property (klass, first_prop_id + HN_ENGINE_PROP_DEBUG,
                                   g_param_spec_boolean ("debug", NULL, NULL, FALSE, flags));
  g_object_class_install_property (klass, first_prop_id + HN_ENGINE_PROP_CONNECT_TIMEOUT,
                                   g_param_spec_uint ("connect-timeout", NULL, NULL, 1, 3600,
                                                      HN_ENGINE_DEFAULT_CONNECT_TIMEOUT, flags));
}

static GVariant *
hn_engine_executor_execute (HnExecutor  *executor,
                            HnRun       *run,
                            GError     **error)
{
  const char *engine = g_type_get_qdata (G_OBJECT_TYPE (executor), engine_quark ());

  GVariant *result;

  g_assert (engine != NULL);
  result = _hn_python_run_engine (engine, G_OBJECT (executor), run, error);
  /* the glue gave the results as values (hn_run_set_result_values()): the caller of a run
   * made with values takes them as they are, any other caller gets data */
  if (result != NULL && _hn_run_has_kept (run) && !run->keep)
    {
      g_variant_unref (result);
      result = _hn_run_take_kept_as_data (run, error);
    }
  else if (result != NULL && !_hn_run_has_kept (run) && hn_run_is_map (run) &&
           !g_variant_is_of_type (result, G_VARIANT_TYPE ("aa{sv}")))
    {
      g_clear_pointer (&result, g_variant_unref);
      g_set_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_ENGINE_FAILED,
                   _("The %s glue returned no results for the map"), engine);
    }
  return result;
}

void
_hn_engine_executor_iface_init (HnExecutorInterface *iface)
{
  iface->run = hn_engine_executor_execute;
  iface->map = hn_engine_executor_execute;
}

void
_hn_engine_settings_init (HnEngineSettings *settings)
{
  settings->python = NULL;
  settings->debug = FALSE;
  settings->connect_timeout = HN_ENGINE_DEFAULT_CONNECT_TIMEOUT;
}

void
_hn_engine_settings_clear (HnEngineSettings *settings)
{
  g_clear_pointer (&settings->python, g_free);
}

gboolean
_hn_engine_get_property (HnEngineSettings *settings,
                         guint             first_prop_id,
                         guint             prop_id,
                         GValue           *value)
{
  if (prop_id < first_prop_id)
    return FALSE;

  switch (prop_id - first_prop_id)
    {
    case HN_ENGINE_PROP_PYTHON:
      g_value_set_string (value, settings->python);
      return TRUE;

    case HN_ENGINE_PROP_DEBUG:
      g_value_set_boolean (value, settings->debug);
      return TRUE;

    case HN_ENGINE_PROP_CONNECT_TIMEOUT:
      g_value_set_uint (value, settings->connect_timeout);
      return TRUE;

    default:
      return FALSE;
    }
}

gboolean
_hn_engine_set_property (HnEngineSettings *settings,
                         guint             first_prop_id,
                         guint             prop_id,
                         const GValue     *value)
{
  if (prop_id < first_prop_id)
    return FALSE;

  switch (prop_id - first_prop_id)
    {
    case HN_ENGINE_PROP_PYTHON:
      g_free (settings->python);
      settings->python = g_value_dup_string (value);
      return TRUE;

    case HN_ENGINE_PROP_DEBUG:
      settings->debug = g_value_get_boolean (value);
      return TRUE;

    case HN_ENGINE_PROP_CONNECT_TIMEOUT:
      settings->connect_timeout = g_value_get_uint (value);
      return TRUE;

    default:
      return FALSE;
    }
}
