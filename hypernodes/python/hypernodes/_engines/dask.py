# SPDX-License-Identifier: LGPL-2.1-or-later
"""HnDaskExecutor. On a local scheduler a run is a Dask graph of one task per node (named after
the node), so independent nodes run in parallel, and a map is one task per chunk of items;
"synchronous" and "threads" call the nodes of this process, "processes" ships them (as recipes)
to a pool of worker processes kept for the executor's life. On a cluster (scheduler-address) a
dependent task costs milliseconds: a run is one task and a map one task per chunk, with the
program and the shared inputs sent to the cluster once."""

import atexit
import multiprocessing
import os
import tempfile
import threading
from concurrent.futures import ProcessPoolExecutor

from .._pickle import pickle_dumps
from . import _common
from ._common import Frame

try:
    import dask
    import dask.local
    import dask.multiprocessing
    import dask.threaded
except ImportError as e:  # reported when a run starts, never at import of the executor
    dask = None
    _import_error = e

DOMAIN = "Hn-Dask"
_lock = threading.Lock()
_pools = set()


def _shut_pools_down():
    """Stops the process pools at exit. Python does it from threading's exit hook, which an
    embedded interpreter that is never finalized (a C program's) does not run; and
    multiprocessing's own exit function, which runs after this one, waits for the workers."""
    for pool in list(_pools):
        _shut_down(pool)


atexit.register(_shut_pools_down)


def _shut_down(pool):
    # waits for the workers: exit functions must not find them still running
    pool.shutdown(wait=True, cancel_futures=True)
    _pools.discard(pool)


def _node_task(call, position, shared, host_pid, *deps):
    """Node @position of a single run: its inputs come from @shared and the tasks it depends
    on. Returns (Frame of its outputs, its events), or the Failed of the first node that failed
    upstream or here (also for an output that cannot travel back to the host process
    @host_pid)."""
    frame = dict(shared.values)
    for dep in deps:
        if isinstance(dep, _common.Failed):
            return dep
        frame.update(dep[0].values)
    args = [[frame.get(i, _common.NOT_GIVEN)] for i in call.inputs]
    events = []
    outputs, _, failure = call.invoke_rows(call.resolve(), args, 1, None, events, position)
    if failure is not None:
        return _common.Failed(failure, position, _common.Done({}, []),
                              [a[0] for a in args] if call.record else [])
    produced = Frame({name: values[0] for name, values in zip(call.outputs, outputs)})
    if os.getpid() != host_pid:
        # the outputs travel back pickled: one that cannot fails here, naming the node
        try:
            produced.blob = _common.dumps(produced.values)
        except Exception:
            bad = _common.first_unpicklable(
                {o: call.name for o in call.outputs},
                {n: [v] for n, v in produced.values.items()}, 1, lambda row: None)
            if bad is None:
                raise
            return _common.Failed(bad, position, _common.Done({}, []), [])
    return produced, events


class _Cancelled(Exception):
    """A chunk stopped because its map was cancelled (the host made the marker file)."""


_NO_SHARED = Frame({})
_SCATTER_SIZE = 1 << 16  # a program larger than this (pickled) goes to the workers once


def _chunk_task(program, shared, rows, start, marker=None):
    """A chunk of a map (@shared None when its rows share no input)."""
    if marker is not None and os.path.exists(marker):
        raise _Cancelled(marker)
    return program.run(shared if shared is not None else _NO_SHARED, rows, start, marker)


def _workers(executor):
    return executor.get_n_workers() or os.cpu_count() or 1


def _pool(executor):
    """The executor's warm process pool, made on first use and kept while it lives."""
    with _lock:
        pool = getattr(executor, "_hn_dask_pool", None)
        if pool is None:
            pool = ProcessPoolExecutor(_workers(executor),
                                       mp_context=multiprocessing.get_context("spawn"))
            _pools.add(pool)
            # the pool lives as long as the executor (a GObject weak reference holds it)
            executor.weak_ref(_shut_down, pool)
            # the wrapper (and so the pool) lives as long as the executor
            executor._hn_dask_pool = pool
        return pool


def _client(executor, address, log):
    """The executor's client of the cluster at @address, connected on first use."""
    try:
        from distributed import Client
    except ImportError as e:
        raise _common.missing("Dask's distributed scheduler", e,
                              ["dask[distributed]", "cloudpickle"]) from None

    with _lock:
        client = getattr(executor, "_hn_dask_client", None)
        if client is not None and client.status == "running":
            return client
        timeout = executor.get_connect_timeout()
        _common.wait_reachable("Dask", address, timeout)
        log(f"connecting to the Dask scheduler at {address}")
        try:
            client = Client(address, timeout=timeout, set_as_default=False)
        except OSError as e:
            raise _common.HnError(_common.EXECUTOR_DOMAIN, _common.ENGINE_FAILED,
                                  f"Cannot connect to the Dask scheduler at {address} within "
                                  f"{timeout} s: {e}") from None
        executor._hn_dask_client = client
        return client


def run(executor, run):
    if dask is None:
        raise _common.missing("Dask", _import_error, ["dask[distributed]", "cloudpickle"])

    def log(message):
        _common.log(executor, DOMAIN, message)

    address = executor.get_scheduler_address()
    scheduler = executor.get_scheduler().value_nick

    def execute(work):
        if address:
            _run_cluster(executor, work, _client(executor, address, log), log)
        else:
            _run_local(executor, work, scheduler, log)

    return _common.run_work(run, bool(address) or scheduler == "processes", execute)


def _get(executor, scheduler):
    if scheduler == "synchronous":
        return dask.local.get_sync
    if scheduler == "processes":
        pool = _pool(executor)
        return lambda dsk, keys: dask.multiprocessing.get(dsk, keys, pool=pool)
    workers = _workers(executor)
    return lambda dsk, keys: dask.threaded.get(dsk, keys, num_workers=workers)


def _run_local(executor, work, scheduler, log):
    get = _get(executor, scheduler)
    shared = Frame(work.shared)
    dsk = {}
    if not work.is_map:
        producer = {}
        keys = []
        for position, call in enumerate(work.calls):
            key = f"{call.name}-{work.token[:8]}-{position}"
            deps = list(dict.fromkeys(producer[i] for i in call.inputs if i in producer))
            dsk[key] = (_node_task, call, position, shared, _common.HOST_PID, *deps)
            for o in call.outputs:
                producer[o] = key
            keys.append(key)
        log(f"{scheduler}: a graph of {len(keys)} task(s): {', '.join(keys)}")
        results = get(dsk, keys)
        failures = [r for r in results if isinstance(r, _common.Failed)]
        if failures:
            return work.finish([min(failures, key=lambda f: f.position)])
        frame = {}
        events = []
        for produced, node_events in results:
            frame.update(produced.values)
            events.extend(node_events)
        return work.finish([_common.Done({o: [frame[o]] for o in work.outputs}, events)])

    size = executor.get_chunk_size() or _common.chunk_size(work.n_rows, _workers(executor))
    bounds = work.chunks(size)
    name = work.task_name()
    keys = []
    # worker processes do not see the run's cancellable: a cancelled map makes a marker file
    # that the chunks check between items
    marker = (os.path.join(tempfile.gettempdir(), f"hn-cancel-{os.getpid()}-{work.token}")
              if scheduler == "processes" else None)
    for index, (a, b) in enumerate(bounds):
        key = f"{name}-{work.token[:8]}-{index}"
        dsk[key] = (_chunk_task, work.program, shared, work.rows(a, b), a, marker)
        keys.append(key)
    log(f"{scheduler}: {len(keys)} chunk task(s) {name} of up to {size} item(s)")
    if marker is None:
        return work.finish(get(dsk, keys))
    return work.finish(_get_cancellable(get, dsk, keys, work, marker))


def _get_cancellable(get, dsk, keys, work, marker):
    """get(dsk, keys) in a helper thread, while this one watches the run's cancellable."""
    outcome = {}

    def target():
        try:
            outcome["value"] = get(dsk, keys)
        except BaseException as e:  # re-raised here
            outcome["error"] = e

    thread = threading.Thread(target=target, name="hypernodes-dask-get", daemon=True)
    thread.start()
    pause = 0.002
    try:
        while thread.is_alive():
            try:
                _common.check_cancelled(work.run)
            except _common.HnError:
                open(marker, "w").close()
                thread.join()
                raise
            thread.join(pause)
            pause = min(pause * 2, 0.05)
    finally:
        if os.path.exists(marker):
            os.unlink(marker)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _run_cluster(executor, work, client, log):
    retries = executor.get_retries()
    name = work.task_name()
    if not work.is_map:
        futures = [client.submit(_chunk_task, work.program, Frame(work.shared), work.rows(0, 1),
                                 -1, key=f"{name}-{work.token}", pure=False, retries=retries)]
        log(f"cluster: one task {name}")
    else:
        workers = max(1, len(client.scheduler_info(n_workers=-1).get("workers", {})))
        size = executor.get_chunk_size() or _common.chunk_size(work.n_rows, workers)
        bounds = work.chunks(size)
        # each scatter is a round trip to the scheduler: only what is worth it
        program = work.program
        if len(pickle_dumps(program)) > _SCATTER_SIZE:
            program = client.scatter(program, hash=False)
        shared = client.scatter(Frame(work.shared), hash=False) if work.shared else None
        futures = client.map(_chunk_task, [program] * len(bounds), [shared] * len(bounds),
                             [work.rows(a, b) for a, b in bounds], [a for a, _ in bounds],
                             key=[f"{name}-{work.token}-{i}" for i in range(len(bounds))],
                             pure=False, retries=retries)
        log(f"cluster: {len(bounds)} chunk task(s) {name} of up to {size} item(s) on "
            f"{workers} worker(s)")
    _wait(client, futures, work.run)
    return work.finish(client.gather(futures))


def _wait(client, futures, run):
    """Waits for @futures (told by their done callbacks, not by polling), and cancels them if
    the run's cancellable is cancelled (it is looked at every 50 ms)."""
    lock = threading.Lock()
    all_done = threading.Event()
    pending = [len(futures)]

    def one_done(_future):
        with lock:
            pending[0] -= 1
            if pending[0] == 0:
                all_done.set()

    if not futures:
        return
    for future in futures:
        future.add_done_callback(one_done)
    while True:
        try:
            _common.check_cancelled(run)
        except _common.HnError:
            client.cancel(futures)
            raise
        if all_done.wait(0.05):
            return
