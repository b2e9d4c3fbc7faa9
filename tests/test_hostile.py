"""Hostile scrapes and killed runs, through the real ``jingwen run`` command."""
import json
import os
import pathlib
import signal
import subprocess
import sys
import time

import pyarrow.ipc as ipc
import pyarrow.parquet as pq
from conftest import RAW, ROOT, wait_for

from jingwen.release.publish import verify

ARTICLE = "\n".join(["城市公园迎来赏花季", "2024-04-01 09:00 来源：新华网"] +
                    [f"第{i}段：进入四月，城市公园里樱花、海棠竞相开放，吸引众多市民前来踏青赏花，公园增设了休息点。"
                     for i in range(5)])


def jingwen(*args, timeout=300, env=None, **kw):
    return subprocess.run([sys.executable, "-m", "jingwen.cli", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT, env=env, **kw)


def own_server_env(home: pathlib.Path) -> dict[str, str]:
    """No ``PREFECT_API_URL``: ``jingwen run`` starts its own server for the run, as ``make run`` does."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    return {**env, "PREFECT_HOME": str(home), "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90"}


def hostile_folder(raw: pathlib.Path, outside: pathlib.Path) -> dict[str, str]:
    """Every kind of bad file; returns file name -> the outcome it must have."""
    raw.mkdir()
    want = {}

    def put(name, data, outcome):
        (raw / name).write_bytes(data)
        want[name] = outcome

    put("good.txt", ARTICLE.encode(), "record")
    put("png.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "binary")
    put("empty.txt", b"", "empty")
    put("blank.txt", b" \n\r\n\t\n", "empty")
    put("cut_mid_character.txt", ARTICLE.replace("第", "己").encode()[:-2], "record")
    put("huge_single_line.txt", "长".encode() * (50 * 1024 * 1024 // 3), "too_large")
    put("nul_bytes.txt", ARTICLE.replace("第", "戊").replace("公园", "公\x00园", 2).encode(), "record")
    gbk_line = "第九段：这一段来自另一个编码的页面，用GBK保存，夹在UTF-8的文章中间，内容完整，句子通顺。"
    put("mixed_encodings.txt", ARTICLE.replace("第", "庚").encode() + b"\n" + gbk_line.encode("gbk"), "record")
    put("gbk.txt", ARTICLE.replace("第", "节").encode("gbk"), "record")
    import opencc

    put("big5.txt", opencc.OpenCC("s2tw").convert(ARTICLE.replace("第", "段")).encode("big5"), "record")
    put("utf16_no_bom.txt", ARTICLE.replace("第", "其").encode("utf-16-le"), "record")
    put("kunkun.txt", ("锟斤拷" * 200 + "\n" + ARTICLE.replace("第", "甲")).encode(), "too_much_lost")
    put("random_high_bytes.txt", bytes((i * 37 + 128) % 256 | 0x80 for i in range(5000)), "undecodable|binary")
    put("korean.txt", "오늘 서울의 날씨는 맑고 따뜻하겠습니다. 정부는 새로운 경제 정책을 발표했습니다.\n".encode() * 5,
        "not_chinese")
    put("footer_only.txt", "返回顶部\nCopyright © 2024 某某网 版权所有\n".encode(), "no_article")
    put("good_copy.txt", ARTICLE.encode(), "duplicate")
    (raw / "deep" / "er").mkdir(parents=True)
    put("deep/er/nested.txt", ARTICLE.replace("第", "乙").encode(), "record")
    name = os.fsdecode(b"\xd6\xd0\xce\xc4.txt")  # a GBK file name, not UTF-8
    (raw / name).write_bytes(ARTICLE.replace("第", "丙").encode())
    want["\\xd6\\xd0\\xce\\xc4.txt"] = "record"
    outside.write_bytes(ARTICLE.replace("第", "丁").encode())
    os.symlink(outside, raw / "link_outside.txt")
    want["link_outside.txt"] = "outside_raw_root"
    os.symlink(raw / "deep", raw / "deep" / "er" / "loop")  # a directory loop is not followed, but listed
    want["deep/er/loop"] = "unreadable"
    os.mkfifo(raw / "pipe.txt")
    want["pipe.txt"] = "unreadable"
    os.symlink("loop_b", raw / "loop_a")  # once a RuntimeError that aborted the run
    os.symlink("loop_a", raw / "loop_b")
    want.update({"loop_a": "symlink_loop", "loop_b": "symlink_loop"})
    put(".hidden.txt", ARTICLE.replace("第", "辛").encode(), "hidden_file")  # once skipped silently
    return want


def test_a_folder_of_hostile_files(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    want = hostile_folder(raw, tmp_path / "outside.txt")
    done = jingwen("run", "--raw", str(raw), "--out", str(out), env=own_server_env(tmp_path / "home"))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    release = out / "0.1.0"
    assert verify(release) == []
    records = {r["raw_file"] for r in pq.read_table(release / "data").to_pylist()}
    rejects = {r["raw_file"]: r for r in pq.read_table(release / "rejects").to_pylist()}
    for name, outcome in want.items():
        if outcome == "record":
            assert name in records, (name, rejects.get(name))
        else:
            assert name in rejects, (name, "became a record")
            assert rejects[name]["reason"] in outcome.split("|"), (name, rejects[name])
            assert rejects[name]["detail"], name
    assert len(records) + len(rejects) == len(want)
    assert rejects["good_copy.txt"]["detail"].startswith("duplicate of ")
    manifest = json.loads((release / "MANIFEST.json").read_text("utf-8"))
    assert manifest["counts"]["rejects"] == len(rejects)
    assert sum(manifest["rejects_by_reason"].values()) == len(rejects)


def _corpus(raw: pathlib.Path, n: int) -> None:
    raw.mkdir()
    samples = [p.read_bytes() for p in sorted(RAW.glob("*.txt"))]
    for i in range(n):  # a line of its own in the middle of the article makes each copy a document of its own
        lines = samples[i % len(samples)].split(b"\n")
        lines.insert(len(lines) // 2, f"本文是第{i}份样本，它在正文的中间。".encode())
        (raw / f"{i:05d}.txt").write_bytes(b"\n".join(lines))


def test_a_run_killed_at_any_moment_leaves_only_complete_releases(prefect_server, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    _corpus(raw, 400)
    for delay in (1.0, 4.0):  # while the flow starts, and while shards are being processed
        proc = subprocess.Popen([sys.executable, "-m", "jingwen.cli", "run", "--raw", str(raw), "--out", str(out),
                                 "--shard-size", "50"], cwd=ROOT, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.time() + 120
        while time.time() < deadline and not list(out.glob(".work-*")) and proc.poll() is None:
            time.sleep(0.1)
        time.sleep(delay)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for entry in out.iterdir() if out.exists() else []:
            if not entry.name.startswith("."):
                assert verify(entry) == [], f"{entry} is visible but not a complete release"
    cached = sum(ipc.open_file(str(p)).read_all().num_rows for p in (out / ".cache").rglob("*.arrow"))
    done = jingwen("run", "--raw", str(raw), "--out", str(out), "--shard-size", "50")
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"{400 - cached} documents cleaned, {cached} reused" in done.stdout  # the killed runs' work is kept
    releases = [e for e in out.iterdir() if not e.name.startswith(".")]
    assert releases and all(verify(r) == [] for r in releases)
    assert not list(out.glob(".work-*")) and not list(out.glob(".tmp-*"))
    newest = max(releases, key=lambda p: tuple(map(int, p.name.split("."))))
    assert json.loads((newest / "MANIFEST.json").read_text("utf-8"))["counts"]["records"] == 400


def _descendants(pid: int) -> list[int]:
    """Every process below ``pid`` now (from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        kids = children.get(todo.pop(), [])
        found += kids
        todo += kids
    return found


def _alive(pid: int) -> bool:
    try:
        return pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return False


def test_a_run_killed_with_sigkill_leaves_no_process_behind(tmp_path):
    """Its Prefect server, the pool's workers and the pool's helpers all end with it."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    _corpus(raw, 300)
    proc = subprocess.Popen([sys.executable, "-m", "jingwen.cli", "run", "--raw", str(raw), "--out", str(out),
                             "--workers", "2", "--shard-size", "50"], cwd=ROOT, start_new_session=True,
                            env=own_server_env(tmp_path / "home"),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:  # the server and both workers are up, and the shards are being processed
        children = wait_for(lambda: list(out.glob(".work-*")) and len(kids := _descendants(proc.pid)) >= 3 and kids,
                            180, [proc])
        time.sleep(2)
        children = sorted(set(children) | set(_descendants(proc.pid)))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(map(_alive, children)):
            time.sleep(0.2)
        left = [pathlib.Path(f"/proc/{p}/cmdline").read_bytes()[:200] for p in children if _alive(p)]
        assert not left, f"processes of the killed run still alive after 10 s: {left}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_two_runs_on_one_output_folder(tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    _corpus(raw, 5)
    out.mkdir()
    import fcntl

    with open(out / ".jingwen.lock", "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fh.write("jingwen run pid 1")
        fh.flush()
        done = jingwen("run", "--raw", str(raw), "--out", str(out))
    assert done.returncode == 1 and "is being written by" in done.stderr and "Traceback" not in done.stderr
