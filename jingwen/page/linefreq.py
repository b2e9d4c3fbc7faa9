"""Cross-document line frequencies in fixed memory (a count-min sketch).

Footers, share bars and channel names recur on every page of a site; a rule
list never knows them all. Like CCNet and FineWeb-2 we count, for every short
line, in how many documents it occurs, per site group and over the whole run,
and cut lines that recur in many documents.

A count-min sketch keeps the counts in ``DEPTH × WIDTH`` counters whatever
the corpus size (16 MB) and never under-counts; sketches of shards add up.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable

import numpy as np

MAX_LINE = 100          # longer lines are never boilerplate by frequency alone
DEPTH = 4
WIDTH = 1 << 20
_PROSE_RE = re.compile("[。！？；]")


def _cells(keys: list[str]) -> np.ndarray:
    """(len(keys), DEPTH) column indices, by double hashing one BLAKE2b digest per key."""
    digests = b"".join(hashlib.blake2b(k.encode("utf-8", "surrogatepass"), digest_size=16).digest()
                       for k in keys)
    pairs = np.frombuffer(digests, dtype="<u8").reshape(-1, 2)
    h1, h2 = pairs[:, :1], pairs[:, 1:] | np.uint64(1)
    steps = np.arange(DEPTH, dtype=np.uint64)[None, :]
    with np.errstate(over="ignore"):
        return ((h1 + steps * h2) % np.uint64(WIDTH)).astype(np.int64)


def _doc_keys(lines: Iterable[str], group: str) -> list[str]:
    keys = []
    for line in set(lines):
        if len(line) <= MAX_LINE:
            keys.append("\x00" + line)
            if group:
                keys.append(group + "\x00" + line)
    return keys


class LineSketch:
    """Document frequencies of short lines, per group and over the run."""

    def __init__(self, table: np.ndarray | None = None, docs: dict[str, int] | None = None):
        self.table = table if table is not None else np.zeros((DEPTH, WIDTH), dtype=np.uint32)
        self.docs: dict[str, int] = docs or {}  # documents per group ("" for the whole run)

    def add_documents(self, docs: Iterable[tuple[list[str], str]]) -> None:
        """Count each distinct short line of each (lines, group) document once."""
        keys: list[str] = []
        for lines, group in docs:
            keys += _doc_keys(lines, group)
            self.docs[""] = self.docs.get("", 0) + 1
            if group:
                self.docs[group] = self.docs.get(group, 0) + 1
        if keys:
            cells = _cells(keys)
            rows = np.broadcast_to(np.arange(DEPTH), cells.shape)
            np.add.at(self.table, (rows.ravel(), cells.ravel()), 1)

    def counts(self, keys: list[str]) -> np.ndarray:
        if not keys:
            return np.zeros(0, dtype=np.int64)
        cells = _cells(keys)
        return self.table[np.arange(DEPTH), cells].min(axis=1).astype(np.int64)

    def merge(self, other: LineSketch) -> None:
        self.table += other.table
        for g, n in other.docs.items():
            self.docs[g] = self.docs.get(g, 0) + n

    def frequent(self, lines: list[str], group: str) -> frozenset[str]:
        """The lines of one document that recur in many documents (see :func:`threshold`)."""
        cands = [ln for ln in set(lines) if len(ln) <= MAX_LINE]
        if not cands:
            return frozenset()
        glob = self.counts(["\x00" + ln for ln in cands])
        grp = self.counts([group + "\x00" + ln for ln in cands]) if group else np.zeros(len(cands), np.int64)
        out = set()
        for ln, g_all, g_grp in zip(cands, glob, grp):
            prose = bool(_PROSE_RE.search(ln)) and len(ln) >= 20
            if g_all >= threshold(self.docs.get("", 0), prose) or (
                    group and g_grp >= threshold(self.docs.get(group, 0), prose)):
                out.add(ln)
        return frozenset(out)

    def save(self, path) -> None:
        np.savez(path, table=self.table, groups=np.array(list(self.docs), dtype=str),
                 counts=np.array(list(self.docs.values()), dtype=np.int64))

    @classmethod
    def load(cls, path) -> LineSketch:
        with np.load(path, allow_pickle=False) as data:
            docs = dict(zip(data["groups"].tolist(), data["counts"].tolist()))
            return cls(data["table"].copy(), docs)


def threshold(docs: int, prose: bool) -> int:
    """In how many documents a line must occur to count as boilerplate.

    At least 5 documents and 2% of the group; a line that reads like a sentence
    needs 10 documents and 10% (a quotation reused by several articles stays).
    """
    if prose:
        return max(10, math.ceil(0.10 * docs))
    return max(5, math.ceil(0.02 * docs))
