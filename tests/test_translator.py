"""The engine on tiny random-weight models in the NLLB, M2M-100 and Marian layouts."""

from __future__ import annotations

import json
import re
import shutil
import struct
from pathlib import Path

import pytest

from mt.document import Document, Sentence
from mt.errors import InputError, ModelError
from mt.families import detect_family
from mt.options import TranslationOptions
from mt.translator import Translator

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
FAST = TranslationOptions(beam_size=2, max_decoding_length=12)
SW = [
    "Morocco na Israel zataka kupanua ushirikiano wao katika vita vya kielektroniki.",
    "Habari.",
    "Waziri wa ulinzi wa Israel alizuru Rabat wiki hii, na kusaini makubaliano ya kihistoria.",
    "Ushirikiano huo utahusu teknolojia, mafunzo na ununuzi wa silaha.",
]


class RecordingEngine:
    """Wraps a real ctranslate2.Translator and remembers what it was asked to translate."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.calls: list[tuple[list[list[str]], list[list[str]] | None]] = []

    def translate_batch(self, source, target_prefix=None, **kwargs):
        self.calls.append((source, target_prefix))
        return self.engine.translate_batch(source, target_prefix=target_prefix, **kwargs)


class InjectingEngine:
    """Wraps a real ctranslate2.Translator and surrounds every hypothesis with control and language tokens."""

    def __init__(self, engine, language_tokens: list[str]) -> None:
        self.engine = engine
        self.noise = [*language_tokens, "<pad>", "<unk>"]

    def translate_batch(self, source, target_prefix=None, **kwargs):
        class Handle:
            def __init__(self, handle, noise: list[str]) -> None:
                self.handle, self.noise = handle, noise

            def done(self) -> bool:
                return self.handle.done()

            def result(self):
                hyp = self.handle.result().hypotheses[0]
                return type("Result", (), {"hypotheses": [[*self.noise, *hyp, "<pad>", "<s>", "</s>", "<mask>"]]})

        return [Handle(h, self.noise) for h in self.engine.translate_batch(source, target_prefix=target_prefix, **kwargs)]


class RefusingEngine:
    """Stands in for the model after the first run: any call means the cache was bypassed."""

    def translate_batch(self, *args, **kwargs):
        raise AssertionError("the model was called although every sentence was cached")


def _load(path: Path, **kw) -> Translator:
    return Translator.load(str(path), options=kw.pop("options", FAST), progress=False, **kw)


@pytest.mark.parametrize("fixture, family", [("tiny_nllb", "nllb"), ("tiny_m2m100", "m2m100"), ("tiny_marian", "marian")])
def test_each_family_translates_deterministically(fixture: str, family: str, request, mtk_home: Path) -> None:
    t = _load(request.getfixturevalue(fixture), cache=False)
    assert t.family.name == family and t.size_bytes > 0
    first = t.translate_sentences(SW, "sw")
    assert len(first) == len(SW) and all(isinstance(x, str) and x for x in first)
    assert t.translate_sentences(SW, "sw") == first


def test_nllb_marks_source_language_and_forces_english(tiny_nllb: Path, mtk_home: Path) -> None:
    t = _load(tiny_nllb, cache=False)
    t._engine = rec = RecordingEngine(t._engine)
    out = t.translate_sentences(["Habari za leo."], "sw")
    (source, prefix), = rec.calls
    assert source[0][0] == "swh_Latn" and source[0][-1] == "</s>"
    assert prefix == [["eng_Latn"]]
    assert "eng_Latn" not in out[0]
    t.translate_sentences(["اتفق المغرب وإسرائيل"], "ar")
    assert rec.calls[-1][0][0][0] == "arb_Arab"


def test_marian_has_no_language_tokens(tiny_marian: Path, mtk_home: Path) -> None:
    t = _load(tiny_marian, cache=False)
    t._engine = rec = RecordingEngine(t._engine)
    t.translate_sentences(["Habari za leo."], "sw")
    (source, prefix), = rec.calls
    assert prefix is None and source[0][-1] == "</s>" and not source[0][0].endswith("_Latn")


def test_batching_restores_order(tiny_nllb: Path, mtk_home: Path) -> None:
    one_by_one = [_load(tiny_nllb, cache=False).translate_sentences([s], "sw")[0] for s in SW]
    small = TranslationOptions(beam_size=2, max_decoding_length=12, max_batch_tokens=40)
    t = _load(tiny_nllb, cache=False, options=small)
    t._engine = rec = RecordingEngine(t._engine)
    assert t.translate_sentences(SW, "sw") == one_by_one
    assert len(rec.calls) > 1  # the budget really split the input


def test_cache_hit_skips_the_model(tiny_nllb: Path, mtk_home: Path) -> None:
    t = _load(tiny_nllb)
    first = t.translate_sentences(SW, "sw")
    t2 = _load(tiny_nllb)
    t2._engine = RefusingEngine()
    assert t2.translate_sentences(SW, "sw") == first
    # Other options or another language are other cache entries.
    t3 = _load(tiny_nllb, options=TranslationOptions(beam_size=1, max_decoding_length=12))
    t3._engine = RefusingEngine()
    with pytest.raises(AssertionError):
        t3.translate_sentences(SW[:1], "sw")


def test_cache_is_per_model(tiny_marian: Path, tiny_marian_b: Path, mtk_home: Path) -> None:
    a = _load(tiny_marian).translate_sentences(SW, "sw")
    b = _load(tiny_marian_b).translate_sentences(SW, "sw")
    assert a != b


def test_cache_tells_apart_two_models_copied_into_one_folder(tiny_marian: Path, tiny_marian_b: Path, mtk_home: Path,
                                                             tmp_path: Path) -> None:
    # tar, cp -p and rsync -a keep file times: size and time of model.bin alone let model B reuse model A's output.
    import os

    folder = tmp_path / "model"
    outputs = []
    for source in (tiny_marian, tiny_marian_b):
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(source, folder)
        for f in folder.iterdir():
            os.utime(f, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
        outputs.append(_load(folder).translate_sentences(SW, "sw"))
    assert outputs[1] == _load(tiny_marian_b, cache=False).translate_sentences(SW, "sw") != outputs[0]


def test_long_sentence_is_split_not_truncated(tiny_nllb: Path, mtk_home: Path) -> None:
    long = " ".join(SW * 6)
    opts = TranslationOptions(beam_size=1, max_decoding_length=4, max_input_length=24)
    t = _load(tiny_nllb, cache=False, options=opts)
    t._engine = rec = RecordingEngine(t._engine)
    (out,) = t.translate_sentences([long], "sw")
    sources = [s for call in rec.calls for s in call[0]]
    assert len(sources) > 3 and all(len(s) <= 24 for s in sources)
    pieces = sorted(p for s in sources for p in s[1:-1])
    assert pieces == sorted(t._tokenizer.encode([long])[0])  # every piece went to the model exactly once
    assert out


def test_document_translation_and_records(tiny_nllb: Path, mtk_home: Path) -> None:
    doc = Document(
        doc_id="d1", lang="sw",
        sentences=[Sentence(SW[0], 0, 0), Sentence(SW[1], 0, 1), Sentence(SW[2], 1, 2)],
    )
    res = _load(tiny_nllb, cache=False).translate_document(doc)
    recs = res.records()
    assert [r["sentence"] for r in recs] == [0, 1, 2]
    assert set(recs[0]) == {"doc", "paragraph", "sentence", "lang", "src", "translation", "model"}
    assert recs[0]["model"] == "nllb-tiny" and recs[2]["paragraph"] == 1
    paragraphs = res.text().split("\n\n")
    assert paragraphs == [f"{res.translations[0]} {res.translations[1]}", res.translations[2]]
    json.dumps(res.dropped_record())


def test_unsupported_language(tiny_nllb: Path, mtk_home: Path) -> None:
    with pytest.raises(InputError, match="unsupported source language 'fr'"):
        _load(tiny_nllb, cache=False).translate_sentences(["Bonjour"], "fr")


def test_marian_pair_is_checked_when_known(tiny_marian: Path, tmp_path: Path, mtk_home: Path) -> None:
    model = tmp_path / "m"
    shutil.copytree(tiny_marian, model)
    (model / "tokenizer_config.json").write_text('{"source_lang": "ar", "target_lang": "en"}', encoding="utf-8")
    t = _load(model, cache=False)
    with pytest.raises(InputError, match="translates from ar"):
        t.translate_sentences(["Habari"], "sw")
    assert t.translate_sentences(["مرحبا"], "ar")


@pytest.mark.parametrize(("name", "sources"), [
    ("opus-mt-ar-en", ("ar",)), ("opus-mt-tc-big-ar-en", ("ar",)), ("opus-mt-mul-en", ("sw", "ar")),
    ("opus-mt-tc-bible-big-sem-en", ("ar",)), ("Opus-MT-SWC-EN-int8", ("sw",)),
    ("opus-mt-tiny", ()), ("opus-mt-tc-foo-ar-en", ()), ("my-model", ()),
])
def test_marian_pair_is_read_from_a_helsinki_nlp_name(name: str, sources: tuple[str, ...], tiny_marian: Path,
                                                      tmp_path: Path) -> None:
    # A folder converted with plain ct2-transformers-converter has no tokenizer_config.json: opus-mt-ar-en was then
    # used for Swahili without a word.
    model = tmp_path / name
    shutil.copytree(tiny_marian, model)
    assert detect_family(model).source_languages == sources
    (model / "tokenizer_config.json").write_text('{"source_lang": "sw"}', encoding="utf-8")
    assert detect_family(model).source_languages == ("sw",)  # what the tokenizer says comes first


@pytest.mark.parametrize(("name", "config"), [
    ("opus-mt-ar-fr", None), ("opus-mt-en-ar", None), ("m", '{"source_lang": "ar", "target_lang": "fr"}'),
])
def test_an_opus_mt_model_into_another_language_is_refused(name: str, config: str | None, tiny_marian: Path,
                                                           tmp_path: Path) -> None:
    # Only the source side was read: opus-mt-ar-fr was accepted for Arabic and would have written French.
    model = tmp_path / name
    shutil.copytree(tiny_marian, model)
    if config:
        (model / "tokenizer_config.json").write_text(config, encoding="utf-8")
    with pytest.raises(ModelError, match=r"an OPUS-MT model into (fr|ar) .*, not English"):
        detect_family(model)


def test_a_marian_model_of_unknown_pair_is_trusted_with_one_warning(tiny_marian: Path, tmp_path: Path,
                                                                   mtk_home: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    t = _load(tiny_marian, cache=False)
    assert t.translate_sentences(["Habari"], "sw") and t.translate_sentences(["مرحبا"], "ar")
    err = capsys.readouterr().err
    assert err.count("mtk: warning: cannot tell which language opus-mt-tiny translates from;") == 1
    named = tmp_path / "opus-mt-sw-en"
    shutil.copytree(tiny_marian, named)
    _load(named, cache=False)
    assert "cannot tell" not in capsys.readouterr().err


@pytest.mark.parametrize(("source_lang", "accepted", "refused"), [
    ("mul", ["sw", "ar"], []), ("bnt", ["sw"], ["ar"]), ("sem", ["ar"], ["sw"]), ("arb", ["ar"], ["sw"]),
    ("fr", [], ["sw", "ar"]),
])
def test_multilingual_marian_sources_are_accepted(source_lang: str, accepted: list[str], refused: list[str],
                                                  tiny_marian: Path, tmp_path: Path, mtk_home: Path) -> None:
    # opus-mt-mul-en converted with `mtk models convert` says source_lang "mul": it refused Swahili and Arabic.
    model = tmp_path / "m"
    shutil.copytree(tiny_marian, model)
    (model / "tokenizer_config.json").write_text(json.dumps({"source_lang": source_lang, "target_lang": "en"}),
                                                 encoding="utf-8")
    t = _load(model, cache=False)
    for lang in accepted:
        assert t.translate_sentences(["Habari"], lang)
    for lang in refused:
        with pytest.raises(InputError, match=f"translates from .*, not {lang!r}"):
            t.translate_sentences(["Habari"], lang)


@pytest.mark.parametrize(("name", "content"), [("mtk-model.json", "null"), ("mtk-model.json", '{"languages": 5}'),
                                               ("shared_vocabulary.json", "5"), ("tokenizer_config.json", "[]")])
def test_model_files_of_the_wrong_shape_are_one_line_errors(name: str, content: str, tiny_marian: Path,
                                                             tmp_path: Path, mtk_run) -> None:
    model = tmp_path / "m"
    shutil.copytree(tiny_marian, model)
    (model / name).write_text(content, encoding="utf-8")
    code, _, err = mtk_run("translate", SEEDS / "000_c34c121e1dd8a5b8.txt", "--model", model, "--no-cache",
                           "--max-length", "4", "-o", tmp_path / "out.txt")
    # A vocabulary that is not a list of tokens is a broken model; metadata of another shape is ignored.
    if name == "shared_vocabulary.json":
        assert code == 3 and "not a valid vocabulary file" in err and "Traceback" not in err
    else:
        assert code == 0, err


def test_empty_input_gives_empty_output(tiny_nllb: Path, mtk_home: Path) -> None:
    t = _load(tiny_nllb, cache=False)
    assert t.translate_sentences([], "sw") == []
    assert t.translate_sentences(["   "], "sw") == [""]


def test_model_errors(tiny_nllb: Path, tmp_path: Path, mtk_home: Path) -> None:
    with pytest.raises(ModelError, match="does not exist"):
        _load(tmp_path / "nope")
    with pytest.raises(ModelError, match="unknown model 'nope'"):
        Translator.load("nope", offline=True)
    broken = tmp_path / "broken"
    shutil.copytree(tiny_nllb, broken)
    (broken / "model.bin").unlink()
    with pytest.raises(ModelError, match="no model.bin"):
        _load(broken)
    (broken / "model.bin").write_bytes(b"garbage" * 1000)
    with pytest.raises(ModelError, match="not a CTranslate2 model file"):
        _load(broken)
    shutil.copy(tiny_nllb / "model.bin", broken / "model.bin")
    (broken / "sentencepiece.bpe.model").unlink()
    with pytest.raises(ModelError, match="SentencePiece model .* is missing"):
        _load(broken)
    (broken / "sentencepiece.bpe.model").write_bytes(b"not spm")
    with pytest.raises(ModelError, match="cannot read SentencePiece model"):
        _load(broken)
    for f in broken.glob("shared_vocabulary*"):
        f.unlink()
    with pytest.raises(ModelError, match="no shared_vocabulary"):
        _load(broken)


SPECIAL = re.compile(r"<pad>|</?s>|<unk>|<mask>|\b[a-z]{3}_[A-Z][a-z]{3}\b|__[a-z]{2,3}__|madeupword")


@pytest.mark.parametrize("fixture", ["tiny_nllb", "tiny_m2m100", "tiny_marian"])
def test_translations_never_contain_special_tokens(fixture: str, request, seed_files: list[Path], mtk_home: Path) -> None:
    from mt.loader import load_document

    t = _load(request.getfixturevalue(fixture), cache=False, options=TranslationOptions(beam_size=1, max_decoding_length=48))
    docs = [load_document(f) for f in seed_files if f.name.startswith(("000", "001"))]
    # Random weights emit language codes, <mask> and <pad> mid-sentence: the real failure this guards against.
    outputs = [o for d in docs for o in t.translate_sentences(d.texts[:6], d.lang)]
    assert outputs and not [o for o in outputs if SPECIAL.search(o)]
    clean = t.translate_sentences(SW[:2], "sw")
    t._engine = InjectingEngine(t._engine, list(t.family.codes.values()))
    assert t.translate_sentences(SW[:2], "sw") == clean  # wherever they appear, control tokens are dropped


def test_catalog_model_is_labelled_with_its_revision(tiny_marian: Path, tmp_path: Path, mtk_home: Path) -> None:
    pulled = tmp_path / "pulled"
    shutil.copytree(tiny_marian, pulled)
    (pulled / "mtk-model.json").write_text(
        json.dumps({"name": "opus-mt-swc-en", "revision": "282ffd6747921a68b9ce79e26bdbd83349ae1e71"}), encoding="utf-8"
    )
    t = _load(pulled, cache=False)
    assert t.name == "opus-mt-swc-en" and t.label == "opus-mt-swc-en@282ffd674792"
    doc = Document(doc_id="d", lang="sw", sentences=[Sentence(SW[0], 0, 0)])
    assert t.translate_document(doc).records()[0]["model"] == "opus-mt-swc-en@282ffd674792"
    (pulled / "mtk-model.json").write_text(json.dumps({"name": "mine", "revision": "main"}), encoding="utf-8")
    assert _load(pulled, cache=False).label == "mine@main"


def test_fingerprint_sees_a_change_in_the_middle_of_a_large_model_bin(tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the ends of a large model.bin are read; a fine-tune that changes only its middle changes its time.
    import os

    from mt import translator

    monkeypatch.setattr(translator, "_WHOLE_FILE", 1024)
    monkeypatch.setattr(translator, "_BLOCK", 256)
    model = tmp_path / "model.bin"
    model.write_bytes(bytes(range(256)) * 64)
    os.utime(model, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    before = translator.model_fingerprint(tmp_path)
    data = bytearray(model.read_bytes())
    data[8000] ^= 1
    model.write_bytes(bytes(data))
    assert translator.model_fingerprint(tmp_path) != before
    (tmp_path / "notes").symlink_to("/proc/self/mem")  # unreadable: one line naming the file, not an OSError
    with pytest.raises(ModelError, match="cannot read .*notes of model"):
        translator.model_fingerprint(tmp_path)


def test_a_device_or_compute_type_this_machine_lacks_is_a_usage_error(tiny_marian: Path, tmp_path: Path,
                                                                       mtk_run) -> None:
    import ctranslate2

    base = ("translate", SEEDS / "000_c34c121e1dd8a5b8.txt", "--model", tiny_marian, "--no-cache")
    code, _, err = mtk_run(*base, "--compute-type", "foo")
    assert code == 2 and "unknown compute type 'foo'" in err
    unavailable = next(t for t in ("float16", "bfloat16", "int8_bfloat16")
                       if t not in ctranslate2.get_supported_compute_types("cpu"))
    code, _, err = mtk_run(*base, "--device", "cpu", "--compute-type", unavailable)
    assert code == 2 and f"--compute-type {unavailable} is not available on cpu" in err  # was "cannot load model"
    if ctranslate2.get_cuda_device_count() == 0:
        code, _, err = mtk_run(*base, "--device", "cuda")
        assert code == 2 and "--device cuda: CTranslate2 sees no CUDA GPU here" in err


def test_a_damaged_downloaded_model_says_how_to_mend_it(tiny_marian: Path, mtk_home: Path) -> None:
    from mt import hub

    target = hub.model_path("opus-mt-ar-en")
    shutil.copytree(tiny_marian, target)
    (target / hub.METADATA_FILE).write_text(json.dumps({"name": "opus-mt-ar-en", "languages": ["ar"]}),
                                            encoding="utf-8")
    data = (target / "model.bin").read_bytes()
    (target / "model.bin").write_bytes(data[: len(data) // 2])  # cut short: found before loading
    with pytest.raises(ModelError, match=r"model.bin is damaged: it holds .*; `mtk models pull opus-mt-ar-en --force` "
                                         r"downloads it again"):
        Translator.load("opus-mt-ar-en", offline=True, cache=False)
    # Whole, of a plausible version, but unreadable: found by the loader.
    (target / "model.bin").write_bytes(struct.pack("<I", 5) + b"\xff" * (len(data) - 4))
    with pytest.raises(ModelError, match=r"cannot load model .*; `mtk models pull opus-mt-ar-en --force` downloads"):
        Translator.load("opus-mt-ar-en", offline=True, cache=False)


def test_every_article_is_checked_against_its_model_before_any_is_translated(tiny_marian: Path, tmp_path: Path,
                                                                            mtk_run) -> None:
    model = tmp_path / "opus-mt-ar-en"
    shutil.copytree(tiny_marian, model)
    (model / "tokenizer_config.json").write_text('{"source_lang": "ar", "target_lang": "en"}', encoding="utf-8")
    code, out, err = mtk_run("translate", SEEDS / "001_1a95481d527c8dce.txt", SEEDS / "000_c34c121e1dd8a5b8.txt",
                             "--model", model, "--no-cache", "--max-length", "4")
    # The Arabic article had gone to stdout before the Swahili one was refused.
    assert code == 2 and "translates from ar, not 'sw'" in err and out == ""
    assert err.strip().splitlines()[-1].startswith("mtk: error: 000_c34c121e1dd8a5b8: model ")  # which article


def test_an_interrupt_after_output_went_to_stdout_does_not_claim_nothing_was_written(
        tiny_marian: Path, mtk_run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    second = tmp_path / "second.txt"
    shutil.copy(SEEDS / "000_c34c121e1dd8a5b8.txt", second)
    real, calls = Translator.translate_document, []

    def ctrl_c_on_the_second(self: Translator, doc: Document) -> object:
        calls.append(doc)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(self, doc)

    monkeypatch.setattr(Translator, "translate_document", ctrl_c_on_the_second)
    code, out, err = mtk_run("translate", SEEDS / "000_c34c121e1dd8a5b8.txt", second,
                             "--model", tiny_marian, "--no-cache", "--max-length", "4")
    assert code == 130 and out and err.strip().endswith("mtk: interrupted; the output sent to stdout is incomplete")


def test_the_mtk_command_leaves_before_releasing_a_busy_translator(tiny_marian: Path, mtk_home: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # Releasing a CTranslate2 translator waits for its queued batches (it cannot cancel them): after Ctrl-C the
    # command printed "interrupted" at once but exited 20 s later. It must end while the translator is still held.
    import weakref

    from eval import cli

    loaded: list[weakref.ref] = []
    real_load = Translator.load.__func__  # type: ignore[attr-defined]

    def load(cls: type[Translator], *args: object, **kwargs: object) -> Translator:
        t = real_load(cls, *args, **kwargs)
        loaded.append(weakref.ref(t))
        return t

    def interrupted(self: Translator, doc: Document) -> object:
        raise KeyboardInterrupt

    alive_at_exit: list[bool] = []

    def exit_now(code: int) -> None:
        alive_at_exit.append(all(ref() is not None for ref in loaded))
        raise SystemExit(code)

    monkeypatch.setattr(Translator, "load", classmethod(load))
    monkeypatch.setattr(Translator, "translate_document", interrupted)
    monkeypatch.setattr(cli, "_exit_now", exit_now)
    with pytest.raises(SystemExit) as stop:
        cli.main(["translate", str(SEEDS / "000_c34c121e1dd8a5b8.txt"), "--model", str(tiny_marian), "--no-cache"],
                 exit_at_once_when_interrupted=True)
    assert stop.value.code == 130 and loaded and alive_at_exit == [True]


def test_max_length_is_capped_at_what_models_are_trained_for() -> None:
    # A model that never ends its sentence decodes to --max-length: 1,000,000 could only be stopped with SIGKILL.
    assert TranslationOptions(max_decoding_length=1024).max_decoding_length == 1024
    with pytest.raises(InputError, match="--max-length must be at most 1024 tokens"):
        TranslationOptions(max_decoding_length=1_000_000)
