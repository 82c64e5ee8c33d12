"""Subcommands of the evaluation stage: `mtk run` (the whole job) and `mtk evaluate` (compare models)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from align.arguments import add_pair_threshold_argument, add_threshold_argument
from align.manifest import refuse_threshold_with_manifest
from align.words import DEFAULT_WORD_MODEL
from mt.errors import InputError, ModelError, install_hint
from mt.options import TranslationOptions, add_device_arguments, check_device_arguments


def _add_common(p: argparse.ArgumentParser) -> None:
    p.add_argument("folder", help="folder of articles, .txt or saved .html pages (Swahili/Arabic sources and English articles)")
    p.add_argument("--offline", action="store_true", default=None, help="never download a model")
    p.add_argument("--manifest", action="store_true", help="pair articles as FOLDER/manifest.json says")
    add_pair_threshold_argument(p, "least document similarity to pair two articles by content (default 1.005)")
    p.add_argument("--references", metavar="FILE",
                   help="reference translations: JSONL {\"src\", \"reference\"} keyed by source sentence")
    p.add_argument("--presplit", action="store_true",
                   help="with --references: the references FILE is plain text, one reference per source sentence "
                        "(the paired source articles in file-name order, each once, their sentences as mtk segments "
                        "them; a blank line: no reference). The articles are segmented by mtk either way, unlike with "
                        "mtk align --presplit")
    p.add_argument("--max-length", type=_max_length, default=TranslationOptions.max_decoding_length, metavar="N",
                   help="longest translation in tokens (default: the translator's, 256)")
    add_device_arguments(p)
    p.add_argument("--comet-model", metavar="PATH",
                   help="COMET/CometKiwi checkpoint for a reference-free quality estimate (needs unbabel-comet)")


def _refuse_presplit_without_references(args: argparse.Namespace) -> None:
    """InputError for --presplit without --references: it describes that file, and alone it did nothing."""
    # mtk align --presplit means one sentence per line in the articles; here the articles are always segmented, so a
    # user carrying the flag over from mtk align was told nothing while it was ignored.
    if args.presplit and not args.references:
        raise InputError("--presplit describes the --references file (one reference per source sentence) and needs "
                         "--references FILE; the folder's articles are segmented by mtk either way")


def _check_comet(model: str | None) -> None:
    """Fail now on a --comet-model that cannot be used, not with a "not measured" line after the whole run."""
    if not model:
        return
    from eval.neural import comet_available, comet_checkpoint

    if not comet_available():
        raise ModelError(f"--comet-model needs unbabel-comet: {install_hint('comet')}")
    comet_checkpoint(model)


def _max_length(text: str) -> int:
    """argparse type of --max-length: a whole number of tokens from 1 (0 once meant "the default") to MAX_LENGTH.

    Checked here, as `mtk translate` checks it, not once the folder has been paired."""
    from mt.options import MAX_LENGTH

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    if value > MAX_LENGTH:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_LENGTH} tokens, got {value}")
    return value


def _translation_options(args: argparse.Namespace) -> TranslationOptions:
    """The decoding options of `mtk run` and `mtk evaluate` from their arguments, checked against this machine."""
    options = TranslationOptions(max_decoding_length=args.max_length, device=args.device,
                                 compute_type=args.compute_type)
    check_device_arguments(options)
    return options


TRANSLATIONS_DIR_HELP = ("translations made elsewhere, one file per source article: DIR/<name>.jsonl, "
                         "DIR/<name>.txt or DIR/<name>.en.txt, as mtk align --translations reads them; or one JSONL "
                         "file whose records name their article ('doc', 'doc_id' or 'src_doc', as mtk translate, "
                         "mtk run and mtk align write)")


def register(sub: argparse._SubParsersAction) -> None:
    """Add `run` and `evaluate` to the `mtk` subcommands."""
    run = sub.add_parser("run", help="translate, pair, align and evaluate a folder; write corpora and a report",
                         description="Detect languages, pair articles, translate, align, evaluate and write "
                                     "translations, alignments, corpora (TSV, TMX, Moses), metrics.json and "
                                     "report.html.")
    _add_common(run)
    run.add_argument("-o", "--output", required=True, metavar="OUT", help="output folder (created)")
    how = run.add_mutually_exclusive_group()
    how.add_argument("--model", metavar="NAME|PATH", help="translation model (default: the catalog default)")
    how.add_argument("--no-mt", action="store_true", help="align cross-lingually without translating")
    how.add_argument("--translations", metavar="DIR", help=TRANSLATIONS_DIR_HELP)
    add_threshold_argument(run)
    run.add_argument("--words", action="store_true",
                     help="add SimAlign word links to the alignments and the report (needs mtk[words])")
    run.add_argument("--word-model", default=None, metavar="NAME|PATH",
                     help=f"model for --words (default: {DEFAULT_WORD_MODEL})")
    run.set_defaults(func=_run)

    ev = sub.add_parser("evaluate", help="compare translation models on a folder of articles",
                        description="For each --model (translated here) and each --translations DIR (translated "
                                    "elsewhere): align and score; print one table.")
    _add_common(ev)
    ev.add_argument("--model", action="append", default=[], metavar="NAME|PATH", dest="models",
                    help="a model to compare (repeat the option)")
    ev.add_argument("--translations", action="append", default=[], metavar="DIR", dest="systems",
                    help=TRANSLATIONS_DIR_HELP + "; compared like a model (repeat the option)")
    ev.add_argument("--json", metavar="FILE", help="also write the table as JSON")
    ev.add_argument("--markdown", metavar="FILE", help="also write the table as Markdown")
    ev.set_defaults(func=_evaluate)


def _run(args: argparse.Namespace) -> int:
    from eval.pipeline import run_pipeline

    refuse_threshold_with_manifest(args.manifest, args.pair_threshold)  # before any other check
    _refuse_presplit_without_references(args)
    _check_comet(args.comet_model)  # as --words fails early too
    if args.word_model is not None and not args.words:
        raise InputError("--word-model is the model of --words; add --words to compute word links")  # as mtk align
    if args.model and not args.no_mt and args.translations is None:
        from mt.translator import check_model

        check_model(args.model, True if args.offline else None)  # a broken --model fails before the folder is read
    # Checked even when nothing is translated here (--no-mt, --translations), as mtk align does: a bad value is a
    # usage error whatever the mode.
    options = _translation_options(args)
    result = run_pipeline(args.folder, args.output, model=args.model, offline=args.offline, no_mt=args.no_mt,
                          use_manifest=args.manifest, references=args.references, presplit=args.presplit,
                          comet_model=args.comet_model, options=options,
                          word_model=(args.word_model or DEFAULT_WORD_MODEL) if args.words else None,
                          threshold=args.threshold, translations_dir=args.translations,
                          pair_threshold=args.pair_threshold)
    totals = result.metrics["totals"]
    numbers_only = any(not (p.get("facts") or {}).get("src_names_checked", True)
                       for p in result.metrics.get("pairs", []))
    print(f"{len(result.alignments)} pair(s), mode {result.metrics['mode']}: "
          f"{totals['src_aligned']}/{totals['src_sentences']} source sentences aligned, "
          f"{totals['src_found']}/{totals['src_facts']} source facts found in English"
          f"{' (numbers, dates and countries only for Arabic: its other names need a translation)' if numbers_only else ''}; "
          f"report: {result.out / 'report.html'}", file=sys.stderr)
    return 0


def _same_file(a: str, b: str) -> bool:
    """Whether two output paths name one file (the same path, or one that exists already under both names)."""
    if Path(a).resolve() == Path(b).resolve():
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _evaluate(args: argparse.Namespace) -> int:
    from eval.compare import compare_models, print_table, write_outputs
    from mt.output_checks import check_output_file, refuse_overwriting_inputs

    refuse_threshold_with_manifest(args.manifest, args.pair_threshold)  # before any other check
    _refuse_presplit_without_references(args)
    _check_comet(args.comet_model)
    options = _translation_options(args)  # checked without --model too, as in _run
    # Every file the run reads: the folder's (articles, manifest), the translations given, the references.
    inputs: list[str | os.PathLike[str] | None] = [args.references]
    for given in (args.folder, *(args.systems or [])):
        where = Path(given)
        inputs += list(where.iterdir()) if where.is_dir() else [where]
    for path, option in ((args.json, "--json"), (args.markdown, "--markdown")):
        check_output_file(path)  # now, not after every model has translated
        refuse_overwriting_inputs(path, inputs, option)
    if args.json and args.markdown and _same_file(args.json, args.markdown):
        # The second write would replace the first, and one of the two asked-for files would be lost.
        raise InputError(f"--json and --markdown both name {args.markdown}; give two files")
    result = compare_models(args.folder, args.models, offline=args.offline, use_manifest=args.manifest,
                            references=args.references, presplit=args.presplit, options=options,
                            systems=args.systems, pair_threshold=args.pair_threshold, comet_model=args.comet_model)
    write_outputs(result, args.json, args.markdown)  # first: the files must not depend on the table printing
    print_table(result)
    return 0
