/* hn-pipeline-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-graph-private.h"
#include "hn-pipeline.h"

G_BEGIN_DECLS

HnGraph *_hn_pipeline_get_graph (HnPipeline *pipeline);

G_END_DECLS
