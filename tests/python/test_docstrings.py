# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every public name of the hypernodes package and of the PyGObject override has a docstring of
its own (not PyGObject's generated constructor list), and so do their public methods and
properties defined in Python."""

import importlib
import inspect

import pytest

MODULES = ["hypernodes", "hypernodes.config", "hypernodes.backend", "hypernodes.executor",
           "hypernodes.daft_executor", "gi.overrides.Hn"]


def public_names(module):
    return [n for n in getattr(module, "__all__", []) if not n.startswith("_")]


def own_doc(obj):
    doc = obj.__dict__.get("__doc__") if inspect.isclass(obj) else getattr(obj, "__doc__", None)
    return doc.strip() if isinstance(doc, str) else ""


def ours(obj):
    return getattr(obj, "__module__", "").startswith(("hypernodes", "gi.overrides.Hn"))


@pytest.mark.parametrize("module_name", MODULES)
def test_module_has_docstring(module_name):
    module = importlib.import_module(module_name)
    assert (module.__doc__ or "").strip(), f"{module_name} has no docstring"


def cases():
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in public_names(module):
            yield module_name, name


@pytest.mark.parametrize("module_name,name", list(cases()))
def test_public_name_has_docstring(module_name, name):
    obj = getattr(importlib.import_module(module_name), name)
    if name == "Hn":
        assert (obj.__doc__ or "").strip() or obj.__name__ == "gi.repository.Hn"
        return
    assert ours(obj), f"{module_name}.{name} is {obj!r}: not the override's or the package's"
    assert own_doc(obj), f"{module_name}.{name} has no docstring"
    if inspect.isclass(obj):
        for klass in obj.__mro__:
            if not ours(klass):
                continue
            for attr, member in vars(klass).items():
                if attr.startswith("_") and attr != "__call__":
                    continue
                if attr.startswith("do_"):
                    continue  # vfunc implementations, documented in the C API
                if isinstance(member, property) or inspect.isfunction(member):
                    doc = member.__doc__
                    assert doc and doc.strip(), f"{klass.__name__}.{attr} has no docstring"
