"""Throughput of `Translator.translate_sentences` against bare `ctranslate2.Translator.translate_batch`.

Builds (once, cached) a random-weight model with the OPUS-MT Transformer-base shape (6+6 layers, d_model 512,
8 heads, FFN 2048, ~8k SentencePiece vocabulary, int8) and translates the seed sentences N times through both
paths with the same decoding options. Random weights decode until max_decoding_length, so both paths do the same
amount of work. Usage: python scripts/bench_translate.py [--repeat N] [--cache-dir DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path
from types import ModuleType

from align.synthetic import DATA_DIR
from eval.compare import peak_rss_mib

ROOT = Path(__file__).resolve().parent.parent


def _tiny_models() -> ModuleType:
    """Import tests/tiny_models.py by path (tests/ is not a package)."""
    spec = importlib.util.spec_from_file_location("tiny_models", ROOT / "tests" / "tiny_models.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_model(cache_dir: Path) -> Path:
    """Build the Transformer-base-shaped random model unless it is already in `cache_dir`."""
    model_dir = cache_dir / "opus-mt-base-random"
    if (model_dir / "model.bin").is_file():
        return model_dir
    tm = _tiny_models()
    texts = sorted((ROOT / "seeds").glob("*.txt"))
    texts += (sorted(DATA_DIR.glob("**/*.swa")) + sorted(DATA_DIR.glob("**/*.ara"))
              + sorted(DATA_DIR.glob("**/*.eng"))[:1])
    spm = tm.train_spm(tm.seed_text(texts), cache_dir / "bench.spm", vocab_size=8000)
    return tm.build_marian(model_dir, spm, seed=0, layers=6, d_model=512, heads=8, ffn=2048)


def seed_sentences() -> list[tuple[str, str]]:
    """(language, sentence) for every content sentence of the Swahili and Arabic seeds."""
    from mt.loader import load_document

    out = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        doc = load_document(path, lang="auto")
        if doc.lang in ("sw", "ar"):
            out += [(doc.lang, s) for s in doc.texts]
    return out


def main() -> int:
    """Run the benchmark and print sentences/s, target tokens/s, peak memory and the toolkit/bare ratio."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--cache-dir", type=Path, default=Path("/tmp/mtk-bench"))
    ap.add_argument("--beam", type=int, default=4)
    ap.add_argument("--max-decoding-length", type=int, default=64)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args()

    import ctranslate2

    from mt.options import TranslationOptions
    from mt.translator import Translator

    model_dir = build_model(args.cache_dir)
    sentences = [s for _, s in seed_sentences()]
    opts = TranslationOptions(beam_size=args.beam, max_decoding_length=args.max_decoding_length,
                              device="cpu", intra_threads=args.threads)
    toolkit = Translator.load(str(model_dir), options=opts, cache=False, progress=False)
    bare = ctranslate2.Translator(str(model_dir), device="cpu", compute_type="int8", intra_threads=args.threads)
    pieces = toolkit._tokenizer.encode(sentences)
    inputs = [toolkit.family.source_tokens(p, "sw") for p in pieces]

    def run_bare() -> int:
        tokens = 0
        for _ in range(args.repeat):
            res = bare.translate_batch(inputs, max_batch_size=opts.max_batch_tokens, batch_type="tokens",
                                       **opts.decoding_kwargs())
            tokens += sum(len(r.hypotheses[0]) for r in res)
        return tokens

    def run_toolkit() -> None:
        for _ in range(args.repeat):
            toolkit.translate_sentences(sentences, "sw")

    toolkit.translate_sentences(sentences[:4], "sw")  # warm up both engines
    bare.translate_batch(inputs[:4], **opts.decoding_kwargs())
    n = len(sentences) * args.repeat
    t0 = time.perf_counter()
    tokens = run_bare()
    bare_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_toolkit()
    kit_s = time.perf_counter() - t0
    peak_mb = peak_rss_mib()
    print(f"model: {model_dir} ({sum(f.stat().st_size for f in model_dir.iterdir()) / 1e6:.0f} MB, int8, CPU, "
          f"{args.threads} threads, beam {args.beam}, max_decoding_length {args.max_decoding_length})")
    print(f"sentences: {len(sentences)} x {args.repeat} = {n}; target tokens: {tokens}")
    print(f"bare ctranslate2: {n / bare_s:8.1f} sentences/s  {tokens / bare_s:9.1f} tokens/s  ({bare_s:.2f} s)")
    print(f"mtk Translator:   {n / kit_s:8.1f} sentences/s  {tokens / kit_s:9.1f} tokens/s  ({kit_s:.2f} s)")
    print(f"ratio toolkit/bare: {bare_s / kit_s:.3f}   peak RSS: {peak_mb:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
