"""Property tests (hypothesis) of the listing parsers: whatever bytes a mirror serves as
SHA256SUMS, MANIFEST.json or releases.json, the parser returns safe values or raises
ReleaseError, never anything else."""
import json
import posixpath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jingwen.release.publish import MAX_PATH_PARTS, ReleaseError, parse_index, parse_manifest, parse_sums, safe_relative
from jingwen.release.versions import parse_version

HEX = st.text("0123456789abcdef", min_size=64, max_size=64)
PARTS = st.sampled_from(["data", "..", ".", "", "a b", "C:", "x\\y", "名", "\x00", "~", "-", "\u2028"])
PATHS = st.lists(PARTS, min_size=1, max_size=MAX_PATH_PARTS + 2).map("/".join) | st.text(max_size=40)
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
                    | PATHS | HEX, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(
                        st.sampled_from(["files", "path", "sha256", "bytes", "version", "releases", "x"]), kids,
                        max_size=4), max_leaves=20)
# In the whole suite, threads of earlier tests (Prefect's clients) draw from `random` while
# hypothesis generates, and it warns about the state it sees change; these strategies use none.
pytestmark = pytest.mark.filterwarnings("ignore:Do not use the `random` module inside strategies")


def assert_safe(path: str) -> None:
    assert path and not path.startswith("/") and "\x00" not in path and "\\" not in path
    assert posixpath.normpath(posixpath.join("/release", path)).startswith("/release/")
    assert path.count("/") < MAX_PATH_PARTS


@settings(max_examples=300, deadline=None)
@given(PATHS)
def test_safe_relative_returns_a_path_inside_or_refuses(path):
    try:
        assert_safe(safe_relative(path))
    except ReleaseError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(HEX | st.text(max_size=64), st.sampled_from(["  ", " *", " ", "\t"]), PATHS), max_size=6)
       .map(lambda rows: "\n".join(f"{h}{sep}{p}" for h, sep, p in rows)) | st.text())
def test_sha256sums_parse_to_safe_paths_or_refuse(text):
    try:
        sums = parse_sums(text)
    except ReleaseError:
        return
    assert sums
    for path, digest in sums.items():
        assert_safe(path)
        assert len(digest) == 64 and set(digest) <= set("0123456789abcdef")


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(st.lists(st.sampled_from(["data", "jsonl", "名.parquet", "a b"]), min_size=1, max_size=3)
                       .map("/".join), HEX, min_size=1, max_size=5))
def test_sha256sums_round_trip(listing):
    assert parse_sums("".join(f"{digest}  {path}\n" for path, digest in listing.items())) == listing


def as_bytes(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode()


MANIFESTS = (st.binary(max_size=64) | JSON.map(as_bytes)
             | st.lists(st.fixed_dictionaries({"path": PATHS | JSON, "sha256": HEX | JSON, "bytes": st.integers()
                                               | JSON}), max_size=3).map(lambda f: as_bytes({"files": f})))


@settings(max_examples=300, deadline=None)
@given(MANIFESTS)
def test_manifests_parse_to_checked_entries_or_refuse(data):
    try:
        manifest = parse_manifest(data)
    except ReleaseError:
        return
    for entry in manifest["files"]:
        assert_safe(entry["path"])
        assert type(entry["bytes"]) is int and entry["bytes"] >= 0 and len(entry["sha256"]) == 64


INDEXES = (st.binary(max_size=64) | JSON.map(as_bytes)
           | st.lists(st.dictionaries(st.just("version"), st.sampled_from(["0.1.0", "0.1.0\n", "1.2", "01.2.3", "x"])
                                      | JSON), max_size=4).map(lambda r: as_bytes({"releases": r})))


@settings(max_examples=300, deadline=None)
@given(INDEXES)
def test_indexes_parse_to_versions_or_refuse(data):
    try:
        index = parse_index(data)
    except ReleaseError:
        return
    assert all(isinstance(e["version"], str) and parse_version(e["version"]) for e in index["releases"])


@pytest.mark.parametrize("parse", [parse_manifest, parse_index])
def test_json_nested_too_deeply_is_refused(parse):
    with pytest.raises(ReleaseError, match="nested too deeply"):
        parse(b"[" * 100_000)
