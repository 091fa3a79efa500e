# SPDX-License-Identifier: LGPL-2.1-or-later
"""Calling nodes from engine tasks.

A NodeCall is a small picklable description of a node: engines send it to their UDFs or tasks
instead of the node itself, which is a GObject. In this process it finds the node in a registry;
in another process (Ray, Dask workers) it rebuilds the node: Python functions travel by
cloudpickle, C nodes by the path of their HnModule and their name.
"""

import threading

from gi.repository import GLib

from . import _values
from ._errors import (ENGINE_MISSING, EXECUTOR_DOMAIN, NODE_FAILED, NODE_INVALID_RESULT,
                      NOT_SHIPPABLE, HnError, NodeFailure)

# column encodings: GVariant type string -> Daft dtype factory name
NATIVE_TYPES = {
    "b": "bool", "y": "uint8", "n": "int16", "q": "uint16", "i": "int32", "u": "uint32",
    "x": "int64", "t": "uint64", "d": "float64", "s": "string", "ay": "binary",
    "as": ("list", "string"), "ax": ("list", "int64"), "ai": ("list", "int32"),
    "ad": ("list", "float64"), "ab": ("list", "bool"),
}


def encode(variant, type_string):
    """A value as it is stored in an engine column: native for NATIVE_TYPES, else bytes."""
    if type_string in NATIVE_TYPES:
        return _values.from_variant(variant)
    return _values.serialize(variant)


def decode(value, type_string):
    if type_string in NATIVE_TYPES:
        return _values.to_variant(value, type_string)
    return _values.deserialize(value)


_registry = {}
_registry_lock = threading.Lock()
_worker_cache = {}


def register(node):
    with _registry_lock:
        _registry[id(node)] = node
    return id(node)


def unregister(key):
    with _registry_lock:
        _registry.pop(key, None)


class NodeCall:
    """How to call one node, and how its ports are encoded."""

    def __init__(self, node, input_types, output_types, shippable):
        from gi.repository import Hn

        self.name = node.get_name()
        self.inputs = list(node.get_inputs())
        self.outputs = list(node.get_outputs())
        self.input_types = input_types
        self.output_types = output_types
        # declared types to check results against (None: anything)
        self.declared = []
        for o in self.outputs:
            t = node.get_output_type(o).dup_string()
            self.declared.append(None if t == "*" else t)
        from ._pynode import PythonNode

        func = node.func if isinstance(node, PythonNode) else None
        self.python_output_types = node.output_type_hints if func is not None else None
        self.positional = node.positional if func is not None else 0
        self.key = None
        self.pickled = None
        self.module = None
        if shippable:
            if func is not None:
                import cloudpickle

                self.pickled = cloudpickle.dumps(func)
            else:
                found, path, module_name = Hn.Module.get_node_origin(node)
                if not found:
                    raise HnError(EXECUTOR_DOMAIN, NOT_SHIPPABLE,
                                  f"Node “{self.name}” cannot be sent to another process: it is "
                                  "a C node made in this process only. Register it in an "
                                  "HnModule, or write it in Python")
                self.module = (path, module_name)
        else:
            self.key = register(node)
        self._func = func

    def release(self):
        if self.key is not None:
            unregister(self.key)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_func"] = None
        return state

    def _resolve(self):
        """(python function or None, node or None) in this process."""
        if self.key is not None:
            from ._pynode import PythonNode

            node = _registry[self.key]
            return (node.func if isinstance(node, PythonNode) else None), node
        if self.pickled is not None:
            func = _worker_cache.get(self.pickled)
            if func is None:
                import cloudpickle

                func = _worker_cache[self.pickled] = cloudpickle.loads(self.pickled)
            return func, None
        path, name = self.module
        node = _worker_cache.get((path, name))
        if node is None:
            import gi

            gi.require_version("Hn", "1")
            from gi.repository import Hn

            module = Hn.Module.load(path)
            node = module.get_node(name)
            if node is None:
                raise HnError(EXECUTOR_DOMAIN, ENGINE_MISSING,
                              f"Module {path} has no node “{name}”")
            _worker_cache[(path, name)] = node
        return None, node

    def invalid(self, item, message):
        return NodeFailure(self.name, item, message, NODE_INVALID_RESULT)

    def call(self, item, values):
        """Runs the node on encoded argument values; returns the result GLib.Variant."""
        func, node = self._resolve()
        try:
            if func is not None:
                from ._pynode import call_function, pack_result

                out = call_function(func, self.inputs, self.positional,
                                    [_values.from_variant(decode(v, t))
                                     for v, t in zip(values, self.input_types)])
                result = pack_result(self.name, self.outputs, self.python_output_types, out)
            else:
                result = node.invoke([decode(v, t) for v, t in zip(values, self.input_types)],
                                     None)
        except GLib.Error as e:
            raise NodeFailure(self.name, item, e.message) from None
        except HnError:
            raise
        except Exception as e:
            raise NodeFailure(self.name, item, f"{type(e).__name__}: {e}") from None
        if result is None:
            raise self.invalid(item, "returned no value and no error")
        return result

    def split(self, item, result):
        """The result as one GLib.Variant per output, checked against declared types."""
        n = len(self.outputs)
        if n == 1:
            members = [result]
        else:
            t = result.get_type_string()
            if not t.startswith("(") or result.n_children() != n:
                raise self.invalid(item, f"has {n} outputs and must return a tuple of {n} "
                                         f"values, not a value of type “{t}”")
            members = [result.get_child_value(i) for i in range(n)]
        for member, output, declared in zip(members, self.outputs, self.declared):
            if declared is not None and not member.is_of_type(GLib.VariantType.new(declared)):
                raise self.invalid(item, f"returned type “{member.get_type_string()}” for "
                                         f"output “{output}”, declared as “{declared}”")
        return members


# Bodies of engine UDFs and tasks: module-level, so that the functions engines pickle refer to
# them by name (gi's modules themselves cannot be pickled).

def run_call(call, item, values):
    """Runs @call on encoded @values; returns the encoded single output, or the serialized tuple
    of a node with several outputs."""
    members = call.split(item, call.call(item, values))
    if len(members) == 1:
        return encode(members[0], call.output_types[0])
    return _values.serialize(GLib.Variant.new_tuple(*members))


def member(blob, index, type_string):
    """Output @index of a serialized multi-output result, encoded for its column."""
    return encode(_values.deserialize(blob).get_child_value(index), type_string)


def run_batch(call, items, columns):
    """run_call() over a batch of rows: @columns holds one list of values per input."""
    return [run_call(call, item, [column[row] for column in columns])
            for row, item in enumerate(items)]
