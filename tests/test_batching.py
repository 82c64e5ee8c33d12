"""Length-sorted batching under a token budget, order restoration and safe splitting of long inputs."""

from __future__ import annotations

import random

from mt.batching import make_batches, split_pieces


def test_batches_respect_budget_and_cover_everything() -> None:
    rng = random.Random(0)
    lengths = [rng.randint(1, 60) for _ in range(200)]
    batches = make_batches(lengths, 256)
    assert sorted(i for b in batches for i in b) == list(range(200))
    for b in batches:
        assert max(lengths[i] for i in b) * len(b) <= 256
        assert [lengths[i] for i in b] == sorted((lengths[i] for i in b), reverse=True)


def test_item_longer_than_budget_gets_its_own_batch() -> None:
    batches = make_batches([500, 3, 4], 100)
    assert batches[0] == [0]
    assert sorted(batches[1]) == [1, 2]


def test_split_prefers_clause_ends_and_loses_nothing() -> None:
    pieces = ["▁one", "▁two", ",", "▁three", "▁four", "▁five", "▁six", "▁seven", "▁eight"]
    chunks = split_pieces(pieces, 5)
    assert [p for c in chunks for p in c] == pieces
    assert chunks[0] == ["▁one", "▁two", ","]
    assert all(len(c) <= 5 for c in chunks)


def test_split_falls_back_to_word_starts_then_anywhere() -> None:
    pieces = ["▁a", "b", "c", "▁d", "e", "f", "g"]
    assert split_pieces(pieces, 4) == [["▁a", "b", "c"], ["▁d", "e", "f", "g"]]
    no_spaces = ["x"] * 10
    chunks = split_pieces(no_spaces, 4)
    assert [len(c) for c in chunks] == [4, 4, 2]


def test_short_input_is_one_chunk() -> None:
    assert split_pieces(["▁a"], 4) == [["▁a"]]
    assert split_pieces([], 4) == [[]]
