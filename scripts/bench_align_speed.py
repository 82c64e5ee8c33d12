"""Time aligning two 1,000-sentence documents (FLORES-200 Swahili vs shuffled English), cold then warm cache.

Usage: python scripts/bench_align_speed.py [--n 1000] [--encoder e5] [--runs 1]
Prints wall and CPU seconds, sentences/s and peak resident memory (CPU time shows the cost when
other processes share the cores). The embedding cache lives in a temporary MTK_HOME
(the converted e5 models are reused from the real cache directory when present, to time alignment, not conversion).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from align.synthetic import DATA_DIR as DATA
from eval.compare import peak_rss_mib
from mt.document import Document, Sentence
from mt.errors import InputError, MtkError


def load_pair(n: int, seed: int = 0) -> tuple[list[str], list[str], set[tuple[int, int]]]:
    """n Swahili sentences, the n English ones in a shuffled order (FLORES devtest, then NTREX), and the true links."""
    sw: list[str] = []
    en: list[str] = []
    for a, b in [(DATA / "flores200/flores200-devtest.swh_Latn", DATA / "flores200/flores200-devtest.eng_Latn"),
                 (DATA / "ntrex128/ntrex128-newstest2019-ref.swa", DATA / "ntrex128/ntrex128-newstest2019-src.eng")]:
        for path in (a, b):
            if not path.is_file():
                raise InputError(f"test set file missing: {path} (set MTK_SHARED to the shared data folder)")
        sw += a.read_text(encoding="utf-8").splitlines()
        en += b.read_text(encoding="utf-8").splitlines()
    sw, en = sw[:n], en[:n]
    order = list(range(len(en)))
    random.Random(seed).shuffle(order)
    return sw, [en[k] for k in order], {(k, pos) for pos, k in enumerate(order)}


def cpu_seconds() -> float:
    """User + system CPU time of this process so far (robust to other processes sharing the cores)."""
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def _document(texts: list[str], lang: str) -> Document:
    return Document(doc_id=lang, lang=lang, sentences=[Sentence(t, 0, i) for i, t in enumerate(texts)])


def run_once(sw: list[str], en: list[str], gold: set[tuple[int, int]], encoder_name: str) -> tuple[float, float, str]:
    """Wall and CPU seconds for one full alignment, and what was timed (with the links' precision and recall)."""
    from align.aligner import align_documents
    from align.config import AlignConfig
    from align.encoder import build_encoder
    from align.export import write_alignments
    from align.token_encoder import token_view

    enc = build_encoder(encoder_name)
    token_view(enc, AlignConfig().token_layers)  # loaded outside the timings, like the sentence encoder
    start, cpu = time.perf_counter(), cpu_seconds()
    result = align_documents(_document(sw, "sw"), _document(en, "en"), encoder=enc)
    aligned = time.perf_counter() - start
    # What `mtk align -o` then does: every export format, written to a scratch folder.
    with tempfile.TemporaryDirectory() as scratch:
        for fmt, name in (("jsonl", "a.jsonl"), ("tsv", "a.tsv"), ("tmx", "a.tmx"), ("moses", "moses")):
            write_alignments([result], os.path.join(scratch, name), fmt)
    secs, cpu = time.perf_counter() - start, cpu_seconds() - cpu
    # The two documents are parallel, so every source sentence has exactly one true partner.
    pred = {(e.src, e.tgt) for e in result.edges}
    right = len(pred & gold)
    return secs, cpu, (f"align_documents {aligned:.1f} s, then JSONL, TSV, TMX and Moses written "
                       f"{secs - aligned:.1f} s: {len(pred)} links, precision {right / max(len(pred), 1):.3f}, "
                       f"recall {right / max(len(gold), 1):.3f}")


def main() -> int:
    """Run the benchmark and print one line per run."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=1000, help="sentences per document")
    ap.add_argument("--encoder", default="e5", help="encoder name for align.encoder.build_encoder")
    ap.add_argument("--runs", type=int, default=1, help="warm-cache runs after the cold one")
    args = ap.parse_args()

    from align.encoder import ct2_model_dir

    real_model = ct2_model_dir()
    home = Path(tempfile.mkdtemp(prefix="mtk-bench-"))
    os.environ["MTK_HOME"] = str(home)
    try:
        if args.encoder == "e5":
            # The converted copies present: the default one split at layer 8 (align.split_encoder), and any others.
            for model in [real_model, *real_model.parent.glob(real_model.name + "-layers*")]:
                if model.is_dir():
                    shutil.copytree(model, ct2_model_dir().parent / model.name)
        sw, en, gold = load_pair(args.n)
        total = len(sw) + len(en)
        print(f"{len(sw)} + {len(en)} sentences, encoder {args.encoder}, {os.cpu_count()} CPUs, "
              f"cache {home}", flush=True)
        from align.config import AlignConfig
        from align.encoder import build_encoder
        from align.token_encoder import token_view

        # Load (and if needed convert) the models outside the timings.
        token_view(build_encoder(args.encoder), AlignConfig().token_layers)
        print(f"model loaded; peak memory so far {peak_rss_mib():.0f} MB", flush=True)
        for k in range(1 + args.runs):
            secs, cpu, what = run_once(sw, en, gold, args.encoder)
            label = "cold cache" if k == 0 else "warm cache"
            print(f"{label}: {secs:.1f} s wall ({cpu:.1f} s CPU), {total / secs:.0f} sentences/s, "
                  f"peak memory {peak_rss_mib():.0f} MB [{what}]", flush=True)
    except MtkError as exc:
        print(f"bench_align_speed: error: {exc}", file=sys.stderr)
        return exc.exit_code
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
