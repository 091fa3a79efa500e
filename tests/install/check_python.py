# SPDX-License-Identifier: LGPL-2.1-or-later
"""Checks an installed copy of the Python package, run with no environment variables.

    python check_python.py bundled       a pip install: library, typelib and bridge in the package
    python check_python.py system PREFIX [LOCALEDIR]
                                         a meson install under PREFIX (its catalogs staged in
                                         LOCALEDIR when that is not where the library looks)
    python check_python.py german [LOCALEDIR]   prints the message of a missing-input error

Exits non-zero with a message on the first failed check.
"""

import locale
import os
import subprocess
import sys


def fail(message):
    sys.exit(f"check_python.py: {message}")


def loaded(name):
    with open("/proc/self/maps") as maps:
        return sorted({line.split()[-1] for line in maps if name in line and "/" in line})


def german(localedir=None):
    locale.setlocale(locale.LC_ALL, "")
    from gi.repository import GLib

    from hypernodes import Pipeline, node

    @node(output_name="y")
    def f(x):
        return x

    pipeline = Pipeline(nodes=[f])
    if localedir:
        # after the pipeline class bound the catalog to the directory it was built for
        locale.bindtextdomain("hypernodes-1", localedir)
    try:
        pipeline.run({})
    except GLib.Error as e:
        print(e.message)
    else:
        fail("a run with a missing input succeeded")


def check(mode, prefix=None, localedir=None):
    import hypernodes
    from hypernodes import Pipeline, node

    @node(output_name="doubled")
    def double(x):
        return x * 2

    @node(output_name="result")
    def add_one(doubled):
        return doubled + 1

    pipeline = Pipeline(nodes=[double, add_one])
    result = pipeline.run({"x": 5})
    if result != {"doubled": 10, "result": 11}:
        fail(f"run gave {result}")
    items = pipeline.map({"x": [1, 2]}, ["x"], output_name="result")
    if items != [{"result": 3}, {"result": 5}]:
        fail(f"map gave {items}")

    package = os.path.dirname(os.path.abspath(hypernodes.__file__))
    override = os.path.abspath(sys.modules["gi.overrides.Hn"].__file__)
    libraries = loaded("libhypernodes-1.so")
    if not libraries:
        fail("libhypernodes-1 is not loaded")
    if mode == "bundled":
        if not hypernodes._bundled:
            fail("the package did not find its bundled typelib")
        if not all(lib.startswith(os.path.join(package, "_lib") + "/") for lib in libraries):
            fail(f"the library loaded is not the package's own: {libraries}")
        if not override.startswith(sys.prefix + "/"):
            fail(f"the override {override} is not in the virtualenv {sys.prefix}")
    else:
        if hypernodes._bundled:
            fail(f"a meson install has a bundled typelib in {package}")
        for path in [package, override] + libraries:
            if not path.startswith(prefix + "/"):
                fail(f"{path} is not under {prefix}")

    # The engine executors reach the Python bridge (hn-python) of this copy: without Daft the
    # error is the glue's, which says how to install it; with Daft the run works.
    from gi.repository import GLib, Hn

    executor = Hn.DaftExecutor(runner="local")
    try:
        out = executor.run_pipeline(pipeline, {"x": 1})
    except GLib.Error as e:
        if "bridge" in e.message or "pip install daft" not in e.message:
            fail(f"the Daft executor did not reach the engine glue: {e.message}")
    else:
        if out != {"doubled": 2, "result": 3}:
            fail(f"the Daft executor gave {out}")

    # Translations: a German error message in a German locale.
    env = {"PATH": "/usr/bin:/bin", "LANGUAGE": "de", "LC_ALL": "de_DE.UTF-8"}
    env.update({k: v for k, v in os.environ.items()
                if k in ("PYTHONPATH", "GI_TYPELIB_PATH", "LD_LIBRARY_PATH", "HN_PYTHON_MODULE")})
    german_out = subprocess.run([sys.executable, os.path.abspath(__file__), "german"]
                                + ([localedir] if localedir else []), env=env, capture_output=True, text=True, timeout=60)
    if "Fehlende Eingabe" not in german_out.stdout:
        fail(f"no German message: {german_out.stdout!r} {german_out.stderr!r}")
    print(f"ok: {mode} copy in {package}, library {libraries[0]}, override {override}")


if __name__ == "__main__":
    if sys.argv[1] == "german":
        german(sys.argv[2] if len(sys.argv) > 2 else None)
    else:
        check(*sys.argv[1:])
