# SPDX-License-Identifier: LGPL-2.1-or-later
"""A program outside the source tree, run by tests/devenv.sh through `meson devenv`: the Python
face comes from the build tree named by the arguments, and runs examples/python/hello.py (a
two-node pipeline).

    pipeline.py BUILD_DIR SOURCE_DIR
"""

import os
import runpy
import sys

import gi

import hypernodes
from hypernodes import _native

gi.require_version("GIRepository", "2.0")
from gi.repository import GIRepository, Hn  # noqa: E402


def within(path, directory):
    return os.path.realpath(path).startswith(os.path.realpath(directory) + os.sep)


build, source = sys.argv[1:3]
typelib = GIRepository.Repository.get_default().get_typelib_path("Hn")
assert within(typelib, build), f"the typelib is {typelib}, not the build tree's"
assert within(_native.__file__, build), f"hypernodes._native is {_native.__file__}"
assert within(hypernodes.__file__, source), f"hypernodes is {hypernodes.__file__}"
assert hypernodes.Pipeline is Hn.Pipeline, "the override of gi.repository.Hn is not loaded"
runpy.run_path(os.path.join(source, "examples", "python", "hello.py"), run_name="__main__")
print(f"{sys.executable}: the build tree's hypernodes")
