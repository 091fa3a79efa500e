# SPDX-License-Identifier: LGPL-2.1-or-later
"""Awaiting the coroutine of an ``async def`` node from a synchronous node call."""

import asyncio
import threading

_local = threading.local()


def _loop():
    loop = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = _local.loop = asyncio.new_event_loop()
    return loop


def run_coroutine(coro):
    """Runs @coro to completion and returns its result (or raises its exception).

    In a thread with no running event loop, on a loop of that thread's own (kept for the next
    call). Inside a running loop (a node called from a Jupyter cell, say), that loop cannot be
    re-entered: the coroutine runs on a loop of a helper thread while this one waits.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _loop().run_until_complete(coro)

    outcome = {}

    def helper():
        try:
            outcome["value"] = asyncio.run(coro)
        except BaseException as e:  # re-raised in the caller's thread
            outcome["error"] = e

    thread = threading.Thread(target=helper, name="hypernodes-async-node")
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


_background = None
_background_lock = threading.Lock()


def _background_loop():
    """The event loop of a daemon thread where the async executor's coroutines run."""
    global _background
    with _background_lock:
        if _background is None:
            loop = asyncio.new_event_loop()
            thread = threading.Thread(target=loop.run_forever, name="hypernodes-asyncio",
                                      daemon=True)
            thread.start()
            _background = loop
    return _background


def submit(coro, done):
    """Runs @coro on the background loop; calls done(result, None) or done(None, exception)
    there when it is over. For the async executor, which keeps many nodes in flight. Returns
    the concurrent.futures.Future of the run, whose cancel() cancels the coroutine."""

    async def wrapper():
        try:
            result = await coro
        except BaseException as e:  # handed to the library, raised to the caller
            done(None, e)
        else:
            done(result, None)

    return asyncio.run_coroutine_threadsafe(wrapper(), _background_loop())
