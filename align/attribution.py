"""English sentences that only attribute the sentence before them ("This was revealed by the army spokesperson ...").

Such a sentence states its predecessor's claim by reference, plus who made it. Its own vector matches other
attributions ("... the army said in a press release"), which share the source but not the claim. So it takes the
links of the sentence it refers to, and drops its own. Only a demonstrative subject with a reporting verb counts:
"This was followed by ..." adds a fact of its own, and "It was reported that ..." or "This was said to ..." carry
a claim of their own.
"""

from __future__ import annotations

import re

# English only: the other side of every alignment is English. A hand-written pattern because no library marks
# anaphoric attributions; it is deliberately narrow (none of the 6,635 English lines of NTREX, MAFAND and FLORES
# matches it).
_ATTRIBUTION = re.compile(
    r"^\s*(?:this|that|these|those)\s+(?:was|were|is|are|has been|have been|had been)\s+"
    r"(?:revealed|announced|disclosed|stated|confirmed|reported|said|made known|made public)\b(?!\s+(?:that|to)\b)",
    re.IGNORECASE)


def attributes_previous(text: str) -> bool:
    """True when `text` is an English sentence that attributes the sentence before it ("This was announced by ...")."""
    return bool(_ATTRIBUTION.match(text))


def inherit_attributions(edges: dict[tuple[int, int], float], tgt_sents: list[str]) -> dict[tuple[int, int], float]:
    """Edges where each attributing English sentence has exactly its predecessor's links (none when it has none)."""
    out = dict(edges)
    for j in range(1, len(tgt_sents)):
        if not attributes_previous(tgt_sents[j]):
            continue
        previous = {i: s for (i, k), s in out.items() if k == j - 1}
        # Its own links match other attributions, not its claim, even when the claim it refers to has no partner:
        # keeping them then made a stricter --threshold add a link ("the army said in a press release").
        for pair in [p for p in out if p[1] == j]:
            del out[pair]
        out.update({(i, j): s for i, s in previous.items()})
    return out
