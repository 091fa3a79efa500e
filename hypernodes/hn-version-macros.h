/* hn-version-macros.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include <glib.h>

#ifndef _HN_EXTERN
# define _HN_EXTERN extern
#endif

#define HN_VERSION_0_1 (G_ENCODE_VERSION (0, 1))

#define HN_AVAILABLE_IN_ALL _HN_EXTERN
#define HN_AVAILABLE_IN_0_1 _HN_EXTERN
