/* hn-driver-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-run-private.h"

G_BEGIN_DECLS

/* Loads the bound and given inputs of a single run into @frame and checks nothing is missing. */
gboolean  _hn_driver_load_inputs   (HnRun               *run,
                                    HnValue            **frame,
                                    GError             **error);
/* A whole single run in the calling thread, in order: load, steps, collect. */
GVariant *_hn_driver_run           (HnRun               *run,
                                    GError             **error);
/* The result of a single run from its frame: an a{sv}, or (a run that keeps values) an empty
 * one with the values kept in the run. */
GVariant *_hn_driver_collect       (HnRun               *run,
                                    HnValue            **frame,
                                    GError             **error);
/* Checks the inputs (or items) of @run as a run would, without calling any node. */
gboolean  _hn_driver_check         (HnRun               *run,
                                    GError             **error);

/* The per-item map driver, used by every executor that maps in this process. */
typedef struct _HnMapDriver HnMapDriver;

/* Called for each finished item with its frame; the default collector (NULL) keeps the a{sv} of
 * the requested outputs for _hn_map_driver_finish(). */
typedef void (*HnMapCollect) (HnMapDriver  *driver,
                              gsize         index,
                              HnValue     **frame,
                              gpointer      user_data);

/* One map, shared by every thread that runs its items; each writes only its own result. */
struct _HnMapDriver
{
  HnRun         *run;
  HnValue      **template;   /* bound and shared inputs */
  gsize          n_items;
  GVariant     **results;    /* default collector */
  HnMapCollect   collect;
  gpointer       collect_data;
};

/* Checks @run's map source and shared inputs and loads the shared inputs; @collect NULL for
 * the default collector, whose results are allocated here. On failure @driver needs no clear. */
gboolean  _hn_map_driver_init       (HnMapDriver         *driver,
                                     HnRun               *run,
                                     HnMapCollect         collect,
                                     gpointer             collect_data,
                                     GError             **error);
/* Loads item @index into @frame (empty) on top of the shared inputs. */
gboolean  _hn_map_driver_begin_item (HnMapDriver         *driver,
                                     gsize                index,
                                     HnValue            **frame,
                                     GError             **error);
/* Collects a finished item and clears @frame. @started is the g_get_monotonic_time() of its
 * start; @all_cached whether every node of it came from the cache. */
gboolean  _hn_map_driver_end_item   (HnMapDriver         *driver,
                                     gsize                index,
                                     HnValue            **frame,
                                     gint64               started,
                                     gboolean             all_cached,
                                     GError             **error);
/* begin, every step in order, end; @frame is cleared in every case. */
gboolean  _hn_map_driver_run_item   (HnMapDriver         *driver,
                                     gsize                index,
                                     HnValue            **frame,
                                     GError             **error);
/* The aa{sv} of the default collector, in item order. */
GVariant *_hn_map_driver_finish     (HnMapDriver         *driver);
/* Frees what @driver holds; safe on a driver whose init failed, and twice. */
void      _hn_map_driver_clear      (HnMapDriver         *driver);
/* A whole map in the calling thread, item by item. */
GVariant *_hn_driver_map            (HnRun               *run,
                                     GError             **error);

/* The same, handing each finished item to @collect. */
gboolean  _hn_driver_map_collect    (HnRun               *run,
                                     HnMapCollect         collect,
                                     gpointer             user_data,
                                     GError             **error);

G_END_DECLS
