"""Every knob of the comparable-news sentence aligner, with documented defaults.

Defaults were chosen on synthetic DEV seeds 1 and 2 (20 sw + 20 ar documents each, see align.synthetic;
scripts/eval_alignment.py reports held-out seed 0) and on general principles, not on the seed gold pair, which is
only reported. The clause settings were chosen on the same DEV seeds with both the original and the REALISTIC
synthetic generator (the gold pair would have preferred a lower clause threshold). The translation-mode weights (w_mono, w_chrf) could not be tuned on synthetic data (no translations
there) and are set by principle.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class AlignConfig:
    """Weights, margin settings and thresholds of align.aligner.align_documents."""

    # --- margin (Artetxe & Schwenk 2019, ratio margin) ---
    # k nearest neighbours per side, adapted to the other document's length: k = clip(round(n * k_frac), k_min, k_max).
    # A fixed k=4 on a 5-sentence article averages over almost every sentence. The cap was 4 until the language
    # offsets sharpened the cosines; re-chosen then on DEV seeds 1 and 2 (2, 3, 4, 6): 3 gained on three of four sets
    # (sw 0.945 -> 0.949, ar 0.958 -> 0.963) and confirmed on held-out seeds 0 and 3 (all four up, 0.001 to 0.003).
    k_frac: float = 0.2
    k_min: int = 2
    k_max: int = 3

    # --- signal mix when translations exist (weights of the per-signal margins; cross-lingual gets the rest) ---
    # Translation-vs-English cosine: monolingual similarity is more reliable than cross-lingual, so it weighs most.
    w_mono: float = 0.5
    # chrF of translation vs English: surface overlap catches names, numbers and exact wording.
    w_chrf: float = 0.3

    # --- word pieces (align.token_match; only with an encoder that has a token view, e5 by default) ---
    # Share of the cross-lingual signal given to word-piece coverage (the rest stays with the sentence cosine).
    # Chosen on DEV seeds 1 and 2: 0.3, 0.5 and 0.7 scored within 0.003 of each other, all about +0.013 F1 over
    # sentence cosine alone; 0 turns the token view off (and saves its encoder pass).
    w_tokens: float = 0.5
    # Encoder layers the word pieces are read at (6, 8 and 10 tied on the DEV seeds; 12, the last, did worse).
    token_layers: int = 8

    # --- language offsets (align.language_offset) ---
    # Whether source vectors lose their language's mean offset from English before any cross-lingual comparison
    # (encoders without measured offsets are unaffected). Held-out seeds 0 and 3: sw 0.968 -> 0.969, ar 0.942 -> 0.951;
    # realistic generator sw 0.942 -> 0.945, ar 0.924 -> 0.928. DEV seeds 1 and 2: realistic ar 0.927 -> 0.946.
    # The threshold stays: on DEV, 1.005 and 1.015 each lost on some sets, 1.02 on the realistic ones.
    language_offsets: bool = True

    # --- lexical anchors (added to the margin score) ---
    # IDF-weighted overlap (0..1) of numbers (digits normalised, Arabic-Indic included) shared by both sentences.
    w_num: float = 0.08
    # Penalty when both sentences state numbers and share none: "80%" vs "2021" is evidence against a link.
    w_num_mismatch: float = 0.04
    # IDF-weighted overlap (0..1) of capitalised Latin names / Latin tokens present in both sentences.
    # Kept small: news repeats the same few names in many sentences (tuned on DEV seeds: larger weights cost precision).
    w_name: float = 0.04

    # --- decision ---
    # A pair links when its score (margin + anchors) reaches this; unrelated pairs score at most about 1.0.
    threshold: float = 1.01
    # Extra score a link needs when it is the best match in one direction only (not mutual).
    one_sided_extra: float = 0.1
    # A sentence may gain a further adjacent partner when that partner alone scores at least this ...
    group_threshold: float = 1.0
    # ... and the embedding of the joined group is closer (by at least this cosine) than the best single partner.
    group_gain: float = 0.0
    # Largest number of adjacent sentences one sentence can link to (e.g. one long sentence told in three).
    max_group: int = 3
    # Whether a one-sided best match reaching the threshold links when it completes its partner's group (adjacent or
    # not) by the same test as growth: the joined text fits the partner better (align.groups.far_partners).
    # DEV seeds 1 and 2: realistic generator sw 0.916 -> 0.924, ar 0.913 -> 0.927; original generator unchanged
    # (0.942, 0.954 -> 0.955). Testing from group_threshold (1.0) instead of the threshold added as many wrong links.
    far_partners: bool = True
    # At most this many such candidates (the best-scoring) are tested: each test embeds a joined text. Articles have
    # far fewer; a 1,600-sentence input of 100 mixed documents has about 1,000, and testing all costs about 9 s.
    far_budget: int = 256

    # --- clause coverage (align.coverage_signal) ---
    # A clause of a long sentence links its sentence to its best partner at this margin (inf: off) ...
    clause_threshold: float = 1.03
    # ... and its margin beats the clause's second-best partner by at least this ...
    clause_gap: float = 0.015
    # ... when the sentence has at least this many words (bounds the extra encoder work) ...
    clause_min_words: int = 14
    # ... split into at most this many clauses.
    max_clauses: int = 4
    # Only the longest this many sentences per side are split (bounds encoder work on 1,000-sentence inputs).
    clause_budget: int = 64
    # Whether clause margins also count as pair scores in the sentence-level best-partner decision.
    clause_in_best: bool = False

    # --- content containment, translation mode only (align.features.containment; no effect without translations) ---
    # Set by principle, checked on the gold pair 000->003 with its reference translations and, since stop 14, on the
    # synthetic documents with the English of each source sentence as its translation (eval_alignment.py).
    # A pair links when one side states more than half of the other's IDF-weighted content words ...
    cont_link: float = 0.5
    # ... when that other side has at least this many content words (a share of one or two words means nothing),
    # neither side is a title line, and the pair scores at least this (1.0 is what an unrelated pair scores). On
    # DEV seeds 1 and 2 with such translations the last two conditions took F1 from 0.90/0.92 (sw/ar) to 0.95/0.97:
    # they drop a long sentence's links to every short one that repeats the theme ("Any threat to Igbo people...").
    cont_min_words: int = 3
    cont_min_score: float = 1.0
    # A weak translation-mode link (score below threshold + one_sided_extra) needs one side to state at least a
    # quarter of the other's content: below that the pair shares the event's vocabulary, not a claim. Gold check:
    # every correct link found has >= 0.44; the two false ones (headline vs headline, a clause echo) have 0.17 and
    # 0.21, so 0.25..0.4 give the same result there and a floor of 0.2 would keep the second.
    cont_floor: float = 0.25
    # Whether a best embedding partner that is also the clear best by containment links below the threshold.
    cont_agree: bool = True

    @classmethod
    def at_threshold(cls, threshold: float | None) -> AlignConfig:
        """The default configuration, with its thresholds moved to `threshold` when one is given (--threshold)."""
        return cls() if threshold is None else cls().with_threshold(threshold)

    def with_threshold(self, threshold: float) -> AlignConfig:
        """This configuration with the link threshold moved to `threshold` and the clause threshold by as much.

        What `mtk align/run --threshold` sets: a stricter threshold must make every rule stricter. Clause links have
        their own threshold (they are matched on pieces of sentences); left where it was, `--threshold 1.5` still
        wrote clause links scoring 1.04.
        """
        return replace(self, threshold=threshold,
                       clause_threshold=self.clause_threshold + (threshold - self.threshold))
