/* hn-run-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hn-map-source-private.h"
#include "hn-callback.h"
#include "hn-run.h"

G_BEGIN_DECLS

/* What the timer of a run with a timeout shares with it. */
typedef struct
{
  gatomicrefcount  ref_count;
  GCancellable    *cancellable;
  gint             timed_out;
  const char      *running;        /* the node last started */
} HnTimeout;

/* A run: everything one run or map of a pipeline needs, seen by every executor, the backend and
 * the invocation path. Made from a pipeline (hn-run-pipeline.c) or, for a nested pipeline, by the
 * pipeline node as a child of the run it is called in. Immutable once made, except for the
 * timeout state. */
struct _HnRun
{
  gatomicrefcount     ref_count;
  HnRun              *parent;        /* the run a pipeline node was called in, or NULL */
  HnRun              *root;          /* the outermost run (self for a root run) */
  HnGraph            *graph;
  HnPlan             *plan;
  HnPipeline         *pipeline;      /* for the getters and engine glue */
  HnRuntimeConfig    *config;
  HnExecutor         *executor;      /* scheduling this run */
  GVariant           *bound;         /* bound inputs, an a{sv}, or NULL */
  GVariant           *inputs;        /* given inputs (shared inputs of a map), or NULL */
  HnValueDict        *values;        /* inputs given as HnValues (a bridge), over @inputs */
  HnMapSource        *source;        /* the items of a map, NULL for a single run */
  char              **outputs;       /* requested outputs, NULL for all */
  GCancellable       *cancellable;   /* the caller's, or the run's own when it has a timeout */
  HnCallbackContext  *context;       /* made on first use */
  guint               retries;       /* extra attempts of a failing node call */
  HnCache            *cache;         /* borrowed from the config, or NULL */
  HnCallback * const *callbacks;     /* borrowed from the config */
  guint               n_callbacks;
  guint               events;        /* HnCallbackEvents the callbacks want in this run */
  /* For a child run: the pipeline node's name, and the item of the parent map it runs in. */
  char               *node_name;
  gint64              parent_item;
  gint64              started;       /* when a child run started */
  /* The map item a single run stands for (the composite executor's item runs), or -1. */
  gint64              item;
  gint                n_cached;      /* node calls answered by the cache */
  GThread            *thread;        /* that made the run, for messages (not a reference) */

  /* A run made with values keeps its results as values: plan->n_outputs per item; or, as
   * engine glue gave them, as host columns (one per output), whose values @kept gets on first
   * use (_hn_run_get_kept()). */
  gboolean            keep;
  HnValue           **kept;
  gsize               n_kept_items;
  guint               plan_n_outputs;
  HnHostColumn      **result_columns;

  GMutex              lock;
  GVariant           *merged;        /* bound and given inputs, made on first use */

  /* Timeout (root runs only). */
  double              timeout;
  GCancellable       *caller_cancellable;
  gulong              caller_handler;
  GSource            *timer;
  HnTimeout          *timeout_state;
};

/* What a run is made of, for _hn_run_new(): @plan, @bound, @inputs and @source are taken over
 * (@bound, @inputs and @source may be NULL); the rest is borrowed, and @cache and @callbacks
 * must outlive the run (they belong to @config). */
typedef struct
{
  HnGraph             *graph;
  HnPlan              *plan;
  HnPipeline          *pipeline;
  HnRuntimeConfig     *config;
  HnExecutor          *executor;
  GVariant            *bound;
  GVariant            *inputs;
  HnMapSource         *source;
  const char * const  *outputs;
  HnCallbackContext   *context;
  GCancellable        *cancellable;
  guint                retries;
  double               timeout;
  HnCache             *cache;
  HnCallback * const  *callbacks;
  guint                n_callbacks;
} HnRunSettings;

HnRun    *_hn_run_new              (const HnRunSettings *settings);
/* Item @item of @map_run as a single run of its own, with @values (taken) as its inputs, on
 * @executor: the same plan, callbacks, context, cache and cancellable; it keeps its results. */
HnRun    *_hn_run_new_item         (HnRun               *map_run,
                                    gint64               item,
                                    HnExecutor          *executor,
                                    HnValueDict         *values);
/* A run of a nested pipeline inside @parent: same cancellable and retries. */
HnRun    *_hn_run_new_child        (HnRun               *parent,
                                    HnGraph             *graph,
                                    HnPlan              *plan,
                                    HnPipeline          *pipeline,
                                    GVariant            *bound,
                                    HnMapSource         *source,
                                    const char          *node_name,
                                    gint64               parent_item);

/* The kept results of a single run as an a{sv} for callbacks: host values as data, or
 * described when they have no data form. */
GVariant *_hn_run_describe_results (HnRun               *run);
/* Whether the run has its results (as values or host columns). */
static inline gboolean
_hn_run_has_kept (HnRun *run)
{
  return g_atomic_pointer_get (&run->kept) != NULL || run->result_columns != NULL;
}
/* The kept results as values (made from the result columns on first use), or NULL. */
HnValue **_hn_run_get_kept         (HnRun               *run);
/* Makes room for the kept results of @n_items items (1 for a single run). */
gboolean  _hn_run_alloc_kept       (HnRun               *run,
                                    gsize                n_items,
                                    GError             **error);

static inline gboolean
_hn_run_wants (HnRun *run,
               guint  events)
{
  return (run->events & events) != 0;
}

static inline gboolean
_hn_run_is_cancelled (HnRun *run)
{
  return run->cancellable != NULL && g_cancellable_is_cancelled (run->cancellable);
}

/* Keeps the data an executor returned (an a{sv}; an aa{sv} for a map) as the run's results:
 * for a run made with values whose executor does not keep them itself (an engine). */
gboolean  _hn_run_keep_data        (HnRun               *run,
                                    GVariant            *result,
                                    GError             **error);
/* Frees the kept results and result columns. */
void      _hn_run_free_results     (HnRun               *run);
/* For a run whose results an executor set as values but whose caller wants data: the results
 * as an a{sv} (an aa{sv} for a map), the kept values dropped. */
GVariant *_hn_run_take_kept_as_data (HnRun              *run,
                                     GError            **error);

/* "outer › inner[3] › node" for a node of @run failing on @item (the map index in @run, or -1);
 * *@top_item is set to the item of the outermost map, or -1. */
char     *_hn_run_describe_node    (HnRun               *run,
                                    const char          *node,
                                    gint64               item,
                                    gint64              *top_item);
/* Turns a cancellation caused by the run's timeout into a timeout error naming the node that
 * was running. */
void      _hn_run_fix_error        (HnRun               *run,
                                    GError             **error);

/* ---- hn-run-pipeline.c: runs made from a pipeline ----------------------------------------- */

/* A run of @pipeline on @executor (NULL: the one of the pipeline's configuration), with its
 * retries, timeout, cache and callbacks. @inputs (sunk if floating) and @source are taken over; @bound says
 * whether the pipeline's bound inputs are added (not when @inputs hold them already). */
HnRun    *_hn_run_new_for_pipeline (HnPipeline         *pipeline,
                                    HnExecutor         *executor,
                                    gboolean            bound,
                                    GVariant           *inputs,
                                    HnMapSource        *source,
                                    const char * const *outputs,
                                    HnCallbackContext  *context,
                                    GCancellable       *cancellable,
                                    GError            **error);
/* A map of @pipeline over the arrays of @inputs named by @map_over (given or bound), as
 * hn_pipeline_map() takes them: no list of item dictionaries is built. */
HnRun    *_hn_run_new_map_for_pipeline (HnPipeline         *pipeline,
                                        GVariant           *inputs,
                                        const char * const *map_over,
                                        HnMapMode           mode,
                                        const char * const *outputs,
                                        GCancellable       *cancellable,
                                        GError            **error);
/* Starts @run (taken over) on @executor, or with its configuration's backend when @executor is
 * NULL, for the task of an async entry point whose source is @source; @run NULL means it could
 * not be made, and @error (taken) says why. */
void      _hn_run_execute_async    (gpointer             source,
                                    gpointer             source_tag,
                                    HnExecutor          *executor,
                                    HnRun               *run,
                                    GError              *error,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
/* A GAsyncReadyCallback whose user data is a GTask: completes it with what the backend or the
 * executor @source returned. */
void      _hn_run_task_done        (GObject             *source,
                                    GAsyncResult        *result,
                                    gpointer             user_data);

G_END_DECLS
