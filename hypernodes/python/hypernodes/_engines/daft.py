# SPDX-License-Identifier: LGPL-2.1-or-later
"""HnDaftExecutor: a run is a one-row DataFrame, a map one DataFrame with a row per item, and each
node a Daft row UDF. Runner "local" is Daft's native runner (UDFs call the nodes of this process
through a registry); runner "ray" runs UDFs in Ray workers (nodes travel as NodeCalls)."""

import threading
import time

from .. import _native, _nodes
from .._nodes import _item_of
from .._errors import (ENGINE_MISSING, EXECUTOR_DOMAIN, RUNNER_CONFLICT, HnError, NodeFailure,
                       install_hint)
from . import _common

try:
    import daft
    import pyarrow  # Daft's own dependency
except ImportError as e:  # reported when a run starts, never at import of the executor
    daft = None
    _import_error = e

ITEM = "__hn_item"

_runner = None
_runner_lock = threading.Lock()


def _log(executor, message):
    _common.log(executor, "Hn-Daft", message)


def _ensure_runner(executor):
    """Daft allows one runner per process: set it once, refuse another one."""
    global _runner
    want = (executor.runner, executor.get_ray_address() if executor.runner == "ray" else None)
    with _runner_lock:
        if _runner is None:
            if want[0] == "ray":
                try:
                    import ray  # noqa: F401
                except ImportError:
                    raise HnError(EXECUTOR_DOMAIN, ENGINE_MISSING,
                                  "Daft's Ray runner needs Ray: "
                                  + install_hint(["daft[ray]"])) from None
            try:
                if want[0] == "ray":
                    # one Ray per process, shared with the Ray executor; an address that does
                    # not answer fails in bounded time instead of hanging in ray.init
                    from . import ray as ray_glue

                    ray_glue.ensure_ray(want[1], executor.get_connect_timeout(),
                                        lambda m: _log(executor, m))
                    daft.set_runner_ray(address=want[1])
                else:
                    daft.set_runner_native()
            except Exception as e:
                # the program set Daft's runner itself: fine if it is the same kind
                if "more than once" not in str(e):
                    raise
                current = daft.get_or_infer_runner_type()
                if current != ("ray" if want[0] == "ray" else "native"):
                    raise _conflict(current, want) from None
            _runner = want
        elif _runner != want:
            raise _conflict(_runner, want)


def _conflict(current, want):
    def describe(r):
        if isinstance(r, tuple):
            return "ray" + (f" at {r[1]}" if r[1] else "") if r[0] == "ray" else "local"
        return {"native": "local"}.get(r, r)
    return HnError(EXECUTOR_DOMAIN, RUNNER_CONFLICT,
                   f"Daft already runs with the {describe(current)} runner in this process and "
                   f"cannot switch to the {describe(want)} runner: Daft allows one runner per "
                   "process. Use one runner per process (for instance, run the other executor "
                   "in a subprocess)")


def _arrow(values, dtype):
    """@values as an Arrow array of the Arrow type of the Daft @dtype, or None when pyarrow
    does not convert them. Daft takes an Arrow array as it is, where it converts a list a value
    at a time (about 0.15 us a value, more than a trivial node's call)."""
    try:
        return pyarrow.array(values, type=dtype.to_arrow_dtype())
    except (pyarrow.ArrowException, TypeError, ValueError, OverflowError):
        return None


def _encoded(values):
    """@values encoded (hypernodes._native.encode) in a binary Arrow array, made from its
    buffers."""
    offsets, data = _native.encode_column(values)
    return pyarrow.Array.from_buffers(pyarrow.large_binary(), len(values),
                                      [None, pyarrow.py_buffer(offsets), pyarrow.py_buffer(data)])


def _decoded(array):
    """The values of a binary Arrow array (or chunked array) of encoded values, read from its
    buffers."""
    if isinstance(array, pyarrow.ChunkedArray):
        return [v for chunk in array.chunks for v in _decoded(chunk)]
    if array.type != pyarrow.large_binary():
        array = array.cast(pyarrow.large_binary())
    validity, offsets, data = array.buffers()[:3]
    return _native.decode_column(offsets, data, validity, array.offset, len(array))


_PLAIN_TYPES = {"int64": "int64", "float64": "float64", "string": "large_string",
                "bool": "bool_"}


def _plain(values):
    """@values as an Arrow array of their own type when they are all ints (within int64), all
    floats, all strings or all booleans, else None."""
    column = _native.plain_column(values)
    if column is None:
        return None
    kind, buffers = column
    arrow_type = getattr(pyarrow, _PLAIN_TYPES[kind])()
    if buffers is None:
        return pyarrow.array(values, type=arrow_type)
    return pyarrow.Array.from_buffers(arrow_type, len(values),
                                      [None, *map(pyarrow.py_buffer, buffers)])


def _own_type(values, dtype):
    """@values (glue values) in a column of Daft's @dtype: an Arrow array, or a list of them
    unpacked when pyarrow does not take them (Daft casts it, or says why it cannot)."""
    values = _native.unpack(values)
    array = _arrow(values, dtype)
    return array if array is not None else values


def _output(values, dtype, encode_out):
    """A UDF's output column: encoded values in a binary array, else values of a type of their
    own."""
    return _encoded(values) if encode_out else _own_type(values, dtype)


def _native_dtype(type_string):
    """The Daft dtype of a slot of GVariant type @type_string, or None when its values go in a
    binary column (encoded by hypernodes._native.encode)."""
    spec = _nodes.NATIVE_TYPES.get(type_string)
    if spec is None:
        return None
    if isinstance(spec, tuple):
        return daft.DataType.list(getattr(daft.DataType, spec[1])())
    return getattr(daft.DataType, spec)()


# How a column holds its values (the "mode" of a slot): ENCODED binary values; PLAIN Python
# numbers, strings or booleans of an untyped slot; else the slot's GVariant type string, for
# a column of Daft's own type, whose values become data of that type again for the nodes.
ENCODED, PLAIN = "encoded", "plain"


def _column(values, type_string):
    """@values (glue values) as a column: (Arrow array or list, dtype to cast a list to or
    None, mode)."""
    dtype = _native_dtype(type_string)
    if dtype is not None:
        # NOT_GIVEN (an optional input) is a null
        column = _own_type(values, dtype)
        return column, dtype if isinstance(column, list) else None, type_string
    # an untyped slot of plain ints, floats, strings or bools: a column of Daft's own type
    array = _plain(values)
    if array is not None:
        return array, None, PLAIN
    return _encoded(values), None, ENCODED


def _item_column(n):
    """0 .. n - 1, as an array Daft takes without converting each number."""
    try:
        import numpy
    except ImportError:
        return list(range(n))
    return numpy.arange(n, dtype=numpy.int64)


def _items(column):
    """The items of rows, from their item column (an Arrow array): a range when they follow
    each other (as they do in a DataFrame that keeps its order), else a list."""
    try:
        import numpy
    except ImportError:
        values = column.to_pylist()
        first = values[0] if values else 0
        ordered = range(first, first + len(values))
        return ordered if values == list(ordered) else values
    values = column.to_numpy()
    first = int(values[0]) if len(values) else 0
    if len(values) < 2 or bool((numpy.diff(values) == 1).all()):
        return range(first, first + len(values))
    return values.tolist()


def _batch_items(column):
    """The items of a batch, as invoke_rows takes them: the first one when they follow each
    other, else the list."""
    items = _items(column.to_arrow())
    return items.start if isinstance(items, range) and len(items) else list(items)


def _pylist(array):
    """The values of an Arrow array (or chunked array) as a list of Python objects: through
    numpy, twice as fast, for numbers without nulls."""
    kind = array.type
    if array.null_count == 0 and (pyarrow.types.is_integer(kind) or
                                  pyarrow.types.is_floating(kind)):
        try:
            return array.to_numpy().tolist()
        except ImportError:  # pyarrow without numpy
            pass
    return array.to_pylist()


def _arguments(columns, modes):
    """The values of a UDF's input columns, as the node takes them."""
    args = []
    for column, mode in zip(columns, modes):
        if mode == ENCODED:
            values = _decoded(column.to_arrow())
        else:
            values = _pylist(column.to_arrow())
            if mode != PLAIN:
                values = _native.as_data(values, mode)
        args.append(values)
    return args


class _NodeSpec:
    """What the UDF of a node needs besides its columns. It is an argument of the UDF, a
    function of this module: Daft pickles a UDF each time it is used in a DataFrame, and a
    function of a module pickles as its name where a closure pickles its code."""

    __slots__ = ("call", "position", "return_dtype", "encode_out", "modes", "items_given",
                 "hidden", "last", "single")

    def __init__(self, call, position, return_dtype, encode_out, modes, items_given, hidden,
                 last=False, single=False):
        self.call, self.position, self.return_dtype = call, position, return_dtype
        self.encode_out, self.modes, self.items_given = encode_out, modes, items_given
        self.hidden, self.last, self.single = hidden, last, single


def _node_batch(spec, item, *columns):
    """The node of @spec on a batch of rows: called through the invocation path, it returns its
    one output, or with spec.hidden one encoded (outputs, envelope of the call's events or None,
    whether it came from the cache) per row, for nodes of several outputs or events to bring
    back."""
    call, hidden = spec.call, spec.hidden
    args = _arguments(columns, spec.modes)
    items = _batch_items(item) if spec.items_given else None
    n = len(args[0]) if args else len(item)
    events = [] if call.record else None
    cached = [True] * n if hidden else None
    outputs, n_done, failure = call.invoke_rows(call.resolve(), args, n, items, events,
                                                spec.position, cached)
    if failure is not None:
        if hidden:
            # Daft keeps the exception of a failed batch only: the events of the calls before
            # the failure, the arguments of the failed one and, for the last node, the items
            # that completed travel with it
            info = failure.info
            done = None
            if spec.last and spec.items_given:
                # the cache answered the item only if it answered all its nodes
                done = [(_item_of(items, r), spec.single and cached[r]) for r in range(n_done)]
            raise NodeFailure(info["domain"], info["code"], info["message"], info["node"],
                              info["item"], failure.exception, events,
                              _native.encode([a[n_done] for a in args])
                              if events is not None else None, done)
        raise failure
    try:
        if not hidden:
            return _output(outputs[0], spec.return_dtype, spec.encode_out)
        by_row = [tuple(v) for v in zip(*outputs)] if outputs else [()] * n
        blobs = [blob for _, _, blob in events] if events is not None else [None] * n
        return _encoded(list(zip(by_row, blobs, cached)))
    except Exception:
        # Daft's columns hold other values pickled: one that cannot be fails its row, naming
        # the node, its output and the item, rather than failing the engine, naming nothing
        failure = _common.first_unpicklable(
            {o: call.name for o in call.outputs}, dict(zip(call.outputs, outputs)), n,
            (lambda row: _item_of(items, row)) if items is not None else (lambda row: None))
        if failure is None:
            raise
        raise failure from None


def _member_batch(spec, hidden):
    """Output spec[0] of a node of several outputs, from its hidden column."""
    index, return_dtype, encode_out = spec
    values = [row[0][index] for row in _decoded(hidden.to_arrow())]
    return _output(values, return_dtype, encode_out)


_udfs = {}
_udfs_lock = threading.Lock()


def _udf(function, return_dtype, *args):
    """The expression that calls @function (of this module) on @args as a Daft batch UDF that
    returns @return_dtype; one Daft function per function and type, made once."""
    key = (function.__name__, repr(return_dtype))
    with _udfs_lock:
        udf = _udfs.get(key)
        if udf is None:
            udf = _udfs[key] = daft.func.batch(return_dtype=return_dtype,
                                               use_process=False)(function)
        return udf(*args)


def _report(work, calls, hidden, table, items, seconds):
    """Delivers to the host's callbacks the node events that the workers brought back, and the
    map item events (each item's share of the time the DataFrame took)."""
    run = work.run
    all_cached = [True] * len(items)
    for call, column in zip(calls, hidden):
        if column is None:
            all_cached = [False] * len(items)
            continue
        for row, (item, (_, blob, cached)) in enumerate(zip(items, table[column])):
            all_cached[row] = all_cached[row] and cached
            if blob is not None:
                args, result, duration, signature = _nodes.unpack_envelope(blob)
                run.report_node_call(call.node, item, args, result, duration, signature)
    if work.item_events:
        share = seconds / max(1, len(items))
        for item, cached in zip(items, all_cached):
            run.report_map_item(item, share, cached)


def run(executor, run):
    if daft is None:
        raise _common.missing("Daft", _import_error, ["daft", "cloudpickle"])

    # the runner first: a runner conflict is reported before anything else
    return _common.run_work(run, executor.runner == "ray", lambda work: _execute(executor, work),
                            prepare=lambda: _ensure_runner(executor))


def _execute(executor, work):
    plan, calls, record = work.plan, work.calls, work.record
    n = work.n_rows
    data = {ITEM: _item_column(n) if work.is_map else [-1]}
    casts = {}
    modes = {}  # slot name -> how its column holds its values
    for r, values in work.full_columns().items():
        data[r], casts[r], modes[r] = _column(values, plan.slot_types[r])
    df = daft.from_pydict(data)
    for r, dtype in casts.items():
        if dtype is not None:
            df = df.with_column(r, df[r].cast(dtype))

    hidden_columns = []
    # what comes back beside the outputs: node events, and which calls the cache answered
    track = record or work.item_events
    for position, call in enumerate(calls):
        out_types = call.output_types
        args = [df[ITEM]] + [df[i] for i in call.inputs]
        modes_in = [modes[i] for i in call.inputs]
        dtypes = [_native_dtype(t) for t in out_types]
        if len(out_types) == 1 and not track:
            dtype = dtypes[0] if dtypes[0] is not None else daft.DataType.binary()
            spec = _NodeSpec(call, position, dtype, dtypes[0] is None, modes_in, work.is_map,
                             False)
            df = df.with_column(call.outputs[0], _udf(_node_batch, dtype, spec, *args))
            modes[call.outputs[0]] = ENCODED if dtypes[0] is None else out_types[0]
            hidden_columns.append(None)
        else:
            # nodes may share a name: the hidden column is named after the position
            hidden = f"__hn_node_{position}"
            spec = _NodeSpec(call, position, daft.DataType.binary(), True, modes_in,
                             work.is_map, True, position == len(calls) - 1, len(calls) == 1)
            df = df.with_column(hidden, _udf(_node_batch, daft.DataType.binary(), spec, *args))
            for index, (o, dtype) in enumerate(zip(call.outputs, dtypes)):
                dtype_out = dtype if dtype is not None else daft.DataType.binary()
                df = df.with_column(o, _udf(_member_batch, dtype_out,
                                            (index, dtype_out, dtype is None), df[hidden]))
                modes[o] = ENCODED if dtype is None else out_types[index]
            hidden_columns.append(hidden if track else None)
        _log(executor, f"node {call.name}: {call.inputs} -> {call.outputs} as "
                       f"{[str(d) if d is not None else 'Binary (encoded)' for d in dtypes]}")

    df = df.select(ITEM, *plan.outputs, *[h for h in hidden_columns if h is not None])
    if executor.get_show_plan():
        df.explain(show_all=True)

    started = time.monotonic()
    encoded = {o for o in plan.outputs if modes[o] == ENCODED}
    encoded.update(h for h in hidden_columns if h is not None)
    names = [*plan.outputs, *[h for h in hidden_columns if h is not None]]
    if executor.get_collect():
        arrow = df.to_arrow()
        items = _items(arrow.column(ITEM))
        table = {k: _decoded(arrow.column(k)) if k in encoded else _pylist(arrow.column(k))
                 for k in names}
    else:
        table = {k: [] for k in [ITEM, *names]}
        for rec in df.iter_rows():
            for k in table:
                table[k].append(rec[k])
        items = table.pop(ITEM)
        table = {k: _native.decode(v) if k in encoded else v for k, v in table.items()}

    if not isinstance(items, range) and items != sorted(items):
        order = sorted(range(len(items)), key=items.__getitem__)
        table = {k: [v[i] for i in order] for k, v in table.items()}
        items = [items[i] for i in order]
    if track:
        _report(work, calls, hidden_columns, table, items, time.monotonic() - started)
    work.set_results([table[o] for o in work.outputs])
