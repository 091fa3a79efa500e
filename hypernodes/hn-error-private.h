/* hn-error-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-error.h"

G_BEGIN_DECLS

/* Attaches a copy of @cause to @error, a HN_NODE_ERROR, for hn_node_error_get_cause(). */
void _hn_node_error_set_cause (GError       *error,
                               const GError *cause);

G_END_DECLS
