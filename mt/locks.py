"""Exclusive locks that keep two mtk processes from interleaving their work on the same files."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path


def lock_exclusively(fd: int, waiting: str | None = None) -> None:
    """Take an exclusive lock on the open file or folder `fd`, saying `waiting` on stderr if another process holds it.

    A filesystem without locks (ENOLCK on some network mounts) leaves it unlocked: the work goes on unguarded, as it
    did before there were locks, rather than failing."""
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        if waiting:
            print(waiting, file=sys.stderr)
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        pass


@contextlib.contextmanager
def folders_locked(folders: list[Path]) -> Iterator[None]:
    """Hold an exclusive lock on each folder (in a fixed order) while a set of files in them is replaced.

    Within a process, deferring signals keeps a set whole; two processes writing the same outputs at once (two
    terminals, overlapping cron jobs) could still interleave their renames and leave one run's corpus.sw beside the
    other's corpus.en. The lock is taken on the folder itself, so nothing is left behind in the user's folder."""
    with contextlib.ExitStack() as held:
        for folder in sorted(set(folders)):
            try:
                fd = os.open(folder, os.O_RDONLY)
            except OSError:
                continue  # not lockable here (permissions): the renames still happen, as before
            held.callback(os.close, fd)
            lock_exclusively(fd)
        yield
