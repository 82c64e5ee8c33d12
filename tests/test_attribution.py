"""English sentences that attribute their predecessor take its links (align.attribution)."""

from __future__ import annotations

import pytest

from align.attribution import attributes_previous, inherit_attributions


@pytest.mark.parametrize("text", [
    "This was revealed by the Moroccan army spokesperson while giving details to the press.",
    "This was announced by the ministry on Tuesday.",
    "That has been confirmed by two officials.",
    "These were disclosed in a statement.",
    "  this was made public on Friday.",
])
def test_attributions_are_recognised(text: str) -> None:
    assert attributes_previous(text)


@pytest.mark.parametrize("text", [
    "This was followed in July by the visit of former army boss Aviv Kochavi.",  # a fact of its own
    "It was reported that 9,400 homes are without water.",  # not a demonstrative: the claim follows
    "This was reported that way by nobody.",
    "This was said to have caused the delay.",
    "This rapprochement is viewed with suspicion by neighbouring Algeria.",
    "The army revealed this on Tuesday.",
    "",
])
def test_other_sentences_are_not(text: str) -> None:
    assert not attributes_previous(text)


def test_attribution_takes_its_predecessors_links_instead_of_its_own() -> None:
    tgt = ["Israel and Morocco held a defence meeting.", "This was revealed by the army spokesperson.",
           "The two countries agreed to strengthen cooperation.", "This was announced by the palace.",
           "Algeria objects.", "This was confirmed by officials.", "This was stated again later."]
    edges = {(0, 0): 1.04, (3, 1): 1.11, (3, 2): 1.02, (5, 5): 1.05}
    out = inherit_attributions(edges, tgt)
    # English 1 drops its own link (3) and takes English 0's (0, with that link's score).
    assert {p: s for p, s in out.items() if p[1] == 1} == {(0, 1): 1.04}
    # English 3 follows English 2, aligned to source 3.
    assert {p for p in out if p[1] == 3} == {(3, 3)}
    # English 5 follows an unaligned sentence: its own link goes too (it matched an attribution, not the claim), and
    # English 6, which follows English 5, has none either.
    assert not [p for p in out if p[1] in (5, 6)]
    # Everything else is unchanged.
    assert out[(3, 2)] == 1.02 and out[(0, 0)] == 1.04
    assert inherit_attributions({}, tgt) == {}
