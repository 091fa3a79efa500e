# SPDX-License-Identifier: LGPL-2.1-or-later
"""CompositeExecutor: a map's items on one executor, the nodes of each item on another."""

import asyncio
import dataclasses
import threading
import time

import pytest

from hypernodes import Pipeline, node
from hypernodes.cache import MemoryCache
from hypernodes.callbacks import PipelineCallback
from hypernodes.config import RuntimeConfig
from hypernodes.executor import (AsyncExecutor, CompositeExecutor, SequentialExecutor,
                                 ThreadPoolExecutor)


@dataclasses.dataclass
class Doc:
    text: str


@node(output_name="words")
def split(doc):
    return doc.text.split()


@node(output_name="n")
def count(words):
    return len(words)


@node(output_name="longest")
def longest(words, minimum=0):
    return max([w for w in words if len(w) >= minimum], key=len, default=None)


COMPOSITES = {
    "pool-async": lambda: CompositeExecutor(ThreadPoolExecutor(2), AsyncExecutor(8)),
    "async-pool": lambda: CompositeExecutor(AsyncExecutor(8), ThreadPoolExecutor(2)),
    "defaults": lambda: CompositeExecutor(),
}


@pytest.fixture(params=sorted(COMPOSITES))
def composite(request):
    return COMPOSITES[request.param]()


def test_same_results_as_sequential(composite):
    docs = [Doc("a bb ccc"), Doc("dddd"), Doc(""), Doc("ee f")]
    pipeline = Pipeline([split, count, longest])
    expected = pipeline.map({"doc": docs}, "doc")
    got = pipeline.with_config(RuntimeConfig(executor=composite)).map({"doc": docs}, "doc")
    assert got == expected
    assert got[0]["words"] is not expected[0]["words"]  # each run made its own
    single = pipeline.with_config(RuntimeConfig(executor=composite)).run(
        {"doc": docs[0], "minimum": 3}, output_name="longest")
    assert single == {"longest": "ccc"}
    assert pipeline.with_config(RuntimeConfig(executor=composite)).map(
        {"doc": [], "minimum": 1}, "doc") == []


def test_values_pass_by_reference_and_errors_name_the_item(composite):
    @node(output_name="same")
    def same(doc):
        if doc.text == "bad":
            raise ValueError("bad doc")
        return doc

    docs = [Doc("x"), Doc("y")]
    pipeline = Pipeline([same]).with_config(RuntimeConfig(executor=composite))
    results = pipeline.map({"doc": docs}, "doc")
    assert [r["same"] for r in results] == docs
    assert all(r["same"] is d for r, d in zip(results, docs))
    with pytest.raises(ValueError, match="bad doc") as info:
        pipeline.map({"doc": [Doc("x"), Doc("bad")]}, "doc")
    assert info.value.__notes__ == ["hypernodes: Node “same” failed on item 1"]


def test_io_nodes_overlap_within_items_while_items_run_in_parallel():
    """Three 0.2 s async nodes per item, four items: items on two pool threads, nodes of each
    item at once on the async executor: about 2 x 0.2 s, not 12 x 0.2 s."""

    def io(name):
        async def wait(x):
            await asyncio.sleep(0.2)
            return x

        return node(wait, output_name=name, name=name)

    pipeline = Pipeline([io("a"), io("b"), io("c")]).with_config(
        RuntimeConfig(executor=CompositeExecutor(ThreadPoolExecutor(2), AsyncExecutor(8))))
    start = time.monotonic()
    results = pipeline.map({"x": [1, 2, 3, 4]}, "x")
    elapsed = time.monotonic() - start
    assert results == [{"a": x, "b": x, "c": x} for x in (1, 2, 3, 4)]
    assert elapsed < 1.6  # sequentially it is 2.4 s


class Recorder(PipelineCallback):
    def __init__(self):
        super().__init__()
        self.lock = threading.Lock()
        self.events = []

    def add(self, event):
        with self.lock:
            self.events.append(event)

    def on_node_end(self, node_id, outputs, duration, ctx):
        self.add(("end", node_id))

    def on_node_cached(self, node_id, signature, ctx):
        self.add(("cached", node_id))

    def on_map_item_start(self, index, ctx):
        self.add(("item", index))


def test_callbacks_and_cache_as_on_the_sequential_executor(composite):
    def events(executor):
        rec = Recorder()
        pipeline = Pipeline([split, count]).with_config(
            RuntimeConfig(executor=executor, cache=MemoryCache(), callbacks=[rec]))
        pipeline.map({"doc": [Doc("a b"), Doc("c")]}, "doc")
        pipeline.map({"doc": [Doc("a b"), Doc("c d e")]}, "doc")
        return sorted(rec.events)

    assert events(composite) == events(SequentialExecutor())
