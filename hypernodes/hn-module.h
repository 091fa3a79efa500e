/* hn-module.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#if !defined(HYPERNODES_INSIDE) && !defined(HYPERNODES_COMPILATION)
# error "Only <hypernodes/hypernodes.h> can be included directly."
#endif

#include <gio/gio.h>

#include "hn-types.h"
#include "hn-version-macros.h"

G_BEGIN_DECLS

/**
 * HN_MODULE_ERROR:
 *
 * Error domain for loading node modules. Errors in this domain are from the [error@ModuleError]
 * enumeration.
 */
#define HN_MODULE_ERROR (hn_module_error_quark ())

/**
 * HnModuleError:
 * @HN_MODULE_ERROR_NOT_FOUND: no module file by that path or name
 * @HN_MODULE_ERROR_INVALID: the file cannot be loaded, or has no `hn_module_init` entry point
 * @HN_MODULE_ERROR_INIT_FAILED: the module's entry point reported an error
 *
 * Errors about node modules.
 */
typedef enum
{
  HN_MODULE_ERROR_NOT_FOUND,
  HN_MODULE_ERROR_INVALID,
  HN_MODULE_ERROR_INIT_FAILED,
} HnModuleError;

#define HN_TYPE_MODULE_ERROR (hn_module_error_get_type ())
#define HN_TYPE_MODULE (hn_module_get_type ())

HN_AVAILABLE_IN_ALL
GQuark hn_module_error_quark    (void);
HN_AVAILABLE_IN_ALL
GType  hn_module_error_get_type (void) G_GNUC_CONST;

HN_AVAILABLE_IN_ALL
G_DECLARE_FINAL_TYPE (HnModule, hn_module, HN, MODULE, GObject)

/**
 * HnModuleInitFunc:
 * @module: the module being loaded
 * @error: return location for a [struct@GLib.Error]
 *
 * The entry point of a node module, exported as `hn_module_init`. It creates the module's nodes
 * and pipelines and adds them with [method@Module.add_node] and [method@Module.add_pipeline].
 * It runs once per process; it must build the same nodes every time, so that another process
 * that loads the module gets the same pipelines.
 *
 * Returns: %TRUE on success
 */
typedef gboolean (*HnModuleInitFunc) (HnModule  *module,
                                      GError   **error);

HN_AVAILABLE_IN_ALL
HnModule    *hn_module_load            (const char   *name_or_path,
                                        GError      **error);
HN_AVAILABLE_IN_ALL
const char  *hn_module_get_path        (HnModule     *self);
HN_AVAILABLE_IN_ALL
void         hn_module_add_node        (HnModule     *self,
                                        HnNode       *node);
HN_AVAILABLE_IN_ALL
void         hn_module_add_pipeline    (HnModule     *self,
                                        const char   *name,
                                        HnPipeline   *pipeline);
HN_AVAILABLE_IN_ALL
HnNode      *hn_module_get_node        (HnModule     *self,
                                        const char   *name);
HN_AVAILABLE_IN_ALL
HnPipeline  *hn_module_get_pipeline    (HnModule     *self,
                                        const char   *name);
HN_AVAILABLE_IN_ALL
char       **hn_module_list_nodes      (HnModule     *self) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
char       **hn_module_list_pipelines  (HnModule     *self) G_GNUC_WARN_UNUSED_RESULT;
HN_AVAILABLE_IN_ALL
gboolean     hn_module_get_node_origin (HnNode       *node,
                                        char        **path,
                                        char        **name);

G_END_DECLS
