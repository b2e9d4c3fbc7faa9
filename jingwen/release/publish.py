"""Publishing, downloading and verifying releases.

* ``publish(release, dest)`` copies a release to a local folder or any fsspec URL
  (``file://``, ``s3://``); its files first, ``SHA256SUMS`` after them, and the
  index ``releases.json`` at ``dest`` last, so a reader never sees a version
  that is not complete.
* ``download(source, version, to)`` fetches from a folder, ``http(s)://``
  (resuming an interrupted file with Range requests) or ``s3://``, verifies
  every file against ``SHA256SUMS`` and fails with the names of the files that
  do not match; the release appears under ``to`` only when all files verified.
* ``verify(release)`` checks a release on disk: every file against ``SHA256SUMS``,
  and ``MANIFEST.json``'s per-file sha256 and sizes against both.
* ``publish(..., sign=KEY)`` adds ``SHA256SUMS.sig``, an Ed25519 signature over
  ``SHA256SUMS`` (:mod:`jingwen.release.signing`); ``download(..., trusted=KEY)``
  refuses a release whose signature is missing or does not verify, before
  fetching any data file.

Nothing downloaded is trusted: paths in ``SHA256SUMS`` and ``releases.json``
must be plain relative paths inside the release, and only JSON and checksum
text is parsed (no pickle, no code). For S3-compatible stores other than AWS,
set ``AWS_ENDPOINT_URL``.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import pathlib
import posixpath
import re
import shutil
import stat
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from jingwen.release import hub, signing
from jingwen.release.signing import SIG, SignatureError
from jingwen.release.versions import parse_version, sha256_file

INDEX = "releases.json"
SUMS = "SHA256SUMS"
MANIFEST = "MANIFEST.json"
_SUM_LINE_RE = re.compile(r"([0-9a-f]{64}) [ *](.+)")
_SHA256_RE = re.compile(r"[0-9a-f]{64}")
MAX_LISTING_BYTES = 16 << 20  # SHA256SUMS, MANIFEST.json and releases.json are never longer
MAX_PATH_PARTS = 16  # folders in a path of a listing, at most (a release has two)
MAX_UNSIZED_BYTES = 64 << 20  # a file MANIFEST.json gives no size for (README.md, report.html, ...)
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
    """``path`` if it is a plain relative POSIX path of a file inside a release (not the
    release itself, no ``.``, ``..`` or empty parts, at most :data:`MAX_PATH_PARTS` deep),
    else ReleaseError."""
    norm = posixpath.normpath(path)
    if (not path or path.startswith(("/", "\\")) or "\\" in path or ":" in path.split("/")[0]
            or norm.startswith("..") or norm in (".", "") or norm != path or "\x00" in path
            or norm.count("/") >= MAX_PATH_PARTS):
        raise ReleaseError(f"refusing unsafe path {path[:200]!r} in a release listing")
    return norm


def text_of(data: bytes, name: str) -> str:
    """``data`` as UTF-8, else ReleaseError naming the listing ``name``."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReleaseError(f"malformed {name}: not UTF-8 text (byte {exc.start})") from None


def json_of(data: bytes, name: str):
    """The JSON value in ``data``, else ReleaseError naming the listing ``name`` (also for
    nesting too deep to parse)."""
    try:
        return json.loads(text_of(data, name))
    except (ValueError, RecursionError) as exc:
        why = "nested too deeply" if isinstance(exc, RecursionError) else exc
        raise ReleaseError(f"malformed {name}: {why}") from None


def parse_sums(text: str) -> dict[str, str]:
    """path -> sha256 from GNU ``sha256sum`` output, every path checked safe."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _SUM_LINE_RE.fullmatch(line)
        if not m:
            raise ReleaseError(f"malformed line in {SUMS}: {line[:80]!r}")
        path = safe_relative(m.group(2))
        if path in out:
            raise ReleaseError(f"{SUMS} lists {path!r} twice")
        out[path] = m.group(1)
    if not out:
        raise ReleaseError(f"{SUMS} lists no files")
    return out


def read_listing(path: pathlib.Path) -> bytes:
    """A listing of a release on disk (``SHA256SUMS``, ``MANIFEST.json``), at most
    :data:`MAX_LISTING_BYTES`, else ReleaseError."""
    with open(path, "rb") as fh:
        data = fh.read(MAX_LISTING_BYTES + 1)
    if len(data) > MAX_LISTING_BYTES:
        raise ReleaseError(f"{path} has more than {MAX_LISTING_BYTES} bytes; not a listing")
    return data


def parse_manifest(data: bytes) -> dict:
    """``MANIFEST.json``: an object whose ``files`` are objects with a safe ``path``, a
    ``sha256`` of 64 hex digits and a size ``bytes`` (an integer, 0 or more), else ReleaseError."""
    manifest = json_of(data, MANIFEST)
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise ReleaseError(f"malformed {MANIFEST}: no list of files")
    for entry in manifest["files"]:
        if not (isinstance(entry, dict) and isinstance(entry.get("path"), str)
                and isinstance(entry.get("sha256"), str) and _SHA256_RE.fullmatch(entry["sha256"])
                and type(entry.get("bytes")) is int and entry["bytes"] >= 0):
            raise ReleaseError(f"malformed {MANIFEST}: a file entry {str(entry)[:80]!r} is not "
                               "{path, sha256, bytes}")
        entry["path"] = safe_relative(entry["path"])
    return manifest


def read_manifest(release: pathlib.Path) -> dict:
    """A release's ``MANIFEST.json``, or ReleaseError when it is missing or malformed."""
    try:
        return parse_manifest(read_listing(release / MANIFEST))
    except FileNotFoundError:
        raise ReleaseError(f"{release} has no {MANIFEST}") from None


def _manifest_problems(release: pathlib.Path, sums: dict[str, str]) -> list[Problem]:
    """Files whose sha256 or size in ``MANIFEST.json`` disagree with ``SHA256SUMS`` or the file."""
    if not (release / MANIFEST).is_file():
        return [] if MANIFEST in sums else [Problem(MANIFEST, "missing")]
    try:
        entries = read_manifest(release)["files"]
    except ReleaseError as exc:
        return [Problem(MANIFEST, str(exc))]
    problems = []
    for entry in entries:
        rel = entry["path"]
        path = release / rel
        if rel not in sums:
            problems.append(Problem(rel, f"in {MANIFEST} but not in {SUMS}"))
        elif entry["sha256"] != sums[rel]:
            problems.append(Problem(rel, f"sha256 in {MANIFEST} differs from {SUMS} (changed after the "
                                         "release was written)"))
        elif path.is_file() and path.stat().st_size != entry["bytes"]:
            problems.append(Problem(rel, f"{path.stat().st_size} bytes, {MANIFEST} says {entry['bytes']}"))
    return problems


def verify(release: pathlib.Path) -> list[Problem]:
    """Every file of a release against its ``SHA256SUMS`` (missing, changed or unlisted
    files), and ``MANIFEST.json``'s sha256 and sizes against ``SHA256SUMS`` and the files.
    The signature is :func:`signature`'s."""
    sums_path = release / SUMS
    if not sums_path.is_file():
        return [Problem(SUMS, "missing: the release is incomplete")]
    sums = parse_sums(text_of(read_listing(sums_path), SUMS))
    problems = []
    for rel, digest in sorted(sums.items()):
        path = release / rel
        if not path.is_file():
            problems.append(Problem(rel, "missing"))
        elif sha256_file(path) != digest:
            problems.append(Problem(rel, "checksum does not match SHA256SUMS"))
    problems += _manifest_problems(release, sums)
    listed = set(sums) | {SUMS, SIG}
    for path in sorted(release.rglob("*")):
        rel = path.relative_to(release).as_posix()
        if path.is_file() and rel not in listed:
            problems.append(Problem(rel, "not listed in SHA256SUMS"))
    return problems


def signature(release: pathlib.Path, trusted: signing.Trusted | None = None) -> str:
    """One line on the release's ``SHA256SUMS.sig``; SignatureError when ``trusted`` is
    given and the signature is missing or does not verify with it."""
    sig = None
    if (release / SIG).is_file():
        with open(release / SIG, "rb") as fh:
            sig = fh.read(signing.MAX_SIG_BYTES + 1)
    return signing.check(read_listing(release / SUMS), sig, trusted)


# -- publish ---------------------------------------------------------------------------

def _protocols(fs) -> tuple[str, ...]:
    protocol = fs.protocol
    return (protocol,) if isinstance(protocol, str) else tuple(protocol)


def _fs(url: str):
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    return fs, root.rstrip("/")


def publish(release: pathlib.Path, dest: str, sign: pathlib.Path | None = None) -> str:
    """Copy a verified release to ``dest``; return its URL there. With ``sign`` (a
    private key file) the copy gets ``SHA256SUMS.sig``; without it, a signature the
    release already has is copied. A git repository or ``hf://datasets/ORG/NAME``
    gets the version as its whole tree, and a tag (:mod:`jingwen.release.hub`)."""
    problems = verify(release)
    if problems:
        raise ReleaseError("will not publish a release that does not verify: " +
                           "; ".join(f"{p.path}: {p.why}" for p in problems))
    manifest = read_manifest(release)
    version = manifest.get("version")
    if not isinstance(version, str) or parse_version(version) is None:
        raise ReleaseError(f"{MANIFEST} of {release} has no version X.Y.Z")
    sums = (release / SUMS).read_bytes()
    sig = signing.sign(sums, signing.load_private(sign)) if sign else None
    if sig is None and (release / SIG).is_file():
        sig = (release / SIG).read_bytes()
    if hub.is_hub(dest) or hub.is_git(dest):
        files = hub.files_of(release, sorted(parse_sums(text_of(sums, SUMS))), sig)
        try:
            return (hub.publish_hub if hub.is_hub(dest) else hub.publish_git)(dest, manifest, files)
        except hub.HubError as exc:
            raise ReleaseError(str(exc)) from None
    fs, root = _fs(dest)
    target = f"{root}/{version}"
    if fs.exists(f"{target}/{SUMS}"):
        if fs.cat_file(f"{target}/{SUMS}") != sums:
            raise ReleaseError(f"{dest} already has a different release {version}")
        if sig:  # signing a release published earlier
            fs.pipe_file(f"{target}/{SIG}", sig)
    else:
        for rel in sorted(parse_sums(text_of(sums, SUMS))):
            fs.makedirs(posixpath.dirname(f"{target}/{rel}"), exist_ok=True)
            fs.put_file(str(release / rel), f"{target}/{rel}")
        if sig:
            fs.pipe_file(f"{target}/{SIG}", sig)
        fs.pipe_file(f"{target}/{SUMS}", sums)  # the version is complete from here
    _update_index(fs, root, manifest)
    return f"{dest.rstrip('/')}/{version}"


def _update_index(fs, root: str, manifest: dict) -> None:
    index_path = f"{root}/{INDEX}"
    index = {"name": manifest["name"], "releases": []}
    if fs.exists(index_path):
        with fs.open(index_path, "rb") as fh:
            index = parse_index(fh.read(MAX_LISTING_BYTES + 1))
    entries = {e["version"]: e for e in index["releases"]}
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

class TooLarge(ReleaseError):
    """A source sent more bytes than a file may have: the download stops, nothing is kept."""


def _copy(read, out, left: int, what: str) -> None:
    """Copy ``read(n)`` blocks to ``out`` until the end; TooLarge once more than ``left`` bytes come."""
    while block := read(min(_CHUNK, left + 1)):
        if len(block) > left:
            raise TooLarge(f"stopped: {what}")
        out.write(block)
        left -= len(block)


class _Source:
    """Reads files of a published folder over http(s), or through fsspec, never more
    bytes than each may have."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.http = self.url.startswith(("http://", "https://"))
        if not self.http:
            self.fs, self.root = _fs(self.url)

    def read(self, rel: str, cap: int) -> bytes:
        """A whole file of at most ``cap`` bytes (TooLarge if it has more)."""
        buf = io.BytesIO()
        what = f"{self.url}/{rel} has more than {cap} bytes"
        if self.http:
            with urllib.request.urlopen(f"{self.url}/{rel}", timeout=60) as resp:
                _refuse_length(resp, 0, cap, what)
                _copy(resp.read, buf, cap, what)
        else:
            with self._open(rel) as fh:
                _copy(fh.read, buf, cap, what)
        return buf.getvalue()

    def _open(self, rel: str):
        """A file of a folder or an object store, opened for reading; a local path that is
        not a regular file (a FIFO, a device) is refused before it can block."""
        path = f"{self.root}/{rel}"
        if "file" not in _protocols(self.fs):
            return self.fs.open(path, "rb")
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a missing file raises as fsspec's open would
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise ReleaseError(f"{self.url}/{rel}: not a regular file")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")

    def fetch(self, rel: str, target: pathlib.Path, cap: int, why: str) -> None:
        """Copy one file of at most ``cap`` bytes (``why`` says where the limit comes from);
        over http, resume an interrupted transfer with a Range request."""
        what = f"{self.url}/{rel} has more than the {cap} bytes {why}"
        if not self.http:
            with self._open(rel) as fh, open(target, "wb") as out:
                _copy(fh.read, out, cap, what)
            return
        for attempt in range(_RETRIES):
            have = target.stat().st_size if target.exists() else 0
            have = have if have <= cap else 0
            req = urllib.request.Request(f"{self.url}/{rel}", headers={"Range": f"bytes={have}-"} if have else {})
            try:
                with urllib.request.urlopen(req, timeout=60) as resp:
                    if have and resp.status != 206:
                        have = 0  # the server ignored the range: start again
                    expected = _refuse_length(resp, have, cap, what)
                    with open(target, "ab" if have else "wb") as out:
                        _copy(resp.read, out, cap - have, what)
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


def _refuse_length(resp, have: int, cap: int, what: str) -> int | None:
    """The size the response says the file has (``have`` bytes already here), or None;
    TooLarge before any byte is read when that is over ``cap``."""
    length = resp.headers.get("Content-Length")
    if not (length and length.isdigit()):
        return None
    if have + int(length) > cap:
        raise TooLarge(f"stopped: {what} (Content-Length {length})")
    return have + int(length)


def parse_index(data: bytes) -> dict:
    """``releases.json``: an object whose ``releases`` are objects with a ``version``
    (entries with a version that is not X.Y.Z are dropped), else ReleaseError."""
    index = json_of(data, INDEX)
    entries = index.get("releases") if isinstance(index, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ReleaseError(f"malformed {INDEX}: no list of releases")
    index["releases"] = [e for e in entries if isinstance(e.get("version"), str) and parse_version(e["version"])]
    return index


def newest(index: dict) -> str:
    versions = [e["version"] for e in index["releases"]]
    if not versions:
        raise ReleaseError(f"{INDEX} lists no releases")
    return max(versions, key=parse_version)


def _read_optional(src: _Source, rel: str, cap: int) -> bytes | None:
    """A file of the source, or None when the source has no such file."""
    try:
        return src.read(rel, cap)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise ReleaseError(f"{src.url}/{rel}: HTTP {exc.code}") from None
    except FileNotFoundError:
        return None


def download(source: str, to: pathlib.Path, version: str | None = None,
             trusted: signing.Trusted | None = None) -> pathlib.Path:
    """Fetch a release from ``source`` into ``to/<version>`` and verify it; with a
    ``trusted`` key (or fingerprints), refuse it (before fetching its files) unless its
    signature verifies with that key.

    Bounded: the listings are read up to :data:`MAX_LISTING_BYTES`, each file listed in
    ``MANIFEST.json`` (checked against ``SHA256SUMS`` first) up to the size it gives
    there, any other up to :data:`MAX_UNSIZED_BYTES`. A source that sends more stops the
    download (TooLarge) and nothing it sent is kept."""
    src = _Source(source)
    if version is None:
        try:
            version = newest(parse_index(src.read(INDEX, MAX_LISTING_BYTES)))
        except (OSError, urllib.error.URLError) as exc:
            raise ReleaseError(f"cannot read {source}/{INDEX}: {exc}") from None
    if parse_version(version) is None:
        raise ReleaseError(f"version {version!r} is not X.Y.Z")
    final = to / version
    if final.exists():
        raise ReleaseError(f"{final} already exists")
    try:
        sums_bytes = src.read(f"{version}/{SUMS}", MAX_LISTING_BYTES)
    except (OSError, urllib.error.URLError) as exc:
        raise ReleaseError(f"{source} has no release {version} ({exc})") from None
    sig = _read_optional(src, f"{version}/{SIG}", signing.MAX_SIG_BYTES)
    if trusted is not None:
        try:
            signing.check(sums_bytes, sig, trusted)
        except SignatureError as exc:
            raise ReleaseError(f"refusing release {version} of {source}: {exc}") from None
    sums = parse_sums(text_of(sums_bytes, SUMS))
    if MANIFEST not in sums:
        raise ReleaseError(f"{SUMS} of {source}/{version} does not list {MANIFEST}")
    manifest_bytes = src.read(f"{version}/{MANIFEST}", MAX_LISTING_BYTES)
    if hashlib.sha256(manifest_bytes).hexdigest() != sums[MANIFEST]:
        raise ReleaseError(f"downloaded release does not verify: {MANIFEST}: checksum does not match {SUMS}")
    manifest = parse_manifest(manifest_bytes)
    if manifest.get("version") != version:
        raise ReleaseError(f"{MANIFEST} of {source}/{version} names another version")
    sizes = {e["path"]: e["bytes"] for e in manifest["files"]}
    made_to = not to.exists()
    partial = to / f".{version}.partial"
    partial.mkdir(parents=True, exist_ok=True)
    try:
        (partial / MANIFEST).write_bytes(manifest_bytes)
        for rel in sorted(set(sums) - {MANIFEST}):
            target = partial / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            if target.exists() and sha256_file(target) == sums[rel]:
                continue  # already here from an earlier, interrupted download
            cap, why = ((sizes[rel], f"{MANIFEST} gives") if rel in sizes else
                        (MAX_UNSIZED_BYTES, f"a file not sized in {MANIFEST} may have"))
            src.fetch(f"{version}/{rel}", target, cap, why)
    except TooLarge:
        shutil.rmtree(partial, ignore_errors=True)
        if made_to:
            to.rmdir()
        raise
    (partial / SUMS).write_bytes(sums_bytes)
    (partial / SIG).unlink(missing_ok=True)
    if sig is not None:
        (partial / SIG).write_bytes(sig)
    bad = [p for p in verify(partial) if p.why != "not listed in SHA256SUMS"]
    if bad:
        for p in bad:  # the next attempt fetches these again
            (partial / p.path).unlink(missing_ok=True)
        raise ReleaseError("downloaded release does not verify: " + "; ".join(f"{p.path}: {p.why}" for p in bad))
    os.rename(partial, final)
    return final
