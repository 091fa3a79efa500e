# SPDX-License-Identifier: LGPL-2.1-or-later
"""RayExecutor: runs pipelines as Ray tasks, on a local cluster or the one at ray_address."""

import gi

gi.require_version("Hn", "1")

from gi.repository import Hn

RayExecutor = Hn.RayExecutor

__all__ = ["RayExecutor"]
