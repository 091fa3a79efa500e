#!/usr/bin/env python3
"""hypernodes' Python face (``from hypernodes import node, Pipeline``) on the shapes of
peers.py, with the same functions and the same measurement drivers, so that its figures compare
with those of pipefunc, Hamilton and upstream hypernodes (peers.py, in .venv-bench: upstream
hypernodes has the same import name, hence two processes).

Run with a Python that has gi (Debian's python3-gi), in the build tree's environment (bench/run.py
runs it so):

    meson devenv -C _build -w . python3 bench/python_face.py [--chain-nodes 100] \
        [--map-items 10000]
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import peers  # noqa: E402  (the drivers, functions and JSON output of the peer benchmark)


def bench_hypernodes_glib(bench):
    lib = "hypernodes-glib"
    from hypernodes import Pipeline, node
    from hypernodes.config import RuntimeConfig
    from hypernodes.executor import ThreadPoolExecutor

    version = "checkout"

    def build_chain(n):
        funcs = peers.chain_functions(n, "hn_glib_chain")
        pipeline = Pipeline(nodes=[node(f, output_name=f.__name__) for f in funcs])
        out = f"v{n}"
        return lambda: pipeline.run(inputs={"x": 0}, output_name=out)[out]

    bench.chain(lib, version, "sequential", build_chain,
                {"api": "Pipeline(nodes=[node(f, output_name=...)]).run(inputs, output_name)"})

    def build_map(threads):
        fa, fb, ft = peers.map_functions("hn_glib_map")
        pipeline = Pipeline(nodes=[node(fa, output_name="a"), node(fb, output_name="b"),
                                   node(ft, output_name="total")])
        if threads:
            pipeline = pipeline.with_config(
                RuntimeConfig(executor=ThreadPoolExecutor(max_workers=peers.THREADS)))

        def run(xs):
            res = pipeline.map(inputs={"x": xs}, map_over="x", output_name="total")
            return [r["total"] for r in res]
        return run

    bench.map(lib, version, "sequential", lambda: build_map(False),
              {"api": "Pipeline.map(inputs, map_over='x', output_name='total')"})
    bench.map(lib, version, "threads", lambda: build_map(True),
              {"api": f"Pipeline.map with ThreadPoolExecutor(max_workers={peers.THREADS})"})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chain-nodes", type=int, default=100)
    parser.add_argument("--map-items", type=int, default=10000)
    parser.add_argument("--reps", type=int, default=50)
    args = parser.parse_args()
    args.chain_budget = 10.0
    args.map_budget = 20.0
    bench_hypernodes_glib(peers.Bench(args))


if __name__ == "__main__":
    main()
