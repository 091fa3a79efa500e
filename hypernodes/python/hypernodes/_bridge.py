# SPDX-License-Identifier: LGPL-2.1-or-later
"""Entry point of the Python bridge (hn-python): runs an engine executor's work in Python and
turns every outcome into a value or a GError the C side can return."""

import importlib
import pickle
import threading
import traceback

import gi

gi.require_version("Hn", "1")

# Loads the override before hn-python wraps the executor and pipeline, so they get its classes.
from gi.repository import GLib, Hn  # noqa: E402,F401

from ._errors import EXECUTOR_DOMAIN, ENGINE_FAILED, ENGINE_MISSING, HnError


# The exceptions of Python nodes that failed in an engine's workers, by run id, until the Python
# face raises them (hypernodes._native takes them).
_exceptions = {}
_exceptions_lock = threading.Lock()


def take_exception(run_id):
    """The node exception kept for the run @run_id (and forgets it), or None."""
    with _exceptions_lock:
        blob = _exceptions.pop(run_id, None)
    if blob is None:
        return None
    try:
        return pickle.loads(blob)
    except Exception:
        return None


def run_engine(engine, executor, run):
    """Called by hn-python with the GIL held, with the executor and the Hn.Run to execute (its
    inputs already checked). Returns ("ok", type, data) or ("error", domain, code, message)."""
    try:
        module = importlib.import_module(f"hypernodes._engines.{engine}")
    except ImportError as e:
        return ("error", EXECUTOR_DOMAIN, ENGINE_MISSING,
                f"The {engine} engine cannot be imported: {e}")
    try:
        result = module.run(executor, run)
        if result is None:  # the glue gave the run its results (hypernodes._native.set_results)
            return ("ok", "a{sv}", b"")
        normal = result.get_normal_form()
        return ("ok", normal.get_type_string(), normal.get_data_as_bytes().get_data() or b"")
    except HnError as e:
        if e.exception is not None and run.get_parent() is None:
            with _exceptions_lock:
                if len(_exceptions) > 64:  # runs that were not made by the Python face
                    _exceptions.clear()
                _exceptions[run.get_context().get_run_id()] = e.exception
        return ("error", e.domain, e.code, e.message)
    except GLib.Error as e:
        return ("error", e.domain, e.code, e.message)
    except Exception as e:  # the engine's own failure
        detail = "".join(traceback.format_exception_only(type(e), e)).strip()
        return ("error", EXECUTOR_DOMAIN, ENGINE_FAILED, f"The {engine} engine failed: {detail}")
