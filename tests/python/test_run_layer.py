# SPDX-License-Identifier: LGPL-2.1-or-later
"""Nested pipelines, bound inputs, retries, timeouts and the default configuration, through the
Python face, on every native executor."""

import threading
import time

import pytest
from gi.repository import GLib, Hn

from hypernodes import Pipeline, node
from hypernodes.config import RuntimeConfig, get_default_config, set_default_config

EXECUTORS = {
    "sequential": lambda: Hn.SequentialExecutor(),
    "thread-pool": lambda: Hn.ThreadPoolExecutor(max_workers=4),
    "async": lambda: Hn.AsyncExecutor(max_concurrency=8),
}


@pytest.fixture(params=sorted(EXECUTORS))
def config(request):
    return RuntimeConfig(executor=EXECUTORS[request.param]())


@node(output_name="doubled")
def double(x):
    return x * 2


@node(output_name="result")
def add_one(doubled):
    return doubled + 1


def inner_pipeline():
    return Pipeline([double, add_one], name="inner")


def test_pipeline_in_nodes_is_nested(config):
    outer = Pipeline([inner_pipeline(), node(lambda result: result * 10, output_name="big",
                                             name="big")])
    assert outer.root_inputs == ["x"]
    assert outer.with_config(config).run({"x": 3}) == {"doubled": 6, "result": 7, "big": 70}
    assert [n.get_name() for n in outer.nodes] == ["inner", "big"]


def test_as_node_mappings_keep_names_apart(config):
    # the outer pipeline has a "result" of its own
    inner = inner_pipeline().as_node(name="inner", input_mapping={"n": "x"},
                                     output_mapping={"result": "inner_result"})
    assert list(inner.get_inputs()) == ["n"]
    assert list(inner.get_outputs()) == ["inner_result"]
    outer = Pipeline([node(lambda x: x + 10, output_name="n", name="pre"), inner,
                      node(lambda inner_result: inner_result + 100, output_name="result",
                           name="post")])
    out = outer.with_config(config).run({"x": 1})
    assert out == {"n": 11, "inner_result": 23, "result": 123}


def test_as_node_map_over(config):
    each = inner_pipeline().as_node(name="each", input_mapping={"xs": "x"},
                                    output_mapping={"result": "results"}, map_over="xs")
    outer = Pipeline([each]).with_config(config)
    assert outer.run({"xs": [1, 2, 3]}) == {"results": [3, 5, 7]}
    assert outer.run({"xs": []}) == {"results": []}

    @node(output_name="cell")
    def cell(row, col, sep):
        return f"{row}{sep}{col}"

    grid = Pipeline([cell]).as_node(name="grid", map_over=["row", "col"], map_mode="product")
    out = Pipeline([grid]).with_config(config).run({"row": ["a", "b"], "col": [1, 2], "sep": "-"})
    assert out == {"cell": ["a-1", "a-2", "b-1", "b-2"]}


def test_nested_in_mapped_pipeline(config):
    outer = Pipeline([inner_pipeline().as_node(output_mapping={"result": "r"})]).with_config(config)
    assert outer.map({"x": [1, 2, 3]}, map_over="x") == [{"r": 3}, {"r": 5}, {"r": 7}]


def test_nested_error_names_path(config):
    @node(output_name="ok")
    def check(x):
        if x == 4:
            raise ValueError("no 4")
        return x

    leaf = Pipeline([check]).as_node(name="inner", map_over="x")
    top = Pipeline([Pipeline([leaf]).as_node(name="outer")]).with_config(config)
    with pytest.raises(ValueError, match="no 4") as excinfo:
        top.run({"x": [1, 2, 3, 4]})
    assert "outer › inner[3] › check" in excinfo.value.__notes__[0]


def test_as_node_bad_mapping():
    inner = inner_pipeline()
    with pytest.raises(GLib.Error) as excinfo:
        inner.as_node(input_mapping={"a": "nope"})
    assert excinfo.value.matches(Hn.pipeline_error_quark(), Hn.PipelineError.UNKNOWN_INPUT)
    with pytest.raises(GLib.Error) as excinfo:
        inner.as_node(output_mapping={"nope": "a"})
    assert excinfo.value.matches(Hn.pipeline_error_quark(), Hn.PipelineError.UNKNOWN_OUTPUT)
    with pytest.raises(GLib.Error) as excinfo:
        inner.as_node(map_over="y")
    assert "cannot map over “y”" in excinfo.value.message
    with pytest.raises(ValueError):
        inner.as_node(map_over="x", map_mode="diagonal")
    with pytest.raises(TypeError):
        inner.as_node(input_mapping={"a": 1})


def test_map_over_a_non_list_is_a_clear_error(config):
    each = inner_pipeline().as_node(name="each", map_over="x")
    with pytest.raises(GLib.Error) as excinfo:
        Pipeline([each]).with_config(config).run({"x": 3})
    assert excinfo.value.matches(Hn.pipeline_error_quark(), Hn.PipelineError.MAP_NOT_ARRAY)
    assert "Pipeline node “each”" in excinfo.value.message


def test_bind_unbind(config):
    @node(output_name="total")
    def add(x, y):
        return x + y

    pipeline = Pipeline([add])
    bound = pipeline.bind(y=10).with_config(config)
    assert bound.bound_inputs == {"y": 10}
    assert bound.unfulfilled_args == ("x",)
    assert pipeline.unfulfilled_args == ("x", "y")
    assert bound.root_inputs == ["x", "y"]
    assert bound.run({"x": 1}) == {"total": 11}
    assert bound.run({"x": 1, "y": 0}) == {"total": 1}           # given overrides bound
    assert bound.map({"x": [1, 2]}, map_over="x") == [{"total": 11}, {"total": 12}]
    # a map over a bound list
    assert pipeline.bind(y=[1, 2, 3]).map({"x": 100}, map_over="y") == [
        {"total": 101}, {"total": 102}, {"total": 103}]
    assert bound.unbind().bound_inputs == {}
    assert bound.bind(x=5).unbind("y").bound_inputs == {"x": 5}
    with pytest.raises(GLib.Error) as excinfo:
        bound.unbind().run({"x": 1})
    assert excinfo.value.matches(Hn.pipeline_error_quark(), Hn.PipelineError.MISSING_INPUT)
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.bind(total=1)
    assert excinfo.value.matches(Hn.pipeline_error_quark(), Hn.PipelineError.UNKNOWN_INPUT)


def test_inner_bindings_satisfy_outer(config):
    @node(output_name="total")
    def add(x, y):
        return x + y

    outer = Pipeline([Pipeline([add]).bind(y=5)])
    assert outer.root_inputs == ["x"]
    assert outer.with_config(config).run({"x": 1}) == {"total": 6}


def test_unused_inputs_are_ignored(config):
    # one dict of inputs shared by two pipelines
    inputs = {"x": 2, "text": "hello"}
    assert Pipeline([double]).with_config(config).run(inputs) == {"doubled": 4}


def test_same_function_twice():
    def scale(x):
        return x * 3

    pipeline = Pipeline([node(scale, output_name="a"), node(scale, output_name="b")])
    assert pipeline.run({"x": 2}) == {"a": 6, "b": 6}


def test_retries(config):
    calls = []

    @node(output_name="y")
    def flaky(x):
        calls.append(x)
        if len(calls) < 3:
            raise RuntimeError("flaky")
        return x

    retried = RuntimeConfig(executor=config.executor, retries=2)
    assert Pipeline([flaky]).with_config(retried).run({"x": 1}) == {"y": 1}
    assert len(calls) == 3

    calls.clear()
    once = RuntimeConfig(executor=config.executor, retries=1)
    with pytest.raises(RuntimeError, match="flaky") as excinfo:
        Pipeline([flaky]).with_config(once).run({"x": 1})
    assert "after 2 attempts" in excinfo.value.__notes__[0]
    assert len(calls) == 2


def test_timeout(config):
    @node(output_name="z")
    def slow(x):
        time.sleep(0.5)
        return x

    limited = RuntimeConfig(executor=config.executor, timeout=0.1)
    start = time.monotonic()
    with pytest.raises(GLib.Error) as excinfo:
        Pipeline([slow]).with_config(limited).run({"x": 1})
    assert excinfo.value.matches(Hn.node_error_quark(), Hn.NodeError.TIMEOUT)
    assert "“slow”" in excinfo.value.message
    assert time.monotonic() - start < 5
    with pytest.raises(ValueError):
        RuntimeConfig(timeout=-1)


def test_default_config():
    seen = []

    @node(output_name="y")
    def where(x):
        seen.append(threading.current_thread().name)
        return x

    pipeline = Pipeline([where])
    assert isinstance(get_default_config().executor, Hn.SequentialExecutor)
    set_default_config(RuntimeConfig(executor=Hn.AsyncExecutor()))
    try:
        assert isinstance(pipeline.get_config().executor, Hn.AsyncExecutor)
        assert pipeline.run({"x": 1}) == {"y": 1}
        assert seen and seen[-1] != threading.current_thread().name   # ran on the pool
    finally:
        set_default_config(None)
    assert isinstance(get_default_config().executor, Hn.SequentialExecutor)
