"""The aligner refuses, in one line, inputs that cannot fit in memory, and lets everything else through."""

from __future__ import annotations

from pathlib import Path

import pytest

from align import memory_check
from align.aligner import align_texts
from align.memory_check import IGNORE_ENV, available_bytes, check_memory, estimated_bytes
from eval.cli import main
from mt.errors import InputError


@pytest.mark.parametrize(("n", "measured_mb"), [(1000, 121), (2000, 330), (3000, 612)])
def test_estimate_matches_the_measured_peaks(n: int, measured_mb: int) -> None:
    # Peak RSS over the loaded encoder, measured when the constants were set (see the module docstring).
    assert abs(estimated_bytes(n, n) / 2**20 - measured_mb) / measured_mb < 0.1


def test_meminfo_is_read(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   2048 kB\n", encoding="ascii")
    assert available_bytes(meminfo) == 2048 * 1024
    meminfo.write_text("MemTotal:       24000000 kB\n", encoding="ascii")
    assert available_bytes(meminfo) is None
    assert available_bytes(tmp_path / "missing") is None  # not Linux: no check, not a failure


def test_too_large_is_refused_and_can_be_overridden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(IGNORE_ENV, raising=False)
    monkeypatch.setattr(memory_check, "available_bytes", lambda: 2**30)
    check_memory(1000, 1000)  # 0.1 GB fits in 1 GB
    with pytest.raises(InputError, match=r"aligning 20,000 x 5,000 sentences needs about \d\.\d GB of memory and 1\.0 GB is available"):
        check_memory(20_000, 5_000)
    monkeypatch.setenv(IGNORE_ENV, "1")
    check_memory(20_000, 5_000)
    monkeypatch.setattr(memory_check, "available_bytes", lambda: None)
    monkeypatch.delenv(IGNORE_ENV)
    check_memory(20_000, 5_000)


def test_aligner_checks_before_embedding(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoEncoder:
        name = "unused"

        def encode(self, texts: list[str]) -> None:
            raise AssertionError("embedded although the input cannot fit")

    monkeypatch.delenv(IGNORE_ENV, raising=False)
    monkeypatch.setattr(memory_check, "available_bytes", lambda: 1000)
    with pytest.raises(InputError, match="needs about"):
        align_texts(["Habari za leo."] * 3, ["Good news today."] * 3, encoder=NoEncoder())  # type: ignore[arg-type]


def test_cli_says_it_in_one_line_and_writes_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    sw, en, out = tmp_path / "sw.txt", tmp_path / "en.txt", tmp_path / "out.jsonl"
    sw.write_text("Morocco na Israel zimekubaliana kuimarisha ushirikiano wao wa kijeshi.\n", encoding="utf-8")
    en.write_text("Morocco and Israel agreed to strengthen their military cooperation.\n", encoding="utf-8")
    monkeypatch.delenv(IGNORE_ENV, raising=False)
    monkeypatch.setattr(memory_check, "available_bytes", lambda: 1000)
    rc = main(["align", str(sw), str(en), "--presplit", "--no-mt", "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and "needs about" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
