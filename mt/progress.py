"""A progress bar on stderr that stays silent when stderr is not a terminal (pipes, CI, tests)."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator


def enabled_by_default() -> bool:
    """Show progress only to a person watching a terminal."""
    return sys.stderr.isatty()


@contextlib.contextmanager
def progress_bar(total: int, description: str, enabled: bool | None = None) -> Iterator[Callable[[int], None]]:
    """Yield `advance(n)`; draws a rich bar on stderr when enabled (default: stderr is a TTY)."""
    if enabled is None:
        enabled = enabled_by_default()
    if not enabled or total <= 0:

        def ignore(n: int = 1) -> None:
            pass

        yield ignore
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=total)

        def advance(n: int = 1) -> None:
            bar.advance(task, n)

        yield advance
