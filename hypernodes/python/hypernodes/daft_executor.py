# SPDX-License-Identifier: LGPL-2.1-or-later
"""DaftExecutor: runs pipelines as Daft DataFrames, in this process or on Ray."""

import gi

gi.require_version("Hn", "1")

from gi.repository import Hn

DaftExecutor = Hn.DaftExecutor

__all__ = ["DaftExecutor"]
