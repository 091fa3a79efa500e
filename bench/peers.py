#!/usr/bin/env python3
"""Benchmark of peer Python pipeline libraries: pipefunc, apache-hamilton and
upstream hypernodes (the PyPI package).

Run with the project's virtualenv:

    .venv/bin/python bench/peers.py [--chain-nodes N] [--map-items M] [--quick]

Two cases, each with every library's own sequential mode and, where the
library has one, its own threaded mode:

peer-chain
    A chain of N trivial nodes, v1 = x + 1, v_i = v_{i-1} + 1.  The pipeline
    is built once (build time is reported but not part of the figure), then
    one full run computing v_N is timed, best of R repetitions.  If a library
    cannot run an N-node chain (for example it recurses once per node and
    hits Python's default recursion limit, which is left untouched), the
    largest of N, 200, 100 that works is used and reported as "nodes".

peer-map
    The 3-node shape of the C benchmark, a = x + 1, b = x * 2, total = a + b,
    mapped over M items with the library's own map facility.  Two probe runs
    (500 and 1000 items) check the results and estimate how the cost grows;
    if the requested M would take longer than the time budget, a smaller M
    (never below 10000, or the requested M if that is smaller) is used and
    reported as "items" (so a slow or superlinear mode may exceed the budget
    at the 10000 floor).

Every measurement prints one JSON object per line on stdout; a mode that fails
prints a line with "error" instead and the run goes on.  Results are always
checked (final chain value, every mapped total), so a broken measurement
cannot pass silently.  Progress notes go to stderr.

No library caching is enabled (pipefunc PipeFunc cache=False is the default,
hamilton has no cache unless .with_cache() is used, hypernodes' SeqEngine has
cache=None).  Python's garbage collector is left enabled, as in real use.
"""

from __future__ import annotations

import argparse
import gc
import importlib.metadata
import json
import math
import os
import sys
import time
import traceback
import types
from concurrent.futures import ThreadPoolExecutor

# The repository has a top-level C source folder named "hypernodes"; make sure
# a run started from the repository root cannot pick it up as a namespace
# package instead of the installed upstream library.
_here = os.path.dirname(os.path.abspath(__file__))
_root = os.path.dirname(_here)
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _root]

THREADS = 2  # worker threads for the threaded modes (2-core machine)


# --------------------------------------------------------------------------
# helpers


def emit(obj: dict) -> None:
    print(json.dumps(obj), flush=True)


def note(msg: str) -> None:
    print(f"[peers] {msg}", file=sys.stderr, flush=True)


def dist_version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def error_text(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= 300 else text[:297] + "..."


_module_counter = 0


def make_module(source: str, prefix: str) -> types.ModuleType:
    """exec() generated source into a fresh module registered in sys.modules
    (hamilton discovers functions through inspect.getmodule, which needs the
    module to be importable by name)."""
    global _module_counter
    _module_counter += 1
    name = f"_peers_{prefix}_{_module_counter}"
    mod = types.ModuleType(name)
    sys.modules[name] = mod
    exec(compile(source, f"<{name}>", "exec"), mod.__dict__)
    return mod


def chain_source(n: int) -> str:
    lines = ["def v1(x: int) -> int:\n    return x + 1\n"]
    for i in range(2, n + 1):
        lines.append(f"def v{i}(v{i - 1}: int) -> int:\n    return v{i - 1} + 1\n")
    return "\n".join(lines)


def chain_functions(n: int, prefix: str) -> list:
    mod = make_module(chain_source(n), prefix)
    return [getattr(mod, f"v{i}") for i in range(1, n + 1)]


MAP_SOURCE = """
def a(x: int) -> int:
    return x + 1

def b(x: int) -> int:
    return x * 2

def total(a: int, b: int) -> int:
    return a + b
"""


def map_functions(prefix: str):
    mod = make_module(MAP_SOURCE, prefix)
    return mod.a, mod.b, mod.total


def expected_totals(xs):
    return [3 * x + 1 for x in xs]


# --------------------------------------------------------------------------
# measurement drivers


class Bench:
    def __init__(self, args):
        self.args = args
        self.chain_reps = args.reps
        self.chain_budget = args.chain_budget
        self.map_budget = args.map_budget

    # ---- chain ----------------------------------------------------------

    def chain(self, library: str, version: str, mode: str, build, extra=None):
        """build(n) -> run() callable returning the value of v_n."""
        base = {"case": "peer-chain", "library": library, "version": version,
                "mode": mode}
        if extra:
            base.update(extra)
        requested = self.args.chain_nodes
        candidates = [requested] + [c for c in (200, 100) if c < requested]
        failures = []
        for n in candidates:
            try:
                gc.collect()
                t0 = time.perf_counter()
                run = build(n)
                # a library wrapper may share one (untimed) build between
                # modes and report its original cost on the callable
                build_s = getattr(run, "build_seconds",
                                  time.perf_counter() - t0)
                t0 = time.perf_counter()
                value = run()
                first_s = time.perf_counter() - t0
                if value != n:
                    raise AssertionError(f"chain result {value!r} != {n}")
            except Exception as exc:  # noqa: BLE001 - report and try smaller N
                failures.append(f"N={n}: {error_text(exc)}")
                note(f"{library}/{mode} chain N={n} failed: {error_text(exc)}")
                continue
            try:
                reps = max(1, min(self.chain_reps,
                                  int(self.chain_budget / max(first_s, 1e-9))))
                best = float("inf")
                for _ in range(reps):
                    t0 = time.perf_counter()
                    value = run()
                    dt = time.perf_counter() - t0
                    if value != n:
                        raise AssertionError(f"chain result {value!r} != {n}")
                    best = min(best, dt)
            except Exception as exc:  # noqa: BLE001
                emit({**base, "nodes": n, "error": error_text(exc)})
                return
            out = {**base, "nodes": n, "reps": reps,
                   "seconds_per_run": best, "ns_per_node": best / n * 1e9,
                   "build_seconds": build_s}
            if n != requested:
                out["requested_nodes"] = requested
                out["fallback_reason"] = failures
            emit(out)
            return
        emit({**base, "nodes": requested, "error": "; ".join(failures)})

    # ---- map ------------------------------------------------------------

    def map(self, library: str, version: str, mode: str, build, extra=None):
        """build() -> run(xs) callable returning the list of totals."""
        base = {"case": "peer-map", "library": library, "version": version,
                "mode": mode}
        if extra:
            base.update(extra)
        requested = self.args.map_items
        try:
            run = build()
            # Probe on two small inputs to check correctness and estimate the
            # cost, including how fast it grows with M (some map facilities
            # are superlinear): T(m) ~ T(p2) * (m / p2) ** k.
            p1, p2 = min(requested, 500), min(requested, 1000)
            probe = {}
            for pn in sorted({p1, p2}):
                xs = list(range(pn))
                t0 = time.perf_counter()
                got = run(xs)
                probe[pn] = time.perf_counter() - t0
                if list(got) != expected_totals(xs):
                    raise AssertionError("probe results differ from 3*x+1")
            probe_n = p2
            per_item = probe[p2] / p2
            raw_k = k = 1.0
            if p2 > p1 and probe[p1] > 0:
                raw_k = math.log(probe[p2] / probe[p1]) / math.log(p2 / p1)
                k = 1.0 if raw_k < 1.25 else min(raw_k, 2.5)  # below 1.25: noise

            def predict(n):
                return probe[p2] * (n / p2) ** k

            m = requested
            if predict(m) > self.map_budget:
                floor = min(10_000, requested)
                m = floor
                step = 1000
                while m + step <= requested and predict(m + step) <= self.map_budget:
                    m += step
            xs = list(range(m))
            want = expected_totals(xs)
            best = float("inf")
            reps = 0
            spent = 0.0
            while reps < 3:
                gc.collect()
                t0 = time.perf_counter()
                got = run(xs)
                dt = time.perf_counter() - t0
                got = list(got)
                if len(got) != m or got != want:
                    raise AssertionError("map results differ from 3*x+1")
                best = min(best, dt)
                reps += 1
                spent += dt
                if spent + dt > self.map_budget:
                    break
        except Exception as exc:  # noqa: BLE001
            note(f"{library}/{mode} map failed:\n{traceback.format_exc()}")
            emit({**base, "items": requested, "error": error_text(exc)})
            return
        out = {**base, "items": m, "reps": reps, "seconds": best,
               "us_per_item": best / m * 1e6,
               # per-item cost of the 1000-item probe run and the exponent
               # of T(500) -> T(1000): shows a map cost growing faster than M.
               "probe_items": probe_n, "probe_us_per_item": per_item * 1e6,
               "probe_growth_exponent": round(raw_k, 2)}
        if m != requested:
            out["requested_items"] = requested
        emit(out)


# --------------------------------------------------------------------------
# pipefunc


def bench_pipefunc(bench: Bench) -> None:
    lib = "pipefunc"
    try:
        from pipefunc import PipeFunc, Pipeline
    except Exception as exc:  # noqa: BLE001
        emit({"case": "peer-import", "library": lib, "error": error_text(exc)})
        return
    ver = dist_version("pipefunc")
    pool = ThreadPoolExecutor(max_workers=THREADS)

    pipelines = {}

    def chain_pipeline(n):
        # Construction of a 1000-node pipefunc Pipeline takes tens of seconds;
        # it is untimed, so build each size once and share it between modes.
        if n not in pipelines:
            t0 = time.perf_counter()
            funcs = chain_functions(n, "pipefunc_chain")
            pipeline = Pipeline([PipeFunc(f, output_name=f.__name__)
                                 for f in funcs])
            pipelines[n] = (pipeline, time.perf_counter() - t0)
        return pipelines[n]

    # Pipeline.run (what pipeline("vN", x=0) calls): resolves dependencies
    # recursively from the requested output.
    def build_run(n):
        pipeline, build_s = chain_pipeline(n)
        out = f"v{n}"

        def run():
            return pipeline.run(out, kwargs={"x": 0})
        run.build_seconds = build_s
        return run

    bench.chain(lib, ver, "sequential", build_run,
                {"api": "Pipeline.run(output_name, kwargs=...)"})

    # Pipeline.map without mapspecs: generation-by-generation scheduler.
    def build_map(n, parallel):
        pipeline, build_s = chain_pipeline(n)
        out = f"v{n}"
        kw = {"parallel": False} if not parallel else {"parallel": True,
                                                        "executor": pool}

        def run():
            # no output_names=: with it, every call builds a sub-pipeline
            res = pipeline.map({"x": 0}, show_progress=False, **kw)
            return res[out].output
        run.build_seconds = build_s
        return run

    bench.chain(lib, ver, "sequential-map", lambda n: build_map(n, False),
                {"api": "Pipeline.map(parallel=False)"})
    bench.chain(lib, ver, "threads", lambda n: build_map(n, True),
                {"api": f"Pipeline.map(executor=ThreadPoolExecutor({THREADS}))"})

    # map case: mapspec over x.
    def build_mapcase(parallel):
        fa, fb, ft = map_functions("pipefunc_map")
        pipeline = Pipeline([
            PipeFunc(fa, output_name="a", mapspec="x[i] -> a[i]"),
            PipeFunc(fb, output_name="b", mapspec="x[i] -> b[i]"),
            PipeFunc(ft, output_name="total", mapspec="a[i], b[i] -> total[i]"),
        ])
        kw = {"parallel": False} if not parallel else {"parallel": True,
                                                        "executor": pool}

        def run(xs):
            res = pipeline.map({"x": xs}, show_progress=False, **kw)
            return res["total"].output.tolist()
        return run

    bench.map(lib, ver, "sequential", lambda: build_mapcase(False),
              {"api": "mapspec + Pipeline.map(parallel=False)"})
    bench.map(lib, ver, "threads", lambda: build_mapcase(True),
              {"api": f"mapspec + Pipeline.map(executor=ThreadPoolExecutor({THREADS}))"})
    pool.shutdown()


# --------------------------------------------------------------------------
# hamilton


def bench_hamilton(bench: Bench) -> None:
    lib = "hamilton"
    try:
        from hamilton import driver
        from hamilton.execution import executors
        from hamilton.plugins.h_threadpool import FutureAdapter
    except Exception as exc:  # noqa: BLE001
        emit({"case": "peer-import", "library": lib, "error": error_text(exc)})
        return
    ver = dist_version("apache-hamilton")

    def build_chain(n, threaded):
        mod = make_module(chain_source(n), "hamilton_chain")
        builder = driver.Builder().with_modules(mod)
        if threaded:
            builder = builder.with_adapters(FutureAdapter(max_workers=THREADS))
        dr = builder.build()
        out = f"v{n}"
        return lambda: dr.execute([out], inputs={"x": 0})[out]

    bench.chain(lib, ver, "sequential", lambda n: build_chain(n, False),
                {"api": "Builder().with_modules(m).build(); Driver.execute"})
    bench.chain(lib, ver, "threads", lambda n: build_chain(n, True),
                {"api": f"h_threadpool.FutureAdapter(max_workers={THREADS})"})

    # map, idiom 1: one Driver, execute() once per item.
    def build_loop():
        mod = make_module(MAP_SOURCE, "hamilton_map")
        dr = driver.Builder().with_modules(mod).build()

        def run(xs):
            execute = dr.execute
            return [execute(["total"], inputs={"x": x})["total"] for x in xs]
        return run

    bench.map(lib, ver, "sequential-loop", build_loop,
              {"api": "Driver.execute(['total'], inputs={'x': x}) per item"})

    # map, idiom 2: dynamic execution with Parallelizable[] / Collect[].
    par_source = """
from hamilton.htypes import Collect, Parallelizable

def x(xs: list) -> Parallelizable[int]:
    for item in xs:
        yield item
""" + MAP_SOURCE + """
def totals(total: Collect[int]) -> list:
    return list(total)
"""

    def build_par(remote):
        mod = make_module(par_source, "hamilton_par")
        dr = (driver.Builder()
              .enable_dynamic_execution(allow_experimental_mode=True)
              .with_modules(mod)
              .with_local_executor(executors.SynchronousLocalTaskExecutor())
              .with_remote_executor(remote())
              .build())
        return lambda xs: dr.execute(["totals"], inputs={"xs": xs})["totals"]

    bench.map(lib, ver, "sequential-parallelizable",
              lambda: build_par(executors.SynchronousLocalTaskExecutor),
              {"api": "Parallelizable/Collect, remote SynchronousLocalTaskExecutor"})
    bench.map(lib, ver, "threads",
              lambda: build_par(lambda: executors.MultiThreadingExecutor(max_tasks=THREADS)),
              {"api": f"Parallelizable/Collect, remote MultiThreadingExecutor(max_tasks={THREADS})"})


# --------------------------------------------------------------------------
# upstream hypernodes


def bench_hypernodes(bench: Bench) -> None:
    lib = "hypernodes"
    try:
        import hypernodes
    except Exception as exc:  # noqa: BLE001
        emit({"case": "peer-import", "library": lib, "error": error_text(exc)})
        return
    ver = dist_version("hypernodes")
    # The project ships its own (GLib-based) Python package also named
    # "hypernodes"; make sure the module imported is the PyPI distribution's.
    try:
        dist_init = importlib.metadata.distribution("hypernodes").locate_file(
            "hypernodes/__init__.py")
        upstream = os.path.samefile(str(dist_init), hypernodes.__file__ or "")
    except Exception:  # noqa: BLE001
        upstream = False
    if not upstream:
        emit({"case": "peer-import", "library": lib,
              "error": f"imported hypernodes from {hypernodes.__file__!r}, "
                       "not the installed upstream PyPI package"})
        return
    try:
        from hypernodes import Node, Pipeline, SeqEngine
    except Exception as exc:  # noqa: BLE001
        emit({"case": "peer-import", "library": lib, "error": error_text(exc)})
        return
    try:
        from hypernodes.engines import DaskEngine
        dask_error = None
    except Exception as exc:  # noqa: BLE001 - optional engine, needs dask
        DaskEngine = None
        dask_error = error_text(exc)

    def build_chain(n):
        funcs = chain_functions(n, "hypernodes_chain")
        pipeline = Pipeline(nodes=[Node(f, output_name=f.__name__) for f in funcs],
                            engine=SeqEngine())
        out = f"v{n}"
        return lambda: pipeline.run(inputs={"x": 0}, output_name=out)[out]

    bench.chain(lib, ver, "sequential", build_chain,
                {"api": "Pipeline(nodes, engine=SeqEngine()).run(inputs, output_name)"})
    # hypernodes has no threaded single-run executor: DaskEngine.run()
    # executes the nodes sequentially by design ("no parallelism for single
    # runs"); its threads are used by DaskEngine.map() only.
    emit({"case": "peer-chain", "library": lib, "version": ver, "mode": "threads",
          "skipped": "no threaded single-run engine: DaskEngine.run is sequential"})

    def build_map(engine_factory):
        fa, fb, ft = map_functions("hypernodes_map")
        pipeline = Pipeline(nodes=[Node(fa, output_name="a"),
                                   Node(fb, output_name="b"),
                                   Node(ft, output_name="total")],
                            engine=engine_factory())

        def run(xs):
            res = pipeline.map(inputs={"x": xs}, map_over="x", output_name="total")
            return [r["total"] for r in res]
        return run

    bench.map(lib, ver, "sequential", lambda: build_map(SeqEngine),
              {"api": "Pipeline.map(map_over='x') with SeqEngine"})
    if DaskEngine is None:
        emit({"case": "peer-map", "library": lib, "version": ver, "mode": "threads",
              "error": f"hypernodes.engines.DaskEngine unavailable ({dask_error})"})
    else:
        bench.map(lib, ver, "threads",
                  lambda: build_map(lambda: DaskEngine(scheduler="threads",
                                                       num_workers=THREADS)),
                  {"api": f"Pipeline.map with DaskEngine(scheduler='threads', num_workers={THREADS})",
                   "dask": dist_version("dask")})


# --------------------------------------------------------------------------


LIBRARIES = {
    "pipefunc": bench_pipefunc,
    "hamilton": bench_hamilton,
    "hypernodes": bench_hypernodes,
}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--chain-nodes", type=int, default=None,
                   help="nodes in the chain case (default 1000; 100 with --quick)")
    p.add_argument("--map-items", type=int, default=None,
                   help="items in the map case (default 100000; 2000 with --quick)")
    p.add_argument("--reps", type=int, default=20,
                   help="max repetitions of a chain run (best is reported; default 20)")
    p.add_argument("--chain-budget", type=float, default=None,
                   help="seconds of timed chain runs per mode (default 6; 1 with --quick)")
    p.add_argument("--map-budget", type=float, default=None,
                   help="target seconds for one timed map run (default 15; 2 with --quick)")
    p.add_argument("--quick", action="store_true",
                   help="small sizes (N=100, M=2000), finishes in well under a minute")
    p.add_argument("--library", action="append", choices=sorted(LIBRARIES),
                   help="run only this library (repeatable)")
    args = p.parse_args(argv)
    if args.chain_nodes is None:
        args.chain_nodes = 100 if args.quick else 1000
    if args.map_items is None:
        args.map_items = 2000 if args.quick else 100_000
    if args.chain_budget is None:
        args.chain_budget = 1.0 if args.quick else 6.0
    if args.map_budget is None:
        args.map_budget = 2.0 if args.quick else 15.0
    if args.chain_nodes < 1 or args.map_items < 1:
        p.error("--chain-nodes and --map-items must be positive")

    t0 = time.perf_counter()
    for name in args.library or list(LIBRARIES):
        lt = time.perf_counter()
        try:
            LIBRARIES[name](Bench(args))
        except Exception as exc:  # noqa: BLE001 - keep going with other libraries
            note(traceback.format_exc())
            emit({"case": "peer-library", "library": name, "error": error_text(exc)})
        note(f"{name} done in {time.perf_counter() - lt:.1f} s")
    note(f"total wall time {time.perf_counter() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
