"""Taking turns to write on SQLite without sleeping.

SQLite lets one writer in at a time; a process that finds the database locked
waits in SQLite's busy handler, which sleeps in steps of 1, 2, 5, 10... ms
and so wastes most of the time it waits for a lock held a tenth of a
millisecond. Comptoir's hot write (the audit event of every read) first
queues on an ``flock`` of a file beside the database instead: the kernel
wakes the next process the moment the lock is released.

Only an outermost transaction queues: one already inside a transaction may
hold SQLite's write lock, and queueing then could wait on a process that
waits on it. On PostgreSQL, row locks already queue without sleeping.
"""

import fcntl
import os
import threading
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

_thread_lock = threading.Lock()
_file: int | None = None


def _lock_file() -> int:
    global _file
    if _file is None:
        path = settings.VAR_DIR / "sqlite-writer.lock"
        _file = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    return _file


@contextmanager
def writer_turn():
    """Wait for this process's turn to write (SQLite, outermost transaction only)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with _thread_lock:
        fd = _lock_file()
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
