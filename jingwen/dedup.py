"""Near-duplicate documents: MinHash over character shingles, banded LSH, clusters.

Like FineWeb-2, near duplicates are not removed but marked, so users can
re-weight them: every record gets ``dup_cluster`` (the smallest id of its
cluster, its own id when alone) and ``dup_cluster_size``.

* A document's shingles are its overlapping 5-character windows (whitespace
  removed), hashed with a polynomial hash over code points, vectorized.
* Its signature is the minimum of 64 multiply-shift hashes over the shingles
  (fixed seeds: the same text gives the same signature in every run).
* Signatures are cut into 16 bands of 4; documents sharing a band are
  candidates (a pair at Jaccard 0.7 shares a band with probability 0.988), and a
  candidate pair is kept when the signatures agree on at least
  :data:`THRESHOLD` of their positions (estimated Jaccard similarity).
* Kept pairs are joined into clusters (union-find).

``THRESHOLD`` is measured in ``bench/dedup_bench.py`` on constructed pairs:
the same article with other boilerplate, with one paragraph rewritten, and
different articles on the same topic.
"""
from __future__ import annotations

import numpy as np

SHINGLE = 5
PERMUTATIONS = 64
BANDS, ROWS = 16, 4
THRESHOLD = 0.7
_CHUNK = 4096  # shingles hashed at a time (bounds memory on huge documents)
_ANCHORS = 8   # members of a band bucket each document is compared with

_rng = np.random.default_rng(0x6A696E67)  # "jing"
_A = (_rng.integers(1, 2**63, size=PERMUTATIONS, dtype=np.uint64) | np.uint64(1))[:, None]
_B = _rng.integers(0, 2**63, size=PERMUTATIONS, dtype=np.uint64)[:, None]
_POWERS = np.array([pow(1_000_003, SHINGLE - 1 - i, 2**64) for i in range(SHINGLE)], dtype=np.uint64)


def shingles(text: str) -> np.ndarray:
    """64-bit hashes of the text's 5-character windows (whitespace ignored; repeats kept:
    they do not change a minimum)."""
    compact = "".join(text.split())
    codes = np.frombuffer(compact.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        codes = np.pad(codes, (0, SHINGLE - len(codes)))
    windows = np.lib.stride_tricks.sliding_window_view(codes, SHINGLE)
    with np.errstate(over="ignore"):
        return (windows * _POWERS).sum(axis=1)


def signature(text: str, permutations: int = PERMUTATIONS) -> np.ndarray:
    """The MinHash signature (64 × uint32) of a text; its first ``permutations`` only, if fewer."""
    hashes = shingles(text)
    a, b = _A[:permutations], _B[:permutations]
    sig = np.full(permutations, np.iinfo(np.uint64).max, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for i in range(0, len(hashes), _CHUNK):
            mixed = (a * hashes[None, i:i + _CHUNK] + b) >> np.uint64(32)
            sig = np.minimum(sig, mixed.min(axis=1))
    return sig.astype(np.uint32)


def similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Estimated Jaccard similarity of two signatures."""
    return float(np.mean(a == b))


def clusters(ids: list[str], signatures: np.ndarray, threshold: float = THRESHOLD) -> dict[str, tuple[str, int]]:
    """id -> (cluster id, cluster size) for every document (``signatures``: n × 64)."""
    n = len(ids)
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for band in range(BANDS):
        block = np.ascontiguousarray(signatures[:, band * ROWS:(band + 1) * ROWS])
        keys = block.view(np.dtype((np.void, block.dtype.itemsize * ROWS))).ravel()
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
        ends = np.r_[starts[1:], n]
        for s, e in zip(starts, ends):
            if e - s < 2:
                continue
            members = order[s:e]
            for other in members[1:]:
                for anchor in members[:_ANCHORS]:  # a huge bucket is compared to its first few only
                    if anchor == other:
                        break
                    if find(anchor) != find(other) and similarity(signatures[anchor], signatures[other]) >= threshold:
                        parent[find(other)] = find(anchor)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    out: dict[str, tuple[str, int]] = {}
    for members in groups.values():
        name = min(ids[i] for i in members)
        for i in members:
            out[ids[i]] = (name, len(members))
    return out
