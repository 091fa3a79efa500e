# SPDX-License-Identifier: LGPL-2.1-or-later
"""The seed's DaftExecutor scenarios on runner="ray", against a local Ray cluster the tests start
(conftest.ray_cluster). Python nodes travel to the Ray workers by cloudpickle, C nodes by their
node module. Runs in its own process: Daft allows one runner per process."""

import os

import pytest
from gi.repository import GLib, Hn

import parity
import unpicklable
from hypernodes import node, Pipeline
from hypernodes.config import RuntimeConfig
from hypernodes.backend import LocalBackend
from hypernodes.daft_executor import DaftExecutor


@node(output_name="doubled")
def double(x: int) -> int:
    return x * 2


@node(output_name="result")
def add_one(doubled: int) -> int:
    return doubled + 1


@node(output_name="squared")
def square(x: int) -> int:
    return x * x


@node(output_name="pid")
def where(x: int) -> int:
    return os.getpid()


@node(output_name="inverse")
def inverse(x: int) -> float:
    return 1 / x


def test_cluster_is_reachable_on_loopback_only():
    """meson runs this file in a network namespace whose only interface is loopback
    (tests/loopback-only.sh), so the Ray cluster cannot listen anywhere else."""
    import socket

    assert [name for _, name in socket.if_nameindex()] == ["lo"]


@pytest.fixture(scope="module")
def executor(ray_cluster):
    return DaftExecutor(runner="ray", ray_address=ray_cluster)


def configured(pipeline, executor):
    return pipeline.with_config(RuntimeConfig(backend=LocalBackend(), executor=executor))


def test_unpicklable_value_is_named(executor):
    unpicklable.check(RuntimeConfig(backend=LocalBackend(), executor=executor))


def test_run_pipeline(executor):
    result = configured(Pipeline(nodes=[double, add_one]), executor).run({"x": 5})
    assert result["doubled"] == 10
    assert result["result"] == 11


def test_map_items(executor):
    results = executor.map_items(Pipeline(nodes=[double]), [{"x": i} for i in range(1, 5)], {})
    assert [r["doubled"] for r in results] == [2, 4, 6, 8]


def test_with_config(executor):
    assert configured(Pipeline(nodes=[square]), executor).run({"x": 7})["squared"] == 49


def test_selective_output(executor):
    result = configured(Pipeline(nodes=[double, add_one]), executor).run({"x": 5},
                                                                          output_name="doubled")
    assert result == {"doubled": 10}


def test_map_large_batch(executor):
    results = executor.map_items(Pipeline(nodes=[square]), [{"x": i} for i in range(100)], {})
    assert len(results) == 100
    assert all(results[i]["squared"] == i * i for i in range(100))


def test_nodes_run_in_ray_workers(executor):
    results = executor.map_items(Pipeline(nodes=[where]), [{"x": i} for i in range(4)], {})
    assert all(r["pid"] != os.getpid() for r in results)


def test_c_nodes_from_a_module_run_on_ray_workers(executor, module_path):
    module = Hn.Module.load(module_path)
    pipeline = module.get_pipeline("double_add_one")
    results = executor.map_items(pipeline, [{"x": i} for i in range(10)], {})
    assert [r["result"] for r in results] == [2 * i + 1 for i in range(10)]
    mixed = Pipeline(nodes=[module.get_node("square"), where])
    out = executor.map_items(mixed, [{"x": 3}], {})
    assert out[0]["squared"] == 9 and out[0]["pid"] != os.getpid()


def test_node_error_names_node_and_item(executor):
    with pytest.raises(GLib.Error) as info:
        executor.map_items(Pipeline(nodes=[inverse]), [{"x": 2}, {"x": 1}, {"x": 0}], {})
    assert info.value.domain == "hn-node-error-quark"
    assert info.value.code == Hn.NodeError.FAILED
    assert "Node “inverse” failed on item 2: ZeroDivisionError" in info.value.message


def test_c_node_error_from_module(executor, module_path):
    module = Hn.Module.load(module_path)
    pipeline = Pipeline(nodes=[module.get_node("square")])
    with pytest.raises(GLib.Error) as info:
        executor.map_items(pipeline, [{"x": 1}, {"x": -4}], {})
    assert info.value.message == "Node “square” failed on item 1: negative input -4"


def test_unshippable_node_is_named(executor):
    local_only = Hn.FunctionNode.new("local_only", ["x"], ["y"],
                                     lambda args, *rest: GLib.Variant("x", 1))
    with pytest.raises(GLib.Error) as info:
        configured(Pipeline(nodes=[local_only]), executor).run({"x": 1})
    assert info.value.domain == "hn-executor-error-quark"
    assert info.value.code == Hn.ExecutorError.NOT_SHIPPABLE
    assert "Node “local_only” cannot be sent to another process" in info.value.message


def test_runner_conflict(executor):
    configured(Pipeline(nodes=[square]), executor).run({"x": 2})  # the Ray runner is set
    with pytest.raises(GLib.Error) as info:
        configured(Pipeline(nodes=[square]), DaftExecutor(runner="local")).run({"x": 2})
    assert info.value.code == Hn.ExecutorError.RUNNER_CONFLICT
    assert "one runner per process" in info.value.message


def test_c_program_runs_a_module_pipeline_on_ray(ray_cluster, module_path):
    """The hn tool, a C program that embeds Python through the bridge, sends the C nodes of a
    node module to the Ray workers."""
    import subprocess

    hn = os.path.join(os.environ["HN_BUILD_DIR"], "tools", "hn")
    out = subprocess.run([hn, "map", module_path, "double_add_one", "--over", "x", "x=[1, 2, 3]",
                          "-o", "result", "-e", f"daft:ray@{ray_cluster}"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["{'result': <int64 3>}", "{'result': <int64 5>}",
                                       "{'result': <int64 7>}"]


def test_nested_and_bound_pipelines_travel(executor):
    """Pipeline nodes travel to the Ray workers as the recipes of their inner nodes."""
    @node(output_name="scaled")
    def scale(x, factor):
        return x * factor

    inner = Pipeline([scale], name="inner").bind(factor=3)
    each = Pipeline([scale]).as_node(name="each", input_mapping={"xs": "x"},
                                     output_mapping={"scaled": "all_scaled"}, map_over="xs")
    pipeline = Pipeline([inner.as_node(input_mapping={"a": "x"}), each,
                         node(lambda scaled, all_scaled: scaled + sum(all_scaled),
                              output_name="total", name="total")])
    inputs = {"a": 2, "xs": [1, 2], "factor": 10}
    assert configured(pipeline, executor).run(inputs) == pipeline.run(inputs)
    items = configured(pipeline, executor).map({"a": [1, 2], "xs": [1], "factor": 2},
                                                map_over="a")
    assert [i["total"] for i in items] == [5, 8]


def test_nested_error_names_path_on_ray(executor):
    @node(output_name="y")
    def boom(x):
        raise RuntimeError("boom")

    pipeline = Pipeline([Pipeline([boom]).as_node(name="inner")])
    # the node's exception comes back from the worker as itself (pickled), named in a note
    with pytest.raises(RuntimeError, match="^boom$") as info:
        configured(pipeline, executor).map({"x": [1, 2]}, map_over="x")
    assert info.value.__notes__ == ["hypernodes: Node “inner › boom” failed on item 0"]


def test_callbacks_and_disk_cache_on_ray(executor, tmp_path):
    """Node events happen in the Ray workers and come back to the host's callbacks with the node
    names, items and durations; a disk cache is shared with the workers."""
    from hypernodes.cache import DiskCache
    from hypernodes.callbacks import PipelineCallback

    class Recorder(PipelineCallback):
        def __init__(self):
            super().__init__()
            self.starts, self.ends, self.cached, self.errors = [], [], [], []

        def on_node_start(self, node_id, inputs, ctx):
            self.starts.append((node_id, inputs))

        def on_node_end(self, node_id, outputs, duration, ctx):
            assert duration >= 0
            self.ends.append((node_id, outputs["doubled"]))

        def on_node_cached(self, node_id, signature, ctx):
            self.cached.append(node_id)

        def on_error(self, node_id, error, ctx):
            self.errors.append((node_id, error.message))

    rec = Recorder()
    config = RuntimeConfig(backend=LocalBackend(), executor=executor,
                           cache=DiskCache(tmp_path), callbacks=[rec])
    pipeline = Pipeline(nodes=[double]).with_config(config)
    assert pipeline.map({"x": [1, 2, 3]}, map_over="x") == [{"doubled": 2}, {"doubled": 4},
                                                            {"doubled": 6}]
    assert sorted(rec.ends) == [("double", 2), ("double", 4), ("double", 6)]
    assert sorted(x["x"] for _, x in rec.starts) == [1, 2, 3]
    assert pipeline.map({"x": [1, 2]}, map_over="x") == [{"doubled": 2}, {"doubled": 4}]
    assert rec.cached == ["double", "double"]

    with pytest.raises(ZeroDivisionError):
        Pipeline(nodes=[inverse]).with_config(config).map({"x": [1, 0]}, map_over="x")
    assert [n for n, _ in rec.errors] == ["inverse"]


def test_unreachable_ray_address_fails_in_bounded_time():
    """In a process of its own (one Daft runner per process): nothing listens at 127.0.0.1:1."""
    import subprocess
    import sys

    code = ("import time\n"
            "from gi.repository import GLib, Hn\n"
            "from hypernodes import Pipeline, node\n"
            "from hypernodes.daft_executor import DaftExecutor\n"
            "p = Pipeline([node(lambda x: x, output_name='y', name='same')])\n"
            "ex = DaftExecutor(runner='ray', ray_address='127.0.0.1:1', connect_timeout=2)\n"
            "start = time.monotonic()\n"
            "try:\n"
            "    p.with_config(Hn.RuntimeConfig(executor=ex)).run({'x': 1})\n"
            "except GLib.Error as e:\n"
            "    print(e.domain, e.code, round(time.monotonic() - start), e.message)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60)
    domain, code_, seconds, message = out.stdout.strip().split(" ", 3)
    assert (domain, int(code_)) == ("hn-executor-error-quark", Hn.ExecutorError.ENGINE_FAILED)
    assert int(seconds) < 10
    assert message == "Cannot reach the Ray cluster at 127.0.0.1:1 within 2 s: Connection refused"


def test_sigterm_while_waiting_for_the_cluster_terminates(module_path):
    """SIGTERM while a C program waits for an unreachable cluster ends it, as SIGTERM does,
    instead of being reported as an engine error."""
    import signal
    import subprocess
    import time

    hn = os.path.join(os.environ["HN_BUILD_DIR"], "tools", "hn")
    proc = subprocess.Popen([hn, "run", module_path, "double_add_one", "x=1",
                             "-e", "daft:ray@127.0.0.1:1"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    time.sleep(2)
    proc.send_signal(signal.SIGTERM)
    try:
        _, err = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise
    assert proc.returncode == -signal.SIGTERM, err


@pytest.mark.parametrize("case", sorted(parity.CASES))
def test_parity_matrix(case, executor):
    """The shared parity matrix of the engine executors (parity.py), on Daft's Ray runner."""
    parity.check_case(case, RuntimeConfig(executor=executor))


@pytest.mark.parametrize("case", sorted(parity.ERROR_CASES))
def test_parity_matrix_errors(case, executor):
    parity.check_error_case(case, RuntimeConfig(executor=executor), True)


def test_parity_matrix_callbacks_and_cache(executor, tmp_path):
    parity.check_callbacks_and_cache(executor, tmp_path)
