# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Core behaviour of hypernodes through GObject-Introspection, with Python functions as nodes,
# on the default (sequential) executor.

import threading

import pytest
from gi.repository import Gio, GLib, Hn

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


def py_node(name, inputs, outputs, fn, *, input_types=None, output_types=None, counter=None):
    """Wraps a Python function as an Hn.FunctionNode.

    fn receives the node's arguments unpacked into Python values, in input order, and returns a
    GLib.Variant (a tuple variant for a node with several outputs). A GLib.Error raised by fn
    passes through; any other exception is turned into a GLib.Error (G_IO_ERROR_FAILED) whose
    message is "<ExceptionType>: <message>", so the pipeline reports it as a node failure
    instead of PyGObject printing it and the node returning NULL.
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
    """a{sv} from keyword arguments: ints become int64, lists of ints become ax, the rest as is."""

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


def assert_error(excinfo, domain, code, *fragments):
    e = excinfo.value
    assert e.matches(domain, int(code)), (
        f"expected {GLib.quark_to_string(domain)}:{int(code)}, got {e.domain}:{e.code}: {e.message}"
    )
    for fragment in fragments:
        assert fragment in e.message, f"{fragment!r} not in {e.message!r}"


def make_seed(counter=None):
    double = py_node("double", ["x"], ["doubled"], lambda x: x64(2 * x), counter=counter)
    add_one = py_node("add_one", ["doubled"], ["result"], lambda d: x64(d + 1), counter=counter)
    return Hn.Pipeline.new([double, add_one])


def make_square(counter=None):
    return Hn.Pipeline.new(
        [py_node("square", ["x"], ["squared"], lambda x: x64(x * x), counter=counter)]
    )


def sequential_config():
    return Hn.RuntimeConfig.new(Hn.LocalBackend.new(), Hn.SequentialExecutor.new())


@pytest.fixture
def counter():
    return CallCounter()


@pytest.fixture
def seed(counter):
    return make_seed(counter)


# ---------------------------------------------------------------------------------------------
# Running


def test_run_returns_every_output(seed, counter):
    result = seed.run(vardict(x=5), None, None)
    assert result.get_type_string() == "a{sv}"
    assert result.unpack() == {"doubled": 10, "result": 11}
    assert counter["double"] == 1
    assert counter["add_one"] == 1


def test_graph_introspection(seed):
    assert list(seed.get_root_inputs()) == ["x"]
    assert list(seed.get_outputs()) == ["doubled", "result"]
    assert list(seed.get_topological_order()) == ["double", "add_one"]
    assert seed.get_node("add_one").get_name() == "add_one"
    assert seed.get_node("nope") is None
    assert [n.get_name() for n in seed.get_nodes()] == ["double", "add_one"]
    assert list(seed.get_required_inputs(["doubled"])) == ["x"]


def test_nodes_given_in_any_order_are_sorted(counter):
    add_one = py_node("add_one", ["doubled"], ["result"], lambda d: x64(d + 1))
    double = py_node("double", ["x"], ["doubled"], lambda x: x64(2 * x))
    pipeline = Hn.Pipeline.new([add_one, double])
    assert list(pipeline.get_topological_order()) == ["double", "add_one"]
    assert pipeline.run(vardict(x=-3), None, None).unpack() == {"doubled": -6, "result": -5}


def test_selective_output_skips_unneeded_nodes(seed, counter):
    result = seed.run(vardict(x=5), ["doubled"], None)
    assert result.unpack() == {"doubled": 10}
    assert counter["double"] == 1
    assert counter["add_one"] == 0


def test_requesting_downstream_output_runs_dependencies(seed, counter):
    result = seed.run(vardict(x=5), ["result"], None)
    assert result.unpack() == {"result": 11}
    assert counter["double"] == 1
    assert counter["add_one"] == 1


def test_with_config_sequential(counter):
    pipeline = make_square(counter).with_config(sequential_config())
    assert isinstance(pipeline.get_config().get_executor(), Hn.SequentialExecutor)
    assert isinstance(pipeline.get_config().get_backend(), Hn.LocalBackend)
    assert pipeline.run(vardict(x=7), None, None).unpack() == {"squared": 49}
    assert counter["square"] == 1


def test_with_config_keeps_original(seed):
    configured = seed.with_config(sequential_config())
    assert configured is not seed
    assert list(configured.get_topological_order()) == ["double", "add_one"]
    assert seed.run(vardict(x=1), None, None).unpack() == {"doubled": 2, "result": 3}
    assert configured.run(vardict(x=2), None, None).unpack() == {"doubled": 4, "result": 5}


def test_executor_run_pipeline_directly(seed):
    executor = Hn.SequentialExecutor.new()
    result = executor.run_pipeline(seed, vardict(x=20), None, ["result"], None)
    assert result.unpack() == {"result": 41}


def test_multi_output_node_tuple_is_split():
    def divmod_node(a, b):
        q, r = divmod(a, b)
        return GLib.Variant("(xx)", (q, r))

    pipeline = Hn.Pipeline.new(
        [
            py_node("divmod", ["a", "b"], ["quotient", "remainder"], divmod_node),
            py_node("describe", ["quotient", "remainder"], ["text"],
                    lambda q, r: GLib.Variant("s", f"{q}r{r}")),
        ]
    )
    assert list(pipeline.get_outputs()) == ["quotient", "remainder", "text"]
    result = pipeline.run(vardict(a=17, b=5), None, None).unpack()
    assert result == {"quotient": 3, "remainder": 2, "text": "3r2"}
    # selecting one member of a multi-output node
    assert pipeline.run(vardict(a=9, b=4), ["remainder"], None).unpack() == {"remainder": 1}


def test_multi_output_node_typed_members():
    node = py_node("split", ["s"], ["head", "length"],
                   lambda s: GLib.Variant("(su)", (s[:1], len(s))),
                   input_types=["s"], output_types=["s", "u"])
    pipeline = Hn.Pipeline.new([node])
    result = pipeline.run(vardict(s="hello"), None, None)
    assert result.lookup_value("length", None).get_type_string() == "u"
    assert result.unpack() == {"head": "h", "length": 5}


def test_typed_ports_compatible_chain():
    a = py_node("a", ["x"], ["y"], lambda x: GLib.Variant("s", str(x)),
                input_types=["x"], output_types=["s"])
    b = py_node("b", ["y"], ["z"], lambda y: GLib.Variant("as", list(y)),
                input_types=["s"], output_types=["as"])
    pipeline = Hn.Pipeline.new([a, b])
    assert a.get_input_type("x").dup_string() == "x"
    assert b.get_output_type("z").dup_string() == "as"
    assert pipeline.run(vardict(x=123), ["z"], None).unpack() == {"z": ["1", "2", "3"]}


def test_edge_cases_of_run(seed, counter):
    assert Hn.Pipeline.new([]).run(None, None, None).unpack() == {}
    constant = Hn.Pipeline.new([py_node("seven", [], ["seven"], lambda: x64(7))])
    assert list(constant.get_root_inputs()) == []
    assert constant.run(None, None, None).unpack() == {"seven": 7}
    # an empty list of outputs computes nothing; a repeated output is returned once
    assert seed.run(vardict(x=1), [], None).unpack() == {}
    assert counter["double"] == 0
    assert seed.run(vardict(x=1), ["doubled", "doubled"], None).unpack() == {"doubled": 2}


# ---------------------------------------------------------------------------------------------
# Mapping


def test_map_zip_four_items(seed, counter):
    result = seed.map(vardict(x=[1, 2, 3, 4]), ["x"], Hn.MapMode.ZIP, None, None)
    assert result.get_type_string() == "aa{sv}"
    assert result.unpack() == [
        {"doubled": 2, "result": 3},
        {"doubled": 4, "result": 5},
        {"doubled": 6, "result": 7},
        {"doubled": 8, "result": 9},
    ]
    assert counter["double"] == 4
    assert counter["add_one"] == 4


def test_map_zip_hundred_items(seed):
    result = seed.map(vardict(x=list(range(100))), ["x"], Hn.MapMode.ZIP, ["result"], None)
    assert result.unpack() == [{"result": 2 * i + 1} for i in range(100)]


def test_map_with_shared_input():
    pipeline = Hn.Pipeline.new(
        [py_node("scale", ["x", "factor"], ["scaled"], lambda x, f: x64(x * f))]
    )
    result = pipeline.map(vardict(x=[1, 2, 3], factor=10), ["x"], Hn.MapMode.ZIP, None, None)
    assert result.unpack() == [{"scaled": 10}, {"scaled": 20}, {"scaled": 30}]


def test_map_zip_two_inputs():
    pipeline = Hn.Pipeline.new([py_node("add", ["a", "b"], ["sum"], lambda a, b: x64(a + b))])
    result = pipeline.map(vardict(a=[1, 2, 3], b=[10, 20, 30]), ["a", "b"], Hn.MapMode.ZIP,
                          None, None)
    assert result.unpack() == [{"sum": 11}, {"sum": 22}, {"sum": 33}]


def test_map_over_av_unboxes_elements():
    pipeline = Hn.Pipeline.new(
        [py_node("describe", ["v"], ["text"], lambda v: GLib.Variant("s", repr(v)))]
    )
    mixed = GLib.Variant("av", [GLib.Variant("x", 1), GLib.Variant("s", "two")])
    result = pipeline.map(vardict(v=mixed), ["v"], Hn.MapMode.ZIP, None, None)
    assert result.unpack() == [{"text": "1"}, {"text": "'two'"}]


def test_map_product_mode():
    pipeline = Hn.Pipeline.new(
        [py_node("pair", ["a", "b"], ["pair"], lambda a, b: GLib.Variant("(xx)", (a, b))),
         py_node("prod", ["a", "b"], ["prod"], lambda a, b: x64(a * b))]
    )
    result = pipeline.map(vardict(a=[1, 2], b=[10, 20, 30]), ["a", "b"], Hn.MapMode.PRODUCT,
                          None, None).unpack()
    # one item per combination, the last mapped input varying fastest
    assert [r["pair"] for r in result] == [(1, 10), (1, 20), (1, 30), (2, 10), (2, 20), (2, 30)]
    assert [r["prod"] for r in result] == [10, 20, 30, 20, 40, 60]


def test_map_product_with_empty_input_is_empty():
    pipeline = Hn.Pipeline.new([py_node("add", ["a", "b"], ["sum"], lambda a, b: x64(a + b))])
    result = pipeline.map(vardict(a=[1, 2], b=GLib.Variant("ax", [])), ["a", "b"],
                          Hn.MapMode.PRODUCT, None, None)
    assert result.unpack() == []


def test_executor_map_items_four_and_hundred(seed, counter):
    executor = Hn.SequentialExecutor.new()
    for n in (4, 100):
        items = GLib.Variant("aa{sv}", [{"x": x64(i)} for i in range(n)])
        result = executor.map_items(seed, items, GLib.Variant("a{sv}", {}), None, None, None)
        assert result.get_type_string() == "aa{sv}"
        assert result.unpack() == [{"doubled": 2 * i, "result": 2 * i + 1} for i in range(n)]
    assert counter["double"] == 104


def test_executor_map_items_with_shared_and_selected_outputs():
    pipeline = Hn.Pipeline.new(
        [py_node("scale", ["x", "factor"], ["scaled"], lambda x, f: x64(x * f)),
         py_node("neg", ["scaled"], ["negated"], lambda s: x64(-s))]
    )
    executor = Hn.SequentialExecutor.new()
    items = GLib.Variant("aa{sv}", [{"x": x64(i)} for i in range(100)])
    result = executor.map_items(pipeline, items, vardict(factor=3), None, ["negated"], None)
    assert result.unpack() == [{"negated": -3 * i} for i in range(100)]


def test_map_item_can_override_nothing_but_roots():
    # items may only carry root inputs
    executor = Hn.SequentialExecutor.new()
    items = GLib.Variant("aa{sv}", [{"x": x64(1)}, {"doubled": x64(5)}])
    with pytest.raises(GLib.Error) as excinfo:
        executor.map_items(make_seed(), items, None, None, None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_INPUT, "doubled", "double")


def test_empty_map_returns_empty_list(seed, counter):
    result = seed.map(vardict(x=GLib.Variant("ax", [])), ["x"], Hn.MapMode.ZIP, None, None)
    assert result.get_type_string() == "aa{sv}"
    assert result.unpack() == []
    assert counter["double"] == 0
    empty_items = GLib.Variant("aa{sv}", [])
    result = Hn.SequentialExecutor.new().map_items(seed, empty_items, None, None, None, None)
    assert result.unpack() == []


# ---------------------------------------------------------------------------------------------
# Asynchronous runs (the executor runs on a library worker thread)


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
    def fail(x):
        raise ValueError("no good")

    pipeline = Hn.Pipeline.new([py_node("fails", ["x"], ["y"], fail)])

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
    executor = Hn.SequentialExecutor.new()
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
        seed.run(vardict(x=5), None, cancellable)
    assert_cancelled(excinfo)
    assert counter["double"] == 0


def test_run_cancelled_during(counter):
    cancellable = Gio.Cancellable.new()

    def double_then_cancel(x):
        cancellable.cancel()
        return x64(2 * x)

    pipeline = Hn.Pipeline.new(
        [py_node("double", ["x"], ["doubled"], double_then_cancel, counter=counter),
         py_node("add_one", ["doubled"], ["result"], lambda d: x64(d + 1), counter=counter)]
    )
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(x=5), None, cancellable)
    assert_cancelled(excinfo)
    assert counter["double"] == 1
    assert counter["add_one"] == 0  # no node starts after the cancellation is seen


def test_map_cancelled_during(counter):
    cancellable = Gio.Cancellable.new()

    def double(x):
        if x == 2:
            cancellable.cancel()
        return x64(2 * x)

    pipeline = Hn.Pipeline.new([py_node("double", ["x"], ["doubled"], double, counter=counter)])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.map(vardict(x=list(range(10))), ["x"], Hn.MapMode.ZIP, None, cancellable)
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

    def slow_double(x):
        started.set()
        assert release.wait(10), "never released"
        return x64(2 * x)

    pipeline = Hn.Pipeline.new(
        [py_node("double", ["x"], ["doubled"], slow_double, counter=counter),
         py_node("add_one", ["doubled"], ["result"], lambda d: x64(d + 1), counter=counter)]
    )

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

    def double(x):
        if x == 1:
            cancellable.cancel()
        return x64(2 * x)

    pipeline = Hn.Pipeline.new([py_node("double", ["x"], ["doubled"], double, counter=counter)])

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


def ident(name, inputs, outputs):
    return py_node(name, inputs, outputs, lambda *a: x64(0))


def test_cycle_error():
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline.new([ident("a", ["x"], ["y"]), ident("b", ["y"], ["z"]),
                         ident("c", ["z"], ["x"])])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.CYCLE, "cycle", "“a”", "“b”", "“c”")


def test_self_cycle_error():
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline.new([ident("loop", ["x"], ["x"])])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.CYCLE, "“loop”", "“x”")


def test_duplicate_output_error():
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline.new([ident("first", ["x"], ["y"]), ident("second", ["z"], ["y"])])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.DUPLICATE_OUTPUT,
                 "“y”", "“first”", "“second”")


def test_duplicate_node_name_error():
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline.new([ident("same", ["x"], ["y"]), ident("same", ["y"], ["z"])])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.DUPLICATE_NODE, "“same”")


def test_invalid_node_errors():
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline.new([ident("twice", ["x", "x"], ["y"])])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_NODE, "“twice”", "“x”")

    bad_type = py_node("bad", ["x"], ["y"], lambda x: x64(x), input_types=["not a type"],
                       output_types=["x"])
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline.new([bad_type])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_NODE, "“bad”", "not a type")

    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline.new([ident("no_outputs", ["x"], [])])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_NODE, "“no_outputs”")


def test_type_mismatch_between_typed_ports():
    producer = py_node("producer", ["x"], ["text"], lambda x: GLib.Variant("s", str(x)),
                       input_types=["x"], output_types=["s"])
    consumer = py_node("consumer", ["text"], ["n"], lambda t: x64(t),
                       input_types=["x"], output_types=["x"])
    with pytest.raises(GLib.Error) as excinfo:
        Hn.Pipeline.new([producer, consumer])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.TYPE_MISMATCH,
                 "“consumer”", "“producer”", "“text”", "“s”", "“x”")


def test_typed_port_accepts_untyped_producer_but_checks_at_run_time(counter):
    producer = py_node("producer", ["x"], ["text"], lambda x: GLib.Variant("s", str(x)),
                       counter=counter)
    consumer = py_node("consumer", ["text"], ["n"], lambda t: x64(int(t)),
                       input_types=["x"], output_types=["x"], counter=counter)
    pipeline = Hn.Pipeline.new([producer, consumer])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(x=3), None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.TYPE_MISMATCH,
                 "“producer”", "“consumer”", "“text”", "“s”")
    assert counter["producer"] == 1
    assert counter["consumer"] == 0


# ---------------------------------------------------------------------------------------------
# Run-time errors


def make_two_branches(counter=None):
    return Hn.Pipeline.new(
        [py_node("double", ["x"], ["doubled"], lambda x: x64(2 * x), counter=counter),
         py_node("add_one", ["doubled"], ["result"], lambda d: x64(d + 1), counter=counter),
         py_node("combine", ["y", "z"], ["combined"], lambda y, z: x64(y * z), counter=counter)]
    )


def test_missing_inputs_all_named(counter):
    pipeline = make_two_branches(counter)
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(), None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MISSING_INPUT, "“x”", "“y”", "“z”")
    assert sum(counter.counts.values()) == 0


def test_missing_inputs_only_those_needed(counter):
    pipeline = make_two_branches(counter)
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(), ["combined"], None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MISSING_INPUT, "“y”", "“z”")
    assert "“x”" not in excinfo.value.message

    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(y=2), ["combined", "result"], None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MISSING_INPUT, "“x”", "“z”")
    assert "“y”" not in excinfo.value.message

    # what is needed is enough
    assert pipeline.run(vardict(y=2, z=3), ["combined"], None).unpack() == {"combined": 6}
    assert counter["double"] == 0
    assert list(pipeline.get_required_inputs(["combined"])) == ["y", "z"]


def test_missing_input_in_map_item():
    pipeline = make_two_branches()
    items = GLib.Variant("aa{sv}", [{"y": x64(1), "z": x64(1)}, {"y": x64(2)}])
    with pytest.raises(GLib.Error) as excinfo:
        Hn.SequentialExecutor.new().map_items(pipeline, items, None, None, ["combined"], None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MISSING_INPUT, "Item 1", "“z”")


def test_unknown_requested_output(seed, counter):
    with pytest.raises(GLib.Error) as excinfo:
        seed.run(vardict(x=1), ["nope"], None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_OUTPUT, "“nope”")
    with pytest.raises(GLib.Error) as excinfo:
        seed.run(vardict(x=1), ["x"], None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_OUTPUT, "“x”")
    with pytest.raises(GLib.Error) as excinfo:
        seed.get_required_inputs(["nope"])
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_OUTPUT, "“nope”")
    assert counter["double"] == 0


def test_unknown_input_name(seed, counter):
    with pytest.raises(GLib.Error) as excinfo:
        seed.run(vardict(x=1, bogus=2), None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_INPUT, "“bogus”")
    with pytest.raises(GLib.Error) as excinfo:
        seed.run(vardict(x=1, doubled=2), None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_INPUT, "“doubled”", "“double”")
    assert counter["double"] == 0


def test_inputs_not_a_vardict(seed):
    with pytest.raises(GLib.Error) as excinfo:
        seed.run(GLib.Variant("a{sx}", {"x": 1}), None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_INPUTS, "a{sx}")


def test_root_input_of_wrong_type(counter):
    pipeline = Hn.Pipeline.new(
        [py_node("typed", ["x"], ["y"], lambda x: x64(x), input_types=["x"], output_types=["x"],
                 counter=counter)]
    )
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(x="five"), None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.TYPE_MISMATCH,
                 "“x”", "“s”", "“typed”")
    assert counter["typed"] == 0
    # int32 is not int64 either
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(x=GLib.Variant("i", 5)), None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.TYPE_MISMATCH, "“i”")
    assert pipeline.run(vardict(x=5), None, None).unpack() == {"y": 5}


def test_root_input_of_wrong_type_in_map_names_item():
    pipeline = Hn.Pipeline.new(
        [py_node("typed", ["x"], ["y"], lambda x: x64(x), input_types=["x"], output_types=["x"])]
    )
    mixed = GLib.Variant("av", [GLib.Variant("x", 1), GLib.Variant("s", "two")])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.map(vardict(x=mixed), ["x"], Hn.MapMode.ZIP, None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.TYPE_MISMATCH, "item 1", "“s”")


def test_node_error_wrapped_with_node_name(counter):
    def explode(d):
        raise ValueError(f"cannot handle {d}")

    pipeline = Hn.Pipeline.new(
        [py_node("double", ["x"], ["doubled"], lambda x: x64(2 * x), counter=counter),
         py_node("explode", ["doubled"], ["result"], explode, counter=counter)]
    )
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(x=5), None, None)
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.FAILED,
                 "Node “explode” failed", "ValueError: cannot handle 10")
    assert counter["explode"] == 1


def test_node_glib_error_passes_through_message():
    def fail(x):
        raise GLib.Error.new_literal(IO_ERROR, "disk on fire", int(Gio.IOErrorEnum.NO_SPACE))

    pipeline = Hn.Pipeline.new([py_node("writer", ["x"], ["y"], fail)])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(x=5), None, None)
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.FAILED, "“writer”", "disk on fire")


def test_node_error_in_map_names_item(counter):
    def picky(x):
        if x == 3:
            raise ValueError("three is right out")
        return x64(x)

    pipeline = Hn.Pipeline.new([py_node("picky", ["x"], ["y"], picky, counter=counter)])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.map(vardict(x=[0, 1, 2, 3, 4, 5]), ["x"], Hn.MapMode.ZIP, None, None)
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.FAILED,
                 "“picky”", "item 3", "three is right out")
    assert counter["picky"] == 4  # the map stops at the failing item


def test_unwrapped_python_exception_is_invalid_result():
    """Without the helper, PyGObject prints the exception and the node returns NULL."""

    def raw(args, *rest):
        raise RuntimeError("printed by PyGObject, not propagated")

    pipeline = Hn.Pipeline.new([Hn.FunctionNode.new("raw", ["x"], ["y"], raw)])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(x=1), None, None)
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.INVALID_RESULT, "“raw”")


def test_result_of_wrong_declared_type_is_invalid_result():
    pipeline = Hn.Pipeline.new(
        [py_node("liar", ["x"], ["y"], lambda x: GLib.Variant("s", "not an int"),
                 output_types=["x"], input_types=["*"])]
    )
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(x=1), None, None)
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.INVALID_RESULT, "“liar”", "“s”", "“y”")


def test_multi_output_node_must_return_tuple_of_right_size():
    pipeline = Hn.Pipeline.new(
        [py_node("bad_split", ["x"], ["a", "b"], lambda x: GLib.Variant("(xxx)", (x, x, x)))]
    )
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(x=1), None, None)
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.INVALID_RESULT, "“bad_split”", "(xxx)")

    pipeline = Hn.Pipeline.new([py_node("scalar", ["x"], ["a", "b"], lambda x: x64(x))])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(x=1), None, None)
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.INVALID_RESULT, "“scalar”")


def test_map_length_mismatch():
    pipeline = Hn.Pipeline.new([py_node("add", ["a", "b"], ["sum"], lambda a, b: x64(a + b))])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.map(vardict(a=[1, 2, 3], b=[1, 2]), ["a", "b"], Hn.MapMode.ZIP, None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MAP_LENGTH_MISMATCH,
                 "“a”", "3", "“b”", "2")
    # the same inputs are fine as a product
    result = pipeline.map(vardict(a=[1, 2, 3], b=[1, 2]), ["a", "b"], Hn.MapMode.PRODUCT,
                          None, None)
    assert len(result.unpack()) == 6


def test_mapped_input_not_an_array(seed, counter):
    with pytest.raises(GLib.Error) as excinfo:
        seed.map(vardict(x=5), ["x"], Hn.MapMode.ZIP, None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MAP_NOT_ARRAY, "“x”", "“x”")
    assert counter["double"] == 0


def test_mapped_name_not_an_input(seed):
    with pytest.raises(GLib.Error) as excinfo:
        seed.map(vardict(x=[1, 2], y=[1, 2]), ["x", "y"], Hn.MapMode.ZIP, None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_INPUT, "“y”")
    with pytest.raises(GLib.Error) as excinfo:
        seed.map(vardict(x=[1, 2], doubled=[1, 2]), ["doubled"], Hn.MapMode.ZIP, None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.UNKNOWN_INPUT, "“doubled”")


def test_mapped_input_missing(seed):
    with pytest.raises(GLib.Error) as excinfo:
        seed.map(vardict(), ["x"], Hn.MapMode.ZIP, None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.MISSING_INPUT, "“x”")


def test_map_needs_distinct_mapped_inputs(seed):
    with pytest.raises(GLib.Error) as excinfo:
        seed.map(vardict(x=[1]), [], Hn.MapMode.ZIP, None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_INPUTS, "at least one")
    with pytest.raises(GLib.Error) as excinfo:
        seed.map(vardict(x=[1]), ["x", "x"], Hn.MapMode.ZIP, None, None)
    assert_error(excinfo, PIPELINE_ERROR, Hn.PipelineError.INVALID_INPUTS, "“x”", "twice")


def test_map_items_not_an_array_of_dicts(seed):
    with pytest.raises(GLib.Error) as excinfo:
        Hn.SequentialExecutor.new().map_items(seed, GLib.Variant("ax", [1, 2]), None, None,
                                              None, None)
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
                out.append((x, pipeline.run(vardict(x=x), None, None).unpack()))
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
                got = pipeline.run(vardict(x=x, y=x, z=3), outputs, None).unpack()
                assert got == expected(x, outputs), (outputs, got)
        except Exception as e:  # noqa: BLE001
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(6)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    assert errors == []


def test_map_from_several_python_threads():
    pipeline = make_seed()
    results = [None] * 4

    def worker(t):
        results[t] = pipeline.map(vardict(x=[t * 100 + i for i in range(25)]), ["x"],
                                  Hn.MapMode.ZIP, ["result"], None).unpack()

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
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
    add_one = py_node("add_one", ["y"], ["z"], lambda y: x64(y + 1))
    return affine, Hn.Pipeline.new([affine, add_one])


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
    assert pipeline.run(vardict(x=5), None, cancellable).unpack() == {"y": 19, "z": 20}
    assert affine.seen[-1][1][-1] is cancellable  # the run's cancellable reaches the node
    result = pipeline.map(vardict(x=list(range(10))), ["x"], Hn.MapMode.ZIP, ["z"], None)
    assert result.unpack() == [{"z": 3 * i + 5} for i in range(10)]


def test_python_subclass_node_error():
    _, pipeline = make_affine_pipeline()
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(x=-1), None, None)
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

    pipeline = Hn.Pipeline.new([Lazy(name="lazy", inputs=["x"], outputs=["y"])])
    with pytest.raises(GLib.Error) as excinfo:
        pipeline.run(vardict(x=1), None, None)
    assert_error(excinfo, NODE_ERROR, Hn.NodeError.FAILED, "“lazy”", "does not implement")
