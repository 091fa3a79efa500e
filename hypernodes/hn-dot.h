/* hn-dot.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include <glib-object.h>

#include "hn-types.h"
#include "hn-version-macros.h"

G_BEGIN_DECLS

/**
 * HnDotFlags:
 * @HN_DOT_FLAGS_NONE: nested pipelines drawn as clusters of their nodes, ports without types
 * @HN_DOT_FLAGS_COLLAPSE_NESTED: draw each nested pipeline ([class@PipelineNode]) as one box
 *   with its inputs and outputs, not as a cluster of its nodes
 * @HN_DOT_FLAGS_TYPES: show the declared type of each port (`*` where any value is allowed)
 *
 * How [method@Pipeline.to_dot] draws a pipeline.
 */
typedef enum /*< flags >*/
{
  HN_DOT_FLAGS_NONE             = 0,
  HN_DOT_FLAGS_COLLAPSE_NESTED  = 1 << 0,
  HN_DOT_FLAGS_TYPES            = 1 << 1,
} HnDotFlags;

#define HN_TYPE_DOT_FLAGS (hn_dot_flags_get_type ())

HN_AVAILABLE_IN_ALL
GType  hn_dot_flags_get_type (void) G_GNUC_CONST;

HN_AVAILABLE_IN_ALL
char  *hn_pipeline_to_dot    (HnPipeline *self,
                              HnDotFlags  flags) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
