"""One-line errors at the command line (no traceback) for a full disk, a read-only
output and malformed listings; strict version parsing. In process, no Prefect."""
import errno
import json
import subprocess
import sys
import types

import pytest
from conftest import ROOT

from jingwen import cli
from jingwen.release import lock
from jingwen.release.versions import parse_version


def run(capsys, *argv, notices: int = 0) -> tuple[int, str]:
    """Exit code and the one error line (after ``notices`` lines of progress)."""
    code = cli.main([str(a) for a in argv])
    err = capsys.readouterr().err
    assert "Traceback" not in err and err.count("\n") == notices + 1, err
    return code, err.split("\n")[notices] + "\n"


@pytest.mark.parametrize("text", ["0.1.0\n", "0.1.0 ", " 0.1.0", "0.1", "0.1.0.1", "v0.1.0", "０.1.0", "0.1.0\n0.2.0"])
def test_only_exact_versions_parse(text):
    assert parse_version(text) is None
    assert parse_version("10.20.30") == (10, 20, 30)


def test_run_refuses_a_version_with_a_newline(tmp_path, capsys):
    code, err = run(capsys, "run", "--raw", ROOT / "raw", "--out", tmp_path, "--version", "0.1.0\n")
    assert code == 2 and "is not a version X.Y.Z" in err and not list(tmp_path.iterdir())


def test_run_on_a_read_only_output(tmp_path, capsys, monkeypatch):
    def read_only(path):
        raise OSError(errno.EROFS, "Read-only file system", str(path / ".jingwen.lock"))

    monkeypatch.setattr(lock, "output_lock", read_only)
    code, err = run(capsys, "run", "--raw", ROOT / "raw", "--out", tmp_path / "out", "--version", "0.1.0")
    assert code == 1 and err == f"jingwen run: Read-only file system: {tmp_path / 'out' / '.jingwen.lock'}\n"


def test_run_on_a_full_disk(tmp_path, capsys, monkeypatch):
    def full(**kw):
        raise OSError(errno.ENOSPC, "No space left on device", f"{kw['out']}/.tmp-0.1.0/data")

    flow = types.SimpleNamespace(preload=lambda: None, runs_in_process=lambda *a: False,
                                 on_runner=lambda *a: full)  # the flow fails as it would on a full disk
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:9/api")  # no server started for this run
    monkeypatch.setitem(sys.modules, "jingwen.flows.release_flow", flow)
    monkeypatch.setitem(sys.modules, "jingwen.validation", types.SimpleNamespace(
        TableExpectationFailed=ValueError, SuitesError=ValueError, load_suites=lambda: [], load_gx=lambda: None))
    code, err = run(capsys, "run", "--raw", ROOT / "raw", "--out", tmp_path, "--version", "0.1.0", notices=1)
    assert code == 1 and err.startswith("jingwen run: No space left on device: ")


def test_fix_to_a_full_disk():
    done = subprocess.run([sys.executable, "-m", "jingwen.cli", "fix"], input="你好\n", text=True,
                          stdout=open("/dev/full", "w"), stderr=subprocess.PIPE, cwd=ROOT)
    assert done.returncode == 1 and done.stderr == "jingwen fix: No space left on device\n"


def test_download_of_a_malformed_index(tmp_path, capsys):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    for data in (b"{not json", b"\xff\xfe", json.dumps({"releases": "0.1.0"}).encode(), b"[]"):
        (mirror / "releases.json").write_bytes(data)
        code, err = run(capsys, "download", mirror, "--to", tmp_path / "got")
        assert code == 1 and "malformed releases.json" in err
    (mirror / "releases.json").write_text(json.dumps({"releases": [{"version": "0.1.0\n"}]}), "utf-8")
    code, err = run(capsys, "download", mirror, "--to", tmp_path / "got")
    assert code == 1 and "lists no releases" in err


@pytest.mark.parametrize("sums", [b"\xff\xd6 not text\n", b"garbage\n", b"", b"0" * 64 + b"  ../escape\n"])
def test_malformed_sha256sums(tmp_path, capsys, sums):
    release = tmp_path / "mirror" / "0.1.0"
    release.mkdir(parents=True)
    (release / "SHA256SUMS").write_bytes(sums)
    code, err = run(capsys, "verify", release)
    assert code == 1 and ("SHA256SUMS" in err or "unsafe path" in err)
    code, err = run(capsys, "download", tmp_path / "mirror", "--version", "0.1.0", "--to", tmp_path / "got")
    assert code == 1 and ("SHA256SUMS" in err or "unsafe path" in err)


def test_publish_to_a_malformed_index(tmp_path, capsys):
    from test_signing import tiny_release

    release = tiny_release(tmp_path / "out")
    (tmp_path / "mirror").mkdir()
    (tmp_path / "mirror" / "releases.json").write_text("{", "utf-8")
    code, err = run(capsys, "publish", release, "--to", tmp_path / "mirror")
    assert code == 1 and "malformed releases.json" in err
