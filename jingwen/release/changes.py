"""What changed between two releases, document by document.

Documents are matched by ``id`` (the raw file's content hash). A document is
*added* or *removed* when its id is in only one release, *changed* when the
id is in both but the cleaned record differs (``content_sha256``: a new
pipeline cleaned it differently), and *unchanged* otherwise. Only the
``id`` and ``content_sha256`` columns are read, so comparing large releases is
cheap.
"""
from __future__ import annotations

import json
import pathlib
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

_DIGESTS = pa.schema([("id", pa.string()), ("content_sha256", pa.string())])


@dataclass
class Changes:
    previous: str | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> dict:
        return {"previous": self.previous, "added": len(self.added), "removed": len(self.removed),
                "changed": len(self.changed), "unchanged": self.unchanged}

    def to_json(self) -> str:
        return json.dumps({**self.counts(), "added": self.added, "removed": self.removed,
                           "changed": self.changed}, ensure_ascii=False, indent=1) + "\n"


def digests(release_dir: pathlib.Path) -> pa.Table:
    """``id`` and ``content_sha256`` of every record of a release."""
    paths = sorted((release_dir / "data").glob("*.parquet"))
    tables = [pq.read_table(p, columns=["id", "content_sha256"]) for p in paths]
    return pa.concat_tables(tables) if tables else _DIGESTS.empty_table()


def compare(old: pa.Table | None, new: pa.Table, previous: str | None) -> Changes:
    """Changes from ``old`` (None: no previous release) to ``new`` digests (Arrow joins:
    a million ids each side fit in a few hundred MB)."""
    old = old if old is not None else _DIGESTS.empty_table()
    in_old = pc.is_in(new.column("id"), value_set=old.column("id").combine_chunks())
    in_new = pc.is_in(old.column("id"), value_set=new.column("id").combine_chunks())
    both = new.filter(in_old).join(old.rename_columns(["id", "old_sha256"]), "id")
    differs = pc.not_equal(both.column("content_sha256"), both.column("old_sha256"))
    changes = Changes(previous)
    changes.added = _sorted_ids(new.filter(pc.invert(in_old)))
    changes.removed = _sorted_ids(old.filter(pc.invert(in_new)))
    changes.changed = _sorted_ids(both.filter(differs))
    changes.unchanged = both.num_rows - len(changes.changed)
    return changes


def _sorted_ids(table: pa.Table) -> list[str]:
    return table.sort_by("id").column("id").to_pylist()


def diff(old_dir: pathlib.Path, new_dir: pathlib.Path) -> Changes:
    """Changes between two release folders."""
    return compare(digests(old_dir), digests(new_dir), old_dir.name)
