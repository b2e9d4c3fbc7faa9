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

import json
import os
import pathlib
import posixpath
import re
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from jingwen.release import hub, signing
from jingwen.release.signing import SIG, SignatureError
from jingwen.release.versions import parse_version, sha256_file

INDEX = "releases.json"
SUMS = "SHA256SUMS"
MANIFEST = "MANIFEST.json"
_SUM_LINE_RE = re.compile(r"([0-9a-f]{64}) [ *](.+)")
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


def text_of(data: bytes, name: str) -> str:
    """``data`` as UTF-8, else ReleaseError naming the listing ``name``."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ReleaseError(f"malformed {name}: not UTF-8 text (byte {exc.start})") from None


def parse_sums(text: str) -> dict[str, str]:
    """path -> sha256 from GNU ``sha256sum`` output, every path checked safe."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        m = _SUM_LINE_RE.fullmatch(line)
        if not m:
            raise ReleaseError(f"malformed line in {SUMS}: {line[:80]!r}")
        out[safe_relative(m.group(2))] = m.group(1)
    if not out:
        raise ReleaseError(f"{SUMS} lists no files")
    return out


def read_manifest(release: pathlib.Path) -> dict:
    """A release's ``MANIFEST.json``, or ReleaseError when it is missing or malformed."""
    try:
        manifest = json.loads(text_of((release / MANIFEST).read_bytes(), MANIFEST))
    except FileNotFoundError:
        raise ReleaseError(f"{release} has no {MANIFEST}") from None
    except ValueError as exc:
        raise ReleaseError(f"malformed {MANIFEST}: {exc}") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), list):
        raise ReleaseError(f"malformed {MANIFEST}: no list of files")
    return manifest


def _manifest_problems(release: pathlib.Path, sums: dict[str, str]) -> list[Problem]:
    """Files whose sha256 or size in ``MANIFEST.json`` disagree with ``SHA256SUMS`` or the file."""
    if not (release / MANIFEST).is_file():
        return [] if MANIFEST in sums else [Problem(MANIFEST, "missing")]
    try:
        entries = read_manifest(release)["files"]
        problems = []
        for entry in entries:
            rel = safe_relative(entry["path"])
            path = release / rel
            if rel not in sums:
                problems.append(Problem(rel, f"in {MANIFEST} but not in {SUMS}"))
            elif entry["sha256"] != sums[rel]:
                problems.append(Problem(rel, f"sha256 in {MANIFEST} differs from {SUMS} (changed after the "
                                             "release was written)"))
            elif path.is_file() and path.stat().st_size != entry["bytes"]:
                problems.append(Problem(rel, f"{path.stat().st_size} bytes, {MANIFEST} says {entry['bytes']}"))
        return problems
    except (ReleaseError, KeyError, TypeError) as exc:
        why = str(exc) if isinstance(exc, ReleaseError) else f"malformed file entry ({type(exc).__name__}: {exc})"
        return [Problem(MANIFEST, why)]


def verify(release: pathlib.Path) -> list[Problem]:
    """Every file of a release against its ``SHA256SUMS`` (missing, changed or unlisted
    files), and ``MANIFEST.json``'s sha256 and sizes against ``SHA256SUMS`` and the files.
    The signature is :func:`signature`'s."""
    sums_path = release / SUMS
    if not sums_path.is_file():
        return [Problem(SUMS, "missing: the release is incomplete")]
    sums = parse_sums(text_of(sums_path.read_bytes(), SUMS))
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


def signature(release: pathlib.Path, trusted: Ed25519PublicKey | None = None) -> str:
    """One line on the release's ``SHA256SUMS.sig``; SignatureError when ``trusted`` is
    given and the signature is missing or does not verify with it."""
    sig = None
    if (release / SIG).is_file():
        with open(release / SIG, "rb") as fh:
            sig = fh.read(signing.MAX_SIG_BYTES + 1)
    return signing.check((release / SUMS).read_bytes(), sig, trusted)


# -- publish ---------------------------------------------------------------------------

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
        index = parse_index(fs.cat_file(index_path))
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


def parse_index(data: bytes) -> dict:
    """``releases.json``: an object whose ``releases`` are objects with a ``version``
    (entries with a version that is not X.Y.Z are dropped), else ReleaseError."""
    try:
        index = json.loads(text_of(data, INDEX))
    except ValueError as exc:
        raise ReleaseError(f"malformed {INDEX}: {exc}") from None
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


def _read_optional(src: _Source, rel: str) -> bytes | None:
    """A file of the source, or None when the source has no such file."""
    try:
        return src.read(rel)
    except urllib.error.HTTPError as exc:
        if exc.code == 404:
            return None
        raise ReleaseError(f"{src.url}/{rel}: HTTP {exc.code}") from None
    except FileNotFoundError:
        return None


def download(source: str, to: pathlib.Path, version: str | None = None,
             trusted: Ed25519PublicKey | None = None) -> pathlib.Path:
    """Fetch a release from ``source`` into ``to/<version>`` and verify it; with a
    ``trusted`` public key, refuse it (before fetching its files) unless its signature
    verifies with that key."""
    src = _Source(source)
    if version is None:
        try:
            version = newest(parse_index(src.read(INDEX)))
        except (OSError, urllib.error.URLError) as exc:
            raise ReleaseError(f"cannot read {source}/{INDEX}: {exc}") from None
    if parse_version(version) is None:
        raise ReleaseError(f"version {version!r} is not X.Y.Z")
    final = to / version
    if final.exists():
        raise ReleaseError(f"{final} already exists")
    try:
        sums_bytes = src.read(f"{version}/{SUMS}")
    except (OSError, urllib.error.URLError) as exc:
        raise ReleaseError(f"{source} has no release {version} ({exc})") from None
    sig = _read_optional(src, f"{version}/{SIG}")
    if trusted is not None:
        try:
            signing.check(sums_bytes, sig, trusted)
        except SignatureError as exc:
            raise ReleaseError(f"refusing release {version} of {source}: {exc}") from None
    sums = parse_sums(text_of(sums_bytes, SUMS))
    partial = to / f".{version}.partial"
    partial.mkdir(parents=True, exist_ok=True)
    for rel in sorted(sums):
        target = partial / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists() and sha256_file(target) == sums[rel]:
            continue  # already here from an earlier, interrupted download
        src.fetch(f"{version}/{rel}", target)
    (partial / SUMS).write_bytes(sums_bytes)
    (partial / SIG).unlink(missing_ok=True)
    if sig is not None:
        (partial / SIG).write_bytes(sig)
    bad = [p for p in verify(partial) if p.why != "not listed in SHA256SUMS"]
    if bad:
        for p in bad:  # the next attempt fetches these again
            (partial / p.path).unlink(missing_ok=True)
        raise ReleaseError("downloaded release does not verify: " + "; ".join(f"{p.path}: {p.why}" for p in bad))
    if read_manifest(partial).get("version") != version:
        raise ReleaseError(f"{MANIFEST} of {source}/{version} names another version")
    os.rename(partial, final)
    return final
