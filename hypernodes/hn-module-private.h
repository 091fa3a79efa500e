/* hn-module-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include "hn-module.h"

G_BEGIN_DECLS

gboolean _hn_module_check_file (const char  *path,
                                GError     **error);

G_END_DECLS
