"""The Prefect flow, for real, on the session's Prefect server (conftest.prefect_server)."""
import json
import pathlib
import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest
from conftest import RAW, ROOT, gold_dir, score_script


def test_release_flow_builds_a_scored_release(prefect_server, tmp_path):
    from jingwen.flows.release_flow import release

    summary = release(raw=str(RAW), out=str(tmp_path))
    assert summary["version"] == "0.1.0" and summary["records"] == 5 and summary["rejects"] == 0
    rel = tmp_path / "0.1.0"
    names = {p.relative_to(rel).as_posix() for p in rel.rglob("*") if p.is_file()}
    assert names == {"MANIFEST.json", "README.md", "SHA256SUMS", "data/train-00000-of-00001.parquet",
                     "jsonl/train-00000-of-00001.jsonl.gz", "rejects/rejects.parquet",
                     "removed_lines/removed_lines.parquet", "changes.json", "croissant.json", "report.html",
                     "LICENSE.md", "validation/release.json"}
    assert pq.read_table(rel / "data/train-00000-of-00001.parquet").num_rows == 5
    out = subprocess.run([sys.executable, str(score_script()), str(rel), "--gold", str(gold_dir())],
                         capture_output=True, text=True, check=True).stdout
    overall = out.strip().splitlines()[-1]
    values = dict(kv.split("=") for kv in overall.split()[1:])
    assert float(values["cer"]) <= 0.002 and values["leak"] == "0.000" and values["meta"] == "1.000", overall

    assert summary["work"] == {"cleaned": 5, "reused": 0}
    markdown, table = _artifacts()
    assert "# Release 0.1.0" in markdown.data and "**5** records" in markdown.data
    assert {"what": "repair", "name": "pinyin_annotation", "count": summary["repairs_by_kind"]["pinyin_annotation"]} \
        in json.loads(table.data)
    again = release(raw=str(RAW), out=str(tmp_path))  # nothing new: nothing to do
    assert again["up_to_date"] and again["version"] == "0.1.0"
    second = release(raw=str(RAW), out=str(tmp_path), version="0.1.1")  # forced: from the cache
    assert second["version"] == "0.1.1" and second["work"] == {"cleaned": 0, "reused": 5}
    for name in ("data/train-00000-of-00001.parquet", "jsonl/train-00000-of-00001.jsonl.gz"):
        assert (rel / name).read_bytes() == (tmp_path / "0.1.1" / name).read_bytes()
    assert not list(tmp_path.glob(".work-*")) and not list(tmp_path.glob(".tmp-*"))


def _artifacts():
    """The newest markdown and table artifacts the release flow published."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.client.schemas.sorting import ArtifactSort

    with get_client(sync_client=True) as client:
        newest_first = client.read_artifacts(
            artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["jingwen-release", "jingwen-counts"])),
            sort=ArtifactSort.CREATED_DESC)
    found = {}
    for artifact in newest_first:
        found.setdefault(artifact.key, artifact)
    return found["jingwen-release"], found["jingwen-counts"]


def test_one_new_file_cleans_one_file(prefect_server, tmp_path):
    from jingwen.flows.release_flow import release

    raw = tmp_path / "raw"
    raw.mkdir()
    for p in sorted(RAW.glob("*.txt"))[:4]:
        shutil.copy(p, raw / p.name)
    first = release(raw=str(raw), out=str(tmp_path / "out"), cache=str(tmp_path / "cache"))
    assert first["work"] == {"cleaned": 4, "reused": 0}
    shutil.copy(sorted(RAW.glob("*.txt"))[4], raw)
    second = release(raw=str(raw), out=str(tmp_path / "out"), cache=str(tmp_path / "cache"))
    assert second["work"] == {"cleaned": 1, "reused": 4}
    assert second["changes"]["added"] == 1 and second["changes"]["unchanged"] == 4


def test_bad_files_become_rejects(prefect_server, tmp_path):
    from jingwen.flows.release_flow import release

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_text("标题在这里\n" + "这是一篇正常的新闻稿件，内容完整，句子通顺。" * 3, "utf-8")
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (raw / "footer.txt").write_text("返回顶部\nCopyright © 2024 某某网 版权所有\n", "utf-8")
    summary = release(raw=str(raw), out=str(tmp_path / "out"))
    assert summary["records"] == 1
    assert summary["rejects_by_reason"] == {"binary": 1, "empty": 1, "no_article": 1}
    rejects = pq.read_table(pathlib.Path(summary["path"]) / "rejects/rejects.parquet").to_pylist()
    assert {r["raw_file"] for r in rejects} == {"empty.txt", "binary.txt", "footer.txt"}


def test_a_failed_table_expectation_stops_the_release(prefect_server, tmp_path, monkeypatch):
    from jingwen.flows import release_flow
    from jingwen.validation import TableExpectationFailed

    suite = {"name": "strict", "expectations": [
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"max_value": 2},
         "meta": {"name": "at_most_two_records"}}]}
    monkeypatch.setattr(release_flow, "load_suites", lambda: [suite])
    with pytest.raises(TableExpectationFailed, match="at_most_two_records"):
        release_flow.release(raw=str(RAW), out=str(tmp_path))
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == []


def test_shard_tasks_retry_on_io_failures_only():
    from prefect.states import Failed

    from jingwen.flows.release_flow import _io_failure, finish_shard, prepare_shard, validate_shard
    from jingwen.validation import TableExpectationFailed

    for shard_task in (prepare_shard, finish_shard, validate_shard):
        assert shard_task.retries == 2 and shard_task.retry_condition_fn is _io_failure
    assert _io_failure(None, None, Failed(data=OSError("Stale file handle")))
    assert not _io_failure(None, None, Failed(data=TableExpectationFailed("schema")))
    assert not _io_failure(None, None, Failed(data=ValueError("a bug")))


def test_prefect_yaml_deploys_the_jingwen_release_flow(prefect_server, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name="jingwen", type="process"))
    shutil.copy(ROOT / "prefect.yaml", tmp_path)
    prefect = pathlib.Path(sys.executable).parent / "prefect"
    out = subprocess.run([str(prefect), "--no-prompt", "deploy", "--name", "jingwen-release"], cwd=tmp_path,
                         env=prefect_server, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stdout + out.stderr
    with get_client(sync_client=True) as client:
        deployment = client.read_deployment_by_name("jingwen-release/jingwen-release")
    assert deployment.entrypoint == "jingwen.flows.release_flow.release" and deployment.work_pool_name == "jingwen"
    assert deployment.parameters == {"raw": "raw", "out": "output"}
