# SPDX-License-Identifier: LGPL-2.1-or-later
"""HnPythonNode: a node whose function is a Python callable (made by Hn.node / hypernodes.node)."""

import inspect

import gi

gi.require_version("Hn", "1")

from gi.repository import GLib, Hn  # noqa: E402

from . import _values  # noqa: E402


def signature_of(func):
    """(input names, how many of them are passed positionally)."""
    names, positional = [], 0
    for p in inspect.signature(func).parameters.values():
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
            positional += 1
        elif p.kind == p.KEYWORD_ONLY:
            names.append(p.name)
    return names, positional


def code_hash(func):
    """A stable hash of a function's code: part of its cache key, so that changed code is a
    miss. The source when it can be read, else the compiled code and its constants."""
    import hashlib

    try:
        text = inspect.getsource(func).encode()
    except (OSError, TypeError):
        code = getattr(func, "__code__", None)
        if code is None:
            return None
        text = code.co_code + repr((code.co_consts, code.co_names, code.co_varnames)).encode()
    return hashlib.sha256(text).hexdigest()[:16]


def call_function(func, names, positional, values):
    """Calls @func with @values for the parameters @names, the first @positional by position."""
    values = list(values)
    return func(*values[:positional], **dict(zip(names[positional:], values[positional:])))


def pack_result(name, outputs, output_types, result):
    """A function's result as a node's GLib.Variant result (a tuple for several outputs)."""
    if len(outputs) == 1:
        return _values.to_variant(result, output_types[0])
    if not isinstance(result, (tuple, list)) or len(result) != len(outputs):
        raise TypeError(f"node '{name}' has {len(outputs)} outputs ({', '.join(outputs)}) and "
                        f"must return a tuple of {len(outputs)} values, not {result!r}")
    return GLib.Variant.new_tuple(*[_values.to_variant(v, t)
                                    for v, t in zip(result, output_types)])


class PythonNode(Hn.Node):
    """A node whose function is a Python callable. Its inputs are the function's parameters."""

    __gtype_name__ = "HnPythonNode"

    def __init__(self, func, name, outputs, input_types=None, output_types=None, cache=True,
                 version=None):
        inputs, self.positional = signature_of(func)
        code = code_hash(func)
        full_version = "#".join(v for v in (version, code) if v) or None
        super().__init__(name=name, inputs=inputs, outputs=list(outputs),
                         input_types=list(input_types) if input_types else None,
                         output_types=list(output_types) if output_types else None,
                         cache=cache, version=full_version)
        self.user_version = version
        self.func = func
        self.output_type_hints = (list(output_types) if output_types
                                  else [None] * len(outputs))
        self.__doc__ = getattr(func, "__doc__", None)

    def __call__(self, *args, **kwargs):
        """Calls the function directly, as if it were not a node."""
        return self.func(*args, **kwargs)

    def __repr__(self):
        return (f"<Hn.node {self.get_name()}({', '.join(self.get_inputs())}) -> "
                f"{', '.join(self.get_outputs())}>")

    def call_values(self, values):
        """Calls the function on plain values; returns its plain result."""
        return call_function(self.func, list(self.get_inputs()), self.positional, values)

    def do_invoke(self, args, *rest):
        # PyGObject passes (args, n_args, cancellable) or (args, cancellable) depending on version
        try:
            result = self.call_values([_values.from_variant(a) for a in args])
            return pack_result(self.get_name(), list(self.get_outputs()),
                               self.output_type_hints, result)
        except GLib.Error:
            raise
        except Exception as e:
            raise GLib.Error.new_literal(GLib.quark_from_string("g-io-error-quark"),
                                         f"{type(e).__name__}: {e}", 0) from e
