"""The work of one shard, as plain functions over files (the flow's tasks call these).

A shard is a list of raw files. Its stages hand over Arrow files in a work
folder, so a task's inputs and outputs are paths and small summaries, never a
corpus in memory:

``prepare``   raw bytes → decoded, repaired, normalized lines (``prepared-N.arrow``)
              plus a sketch of its line frequencies (``lines-N.npz``)
``finish``    prepared lines + the run's merged sketch → records, removed lines and
              rejects (``records-N.parquet`` ...), and per record the keys of
              duplicate finding: a digest and a MinHash signature of its text
              (``keys-N.parquet``)
``dedupe``    all shards' keys → which records repeat another (the same raw bytes or the
              same cleaned text) and the near-duplicate clusters of the others:
              ``duplicates.parquet``
``validate``  records, minus duplicates, with their clusters → Great Expectations →
              records that pass; the others rejected
"""
from __future__ import annotations

import hashlib
import os
import pathlib
from dataclasses import asdict, dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from jingwen import dedup, document
from jingwen.cache import PreparedCache, pipeline_fingerprint, prepare_batch
from jingwen.document import Limits
from jingwen.page.linefreq import LineSketch
from jingwen.raw import display_name, read_raw
from jingwen.schema import (
    PREPARED_SCHEMA,
    RECORD_SCHEMA,
    REJECT_SCHEMA,
    REMOVED_SCHEMA,
    Prepared,
    Record,
    Reject,
    from_row,
    records_table,
    rejects_table,
    to_rows,
)

_PREPARED_SCHEMA = PREPARED_SCHEMA.append(pa.field("group", pa.string()))


@dataclass
class ShardResult:
    """What a stage hands to the next: file paths, rejects and counts (all small)."""

    shard: int
    paths: dict[str, str] = field(default_factory=dict)
    rejects: list[dict] = field(default_factory=list)  # while a stage runs; then in paths["rejects"]
    docs: int = 0
    validation: list[dict] = field(default_factory=list)
    work: dict[str, int] = field(default_factory=dict)  # prepare: documents cleaned and reused


#: Documents per shard task. A task costs ~85 ms on the process pool and validating a shard
#: ~0.4 s in the flow's process; a worker's memory grows with its shard. Measured on 20,000
#: pages: 500 took the tree from 1,724 to 1,663 MB but the run from 90 to 106 s.
DEFAULT_SHARD_SIZE = 2000
MIN_SHARD_SIZE = 200


def shard_length(files: int, most: int = DEFAULT_SHARD_SIZE) -> int:
    """Documents per shard: at most ``most``, but small enough that every core gets two
    shards or more (and no fewer than :data:`MIN_SHARD_SIZE`, where a task's overhead
    would start to show)."""
    cores = os.cpu_count() or 2
    return max(1, min(most, max(MIN_SHARD_SIZE, -(-files // (2 * cores)))))


def group_of(raw_file: str) -> str:
    """The site group of a raw file: its folder under the raw root ("" at the top)."""
    parent = pathlib.PurePosixPath(raw_file).parent.as_posix()
    return "" if parent == "." else parent


def prepare(raw_root: str, files: list[str], work: str, shard: int, limits: Limits,
            cache_dir: str | None = None) -> ShardResult:
    """Stage 1 of a shard (see the module docstring); documents prepared by an earlier
    run with the same pipeline are taken from ``cache_dir``."""
    root = pathlib.Path(raw_root)
    out = ShardResult(shard, work={"cleaned": 0, "reused": 0})
    cache = PreparedCache(pathlib.Path(cache_dir), pipeline_fingerprint(limits)) if cache_dir else None
    items = []
    for raw_file in files:
        raw = read_raw(root, raw_file, limits)
        if isinstance(raw, Reject):
            raw.raw_file = display_name(raw_file)
            out.rejects.append(asdict(raw))
        else:
            items.append((display_name(raw_file), raw))
    rows: list[Prepared] = []
    for result, reused in prepare_batch(items, limits, cache):
        out.work["reused" if reused else "cleaned"] += 1
        if isinstance(result, Reject):
            out.rejects.append(asdict(result))
        else:
            rows.append(result)
    sketch = LineSketch()
    sketch.add_documents((p.lines, group_of(p.raw_file)) for p in rows)
    table = to_rows(rows)
    table = table.append_column("group", pa.array([group_of(p.raw_file) for p in rows], pa.string()))
    path = pathlib.Path(work) / f"prepared-{shard:05d}.arrow"
    with ipc.new_file(path, _PREPARED_SCHEMA) as w:
        w.write_table(table)
    sketch_path = pathlib.Path(work) / f"lines-{shard:05d}.npz"
    sketch.save(sketch_path)
    out.paths = {"prepared": str(path), "sketch": str(sketch_path)}
    out.docs = len(rows)
    return _stored_rejects(out, work, "prepare")


def merge_sketches(paths: list[str], target: str) -> str:
    """Add up the shards' sketches into one file."""
    total = LineSketch()
    for p in paths:
        total.merge(LineSketch.load(p))
    total.save(target)
    return target


def finish(prepared: str, sketch_path: str, work: str, shard: int, limits: Limits) -> ShardResult:
    """Stage 2 of a shard: classify lines with cross-document evidence, build records."""
    sketch = LineSketch.load(sketch_path)
    with ipc.open_file(prepared) as r:
        table = r.read_all()
    out = ShardResult(shard)
    records, removed, keys = [], [], []
    for row in table.to_pylist():
        prep = from_row(row)
        frequent = sketch.frequent(prep.lines, row["group"])
        result, cut = document.finish(prep, frequent, limits)
        removed += [vars(c) for c in cut]  # flat dataclasses: no deep copy needed
        if isinstance(result, Record):
            records.append(vars(result))
            keys.append({"raw_file": result.raw_file, "id": result.id,
                         "text_sha256": hashlib.sha256(result.text.encode("utf-8")).digest(),
                         "minhash": dedup.signature(result.text).tobytes()})
        else:
            out.rejects.append(asdict(result))
    records_path = pathlib.Path(work) / f"records-{shard:05d}.parquet"
    pq.write_table(records_table(records), records_path)
    out.paths = {
        "records": str(records_path),
        "removed": _write(pathlib.Path(work) / f"removed-{shard:05d}.parquet", removed, REMOVED_SCHEMA),
        "keys": _write(pathlib.Path(work) / f"keys-{shard:05d}.parquet", keys, _KEYS_SCHEMA),
    }
    out.docs = len(records)
    return _stored_rejects(out, work, "finish")


_KEYS_SCHEMA = pa.schema([("raw_file", pa.string()), ("id", pa.string()), ("text_sha256", pa.binary(32)),
                          ("minhash", pa.binary(4 * dedup.PERMUTATIONS))])
_DUPLICATES_SCHEMA = pa.schema([("raw_file", pa.string()), ("of", pa.string()), ("of_raw_file", pa.string()),
                                ("dup_cluster", pa.string()), ("dup_cluster_size", pa.int64())])


def dedupe(keys_paths: list[str], target: str) -> tuple[str, int]:
    """Duplicates and near duplicates over all shards, from their keys files.

    A record repeats another when it has the same raw bytes (same id) or the same
    cleaned text (the same article scraped twice, or republished by another site);
    of each group the record with the smallest raw_file stays and the others get
    ``of``. The records that stay are clustered by MinHash (:mod:`jingwen.dedup`).
    One row per record in ``target``; returns it and the number of duplicates.
    """
    keys = pa.concat_tables([pq.read_table(p) for p in keys_paths]) if keys_paths else _KEYS_SCHEMA.empty_table()
    keys = keys.sort_by("raw_file")
    raw_files, ids = keys.column("raw_file").to_pylist(), keys.column("id").to_pylist()
    texts = keys.column("text_sha256").to_pylist()
    first_by_id: dict[str, int] = {}
    first_by_text: dict[bytes, int] = {}
    of: list[int | None] = []
    for i, (ident, text) in enumerate(zip(ids, texts)):
        kept = first_by_id.get(ident, first_by_text.get(text))
        of.append(kept)
        if kept is None:
            first_by_id[ident] = first_by_text[text] = i
    stays = [i for i, o in enumerate(of) if o is None]
    flat = keys.column("minhash").combine_chunks()
    signatures = np.frombuffer(flat.buffers()[1], dtype=np.uint32)[
        flat.offset * dedup.PERMUTATIONS:(flat.offset + len(flat)) * dedup.PERMUTATIONS]
    signatures = signatures.reshape(len(flat), dedup.PERMUTATIONS)
    cluster = dedup.clusters([ids[i] for i in stays], signatures[stays])
    columns = {  # columns, not a dict per row: a million rows stay a few hundred MB
        "raw_file": raw_files,
        "of": [None if o is None else ids[o] for o in of],
        "of_raw_file": [None if o is None else raw_files[o] for o in of],
        "dup_cluster": [cluster[ids[i]][0] if o is None else None for i, o in enumerate(of)],
        "dup_cluster_size": [cluster[ids[i]][1] if o is None else None for i, o in enumerate(of)]}
    pq.write_table(pa.Table.from_pydict(columns, schema=_DUPLICATES_SCHEMA), target)
    return target, len(of) - len(stays)


def validate(records_path: str, work: str, shard: int, suites: list[dict],
             duplicates: str | None = None) -> ShardResult:
    """Stage 3 of a shard: duplicates leave, the others get their near-duplicate cluster
    (from :func:`dedupe`'s ``duplicates``); Great Expectations; failing rows become rejects."""
    from jingwen.validation import validate_frame

    table = pq.read_table(records_path)
    out = ShardResult(shard)
    if duplicates and table.num_rows:
        names = table.column("raw_file").to_pylist()
        found = pq.read_table(duplicates, filters=[("raw_file", "in", set(names))])
        dup = {r["raw_file"]: r for r in found.to_pylist()}
        rows = [dup[f] for f in names]
        keep = [r["of"] is None for r in rows]
        for i, d in enumerate(rows):
            if d["of"] is not None:
                row = table.slice(i, 1).to_pylist()[0]
                out.rejects.append({"raw_file": row["raw_file"], "raw_sha256": row["raw_sha256"], "id": row["id"],
                                    "reason": "duplicate",
                                    "detail": f"duplicate of {d['of']} ({d['of_raw_file']})"})
        for name in ("dup_cluster", "dup_cluster_size"):
            column = pa.array([r[name] for r in rows], RECORD_SCHEMA.field(name).type)
            table = table.set_column(table.schema.get_field_index(name), name, column)
        table = table.filter(pa.array(keep))
    if table.num_rows:
        check = validate_frame(table.to_pandas(), suites)
        out.validation = check.results
        if check.failed:
            ids = table.column("id").to_pylist()
            keep = [i not in check.failed for i in ids]
            for row in table.filter(pa.array([not k for k in keep])).to_pylist():
                names = check.failed[row["id"]]
                out.rejects.append({"raw_file": row["raw_file"], "raw_sha256": row["raw_sha256"], "id": row["id"],
                                    "reason": "expectation:" + names[0],
                                    "detail": "failed expectations: " + ", ".join(names)})
            table = table.filter(pa.array(keep))
    path = pathlib.Path(work) / f"valid-{shard:05d}.parquet"
    pq.write_table(table, path)
    out.paths = {"records": str(path)}
    out.docs = table.num_rows
    return _stored_rejects(out, work, "validate")


def _write(path: pathlib.Path, rows: list[dict], schema: pa.Schema) -> str:
    pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return str(path)


def _stored_rejects(out: ShardResult, work: str, stage: str) -> ShardResult:
    """Move a stage's rejects to a Parquet file in the work folder: what a task hands back
    stays small however many files a shard rejects."""
    path = pathlib.Path(work) / f"rejects-{stage}-{out.shard:05d}.parquet"
    pq.write_table(rejects_table(out.rejects), path)
    out.paths["rejects"], out.rejects = str(path), []
    return out


def read_rejects(results: list[ShardResult], refused: list[dict] = ()) -> pa.Table:
    """The rejects of finished stages (and files refused before any stage) as one table."""
    tables = [rejects_table(list(refused))] + [pq.read_table(r.paths["rejects"]) for r in results
                                               if "rejects" in r.paths]
    return pa.concat_tables([t.cast(REJECT_SCHEMA) for t in tables])
