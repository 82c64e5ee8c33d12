"""align.folder.read_folder: the folder reading that `mtk align --auto`, `mtk run` and `mtk evaluate` share."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from align.folder import FolderArticles, read_folder
from mt.document import Document
from mt.errors import InputError
from mt.loader import load_document


def _read(folder: Path, manifest: bool = False) -> FolderArticles[Document]:
    return read_folder(folder, lambda p: load_document(str(p)), lambda d: d, manifest)


def test_reads_each_distinct_article_and_skips_copies(seed_folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = min(seed_folder.glob("*.txt"))
    shutil.copy(first, seed_folder / "zz_copy.txt")
    (seed_folder / "empty.txt").write_text("")
    found = _read(seed_folder)
    assert [d.doc_id for d in found.articles] == sorted(p.stem for p in seed_folder.glob("0*.txt"))
    assert all(isinstance(d, Document) for d in found.articles)
    assert found.skipped["zz_copy.txt"] == f"the same text as {first.name}"
    assert "empty" in found.skipped["empty.txt"]
    assert found.manifest is None
    assert "skipping zz_copy.txt" in capsys.readouterr().err


@pytest.mark.parametrize("keep, message", [("000", "no English article in"), ("003", "no Swahili or Arabic article in")])
def test_refuses_a_folder_without_both_sides(seed_folder: Path, keep: str, message: str) -> None:
    for path in seed_folder.glob("*.txt"):
        if not path.name.startswith(keep):
            path.unlink()
    with pytest.raises(InputError, match=message):
        _read(seed_folder)


def test_refuses_what_is_not_a_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="^no such folder: "):
        _read(tmp_path / "missing")
    (tmp_path / "a.txt").write_text("Habari")
    with pytest.raises(InputError, match="^not a folder: "):
        _read(tmp_path / "a.txt")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no articles \(\*\.txt, \*\.html\)"):
        _read(tmp_path / "empty")


def test_missing_manifest_fails_before_articles_are_read(seed_folder: Path) -> None:
    def never(path: Path) -> Document:
        raise AssertionError(f"{path} read before the manifest was looked for")

    with pytest.raises(InputError, match="--manifest given but .*manifest.json does not exist"):
        read_folder(seed_folder, never, lambda d: d, use_manifest=True)
