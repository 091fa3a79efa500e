# SPDX-License-Identifier: LGPL-2.1-or-later
"""Where and how a pipeline runs: RuntimeConfig (the PyGObject override of
Hn.RuntimeConfig), applied with Pipeline.with_config()."""

import gi

gi.require_version("Hn", "1")

from gi.repository import Hn

RuntimeConfig = Hn.RuntimeConfig
set_default_config = Hn.set_default_config
get_default_config = Hn.get_default_config

__all__ = ["RuntimeConfig", "set_default_config", "get_default_config"]
