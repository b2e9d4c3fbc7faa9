"""Bounded input: a download stops at the size MANIFEST.json gives (and listings at a
hard cap) and keeps nothing; ``clean`` and ``fix`` stop at ``--max-bytes``. The
flooding server is a real HTTP server on loopback."""
import http.server
import json
import os
import pathlib
import subprocess
import sys
import threading
import time

import pytest
from test_signing import DATA, tiny_release

from jingwen import cli
from jingwen.release.publish import MAX_LISTING_BYTES, TooLarge, download, publish

FLOOD = 200 << 20  # what the hostile server offers for each flooded file


class FloodHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a folder, but streams ``FLOOD`` bytes for the paths in ``flood`` (no
    Content-Length, or a lying one for ``lie``) and counts what it managed to send."""

    flood: set = set()
    lie: bool = False
    sent: int = 0

    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path not in self.flood:
            return super().do_GET()
        self.send_response(200)
        if self.lie:
            self.send_header("Content-Length", str(FLOOD))
        self.end_headers()
        block = b"\0" * (1 << 20)
        try:
            for _ in range(FLOOD // len(block)):
                self.wfile.write(block)
                type(self).sent += len(block)
        except OSError:  # the client stopped reading
            pass


@pytest.fixture()
def flooding_mirror(tmp_path):
    root = tmp_path / "www"
    publish(tiny_release(tmp_path / "out"), str(root))
    FloodHandler.flood, FloodHandler.lie, FloodHandler.sent = set(), False, 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), lambda *a, **kw: FloodHandler(*a, directory=str(root),
                                                                                             **kw))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def written(folder: pathlib.Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


@pytest.mark.parametrize("lie", [False, True], ids=["no-length", "lying-length"])
def test_a_flooding_server_is_stopped_at_the_manifest_size(flooding_mirror, tmp_path, lie):
    _, url = flooding_mirror
    FloodHandler.flood, FloodHandler.lie = {f"/0.1.0/{DATA}"}, lie
    started = time.monotonic()
    with pytest.raises(TooLarge, match="bytes MANIFEST.json gives"):
        download(url, tmp_path / "got")
    assert time.monotonic() - started < 10 and FloodHandler.sent < FLOOD // 2
    assert not (tmp_path / "got").exists(), "nothing is kept of a stopped download"


@pytest.mark.parametrize("listing", ["releases.json", "0.1.0/SHA256SUMS", "0.1.0/MANIFEST.json"])
def test_flooded_listings_stop_at_the_hard_cap(flooding_mirror, tmp_path, capsys, listing):
    _, url = flooding_mirror
    FloodHandler.flood = {f"/{listing}"}
    code = cli.main(["download", url, "--to", str(tmp_path / "got")])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and f"more than {MAX_LISTING_BYTES} bytes" in err, err
    assert FloodHandler.sent < 4 * MAX_LISTING_BYTES and written(tmp_path / "got") == 0


def test_a_folder_mirror_with_a_grown_file(tmp_path, capsys):
    root = tmp_path / "mirror"
    publish(tiny_release(tmp_path / "out"), str(root))
    with open(root / "0.1.0" / DATA, "r+b") as fh:
        fh.truncate(FLOOD)  # sparse: 200 MB that cost nothing to make
    code = cli.main(["download", str(root), "--to", str(tmp_path / "got")])
    err = capsys.readouterr().err
    assert code == 1 and "bytes MANIFEST.json gives" in err and err.count("\n") == 1
    assert not (tmp_path / "got").exists()
    os.truncate(root / "releases.json", FLOOD)
    code = cli.main(["download", str(root), "--to", str(tmp_path / "got")])
    assert code == 1 and "releases.json has more than" in capsys.readouterr().err


@pytest.mark.parametrize("name", [DATA, "SHA256SUMS"])
def test_a_fifo_in_a_folder_mirror_is_refused_not_waited_on(tmp_path, name):
    root = tmp_path / "mirror"
    publish(tiny_release(tmp_path / "out"), str(root))
    os.unlink(root / "0.1.0" / name)
    os.mkfifo(root / "0.1.0" / name)
    done = subprocess.run([sys.executable, "-m", "jingwen.cli", "download", str(root), "--to", str(tmp_path / "got")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1 and "not a regular file" in done.stderr and done.stderr.count("\n") == 1
    assert not (tmp_path / "got" / "0.1.0").exists()


def test_verify_caps_a_huge_sha256sums(tmp_path, capsys):
    release = tiny_release(tmp_path)
    os.truncate(release / "SHA256SUMS", FLOOD)
    code = cli.main(["verify", str(release)])
    err = capsys.readouterr().err
    assert code == 1 and "not a listing" in err and err.count("\n") == 1


def test_clean_stops_at_max_bytes_on_stdin_devices_and_fifos(tmp_path, capsys, monkeypatch):
    import io

    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "big.txt").write_bytes("长".encode() * 400)
    done = []
    thread = threading.Thread(target=lambda: done.append(cli.main(
        ["clean", "--max-bytes", "1000", str(tmp_path / "pipe.txt"), "/dev/zero", str(tmp_path / "big.txt")])),
        daemon=True)
    thread.start()
    thread.join(10)
    assert not thread.is_alive() and done == [1], "clean hangs or exits 0"
    out = capsys.readouterr()
    assert out.out == "" and out.err.splitlines() == [
        f"jingwen clean: {tmp_path / 'pipe.txt'}: not a regular file (a FIFO); not read",
        "jingwen clean: /dev/zero: not a regular file (a character device); not read",
        f"jingwen clean: {tmp_path / 'big.txt'}: 1200 bytes > max_bytes 1000"]
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(open("/dev/zero", "rb")))
    assert cli.main(["clean", "-", "--max-bytes", "4096"]) == 1
    assert capsys.readouterr().err == "jingwen clean: -: more than 4096 bytes on stdin (--max-bytes); not read\n"
    article = "城市公园迎来赏花季\n" + "进入四月，城市公园里樱花、海棠竞相开放，吸引众多市民前来踏青赏花。\n" * 4
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(article.encode())))
    assert cli.main(["clean", "-"]) == 0
    assert json.loads(capsys.readouterr().out)["raw_file"] == "-"


def test_fix_stops_at_a_line_over_max_bytes(monkeypatch, capsys):
    import io

    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"ok\n" + b"\0" * 5000)))
    assert cli.main(["fix", "--max-bytes", "100"]) == 1
    out = capsys.readouterr()
    assert out.out == "ok\n" and out.err == "jingwen fix: line 2 has more than 100 bytes (--max-bytes); stopped\n"


def test_a_long_garbled_line_without_ascii_is_repaired_in_linear_time():
    # UTF-8 read as GBK, 80,000 characters and not one ASCII byte to cut the line at: each
    # trigger once rescanned the whole run (77 s for this line; 3.4 s now, start-up included)
    line = ("你好世界，今天天气很好。" * 4000).encode("utf-8").decode("gbk", errors="replace")[:-1]
    done = subprocess.run([sys.executable, "-m", "jingwen.cli", "fix"], input=line + "\n", capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("你好世界，今天天气很好。")
