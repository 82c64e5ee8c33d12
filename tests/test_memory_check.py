"""The aligner refuses, in one line, inputs that cannot fit in memory, and lets everything else through."""

from __future__ import annotations

from pathlib import Path

import pytest

from align import memory_check
from align.aligner import align_texts
from align.memory_check import IGNORE_ENV, cgroup_available, check_memory, estimated_bytes, meminfo_available
from eval.cli import main
from mt.errors import InputError


@pytest.mark.parametrize(("n", "measured_mb"), [(1000, 121), (2000, 330), (3000, 612)])
def test_estimate_matches_the_measured_peaks(n: int, measured_mb: int) -> None:
    # Peak RSS over the loaded encoder, measured when the constants were set (see the module docstring).
    assert abs(estimated_bytes(n, n) / 2**20 - measured_mb) / measured_mb < 0.1


def test_meminfo_is_read(tmp_path: Path) -> None:
    meminfo = tmp_path / "meminfo"
    meminfo.write_text("MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   2048 kB\n", encoding="ascii")
    assert meminfo_available(meminfo) == 2048 * 1024
    meminfo.write_text("MemTotal:       24000000 kB\n", encoding="ascii")
    assert meminfo_available(meminfo) is None
    assert meminfo_available(tmp_path / "missing") is None  # not Linux: no check, not a failure


def _write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="ascii")


def test_cgroup_v2_limit_counts_and_the_tightest_ancestor_wins(tmp_path: Path) -> None:
    proc = tmp_path / "cgroup"
    proc.write_text("0::/user.slice/job\n", encoding="ascii")
    root = tmp_path / "fs"
    # 4 GiB limit, 3 GiB charged of which 1 GiB is droppable page cache: 2 GiB left.
    _write(root / "user.slice" / "job", {"memory.max": f"{4 * 2**30}\n", "memory.current": f"{3 * 2**30}\n",
                                          "memory.stat": f"anon 1\ninactive_file {2**30}\n"})
    _write(root / "user.slice", {"memory.max": "max\n", "memory.current": "5\n"})
    assert cgroup_available(proc, root) == 2 * 2**30
    _write(root / "user.slice", {"memory.max": f"{2**30}\n", "memory.current": f"{2**29}\n"})
    assert cgroup_available(proc, root) == 2**29
    _write(root / "user.slice" / "job", {"memory.max": "max\n"})
    _write(root / "user.slice", {"memory.max": "max\n"})
    assert cgroup_available(proc, root) is None  # no limit anywhere: MemAvailable decides


def test_cgroup_v1_limit_and_a_container_without_cgroup_namespace(tmp_path: Path) -> None:
    proc = tmp_path / "cgroup"
    proc.write_text("5:cpu,cpuacct:/\n4:memory:/docker/0123abcd\n0::/\n", encoding="ascii")
    root = tmp_path / "fs"
    # The host's path is not mounted inside the container: its limits are at the mount root.
    _write(root / "memory", {"memory.limit_in_bytes": f"{2**31}\n", "memory.usage_in_bytes": f"{2**30}\n",
                             "memory.stat": "cache 7\ntotal_inactive_file 0\n"})
    assert cgroup_available(proc, root) == 2**30
    _write(root / "memory", {"memory.limit_in_bytes": "9223372036854771712\n"})  # v1's "no limit"
    assert cgroup_available(proc, root) is None
    assert cgroup_available(tmp_path / "missing", root) is None


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
    # Refused before the per-sentence language check, which took 90 s on 30,000 lines too many to align anyway.
    from align import cli

    monkeypatch.setattr(cli, "_warn_mixed_language", lambda *_: pytest.fail("language checked before memory"))
    # With --presplit the line counts are known before any cleaning or language detection.
    monkeypatch.setattr(cli, "_load_side", lambda *_: pytest.fail("inputs cleaned before memory was checked"))
    rc = main(["align", str(sw), str(en), "--presplit", "--no-mt", "-o", str(out)])
    err = capsys.readouterr().err
    assert rc == 2 and "needs about" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_available_is_the_tighter_of_host_and_cgroup(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory_check, "meminfo_available", lambda: 20 * 2**30)
    monkeypatch.setattr(memory_check, "cgroup_available", lambda: 3 * 2**30)
    assert memory_check.available_bytes() == 3 * 2**30
    monkeypatch.setattr(memory_check, "cgroup_available", lambda: None)
    assert memory_check.available_bytes() == 20 * 2**30
    monkeypatch.setattr(memory_check, "meminfo_available", lambda: None)
    assert memory_check.available_bytes() is None
