/* hn-tsan-private.h
 *
 * Copyright 2026 The hypernodes authors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* GLib is not built with ThreadSanitizer, and on Linux its GMutex, GCond and GAsyncQueue use
 * futexes TSan cannot see. These wrappers tell TSan about the happens-before edges they create,
 * so that a TSan build of this library reports real races only. They cost nothing otherwise. */

#if defined(__SANITIZE_THREAD__)
# define HN_HAVE_TSAN 1
#elif defined(__has_feature)
# if __has_feature(thread_sanitizer)
#  define HN_HAVE_TSAN 1
# endif
#endif

#ifdef HN_HAVE_TSAN
void __tsan_acquire (void *addr);
void __tsan_release (void *addr);
# define HN_TSAN_ACQUIRE(addr) __tsan_acquire ((void *) (addr))
# define HN_TSAN_RELEASE(addr) __tsan_release ((void *) (addr))
#else
# define HN_TSAN_ACQUIRE(addr) G_STMT_START { } G_STMT_END
# define HN_TSAN_RELEASE(addr) G_STMT_START { } G_STMT_END
#endif

static inline void
hn_mutex_lock (GMutex *mutex)
{
  g_mutex_lock (mutex);
  HN_TSAN_ACQUIRE (mutex);
}

static inline void
hn_mutex_unlock (GMutex *mutex)
{
  HN_TSAN_RELEASE (mutex);
  g_mutex_unlock (mutex);
}

static inline void
hn_cond_wait (GCond  *cond,
              GMutex *mutex)
{
  HN_TSAN_RELEASE (mutex);
  g_cond_wait (cond, mutex);
  HN_TSAN_ACQUIRE (mutex);
}

/* Reference counts of the library's own structures, counted inline: GLib's
 * g_atomic_ref_count_inc() and _dec() are function calls unless GLib's checks are disabled, and
 * values are counted several times per node call. The last reference sees every earlier one. */
static inline void
hn_ref_count_inc (gatomicrefcount *ref_count)
{
  g_atomic_int_inc (ref_count);
}

static inline gboolean
hn_ref_count_dec (gatomicrefcount *ref_count)
{
  HN_TSAN_RELEASE (ref_count);
  if (!g_atomic_int_dec_and_test (ref_count))
    return FALSE;
  HN_TSAN_ACQUIRE (ref_count);
  return TRUE;
}

G_END_DECLS
