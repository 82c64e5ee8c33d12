"""Write output files and folders atomically so an interrupted or failed run never leaves a half-written file."""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import re
import shutil
import socket
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, cast

# locks is called through the module so that tests can wrap folders_locked where it lives.
from mt import locks
from mt.errors import InputError
from mt.output_checks import (
    ForeignIn,
    check_output_file,
    check_output_folder,
    is_stream,
    named_descriptor,
    refuse_folder_name,
    written_in_place,
)


def _mode_for(target: Path) -> int:
    """Permissions the finished file gets: those of the file it replaces, else what a plain open() would give."""
    # mkstemp creates its file 0600; without this every output would be unreadable to the user's group and others.
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _host_prefix(target: Path) -> str:
    """Start of the names of `target`'s temporary files made on this host, up to the process id."""
    # Host and process id let a later run tell what a killed run (SIGKILL, out of memory, power loss) left behind
    # from what a live run is still writing; on a shared filesystem only this host's leftovers are judged.
    host = re.sub(r"[^A-Za-z0-9_-]", "_", socket.gethostname())
    return f".{target.name}.mtk-{host}-"


def _temp_prefix(target: Path) -> str:
    """Start of the names of `target`'s temporary files made by this process."""
    return f"{_host_prefix(target)}{os.getpid()}."


def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this host (signal 0 checks without sending anything)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def sweep_leftovers(target: Path) -> None:
    """Delete the temporary files and staging folders of `target` that killed runs on this host left."""
    prefix = _host_prefix(target)
    with contextlib.suppress(OSError):
        for path in target.parent.iterdir():
            if not (path.name.startswith(prefix) and path.name.endswith((".part", ".partial"))):
                continue
            pid = path.name[len(prefix):].split(".", 1)[0]
            if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path, ignore_errors=True)
                else:
                    path.unlink(missing_ok=True)


@contextlib.contextmanager
def write_errors(target: str | os.PathLike[str] | None) -> Iterator[None]:
    """Turn an OSError raised while writing `target` (full disk, no permission) into a one-line InputError."""
    try:
        yield
    except BrokenPipeError:
        raise  # the reader went away (`mtk ... | head`): not an error of ours, see eval.cli.main
    except OSError as exc:
        where = "to stdout" if target is None or str(target) == "-" else str(target)
        raise InputError(f"cannot write {where}: {exc.strerror or exc}") from None


# Set once an output has been written to stdout or stderr, which cannot be replaced atomically: an interrupt message
# must not then claim that nothing partial was written. mtk's main() clears it for each command.
_streamed: list[bool] = []


def streamed_output() -> bool:
    """Whether an output has been written (in part) to stdout or stderr since the last forget_streamed_output()."""
    return bool(_streamed)


def forget_streamed_output() -> None:
    """Start afresh: nothing counts as written to stdout (called at the start of each command)."""
    _streamed.clear()


class _MarksWrites:
    """A stream that records, on its first write, that output has gone to it (everything else passes through)."""

    def __init__(self, stream: IO) -> None:
        self._stream = stream

    def write(self, data: Any) -> int:
        _streamed.append(True)
        return self._stream.write(data)

    def writelines(self, lines: Any) -> None:
        _streamed.append(True)
        self._stream.writelines(lines)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


@contextlib.contextmanager
def _standard_stream(stream: IO[str], mode: str) -> Iterator[IO]:
    """stdout or stderr as an output: bytes, or text in UTF-8; each write is marked (streamed_output)."""
    if "b" in mode:
        yield cast(IO, _MarksWrites(stream.buffer))  # type: ignore[attr-defined]
        return
    with _utf8(stream) as out:
        yield cast(IO, _MarksWrites(out))


@contextlib.contextmanager
def _utf8(stream: IO[str]) -> Iterator[IO[str]]:
    """`stream` itself when it writes UTF-8, else a UTF-8 writer over its bytes for the block's duration.

    Outputs are UTF-8 whatever the terminal's locale (TMX declares it, JSONL requires it): an ASCII or Latin-1
    stdout raised UnicodeEncodeError on the first Arabic sentence."""
    if codecs.lookup(getattr(stream, "encoding", None) or "ascii").name == "utf-8" or not hasattr(stream, "buffer"):
        yield stream
        return
    stream.flush()
    wrapper = io.TextIOWrapper(stream.buffer, encoding="utf-8", write_through=True)
    try:
        yield wrapper
        wrapper.flush()
    finally:
        wrapper.detach()  # the caller's stream stays open


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str] | None, mode: str = "w") -> Iterator[IO]:
    """Yield a file handle that replaces `path` only when the block finishes; `None` or '-' means stdout."""
    if path is None or str(path) == "-":
        with _standard_stream(sys.stdout, mode) as out:
            yield out
        return
    refuse_folder_name(path)
    fd = named_descriptor(path)
    if fd is not None:
        # /dev/stdout, /dev/fd/N: the caller's open descriptor, written as it is (`>> log` appends). Opened by name
        # it is the file behind it, which was replaced or truncated: everything written before was lost.
        if fd in (1, 2):
            with _standard_stream(sys.stdout if fd == 1 else sys.stderr, mode) as out:
                yield out
            return
        try:
            fh = os.fdopen(fd, mode, closefd=False, encoding=None if "b" in mode else "utf-8")
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
        with fh:
            yield fh
        return
    if is_stream(path):
        # A device, pipe or socket (/dev/null, a FIFO, /dev/stdout into a pipe) is written in place: replacing it
        # by a regular file turned /dev/null into one, and a stream has no half-written file to protect anyway.
        encoding = None if "b" in mode else "utf-8"
        try:
            fh = open(path, mode, encoding=encoding)  # noqa: SIM115 (closed below, after the block)
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
        with fh:
            yield fh
        return
    with atomic_outputs([path], mode) as (fh,):
        yield fh


@contextlib.contextmanager
def atomic_outputs(paths: list[str | os.PathLike[str]], mode: str = "w",
                   replaces: Callable[[], None] | None = None) -> Iterator[list[IO]]:
    """Yield one handle per path; all regular files replace their paths together, only when the block finishes.

    Every file is written out and synced before the first is renamed, and the renames run with termination signals
    deferred: a full disk or Ctrl-C leaves all the old files or all the new ones, never a mix (a Moses pair of two
    runs). A stream or descriptor path (/dev/null, a FIFO, /dev/stdout) is written in place, as atomic_output does.
    `replaces` runs right after the renames, in the same locked step (removing files the new set replaces).
    """
    staged: list[tuple[Path, str, IO]] = []
    handles: list[IO] = []
    with contextlib.ExitStack() as in_place:
        try:
            for path in paths:
                if str(path) == "-" or written_in_place(path):
                    handles.append(in_place.enter_context(atomic_output(path, mode)))
                    continue
                # Through a symlink, the file it points at is replaced, as a plain open() would write it.
                target = Path(path).resolve() if Path(path).is_symlink() else Path(path)
                check_output_file(target, try_writing=False)  # creating the temporary below is the test
                try:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    sweep_leftovers(target)
                    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=".part", dir=target.parent)
                except OSError as exc:
                    raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
                encoding = None if "b" in mode else "utf-8"
                fh = os.fdopen(fd, mode, encoding=encoding, newline=None if "b" in mode else "\n")
                staged.append((target, tmp, fh))
                handles.append(fh)
            yield handles
            for target, tmp, fh in staged:
                fh.flush()
                os.fsync(fh.fileno())
                fh.close()
                os.chmod(tmp, _mode_for(target))
            with locks.folders_locked([target.parent for target, _, _ in staged]), _signals_deferred():
                for target, tmp, _ in staged:
                    os.replace(tmp, target)
                if replaces is not None:
                    replaces()
        except BaseException:
            for _, tmp, fh in staged:
                with contextlib.suppress(OSError):
                    fh.close()
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(tmp)
            raise


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Defer Ctrl-C, SIGTERM and SIGHUP until the block ends (a few renames), so they cannot land between two of them.

    Python runs signal handlers in the main thread only, between bytecodes; a handler that only records the signal
    keeps the block whole whichever thread the kernel delivered it to (masking the main thread did not: CTranslate2's
    threads took the signal). A recorded signal is raised again once the old handlers are back, and the run stops
    then, its outputs whole."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield  # handlers can only be set, and only run, in the main thread
        return
    received: list[int] = []

    def record(signum: int, frame: object) -> None:
        received.append(signum)

    previous = {}
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) is not None:  # None: set outside Python, which could not be put back
            previous[sig] = signal.signal(sig, record)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if received:
            signal.raise_signal(received[0])


@contextlib.contextmanager
def atomic_folder(path: str | os.PathLike[str], owned: frozenset[str],
                  folders: ForeignIn | None = None) -> Iterator[Path]:
    """Yield an empty staging folder that replaces the folder `path` as a whole only when the block finishes.

    A run's outputs are a set (alignments, corpora, report, metrics): a failed or interrupted run leaves the previous
    set as it was, and a new run leaves no file of an earlier one behind. `path` may hold only `owned` files and the
    subfolders `folders` names with what they accept (an earlier run's outputs), so replacing it never deletes
    anything else.
    """
    target = Path(path).resolve()
    # Creating the staging folder below is the test of writing.
    check_output_folder(target, owned, try_writing=False, folders=folders)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        sweep_leftovers(target)
        stage = Path(tempfile.mkdtemp(prefix=_temp_prefix(target), suffix=".partial", dir=target.parent))
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        yield stage
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(stage, 0o777 & ~umask)  # mkdtemp makes it 0700; a plain mkdir would not
        old = None
        with locks.folders_locked([target.parent]), _signals_deferred():
            if target.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
                os.replace(target, old / target.name)
                try:
                    os.replace(stage, target)
                except BaseException:
                    os.replace(old / target.name, target)  # the previous run's folder back where it was
                    old.rmdir()
                    raise
            else:
                os.replace(stage, target)
            # The previous runs that runs killed between the two renames (SIGKILL, power loss) left hidden here: with
            # the lock held no other run is between its renames, and this run's output now stands in their place.
            stranded = [p for p in target.parent.glob(f".{target.name}.*.old") if p != old and p.is_dir()]
        for leftover in [*stranded, *([old] if old is not None else [])]:
            shutil.rmtree(leftover, ignore_errors=True)  # outside: Ctrl-C need not wait for a large old run to go
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise
