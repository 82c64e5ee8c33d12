"""Progress bars: drawn only when asked for, and never two at once (rich allows one live display)."""

from __future__ import annotations

import pytest

from mt import progress


def test_a_bar_inside_a_bar_stays_silent_instead_of_failing() -> None:
    calls: list[str] = []
    with progress.progress_bar(2, "article pairs", enabled=True) as outer:
        with progress.progress_bar(500, "embedding sentences", enabled=True) as inner:
            inner(500)  # rich would raise LiveError on a second live display
            calls.append(inner.__name__)
        outer(2)
    # The outer one was a real bar, so a later bar draws again.
    with progress.progress_bar(1, "next", enabled=True) as later:
        later(1)
        calls.append(later.__name__)
    assert calls == ["ignore", "advance"]


def test_a_bar_ended_by_an_error_lets_the_next_one_draw() -> None:
    with pytest.raises(KeyboardInterrupt), progress.progress_bar(3, "article pairs", enabled=True):
        raise KeyboardInterrupt
    with progress.progress_bar(3, "again", enabled=True) as advance:
        assert advance.__name__ == "advance"


def test_no_bar_when_disabled_or_nothing_to_do() -> None:
    for total, enabled in ((5, False), (0, True)):
        with progress.progress_bar(total, "x", enabled=enabled) as advance:
            assert advance.__name__ == "ignore"
