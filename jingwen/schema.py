"""The data contract: every row jingwen writes, in one place.

The dataclasses a document becomes (:class:`Record`, or a :class:`Reject`; the
:class:`RemovedLine` rows of what was cut; :class:`Prepared`, the cached half-way
state), their Arrow schemas, the schema's version and fingerprints, and the row
codecs. ``tests/test_schema.py`` checks each dataclass against its schema.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import pyarrow as pa

PIPELINE_VERSION = "0.1.0"
SCHEMA_VERSION = "2.0.0"
PUBLISHED_TZ = "Asia/Shanghai"  # the time zone of published_at (the pages give +08:00)
#: How much of a publication time a page gives, by the length of its ISO 8601 form.
PRECISIONS = {25: "datetime", 10: "date", 7: "month"}


@dataclass
class Reject:
    raw_file: str
    raw_sha256: str
    reason: str
    detail: str = ""
    id: str | None = None


@dataclass
class Prepared:
    """A decoded, repaired and normalized document, before line classification."""

    id: str
    raw_file: str
    raw_sha256: str
    encoding: str
    script: str
    mirror: bool
    lines: list[str]            # normalized, non-empty
    line_numbers: list[int]     # 1-based line number of each in the decoded raw text
    repairs: Counter = field(default_factory=Counter)
    lost: int = 0


@dataclass
class RemovedLine:
    id: str
    raw_file: str
    line: int
    reason: str
    text: str


@dataclass
class Record:
    id: str
    raw_file: str
    raw_sha256: str
    title: str | None
    author: str | None
    published_at: str | None     # ISO 8601 as found: 2024-04-26T08:31:00+08:00, 2024-04-26 or 2024-04
    published_date: str | None = field(init=False)       # derived from published_at
    published_precision: str | None = field(init=False)  # datetime, date, month
    source: str | None
    site: str | None
    text: str
    repairs: list[dict]         # {"kind", "count"}: every edit of the text, by kind
    cuts: list[dict]            # {"reason", "count"}: lines removed, by reason
    encoding: str
    script: str
    mirror: bool
    n_chars: int
    lost_chars: int
    content_sha256: str = ""
    pipeline_version: str = PIPELINE_VERSION
    dup_cluster: str = ""       # near-duplicate cluster (set over the whole corpus; alone: own id)
    dup_cluster_size: int = 1

    def __post_init__(self) -> None:
        self.dup_cluster = self.dup_cluster or self.id
        at = self.published_at
        self.published_precision = PRECISIONS.get(len(at)) if at else None
        self.published_date = None if not self.published_precision else at + "-01" if len(at) == 7 else at[:10]
        if not self.content_sha256:
            self.content_sha256 = content_digest(self.title, self.author, self.published_at, self.source,
                                                 self.site, self.text)


def content_digest(*fields: str | None) -> str:
    """SHA-256 of a record's cleaned content (metadata fields and text): equal digests,
    equal records, whatever their raw bytes."""
    return hashlib.sha256("\x1f".join(f or "" for f in fields).encode("utf-8")).hexdigest()


#: Parquet has no unit of seconds: a timestamp[s] is written, and read back by every
#: reader, as milliseconds; the schema says so itself.
TIMESTAMP = pa.timestamp("ms", tz=PUBLISHED_TZ)
_REPAIR = pa.struct([("kind", pa.string()), ("count", pa.int64())])
_CUT = pa.struct([("reason", pa.string()), ("count", pa.int64())])

#: Column, type, description: the stable schema of the records (documented in the card).
COLUMNS: list[tuple[str, pa.DataType, str]] = [
    ("id", pa.string(), "Stable id: first 16 hex digits of the SHA-256 of the raw file's bytes."),
    ("raw_file", pa.string(), "Path of the raw file relative to the raw root."),
    ("raw_sha256", pa.string(), "SHA-256 of the raw file's bytes."),
    ("title", pa.string(), "Headline; null where the scrape has none (never guessed from the body)."),
    ("author", pa.string(), "Byline: person(s) or organisation; several names joined by 、."),
    ("published_at", TIMESTAMP, "Publication time in Beijing time (Asia/Shanghai), whole seconds; where the page "
                                "gives only the date or the month, the start of that day or month (see "
                                "published_precision); null if unknown."),
    ("published_date", pa.date32(), "Publication date (Beijing time); the first of the month where only the month "
                                    "is known; null if unknown."),
    ("published_precision", pa.string(), "What the page gives of the publication time: datetime, date or month; "
                                         "null if nothing."),
    ("source", pa.string(), "Outlet credited as origin (来源), e.g. 人民日报."),
    ("site", pa.string(), "Site the page was scraped from, where the scrape shows it."),
    ("text", pa.string(), "Article body: Simplified Chinese, one paragraph per line, normalized punctuation."),
    ("repairs", pa.list_(_REPAIR), "Edits of the text by kind with counts (mojibake, pinyin, script, punctuation...)."),
    ("cuts", pa.list_(_CUT), "Lines removed, by reason, with counts (details in removed_lines/)."),
    ("encoding", pa.string(), "Encoding the raw bytes were decoded from."),
    ("script", pa.string(), "Script of the raw text: simplified, traditional or mixed."),
    ("mirror", pa.bool_(), "True when the raw page came from a pinyin-annotating mirror site."),
    ("n_chars", pa.int64(), "Length of text in characters."),
    ("lost_chars", pa.int64(), "Characters that could not be recovered (U+FFFD in text)."),
    ("content_sha256", pa.string(), "SHA-256 of title, author, published_at, source, site and text: "
                                    "equal for equal cleaned records."),
    ("pipeline_version", pa.string(), "Version of the cleaning pipeline that produced the row."),
    ("dup_cluster", pa.string(), "Near-duplicate cluster: the smallest id among the records whose texts are "
                                 "near duplicates (MinHash estimate of 5-character-shingle Jaccard >= 0.7); "
                                 "the record's own id when it has none."),
    ("dup_cluster_size", pa.int64(), "Records of this release in the cluster (1: no near duplicate); weight "
                                     "rows by 1/dup_cluster_size to count each story once."),
]
RECORD_SCHEMA = pa.schema([(name, typ) for name, typ, _ in COLUMNS])


def schema_fingerprint(schema: pa.Schema = RECORD_SCHEMA) -> str:
    """A short hash of the columns' names and types, in order."""
    text = ";".join(f"{f.name}:{f.type}" for f in schema)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


#: Every schema version and its fingerprint. Changing RECORD_SCHEMA fails a test until
#: SCHEMA_VERSION is bumped the semver way (a column added: minor; removed or retyped:
#: major) and registered here.
SCHEMA_FINGERPRINTS = {"1.0.0": "8a7f6fe7e983e9d4", "1.1.0": "af36406114f22f7e", "2.0.0": "0f5dba9ac61d1ee5"}
#: What each schema version changed (the card and the manifest carry it).
SCHEMA_CHANGES = {
    "1.0.0": "first schema",
    "1.1.0": "added dup_cluster and dup_cluster_size (near duplicates)",
    "2.0.0": "published_at retyped from an ISO 8601 string to timestamp[ms, tz=Asia/Shanghai]; added "
             "published_date (date32) and published_precision (datetime, date or month)",
}
TEXT_COLUMNS = ("title", "author", "source", "site", "text")

REJECT_COLUMNS: list[tuple[str, pa.DataType, str]] = [
    ("raw_file", pa.string(), "Path of the raw file relative to the raw root (non-UTF-8 bytes escaped)."),
    ("raw_sha256", pa.string(), "SHA-256 of the raw file's bytes; null where the file was not read."),
    ("id", pa.string(), "The id the file would have had; null where the file was not read."),
    ("reason", pa.string(), "Why the file is not a record: empty, binary, undecodable, not_chinese, no_article, "
                            "duplicate, expectation:<name>, ..."),
    ("detail", pa.string(), "What exactly: the record a duplicate repeats, the expectations failed, ..."),
]
REMOVED_COLUMNS: list[tuple[str, pa.DataType, str]] = [
    ("id", pa.string(), "Id of the record the line was cut from."),
    ("raw_file", pa.string(), "Path of the raw file relative to the raw root."),
    ("line", pa.int64(), "1-based line number in the decoded raw text."),
    ("reason", pa.string(), "Why it was cut: navigation, ui, credit, copyright, spam, jammer, watermark, "
                            "duplicate, frequent, title, byline, dateline, ..."),
    ("text", pa.string(), "The line as it was cut (normalized)."),
]
REJECT_SCHEMA = pa.schema([(name, typ) for name, typ, _ in REJECT_COLUMNS])
REMOVED_SCHEMA = pa.schema([(name, typ) for name, typ, _ in REMOVED_COLUMNS])


#: A prepared document as an Arrow row (packs in the cache, and a shard's hand-over file).
PREPARED_SCHEMA = pa.schema([
    ("id", pa.string()), ("raw_file", pa.string()), ("raw_sha256", pa.string()), ("encoding", pa.string()),
    ("script", pa.string()), ("mirror", pa.bool_()), ("lines", pa.list_(pa.string())),
    ("line_numbers", pa.list_(pa.int32())), ("repairs", pa.string()), ("lost", pa.int64()),
])


def to_rows(preps: list[Prepared]) -> pa.Table:
    return pa.Table.from_pylist([{
        "id": p.id, "raw_file": p.raw_file, "raw_sha256": p.raw_sha256, "encoding": p.encoding,
        "script": p.script, "mirror": p.mirror, "lines": p.lines, "line_numbers": p.line_numbers,
        "repairs": json.dumps(dict(p.repairs), ensure_ascii=False), "lost": p.lost} for p in preps],
        schema=PREPARED_SCHEMA)


def from_row(row: dict) -> Prepared:
    return Prepared(row["id"], row["raw_file"], row["raw_sha256"], row["encoding"], row["script"], row["mirror"],
                    row["lines"], row["line_numbers"], Counter(json.loads(row["repairs"])), row["lost"])


_TZ = ZoneInfo(PUBLISHED_TZ)


def records_table(rows: list[dict]) -> pa.Table:
    """Record rows (dicts of :class:`Record` fields, ``published_*`` as ISO strings) as a
    table of :data:`RECORD_SCHEMA`."""
    return pa.Table.from_pylist([{**r, **_published(r)} for r in rows], schema=RECORD_SCHEMA)


def _published(row: dict) -> dict:
    if not row["published_precision"]:
        return {"published_at": None, "published_date": None}
    day = dt.date.fromisoformat(row["published_date"])
    if row["published_precision"] == "datetime":
        moment = dt.datetime.fromisoformat(row["published_at"]).astimezone(_TZ)
    else:  # the start of the day (or month) in Beijing
        moment = dt.datetime.combine(day, dt.time(), _TZ)
    return {"published_at": moment, "published_date": day}


def json_row(row: dict) -> dict:
    """A row read from the records (``to_pylist``) as JSON values in ISO 8601, each
    time at the precision the page gives: ``published_at`` is
    ``2024-04-26T08:31:00+08:00``, or the date ``2024-04-26`` where the page gives
    only the date (the first of the month where it gives the month), as the shared
    conventions write it; dates as ``2024-04-26``."""
    out = {k: v.isoformat() if isinstance(v, (dt.date, dt.datetime)) else v for k, v in row.items()}
    if out.get("published_precision") in ("date", "month"):
        out["published_at"] = out["published_date"]
    return out


def rejects_table(rejects: list[dict]) -> pa.Table:
    """Reject rows (dicts with the keys of :data:`REJECT_SCHEMA`, missing ones null) as a table."""
    return pa.Table.from_pylist([{k: r.get(k) for k in REJECT_SCHEMA.names} for r in rejects],
                                schema=REJECT_SCHEMA)
