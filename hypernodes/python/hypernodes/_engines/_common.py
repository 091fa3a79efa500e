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
import socket
import time
import uuid

from gi.repository import GLib

from .. import _nodes, _plan, _values
from .._errors import (ENGINE_FAILED, ENGINE_MISSING, EXECUTOR_DOMAIN, HnError, NodeFailure,
                       install_hint, recover_node_failure)

IO_DOMAIN = "g-io-error-quark"
IO_CANCELLED = 19


def log(executor, domain, message):
    if executor.get_property("debug"):
        GLib.log_variant(domain, GLib.LogLevelFlags.LEVEL_DEBUG,
                         GLib.Variant("a{sv}", {"MESSAGE": GLib.Variant("s", message)}))


def missing(engine, error, packages):
    return HnError(EXECUTOR_DOMAIN, ENGINE_MISSING,
                   f"{engine} is not installed ({error}): " + install_hint(packages))


class Frame:
    """Slot values (GLib.Variant by name) that pickle as serialized GVariants, so that engines
    can send them to other processes."""

    __slots__ = ("values",)

    def __init__(self, values):
        self.values = values

    def __getstate__(self):
        return {k: _values.serialize(v) for k, v in self.values.items()}

    def __setstate__(self, state):
        self.values = {k: _values.deserialize(b) for k, b in state.items()}


class Rows:
    """Rows [start, stop) of a map's items as one aa{sv} (one blob when pickled; each task
    unpacks its own rows), or the single row of a run (no values beyond the shared ones)."""

    __slots__ = ("items",)

    def __init__(self, items):
        self.items = items

    def __getstate__(self):
        # a tuple: pickle skips __setstate__ for a false state
        return (_values.serialize(self.items) if self.items is not None else None,)

    def __setstate__(self, state):
        self.items = _values.deserialize(state[0]) if state[0] is not None else None

    def dicts(self, roots):
        """The root values of each row, by name."""
        if self.items is None:
            return [{}]
        out = []
        for i in range(self.items.n_children()):
            item = self.items.get_child_value(i)
            out.append({k: item.lookup_value(k, None) for k in item.keys() if k in roots})
        return out


class Done:
    """The outcome of the rows of a chunk: their requested outputs as one aa{sv} (one blob when
    pickled) and the envelopes of their node calls, as (position, item, blob), when recording."""

    __slots__ = ("outputs", "events")

    def __init__(self, outputs, events):
        self.outputs = outputs
        self.events = events

    def __getstate__(self):
        return _values.serialize(self.outputs), self.events

    def __setstate__(self, state):
        self.outputs, self.events = _values.deserialize(state[0]), state[1]


class Work:
    """A run seen by the glue: the plan, the node calls, the shared inputs and the items."""

    def __init__(self, run, shippable):
        self.run = run
        self.pipeline = run.get_pipeline()
        self.items = run.get_items()
        self.is_map = self.items is not None
        self.plan = _plan.Plan(self.pipeline, run.get_outputs() or None)
        self.shippable = shippable
        # out of this process, node events come back with the results
        self.record = shippable and run.wants_node_events()
        self.shared = _shared_roots(self.plan, run.get_inputs())
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
        self.program = Program(self.token, self.calls, self.plan.roots, self.plan.outputs)

    @property
    def n_rows(self):
        return self.items.n_children() if self.is_map else 1

    def rows(self, start, stop):
        """Rows [start, stop) of the items (the shared values apart)."""
        if not self.is_map:
            return Rows(None)
        child = self.items.get_child_value
        return Rows(GLib.Variant.new_array(_VARDICT, [child(i) for i in range(start, stop)]))

    def full_rows(self):
        """Every root value of each row (the shared ones included), for engines that take whole
        rows."""
        return [{**self.shared, **row}
                for row in self.rows(0, self.n_rows).dicts(set(self.plan.roots))]

    def result(self, rows):
        """The run's a{sv}, or the map's aa{sv}, of rows of output values (dicts)."""
        return _plan.build_result(rows, self.plan.outputs, self.is_map)

    def task_name(self):
        return "+".join(c.name for c in self.calls) or "pipeline"

    def release(self):
        for call in self.calls:
            call.release()

    def finish(self, chunks):
        """The run's result from the outcomes of its chunks (Done or Failed), in row order."""
        failures = [c for c in chunks if isinstance(c, Failed)]
        if failures:
            failed = min(failures, key=lambda f: (f.item, f.position))
            if self.record:
                self._report_events([c.done if isinstance(c, Failed) else c for c in chunks])
                args = [_values.deserialize(a) if a is not None else GLib.Variant("mv", None)
                        for a in failed.args]
                self.run.report_node_call(self.calls[failed.position].node, failed.item, args,
                                          None, 0.0, None)
                self.run.report_node_error(self.calls[failed.position].node, failed.item,
                                           failed.domain, failed.code, failed.message)
            raise HnError(failed.domain, failed.code, failed.message, failed.node, failed.item,
                          failed.exception)
        if self.record:
            self._report_events(chunks)
        if not self.is_map:
            return chunks[0].outputs.get_child_value(0)
        rows = []
        for chunk in chunks:
            child = chunk.outputs.get_child_value
            rows.extend(child(i) for i in range(chunk.outputs.n_children()))
        return GLib.Variant.new_array(_VARDICT, rows)

    def _report_events(self, chunks):
        for chunk in chunks:
            for position, item, envelope in chunk.events:
                args, result, duration, signature = _nodes.unpack_envelope(envelope)
                self.run.report_node_call(self.calls[position].node, item, args, result,
                                          duration, signature)

    def empty_result(self):
        return empty_map()

    def recover(self, error):
        """The HnError to raise for an exception out of the engine: a node failure it carries
        (reported to the callbacks when they did not see it), or None."""
        failure = recover_node_failure(error)
        if failure is not None and self.record and failure.node is not None:
            for call in self.calls:
                if call.name == failure.node:
                    self.run.report_node_error(call.node, failure.item, failure.domain,
                                               failure.code, failure.message)
                    break
        return failure

    def chunks(self, size):
        """[start, stop) bounds of the rows in chunks of @size."""
        n = self.n_rows
        return [(s, min(s + size, n)) for s in range(0, n, max(1, size))]


class Failed:
    """The node failure that ended a chunk, with the Done of the rows before it."""

    def __init__(self, failure, position, done, args):
        info = failure.info
        # None: an optional input not given
        self.args = [_values.serialize(a) if a is not None else None for a in args]
        self.domain, self.code, self.message = info["domain"], info["code"], info["message"]
        self.node, self.item = info["node"], info["item"]
        self.exception = info.get("exception")
        self.position = position
        self.done = done


class Program:
    """What a task needs to run the plan: the node calls in order, the root inputs and the
    requested outputs. Picklable: NodeCalls travel as recipes."""

    def __init__(self, token, calls, roots, outputs):
        self.token = token
        self.calls = calls
        self.roots = roots
        self.outputs = outputs

    def run(self, shared, rows, start, marker=None):
        """Runs the plan over @rows (Rows; @shared a Frame of the values every row shares),
        numbered from @start (-1 for a single run). Returns a Done, or a Failed for the first
        node failure."""
        outputs = []
        events = []
        resolved = [call.resolve() for call in self.calls]
        for offset, row in enumerate(rows.dicts(set(self.roots))):
            if marker is not None and os.path.exists(marker):
                raise RuntimeError("the map was cancelled")  # the host reports the cancellation
            item = start + offset if start >= 0 else -1
            frame = dict(shared.values)
            frame.update(row)
            for position, (call, target) in enumerate(zip(self.calls, resolved)):
                args = [frame.get(i) for i in call.inputs]  # None: optional, not given
                try:
                    result, envelope = call.invoke(target, item, args)
                except NodeFailure as failure:
                    done = Done(_plan.build_result(outputs, self.outputs, True), events)
                    return Failed(failure, position, done, args if call.record else [])
                for name, value in zip(call.outputs, call.split(result)):
                    frame[name] = value
                if envelope is not None:
                    events.append((position, item, _values.serialize(envelope)))
            outputs.append(frame)
        return Done(_plan.build_result(outputs, self.outputs, True), events)


_VARDICT = GLib.VariantType.new("a{sv}")


def empty_map():
    return GLib.Variant.new_array(_VARDICT, [])


def _shared_roots(plan, inputs):
    """The root values the inputs give every row (an item's own value wins)."""
    shared = {}
    if inputs is not None:
        for k in inputs.keys():
            if k in plan.roots:
                shared[k] = inputs.lookup_value(k, None)
    return shared


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


__all__ = ["Work", "Program", "Frame", "Rows", "Done", "Failed", "chunk_size", "check_cancelled",
           "wait_reachable", "log", "missing", "empty_map"]
