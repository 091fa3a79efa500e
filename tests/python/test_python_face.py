# SPDX-License-Identifier: LGPL-2.1-or-later
"""The Python face as its users see it: any Python value flows between Python nodes unchanged,
a node's exception reaches the caller as itself, upstream hypernodes' API, async nodes, caching
and several outputs, through the public API (hypernodes, hypernodes.config, hypernodes.executor,
hypernodes.cache) on every native executor."""

import asyncio
import dataclasses
import inspect
import threading
import time

import pytest
from gi.repository import GLib, Hn

from hypernodes import Pipeline, node
from hypernodes._errors import (CycleError, DependencyError, HyperNodesError,
                                PipelineInputError)
from hypernodes.cache import MemoryCache
from hypernodes.config import RuntimeConfig
from hypernodes.executor import AsyncExecutor, SequentialExecutor, ThreadPoolExecutor

EXECUTORS = {
    "sequential": lambda: SequentialExecutor(),
    "thread-pool": lambda: ThreadPoolExecutor(max_workers=2),
    "async": lambda: AsyncExecutor(),
}


@pytest.fixture(params=sorted(EXECUTORS))
def executor(request):
    return EXECUTORS[request.param]()


@pytest.fixture
def config(executor):
    return RuntimeConfig(executor=executor)


def on(pipeline, executor, **config):
    """@pipeline running on @executor (with more RuntimeConfig settings from @config)."""
    return pipeline.with_config(RuntimeConfig(executor=executor, **config))


def pipeline_error(excinfo, code):
    return excinfo.value.matches(Hn.pipeline_error_quark(), code)


def raised_by(call):
    """What call() raised, BaseExceptions included (so that a KeyboardInterrupt that escapes
    where it should not fails this test instead of ending the session)."""
    try:
        call()
    except BaseException as e:  # noqa: BLE001 - the point is to catch everything
        return e
    pytest.fail("nothing was raised")


# ---- values ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Point:
    x: int
    y: int


@dataclasses.dataclass(frozen=True)
class Frozen:
    name: str
    tags: tuple


def passthrough(seen):
    """make(value) -> made -> use(made) -> used; @seen records what each node got and gave."""

    @node(output_name="made")
    def make(value):
        seen["make_in"] = value
        return value

    @node(output_name="used")
    def use(made):
        seen["use_in"] = made
        return made

    return Pipeline([make, use])


VALUES = {
    "dataclass": lambda: Point(1, 2),
    "frozen-dataclass": lambda: Frozen("f", (1, 2)),
    "none": lambda: None,
    "set": lambda: {1, 2, 3},
    "frozenset": lambda: frozenset({"a", "b"}),
    "int-beyond-64-bits": lambda: 2**100,
    "negative-int-beyond-64-bits": lambda: -(2**100) - 7,
    "lambda": lambda: (lambda v: v + 1),
    "dict-non-str-keys": lambda: {1: "one", (2, 3): "pair", None: 0, 4.5: [1]},
    "list-of-dicts": lambda: [{"a": 1}, {"b": [2, 3]}, {}],
    "plain-object": lambda: object(),
    "list-of-dataclasses": lambda: [Point(1, 2), Point(3, 4)],
}


@pytest.mark.parametrize("make_value", list(VALUES.values()), ids=list(VALUES))
def test_value_as_run_input_reaches_nodes_and_result_unchanged(make_value, executor):
    value = make_value()
    seen = {}
    out = on(passthrough(seen), executor).run({"value": value})
    assert seen["make_in"] is value
    assert seen["use_in"] is value
    assert out["made"] is value
    assert out["used"] is value


@pytest.mark.parametrize("make_value", list(VALUES.values()), ids=list(VALUES))
def test_value_made_by_a_node_reaches_downstream_unchanged(make_value, executor):
    made = []
    got = []

    @node(output_name="obj")
    def produce(seed):
        value = make_value()
        made.append(value)
        return value

    @node(output_name="same")
    def consume(obj):
        got.append(obj)
        return obj is made[0]

    out = on(Pipeline([produce, consume]), executor).run({"seed": 0})
    assert got[0] is made[0]
    assert out["same"] is True
    assert out["obj"] is made[0]


def test_callable_value_can_be_called_downstream(executor):
    @node(output_name="fn")
    def make_adder(k):
        return lambda v: v + k

    @node(output_name="result")
    def apply(fn, x):
        return fn(x)

    assert on(Pipeline([make_adder, apply]), executor).run({"k": 10, "x": 5})["result"] == 15


def test_generator_reaches_downstream_as_a_generator(executor):
    made = []

    @node(output_name="squares")
    def squares(n):
        gen = (i * i for i in range(n))
        made.append(gen)
        return gen

    @node(output_name="total")
    def total(squares):
        assert inspect.isgenerator(squares)
        assert squares is made[0]
        return sum(squares)

    pipeline = on(Pipeline([squares, total]), executor)
    assert pipeline.run({"n": 4}, output_name="total") == {"total": 0 + 1 + 4 + 9}

    # as a run input too: the node gets the same generator and can consume it
    gen = (c for c in "abc")
    seen = {}
    out = on(passthrough(seen), executor).run({"value": gen})
    assert seen["use_in"] is gen and out["used"] is gen
    assert list(out["used"]) == ["a", "b", "c"]


def test_numpy_array_flows_unchanged(executor):
    import numpy as np  # installed by scripts/install-deps.sh: a missing one fails
    array = np.arange(12, dtype=np.float32).reshape(3, 4)
    seen = {}
    out = on(passthrough(seen), executor).run({"value": array})
    assert seen["make_in"] is array and seen["use_in"] is array
    assert out["used"] is array

    @node(output_name="scaled")
    def scale(arr):
        return arr * 2

    @node(output_name="dtype")
    def dtype_of(scaled):
        return scaled.dtype

    out = on(Pipeline([scale, dtype_of]), executor).run({"arr": array})
    assert isinstance(out["scaled"], np.ndarray)
    assert out["dtype"] == np.float32
    assert (out["scaled"] == array * 2).all()


def test_pydantic_model_flows_unchanged(executor):
    import pydantic  # installed by scripts/install-deps.sh: a missing one fails

    class User(pydantic.BaseModel):
        name: str
        age: int

    user = User(name="ada", age=36)
    seen = {}
    out = on(passthrough(seen), executor).run({"value": user})
    assert seen["make_in"] is user and seen["use_in"] is user
    assert out["used"] is user

    results = on(passthrough({}), executor).map(
        {"value": [user, User(name="bob", age=1)]}, map_over="value")
    assert results[0]["used"] is user
    assert isinstance(results[1]["used"], User)


def test_map_over_dataclasses_gives_the_same_objects(executor):
    points = [Point(i, -i) for i in range(5)]
    got = []
    lock = threading.Lock()

    @node(output_name="moved")
    def move(point, offset):
        with lock:
            got.append(point)
        return point

    shared = Point(100, 100)

    @node(output_name="offset_seen")
    def offset_seen(offset):
        return offset

    pipeline = on(Pipeline([move, offset_seen]), executor)
    results = pipeline.map(inputs={"point": points, "offset": shared}, map_over="point")
    assert len(results) == len(points)
    for point, result in zip(points, results):
        assert result["moved"] is point
        assert result["offset_seen"] is shared    # a shared input is the same object too
    assert sorted(map(id, got)) == sorted(map(id, points))


def test_map_items_of_any_type_come_back_unchanged(executor):
    items = [None, {1, 2}, 2**100, {(1, 2): "t"}, [{"a": 1}], Point(0, 0), lambda: 1]
    results = on(passthrough({}), executor).map({"value": items}, map_over="value")
    assert len(results) == len(items)
    for result, item in zip(results, items):
        assert result["used"] is item


def test_map_takes_its_lists_as_they_were_when_it_started(executor):
    """The mapped lists are the run's own copies: a node that changes the caller's list (or
    tuple contents) during the map changes nothing of the map's items."""
    xs = [1, 2, 3]

    @node(output_name="y")
    def grow(x):
        xs.append(x * 10)
        return x

    results = on(Pipeline([grow]), executor).map({"x": xs}, map_over="x")
    assert [r["y"] for r in results] == [1, 2, 3]
    assert len(xs) == 6
    # a tuple maps like a list, items as they are
    items = (Point(1, 1), "s", None)
    results = on(passthrough({}), executor).map({"value": items}, map_over="value")
    assert [r["used"] for r in results] == list(items)
    assert results[0]["used"] is items[0]


class _Reversed(list):
    """A list whose own iteration goes backwards."""

    def __iter__(self):
        return reversed(self[:])


def test_map_over_a_list_subclass_maps_its_items_in_order(executor):
    results = on(passthrough({}), executor).map({"value": _Reversed([1, 2, 3])},
                                                map_over="value")
    assert [r["used"] for r in results] == [1, 2, 3]


def test_map_over_glib_variants_gives_nodes_their_data(executor):
    """GLib.Variant items are data, as in a single run: Python nodes get Python values."""
    seen = []

    @node(output_name="y")
    def look(x):
        seen.append(x)
        return x

    values = [GLib.Variant("x", 5), 6, GLib.Variant("s", "seven")]
    results = on(Pipeline([look]), executor).map({"x": values}, map_over="x")
    assert [r["y"] for r in results] == [5, 6, "seven"]
    assert sorted(map(repr, seen)) == sorted(map(repr, [5, 6, "seven"]))


def test_product_map_of_lists_gives_every_pair(executor):
    @node(output_name="pair")
    def pair(a, b):
        return (a, b)

    results = on(Pipeline([pair]), executor).map(
        {"a": [1, 2], "b": ["x", "y", "z"]}, map_over=["a", "b"], map_mode="product")
    assert [r["pair"] for r in results] == [(a, b) for a in [1, 2] for b in "xyz"]


# ---- values that must become data, or not ---------------------------------------------------


@pytest.mark.parametrize("value", ["a\0b", "\0", "é\0ü\0"], ids=["middle", "only", "non-ascii"])
def test_str_with_nul_round_trips(value, executor):
    seen = {}
    out = on(passthrough(seen), executor).run({"value": value})
    assert seen["use_in"] == value
    assert out["used"] == value and type(out["used"]) is str


def c_passthrough(name="c_echo"):
    """An untyped C node (Hn.FunctionNode) returning its GLib.Variant argument as it is."""

    def call(args, *_rest):  # PyGObject passes n_args and user_data after the array
        return args[0]

    return Hn.FunctionNode.new(name, ["made"], ["echoed"], call)


@pytest.mark.parametrize("value", ["a\0b", b"\x00\xff\x00", b""], ids=["nul-str", "bytes",
                                                                          "empty-bytes"])
def test_str_with_nul_and_bytes_round_trip_through_an_untyped_c_node(value, executor):
    got = []

    @node(output_name="back")
    def back(echoed):
        got.append(echoed)
        return echoed

    pipeline = Pipeline([passthrough({}).get_nodes()[0], c_passthrough(), back])
    out = on(pipeline, executor).run({"value": value})
    assert got[0] == value and type(got[0]) is type(value)
    assert out["back"] == value and type(out["back"]) is type(value)


@pytest.mark.parametrize("value", [b"\x00\xffbytes", b"", bytearray(b"ab")],
                         ids=["bytes", "empty", "bytearray"])
def test_bytes_round_trip(value, executor):
    seen = {}
    out = on(passthrough(seen), executor).run({"value": value})
    assert seen["use_in"] is value
    assert out["used"] is value


def test_16_mb_bytes_pass_a_three_node_chain_quickly(executor):
    blob = bytes(range(256)) * (16 * 1024 * 1024 // 256)
    assert len(blob) == 16 * 1024 * 1024

    @node(output_name="a")
    def first(blob):
        return blob

    @node(output_name="b")
    def second(a):
        return a

    @node(output_name="c")
    def third(b):
        return b

    pipeline = on(Pipeline([first, second, third]), executor)
    start = time.monotonic()
    out = pipeline.run({"blob": blob}, output_name="c")
    elapsed = time.monotonic() - start
    assert out["c"] is blob
    assert elapsed < 5, f"16 MB through three nodes took {elapsed:.2f} s"


def typed_c_double(seen):
    """A C node with a typed port: doubled(n: "x") -> "x"; @seen gets its GLib.Variant args."""

    def call(args, *_rest):
        seen.append(args[0])
        return GLib.Variant("x", args[0].get_int64() * 2)

    return Hn.FunctionNode.new_full("c_double", ["n"], ["x"], ["doubled"], ["x"], call)


def test_c_node_with_typed_port_receives_python_int_converted(executor):
    seen = []

    @node(output_name="n")
    def count(word):
        return len(word)

    @node(output_name="described")
    def describe(doubled):
        return (type(doubled), doubled)

    out = on(Pipeline([count, typed_c_double(seen), describe]), executor).run({"word": "hello"})
    assert isinstance(seen[0], GLib.Variant)
    assert seen[0].get_type_string() == "x" and seen[0].get_int64() == 5
    assert out["doubled"] == 10
    assert out["described"] == (int, 10)

    # a run input going straight to the typed port
    seen.clear()
    assert on(Pipeline([typed_c_double(seen)]), executor).run({"n": 21}) == {"doubled": 42}
    assert seen[0].get_type_string() == "x"
    # an int beyond 64 bits does not fit "x"
    with pytest.raises(GLib.Error):
        on(Pipeline([typed_c_double([])]), executor).run({"n": 2**100})


def assert_type_mismatch(excinfo):
    error = excinfo.value
    assert isinstance(error, ValueError)
    assert error.matches(Hn.pipeline_error_quark(), Hn.PipelineError.TYPE_MISMATCH), (
        error.domain, error.code, error.message)
    assert "c_double" in error.message
    assert "“n”" in error.message


def test_python_str_to_typed_port_is_a_type_mismatch(executor):
    pipeline = on(Pipeline([typed_c_double([])]), executor)
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"n": "not a number"})
    assert_type_mismatch(excinfo)


def test_python_node_str_to_typed_port_is_a_type_mismatch(executor):
    @node(output_name="n")
    def wordy(x):
        return "not a number"

    pipeline = on(Pipeline([wordy, typed_c_double([])]), executor)
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run({"x": 1})
    assert_type_mismatch(excinfo)


# ---- exceptions -----------------------------------------------------------------------------


class Boom(Exception):
    pass


def exploding(raised, bad=None):
    @node(output_name="y")
    def explode(x):
        if bad is None or x == bad:
            e = Boom(f"bad {x}")
            raised.append(e)
            raise e
        return x

    return explode


def traceback_names(excinfo):
    return [entry.name for entry in excinfo.traceback]


def test_node_exception_reaches_caller_as_itself(executor):
    raised = []
    pipeline = on(Pipeline([exploding(raised)]), executor)
    with pytest.raises(Boom) as excinfo:
        pipeline.run({"x": 1})
    assert type(excinfo.value) is Boom
    assert excinfo.value is raised[0]
    assert str(excinfo.value) == "bad 1"
    assert "explode" in traceback_names(excinfo)
    notes = getattr(excinfo.value, "__notes__", [])
    assert len(notes) == 1, notes
    assert notes[0].startswith("hypernodes: ")
    assert "Node “explode”" in notes[0]
    assert "item" not in notes[0]


def test_node_exception_in_map_names_the_item(executor):
    raised = []
    pipeline = on(Pipeline([exploding(raised, bad=3)]), executor)
    with pytest.raises(Boom) as excinfo:
        pipeline.map({"x": [0, 1, 2, 3, 4]}, map_over="x")
    assert excinfo.value is raised[0]
    assert "explode" in traceback_names(excinfo)
    assert excinfo.value.__notes__ == ["hypernodes: Node “explode” failed on item 3"]


def test_node_exception_downstream_of_other_nodes(executor):
    raised = []

    @node(output_name="x")
    def before(v):
        return v + 1

    pipeline = on(Pipeline([before, exploding(raised)]), executor)
    with pytest.raises(Boom) as excinfo:
        pipeline.run({"v": 1})
    assert excinfo.value is raised[0]
    assert "explode" in traceback_names(excinfo)
    assert len(excinfo.value.__notes__) == 1
    assert "Node “explode”" in excinfo.value.__notes__[0]


def test_builtin_exception_types_are_kept(executor):
    @node(output_name="y")
    def lookup(x):
        return {}[x]

    with pytest.raises(KeyError) as excinfo:
        on(Pipeline([lookup]), executor).run({"x": "k"})
    assert type(excinfo.value) is KeyError
    assert excinfo.value.args == ("k",)
    assert "lookup" in traceback_names(excinfo)


@pytest.mark.parametrize("exc_type", [KeyboardInterrupt, SystemExit])
def test_base_exception_propagates_as_itself(exc_type, executor):
    raised = []

    @node(output_name="y")
    def stop(x):
        e = exc_type(f"stop {x}")
        raised.append(e)
        raise e

    @node(output_name="z")
    def fine(x):
        return x

    caught = raised_by(lambda: on(Pipeline([stop, fine]), executor).run({"x": 1}))
    assert type(caught) is exc_type, repr(caught)
    assert caught is raised[0]
    assert "Node “stop”" in caught.__notes__[0]

    raised.clear()
    caught = raised_by(lambda: on(Pipeline([stop]), executor).map({"x": [0, 1, 2]},
                                                                  map_over="x"))
    assert type(caught) is exc_type, repr(caught)
    assert any(caught is r for r in raised)

    # the process is still here and the executor still works
    assert on(Pipeline([fine]), executor).run({"x": 5}) == {"z": 5}
    assert on(Pipeline([fine]), executor).map({"x": [1, 2, 3]}, map_over="x") == [
        {"z": 1}, {"z": 2}, {"z": 3}]


@pytest.mark.parametrize("exc_type", [KeyboardInterrupt, SystemExit])
def test_base_exception_on_a_pool_thread_propagates_as_itself(exc_type):
    """Raised on one of the thread pool's own threads, not the caller's."""
    pool = ThreadPoolExecutor(max_workers=2)
    on_worker = threading.Event()
    deadline = time.monotonic() + 5
    raised = []
    lock = threading.Lock()

    @node(output_name="y")
    def stop_on_worker(x):
        if threading.current_thread() is threading.main_thread():
            # leave the other items to the pool's thread (bounded, so a pool that never uses
            # its thread fails with "nothing was raised" instead of hanging)
            on_worker.wait(max(0.0, deadline - time.monotonic()))
            return x
        on_worker.set()
        e = exc_type(f"stop {x}")
        with lock:
            raised.append(e)
        raise e

    pipeline = on(Pipeline([stop_on_worker]), pool)
    caught = raised_by(lambda: pipeline.map({"x": [0, 1, 2, 3]}, map_over="x"))
    assert type(caught) is exc_type, repr(caught)
    assert any(caught is r for r in raised)
    notes = caught.__notes__
    assert len(notes) == 1 and notes[0].startswith("hypernodes: Node “stop_on_worker” failed on "
                                                   "item "), notes

    # the process and the pool's thread are still here
    @node(output_name="z")
    def fine(x):
        return x * 2

    assert on(Pipeline([fine]), pool).map({"x": [1, 2, 3, 4]}, map_over="x") == [
        {"z": 2}, {"z": 4}, {"z": 6}, {"z": 8}]


def test_cycle_error_at_construction():
    a = node(lambda b: b, output_name="a", name="make_a")
    b = node(lambda a: a, output_name="b", name="make_b")
    with pytest.raises(CycleError) as excinfo:
        Pipeline([a, b])
    assert isinstance(excinfo.value, GLib.Error)
    assert isinstance(excinfo.value, HyperNodesError)
    assert pipeline_error(excinfo, Hn.PipelineError.CYCLE)


def test_dependency_error_at_construction():
    one = node(lambda x: x, output_name="y", name="one")
    two = node(lambda x: -x, output_name="y", name="two")
    with pytest.raises(DependencyError) as excinfo:
        Pipeline([one, two])
    assert isinstance(excinfo.value, GLib.Error)
    assert isinstance(excinfo.value, HyperNodesError)
    assert "“y”" in excinfo.value.message


@node(output_name="total")
def add(x, y):
    return x + y


def assert_input_error(excinfo, code):
    assert isinstance(excinfo.value, GLib.Error)
    assert isinstance(excinfo.value, PipelineInputError)
    assert isinstance(excinfo.value, HyperNodesError)
    assert pipeline_error(excinfo, code), (excinfo.value.domain, excinfo.value.code,
                                           excinfo.value.message)


def test_missing_input_is_a_value_error(config):
    with pytest.raises(ValueError) as excinfo:
        Pipeline([add]).with_config(config).run({"x": 1})
    assert_input_error(excinfo, Hn.PipelineError.MISSING_INPUT)
    assert "“y”" in excinfo.value.message and "“y”" in str(excinfo.value)
    assert "“x”" not in excinfo.value.message


def test_unknown_output_is_a_value_error(config):
    with pytest.raises(ValueError) as excinfo:
        Pipeline([add]).with_config(config).run({"x": 1, "y": 2}, output_name="nope")
    assert_input_error(excinfo, Hn.PipelineError.UNKNOWN_OUTPUT)
    assert "“nope”" in excinfo.value.message
    with pytest.raises(ValueError) as excinfo:
        Pipeline([add]).with_config(config).map({"x": [1], "y": 2}, map_over="x",
                                                output_name=["total", "nope"])
    assert_input_error(excinfo, Hn.PipelineError.UNKNOWN_OUTPUT)


def test_unequal_zip_lengths_are_a_value_error(config):
    with pytest.raises(ValueError) as excinfo:
        Pipeline([add]).with_config(config).map({"x": [1, 2], "y": [1, 2, 3]},
                                                map_over=["x", "y"], map_mode="zip")
    assert isinstance(excinfo.value, GLib.Error)
    assert isinstance(excinfo.value, PipelineInputError)


@pytest.mark.parametrize("value", [3, Point(1, 2), None, "abc", {"a": 1}],
                         ids=["int", "dataclass", "none", "str", "dict"])
def test_mapped_input_not_a_list_is_a_value_error(value, config):
    with pytest.raises(ValueError) as excinfo:
        Pipeline([add]).with_config(config).map({"x": value, "y": 1}, map_over="x")
    assert_input_error(excinfo, Hn.PipelineError.MAP_NOT_ARRAY)
    assert "“x”" in excinfo.value.message


# ---- upstream hypernodes' API ---------------------------------------------------------------


def test_node_decorator_spellings():
    @node
    def bare(x):
        return x + 1

    @node()
    def called(x):
        return x + 2

    @node("renamed")
    def positional(x):
        return x + 3

    @node(output_name="keyword")
    def keyworded(x):
        return x + 4

    assert (bare.name, bare.output_name) == ("bare", "bare")
    assert (called.name, called.output_name) == ("called", "called")
    assert (positional.name, positional.output_name) == ("positional", "renamed")
    assert (keyworded.name, keyworded.output_name) == ("keyworded", "keyword")
    for n in (bare, called, positional, keyworded):
        assert n.root_args == ("x",)
        assert n.cache is True
    out = Pipeline([bare, called, positional, keyworded]).run({"x": 0})
    assert out == {"bare": 1, "called": 2, "renamed": 3, "keyword": 4}


def test_node_called_as_a_function():
    def scale(x, factor):
        return x * factor

    n = node(scale, output_name="scaled", name="scaler", cache=False)
    assert n.name == "scaler"
    assert n.output_name == "scaled"
    assert n.root_args == ("x", "factor")
    assert n.cache is False
    assert Pipeline([n]).run({"x": 2, "factor": 3}) == {"scaled": 6}
    # the output is named after the function when not given
    assert node(scale).output_name == "scale"
    assert node(scale).name == "scale"


def test_decorated_node_is_still_a_plain_callable():
    @node(output_name="doubled")
    def double(x):
        return x * 2

    assert callable(double)
    assert double(2) == 4
    assert double(x=5) == 10
    marker = object()

    @node
    def ident(v):
        return v

    assert ident(marker) is marker


def test_defaults_make_inputs_optional(executor):
    @node(output_name="scaled")
    def scale(x, factor=2):
        return x * factor

    pipeline = on(Pipeline([scale]), executor)
    assert pipeline.run({"x": 3}) == {"scaled": 6}                  # the default is used
    assert pipeline.run({"x": 3, "factor": 10}) == {"scaled": 30}   # a given value overrides
    assert pipeline.map({"x": [1, 2]}, map_over="x") == [{"scaled": 2}, {"scaled": 4}]
    assert pipeline.map({"x": 1, "factor": [5, 6]}, map_over="factor") == [
        {"scaled": 5}, {"scaled": 6}]


def test_default_of_none_works(executor):
    seen = []

    @node(output_name="greeting")
    def greet(name, suffix=None):
        seen.append(suffix)
        return name + ("" if suffix is None else suffix)

    pipeline = on(Pipeline([greet]), executor)
    assert pipeline.run({"name": "ada"}) == {"greeting": "ada"}
    assert seen == [None]
    assert pipeline.run({"name": "ada", "suffix": "!"}) == {"greeting": "ada!"}


def test_default_is_overridden_by_an_upstream_output(executor):
    @node(output_name="factor")
    def pick(k):
        return k * 100

    @node(output_name="scaled")
    def scale(x, factor=2):
        return x * factor

    assert on(Pipeline([pick, scale]), executor).run({"x": 3, "k": 1})["scaled"] == 300
    default_object = object()

    @node(output_name="got")
    def keep(x, extra=default_object):
        return extra

    assert on(Pipeline([keep]), executor).run({"x": 1})["got"] is default_object


def test_pipeline_constructor_keywords():
    cache = MemoryCache()
    calls = []

    from hypernodes.callbacks import PipelineCallback

    class Seen(PipelineCallback):
        def __init__(self):
            super().__init__()
            self.ended = []

        def on_node_end(self, node_id, outputs, duration, ctx):
            self.ended.append(node_id)

    @node(output_name="y")
    def counted(x):
        calls.append(x)
        return x + 1

    seen = Seen()
    pipeline = Pipeline(nodes=[counted], name="mine", cache=cache, callbacks=[seen])
    assert pipeline.name == "mine"
    assert pipeline.get_config().cache is cache
    assert pipeline.run({"x": 1}) == {"y": 2}
    assert pipeline.run({"x": 1}) == {"y": 2}
    assert calls == [1]             # the second run came from the cache
    assert seen.ended == ["counted"]
    assert Pipeline([counted]).name is None


def test_pipeline_rejects_unknown_keywords():
    with pytest.raises(TypeError):
        Pipeline([add], executor=SequentialExecutor())
    with pytest.raises(TypeError):
        Pipeline([add], nmae="typo")


def test_run_output_name_str_or_list(executor):
    calls = []

    @node(output_name="a")
    def make_a(x):
        calls.append("a")
        return x + 1

    @node(output_name="b")
    def make_b(a):
        calls.append("b")
        return a * 10

    @node(output_name="c")
    def make_c(x):
        calls.append("c")
        return -x

    pipeline = on(Pipeline([make_a, make_b, make_c]), executor)
    assert pipeline.run(inputs={"x": 1}) == {"a": 2, "b": 20, "c": -1}
    calls.clear()
    assert pipeline.run(inputs={"x": 1}, output_name="c") == {"c": -1}
    assert calls == ["c"]           # only the nodes the output needs run
    calls.clear()
    assert pipeline.run(inputs={"x": 1}, output_name=["b", "c"]) == {"b": 20, "c": -1}
    assert sorted(calls) == ["a", "b", "c"]
    calls.clear()
    out = pipeline.run(inputs={"x": 1}, output_name=["b"])
    assert out == {"b": 20}
    assert "c" not in calls


def test_map_keywords(executor):
    @node(output_name="cell")
    def cell(row, col):
        return f"{row}{col}"

    pipeline = on(Pipeline([cell, node(lambda cell: cell.upper(), output_name="upper",
                                       name="upper")]), executor)
    zipped = pipeline.map(inputs={"row": ["a", "b"], "col": [1, 2]}, map_over=["row", "col"],
                          map_mode="zip")
    assert zipped == [{"cell": "a1", "upper": "A1"}, {"cell": "b2", "upper": "B2"}]
    product = pipeline.map(inputs={"row": ["a", "b"], "col": [1, 2]}, map_over=["row", "col"],
                           map_mode="product", output_name="upper")
    assert product == [{"upper": "A1"}, {"upper": "A2"}, {"upper": "B1"}, {"upper": "B2"}]
    single = pipeline.map(inputs={"row": ["x", "y"], "col": 0}, map_over="row",
                          output_name=["cell"])
    assert single == [{"cell": "x0"}, {"cell": "y0"}]
    assert pipeline.map(inputs={"row": [], "col": 0}, map_over="row") == []


def test_pipeline_introspection():
    @node(output_name="doubled")
    def double(x):
        return x * 2

    @node(output_name="result")
    def combine(doubled, offset):
        return doubled + offset

    pipeline = Pipeline([combine, double])
    assert pipeline.graph.root_args == ["offset", "x"]
    assert pipeline.graph.available_output_names == ["doubled", "result"]
    order = pipeline.graph.execution_order
    assert [n.name for n in order] == ["double", "combine"]
    assert order[0] is double and order[1] is combine
    text = repr(pipeline)
    assert "nodes=2" in text, text
    needs = text.split("needs", 1)[1] if "needs" in text else ""
    assert "x" in needs and "offset" in needs, text


# ---- async nodes ----------------------------------------------------------------------------


@node(output_name="doubled")
async def async_double(x):
    await asyncio.sleep(0.01)
    return x * 2


@node(output_name="result")
def after_async(doubled):
    assert not inspect.iscoroutine(doubled)
    return doubled + 1


def test_async_node_is_awaited(executor):
    assert async_double.is_async
    pipeline = on(Pipeline([async_double, after_async]), executor)
    assert pipeline.run({"x": 3}) == {"doubled": 6, "result": 7}
    assert pipeline.map({"x": [1, 2, 3]}, map_over="x") == [
        {"doubled": 2, "result": 3}, {"doubled": 4, "result": 5}, {"doubled": 6, "result": 7}]


def test_async_node_exception_reaches_caller_as_itself(executor):
    raised = []

    @node(output_name="y")
    async def async_explode(x):
        await asyncio.sleep(0)
        e = Boom("async boom")
        raised.append(e)
        raise e

    with pytest.raises(Boom) as excinfo:
        on(Pipeline([async_explode]), executor).run({"x": 1})
    assert excinfo.value is raised[0]
    assert "async_explode" in traceback_names(excinfo)
    assert "Node “async_explode”" in excinfo.value.__notes__[0]


def test_async_node_inside_a_running_event_loop(executor):
    pipeline = on(Pipeline([async_double, after_async]), executor)

    async def main():
        asyncio.get_running_loop()  # the caller is inside a running loop
        single = pipeline.run({"x": 5})
        mapped = pipeline.map({"x": [1, 2]}, map_over="x", output_name="result")
        return single, mapped

    single, mapped = asyncio.run(main())
    assert single == {"doubled": 10, "result": 11}
    assert mapped == [{"result": 3}, {"result": 5}]


# ---- caching --------------------------------------------------------------------------------


def counting_node(calls):
    @node(output_name="norm")
    def norm(point):
        calls.append(point)
        return abs(point.x) + abs(point.y)

    return norm


def test_memory_cache_with_a_dataclass_input(executor):
    calls = []
    pipeline = on(Pipeline([counting_node(calls)]), executor, cache=MemoryCache())
    point = Point(3, -4)
    assert pipeline.run({"point": point}) == {"norm": 7}
    assert pipeline.run({"point": point}) == {"norm": 7}
    assert len(calls) == 1, "the second run with the same dataclass must be a cache hit"
    assert pipeline.run({"point": Point(3, -4)}) == {"norm": 7}   # an equal one hits too
    assert len(calls) == 1
    assert pipeline.run({"point": Point(1, 1)}) == {"norm": 2}    # a different one misses
    assert len(calls) == 2


class Keyed:
    """An object keyed by its __cache_key__ (the lock makes it unpicklable, and it differs from
    object to object)."""

    def __init__(self, key, payload):
        self.key = key
        self.payload = payload
        self.lock = threading.Lock()

    def __cache_key__(self):
        return self.key


def test_cache_key_method_is_the_key(executor):
    calls = []

    @node(output_name="payload")
    def unwrap(obj):
        calls.append(obj)
        return obj.payload

    pipeline = on(Pipeline([unwrap]), executor, cache=MemoryCache())
    first, second = Keyed("k1", 10), Keyed("k1", 10)
    assert first is not second
    assert pipeline.run({"obj": first}) == {"payload": 10}
    assert pipeline.run({"obj": second}) == {"payload": 10}
    assert calls == [first], "two objects with the same __cache_key__ must hit"
    assert pipeline.run({"obj": Keyed("k2", 20)}) == {"payload": 20}
    assert len(calls) == 2


# ---- several outputs ------------------------------------------------------------------------


def test_multiple_outputs_reach_downstream_as_the_same_objects(executor):
    made = {}

    @node(output_name=("a", "b"))
    def split(x):
        made["a"], made["b"] = Point(x, 0), {frozenset({x}): [x]}
        return made["a"], made["b"]

    got = {}

    @node(output_name="from_a")
    def use_a(a):
        got["a"] = a
        return a

    @node(output_name="from_b")
    def use_b(b):
        got["b"] = b
        return b

    assert split.output_name == ("a", "b")
    pipeline = on(Pipeline([split, use_a, use_b]), executor)
    out = pipeline.run({"x": 7})
    assert got["a"] is made["a"] and got["b"] is made["b"]
    assert out["a"] is made["a"] and out["b"] is made["b"]
    assert out["from_a"] is made["a"] and out["from_b"] is made["b"]
    assert pipeline.graph.available_output_names == ["a", "b", "from_a", "from_b"]

    results = pipeline.map({"x": [1, 2]}, map_over="x", output_name=["a", "from_b"])
    assert [r["a"] for r in results] == [Point(1, 0), Point(2, 0)]
    assert [set(r) for r in results] == [{"a", "from_b"}] * 2


@dataclasses.dataclass
class Box:
    value: int


def test_disk_cache_keys_and_stores_python_objects(tmp_path, executor):
    """A dataclass input keys a disk-cache entry (its pickle), and a dataclass result is stored
    (pickled) and comes back equal from another pipeline sharing the directory."""
    from hypernodes.cache import DiskCache

    calls = []

    def make():
        @node(output_name="boxed")
        def rebox(box):
            calls.append(box.value)
            return Box(box.value * 10)

        return Pipeline([rebox]).with_config(
            RuntimeConfig(executor=executor, cache=DiskCache(tmp_path)))

    assert make().run({"box": Box(4)}) == {"boxed": Box(40)}
    assert make().run({"box": Box(4)}) == {"boxed": Box(40)}
    assert calls == [4]
    assert make().map({"box": [Box(4), Box(5)]}, "box") == [{"boxed": Box(40)},
                                                            {"boxed": Box(50)}]
    assert calls == [4, 5]


def test_unhashable_input_runs_uncached(executor):
    """An input with neither __cache_key__ nor a pickle (a lock) makes the call uncached; the
    run still works."""
    calls = []

    @node(output_name="y")
    def use(lock, x):
        calls.append(x)
        return x

    pipeline = Pipeline([use]).with_config(
        RuntimeConfig(executor=executor, cache=MemoryCache()))
    lock = threading.Lock()
    assert pipeline.run({"lock": lock, "x": 1}) == {"y": 1}
    assert pipeline.run({"lock": lock, "x": 1}) == {"y": 1}
    assert calls == [1, 1]


# ---- @stateful -------------------------------------------------------------------------------

def test_stateful_is_built_on_first_use_once_per_process(executor):
    import pickle

    import cloudpickle

    from hypernodes import stateful

    built = []

    @stateful
    class Model:
        def __init__(self, factor):
            built.append(factor)
            self.factor = factor
            self.weights = b"w" * 1_000_000

        def predict(self, x):
            return x * self.factor

    model = Model(3)
    assert built == [] and not model.is_built  # deferred
    assert "not built" in repr(model)

    @node(output_name="y")
    def predict(x, model):
        return model.predict(x)

    pipeline = Pipeline([predict]).with_config(RuntimeConfig(executor=executor))
    assert pipeline.map({"x": list(range(20)), "model": model}, "x") == [
        {"y": 3 * x} for x in range(20)]
    assert built == [3]  # once for the whole map, whatever the threads
    assert pipeline.run({"x": 2, "model": model}) == {"y": 6}
    assert built == [3]

    # what travels is the recipe, not the built object; a copy in this process shares it
    blob = cloudpickle.dumps(model)
    assert len(blob) < 100_000  # the megabyte of weights stays here
    copy = pickle.loads(blob)
    assert copy.predict(5) == 15 and built == [3]


def test_stateful_cache_key(executor):
    from hypernodes import stateful

    calls = []

    @stateful
    class Plain:
        def __init__(self, path):
            self.path = path

    @stateful
    class Keyed:
        def __init__(self, path, noise):
            self.path = path

        def __cache_key__(self):
            return self.path

    @node(output_name="y")
    def use(x, model):
        calls.append(x)
        return x

    pipeline = Pipeline([use]).with_config(
        RuntimeConfig(executor=executor, cache=MemoryCache()))
    # the same recipe is the same key, without building the object
    a, b = Plain("m.bin"), Plain("m.bin")
    assert pipeline.run({"x": 1, "model": a}) == pipeline.run({"x": 1, "model": b})
    assert calls == [1] and not a.is_built and not b.is_built
    pipeline.run({"x": 1, "model": Plain("other.bin")})
    assert calls == [1, 1]
    # a class's own __cache_key__ wins: different noise, same key
    calls.clear()
    pipeline.run({"x": 2, "model": Keyed("k", 1)})
    pipeline.run({"x": 2, "model": Keyed("k", 2)})
    assert calls == [2]


def test_async_nodes_on_the_async_executor_stop_with_the_run():
    """A timeout (or the caller's cancellable) cancels the coroutines in flight: the run does
    not wait for them."""
    from gi.repository import Gio

    @node(output_name="y")
    async def forever(x):
        await asyncio.sleep(3600)
        return x

    timed = Pipeline([forever]).with_config(
        RuntimeConfig(executor=AsyncExecutor(8), timeout=0.3))
    start = time.monotonic()
    with pytest.raises(GLib.Error) as info:
        timed.map({"x": [1, 2, 3]}, "x")
    assert time.monotonic() - start < 5
    assert info.value.matches(Hn.node_error_quark(), Hn.NodeError.TIMEOUT)

    cancellable = Gio.Cancellable()
    threading.Timer(0.2, cancellable.cancel).start()
    start = time.monotonic()
    with pytest.raises(GLib.Error) as info:
        Pipeline([forever]).with_config(RuntimeConfig(executor=AsyncExecutor(8))).run(
            {"x": 1}, cancellable=cancellable)
    assert time.monotonic() - start < 5
    assert info.value.matches(Gio.io_error_quark(), Gio.IOErrorEnum.CANCELLED)
