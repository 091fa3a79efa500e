# SPDX-License-Identifier: LGPL-2.1-or-later
"""Pictures of pipelines: Hn.Pipeline.to_dot() through the typelib and Pipeline.visualize()."""

import os
import shutil
import subprocess

import pytest

from gi.repository import Hn


def dot_program():
    # Graphviz is installed where the tests run (scripts/install-deps.sh): no silent skip.
    dot = shutil.which("dot")
    assert dot is not None, "Graphviz is not installed: run scripts/install-deps.sh"
    return dot


def check_dot(source):
    drawn = subprocess.run([dot_program(), "-Tsvg"], input=source, capture_output=True,
                           text=True)
    assert drawn.returncode == 0 and drawn.stderr == "", drawn.stderr
    return drawn.stdout


@Hn.node(output_name="doubled")
def double(x):
    return x * 2


@Hn.node(output_name="result")
def add(doubled, k):
    return doubled + k


@Hn.node(output_name="final")
def finish(result):
    return result


def nested_pipeline():
    inner = Hn.Pipeline([double, add], name="inner")
    return Hn.Pipeline([inner.bind(k=3).as_node("nested"), finish], name="outer")


def test_flags_have_a_gtype():
    assert Hn.DotFlags.NONE == 0
    assert Hn.DotFlags.COLLAPSE_NESTED | Hn.DotFlags.TYPES == 3
    assert Hn.DotFlags.__gtype__.name == "HnDotFlags"


def test_to_dot_is_valid_dot_with_nodes_edges_and_inputs():
    pipeline = Hn.Pipeline([double, add], name="simple")
    source = Hn.Pipeline.to_dot(pipeline, Hn.DotFlags.NONE)
    assert isinstance(source, str)
    assert source.startswith("digraph pipeline {") and source.rstrip().endswith("}")
    assert "<B>double</B>" in source and "<B>add</B>" in source
    assert "label=<x>" in source and "label=<k>" in source  # root inputs
    assert "-> " in source
    svg = check_dot(source)
    assert "double" in svg and "simple" in svg


def test_nested_pipelines_are_clusters_or_collapsed():
    pipeline = nested_pipeline()
    clusters = pipeline.visualize().source
    assert "subgraph cluster_" in clusters and "<B>double</B>" in clusters
    assert "k = 3" in clusters and "dashed" in clusters
    check_dot(clusters)
    collapsed = pipeline.visualize(collapse=True).source
    assert "subgraph cluster_" not in collapsed and "<B>double</B>" not in collapsed
    assert "<B>nested</B>" in collapsed
    check_dot(collapsed)


def test_bound_inputs_at_the_top_are_marked():
    pipeline = Hn.Pipeline([double, add]).bind(k=2)
    source = pipeline.visualize().source
    assert "k = 2" in source and "bound input" in source
    assert "label=<x>" in source


def test_types_are_shown_with_the_flag():
    @Hn.node(output_name="n", input_types=["s"], output_types=["x"])
    def length(text):
        return len(text)

    pipeline = Hn.Pipeline([length])
    assert " : s" not in Hn.Pipeline.to_dot(pipeline, Hn.DotFlags.NONE)
    typed = Hn.Pipeline.to_dot(pipeline, Hn.DotFlags.TYPES)
    assert "text<FONT" in typed and " : s</FONT>" in typed and " : x</FONT>" in typed
    check_dot(typed)


def test_names_are_escaped():
    @Hn.node(output_name='out "put" <&>', name='a "node" {with} <odd> & \\ |names|')
    def odd(x):
        return x

    source = Hn.Pipeline([odd]).visualize().source
    assert "a &quot;node&quot; {with} &lt;odd&gt; &amp; \\ |names|" in source
    check_dot(source)


def test_visualize_renders_svg_png_and_saves(tmp_path):
    dot_program()
    picture = nested_pipeline().visualize()
    svg = picture._repr_svg_()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    picture.save(tmp_path / "p.png", "png")
    assert (tmp_path / "p.png").read_bytes().startswith(b"\x89PNG")
    picture.save(tmp_path / "p.dot", "dot")
    assert (tmp_path / "p.dot").read_text() == picture.source
    nested_pipeline().visualize(path=tmp_path / "q.svg")
    assert "<svg" in (tmp_path / "q.svg").read_text()
    with pytest.raises(ValueError):
        picture.render("gif")


def test_visualize_without_graphviz_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    picture = nested_pipeline().visualize()
    assert picture.source.startswith("digraph")  # the DOT text needs no Graphviz
    with pytest.raises(RuntimeError, match="Graphviz is not installed"):
        picture._repr_svg_()
    with pytest.raises(RuntimeError, match="Graphviz is not installed"):
        picture.save(tmp_path / "p.svg")
    assert not os.path.exists(tmp_path / "p.svg")


BUILD = os.environ.get("HN_BUILD_DIR") or os.path.join(os.path.dirname(__file__), "..", "..",
                                                       "_build")
SOURCE = os.path.join(os.path.dirname(__file__), "..", "..")


def test_readme_picture_is_the_main_example_pipeline():
    hello = os.path.join(BUILD, "examples", "hn-hello")
    if not os.path.exists(hello):
        pytest.skip("the examples are not built (-Dexamples=false)")
    source = subprocess.run([hello, "--dot"], capture_output=True, text=True, check=True).stdout
    check_dot(source)
    readme = open(os.path.join(SOURCE, "README.md")).read()
    assert "](doc/images/hello.svg)" in readme
    svg = open(os.path.join(SOURCE, "doc", "images", "hello.svg")).read()
    assert "<svg" in svg
    # the committed picture is of this pipeline (doc/images/update.sh redraws it)
    for name in ["text", "tokenize", "words", "measure", "word_count", "longest", "summarize",
                 "summary"]:
        assert f">{name}<" in svg and f">{name}<" in check_dot(source), name
