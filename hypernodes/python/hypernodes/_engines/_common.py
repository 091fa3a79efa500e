# SPDX-License-Identifier: LGPL-2.1-or-later
"""What the engine glue modules share: the plan of a run, its rows, running the plan's nodes over
rows (in this process or in a worker), connecting to a cluster in bounded time, and turning what
the tasks brought back into the run's result or its error.

A task runs the nodes of a plan over a chunk of rows and returns one outcome per row: the
requested outputs and, when the host wants node events, the envelopes of its node calls. The
first node failure of a chunk ends the chunk: it comes back as a value (not an exception, so the
engine does not retry it), and the host reports the failure of the lowest item, as a sequential
run would.
"""

import os
import pickle
import socket
import time
import uuid

from gi.repository import GLib

from .. import _native, _nodes, _plan
from .._pickle import pickle_dumps
from .._errors import (ENGINE_FAILED, ENGINE_MISSING, EXECUTOR_DOMAIN, NOT_SHIPPABLE, HnError,
                       NodeFailure, install_hint, recover_node_failure)

IO_DOMAIN = "g-io-error-quark"
IO_CANCELLED = 19


def log(executor, domain, message):
    if executor.get_property("debug"):
        GLib.log_variant(domain, GLib.LogLevelFlags.LEVEL_DEBUG,
                         GLib.Variant("a{sv}", {"MESSAGE": GLib.Variant("s", message)}))


def missing(engine, error, packages):
    return HnError(EXECUTOR_DOMAIN, ENGINE_MISSING,
                   f"{engine} is not installed ({error}): " + install_hint(packages))


NOT_GIVEN = _native.NOT_GIVEN

# Values cross processes in one pickle per chunk, made by the library's pickler (cloudpickle):
# classes of the program's own modules travel by value, whichever pickler the engine uses for
# its tasks.
_dumps = pickle_dumps
_loads = pickle.loads
dumps = _dumps


# The process the run was started in: a task that runs elsewhere sends its results back by
# pickle, and checks first that they can travel (unshippable()).
HOST_PID = os.getpid()


def unshippable(producers, outputs, start, limit, item_of=None):
    """Where a task runs in another process than the host's, its results travel back pickled:
    (None, the blob of @outputs) when they can, else (the NodeFailure of the first value that
    cannot, naming its node, output and item, None). @outputs: a list of @limit values per
    output name (rows numbered from @start, -1 for a single run, or item_of(row) gives the
    item of a row); @producers: the node of each output name."""
    try:
        return None, _dumps(outputs)
    except Exception:
        pass
    failure = first_unpicklable(producers, outputs, limit,
                                item_of or (lambda row: start + row if start >= 0 else None))
    return failure, (_dumps(outputs) if failure is None else None)


def first_unpicklable(producers, outputs, limit, item_of):
    """The NodeFailure (NOT_SHIPPABLE) of the first value of @outputs (a list of @limit values
    per output name) that cannot be pickled, or None."""
    for row in range(limit):
        for name, values in outputs.items():
            try:
                _dumps(values[row])
            except Exception as e:
                item = item_of(row)
                node = producers.get(name, name)
                where = f" on item {item}" if item is not None else ""
                message = (f"Node “{node}”{where} returned a value for output “{name}” that "
                           f"cannot be pickled, as the engine needs to move it between "
                           f"processes: {type(e).__name__}: {e}")
                failure = NodeFailure(EXECUTOR_DOMAIN, NOT_SHIPPABLE, message, node, item)
                failure.info["output"] = name
                return failure
    return None


class Frame:
    """Values by name (the inputs the rows of a run share, or a node's outputs), opaque to
    engines that look into the arguments of their tasks (Dask's graphs), pickled as one blob
    (made once: @blob when a task checked it could travel)."""

    __slots__ = ("values", "blob")

    def __init__(self, values, blob=None):
        self.values = values
        self.blob = blob

    def __getstate__(self):
        return (self.blob if self.blob is not None else _dumps(self.values),)

    def __setstate__(self, state):
        self.values = _loads(state[0])
        self.blob = None


class Rows:
    """Rows [start, start + n) of a map's items: the columns (lists of values) of the inputs
    that the items give themselves; the single row of a run (start -1) has none. Values are the
    engine glue's: Python objects as they are, data as _native.Data (pickled as type and
    bytes)."""

    __slots__ = ("columns", "n", "start")

    def __init__(self, columns, n, start=-1):
        self.columns = columns
        self.n = n
        self.start = start

    def __getstate__(self):
        return _dumps(self.columns), self.n, self.start

    def __setstate__(self, state):
        self.columns, self.n, self.start = _loads(state[0]), state[1], state[2]


class Done:
    """The outcome of the rows of a chunk: their requested outputs, a list of values per output
    name, the envelopes of their node calls, as (position, item, blob), when recording, and
    when the host wants map item events, the first row's item, the seconds the chunk took and
    whether the cache answered every call of each row."""

    __slots__ = ("outputs", "events", "start", "seconds", "cached", "blob")

    def __init__(self, outputs, events, start=-1, seconds=0.0, cached=None, blob=None):
        self.outputs = outputs
        self.events = events
        self.start, self.seconds, self.cached = start, seconds, cached
        self.blob = blob  # the pickled outputs, when a task checked that they can travel

    def __getstate__(self):
        outputs = self.blob if self.blob is not None else _dumps(self.outputs)
        return outputs, self.events, self.start, self.seconds, self.cached

    def __setstate__(self, state):
        (outputs, self.events, self.start, self.seconds, self.cached) = state
        self.outputs = _loads(outputs)
        self.blob = None

    @property
    def n(self):
        return len(next(iter(self.outputs.values()))) if self.outputs else 0


class Work:
    """A run seen by the glue: the plan, the node calls, the shared inputs and the items."""

    def __init__(self, run, shippable):
        self.run = run
        self.pipeline = run.get_pipeline()
        self.is_map = run.is_map()
        self.plan = _plan.Plan(self.pipeline, run.get_outputs() or None)
        # the order of the values the run takes back
        self.outputs = list(run.dup_result_names())
        self.shippable = shippable
        # out of this process, node events come back with the results
        self.record = shippable and run.wants_node_events()
        self.item_events = run.wants_item_events()
        self.shared, self.columns = _native.engine_inputs(run, self.plan.roots)
        self.calls = []
        try:
            for node in self.plan.nodes:
                self.calls.append(_nodes.NodeCall(
                    run, node, [self.plan.slot_types[i] for i in node.get_inputs()],
                    [self.plan.slot_types[o] for o in node.get_outputs()], shippable,
                    self.record))
        except BaseException:
            self.release()
            raise
        self.token = uuid.uuid4().hex
        self.program = Program(self.calls, self.plan.roots, self.outputs, self.item_events)

    @property
    def n_rows(self):
        return self.run.get_n_items() if self.is_map else 1

    def rows(self, start, stop):
        """Rows [start, stop) of the items (the shared values apart)."""
        if not self.is_map:
            return Rows({}, 1)
        return Rows({k: v[start:stop] for k, v in self.columns.items()}, stop - start, start)

    def full_columns(self):
        """A list of values per root input, one value per row (the shared ones repeated), for
        engines that take whole rows."""
        n = self.n_rows
        return {r: self.columns[r] if r in self.columns else [self.shared.get(r, NOT_GIVEN)] * n
                for r in self.plan.roots}

    def task_name(self):
        return "+".join(c.name for c in self.calls) or "pipeline"

    def release(self):
        for call in self.calls:
            call.release()

    def finish(self, chunks):
        """Gives the run its results from the outcomes of its chunks (Done or Failed), in row
        order; raises the error of the lowest failed item."""
        failures = [c for c in chunks if isinstance(c, Failed)]
        if failures:
            failed = min(failures, key=lambda f: (f.item, f.position))
            done = [c.done if isinstance(c, Failed) else c for c in chunks]
            self._report_items(done, failed.item)
            if self.item_events and failed.item is not None and failed.item >= 0:
                self.run.report_map_item_start(failed.item)  # it started, and failed
            if self.record:
                self._report_events(done)
                args = [_native.to_report(a) for a in failed.args]
                self.run.report_node_call(self.calls[failed.position].node, failed.item,
                                          [a if a is not None else GLib.Variant("mv", None)
                                           for a in args], None, 0.0, None)
                self.run.report_node_error(self.calls[failed.position].node, failed.item,
                                           failed.domain, failed.code, failed.message)
            raise HnError(failed.domain, failed.code, failed.message, failed.node, failed.item,
                          failed.exception)
        if self.record:
            self._report_events(chunks)
        self._report_items(chunks)
        if len(chunks) == 1:
            columns = [chunks[0].outputs[o] for o in self.outputs]
        else:
            columns = []
            for o in self.outputs:
                column = []
                for chunk in chunks:
                    column.extend(chunk.outputs[o])
                columns.append(column)
        self.set_results(columns)

    def set_results(self, columns):
        """Gives the run its results: a list of values per output, in the run's order."""
        _native.set_results(self.run, columns)

    def _report_items(self, chunks, failed_item=None):
        """The map item events of the rows that completed (each its share of its chunk's
        time); when an item failed, of those before it only, as a sequential map reports
        them."""
        if not self.item_events:
            return
        for chunk in chunks:
            if chunk.cached is None or chunk.start < 0:
                continue
            share = chunk.seconds / max(1, len(chunk.cached))
            for row, cached in enumerate(chunk.cached):
                if failed_item is not None and chunk.start + row >= failed_item:
                    break
                self.run.report_map_item(chunk.start + row, share, cached)

    def _report_events(self, chunks):
        for chunk in chunks:
            for position, item, envelope in chunk.events:
                args, result, duration, signature = _nodes.unpack_envelope(envelope)
                self.run.report_node_call(self.calls[position].node, item, args, result,
                                          duration, signature)

    def recover(self, error):
        """The HnError to raise for an exception out of the engine: a node failure it carries
        (reported to the callbacks when they did not see it), or None."""
        failure = recover_node_failure(error)
        if failure is not None and self.record and getattr(failure, "events", None):
            self._report_events([Done({}, failure.events)])
        if failure is not None and self.item_events and failure.item is not None and \
                failure.item >= 0:
            # the items that completed before the failure stopped the engine (the failing
            # node was their last), then the one that failed
            done = dict(getattr(failure, "done_items", None) or ())
            for item in sorted(i for i in done if i < failure.item):
                self.run.report_map_item(item, 0.0, done[item])
            self.run.report_map_item_start(failure.item)
        if failure is not None and self.record and failure.node is not None:
            for call in self.calls:
                if call.name == failure.node:
                    args = getattr(failure, "call_args", None)
                    # a failure of no item (a node that cannot be loaded) is reported as
                    # a single run's
                    item = failure.item if failure.item is not None else -1
                    if args is not None:
                        reported = [_native.to_report(a) for a in _native.decode(args)]
                        self.run.report_node_call(call.node, item,
                                                  [a if a is not None
                                                   else GLib.Variant("mv", None)
                                                   for a in reported], None, 0.0, None)
                    self.run.report_node_error(call.node, item, failure.domain,
                                               failure.code, failure.message)
                    break
        return failure

    def chunks(self, size):
        """[start, stop) bounds of the rows in chunks of @size."""
        n = self.n_rows
        return [(s, min(s + size, n)) for s in range(0, n, max(1, size))]


def run_work(run, shippable, execute, prepare=None):
    """Runs @run on an engine: execute(work) with the run's Work (@shippable: its nodes go to
    other processes), which gives the run its results. An empty map gets its (empty) results at
    once, before anything is made and with no engine contacted; prepare(), when given, is called
    after that and before the Work is made. An exception out of the engine that carries a node
    failure is raised as that failure (Work.recover)."""
    # the inputs were checked by the library before the glue was called
    if run.is_map() and run.get_n_items() == 0:
        _native.set_results(run, [[] for _ in run.dup_result_names()])
        return None
    if prepare is not None:
        prepare()
    work = Work(run, shippable)
    try:
        execute(work)
    except HnError:
        raise
    except Exception as e:
        failure = work.recover(e)
        if failure is not None:
            raise failure from None
        raise
    finally:
        work.release()
    return None


class Failed:
    """The node failure that ended a chunk, with the Done of the rows before it."""

    def __init__(self, failure, position, done, args):
        info = failure.info
        # the values of the failed call, when recording
        self._args = _dumps(args) if args else None
        self.domain, self.code, self.message = info["domain"], info["code"], info["message"]
        self.node, self.item = info["node"], info["item"]
        self.exception = info.get("exception")
        self.position = position
        self.done = done

    @property
    def args(self):
        return _loads(self._args) if self._args is not None else []


class Program:
    """What a task needs to run the plan: the node calls in order, the root inputs and the
    requested outputs. Picklable: NodeCalls travel as recipes."""

    def __init__(self, calls, roots, outputs, item_events=False):
        self.calls = calls
        self.roots = roots
        self.outputs = outputs
        self.item_events = item_events
        self.host_pid = HOST_PID
        # the node that produces each output name (for the messages of values that cannot
        # travel)
        self.producers = {o: c.name for c in calls for o in c.outputs}
        self.positions = {o: i for i, c in enumerate(calls) for o in c.outputs}

    def run(self, shared, rows, start, marker=None):
        """Runs the plan over @rows (Rows; @shared the Frame of the values every row share),
        numbered from @start (-1 for a single run), a node at a time over all rows. Returns a
        Done, or a Failed for the failure of the lowest row: after a node fails on a row, the
        nodes after it run on the rows before that one only."""
        columns = dict(rows.columns)
        shared = shared.values
        limit = rows.n
        items = start if start >= 0 else None
        failed = None
        events = []
        began = time.monotonic()
        # per row: whether the cache answered every call (for map item events)
        cached = [True] * limit if self.item_events and start >= 0 else None

        def column(name):
            values = columns.get(name)
            if values is None:
                return [shared.get(name, NOT_GIVEN)] * limit
            return values if len(values) == limit else values[:limit]

        resolved = [call.resolve() for call in self.calls]
        for position, (call, target) in enumerate(zip(self.calls, resolved)):
            if limit == 0:
                break
            if marker is not None and os.path.exists(marker):
                raise RuntimeError("the map was cancelled")  # the host reports the cancellation
            args = [column(i) for i in call.inputs]
            outputs, n_done, failure = call.invoke_rows(target, args, limit, items, events,
                                                        position, cached)
            for name, values in zip(call.outputs, outputs):
                columns[name] = values
            if failure is not None:
                failed = (failure, position, [a[n_done] for a in args] if call.record else [])
                limit = n_done
        done = Done({o: column(o) for o in self.outputs}, events, start,
                    time.monotonic() - began, cached[:limit] if cached is not None else None)
        if os.getpid() != self.host_pid:
            # the results travel back pickled: a value that cannot fails its row here, naming
            # its node, rather than the engine's pickler failing the whole chunk, naming
            # nothing. Its row is below any node failure's (those rows did not run on).
            bad, done.blob = unshippable(self.producers, done.outputs, start, limit)
            if bad is not None:
                row = bad.info["item"] - start if bad.info["item"] is not None else 0
                kept = Done({o: v[:row] for o, v in done.outputs.items()}, events, start,
                            done.seconds, cached[:row] if cached is not None else None)
                return Failed(bad, self.positions[bad.info["output"]], kept, [])
        if failed is not None:
            return Failed(failed[0], failed[1], done, failed[2])
        return done


def chunk_size(n, workers, per_worker=20, low=1, high=None):
    size = max(low, -(-n // max(1, workers * per_worker)))
    return min(size, high) if high else size


def check_cancelled(run):
    cancellable = run.get_cancellable()
    if cancellable is not None and cancellable.is_cancelled():
        raise HnError(IO_DOMAIN, IO_CANCELLED, "Operation was cancelled")


def wait_reachable(engine, address, timeout):
    """Waits until something listens at @address (host:port, optionally with a scheme such as
    tcp:// or ray://), at most @timeout seconds; raises ENGINE_FAILED otherwise."""
    hostport = address.split("://", 1)[-1].rsplit("/", 1)[0]
    host, _, port = hostport.rpartition(":")
    if not host or not port.isdigit():
        return  # not host:port (such as "auto"): left to the engine
    host = host.strip("[]")
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        try:
            with socket.create_connection((host, int(port)), timeout=max(0.1, min(remaining, 2))):
                return
        except OSError as e:
            if time.monotonic() + 0.2 >= deadline:
                raise HnError(EXECUTOR_DOMAIN, ENGINE_FAILED,
                              f"Cannot reach the {engine} cluster at {address} within "
                              f"{timeout} s: {e.strerror or e}") from None
            time.sleep(0.2)


__all__ = ["Work", "run_work", "Program", "Frame", "Rows", "Done", "Failed", "NOT_GIVEN", "chunk_size",
           "check_cancelled", "wait_reachable", "log", "missing"]
