"""Writing a release: data files, rejects, removed lines, manifest, checksums, card.

A release is written under a temporary name in the output folder and renamed
to ``<version>`` only when complete, with ``SHA256SUMS`` written last; a reader
never sees half a release. Data files are byte-reproducible: rows sorted by
id, no timestamps inside them, a pinned pyarrow, gzip with mtime 0. Wall-clock
facts live only in ``MANIFEST.json`` (and the card's changelog date).

Layout (Hugging Face conventions)::

    <version>/
      data/train-00000-of-0000N.parquet     zstd-3, page index, stats on non-text columns
      jsonl/train-00000-of-0000N.jsonl.gz   the same rows, UTF-8 (not escaped)
      rejects/rejects.parquet               raw_file, reason, detail
      removed_lines/removed_lines.parquet   id, raw_file, line, reason, text
      changes.json                          ids added, removed, changed since the previous release
      validation/release.json               GX validation result of the whole release (ids unique)
      croissant.json                        MLCommons Croissant description
      MANIFEST.json  README.md  SHA256SUMS
      LICENSE.md                            with the default licence of the card only
"""
from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import pathlib
import shutil
import uuid
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc as ipc
import pyarrow.parquet as pq

from jingwen.raw import raw_text
from jingwen.release.card import CONFIGS, DEFAULT_CARD, LICENSE_FILE, LICENSE_TEXT, CardInfo, render_card
from jingwen.release.changes import Changes, compare, digests
from jingwen.release.croissant import render_croissant
from jingwen.release.report import length_bin, profile_counts, render_report
from jingwen.release.versions import parse_version, releases, sha256_file
from jingwen.schema import (
    COLUMNS,
    PIPELINE_VERSION,
    RECORD_SCHEMA,
    REJECT_SCHEMA,
    REMOVED_SCHEMA,
    SCHEMA_VERSION,
    TEXT_COLUMNS,
    json_row,
)
from jingwen.validation import check_release

SHARD_TARGET_BYTES = 128 * 1024 * 1024   # uncompressed records per data shard (one in memory at a time)
ROW_GROUP_TARGET_BYTES = 100 * 1024 * 1024
EXAMPLES = 3  # documents shown raw beside cleaned in report.html
VALIDATION_FILE = "validation/release.json"  # GX's result of the release checkpoint

def _parquet_writer(path: pathlib.Path, schema: pa.Schema, text_columns: Iterable[str]) -> pq.ParquetWriter:
    stats = [f.name for f in schema if f.name not in set(text_columns)]
    return pq.ParquetWriter(
        path, schema, compression="zstd", compression_level=3, write_statistics=stats,
        write_page_index=True, use_dictionary=[f.name for f in schema if f.name not in set(text_columns)])


def write_table(path: pathlib.Path, table: pa.Table, text_columns: Iterable[str] = ()) -> None:
    """One Parquet file, written the reproducible way."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with _parquet_writer(path, table.schema, text_columns) as w:
        if table.num_rows:
            w.write_table(table, row_group_size=_rows_per_group(table))


def _rows_per_group(table: pa.Table) -> int:
    per_row = max(1, table.nbytes // max(1, table.num_rows))
    return max(1, ROW_GROUP_TARGET_BYTES // per_row)


def _jsonl_gz(path: pathlib.Path, rows: Iterable[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # level 6 (zlib's default): a few percent larger than 9 and three times faster
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                                compresslevel=6) as gz:
        batch: list[str] = []
        for row in rows:
            batch.append(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
            if len(batch) == 1000:  # zlib is slow on many small writes
                gz.write(("\n".join(batch) + "\n").encode("utf-8"))
                batch = []
        if batch:
            gz.write(("\n".join(batch) + "\n").encode("utf-8"))


@dataclass
class ReleaseSummary:
    version: str
    path: str
    records: int
    rejects: int
    removed_lines: int
    rejects_by_reason: dict = field(default_factory=dict)
    repairs_by_kind: dict = field(default_factory=dict)
    cuts_by_reason: dict = field(default_factory=dict)
    extra: dict = field(default_factory=dict)


def _bucket_count(record_paths: list[str]) -> int:
    """Data shards of about :data:`SHARD_TARGET_BYTES` of uncompressed records."""
    total = 0
    for path in record_paths:
        meta = pq.read_metadata(path)
        total += sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    return max(1, -(-total // SHARD_TARGET_BYTES))


def _bucket_of(ids: pa.Array, buckets: int) -> np.ndarray:
    """Which id range each id falls in (ids are hex digests, so ranges are even)."""
    head = pc.utf8_slice_codeunits(ids, 0, 8).to_numpy(zero_copy_only=False)
    return (np.array([int(h, 16) for h in head], dtype=np.uint64) * np.uint64(buckets) >> np.uint64(32)).astype(int)


def _partition(paths: list[str], schema: pa.Schema, buckets: int, folder: pathlib.Path) -> list[pathlib.Path]:
    """Split the rows of ``paths`` (one file in memory at a time) into ``buckets`` Arrow
    files by id range: concatenated in bucket order and sorted within, they are sorted."""
    folder.mkdir(parents=True)
    targets = [folder / f"{k:05d}.arrow" for k in range(buckets)]
    writers = [ipc.new_file(t, schema) for t in targets]
    try:
        for path in paths:
            if not os.path.exists(path):
                continue
            table = pq.read_table(path).cast(schema)
            if not table.num_rows:
                continue
            which = _bucket_of(table.column("id"), buckets)
            for k in np.unique(which):
                writers[k].write_table(table.filter(pa.array(which == k)))
    finally:
        for w in writers:
            w.close()
    return targets


def _read_bucket(path: pathlib.Path, sort_keys: list[tuple[str, str]]) -> pa.Table:
    with pa.memory_map(str(path)) as source:
        table = ipc.open_file(source).read_all()
    return table.sort_by(sort_keys) if table.num_rows else table


class _Profile:
    """Running counts over the data shards: repairs and cuts, the manifest's ``profile``,
    and the report's example documents (those with the most kinds of repair, of
    different encodings)."""

    def __init__(self) -> None:
        self.repairs: Counter = Counter()
        self.cuts: Counter = Counter()
        self.lengths: Counter = Counter()
        self.sources: Counter = Counter()
        self.months: Counter = Counter()
        self.candidates: list[tuple[tuple, dict]] = []

    def add(self, shard: pa.Table) -> None:
        for n in shard.column("n_chars").to_pylist():
            self.lengths[length_bin(n or 0)] += 1
        self.sources.update(s or "unknown" for s in shard.column("source").to_pylist())
        self.months.update(d.isoformat()[:7] if d else "unknown" for d in shard.column("published_date").to_pylist())
        repairs, cuts = shard.column("repairs").to_pylist(), shard.column("cuts").to_pylist()
        for counter, lists, key in ((self.repairs, repairs, "kind"), (self.cuts, cuts, "reason")):
            for items in lists:
                for item in items or ():
                    counter[item[key]] += item["count"]
        ids = shard.column("id").to_pylist()
        best = sorted((-len(r or ()), -len(c or ()), ident, i)
                      for i, (r, c, ident) in enumerate(zip(repairs, cuts, ids)))[:EXAMPLES * 4]
        for *key, i in best:
            self.candidates.append((tuple(key), shard.slice(i, 1).to_pylist()[0]))
        self.candidates = sorted(self.candidates, key=lambda c: c[0])[:EXAMPLES * 4]

    def examples(self, raw_root: pathlib.Path | None) -> list[dict]:
        """Up to :data:`EXAMPLES` records with their raw text, different encodings first."""
        if raw_root is None:
            return []
        chosen: list[dict] = []
        for distinct in (True, False):
            for _, row in self.candidates:
                if len(chosen) == EXAMPLES or row in chosen:
                    continue
                if distinct and row["encoding"] in {c["encoding"] for c in chosen}:
                    continue
                raw = raw_text(raw_root, row)
                if raw is not None:
                    chosen.append({**row, "raw_text": raw})
        return chosen


def write_release(out_dir: pathlib.Path, version: str, record_paths: list[str], rejects: pa.Table,
                  removed_paths: list[str], manifest_extra: dict | None = None,
                  raw_root: pathlib.Path | None = None, card: CardInfo = DEFAULT_CARD) -> ReleaseSummary:
    """Write a complete release of the records and removed lines in the Parquet files
    ``record_paths`` and ``removed_paths`` to ``out_dir/version``, atomically, and
    return its summary.

    Streaming: records are partitioned by id range into data shards of about
    :data:`SHARD_TARGET_BYTES`, and only one shard is in memory at a time. The raw
    files under ``raw_root`` give ``report.html`` its examples; ``card`` is what the
    dataset card says about the dataset.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / version
    if final.exists():
        raise FileExistsError(f"release {version} already exists in {out_dir}; pass another --version")
    tmp = out_dir / f".tmp-{version}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        buckets = _bucket_count(record_paths)
        parts = tmp / ".partitions"
        record_parts = _partition(record_paths, RECORD_SCHEMA, buckets, parts / "records")
        removed_parts = _partition(removed_paths, REMOVED_SCHEMA, buckets, parts / "removed")
        files: list[dict] = []
        digests_new, records, removed, num_bytes, removed_bytes = [], 0, 0, 0, 0
        profile = _Profile()
        removed_path = tmp / "removed_lines" / "removed_lines.parquet"
        removed_path.parent.mkdir(parents=True)
        with _parquet_writer(removed_path, REMOVED_SCHEMA, ("text",)) as removed_writer:
            for k in range(buckets):
                shard = _read_bucket(record_parts[k], [("id", "ascending")])
                name = f"train-{k:05d}-of-{buckets:05d}"
                pq_path, jsonl_path = tmp / "data" / f"{name}.parquet", tmp / "jsonl" / f"{name}.jsonl.gz"
                write_table(pq_path, shard, TEXT_COLUMNS)
                _jsonl_gz(jsonl_path, (json_row(row) for batch in shard.to_batches(max_chunksize=1000)
                                       for row in batch.to_pylist()))
                files += [_file_entry(tmp, pq_path, shard.num_rows), _file_entry(tmp, jsonl_path, shard.num_rows)]
                profile.add(shard)
                digests_new.append(shard.select(["id", "content_sha256"]))
                records += shard.num_rows
                num_bytes += shard.nbytes
                del shard
                lines = _read_bucket(removed_parts[k], [("id", "ascending"), ("line", "ascending")])
                if lines.num_rows:
                    removed_writer.write_table(lines, row_group_size=_rows_per_group(lines))
                removed += lines.num_rows
                removed_bytes += lines.nbytes
        shutil.rmtree(parts)
        checked = check_release(tmp / "data")  # ids unique over every data file, not one shard
        (tmp / VALIDATION_FILE).parent.mkdir()
        (tmp / VALIDATION_FILE).write_text(json.dumps(checked, ensure_ascii=False, indent=1) + "\n", "utf-8")
        files.append(_file_entry(tmp, tmp / VALIDATION_FILE, None))
        rejects = rejects.sort_by([("raw_file", "ascending")]).cast(REJECT_SCHEMA)
        write_table(tmp / "rejects" / "rejects.parquet", rejects, ("detail",))
        files += [_file_entry(tmp, tmp / "rejects" / "rejects.parquet", rejects.num_rows),
                  _file_entry(tmp, removed_path, removed)]
        previous = _previous_release(out_dir, version)
        changes = compare(digests(previous) if previous else None, pa.concat_tables(digests_new),
                          previous.name if previous else None)
        (tmp / "changes.json").write_text(changes.to_json(), "utf-8")
        files.append(_file_entry(tmp, tmp / "changes.json", None))
        summary = ReleaseSummary(
            version=version, path=str(final), records=records, rejects=rejects.num_rows,
            removed_lines=removed,
            rejects_by_reason=dict(sorted(Counter(rejects.column("reason").to_pylist()).items())),
            repairs_by_kind=dict(sorted(profile.repairs.items())), cuts_by_reason=dict(sorted(profile.cuts.items())),
            extra={**(manifest_extra or {}),
                   "expectations": (manifest_extra or {}).get("expectations", []) + _summaries(checked),
                   "profile": profile_counts(profile.lengths, profile.sources, profile.months),
                   "dataset_info": _dataset_info(files, {"records": num_bytes, "rejects": rejects.nbytes,
                                                                          "removed_lines": removed_bytes})})
        if card.writes_license_file:
            (tmp / LICENSE_FILE).write_text(LICENSE_TEXT, "utf-8")
        manifest = _manifest(summary, files, changes, _changelog(previous), card)
        (tmp / "MANIFEST.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
        (tmp / "README.md").write_text(render_card(manifest, COLUMNS), "utf-8")
        (tmp / "croissant.json").write_text(
            json.dumps(render_croissant(manifest, COLUMNS), ensure_ascii=False, indent=2) + "\n", "utf-8")
        (tmp / "report.html").write_text(render_report(manifest, profile.examples(raw_root)), "utf-8")
        _write_checksums(tmp)
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return summary


def _summaries(result: dict) -> list[dict]:
    """The manifest's line per expectation of a GX validation result."""
    return [{"name": r["expectation_config"]["meta"]["name"], "type": r["expectation_config"]["type"],
             "success": r["success"], "unexpected": r["result"].get("unexpected_count") or 0}
            for r in result["results"]]


def _dataset_info(files: list[dict], in_memory: dict[str, int]) -> dict:
    """Per config of the card: rows, bytes in memory (Arrow) and bytes of its Parquet files."""
    info = {}
    for name, pattern in CONFIGS.items():
        parquet = [f for f in files if pathlib.PurePosixPath(f["path"]).match(pattern)]
        info[name] = {"rows": sum(f["rows"] for f in parquet), "num_bytes": in_memory[name],
                      "download_size": sum(f["bytes"] for f in parquet)}
    return info


def _file_entry(root: pathlib.Path, path: pathlib.Path, rows: int | None) -> dict:
    entry = {"path": path.relative_to(root).as_posix(), "sha256": sha256_file(path), "bytes": path.stat().st_size}
    if rows is not None:
        entry["rows"] = rows
    return entry


def _previous_release(out_dir: pathlib.Path, version: str) -> pathlib.Path | None:
    """The newest complete release older than ``version``."""
    mine = parse_version(version)
    older = [p for v, p in releases(out_dir) if mine is None or v < mine]
    return older[-1] if older else None


def _changelog(previous: pathlib.Path | None) -> list[dict]:
    """The previous release's changelog (its manifest carries the history)."""
    if previous is None:
        return []
    try:
        return json.loads((previous / "MANIFEST.json").read_text("utf-8")).get("changelog", [])
    except (OSError, ValueError):
        return []


def _manifest(summary: ReleaseSummary, files: list[dict], changes: Changes, history: list[dict],
              card: CardInfo) -> dict:
    created = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    entry = {"version": summary.version, "date": created[:10], "schema_version": SCHEMA_VERSION,
             "records": summary.records,
             "rejects": summary.rejects, **{k: v for k, v in changes.counts().items() if k != "previous"}}
    return {
        "name": card.name,
        "card": asdict(card),
        "version": summary.version,
        "schema_version": SCHEMA_VERSION,
        "schema": [{"name": f.name, "type": str(f.type)} for f in RECORD_SCHEMA],
        "pipeline_version": PIPELINE_VERSION,
        "created_at": created,
        "counts": {"records": summary.records, "rejects": summary.rejects, "removed_lines": summary.removed_lines},
        "changes": changes.counts(),
        "rejects_by_reason": summary.rejects_by_reason,
        "repairs_by_kind": summary.repairs_by_kind,
        "cuts_by_reason": summary.cuts_by_reason,
        **summary.extra,
        "writer": {"pyarrow": pa.__version__, "parquet_compression": "zstd(3)"},
        "changelog": history + [entry],
        "files": sorted(files, key=lambda f: f["path"]),
    }


def _write_checksums(root: pathlib.Path) -> None:
    """``SHA256SUMS`` (GNU format) over every file of the release, written last."""
    lines = [f"{sha256_file(p)}  {p.relative_to(root).as_posix()}"
             for p in sorted(root.rglob("*")) if p.is_file() and p.name != "SHA256SUMS"]
    (root / "SHA256SUMS").write_text("\n".join(lines) + "\n", "utf-8")
