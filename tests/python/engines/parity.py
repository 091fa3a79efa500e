# SPDX-License-Identifier: LGPL-2.1-or-later
"""The parity matrix of the engine executors: shared pipelines and error cases, each checked
against the sequential executor (same results, same error domains, codes and messages, same
callback events and cache hits). test_dask.py and test_ray.py run it on their executors."""

import dataclasses
import sys

import cloudpickle
import pytest
from gi.repository import GLib, Hn

from hypernodes import node, Pipeline
from hypernodes.cache import DiskCache
from hypernodes.callbacks import PipelineCallback


@node(output_name="doubled")
def double(x):
    return x * 2


@node(output_name="tripled")
def triple(x):
    return x * 3


@node(output_name="total")
def add(doubled, tripled):
    return doubled + tripled


@node(output_name="result")
def add_one(doubled):
    return doubled + 1


@node(output_name=("quotient", "remainder"))
def divmod_node(a, b):
    return divmod(a, b)


@node(output_name="label")
def label(quotient, remainder):
    return f"{quotient}r{remainder}"


@node(output_name="stats")
def stats(values):
    return {"n": len(values), "total": sum(values), "names": [str(v) for v in values]}


@node(output_name="inverse")
def inverse(x):
    return 1 / x


@node(output_name="y")
def boom(x):
    raise RuntimeError("boom")


# as in a notebook: the workers cannot import this module, so its classes and functions
# travel by value
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@dataclasses.dataclass(frozen=True)
class Point:
    x: int
    label: object = None


@node(output_name="point")
def make_point(x):
    # objects with no data form: across processes they travel pickled, and come back equal
    return Point(x, {x: {x, 2 ** 70}} if x % 2 else None)


@node(output_name="moved")
def move(point, offset=Point(100)):
    return Point(point.x + offset.x, point.label)


def nested():
    @node(output_name="scaled")
    def scale(x, factor):
        return x * factor

    inner = Pipeline([scale], name="inner").bind(factor=3)
    each = Pipeline([scale]).as_node(name="each", input_mapping={"xs": "x"},
                                     output_mapping={"scaled": "all_scaled"}, map_over="xs")
    return Pipeline([inner.as_node(input_mapping={"a": "x"}), each,
                     node(lambda scaled, all_scaled: scaled + sum(all_scaled),
                          output_name="sum", name="sum")])


CASES = {
    "chain-run": (lambda: Pipeline([double, add_one]), "run", ({"x": 5},), {}),
    "diamond-run": (lambda: Pipeline([double, triple, add]), "run", ({"x": 4},), {}),
    "selective-run": (lambda: Pipeline([double, triple, add]), "run", ({"x": 4},),
                      {"output_name": "tripled"}),
    "multi-output-run": (lambda: Pipeline([divmod_node, label]), "run", ({"a": 7, "b": 2},), {}),
    "zip-map": (lambda: Pipeline([divmod_node, label]), "map",
                ({"a": [7, 9, 11], "b": [2, 4, 3]}, ["a", "b"]), {}),
    "product-map": (lambda: Pipeline([divmod_node, label]), "map",
                    ({"a": [7, 9], "b": [2, 4]}, ["a", "b"]), {"mode": "product"}),
    "shared-input-map": (lambda: Pipeline([divmod_node]), "map",
                         ({"a": list(range(250)), "b": 7}, ["a"]), {}),
    "selective-map": (lambda: Pipeline([double, triple, add]), "map",
                      ({"x": list(range(30))}, ["x"]), {"output_name": ["doubled", "total"]}),
    "empty-map": (lambda: Pipeline([double]), "map", ({"x": []}, ["x"]), {}),
    "python-values-map": (lambda: Pipeline([stats]), "map",
                          ({"values": [[1, 2], [3], []]}, ["values"]), {}),
    "nested-run": (nested, "run", ({"a": 2, "xs": [1, 2], "factor": 10},), {}),
    "python-objects-map": (lambda: Pipeline([make_point, move]), "map",
                           ({"x": [1, 2, 3]}, ["x"]), {}),
    "python-objects-input-run": (lambda: Pipeline([move]), "run",
                                 ({"point": Point(1, frozenset({None})), "offset": Point(5)},),
                                 {}),
    "nested-map": (nested, "map", ({"a": [1, 2], "xs": [1], "factor": 2},), {"map_over": "a"}),
}

ERROR_CASES = {
    "node-error-map": (lambda: Pipeline([inverse]), "map", ({"x": [2, 1, 0, 0]}, ["x"]), {}),
    "node-error-run": (lambda: Pipeline([inverse]), "run", ({"x": 0},), {}),
    "missing-input": (lambda: Pipeline([divmod_node]), "run", ({"a": 1},), {}),
    "map-length-mismatch": (lambda: Pipeline([divmod_node]), "map",
                            ({"a": [1, 2], "b": [1]}, ["a", "b"]), {}),
    "nested-error": (lambda: Pipeline([Pipeline([boom]).as_node(name="inner")]), "map",
                     ({"x": [1, 2]},), {"map_over": "x"}),
    "bad-result": (lambda: Pipeline([Hn.FunctionNode.new_full(
        "bad", ["x"], ["x"], ["y"], ["x"], lambda args, *rest: GLib.Variant("s", "no"))]),
        "map", ({"x": [1, 2]}, ["x"]), {}),
    "python-bad-result": (lambda: Pipeline([node(lambda x: "no", output_name="y", name="bad",
                                                 output_types=["x"])]),
                          "map", ({"x": [1, 2]}, ["x"]), {}),
}

# C nodes made in this process: in worker processes they fail as unshippable instead
IN_PROCESS_ONLY = {"bad-result": "bad"}


def call(pipeline, method, args, kwargs):
    return getattr(pipeline, method)(*args, **kwargs)


def check_case(case, config):
    make, method, args, kwargs = CASES[case]
    pipeline = make()
    expected = call(pipeline, method, args, kwargs)
    assert call(pipeline.with_config(config), method, args, kwargs) == expected


def error_of(pipeline, method, args, kwargs):
    """What the caller sees of a failure: a library error by domain, code and message; a node's
    own exception by its type, its words and the note naming the node and item."""
    with pytest.raises(Exception) as info:
        call(pipeline, method, args, kwargs)
    e = info.value
    if isinstance(e, GLib.Error) and not getattr(e, "__notes__", None):
        return e.domain, e.code, e.message
    return type(e), str(e), tuple(getattr(e, "__notes__", ()))


def check_error_case(case, config, shippable):
    make, method, args, kwargs = ERROR_CASES[case]
    pipeline = make()
    expected = error_of(pipeline, method, args, kwargs)
    got = error_of(pipeline.with_config(config), method, args, kwargs)
    if shippable and case in IN_PROCESS_ONLY:
        assert got[:2] == ("hn-executor-error-quark", Hn.ExecutorError.NOT_SHIPPABLE)
        assert f"Node “{IN_PROCESS_ONLY[case]}” cannot be sent to another process" in got[2]
    else:
        assert got == expected


class Recorder(PipelineCallback):
    def __init__(self):
        super().__init__()
        self.events = []

    def on_node_start(self, node_id, inputs, ctx):
        self.events.append(("start", node_id, tuple(sorted(inputs.items()))))

    def on_node_end(self, node_id, outputs, duration, ctx):
        assert duration >= 0
        self.events.append(("end", node_id, tuple(sorted(outputs.items()))))

    def on_node_cached(self, node_id, signature, ctx):
        self.events.append(("cached", node_id))

    def on_error(self, node_id, error, ctx):
        self.events.append(("error", node_id, error.message))

    def on_map_item_start(self, item_index, ctx):
        self.events.append(("item start", item_index))

    def on_map_item_end(self, item_index, duration, ctx):
        assert duration >= 0
        self.events.append(("item end", item_index))

    def on_map_item_cached(self, item_index, signature, ctx):
        self.events.append(("item cached", item_index))


def _events(executor, cache_dir, runs):
    from hypernodes.config import RuntimeConfig

    recorder = Recorder()
    config = RuntimeConfig(executor=executor, cache=DiskCache(cache_dir), callbacks=[recorder])
    for pipeline, method, args, kwargs in runs:
        try:
            call(pipeline.with_config(config), method, args, kwargs)
        except (GLib.Error, ZeroDivisionError):
            pass
    return sorted(recorder.events, key=repr)


def check_callbacks_and_cache(executor, tmp_path):
    """The same node events (start, end, cached, error) and the same cache hits."""
    from hypernodes.executor import SequentialExecutor

    chain = Pipeline([double, add_one])
    runs = [(chain, "map", ({"x": [1, 2, 3]}, ["x"]), {}),
            (chain, "map", ({"x": [1, 2]}, ["x"]), {}),      # cache hits
            (chain, "run", ({"x": 9},), {}),
            (Pipeline([inverse]), "map", ({"x": [1, 0]}, ["x"]), {})]
    expected = _events(SequentialExecutor(), tmp_path / "sequential", runs)
    got = _events(executor, tmp_path / "engine", runs)
    from collections import Counter

    assert got == expected, (f"extra: {list((Counter(got) - Counter(expected)).elements())}, "
                             f"missing: {list((Counter(expected) - Counter(got)).elements())}")
    assert ("cached", "double") in got
    assert ("item cached", 1) in got and ("item end", 2) in got


def check_cancel(executor, seconds=20):
    """A map cancelled while its tasks run fails with G_IO_ERROR_CANCELLED, soon."""
    import threading
    import time

    from gi.repository import Gio

    from hypernodes.config import RuntimeConfig

    @node(output_name="y")
    def slow(x):
        time.sleep(0.05)
        return x

    cancellable = Gio.Cancellable()
    timer = threading.Timer(0.5, cancellable.cancel)
    timer.start()
    start = time.monotonic()
    try:
        with pytest.raises(GLib.Error) as info:
            Pipeline([slow]).with_config(RuntimeConfig(executor=executor)).map(
                {"x": list(range(2000))}, ["x"], cancellable=cancellable)
    finally:
        timer.cancel()
    assert (info.value.domain, info.value.code) == ("g-io-error-quark",
                                                    Gio.IOErrorEnum.CANCELLED)
    assert time.monotonic() - start < seconds
