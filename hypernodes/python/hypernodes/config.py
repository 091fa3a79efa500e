# SPDX-License-Identifier: LGPL-2.1-or-later
from . import Hn

RuntimeConfig = Hn.RuntimeConfig

__all__ = ["RuntimeConfig"]
