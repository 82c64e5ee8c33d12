"""Write output files atomically so an interrupted or failed run never leaves a half-written file."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from mt.errors import InputError


def _mode_for(target: Path) -> int:
    """Permissions the finished file gets: those of the file it replaces, else what a plain open() would give."""
    # mkstemp creates its file 0600; without this every output would be unreadable to the user's group and others.
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_output(path: str | os.PathLike[str] | None, mode: str = "w") -> Iterator[IO]:
    """Yield a file handle that replaces `path` only when the block finishes; `None` or '-' means stdout."""
    if path is None or str(path) == "-":
        yield sys.stdout if "b" not in mode else sys.stdout.buffer
        return
    if str(path).endswith(("/", os.sep)):
        # Path() would drop the slash and write a file of that name where the user meant a folder.
        raise InputError(f"{path}: names a folder (it ends with '/'); give a file name")
    # Through a symlink, the file it points at is replaced, as a plain open() would write it; the link stays.
    target = Path(path).resolve() if Path(path).is_symlink() else Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        encoding = None if "b" in mode else "utf-8"
        with os.fdopen(fd, mode, encoding=encoding, newline=None if "b" in mode else "\n") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def refuse_overwriting_inputs(output: str | os.PathLike[str] | None,
                              inputs: list[str | os.PathLike[str] | None]) -> None:
    """InputError when the output file is one of the input files (`-o article.txt` would replace the article)."""
    if output is None or str(output) == "-" or not Path(output).exists():
        return
    for source in inputs:
        if source is None or str(source) == "-" or not Path(source).exists():
            continue
        if os.path.samefile(output, source):
            raise InputError(f"-o {output} is also an input file; choose another output name")
