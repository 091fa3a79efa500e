/* hn-runtime-config.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-tsan-private.h"
#include "hn-backend.h"
#include "hn-cache.h"
#include "hn-callback.h"
#include "hn-executor.h"
#include "hn-local-backend.h"
#include "hn-runtime-config-private.h"
#include "executors/hn-sequential-executor.h"

/**
 * HnRuntimeConfig:
 *
 * How and where a pipeline runs: a [class@Backend] (where) and an [iface@Executor] (how).
 *
 * ```c
 * g_autoptr(HnExecutor) executor = hn_thread_pool_executor_new (0);
 * g_autoptr(HnRuntimeConfig) config = hn_runtime_config_new (NULL, executor);
 * g_autoptr(HnPipeline) configured = hn_pipeline_with_config (pipeline, config);
 * ```
 *
 * A configuration is immutable once built, so one may be shared by many pipelines and threads.
 */

struct _HnRuntimeConfig
{
  GObject     parent_instance;
  HnBackend  *backend;
  HnExecutor *executor;
  guint       retries;
  double      timeout;
  HnCache    *cache;
  GPtrArray  *callbacks;
};

G_DEFINE_FINAL_TYPE (HnRuntimeConfig, hn_runtime_config, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BACKEND,
  PROP_EXECUTOR,
  PROP_RETRIES,
  PROP_TIMEOUT,
  PROP_CACHE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
hn_runtime_config_constructed (GObject *object)
{
  HnRuntimeConfig *self = HN_RUNTIME_CONFIG (object);

  G_OBJECT_CLASS (hn_runtime_config_parent_class)->constructed (object);

  if (self->backend == NULL)
    self->backend = hn_local_backend_new ();
  if (self->executor == NULL)
    self->executor = hn_sequential_executor_new ();
}

static void
hn_runtime_config_dispose (GObject *object)
{
  HnRuntimeConfig *self = HN_RUNTIME_CONFIG (object);

  g_clear_object (&self->backend);
  g_clear_object (&self->executor);
  g_clear_object (&self->cache);
  g_clear_pointer (&self->callbacks, g_ptr_array_unref);

  G_OBJECT_CLASS (hn_runtime_config_parent_class)->dispose (object);
}

static void
hn_runtime_config_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HnRuntimeConfig *self = HN_RUNTIME_CONFIG (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      g_value_set_object (value, self->backend);
      break;

    case PROP_EXECUTOR:
      g_value_set_object (value, self->executor);
      break;

    case PROP_RETRIES:
      g_value_set_uint (value, self->retries);
      break;

    case PROP_TIMEOUT:
      g_value_set_double (value, self->timeout);
      break;

    case PROP_CACHE:
      g_value_set_object (value, self->cache);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_runtime_config_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HnRuntimeConfig *self = HN_RUNTIME_CONFIG (object);

  switch (prop_id)
    {
    case PROP_BACKEND:
      self->backend = g_value_dup_object (value);
      break;

    case PROP_EXECUTOR:
      self->executor = g_value_dup_object (value);
      break;

    case PROP_RETRIES:
      self->retries = g_value_get_uint (value);
      break;

    case PROP_TIMEOUT:
      self->timeout = g_value_get_double (value);
      break;

    case PROP_CACHE:
      self->cache = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
hn_runtime_config_class_init (HnRuntimeConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = hn_runtime_config_constructed;
  object_class->dispose = hn_runtime_config_dispose;
  object_class->get_property = hn_runtime_config_get_property;
  object_class->set_property = hn_runtime_config_set_property;

  /**
   * HnRuntimeConfig:backend:
   *
   * Where pipelines run. A [class@LocalBackend] when none is given.
   */
  properties[PROP_BACKEND] =
    g_param_spec_object ("backend", NULL, NULL,
                         HN_TYPE_BACKEND,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnRuntimeConfig:executor:
   *
   * How pipelines run. A [class@SequentialExecutor] when none is given.
   */
  properties[PROP_EXECUTOR] =
    g_param_spec_object ("executor", NULL, NULL,
                         HN_TYPE_EXECUTOR,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnRuntimeConfig:retries:
   *
   * How many times a failed node call is tried again before the run fails; the error then says
   * how many attempts were made. Cancellations are not retried. 0, the default, means no retry.
   */
  properties[PROP_RETRIES] =
    g_param_spec_uint ("retries", NULL, NULL,
                       0, 1000, 0,
                       (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnRuntimeConfig:timeout:
   *
   * How long a run or a map may take, in seconds. A run that takes longer is cancelled (nodes
   * see the run's cancellable cancelled, and no node starts after that) and fails with
   * [error@NodeError.TIMEOUT], which names the node that was running. 0, the default, means no
   * limit.
   */
  properties[PROP_TIMEOUT] =
    g_param_spec_double ("timeout", NULL, NULL,
                         0.0, G_MAXDOUBLE, 0.0,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * HnRuntimeConfig:cache:
   *
   * Where node results are cached between runs, or %NULL (the default) for no cache. Nested
   * pipelines use the cache of the run they are in.
   */
  properties[PROP_CACHE] =
    g_param_spec_object ("cache", NULL, NULL,
                         HN_TYPE_CACHE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
hn_runtime_config_init (HnRuntimeConfig *self)
{
  self->callbacks = g_ptr_array_new_with_free_func (g_object_unref);
}

/**
 * hn_runtime_config_new:
 * @backend: (nullable): where pipelines run, or %NULL for a [class@LocalBackend]
 * @executor: (nullable): how pipelines run, or %NULL for a [class@SequentialExecutor]
 *
 * Creates a runtime configuration.
 *
 * Returns: (transfer full): a new [class@RuntimeConfig]
 */
HnRuntimeConfig *
hn_runtime_config_new (HnBackend  *backend,
                       HnExecutor *executor)
{
  g_return_val_if_fail (!backend || HN_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (!executor || HN_IS_EXECUTOR (executor), NULL);

  return g_object_new (HN_TYPE_RUNTIME_CONFIG,
                       "backend", backend,
                       "executor", executor,
                       NULL);
}

/**
 * hn_runtime_config_new_full:
 * @backend: (nullable): where pipelines run, or %NULL for a [class@LocalBackend]
 * @executor: (nullable): how pipelines run, or %NULL for a [class@SequentialExecutor]
 * @cache: (nullable): where node results are cached, or %NULL for no cache
 * @callbacks: (array length=n_callbacks) (nullable): the callbacks of every run, in the order
 *   they see events
 * @n_callbacks: the number of callbacks
 * @retries: how many times a failed node call is tried again
 * @timeout: how long a run may take, in seconds; 0 for no limit
 *
 * Creates a runtime configuration with every setting.
 *
 * Returns: (transfer full): a new [class@RuntimeConfig]
 */
HnRuntimeConfig *
hn_runtime_config_new_full (HnBackend          *backend,
                            HnExecutor         *executor,
                            HnCache            *cache,
                            HnCallback * const *callbacks,
                            guint               n_callbacks,
                            guint               retries,
                            double              timeout)
{
  HnRuntimeConfig *self;

  g_return_val_if_fail (!backend || HN_IS_BACKEND (backend), NULL);
  g_return_val_if_fail (!executor || HN_IS_EXECUTOR (executor), NULL);
  g_return_val_if_fail (!cache || HN_IS_CACHE (cache), NULL);
  g_return_val_if_fail (n_callbacks == 0 || callbacks != NULL, NULL);
  g_return_val_if_fail (timeout >= 0, NULL);

  self = g_object_new (HN_TYPE_RUNTIME_CONFIG,
                       "backend", backend,
                       "executor", executor,
                       "cache", cache,
                       "retries", retries,
                       "timeout", timeout,
                       NULL);
  for (guint i = 0; i < n_callbacks; i++)
    {
      g_return_val_if_fail (HN_IS_CALLBACK (callbacks[i]), self);
      g_ptr_array_add (self->callbacks, g_object_ref (callbacks[i]));
    }
  return self;
}

/**
 * hn_runtime_config_get_cache:
 * @self: a [class@RuntimeConfig]
 *
 * Gets the cache.
 *
 * Returns: (transfer none) (nullable): the cache, or %NULL
 */
HnCache *
hn_runtime_config_get_cache (HnRuntimeConfig *self)
{
  g_return_val_if_fail (HN_IS_RUNTIME_CONFIG (self), NULL);
  return self->cache;
}

/**
 * hn_runtime_config_get_callbacks:
 * @self: a [class@RuntimeConfig]
 * @n_callbacks: (out): return location for the number of callbacks
 *
 * Gets the callbacks.
 *
 * Returns: (transfer none) (array length=n_callbacks): the callbacks
 */
HnCallback **
hn_runtime_config_get_callbacks (HnRuntimeConfig *self,
                                 guint           *n_callbacks)
{
  g_return_val_if_fail (HN_IS_RUNTIME_CONFIG (self), NULL);
  g_return_val_if_fail (n_callbacks != NULL, NULL);

  *n_callbacks = self->callbacks->len;
  return (HnCallback **) self->callbacks->pdata;
}

/**
 * hn_runtime_config_get_backend:
 * @self: a [class@RuntimeConfig]
 *
 * Gets the backend.
 *
 * Returns: (transfer none): the backend
 */
HnBackend *
hn_runtime_config_get_backend (HnRuntimeConfig *self)
{
  g_return_val_if_fail (HN_IS_RUNTIME_CONFIG (self), NULL);
  return self->backend;
}

/**
 * hn_runtime_config_get_executor:
 * @self: a [class@RuntimeConfig]
 *
 * Gets the executor.
 *
 * Returns: (transfer none): the executor
 */
HnExecutor *
hn_runtime_config_get_executor (HnRuntimeConfig *self)
{
  g_return_val_if_fail (HN_IS_RUNTIME_CONFIG (self), NULL);
  return self->executor;
}

/**
 * hn_runtime_config_get_retries:
 * @self: a [class@RuntimeConfig]
 *
 * Gets the retries.
 *
 * Returns: how many times a failed node call is tried again
 */
guint
hn_runtime_config_get_retries (HnRuntimeConfig *self)
{
  g_return_val_if_fail (HN_IS_RUNTIME_CONFIG (self), 0);
  return self->retries;
}

/**
 * hn_runtime_config_get_timeout:
 * @self: a [class@RuntimeConfig]
 *
 * Gets the timeout.
 *
 * Returns: how long a run may take, in seconds; 0 for no limit
 */
double
hn_runtime_config_get_timeout (HnRuntimeConfig *self)
{
  g_return_val_if_fail (HN_IS_RUNTIME_CONFIG (self), 0.0);
  return self->timeout;
}

static GMutex default_lock;
static HnRuntimeConfig *default_config;
/* Every configuration that was the default stays alive, so that the pointers
 * hn_pipeline_get_config() returned stay valid. Defaults are rarely changed. */
static GPtrArray *former_defaults;

HnRuntimeConfig *
_hn_runtime_config_peek_default (void)
{
  HnRuntimeConfig *config;

  hn_mutex_lock (&default_lock);
  if (default_config == NULL)
    default_config = hn_runtime_config_new (NULL, NULL);
  config = default_config;
  hn_mutex_unlock (&default_lock);
  return config;
}

/**
 * hn_runtime_config_set_default:
 * @config: the configuration pipelines without one of their own use
 *
 * Makes @config the process-wide default configuration: runs and maps of pipelines that were
 * not given a configuration with [method@Pipeline.with_config] use it from then on. In C,
 * %NULL goes back to a local, sequential configuration.
 */
void
hn_runtime_config_set_default (HnRuntimeConfig *config)
{
  g_return_if_fail (config == NULL || HN_IS_RUNTIME_CONFIG (config));

  hn_mutex_lock (&default_lock);
  if (default_config != NULL)
    {
      if (former_defaults == NULL)
        former_defaults = g_ptr_array_new ();
      g_ptr_array_add (former_defaults, default_config);
    }
  default_config = config ? g_object_ref (config) : NULL;
  hn_mutex_unlock (&default_lock);
}

/**
 * hn_runtime_config_get_default:
 *
 * Gets the process-wide default configuration (see [method@RuntimeConfig.set_default]).
 *
 * Returns: (transfer none): the default configuration, a local and sequential one unless one
 *   was set
 */
HnRuntimeConfig *
hn_runtime_config_get_default (void)
{
  return _hn_runtime_config_peek_default ();
}
