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


# cgroup v1 writes "no limit" as a page-rounded 2**63; anything this large is no limit.
_NO_LIMIT = 2**60


def meminfo_available(meminfo: Path = Path("/proc/meminfo")) -> int | None:
    """Memory the kernel says new allocations can get (MemAvailable), or None where it does not say (not Linux)."""
    try:
        for line in meminfo.read_text(encoding="ascii").splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _read_int(path: Path) -> int | None:
    """The integer a cgroup file holds, or None where it is missing, unreadable or "max" (no limit)."""
    try:
        value = int(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return None
    return value if value < _NO_LIMIT else None


def _inactive_file(stat: Path, key: str) -> int:
    """Page cache the kernel can drop before it kills (`key` of memory.stat); 0 where it is not stated."""
    try:
        for line in stat.read_text(encoding="ascii").splitlines():
            name, _, value = line.partition(" ")
            if name == key:
                return int(value)
    except (OSError, ValueError):
        return 0
    return 0


def _cgroup_dirs(proc_cgroup: Path, root: Path) -> list[tuple[Path, Path, bool]]:
    """(this process's memory cgroup folder, its mount root, is v2) for each hierarchy that has a memory controller."""
    try:
        lines = proc_cgroup.read_text(encoding="ascii").splitlines()
    except OSError:
        return []
    out = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        hierarchy, controllers, rel = parts
        v2 = hierarchy == "0" and controllers == ""
        if not v2 and "memory" not in controllers.split(","):
            continue
        mount = root if v2 else root / "memory"
        folder = mount / rel.lstrip("/")
        # Inside a container without a cgroup namespace the path names the host's hierarchy, which is not mounted
        # here; the container's own limits are then at the mount root.
        out.append((folder if folder.is_dir() else mount, mount, v2))
    return out


def cgroup_available(proc_cgroup: Path = Path("/proc/self/cgroup"), root: Path = Path("/sys/fs/cgroup")) -> int | None:
    """Room left under this process's cgroup memory limits (v1 or v2, every ancestor), or None where none is set."""
    # A container's limit is invisible in /proc/meminfo, which shows the host: without this a docker run -m 4g
    # that cannot fit is still killed by the OOM killer with no word said.
    rooms = []
    for folder, mount, v2 in _cgroup_dirs(proc_cgroup, root):
        limit_name, usage_name, stat_key = (("memory.max", "memory.current", "inactive_file") if v2 else
                                            ("memory.limit_in_bytes", "memory.usage_in_bytes", "total_inactive_file"))
        level = folder
        while True:
            limit, usage = _read_int(level / limit_name), _read_int(level / usage_name)
            if limit is not None:
                used = max(0, (usage or 0) - _inactive_file(level / "memory.stat", stat_key))
                rooms.append(max(0, limit - used))
            if level == mount or mount not in level.parents:
                break
            level = level.parent
    return min(rooms) if rooms else None


def available_bytes() -> int | None:
    """Memory this process can still get: the smaller of MemAvailable and its cgroup's room (None if neither known)."""
    known = [b for b in (meminfo_available(), cgroup_available()) if b is not None]
    return min(known) if known else None


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
