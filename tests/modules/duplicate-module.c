/* duplicate-module.c: a node module that registers two nodes with one name
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include <gmodule.h>
#include <hypernodes/hypernodes.h>

G_MODULE_EXPORT gboolean hn_module_init (HnModule *module, GError **error);

static GVariant *
same (GVariant * const *args, guint n_args, gpointer user_data, GError **error)
{
  return g_variant_ref (args[0]);
}

G_MODULE_EXPORT gboolean
hn_module_init (HnModule  *module,
                GError   **error)
{
  g_autoptr(HnNode) a = hn_function_node_new ("twin", (const char *[]) { "x", NULL },
                                              (const char *[]) { "y", NULL }, same, NULL, NULL);
  g_autoptr(HnNode) b = hn_function_node_new ("twin", (const char *[]) { "x", NULL },
                                              (const char *[]) { "z", NULL }, same, NULL, NULL);

  hn_module_add_node (module, a);
  hn_module_add_node (module, b);
  return TRUE;
}
