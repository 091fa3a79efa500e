# SPDX-License-Identifier: LGPL-2.1-or-later
"""PyGObject override for hypernodes (Hn-1): a Pythonic API.

    from gi.repository import Hn

    @Hn.node(output_name="doubled")
    def double(x):
        return x * 2

    pipeline = Hn.Pipeline([double])
    pipeline.run({"x": 5})                       # {'doubled': 10}
    pipeline.map({"x": [1, 2, 3]}, ["x"])        # [{'doubled': 2}, ...]

Values in and out are plain Python values, converted to and from GLib.Variant.
"""

from gi.repository import GLib, GObject

from ..module import get_introspection_module
from ..overrides import override

from hypernodes import _values

Hn = get_introspection_module("Hn")

__all__ = []


def _outputs_list(output_name):
    if output_name is None:
        return None
    if isinstance(output_name, str):
        return [output_name]
    return list(output_name)


def node(func=None, *, output_name, name=None, input_types=None, output_types=None):
    """Makes a node of a function; its parameter names are the node's inputs.

    output_name is a string, or a tuple of strings for a function that returns a tuple.
    input_types and output_types optionally give GVariant type strings per port.
    """
    # PythonNode lives in the hypernodes package: PyGObject registers no GType for classes
    # defined in an override module, and would hook its vfuncs into HnNode itself.
    from hypernodes._pynode import PythonNode

    outputs = (output_name,) if isinstance(output_name, str) else tuple(output_name)

    def wrap(f):
        return PythonNode(f, name or f.__name__, outputs, input_types, output_types)

    return wrap if func is None else wrap(func)


__all__ += ["node"]


def _as_nodes(nodes):
    """The nodes of a pipeline: a Pipeline among them is nested as a node of its own."""
    out = []
    for n in nodes:
        if isinstance(n, Hn.Pipeline):
            n = Pipeline.as_node(n)
        out.append(n)
    return out


def _mapping(mapping, what):
    if mapping is None:
        return None
    if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()):
        raise TypeError(f"{what} must be a dict of names to names, not {mapping!r}")
    return GLib.Variant("a{ss}", mapping)


def _map_mode(mode):
    if isinstance(mode, str):
        if mode not in ("zip", "product"):
            raise ValueError(f"map_mode must be 'zip' or 'product', not {mode!r}")
        return Hn.MapMode.ZIP if mode == "zip" else Hn.MapMode.PRODUCT
    return mode


class Pipeline(Hn.Pipeline):
    """Pipeline(nodes, name=None) builds and validates the graph; raises GLib.Error on a bad graph.

    A Pipeline among the nodes is nested as a node (see as_node()).
    """

    def __new__(cls, nodes=(), name=None):
        return Hn.Pipeline.new_named(name, _as_nodes(nodes))

    def __init__(self, nodes=(), name=None):
        pass

    @property
    def name(self):
        return self.get_name()

    @property
    def nodes(self):
        return list(self.get_nodes())

    @property
    def root_inputs(self):
        return list(self.get_root_inputs())

    @property
    def unfulfilled_args(self):
        """The root inputs that are not bound: what a run must be given."""
        return tuple(self.get_unfulfilled_inputs())

    @property
    def bound_inputs(self):
        """The bound inputs, as a dict."""
        bound = self.get_bound_inputs()
        return {} if bound is None else _values.vardict_to_dict(bound)

    @property
    def outputs(self):
        return list(self.get_outputs())

    def with_config(self, config):
        return Hn.Pipeline.with_config(self, config)

    def bind(self, **values):
        """A pipeline sharing this one's graph with @values bound to their inputs."""
        return Hn.Pipeline.bind(self, _values.dict_to_vardict(values))

    def unbind(self, *names):
        """A pipeline without the bound values of @names (all when none is named)."""
        return Hn.Pipeline.unbind(self, list(names) if names else None)

    def as_node(self, name=None, input_mapping=None, output_mapping=None, map_over=None,
                map_mode="zip"):
        """This pipeline as a node of another one.

        input_mapping maps outer input names to inner ones, output_mapping inner output names to
        outer ones (only mapped outputs are then exposed); map_over names inputs (outer names)
        that are lists the inner pipeline maps over, each output becoming a list.
        """
        if isinstance(map_over, str):
            map_over = [map_over]
        return Hn.Pipeline.as_node(self, name, _mapping(input_mapping, "input_mapping"),
                                   _mapping(output_mapping, "output_mapping"),
                                   list(map_over) if map_over else None, _map_mode(map_mode))

    def run(self, inputs=None, output_name=None, cancellable=None):
        """Runs once; returns a dict of the requested outputs (all when output_name is None)."""
        result = Hn.Pipeline.run(self, _values.dict_to_vardict(inputs or {}),
                                 _outputs_list(output_name), cancellable)
        return _values.vardict_to_dict(result)

    def map(self, inputs, map_over, mode="zip", output_name=None, cancellable=None,
            map_mode=None):
        """Runs once per item of the lists in inputs named by map_over; returns a list of dicts."""
        if isinstance(map_over, str):
            map_over = [map_over]
        if map_mode is not None:
            mode = map_mode
        if isinstance(mode, str) and mode not in ("zip", "product"):
            raise ValueError(f"mode must be 'zip' or 'product', not {mode!r}")
        result = Hn.Pipeline.map(self, _values.dict_to_vardict(inputs), list(map_over),
                                 _map_mode(mode), _outputs_list(output_name), cancellable)
        return _values.variant_to_items(result)


Pipeline = override(Pipeline)
__all__.append("Pipeline")


class RuntimeConfig(Hn.RuntimeConfig):
    """RuntimeConfig(backend=None, executor=None, retries=0, timeout=None): where and how
    pipelines run; a failed node call is tried again up to @retries times, and a run that takes
    longer than @timeout seconds fails."""

    def __new__(cls, backend=None, executor=None, retries=0, timeout=None):
        if retries < 0:
            raise ValueError(f"retries must be 0 or more, not {retries!r}")
        if timeout is not None and timeout <= 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        kwargs = {"retries": retries, "timeout": float(timeout or 0)}
        if backend is not None:
            kwargs["backend"] = backend
        if executor is not None:
            kwargs["executor"] = executor
        return GObject.new(Hn.RuntimeConfig, **kwargs)

    def __init__(self, backend=None, executor=None, retries=0, timeout=None):
        pass

    @property
    def backend(self):
        return self.get_backend()

    @property
    def executor(self):
        return self.get_executor()

    @property
    def retries(self):
        return self.get_retries()

    @property
    def timeout(self):
        t = self.get_timeout()
        return None if t == 0 else t


def set_default_config(config):
    """Sets the configuration pipelines without one of their own use (None: local, sequential)."""
    if config is None:
        config = Hn.RuntimeConfig.new(None, None)
    config.set_default()


def get_default_config():
    """The configuration pipelines without one of their own use."""
    return Hn.RuntimeConfig.get_default()


__all__ += ["set_default_config", "get_default_config"]

RuntimeConfig = override(RuntimeConfig)
__all__.append("RuntimeConfig")


class _ExecutorMixin:
    """Pythonic run_pipeline and map_items on every executor class."""

    def run_pipeline(self, pipeline, inputs=None, context=None, output_name=None,
                     cancellable=None):
        result = Hn.Executor.run_pipeline(self, pipeline, _values.dict_to_vardict(inputs or {}),
                                          context, _outputs_list(output_name), cancellable)
        return _values.vardict_to_dict(result)

    def map_items(self, pipeline, items, inputs=None, context=None, output_name=None,
                  cancellable=None):
        result = Hn.Executor.map_items(self, pipeline, _values.items_to_variant(items),
                                       _values.dict_to_vardict(inputs or {}), context,
                                       _outputs_list(output_name), cancellable)
        return _values.variant_to_items(result)


class SequentialExecutor(_ExecutorMixin, Hn.SequentialExecutor):
    pass


class ThreadPoolExecutor(_ExecutorMixin, Hn.ThreadPoolExecutor):
    def __init__(self, max_workers=0, **kwargs):
        super().__init__(max_workers=max_workers, **kwargs)


class AsyncExecutor(_ExecutorMixin, Hn.AsyncExecutor):
    def __init__(self, max_concurrency=0, **kwargs):
        super().__init__(max_concurrency=max_concurrency, **kwargs)


class DaftExecutor(_ExecutorMixin, Hn.DaftExecutor):
    """DaftExecutor(runner="local" | "ray", ray_address=None, collect=True, show_plan=False,
    debug=False, python=None)"""

    def __init__(self, runner="local", ray_address=None, collect=True, show_plan=False,
                 debug=False, python=None):
        if isinstance(runner, str):
            try:
                _, runner = Hn.daft_runner_from_string(runner)
            except GLib.Error as e:
                raise ValueError(e.message) from None
        super().__init__(runner=runner, ray_address=ray_address, collect=collect,
                         show_plan=show_plan, debug=debug, python=python)

    @property
    def runner(self):
        return Hn.daft_runner_to_string(self.get_runner())

    @property
    def ray_address(self):
        return self.get_ray_address()

    @property
    def collect(self):
        return self.get_collect()

    @property
    def show_plan(self):
        return self.get_show_plan()

    @property
    def debug(self):
        return self.get_debug()


SequentialExecutor = override(SequentialExecutor)
ThreadPoolExecutor = override(ThreadPoolExecutor)
AsyncExecutor = override(AsyncExecutor)
DaftExecutor = override(DaftExecutor)
__all__ += ["SequentialExecutor", "ThreadPoolExecutor", "AsyncExecutor", "DaftExecutor"]
