/* hn-pipeline.h
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
#include "hn-version-macros.h"

G_BEGIN_DECLS

#define HN_TYPE_PIPELINE (hn_pipeline_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnPipeline, hn_pipeline, HN, PIPELINE, GObject)

HN_AVAILABLE_IN_ALL
HnPipeline          *hn_pipeline_new                    (HnNode * const      *nodes,
                                                         guint                n_nodes,
                                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
HnPipeline          *hn_pipeline_new_named              (const char          *name,
                                                         HnNode * const      *nodes,
                                                         guint                n_nodes,
                                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
const char          *hn_pipeline_get_name               (HnPipeline          *self);
HN_AVAILABLE_IN_ALL
HnNode             **hn_pipeline_get_nodes              (HnPipeline          *self,
                                                         guint               *n_nodes);
HN_AVAILABLE_IN_ALL
HnNode              *hn_pipeline_get_node               (HnPipeline          *self,
                                                         const char          *name);
HN_AVAILABLE_IN_ALL
const char * const  *hn_pipeline_get_root_inputs        (HnPipeline          *self);
HN_AVAILABLE_IN_ALL
const char * const  *hn_pipeline_get_unfulfilled_inputs (HnPipeline          *self);
HN_AVAILABLE_IN_ALL
const char * const  *hn_pipeline_get_outputs            (HnPipeline          *self);
HN_AVAILABLE_IN_ALL
const char * const  *hn_pipeline_get_topological_order  (HnPipeline          *self);
HN_AVAILABLE_IN_ALL
char               **hn_pipeline_get_required_inputs    (HnPipeline          *self,
                                                         const char * const  *outputs,
                                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
gboolean             hn_pipeline_check_inputs           (HnPipeline          *self,
                                                         GVariant            *inputs,
                                                         const char * const  *outputs,
                                                         GError             **error);
HN_AVAILABLE_IN_ALL
gboolean             hn_pipeline_check_items            (HnPipeline          *self,
                                                         GVariant            *items,
                                                         GVariant            *inputs,
                                                         const char * const  *outputs,
                                                         GError             **error);
HN_AVAILABLE_IN_ALL
HnRuntimeConfig     *hn_pipeline_get_config             (HnPipeline          *self);
HN_AVAILABLE_IN_ALL
HnPipeline          *hn_pipeline_with_config            (HnPipeline          *self,
                                                         HnRuntimeConfig     *config) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
GVariant            *hn_pipeline_get_bound_inputs       (HnPipeline          *self);
HN_AVAILABLE_IN_ALL
HnPipeline          *hn_pipeline_bind                   (HnPipeline          *self,
                                                         GVariant            *values,
                                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
HnPipeline          *hn_pipeline_unbind                 (HnPipeline          *self,
                                                         const char * const  *names) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
HnNode              *hn_pipeline_as_node                (HnPipeline          *self,
                                                         const char          *name,
                                                         GVariant            *input_mapping,
                                                         GVariant            *output_mapping,
                                                         const char * const  *map_over,
                                                         HnMapMode            map_mode,
                                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;

HN_AVAILABLE_IN_ALL
GVariant            *hn_pipeline_run                    (HnPipeline          *self,
                                                         GVariant            *inputs,
                                                         const char * const  *outputs,
                                                         GCancellable        *cancellable,
                                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
void                 hn_pipeline_run_async              (HnPipeline          *self,
                                                         GVariant            *inputs,
                                                         const char * const  *outputs,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
HN_AVAILABLE_IN_ALL
GVariant            *hn_pipeline_run_finish             (HnPipeline          *self,
                                                         GAsyncResult        *result,
                                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
GVariant            *hn_pipeline_map                    (HnPipeline          *self,
                                                         GVariant            *inputs,
                                                         const char * const  *map_over,
                                                         HnMapMode            mode,
                                                         const char * const  *outputs,
                                                         GCancellable        *cancellable,
                                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
void                 hn_pipeline_map_async              (HnPipeline          *self,
                                                         GVariant            *inputs,
                                                         const char * const  *map_over,
                                                         HnMapMode            mode,
                                                         const char * const  *outputs,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
HN_AVAILABLE_IN_ALL
GVariant            *hn_pipeline_map_finish             (HnPipeline          *self,
                                                         GAsyncResult        *result,
                                                         GError             **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
