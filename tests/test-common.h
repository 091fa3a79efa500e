/* test-common.h: nodes shared by the tests
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <hypernodes/hypernodes.h>

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })

/* Counts calls of the node functions; reset by tests that check pruning. */
extern gint test_calls_double;
extern gint test_calls_add_one;
extern gint test_calls_square;

HnNode   *test_double_node  (void);   /* x -> doubled = 2x */
HnNode   *test_add_one_node (void);   /* doubled -> result = doubled + 1 */
HnNode   *test_square_node  (void);   /* x -> squared = x * x */
HnNode   *test_int_node     (const char *name,
                             const char *input,
                             const char *output,
                             gint64      add);  /* output = input + add */

GVariant *test_inputs_x     (gint64      x);
gint64    test_lookup_int   (GVariant   *dict,
                             const char *key);
