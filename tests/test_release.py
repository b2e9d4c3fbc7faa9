"""Releases: reproducible, documented, publishable, downloadable, loadable.

Releases here are built with the same shard functions the Prefect flow calls
(tests/test_flow.py runs the flow itself). The HTTP servers and the S3 server
are real servers on loopback.
"""
import http.server
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import threading

import pyarrow as pa
import pyarrow.parquet
import pytest
from conftest import RAW, ROOT, build

from jingwen.release.card import load_card_info
from jingwen.release.croissant import CONTEXT
from jingwen.release.publish import ReleaseError, TooLarge, download, parse_sums, publish, verify
from jingwen.release.writer import write_release
from jingwen.schema import RECORD_SCHEMA, SCHEMA_FINGERPRINTS, SCHEMA_VERSION, rejects_table, schema_fingerprint

DATA_FILES = ("data/train-00000-of-00001.parquet", "jsonl/train-00000-of-00001.jsonl.gz",
              "rejects/rejects.parquet", "removed_lines/removed_lines.parquet")


def test_same_input_same_bytes(releases):
    _, second, again = releases
    for name in (*DATA_FILES, "validation/release.json", "croissant.json"):
        assert (second / name).read_bytes() == (again / name).read_bytes(), name


def test_layout_manifest_card_and_changes(releases):
    first, second, _ = releases
    names = {p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file()}
    assert names == set(DATA_FILES) | {"MANIFEST.json", "README.md", "SHA256SUMS", "changes.json", "croissant.json",
                                       "report.html", "LICENSE.md", "validation/release.json"}
    manifest = json.loads((second / "MANIFEST.json").read_text("utf-8"))
    assert manifest["counts"]["records"] == 5 and manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["changes"] == {"previous": "0.1.0", "added": 1, "removed": 0, "changed": 0, "unchanged": 4}
    assert [e["version"] for e in manifest["changelog"]] == ["0.1.0", "0.1.1"]
    listed = {f["path"]: f for f in manifest["files"]}
    assert listed["data/train-00000-of-00001.parquet"]["rows"] == 5
    changes = json.loads((second / "changes.json").read_text("utf-8"))
    assert len(changes["added"]) == 1 and changes["removed"] == [] and changes["unchanged"] == 4
    card = (second / "README.md").read_text("utf-8")
    front = card.split("---")[1]
    assert "config_name: records\n  default: true" in front and "path: data/train-*.parquet" in front
    assert "license:" in front and "- zh" in front and "size_categories" in front and "jsonl" not in front
    assert "1 added, 0 removed" in card and "## Changelog" in card
    out = subprocess.run([sys.executable, "-m", "jingwen.cli", "diff", str(first), str(second), "--ids"],
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith("0.1.0 -> 0.1.1: 1 added, 0 removed, 0 changed, 4 unchanged")
    assert out.count("added\t") == 1


def _card(release: pathlib.Path):
    from huggingface_hub import DatasetCard

    return DatasetCard.load(release / "README.md")


def test_the_default_card_is_honest_and_complete(releases):
    from datasets.info import DatasetInfosDict

    second = releases[1]
    card = _card(second)
    assert card.data.license == "other" and card.data.license_name == "news-articles-third-party"
    assert card.data.license_link == "LICENSE.md" and "no licence" in (second / "LICENSE.md").read_text("utf-8")
    assert "license_details" not in card.data.to_dict()
    for name in ("README.md", "croissant.json"):
        assert "example.invalid" not in (second / name).read_text("utf-8"), name
    for section in ("## Sources", "## Personal information", "## Known limitations", "## Licence", "## Citation"):
        assert section in card.text, section
    assert "`author` column holds bylines" in card.text and "@misc{jingwen_zh_news," in card.text
    infos = DatasetInfosDict.from_dataset_card_data(card.data)
    assert set(infos) == {"records", "rejects", "removed_lines"}
    info = infos["records"]
    split = info.splits["train"]
    assert split.num_examples == 5 and split.num_bytes > 0 and info.dataset_size == split.num_bytes
    assert info.download_size == (second / "data/train-00000-of-00001.parquet").stat().st_size
    assert list(info.features) == [f.name for f in RECORD_SCHEMA]
    assert infos["removed_lines"].splits["train"].num_examples > 0
    assert [c["config_name"] for c in card.data.configs if c.get("default")] == ["records"]


def test_card_options_are_what_the_card_says(tmp_path):
    config = tmp_path / "card.toml"
    config.write_text('name = "my-zh-news"\nlicense = "CC-BY-4.0"\n'
                      'citation = """@misc{mine, title = {Mine}}"""\n', "utf-8")
    info = load_card_info(str(config), homepage="https://example.org/zh-news")
    assert info.license == "cc-by-4.0" and info.name == "my-zh-news"
    release = build(RAW, tmp_path / "out", "1.0.0", info)
    card = _card(release)
    meta = card.data.to_dict()
    assert meta["license"] == "cc-by-4.0" and "license_link" not in meta and "license_name" not in meta
    assert not (release / "LICENSE.md").exists()
    assert "homepage: https://example.org/zh-news" in card.text and "@misc{mine, title = {Mine}}" in card.text
    croissant = json.loads((release / "croissant.json").read_text("utf-8"))
    assert croissant["name"] == "my-zh-news" and croissant["url"] == "https://example.org/zh-news"
    assert croissant["license"] == "https://spdx.org/licenses/cc-by-4.0.html" and croissant["citeAs"].startswith("@")
    again = build(RAW, tmp_path / "again", "1.0.0", info)  # same input, same options: same bytes
    for name in (*DATA_FILES, "README.md", "croissant.json"):
        assert (release / name).read_bytes() == (again / name).read_bytes(), name
    for bad, words in (({"license": "Not A Licence"}, "not an SPDX id"), ({"homepage": "example.org"}, "http"),
                       ({"name": "my news"}, "letters, digits")):
        with pytest.raises(ValueError, match=words):
            load_card_info(None, **bad)
    with pytest.raises(ValueError, match="unknown keys licence"):
        config.write_text('licence = "mit"\n', "utf-8")
        load_card_info(str(config))


def test_ids_are_checked_unique_over_the_whole_release(releases, tmp_path):
    from jingwen.validation import TableExpectationFailed

    result = json.loads((releases[1] / "validation" / "release.json").read_text("utf-8"))
    assert result["success"] and result["suite_name"] == "release"
    assert result["results"][0]["result"]["element_count"] == 5
    manifest = json.loads((releases[1] / "MANIFEST.json").read_text("utf-8"))
    assert {"id_unique", "release_id_unique"} <= {e["name"] for e in manifest["expectations"]}
    assert 'href="validation/release.json"' in (releases[1] / "report.html").read_text("utf-8")
    shard = releases[1] / "data" / "train-00000-of-00001.parquet"  # each shard valid, the same ids twice
    with pytest.raises(TableExpectationFailed, match="release_id_unique"):
        write_release(tmp_path, "0.2.0", [str(shard), str(shard)], rejects_table([]), [])
    assert not list(tmp_path.iterdir())


def test_schema_version_follows_the_schema():
    assert SCHEMA_FINGERPRINTS[SCHEMA_VERSION] == schema_fingerprint(RECORD_SCHEMA), \
        "the record schema changed: bump SCHEMA_VERSION (semver) and register its fingerprint"


def test_jsonl_is_utf8_not_escaped(releases):
    import gzip

    line = gzip.open(releases[1] / DATA_FILES[1], "rt", encoding="utf-8").readline()
    assert "\\u" not in line and "习近平" in line


def test_croissant_validates_typed_with_every_table(releases):
    import mlcroissant as mlc
    from mlcroissant._src.core.rdf import make_context

    dataset = mlc.Dataset(jsonld=str(releases[1] / "croissant.json"))
    assert not dataset.metadata.issues.warnings and not dataset.metadata.issues.errors
    assert CONTEXT == make_context(dataset.metadata.ctx) and dataset.metadata.ctx.is_v1_1()
    assert dataset.metadata.cite_as.startswith("@misc{jingwen_zh_news")
    records = list(dataset.records("records"))
    assert len(records) == 5
    dated = next(r for r in records if r["records/published_precision"] == b"datetime")
    assert dated["records/published_at"].tz is not None
    assert {"records/repairs/kind", "records/repairs/count"} <= set(dated["records/repairs"][0])
    assert len(list(dataset.records("removed_lines"))) == pa.parquet.read_metadata(
        releases[1] / "removed_lines" / "removed_lines.parquet").num_rows
    assert list(dataset.records("rejects")) == []
    fields = {f["name"]: f for f in json.loads((releases[1] / "croissant.json").read_text("utf-8"))
              ["recordSet"][0]["field"]}
    assert fields["published_at"]["dataType"] == "sc:DateTime" and fields["published_date"]["dataType"] == "sc:Date"


def test_four_loaders_read_the_same_types(releases, tmp_path, monkeypatch):
    release = releases[1]
    import duckdb
    import pandas as pd
    import polars as pl

    frame = pd.read_parquet(release / "data")
    assert len(frame) == 5 and str(frame["published_at"].dtype) == "datetime64[ms, Asia/Shanghai]"
    assert pl.read_parquet(str(release / "data" / "*.parquet")).schema["published_at"] == \
        pl.Datetime("ms", "Asia/Shanghai")
    assert duckdb.sql(f"SELECT count(*), typeof(any_value(published_at)), typeof(any_value(published_date)) "
                      f"FROM '{release}/data/*.parquet'").fetchall() == [(5, "TIMESTAMP WITH TIME ZONE", "DATE")]
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    import datasets
    from huggingface_hub import DatasetCard

    cache = str(tmp_path / "hf")
    features = datasets.DatasetInfo._from_yaml_dict(
        DatasetCard.load(release / "README.md").data["dataset_info"][0]).features  # records
    from_parquet = datasets.load_dataset("parquet", data_files=str(release / "data" / "*.parquet"),
                                         split="train", cache_dir=cache)
    from_json = datasets.load_dataset("json", data_files=str(release / "jsonl" / "*.jsonl.gz"), features=features,
                                      split="train", cache_dir=cache)
    assert from_parquet.num_rows == from_json.num_rows == 5
    parquet_schema = pa.parquet.read_schema(release / "data" / "train-00000-of-00001.parquet")
    assert from_json.data.table.schema.remove_metadata() == parquet_schema.remove_metadata() == RECORD_SCHEMA
    assert from_json.data.table.drop_columns([]).to_pylist() == from_parquet.data.table.to_pylist()


def test_verify_catches_a_flipped_byte(releases, tmp_path):
    copy = tmp_path / "0.1.1"
    shutil.copytree(releases[1], copy)
    assert verify(copy) == []
    target = copy / "data" / "train-00000-of-00001.parquet"
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    problems = verify(copy)
    assert [p.path for p in problems] == ["data/train-00000-of-00001.parquet"]
    out = subprocess.run([sys.executable, "-m", "jingwen.cli", "verify", str(copy)], capture_output=True, text=True)
    assert out.returncode == 1 and "train-00000-of-00001.parquet" in out.stderr


def test_unsafe_paths_are_refused():
    for evil in ("../../etc/passwd", "/etc/passwd", "a/../../b", "C:/x"):
        with pytest.raises(ReleaseError):
            parse_sums(f"{'0' * 64}  {evil}\n")


def test_publish_and_download_through_a_folder(releases, tmp_path):
    dest = tmp_path / "mirror"
    publish(releases[0], str(dest))
    publish(releases[1], str(dest))
    index = json.loads((dest / "releases.json").read_text("utf-8"))
    assert index["latest"] == "0.1.1" and [r["version"] for r in index["releases"]] == ["0.1.0", "0.1.1"]
    got = download(str(dest), tmp_path / "got")
    assert got.name == "0.1.1" and verify(got) == []
    older = download(f"file://{dest}", tmp_path / "got", "0.1.0")
    assert verify(older) == []


# -- HTTP --------------------------------------------------------------------------------

class RangeHandler(http.server.SimpleHTTPRequestHandler):
    """A static file server that honours ``Range: bytes=N-`` (http.server does not)."""

    drop_once: set = set()  # paths whose first full response is cut off mid-file

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = pathlib.Path(self.translate_path(self.path))
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        start = 0
        rng = self.headers.get("Range")
        if rng and rng.startswith("bytes="):
            start = int(rng[6:].split("-")[0])
            if start >= len(data):
                self.send_response(416)
                self.end_headers()
                return
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        else:
            self.send_response(200)
        body = data[start:]
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.path in self.drop_once and not rng and len(body) > 100:
            self.drop_once.discard(self.path)
            self.wfile.write(body[: len(body) // 2])
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)  # the connection drops mid-file
            return
        self.wfile.write(body)


@pytest.fixture()
def http_server(tmp_path):
    root = tmp_path / "www"
    root.mkdir()

    def handler(*args, **kwargs):
        return RangeHandler(*args, directory=str(root), **kwargs)

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_download_over_http_resumes_a_dropped_file(releases, http_server, tmp_path):
    root, url = http_server
    publish(releases[1], str(root))
    RangeHandler.drop_once = {"/0.1.1/data/train-00000-of-00001.parquet", "/0.1.1/README.md"}
    got = download(url, tmp_path / "got")
    assert not RangeHandler.drop_once, "the server did drop the connections"
    assert verify(got) == []


def test_download_names_the_files_that_do_not_match(releases, http_server, tmp_path):
    root, url = http_server
    publish(releases[1], str(root))
    (root / "0.1.1" / "croissant.json").write_text("{}", "utf-8")  # tampered on the server
    with pytest.raises(ReleaseError, match="croissant.json"):
        download(url, tmp_path / "got")
    assert not (tmp_path / "got" / "0.1.1").exists()
    out = subprocess.run([sys.executable, "-m", "jingwen.cli", "download", url, "--to", str(tmp_path / "cli")],
                         capture_output=True, text=True)
    assert out.returncode == 1 and "croissant.json" in out.stderr and "Traceback" not in out.stderr


# -- S3 ------------------------------------------------------------------------------------

@pytest.fixture()
def s3_server(monkeypatch):
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                       "AWS_DEFAULT_REGION": "us-east-1", "AWS_ENDPOINT_URL": endpoint}.items():
        monkeypatch.setenv(key, value)
    import boto3

    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="datasets")
    yield endpoint
    server.stop()


def test_publish_and_download_through_s3(releases, s3_server, tmp_path):
    import fsspec

    fsspec.config.conf.pop("s3", None)
    publish(releases[0], "s3://datasets/jingwen")
    publish(releases[1], "s3://datasets/jingwen")
    got = download("s3://datasets/jingwen", tmp_path / "got")
    assert got.name == "0.1.1" and verify(got) == []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-m", "jingwen.cli", "download", "s3://datasets/jingwen", "--version",
                          "0.1.0", "--to", str(tmp_path / "cli")], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert verify(tmp_path / "cli" / "0.1.0") == []
    from test_signing import DATA, tiny_release  # an object grown past its size in the manifest is stopped

    publish(tiny_release(tmp_path / "out"), "s3://datasets/grown")
    fsspec.filesystem("s3").pipe_file(f"datasets/grown/0.1.0/{DATA}", b"\0" * (8 << 20))
    with pytest.raises(TooLarge, match="bytes MANIFEST.json gives"):
        download("s3://datasets/grown", tmp_path / "grown")
    assert not (tmp_path / "grown").exists()


def test_rows_sorted_and_no_pandas_metadata(releases):
    import pyarrow.parquet as pq

    table = pq.read_table(releases[1] / DATA_FILES[0])
    ids = table.column("id").to_pylist()
    assert ids == sorted(ids)
    assert b"pandas" not in (table.schema.metadata or {})
    meta = pq.ParquetFile(releases[1] / DATA_FILES[0]).metadata
    text_col = [i for i in range(meta.num_columns) if meta.schema.column(i).name == "text"][0]
    assert not meta.row_group(0).column(text_col).is_stats_set
    assert meta.row_group(0).column(text_col).compression == "ZSTD"
    assert isinstance(table.schema.field("repairs").type, pa.ListType)


def test_large_releases_stream_in_id_ranges(releases, tmp_path, monkeypatch):
    """With small data shards the records are split by id range: the same rows, the
    same removed lines, sorted across shards, whichever order the inputs come in."""
    import pyarrow.parquet as pq

    from jingwen.release import writer as writing

    one = pq.read_table(releases[1] / DATA_FILES[0])
    removed = pq.read_table(releases[1] / "removed_lines" / "removed_lines.parquet")
    halves = []
    for i, part in enumerate((one.slice(0, 3), one.slice(3))):  # inputs in an unsorted order
        halves.append(str(tmp_path / f"part{i}.parquet"))
        pq.write_table(part, halves[-1])
    pq.write_table(removed, tmp_path / "removed.parquet")
    monkeypatch.setattr(writing, "SHARD_TARGET_BYTES", max(1, one.nbytes // 3))
    summary = writing.write_release(tmp_path / "out", "0.1.0", halves[::-1], rejects_table([]),
                                    [str(tmp_path / "removed.parquet")])
    data = sorted((tmp_path / "out" / "0.1.0" / "data").glob("*.parquet"))
    assert len(data) >= 2 and summary.records == one.num_rows
    ids = [i for path in data for i in pq.read_table(path).column("id").to_pylist()]
    assert ids == one.column("id").to_pylist()  # globally sorted, nothing lost
    again = pq.read_table(tmp_path / "out" / "0.1.0" / "removed_lines" / "removed_lines.parquet")
    assert again.equals(removed.cast(again.schema))


def test_a_malicious_release_cannot_write_outside_the_target(releases, http_server, tmp_path):
    root, url = http_server
    publish(releases[1], str(root))
    sums = root / "0.1.1" / "SHA256SUMS"
    sums.write_text(sums.read_text("utf-8") + f"{'0' * 64}  ../../escaped.txt\n", "utf-8")
    with pytest.raises(ReleaseError, match="unsafe path"):
        download(url, tmp_path / "got")
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path.parent / "escaped.txt").exists()
