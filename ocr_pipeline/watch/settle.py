"""Waiting until a file is completely written: its size and modification time (and inode)
must stay the same for the settle period, as seen by this process's own clock.

A scanner writing onto a share, or a clerk copying a large PDF, changes the file for a while;
the watcher must not read it before that ends. There is no portable way to know that the
writer has closed the file (network shares hide it), so stability over time is the test.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from pathlib import Path

Signature = Hashable


def signature(path: Path, is_dir: bool = False) -> Signature | None:
    """What must not change while a file settles (``None``: it is gone). For a folder (one
    being refused as a whole): entries, total size and newest time of everything inside."""
    try:
        st = path.lstat()
    except OSError:
        return None
    if not is_dir or not stat.S_ISDIR(st.st_mode):
        return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_mode)
    count, total, newest = 0, 0, st.st_mtime_ns
    for top, dirs, files in os.walk(path):
        for name in dirs + files:
            try:
                sub = os.lstat(os.path.join(top, name))
            except OSError:
                continue
            count += 1
            total += sub.st_size
            newest = max(newest, sub.st_mtime_ns)
    return ("dir", count, total, newest)


@dataclass
class _Watch:
    signature: Signature
    due: float


class SettleTracker:
    """Paths seen in the inbox, each with the time from which it counts as settled.

    :meth:`see` adds a path (or leaves a known one as it is); :meth:`due` gives the paths whose
    time has come, and :meth:`check` tells whether such a path has really not changed (if it
    has, its wait starts again). :meth:`postpone` delays a path (a failed attempt)."""

    def __init__(self, settle: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.settle = settle
        self._clock = clock
        self._watched: dict[Path, _Watch] = {}

    def __len__(self) -> int:
        return len(self._watched)

    def __contains__(self, path: object) -> bool:
        return path in self._watched

    def see(self, path: Path, sig: Signature | None) -> None:
        if sig is None:
            self._watched.pop(path, None)
        elif path not in self._watched:
            self._watched[path] = _Watch(sig, self._clock() + self.settle)

    def due(self) -> list[Path]:
        now = self._clock()
        return [p for p, w in self._watched.items() if w.due <= now]

    def check(self, path: Path, sig: Signature | None) -> bool:
        """True if ``path`` still has the signature it was seen with, for the settle period
        at least; otherwise it is watched again from now (or forgotten when gone)."""
        watch = self._watched.get(path)
        if watch is None:
            return False
        if sig is None:
            del self._watched[path]
            return False
        if sig != watch.signature:
            self._watched[path] = _Watch(sig, self._clock() + self.settle)
            return False
        return watch.due <= self._clock()

    def postpone(self, path: Path, seconds: float) -> None:
        watch = self._watched.get(path)
        if watch is not None:
            watch.due = self._clock() + seconds

    def forget(self, path: Path) -> None:
        self._watched.pop(path, None)

    def paths(self) -> list[Path]:
        return list(self._watched)

    def next_due(self) -> float | None:
        """Seconds until the next path is due (``None``: nothing watched)."""
        if not self._watched:
            return None
        return max(0.0, min(w.due for w in self._watched.values()) - self._clock())
