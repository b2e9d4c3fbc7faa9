"""``jingwen show``: one document of a release in the terminal.

Finds a record (or a reject) by id or raw file name, and prints its fields,
its repairs and cuts, the lines removed from it with their reasons, and a
diff of its raw text against the cleaned text when the raw file is at hand.
"""
from __future__ import annotations

import difflib
import pathlib

import pyarrow.dataset as ds

from jingwen.release.report import counts_text

_FIELDS = ("id", "raw_file", "raw_sha256", "title", "author", "published_at", "published_precision", "source",
           "site", "encoding", "script", "mirror", "n_chars", "lost_chars", "dup_cluster", "dup_cluster_size",
           "pipeline_version")


class NotFound(LookupError):
    """No record or reject of the release matches."""


def _rows(folder: pathlib.Path, column: str, value: str) -> list[dict]:
    if not folder.is_dir() or not any(folder.glob("*.parquet")):
        return []
    return ds.dataset(str(folder), format="parquet").to_table(filter=ds.field(column) == value).to_pylist()


def find(release: pathlib.Path, key: str, raw_root: pathlib.Path | None = None) -> tuple[str, dict, list[dict]]:
    """``("record", row, removed lines)`` or ``("reject", row, [])`` for ``key``: an id, a
    raw file name relative to the raw root, or a path to a raw file under ``raw_root``."""
    names = [key]
    if raw_root is not None:
        path = pathlib.Path(key)
        try:
            names.append(path.resolve().relative_to(raw_root.resolve()).as_posix())
        except ValueError:
            pass
    for name in names:
        for column in ("id", "raw_file"):
            found = _rows(release / "data", column, name)
            if found:
                row = found[0]
                removed = sorted(_rows(release / "removed_lines", "id", row["id"]), key=lambda r: r["line"])
                return "record", row, removed
            rejected = _rows(release / "rejects", column, name)
            if rejected:
                return "reject", rejected[0], []
    raise NotFound(f"no record or reject with id or raw file {key!r} in {release}")


def _styler(color: bool):
    """``style(text, ansi_code)``: coloured on a terminal, plain otherwise."""
    if color:
        return lambda text, code: f"\x1b[{code}m{text}\x1b[0m"
    return lambda text, code: text


def render(kind: str, row: dict, removed: list[dict], raw: str | None, color: bool = False) -> str:
    """The terminal page of one record or reject."""
    style = _styler(color)
    out: list[str] = []
    if kind == "reject":
        out.append(style("rejected", "1;31") + f": {row['reason']}")
        for name in ("raw_file", "raw_sha256", "id", "detail"):
            out.append(f"  {name:<14}{row.get(name)}")
        return "\n".join(out) + "\n"

    def label(name: str) -> str:
        return style(name.ljust(16), "1") + " "

    for name in _FIELDS:
        out.append(label(name) + str(row.get(name)))
    out.append(label("repairs") + counts_text(row.get("repairs"), "kind"))
    out.append(label("cuts") + counts_text(row.get("cuts"), "reason"))
    out.append("")
    out.append(style(f"removed lines ({len(removed)})", "1"))
    for r in removed:
        out.append(f"  line {r['line']:>4}  {r['reason']:<14} {r['text']}")
    out.append("")
    if raw is None:
        out.append(style("diff", "1") + ": the raw file is not at hand (pass --raw DIR) or has changed since")
    else:
        out.append(style("diff raw -> cleaned text", "1"))
        raw_lines = [line.rstrip("\r") for line in raw.split("\n")]
        for line in difflib.unified_diff(raw_lines, row["text"].split("\n"), "raw", "cleaned", n=1, lineterm=""):
            if line.startswith(("---", "+++")):
                out.append(style(line, "1"))
            elif line.startswith("-"):
                out.append(style(line, "31"))
            elif line.startswith("+"):
                out.append(style(line, "32"))
            elif line.startswith("@@"):
                out.append(style(line, "36"))
            else:
                out.append(line)
    out.append("")
    out.append(style("text", "1"))
    out.append(row["text"])
    return "\n".join(out) + "\n"
