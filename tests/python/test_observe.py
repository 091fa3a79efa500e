# SPDX-License-Identifier: LGPL-2.1-or-later
"""Caching and callbacks through the Python face, on every native executor."""

import json
import os
import threading

import pytest
from gi.repository import GLib, Hn

from hypernodes import Pipeline, node
from hypernodes.cache import DiskCache, MemoryCache
from hypernodes.callbacks import PipelineCallback, ProgressCallback, TraceCallback
from hypernodes.config import RuntimeConfig

EXECUTORS = {
    "sequential": lambda: Hn.SequentialExecutor(),
    "thread-pool": lambda: Hn.ThreadPoolExecutor(max_workers=4),
    "async": lambda: Hn.AsyncExecutor(max_concurrency=8),
}


@pytest.fixture(params=sorted(EXECUTORS))
def make_executor(request):
    return EXECUTORS[request.param]


class Recorder(PipelineCallback):
    def __init__(self):
        super().__init__()
        self.events = []
        self.lock = threading.Lock()

    def add(self, *event):
        with self.lock:
            self.events.append(event)

    def on_pipeline_start(self, pipeline_id, inputs, ctx):
        ctx.set("started", object())
        self.add("pipeline_start", pipeline_id, inputs, ctx.depth)

    def on_pipeline_end(self, pipeline_id, outputs, duration, ctx):
        assert ctx.get("started") is not None
        self.add("pipeline_end", pipeline_id, outputs)

    def on_node_start(self, node_id, inputs, ctx):
        self.add("node_start", node_id, inputs, ctx.depth)

    def on_node_end(self, node_id, outputs, duration, ctx):
        assert duration >= 0
        self.add("node_end", node_id, outputs)

    def on_node_cached(self, node_id, signature, ctx):
        self.add("node_cached", node_id)

    def on_error(self, node_id, error, ctx):
        self.add("error", node_id, error.message)

    def on_nested_pipeline_start(self, parent_id, child_pipeline_id, ctx):
        self.add("nested_start", child_pipeline_id, ctx.depth)

    def on_nested_pipeline_end(self, parent_id, child_pipeline_id, duration, ctx):
        self.add("nested_end", child_pipeline_id)

    def on_map_start(self, total_items, ctx):
        self.add("map_start", total_items)

    def on_map_item_start(self, item_index, ctx):
        self.add("item_start", item_index)

    def on_map_item_end(self, item_index, duration, ctx):
        self.add("item_end", item_index)

    def on_map_item_cached(self, item_index, signature, ctx):
        self.add("item_cached", item_index)

    def on_map_end(self, total_duration, ctx):
        self.add("map_end")


def make_nodes(calls):
    @node(output_name="doubled")
    def double(x):
        calls.append(("double", x))
        return x * 2

    @node(output_name="result")
    def add_one(doubled):
        calls.append(("add_one", doubled))
        return doubled + 1

    return [double, add_one]


def test_events_of_a_run(make_executor):
    rec = Recorder()
    pipeline = Pipeline(make_nodes([]), name="p").with_config(
        RuntimeConfig(executor=make_executor(), callbacks=[rec]))
    assert pipeline.run({"x": 2}) == {"doubled": 4, "result": 5}
    assert rec.events == [
        ("pipeline_start", "p", {"x": 2}, 0),
        ("node_start", "double", {"x": 2}, 0),
        ("node_end", "double", {"doubled": 4}),
        ("node_start", "add_one", {"doubled": 4}, 0),
        ("node_end", "add_one", {"result": 5}),
        ("pipeline_end", "p", {"doubled": 4, "result": 5}),
    ]


def test_events_of_a_map_and_an_error(make_executor):
    rec = Recorder()

    @node(output_name="y")
    def picky(x):
        if x == 3:
            raise ValueError("no 3")
        return x

    config = RuntimeConfig(executor=make_executor(), callbacks=[rec])
    Pipeline(make_nodes([])).with_config(config).map({"x": [1, 2]}, map_over="x")
    kinds = [e[0] for e in rec.events]
    assert kinds[0] == "map_start" and rec.events[0] == ("map_start", 2)
    assert kinds[-1] == "map_end"
    assert kinds.count("item_start") == 2 and kinds.count("item_end") == 2
    assert kinds.count("node_end") == 4

    rec.events.clear()
    with pytest.raises(ValueError):
        Pipeline([picky]).with_config(config).run({"x": 3})
    assert ("error", "picky", "Node “picky” failed: ValueError: no 3") in rec.events


def test_events_of_nested_pipelines(make_executor):
    rec = Recorder()
    outer = Pipeline([Pipeline(make_nodes([]), name="inner")], callbacks=[rec])
    outer = outer.with_config(RuntimeConfig(executor=make_executor(), callbacks=[rec]))
    outer.run({"x": 1})
    assert ("nested_start", "inner", 1) in rec.events
    assert ("node_start", "double", {"x": 1}, 1) in rec.events
    assert ("nested_end", "inner") in rec.events


def test_memory_cache_skips_what_did_not_change(make_executor):
    calls = []
    rec = Recorder()
    cache = MemoryCache()
    pipeline = Pipeline(make_nodes(calls)).with_config(
        RuntimeConfig(executor=make_executor(), cache=cache, callbacks=[rec]))
    assert pipeline.run({"x": 5}) == pipeline.run({"x": 5}) == {"doubled": 10, "result": 11}
    assert calls == [("double", 5), ("add_one", 10)]
    assert [e for e in rec.events if e[0] == "node_cached"] == [("node_cached", "double"),
                                                              ("node_cached", "add_one")]
    assert len(cache) == 2

    # a map with one new item runs only that item
    calls.clear()
    rec.events.clear()
    pipeline.map({"x": [5, 6]}, map_over="x")
    assert calls == [("double", 6), ("add_one", 12)]
    assert ("item_cached", 0) in rec.events and ("item_end", 1) in rec.events


def test_disk_cache_across_pipelines(tmp_path, make_executor):
    calls = []
    config = RuntimeConfig(executor=make_executor(), cache=DiskCache(tmp_path))
    first = Pipeline(make_nodes(calls)).with_config(config)
    second = Pipeline(make_nodes(calls)).with_config(
        RuntimeConfig(executor=make_executor(), cache=DiskCache(str(tmp_path))))
    assert first.run({"x": 1}) == second.run({"x": 1})
    assert len(calls) == 2          # the second pipeline's nodes came from the files
    assert len(list(tmp_path.glob("*.hnc"))) == 2

    # a damaged entry is a miss, never a wrong value
    for entry in tmp_path.glob("*.hnc"):
        entry.write_bytes(entry.read_bytes()[:-2])
    assert second.run({"x": 1}) == {"doubled": 2, "result": 3}
    assert len(calls) == 4


def test_cache_false_and_changed_code_are_misses():
    cache = MemoryCache()
    calls = []

    def twice(x):
        calls.append(x)
        return 2 * x

    always = node(twice, output_name="y", cache=False)
    pipeline = Pipeline([always], cache=cache)
    pipeline.run({"x": 1})
    pipeline.run({"x": 1})
    assert len(calls) == 2

    def v1(x):
        return x + 1

    def v2(x):
        return x + 2

    # the same name and outputs, different code: not the same cache entry
    a = Pipeline([node(v1, output_name="y", name="f")], cache=cache).run({"x": 1})
    b = Pipeline([node(v2, output_name="y", name="f")], cache=cache).run({"x": 1})
    assert (a, b) == ({"y": 2}, {"y": 3})
    # a user version counts too
    n1 = node(v1, output_name="y", name="g", version="1")
    n2 = node(v1, output_name="y", name="g", version="2")
    assert n1.get_version() != n2.get_version()


def test_progress_and_trace_callbacks(tmp_path, make_executor):
    progress = ProgressCallback(terminal=False)
    trace_path = tmp_path / "trace.json"
    trace = TraceCallback(path=str(trace_path))
    config = RuntimeConfig(executor=make_executor(), callbacks=[progress, trace])
    Pipeline(make_nodes([])).with_config(config).map({"x": list(range(10))}, map_over="x")
    assert (progress.props.total, progress.props.completed) == (10, 10)
    assert progress.props.fraction == 1.0
    events = json.loads(trace_path.read_text())["traceEvents"]
    assert {e["name"] for e in events if e.get("cat") == "node"} == {"double", "add_one"}
    assert any(e["ph"] == "M" and e["name"] == "thread_name" for e in events)


def test_bad_callbacks_are_refused():
    with pytest.raises(TypeError):
        RuntimeConfig(callbacks=[object()])
