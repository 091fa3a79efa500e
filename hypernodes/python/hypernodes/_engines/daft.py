# SPDX-License-Identifier: LGPL-2.1-or-later
"""HnDaftExecutor: a run is a one-row DataFrame, a map one DataFrame with a row per item, and each
node a Daft row UDF. Runner "local" is Daft's native runner (UDFs call the nodes of this process
through a registry); runner "ray" runs UDFs in Ray workers (nodes travel as NodeCalls)."""

import threading

from .. import _nodes
from .._errors import ENGINE_MISSING, EXECUTOR_DOMAIN, RUNNER_CONFLICT, HnError, install_hint
from . import _common

try:
    import daft
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


def _dtype(type_string):
    spec = _nodes.NATIVE_TYPES.get(type_string)
    if spec is None:
        return daft.DataType.binary()
    if isinstance(spec, tuple):
        return daft.DataType.list(getattr(daft.DataType, spec[1])())
    return getattr(daft.DataType, spec)()


def _node_udf(call, return_dtype, batch):
    """The node as a Daft UDF: a row UDF, or for a map a batch UDF, which hands Python a batch of
    rows at a time and costs Daft far less per row."""
    nodes = _nodes

    if not batch:
        @daft.func(return_dtype=return_dtype, use_process=False)
        def udf(item, *values):
            return nodes.run_call(call, item, values)

        return udf

    @daft.func.batch(return_dtype=return_dtype, use_process=False)
    def batch_udf(item, *values):
        return nodes.run_batch(call, item.to_pylist(), [v.to_pylist() for v in values])

    return batch_udf


def _member_udf(index, type_string, batch, call):
    nodes = _nodes

    if not batch:
        @daft.func(return_dtype=_dtype(type_string), use_process=False)
        def member(blob):
            return nodes.member(call, blob, index, type_string)

        return member

    @daft.func.batch(return_dtype=_dtype(type_string), use_process=False)
    def batch_member(blob):
        return [nodes.member(call, b, index, type_string) for b in blob.to_pylist()]

    return batch_member


def _report(run, calls, hidden, records):
    """Delivers the node events that the workers brought back to the host's callbacks."""
    for call, column in zip(calls, hidden):
        if column is None:
            continue
        node = call.node
        for rec in records:
            args, result, duration, signature = _nodes.unpack_envelope(rec[column])
            run.report_node_call(node, rec[ITEM], args, result, duration, signature)


def run(executor, run):
    if daft is None:
        raise _common.missing("Daft", _import_error, ["daft", "cloudpickle"])

    # the inputs were checked by the library before the glue was called
    items = run.get_items()
    if items is not None and items.n_children() == 0:
        return _common.empty_map()
    # the runner first: a runner conflict is reported before anything else
    _ensure_runner(executor)
    work = _common.Work(run, shippable=executor.runner == "ray")
    try:
        return _execute(executor, work)
    except HnError:
        raise
    except Exception as e:
        failure = work.recover(e)
        if failure is not None:
            raise failure from None
        raise
    finally:
        work.release()


def _execute(executor, work):
    plan, calls, record = work.plan, work.calls, work.record
    rows = work.full_rows()
    batch = len(rows) > 1
    hidden_columns = []
    data = {ITEM: list(range(len(rows))) if work.is_map else [-1]}
    for r in plan.roots:
        t = plan.slot_types[r]
        data[r] = [_nodes.encode(row.get(r), t) for row in rows]
    df = daft.from_pydict(data)
    for r in plan.roots:
        df = df.with_column(r, df[r].cast(_dtype(plan.slot_types[r])))

    for position, call in enumerate(calls):
        out_types = call.output_types
        args = [df[ITEM]] + [df[i] for i in call.inputs]
        if len(out_types) == 1 and not record:
            df = df.with_column(call.outputs[0],
                                _node_udf(call, _dtype(out_types[0]), batch)(*args))
            hidden_columns.append(None)
        else:
            # nodes may share a name: the hidden column is named after the position
            hidden = f"__hn_node_{position}"
            df = df.with_column(hidden, _node_udf(call, daft.DataType.binary(), batch)(*args))
            for index, (o, t) in enumerate(zip(call.outputs, out_types)):
                df = df.with_column(o, _member_udf(index, t, batch, call)(df[hidden]))
            hidden_columns.append(hidden if record else None)
        _log(executor, f"node {call.name}: {call.inputs} -> {call.outputs} as "
                       f"{[str(_dtype(t)) for t in out_types]}")

    df = df.select(ITEM, *plan.outputs, *[h for h in hidden_columns if h is not None])
    if executor.get_show_plan():
        df.explain(show_all=True)

    if executor.get_collect():
        table = df.to_pydict()
        records = [{k: table[k][i] for k in table} for i in range(len(table[ITEM]))]
    else:
        records = list(df.iter_rows())

    records.sort(key=lambda rec: rec[ITEM])
    if record:
        _report(work.run, calls, hidden_columns, records)
    decoded = [{o: _nodes.decode(rec[o], plan.slot_types[o]) for o in plan.outputs}
               for rec in records]
    return work.result(decoded)
