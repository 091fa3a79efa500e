#!/usr/bin/env python3
"""hypernodes through PyGObject: the chain and map shapes of peers.py, with Python functions as
nodes, so the figure compares like with like against the Python libraries. Run with a Python that
has gi (Debian's python3-gi) and GI_TYPELIB_PATH / LD_LIBRARY_PATH pointing at the build, without
the Python package on PYTHONPATH (its override would replace the plain API): bench/run.py runs it
so."""

import argparse
import json
import time

import gi

gi.require_version("Hn", "1")
from gi.repository import GLib, Hn  # noqa: E402


def add_one(args, *_):
    return GLib.Variant("x", args[0].get_int64() + 1)


def chain(n, reps):
    nodes = [Hn.FunctionNode.new(f"n{i}", ["x" if i == 1 else f"v{i - 1}"], [f"v{i}"], add_one)
             for i in range(1, n + 1)]
    pipeline = Hn.Pipeline.new(nodes)
    best = float("inf")
    for r in range(reps):
        inputs = GLib.Variant("a{sv}", {"x": GLib.Variant("x", r)})
        start = time.perf_counter()
        result = pipeline.run(inputs, [f"v{n}"], None)
        best = min(best, time.perf_counter() - start)
        assert result.unpack()[f"v{n}"] == r + n
    print(json.dumps({"case": "hn-python-chain", "nodes": n, "seconds_per_run": best,
                      "ns_per_node": best / n * 1e9}))


def map_items(m, executor_name):
    def a(args, *_):
        return GLib.Variant("x", args[0].get_int64() + 1)

    def b(args, *_):
        return GLib.Variant("x", args[0].get_int64() * 2)

    def total(args, *_):
        return GLib.Variant("x", args[0].get_int64() + args[1].get_int64())

    pipeline = Hn.Pipeline.new([Hn.FunctionNode.new("a", ["x"], ["a"], a),
                                Hn.FunctionNode.new("b", ["x"], ["b"], b),
                                Hn.FunctionNode.new("total", ["a", "b"], ["total"], total)])
    executor = (Hn.SequentialExecutor.new() if executor_name == "sequential"
                else Hn.ThreadPoolExecutor.new(0))
    pipeline = pipeline.with_config(Hn.RuntimeConfig.new(None, executor))
    inputs = GLib.Variant("a{sv}", {"x": GLib.Variant("ax", list(range(m)))})
    start = time.perf_counter()
    results = pipeline.map(inputs, ["x"], Hn.MapMode.ZIP, ["total"], None)
    elapsed = time.perf_counter() - start
    assert results.get_child_value(m - 1).lookup_value("total").get_int64() == 3 * (m - 1) + 1
    print(json.dumps({"case": "hn-python-map", "mode": executor_name, "items": m,
                      "seconds": elapsed, "us_per_item": elapsed / m * 1e6}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--chain-nodes", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--map-items", type=int, default=100000)
    args = parser.parse_args()
    chain(args.chain_nodes, args.reps)
    map_items(args.map_items, "sequential")
    map_items(args.map_items, "thread-pool")


if __name__ == "__main__":
    main()
