"""Content-addressed reuse of cleaning work across runs.

Decoding, repairing and normalizing a document (the ``prepare`` stage, the
expensive part) depends only on its raw bytes and on the pipeline: the cleaning
code, its data files, the libraries whose data it reads and the limits. Its
result is stored in packs under ``<cache>/prepared/<pipeline>/`` (one per shard,
found by the SHA-256 of the raw bytes: :class:`PreparedCache`) and reused by any
later run, whatever happened to the Prefect database. The
rest of a run (line classification with the run's cross-document evidence,
validation, writing) is recomputed: it depends on the whole corpus.

A run whose raw files, pipeline and expectation suites all match the newest
release's ``inputs`` writes nothing: the release is up to date.
"""
from __future__ import annotations

import dataclasses
import functools
import hashlib
import os
import pathlib
import threading

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc

from jingwen import document
from jingwen.document import Limits
from jingwen.schema import PREPARED_SCHEMA, Prepared, Reject, from_row, to_rows

_PACKAGE = pathlib.Path(__file__).resolve().parent
#: What preparing a document runs: its code and data files (see :func:`jingwen.document.prepare`).
_PIPELINE_PARTS = ("repair", "text", "page", "data", "document.py", "fix.py", "schema.py")
_LIBRARIES = ("jieba", "opencc-python-reimplemented", "pypinyin", "chardet")


@functools.lru_cache(maxsize=8)
def pipeline_fingerprint(limits: Limits) -> str:
    """Hash of everything a prepared document depends on besides its bytes."""
    from importlib.metadata import version

    h = hashlib.sha256()
    paths = (p for part in _PIPELINE_PARTS for p in [_PACKAGE / part, *(_PACKAGE / part).rglob("*")])
    for path in sorted(paths):
        if path.is_file() and path.suffix in (".py", ".gz"):
            h.update(path.relative_to(_PACKAGE).as_posix().encode())
            h.update(path.read_bytes())
    for lib in _LIBRARIES:
        h.update(f"{lib}={version(lib)}".encode())
    h.update(repr(limits).encode())
    return h.hexdigest()[:16]


class PreparedCache:
    """Prepared documents found by the SHA-256 of their raw bytes.

    Each shard writes the documents it cleaned as one pack,
    ``<cache>/prepared/<pipeline>/<digest of their hashes>.arrow`` (written under a
    temporary name and renamed: a killed run leaves whole packs or none). A process
    indexes the packs once and picks up new ones as they appear.
    """

    _indexes: dict[pathlib.Path, _PackIndex] = {}  # per process
    _lock = threading.Lock()

    def __init__(self, root: pathlib.Path, pipeline: str):
        self.folder = root / "prepared" / pipeline

    def _index(self) -> _PackIndex:
        with self._lock:
            index = self._indexes.setdefault(self.folder, _PackIndex())
            for path in sorted(self.folder.glob("*.arrow")) if self.folder.is_dir() else ():
                if path.name in index.packs:
                    continue
                try:
                    with pa.memory_map(str(path)) as source:
                        shas = ipc.open_file(source).read_all().column("raw_sha256").to_pylist()
                except (OSError, pa.ArrowInvalid):
                    continue
                index.add(path.name, shas)
            return index

    def get_many(self, shas: list[str]) -> dict[str, Prepared]:
        """The cached documents among ``shas`` (raw_file as when they were cleaned)."""
        by_pack = self._index().find(sorted(set(shas)))
        found = {}
        for pack, wanted in by_pack.items():
            try:
                with pa.memory_map(str(self.folder / pack)) as source:
                    rows = ipc.open_file(source).read_all().take([r for _, r in wanted]).to_pylist()
            except (OSError, pa.ArrowInvalid):
                continue
            for (sha, _), row in zip(wanted, rows):
                if row["raw_sha256"] == sha:  # the index keys on 64 bits of the hash: check the rest
                    found[sha] = from_row(row)
        return found

    def put_many(self, preps: list[Prepared]) -> None:
        if not preps:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256("".join(sorted(p.raw_sha256 for p in preps)).encode()).hexdigest()[:24] + ".arrow"
        tmp = self.folder / f".{name}.{os.getpid()}.{threading.get_ident()}"
        table = to_rows(preps)
        with ipc.new_file(str(tmp), PREPARED_SCHEMA) as writer:
            writer.write_table(table)
        os.replace(tmp, self.folder / name)


class _PackIndex:
    """Where each cached document is: 16 bytes per document (the first 64 bits of its
    hash, its pack, its row), so that a cache of millions of documents costs each
    process tens of MB, not a dict of strings."""

    def __init__(self) -> None:
        self.packs: dict[str, int] = {}
        self.names: list[str] = []
        self._parts: list[np.ndarray] = []
        self._keys = np.empty(0, dtype=np.uint64)
        self._where = np.empty(0, dtype=np.uint64)  # pack << 32 | row, in key order

    @staticmethod
    def key(shas: list[str]) -> np.ndarray:
        return np.array([int(sha[:16], 16) for sha in shas], dtype=np.uint64)

    def add(self, pack: str, shas: list[str]) -> None:
        number = self.packs[pack] = len(self.names)
        self.names.append(pack)
        where = (np.uint64(number) << np.uint64(32)) | np.arange(len(shas), dtype=np.uint64)
        self._parts.append(np.stack([self.key(shas), where]))

    def _merged(self) -> tuple[np.ndarray, np.ndarray]:
        if self._parts:
            keys = np.concatenate([self._keys, *(p[0] for p in self._parts)])
            where = np.concatenate([self._where, *(p[1] for p in self._parts)])
            order = np.argsort(keys, kind="stable")  # the first pack with a document wins
            self._keys, self._where, self._parts = keys[order], where[order], []
        return self._keys, self._where

    def find(self, shas: list[str]) -> dict[str, list[tuple[str, int]]]:
        """pack -> [(sha, row)] for the documents of ``shas`` in the cache."""
        keys, where = self._merged()
        if not len(keys) or not shas:
            return {}
        wanted = self.key(shas)
        at = np.searchsorted(keys, wanted)
        by_pack: dict[str, list[tuple[str, int]]] = {}
        for sha, i, k in zip(shas, at.tolist(), wanted.tolist()):
            if i < len(keys) and int(keys[i]) == k:
                w = int(where[i])
                by_pack.setdefault(self.names[w >> 32], []).append((sha, w & 0xFFFFFFFF))
        return by_pack


def prepare_batch(items: list[tuple[str, bytes]], limits: Limits,
                  cache: PreparedCache | None) -> list[tuple[Prepared | Reject, bool]]:
    """``document.prepare`` for (raw_file, bytes) pairs through the cache: (result, reused?)
    for each; the newly cleaned documents are added to the cache as one pack."""
    shas = [hashlib.sha256(raw).hexdigest() for _, raw in items]
    hits = cache.get_many(shas) if cache else {}
    out, new = [], []
    for (raw_file, raw), sha in zip(items, shas):
        hit = hits.get(sha)
        if hit is not None:
            out.append((dataclasses.replace(hit, raw_file=raw_file), True))  # same bytes, maybe another name
            continue
        result = document.prepare(raw, raw_file, limits)
        if isinstance(result, Prepared):
            new.append(result)
        out.append((result, False))
    if cache:
        cache.put_many(new)
    return out
