/* hn-invoke-cache.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

/* The cache step of the invocation path: the key of a call, a lookup that stores a hit in the
 * frame, and the store of a result. A cache that cannot store, and a host value that has no
 * key, make the call uncached, never a failed run.
 *
 * Whether a node is cached at all (_hn_invoke_cacheable()) is decided inline in the header, on
 * the hot path; what is here runs only for the calls of cached nodes. Keys are the same in
 * every process, so that a disk cache is shared with the engines' workers. */

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "hn-cache.h"
#include "hn-callback-private.h"
#include "hn-invoke-private.h"
#include "hn-node-private.h"
#include "hn-value-private.h"

static void
checksum_string (GChecksum  *sum,
                 const char *s)
{
  guint64 len = s ? strlen (s) : G_MAXUINT64;

  /* length-prefixed, so no two different lists of strings hash alike; NULL (an input not
   * given, a node without version) has a length no string has */
  g_checksum_update (sum, (const guchar *) &len, sizeof len);
  if (s != NULL)
    g_checksum_update (sum, (const guchar *) s, len);
}

/* The cache key of a call: the node's identity and the serialized inputs with their types. No
 * addresses: the same call makes the same key in every process. A host value is keyed by the
 * data it converts to (for Python, its __cache_key__ or its pickle); one that cannot convert
 * makes the call uncacheable (NULL). */
char *
_hn_invoke_cache_key (HnGraphNode  *gn,
                      HnValue     **args)
{
  GChecksum *sum = g_checksum_new (G_CHECKSUM_SHA256);
  const char * const *outputs = hn_node_get_outputs (gn->node);
  char *key;

  /* the layout of the key: another layout never makes an equal one */
  checksum_string (sum, "hn-cache-1");
  checksum_string (sum, gn->name);
  for (guint o = 0; outputs[o] != NULL; o++)
    checksum_string (sum, outputs[o]);
  /* a new version of the node, or a rebuilt module (path, size, mtime), misses old entries */
  checksum_string (sum, hn_node_get_version (gn->node));
  checksum_string (sum, g_object_get_data (G_OBJECT (gn->node), "hn-build-id"));
  for (guint p = 0; p < gn->n_inputs; p++)
    {
      g_autoptr(GVariant) value = NULL;
      g_autoptr(GVariant) normal = NULL;
      g_autoptr(GError) error = NULL;
      guint64 size;

      if (args[p] == NULL)
        {
          checksum_string (sum, NULL);
          continue;
        }
      value = _hn_value_cache_key (args[p], &error);
      if (value == NULL)
        {
          g_debug ("Node “%s” is not cached for this call: input %u has no key: %s", gn->name,
                   p, error->message);
          g_checksum_free (sum);
          return NULL;
        }
      /* in normal form, so that equal values serialize to equal bytes */
      normal = g_variant_get_normal_form (value);
      size = g_variant_get_size (normal);
      checksum_string (sum, g_variant_get_type_string (normal));
      g_checksum_update (sum, (const guchar *) &size, sizeof size);
      g_checksum_update (sum, g_variant_get_data (normal), size);
    }
  key = g_strdup (g_checksum_get_string (sum));
  g_checksum_free (sum);
  return key;
}

/* On a hit, stores the cached result in @frame and fires "node cached". The entry goes
 * through the same split and store as a call's result, so that it reaches the frame checked
 * alike; the result array is on the stack for up to 4 outputs. */
gboolean
_hn_invoke_cache_lookup (HnRun        *run,
                         HnGraphNode  *gn,
                         const char   *key,
                         HnValue     **frame,
                         gint64        item)
{
  GVariant *hit = hn_cache_lookup (run->cache, key);
  HnValue *stack_results[4] = { NULL, };
  g_autofree HnValue **heap_results = NULL;
  HnValue **results = stack_results;
  GError *local = NULL;

  if (hit == NULL)
    return FALSE;
  if (gn->n_outputs > G_N_ELEMENTS (stack_results))
    results = heap_results = g_new0 (HnValue *, gn->n_outputs);
  /* the entry must fit the node's outputs; if not, the node runs and replaces it */
  if (!_hn_invoke_split_result (run, gn, hit, results, item, &local) ||
      !_hn_invoke_store (run, gn, frame, results, item, &local))
    {
      g_debug ("Cache entry %s does not fit node “%s”: %s", key, gn->name, local->message);
      g_error_free (local);
      return FALSE;
    }
  if (_hn_run_wants (run, HN_CALLBACK_EVENTS_NODES))
    _hn_callbacks_node_cached (run->callbacks, run->n_callbacks, gn->node, item, key,
                               hn_run_get_context (run));
  return TRUE;
}

/* The results as one variant, as callbacks and the cache see them: the single output, or a
 * tuple. Host values become data; @error is set if one cannot. */
static GVariant *
results_as_variant (HnGraphNode  *gn,
                    HnValue     **results,
                    GError      **error)
{
  g_autofree GVariant **variants = g_new0 (GVariant *, MAX (gn->n_outputs, 1));
  GVariant *result = NULL;
  guint o;

  for (o = 0; o < gn->n_outputs; o++)
    {
      variants[o] = _hn_value_to_variant (results[o], NULL, error);
      if (variants[o] == NULL)
        break;
    }
  if (o == gn->n_outputs)
    result = gn->n_outputs == 1 ? g_variant_ref (variants[0])
                                : g_variant_ref_sink (g_variant_new_tuple (variants,
                                                                           gn->n_outputs));
  _hn_invoke_free_variants (variants, gn->n_outputs);
  return result;
}

/* The results are stored as the data they convert to: one that cannot become data (a host
 * value of a type with no conversion) leaves the call uncached, with a debug message. */
void
_hn_invoke_cache_store (HnRun       *run,
                        HnGraphNode *gn,
                        const char  *key,
                        HnValue    **results)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) result = results_as_variant (gn, results, &error);

  if (result == NULL)
    {
      g_debug ("The result of node “%s” is not cached: %s", gn->name, error->message);
      return;
    }
  /* a cache that cannot store (a full disk) is a warning, not a failed run */
  if (!hn_cache_store (run->cache, key, result, &error))
    g_warning ("Cannot cache the result of node “%s”: %s", gn->name, error->message);
}
