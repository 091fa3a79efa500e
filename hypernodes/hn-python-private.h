/* hn-python-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The engine executors hand their work to the optional hn-python module, loaded on first use.
 * @engine names the glue module (hypernodes._engines.ENGINE); @items is NULL for a run. Returns
 * the a{sv} of a run or the aa{sv} of a map. */
GVariant *_hn_python_run_engine (const char          *engine,
                                 GObject             *executor,
                                 GObject             *pipeline,
                                 GVariant            *items,
                                 GVariant            *inputs,
                                 const char * const  *outputs,
                                 GCancellable        *cancellable,
                                 GError             **error);

G_END_DECLS
