"""Discovery never raises: loops, depth, unreadable folders, hidden files and colliding
names are refused rows with a reason, not exceptions or silent skips."""
import os
import pathlib
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jingwen import raw as raw_module
from jingwen.raw import MAX_DEPTH, discover, display_name


def reasons(refused: list[dict]) -> dict[str, str]:
    return {r["raw_file"]: r["reason"] for r in refused}


def test_a_symlink_loop_is_a_reject(tmp_path):
    (tmp_path / "a.txt").write_text("文章", "utf-8")
    os.symlink("b", tmp_path / "a")
    os.symlink("a", tmp_path / "b")
    os.symlink("self", tmp_path / "self")
    files, refused = discover(tmp_path)
    assert files == ["a.txt"]
    assert reasons(refused) == {"a": "symlink_loop", "b": "symlink_loop", "self": "symlink_loop"}


def nest(folder: pathlib.Path, levels: int) -> None:
    """``levels`` folders named d inside each other (a loop: pathlib's mkdir recurses)."""
    fd = os.open(folder, os.O_RDONLY)
    for _ in range(levels):
        os.mkdir("d", dir_fd=fd)
        fd, parent = os.open("d", os.O_RDONLY, dir_fd=fd), fd
        os.close(parent)
    os.close(fd)


def unnest(folder: pathlib.Path, levels: int) -> None:
    """Remove what :func:`nest` made, deepest first (shutil.rmtree recurses, and so
    does pytest's cleanup of old temporary folders)."""
    for depth in range(levels, 0, -1):
        path = folder / "/".join(["d"] * depth)
        for entry in os.scandir(path):
            if not entry.is_dir(follow_symlinks=False):
                os.unlink(entry.path)
        path.rmdir()


@pytest.fixture()
def nested(tmp_path):
    """tmp_path with 1,100 folders inside each other."""
    nest(tmp_path, 1100)
    yield tmp_path
    unnest(tmp_path, 1100)


def test_a_folder_nested_1100_levels_deep(nested):
    tmp_path = nested
    (tmp_path / "/".join(["d"] * 1100) / "bottom.txt").write_text("文章", "utf-8")
    (tmp_path / "/".join(["d"] * MAX_DEPTH) / "ok.txt").write_text("文章", "utf-8")
    files, refused = discover(tmp_path)
    assert files == ["/".join(["d"] * MAX_DEPTH + ["ok.txt"])]
    assert reasons(refused) == {"/".join(["d"] * (MAX_DEPTH + 1)): "too_deep"}
    files, refused = discover(tmp_path, max_depth=2000)
    assert len(files) == 2 and refused == []


def test_hidden_files_and_folders_are_rejects(tmp_path):
    (tmp_path / ".hidden.txt").write_text("一篇文章", "utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.txt").write_text("文章", "utf-8")
    files, refused = discover(tmp_path)
    assert files == [] and reasons(refused) == {".hidden.txt": "hidden_file", ".git": "hidden_folder"}


def test_an_unreadable_folder_is_a_reject(tmp_path, monkeypatch):
    (tmp_path / "locked").mkdir()
    (tmp_path / "ok.txt").write_text("文章", "utf-8")
    scandir = os.scandir

    def refusing(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(raw_module.os, "scandir", refusing)
    files, refused = discover(tmp_path)
    assert files == ["ok.txt"] and reasons(refused) == {"locked": "unreadable"}
    assert "Permission denied" in refused[0]["detail"]


def test_a_folder_seen_twice_is_walked_once(tmp_path, monkeypatch):
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "x.txt").write_text("文章", "utf-8")
    folder_key = raw_module._folder_key
    monkeypatch.setattr(raw_module, "_folder_key",  # b is a bind mount of a
                        lambda folder: folder_key(str(tmp_path / "a")) if folder.endswith("/b") else folder_key(folder))
    files, refused = discover(tmp_path)
    assert files == ["a/x.txt"] and reasons(refused) == {"b": "folder_loop"}


def test_names_that_collide_after_escaping(tmp_path):
    (tmp_path / os.fsdecode(b"\xd6\xd0bad.txt")).write_text("文章一", "utf-8")
    (tmp_path / "\\xd6\\xd0bad.txt").write_text("文章二", "utf-8")
    files, refused = discover(tmp_path)
    assert files == ["\\xd6\\xd0bad.txt"]
    assert [(r["raw_file"], r["reason"]) for r in refused] == [("\\xd6\\xd0bad.txt", "name_collision")]


def test_symlinks_inside_and_outside(tmp_path):
    root = tmp_path / "raw"
    (root / "site").mkdir(parents=True)
    (root / "site" / "a.txt").write_text("文章", "utf-8")
    (tmp_path / "outside.txt").write_text("秘密", "utf-8")
    os.symlink(tmp_path / "outside.txt", root / "out.txt")
    os.symlink("site/a.txt", root / "in.txt")
    os.symlink("missing", root / "broken.txt")
    files, refused = discover(root)
    assert files == ["site/a.txt"]
    assert reasons(refused) == {"out.txt": "outside_raw_root", "in.txt": "unreadable", "broken.txt": "unreadable"}


names = st.sampled_from(["a", "b", ".h", "c.txt", "d", os.fsdecode(b"\xd6\xd0x"), "\\xd6\\xd0x", "new\nline",
                         " 空 格 ", "-", "\x7f\x01"])  # odd bytes, a name another escapes to, control characters
trees = st.recursive(st.sampled_from(["file", "fifo"]) | st.tuples(st.just("link"), st.sampled_from(
    ["a", "b", "../a", "/", "nowhere", ".", "..", "d/a"])), lambda kids: st.dictionaries(names, kids, max_size=4),
    max_leaves=12)


def build(folder: pathlib.Path, tree) -> None:
    for name, node in tree.items():
        path = folder / name
        if isinstance(node, dict):
            path.mkdir()
            build(path, node)
        elif node == "file":
            path.write_text("文章", "utf-8")
        elif node == "fifo":
            os.mkfifo(path)
        else:
            os.symlink(node[1], path)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(names, trees, max_size=5), st.integers(0, 3))
def test_discovery_never_raises_and_accounts_for_every_entry(tree, max_depth):
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        build(root, tree)
        files, refused = discover(root, max_depth=max_depth)
        shown = [display_name(f) for f in files]
        listed = set(shown) | {r["raw_file"] for r in refused}
        assert len(shown) == len(set(shown)) and all(n.encode("utf-8") for n in listed)  # shown names are UTF-8
        once = shown + [r["raw_file"] for r in refused if r["reason"] != "name_collision"]
        assert len(once) == len(set(once)), "two entries shown under one name"
        for name in files:  # only regular files reached through real folders
            assert not any((root / name).parents[i].is_symlink() for i in range(len(pathlib.Path(name).parts)))
            assert (root / name).is_file() and not (root / name).is_symlink()
        for dirpath, dirnames, filenames in os.walk(root):
            rel = pathlib.Path(dirpath).relative_to(root)
            for entry in dirnames + filenames:
                path = (rel / entry).as_posix()
                shown_as = display_name(path)
                covered = shown_as in listed or any(shown_as.startswith(f"{r['raw_file']}/") for r in refused)
                assert covered or (root / path).is_dir() and not (root / path).is_symlink(), shown_as
