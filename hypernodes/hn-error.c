/* hn-error.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "hn-error-private.h"

/**
 * hn_pipeline_error_quark:
 *
 * Gets the error domain of [error@PipelineError].
 *
 * Returns: the error domain
 */
G_DEFINE_QUARK (hn-pipeline-error-quark, hn_pipeline_error)
/**
 * hn_node_error_quark:
 *
 * Gets the error domain of [error@NodeError].
 *
 * Returns: the error domain
 */
typedef struct
{
  GError *cause;
} HnNodeErrorPrivate;

static void
hn_node_error_private_init (HnNodeErrorPrivate *priv)
{
  priv->cause = NULL;
}

static void
hn_node_error_private_copy (const HnNodeErrorPrivate *src,
                            HnNodeErrorPrivate       *dest)
{
  dest->cause = src->cause ? g_error_copy (src->cause) : NULL;
}

static void
hn_node_error_private_clear (HnNodeErrorPrivate *priv)
{
  g_clear_error (&priv->cause);
}

/* An extended domain (as G_DEFINE_EXTENDED_ERROR makes one, but under the domain's existing
 * name): a node failure carries the node's own error. */
static inline HnNodeErrorPrivate *
hn_node_error_get_private (const GError *error)
{
  const gsize sa = 2 * sizeof (gsize);
  const gsize as = (sizeof (HnNodeErrorPrivate) + (sa - 1)) & -sa;

  return (HnNodeErrorPrivate *) (((guint8 *) error) - as);
}

static void
node_error_init (GError *error)
{
  hn_node_error_private_init (hn_node_error_get_private (error));
}

static void
node_error_copy (const GError *src,
                 GError       *dest)
{
  hn_node_error_private_copy (hn_node_error_get_private (src), hn_node_error_get_private (dest));
}

static void
node_error_clear (GError *error)
{
  hn_node_error_private_clear (hn_node_error_get_private (error));
}

GQuark
hn_node_error_quark (void)
{
  static GQuark q;
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      q = g_error_domain_register_static ("hn-node-error-quark", sizeof (HnNodeErrorPrivate),
                                          node_error_init, node_error_copy, node_error_clear);
      g_once_init_leave (&initialized, 1);
    }
  return q;
}

/**
 * hn_node_error_get_cause:
 * @error: a [struct@GLib.Error]
 *
 * Gets the error a node itself set, which made the run fail with @error, a
 * [error@NodeError.FAILED] that names the node and item. Language bridges use it to raise the
 * node's own exception.
 *
 * Returns: (transfer none) (nullable): the node's error, or %NULL if @error has none
 */
const GError *
hn_node_error_get_cause (const GError *error)
{
  HnNodeErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != HN_NODE_ERROR)
    return NULL;
  priv = hn_node_error_get_private (error);
  return priv->cause;
}

void
_hn_node_error_set_cause (GError       *error,
                          const GError *cause)
{
  HnNodeErrorPrivate *priv = hn_node_error_get_private (error);

  g_clear_error (&priv->cause);
  priv->cause = g_error_copy (cause);
}
/**
 * hn_executor_error_quark:
 *
 * Gets the error domain of [error@ExecutorError].
 *
 * Returns: the error domain
 */
G_DEFINE_QUARK (hn-executor-error-quark, hn_executor_error)

G_DEFINE_ENUM_TYPE (HnPipelineError, hn_pipeline_error,
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_CYCLE, "cycle"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_DUPLICATE_OUTPUT, "duplicate-output"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_DUPLICATE_NODE, "duplicate-node"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_INVALID_NODE, "invalid-node"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_MISSING_INPUT, "missing-input"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_UNKNOWN_OUTPUT, "unknown-output"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_UNKNOWN_INPUT, "unknown-input"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_TYPE_MISMATCH, "type-mismatch"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_INVALID_INPUTS, "invalid-inputs"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_MAP_NOT_ARRAY, "map-not-array"),
  G_DEFINE_ENUM_VALUE (HN_PIPELINE_ERROR_MAP_LENGTH_MISMATCH, "map-length-mismatch"))

G_DEFINE_ENUM_TYPE (HnNodeError, hn_node_error,
  G_DEFINE_ENUM_VALUE (HN_NODE_ERROR_FAILED, "failed"),
  G_DEFINE_ENUM_VALUE (HN_NODE_ERROR_INVALID_RESULT, "invalid-result"),
  G_DEFINE_ENUM_VALUE (HN_NODE_ERROR_TIMEOUT, "timeout"))

G_DEFINE_ENUM_TYPE (HnExecutorError, hn_executor_error,
  G_DEFINE_ENUM_VALUE (HN_EXECUTOR_ERROR_ENGINE_MISSING, "engine-missing"),
  G_DEFINE_ENUM_VALUE (HN_EXECUTOR_ERROR_NOT_SHIPPABLE, "not-shippable"),
  G_DEFINE_ENUM_VALUE (HN_EXECUTOR_ERROR_ENGINE_FAILED, "engine-failed"),
  G_DEFINE_ENUM_VALUE (HN_EXECUTOR_ERROR_RUNNER_CONFLICT, "runner-conflict"),
  G_DEFINE_ENUM_VALUE (HN_EXECUTOR_ERROR_INVALID_CONFIG, "invalid-config"))

G_DEFINE_ENUM_TYPE (HnMapMode, hn_map_mode,
  G_DEFINE_ENUM_VALUE (HN_MAP_MODE_ZIP, "zip"),
  G_DEFINE_ENUM_VALUE (HN_MAP_MODE_PRODUCT, "product"))

char *
_hn_error_show (const char *text)
{
  g_autofree char *valid = g_filename_display_name (text);
  GString *out = g_string_new (NULL);
  guint n = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (n == 200)
        {
          glong rest = g_utf8_strlen (p, -1);

          g_string_append_printf (out, g_dngettext (GETTEXT_PACKAGE, "… (%ld more character)",
                                                    "… (%ld more characters)", rest),
                                  rest);
          break;
        }
      if (g_unichar_iscntrl (c))
        g_string_append_printf (out, "\\x%02x", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}
