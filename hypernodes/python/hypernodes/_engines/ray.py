# SPDX-License-Identifier: LGPL-2.1-or-later
"""HnRayExecutor: a run is one Ray task that runs the whole plan in a worker; a map is one task
per batch of items. The program (node recipes) and the inputs the items share are pickled once
per run and travel inside each task, unless they are large: then they are put in the object
store, the program once while it stays the same. ObjectRefs are top-level arguments, which Ray
resolves before the task starts."""

import collections
import hashlib
import pickle
import threading
import time

from .._pickle import pickle_dumps
from . import _common

try:
    import ray
except ImportError as e:  # reported when a run starts, never at import of the executor
    ray = None
    _import_error = e

DOMAIN = "Hn-Ray"
BATCH_MIN, BATCH_MAX = 100, 1000

_remote = None
_init_lock = threading.Lock()


_NO_SHARED = _common.Frame({})
_resources = (None, 0.0, None)
_RESOURCES_FOR = 5.0  # seconds a look at the cluster's resources stays good


_programs = collections.OrderedDict()  # sha256 of the pickled program -> its ObjectRef
_programs_owner = None  # the connection the refs belong to
_PROGRAMS_KEPT = 16
_PROGRAM_KEPT_SIZE = 1 << 20  # larger programs are put for their run only
# A task that takes an ObjectRef fetches its object from the object store, about 0.3 ms on
# this machine (as long as a 1,000-item batch of a trivial node), where a task's own arguments
# travel in its request: a program or shared inputs smaller than this travel in each task (as
# Dask's do).
_INLINE_SIZE = 64 << 10


def _connection():
    """What identifies this process's connection to a cluster: the node it is on (new for a
    new cluster) and its job (new for each ray.init)."""
    context = ray.get_runtime_context()
    return context.get_node_id(), context.get_job_id()


def _task_argument(value, put):
    """@value as the tasks take it: pickled (once for all the tasks of a run), and given to
    @put (which puts it in the object store) when it is large."""
    blob = pickle_dumps(value)
    return blob if len(blob) <= _INLINE_SIZE else put(blob)


def _put_program(blob):
    """The pickled program @blob in the object store: put once, and again only when it
    changes (another pipeline, other outputs, a node's function changed) or this process
    connects to a cluster again. A put costs about a millisecond."""
    global _programs_owner
    if len(blob) > _PROGRAM_KEPT_SIZE:
        return ray.put(blob)
    key = hashlib.sha256(blob).digest()
    owner = _connection()
    with _init_lock:
        if owner != _programs_owner:
            _programs.clear()  # refs of an earlier connection: let them go
            _programs_owner = owner
        ref = _programs.get(key)
        if ref is not None:
            _programs.move_to_end(key)
            return ref
    ref = ray.put(blob)
    with _init_lock:
        if owner == _programs_owner:
            _programs[key] = ref
            while len(_programs) > _PROGRAMS_KEPT:
                _programs.popitem(last=False)
    return ref


def _cluster_resources():
    """ray.cluster_resources(), asked at most every few seconds while this process stays
    connected to the same cluster (it costs about a millisecond, as much as a small map)."""
    global _resources
    job = _connection()
    known_job, when, resources = _resources
    now = time.monotonic()
    if resources is None or job != known_job or now - when > _RESOURCES_FOR:
        resources = ray.cluster_resources()
        _resources = (job, now, resources)
    return resources


def _run_batch(program, rows, shared=None):
    """The Ray task: Program.run over a batch of rows; @program is pickled, @shared none when
    the rows share no input. Each argument of a task costs the submission about 20 us: a
    batch's first row travels with its rows."""
    # both pickled (Ray gives an ObjectRef's bytes as they are)
    shared = pickle.loads(shared) if shared is not None else _NO_SHARED
    return pickle.loads(program).run(shared, rows, rows.start)


def _task():
    """The remote function, defined once per process."""
    global _remote
    if _remote is None:
        _remote = ray.remote(_run_batch)
    return _remote


def ensure_ray(address, timeout, log=None):
    """Connects to Ray unless it is initialized already (then the cluster is shared, with Daft
    on Ray among others); an address must answer within @timeout seconds."""
    with _init_lock:
        if ray.is_initialized():
            return
        if address:
            _common.wait_reachable("Ray", address, timeout)
        if log:
            log(f"ray.init(address={address!r})")
        ray.init(address=address or None, include_dashboard=False, log_to_driver=False,
                 configure_logging=False)


def run(executor, run):
    if ray is None:
        raise _common.missing("Ray", _import_error, ["ray", "cloudpickle"])

    def log(message):
        _common.log(executor, DOMAIN, message)

    def execute(work):
        ensure_ray(executor.get_ray_address(), executor.get_connect_timeout(), log)
        _execute(executor, work, log)

    return _common.run_work(run, True, execute)


def _execute(executor, work, log):
    options = dict(num_cpus=executor.get_num_cpus(), num_gpus=executor.get_num_gpus(),
                   max_retries=executor.get_max_retries(), retry_exceptions=False,
                   name=work.task_name())
    resources = _cluster_resources()
    for key, amount in (("CPU", options["num_cpus"]), ("GPU", options["num_gpus"])):
        if amount > resources.get(key, 0):
            # Ray would wait for ever for a node that can run the task
            raise _common.HnError(_common.EXECUTOR_DOMAIN, _common.ENGINE_FAILED,
                                  f"The Ray executor asks for {amount:g} {key} per task, and "
                                  f"the cluster has {resources.get(key, 0):g}")
    task = _task().options(**options)
    program = _task_argument(work.program, _put_program)
    # the inputs the rows share, once per run
    shared = _task_argument(_common.Frame(work.shared), ray.put) if work.shared else None
    if work.is_map:
        cpus = max(1, int(resources.get("CPU", 1)))
        size = _common.chunk_size(work.n_rows, cpus, per_worker=4, low=BATCH_MIN, high=BATCH_MAX)
    else:
        size = 1
    bounds = work.chunks(size)
    log(f"{len(bounds)} task(s) {options['name']} of up to {size} item(s)")
    if shared is None:
        refs = [task.remote(program, work.rows(a, b)) for a, b in bounds]
    else:
        refs = [task.remote(program, work.rows(a, b), shared) for a, b in bounds]
    work.finish(_wait(work.run, refs))


def _wait(run, refs):
    """ray.get of @refs that the run's cancellable interrupts."""
    pending = list(refs)
    while pending:
        _, pending = ray.wait(pending, num_returns=len(pending), timeout=0.2)
        try:
            _common.check_cancelled(run)
        except _common.HnError:
            for ref in pending:
                ray.cancel(ref, force=True)
            raise
    return ray.get(refs)
