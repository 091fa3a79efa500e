/* hn-python-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <gio/gio.h>

#include "hn-types.h"

G_BEGIN_DECLS

/* The engine executors hand their work to the optional hn-python module, loaded on first use.
 * @engine names the glue module (hypernodes._engines.ENGINE). The inputs of @run are checked
 * first. Returns the a{sv} of a run or the aa{sv} of a map. */
GVariant *_hn_python_run_engine (const char  *engine,
                                 GObject     *executor,
                                 HnRun       *run,
                                 GError     **error);

G_END_DECLS
