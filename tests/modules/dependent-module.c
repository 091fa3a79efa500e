/* dependent-module.c: a node module that loads another one from its entry point
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gmodule.h>
#include <hypernodes/hypernodes.h>

G_MODULE_EXPORT gboolean hn_module_init (HnModule *module, GError **error);

G_MODULE_EXPORT gboolean
hn_module_init (HnModule  *module,
                GError   **error)
{
  g_autoptr(HnModule) base = hn_module_load ("hn-test-module", error);
  g_autoptr(HnPipeline) pipeline = NULL;
  HnNode *square;

  if (base == NULL)
    return FALSE;
  square = hn_module_get_node (base, "square");
  pipeline = hn_pipeline_new (&square, 1, error);
  if (pipeline == NULL)
    return FALSE;
  hn_module_add_pipeline (module, "square_only", pipeline);
  return TRUE;
}
