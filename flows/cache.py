"""Content-addressed reuse of cleaning work across runs.

Decoding, repairing and normalizing a document (the ``prepare`` stage, the
expensive part) depends only on its raw bytes and on the pipeline: the cleaning
code, its data files, the libraries whose data it reads and the limits. Its
result is stored under ``<cache>/prepared/<sha[:2]>/<sha>-<pipeline>.json.gz``
and reused by any later run, whatever happened to the Prefect database. The
rest of a run (line classification with the run's cross-document evidence,
validation, writing) is recomputed: it depends on the whole corpus.

A run whose raw files, pipeline and expectation suites all match the newest
release's ``inputs`` writes nothing: the release is up to date.
"""
from __future__ import annotations

import dataclasses
import functools
import gzip
import hashlib
import json
import os
import pathlib
import tempfile
from collections import Counter

from .core import document
from .core.document import Limits, Prepared

_CORE = pathlib.Path(__file__).resolve().parent / "core"
_LIBRARIES = ("jieba", "opencc-python-reimplemented", "pypinyin", "chardet")


@functools.lru_cache(maxsize=8)
def pipeline_fingerprint(limits: Limits) -> str:
    """Hash of everything a prepared document depends on besides its bytes."""
    from importlib.metadata import version

    h = hashlib.sha256()
    for path in sorted(_CORE.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".gz"):
            h.update(path.relative_to(_CORE).as_posix().encode())
            h.update(path.read_bytes())
    for lib in _LIBRARIES:
        h.update(f"{lib}={version(lib)}".encode())
    h.update(repr(limits).encode())
    return h.hexdigest()[:16]


def suites_fingerprint(suites: list[dict]) -> str:
    return hashlib.sha256(json.dumps(suites, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


class PreparedCache:
    """Prepared documents by raw SHA-256 and pipeline fingerprint, one small file each."""

    def __init__(self, root: pathlib.Path, pipeline: str):
        self.root = root / "prepared"
        self.pipeline = pipeline

    def _path(self, sha: str) -> pathlib.Path:
        return self.root / sha[:2] / f"{sha}-{self.pipeline}.json.gz"

    def get(self, sha: str, raw_file: str) -> Prepared | None:
        try:
            data = json.loads(gzip.decompress(self._path(sha).read_bytes()))
        except (OSError, ValueError, EOFError):
            return None
        data["repairs"] = Counter(data["repairs"])
        data["raw_file"] = raw_file  # the same bytes may sit under another name
        return Prepared(**data)

    def put(self, prep: Prepared) -> None:
        path = self._path(prep.raw_sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        fields = {f.name: getattr(prep, f.name) for f in dataclasses.fields(prep)}
        fields["repairs"] = dict(prep.repairs)  # asdict() would mangle a Counter
        body = gzip.compress(json.dumps(fields, ensure_ascii=False).encode("utf-8"), mtime=0)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as tmp:
            tmp.write(body)
        os.replace(tmp.name, path)  # a killed run leaves a whole entry or none


def prepare_cached(raw: bytes, raw_file: str, limits: Limits, cache: PreparedCache | None):
    """``document.prepare`` through the cache: (result, reused?)."""
    if cache is None:
        return document.prepare(raw, raw_file, limits), False
    sha = hashlib.sha256(raw).hexdigest()
    hit = cache.get(sha, raw_file)
    if hit is not None:
        return hit, True
    result = document.prepare(raw, raw_file, limits)
    if isinstance(result, Prepared):
        cache.put(result)
    return result, False
