"""A progress bar on stderr that stays silent when stderr is not a terminal (pipes, CI, tests).

Bars do not nest: rich allows one live display at a time, and an outer bar (article pairs) already says how far a
run is, so a bar asked for while another is drawn (a long embedding inside one pair) stays silent.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator

_drawing = False


def enabled_by_default() -> bool:
    """Show progress only to a person watching a terminal."""
    return sys.stderr.isatty()


@contextlib.contextmanager
def progress_bar(total: int, description: str, enabled: bool | None = None) -> Iterator[Callable[[int], None]]:
    """Yield `advance(n)`; draws a rich bar on stderr when enabled (default: stderr is a TTY)."""
    global _drawing
    if enabled is None:
        enabled = enabled_by_default()
    if not enabled or total <= 0 or _drawing:

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

        _drawing = True
        try:
            yield advance
        finally:
            _drawing = False
