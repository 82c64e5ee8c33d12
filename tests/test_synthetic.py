"""Synthetic comparable-pair generator: reproducible, with consistent gold links."""

from __future__ import annotations

import random

import pytest

from align.synthetic import DATA_DIR, SynthConfig, make_pair, make_pairs
from mt.errors import InputError

pytestmark = pytest.mark.skipif(not DATA_DIR.is_dir(), reason="shared data not present")


def test_same_seed_same_pairs_other_seed_other_pairs() -> None:
    a, b, c = make_pairs("sw", 4, 7), make_pairs("sw", 4, 7), make_pairs("sw", 4, 8)
    assert [(p.doc_id, p.src, p.tgt, p.gold) for p in a] == [(p.doc_id, p.src, p.tgt, p.gold) for p in b]
    assert [(p.src, p.tgt) for p in a] != [(p.src, p.tgt) for p in c]


@pytest.mark.parametrize("lang", ["sw", "ar"])
def test_gold_indices_are_valid_and_nulls_exist(lang: str) -> None:
    pairs = make_pairs(lang, 6, 3)
    assert all(p.lang == lang and p.src and p.tgt and p.gold for p in pairs)
    for p in pairs:
        assert all(0 <= i < len(p.src) and 0 <= j < len(p.tgt) for i, j in p.gold)
    # Across a few documents there are unaligned sentences on both sides.
    assert any(len({i for i, _ in p.gold}) < len(p.src) for p in pairs)
    assert any(len({j for _, j in p.gold}) < len(p.tgt) for p in pairs)


def test_distortions_produce_merges_reordering_and_distractors() -> None:
    doc = ("d", [f"s{k}." for k in range(20)], [f"e{k}." for k in range(20)])
    cfg = SynthConfig(p_drop_src=0.0, p_drop_tgt=0.0, p_merge=0.5, p_shuffle=1.0, max_distractors=3)
    seen_merge = seen_reorder = seen_distractor = False
    for seed in range(10):
        p = make_pair(doc, (["x1.", "x2.", "x3."], ["y1.", "y2.", "y3."]), "sw", random.Random(seed), cfg)
        for i, j in p.gold:
            src_ids = {int(t[1:]) for t in p.src[i].rstrip(".").split(". ")}
            tgt_ids = {int(t[1:]) for t in p.tgt[j].rstrip(".").split(". ")}
            assert src_ids & tgt_ids  # every gold link shares an original parallel line
        seen_merge |= any(len(s.split()) > 1 for s in p.src + p.tgt)
        order = [int(p.tgt[j][1:].split(".")[0]) for j in sorted({j for _, j in p.gold})]
        seen_reorder |= order != sorted(order)
        seen_distractor |= any(t.startswith(("x", "y")) for t in p.src + p.tgt)
        linked = {i for i, _ in p.gold}
        assert all(i not in linked for i, s in enumerate(p.src) if s.startswith("x"))
    assert seen_merge and seen_reorder and seen_distractor


def test_each_source_sentence_carries_its_perfect_translation() -> None:
    doc = ("d", [f"s{k}." for k in range(20)], [f"e{k}." for k in range(20)])
    cfg = SynthConfig(p_merge=0.5, p_shuffle=1.0, max_distractors=3)
    for seed in range(10):
        p = make_pair(doc, (["x1.", "x2.", "x3."], ["y1.", "y2.", "y3."]), "sw", random.Random(seed), cfg,
                      distractor_english=["X1.", "X2.", "X3."])
        assert len(p.translations) == len(p.src)
        for text, translation in zip(p.src, p.translations, strict=True):
            # the English of the same lines: s3. s4. -> e3. e4.; a distractor x2. -> its own English X2.
            assert translation == (text.upper() if text.startswith("x") else text.replace("s", "e"))
    # The random stream is the generator's own: asking for translations changes no sentence and no link.
    plain = make_pair(doc, (["x1.", "x2.", "x3."], ["y1.", "y2.", "y3."]), "sw", random.Random(7), cfg)
    again = make_pair(doc, (["x1.", "x2.", "x3."], ["y1.", "y2.", "y3."]), "sw", random.Random(7), cfg,
                      distractor_english=["X1.", "X2.", "X3."])
    assert (plain.src, plain.tgt, plain.gold) == (again.src, again.tgt, again.gold)


def test_bad_arguments_raise_input_error() -> None:
    with pytest.raises(InputError):
        make_pairs("fr", 2, 0)
    with pytest.raises(InputError):
        make_pairs("sw", 0, 0)


def test_realistic_generator_adds_three_merges_far_merges_and_headlines() -> None:
    from align.synthetic import REALISTIC

    doc = ("d", [f"s{k} " + "word " * 12 for k in range(20)], [f"e{k} " + "word " * 12 for k in range(20)])
    cfg = SynthConfig(p_drop_src=0.0, p_drop_tgt=0.0, p_merge=0.5, p_shuffle=0.0, max_distractors=0,
                      p_merge3=REALISTIC.p_merge3, p_far_merge=0.5, p_headline=1.0)
    three = far = False
    for seed in range(10):
        p = make_pair(doc, ([], []), "sw", random.Random(seed), cfg)
        for side in (p.src, p.tgt):
            ids = [[int(w[1:]) for w in s.split() if w[0] in "se" and w[1:].isdigit()] for s in side]
            assert len(ids[0]) == 1 and len(side[0].split()) == cfg.headline_words  # headline first
            three |= any(len(u) == 3 for u in ids)
            far |= any(len(u) == 2 and u[1] - u[0] >= 2 for u in ids)
        assert (0, 0) not in p.gold or p.src[0].split()[0][1:] == p.tgt[0].split()[0][1:]
        assert all(i < len(p.src) and j < len(p.tgt) for i, j in p.gold)
    assert three and far
    # The default generator is unchanged by the new options (same random stream as before they existed).
    assert make_pairs("sw", 3, 0)[0].gold == make_pairs("sw", 3, 0, SynthConfig())[0].gold


def test_second_outlets_leave_the_pairs_unchanged() -> None:
    plain = make_pairs("sw", 6, seed=4)
    with_outlets = make_pairs("sw", 6, seed=4, second_outlets=2)
    assert [(p.doc_id, p.src, p.tgt, p.gold) for p in plain] == \
        [(p.doc_id, p.src, p.tgt, p.gold) for p in with_outlets]
    assert all(p.second_outlet is None for p in plain + with_outlets[2:])
    for pair in with_outlets[:2]:
        outlet = pair.second_outlet
        assert outlet and outlet != pair.tgt
        # Another telling of the same document: many of its sentences also appear in the first English article.
        original = set(pair.tgt)
        assert sum(s in original for s in outlet) >= len(outlet) // 3
