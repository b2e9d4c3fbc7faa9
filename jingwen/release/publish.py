"""Publishing, downloading and verifying releases.

* ``publish(release, dest)`` copies a release to a local folder or any fsspec URL
  (``file://``, ``s3://``); its files first, ``SHA256SUMS`` after them, and the
  index ``releases.json`` at ``dest`` last, so a reader never sees a version
  that is not complete.
* ``download(source, version, to)`` fetches from a folder, ``http(s)://``
  (resuming an interrupted file with Range requests) or ``s3://``, verifies
  every file against ``SHA256SUMS`` and fails with the names of the files that
  do not match; the release appears under ``to`` only when all files verified.
* ``verify(release)`` checks a release on disk.

Nothing downloaded is trusted: paths in ``SHA256SUMS`` and ``releases.json``
must be plain relative paths inside the release, and only JSON and checksum
text is parsed (no pickle, no code). For S3-compatible stores other than AWS,
set ``AWS_ENDPOINT_URL``.
"""
from __future__ import annotations

import json
import os
import pathlib
import posixpath
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from jingwen.release.versions import parse_version, sha256_file

INDEX = "releases.json"
SUMS = "SHA256SUMS"
_SUM_LINE_RE = re.compile(r"^([0-9a-f]{64}) [ *](.+)$")
_RETRIES = 5
_CHUNK = 1 << 20


class ReleaseError(RuntimeError):
    """A release could not be published, downloaded or verified; the message says why."""


@dataclass
class Problem:
    path: str
    why: str


# -- checksums -----------------------------------------------------------------------

def safe_relative(path: str) -> str:
    """``path`` if it is a plain relative POSIX path inside a release, else ReleaseError."""
    norm = posixpath.normpath(path)
    if (not path or path.startswith(("/", "\\")) or "\\" in path or ":" in path.split("/")[0]
            or norm.startswith("..") or norm != path.rstrip("/") or "\x00" in path):
        raise ReleaseError(f"refusing unsafe path {path!r} in a release listing")
    return norm


def parse_sums(text: str) -> dict[str, str]:
    """path -> sha256 from GNU ``sha256sum`` output, every path checked safe."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _SUM_LINE_RE.match(line)
        if not m:
            raise ReleaseError(f"malformed line in {SUMS}: {line[:80]!r}")
        out[safe_relative(m.group(2))] = m.group(1)
    if not out:
        raise ReleaseError(f"{SUMS} lists no files")
    return out


def verify(release: pathlib.Path) -> list[Problem]:
    """Every file of a release against its ``SHA256SUMS``: missing, changed or unlisted files."""
    sums_path = release / SUMS
    if not sums_path.is_file():
        return [Problem(SUMS, "missing: the release is incomplete")]
    sums = parse_sums(sums_path.read_text("utf-8"))
    problems = []
    for rel, digest in sorted(sums.items()):
        path = release / rel
        if not path.is_file():
            problems.append(Problem(rel, "missing"))
        elif sha256_file(path) != digest:
            problems.append(Problem(rel, "checksum does not match SHA256SUMS"))
    listed = set(sums) | {SUMS}
    for path in sorted(release.rglob("*")):
        rel = path.relative_to(release).as_posix()
        if path.is_file() and rel not in listed:
            problems.append(Problem(rel, "not listed in SHA256SUMS"))
    return problems


# -- publish ---------------------------------------------------------------------------

def _fs(url: str):
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    return fs, root.rstrip("/")


def publish(release: pathlib.Path, dest: str) -> str:
    """Copy a verified release to ``dest``; return its URL there."""
    problems = verify(release)
    if problems:
        raise ReleaseError("will not publish a release that does not verify: " +
                           "; ".join(f"{p.path}: {p.why}" for p in problems))
    manifest = json.loads((release / "MANIFEST.json").read_text("utf-8"))
    version = manifest["version"]
    fs, root = _fs(dest)
    target = f"{root}/{version}"
    if fs.exists(f"{target}/{SUMS}"):
        remote = fs.cat_file(f"{target}/{SUMS}").decode("utf-8")
        if remote != (release / SUMS).read_text("utf-8"):
            raise ReleaseError(f"{dest} already has a different release {version}")
    else:
        files = sorted(parse_sums((release / SUMS).read_text("utf-8")))
        for rel in files:
            fs.makedirs(posixpath.dirname(f"{target}/{rel}"), exist_ok=True)
            fs.put_file(str(release / rel), f"{target}/{rel}")
        fs.put_file(str(release / SUMS), f"{target}/{SUMS}")  # the version is complete from here
    _update_index(fs, root, manifest)
    return f"{dest.rstrip('/')}/{version}"


def _update_index(fs, root: str, manifest: dict) -> None:
    index_path = f"{root}/{INDEX}"
    index = {"name": manifest["name"], "releases": []}
    if fs.exists(index_path):
        index = json.loads(fs.cat_file(index_path).decode("utf-8"))
    entries = {e["version"]: e for e in index.get("releases", [])}
    entries[manifest["version"]] = {
        "version": manifest["version"], "path": manifest["version"], "created_at": manifest["created_at"],
        "records": manifest["counts"]["records"], "schema_version": manifest["schema_version"]}
    ordered = sorted(entries.values(), key=lambda e: parse_version(e["version"]) or (0, 0, 0))
    index.update(releases=ordered, latest=ordered[-1]["version"])
    data = (json.dumps(index, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    from fsspec.implementations.local import LocalFileSystem

    if isinstance(fs, LocalFileSystem):
        tmp = f"{index_path}.tmp-{os.getpid()}"
        fs.pipe_file(tmp, data)
        os.replace(tmp, index_path)  # readers see the old index or the new one, whole
    else:
        fs.pipe_file(index_path, data)  # an object store's put is atomic


# -- download ----------------------------------------------------------------------------

class _Source:
    """Reads files of a published folder over http(s), or through fsspec."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.http = self.url.startswith(("http://", "https://"))
        if not self.http:
            self.fs, self.root = _fs(self.url)

    def read(self, rel: str) -> bytes:
        if self.http:
            with urllib.request.urlopen(f"{self.url}/{rel}", timeout=60) as resp:
                return resp.read()
        return self.fs.cat_file(f"{self.root}/{rel}")

    def fetch(self, rel: str, target: pathlib.Path) -> None:
        """Copy one file; over http, resume an interrupted transfer with a Range request."""
        if not self.http:
            self.fs.get_file(f"{self.root}/{rel}", str(target))
            return
        for attempt in range(_RETRIES):
            have = target.stat().st_size if target.exists() else 0
            req = urllib.request.Request(f"{self.url}/{rel}", headers={"Range": f"bytes={have}-"} if have else {})
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    if have and resp.status != 206:
                        have = 0  # the server ignored the range: start again
                    length = resp.headers.get("Content-Length")
                    expected = have + int(length) if length and length.isdigit() else None
                    with open(target, "ab" if have else "wb") as out:
                        while block := resp.read(_CHUNK):
                            out.write(block)
                if expected is None or target.stat().st_size >= expected:
                    return
                raise ConnectionError("the connection closed before the end of the file")
            except urllib.error.HTTPError as exc:
                if exc.code == 416:  # nothing left to fetch
                    return
                raise ReleaseError(f"{self.url}/{rel}: HTTP {exc.code}") from None
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as exc:
                if attempt == _RETRIES - 1:
                    raise ReleaseError(f"{self.url}/{rel}: {exc}") from None
                time.sleep(0.2 * (attempt + 1))


def newest(index: dict) -> str:
    versions = [e["version"] for e in index.get("releases", []) if parse_version(e.get("version", ""))]
    if not versions:
        raise ReleaseError(f"{INDEX} lists no releases")
    return max(versions, key=parse_version)


def download(source: str, to: pathlib.Path, version: str | None = None) -> pathlib.Path:
    """Fetch a release from ``source`` into ``to/<version>`` and verify it."""
    src = _Source(source)
    if version is None:
        try:
            version = newest(json.loads(src.read(INDEX).decode("utf-8")))
        except (OSError, urllib.error.URLError, FileNotFoundError) as exc:
            raise ReleaseError(f"cannot read {source}/{INDEX}: {exc}") from None
    if parse_version(version) is None:
        raise ReleaseError(f"version {version!r} is not X.Y.Z")
    final = to / version
    if final.exists():
        raise ReleaseError(f"{final} already exists")
    try:
        sums_text = src.read(f"{version}/{SUMS}").decode("utf-8")
    except (OSError, urllib.error.URLError, FileNotFoundError) as exc:
        raise ReleaseError(f"{source} has no release {version} ({exc})") from None
    sums = parse_sums(sums_text)
    partial = to / f".{version}.partial"
    partial.mkdir(parents=True, exist_ok=True)
    for rel in sorted(sums):
        target = partial / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and sha256_file(target) == sums[rel]:
            continue  # already here from an earlier, interrupted download
        src.fetch(f"{version}/{rel}", target)
    (partial / SUMS).write_text(sums_text, "utf-8")
    bad = [p for p in verify(partial) if p.why != "not listed in SHA256SUMS"]
    if bad:
        for p in bad:  # the next attempt fetches these again
            (partial / p.path).unlink(missing_ok=True)
        raise ReleaseError("downloaded files do not match SHA256SUMS: " + ", ".join(p.path for p in bad))
    os.rename(partial, final)
    return final
