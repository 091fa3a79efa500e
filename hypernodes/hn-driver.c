/* hn-driver.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* What executors run on a run: the whole of a single run in order, and the per-item map driver.
 * Written once, so that every executor that runs nodes in this process loads inputs, reports
 * items and collects results alike; the executors only decide what runs where and when.
 *
 * A single run (_hn_driver_run(), the sequential executor's): the bound inputs, the given
 * inputs over them and the values given by name into a frame, a check that none is missing,
 * each step of the plan in order through _hn_invoke(), each value dropped once no later step
 * reads it, then the requested outputs collected (an a{sv}, or kept in the run as values). The
 * thread pool and async executors schedule the steps themselves between the same load and
 * collect.
 *
 * A map (HnMapDriver): the bound and shared inputs loaded once into a template frame; for each
 * item, "map item start", the template and the item's inputs into a frame, the steps, the
 * outputs collected, the frame cleared, "map item end" (or "map item cached" when every step
 * came from the cache); at the end the aa{sv} in item order. The sequential executor runs the
 * items one by one (_hn_driver_map()), the thread pool executor on its workers
 * (_hn_map_driver_run_item()), the async executor around its own calls (begin and end of an
 * item), a mapped pipeline node with a collector of its own (_hn_driver_map_collect()). */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>

#include "hn-callback-private.h"
#include "hn-driver-private.h"
#include "hn-error.h"
#include "hn-invoke-private.h"
#include "hn-tsan-private.h"

/* ---- a single run ----------------------------------------------------------------------- */

/* Later loads win: the given inputs over the bound ones, the values given by name (language
 * bridges) over both. The dictionaries load leniently (one dictionary of inputs is often shared
 * by several pipelines: a key that is no root input of this one is ignored); a value given by
 * name must name a root input. */
gboolean
_hn_driver_load_inputs (HnRun     *run,
                        HnValue  **frame,
                        GError   **error)
{
  return _hn_frame_check_dict (run->inputs, _("The inputs"), error) &&
         _hn_frame_load_dict (run->graph, run->bound, -1, HN_FRAME_LOAD_LENIENT, frame, error) &&
         _hn_frame_load_dict (run->graph, run->inputs, -1, HN_FRAME_LOAD_LENIENT, frame, error) &&
         _hn_frame_load_values (run->graph, run->values, run->item, frame, error) &&
         _hn_frame_check_missing (run->graph, run->plan, frame, run->item, error);
}

/* The a{sv} of a run whose values are kept in the run. */
static GVariant *
empty_dict (void)
{
  return g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0));
}

/* A run that keeps values (hn_run_execute_values()) keeps them as they are, host values
 * included: nothing is converted, and the caller reads them from the run. */
GVariant *
_hn_driver_collect (HnRun     *run,
                    HnValue  **frame,
                    GError   **error)
{
  if (!run->keep)
    return _hn_frame_collect (run->graph, run->plan, frame, -1, error);
  if (!_hn_run_alloc_kept (run, 1, error))
    return NULL;
  _hn_frame_keep (run->plan, frame, run->kept);
  return empty_dict ();
}

/* The sequential executor's single run. A frame of up to 32 slots lives on the stack, so a small
 * pipeline's run allocates no frame. The values no later step reads (plan->drops, computed once
 * per plan) are dropped after each step, so a long chain holds only its live values, as a
 * hand-written loop would. The frame is cleared on every way out. */
GVariant *
_hn_driver_run (HnRun   *run,
                GError **error)
{
  HnGraph *graph = run->graph;
  const HnPlan *plan = run->plan;
  HnValue *stack_frame[32] = { NULL, };
  HnValue **frame = graph->n_slots <= G_N_ELEMENTS (stack_frame)
    ? stack_frame : _hn_frame_new (graph);
  GVariant *result = NULL;

  if (!_hn_driver_load_inputs (run, frame, error))
    goto out;

  for (guint s = 0; s < plan->n_steps; s++)
    {
      if (!_hn_invoke (run, plan->steps[s], frame, run->item, NULL, error))
        goto out;
      /* values no later step reads go now, as a hand-written loop drops them */
      for (guint d = plan->drops_at[s]; d < plan->drops_at[s + 1]; d++)
        g_clear_pointer (&frame[plan->drops[d]], _hn_value_unref);
    }

  /* a cancellation (or timeout) during the last node fails the run too */
  if (run->cancellable != NULL && g_cancellable_set_error_if_cancelled (run->cancellable, error))
    goto out;
  result = _hn_driver_collect (run, frame, error);

out:
  _hn_frame_clear (graph, frame);
  if (frame != stack_frame)
    g_free (frame);
  return result;
}

/* ---- checks ------------------------------------------------------------------------------ */

static gboolean load_item (HnMapDriver  *driver,
                           gsize         index,
                           HnValue     **frame,
                           GError      **error);

/* A collector that keeps nothing, for _hn_driver_check(): with a collector of its own,
 * _hn_map_driver_init() neither checks the size of the results nor allocates them. */
static void
discard_item (HnMapDriver  *driver,
              gsize         index,
              HnValue     **frame,
              gpointer      user_data)
{
}

/* What a run would check before its first node: the inputs, or the map source, the shared
 * inputs and the items. When the items are alike, one is checked for all: a column of a million
 * untyped values is not loaded a million times to learn nothing new. */
gboolean
_hn_driver_check (HnRun   *run,
                  GError **error)
{
  HnValue **frame = _hn_frame_new (run->graph);
  gboolean ok;

  if (run->source == NULL)
    ok = _hn_driver_load_inputs (run, frame, error);
  else
    {
      HnMapDriver driver;

      gsize n_checked;

      ok = _hn_map_driver_init (&driver, run, discard_item, NULL, error);
      /* items alike: what holds for one holds for all */
      n_checked = ok && _hn_map_source_items_alike (run->source, run->graph)
        ? MIN (driver.n_items, 1) : driver.n_items;
      for (gsize i = 0; ok && i < n_checked; i++)
        {
          /* a check, not a run: no callback hears of it */
          ok = load_item (&driver, i, frame, error);
          _hn_frame_clear (run->graph, frame);
        }
      if (driver.run != NULL)
        _hn_map_driver_clear (&driver);
    }
  _hn_frame_free (run->graph, frame);
  return ok;
}

/* ---- the per-item map driver ------------------------------------------------------------ */

/* Fails when the results of @n_items items cannot fit in memory: a product map of two large
 * lists can ask for more than any machine has, and should say so rather than try. Physical
 * memory is the measure (0 when it cannot be known: then anything passes); only the default
 * collector is checked, as another one keeps what it likes. */
static gboolean
check_result_size (gsize    n_items,
                   GError **error)
{
  /* a pointer and the smallest a{sv} per item */
  const guint64 per_item = sizeof (gpointer) + 64;
  long pages = sysconf (_SC_PHYS_PAGES);
  long page_size = sysconf (_SC_PAGESIZE);
  guint64 memory = pages > 0 && page_size > 0 ? (guint64) pages * (guint64) page_size : 0;

  if (memory == 0 || (guint64) n_items <= memory / per_item)
    return TRUE;

  g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
               _("A map of %llu items cannot fit in memory: its results need "
                 "at least %.1f GiB and this machine has %.1f GiB; map over fewer items, or in "
                 "parts"),
               (unsigned long long) n_items, (double) n_items * per_item / (1 << 30), (double) memory / (1 << 30));
  return FALSE;
}

/* The bound and shared inputs are loaded once, into the template: an item takes references to
 * them, not copies. The results of the default collector are allocated with g_try_new0(), so
 * that a map too large for memory fails with a message rather than an abort. On failure
 * @driver is cleared; zeroed first, so that _hn_map_driver_clear() is safe at any point. */
gboolean
_hn_map_driver_init (HnMapDriver   *driver,
                     HnRun         *run,
                     HnMapCollect   collect,
                     gpointer       collect_data,
                     GError       **error)
{
  HnGraph *graph = run->graph;

  memset (driver, 0, sizeof (*driver));
  if (!_hn_map_source_check (run->source, error) ||
      !_hn_frame_check_dict (run->inputs, _("The shared inputs"), error))
    return FALSE;

  driver->n_items = _hn_map_source_get_n_items (run->source);
  if (collect == NULL && !check_result_size (driver->n_items, error))
    return FALSE;

  driver->run = hn_run_ref (run);
  driver->collect = collect;
  driver->collect_data = collect_data;
  driver->template = _hn_frame_new (graph);
  if (!_hn_frame_load_dict (graph, run->bound, -1, HN_FRAME_LOAD_LENIENT, driver->template,
                            error) ||
      !_hn_frame_load_dict (graph, run->inputs, -1, HN_FRAME_LOAD_LENIENT, driver->template,
                            error) ||
      !_hn_frame_load_values (graph, run->values, -1, driver->template, error))
    {
      _hn_map_driver_clear (driver);
      return FALSE;
    }

  if (collect == NULL)
    {
      driver->results = g_try_new0 (GVariant *, MAX (driver->n_items, 1));
      if (driver->results == NULL)
        {
          g_set_error (error, HN_PIPELINE_ERROR, HN_PIPELINE_ERROR_INVALID_INPUTS,
                       _("Cannot allocate the results of a map of %llu items"),
                       (unsigned long long) driver->n_items);
          _hn_map_driver_clear (driver);
          return FALSE;
        }
      if (run->keep && !_hn_run_alloc_kept (run, driver->n_items, error))
        {
          _hn_map_driver_clear (driver);
          return FALSE;
        }
    }
  return TRUE;
}

/* Loads item @index into @frame on top of the shared inputs, and checks nothing is missing.
 * Only the roots the plan reads are taken from the template, as new references: a frame holds
 * nothing its steps do not need. Apart from _hn_map_driver_begin_item() because
 * _hn_driver_check() loads items too, and a check fires no callback. Safe in several threads at
 * once: the template is only read. */
static gboolean
load_item (HnMapDriver  *driver,
           gsize         index,
           HnValue     **frame,
           GError      **error)
{
  HnRun *run = driver->run;
  const HnPlan *plan = run->plan;

  for (guint r = 0; r < plan->n_roots; r++)
    {
      guint slot = plan->root_slots[r];
      if (driver->template[slot] != NULL)
        frame[slot] = _hn_value_ref (driver->template[slot]);
    }

  return _hn_map_source_load_item (run->source, run->graph, index, frame, error) &&
         _hn_frame_check_missing (run->graph, plan, frame, (gint64) index, error);
}

/* "map item start" fires first, so an item that fails to load has been announced all the
 * same. */
gboolean
_hn_map_driver_begin_item (HnMapDriver  *driver,
                           gsize         index,
                           HnValue     **frame,
                           GError      **error)
{
  HnRun *run = driver->run;

  if (_hn_run_wants (run, HN_HOOK_MAP_ITEM_START))
    _hn_callbacks_map_item_start (run->callbacks, run->n_callbacks, index,
                                  hn_run_get_context (run));
  return load_item (driver, index, frame, error);
}

/* Each item writes only its own result slot (or its own row of run->kept), so the thread pool's
 * workers end items at once without a lock. An item of a plan with no steps is not "cached":
 * nothing was asked of the cache. */
gboolean
_hn_map_driver_end_item (HnMapDriver  *driver,
                         gsize         index,
                         HnValue     **frame,
                         gint64        started,
                         gboolean      all_cached,
                         GError      **error)
{
  HnRun *run = driver->run;

  if (driver->collect != NULL)
    driver->collect (driver, index, frame, driver->collect_data);
  else if (run->keep)
    _hn_frame_keep (run->plan, frame, run->kept + index * run->plan->n_outputs);
  else
    {
      driver->results[index] = _hn_frame_collect (run->graph, run->plan, frame, (gint64) index,
                                                   error);
      if (driver->results[index] == NULL)
        {
          _hn_frame_clear (run->graph, frame);
          return FALSE;
        }
    }
  _hn_frame_clear (run->graph, frame);

  if (!_hn_run_wants (run, HN_HOOK_MAP_ITEM_DONE))
    return TRUE;
  if (all_cached && run->plan->n_steps > 0)
    _hn_callbacks_map_item_cached (run->callbacks, run->n_callbacks, index,
                                   hn_run_get_context (run));
  else
    _hn_callbacks_map_item_end (run->callbacks, run->n_callbacks, index,
                                _hn_run_wants (run, HN_HOOK_MAP_ITEM_TIMED)
                                  ? (g_get_monotonic_time () - started) / (double) G_USEC_PER_SEC
                                  : 0.0,
                                hn_run_get_context (run));
  return TRUE;
}

/* The clock is read only when a callback wants item events. */
gboolean
_hn_map_driver_run_item (HnMapDriver  *driver,
                         gsize         index,
                         HnValue     **frame,
                         GError      **error)
{
  HnRun *run = driver->run;
  const HnPlan *plan = run->plan;
  gint64 started = _hn_run_wants (run, HN_HOOK_MAP_ITEM_TIMED) ? g_get_monotonic_time () : 0;
  gboolean all_cached = TRUE;
  gboolean ok = _hn_map_driver_begin_item (driver, index, frame, error);

  for (guint s = 0; ok && s < plan->n_steps; s++)
    {
      gboolean cached = FALSE;

      ok = _hn_invoke (run, plan->steps[s], frame, (gint64) index, &cached, error);
      all_cached &= cached;
    }

  if (ok)
    return _hn_map_driver_end_item (driver, index, frame, started, all_cached, error);
  _hn_frame_clear (run->graph, frame);
  return FALSE;
}

/* The results array keeps its slots NULL after, so that _hn_map_driver_clear() frees the array
 * alone. */
GVariant *
_hn_map_driver_finish (HnMapDriver *driver)
{
  GVariant *result;

  if (driver->run->keep)
    {
      /* the values are in the run: one shared empty dictionary per item */
      g_autoptr(GVariant) empty = empty_dict ();

      for (gsize i = 0; i < driver->n_items; i++)
        driver->results[i] = g_variant_ref (empty);
    }
  result = g_variant_ref_sink (g_variant_new_array (G_VARIANT_TYPE_VARDICT, driver->results,
                                                    driver->n_items));

  /* the array holds the items now */
  for (gsize i = 0; i < driver->n_items; i++)
    g_clear_pointer (&driver->results[i], g_variant_unref);
  return result;
}

/* Safe on a driver whose _hn_map_driver_init() failed (it was zeroed first), and twice. */
void
_hn_map_driver_clear (HnMapDriver *driver)
{
  if (driver->results != NULL)
    for (gsize i = 0; i < driver->n_items; i++)
      g_clear_pointer (&driver->results[i], g_variant_unref);
  g_clear_pointer (&driver->results, g_free);
  if (driver->template != NULL)
    _hn_frame_free (driver->run->graph, driver->template);
  driver->template = NULL;
  g_clear_pointer (&driver->run, hn_run_unref);
}

/* The items in order in this thread, with one frame for all of them:
 * _hn_map_driver_run_item() clears it after each, so g_free() is all it needs at the end. */
static gboolean
run_items (HnMapDriver  *driver,
           GError      **error)
{
  HnValue **frame = _hn_frame_new (driver->run->graph);
  gboolean ok = TRUE;

  for (gsize i = 0; ok && i < driver->n_items; i++)
    ok = _hn_map_driver_run_item (driver, i, frame, error);
  g_free (frame);
  return ok;
}

/* A cancellation (or timeout) during the last item fails the map too, as in _hn_driver_run(). */
GVariant *
_hn_driver_map (HnRun   *run,
                GError **error)
{
  HnMapDriver driver;
  GVariant *result = NULL;

  if (!_hn_map_driver_init (&driver, run, NULL, NULL, error))
    return NULL;
  if (run_items (&driver, error) &&
      (run->cancellable == NULL || !g_cancellable_set_error_if_cancelled (run->cancellable, error)))
    result = _hn_map_driver_finish (&driver);
  _hn_map_driver_clear (&driver);
  return result;
}

/* No check for a cancellation after the last item, unlike _hn_driver_map(): @collect has had
 * every item by then. */
gboolean
_hn_driver_map_collect (HnRun         *run,
                        HnMapCollect   collect,
                        gpointer       user_data,
                        GError       **error)
{
  HnMapDriver driver;
  gboolean ok;

  if (!_hn_map_driver_init (&driver, run, collect, user_data, error))
    return FALSE;
  ok = run_items (&driver, error);
  _hn_map_driver_clear (&driver);
  return ok;
}
