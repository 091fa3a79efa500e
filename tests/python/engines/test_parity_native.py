# SPDX-License-Identifier: LGPL-2.1-or-later
"""The shared parity matrix of parity.py on the library's own executors: the thread pool, the
async executor and the composite executor give what the sequential executor gives (results,
error kinds, callback events and cache hits), as the engine executors do in test_daft_*.py,
test_dask.py and test_ray.py."""

import pytest

import parity
from hypernodes.config import RuntimeConfig
from hypernodes.executor import AsyncExecutor, CompositeExecutor, ThreadPoolExecutor

EXECUTORS = {
    "thread-pool": lambda: ThreadPoolExecutor(2),
    "async": lambda: AsyncExecutor(8),
    "composite-pool-async": lambda: CompositeExecutor(ThreadPoolExecutor(2), AsyncExecutor(8)),
    "composite-async-pool": lambda: CompositeExecutor(AsyncExecutor(8), ThreadPoolExecutor(2)),
}


@pytest.mark.parametrize("case", sorted(parity.CASES))
@pytest.mark.parametrize("executor", sorted(EXECUTORS))
def test_parity(executor, case):
    parity.check_case(case, RuntimeConfig(executor=EXECUTORS[executor]()))


@pytest.mark.parametrize("case", sorted(parity.ERROR_CASES))
@pytest.mark.parametrize("executor", sorted(EXECUTORS))
def test_parity_errors(executor, case):
    parity.check_error_case(case, RuntimeConfig(executor=EXECUTORS[executor]()), False)


@pytest.mark.parametrize("executor", sorted(EXECUTORS))
def test_parity_callbacks_and_cache(executor, tmp_path):
    parity.check_callbacks_and_cache(EXECUTORS[executor](), tmp_path)
