"""report.html (rendered offline in headless Chromium) and `jingwen show`."""
import base64
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time

import pytest
from conftest import RAW, build
from websockets.sync.client import connect

from jingwen.cli import main
from jingwen.release.report import highlight

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    base = tmp_path_factory.mktemp("report")
    return build(RAW, base / "out", "0.1.0")


def test_every_release_has_a_self_contained_report(release):
    page = (release / "report.html").read_text("utf-8")
    assert "report.html" in (release / "SHA256SUMS").read_text("utf-8")
    link = '<a href="validation/release.json">'  # the one link: a file of the release, never loaded
    assert page.count(link) == 1 and (release / "validation" / "release.json").is_file()
    assert not re.search(r"""(?:src|href|action)\s*=|url\(|@import|<script|<link""", page.replace(link, ""), re.I)
    for title in ("Repairs by kind", "Lines cut by reason", "Rejected files by reason", "Document length",
                  "Documents per source", "Documents per month", "Expectations", "Changes", "raw beside cleaned"):
        assert title in page
    assert page.count("<svg") == 5  # five charts; "no rejects" instead of the sixth
    assert "traditional_to_simplified" in page and "人民日报" in page
    assert page.count('<div class="pair">') == 3 and "<del>" in page and "<ins>" in page
    expectations = json.loads((release / "MANIFEST.json").read_text("utf-8"))["expectations"]
    assert page.count('class="pass"') == len(expectations) and "release_id_unique" in page


def test_highlight_marks_what_changed():
    left, right = highlight("你好,世界", "你好，世界")
    assert left == "你好<del>,</del>世界" and right == "你好<ins>，</ins>世界"
    assert highlight("<b>", "<b>") == ("&lt;b&gt;", "&lt;b&gt;")


class DevTools:
    """Headless Chromium driven over the DevTools protocol (websockets): every request a
    page makes is seen as ``Network.requestWillBeSent``."""

    def __init__(self, profile: pathlib.Path):
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--remote-debugging-port=0", f"--user-data-dir={profile}", "--window-size=1200,3000"]
        self.proc = subprocess.Popen([CHROMIUM, *flags, "about:blank"], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and len(port_file.read_text().split()) == 2):
            assert time.monotonic() < deadline and self.proc.poll() is None, "chromium did not start"
            time.sleep(0.2)
        port, path = port_file.read_text().split()
        self.ws = connect(f"ws://127.0.0.1:{port}{path}", max_size=None)
        self.next_id, self.events = 0, []

    def call(self, method: str, session: str | None = None, **params):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        self.ws.send(json.dumps(message))
        while True:
            reply = json.loads(self.ws.recv(timeout=60))
            if reply.get("id") == self.next_id:
                assert "error" not in reply, reply
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str) -> None:
        while not any(e.get("method") == method for e in self.events):
            self.events.append(json.loads(self.ws.recv(timeout=60)))

    def close(self) -> None:
        self.ws.close()
        self.proc.kill()
        self.proc.wait(30)


def test_the_report_renders_offline_in_chromium(release, tmp_path):
    assert os.path.exists(CHROMIUM), "Debian's chromium is needed: make test installs it (see the Makefile)"
    browser = DevTools(tmp_path / "profile")
    try:
        target = browser.call("Target.createTarget", url="about:blank")["targetId"]
        session = browser.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        browser.call("Network.enable", session)
        browser.call("Page.enable", session)
        url = (release / "report.html").as_uri()
        browser.call("Page.navigate", session, url=url)
        browser.wait_for("Page.loadEventFired")

        def evaluate(expression: str):
            return browser.call("Runtime.evaluate", session, expression=expression)["result"]["value"]

        charts = evaluate("document.querySelectorAll('svg.chart').length")
        bars = evaluate("document.querySelectorAll('svg.chart rect').length")
        visible = evaluate("[...document.querySelectorAll('svg.chart')]"
                           ".every(s => s.getBoundingClientRect().width > 300)")
        text = evaluate("document.body.innerText")
        shot = browser.call("Page.captureScreenshot", session, format="png")["data"]
        browser.call("Runtime.evaluate", session, expression="1")  # collect late events
        requested = [e["params"]["request"]["url"] for e in browser.events
                     if e.get("method") == "Network.requestWillBeSent"]
    finally:
        browser.close()
    (tmp_path / "report.png").write_bytes(base64.b64decode(shot))
    assert charts == 5 and bars > 20 and visible
    assert "组织动员亿万职工" in text and "Expectations" in text
    assert (tmp_path / "report.png").stat().st_size > 20_000
    assert requested == [url]  # the page itself, and not one request more


def test_show_prints_a_record_with_its_removed_lines_and_diff(release, capsys, tmp_path):
    assert main(["show", "000_1cf8922f1b3f8602.txt", "--release", str(release), "--raw", str(RAW)]) == 0
    out = capsys.readouterr().out
    assert "组织动员亿万职工为发展新质生产力建功立业" in out and "traditional_to_simplified" in out
    assert "removed lines (11)" in out and "navigation" in out
    assert "--- raw" in out and "-人民網(wǎng)" in out
    ident = re.search(r"^id\s+(\w+)", out, re.M).group(1)
    assert main(["show", ident, "--release", str(release), "--raw", str(tmp_path)]) == 0  # by id; no raw file
    assert "not at hand" in capsys.readouterr().out


def test_show_a_reject_and_a_miss(tmp_path, capsys):
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(RAW / "000_1cf8922f1b3f8602.txt", raw)
    (raw / "empty.txt").write_bytes(b"")
    release = build(raw, tmp_path / "out", "0.1.0")
    assert main(["show", "empty.txt", "--release", str(release)]) == 0
    assert "rejected: empty" in capsys.readouterr().out
    assert main(["show", "nothing.txt", "--release", str(release)]) == 1
    assert "no record or reject" in capsys.readouterr().err
    assert main(["show", "x", "--out", str(tmp_path / "none")]) == 1
    assert "no release in" in capsys.readouterr().err


def test_show_help_has_examples():
    done = subprocess.run([sys.executable, "-m", "jingwen.cli", "show", "--help"], capture_output=True, text=True,
                          cwd=pathlib.Path(__file__).parent.parent)
    assert "examples:" in done.stdout


def test_progress_shows_on_a_terminal_only():
    import io

    from jingwen.progress import Progress

    shown = io.StringIO()
    bar = Progress(shown, enabled=True, every=0)
    bar.stage("prepare", 4000)
    bar.advance(2000)
    bar.advance(2000)
    bar.end()
    out = shown.getvalue()
    assert "2,000/4,000 documents  50.0%" in out and "docs/s  ETA" in out and "4,000/4,000" in out and "done" in out
    quiet = io.StringIO()  # not a terminal
    bar = Progress(quiet)
    bar.stage("prepare", 10)
    bar.advance(10)
    bar.end()
    assert quiet.getvalue() == ""
