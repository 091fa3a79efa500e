#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The double/add_one pipeline from Python: run, selective outputs, a map, an error."""

from gi.repository import GLib

from hypernodes import node, Pipeline


@node(output_name="doubled")
def double(x: int) -> int:
    return x * 2


@node(output_name="result")
def add_one(doubled: int) -> int:
    return doubled + 1


def main():
    pipeline = Pipeline(nodes=[double, add_one])

    result = pipeline.run({"x": 5})
    print("run x=5:", result)
    assert result == {"doubled": 10, "result": 11}

    only = pipeline.run({"x": 5}, output_name="doubled")
    print("only doubled:", only)
    assert only == {"doubled": 10}

    items = pipeline.map({"x": [1, 2, 3, 4]}, ["x"])
    print("map:", [item["result"] for item in items])
    assert [item["result"] for item in items] == [3, 5, 7, 9]

    try:
        pipeline.run({})
    except GLib.Error as e:
        print("error:", e.message)
        assert "Missing input “x”" in e.message
    else:
        raise AssertionError("a run without x must fail")


if __name__ == "__main__":
    main()
