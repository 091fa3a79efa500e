# SPDX-License-Identifier: LGPL-2.1-or-later
"""Error paths of HnDaftExecutor that need a process of their own: a Python without Daft, and
Daft's one-runner-per-process rule seen from a fresh process."""

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent("""
    import sys
    from gi.repository import GLib, Hn
    from hypernodes import node, Pipeline
    from hypernodes.daft_executor import DaftExecutor

    @node(output_name="doubled")
    def double(x):
        return x * 2

    executor = DaftExecutor(runner=sys.argv[1])      # constructing always works
    try:
        print(Pipeline(nodes=[double]).with_config(Hn.RuntimeConfig(None, executor)).run({"x": 2}))
    except GLib.Error as e:
        print("ERROR", e.domain, e.code, e.message)
""")


def run_script(python, runner):
    out = subprocess.run([python, "-c", SCRIPT, runner], capture_output=True, text=True,
                         timeout=120, env=os.environ)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def python_without_daft():
    """The system Python: it has PyGObject (python3-gi) but not Daft."""
    python = "/usr/bin/python3"
    probe = subprocess.run([python, "-c", "import gi, daft"], capture_output=True)
    assert probe.returncode != 0, "/usr/bin/python3 unexpectedly has Daft"
    return python


def test_missing_daft_says_what_to_install():
    line = run_script(python_without_daft(), "local")
    assert line.startswith("ERROR hn-executor-error-quark 0 ")   # ENGINE_MISSING
    assert "pip install daft" in line
    # a recipe that works on Debian 12, where pip refuses to install into the system Python
    assert "python3 -m venv --system-site-packages ~/.venv-hn" in line
    assert "$HN_PYTHON" in line


def test_daft_runs_in_a_fresh_process():
    assert run_script(sys.executable, "local") == "{'doubled': 4}"


def test_missing_daft_from_a_c_program():
    """The C test program with the bridge pointed at a Python without Daft."""
    build = os.path.normpath(os.path.join(os.path.dirname(os.environ["HN_PYTHON_MODULE"]),
                                          "..", ".."))
    program = os.path.join(build, "tests", "test-daft")
    env = dict(os.environ, HN_PYTHON=python_without_daft())
    out = subprocess.run([program, "-p", "/Hn/Daft/run-pipeline"], capture_output=True,
                         text=True, env=env, timeout=120)
    assert out.returncode != 0
    assert "pip install daft" in out.stdout + out.stderr


def test_runner_set_by_someone_else_is_a_conflict():
    """Daft's native runner set by the program itself, then a Daft executor on Ray."""
    script = textwrap.dedent("""
        import daft
        from gi.repository import GLib, Hn
        from hypernodes import node, Pipeline
        from hypernodes.daft_executor import DaftExecutor

        @node(output_name="doubled")
        def double(x):
            return x * 2

        daft.set_runner_native()
        pipeline = Pipeline(nodes=[double])
        print(pipeline.with_config(Hn.RuntimeConfig(None, DaftExecutor(runner="local"))).run({"x": 2}))
        try:
            pipeline.with_config(Hn.RuntimeConfig(None, DaftExecutor(runner="ray"))).run({"x": 2})
        except GLib.Error as e:
            print("ERROR", e.code, e.message)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=120, env=os.environ)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0] == "{'doubled': 4}"
    assert lines[1].startswith("ERROR 3 Daft already runs with the local runner")
