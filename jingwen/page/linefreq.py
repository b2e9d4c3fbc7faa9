"""Cross-document line frequencies in fixed memory (a count-min sketch).

Footers, share bars and channel names recur on every page of a site; a rule
list never knows them all. Like CCNet and FineWeb-2 we count, for every short
line, in how many documents it occurs, per site group and over the whole run,
and cut lines that recur in many documents.

A count-min sketch keeps the counts in ``DEPTH × WIDTH`` counters whatever
the corpus size (16 MB) and never under-counts; sketches of shards add up.

Copies of one article count once. A syndicated article's own lines (a section
heading) recur in every copy, exact or near (:mod:`jingwen.dedup`); counted per
document, five copies made them "frequent" and they were cut from every copy,
the kept one too. So each document also has article keys (:func:`article_keys`:
bands of MinHash values of its paragraphs, shared by exact copies and, very
likely, by near copies), and a second sketch
counts (line, article key) pairs. A document's count of a line is then the
line's count less its own article's copies, plus one (the most copies any of its
keys shows). Copies of other articles that share the line still count each: the
sketches add up across shards, so clusters are never joined here.
"""
from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Iterable

import numpy as np

from jingwen.dedup import signature

MAX_LINE = 100          # longer lines are never boilerplate by frequency alone
DEPTH = 4
WIDTH = 1 << 20
ARTICLE_BANDS = 2       # a document's article is named by 2 bands
ARTICLE_ROWS = 4        # of 4 MinHash values each
_PROSE_RE = re.compile("[。！？；]")


def _digests(keys: list[str]) -> np.ndarray:
    """(len(keys), 2) uint64: one BLAKE2b digest per key."""
    digests = b"".join(hashlib.blake2b(k.encode("utf-8", "surrogatepass"), digest_size=16).digest()
                       for k in keys)
    return np.frombuffer(digests, dtype="<u8").reshape(-1, 2)


def _cells(digests: np.ndarray) -> np.ndarray:
    """(len(digests), DEPTH) column indices, by double hashing."""
    h1, h2 = digests[:, :1], digests[:, 1:] | np.uint64(1)
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


def article_keys(lines: list[str]) -> np.ndarray:
    """Names of a document's article (uint64). With paragraphs (lines longer than
    :data:`MAX_LINE`): :data:`ARTICLE_BANDS` bands of :data:`ARTICLE_ROWS` MinHash values of
    them (a near copy shares a band with the probability :mod:`jingwen.dedup`'s banding
    gives: 0.96 at Jaccard 0.95, 0.12 at 0.5); without, a hash of the whole text (exact
    copies only); none for an empty text."""
    body = "\n".join(ln for ln in lines if len(ln) > MAX_LINE)
    if not body:
        text = "\n".join(lines)
        return _digests([text])[:, 0] if text.strip() else np.zeros(0, np.uint64)
    bands = signature(body, ARTICLE_BANDS * ARTICLE_ROWS).reshape(ARTICLE_BANDS, ARTICLE_ROWS)
    return _digests([f"{b}:{row.tobytes().hex()}" for b, row in enumerate(bands)])[:, 0]


def _paired(digests: np.ndarray, articles: np.ndarray) -> np.ndarray:
    """Digests of (key, article) pairs, every key with every article, key-major."""
    with np.errstate(over="ignore"):
        x = digests[:, None, :] ^ (articles * np.uint64(0x9E3779B97F4A7C15))[None, :, None]
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)  # splitmix64's finalizer
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return (x ^ (x >> np.uint64(31))).reshape(-1, 2)


def _add(table: np.ndarray, digests: np.ndarray) -> None:
    if len(digests):
        cells = _cells(digests)
        rows = np.broadcast_to(np.arange(DEPTH), cells.shape)
        np.add.at(table, (rows.ravel(), cells.ravel()), 1)


def _count(table: np.ndarray, digests: np.ndarray) -> np.ndarray:
    return table[np.arange(DEPTH), _cells(digests)].min(axis=1).astype(np.int64)


class LineSketch:
    """Document frequencies of short lines, per group and over the run, copies of one
    article counted once."""

    def __init__(self, table: np.ndarray | None = None, docs: dict[str, int] | None = None,
                 pairs: np.ndarray | None = None):
        self.table = table if table is not None else np.zeros((DEPTH, WIDTH), dtype=np.uint32)
        self.pairs = pairs if pairs is not None else np.zeros((DEPTH, WIDTH), dtype=np.uint32)
        self.docs: dict[str, int] = docs or {}  # documents per group ("" for the whole run)

    def add_documents(self, docs: Iterable[tuple[list[str], str]]) -> None:
        """Count each distinct short line of each (lines, group) document once, and once
        with each of the document's article keys."""
        keys, pairs = [], []
        for lines, group in docs:
            digests = _digests(_doc_keys(lines, group))
            keys.append(digests)
            pairs.append(_paired(digests, article_keys(lines)))
            self.docs[""] = self.docs.get("", 0) + 1
            if group:
                self.docs[group] = self.docs.get(group, 0) + 1
        if keys:
            _add(self.table, np.concatenate(keys))
            _add(self.pairs, np.concatenate(pairs))

    def counts(self, keys: list[str], articles: np.ndarray | None = None) -> np.ndarray:
        """Documents with each key; with a document's ``articles`` (:func:`article_keys`),
        that article's copies counted once."""
        if not keys:
            return np.zeros(0, dtype=np.int64)
        digests = _digests(keys)
        found = _count(self.table, digests)
        if articles is None or not len(articles):
            return found
        copies = _count(self.pairs, _paired(digests, articles)).reshape(len(keys), len(articles)).max(axis=1)
        return found - np.minimum(copies, found) + (copies > 0)

    def merge(self, other: LineSketch) -> None:
        self.table += other.table
        self.pairs += other.pairs
        for g, n in other.docs.items():
            self.docs[g] = self.docs.get(g, 0) + n

    def frequent(self, lines: list[str], group: str) -> frozenset[str]:
        """The lines of one document that recur in the documents of many articles (see
        :func:`threshold`)."""
        cands = [ln for ln in set(lines) if len(ln) <= MAX_LINE]
        if not cands:
            return frozenset()
        articles = article_keys(lines)
        glob = self.counts(["\x00" + ln for ln in cands], articles)
        grp = (self.counts([group + "\x00" + ln for ln in cands], articles) if group
               else np.zeros(len(cands), np.int64))
        out = set()
        for ln, g_all, g_grp in zip(cands, glob, grp):
            prose = bool(_PROSE_RE.search(ln)) and len(ln) >= 20
            if g_all >= threshold(self.docs.get("", 0), prose) or (
                    group and g_grp >= threshold(self.docs.get(group, 0), prose)):
                out.add(ln)
        return frozenset(out)

    def save(self, path) -> None:
        np.savez(path, table=self.table, pairs=self.pairs, groups=np.array(list(self.docs), dtype=str),
                 counts=np.array(list(self.docs.values()), dtype=np.int64))

    @classmethod
    def load(cls, path) -> LineSketch:
        with np.load(path, allow_pickle=False) as data:
            docs = dict(zip(data["groups"].tolist(), data["counts"].tolist()))
            return cls(data["table"].copy(), docs, data["pairs"].copy())


def threshold(docs: int, prose: bool) -> int:
    """In how many documents a line must occur to count as boilerplate.

    At least 5 documents and 2% of the group; a line that reads like a sentence
    needs 10 documents and 10% (a quotation reused by several articles stays).
    """
    if prose:
        return max(10, math.ceil(0.10 * docs))
    return max(5, math.ceil(0.02 * docs))
