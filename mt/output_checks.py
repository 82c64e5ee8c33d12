"""Checks of output paths before a run, so that an unusable -o fails at once rather than after the work."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from mt.errors import InputError

_DESCRIPTOR_PATH = re.compile(r"/dev/(?:(stdout)|(stderr)|fd/(\d+))|/proc/self/fd/(\d+)")


def named_descriptor(path: str | os.PathLike[str]) -> int | None:
    """The open file descriptor a path such as /dev/stdout or /dev/fd/3 names, else None."""
    m = _DESCRIPTOR_PATH.fullmatch(str(path))
    if not m:
        return None
    return 1 if m.group(1) else 2 if m.group(2) else int(m.group(3) or m.group(4))


def is_stream(path: str | os.PathLike[str]) -> bool:
    """True when `path` (its symlinks followed) exists and is neither a regular file nor a folder."""
    try:
        st = os.stat(path)
    except OSError:
        return False
    return not (stat.S_ISREG(st.st_mode) or stat.S_ISDIR(st.st_mode))


def refuse_folder_name(path: str | os.PathLike[str], hint: str = "") -> None:
    """InputError when `path` ends with '/', naming a folder where a file is wanted (`hint` ends the message)."""
    if str(path).endswith(("/", os.sep)):
        # Path() would drop the slash and write a file of that name where the user meant a folder.
        raise InputError(f"{path}: names a folder (it ends with '/'); give a file name{hint}")


def written_in_place(path: str | os.PathLike[str]) -> bool:
    """Whether `path` is written where it is, not replaced: /dev/stdout, /dev/fd/N, /dev/null, a FIFO."""
    return named_descriptor(path) is not None or is_stream(path)


def check_output_file(path: str | os.PathLike[str] | None, *, try_writing: bool = True, folder_hint: str = "") -> None:
    """InputError now, before any work, when `path` cannot be an output file (a folder, inside a file, unwritable).

    `try_writing`: whether its folder is tested by creating a file there (writers that create one anyway skip it).
    `folder_hint` ends the message for a folder given as the file (", or ..." : what the command can do with one)."""
    if path is None or str(path) == "-":
        return
    refuse_folder_name(path, folder_hint)
    if written_in_place(path):
        return  # nothing is created beside it
    if Path(path).is_dir():
        raise InputError(f"cannot write {path}: it is a folder; give a file name{folder_hint}")
    # Through a symlink the file it points at is replaced, in the target's folder, not the link's.
    refuse_unwritable_place(Path(path).resolve() if Path(path).is_symlink() else path, try_writing)


def refuse_unwritable_place(path: str | os.PathLike[str], try_writing: bool = True, name: str | None = None) -> None:
    """InputError when nothing can be created where `path` goes (its nearest existing ancestor is a file, or unwritable).

    Unwritable is tried only when `try_writing`: a folder this process may not write in (permissions, a read-only
    filesystem). `name` is how the message names `path` (default: the path itself; "-o OUT" for an option's value)."""
    name = name or str(path)
    parent = next((p for p in Path(path).parents if p.exists()), None)
    if parent is None:
        return
    if not parent.is_dir():
        raise InputError(f"cannot write {name}: {parent} is a file, not a folder")
    if not try_writing:
        return
    try:
        try_creating_a_file(parent)
    except OSError as exc:
        # Named as a folder that refuses new files: /proc answers "No such file or directory" about itself.
        raise InputError(f"cannot write {name}: no file can be created in {parent} ({exc.strerror or exc})") from None


def try_creating_a_file(folder: Path) -> None:
    """OSError when no file can be created in `folder`."""
    # Tried, not judged from the mode bits: os.access says yes to root on a read-only filesystem such as /sys.
    with tempfile.TemporaryFile(dir=folder):
        pass


def refuse_overwriting_inputs(output: str | os.PathLike[str] | None,
                              inputs: list[str | os.PathLike[str] | None], option: str = "-o") -> None:
    """InputError when the output file is one of the input files (`-o article.txt` would replace the article).

    `option` names the output in the message (`--json` for mtk evaluate's)."""
    if output is None or str(output) == "-" or not Path(output).exists():
        return
    for source in inputs:
        if source is None or str(source) == "-" or not Path(source).exists():
            continue
        try:
            same = os.path.samefile(output, source)
        except OSError:  # "a.tsv/" for the file a.tsv: no file to compare; check_output_file says what is wrong
            continue
        if same:
            raise InputError(f"{option} {output} is also an input file; choose another output name")


# For each subfolder a command writes: what in it (given the subfolder) the command did not write.
ForeignIn = Mapping[str, Callable[[Path], list[str]]]


def check_output_folder(path: str | os.PathLike[str], owned: frozenset[str], *, try_writing: bool = True,
                        folders: ForeignIn | None = None) -> None:
    """InputError now, before any work, when `path` cannot become an output folder made only of what the command writes.

    `owned`: the names of the files it writes; `folders`: the subfolders it writes, each with what in it is not
    the command's. `try_writing`: as for check_output_file."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise InputError(f"cannot write {path}: it is a file, not a folder")
    here = Path.cwd().resolve()
    if target.resolve() == here or target.resolve() in here.parents:
        # The folder is replaced whole, and a process cannot swap out the folder it is working in.
        raise InputError(f"cannot replace {path}: it holds the current folder; give a subfolder such as out/")
    refuse_unwritable_place(path, try_writing)
    if target.is_dir():
        foreign = sorted(_foreign_entries(target, owned, folders or {}))
        if foreign:
            shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
            raise InputError(f"{path} holds files this command does not write ({shown}); "
                             "give a new or empty folder, so that nothing of yours is replaced")


def _foreign_entries(target: Path, owned: frozenset[str], folders: ForeignIn) -> list[str]:
    """What in `target` a command writing the files `owned` and the subfolders `folders` did not write."""
    # The folder is replaced whole: a user's file inside an earlier run's subfolder would go with it.
    foreign = []
    for entry in target.iterdir():
        if entry.name in owned and entry.is_file():
            continue
        if entry.name in folders and entry.is_dir():
            foreign += [f"{entry.name}/{name}" for name in folders[entry.name](entry)]
            continue
        foreign.append(entry.name)
    return foreign
