# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the engine glue must keep of the one invocation path: declared input types are checked
(host values converted) on every call in a task, data keeps its exact GVariant type from node to
node and back to a C caller, and an optional input that is not given stays not given. On Daft
(its native runner) and Dask (its synchronous scheduler), in this process."""

import pytest
from gi.module import get_introspection_module
from gi.repository import GLib, Hn

from hypernodes import Pipeline, node
from hypernodes._pynode import PythonNode
from hypernodes.daft_executor import DaftExecutor
from hypernodes.dask_executor import DaskExecutor

CHn = get_introspection_module("Hn")  # the C API, as a C caller sees it

EXECUTORS = {"daft": lambda: DaftExecutor(runner="local"),
             "dask": lambda: DaskExecutor(scheduler="synchronous")}


def on(pipeline, name):
    return pipeline.with_config(Hn.RuntimeConfig(None, EXECUTORS[name]()))


@pytest.mark.parametrize("engine", sorted(EXECUTORS))
def test_python_value_at_a_typed_c_port_is_a_type_mismatch(engine):
    @node(output_name="x")
    def make(a):
        return "hello"

    double = Hn.FunctionNode.new_full("double", ["x"], ["x"], ["doubled"], ["x"],
                                      lambda args, *rest: GLib.Variant("x", 2))
    pipeline = Pipeline(nodes=[make, double])
    with pytest.raises(GLib.Error) as info:
        on(pipeline, engine).run({"a": 1})
    assert (info.value.domain, info.value.code) == ("hn-pipeline-error-quark",
                                                    Hn.PipelineError.TYPE_MISMATCH)
    assert "“x”" in info.value.message and "“double”" in info.value.message


@pytest.mark.parametrize("engine", sorted(EXECUTORS))
def test_data_of_the_wrong_type_is_a_type_mismatch(engine):
    make = CHn.FunctionNode.new("mk", ["a"], ["v"], lambda args, *rest: GLib.Variant("i", 5))
    use = CHn.FunctionNode.new_full("use", ["v"], ["x"], ["t"], None,
                                    lambda args, *rest: GLib.Variant("x", args[0].get_int64()))
    pipeline = CHn.Pipeline.new([make, use])
    inputs = GLib.Variant("a{sv}", {"a": GLib.Variant("x", 1)})
    with pytest.raises(GLib.Error) as info:
        CHn.Pipeline.run(on(pipeline, engine), inputs, None, None)
    assert (info.value.domain, info.value.code) == ("hn-pipeline-error-quark",
                                                    Hn.PipelineError.TYPE_MISMATCH)
    assert "“v”" in info.value.message and "“use”" in info.value.message


@pytest.mark.parametrize("engine", sorted(EXECUTORS))
def test_data_keeps_its_type_between_c_nodes(engine):
    make = CHn.FunctionNode.new_full("mk", ["a"], None, ["v"], ["i"],
                                     lambda args, *rest: GLib.Variant("i", 5))
    kind = CHn.FunctionNode.new("kind", ["v"], ["t"],
                                lambda args, *rest: GLib.Variant("s", args[0].get_type_string()))
    pipeline = CHn.Pipeline.new([make, kind])
    inputs = GLib.Variant("a{sv}", {"a": GLib.Variant("x", 1)})
    expected = CHn.Pipeline.run(pipeline, inputs, None, None)
    got = CHn.Pipeline.run(on(pipeline, engine), inputs, None, None)
    assert got.print_(True) == expected.print_(True) == "{'v': <5>, 't': <'i'>}"
    mapped = CHn.Pipeline.map(on(pipeline, engine),
                              GLib.Variant("a{sv}", {"a": GLib.Variant("ax", [1, 2])}), ["a"],
                              Hn.MapMode.ZIP, None, None)
    assert [m["t"] for m in mapped.unpack()] == ["i", "i"]


@pytest.mark.parametrize("engine", sorted(EXECUTORS))
def test_optional_typed_input_not_given_takes_the_default(engine):
    def f(x, opt=3):
        return f"{x}:{opt!r}"

    pipeline = Pipeline(nodes=[PythonNode(f, "f", ["y"], input_types=["x", "x"])])
    assert on(pipeline, engine).run({"x": 1}) == {"y": "1:3"}
    assert on(pipeline, engine).map({"x": [1, 2]}, ["x"]) == [{"y": "1:3"}, {"y": "2:3"}]
    assert on(pipeline, engine).map({"x": [1, 2], "opt": [4, 5]}, ["x", "opt"]) == \
        [{"y": "1:4"}, {"y": "2:5"}]
    # through the C API: one item gives it, the other does not
    items = [{"x": 1}, {"x": 2, "opt": 5}]
    assert EXECUTORS[engine]().map_items(pipeline, items, {}) == \
        Hn.SequentialExecutor().map_items(pipeline, items, {})


def test_a_node_rebuilt_in_a_worker_keeps_its_cache_flag_and_version():
    from hypernodes import _nodes

    @node(output_name="y", cache=False, version="v2")
    def f(x):
        return x

    rebuilt = _nodes.rebuild(_nodes.describe(f))
    assert rebuilt.get_cache() is False
    assert rebuilt.get_version() == f.get_version()
    assert f.get_version().startswith("v2#")


@pytest.mark.parametrize("engine", sorted(EXECUTORS))
def test_item_events_of_a_failing_map(engine):
    """Items before the failing one complete, the failing one starts, later ones do not
    count, as on the sequential executor."""
    from hypernodes.callbacks import PipelineCallback

    class Items(PipelineCallback):
        def __init__(self):
            super().__init__()
            self.events = []

        def on_map_item_start(self, item_index, ctx):
            self.events.append(("start", item_index))

        def on_map_item_end(self, item_index, duration, ctx):
            self.events.append(("end", item_index))

        def on_map_item_cached(self, item_index, signature, ctx):
            self.events.append(("cached", item_index))

    @node(output_name="y")
    def ident(x):
        return x

    @node(output_name="z")
    def inverse(y):
        return 1 / y

    def events(executor):
        recorder = Items()
        pipeline = Pipeline([ident, inverse]).with_config(
            Hn.RuntimeConfig(executor=executor, callbacks=[recorder]))
        with pytest.raises(ZeroDivisionError):
            pipeline.map({"x": [1, 2, 0, 4]}, ["x"])
        return sorted(recorder.events)

    expected = events(Hn.SequentialExecutor())
    assert expected == [("end", 0), ("end", 1), ("start", 0), ("start", 1), ("start", 2)]
    assert events(EXECUTORS[engine]()) == expected


@pytest.mark.parametrize("engine", sorted(EXECUTORS))
def test_a_failure_deep_in_a_batch(engine):
    """A task calls a node on its rows a block at a time: a failure far into the rows names its
    item, and the node events of the rows before it reach the callbacks."""
    from hypernodes.callbacks import PipelineCallback

    class Ends(PipelineCallback):
        def __init__(self):
            super().__init__()
            self.ends = []

        def on_node_end(self, node_name, outputs, duration, ctx):
            self.ends.append((node_name, next(iter(outputs.values()))))

    @node(output_name="y")
    def check(x):
        if x == 150:
            raise ValueError(f"bad item {x}")
        return x

    @node(output_name="z")
    def plus(y):
        return y + 1

    def outcome(executor):
        recorder = Ends()
        pipeline = Pipeline([check, plus]).with_config(
            Hn.RuntimeConfig(executor=executor, callbacks=[recorder]))
        with pytest.raises(ValueError) as info:
            pipeline.map({"x": list(range(300))}, ["x"])
        return str(info.value), sorted(recorder.ends)

    message, ends = outcome(Hn.SequentialExecutor())
    assert "bad item 150" in message
    assert ends == sorted([("check", i) for i in range(150)] +
                          [("plus", i + 1) for i in range(150)])
    if engine == "daft":
        # Daft stops the DataFrame at the failure: the next node never runs (doc/executors.md)
        ends = [e for e in ends if e[0] == "check"]
    got_message, got = outcome(EXECUTORS[engine]())
    assert got_message == message
    # the rows of other tasks may have run too, never the failing one
    assert set(ends) <= set(got) and ("check", 150) not in got and ("plus", 151) not in got
    # and without callbacks, the values of the rows before and after the failure are right
    ok = Pipeline([plus]).with_config(Hn.RuntimeConfig(executor=EXECUTORS[engine]()))
    assert ok.map({"y": list(range(300))}, ["y"]) == [{"z": i + 1} for i in range(300)]


@pytest.mark.parametrize("values", [[1, -2**63, 2**63 - 1], [1.5, -0.0], ["a", "", "é"],
                                    [True, False]])
def test_plain_values_make_arrow_columns_of_their_type(values):
    from hypernodes._engines import daft as glue

    array = glue._plain(values)
    assert array.to_pylist() == values
    assert [type(v) for v in array.to_pylist()] == [type(v) for v in values]


def test_encoded_arrow_columns_round_trip():
    import pyarrow

    from hypernodes import _native
    from hypernodes._engines import daft as glue

    values = [0, 2**70, 1.5, "héllo", b"\x00", True, None, _native.NOT_GIVEN, [1, {"k": 2}]]
    array = glue._encoded(values)
    assert array.type == pyarrow.large_binary()
    assert array.to_pylist() == _native.encode(values)
    assert glue._decoded(array) == values
    assert glue._decoded(array.slice(2, 3)) == values[2:5]
    assert glue._decoded(pyarrow.chunked_array([array, array])) == values + values
    with_null = pyarrow.array([b"i" + (3).to_bytes(8, "little"), None], pyarrow.large_binary())
    assert glue._decoded(with_null) == [3, None]
    assert glue._decoded(pyarrow.array([b"sab"], pyarrow.binary())) == ["ab"]


def test_arrow_values_read_back_exactly():
    import pyarrow

    from hypernodes._engines import daft as glue

    for array in [pyarrow.array([1, None]), pyarrow.array([1.5, -0.0, 0.1], pyarrow.float32()),
                  pyarrow.array([True, False]), pyarrow.array([2**64 - 1], pyarrow.uint64()),
                  pyarrow.chunked_array([pyarrow.array([1, 2]), pyarrow.array([3])]),
                  pyarrow.array(["a", None]), pyarrow.chunked_array([], pyarrow.int64())]:
        got, expected = glue._pylist(array), array.to_pylist()
        assert got == expected and [type(v) for v in got] == [type(v) for v in expected]
