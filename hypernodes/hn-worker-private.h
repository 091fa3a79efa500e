/* hn-worker-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs @func (@data) on a thread owned by the library, from a bounded pool (at least 8 threads,
 * 4 per processor): the default asynchronous methods of executors and backends run there. */
void _hn_worker_push (GFunc    func,
                      gpointer data);

G_END_DECLS
