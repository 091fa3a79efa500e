# SPDX-License-Identifier: LGPL-2.1-or-later
from . import Hn

Backend = Hn.Backend
LocalBackend = Hn.LocalBackend

__all__ = ["Backend", "LocalBackend"]
