# SPDX-License-Identifier: LGPL-2.1-or-later
"""How a pipeline runs: the Executor interface and the native executors (SequentialExecutor,
ThreadPoolExecutor, AsyncExecutor, and CompositeExecutor, which gives a map's items to one
executor and the nodes of each item to another). DaftExecutor, DaskExecutor and RayExecutor
are in hypernodes.daft_executor, hypernodes.dask_executor and hypernodes.ray_executor."""

import gi

gi.require_version("Hn", "1")

from gi.repository import Hn

Executor = Hn.Executor
SequentialExecutor = Hn.SequentialExecutor
ThreadPoolExecutor = Hn.ThreadPoolExecutor
AsyncExecutor = Hn.AsyncExecutor
CompositeExecutor = Hn.CompositeExecutor

__all__ = ["Executor", "SequentialExecutor", "ThreadPoolExecutor", "AsyncExecutor",
           "CompositeExecutor"]
