/* hn-port-types.c
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#include "config.h"

#include "hn-port-types-private.h"

/* Whether some value could have both types: the build-time check of connected ports. */
gboolean
_hn_port_types_intersect (const GVariantType *a,
                          const GVariantType *b)
{
  const char *sa = g_variant_type_peek_string (a);
  const char *sb = g_variant_type_peek_string (b);

  if (sa[0] == '*' || sb[0] == '*')
    return TRUE;

  if (sa[0] == '?' || sb[0] == '?')
    {
      const GVariantType *other = sa[0] == '?' ? b : a;
      return g_variant_type_is_basic (other);
    }

  if (sa[0] == 'r' || sb[0] == 'r')
    {
      const GVariantType *other = sa[0] == 'r' ? b : a;
      return g_variant_type_is_tuple (other);
    }

  if (sa[0] != sb[0])
    return FALSE;

  switch (sa[0])
    {
    case 'a':
    case 'm':
      return _hn_port_types_intersect (g_variant_type_element (a), g_variant_type_element (b));

    case '{':
      return _hn_port_types_intersect (g_variant_type_key (a), g_variant_type_key (b)) &&
             _hn_port_types_intersect (g_variant_type_value (a), g_variant_type_value (b));

    case '(':
      {
        const GVariantType *ia, *ib;

        if (g_variant_type_n_items (a) != g_variant_type_n_items (b))
          return FALSE;
        for (ia = g_variant_type_first (a), ib = g_variant_type_first (b);
             ia != NULL;
             ia = g_variant_type_next (ia), ib = g_variant_type_next (ib))
          if (!_hn_port_types_intersect (ia, ib))
            return FALSE;
        return TRUE;
      }

    default:
      return g_variant_type_equal (a, b);
    }
}

gboolean
_hn_port_type_is_any (const GVariantType *type)
{
  return g_variant_type_equal (type, G_VARIANT_TYPE_ANY);
}
