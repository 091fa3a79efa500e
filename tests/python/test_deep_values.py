# SPDX-License-Identifier: LGPL-2.1-or-later
"""Values nested deeper than the C stack can follow never crash the process.

A list nested 50,000 deep used to overflow the C stack (SIGSEGV) wherever it had to become data:
a cache key, a callback's view of the inputs, bind(), the items of map_items(). Each case runs in
a child interpreter, so that a crash fails the test instead of the whole test session.
"""

import os
import subprocess
import sys
import textwrap

import pytest

PRELUDE = textwrap.dedent("""
    import sys
    from hypernodes import node, Pipeline
    from hypernodes.cache import MemoryCache, DiskCache
    from hypernodes.callbacks import PipelineCallback
    from hypernodes.executor import SequentialExecutor

    deep = []
    for _ in range(50_000):
        deep = [deep]

    def depth(v):
        n = 0
        while v:
            v, n = v[0], n + 1
        return n

    calls = []

    @node(output_name="n")
    def measure(x):
        calls.append(1)
        return depth(x)
""")


def run(body, tmp_path):
    script = tmp_path / "case.py"
    script.write_text(PRELUDE + textwrap.dedent(body))
    out = subprocess.run([sys.executable, str(script), str(tmp_path)], capture_output=True,
                         text=True, timeout=120, env=dict(os.environ))
    assert out.returncode == 0, f"exit {out.returncode}\n{out.stdout}\n{out.stderr}"
    return out.stdout


@pytest.mark.parametrize("cache", ["MemoryCache()", "DiskCache(sys.argv[1] + '/cache')"])
def test_cache_key_of_a_deep_value(tmp_path, cache):
    # the call has no cache key: it runs, uncached, each time
    said = run(f"""
        pipeline = Pipeline(nodes=[measure], cache={cache})
        assert pipeline.run({{"x": deep}}) == {{"n": 50_000}}
        assert pipeline.run({{"x": deep}}) == {{"n": 50_000}}
        print(len(calls))
    """, tmp_path)
    assert said.split() == ["2"]


def test_callback_sees_a_deep_value(tmp_path):
    said = run("""
        class Seen(PipelineCallback):
            def __init__(self):
                super().__init__()
                self.starts = []

            def on_node_start(self, node_id, inputs, ctx):
                self.starts.append(node_id)

        seen = Seen()
        assert Pipeline(nodes=[measure], callbacks=[seen]).run({"x": deep}) == {"n": 50_000}
        print(seen.starts)
    """, tmp_path)
    assert said.strip() == "['measure']"


def test_bind_a_deep_value(tmp_path):
    said = run("""
        try:
            bound = Pipeline(nodes=[measure]).bind(x=deep)
        except RecursionError as e:
            print("RecursionError", "nested" in str(e))
        else:
            print(bound.run({}))
    """, tmp_path)
    assert said.strip() in ("RecursionError True", "{'n': 50000}")


def test_map_items_of_a_deep_value(tmp_path):
    said = run("""
        pipeline = Pipeline(nodes=[measure])
        try:
            result = SequentialExecutor().map_items(pipeline, [{"x": deep}, {"x": [1]}], {})
        except RecursionError as e:
            print("RecursionError", "nested" in str(e))
        else:
            print(result)
    """, tmp_path)
    assert said.strip() in ("RecursionError True", "[{'n': 50000}, {'n': 1}]")


def test_to_data_of_a_deep_value(tmp_path):
    said = run("""
        from hypernodes import _native
        try:
            _native.to_data(deep, None)
        except RecursionError as e:
            print("RecursionError")
        shallow = [[[1, 2]]]
        print(_native.from_data(*_native.to_data(shallow, None)) == shallow)
    """, tmp_path)
    assert said.split() == ["RecursionError", "True"]
