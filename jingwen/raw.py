"""Raw files: finding them, reading them, and whether the newest release is still current.

Plain functions (no Prefect): the CLI answers "up to date" from here without
starting a Prefect server, and the flow and ``jingwen serve`` list raw files
with :func:`discover`.
"""
from __future__ import annotations

import hashlib
import json
import os
import pathlib

from jingwen.cache import pipeline_fingerprint
from jingwen.document import Limits
from jingwen.release.versions import releases
from jingwen.schema import Reject


def display_name(path: str | bytes) -> str:
    """A path as valid UTF-8 (bytes of a non-UTF-8 name escaped as ``\\xNN``)."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _refused(rel: str, reason: str, detail: str) -> dict:
    return {"raw_file": display_name(rel), "raw_sha256": "", "id": None, "reason": reason, "detail": detail}


def json_fingerprint(value: list | dict) -> str:
    """A short hash of a JSON value: the expectation suites, the card info (a release
    records them in its inputs)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def discover(raw_root: pathlib.Path) -> tuple[list[str], list[dict]]:
    """Raw files under ``raw_root`` (relative POSIX paths: a folder's files in name order,
    then its subfolders) and the entries refused.

    Hidden files and folders are skipped. A symlink is resolved: to a file inside
    the root it is read; leading outside the root it is refused
    (``outside_raw_root``); to a folder inside the root it is not followed (its
    files are read where they are) and is listed as refused, like anything that
    is not a regular file (``unreadable``). A name that is not UTF-8 is kept with
    its undecodable bytes escaped where it is shown.
    """
    root = raw_root.resolve()
    files: list[str] = []
    refused: list[dict] = []

    def walk(folder: pathlib.Path, prefix: str) -> None:
        with os.scandir(folder) as it:
            entries = sorted((e for e in it if not e.name.startswith(".")), key=lambda e: e.name)
        subfolders = []
        for entry in entries:
            rel = prefix + entry.name
            if entry.is_symlink():
                real = pathlib.Path(entry.path).resolve()
                if not real.is_relative_to(root):
                    refused.append(_refused(rel, "outside_raw_root", f"symlink to {display_name(str(real))}"))
                elif real.is_file():
                    files.append(rel)
                else:
                    refused.append(_refused(rel, "unreadable", "symlink to a folder or special file inside the "
                                                              "raw root; not followed"))
            elif entry.is_dir(follow_symlinks=False):
                subfolders.append(entry)
            elif entry.is_file(follow_symlinks=False):
                files.append(rel)
            else:
                refused.append(_refused(rel, "unreadable", "not a regular file"))
        for entry in subfolders:
            walk(pathlib.Path(entry.path), prefix + entry.name + "/")

    walk(root, "")
    return files, refused


def raw_fingerprint(raw_root: pathlib.Path, files: list[str], refused: list[dict]) -> str:
    """A cheap fingerprint of the raw files: names, sizes and modification times (a
    changed file changes them) and the refused names."""
    h = hashlib.sha256()
    for name in files:
        try:
            st = (raw_root / name).stat()
        except OSError:  # gone since it was listed
            continue
        h.update(f"{name}\t{st.st_size}\t{st.st_mtime_ns}\n".encode("utf-8", "surrogateescape"))
    for r in refused:
        h.update(f"{r['raw_file']}\t{r['reason']}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()[:32]


def inputs_of(raw_root: pathlib.Path, files: list[str], refused: list[dict], limits: Limits,
              suites: list[dict], card: dict) -> dict:
    """What a release is made of: the raw files, the pipeline, the expectation suites, what
    its card says."""
    return {"files": raw_fingerprint(raw_root, files, refused), "pipeline": pipeline_fingerprint(limits),
            "suites": json_fingerprint(suites), "card": json_fingerprint(card)}


def read_manifest(release_dir: pathlib.Path) -> dict:
    return json.loads((release_dir / "MANIFEST.json").read_text("utf-8"))


def same_inputs(release_dir: pathlib.Path | None, inputs: dict) -> bool:
    """Whether ``release_dir`` was made of ``inputs``."""
    return release_dir is not None and read_manifest(release_dir).get("inputs") == inputs


def summary_of(release_dir: pathlib.Path) -> dict:
    """The run summary of an existing release, from its manifest."""
    m = read_manifest(release_dir)
    return {"version": m["version"], "path": str(release_dir), "records": m["counts"]["records"],
            "rejects": m["counts"]["rejects"], "removed_lines": m["counts"]["removed_lines"],
            "rejects_by_reason": m["rejects_by_reason"], "repairs_by_kind": m["repairs_by_kind"],
            "cuts_by_reason": m["cuts_by_reason"], "changes": m.get("changes", {})}


def up_to_date_summary(release_dir: pathlib.Path) -> dict:
    """The run summary when ``release_dir`` is current and nothing is written."""
    return {**summary_of(release_dir), "up_to_date": True, "work": {"cleaned": 0, "reused": 0}}


def up_to_date(raw: str, out: str, limits: Limits, card: dict) -> dict | None:
    """The summary of the newest release in ``out`` if it was made of exactly these raw
    files, pipeline, suites and card info (a rerun would write nothing), else None. Cheap: a folder
    listing and a stat per file."""
    from jingwen.validation import load_suites

    raw_root, out_dir = pathlib.Path(raw).resolve(), pathlib.Path(out).resolve()
    found = releases(out_dir)
    if not found or not raw_root.is_dir():
        return None
    files, refused = discover(raw_root)
    if not same_inputs(found[-1][1], inputs_of(raw_root, files, refused, limits, load_suites(), card)):
        return None
    return up_to_date_summary(found[-1][1])


def read_raw(raw_root: pathlib.Path, raw_file: str, limits: Limits) -> bytes | Reject:
    """The bytes of one raw file, or a reject when they cannot or must not be read."""
    path = raw_root / raw_file
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            return Reject(raw_file, "", "too_large", f"{size} bytes > max_bytes {limits.max_bytes}")
        with open(path, "rb") as fh:
            return fh.read(limits.max_bytes + 1)
    except OSError as exc:
        return Reject(raw_file, "", "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")


def raw_text(raw_root: pathlib.Path, row: dict) -> str | None:
    """The raw file's text decoded as the record says it was (None if the file is gone or
    its bytes are no longer those of the release)."""
    path = raw_root / row["raw_file"]
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != row["raw_sha256"]:
        return None
    encoding = (row.get("encoding") or "utf-8").split(":")[-1].split("+")[0]
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")
