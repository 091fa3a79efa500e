/* hn-daft-executor.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "hn-daft-executor.h"
#include "hn-engine-executor-private.h"
#include "hn-error.h"

/**
 * HnDaftExecutor:
 *
 * Runs pipelines as [Daft](https://www.getdaft.io) DataFrames: Daft is how the pipeline runs,
 * the runner is where: in this process ([enum@DaftRunner.LOCAL], Daft's native runner) or on a
 * Ray cluster ([enum@DaftRunner.RAY]).
 *
 * Each node becomes a Daft UDF; a run is a one-row DataFrame (row UDFs) and a map is one
 * DataFrame with a row per item (batch UDFs, which hand Python a batch of rows at a time), so
 * Daft parallelizes the items. Requested outputs prune the plan. Port types
 * become Daft dtypes (`x` is Int64, `s` Utf8, `as` List[Utf8], ...); untyped ports carry
 * serialized GVariants as Binary.
 *
 * Daft is driven through Python: the executor needs the Python bridge of this library, Python
 * with the `daft` package and, for [enum@DaftRunner.RAY], `ray`. When one is missing, runs fail
 * with [error@ExecutorError.ENGINE_MISSING] naming what to install; constructing the executor
 * always works. In a C program the interpreter is [property@DaftExecutor:python] (a virtualenv's
 * `bin/python`), or `$HN_PYTHON`; in a Python program, the running interpreter.
 *
 * On the Ray runner nodes run in Ray worker processes: nodes written in Python travel by
 * cloudpickle, C nodes by the name of their [class@Module]. A C node made in this process only
 * cannot travel, and the run fails with [error@ExecutorError.NOT_SHIPPABLE] naming it.
 *
 * Daft allows one runner per process: once a Daft executor has run with one runner, running one
 * with the other fails with [error@ExecutorError.RUNNER_CONFLICT].
 */

struct _HnDaftExecutor
{
  GObject       parent_instance;
  HnDaftRunner  runner;
  char             *ray_address;
  gboolean          collect;
  gboolean          show_plan;
  HnEngineSettings  engine;
};

enum {
  PROP_0,
  PROP_RUNNER,
  PROP_RAY_ADDRESS,
  PROP_COLLECT,
  PROP_SHOW_PLAN,
  PROP_ENGINE,
  N_PROPS = PROP_ENGINE + HN_ENGINE_N_PROPS
};

static GParamSpec *properties[PROP_ENGINE];

G_DEFINE_ENUM_TYPE (HnDaftRunner, hn_daft_runner,
  G_DEFINE_ENUM_VALUE (HN_DAFT_RUNNER_LOCAL, "local"),
  G_DEFINE_ENUM_VALUE (HN_DAFT_RUNNER_RAY, "ray"))

G_DEFINE_FINAL_TYPE_WITH_CODE (HnDaftExecutor, hn_daft_executor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_EXECUTOR,
                                                      _hn_engine_executor_iface_init))

static void
hn_daft_executor_finalize (GObject *object)
{
  HnDaftExecutor *self = HN_DAFT_EXECUTOR (object);

  g_clear_pointer (&self->ray_address, g_free);
  _hn_engine_settings_clear (&self->engine);

  G_OBJECT_CLASS (hn_daft_executor_parent_class)->finalize (object);
}

static void
hn_daft_executor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HnDaftExecutor *self = HN_DAFT_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_RUNNER:
      g_value_set_enum (value, self->runner);
      break;

    case PROP_RAY_ADDRESS:
      g_value_set_string (value, self->ray_address);
      break;

    case PROP_COLLECT:
      g_value_set_boolean (value, self->collect);
      break;

    case PROP_SHOW_PLAN:
      g_value_set_boolean (value, self->show_plan);
      break;

    default:
      if (!_hn_engine_get_property (&self->engine, PROP_ENGINE, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_daft_executor_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HnDaftExecutor *self = HN_DAFT_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_RUNNER:
      self->runner = g_value_get_enum (value);
      break;

    case PROP_RAY_ADDRESS:
      g_free (self->ray_address);
      self->ray_address = g_value_dup_string (value);
      break;

    case PROP_COLLECT:
      self->collect = g_value_get_boolean (value);
      break;

    case PROP_SHOW_PLAN:
      self->show_plan = g_value_get_boolean (value);
      break;

    default:
      if (!_hn_engine_set_property (&self->engine, PROP_ENGINE, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_daft_executor_class_init (HnDaftExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = hn_daft_executor_finalize;
  object_class->get_property = hn_daft_executor_get_property;
  object_class->set_property = hn_daft_executor_set_property;

  /**
   * HnDaftExecutor:runner:
   *
   * Where Daft runs: in this process, or on Ray.
   */
  properties[PROP_RUNNER] =
    g_param_spec_enum ("runner", NULL, NULL,
                       HN_TYPE_DAFT_RUNNER, HN_DAFT_RUNNER_LOCAL,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnDaftExecutor:ray-address:
   *
   * The address of the Ray cluster for [enum@DaftRunner.RAY], such as `ray://host:10001` or
   * `127.0.0.1:6379`. %NULL starts or joins a local cluster, as `ray.init()` does.
   */
  properties[PROP_RAY_ADDRESS] =
    g_param_spec_string ("ray-address", NULL, NULL, NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnDaftExecutor:collect:
   *
   * Whether results are collected into one table before they are returned (the default).
   * %FALSE streams them row by row out of Daft instead, which keeps less in memory for a large
   * map; the results are the same.
   */
  properties[PROP_COLLECT] =
    g_param_spec_boolean ("collect", NULL, NULL, TRUE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnDaftExecutor:show-plan:
   *
   * Whether to print Daft's plan of each DataFrame to standard output before it runs.
   */
  properties[PROP_SHOW_PLAN] =
    g_param_spec_boolean ("show-plan", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnDaftExecutor:debug:
   *
   * Whether to log what the executor does (UDFs, dtypes, runner) with g_debug(), in the
   * `Hn-Daft` log domain.
   */
  /**
   * HnDaftExecutor:python:
   *
   * The Python interpreter to embed when the program is not already running Python, typically a
   * virtualenv's `bin/python` that has Daft installed. %NULL means `$HN_PYTHON`, then the
   * system's Python. Ignored in a Python program.
   */
  /**
   * HnDaftExecutor:connect-timeout:
   *
   * How long, in seconds, to wait for the Ray cluster at [property@DaftExecutor:ray-address]
   * before the run fails with [error@ExecutorError.ENGINE_FAILED].
   */

  g_object_class_install_properties (object_class, PROP_ENGINE, properties);
  _hn_engine_class_init (object_class, "daft", PROP_ENGINE);
}

static void
hn_daft_executor_init (HnDaftExecutor *self)
{
  self->collect = TRUE;
  _hn_engine_settings_init (&self->engine);
}

/**
 * hn_daft_executor_new:
 * @runner: where Daft runs
 * @ray_address: (nullable): the Ray cluster for [enum@DaftRunner.RAY], or %NULL
 *
 * Creates a Daft executor. Use g_object_new() for the other properties.
 *
 * Returns: (transfer full) (type HnDaftExecutor): a new [class@DaftExecutor]
 */
HnExecutor *
hn_daft_executor_new (HnDaftRunner  runner,
                      const char   *ray_address)
{
  return g_object_new (HN_TYPE_DAFT_EXECUTOR,
                       "runner", runner,
                       "ray-address", ray_address,
                       NULL);
}

/**
 * hn_daft_runner_from_string:
 * @name: a runner name, `local` or `ray`
 * @runner: (out): return location for the runner
 * @error: return location for a [struct@GLib.Error]
 *
 * Parses the name of a runner, as configuration files and the command line give it.
 *
 * Returns: %TRUE on success; %FALSE with [error@ExecutorError.INVALID_CONFIG] for an unknown name
 */
gboolean
hn_daft_runner_from_string (const char    *name,
                            HnDaftRunner  *runner,
                            GError       **error)
{
  g_return_val_if_fail (runner != NULL, FALSE);

  if (g_strcmp0 (name, "local") == 0)
    *runner = HN_DAFT_RUNNER_LOCAL;
  else if (g_strcmp0 (name, "ray") == 0)
    *runner = HN_DAFT_RUNNER_RAY;
  else
    {
      g_set_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_INVALID_CONFIG,
                   _("Invalid Daft runner “%s”: must be “local” or “ray”"),
                   name ? name : "(null)");
      return FALSE;
    }
  return TRUE;
}

/**
 * hn_daft_runner_to_string:
 * @runner: a runner
 *
 * Gives the name of a runner, as configuration files and the command line use it.
 *
 * Returns: the name of @runner, `local` or `ray`
 */
const char *
hn_daft_runner_to_string (HnDaftRunner runner)
{
  return runner == HN_DAFT_RUNNER_RAY ? "ray" : "local";
}

/**
 * hn_daft_executor_get_runner:
 * @self: a [class@DaftExecutor]
 *
 * Gets the runner.
 *
 * Returns: where Daft runs
 */
HnDaftRunner
hn_daft_executor_get_runner (HnDaftExecutor *self)
{
  g_return_val_if_fail (HN_IS_DAFT_EXECUTOR (self), HN_DAFT_RUNNER_LOCAL);
  return self->runner;
}

/**
 * hn_daft_executor_get_ray_address:
 * @self: a [class@DaftExecutor]
 *
 * Gets the ray address.
 *
 * Returns: (nullable): the Ray cluster address
 */
const char *
hn_daft_executor_get_ray_address (HnDaftExecutor *self)
{
  g_return_val_if_fail (HN_IS_DAFT_EXECUTOR (self), NULL);
  return self->ray_address;
}

/**
 * hn_daft_executor_get_collect:
 * @self: a [class@DaftExecutor]
 *
 * Gets the collect.
 *
 * Returns: whether results are collected before they are returned
 */
gboolean
hn_daft_executor_get_collect (HnDaftExecutor *self)
{
  g_return_val_if_fail (HN_IS_DAFT_EXECUTOR (self), TRUE);
  return self->collect;
}

/**
 * hn_daft_executor_get_show_plan:
 * @self: a [class@DaftExecutor]
 *
 * Gets the show plan.
 *
 * Returns: whether Daft's plans are printed
 */
gboolean
hn_daft_executor_get_show_plan (HnDaftExecutor *self)
{
  g_return_val_if_fail (HN_IS_DAFT_EXECUTOR (self), FALSE);
  return self->show_plan;
}

/**
 * hn_daft_executor_get_debug:
 * @self: a [class@DaftExecutor]
 *
 * Gets the debug.
 *
 * Returns: whether the executor logs what it does
 */
gboolean
hn_daft_executor_get_debug (HnDaftExecutor *self)
{
  g_return_val_if_fail (HN_IS_DAFT_EXECUTOR (self), FALSE);
  return self->engine.debug;
}

/**
 * hn_daft_executor_get_connect_timeout:
 * @self: a [class@DaftExecutor]
 *
 * Gets how long a run on [enum@DaftRunner.RAY] waits for the cluster.
 *
 * Returns: the time in seconds
 */
guint
hn_daft_executor_get_connect_timeout (HnDaftExecutor *self)
{
  g_return_val_if_fail (HN_IS_DAFT_EXECUTOR (self), HN_ENGINE_DEFAULT_CONNECT_TIMEOUT);
  return self->engine.connect_timeout;
}
