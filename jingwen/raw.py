"""Raw files: finding them, reading them, and whether the newest release is still current.

Plain functions (no Prefect): the CLI answers "up to date" from here without
starting a Prefect server, and the flow and ``jingwen serve`` list raw files
with :func:`discover`.
"""
from __future__ import annotations

import errno
import hashlib
import json
import os
import pathlib
import stat
from typing import BinaryIO

from jingwen.cache import pipeline_fingerprint
from jingwen.document import DEFAULT_LIMITS, Limits
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


MAX_DEPTH = 64  # folders deeper under the raw root are refused as too_deep


def discover(raw_root: pathlib.Path, max_depth: int = MAX_DEPTH) -> tuple[list[str], list[dict]]:
    """Raw files under ``raw_root`` (relative POSIX paths: a folder's files in name order,
    then its subfolders) and the entries refused, each with a reason. Never raises for
    what it finds: every entry that is not read is a refused row.

    The walk is iterative and follows no link. A symlink is refused: ``outside_raw_root``
    when it leads out of the root, ``symlink_loop`` when it never ends, ``unreadable``
    when it is broken or leads inside the root (its target is read where it is). Also
    refused: anything not a regular file or folder (``unreadable``), hidden files and
    folders (``hidden_file``, ``hidden_folder``: a name starting with ``.``, whatever
    it holds), a folder that cannot be listed (``unreadable``), a folder deeper than
    ``max_depth`` (``too_deep``), a folder seen before under another path, e.g. a
    bind mount (``folder_loop``), and an entry whose shown name (non-UTF-8 bytes
    escaped as ``\\xNN``) is already another's (``name_collision``; the first in walk
    order keeps it): every name a release shows, record or reject, is one entry's.
    """
    root = raw_root.resolve()
    files: list[str] = []
    refused: list[dict] = []
    shown: set[str] = set()
    visited: set[tuple[int, int]] = set()
    stack = [(str(root), "", 0)]
    while stack:
        folder, prefix, depth = stack.pop()
        name = prefix.rstrip("/") or "."
        try:
            key = _folder_key(folder)
            if key in visited:
                refused.append(_refused(name, "folder_loop", "the same folder as one already walked; not walked again"))
                continue
            visited.add(key)
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            refused.append(_refused(name, "unreadable", f"cannot list the folder: {exc.strerror or exc}"))
            continue
        subfolders = []
        for entry in entries:
            rel = prefix + entry.name
            kind = _kind(entry, root)
            if display_name(rel) in shown:
                refused.append(_refused(rel, "name_collision", f"shown as {display_name(rel)}, the name of another "
                                                               "entry; this one is not read"))
                continue
            shown.add(display_name(rel))
            if kind == "folder":
                subfolders.append(entry)
            elif kind == "file":
                files.append(rel)
            else:
                refused.append(_refused(rel, *kind))
        for entry in reversed(subfolders):
            if depth + 1 > max_depth:
                refused.append(_refused(prefix + entry.name, "too_deep", f"a folder {depth + 1} levels under the "
                                                                         f"raw root (limit {max_depth}); not walked"))
            else:
                stack.append((entry.path, prefix + entry.name + "/", depth + 1))
    return files, refused


def _folder_key(folder: str) -> tuple[int, int]:
    """(device, inode) of a folder: the same folder reached twice has the same key."""
    st = os.stat(folder, follow_symlinks=False)
    return st.st_dev, st.st_ino


def _kind(entry: os.DirEntry, root: pathlib.Path) -> str | tuple[str, str]:
    """``"file"`` or ``"folder"`` for an entry to read or walk, else (reason, detail)."""
    try:
        if entry.name.startswith("."):
            if entry.is_dir(follow_symlinks=False):
                return "hidden_folder", "a hidden folder (name starts with '.'); not walked"
            return "hidden_file", "a hidden file (name starts with '.'); not read"
        if entry.is_symlink():
            return _symlink_kind(entry.path, root)
        if entry.is_dir(follow_symlinks=False):
            return "folder"
        if entry.is_file(follow_symlinks=False):
            return "file"
        return "unreadable", "not a regular file"
    except OSError as exc:
        return "unreadable", f"cannot look at it: {exc.strerror or exc}"


def _symlink_kind(path: str, root: pathlib.Path) -> tuple[str, str]:
    """Why a symlink is refused: where it leads, or that it leads nowhere."""
    try:
        real = pathlib.Path(os.path.realpath(path, strict=True))
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink_loop", "a symlink that leads back to itself; not followed"
        return "unreadable", f"a broken symlink to {display_name(os.readlink(path))}"
    if not real.is_relative_to(root):
        return "outside_raw_root", f"symlink to {display_name(str(real))}"
    return "unreadable", (f"symlink to {display_name(real.relative_to(root).as_posix())} inside the raw root; "
                          "not followed (a file there is read where it is)")


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


def up_to_date(raw_root: pathlib.Path, listing: tuple[list[str], list[dict]], out: str, limits: Limits,
               card: dict) -> dict | None:
    """The summary of the newest release in ``out`` if it was made of exactly these raw
    files (``listing``: :func:`discover` of ``raw_root``), pipeline, suites and card info
    (a rerun would write nothing), else None. Cheap: a stat per file."""
    from jingwen.validation import load_suites

    found = releases(pathlib.Path(out).resolve())
    if not found:
        return None
    files, refused = listing
    if not same_inputs(found[-1][1], inputs_of(raw_root, files, refused, limits, load_suites(), card)):
        return None
    return up_to_date_summary(found[-1][1])


_KINDS = {stat.S_IFIFO: "a FIFO", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def _open_under(root_fd: int, raw_file: str) -> int:
    """A descriptor of ``raw_file`` (a relative POSIX path) under the folder ``root_fd``,
    opened one component at a time without following any symlink; non-blocking, so a
    FIFO opens at once instead of waiting for a writer."""
    *folders, name = raw_file.split("/")
    fd = root_fd
    try:
        for folder in folders:
            next_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
            if fd != root_fd:
                os.close(fd)
            fd = next_fd
        return os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=fd)
    finally:
        if fd != root_fd:
            os.close(fd)


def _link_detail(root: pathlib.Path, raw_file: str) -> str:
    """Why opening ``raw_file`` met a symlink (read with lstat, never followed)."""
    path = root / raw_file
    try:
        return f"now a symlink to {display_name(os.readlink(path))}; links are not followed when reading"
    except OSError:  # not a symlink itself (or gone again): a folder above it changed
        pass
    return "a folder on its path is now a symlink or not a folder; links are not followed when reading"


def read_raw(raw_root: pathlib.Path, raw_file: str, limits: Limits) -> bytes | Reject:
    """The bytes of one raw file, or a reject when they cannot or must not be read.

    Race-free: whatever discovery saw, the file is opened relative to the raw root
    without following links, and only a regular file of at most ``max_bytes`` (checked
    on the open descriptor, and again while reading) is read. A symlink, FIFO, device
    or folder swapped in since discovery is a reject ``unreadable``, never read."""
    if any(part in ("", ".", "..") for part in raw_file.split("/")):
        return Reject(raw_file, "", "outside_raw_root", "not a plain relative path under the raw root")
    try:
        root_fd = os.open(raw_root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError as exc:
        return Reject(raw_file, "", "unreadable", f"raw root: {exc.strerror}")
    try:
        fd = _open_under(root_fd, raw_file)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            return Reject(raw_file, "", "unreadable", _link_detail(raw_root, raw_file))
        return Reject(raw_file, "", "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")
    finally:
        os.close(root_fd)
    return _read_descriptor(fd, raw_file, limits)


def read_file(path: str, limits: Limits) -> bytes | Reject:
    """A file named on the command line (links followed: the user named it) with the
    checks of :func:`read_raw`: opened non-blocking, read only if it is a regular file of
    at most ``max_bytes``. OSError when it cannot be opened."""
    return _read_descriptor(os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC), path, limits)


def read_stdin(stream: BinaryIO, limits: Limits) -> bytes | Reject:
    """Standard input (``jingwen clean -``), read up to ``max_bytes``; a reject when more comes."""
    data = stream.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        return Reject("-", "", "too_large", f"more than {limits.max_bytes} bytes on stdin (--max-bytes); not read")
    return data


def _read_descriptor(fd: int, raw_file: str, limits: Limits) -> bytes | Reject:
    """The bytes behind an open descriptor if it is a regular file within the limits
    (else a reject); the descriptor is closed."""
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
            return Reject(raw_file, "", "unreadable", f"not a regular file ({kind}); not read")
        if st.st_size > limits.max_bytes:
            return Reject(raw_file, "", "too_large", f"{st.st_size} bytes > max_bytes {limits.max_bytes}")
        data = _read_at_most(fd, limits.max_bytes + 1)
    except OSError as exc:
        return Reject(raw_file, "", "unreadable", f"{type(exc).__name__}: {exc.strerror or exc}")
    finally:
        os.close(fd)
    if len(data) > limits.max_bytes:
        return Reject(raw_file, "", "too_large", f"grew past max_bytes {limits.max_bytes} while read")
    return data


def _read_at_most(fd: int, n: int) -> bytes:
    """Up to ``n`` bytes of a descriptor (short reads repeated until its end)."""
    chunks, left = [], n
    while left and (block := os.read(fd, min(left, 1 << 20))):
        chunks.append(block)
        left -= len(block)
    return b"".join(chunks)


def raw_text(raw_root: pathlib.Path, row: dict) -> str | None:
    """The raw file's text decoded as the record says it was (None if the file is gone,
    cannot be read safely, or its bytes are no longer those of the release)."""
    data = read_raw(raw_root, row["raw_file"], DEFAULT_LIMITS)
    if isinstance(data, Reject) or hashlib.sha256(data).hexdigest() != row["raw_sha256"]:
        return None
    encoding = (row.get("encoding") or "utf-8").split(":")[-1].split("+")[0]
    try:
        return data.decode(encoding, errors="replace")
    except LookupError:
        return data.decode("utf-8", errors="replace")
