"""Race-free reads: a raw file swapped after discovery for a symlink, a FIFO, a device
or a folder is a reject with its reason, never read and never a hang."""
import os
import pathlib
import stat
import threading

import pyarrow.parquet as pq
import pytest

from jingwen import shards
from jingwen.document import DEFAULT_LIMITS, Limits
from jingwen.raw import discover, raw_text, read_raw
from jingwen.schema import Reject

SECRET = "外部文件的秘密内容，不应进入发布。".encode()


@pytest.fixture()
def raw(tmp_path):
    root = tmp_path / "raw"
    (root / "site").mkdir(parents=True)
    for name in ("a.txt", "site/b.txt"):
        (root / name).write_bytes(f"文章 {name}".encode())
    (tmp_path / "outside.txt").write_bytes(SECRET)
    return root


def swap(path: pathlib.Path, make) -> None:
    """Replace ``path`` (listed by discovery) by what ``make(path)`` creates."""
    path.unlink()
    make(path)


def read_soon(root: pathlib.Path, name: str, limits: Limits = DEFAULT_LIMITS) -> bytes | Reject:
    """read_raw in a thread that must finish within 5 s (a FIFO once hung forever)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(read_raw(root, name, limits)), daemon=True)
    thread.start()
    thread.join(5)
    assert not thread.is_alive(), f"reading {name} hangs"
    return result[0]


def test_a_regular_file_is_read(raw):
    files, refused = discover(raw)
    assert files == ["a.txt", "site/b.txt"] and refused == []
    assert read_soon(raw, "site/b.txt") == "文章 site/b.txt".encode()


def test_a_file_swapped_for_a_symlink_outside_is_not_read(raw, tmp_path):
    files, _ = discover(raw)
    swap(raw / "a.txt", lambda p: p.symlink_to(tmp_path / "outside.txt"))
    got = read_soon(raw, files[0])
    assert isinstance(got, Reject) and got.reason == "unreadable"
    assert "symlink" in got.detail and "outside.txt" in got.detail


def test_a_folder_swapped_for_a_symlink_is_not_followed(raw, tmp_path):
    files, _ = discover(raw)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "b.txt").write_bytes(SECRET)
    (raw / "site" / "b.txt").unlink()
    (raw / "site").rmdir()
    (raw / "site").symlink_to(elsewhere)
    got = read_soon(raw, files[1])
    assert isinstance(got, Reject) and got.reason == "unreadable" and "folder on its path" in got.detail


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_special_files_swapped_in_are_rejected_at_once(raw, kind):
    makers = {"fifo": os.mkfifo, "folder": os.mkdir,
              "device": lambda p: os.mknod(p, stat.S_IFCHR | 0o600, os.makedev(1, 5))}  # /dev/zero
    files, _ = discover(raw)
    try:
        swap(raw / "a.txt", makers[kind])
    except PermissionError:
        pytest.skip("mknod needs privileges")
    got = read_soon(raw, files[0])
    assert isinstance(got, Reject) and got.reason == "unreadable" and "not a regular file" in got.detail


def test_size_is_checked_on_the_descriptor(raw):
    (raw / "a.txt").write_bytes(b"x" * 101)
    got = read_soon(raw, "a.txt", Limits(max_bytes=100))
    assert isinstance(got, Reject) and got.reason == "too_large"
    assert read_soon(raw, "../outside.txt").reason == "outside_raw_root"


def test_a_shard_lists_swapped_files_as_rejects(raw, tmp_path):
    files, _ = discover(raw)
    swap(raw / "a.txt", lambda p: p.symlink_to(tmp_path / "outside.txt"))
    swap(raw / "site" / "b.txt", os.mkfifo)
    work = tmp_path / "work"
    work.mkdir()
    result = shards.prepare(str(raw), files, str(work), 0, DEFAULT_LIMITS)
    rejects = {r["raw_file"]: r["reason"] for r in pq.read_table(result.paths["rejects"]).to_pylist()}
    assert rejects == {"a.txt": "unreadable", "site/b.txt": "unreadable"} and result.docs == 0


def test_show_reads_no_swapped_file(raw, tmp_path):
    import hashlib

    row = {"raw_file": "a.txt", "raw_sha256": hashlib.sha256(SECRET).hexdigest(), "encoding": "utf-8"}
    swap(raw / "a.txt", lambda p: p.symlink_to(tmp_path / "outside.txt"))
    assert raw_text(raw, row) is None
