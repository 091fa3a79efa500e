/* hn-worker.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-tsan-private.h"
#include "hn-worker-private.h"

typedef struct
{
  GFunc    func;
  gpointer data;
} WorkerJob;

static void
worker_run (gpointer data,
            gpointer user_data)
{
  WorkerJob *job = data;

  HN_TSAN_ACQUIRE (job);
  job->func (job->data, NULL);
  g_free (job);
}

void
_hn_worker_push (GFunc    func,
                 gpointer data)
{
  static gsize initialized;
  static GThreadPool *pool;
  WorkerJob *job;

  /* g_once_init_leave() publishes @pool from inside GLib, where TSan cannot see it: tell it. */
  if (g_once_init_enter (&initialized))
    {
      /* Bounded: a burst of async calls queues instead of making a thread each. Generous
       * enough that the few jobs that wait for another job (a node that waits for a run it
       * started asynchronously) do not starve it. */
      pool = g_thread_pool_new (worker_run, NULL, MAX (8, 4 * (gint) g_get_num_processors ()),
                                FALSE, NULL);
      HN_TSAN_RELEASE (&initialized);
      g_once_init_leave (&initialized, 1);
    }
  HN_TSAN_ACQUIRE (&initialized);

  job = g_new (WorkerJob, 1);
  job->func = func;
  job->data = data;
  HN_TSAN_RELEASE (job);
  g_thread_pool_push (pool, job, NULL);
}
