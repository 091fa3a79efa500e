# SPDX-License-Identifier: LGPL-2.1-or-later
#
# pytest setup for the Python binding tests of hypernodes.
#
# The tests use the library through GObject-Introspection. Point them at a build with
#
#   meson devenv -C _build -w . /usr/bin/python3 -m pytest -q tests/python
#
# or with HN_BUILD_DIR=<dir holding Hn-1.typelib and libhypernodes-1.so>. Without either, the
# in-tree build directory _build/hypernodes is used if it exists.

import os
import pathlib
import sys

# The Python half of the binding: the PyGObject override (gi/overrides/Hn.py) and the
# `hypernodes` package. meson puts it on PYTHONPATH; from the repository root (plain
# `pytest tests/python`) it is added here. It must be on sys.path before `gi` is imported:
# gi and gi.overrides extend their __path__ from sys.path at import time.
_python_dir = pathlib.Path(__file__).resolve().parents[2] / "hypernodes" / "python"


def _on_sys_path(directory):
    for entry in sys.path:
        try:
            if pathlib.Path(entry or ".").resolve() == directory:
                return True
        except OSError:
            continue
    return False


if _python_dir.is_dir() and not _on_sys_path(_python_dir):
    sys.path.insert(0, str(_python_dir))

import gi  # noqa: E402
import gi.overrides  # noqa: E402

# Should gi have been imported before this file ran (by a plugin, say), its override path misses
# the in-tree overrides; add them so the Hn override still loads.
_overrides_dir = str(_python_dir / "gi" / "overrides")
if _python_dir.is_dir() and not any(
    pathlib.Path(p).resolve() == pathlib.Path(_overrides_dir) for p in gi.overrides.__path__
):
    gi.overrides.__path__.append(_overrides_dir)

gi.require_version("GIRepository", "2.0")
from gi.repository import GIRepository  # noqa: E402

_default_build = pathlib.Path(__file__).resolve().parents[2] / "_build" / "hypernodes"
_build_dir = os.environ.get("HN_BUILD_DIR")
if _build_dir is None and "GI_TYPELIB_PATH" not in os.environ and _default_build.is_dir():
    _build_dir = str(_default_build)
if _build_dir is not None:
    GIRepository.Repository.prepend_search_path(_build_dir)
    GIRepository.Repository.prepend_library_path(_build_dir)

gi.require_version("Hn", "1")
gi.require_version("Gio", "2.0")

import pytest  # noqa: E402
from gi.repository import GLib  # noqa: E402

# The engine tests (engines/) run in their own meson suite, in the engine virtualenv, one process
# per Daft runner (tests/meson.build): leave them out when this directory is collected as a whole
# (the "python" suite runs `pytest tests/python`). Named explicitly, as the engine suite names
# its files, they are still collected.
collect_ignore = ["engines"]


class LoopRunner:
    """Runs a GLib.MainLoop until an async call completes, with a timeout so a hang fails."""

    def __init__(self, timeout_seconds=10):
        self.timeout_seconds = timeout_seconds

    def run(self, start):
        """Call start(callback); callback(source, result) must call finish itself.

        start receives a function `done(value_or_exception)` to call from the async callback.
        Returns the value, or raises the exception given to done().
        """
        loop = GLib.MainLoop.new(None, False)
        outcome = {}

        def done(value=None, error=None):
            outcome["value"] = value
            outcome["error"] = error
            loop.quit()

        def on_timeout():
            outcome["timeout"] = True
            loop.quit()
            return GLib.SOURCE_REMOVE

        timeout_id = GLib.timeout_add_seconds(self.timeout_seconds, on_timeout)
        start(done)
        if "value" not in outcome and "error" not in outcome:
            loop.run()
        if "timeout" not in outcome:
            GLib.source_remove(timeout_id)
        else:
            pytest.fail(f"async operation did not complete in {self.timeout_seconds} s")
        if outcome["error"] is not None:
            raise outcome["error"]
        return outcome["value"]


@pytest.fixture
def loop_runner():
    return LoopRunner()
