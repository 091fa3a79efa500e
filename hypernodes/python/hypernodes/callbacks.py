# SPDX-License-Identifier: LGPL-2.1-or-later
"""Callbacks with upstream hypernodes' hooks, and the built-in ones.

    from hypernodes.callbacks import PipelineCallback

    class Timing(PipelineCallback):
        def on_node_end(self, node_id, outputs, duration, ctx):
            print(node_id, duration)

    Pipeline([...], callbacks=[Timing()])

Hooks are called from the threads that do the work (pool threads of the thread pool executor,
for instance): make them thread-safe. ProgressCallback, LogCallback and TraceCallback are the
library's built-in callbacks.
"""

import threading

import gi

gi.require_version("Hn", "1")

from gi.repository import GObject, Hn  # noqa: E402

from . import _values  # noqa: E402

ProgressCallback = Hn.ProgressCallback
LogCallback = Hn.LogCallback
TraceCallback = Hn.TraceCallback

# the Python values of CallbackContext.set(), per run id: the C context stores GVariants only
_data = {}
_data_lock = threading.Lock()


class CallbackContext:
    """What a hook is told about the run it is called for: ids, depth, the path of nested
    pipelines, and a key/value store shared by the callbacks of one run (nested runs too)."""

    def __init__(self, context):
        self._context = context

    @property
    def run_id(self):
        """The id shared by a run and everything it starts."""
        return self._context.get_run_id()

    @property
    def depth(self):
        """The nesting depth: 0 for the top-level run."""
        return self._context.get_depth()

    @property
    def hierarchy_path(self):
        """The names of the enclosing runs, outermost first."""
        return [name for name in self._context.dup_hierarchy() if name]

    @property
    def current_pipeline_id(self):
        """The name of the run the event is about (None at the top level)."""
        return self._context.get_name()

    @property
    def map_index(self):
        """The item of the enclosing map this run is for, or None."""
        index = self._context.get_map_index()
        return None if index < 0 else index

    def set(self, key, value):
        """Stores @value (any Python object) for other callbacks of this run."""
        with _data_lock:
            _data.setdefault(self.run_id, {})[key] = value

    def get(self, key, default=None):
        """The value another callback stored under @key, or @default."""
        with _data_lock:
            return _data.get(self.run_id, {}).get(key, default)


def _outputs_of(node, result):
    names = list(node.get_outputs())
    if len(names) == 1:
        return {names[0]: _values.from_variant(result)}
    return {n: _values.from_variant(result.get_child_value(i)) for i, n in enumerate(names)}


_HOOKS = {
    "on_pipeline_start": Hn.CallbackEvents.RUNS, "on_pipeline_end": Hn.CallbackEvents.RUNS,
    "on_map_start": Hn.CallbackEvents.RUNS, "on_map_end": Hn.CallbackEvents.RUNS,
    "on_map_item_start": Hn.CallbackEvents.MAP_ITEMS,
    "on_map_item_end": Hn.CallbackEvents.MAP_ITEMS,
    "on_map_item_cached": Hn.CallbackEvents.MAP_ITEMS,
    "on_node_start": Hn.CallbackEvents.NODES, "on_node_end": Hn.CallbackEvents.NODES,
    "on_node_cached": Hn.CallbackEvents.NODES, "on_error": Hn.CallbackEvents.NODES,
    "on_nested_pipeline_start": Hn.CallbackEvents.NESTED,
    "on_nested_pipeline_end": Hn.CallbackEvents.NESTED,
}


class PipelineCallback(GObject.Object, Hn.Callback):
    """Base class of Python callbacks: override the on_* hooks you need (upstream hypernodes'
    names and arguments). Subclasses that define __init__ must call super().__init__()."""

    __gtype_name__ = "HnPythonPipelineCallback"

    # the hooks, all optional
    def on_pipeline_start(self, pipeline_id, inputs, ctx):
        """A run starts with @inputs (a dict)."""

    def on_pipeline_end(self, pipeline_id, outputs, duration, ctx):
        """A run is over after @duration seconds; @outputs is None if it failed."""

    def on_node_start(self, node_id, inputs, ctx):
        """Node @node_id is called with @inputs (a dict)."""

    def on_node_end(self, node_id, outputs, duration, ctx):
        """Node @node_id returned @outputs (a dict) after @duration seconds."""

    def on_node_cached(self, node_id, signature, ctx):
        """Node @node_id's outputs came from the cache, under key @signature."""

    def on_error(self, node_id, error, ctx):
        """Node @node_id failed with @error (a GLib.Error); the error still propagates."""

    def on_nested_pipeline_start(self, parent_id, child_pipeline_id, ctx):
        """A nested pipeline starts; @ctx is its context (one level deeper)."""

    def on_nested_pipeline_end(self, parent_id, child_pipeline_id, duration, ctx):
        """A nested pipeline is done after @duration seconds."""

    def on_map_start(self, total_items, ctx):
        """A map over @total_items items starts."""

    def on_map_item_start(self, item_index, ctx):
        """Item @item_index of the map starts."""

    def on_map_item_end(self, item_index, duration, ctx):
        """Item @item_index is done after @duration seconds."""

    def on_map_item_cached(self, item_index, signature, ctx):
        """Item @item_index came from the cache whole (@signature is None)."""

    def on_map_end(self, total_duration, ctx):
        """The map is over after @total_duration seconds."""

    # the library's hooks, forwarded
    def do_get_events(self, is_map, depth):
        events = 0
        for name, flag in _HOOKS.items():
            if getattr(type(self), name) is not getattr(PipelineCallback, name):
                events |= int(flag)
        return Hn.CallbackEvents(events)

    @staticmethod
    def _pipeline_id(pipeline):
        return pipeline.get_name() or "pipeline"

    def do_pipeline_start(self, pipeline, inputs, context):
        self.on_pipeline_start(self._pipeline_id(pipeline),
                               _values.vardict_to_dict(inputs) if inputs is not None else {},
                               CallbackContext(context))

    def do_pipeline_end(self, pipeline, outputs, duration, context):
        ctx = CallbackContext(context)
        self.on_pipeline_end(self._pipeline_id(pipeline),
                             _values.vardict_to_dict(outputs) if outputs is not None else None,
                             duration, ctx)
        _forget(ctx)

    def do_map_start(self, pipeline, n_items, context):
        self.on_map_start(n_items, CallbackContext(context))

    def do_map_end(self, pipeline, duration, context):
        ctx = CallbackContext(context)
        self.on_map_end(duration, ctx)
        _forget(ctx)

    def do_map_item_start(self, index, context):
        self.on_map_item_start(index, CallbackContext(context))

    def do_map_item_end(self, index, duration, context):
        self.on_map_item_end(index, duration, CallbackContext(context))

    def do_map_item_cached(self, index, context):
        self.on_map_item_cached(index, None, CallbackContext(context))

    def do_node_start(self, node, item, args, *rest):
        # PyGObject 3.42 passes the array's length too: (args, n_args, context)
        context = rest[-1]
        inputs = {n: _values.from_variant(v) for n, v in zip(node.get_inputs(), args)}
        self.on_node_start(node.get_name(), inputs, CallbackContext(context))

    def do_node_end(self, node, item, result, duration, context):
        self.on_node_end(node.get_name(), _outputs_of(node, result), duration,
                         CallbackContext(context))

    def do_node_cached(self, node, item, signature, context):
        self.on_node_cached(node.get_name(), signature, CallbackContext(context))

    def do_node_error(self, node, item, error, context):
        self.on_error(node.get_name(), error, CallbackContext(context))

    def do_nested_pipeline_start(self, node, item, context):
        ctx = CallbackContext(context)
        parent = context.get_parent()
        self.on_nested_pipeline_start(parent.get_name() if parent else None, node.get_name(), ctx)

    def do_nested_pipeline_end(self, node, item, duration, context):
        ctx = CallbackContext(context)
        parent = context.get_parent()
        self.on_nested_pipeline_end(parent.get_name() if parent else None, node.get_name(),
                                    duration, ctx)


def _forget(ctx):
    if ctx.depth == 0:
        with _data_lock:
            _data.pop(ctx.run_id, None)


__all__ = ["PipelineCallback", "CallbackContext", "ProgressCallback", "LogCallback",
           "TraceCallback"]
