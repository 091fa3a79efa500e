# SPDX-License-Identifier: LGPL-2.1-or-later
"""The hn command-line tool, on the node module built with the tests."""

import os
import subprocess

import pytest

BUILD = os.environ.get("HN_BUILD_DIR") or os.path.join(os.path.dirname(__file__), "..", "..",
                                                       "_build")
HN = os.path.join(BUILD, "tools", "hn")
MODULE = os.path.join(BUILD, "tests", "modules", "hn-test-module.so")


def hn(*args):
    return subprocess.run([HN, *args], capture_output=True, text=True, timeout=60)


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


@pytest.mark.parametrize("args, message", [
    (["run", "/nonexistent.so", "p"], "hn: No node module at “/nonexistent.so”"),
    (["run", MODULE, "nope"], "has no pipeline “nope”"),
    (["run", MODULE, "double_add_one", "x='five'"], "Input “x”: "),
    (["run", MODULE, "double_add_one"], "hn: Missing input “x”"),
    (["run", MODULE, "double_add_one", "x=1", "-o", "zz"], "No node produces the requested"),
    (["run", MODULE, "double_add_one", "x=1", "-e", "daft:moon"], "Invalid Daft runner “moon”"),
    (["run", MODULE, "double_add_one", "x=1", "-e", "gpu"], "Unknown executor “gpu”"),
    (["run", MODULE, "double_add_one", "oops"], "“oops” is not an input: write NAME=VALUE"),
    (["run", MODULE, "square", "x=-1"], "has no pipeline"),
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
    (["run", MODULE, "\udcfe", "x=5"], "has no pipeline “\ufffd”"),
    (["map", MODULE, "double_add_one", "--over", ",", "x=[1]"], "An empty input name"),
])
def test_errors_are_one_clear_line(args, message):
    out = hn(*args)
    assert out.returncode == 1
    assert message in out.stderr
    assert "CRITICAL" not in out.stderr and "WARNING" not in out.stderr
