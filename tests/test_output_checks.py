"""mt.output_checks: an output path that cannot be written is refused before any work, and leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from mt.errors import InputError
from mt.output_checks import check_output_file, check_output_folder


def test_an_output_folder_is_never_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for path in (".", str(tmp_path), str(tmp_path.parent)):
        with pytest.raises(InputError, match="holds the current folder"):
            check_output_folder(path, frozenset())
    check_output_folder("out", frozenset())


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux's /sys, which no process may write in")
def test_an_unwritable_output_place_is_refused_before_any_work(tmp_path: Path) -> None:
    # As root the mode bits of a folder allow everything: /sys refuses even root.
    for check in (check_output_file, lambda p: check_output_folder(p, frozenset())):
        with pytest.raises(InputError, match=r"^cannot write /sys/mtk-out: no file can be created in /sys \("):
            check("/sys/mtk-out")
    check_output_file(tmp_path / "new" / "x.tsv")  # a folder to be made under a writable one is fine
    assert list(tmp_path.iterdir()) == []  # and the check leaves nothing behind


def test_streams_and_descriptors_pass_the_output_check(tmp_path: Path) -> None:
    # Written in place: nothing is created beside them, so the folder they sit in need not be writable.
    for path in ("/dev/null", "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"):
        check_output_file(path)
    link = tmp_path / "link.tsv"
    link.symlink_to(tmp_path / "real.tsv")
    check_output_file(link)
