"""`mtk translate` and `mtk models`: translate articles into English and manage the model catalog.

JSONL output: one record per sentence (doc, paragraph, sentence, lang, src, translation, model; paragraph counts the
kept paragraphs), then, per document, one record {"doc", "model", "dropped": [{"text", "reason", "input_paragraph"},
...]} listing what cleaning removed (input_paragraph counts the input's paragraphs).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from mt.atomic import atomic_output, write_errors
from mt.document import Document
from mt.errors import InputError
from mt.langid import SOURCE_LANGUAGES
from mt.options import TranslationOptions, add_device_arguments
from mt.output_checks import check_output_file, refuse_overwriting_inputs


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `translate` and `models` subcommands to the top-level `mtk` parser."""
    _register_translate(subparsers)
    _register_models(subparsers)


TRANSLATE_DESCRIPTION = """Translate Swahili or Arabic news articles into English, after removing page boilerplate.

Text output keeps the article's paragraphs, a blank line between them; with several articles, each starts with a
line `==> ID <==` (ID as in the JSONL records' "doc"), after a blank line. JSONL output: one record per sentence (doc, paragraph, sentence, lang,
src, translation, model; paragraph counts the kept paragraphs), then, per document, one record {"doc", "model",
"dropped": [{"text", "reason", "input_paragraph"}, ...]} listing what cleaning removed (input_paragraph counts the
input's paragraphs)."""


def _register_translate(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "translate", help="translate Swahili or Arabic articles into English",
        description=TRANSLATE_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("inputs", nargs="+", metavar="FILE",
                   help="articles: text files, saved .html pages, http(s) URLs, or - for standard input")
    p.add_argument("--src", default="auto", help="source language: auto (default), sw or ar")
    p.add_argument("--model", help="catalog name or CTranslate2 directory (default: the catalog default)")
    p.add_argument("--beam", type=int, default=TranslationOptions.beam_size, help="beam size (default %(default)s)")
    add_device_arguments(p)
    p.add_argument("--max-batch-tokens", type=int, default=TranslationOptions.max_batch_tokens,
                   help="token budget per batch (default %(default)s)")
    p.add_argument("--length-penalty", type=float, default=TranslationOptions.length_penalty,
                   help="beam-search length penalty (default %(default)s)")
    p.add_argument("--repetition-penalty", type=float, default=TranslationOptions.repetition_penalty,
                   help="penalty for repeated tokens, > 1 discourages loops (default %(default)s)")
    p.add_argument("--no-repeat-ngram-size", type=int, default=TranslationOptions.no_repeat_ngram_size,
                   help="forbid repeating n-grams of this size, 0 = off (default %(default)s)")
    p.add_argument("--max-length", type=int, default=TranslationOptions.max_decoding_length,
                   help="longest translation in tokens (default %(default)s)")
    p.add_argument("-o", "--output", help="output file (default: standard output); written only if the run succeeds")
    p.add_argument("--format", choices=("text", "jsonl"),
                   help="output format (default: jsonl for an -o name ending in .jsonl, else text)")
    p.add_argument("--offline", action="store_true", help="never download; fail if the model is not present")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the translation cache")
    p.add_argument("--show-dropped", action="store_true", help="print what cleaning removed, with reasons, to stderr")
    p.set_defaults(func=run_translate)


def _register_models(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("models", help="list, inspect, download, convert and remove translation models")
    sub = p.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    sub.add_parser("list", help="list catalog models and whether they are downloaded").set_defaults(func=run_models_list)
    info = sub.add_parser("info", help="show details of a catalog model or a model directory")
    info.add_argument("name")
    info.set_defaults(func=run_models_info)
    pull = sub.add_parser("pull", help="download a catalog model")
    pull.add_argument("name")
    pull.add_argument("--force", action="store_true", help="download again even if present")
    pull.set_defaults(func=run_models_pull)
    conv = sub.add_parser("convert", help="convert a Transformers checkpoint (hub id or directory) to CTranslate2")
    conv.add_argument("source", help="Transformers checkpoint: a Hugging Face model id (Helsinki-NLP/opus-mt-ar-en) "
                      "or a folder saved with save_pretrained")
    conv.add_argument("-o", "--output", required=True, help="output directory")
    conv.add_argument("--quantization", default="int8",
                      help="weight type: int8 (default), int8_float32, int8_float16, int8_bfloat16, int16, float16, "
                      "bfloat16 or float32")
    conv.add_argument("--force", action="store_true",
                      help="replace an output directory that holds a CTranslate2 model (never one of other files)")
    conv.set_defaults(func=run_models_convert)
    rm = sub.add_parser("remove", help="delete a downloaded model")
    rm.add_argument("name")
    rm.set_defaults(func=run_models_remove)


def _load_inputs(inputs: list[str], src: str) -> list[Document]:
    """Read, clean, detect and segment every input before any model is loaded, so bad input fails fast."""
    from mt.langid import mixed_language_warning
    from mt.loader import load_document
    from mt.reading import refuse_shared_ids, source_label

    if inputs.count("-") > 1:
        raise InputError("standard input (-) can be given only once")
    refuse_shared_ids(inputs)  # before reading or fetching any of them
    docs = []
    for source in inputs:
        doc = load_document(source, lang=src, allowed=SOURCE_LANGUAGES)  # refuses other languages, empty text
        warning = mixed_language_warning(doc.texts, doc.lang, source_label(source))
        if warning:
            print(f"mtk: warning: {warning}", file=sys.stderr)
        docs.append(doc)
    return docs


def _print_dropped(doc: Document) -> None:
    for d in doc.dropped:
        print(f"{doc.doc_id}: dropped ({d.reason}, input paragraph {d.paragraph}): {d.text}", file=sys.stderr)


def _article_header(doc_id: str, position: int) -> str:
    """The line that starts an article in text output of several articles: `==> ID <==`, after a blank line."""
    # Paragraphs are separated by blank lines too, so articles need a mark of their own to be split apart again;
    # head and tail mark files so. The id is the JSONL records' "doc" (two inputs never share one), kept on one line.
    return ("\n" if position else "") + f"==> {' '.join(doc_id.split())} <==\n"


def _output_format(output: str | None, requested: str | None) -> str:
    """The format asked for, else the one the -o name implies (.jsonl: JSONL), else text; warns when they disagree."""
    suffix = "" if output in (None, "-") else Path(str(output)).suffix.lower()
    named = {".jsonl": "jsonl", ".txt": "text"}.get(suffix)
    if requested and named and requested != named:
        # `-o out.jsonl --format text` is allowed, but a reader of the name would expect JSON lines.
        print(f"mtk: warning: {output} is named like {'JSONL' if named == 'jsonl' else 'text'}, but {requested} is "
              f"written (--format {requested})", file=sys.stderr)
    return requested or named or "text"


def run_translate(args: argparse.Namespace) -> int:
    """Handle `mtk translate`."""
    from mt.catalog import load_catalog
    from mt.translator import Translator

    if args.src != "auto" and args.src not in SOURCE_LANGUAGES:
        raise InputError(f"unsupported source language '{args.src}'; use auto, sw or ar")
    options = TranslationOptions(
        beam_size=args.beam, max_batch_tokens=args.max_batch_tokens, length_penalty=args.length_penalty,
        repetition_penalty=args.repetition_penalty, no_repeat_ngram_size=args.no_repeat_ngram_size,
        max_decoding_length=args.max_length, device=args.device, compute_type=args.compute_type,
    )
    args.format = _output_format(args.output, args.format)
    refuse_overwriting_inputs(args.output, list(args.inputs))
    check_output_file(args.output)  # before any model loads: a folder or a path inside a file fails now
    if args.model:
        from mt.translator import check_model

        # A broken --model fails before articles are read or fetched, as said.
        check_model(args.model, True if args.offline else None)
    docs = _load_inputs(args.inputs, args.src)
    if args.show_dropped:  # now: cleaning needs no model, so what it removed is shown even when none loads
        for doc in docs:
            _print_dropped(doc)
    catalog = load_catalog()
    translators: dict[str, Translator] = {}
    try:
        # Every model loaded and every article's language checked against its model before the first is translated:
        # an Arabic-only model given a Swahili second article failed after the first had been written to stdout.
        names = [args.model or catalog.default_for(doc.lang) for doc in docs]
        for name, doc in zip(names, docs, strict=True):
            if name not in translators:
                translators[name] = Translator.load(
                    name, offline=True if args.offline else None, options=options, cache=not args.no_cache
                )
            try:
                translators[name].family.check_language(doc.lang, translators[name].label)
            except InputError as exc:
                raise InputError(f"{doc.doc_id}: {exc}") from None  # which of several articles the model refuses
        with write_errors(args.output), atomic_output(args.output) as out:
            for i, (name, doc) in enumerate(zip(names, docs, strict=True)):
                result = translators[name].translate_document(doc)
                if args.format == "jsonl":
                    for rec in result.records():
                        out.write(json.dumps(rec, ensure_ascii=False) + "\n")
                    out.write(json.dumps(result.dropped_record(), ensure_ascii=False) + "\n")
                else:
                    out.write(_article_header(doc.doc_id, i) if len(docs) > 1 else "")
                    out.write(result.text() + "\n")
    finally:
        for t in translators.values():
            t.close()
    return 0


def run_models_list(args: argparse.Namespace) -> int:
    """Handle `mtk models list`."""
    from mt import hub
    from mt.catalog import load_catalog

    catalog = load_catalog()
    rows = [("NAME", "FAMILY", "LANGS", "SIZE", "LICENCE", "STATUS")]
    for e in catalog.models.values():
        status = "downloaded" if hub.is_pulled(e.name) else ("convert" if e.convert else "-")
        if hub.is_pulled(e.name) and hub.download_damage(e.name):
            status = "damaged"  # as `mtk translate` would find it; `mtk models info NAME` says how
        mark = " (default)" if e.name == catalog.default else ""
        rows.append((e.name + mark, e.family, ",".join(e.languages), f"{e.size_mb} MB", e.licence, status))
    widths = [max(len(r[c]) for r in rows) for c in range(len(rows[0]))]
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip())
    return 0


def run_models_info(args: argparse.Namespace) -> int:
    """Handle `mtk models info NAME`."""
    from mt import hub
    from mt.catalog import load_catalog
    from mt.errors import ModelError
    from mt.families import detect_family, read_metadata

    entry = load_catalog().get(args.name)
    path = Path(args.name).expanduser()
    if entry is None and not path.exists() and ("/" in args.name or args.name.startswith((".", "~"))):
        raise ModelError(f"model directory {path} does not exist")  # as `mtk translate --model` says it
    if entry is None and not path.is_dir():
        raise ModelError(f"unknown model '{args.name}'; `mtk models list` shows the catalog")
    if entry is None and not (path / "model.bin").is_file():
        raise ModelError(f"{args.name or '(empty name)'} is neither a catalog model nor a CTranslate2 model "
                         "directory (no model.bin)")
    if entry is not None:
        for key in ("name", "family", "languages", "size_mb", "licence", "repo", "revision", "files", "convert", "description"):
            value = getattr(entry, key)
            text = ", ".join(value) if isinstance(value, tuple) else str(value)
            if key == "revision" and not entry.pinned:
                text += " (unpinned: no commit hash verified; a pull gets whatever the repository holds now)"
            print(f"{key}: {text}")
        path = hub.model_path(entry.name)
        pulled = hub.is_pulled(entry.name)
        state = "no" if not pulled else "yes, but damaged" if hub.download_damage(entry.name) else "yes"
        print(f"downloaded: {state}")  # a damaged one is refused below, with what is wrong and how to mend it
        commit = read_metadata(path).get("commit") if pulled else None
        if commit:
            print(f"downloaded commit: {commit}")
    if path.is_dir() and (path / "model.bin").is_file():
        from mt.translator import check_model_file

        check_model_file(path, entry.name if entry is not None else None)
        fam = detect_family(path)
        size = sum(f.stat().st_size for f in path.iterdir() if f.is_file())
        print(f"path: {path}\ndetected family: {fam.name}\nsize on disk: {size / 1e6:.1f} MB")
        sources = ", ".join(fam.source_languages) or "unknown (the folder does not say; used for any language)"
        print(f"detected source languages: {sources}")
        from mt.spm import Tokenizer

        Tokenizer(path, fam)  # a missing or unreadable SentencePiece model: the folder cannot translate, said now
    return 0


def run_models_pull(args: argparse.Namespace) -> int:
    """Handle `mtk models pull NAME`."""
    from mt import hub
    from mt.progress import enabled_by_default

    path = hub.pull(args.name, progress=enabled_by_default(), force=args.force)
    print(path)
    return 0


def run_models_convert(args: argparse.Namespace) -> int:
    """Handle `mtk models convert SRC -o DIR`."""
    from mt.convert import convert

    print(convert(args.source, args.output, quantization=args.quantization, force=args.force))
    return 0


def run_models_remove(args: argparse.Namespace) -> int:
    """Handle `mtk models remove NAME`."""
    from mt import hub

    for path in hub.remove(args.name):
        # The name alone misled when only an unfinished download was there: "removed models/NAME", never made.
        print(f"removed {'the unfinished download ' if path.name.startswith('.') else ''}{path}")
    return 0
