# SPDX-License-Identifier: LGPL-2.1-or-later
"""HnRayExecutor against a local Ray cluster the tests start (conftest.ray_cluster), in a network
namespace with loopback only: the parity matrix against the sequential executor, where nodes
run, errors, a cluster shared with Daft on Ray, and a worker killed in the middle of a map."""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
import ray  # noqa: F401  (a missing engine fails the tests, it does not skip them)
from gi.repository import GLib, Hn

import parity
import unpicklable
from hypernodes import node, Pipeline
from hypernodes.config import RuntimeConfig
from hypernodes.ray_executor import RayExecutor


@pytest.fixture(scope="module")
def executor(ray_cluster):
    return RayExecutor(ray_address=ray_cluster)


def config(executor, **kwargs):
    return RuntimeConfig(executor=executor, **kwargs)


def test_unpicklable_value_is_named(executor):
    unpicklable.check(config(executor))


def test_cluster_is_reachable_on_loopback_only():
    import socket

    assert [name for _, name in socket.if_nameindex()] == ["lo"]


@pytest.mark.parametrize("case", sorted(parity.CASES))
def test_parity(executor, case):
    parity.check_case(case, config(executor))


@pytest.mark.parametrize("case", sorted(parity.ERROR_CASES))
def test_parity_errors(executor, case):
    parity.check_error_case(case, config(executor), True)


def test_callbacks_and_cache(executor, tmp_path):
    parity.check_callbacks_and_cache(executor, tmp_path)


@node(output_name="pid")
def where(x):
    return os.getpid()


def test_nodes_run_in_ray_workers(executor):
    results = Pipeline([where]).with_config(config(executor)).map({"x": list(range(300))}, ["x"])
    assert len(results) == 300 and all(r["pid"] != os.getpid() for r in results)
    assert Pipeline([where]).with_config(config(executor)).run({"x": 1})["pid"] != os.getpid()


def test_c_nodes_from_a_module(executor, module_path):
    module = Hn.Module.load(module_path)
    results = executor.map_items(module.get_pipeline("double_add_one"),
                                 [{"x": i} for i in range(5)], {})
    assert results == [{"doubled": 2 * i, "result": 2 * i + 1} for i in range(5)]
    with pytest.raises(GLib.Error) as info:
        executor.map_items(Pipeline(nodes=[module.get_node("square")]), [{"x": 1}, {"x": -4}], {})
    assert info.value.message == "Node “square” failed on item 1: negative input -4"


def test_resources_per_task(ray_cluster):
    """num-cpus and num-gpus are reserved per task; a task that asks for more than the cluster
    has fails clearly instead of waiting for ever."""
    executor = RayExecutor(ray_address=ray_cluster, num_cpus=0.5, num_gpus=0)
    assert executor.get_num_cpus() == 0.5
    assert Pipeline([parity.double]).with_config(config(executor)).run({"x": 2}) == {"doubled": 4}
    for kwargs, what in (({"num_cpus": 64}, "64 CPU"), ({"num_gpus": 1}, "1 GPU")):
        with pytest.raises(GLib.Error) as info:
            Pipeline([parity.double]).with_config(config(
                RayExecutor(ray_address=ray_cluster, **kwargs))).run({"x": 2})
        assert info.value.code == Hn.ExecutorError.ENGINE_FAILED
        assert f"asks for {what} per task" in info.value.message


def test_shares_the_cluster_with_daft_on_ray(executor, ray_cluster):
    """Ray is initialized once; Daft's Ray runner in the same process uses that cluster."""
    from hypernodes.daft_executor import DaftExecutor

    Pipeline([parity.double]).with_config(config(executor)).run({"x": 1})
    daft = DaftExecutor(runner="ray", ray_address=ray_cluster)
    pipeline = Pipeline([parity.double, parity.add_one])
    inputs = {"x": list(range(20))}
    assert pipeline.with_config(config(daft)).map(inputs, ["x"]) == pipeline.map(inputs, ["x"])
    assert pipeline.with_config(config(executor)).map(inputs, ["x"]) == pipeline.map(inputs,
                                                                                     ["x"])


def test_unreachable_address_fails_in_bounded_time():
    """In a process of its own: Ray is initialized once per process."""
    code = ("import time\n"
            "from gi.repository import GLib, Hn\n"
            "from hypernodes import Pipeline, node\n"
            "from hypernodes.ray_executor import RayExecutor\n"
            "p = Pipeline([node(lambda x: x, output_name='y', name='same')])\n"
            "ex = RayExecutor(ray_address='127.0.0.1:1', connect_timeout=2)\n"
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
    assert message.startswith("Cannot reach the Ray cluster at 127.0.0.1:1 within 2 s")


def test_c_program_uses_the_cli_spelling(ray_cluster, module_path):
    hn = os.path.join(os.environ["HN_BUILD_DIR"], "tools", "hn")
    out = subprocess.run([hn, "map", module_path, "double_add_one", "--over", "x", "x=[1, 2, 3]",
                          "-o", "result", "-e", f"ray@{ray_cluster}"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["{'result': <int64 3>}", "{'result': <int64 5>}",
                                       "{'result': <int64 7>}"]


def test_a_worker_killed_mid_map_is_retried(executor, tmp_path):
    """A Ray worker dies in the middle of a map (SIGKILL): Ray runs its task again
    (max-retries) and the map completes with every item right."""
    marks = str(tmp_path)

    @node(output_name="y")
    def slow(x):
        with open(os.path.join(marks, str(os.getpid())), "a"):
            pass
        time.sleep(0.01)
        return x * 2

    killed = []

    def kill_one():
        deadline = time.monotonic() + 60
        while not os.listdir(marks) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        pid = int(os.listdir(marks)[0])
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    killer = threading.Thread(target=kill_one)
    killer.start()
    try:
        results = Pipeline([slow]).with_config(config(executor)).map({"x": list(range(400))},
                                                                      ["x"])
    finally:
        killer.join(timeout=90)
    assert killed
    assert results == [{"y": 2 * i} for i in range(400)]


def test_a_task_whose_workers_keep_dying_fails_clearly(ray_cluster):
    @node(output_name="y")
    def die(x):
        os.kill(os.getpid(), signal.SIGKILL)

    executor = RayExecutor(ray_address=ray_cluster, max_retries=1)
    with pytest.raises(GLib.Error) as info:
        Pipeline([die]).with_config(config(executor)).map({"x": [1, 2]}, ["x"])
    assert (info.value.domain, info.value.code) == ("hn-executor-error-quark",
                                                    Hn.ExecutorError.ENGINE_FAILED)
    assert "The ray engine failed" in info.value.message


def test_no_address_starts_a_local_cluster():
    """In a process of its own: without an address, the executor starts a local cluster."""
    code = ("import os\n"
            "from gi.repository import Hn\n"
            "from hypernodes import Pipeline, node\n"
            "from hypernodes.ray_executor import RayExecutor\n"
            "p = Pipeline([node(lambda x: (x + 1, os.getpid()), output_name=('y', 'pid'),\n"
            "                   name='inc')])\n"
            "out = p.with_config(Hn.RuntimeConfig(executor=RayExecutor())).map(\n"
            "    {'x': [1, 2, 3]}, ['x'])\n"
            "print([r['y'] for r in out], all(r['pid'] != os.getpid() for r in out))\n")
    env = dict(os.environ)
    env.pop("RAY_ADDRESS", None)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, env=env)
    assert out.stdout.strip().splitlines()[-1] == "[2, 3, 4] True", out.stderr


def test_cancel_during_map(executor):
    parity.check_cancel(executor)


def test_a_node_whose_module_workers_cannot_import(executor, tmp_path, monkeypatch):
    """A node's function travels by reference to its module: a worker that cannot import the
    module fails the run with NOT_SHIPPABLE naming the node and the module, not as a missing
    engine."""
    (tmp_path / "only_here.py").write_text("def twice(x):\n    return 2 * x\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import only_here

    from hypernodes.callbacks import PipelineCallback

    class Errors(PipelineCallback):
        def __init__(self):
            super().__init__()
            self.errors = []

        def on_node_end(self, node_id, outputs, duration, ctx):
            pass

        def on_error(self, node_id, error, ctx):
            self.errors.append(node_id)

    twice = node(only_here.twice, output_name="y")
    recorder = Errors()
    # with callbacks that want node events too, which bring the worker's events back
    for callbacks in (None, [recorder]):
        pipeline = Pipeline([twice]).with_config(config(executor, callbacks=callbacks))
        with pytest.raises(GLib.Error) as info:
            pipeline.map({"x": [1, 2, 3]}, ["x"])
        assert (info.value.domain, info.value.code) == ("hn-executor-error-quark",
                                                        Hn.ExecutorError.NOT_SHIPPABLE)
        assert "“twice”" in info.value.message and "only_here" in info.value.message
    assert recorder.errors == ["twice"]


@pytest.mark.parametrize("shared", [7, b"\x01" * 100_000], ids=["small", "large"])
def test_large_program_and_shared_inputs(executor, shared):
    """A program too large to travel in every task (a node closing over 200 kB) and shared
    inputs small and large (large ones go through the object store): the results are the
    sequential executor's."""
    table = bytes(range(256)) * 800

    @node(output_name="y")
    def look_up(x, offset):
        step = offset if isinstance(offset, int) else len(offset)
        return table[(x + step) % len(table)]

    pipeline = Pipeline([look_up])
    inputs = {"x": list(range(2500)), "offset": shared}
    expected = pipeline.with_config(config(Hn.SequentialExecutor())).map(inputs, ["x"])
    assert pipeline.with_config(config(executor)).map(inputs, ["x"]) == expected
    # a single run, and a small program
    assert pipeline.with_config(config(executor)).run(
        {"x": 3, "offset": shared}) == pipeline.run({"x": 3, "offset": shared})
    assert Pipeline([node(lambda x: x + 1, output_name="y")]).with_config(
        config(executor)).map({"x": [1, 2]}, ["x"]) == [{"y": 2}, {"y": 3}]
