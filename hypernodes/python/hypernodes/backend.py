# SPDX-License-Identifier: LGPL-2.1-or-later
"""Where an executor runs: Backend (the base class) and LocalBackend (this process)."""

import gi

gi.require_version("Hn", "1")

from gi.repository import Hn

Backend = Hn.Backend
LocalBackend = Hn.LocalBackend

__all__ = ["Backend", "LocalBackend"]
