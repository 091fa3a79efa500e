# SPDX-License-Identifier: LGPL-2.1-or-later
"""Caches of node results: DiskCache(path) and MemoryCache(max_entries=0, max_bytes=0)."""

import gi

gi.require_version("Hn", "1")

from gi.repository import Hn  # noqa: E402

DiskCache = Hn.DiskCache
MemoryCache = Hn.MemoryCache
Cache = Hn.Cache

__all__ = ["Cache", "DiskCache", "MemoryCache"]
