"""Publishing in the Hub layout: to local git repositories (a clone, a bare remote)
and, up to the requests it would send, to the Hugging Face Hub."""
import json
import pathlib
import subprocess

import pytest
from conftest import RAW, build

from jingwen.release.hub import publish_hub
from jingwen.release.publish import ReleaseError, publish


def git(*args, cwd=None) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def load(path: pathlib.Path, cache: pathlib.Path, **kwargs):
    import datasets

    return datasets.load_dataset(str(path), split="train", cache_dir=str(cache), **kwargs)


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def test_a_git_clone_holds_one_version_and_tags_every_one(releases, tmp_path, offline):
    first, second, _ = releases
    repo = tmp_path / "repo"
    git("init", "-q", "-b", "main", str(repo))
    assert publish(first, str(repo)) == f"{repo}@0.1.0"
    assert publish(second, str(repo)) == f"{repo}@0.1.1"
    assert publish(second, str(repo)) == f"{repo}@0.1.1"  # again: nothing new
    assert git("tag", cwd=repo).split() == ["0.1.0", "0.1.1"]
    assert git("log", "--format=%s", cwd=repo).splitlines() == ["jingwen release 0.1.1 (5 records)",
                                                                "jingwen release 0.1.0 (4 records)"]
    assert git("status", "--porcelain", cwd=repo) == ""
    tracked = set(git("ls-files", cwd=repo).splitlines())
    assert {"README.md", "data/train-00000-of-00001.parquet", "rejects/rejects.parquet", "SHA256SUMS"} <= tracked
    assert "releases.json" not in tracked and not any(p.startswith("0.1") for p in tracked)
    assert len(load(repo, tmp_path / "hf")) == 5
    rejects = load(repo, tmp_path / "hf", name="removed_lines")
    assert rejects.num_rows > 0 and "reason" in rejects.column_names
    # datasets ignores revision= for a local folder: a tag is checked out (on the Hub, revision="0.1.0")
    old = tmp_path / "old"
    git("clone", "-q", "--branch", "0.1.0", str(repo), str(old))
    assert len(load(old, tmp_path / "hf")) == 4
    # the same release makes the same commit: the dates are the release's
    again = tmp_path / "again"
    git("init", "-q", "-b", "main", str(again))
    publish(first, str(again))
    assert git("rev-parse", "0.1.0", cwd=again) == git("rev-parse", "0.1.0", cwd=repo)


def test_a_bare_remote_gets_the_branch_and_tags_older_versions_only_tagged(releases, tmp_path):
    first, second, _ = releases
    remote = tmp_path / "remote.git"
    git("init", "-q", "--bare", "-b", "main", str(remote))
    publish(second, f"git+file://{remote}")
    publish(first, f"git+file://{remote}")  # older: tagged, the branch stays on 0.1.1
    clone = tmp_path / "clone"
    git("clone", "-q", str(remote), str(clone))
    assert json.loads((clone / "MANIFEST.json").read_text("utf-8"))["version"] == "0.1.1"
    assert git("tag", cwd=clone).split() == ["0.1.0", "0.1.1"]
    assert json.loads(git("show", "0.1.0:MANIFEST.json", cwd=clone))["version"] == "0.1.0"


def test_a_git_target_refuses_local_changes_and_another_release_of_a_version(releases, tmp_path):
    first, second, _ = releases
    repo = tmp_path / "repo"
    git("init", "-q", str(repo))
    publish(first, str(repo))
    (repo / "notes.txt").write_text("mine", "utf-8")
    with pytest.raises(ReleaseError, match="uncommitted changes"):
        publish(second, str(repo))
    (repo / "notes.txt").unlink()
    other = build(RAW, tmp_path / "out", "0.1.0")  # five samples where the published 0.1.0 has four
    with pytest.raises(ReleaseError, match="already has a different release 0.1.0"):
        publish(other, str(repo))


class FakeHub:
    """Stands in for ``huggingface_hub.HfApi``: records what would be sent."""

    def __init__(self, files=(), tags=()):
        self.files, self.tags, self.calls = list(files), list(tags), []

    def create_repo(self, repo_id, repo_type, exist_ok):
        self.calls.append(("create_repo", repo_id, repo_type, exist_ok))

    def list_repo_refs(self, repo_id, repo_type):
        from types import SimpleNamespace

        return SimpleNamespace(tags=[SimpleNamespace(name=t) for t in self.tags])

    def list_repo_files(self, repo_id, repo_type):
        return self.files

    def create_commit(self, repo_id, operations, repo_type, commit_message):
        from types import SimpleNamespace

        self.calls.append(("create_commit", repo_id, repo_type, commit_message, operations))
        return SimpleNamespace(oid="c0ffee")

    def create_tag(self, repo_id, tag, revision, repo_type, tag_message):
        self.calls.append(("create_tag", repo_id, tag, revision, repo_type))


def test_the_hub_gets_one_commit_of_the_layout_and_a_tag(releases):
    from huggingface_hub import CommitOperationAdd, CommitOperationDelete

    from jingwen.release.hub import files_of
    from jingwen.release.publish import parse_sums, read_manifest

    release = releases[1]
    listed = sorted(parse_sums((release / "SHA256SUMS").read_text("utf-8")))
    api = FakeHub(files=[".gitattributes", "README.md", "old/stale.parquet"])
    url = publish_hub("hf://datasets/my-org/zh-news", read_manifest(release), files_of(release, listed, None), api)
    assert url == "hf://datasets/my-org/zh-news@0.1.1"
    assert api.calls[0] == ("create_repo", "my-org/zh-news", "dataset", True)
    _, repo, kind, message, operations = api.calls[1]
    added = {op.path_in_repo for op in operations if isinstance(op, CommitOperationAdd)}
    assert {"README.md", "data/train-00000-of-00001.parquet", "SHA256SUMS"} <= added and "releases.json" not in added
    assert [op.path_in_repo for op in operations if isinstance(op, CommitOperationDelete)] == ["old/stale.parquet"]
    assert (repo, kind, message) == ("my-org/zh-news", "dataset", "jingwen release 0.1.1 (5 records)")
    assert api.calls[2] == ("create_tag", "my-org/zh-news", "0.1.1", "c0ffee", "dataset")
    with pytest.raises(Exception, match="already has a tag 0.1.1"):
        publish_hub("hf://datasets/my-org/zh-news", read_manifest(release), {}, FakeHub(tags=["0.1.1"]))


def test_the_hub_without_a_token_is_one_line(releases, monkeypatch, tmp_path):
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf-home"))
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ReleaseError, match="no Hugging Face token: set HF_TOKEN"):
        publish(releases[1], "hf://datasets/my-org/zh-news")
    monkeypatch.setenv("HF_TOKEN", "hf_not_a_real_token")
    with pytest.raises(ReleaseError, match="offline mode is enabled") as info:
        publish(releases[1], "hf://datasets/my-org/zh-news")
    assert "\n" not in str(info.value)
