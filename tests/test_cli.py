import hashlib
import json
import os
import subprocess
import sys

import pytest
from conftest import RAW, ROOT

JINGWEN = [sys.executable, "-m", "jingwen.cli"]


def run(args, **kw):
    return subprocess.run(JINGWEN + args, capture_output=True, text=True, cwd=ROOT, **kw)


def test_fix_keeps_the_line_count():
    text = "浣犲ソ锛屼笘鐣\n\n發(fā)展新質(zhì)生產(chǎn)力,人民網(wǎng)報道\nÄãºÃ£¬ÊÀ½ç\n普通的句子，没有问题。\n"
    out = run(["fix"], input=text)
    assert out.returncode == 0
    assert out.stdout == "你好，世界\n\n发展新质生产力，人民网报道\n你好，世界\n普通的句子，没有问题。\n"


def test_clean_prints_one_record_per_file():
    out = run(["clean", str(RAW / "003_dbbf224393a5418b.txt"), str(RAW / "001_8890102b111eacc8.txt")])
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert [r["title"] for r in rows] == ["凝聚职工群众奋进“十四五”的磅礴力量", None]
    assert rows[1]["source"] == "工人日报"


def test_help_has_examples_and_errors_are_clear(tmp_path):
    for cmd in ("run", "clean", "fix"):
        assert "examples:" in run([cmd, "--help"]).stdout
    out = run(["run", "--raw", str(tmp_path / "missing")])
    assert out.returncode == 2 and "does not exist" in out.stderr and "Traceback" not in out.stderr


def _fails_before_anything(capsys, monkeypatch, argv: list[str], code: int, words: str) -> None:
    """``argv`` exits ``code`` with one line containing ``words``, without importing the flow."""
    from jingwen.cli import main

    monkeypatch.setitem(sys.modules, "jingwen.flows.release_flow", None)  # importing it would raise
    assert main(argv) == code
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err, err


def test_bad_arguments_are_one_line_and_exit_2(capsys, monkeypatch, tmp_path):
    fails = lambda argv, words: _fails_before_anything(capsys, monkeypatch, argv, 2, words)
    fails(["run", "--raw", str(RAW), "--out", str(tmp_path), "--version", "foo"], "is not a version X.Y.Z")
    fails(["run", "--raw", str(RAW), "--workers", "0"], "--workers must be at least 1")
    fails(["run", "--raw", str(RAW), "--license", "Not A Licence"], "not an SPDX id")
    fails(["run", "--raw", str(RAW), "--card-config", str(tmp_path / "none.toml")], "cannot read the card config")
    fails(["download", "htp://bad", "--to", str(tmp_path)], "unknown protocol htp://")
    fails(["download", str(tmp_path), "--version", "latest", "--to", str(tmp_path)], "is not a version")
    fails(["publish", str(RAW), "--to", "htp://x"], "unknown protocol htp://")
    fails(["publish", str(tmp_path / "none"), "--to", str(tmp_path)], "does not exist")


def test_s3_without_credentials_is_one_line_and_exit_1(tmp_path):
    release = tmp_path / "0.1.0"  # the smallest release that verifies
    release.mkdir()
    manifest = b'{"version": "0.1.0", "files": []}'
    (release / "MANIFEST.json").write_bytes(manifest)
    (release / "SHA256SUMS").write_text(f"{hashlib.sha256(manifest).hexdigest()}  MANIFEST.json\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=str(tmp_path / "none"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"), AWS_ENDPOINT_URL="http://127.0.0.1:9")
    out = run(["publish", str(release), "--to", "s3://bucket/jingwen"], env=env)
    assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
    assert "no AWS credentials" in out.stderr and "Traceback" not in out.stderr


def _exits_0_printing(capsys, argv: list[str]) -> str:
    from jingwen.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0
    return capsys.readouterr().out


def test_version_and_help_examples_that_exist(capsys):
    assert _exits_0_printing(capsys, ["--version"]).startswith("jingwen 0.")
    examples = [line.split()[2] for line in _exits_0_printing(capsys, ["show", "--help"]).splitlines()
                if line.strip().startswith("jingwen show")]
    ids = {hashlib.sha256(p.read_bytes()).hexdigest()[:16] for p in RAW.glob("*.txt")}
    assert examples[0] in ids, "the example id is not a record of the samples' release"
    assert all((ROOT / e).is_file() or (RAW / e).is_file() for e in examples[1:])
