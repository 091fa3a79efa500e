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

Public names: node, Pipeline, RuntimeConfig, Backend, LocalBackend, Executor,
SequentialExecutor, ThreadPoolExecutor, AsyncExecutor, DaftExecutor, Visualization; everything
else in
gi.repository.Hn is the introspected C API.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Any, Callable, Dict, List, Mapping, Optional, Sequence, Tuple, Union

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


def node(func: Union[Callable[..., Any], str, None] = None,
         output_name: Union[str, Tuple[str, ...], None] = None, *, name: Optional[str] = None,
         input_types: Optional[Sequence[Optional[str]]] = None,
         output_types: Optional[Sequence[Optional[str]]] = None, cache: bool = True,
         version: Optional[str] = None) -> Any:
    """Makes a node of a function; its parameters are the node's inputs.

    Every spelling of upstream hypernodes works: ``@node``, ``@node()``, ``@node("y")``,
    ``@node(output_name="y")`` and ``node(f, output_name="y")``. The output is named after the
    function unless output_name says otherwise; a tuple of names is for a function that
    returns a tuple (split in order into those outputs). A parameter with a default is an
    optional input: the default is used when a run neither gives nor computes it.

    name defaults to the function's name. input_types and output_types optionally give a
    GVariant type string per port, in order (for example ``input_types=["x"]``): the pipeline
    checks connected ports against them and converts values with them; untyped ports pass any
    Python object as it is. cache=False makes the node run every time even with a cache;
    version is part of its cache key, with a hash of the function's code (so changed code is a
    miss). An ``async def`` function is awaited. Returns a hypernodes.PythonNode, which can
    still be called as the function.
    """
    # PythonNode lives in the hypernodes package: PyGObject registers no GType for classes
    # defined in an override module, and would hook its vfuncs into HnNode itself.
    from hypernodes._pynode import PythonNode

    if isinstance(func, str) and output_name is None:  # @node("y")
        func, output_name = None, func
    if output_name is not None and not isinstance(output_name, (str, tuple, list)):
        raise TypeError(f"output_name must be a str or a tuple of str, not "
                        f"{type(output_name).__name__}")

    def wrap(f):
        if not callable(f):
            raise TypeError(f"node() needs a function, not {type(f).__name__}")
        out = output_name if output_name is not None else f.__name__
        outputs = (out,) if isinstance(out, str) else tuple(out)
        return PythonNode(f, name or f.__name__, outputs, input_types, output_types,
                          cache=cache, version=version,
                          output_name=out if isinstance(out, str) else tuple(out))

    return wrap if func is None else wrap(func)


__all__ += ["node"]


def _inputs_dict(inputs):
    if inputs is None:
        return None
    if isinstance(inputs, GLib.Variant):
        if inputs.get_type_string() != "a{sv}":
            from hypernodes import _errors

            raise _errors.PipelineInputError(
                f"The inputs must be a dictionary of type “a{{sv}}”, not "
                f"“{inputs.get_type_string()}”", _errors.PIPELINE_DOMAIN, 8)
        return _values.vardict_to_dict(inputs)
    if not isinstance(inputs, dict):
        raise TypeError(f"inputs must be a dict, not {type(inputs).__name__}")
    return inputs


def _construction_error(error):
    """A GLib.Error of pipeline construction as CycleError or DependencyError."""
    from hypernodes import _errors

    cls = (_errors.CycleError if error.code == _errors.PIPELINE_CYCLE
           else _errors.DependencyError)
    return cls(error.message, error.domain, error.code)


class Graph:
    """What a pipeline's graph is made of, as upstream hypernodes' pipeline.graph has it."""

    def __init__(self, pipeline):
        self._pipeline = pipeline

    @property
    def root_args(self):
        """The inputs no node produces, sorted."""
        return sorted(self._pipeline.get_root_inputs())

    @property
    def available_output_names(self):
        """Every output a node produces, sorted."""
        return sorted(self._pipeline.get_outputs())

    @property
    def execution_order(self):
        """The nodes, in the order they run (topological)."""
        by_name = {}
        for n in self._pipeline.get_nodes():
            by_name.setdefault(n.get_name(), n)
        return [by_name[name] for name in self._pipeline.get_topological_order()]

    def __repr__(self):
        return (f"Graph(root_args={self.root_args}, "
                f"available_output_names={self.available_output_names}, "
                f"execution_order={[n.get_name() for n in self.execution_order]})")


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
    """Pipeline(nodes, name=None, cache=None, callbacks=None): a validated graph of nodes,
    connected by matching names.

    Raises CycleError for a cycle and DependencyError for two nodes producing one output or
    ports of different types (both GLib.Error and hypernodes.HyperNodesError). Immutable:
    with_config() and bind() return copies.

    A Pipeline among the nodes is nested as a node (see as_node()). cache (a DiskCache or a
    MemoryCache) and callbacks (a list of PipelineCallback or Hn.Callback) give the pipeline a
    RuntimeConfig with them.
    """

    def __new__(cls, nodes: Sequence[Any] = (), name: Optional[str] = None, cache: Any = None,
                callbacks: Optional[Sequence[Any]] = None, **unknown: Any) -> "Pipeline":
        if unknown:
            raise TypeError(f"Pipeline() got unexpected keyword arguments: "
                            f"{', '.join(sorted(unknown))} (it takes nodes, name, cache and "
                            "callbacks; executors go in a RuntimeConfig: "
                            "pipeline.with_config(RuntimeConfig(executor=...)))")
        if isinstance(nodes, (Hn.Node, Hn.Pipeline)):
            raise TypeError("Pipeline() takes a list of nodes, not a single node")
        try:
            pipeline = Hn.Pipeline.new_named(name, _as_nodes(nodes))
        except GLib.Error as e:
            raise _construction_error(e) from None
        if cache is not None or callbacks:
            pipeline = Hn.Pipeline.with_config(pipeline, RuntimeConfig(cache=cache,
                                                                       callbacks=callbacks))
        return pipeline

    def __init__(self, nodes=(), name=None, cache=None, callbacks=None, **unknown):
        pass

    def __repr__(self):
        parts = [f"name={self.get_name()!r}"] if self.get_name() else []
        parts.append(f"nodes={len(self.get_nodes())}")
        bound = self.get_bound_inputs()
        if bound is not None and bound.n_children():
            parts.append(f"bound=[{', '.join(bound.keys())}]")
        needs = self.get_unfulfilled_inputs()
        if needs:
            parts.append(f"needs=[{', '.join(needs)}]")
        parts.append(f"outputs=[{', '.join(self.get_outputs())}]")
        return f"Pipeline({', '.join(parts)})"

    @property
    def graph(self) -> "Graph":
        """The pipeline's graph: root_args (what a run needs), available_output_names, and
        execution_order (the nodes in topological order)."""
        return Graph(self)

    @property
    def name(self) -> Optional[str]:
        """The pipeline's name (None when none was given), the default name of its node."""
        return self.get_name()

    @property
    def nodes(self) -> List[Any]:
        """The nodes, in the order they were given."""
        return list(self.get_nodes())

    @property
    def root_inputs(self) -> List[str]:
        """The names of the inputs that no node produces: what a run needs."""
        return list(self.get_root_inputs())

    @property
    def unfulfilled_args(self) -> Tuple[str, ...]:
        """The root inputs that are not bound: what a run must be given."""
        return tuple(self.get_unfulfilled_inputs())

    @property
    def bound_inputs(self) -> Dict[str, Any]:
        """The bound inputs, as a dict."""
        bound = self.get_bound_inputs()
        return {} if bound is None else _values.vardict_to_dict(bound)

    @property
    def outputs(self) -> List[str]:
        """The names of every output the nodes produce."""
        return list(self.get_outputs())

    def with_config(self, config: Any) -> "Pipeline":
        """A copy of this pipeline that runs with config (a RuntimeConfig)."""
        return Hn.Pipeline.with_config(self, config)

    def bind(self, **values: Any) -> "Pipeline":
        """A pipeline sharing this one's graph with @values bound to their inputs."""
        return Hn.Pipeline.bind(self, _values.dict_to_vardict(values))

    def unbind(self, *names: str) -> "Pipeline":
        """A pipeline without the bound values of @names (all when none is named)."""
        return Hn.Pipeline.unbind(self, list(names) if names else None)

    def as_node(self, name: Optional[str] = None,
                input_mapping: Optional[Mapping[str, str]] = None,
                output_mapping: Optional[Mapping[str, str]] = None,
                map_over: Union[str, Sequence[str], None] = None,
                map_mode: str = "zip") -> Any:
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

    def run(self, inputs: Optional[Mapping[str, Any]] = None,
            output_name: Union[str, Sequence[str], None] = None,
            cancellable: Any = None) -> Dict[str, Any]:
        """Runs once; returns a dict of the requested outputs (all when output_name is None).

        inputs is a dict of the root inputs, of any Python values: they reach Python nodes as
        they are (the same objects). output_name is an output name or a list of them; only the
        nodes they need run. cancellable is an optional Gio.Cancellable. A node's exception is
        raised as itself, with a note naming the node; a missing input or an unknown output
        raises ValueError (a hypernodes.PipelineInputError, also a GLib.Error).
        """
        from hypernodes import _native

        return _native.run(self, _inputs_dict(inputs), _outputs_list(output_name), cancellable)

    def map(self, inputs: Optional[Mapping[str, Any]] = None,
            map_over: Union[str, Sequence[str], None] = None, mode: Any = "zip",
            output_name: Union[str, Sequence[str], None] = None, cancellable: Any = None,
            map_mode: Optional[str] = None) -> List[Dict[str, Any]]:
        """Runs once per item of the lists in inputs named by map_over; returns a list of dicts.

        map_over is an input name or a list of them; their values in inputs (or bound ones) are
        lists, the other inputs are shared by every item. mode (or map_mode) "zip" pairs the
        lists (of equal length), "product" runs every combination; an Hn.MapMode works too.
        output_name is as for run(). A node's exception is raised as itself, with a note naming
        the node and the item.
        """
        from hypernodes import _native

        if map_over is None:
            raise TypeError("map() needs map_over: the name of the input (or a list of the "
                            "inputs) to map over")
        if isinstance(map_over, str):
            map_over = [map_over]
        if map_mode is not None:
            mode = map_mode
        if isinstance(mode, str) and mode not in ("zip", "product"):
            raise ValueError(f"map_mode must be 'zip' or 'product', not {mode!r}")
        inputs = _inputs_dict(inputs)
        if inputs is not None and any(isinstance(inputs.get(m), GLib.Variant) for m in map_over):
            # a GLib.Variant array maps over its elements ("av" ones unboxed)
            inputs = {k: _values.from_variant(v) if k in map_over and isinstance(v, GLib.Variant)
                      else v for k, v in inputs.items()}
        return _native.map(self, inputs, list(map_over), int(_map_mode(mode)),
                           _outputs_list(output_name), cancellable)

    def visualize(self, path=None, format="svg", collapse=False, types=True):
        """A picture of this pipeline: a Visualization, which Jupyter shows inline.

        Nested pipelines are clusters of their nodes, or single boxes with collapse=True;
        types=True shows the declared port types. With path, the picture is also saved there in
        format ("svg", "png" or "dot" for the DOT text). svg and png need Graphviz (the dot
        program); without it, RuntimeError says so.
        """
        flags = Hn.DotFlags.NONE
        if collapse:
            flags |= Hn.DotFlags.COLLAPSE_NESTED
        if types:
            flags |= Hn.DotFlags.TYPES
        picture = Visualization(Hn.Pipeline.to_dot(self, flags))
        if path is not None:
            picture.save(path, format)
        return picture


Pipeline = override(Pipeline)
__all__.append("Pipeline")


class Visualization:
    """A picture of a pipeline (from Pipeline.visualize()): its DOT text, drawn by Graphviz.

    source is the DOT text; save(path, format) writes it as svg, png or dot; in Jupyter the
    picture shows inline (_repr_svg_).
    """

    FORMATS = ("svg", "png", "dot")

    def __init__(self, source):
        self.source = source
        self._svg = None

    def render(self, format="svg"):
        """The picture in format ("svg", "png" or "dot") as bytes; svg and png run Graphviz."""
        if format not in self.FORMATS:
            raise ValueError(f"format must be one of {', '.join(self.FORMATS)}, not {format!r}")
        if format == "dot":
            return self.source.encode()
        dot = shutil.which("dot")
        if dot is None:
            raise RuntimeError(f"Graphviz is not installed: drawing {format} needs its dot "
                               "program (apt install graphviz); the DOT text is in .source")
        done = subprocess.run([dot, "-T" + format], input=self.source.encode(),
                              capture_output=True, check=False)
        if done.returncode != 0:
            raise RuntimeError("Graphviz failed: " + done.stderr.decode(errors="replace").strip())
        return done.stdout

    def save(self, path, format="svg"):
        """Writes the picture to path in format ("svg", "png" or "dot")."""
        data = self.render(format)
        with open(path, "wb") as f:
            f.write(data)

    def _repr_svg_(self):
        if self._svg is None:
            self._svg = self.render("svg").decode()
        return self._svg


__all__.append("Visualization")


class RuntimeConfig(Hn.RuntimeConfig):
    """RuntimeConfig(backend=None, executor=None, retries=0, timeout=None, cache=None,
    callbacks=None): where and how pipelines run; a failed node call is tried again up to
    @retries times, a run that takes longer than @timeout seconds fails, node results are kept
    in @cache, and @callbacks see every event."""

    def __new__(cls, backend=None, executor=None, retries=0, timeout=None, cache=None,
                callbacks=None):
        if retries < 0:
            raise ValueError(f"retries must be 0 or more, not {retries!r}")
        if timeout is not None and timeout <= 0:
            raise ValueError(f"timeout must be a positive number of seconds, not {timeout!r}")
        callbacks = list(callbacks or [])
        for c in callbacks:
            if not isinstance(c, Hn.Callback):
                raise TypeError(f"callbacks must be PipelineCallback or Hn.Callback objects, "
                                f"not {type(c).__name__}")
        return Hn.RuntimeConfig.new_full(backend, executor, cache, callbacks, retries,
                                         float(timeout or 0))

    def __init__(self, backend=None, executor=None, retries=0, timeout=None, cache=None,
                 callbacks=None):
        pass

    @property
    def backend(self):
        """The backend: where the executor runs."""
        return self.get_backend()

    @property
    def executor(self):
        """The executor: how the pipeline runs."""
        return self.get_executor()

    @property
    def cache(self):
        """The cache of node results, or None."""
        return self.get_cache()

    @property
    def callbacks(self):
        """The callbacks, in the order they see events."""
        return list(self.get_callbacks())

    @property
    def retries(self):
        """How many times a failed node call is tried again."""
        return self.get_retries()

    @property
    def timeout(self):
        """How long a run may take, in seconds; None for no limit."""
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


class Backend(Hn.Backend):
    """Where an executor runs (the base class). LocalBackend runs it in this process."""


Backend = override(Backend)
__all__.append("Backend")


class LocalBackend(Hn.LocalBackend):
    """LocalBackend(): runs the executor in this process."""


LocalBackend = override(LocalBackend)
__all__.append("LocalBackend")


class Executor(Hn.Executor):
    """How a pipeline runs (an interface): run_pipeline() and map_items().

    Implemented by SequentialExecutor, ThreadPoolExecutor, AsyncExecutor, DaftExecutor,
    DaskExecutor and RayExecutor.
    """


Executor = override(Executor)
__all__.append("Executor")


class _ExecutorMixin:
    """Pythonic run_pipeline and map_items on every executor class."""

    def run_pipeline(self, pipeline: Any, inputs: Optional[Mapping[str, Any]] = None,
                     context: Any = None, output_name: Union[str, Sequence[str], None] = None,
                     cancellable: Any = None) -> Dict[str, Any]:
        """Runs pipeline once on this executor; returns a dict of the requested outputs.

        As Pipeline.run(), with the executor chosen here rather than by the pipeline's config.
        context is an optional Hn.CallbackContext for the run (the values then pass as data).
        """
        if context is None:
            return Pipeline.run(_on_executor(pipeline, self), inputs, output_name, cancellable)
        try:
            result = Hn.Executor.run_pipeline(self, pipeline, _values.dict_to_vardict(inputs or {}),
                                              context, _outputs_list(output_name), cancellable)
        except GLib.Error as e:
            raise _convert_error(e) from None
        return _values.vardict_to_dict(result)

    def map_items(self, pipeline: Any, items: Sequence[Mapping[str, Any]],
                  inputs: Optional[Mapping[str, Any]] = None, context: Any = None,
                  output_name: Union[str, Sequence[str], None] = None,
                  cancellable: Any = None) -> List[Dict[str, Any]]:
        """Runs pipeline once per item; returns a list of dicts, one per item.

        items is a list of dicts of inputs; inputs is a dict shared by every item (an item's
        own value wins). The values pass as data (see hypernodes._values).
        """
        try:
            result = Hn.Executor.map_items(self, pipeline, _values.items_to_variant(items),
                                           _values.dict_to_vardict(inputs or {}), context,
                                           _outputs_list(output_name), cancellable)
        except GLib.Error as e:
            raise _convert_error(e) from None
        return _values.variant_to_items(result)


def _on_executor(pipeline, executor):
    """@pipeline with its config's executor replaced by @executor."""
    config = pipeline.get_config()
    callbacks = list(config.get_callbacks())
    return Hn.Pipeline.with_config(pipeline, Hn.RuntimeConfig.new_full(
        config.get_backend(), executor, config.get_cache(), callbacks, config.get_retries(),
        config.get_timeout()))


def _convert_error(error):
    from hypernodes import _errors

    return _errors.convert(error)


class SequentialExecutor(_ExecutorMixin, Hn.SequentialExecutor):
    """SequentialExecutor(): nodes one after another in the calling thread (the default)."""


class ThreadPoolExecutor(_ExecutorMixin, Hn.ThreadPoolExecutor):
    """ThreadPoolExecutor(max_workers=0): independent nodes and map items in parallel on a
    pool of threads, the calling thread included (0: as many as processors). Python nodes
    hold the GIL."""

    def __init__(self, max_workers=0, **kwargs):
        super().__init__(max_workers=max_workers, **kwargs)


class AsyncExecutor(_ExecutorMixin, Hn.AsyncExecutor):
    """AsyncExecutor(max_concurrency=0): nodes on the caller's GLib.MainContext; nodes that
    implement invoke_async wait without a thread; at most max_concurrency node calls are in
    flight at once (0: 64)."""

    def __init__(self, max_concurrency=0, **kwargs):
        super().__init__(max_concurrency=max_concurrency, **kwargs)


class CompositeExecutor(_ExecutorMixin, Hn.CompositeExecutor):
    """CompositeExecutor(map_executor=None, node_executor=None): the items of a map go to
    map_executor (a ThreadPoolExecutor by default), the nodes of each item to node_executor
    (the SequentialExecutor by default); a single run uses node_executor. For example
    CompositeExecutor(ThreadPoolExecutor(4), AsyncExecutor(100)) for items whose nodes wait
    on I/O."""

    def __init__(self, map_executor: Any = None, node_executor: Any = None, **kwargs: Any):
        super().__init__(map_executor=map_executor, node_executor=node_executor, **kwargs)

    @property
    def map_executor(self) -> Any:
        """The executor of a map's items."""
        return self.get_map_executor()

    @property
    def node_executor(self) -> Any:
        """The executor of each item's nodes."""
        return self.get_node_executor()


class DaftExecutor(_ExecutorMixin, Hn.DaftExecutor):
    """DaftExecutor(runner="local" | "ray", ray_address=None, collect=True, show_plan=False,
    debug=False, python=None, connect_timeout=30): runs pipelines as Daft DataFrames.

    runner "local" is Daft's native runner in this process, "ray" a Ray cluster at ray_address
    (None: a local one). collect gathers the results into one table before returning them
    (False streams them row by row, the same results); show_plan prints Daft's plan of each
    DataFrame; debug logs what the executor does (log domain Hn-Daft); python is the
    interpreter a C program embeds (a Python program uses itself); connect_timeout bounds the
    wait for the Ray cluster (seconds). Daft must be installed in this Python, or runs fail with
    Hn.ExecutorError.ENGINE_MISSING saying how to install it.
    """

    def __init__(self, runner="local", ray_address=None, collect=True, show_plan=False,
                 debug=False, python=None, connect_timeout=30):
        if isinstance(runner, str):
            try:
                _, runner = Hn.daft_runner_from_string(runner)
            except GLib.Error as e:
                raise ValueError(e.message) from None
        super().__init__(runner=runner, ray_address=ray_address, collect=collect,
                         show_plan=show_plan, debug=debug, python=python,
                         connect_timeout=connect_timeout)

    @property
    def runner(self):
        """The runner, "local" or "ray"."""
        return Hn.daft_runner_to_string(self.get_runner())

    @property
    def ray_address(self):
        """The Ray cluster's address, or None for a local one."""
        return self.get_ray_address()

    @property
    def collect(self):
        """Whether results are collected into one table before they are returned."""
        return self.get_collect()

    @property
    def show_plan(self):
        """Whether Daft's plan of each DataFrame is printed before it runs."""
        return self.get_show_plan()

    @property
    def debug(self):
        """Whether each step is logged (log domain Hn-Daft, at debug level)."""
        return self.get_debug()


class DaskExecutor(_ExecutorMixin, Hn.DaskExecutor):
    """DaskExecutor(scheduler="threads" | "synchronous" | "processes", scheduler_address=None,
    n_workers=0, chunk_size=0, retries=0, connect_timeout=30, debug=False, python=None): runs
    pipelines with Dask.

    Without scheduler_address a run is a Dask graph of one task per node on the local
    scheduler ("processes" keeps one pool of worker processes for the executor's life); with
    scheduler_address ("tcp://host:port") a run is one task on that cluster and a map one task
    per chunk of chunk_size items (0: about n / (workers x 20)). retries reruns failed cluster
    tasks; connect_timeout bounds the wait for the scheduler (seconds); debug logs in the
    Hn-Dask domain. Dask must be installed in this Python, or runs fail with
    Hn.ExecutorError.ENGINE_MISSING saying how to install it.
    """

    def __init__(self, scheduler="threads", scheduler_address=None, n_workers=0, chunk_size=0,
                 retries=0, connect_timeout=30, debug=False, python=None):
        if isinstance(scheduler, str):
            try:
                _, scheduler = Hn.dask_scheduler_from_string(scheduler)
            except GLib.Error as e:
                raise ValueError(e.message) from None
        super().__init__(scheduler=scheduler, scheduler_address=scheduler_address,
                         n_workers=n_workers, chunk_size=chunk_size, retries=retries,
                         connect_timeout=connect_timeout, debug=debug, python=python)

    @property
    def scheduler(self):
        """The local scheduler, "synchronous", "threads" or "processes"."""
        return Hn.dask_scheduler_to_string(self.get_scheduler())

    @property
    def scheduler_address(self):
        """The address of the cluster's scheduler, or None to run locally."""
        return self.get_scheduler_address()


class RayExecutor(_ExecutorMixin, Hn.RayExecutor):
    """RayExecutor(ray_address=None, num_cpus=1, num_gpus=0, max_retries=3, connect_timeout=30,
    debug=False, python=None): runs pipelines as Ray tasks.

    A run is one task that runs every node in a Ray worker; a map goes in batches of items.
    ray_address is the cluster (None: a local one, or the Ray already initialized in this
    process); num_cpus and num_gpus are reserved per task; max_retries reruns a task whose
    worker died; connect_timeout bounds the wait for the cluster (seconds); debug logs in the
    Hn-Ray domain. Ray must be installed in this Python, or runs fail with
    Hn.ExecutorError.ENGINE_MISSING saying how to install it.
    """

    def __init__(self, ray_address=None, num_cpus=1.0, num_gpus=0.0, max_retries=3,
                 connect_timeout=30, debug=False, python=None):
        super().__init__(ray_address=ray_address, num_cpus=num_cpus, num_gpus=num_gpus,
                         max_retries=max_retries, connect_timeout=connect_timeout, debug=debug,
                         python=python)

    @property
    def ray_address(self):
        """The Ray cluster's address, or None for a local one."""
        return self.get_ray_address()


SequentialExecutor = override(SequentialExecutor)
ThreadPoolExecutor = override(ThreadPoolExecutor)
AsyncExecutor = override(AsyncExecutor)
CompositeExecutor = override(CompositeExecutor)
DaftExecutor = override(DaftExecutor)
DaskExecutor = override(DaskExecutor)
RayExecutor = override(RayExecutor)
__all__ += ["SequentialExecutor", "ThreadPoolExecutor", "AsyncExecutor", "CompositeExecutor",
            "DaftExecutor",
            "DaskExecutor", "RayExecutor"]


class DiskCache(Hn.DiskCache):
    """DiskCache(path, max_bytes=0): node results in files under the directory @path (shared by
    processes). With max_bytes, the entries are kept under that many bytes in all, least
    recently used first out; 0 means no limit."""

    def __new__(cls, path=None, max_bytes=0):
        if not isinstance(max_bytes, int) or isinstance(max_bytes, bool) or \
                not 0 <= max_bytes < 2 ** 64:
            raise ValueError(f"max_bytes must be a whole number of bytes, from 0 to 2**64 - 1, "
                             f"not {max_bytes!r}")
        return Hn.DiskCache.new_full(str(path) if path is not None else None, max_bytes)

    def __init__(self, path=None, max_bytes=0):
        pass

    @property
    def max_bytes(self):
        """The most the entries may take in all, in bytes (0: no limit)."""
        return self.get_max_bytes()

    @property
    def path(self):
        """The directory of the entries."""
        return self.get_directory()


class MemoryCache(Hn.MemoryCache):
    """MemoryCache(max_entries=0, max_bytes=0): node results in memory, least recently used
    first out; 0 means no limit."""

    def __new__(cls, max_entries=0, max_bytes=0):
        return Hn.MemoryCache.new(max_entries, max_bytes)

    def __init__(self, max_entries=0, max_bytes=0):
        pass

    def __len__(self):
        return self.get_n_entries()


DiskCache = override(DiskCache)
MemoryCache = override(MemoryCache)
__all__ += ["DiskCache", "MemoryCache"]
