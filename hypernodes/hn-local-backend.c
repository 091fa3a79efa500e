/* hn-local-backend.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-local-backend.h"

/**
 * HnLocalBackend:
 *
 * The backend that runs the executor in this process. It is the default backend of a
 * [class@RuntimeConfig]. Executors may still send work elsewhere (an engine executor on a
 * cluster, for instance); the backend only decides where the executor itself runs.
 */

struct _HnLocalBackend
{
  HnBackend parent_instance;
};

G_DEFINE_FINAL_TYPE (HnLocalBackend, hn_local_backend, HN_TYPE_BACKEND)

static void
hn_local_backend_class_init (HnLocalBackendClass *klass)
{
}

static void
hn_local_backend_init (HnLocalBackend *self)
{
}

/**
 * hn_local_backend_new:
 *
 * Creates a backend that runs executors in this process.
 *
 * Returns: (transfer full): a new [class@LocalBackend]
 */
HnBackend *
hn_local_backend_new (void)
{
  return g_object_new (HN_TYPE_LOCAL_BACKEND, NULL);
}
