# SPDX-License-Identifier: LGPL-2.1-or-later
"""Fixtures for the engine tests: a real local Ray cluster on 127.0.0.1 that the tests start and
stop, and the node module built with the tests."""

import os
import shutil
import socket
import subprocess
import sys
import time

import pytest

BUILD = os.environ.get("HN_BUILD_DIR") or os.path.normpath(
    os.path.join(os.path.dirname(os.environ.get("HN_PYTHON_MODULE", "")), "..", ".."))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ray_command():
    ray = os.path.join(os.path.dirname(sys.executable), "ray")
    if not os.path.exists(ray):
        ray = shutil.which("ray")
    if ray is None:
        pytest.fail("Ray is not installed in this Python (pip install 'daft[ray]'): the engine "
                    "tests need it")
    return ray


@pytest.fixture(scope="session")
def ray_cluster(tmp_path_factory):
    """Starts `ray start --head` on 127.0.0.1 with a small object store and no dashboard; yields
    its address; stops it."""
    ray = ray_command()
    port = free_port()
    temp = tmp_path_factory.mktemp("ray")
    env = dict(os.environ, RAY_USAGE_STATS_ENABLED="0", RAY_AUTH_MODE="disabled")
    cmd = [ray, "start", "--head", "--node-ip-address=127.0.0.1", f"--port={port}",
           "--num-cpus=2", "--num-gpus=0", "--object-store-memory=200000000",
           "--include-dashboard=false", "--disable-usage-stats", f"--temp-dir={temp}",
           f"--ray-client-server-port={free_port()}", f"--node-manager-port={free_port()}",
           f"--object-manager-port={free_port()}", f"--min-worker-port={free_port()}",
           "--max-worker-port=0"]
    started = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180)
    if started.returncode != 0:
        pytest.fail(f"ray start failed:\n{started.stdout}\n{started.stderr}")
    os.environ["RAY_AUTH_MODE"] = "disabled"
    os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
    try:
        yield f"127.0.0.1:{port}"
    finally:
        # this process leaves the cluster before it stops: a driver still connected to a
        # stopped cluster may exit with status 1 when Ray shuts it down at exit
        import ray as ray_module

        if ray_module.is_initialized():
            ray_module.shutdown()
        subprocess.run([ray, "stop", "--force"], env=env, capture_output=True, timeout=120)
        time.sleep(0.5)


@pytest.fixture(scope="session")
def module_path():
    path = os.path.join(BUILD, "tests", "modules", "hn-test-module.so")
    assert os.path.exists(path), f"build the tests first: {path} is missing"
    return path


def dask_command():
    dask = os.path.join(os.path.dirname(sys.executable), "dask")
    if not os.path.exists(dask):
        pytest.fail("Dask is not installed in this Python (pip install 'dask[distributed]'): "
                    "the engine tests need it")
    return dask


class DaskCluster:
    """A `dask scheduler` and two `dask worker` processes (each with its nanny) on 127.0.0.1:
    every listener on loopback, no dashboard."""

    def __init__(self, temp):
        self.dask = dask_command()
        self.port = free_port()
        self.address = f"tcp://127.0.0.1:{self.port}"
        self.temp = temp
        self.logs = []
        self.scheduler = self._spawn("scheduler", [
            self.dask, "scheduler", "--host", "127.0.0.1", "--port", str(self.port),
            "--no-dashboard", "--no-show"])
        self.workers = [self._spawn(f"worker{i}", [
            self.dask, "worker", self.address, "--host", "127.0.0.1", "--nthreads", "1",
            "--nworkers", "1", "--no-dashboard", "--nanny", "--death-timeout", "60",
            "--local-directory", str(temp / f"worker{i}")]) for i in range(2)]

    def _spawn(self, name, cmd):
        log = open(self.temp / f"{name}.log", "wb")
        self.logs.append(log)
        return subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def wait_workers(self, n=2, timeout=60):
        from distributed import Client

        deadline = time.monotonic() + timeout
        with Client(self.address, timeout=timeout, set_as_default=False) as client:
            while len(client.scheduler_info()["workers"]) < n:
                if time.monotonic() > deadline:
                    pytest.fail(f"the Dask cluster has not got {n} workers after {timeout} s: "
                                + self.log_text())
                time.sleep(0.2)
            return client.scheduler_info()["workers"]

    def log_text(self):
        return "\n".join((self.temp / f).read_text(errors="replace")
                         for f in os.listdir(self.temp) if f.endswith(".log"))

    def stop(self):
        for p in self.workers + [self.scheduler]:
            if p.poll() is None:
                os.killpg(p.pid, 15)
        for p in self.workers + [self.scheduler]:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, 9)
                p.wait(timeout=15)
        for log in self.logs:
            log.close()


@pytest.fixture(scope="session")
def dask_cluster(tmp_path_factory):
    cluster = DaskCluster(tmp_path_factory.mktemp("dask"))
    try:
        cluster.wait_workers()
        yield cluster
    finally:
        cluster.stop()
