# SPDX-License-Identifier: LGPL-2.1-or-later
"""GError domains and codes of libhypernodes, for errors raised in Python glue."""

import base64
import json
import re
import sys
import threading
import uuid

PIPELINE_DOMAIN = "hn-pipeline-error-quark"
NODE_DOMAIN = "hn-node-error-quark"
EXECUTOR_DOMAIN = "hn-executor-error-quark"

NODE_FAILED = 0
NODE_INVALID_RESULT = 1

ENGINE_MISSING = 0
NOT_SHIPPABLE = 1
ENGINE_FAILED = 2
RUNNER_CONFLICT = 3
INVALID_CONFIG = 4


class HnError(Exception):
    """An error that reaches C as a GError of @domain and @code (a node failure also says which
    node and item)."""

    def __init__(self, domain, code, message, node=None, item=None, exception=None):
        super().__init__(message)
        self.domain = domain
        self.code = code
        self.message = message
        self.node = node
        self.item = item
        self.exception = exception  # the node's own exception, pickled, or None


def install_hint(packages):
    """How to get @packages (pip requirement strings) on Debian 12, for an ENGINE_MISSING message.

    Debian's own Python refuses pip installs outside a virtualenv, and the virtualenv must see
    Debian's python3-gi: hence --system-site-packages, and that Python for the program.
    """
    quoted = " ".join(f"'{p}'" if "[" in p else p for p in packages)
    return (f"install it in a virtualenv that sees the system's PyGObject: python3 -m venv "
            f"--system-site-packages ~/.venv-hn && ~/.venv-hn/bin/pip install {quoted}; then "
            f"run the program with ~/.venv-hn/bin/python, or from C set the executor's "
            f"\"python\" property or $HN_PYTHON to ~/.venv-hn/bin/python (this Python is "
            f"{sys.executable})")


# A node failure inside an engine UDF travels through the engine's own exception (across
# processes on Ray) as a marked JSON payload in the message, and is recovered here. The payload
# is the GError of the library's invocation path, which names the node and the item already.
_MARK = "HN-NODE-FAILURE"
_local_exceptions = {}  # ref -> pickled exception, of the failures raised in this process
_local_lock = threading.Lock()
_FIND = re.compile(_MARK + r"(\{.*?\})" + _MARK)


class NodeFailure(Exception):
    """A node failure inside an engine task. @exception is the node's own exception, pickled
    (bytes, or None), so that the caller gets the same type back."""

    def __init__(self, domain, code, message, node=None, item=None, exception=None,
                 events=None, call_args=None, done_items=None):
        self.info = {"domain": domain, "code": code, "message": message, "node": node,
                     "item": item, "ref": None}
        if events:
            # the node events of the calls before the failure, for engines that keep only
            # this exception of a failed task (Daft): [position, item, base64 envelope]
            self.info["events"] = [[p, i, base64.b64encode(b).decode("ascii")]
                                   for p, i, b in events]
        if done_items:
            # the items that completed before the failure, as [item, cached]
            self.info["done"] = [[int(i), bool(c)] for i, c in done_items]
        if call_args is not None:
            # the arguments of the failed call (encoded), for its "node start" event
            self.info["args"] = [base64.b64encode(b).decode("ascii") for b in call_args]
        self.exception = exception
        if exception is not None:
            # an engine that keeps only the message (Daft in this process) finds it by ref
            self.info["ref"] = uuid.uuid4().hex
            with _local_lock:
                _local_exceptions[self.info["ref"]] = exception
                while len(_local_exceptions) > 256:
                    _local_exceptions.pop(next(iter(_local_exceptions)))
        # the payload names the failure only: the pickled exception travels as an attribute
        super().__init__(f"{_MARK}{json.dumps(self.info)}{_MARK}")
        self.info["exception"] = exception

    def __reduce__(self):
        i = self.info
        return (_rebuild_failure, (i["domain"], i["code"], i["message"], i["node"], i["item"],
                                   self.exception, i["ref"], i.get("events"), i.get("args"),
                                   i.get("done")))


def _rebuild_failure(domain, code, message, node, item, exception, ref, events=None,
                     args=None, done=None):
    failure = NodeFailure.__new__(NodeFailure)
    failure.info = {"domain": domain, "code": code, "message": message, "node": node,
                    "item": item, "ref": ref}
    if events:
        failure.info["events"] = events
    if args is not None:
        failure.info["args"] = args
    if done:
        failure.info["done"] = done
    failure.exception = exception
    Exception.__init__(failure, f"{_MARK}{json.dumps(failure.info)}{_MARK}")
    failure.info["exception"] = exception
    return failure


def _events_of(info):
    return [(p, i, base64.b64decode(b)) for p, i, b in info.get("events", ())]


def _args_of(info):
    args = info.get("args")
    return [base64.b64decode(b) for b in args] if args is not None else None


def recover_node_failure(exc):
    """The HnError for the first node failure mentioned by @exc (or its causes), or None."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, NodeFailure):
            i = exc.info
            error = HnError(i["domain"], i["code"], i["message"], i["node"], i["item"],
                            exc.exception)
            error.events, error.call_args = _events_of(i), _args_of(i)
            error.done_items = [tuple(d) for d in i.get("done", ())]
            return error
        match = _FIND.search(str(exc))
        if match:
            info = json.loads(match.group(1))
            with _local_lock:
                blob = _local_exceptions.pop(info.get("ref"), None)
            error = HnError(info["domain"], info["code"], info["message"], info.get("node"),
                            info.get("item"), blob)
            error.events, error.call_args = _events_of(info), _args_of(info)
            error.done_items = [tuple(d) for d in info.get("done", ())]
            return error
        exc = exc.__cause__ or exc.__context__
    return None


def pickle_exception(exc):
    """@exc as bytes for NodeFailure (None if it cannot be pickled)."""
    from ._pickle import pickle_dumps

    try:
        return pickle_dumps(exc)
    except Exception:
        return None


# ---- the exception classes of the Python face --------------------------------------------
#
# Each subclasses GLib.GError, so code that catches GLib.Error (and checks its domain and code)
# keeps working, and the Python base that users of upstream hypernodes and pipefunc expect.

from gi.repository import GLib as _GLib  # noqa: E402

# HnPipelineError codes
PIPELINE_CYCLE = 0
PIPELINE_DUPLICATE_OUTPUT = 1
PIPELINE_DUPLICATE_NODE = 2
PIPELINE_INVALID_NODE = 3
PIPELINE_MISSING_INPUT = 4
PIPELINE_UNKNOWN_OUTPUT = 5
PIPELINE_MAP_NOT_ARRAY = 9


class HyperNodesError(_GLib.GError):
    """Base class of the errors of hypernodes (a GLib.GError with the library's domain and
    code, and the message of the library)."""

    def __init__(self, message="", domain=PIPELINE_DOMAIN, code=0):
        super().__init__(message, domain, code)

    def __str__(self):
        return self.message

    def __reduce__(self):
        return (type(self), (self.message, self.domain, self.code))


class CycleError(HyperNodesError):
    """The nodes of a pipeline form a cycle."""


class DependencyError(HyperNodesError):
    """Two nodes of a pipeline produce the same output, or nodes do not fit together."""


class PipelineInputError(HyperNodesError, ValueError):
    """A run's inputs or requested outputs are wrong: a missing input, an unknown output, mapped
    lists of unequal length, a mapped input that is not a list, a value of the wrong type."""


class NodeError(HyperNodesError, RuntimeError):
    """A node failed in a way that is not an exception of its own (a C node's error, a result
    of the wrong shape)."""


class ExecutionError(HyperNodesError, RuntimeError):
    """An executor failed: an engine that is missing or broke, a node that cannot be shipped."""


def _domain_string(domain):
    return domain if isinstance(domain, str) else _GLib.quark_to_string(domain)


def error_class(domain, code):
    """The exception class of a GError of @domain (a string or quark) and @code."""
    domain = _domain_string(domain)
    if domain == PIPELINE_DOMAIN:
        if code == PIPELINE_CYCLE:
            return CycleError
        if code in (PIPELINE_DUPLICATE_OUTPUT, PIPELINE_DUPLICATE_NODE, PIPELINE_INVALID_NODE):
            return DependencyError
        return PipelineInputError
    if domain == NODE_DOMAIN:
        return NodeError
    if domain == EXECUTOR_DOMAIN:
        return ExecutionError
    return None


def from_gerror(domain, code, message):
    """The exception to raise for a GError the library returned."""
    cls = error_class(domain, code)
    if cls is None:
        return _GLib.GError(message, _domain_string(domain), code)
    return cls(message, _domain_string(domain), code)


def convert(error):
    """@error (a GLib.GError raised by the introspected API) as its exception class."""
    if type(error) is not _GLib.GError:
        return error
    cls = error_class(error.domain, error.code)
    if cls is None:
        return error
    return cls(error.message, error.domain, error.code)


def not_a_list(name, type_name):
    return PipelineInputError(f"Mapped input “{name}” must be a list, not a {type_name}",
                              PIPELINE_DOMAIN, PIPELINE_MAP_NOT_ARRAY)
