"""mt.atomic.atomic_output: the finished file appears whole, with ordinary permissions, or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mt.atomic import atomic_output
from mt.errors import InputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_new_file_gets_the_permissions_open_would_give(tmp_path):
    target = tmp_path / "out.txt"
    with atomic_output(target) as fh:
        fh.write("hello\n")
    assert target.read_text(encoding="utf-8") == "hello\n"
    # mkstemp's 0600 would make every output unreadable to the group and others.
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()


def test_replacing_a_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o640)
    with atomic_output(target) as fh:
        fh.write("new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_failure_inside_the_block_leaves_the_old_file_and_no_temporary(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("old\n", encoding="utf-8")
    with pytest.raises(RuntimeError), atomic_output(target) as fh:
        fh.write("half")
        raise RuntimeError("interrupted")
    assert target.read_text(encoding="utf-8") == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_dash_means_stdout(capsys):
    with atomic_output("-") as fh:
        fh.write("to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"


def test_an_output_folder_is_never_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mt.atomic import check_output_folder

    monkeypatch.chdir(tmp_path)
    for path in (".", str(tmp_path), str(tmp_path.parent)):
        with pytest.raises(InputError, match="holds the current folder"):
            check_output_folder(path, frozenset())
    check_output_folder("out", frozenset())


def test_a_pipe_is_written_in_place_not_replaced(tmp_path: Path) -> None:
    # A FIFO (like /dev/null or /dev/stdout into a pipe) was replaced by a regular file, and its reader got nothing.
    import threading

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    with atomic_output(fifo) as fh:
        fh.write("line one\n")
    reader.join(timeout=10)
    assert received == ["line one\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode) and sorted(p.name for p in tmp_path.iterdir()) == ["fifo"]


def test_dev_fd_paths_write_to_the_open_descriptor(tmp_path: Path) -> None:
    # `-o /dev/stdout >> log`: the log opened for appending must keep what it held; opened by name it was replaced.
    log = tmp_path / "log.txt"
    log.write_text("earlier line\n", encoding="utf-8")
    with log.open("a", encoding="utf-8") as fh:
        fh.flush()
        with atomic_output(f"/dev/fd/{fh.fileno()}") as out:
            out.write("new line\n")
    assert log.read_text(encoding="utf-8") == "earlier line\nnew line\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.txt"]


_KILLED_MIDWAY = """
import os, signal, sys
from mt.atomic import atomic_folder, atomic_output
out = sys.argv[1]
if sys.argv[2] == "file":
    with atomic_output(out) as fh:
        fh.write("half of it")
        fh.flush()
        os.kill(os.getpid(), signal.SIGKILL)
else:
    with atomic_folder(out, frozenset({"a.txt"})) as stage:
        (stage / "a.txt").write_text("half of it")
        os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_the_next_write_sweeps_what_a_killed_run_left(tmp_path: Path, kind: str) -> None:
    import subprocess
    import sys

    from mt.atomic import atomic_folder

    out = tmp_path / ("out.tsv" if kind == "file" else "out")
    done = subprocess.run([sys.executable, "-c", _KILLED_MIDWAY, str(out), kind], check=False)
    assert done.returncode == -9
    left = [p.name for p in tmp_path.iterdir()]
    assert len(left) == 1 and left[0].startswith(f".{out.name}.mtk-"), left  # SIGKILL runs no clean-up
    # Another process's temporary (alive: the parent of this one) and an unrelated hidden file are not touched.
    live = tmp_path / f".{out.name}.mtk-{left[0].split('.mtk-')[1].rsplit('-', 1)[0]}-{os.getppid()}.x.part"
    live.write_text("being written")
    (tmp_path / ".notes.part").write_text("mine")
    if kind == "file":
        with atomic_output(out) as fh:
            fh.write("whole")
    else:
        with atomic_folder(out, frozenset({"a.txt"})) as stage:
            (stage / "a.txt").write_text("whole")
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".notes.part", live.name, out.name])
