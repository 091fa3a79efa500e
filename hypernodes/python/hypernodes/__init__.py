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

from gi.repository import Hn  # noqa: E402

node = Hn.node
Pipeline = Hn.Pipeline

__all__ = ["node", "Pipeline", "Hn"]
