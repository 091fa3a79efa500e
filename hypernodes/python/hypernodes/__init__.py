# SPDX-License-Identifier: LGPL-2.1-or-later
"""hypernodes for GLib, from Python.

    from hypernodes import node, Pipeline

    @node(output_name="doubled")
    def double(x: int) -> int:
        return x * 2

    Pipeline(nodes=[double]).run({"x": 5})   # {'doubled': 10}

The names here are those of the PyGObject override of ``gi.repository.Hn`` (``node``,
``Pipeline``), the Python node class (``PythonNode``) and the introspected namespace itself
(``Hn``). Configuration and executors are in ``hypernodes.config``, ``hypernodes.backend``,
``hypernodes.executor``, ``hypernodes.daft_executor``, ``hypernodes.dask_executor``
and ``hypernodes.ray_executor``.

Installed with pip, the package carries its own copy of the library, typelib and Python
bridge (in ``_lib``); importing it points GObject-Introspection there, so import ``hypernodes``
before ``gi.repository.Hn``.
"""

import os

# What a user without PyGObject, or without the typelib, is told to do.
_PYGOBJECT_HINT = (
    "hypernodes needs PyGObject (the gi module) with GObject-Introspection. In a virtualenv, "
    "either make it with --system-site-packages so that it sees the system's PyGObject "
    "(Debian: apt install python3-gi gir1.2-glib-2.0), or let pip build it: "
    "pip install 'PyGObject>=3.42,<3.51', which needs the build files "
    "(Debian: apt install libgirepository1.0-dev libcairo2-dev pkg-config python3-dev)."
)

try:
    import gi
except ImportError as e:  # pragma: no cover - exercised by the install tests
    raise ImportError(f"{_PYGOBJECT_HINT} ({e})") from None
# A wheel of this package installs gi/overrides/Hn.py: without PyGObject, "gi" is then an
# empty namespace package, which imports but has nothing in it.
if not hasattr(gi, "require_version"):  # pragma: no cover - exercised by the install tests
    raise ImportError(f"{_PYGOBJECT_HINT} (the gi found at "
                      f"{list(getattr(gi, '__path__', []))} is not PyGObject)")

_LIB_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_lib")
_GETTEXT_DOMAIN = "hypernodes-1"


def _use_bundled_files():
    """Points GObject-Introspection and the library at the files of a pip install, if any.

    A system install (meson install) puts the typelib where GObject-Introspection looks and the
    bridge where the library looks, so there is nothing to do and this returns False.
    """
    typelib_dir = os.path.join(_LIB_DIR, "girepository-1.0")
    if not os.path.isfile(os.path.join(typelib_dir, "Hn-1.typelib")):
        return False
    gi.require_version("GIRepository", "2.0")
    from gi.repository import GIRepository

    repository = GIRepository.Repository.get_default()
    repository.prepend_search_path(typelib_dir)
    # The typelib names the library by its soname: loaded from here, not from the linker's path.
    repository.prepend_library_path(_LIB_DIR)
    bridge = os.path.join(_LIB_DIR, "hn-python.so")
    if os.path.isfile(bridge):
        os.environ.setdefault("HN_PYTHON_MODULE", bridge)
    return True


def _bind_bundled_translations():
    """Binds the library's message catalog to the copy in the package.

    The library binds its catalog to the directory it was built for when its pipeline class is
    first used; a wheel can be installed anywhere, so the binding is made again afterwards.
    """
    import locale

    from gi.repository import Hn

    Hn.Pipeline.list_properties()  # runs the class initializer, which binds the built-in path
    locale_dir = os.path.join(_LIB_DIR, "locale")
    if os.path.isdir(locale_dir) and hasattr(locale, "bindtextdomain"):
        locale.bindtextdomain(_GETTEXT_DOMAIN, locale_dir)


# In a build tree, the compiled part of the package (_native) is in the build directory.
if os.environ.get("HN_PYTHON_BUILD_DIR"):
    __path__.append(os.environ["HN_PYTHON_BUILD_DIR"])

def _require_typelib():
    """Asks for the Hn typelib, or says where it should be and how to get it there."""
    try:
        gi.require_version("GLib", "2.0")
    except ValueError as e:
        raise ImportError(f"{_PYGOBJECT_HINT} (no GLib typelib: {e}; "
                          "Debian: apt install gir1.2-glib-2.0)") from None
    try:
        gi.require_version("Hn", "1")
    except ValueError as e:
        raise ImportError(
            f"The typelib of hypernodes (Hn-1.typelib) cannot be found ({e}). Install "
            "hypernodes (meson install, or pip install of the checkout, which puts it inside "
            "the package), or run from a build tree with `meson devenv -C _build -w . python3 "
            "...`, or point GI_TYPELIB_PATH at the directory that holds it.") from None


_bundled = _use_bundled_files()
_require_typelib()
if _bundled:
    _bind_bundled_translations()

__all__ = ["node", "Pipeline", "PythonNode", "Hn", "stateful", "HyperNodesError", "CycleError",
           "DependencyError", "PipelineInputError", "NodeError", "ExecutionError"]

from ._stateful import stateful  # noqa: E402
from ._errors import (CycleError, DependencyError, ExecutionError, HyperNodesError,  # noqa: E402
                      NodeError, PipelineInputError)


def __getattr__(name):
    # Resolved on first use: the PyGObject override (gi/overrides/Hn.py) imports modules of this
    # package while gi.repository.Hn is still loading.
    if name == "PythonNode":
        from ._pynode import PythonNode

        return PythonNode
    if name in __all__:
        from gi.repository import Hn

        return {"node": lambda: Hn.node, "Pipeline": lambda: Hn.Pipeline, "Hn": lambda: Hn}[name]()
    raise AttributeError(f"module 'hypernodes' has no attribute {name!r}")


def __dir__():
    return sorted(list(globals()) + __all__)
