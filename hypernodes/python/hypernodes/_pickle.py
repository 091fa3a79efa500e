# SPDX-License-Identifier: LGPL-2.1-or-later
"""How Python objects without a data form cross a process boundary or reach a cache."""

try:
    import cloudpickle as _pickler
except ImportError:  # plain pickle handles every importable object
    import pickle as _pickler


def pickle_dumps(obj):
    """@obj as bytes: cloudpickle when installed (lambdas and local classes too), else pickle."""
    return _pickler.dumps(obj, protocol=5)
