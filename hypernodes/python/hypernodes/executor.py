# SPDX-License-Identifier: LGPL-2.1-or-later
from . import Hn

Executor = Hn.Executor
SequentialExecutor = Hn.SequentialExecutor
ThreadPoolExecutor = Hn.ThreadPoolExecutor
AsyncExecutor = Hn.AsyncExecutor

__all__ = ["Executor", "SequentialExecutor", "ThreadPoolExecutor", "AsyncExecutor"]
