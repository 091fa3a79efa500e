/* hn-pipeline-node.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include "hn-error.h"
#include "hn-node.h"

G_BEGIN_DECLS

#define HN_TYPE_PIPELINE_NODE (hn_pipeline_node_get_type ())

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnPipelineNode, hn_pipeline_node, HN, PIPELINE_NODE, HnNode)

HN_AVAILABLE_IN_ALL
HnPipeline          *hn_pipeline_node_get_pipeline       (HnPipelineNode *self);
HN_AVAILABLE_IN_ALL
GVariant            *hn_pipeline_node_get_input_mapping  (HnPipelineNode *self);
HN_AVAILABLE_IN_ALL
GVariant            *hn_pipeline_node_get_output_mapping (HnPipelineNode *self);
HN_AVAILABLE_IN_ALL
const char * const  *hn_pipeline_node_get_map_over       (HnPipelineNode *self);
HN_AVAILABLE_IN_ALL
HnMapMode            hn_pipeline_node_get_map_mode       (HnPipelineNode *self);

G_END_DECLS
