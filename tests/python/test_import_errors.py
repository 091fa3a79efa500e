# SPDX-License-Identifier: LGPL-2.1-or-later
"""`import hypernodes` where PyGObject or the typelib is missing says what to do.

Each case runs a fresh interpreter: without site-packages (-S), so the system's PyGObject is not
found, or with the typelib path emptied.
"""

import os
import pathlib
import subprocess
import sys

import pytest

PYTHON_DIR = pathlib.Path(__file__).resolve().parents[2] / "hypernodes" / "python"


def import_hypernodes(path, extra_args=(), env_changes=None):
    env = dict(os.environ)
    env.update(env_changes or {})
    code = ("import sys; sys.path[:0] = sys.argv[1:]\n"
            "try:\n"
            "    import hypernodes\n"
            "except ImportError as e:\n"
            "    print('ImportError:', e)\n"
            "else:\n"
            "    print('imported')\n")
    out = subprocess.run([sys.executable, *extra_args, "-c", code, *map(str, path)],
                         capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def test_no_pygobject(tmp_path):
    # no site-packages: no gi at all
    said = import_hypernodes([PYTHON_DIR], ["-S"])
    assert said.startswith("ImportError: hypernodes needs PyGObject"), said
    assert "--system-site-packages" in said and "pip install 'PyGObject" in said
    assert "libgirepository1.0-dev" in said


def test_gi_namespace_without_pygobject(tmp_path):
    # what a wheel leaves in a plain virtualenv whose PyGObject failed to install: gi/overrides/
    # with our override only, so "gi" is an empty namespace package
    (tmp_path / "gi" / "overrides").mkdir(parents=True)
    (tmp_path / "gi" / "overrides" / "Hn.py").write_text("")
    said = import_hypernodes([tmp_path, PYTHON_DIR], ["-S"])
    assert said.startswith("ImportError: hypernodes needs PyGObject"), said
    assert "is not PyGObject" in said


def test_no_typelib(tmp_path):
    said = import_hypernodes([PYTHON_DIR], env_changes={
        "GI_TYPELIB_PATH": str(tmp_path), "HN_PYTHON_BUILD_DIR": str(tmp_path)})
    if said == "imported":
        pytest.skip("an installed Hn typelib is on GObject-Introspection's own path")
    assert said.startswith("ImportError: The typelib of hypernodes (Hn-1.typelib) cannot be "
                           "found"), said
    assert "meson devenv" in said and "GI_TYPELIB_PATH" in said
