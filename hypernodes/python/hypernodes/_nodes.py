# SPDX-License-Identifier: LGPL-2.1-or-later
"""Calling nodes from engine tasks.

A NodeCall is a small picklable description of a node: engines send it to their UDFs or tasks
instead of the node itself, which is a GObject. In this process it finds the node in a registry;
in another process (Ray, Dask workers) it rebuilds the node: Python functions travel by
cloudpickle, C nodes by the path of their HnModule and their name, pipeline nodes by the
recipes of their inner nodes.
"""

import threading

from gi.repository import GLib

from . import _native, _values
from ._errors import (ENGINE_MISSING, EXECUTOR_DOMAIN, NOT_SHIPPABLE, HnError, NodeFailure,
                      pickle_exception)

# GVariant types whose values Daft keeps in a column of its own type: type string -> Daft
# dtype factory name
NATIVE_TYPES = {
    "b": "bool", "y": "uint8", "n": "int16", "q": "uint16", "i": "int32", "u": "uint32",
    "x": "int64", "t": "uint64", "d": "float64", "s": "string", "ay": "binary",
    "as": ("list", "string"), "ax": ("list", "int64"), "ai": ("list", "int32"),
    "ad": ("list", "float64"), "ab": ("list", "bool"),
}


_registry = {}
_registry_lock = threading.Lock()
_worker_cache = {}
_worker_lock = threading.Lock()


def register(obj):
    with _registry_lock:
        _registry[id(obj)] = obj
    return id(obj)


def unregister(key):
    with _registry_lock:
        _registry.pop(key, None)


def _type_strings(node, ports, getter):
    return [getter(p).dup_string() for p in ports]


def describe(node):
    """A picklable recipe that rebuilds @node in another process: Python functions by cloudpickle,
    C nodes by their HnModule, pipeline nodes by the recipes of their inner nodes."""
    from gi.repository import Hn

    from ._pynode import PythonNode

    name = node.get_name()
    if isinstance(node, Hn.PipelineNode):
        inner = node.get_pipeline()
        bound = inner.get_bound_inputs()
        in_map, out_map = node.get_input_mapping(), node.get_output_mapping()
        map_over = node.get_map_over()
        return {"kind": "pipeline", "name": name, "pipeline_name": inner.get_name(),
                "nodes": [describe(n) for n in inner.get_nodes()],
                "bound": _values.serialize(bound) if bound is not None else None,
                "input_mapping": in_map.unpack() if in_map is not None else None,
                "output_mapping": out_map.unpack() if out_map is not None else None,
                "map_over": list(map_over) if map_over else None,
                "map_mode": int(node.get_map_mode())}
    if isinstance(node, PythonNode):
        import cloudpickle

        return {"kind": "python", "pickled": cloudpickle.dumps(node.func), "name": name,
                "outputs": list(node.get_outputs()),
                "input_types": _type_strings(node, node.get_inputs(), node.get_input_type),
                "output_types": list(node.output_type_hints),
                "cache": node.get_cache(), "version": node.user_version,
                "full_version": node.get_version()}
    found, path, module_name = Hn.Module.get_node_origin(node)
    if not found:
        raise HnError(EXECUTOR_DOMAIN, NOT_SHIPPABLE,
                      f"Node “{name}” cannot be sent to another process: it is a C node made in "
                      "this process only. Register it in an HnModule, or write it in Python")
    return {"kind": "module", "path": path, "name": module_name}


def rebuild(recipe):
    """The node of a recipe made by describe()."""
    import gi

    gi.require_version("Hn", "1")
    from gi.module import get_introspection_module
    from gi.repository import GLib as _GLib

    # the C API, not the Pythonic override: the recipe holds GLib values already
    Hn = get_introspection_module("Hn")
    kind = recipe["kind"]
    if kind == "python":
        import cloudpickle

        from ._pynode import PythonNode

        types = [None if t in (None, "*") else t for t in recipe["output_types"]]
        return PythonNode(cloudpickle.loads(recipe["pickled"]), recipe["name"],
                          recipe["outputs"], recipe["input_types"],
                          types if any(t is not None for t in types) else None,
                          cache=recipe.get("cache", True), version=recipe.get("version"),
                          _full_version=recipe.get("full_version"))
    if kind == "module":
        module = Hn.Module.load(recipe["path"])
        node = module.get_node(recipe["name"])
        if node is None:
            raise HnError(EXECUTOR_DOMAIN, ENGINE_MISSING,
                          f"Module {recipe['path']} has no node “{recipe['name']}”")
        return node
    pipeline = Hn.Pipeline.new_named(recipe["pipeline_name"],
                                     [rebuild(r) for r in recipe["nodes"]])
    if recipe["bound"] is not None:
        pipeline = Hn.Pipeline.bind(pipeline, _values.deserialize(recipe["bound"]))

    def mapping(m):
        return _GLib.Variant("a{ss}", m) if m is not None else None

    return Hn.Pipeline.as_node(pipeline, recipe["name"], mapping(recipe["input_mapping"]),
                               mapping(recipe["output_mapping"]), recipe["map_over"],
                               Hn.MapMode(recipe["map_mode"]))


class NodeCall:
    """How to call one node from an engine task, and how its ports are encoded.

    Calls go through the library's invocation path (hn_run_invoke_node_values, through
    hypernodes._native.invoke_rows), a batch of rows at a time: in this process with
    the run being executed, found in a registry; in a worker process with a run of a one-node
    pipeline made there once, with the same retries."""

    def __init__(self, run, node, input_types, output_types, shippable, record=False):
        self.node = node      # in this process only: not pickled
        self.record = record  # bring the worker's node events back with the result
        self.name = node.get_name()
        self.inputs = list(node.get_inputs())
        self.outputs = list(node.get_outputs())
        self.input_types = input_types
        self.output_types = output_types
        self.retries = run.get_config().get_retries()
        self.key = self.run_key = None
        self.recipe = None
        from gi.repository import Hn

        cache = run.get_config().get_cache()
        # a disk cache is shared by the processes of this machine; a memory cache is not
        self.cache_dir = cache.get_directory() if isinstance(cache, Hn.DiskCache) else None
        if shippable:
            self.recipe = describe(node)
        else:
            self.key = register(node)
            self.run_key = register(run)

    def __getstate__(self):
        state = dict(self.__dict__)
        state["node"] = None
        return state

    def release(self):
        if self.key is not None:
            unregister(self.key)
            unregister(self.run_key)

    def resolve(self):
        """(node, run, recorder) in this process: the host's node and run, found in the
        registry, or in a worker the node rebuilt from its recipe once per process, with a run
        of a one-node pipeline made there."""
        if self.key is not None:
            return _registry[self.key], _registry[self.run_key], None
        cache_key = (self.name, repr(self.recipe), self.record, self.cache_dir, self.retries)
        with _worker_lock:
            found = _worker_cache.get(cache_key)
            if found is None:
                from gi.repository import Hn

                try:
                    node = rebuild(self.recipe)
                except HnError:
                    raise
                except Exception as e:
                    why = f"{type(e).__name__}: {e}" if not hasattr(e, "domain") else str(e)
                    hint = (". A Python node's function travels by reference to its module "
                            "when that module can be imported: the workers must be able to "
                            "import it too (install it where they run, or put its directory on "
                            "their PYTHONPATH)" if self.recipe.get("kind") == "python" else
                            ": the workers must be able to load its module too")
                    raise NodeFailure(EXECUTOR_DOMAIN, NOT_SHIPPABLE,
                                      f"Node “{self.name}” cannot be loaded in a worker "
                                      f"process: {why}{hint}", self.name) from None
                pipeline = Hn.Pipeline.new([node])
                recorder = _Recorder() if self.record else None
                cache = Hn.DiskCache(self.cache_dir) if self.cache_dir else None
                config = Hn.RuntimeConfig(retries=self.retries, cache=cache,
                                          callbacks=[recorder] if recorder else None)
                run = Hn.Run.new(Hn.Pipeline.with_config(pipeline, config), None, None, None,
                                 None)
                found = _worker_cache[cache_key] = (node, run, recorder)
        return found

    def invoke_rows(self, target, args, n, items, events=None, position=0, cached=None):
        """Calls the node of @target (from resolve()) on @n rows of values (@args: a list of
        values per input) through the invocation path; @items is None (a single run), the item
        of the first row, or a list of items. Returns (a list of values per output, the number
        of rows that succeeded, the NodeFailure of the row after them or None). When recording,
        the envelope of each call's events goes to @events as (@position, item, blob); with
        @cached (a list of n booleans), a row whose call the cache did not answer becomes
        False."""
        node, run, recorder = target
        if recorder is None:
            outputs, n_done, failure, hits = _native.invoke_rows(run, node, args, n, items,
                                                                 cached is not None)
            if cached is not None:
                for row, hit in enumerate(hits):
                    if not hit:
                        cached[row] = False
            if failure is None:
                return outputs, n_done, None
            return outputs, n_done, self._failure(failure, _item_of(items, n_done))
        # recording: a call at a time, each with the events the recorder saw
        outputs = [[] for _ in self.outputs]
        for row in range(n):
            item = _item_of(items, row)
            recorder.begin()
            out, n_done, failure, hits = _native.invoke_rows(
                run, node, [[a[row]] for a in args], 1, None if item < 0 else item,
                cached is not None)
            if failure is not None:
                return outputs, row, self._failure(failure, item)
            if cached is not None and not hits[0]:
                cached[row] = False
            for values, value in zip(outputs, out):
                values.append(value[0])
            if events is not None:
                events.append((position, item, _values.serialize(recorder.envelope())))
        return outputs, n, None

    def _failure(self, failure, item):
        """The NodeFailure of a failure of invoke_rows(), naming the node and the item."""
        if failure is None:
            return None
        domain, code, message, exception = failure
        return NodeFailure(domain, code, message, self.name, item,
                           pickle_exception(exception) if exception is not None else None)


def _item_of(items, row):
    if items is None:
        return -1
    if isinstance(items, int):
        return items + row
    return items[row]


def unpack_envelope(blob):
    """(args, result, duration, signature) of an envelope made by _Recorder.envelope()."""
    env = _values.deserialize(blob)
    args = [env.get_child_value(1).get_child_value(i).get_variant()
            for i in range(env.get_child_value(1).n_children())]
    signature = env.get_child_value(3).get_maybe()
    return (args, env.get_child_value(0).get_variant(), env.get_child_value(2).get_double(),
            signature.get_string() if signature is not None else None)


def _recorder_class():
    from gi.repository import GObject, Hn

    from .callbacks import PipelineCallback

    class Recorder(PipelineCallback):
        """In a worker: the events of the calls of this thread, to send back with the result."""

        __gtype_name__ = "HnWorkerRecorder"

        def __init__(self):
            super().__init__()
            self.local = threading.local()

        def begin(self):
            self.local.args, self.local.duration, self.local.signature = [], 0.0, None
            self.local.result = GLib.Variant("mv", None)

        def envelope(self):
            return GLib.Variant.new_tuple(GLib.Variant("v", self.local.result),
                                          GLib.Variant("av", [GLib.Variant("v", a)
                                                              for a in self.local.args]),
                                          GLib.Variant("d", self.local.duration),
                                          GLib.Variant("ms", self.local.signature))

        def do_get_events(self, is_map, depth):
            # the node of the task only; a nested pipeline's own nodes stay in the worker
            return Hn.CallbackEvents.NODES if depth == 0 else Hn.CallbackEvents.NONE

        def do_node_start(self, node, item, args, *rest):
            self.local.args = list(args)

        def do_node_end(self, node, item, result, duration, context):
            self.local.result = result
            self.local.duration = duration

        def do_node_cached(self, node, item, signature, context):
            self.local.signature = signature

    del GObject
    return Recorder


def _Recorder():
    global _RecorderClass
    if _RecorderClass is None:
        _RecorderClass = _recorder_class()
    return _RecorderClass()


_RecorderClass = None
