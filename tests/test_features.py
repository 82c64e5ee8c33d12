"""Pairwise signals (numbers, names, chrF) and ratio-margin calibration."""

from __future__ import annotations

import numpy as np
import pytest

from align.features import (
    chrf_matrix,
    disjoint_nonempty,
    idf_overlap,
    name_set,
    number_set,
)
from align.margin import adaptive_k, knn_mean, ratio_margin


def test_number_set_normalises_digits_and_separators() -> None:
    assert number_set("inadhibiti 80% ya eneo mwaka 2021") == {"80", "2021"}
    assert number_set("عام ٢٠٢١ بنسبة ٨٠٪") == {"2021", "80"}  # Arabic-Indic digits
    assert number_set("watu 1,000 na 2,5 na 3.14") == {"1000", "2.5", "3.14"}
    assert number_set("hakuna namba") == frozenset()


def test_name_set_keeps_latin_names_not_sentence_initial_words() -> None:
    names = name_set("Ziara yake ilifuatiwa na ile ya mkuu wa jeshi Aviv Kochavi mjini Rabat, FAR")
    assert {"aviv", "kocha", "rabat", "far"} <= names
    assert "ziara" not in names  # first word: capitalised by grammar
    assert name_set("Israeli") == frozenset() and name_set("the Israeli army") == name_set("in Israel today")


def test_idf_overlap_prefers_rare_shared_items() -> None:
    src = [frozenset({"moroc", "kocha"}), frozenset({"moroc"}), frozenset()]
    tgt = [frozenset({"moroc", "kocha"}), frozenset({"moroc", "gantz"}), frozenset({"moroc"})]
    m = idf_overlap(src, tgt)
    assert m.shape == (3, 3)
    assert m[0, 0] > m[0, 1] > 0 and m[0, 0] == pytest.approx(1.0)  # sharing the rare name beats sharing only the ubiquitous one
    assert np.all(m[2] == 0) and np.all((m >= 0) & (m <= 1 + 1e-6))
    mism = disjoint_nonempty([frozenset({"80"}), frozenset()], [frozenset({"2021"}), frozenset({"80"})])
    assert mism.tolist() == [[1.0, 0.0], [0.0, 0.0]]


def test_chrf_matrix_ranks_the_paraphrase_first() -> None:
    hyps = ["Morocco controls 80% of Western Sahara."]
    refs = ["The weather was sunny in Paris.", "Morocco controls 80% of the Western Sahara territory."]
    m = chrf_matrix(hyps, refs)
    assert m.shape == (1, 2) and 0 <= m[0, 0] < m[0, 1] <= 1


def test_adaptive_k_is_clipped_to_document_size() -> None:
    assert adaptive_k(1, 0.2, 2, 4) == 1
    assert adaptive_k(5, 0.2, 2, 4) == 2
    assert adaptive_k(100, 0.2, 2, 4) == 4
    assert adaptive_k(0, 0.2, 2, 4) == 0


def test_knn_mean_matches_sorting() -> None:
    rng = np.random.default_rng(0)
    sim = rng.random((4, 7)).astype(np.float32)
    assert np.allclose(knn_mean(sim, 3, axis=1), np.sort(sim, axis=1)[:, -3:].mean(axis=1))
    assert np.allclose(knn_mean(sim, 2, axis=0), np.sort(sim, axis=0)[-2:, :].mean(axis=0))


def _doc_pair(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n source / n target unit vectors sharing a strong topic direction; target k is a noisy copy of source k."""
    topic = rng.normal(size=64)
    src = topic + 0.8 * rng.normal(size=(n, 64))
    tgt = src + 0.5 * rng.normal(size=(n, 64))
    return src / np.linalg.norm(src, axis=1, keepdims=True), tgt / np.linalg.norm(tgt, axis=1, keepdims=True)


def test_ratio_margin_one_threshold_fits_short_and_long_documents() -> None:
    rng = np.random.default_rng(1)
    for n in (5, 60):
        s, t = _doc_pair(n, rng)
        m = ratio_margin(s @ t.T)
        true = np.diag(m)
        off = m[~np.eye(n, dtype=bool)]
        # Raw cosines of unrelated sentences sit high (shared topic); margins of unrelated pairs stay below 1.05 ...
        assert np.quantile(off, 0.99) < 1.05, n
        # ... and nearly every true pair is above it, whatever the document length.
        assert np.mean(true > 1.05) > 0.9, n


def test_ratio_margin_is_scale_invariant_and_penalises_hubs() -> None:
    rng = np.random.default_rng(2)
    sim = rng.uniform(0.6, 0.8, size=(6, 6)).astype(np.float32)
    assert np.allclose(ratio_margin(sim), ratio_margin(sim * 0.5))
    hub = sim.copy()
    hub[:, 0] = 0.85  # a target close to everything
    hub[3, 5] = 0.85  # a specific match with the same cosine
    m = ratio_margin(hub)
    assert m[3, 5] > m[3, 0]
    assert ratio_margin(np.zeros((0, 3))).shape == (0, 3)


def test_containment_shares_are_idf_weighted_and_directional() -> None:
    from align.features import containment, content_words

    assert content_words("Morocco controls 80% of the territory.") == {"moroc", "contr", "80", "terri"}
    tr = ["Morocco controls 80% of Western Sahara, and Algeria backs the Polisario separatists.",
          "Heavy rain fell in Mombasa."]
    en = ["Morocco controls 80% of the Western Sahara territory.", "Algeria supports the Polisario.", "", "Rain."]
    c, r = containment(tr, en)
    assert c.shape == r.shape == (2, 4) and c.dtype == np.float32
    assert c[0, 1] > 0.5 and c[0, 0] > 0.5  # the long translation states most of both short English sentences ...
    assert r[0, 1] < c[0, 1]  # ... while each states only part of it
    assert np.all(c[:, 2] == 0) and np.all(r[:, 2] == 0)  # an empty sentence states nothing, and is no error
    assert c[1, 3] == pytest.approx(1.0) and c[0, 3] == 0.0
    assert np.all((c >= 0) & (c <= 1 + 1e-6)) and np.all((r >= 0) & (r <= 1 + 1e-6))
    # A rare shared word outweighs a word every sentence repeats.
    c2, _ = containment(["Morocco Kochavi", "Morocco", "Morocco"], ["Morocco Kochavi"])
    assert c2[0, 0] == pytest.approx(1.0) and 0 < c2[1, 0] < 0.5


def test_chrf_on_candidates_only_matches_full_chrf_where_computed() -> None:
    from align.features import chrf_matrix, top_k_mask

    hyps = ["Morocco and Israel signed a deal.", "Algeria cut ties with Rabat.", "The weather was fine."]
    refs = ["Israel and Morocco sign a defence deal.", "Algeria broke relations with Rabat.", "Rain fell in Rabat."]
    full = chrf_matrix(hyps, refs)
    sim = np.eye(3, dtype=np.float32)
    mask = top_k_mask(sim, 1)
    assert mask.tolist() == np.eye(3, dtype=bool).tolist()
    part = chrf_matrix(hyps, refs, mask)
    assert np.allclose(np.diag(part), np.diag(full))
    assert np.allclose(part[~mask], np.repeat(np.diag(full), 2))  # the rest takes the row's lowest computed score
