"""Errors the command line turns into a one-line message and an exit code."""


class MtkError(Exception):
    """Base class of every error the user should see as one line, never as a traceback."""

    exit_code = 1


class InputError(MtkError):
    """Bad usage or bad input: empty, binary or undecodable file, unsupported language."""

    exit_code = 2


class ModelError(MtkError):
    """A model is missing, corrupt, cannot be downloaded or cannot be loaded."""

    exit_code = 3


def install_hint(extra: str) -> str:
    """How to install one of mtk's extras, said the same way by every message that needs one."""
    # Not "pip install 'mtk[words]'": the name mtk on PyPI is another project, and this one installs from its folder.
    return f"pip install -e '.[{extra}]' in the mtk folder"


def first_line(exc: BaseException) -> str:
    """The first line of an exception's message (its type when it has none), for a one-line error."""
    # Messages from transformers, torch, the Hub and sentencepiece often run to several lines, or a whole traceback.
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
