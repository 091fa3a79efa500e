# SPDX-License-Identifier: LGPL-2.1-or-later
"""HnDaskExecutor on its local schedulers and on a real Dask cluster (a `dask scheduler` and two
`dask worker` processes on 127.0.0.1, conftest.dask_cluster): the parity matrix against the
sequential executor, where nodes run, errors, and a worker killed in the middle of a map."""

import os
import signal
import subprocess
import threading
import time

import dask  # noqa: F401  (a missing engine fails the tests, it does not skip them)
import distributed  # noqa: F401
import pytest
from gi.repository import GLib, Hn

import parity
import unpicklable
from hypernodes import node, Pipeline
from hypernodes.config import RuntimeConfig
from hypernodes.dask_executor import DaskExecutor

KINDS = ["synchronous", "threads", "processes", "cluster"]
_executors = {}


@pytest.fixture(params=KINDS)
def executor(request):
    kind = request.param
    if kind not in _executors:
        if kind == "cluster":
            cluster = request.getfixturevalue("dask_cluster")
            _executors[kind] = DaskExecutor(scheduler_address=cluster.address)
        else:
            # one executor per scheduler for the whole module: the process pool stays warm
            _executors[kind] = DaskExecutor(scheduler=kind, n_workers=2)
    return _executors[kind]


def shipping(executor):
    """Whether nodes run in other processes."""
    return bool(executor.scheduler_address) or executor.scheduler == "processes"


def config(executor, **kwargs):
    return RuntimeConfig(executor=executor, **kwargs)


@pytest.mark.parametrize("case", sorted(parity.CASES))
def test_parity(executor, case):
    parity.check_case(case, config(executor))


@pytest.mark.parametrize("case", sorted(parity.ERROR_CASES))
def test_parity_errors(executor, case):
    parity.check_error_case(case, config(executor), shipping(executor))


def test_callbacks_and_cache(executor, tmp_path):
    parity.check_callbacks_and_cache(executor, tmp_path)


@node(output_name="pid")
def where(x):
    return os.getpid()


def test_where_nodes_run(executor):
    pids = {r["pid"] for r in Pipeline([where]).with_config(config(executor)).map(
        {"x": list(range(20))}, ["x"])}
    if shipping(executor):
        assert os.getpid() not in pids
    else:
        assert pids == {os.getpid()}
    if executor.scheduler == "processes" and not executor.scheduler_address:
        # one warm pool for the executor's life
        again = {r["pid"] for r in Pipeline([where]).with_config(config(executor)).map(
            {"x": list(range(20))}, ["x"])}
        assert len(pids | again) <= 2


def test_c_nodes_from_a_module(executor, module_path):
    module = Hn.Module.load(module_path)
    pipeline = module.get_pipeline("double_add_one")
    results = executor.map_items(pipeline, [{"x": i} for i in range(5)], {})
    assert results == [{"doubled": 2 * i, "result": 2 * i + 1} for i in range(5)]


def test_unpicklable_value_is_named(executor):
    if shipping(executor):
        unpicklable.check(config(executor))
    else:  # values stay in this process
        assert Pipeline(nodes=[unpicklable.make_lock]).with_config(config(executor)).run(
            {"x": 2})["lock"] is not None


def test_unshippable_node_is_named(executor):
    local_only = Hn.FunctionNode.new("local_only", ["x"], ["y"],
                                     lambda args, *rest: GLib.Variant("x", 1))
    pipeline = Pipeline(nodes=[local_only]).with_config(config(executor))
    if shipping(executor):
        with pytest.raises(GLib.Error) as info:
            pipeline.run({"x": 1})
        assert info.value.code == Hn.ExecutorError.NOT_SHIPPABLE
        assert "Node “local_only” cannot be sent to another process" in info.value.message
    else:
        assert pipeline.run({"x": 1}) == {"y": 1}


def test_independent_nodes_run_in_parallel():
    @node(output_name="a")
    def slow_a(x):
        time.sleep(0.6)
        return x

    @node(output_name="b")
    def slow_b(x):
        time.sleep(0.6)
        return x

    pipeline = Pipeline([slow_a, slow_b]).with_config(config(DaskExecutor(scheduler="threads",
                                                                          n_workers=2)))
    start = time.monotonic()
    assert pipeline.run({"x": 1}) == {"a": 1, "b": 1}
    assert time.monotonic() - start < 1.1  # one after the other: 1.2 s


def test_tasks_are_named_after_nodes(capfd, monkeypatch):
    monkeypatch.setenv("G_MESSAGES_DEBUG", "Hn-Dask")
    executor = DaskExecutor(scheduler="synchronous", debug=True)
    Pipeline([parity.double, parity.add_one]).with_config(config(executor)).run({"x": 1})
    Pipeline([parity.double, parity.add_one]).with_config(config(executor)).map(
        {"x": [1, 2]}, ["x"])
    captured = capfd.readouterr()
    text = captured.out + captured.err
    assert "a graph of 2 task(s): double-" in text and ", add_one-" in text
    assert "chunk task(s) double+add_one" in text


def test_chunk_size(dask_cluster):
    executor = DaskExecutor(scheduler_address=dask_cluster.address, chunk_size=7)
    pipeline = Pipeline([parity.double]).with_config(config(executor))
    assert pipeline.map({"x": list(range(50))}, ["x"]) == [{"doubled": 2 * i} for i in range(50)]


def test_unreachable_scheduler_fails_in_bounded_time():
    executor = DaskExecutor(scheduler_address="tcp://127.0.0.1:1", connect_timeout=2)
    start = time.monotonic()
    with pytest.raises(GLib.Error) as info:
        Pipeline([parity.double]).with_config(config(executor)).run({"x": 1})
    assert time.monotonic() - start < 10
    assert (info.value.domain, info.value.code) == ("hn-executor-error-quark",
                                                    Hn.ExecutorError.ENGINE_FAILED)
    assert "Cannot reach the Dask cluster at tcp://127.0.0.1:1 within 2 s" in info.value.message


def test_bad_scheduler_name():
    with pytest.raises(ValueError, match="Invalid Dask scheduler “fast”"):
        DaskExecutor(scheduler="fast")


def test_a_worker_killed_mid_map_is_recomputed(dask_cluster, tmp_path):
    """A worker dies in the middle of a map (SIGKILL); its nanny restarts it and the scheduler
    runs its tasks again: the map completes with every item right."""
    marks = str(tmp_path)

    @node(output_name="y")
    def slow(x):
        with open(os.path.join(marks, str(os.getpid())), "a"):
            pass
        time.sleep(0.05)
        return x * 2

    executor = DaskExecutor(scheduler_address=dask_cluster.address, chunk_size=4)
    pipeline = Pipeline([slow]).with_config(config(executor))
    killed = []

    def kill_one():
        deadline = time.monotonic() + 30
        while not os.listdir(marks) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        pid = int(os.listdir(marks)[0])
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    killer = threading.Thread(target=kill_one)
    killer.start()
    try:
        results = pipeline.map({"x": list(range(120))}, ["x"])
    finally:
        killer.join(timeout=60)
    assert killed
    assert results == [{"y": 2 * i} for i in range(120)]
    dask_cluster.wait_workers()


def test_c_program_uses_the_cli_spelling(dask_cluster, module_path):
    """The hn tool (C, embedding Python) runs on a Dask cluster and on the local schedulers,
    and exits (the process pool is shut down before Python's exit functions wait for it)."""
    hn = os.path.join(os.environ["HN_BUILD_DIR"], "tools", "hn")
    for spec in (f"dask@{dask_cluster.address}", "dask:synchronous", "dask", "dask:processes"):
        out = subprocess.run([hn, "map", module_path, "double_add_one", "--over", "x",
                              "x=[1, 2, 3]", "-o", "result", "-e", spec],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        assert out.stdout.splitlines() == ["{'result': <int64 3>}", "{'result': <int64 5>}",
                                           "{'result': <int64 7>}"], spec
    out = subprocess.run([hn, "map", module_path, "double_add_one", "--over", "x", "x=[1]",
                          "-e", "dask:fast"], capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "Invalid Dask scheduler “fast”" in out.stderr


def test_cancel_during_map_on_a_cluster(dask_cluster):
    parity.check_cancel(DaskExecutor(scheduler_address=dask_cluster.address))


@pytest.mark.parametrize("kind", ["synchronous", "threads", "processes"])
def test_cancel_during_map_on_local_schedulers(kind):
    parity.check_cancel(DaskExecutor(scheduler=kind, n_workers=2))


def test_stateful_is_built_once_per_worker_process(executor, tmp_path):
    """A @stateful resource travels as its recipe and is built once in each process that runs
    nodes for the map (here: the workers, or this process for the local schedulers)."""
    import cloudpickle

    from hypernodes import stateful

    marks = str(tmp_path)

    @stateful
    class Model:
        def __init__(self, where):
            with open(os.path.join(where, f"{os.getpid()}-{time.monotonic_ns()}"), "w"):
                pass
            self.weights = b"w" * 1_000_000

        def predict(self, x):
            return x + len(self.weights)

    @node(output_name="y")
    def predict(x, model):
        return model.predict(x)

    model = Model(marks)
    assert len(cloudpickle.dumps(model)) < 100_000
    results = Pipeline([predict]).with_config(config(executor)).map(
        {"x": list(range(40)), "model": model}, "x")
    assert results == [{"y": x + 1_000_000} for x in range(40)]
    pids = [name.split("-")[0] for name in os.listdir(marks)]
    assert pids and len(pids) == len(set(pids))  # never twice in one process


def test_large_program_and_shared_inputs_on_a_cluster(dask_cluster):
    """A program too large to travel in every task (a node closing over 200 kB) and inputs the
    items share go to the workers once each; the results are the sequential executor's."""
    table = bytes(range(256)) * 800

    @node(output_name="y")
    def look_up(x, offset):
        return table[(x + offset) % len(table)]

    pipeline = Pipeline([look_up])
    inputs = {"x": list(range(500)), "offset": 7}
    expected = pipeline.with_config(config(Hn.SequentialExecutor())).map(inputs, ["x"])
    executor = DaskExecutor(scheduler_address=dask_cluster.address)
    assert pipeline.with_config(config(executor)).map(inputs, ["x"]) == expected
    # and with no shared input
    @node(output_name="y")
    def size(x):
        return len(table) + x

    assert Pipeline([size]).with_config(config(executor)).map({"x": [1, 2]}, ["x"]) == \
        [{"y": len(table) + 1}, {"y": len(table) + 2}]


def test_composite_with_dask_as_map_executor(tmp_path):
    # the items run on the node executor, with the cache and node events of the run
    from hypernodes.cache import DiskCache
    from hypernodes.callbacks import PipelineCallback
    from hypernodes.executor import CompositeExecutor, SequentialExecutor

    calls = []

    @node(output_name="y")
    def square(x: int) -> int:
        calls.append(x)
        return x * x

    class Starts(PipelineCallback):
        def __init__(self):
            super().__init__()
            self.n = 0

        def on_node_start(self, node_id, inputs, ctx):
            self.n += 1

    starts = Starts()
    executor = CompositeExecutor(DaskExecutor(scheduler="synchronous"), SequentialExecutor())
    pipeline = Pipeline(nodes=[square]).with_config(
        RuntimeConfig(executor=executor, cache=DiskCache(tmp_path), callbacks=[starts]))
    for _ in range(2):
        assert pipeline.map({"x": [1, 2, 3]}, map_over="x") == [{"y": 1}, {"y": 4}, {"y": 9}]
    assert sorted(calls) == [1, 2, 3]   # the second map hit the cache
    assert starts.n == 3
