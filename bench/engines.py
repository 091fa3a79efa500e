#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The engine executors against hand-written scripts that do the same with the engine directly,
in the same run: a map of N items (10,000 by default) over a trivial node and over a node that
takes 1 ms, on Dask (a cluster of two worker processes on 127.0.0.1), Ray (a local cluster) and
Daft (native runner). Prints one JSON line per case with both times and their ratio (target:
at most 1.2).

    meson devenv -C _build -w . tests/loopback-only.sh .venv/bin/python bench/engines.py \
        [--items N] [--engines dask,ray,daft]

in the build tree's environment (meson devenv; the engine tests use the same). Ray binds some
services to every interface, hence the loopback-only namespace.
"""

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time


def trivial(x):
    return x * 2


def one_ms(x):
    time.sleep(0.001)
    return x * 2


def best_of_both(ours, direct, repeat):
    """The times of two functions over @repeat rounds, which call them in turn (so that both
    see the same state of the machine): (best, median, result) of each."""
    times = ([], [])
    results = [None, None]
    for _ in range(repeat):
        for i, fn in enumerate((ours, direct)):
            start = time.perf_counter()
            results[i] = fn()
            times[i].append(time.perf_counter() - start)
    return [(min(t), statistics.median(t), r) for t, r in zip(times, results)]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class DaskCluster:
    def __init__(self):
        dask = os.path.join(os.path.dirname(sys.executable), "dask")
        self.temp = tempfile.mkdtemp(prefix="hn-bench-dask-")
        port = free_port()
        self.address = f"tcp://127.0.0.1:{port}"
        log = open(os.path.join(self.temp, "log"), "wb")
        self.procs = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port",
                                        str(port), "--no-dashboard", "--no-show"],
                                       stdout=log, stderr=log, start_new_session=True)]
        self.procs += [subprocess.Popen([dask, "worker", self.address, "--host", "127.0.0.1",
                                         "--nthreads", "1", "--no-dashboard", "--no-nanny",
                                         "--local-directory", os.path.join(self.temp, str(i))],
                                        stdout=log, stderr=log, start_new_session=True)
                       for i in range(2)]
        from distributed import Client

        self.client = Client(self.address, timeout=60, set_as_default=False)
        self.client.wait_for_workers(2, timeout=60)

    def stop(self):
        self.client.close()
        for p in self.procs:
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        shutil.rmtree(self.temp, ignore_errors=True)


def dask_direct(client, func, xs):
    """A chunked client.map, as the executor does (n / (workers x 20) items per task)."""
    size = max(1, -(-len(xs) // (2 * 20)))
    chunks = [xs[i:i + size] for i in range(0, len(xs), size)]

    def run_chunk(chunk):
        return [{"y": func(x)} for x in chunk]

    futures = client.map(run_chunk, chunks, pure=False)
    return [r for chunk in client.gather(futures) for r in chunk]


def ray_direct(ray, func, xs):
    size = min(1000, max(100, -(-len(xs) // 8)))

    @ray.remote
    def run_batch(batch):
        return [{"y": func(x)} for x in batch]

    refs = [run_batch.remote(xs[i:i + size]) for i in range(0, len(xs), size)]
    return [r for batch in ray.get(refs) for r in batch]


def daft_direct(daft, func, xs):
    @daft.func.batch(return_dtype=daft.DataType.int64(), use_process=False)
    def udf(x):
        return [func(v) for v in x.to_pylist()]

    df = daft.from_pydict({"x": xs})
    return [{"y": y} for y in df.with_column("y", udf(df["x"])).select("y").to_pydict()["y"]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=10000)
    parser.add_argument("--engines", default="dask,ray,daft")
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    engines = args.engines.split(",")

    from gi.repository import Hn

    from hypernodes import Pipeline, node

    xs = list(range(args.items))
    expected = [{"y": 2 * x} for x in xs]
    nodes = {"trivial": node(trivial, output_name="y"), "1ms": node(one_ms, output_name="y")}

    def hn(executor, kind):
        pipeline = Pipeline([nodes[kind]]).with_config(Hn.RuntimeConfig(executor=executor))
        return lambda: pipeline.map({"x": xs}, ["x"])

    def measure(engine, ours_of, direct_of):
        for kind, func in (("trivial", trivial), ("1ms", one_ms)):
            ours, direct = ours_of(kind), direct_of(func)
            repeat = args.repeat if kind == "trivial" else 1
            ours()  # warm up: workers started, functions shipped
            direct()
            (t_ours, m_ours, r_ours), (t_direct, m_direct, r_direct) = best_of_both(
                ours, direct, repeat)
            assert r_ours == expected and r_direct == expected, engine
            print(json.dumps({"engine": engine, "node": kind, "items": args.items,
                              "hypernodes_s": round(t_ours, 3), "direct_s": round(t_direct, 3),
                              "us_per_item": round(t_ours / args.items * 1e6, 1),
                              "ratio": round(t_ours / t_direct, 2),
                              "median_ratio": round(m_ours / m_direct, 2)}), flush=True)

    # one engine at a time, stopped before the next one starts: a Dask client and a Ray driver
    # keep threads that run Python code in this process, and would take the GIL from the
    # cases of the other engines
    if "dask" in engines:
        from hypernodes.dask_executor import DaskExecutor

        cluster = DaskCluster()
        executor = DaskExecutor(scheduler_address=cluster.address)
        try:
            measure("dask-cluster", lambda kind: hn(executor, kind),
                    lambda func: lambda: dask_direct(cluster.client, func, xs))
        finally:
            # the executor's own client too (the glue keeps it on the executor)
            client = getattr(executor, "_hn_dask_client", None)
            if client is not None:
                client.close()
            cluster.stop()
    if "ray" in engines:
        import ray

        from hypernodes.ray_executor import RayExecutor

        ray.init(num_cpus=2, include_dashboard=False, object_store_memory=200_000_000,
                 log_to_driver=False)
        try:
            executor = RayExecutor()
            measure("ray", lambda kind: hn(executor, kind),
                    lambda func: lambda: ray_direct(ray, func, xs))
        finally:
            ray.shutdown()
    if "daft" in engines:
        import daft

        from hypernodes.daft_executor import DaftExecutor

        executor = DaftExecutor(runner="local")
        measure("daft-local", lambda kind: hn(executor, kind),
                lambda func: lambda: daft_direct(daft, func, xs))


if __name__ == "__main__":
    main()
