/* hn-run.h
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

#include "hn-error.h"
#include "hn-types.h"
#include "hn-value.h"
#include "hn-version-macros.h"

G_BEGIN_DECLS

#define HN_TYPE_RUN (hn_run_get_type ())

HN_AVAILABLE_IN_ALL
GType               hn_run_get_type        (void) G_GNUC_CONST;

HN_AVAILABLE_IN_ALL
HnRun              *hn_run_new             (HnPipeline          *pipeline,
                                            GVariant            *inputs,
                                            const char * const  *outputs,
                                            HnCallbackContext   *context,
                                            GCancellable        *cancellable,
                                            GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
HnRun              *hn_run_new_map         (HnPipeline          *pipeline,
                                            GVariant            *items,
                                            GVariant            *inputs,
                                            const char * const  *outputs,
                                            HnCallbackContext   *context,
                                            GCancellable        *cancellable,
                                            GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
HnRun              *hn_run_new_values      (HnPipeline          *pipeline,
                                            guint                n_values,
                                            const char * const  *names,
                                            HnValue * const     *values,
                                            const char * const  *outputs,
                                            GCancellable        *cancellable,
                                            GError             **error);
HN_AVAILABLE_IN_ALL
HnRun              *hn_run_new_map_values  (HnPipeline          *pipeline,
                                            guint                n_values,
                                            const char * const  *names,
                                            HnValue * const     *values,
                                            const char * const  *map_over,
                                            HnValue * const * const *columns,
                                            const gsize         *lengths,
                                            HnMapMode            mode,
                                            const char * const  *outputs,
                                            GCancellable        *cancellable,
                                            GError             **error);
HN_AVAILABLE_IN_ALL
HnRun              *hn_run_new_map_columns (HnPipeline          *pipeline,
                                            guint                n_values,
                                            const char * const  *names,
                                            HnValue * const     *values,
                                            const char * const  *map_over,
                                            const HnHostType    *type,
                                            gpointer const      *columns,
                                            const gsize         *lengths,
                                            HnMapMode            mode,
                                            const char * const  *outputs,
                                            GCancellable        *cancellable,
                                            GError             **error);
HN_AVAILABLE_IN_ALL
gboolean            hn_run_execute_values  (HnRun               *self,
                                            GError             **error);
HN_AVAILABLE_IN_ALL
HnValue * const    *hn_run_get_result_values (HnRun             *self,
                                              gsize              item,
                                              guint             *n_values);
HN_AVAILABLE_IN_ALL
char              **hn_run_dup_result_names  (HnRun             *self) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
HnRun              *hn_run_ref             (HnRun               *self);
HN_AVAILABLE_IN_ALL
void                hn_run_unref           (HnRun               *self);
HN_AVAILABLE_IN_ALL
HnPipeline         *hn_run_get_pipeline    (HnRun               *self);
HN_AVAILABLE_IN_ALL
HnRuntimeConfig    *hn_run_get_config      (HnRun               *self);
HN_AVAILABLE_IN_ALL
HnExecutor         *hn_run_get_executor    (HnRun               *self);
HN_AVAILABLE_IN_ALL
gboolean            hn_run_is_map          (HnRun               *self);
HN_AVAILABLE_IN_ALL
GVariant           *hn_run_get_inputs      (HnRun               *self);
HN_AVAILABLE_IN_ALL
GVariant           *hn_run_get_items       (HnRun               *self);
HN_AVAILABLE_IN_ALL
gsize               hn_run_get_n_items     (HnRun               *self);
HN_AVAILABLE_IN_ALL
const char * const *hn_run_get_outputs     (HnRun               *self);
HN_AVAILABLE_IN_ALL
HnCallbackContext  *hn_run_get_context     (HnRun               *self);
HN_AVAILABLE_IN_ALL
GCancellable       *hn_run_get_cancellable (HnRun               *self);
HN_AVAILABLE_IN_ALL
HnRun              *hn_run_get_parent      (HnRun               *self);
HN_AVAILABLE_IN_ALL
GVariant           *hn_run_invoke_node     (HnRun               *self,
                                            HnNode              *node,
                                            GVariant * const    *args,
                                            guint                n_args,
                                            gint64               item,
                                            GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
gboolean            hn_run_invoke_node_values (HnRun            *self,
                                               HnNode           *node,
                                               gsize             n_rows,
                                               HnValue * const  *args,
                                               const gint64     *items,
                                               HnValue         **results,
                                               gsize            *n_done,
                                               gboolean         *cached,
                                               GError          **error);
HN_AVAILABLE_IN_ALL
gboolean            hn_run_get_input_values  (HnRun             *self,
                                              gssize             first_item,
                                              gsize              n_items,
                                              guint              n_names,
                                              const char * const *names,
                                              HnValue          **values,
                                              GError           **error);
HN_AVAILABLE_IN_ALL
gboolean            hn_run_set_result_values (HnRun             *self,
                                              gsize              n_items,
                                              HnValue * const   *values,
                                              GError           **error);
HN_AVAILABLE_IN_ALL
gpointer            hn_run_get_input_column  (HnRun             *self,
                                              const char        *name,
                                              const HnHostType  *type);
HN_AVAILABLE_IN_ALL
gboolean            hn_run_set_result_columns (HnRun            *self,
                                               gsize             n_items,
                                               const HnHostType *type,
                                               gpointer const   *columns,
                                               GError          **error);
HN_AVAILABLE_IN_ALL
gpointer            hn_run_get_result_column (HnRun             *self,
                                              guint              output,
                                              const HnHostType  *type);
HN_AVAILABLE_IN_ALL
void                hn_run_report_node_call  (HnRun             *self,
                                              HnNode            *node,
                                              gint64             item,
                                              GVariant * const  *args,
                                              guint              n_args,
                                              GVariant          *result,
                                              double             duration,
                                              const char        *signature);
HN_AVAILABLE_IN_ALL
void                hn_run_report_node_error (HnRun             *self,
                                              HnNode            *node,
                                              gint64             item,
                                              const char        *domain,
                                              int                code,
                                              const char        *message);
HN_AVAILABLE_IN_ALL
gboolean            hn_run_wants_node_events (HnRun             *self);
HN_AVAILABLE_IN_ALL
gboolean            hn_run_wants_item_events (HnRun             *self);
HN_AVAILABLE_IN_ALL
void                hn_run_report_map_item_start (HnRun         *self,
                                                  gsize          item);
HN_AVAILABLE_IN_ALL
void                hn_run_report_map_item   (HnRun             *self,
                                              gsize              item,
                                              double             duration,
                                              gboolean           cached);
HN_AVAILABLE_IN_ALL
gboolean            hn_run_check           (HnRun               *self,
                                            GError             **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HnRun, hn_run_unref)

G_END_DECLS
