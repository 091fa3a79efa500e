/* hn-port-types-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Port types are GVariantTypes; `*` accepts anything. Connected ports are checked when a graph is
 * built (like caps negotiation): they must admit a common value. */

gboolean _hn_port_types_intersect (const GVariantType *a,
                                   const GVariantType *b);
gboolean _hn_port_type_is_any     (const GVariantType *type);

G_END_DECLS
