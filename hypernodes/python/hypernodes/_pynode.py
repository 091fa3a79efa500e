# SPDX-License-Identifier: LGPL-2.1-or-later
"""PythonNode: a node whose function is a Python callable (made by hypernodes.node)."""

from __future__ import annotations

import hashlib
import inspect
from typing import Any, Callable, Optional, Sequence, Tuple, Union

import gi

gi.require_version("Hn", "1")

from gi.repository import Hn  # noqa: E402

from . import _native  # noqa: E402


def signature_of(func: Callable) -> Tuple[list, int, Optional[tuple], tuple]:
    """(input names, how many are positional, keyword-only names or None, defaults).

    A default is a 1-tuple holding it (so that None can be one), () for a required input.
    *args and **kwargs are not inputs.
    """
    names, positional, keywords, defaults = [], 0, [], []
    for p in inspect.signature(func).parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.kind == p.KEYWORD_ONLY:
            keywords.append(p.name)
        else:
            positional += 1
        names.append(p.name)
        defaults.append(() if p.default is p.empty else (p.default,))
    return names, positional, tuple(keywords) or None, tuple(defaults)


def code_hash(func: Callable) -> Optional[str]:
    """A stable hash of a function's code: part of its cache key, so that changed code is a
    miss. The source when it can be read, else the compiled code and its constants."""
    try:
        text = inspect.getsource(func).encode()
    except (OSError, TypeError):
        code = getattr(func, "__code__", None)
        if code is None:
            return None
        text = code.co_code + repr((code.co_consts, code.co_names, code.co_varnames)).encode()
    return hashlib.sha256(text).hexdigest()[:16]


class PythonNode(Hn.Node):
    """A node whose function is a Python callable; its inputs are the function's parameters
    (a parameter with a default is an optional input). Calling the node calls the function."""

    __gtype_name__ = "HnPythonNode"

    def __init__(self, func: Callable, name: str, outputs: Sequence[str],
                 input_types: Optional[Sequence[Optional[str]]] = None,
                 output_types: Optional[Sequence[Optional[str]]] = None,
                 cache: bool = True, version: Optional[str] = None,
                 output_name: Union[str, Tuple[str, ...], None] = None,
                 _full_version: Optional[str] = None):
        if not callable(func):
            raise TypeError(f"a node needs a callable, not {type(func).__name__}")
        inputs, positional, keywords, defaults = signature_of(func)
        outputs = list(outputs)
        code = code_hash(func)
        # a node rebuilt in an engine's worker keeps the version of the one it was made from,
        # so that the cache keys of both processes agree
        full_version = _full_version or "#".join(v for v in (version, code) if v) or None
        optional = [n for n, d in zip(inputs, defaults) if d]
        super().__init__(name=name, inputs=inputs, outputs=outputs,
                         input_types=list(input_types) if input_types else None,
                         output_types=list(output_types) if output_types else None,
                         cache=cache, version=full_version,
                         optional_inputs=optional or None)
        self.user_version = version
        self.func = func
        self.output_type_hints = (list(output_types) if output_types
                                  else [None] * len(outputs))
        self._output_name = (output_name if output_name is not None
                             else (outputs[0] if len(outputs) == 1 else tuple(outputs)))
        self.__doc__ = getattr(func, "__doc__", None)
        self.__wrapped__ = func
        _native.install(self, func, positional, keywords, defaults,
                        tuple(self.output_type_hints))

    @property
    def name(self) -> str:
        """The node's name (the function's, unless another was given)."""
        return self.get_name()

    @property
    def output_name(self) -> Union[str, Tuple[str, ...]]:
        """The output's name, or a tuple of names for a function that returns a tuple."""
        return self._output_name

    @property
    def root_args(self) -> Tuple[str, ...]:
        """The names of the function's parameters: the node's inputs."""
        return tuple(self.get_inputs())

    @property
    def cache(self) -> bool:
        """Whether the node's results may come from a cache."""
        return self.get_cache()

    @property
    def is_async(self) -> bool:
        """Whether the function is an ``async def`` (its coroutine is awaited)."""
        return inspect.iscoroutinefunction(self.func)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        """Calls the function directly, as if it were not a node."""
        return self.func(*args, **kwargs)

    def __repr__(self) -> str:
        return (f"<Hn.node {self.get_name()}({', '.join(self.get_inputs())}) -> "
                f"{', '.join(self.get_outputs())}>")

    def call_values(self, values):
        """Calls the function on plain values, one per input in order; returns its result."""
        inputs, positional, keywords, _ = signature_of(self.func)
        values = list(values)
        return self.func(*values[:positional], **dict(zip(inputs[positional:],
                                                          values[positional:])))
