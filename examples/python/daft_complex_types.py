#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The seed's complex-types example, in Python on DaftExecutor: dicts, lists, tuples and floats
flow between nodes and come back as plain Python values."""

from hypernodes import node, Pipeline
from hypernodes.daft_executor import DaftExecutor


@node(output_name="scores")
def scores_of(record: dict) -> list:
    return [float(s) for s in record["scores"]]


@node(output_name=("mean", "best"))
def stats(scores: list):
    if not scores:
        return 0.0, 0.0
    return sum(scores) / len(scores), max(scores)


@node(output_name="report")
def report(record: dict, mean: float) -> tuple:
    badges = [b for b, ok in (("honours", mean >= 90), ("pass", mean >= 50)) if ok]
    return (record["name"], round(mean, 2), badges)


def main():
    pipeline = Pipeline(nodes=[scores_of, stats, report])
    records = [{"name": "ada", "scores": [95.0, 91.5, 99.0]},
               {"name": "bob", "scores": [40.0, 65.0]},
               {"name": "cy", "scores": [0.5]}]
    results = DaftExecutor(runner="local").map_items(
        pipeline, [{"record": r} for r in records], {}, output_name=["report", "best"])
    for r in results:
        print(r)
    assert results[0]["report"] == ("ada", 95.17, ["honours", "pass"])
    assert results[1]["best"] == 65.0


if __name__ == "__main__":
    main()
