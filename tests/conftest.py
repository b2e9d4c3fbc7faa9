import importlib.util
import os
import pathlib
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
SHARED = ROOT.parent / "shared"
DATA = pathlib.Path(__file__).resolve().parent / "data"

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ["JINGWEN_CONFIG"] = os.devnull  # the keys a user trusts (jingwen download) change no test


def score_script() -> pathlib.Path:
    shared = SHARED / "eval" / "score.py"
    return shared if shared.exists() else DATA / "score.py"


def gold_dir() -> pathlib.Path:
    shared = SHARED / "gold"
    return shared if shared.is_dir() else DATA / "gold"


@pytest.fixture(scope="session")
def samples() -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(RAW.glob("*.txt"))}


def bench_module(name: str):
    """A script of bench/ imported as a module."""
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses look their module up
        spec.loader.exec_module(module)
    return sys.modules[name]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what, seconds: float, procs=()):
    """Poll ``what()`` until it is truthy; fail if time runs out or one of ``procs`` exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = what()
        if found:
            return found
        for p in procs:
            assert p.poll() is None, f"{p.args} exited {p.returncode}"
        time.sleep(0.5)
    raise AssertionError(f"timed out after {seconds} s")


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory):
    """One real ``prefect server start`` on a free loopback port, with its own database, for the session.

    Flows run in the test process and ``jingwen`` subprocesses (which inherit the environment) talk to
    it instead of each starting a server of their own (~5-15 s a time). Yields the environment.
    """
    from prefect.settings import PREFECT_API_URL, temporary_settings

    home = tmp_path_factory.mktemp("prefect-home")
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    env = {**os.environ, "PREFECT_HOME": str(home), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
           "PREFECT_API_URL": url, "PREFECT_LOGGING_LEVEL": "WARNING"}
    log = open(home / "server.log", "w")
    proc = subprocess.Popen([str(pathlib.Path(sys.executable).parent / "prefect"), "server", "start",
                             "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def healthy() -> bool:
        try:
            return urllib.request.urlopen(f"{url}/health", timeout=2).status == 200
        except OSError:
            return False

    saved = dict(os.environ)
    try:
        wait_for(healthy, 120, [proc])
        os.environ.update(env)
        with temporary_settings(updates={PREFECT_API_URL: url}):
            yield env
    finally:
        os.environ.clear()
        os.environ.update(saved)
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(30)
        log.close()


def build(raw: pathlib.Path, out: pathlib.Path, version: str, card=None) -> pathlib.Path:
    """A release of ``raw`` through the flow's shard stages, without Prefect (``card``: a
    ``CardInfo``, default the default card)."""
    from jingwen import shards
    from jingwen.document import DEFAULT_LIMITS
    from jingwen.release.card import DEFAULT_CARD
    from jingwen.release.writer import write_release
    from jingwen.validation import load_suites

    work = out / f".work-{version}"
    work.mkdir(parents=True)
    files = sorted(p.relative_to(raw).as_posix() for p in raw.rglob("*") if p.is_file())
    prepared = shards.prepare(str(raw), files, str(work), 0, DEFAULT_LIMITS)
    sketch = shards.merge_sketches([prepared.paths["sketch"]], str(work / "lines.npz"))
    finished = shards.finish(prepared.paths["prepared"], sketch, str(work), 0, DEFAULT_LIMITS)
    validated = shards.validate(finished.paths["records"], str(work), 0, load_suites())
    write_release(out, version, [validated.paths["records"]], shards.read_rejects([prepared, finished, validated]),
                  [finished.paths["removed"]], {"expectations": validated.validation}, raw_root=raw,
                  card=card or DEFAULT_CARD)
    shutil.rmtree(work)
    return out / version


@pytest.fixture(scope="session")
def releases(tmp_path_factory):
    """0.1.0 of four samples, 0.1.1 of all five, and 0.1.1 again in another folder."""
    base = tmp_path_factory.mktemp("releases")
    four = base / "raw4"
    four.mkdir()
    for p in sorted(RAW.glob("*.txt"))[:4]:
        shutil.copy(p, four / p.name)
    out = base / "out"
    first = build(four, out, "0.1.0")
    second = build(RAW, out, "0.1.1")
    again = build(RAW, base / "again", "0.1.1")
    return first, second, again
