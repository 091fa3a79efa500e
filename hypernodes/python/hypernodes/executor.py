# SPDX-License-Identifier: LGPL-2.1-or-later
import gi

gi.require_version("Hn", "1")

from gi.repository import Hn

Executor = Hn.Executor
SequentialExecutor = Hn.SequentialExecutor
ThreadPoolExecutor = Hn.ThreadPoolExecutor
AsyncExecutor = Hn.AsyncExecutor

__all__ = ["Executor", "SequentialExecutor", "ThreadPoolExecutor", "AsyncExecutor"]
