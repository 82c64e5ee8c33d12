"""The `mtk` command: one parser, subcommands contributed by each stage, errors as one line and an exit code."""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Sequence
from typing import NoReturn

from mt.errors import InputError, MtkError


class OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line that points at --help, like every other mtk error."""

    def error(self, message: str) -> NoReturn:
        """Print `PROG: error: MESSAGE (see PROG --help)` on stderr and exit 2."""
        # argparse's default prints the whole usage block first: for `mtk align` that is six lines above the one
        # that says what went wrong. Subparsers inherit this class (add_subparsers uses type(self)).
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """Assemble the top-level parser from the stages' subcommand modules."""
    from align import cli as align_cli
    from eval import commands as eval_commands
    from mt import cli as mt_cli

    parser = OneLineParser(
        prog="mtk",
        description="Translate Swahili/Arabic news into English, align it with English articles, and evaluate.",
    )
    from mt.version import toolkit_version

    parser.add_argument("--version", action="version", version=f"mtk {toolkit_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    mt_cli.register(sub)
    align_cli.register(sub)
    eval_commands.register(sub)
    return parser


class _Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so that the same clean-up runs (temporary files removed)."""

    def __init__(self, signum: int) -> None:
        """`signum`: the signal that ended the run; the exit code is 128 + signum, as a shell reports it."""
        super().__init__(signum)
        self.signum = signum


def _raise_terminated(signum: int, frame: object) -> NoReturn:
    raise _Terminated(signum)


class _ClosedStdout(io.TextIOBase):
    """Stands for standard output when the process started with it closed (`mtk translate a.txt >&-`)."""

    def write(self, text: str) -> int:
        """Refuse: there is nowhere to write (Python leaves sys.stdout None, and writing to None was a traceback)."""
        raise InputError("standard output is closed; give an output file with -o")


def main(argv: Sequence[str] | None = None, exit_at_once_when_interrupted: bool = False) -> int:
    """Run `mtk`; every expected failure ends as `mtk: error: ...` on stderr with exit code 2 or 3.

    `exit_at_once_when_interrupted` (the `mtk` command, never a caller in-process): after Ctrl-C, SIGTERM or SIGHUP
    the process ends as soon as the message is out. Every output has been cleaned up by then, but releasing a
    CTranslate2 translator waits for the batches already queued (tens of seconds), which it cannot cancel."""
    import signal

    # `timeout`, `docker stop` and systemd stop a program with SIGTERM, a closed terminal sends SIGHUP: without a
    # handler the process died at once and left its temporary output files behind.
    from mt.atomic import forget_streamed_output

    forget_streamed_output()  # a caller in-process may have run another command before
    if sys.stdout is None:
        sys.stdout = _ClosedStdout()
    previous = {sig: signal.signal(sig, _raise_terminated) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        # Inside the try: Ctrl-C while the stages' modules are still importing is an interrupt like any other.
        args = build_parser().parse_args(argv)  # bad usage exits 2 here (OneLineParser.error)
        return int(args.func(args) or 0)
    except MtkError as exc:
        print(f"mtk: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt as exc:
        from mt.atomic import streamed_output

        print("mtk: interrupted; " + ("the output sent to stdout is incomplete" if streamed_output() else
                                      "no partial output was written"), file=sys.stderr)
        code = 128 + exc.signum if isinstance(exc, _Terminated) else 130
        if exit_at_once_when_interrupted:
            _exit_now(code)  # while `exc` still holds the translator: its release would wait for queued batches
        return code
    except BrokenPipeError:
        # The reader closed the pipe (`mtk align ... | head`): stop quietly, as cat does. stdout now points at
        # /dev/null so that flushing it at exit raises no second BrokenPipeError.
        _silence_stdout()
        return 0
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _silence_stdout() -> None:
    """Point the stdout file descriptor at /dev/null (when it has one: tests replace sys.stdout with a buffer)."""
    import os

    try:
        fd = sys.stdout.fileno()
    except (AttributeError, ValueError, OSError):
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


def entry() -> None:
    """The `mtk` command: main(), then exit with its code; an interrupted run leaves at once (see main)."""
    sys.exit(main(exit_at_once_when_interrupted=True))


def _exit_now(code: int) -> None:
    """End the process with `code` now, without the interpreter's shutdown (streams flushed first)."""
    import os

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
