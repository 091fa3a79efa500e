# SPDX-License-Identifier: LGPL-2.1-or-later
"""@stateful: resources (a model, a connection) built on first use, once per process."""

from __future__ import annotations

import threading
import uuid
from typing import Any, Dict, Tuple, Type, TypeVar

T = TypeVar("T")

# token -> the built object, in this process: every copy of one stateful value that reaches a
# process (each task of a map unpickles its own) shares one object there
_built: Dict[str, Any] = {}
_lock = threading.Lock()


def _rebuild(cls: type, args: tuple, kwargs: dict, token: str) -> Any:
    wrapper = object.__new__(cls)
    wrapper._hn_recipe = (args, kwargs)
    wrapper._hn_token = token
    return wrapper


class _Stateful:
    """Base of the classes @stateful makes; see stateful()."""

    _hn_class: type = object

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._hn_recipe: Tuple[tuple, dict] = (args, kwargs)
        self._hn_token = uuid.uuid4().hex

    def _hn_instance(self) -> Any:
        token = self._hn_token
        instance = _built.get(token)
        if instance is None:
            with _lock:
                instance = _built.get(token)
                if instance is None:
                    args, kwargs = self._hn_recipe
                    instance = _built[token] = self._hn_class(*args, **kwargs)
        return instance

    @property
    def is_built(self) -> bool:
        """Whether the object has been built in this process."""
        return self._hn_token in _built

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_hn_"):
            raise AttributeError(name)
        return getattr(self._hn_instance(), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._hn_instance()(*args, **kwargs)

    def __reduce__(self):
        # the recipe travels, never the built object
        args, kwargs = self._hn_recipe
        return (_rebuild, (type(self), args, kwargs, self._hn_token))

    def __cache_key__(self) -> Any:
        """The class's own __cache_key__() when it has one (on the built object), else the
        class and the arguments it is built from."""
        if hasattr(self._hn_class, "__cache_key__"):
            return self._hn_instance().__cache_key__()
        args, kwargs = self._hn_recipe
        return (f"{self._hn_class.__module__}.{self._hn_class.__qualname__}", repr(args),
                repr(sorted(kwargs.items())))

    def __repr__(self) -> str:
        state = "built" if self.is_built else "not built yet"
        return f"<stateful {self._hn_class.__qualname__} ({state})>"


def stateful(cls: Type[T]) -> Type[T]:
    """Makes @cls a stateful resource: ``Model("path")`` records how to build the object and
    builds it on first use (an attribute or a call), once per process, however many map items
    and tasks use it. Sent to another process (an engine's worker), only the recipe travels,
    and the worker builds its own object once. Its cache key is the class's
    ``__cache_key__()`` if it has one, else the class and its arguments.

        @stateful
        class Model:
            def __init__(self, path): self.weights = load(path)
            def predict(self, text): ...

        @node(output_name="label")
        def classify(text, model): return model.predict(text)

        Pipeline([classify]).map({"text": texts, "model": Model("m.bin")}, map_over="text")
    """
    if not isinstance(cls, type):
        raise TypeError(f"@stateful decorates a class, not {type(cls).__name__}")
    wrapper = type(cls.__name__, (_Stateful,), {
        "_hn_class": cls,
        "__module__": cls.__module__,
        "__qualname__": cls.__qualname__,
        "__doc__": cls.__doc__,
    })
    return wrapper  # type: ignore[return-value]
