# SPDX-License-Identifier: LGPL-2.1-or-later
"""DaskExecutor: runs pipelines with Dask, on a local scheduler or a Dask cluster."""

import gi

gi.require_version("Hn", "1")

from gi.repository import Hn

DaskExecutor = Hn.DaskExecutor

__all__ = ["DaskExecutor"]
