# SPDX-License-Identifier: LGPL-2.1-or-later
"""The hn command-line tool, on the node module built with the tests."""

import json
import os
import re
import shutil
import subprocess

import pytest

BUILD = os.environ.get("HN_BUILD_DIR") or os.path.join(os.path.dirname(__file__), "..", "..",
                                                       "_build")
HN = os.path.join(BUILD, "tools", "hn")
MODULE = os.path.join(BUILD, "tests", "modules", "hn-test-module.so")
CLI_MODULE = os.path.join(BUILD, "tests", "modules", "hn-cli-module.so")
SOURCE = os.path.join(os.path.dirname(__file__), "..", "..")


def hn(*args, env=None):
    return subprocess.run([HN, *args], capture_output=True, text=True, timeout=60, env=env)


def dot_program():
    # Graphviz is installed where the tests run (scripts/install-deps.sh): no silent skip.
    dot = shutil.which("dot")
    assert dot is not None, "Graphviz is not installed: run scripts/install-deps.sh"
    return dot


def without_graphviz():
    env = dict(os.environ)
    env["PATH"] = "/nonexistent"
    return env


def test_info():
    out = hn("info", MODULE)
    assert out.returncode == 0
    assert "nodes: double, add_one, square" in out.stdout
    assert "pipelines: double_add_one" in out.stdout
    out = hn("info", MODULE, "double_add_one")
    assert "inputs: x" in out.stdout and "outputs: doubled, result" in out.stdout


@pytest.mark.parametrize("executor", ["sequential", "thread-pool:2", "async:4"])
def test_run_parses_inputs_with_the_declared_type(executor):
    out = hn("run", MODULE, "double_add_one", "x=5", "-e", executor)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "{'doubled': <int64 10>, 'result': <int64 11>}"


def test_run_selected_output():
    out = hn("run", MODULE, "double_add_one", "x=5", "-o", "doubled")
    assert out.stdout.strip() == "{'doubled': <int64 10>}"


def test_map():
    out = hn("map", MODULE, "double_add_one", "--over", "x", "x=[1, 2, 3]", "-o", "result")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["{'result': <int64 3>}", "{'result': <int64 5>}",
                                       "{'result': <int64 7>}"]


# Failures of the work: exit status 1.
@pytest.mark.parametrize("args, message", [
    (["run", "/nonexistent.so", "p"], "hn: No node module at “/nonexistent.so”"),
    (["run", MODULE, "nope"], "has no pipeline “nope” (its pipelines: double_add_one)"),
    (["run", MODULE, "double_add_one"],
     "hn: Missing input “x”; give inputs as NAME=VALUE (this pipeline takes x: x)"),
    (["run", MODULE, "double_add_one", "x=1", "-o", "zz"], "No node produces the requested"),
    (["run", MODULE, "square", "x=-1"], "has no pipeline"),
    (["run", MODULE, "\udcfe", "x=5"], "has no pipeline “\ufffd”"),
    (["map", MODULE, "double_add_one", "--over", "x", "x=[1, 2]", "-e", "thread-pool:2", "-o",
      "nope"], "No node produces the requested"),
    (["info", MODULE, "nope"], "has no pipeline “nope”"),
    (["inspect", "/nonexistent.so"], "No node module at"),
    (["graph", MODULE, "nope"], "has no pipeline “nope”"),
    (["run", CLI_MODULE, "flaky", "x=1"], "hn: Node “flaky” failed: busy, try again"),
    (["run", CLI_MODULE, "nap", "seconds=1.0", "--timeout", "0.1"],
     "took longer than its timeout of 0.1 s; node “nap” was running"),
    (["run", CLI_MODULE, "greet", "text='x'", "--trace", "/nonexistent/trace.json"],
     "hn: Cannot write the trace to /nonexistent/trace.json: "),
    (["map", MODULE, "double_add_one", "--items", "/nonexistent.jsonl"],
     "hn: Cannot read the items: "),
])
def test_failures_are_one_clear_line_and_exit_1(args, message):
    out = hn(*args)
    assert out.returncode == 1, out.stderr
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "CRITICAL" not in out.stderr and "WARNING" not in out.stderr


# A wrong command line: exit status 2.
@pytest.mark.parametrize("args, message", [
    (["run", MODULE, "double_add_one", "x='five'"], "Input “x”: "),
    (["run", MODULE, "double_add_one", "x=1", "-e", "daft:moon"], "Invalid Daft runner “moon”"),
    (["run", MODULE, "double_add_one", "x=1", "-e", "gpu"], "Unknown executor “gpu”"),
    (["run", MODULE, "double_add_one", "oops"], "“oops” is not an input: write NAME=VALUE"),
    # an empty executor used to crash the spec parser (SIGSEGV)
    (["run", MODULE, "double_add_one", "x=5", "-e", ""], "Unknown executor “”"),
    (["run", MODULE, "double_add_one", "x=5", "--executor="], "Unknown executor “”"),
    (["run", MODULE, "double_add_one", "x=5", "-e", "thread-pool:"],
     "Invalid executor “thread-pool:”: the number of threads"),
    (["run", MODULE, "double_add_one", "x=5", "-e", "async:2000"],
     "Invalid executor “async:2000”: the number of threads"),
    (["run", MODULE, "double_add_one", "x=5", "-e", "daft:local@host"],
     "an address follows only the ray runner"),
    (["run", MODULE, "double_add_one", "x=5", "-e", "sequential:"], "Unknown executor"),
    # names that are not UTF-8 (given as surrogate escapes: the raw byte 0xff) are refused, and
    # the message shows them as valid UTF-8 (text=True decodes stderr strictly)
    (["run", MODULE, "double_add_one", "\udcff=5"], "The input “\ufffd=5” is not valid UTF-8"),
    (["run", MODULE, "double_add_one", "x=5", "-o", "\udcfe"],
     "An option's value is not valid text"),
    (["run", MODULE, "double_add_one", "x=5", "-e", "\udcfe"],
     "An option's value is not valid text"),
    (["map", MODULE, "double_add_one", "--over", ",", "x=[1]"], "An empty input name"),
    (["map", MODULE, "double_add_one", "x=[1]"], "map needs either --over"),
    (["map", MODULE, "double_add_one", "--over", "x", "--items", "f.jsonl"],
     "map needs either --over"),
    (["map", MODULE, "double_add_one", "--items", "f.jsonl", "--product"],
     "--product combines the lists of --over"),
    (["run", MODULE, "double_add_one", "x=1", "--retries", "many"],
     "--retries takes a whole number, not “many”"),
    (["run", MODULE, "double_add_one", "x=1", "--retries", "-1"], "--retries takes a whole"),
    (["run", MODULE, "double_add_one", "x=1", "--timeout", "-2"], "--timeout takes a number"),
    (["run", MODULE, "double_add_one", "x=1", "--timeout", "soon"], "Cannot parse double"),
    (["run", MODULE, "double_add_one", "x=1", "--frobnicate"],
     "Unknown option --frobnicate (see “hn help run”)"),
    (["run", MODULE], "run needs MODULE PIPELINE"),
    (["info"], "info needs MODULE"),
    (["info", MODULE, "a", "b"], "too many arguments: info takes MODULE [PIPELINE]"),
    (["graph", MODULE, "double_add_one", "--format", "gif"],
     "Unknown format “gif”: use dot, svg or png"),
    (["frobnicate"], "unknown command “frobnicate” (see “hn help”)"),
    (["help", "frobnicate"], "unknown command “frobnicate”"),
    (["--frobnicate"], "unknown command “--frobnicate”"),
])
def test_usage_errors_are_one_clear_line_and_exit_2(args, message):
    out = hn(*args)
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr
    assert "CRITICAL" not in out.stderr and "WARNING" not in out.stderr


def test_no_command_prints_the_usage_and_exits_2():
    out = hn()
    assert out.returncode == 2
    assert "Usage:" in out.stderr and "graph" in out.stderr and out.stdout == ""


@pytest.mark.parametrize("args", [["--help"], ["-h"], ["help"]])
def test_general_help_lists_every_command(args):
    out = hn(*args)
    assert out.returncode == 0
    for command in ["info", "inspect", "run", "map", "graph", "help", "version"]:
        assert f"\n  {command} " in out.stdout
    assert "Exit status: 0 on success, 1 when the work fails, 2 for a wrong command line" \
        in out.stdout


@pytest.mark.parametrize("command, usage, options", [
    ("run", "hn run [OPTION…] MODULE PIPELINE [NAME=VALUE...]",
     ["--output=NAME", "--executor=EXECUTOR", "--json", "--progress", "--trace=FILE",
      "--cache-dir=DIR", "--retries=N", "--timeout=SECONDS"]),
    ("map", "hn map [OPTION…] MODULE PIPELINE [NAME=VALUE...]",
     ["--over=NAMES", "--product", "--items=FILE", "--json", "--progress", "--cache-dir=DIR"]),
    ("graph", "hn graph [OPTION…] MODULE PIPELINE",
     ["--format=FORMAT", "--output=FILE", "--collapse", "--types"]),
    ("inspect", "hn inspect [OPTION…] MODULE", []),
    ("info", "hn info [OPTION…] MODULE [PIPELINE]", []),
])
def test_each_command_has_its_own_help(command, usage, options):
    for args in ([command, "--help"], ["help", command]):
        out = hn(*args)
        assert out.returncode == 0, out.stderr
        assert usage in out.stdout
        for option in options:
            assert option in out.stdout, (option, out.stdout)
    # the options of one command are not the options of another
    if command != "map":
        assert "--over" not in hn(command, "--help").stdout
    if command != "graph":
        assert "--collapse" not in hn(command, "--help").stdout


def test_exit_statuses_are_in_the_help():
    for command in ["run", "map", "graph"]:
        assert "Exit status: 0 on success, 1 if" in hn("help", command).stdout


@pytest.mark.parametrize("args", [["--version"], ["version"]])
def test_version(args):
    out = hn(*args)
    assert out.returncode == 0
    meson_build = open(os.path.join(SOURCE, "meson.build")).read()
    version = meson_build.split("version: '", 1)[1].split("'", 1)[0]
    assert out.stdout == f"hn (hypernodes) {version}\n"


def test_inspect_shows_nodes_and_pipelines_with_types():
    out = hn("inspect", CLI_MODULE)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert text.startswith("module: ")
    nodes, pipelines = text.split("\npipelines:\n")
    assert "  greet\n    inputs:   text: s\n    outputs:  greeting: s\n" in nodes
    assert "  scale\n    inputs:   result: x, factor: x\n    outputs:  scaled: x\n" in nodes
    assert ("  nested\n    inputs:   x: x, factor: x (bound to int64 3)\n"
            "    outputs:  doubled: x, result: x, scaled: x\n"
            "    nodes:    inner → scale\n"
            "      inner (nested pipeline)\n        inputs:   x: x\n") in pipelines
    assert "  weird\n    inputs:   in \"put\": *\n" in pipelines


def test_inspect_json_is_the_same_as_data():
    import json

    out = hn("inspect", "--json", CLI_MODULE)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["module"].endswith(os.path.basename(CLI_MODULE))
    greet = next(n for n in doc["nodes"] if n["name"] == "greet")
    assert greet == {"name": "greet", "nested": False,
                     "inputs": [{"name": "text", "type": "s"}],
                     "outputs": [{"name": "greeting", "type": "s"}]}
    nested = next(p for p in doc["pipelines"] if p["name"] == "nested")
    assert nested["inputs"] == [{"name": "x", "type": "x"},
                                {"name": "factor", "type": "x", "bound": 3}]
    assert nested["order"] == ["inner", "scale"]
    assert [n["nested"] for n in nested["nodes"]] == [True, False]
    assert hn("inspect", "--json", "/nonexistent.so").returncode == 1


def test_untyped_inputs_take_any_gvariant_text():
    out = hn("run", CLI_MODULE, "weird", "in \"put\"=int16 5")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "{'out<put> & \\\\ {x}': <int16 5>}\n"
    out = hn("run", MODULE, "double_add_one", "x=int64 5", "-o", "result")
    assert out.stdout == "{'result': <int64 11>}\n"


def test_run_hints_that_strings_need_quotes():
    out = hn("run", CLI_MODULE, "greet", "text=hello")
    assert out.returncode == 2
    assert "strings need quotes: text='hello'" in out.stderr
    assert hn("run", CLI_MODULE, "greet", "text='hello'").stdout == \
        "{'greeting': <'Hello, hello!'>}\n"
    # not for a number input, where the hint names the type instead
    out = hn("run", MODULE, "double_add_one", "x=five")
    assert out.returncode == 2
    assert "quotes" not in out.stderr and "GVariant type “x”" in out.stderr


def test_json_values_in_and_out():
    out = hn("run", "--json", CLI_MODULE, "greet", 'text="JSON"')
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == {"greeting": "Hello, JSON!"}
    # a declared int64 from a JSON number; nested pipeline outputs
    out = hn("run", "-j", CLI_MODULE, "nested", "x=5")
    assert json.loads(out.stdout) == {"doubled": 10, "result": 11, "scaled": 33}
    # a JSON list where a number is declared is refused, naming the type
    out = hn("run", "--json", MODULE, "double_add_one", "x=[5]")
    assert out.returncode == 2 and "GVariant type “x”" in out.stderr
    out = hn("run", "--json", CLI_MODULE, "greet", "text=hello")
    assert out.returncode == 2
    assert "JSON strings need double quotes: text='\"hello\"'" in out.stderr


def test_json_map_prints_json_lines():
    out = hn("map", "--json", MODULE, "double_add_one", "--over", "x", "x=[1, 2, 3]", "-o",
             "result")
    assert out.returncode == 0, out.stderr
    assert [json.loads(line) for line in out.stdout.splitlines()] == \
        [{"result": 3}, {"result": 5}, {"result": 7}]


def test_map_items_from_json_lines(tmp_path):
    items = tmp_path / "items.jsonl"
    items.write_text('{"x": 1}\n\n{"x": 4}\n{"x": 10}\n')
    out = hn("map", MODULE, "double_add_one", "--items", str(items), "-o", "result")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["{'result': <int64 3>}", "{'result': <int64 9>}",
                                       "{'result': <int64 21>}"]
    # shared inputs next to the items, JSON out, another executor
    items.write_text('{"text": "a"}\n{"text": "b"}\n')
    out = hn("map", "-j", CLI_MODULE, "greet", "-i", str(items), "-e", "thread-pool:2")
    assert [json.loads(line) for line in out.stdout.splitlines()] == \
        [{"greeting": "Hello, a!"}, {"greeting": "Hello, b!"}]


@pytest.mark.parametrize("content, message", [
    ('{"x": 1}\n[1, 2]\n', ":2: an item is a JSON object of inputs"),
    ('{"x": 1}\n{"x": \n', ":2: "),
    ('{"x": "one"}\n', ":1: input “x”: "),
])
def test_map_items_errors_name_the_line(tmp_path, content, message):
    items = tmp_path / "items.jsonl"
    items.write_text(content)
    out = hn("map", MODULE, "double_add_one", "--items", str(items))
    assert out.returncode == 1
    assert str(items) + message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_map_product():
    out = hn("map", CLI_MODULE, "nested", "--over", "x", "x=[1, 2]", "--product", "-o",
             "scaled")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["{'scaled': <int64 9>}", "{'scaled': <int64 15>}"]


def test_progress_draws_bars_on_stderr():
    out = hn("map", MODULE, "double_add_one", "--over", "x", "x=[1, 2, 3]", "--progress")
    assert out.returncode == 0, out.stderr
    assert "] 3/3" in out.stderr and "#" in out.stderr
    assert len(out.stdout.splitlines()) == 3
    assert "] 3/3" not in hn("map", MODULE, "double_add_one", "--over", "x", "x=[1]").stderr


def test_trace_writes_chrome_trace_events(tmp_path):
    trace = tmp_path / "trace.json"
    out = hn("run", CLI_MODULE, "nested", "x=2", "--trace", str(trace))
    assert out.returncode == 0, out.stderr
    events = json.loads(trace.read_text())["traceEvents"]
    names = {e["name"] for e in events}
    assert {"double", "add_one", "scale", "inner"} <= names


def test_cache_dir_reuses_results_across_runs(tmp_path):
    cache = tmp_path / "cache"
    first = hn("run", CLI_MODULE, "stamp", "seed=7", "--cache-dir", str(cache))
    assert first.returncode == 0, first.stderr
    assert any(cache.iterdir())
    again = hn("run", CLI_MODULE, "stamp", "seed=7", "--cache-dir", str(cache))
    assert again.stdout == first.stdout
    # without the cache the node runs again and gives another stamp
    assert hn("run", CLI_MODULE, "stamp", "seed=7").stdout != first.stdout


def test_retries():
    assert hn("run", CLI_MODULE, "flaky", "x=4").returncode == 1
    out = hn("run", CLI_MODULE, "flaky", "x=4", "--retries", "1")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "{'steady': <int64 4>}\n"


def test_timeout_is_not_hit_by_a_quick_run():
    out = hn("run", CLI_MODULE, "nap", "seconds=0.01", "--timeout", "30")
    assert out.returncode == 0, out.stderr


def test_graph_dot_is_valid_and_drawn_by_graphviz(tmp_path):
    dot = dot_program()
    for pipeline in ["double_add_one"]:
        out = hn("graph", MODULE, pipeline)
        assert out.returncode == 0, out.stderr
        assert out.stdout.startswith("digraph pipeline {")
        drawn = subprocess.run([dot, "-Tsvg"], input=out.stdout, capture_output=True, text=True)
        assert drawn.returncode == 0 and drawn.stderr == "", drawn.stderr
        assert "double" in drawn.stdout and "add_one" in drawn.stdout
    for pipeline in ["nested", "weird", "greet", "nap"]:
        for flags in [[], ["--collapse"], ["--types"], ["-c", "-t"]]:
            out = hn("graph", CLI_MODULE, pipeline, *flags)
            assert out.returncode == 0, out.stderr
            drawn = subprocess.run([dot, "-Tsvg"], input=out.stdout, capture_output=True,
                                   text=True)
            assert drawn.returncode == 0 and drawn.stderr == "", (pipeline, flags, drawn.stderr)


def test_graph_clusters_collapse_and_types():
    clusters = hn("graph", CLI_MODULE, "nested").stdout
    assert "subgraph cluster_" in clusters and "<B>double</B>" in clusters
    assert "factor = 3" in clusters and "dashed" in clusters  # the bound input
    collapsed = hn("graph", CLI_MODULE, "nested", "--collapse").stdout
    assert "subgraph cluster_" not in collapsed and "<B>double</B>" not in collapsed
    assert "<B>inner</B>" in collapsed
    assert " : x" not in clusters and " : x" in hn("graph", CLI_MODULE, "nested", "-t").stdout


def test_graph_escapes_names():
    out = hn("graph", CLI_MODULE, "weird").stdout
    assert "a &quot;quoted&quot; &lt;node&gt; &amp; {braces} \\ |bar|" in out
    assert "out&lt;put&gt; &amp; \\ {x}" in out


def test_graph_svg_and_png_files(tmp_path):
    dot_program()
    svg = tmp_path / "p.svg"
    out = hn("graph", MODULE, "double_add_one", "-o", str(svg))
    assert out.returncode == 0, out.stderr
    assert "<svg" in svg.read_text()
    png = tmp_path / "p.png"
    assert hn("graph", MODULE, "double_add_one", "-o", str(png)).returncode == 0
    assert png.read_bytes().startswith(b"\x89PNG")
    # --format wins over the extension; to standard output too
    out = hn("graph", MODULE, "double_add_one", "--format", "svg")
    assert out.returncode == 0 and "<svg" in out.stdout
    dot_file = tmp_path / "p.svg.txt"
    assert hn("graph", MODULE, "double_add_one", "-f", "dot", "-o", str(dot_file)).returncode == 0
    assert dot_file.read_text().startswith("digraph")


def test_graph_without_graphviz_is_a_clear_error(tmp_path):
    out = hn("graph", MODULE, "double_add_one", "-f", "svg", env=without_graphviz())
    assert out.returncode == 1
    assert out.stderr.startswith("hn: Graphviz is not installed: --format svg needs its dot")
    assert len(out.stderr.splitlines()) == 1
    # DOT text needs no Graphviz
    out = hn("graph", MODULE, "double_add_one", env=without_graphviz())
    assert out.returncode == 0 and out.stdout.startswith("digraph")


def test_man_page_documents_every_command_and_option():
    page = open(os.path.join(SOURCE, "doc", "hn.1")).read()
    for command in ["info", "inspect", "run", "map", "graph", "help", "version"]:
        assert f'.B hn {command}' in page or f'.BI "{command} ' in page, command
    for command in ["run", "map", "graph"]:
        for line in hn(command, "--help").stdout.splitlines():
            line = line.strip()
            if line.startswith("--") or line.startswith("-"):
                option = line.split()[0].rstrip(",") if line.startswith("--") else line.split()[1]
                option = option.split("=")[0]
                assert option.replace("-", "\\-") in page, option
    assert ".SH EXIT STATUS" in page


def test_man_page_renders_without_warnings():
    groff = shutil.which("groff")
    assert groff is not None, "groff is not installed: run scripts/install-deps.sh"
    out = subprocess.run([groff, "-man", "-Tutf8", "-ww", "-z", os.path.join(SOURCE, "doc",
                                                                               "hn.1")],
                         capture_output=True, text=True)
    assert out.returncode == 0 and out.stderr == "", out.stderr
    rendered = subprocess.run([groff, "-man", "-Tutf8", os.path.join(SOURCE, "doc", "hn.1")],
                              capture_output=True, text=True, env={"LC_ALL": "C.UTF-8"})
    text = re.sub(".\b", "", rendered.stdout)  # no overstrike bold
    assert "EXIT STATUS" in text and "hn graph MODULE PIPELINE" in text


def test_user_facing_strings_are_marked_for_translation(tmp_path):
    xgettext = shutil.which("xgettext")
    assert xgettext is not None, "gettext is not installed: run scripts/install-deps.sh"
    pot = tmp_path / "hn.pot"
    tools = os.path.join(SOURCE, "tools")
    subprocess.run([xgettext, "--from-code=UTF-8", "-k_", "-kN_", "-o", str(pot),
                    os.path.join(tools, "hn.c"), os.path.join(tools, "hn-args.c"),
                    os.path.join(tools, "hn-json.c")], check=True)
    catalog = pot.read_text()
    for text in ["Draw progress bars on standard error", "Runs a pipeline once and prints its",
                 "Graphviz is not installed", "strings need quotes", "Unknown executor",
                 "Usage:", "map needs either --over"]:
        assert text in catalog, text
    potfiles = open(os.path.join(SOURCE, "po", "POTFILES.in")).read().split()
    for f in ["tools/hn.c", "tools/hn-args.c", "tools/hn-json.c"]:
        assert f in potfiles


# Names, paths and values a user gave are echoed escaped and cut: every error stays one line.
@pytest.mark.parametrize("args, status, message", [
    (["run", "/tmp/a\nb.so", "p"], 1, "No node module at “/tmp/a\\x0ab.so”"),
    (["info", "/tmp/x\tb\x1b[31m.so"], 1, "“/tmp/x\\x09b\\x1b[31m.so”"),
    (["run", MODULE, "double\nadd", "x=1"], 1, "has no pipeline “double\\x0aadd”"),
    (["run", MODULE, "double_add_one", "x=1", "--retries", "1\n2"], 2,
     "--retries takes a whole number, not “1\\x0a2”"),
])
def test_echoed_text_is_escaped(args, status, message):
    out = hn(*args)
    assert out.returncode == status, out.stderr
    assert message in out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


def test_long_garbage_is_cut():
    garbage = "/" + "".join(chr(32 + (i * 7919) % 90) + ("\n" if i % 50 == 0 else "")
                            for i in range(100 * 1024))
    for args, echoed in ((["run", garbage, "p"], True), (["run", MODULE, garbage[1:], "x=1"], True),
                         (["run", MODULE, "double_add_one", "x=" + garbage], False)):
        out = hn(*args)
        assert out.returncode in (1, 2), out.stderr
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr[:500]
        assert len(out.stderr) < 2000, len(out.stderr)
        assert ("more characters)" in out.stderr) == echoed, out.stderr


def test_over_names_an_input():
    out = hn("map", MODULE, "double_add_one", "--over", "nope", "x=[1, 2]")
    assert out.returncode == 2, out.stderr
    assert "--over names “nope”, which is not an input of the pipeline (its inputs: x)" in \
        out.stderr, out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_cache_max_bytes(tmp_path):
    cache = tmp_path / "cache"
    for x in range(5):
        out = hn("run", MODULE, "double_add_one", f"x={x}", "--cache-dir", str(cache),
                 "--cache-max-bytes", "1")
        assert out.returncode == 0, out.stderr
    assert [f for f in os.listdir(cache) if f.endswith(".hnc")] == []
    out = hn("run", MODULE, "double_add_one", "x=1", "--cache-dir", str(cache),
             "--cache-max-bytes", "lots")
    assert out.returncode == 2
    assert "--cache-max-bytes takes a whole number of bytes, not “lots”" in out.stderr
    out = hn("run", MODULE, "double_add_one", "x=1", "--cache-max-bytes", "100")
    assert out.returncode == 2
    assert "--cache-max-bytes bounds the cache of --cache-dir" in out.stderr
