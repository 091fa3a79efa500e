/* fuzz-common.h: what the libFuzzer harnesses share
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <stdint.h>
#include <stdlib.h>
#include <glib.h>

int LLVMFuzzerInitialize    (int            *argc,
                             char         ***argv);
int LLVMFuzzerTestOneInput  (const uint8_t  *data,
                             size_t          size);

/* A GLib warning or critical is a failure like a crash: libFuzzer keeps the input. */
static inline void
fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_setenv ("G_DEBUG", "fatal-criticals", TRUE);
}

/* An error for bad input must be a GError with a valid UTF-8 message. */
static inline void
fuzz_check_error (gboolean    ok,
                  GError     *error,
                  const char *what)
{
  if (ok && error != NULL)
    g_error ("%s succeeded but set an error: %s", what, error->message);
  if (!ok && error == NULL)
    g_error ("%s failed without an error", what);
  if (error != NULL && !g_utf8_validate (error->message, -1, NULL))
    g_error ("%s: the error message is not valid UTF-8", what);
}

/* Splits @data at NUL bytes into at most @max strings (the last takes the rest). */
static inline char **
fuzz_split (const uint8_t *data,
            size_t         size,
            guint          max)
{
  GPtrArray *parts = g_ptr_array_new ();
  size_t start = 0;

  for (size_t i = 0; i <= size; i++)
    if (i == size || (data[i] == '\0' && parts->len + 1 < max))
      {
        g_ptr_array_add (parts, g_strndup ((const char *) data + start, i - start));
        start = i + 1;
      }
  g_ptr_array_add (parts, NULL);
  return (char **) g_ptr_array_free (parts, FALSE);
}
