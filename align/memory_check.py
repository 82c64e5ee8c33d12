"""Refuse, with a clear message, an alignment that cannot fit in this machine's memory (instead of an OOM kill).

The aligner keeps several n_src x n_tgt score matrices and every sentence's word-piece vectors. That is right for
articles, which have tens to hundreds of sentences. It is not right for two 50,000-line files given with --presplit:
those would need over 100 GB, and the kernel would kill the process with no word said.
"""

from __future__ import annotations

import os
from pathlib import Path

from mt.errors import InputError

# Measured with scripts' FLORES/NTREX pairs (peak RSS over the loaded encoder, embeddings cached): 1,000 x 1,000
# sentences 121 MB, 2,000 x 2,000 330 MB, 3,000 x 3,000 612 MB. That fits 43.5 bytes per sentence pair (the score
# matrices) plus about 80 kB per sentence (word-piece vectors, clauses), which is what these two constants are.
BYTES_PER_PAIR = 44
BYTES_PER_SENTENCE = 40_000
IGNORE_ENV = "MTK_IGNORE_MEMORY_CHECK"


def estimated_bytes(n_src: int, n_tgt: int) -> int:
    """Memory the aligner needs, beyond the loaded encoder, for documents of these sentence counts."""
    return BYTES_PER_PAIR * n_src * n_tgt + BYTES_PER_SENTENCE * (n_src + n_tgt)


def available_bytes(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """Memory the kernel says new allocations can get (MemAvailable), or None where it does not say (not Linux)."""
    try:
        for line in meminfo.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def check_memory(n_src: int, n_tgt: int) -> None:
    """InputError when aligning n_src x n_tgt sentences would need more memory than is available."""
    if os.environ.get(IGNORE_ENV):
        return
    available = available_bytes()
    need = estimated_bytes(n_src, n_tgt)
    if available is None or need <= available:
        return
    raise InputError(f"aligning {n_src:,} x {n_tgt:,} sentences needs about {need / 2**30:.1f} GB of memory and "
                     f"{available / 2**30:.1f} GB is available: align article by article (mtk align --auto DIR) "
                     f"or split the files (or set {IGNORE_ENV}=1 to try anyway)")
