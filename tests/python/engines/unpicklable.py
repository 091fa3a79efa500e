# SPDX-License-Identifier: LGPL-2.1-or-later
"""A value that cannot travel between processes names its node, output and item, on every
engine that moves values by pickle (Dask's processes and cluster, Ray, Daft)."""

import threading

import pytest
from gi.repository import Hn

from hypernodes import ExecutionError, Pipeline, node


@node(output_name="lock")
def make_lock(x: int):
    return threading.Lock() if x == 2 else x


def check(config):
    pipeline = Pipeline(nodes=[make_lock]).with_config(config)
    assert pipeline.run({"x": 1}) == {"lock": 1}

    with pytest.raises(ExecutionError) as info:
        pipeline.run({"x": 2})
    assert info.value.code == Hn.ExecutorError.NOT_SHIPPABLE
    assert ("Node “make_lock” returned a value for output “lock” that cannot be pickled"
            in str(info.value)), str(info.value)
    assert "cannot pickle '_thread.lock' object" in str(info.value)

    with pytest.raises(ExecutionError) as info:
        pipeline.map({"x": [1, 2, 3]}, map_over="x")
    assert info.value.code == Hn.ExecutorError.NOT_SHIPPABLE
    assert "Node “make_lock” on item 1 returned a value for output “lock”" in str(info.value)
