/* hn-engine-executor-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-executor.h"

G_BEGIN_DECLS

/* What the engine executors (Daft, Dask, Ray) share: the settings of the Python side, and run and
 * map handed to the engine glue hypernodes._engines.ENGINE. Each final class embeds the settings
 * and installs the shared properties after its own, from @first_prop_id on. */
typedef struct
{
  char     *python;
  gboolean  debug;
  guint     connect_timeout;
} HnEngineSettings;

enum {
  HN_ENGINE_PROP_PYTHON,
  HN_ENGINE_PROP_DEBUG,
  HN_ENGINE_PROP_CONNECT_TIMEOUT,
  HN_ENGINE_N_PROPS
};

#define HN_ENGINE_DEFAULT_CONNECT_TIMEOUT 30

void     _hn_engine_class_init        (GObjectClass       *klass,
                                       const char         *engine,
                                       guint               first_prop_id);
void     _hn_engine_executor_iface_init (HnExecutorInterface *iface);
void     _hn_engine_settings_init     (HnEngineSettings   *settings);
void     _hn_engine_settings_clear    (HnEngineSettings   *settings);
gboolean _hn_engine_get_property      (HnEngineSettings   *settings,
                                       guint               first_prop_id,
                                       guint               prop_id,
                                       GValue             *value);
gboolean _hn_engine_set_property      (HnEngineSettings   *settings,
                                       guint               first_prop_id,
                                       guint               prop_id,
                                       const GValue       *value);

G_END_DECLS
