"""Release versions in an output folder, and file digests."""
from __future__ import annotations

import hashlib
import pathlib
import re

VERSION_RE = re.compile(r"(\d+)\.(\d+)\.(\d+)", re.ASCII)


def parse_version(name: str) -> tuple[int, int, int] | None:
    """``(major, minor, patch)`` of exactly ``X.Y.Z`` (ASCII digits, nothing before or
    after, not even a newline), else None."""
    m = VERSION_RE.fullmatch(name)
    return (int(m[1]), int(m[2]), int(m[3])) if m else None


def releases(out_dir: pathlib.Path) -> list[tuple[tuple[int, int, int], pathlib.Path]]:
    """Complete releases in ``out_dir``, oldest first."""
    if not out_dir.is_dir():
        return []
    found = [(parse_version(p.name), p) for p in out_dir.iterdir() if p.is_dir()]
    return sorted((v, p) for v, p in found if v and (p / "SHA256SUMS").exists())


def next_version(out_dir: pathlib.Path) -> str:
    """The next patch version after the newest release (``0.1.0`` for the first)."""
    found = releases(out_dir)
    if not found:
        return "0.1.0"
    major, minor, patch = found[-1][0]
    return f"{major}.{minor}.{patch + 1}"


def sha256_file(path: pathlib.Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
