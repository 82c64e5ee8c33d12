"""mt.atomic.atomic_output: the finished file appears whole, with ordinary permissions, or not at all."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mt.atomic import atomic_folder, atomic_output, atomic_outputs


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


def test_files_written_together_are_replaced_together(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mt.atomic import atomic_outputs

    pair = [tmp_path / "corpus.sw", tmp_path / "corpus.en"]
    for path in pair:
        path.write_text("old\n", encoding="utf-8")
    real_fsync, calls = os.fsync, []

    def disk_full_on_the_second(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", disk_full_on_the_second)
    with pytest.raises(OSError), atomic_outputs(pair) as handles:
        for fh in handles:
            fh.write("new\nlines\n")
    # Neither replaced (a Moses pair of two runs has mismatched lines), and no temporary left.
    assert [p.read_text(encoding="utf-8") for p in pair] == ["old\n", "old\n"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.en", "corpus.sw"]


def test_a_failed_swap_puts_the_previous_output_folder_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mt import atomic

    out = tmp_path / "out"
    out.mkdir()
    (out / "metrics.json").write_text("old", encoding="utf-8")
    real_replace, calls = os.replace, []

    def fail_the_second(src: str, dst: str) -> None:
        calls.append(src)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(atomic.os, "replace", fail_the_second)
    with pytest.raises(KeyboardInterrupt), atomic.atomic_folder(out, frozenset({"metrics.json"})) as stage:
        (stage / "metrics.json").write_text("new", encoding="utf-8")
    monkeypatch.undo()
    assert (out / "metrics.json").read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging or .old folder left


def test_stdout_gets_utf8_whatever_the_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    raw = io.BytesIO()
    ascii_stdout = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr("sys.stdout", ascii_stdout)
    print("before", flush=True)
    with atomic_output("-") as fh:
        fh.write("قال الرئيس\tIsrael\n")
    with atomic_output("/dev/stdout") as fh:
        fh.write("ziara ya kihistoria – July\n")
    print("after", flush=True)
    assert raw.getvalue().decode("utf-8") == "before\nقال الرئيس\tIsrael\nziara ya kihistoria – July\nafter\n"


def test_a_stream_among_files_written_together_is_written_in_place(tmp_path: Path) -> None:
    # A FIFO (or a link to /dev/null) among a Moses pair was replaced by a regular file, and its reader got nothing.
    import threading

    from mt.atomic import atomic_outputs

    fifo, plain = tmp_path / "corpus.en", tmp_path / "corpus.sw"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    with atomic_outputs([plain, fifo]) as (a, b):
        a.write("sw\n")
        b.write("en\n")
    reader.join(timeout=30)
    assert got == ["en\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode) and plain.read_text(encoding="utf-8") == "sw\n"


@pytest.mark.parametrize("taker", ["main", "other"])
def test_a_signal_during_the_renames_waits_for_them_whatever_thread_takes_it(taker: str, tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    # Masking signals in the main thread did not hold them: with another thread alive (CTranslate2 has several) the
    # kernel gave Ctrl-C to that thread, and Python raised KeyboardInterrupt between the two renames.
    import signal
    import threading

    from mt import atomic

    pair = [tmp_path / "corpus.sw", tmp_path / "corpus.en"]
    for path in pair:
        path.write_text("old\n", encoding="utf-8")
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    real_replace = os.replace

    def replace_then_ctrl_c(src: str, dst: str) -> None:
        real_replace(src, dst)
        # The thread that takes the signal is named, not left to the kernel (the test depended on its choice).
        if taker == "main":
            signal.raise_signal(signal.SIGINT)
        else:
            signal.pthread_kill(other.ident or 0, signal.SIGINT)

    monkeypatch.setattr(atomic.os, "replace", replace_then_ctrl_c)
    interrupted = False
    try:
        with atomic.atomic_outputs(pair) as handles:
            for fh in handles:
                fh.write("new\n")
        # Python 3.11 runs the handler of a signal another thread took only at a later check of the main thread (at
        # the latest when it waits for that thread); taken by the main thread, it is raised as the renames end.
        assert taker == "other"
        stop.set()
        other.join()
    except KeyboardInterrupt:
        interrupted = True
    finally:
        stop.set()
        other.join()
    assert interrupted
    assert [p.read_text(encoding="utf-8") for p in pair] == ["new\n", "new\n"]


def test_stdout_counts_as_streamed_only_once_written() -> None:
    from mt.atomic import forget_streamed_output, streamed_output

    forget_streamed_output()
    with atomic_output("-"):
        pass
    assert not streamed_output()
    with atomic_output("-") as fh:
        fh.write("")
    assert streamed_output()
    forget_streamed_output()
    assert not streamed_output()


def test_a_set_is_not_replaced_while_another_process_replaces_files_there(tmp_path: Path) -> None:
    # Two runs writing one Moses pair at once left one run's corpus.sw beside the other's corpus.en: the deferred
    # signals keep a set whole within a process only. The renames now wait for the folder's lock.
    import threading

    from mt import locks

    locked, release, written = threading.Event(), threading.Event(), threading.Event()

    def other_process() -> None:
        with locks.folders_locked([tmp_path]):  # a separate open() locks like another process would
            locked.set()
            release.wait(10)

    def this_run() -> None:
        with atomic_outputs([tmp_path / "corpus.sw", tmp_path / "corpus.en"]) as (sw, en):
            sw.write("habari\n")
            en.write("news\n")
        written.set()

    holder = threading.Thread(target=other_process)
    holder.start()
    assert locked.wait(10)
    writer = threading.Thread(target=this_run)
    writer.start()
    assert not written.wait(0.5) and not (tmp_path / "corpus.sw").exists()
    release.set()
    writer.join(10)
    holder.join(10)
    assert written.is_set() and (tmp_path / "corpus.en").read_text(encoding="utf-8") == "news\n"


def test_previous_runs_stranded_by_a_killed_swap_are_removed(tmp_path: Path) -> None:
    # A run killed between its two renames left the previous run hidden in ".out.XXXX.old"; nothing removed it.
    stranded = tmp_path / ".out.k3j2.old" / "out"
    stranded.mkdir(parents=True)
    (stranded / "metrics.json").write_text("{}", encoding="utf-8")
    with atomic_folder(tmp_path / "out", frozenset({"metrics.json"})) as stage:
        (stage / "metrics.json").write_text('{"new": 1}', encoding="utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
