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

/* @text (a name, a path, a value a user gave) as a message shows it: valid UTF-8 (a file name
 * in the display encoding), control characters escaped so that a message stays one line, and
 * cut with a mark past 200 characters. Free with g_free(). */
char *_hn_error_show          (const char   *text) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
