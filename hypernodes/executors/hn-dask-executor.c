/* hn-dask-executor.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "hn-dask-executor.h"
#include "hn-engine-executor-private.h"
#include "hn-error.h"

/**
 * HnDaskExecutor:
 *
 * Runs pipelines with [Dask](https://www.dask.org), on a local scheduler
 * ([property@DaskExecutor:scheduler]) or on the Dask cluster at
 * [property@DaskExecutor:scheduler-address].
 *
 * On the local schedulers a run is a Dask graph of one task per node, named after the node, so
 * that independent nodes run in parallel; a map runs the items in chunks, in parallel. The
 * [enum@DaskScheduler.SYNCHRONOUS] and [enum@DaskScheduler.THREADS] schedulers call the nodes of
 * this process; [enum@DaskScheduler.PROCESSES] runs them in a pool of worker processes that the
 * executor starts once and keeps for its life.
 *
 * On a cluster every dependent task costs milliseconds, so a run is one task that runs the
 * whole plan in a worker, and a map is one task per chunk of items, with the inputs the items
 * share sent to the cluster once.
 *
 * In worker processes (the process pool, a cluster) nodes written in Python travel by
 * cloudpickle, C nodes by the name of their [class@Module]; a C node made in this process only
 * cannot travel, and the run fails with [error@ExecutorError.NOT_SHIPPABLE] naming it. Node
 * errors name the node and the item, as on the built-in executors. A scheduler that cannot be
 * reached fails within [property@DaskExecutor:connect-timeout] with
 * [error@ExecutorError.ENGINE_FAILED].
 *
 * Dask is driven through Python: the executor needs the Python bridge of this library and Python
 * with `dask` (and `distributed` for a cluster) and `cloudpickle`, or runs fail with
 * [error@ExecutorError.ENGINE_MISSING] naming what to install.
 */

struct _HnDaskExecutor
{
  GObject           parent_instance;
  HnDaskScheduler   scheduler;
  char             *scheduler_address;
  guint             n_workers;
  guint             chunk_size;
  guint             retries;
  HnEngineSettings  engine;
};

enum {
  PROP_0,
  PROP_SCHEDULER,
  PROP_SCHEDULER_ADDRESS,
  PROP_N_WORKERS,
  PROP_CHUNK_SIZE,
  PROP_RETRIES,
  PROP_ENGINE,
  N_PROPS = PROP_ENGINE + HN_ENGINE_N_PROPS
};

static GParamSpec *properties[PROP_ENGINE];

G_DEFINE_ENUM_TYPE (HnDaskScheduler, hn_dask_scheduler,
  G_DEFINE_ENUM_VALUE (HN_DASK_SCHEDULER_SYNCHRONOUS, "synchronous"),
  G_DEFINE_ENUM_VALUE (HN_DASK_SCHEDULER_THREADS, "threads"),
  G_DEFINE_ENUM_VALUE (HN_DASK_SCHEDULER_PROCESSES, "processes"))

G_DEFINE_FINAL_TYPE_WITH_CODE (HnDaskExecutor, hn_dask_executor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_EXECUTOR,
                                                      _hn_engine_executor_iface_init))

static void
hn_dask_executor_finalize (GObject *object)
{
  HnDaskExecutor *self = HN_DASK_EXECUTOR (object);

  g_clear_pointer (&self->scheduler_address, g_free);
  _hn_engine_settings_clear (&self->engine);

  G_OBJECT_CLASS (hn_dask_executor_parent_class)->finalize (object);
}

static void
hn_dask_executor_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HnDaskExecutor *self = HN_DASK_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_SCHEDULER:
      g_value_set_enum (value, self->scheduler);
      break;

    case PROP_SCHEDULER_ADDRESS:
      g_value_set_string (value, self->scheduler_address);
      break;

    case PROP_N_WORKERS:
      g_value_set_uint (value, self->n_workers);
      break;

    case PROP_CHUNK_SIZE:
      g_value_set_uint (value, self->chunk_size);
      break;

    case PROP_RETRIES:
      g_value_set_uint (value, self->retries);
      break;

    default:
      if (!_hn_engine_get_property (&self->engine, PROP_ENGINE, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_dask_executor_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HnDaskExecutor *self = HN_DASK_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_SCHEDULER:
      self->scheduler = g_value_get_enum (value);
      break;

    case PROP_SCHEDULER_ADDRESS:
      g_free (self->scheduler_address);
      self->scheduler_address = g_value_dup_string (value);
      break;

    case PROP_N_WORKERS:
      self->n_workers = g_value_get_uint (value);
      break;

    case PROP_CHUNK_SIZE:
      self->chunk_size = g_value_get_uint (value);
      break;

    case PROP_RETRIES:
      self->retries = g_value_get_uint (value);
      break;

    default:
      if (!_hn_engine_set_property (&self->engine, PROP_ENGINE, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_dask_executor_class_init (HnDaskExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hn_dask_executor_finalize;
  object_class->get_property = hn_dask_executor_get_property;
  object_class->set_property = hn_dask_executor_set_property;

  /**
   * HnDaskExecutor:scheduler:
   *
   * The local scheduler, used when [property@DaskExecutor:scheduler-address] is %NULL.
   */
  properties[PROP_SCHEDULER] =
    g_param_spec_enum ("scheduler", NULL, NULL, HN_TYPE_DASK_SCHEDULER,
                       HN_DASK_SCHEDULER_THREADS, flags);

  /**
   * HnDaskExecutor:scheduler-address:
   *
   * The address of the scheduler of a running Dask cluster, such as `tcp://127.0.0.1:8786`.
   * %NULL runs on the local [property@DaskExecutor:scheduler].
   */
  properties[PROP_SCHEDULER_ADDRESS] =
    g_param_spec_string ("scheduler-address", NULL, NULL, NULL, flags);

  /**
   * HnDaskExecutor:n-workers:
   *
   * The threads or processes of a local scheduler (0: as many as processors). A cluster has
   * its own workers.
   */
  properties[PROP_N_WORKERS] =
    g_param_spec_uint ("n-workers", NULL, NULL, 0, 4096, 0, flags);

  /**
   * HnDaskExecutor:chunk-size:
   *
   * The items of a map in one task. 0 chooses about n / (workers × 20) for n items, so that
   * every worker gets about twenty tasks.
   */
  properties[PROP_CHUNK_SIZE] =
    g_param_spec_uint ("chunk-size", NULL, NULL, 0, G_MAXUINT, 0, flags);

  /**
   * HnDaskExecutor:retries:
   *
   * How many times a cluster runs a failed task again. Node errors are not retried here:
   * [property@RuntimeConfig:retries] does that; a task whose worker died is run again by the
   * scheduler in any case, until Dask gives up on it (`KilledWorker`).
   */
  properties[PROP_RETRIES] =
    g_param_spec_uint ("retries", NULL, NULL, 0, 1000, 0, flags);

  /**
   * HnDaskExecutor:python:
   *
   * The Python interpreter to embed when the program is not already running Python, typically a
   * virtualenv's `bin/python` that has Dask installed. %NULL means `$HN_PYTHON`, then the
   * system's Python. Ignored in a Python program.
   */

  /**
   * HnDaskExecutor:debug:
   *
   * Whether to log what the executor does (graphs, chunks, cluster) with g_debug(), in the
   * `Hn-Dask` log domain.
   */

  /**
   * HnDaskExecutor:connect-timeout:
   *
   * How long, in seconds, to wait for the scheduler at
   * [property@DaskExecutor:scheduler-address] before the run fails with
   * [error@ExecutorError.ENGINE_FAILED].
   */

  g_object_class_install_properties (object_class, PROP_ENGINE, properties);
  _hn_engine_class_init (object_class, "dask", PROP_ENGINE);
}

static void
hn_dask_executor_init (HnDaskExecutor *self)
{
  self->scheduler = HN_DASK_SCHEDULER_THREADS;
  _hn_engine_settings_init (&self->engine);
}

/**
 * hn_dask_executor_new:
 * @scheduler: the local scheduler
 * @scheduler_address: (nullable): the scheduler of a Dask cluster, or %NULL to run locally
 *
 * Creates a Dask executor. Use g_object_new() for the other properties.
 *
 * Returns: (transfer full) (type HnDaskExecutor): a new [class@DaskExecutor]
 */
HnExecutor *
hn_dask_executor_new (HnDaskScheduler  scheduler,
                      const char      *scheduler_address)
{
  return g_object_new (HN_TYPE_DASK_EXECUTOR,
                       "scheduler", scheduler,
                       "scheduler-address", scheduler_address,
                       NULL);
}

/**
 * hn_dask_scheduler_from_string:
 * @name: a scheduler name, `synchronous`, `threads` or `processes`
 * @scheduler: (out): return location for the scheduler
 * @error: return location for a [struct@GLib.Error]
 *
 * Parses the name of a local Dask scheduler, as the command line gives it.
 *
 * Returns: %TRUE on success; %FALSE with [error@ExecutorError.INVALID_CONFIG] for an unknown name
 */
gboolean
hn_dask_scheduler_from_string (const char       *name,
                               HnDaskScheduler  *scheduler,
                               GError          **error)
{
  g_autoptr(GEnumClass) klass = g_type_class_ref (HN_TYPE_DASK_SCHEDULER);
  GEnumValue *value;

  g_return_val_if_fail (scheduler != NULL, FALSE);

  value = name ? g_enum_get_value_by_nick (klass, name) : NULL;
  if (value == NULL)
    {
      g_set_error (error, HN_EXECUTOR_ERROR, HN_EXECUTOR_ERROR_INVALID_CONFIG,
                   _("Invalid Dask scheduler “%s”: must be “synchronous”, “threads” or "
                     "“processes”"), name ? name : "(null)");
      return FALSE;
    }
  *scheduler = value->value;
  return TRUE;
}

/**
 * hn_dask_scheduler_to_string:
 * @scheduler: a scheduler
 *
 * Gives the name of a local Dask scheduler, as the command line uses it.
 *
 * Returns: the name of @scheduler, `synchronous`, `threads` or `processes`
 */
const char *
hn_dask_scheduler_to_string (HnDaskScheduler scheduler)
{
  switch (scheduler)
    {
    case HN_DASK_SCHEDULER_SYNCHRONOUS:
      return "synchronous";
    case HN_DASK_SCHEDULER_PROCESSES:
      return "processes";
    case HN_DASK_SCHEDULER_THREADS:
    default:
      return "threads";
    }
}

/**
 * hn_dask_executor_get_scheduler:
 * @self: a [class@DaskExecutor]
 *
 * Gets the local scheduler.
 *
 * Returns: the scheduler used without a cluster
 */
HnDaskScheduler
hn_dask_executor_get_scheduler (HnDaskExecutor *self)
{
  g_return_val_if_fail (HN_IS_DASK_EXECUTOR (self), HN_DASK_SCHEDULER_THREADS);
  return self->scheduler;
}

/**
 * hn_dask_executor_get_scheduler_address:
 * @self: a [class@DaskExecutor]
 *
 * Gets the address of the cluster's scheduler.
 *
 * Returns: (nullable): the address, or %NULL to run locally
 */
const char *
hn_dask_executor_get_scheduler_address (HnDaskExecutor *self)
{
  g_return_val_if_fail (HN_IS_DASK_EXECUTOR (self), NULL);
  return self->scheduler_address;
}

/**
 * hn_dask_executor_get_n_workers:
 * @self: a [class@DaskExecutor]
 *
 * Gets the threads or processes of a local scheduler.
 *
 * Returns: the workers, 0 for as many as processors
 */
guint
hn_dask_executor_get_n_workers (HnDaskExecutor *self)
{
  g_return_val_if_fail (HN_IS_DASK_EXECUTOR (self), 0);
  return self->n_workers;
}

/**
 * hn_dask_executor_get_chunk_size:
 * @self: a [class@DaskExecutor]
 *
 * Gets the items of a map in one task.
 *
 * Returns: the chunk size, 0 for the default
 */
guint
hn_dask_executor_get_chunk_size (HnDaskExecutor *self)
{
  g_return_val_if_fail (HN_IS_DASK_EXECUTOR (self), 0);
  return self->chunk_size;
}

/**
 * hn_dask_executor_get_retries:
 * @self: a [class@DaskExecutor]
 *
 * Gets how many times a cluster runs a failed task again.
 *
 * Returns: the retries of a task
 */
guint
hn_dask_executor_get_retries (HnDaskExecutor *self)
{
  g_return_val_if_fail (HN_IS_DASK_EXECUTOR (self), 0);
  return self->retries;
}

/**
 * hn_dask_executor_get_debug:
 * @self: a [class@DaskExecutor]
 *
 * Gets whether the executor logs what it does.
 *
 * Returns: whether the executor logs in the `Hn-Dask` domain
 */
gboolean
hn_dask_executor_get_debug (HnDaskExecutor *self)
{
  g_return_val_if_fail (HN_IS_DASK_EXECUTOR (self), FALSE);
  return self->engine.debug;
}

/**
 * hn_dask_executor_get_connect_timeout:
 * @self: a [class@DaskExecutor]
 *
 * Gets how long a run waits for the cluster's scheduler.
 *
 * Returns: the time in seconds
 */
guint
hn_dask_executor_get_connect_timeout (HnDaskExecutor *self)
{
  g_return_val_if_fail (HN_IS_DASK_EXECUTOR (self), HN_ENGINE_DEFAULT_CONNECT_TIMEOUT);
  return self->engine.connect_timeout;
}
