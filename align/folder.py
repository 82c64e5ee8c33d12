"""A folder of articles to pair: read once each, stray files skipped and said, and its manifest's pairs if asked for.

Shared by `mtk align --auto` (which keeps each article's translation inputs) and `mtk run`/`mtk evaluate` (which
keep documents), so that both refuse the same folders with the same messages.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from align.manifest import manifest_pairs, manifest_path
from mt.document import Document
from mt.errors import InputError
from mt.reading import article_files, distinct_articles, no_articles_error

T = TypeVar("T")


@dataclass
class FolderArticles(Generic[T]):
    """The articles read from a folder, in file-name order, and what was left out."""

    articles: list[T]
    skipped: dict[str, str]  # file name -> why it was left out (also named in metrics.json and the report)
    manifest: list[tuple[Document, Document]] | None  # the pairs manifest.json names, when it was asked for


def read_folder(folder: str | Path, load: Callable[[Path], T], document: Callable[[T], Document],
                use_manifest: bool = False) -> FolderArticles[T]:
    """Every distinct article of `folder` loaded by `load`; InputError when it holds no English or no source article.

    `document` gives a loaded article's Document. With `use_manifest`, manifest.json is looked for before any article
    is read, so that a missing one fails before the skips are reported."""
    root = Path(folder)
    if not root.is_dir():
        raise InputError(f"no such folder: {root}" if not root.exists() else f"not a folder: {root}")
    if use_manifest:
        manifest_path(root)
    files = article_files(root)
    if not files:
        raise no_articles_error(root, f"{root}: ")
    articles: list[T] = []
    by_file: dict[str, Document] = {}
    skipped: dict[str, str] = {}
    for path, article in distinct_articles(files, load, lambda a: document(a).texts, skipped):
        articles.append(article)
        by_file[path.name] = document(article)
    langs = {doc.lang for doc in by_file.values()}
    if "en" not in langs:
        raise InputError(f"no English article in {root}: nothing to align the sources with")
    if not langs - {"en"}:
        raise InputError(f"no Swahili or Arabic article in {root}: nothing to translate or align")
    return FolderArticles(articles, skipped, manifest_pairs(root, by_file, skipped) if use_manifest else None)
