"""jingwen serve against a real Prefect server on loopback; the raw-folder watcher."""
import os
import pathlib
import shutil
import signal
import subprocess
import sys

from conftest import RAW, wait_for

from jingwen.flows import serve as serving

BIN = pathlib.Path(sys.executable).parent


def test_serve_releases_at_start_and_on_notify(prefect_server, tmp_path):
    server = prefect_server
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    samples = sorted(RAW.glob("*.txt"))
    for p in samples[:4]:
        shutil.copy(p, raw)
    log = open(tmp_path / "serve.log", "w")
    proc = subprocess.Popen([str(BIN / "jingwen"), "serve", "--raw", str(raw), "--out", str(out), "--poll", "0",
                             "--cron", "0 3 * * *", "--name", "test"],
                            env=server, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait_for(lambda: (out / "0.1.0" / "SHA256SUMS").exists(), 180, [proc])  # the run at start
        shutil.copy(samples[4], raw)
        sent = subprocess.run([str(BIN / "jingwen"), "notify", "--raw", str(raw), samples[4].name],
                              env=server, capture_output=True, text=True, timeout=120)
        assert sent.returncode == 0 and "jingwen.raw.changed" in sent.stdout, sent.stderr
        wait_for(lambda: (out / "0.1.1" / "SHA256SUMS").exists(), 180, [proc])
        import json

        manifest = json.loads((out / "0.1.1" / "MANIFEST.json").read_text("utf-8"))
        assert manifest["work"] == {"cleaned": 1, "reused": 4}
        assert manifest["changes"]["added"] == 1
        shown = subprocess.run([str(BIN / "prefect"), "deployment", "inspect", "jingwen-release/test"], env=server,
                               capture_output=True, text=True, timeout=120).stdout
        assert "0 3 * * *" in shown and "jingwen.raw.changed" in shown
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_notify_without_a_server_says_what_to_do(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env["PREFECT_HOME"] = str(tmp_path)
    done = subprocess.run([str(BIN / "jingwen"), "notify"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "prefect server start" in done.stderr


def test_the_watcher_waits_for_the_folder_to_settle(tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("一", "utf-8")
    sent = []
    monkeypatch.setattr(serving, "notify", lambda raw, files=None, why="": sent.append(why))
    watcher = serving.Watcher(raw, 60)
    assert not watcher.check()                 # nothing changed since it started
    (raw / "b.txt").write_text("二", "utf-8")
    assert not watcher.check()                 # changed: maybe the scraper is still writing
    (raw / "c.txt").write_text("三", "utf-8")
    assert not watcher.check()                 # still changing
    assert watcher.check() and sent == ["poll"]  # settled for one interval: a release
    assert not watcher.check() and sent == ["poll"]
    (raw / "a.txt").write_text("一二", "utf-8")  # a changed file counts too
    assert not watcher.check() and watcher.check() and sent == ["poll", "poll"]
