# SPDX-License-Identifier: LGPL-2.1-or-later
"""How a pipeline runs: the Executor interface and the native executors (SequentialExecutor,
ThreadPoolExecutor, AsyncExecutor). DaftExecutor is in hypernodes.daft_executor."""

import gi

gi.require_version("Hn", "1")

from gi.repository import Hn

Executor = Hn.Executor
SequentialExecutor = Hn.SequentialExecutor
ThreadPoolExecutor = Hn.ThreadPoolExecutor
AsyncExecutor = Hn.AsyncExecutor

__all__ = ["Executor", "SequentialExecutor", "ThreadPoolExecutor", "AsyncExecutor"]
