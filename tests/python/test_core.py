# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Core behaviour of hypernodes through GObject-Introspection with the PyGObject override
# (hypernodes/python/gi/overrides/Hn.py) loaded: Python functions as nodes (Hn.node), pipelines
# run with plain Python values (Hn.Pipeline(...), run/map returning dicts and lists), on the
# default (sequential) executor; the other executors in the override tests at the end.
#
# Where a test is about C-level behaviour (typed C-style function nodes, nodes returning raw
# GLib.Variants, the a{sv}/aa{sv} results) it uses Hn.FunctionNode.new/new_full and the
# un-overridden methods of the introspection module (HnRaw). The async API (run_async/map_async,
# map_items_async) is not overridden and stays Variant-based.

import functools
import os
import pathlib
import subprocess
import sys
import threading

import pytest
from gi.module import get_introspection_module
from gi.repository import Gio, GLib, Hn
from hypernodes import PythonNode

# The classes of the typelib without the override: their methods are the C functions, which take
# and return GLib.Variant. (Hn.Pipeline.run etc. are the override's Pythonic methods.)
HnRaw = get_introspection_module("Hn")

PIPELINE_ERROR = Hn.pipeline_error_quark()
NODE_ERROR = Hn.node_error_quark()
IO_ERROR = Gio.io_error_quark()


# ---------------------------------------------------------------------------------------------
# Helpers


class CallCounter:
    """Counts calls per node name and records the threads the calls ran in. Thread safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self.counts = {}
        self.threads = set()

    def hit(self, name):
        with self._lock:
            self.counts[name] = self.counts.get(name, 0) + 1
            self.threads.add(threading.get_ident())

    def __getitem__(self, name):
        with self._lock:
            return self.counts.get(name, 0)


def counted(counter, name=None):
    """Decorator: counts the calls of a function in @counter under @name (default: its name).

    functools.wraps keeps the signature (inspect follows __wrapped__) and the name, so Hn.node
    applied on top still reads the parameter names of the original function.
    """

    def wrap(fn):
        if counter is None:
            return fn
        key = name or fn.__name__

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            counter.hit(key)
            return fn(*args, **kwargs)

        return wrapper

    return wrap


def c_node(name, inputs, outputs, fn, *, input_types=None, output_types=None, counter=None):
    """A C-style Hn.FunctionNode (hn_function_node_new / _new_full) around a Python function.

    fn receives the node's arguments unpacked into Python values, in input order, and returns a
    GLib.Variant (a tuple variant for a node with several outputs) that goes to the library as
    is. A GLib.Error raised by fn passes through; any other exception is turned into a
    GLib.Error (G_IO_ERROR_FAILED) whose message is "<ExceptionType>: <message>".
    """

    # PyGObject 3.42 passes the array length (n_args) and then the user data after the array,
    # so take the extra positional arguments and ignore them.
    def call(args, *_rest):
        if counter is not None:
            counter.hit(name)
        try:
            return fn(*(a.unpack() for a in args))
        except GLib.Error:
            raise
        except Exception as e:  # noqa: BLE001 - every Python error must become a GError
            raise GLib.Error.new_literal(
                IO_ERROR, f"{type(e).__name__}: {e}", int(Gio.IOErrorEnum.FAILED)
            ) from e

    if input_types is None and output_types is None:
        return Hn.FunctionNode.new(name, inputs, outputs, call)
    return Hn.FunctionNode.new_full(name, inputs, input_types, outputs, output_types, call)


def x64(value):
    return GLib.Variant("x", value)


def vardict(**values):
    """a{sv} from keyword arguments, for the Variant-based (async and raw) API: ints become
    int64, lists of ints become ax, the rest as is."""

    def box(v):
        if isinstance(v, GLib.Variant):
            return v
        if isinstance(v, bool):
            return GLib.Variant("b", v)
        if isinstance(v, int):
            return GLib.Variant("x", v)
        if isinstance(v, str):
            return GLib.Variant("s", v)
        if isinstance(v, list) and all(isinstance(e, int) for e in v):
            return GLib.Variant("ax", v)
        raise TypeError(f"cannot box {v!r}")

    return GLib.Variant("a{sv}", {k: box(v) for k, v in values.items()})


def raw_run(pipeline, inputs, outputs=None, cancellable=None):
    """hn_pipeline_run itself: a{sv} in, a{sv} out."""
    return HnRaw.Pipeline.run(pipeline, inputs, outputs, cancellable)


def raw_map(pipeline, inputs, map_over, mode=Hn.MapMode.ZIP, outputs=None, cancellable=None):
    """hn_pipeline_map itself: a{sv} in, aa{sv} out."""
    return HnRaw.Pipeline.map(pipeline, inputs, map_over, mode, outputs, cancellable)


def assert_raised_by_node(excinfo, exc_type, *fragments):
    """The node's own exception reached the caller, with a note naming where it was raised."""
    e = excinfo.value
    assert type(e) is exc_type, f"expected {exc_type.__name__}, got {type(e).__name__}: {e}"
    notes = " | ".join(getattr(e, "__notes__", []))
    for fragment in fragments:
        assert fragment in notes or fragment in str(e), f"{fragment!r} not in {notes!r} / {e}"


def assert_error(excinfo, domain, code, *fragments):
    e = excinfo.value
    assert isinstance(e, GLib.Error), f"expected a GLib.Error, got {type(e).__name__}: {e}"
    assert e.matches(domain, int(code)), (
        f"expected {GLib.quark_to_string(domain)}:{int(code)}, got {e.domain}:{e.code}: {e.message}"
    )
    for fragment in fragments:
        assert fragment in e.message, f"{fragment!r} not in {e.message!r}"


def make_seed(counter=None):
    @Hn.node(output_name="doubled")
    @counted(counter)
    def double(x):
        return 2 * x

    @Hn.node(output_name="result")
    @counted(counter)
    def add_one(doubled):
        return doubled + 1

    return Hn.Pipeline([double, add_one])


def make_square(counter=None):
    @Hn.node(output_name="squared")
    @counted(counter)
    def square(x):
        return x * x

    return Hn.Pipeline([square])


def sequential_config():
    return Hn.RuntimeConfig(Hn.LocalBackend.new(), Hn.SequentialExecutor())


@pytest.fixture
def counter():
    return CallCounter()


@pytest.fixture
def seed(counter):
    return make_seed(counter)


# ---------------------------------------------------------------------------------------------
# Running


def test_run_returns_every_output(seed, counter):
    result = seed.run({"x": 5})
    assert type(result) is dict
    assert result == {"doubled": 10, "result": 11}
    assert counter["double"] == 1
    assert counter["add_one"] == 1
    # underneath, hn_pipeline_run returns an a{sv} of int64s
    raw = raw_run(seed, vardict(x=5))
    assert raw.get_type_string() == "a{sv}"
    assert raw.lookup_value("result", None).get_type_string() == "x"
    assert raw.unpack() == {"doubled": 10, "result": 11}
    assert counter["double"] == 2


def test_graph_introspection(seed):
    assert list(seed.get_root_inputs()) == ["x"]
    assert list(seed.get_outputs()) == ["doubled", "result"]
    assert list(seed.get_topological_order()) == ["double", "add_one"]
    assert seed.get_node("add_one").get_name() == "add_one"
    assert seed.get_node("nope") is None
    assert [n.get_name() for n in seed.get_nodes()] == ["double", "add_one"]
    assert list(seed.get_required_inputs(["doubled"])) == ["x"]
    # the override's properties say the same
    assert seed.root_inputs == ["x"]
    assert seed.outputs == ["doubled", "result"]
    assert [n.get_name() for n in seed.nodes] == ["double", "add_one"]
    assert isinstance(seed.get_node("double"), PythonNode)


def test_nodes_given_in_any_order_are_sorted(counter):
    add_one = Hn.node(lambda doubled: doubled + 1, output_name="result", name="add_one")
    double = Hn.node(lambda x: 2 * x, output_name="doubled", name="double")
    pipeline = Hn.Pipeline([add_one, double])
    assert list(pipeline.get_topological_order()) == ["double", "add_one"]
    assert pipeline.run({"x": -3}) == {"doubled": -6, "result": -5}


def test_selective_output_skips_unneeded_nodes(seed, counter):
    assert seed.run({"x": 5}, ["doubled"]) == {"doubled": 10}
    assert counter["double"] == 1
    assert counter["add_one"] == 0
    # a single name may be given as a string
    assert seed.run({"x": 6}, output_name="doubled") == {"doubled": 12}
    assert counter["double"] == 2
    assert counter["add_one"] == 0


def test_requesting_downstream_output_runs_dependencies(seed, counter):
    assert seed.run({"x": 5}, ["result"]) == {"result": 11}
    assert counter["double"] == 1
    assert counter["add_one"] == 1


def test_with_config_sequential(counter):
    pipeline = make_square(counter).with_config(sequential_config())
    assert isinstance(pipeline, Hn.Pipeline)
    assert isinstance(pipeline.get_config().get_executor(), Hn.SequentialExecutor)
    assert isinstance(pipeline.get_config().get_backend(), Hn.LocalBackend)
    assert isinstance(pipeline.get_config().executor, Hn.SequentialExecutor)
    assert isinstance(pipeline.get_config().backend, Hn.LocalBackend)
    assert pipeline.run({"x": 7}) == {"squared": 49}
    assert counter["square"] == 1


def test_with_config_keeps_original(seed):
    configured = seed.with_config(sequential_config())
    assert configured is not seed
    assert list(configured.get_topological_order()) == ["double", "add_one"]
    assert seed.run({"x": 1}) == {"doubled": 2, "result": 3}
    assert configured.run({"x": 2}) == {"doubled": 4, "result": 5}


def test_executor_run_pipeline_directly(seed):
    executor = Hn.SequentialExecutor()
    assert executor.run_pipeline(seed, {"x": 20}, output_name=["result"]) == {"result": 41}
    assert executor.run_pipeline(seed, {"x": 20}, None, "doubled") == {"doubled": 40}
    raw = HnRaw.Executor.run_pipeline(executor, seed, vardict(x=20), None, ["result"], None)
    assert raw.get_type_string() == "a{sv}"
    assert raw.unpack() == {"result": 41}


def test_multi_output_node_tuple_is_split():
    @Hn.node(output_name=("quotient", "remainder"), name="divmod")
    def divmod_node(a, b):
        return divmod(a, b)

    @Hn.node(output_name="text")
    def describe(quotient, remainder):
        return f"{quotient}r{remainder}"

    pipeline = Hn.Pipeline([divmod_node, describe])
    assert list(pipeline.get_outputs()) == ["quotient", "remainder", "text"]
    result = pipeline.run({"a": 17, "b": 5})
    assert result == {"quotient": 3, "remainder": 2, "text": "3r2"}
    # selecting one member of a multi-output node
    assert pipeline.run({"a": 9, "b": 4}, ["remainder"]) == {"remainder": 1}


def test_multi_output_node_typed_members():
    @Hn.node(output_name=("head", "length"), input_types=["s"], output_types=["s", "u"])
    def split(s):
        return s[:1], len(s)

    pipeline = Hn.Pipeline([split])
    assert split.get_output_type("length").dup_string() == "u"
    assert pipeline.run({"s": "hello"}) == {"head": "h", "length": 5}
    # the declared type, not the inferred int64, reaches the library
    result = raw_run(pipeline, vardict(s="hello"))
    assert result.lookup_value("length", None).get_type_string() == "u"
    assert result.unpack() == {"head": "h", "length": 5}

    # the same with a C-style typed function node returning the tuple variant itself
    node = c_node("split", ["s"], ["head", "length"],
                  lambda s: GLib.Variant("(su)", (s[:1], len(s))),
                  input_types=["s"], output_types=["s", "u"])
    pipeline = Hn.Pipeline([node])
    result = raw_run(pipeline, vardict(s="hello"))
    assert result.lookup_value("length", None).get_type_string() == "u"
    assert result.unpack() == {"head": "h", "length": 5}
    assert pipeline.run({"s": "hello"}) == {"head": "h", "length": 5}


def test_typed_ports_compatible_chain():
    a = Hn.node(lambda x: str(x), output_name="y", name="a", input_types=["x"],
                output_types=["s"])
    b = Hn.node(lambda y: list(y), output_name="z", name="b", input_types=["s"],
                output_types=["as"])
    pipeline = Hn.Pipeline([a, b])
    assert a.get_input_type("x").dup_string() == "x"
    assert b.get_output_type("z").dup_string() == "as"
    assert pipeline.run({"x": 123}, ["z"]) == {"z": ["1", "2", "3"]}


def test_edge_cases_of_run(seed, counter):
    assert Hn.Pipeline([]).run() == {}
    assert Hn.Pipeline([]).run(None, None, None) == {}

    @Hn.node(output_name="seven")
    def seven():
        return 7

    constant = Hn.Pipeline([seven])
    assert list(constant.get_root_inputs()) == []
    assert constant.run() == {"seven": 7}
    # an empty list of outputs computes nothing; a repeated output is returned once
    assert seed.run({"x": 1}, []) == {}
    assert counter["double"] == 0
    assert seed.run({"x": 1}, ["doubled", "doubled"]) == {"doubled": 2}


# ---------------------------------------------------------------------------------------------
# Mapping


def test_map_zip_four_items(seed, counter):
    result = seed.map({"x": [1, 2, 3, 4]}, ["x"], Hn.MapMode.ZIP)
    expected = [
        {"doubled": 2, "result": 3},
        {"doubled": 4, "result": 5},
        {"doubled": 6, "result": 7},
        {"doubled": 8, "result": 9},
    ]
    assert type(result) is list
    assert result == expected
    assert counter["double"] == 4
    assert counter["add_one"] == 4
    # mode by name, map_over as a string
    assert seed.map({"x": [1, 2, 3, 4]}, "x", mode="zip") == expected
    # underneath, hn_pipeline_map returns an aa{sv}
    raw = raw_map(seed, vardict(x=[1, 2, 3, 4]), ["x"])
    assert raw.get_type_string() == "aa{sv}"
    assert raw.unpack() == expected
    assert counter["double"] == 12


def test_map_zip_hundred_items(seed):
    result = seed.map({"x": list(range(100))}, ["x"], output_name=["result"])
    assert result == [{"result": 2 * i + 1} for i in range(100)]


def test_map_with_shared_input():
    pipeline = Hn.Pipeline([Hn.node(lambda x, factor: x * factor, output_name="scaled",
                                    name="scale")])
    result = pipeline.map({"x": [1, 2, 3], "factor": 10}, ["x"])
    assert result == [{"scaled": 10}, {"scaled": 20}, {"scaled": 30}]


def test_map_zip_two_inputs():
    pipeline = Hn.Pipeline([Hn.node(lambda a, b: a + b, output_name="sum", name="add")])
    result = pipeline.map({"a": [1, 2, 3], "b": [10, 20, 30]}, ["a", "b"], "zip")
    assert result == [{"sum": 11}, {"sum": 22}, {"sum": 33}]


def test_map_over_av_unboxes_elements():
    pipeline = Hn.Pipeline([Hn.node(lambda v: repr(v), output_name="text", name="describe")])
    # a list of mixed values becomes an av; each item gets the unboxed element
    assert pipeline.map({"v": [1, "two"]}, ["v"]) == [{"text": "1"}, {"text": "'two'"}]
    mixed = GLib.Variant("av", [GLib.Variant("x", 1), GLib.Variant("s", "two")])
    assert pipeline.map({"v": mixed}, ["v"]) == [{"text": "1"}, {"text": "'two'"}]


def test_map_product_mode():
    pipeline = Hn.Pipeline(
        [Hn.node(lambda a, b: (a, b), output_name="pair", name="pair"),
         Hn.node(lambda a, b: a * b, output_name="prod", name="prod")]
    )
    result = pipeline.map({"a": [1, 2], "b": [10, 20, 30]}, ["a", "b"], Hn.MapMode.PRODUCT)
    # one item per combination, the last mapped input varying fastest
    assert [r["pair"] for r in result] == [(1, 10), (1, 20), (1, 30), (2, 10), (2, 20), (2, 30)]
    assert [r["prod"] for r in result] == [10, 20, 30, 20, 40, 60]


def test_map_product_with_empty_input_is_empty():
    pipeline = Hn.Pipeline([Hn.node(lambda a, b: a + b, output_name="sum", name="add")])
    assert pipeline.map({"a": [1, 2], "b": []}, ["a", "b"], "product") == []
    assert pipeline.map({"a": [1, 2], "b": GLib.Variant("ax", [])}, ["a", "b"],
                        Hn.MapMode.PRODUCT) == []


def test_executor_map_items_four_and_hundred(seed, counter):
    executor = Hn.SequentialExecutor()
    for n in (4, 100):
        result = executor.map_items(seed, [{"x": i} for i in range(n)], {})
        assert type(result) is list
        assert result == [{"doubled": 2 * i, "result": 2 * i + 1} for i in range(n)]
    assert counter["double"] == 104
    # underneath, hn_executor_map_items takes and returns an aa{sv}
    items = GLib.Variant("aa{sv}", [{"x": x64(i)} for i in range(4)])
    raw = HnRaw.Executor.map_items(executor, seed, items, GLib.Variant("a{sv}", {}), None, None,
                                   None)
    assert raw.get_type_string() == "aa{sv}"
    assert raw.unpack() == [{"doubled": 2 * i, "result": 2 * i + 1} for i in range(4)]
    assert counter["double"] == 108


def test_executor_map_items_with_shared_and_selected_outputs():
    pipeline = Hn.Pipeline(
        [Hn.node(lambda x, factor: x * factor, output_name="scaled", name="scale"),
         Hn.node(lambda scaled: -scaled, output_name="negated", name="neg")]
    )
    executor = Hn.SequentialExecutor()
    items = [{"x": i} for i in range(100)]
    result = executor.map_items(pipeline, items, {"factor": 3}, output_name=["negated"])
    assert result == [{"negated": -3 * i} for i in range(100)]


def test_map_item_can_override_nothing_but_roots():
    # items may only carry root inputs
    executor = Hn.SequentialExecutor()
    with pytest.raises(GLib.Error) as excinfo:
        executor.map_items(make_seed(), [{"x": 1}, {"doubled": 5}])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_INPUT, "doubled", "double")


def test_empty_map_returns_empty_list(seed, counter):
    assert seed.map({"x": []}, ["x"]) == []
    assert seed.map({"x": GLib.Variant("ax", [])}, ["x"]) == []
    assert counter["double"] == 0
    raw = raw_map(seed, vardict(x=GLib.Variant("ax", [])), ["x"])
    assert raw.get_type_string() == "aa{sv}"
    assert raw.unpack() == []
    assert Hn.SequentialExecutor().map_items(seed, []) == []
    assert counter["double"] == 0


# ---------------------------------------------------------------------------------------------
# Asynchronous runs (the executor runs on a library worker thread; the async API is not
# overridden and stays Variant-based)


def test_run_async(seed, counter, loop_runner):
    main_thread = threading.get_ident()

    def start(done):
        def ready(source, result, *user_data):
            try:
                done(source.run_finish(result))
            except GLib.Error as e:
                done(error=e)

        seed.run_async(vardict(x=5), None, None, ready)

    result = loop_runner.run(start)
    assert result.get_type_string() == "a{sv}"
    assert result.unpack() == {"doubled": 10, "result": 11}
    assert counter["double"] == 1 and counter["add_one"] == 1
    # the nodes ran on a worker thread, not on the thread running the main loop
    assert main_thread not in counter.threads


def test_run_async_selected_output(seed, counter, loop_runner):
    def start(done):
        seed.run_async(vardict(x=8), ["doubled"], None,
                       lambda s, r, *u: done(s.run_finish(r)))

    assert loop_runner.run(start).unpack() == {"doubled": 16}
    assert counter["add_one"] == 0


def test_map_async(seed, counter, loop_runner):
    main_thread = threading.get_ident()

    def start(done):
        def ready(source, result, *user_data):
            try:
                done(source.map_finish(result))
            except GLib.Error as e:
                done(error=e)

        seed.map_async(vardict(x=list(range(100))), ["x"], Hn.MapMode.ZIP, ["result"], None, ready)

    result = loop_runner.run(start)
    assert result.get_type_string() == "aa{sv}"
    assert result.unpack() == [{"result": 2 * i + 1} for i in range(100)]
    assert counter["double"] == 100
    assert main_thread not in counter.threads


def test_map_async_error_is_reported_in_finish(seed, loop_runner):
    def start(done):
        def ready(source, result, *user_data):
            try:
                done(source.map_finish(result))
            except GLib.Error as e:
                done(error=e)

        seed.map_async(vardict(x=5), ["x"], Hn.MapMode.ZIP, None, None, ready)

    with pytest.raises(GLib.Error) as excinfo:
        loop_runner.run(start)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MAP_NOT_ARRAY, "x")


def test_run_async_node_error(loop_runner):
    @Hn.node(output_name="y")
    def fails(x):
        raise ValueError("no good")

    pipeline = Hn.Pipeline([fails])

    def start(done):
        def ready(source, result, *user_data):
            try:
                done(source.run_finish(result))
            except GLib.Error as e:
                done(error=e)

        pipeline.run_async(vardict(x=1), None, None, ready)

    with pytest.raises(GLib.Error) as excinfo:
        loop_runner.run(start)
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.FAILED, "“fails”", "ValueError: no good")


def test_executor_map_items_async(seed, loop_runner):
    executor = Hn.SequentialExecutor()
    items = GLib.Variant("aa{sv}", [{"x": x64(i)} for i in range(4)])

    def start(done):
        executor.map_items_async(seed, items, None, None, None, None,
                                 lambda s, r, *u: done(s.map_items_finish(r)))

    assert loop_runner.run(start).unpack() == [
        {"doubled": 2 * i, "result": 2 * i + 1} for i in range(4)
    ]


# ---------------------------------------------------------------------------------------------
# Cancellation


def assert_cancelled(excinfo):
    e = excinfo.value
    assert e.matches(IO_ERROR, int(Gio.IOErrorEnum.CANCELLED)), f"{e.domain}:{e.code}: {e.message}"


def test_run_cancelled_before(seed, counter):
    cancellable = Gio.Cancellable.new()
    cancellable.cancel()
    with pytest.raises(GLib.Error) as excinfo:
        seed.run({"x": 5}, cancellable=cancellable)
    assert_cancelled(excinfo)
    assert counter["double"] == 0


def test_run_cancelled_during(counter):
    cancellable = Gio.Cancellable.new()

    @Hn.node(output_name="doubled")
    @counted(counter)
    def double(x):
        cancellable.cancel()
        return 2 * x

    @Hn.node(output_name="result")
    @counted(counter)
    def add_one(doubled):
        return doubled + 1

    pipeline = Hn.Pipeline([double, add_one])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": 5}, cancellable=cancellable)
    assert_cancelled(excinfo)
    assert counter["double"] == 1
    assert counter["add_one"] == 0  # no node starts after the cancellation is seen


def test_map_cancelled_during(counter):
    cancellable = Gio.Cancellable.new()

    @Hn.node(output_name="doubled")
    @counted(counter)
    def double(x):
        if x == 2:
            cancellable.cancel()
        return 2 * x

    pipeline = Hn.Pipeline([double])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.map({"x": list(range(10))}, ["x"], cancellable=cancellable)
    assert_cancelled(excinfo)
    assert counter["double"] == 3


def test_run_async_cancelled_before(seed, counter, loop_runner):
    cancellable = Gio.Cancellable.new()
    cancellable.cancel()

    def start(done):
        def ready(source, result, *user_data):
            try:
                done(source.run_finish(result))
            except GLib.Error as e:
                done(error=e)

        seed.run_async(vardict(x=5), None, cancellable, ready)

    with pytest.raises(GLib.Error) as excinfo:
        loop_runner.run(start)
    assert_cancelled(excinfo)
    assert counter["double"] == 0


def test_run_async_cancelled_while_node_runs(counter, loop_runner):
    """Cancel from the main thread while the first node blocks on the worker thread."""
    cancellable = Gio.Cancellable.new()
    started = threading.Event()
    release = threading.Event()

    @Hn.node(output_name="doubled", name="double")
    @counted(counter, "double")
    def slow_double(x):
        started.set()
        assert release.wait(10), "never released"
        return 2 * x

    @Hn.node(output_name="result")
    @counted(counter)
    def add_one(doubled):
        return doubled + 1

    pipeline = Hn.Pipeline([slow_double, add_one])

    def start(done):
        def ready(source, result, *user_data):
            try:
                done(source.run_finish(result))
            except GLib.Error as e:
                done(error=e)

        def poll():
            if not started.is_set():
                return GLib.SOURCE_CONTINUE
            cancellable.cancel()
            release.set()
            return GLib.SOURCE_REMOVE

        pipeline.run_async(vardict(x=5), None, cancellable, ready)
        GLib.timeout_add(5, poll)

    with pytest.raises(GLib.Error) as excinfo:
        loop_runner.run(start)
    assert_cancelled(excinfo)
    assert counter["double"] == 1
    assert counter["add_one"] == 0


def test_map_async_cancelled_during(counter, loop_runner):
    cancellable = Gio.Cancellable.new()

    @Hn.node(output_name="doubled")
    @counted(counter)
    def double(x):
        if x == 1:
            cancellable.cancel()
        return 2 * x

    pipeline = Hn.Pipeline([double])

    def start(done):
        def ready(source, result, *user_data):
            try:
                done(source.map_finish(result))
            except GLib.Error as e:
                done(error=e)

        pipeline.map_async(vardict(x=list(range(50))), ["x"], Hn.MapMode.ZIP, None, cancellable,
                           ready)

    with pytest.raises(GLib.Error) as excinfo:
        loop_runner.run(start)
    assert_cancelled(excinfo)
    assert counter["double"] == 2


# ---------------------------------------------------------------------------------------------
# Construction errors


def ident(name, output_name, fn=None):
    """A Python node named @name whose inputs are the parameters of @fn (default: none)."""
    return Hn.node(fn or (lambda: 0), output_name=output_name, name=name)


def test_cycle_error():
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline([ident("a", "y", lambda x: 0), ident("b", "z", lambda y: 0),
                     ident("c", "x", lambda z: 0)])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.CYCLE, "cycle", "“a”", "“b”", "“c”")


def test_self_cycle_error():
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline([ident("loop", "x", lambda x: x)])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.CYCLE, "“loop”", "“x”")


def test_duplicate_output_error():
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline([ident("first", "y", lambda x: 0), ident("second", "y", lambda z: 0)])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.DUPLICATE_OUTPUT,
                 "“y”", "“first”", "“second”")


def test_duplicate_node_error():
    # nodes may share a name (one function under two output names) ...
    pipeline = Hn.Pipeline([ident("same", "y", lambda x: x + 1), ident("same", "z", lambda y: y * 2)])
    assert pipeline.run({"x": 1}) == {"y": 2, "z": 4}
    # ... but the same node cannot be given twice
    node = ident("same", "y", lambda x: 0)
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline([node, node])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.DUPLICATE_NODE, "“same”")


def test_invalid_node_errors():
    # a Python function cannot have the same parameter twice: a C-style node can
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline([c_node("twice", ["x", "x"], ["y"], lambda *a: x64(0))])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_NODE, "“twice”", "“x”")

    bad_type = Hn.node(lambda x: x, output_name="y", name="bad", input_types=["not a type"],
                       output_types=["x"])
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline([bad_type])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_NODE, "“bad”", "not a type")

    bad_type = c_node("bad", ["x"], ["y"], lambda x: x64(x), input_types=["not a type"],
                      output_types=["x"])
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline([bad_type])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_NODE, "“bad”", "not a type")

    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline([ident("no_outputs", (), lambda x: 0)])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_NODE, "“no_outputs”")


def test_type_mismatch_between_typed_ports():
    producer = Hn.node(lambda x: str(x), output_name="text", name="producer",
                       input_types=["x"], output_types=["s"])
    consumer = Hn.node(lambda text: int(text), output_name="n", name="consumer",
                       input_types=["x"], output_types=["x"])
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline([producer, consumer])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.TYPE_MISMATCH,
                 "“consumer”", "“producer”", "“text”", "“s”", "“x”")


def test_typed_port_accepts_untyped_producer_but_checks_at_run_time(counter):
    @Hn.node(output_name="text")
    @counted(counter)
    def producer(x):
        return str(x)

    @Hn.node(output_name="n", input_types=["x"], output_types=["x"])
    @counted(counter)
    def consumer(text):
        return int(text)

    pipeline = Hn.Pipeline([producer, consumer])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": 3})
    # the producer's value is a Python str, which cannot become the consumer's int64
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.TYPE_MISMATCH,
                 "“producer”", "“consumer”", "“text”", "str", "“x”")
    assert isinstance(excinfo.value, ValueError)
    assert counter["producer"] == 1
    assert counter["consumer"] == 0


# ---------------------------------------------------------------------------------------------
# Run-time errors


def make_two_branches(counter=None):
    @Hn.node(output_name="doubled")
    @counted(counter)
    def double(x):
        return 2 * x

    @Hn.node(output_name="result")
    @counted(counter)
    def add_one(doubled):
        return doubled + 1

    @Hn.node(output_name="combined")
    @counted(counter)
    def combine(y, z):
        return y * z

    return Hn.Pipeline([double, add_one, combine])


def test_missing_inputs_all_named(counter):
    pipeline = make_two_branches(counter)
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({})
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MISSING_INPUT, "“x”", "“y”", "“z”")
    assert sum(counter.counts.values()) == 0


def test_missing_inputs_only_those_needed(counter):
    pipeline = make_two_branches(counter)
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({}, ["combined"])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MISSING_INPUT, "“y”", "“z”")
    assert "“x”" not in excinfo.value.message

    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"y": 2}, ["combined", "result"])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MISSING_INPUT, "“x”", "“z”")
    assert "“y”" not in excinfo.value.message

    # what is needed is enough
    assert pipeline.run({"y": 2, "z": 3}, ["combined"]) == {"combined": 6}
    assert counter["double"] == 0
    assert list(pipeline.get_required_inputs(["combined"])) == ["y", "z"]


def test_missing_input_in_map_item():
    pipeline = make_two_branches()
    items = [{"y": 1, "z": 1}, {"y": 2}]
    with pytest.raises(GLib.Error) as excinfo:
        Hn.SequentialExecutor().map_items(pipeline, items, output_name=["combined"])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MISSING_INPUT, "Item 1", "“z”")


def test_unknown_requested_output(seed, counter):
    with pytest.raises(GLib.Error) as excinfo:
        seed.run({"x": 1}, ["nope"])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_OUTPUT, "“nope”")
    with pytest.raises(GLib.Error) as excinfo:
        seed.run({"x": 1}, "x")
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_OUTPUT, "“x”")
    with pytest.raises(GLib.Error) as excinfo:
        seed.get_required_inputs(["nope"])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_OUTPUT, "“nope”")
    assert counter["double"] == 0


def test_unknown_input_name(seed, counter):
    # names no node uses are refused by the strict check, and ignored by a run (below)
    with pytest.raises(GLib.Error) as excinfo:
        seed.check_inputs(GLib.Variant("a{sv}", {"x": GLib.Variant("x", 1),
                                                 "bogus": GLib.Variant("x", 2)}), None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_INPUT, "“bogus”")
    with pytest.raises(GLib.Error) as excinfo:
        seed.run({"x": 1, "doubled": 2})
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_INPUT, "“doubled”", "“double”")
    assert counter["double"] == 0
    assert seed.run({"x": 1, "bogus": 2}, output_name="doubled") == {"doubled": 2}


def test_inputs_not_a_vardict(seed, counter):
    # a GLib.Variant goes to the library as is, and the library checks it
    with pytest.raises(GLib.Error) as excinfo:
        seed.run(GLib.Variant("a{sx}", {"x": 1}))
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_INPUTS, "a{sx}")
    # anything else but a dict is refused before the library sees it
    with pytest.raises(TypeError, match="inputs must be a dict, not list"):
        seed.run([("x", 1)])
    assert counter["double"] == 0


def test_root_input_of_wrong_type(counter):
    @Hn.node(output_name="y", input_types=["x"], output_types=["x"])
    @counted(counter)
    def typed(x):
        return x

    pipeline = Hn.Pipeline([typed])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": "five"})
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.TYPE_MISMATCH,
                 "“x”", "str", "“typed”")
    assert counter["typed"] == 0
    # int32 is not int64 either
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": GLib.Variant("i", 5)})
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.TYPE_MISMATCH, "“i”")
    assert counter["typed"] == 0
    assert pipeline.run({"x": 5}) == {"y": 5}


def test_root_input_of_wrong_type_in_map_names_item():
    pipeline = Hn.Pipeline([Hn.node(lambda x: x, output_name="y", name="typed",
                                    input_types=["x"], output_types=["x"])])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.map({"x": [1, "two"]}, ["x"])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.TYPE_MISMATCH, "item 1", "str")


def test_node_error_raised_as_itself_with_node_name(counter):
    @Hn.node(output_name="doubled")
    @counted(counter)
    def double(x):
        return 2 * x

    @Hn.node(output_name="result")
    @counted(counter)
    def explode(doubled):
        raise ValueError(f"cannot handle {doubled}")

    pipeline = Hn.Pipeline([double, explode])
    with pytest.raises(ValueError) as excinfo:
        pipeline.run({"x": 5})
    assert_raised_by_node(excinfo, ValueError, "Node “explode” failed", "cannot handle 10")
    assert excinfo.value.__traceback__ is not None
    assert counter["explode"] == 1


def test_node_glib_error_passes_through_as_itself():
    raised = []

    @Hn.node(output_name="y")
    def writer(x):
        raised.append(GLib.Error.new_literal(IO_ERROR, "disk on fire",
                                             int(Gio.IOErrorEnum.NO_SPACE)))
        raise raised[-1]

    pipeline = Hn.Pipeline([writer])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": 5})
    assert excinfo.value is raised[0]
    assert excinfo.value.matches(IO_ERROR, int(Gio.IOErrorEnum.NO_SPACE))
    assert_raised_by_node(excinfo, type(raised[0]), "“writer”", "disk on fire")


def test_node_error_in_map_names_item(counter):
    @Hn.node(output_name="y")
    @counted(counter)
    def picky(x):
        if x == 3:
            raise ValueError("three is right out")
        return x

    pipeline = Hn.Pipeline([picky])
    with pytest.raises(ValueError) as excinfo:
        pipeline.map({"x": [0, 1, 2, 3, 4, 5]}, ["x"])
    assert_raised_by_node(excinfo, ValueError, "“picky”", "item 3", "three is right out")
    assert counter["picky"] == 4  # the map stops at the failing item


def test_unwrapped_python_exception_is_invalid_result():
    """A raw FunctionNode callback that raises: PyGObject prints the exception and the node
    returns NULL without an error."""

    def raw(args, *rest):
        raise RuntimeError("printed by PyGObject, not propagated")

    pipeline = Hn.Pipeline([Hn.FunctionNode.new("raw", ["x"], ["y"], raw)])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": 1})
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.INVALID_RESULT, "“raw”")


def test_result_of_wrong_declared_type_is_invalid_result():
    pipeline = Hn.Pipeline(
        [c_node("liar", ["x"], ["y"], lambda x: GLib.Variant("s", "not an int"),
                output_types=["x"], input_types=["*"])]
    )
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": 1})
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.INVALID_RESULT, "“liar”", "“s”", "“y”")

    # a Python node returning a GLib.Variant hands it to the library as is: same check
    pipeline = Hn.Pipeline([Hn.node(lambda x: GLib.Variant("s", "not an int"), output_name="y",
                                    name="liar", output_types=["x"], input_types=["*"])])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": 1})
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.INVALID_RESULT, "“liar”", "“s”", "“y”")


def test_multi_output_node_must_return_tuple_of_right_size():
    pipeline = Hn.Pipeline(
        [c_node("bad_split", ["x"], ["a", "b"], lambda x: GLib.Variant("(xxx)", (x, x, x)))]
    )
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": 1})
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.INVALID_RESULT, "“bad_split”", "(xxx)")

    pipeline = Hn.Pipeline([c_node("scalar", ["x"], ["a", "b"], lambda x: x64(x))])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": 1})
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.INVALID_RESULT, "“scalar”")


def test_map_length_mismatch():
    pipeline = Hn.Pipeline([Hn.node(lambda a, b: a + b, output_name="sum", name="add")])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.map({"a": [1, 2, 3], "b": [1, 2]}, ["a", "b"], "zip")
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MAP_LENGTH_MISMATCH,
                 "“a”", "3", "“b”", "2")
    # the same inputs are fine as a product
    result = pipeline.map({"a": [1, 2, 3], "b": [1, 2]}, ["a", "b"], "product")
    assert len(result) == 6


def test_mapped_input_not_an_array(seed, counter):
    with pytest.raises(GLib.Error) as excinfo:
        seed.map({"x": 5}, ["x"])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MAP_NOT_ARRAY, "“x”", "“x”")
    assert counter["double"] == 0


def test_mapped_name_not_an_input(seed):
    with pytest.raises(GLib.Error) as excinfo:
        seed.map({"x": [1, 2], "y": [1, 2]}, ["x", "y"])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_INPUT, "“y”")
    with pytest.raises(GLib.Error) as excinfo:
        seed.map({"x": [1, 2], "doubled": [1, 2]}, ["doubled"])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_INPUT, "“doubled”")


def test_mapped_input_missing(seed):
    with pytest.raises(GLib.Error) as excinfo:
        seed.map({}, ["x"])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MISSING_INPUT, "“x”")


def test_map_needs_distinct_mapped_inputs(seed):
    with pytest.raises(GLib.Error) as excinfo:
        seed.map({"x": [1]}, [])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_INPUTS, "at least one")
    with pytest.raises(GLib.Error) as excinfo:
        seed.map({"x": [1]}, ["x", "x"])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_INPUTS, "“x”", "twice")


def test_map_items_not_an_array_of_dicts(seed):
    with pytest.raises(GLib.Error) as excinfo:
        Hn.SequentialExecutor().map_items(seed, GLib.Variant("ax", [1, 2]))
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_INPUTS, "aa{sv}", "ax")


# ---------------------------------------------------------------------------------------------
# Threads


def test_run_from_several_python_threads(counter):
    pipeline = make_seed(counter)
    n_threads, runs_per_thread = 8, 50
    barrier = threading.Barrier(n_threads)
    results = {}
    errors = []

    def worker(t):
        try:
            barrier.wait()
            out = []
            for i in range(runs_per_thread):
                x = t * 1000 + i
                out.append((x, pipeline.run({"x": x})))
            results[t] = out
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(n_threads)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
        assert not th.is_alive()

    assert errors == []
    assert len(results) == n_threads
    for t in range(n_threads):
        assert len(results[t]) == runs_per_thread
        for x, r in results[t]:
            assert r == {"doubled": 2 * x, "result": 2 * x + 1}
    assert counter["double"] == n_threads * runs_per_thread
    assert counter["add_one"] == n_threads * runs_per_thread
    assert len(counter.threads) == n_threads


def test_threads_requesting_different_outputs(counter):
    """Runs with different requested outputs at once share the pipeline's plan cache."""
    pipeline = make_two_branches(counter)
    requests = [None, ["doubled"], ["result"], ["combined"], ["combined", "doubled"]]
    errors = []

    def expected(x, outputs):
        full = {"doubled": 2 * x, "result": 2 * x + 1, "combined": x * 3}
        return full if outputs is None else {k: full[k] for k in outputs}

    def worker(t):
        try:
            for i in range(40):
                outputs = requests[(t + i) % len(requests)]
                x = t * 100 + i
                got = pipeline.run({"x": x, "y": x, "z": 3}, outputs)
                assert got == expected(x, outputs), (outputs, got)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
        assert not th.is_alive()
    assert errors == []


def test_map_from_several_python_threads():
    pipeline = make_seed()
    results = [None] * 4

    def worker(t):
        results[t] = pipeline.map({"x": [t * 100 + i for i in range(25)]}, ["x"],
                                  output_name=["result"])

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
        assert not th.is_alive()
    for t in range(4):
        assert results[t] == [{"result": 2 * (t * 100 + i) + 1} for i in range(25)]


def test_many_async_runs_at_once(loop_runner):
    pipeline = make_seed()
    n = 20
    results = {}

    def start(done):
        def ready(source, result, x):
            try:
                results[x] = source.run_finish(result).unpack()
            except GLib.Error as e:
                done(error=e)
                return
            if len(results) == n:
                done(True)

        for x in range(n):
            pipeline.run_async(vardict(x=x), None, None, ready, x)

    assert loop_runner.run(start) is True
    assert results == {x: {"doubled": 2 * x, "result": 2 * x + 1} for x in range(n)}


# ---------------------------------------------------------------------------------------------
# Subclassing Hn.Node in Python


class AffineNode(Hn.Node):
    """A stateful node: y = a * x + b, with a and b held by the node."""

    def __init__(self, name, a, b, **kwargs):
        super().__init__(name=name, **kwargs)
        self.a = a
        self.b = b
        self.seen = []
        self._lock = threading.Lock()

    # PyGObject 3.42 gives the C vfunc invoke(self, args, n_args, cancellable) as
    # do_invoke(self, args, n_args, cancellable): args is a list of GLib.Variant and the array
    # length is NOT hidden. Take the trailing arguments loosely so a PyGObject that hides n_args
    # also works; the cancellable is always last.
    def do_invoke(self, args, *rest):
        cancellable = rest[-1]
        with self._lock:
            self.seen.append((list(args), rest, threading.get_ident()))
        if cancellable is not None and cancellable.is_cancelled():
            raise GLib.Error.new_literal(IO_ERROR, "cancelled", int(Gio.IOErrorEnum.CANCELLED))
        x = args[0].unpack()
        if x < 0:
            raise GLib.Error.new_literal(IO_ERROR, f"negative x: {x}", int(Gio.IOErrorEnum.FAILED))
        return GLib.Variant("x", self.a * x + self.b)


def make_affine_pipeline():
    affine = AffineNode("affine", 3, 4, inputs=["x"], outputs=["y"],
                        input_types=["x"], output_types=["x"])
    add_one = Hn.node(lambda y: y + 1, output_name="z", name="add_one")
    return affine, Hn.Pipeline([affine, add_one])


def test_python_subclass_node_vfunc_signature():
    affine, _ = make_affine_pipeline()
    assert affine.get_name() == "affine"
    assert list(affine.props.inputs) == ["x"]
    # invoke from Python: the caller side hides n_args
    result = affine.invoke([x64(2)], None)
    assert result.unpack() == 10
    args, rest, _thread = affine.seen[-1]
    assert [a.unpack() for a in args] == [2]
    assert rest[-1] is None
    if len(rest) == 2:  # PyGObject 3.42: (n_args, cancellable)
        assert rest[0] == 1


def test_python_subclass_node_in_pipeline():
    affine, pipeline = make_affine_pipeline()
    cancellable = Gio.Cancellable.new()
    assert pipeline.run({"x": 5}, cancellable=cancellable) == {"y": 19, "z": 20}
    assert affine.seen[-1][1][-1] is cancellable  # the run's cancellable reaches the node
    result = pipeline.map({"x": list(range(10))}, ["x"], output_name=["z"])
    assert result == [{"z": 3 * i + 5} for i in range(10)]


def test_python_subclass_node_error():
    _, pipeline = make_affine_pipeline()
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": -1})
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.FAILED, "“affine”", "negative x: -1")


def test_python_subclass_node_async_on_worker_thread(loop_runner):
    affine, pipeline = make_affine_pipeline()

    def start(done):
        pipeline.map_async(vardict(x=[1, 2, 3]), ["x"], Hn.MapMode.ZIP, None, None,
                           lambda s, r, *u: done(s.map_finish(r)))

    assert loop_runner.run(start).unpack() == [
        {"y": 7, "z": 8}, {"y": 10, "z": 11}, {"y": 13, "z": 14}
    ]
    assert threading.get_ident() not in {seen[2] for seen in affine.seen}


def test_python_subclass_without_invoke_is_not_supported():
    class Lazy(Hn.Node):
        pass

    pipeline = Hn.Pipeline([Lazy(name="lazy", inputs=["x"], outputs=["y"])])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": 1})
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.FAILED, "“lazy”", "does not implement")


def test_python_node_has_its_own_gtype():
    """The nodes of Hn.node are of their own GType, a subclass of HnNode: their do_invoke must not
    become the invoke of HnNode itself (as it did when PythonNode was defined in the override
    module, for which PyGObject registers no GType), or the test above fails."""
    from gi.repository import GObject

    node = Hn.node(lambda x: x, output_name="y", name="n")
    assert isinstance(node, PythonNode)
    assert GObject.type_is_a(node.__gtype__, Hn.Node.__gtype__)
    assert node.__gtype__ != Hn.Node.__gtype__, node.__gtype__.name
    assert node.__gtype__.name == "HnPythonNode"
    # a plain HnNode must keep the default invoke of the library
    plain = Hn.Pipeline([Hn.Node(name="plain", inputs=["x"], outputs=["y"])])
    with pytest.raises(GLib.Error) as excinfo:
        plain.run({"x": 1})
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.FAILED, "“plain”", "does not implement")


# ---------------------------------------------------------------------------------------------
# The override itself


def test_override_is_loaded():
    assert Hn.Pipeline.__module__ == "gi.overrides.Hn"
    assert issubclass(Hn.Pipeline, HnRaw.Pipeline)
    pipeline = Hn.Pipeline([])
    assert isinstance(pipeline, HnRaw.Pipeline)
    # objects made by the C constructors get the overridden class too
    assert type(HnRaw.Pipeline.new([])) is Hn.Pipeline
    assert type(Hn.SequentialExecutor.new()) is Hn.SequentialExecutor
    # the package re-exports the override
    import hypernodes

    assert hypernodes.node is Hn.node
    assert hypernodes.Pipeline is Hn.Pipeline


def _subprocess_env():
    """An environment in which a fresh interpreter finds this build and the override."""
    gi_repository = get_introspection_module("GIRepository")
    typelib = gi_repository.Repository.get_default().get_typelib_path("Hn")
    build_dir = str(pathlib.Path(typelib).resolve().parent)
    python_dir = str(pathlib.Path(__file__).resolve().parents[2] / "hypernodes" / "python")
    env = dict(os.environ)
    for name, value in (("GI_TYPELIB_PATH", build_dir), ("LD_LIBRARY_PATH", build_dir),
                        ("PYTHONPATH", python_dir)):
        env[name] = value + (os.pathsep + env[name] if env.get(name) else "")
    return env


def test_override_loads_when_imported_first():
    """`from gi.repository import Hn` as the very first import loads the override (it imports
    modules of the hypernodes package while Hn is still loading)."""
    code = (
        "import gi\n"
        "gi.require_version('Hn', '1')\n"
        "from gi.repository import Hn\n"
        "print(Hn.Pipeline([Hn.node(lambda x: 2 * x, output_name='y', name='d')])"
        ".run({'x': 21}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=_subprocess_env(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "{'y': 42}"


def test_import_hypernodes_first_in_fresh_interpreter():
    """The other order works too, and the package gives the same Hn."""
    code = (
        "import hypernodes\n"
        "from gi.repository import Hn\n"
        "assert hypernodes.Hn is Hn and hypernodes.node is Hn.node\n"
        "print(hypernodes.Pipeline([hypernodes.node(lambda x: 2 * x, output_name='y', "
        "name='d')]).run({'x': 21}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=_subprocess_env(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "{'y': 42}"


def test_node_decorator_reads_parameter_names():
    @Hn.node(output_name="joined")
    def join(first, second, sep):
        """Joins two strings."""
        return sep.join([first, second])

    assert isinstance(join, Hn.Node)
    assert isinstance(join, PythonNode)
    assert join.get_name() == "join"
    assert list(join.get_inputs()) == ["first", "second", "sep"]
    assert list(join.props.inputs) == ["first", "second", "sep"]
    assert list(join.get_outputs()) == ["joined"]
    assert join.get_input_type("first").dup_string() == "*"  # untyped unless input_types
    assert join.__doc__ == "Joins two strings."
    assert repr(join) == "<Hn.node join(first, second, sep) -> joined>"
    # the node is still callable as the function
    assert join("a", "b", "-") == "a-b"
    # the parameter order is the input order, whatever the order of the dict
    pipeline = Hn.Pipeline([join])
    assert pipeline.root_inputs == ["first", "second", "sep"]
    assert pipeline.run({"sep": "+", "second": "y", "first": "x"}) == {"joined": "x+y"}

    # name= overrides the function's name; *args and **kwargs are not inputs
    def anything(a, /, b, *rest, **options):
        return a + b

    node = Hn.node(anything, output_name="total", name="summer")
    assert node.get_name() == "summer"
    assert list(node.get_inputs()) == ["a", "b"]
    assert Hn.Pipeline([node]).run({"a": 1, "b": 2}) == {"total": 3}

    # a function without parameters is a node without inputs
    assert list(Hn.node(lambda: 1, output_name="one", name="one").get_inputs()) == []


def test_node_decorator_keyword_only_parameter():
    """Keyword-only parameters are inputs too, and are passed by keyword."""
    @Hn.node(output_name="joined")
    def join(first, second, *, sep):
        return sep.join([first, second])

    assert list(join.get_inputs()) == ["first", "second", "sep"]
    assert Hn.Pipeline([join]).run({"first": "x", "second": "y", "sep": "+"}) == {"joined": "x+y"}


def test_node_decorator_variant_typed_output():
    """An output declared as 'v' takes a plain value, boxed."""
    boxed = Hn.node(lambda x: x, output_name="y", name="boxed", output_types=["v"])
    assert Hn.Pipeline([boxed]).run({"x": 1}) == {"y": 1}


def test_node_decorator_values_round_trip():
    """Plain Python values go in and come out: bool, int, float, str, bytes, lists, tuples,
    str-keyed dicts."""

    @Hn.node(output_name="echo")
    def echo(value):
        return value

    pipeline = Hn.Pipeline([echo])
    for value in (True, -7, 2.5, "héllo", b"\x00\xffbytes", [1, 2, 3], ["a", "b"], (1, "a", 2.0),
                  {"k": 1, "l": [1, 2]}, [1, "mixed"], []):
        assert pipeline.run({"value": value}) == {"echo": value}, value
    # a bytearray arrives as bytes
    assert pipeline.run({"value": bytearray(b"ab")}) == {"echo": b"ab"}


@pytest.mark.parametrize("value", [
    "a\0b", "\0", "é\0é", ["x\0", "y"], ["\0", "\0"], [["a\0"]], {"k": "\0"}, ("\0", 1),
    [b"ab", b"\0", b""], (b"\x00\xff", "s"), {"b": b"\0\0"}, [[b"x"]],
], ids=["nul-in-str", "only-nul", "nul-between-non-ascii", "list-of-str", "list-of-nul-str",
        "nested-list", "dict-value", "tuple-member", "list-of-bytes", "tuple-of-bytes",
        "dict-of-bytes", "nested-bytes"])
def test_values_with_nul_and_nested_bytes_round_trip(value):
    """A str holding NUL used to be cut at the NUL (GVariant strings end there), and bytes inside
    a container came back as lists of ints: both come back as they went in."""

    @Hn.node(output_name="echo")
    def echo(value):
        assert value == received[0]
        return value

    received = [value]
    pipeline = Hn.Pipeline([echo])
    assert pipeline.run({"value": value}) == {"echo": value}
    assert pipeline.map({"value": [value, value]}, "value") == [{"echo": value}] * 2


def test_str_with_nul_on_a_string_port_is_a_clear_error():
    pipeline = Hn.Pipeline([Hn.node(lambda x: "a\0b", output_name="y", name="nul",
                                    output_types=["s"])])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": 1})
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.INVALID_RESULT, "Node “nul”", "“y”",
                 "cannot hold NUL (U+0000)")
    # an untyped port passes it as it is
    assert Hn.Pipeline([Hn.node(lambda x: "a\0b", output_name="y")]).run({"x": 1}) == {
        "y": "a\0b"}


def test_input_name_with_nul_is_a_clear_error():
    """An input name used to be cut at a NUL, so that "x\\0y" silently set the input "x"."""
    pipeline = Hn.Pipeline([Hn.node(lambda x: x, output_name="y", name="same")])
    with pytest.raises(TypeError, match="the input name 'x\\\\x00y' contains NUL"):
        pipeline.run({"x\0y": 1})
    with pytest.raises(TypeError, match="contains NUL"):
        Hn.SequentialExecutor().map_items(pipeline, [{"x\0": 1}])


def test_bytes_convert_in_bulk():
    """bytes became a GVariant one element at a time (7 s and 170 MB per MB); now in one copy."""
    import time

    @Hn.node(output_name="size")
    def size(data):
        assert data == blob
        return len(data)

    blob = bytes(range(256)) * (16 * 4096)  # 16 MB
    pipeline = Hn.Pipeline([size, Hn.node(lambda data: data, output_name="copy", name="copy")])
    start = time.perf_counter()
    result = pipeline.run({"data": blob})
    elapsed = time.perf_counter() - start
    assert result == {"size": len(blob), "copy": blob}
    assert elapsed < 5, f"16 MB of bytes took {elapsed:.1f} s"


def test_multi_output_node_returns_tuple():
    @Hn.node(output_name=("a", "b"))
    def split(x):
        return x // 10, x % 10

    assert list(split.get_outputs()) == ["a", "b"]
    assert repr(split) == "<Hn.node split(x) -> a, b>"
    pipeline = Hn.Pipeline([split])
    assert pipeline.outputs == ["a", "b"]
    assert pipeline.run({"x": 42}) == {"a": 4, "b": 2}
    assert pipeline.run({"x": 42}, "b") == {"b": 2}
    assert pipeline.map({"x": [12, 34]}, "x") == [{"a": 1, "b": 2}, {"a": 3, "b": 4}]
    # a list of the right length is as good as a tuple; members may have different types
    lists = Hn.Pipeline([Hn.node(lambda x: [x, str(x)], output_name=("n", "s"), name="both")])
    assert lists.run({"x": 5}) == {"n": 5, "s": "5"}
    # a single-output node returning a tuple keeps it as one tuple value
    pair = Hn.Pipeline([Hn.node(lambda x: (x, x), output_name="pair", name="pair")])
    assert pair.run({"x": 3}) == {"pair": (3, 3)}


def test_multi_output_node_wrong_result_names_node():
    for name, fn, shown in (("three", lambda x: (x, x, x), "(1, 1, 1)"),
                            ("scalar", lambda x: x, "not 1")):
        pipeline = Hn.Pipeline([Hn.node(fn, output_name=("a", "b"), name=name)])
        with pytest.raises(TypeError) as excinfo:
            pipeline.run({"x": 1})
        assert_raised_by_node(excinfo, TypeError, f"Node “{name}” failed", "2 outputs", "(a, b)",
                              "tuple of 2 values", shown)


def test_python_exception_reaches_the_caller_as_itself(counter):
    @Hn.node(output_name="y")
    @counted(counter)
    def divide(x):
        return 10 // x

    pipeline = Hn.Pipeline([divide])
    assert pipeline.run({"x": 5}) == {"y": 2}
    with pytest.raises(ZeroDivisionError) as excinfo:
        pipeline.run({"x": 0})
    assert excinfo.value.__notes__ == ["hypernodes: Node “divide” failed"]
    # the traceback reaches into the node's function
    assert "divide" in [f.name for f in excinfo.traceback]

    # exceptions of any class, including ones made in the test: the same object
    class Custom(Exception):
        pass

    raised = []

    @Hn.node(output_name="y")
    def custom(x):
        raised.append(Custom(f"custom failure with {x}"))
        raise raised[-1]

    with pytest.raises(Custom) as excinfo:
        Hn.Pipeline([custom]).run({"x": 7})
    assert excinfo.value is raised[0]
    assert_raised_by_node(excinfo, Custom, "“custom”", "custom failure with 7")

    # in a map, the item too
    with pytest.raises(ZeroDivisionError) as excinfo:
        pipeline.map({"x": [1, 2, 0, 4]}, "x")
    assert_raised_by_node(excinfo, ZeroDivisionError, "“divide”", "item 2")
    assert counter["divide"] == 5


@pytest.mark.parametrize(
    "value",
    [object(), None, {1: "int key"}, 2 ** 70, {1, 2}, b"\0" * 3, (None, [{"a": None}])],
    ids=["object", "None", "int-keyed-dict", "too-big-int", "set", "bytes", "nested"],
)
def test_any_result_reaches_the_caller_unchanged(value):
    @Hn.node(output_name="y")
    def passthrough(x):
        return value

    @Hn.node(output_name="z")
    def same(y):
        return y

    result = Hn.Pipeline([passthrough, same]).run({"x": 1})
    assert result["y"] is value and result["z"] is value


def test_unconvertible_result_of_typed_port_names_node():
    # a declared output type is used for the conversion: a str is not an int64
    pipeline = Hn.Pipeline([Hn.node(lambda x: "not an int", output_name="y", name="liar",
                                    output_types=["x"])])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": 1})
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.INVALID_RESULT, "Node “liar”", "“y”",
                 "str", "“x”")
    # a maybe type makes None a value
    maybe = Hn.Pipeline([Hn.node(lambda x: None if x < 0 else x, output_name="y", name="maybe",
                                 output_types=["mx"])])
    assert maybe.run({"x": -1}) == {"y": None}
    assert maybe.run({"x": 3}) == {"y": 3}


def test_any_input_reaches_python_nodes_unchanged(counter):
    seen = []

    @Hn.node(output_name="y")
    def look(x):
        seen.append(x)
        return x

    pipeline = Hn.Pipeline([look])
    for value in (object(), None, {1: "a"}, 2 ** 100, {3}):
        assert pipeline.run({"x": value})["y"] is value
        assert seen[-1] is value
    # map_items passes data (a GVariant per item): objects travel pickled, and come back equal
    items = Hn.SequentialExecutor().map_items(pipeline, [{"x": {1: "a"}}, {"x": None}])
    assert items == [{"y": {1: "a"}}, {"y": None}]


def test_map_product_mode_pythonic():
    @Hn.node(output_name="label")
    def label(size, colour):
        return f"{colour} {size}"

    pipeline = Hn.Pipeline([label])
    result = pipeline.map({"size": ["S", "M"], "colour": ["red", "green", "blue"]},
                          ["size", "colour"], mode="product")
    assert result == [{"label": f"{c} {s}"} for s in ("S", "M") for c in ("red", "green", "blue")]
    # the order of map_over decides which input varies fastest
    result = pipeline.map({"size": ["S", "M"], "colour": ["red", "green", "blue"]},
                          ["colour", "size"], mode="product")
    assert result == [{"label": f"{c} {s}"} for c in ("red", "green", "blue") for s in ("S", "M")]
    # zip of the same-length inputs pairs them instead
    assert pipeline.map({"size": ["S", "M"], "colour": ["red", "blue"]}, ["size", "colour"],
                        mode="zip") == [{"label": "red S"}, {"label": "blue M"}]
    # product with a shared (unmapped) input and selected outputs
    scaled = Hn.Pipeline([Hn.node(lambda a, b, k: (a + b) * k, output_name="s", name="s"),
                          Hn.node(lambda s: -s, output_name="neg", name="neg")])
    assert scaled.map({"a": [1, 2], "b": [10, 20], "k": 2}, ["a", "b"], "product", "neg") == [
        {"neg": -22}, {"neg": -42}, {"neg": -24}, {"neg": -44}
    ]


def make_values_pipeline(counter=None):
    """Python nodes over several kinds of values: str, list, tuple, multi-output, float."""

    @Hn.node(output_name=("words", "n_words"))
    @counted(counter)
    def split(text):
        words = text.split()
        return words, len(words)

    @Hn.node(output_name="longest")
    @counted(counter)
    def longest(words):
        return max(words, key=len) if words else ""

    @Hn.node(output_name="stats")
    @counted(counter)
    def stats(words, n_words, weight):
        return (n_words, sum(len(w) for w in words) * weight)

    return Hn.Pipeline([split, longest, stats])


TEXTS = [f"item {i} " + " ".join("w" * (j + 1) for j in range(i % 5)) for i in range(40)]


def async_factories():
    return [
        pytest.param(lambda: Hn.AsyncExecutor(4), id="async-4"),
        pytest.param(lambda: Hn.AsyncExecutor(), id="async-default"),
    ]


def thread_pool_factories():
    return [
        pytest.param(lambda: Hn.ThreadPoolExecutor(4), id="thread-pool-4"),
        pytest.param(lambda: Hn.ThreadPoolExecutor(), id="thread-pool-default"),
    ]


def parallel_factories():
    return thread_pool_factories() + async_factories()


def check_blocking_calls_match_sequential(executor):
    """The Pythonic (blocking) API on @executor gives what the sequential executor gives, for
    Python nodes: run, map (zip, selected outputs, product), map_items, run_pipeline."""
    sequential_counter, counter = CallCounter(), CallCounter()
    reference = make_values_pipeline(sequential_counter).with_config(sequential_config())
    assert isinstance(executor, Hn.Executor)
    pipeline = make_values_pipeline(counter).with_config(
        Hn.RuntimeConfig(Hn.LocalBackend.new(), executor))
    assert pipeline.get_config().executor is executor

    inputs = {"text": TEXTS, "weight": 0.5}
    expected = reference.map(inputs, "text")
    assert len(expected) == len(TEXTS)
    assert expected[3] == {"words": ["item", "3", "w", "ww", "www"], "n_words": 5,
                           "longest": "item", "stats": (5, 5.5)}
    assert pipeline.map(inputs, "text") == expected
    # every node ran once per item, as on the sequential executor
    assert counter.counts == sequential_counter.counts == {"split": 40, "longest": 40,
                                                           "stats": 40}
    assert pipeline.map(inputs, "text", output_name=["longest"]) == [
        {"longest": e["longest"]} for e in expected
    ]
    # product mode too
    product_inputs = {"text": TEXTS[:5], "weight": [1.0, 2.0]}
    assert pipeline.map(product_inputs, ["text", "weight"], "product") == reference.map(
        product_inputs, ["text", "weight"], "product")
    # a single run
    assert pipeline.run({"text": TEXTS[7], "weight": 2.0}) == reference.run(
        {"text": TEXTS[7], "weight": 2.0})
    # the executor's own Pythonic methods
    items = [{"text": t} for t in TEXTS]
    assert executor.map_items(pipeline, items, {"weight": 0.5}) == expected
    assert executor.run_pipeline(pipeline, {"text": TEXTS[3], "weight": 0.5}) == expected[3]
    assert executor.run_pipeline(pipeline, {"text": TEXTS[3], "weight": 0.5},
                                 output_name="n_words") == {"n_words": 5}


def check_blocking_errors_match_sequential(executor):
    def make():
        @Hn.node(output_name="inverse")
        def invert(x):
            return 1 / x

        return Hn.Pipeline([invert])

    def error_of(call):
        with pytest.raises(ZeroDivisionError) as excinfo:
            call()
        return excinfo

    reference = make().with_config(sequential_config())
    pipeline = make().with_config(Hn.RuntimeConfig(Hn.LocalBackend.new(), executor))
    expected = error_of(lambda: reference.map({"x": [4, 2, 0, 1]}, "x"))
    got = error_of(lambda: pipeline.map({"x": [4, 2, 0, 1]}, "x"))
    assert_raised_by_node(expected, ZeroDivisionError, "“invert”", "item 2")
    assert_raised_by_node(got, ZeroDivisionError, "“invert”", "item 2")
    assert got.value.__notes__ == expected.value.__notes__
    assert pipeline.map({"x": [4, 2]}, "x") == [{"inverse": 0.25}, {"inverse": 0.5}]


@pytest.mark.parametrize("make_executor", parallel_factories())
def test_executor_matches_sequential_for_python_nodes(make_executor):
    check_blocking_calls_match_sequential(make_executor())


@pytest.mark.parametrize("make_executor", parallel_factories())
def test_executor_reports_python_exceptions_like_sequential(make_executor):
    check_blocking_errors_match_sequential(make_executor())


@pytest.mark.parametrize("make_executor", async_factories())
def test_async_executor_matches_sequential_for_python_nodes(make_executor, loop_runner):
    """The same on the AsyncExecutor through the asynchronous (Variant) API, on the global
    default main context instead of the private one of the blocking calls."""
    executor = make_executor()
    reference = make_values_pipeline().with_config(sequential_config())
    counter = CallCounter()
    pipeline = make_values_pipeline(counter).with_config(
        Hn.RuntimeConfig(Hn.LocalBackend.new(), executor))
    main_thread = threading.get_ident()

    def wait(begin, finish):
        """Starts an async call with begin(callback), returns finish(source, result) unpacked."""

        def start(done):
            def ready(source, result, *user_data):
                try:
                    value = finish(source, result)
                except GLib.Error as e:
                    done(error=e)
                else:
                    done(value)

            begin(ready)

        return loop_runner.run(start).unpack()

    def run_async(pipeline, variant, outputs=None):
        return wait(lambda ready: pipeline.run_async(variant, outputs, None, ready),
                    lambda source, result: source.run_finish(result))

    def map_async(pipeline, variant, map_over, mode=Hn.MapMode.ZIP, outputs=None):
        return wait(lambda ready: pipeline.map_async(variant, map_over, mode, outputs, None, ready),
                    lambda source, result: source.map_finish(result))

    def map_items_async(pipeline, items, inputs):
        return wait(lambda ready: executor.map_items_async(pipeline, items, inputs, None, None,
                                                           None, ready),
                    lambda source, result: source.map_items_finish(result))

    expected = reference.map({"text": TEXTS, "weight": 0.5}, "text")
    weight = GLib.Variant("d", 0.5)
    texts = GLib.Variant("as", TEXTS)
    assert map_async(pipeline, GLib.Variant("a{sv}", {"text": texts, "weight": weight}),
                     ["text"]) == expected
    assert counter.counts == {"split": 40, "longest": 40, "stats": 40}
    assert main_thread not in counter.threads  # synchronous Python nodes run on the pool
    assert map_async(pipeline, GLib.Variant("a{sv}", {"text": texts, "weight": weight}),
                     ["text"], outputs=["longest"]) == [{"longest": e["longest"]} for e in expected]
    product = GLib.Variant("a{sv}", {"text": GLib.Variant("as", TEXTS[:5]),
                                     "weight": GLib.Variant("ad", [1.0, 2.0])})
    assert map_async(pipeline, product, ["text", "weight"], Hn.MapMode.PRODUCT) == reference.map(
        {"text": TEXTS[:5], "weight": [1.0, 2.0]}, ["text", "weight"], "product")
    single = GLib.Variant("a{sv}", {"text": GLib.Variant("s", TEXTS[7]),
                                    "weight": GLib.Variant("d", 2.0)})
    assert run_async(pipeline, single) == reference.run({"text": TEXTS[7], "weight": 2.0})
    items = GLib.Variant("aa{sv}", [{"text": GLib.Variant("s", t)} for t in TEXTS])
    assert map_items_async(pipeline, items, GLib.Variant("a{sv}", {"weight": weight})) == expected

    # a Python exception, as on the sequential executor
    @Hn.node(output_name="inverse")
    def invert(x):
        return 1 / x

    with pytest.raises(ZeroDivisionError) as expected_error:
        Hn.Pipeline([invert]).with_config(sequential_config()).map({"x": [4, 2, 0, 1]}, "x")
    inverting = Hn.Pipeline([invert]).with_config(
        Hn.RuntimeConfig(Hn.LocalBackend.new(), executor))
    with pytest.raises(GLib.Error) as excinfo:
        map_async(inverting, GLib.Variant("a{sv}", {"x": GLib.Variant("ax", [4, 2, 0, 1])}),
                  ["x"])
    # the GLib.Error of the introspected API says what the Python face's note says
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.FAILED, "“invert”", "item 2",
                 "ZeroDivisionError: division by zero")
    assert excinfo.value.message.startswith(
        expected_error.value.__notes__[0].removeprefix("hypernodes: "))


ASYNC_BLOCKING_SCRIPT = """
from gi.repository import Hn

inc = Hn.node(lambda x: x + 1, output_name="y", name="inc")
pipeline = Hn.Pipeline([inc]).with_config(
    Hn.RuntimeConfig(Hn.LocalBackend.new(), Hn.AsyncExecutor(4)))
for i in range(3000):
    assert pipeline.map({"x": list(range(i, i + 8))}, "x") == [
        {"y": x + 1} for x in range(i, i + 8)]
print("ok")
"""


def test_async_executor_survives_many_short_blocking_maps():
    """Regression test, in a child process so that a crash fails this test only.

    The blocking calls of HnAsyncExecutor (run_blocking) free their private GMainContext on
    return; a pool thread still inside g_main_context_invoke_full() on it (pool_invoke) then wrote
    to freed memory: the process aborted ("malloc(): unsorted double linked list corrupted"),
    segfaulted or hung, nearly always within these 3000 maps of 8 items.
    """
    proc = subprocess.run([sys.executable, "-c", ASYNC_BLOCKING_SCRIPT], env=_subprocess_env(),
                          capture_output=True, text=True, timeout=90)
    assert proc.returncode == 0, f"exit status {proc.returncode}\n{proc.stderr[-3000:]}"
    assert proc.stdout.strip() == "ok"


def test_thread_pool_runs_python_nodes_concurrently():
    """Two items meet at a barrier inside the node: only possible if they run at once."""
    barrier = threading.Barrier(2, timeout=10)
    threads = set()
    lock = threading.Lock()

    @Hn.node(output_name="y")
    def meet(x):
        with lock:
            threads.add(threading.get_ident())
        barrier.wait()
        return x + 1

    pipeline = Hn.Pipeline([meet]).with_config(
        Hn.RuntimeConfig(Hn.LocalBackend.new(), Hn.ThreadPoolExecutor(2)))
    assert pipeline.map({"x": [1, 2]}, "x") == [{"y": 2}, {"y": 3}]
    assert len(threads) == 2


def test_executor_constructors():
    assert Hn.ThreadPoolExecutor(3).get_max_workers() == 3
    assert Hn.ThreadPoolExecutor(max_workers=5).props.max_workers == 5
    assert Hn.AsyncExecutor(6).get_max_concurrency() == 6
    assert Hn.AsyncExecutor(max_concurrency=2).props.max_concurrency == 2
    config = Hn.RuntimeConfig(Hn.LocalBackend.new(), Hn.AsyncExecutor(2))
    assert isinstance(config.backend, Hn.LocalBackend)
    assert isinstance(config.executor, Hn.AsyncExecutor)
    # without arguments, the defaults of the library: local and sequential
    default = Hn.RuntimeConfig()
    assert isinstance(default.get_backend(), Hn.LocalBackend)
    assert isinstance(default.get_executor(), Hn.SequentialExecutor)


def test_daft_executor_construction():
    """Construction and configuration only; running pipelines on Daft is tested elsewhere."""
    local = Hn.DaftExecutor()
    assert isinstance(local, Hn.Executor)
    assert local.runner == "local"
    assert local.get_runner() == Hn.DaftRunner.LOCAL
    assert local.ray_address is None
    assert local.collect is True
    assert local.show_plan is False
    assert local.debug is False

    explicit_local = Hn.DaftExecutor("local")
    assert explicit_local.runner == "local"
    assert explicit_local.collect is True

    ray = Hn.DaftExecutor(runner="ray", ray_address="ray://head:10001", collect=False,
                          show_plan=True, debug=True, python="/usr/bin/python3")
    assert ray.runner == "ray"
    assert ray.get_runner() == Hn.DaftRunner.RAY
    assert ray.ray_address == "ray://head:10001"
    assert ray.collect is False
    assert ray.show_plan is True
    assert ray.debug is True
    assert ray.props.python == "/usr/bin/python3"

    # the enumeration works as well as its name; so does the C constructor
    assert Hn.DaftExecutor(runner=Hn.DaftRunner.RAY).runner == "ray"
    assert Hn.DaftExecutor.new(Hn.DaftRunner.RAY, "auto").runner == "ray"
    assert Hn.DaftExecutor.new(Hn.DaftRunner.RAY, "auto").ray_address == "auto"

    # an executor in a config, not run
    config = Hn.RuntimeConfig(Hn.LocalBackend.new(), ray)
    assert config.executor is ray
    assert make_seed().with_config(config).get_config().executor.runner == "ray"


@pytest.mark.parametrize("runner", ["dask", "Ray", "LOCAL", ""])
def test_daft_executor_invalid_runner(runner):
    with pytest.raises(ValueError) as excinfo:
        Hn.DaftExecutor(runner=runner)
    assert f"“{runner}”" in str(excinfo.value)
    assert "must be “local” or “ray”" in str(excinfo.value)
