# SPDX-License-Identifier: LGPL-2.1-or-later
from . import Hn

DaftExecutor = Hn.DaftExecutor

__all__ = ["DaftExecutor"]
