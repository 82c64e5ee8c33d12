"""Build small random-weight CTranslate2 models in the real on-disk layouts (OPUS-MT/Marian, NLLB-200, M2M-100).

The weights are random, so the output is garbage, but the files, vocabularies, special tokens and
configuration match what the converted Hugging Face models ship; the engine cannot tell the difference.
Used by tests/conftest.py (tiny sizes) and scripts/bench_translate.py (Transformer-base sizes); also a random
BERT for SimAlign word links and plain in-memory documents for the tests.
"""

from __future__ import annotations

import json
import math
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from mt.document import Document, Sentence

NLLB_LANGS = ["arb_Arab", "eng_Latn", "fra_Latn", "swh_Latn"]
M2M_LANGS = ["__ar__", "__en__", "__fr__", "__sw__"]


def seed_text(paths: Iterable[Path]) -> str:
    """Concatenate the text of every file given (the seed articles)."""
    return "\n".join(Path(p).read_text(encoding="utf-8", errors="replace") for p in paths)


def train_spm(
    text: str,
    out_path: Path,
    vocab_size: int = 600,
    model_type: str = "unigram",
) -> Path:
    """Train a SentencePiece model on `text` and store it at `out_path` (a `.model` file)."""
    import sentencepiece as spm

    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.txt"
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
        prefix = Path(tmp) / "spm"
        spm.SentencePieceTrainer.train(
            input=str(corpus),
            model_prefix=str(prefix),
            vocab_size=vocab_size,
            model_type=model_type,
            character_coverage=1.0,
            hard_vocab_limit=False,  # the seed text is small; accept a slightly smaller vocabulary
            num_threads=1,
            minloglevel=2,
        )
        shutil.copyfile(f"{prefix}.model", out_path)
    return out_path


def spm_pieces(spm_path: Path) -> list[str]:
    """All pieces of a SentencePiece model, in id order."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_file=str(spm_path))
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _fill(spec: Any, vocab_size: int, d_model: int, ffn: int, rng: np.random.Generator) -> None:
    """Give every weight of a Transformer spec a random value of the right shape."""

    def linear(lin: Any, out_dim: int, in_dim: int) -> None:
        lin.weight = (rng.standard_normal((out_dim, in_dim)) / math.sqrt(in_dim)).astype(np.float32)
        lin.bias = (rng.standard_normal(out_dim) * 0.1).astype(np.float32)

    def norm(ln: Any) -> None:
        ln.gamma = np.ones(d_model, dtype=np.float32)
        ln.beta = np.zeros(d_model, dtype=np.float32)

    def emb() -> np.ndarray:
        return (rng.standard_normal((vocab_size, d_model)) / math.sqrt(d_model)).astype(np.float32)

    enc, dec = spec.encoder, spec.decoder
    enc.embeddings[0].weight = emb()
    enc.scale_embeddings = math.sqrt(d_model)
    dec.embeddings.weight = emb()
    dec.scale_embeddings = math.sqrt(d_model)
    linear(dec.projection, vocab_size, d_model)
    for part in (enc, dec):
        if hasattr(part, "layer_norm"):
            norm(part.layer_norm)
        for layer in part.layer:
            linear(layer.self_attention.linear[0], 3 * d_model, d_model)
            linear(layer.self_attention.linear[1], d_model, d_model)
            norm(layer.self_attention.layer_norm)
            if hasattr(layer, "attention"):
                linear(layer.attention.linear[0], d_model, d_model)
                linear(layer.attention.linear[1], 2 * d_model, d_model)
                linear(layer.attention.linear[2], d_model, d_model)
                norm(layer.attention.layer_norm)
            linear(layer.ffn.linear_0, ffn, d_model)
            linear(layer.ffn.linear_1, d_model, ffn)
            norm(layer.ffn.layer_norm)


def _save(spec: Any, out_dir: Path, quantization: str) -> Path:
    spec.validate()
    spec.optimize(quantization=quantization)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    spec.save(str(out_dir))
    return out_dir


def _finish(spec: Any, vocab: list[str], out_dir: Path, quantization: str, spm_path: Path,
            spm_names: list[str]) -> Path:
    """Shared vocabulary and </s>/<unk> tokens on both sides, saved, with the SentencePiece model under each name."""
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.config.eos_token = "</s>"
    spec.config.unk_token = "<unk>"
    spec.config.decoder_start_token = "</s>"
    out = _save(spec, out_dir, quantization)
    for name in spm_names:
        shutil.copyfile(spm_path, out / name)
    return out


def text_document(doc_id: str, lang: str, texts: list[str]) -> Document:
    """A Document of the given sentences, one paragraph, with no cleaning or splitting."""
    return Document(doc_id=doc_id, lang=lang, sentences=[Sentence(t, 0, i) for i, t in enumerate(texts)])


def build_tiny_bert(out: Path, sentences: list[str]) -> Path:
    """A random 2-layer BERT in `out` whose WordPiece vocabulary holds the words of `sentences`."""
    import pytest  # only tests call this; the benchmark scripts import this module without pytest

    pytest.importorskip("torch", reason="the 'words' extra (torch) is not installed")
    transformers = pytest.importorskip("transformers", reason="the 'words' extra (transformers) is not installed")
    pytest.importorskip("simalign", reason="the 'words' extra (simalign) is not installed")
    out.mkdir(parents=True, exist_ok=True)
    words = sorted({w for s in sentences for w in s.split()})
    # "ushirikiano" and "cooperation" are left out as whole words so they split into word pieces.
    pieces = ["ushiri", "##kiano", "cooper", "##ation"]
    whole = [w for w in words if w not in ("ushirikiano", "cooperation")]
    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] + whole
    vocab += pieces
    (out / "vocab.txt").write_text("\n".join(vocab) + "\n", encoding="utf-8")
    tokenizer = transformers.BertTokenizer(str(out / "vocab.txt"), do_lower_case=False)
    if "ushirikiano" in words:
        assert tokenizer.tokenize("ushirikiano") == ["ushiri", "##kiano"]
    tokenizer.save_pretrained(out)
    config = transformers.BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2,
                                     num_attention_heads=2, intermediate_size=37)
    import torch

    torch.manual_seed(0)
    transformers.BertModel(config).save_pretrained(out)
    return out


def build_marian(
    out_dir: Path,
    spm_path: Path,
    *,
    seed: int = 0,
    layers: int = 1,
    d_model: int = 32,
    heads: int = 2,
    ffn: int = 64,
    quantization: str = "int8",
) -> Path:
    """A random OPUS-MT model as `ct2-transformers-converter` writes it (post-norm, zero-start decoder, two .spm)."""
    from ctranslate2.specs import TransformerSpec

    # Marian's vocab.yml puts </s> and <unk> first, then the pieces; <pad> is dropped by the converter.
    pieces = [p for p in spm_pieces(spm_path) if p not in ("<unk>", "<s>", "</s>")]
    vocab = ["</s>", "<unk>"] + pieces
    spec = TransformerSpec.from_config(layers, heads, pre_norm=False)
    spec.decoder.start_from_zero_embedding = True
    _fill(spec, len(vocab), d_model, ffn, np.random.default_rng(seed))
    return _finish(spec, vocab, out_dir, quantization, spm_path, ["source.spm", "target.spm"])


def _fairseq_vocab(spm_path: Path, lang_tokens: list[str]) -> list[str]:
    """The fairseq-style vocabulary NLLB and M2M-100 use: 4 specials, the pieces, the language tokens."""
    pieces = [p for p in spm_pieces(spm_path) if p not in ("<unk>", "<s>", "</s>", "<pad>")]
    return ["<s>", "<pad>", "</s>", "<unk>"] + pieces + lang_tokens + ["<mask>"]


def _build_fairseq(
    out_dir: Path,
    spm_path: Path,
    lang_tokens: list[str],
    spm_name: str,
    *,
    seed: int,
    layers: int,
    d_model: int,
    heads: int,
    ffn: int,
    quantization: str,
) -> Path:
    from ctranslate2.specs import TransformerSpec

    vocab = _fairseq_vocab(spm_path, lang_tokens)
    spec = TransformerSpec.from_config(layers, heads, pre_norm=True)
    _fill(spec, len(vocab), d_model, ffn, np.random.default_rng(seed))
    spec.config.bos_token = "<s>"
    return _finish(spec, vocab, out_dir, quantization, spm_path, [spm_name])


def build_nllb(
    out_dir: Path,
    spm_path: Path,
    *,
    seed: int = 1,
    layers: int = 1,
    d_model: int = 32,
    heads: int = 2,
    ffn: int = 64,
    quantization: str = "int8",
) -> Path:
    """A random NLLB-200 model in the layout of the converted hub repos (sentencepiece.bpe.model, tokenizer files)."""
    out = _build_fairseq(
        out_dir, spm_path, NLLB_LANGS, "sentencepiece.bpe.model",
        seed=seed, layers=layers, d_model=d_model, heads=heads, ffn=ffn, quantization=quantization,
    )
    (out / "special_tokens_map.json").write_text(
        json.dumps({"bos_token": "<s>", "eos_token": "</s>", "unk_token": "<unk>", "pad_token": "<pad>",
                    "additional_special_tokens": NLLB_LANGS}, indent=2),
        encoding="utf-8",
    )
    (out / "tokenizer_config.json").write_text(
        json.dumps({"tokenizer_class": "NllbTokenizer", "src_lang": "eng_Latn", "tgt_lang": None}, indent=2),
        encoding="utf-8",
    )
    return out


def build_m2m100(
    out_dir: Path,
    spm_path: Path,
    *,
    seed: int = 2,
    layers: int = 1,
    d_model: int = 32,
    heads: int = 2,
    ffn: int = 64,
    quantization: str = "int8",
) -> Path:
    """A random M2M-100 model in the converted layout (sentencepiece.bpe.model, `__xx__` language tokens)."""
    return _build_fairseq(
        out_dir, spm_path, M2M_LANGS, "sentencepiece.bpe.model",
        seed=seed, layers=layers, d_model=d_model, heads=heads, ffn=ffn, quantization=quantization,
    )
