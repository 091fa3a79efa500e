/* hn-ray-executor.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-engine-executor-private.h"
#include "hn-ray-executor.h"

/**
 * HnRayExecutor:
 *
 * Runs pipelines as [Ray](https://www.ray.io) tasks, on a local Ray cluster or on the one at
 * [property@RayExecutor:ray-address].
 *
 * A run is one Ray task that runs every node of the plan in a Ray worker; a map goes in batches
 * of items (about 100 to 1000 per task), with the inputs the items share put in Ray's object
 * store once. Nodes written in Python travel by cloudpickle, C nodes by the name of their
 * [class@Module]; a C node made in this process only cannot travel, and the run fails with
 * [error@ExecutorError.NOT_SHIPPABLE] naming it. Node errors name the node and the item, as on
 * the built-in executors; callbacks and a [class@DiskCache] work in the workers, and node events
 * come back to the callbacks of this process.
 *
 * Ray is initialized only when it is not already, so the executor shares the cluster with a
 * [class@DaftExecutor] on [enum@DaftRunner.RAY] in the same process. An address that cannot be
 * reached fails within [property@RayExecutor:connect-timeout] with
 * [error@ExecutorError.ENGINE_FAILED].
 *
 * Ray is driven through Python: the executor needs the Python bridge of this library and Python
 * with the `ray` and `cloudpickle` packages, or runs fail with
 * [error@ExecutorError.ENGINE_MISSING] naming what to install.
 */

struct _HnRayExecutor
{
  GObject           parent_instance;
  char             *ray_address;
  double            num_cpus;
  double            num_gpus;
  int               max_retries;
  HnEngineSettings  engine;
};

enum {
  PROP_0,
  PROP_RAY_ADDRESS,
  PROP_NUM_CPUS,
  PROP_NUM_GPUS,
  PROP_MAX_RETRIES,
  PROP_ENGINE,
  N_PROPS = PROP_ENGINE + HN_ENGINE_N_PROPS
};

static GParamSpec *properties[PROP_ENGINE];

G_DEFINE_FINAL_TYPE_WITH_CODE (HnRayExecutor, hn_ray_executor, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (HN_TYPE_EXECUTOR,
                                                      _hn_engine_executor_iface_init))

static void
hn_ray_executor_finalize (GObject *object)
{
  HnRayExecutor *self = HN_RAY_EXECUTOR (object);

  g_clear_pointer (&self->ray_address, g_free);
  _hn_engine_settings_clear (&self->engine);

  G_OBJECT_CLASS (hn_ray_executor_parent_class)->finalize (object);
}

static void
hn_ray_executor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HnRayExecutor *self = HN_RAY_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_RAY_ADDRESS:
      g_value_set_string (value, self->ray_address);
      break;

    case PROP_NUM_CPUS:
      g_value_set_double (value, self->num_cpus);
      break;

    case PROP_NUM_GPUS:
      g_value_set_double (value, self->num_gpus);
      break;

    case PROP_MAX_RETRIES:
      g_value_set_int (value, self->max_retries);
      break;

    default:
      if (!_hn_engine_get_property (&self->engine, PROP_ENGINE, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_ray_executor_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HnRayExecutor *self = HN_RAY_EXECUTOR (object);

  switch (prop_id)
    {
    case PROP_RAY_ADDRESS:
      g_free (self->ray_address);
      self->ray_address = g_value_dup_string (value);
      break;

    case PROP_NUM_CPUS:
      self->num_cpus = g_value_get_double (value);
      break;

    case PROP_NUM_GPUS:
      self->num_gpus = g_value_get_double (value);
      break;

    case PROP_MAX_RETRIES:
      self->max_retries = g_value_get_int (value);
      break;

    default:
      if (!_hn_engine_set_property (&self->engine, PROP_ENGINE, prop_id, value))
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_ray_executor_class_init (HnRayExecutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags flags = G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = hn_ray_executor_finalize;
  object_class->get_property = hn_ray_executor_get_property;
  object_class->set_property = hn_ray_executor_set_property;

  /**
   * HnRayExecutor:ray-address:
   *
   * The address of the Ray cluster, such as `127.0.0.1:6379` or `ray://host:10001`. %NULL
   * starts a local cluster (or joins the one `$RAY_ADDRESS` names). Either way, a Ray already
   * initialized in this process is used as it is.
   */
  properties[PROP_RAY_ADDRESS] =
    g_param_spec_string ("ray-address", NULL, NULL, NULL, flags);

  /**
   * HnRayExecutor:num-cpus:
   *
   * The CPUs each Ray task reserves.
   */
  properties[PROP_NUM_CPUS] =
    g_param_spec_double ("num-cpus", NULL, NULL, 0.0, G_MAXDOUBLE, 1.0, flags);

  /**
   * HnRayExecutor:num-gpus:
   *
   * The GPUs each Ray task reserves (fractions share a GPU).
   */
  properties[PROP_NUM_GPUS] =
    g_param_spec_double ("num-gpus", NULL, NULL, 0.0, G_MAXDOUBLE, 0.0, flags);

  /**
   * HnRayExecutor:max-retries:
   *
   * How many times Ray runs a task again when its worker dies (-1: without limit). Node errors
   * are not retried here: [property@RuntimeConfig:retries] does that.
   */
  properties[PROP_MAX_RETRIES] =
    g_param_spec_int ("max-retries", NULL, NULL, -1, G_MAXINT, 3, flags);

  /**
   * HnRayExecutor:python:
   *
   * The Python interpreter to embed when the program is not already running Python, typically a
   * virtualenv's `bin/python` that has Ray installed. %NULL means `$HN_PYTHON`, then the
   * system's Python. Ignored in a Python program.
   */

  /**
   * HnRayExecutor:debug:
   *
   * Whether to log what the executor does (tasks, batches, cluster) with g_debug(), in the
   * `Hn-Ray` log domain.
   */

  /**
   * HnRayExecutor:connect-timeout:
   *
   * How long, in seconds, to wait for the cluster at [property@RayExecutor:ray-address] before
   * the run fails with [error@ExecutorError.ENGINE_FAILED].
   */

  g_object_class_install_properties (object_class, PROP_ENGINE, properties);
  _hn_engine_class_init (object_class, "ray", PROP_ENGINE);
}

static void
hn_ray_executor_init (HnRayExecutor *self)
{
  self->num_cpus = 1.0;
  self->max_retries = 3;
  _hn_engine_settings_init (&self->engine);
}

/**
 * hn_ray_executor_new:
 * @ray_address: (nullable): the Ray cluster, or %NULL for a local one
 *
 * Creates a Ray executor. Use g_object_new() for the other properties.
 *
 * Returns: (transfer full) (type HnRayExecutor): a new [class@RayExecutor]
 */
HnExecutor *
hn_ray_executor_new (const char *ray_address)
{
  return g_object_new (HN_TYPE_RAY_EXECUTOR, "ray-address", ray_address, NULL);
}

/**
 * hn_ray_executor_get_ray_address:
 * @self: a [class@RayExecutor]
 *
 * Gets the address of the Ray cluster.
 *
 * Returns: (nullable): the address, or %NULL for a local cluster
 */
const char *
hn_ray_executor_get_ray_address (HnRayExecutor *self)
{
  g_return_val_if_fail (HN_IS_RAY_EXECUTOR (self), NULL);
  return self->ray_address;
}

/**
 * hn_ray_executor_get_num_cpus:
 * @self: a [class@RayExecutor]
 *
 * Gets the CPUs each task reserves.
 *
 * Returns: the CPUs per task
 */
double
hn_ray_executor_get_num_cpus (HnRayExecutor *self)
{
  g_return_val_if_fail (HN_IS_RAY_EXECUTOR (self), 1.0);
  return self->num_cpus;
}

/**
 * hn_ray_executor_get_num_gpus:
 * @self: a [class@RayExecutor]
 *
 * Gets the GPUs each task reserves.
 *
 * Returns: the GPUs per task
 */
double
hn_ray_executor_get_num_gpus (HnRayExecutor *self)
{
  g_return_val_if_fail (HN_IS_RAY_EXECUTOR (self), 0.0);
  return self->num_gpus;
}

/**
 * hn_ray_executor_get_max_retries:
 * @self: a [class@RayExecutor]
 *
 * Gets how many times a task whose worker died runs again.
 *
 * Returns: the retries of a task, -1 without limit
 */
int
hn_ray_executor_get_max_retries (HnRayExecutor *self)
{
  g_return_val_if_fail (HN_IS_RAY_EXECUTOR (self), 3);
  return self->max_retries;
}

/**
 * hn_ray_executor_get_debug:
 * @self: a [class@RayExecutor]
 *
 * Gets whether the executor logs what it does.
 *
 * Returns: whether the executor logs in the `Hn-Ray` domain
 */
gboolean
hn_ray_executor_get_debug (HnRayExecutor *self)
{
  g_return_val_if_fail (HN_IS_RAY_EXECUTOR (self), FALSE);
  return self->engine.debug;
}

/**
 * hn_ray_executor_get_connect_timeout:
 * @self: a [class@RayExecutor]
 *
 * Gets how long a run waits for the cluster.
 *
 * Returns: the time in seconds
 */
guint
hn_ray_executor_get_connect_timeout (HnRayExecutor *self)
{
  g_return_val_if_fail (HN_IS_RAY_EXECUTOR (self), HN_ENGINE_DEFAULT_CONNECT_TIMEOUT);
  return self->engine.connect_timeout;
}
