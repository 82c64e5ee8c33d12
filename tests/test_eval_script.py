"""scripts/eval_alignment.py end to end on a small run: every section prints its scores (guards the script)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from align.synthetic import DATA_DIR

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(not DATA_DIR.is_dir(), reason="shared data not present")


def test_eval_alignment_prints_every_section() -> None:
    # The run's MTK_HOME (tests/conftest.py) is inherited, so the encoder built by other tests is reused.
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "eval_alignment.py"), "--docs", "3", "--seed", "5", "--langs", "sw",
         "--thresholds", "1.0,1.05"],
        check=False, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    f1 = [float(x) for x in re.findall(r"aligner +P=\S+ R=\S+ F1=([0-9.]+)", out)]
    # gold without MT, with references, with references as an article; two generators without MT and with perfect
    # translations
    assert len(f1) == 7
    assert all(0.0 <= f <= 1.0 for f in f1)
    assert len(re.findall(r"perfect translations \(the parallel English", out)) == 2
    assert f1[1] >= 0.85  # the gold pair with its reference translations (0.938 when this was written)
    assert f1[2] >= 0.85  # the same references handed over as one article (0.938 when this was written)
    exact = re.search(r"translated articles matched to the source, sw, 6 docs x seed\(s\) 5: ([0-9.]+) of source", out)
    assert exact and float(exact.group(1)) >= 0.8
    assert re.search(r"document pairing sw, seed 5, 3 synthetic pairs, threshold [0-9.]+: P=", out)
    assert re.search(r"document pairing sw, seed 5, 3 synthetic pairs \+ 1 second English outlet, threshold", out)
    sweep = re.findall(r"^  (1\.0|1\.05) +([0-9.]+) / ([0-9.]+)  ([0-9.]+) / ([0-9.]+)$", out, re.MULTILINE)
    assert [row[0] for row in sweep] == ["1.0", "1.05"]  # one row per threshold: sw original, sw realistic
    recall = {row[0]: float(row[2]) for row in sweep}
    assert recall["1.0"] >= recall["1.05"]
    assert "peak memory" in out


def test_eval_facts_prints_both_modes_and_sides() -> None:
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "eval_facts.py")], check=False, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    rows = re.findall(r"^(no translation|gold reference translations), (Swahili|English) facts: (\d+) listed, (\d+) "
                      r"found, (\d+) missing, (\d+) unchecked; gold facts found (\d+)/21; false missing (\d+)$",
                      proc.stdout, re.MULTILINE)
    assert len(rows) == 4, proc.stdout
    for _, _, listed, found, missing, unchecked, _, _ in rows:
        assert int(listed) == int(found) + int(missing) + int(unchecked)
    # The Swahili titles in everyday words ("Waziri wa Ulinzi") were gold facts reported missing; now unchecked.
    assert rows[0][1] == "Swahili" and rows[0][-1] == "0"
    bad = subprocess.run([sys.executable, str(ROOT / "scripts" / "eval_facts.py"), "--nope"], check=False, cwd=ROOT,
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "usage:" in bad.stderr
