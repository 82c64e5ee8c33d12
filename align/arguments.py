"""Command-line options about alignment that `mtk align`, `mtk run` and `mtk evaluate` spell and check alike."""

from __future__ import annotations

import argparse

from align.config import AlignConfig

THRESHOLD_HELP = (f"link score a sentence pair needs (default {AlignConfig.threshold}; unrelated pairs score about "
                  "1.0): lower finds more links, higher keeps the surer ones (1.03-1.05 for a corpus that must be "
                  "clean). A sentence joined to a linked neighbour, or confirmed by its translation's words, may "
                  "score less: the group or the second signal passed")


def _margin_value(text: str, default: float) -> float:
    """A margin-score threshold from the command line; ArgumentTypeError outside 0.9-1.5 (NaN included)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    # Outside this range every pair or no pair would link: surely a typo (a percentage, a cosine like 0.8).
    if not 0.9 <= value <= 1.5:
        raise argparse.ArgumentTypeError(f"{value} is outside 0.9-1.5 (unrelated pairs score about 1.0; "
                                         f"the default is {default})")
    return value


def link_threshold(text: str) -> float:
    """argparse type of --threshold (mtk align, mtk run): a margin score, so near 1.0 (unrelated pairs score about that)."""
    return _margin_value(text, AlignConfig.threshold)


def pair_threshold(text: str) -> float:
    """argparse type of --pair-threshold: a document score, also a margin near 1.0 for unrelated articles."""
    from align.pairing import DEFAULT_THRESHOLD

    return _margin_value(text, DEFAULT_THRESHOLD)


def add_threshold_argument(parser: argparse.ArgumentParser) -> None:
    """Add --threshold, the least link score of a sentence pair (mtk align, mtk run)."""
    parser.add_argument("--threshold", type=link_threshold, default=None, metavar="X", help=THRESHOLD_HELP)


def add_pair_threshold_argument(parser: argparse.ArgumentParser, help_text: str) -> None:
    """Add --pair-threshold, the least document score to pair articles by content; `help_text` is the command's."""
    parser.add_argument("--pair-threshold", type=pair_threshold, default=None, metavar="X", help=help_text)
