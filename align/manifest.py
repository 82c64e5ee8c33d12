"""Article pairs given by hand: a folder's manifest.json, for when the pairs are known (`--manifest`)."""

from __future__ import annotations

from pathlib import Path

from mt.document import Document
from mt.errors import InputError
from mt.langid import SOURCE_LANGUAGES
from mt.reading import parse_json

MANIFEST_NAME = "manifest.json"
NOT_IN_MANIFEST = f"not paired in {MANIFEST_NAME}"


def refuse_threshold_with_manifest(use_manifest: bool, pair_threshold: float | None) -> None:
    """InputError for a pair threshold given with --manifest, where it would do nothing."""
    if use_manifest and pair_threshold is not None:
        raise InputError("--pair-threshold applies to pairing by content; with --manifest the manifest pairs them")


def manifest_path(root: Path) -> Path:
    """ROOT/manifest.json; InputError when it does not exist (checked before the folder's articles are read)."""
    path = root / MANIFEST_NAME
    if not path.is_file():
        raise InputError(f"--manifest given but {path} does not exist")
    return path


def manifest_pairs(root: Path, by_file: dict[str, Document], skipped: dict[str, str]) -> list[tuple[Document, Document]]:
    """(source, English) pairs that ROOT/manifest.json names: {"articles": [{"file", "same_event_as"}]}.

    `by_file` maps the folder's file names to their articles and `skipped` the files left out to why; a pair that
    names a skipped or absent file, or goes the wrong way (English -> Swahili), is an InputError."""
    path = manifest_path(root)
    try:
        # utf-8-sig: Windows editors save JSON with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text") from exc
    data = parse_json(text, str(path))
    links = _links(data)
    if links is None:
        raise InputError(f"{path}: expected {{'articles': [{{'file': NAME, 'same_event_as': NAME or [NAMES]}}]}}")
    pairs: list[tuple[Document, Document]] = []
    for src, tgt in links:
        for name in (src, tgt):
            if name in skipped:
                raise InputError(f"{path}: {src} -> {tgt}: {name} could not be used ({skipped[name]})")
        if src not in by_file or tgt not in by_file:
            raise InputError(f"{path}: {src} -> {tgt} names a file that is not in {root}")
        langs = (by_file[src].lang, by_file[tgt].lang)
        if langs[0] not in SOURCE_LANGUAGES or langs[1] != "en":
            # English -> Swahili would be aligned the wrong way round, and Swahili -> Arabic scored as English.
            raise InputError(f"{path}: {src} ({langs[0]}) -> {tgt} ({langs[1]}): expected a Swahili or Arabic "
                             "article paired with an English one")
        pairs.append((by_file[src], by_file[tgt]))
    return pairs


def _links(data: object) -> list[tuple[str, str]] | None:
    """(source file, English file) pairs of a manifest's content, or None when it is not shaped as one."""
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, list):
        return None
    links: list[tuple[str, str]] = []
    for entry in articles:
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            return None
        # One English article, or several outlets of the same event; none: the article is in no pair.
        partners = entry.get("same_event_as") or []
        partners = [partners] if isinstance(partners, str) else partners
        if not isinstance(partners, list) or not all(isinstance(p, str) and p for p in partners):
            return None
        links += [(entry["file"], partner) for partner in partners]
    return list(dict.fromkeys(links))


def unpaired_by_manifest(docs: list[Document], pairs: list[tuple[Document, Document]]) -> dict[str, str]:
    """Why each article of `docs` in none of the manifest's `pairs` is left out."""
    paired = {id(d) for pair in pairs for d in pair}
    return {d.doc_id: NOT_IN_MANIFEST for d in docs if id(d) not in paired}
