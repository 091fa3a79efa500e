# SPDX-License-Identifier: LGPL-2.1-or-later
"""The disk cache cleans up: temporary files of writers that died go, and max_bytes bounds it."""

import fcntl
import os
import subprocess
import sys
import textwrap
import time

import pytest

from hypernodes import Pipeline, node
from hypernodes.cache import DiskCache


@node(output_name="blob")
def blob(i: int) -> bytes:
    return bytes([i % 256]) * 1000


def entries(directory):
    return sorted(f for f in os.listdir(directory) if f.endswith(".hnc"))


def size(directory):
    return sum(os.path.getsize(os.path.join(directory, f)) for f in entries(directory))


def test_temporary_files_of_dead_writers_are_removed(tmp_path):
    old = time.time() - 3600
    dead = tmp_path / ("ab" * 32 + ".hnc.tmp-Q1w2E3")      # a writer killed mid-write
    older_kind = tmp_path / ("cd" * 32 + ".hnc.X9y8Z7")    # g_file_set_contents' naming
    fresh = tmp_path / ("ef" * 32 + ".hnc.tmp-A1b2C3")     # may be a writer at work
    held = tmp_path / ("01" * 32 + ".hnc.tmp-D4e5F6")      # a writer at work: it holds the lock
    for f in (dead, older_kind, fresh, held):
        f.write_bytes(b"\0" * 4096)
    for f in (dead, older_kind, held):
        os.utime(f, (old, old))
    with open(held, "rb") as writer:
        fcntl.flock(writer, fcntl.LOCK_EX)
        pipeline = Pipeline(nodes=[blob], cache=DiskCache(tmp_path))
        assert pipeline.run({"i": 1}) == {"blob": b"\1" * 1000}
        assert not dead.exists() and not older_kind.exists()
        assert fresh.exists() and held.exists()
    assert len(entries(tmp_path)) == 1


def test_max_bytes_keeps_the_most_recently_used(tmp_path):
    one = None
    pipeline = Pipeline(nodes=[blob], cache=DiskCache(tmp_path, max_bytes=1))
    pipeline.run({"i": 0})
    assert entries(tmp_path) == []                 # an entry over the bound is not kept
    pipeline.run({"i": 0})

    probe = Pipeline(nodes=[blob], cache=DiskCache(tmp_path / "probe"))
    probe.run({"i": 0})
    one = size(tmp_path / "probe")                 # the size of one entry
    bound = 3 * one + one // 2                     # room for three
    calls = []

    @node(output_name="blob")
    def counted(i: int) -> bytes:
        calls.append(i)
        return bytes([i % 256]) * 1000

    cache = DiskCache(tmp_path / "bounded", max_bytes=bound)
    assert cache.max_bytes == bound
    bounded = Pipeline(nodes=[counted], cache=cache)
    bounded.map({"i": [1, 2, 3]}, map_over="i")
    time.sleep(0.01)
    bounded.run({"i": 1})                          # a hit: 1 is now the most recently used
    assert calls == [1, 2, 3]
    time.sleep(0.01)
    bounded.run({"i": 4})                          # 2, the least recently used, goes
    assert size(tmp_path / "bounded") <= bound
    assert len(entries(tmp_path / "bounded")) == 3
    calls.clear()
    bounded.map({"i": [1, 3, 4]}, map_over="i")
    assert calls == []
    bounded.run({"i": 2})
    assert calls == [2]


def test_max_bytes_with_several_processes(tmp_path):
    bound = 40_000
    script = textwrap.dedent(f"""
        import sys
        from hypernodes import Pipeline, node
        from hypernodes.cache import DiskCache

        @node(output_name="blob")
        def blob(i: int) -> bytes:
            return bytes([i % 256]) * 1000

        start = int(sys.argv[1])
        Pipeline(nodes=[blob], cache=DiskCache({str(tmp_path)!r}, max_bytes={bound})).map(
            {{"i": list(range(start, start + 300))}}, map_over="i")
    """)
    writers = [subprocess.Popen([sys.executable, "-c", script, str(start)])
               for start in (0, 1000)]
    for w in writers:
        assert w.wait(timeout=120) == 0
    # the next store sees what both wrote since their last look
    Pipeline(nodes=[blob], cache=DiskCache(tmp_path, max_bytes=bound)).run({"i": 5000})
    assert 0 < size(tmp_path) <= bound
    assert not [f for f in os.listdir(tmp_path) if ".hnc." in f]


@pytest.mark.parametrize("bad", [-1, 1.5, "10", True, 2 ** 64])
def test_max_bytes_must_be_a_whole_number(tmp_path, bad):
    with pytest.raises(ValueError, match="max_bytes must be a whole number"):
        DiskCache(tmp_path, max_bytes=bad)
