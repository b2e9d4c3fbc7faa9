"""``pip install .`` gives a jingwen that releases: the wheel carries the suites and every data file.

The wheel is built from the repository's files (tracked, or new and not ignored) copied
to a temporary folder, installed with ``pip install --target`` and run from another
folder with only that install on ``PYTHONPATH``, against the session's Prefect server.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import zipfile

from conftest import RAW, ROOT

# Runs the CLI, then writes the files of every jingwen module it imported to argv[1].
RUN_AND_LIST_MODULES = """
import json, sys
from jingwen.cli import main
try:
    code = main(sys.argv[2:])
finally:
    files = sorted(m.__file__ for n, m in list(sys.modules.items())
                   if (n == "jingwen" or n.startswith("jingwen.")) and getattr(m, "__file__", None))
    open(sys.argv[1], "w").write(json.dumps(files))
sys.exit(code)
"""


def _source_copy(target: pathlib.Path) -> pathlib.Path:
    """The repository's files, as a clean clone would have them (no build/ or egg-info)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        if (ROOT / name).is_file() and not name.startswith(("tests/", "bench/", "raw/")):
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, target / name)
    return target


def _wheel(tmp_path: pathlib.Path) -> pathlib.Path:
    src = _source_copy(tmp_path / "src")
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"), str(src)],
                   check=True, capture_output=True)
    return next((tmp_path / "dist").glob("jingwen-*.whl"))


def test_a_release_from_the_installed_wheel(prefect_server, tmp_path):
    wheel = _wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    data = [p.relative_to(ROOT).as_posix() for d in ("jingwen/data", "expectations") for p in (ROOT / d).iterdir()
            if p.suffix != ".py" and p.is_file()]
    for name in data:
        assert name.replace("expectations/", "jingwen/expectations/") in names, name
    assert "jingwen/flows/release_flow.py" in names and not any(n.startswith(("flows/", "tests/")) for n in names)

    site = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "-q", "install", "--no-deps", "--target", str(site), str(wheel)],
                   check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(RAW, elsewhere / "raw")
    env = {**{k: v for k, v in os.environ.items() if k != "JINGWEN_EXPECTATIONS"},
           "PYTHONPATH": str(site), "PREFECT_API_URL": prefect_server["PREFECT_API_URL"]}
    modules = tmp_path / "modules.json"
    out = subprocess.run([sys.executable, "-c", RUN_AND_LIST_MODULES, str(modules), "run", "--runner", "threads"],
                         cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "release 0.1.0: 5 records, 0 rejects" in out.stdout
    assert (elsewhere / "output" / "0.1.0" / "SHA256SUMS").is_file()
    used = json.loads(modules.read_text())
    assert any(f.endswith("flows/release_flow.py") for f in used) and any("expectations" in f for f in used)
    outside = [f for f in used if not pathlib.Path(f).is_relative_to(site)]
    assert not outside, f"imported from outside the wheel's install (the editable finder?): {outside}"


def test_missing_suites_are_one_line_before_prefect(tmp_path):
    env = {**os.environ, "JINGWEN_EXPECTATIONS": str(tmp_path / "none")}
    out = subprocess.run([sys.executable, "-m", "jingwen.cli", "run", "--raw", str(RAW), "--out", str(tmp_path)],
                         env=env, capture_output=True, text=True)
    assert out.returncode == 1 and "with Prefect" not in out.stderr
    assert out.stderr.strip().count("\n") == 0 and "no expectation suites" in out.stderr
