/* fuzz-refusing-module.c: a node module whose entry point fails, for fuzz-module
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 *
 * It links GLib only, so that the fuzz harness, which has the library built in, can load it.
 */

#include <gmodule.h>

G_MODULE_EXPORT gboolean hn_module_init (gpointer   module,
                                         GError   **error);

G_MODULE_EXPORT gboolean
hn_module_init (gpointer   module,
                GError   **error)
{
  g_set_error_literal (error, g_quark_from_static_string ("hn-fuzz"), 1, "it refuses to load");
  return FALSE;
}
