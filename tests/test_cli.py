import json
import subprocess
import sys

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
