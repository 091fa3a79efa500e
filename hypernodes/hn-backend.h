/* hn-backend.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include <gio/gio.h>

#include "hn-types.h"
#include "hn-version-macros.h"

G_BEGIN_DECLS

#define HN_TYPE_BACKEND (hn_backend_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_DERIVABLE_TYPE (HnBackend, hn_backend, HN, BACKEND, GObject)

/**
 * HnBackendClass:
 * @parent_class: the parent class
 * @execute: executes @run (a single run or a map) with its executor
 *   ([method@Run.get_executor]) wherever the backend puts it. The default calls
 *   [method@Executor.execute] in this process
 * @execute_async: starts @execute without blocking. The default calls
 *   [method@Executor.execute_async]
 * @execute_finish: completes @execute_async
 *
 * The virtual methods of a backend: where the executor of a run runs.
 */
struct _HnBackendClass
{
  GObjectClass parent_class;

  GVariant *(*execute)        (HnBackend           *self,
                               HnRun               *run,
                               GError             **error);
  void      (*execute_async)  (HnBackend           *self,
                               HnRun               *run,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
  GVariant *(*execute_finish) (HnBackend           *self,
                               GAsyncResult        *result,
                               GError             **error);

  /*< private >*/
  gpointer _reserved[8];
};

HN_AVAILABLE_IN_ALL
GVariant *hn_backend_execute        (HnBackend           *self,
                                     HnRun               *run,
                                     GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
void      hn_backend_execute_async  (HnBackend           *self,
                                     HnRun               *run,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
HN_AVAILABLE_IN_ALL
GVariant *hn_backend_execute_finish (HnBackend           *self,
                                     GAsyncResult        *result,
                                     GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
