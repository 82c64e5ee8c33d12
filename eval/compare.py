"""`mtk evaluate`: compare translation models on one folder: quality, coverage, speed, size and peak memory.

Each model translates in its own fresh subprocess (multiprocessing 'spawn'), so its peak resident memory
(VmHWM, the process's own high-water mark) and speed are measured alone, with no other model or the sentence
encoder in memory.
Alignment and scoring then run in this process with one shared encoder.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import resource
import signal
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from align.inputs import refuse_absent_translations
from eval.metrics import PSEUDO_LABEL
from mt.atomic import atomic_output
from mt.document import Document
from mt.errors import InputError, ModelError, MtkError

if TYPE_CHECKING:
    from align.encoder import MemoEncoder
    from eval.corpus import Corpus
    from mt.options import TranslationOptions


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB: VmHWM where /proc has it, else ru_maxrss."""
    # Linux keeps ru_maxrss across fork and exec, so a worker started by a parent holding 800 MiB reported 800 MiB
    # before loading anything; VmHWM belongs to the process's own address space and starts afresh at exec.
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024  # kB
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _translate_worker(model: str, offline: bool | None, options: TranslationOptions | None, docs: list[Document],
                      conn: Any) -> None:
    """Child process: load `model`, translate `docs`, send back translations, timings and memory."""
    # Ctrl-C reaches the whole process group; the parent stops this worker and says "interrupted" once, instead of
    # this process printing a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        from mt.translator import Translator

        base = peak_rss_mib()
        t0 = time.perf_counter()
        translator = Translator.load(model, offline=offline, options=options, cache=False)
        load_s = time.perf_counter() - t0
        # A language-pair model is scored on the articles of its language; the parent says which were left out.
        mine = [d for d in docs if translator.family.accepts(d.lang)]
        if not mine:
            langs = ", ".join(sorted({d.lang for d in docs}))
            raise InputError(f"model {translator.label} translates none of the articles (they are in {langs})")
        t1 = time.perf_counter()
        translations = {d.doc_id: translator.translate_sentences(d.texts, d.lang) for d in mine}
        seconds = time.perf_counter() - t1
        conn.send({"ok": True, "name": translator.label, "path": str(translator.path),
                   "size_bytes": int(translator.size_bytes), "translations": translations,
                   "load_s": load_s, "translate_s": seconds, "peak_rss_mib": peak_rss_mib(),
                   "base_rss_mib": base})
    except MtkError as exc:
        conn.send({"ok": False, "error": str(exc), "exit_code": exc.exit_code})
    except Exception as exc:  # noqa: BLE001 -- any other failure of a model must surface as one line in the parent
        conn.send({"ok": False, "error": f"{type(exc).__name__}: {exc}", "exit_code": 3})
    finally:
        conn.close()


def translate_in_subprocess(model: str, docs: list[Document], offline: bool | None = None,
                            options: TranslationOptions | None = None) -> dict[str, Any]:
    """Translate `docs` with `model` in a fresh process; raises the child's error as ModelError/InputError."""
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_translate_worker,
                       args=(model, offline, options, docs, child))
    proc.start()
    child.close()
    try:
        result = parent.recv()
    except EOFError:
        proc.join()
        result = {"ok": False, "error": f"the worker translating with {model!r} died (exit code {proc.exitcode})",
                  "exit_code": 3}
    except KeyboardInterrupt:
        proc.terminate()  # the worker may not have seen the signal (sent to this process only)
        proc.join()
        raise
    proc.join()
    if not result["ok"]:
        raise (InputError if result.get("exit_code") == 2 else ModelError)(result["error"])
    return result


def compare_models(folder: str | Path, models: list[str], *, offline: bool | None = None, use_manifest: bool = False,
                   references: str | Path | None = None, presplit: bool = False,
                   options: TranslationOptions | None = None, systems: list[str] | None = None,
                   pair_threshold: float | None = None, comet_model: str | None = None) -> dict[str, Any]:
    """Translate, align and score the folder with every model and every folder of translations made elsewhere.

    One row per model, then one per folder in `systems` (a web MT service, a translator), scored the same way;
    `comet_model` adds a CometKiwi (reference-free) estimate to each row; `options` are the models' decoding options
    (TranslationOptions' defaults when None)."""
    from eval.pipeline import read_and_pair

    models, systems = _candidates(models, systems or [], offline)
    corpus, encoder = read_and_pair(folder, use_manifest, pair_threshold, references, presplit)
    rows = [_model_row(model, corpus, encoder, offline, options, references, presplit, comet_model)
            for model in models]
    rows += [_system_row(system, corpus, encoder, references, presplit, comet_model) for system in systems]
    _distinct_names(rows)
    return {
        "input": str(folder),
        "memory_method": "peak RSS (VmHWM) of a fresh subprocess that loads the model and translates; "
                         "rss_over_baseline subtracts the subprocess's peak before loading",
        "models": rows,
    }


def _candidates(models: list[str], systems: list[str], offline: bool | None) -> tuple[list[str], list[str]]:
    """The models and folders of translations to compare, each named once, checked before the folder is read."""
    # The same model or folder named twice (also as "m", "m/" or "x/../m") would be translated and scored twice.
    models, systems = _distinct(models), _distinct(systems)
    if not models and not systems:
        raise InputError("give at least one --model or --translations DIR")
    from mt.translator import check_model

    # A bad model or a mistyped folder fails now, not after pairing or after the good ones have translated.
    for model in models:
        check_model(model, offline)
    for system in systems:
        refuse_absent_translations(system)
    return models, systems


def _model_row(model: str, corpus: Corpus, encoder: MemoEncoder, offline: bool | None,
               options: TranslationOptions | None, references: str | Path | None, presplit: bool,
               comet_model: str | None) -> dict[str, Any]:
    """Translate the sources with `model` in a fresh subprocess, align and score them: the model's row."""
    from eval.corpus_translation import align_corpus

    res = translate_in_subprocess(model, corpus.sources, offline, options)
    done = [d for d in corpus.sources if d.doc_id in res["translations"]]
    if len(done) < len(corpus.sources):
        skipped = sorted({d.lang for d in corpus.sources} - {d.lang for d in done})
        print(f"mtk: warning: {res['name']} does not translate {', '.join(skipped)}: it is scored on its "
              f"{len(done)} of {len(corpus.sources)} articles, the others are aligned cross-lingually",
              file=sys.stderr)
    n_done = sum(len(d.sentences) for d in done)
    alignments = align_corpus(corpus, res["translations"], {d: res["name"] for d in res["translations"]}, encoder)
    return {
        "model": res["name"],
        "path": res["path"],
        **_scores(corpus, alignments, references, presplit, comet_model),
        "sentences": n_done,
        # Articles it translated of the folder's source articles (a language-pair model translates its language's).
        "articles_translated": len(done),
        "source_articles": len(corpus.sources),
        "sentences_per_s": round(n_done / res["translate_s"], 2) if res["translate_s"] > 0 else None,
        "load_s": round(res["load_s"], 3),
        "size_mib": round(res["size_bytes"] / 2**20, 2),
        "peak_rss_mib": round(res["peak_rss_mib"], 1),
        "rss_over_baseline_mib": round(res["peak_rss_mib"] - res["base_rss_mib"], 1),
    }


def _system_row(system: str, corpus: Corpus, encoder: MemoEncoder, references: str | Path | None, presplit: bool,
                comet_model: str | None) -> dict[str, Any]:
    """Align and score the translations in folder `system`, made elsewhere: its row."""
    from eval.corpus_translation import align_corpus, read_translation_dir, system_label

    n_sent = sum(len(d.sentences) for d in corpus.sources)
    translations = read_translation_dir(system, corpus, encoder)
    name = system_label(system)
    alignments = align_corpus(corpus, translations, dict.fromkeys(translations, name), encoder,
                              mode="translations")
    # Made elsewhere: speed, size and memory were not measured here, so they stay empty rather than zero.
    return {"model": name, "path": str(system), **_scores(corpus, alignments, references, presplit, comet_model),
            "sentences": n_sent, "sentences_per_s": None, "load_s": None, "size_mib": None,
            "peak_rss_mib": None, "rss_over_baseline_mib": None}


def _distinct(names: list[str]) -> list[str]:
    """`names` without repeats, a folder counted once however its path is written; first spelling kept."""
    seen: dict[str, str] = {}
    for name in names:
        path = Path(name).expanduser()
        seen.setdefault(str(path.resolve()) if path.exists() else name, name)
    return list(seen.values())


def _distinct_names(rows: list[dict[str, Any]]) -> None:
    """Rows whose model names coincide (two folders both called `model`) are told apart by their path, in place.

    By the shortest ends of their paths that differ ("a/model", "b/model"): a table column cuts long paths, and
    two full paths that share a long prefix were cut to the same text.
    """
    names = [r["model"] for r in rows]
    labels = {}
    for n, row in enumerate(rows):
        if names.count(row["model"]) < 2:
            continue
        mine = Path(str(row["path"])).parts
        others = [Path(str(o["path"])).parts for m, o in enumerate(rows) if m != n and names[m] == names[n]]
        k = next((k for k in range(1, len(mine) + 1) if all(o[-k:] != mine[-k:] for o in others)), len(mine))
        labels[n] = f"{row['model']} ({'/'.join(mine[-k:]) if k < len(mine) else row['path']})"
    for n, label in labels.items():
        rows[n]["model"] = label


def _scores(corpus: Any, alignments: list[Any], references: str | Path | None, presplit: bool,
            comet_model: str | None = None) -> dict[str, Any]:
    """The quality and coverage columns of one row: against references when given, else pseudo-references."""
    from eval.pipeline import evaluate

    metrics = evaluate(corpus, alignments, references=references, presplit=presplit, comet_model=comet_model)
    quality = metrics["translation_quality"]
    scored = quality.get("reference") or quality.get("pseudo_reference") or {}
    return {
        "quality_against": scored.get("label"),
        "chrF": scored.get("scores", {}).get("chrF"),
        "chrF++": scored.get("scores", {}).get("chrF++"),
        "BLEU": scored.get("scores", {}).get("BLEU"),
        "TER": scored.get("scores", {}).get("TER"),
        "signatures": scored.get("signatures", {}),
        "scored_sentences": scored.get("n"),
        # With references: how many of the file's references this system could use (it may translate some articles).
        "references_given": scored.get("references_given"),
        # Sentences it has no translation of (a translated article that left them out): not scored.
        "untranslated": scored.get("untranslated") or 0,
        "src_coverage": metrics["totals"]["src_coverage"],
        "tgt_coverage": metrics["totals"]["tgt_coverage"],
        "src_fact_coverage": metrics["totals"]["src_fact_coverage"],
        # The facts behind that share: read from this system's translation, so each row may count different ones.
        "src_facts": metrics["totals"]["src_facts"],
        "src_facts_found": metrics["totals"]["src_found"],
        "comet": (quality.get("comet") or {}).get("score"),
    }


_COLUMNS = [("model", "model"), ("chrF", "chrF"), ("chrF++", "chrF++"), ("BLEU", "BLEU"), ("TER", "TER"),
            ("quality_against", "against"), ("scored_sentences", "scored"),
            ("src_coverage", "src cov."), ("tgt_coverage", "en cov."), ("src_fact_coverage", "src facts"),
            ("sentences_per_s", "sent/s"), ("size_mib", "size MiB"), ("peak_rss_mib", "peak RSS MiB")]


def _columns(result: dict[str, Any]) -> list[tuple[str, str]]:
    """The table's columns: CometKiwi only when some row was scored with it."""
    if any(row.get("comet") is not None for row in result["models"]):
        return [*_COLUMNS[:5], ("comet", "CometKiwi"), *_COLUMNS[5:]]
    return _COLUMNS


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}" if value >= 1 or value == 0 else f"{value:.3f}"
    return str(value)


def _row_cell(row: dict[str, Any], key: str) -> str:
    """One cell of a row; 'scored' reads "10/37" when only 10 of the file's 37 references could be used."""
    if key == "scored_sentences" and row.get("references_given") and row.get(key) != row["references_given"]:
        return f"{_cell(row[key])}/{row['references_given']}"
    if key == "src_fact_coverage" and row.get(key) is not None and row.get("src_facts") is not None:
        return f"{_cell(row[key])} ({row['src_facts_found']}/{row['src_facts']})"
    return _cell(row.get(key))


def _notes(result: dict[str, Any]) -> list[str]:
    """What a reader of the table must know to compare its rows."""
    notes = []
    if len({row.get("src_facts") for row in result["models"]}) > 1:
        notes.append("src facts are the names, numbers and dates read from each system's translation, so rows count "
                     "different facts (in brackets): a system that invents or repeats names can score high on "
                     "them. src cov. and en cov. say how much the articles share as aligned, not how good the "
                     "translation is")
    notes += [f"{row['model']} translated {row['articles_translated']} of the {row['source_articles']} source articles "
              "(the others are in a language it does not translate): its scores are of those, and its coverage "
              "columns count the others aligned cross-lingually"
              for row in result["models"]
              if row.get("articles_translated") is not None and row["articles_translated"] < row["source_articles"]]
    notes += [f"{row['model']} has no translation of {row['untranslated']} of the sentences it would be scored on "
              "(its translated articles leave them out): they are not scored, and were aligned cross-lingually"
              for row in result["models"] if row.get("untranslated")]
    pseudo = [row for row in result["models"] if row.get("quality_against") == PSEUDO_LABEL]
    if len(pseudo) < 2:
        return notes
    return notes + [("pseudo-reference rows are each scored on the sentences their own alignment linked, against the "
             "English those links chose: the sentences differ between rows, so compare them with care (give "
             "--references for scores on the same sentences)")]


def markdown_table(result: dict[str, Any]) -> str:
    """The comparison as a Markdown table, signatures and memory method below it."""
    columns = _columns(result)
    lines = ["| " + " | ".join(h for _, h in columns) + " |", "|" + "---|" * len(columns)]
    for row in result["models"]:
        lines.append("| " + " | ".join(_row_cell(row, k).replace("|", "\\|") for k, _ in columns) + " |")
    lines.append("")
    lines += [f"- note: {note}" for note in _notes(result)]
    for row in result["models"]:
        for name, sig in row["signatures"].items():
            lines.append(f"- {row['model']} {name}: `{sig}`")
    if any(row["peak_rss_mib"] is not None for row in result["models"]):
        lines.append(f"- memory: {result['memory_method']}")
    return "\n".join(lines) + "\n"


def print_table(result: dict[str, Any], file: Any = None) -> None:
    """Print the comparison as a rich table (on `file`, default the current sys.stdout)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    # Paths and folder names are text, not markup: "deepl[v2]" lost its "[v2]", and "a[/b]" raised MarkupError.
    table = Table(title=escape(f"mtk evaluate: {result['input']}"))
    columns = _columns(result)
    for key, header in columns:
        table.add_column(header, justify="left" if key in ("model", "quality_against") else "right")
    for row in result["models"]:
        table.add_row(*(escape(_row_cell(row, k)) for k, _ in columns))
    # sys.stdout looked up now, not bound at import: a caller may have replaced it since (tests, redirection).
    console = Console(file=file or sys.stdout, width=160)
    console.print(table)
    for note in _notes(result):
        console.print(f"note: {note}", highlight=False, markup=False)
    sigs = {(name, sig) for row in result["models"] for name, sig in row["signatures"].items()}
    for name, sig in sorted(sigs):
        console.print(f"{name} signature: {sig}", highlight=False, markup=False)
    if any(row["peak_rss_mib"] is not None for row in result["models"]):
        console.print(f"memory: {result['memory_method']}", highlight=False, markup=False)


def write_outputs(result: dict[str, Any], json_path: str | None, markdown_path: str | None) -> None:
    """Write the comparison as JSON and/or Markdown, atomically."""
    from mt.atomic import write_errors

    if json_path:
        with write_errors(json_path), atomic_output(json_path) as fh:
            json.dump(result, fh, ensure_ascii=False, indent=1)
            fh.write("\n")
    if markdown_path:
        with write_errors(markdown_path), atomic_output(markdown_path) as fh:
            fh.write(markdown_table(result))
