"""Downloads against a real HTTP server on 127.0.0.1 that speaks the Hub's resolve protocol."""

from __future__ import annotations

import errno
import hashlib
import http.server
import json
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from mt import hub
from mt.errors import InputError, ModelError
from mt.translator import Translator

COMMIT = "0123456789abcdef0123456789abcdef01234567"


class FakeHub(http.server.ThreadingHTTPServer):
    """Serves `files` at /{repo}/resolve/{revision}/{name}; can cut one response short or serve wrong bytes."""

    daemon_threads = True

    def __init__(self, repo: str, files: dict[str, bytes]) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.repo = repo
        self.files = files
        self.interrupt_once: set[str] = set()
        self.requests: list[tuple[str, str, str | None]] = []


class _Handler(http.server.BaseHTTPRequestHandler):
    server: FakeHub

    def log_message(self, *args) -> None:  # keep pytest output clean
        pass

    def _lookup(self) -> tuple[str, bytes] | None:
        m = re.fullmatch(rf"/{re.escape(self.server.repo)}/resolve/([^/]+)/(.+)", self.path.split("?")[0])
        if not m or m.group(2) not in self.server.files:
            return None
        return m.group(2), self.server.files[m.group(2)]

    def _not_found(self) -> None:
        self.send_response(404)
        self.send_header("X-Error-Code", "EntryNotFound")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _common_headers(self, data: bytes) -> None:
        self.send_header("X-Repo-Commit", COMMIT)
        self.send_header("ETag", '"' + hashlib.sha256(data).hexdigest() + '"')
        self.send_header("Accept-Ranges", "bytes")

    def do_HEAD(self) -> None:
        self.server.requests.append(("HEAD", self.path, None))
        found = self._lookup()
        if not found:
            return self._not_found()
        self.send_response(200)
        self._common_headers(found[1])
        self.send_header("Content-Length", str(len(found[1])))
        self.end_headers()

    def do_GET(self) -> None:
        rng = self.headers.get("Range")
        self.server.requests.append(("GET", self.path, rng))
        found = self._lookup()
        if not found:
            return self._not_found()
        name, data = found
        start = int(re.match(r"bytes=(\d+)-", rng).group(1)) if rng else 0
        body = data[start:]
        self.send_response(206 if start else 200)
        self._common_headers(data)
        if start:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if name in self.server.interrupt_once:
            self.server.interrupt_once.discard(name)
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.close_connection = True  # the client sees a body shorter than Content-Length
            return
        self.wfile.write(body)


@pytest.fixture()
def fake_hub(tiny_marian: Path, mtk_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A running fake Hub serving the tiny Marian model, and a catalog entry `tiny-marian` pointing at it."""
    files = {p.name: p.read_bytes() for p in tiny_marian.iterdir() if p.is_file()}
    server = FakeHub("test/tiny-marian", files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    for var in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{server.server_address[1]}")
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    # A developer's HF_HUB_OFFLINE=1 would refuse the local server; huggingface_hub read it at import, too.
    from huggingface_hub import constants

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf_home"))
    server.write_catalog = lambda sha, revision=COMMIT: _write_catalog(  # type: ignore[attr-defined]
        tmp_path, files, sha, monkeypatch, revision)
    server.write_catalog({n: hashlib.sha256(b).hexdigest() for n, b in files.items()})  # type: ignore[attr-defined]
    yield server
    server.shutdown()
    server.server_close()


def _write_catalog(tmp_path: Path, files: dict[str, bytes], sha: dict[str, str], monkeypatch,
                   revision: str = COMMIT) -> None:
    names = ", ".join(f'"{n}"' for n in sorted(files))
    sums = "\n".join(f'"{n}" = "{s}"' for n, s in sorted(sha.items()))
    catalog = tmp_path / "catalog.toml"
    catalog.write_text(
        f'[[model]]\nname = "tiny-marian"\nfamily = "marian"\nlanguages = ["sw"]\nrepo = "test/tiny-marian"\n'
        f'revision = "{revision}"\nfiles = [{names}]\n[model.sha256]\n{sums}\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("MTK_CATALOG", str(catalog))


def test_pull_resumes_after_connection_drop(
    fake_hub: FakeHub, tiny_marian: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from huggingface_hub import constants

    # Real models are far larger than one 10 MB read chunk; shrink the chunk so the tiny file is cut mid-stream too.
    monkeypatch.setattr(constants, "DOWNLOAD_CHUNK_SIZE", 4096)
    fake_hub.interrupt_once.add("model.bin")
    path = hub.pull("tiny-marian", progress=False)
    assert (path / "model.bin").read_bytes() == (tiny_marian / "model.bin").read_bytes()
    model_gets = [r for r in fake_hub.requests if r[0] == "GET" and r[1].endswith("/model.bin")]
    assert len(model_gets) == 2 and model_gets[0][2] is None and model_gets[1][2].startswith("bytes=")
    assert hub.is_pulled("tiny-marian")
    assert not (path.parent / ".tiny-marian.partial").exists()
    t = Translator.load("tiny-marian", offline=True, cache=False)
    assert t.name == "tiny-marian" and t.family.languages == ("sw",)


def test_an_unpinned_model_is_pulled_and_named_at_the_commit_it_resolved(fake_hub: FakeHub, mtk_home: Path) -> None:
    # "main" moves: the pull asks which commit it names, fetches every file there, and outputs name that commit.
    fake_hub.write_catalog({n: hashlib.sha256(b).hexdigest() for n, b in fake_hub.files.items()},  # type: ignore
                           revision="main")
    path = hub.pull("tiny-marian", progress=False)
    gets = [r[1] for r in fake_hub.requests if r[0] == "GET"]
    assert gets and all(f"/resolve/{COMMIT}/" in g for g in gets)
    assert json.loads((path / "mtk-model.json").read_text(encoding="utf-8"))["commit"] == COMMIT
    assert Translator.load("tiny-marian", offline=True, cache=False).label == f"tiny-marian@{COMMIT[:12]}"


def test_a_revision_that_does_not_resolve_leaves_nothing_behind(fake_hub: FakeHub, mtk_home: Path) -> None:
    fake_hub.repo = "test/moved-away"  # every file is now 404, so the branch cannot be resolved to a commit
    fake_hub.write_catalog({n: hashlib.sha256(b).hexdigest() for n, b in fake_hub.files.items()},  # type: ignore
                           revision="main")
    with pytest.raises(ModelError, match="cannot resolve test/tiny-marian@main"):
        hub.pull("tiny-marian", progress=False)
    assert not (mtk_home / "models" / ".tiny-marian.partial").exists()
    assert not (mtk_home / "models" / "tiny-marian").exists()


def test_checksum_mismatch_stores_nothing(fake_hub: FakeHub, mtk_home: Path) -> None:
    fake_hub.write_catalog({"model.bin": "0" * 64})  # type: ignore[attr-defined]
    with pytest.raises(ModelError, match="checksum mismatch for model.bin"):
        hub.pull("tiny-marian", progress=False)
    models = mtk_home / "models"
    assert not (models / "tiny-marian").exists()
    assert not (models / ".tiny-marian.partial").exists()


def test_missing_file_on_server_is_model_error(fake_hub: FakeHub, mtk_home: Path) -> None:
    del fake_hub.files["source.spm"]
    with pytest.raises(ModelError, match="cannot download source.spm"):
        hub.pull("tiny-marian", progress=False)
    assert not (mtk_home / "models" / "tiny-marian").exists()


def test_offline_pull_and_load_refuse(fake_hub: FakeHub) -> None:
    with pytest.raises(ModelError, match="not downloaded and downloading is off"):
        hub.pull("tiny-marian", offline=True)
    with pytest.raises(ModelError, match="mtk models pull tiny-marian"):
        Translator.load("tiny-marian", offline=True)
    assert not any(r for r in fake_hub.requests)


def test_remove(fake_hub: FakeHub) -> None:
    path = hub.pull("tiny-marian", progress=False)
    assert hub.remove("tiny-marian") == [path]
    assert not path.exists()
    with pytest.raises(ModelError, match="'tiny-marian' is not downloaded"):  # a missing model: exit 3, not 2
        hub.remove("tiny-marian")


@pytest.mark.parametrize("name", ["VICTIM", "../victim", ".", "..", "", "models/../../victim"])
def test_remove_deletes_nothing_but_a_downloaded_model(name: str, mtk_home: Path, tmp_path: Path) -> None:
    # A path given as the name once reached shutil.rmtree: `mtk models remove /some/folder` deleted that folder.
    victim = tmp_path / "victim"
    (victim / "sub").mkdir(parents=True)
    (victim / "sub" / "important.txt").write_text("keep", encoding="utf-8")
    (mtk_home / "models" / "opus-mt-ar-en").mkdir(parents=True)  # a catalog name, but no model in it
    name = str(victim) if name == "VICTIM" else name
    with pytest.raises(InputError):
        hub.remove(name)
    with pytest.raises(InputError, match="does not look like a downloaded model"):
        hub.remove("opus-mt-ar-en")
    assert (victim / "sub" / "important.txt").is_file() and (mtk_home / "models" / "opus-mt-ar-en").is_dir()


def test_remove_takes_only_what_info_and_translate_know(fake_hub: FakeHub, mtk_home: Path, tiny_marian: Path,
                                                        mtk_run) -> None:
    # remove deleted models/mine, which `models info mine` and `translate --model mine` called an unknown model.
    mine = mtk_home / "models" / "mine"
    shutil.copytree(tiny_marian, mine)
    for argv in (("models", "remove", "mine"), ("models", "info", "mine")):
        code, _, err = mtk_run(*argv)
        assert code == 3 and "unknown model 'mine'" in err and len(err.splitlines()) == 1
    assert sorted(p.name for p in mine.iterdir()) == sorted(p.name for p in tiny_marian.iterdir())


def test_remove_says_it_removed_only_an_unfinished_download(fake_hub: FakeHub, mtk_home: Path, mtk_run) -> None:
    partial = mtk_home / "models" / ".tiny-marian.partial"
    partial.mkdir(parents=True)
    code, out, _ = mtk_run("models", "remove", "tiny-marian")  # it said "removed .../models/tiny-marian"
    assert code == 0 and out == f"removed the unfinished download {partial}\n" and not partial.exists()


def test_remove_in_a_read_only_models_folder_removes_nothing(fake_hub: FakeHub, mtk_home: Path, mtk_run,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    # rmtree deleted the files and then stopped with a traceback at the folder: half a model, still listed.
    monkeypatch.delenv("HF_HUB_OFFLINE")  # set by mtk_run
    path = hub.pull("tiny-marian", progress=False)
    files = sorted(p.name for p in path.iterdir())
    if os.geteuid() == 0:  # root may write in any folder: refuse as the kernel refuses anyone else
        def refuse(*args: object, ignore_errors: bool = False) -> None:
            if not ignore_errors:
                raise PermissionError(errno.EACCES, "Permission denied")

        monkeypatch.setattr(os, "replace", refuse)
        monkeypatch.setattr(shutil, "rmtree", refuse)
    path.parent.chmod(0o555)
    try:
        code, _, err = mtk_run("models", "remove", "tiny-marian")
    finally:
        path.parent.chmod(0o755)
    assert code == 3 and len(err.splitlines()) == 1
    assert f"cannot remove {path}: {path.parent} refuses changes (Permission denied); nothing was removed" in err
    assert sorted(p.name for p in path.iterdir()) == files


@pytest.mark.parametrize("home", ["file", "sys"])
def test_pull_into_a_models_folder_that_cannot_be_made_is_one_line(home: str, fake_hub: FakeHub, tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # PermissionError / NotADirectoryError tracebacks, after asking the Hub for the commit.
    if home == "sys" and not Path("/sys/kernel").is_dir():
        pytest.skip("needs Linux's /sys, where no process may create a folder")
    place = Path("/sys/mtk-home") if home == "sys" else tmp_path / "a-file"
    if home == "file":
        place.write_text("x", encoding="utf-8")
    monkeypatch.setenv("MTK_HOME", str(place))
    with pytest.raises(ModelError, match=rf"^cannot download model 'tiny-marian': cannot write the models folder "
                                         rf"{re.escape(str(place / 'models'))} \("):
        hub.pull("tiny-marian", progress=False)
    assert fake_hub.requests == []


def test_a_damaged_download_is_shown_and_pulled_again(fake_hub: FakeHub, mtk_run,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    # list said "downloaded", info "downloaded: yes" and pull did nothing, while translate refused the model.
    monkeypatch.delenv("HF_HUB_OFFLINE")  # set by mtk_run
    path = hub.pull("tiny-marian", progress=False)
    whole = (path / "model.bin").read_bytes()
    (path / "model.bin").write_bytes(whole[:len(whole) // 3])  # a copy killed, a disk full
    code, out, _ = mtk_run("models", "list")
    assert code == 0 and re.search(r"^tiny-marian .* damaged$", out, re.MULTILINE)
    code, out, err = mtk_run("models", "info", "tiny-marian")
    assert code == 3 and "downloaded: yes, but damaged" in out
    assert "model.bin is damaged" in err and "`mtk models pull tiny-marian --force`" in err
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    code, _, err = mtk_run("models", "pull", "tiny-marian")
    assert code == 3 and "model.bin is damaged" in err and "downloading is off" in err
    monkeypatch.delenv("HF_HUB_OFFLINE")
    code, out, err = mtk_run("models", "pull", "tiny-marian")
    assert code == 0 and out.strip() == str(path), err
    assert (path / "model.bin").read_bytes() == whole


@pytest.mark.parametrize("lost", ["config.json", "source.spm"])
def test_a_download_that_lost_a_file_is_shown_and_pulled_again(lost: str, fake_hub: FakeHub, mtk_run,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # Only a damaged model.bin was seen: a copy without its config.json or SentencePiece file was "downloaded".
    monkeypatch.delenv("HF_HUB_OFFLINE")  # set by mtk_run
    path = hub.pull("tiny-marian", progress=False)
    whole = (path / lost).read_bytes()
    (path / lost).unlink()
    code, out, _ = mtk_run("models", "list")
    assert code == 0 and re.search(r"^tiny-marian .* damaged$", out, re.MULTILINE)
    code, _, err = mtk_run("translate", "-", "--model", "tiny-marian")
    assert code == 3 and "`mtk models pull tiny-marian --force` downloads it again" in err
    code, out, err = mtk_run("models", "pull", "tiny-marian")
    assert code == 0 and out.strip() == str(path), err
    assert (path / lost).read_bytes() == whole


def test_info_of_a_missing_path_names_the_path(mtk_run) -> None:
    code, _, err = mtk_run("models", "info", "./nosuchdir")  # it said "unknown model", translate the path
    assert code == 3 and err.strip() == "mtk: error: model directory nosuchdir does not exist"
    code, _, err = mtk_run("models", "info", "nosuchdir")
    assert code == 3 and "unknown model 'nosuchdir'" in err


def test_convert_help_says_what_force_replaces(mtk_run, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        mtk_run("models", "convert", "--help")
    help_text = " ".join(capsys.readouterr().out.split())
    assert "replace an output directory that holds a CTranslate2 model (never one of other files)" in help_text


def test_unknown_catalog_name(mtk_home: Path) -> None:
    with pytest.raises(ModelError, match="unknown model 'no-such-model'"):
        hub.pull("no-such-model")


def test_a_malformed_hub_id_is_a_model_error() -> None:
    # huggingface_hub's HFValidationError reached the user as a traceback.
    with pytest.raises(ModelError, match="^word-alignment model 'bad id' is not a well-formed Hugging Face model "
                                         "id; pass --word-model PATH$"):
        hub.require_hub_files("bad id", "word-alignment model 'bad id'", "pass --word-model PATH")
