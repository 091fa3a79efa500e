/* hn-json.h: JSON values for the hn tool
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <hypernodes/hypernodes.h>

G_BEGIN_DECLS

GVariant *hn_json_parse_value (const char          *name,
                               const GVariantType  *type,
                               const char          *text,
                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;
GVariant *hn_json_read_items  (HnPipeline          *pipeline,
                               const char          *path,
                               GError             **error) G_GNUC_WARN_UNUSED_RESULT;
char     *hn_json_print       (GVariant            *value) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
