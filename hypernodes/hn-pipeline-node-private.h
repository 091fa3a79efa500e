/* hn-pipeline-node-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-pipeline-node.h"

G_BEGIN_DECLS

/* A pipeline node of @self, as hn_pipeline_as_node() documents it (that is its public face, on
 * HnPipeline). */
HnNode *_hn_pipeline_node_new (HnPipeline          *self,
                               const char          *name,
                               GVariant            *input_mapping,
                               GVariant            *output_mapping,
                               const char * const  *map_over,
                               HnMapMode            map_mode,
                               GError             **error);

G_END_DECLS
