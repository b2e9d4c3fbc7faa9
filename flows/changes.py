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

import pyarrow.parquet as pq


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


def digests(release_dir: pathlib.Path) -> dict[str, str]:
    """id -> content_sha256 of every record of a release."""
    out: dict[str, str] = {}
    for path in sorted((release_dir / "data").glob("*.parquet")):
        table = pq.read_table(path, columns=["id", "content_sha256"])
        out.update(zip(table.column("id").to_pylist(), table.column("content_sha256").to_pylist()))
    return out


def compare(old: dict[str, str] | None, new: dict[str, str], previous: str | None) -> Changes:
    """Changes from ``old`` (None: no previous release) to ``new`` digests."""
    old = old or {}
    changes = Changes(previous)
    changes.added = sorted(i for i in new if i not in old)
    changes.removed = sorted(i for i in old if i not in new)
    both = [i for i in new if i in old]
    changes.changed = sorted(i for i in both if new[i] != old[i])
    changes.unchanged = len(both) - len(changes.changed)
    return changes


def diff(old_dir: pathlib.Path, new_dir: pathlib.Path) -> Changes:
    """Changes between two release folders."""
    return compare(digests(old_dir), digests(new_dir), old_dir.name)
