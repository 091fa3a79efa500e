# SPDX-License-Identifier: LGPL-2.1-or-later
"""hypernodes for GLib, from Python.

    from hypernodes import node, Pipeline

    @node(output_name="doubled")
    def double(x: int) -> int:
        return x * 2

    Pipeline(nodes=[double]).run({"x": 5})   # {'doubled': 10}
"""

import gi

gi.require_version("Hn", "1")

__all__ = ["node", "Pipeline", "PythonNode", "Hn"]


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
