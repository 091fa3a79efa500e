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
/* GLib ends on a fatal message with a breakpoint (SIGTRAP), which libFuzzer does not catch, so
 * it would keep no artifact: end with abort() instead, which it does catch. */
static GLogWriterOutput
fuzz_log_writer (GLogLevelFlags   level,
                 const GLogField *fields,
                 gsize            n_fields,
                 gpointer         user_data)
{
  GLogWriterOutput out = g_log_writer_standard_streams (level, fields, n_fields, user_data);

  if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    abort ();
  return out;
}

static inline void
fuzz_init (void)
{
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_setenv ("G_DEBUG", "fatal-criticals", TRUE);
  g_log_set_writer_func (fuzz_log_writer, NULL, NULL);
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
