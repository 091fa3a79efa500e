# SPDX-License-Identifier: LGPL-2.1-or-later
"""HnDaftExecutor on Daft's native runner beyond the seed's scenarios: settings, types, maps and
errors, each checked against the sequential executor."""

import pytest
from gi.repository import GLib, Hn

import parity
import unpicklable
from hypernodes import node, Pipeline
from hypernodes.daft_executor import DaftExecutor


@node(output_name=("quotient", "remainder"))
def divmod_node(a, b):
    return divmod(a, b)


@node(output_name="label")
def label(quotient, remainder):
    return f"{quotient}r{remainder}"


@node(output_name="stats")
def stats(values):
    return {"n": len(values), "total": sum(values), "names": [str(v) for v in values]}


def daft_config(**kwargs):
    return Hn.RuntimeConfig(None, DaftExecutor(runner="local", **kwargs))


def both(pipeline, method, *args, **kwargs):
    """The result on Daft, after checking it equals the sequential executor's."""
    expected = getattr(pipeline, method)(*args, **kwargs)
    got = getattr(pipeline.with_config(daft_config()), method)(*args, **kwargs)
    assert got == expected
    return got


def test_unpicklable_value_is_named():
    # Daft's columns hold Python objects pickled, even on its native runner
    unpicklable.check(daft_config())


def test_multi_output_and_product_map():
    pipeline = Pipeline(nodes=[divmod_node, label])
    results = both(pipeline, "map", {"a": [7, 9], "b": [2, 4]}, ["a", "b"], mode="product")
    assert [r["label"] for r in results] == ["3r1", "1r3", "4r1", "2r1"]


def test_complex_values_travel_as_variants():
    results = both(Pipeline(nodes=[stats]), "map", {"values": [[1, 2], [3], []]}, ["values"])
    assert results[0]["stats"] == {"n": 2, "total": 3, "names": ["1", "2"]}
    assert results[2]["stats"]["n"] == 0


def test_typed_c_nodes_use_native_dtypes():
    def words(args, *rest):
        return GLib.Variant("as", args[0].get_string().split())

    def count(args, *rest):
        return GLib.Variant("(xd)", (len(args[0].unpack()), 0.5))

    a = Hn.FunctionNode.new_full("words", ["text"], ["s"], ["words"], ["as"], words)
    b = Hn.FunctionNode.new_full("count", ["words"], ["as"], ["n", "half"], ["x", "d"], count)
    results = both(Pipeline(nodes=[a, b]), "map", {"text": ["a b c", "d"]}, ["text"])
    assert results == [{"words": ["a", "b", "c"], "n": 3, "half": 0.5},
                       {"words": ["d"], "n": 1, "half": 0.5}]


def test_collect_false_streams_the_same_results():
    pipeline = Pipeline(nodes=[divmod_node])
    inputs = {"a": list(range(50)), "b": 7}
    streamed = pipeline.with_config(daft_config(collect=False)).map(inputs, ["a"])
    assert streamed == pipeline.map(inputs, ["a"])


def test_show_plan_prints_daft_plan(capfd):
    Pipeline(nodes=[divmod_node]).with_config(daft_config(show_plan=True)).run({"a": 5, "b": 2})
    out = capfd.readouterr().out
    assert "Plan" in out and "udf" in out.lower()


def test_empty_map():
    assert both(Pipeline(nodes=[divmod_node]), "map", {"a": [], "b": 1}, ["a"]) == []


def test_bad_input_errors_match_the_core():
    pipeline = Pipeline(nodes=[divmod_node]).with_config(daft_config())
    with pytest.raises(GLib.Error) as info:
        pipeline.run({"a": 1})
    assert (info.value.domain, info.value.code) == ("hn-pipeline-error-quark",
                                                    Hn.PipelineError.MISSING_INPUT)
    assert info.value.message == "Missing input “b”"
    # names no node uses are ignored, as by the built-in executors
    core = Pipeline(nodes=[divmod_node]).run({"a": 7, "b": 2, "c": 3})
    assert pipeline.run({"a": 7, "b": 2, "c": 3}) == core
    with pytest.raises(ZeroDivisionError, match="integer division or modulo by zero") as info:
        pipeline.run({"a": 1, "b": 0})
    assert info.value.__notes__ == ["hypernodes: Node “divmod_node” failed"]


def test_bad_result_type_is_reported():
    def wrong(args, *rest):
        return GLib.Variant("s", "not a number")

    bad = Hn.FunctionNode.new_full("bad", ["x"], ["x"], ["y"], ["x"], wrong)
    pipeline = Pipeline(nodes=[bad])
    for p in (pipeline, pipeline.with_config(daft_config())):
        with pytest.raises(GLib.Error) as info:
            p.map({"x": [1, 2]}, ["x"])
        assert info.value.code == Hn.NodeError.INVALID_RESULT
        assert info.value.message == "Node “bad” on item 0: returned type “s” for output “y”, " \
                                     "declared as “x”"


def test_debug_logs_in_the_hn_daft_domain(capfd, monkeypatch):
    monkeypatch.setenv("G_MESSAGES_DEBUG", "Hn-Daft")
    Pipeline(nodes=[divmod_node]).with_config(daft_config(debug=True)).run({"a": 5, "b": 2})
    captured = capfd.readouterr()
    assert "node divmod_node: ['a', 'b'] -> ['quotient', 'remainder']" in captured.out + captured.err


def nested_pipeline():
    """A nested pipeline with mappings, a bound input, and one mapped over a list."""
    @node(output_name="scaled")
    def scale(x, factor):
        return x * factor

    inner = Pipeline([scale], name="inner").bind(factor=3)
    each = Pipeline([scale]).as_node(name="each", input_mapping={"xs": "x"},
                                     output_mapping={"scaled": "all_scaled"}, map_over="xs")
    return Pipeline([inner.as_node(input_mapping={"a": "x"}), each,
                     node(lambda scaled, all_scaled: scaled + sum(all_scaled), output_name="total",
                          name="total")])


def test_nested_and_bound_pipelines():
    pipeline = nested_pipeline()
    got = both(pipeline, "run", {"a": 2, "xs": [1, 2], "factor": 10})
    assert got == {"scaled": 6, "all_scaled": [10, 20], "total": 36}
    items = both(pipeline, "map", {"a": [1, 2], "xs": [1], "factor": 2}, map_over="a")
    assert [i["total"] for i in items] == [5, 8]


def test_nested_error_names_path():
    @node(output_name="y")
    def boom(x):
        raise RuntimeError("boom")

    pipeline = Pipeline([Pipeline([boom]).as_node(name="inner")]).with_config(daft_config())
    with pytest.raises(RuntimeError, match="^boom$") as info:
        pipeline.run({"x": 1})
    assert info.value.__notes__ == ["hypernodes: Node “inner › boom” failed"]


def test_retries_on_daft():
    calls = []

    @node(output_name="y")
    def flaky(x):
        calls.append(x)
        if len(calls) % 2:
            raise RuntimeError("flaky")
        return x + 1

    config = Hn.RuntimeConfig(None, DaftExecutor(runner="local"), retries=1)
    assert Pipeline([flaky]).with_config(config).run({"x": 1}) == {"y": 2}
    assert len(calls) == 2


def test_callbacks_and_cache_on_daft():
    """Daft's native runner calls nodes in this process, through the library's invocation path:
    the host's callbacks see every call, and the cache is used."""
    from hypernodes.cache import MemoryCache
    from hypernodes.callbacks import PipelineCallback

    class Recorder(PipelineCallback):
        def __init__(self):
            super().__init__()
            self.ends, self.cached = [], []

        def on_node_end(self, node_id, outputs, duration, ctx):
            self.ends.append((node_id, outputs))

        def on_node_cached(self, node_id, signature, ctx):
            self.cached.append(node_id)

    calls = []

    @node(output_name="y")
    def inc(x):
        calls.append(x)
        return x + 1

    rec = Recorder()
    config = Hn.RuntimeConfig(None, DaftExecutor(runner="local"), cache=MemoryCache(),
                              callbacks=[rec])
    pipeline = Pipeline([inc]).with_config(config)
    assert pipeline.map({"x": [1, 2, 3]}, map_over="x") == [{"y": 2}, {"y": 3}, {"y": 4}]
    assert sorted(o["y"] for n, o in rec.ends) == [2, 3, 4]
    assert pipeline.map({"x": [1, 2, 3, 4]}, map_over="x")[-1] == {"y": 5}
    assert sorted(calls) == [1, 2, 3, 4]
    assert rec.cached == ["inc"] * 3


@pytest.mark.parametrize("case", sorted(parity.CASES))
def test_parity_matrix(case):
    """The shared parity matrix of the engine executors (parity.py)."""
    parity.check_case(case, daft_config())


@pytest.mark.parametrize("case", sorted(parity.ERROR_CASES))
def test_parity_matrix_errors(case):
    parity.check_error_case(case, daft_config(), False)


def test_parity_matrix_callbacks_and_cache(tmp_path):
    parity.check_callbacks_and_cache(DaftExecutor(runner="local"), tmp_path)
