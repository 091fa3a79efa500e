# SPDX-License-Identifier: LGPL-2.1-or-later
"""Where and how a pipeline runs: RuntimeConfig (the PyGObject override of
Hn.RuntimeConfig), applied with Pipeline.with_config()."""

import gi

gi.require_version("Hn", "1")

from gi.repository import Hn

RuntimeConfig = Hn.RuntimeConfig

__all__ = ["RuntimeConfig"]
